/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Best master clock: data set comparison of IEEE 1588-2019 9.3.4
 * (Figures 34 and 35) and foreign master qualification (9.3.2.5).
 */
#ifndef PTPBOX_BMCA_H
#define PTPBOX_BMCA_H

#include <stdint.h>

#include "msg.h"
#include "tmv.h"

/* The attributes 9.3.4 compares, taken from an Announce (or the local
 * defaultDS for D0). */
struct bmca_ds {
	uint8_t priority1;
	struct clock_identity identity; /* grandmasterIdentity */
	struct clock_quality quality;
	uint8_t priority2;
	uint16_t stepsRemoved;
	struct port_identity sender;   /* sourcePortIdentity of the Announce */
	struct port_identity receiver; /* our port that received it */
};

/* Fill ds from a received Announce m arriving on port rx. */
void bmca_ds_from_announce(struct bmca_ds *ds, const struct ptp_msg *m,
			   const struct port_identity *rx);

/*
 * Compare a and b (9.3.4).  Returns < 0 when a is better, > 0 when b is
 * better, 0 when they are the same (Figure 35 "error-2": same sender).
 * A magnitude of 2 means better by attributes, 1 better by topology.
 */
int bmca_compare(const struct bmca_ds *a, const struct bmca_ds *b);

/* 9.3.2.5: FOREIGN_MASTER_THRESHOLD Announce messages within
 * FOREIGN_MASTER_TIME_WINDOW announce intervals qualify a foreign master. */
#define FOREIGN_MASTER_THRESHOLD 2
#define FOREIGN_MASTER_TIME_WINDOW 4

struct fm_window {
	tmv_t rx[FOREIGN_MASTER_THRESHOLD]; /* monotonic ns of the last Announces */
	int n;
};

/* Record an Announce received at now (monotonic ns); returns 1 when the
 * master is qualified: FOREIGN_MASTER_THRESHOLD messages within the window
 * of FOREIGN_MASTER_TIME_WINDOW intervals of 2^logAnnounceInterval s. */
int fm_window_add(struct fm_window *w, tmv_t now, int logAnnounceInterval);

#endif
