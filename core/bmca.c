/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "bmca.h"

void bmca_ds_from_announce(struct bmca_ds *ds, const struct ptp_msg *m,
			   const struct port_identity *rx)
{
	ds->priority1 = m->body.announce.grandmasterPriority1;
	ds->identity = m->body.announce.grandmasterIdentity;
	ds->quality = m->body.announce.grandmasterClockQuality;
	ds->priority2 = m->body.announce.grandmasterPriority2;
	ds->stepsRemoved = m->body.announce.stepsRemoved;
	ds->sender = m->hdr.sourcePortIdentity;
	ds->receiver = *rx;
}

/* Figure 35: same grandmaster, compare by topology. */
static int compare_topology(const struct bmca_ds *a, const struct bmca_ds *b)
{
	int r;

	if (a->stepsRemoved > b->stepsRemoved + 1) {
		return 2; /* b better */
	}
	if (b->stepsRemoved > a->stepsRemoved + 1) {
		return -2;
	}
	if (a->stepsRemoved > b->stepsRemoved) {
		/* receiver vs sender of a decides "better" or "better by
		 * topology"; b wins either way (equal is error-1) */
		r = port_id_cmp(&a->receiver, &a->sender);
		return r < 0 ? 2 : r > 0 ? 1 : 0;
	}
	if (b->stepsRemoved > a->stepsRemoved) {
		r = port_id_cmp(&b->receiver, &b->sender);
		return r < 0 ? -2 : r > 0 ? -1 : 0;
	}
	r = clock_id_cmp(&a->sender.clockIdentity, &b->sender.clockIdentity);
	if (r) {
		return r < 0 ? -1 : 1;
	}
	if (a->receiver.portNumber != b->receiver.portNumber) {
		return a->receiver.portNumber < b->receiver.portNumber ? -1 : 1;
	}
	return 0; /* error-2 */
}

int bmca_compare(const struct bmca_ds *a, const struct bmca_ds *b)
{
	int r;

	/* Figure 34 */
	if (clock_id_cmp(&a->identity, &b->identity) == 0) {
		return compare_topology(a, b);
	}
	if (a->priority1 != b->priority1) {
		return a->priority1 < b->priority1 ? -2 : 2;
	}
	if (a->quality.clockClass != b->quality.clockClass) {
		return a->quality.clockClass < b->quality.clockClass ? -2 : 2;
	}
	if (a->quality.clockAccuracy != b->quality.clockAccuracy) {
		return a->quality.clockAccuracy < b->quality.clockAccuracy ? -2 : 2;
	}
	if (a->quality.offsetScaledLogVariance != b->quality.offsetScaledLogVariance) {
		return a->quality.offsetScaledLogVariance < b->quality.offsetScaledLogVariance
			       ? -2
			       : 2;
	}
	if (a->priority2 != b->priority2) {
		return a->priority2 < b->priority2 ? -2 : 2;
	}
	r = clock_id_cmp(&a->identity, &b->identity);
	return r < 0 ? -2 : 2;
}

int fm_window_add(struct fm_window *w, tmv_t now, int logAnnounceInterval)
{
	tmv_t window = FOREIGN_MASTER_TIME_WINDOW * log2_interval_ns(logAnnounceInterval);
	int i, n = 0;

	/* shift in the new arrival, keep the newest THRESHOLD */
	for (i = FOREIGN_MASTER_THRESHOLD - 1; i > 0; i--) {
		w->rx[i] = w->rx[i - 1];
	}
	w->rx[0] = now;
	if (w->n < FOREIGN_MASTER_THRESHOLD) {
		w->n++;
	}
	for (i = 0; i < w->n; i++) {
		if (now - w->rx[i] <= window) {
			n++;
		}
	}
	return n >= FOREIGN_MASTER_THRESHOLD;
}
