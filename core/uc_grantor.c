/* SPDX-License-Identifier: BSD-2-Clause */
/* The unicast grantor's negotiation (1588-2019 16.1; G.8265.1 6.6; OCP
 * 7.13): REQUEST, CANCEL and ACKNOWLEDGE_CANCEL from clients, who may hold
 * an address, the budget.  Runs per negotiation message, not per
 * transmission: -Os in the static build.  The schedule and the index are in
 * core/unicast.c (uc_grantor.h).  See unicast.h. */
#include <errno.h>
#include <netinet/in.h> /* sockaddr_in6: a data type only */
#include <stdlib.h>
#include <string.h>

#include "tlv.h"
#include "uc_grantor.h"

/* Double the head table (to at least the clients held); -ENOMEM. */
static int grow_index(struct uc_grantor *g)
{
	uint32_t n = g->n_bucket ? 2 * g->n_bucket : 64, i, *b = calloc(n, sizeof(*b));
	if (!b) {
		return -ENOMEM;
	}
	free(g->bucket);
	g->bucket = b;
	g->n_bucket = n;
	for (i = 0; i < g->n_rec; i++) {
		struct uc_client *c = uc_rec(g, i);
		if (c->in_use) {
			uint32_t h = uc_key_bucket(g, c->key);
			c->next = b[h];
			b[h] = i + 1;
		}
	}
	return 0;
}

static int live(const struct uc_grant *gt, tmv_t now)
{
	return gt->active && now < gt->expires;
}

/*
 * Whether c's portIdentity keeps its address against another one asking
 * (16.1: a grant is a contract between two ports; the address alone is
 * all an off-path forger needs to send from, so it decides nothing):
 *  - holding Delay_Resp: while its Delay_Req (or Signaling) keeps coming,
 *    within the grace period;
 *  - holding Announce or Sync only: until they expire (renewals, its only
 *    sign of life, come shortly before the end);
 *  - holding nothing after a CANCEL (its own, or a forger's in its name):
 *    for the grace period after it was last heard.
 * 1588-2019 16.1.4.1.3 lets a grantor deny any request; denying the
 * newcomer keeps the service of the port that has it.
 */
static int holder_alive(const struct uc_client *c, tmv_t now)
{
	int any = live(&c->grant[UC_ANNOUNCE], now) || live(&c->grant[UC_SYNC], now) ||
		  live(&c->grant[UC_DELAY_RESP], now);

	if (any && !live(&c->grant[UC_DELAY_RESP], now)) {
		return 1;
	}
	if (!any && !c->reserved) {
		return 0;
	}
	return now - c->heard < uc_grace(c);
}

/* The holder of c's address fell silent: the address is port pid's now;
 * what the old port still held ends. */
static void take_over(struct uc_grantor *g, struct uc_client *c, const struct port_identity *pid)
{
	int i;

	for (i = 0; i < UC_NSVC; i++) {
		uc_grant_end(g, c, i);
	}
	memset(c->grant, 0, sizeof(c->grant));
	c->portIdentity = *pid;
	c->reserved = 0;
	g->st.taken_over++;
}

/* A new client record for from, indexed and scheduled (idle); NULL when
 * out of memory. */
static struct uc_client *new_client(struct uc_grantor *g, const struct net_addr *from)
{
	struct uc_client *c;
	uint32_t idx, h;

	if ((uint32_t)g->n_clients + 1 > g->n_bucket && grow_index(g)) {
		return NULL;
	}
	if (g->n_heap == g->cap_heap) {
		uint32_t cap = g->cap_heap ? 2 * g->cap_heap : 64;
		struct heap_ent *n = realloc(g->heap, (size_t)cap * sizeof(*n));
		if (!n) {
			return NULL;
		}
		g->heap = n;
		g->cap_heap = cap;
	}
	if (g->free_head) {
		idx = g->free_head - 1;
		g->free_head = uc_rec(g, idx)->next;
	} else {
		if (g->n_rec == g->n_chunk * UC_CHUNK) {
			struct uc_client **n = realloc(g->chunk, (g->n_chunk + 1) * sizeof(*n));
			if (!n) {
				return NULL;
			}
			g->chunk = n;
			if (!(n[g->n_chunk] = calloc(UC_CHUNK, sizeof(**n)))) {
				return NULL;
			}
			g->n_chunk++;
		}
		idx = g->n_rec++;
	}
	c = uc_rec(g, idx);
	memset(c, 0, sizeof(*c));
	c->idx = idx;
	c->in_use = 1;
	uc_make_key(from, c->key);
	if (from->ss.ss_family == AF_INET6) {
		c->scope_id = ((const struct sockaddr_in6 *)&from->ss)->sin6_scope_id;
	}
	h = uc_key_bucket(g, c->key);
	c->next = g->bucket[h];
	g->bucket[h] = idx + 1;
	g->heap[g->n_heap].when = INT64_MIN;
	g->heap[g->n_heap].idx = idx;
	c->heap_pos = g->n_heap++;
	uc_sift_up(g, c->heap_pos);
	g->n_clients++;
	return c;
}

