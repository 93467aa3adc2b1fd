/* SPDX-License-Identifier: BSD-2-Clause */
/* ppsmon's recorded-data parser (--input), for the applet and the fuzz
 * harness test/fuzz/fuzz_ppsmon.c. */
#ifndef PTPBOX_PPSMON_H
#define PTPBOX_PPSMON_H

#include <stddef.h>

/* One input file: n samples, TE in ns, timestamps in s when with_time,
 * and the line each came from. */
struct recorded {
	double *t, *te;
	size_t n, cap;
	int with_time;
	long *line;
};

/* Read path ("-": stdin): one sample per line, or "timestamp,te" (also
 * blank- or ';'-separated), '#' comments, one header line; te times units
 * (multiplier to ns).  0, or -1 with "ppsmon: FILE:LINE: ..." on stderr.
 * The caller frees t, te and line. */
int ppsmon_read_recorded(const char *path, double units, struct recorded *rec);

/* Sampling interval (s) from the timestamps: their median spacing, 0 when
 * none is positive.  Needs n >= 2. */
double ppsmon_infer_tau0(const struct recorded *rec);

#endif
