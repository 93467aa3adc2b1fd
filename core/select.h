/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Master selection of a slave-only clock among the masters of its unicast
 * master table:
 *   SEL_IEEE1588  data set comparison of 1588-2019 9.3.4 (default BMCA)
 *   SEL_G8275     G.8275.x alternate comparison: priority1 ignored,
 *                 localPriority of the table entry after priority2
 *   SEL_G8265_1   G.8265.1 6.7.3: best QL (lowest clockClass 80..110), then
 *                 highest priority (lowest localPriority), keep the current
 *                 master on a tie
 * In every mode a candidate is eligible only when qualified, free of PTSF
 * (lossAnnounce, lossSync), not locked out (G.8265.1 6.8.1), not above
 * max_clock_class and, after a failure, once wait_to_restore has passed
 * since it recovered (6.8.2).  Non-revertive (6.8.3): a master that failed
 * and came back does not take over from a current master that works.
 */
#ifndef PTPBOX_SELECT_H
#define PTPBOX_SELECT_H

#include <stdint.h>

#include "bmca.h"
#include "tmv.h"

enum sel_mode { SEL_IEEE1588 = 0, SEL_G8275 = 1, SEL_G8265_1 = 2 };

struct sel_cfg {
	enum sel_mode mode;
	int non_revertive;
	tmv_t wait_to_restore; /* ns */
	uint8_t max_clock_class;
};

struct sel_candidate {
	int qualified;	     /* 9.3.2.5, and Announce not timed out */
	int ptsf;	     /* PTSF-lossSync (lossAnnounce clears qualified) */
	int locked_out;
	tmv_t restored_at;   /* monotonic ns it last became usable; 0 = never failed */
	uint8_t localPriority; /* table entry, 1 (highest) .. 255 */
	struct bmca_ds ds;
};

/* Usable now (all conditions above but the comparison itself). */
int sel_eligible(const struct sel_cfg *cfg, const struct sel_candidate *c, tmv_t now);

/* < 0 when a is preferred over b, > 0 when b is, 0 when equal, per mode. */
int sel_compare(const struct sel_cfg *cfg, const struct sel_candidate *a,
		const struct sel_candidate *b);

/* Index of the master to follow among n candidates, or -1 (holdover).
 * current: the index followed now, or -1. */
int sel_best(const struct sel_cfg *cfg, const struct sel_candidate *c, int n, int current,
	     tmv_t now);

/* Earliest time a wait-to-restore ends after now (ns), INT64_MAX if none:
 * the caller re-runs the selection then. */
tmv_t sel_next_restore(const struct sel_cfg *cfg, const struct sel_candidate *c, int n, tmv_t now);

#endif
