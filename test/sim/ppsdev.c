/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Simulated PPS and PHC devices for the glibc build (LD_PRELOAD): the
 * hw/pps.c code runs unchanged against a model of the kernel devices.
 *
 *   PTPBOX_SIM_PPS=/dev/pps-sim      path that opens an RFC 2783 device
 *   PTPBOX_SIM_PHC=/dev/ptp-sim      path that opens a PHC with extts
 *   PTPBOX_SIM_PPS_MODEL, PTPBOX_SIM_PHC_MODEL: comma-separated key=value
 *     start=S     first pulse second (1700000000)
 *     count=N     pulses generated (600)
 *     offset=NS   constant time error of the stamping clock
 *     sine=NS period=S   sinusoidal wander
 *     noise=NS    uniform in [-NS, NS] (deterministic generator, seed=N)
 *     miss=I+I..  pulse indices that never come
 *     spike=I:NS  add NS to pulse I
 *     dup=I       a spurious extra pulse 300 ms after pulse I
 *     other=1     (PHC) interleave events of another channel
 *     nopins=1    (PHC) PTP_PIN_SETFUNC fails with EOPNOTSUPP
 *     realtime=1  (PPS) pulses in real time: one at every CLOCK_REALTIME
 *                 second plus the model's TE (offset, noise); a waiting
 *                 fetch sleeps until the next one
 *   PTPBOX_SIM_LOG=FILE  every ioctl the program makes, one per line
 *
 * PPS_FETCH follows Linux: a zero timeout returns the current event, a
 * non-zero one the next (here at once: simulated time runs as fast as
 * the program reads); after the last pulse it fails with ETIMEDOUT.
 * The PHC device is a pipe filled with struct ptp_extts_event when
 * PTP_EXTTS_REQUEST enables the channel, so poll() and read() are real.
 */
#define _GNU_SOURCE
#include <linux/pps.h>
#include <linux/ptp_clock.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct model {
	long long start;
	int count;
	double offset, sine, period, noise;
	unsigned long long seed;
	int miss[32], n_miss;
	int spike_at;
	double spike_ns;
	int dup_at;
	int other, nopins, realtime;
};

struct dev {
	int fd;          /* what the program holds */
	int wfd;         /* PHC: write end of the pipe */
	int is_phc;
	struct model m;
	int next;        /* next pulse index */
	int dup_pending;
	unsigned seq;
	struct pps_ktime cur;
};

static struct dev devs[4];
static int n_devs;

