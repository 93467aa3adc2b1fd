/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * End-to-end transparent clock engine (IEEE 1588-2019 10.2, OCP DC profile
 * 7.9-7.10).  Like the other engines it makes no system call and owns no
 * loop: the adapter hands it whole layer-2 frames received on its ports
 * with their receive timestamps, transmit timestamps of the frames it asked
 * to be stamped, and the time; the engine sends frames through ops.
 *
 * Frames: Ethernet II (optionally one or two 802.1Q/802.1ad tags) carrying
 * IPv4 or IPv6 + UDP to port 319 (event) or 320 (general), or PTP directly
 * (ethertype 0x88F7).  A frame is forwarded unchanged except the PTP
 * correctionField and, for UDP, the checksum (updated incrementally, RFC
 * 1624; an IPv4 zero checksum stays zero; OCP 7.4).  Anything else, and
 * PTP that does not parse, is forwarded unchanged and counted.
 *
 * Residence time (10.2.2) = egress timestamp - ingress timestamp on the
 * TC's own clock (ops->eng.clk; free-running, OCP 7.15).  One outside
 * 0..TC_HOLD_NS (the clock stepped, a wrong stamp) is never used: the
 * message it belongs to is dropped and counted (res_invalid), as a lost
 * one costs the slave a sample where a false correction would cost it
 * its time.
 *   tc_egress one_step (default; OCP 7.9: a TC must support it): the
 *     residence up to a clock reading just before the send is added to the
 *     Sync or Delay_Req itself (both a one-step and a two-step Sync: the
 *     slave adds the Sync's and the Follow_Up's correctionField); the
 *     transmit timestamp measures what that write-ahead missed (per port
 *     mean and max: the queueing after the reading).
 *   tc_egress two_step: Sync and Delay_Req leave unchanged; the residence
 *     from their transmit timestamps goes into the Follow_Up (matched by
 *     domain, sequenceId, sourcePortIdentity and egress port) or into the
 *     Delay_Resp (10.2.2.2.3: requestingPortIdentity and sequenceId, the
 *     port the Delay_Req left by).  A one-step Sync leaves with
 *     twoStepFlag set and the TC sends its Follow_Up (10.2.2.1.2:
 *     preciseOriginTimestamp = its originTimestamp, correctionField = the
 *     residence; at most 32 waiting, beyond that written ahead).  A
 *     Follow_Up or Delay_Resp waiting for its event message's timestamp is
 *     held at most TC_HOLD_NS; later, or never matched, it is dropped and
 *     counted (OCP 7.10: Delay_Req and Delay_Resp must cross the same TC).
 * Syntonization (tc_syntonize 1, the default): a residence measured on the
 * TC's free-running clock is off by that clock's frequency error (40 ppm
 * of a 50 ms residence: 2 us), so it is scaled by the rate ratio of the
 * grandmaster over the TC's clock before it is written.  The ratio is
 * measured from the Syncs the TC forwards from the source the clocks
 * downstream follow: tc_syntonize_source when set (a clockIdentity: any
 * port of it; or a portIdentity), else, per domain, the sender of the best
 * Announce (1588-2019 9.3.4, core/bmca.c) seen crossing the TC within the
 * last 4 of its announce intervals; the Syncs of any other source (one
 * that sent no Announce: a forged one) never move the ratio.  A
 * measurement is (originTimestamp, or the Follow_Up's
 * preciseOriginTimestamp, + the correctionFields) against the Sync's
 * ingress stamp, over TC_RATE_BASE_NS or more, per sourcePortIdentity
 * and domain (TC_RATE_SOURCES, the least recently heard replaced), smoothed
 * (1/4 of each new measurement).  A Sync's residence takes its source's
 * ratio, a Delay_Req's the ratio last measured from any source (the
 * grandmasters of a domain run at one rate).  A measurement beyond
 * TC_RATE_MAX_PPB (a clock stepped, a source's clock free-running beyond
 * what 1588 allows, a forged Sync) is counted and discarded, so nothing on
 * the wire moves a correction by more than that fraction of the residence;
 * until the first measurement the ratio is 1.
 * Announce, Signaling, Management and everything else pass unchanged
 * (a TC takes no part in negotiation, OCP 7.2).
 * Authentication (1588-2019 16.14): a message with an AUTHENTICATION TLV
 * crosses with it intact; its ICV still holds where the end points' SA
 * has allow_mutable 1 (correctionField left out).  With an SA of its own
 * (ops.eng.auth: sa_file, spp) the TC is on the path's trust: a PTP
 * message without a valid TLV of that SA is dropped and counted, and the
 * ICV of every message it changes is computed again after the change
 * (on-path processing), so the end points can keep correctionField in the
 * ICV (allow_mutable 0).  Without an SA, an authenticated one-step Sync is
 * never turned two-step (that changes more than correctionField): its
 * residence is written ahead.
 */
