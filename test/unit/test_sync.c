/* SPDX-License-Identifier: BSD-2-Clause */
/* BMCA comparison, E2E delay arithmetic, PI servo and the soft clock. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "../../core/bmca.h"
#include "../../core/e2e.h"
#include "../../core/servo.h"
#include "../../hw/clk_backend.h"
#include "test.h"

static struct bmca_ds gm(uint8_t last, uint8_t p1, uint8_t cls, uint8_t p2)
{
	struct bmca_ds d;
	memset(&d, 0, sizeof(d));
	d.priority1 = p1;
	d.identity.id[7] = last;
	d.quality.clockClass = cls;
	d.quality.clockAccuracy = 0x21;
	d.quality.offsetScaledLogVariance = 0x4E5D;
	d.priority2 = p2;
	d.sender.clockIdentity = d.identity;
	d.sender.portNumber = 1;
	d.receiver.clockIdentity.id[0] = 0x77;
	d.receiver.portNumber = 1;
	return d;
}

TEST(bmca_attribute_order)
{
	struct bmca_ds a = gm(2, 128, 6, 128), b = gm(1, 128, 6, 128);
	CHECK(bmca_compare(&a, &b) > 0); /* equal attributes: lower identity wins */
	a.priority2 = 100;
	CHECK(bmca_compare(&a, &b) < 0); /* priority2 before identity */
	a.quality.clockClass = 7;
	CHECK(bmca_compare(&a, &b) > 0); /* clockClass before priority2 */
	a = gm(2, 127, 52, 255);
	CHECK(bmca_compare(&a, &b) < 0); /* priority1 first */
	a = gm(2, 128, 6, 128);
	a.quality.offsetScaledLogVariance = 0x4E00;
	CHECK(bmca_compare(&a, &b) < 0);
	a = gm(2, 128, 6, 128);
	a.quality.clockAccuracy = 0x22;
	CHECK(bmca_compare(&a, &b) > 0);
	CHECK(bmca_compare(&b, &b) == 0);
}

TEST(bmca_same_gm_topology)
{
	struct bmca_ds a = gm(1, 128, 6, 128), b = gm(1, 128, 6, 128);
	a.stepsRemoved = 3;
	b.stepsRemoved = 1;
	CHECK(bmca_compare(&a, &b) > 0);
	b.stepsRemoved = 2;
	b.sender.clockIdentity.id[0] = 0x10;
	CHECK(bmca_compare(&a, &b) > 0);
	a.stepsRemoved = 2;
	a.sender.clockIdentity.id[0] = 0x05;
	CHECK(bmca_compare(&a, &b) < 0); /* lower sender identity */
}

TEST(fm_qualification_window)
{
	struct fm_window w = { { 0 }, 0 };
	CHECK_EQ(fm_window_add(&w, 0, 0), 0);
	CHECK_EQ(fm_window_add(&w, NS_PER_SEC, 0), 1);
	w.n = 0;
	CHECK_EQ(fm_window_add(&w, 0, 0), 0);
	CHECK_EQ(fm_window_add(&w, 5 * NS_PER_SEC, 0), 0); /* outside 4 intervals */
	CHECK_EQ(fm_window_add(&w, 6 * NS_PER_SEC, 0), 1);
}

TEST(e2e_two_step_and_delay)
{
	struct e2e e;
	tmv_t off;
	/* true path delay 1000 ns, slave ahead by 500 ns, Sync corr 100 ns of
	 * residence (as if through a TC), Delay_Resp corr 40 ns */
	tmv_t t1 = 1000000, t2 = t1 + 100 + 1000 + 500;
	tmv_t t3 = 2000000, t4 = t3 - 500 + 1000 + 40;

	e2e_init(&e, 1, 0);
	CHECK_EQ(e2e_offset(&e, &off), -EAGAIN);
	CHECK_EQ(e2e_sync(&e, 7, 1, 0, 100 << 0, t2), 0);
	CHECK_EQ(e2e_follow_up(&e, 6, t1, 0), 0); /* wrong sequence */
	CHECK(e.have_sync == 0);
	CHECK_EQ(e2e_follow_up(&e, 7, t1 - 999, 0), 1);
	CHECK_EQ(e.t1, t1 - 999);
	CHECK_EQ(e2e_sync(&e, 8, 1, 0, 100, t2), 0);
	CHECK_EQ(e2e_follow_up(&e, 8, t1, 0), 1);
	e2e_delay_req_sent(&e, 3);
	CHECK_EQ(e2e_delay_resp(&e, 3, t4, 40), 0); /* before t3: kept */
	CHECK_EQ(e2e_delay_req_ts(&e, 3, t3), 1);
	CHECK_EQ(e.mean_path_delay, 1000);
	CHECK_EQ(e2e_offset(&e, &off), 0);
	CHECK_EQ(off, 500);
	/* Follow_Up before its Sync, one-step Sync */
	CHECK_EQ(e2e_follow_up(&e, 9, t1 + 10, 0), 0);
	CHECK_EQ(e2e_sync(&e, 9, 1, 0, 100, t2 + 10), 1);
	CHECK_EQ(e2e_sync(&e, 10, 0, t1 + 20, 100, t2 + 30), 1);
	e2e_offset(&e, &off);
	CHECK_EQ(off, 510);
}

