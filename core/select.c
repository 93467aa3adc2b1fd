/* SPDX-License-Identifier: BSD-2-Clause */
#include "select.h"

int sel_eligible(const struct sel_cfg *cfg, const struct sel_candidate *c, tmv_t now)
{
	if (!c->qualified || c->ptsf || c->locked_out) {
		return 0;
	}
	if (c->ds.quality.clockClass > cfg->max_clock_class) {
		return 0;
	}
	/* G.8265.1 Table 1: QL-DNU (110) is never used */
	if (cfg->mode == SEL_G8265_1 && c->ds.quality.clockClass >= 110) {
		return 0;
	}
	if (c->restored_at && now - c->restored_at < cfg->wait_to_restore) {
		return 0;
	}
	return 1;
}

/* G.8275.1 6.3 / G.8275.2 6.7.3 alternate data set comparison, between
 * different grandmasters: clockClass, clockAccuracy, variance, priority2,
 * localPriority, identity; the same grandmaster falls back on 9.3.4's
 * topology rules. */
static int cmp_g8275(const struct sel_candidate *a, const struct sel_candidate *b)
{
	const struct bmca_ds *x = &a->ds, *y = &b->ds;

	if (!clock_id_cmp(&x->identity, &y->identity)) {
		if (a->localPriority != b->localPriority) {
			return a->localPriority < b->localPriority ? -1 : 1;
		}
		return bmca_compare(x, y);
	}
	if (x->quality.clockClass != y->quality.clockClass) {
		return x->quality.clockClass < y->quality.clockClass ? -2 : 2;
	}
	if (x->quality.clockAccuracy != y->quality.clockAccuracy) {
		return x->quality.clockAccuracy < y->quality.clockAccuracy ? -2 : 2;
	}
	if (x->quality.offsetScaledLogVariance != y->quality.offsetScaledLogVariance) {
		return x->quality.offsetScaledLogVariance < y->quality.offsetScaledLogVariance ? -2
											    : 2;
	}
	if (x->priority2 != y->priority2) {
		return x->priority2 < y->priority2 ? -2 : 2;
	}
	if (a->localPriority != b->localPriority) {
		return a->localPriority < b->localPriority ? -2 : 2;
	}
	return clock_id_cmp(&x->identity, &y->identity) < 0 ? -2 : 2;
}

int sel_compare(const struct sel_cfg *cfg, const struct sel_candidate *a,
		const struct sel_candidate *b)
{
	switch (cfg->mode) {
	case SEL_G8275:
		return cmp_g8275(a, b);
	case SEL_G8265_1:
		/* 6.7.3: quality level first, then priority; equal otherwise */
		if (a->ds.quality.clockClass != b->ds.quality.clockClass) {
			return a->ds.quality.clockClass < b->ds.quality.clockClass ? -2 : 2;
		}
		if (a->localPriority != b->localPriority) {
			return a->localPriority < b->localPriority ? -2 : 2;
		}
		return 0;
	default:
		return bmca_compare(&a->ds, &b->ds);
	}
}

int sel_best(const struct sel_cfg *cfg, const struct sel_candidate *c, int n, int current,
	     tmv_t now)
{
	int i, best = -1;

	for (i = 0; i < n; i++) {
		int r;
		if (!sel_eligible(cfg, &c[i], now)) {
			continue;
		}
		if (best < 0) {
			best = i;
			continue;
		}
		r = sel_compare(cfg, &c[i], &c[best]);
		/* 6.7.3: on a tie keep the current master */
		if (r < 0 || (r == 0 && i == current)) {
			best = i;
		}
	}
	/* 6.8.3 non-revertive: no going back to a master that failed and
	 * returned while the current one works (one never failed, e.g. found
	 * late at start-up, still takes over) */
	if (cfg->non_revertive && best >= 0 && best != current && current >= 0 &&
	    c[best].restored_at && sel_eligible(cfg, &c[current], now)) {
		return current;
	}
	return best;
}

tmv_t sel_next_restore(const struct sel_cfg *cfg, const struct sel_candidate *c, int n, tmv_t now)
{
	tmv_t t = INT64_MAX;
	int i;
	for (i = 0; i < n; i++) {
		tmv_t end = c[i].restored_at + cfg->wait_to_restore;
		if (c[i].restored_at && end > now && end < t) {
			t = end;
		}
	}
	return t;
}
