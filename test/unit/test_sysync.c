/* SPDX-License-Identifier: BSD-2-Clause */
/* The system clock from the PHC (core/sysync.c) on a simulated system
 * clock: the choice of the best reading, convergence from a phase and a
 * frequency error, and a leap second (currentUtcOffset change). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../core/sysync.h"
#include "test.h"

/* A system clock over true time: error = phase + (freq + adj) x t. */
struct fsys {
	struct clk clk;
	double phase; /* ns ahead of true UTC */
	double freq;  /* free-running frequency error, ppb */
	int steps;
};

static int fs_gettime(struct clk *c, tmv_t *now)
{
	(void)c, (void)now;
	return -EOPNOTSUPP; /* sysync never reads it: the adapter does */
}

static int fs_adjfreq(struct clk *c, double ppb)
{
	c->freq_ppb = ppb;
	return 0;
}

static int fs_step(struct clk *c, tmv_t delta)
{
	struct fsys *f = (struct fsys *)c;
	f->phase += (double)delta;
	f->steps++;
	return 0;
}

static const struct clk_ops fs_ops = { "fake-sys", fs_gettime, fs_adjfreq, fs_step, NULL, NULL };

TEST(sysoff_best_reading)
{
	/* the second reading has the shortest window; the third ran
	 * backwards (the clock stepped) and is skipped */
	const struct sysoff_sample s[4] = {
		{ 1000, 5000, 1900 }, { 3000, 7100, 3400 }, { 6000, 9000, 5990 }, { 8000, 12000, 8800 }
	};
	const struct sysoff_sample bad[1] = { { 10, 20, 5 } };
	tmv_t sys, phc, d;

	CHECK_EQ(sysoff_best(s, 4, &sys, &phc, &d), 0);
	CHECK_EQ(sys, 3200);
	CHECK_EQ(phc, 7100);
	CHECK_EQ(d, 400);
	CHECK_EQ(sysoff_best(bad, 1, &sys, &phc, &d), -EINVAL);
	CHECK_EQ(sysoff_best(s, 0, &sys, &phc, &d), -EINVAL);
}

/* 1 Hz measurements of a system clock 3 ms and +40 ppm off against a PHC
 * on TAI (currentUtcOffset 37), each reading +-25 ns of noise: stepped once,
 * then within 100 ns after 20 s and its frequency on average within 1 ppb
 * of the truth; a leap second (37 -> 38) steps it back by exactly 1 s and the
 * servo does not notice. */
TEST(sysync_converges_and_steps_leap_seconds)
{
	struct sysync_cfg cfg = { 1.0, { 0, 20000, 500000, 0, 0 }, NULL };
	struct fsys f;
	struct sysync *s;
	struct sysync_result r;
	uint32_t x = 7;
	double worst = 0, fsum = 0;
	struct time_properties_ds tp = { .currentUtcOffset = 37, .ptpTimescale = 1 };
	int t, fn = 0;

	memset(&f, 0, sizeof(f));
	f.clk.ops = &fs_ops;
	f.clk.utc_timescale = 1;
	f.clk.max_adj_ppb = 500000;
	f.phase = 3e6;
	f.freq = 40000;
	s = sysync_create(&cfg, &f.clk);
	CHECK(s != NULL);
	if (!s) {
		return;
	}
	for (t = 0; t < 120; t++) {
		tmv_t tai = (tmv_t)(1700000037 + t) * NS_PER_SEC;
		double noise;
		x = x * 1103515245u + 12345u;
		noise = (double)(x >> 16 & 0xffff) / 65536.0 * 50.0 - 25.0;
		if (t == 80) {
			tp.currentUtcOffset = 38; /* another master: UTC one more s behind */
		}
		/* the PHC on TAI, the system clock (UTC when 37 s behind TAI,
		 * plus its error and the steps it took) at the same instant */
		CHECK_EQ(sysync_sample(s, tai - 37 * NS_PER_SEC + (tmv_t)llround(f.phase + noise),
				       tai, 40, &tp, &r),
			 0);
		if (t == 80) {
			CHECK_EQ(r.leap_step, -NS_PER_SEC);
		}
		if (t >= 20 && t != 80 && fabs((double)r.offset_ns) > worst) {
			worst = fabs((double)r.offset_ns);
		}
		if (t >= 40) {
			fsum += f.clk.freq_ppb;
			fn++;
		}
		/* a second passes: the clock drifts by its net frequency */
		f.phase += f.freq + f.clk.freq_ppb;
	}
	/* after the leap step the clock keeps the new UTC, 38 s behind TAI,
	 * with the servo's small residue */
	CHECK(worst < 100);
	CHECK(fabs(f.phase + 1e9) < 100);
	CHECK(fabs(fsum / fn + f.freq) < 1.0);
	CHECK_EQ(f.steps, 2); /* the first lock and the leap second */
	{
		char line[128];
		sysync_line(&r, line, sizeof(line));
		CHECK_STR(line, "CLOCK_REALTIME phc offset");
		CHECK_STR(line, "delay     40");
	}
	sysync_destroy(s);
}