TEST(e2e_median_filter_and_asymmetry)
{
	struct e2e e;
	tmv_t off, d[5] = { 1000, 5000, 1100, 900, 1050 };
	int i;
	e2e_init(&e, 5, 200);
	CHECK_EQ(e2e_sync(&e, 1, 0, 0, 0, 2000), 1);
	for (i = 0; i < 5; i++) {
		/* (t2 - t1) = 2000; choose t4 - t3 = 2 d - 2000 */
		e2e_delay_req_sent(&e, (uint16_t)i);
		e2e_delay_req_ts(&e, (uint16_t)i, 10000);
		CHECK_EQ(e2e_delay_resp(&e, (uint16_t)i, 10000 + 2 * d[i] - 2000, 0), 1);
	}
	CHECK_EQ(e.mean_path_delay, 1050); /* median, the 5000 outlier ignored */
	e2e_offset(&e, &off);
	CHECK_EQ(off, 2000 - 1050 - 200);
	CHECK_EQ(e2e_delay_resp(&e, 99, 0, 0), 0); /* not ours */
}

/* One offset sample to a servo that uses offsetFromMaster only. */
static enum servo_state pi_feed(struct servo *s, double offset, tmv_t local, double *adj)
{
	struct servo_meas m = { local, (tmv_t)llround(offset), 0, 0, *adj };
	struct servo_out out;
	enum servo_state st = servo_sample(s, &m, &out);

	*adj = out.adj_ppb;
	if (st == SERVO_JUMP) {
		if (out.step_ns != -(tmv_t)llround(offset)) {
			printf("  step %lld for offset %.0f\n", (long long)out.step_ns, offset);
			abort();
		}
	}
	return st;
}

/* A simulated clock with a constant frequency error, sampled once per s. */
TEST(servo_pi_converges_from_250us_10ppm)
{
	struct servo_pi_cfg cfg = { 0, 0, 0.7, -0.3, 0.7, 0.3, 0.4, 0.3 };
	struct servo_common_cfg cc = { 0, 20000, 500000, 0, 0 };
	struct servo *s = servo_pi_create(&cfg, &cc, 0);
	double err = 250000, freq_err = 10000, adj = 0;
	int k, saw_jump = 0, locked_at = -1;

	servo_sync_interval(s, 1.0);
	for (k = 0; k < 60; k++) {
		enum servo_state st = pi_feed(s, err, (tmv_t)k * NS_PER_SEC, &adj);
		if (st == SERVO_JUMP) {
			saw_jump = 1;
			err = 0;
		}
		if (st == SERVO_LOCKED && locked_at < 0) {
			locked_at = k;
		}
		err += freq_err + adj; /* one second at the net frequency error */
	}
	CHECK(saw_jump);
	CHECK(locked_at >= 0 && locked_at <= 3);
	CHECK(fabs(err) < 1.0);
	CHECK(fabs(adj + freq_err) < 1.0);
	servo_destroy(s);
}

