/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The clock interface of core/ (docs/architecture.md section 2.1): a handle
 * plus an ops struct.  Engines read and steer their clock only through it;
 * hw/ implements it for the kernel's clocks (sys, phc, soft: hw/clk_backend.h)
 * and the simulator (test/sim/) for simulated oscillators.
 */
#ifndef PTPBOX_CORE_CLOCK_H
#define PTPBOX_CORE_CLOCK_H

#include <stddef.h>

#include "tmv.h"

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

#endif
