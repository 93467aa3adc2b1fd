/* SPDX-License-Identifier: BSD-2-Clause */
/* Time-error masks (ns, tau in s).  Sources are cited per table. */
#include "masks.h"

#include <math.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* G.8272 6.2 PRTC-A wander: MTIE 0.275e-3*tau + 0.025 us (1 < tau <= 273),
 * 0.1 us above; the two pieces meet at tau = 273 s.  TDEV 3 ns to 100 s,
 * 0.03*tau ns to 1000 s, 30 ns to 10000 s. */
static const struct mask_seg prtc_a_mtie[] = {
	{ 1, 273, 0.275, 25 },
	{ 273, INFINITY, 0, 100 },
};
static const struct mask_seg prtc_a_tdev[] = {
	{ 1, 100, 0, 3 },
	{ 100, 1000, 0.03, 0 },
	{ 1000, 10000, 0, 30 },
};

/* G.8272 6.2 PRTC-B: MTIE 0.275e-3*tau + 0.025 us to 54.5 s, then 40 ns;
 * TDEV 1 ns to 100 s, 0.01*tau to 500 s, 5 ns to 100000 s. */
static const struct mask_seg prtc_b_mtie[] = {
	{ 1, 54.5, 0.275, 25 },
	{ 54.5, INFINITY, 0, 40 },
};
static const struct mask_seg prtc_b_tdev[] = {
	{ 1, 100, 0, 1 },
	{ 100, 500, 0.01, 0 },
	{ 500, 100000, 0, 5 },
};

/* G.8272.1 Tables 1-2 (ePRTC) and G.8272.2 6.2 Tables 1-2 (cnPRTC), the
 * same numbers: MTIE 4 ns (0.1 < tau <= 1), 0.11114 tau + 3.89 (<= 100),
 * 0.0375e-3 tau + 15 (<= 400000), 30 ns above; TDEV 1 ns (<= 30000),
 * 3.33333e-5 tau (<= 300000), 10 ns (< 1000000). */
static const struct mask_seg eprtc_mtie[] = {
	{ 0.1, 1, 0, 4 },
	{ 1, 100, 0.11114, 3.89 },
	{ 100, 400000, 0.0375e-3, 15 },
	{ 400000, INFINITY, 0, 30 },
};
static const struct mask_seg eprtc_tdev[] = {
	{ 0.1, 30000, 0, 1 },
	{ 30000, 300000, 3.33333e-5, 0 },
	{ 300000, 1000000, 0, 10 },
};

const struct te_mask te_masks[] = {
	{ "prtc-a", "G.8272 PRTC-A", 100, prtc_a_mtie, N(prtc_a_mtie), prtc_a_tdev,
	  N(prtc_a_tdev) },
	{ "prtc-b", "G.8272 PRTC-B", 40, prtc_b_mtie, N(prtc_b_mtie), prtc_b_tdev,
	  N(prtc_b_tdev) },
	{ "eprtc", "G.8272.1 ePRTC", 30, eprtc_mtie, N(eprtc_mtie), eprtc_tdev, N(eprtc_tdev) },
	/* G.8272.2 6.1: 30 ns max|TE| */
	{ "cnprtc", "G.8272.2 cnPRTC", 30, eprtc_mtie, N(eprtc_mtie), eprtc_tdev,
	  N(eprtc_tdev) },
	/* G.8272.2 10.1: relative TE between cnPRTCs <= 40 ns */
	{ "cnprtc-coherency", "G.8272.2 10.1 coherency level 1 (relative TE)", 40, NULL, 0,
	  NULL, 0 },
	/* OCP DC PTP profile: |T_GM - T_OC| <= 2.5 us, |T_OC,j - T_OC,k| <= 5 us,
	 * |T_GM,j - T_GM,k| <= 100 ns, a TC's TE within 200 ns */
	{ "ocp-gm-oc", "OCP DC profile GM-OC", 2500, NULL, 0, NULL, 0 },
	{ "ocp-oc-oc", "OCP DC profile OC-OC (relative TE)", 5000, NULL, 0, NULL, 0 },
	{ "ocp-gm-gm", "OCP DC profile GM-GM (relative TE)", 100, NULL, 0, NULL, 0 },
	{ "ocp-tc", "OCP DC profile TC time error", 200, NULL, 0, NULL, 0 },
	{ NULL, NULL, 0, NULL, 0, NULL, 0 },
};

const struct te_mask *mask_find(const char *name)
{
	const struct te_mask *m;

	for (m = te_masks; m->name; m++) {
		if (!strcmp(m->name, name)) {
			return m;
		}
	}
	return NULL;
}

double mask_limit(const struct mask_seg *seg, size_t n, double tau_s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tau_s > seg[i].tau_lo && tau_s <= seg[i].tau_hi) {
			return seg[i].a * tau_s + seg[i].b;
		}
	}
	return NAN;
}

const char *mask_what_str(enum mask_what w)
{
	switch (w) {
	case MASK_MAX_TE:
		return "max|TE|";
	case MASK_MTIE:
		return "MTIE";
	case MASK_TDEV:
		return "TDEV";
	}
	return "?";
}

static void consider(struct mask_verdict *v, enum mask_what w, double tau, double margin)
{
	if (!v->checked || margin < v->margin_ns) {
		v->worst = w;
		v->worst_tau_s = tau;
		v->margin_ns = margin;
	}
	v->checked++;
	if (margin < 0) {
		v->pass = 0;
	}
}

int mask_check(const struct te_mask *m, const struct te_measure *me, struct mask_verdict *v)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	v->pass = 1;
	if (m->max_te_ns >= 0) {
		consider(v, MASK_MAX_TE, 0, m->max_te_ns - me->max_abs_te_ns);
	}
	for (i = 0; i < me->n_mtie; i++) {
		double lim = mask_limit(m->mtie, m->n_mtie, me->mtie[i].tau_s);
		if (!isnan(lim)) {
			consider(v, MASK_MTIE, me->mtie[i].tau_s, lim - me->mtie[i].ns);
		}
	}
	for (i = 0; i < me->n_tdev; i++) {
		double lim = mask_limit(m->tdev, m->n_tdev, me->tdev[i].tau_s);
		/* G.8272.2 6.2: the minimum measurement period for TDEV is 12 tau */
		if (!isnan(lim) && me->duration_s >= 12 * me->tdev[i].tau_s) {
			consider(v, MASK_TDEV, me->tdev[i].tau_s, lim - me->tdev[i].ns);
		}
	}
	return v->checked;
}
