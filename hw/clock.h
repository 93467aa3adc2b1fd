/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Clock backends behind one ops interface (DESIGN.md "shape of the code").
 *   sys:  CLOCK_REALTIME through clock_adjtime(2)
 *   phc:  /dev/ptpN through clock_adjtime(2) on its dynamic clock id
 *   soft: a software clock over CLOCK_REALTIME with an exactly known
 *         offset to it; tests start it with an injected phase and frequency
 *         error and read its true error.  It never touches a kernel clock.
 */
#ifndef PTPBOX_CLOCK_H
#define PTPBOX_CLOCK_H

#include <stddef.h>

#include "../core/tmv.h"

struct clk;

struct clk_ops {
	const char *name;
	/* Current time of the clock in ns.  0 or -errno. */
	int (*gettime)(struct clk *c, tmv_t *now);
	/* Set the frequency adjustment, ppb, positive makes the clock run
	 * faster; absolute (not cumulative).  0 or -errno. */
	int (*adjfreq)(struct clk *c, double ppb);
	/* Add delta ns to the clock (positive moves it forward). 0 or -errno. */
	int (*step)(struct clk *c, tmv_t delta);
	/* Kernel timestamp of a packet (ns on the timestamping clock: the
	 * PHC for hardware stamps, CLOCK_REALTIME for software stamps) to
	 * this clock's time scale, ns. */
	tmv_t (*from_raw)(struct clk *c, tmv_t raw);
	void (*destroy)(struct clk *c);
};

struct clk {
	const struct clk_ops *ops;
	/* 1 when the clock keeps UTC (CLOCK_REALTIME and soft): PTP time is
	 * then clock time + currentUtcOffset.  0 for a PHC (TAI). */
	int utc_timescale;
	/* Largest |frequency adjustment| the clock takes, ppb. */
	double max_adj_ppb;
	/* Current frequency adjustment, ppb (last adjfreq). */
	double freq_ppb;
};

static inline int clk_gettime(struct clk *c, tmv_t *now)
{
	return c->ops->gettime(c, now);
}

static inline int clk_adjfreq(struct clk *c, double ppb)
{
	return c->ops->adjfreq(c, ppb);
}

static inline int clk_step(struct clk *c, tmv_t delta)
{
	return c->ops->step(c, delta);
}

static inline tmv_t clk_from_raw(struct clk *c, tmv_t raw)
{
	return c->ops->from_raw(c, raw);
}

static inline void clk_destroy(struct clk *c)
{
	if (c) {
		c->ops->destroy(c);
	}
}

/* CLOCK_REALTIME.  NULL on error (errno set). */
struct clk *clk_sys_create(void);

/* A PHC by path ("/dev/ptp0") or index (phc_index >= 0, path NULL).  Reads
 * max_adj with PTP_CLOCK_GETCAPS.  NULL on error; err gets a message. */
struct clk *clk_phc_create(const char *path, int phc_index, char *err, size_t errlen);

/*
 * Soft clock over CLOCK_REALTIME.  offset_ns: initial time error, ns
 * (positive = ahead of CLOCK_REALTIME); freq_ppb: injected frequency error,
 * ppb (positive = runs fast).  Adjustments made through the ops correct it
 * like a real clock.  NULL when out of memory.
 */
struct clk *clk_soft_create(long long offset_ns, double freq_ppb);

/* True error of a soft clock against CLOCK_REALTIME: ns now (positive =
 * ahead) and the net frequency error, ppb (injected + adjustment).
 * -EINVAL when c is not a soft clock. */
int clk_soft_true_error(struct clk *c, tmv_t *offset_ns, double *freq_ppb);

#endif
