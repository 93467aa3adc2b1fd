/* SPDX-License-Identifier: BSD-2-Clause */
/* Unicast negotiation: grantor decisions, scheduling and table limits;
 * requester renewal, retry and back-off (1588 16.1, A.9.4.2; G.8265.1 6.6). */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "../../core/tlv.h"
#include "../../core/unicast.h"
#include "test.h"

#define S NS_PER_SEC


static struct uc_grantor *ocp_grantor(int max_clients, int exact)
{
	struct uc_grantor_cfg c;
	memset(&c, 0, sizeof(c));
	c.max_clients = max_clients;
	c.exact = exact;
	c.min_log[0] = -3, c.min_log[1] = -7, c.min_log[2] = -7;
	c.max_log[0] = 0, c.max_log[1] = 3, c.max_log[2] = 0;
	c.min_duration = 10;
	c.max_duration = 3600;
	return uc_grantor_create(&c);
}

static void request(struct ptp_msg *sig, uint8_t type, int8_t log, uint32_t dur)
{
	struct tlv *t = msg_add_tlv(sig, TLV_REQUEST_UNICAST_TRANSMISSION);
	t->u.uc.messageType = type;
	t->u.uc.logInterMessagePeriod = log;
	t->u.uc.durationField = dur;
}

TEST(grantor_grants_in_range_denies_out)
{
	struct uc_grantor *g = ocp_grantor(10, 0);
	struct net_addr a = test_addr6(1);
	struct ptp_msg sig, rep;

	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	request(&sig, ANNOUNCE, 0, 300);
	request(&sig, SYNC, -7, 300);
	request(&sig, DELAY_RESP, 1, 300);   /* above Table 1's 0 */
	request(&sig, SYNC, -4, 100000);     /* duration clamped to 3600 */
	request(&sig, PDELAY_RESP, 0, 300);  /* not grantable */
	CHECK_EQ(uc_grantor_signaling(g, &a, &sig, 0, &rep), 5);
	CHECK_EQ(rep.tlv[0].tlvType, TLV_GRANT_UNICAST_TRANSMISSION);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 300);
	CHECK_EQ(rep.tlv[1].u.uc.logInterMessagePeriod, -7);
	CHECK_EQ(rep.tlv[1].u.uc.durationField, 300);
	CHECK_EQ(rep.tlv[2].u.uc.durationField, 0);
	CHECK_EQ(rep.tlv[3].u.uc.durationField, 3600);
	CHECK_EQ(rep.tlv[4].u.uc.durationField, 0);
	CHECK_EQ(uc_grantor_clients(g), 1);
	CHECK(uc_grantor_holder(g, &a, UC_SYNC, S) != NULL);
	CHECK(uc_grantor_holder(g, &a, UC_DELAY_RESP, S) == NULL);
	uc_grantor_destroy(g);
}

/* OCP 7.13.2: asked faster than it sends, the gm grants its fastest
 * (clamp); G.8265.1 Annex A (exact) denies */
TEST(grantor_grants_its_fastest_to_a_faster_request_unless_exact)
{
	struct net_addr a = test_addr6(1);
	struct ptp_msg sig, rep;
	int exact;

	for (exact = 0; exact < 2; exact++) {
		struct uc_grantor *g = ocp_grantor(10, exact);
		msg_init(&sig, SIGNALING);
		msg_init(&rep, SIGNALING);
		request(&sig, ANNOUNCE, -5, 300); /* Table 1: -3 at the fastest */
		CHECK_EQ(uc_grantor_signaling(g, &a, &sig, 0, &rep), 1);
		CHECK_EQ(rep.tlv[0].u.uc.durationField, exact ? 0 : 300);
		CHECK_EQ(rep.tlv[0].u.uc.logInterMessagePeriod, exact ? -5 : -3);
		CHECK_EQ(uc_grantor_clients(g), !exact);
		/* what it costs is the granted rate's: 8 Announce/s */
		CHECK(uc_grantor_committed_pps(g) == (exact ? 0.0 : 8.0));
		uc_grantor_destroy(g);
	}
}

TEST(grantor_exact_mode_denies_duration)
{
	struct uc_grantor *g = ocp_grantor(10, 1);
	struct net_addr a = test_addr6(1);
	struct ptp_msg sig, rep;

	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	request(&sig, SYNC, -4, 100000);
	uc_grantor_signaling(g, &a, &sig, 0, &rep);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 0);
	CHECK_EQ(uc_grantor_clients(g), 0);
	uc_grantor_destroy(g);
}

TEST(grantor_schedules_at_granted_rate)
{
	struct uc_grantor *g = ocp_grantor(10, 0);
	struct net_addr a = test_addr6(1);
	struct ptp_msg sig, rep;
	struct uc_client *c;
	int svc, n_sync = 0, n_ann = 0;
	tmv_t t;

	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	request(&sig, ANNOUNCE, 0, 10);
	request(&sig, SYNC, -3, 10);
	uc_grantor_signaling(g, &a, &sig, 0, &rep);
	/* walk 20 s in 1 ms steps: 10 s of grant at 8 Sync/s and 1 Announce/s */
	for (t = 0; t < 20 * S; t += S / 1000) {
		while (uc_grantor_due(g, t, &c, &svc)) {
			if (svc == UC_SYNC) {
				n_sync++;
			} else {
				n_ann++;
			}
		}
	}
	CHECK_EQ(n_sync, 80);
	CHECK_EQ(n_ann, 10);
	CHECK_EQ(uc_grantor_clients(g), 0); /* expired and freed */
	CHECK_EQ(uc_grantor_stats(g)->expired, 2);
	uc_grantor_destroy(g);
}

