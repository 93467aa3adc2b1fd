/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a protocol engine (core/oc, core/gm, later core/tc) may do to the
 * world, and the helpers they share (docs/architecture.md section 3).
 *
 * An engine is plain state driven by three kinds of call: a datagram arrived
 * (bytes, receive timestamp, source address), a transmit timestamp arrived
 * (for a message it asked to be stamped), and "time is now T" (it returns
 * its next deadline).  It never blocks, never owns a loop, never makes a
 * system call: everything it does goes through struct eng_ops.  cmd/ wires
 * the ops to sockets and kernel clocks; test/sim/ to simulated links and
 * oscillators.
 *
 * Time bases:
 *   now         the adapter's monotonic time, ns (CLOCK_MONOTONIC in cmd/,
 *               simulated time in the simulator); all timers run on it
 *   rx_ts/tx_ts timestamps in the engine clock's (ops->clk) time scale, ns;
 *               0 = no timestamp
 */
#ifndef PTPBOX_ENGINE_H
#define PTPBOX_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <syslog.h> /* LOG_ERR..LOG_DEBUG, constants only */

#include "auth.h"
#include "clock.h"
#include "msg.h"
#include "netaddr.h"
#include "tmv.h"

struct eng_ops {
	/*
	 * Send len octets of buf to `to` from the engine's port `port` (1..N)
	 * on the event (319, event != 0) or general (320) UDP port.  want_ts:
	 * the engine expects its transmit timestamp through *_tx_ts(id).
	 * Returns the id (>= 0; 0 when !want_ts) or -errno.  buf is only
	 * borrowed for the call.
	 */
	int (*send)(void *io, int port, int event, const struct net_addr *to, const uint8_t *buf,
		    size_t len, int want_ts);
	/* One formatted log line (no newline) at a syslog level. */
	void (*log)(void *io, int level, const char *line);
	/* Address text of the configuration (unicast master table) to an
	 * address of transport (TRANS_UDP_IPV4/6).  0 or -EINVAL. */
	int (*addr_parse)(void *io, int transport, const char *text, struct net_addr *a);
	/* A MANAGEMENT message for the management agent; NULL: counted and
	 * dropped.  authenticated: it carried a valid AUTHENTICATION TLV of
	 * the port's SA (always 0 when auth is NULL); the agent decides what
	 * an unauthenticated request may do. */
	void (*mgmt)(void *io, const struct ptp_msg *m, const struct net_addr *from,
		     int authenticated);
	/* 1588-2019 16.14 (core/auth.h): when set, every message sent
	 * carries the AUTHENTICATION TLV and every message received without
	 * a valid one is counted and dropped before the engine sees it */
	struct auth_port *auth;
	struct clk *clk; /* the clock the engine reads and disciplines */
	void *io;	 /* the adapter's context, first argument of the ops */
	int log_level;	 /* lines above this syslog level are not formatted */
	/* minorVersionPTP of what eng_send_msg sends (1588-2019 13.3.2.3:
	 * 1; a 1588-2008 profile, G.8265.1: 0); gm_create and oc_create set
	 * it from the configuration */
	int ptp_minor;
};

/* The engine's port: identity and names. */
struct eng_port {
	struct clock_identity clockIdentity; /* portNumber is 1 */
	const char *iface;		     /* for "port 1 (IFACE)" log lines */
	int transport;			     /* TRANS_UDP_IPV4 or TRANS_UDP_IPV6 */
	int hw_ts;			     /* hardware timestamps (log only) */
};

