// Per-task sample: struct tstat (atop 2.7). One entry per process or thread.

#ifndef ATOP_PHOTOPROC_H
#define ATOP_PHOTOPROC_H

#ifndef PNAMLEN
#define PNAMLEN		15
#endif
#ifndef CMDLEN
#define CMDLEN		255
#endif

struct tstat {
	// identification and state
	struct gen {
		int	tgid;
		int	pid;
		int	ppid;
		int	ruid;
		int	euid;
		int	suid;
		int	fsuid;
		int	rgid;
		int	egid;
		int	sgid;
		int	fsgid;
		int	nthr;
		char	name[PNAMLEN+1];
		char	isproc;		// 1 = process, 0 = thread
		char	state;		// R, S, D, Z, E ...
		int	excode;		// wait status
		time_t	btime;		// start time (epoch seconds)
		time_t	elaps;		// clock ticks
		char	cmdline[CMDLEN+1];
		int	nthrslpi;
		int	nthrslpu;
		int	nthrrun;
		int	ctid;		// OpenVZ container id
		int	vpid;		// pid inside the container
		int	wasinactive;
		char	container[16];	// docker container id
	} gen;

	// cpu usage (clock ticks)
	struct cpu {
		count_t	utime;
		count_t	stime;
		int	nice;
		int	prio;
		int	rtprio;
		int	policy;
		int	curcpu;
		int	sleepavg;
		int	ifuture[4];
		char	wchan[16];	// kernel wait channel
		count_t	rundelay;	// ns waiting on a run queue
		count_t	cfuture[1];
	} cpu;

	// disk I/O (sectors)
	struct dsk {
		count_t	rio;
		count_t	rsz;
		count_t	wio;
		count_t	wsz;
		count_t	cwsz;
		count_t	cfuture[4];
	} dsk;

	// memory (KiB, fault counts)
	struct mem {
		count_t	minflt;
		count_t	majflt;
		count_t	vexec;
		count_t	vmem;
		count_t	rmem;
		count_t	pmem;
		count_t	vgrow;
		count_t	rgrow;
		count_t	vdata;
		count_t	vstack;
		count_t	vlibs;
		count_t	vswap;
		count_t	vlock;		// locked memory
		count_t	cfuture[3];
	} mem;

	// network (netatop module)
	struct net {
		count_t	tcpsnd;
		count_t	tcpssz;
		count_t	tcprcv;
		count_t	tcprsz;
		count_t	udpsnd;
		count_t	udpssz;
		count_t	udprcv;
		count_t	udprsz;
		count_t	avail1;
		count_t	avail2;
		count_t	cfuture[4];
	} net;

	// GPU usage (atopgpud)
	struct gpu {
		char	state;		// 0 = none, A = active, E = exited
		char	cfuture[3];
		short	nrgpus;
		int32_t	gpulist;	// bit mask of GPUs used
		int	gpubusy;	// percent
		int	membusy;
		count_t	timems;
		count_t	memnow;
		count_t	memcum;
		count_t	sample;
	} gpu;
};

#endif
