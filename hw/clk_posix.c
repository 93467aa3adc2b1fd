/* SPDX-License-Identifier: BSD-2-Clause */
/* sys (CLOCK_REALTIME) and phc (/dev/ptpN) backends: both are POSIX clocks
 * adjusted with clock_adjtime(2). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/ptp_clock.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "../core/sysync.h"
#include "clk_backend.h"

#ifndef ADJ_NANO
#define ADJ_NANO 0x2000
#endif
#ifndef ADJ_SETOFFSET
#define ADJ_SETOFFSET 0x0100
#endif

#define FD_TO_CLOCKID(fd) ((clockid_t)((((unsigned int)~(fd)) << 3) | 3))

struct posix_clk {
	struct clk clk;
	clockid_t id;
	int fd; /* -1 for CLOCK_REALTIME */
	char path[64]; /* the PHC's device */
};

static int px_gettime(struct clk *c, tmv_t *now)
{
	struct posix_clk *p = container_of(c, struct posix_clk, clk);
	struct timespec ts;
	if (clock_gettime(p->id, &ts)) {
		return -errno;
	}
	*now = timespec_to_tmv(ts);
	return 0;
}

static int px_adjfreq(struct clk *c, double ppb)
{
	struct posix_clk *p = container_of(c, struct posix_clk, clk);
	struct timex tx;

	if (ppb > c->max_adj_ppb) {
		ppb = c->max_adj_ppb;
	} else if (ppb < -c->max_adj_ppb) {
		ppb = -c->max_adj_ppb;
	}
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_FREQUENCY;
	tx.freq = (long)(ppb * 65.536); /* scaled ppm: ppm * 2^16 */
	if (clock_adjtime(p->id, &tx) < 0) {
		return -errno;
	}
	c->freq_ppb = ppb;
	return 0;
}

static int px_step(struct clk *c, tmv_t delta)
{
	struct posix_clk *p = container_of(c, struct posix_clk, clk);
	struct timespec ts = tmv_to_timespec(delta);
	struct timex tx;

	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	tx.time.tv_sec = ts.tv_sec;
	tx.time.tv_usec = ts.tv_nsec; /* ns with ADJ_NANO */
	if (clock_adjtime(p->id, &tx) < 0) {
		return -errno;
	}
	return 0;
}

static tmv_t px_from_raw(struct clk *c, tmv_t raw)
{
	(void)c;
	return raw;
}

static void px_destroy(struct clk *c)
{
	struct posix_clk *p = container_of(c, struct posix_clk, clk);
	if (p->fd >= 0) {
		close(p->fd);
	}
	free(p);
}

static const struct clk_ops sys_ops = { "sys", px_gettime, px_adjfreq, px_step, px_from_raw,
					px_destroy };
static const struct clk_ops phc_ops = { "phc", px_gettime, px_adjfreq, px_step, px_from_raw,
					px_destroy };

int clk_phc_fd(struct clk *c, const char **path)
{
	struct posix_clk *p = container_of(c, struct posix_clk, clk);
	if (c->ops != &phc_ops) {
		return -EINVAL;
	}
	*path = p->path;
	return p->fd;
}

const char *sysoff_method_name(enum sysoff_method m)
{
	static const char *const name[] = { "PTP_SYS_OFFSET_PRECISE", "PTP_SYS_OFFSET_EXTENDED",
					    "PTP_SYS_OFFSET" };
	return m <= SYSOFF_BASIC ? name[m] : "?";
}

static tmv_t ptp_time_ns(const struct ptp_clock_time *t)
{
	return (tmv_t)t->sec * NS_PER_SEC + t->nsec;
}

static int not_offered(int err)
{
	return err == EOPNOTSUPP || err == ENOTTY || err == EINVAL;
}

