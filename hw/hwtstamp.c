/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hwtstamp.h"

int hwts_info(int fd, const char *iface, struct ts_info *info)
{
	struct ethtool_ts_info ti;
	struct ifreq ifr;

	memset(&ti, 0, sizeof(ti));
	memset(&ifr, 0, sizeof(ifr));
	ti.cmd = ETHTOOL_GET_TS_INFO;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	ifr.ifr_data = (char *)&ti;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
		return -errno;
	}
	info->phc_index = ti.phc_index;
	info->so_timestamping = ti.so_timestamping;
	info->tx_types = ti.tx_types;
	info->rx_filters = ti.rx_filters;
	return 0;
}

/* The receive filter a driver applied stamps every PTP v2 event message
 * over UDP (and, layer2, over Ethernet): it may widen the one asked for
 * (ALL, SOME) but not narrow it. */
static int rx_filter_covers(int applied, int layer2)
{
	return applied == HWTSTAMP_FILTER_ALL || applied == HWTSTAMP_FILTER_SOME ||
	       applied == HWTSTAMP_FILTER_PTP_V2_EVENT ||
	       (!layer2 && applied == HWTSTAMP_FILTER_PTP_V2_L4_EVENT);
}

int hwts_enable(int fd, const char *iface, int one_step, int layer2, char *err, size_t errlen)
{
	struct hwtstamp_config cfg, want;
	struct ts_info info;
	struct ifreq ifr;
	int r;

	r = hwts_info(fd, iface, &info);
	if (r) {
		snprintf(err, errlen, "%s: ETHTOOL_GET_TS_INFO: %s", iface, strerror(-r));
		return r;
	}
	if (!(info.so_timestamping & SOF_TIMESTAMPING_TX_HARDWARE) ||
	    !(info.so_timestamping & SOF_TIMESTAMPING_RX_HARDWARE) || info.phc_index < 0) {
		snprintf(err, errlen,
			 "%s: no hardware time stamping (use time_stamping software)", iface);
		return -EOPNOTSUPP;
	}
	if (one_step && !(info.tx_types & (1u << HWTSTAMP_TX_ONESTEP_SYNC))) {
		snprintf(err, errlen, "%s: no one-step Sync in hardware (set twoStepFlag 1)",
			 iface);
		return -EOPNOTSUPP;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.tx_type = one_step ? HWTSTAMP_TX_ONESTEP_SYNC : HWTSTAMP_TX_ON;
	cfg.rx_filter = HWTSTAMP_FILTER_PTP_V2_EVENT;
	if (!(info.rx_filters & (1u << HWTSTAMP_FILTER_PTP_V2_EVENT)) &&
	    (info.rx_filters & (1u << HWTSTAMP_FILTER_ALL))) {
		cfg.rx_filter = HWTSTAMP_FILTER_ALL;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	ifr.ifr_data = (char *)&cfg;
	want = cfg;
	if (ioctl(fd, SIOCSHWTSTAMP, &ifr) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: SIOCSHWTSTAMP: %s", iface, strerror(errno));
		return r;
	}
	/* the driver writes back what it applied: a narrower receive filter
	 * or another transmit mode would leave messages without stamps (a
	 * client that never locks, with no word why) */
	if (cfg.tx_type != want.tx_type) {
		snprintf(err, errlen, "%s: SIOCSHWTSTAMP: the driver applied tx_type %d, not %d", iface,
			 cfg.tx_type, want.tx_type);
		return -EOPNOTSUPP;
	}
	if (!rx_filter_covers(cfg.rx_filter, layer2)) {
		snprintf(err, errlen,
			 "%s: SIOCSHWTSTAMP: the driver applied rx_filter %d, which does not stamp "
			 "every PTP v2 event message (asked %d)",
			 iface, cfg.rx_filter, want.rx_filter);
		return -EOPNOTSUPP;
	}
	return 0;
}
