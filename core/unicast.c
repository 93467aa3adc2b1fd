/* SPDX-License-Identifier: BSD-2-Clause */
/* Unicast negotiation: grantor and requester.  See unicast.h. */
#include <errno.h>
#include <netinet/in.h> /* sockaddr_in, sockaddr_in6: data types only */
#include <stdlib.h>
#include <string.h>

#include "tlv.h"
#include "unicast.h"

uint8_t uc_svc_msgtype(int idx)
{
	static const uint8_t t[UC_NSVC] = { ANNOUNCE, SYNC, DELAY_RESP };
	return t[idx];
}

int uc_msgtype_svc(uint8_t messageType)
{
	switch (messageType) {
	case ANNOUNCE:
		return UC_ANNOUNCE;
	case SYNC:
		return UC_SYNC;
	case DELAY_RESP:
		return UC_DELAY_RESP;
	default:
		return -1;
	}
}

/* ---------------- grantor ---------------- */

/*
 * Storage.  Client records sit in chunks of UC_CHUNK that never move (the
 * engine holds a record's pointer while it sends to it); freed records go
 * on a free list and are reused first, so the pages touched follow the
 * largest number of clients ever held.  The index is a chained hash over
 * the address octets whose head table doubles with the clients (4 to 8
 * octets a client).  The schedule is a binary min-heap with one 16-octet
 * entry per client, keyed by the client's earliest deadline: a
 * transmission of Announce or Sync, or an expiry.  A client with no active
 * grant left has the key INT64_MIN and is freed by the next
 * uc_grantor_due(); a reserved one (its grants cancelled) is kept until the
 * end of its grace period, its key.
 */
#define UC_CHUNK_LOG 10
#define UC_CHUNK (1u << UC_CHUNK_LOG)

struct heap_ent {
	tmv_t when;   /* ns */
	uint32_t idx; /* client record */
};

struct uc_grantor {
	struct uc_grantor_cfg cfg;
	struct uc_client **chunk;
	uint32_t n_chunk;
	uint32_t n_rec;	    /* records ever handed out */
	uint32_t free_head; /* index + 1 of a free record, 0: none */
	uint32_t *bucket;   /* index + 1 of a chain's first record */
	uint32_t n_bucket;  /* a power of two, or 0 */
	uint64_t seed;
	int n_clients;
	struct heap_ent *heap;
	uint32_t n_heap, cap_heap;
	struct uc_grantor_stats st;
	int64_t committed; /* packets/s of all active grants, x 2^16 */
	int closing;	   /* uc_grantor_close(): deny every REQUEST */
};

/* Packets a second (x 2^16) that a grant of svc at log2 period commits the
 * grantor to: Announce 1, Sync 1 or 2 (two-step: Follow_Up), Delay_Resp 1
 * (one per Delay_Req at that rate), per period. */
static int64_t grant_pps(const struct uc_grantor *g, int svc, int log)
{
	int n = svc == UC_SYNC ? g->cfg.sync_msgs : 1;
	if (log > 16) {
		return n;
	}
	return (int64_t)n << (16 - (log < -30 ? -30 : log));
}

static struct uc_client *rec(const struct uc_grantor *g, uint32_t idx)
{
	return &g->chunk[idx >> UC_CHUNK_LOG][idx & (UC_CHUNK - 1)];
}

/* ---- schedule ---- */

static void heap_set(struct uc_grantor *g, uint32_t i, struct heap_ent e)
{
	g->heap[i] = e;
	rec(g, e.idx)->heap_pos = i;
}