int clk_phc_sysoff(struct clk *c, enum sysoff_method *method, struct sysoff_sample *s, int n)
{
	struct posix_clk *p = container_of(c, struct posix_clk, clk);
	int i;

	if (c->ops != &phc_ops) {
		return -EINVAL;
	}
	n = n < 1 ? 1 : n > PTP_MAX_SAMPLES ? PTP_MAX_SAMPLES : n;
	if (*method == SYSOFF_PRECISE) {
		struct ptp_sys_offset_precise pr;
		memset(&pr, 0, sizeof(pr));
		if (!ioctl(p->fd, PTP_SYS_OFFSET_PRECISE, &pr)) {
			s[0].sys_before = s[0].sys_after = ptp_time_ns(&pr.sys_realtime);
			s[0].phc = ptp_time_ns(&pr.device);
			return 1;
		}
		if (!not_offered(errno)) {
			return -errno;
		}
		*method = SYSOFF_EXTENDED;
	}
	if (*method == SYSOFF_EXTENDED) {
		struct ptp_sys_offset_extended ex;
		memset(&ex, 0, sizeof(ex));
		ex.n_samples = (unsigned)n;
		if (!ioctl(p->fd, PTP_SYS_OFFSET_EXTENDED, &ex)) {
			for (i = 0; i < n; i++) {
				s[i].sys_before = ptp_time_ns(&ex.ts[i][0]);
				s[i].phc = ptp_time_ns(&ex.ts[i][1]);
				s[i].sys_after = ptp_time_ns(&ex.ts[i][2]);
			}
			return n;
		}
		if (!not_offered(errno)) {
			return -errno;
		}
		*method = SYSOFF_BASIC;
	}
	{
		struct ptp_sys_offset b;
		memset(&b, 0, sizeof(b));
		b.n_samples = (unsigned)n;
		if (ioctl(p->fd, PTP_SYS_OFFSET, &b)) {
			return -errno;
		}
		/* system, PHC, system, PHC, ..., system */
		for (i = 0; i < n; i++) {
			s[i].sys_before = ptp_time_ns(&b.ts[2 * i]);
			s[i].phc = ptp_time_ns(&b.ts[2 * i + 1]);
			s[i].sys_after = ptp_time_ns(&b.ts[2 * i + 2]);
		}
		return n;
	}
}

struct clk *clk_sys_create(void)
{
	struct posix_clk *p = calloc(1, sizeof(*p));
	if (!p) {
		return NULL;
	}
	p->clk.ops = &sys_ops;
	p->clk.utc_timescale = 1;
	p->clk.max_adj_ppb = 500000; /* kernel limit for ADJ_FREQUENCY: 500 ppm */
	p->id = CLOCK_REALTIME;
	p->fd = -1;
	return &p->clk;
}

struct clk *clk_phc_create(const char *path, int phc_index, char *err, size_t errlen)
{
	struct ptp_clock_caps caps;
	struct posix_clk *p;
	char name[32];
	struct timespec ts;

	if (!path) {
		snprintf(name, sizeof(name), "/dev/ptp%d", phc_index);
		path = name;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->fd = open(path, O_RDWR | O_CLOEXEC);
	if (p->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(p);
		return NULL;
	}
	p->id = FD_TO_CLOCKID(p->fd);
	if (clock_gettime(p->id, &ts)) {
		snprintf(err, errlen, "%s: not a PTP hardware clock: %s", path, strerror(errno));
		close(p->fd);
		free(p);
		return NULL;
	}
	memset(&caps, 0, sizeof(caps));
	if (ioctl(p->fd, PTP_CLOCK_GETCAPS, &caps)) {
		snprintf(err, errlen, "%s: PTP_CLOCK_GETCAPS: %s", path, strerror(errno));
		close(p->fd);
		free(p);
		return NULL;
	}
	p->clk.ops = &phc_ops;
	p->clk.utc_timescale = 0;
	snprintf(p->path, sizeof(p->path), "%s", path);
	/* the frequency reaches the kernel as scaled ppm in struct timex's
	 * long: at most 32 767 999 ppb where a long has 32 bits (a larger
	 * driver limit made px_adjfreq's conversion overflow on armhf/mips) */
	p->clk.max_adj_ppb = fmin(caps.max_adj, floor((double)LONG_MAX / 65.536));
	return &p->clk;
}
