/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sys_sync: the system clock kept on the PHC (phc2sys's job) in the oc and
 * the gm.  The engine is core/sysync.c; this adapter opens the system
 * clock (CLOCK_REALTIME, or a soft clock in its place with sys_clock soft),
 * reads the PHC against it (hw/ clk_phc_sysoff: PTP_SYS_OFFSET_PRECISE,
 * _EXTENDED or the basic one) every 1 / sys_sync_rate s and hands the best
 * reading to the engine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/stats.h"
#include "../core/sysync.h"
#include "../core/util.h"
#include "../hw/log.h"
#include "applet.h"

#define SYSOFF_MAX 25 /* PTP_MAX_SAMPLES */

struct port_sys {
	struct clk *clk; /* CLOCK_REALTIME or soft */
	struct sysync *sy;
	enum sysoff_method method;
	int n;		    /* readings per measurement */
	int said;	    /* the method was logged (+1: which one) */
	tmv_t interval;	    /* ns */
	tmv_t next;	    /* monotonic ns: the next measurement */
	uint64_t samples;   /* measurements made */
	struct sysync_result last; /* of the last one */
	uint64_t errors;    /* readings that failed */
	tmv_t err_said;	    /* monotonic ns: the last error logged */
	tmv_t sum_period;   /* summary_interval, ns; 0: a line per measurement */
	tmv_t next_sum;	    /* monotonic ns: the next summary line */
	struct sum_acc sum; /* of this summary interval */
};

/* One measurement: 0, or -errno of the reading or of the clock.  say: log
 * the soft system clock's truth (each measurement, or with each summary). */
static int measure(struct port_setup *ps, const struct time_properties_ds *tp, tmv_t *leap_in,
		   int say)
{
	struct port_sys *s = ps->sys;
	struct sysoff_sample smp[SYSOFF_MAX];
	struct sysync_result r;
	tmv_t sys, phc, delay, off;
	double ppb;
	char line[128];
	int i, n, rc;

	if (say && !clk_soft_true_error(s->clk, &off, &ppb)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		pr_info("system clock (soft) true time error %+lld ns frequency error %+.1f ppb at "
			"%lld",
			(long long)off, ppb, (long long)timespec_to_tmv(ts));
	}
	n = clk_phc_sysoff(ps->clock, &s->method, smp, s->n);
	if (n < 0) {
		return n;
	}
	if (s->said != (int)s->method + 1) {
		s->said = (int)s->method + 1;
		pr_notice("sys_sync: %s kept on the PHC, the best of %d readings of %s every "
			  "%.3f s",
			  strcmp(s->clk->ops->name, "soft") ? "CLOCK_REALTIME"
							    : "the soft system clock",
			  s->n, sysoff_method_name(s->method), (double)s->interval / 1e9);
	}
	/* the kernel read CLOCK_REALTIME: to the system clock's own scale
	 * (the identity but for a soft clock) */
	for (i = 0; i < n; i++) {
		smp[i].sys_before = clk_from_raw(s->clk, smp[i].sys_before);
		smp[i].sys_after = clk_from_raw(s->clk, smp[i].sys_after);
	}
	if ((rc = sysoff_best(smp, n, &sys, &phc, &delay))) {
		return rc;
	}
	if ((rc = sysync_sample(s->sy, sys, phc, delay, tp, &r))) {
		return rc;
	}
	s->samples++;
	s->last = r;
	sysync_line(&r, line, sizeof(line));
	if (r.leap_step) {
		pr_notice("%s", line);
	} else if (s->sum_period) {
		/* phc2sys -u: a summary line per summary_interval */
		sum_add(&s->sum, (double)r.offset_ns, r.freq_ppb, (double)r.delay_ns);
	} else {
		pr_info("%s", line);
	}
	if (r.tai) {
		pr_notice("sys_sync: kernel TAI offset %d s: %s", r.tai,
			  r.tai_rc ? strerror(-r.tai_rc) : "set");
	}
	*leap_in = r.leap_in;
	return 0;
}

int port_sys_open(struct port_setup *ps, char *err, size_t errlen)
{
	const struct config *cfg = ps->cfg;
	struct sysoff_sample smp[1];
	struct sysync_cfg sc;
	struct port_sys *s;
	int n;

	ps->sys = NULL;
	if (!cfg_int(cfg, OPT_sys_sync) || strcmp(ps->clock->ops->name, "phc") ||
	    cfg_int(cfg, OPT_free_running)) {
		return 0; /* off, the clock is the system clock already, or no
			   * clock may be touched */
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ps->sys = s;
	s->method = SYSOFF_PRECISE;
	s->n = cfg_int(cfg, OPT_sys_sync_samples);
	s->interval = (tmv_t)(1e9 / cfg_dbl(cfg, OPT_sys_sync_rate));
	s->sum_period = log2_interval_ns(cfg_int(cfg, OPT_summary_interval));
	if (s->sum_period <= s->interval) {
		s->sum_period = 0;
	}
	/* a reading now: which method the driver offers, and that it works */
	n = clk_phc_sysoff(ps->clock, &s->method, smp, 1);
	if (n < 0) {
		snprintf(err, errlen,
			 "sys_sync: the PHC cannot be read against CLOCK_REALTIME "
			 "(PTP_SYS_OFFSET*): %s (set sys_sync 0)",
			 strerror(-n));
		return n;
	}
	s->clk = cfg_int(cfg, OPT_sys_clock) ? clk_soft_create(cfg_ll(cfg, OPT_soft_offset_ns),
							 cfg_dbl(cfg, OPT_soft_freq_ppb))
				       : clk_sys_create();
	if (!s->clk) {
		snprintf(err, errlen, "sys_sync: the system clock: %s", strerror(errno ? errno : ENOMEM));
		return -ENOMEM;
	}
	memset(&sc, 0, sizeof(sc));
	sc.interval_s = (double)s->interval / 1e9;
	sc.servo.step_threshold_ns = cfg_dbl(cfg, OPT_step_threshold) * 1e9;
	sc.servo.first_step_threshold_ns = cfg_dbl(cfg, OPT_first_step_threshold) * 1e9;
	sc.servo.max_ppb = s->clk->max_adj_ppb;
	sc.set_tai = clk_sys_set_tai;
	s->sy = sysync_create(&sc, s->clk);
	if (!s->sy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

tmv_t port_sys_tick(struct port_setup *ps, tmv_t now, const struct time_properties_ds *tp,
		    int ready)
{
	struct port_sys *s = ps->sys;
	tmv_t leap_in = 0;
	int rc, say;

	if (!s) {
		return INT64_MAX;
	}
	if (now < s->next) {
		return s->next;
	}
	s->next += s->interval;
	if (s->next <= now) {
		s->next = now + s->interval;
	}
	if (!ready) {
		return s->next;
	}
	/* (half an interval early: the ticks come a little late) */
	say = !s->sum_period || now + s->interval / 2 >= s->next_sum;
	rc = measure(ps, tp, &leap_in, say);
	if (s->sum_period && say) {
		char line[96];
		if (sum_line(&s->sum, line, sizeof(line))) {
			pr_info("CLOCK_REALTIME %s", line);
		}
		s->next_sum = now + s->sum_period;
	}
	if (rc) {
		s->errors++;
		if (!s->err_said || now - s->err_said >= 10 * NS_PER_SEC) {
			s->err_said = now;
			pr_err("sys_sync: %s (%llu failures so far)", strerror(-rc),
			       (unsigned long long)s->errors);
		}
	} else if (leap_in && leap_in < s->next - now) {
		/* the leap second's step is due just after it, not up to an
		 * interval later */
		s->next = now + leap_in + NS_PER_SEC / 1000;
	}
	return s->next;
}

void port_sys_metrics(struct port_setup *ps, struct metrics_out *m, const char *role)
{
	struct port_sys *s = ps->sys;
	if (s) {
		metrics_sys(m, role, s->samples ? &s->last : NULL, s->samples, s->errors);
	}
}

void port_sys_close(struct port_setup *ps)
{
	struct port_sys *s = ps->sys;
	if (!s) {
		return;
	}
	pr_notice("sys_sync: %llu measurements, %llu failed", (unsigned long long)s->samples,
		  (unsigned long long)s->errors);
	sysync_destroy(s->sy);
	clk_destroy(s->clk);
	free(s);
	ps->sys = NULL;
}