struct uc_grantor *uc_grantor_create(const struct uc_grantor_cfg *cfg)
{
	struct uc_grantor *g = calloc(1, sizeof(*g));
	if (!g) {
		return NULL;
	}
	g->cfg = *cfg;
	if (g->cfg.sync_msgs < 1) {
		g->cfg.sync_msgs = 2;
	}
	/* the index's hash differs per run (heap placement): chains an
	 * outsider would build from chosen addresses do not carry over */
	g->seed = uc_mix64((uint64_t)(uintptr_t)g ^ cfg->hash_seed);
	return g;
}

void uc_grantor_destroy(struct uc_grantor *g)
{
	uint32_t i;
	if (!g) {
		return;
	}
	for (i = 0; i < g->n_chunk; i++) {
		free(g->chunk[i]);
	}
	free(g->chunk);
	free(g->bucket);
	free(g->heap);
	free(g);
}

/* Decide one REQUEST: fill the GRANT body; returns 1 when granted. */
static int decide(struct uc_grantor *g, const struct tlv_unicast *req, struct tlv_unicast *gr)
{
	int svc = uc_msgtype_svc(req->messageType);
	uint32_t d = req->durationField;

	gr->messageType = req->messageType;
	gr->logInterMessagePeriod = req->logInterMessagePeriod;
	gr->durationField = 0;
	gr->flags = 0;
	if (svc < 0 || d == 0) {
		return 0;
	}
	/* G.8265.1 6.6 / Annex A (exact): deny rather than grant less than
	 * asked.  OCP 7.13.2: the granted interval need not be the one asked
	 * for; faster than the gm sends (min_granted_logSyncInterval, the
	 * profile's range) it grants its fastest.  Slower than the range is
	 * denied: a faster grant would make the client answer or send faster
	 * than it asked, and clients refuse it. */
	if (req->logInterMessagePeriod > g->cfg.max_log[svc] ||
	    (req->logInterMessagePeriod < g->cfg.min_log[svc] && g->cfg.exact)) {
		return 0;
	}
	if (req->logInterMessagePeriod < g->cfg.min_log[svc]) {
		gr->logInterMessagePeriod = (int8_t)g->cfg.min_log[svc];
	}
	if (d < g->cfg.min_duration || d > g->cfg.max_duration) {
		if (g->cfg.exact) {
			return 0;
		}
		d = d < g->cfg.min_duration ? g->cfg.min_duration : g->cfg.max_duration;
	}
	gr->durationField = d;
	return 1;
}