static void logf_(const char *fmt, ...)
{
	const char *path = getenv("PTPBOX_SIM_LOG");
	FILE *f;
	va_list ap;
	if (!path || !(f = fopen(path, "a"))) {
		return;
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static void parse_model(const char *s, struct model *m)
{
	char buf[512], *tok, *save = NULL;
	memset(m, 0, sizeof(*m));
	m->start = 1700000000;
	m->count = 600;
	m->period = 300;
	m->seed = 1;
	m->spike_at = -1;
	m->dup_at = -1;
	snprintf(buf, sizeof(buf), "%s", s ? s : "");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *v = strchr(tok, '=');
		if (!v) {
			continue;
		}
		*v++ = 0;
		if (!strcmp(tok, "start")) {
			m->start = atoll(v);
		} else if (!strcmp(tok, "count")) {
			m->count = atoi(v);
		} else if (!strcmp(tok, "offset")) {
			m->offset = atof(v);
		} else if (!strcmp(tok, "sine")) {
			m->sine = atof(v);
		} else if (!strcmp(tok, "period")) {
			m->period = atof(v);
		} else if (!strcmp(tok, "noise")) {
			m->noise = atof(v);
		} else if (!strcmp(tok, "seed")) {
			m->seed = strtoull(v, NULL, 10);
		} else if (!strcmp(tok, "miss")) {
			char *p = v;
			while (*p && m->n_miss < 32) {
				m->miss[m->n_miss++] = (int)strtol(p, &p, 10);
				if (*p == '+') {
					p++;
				}
			}
		} else if (!strcmp(tok, "spike")) {
			m->spike_at = atoi(v);
			m->spike_ns = atof(strchr(v, ':') ? strchr(v, ':') + 1 : "0");
		} else if (!strcmp(tok, "dup")) {
			m->dup_at = atoi(v);
		} else if (!strcmp(tok, "other")) {
			m->other = atoi(v);
		} else if (!strcmp(tok, "realtime")) {
			m->realtime = atoi(v);
		} else if (!strcmp(tok, "nopins")) {
			m->nopins = atoi(v);
		}
	}
}

static double urand(unsigned long long *st)
{
	unsigned long long z = (*st += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

static int missing(const struct model *m, int i)
{
	int k;
	for (k = 0; k < m->n_miss; k++) {
		if (m->miss[k] == i) {
			return 1;
		}
	}
	return 0;
}

/* next edge of the model: 1 and the time, or 0 when the pulses ran out */
static int next_edge(struct dev *d, struct pps_ktime *t)
{
	double te;
	long long sec;
	long long ns;

	if (d->dup_pending) {
		d->dup_pending = 0;
		sec = d->m.start + d->m.dup_at;
		t->sec = sec;
		t->nsec = 300000000;
		return 1;
	}
	for (;;) {
		int i = d->next;
		if (i >= d->m.count) {
			return 0;
		}
		d->next++;
		/* the generator advances for every pulse, missing or not */
		te = d->m.offset + d->m.noise * (2 * urand(&d->m.seed) - 1);
		if (d->m.sine) {
			te += d->m.sine * sin(2 * M_PI * i / d->m.period);
		}
		if (i == d->m.spike_at) {
			te += d->m.spike_ns;
		}
		if (missing(&d->m, i)) {
			continue;
		}
		if (i == d->m.dup_at) {
			d->dup_pending = 1;
		}
		ns = (d->m.start + i) * 1000000000LL + llround(te);
		t->sec = ns / 1000000000LL;
		t->nsec = (int)(ns % 1000000000LL);
		return 1;
	}
}

/* realtime mode: the TE of the pulse of second k, ns (the same every time
 * it is asked for) */
static long long realtime_te(const struct model *m, long long k)
{
	unsigned long long st = m->seed * 1000003ULL + (unsigned long long)k;
	return llround(m->offset + m->noise * (2 * urand(&st) - 1));
}

static struct dev *find(int fd)
{
	int i;
	for (i = 0; i < n_devs; i++) {
		if (devs[i].fd == fd) {
			return &devs[i];
		}
	}
	return NULL;
}

static int sim_open(const char *path)
{
	const char *pps = getenv("PTPBOX_SIM_PPS"), *phc = getenv("PTPBOX_SIM_PHC");
	struct dev *d;
	int p[2];

	if (n_devs == 4) {
		errno = EMFILE;
		return -1;
	}
	d = &devs[n_devs];
	memset(d, 0, sizeof(*d));
	if (pps && !strcmp(path, pps)) {
		int (*real_open)(const char *, int, ...) = dlsym(RTLD_NEXT, "open");
		d->fd = real_open("/dev/null", O_RDWR | O_CLOEXEC);
		parse_model(getenv("PTPBOX_SIM_PPS_MODEL"), &d->m);
		if (d->m.realtime) {
			d->m.start = (long long)time(NULL) - 100;
		}
		logf_("open %s", path);
	} else {
		if (pipe2(p, O_CLOEXEC)) {
			return -1;
		}
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
		d->fd = p[0];
		d->wfd = p[1];
		d->is_phc = 1;
		parse_model(getenv("PTPBOX_SIM_PHC_MODEL"), &d->m);
		logf_("open %s", path);
		(void)phc;
	}
	if (d->fd < 0) {
		return -1;
	}
	n_devs++;
	return d->fd;
}

static int claimed(const char *path)
{
	const char *pps = getenv("PTPBOX_SIM_PPS"), *phc = getenv("PTPBOX_SIM_PHC");
	return path && ((pps && !strcmp(path, pps)) || (phc && !strcmp(path, phc)));
}

int open(const char *path, int flags, ...);
int open64(const char *path, int flags, ...);

/* open and open64: a claimed path is a simulated device, anything else
 * goes to libc's function of that name */
static int open_as(const char *name, const char *path, int flags, mode_t mode)
{
	int (*real)(const char *, int, ...);

	if (claimed(path)) {
		return sim_open(path);
	}
	real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, name);
	return real(path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	return open_as("open", path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	return open_as("open64", path, flags, mode);
}

/* closing a simulated device forgets it (its fd number will be reused) */
int close(int fd)
{
	static int (*real)(int);
	int i;

	if (!real) {
		real = (int (*)(int))dlsym(RTLD_NEXT, "close");
	}
	for (i = 0; i < n_devs; i++) {
		if (devs[i].fd == fd) {
			if (devs[i].is_phc) {
				real(devs[i].wfd);
			}
			devs[i] = devs[--n_devs];
			break;
		}
	}
	return real(fd);
}

static void fill_extts(struct dev *d, unsigned channel)
{
	struct pps_ktime t;
	int n = 0;
	while (next_edge(d, &t)) {
		struct ptp_extts_event ev;
		memset(&ev, 0, sizeof(ev));
		if (d->m.other && n++ % 3 == 0) {
			ev.index = channel + 1;
			ev.t.sec = t.sec;
			ev.t.nsec = 123;
			if (write(d->wfd, &ev, sizeof(ev)) != (ssize_t)sizeof(ev)) {
				return;
			}
		}
		ev.index = channel;
		ev.t.sec = t.sec;
		ev.t.nsec = (unsigned)t.nsec;
		if (write(d->wfd, &ev, sizeof(ev)) != (ssize_t)sizeof(ev)) {
			return;
		}
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	struct dev *d = find(fd);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!d) {
		if (!real) {
			real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
		}
		return real(fd, req, arg);
	}
	if (!d->is_phc && req == PPS_GETCAP) {
		*(int *)arg = PPS_CAPTUREASSERT | PPS_CAPTURECLEAR | PPS_OFFSETASSERT |
			      PPS_TSFMT_TSPEC | PPS_CANWAIT;
		logf_("PPS_GETCAP");
		return 0;
	}
	if (!d->is_phc && req == PPS_GETPARAMS) {
		struct pps_kparams *kp = arg;
		memset(kp, 0, sizeof(*kp));
		kp->api_version = PPS_API_VERS;
		kp->mode = PPS_TSFMT_TSPEC;
		logf_("PPS_GETPARAMS");
		return 0;
	}
	if (!d->is_phc && req == PPS_SETPARAMS) {
		struct pps_kparams *kp = arg;
		logf_("PPS_SETPARAMS api %d mode 0x%x", kp->api_version, kp->mode);
		if (!(kp->mode & PPS_CAPTUREASSERT)) {
			errno = EINVAL;
			return -1;
		}
		return 0;
	}
	if (!d->is_phc && req == PPS_FETCH && d->m.realtime) {
		struct pps_fdata *f = arg;
		int wait = f->timeout.sec || f->timeout.nsec || (f->timeout.flags & PPS_TIME_INVALID);
		long long deadline = 0, now, k, te;
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		now = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		if (wait) {
			deadline = now + f->timeout.sec * 1000000000LL + f->timeout.nsec;
		}
		for (;;) {
			/* the latest pulse: second k at k + te(k) */
			k = now / 1000000000LL;
			te = realtime_te(&d->m, k);
			if (k * 1000000000LL + te > now) {
				k--;
				te = realtime_te(&d->m, k);
			}
			if (!wait || (unsigned)(k - d->m.start) != d->seq) {
				break;
			}
			if (now >= deadline) {
				errno = ETIMEDOUT;
				return -1;
			}
			ts.tv_sec = 0;
			ts.tv_nsec = 1000000; /* 1 ms steps: a simulation, not a timer */
			nanosleep(&ts, NULL);
			clock_gettime(CLOCK_REALTIME, &ts);
			now = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		}
		d->seq = (unsigned)(k - d->m.start);
		memset(&f->info, 0, sizeof(f->info));
		f->info.assert_sequence = d->seq;
		f->info.assert_tu.sec = (k * 1000000000LL + te) / 1000000000LL;
		f->info.assert_tu.nsec = (int)((k * 1000000000LL + te) % 1000000000LL);
		f->info.current_mode = PPS_CAPTUREASSERT | PPS_TSFMT_TSPEC;
		return 0;
	}
	if (!d->is_phc && req == PPS_FETCH) {
		struct pps_fdata *f = arg;
		int wait = f->timeout.sec || f->timeout.nsec || (f->timeout.flags & PPS_TIME_INVALID);
		if (wait) {
			struct pps_ktime t;
			if (!next_edge(d, &t)) {
				struct timespec ts = { 0, 2000000 };
				nanosleep(&ts, NULL);
				errno = ETIMEDOUT;
				return -1;
			}
			d->cur = t;
			d->seq++;
		}
		memset(&f->info, 0, sizeof(f->info));
		f->info.assert_sequence = d->seq;
		f->info.assert_tu = d->cur;
		f->info.current_mode = PPS_CAPTUREASSERT | PPS_TSFMT_TSPEC;
		return 0;
	}
	if (d->is_phc && req == PTP_PIN_SETFUNC) {
		struct ptp_pin_desc *pd = arg;
		logf_("PTP_PIN_SETFUNC pin %u func %u chan %u", pd->index, pd->func, pd->chan);
		if (d->m.nopins) {
			errno = EOPNOTSUPP;
			return -1;
		}
		return 0;
	}
	if (d->is_phc && req == PTP_EXTTS_REQUEST) {
		struct ptp_extts_request *r = arg;
		logf_("PTP_EXTTS_REQUEST index %u flags 0x%x", r->index, r->flags);
		if (r->flags & PTP_ENABLE_FEATURE) {
			fill_extts(d, r->index);
		}
		return 0;
	}
	logf_("unexpected ioctl 0x%lx", req);
	errno = ENOTTY;
	return -1;
}
