/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time-error statistics over phase data (G.810, G.8260 Appendix I,
 * NIST SP 1065): the time error (TE) samples x[i] in ns, taken every
 * tau0 seconds, positive when the measured clock is ahead of the reference.
 *
 *   constant TE (mean), max|TE|, TE rms (root mean square of x)
 *   MTIE(n tau0)  = max over windows of n+1 consecutive samples of
 *                   (max - min)                               (G.810 B.1)
 *   TDEV(n tau0)  = sqrt( 1/(6 n^2 (N-3n+1)) *
 *                   sum_{j=0}^{N-3n} [ sum_{i=j}^{j+n-1}
 *                   (x[i+2n] - 2 x[i+n] + x[i]) ]^2 )          (G.810 B.2)
 *
 * MTIE is exact and O(N) per tau (sliding-window max and min with monotone
 * deques); TDEV is exact and O(N) per tau (prefix sums).  No function here
 * does I/O or blocks.
 */
#ifndef PTPBOX_STATS_H
#define PTPBOX_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Summary of x[0..n-1], ns.  rms is sqrt(mean(x^2)) (includes the constant
 * TE); n == 0 gives all zeros. */
struct te_summary {
	size_t n;
	double mean_ns;
	double rms_ns;
	double max_abs_ns;
	double min_ns;
	double max_ns;
};
void te_summary(const double *x, size_t n, struct te_summary *s);

/*
 * MTIE for the observation interval k*tau0: the largest peak-to-peak TE
 * over every window of k+1 consecutive samples of x (G.810 B.1), ns.
 * Exact, O(n) time, O(k) memory.  k >= 1.
 * Returns 0, -EDOM when n < k+1 (no full window), -EINVAL for k == 0,
 * -E2BIG for n >= 2^32, -ENOMEM.
 */
int stats_mtie(const double *x, size_t n, size_t k, double *mtie_ns);

/*
 * Prefix sums for TDEV: P[0] = 0, P[i] = sum_{j<i} (x[j] - x[0]), n+1
 * entries (long double, so 10^6 samples of microseconds lose nothing that
 * matters at sub-ns).  Returns a malloc'ed array or NULL (ENOMEM).
 */
long double *stats_prefix(const double *x, size_t n);

/*
 * TDEV for tau = k*tau0 from prefix sums P of n samples (G.810 B.2; NIST
 * SP 1065 eq. 17 with phase data), ns.  O(n).
 * Returns 0, -EDOM when n < 3k, -EINVAL for k == 0.
 */
int stats_tdev_prefix(const long double *P, size_t n, size_t k, double *tdev_ns);

/* TDEV straight from x (builds the prefix sums).  Errors as above, -ENOMEM. */
int stats_tdev(const double *x, size_t n, size_t k, double *tdev_ns);

/*
 * Moving-average low-pass filter of m consecutive samples (G.8272.2 6.1:
 * at least 100 for PTP): y[j] = mean(x[j..j+m-1]), j = 0..n-m.  y may be x
 * (in place).  Returns the number of outputs n-m+1, or 0 when n < m or
 * m == 0.
 */
size_t stats_moving_average(double *y, const double *x, size_t n, size_t m);

enum taus_kind { TAUS_DECADE, TAUS_OCTAVE };

/*
 * Observation intervals as multiples k of tau0, ascending: decade gives
 * 1,2,5,10,20,50,..., octave 1,2,4,8,...; every k <= kmax.  Writes at most
 * max entries to k_out; returns the count.
 */
size_t stats_taus(enum taus_kind kind, size_t kmax, size_t *k_out, size_t max);

/* Largest k with a full MTIE window (n-1) and a TDEV estimate (n/3,
 * G.810 B.2: n = 1..N/3) for n samples; 0 when there is none. */
size_t stats_mtie_kmax(size_t n);
size_t stats_tdev_kmax(size_t n);

/*
 * Outlier screen for a stream of TE samples: a sample further than
 * threshold_ns from the median of the previous (up to) OUTLIER_HISTORY
 * accepted samples is an outlier.  Outliers do not enter the history, so a
 * single wild pulse cannot move the reference; OUTLIER_HISTORY consecutive
 * outliers are taken as a real step and the history restarts from them.
 */
#define OUTLIER_HISTORY 15
struct outlier_screen {
	double threshold_ns; /* 0: off */
	double hist[OUTLIER_HISTORY];
	size_t n, head;
	unsigned run; /* consecutive outliers */
	double run_hist[OUTLIER_HISTORY];
};
/* 1 when te_ns is an outlier, 0 when not (then it joins the history);
 * *median_ns gets the reference it was compared to (te_ns when no
 * history yet). */
int outlier_check(struct outlier_screen *o, double te_ns, double *median_ns);

/*
 * ptp4l's and phc2sys's summary statistics (summary_interval): the
 * offsets (ns, positive = our clock ahead), frequency adjustments (ppb) and
 * path delays or reading windows (ns) of one summary interval.
 */
struct stat_acc {
	unsigned n;
	double sum, sum2, max_abs;
};
struct sum_acc {
	struct stat_acc off, freq, delay;
};
void sum_add(struct sum_acc *a, double off_ns, double freq_ppb, double delay_ns);
/* "rms R max M freq F +/- S delay D +/- S" (ptp4l's format: rms and
 * max|x| of the offsets, mean and sample standard deviation of the
 * frequency and the delay, rounded; without " delay ..." when every delay
 * was 0, as ptp4l without delay values) into buf (len octets), then *a
 * zeroed.  Returns the number of samples; 0: none, nothing written. */
unsigned sum_line(struct sum_acc *a, char *buf, size_t len);

#endif
