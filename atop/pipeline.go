package atop

import (
	"errors"
	"io"
	"runtime"
	"sync"
)

// Source is a stream of samples: a [*Reader], a [*MultiReader], or any
// source that passes on the samples of Readers. Next returns io.EOF after
// the last sample.
type Source interface {
	Next() (*Sample, error)
}

// A Job does the work of one sample in a [Pipeline]: it appends the
// sample's output to dst and returns it. Each worker of a pipeline has a
// Job of its own, so a Job's own state needs no lock; what the Jobs of a
// pipeline share must be safe for concurrent use, and what depends on the
// order of the samples belongs in [Step.InOrder].
//
// The sample is the Job's until it returns; its parts are inflated into
// the worker's buffers, so nothing taken from it (Values, Tasks, Cgroups)
// may be kept. On an error the output is dropped: nothing of the sample
// is written.
type Job func(dst []byte, s *Sample, step *Step) ([]byte, error)

// PipelineOptions configure a [Pipeline].
type PipelineOptions struct {
	// Workers is the number of samples worked on at once: 0 means
	// GOMAXPROCS, at most 8; 1 runs every job on the calling goroutine, in
	// order, with no copying.
	Workers int

	// Warn receives the warnings, in input order, and before the output of
	// their sample: the errors of Source.Next that ReadError lets pass, and
	// those the jobs give to Step.Warn. nil drops them.
	Warn func(error)

	// ReadError says what an error of Source.Next does: nil goes on after
	// giving err to Warn; io.EOF gives err to Warn and ends the pipeline
	// without error; any other error ends the pipeline with it. A nil
	// ReadError lets warnings (IsWarning) pass and ends with any other
	// error.
	ReadError func(err error) error

	// Memory bounds the memory of the samples in flight: what their parts
	// inflate to, counted twice for the output a job makes of them. The
	// reader waits for earlier samples to be written before it hands out
	// one that would go over; a sample larger than Memory is worked on
	// alone. 0 means 96 MiB: eight samples of a 5 000-task host at once,
	// and a sample as large as the default Options.MaxInflated allows
	// alone.
	Memory int64
}

// defaultMemory is what PipelineOptions.Memory 0 means.
const defaultMemory = 96 << 20

func (o *PipelineOptions) memory() int64 {
	if o.Memory > 0 {
		return o.Memory
	}
	return defaultMemory
}

// maxDefaultWorkers bounds the default number of workers, and with it the
// memory a pipeline holds: each worker has its inflate buffers (about 2 MB
// a sample of a 600-task host), each slot its sample's compressed bytes
// and output.
const maxDefaultWorkers = 8

func (o *PipelineOptions) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return min(runtime.GOMAXPROCS(0), maxDefaultWorkers)
}

func (o *PipelineOptions) readError(err error) error {
	if o.ReadError != nil {
		return o.ReadError(err)
	}
	if IsWarning(err) {
		return nil
	}
	return err
}

func (o *PipelineOptions) warn(err error) {
	if o.Warn != nil {
		o.Warn(err)
	}
}

// Step is what a Job has of the pipeline while it works on one sample.
type Step struct {
	warns []error
	seq   uint64
	turn  *turn // nil when the jobs run in order anyway
	done  bool  // the sample's turn has passed
}

// Warn gives a warning of this sample to PipelineOptions.Warn, at the
// sample's place in the input order.
func (st *Step) Warn(err error) { st.warns = append(st.warns, err) }

// errStopped is what InOrder returns when the pipeline stops before the
// sample's turn; the job's output is dropped anyway.
var errStopped = errors.New("atop: pipeline stopped")

// InOrder runs f in input order: after the InOrder of every earlier sample
// (or the end of its job, for a job that does not call it) and before
// those of later samples, one f at a time. It is for the few things that
// depend on the samples before (the first sample's column names, a warning
// given once). A job calls it at most once per sample; a second call runs
// f after later samples may have had their turn. It returns an error, and
// does not run f, when the pipeline stops first.
func (st *Step) InOrder(f func()) error {
	if st.turn == nil {
		f()
		return nil
	}
	if st.done || st.turn.wait(st.seq) {
		f()
		st.pass()
		return nil
	}
	st.pass()
	return errStopped
}

func (st *Step) pass() {
	if st.turn != nil && !st.done {
		st.done = true
		st.turn.pass(st.seq)
	}
}

