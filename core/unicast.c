/* SPDX-License-Identifier: BSD-2-Clause */
/* Unicast negotiation: what both sides share, and the grantor's schedule
 * and index, its per-client and per-message path (-O2 in the static
 * build).  The grantor's negotiation is in core/uc_grantor.c, the
 * requester in core/uc_requester.c.  See unicast.h. */
#include <netinet/in.h> /* sockaddr_in, sockaddr_in6: data types only */
#include <string.h>

#include "uc_grantor.h"

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

/* ---------------- grantor: schedule (storage: uc_grantor.h) ---------------- */

static void heap_set(struct uc_grantor *g, uint32_t i, struct heap_ent e)
{
	g->heap[i] = e;
	uc_rec(g, e.idx)->heap_pos = i;
}

void uc_sift_up(struct uc_grantor *g, uint32_t i)
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
tmv_t uc_grace(const struct uc_client *c)
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
		return c->reserved ? c->heard + uc_grace(c) : INT64_MIN;
	}
	return d;
}

/* The entry at i changed from the key old: move it up or down. */
static void heap_fix(struct uc_grantor *g, uint32_t i, tmv_t old)
{
	if (g->heap[i].when < old) {
		uc_sift_up(g, i);
	} else {
		sift_down(g, i);
	}
}

void uc_reschedule(struct uc_grantor *g, struct uc_client *c)
{
	uint32_t i = c->heap_pos;
	tmv_t old = g->heap[i].when;
	g->heap[i].when = deadline(c);
	heap_fix(g, i, old);
}

void uc_grant_end(struct uc_grantor *g, struct uc_client *c, int svc)
{
	struct uc_grant *gt = &c->grant[svc];
	if (gt->active) {
		gt->active = 0;
		g->committed -= uc_grant_pps(g, svc, gt->logInterMessagePeriod);
	}
}

/* ---- index ---- */

void uc_make_key(const struct net_addr *a, uint8_t key[17])
{
	const uint8_t *p;
	int n = net_addr_bytes(a, &p);
	memset(key, 0, 17);
	key[0] = (uint8_t)a->ss.ss_family;
	if (n) {
		memcpy(key + 1, p, (size_t)n);
	}
}

uint32_t uc_key_bucket(const struct uc_grantor *g, const uint8_t key[17])
{
	uint64_t a, b;
	memcpy(&a, key + 1, 8);
	memcpy(&b, key + 9, 8);
	return (uint32_t)uc_mix64(uc_mix64(g->seed ^ key[0] ^ a) ^ b) & (g->n_bucket - 1);
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

struct uc_client *uc_find_client(struct uc_grantor *g, const struct net_addr *a)
{
	uint8_t key[17];
	uint32_t i;
	if (!g->n_bucket) {
		return NULL;
	}
	uc_make_key(a, key);
	for (i = g->bucket[uc_key_bucket(g, key)]; i; i = uc_rec(g, i - 1)->next) {
		struct uc_client *c = uc_rec(g, i - 1);
		if (!memcmp(c->key, key, sizeof(key))) {
			return c;
		}
	}
	return NULL;
}

void uc_free_client(struct uc_grantor *g, struct uc_client *c)
{
	uint32_t *p = &g->bucket[uc_key_bucket(g, c->key)], i = c->heap_pos;

	while (*p != c->idx + 1) {
		p = &uc_rec(g, *p - 1)->next;
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

int uc_grantor_due(struct uc_grantor *g, tmv_t now, struct uc_client **client, int *svc)
{
	while (g->n_heap && g->heap[0].when <= now) {
		struct uc_client *c = uc_rec(g, g->heap[0].idx);
		int sv, best = -1;

		for (sv = 0; sv < UC_NSVC; sv++) {
			if (c->grant[sv].active && now >= c->grant[sv].expires) {
				uc_grant_end(g, c, sv);
				g->st.expired++;
			}
		}
		if (uc_client_idle(c)) {
			if (c->reserved && now - c->heard < uc_grace(c)) {
				/* heard again since it was scheduled */
				g->heap[0].when = deadline(c);
				sift_down(g, 0);
			} else {
				uc_free_client(g, c);
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
	struct uc_client *c = uc_find_client(g, addr);
	if (!c || !c->grant[svc].active || now >= c->grant[svc].expires) {
		return NULL;
	}
	return c;
}

void uc_grantor_end(struct uc_grantor *g, struct uc_client *c, int svc)
{
	uc_grant_end(g, c, svc);
	uc_reschedule(g, c);
}