TEST(servo_pi_step_threshold_and_clamp)
{
	struct servo_pi_cfg cfg = { 0, 0, 0.7, -0.3, 0.7, 0.3, 0.4, 0.3 };
	struct servo_common_cfg cc = { 1000, 0, 1000, 0, 0 };
	struct servo *s = servo_pi_create(&cfg, &cc, 0);
	double adj = 0;
	pi_feed(s, 0, 0, &adj);
	CHECK_EQ(pi_feed(s, 0, NS_PER_SEC, &adj), SERVO_LOCKED);
	CHECK_EQ(pi_feed(s, 5000, 2 * NS_PER_SEC, &adj), SERVO_JUMP);
	CHECK_EQ(pi_feed(s, 900, 3 * NS_PER_SEC, &adj), SERVO_LOCKED);
	CHECK(adj >= -1000 && adj <= 1000);
	servo_destroy(s);
}

TEST(servo_pi_holdover_is_the_mean_adjustment)
{
	struct servo_pi_cfg cfg = { 0, 0, 0.7, -0.3, 0.7, 0.3, 0.4, 0.3 };
	struct servo_common_cfg cc = { 0, 20000, 500000, 0, 0 };
	struct servo *s = servo_pi_create(&cfg, &cc, 0);
	double err = 0, freq_err = -3000, adj = 0, worst_integrator = 0;
	uint32_t x = 12345;
	int k;

	/* 16 samples/s, each offset read with +-150 ns of uniform noise */
	servo_sync_interval(s, 1.0 / 16);
	for (k = 0; k < 16 * 600; k++) {
		double noise;
		x = x * 1664525u + 1013904223u;
		noise = ((double)(x >> 8) / (1 << 24) - 0.5) * 300;
		pi_feed(s, err + noise, (tmv_t)k * NS_PER_SEC / 16, &adj);
		err += (freq_err + adj) / 16;
		if (k > 16 * 300 && fabs(adj + freq_err) > worst_integrator) {
			worst_integrator = fabs(adj + freq_err);
		}
	}
	/* the last adjustment swings by tens of ppb; the held one is within a few */
	CHECK(worst_integrator > 20);
	CHECK(fabs(servo_holdover_ppb(s) + freq_err) < 3);
	servo_destroy(s);
}

TEST(soft_clock_true_error)
{
	struct clk *c = clk_soft_create(250000, 10000);
	struct timespec ts;
	tmv_t off, now, raw;
	double ppb;

	CHECK_EQ(clk_soft_true_error(c, &off, &ppb), 0);
	CHECK(off >= 250000 && off < 251000);
	CHECK(ppb == 10000);
	clk_step(c, -250000);
	clk_adjfreq(c, -10000);
	clk_soft_true_error(c, &off, &ppb);
	CHECK(llabs(off) < 1000);
	CHECK(ppb == 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	raw = timespec_to_tmv(ts);
	CHECK(llabs(clk_from_raw(c, raw) - raw) < 1000);
	clk_gettime(c, &now);
	CHECK(llabs(now - raw) < 1000000);
	clk_adjfreq(c, 1e9); /* clamped to max_adj */
	CHECK(c->freq_ppb == c->max_adj_ppb);
	clk_destroy(c);
	c = clk_sys_create();
	CHECK_EQ(clk_soft_true_error(c, &off, &ppb), -EINVAL);
	clk_destroy(c);
}

/* servo_offset_threshold / servo_num_offset_values: s3 after that many
 * offsets in a row within the threshold, back to s2 on one outside. */
TEST(servo_locked_stable)
{
	struct servo_pi_cfg cfg = { 0, 0, 0.7, -0.3, 0.7, 0.3, 0.4, 0.3 };
	struct servo_common_cfg cc = { 0, 0, 1000, 100, 3 };
	struct servo *s = servo_pi_create(&cfg, &cc, 0);
	double adj = 0;
	int k;

	pi_feed(s, 50, 0, &adj);
	for (k = 1; k <= 2; k++) {
		CHECK_EQ(pi_feed(s, 50, k * NS_PER_SEC, &adj), SERVO_LOCKED);
	}
	CHECK_EQ(pi_feed(s, -50, 3 * NS_PER_SEC, &adj), SERVO_LOCKED_STABLE);
	CHECK_EQ(pi_feed(s, 20, 4 * NS_PER_SEC, &adj), SERVO_LOCKED_STABLE);
	CHECK_EQ(pi_feed(s, 500, 5 * NS_PER_SEC, &adj), SERVO_LOCKED);
	CHECK_EQ(pi_feed(s, 0, 6 * NS_PER_SEC, &adj), SERVO_LOCKED);
	servo_destroy(s);
}
