/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unicast negotiation, IEEE 1588-2019 16.1, with the G.8265.1 6.6 rules.
 *
 * Grantor (gm): a table of clients keyed by address, each holding up to
 * three grants (Announce, Sync, Delay_Resp) with interval and expiry, and a
 * min-heap with one entry per client (its earliest deadline) so 100 000
 * clients cost O(log n) per message and about 150 octets each.  A full
 * table denies new clients and keeps serving the ones it has.
 *
 * An address belongs to one portIdentity at a time (16.1 negotiates
 * between two ports).  Without authentication anyone can forge either, so
 * a new portIdentity only gets an address whose holder is gone: the
 * holder's liveness is what comes with its portIdentity (Signaling, and
 * its Delay_Req stream while it holds Delay_Resp).  A REQUEST of another
 * portIdentity is denied while the holder is alive (holder_alive() in
 * unicast.c); a holder whose grants were cancelled, by itself or in its
 * name, keeps the address reserved for a grace period, in which its own
 * REQUEST is granted at once.
 *
 * Requester (oc): per master and per message type a small state machine
 * (idle -> requested -> granted) that renews early enough to retry twice
 * before the grant expires (1588 A.9.4.2), waits at least 1 s after a denial
 * or silence and, for Sync and Delay_Resp, 60 s after three failures in a
 * row (G.8265.1 6.6); Announce is asked for every logQueryInterval
 * (unicast discovery, 1588 17.4, OCP 7.13.1).
 *
 * All times are CLOCK_MONOTONIC ns (tmv_t) supplied by the caller.
 */
#ifndef PTPBOX_UNICAST_H
#define PTPBOX_UNICAST_H

#include <stdint.h>

#include "msg.h"
#include "netaddr.h"
#include "tmv.h"

/* Index of a negotiable service. */
enum uc_svc_idx { UC_ANNOUNCE = 0, UC_SYNC = 1, UC_DELAY_RESP = 2, UC_NSVC = 3 };

/* messageType of a service and back (-1 for types that cannot be granted). */
uint8_t uc_svc_msgtype(int idx);
int uc_msgtype_svc(uint8_t messageType);

/* ---- grantor ---- */

struct uc_grantor_cfg {
	int max_clients;	      /* table size; further clients are denied */
	int exact;		      /* 1: deny a duration outside the range
				       * (G.8265.1 Annex A); 0: clamp it */
	int min_log[UC_NSVC];	      /* allowed logInterMessagePeriod, per service */
	int max_log[UC_NSVC];
	uint32_t min_duration;	      /* s */
	uint32_t max_duration;	      /* s */
	struct net_acl acl;	      /* unicast_acl: who may ask; empty: anyone */
	double max_pps;		      /* max_tx_rate_pps: packets/s all grants
				       * together may commit the grantor to
				       * (Announce, Sync, Follow_Up, Delay_Resp);
				       * 0: no budget */
	int sync_msgs;		      /* packets per Sync: 2 two-step, 1 one-step */
	double client_pps;	      /* max_client_pps: packets/s one address's
				       * grants may commit the grantor to (the
				       * per-address budget); 0: none */
	uint64_t hash_seed;	      /* varies the client index's hash (the
				       * caller's random bits, or 0) */
};

/* 24 octets: the grant table holds one per service and client */
struct uc_grant {
	tmv_t expires;		 /* ns, monotonic */
	tmv_t next_tx;		 /* ns, monotonic: the next transmission of
				  * Announce and Sync; for Delay_Resp the
				  * theoretical arrival time of the client's
				  * next Delay_Req (gm: OCP 7.12 pacing) */
	uint32_t durationField;	 /* s, as granted */
	uint16_t sequenceId;	 /* next sequenceId for this client and type */
	int8_t logInterMessagePeriod;
	uint8_t active : 1;
	uint8_t cancels : 3; /* CANCELs the grantor sent for it (closing) */
};

/* A client: 128 octets, in records that never move while it exists (the
 * address is kept as its octets; uc_client_addr() makes the net_addr to
 * send to).  The fields from in_use on are the grantor's own. */
struct uc_client {
	struct uc_grant grant[UC_NSVC];
	struct port_identity portIdentity; /* requester's sourcePortIdentity */
	uint8_t key[17];		   /* family + address octets */
	uint8_t in_use;
	uint8_t reserved;  /* its last grant ended by a CANCEL: the address
			    * stays its own for the grace period */
	uint32_t scope_id; /* IPv6 link-local: the interface */
	uint32_t idx;	   /* record index */
	uint32_t next;	   /* hash chain or free list: index + 1, 0 ends */
	uint32_t heap_pos; /* its entry in the schedule */
	tmv_t heard;	   /* ns: last Signaling or Delay_Req with its
			    * portIdentity (its liveness) */
};

