/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Clock backends behind one ops interface (docs/architecture.md section 2.3).
 *   sys:  CLOCK_REALTIME through clock_adjtime(2)
 *   phc:  /dev/ptpN through clock_adjtime(2) on its dynamic clock id
 *   soft: a software clock over CLOCK_REALTIME with an exactly known
 *         offset to it; tests start it with an injected phase and frequency
 *         error and read its true error.  It never touches a kernel clock.
 */
#ifndef PTPBOX_CLK_BACKEND_H
#define PTPBOX_CLK_BACKEND_H

#include <stddef.h>


#include "../core/clock.h"

/* CLOCK_REALTIME.  NULL on error (errno set). */
struct clk *clk_sys_create(void);

/* A PHC by path ("/dev/ptp0") or index (phc_index >= 0, path NULL).  Reads
 * max_adj with PTP_CLOCK_GETCAPS.  NULL on error; err gets a message. */
struct clk *clk_phc_create(const char *path, int phc_index, char *err, size_t errlen);

/* The open /dev/ptpN (O_RDWR) of PHC c, for its ioctls (hw/pps.h: periodic
 * output), and its path in *path; -EINVAL when c is no PHC. */
int clk_phc_fd(struct clk *c, const char **path);

/* How clk_phc_sysoff() reads the PHC against CLOCK_REALTIME, best first. */
enum sysoff_method {
	SYSOFF_PRECISE,	 /* PTP_SYS_OFFSET_PRECISE: the device's cross-timestamp */
	SYSOFF_EXTENDED, /* PTP_SYS_OFFSET_EXTENDED: system, PHC, system x n */
	SYSOFF_BASIC,	 /* PTP_SYS_OFFSET: interleaved system and PHC x n */
};

/* The ioctl of method m: "PTP_SYS_OFFSET_PRECISE", "PTP_SYS_OFFSET_EXTENDED",
 * "PTP_SYS_OFFSET" */
const char *sysoff_method_name(enum sysoff_method m);

/*
 * Read PHC c against CLOCK_REALTIME: up to n (1..25) readings into s (ns
 * on each clock's own scale; sysoff_best() of core/sysync.h picks one).
 * *method: the method to try first; one the driver does not offer
 * (EOPNOTSUPP, ENOTTY, EINVAL) is left for the next and *method keeps the
 * one that worked.  Returns the number of readings, -EINVAL when c is no
 * PHC, or the -errno of the basic method.
 */
struct sysoff_sample;
int clk_phc_sysoff(struct clk *c, enum sysoff_method *method, struct sysoff_sample *s, int n);

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
