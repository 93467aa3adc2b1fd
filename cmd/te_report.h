/* SPDX-License-Identifier: BSD-2-Clause */
/* ppsmon's reports: human table, JSON object, SVG plot of MTIE and TDEV. */
#ifndef PTPBOX_TE_REPORT_H
#define PTPBOX_TE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "masks.h"
#include "stats.h"

#define TE_MAX_MASKS 16

struct te_result {
	size_t samples;          /* after the low-pass filter */
	double tau0_s;
	size_t lpf;              /* moving-average length, 0 = none */
	int relative;            /* 1: TE of source 1 minus source 2 */
	struct te_summary sum;   /* ns */
	struct te_point *mtie;   /* tau (s), ns */
	size_t n_mtie;
	struct te_point *tdev;
	size_t n_tdev;
	uint64_t missing, outliers, duplicates;
	const struct te_mask *masks[TE_MAX_MASKS];
	struct mask_verdict verdicts[TE_MAX_MASKS];
	size_t n_masks;
};

/* Human-readable table and one verdict line per mask. */
void te_report_text(FILE *f, const struct te_result *r);

/* One JSON object (issue 5's schema plus missing/outliers/duplicates/lpf). */
void te_report_json(FILE *f, const struct te_result *r);

/* Log-log SVG of MTIE and TDEV with the masks' limits, written to path.
 * 0 or -errno. */
int te_report_svg(const char *path, const struct te_result *r);

#endif
