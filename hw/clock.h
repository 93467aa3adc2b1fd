/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Clock backends behind one ops interface (DESIGN.md "shape of the code").
 *   sys:  CLOCK_REALTIME through clock_adjtime(2)
 *   phc:  /dev/ptpN through clock_adjtime(2) on its dynamic clock id
 *   soft: a software clock over CLOCK_REALTIME with an exactly known
 *         offset to it; tests start it with an injected phase and frequency
 *         error and read its true error.  It never touches a kernel clock.
 */
#ifndef PTPBOX_CLOCK_H
#define PTPBOX_CLOCK_H

#include <stddef.h>


#include "../core/clock.h"

/* CLOCK_REALTIME.  NULL on error (errno set). */
struct clk *clk_sys_create(void);

/* A PHC by path ("/dev/ptp0") or index (phc_index >= 0, path NULL).  Reads
 * max_adj with PTP_CLOCK_GETCAPS.  NULL on error; err gets a message. */
struct clk *clk_phc_create(const char *path, int phc_index, char *err, size_t errlen);

/*
 * Soft clock over CLOCK_REALTIME.  offset_ns: initial time error, ns
 * (positive = ahead of CLOCK_REALTIME); freq_ppb: injected frequency error,
 * ppb (positive = runs fast).  Adjustments made through the ops correct it
 * like a real clock.  NULL when out of memory.
 */
struct clk *clk_soft_create(long long offset_ns, double freq_ppb);

/* True error of a soft clock against CLOCK_REALTIME: ns now (positive =
 * ahead) and the net frequency error, ppb (injected + adjustment).
 * -EINVAL when c is not a soft clock. */
int clk_soft_true_error(struct clk *c, tmv_t *offset_ns, double *freq_ppb);

#endif