/* 2016-12-31 23:59:60 UTC: TAI - UTC went 36 -> 37.  Unix time of
 * 2017-01-01 00:00:00 UTC is 1483228800. */
#define MIDNIGHT (1483228800LL * NS_PER_SEC)

TEST(sysync_utc_offset_follows_leap_flags)
{
	struct time_properties_ds tp = { .currentUtcOffset = 36, .ptpTimescale = 1 };
	struct sysync_leap l = { 0, 0 };
	tmv_t tai_midnight = MIDNIGHT + 36 * NS_PER_SEC; /* TAI when UTC reads 00:00:00 before */

	/* no flag: the offset as announced; ARB time scale: none */
	CHECK_EQ(sysync_utc_offset(&tp, tai_midnight - NS_PER_SEC, &l), 36);
	tp.ptpTimescale = 0;
	CHECK_EQ(sysync_utc_offset(&tp, tai_midnight, &l), 0);
	CHECK_EQ(sysync_utc_offset(NULL, tai_midnight, &l), 0);
	tp.ptpTimescale = 1;
	tp.leap61 = 1;
	/* seen at 06:00 UTC: too early to be this day's (not armed) */
	CHECK_EQ(sysync_utc_offset(&tp, tai_midnight - 18 * 3600 * NS_PER_SEC, &l), 36);
	CHECK_EQ(l.at, 0);
	/* seen at 18:00: armed for the end of the day */
	CHECK_EQ(sysync_utc_offset(&tp, tai_midnight - 6 * 3600 * NS_PER_SEC, &l), 36);
	CHECK_EQ(l.at, tai_midnight);
	CHECK_EQ(sysync_utc_offset(&tp, tai_midnight - 1, &l), 36);
	/* 23:59:60: the system clock reads 23:59:59 again */
	CHECK_EQ(sysync_utc_offset(&tp, tai_midnight, &l), 37);
	/* the master now says 37, the flag still set: 37, not 38 */
	tp.currentUtcOffset = 37;
	CHECK_EQ(sysync_utc_offset(&tp, tai_midnight + 2 * NS_PER_SEC, &l), 37);
	tp.leap61 = 0;
	CHECK_EQ(sysync_utc_offset(&tp, tai_midnight + 3 * NS_PER_SEC, &l), 37);
	CHECK_EQ(l.at, 0);
	/* leap59 (never used so far): 23:59:59 is skipped, from TAI
	 * midnight + offset - 1 s */
	tp.leap59 = 1;
	CHECK_EQ(sysync_utc_offset(&tp, MIDNIGHT + 86400 * NS_PER_SEC - 3600 * NS_PER_SEC, &l), 37);
	CHECK_EQ(l.at, MIDNIGHT + 86400 * NS_PER_SEC + 36 * NS_PER_SEC);
	CHECK_EQ(sysync_utc_offset(&tp, l.at - 1, &l), 37);
	CHECK_EQ(sysync_utc_offset(&tp, l.at, &l), 36);
}

/* set_tai: the offsets given, in order; what to return */
static int tai_vals[8], tai_n, tai_rc;

static int rec_tai(int offset_s)
{
	if (tai_n < 8) {
		tai_vals[tai_n] = offset_s;
	}
	tai_n++;
	return tai_rc;
}

/* A sysync over the fake system clock f (zeroed first); NULL on failure. */
static struct sysync *tai_fixture(const struct sysync_cfg *cfg, struct fsys *f)
{
	memset(f, 0, sizeof(*f));
	f->clk.ops = &fs_ops;
	f->clk.utc_timescale = 1;
	f->clk.max_adj_ppb = 500000;
	return sysync_create(cfg, &f->clk);
}

/* A system clock locked to the PHC through the leap second at the end of
 * 2016: it is stepped back 1 s at the first measurement from TAI midnight
 * + 36 s on (the result said how far that was), never before, and once
 * only, though the master's Announce says 37 and clears leap61 later.
 * The kernel's TAI offset: 36 at the first measurement, 37 with the step,
 * never in between. */
