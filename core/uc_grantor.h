/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The unicast grantor's storage, shared by its two halves: the schedule
 * and index that run per client and message (core/unicast.c, -O2 in the
 * static build) and the negotiation that runs per REQUEST and CANCEL
 * (core/uc_grantor.c, -Os).  Not for other modules: they use unicast.h.
 */
#ifndef PTPBOX_UC_GRANTOR_H
#define PTPBOX_UC_GRANTOR_H

#include "unicast.h"

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
static inline int64_t uc_grant_pps(const struct uc_grantor *g, int svc, int log)
{
	int n = svc == UC_SYNC ? g->cfg.sync_msgs : 1;
	if (log > 16) {
		return n;
	}
	return (int64_t)n << (16 - (log < -30 ? -30 : log));
}

static inline struct uc_client *uc_rec(const struct uc_grantor *g, uint32_t idx)
{
	return &g->chunk[idx >> UC_CHUNK_LOG][idx & (UC_CHUNK - 1)];
}

static inline uint64_t uc_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline int uc_client_idle(const struct uc_client *c)
{
	int i;
	for (i = 0; i < UC_NSVC; i++) {
		if (c->grant[i].active) {
			return 0;
		}
	}
	return 1;
}


/* The schedule (core/unicast.c).  Times in ns of the gm's clock. */
/* Move heap entry i up to its place (its key became earlier). */
void uc_sift_up(struct uc_grantor *g, uint32_t i);
/* Put c where its deadline says (after its grants changed). */
void uc_reschedule(struct uc_grantor *g, struct uc_client *c);
/* How long holder c may be silent and keep its address, ns (> 0). */
tmv_t uc_grace(const struct uc_client *c);
/* A grant ends (cancel, expiry): its packets leave the budget. */
void uc_grant_end(struct uc_grantor *g, struct uc_client *c, int svc);

/* The index (core/unicast.c): key[17] is the family octet, then the
 * address octets (4 or 16), zero-padded. */
void uc_make_key(const struct net_addr *a, uint8_t key[17]);
/* The key's chain in the head table (n_bucket must be > 0). */
uint32_t uc_key_bucket(const struct uc_grantor *g, const uint8_t key[17]);
/* The record of address a, or NULL. */
struct uc_client *uc_find_client(struct uc_grantor *g, const struct net_addr *a);
/* Unindex and unschedule c and put its record on the free list. */
void uc_free_client(struct uc_grantor *g, struct uc_client *c);

#endif
