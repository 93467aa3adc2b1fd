/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Clock servos behind one ops interface (clock_servo pi | linreg | envelope).
 *
 * Input per Sync: the local receive time t2 and offsetFromMaster (ns,
 * positive = local clock ahead of the master, from the path delay filter),
 * and for servos that use the two directions separately the raw
 * master-to-slave measurement; per Delay_Req the raw slave-to-master one.
 * Output: the frequency adjustment to apply, ppb (positive = make the
 * clock run faster, absolute), whether to step the clock and by how much.
 */
#ifndef PTPBOX_SERVO_H
#define PTPBOX_SERVO_H

#include "tmv.h"

/* Printed as s0..s3 in the servo line (linuxptp convention). */
enum servo_state {
	SERVO_UNLOCKED = 0,	 /* collecting samples */
	SERVO_JUMP = 1,		 /* step the clock by step_ns now */
	SERVO_LOCKED = 2,	 /* tracking */
	SERVO_LOCKED_STABLE = 3, /* tracking, the last servo_num_offset_values
				  * offsets within servo_offset_threshold */
};

/* One Sync measurement (IEEE 1588-2019 11.3).  All ns, local clock. */
struct servo_meas {
	tmv_t local;  /* t2 */
	tmv_t offset; /* offsetFromMaster = ms - meanPathDelay */
	/* t2 - t1 - cSync - delayAsymmetry: master-to-slave delay plus the
	 * offset; 0 with ms_valid 0 for a one-way phase input (a PPS edge) */
	tmv_t ms;
	int ms_valid;
	/* the clock's frequency adjustment now, ppb: when it is not what the
	 * servo last returned, someone else set it (holdover) at an unknown
	 * time, and the servo forgets its measurements */
	double freq_ppb;
};

struct servo_out {
	double adj_ppb; /* frequency adjustment to set now, ppb */
	tmv_t step_ns;	/* SERVO_JUMP: add this to the clock (ns) */
	double offset_ns; /* the servo's estimate of the offset now, ns (the
			   * measured offset for servos without an estimator) */
};

struct servo;

/* What a servo believes (servo_info; the envelope servo's, zeros for the
 * others): for the debug log line, the metrics and SERVO_STATE_NP. */
struct servo_info {
	double wander;	   /* ppb/sqrt(s): the frequency random walk the window is sized for */
	double wander_est; /* ppb/sqrt(s): the online estimate (0: none yet) */
	double window_s;   /* s: the window */
	double beta_ns;	   /* ns: the delay's spread above the floor */
	double shape;	   /* the delay's shape: sd / mean above the floor (~1 exponential, a
			    * sharp floor; Gamma(8) ~0.55, a soft one) */
	double predicted_ns; /* ns: the rms error the window should give */
	int estimator;	   /* 0 minimum-delay envelope, 1 mean (least squares) */
};

struct servo_ops {
	/* Feed one Sync measurement; fills *out.  Returns the state. */
	enum servo_state (*sample)(struct servo *s, const struct servo_meas *m,
				   struct servo_out *out);
	/* One Delay_Req measurement: t3 (local ns) and sm = t4 - t3 - cResp +
	 * delayAsymmetry, the slave-to-master delay minus the offset (ns).
	 * NULL: the servo only uses offsetFromMaster. */
	void (*delay)(struct servo *s, tmv_t t3, tmv_t sm);
	/* Mean interval between samples, s (sets gains and windows). */
	void (*sync_interval)(struct servo *s, double interval_s);
	/* Frequency to hold when samples stop (holdover, a master switch):
	 * the servo's estimate of the clock's frequency error, ppb, without
	 * the reaction to the last (noisy) offset. */
	double (*holdover_ppb)(struct servo *s);
	/* How that frequency is drifting, ppb/s: hold holdover_ppb +
	 * drift x (time since the last sample).  NULL: no drift estimate. */
	double (*holdover_drift)(struct servo *s);
	/* Forget the measurements (new master, clock stepped); keep the
	 * frequency estimate and the lock. */
	void (*reset)(struct servo *s);
	void (*destroy)(struct servo *s);
	/* What the servo believes now; NULL: nothing to tell. */
	void (*info)(struct servo *s, struct servo_info *i);
};

