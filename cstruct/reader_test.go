package cstruct

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReaderStream(t *testing.T) {
	s := load(t, Config{}, `struct msg { uint16 len; char data[len]; };`)
	msg, _ := s.Lookup("msg")
	var in []byte
	for i := 0; i < 50; i++ {
		in = append(in, byte(i), 0)
		in = append(in, bytes.Repeat([]byte{'a' + byte(i%26)}, i)...)
	}
	for name, r := range map[string]io.Reader{
		"whole":    bytes.NewReader(in),
		"one byte": iotest.OneByteReader(bytes.NewReader(in)),
		"half":     iotest.HalfReader(bytes.NewReader(in)),
	} {
		rd := s.NewReader(r, 100)
		var kept []Value
		for i := 0; ; i++ {
			v, err := rd.Next(msg)
			if errors.Is(err, io.EOF) {
				assert.Equal(t, 50, i, name)
				break
			}
			require.NoError(t, err, name)
			d, _ := v.Lookup("data")
			require.Equal(t, i, len(d.Text()), name)
			kept = append(kept, v.Clone())
		}
		// clones stay valid after later reads; offsets count from the base
		d, _ := kept[3].Lookup("data")
		assert.Equal(t, "ddd", d.Text(), name)
		assert.EqualValues(t, 100+2+0+2+1+2+2, kept[3].Offset(), name)
	}
	// a record cut short: an error with its offset, after the good ones
	rd := s.NewReader(bytes.NewReader(append([]byte{1, 0, 'x'}, 5, 0, 'a')), 0)
	_, err := rd.Next(msg)
	require.NoError(t, err)
	_, err = rd.Next(msg)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.EqualValues(t, 5, de.Offset)
}

// TestReaderNextRecord reads the same streams record by record with a Plan:
// the same bytes and offsets as Next, the same errors, and no allocation
// per record.
func TestReaderNextRecord(t *testing.T) {
	s := load(t, Config{}, `struct msg { uint16 len; char data[len]; uint8 end; };`)
	msg, _ := s.Lookup("msg")
	plan := s.Plan(msg, nil)
	data, err := plan.Accessor("data")
	require.NoError(t, err)
	end, err := plan.Accessor("end")
	require.NoError(t, err)
	var in []byte
	for i := 0; i < 50; i++ {
		in = append(in, byte(i), 0)
		in = append(in, bytes.Repeat([]byte{'a' + byte(i%26)}, i)...)
		in = append(in, byte(i))
	}
	for name, mk := range map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(in) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(in)) },
	} {
		rv, rr := s.NewReader(mk(), 100), s.NewReader(mk(), 100)
		for i := 0; ; i++ {
			v, verr := rv.Next(msg)
			off := rr.Offset()
			b, lay, err := rr.NextRecord(plan)
			if verr != nil {
				assert.Equal(t, verr, err, name)
				assert.Equal(t, 50, i, name)
				break
			}
			require.NoError(t, err, name)
			assert.Equal(t, v.Offset(), off, name)
			assert.Equal(t, v.Bytes(), b, name)
			d, _ := v.Lookup("data")
			assert.Equal(t, d.Text(), string(data.BytesL(b, lay)), name)
			assert.Equal(t, uint64(i), end.UintL(b, lay), name)
		}
	}
	rd := s.NewReader(bytes.NewReader(append([]byte{1, 0, 'x', 0}, 5, 0, 'a')), 0)
	_, _, err = rd.NextRecord(plan)
	require.NoError(t, err)
	_, _, err = rd.NextRecord(plan)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.EqualValues(t, 6, de.Offset)

	br := bytes.NewReader(in)
	rd = s.NewReader(br, 0)
	allocs := testing.AllocsPerRun(20, func() {
		br.Reset(in)
		rd.eof = nil
		for {
			if _, _, err := rd.NextRecord(plan); err != nil {
				break
			}
		}
	})
	assert.Zero(t, allocs)
}