TEST(sysync_steps_at_the_leap_second)
{
	struct sysync_cfg cfg = { 1.0, { 0, 20000, 500000, 0, 0 }, rec_tai };
	struct time_properties_ds tp = { .currentUtcOffset = 36, .ptpTimescale = 1, .leap61 = 1,
					 .currentUtcOffsetValid = 1 };
	struct fsys f;
	struct sysync *s;
	struct sysync_result r;
	tmv_t tai0 = MIDNIGHT + 36 * NS_PER_SEC - 40 * NS_PER_SEC + NS_PER_SEC / 4;
	int t, stepped_at = -1, tai_at[2] = { -1, -1 };

	tai_n = tai_rc = 0;
	s = tai_fixture(&cfg, &f);
	CHECK(s != NULL);
	if (!s) {
		return;
	}
	for (t = 0; t < 80; t++) {
		tmv_t tai = tai0 + (tmv_t)t * NS_PER_SEC;
		/* the master updates its Announce 5 s late and clears the flag 10 s later */
		if (tai >= MIDNIGHT + 41 * NS_PER_SEC) {
			tp.currentUtcOffset = 37;
		}
		if (tai >= MIDNIGHT + 51 * NS_PER_SEC) {
			tp.leap61 = 0;
		}
		/* the system clock runs on from UTC before the leap; only
		 * its step makes it read 23:59:59 twice */
		CHECK_EQ(sysync_sample(s, tai - 36 * NS_PER_SEC + (tmv_t)f.phase, tai, 40, &tp, &r),
			 0);
		if (t == 1) {
			CHECK_EQ(r.leap_in, MIDNIGHT + 36 * NS_PER_SEC - tai);
		}
		if (r.tai && tai_n <= 2) {
			tai_at[tai_n - 1] = t;
			CHECK_EQ(r.tai, tai_vals[tai_n - 1]);
		}
		if (r.leap_step) {
			CHECK_EQ(r.leap_step, -NS_PER_SEC);
			CHECK_EQ(stepped_at, -1);
			stepped_at = t;
		}
		if (t > 2 && !r.leap_step) {
			CHECK(llabs(r.offset_ns) < 10);
		}
	}
	CHECK_EQ(stepped_at, 40); /* the first sample at or after the leap */
	CHECK_EQ(tai_n, 2);
	CHECK_EQ(tai_vals[0], 36);
	CHECK_EQ(tai_vals[1], 37);
	CHECK_EQ(tai_at[0], 0);
	CHECK_EQ(tai_at[1], 40);
	CHECK_EQ(f.steps, 1);
	CHECK_EQ((tmv_t)f.phase, -NS_PER_SEC); /* the new UTC, 37 s behind TAI */
	{
		char line[128];
		r.leap_step = -NS_PER_SEC;
		r.utc_offset = 37;
		sysync_line(&r, line, sizeof(line));
		CHECK_STR(line, "CLOCK_REALTIME stepped -1 s: currentUtcOffset 37 in force");
	}
	sysync_destroy(s);
}

/* The TAI offset only from a valid currentUtcOffset, and a failed set is
 * not retried each second (said once by the adapter). */
TEST(sysync_tai_offset_valid_only_once)
{
	struct sysync_cfg cfg = { 1.0, { 0, 20000, 500000, 0, 0 }, rec_tai };
	struct time_properties_ds tp = { .currentUtcOffset = 37, .ptpTimescale = 1 };
	struct fsys f;
	struct sysync *s;
	struct sysync_result r;
	int t, said = 0;

	tai_n = 0;
	tai_rc = -EPERM;
	s = tai_fixture(&cfg, &f);
	CHECK(s != NULL);
	if (!s) {
		return;
	}
	for (t = 0; t < 10; t++) {
		tmv_t tai = MIDNIGHT + (tmv_t)t * NS_PER_SEC;
		tp.currentUtcOffsetValid = t >= 3; /* the master's offset known from 3 s */
		CHECK_EQ(sysync_sample(s, tai - 37 * NS_PER_SEC, tai, 40, &tp, &r), 0);
		CHECK_EQ(tai_n, t >= 3);
		if (r.tai) {
			CHECK_EQ(r.tai, 37);
			CHECK_EQ(r.tai_rc, -EPERM);
			CHECK_EQ(t, 3);
			said++;
		}
	}
	CHECK_EQ(said, 1);
	sysync_destroy(s);
	tai_rc = 0;
}
