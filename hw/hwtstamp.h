/* SPDX-License-Identifier: BSD-2-Clause */
/* Hardware time stamping control: ETHTOOL_GET_TS_INFO and SIOCSHWTSTAMP. */
#ifndef PTPBOX_HWTSTAMP_H
#define PTPBOX_HWTSTAMP_H

#include <stddef.h>

struct ts_info {
	int phc_index;		/* -1 when the interface has no PHC */
	unsigned so_timestamping; /* SOF_TIMESTAMPING_* the driver offers */
	unsigned tx_types;	/* bit per HWTSTAMP_TX_* */
	unsigned rx_filters;	/* bit per HWTSTAMP_FILTER_* */
};

/* Query iface with ETHTOOL_GET_TS_INFO on socket fd.  0 or -errno. */
int hwts_info(int fd, const char *iface, struct ts_info *info);

/* Enable hardware stamping of PTP v2 event packets on iface (SIOCSHWTSTAMP),
 * transmit mode one-step Sync when one_step.  Falls back from the PTP v2
 * event filter to "all" when the driver only offers that.  The driver's
 * answer must stamp every event message over UDP (and over Ethernet:
 * layer2) in the transmit mode asked for.  0, or -errno with a message in
 * err. */
int hwts_enable(int fd, const char *iface, int one_step, int layer2, char *err, size_t errlen);

#endif
