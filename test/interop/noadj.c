/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LD_PRELOAD shim for interop tests: a peer (ptp4l) that believes it
 * disciplines CLOCK_REALTIME gets every clock write turned into a read.
 * Its servo then runs against a clock that never moves, which is exactly
 * a free-running clock whose offsets are still reported.  The tests check
 * with strace that no write reaches the kernel.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

static int (*real_clock_adjtime)(clockid_t, struct timex *);

int clock_adjtime(clockid_t clk, struct timex *tx)
{
	if (!real_clock_adjtime) {
		real_clock_adjtime = (int (*)(clockid_t, struct timex *))dlsym(RTLD_NEXT,
									       "clock_adjtime");
	}
	if (tx->modes) {
		struct timex rd = { 0 };
		int r = real_clock_adjtime(clk, &rd);
		return r < 0 ? r : 0;
	}
	return real_clock_adjtime(clk, tx);
}

int adjtimex(struct timex *tx)
{
	return clock_adjtime(CLOCK_REALTIME, tx);
}

int ntp_adjtime(struct timex *tx)
{
	return clock_adjtime(CLOCK_REALTIME, tx);
}

int clock_settime(clockid_t clk, const struct timespec *ts)
{
	(void)clk;
	(void)ts;
	return 0;
}

int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	(void)tv;
	(void)tz;
	return 0;
}
