/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for unicast negotiation (core/uc_grantor.c, unicast.c): a grantor and
 * a requester driven by the input in any order (Signaling messages built
 * from fields or unpacked from raw octets, from 16 source addresses; time
 * advancing by ns to hours; the requester's own requests answered by the
 * grantor, or forged GRANT and CANCEL TLVs).  After every step the
 * properties of 1588-2019 16.1 / G.8265.1 6.6 and of the data structures
 * hold (see check_grantor() and check_requester()); a violation aborts.
 * Build and run: test/fuzz/run.sh [SECONDS] unicast
 */
#include <string.h>

#include "../../core/tlv.h"
#include "../../core/unicast.h"
#include "fz.h"

#define N_ADDR 16	/* fd00::0..7 and 10.0.0.0..7 */
#define REQ_ADDR N_ADDR /* the requester's address: fd00::100 */

struct world {
	struct uc_grantor_cfg gc;
	struct uc_grantor *g;
	struct uc_requester r;
	struct net_addr addr[N_ADDR + 1];
	struct port_identity req_pid;
	tmv_t now;
	/* requests the requester sent, by service: when (-1: none open) */
	tmv_t asked[UC_NSVC];
};

static int64_t pps_of(const struct world *w, int svc, int log)
{
	int n = svc == UC_SYNC ? (w->gc.sync_msgs < 1 ? 2 : w->gc.sync_msgs) : 1;
	if (log > 16) {
		return n;
	}
	return (int64_t)n << (16 - (log < -30 ? -30 : log));
}

struct census {
	const struct world *w;
	int clients;
	int64_t committed; /* x 2^16 */
};

static void census_one(struct uc_client *c, void *arg)
{
	struct census *s = arg;
	const struct world *w = s->w;
	int64_t mine = 0;
	int i, alive = 0;

	s->clients++;
	for (i = 0; i < UC_NSVC; i++) {
		const struct uc_grant *gt = &c->grant[i];
		alive |= gt->active;
		if (!gt->active) {
			continue;
		}
		s->committed += pps_of(w, i, gt->logInterMessagePeriod);
		mine += pps_of(w, i, gt->logInterMessagePeriod);
		/* granted as asked, within the ranges (G.8265.1 Annex A) */
		FZ_CHECK(gt->logInterMessagePeriod >= w->gc.min_log[i] &&
			 gt->logInterMessagePeriod <= w->gc.max_log[i]);
		FZ_CHECK(gt->durationField >= w->gc.min_duration &&
			 gt->durationField <= w->gc.max_duration);
		FZ_CHECK(gt->expires > 0);
		if (w->now < gt->expires) {
			struct net_addr ca;
			uc_client_addr(c, &ca);
			FZ_CHECK(uc_grantor_holder(w->g, &ca, i, w->now) == c);
		}
	}
	/* a client with nothing left is freed, unless its grants were
	 * cancelled: then the address stays its own for a while */
	FZ_CHECK(alive || c->reserved);
	FZ_CHECK(c->heard <= w->now);
	/* the per-address budget */
	FZ_CHECK(w->gc.client_pps <= 0 || mine <= (int64_t)(w->gc.client_pps * 65536.0));
}

static void check_grantor(struct world *w)
{
	struct census s = { w, 0, 0 };

	uc_grantor_foreach(w->g, census_one, &s);
	FZ_CHECK(s.clients == uc_grantor_clients(w->g));
	FZ_CHECK(s.clients <= w->gc.max_clients);
	/* the budget follows the grants exactly and never exceeds its cap */
	FZ_CHECK(uc_grantor_committed_pps(w->g) == (double)s.committed / 65536.0);
	FZ_CHECK(w->gc.max_pps <= 0 || uc_grantor_committed_pps(w->g) <= w->gc.max_pps);
}

/* Send everything due; afterwards nothing is due before the next deadline. */
static void run_due(struct world *w)
{
	struct uc_client *c;
	int svc, n = 0;

	while (uc_grantor_due(w->g, w->now, &c, &svc)) {
		FZ_CHECK(svc == UC_ANNOUNCE || svc == UC_SYNC);
		FZ_CHECK(c->grant[svc].active && w->now < c->grant[svc].expires);
		FZ_CHECK(c->grant[svc].next_tx > w->now);
		/* one transmission per grant and call at most */
		FZ_CHECK(++n <= 2 * N_ADDR + 2);
	}
	FZ_CHECK(uc_grantor_next(w->g) > w->now);
}