TEST(grantor_full_table_denies_new_keeps_old)
{
	struct uc_grantor *g = ocp_grantor(2, 0);
	struct ptp_msg sig, rep;
	struct uc_client *c;
	struct net_addr a;
	int i, svc, served[4] = { 0 };

	for (i = 1; i <= 3; i++) {
		a = test_addr6(i);
		msg_init(&sig, SIGNALING);
		msg_init(&rep, SIGNALING);
		request(&sig, SYNC, 0, 60);
		uc_grantor_signaling(g, &a, &sig, 0, &rep);
		CHECK_EQ(rep.tlv[0].u.uc.durationField, i <= 2 ? 60 : 0);
	}
	CHECK_EQ(uc_grantor_clients(g), 2);
	CHECK_EQ(uc_grantor_stats(g)->denied_full, 1);
	/* a renewal from an existing client still works */
	a = test_addr6(2);
	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	request(&sig, ANNOUNCE, 0, 60);
	uc_grantor_signaling(g, &a, &sig, 0, &rep);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 60);
	while (uc_grantor_due(g, 5 * S, &c, &svc)) {
		const uint8_t *p;
		struct net_addr to;
		uc_client_addr(c, &to);
		net_addr_bytes(&to, &p);
		served[p[15]]++;
	}
	CHECK(served[1] > 0 && served[2] > 0 && served[3] == 0);
	uc_grantor_destroy(g);
}

TEST(grantor_cancel_acknowledged)
{
	struct uc_grantor *g = ocp_grantor(10, 0);
	struct net_addr a = test_addr6(7);
	struct ptp_msg sig, rep;
	struct tlv *t;

	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	request(&sig, DELAY_RESP, 0, 60);
	uc_grantor_signaling(g, &a, &sig, 0, &rep);
	CHECK(uc_grantor_holder(g, &a, UC_DELAY_RESP, 0) != NULL);
	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	t = msg_add_tlv(&sig, TLV_CANCEL_UNICAST_TRANSMISSION);
	t->u.uc.messageType = DELAY_RESP;
	CHECK_EQ(uc_grantor_signaling(g, &a, &sig, S, &rep), 1);
	CHECK_EQ(rep.tlv[0].tlvType, TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION);
	CHECK_EQ(rep.tlv[0].u.uc.messageType, DELAY_RESP);
	CHECK(uc_grantor_holder(g, &a, UC_DELAY_RESP, S) == NULL);
	uc_grantor_destroy(g);
}

TEST(grantor_many_clients)
{
	struct uc_grantor *g = ocp_grantor(5000, 0);
	struct ptp_msg sig, rep;
	struct uc_client *c;
	int i, svc, n = 0;

	for (i = 0; i < 5000; i++) {
		struct net_addr a = test_addr6(i);
		msg_init(&sig, SIGNALING);
		msg_init(&rep, SIGNALING);
		request(&sig, SYNC, -4, 60);
		uc_grantor_signaling(g, &a, &sig, 0, &rep);
	}
	CHECK_EQ(uc_grantor_clients(g), 5000);
	/* one second in 1 ms steps: 16 Syncs each */
	for (tmv_t t = 0; t < S; t += S / 1000) {
		while (uc_grantor_due(g, t, &c, &svc)) {
			n++;
		}
	}
	CHECK_EQ(n, 5000 * 16);
	uc_grantor_destroy(g);
}

/* The schedule against a model of 1588 16.1 service: 3000 clients with
 * random grants (Announce from the grant on, Sync half a period later,
 * each every granted period until the grant expires), some cancelled on the
 * way.  Every transmission comes in the 1 ms step of its due time, none
 * other; every client is freed when its grants end, and the next clients
 * take the freed records (no growth). */
#define MODEL_N 3000
TEST(grantor_schedule_matches_a_model)
{
	static struct {
		tmv_t next[2], expires[3], cancel;
		int8_t log[2];
		struct uc_client *rec;
	} m[MODEL_N];
	struct uc_grantor *g = ocp_grantor(MODEL_N, 0);
	struct ptp_msg sig, rep;
	struct uc_client *c;
	uint32_t seed = 12345;
	int i, k, svc, sent = 0, expected = 0, wrong = 0, reused = 0, cancelled = 0;
	const tmv_t step = S / 1000;

	memset(m, 0, sizeof(m));
	for (i = 0; i < MODEL_N; i++) {
		tmv_t at = (tmv_t)(i % 1000) * step;
		seed = seed * 1103515245u + 12345u;
		m[i].log[0] = (int8_t)-(int)((seed >> 8) % 4);  /* Announce 1..1/8 s */
		m[i].log[1] = (int8_t)-(int)((seed >> 12) % 8); /* Sync 1..1/128 s */
		m[i].cancel = (seed >> 20) % 4 == 0 ? at + 3 * S + (tmv_t)(seed >> 22) % S : 0;
		/* the grants are asked in the 1 ms steps of the run below */
		m[i].next[0] = at;
		m[i].next[1] = at + log2_interval_ns(m[i].log[1]) / 2;
		m[i].expires[0] = at + (10 + i % 3) * S;
		m[i].expires[1] = at + (10 + i % 5) * S;
		m[i].expires[2] = at + 12 * S;
	}
	for (tmv_t t = 0; t < 15 * S; t += step) {
		for (i = 0; t < S && i < MODEL_N; i++) {
			if ((tmv_t)(i % 1000) * step == t) {
				struct net_addr a = test_addr6(i + 1);
				msg_init(&sig, SIGNALING);
				msg_init(&rep, SIGNALING);
				request(&sig, ANNOUNCE, m[i].log[0], 10 + i % 3);
				request(&sig, SYNC, m[i].log[1], 10 + i % 5);
				request(&sig, DELAY_RESP, -4, 12);
				uc_grantor_signaling(g, &a, &sig, t, &rep);
				m[i].rec = uc_grantor_holder(g, &a, UC_SYNC, t);
			}
		}
		for (i = 0; i < MODEL_N; i++) {
			if (m[i].cancel && m[i].cancel <= t && m[i].cancel > t - step) {
				struct net_addr a = test_addr6(i + 1);
				struct tlv *tl;
				msg_init(&sig, SIGNALING);
				msg_init(&rep, SIGNALING);
				tl = msg_add_tlv(&sig, TLV_CANCEL_UNICAST_TRANSMISSION);
				tl->u.uc.messageType = SYNC;
				uc_grantor_signaling(g, &a, &sig, t, &rep);
				m[i].expires[1] = t; /* no Sync from now on */
				cancelled++;
			}
		}
		while (uc_grantor_due(g, t, &c, &svc)) {
			/* the client's index from its address, fd00::(i + 1) */
			i = (c->key[15] << 8 | c->key[16]) - 1;
			i = i >= 0 && i < MODEL_N && m[i].rec == c ? i : MODEL_N;
			sent++;
			if (i == MODEL_N || m[i].next[svc] > t || m[i].next[svc] <= t - step ||
			    m[i].next[svc] >= m[i].expires[svc]) {
				wrong++;
				continue;
			}
			m[i].next[svc] += log2_interval_ns(m[i].log[svc]);
		}
	}
	for (i = 0; i < MODEL_N; i++) {
		for (k = 0; k < 2; k++) {
			tmv_t first = k ? (tmv_t)(i % 1000) * step + log2_interval_ns(m[i].log[1]) / 2
					: (tmv_t)(i % 1000) * step;
			for (tmv_t x = first; x < m[i].expires[k]; x += log2_interval_ns(m[i].log[k])) {
				expected++;
			}
		}
	}
	CHECK_EQ(wrong, 0);
	CHECK_EQ(sent, expected);
	CHECK_EQ(uc_grantor_clients(g), 0);
	CHECK_EQ(uc_grantor_stats(g)->expired, (uint64_t)(3 * MODEL_N - cancelled));
	/* new clients take the freed records */
	for (i = 0; i < 100; i++) {
		struct net_addr a = test_addr6(MODEL_N + 1 + i);
		msg_init(&sig, SIGNALING);
		msg_init(&rep, SIGNALING);
		request(&sig, SYNC, 0, 60);
		uc_grantor_signaling(g, &a, &sig, 15 * S, &rep);
		c = uc_grantor_holder(g, &a, UC_SYNC, 15 * S);
		for (k = 0; c && k < MODEL_N && m[k].rec != c; k++) {
		}
		reused += c && k < MODEL_N;
	}
	CHECK_EQ(reused, 100);
	uc_grantor_destroy(g);
}

