/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Waiting until a slave clock is synchronized (`oc --wait-sync`,
 * `pmc --wait-sync`), for init scripts.  No I/O: the caller feeds the
 * port state and the offsets it sees, this decides.
 *
 * The offset is offsetFromMaster of currentDS (1588-2019 8.2.2.3; the
 * "master offset" of the servo lines and pmc's CURRENT_DATA_SET): the
 * measured time of the local clock minus the master's, ns.  The clock is
 * in sync once its port is SLAVE (the servo has locked) and every offset
 * measured during the last `settle` ns was within +-limit ns: a run of
 * offsets within the limit starts at the first one, any offset outside it
 * or a port state other than SLAVE ends the run, and the first offset
 * measured at least `settle` after the run started completes it (with
 * settle 0, the first offset within the limit in SLAVE).
 */
#ifndef PTPBOX_SYNCWAIT_H
#define PTPBOX_SYNCWAIT_H

#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "tmv.h"

struct sync_wait {
	tmv_t limit;	      /* ns: |offsetFromMaster| <= limit */
	tmv_t settle;	      /* ns */
	tmv_t run_since;      /* time of the first offset of the current run; -1: none */
	uint64_t samples;     /* offsets measured in SLAVE */
	uint64_t inside;      /* of them within the limit */
	tmv_t last, best;     /* the last offset, the smallest |offset| (ns) */
	enum port_state state; /* the last port state seen (0: none yet) */
};

/* limit and settle in ns (>= 0). */
void sync_wait_init(struct sync_wait *w, tmv_t limit, tmv_t settle);

/*
 * The port is in state at now (the caller's clock, ns; monotonic); when
 * have_offset, an offset (ns, positive: local clock ahead) was measured
 * at now.  Returns 1 when the clock is in sync (see above), else 0.
 */
int sync_wait_update(struct sync_wait *w, enum port_state state, int have_offset, tmv_t offset,
		     tmv_t now);

/* Why the clock is not (yet) in sync at now, one line without a newline
 * into buf (len octets): "no master (port LISTENING)", "never within 100
 * ns: last offset 5312 ns, smallest |offset| 3021 ns", "within 100 ns for
 * 3.2 s of the 10.0 s settling time, last offset -12 ns", ... */
void sync_wait_why(const struct sync_wait *w, tmv_t now, char *buf, size_t len);

#endif
