package atop

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"strconv"
	"sync"

	"github.com/cstructgo/cstruct/cstruct"
)

// Inferring the limits of an odd build. A log written by an atop built
// with other limits (MAXCPU, MAXDSK, CMDLEN, …) records struct sizes that
// differ from the definitions. Every limit is an ordinary #define of the
// definition files, so the sizes are a function of them that the files
// themselves give: limitModel resolves the definitions once more with
// every macro moved by its own step (or once per macro) and keeps, per
// macro, how each size moves with it. A small search (search) then finds
// the combinations of up to maxChanged macros, likely values first, that
// reproduce every recorded size exactly; each is checked by resolving the
// definitions with it and by reading the first samples with it
// (structChecks). One combination that reads cleanly is used; several are
// a *LimitsError, never a guess.

// inferSamples is how many samples decide between combinations, and
// inferBudget how many bytes of them are buffered at most.
const (
	inferSamples = 3
	inferBudget  = 64 << 20
	// maxCandidates bounds the combinations of one search tier that are
	// checked against the samples; more are reported as ambiguous.
	maxCandidates = 32
	// maxListed bounds the combinations an error lists.
	maxListed = 8
)

// LimitsError means the header's struct sizes differ from the definitions
// and the limits that atop was built with could not be settled: several
// combinations of limit values reproduce the sizes and read the first
// samples equally well (Ambiguous), or some reproduce the sizes but none
// reads the samples cleanly. It wraps the *SizeError of the definitions
// as they are.
type LimitsError struct {
	*SizeError
	Candidates [][]Define // the combinations, each sorted by name
	Ambiguous  bool       // true: all of Candidates read the samples cleanly
	Reasons    []string   // when not Ambiguous: why each candidate failed
	Unchecked  bool       // too many combinations fit the sizes to read the samples with each
}

func (e *LimitsError) Error() string {
	var b bytes.Buffer
	b.WriteString(e.SizeError.mismatchText())
	switch {
	case e.Unchecked:
		fmt.Fprintf(&b, "; %d combinations of limits give these sizes, too many to tell apart: ", len(e.Candidates))
	case e.Ambiguous:
		b.WriteString("; the limits are ambiguous, these read the first samples equally well: ")
	default:
		b.WriteString("; these limits give the recorded sizes but do not read the first samples: ")
	}
	for i, c := range e.Candidates {
		if i > 0 {
			b.WriteString(" or ")
		}
		if i == maxListed {
			fmt.Fprintf(&b, "%d more", len(e.Candidates)-i)
			break
		}
		b.WriteString(defineList(c))
		if !e.Ambiguous && i < len(e.Reasons) && e.Reasons[i] != "" {
			b.WriteString(" (" + e.Reasons[i] + ")")
		}
	}
	b.WriteString("; give the right ones with -D NAME=VALUE")
	return b.String()
}

func (e *LimitsError) Unwrap() error { return e.SizeError }

// inferHeader reads the header hb again with the limits inferred after
// the size error se, unless Options.Strict says not to, or the caller gave
// definitions (DefsDir or Defines): those win.
func (r *Reader) inferHeader(l *layout, hb []byte, order binary.ByteOrder, se *SizeError) (*Header, *layout, error) {
	if r.trial {
		return nil, nil, se
	}
	if r.opts.Strict || r.opts.DefsDir != "" || len(r.opts.Defines) > 0 {
		limitsHint(r.opts.DefsDir, r.opts.Defines, se)
		return nil, nil, se
	}
	l, inferred, err := r.inferLimits(l, hb, order, se)
	if err != nil {
		return nil, nil, err
	}
	h, err := parseHeader(l, hb, order)
	if err != nil {
		return nil, nil, err
	}
	h.Inferred = inferred
	h.Defs += " with " + defineList(inferred) + ", inferred from the recorded sizes"
	return h, l, nil
}

// limitsHint fills in, for each mismatch, the limits that size its struct.
func limitsHint(dir string, defines map[string]string, se *SizeError) {
	m, err := loadModel(dir, defines, se.Version)
	if err != nil {
		return
	}
	for i := range se.Mismatches {
		se.Mismatches[i].Limits = m.limitsSizing(se.Mismatches[i].Field)
	}
}