static struct uc_requester_cfg req_cfg(void)
{
	struct uc_requester_cfg c = {
		.logInterMessagePeriod = { 0, -4, -4 },
		.durationField = 60,
		.retry = S,
		.backoff = 60 * S,
		.min_duration = 10,
		.max_duration = 1000,
		.max_log = { 4, 4, 4 },
		.exact = 1, /* G.8265.1 Annex A */
	};
	return c;
}

static int poll_types(struct uc_requester *r, tmv_t now, struct ptp_msg *sig, int *ev)
{
	msg_init(sig, SIGNALING);
	return uc_req_tick(r, now, sig, ev);
}

TEST(requester_asks_renews_with_margin)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct tlv_unicast g = { ANNOUNCE, 0, 60, 0 };
	struct ptp_msg sig;
	int ev;

	uc_req_init(&r, &cfg, 0);
	CHECK_EQ(poll_types(&r, 0, &sig, &ev), 0); /* nothing wanted yet */
	uc_req_want(&r, UC_ANNOUNCE, 1, 0);
	CHECK_EQ(poll_types(&r, 0, &sig, &ev), 1);
	CHECK_EQ(sig.tlv[0].u.uc.messageType, ANNOUNCE);
	CHECK_EQ(sig.tlv[0].u.uc.durationField, 60);
	CHECK_EQ(uc_req_grant(&r, &g, S / 10), UC_EV_GRANTED);
	CHECK(uc_req_granted(&r, UC_ANNOUNCE, S));
	/* renewal: 3 retry intervals (3 s) before expiry at 60.1 s */
	CHECK_EQ(poll_types(&r, 57 * S, &sig, &ev), 0);
	CHECK_EQ(poll_types(&r, 57 * S + S / 10, &sig, &ev), 1);
	/* no answer: again one retry interval later, twice, before expiry */
	CHECK_EQ(poll_types(&r, 58 * S, &sig, &ev), 0);
	CHECK_EQ(poll_types(&r, 58 * S + S / 10, &sig, &ev), 1);
	CHECK_EQ(poll_types(&r, 59 * S + S / 10, &sig, &ev), 1);
	CHECK(uc_req_granted(&r, UC_ANNOUNCE, 60 * S));
	CHECK(!uc_req_granted(&r, UC_ANNOUNCE, 60 * S + S / 10));
}

TEST(requester_backs_off_after_three_failures)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct tlv_unicast deny = { SYNC, -4, 0, 0 };
	struct ptp_msg sig;
	int ev;

	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_SYNC, 1, 0);
	CHECK_EQ(poll_types(&r, 0, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &deny, S / 10), UC_EV_DENIED);
	/* G.8265.1 6.6: at least 1 s before asking again */
	CHECK_EQ(poll_types(&r, S, &sig, &ev), 0);
	CHECK_EQ(poll_types(&r, S + S / 10, &sig, &ev), 1);
	/* silence counts as a failure too */
	CHECK_EQ(poll_types(&r, 2 * S + S / 10, &sig, &ev), 1);
	CHECK_EQ(ev, 0);
	/* third failure: wait 60 s */
	CHECK_EQ(uc_req_grant(&r, &deny, 2 * S + S / 5), UC_EV_DENIED | UC_EV_GAVE_UP);
	CHECK_EQ(poll_types(&r, 61 * S, &sig, &ev), 0);
	CHECK_EQ(poll_types(&r, 62 * S + S / 5, &sig, &ev), 1);
}

