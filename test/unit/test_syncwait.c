/* SPDX-License-Identifier: BSD-2-Clause */
/* core/syncwait: when oc and pmc --wait-sync say in sync, and why not. */
#include "../../core/syncwait.h"
#include "test.h"

#define S NS_PER_SEC

TEST(syncwait_settles_then_reports)
{
	struct sync_wait w;
	char why[200];

	sync_wait_init(&w, 100, 3 * S);
	sync_wait_why(&w, 0, why, sizeof(why));
	CHECK_STR(why, "no master (port unknown)");
	CHECK_EQ(sync_wait_update(&w, PS_LISTENING, 0, 0, 1 * S), 0);
	sync_wait_why(&w, 1 * S, why, sizeof(why));
	CHECK_STR(why, "no master (port LISTENING)");
	/* offsets while UNCALIBRATED do not count */
	CHECK_EQ(sync_wait_update(&w, PS_UNCALIBRATED, 1, 5, 2 * S), 0);
	sync_wait_why(&w, 2 * S, why, sizeof(why));
	CHECK_STR(why, "the servo has not locked");
	CHECK_EQ(w.samples, 0);
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 500, 3 * S), 0);
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, -300, 4 * S), 0);
	sync_wait_why(&w, 4 * S, why, sizeof(why));
	CHECK_STR(why, "never within 100 ns: last offset -300 ns, smallest |offset| 300 ns");
	/* a run from 5 s: in sync with the first offset at 8 s or later */
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 100, 5 * S), 0);
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 0, 0, 6 * S), 0);
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, -100, 7 * S), 0);
	sync_wait_why(&w, 7 * S, why, sizeof(why));
	CHECK_STR(why, "within 100 ns for 2.0 s of the 3.0 s settling time, last offset -100 ns");
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 0, 0, 8 * S), 0); /* no new offset */
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 0, 8 * S), 1);
}

TEST(syncwait_run_ends_outside_or_out_of_slave)
{
	struct sync_wait w;
	char why[200];

	sync_wait_init(&w, 100, 2 * S);
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 10, 1 * S), 0);
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 101, 2 * S), 0); /* outside: run over */
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 10, 3 * S), 0);
	sync_wait_why(&w, 3 * S, why, sizeof(why));
	CHECK_STR(why, "within 100 ns for 0.0 s");
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 10, 4 * S), 0);
	CHECK_EQ(sync_wait_update(&w, PS_UNCALIBRATED, 0, 0, 4 * S), 0); /* a new master */
	sync_wait_why(&w, 4 * S, why, sizeof(why));
	CHECK_STR(why, "not within 100 ns now: last offset 10 ns (port UNCALIBRATED)");
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 10, 5 * S), 0);
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, -100, 7 * S), 1);
	/* settle 0: the first offset within the limit in SLAVE */
	sync_wait_init(&w, 0, 0);
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 1, 1 * S), 0);
	CHECK_EQ(sync_wait_update(&w, PS_SLAVE, 1, 0, 2 * S), 1);
}
