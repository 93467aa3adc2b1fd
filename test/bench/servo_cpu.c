/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark driver (test/bench/servo.sh builds and runs it): CPU time per
 * sample of each servo (core/servo*.c) in a synthetic world, as in
 * test/unit/test_servo_env.c's simulate(): a clock 1e5 ns and 1000 ppb off,
 * steered by the servo; each interval one Delay_Req (servo_delay) and, half
 * an interval later, one Sync (servo_sample), each way 1000 ns plus
 * 200 ns x Exp(1) of delay.  Intervals 1 s and 1/8 s.  After a warm-up (the
 * first step, the envelope's window full) SAMPLES samples are timed with
 * CLOCK_PROCESS_CPUTIME_ID; the same loop without a servo (the world's own
 * cost: random numbers, rounding) is timed too (least of 3) and subtracted.
 *
 * Usage: servo_cpu [SAMPLES [SERVO INTERVAL_S]]   (default 200000)
 * With SERVO (pi, linreg, envelope or none: the world alone) and INTERVAL_S
 * only that one, without the world-alone runs (WORLD_NS 0): for counting
 * its instructions from outside (test/bench/servo.sh, perf stat).
 * Output, one line per servo and interval:
 *   SERVO INTERVAL_S NET_NS GROSS_NS WORLD_NS RMS_TE_NS
 * NET_NS = GROSS_NS - WORLD_NS: ns of CPU per servo_delay + servo_sample;
 * RMS_TE_NS: the world's true offset over the timed samples (a check that
 * the servo was tracking, not an accuracy figure).  Prints figures only.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/servo.h"

#define WARMUP 4096 /* samples: > ENV_MAX (256) points, the step long past */
#define BASE_NS 1800000000000000000LL /* true time at the start, ns (TAI) */

struct world {
	int64_t now;  /* true time, ns since BASE_NS */
	double x;     /* true offset of the clock, ns (positive: ahead) */
	double f_osc; /* oscillator frequency error, ppb */
	double adj;   /* adjustment in effect, ppb */
	uint64_t rng;
	double sum2;
	long n;
};

static double uni(struct world *w)
{
	w->rng = w->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((double)(w->rng >> 11) + 0.5) / 9007199254740992.0;
}

static double delay(struct world *w)
{
	return 1000 - 200 * log(uni(w));
}

static void run_for(struct world *w, int64_t dt_ns)
{
	w->x += (w->f_osc + w->adj) * (double)dt_ns * 1e-9;
	w->now += dt_ns;
}

static tmv_t local(const struct world *w)
{
	return (tmv_t)(BASE_NS + w->now) + (tmv_t)llround(w->x);
}

static volatile tmv_t sink;

/* n intervals of T_ns; s NULL: the world alone (adjustment fixed). */
static void run(struct world *w, struct servo *s, int64_t T_ns, long n, int stats)
{
	long k;

	for (k = 0; k < n; k++) {
		struct servo_meas m;
		struct servo_out out;
		double dms = delay(w), dsm = delay(w);
		tmv_t t3 = local(w), sm = (tmv_t)llround(dsm - w->x);

		if (s) {
			servo_delay(s, t3, sm);
		} else {
			sink = t3 + sm;
		}
		run_for(w, T_ns / 2);
		memset(&m, 0, sizeof(m));
		m.local = local(w);
		m.ms = (tmv_t)llround(dms + w->x);
		m.ms_valid = 1;
		/* offsetFromMaster as from a converged path delay filter */
		m.offset = m.ms - 1200;
		m.freq_ppb = w->adj;
		if (s) {
			if (servo_sample(s, &m, &out) == SERVO_JUMP) {
				w->x += (double)out.step_ns;
			}
			w->adj = out.adj_ppb;
		} else {
			sink = m.local + m.ms + m.offset;
		}
		if (stats) {
			w->sum2 += w->x * w->x;
			w->n++;
		}
		run_for(w, T_ns - T_ns / 2);
	}
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct servo *make(const char *name)
{
	/* ref-oc.cfg's thresholds: step once above 20 us at start-up */
	struct servo_common_cfg cc = { 0, 20000, 900000000, 0, 0 };
	/* linuxptp's hardware gains (the defaults) */
	struct servo_pi_cfg pc = { 0, 0, 0.7, -0.3, 0.7, 0.3, 0.4, 0.3 };

	if (strcmp(name, "pi") == 0) {
		return servo_pi_create(&pc, &cc, 0);
	}
	if (strcmp(name, "linreg") == 0) {
		return servo_linreg_create(&cc, 0);
	}
	return servo_env_create(&cc, 0, 1.0);
}

static struct world new_world(void)
{
	struct world w;

	memset(&w, 0, sizeof(w));
	w.x = 1e5;
	w.f_osc = 1000;
	w.rng = 1;
	return w;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "pi", "linreg", "envelope" };
	static const int64_t intervals[] = { 1000000000, 125000000 };
	long samples = argc > 1 ? atol(argv[1]) : 200000;
	size_t i, j;

	if (samples <= 0 || argc == 3 || argc > 4) {
		fprintf(stderr, "usage: servo_cpu [SAMPLES [SERVO INTERVAL_S]]\n");
		return 2;
	}
	if (argc == 4) {
		int64_t T = (int64_t)(atof(argv[3]) * 1e9 + 0.5);
		struct servo *s = strcmp(argv[2], "none") ? make(argv[2]) : NULL;
		struct world w = new_world();
		double t0, net;

		if (T <= 0 || (strcmp(argv[2], "none") && !s)) {
			fprintf(stderr, "servo_cpu: bad interval or out of memory\n");
			return 2;
		}
		if (s) {
			servo_sync_interval(s, (double)T * 1e-9);
		} else {
			w.adj = -w.f_osc;
		}
		run(&w, s, T, WARMUP, 0);
		t0 = cpu_ns();
		run(&w, s, T, samples, 1);
		net = (cpu_ns() - t0) / (double)samples;
		printf("%s %g %.1f %.1f %.1f %.1f\n", argv[2], (double)T * 1e-9, net, net, 0.0,
		       sqrt(w.sum2 / (double)w.n));
		if (s) {
			servo_destroy(s);
		}
		return 0;
	}
	for (j = 0; j < sizeof(intervals) / sizeof(intervals[0]); j++) {
		int64_t T = intervals[j];
		struct world w = new_world();
		double t0, world_ns;

		/* the world alone: the loop's cost without a servo (the least
		 * of 3 runs: it is small, and subtracted) */
		w.adj = -w.f_osc;
		run(&w, NULL, T, WARMUP, 0);
		world_ns = HUGE_VAL;
		for (i = 0; i < 3; i++) {
			t0 = cpu_ns();
			run(&w, NULL, T, samples, 0);
			world_ns = fmin(world_ns, (cpu_ns() - t0) / (double)samples);
		}

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			struct servo *s = make(names[i]);
			double gross;

			if (!s) {
				fprintf(stderr, "servo_cpu: %s: out of memory\n", names[i]);
				return 1;
			}
			w = new_world();
			servo_sync_interval(s, (double)T * 1e-9);
			run(&w, s, T, WARMUP, 0);
			t0 = cpu_ns();
			run(&w, s, T, samples, 1);
			gross = (cpu_ns() - t0) / (double)samples;
			printf("%s %g %.1f %.1f %.1f %.1f\n", names[i], (double)T * 1e-9,
			       gross - world_ns, gross, world_ns, sqrt(w.sum2 / (double)w.n));
			servo_destroy(s);
		}
	}
	return 0;
}