TEST(requester_cancel_when_dropped_and_after_master_cancel)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct tlv_unicast g = { DELAY_RESP, -4, 60, 0 }, ack;
	struct ptp_msg sig;
	int ev;

	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_DELAY_RESP, 1, 0);
	poll_types(&r, 0, &sig, &ev);
	uc_req_grant(&r, &g, 0);
	uc_req_want(&r, UC_DELAY_RESP, 0, S);
	CHECK_EQ(poll_types(&r, S, &sig, &ev), 1);
	CHECK_EQ(sig.tlv[0].tlvType, TLV_CANCEL_UNICAST_TRANSMISSION);
	CHECK_EQ(sig.tlv[0].u.uc.messageType, DELAY_RESP);
	CHECK_EQ(poll_types(&r, 2 * S, &sig, &ev), 0);

	uc_req_want(&r, UC_DELAY_RESP, 1, 3 * S);
	CHECK_EQ(poll_types(&r, 3 * S, &sig, &ev), 1);
	uc_req_grant(&r, &g, 3 * S);
	CHECK_EQ(uc_req_cancelled(&r, &g, 4 * S, &ack), 1);
	CHECK_EQ(ack.messageType, DELAY_RESP);
	CHECK(!uc_req_granted(&r, UC_DELAY_RESP, 4 * S));
	CHECK_EQ(poll_types(&r, 4 * S, &sig, &ev), 0);
	CHECK_EQ(poll_types(&r, 5 * S, &sig, &ev), 1);
}

TEST(requester_announce_discovery_never_backs_off)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct ptp_msg sig;
	int ev, i, asked = 0;

	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_ANNOUNCE, 1, 0);
	/* a master that never answers is asked again every retry interval
	 * (one interval more after each third failure), never after 60 s */
	for (i = 0; i <= 11; i++) {
		asked += poll_types(&r, (tmv_t)i * S, &sig, &ev);
	}
	CHECK_EQ(asked, 9);
	CHECK_EQ(poll_types(&r, 12 * S, &sig, &ev), 1);
}

/* G.8265.1 6.6: under that profile Announce waits 60 s after the third
 * failure too */
TEST(requester_announce_backs_off_under_g8265_1)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct ptp_msg sig;
	int ev, i, asked = 0;

	cfg.announce_backoff = 1;
	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_ANNOUNCE, 1, 0);
	for (i = 0; i <= 61; i++) {
		asked += poll_types(&r, (tmv_t)i * S, &sig, &ev);
	}
	/* at 0, 1, 2 s; then nothing until 2 + 1 + 60 s */
	CHECK_EQ(asked, 3);
	CHECK_EQ(poll_types(&r, 63 * S, &sig, &ev), 1);
}

TEST(requester_asks_again_when_a_granted_flow_is_lost)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct tlv_unicast g = { ANNOUNCE, 0, 300, 0 };
	struct ptp_msg sig;
	int ev;

	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_ANNOUNCE, 1, 0);
	CHECK_EQ(poll_types(&r, 0, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &g, S / 10), UC_EV_GRANTED);
	CHECK_EQ(poll_types(&r, 10 * S, &sig, &ev), 0); /* renewal is at 297 s */
	/* announce timeout at 10 s: the master restarted without our grant */
	uc_req_lost(&r, UC_ANNOUNCE, 10 * S);
	CHECK(!uc_req_granted(&r, UC_ANNOUNCE, 10 * S));
	CHECK_EQ(poll_types(&r, 10 * S, &sig, &ev), 1);
	CHECK_EQ(sig.tlv[0].tlvType, TLV_REQUEST_UNICAST_TRANSMISSION);
	CHECK_EQ(poll_types(&r, 11 * S, &sig, &ev), 1); /* silence: retry interval */
	CHECK_EQ(uc_req_grant(&r, &g, 11 * S + S / 10), UC_EV_GRANTED);
	/* a service not wanted or not granted is left alone */
	uc_req_lost(&r, UC_SYNC, 12 * S);
	CHECK_EQ(r.svc[UC_SYNC].state, UC_IDLE);
	CHECK_EQ(poll_types(&r, 12 * S, &sig, &ev), 0);
}

TEST(grantor_cancel_only_from_the_holder)
{
	struct uc_grantor *g = ocp_grantor(10, 0);
	struct net_addr a = test_addr6(7);
	struct ptp_msg sig, rep;
	struct tlv *t;

	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	sig.hdr.sourcePortIdentity.portNumber = 1;
	request(&sig, SYNC, 0, 60);
	uc_grantor_signaling(g, &a, &sig, 0, &rep);
	/* the holder's address but another portIdentity: acknowledged (a
	 * CANCEL always is, 16.1.4.4) but the grant stays */
	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	sig.hdr.sourcePortIdentity.portNumber = 2;
	t = msg_add_tlv(&sig, TLV_CANCEL_UNICAST_TRANSMISSION);
	t->u.uc.messageType = SYNC;
	CHECK_EQ(uc_grantor_signaling(g, &a, &sig, S, &rep), 1);
	CHECK(uc_grantor_holder(g, &a, UC_SYNC, S) != NULL);
	CHECK_EQ(uc_grantor_stats(g)->cancels_ignored, 1);
	sig.hdr.sourcePortIdentity.portNumber = 1;
	uc_grantor_signaling(g, &a, &sig, S, &rep);
	CHECK(uc_grantor_holder(g, &a, UC_SYNC, S) == NULL);
	uc_grantor_destroy(g);
}