static uint32_t clamp_dur(const struct world *w, uint32_t d)
{
	return d < w->gc.min_duration ? w->gc.min_duration
	       : d > w->gc.max_duration ? w->gc.max_duration : d;
}

/* Hand sig from address index a to the grantor, check the answer: one TLV
 * per REQUEST and CANCEL, a GRANT of exactly what was asked or a denial,
 * and only that source's grants changed. */
static void to_grantor(struct world *w, int a, const struct ptp_msg *sig, struct ptp_msg *reply)
{
	int held[N_ADDR + 1][UC_NSVC], i, k, n, asked = 0;

	for (i = 0; i <= N_ADDR; i++) {
		for (k = 0; k < UC_NSVC; k++) {
			held[i][k] = uc_grantor_holder(w->g, &w->addr[i], k, w->now) != NULL;
		}
	}
	msg_init(reply, SIGNALING);
	n = uc_grantor_signaling(w->g, &w->addr[a], sig, w->now, reply);
	FZ_CHECK(n == reply->n_tlv);
	for (i = 0; i < sig->n_tlv; i++) {
		asked += sig->tlv[i].tlvType == TLV_REQUEST_UNICAST_TRANSMISSION ||
			 sig->tlv[i].tlvType == TLV_CANCEL_UNICAST_TRANSMISSION;
	}
	FZ_CHECK(n == asked || n == 0);
	for (i = 0, k = 0; n && i < sig->n_tlv; i++) {
		const struct tlv *q = &sig->tlv[i], *t;
		if (q->tlvType != TLV_REQUEST_UNICAST_TRANSMISSION &&
		    q->tlvType != TLV_CANCEL_UNICAST_TRANSMISSION) {
			continue;
		}
		t = &reply->tlv[k++];
		FZ_CHECK(t->u.uc.messageType == q->u.uc.messageType);
		if (q->tlvType == TLV_CANCEL_UNICAST_TRANSMISSION) {
			FZ_CHECK(t->tlvType == TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION);
			continue;
		}
		FZ_CHECK(t->tlvType == TLV_GRANT_UNICAST_TRANSMISSION);
		if (t->u.uc.durationField) {
			int svc = uc_msgtype_svc(q->u.uc.messageType);
			FZ_CHECK(svc >= 0);
			/* as asked within the range; asked faster than the
			 * range (not exact): the range's fastest (OCP 7.13.2) */
			FZ_CHECK(t->u.uc.logInterMessagePeriod ==
				 (q->u.uc.logInterMessagePeriod < w->gc.min_log[svc]
					  ? w->gc.min_log[svc]
					  : q->u.uc.logInterMessagePeriod));
			FZ_CHECK(!w->gc.exact ||
				 q->u.uc.logInterMessagePeriod >= w->gc.min_log[svc]);
			FZ_CHECK(q->u.uc.logInterMessagePeriod <= w->gc.max_log[svc]);
			FZ_CHECK(t->u.uc.durationField == (w->gc.exact ? q->u.uc.durationField
							    : clamp_dur(w, q->u.uc.durationField)));
		}
	}
	for (i = 0; i <= N_ADDR; i++) {
		for (k = 0; i != a && k < UC_NSVC; k++) {
			FZ_CHECK(held[i][k] ==
				 (uc_grantor_holder(w->g, &w->addr[i], k, w->now) != NULL));
		}
	}
	check_grantor(w);
}

