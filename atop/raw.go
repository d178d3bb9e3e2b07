package atop

// TaskBytes inflates the sample's tasks and returns them undecoded: NTask
// struct tstat records of Header.TStatLen bytes each, one after the other
// in the order Tasks gives them, in the writer's byte order. It is for
// callers that read the records through accessors (cstruct.Accessor) and
// need no Task values. The bytes alias the sample's buffers, as Tasks'
// values do.
//
// TaskBytes decodes nothing and does not keep its result: unless Tasks was
// called first, each call inflates again, so a caller that needs the bytes
// twice keeps them.
func (s *Sample) TaskBytes() ([]byte, error) {
	if s.stale() {
		return nil, ErrStale
	}
	n := s.NTask * int(s.Header.l.tstatSize)
	if r := &s.tasks; r.done {
		if r.err != nil {
			return nil, r.err
		}
		return s.bufs.tstat[:n], nil
	}
	if err := s.fits(partTStat); err != nil {
		return nil, err
	}
	s.bufs.tstat = grow(s.bufs.tstat, n)
	if err := s.inflate(partTStat, s.bufs.tstat); err != nil {
		return nil, err
	}
	return s.bufs.tstat, nil
}
