/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every clock servo shares: step thresholds, the output clamp, the
 * LOCKED_STABLE criterion, and the choice of servo from the configuration.
 */
#include <math.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "servo.h"

void servo_init(struct servo *s, const struct servo_ops *ops, const struct servo_common_cfg *c)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->step_threshold_ns = c->step_threshold_ns;
	s->first_step_threshold_ns = c->first_step_threshold_ns;
	s->max_ppb = c->max_ppb > 0 ? c->max_ppb : 1e9;
	s->stable_threshold_ns = c->stable_threshold_ns;
	s->stable_n = c->stable_n;
}

int servo_step_due(struct servo *s, double offset_ns)
{
	int first = !s->locked_once;

	s->locked_once = 1;
	if (first && s->first_step_threshold_ns > 0 && fabs(offset_ns) > s->first_step_threshold_ns) {
		return 1;
	}
	return s->step_threshold_ns > 0 && fabs(offset_ns) > s->step_threshold_ns;
}

double servo_clamp(const struct servo *s, double v)
{
	return v > s->max_ppb ? s->max_ppb : v < -s->max_ppb ? -s->max_ppb : v;
}

tmv_t servo_step_ns(double offset_ns)
{
	/* an offset from forged or corrupt timestamps can lie beyond tmv_t
	 * (2^63 ns): llround() of it is unspecified (LLONG_MIN on x86-64, a
	 * step the wrong way, and negating it overflows) */
	if (isnan(offset_ns)) {
		return 0;
	}
	if (fabs(offset_ns) >= 9223372036854775808.0) {
		return offset_ns > 0 ? -INT64_MAX : INT64_MAX;
	}
	return -(tmv_t)llround(offset_ns);
}

enum servo_state servo_sample(struct servo *s, const struct servo_meas *m, struct servo_out *out)
{
	enum servo_state st;

	out->adj_ppb = m->freq_ppb;
	out->step_ns = 0;
	out->offset_ns = (double)m->offset;
	st = s->ops->sample(s, m, out);
	if (st != SERVO_LOCKED || s->stable_threshold_ns <= 0) {
		s->stable_count = 0;
		return st;
	}
	/* linuxptp: s3 once servo_num_offset_values offsets in a row are
	 * within servo_offset_threshold */
	if (fabs((double)m->offset) < s->stable_threshold_ns) {
		if (s->stable_count < s->stable_n) {
			s->stable_count++;
		}
	} else {
		s->stable_count = 0;
	}
	return s->stable_count >= s->stable_n ? SERVO_LOCKED_STABLE : SERVO_LOCKED;
}

struct servo *servo_from_config(const struct config *cfg, const struct clk *clock, int two_way)
{
	struct servo_common_cfg cc;
	struct servo_pi_cfg sc;
	int kind = cfg_int(cfg, OPT_clock_servo), sw;

	memset(&cc, 0, sizeof(cc));
	cc.step_threshold_ns = cfg_dbl(cfg, OPT_step_threshold) * 1e9;
	cc.first_step_threshold_ns = cfg_dbl(cfg, OPT_first_step_threshold) * 1e9;
	cc.max_ppb = fmin(cfg_dbl(cfg, OPT_max_frequency), clock->max_adj_ppb);
	cc.stable_threshold_ns = cfg_dbl(cfg, OPT_servo_offset_threshold);
	cc.stable_n = cfg_int(cfg, OPT_servo_num_offset_values);
	if (kind == SERVO_LINREG) {
		return servo_linreg_create(&cc, clock->freq_ppb);
	}
	if (kind == SERVO_ENVELOPE && two_way) {
		return servo_env_create(&cc, clock->freq_ppb, cfg_dbl(cfg, OPT_servo_wander));
	}
	memset(&sc, 0, sizeof(sc));
	sc.kp_const = cfg_dbl(cfg, OPT_pi_proportional_const);
	sc.ki_const = cfg_dbl(cfg, OPT_pi_integral_const);
	/* scales 0: linuxptp's, 0.7 / 0.3 for hardware stamps and 0.1 /
	 * 0.001 for software stamps */
	sw = cfg_int(cfg, OPT_time_stamping) == TS_SOFTWARE;
	sc.kp_scale = cfg_dbl(cfg, OPT_pi_proportional_scale);
	if (sc.kp_scale == 0) {
		sc.kp_scale = sw ? 0.1 : 0.7;
	}
	sc.kp_exponent = cfg_dbl(cfg, OPT_pi_proportional_exponent);
	sc.kp_norm_max = cfg_dbl(cfg, OPT_pi_proportional_norm_max);
	sc.ki_scale = cfg_dbl(cfg, OPT_pi_integral_scale);
	if (sc.ki_scale == 0) {
		sc.ki_scale = sw ? 0.001 : 0.3;
	}
	sc.ki_exponent = cfg_dbl(cfg, OPT_pi_integral_exponent);
	sc.ki_norm_max = cfg_dbl(cfg, OPT_pi_integral_norm_max);
	return servo_pi_create(&sc, &cc, clock->freq_ppb);
}