/* What every servo shares (set by servo_init / servo_from_config). */
struct servo {
	const struct servo_ops *ops;
	double step_threshold_ns;	/* step when locked and |offset| above; 0 never */
	double first_step_threshold_ns; /* step on the first lock when above; 0 never */
	double max_ppb;			/* |adjustment| clamp */
	double stable_threshold_ns;	/* servo_offset_threshold; 0 = no s3 */
	int stable_n, stable_count;	/* servo_num_offset_values */
	int locked_once;
};

/* Thresholds and clamp that every servo takes; ns and ppb, 0 = off. */
struct servo_common_cfg {
	double step_threshold_ns, first_step_threshold_ns, max_ppb;
	double stable_threshold_ns;
	int stable_n;
};

void servo_init(struct servo *s, const struct servo_ops *ops, const struct servo_common_cfg *c);

/* 1 when an estimated offset of offset_ns must be stepped now (before the
 * first lock: above first_step_threshold; after: above step_threshold).
 * Marks the first lock as taken. */
int servo_step_due(struct servo *s, double offset_ns);

/* |v| clamped to the servo's max_ppb. */
double servo_clamp(const struct servo *s, double v);

/* The step that removes an estimated offset of offset_ns: -offset_ns
 * rounded, saturated at +/-INT64_MAX (0 for a NaN). */
tmv_t servo_step_ns(double offset_ns);

/* PI servo; gains kp = min(kp_scale * T^kp_exponent, kp_norm_max / T) and
 * the same for ki (T = sync interval, s) unless the *_const values are set
 * (non-zero).  linuxptp's pi_* keys. */
struct servo_pi_cfg {
	double kp_const, ki_const;
	double kp_scale, kp_exponent, kp_norm_max;
	double ki_scale, ki_exponent, ki_norm_max;
};

/* freq_ppb: the clock's frequency adjustment now (start value of the
 * integrator).  NULL when out of memory. */
struct servo *servo_pi_create(const struct servo_pi_cfg *cfg, const struct servo_common_cfg *c,
			      double freq_ppb);

/* Least-squares regression servo over an adaptive window of offsets
 * (core/servo_linreg.c).  NULL when out of memory. */
struct servo *servo_linreg_create(const struct servo_common_cfg *c, double freq_ppb);

/* Envelope servo (core/servo_env.c): maximum-likelihood phase and
 * frequency from the minimum-delay envelope of each direction over an
 * adaptive window.  wander: the oscillator's frequency random walk,
 * ppb/sqrt(s), for the window length; 0: estimated from the measurements
 * (servo_wander 0, the default).  NULL when out of memory. */
struct servo *servo_env_create(const struct servo_common_cfg *c, double freq_ppb, double wander);

/* Feed a Sync measurement; applies the step thresholds' lock bookkeeping
 * and the LOCKED_STABLE criterion on top of the servo's state. */
enum servo_state servo_sample(struct servo *s, const struct servo_meas *m, struct servo_out *out);

static inline void servo_delay(struct servo *s, tmv_t t3, tmv_t sm)
{
	if (s->ops->delay) {
		s->ops->delay(s, t3, sm);
	}
}

static inline void servo_sync_interval(struct servo *s, double interval_s)
{
	s->ops->sync_interval(s, interval_s);
}

static inline double servo_holdover_ppb(struct servo *s)
{
	return s->ops->holdover_ppb(s);
}

static inline double servo_holdover_drift(struct servo *s)
{
	return s->ops->holdover_drift ? s->ops->holdover_drift(s) : 0;
}

/* Fills *i (zeros for a servo without an estimate of its world). */
static inline void servo_info(struct servo *s, struct servo_info *i)
{
	*i = (struct servo_info){ 0 };
	if (s->ops->info) {
		s->ops->info(s, i);
	}
}

static inline void servo_reset(struct servo *s)
{
	s->stable_count = 0;
	s->ops->reset(s);
}

static inline void servo_destroy(struct servo *s)
{
	if (s) {
		s->ops->destroy(s);
	}
}

struct clk;
struct config;
/* The servo clock_servo names for clock, with the pi_* gains,
 * step_threshold and first_step_threshold (s), max_frequency (ppb, capped
 * at the clock's max_adj_ppb), servo_offset_threshold (ns) and
 * servo_num_offset_values.  two_way 0: the input is a one-way phase (a PPS
 * edge), where the envelope servo does not apply and pi is used.  NULL
 * when out of memory. */
struct servo *servo_from_config(const struct config *cfg, const struct clk *clock, int two_way);

#endif