static void check_requester(const struct world *w)
{
	const struct uc_requester *r = &w->r;
	int i;

	for (i = 0; i < UC_NSVC; i++) {
		const struct uc_req_svc *s = &r->svc[i];
		if (uc_req_granted(r, i, w->now)) {
			FZ_CHECK(s->state == UC_GRANTED && s->wanted);
			/* the interval asked, or (not exact) a slower one within
			 * max_log: never a faster one */
			FZ_CHECK(s->logInterMessagePeriod >= r->cfg.logInterMessagePeriod[i] &&
				 s->logInterMessagePeriod <= r->cfg.max_log[i]);
			FZ_CHECK(!r->cfg.exact ||
				 s->logInterMessagePeriod == r->cfg.logInterMessagePeriod[i]);
			FZ_CHECK(s->durationField >= r->cfg.min_duration);
			FZ_CHECK(!r->cfg.max_duration || s->durationField <= r->cfg.max_duration);
		}
		if (s->state == UC_GRANTED) {
			/* renewed before it expires, with room to retry */
			FZ_CHECK(s->renew_at < s->expires);
			tmv_t margin = s->expires - s->renew_at;
			FZ_CHECK(margin >= (tmv_t)s->durationField * NS_PER_SEC / 2 ||
				 margin >= 3 * r->cfg.retry);
		}
		FZ_CHECK(s->failures >= 0 && s->failures < 3);
	}
	FZ_CHECK(r->cfg.retry >= NS_PER_SEC);
}

/* The requester's TLVs due now; a second tick at the same instant has
 * nothing to add, and the next deadline lies ahead. */
static void req_tick(struct world *w, struct ptp_msg *sig)
{
	struct ptp_msg again;
	int ev, n, i;

	msg_init(sig, SIGNALING);
	sig->hdr.sourcePortIdentity = w->req_pid;
	n = uc_req_tick(&w->r, w->now, sig, &ev);
	FZ_CHECK(n == sig->n_tlv);
	for (i = 0; i < sig->n_tlv; i++) {
		const struct tlv *t = &sig->tlv[i];
		int svc = uc_msgtype_svc(t->u.uc.messageType);
		FZ_CHECK(svc >= 0);
		if (t->tlvType == TLV_REQUEST_UNICAST_TRANSMISSION) {
			FZ_CHECK(w->r.svc[svc].wanted);
			FZ_CHECK(t->u.uc.logInterMessagePeriod ==
				 w->r.cfg.logInterMessagePeriod[svc]);
			FZ_CHECK(t->u.uc.durationField == w->r.cfg.durationField);
			w->asked[svc] = w->now;
		} else {
			FZ_CHECK(t->tlvType == TLV_CANCEL_UNICAST_TRANSMISSION);
		}
	}
	msg_init(&again, SIGNALING);
	FZ_CHECK(uc_req_tick(&w->r, w->now, &again, &ev) == 0);
	FZ_CHECK(uc_req_next(&w->r) > w->now);
	check_requester(w);
}

/* A GRANT for the requester: taken only as the answer to a request of
 * ours still open, with what we asked for. */
static void req_grant(struct world *w, const struct tlv_unicast *g)
{
	int svc = uc_msgtype_svc(g->messageType), ev;
	struct uc_req_svc before;

	if (svc >= 0) {
		before = w->r.svc[svc];
	}
	ev = uc_req_grant(&w->r, g, w->now);
	if (svc < 0) {
		FZ_CHECK(ev == UC_EV_UNEXPECTED);
		return;
	}
	if (ev & UC_EV_UNEXPECTED) {
		FZ_CHECK(!memcmp(&before, &w->r.svc[svc], sizeof(before)));
		return;
	}
	FZ_CHECK(w->asked[svc] >= 0 && w->now - w->asked[svc] <= w->r.cfg.retry);
	w->asked[svc] = -1; /* answered */
	if (ev & UC_EV_GRANTED) {
		FZ_CHECK(g->durationField &&
			 g->logInterMessagePeriod >= w->r.cfg.logInterMessagePeriod[svc] &&
			 g->logInterMessagePeriod <= w->r.cfg.max_log[svc]);
		FZ_CHECK(!w->r.cfg.exact ||
			 g->logInterMessagePeriod == w->r.cfg.logInterMessagePeriod[svc]);
		FZ_CHECK(w->r.svc[svc].logInterMessagePeriod == g->logInterMessagePeriod);
		FZ_CHECK(w->r.svc[svc].state == UC_GRANTED);
		FZ_CHECK(uc_req_granted(&w->r, svc, w->now));
	}
	if (ev & UC_EV_DENIED) {
		FZ_CHECK(!g->durationField && w->r.svc[svc].state == UC_IDLE);
	}
	check_requester(w);
}

