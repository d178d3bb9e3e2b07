package export

import "testing"

func TestHiveEscape(t *testing.T) {
	for in, want := range map[string]string{
		"vm":                   "vm",
		"web-01.example.com":   "web-01.example.com",
		"a/b=c":                "a%2Fb%3Dc",
		"":                     "__HIVE_DEFAULT_PARTITION__",
		`\x1b[31m`:             "%5Cx1b%5B31m",
		"2026-11-25":           "2026-11-25",
		"sp ace":               "sp%20ace",
		"fires-of-mount-doom1": "fires-of-mount-doom1",
	} {
		if got := hiveEscape(in); got != want {
			t.Errorf("hiveEscape(%q) = %q, want %q", in, got, want)
		}
	}
}
