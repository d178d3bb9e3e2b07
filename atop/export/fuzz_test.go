package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
)

// FuzzWriters runs the writers on damaged logs: every line of JSON output
// parses with encoding/json, every CSV with encoding/csv with the header's
// number of fields, and all of it is valid UTF-8 (CSV without control
// characters).
func FuzzWriters(f *testing.F) {
	for _, v := range []string{"2.3.0", "2.13.0"} {
		b, err := os.ReadFile(fixture(v))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 8<<10)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		open := func() *atop.Reader {
			r, err := (&atop.Options{MaxTasks: 256}).NewReader(bytes.NewReader(data))
			if err != nil {
				return nil
			}
			return r
		}
		o := export.Options{Workers: 1}
		var b bytes.Buffer
		if r := open(); r != nil {
			_ = export.WriteJSON(&b, r, export.JSONOptions{Options: o, Tasks: true, System: true, Cgroups: true})
			r.Close()
			checkJSONObjects(t, b.Bytes())
		}
		for _, co := range []export.CSVOptions{{Tasks: true}, {System: "cpu"}, {System: "dsk"}, {Cgroups: true}} {
			r := open()
			if r == nil {
				return
			}
			co.Options = o
			co.Headers = []*atop.Header{r.Header()}
			b.Reset()
			_ = export.WriteCSV(&b, r, co)
			r.Close()
			checkCSV(t, b.Bytes())
		}
		if r := open(); r != nil {
			tl, err := export.CollectTimeline(r, o)
			r.Close()
			if err == nil {
				b.Reset()
				if err := tl.WriteCSV(&b); err != nil {
					t.Fatal(err)
				}
				checkCSV(t, b.Bytes())
				b.Reset()
				if err := tl.WriteJSON(&b); err != nil {
					t.Fatal(err)
				}
				checkJSONObjects(t, b.Bytes())
			}
		}
	})
}

func checkJSONObjects(t *testing.T, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatal("JSON output is not valid UTF-8")
	}
	for _, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("JSON line does not parse: %v: %.200q", err, line)
		}
	}
}

func checkCSV(t *testing.T, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatal("CSV output is not valid UTF-8")
	}
	for _, c := range out {
		if c < 0x20 && c != '\n' || c == 0x7f {
			t.Fatalf("CSV output has control character %#x", c)
		}
	}
	r := csv.NewReader(bytes.NewReader(out))
	if _, err := r.ReadAll(); err != nil { // FieldsPerRecord 0: every row as the header
		t.Fatalf("CSV does not parse: %v", err)
	}
}
