package parseable

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// firstDiff describes the first differing line of two outputs.
func firstDiff(want, got string) string {
	wl := strings.SplitAfter(want, "\n")
	gl := strings.SplitAfter(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(int64(i+1)) + ":\nwant: " + strings.TrimSuffix(w, "\n") + "\n got: " + strings.TrimSuffix(g, "\n")
		}
	}
	return ""
}

func rawOracles(t *testing.T) []string {
	var files []string
	for _, pat := range []string{"../../testdata/atop/fixtures/*.raw", "../../testdata/atop/realworld/*.log.gz"} {
		m, err := filepath.Glob(pat)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	return files
}

func oracleName(raw string) string {
	return strings.TrimSuffix(raw, ".gz") + ".P.txt"
}

func TestEngineOracles(t *testing.T) {
	for _, raw := range rawOracles(t) {
		t.Run(filepath.Base(raw), func(t *testing.T) {
			want, err := os.ReadFile(oracleName(raw))
			require.NoError(t, err)
			f, err := readRaw(raw)
			require.NoError(t, err)
			var out bytes.Buffer
			g, err := newEngine(&out, f.hdr, Options{Labels: []string{"ALL"}, Location: time.UTC})
			require.NoError(t, err)
			for _, s := range f.samples {
				require.NoError(t, g.sample(s))
			}
			if d := firstDiff(string(want), out.String()); d != "" {
				t.Fatal(d)
			}
		})
	}
}
