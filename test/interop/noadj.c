/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LD_PRELOAD shim for interop tests: a peer (ptp4l) that believes it
 * disciplines CLOCK_REALTIME gets every clock write turned into a read.
 * Its servo then runs against a clock that never moves, which is exactly
 * a free-running clock whose offsets are still reported.  The tests check
 * with strace that no write reaches the kernel.  NOADJ_LOG=FILE: a line
 * for each write turned into a read (a test can tell that the peer never
 * even tried, which strace cannot see through the shim).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

static int (*real_clock_adjtime)(clockid_t, struct timex *);

static void noted(const char *call, long clk, unsigned modes)
{
	const char *path = getenv("NOADJ_LOG");
	char line[96];
	int fd, n;

	if (!path || !*path) {
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		return;
	}
	n = snprintf(line, sizeof(line), "%s clock %ld modes 0x%x\n", call, clk, modes);
	if (n > 0 && write(fd, line, (size_t)n) < 0) {
		n = 0;
	}
	close(fd);
}

int clock_adjtime(clockid_t clk, struct timex *tx)
{
	if (!real_clock_adjtime) {
		real_clock_adjtime = (int (*)(clockid_t, struct timex *))dlsym(RTLD_NEXT,
									       "clock_adjtime");
	}
	if (tx->modes) {
		struct timex rd = { 0 };
		noted("clock_adjtime", (long)clk, tx->modes);
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
	(void)ts;
	noted("clock_settime", (long)clk, 0);
	return 0;
}

int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	(void)tv;
	(void)tz;
	noted("settimeofday", (long)CLOCK_REALTIME, 0);
	return 0;
}
