/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The soft clock: simulation twin of a PHC.  Its time is a linear function
 * of CLOCK_REALTIME,
 *     soft(r) = anchor_soft + (r - anchor_raw) * (1 + (inject + adj) * 1e-9)
 * re-anchored at every adjustment, so its error against CLOCK_REALTIME is
 * known exactly at any moment and no kernel clock is ever changed.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "../core/util.h"
#include "clk_backend.h"


struct soft_clk {
	struct clk clk;
	tmv_t anchor_raw;  /* CLOCK_REALTIME at the last change, ns */
	tmv_t anchor_soft; /* soft time at anchor_raw, ns */
	double inject_ppb; /* injected frequency error, ppb */
};

static const struct clk_ops soft_ops;

static tmv_t realtime_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return timespec_to_tmv(ts);
}

static tmv_t soft_at(const struct soft_clk *s, tmv_t raw)
{
	double d = (double)(raw - s->anchor_raw);
	double ppb = s->inject_ppb + s->clk.freq_ppb;
	return s->anchor_soft + (raw - s->anchor_raw) + (tmv_t)llround(d * ppb * 1e-9);
}

static void reanchor(struct soft_clk *s)
{
	tmv_t r = realtime_now();
	s->anchor_soft = soft_at(s, r);
	s->anchor_raw = r;
}

static int soft_gettime(struct clk *c, tmv_t *now)
{
	*now = soft_at(container_of(c, struct soft_clk, clk), realtime_now());
	return 0;
}

static int soft_adjfreq(struct clk *c, double ppb)
{
	struct soft_clk *s = container_of(c, struct soft_clk, clk);
	if (ppb > c->max_adj_ppb) {
		ppb = c->max_adj_ppb;
	} else if (ppb < -c->max_adj_ppb) {
		ppb = -c->max_adj_ppb;
	}
	reanchor(s);
	c->freq_ppb = ppb;
	return 0;
}

static int soft_step(struct clk *c, tmv_t delta)
{
	struct soft_clk *s = container_of(c, struct soft_clk, clk);
	reanchor(s);
	s->anchor_soft += delta;
	return 0;
}

static tmv_t soft_from_raw(struct clk *c, tmv_t raw)
{
	return soft_at(container_of(c, struct soft_clk, clk), raw);
}

static void soft_destroy(struct clk *c)
{
	free(container_of(c, struct soft_clk, clk));
}

static const struct clk_ops soft_ops = { "soft", soft_gettime, soft_adjfreq, soft_step,
					 soft_from_raw, soft_destroy };

struct clk *clk_soft_create(long long offset_ns, double freq_ppb)
{
	struct soft_clk *s = calloc(1, sizeof(*s));
	if (!s) {
		return NULL;
	}
	s->clk.ops = &soft_ops;
	s->clk.utc_timescale = 1;
	s->clk.max_adj_ppb = 500000;
	s->inject_ppb = freq_ppb;
	s->anchor_raw = realtime_now();
	s->anchor_soft = s->anchor_raw + offset_ns;
	return &s->clk;
}

int clk_soft_true_error(struct clk *c, tmv_t *offset_ns, double *freq_ppb)
{
	struct soft_clk *s;
	tmv_t r;

	if (!c || c->ops != &soft_ops) {
		return -EINVAL;
	}
	s = container_of(c, struct soft_clk, clk);
	r = realtime_now();
	*offset_ns = soft_at(s, r) - r;
	*freq_ppb = s->inject_ppb + c->freq_ppb;
	return 0;
}