// turn orders the InOrder sections of the samples in flight: next is the
// sequence number of the first sample whose turn has not passed, and
// passed marks the later ones (at most one per slot) that are through.
type turn struct {
	mu      sync.Mutex
	cond    sync.Cond
	next    uint64
	passed  []bool // by sequence number modulo len(passed)
	stopped bool
}

func newTurn(slots int) *turn {
	t := &turn{passed: make([]bool, slots)}
	t.cond.L = &t.mu
	return t
}

// wait blocks until it is seq's turn, and reports false if the pipeline
// stopped first.
func (t *turn) wait(seq uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.next != seq && !t.stopped {
		t.cond.Wait()
	}
	return !t.stopped
}

func (t *turn) pass(seq uint64) {
	t.mu.Lock()
	t.passed[seq%uint64(len(t.passed))] = true
	for n := uint64(len(t.passed)); t.passed[t.next%n]; t.next++ {
		t.passed[t.next%n] = false
	}
	t.mu.Unlock()
	t.cond.Broadcast()
}

func (t *turn) stop() {
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
	t.cond.Broadcast()
}

// Pipeline runs a job on every sample of src and writes the outputs to w in
// input order, one Write per sample (none for an empty output). One
// goroutine reads the samples (src.Next is only ever called from it) and
// copies each into a slot; workers, each with a job from newJob and its own
// inflate buffers, run the jobs; the calling goroutine takes the slots in
// input order, gives their warnings to opts.Warn and writes their outputs.
// Twice as many slots as workers, plus one, circulate, so memory stays
// bounded whatever the input's length.
//
// Pipeline returns the first error in input order: of src (see
// PipelineOptions.ReadError), of a job, or of w; the samples after it are
// dropped, so the number of workers changes nothing in the output. An
// error stops the reader and the workers, and Pipeline returns when every
// goroutine it started has ended, with no Write after a failed one.
func Pipeline(w io.Writer, src Source, newJob func() Job, opts PipelineOptions) error {
	n := opts.workers()
	if n == 1 {
		return sequential(w, src, newJob(), &opts)
	}
	k := 2*n + 1
	p := &pipe{
		src:   src,
		opts:  &opts,
		free:  make(chan *slot, k),
		order: make(chan *slot, k),
		work:  make(chan *slot, k),
		stop:  make(chan struct{}),
		turn:  newTurn(k),
	}
	p.mem.limit = opts.memory()
	p.mem.cond.L = &p.mem.mu
	for range k {
		p.free <- &slot{done: make(chan struct{}, 1)}
	}
	p.wg.Add(1 + n)
	go p.read()
	for range n {
		go p.worker(newJob())
	}
	err := p.write(w)
	p.wg.Wait()
	return err
}

// sequential is Pipeline with one worker: everything on this goroutine.
func sequential(w io.Writer, src Source, job Job, opts *PipelineOptions) error {
	var out []byte
	var st Step
	for {
		s, err := src.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			switch e := opts.readError(err); e {
			case nil:
				opts.warn(err)
				continue
			case io.EOF:
				opts.warn(err)
				return nil
			default:
				return e
			}
		}
		st = Step{warns: st.warns[:0]}
		out, err = job(out[:0], s, &st)
		for _, e := range st.warns {
			opts.warn(e)
		}
		if err != nil {
			return err
		}
		if len(out) > 0 {
			if _, err := w.Write(out); err != nil {
				return err
			}
		}
	}
}

// A slot carries one item of the input through the pipeline: a sample and
// then its output, or an error of the source.
type slot struct {
	s    Sample
	cost int64  // what it holds of pipe.mem
	data []byte // s's record and compressed parts, owned
	step Step
	out  []byte
	err  error // of the job
	rerr error // of the source, instead of a sample
	end  error // rerr ends the pipeline: io.EOF (without error) or the error
	done chan struct{}
}

type pipe struct {
	src               Source
	opts              *PipelineOptions
	free, order, work chan *slot
	stop              chan struct{}
	stopOnce          sync.Once
	turn              *turn
	mem               budget
	wg                sync.WaitGroup
}

func (p *pipe) halt() {
	p.stopOnce.Do(func() {
		close(p.stop)
		p.turn.stop()
		p.mem.stop()
	})
}

// budget is the memory of the samples in flight (PipelineOptions.Memory).
type budget struct {
	mu          sync.Mutex
	cond        sync.Cond
	used, limit int64
	stopped     bool
}

