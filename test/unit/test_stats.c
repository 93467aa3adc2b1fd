/* SPDX-License-Identifier: BSD-2-Clause */
/* core/stats and core/masks: MTIE and TDEV against their brute-force
 * definitions (G.810 B.1, B.2) and analytic cases; mask verdicts. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "masks.h"
#include "stats.h"
#include "test.h"

/* deterministic generator (splitmix64) so no test depends on luck */
static uint64_t rng_state;
static double urand(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}
static double gauss(void)
{
	double u = urand(), v = urand();
	return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

/* G.810 B.1 literally: every window of k+1 samples */
static double mtie_brute(const double *x, size_t n, size_t k)
{
	double best = 0;
	size_t j, i;
	for (j = 0; j + k < n; j++) {
		double lo = x[j], hi = x[j];
		for (i = j; i <= j + k; i++) {
			lo = fmin(lo, x[i]);
			hi = fmax(hi, x[i]);
		}
		best = fmax(best, hi - lo);
	}
	return best;
}

/* G.810 B.2 literally */
static double tdev_brute(const double *x, size_t n, size_t k)
{
	long double acc = 0;
	size_t j, i;
	for (j = 0; j + 3 * k <= n; j++) {
		long double s = 0;
		for (i = j; i < j + k; i++) {
			s += (long double)x[i + 2 * k] - 2.0L * x[i + k] + x[i];
		}
		acc += s * s;
	}
	return sqrt((double)(acc / (6.0L * k * k * (long double)(n - 3 * k + 1))));
}

TEST(stats_mtie_matches_definition)
{
	enum { N = 3000 };
	static double x[N];
	size_t ks[] = { 1, 2, 3, 5, 7, 10, 33, 100, 500, 999, N - 1 };
	size_t i, t;

	rng_state = 1;
	/* random walk plus white noise plus steps: deques see ties,
	 * monotone runs and jumps */
	x[0] = 0;
	for (i = 1; i < N; i++) {
		x[i] = x[i - 1] + gauss() * 3 + (i % 701 == 0 ? 50 : 0);
		if (i % 97 == 0) {
			x[i] = x[i - 1]; /* ties */
		}
	}
	for (t = 0; t < sizeof(ks) / sizeof(ks[0]); t++) {
		double fast = -1;
		CHECK_EQ(stats_mtie(x, N, ks[t], &fast), 0);
		CHECK(fast == mtie_brute(x, N, ks[t]));
	}
}

TEST(stats_tdev_matches_definition)
{
	enum { N = 2000 };
	static double x[N];
	size_t ks[] = { 1, 2, 3, 5, 10, 50, 200, 666 };
	size_t i, t;

	rng_state = 2;
	/* a large constant offset must not cost precision */
	for (i = 0; i < N; i++) {
		x[i] = 1e9 + 0.5 * (double)i + gauss() * 20;
	}
	for (t = 0; t < sizeof(ks) / sizeof(ks[0]); t++) {
		double fast = -1, slow = tdev_brute(x, N, ks[t]);
		CHECK_EQ(stats_tdev(x, N, ks[t], &fast), 0);
		CHECK(fabs(fast - slow) <= 1e-6 * slow + 1e-9);
	}
}

TEST(stats_errors)
{
	double x[4] = { 1, 2, 3, 4 }, v;
	CHECK_EQ(stats_mtie(x, 4, 0, &v), -EINVAL);
	CHECK_EQ(stats_mtie(x, 4, 4, &v), -EDOM); /* 5 samples needed */
	CHECK_EQ(stats_mtie(x, 4, 3, &v), 0);
	CHECK(v == 3);
	CHECK_EQ(stats_tdev(x, 4, 2, &v), -EDOM); /* 6 samples needed */
	CHECK_EQ(stats_tdev(x, 4, 1, &v), 0);
	CHECK(v == 0); /* a ramp has no second difference */
	CHECK_EQ(stats_mtie_kmax(4), 3);
	CHECK_EQ(stats_tdev_kmax(4), 1);
	CHECK_EQ(stats_tdev_kmax(6), 2);
	CHECK_EQ(stats_tdev_kmax(2), 0);
	CHECK_EQ(stats_mtie_kmax(1), 0);
}

/* x = a*i: MTIE(k) = a*k, TDEV = 0 */
TEST(stats_ramp)
{
	enum { N = 10000 };
	static double x[N];
	size_t i, k;
	for (i = 0; i < N; i++) {
		x[i] = 2.5 * (double)i;
	}
	for (k = 1; k < N; k *= 3) {
		double m, t;
		CHECK_EQ(stats_mtie(x, N, k, &m), 0);
		CHECK(fabs(m - 2.5 * (double)k) < 1e-9);
		if (3 * k <= N) {
			CHECK_EQ(stats_tdev(x, N, k, &t), 0);
			CHECK(t < 1e-9);
		}
	}
}

/* x = c*i^2: every inner sum is 2 c k^3, so TDEV(k) = 2 c k^2 / sqrt(6) */
TEST(stats_quadratic_tdev)
{
	enum { N = 3001 };
	static double x[N];
	size_t i, k;
	const double c = 0.01;
	for (i = 0; i < N; i++) {
		x[i] = c * (double)i * (double)i;
	}
	for (k = 1; k <= 1000; k *= 10) {
		double t, want = 2 * c * (double)k * (double)k / sqrt(6);
		CHECK_EQ(stats_tdev(x, N, k, &t), 0);
		CHECK(fabs(t - want) <= 1e-6 * want);
	}
}

/* x = A sin(2 pi i / P), P a multiple of 4 so samples reach +-A:
 * MTIE(1) = A sin(2 pi / P) (largest step, across a zero crossing),
 * MTIE(k) = 2A once a window spans half a period */
TEST(stats_sine)
{
	enum { N = 4000, P = 100 };
	static double x[N];
	const double A = 40;
	size_t i;
	double m;
	for (i = 0; i < N; i++) {
		x[i] = A * sin(2 * M_PI * (double)i / P);
	}
	CHECK_EQ(stats_mtie(x, N, 1, &m), 0);
	CHECK(fabs(m - A * sin(2 * M_PI / P)) < 1e-9);
	CHECK_EQ(stats_mtie(x, N, P / 2, &m), 0);
	CHECK(fabs(m - 2 * A) < 1e-9);
	CHECK_EQ(stats_mtie(x, N, P / 2 - 1, &m), 0);
	CHECK(m < 2 * A - 1e-3);
	CHECK_EQ(stats_mtie(x, N, 3 * P, &m), 0);
	CHECK(fabs(m - 2 * A) < 1e-9);
}

/* white phase noise of sigma: TVAR = 6 k sigma^2 / (6 k^2), TDEV = sigma/sqrt(k) */
TEST(stats_white_pm_tdev)
{
	enum { N = 200000 };
	double *x = malloc(N * sizeof(*x));
	size_t ks[] = { 1, 4, 16, 100, 400 };
	size_t i, t;
	const double sigma = 10;
	long double *P;

	rng_state = 3;
	for (i = 0; i < N; i++) {
		x[i] = 30 + sigma * gauss();
	}
	P = stats_prefix(x, N);
	CHECK(P != NULL);
	for (t = 0; P && t < sizeof(ks) / sizeof(ks[0]); t++) {
		double td, want = sigma / sqrt((double)ks[t]);
		CHECK_EQ(stats_tdev_prefix(P, N, ks[t], &td), 0);
		/* tolerance from the estimator's degrees of freedom (~N/3k) */
		CHECK(fabs(td - want) <= want * (0.02 + 2.5 / sqrt(N / (3.0 * ks[t]))));
	}
	free(P);
	free(x);
}

TEST(stats_summary_and_lpf)
{
	double x[6] = { 3, -4, 5, -6, 7, 1 }, y[6];
	struct te_summary s;
	size_t n;

	te_summary(x, 6, &s);
	CHECK_EQ(s.n, 6);
	CHECK(fabs(s.mean_ns - 1) < 1e-12);
	CHECK(s.max_abs_ns == 7);
	CHECK(s.min_ns == -6 && s.max_ns == 7);
	CHECK(fabs(s.rms_ns - sqrt((9 + 16 + 25 + 36 + 49 + 1) / 6.0)) < 1e-12);
	n = stats_moving_average(y, x, 6, 3);
	CHECK_EQ(n, 4);
	CHECK(fabs(y[0] - 4 / 3.0) < 1e-12 && fabs(y[3] - 2 / 3.0) < 1e-12);
	/* in place */
	n = stats_moving_average(x, x, 6, 2);
	CHECK_EQ(n, 5);
	CHECK(x[0] == -0.5 && x[4] == 4);
	CHECK_EQ(stats_moving_average(y, x, 2, 3), 0);
}

/* ptp4l's summary line: rms and max|x| of the offsets, mean and sample
 * standard deviation of frequency and delay; zeroed after each line */
TEST(stats_sum_line)
{
	struct sum_acc a;
	char line[96] = "";

	memset(&a, 0, sizeof(a));
	CHECK_EQ(sum_line(&a, line, sizeof(line)), 0);
	CHECK(!line[0]);
	sum_add(&a, 3, 100, 1000);
	sum_add(&a, -4, 110, 1004);
	sum_add(&a, 12, 120, 1008);
	CHECK_EQ(sum_line(&a, line, sizeof(line)), 3);
	/* rms sqrt(169 / 3) = 7.5, max 12, freq 110 +/- 10, delay 1004 +/- 4 */
	CHECK(!strcmp(line, "rms    8 max   12 freq   +110 +/-  10 delay  1004 +/-   4"));
	CHECK_EQ(a.off.n, 0);
	sum_add(&a, -20, -5, 7);
	CHECK_EQ(sum_line(&a, line, sizeof(line)), 1);
	CHECK(!strcmp(line, "rms   20 max   20 freq     -5 +/-   0 delay     7 +/-   0"));
	/* no delay: ptp4l's shorter line */
	sum_add(&a, 5, 1, 0);
	sum_add(&a, -5, 3, 0);
	CHECK_EQ(sum_line(&a, line, sizeof(line)), 2);
	CHECK(!strcmp(line, "rms    5 max    5 freq     +2 +/-   1"));
}

TEST(stats_tau_lists)
{
	size_t k[64], n;
	n = stats_taus(TAUS_DECADE, 999999, k, 64);
	CHECK_EQ(n, 18);
	CHECK_EQ(k[0], 1);
	CHECK_EQ(k[2], 5);
	CHECK_EQ(k[3], 10);
	CHECK_EQ(k[17], 500000);
	n = stats_taus(TAUS_OCTAVE, 1000, k, 64);
	CHECK_EQ(n, 10);
	CHECK_EQ(k[9], 512);
	CHECK_EQ(stats_taus(TAUS_DECADE, 0, k, 64), 0);
	CHECK_EQ(stats_taus(TAUS_DECADE, 100, k, 2), 2);
}

TEST(stats_outlier_screen)
{
	struct outlier_screen o = { .threshold_ns = 100 };
	double med;
	int i, flagged = 0;

	for (i = 0; i < 20; i++) {
		CHECK_EQ(outlier_check(&o, 10 + (i % 3), &med), 0);
	}
	CHECK_EQ(outlier_check(&o, 5000, &med), 1);
	CHECK(med >= 10 && med <= 12);
	CHECK_EQ(outlier_check(&o, 11, &med), 0); /* the spike did not move the median */
	/* a real step: after OUTLIER_HISTORY samples it is the new normal */
	for (i = 0; i < 30; i++) {
		flagged += outlier_check(&o, 900, &med);
	}
	CHECK_EQ(flagged, OUTLIER_HISTORY);
	CHECK(med == 900);
	o.threshold_ns = 0; /* off */
	CHECK_EQ(outlier_check(&o, -1e9, &med), 0);
}

TEST(masks_limits)
{
	const struct te_mask *a = mask_find("prtc-a"), *b = mask_find("prtc-b"),
			     *e = mask_find("eprtc");
	CHECK(a && b && e && mask_find("cnprtc") && mask_find("ocp-gm-oc"));
	CHECK(mask_find("prtc-c") == NULL);
	/* the pieces meet where the tables say they do */
	CHECK(fabs(mask_limit(a->mtie, a->n_mtie, 273) - 100.075) < 1e-9);
	CHECK(mask_limit(a->mtie, a->n_mtie, 274) == 100);
	CHECK(isnan(mask_limit(a->mtie, a->n_mtie, 1))); /* 1 < tau */
	CHECK(fabs(mask_limit(a->mtie, a->n_mtie, 2) - 25.55) < 1e-9);
	CHECK(fabs(mask_limit(b->mtie, b->n_mtie, 54.5) - 39.9875) < 1e-9);
	CHECK(mask_limit(a->tdev, a->n_tdev, 100) == 3);
	CHECK(fabs(mask_limit(a->tdev, a->n_tdev, 1000) - 30) < 1e-9);
	CHECK(isnan(mask_limit(a->tdev, a->n_tdev, 20000)));
	CHECK(fabs(mask_limit(b->tdev, b->n_tdev, 500) - 5) < 1e-9);
	CHECK(mask_limit(e->mtie, e->n_mtie, 1) == 4);
	CHECK(fabs(mask_limit(e->mtie, e->n_mtie, 100) - 15.004) < 1e-9);
	CHECK(fabs(mask_limit(e->mtie, e->n_mtie, 400000) - 30) < 1e-9);
	CHECK(mask_limit(e->mtie, e->n_mtie, 1e7) == 30);
	CHECK(fabs(mask_limit(e->tdev, e->n_tdev, 300000) - 9.99999) < 1e-6);
	CHECK(isnan(mask_limit(e->tdev, e->n_tdev, 0.1)));
}

TEST(masks_verdict)
{
	const struct te_mask *a = mask_find("prtc-a"), *o = mask_find("ocp-gm-oc");
	struct te_point mtie[] = { { 1, 10 }, { 10, 20 }, { 100, 40 } };
	struct te_point tdev[] = { { 1, 2 }, { 10, 2.9 }, { 100, 2.0 } };
	struct te_measure me = { 60, 1000, mtie, 3, tdev, 3 };
	struct mask_verdict v;

	/* checked: max|TE|, MTIE 10 and 100, TDEV 10 (tau = 1 s is outside
	 * 1 < tau; TDEV(100) needs T >= 1200 s) */
	CHECK_EQ(mask_check(a, &me, &v), 4);
	CHECK(v.pass);
	CHECK(v.worst == MASK_TDEV && v.worst_tau_s == 10);
	CHECK(fabs(v.margin_ns - 0.1) < 1e-9);
	tdev[1].ns = 3.01; /* just over the 3 ns line */
	mask_check(a, &me, &v);
	CHECK(!v.pass && v.worst == MASK_TDEV && fabs(v.margin_ns + 0.01) < 1e-9);
	tdev[1].ns = 1;
	me.duration_s = 1200; /* now TDEV(100) counts: 2.0 against 3 */
	CHECK_EQ(mask_check(a, &me, &v), 5);
	me.max_abs_te_ns = 100.5;
	mask_check(a, &me, &v);
	CHECK(!v.pass && v.worst == MASK_MAX_TE && v.worst_tau_s == 0);
	CHECK(fabs(v.margin_ns + 0.5) < 1e-9);
	/* max|TE|-only mask */
	CHECK_EQ(mask_check(o, &me, &v), 1);
	CHECK(v.pass && fabs(v.margin_ns - 2399.5) < 1e-9);
	me.max_abs_te_ns = 2500; /* on the line passes */
	mask_check(o, &me, &v);
	CHECK(v.pass && v.margin_ns == 0);
}
