/*
 * utmp, wtmp and btmp records of glibc on x86-64 Linux (/var/run/utmp,
 * /var/log/wtmp, /var/log/btmp): 384 bytes each, times as 32-bit seconds
 * and microseconds (the layout 32- and 64-bit programs share). Written for
 * cstruct from the utmp(5) description of the format.
 *
 *   cstruct dump -f utmp.h -t utmp -n 0 --json /var/log/wtmp
 */

#pragma pack(8)   /* natural alignment, as gcc lays it out */

#define UT_LINESIZE 32
#define UT_NAMESIZE 32
#define UT_HOSTSIZE 256

enum ut_type_t : int16 {
	EMPTY = 0,          /* no valid entry */
	RUN_LVL = 1,        /* a change of run level (ut_user "runlevel") */
	BOOT_TIME = 2,      /* system boot (ut_user "reboot") */
	NEW_TIME = 3,       /* time after a clock change */
	OLD_TIME = 4,       /* time before a clock change */
	INIT_PROCESS = 5,   /* a process started by init */
	LOGIN_PROCESS = 6,  /* a getty waiting for a login */
	USER_PROCESS = 7,   /* a user's session */
	DEAD_PROCESS = 8,   /* a session ended */
	ACCOUNTING = 9
};

struct exit_status {
	int16 e_termination;    /* signal that ended the process */
	int16 e_exit;           /* its exit status */
};

struct ut_timeval {
	int32 tv_sec;           /* seconds since the epoch, UTC */
	int32 tv_usec;
};

struct utmp {
	ut_type_t ut_type;
	int32     ut_pid;
	char      ut_line[UT_LINESIZE];  /* device without "/dev/": "pts/0" */
	char      ut_id[4];              /* terminal suffix or inittab id */
	char      ut_user[UT_NAMESIZE];
	char      ut_host[UT_HOSTSIZE];  /* remote host, or the kernel release for boots */
	struct exit_status ut_exit;      /* DEAD_PROCESS */
	int32     ut_session;
	struct ut_timeval ut_tv;
	uint8     ut_addr_v6[16];        /* IPv4 in the first 4 bytes, or IPv6, network order */
	char      __unused[20];
};