int uc_grantor_signaling(struct uc_grantor *g, const struct net_addr *from,
			 const struct ptp_msg *sig, tmv_t now, struct ptp_msg *reply)
{
	struct uc_client *c;
	int i, added = 0;

	/* unicast_acl: other sources get no answer at all (an answer would
	 * reflect their forged traffic) */
	if (g->cfg.acl.n && !net_acl_match(&g->cfg.acl, from)) {
		g->st.rejected_acl++;
		return 0;
	}
	c = uc_find_client(g, from);
	if (c && !port_id_cmp(&c->portIdentity, &sig->hdr.sourcePortIdentity)) {
		c->heard = now; /* the holder speaks (or a forger in its name) */
	}
	for (i = 0; i < sig->n_tlv; i++) {
		const struct tlv *t = &sig->tlv[i];
		struct tlv *out;

		if (t->tlvType == TLV_REQUEST_UNICAST_TRANSMISSION) {
			struct tlv_unicast gr;
			int svc = uc_msgtype_svc(t->u.uc.messageType);
			int ok;

			g->st.requests++;
			ok = decide(g, &t->u.uc, &gr);
			if (ok && g->closing) {
				gr.durationField = 0; /* shutting down */
				ok = 0;
			}
			if (ok && c && port_id_cmp(&c->portIdentity, &sig->hdr.sourcePortIdentity)) {
				if (holder_alive(c, now)) {
					/* the address is another port's, and
					 * that port is alive (or reserved): a
					 * forger must not take it over (and then
					 * cancel or starve it) */
					g->st.denied_identity++;
					gr.durationField = 0;
					ok = 0;
				} else {
					/* its holder fell silent: a client that
					 * changed its identity is served */
					take_over(g, c, &sig->hdr.sourcePortIdentity);
				}
			}
			if (ok && !c) {
				if (g->n_clients >= g->cfg.max_clients) {
					g->st.denied_full++;
					gr.durationField = 0;
					ok = 0;
				} else if (!(c = new_client(g, from))) {
					gr.durationField = 0;
					ok = 0;
				}
			}
			if (ok && g->cfg.max_pps > 0) {
				/* max_tx_rate_pps: deny what would exceed the budget;
				 * the grants held keep their service */
				const struct uc_grant *gt = &c->grant[svc];
				int64_t after = g->committed +
						uc_grant_pps(g, svc, gr.logInterMessagePeriod) -
						(gt->active ? uc_grant_pps(g, svc, gt->logInterMessagePeriod)
							    : 0);
				if (after > (int64_t)(g->cfg.max_pps * 65536.0)) {
					g->st.denied_budget++;
					gr.durationField = 0;
					ok = 0;
				}
			}
			if (ok && g->cfg.client_pps > 0) {
				/* max_client_pps: what one address may cost,
				 * with its other grants (16.1.4.1.3: the
				 * grantor may deny) */
				int64_t mine = uc_grant_pps(g, svc, gr.logInterMessagePeriod);
				int k;
				for (k = 0; k < UC_NSVC; k++) {
					if (k != svc && c->grant[k].active) {
						mine += uc_grant_pps(g, k,
								  c->grant[k].logInterMessagePeriod);
					}
				}
				if (mine > (int64_t)(g->cfg.client_pps * 65536.0)) {
					g->st.denied_budget++;
					gr.durationField = 0;
					ok = 0;
				}
			}
			if (ok) {
				struct uc_grant *gt = &c->grant[svc];
				int was = gt->active;
				int8_t old = gt->logInterMessagePeriod;

				uc_grant_end(g, c, svc);
				g->committed += uc_grant_pps(g, svc, gr.logInterMessagePeriod);

				c->portIdentity = sig->hdr.sourcePortIdentity;
				c->heard = now;
				c->reserved = 0;
				gt->active = 1;
				gt->cancels = 0;
				gt->logInterMessagePeriod = gr.logInterMessagePeriod;
				gt->durationField = gr.durationField;
				gt->expires = now + (tmv_t)gr.durationField * NS_PER_SEC;
				if (svc == UC_DELAY_RESP) {
					/* no transmissions: next_tx is the
					 * Delay_Req pacing of core/gm.c, kept
					 * over renewals */
					if (!was) {
						gt->next_tx = now;
					}
				} else if (!was || old != gt->logInterMessagePeriod) {
					/* Announce at once (the client qualifies us
					 * sooner); Sync half a period later, so it
					 * does not share instants with the Announce
					 * stream granted just before it: back-to-back
					 * transmissions measurably add jitter to
					 * software time stamps */
					gt->next_tx = svc == UC_SYNC ? now + log2_interval_ns(
									     gt->logInterMessagePeriod) / 2
								     : now;
				}
			}
			if (ok) {
				g->st.granted++;
			} else {
				g->st.denied++;
			}
			out = msg_add_tlv(reply, TLV_GRANT_UNICAST_TRANSMISSION);
			if (out) {
				out->u.uc = gr;
				added++;
			}
		} else if (t->tlvType == TLV_CANCEL_UNICAST_TRANSMISSION) {
			int svc = uc_msgtype_svc(t->u.uc.messageType);
			g->st.cancels++;
			/* only the client that holds the grant may cancel it:
			 * its address and its portIdentity */
			if (c && svc >= 0 &&
			    !port_id_cmp(&c->portIdentity, &sig->hdr.sourcePortIdentity)) {
				/* the address stays this port's for the grace
				 * period: the CANCEL may be a forger's in its
				 * name, and the port then asks again */
				uc_grant_end(g, c, svc);
				c->reserved = 1;
			} else {
				g->st.cancels_ignored++;
			}
			out = msg_add_tlv(reply, TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION);
			if (out) {
				out->u.uc.messageType = t->u.uc.messageType;
				added++;
			}
		} else if (t->tlvType == TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION) {
			/* the holder acknowledges our CANCEL: the service ends
			 * now (OCP 7.13.2, 1588-2019 16.1.4.4) */
			int svc = uc_msgtype_svc(t->u.uc.messageType);
			if (c && svc >= 0 && c->grant[svc].active && c->grant[svc].cancels &&
			    !port_id_cmp(&c->portIdentity, &sig->hdr.sourcePortIdentity)) {
				uc_grant_end(g, c, svc);
				g->st.cancel_acked++;
			}
		}
	}
	if (c && uc_client_idle(c) && !(c->reserved && now - c->heard < uc_grace(c))) {
		uc_free_client(g, c);
	} else if (c) {
		uc_reschedule(g, c);
	}
	return added;
}

double uc_grantor_committed_pps(const struct uc_grantor *g)
{
	return (double)g->committed / 65536.0;
}

int uc_grantor_clients(const struct uc_grantor *g)
{
	return g->n_clients;
}

const struct uc_grantor_stats *uc_grantor_stats(const struct uc_grantor *g)
{
	return &g->st;
}

void uc_grantor_close(struct uc_grantor *g)
{
	g->closing = 1;
}

void uc_grantor_foreach(struct uc_grantor *g, void (*fn)(struct uc_client *c, void *arg),
			void *arg)
{
	uint32_t i;
	for (i = 0; i < g->n_rec; i++) {
		struct uc_client *c = uc_rec(g, i);
		if (c->in_use) {
			fn(c, arg);
		}
	}
}
