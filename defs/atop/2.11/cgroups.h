// cgroup v2 sample: struct cstat (atop 2.11). Each record in the chain is
// a cstat followed by the NUL-terminated cgroup name; gen.structlen is the
// record length (rounded up to 8). Walk the chain with it.

#ifndef ATOP_CGROUPS_H
#define ATOP_CGROUPS_H

// -1 means "max" and -2 "undefined" in the limit fields below
struct cstat {
	// position in the cgroup tree
	struct {
		int	structlen;	// bytes of this record, name included
		int	sequence;	// 0 = root
		int	parentseq;	// -1 for the root
		int	depth;
		int	nprocs;		// pids of this cgroup in the pid list
		int	procsbelow;	// processes in the subtree
		int	namelen;
		int	fullnamelen;
		int	ifuture[4];
		long	namehash;
		long	lfuture[4];
	} gen;

	// configured limits
	struct {
		int	cpuweight;
		int	cpumax;
		count_t	memmax;		// pages
		count_t	swpmax;		// pages
		int	dskweight;
		int	ifuture[5];
		count_t	cfuture[5];
	} conf;

	// cpu (microseconds)
	struct {
		count_t	utime;
		count_t	stime;
		count_t	somepres;	// pressure
		count_t	fullpres;
		count_t	cfuture[5];
	} cpu;

	// memory (pages, pressure in microseconds)
	struct {
		count_t	current;
		count_t	anon;
		count_t	file;
		count_t	kernel;
		count_t	shmem;
		count_t	somepres;
		count_t	fullpres;
		count_t	cfuture[5];
	} mem;

	// disk I/O
	struct {
		count_t	rbytes;
		count_t	wbytes;
		count_t	rios;
		count_t	wios;
		count_t	somepres;
		count_t	fullpres;
		count_t	cfuture[5];
	} dsk;

	char	cgname[];		// directory name, NUL-terminated
};

#endif