static void sift_up(struct uc_grantor *g, uint32_t i)
{
	struct heap_ent e = g->heap[i];
	while (i > 0 && g->heap[(i - 1) / 2].when > e.when) {
		heap_set(g, i, g->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(g, i, e);
}

static void sift_down(struct uc_grantor *g, uint32_t i)
{
	struct heap_ent e = g->heap[i];
	for (;;) {
		uint32_t l = 2 * i + 1, m = l;
		if (l >= g->n_heap) {
			break;
		}
		if (l + 1 < g->n_heap && g->heap[l + 1].when < g->heap[l].when) {
			m = l + 1;
		}
		if (g->heap[m].when >= e.when) {
			break;
		}
		heap_set(g, i, g->heap[m]);
		i = m;
	}
	heap_set(g, i, e);
}

/* How long holder c may be silent and keep its address (ns): UC_GRACE_NS,
 * or UC_GRACE_PERIODS of the longest interval it was granted.  Its
 * watchdogs (core/oc.c) ask again within two intervals of a stopped flow,
 * so a holder alive asks well within this after its grants were cancelled
 * in its name. */
static tmv_t grace(const struct uc_client *c)
{
	tmv_t t = UC_GRACE_NS;
	int i;

	for (i = 0; i < UC_NSVC; i++) {
		if (c->grant[i].durationField) {
			tmv_t p = UC_GRACE_PERIODS *
				  log2_interval_ns(c->grant[i].logInterMessagePeriod);
			t = p > t ? p : t;
		}
	}
	return t;
}

/* The client's earliest deadline (ns): INT64_MIN when it holds no grant
 * (freed at once), the end of its grace period when reserved. */
static tmv_t deadline(const struct uc_client *c)
{
	tmv_t d = INT64_MAX;
	int i, any = 0;
	for (i = 0; i < UC_NSVC; i++) {
		const struct uc_grant *gt = &c->grant[i];
		if (gt->active) {
			tmv_t t = i != UC_DELAY_RESP && gt->next_tx < gt->expires ? gt->next_tx
										    : gt->expires;
			any = 1;
			d = t < d ? t : d;
		}
	}
	if (!any) {
		return c->reserved ? c->heard + grace(c) : INT64_MIN;
	}
	return d;
}

/* The entry at i changed from the key old: move it up or down. */
static void heap_fix(struct uc_grantor *g, uint32_t i, tmv_t old)
{
	if (g->heap[i].when < old) {
		sift_up(g, i);
	} else {
		sift_down(g, i);
	}
}

/* Put c where its deadline says (after its grants changed). */
static void reschedule(struct uc_grantor *g, struct uc_client *c)
{
	uint32_t i = c->heap_pos;
	tmv_t old = g->heap[i].when;
	g->heap[i].when = deadline(c);
	heap_fix(g, i, old);
}

/* A grant ends (cancel, expiry): its packets leave the budget. */
static void grant_end(struct uc_grantor *g, struct uc_client *c, int svc)
{
	struct uc_grant *gt = &c->grant[svc];
	if (gt->active) {
		gt->active = 0;
		g->committed -= grant_pps(g, svc, gt->logInterMessagePeriod);
	}
}

/* ---- index ---- */

static void make_key(const struct net_addr *a, uint8_t key[17])
{
	const uint8_t *p;
	int n = net_addr_bytes(a, &p);
	memset(key, 0, 17);
	key[0] = (uint8_t)a->ss.ss_family;
	if (n) {
		memcpy(key + 1, p, (size_t)n);
	}
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint32_t key_bucket(const struct uc_grantor *g, const uint8_t key[17])
{
	uint64_t a, b;
	memcpy(&a, key + 1, 8);
	memcpy(&b, key + 9, 8);
	return (uint32_t)mix64(mix64(g->seed ^ key[0] ^ a) ^ b) & (g->n_bucket - 1);
}

void uc_client_addr(const struct uc_client *c, struct net_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (c->key[0] == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;
		s6->sin6_family = AF_INET6;
		memcpy(s6->sin6_addr.s6_addr, c->key + 1, 16);
		s6->sin6_scope_id = c->scope_id;
		a->len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr.s_addr, c->key + 1, 4);
		a->len = sizeof(*s4);
	}
}

static struct uc_client *find_client(struct uc_grantor *g, const struct net_addr *a)
{
	uint8_t key[17];
	uint32_t i;
	if (!g->n_bucket) {
		return NULL;
	}
	make_key(a, key);
	for (i = g->bucket[key_bucket(g, key)]; i; i = rec(g, i - 1)->next) {
		struct uc_client *c = rec(g, i - 1);
		if (!memcmp(c->key, key, sizeof(key))) {
			return c;
		}
	}
	return NULL;
}

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
		struct uc_client *c = rec(g, i);
		if (c->in_use) {
			uint32_t h = key_bucket(g, c->key);
			c->next = b[h];
			b[h] = i + 1;
		}
	}
	return 0;
}

