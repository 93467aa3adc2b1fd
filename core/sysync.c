/* SPDX-License-Identifier: BSD-2-Clause */
/* The system clock from the PHC.  See sysync.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sysync.h"

struct sysync {
	struct clk *sys;
	struct servo *servo;
	int have_utc;
	int utc_offset; /* s, of the last measurement */
	int tai;	/* s, last given to set_tai; 0: none */
	int (*set_tai)(int);
	struct sysync_leap leap;
};

#define DAY_NS (86400 * NS_PER_SEC)

int sysync_utc_offset(const struct time_properties_ds *tp, tmv_t ptp_ns, struct sysync_leap *l)
{
	int off, dir;
	tmv_t utc, tod;

	if (!tp || !tp->ptpTimescale) {
		l->at = 0;
		return 0;
	}
	off = tp->currentUtcOffset;
	dir = tp->leap61 ? 1 : tp->leap59 ? -1 : 0;
	if (!dir) {
		l->at = 0;
		return off;
	}
	if (!l->at) {
		utc = ptp_ns - (tmv_t)off * NS_PER_SEC;
		tod = utc % DAY_NS;
		if (tod < 0) {
			tod += DAY_NS;
		}
		/* seen in the last 12 hours of the UTC day: its end.  The
		 * system clock repeats 23:59:59 from TAI midnight + off
		 * (leap61), or skips it from a second earlier (leap59) */
		if (tod >= DAY_NS / 2) {
			l->at = utc - tod + DAY_NS + (tmv_t)off * NS_PER_SEC -
				(dir < 0 ? NS_PER_SEC : 0);
			l->base = off;
		}
	}
	/* once the master's offset has changed, it is the one in force */
	return l->at && off == l->base && ptp_ns >= l->at ? off + dir : off;
}

int sysoff_best(const struct sysoff_sample *s, int n, tmv_t *sys_ns, tmv_t *phc_ns,
		tmv_t *delay_ns)
{
	int i, best = -1;
	tmv_t w = 0;

	for (i = 0; i < n; i++) {
		tmv_t d = s[i].sys_after - s[i].sys_before;
		if (d >= 0 && (best < 0 || d < w)) {
			best = i;
			w = d;
		}
	}
	if (best < 0) {
		return -EINVAL;
	}
	/* the middle without overflow: before + window / 2 */
	*sys_ns = s[best].sys_before + w / 2;
	*phc_ns = s[best].phc;
	*delay_ns = w;
	return 0;
}

struct sysync *sysync_create(const struct sysync_cfg *cfg, struct clk *sys)
{
	struct sysync *s = calloc(1, sizeof(*s));
	/* linuxptp's PI gains for hardware (phc2sys uses the same):
	 * kp = min(0.7 T^-0.3, 0.7 / T), ki = min(0.3 T^0.4, 0.3 / T) */
	struct servo_pi_cfg pi = { 0, 0, 0.7, -0.3, 0.7, 0.3, 0.4, 0.3 };

	if (!s) {
		return NULL;
	}
	s->sys = sys;
	s->set_tai = cfg->set_tai;
	s->servo = servo_pi_create(&pi, &cfg->servo, sys->freq_ppb);
	if (!s->servo) {
		free(s);
		return NULL;
	}
	servo_sync_interval(s->servo, cfg->interval_s > 0 ? cfg->interval_s : 1.0);
	return s;
}

void sysync_destroy(struct sysync *s)
{
	if (s) {
		servo_destroy(s->servo);
		free(s);
	}
}

int sysync_sample(struct sysync *s, tmv_t sys_ns, tmv_t phc_ns, tmv_t delay_ns,
		  const struct time_properties_ds *tp, struct sysync_result *r)
{
	struct servo_meas m;
	struct servo_out out;
	int rc, utc_offset_s = sysync_utc_offset(tp, phc_ns, &s->leap);

	r->state = SERVO_UNLOCKED;
	r->delay_ns = delay_ns;
	r->leap_step = 0;
	r->utc_offset = utc_offset_s;
	r->leap_in = s->leap.at > phc_ns ? s->leap.at - phc_ns : 0;
	r->tai = 0;
	if (s->set_tai && tp && tp->currentUtcOffsetValid && utc_offset_s &&
	    utc_offset_s != s->tai) {
		r->tai = s->tai = utc_offset_s;
		r->tai_rc = s->set_tai(utc_offset_s);
	}
	/* UTC = TAI - currentUtcOffset: a change (leap second) is a step of
	 * the system clock by the change, now; this reading is stale */
	if (s->have_utc && utc_offset_s != s->utc_offset) {
		r->leap_step = (tmv_t)(s->utc_offset - utc_offset_s) * NS_PER_SEC;
		s->utc_offset = utc_offset_s;
		r->offset_ns = 0;
		r->freq_ppb = s->sys->freq_ppb;
		return clk_step(s->sys, r->leap_step);
	}
	s->have_utc = 1;
	s->utc_offset = utc_offset_s;
	r->offset_ns = sys_ns - (phc_ns - (tmv_t)utc_offset_s * NS_PER_SEC);
	m.local = sys_ns;
	m.offset = r->offset_ns;
	m.ms = 0;
	m.ms_valid = 0;
	m.freq_ppb = s->sys->freq_ppb;
	r->state = servo_sample(s->servo, &m, &out);
	if (r->state == SERVO_JUMP && (rc = clk_step(s->sys, out.step_ns))) {
		return rc;
	}
	if ((rc = clk_adjfreq(s->sys, out.adj_ppb))) {
		return rc;
	}
	r->freq_ppb = out.adj_ppb;
	return 0;
}

void sysync_line(const struct sysync_result *r, char *buf, size_t len)
{
	if (r->leap_step) {
		snprintf(buf, len, "CLOCK_REALTIME stepped %+lld s: currentUtcOffset %d in force",
			 (long long)(r->leap_step / NS_PER_SEC), r->utc_offset);
		return;
	}
	snprintf(buf, len, "CLOCK_REALTIME phc offset %9lld s%d freq %+7.0f delay %6lld",
		 (long long)r->offset_ns, (int)r->state, r->freq_ppb, (long long)r->delay_ns);
}