/* Counters of one port (PORT_STATS_NP and the exit summary). */
struct eng_counters {
	uint64_t rx_msg[16], tx_msg[16]; /* per messageType */
	uint64_t rx_bad;		 /* malformed datagrams, dropped */
	uint64_t rx_other_domain;	 /* other domainNumber or sdoId != 0, dropped */
	uint64_t rx_unknown_src;	 /* not from a master or client we know */
	uint64_t tx_err;		 /* send failed */
	uint64_t tx_ts_missing;		 /* transmit timestamp never came */
	uint64_t tx_ts_late;		 /* came after its deadline */
	uint64_t rx_ts_missing;		 /* oc: Sync of its master without a receive
					  * timestamp, dropped */
	/* negotiation answers and requests refused (PORT_REFUSALS_NP) */
	uint64_t uc_unexpected;		 /* oc: GRANT/denial, no request out;
					  * Signaling for another port */
	uint64_t uc_refused;		 /* oc: grant other than asked */
	uint64_t uc_wrong_sender;	 /* oc: master's address, other portIdentity
					  * (Signaling; Announce while the master's
					  * is not silent) */
	uint64_t uc_acl, uc_budget, uc_full, uc_cancel_ignored; /* gm: grantor */
	uint64_t uc_identity; /* gm: REQUEST from an address holding another port's grants */
	/* authentication (1588-2019 16.14), messages dropped: no
	 * AUTHENTICATION TLV (or not last), ICV wrong or TLV malformed, keyID
	 * not in the SA, sequenceId replayed */
	uint64_t auth_missing, auth_bad_icv, auth_unknown_key, auth_replay;
	uint64_t dreq_excess;	  /* gm: Delay_Req over the client's granted rate
				   * (OCP 7.12), unanswered */
	uint64_t utc_offset_held; /* oc: Announces whose currentUtcOffset change was
				   * held (outside a leap second, too few agreeing) */
};

/* Format and log a line through ops->log when level <= ops->log_level. */
void eng_log(const struct eng_ops *ops, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Header of a message from port: version 2.1, domain, unicastFlag (OCP 7.13,
 * G.8265.1 Table A.6), sourcePortIdentity, sequenceId, logMessageInterval
 * (0x7f where 13.3.2.14 says "not applicable"). */
void eng_msg_init(struct ptp_msg *m, uint8_t type, uint8_t domain,
		  const struct port_identity *port, uint16_t seq, int8_t log);

/* Pack m (with the AUTHENTICATION TLV when ops->auth) and send it through
 * ops->send from port 1; counts tx_msg/tx_err.  Returns the id (want_ts) or
 * 0, or -errno. */
int eng_send_msg(const struct eng_ops *ops, struct eng_counters *cnt, int event,
		 const struct ptp_msg *m, const struct net_addr *to, int want_ts);

/* A datagram received by a port of domain whose identity is self: 0 with *m
 * (TLV values point into buf) for the engine, or -EBADMSG (malformed,
 * counted in rx_bad), -EACCES (ops->auth set and no valid AUTHENTICATION
 * TLV, or a replayed sequenceId: counted in auth_*), -EXDEV (other
 * domainNumber, or an sdoId other than 0: 1588-2019 7.1.4, OCP 7.8;
 * counted), -ELOOP (our own message), -EAGAIN (MANAGEMENT, handed to
 * ops->mgmt, authenticated or not: the agent decides).  An authenticated
 * message reaches the engine without its AUTHENTICATION TLV. */
int eng_receive(const struct eng_ops *ops, struct eng_counters *cnt, const uint8_t *buf,
		size_t len, uint8_t domain, const struct port_identity *self,
		const struct net_addr *from, struct ptp_msg *m);

struct config;
struct mgmt_value;
/* Management SET PRIORITY1/PRIORITY2 (v->id) into *p when within the
 * profile's range (1588-2019 15.5.3.3.2/3); 0 or -MERR_WRONG_VALUE, logged. */
int eng_set_priority(const struct eng_ops *ops, const struct config *cfg,
		     const struct mgmt_value *v, uint8_t *p);

/* Earlier of two deadlines (ns). */
static inline tmv_t eng_min(tmv_t a, tmv_t b)
{
	return a < b ? a : b;
}

#endif