static int client_idle(const struct uc_client *c)
{
	int i;
	for (i = 0; i < UC_NSVC; i++) {
		if (c->grant[i].active) {
			return 0;
		}
	}
	return 1;
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
	return now - c->heard < grace(c);
}

/* The holder of c's address fell silent: the address is port pid's now;
 * what the old port still held ends. */
static void take_over(struct uc_grantor *g, struct uc_client *c, const struct port_identity *pid)
{
	int i;

	for (i = 0; i < UC_NSVC; i++) {
		grant_end(g, c, i);
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
		g->free_head = rec(g, idx)->next;
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
	c = rec(g, idx);
	memset(c, 0, sizeof(*c));
	c->idx = idx;
	c->in_use = 1;
	make_key(from, c->key);
	if (from->ss.ss_family == AF_INET6) {
		c->scope_id = ((const struct sockaddr_in6 *)&from->ss)->sin6_scope_id;
	}
	h = key_bucket(g, c->key);
	c->next = g->bucket[h];
	g->bucket[h] = idx + 1;
	g->heap[g->n_heap].when = INT64_MIN;
	g->heap[g->n_heap].idx = idx;
	c->heap_pos = g->n_heap++;
	sift_up(g, c->heap_pos);
	g->n_clients++;
	return c;
}

static void free_client(struct uc_grantor *g, struct uc_client *c)
{
	uint32_t *p = &g->bucket[key_bucket(g, c->key)], i = c->heap_pos;

	while (*p != c->idx + 1) {
		p = &rec(g, *p - 1)->next;
	}
	*p = c->next;
	/* its schedule entry: the last one takes its place */
	if (i != --g->n_heap) {
		tmv_t old = g->heap[i].when;
		heap_set(g, i, g->heap[g->n_heap]);
		heap_fix(g, i, old);
	}
	c->in_use = 0;
	c->next = g->free_head;
	g->free_head = c->idx + 1;
	g->n_clients--;
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
	g->seed = mix64((uint64_t)(uintptr_t)g ^ cfg->hash_seed);
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
	/* G.8265.1 6.6 / Annex A: deny rather than grant less than asked */
	if (req->logInterMessagePeriod < g->cfg.min_log[svc] ||
	    req->logInterMessagePeriod > g->cfg.max_log[svc]) {
		return 0;
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
	c = find_client(g, from);
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
						grant_pps(g, svc, gr.logInterMessagePeriod) -
						(gt->active ? grant_pps(g, svc, gt->logInterMessagePeriod)
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
				int64_t mine = grant_pps(g, svc, gr.logInterMessagePeriod);
				int k;
				for (k = 0; k < UC_NSVC; k++) {
					if (k != svc && c->grant[k].active) {
						mine += grant_pps(g, k,
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

				grant_end(g, c, svc);
				g->committed += grant_pps(g, svc, gr.logInterMessagePeriod);

				c->portIdentity = sig->hdr.sourcePortIdentity;
				c->heard = now;
				c->reserved = 0;
				gt->active = 1;
				gt->cancels = 0;
				gt->logInterMessagePeriod = gr.logInterMessagePeriod;
				gt->durationField = gr.durationField;
				gt->expires = now + (tmv_t)gr.durationField * NS_PER_SEC;
				if (svc == UC_DELAY_RESP) {
					gt->next_tx = gt->expires;
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
				grant_end(g, c, svc);
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
				grant_end(g, c, svc);
				g->st.cancel_acked++;
			}
		}
	}
	if (c && client_idle(c) && !(c->reserved && now - c->heard < grace(c))) {
		free_client(g, c);
	} else if (c) {
		reschedule(g, c);
	}
	return added;
}

int uc_grantor_due(struct uc_grantor *g, tmv_t now, struct uc_client **client, int *svc)
{
	while (g->n_heap && g->heap[0].when <= now) {
		struct uc_client *c = rec(g, g->heap[0].idx);
		int sv, best = -1;

		for (sv = 0; sv < UC_NSVC; sv++) {
			if (c->grant[sv].active && now >= c->grant[sv].expires) {
				grant_end(g, c, sv);
				g->st.expired++;
			}
		}
		if (client_idle(c)) {
			if (c->reserved && now - c->heard < grace(c)) {
				/* heard again since it was scheduled */
				g->heap[0].when = deadline(c);
				sift_down(g, 0);
			} else {
				free_client(g, c);
			}
			continue;
		}
		/* the earlier of a due Announce and a due Sync; the other
		 * stays at the top for the next call */
		for (sv = UC_ANNOUNCE; sv <= UC_SYNC; sv++) {
			const struct uc_grant *gt = &c->grant[sv];
			if (gt->active && gt->next_tx <= now &&
			    (best < 0 || gt->next_tx < c->grant[best].next_tx)) {
				best = sv;
			}
		}
		if (best >= 0) {
			struct uc_grant *gt = &c->grant[best];
			/* keep the phase; after a stall start again from now */
			gt->next_tx += log2_interval_ns(gt->logInterMessagePeriod);
			if (gt->next_tx <= now) {
				gt->next_tx = now + log2_interval_ns(gt->logInterMessagePeriod);
			}
		}
		g->heap[0].when = deadline(c);
		sift_down(g, 0);
		if (best >= 0) {
			*client = c;
			*svc = best;
			return 1;
		}
	}
	return 0;
}

tmv_t uc_grantor_next(const struct uc_grantor *g)
{
	return g->n_heap ? g->heap[0].when : INT64_MAX;
}

struct uc_client *uc_grantor_holder(struct uc_grantor *g, const struct net_addr *addr, int svc,
				    tmv_t now)
{
	struct uc_client *c = find_client(g, addr);
	if (!c || !c->grant[svc].active || now >= c->grant[svc].expires) {
		return NULL;
	}
	return c;
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

void uc_grantor_end(struct uc_grantor *g, struct uc_client *c, int svc)
{
	grant_end(g, c, svc);
	reschedule(g, c);
}

void uc_grantor_foreach(struct uc_grantor *g, void (*fn)(struct uc_client *c, void *arg),
			void *arg)
{
	uint32_t i;
	for (i = 0; i < g->n_rec; i++) {
		struct uc_client *c = rec(g, i);
		if (c->in_use) {
			fn(c, arg);
		}
	}
}

/* ---------------- requester ---------------- */

#define UC_MAX_FAILURES 3 /* G.8265.1 6.6 */

void uc_req_init(struct uc_requester *r, const struct uc_requester_cfg *cfg, tmv_t now)
{
	int i;
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	if (r->cfg.retry < NS_PER_SEC) {
		r->cfg.retry = NS_PER_SEC; /* G.8265.1 6.6: at least 1 s */
	}
	for (i = 0; i < UC_NSVC; i++) {
		r->svc[i].next_req = now;
		r->svc[i].logInterMessagePeriod = cfg->logInterMessagePeriod[i];
		/* long ago */
		r->svc[i].last_req = r->svc[i].cancel_sent = r->svc[i].granted_at = INT64_MIN / 2;
	}
}

void uc_req_want(struct uc_requester *r, int svc, int want, tmv_t now)
{
	struct uc_req_svc *s = &r->svc[svc];
	if (want == s->wanted) {
		return;
	}
	s->wanted = want;
	if (want) {
		s->cancel_pending = 0;
		if (s->state != UC_GRANTED) {
			s->state = UC_IDLE;
			s->failures = 0;
			if (s->next_req > now + r->cfg.retry) {
				s->next_req = now;
			}
		}
	} else if (s->state != UC_IDLE) {
		s->cancel_pending = 1;
		s->state = UC_IDLE;
	}
}

static void add_request(struct uc_requester *r, int svc, struct ptp_msg *sig, tmv_t now)
{
	struct tlv *t = msg_add_tlv(sig, TLV_REQUEST_UNICAST_TRANSMISSION);
	/* the answer is taken until the next request (16.1.4.1: a GRANT or a
	 * denial answers a REQUEST; none is expected otherwise) */
	r->svc[svc].answer_by = now + r->cfg.retry;
	r->svc[svc].last_req = now;
	if (t) {
		t->u.uc.messageType = uc_svc_msgtype(svc);
		t->u.uc.logInterMessagePeriod = r->cfg.logInterMessagePeriod[svc];
		t->u.uc.durationField = r->cfg.durationField;
	}
}

/* One more failure; returns UC_EV_GAVE_UP on the third in a row.  Sync and
 * Delay_Resp then wait cfg.backoff (G.8265.1 6.6, the other choice being a
 * different master, which the BMCA makes); Announce too with
 * cfg.announce_backoff (G.8265.1), else it keeps asking every retry
 * interval: that is unicast discovery (1588 17.4, OCP 7.13.1). */
static int fail(struct uc_requester *r, struct uc_req_svc *s, tmv_t now)
{
	s->state = UC_IDLE;
	if (++s->failures >= UC_MAX_FAILURES) {
		s->failures = 0;
		s->next_req = now + (s == &r->svc[UC_ANNOUNCE] && !r->cfg.announce_backoff
					     ? r->cfg.retry
					     : r->cfg.backoff);
		return UC_EV_GAVE_UP;
	}
	s->next_req = now + r->cfg.retry;
	return 0;
}

int uc_req_tick(struct uc_requester *r, tmv_t now, struct ptp_msg *sig, int *events)
{
	int i, added = 0;

	*events = 0;
	for (i = 0; i < UC_NSVC; i++) {
		struct uc_req_svc *s = &r->svc[i];

		if (s->cancel_pending) {
			struct tlv *t = msg_add_tlv(sig, TLV_CANCEL_UNICAST_TRANSMISSION);
			if (t) {
				t->u.uc.messageType = uc_svc_msgtype(i);
				added++;
			}
			s->cancel_pending = 0;
			s->cancel_sent = now;
		}
		if (!s->wanted) {
			continue;
		}
		switch (s->state) {
		case UC_GRANTED:
			if (now >= s->expires) {
				/* expired without a renewal: ask again now */
				s->state = UC_IDLE;
				s->next_req = now;
			} else if (now >= s->renew_at && now >= s->next_req) {
				add_request(r, i, sig, now);
				added++;
				s->next_req = now + r->cfg.retry;
				break;
			} else {
				break;
			}
			/* fall through */
		case UC_IDLE:
			if (now >= s->next_req) {
				add_request(r, i, sig, now);
				added++;
				s->state = UC_REQUESTED;
				s->next_req = now + r->cfg.retry;
			}
			break;
		case UC_REQUESTED:
			if (now >= s->next_req) {
				/* no answer within the retry interval: that
				 * interval was the wait, ask again now unless
				 * this was the third failure */
				int ev = fail(r, s, now);
				*events |= ev;
				if (!(ev & UC_EV_GAVE_UP)) {
					add_request(r, i, sig, now);
					added++;
					s->state = UC_REQUESTED;
					s->next_req = now + r->cfg.retry;
				}
			}
			break;
		}
	}
	return added;
}

int uc_req_grant(struct uc_requester *r, const struct tlv_unicast *g, tmv_t now)
{
	int svc = uc_msgtype_svc(g->messageType);
	struct uc_req_svc *s;
	tmv_t dur, margin;

	if (svc < 0) {
		return UC_EV_UNEXPECTED;
	}
	s = &r->svc[svc];
	if (!s->answer_by || now > s->answer_by) {
		/* no request of ours waits for it: a forgery or a very late
		 * answer; believing a denial would start the back-off */
		return UC_EV_UNEXPECTED;
	}
	s->answer_by = 0;
	if (!s->wanted) {
		/* a late grant for something we dropped: cancel it */
		s->cancel_pending = g->durationField != 0;
		return 0;
	}
	if (g->durationField == 0) {
		return UC_EV_DENIED | fail(r, s, now);
	}
	if (g->logInterMessagePeriod != r->cfg.logInterMessagePeriod[svc] ||
	    g->durationField < r->cfg.min_duration ||
	    (r->cfg.max_duration && g->durationField > r->cfg.max_duration)) {
		/* G.8265.1 Annex A, 1588-2019 16.1.4.2: the grant carries the
		 * requested interval; another one (a faster one would make us
		 * answer or send at that rate) or a duration outside the
		 * profile's range is refused: cancel it, count a failure */
		s->cancel_pending = 1;
		return UC_EV_REFUSED | fail(r, s, now);
	}
	s->state = UC_GRANTED;
	s->failures = 0;
	s->granted_at = now;
	s->logInterMessagePeriod = g->logInterMessagePeriod;
	s->durationField = g->durationField;
	dur = (tmv_t)g->durationField * NS_PER_SEC;
	s->expires = now + dur;
	/* A.9.4.2: renew with room for two more tries before expiry */
	margin = 3 * r->cfg.retry;
	if (margin > dur / 2) {
		margin = dur / 2;
	}
	s->renew_at = s->expires - margin;
	s->next_req = s->renew_at;
	return UC_EV_GRANTED;
}

/* Ask for s again at once, or when the retry interval since the last
 * request ends (G.8265.1 6.6 spaces requests; a stream of forged CANCELs
 * or ACKNOWLEDGE_CANCELs then makes no stream of requests). */
static void ask_again(struct uc_requester *r, struct uc_req_svc *s, tmv_t now)
{
	s->state = UC_IDLE;
	s->next_req = now - s->last_req < r->cfg.retry ? s->last_req + r->cfg.retry : now;
}

int uc_req_cancelled(struct uc_requester *r, const struct tlv_unicast *c, tmv_t now,
		     struct tlv_unicast *ack)
{
	int svc = uc_msgtype_svc(c->messageType);
	struct uc_req_svc *s;

	memset(ack, 0, sizeof(*ack));
	ack->messageType = c->messageType;
	if (svc < 0 || r->svc[svc].state == UC_IDLE) {
		return 0; /* acknowledged (16.1.4.4), nothing held to stop */
	}
	s = &r->svc[svc];
	s->answer_by = 0;
	s->state = UC_IDLE;
	/* 16.1.4.3: the grantor stops.  Asked again after the retry
	 * interval, not at once: a master that CANCELs is stopping (ours
	 * denies every REQUEST then, and a denial at once would bring
	 * G.8265.1 6.6's 60 s back-off a request sooner), and one forged in
	 * its name stops nothing (the master serves on: it ignores our
	 * ACKNOWLEDGE_CANCEL of a CANCEL it did not send) */
	s->next_req = now + r->cfg.retry;
	return s->wanted;
}

int uc_req_lost(struct uc_requester *r, int svc, tmv_t now)
{
	struct uc_req_svc *s = &r->svc[svc];
	if (!s->wanted || s->state != UC_GRANTED) {
		return 0;
	}
	s->failures = 0;
	ask_again(r, s, now);
	return 1;
}

int uc_req_acked(struct uc_requester *r, const struct tlv_unicast *a, tmv_t now)
{
	int svc = uc_msgtype_svc(a->messageType);
	if (svc < 0 || now - r->svc[svc].cancel_sent < r->cfg.retry) {
		return 0; /* the answer to our CANCEL */
	}
	return uc_req_lost(r, svc, now);
}

int uc_req_granted(const struct uc_requester *r, int svc, tmv_t now)
{
	return r->svc[svc].state == UC_GRANTED && now < r->svc[svc].expires;
}

tmv_t uc_req_next(const struct uc_requester *r)
{
	tmv_t t = INT64_MAX;
	int i;
	for (i = 0; i < UC_NSVC; i++) {
		const struct uc_req_svc *s = &r->svc[i];
		tmv_t d = INT64_MAX;
		if (s->cancel_pending) {
			return 0;
		}
		if (!s->wanted) {
			continue;
		}
		d = s->next_req;
		if (s->state == UC_GRANTED && s->expires < d) {
			d = s->expires;
		}
		if (d < t) {
			t = d;
		}
	}
	return t;
}