static uint8_t pick_type(uint8_t b)
{
	static const uint8_t t[8] = { ANNOUNCE, SYNC, DELAY_RESP, ANNOUNCE,
				      SYNC,	DELAY_RESP, DELAY_REQ, 0x0f };
	return b < 0xf8 ? t[b & 7] : b;
}

static void setup(struct world *w, struct fz_in *in)
{
	struct uc_requester_cfg rc;
	uint8_t b;
	int i;

	memset(w, 0, sizeof(*w));
	w->gc.max_clients = 1 + fz_u8(in) % 8;
	w->gc.exact = fz_u8(in) & 1;
	for (i = 0; i < UC_NSVC; i++) {
		w->gc.min_log[i] = -7 + fz_u8(in) % 8;
		w->gc.max_log[i] = w->gc.min_log[i] + fz_u8(in) % 8;
	}
	w->gc.min_duration = 1 + fz_u8(in) % 64; /* the configuration's range starts at 10 */
	w->gc.max_duration = w->gc.min_duration + fz_u16(in);
	if (fz_u8(in) & 1) {
		net_acl_parse("fd00::/126 10.0.0.0/30 fd00::100", &w->gc.acl);
	}
	b = fz_u8(in); /* the upper bits are the per-address budget's: older
			* inputs keep their meaning */
	w->gc.max_pps = (b % 16) * 8;
	w->gc.client_pps = ((b >> 4) % 8) * 16;
	w->gc.sync_msgs = fz_u8(in) % 3;
	w->g = uc_grantor_create(&w->gc);
	FZ_CHECK(w->g);

	memset(&rc, 0, sizeof(rc));
	for (i = 0; i < UC_NSVC; i++) {
		rc.logInterMessagePeriod[i] = (int8_t)(fz_u8(in) % 16 - 8);
		rc.max_log[i] = (int8_t)(rc.logInterMessagePeriod[i] + 3);
	}
	rc.exact = w->gc.exact; /* the same profile at both ends */
	rc.durationField = fz_u16(in) % 2000;
	rc.retry = (tmv_t)(fz_u8(in) % 40) * NS_PER_SEC / 10; /* < 1 s is raised */
	/* after three failures: longer than a retry (oc: 60 s) */
	rc.backoff = (tmv_t)(1 + fz_u8(in)) * NS_PER_SEC +
		     (rc.retry > NS_PER_SEC ? rc.retry : NS_PER_SEC);
	rc.min_duration = fz_u8(in) % 64;
	rc.max_duration = fz_u8(in) & 1 ? 0 : rc.min_duration + fz_u16(in);
	w->now = (tmv_t)fz_u16(in) * NS_PER_SEC;
	uc_req_init(&w->r, &rc, w->now);
	for (i = 0; i < UC_NSVC; i++) {
		w->asked[i] = -1;
	}
	for (i = 0; i < 8; i++) {
		w->addr[i] = fz_addr6(i);
		w->addr[8 + i] = fz_addr4(i);
	}
	w->addr[REQ_ADDR] = fz_addr6(0x100);
	memset(&w->req_pid, 0, sizeof(w->req_pid));
	w->req_pid.clockIdentity.id[0] = 0x42;
	w->req_pid.portNumber = 1;
}

/* A Signaling message of REQUEST, CANCEL and GRANT TLVs from fields, from
 * one of the addresses, with one of three portIdentities */
static void sig_from_fields(struct world *w, struct fz_in *in, struct ptp_msg *sig,
			    struct ptp_msg *reply)
{
	static const uint16_t type[4] = { TLV_REQUEST_UNICAST_TRANSMISSION,
					  TLV_REQUEST_UNICAST_TRANSMISSION,
					  TLV_GRANT_UNICAST_TRANSMISSION,
					  TLV_CANCEL_UNICAST_TRANSMISSION };
	int a = fz_u8(in) % N_ADDR, n, i;