/* The grace period (ns) of a holder: it may be silent this long and keep
 * its address (a reserved one, or one holding Delay_Resp, whose Delay_Req
 * stream is its sign of life): UC_GRACE_NS, or UC_GRACE_PERIODS of its
 * longest granted interval when that is longer. */
#define UC_GRACE_NS (10 * NS_PER_SEC)
#define UC_GRACE_PERIODS 4

/* The address of client c (port 0: the sender sets 319 or 320). */
void uc_client_addr(const struct uc_client *c, struct net_addr *a);

struct uc_grantor_stats {
	uint64_t requests, granted, denied, denied_full, cancels, expired;
	uint64_t cancels_ignored; /* CANCEL not from the grant's holder */
	uint64_t rejected_acl;	  /* Signaling from outside unicast_acl, unanswered */
	uint64_t denied_budget;	  /* would exceed max_tx_rate_pps */
	uint64_t denied_identity; /* address holds grants of another portIdentity
				   * that is alive, or is reserved for it */
	uint64_t taken_over;	  /* a new portIdentity at an address whose holder
				   * fell silent (its grants ended) */
	uint64_t cancel_acked;	  /* grants our CANCEL ended by ACKNOWLEDGE_CANCEL */
};

struct uc_grantor;

/* NULL when out of memory. */
struct uc_grantor *uc_grantor_create(const struct uc_grantor_cfg *cfg);
void uc_grantor_destroy(struct uc_grantor *g);

/* Packets a second the active grants commit the grantor to. */
double uc_grantor_committed_pps(const struct uc_grantor *g);

/*
 * Handle a Signaling message from `from` at time now (none from outside
 * cfg.acl: counted, no answer).  Each
 * REQUEST_UNICAST_TRANSMISSION gets a GRANT (durationField 0 = denied), each
 * CANCEL an ACKNOWLEDGE_CANCEL, appended to reply (a Signaling message the
 * caller initialised and will send back).  Returns the number of TLVs added.
 */
int uc_grantor_signaling(struct uc_grantor *g, const struct net_addr *from,
			 const struct ptp_msg *sig, tmv_t now, struct ptp_msg *reply);

/*
 * Pop the next due transmission at or before now: returns 1 with *client
 * and *svc (UC_ANNOUNCE or UC_SYNC) set, and reschedules it one granted
 * period later; returns 0 when nothing is due.  Expired grants are dropped
 * on the way (and clients with no grant left are freed).
 */
int uc_grantor_due(struct uc_grantor *g, tmv_t now, struct uc_client **client, int *svc);

/* Earliest pending deadline (ns), or INT64_MAX when idle. */
tmv_t uc_grantor_next(const struct uc_grantor *g);

/* Client with an active grant for svc at addr, or NULL. */
struct uc_client *uc_grantor_holder(struct uc_grantor *g, const struct net_addr *addr, int svc,
				    tmv_t now);

/* A message of c's (a Delay_Req) from port pid at now: c's sign of life
 * when pid is c's portIdentity. */
static inline void uc_client_heard(struct uc_client *c, const struct port_identity *pid, tmv_t now)
{
	if (!port_id_cmp(&c->portIdentity, pid)) {
		c->heard = now;
	}
}

int uc_grantor_clients(const struct uc_grantor *g);
const struct uc_grantor_stats *uc_grantor_stats(const struct uc_grantor *g);

/* Closing (shutdown): every REQUEST is denied from now on; an
 * ACKNOWLEDGE_CANCEL from a grant's holder ends that grant (16.1.4.4). */
void uc_grantor_close(struct uc_grantor *g);
/* End client c's grant of svc now (its last CANCEL went unanswered). */
void uc_grantor_end(struct uc_grantor *g, struct uc_client *c, int svc);

/* Call fn for every client (e.g. to send CANCEL at shutdown). */
void uc_grantor_foreach(struct uc_grantor *g, void (*fn)(struct uc_client *c, void *arg),
			void *arg);

/* ---- requester ---- */

enum uc_req_state { UC_IDLE, UC_REQUESTED, UC_GRANTED };

struct uc_req_svc {
	enum uc_req_state state;
	int wanted;
	int8_t logInterMessagePeriod; /* requested / granted */
	uint32_t durationField;	      /* s, granted */
	tmv_t expires;		      /* ns */
	tmv_t renew_at;		      /* ns */
	tmv_t next_req;		      /* ns: earliest next request / timeout */
	int failures;		      /* denials or silences in a row */
	int cancel_pending;	      /* send CANCEL at next poll */
	tmv_t answer_by;	      /* ns: a GRANT/denial is expected until
				       * then (0: no request outstanding) */
	tmv_t last_req;		      /* ns: the last REQUEST sent */
	tmv_t cancel_sent;	      /* ns: the last CANCEL sent */
	tmv_t granted_at;	      /* ns: the last GRANT taken */
};