TEST(requester_takes_answers_only_to_its_requests)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct tlv_unicast deny = { SYNC, -4, 0, 0 }, g = { SYNC, -4, 60, 0 };
	struct ptp_msg sig;
	int ev, i;

	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_SYNC, 1, 0);
	CHECK_EQ(poll_types(&r, 0, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &g, S / 10), UC_EV_GRANTED);
	/* three forged denials while nothing is asked: ignored, no back-off,
	 * the grant runs on (G.8265.1 6.6 counts answers to requests) */
	for (i = 0; i < 3; i++) {
		CHECK_EQ(uc_req_grant(&r, &deny, S + i), UC_EV_UNEXPECTED);
	}
	CHECK(uc_req_granted(&r, UC_SYNC, 2 * S));
	/* a forged grant with nothing asked changes nothing either */
	CHECK_EQ(uc_req_grant(&r, &g, 3 * S), UC_EV_UNEXPECTED);
	CHECK_EQ(r.svc[UC_SYNC].renew_at, 60 * S + S / 10 - 3 * S);
	/* the renewal's answer is taken, once */
	CHECK_EQ(poll_types(&r, 57 * S + S / 10, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &g, 57 * S + S / 5), UC_EV_GRANTED);
	CHECK_EQ(uc_req_grant(&r, &deny, 57 * S + S / 4), UC_EV_UNEXPECTED);
	CHECK(uc_req_granted(&r, UC_SYNC, 58 * S));
}

TEST(requester_refuses_a_grant_other_than_asked)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct tlv_unicast fast = { SYNC, -128, 60, 0 }, slow = { SYNC, 3, 60, 0 },
			   longer = { SYNC, -4, 100000, 0 };
	struct ptp_msg sig;
	int ev;

	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_SYNC, 1, 0);
	CHECK_EQ(poll_types(&r, 0, &sig, &ev), 1);
	/* logInterMessagePeriod -128 (1e9 >> 30 ns): refused and cancelled */
	CHECK_EQ(uc_req_grant(&r, &fast, S / 10), UC_EV_REFUSED);
	CHECK(!uc_req_granted(&r, UC_SYNC, S / 5));
	CHECK_EQ(poll_types(&r, S + S / 10, &sig, &ev), 2);
	CHECK_EQ(sig.tlv[0].tlvType, TLV_CANCEL_UNICAST_TRANSMISSION);
	CHECK_EQ(sig.tlv[1].tlvType, TLV_REQUEST_UNICAST_TRANSMISSION);
	CHECK_EQ(sig.tlv[1].u.uc.logInterMessagePeriod, -4);
	CHECK_EQ(uc_req_grant(&r, &slow, S + S / 5), UC_EV_REFUSED);
	CHECK_EQ(poll_types(&r, 2 * S + S / 5, &sig, &ev), 2);
	/* third refusal: the G.8265.1 6.6 back-off, reported */
	CHECK_EQ(uc_req_grant(&r, &longer, 2 * S + S / 4), UC_EV_REFUSED | UC_EV_GAVE_UP);
	CHECK(!uc_req_granted(&r, UC_SYNC, 3 * S));
}

/* OCP 7.13.2: the GM may grant another interval than asked; the OC works
 * with a slower one (within the profile's range) and asks for its own
 * again at renewal; a faster one, or one past the range, stays refused */
TEST(requester_takes_a_slower_grant_unless_exact)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct tlv_unicast slower = { SYNC, -2, 60, 0 }, faster = { SYNC, -5, 60, 0 },
			   past = { SYNC, 5, 60, 0 };
	struct ptp_msg sig;
	int ev;

	cfg.exact = 0;
	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_SYNC, 1, 0);
	CHECK_EQ(poll_types(&r, 0, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &faster, S / 10), UC_EV_REFUSED);
	CHECK_EQ(poll_types(&r, S + S / 10, &sig, &ev), 2); /* CANCEL, REQUEST */
	CHECK_EQ(uc_req_grant(&r, &past, S + S / 5), UC_EV_REFUSED);
	CHECK_EQ(poll_types(&r, 2 * S + S / 5, &sig, &ev), 2);
	CHECK_EQ(uc_req_grant(&r, &slower, 2 * S + S / 4), UC_EV_GRANTED);
	CHECK(uc_req_granted(&r, UC_SYNC, 3 * S));
	CHECK_EQ(r.svc[UC_SYNC].logInterMessagePeriod, -2);
	/* the renewal asks for the configured interval again */
	CHECK_EQ(poll_types(&r, 60 * S, &sig, &ev), 1);
	CHECK_EQ(sig.tlv[0].tlvType, TLV_REQUEST_UNICAST_TRANSMISSION);
	CHECK_EQ(sig.tlv[0].u.uc.logInterMessagePeriod, -4);
	/* exact (G.8265.1): the same slower grant is refused */
	cfg.exact = 1;
	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_SYNC, 1, 0);
	CHECK_EQ(poll_types(&r, 0, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &slower, S / 10), UC_EV_REFUSED);
	CHECK(!uc_req_granted(&r, UC_SYNC, S / 5));
}

TEST(grantor_acl_and_packet_budget)
{
	struct uc_grantor_cfg cfg;
	struct uc_grantor *g;
	struct net_addr a = test_addr6(1), b = test_addr6(2), far = test_addr6(1);
	struct ptp_msg sig, rep;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_clients = 100;
	cfg.min_log[UC_ANNOUNCE] = cfg.min_log[UC_SYNC] = cfg.min_log[UC_DELAY_RESP] = -7;
	cfg.max_log[UC_ANNOUNCE] = cfg.max_log[UC_SYNC] = cfg.max_log[UC_DELAY_RESP] = 4;
	cfg.min_duration = 10;
	cfg.max_duration = 1000;
	CHECK_EQ(net_acl_parse("fd00::/120", &cfg.acl), 0);
	cfg.max_pps = 300;
	cfg.sync_msgs = 2;
	g = uc_grantor_create(&cfg);
	/* outside the ACL: no answer, nothing held */
	((struct sockaddr_in6 *)&far.ss)->sin6_addr.s6_addr[13] = 2; /* fd00::2:1 */
	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	request(&sig, SYNC, -7, 60);
	CHECK_EQ(uc_grantor_signaling(g, &far, &sig, 0, &rep), 0);
	CHECK_EQ(uc_grantor_clients(g), 0);
	CHECK_EQ(uc_grantor_stats(g)->rejected_acl, 1);
	/* 128 Sync/s two-step = 256 packets/s: within 300 */
	msg_init(&rep, SIGNALING);
	CHECK_EQ(uc_grantor_signaling(g, &a, &sig, 0, &rep), 1);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 60);
	CHECK(uc_grantor_committed_pps(g) > 255.9 && uc_grantor_committed_pps(g) < 256.1);
	/* a second client's 128/s would exceed the budget: denied; 16/s fits */
	msg_init(&rep, SIGNALING);
	CHECK_EQ(uc_grantor_signaling(g, &b, &sig, 0, &rep), 1);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 0);
	CHECK_EQ(uc_grantor_stats(g)->denied_budget, 1);
	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	request(&sig, SYNC, -4, 60);
	CHECK_EQ(uc_grantor_signaling(g, &b, &sig, 0, &rep), 1);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 60);
	/* the first client renews at the same rate: its own share counts once */
	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	request(&sig, SYNC, -7, 60);
	CHECK_EQ(uc_grantor_signaling(g, &a, &sig, S, &rep), 1);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 60);
	CHECK(uc_grantor_committed_pps(g) > 287.9 && uc_grantor_committed_pps(g) < 288.1);
	uc_grantor_destroy(g);
}

