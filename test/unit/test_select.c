/* SPDX-License-Identifier: BSD-2-Clause */
/* Master selection: 1588 BMCA, G.8275.x and G.8265.1 6.7.3 / 6.8 rules. */
#include "../../core/select.h"
#include "test.h"

#define S NS_PER_SEC

static struct sel_candidate cand(uint8_t id, uint8_t cls, uint8_t p2, uint8_t local)
{
	struct sel_candidate c;
	memset(&c, 0, sizeof(c));
	c.qualified = 1;
	c.localPriority = local;
	c.ds.priority1 = 128;
	c.ds.identity.id[7] = id;
	c.ds.quality.clockClass = cls;
	c.ds.quality.clockAccuracy = 0x21;
	c.ds.quality.offsetScaledLogVariance = 0x4E5D;
	c.ds.priority2 = p2;
	c.ds.sender.clockIdentity = c.ds.identity;
	c.ds.sender.portNumber = 1;
	return c;
}

TEST(select_ieee1588_priority2_then_identity)
{
	struct sel_cfg cfg = { SEL_IEEE1588, 0, 0, 255 };
	struct sel_candidate c[2] = { cand(1, 6, 129, 1), cand(2, 6, 128, 2) };
	CHECK_EQ(sel_best(&cfg, c, 2, -1, 0), 1);
	c[1].ds.priority2 = 129;
	CHECK_EQ(sel_best(&cfg, c, 2, 1, 0), 0); /* lower clockIdentity */
	c[0].ds.quality.clockClass = 7;
	CHECK_EQ(sel_best(&cfg, c, 2, 0, 0), 1); /* holdover loses to locked */
	c[1].qualified = 0;
	CHECK_EQ(sel_best(&cfg, c, 2, 1, 0), 0);
	c[0].ptsf = 1;
	CHECK_EQ(sel_best(&cfg, c, 2, 0, 0), -1); /* holdover */
}

TEST(select_max_clock_class_and_lockout)
{
	struct sel_cfg cfg = { SEL_IEEE1588, 0, 0, 7 };
	struct sel_candidate c[2] = { cand(1, 52, 128, 1), cand(2, 7, 200, 2) };
	CHECK_EQ(sel_best(&cfg, c, 2, -1, 0), 1);
	c[1].locked_out = 1;
	CHECK_EQ(sel_best(&cfg, c, 2, 1, 0), -1);
}

TEST(select_g8275_local_priority)
{
	struct sel_cfg cfg = { SEL_G8275, 0, 0, 255 };
	struct sel_candidate c[2] = { cand(1, 6, 128, 20), cand(2, 6, 128, 10) };
	c[0].ds.priority1 = 1; /* ignored by G.8275.x */
	CHECK_EQ(sel_best(&cfg, c, 2, -1, 0), 1);
	c[0].ds.priority2 = 127;
	CHECK_EQ(sel_best(&cfg, c, 2, -1, 0), 0); /* priority2 before localPriority */
}

TEST(select_g8265_ql_priority_tie)
{
	struct sel_cfg cfg = { SEL_G8265_1, 0, 0, 255 };
	/* better QL (PRC 84) wins over better priority */
	struct sel_candidate c[3] = { cand(1, 96, 128, 1), cand(2, 84, 128, 5), cand(3, 84, 128, 5) };
	CHECK_EQ(sel_best(&cfg, c, 3, -1, 0), 1);
	CHECK_EQ(sel_best(&cfg, c, 3, 2, 0), 2); /* tie: keep the current */
	c[2].localPriority = 4;
	CHECK_EQ(sel_best(&cfg, c, 3, 1, 0), 2); /* same QL: priority */
	c[1].ds.quality.clockClass = 110;	 /* QL-DNU never */
	c[2].ds.quality.clockClass = 110;
	CHECK_EQ(sel_best(&cfg, c, 3, 2, 0), 0);
}

TEST(select_wait_to_restore_and_non_revertive)
{
	struct sel_cfg cfg = { SEL_G8265_1, 0, 30 * S, 255 };
	struct sel_candidate c[2] = { cand(1, 84, 128, 1), cand(2, 84, 128, 2) };
	CHECK_EQ(sel_best(&cfg, c, 2, -1, 0), 0);
	/* the primary fails, then recovers at t=100 s */
	c[0].ptsf = 1;
	CHECK_EQ(sel_best(&cfg, c, 2, 0, 50 * S), 1);
	c[0].ptsf = 0;
	c[0].restored_at = 100 * S;
	CHECK_EQ(sel_best(&cfg, c, 2, 1, 110 * S), 1);
	CHECK_EQ(sel_next_restore(&cfg, c, 2, 110 * S), 130 * S);
	CHECK_EQ(sel_best(&cfg, c, 2, 1, 130 * S), 0); /* revertive after WTR */
	cfg.non_revertive = 1;
	CHECK_EQ(sel_best(&cfg, c, 2, 1, 200 * S), 1); /* never in non-revertive */
	c[1].qualified = 0;
	CHECK_EQ(sel_best(&cfg, c, 2, 1, 200 * S), 0); /* unless the current fails */
}

TEST(select_non_revertive_lets_a_new_better_master_in)
{
	struct sel_cfg cfg = { SEL_G8265_1, 1, 0, 255 };
	struct sel_candidate c[2] = { cand(1, 84, 128, 1), cand(2, 84, 128, 2) };
	c[0].qualified = 0; /* not discovered yet */
	CHECK_EQ(sel_best(&cfg, c, 2, -1, 0), 1);
	c[0].qualified = 1; /* found late, never failed: takes over */
	CHECK_EQ(sel_best(&cfg, c, 2, 1, S), 0);
}
