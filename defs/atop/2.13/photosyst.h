// System-level sample: struct sstat and its parts (atop 2.13).

#ifndef ATOP_PHOTOSYST_H
#define ATOP_PHOTOSYST_H

#include "netstats.h"

// Array sizes. Override with -D NAME=value for an atop built differently.
#ifndef MAXCPU
#define MAXCPU		4096
#endif
#ifndef MAXDSK
#define MAXDSK		1024
#endif
#ifndef MAXLVM
#define MAXLVM		2048
#endif
#ifndef MAXMDD
#define MAXMDD		256
#endif
#ifndef MAXINTF
#define MAXINTF		128
#endif
#ifndef MAXCONTAINER
#define MAXCONTAINER	128
#endif
#ifndef MAXNFSMOUNT
#define MAXNFSMOUNT	64
#endif
#ifndef MAXDKNAM
#define MAXDKNAM	32
#endif
#ifndef MAXIBPORT
#define MAXIBPORT	32
#endif
#ifndef MAXGPU
#define MAXGPU		32
#endif
#ifndef MAXGPUBUS
#define MAXGPUBUS	12
#endif
#ifndef MAXGPUTYPE
#define MAXGPUTYPE	12
#endif
#ifndef MAXIBNAME
#define MAXIBNAME	20
#endif
#ifndef MAXNUMA
#define MAXNUMA		1024
#endif
#ifndef MAXLLC
#define MAXLLC		256
#endif

// ---- memory ----------------------------------------------------------

// counts in pages unless the name says otherwise
struct memstat {
	count_t	physmem;
	count_t	freemem;
	count_t	buffermem;
	count_t	slabmem;
	count_t	cachemem;
	count_t	cachedrt;
	count_t	totswap;
	count_t	freeswap;
	count_t	pgscans;
	count_t	pgsteal;
	count_t	allocstall;
	count_t	swouts;
	count_t	swins;
	count_t	tcpsock;	// TCP sockets in use
	count_t	udpsock;	// UDP sockets in use
	count_t	commitlim;
	count_t	committed;
	count_t	shmem;
	count_t	shmrss;
	count_t	shmswp;
	count_t	slabreclaim;
	count_t	stothugepage;	// small huge pages
	count_t	sfreehugepage;
	count_t	shugepagesz;
	count_t	vmwballoon;
	count_t	zfsarcsize;	// ZFS ARC
	count_t	swapcached;
	count_t	ksmsharing;
	count_t	ksmshared;
	count_t	zswapped;
	count_t	zswap;
	count_t	oomkills;	// -1 = unknown
	count_t	compactstall;
	count_t	pgmigrate;
	count_t	numamigrate;
	count_t	pgouts;
	count_t	pgins;
	count_t	pagetables;
	count_t	zswouts;
	count_t	zswins;
	count_t	ltothugepage;	// large huge pages
	count_t	lfreehugepage;
	count_t	lhugepagesz;
	count_t	availablemem;
	count_t	anonhugepage;
	count_t	lowwatermark;
	count_t	cfuture[4];
};

// ---- network ---------------------------------------------------------

struct netstat {
	struct ipv4_stats	ipv4;
	struct icmpv4_stats	icmpv4;
	struct udpv4_stats	udpv4;
	struct ipv6_stats	ipv6;
	struct icmpv6_stats	icmpv6;
	struct udpv6_stats	udpv6;
	struct tcp_stats	tcp;
};

// ---- processors ------------------------------------------------------

struct freqcnt {
	count_t	maxfreq;	// MHz
	count_t	cnt;
	count_t	ticks;
};

// times in clock ticks
struct percpu {
	unsigned int	cpunr;
	char		online;		// 1 = CPU online
	char		chfuture[3];
	count_t		stime;
	count_t		utime;
	count_t		ntime;
	count_t		itime;
	count_t		wtime;
	count_t		Itime;
	count_t		Stime;
	count_t		steal;
	count_t		guest;
	struct freqcnt	freqcnt;
	count_t		instr;		// instructions (perf)
	count_t		cycle;		// cycles (perf)
	count_t		cfuture[6];
};

struct cpustat {
	int		nrcpu;		// online CPUs
	int		maxcpu;		// entries in use in cpu[]; check online
	count_t		devint;
	count_t		csw;
	count_t		nprocs;
	float		lavg1;
	float		lavg5;
	float		lavg15;
	count_t		cfuture[4];
	struct percpu	all;
	struct percpu	cpu[MAXCPU];
};

// ---- NUMA nodes ------------------------------------------------------

struct mempernuma {
	int	numanr;
	float	frag;		// fragmentation level
	count_t	totmem;
	count_t	freemem;
	count_t	filepage;
	count_t	dirtymem;
	count_t	slabmem;
	count_t	slabreclaim;
	count_t	active;
	count_t	inactive;
	count_t	shmem;
	count_t	tothp;
	count_t	freehp;
	count_t	cfuture[2];
};

struct memnuma {
	count_t			nrnuma;
	struct mempernuma	numa[MAXNUMA];
};

struct cpupernuma {
	int	numanr;
	count_t	nrcpu;
	count_t	stime;
	count_t	utime;
	count_t	ntime;
	count_t	itime;
	count_t	wtime;
	count_t	Itime;
	count_t	Stime;
	count_t	steal;
	count_t	guest;
	count_t	cfuture[2];
};

struct cpunuma {
	count_t			nrnuma;
	struct cpupernuma	numa[MAXNUMA];
};

// ---- disks -----------------------------------------------------------

