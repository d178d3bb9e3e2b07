// File header and per-sample record header (atop 2.11).

#ifndef ATOP_RAWLOG_H
#define ATOP_RAWLOG_H

// glibc's struct utsname: six strings of 65 bytes
struct utsname {
	char	sysname[65];
	char	nodename[65];
	char	release[65];
	char	version[65];
	char	machine[65];
	char	__domainname[65];
};

// once at the start of the file
struct rawheader {
	unsigned int	magic;		// 0xfeedbeef
	unsigned short	aversion;	// 0x8000 | major<<8 | minor
	unsigned short	future1;
	unsigned short	future2;
	unsigned short	rawheadlen;	// sizeof(struct rawheader)
	unsigned short	rawreclen;	// sizeof(struct rawrecord)
	unsigned short	hertz;		// clock ticks per second
	unsigned short	pidwidth;	// digits of pid_max (display only)
	unsigned short	sfuture[5];
	unsigned int	sstatlen;	// sizeof(struct sstat)
	unsigned int	tstatlen;	// sizeof(struct tstat)
	struct utsname	utsname;	// of the host that created the file
	char		cfuture[8];
	unsigned int	pagesize;
	int		supportflags;
	int		osrel;
	int		osvers;
	int		ossub;
	int		cstatlen;	// sizeof(struct cstat)
	int		ifuture[5];
};

// before each sample; the compressed sstat and tstat[ndeviat] follow,
// then (if ccomplen/icomplen are set) the cstat chain and pid_t[ncgpids]
struct rawrecord {
	time_t		curtime;	// end of the interval (epoch seconds)
	unsigned short	flags;		// RR* bits
	unsigned short	ncgroups;	// cstat records in this sample
	unsigned short	sfuture[2];
	unsigned int	scomplen;	// compressed bytes of sstat
	unsigned int	pcomplen;	// compressed bytes of the tstat array
	unsigned int	interval;	// seconds covered by this sample
	unsigned int	ndeviat;	// number of tstat entries
	unsigned int	nactproc;
	unsigned int	ntask;
	unsigned int	totproc;
	unsigned int	totrun;
	unsigned int	totslpi;
	unsigned int	totslpu;
	unsigned int	totzomb;
	unsigned int	nexit;
	unsigned int	noverflow;
	unsigned int	totidle;	// threads in state I
	unsigned int	ccomplen;	// compressed bytes of the cstat chain
	unsigned int	coriglen;	// uncompressed bytes of the cstat chain
	unsigned int	ncgpids;	// pids in the cgroup pid list
	unsigned int	icomplen;	// compressed bytes of the pid list
	unsigned int	ifuture;
};

#endif