// take waits until n fits beside what is in flight (anything fits when
// nothing is), and reports false if the pipeline stopped first.
func (b *budget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used > 0 && b.used+n > b.limit && !b.stopped {
		b.cond.Wait()
	}
	b.used += n
	return !b.stopped
}

func (b *budget) give(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}

func (b *budget) stop() {
	b.mu.Lock()
	b.stopped = true
	b.mu.Unlock()
	b.cond.Broadcast()
}

// cost is what a sample may take in memory once inflated: the parts it
// may inflate (see Options.MaxInflated), twice for the output.
func (s *Sample) cost() int64 {
	var n int64
	for i := range s.parts {
		if s.parts[i].n > 0 && s.fits(i) == nil {
			n += s.size(i)
		}
	}
	return 2 * n
}

// maxKept bounds the buffers a worker or a slot keeps for the next sample:
// one that grew larger for a rare huge sample is let go.
const maxKept = 16 << 20

func (b *sampleBufs) trim() {
	for _, p := range []*[]byte{&b.sys, &b.tstat, &b.cst, &b.pid} {
		if cap(*p) > maxKept {
			*p = nil
		}
	}
	if cap(b.tasks) > maxKept/64 {
		b.tasks = nil
	}
	if cap(b.cgroups) > maxKept/128 {
		b.cgroups = nil
	}
	if cap(b.pids) > maxKept/4 {
		b.pids = nil
	}
}

// read runs on its own goroutine: it takes a free slot, fills it with the
// next sample or error, and sends it to order and (a sample) to work.
// Neither send blocks: both channels hold every slot.
func (p *pipe) read() {
	defer p.wg.Done()
	defer close(p.work)
	defer close(p.order)
	var seq uint64
	for {
		var sl *slot
		select {
		case sl = <-p.free:
		case <-p.stop:
			return
		}
		s, err := p.src.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			end := p.opts.readError(err)
			sl.rerr, sl.end = err, end
			sl.step = Step{warns: sl.step.warns[:0]}
			sl.done <- struct{}{}
			p.order <- sl // the slot is the writer's now
			if end != nil {
				return
			}
			continue
		}
		sl.data = sl.s.copyFrom(s, sl.data)
		sl.cost = sl.s.cost()
		if !p.mem.take(sl.cost) {
			p.mem.give(sl.cost)
			return // the slot is dropped: the pipeline has stopped
		}
		sl.step = Step{warns: sl.step.warns[:0], seq: seq, turn: p.turn}
		seq++
		p.order <- sl
		p.work <- sl // sends never block: each channel holds every slot
	}
}

// worker runs jobs, inflating into buffers of its own.
func (p *pipe) worker(job Job) {
	defer p.wg.Done()
	bufs := new(sampleBufs)
	for sl := range p.work {
		select {
		case <-p.stop:
			sl.err = errStopped
		default:
			bufs.gen++
			sl.s.bufs, sl.s.gen = bufs, bufs.gen
			sl.out, sl.err = job(sl.out[:0], &sl.s, &sl.step)
			bufs.gen++ // the sample is stale now
			bufs.trim()
		}
		sl.step.pass()
		sl.done <- struct{}{}
	}
}

// write takes the slots in input order and writes their outputs; after
// the first error it only drains and frees them.
func (p *pipe) write(w io.Writer) error {
	var first error
	fail := func(err error) {
		if first == nil {
			first = err
			p.halt()
		}
	}
	for sl := range p.order {
		<-sl.done
		if first == nil {
			for _, e := range sl.step.warns {
				p.opts.warn(e)
			}
			switch {
			case sl.rerr != nil:
				if sl.end == nil || sl.end == io.EOF {
					p.opts.warn(sl.rerr)
				}
				if sl.end == io.EOF {
					p.halt()
					first = io.EOF
				} else if sl.end != nil {
					fail(sl.end)
				}
			case sl.err != nil:
				fail(sl.err)
			case len(sl.out) > 0:
				if _, err := w.Write(sl.out); err != nil {
					fail(err)
				}
			}
		}
		sl.rerr, sl.end, sl.err = nil, nil, nil
		p.mem.give(sl.cost)
		sl.cost = 0
		if cap(sl.out) > maxKept {
			sl.out = nil
		}
		if cap(sl.data) > maxKept {
			sl.data = nil
		}
		clear(sl.step.warns)
		sl.step.warns = sl.step.warns[:0]
		p.free <- sl
	}
	if first == io.EOF {
		return nil
	}
	return first
}