struct uc_requester_cfg {
	int8_t logInterMessagePeriod[UC_NSVC]; /* what to ask for */
	uint32_t durationField;		       /* s, asked for */
	tmv_t retry;			       /* ns; >= 1 s (logQueryInterval) */
	tmv_t backoff;			       /* ns after 3 failures; 60 s */
	uint32_t min_duration, max_duration;   /* s: granted durationField
						* accepted (the profile's
						* range; max 0: any) */
	int8_t max_log[UC_NSVC];	       /* the slowest interval a grant may
						* carry (the profile's range) */
	int exact;			       /* 1: a grant must carry the
						* interval asked (G.8265.1 Annex
						* A); 0: a slower one is taken
						* (OCP 7.13.2) */
	int announce_backoff;		       /* 1: Announce waits backoff too
						* after 3 failures (G.8265.1
						* 6.6); 0: discovery goes on
						* every retry (OCP 7.13.1) */
};

struct uc_requester {
	struct uc_requester_cfg cfg;
	struct uc_req_svc svc[UC_NSVC];
};

/* Events uc_req_grant() reports */
#define UC_EV_GRANTED 1
#define UC_EV_DENIED 2
#define UC_EV_GAVE_UP 4 /* third failure in a row: backing off */
#define UC_EV_UNEXPECTED 8 /* no request outstanding: ignored */
#define UC_EV_REFUSED 16   /* another interval or a duration out of range:
			    * refused, cancelled, counted as a failure */

void uc_req_init(struct uc_requester *r, const struct uc_requester_cfg *cfg, tmv_t now);

/* Want (1) or no longer want (0) service svc.  Dropping a granted service
 * schedules a CANCEL. */
void uc_req_want(struct uc_requester *r, int svc, int want, tmv_t now);

/*
 * Append the TLVs due at now to sig (REQUEST for services to ask for or
 * renew, CANCEL for dropped ones); counts silences as failures.  Returns
 * the TLVs added; *events gets UC_EV_GAVE_UP when a service backs off.
 */
int uc_req_tick(struct uc_requester *r, tmv_t now, struct ptp_msg *sig, int *events);

/* A GRANT TLV from this master (the caller has checked its address and
 * portIdentity).  Taken only as the answer to a request sent within the
 * retry interval, with the requested logInterMessagePeriod (cfg.exact) or
 * a slower one up to max_log (OCP 7.13.2: the service then runs at the
 * granted interval, svc[].logInterMessagePeriod, and renewals ask for the
 * configured one again) and a duration in [min_duration, max_duration].
 * A faster interval is always refused.  Returns UC_EV_* flags. */
int uc_req_grant(struct uc_requester *r, const struct tlv_unicast *g, tmv_t now);

/* A CANCEL from the master (address and portIdentity checked by the
 * caller): a service held or asked for goes idle and, when still wanted,
 * is asked for again after the retry interval (see unicast.c).  Fills ack
 * (an ACKNOWLEDGE_CANCEL body), sent in any case (16.1.4.4).  Returns 1
 * when it is asked for again. */
int uc_req_cancelled(struct uc_requester *r, const struct tlv_unicast *c, tmv_t now,
		     struct tlv_unicast *ack);

/* The master's messages of svc stopped although the grant runs (a CANCEL
 * forged in our name at the master, a master that restarted and forgot
 * us, a grant that ended early): ask again now and then every retry
 * interval, instead of waiting for the renewal; not twice within a retry
 * interval (the request goes out when it ends).  Returns 1 when svc was
 * held (and is asked for again), 0 when it was not. */
int uc_req_lost(struct uc_requester *r, int svc, tmv_t now);

/* An ACKNOWLEDGE_CANCEL from the master (address and portIdentity checked
 * by the caller): one that answers no CANCEL of ours (none sent within the
 * retry interval) means a CANCEL in our name ended the grant at the
 * master: uc_req_lost(), and its value. */
int uc_req_acked(struct uc_requester *r, const struct tlv_unicast *a, tmv_t now);

/* Granted and not expired. */
int uc_req_granted(const struct uc_requester *r, int svc, tmv_t now);

/* Earliest time uc_req_tick() has something to do, ns. */
tmv_t uc_req_next(const struct uc_requester *r);

#endif
