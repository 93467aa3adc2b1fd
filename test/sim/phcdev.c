/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * phcdev: a kernel twin of a NIC with a PTP hardware clock, for the glibc
 * build (LD_PRELOAD).  It makes veth interfaces look like ports of a NIC
 * whose PHC is /dev/ptpN, so that hw/ (ETHTOOL_GET_TS_INFO, SIOCSHWTSTAMP,
 * SO_TIMESTAMPING with hardware flags, the PHC as a dynamic POSIX clock,
 * PTP_SYS_OFFSET*, extts) runs unchanged.  The state is the process's: two
 * processes (two namespaces) have two PHCs.  It never changes a real clock:
 * "true time" is the host's CLOCK_REALTIME.
 *
 *   PHCDEV_IFACE=pa1[,pa2]  the NIC's interfaces (without it: no twin).
 *                   The NIC is the process's, by its pid (an exec keeps
 *                   it: a wrapper such as `env` or a pyenv shim passes it
 *                   on), and the twin puts that pid into the environment
 *                   as PHCDEV_OWNER: a program it starts (the tc's nft)
 *                   loads the library but has no twin, no second PHC
 *                   writing into the same PHCDEV_LOG
 *   PHCDEV_INDEX=0          its PHC is /dev/ptp0 (phc_index 0)
 *   PHCDEV_MODEL=k=v,...    the oscillator and its inputs:
 *     offset=NS     PHC minus true time at start (0)
 *     tai=1         the PHC starts on TAI (true + 37 s + offset)
 *     freq=PPB      frequency error (positive: runs fast)
 *     wander=PPB    random walk of the frequency, ppb per sqrt(s), one step
 *                   per true second
 *     seed=N        of the random walk and the PPS noise (1)
 *     maxadj=PPB    PTP_CLOCK_GETCAPS max_adj (62499999)
 *     read=NS       a PHC register read takes NS (busy wait), latched at
 *     latch=F       fraction F of it (0.5): what PTP_SYS_OFFSET brackets;
 *                   _EXTENDED brackets the latch alone, _PRECISE is exact
 *     pps_offset=NS pps_noise=NS  the 1 Hz PPS input: a rising edge at
 *                   every true second + offset + uniform noise
 *     pps_width=NS  its pulse width (100 ms): the falling edge
 *     pps_pin=N     the pin the PPS is wired to (0; pin 0 is extts 0)
 *   PHCDEV_WIRE=delay=NS,pdv=NS,seed=N  the modelled wire (phcdev_net.c):
 *                   stamps from the send time and this link delay (+ NS *
 *                   Exp(1)) of the datagrams this process receives, instead
 *                   of the kernel's software stamps; set it in both
 *   PHCDEV_NO_PRECISE=1, PHCDEV_NO_EXTENDED=1, PHCDEV_NO_SYSOFF=1: that
 *                   PTP_SYS_OFFSET flavour fails with EOPNOTSUPP (fallbacks)
 *   PHCDEV_NO_ONESTEP=1  no HWTSTAMP_TX_ONESTEP_SYNC
 *   PHCDEV_NO_HWTS=1     software stamps only, no PHC (phc_index -1)
 *   PHCDEV_NO_PHC=1      a phc_index, but /dev/ptpN does not open
 *   PHCDEV_RX_ALL=1      the only receive filter is HWTSTAMP_FILTER_ALL
 *   PHCDEV_RX_APPLY=N    a PTP v2 receive filter asked for becomes filter N
 *                        (a driver narrowing it: 9, PTP_V2_L2_EVENT)
 *   PHCDEV_NOPINS=1      no programmable pins (the PPS goes to extts 0)
 *   PHCDEV_NO_PEROUT=1   no periodic output (n_per_out 0: requests EINVAL)
 *   PHCDEV_PEROUT_V1=1   no PTP_PEROUT_REQUEST2 (ENOTTY: before Linux 5.8)
 *   PHCDEV_PPS_FROM=FILE the PPS input is not the model's: it is the
 *                        periodic output of the twin whose PHCDEV_LOG is
 *                        FILE (another process: a cable from its pin
 *                        PHCDEV_PPS_FROM_PIN, default 1, to our pps_pin),
 *                        rising edges only (phcdev_out.c)
 *   PHCDEV_LOG=FILE      the PHC's true error: a line each time its rate or
 *                        phase changes, "T E F TAG" (true time ns, PHC minus
 *                        true ns, rate ppb: E grows at F until the next
 *                        line), and '#' lines: the model, the periodic
 *                        output requests and pin functions (phcdev_out.c),
 *                        a summary at exit
 *   PHCDEV_TRACE=FILE    the set-up calls the program made (per-packet and
 *                        per-adjustment calls are counted in the summary)
 *
 * /dev/ptpN: the fd is a pipe the twin fills with struct ptp_extts_event,
 * so poll() and read() are real; a thread wakes every 100 ms to deliver the
 * PPS edges, stamped in the PHC's time at the true edge, 8 ns steps.
 * clock_adjtime follows ptp_clock_adjtime(): ADJ_SETOFFSET, else
 * ADJ_FREQUENCY (ERANGE beyond max_adj), else ADJ_OFFSET, else a read of the
 * frequency; writes need a writable fd (EACCES).
 * PTP_PEROUT_REQUEST*: checked as the kernel does (period 0: off), logged;
 * the signal exists for a twin that reads the log (PHCDEV_PPS_FROM).
 * The safety net: whatever the program, a write to the system clock
 * (clock_settime or clock_adjtime with modes on CLOCK_REALTIME or
 * CLOCK_TAI, adjtimex, ntp_adjtime, settimeofday, adjtime) fails with EPERM,
 * is traced and counted ("refused" in the summary); reads pass through.
 * But ADJ_TAI alone (the kernel's TAI offset, what sys_sync sets) succeeds
 * without reaching the kernel, traced as "adjtimex ADJ_TAI N (recorded,
 * not applied)" so tests can check it.
 * Not modelled: ADJ_OFFSET slewing (it steps at once), PPS callbacks,
 * alarms, ONESTEP_P2P, PTP v1 filters; with kernel stamps, one-step stamps
 * of OPT_TSONLY sockets.
 */
#include "phcdev.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef ADJ_NANO
#define ADJ_NANO 0x2000
#endif
#ifndef ADJ_SETOFFSET
#define ADJ_SETOFFSET 0x0100
#endif

/* ---- the real functions ---- */

int (*r_open)(const char *, int, ...);
int (*r_open64)(const char *, int, ...);
int (*r_openat)(int, const char *, int, ...);
int (*r_openat64)(int, const char *, int, ...);
int (*r_close)(int);
int (*r_ioctl)(int, unsigned long, ...);
int (*r_clock_gettime)(clockid_t, struct timespec *);
int (*r_clock_settime)(clockid_t, const struct timespec *);
int (*r_clock_getres)(clockid_t, struct timespec *);
int (*r_clock_adjtime)(clockid_t, struct timex *);
int (*r_settimeofday)(const struct timeval *, const struct timezone *);
int (*r_adjtime)(const struct timeval *, struct timeval *);
int (*r_setsockopt)(int, int, int, const void *, socklen_t);
int (*r_getsockopt)(int, int, int, void *, socklen_t *);
int (*r_bind)(int, const struct sockaddr *, socklen_t);
ssize_t (*r_recvmsg)(int, struct msghdr *, int);
int (*r_recvmmsg)(int, struct mmsghdr *, unsigned, int, struct timespec *);
ssize_t (*r_sendmsg)(int, const struct msghdr *, int);
int (*r_sendmmsg)(int, struct mmsghdr *, unsigned, int);
ssize_t (*r_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);

#define SYM(fn) (r_##fn = (__typeof__(r_##fn))dlsym(RTLD_NEXT, #fn))

void phcdev_reals(void)
{
	SYM(open);
	SYM(open64);
	SYM(openat);
	SYM(openat64);
	SYM(close);
	SYM(ioctl);
	SYM(clock_gettime);
	SYM(clock_settime);
	SYM(clock_getres);
	SYM(clock_adjtime);
	SYM(settimeofday);
	SYM(adjtime);
	SYM(setsockopt);
	SYM(getsockopt);
	SYM(bind);
	SYM(recvmsg);
	SYM(recvmmsg);
	SYM(sendmsg);
	SYM(sendmmsg);
	SYM(sendto);
}

/* ---- state ---- */

struct phcdev S = { .mu = PTHREAD_MUTEX_INITIALIZER, .log_fd = -1, .trace_fd = -1 };

struct sk phcdev_sks[SKS];

/* ---- helpers ---- */

static int fail(int e)
{
	errno = e;
	return -1;
}

long long phcdev_rt_now(void)
{
	struct timespec ts;
	REAL(clock_gettime)(CLOCK_REALTIME, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

void phcdev_out(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (fd < 0) {
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	if (n > (int)sizeof(buf) - 2) {
		n = (int)sizeof(buf) - 2;
	}
	buf[n++] = '\n';
	if (write(fd, buf, (size_t)n) < 0) {
		return;
	}
}


unsigned long long phcdev_mix(unsigned long long z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double phcdev_urand(unsigned long long *st)
{
	*st += 0x9e3779b97f4a7c15ULL;
	return ((double)(phcdev_mix(*st) >> 11) + 0.5) / 9007199254740992.0; /* (0, 1) */
}

static double gauss(unsigned long long *st)
{
	double u1 = phcdev_urand(st), u2 = phcdev_urand(st);
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* the PPS edge of second k, its time error (the same whenever asked) */
static long long pps_te(long long k)
{
	unsigned long long st = S.seed * 1000003ULL + (unsigned long long)k;
	return llround(S.pps_offset + S.pps_noise * (2 * phcdev_urand(&st) - 1));
}

int phcdev_iface(const char *name)
{
	int i;
	for (i = 0; i < S.n_ifs; i++) {
		if (!strncmp(S.ifs[i].name, name, IFNAMSIZ)) {
			return i;
		}
	}
	return -1;
}

static struct phcfd *phcfd_find(int fd)
{
	int i;
	for (i = 0; i < S.n_fds; i++) {
		if (S.fds[i].fd == fd) {
			return &S.fds[i];
		}
	}
	return NULL;
}

/* the twin PHC fd behind a dynamic clock id, or NULL */
static struct phcfd *clk_fd(clockid_t id)
{
	if (!S.active || id >= 0 || (id & 7) != 3) {
		return NULL;
	}
	return phcfd_find(~(id >> 3));
}

/* ---- the oscillator: a history of linear segments ---- */

static double rate_now(void)
{
	double fo = S.f_model + S.w;
	return fo + S.f_adj + fo * S.f_adj * 1e-9; /* (1 + fo)(1 + fa) - 1 */
}

/* PHC minus true at true time t: *e + *ef ns (ef in [0, 1)) */
static void err_at(long long t, long long *e, double *ef)
{
	const struct seg *s = NULL;
	unsigned i, n = S.n_seg < SEGS ? S.n_seg : SEGS;
	double d, fl;

	for (i = 1; i <= n; i++) {
		s = &S.seg[(S.n_seg - i) % SEGS];
		if (s->t <= t) {
			break;
		}
	}
	d = s->ef + (double)(t - s->t) * s->rate * 1e-9;
	fl = floor(d);
	*e = s->e + (long long)fl;
	*ef = d - fl;
}

/* PHC time at true time t, floor to ns and the fraction */
static long long phc_at(long long t, double *frac)
{
	long long e;
	double ef;
	err_at(t, &e, &ef);
	if (frac) {
		*frac = ef;
	}
	return t + e;
}

/* a hardware stamp: the PHC's 8 ns counter at true time t */
long long phcdev_stamp(long long t)
{
	long long p = phc_at(t, NULL);
	return p - (((p % 8) + 8) % 8);
}

static void seg_push(long long t, long long e, double ef, const char *tag)
{
	struct seg *s = &S.seg[S.n_seg++ % SEGS];
	double fl = floor(ef);
	long long ei;
	int milli;

	s->t = t;
	s->e = e + (long long)fl;
	s->ef = ef - fl;
	s->rate = rate_now();
	if (S.log_fd < 0) {
		return;
	}
	/* E printed exactly to the ps: integer and fraction of e + ef */
	ei = s->e;
	milli = (int)floor(s->ef * 1000.0);
	if (milli > 999) {
		milli = 999;
	}
	if (ei < 0 && milli) {
		phcdev_out(S.log_fd, "%lld -%lld.%03d %.6f %s", t, -(ei + 1), 1000 - milli, s->rate, tag);
	} else {
		phcdev_out(S.log_fd, "%lld %lld.%03d %.6f %s", t, ei, milli, s->rate, tag);
	}
}

/* a change of rate or phase at true time t: delta_ns added to the phase */
static void seg_change(long long t, long long delta, const char *tag)
{
	long long e;
	double ef;
	err_at(t, &e, &ef);
	seg_push(t, e + delta, ef, tag);
}

void phcdev_emit_edge(long long t, int fall)
{
	long long p = phcdev_stamp(t);
	struct ptp_extts_event ev;
	unsigned ch;
	int i;

	if (S.nopins) {
		ch = 0;
	} else if (S.pps_pin < N_PINS && S.pin[S.pps_pin].func == PTP_PF_EXTTS) {
		ch = S.pin[S.pps_pin].chan;
	} else {
		return; /* the pin the PPS is wired to is no input */
	}
	if (ch >= N_EXTTS || !S.extts[ch]) {
		return;
	}
	if (fall ? !(S.extts[ch] & PTP_FALLING_EDGE)
		 : (S.extts[ch] & PTP_EXTTS_EDGES) && !(S.extts[ch] & PTP_RISING_EDGE)) {
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.t.sec = p / NS;
	ev.t.nsec = (unsigned)(p % NS);
	ev.index = ch;
	ev.flags = fall ? PTP_FALLING_EDGE : PTP_RISING_EDGE;
	for (i = 0; i < S.n_fds; i++) {
		/* a full queue drops the event, as the kernel's */
		if (write(S.fds[i].wfd, &ev, sizeof(ev)) == (ssize_t)sizeof(ev)) {
			S.c_extts++;
		}
	}
}

static int extts_any(void)
{
	int i;
	for (i = 0; i < N_EXTTS; i++) {
		if (S.extts[i]) {
			return 1;
		}
	}
	return 0;
}

static long long edge_time(long long k, int fall)
{
	return k * NS + (fall ? S.pps_width : 0) + pps_te(k);
}

/* the next PPS edge after true time t */
static void edge_seek(long long t)
{
	S.edge_k = t / NS - 1;
	S.edge_fall = 0;
	while (edge_time(S.edge_k, S.edge_fall) <= t) {
		if (S.edge_fall) {
			S.edge_k++;
		}
		S.edge_fall = !S.edge_fall;
	}
}

/* everything that happens by itself up to true time t: the random walk's
 * steps and the PPS edges, in time order (PHCDEV_PPS_FROM: the other
 * twin's edges, a little behind).  Under S.mu. */
void phcdev_advance(long long t)
{
	if (S.from_path[0]) {
		phcdev_from_advance(t);
	}
	for (;;) {
		long long nw = S.wander > 0 ? S.next_wander : LLONG_MAX;
		long long ne = extts_any() && !S.from_path[0] ? edge_time(S.edge_k, S.edge_fall)
							       : LLONG_MAX;
		if (nw > t && ne > t) {
			break;
		}
		if (ne <= nw) {
			phcdev_emit_edge(ne, S.edge_fall);
			if (S.edge_fall) {
				S.edge_k++;
			}
			S.edge_fall = !S.edge_fall;
		} else {
			S.w += S.wander * gauss(&S.rng);
			seg_change(nw, 0, "wander");
			S.next_wander += NS;
		}
	}
}

static long long now_advanced(void)
{
	long long t = phcdev_rt_now();
	phcdev_advance(t);
	return t;
}

/* ---- extts delivery thread ---- */

static void *ticker(void *arg)
{
	(void)arg;
	for (;;) {
		long long t = phcdev_rt_now(), next = ((t - 2000000) / 100000000 + 1) * 100000000 + 2000000;
		struct timespec ts = { (time_t)(next / NS), (long)(next % NS) };
		while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR) {
		}
		pthread_mutex_lock(&S.mu);
		now_advanced();
		pthread_mutex_unlock(&S.mu);
	}
	return NULL;
}

static void ticker_start(void)
{
	sigset_t all, old;
	pthread_t th;
	if (S.ticker) {
		return;
	}
	/* signals stay the program's main thread's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (!pthread_create(&th, NULL, ticker, NULL)) {
		pthread_detach(th);
		S.ticker = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- set-up ---- */

static void parse_model(const char *m, long long *offset, int *tai)
{
	char buf[512], *tok, *save = NULL;
	snprintf(buf, sizeof(buf), "%s", m ? m : "");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *v = strchr(tok, '=');
		if (!v) {
			continue;
		}
		*v++ = 0;
		if (!strcmp(tok, "offset")) {
			*offset = atoll(v);
		} else if (!strcmp(tok, "tai")) {
			*tai = atoi(v);
		} else if (!strcmp(tok, "freq")) {
			S.f_model = atof(v);
		} else if (!strcmp(tok, "wander")) {
			S.wander = atof(v);
		} else if (!strcmp(tok, "seed")) {
			S.seed = strtoull(v, NULL, 10);
		} else if (!strcmp(tok, "maxadj")) {
			S.maxadj = atoi(v);
		} else if (!strcmp(tok, "read")) {
			S.read_ns = atoll(v);
		} else if (!strcmp(tok, "latch")) {
			S.latch = atof(v);
		} else if (!strcmp(tok, "pps_offset")) {
			S.pps_offset = atof(v);
		} else if (!strcmp(tok, "pps_noise")) {
			S.pps_noise = atof(v);
		} else if (!strcmp(tok, "pps_width")) {
			S.pps_width = atoll(v);
		} else if (!strcmp(tok, "pps_pin")) {
			S.pps_pin = atoi(v);
		}
	}
}

/* PHCDEV_WIRE: delay=NS,pdv=NS,seed=N (any value, even empty, turns the
 * wire on) */
static void parse_wire(const char *m)
{
	char buf[256], *tok, *save = NULL;
	if (!m) {
		return;
	}
	S.wire = 1;
	S.wire_rng = 1;
	snprintf(buf, sizeof(buf), "%s", m);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *v = strchr(tok, '=');
		if (!v) {
			continue;
		}
		*v++ = 0;
		if (!strcmp(tok, "delay")) {
			S.wire_delay = atof(v);
		} else if (!strcmp(tok, "pdv")) {
			S.wire_pdv = atof(v);
		} else if (!strcmp(tok, "seed")) {
			S.wire_rng = strtoull(v, NULL, 10);
		}
	}
}

static int env_on(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0");
}

static int open_log(const char *env)
{
	const char *p = getenv(env);
	if (!p || !*p) {
		return -1;
	}
	return REAL(open)(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

__attribute__((constructor)) static void phcdev_init(void)
{
	const char *ifs = getenv("PHCDEV_IFACE"), *idx = getenv("PHCDEV_INDEX");
	const char *owner = getenv("PHCDEV_OWNER");
	char buf[128], *tok, *save = NULL;
	long long offset = 0, t;
	int tai = 0, i;

	if (!ifs || !*ifs) {
		return;
	}
	/* the NIC is this process's, not that of a program it starts */
	snprintf(buf, sizeof(buf), "%ld", (long)getpid());
	if (owner && *owner && strcmp(owner, buf)) {
		return;
	}
	setenv("PHCDEV_OWNER", buf, 1);
	snprintf(buf, sizeof(buf), "%s", ifs);
	for (tok = strtok_r(buf, ",", &save); tok && S.n_ifs < MAX_IFACES;
	     tok = strtok_r(NULL, ",", &save)) {
		snprintf(S.ifs[S.n_ifs].name, IFNAMSIZ, "%s", tok);
		S.ifs[S.n_ifs].tx_type = HWTSTAMP_TX_OFF;
		S.ifs[S.n_ifs].rx_filter = HWTSTAMP_FILTER_NONE;
		S.n_ifs++;
	}
	S.index = idx && *idx ? atoi(idx) : 0;
	snprintf(S.path, sizeof(S.path), "/dev/ptp%d", S.index);
	S.no_precise = env_on("PHCDEV_NO_PRECISE");
	S.no_extended = env_on("PHCDEV_NO_EXTENDED");
	S.no_sysoff = env_on("PHCDEV_NO_SYSOFF");
	S.no_onestep = env_on("PHCDEV_NO_ONESTEP");
	S.no_hwts = env_on("PHCDEV_NO_HWTS");
	S.no_phc = env_on("PHCDEV_NO_PHC");
	S.rx_all = env_on("PHCDEV_RX_ALL");
	S.nopins = env_on("PHCDEV_NOPINS");
	S.rx_apply = getenv("PHCDEV_RX_APPLY") ? atoi(getenv("PHCDEV_RX_APPLY")) : -1;
	S.no_perout = env_on("PHCDEV_NO_PEROUT");
	S.perout_v1 = env_on("PHCDEV_PEROUT_V1");
	snprintf(S.from_path, sizeof(S.from_path), "%s",
		 getenv("PHCDEV_PPS_FROM") ? getenv("PHCDEV_PPS_FROM") : "");
	S.from_pin = getenv("PHCDEV_PPS_FROM_PIN") ? atoi(getenv("PHCDEV_PPS_FROM_PIN")) : 1;
	S.from_fd = -1;
	S.seed = 1;
	S.maxadj = 62499999;
	S.latch = 0.5;
	S.pps_width = 100000000;
	parse_model(getenv("PHCDEV_MODEL"), &offset, &tai);
	S.rng = S.seed;
	parse_wire(getenv("PHCDEV_WIRE"));
	S.pin[0].func = PTP_PF_EXTTS; /* SMA1: extts 0, where the PPS comes in */
	S.pin[1].func = PTP_PF_PEROUT; /* SMA2: perout 0 */
	S.log_fd = open_log("PHCDEV_LOG");
	S.trace_fd = open_log("PHCDEV_TRACE");
	t = phcdev_rt_now();
	S.next_wander = (t / NS + 1) * NS;
	phcdev_out(S.log_fd,
		   "# phcdev %s on %s: offset %lld tai %d freq %.3f wander %.3f seed %llu, %s stamps "
		   "delay %.0f pdv %.0f",
		   S.path, ifs, offset, tai, S.f_model, S.wander, S.seed, S.wire ? "wire" : "kernel",
		   S.wire_delay, S.wire_pdv);
	seg_push(t, offset + (tai ? 37 * NS : 0), 0, "start");
	if (S.nopins) {
		phcdev_out(S.log_fd, "# pins none at %lld", t);
	}
	for (i = 0; !S.nopins && i < N_PINS; i++) {
		phcdev_log_pin((unsigned)i, t);
	}
	for (i = 0; i < N_EXTTS; i++) {
		S.extts[i] = 0;
	}
	S.active = 1;
}

__attribute__((destructor)) static void phcdev_fini(void)
{
	long long lmin = LLONG_MAX;
	unsigned i, n;
	if (!S.active) {
		return;
	}
	pthread_mutex_lock(&S.mu);
	n = S.n_lat < 64 ? S.n_lat : 64;
	for (i = 0; i < n; i++) {
		if (S.lat[i] < lmin) {
			lmin = S.lat[i];
		}
	}
	phcdev_out(S.log_fd,
		   "# summary gettime %llu adjfreq %llu step %llu settime %llu adjoffset %llu "
		   "sysoff basic %llu extended %llu precise %llu rx %llu tx %llu extts %llu "
		   "wire_rx %llu wire_tx %llu acausal %llu refused %llu",
		   S.c_gettime, S.c_adjfreq, S.c_step, S.c_settime, S.c_offset, S.c_sysoff[0],
		   S.c_sysoff[1], S.c_sysoff[2], S.c_rx, S.c_tx, S.c_extts, S.c_wire_rx,
		   S.c_wire_tx, S.c_acausal, S.c_refused);
	if (S.from_path[0]) {
		phcdev_out(S.log_fd, "# pps_from %s pin %d: edges %llu late %llu", S.from_path,
			   S.from_pin, S.c_from_edges, S.c_from_late);
	}
	if (S.os_sent && S.wire) {
		phcdev_out(S.log_fd, "# onestep sent %llu, originTimestamp exact (wire)", S.os_sent);
	} else if (S.os_sent) {
		phcdev_out(S.log_fd,
			   "# onestep sent %llu stamped %llu unmatched %llu latency min %lld ns "
			   "insertion error rms %.1f max %.1f ns",
			   S.os_sent, S.ins_n, S.os_unmatched, n ? lmin : 0,
			   S.ins_n ? sqrt(S.ins_sum2 / (double)S.ins_n) : 0.0, S.ins_max);
	}
	pthread_mutex_unlock(&S.mu);
}

/* ---- /dev/ptpN ---- */

static int phc_open(const char *path, int flags)
{
	int p[2], acc = flags & O_ACCMODE;
	struct phcfd *f;

	TRACE("open %s%s", path, S.no_phc ? " -> ENOENT" : "");
	if (S.no_phc) {
		errno = ENOENT;
		return -1;
	}
	if (S.n_fds == MAX_FDS) {
		errno = EMFILE;
		return -1;
	}
	if (pipe2(p, O_CLOEXEC)) {
		return -1;
	}
	if (!(flags & O_CLOEXEC)) {
		fcntl(p[0], F_SETFD, 0);
	}
	if (flags & O_NONBLOCK) {
		fcntl(p[0], F_SETFL, O_NONBLOCK);
	}
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETPIPE_SZ, 1 << 16);
	pthread_mutex_lock(&S.mu);
	f = &S.fds[S.n_fds++];
	f->fd = p[0];
	f->wfd = p[1];
	f->writable = acc == O_RDWR || acc == O_WRONLY;
	pthread_mutex_unlock(&S.mu);
	return p[0];
}

static int claimed(const char *path)
{
	return S.active && path && !strcmp(path, S.path);
}

int open(const char *path, int flags, ...);
int open64(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);

#define MODE_ARG(flags, mode)                                                                      \
	do {                                                                                       \
		va_list ap;                                                                        \
		va_start(ap, flags);                                                               \
		mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;                   \
		va_end(ap);                                                                        \
	} while (0)

int open(const char *path, int flags, ...)
{
	mode_t mode;
	MODE_ARG(flags, mode);
	return claimed(path) ? phc_open(path, flags) : REAL(open)(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode;
	MODE_ARG(flags, mode);
	return claimed(path) ? phc_open(path, flags) : REAL(open64)(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;
	MODE_ARG(flags, mode);
	return claimed(path) ? phc_open(path, flags) : REAL(openat)(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;
	MODE_ARG(flags, mode);
	return claimed(path) ? phc_open(path, flags) : REAL(openat64)(dirfd, path, flags, mode);
}

int __open_2(const char *path, int flags)
{
	return claimed(path) ? phc_open(path, flags) : REAL(open)(path, flags, 0);
}

int __open64_2(const char *path, int flags)
{
	return claimed(path) ? phc_open(path, flags) : REAL(open64)(path, flags, 0);
}

int close(int fd)
{
	if (S.active) {
		int i;
		pthread_mutex_lock(&S.mu);
		for (i = 0; i < S.n_fds; i++) {
			if (S.fds[i].fd == fd) {
				REAL(close)(S.fds[i].wfd);
				S.fds[i] = S.fds[--S.n_fds];
				break;
			}
		}
		if (fd >= 0 && fd < SKS) {
			memset(&phcdev_sks[fd], 0, sizeof(phcdev_sks[fd]));
		}
		pthread_mutex_unlock(&S.mu);
	}
	return REAL(close)(fd);
}

/* ---- the PHC as a POSIX clock ---- */

int clock_gettime(clockid_t id, struct timespec *ts)
{
	struct phcfd *f = clk_fd(id);
	long long p;

	if (!f) {
		return REAL(clock_gettime)(id, ts);
	}
	pthread_mutex_lock(&S.mu);
	p = phc_at(now_advanced(), NULL);
	S.c_gettime++;
	pthread_mutex_unlock(&S.mu);
	ts->tv_sec = (time_t)(p / NS);
	ts->tv_nsec = (long)(p % NS);
	return 0;
}

int clock_getres(clockid_t id, struct timespec *ts)
{
	if (!clk_fd(id)) {
		return REAL(clock_getres)(id, ts);
	}
	if (ts) {
		ts->tv_sec = 0;
		ts->tv_nsec = 1;
	}
	return 0;
}

/* ---- the safety net: no real clock is ever set ---- */

/* A write to the system clock (CLOCK_REALTIME, CLOCK_TAI): refused with
 * EPERM, counted and traced, whatever the program is. */
static int refuse(const char *call, clockid_t id)
{
	pthread_mutex_lock(&S.mu);
	S.c_refused++;
	pthread_mutex_unlock(&S.mu);
	TRACE("%s %s -> EPERM (the twin never changes a real clock)", call,
	      id == CLOCK_TAI ? "CLOCK_TAI" : "CLOCK_REALTIME");
	return fail(EPERM);
}

static int sys_clock(clockid_t id)
{
	return id == CLOCK_REALTIME || id == CLOCK_TAI;
}

/* a struct timex that only reads (ADJ_OFFSET_SS_READ reads the offset) */
static int tx_write(const struct timex *tx)
{
	return tx->modes && tx->modes != ADJ_OFFSET_SS_READ;
}

/* ADJ_TAI alone: recorded, the kernel left alone; 1 when it was */
static int tai_only(const struct timex *tx, const char *call)
{
	if (tx->modes != ADJ_TAI) {
		return 0;
	}
	TRACE("%s ADJ_TAI %ld (recorded, not applied)", call, (long)tx->constant);
	return 1;
}

int adjtimex(struct timex *tx)
{
	if (tai_only(tx, "adjtimex")) {
		return TIME_OK;
	}
	return tx_write(tx) ? refuse("adjtimex", CLOCK_REALTIME)
			    : REAL(clock_adjtime)(CLOCK_REALTIME, tx);
}

int ntp_adjtime(struct timex *tx)
{
	if (tai_only(tx, "ntp_adjtime")) {
		return TIME_OK;
	}
	return tx_write(tx) ? refuse("ntp_adjtime", CLOCK_REALTIME)
			    : REAL(clock_adjtime)(CLOCK_REALTIME, tx);
}

int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	return tv ? refuse("settimeofday", CLOCK_REALTIME) : REAL(settimeofday)(tv, tz);
}

int adjtime(const struct timeval *delta, struct timeval *olddelta)
{
	return delta ? refuse("adjtime", CLOCK_REALTIME) : REAL(adjtime)(delta, olddelta);
}

int clock_settime(clockid_t id, const struct timespec *ts)
{
	struct phcfd *f = clk_fd(id);
	long long t;

	if (!f) {
		return sys_clock(id) ? refuse("clock_settime", id) : REAL(clock_settime)(id, ts);
	}
	if (!f->writable) {
		errno = EACCES;
		return -1;
	}
	if (ts->tv_nsec < 0 || ts->tv_nsec >= NS) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&S.mu);
	t = now_advanced();
	seg_push(t, ts->tv_sec * NS + ts->tv_nsec - t, 0, "settime");
	S.c_settime++;
	pthread_mutex_unlock(&S.mu);
	TRACE("clock_settime %lld.%09ld", (long long)ts->tv_sec, (long)ts->tv_nsec);
	return 0;
}

/* ptp_clock_adjtime() of drivers/ptp/ptp_clock.c: one of SETOFFSET,
 * FREQUENCY, OFFSET (in that order), or a read of the frequency */
int clock_adjtime(clockid_t id, struct timex *tx)
{
	struct phcfd *f = clk_fd(id);
	long long t;

	if (!f) {
		if (sys_clock(id) && tai_only(tx, "clock_adjtime")) {
			return TIME_OK;
		}
		return sys_clock(id) && tx_write(tx) ? refuse("clock_adjtime", id)
						     : REAL(clock_adjtime)(id, tx);
	}
	if (!f->writable) {
		errno = EACCES;
		return -1;
	}
	pthread_mutex_lock(&S.mu);
	t = now_advanced();
	if (tx->modes & ADJ_SETOFFSET) {
		long long sec = tx->time.tv_sec, nsec = tx->time.tv_usec;
		if (!(tx->modes & ADJ_NANO)) {
			nsec *= 1000;
		}
		if ((unsigned long long)nsec >= (unsigned long long)NS) {
			pthread_mutex_unlock(&S.mu);
			errno = EINVAL;
			return -1;
		}
		seg_change(t, sec * NS + nsec, "step");
		S.c_step++;
	} else if (tx->modes & ADJ_FREQUENCY) {
		long long ppb = ((1 + (long long)tx->freq) * 125) >> 13; /* scaled_ppm_to_ppb */
		if (ppb > S.maxadj || ppb < -S.maxadj) {
			pthread_mutex_unlock(&S.mu);
			errno = ERANGE;
			return -1;
		}
		S.f_adj = (double)tx->freq / 65.536;
		S.dialed = tx->freq;
		seg_change(t, 0, "freq");
		S.c_adjfreq++;
	} else if (tx->modes & ADJ_OFFSET) {
		long long off = tx->offset;
		if (!(tx->modes & ADJ_NANO)) {
			off *= 1000;
		}
		if (off > 1000000 || off < -1000000) {
			pthread_mutex_unlock(&S.mu);
			errno = ERANGE;
			return -1;
		}
		seg_change(t, off, "offset");
		S.c_offset++;
	} else if (tx->modes == 0) {
		tx->freq = S.dialed;
	}
	pthread_mutex_unlock(&S.mu);
	return 0;
}

/* ---- ioctls ---- */

static void pct(struct ptp_clock_time *c, long long ns)
{
	c->sec = ns / NS;
	c->nsec = (unsigned)(ns % NS);
	c->reserved = 0;
}

static long long sys_read(int clockid)
{
	struct timespec ts;
	REAL(clock_gettime)(clockid, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

static void spin(long long ns)
{
	long long end;
	if (ns <= 0) {
		return;
	}
	end = phcdev_rt_now() + ns;
	while (phcdev_rt_now() < end) {
	}
}

/* one PHC register read as PTP_SYS_OFFSET sees it: the PHC at the latch,
 * *before and *after the system clock around the whole read (clockid) */
static long long phc_read(int clockid, long long *before, long long *after, int tight)
{
	long long t, p;
	if (!tight) {
		*before = sys_read(clockid);
		spin((long long)(S.read_ns * S.latch));
	} else {
		spin((long long)(S.read_ns * S.latch));
		*before = sys_read(clockid);
	}
	t = phcdev_rt_now();
	pthread_mutex_lock(&S.mu);
	phcdev_advance(t);
	p = phc_at(t, NULL);
	pthread_mutex_unlock(&S.mu);
	if (!tight) {
		spin(S.read_ns - (long long)(S.read_ns * S.latch));
		*after = sys_read(clockid);
	} else {
		*after = sys_read(clockid);
		spin(S.read_ns - (long long)(S.read_ns * S.latch));
	}
	return p;
}

static int phc_ioctl(struct phcfd *f, unsigned long req, void *arg)
{
	switch (req) {
	case PTP_CLOCK_GETCAPS:
	case PTP_CLOCK_GETCAPS2: {
		struct ptp_clock_caps *c = arg;
		memset(c, 0, sizeof(*c));
		c->max_adj = S.maxadj;
		c->n_ext_ts = N_EXTTS;
		c->n_per_out = S.no_perout ? 0 : N_PEROUT;
		c->n_pins = S.nopins ? 0 : N_PINS;
		c->cross_timestamping = !S.no_precise;
		c->adjust_phase = 1;
		c->rsv[0] = 1000000; /* max_phase_adj, ns (Linux 6.2) */
		TRACE("PTP_CLOCK_GETCAPS");
		return 0;
	}
	case PTP_SYS_OFFSET:
	case PTP_SYS_OFFSET2: {
		struct ptp_sys_offset *o = arg;
		long long b, a = 0;
		unsigned i;
		TRACE("PTP_SYS_OFFSET n %u%s", o->n_samples, S.no_sysoff ? " -> EOPNOTSUPP" : "");
		if (S.no_sysoff) {
			return fail(EOPNOTSUPP);
		}
		if (o->n_samples > PTP_MAX_SAMPLES) {
			return fail(EINVAL);
		}
		for (i = 0; i < o->n_samples; i++) {
			long long p = phc_read(CLOCK_REALTIME, &b, &a, 0);
			pct(&o->ts[2 * i], b);
			pct(&o->ts[2 * i + 1], p);
		}
		pct(&o->ts[2 * o->n_samples], o->n_samples ? a : sys_read(CLOCK_REALTIME));
		S.c_sysoff[0]++;
		return 0;
	}
	case PTP_SYS_OFFSET_EXTENDED:
	case PTP_SYS_OFFSET_EXTENDED2: {
		struct ptp_sys_offset_extended *o = arg;
		int clockid = (int)o->rsv[0]; /* clockid since Linux 6.11; 0 realtime */
		unsigned i;
		TRACE("PTP_SYS_OFFSET_EXTENDED n %u clock %d%s", o->n_samples, clockid,
		      S.no_extended ? " -> EOPNOTSUPP" : "");
		if (S.no_extended) {
			return fail(EOPNOTSUPP);
		}
		if (o->n_samples > PTP_MAX_SAMPLES || o->rsv[1] || o->rsv[2] ||
		    (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC &&
		     clockid != CLOCK_MONOTONIC_RAW)) {
			return fail(EINVAL);
		}
		for (i = 0; i < o->n_samples; i++) {
			long long b, a, p = phc_read(clockid, &b, &a, 1);
			pct(&o->ts[i][0], b);
			pct(&o->ts[i][1], p);
			pct(&o->ts[i][2], a);
		}
		S.c_sysoff[1]++;
		return 0;
	}
	case PTP_SYS_OFFSET_PRECISE:
	case PTP_SYS_OFFSET_PRECISE2: {
		struct ptp_sys_offset_precise *o = arg;
		long long t, raw;
		TRACE("PTP_SYS_OFFSET_PRECISE%s", S.no_precise ? " -> EOPNOTSUPP" : "");
		if (S.no_precise) {
			return fail(EOPNOTSUPP);
		}
		memset(o, 0, sizeof(*o));
		t = phcdev_rt_now();
		raw = sys_read(CLOCK_MONOTONIC_RAW);
		pthread_mutex_lock(&S.mu);
		phcdev_advance(t);
		pct(&o->device, phc_at(t, NULL));
		pthread_mutex_unlock(&S.mu);
		pct(&o->sys_realtime, t);
		pct(&o->sys_monoraw, raw);
		S.c_sysoff[2]++;
		return 0;
	}
	case PTP_EXTTS_REQUEST:
	case PTP_EXTTS_REQUEST2: {
		struct ptp_extts_request *r = arg;
		TRACE("PTP_EXTTS_REQUEST%s index %u flags 0x%x", req == PTP_EXTTS_REQUEST2 ? "2" : "",
		      r->index, r->flags);
		if (!f->writable) {
			return fail(EACCES);
		}
		if (req == PTP_EXTTS_REQUEST2) {
			if ((r->flags & ~PTP_EXTTS_VALID_FLAGS) || r->rsv[0] || r->rsv[1]) {
				return fail(EINVAL);
			}
		}
		if (r->index >= N_EXTTS) {
			return fail(EINVAL);
		}
		pthread_mutex_lock(&S.mu);
		if (r->flags & PTP_ENABLE_FEATURE) {
			long long t = now_advanced();
			if (!extts_any()) {
				edge_seek(t);
				S.from_min = t;
			}
			S.extts[r->index] = r->flags & (PTP_ENABLE_FEATURE | PTP_EXTTS_EDGES);
			ticker_start();
		} else {
			now_advanced();
			S.extts[r->index] = 0;
		}
		pthread_mutex_unlock(&S.mu);
		return 0;
	}
	case PTP_PEROUT_REQUEST:
	case PTP_PEROUT_REQUEST2: {
		struct ptp_perout_request rq = *(struct ptp_perout_request *)arg, *r = &rq;
		TRACE("PTP_PEROUT_REQUEST%s index %u flags 0x%x start %lld.%09u period %lld.%09u",
		      req == PTP_PEROUT_REQUEST2 ? "2" : "", r->index, r->flags,
		      (long long)r->start.sec, r->start.nsec, (long long)r->period.sec,
		      r->period.nsec);
		if (req == PTP_PEROUT_REQUEST2 && S.perout_v1) {
			return fail(ENOTTY); /* a kernel before 5.8 */
		}
		if (!f->writable) {
			return fail(EACCES);
		}
		if (req == PTP_PEROUT_REQUEST2) {
			if (r->flags & ~PTP_PEROUT_VALID_FLAGS) {
				return fail(EINVAL);
			}
			if (!(r->flags & PTP_PEROUT_DUTY_CYCLE) &&
			    (r->rsv[0] || r->rsv[1] || r->rsv[2] || r->rsv[3])) {
				return fail(EINVAL);
			}
		} else {
			r->flags = 0;
			memset(r->rsv, 0, sizeof(r->rsv));
		}
		if (r->index >= (S.no_perout ? 0u : N_PEROUT) || r->period.nsec >= NS ||
		    r->start.nsec >= NS) {
			return fail(EINVAL);
		}
		if ((r->flags & PTP_PEROUT_DUTY_CYCLE) &&
		    r->on.sec * NS + r->on.nsec >= r->period.sec * NS + r->period.nsec) {
			return fail(ERANGE);
		}
		pthread_mutex_lock(&S.mu);
		S.perout[r->index] = *r; /* period 0: off */
		phcdev_log_perout(r, now_advanced());
		pthread_mutex_unlock(&S.mu);
		return 0;
	}
	case PTP_ENABLE_PPS:
	case PTP_ENABLE_PPS2:
		TRACE("PTP_ENABLE_PPS -> EOPNOTSUPP");
		return fail(EOPNOTSUPP);
	case PTP_PIN_GETFUNC:
	case PTP_PIN_GETFUNC2: {
		struct ptp_pin_desc *d = arg;
		TRACE("PTP_PIN_GETFUNC pin %u", d->index);
		if (S.nopins || d->index >= N_PINS) {
			return fail(EINVAL);
		}
		pthread_mutex_lock(&S.mu);
		snprintf(d->name, sizeof(d->name), "SMA%u", d->index + 1);
		d->func = S.pin[d->index].func;
		d->chan = S.pin[d->index].chan;
		memset(d->rsv, 0, sizeof(d->rsv));
		pthread_mutex_unlock(&S.mu);
		return 0;
	}
	case PTP_PIN_SETFUNC:
	case PTP_PIN_SETFUNC2: {
		struct ptp_pin_desc *d = arg;
		long long t;
		unsigned i;
		TRACE("PTP_PIN_SETFUNC pin %u func %u chan %u", d->index, d->func, d->chan);
		if (!f->writable) {
			return fail(EACCES);
		}
		if (S.nopins || d->index >= N_PINS) {
			return fail(EINVAL);
		}
		switch (d->func) {
		case PTP_PF_NONE:
			break;
		case PTP_PF_EXTTS:
			if (d->chan >= N_EXTTS) {
				return fail(EINVAL);
			}
			break;
		case PTP_PF_PEROUT:
			if (d->chan >= (S.no_perout ? 0u : N_PEROUT)) {
				return fail(EINVAL);
			}
			break;
		case PTP_PF_PHYSYNC:
			return fail(d->chan ? EINVAL : EOPNOTSUPP);
		default:
			return fail(EINVAL);
		}
		pthread_mutex_lock(&S.mu);
		t = now_advanced();
		/* ptp_set_pinfunc(): the pin that had this function gives it up */
		for (i = 0; i < N_PINS; i++) {
			if (i != d->index && d->func != PTP_PF_NONE && S.pin[i].func == d->func &&
			    S.pin[i].chan == d->chan) {
				S.pin[i].func = PTP_PF_NONE;
				S.pin[i].chan = 0;
				phcdev_log_pin(i, t);
			}
		}
		S.pin[d->index].func = d->func;
		S.pin[d->index].chan = d->chan;
		phcdev_log_pin(d->index, t);
		pthread_mutex_unlock(&S.mu);
		return 0;
	}
	}
	TRACE("PHC ioctl 0x%lx -> ENOTTY", req);
	return fail(ENOTTY);
}

static int net_ioctl(unsigned long req, struct ifreq *ifr)
{
	int i = phcdev_iface(ifr->ifr_name);
	struct iface *ifc = &S.ifs[i];

	if (req == SIOCETHTOOL) {
		struct ethtool_ts_info *ti = (void *)ifr->ifr_data;
		if (ti->cmd != ETHTOOL_GET_TS_INFO) {
			return 1; /* the real one */
		}
		memset(ti, 0, sizeof(*ti));
		ti->cmd = ETHTOOL_GET_TS_INFO;
		ti->so_timestamping = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE |
				      SOF_TIMESTAMPING_SOFTWARE;
		ti->phc_index = -1;
		if (!S.no_hwts) {
			ti->so_timestamping |= SOF_TIMESTAMPING_TX_HARDWARE |
					       SOF_TIMESTAMPING_RX_HARDWARE |
					       SOF_TIMESTAMPING_RAW_HARDWARE;
			ti->phc_index = S.index;
			ti->tx_types = (1u << HWTSTAMP_TX_OFF) | (1u << HWTSTAMP_TX_ON);
			if (!S.no_onestep) {
				ti->tx_types |= 1u << HWTSTAMP_TX_ONESTEP_SYNC;
			}
			ti->rx_filters = (1u << HWTSTAMP_FILTER_NONE) | (1u << HWTSTAMP_FILTER_ALL);
			if (!S.rx_all) {
				ti->rx_filters |= (1u << HWTSTAMP_FILTER_PTP_V2_L4_EVENT) |
						  (1u << HWTSTAMP_FILTER_PTP_V2_L4_SYNC) |
						  (1u << HWTSTAMP_FILTER_PTP_V2_L4_DELAY_REQ) |
						  (1u << HWTSTAMP_FILTER_PTP_V2_L2_EVENT) |
						  (1u << HWTSTAMP_FILTER_PTP_V2_L2_SYNC) |
						  (1u << HWTSTAMP_FILTER_PTP_V2_L2_DELAY_REQ) |
						  (1u << HWTSTAMP_FILTER_PTP_V2_EVENT) |
						  (1u << HWTSTAMP_FILTER_PTP_V2_SYNC) |
						  (1u << HWTSTAMP_FILTER_PTP_V2_DELAY_REQ);
			}
		}
		TRACE("ETHTOOL_GET_TS_INFO %s phc %d", ifc->name, ti->phc_index);
		return 0;
	}
	if (req == SIOCGHWTSTAMP || req == SIOCSHWTSTAMP) {
		struct hwtstamp_config *c = (void *)ifr->ifr_data;
		if (S.no_hwts) {
			TRACE("%s %s -> EOPNOTSUPP", req == SIOCGHWTSTAMP ? "SIOCGHWTSTAMP" : "SIOCSHWTSTAMP",
			      ifc->name);
			return fail(EOPNOTSUPP);
		}
		if (req == SIOCGHWTSTAMP) {
			c->flags = 0;
			c->tx_type = ifc->tx_type;
			c->rx_filter = ifc->rx_filter;
			TRACE("SIOCGHWTSTAMP %s tx %d rx %d", ifc->name, c->tx_type, c->rx_filter);
			return 0;
		}
		TRACE("SIOCSHWTSTAMP %s flags %d tx %d rx %d", ifc->name, c->flags, c->tx_type,
		      c->rx_filter);
		if (c->flags & ~HWTSTAMP_FLAG_BONDED_PHC_INDEX) {
			return fail(EINVAL);
		}
		if (c->tx_type != HWTSTAMP_TX_OFF && c->tx_type != HWTSTAMP_TX_ON &&
		    (c->tx_type != HWTSTAMP_TX_ONESTEP_SYNC || S.no_onestep)) {
			return fail(ERANGE);
		}
		switch (c->rx_filter) {
		case HWTSTAMP_FILTER_NONE:
			break;
		case HWTSTAMP_FILTER_ALL:
			break;
		case HWTSTAMP_FILTER_PTP_V2_L4_EVENT:
		case HWTSTAMP_FILTER_PTP_V2_L4_SYNC:
		case HWTSTAMP_FILTER_PTP_V2_L4_DELAY_REQ:
		case HWTSTAMP_FILTER_PTP_V2_L2_EVENT:
		case HWTSTAMP_FILTER_PTP_V2_L2_SYNC:
		case HWTSTAMP_FILTER_PTP_V2_L2_DELAY_REQ:
		case HWTSTAMP_FILTER_PTP_V2_EVENT:
		case HWTSTAMP_FILTER_PTP_V2_SYNC:
		case HWTSTAMP_FILTER_PTP_V2_DELAY_REQ:
			/* the driver stamps every v2 event message (and says so);
			 * PHCDEV_RX_APPLY: one that applies another filter */
			c->rx_filter = S.rx_apply >= 0 ? S.rx_apply
				       : S.rx_all    ? HWTSTAMP_FILTER_ALL
						     : HWTSTAMP_FILTER_PTP_V2_EVENT;
			break;
		default:
			return fail(ERANGE);
		}
		pthread_mutex_lock(&S.mu);
		ifc->tx_type = c->tx_type;
		ifc->rx_filter = c->rx_filter;
		pthread_mutex_unlock(&S.mu);
		return 0;
	}
	return 1;
}

int ioctl(int fd, unsigned long req, ...)
{
	struct phcfd *f;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!S.active) {
		return REAL(ioctl)(fd, req, arg);
	}
	if ((req == SIOCETHTOOL || req == SIOCGHWTSTAMP || req == SIOCSHWTSTAMP) && arg &&
	    phcdev_iface(((struct ifreq *)arg)->ifr_name) >= 0 &&
	    if_nametoindex(((struct ifreq *)arg)->ifr_name)) {
		int r = net_ioctl(req, arg);
		if (r <= 0) {
			return r;
		}
	}
	pthread_mutex_lock(&S.mu);
	f = phcfd_find(fd);
	pthread_mutex_unlock(&S.mu);
	if (f) {
		return phc_ioctl(f, req, arg);
	}
	return REAL(ioctl)(fd, req, arg);
}