struct perdsk {
	char	name[MAXDKNAM];
	count_t	nread;
	count_t	nrsect;
	count_t	nwrite;
	count_t	nwsect;
	count_t	io_ms;
	count_t	avque;
	count_t	ndisc;		// discards, -1 = unknown
	count_t	ndsect;
	count_t	inflight;	// I/Os in flight
	count_t	cfuture[3];
};

struct dskstat {
	int		ndsk;
	int		nmdd;
	int		nlvm;
	struct perdsk	dsk[MAXDSK];
	struct perdsk	mdd[MAXMDD];
	struct perdsk	lvm[MAXLVM];
};

// ---- network interfaces ----------------------------------------------

struct perintf {
	char	name[16];

	count_t	rbyte;
	count_t	rpack;
	count_t	rerrs;
	count_t	rdrop;
	count_t	rfifo;
	count_t	rframe;
	count_t	rcompr;
	count_t	rmultic;
	count_t	rfuture[4];

	count_t	sbyte;
	count_t	spack;
	count_t	serrs;
	count_t	sdrop;
	count_t	sfifo;
	count_t	scollis;
	count_t	scarrier;
	count_t	scompr;
	count_t	sfuture[4];

	char	type;
	long	speed;		// Mbit/s
	long	speedp;
	char	duplex;		// 0 or 1
	count_t	cfuture[4];
};

struct intfstat {
	int		nrintf;
	struct perintf	intf[MAXINTF];
};

// ---- NFS -------------------------------------------------------------

struct pernfsmount {
	char	mountdev[128];
	count_t	age;
	count_t	bytesread;
	count_t	byteswrite;
	count_t	bytesdread;
	count_t	bytesdwrite;
	count_t	bytestotread;
	count_t	bytestotwrite;
	count_t	pagesmread;
	count_t	pagesmwrite;
	count_t	future[8];
};

struct nfsstat {
	struct {
		count_t	netcnt;
		count_t	netudpcnt;
		count_t	nettcpcnt;
		count_t	nettcpcon;
		count_t	rpccnt;
		count_t	rpcbadfmt;
		count_t	rpcbadaut;
		count_t	rpcbadcln;
		count_t	rpcread;
		count_t	rpcwrite;
		count_t	rchits;
		count_t	rcmiss;
		count_t	rcnoca;
		count_t	nrbytes;
		count_t	nwbytes;
		count_t	future[8];
	} server;

	struct {
		count_t	rpccnt;
		count_t	rpcretrans;
		count_t	rpcautrefresh;
		count_t	rpcread;
		count_t	rpcwrite;
		count_t	future[8];
	} client;

	struct {
		int			nrmounts;
		struct pernfsmount	nfsmnt[MAXNFSMOUNT];
	} nfsmounts;
};

// ---- containers (OpenVZ) ---------------------------------------------

struct percontainer {
	unsigned long	ctid;
	unsigned long	numproc;
	count_t		system;
	count_t		user;
	count_t		nice;
	count_t		uptime;
	count_t		physpages;
};

struct contstat {
	int			nrcontainer;
	struct percontainer	cont[MAXCONTAINER];
};

// ---- pressure stall information (PSI) -------------------------------

struct psi {
	float	avg10;		// percent
	float	avg60;
	float	avg300;
	count_t	total;		// microseconds
};

struct pressure {
	char		present;	// 1 = kernel has PSI
	char		future[3];
	struct psi	cpusome;
	struct psi	memsome;
	struct psi	memfull;
	struct psi	iosome;
	struct psi	iofull;
};

// ---- GPUs (atopgpud) -------------------------------------------------

struct pergpu {
	char		taskstats;
	unsigned char	nrprocs;
	char		type[MAXGPUTYPE+1];
	char		busid[MAXGPUBUS+1];
	int		gpunr;
	int		gpupercnow;	// -1 if unknown
	int		mempercnow;
	count_t		memtotnow;
	count_t		memusenow;
	count_t		samples;
	count_t		gpuperccum;
	count_t		memperccum;
	count_t		memusecum;
};

struct gpustat {
	int		nrgpus;
	struct pergpu	gpu[MAXGPU];
};

// ---- InfiniBand ports ------------------------------------------------

struct perifb {
	char	ibname[MAXIBNAME];
	short	portnr;
	short	lanes;
	count_t	rate;
	count_t	rcvb;
	count_t	sndb;
	count_t	rcvp;
	count_t	sndp;
	count_t	cfuture[4];
};

struct ifbstat {
	int		nrports;
	struct perifb	ifb[MAXIBPORT];
};

// ---- last-level cache (resctrl) -------------------------------------

struct perllc {
	unsigned char	id;
	float		occupancy;	// fraction of the cache
	count_t		mbm_local;
	count_t		mbm_total;
};

struct llcstat {
	int		nrllcs;
	struct perllc	perllc[MAXLLC];
};

// ---- web server (Apache status) --------------------------------------

struct wwwstat {
	count_t	accesses;
	count_t	totkbytes;
	count_t	uptime;
	int	bworkers;	// busy workers
	int	iworkers;	// idle workers
};

// ---- the whole sample ------------------------------------------------

struct sstat {
	struct cpustat	cpu;
	struct memstat	mem;
	struct netstat	net;
	struct intfstat	intf;
	struct memnuma	memnuma;
	struct cpunuma	cpunuma;
	struct dskstat	dsk;
	struct nfsstat	nfs;
	struct contstat	cfs;
	struct pressure	psi;
	struct gpustat	gpu;
	struct ifbstat	ifb;
	struct llcstat	llc;
	struct wwwstat	www;
};

#endif
