package export

import (
	"bytes"
	"io"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTypedFromText: the fields that go through their CSV text read back
// as WriteParquet read the CSV before the typed path, errors included.
func TestTypedFromText(t *testing.T) {
	tt := &typedTable{b: &batch{}}
	tt.b.reset(1, 1)
	value := func(typ ctype, f string) (parquet.Value, error) {
		at := tt.b.at(0, 0)
		*at = parquet.Value{}
		tt.cellErr = nil
		tt.fromText(at, typ, []byte(f))
		return *at, tt.cellErr
	}
	v, err := value(tBigint, "18446744073709551615")
	require.EqualError(t, err, "18446744073709551615 does not fit a signed 64-bit column (the field is signed in another version)")
	assert.True(t, v.IsNull())
	v, err = value(tBigint, "-42")
	require.NoError(t, err)
	assert.Equal(t, int64(-42), v.Int64())
	v, err = value(tUbigint, "18446744073709551615")
	require.NoError(t, err)
	assert.Equal(t, uint64(math.MaxUint64), v.Uint64())
	v, err = value(tDouble, "7.31") // a float's text, not the float widened
	require.NoError(t, err)
	assert.Equal(t, 7.31, v.Double())
	v, err = value(tDouble, "NaN")
	require.NoError(t, err)
	assert.True(t, math.IsNaN(v.Double()))
	v, err = value(tTimestamp, "2026-11-25T10:00:05Z")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 11, 25, 10, 0, 5, 0, time.UTC).UnixMicro(), v.Int64())
	v, err = value(tVarchar, "")
	require.NoError(t, err)
	assert.True(t, v.IsNull(), "an empty field is a null")
	_, err = value(tBoolean, "yes")
	assert.Error(t, err)

	// a time that RFC 3339 cannot hold fails as its text did
	at := tt.b.at(0, 0)
	tt.cellErr = nil
	tt.cell(at, tTimestamp, &tcell{kind: kTime, t: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.Error(t, tt.cellErr)
}

// TestTypedErrorRow: a field that does not read as its column's type is
// reported at its line in the CSV, and the rows before it are written.
func TestTypedErrorRow(t *testing.T) {
	var taken []int
	pw := &partWriter{}
	s := &rowSink{cols: []Column{{Name: "a"}, {Name: "b"}}, line: 3,
		route: func(b *batch, r int) (*partWriter, error) { taken = append(taken, r); return pw, nil }}
	b := &batch{}
	b.reset(3, 2)
	b.n, b.err, b.errRow, b.errCol = 3, assert.AnError, 2, 1
	require.NoError(t, s.take(&batch{n: 0}))
	err := s.take(b)
	require.EqualError(t, err, "export: parquet: row 6, column b: "+assert.AnError.Error())
	assert.Equal(t, []int{0, 1}, taken)
	assert.Equal(t, []int{0, 1}, pw.rows)
}

// TestPartWriterGather: rows of one batch that go to two files in turn
// (which real samples never do: host and time are the sample's) are
// gathered, and each file holds its rows' values in order, across row
// groups that break the 64-row blocks.
func TestPartWriterGather(t *testing.T) {
	cols := []Column{{Name: "n", Type: TypeBigint}, {Name: "s", Type: TypeVarchar}}
	var out [2]bytes.Buffer
	pws := [2]*partWriter{}
	for i := range pws {
		pws[i] = newPartWriter(&out[i], cols, &uncompressed.Codec{}, 50)
	}
	s := &rowSink{cols: cols, line: 1, route: func(b *batch, r int) (*partWriter, error) { return pws[r%3%2], nil }}
	tt := &typedTable{b: &batch{}}
	const rows = 300
	for range 2 { // two samples
		tt.b.reset(rows, len(cols))
		for r := range rows {
			setInt(tt.b.at(r, 0), int64(r))
			if r%5 != 0 {
				tt.setText(tt.b.at(r, 1), []byte(strconv.Itoa(r)))
			}
			tt.b.at(r, 0).SetColumnIndex(0)
			tt.b.at(r, 1).SetColumnIndex(1)
			tt.b.n++
		}
		require.NoError(t, s.batch(tt.b))
	}
	for i, pw := range pws {
		require.NoError(t, pw.close())
		f, err := parquet.OpenFile(bytes.NewReader(out[i].Bytes()), int64(out[i].Len()))
		require.NoError(t, err)
		var want []int
		for range 2 {
			for r := range rows {
				if r%3%2 == i {
					want = append(want, r)
				}
			}
		}
		require.Equal(t, int64(len(want)), f.NumRows())
		assert.Greater(t, len(f.RowGroups()), 2)
		pr := parquet.NewReader(f)
		got := make([]parquet.Row, len(want))
		n, err := pr.ReadRows(got)
		if err != io.EOF {
			require.NoError(t, err)
		}
		require.Equal(t, len(want), n)
		for j, r := range want {
			require.Equal(t, int64(r), got[j][0].Int64(), "file %d row %d", i, j)
			if r%5 == 0 {
				assert.True(t, got[j][1].IsNull(), "file %d row %d", i, j)
			} else {
				assert.Equal(t, strconv.Itoa(r), string(got[j][1].ByteArray()), "file %d row %d", i, j)
			}
		}
	}
}