// inferLimits finds the limits of the atop that wrote a log whose header
// (hb, read with layout l) gave the size error se. It returns the layout
// of the definitions with the inferred macros, and the macros.
func (r *Reader) inferLimits(l *layout, hb []byte, order binary.ByteOrder, se *SizeError) (*layout, []Define, error) {
	dir, defines := r.opts.DefsDir, r.opts.Defines
	limitsHint(dir, defines, se)
	m, err := loadModel(dir, defines, l.version)
	if err != nil {
		return nil, nil, se
	}
	var want sizes
	for _, mm := range se.Mismatches {
		for i, f := range sizeFields {
			if f == mm.Field {
				want[i] = mm.File - mm.Defs
			}
		}
	}
	prefix := r.peekSamples(l, hb, order)
	var tried [][]Define
	var reasons []string
	for _, tier := range searchTiers {
		var cands [][]Define
		for _, lv := range tier {
			cands = append(cands, m.search(want, lv)...)
		}
		if len(cands) > maxCandidates {
			return nil, nil, &LimitsError{SizeError: se, Candidates: cands, Unchecked: true}
		}
		layouts, whys := r.tryAll(l.version, cands, prefix)
		var good []int
		for i, why := range whys {
			if why == "" {
				good = append(good, i)
			} else {
				tried, reasons = append(tried, cands[i]), append(reasons, why)
			}
		}
		switch len(good) {
		case 0:
			continue
		case 1:
			return layouts[good[0]], cands[good[0]], nil
		}
		e := &LimitsError{SizeError: se, Ambiguous: true}
		for _, i := range good {
			e.Candidates = append(e.Candidates, cands[i])
		}
		return nil, nil, e
	}
	if len(tried) > 0 {
		return nil, nil, &LimitsError{SizeError: se, Candidates: tried, Reasons: reasons}
	}
	se.NoLimits = true
	return nil, nil, se
}

// tryAll runs tryLimits for each candidate, on every CPU.
func (r *Reader) tryAll(v Version, cands [][]Define, prefix []byte) ([]*layout, []string) {
	ls, whys := make([]*layout, len(cands)), make([]string, len(cands))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(cands)) {
		wg.Go(func() {
			for i := range work {
				ls[i], whys[i] = r.tryLimits(v, cands[i], prefix)
			}
		})
	}
	for i := range cands {
		work <- i
	}
	close(work)
	wg.Wait()
	return ls, whys
}

// withDefines is defines plus ds.
func withDefines(defines map[string]string, ds []Define) map[string]string {
	out := make(map[string]string, len(defines)+len(ds))
	maps.Copy(out, defines)
	for _, d := range ds {
		out[d.Name] = strconv.FormatInt(d.Value, 10)
	}
	return out
}

// tryLimits reads the header and the first samples in prefix with the
// definitions plus ds; it returns the layout, or why it does not fit.
func (r *Reader) tryLimits(v Version, ds []Define, prefix []byte) (*layout, string) {
	rd := &Reader{bufs: new(sampleBufs), trial: true,
		opts: Options{DefsDir: r.opts.DefsDir, Defines: withDefines(r.opts.Defines, ds), MaxTasks: r.opts.MaxTasks}}
	rd.w.r = bytes.NewReader(prefix)
	if err := rd.readHeader(); err != nil {
		return nil, err.Error()
	}
	sc, tc := checksOf(rd.l.sstat), checksOf(rd.l.tstat)
	for {
		s, err := rd.Next()
		if err == io.EOF || errors.As(err, new(*TornError)) {
			return rd.l, "" // the prefix ends at the budget
		}
		if err != nil {
			return nil, err.Error()
		}
		if why := checkSample(s, sc, tc); why != "" {
			return nil, "sample " + strconv.Itoa(s.Index) + ": " + why
		}
	}
}

// checkSample inflates every part of s and checks its system statistics
// and tasks.
func checkSample(s *Sample, sc, tc *structChecks) string {
	sys, err := s.System()
	if err != nil {
		return err.Error()
	}
	if why := sc.check(sys.Bytes(), s.Header.Order); why != "" {
		return "sstat: " + why
	}
	tb, err := s.TaskBytes()
	if err != nil {
		return err.Error()
	}
	size := int(s.Header.l.tstatSize)
	for i := 0; i+size <= len(tb); i += size {
		if why := tc.check(tb[i:i+size], s.Header.Order); why != "" {
			return "task " + strconv.Itoa(i/size) + ": tstat: " + why
		}
	}
	if _, err := s.Cgroups(); err != nil {
		return err.Error()
	}
	return ""
}

// peekSamples returns the header hb and the first inferSamples samples
// after it, as far as they are there and within inferBudget, without
// consuming them. The record layout does not depend on the limits, so l's
// gives the samples' lengths.
func (r *Reader) peekSamples(l *layout, hb []byte, order binary.ByteOrder) []byte {
	hs, rs := int64(len(hb)), l.recordSize
	end := hs
	for range inferSamples {
		b, _ := r.w.peek(int(end + rs))
		if int64(len(b)) < end+rs {
			break
		}
		v, err := l.spec.UnpackWith(l.record, b[end:end+rs], cstruct.Options{Order: order})
		if err != nil {
			break
		}
		f := &l.rec
		n := rs + int64(f.scomplen.uint(v)) + int64(f.pcomplen.uint(v))
		if l.cstat != nil {
			n += int64(f.ccomplen.uint(v)) + int64(f.icomplen.uint(v))
		}
		if n < rs || end+n > inferBudget { // n < rs: lengths that overflow
			break
		}
		if b, _ = r.w.peek(int(end + n)); int64(len(b)) < end+n {
			break
		}
		end += n
	}
	b, _ := r.w.peek(int(end))
	out := make([]byte, end)
	copy(out, hb)
	copy(out[hs:], b[hs:])
	return out
}