TEST(grantor_keeps_grants_from_a_forged_port)
{
	struct uc_grantor *g = ocp_grantor(10, 0);
	struct net_addr a = test_addr6(3);
	struct ptp_msg sig, rep;
	struct tlv *t;

	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	sig.hdr.sourcePortIdentity.portNumber = 1;
	request(&sig, SYNC, -4, 60);
	uc_grantor_signaling(g, &a, &sig, 0, &rep);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 60);
	/* the same address, another portIdentity: a slower Sync and then a
	 * CANCEL must not take the holder's grant over */
	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	sig.hdr.sourcePortIdentity.portNumber = 7;
	request(&sig, SYNC, 3, 10);
	uc_grantor_signaling(g, &a, &sig, S, &rep);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 0);
	CHECK_EQ(uc_grantor_stats(g)->denied_identity, 1);
	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	sig.hdr.sourcePortIdentity.portNumber = 7;
	t = msg_add_tlv(&sig, TLV_CANCEL_UNICAST_TRANSMISSION);
	t->u.uc.messageType = SYNC;
	uc_grantor_signaling(g, &a, &sig, S, &rep);
	CHECK(uc_grantor_holder(g, &a, UC_SYNC, 2 * S) != NULL);
	CHECK_EQ(uc_grantor_holder(g, &a, UC_SYNC, 2 * S)->grant[UC_SYNC].logInterMessagePeriod, -4);
	/* once the grants have expired the address may be another port */
	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	sig.hdr.sourcePortIdentity.portNumber = 7;
	request(&sig, SYNC, 0, 60);
	{
		struct uc_client *c;
		int svc;
		while (uc_grantor_due(g, 61 * S, &c, &svc)) {
		}
	}
	uc_grantor_signaling(g, &a, &sig, 61 * S, &rep);
	CHECK_EQ(rep.tlv[0].u.uc.durationField, 60);
	uc_grantor_destroy(g);
}

/* ---- an address's portIdentity against forgers (issue 24) ---- */

/* A Signaling message from port portNumber pn at a with one TLV of type
 * tlv for messageType type; returns the answer's first durationField (a
 * GRANT) or -1 (no GRANT). */
static long sig_from(struct uc_grantor *g, const struct net_addr *a, uint16_t pn, uint16_t tlv,
		     uint8_t type, int8_t log, uint32_t dur, tmv_t now)
{
	struct ptp_msg sig, rep;
	struct tlv *t;

	msg_init(&sig, SIGNALING);
	msg_init(&rep, SIGNALING);
	sig.hdr.sourcePortIdentity.clockIdentity.id[0] = 0x42;
	sig.hdr.sourcePortIdentity.portNumber = pn;
	t = msg_add_tlv(&sig, tlv);
	t->u.uc.messageType = type;
	t->u.uc.logInterMessagePeriod = log;
	t->u.uc.durationField = dur;
	uc_grantor_signaling(g, a, &sig, now, &rep);
	return rep.n_tlv && rep.tlv[0].tlvType == TLV_GRANT_UNICAST_TRANSMISSION
		       ? (long)rep.tlv[0].u.uc.durationField
		       : -1;
}

static long req_from(struct uc_grantor *g, const struct net_addr *a, uint16_t pn, uint8_t type,
		     tmv_t now)
{
	return sig_from(g, a, pn, TLV_REQUEST_UNICAST_TRANSMISSION, type, 0, 60, now);
}

static void cancel_from(struct uc_grantor *g, const struct net_addr *a, uint16_t pn, uint8_t type,
			tmv_t now)
{
	sig_from(g, a, pn, TLV_CANCEL_UNICAST_TRANSMISSION, type, 0, 0, now);
}

static void run_schedule(struct uc_grantor *g, tmv_t now)
{
	struct uc_client *c;
	int svc;
	while (uc_grantor_due(g, now, &c, &svc)) {
	}
}

/* Grant squatting: CANCELs forged with the holder's address and
 * portIdentity end its grants, but the address stays its own for the grace
 * period: another portIdentity is denied, the holder's own REQUEST is
 * granted at once; after the grace period of silence the record goes. */
