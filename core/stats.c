/* SPDX-License-Identifier: BSD-2-Clause */
/* Time-error statistics: see stats.h for the definitions and clauses. */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void te_summary(const double *x, size_t n, struct te_summary *s)
{
	long double sum = 0, sum2 = 0;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (n == 0) {
		return;
	}
	s->n = n;
	s->min_ns = s->max_ns = x[0];
	for (i = 0; i < n; i++) {
		sum += x[i];
		sum2 += (long double)x[i] * x[i];
		if (x[i] < s->min_ns) {
			s->min_ns = x[i];
		}
		if (x[i] > s->max_ns) {
			s->max_ns = x[i];
		}
	}
	s->mean_ns = (double)(sum / n);
	s->rms_ns = sqrt((double)(sum2 / n));
	s->max_abs_ns = fmax(fabs(s->min_ns), fabs(s->max_ns));
}

/*
 * G.810 B.1: MTIE(k tau0) = max_{j} ( max x[j..j+k] - min x[j..j+k] ).
 * The window of k+1 samples slides one sample at a time; two deques of
 * indices keep the candidates for its maximum (values decreasing) and
 * minimum (values increasing).  Each index enters and leaves each deque
 * once: O(n).  The deques are rings of k+1 slots (a window never holds more).
 */
int stats_mtie(const double *x, size_t n, size_t k, double *mtie_ns)
{
	uint32_t *qmax, *qmin;
	size_t cap, hmax = 0, tmax = 0, hmin = 0, tmin = 0, nmax = 0, nmin = 0, i;
	double best = 0;

	if (k == 0) {
		return -EINVAL;
	}
	if (n < k + 1) {
		return -EDOM;
	}
	if (n > UINT32_MAX) {
		return -E2BIG;
	}
	cap = k + 1;
	qmax = malloc(2 * cap * sizeof(*qmax));
	if (!qmax) {
		return -ENOMEM;
	}
	qmin = qmax + cap;
	for (i = 0; i < n; i++) {
		/* window [i-k, i]: first drop what falls out on the left, so
		 * the rings never hold more than k+1 indices */
		while (nmax && qmax[hmax] + k < i) {
			hmax = (hmax + 1) % cap;
			nmax--;
		}
		while (nmin && qmin[hmin] + k < i) {
			hmin = (hmin + 1) % cap;
			nmin--;
		}
		/* push i after dropping the candidates it dominates */
		while (nmax && x[qmax[(tmax + cap - 1) % cap]] <= x[i]) {
			tmax = (tmax + cap - 1) % cap;
			nmax--;
		}
		qmax[tmax] = (uint32_t)i;
		tmax = (tmax + 1) % cap;
		nmax++;
		while (nmin && x[qmin[(tmin + cap - 1) % cap]] >= x[i]) {
			tmin = (tmin + cap - 1) % cap;
			nmin--;
		}
		qmin[tmin] = (uint32_t)i;
		tmin = (tmin + 1) % cap;
		nmin++;
		if (i >= k && x[qmax[hmax]] - x[qmin[hmin]] > best) {
			best = x[qmax[hmax]] - x[qmin[hmin]];
		}
	}
	free(qmax);
	*mtie_ns = best;
	return 0;
}

long double *stats_prefix(const double *x, size_t n)
{
	long double *P = malloc((n + 1) * sizeof(*P));
	size_t i;

	if (!P) {
		return NULL;
	}
	P[0] = 0;
	for (i = 0; i < n; i++) {
		P[i + 1] = P[i] + ((long double)x[i] - x[0]);
	}
	return P;
}

/*
 * G.810 B.2 / NIST SP 1065 (TVAR from phase data): with S(a, b) the sum of
 * x[a..b-1] = P[b] - P[a], the inner sum for start j is
 *   S(j+2n, j+3n) - 2 S(j+n, j+2n) + S(j, j+n)
 * and TVAR = sum_j inner^2 / (6 n^2 (N - 3n + 1)).
 */
int stats_tdev_prefix(const long double *P, size_t n, size_t k, double *tdev_ns)
{
	size_t j, m;
	long double acc = 0;

	if (k == 0) {
		return -EINVAL;
	}
	if (n < 3 * k) {
		return -EDOM;
	}
	m = n - 3 * k + 1;
	for (j = 0; j < m; j++) {
		long double s = (P[j + 3 * k] - P[j + 2 * k]) - 2 * (P[j + 2 * k] - P[j + k]) +
				(P[j + k] - P[j]);
		acc += s * s;
	}
	*tdev_ns = sqrt((double)(acc / (6.0L * (long double)k * k * m)));
	return 0;
}

