/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time-error masks and verdicts: max|TE|, MTIE(tau) and TDEV(tau) limits of
 * G.8272 (PRTC-A, PRTC-B), G.8272.1 (ePRTC), G.8272.2 (cnPRTC, coherency
 * level 1) and the OCP Data Center PTP Profile's time-error limits.
 * All limits in ns, observation intervals tau in s.
 */
#ifndef PTPBOX_MASKS_H
#define PTPBOX_MASKS_H

#include <stddef.h>

/* limit = a*tau + b for tau_lo < tau <= tau_hi */
struct mask_seg {
	double tau_lo, tau_hi;
	double a, b;
};

struct te_mask {
	const char *name;   /* command-line name: "prtc-a" */
	const char *title;  /* "G.8272 PRTC-A" */
	double max_te_ns;   /* max|TE| limit, < 0: none */
	const struct mask_seg *mtie;
	size_t n_mtie;
	const struct mask_seg *tdev;
	size_t n_tdev;
};

/* The table, terminated by a NULL name. */
extern const struct te_mask te_masks[];

/* Mask by name (case-sensitive), NULL when unknown. */
const struct te_mask *mask_find(const char *name);

/* The limit at tau (s) from segments, ns; NAN where the mask does not
 * define one. */
double mask_limit(const struct mask_seg *seg, size_t n, double tau_s);

/* One measured point: tau (s) and MTIE or TDEV (ns). */
struct te_point {
	double tau_s;
	double ns;
};

/* What a verdict is checked against. */
struct te_measure {
	double max_abs_te_ns;
	double duration_s;            /* measurement period T = N*tau0 */
	const struct te_point *mtie;
	size_t n_mtie;
	const struct te_point *tdev;
	size_t n_tdev;
};

enum mask_what { MASK_MAX_TE, MASK_MTIE, MASK_TDEV };

struct mask_verdict {
	int pass;
	int checked;           /* limits compared */
	enum mask_what worst;  /* where the margin is smallest */
	double worst_tau_s;    /* 0 for max|TE| */
	double margin_ns;      /* limit - measured at the worst point; < 0 fails */
};

/*
 * Compare a measurement with a mask: max|TE| when the mask has a limit,
 * every MTIE point inside the mask's tau range, every TDEV point inside
 * its range whose tau the measurement period covers 12 times
 * (G.8272.2 6.2: T >= 12 tau).  Returns the number of limits checked
 * (0: nothing to compare, v->pass is then 1).
 */
int mask_check(const struct te_mask *m, const struct te_measure *me, struct mask_verdict *v);

const char *mask_what_str(enum mask_what w);

#endif