TEST(grantor_reserves_an_address_whose_grants_were_cancelled)
{
	struct uc_grantor *g = ocp_grantor(10, 0);
	struct net_addr a = test_addr6(5);
	static const uint8_t types[3] = { ANNOUNCE, SYNC, DELAY_RESP };
	int i;

	for (i = 0; i < 3; i++) {
		CHECK_EQ(req_from(g, &a, 1, types[i], 0), 60);
	}
	/* the forger: CANCEL in the holder's name, then REQUEST as port 2 */
	for (i = 0; i < 3; i++) {
		cancel_from(g, &a, 1, types[i], S);
	}
	CHECK(uc_grantor_holder(g, &a, UC_SYNC, S) == NULL);
	CHECK_EQ(uc_grantor_clients(g), 1); /* reserved */
	CHECK_EQ(req_from(g, &a, 2, ANNOUNCE, S + 1), 0);
	CHECK_EQ(uc_grantor_stats(g)->denied_identity, 1);
	run_schedule(g, 5 * S);
	CHECK_EQ(req_from(g, &a, 2, ANNOUNCE, 5 * S), 0);
	/* the holder asks again (it saw the ACKNOWLEDGE_CANCEL): at once */
	CHECK_EQ(req_from(g, &a, 1, SYNC, 5 * S), 60);
	CHECK_EQ(uc_grantor_holder(g, &a, UC_SYNC, 5 * S)->portIdentity.portNumber, 1);
	CHECK_EQ(uc_grantor_stats(g)->taken_over, 0);
	/* its own CANCEL, then 10 s (UC_GRACE_NS) of silence: the record is
	 * freed and the address anyone's */
	cancel_from(g, &a, 1, SYNC, 6 * S);
	run_schedule(g, 16 * S - 1);
	CHECK_EQ(uc_grantor_clients(g), 1);
	CHECK_EQ(req_from(g, &a, 2, ANNOUNCE, 16 * S - 1), 0);
	run_schedule(g, 16 * S);
	CHECK_EQ(uc_grantor_clients(g), 0);
	CHECK_EQ(req_from(g, &a, 2, ANNOUNCE, 16 * S), 60);
	CHECK_EQ(uc_grantor_holder(g, &a, UC_ANNOUNCE, 16 * S)->portIdentity.portNumber, 2);
	uc_grantor_destroy(g);
}

/* A holder of Delay_Resp is alive while its Delay_Req stream flows: a new
 * portIdentity at its address is denied, and served once the holder has
 * been silent for the grace period (a client that restarted with another
 * identity); the old port's grants end then. */
TEST(grantor_delay_req_stream_keeps_the_holder)
{
	struct uc_grantor *g = ocp_grantor(10, 0);
	struct net_addr a = test_addr6(6);
	struct port_identity me, other;
	struct uc_client *c;
	tmv_t t;

	CHECK_EQ(req_from(g, &a, 1, SYNC, 0), 60);
	CHECK_EQ(req_from(g, &a, 1, DELAY_RESP, 0), 60);
	c = uc_grantor_holder(g, &a, UC_DELAY_RESP, 0);
	me = c->portIdentity;
	other = me;
	other.portNumber = 2;
	for (t = S; t <= 30 * S; t += S) {
		uc_client_heard(uc_grantor_holder(g, &a, UC_DELAY_RESP, t), &me, t);
		/* a forger's Delay_Req as another port is no sign of the holder */
		uc_client_heard(uc_grantor_holder(g, &a, UC_DELAY_RESP, t), &other, t);
	}
	CHECK_EQ(req_from(g, &a, 2, SYNC, 30 * S), 0);
	CHECK_EQ(req_from(g, &a, 2, SYNC, 39 * S), 0); /* 9 s of silence */
	CHECK_EQ(uc_grantor_stats(g)->denied_identity, 2);
	CHECK_EQ(req_from(g, &a, 2, SYNC, 40 * S), 60);
	CHECK_EQ(uc_grantor_stats(g)->taken_over, 1);
	c = uc_grantor_holder(g, &a, UC_SYNC, 40 * S);
	CHECK_EQ(c->portIdentity.portNumber, 2);
	CHECK(uc_grantor_holder(g, &a, UC_DELAY_RESP, 40 * S) == NULL);
	/* the old port is now the stranger; the committed rate is the new
	 * port's Sync alone (1/s two-step) */
	CHECK_EQ(req_from(g, &a, 1, DELAY_RESP, 41 * S), 0);
	CHECK(uc_grantor_committed_pps(g) > 1.99 && uc_grantor_committed_pps(g) < 2.01);
	uc_grantor_destroy(g);
}

/* A holder of Announce (or Sync) only shows life by renewing shortly
 * before expiry: another portIdentity waits for the expiry (as before). */
TEST(grantor_announce_holder_kept_until_expiry)
{
	struct uc_grantor *g = ocp_grantor(10, 0);
	struct net_addr a = test_addr6(8);

	CHECK_EQ(req_from(g, &a, 1, ANNOUNCE, 0), 60);
	CHECK_EQ(req_from(g, &a, 2, ANNOUNCE, 59 * S), 0);
	run_schedule(g, 60 * S);
	CHECK_EQ(req_from(g, &a, 2, ANNOUNCE, 60 * S), 60);
	CHECK_EQ(uc_grantor_stats(g)->taken_over, 0); /* expired and freed first */
	uc_grantor_destroy(g);
}

/* max_client_pps: what one address's grants may commit the grantor to */
TEST(grantor_per_address_budget)
{
	struct uc_grantor_cfg cfg;
	struct uc_grantor *g;
	struct net_addr a = test_addr6(1), b = test_addr6(2);

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_clients = 10;
	cfg.min_log[UC_ANNOUNCE] = cfg.min_log[UC_SYNC] = cfg.min_log[UC_DELAY_RESP] = -7;
	cfg.max_log[UC_ANNOUNCE] = cfg.max_log[UC_SYNC] = cfg.max_log[UC_DELAY_RESP] = 4;
	cfg.min_duration = 10;
	cfg.max_duration = 300;
	cfg.sync_msgs = 2;
	cfg.client_pps = 300;
	g = uc_grantor_create(&cfg);
	/* Sync 128/s two-step: 256; Delay_Resp 128/s more would be 384 */
	CHECK_EQ(sig_from(g, &a, 1, TLV_REQUEST_UNICAST_TRANSMISSION, SYNC, -7, 86400, 0), 300);
	CHECK_EQ(sig_from(g, &a, 1, TLV_REQUEST_UNICAST_TRANSMISSION, DELAY_RESP, -7, 60, 0), 0);
	CHECK_EQ(uc_grantor_stats(g)->denied_budget, 1);
	CHECK_EQ(sig_from(g, &a, 1, TLV_REQUEST_UNICAST_TRANSMISSION, DELAY_RESP, -5, 60, 0), 60);
	/* a renewal of the Sync grant counts its own share once */
	CHECK_EQ(sig_from(g, &a, 1, TLV_REQUEST_UNICAST_TRANSMISSION, SYNC, -7, 60, S), 60);
	/* another address has its own budget */
	CHECK_EQ(sig_from(g, &b, 1, TLV_REQUEST_UNICAST_TRANSMISSION, SYNC, -7, 60, S), 60);
	CHECK(uc_grantor_committed_pps(g) > 543.9 && uc_grantor_committed_pps(g) < 544.1);
	uc_grantor_destroy(g);
}

