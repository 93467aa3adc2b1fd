/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proportional-integral clock servo.
 *
 * Start-up: two samples give the frequency error, (o2 - o1) / (t2 - t1);
 * the integrator starts there, so a clock that is 10 ppm off is corrected in
 * one step instead of being pulled in slowly.  If the phase error is then
 * above first_step_threshold the clock is stepped (state s1); afterwards the
 * PI loop runs (s2):
 *     integrator -= ki * offset
 *     adjustment  = integrator - kp * offset        (ppb; offset in ns)
 * Gains are per second of sample interval, see servo.h.
 *
 * Holdover: the frequency to hold when samples stop is the mean of the
 * adjustments applied while locked, an exponential average over
 * PI_HOLDOVER_TAU of servo time.  The integrator alone moves by ki times
 * every sample's noise (tens of ppb at 16 samples/s with 200 ns of delay
 * noise: 1000 s of holdover on it drifted up to 110 us in the simulator);
 * while locked the phase is bounded, so the mean adjustment is the clock's
 * frequency error to within (phase change) / tau.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "servo.h"
#include "util.h"


struct pi {
	struct servo servo;
	struct servo_pi_cfg cfg;
	double kp, ki;
	double integrator; /* ppb */
	int count;
	tmv_t offset1, local1;
	double interval;     /* s between samples */
	double freq_mean;    /* ppb: mean adjustment while locked */
	tmv_t mean_local;    /* local time of the last averaged sample, ns */
	int have_mean;
};

#define PI_HOLDOVER_TAU 60.0 /* s */

/* The step that removes offset: -offset, where -INT64_MIN (an offset from
 * forged timestamps) would overflow. */
static tmv_t pi_step(tmv_t offset)
{
	return offset == INT64_MIN ? INT64_MAX : -offset;
}

static enum servo_state pi_sample(struct servo *s, const struct servo_meas *m,
				  struct servo_out *out)
{
	struct pi *p = container_of(s, struct pi, servo);
	tmv_t offset = m->offset, local = m->local;
	double off = (double)offset;
	double *adj = &out->adj_ppb;

	switch (p->count) {
	case 0:
		p->offset1 = offset;
		p->local1 = local;
		p->count = 1;
		*adj = p->integrator;
		return SERVO_UNLOCKED;
	case 1:
		if (local <= p->local1) {
			p->count = 0;
			*adj = p->integrator;
			return SERVO_UNLOCKED;
		}
		/* offset grows when the clock is fast: slow it down */
		/* in double: two arbitrary offsets' difference overflows int64 */
		p->integrator -= ((double)offset - (double)p->offset1) * 1e9 /
				 (double)(local - p->local1);
		p->integrator = servo_clamp(s, p->integrator);
		p->count = 2;
		*adj = p->integrator;
		if (servo_step_due(s, off)) {
			out->step_ns = pi_step(offset);
			return SERVO_JUMP;
		}
		break;
	default:
		if (servo_step_due(s, off)) {
			*adj = p->integrator;
			out->step_ns = pi_step(offset);
			return SERVO_JUMP;
		}
		break;
	}
	p->integrator = servo_clamp(s, p->integrator - p->ki * off);
	*adj = servo_clamp(s, p->integrator - p->kp * off);
	if (!p->have_mean) {
		p->freq_mean = p->integrator;
		p->have_mean = 1;
	} else {
		/* weight by the time the adjustment was applied, at most a few
		 * intervals (a gap is not a reason to forget the mean) */
		double dt = (double)(local - p->mean_local) * 1e-9;
		dt = fmax(0, fmin(dt, 4 * p->interval));
		p->freq_mean += (*adj - p->freq_mean) * fmin(1, dt / PI_HOLDOVER_TAU);
	}
	p->mean_local = local;
	return SERVO_LOCKED;
}

static void pi_sync_interval(struct servo *s, double T)
{
	struct pi *p = container_of(s, struct pi, servo);
	const struct servo_pi_cfg *c = &p->cfg;

	if (T <= 0) {
		T = 1;
	}
	p->interval = T;
	p->kp = c->kp_const > 0 ? c->kp_const
				: fmin(c->kp_scale * pb_pow(T, c->kp_exponent), c->kp_norm_max / T);
	p->ki = c->ki_const > 0 ? c->ki_const
				: fmin(c->ki_scale * pb_pow(T, c->ki_exponent), c->ki_norm_max / T);
}

static double pi_holdover_ppb(struct servo *s)
{
	struct pi *p = container_of(s, struct pi, servo);
	/* the mean of clamped values, but its rounding can pass the bound by
	 * an ulp (found by fuzz_servo) */
	return servo_clamp(s, p->have_mean ? p->freq_mean : p->integrator);
}

static void pi_reset(struct servo *s)
{
	(void)s; /* the PI loop keeps no measurements */
}

static void pi_destroy(struct servo *s)
{
	free(container_of(s, struct pi, servo));
}

static const struct servo_ops pi_ops = {
	pi_sample,
	NULL,
	pi_sync_interval,
	pi_holdover_ppb,
	NULL,
	pi_reset,
	pi_destroy,
	NULL,
};

struct servo *servo_pi_create(const struct servo_pi_cfg *cfg, const struct servo_common_cfg *c,
			      double freq_ppb)
{
	struct pi *p = calloc(1, sizeof(*p));
	if (!p) {
		return NULL;
	}
	servo_init(&p->servo, &pi_ops, c);
	p->cfg = *cfg;
	p->integrator = freq_ppb;
	pi_sync_interval(&p->servo, 1.0);
	return &p->servo;
}