#ifndef PTPBOX_TC_H
#define PTPBOX_TC_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

#define TC_MAX_PORTS 16
#define TC_FRAME_MAX 1522	 /* a tagged Ethernet frame without FCS */
#define TC_HOLD_NS 100000000LL /* longest a Follow_Up/Delay_Resp waits, ns */
#define TC_RATE_SOURCES 4	 /* Sync sources the rate ratio is kept for */
#define TC_RATE_BASE_NS 4000000000LL /* shortest baseline of one ratio, ns */
/* |rate ratio - 1| accepted, ppb: two clocks of 1588's +-100 ppm free run */
#define TC_RATE_MAX_PPB 200000

enum { TC_ONE_STEP = 0, TC_TWO_STEP = 1 }; /* tc_egress */

struct tc_ops {
	/* log, clk (the TC's clock: gettime for one-step write-ahead;
	 * timestamps are on it), io, log_level; eng.send is not used */
	struct eng_ops eng;
	/* Send len octets (a layer-2 frame) out of port (1..n).  want_ts:
	 * its transmit timestamp comes back through tc_tx_ts(id).  Returns
	 * the id (>= 0; 0 when !want_ts) or -errno.  frame only borrowed. */
	int (*send_frame)(void *io, int port, const uint8_t *frame, size_t len, int want_ts);
	/* The ports a frame from in_port goes out of: bit p for port p (the
	 * bridge's forwarding database for the destination MAC, all other
	 * ports for multicast and unknown unicast).  in_port is removed by
	 * the engine. */
	uint32_t (*egress)(void *io, int in_port, const uint8_t *frame, size_t len);
};

/* Per port counters (the summary line and management). */
struct tc_port_stats {
	uint64_t rx_frames, tx_frames;	   /* PTP frames in / out */
	uint64_t rx_msg[16], tx_msg[16];   /* per messageType */
	uint64_t corrected;		   /* frames whose correctionField we changed */
	uint64_t rx_bad;		   /* not parsable as PTP: forwarded unchanged */
	uint64_t tx_err;		   /* send failed */
	uint64_t tx_ts_missing;		   /* a transmit timestamp never came */
	uint64_t dropped_unmatched;	   /* Follow_Up/Delay_Resp without its event message */
	uint64_t dropped_late;		   /* waited longer than TC_HOLD_NS */
	uint64_t res_invalid;		   /* residence outside 0..TC_HOLD_NS (clock
					    * stepped, bad stamp): one-step event
					    * dropped, two-step Follow_Up/Delay_Resp
					    * dropped as unmatched */
	uint64_t auth_dropped;		   /* with an SA: no valid AUTHENTICATION
					    * TLV of it (missing, bad ICV, unknown
					    * key), dropped */
	uint64_t corr_saturated;	   /* correctionField + residence beyond
					    * Integer64: sent as 0x7FFF...F */
	/* residence time of event messages leaving this port, ns */
	uint64_t res_n;
	double res_sum, res_max;
	/* one-step: transmit timestamp - the egress time written, ns */
	uint64_t wa_n;
	double wa_sum, wa_max;
};

struct tc;
struct config;
struct mgmt_value;

/* A TC over n_ports ports (2..TC_MAX_PORTS) named names[0..n-1] (port p is
 * names[p-1]), configured by cfg (tc_egress, tc_syntonize_source: not a
 * clock or port identity is an error naming where it was set; domainNumber is not filtered:
 * a TC forwards every domain; it is the primaryDomain its management
 * reports), with clockIdentity *id (management only: a TC sends no message
 * of its own but the Follow_Ups of 10.2.2.1.2, which carry the Sync's
 * identity).  ops is copied.  NULL with a message in err on bad arguments
 * or no memory. */
struct tc *tc_create(const struct config *cfg, const struct clock_identity *id, int n_ports,
		     const char *const *names, const struct tc_ops *ops, char *err,
		     size_t errlen);

/* A frame of len octets received on port (1..n) at rx_ts (the TC clock's
 * time scale, ns; 0 = no timestamp: event messages are then forwarded
 * unchanged and counted as rx_bad).  now: monotonic ns. */
void tc_rx(struct tc *t, int port, const uint8_t *frame, size_t len, tmv_t rx_ts, tmv_t now);