/* The record stays 128 octets: 30 000 clients, ~150 B each with the index
 * and the schedule (README, Scale) */
TEST(grantor_client_record_size)
{
	CHECK(sizeof(struct uc_client) <= 128);
}

/* An ACKNOWLEDGE_CANCEL that answers no CANCEL of ours: a CANCEL forged
 * in our name ended the grant at the master; ask again at once, and not
 * more than once a retry interval however many come. */
TEST(requester_asks_again_after_an_acknowledge_cancel_it_did_not_cause)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct tlv_unicast g = { SYNC, -4, 60, 0 }, ack = { SYNC, 0, 0, 0 };
	struct ptp_msg sig;
	int ev, i;

	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_SYNC, 1, 0);
	CHECK_EQ(poll_types(&r, 0, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &g, S / 10), UC_EV_GRANTED);
	CHECK_EQ(uc_req_acked(&r, &ack, 10 * S), 1);
	CHECK(!uc_req_granted(&r, UC_SYNC, 10 * S));
	CHECK_EQ(poll_types(&r, 10 * S, &sig, &ev), 1);
	CHECK_EQ(sig.tlv[0].tlvType, TLV_REQUEST_UNICAST_TRANSMISSION);
	CHECK_EQ(sig.tlv[0].u.uc.messageType, SYNC);
	CHECK_EQ(uc_req_grant(&r, &g, 10 * S + S / 100), UC_EV_GRANTED);
	/* a stream of them: one request per retry interval (the first of
	 * them still finds the grant held: asked again when the interval
	 * ends; the others find nothing held) */
	for (i = 1; i < 10; i++) {
		CHECK_EQ(uc_req_acked(&r, &ack, 10 * S + i * S / 10), i == 1);
		CHECK_EQ(poll_types(&r, 10 * S + i * S / 10, &sig, &ev), 0);
	}
	CHECK_EQ(poll_types(&r, 11 * S, &sig, &ev), 1);
	/* the answer to our own CANCEL changes nothing */
	uc_req_grant(&r, &g, 11 * S + S / 100);
	uc_req_want(&r, UC_SYNC, 0, 20 * S);
	CHECK_EQ(poll_types(&r, 20 * S, &sig, &ev), 1);
	CHECK_EQ(sig.tlv[0].tlvType, TLV_CANCEL_UNICAST_TRANSMISSION);
	CHECK_EQ(uc_req_acked(&r, &ack, 20 * S + S / 100), 0);
	CHECK_EQ(poll_types(&r, 25 * S, &sig, &ev), 0);
	/* wanted again, then an ACKNOWLEDGE_CANCEL that is ours (within the
	 * retry interval of the CANCEL) is no loss either */
	uc_req_want(&r, UC_SYNC, 1, 20 * S + S / 2);
	CHECK_EQ(poll_types(&r, 20 * S + S / 2, &sig, &ev), 1);
	uc_req_grant(&r, &g, 20 * S + S / 2 + 1);
	CHECK_EQ(uc_req_acked(&r, &ack, 20 * S + S / 2 + 2), 0);
	CHECK(uc_req_granted(&r, UC_SYNC, 21 * S));
}

/* A lost flow is asked for again at once, but a denial then backs off
 * as usual (G.8265.1 6.6) */
TEST(requester_lost_flow_then_denials_back_off)
{
	struct uc_requester_cfg cfg = req_cfg();
	struct uc_requester r;
	struct tlv_unicast g = { SYNC, -4, 60, 0 }, deny = { SYNC, -4, 0, 0 };
	struct ptp_msg sig;
	int ev;

	uc_req_init(&r, &cfg, 0);
	uc_req_want(&r, UC_SYNC, 1, 0);
	poll_types(&r, 0, &sig, &ev);
	uc_req_grant(&r, &g, S / 10);
	CHECK_EQ(uc_req_lost(&r, UC_SYNC, 5 * S), 1);
	CHECK_EQ(poll_types(&r, 5 * S, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &deny, 5 * S + 1), UC_EV_DENIED);
	CHECK_EQ(uc_req_lost(&r, UC_SYNC, 5 * S + 2), 0); /* not held: nothing */
	/* 1 s after each denial (G.8265.1 6.6) */
	CHECK_EQ(poll_types(&r, 6 * S, &sig, &ev), 0);
	CHECK_EQ(poll_types(&r, 6 * S + 1, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &deny, 6 * S + 2), UC_EV_DENIED);
	CHECK_EQ(poll_types(&r, 7 * S + 2, &sig, &ev), 1);
	CHECK_EQ(uc_req_grant(&r, &deny, 7 * S + 3), UC_EV_DENIED | UC_EV_GAVE_UP);
	/* the third: 60 s */
	CHECK_EQ(poll_types(&r, 67 * S + 2, &sig, &ev), 0);
	CHECK_EQ(poll_types(&r, 67 * S + 3, &sig, &ev), 1);
}