int stats_tdev(const double *x, size_t n, size_t k, double *tdev_ns)
{
	long double *P;
	int r;

	if (k == 0) {
		return -EINVAL;
	}
	if (n < 3 * k) {
		return -EDOM;
	}
	P = stats_prefix(x, n);
	if (!P) {
		return -ENOMEM;
	}
	r = stats_tdev_prefix(P, n, k, tdev_ns);
	free(P);
	return r;
}

size_t stats_moving_average(double *y, const double *x, size_t n, size_t m)
{
	long double sum = 0;
	size_t i;

	if (m == 0 || n < m) {
		return 0;
	}
	for (i = 0; i < m; i++) {
		sum += x[i];
	}
	/* y[j] depends on x[j..j+m-1] and is written after x[j] was last
	 * read, so y == x works. */
	for (i = 0; i + m <= n; i++) {
		long double leaving = x[i];
		y[i] = (double)(sum / m);
		if (i + m < n) {
			sum += (long double)x[i + m] - leaving;
		}
	}
	return n - m + 1;
}

size_t stats_taus(enum taus_kind kind, size_t kmax, size_t *k_out, size_t max)
{
	static const unsigned steps[] = { 1, 2, 5 };
	size_t cnt = 0, decade = 1, k;
	unsigned s = 0;

	if (kind == TAUS_OCTAVE) {
		for (k = 1; k <= kmax && cnt < max; k *= 2) {
			k_out[cnt++] = k;
			if (k > SIZE_MAX / 2) {
				break;
			}
		}
		return cnt;
	}
	for (;;) {
		k = decade * steps[s];
		if (k > kmax || cnt >= max) {
			break;
		}
		k_out[cnt++] = k;
		if (++s == 3) {
			s = 0;
			if (decade > SIZE_MAX / 10) {
				break;
			}
			decade *= 10;
		}
	}
	return cnt;
}

size_t stats_mtie_kmax(size_t n)
{
	return n >= 2 ? n - 1 : 0;
}

size_t stats_tdev_kmax(size_t n)
{
	return n / 3;
}

static double median(const double *v, size_t n)
{
	double s[OUTLIER_HISTORY];
	size_t i, j;

	for (i = 0; i < n; i++) {
		double t = v[i];
		for (j = i; j > 0 && s[j - 1] > t; j--) {
			s[j] = s[j - 1];
		}
		s[j] = t;
	}
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void history_push(struct outlier_screen *o, double te)
{
	o->hist[o->head] = te;
	o->head = (o->head + 1) % OUTLIER_HISTORY;
	if (o->n < OUTLIER_HISTORY) {
		o->n++;
	}
}

int outlier_check(struct outlier_screen *o, double te_ns, double *median_ns)
{
	double med;

	if (o->n == 0) {
		*median_ns = te_ns;
		history_push(o, te_ns);
		return 0;
	}
	med = median(o->hist, o->n);
	*median_ns = med;
	if (o->threshold_ns <= 0 || fabs(te_ns - med) <= o->threshold_ns) {
		o->run = 0;
		history_push(o, te_ns);
		return 0;
	}
	/* a run of outliers that long is the new normal (a real step) */
	o->run_hist[o->run++] = te_ns;
	if (o->run == OUTLIER_HISTORY) {
		memcpy(o->hist, o->run_hist, sizeof(o->hist));
		o->n = OUTLIER_HISTORY;
		o->head = 0;
		o->run = 0;
	}
	return 1;
}

static void stat_add(struct stat_acc *s, double v)
{
	s->n++;
	s->sum += v;
	s->sum2 += v * v;
	if (fabs(v) > s->max_abs) {
		s->max_abs = fabs(v);
	}
}

static double stat_mean(const struct stat_acc *s)
{
	return s->sum / s->n;
}

static double stat_sdev(const struct stat_acc *s)
{
	double m = stat_mean(s), v = s->n < 2 ? 0 : (s->sum2 - s->n * m * m) / (s->n - 1);
	return v > 0 ? sqrt(v) : 0;
}

void sum_add(struct sum_acc *a, double off_ns, double freq_ppb, double delay_ns)
{
	stat_add(&a->off, off_ns);
	stat_add(&a->freq, freq_ppb);
	stat_add(&a->delay, delay_ns);
}

unsigned sum_line(struct sum_acc *a, char *buf, size_t len)
{
	unsigned n = a->off.n;
	char *d;
	if (n) {
		snprintf(buf, len, "rms %4.0f max %4.0f freq %+6.0f +/- %3.0f delay %5.0f +/- %3.0f",
			 sqrt(a->off.sum2 / n), a->off.max_abs, stat_mean(&a->freq),
			 stat_sdev(&a->freq), stat_mean(&a->delay), stat_sdev(&a->delay));
		d = strstr(buf, " delay");
		if (d && !a->delay.max_abs) {
			*d = 0; /* no delay (all 0): ptp4l's line without one */
		}
	}
	memset(a, 0, sizeof(*a));
	return n;
}