/* The transmit timestamp (ns, TC clock; 0 = none came) of frame id. */
void tc_tx_ts(struct tc *t, int id, tmv_t tx_ts, tmv_t now);

/* Expire what waited too long; returns the next deadline (ns, INT64_MAX:
 * none). */
tmv_t tc_tick(struct tc *t, tmv_t now);

/* Port p's counters (1..n), NULL out of range. */
const struct tc_port_stats *tc_port_stats(const struct tc *t, int port);

/* One summary line per port at LOG_INFO (frames, corrected, residence
 * mean/max, write-ahead error mean/max, drops), and one of the rate ratio. */
void tc_log_summary(struct tc *t);

/* The rate ratio residences are scaled by now (grandmaster over the TC's
 * clock) - 1, in ppb (positive: the grandmaster's clock runs faster) into
 * *ppb, with the counts of ratio measurements taken and discarded (beyond
 * TC_RATE_MAX_PPB) into *n and *rejected (either may be NULL).  Returns 1
 * when a ratio is in use, 0 while none has been measured or tc_syntonize
 * is 0 (*ppb = 0: residences as measured). */
int tc_rate_ratio(const struct tc *t, double *ppb, uint64_t *n, uint64_t *rejected);

/* Management GET of v->id as port `port` (1..n) answers it (clock-level
 * ids ignore port): DEFAULT_DATA_SET (numberPorts, twoStepFlag = two_step
 * egress; 1588-2019 8.2.1), TRANSPARENT_CLOCK_DEFAULT_DATA_SET and
 * TRANSPARENT_CLOCK_PORT_DATA_SET (1588-2008 8.3.2, 8.3.3: E2E, no
 * peerMeanPathDelay), DOMAIN, VERSION_NUMBER, PORT_STATS_NP (PTP messages
 * in and out of the port by messageType) and TC_PORT_STATS_NP (the port's
 * tc_port_stats; residence and write-ahead error in ns, means rounded).
 * 0, or -MERR_NOT_SUPPORTED for other ids or a port-level id with port out
 * of range. */
int tc_mgmt_get(struct tc *t, struct mgmt_value *v, int port);

void tc_destroy(struct tc *t);

/*
 * Frame layout helpers (pure, shared with tests and the simulator).
 */
struct tc_frame {
	size_t ptp_off, ptp_len; /* PTP message in the frame */
	size_t udp_off;		 /* UDP header; 0 for PTP over Ethernet */
	size_t ip_off;		 /* IPv4/IPv6 header */
	int ip;			 /* 4, 6, or 0 for PTP over Ethernet */
	int event;		 /* UDP 319 or an event messageType over Ethernet */
};

/* Locate the PTP message of a frame: 0, or -EPROTO (not PTP), -EBADMSG
 * (PTP by its ports but truncated: shorter than a PTP header or than its
 * messageLength). */
int tc_frame_parse(const uint8_t *frame, size_t len, struct tc_frame *f);

/* Add delta_scaled (correctionField units: ns * 2^16, either sign) to the
 * message's correctionField, updating the UDP checksum (RFC 1624) unless it
 * is an IPv4 zero checksum.  A sum beyond Integer64 saturates (1588-2019
 * 5.3.2: 0x7FFF FFFF FFFF FFFF, the largest, means "too big"; INT64_MIN
 * below) and never wraps: returns 1 then, else 0. */
int tc_frame_add_correction(uint8_t *frame, const struct tc_frame *f, int64_t delta_scaled);

/* Compute and write the UDP checksum of a UDP frame in full, whatever its
 * field held (a sender's checksum left to offload: CHECKSUM_PARTIAL);
 * a result of 0 is sent as 0xffff.  Nothing for PTP over Ethernet. */
void tc_frame_udp_fill(uint8_t *frame, const struct tc_frame *f);

/* The UDP checksum of a frame computed in full (IPv4/IPv6 pseudo-header):
 * 1 when it verifies (or is an IPv4 zero checksum), 0 when not. */
int tc_frame_udp_ok(const uint8_t *frame, const struct tc_frame *f);

/* Build an Ethernet II + IPv4 (ip 4) or IPv6 (6) + UDP frame around a PTP
 * message, with a valid UDP checksum, into out (TC_FRAME_MAX).  Addresses
 * from src/dst (net_addr of the matching family), MACs given.  Returns the
 * frame length or -EMSGSIZE.  (The simulator's links carry these.) */
int tc_frame_build(uint8_t *out, const uint8_t dst_mac[6], const uint8_t src_mac[6],
		   const struct net_addr *src, const struct net_addr *dst, int event,
		   const uint8_t *msg, size_t len);

#endif
