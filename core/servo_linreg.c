/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linear-regression clock servo (clock_servo linreg).
 *
 * Input per Sync: the local time t (ns) and offsetFromMaster o (ns,
 * positive = local clock ahead).  Output: the absolute frequency adjustment
 * (ppb, positive = clock runs faster) or a step (ns to add to the clock).
 *
 * The servo knows how it steered: C(t) = integral of the adjustment it
 * returned over time (ppb x s = ns).  y = o - C is the phase the clock would
 * show free-running, so a line through the (t, y) points has the clock's own
 * frequency error as its slope (ns/s = ppb), without the loop's reaction
 * in it.  Least squares over the newest n points, x = (t - t_newest) in s
 * (doubles relative to the newest point: t itself is ~1e18 ns):
 *     xm = sum x / n,  ym = sum y / n
 *     b  = sum (x - xm)(y - ym) / sum (x - xm)^2     slope, ppb
 *     a  = ym - b xm                                 y at t_newest, ns
 * y is kept relative to C(t_newest) = 0, so a is the offset now, and
 *     adj = -b - a / tau,   tau = LR_TAU sample intervals
 * cancels the frequency error and pulls the phase in: with b right the
 * phase follows p' = (1 - T'/tau) p - (T'/tau) e (T': the time until the
 * next sample, e: the fit's phase error).  The fit has already averaged
 * the noise (under white noise the rms phase is the same for tau = 1..8
 * intervals); tau = 4 T keeps the loop monotone when up to 3 Syncs in a
 * row are lost (T' <= tau) and stable up to T' < 8 T, where tau = T would
 * leave a phase error alternating forever at T' = 2 T.  The cost is lag
 * under a wandering frequency: 2 ppb/sqrt(s) of random walk, 13 ns rms
 * instead of 10 (test_servo_linreg.c).
 *
 * Window: up to LR_MAX points; fits over the newest 4, 8, 16, 32, 64.
 * Before a sample is added each fit predicts it (a + b x); an exponentially
 * weighted mean square of that error per size (about the last LR_ERR_N)
 * picks the size: long windows average white noise, short ones follow a
 * wandering frequency.
 *
 * Start-up: the first sample only collects (s0); two points give the first
 * line, then a step if servo_step_due (s1) or tracking (s2).  Points are
 * dropped after a step (the time axis moved), on reset, when time goes
 * back, and when the clock's frequency is not the one the servo returned
 * (someone set it at an unknown time, C is unknown).  The frequency
 * estimate and the error statistics stay; until the chosen window has
 * refilled, the slope is held and only the phase a = mean(y - b x) comes
 * from the points.
 *
 * No system calls (core/).
 */
#include <math.h>
#include <stdlib.h>

#include "servo.h"
#include "util.h"

#define LR_MAX 64    /* points kept, a power of 2 */
#define LR_SIZES 5   /* windows 4 << i: 4 .. 64 */
#define LR_ERR_N 64  /* prediction errors averaged (1/weight) */
#define LR_TAU 4.0   /* phase time constant, sample intervals */

struct lr {
	struct servo servo;
	tmv_t t[LR_MAX];       /* local times, ns */
	double y[LR_MAX];      /* free-running phase, ns, relative to C(newest) */
	int head, n;           /* next slot, points held */
	double mse[LR_SIZES];  /* mean square prediction error per size, ns^2 */
	int nerr[LR_SIZES];    /* errors in mse, up to LR_ERR_N */
	double freq;           /* free-running frequency error, ppb */
	int have_freq;
	double last_adj;       /* adjustment last returned, ppb */
	double interval;       /* s between samples */
};

/* Ring slot of the k-th newest point. */
static int lr_idx(const struct lr *l, int k)
{
	return (l->head - 1 - k) & (LR_MAX - 1);
}

static double lr_x(const struct lr *l, int k, tmv_t t0)
{
	return (double)(l->t[lr_idx(l, k)] - t0) * 1e-9;
}

/* Least squares over the newest n >= 2 points (times strictly rising):
 * *a = y at the newest point's time (ns), *b = slope (ppb). */
static void lr_fit(const struct lr *l, int n, double *a, double *b)
{
	tmv_t t0 = l->t[lr_idx(l, 0)];
	double xm = 0, ym = 0, sxx = 0, sxy = 0;
	int k;

	for (k = 0; k < n; k++) {
		xm += lr_x(l, k, t0);
		ym += l->y[lr_idx(l, k)];
	}
	xm /= n;
	ym /= n;
	for (k = 0; k < n; k++) {
		double dx = lr_x(l, k, t0) - xm;
		sxx += dx * dx;
		sxy += dx * (l->y[lr_idx(l, k)] - ym);
	}
	*b = sxx > 0 ? sxy / sxx : 0;
	*a = ym - *b * xm;
}

static enum servo_state lr_sample(struct servo *s, const struct servo_meas *m,
				  struct servo_out *out)
{
	struct lr *l = container_of(s, struct lr, servo);
	double a, b, x;
	int i, k, best = -1;

	if (fabs(m->freq_ppb - l->last_adj) > 1e-6 || (l->n && m->local <= l->t[lr_idx(l, 0)])) {
		l->n = 0;
	}
	l->last_adj = m->freq_ppb; /* what ran since the newest point */
	if (l->n) {
		/* move y to C(now) = 0, then score each window's prediction */
		x = (double)(m->local - l->t[lr_idx(l, 0)]) * 1e-9;
		for (k = 0; k < l->n; k++) {
			l->y[lr_idx(l, k)] += l->last_adj * x;
		}
		for (i = 0; i < LR_SIZES && (4 << i) <= l->n; i++) {
			double e;
			lr_fit(l, 4 << i, &a, &b);
			e = (double)m->offset - (a + b * x);
			if (l->nerr[i] < LR_ERR_N) {
				l->nerr[i]++;
			}
			l->mse[i] += (e * e - l->mse[i]) / l->nerr[i];
		}
	}
	l->t[l->head] = m->local;
	l->y[l->head] = (double)m->offset;
	l->head = (l->head + 1) & (LR_MAX - 1);
	if (l->n < LR_MAX) {
		l->n++;
	}

	for (i = 0; i < LR_SIZES; i++) {
		if (l->nerr[i] && (best < 0 || l->mse[i] <= l->mse[best])) {
			best = i;
		}
	}
	if (best >= 0 ? (4 << best) <= l->n : l->n >= 2) {
		lr_fit(l, best >= 0 ? 4 << best : l->n, &a, &b);
		l->freq = b;
		l->have_freq = 1;
	} else if (l->have_freq) {
		/* the chosen window is not full again: hold the slope */
		b = l->freq;
		a = 0;
		for (k = 0; k < l->n; k++) {
			a += l->y[lr_idx(l, k)] - b * lr_x(l, k, m->local);
		}
		a /= l->n;
	} else {
		out->adj_ppb = l->last_adj;
		return SERVO_UNLOCKED;
	}
	out->offset_ns = a;
	if (servo_step_due(s, a)) {
		out->step_ns = servo_step_ns(a); /* saturated: a may exceed int64 */
		out->adj_ppb = l->last_adj = servo_clamp(s, -b);
		l->n = 0;
		return SERVO_JUMP;
	}
	out->adj_ppb = l->last_adj = servo_clamp(s, -b - a / (LR_TAU * l->interval));
	return SERVO_LOCKED;
}

static void lr_sync_interval(struct servo *s, double interval_s)
{
	container_of(s, struct lr, servo)->interval = interval_s > 0 ? interval_s : 1.0;
}

static double lr_holdover_ppb(struct servo *s)
{
	return servo_clamp(s, -container_of(s, struct lr, servo)->freq);
}

static void lr_reset(struct servo *s)
{
	container_of(s, struct lr, servo)->n = 0;
}

static void lr_destroy(struct servo *s)
{
	free(container_of(s, struct lr, servo));
}

static const struct servo_ops lr_ops = {
	lr_sample,
	NULL,
	lr_sync_interval,
	lr_holdover_ppb,
	NULL,
	lr_reset,
	lr_destroy,
	NULL,
};

/* freq_ppb: the clock's frequency adjustment now; held until two samples
 * give a frequency.  NULL when out of memory. */
struct servo *servo_linreg_create(const struct servo_common_cfg *c, double freq_ppb)
{
	struct lr *l = calloc(1, sizeof(*l));

	if (!l) {
		return NULL;
	}
	servo_init(&l->servo, &lr_ops, c);
	l->freq = -freq_ppb;
	l->last_adj = freq_ppb;
	l->interval = 1.0;
	return &l->servo;
}
