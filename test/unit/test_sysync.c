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
	struct sysync_cfg cfg = { 1.0, { 0, 20000, 500000, 0, 0 } };
	struct fsys f;
	struct sysync *s;
	struct sysync_result r;
	uint32_t x = 7;
	double worst = 0, fsum = 0;
	int t, utc = 37, fn = 0;

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
			utc = 38; /* UTC falls one more second behind TAI */
		}
		/* the PHC on TAI, the system clock (UTC when 37 s behind TAI,
		 * plus its error and the steps it took) at the same instant */
		CHECK_EQ(sysync_sample(s, tai - 37 * NS_PER_SEC + (tmv_t)llround(f.phase + noise),
				       tai, 40, utc, &r),
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
