/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Clock servos behind one ops interface.  Input: offsetFromMaster in ns
 * (positive = local clock ahead of the master) and the local time of the
 * measurement in ns.  Output: the frequency adjustment to apply, ppb
 * (positive = make the clock run faster), and whether to step the clock.
 */
#ifndef PTPBOX_SERVO_H
#define PTPBOX_SERVO_H

#include "tmv.h"

/* Printed as s0, s1, s2 in the servo line (linuxptp convention). */
enum servo_state {
	SERVO_UNLOCKED = 0, /* collecting samples */
	SERVO_JUMP = 1,	    /* step the clock by -offset now */
	SERVO_LOCKED = 2,   /* tracking */
};

struct servo;

struct servo_ops {
	/* Feed one sample; *adj_ppb gets the frequency to set. */
	enum servo_state (*sample)(struct servo *s, tmv_t offset_ns, tmv_t local_ns,
				   double *adj_ppb);
	/* Mean interval between samples, s (sets the loop gains). */
	void (*sync_interval)(struct servo *s, double interval_s);
	/* Frequency to hold when samples stop (holdover, a master switch):
	 * the servo's estimate of the clock's frequency error, ppb, without
	 * the proportional reaction to the last (noisy) offset. */
	double (*holdover_ppb)(struct servo *s);
	void (*destroy)(struct servo *s);
};

struct servo {
	const struct servo_ops *ops;
};

/* PI servo configuration; gains follow kp = min(kp_scale * T^kp_exponent,
 * kp_norm_max / T) and the same for ki, unless the *_const values are set
 * (non-zero).  Thresholds in ns (0 = never); max_ppb clamps the output. */
struct servo_pi_cfg {
	double kp_const, ki_const;
	double kp_scale, kp_exponent, kp_norm_max;
	double ki_scale, ki_exponent, ki_norm_max;
	double step_threshold_ns;	/* step when locked and |offset| above */
	double first_step_threshold_ns; /* step on the first lock when above */
	double max_ppb;
};

/* freq_ppb: the clock's frequency adjustment now (start value of the
 * integrator).  NULL when out of memory. */
struct servo *servo_pi_create(const struct servo_pi_cfg *cfg, double freq_ppb);

static inline enum servo_state servo_sample(struct servo *s, tmv_t offset_ns, tmv_t local_ns,
					    double *adj_ppb)
{
	return s->ops->sample(s, offset_ns, local_ns, adj_ppb);
}

static inline void servo_sync_interval(struct servo *s, double interval_s)
{
	s->ops->sync_interval(s, interval_s);
}

static inline double servo_holdover_ppb(struct servo *s)
{
	return s->ops->holdover_ppb(s);
}

static inline void servo_destroy(struct servo *s)
{
	if (s) {
		s->ops->destroy(s);
	}
}

struct clk;
struct config;
/* The servo the configuration names for clock: a PI servo with the pi_*
 * gains (0 = defaults), step_threshold and first_step_threshold (s) and
 * max_frequency (ppb, capped at the clock's max_adj_ppb).  NULL when out of
 * memory. */
struct servo *servo_from_config(const struct config *cfg, const struct clk *clock);

#endif