	msg_init(sig, SIGNALING);
	sig->hdr.sourcePortIdentity.clockIdentity.id[7] = fz_u8(in) % 3;
	n = fz_u8(in) % 8;
	for (i = 0; i < n; i++) {
		uint8_t sel = fz_u8(in);
		struct tlv *t = msg_add_tlv(sig, type[sel % 4]);
		t->u.uc.messageType = pick_type(fz_u8(in));
		t->u.uc.logInterMessagePeriod = (int8_t)fz_u8(in);
		t->u.uc.durationField = sel & 0x80 ? fz_u32(in) : fz_u8(in);
	}
	to_grantor(w, a, sig, reply);
}

static void advance(struct world *w, struct fz_in *in)
{
	uint8_t kind = fz_u8(in), x = fz_u8(in);
	static const tmv_t unit[5] = { 1, 1000000, 100000000, NS_PER_SEC, 60 * NS_PER_SEC };
	w->now += (tmv_t)x * unit[kind % 5];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	static struct ptp_msg sig, reply;
	struct fz_in in = { data, size };
	int steps = 0;

	setup(&w, &in);
	while (in.n && steps++ < 2000) {
		uint8_t op = fz_u8(&in);
		int i, a;

		switch (op % 10) {
		case 0:
			sig_from_fields(&w, &in, &sig, &reply);
			break;
		case 1: { /* Signaling from raw octets */
			size_t len;
			const uint8_t *p;
			a = fz_u8(&in) % N_ADDR;
			p = fz_bytes(&in, fz_u8(&in), &len);
			if (!msg_unpack(p, len, &sig) && sig.hdr.messageType == SIGNALING) {
				to_grantor(&w, a, &sig, &reply);
			}
			break;
		}
		case 2:
			advance(&w, &in);
			break;
		case 3:
			run_due(&w);
			check_grantor(&w);
			break;
		case 4: /* the requester asks the grantor; the answer may be lost */
			req_tick(&w, &sig);
			if (sig.n_tlv) {
				uint8_t fate = fz_u8(&in);
				to_grantor(&w, REQ_ADDR, &sig, &reply);
				for (i = 0; !(fate & 1) && i < reply.n_tlv; i++) {
					const struct tlv *t = &reply.tlv[i];
					if (t->tlvType == TLV_GRANT_UNICAST_TRANSMISSION) {
						req_grant(&w, &t->u.uc);
					}
				}
			}
			break;
		case 5: { /* a GRANT from fields: forged, late or doubled */
			struct tlv_unicast g;
			memset(&g, 0, sizeof(g));
			g.messageType = pick_type(fz_u8(&in));
			g.logInterMessagePeriod = (int8_t)(fz_u8(&in) % 16 - 8);
			g.durationField = fz_u8(&in) & 1 ? fz_u16(&in) : 0;
			req_grant(&w, &g);
			break;
		}
		case 6: { /* a CANCEL from the master */
			struct tlv_unicast c, ack;
			int svc;
			memset(&c, 0, sizeof(c));
			c.messageType = pick_type(fz_u8(&in));
			svc = uc_msgtype_svc(c.messageType);
			if (svc >= 0 && w.r.svc[svc].state != UC_IDLE) {
				w.asked[svc] = -1;
			}
			uc_req_cancelled(&w.r, &c, w.now, &ack);
			FZ_CHECK(ack.messageType == c.messageType);
			if (svc >= 0) {
				FZ_CHECK(!uc_req_granted(&w.r, svc, w.now));
			}
			check_requester(&w);
			break;
		}
		case 7:
			uc_req_lost(&w.r, fz_u8(&in) % UC_NSVC, w.now);
			check_requester(&w);
			break;
		case 8: {
			uint8_t b = fz_u8(&in);
			uc_req_want(&w.r, b % UC_NSVC, (b >> 2) & 1, w.now);
			check_requester(&w);
			break;
		}
		case 9: /* someone asks whether a client holds a grant */
			a = fz_u8(&in) % (N_ADDR + 1);
			uc_grantor_holder(w.g, &w.addr[a], fz_u8(&in) % UC_NSVC, w.now);
			break;
		}
	}
	run_due(&w);
	check_grantor(&w);
	uc_grantor_destroy(w.g);
	return 0;
}
