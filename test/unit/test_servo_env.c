/* SPDX-License-Identifier: BSD-2-Clause */
/* The envelope servo (core/servo_env.c) on synthetic two-way measurements:
 * a clock with a phase and frequency error, steered by the servo, a Sync
 * and a Delay_Req each interval with a fixed delay plus exponential
 * queueing delay, optional one-sided outliers. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../core/servo.h"
#include "test.h"

struct world {
	double x;     /* true offset of the clock, ns */
	double f_osc; /* oscillator frequency error, ppb */
	double adj;   /* adjustment in effect, ppb */
	double beta;  /* mean queueing delay, ns */
	double outlier_prob, outlier_ns;
	double rw;    /* frequency random walk, ppb/sqrt(s) (0: none) */
	int shape;    /* queueing delay Gamma(shape) of mean beta (0, 1: exponential) */
	uint64_t rng;
	int steps;
	double sum2, max_abs; /* TE statistics from `from` on */
	int n;
	double now; /* true time, s */
};

static double uni(struct world *w)
{
	w->rng = w->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((double)(w->rng >> 11) + 0.5) / 9007199254740992.0;
}

/* N(0, 1), Box-Muller */
static double gauss(struct world *w)
{
	double u = uni(w), v = uni(w);
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static double delay(struct world *w)
{
	double d = 1000;
	int k, n = w->shape > 1 ? w->shape : 1;

	for (k = 0; k < n; k++) { /* Gamma(n): the sum of n exponentials */
		d -= w->beta / n * log(uni(w));
	}
	if (w->outlier_prob > 0 && uni(w) < w->outlier_prob) {
		d += w->outlier_ns;
	}
	return d;
}

/* Advance the world by dt seconds at the current adjustment. */
static void run_for(struct world *w, double dt)
{
	w->x += (w->f_osc + w->adj) * dt;
	w->now += dt;
	if (w->rw > 0) {
		w->f_osc += w->rw * sqrt(dt) * gauss(w);
	}
}

/* seconds of Sync + Delay_Req at interval T; statistics of the true
 * offset at each Sync from `from` s on. */
static void simulate(struct world *w, struct servo *s, double T, double seconds, double from)
{
	double t = 0, start = w->now;
	int k;

	servo_sync_interval(s, T);
	for (k = 0; t < seconds; k++, t = k * T) {
		struct servo_meas m;
		struct servo_out out;
		double dms = delay(w), dsm = delay(w);
		tmv_t local = (tmv_t)llround(w->now * 1e9 + w->x);
		enum servo_state st;

		/* Delay_Req at t, its answer before the Sync at t + T/2 */
		servo_delay(s, local, (tmv_t)llround(dsm - w->x));
		run_for(w, T / 2);
		local = (tmv_t)llround(w->now * 1e9 + w->x);
		m.local = local;
		m.ms = (tmv_t)llround(dms + w->x);
		m.ms_valid = 1;
		m.offset = m.ms - 1000; /* unused by this servo */
		m.freq_ppb = w->adj;
		st = servo_sample(s, &m, &out);
		if (st == SERVO_JUMP) {
			w->x += (double)out.step_ns;
			w->steps++;
		}
		w->adj = out.adj_ppb;
		if (w->now - start >= from) {
			w->sum2 += w->x * w->x;
			w->max_abs = fmax(w->max_abs, fabs(w->x));
			w->n++;
		}
		run_for(w, T / 2);
	}
}

static struct servo *env_new(void)
{
	struct servo_common_cfg cc = { 0, 20000, 900000000, 0, 0 };
	return servo_env_create(&cc, 0, 1);
}

TEST(servo_env_exact_delays_lock_exactly)
{
	struct world w = { .x = 1e8, .f_osc = -50000, .beta = 0, .rng = 1 };
	struct servo *s = env_new();

	simulate(&w, s, 1.0, 300, 100);
	CHECK_EQ(w.steps, 1);
	CHECK(w.max_abs < 1.5); /* integer ns stamps */
	CHECK(fabs(servo_holdover_ppb(s) - 50000) < 0.05);
	servo_destroy(s);
}

/* Exponential delay noise, 200 ns mean: the envelope beats a PI loop fed
 * the same offsets by more than 2x (the PI servo sees offset = ms -
 * mean delay, the path delay filter's best case). */
static double pi_rms(uint64_t seed)
{
	struct servo_pi_cfg pc = { 0, 0, 0.7, -0.3, 0.7, 0.3, 0.4, 0.3 };
	struct servo_common_cfg cc = { 0, 20000, 900000000, 0, 0 };
	struct servo *s = servo_pi_create(&pc, &cc, 0);
	struct world w = { .x = 1e8, .f_osc = -50000, .beta = 200, .rng = seed };
	double t;

	servo_sync_interval(s, 1.0);
	for (t = 0; t < 1000; t += 1) {
		struct servo_meas m;
		struct servo_out out;
		m.local = (tmv_t)llround(w.now * 1e9 + w.x);
		m.offset = (tmv_t)llround(delay(&w) + w.x - 1200);
		m.ms = 0;
		m.ms_valid = 0;
		m.freq_ppb = w.adj;
		if (servo_sample(s, &m, &out) == SERVO_JUMP) {
			w.x += (double)out.step_ns;
		}
		w.adj = out.adj_ppb;
		if (t >= 300) {
			w.sum2 += w.x * w.x;
			w.n++;
		}
		run_for(&w, 1);
	}
	servo_destroy(s);
	return sqrt(w.sum2 / w.n);
}

TEST(servo_env_beats_pi_under_queueing_delay)
{
	uint64_t seed;

	for (seed = 1; seed <= 3; seed++) {
		struct world w = { .x = 1e8, .f_osc = -50000, .beta = 200, .rng = seed };
		struct servo *s = env_new();
		double rms, pi;

		simulate(&w, s, 1.0, 1000, 300);
		rms = sqrt(w.sum2 / w.n);
		pi = pi_rms(seed);
		printf("  seed %d: envelope rms %.1f ns max %.1f ns, pi rms %.1f ns\n", (int)seed, rms,
		       w.max_abs, pi);
		CHECK_EQ(w.steps, 1);
		CHECK(rms < 0.5 * pi);
		CHECK(rms < 25);
		/* no wander here: the held frequency is the oscillator's */
		CHECK(fabs(servo_holdover_ppb(s) - 50000) < 1);
		servo_destroy(s);
	}
}

/* A scheduling outlier only ever adds delay: one in 50 measurements 100 us
 * late moves nothing. */
TEST(servo_env_ignores_late_outliers)
{
	struct world w = { .x = 1e8, .f_osc = 3000, .beta = 200, .outlier_prob = 0.02, .outlier_ns = 100000, .rng = 7 };
	struct servo *s = env_new();

	simulate(&w, s, 0.125, 600, 100);
	CHECK_EQ(w.steps, 1);
	CHECK(w.max_abs < 60);
	servo_destroy(s);
}

/* A point below the envelope (a sender's stamp taken late, a forged
 * originTimestamp 50 us in the future, one in 200) is left out: without
 * that it would be the envelope and hold the phase 25 us off for a window. */
TEST(servo_env_leaves_out_points_below_the_envelope)
{
	struct world w = { .x = 1e8, .f_osc = 3000, .beta = 200, .outlier_prob = 0.005,
			   .outlier_ns = -50000, .rng = 11 };
	struct servo *s = env_new();

	simulate(&w, s, 0.125, 600, 100);
	printf("  max |TE| %.1f ns\n", w.max_abs);
	CHECK_EQ(w.steps, 1);
	CHECK(w.max_abs < 100);
	servo_destroy(s);
}

/* The frequency set by someone else (holdover) at an unknown time: the
 * servo forgets its points, keeps its frequency, does not step. */
TEST(servo_env_external_frequency_and_reset)
{
	struct world w = { .x = 1e8, .f_osc = -20000, .beta = 100, .rng = 3 };
	struct servo *s = env_new();
	double held;

	simulate(&w, s, 1.0, 200, 150);
	CHECK_EQ(w.steps, 1);
	held = servo_holdover_ppb(s);
	CHECK(fabs(held - 20000) < 1);
	/* 30 s of holdover on the held frequency, then samples again */
	w.adj = held;
	run_for(&w, 30);
	servo_reset(s);
	CHECK(fabs(servo_holdover_ppb(s) - held) < 1e-9);
	w.sum2 = w.max_abs = 0;
	w.n = 0;
	simulate(&w, s, 1.0, 200, 0);
	CHECK_EQ(w.steps, 1); /* no second step */
	CHECK(w.max_abs < 100);
	servo_destroy(s);
}

/* servo_wander 0: the wander is estimated from the measurements; a random
 * walk of 1, 10 and 100 ppb/sqrt(s) is recovered within 30 % (two seeds
 * each, 1 and 1/8 s intervals). */
static double wander_of(double rw, double T, uint64_t seed)
{
	struct servo_common_cfg cc = { 0, 20000, 900000000, 0, 0 };
	struct servo *s = servo_env_create(&cc, 0, 0);
	struct world w = { .x = 1e8, .f_osc = -50000, .beta = 200, .rw = rw, .rng = seed };
	struct servo_info i;

	simulate(&w, s, T, 3000, 0);
	servo_info(s, &i);
	servo_destroy(s);
	return i.wander_est;
}

TEST(servo_env_estimates_wander)
{
	static const double rw[] = { 1, 10, 100 };
	int k, seed;

	for (k = 0; k < 3; k++) {
		for (seed = 1; seed <= 2; seed++) {
			double a = wander_of(rw[k], 1.0, seed), b = wander_of(rw[k], 0.125, seed);
			CHECK(a > 0.7 * rw[k] && a < 1.3 * rw[k]);
			CHECK(b > 0.7 * rw[k] && b < 1.3 * rw[k]);
		}
	}
}

/* The delay's shape: exponential queueing keeps the envelope, Gamma(8) of
 * the same mean (several queues in a row, a soft floor) the means; the
 * shape near 1 and near 0.6. */
TEST(servo_env_classifies_delay_shape)
{
	struct servo_common_cfg cc = { 0, 20000, 900000000, 0, 0 };
	int shape, seed;

	for (shape = 1; shape <= 8; shape += 7) {
		for (seed = 1; seed <= 3; seed++) {
			struct servo *s = servo_env_create(&cc, 0, 0);
			struct world w = { .x = 1e8, .f_osc = -50000, .beta = 400, .rw = 1,
					   .shape = shape, .rng = (uint64_t)seed };
			struct servo_info i;

			simulate(&w, s, 0.125, 300, 0);
			servo_info(s, &i);
			CHECK_EQ(i.estimator, shape == 8);
			/* seeds 1..3 gave 0.91..1.03 and 0.58..0.61 (sd / mean
			 * above the sample floor: Gamma(8)'s own 0.35 is over
			 * its true zero) */
			CHECK(shape == 8 ? i.shape > 0.45 && i.shape < 0.72
					 : i.shape > 0.8 && i.shape < 1.25);
			servo_destroy(s);
		}
	}
}
