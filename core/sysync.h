/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The system clock from the PHC: the job of linuxptp's phc2sys, inside the
 * oc and gm.  With hardware time stamps PTP disciplines the PHC; what
 * applications read is CLOCK_REALTIME, which this engine keeps on the PHC
 * with its own servo.
 *
 * Measurement (the adapter's, hw/): the kernel's PTP_SYS_OFFSET_PRECISE
 * (a cross-timestamp: one exact pair), PTP_SYS_OFFSET_EXTENDED or the
 * basic PTP_SYS_OFFSET (N readings of system, PHC, system), of which
 * sysoff_best() takes the reading with the shortest system-clock window:
 * the PHC read in it is the one least disturbed by the bus and interrupts.
 *
 * Time scales (IEEE 1588-2019 7.2.3, 8.2.4): the PHC keeps PTP time (TAI),
 * CLOCK_REALTIME keeps UTC = TAI - currentUtcOffset, from the parent data
 * set's time properties (an ARB time scale, ptpTimescale FALSE: the same
 * numbers).  A leap second is applied where UTC has it, at the end of the
 * UTC day whose last minute leap61 (61 s) or leap59 (59 s) announces
 * (8.2.4.4, 8.2.4.5): the system clock, which like POSIX time has no
 * 23:59:60, is stepped back 1 s as TAI reaches that midnight + the old
 * currentUtcOffset (leap61; leap59: forward 1 s a second earlier), at
 * once rather than slewed by its servo.  The flags count only when seen in
 * the last 12 hours of a UTC day, so one left set after the leap by a late
 * master is not taken for the next day's.  A currentUtcOffset that changes
 * without a flag (a master coming up, another master) is stepped to at
 * once too.
 *
 * No I/O: the adapter measures and passes the readings in; the engine
 * steers the system clock through its clock ops.
 */
#ifndef PTPBOX_SYSYNC_H
#define PTPBOX_SYSYNC_H

#include <stddef.h>

#include "clock.h"
#include "ds.h"
#include "servo.h"
#include "tmv.h"

/* One reading: the system clock before and after reading the PHC, ns on
 * their own time scales (a cross-timestamp has before == after). */
struct sysoff_sample {
	tmv_t sys_before, phc, sys_after;
};

/*
 * The best of n readings (the shortest sys_after - sys_before): *sys_ns
 * the middle of its window, *phc_ns the PHC then, *delay_ns the window.
 * Readings with after < before (the system clock stepped) are skipped.
 * 0, or -EINVAL when no reading is usable.
 */
int sysoff_best(const struct sysoff_sample *s, int n, tmv_t *sys_ns, tmv_t *phc_ns,
		tmv_t *delay_ns);

struct sysync_cfg {
	/* between measurements, s (1 / sys_sync_rate) */
	double interval_s;
	/* step thresholds (ns) and |adjustment| clamp (ppb) of the system
	 * clock's servo */
	struct servo_common_cfg servo;
	/* sets the kernel's TAI offset (CLOCK_TAI - CLOCK_REALTIME, s;
	 * adjtimex ADJ_TAI): 0 or -errno; NULL: not kept */
	int (*set_tai)(int offset_s);
};

struct sysync;

/* A leap second announced (between calls of sysync_utc_offset()). */
struct sysync_leap {
	tmv_t at;  /* PTP time (TAI ns) from which it applies; 0: none */
	int base;  /* the currentUtcOffset it was announced with, s */
};

/*
 * The currentUtcOffset in force (s) at PTP time ptp_ns (ns, TAI) under the
 * time properties tp: tp->currentUtcOffset, plus 1 (leap61) or minus 1
 * (leap59) from the end of the UTC day the flag was seen in, until the
 * master's currentUtcOffset changes (8.2.4.4, 8.2.4.5); 0 when tp is NULL
 * or !tp->ptpTimescale.  *l: zeroed at the start, kept between calls.
 */
int sysync_utc_offset(const struct time_properties_ds *tp, tmv_t ptp_ns, struct sysync_leap *l);

/* A PI servo with linuxptp's hardware gains (0.7, 0.3: the measurement
 * noise is a few ns) on sys.  NULL when out of memory. */
struct sysync *sysync_create(const struct sysync_cfg *cfg, struct clk *sys);
void sysync_destroy(struct sysync *s);

/* What one measurement did. */
struct sysync_result {
	enum servo_state state;
	tmv_t offset_ns;  /* system clock - (PHC - currentUtcOffset), ns:
			   * positive = the system clock is ahead */
	double freq_ppb;  /* the system clock's frequency adjustment now */
	tmv_t delay_ns;	  /* the reading's window */
	tmv_t leap_step;  /* ns stepped for a currentUtcOffset change, or 0 */
	int utc_offset;	  /* s, the currentUtcOffset applied (sysync_utc_offset()) */
	tmv_t leap_in;	  /* ns of PHC time until an announced leap second, 0: none
			   * (measure again just after it: the step is then due) */
	int tai;	  /* s, the TAI offset given to set_tai now; 0: none */
	int tai_rc;	  /* what set_tai returned */
};

/*
 * One measurement: the system clock read sys_ns while the PHC read phc_ns
 * (as from sysoff_best), within a window of delay_ns; tp: the time
 * properties of the PHC's time (the parent data set's in an oc, the gm's
 * own), NULL when both clocks keep the same time scale.  Steers the system
 * clock (adjfreq, step; a change of the currentUtcOffset in force is a
 * step of exactly that many seconds and no servo sample) and fills *r.
 * The kernel's TAI offset follows the currentUtcOffset in force when
 * tp->currentUtcOffsetValid (1588-2019 8.2.4.2/8.2.4.3): set_tai once
 * at the first such measurement and at each change (a leap second), not
 * again while it is the same, even when set_tai failed (said once).
 * Returns 0, or the -errno of a clock operation that failed.
 */
int sysync_sample(struct sysync *s, tmv_t sys_ns, tmv_t phc_ns, tmv_t delay_ns,
		  const struct time_properties_ds *tp, struct sysync_result *r);

/* The linuxptp-style line of a result:
 * "CLOCK_REALTIME phc offset %9lld s%d freq %+7.0f delay %6lld"
 * into buf (len octets). */
void sysync_line(const struct sysync_result *r, char *buf, size_t len);

#endif
