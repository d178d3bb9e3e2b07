package export

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Window selects samples by time: those with Begin <= time <= End. A zero
// bound is open.
type Window struct {
	Begin, End Time
}

// IsZero reports whether w takes every sample.
func (w Window) IsZero() bool { return w.Begin.IsZero() && w.End.IsZero() }

// Time is a bound of a Window: an instant, or a time of day that applies
// to the day of the first sample read (atop's bare hhmm). The zero Time
// is no bound.
type Time struct {
	t     time.Time
	clock bool // a time of day: h, m, s in loc
	h, m  int
	s     int
	loc   *time.Location
}

// At is the bound at instant t.
func At(t time.Time) Time { return Time{t: t} }

// IsZero reports whether b is no bound.
func (b Time) IsZero() bool { return !b.clock && b.t.IsZero() }

// resolve returns the instant of b for a log whose first sample is at
// first (the zero time for no bound).
func (b Time) resolve(first time.Time) time.Time {
	if !b.clock {
		return b.t
	}
	y, mo, d := first.In(b.loc).Date()
	return time.Date(y, mo, d, b.h, b.m, b.s, 0, b.loc)
}

func (b Time) String() string {
	switch {
	case b.clock:
		return fmt.Sprintf("%02d:%02d:%02d", b.h, b.m, b.s)
	case b.t.IsZero():
		return ""
	}
	return b.t.Format(time.RFC3339)
}

// The forms of a bound, compiled on first use (not at the start of every
// run: only -b and -e need them).
var (
	atopTime = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\d{8})?(\d{2}):?(\d{2})(?::?(\d{2}))?$`)
	})
	isoDate = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`) })
)

// ParseTime reads a window bound as atop's -b and -e take it,
// [YYYYMMDD]hhmm[ss] (also hh:mm[:ss]) in loc (nil: time.Local), where a
// bare time of day applies to the day of the first sample; or as ISO 8601:
// 2026-11-25T21:13:08Z, 2026-11-25T21:13:08+01:00, with a fraction of a
// second or without seconds, and without a zone (then in loc), a space for
// the T, or a date alone (midnight); or as @EPOCH seconds.
func ParseTime(s string, loc *time.Location) (Time, error) {
	if loc == nil {
		loc = time.Local
	}
	bad := func() (Time, error) {
		return Time{}, fmt.Errorf("bad time %q: want [YYYYMMDD]hhmm[ss], ISO 8601 (2026-11-25T21:13:08Z) or @EPOCH", s)
	}
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		n, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return bad()
		}
		return At(time.Unix(n, 0)), nil
	}
	if m := atopTime().FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		sec := 0
		if m[4] != "" {
			sec, _ = strconv.Atoi(m[4])
		}
		if h > 23 || mi > 59 || sec > 59 {
			return bad()
		}
		if m[1] == "" {
			return Time{clock: true, h: h, m: mi, s: sec, loc: loc}, nil
		}
		d, err := time.ParseInLocation("20060102", m[1], loc)
		if err != nil {
			return bad()
		}
		return At(time.Date(d.Year(), d.Month(), d.Day(), h, mi, sec, 0, loc)), nil
	}
	if !isoDate().MatchString(s) {
		return bad()
	}
	iso := strings.Replace(s, " ", "T", 1)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, iso); err == nil {
			return At(t), nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, iso, loc); err == nil {
			return At(t), nil
		}
	}
	return bad()
}
