/* SPDX-License-Identifier: BSD-2-Clause */
/* The transparent clock engine (core/tc.c): frames, checksums, one-step
 * write-ahead and two-step residence, with a fake clock and ports. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/auth.h"
#include "../../core/config.h"
#include "../../core/mgmt.h"
#include "../../core/msg.h"
#include "../../core/tlv.h"
#include "../../core/tc.h"
#include "../../core/wire.h"
#include "test.h"

static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 1 }, mac_b[6] = { 2, 0, 0, 0, 0, 2 };

static struct net_addr v4(int last)
{
	struct net_addr a;
	struct sockaddr_in *s = (struct sockaddr_in *)&a.ss;
	memset(&a, 0, sizeof(a));
	s->sin_family = AF_INET;
	s->sin_addr.s_addr = htonl(0x0a000000u | (unsigned)last);
	a.len = sizeof(*s);
	return a;
}


/* A PTP frame: messageType type, sequenceId seq, flags (two-step), from
 * port identity id_last; Delay_Resp's requestingPortIdentity req_last. */
static int ptp_frame(uint8_t *out, int ip, uint8_t type, uint16_t seq, int two_step, int id_last,
		     int req_last)
{
	struct ptp_msg m;
	uint8_t buf[128];
	struct net_addr s = ip == 4 ? v4(1) : test_addr6(1), d = ip == 4 ? v4(2) : test_addr6(2);
	int n;

	memset(&m, 0, sizeof(m));
	m.hdr.messageType = type;
	m.hdr.versionPTP = 2;
	m.hdr.minorVersionPTP = 1;
	m.hdr.sequenceId = seq;
	m.hdr.flagField = two_step ? 0x0200 : 0;
	m.hdr.sourcePortIdentity.clockIdentity.id[7] = (uint8_t)id_last;
	m.hdr.sourcePortIdentity.portNumber = 1;
	m.hdr.correctionField = 5 * 65536; /* 5 ns already */
	if (type == DELAY_RESP) {
		m.body.delay_resp.requestingPortIdentity.clockIdentity.id[7] = (uint8_t)req_last;
		m.body.delay_resp.requestingPortIdentity.portNumber = 1;
	}
	n = msg_pack(&m, buf, sizeof(buf));
	if (n < 0) {
		return n;
	}
	return tc_frame_build(out, mac_b, mac_a, &s, &d, type < 8, buf, (size_t)n);
}

static int64_t correction_ns(const uint8_t *fr, size_t len)
{
	struct tc_frame f;
	if (tc_frame_parse(fr, len, &f)) {
		return INT64_MIN;
	}
	return (int64_t)get_be64(fr + f.ptp_off + 8) / 65536;
}

TEST(tc_frame_parse_build_checksum)
{
	uint8_t fr[TC_FRAME_MAX];
	int ip;

	for (ip = 4; ip <= 6; ip += 2) {
		struct tc_frame f;
		int n = ptp_frame(fr, ip, SYNC, 7, 1, 1, 0), k;
		uint64_t x = 0x123456789abcdefULL;

		CHECK(n > 0);
		CHECK_EQ(tc_frame_parse(fr, (size_t)n, &f), 0);
		CHECK_EQ(f.ip, ip);
		CHECK_EQ(f.event, 1);
		CHECK(tc_frame_udp_ok(fr, &f));
		CHECK_EQ(correction_ns(fr, (size_t)n), 5);
		/* any correction, up or down: the checksum still verifies */
		for (k = 0; k < 200; k++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			tc_frame_add_correction(fr, &f, (int64_t)(x >> 20) - (1LL << 43));
			CHECK(tc_frame_udp_ok(fr, &f));
		}
		/* a changed octet elsewhere does not */
		fr[f.ptp_off + 31] ^= 1;
		CHECK(!tc_frame_udp_ok(fr, &f));
		/* truncated: the datagram is not all there */
		CHECK_EQ(tc_frame_parse(fr, (size_t)n - 1, &f), -EBADMSG);
	}
	/* IPv4 zero checksum stays zero */
	{
		struct tc_frame f;
		int n = ptp_frame(fr, 4, SYNC, 1, 0, 1, 0);
		tc_frame_parse(fr, (size_t)n, &f);
		put_be16(fr + f.udp_off + 6, 0);
		tc_frame_add_correction(fr, &f, 1000 * 65536LL);
		CHECK_EQ(get_be16(fr + f.udp_off + 6), 0);
		CHECK_EQ(correction_ns(fr, (size_t)n), 1005);
	}
	/* a VLAN tag is skipped; another UDP port is not PTP */
	{
		uint8_t t[TC_FRAME_MAX];
		struct tc_frame f;
		int n = ptp_frame(fr, 6, DELAY_REQ, 1, 0, 1, 0);
		memcpy(t, fr, 12);
		put_be16(t + 12, 0x8100);
		put_be16(t + 14, 42);
		memcpy(t + 16, fr + 12, (size_t)n - 12);
		CHECK_EQ(tc_frame_parse(t, (size_t)n + 4, &f), 0);
		CHECK_EQ(f.ptp_off, 14 + 4 + 40 + 8);
		put_be16(fr + 14 + 40 + 2, 123);
		CHECK_EQ(tc_frame_parse(fr, (size_t)n, &f), -EPROTO);
	}
}

/* ---- the engine with two fake ports and a settable clock ---- */

struct fake {
	struct clk clk;
	tmv_t now; /* the TC clock, ns */
	int next_id;
	int n_sent;
	struct {
		int port, id, want_ts;
		size_t len;
		uint8_t fr[TC_FRAME_MAX];
	} sent[16];
};

static int fk_gettime(struct clk *c, tmv_t *now)
{
	*now = ((struct fake *)c)->now;
	return 0;
}

static const struct clk_ops fk_clk_ops = { "fake", fk_gettime, NULL, NULL, NULL, NULL };

static int fk_send(void *io, int port, const uint8_t *fr, size_t len, int want_ts)
{
	struct fake *k = io;
	if (k->n_sent == 16) {
		return -ENOBUFS;
	}
	k->sent[k->n_sent].port = port;
	k->sent[k->n_sent].id = want_ts ? ++k->next_id : 0;
	k->sent[k->n_sent].want_ts = want_ts;
	k->sent[k->n_sent].len = len;
	memcpy(k->sent[k->n_sent].fr, fr, len);
	return k->sent[k->n_sent++].id;
}

static uint32_t fk_egress(void *io, int in_port, const uint8_t *fr, size_t len)
{
	(void)io, (void)fr, (void)len;
	return in_port == 1 ? 1u << 2 : 1u << 1;
}

static const struct clock_identity fk_id = { { 0x02, 0, 0, 0, 0, 0x07, 0, 0x02 } };
static struct auth_port *fk_auth; /* the TC's SA (ops.eng.auth), NULL: none */

/* A TC on the fake with tc_egress mode and, when key is not NULL, key
 * set to val. */
static struct tc *fk_tc_with(struct fake *k, struct config **cfg, const char *mode,
			     const char *key, const char *val)
{
	static const char *const names[] = { "lan1", "lan2" };
	struct tc_ops ops;
	char err[64];

	memset(k, 0, sizeof(*k));
	k->clk.ops = &fk_clk_ops;
	memset(&ops, 0, sizeof(ops));
	ops.eng.clk = &k->clk;
	ops.eng.io = k;
	ops.eng.auth = fk_auth;
	ops.send_frame = fk_send;
	ops.egress = fk_egress;
	*cfg = config_create(CFG_ROLE_ANY);
	config_set(*cfg, "tc_egress", mode);
	if (key) {
		config_set(*cfg, key, val);
	}
	if (config_finish(*cfg, err, sizeof(err))) {
		return NULL;
	}
	return tc_create(*cfg, &fk_id, 2, names, &ops, err, sizeof(err));
}

static struct tc *fk_tc(struct fake *k, struct config **cfg, const char *mode)
{
	return fk_tc_with(k, cfg, mode, NULL, NULL);
}

TEST(tc_one_step_writes_residence_ahead)
{
	struct fake k;
	struct config *cfg;
	struct tc *t = fk_tc(&k, &cfg, "one_step");
	uint8_t fr[TC_FRAME_MAX];
	int n = ptp_frame(fr, 6, SYNC, 3, 0, 1, 0);
	const struct tc_port_stats *s;
	struct tc_frame f;

	CHECK(t != NULL);
	k.now = 1000000 + 4000;
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	CHECK_EQ(k.n_sent, 1);
	CHECK_EQ(k.sent[0].port, 2);
	CHECK_EQ(correction_ns(k.sent[0].fr, k.sent[0].len), 5 + 4000);
	tc_frame_parse(k.sent[0].fr, k.sent[0].len, &f);
	CHECK(tc_frame_udp_ok(k.sent[0].fr, &f));
	/* the frame left 300 ns after the reading: the write-ahead error */
	tc_tx_ts(t, k.sent[0].id, 1000000 + 4300, 0);
	s = tc_port_stats(t, 2);
	CHECK_EQ(s->corrected, 1);
	CHECK_EQ(s->wa_n, 1);
	CHECK_EQ((long long)s->wa_max, 300);
	CHECK_EQ((long long)s->res_max, 4000);
	/* a two-step Sync too: its residence goes into the Sync */
	n = ptp_frame(fr, 4, SYNC, 4, 1, 1, 0);
	k.now = 2000000 + 2500;
	tc_rx(t, 1, fr, (size_t)n, 2000000, 0);
	CHECK_EQ(correction_ns(k.sent[1].fr, k.sent[1].len), 5 + 2500);
	/* Announce unchanged; a truncated PTP message forwarded unchanged, counted */
	n = ptp_frame(fr, 4, ANNOUNCE, 1, 0, 1, 0);
	tc_rx(t, 2, fr, (size_t)n, 5, 0);
	CHECK_EQ(k.sent[2].port, 1);
	CHECK_EQ(k.sent[2].len, (size_t)n);
	CHECK(!memcmp(k.sent[2].fr, fr, (size_t)n));
	tc_rx(t, 2, fr, (size_t)n - 3, 5, 0);
	CHECK_EQ(k.sent[3].len, (size_t)n - 3);
	CHECK_EQ(tc_port_stats(t, 2)->rx_bad, 1);
	tc_destroy(t);
	config_destroy(cfg);
}

TEST(tc_two_step_residence_in_follow_up_and_delay_resp)
{
	struct fake k;
	struct config *cfg;
	struct tc *t = fk_tc(&k, &cfg, "two_step");
	uint8_t fr[TC_FRAME_MAX];
	int n, sync_id;

	CHECK(t != NULL);
	/* Sync in on 1, out on 2 unchanged, stamped */
	n = ptp_frame(fr, 6, SYNC, 10, 1, 1, 0);
	tc_rx(t, 1, fr, (size_t)n, 50000, 0);
	CHECK_EQ(k.n_sent, 1);
	CHECK_EQ(correction_ns(k.sent[0].fr, k.sent[0].len), 5);
	CHECK(k.sent[0].want_ts);
	sync_id = k.sent[0].id;
	/* its Follow_Up before the stamp: held */
	n = ptp_frame(fr, 6, FOLLOW_UP, 10, 0, 1, 0);
	tc_rx(t, 1, fr, (size_t)n, 51000, 0);
	CHECK_EQ(k.n_sent, 1);
	CHECK(tc_tick(t, 10) < INT64_MAX);
	/* the stamp: 7000 ns of residence, into the Follow_Up */
	tc_tx_ts(t, sync_id, 57000, 20);
	CHECK_EQ(k.n_sent, 2);
	CHECK_EQ(k.sent[1].port, 2);
	CHECK_EQ(correction_ns(k.sent[1].fr, k.sent[1].len), 5 + 7000);
	/* Delay_Req in on 2, out on 1; stamped 900 ns later */
	n = ptp_frame(fr, 6, DELAY_REQ, 77, 0, 9, 0);
	tc_rx(t, 2, fr, (size_t)n, 100000, 0);
	CHECK_EQ(k.sent[2].port, 1);
	tc_tx_ts(t, k.sent[2].id, 100900, 0);
	/* its Delay_Resp in on 1 (where the Delay_Req left), out on 2 */
	n = ptp_frame(fr, 6, DELAY_RESP, 77, 0, 1, 9);
	tc_rx(t, 1, fr, (size_t)n, 0, 0);
	CHECK_EQ(k.n_sent, 4);
	CHECK_EQ(k.sent[3].port, 2);
	CHECK_EQ(correction_ns(k.sent[3].fr, k.sent[3].len), 5 + 900);
	/* a Follow_Up whose Sync we never saw: dropped, counted */
	n = ptp_frame(fr, 6, FOLLOW_UP, 11, 0, 1, 0);
	tc_rx(t, 1, fr, (size_t)n, 0, 0);
	CHECK_EQ(k.n_sent, 4);
	CHECK_EQ(tc_port_stats(t, 2)->dropped_unmatched, 1);
	/* a Sync whose stamp never comes: its Follow_Up is dropped late */
	n = ptp_frame(fr, 6, SYNC, 12, 1, 1, 0);
	tc_rx(t, 1, fr, (size_t)n, 60000, 0);
	n = ptp_frame(fr, 6, FOLLOW_UP, 12, 0, 1, 0);
	tc_rx(t, 1, fr, (size_t)n, 0, 0);
	CHECK_EQ(k.n_sent, 5);
	tc_tick(t, TC_HOLD_NS + 1);
	CHECK_EQ(tc_port_stats(t, 2)->dropped_late, 1);
	tc_destroy(t);
	config_destroy(cfg);
}

/* 10.2.2.1.2: a one-step Sync through a two-step TC leaves two-step, and
 * the TC sends its Follow_Up with the residence. */
TEST(tc_two_step_turns_one_step_sync_two_step)
{
	struct fake k;
	struct config *cfg;
	struct tc *t = fk_tc(&k, &cfg, "two_step");
	uint8_t fr[TC_FRAME_MAX];
	struct tc_frame f, g;
	int n = ptp_frame(fr, 4, SYNC, 21, 0, 1, 0);

	CHECK(t != NULL);
	put_be48(fr + 14 + 20 + 8 + 34, 1234); /* originTimestamp seconds */
	{ /* the checksum of the changed frame: rebuild through a correction of 0 */
		tc_frame_parse(fr, (size_t)n, &f);
		put_be16(fr + f.udp_off + 6, 0); /* IPv4: no checksum */
	}
	tc_rx(t, 1, fr, (size_t)n, 80000, 0);
	CHECK_EQ(k.n_sent, 1);
	tc_frame_parse(k.sent[0].fr, k.sent[0].len, &g);
	CHECK(k.sent[0].fr[g.ptp_off + 6] & 0x02);
	CHECK_EQ(correction_ns(k.sent[0].fr, k.sent[0].len), 5);
	tc_tx_ts(t, k.sent[0].id, 86500, 0);
	CHECK_EQ(k.n_sent, 2);
	CHECK_EQ(k.sent[1].port, 2);
	tc_frame_parse(k.sent[1].fr, k.sent[1].len, &g);
	CHECK_EQ(k.sent[1].fr[g.ptp_off] & 0x0f, FOLLOW_UP);
	CHECK_EQ(g.event, 0);
	CHECK_EQ(correction_ns(k.sent[1].fr, k.sent[1].len), 6500);
	CHECK_EQ(get_be48(k.sent[1].fr + g.ptp_off + 34), 1234);
	CHECK_EQ(get_be16(k.sent[1].fr + g.ptp_off + 30), 21);
	CHECK(tc_frame_udp_ok(k.sent[1].fr, &g));
	/* and with a checksum (IPv6): valid on both */
	n = ptp_frame(fr, 6, SYNC, 22, 0, 1, 0);
	tc_rx(t, 1, fr, (size_t)n, 90000, 0);
	tc_frame_parse(k.sent[2].fr, k.sent[2].len, &g);
	CHECK(tc_frame_udp_ok(k.sent[2].fr, &g));
	tc_tx_ts(t, k.sent[2].id, 91000, 0);
	tc_frame_parse(k.sent[3].fr, k.sent[3].len, &g);
	CHECK(tc_frame_udp_ok(k.sent[3].fr, &g));
	CHECK_EQ(correction_ns(k.sent[3].fr, k.sent[3].len), 1000);
	tc_destroy(t);
	config_destroy(cfg);
}

/* Management through mgmt_answer(): the data sets of 1588-2008 8.3 and the
 * port's counters after one one-step Sync (residence 4000 ns, write-ahead
 * error 300 ns), encoded and decoded as pmc would see them. */
static int tc_get_port;
static struct tc *tc_get_tc;
static int tc_get(void *ctx, struct mgmt_value *v)
{
	(void)ctx;
	return tc_mgmt_get(tc_get_tc, v, tc_get_port);
}

static int ask(uint16_t id, uint16_t target_port, struct mgmt_value *out, uint16_t *err)
{
	struct mgmt_ops ops = { tc_get, NULL, NULL };
	struct mgmt_self self;
	struct ptp_msg req, resp;
	struct mgmt_req r;
	uint8_t tv[2], buf[PTP_MSG_MAX_LEN];
	struct tlv *t;

	msg_init(&req, MANAGEMENT);
	memset(req.body.management.targetPortIdentity.clockIdentity.id, 0xff, 8);
	req.body.management.targetPortIdentity.portNumber = target_port;
	req.body.management.actionField = MGMT_GET;
	t = msg_add_tlv(&req, TLV_MANAGEMENT);
	put_be16(tv, id);
	t->value = tv;
	t->lengthField = 2;
	memset(&self, 0, sizeof(self));
	self.clockIdentity = fk_id;
	self.portNumber = (uint16_t)tc_get_port;
	if (!mgmt_answer(&self, &ops, &req, 0, &resp, buf, sizeof(buf)) || mgmt_parse(&resp, &r)) {
		return 0;
	}
	*err = r.tlvType == TLV_MANAGEMENT ? 0 : r.errorId;
	return *err || !mgmt_decode(id, r.data, r.len, out);
}

TEST(tc_management_data_sets_and_counters)
{
	struct fake k;
	struct config *cfg;
	struct tc *t = fk_tc(&k, &cfg, "one_step");
	uint8_t fr[TC_FRAME_MAX];
	int n = ptp_frame(fr, 6, SYNC, 3, 0, 1, 0);
	struct mgmt_value v;
	uint16_t err;

	CHECK(t != NULL);
	k.now = 1000000 + 4000;
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	tc_tx_ts(t, k.sent[0].id, 1000000 + 4300, 0);
	tc_rx(t, 1, fr, 20, 5, 0); /* truncated */
	tc_get_tc = t;
	tc_get_port = 1;
	CHECK(ask(MID_DEFAULT_DATA_SET, 0, &v, &err) && !err);
	CHECK_EQ(v.u.dds.numberPorts, 2);
	CHECK_EQ(v.u.dds.twoStepFlag, 0);
	CHECK(!clock_id_cmp(&v.u.dds.clockIdentity, &fk_id));
	CHECK(ask(MID_TRANSPARENT_CLOCK_DEFAULT_DATA_SET, 0xffff, &v, &err) && !err);
	CHECK_EQ(v.u.tcds.numberPorts, 2);
	CHECK_EQ(v.u.tcds.delayMechanism, 1);
	CHECK_EQ(v.u.tcds.primaryDomain, 0);
	/* port 2: the Sync left by it */
	tc_get_port = 2;
	CHECK(ask(MID_TRANSPARENT_CLOCK_PORT_DATA_SET, 2, &v, &err) && !err);
	CHECK_EQ(v.u.tcport.portIdentity.portNumber, 2);
	CHECK_EQ(v.u.tcport.logMinPdelayReqInterval, 0x7f);
	CHECK(ask(MID_TC_PORT_STATS_NP, 0xffff, &v, &err) && !err);
	CHECK_EQ(v.u.tcstats.count[TCS_TX_FRAMES], 2);
	CHECK_EQ(v.u.tcstats.count[TCS_CORRECTED], 1);
	CHECK_EQ(v.u.tcstats.count[TCS_RESIDENCE_N], 1);
	CHECK_EQ(v.u.tcstats.count[TCS_RESIDENCE_MEAN_NS], 4000);
	CHECK_EQ(v.u.tcstats.count[TCS_WRITEAHEAD_MAX_NS], 300);
	CHECK(ask(MID_PORT_STATS_NP, 0xffff, &v, &err) && !err);
	CHECK_EQ(v.u.stats.txMsgType[SYNC], 1);
	/* port 1: what came in */
	tc_get_port = 1;
	CHECK(ask(MID_TC_PORT_STATS_NP, 1, &v, &err) && !err);
	CHECK_EQ(v.u.tcstats.count[TCS_RX_FRAMES], 2);
	CHECK_EQ(v.u.tcstats.count[TCS_RX_MALFORMED], 1);
	CHECK(ask(MID_PORT_STATS_NP, 1, &v, &err) && !err);
	CHECK_EQ(v.u.stats.rxMsgType[SYNC], 1);
	/* a port-level request for port 2 is not port 1's to answer */
	CHECK(!ask(MID_TC_PORT_STATS_NP, 2, &v, &err));
	/* what a TC has not: an error, not silence */
	CHECK(ask(MID_CURRENT_DATA_SET, 0, &v, &err));
	CHECK_EQ(err, MERR_NOT_SUPPORTED);
	tc_get_port = 3;
	CHECK(ask(MID_TC_PORT_STATS_NP, 3, &v, &err));
	CHECK_EQ(err, MERR_NOT_SUPPORTED);
	tc_destroy(t);
	config_destroy(cfg);
}

/* A residence outside 0..TC_HOLD_NS (the TC clock stepped between the
 * stamps) is never written: one-step drops the event message, two-step
 * its Follow_Up; both counted. */
TEST(tc_invalid_residence_is_not_used)
{
	struct fake k;
	struct config *cfg;
	struct tc *t = fk_tc(&k, &cfg, "one_step");
	uint8_t fr[TC_FRAME_MAX];
	int n = ptp_frame(fr, 6, SYNC, 3, 0, 1, 0);

	CHECK(t != NULL);
	k.now = 1000000 - 1; /* before the ingress stamp */
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	k.now = 1000000 + TC_HOLD_NS + 1;
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	k.now = INT64_MAX; /* no overflow on the way */
	tc_rx(t, 1, fr, (size_t)n, INT64_MIN + 5, 0);
	CHECK_EQ(k.n_sent, 0);
	CHECK_EQ(tc_port_stats(t, 2)->res_invalid, 3);
	k.now = 1000000 + TC_HOLD_NS;
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	CHECK_EQ(k.n_sent, 1);
	CHECK_EQ(correction_ns(k.sent[0].fr, k.sent[0].len), 5 + TC_HOLD_NS);
	tc_destroy(t);
	config_destroy(cfg);

	t = fk_tc(&k, &cfg, "two_step");
	n = ptp_frame(fr, 6, SYNC, 10, 1, 1, 0);
	tc_rx(t, 1, fr, (size_t)n, 50000, 0);
	CHECK_EQ(k.n_sent, 1);
	tc_tx_ts(t, k.sent[0].id, 40000, 0); /* left before it came */
	n = ptp_frame(fr, 6, FOLLOW_UP, 10, 0, 1, 0);
	tc_rx(t, 1, fr, (size_t)n, 51000, 0);
	CHECK_EQ(k.n_sent, 1);
	CHECK_EQ(tc_port_stats(t, 2)->res_invalid, 1);
	CHECK_EQ(tc_port_stats(t, 2)->dropped_unmatched, 1);
	tc_destroy(t);
	config_destroy(cfg);
}

/* A PTP frame of ptp_frame() over IPv4 (no UDP checksum) from the port
 * identity id_last, with originTimestamp sec.nsec. */
static int timed_frame(uint8_t *fr, uint8_t type, uint16_t seq, int two_step, int id_last,
		       uint64_t sec, uint32_t nsec)
{
	int n = ptp_frame(fr, 4, type, seq, two_step, id_last, 0);
	struct tc_frame f;

	tc_frame_parse(fr, (size_t)n, &f);
	put_be16(fr + f.udp_off + 6, 0);
	put_be48(fr + f.ptp_off + 34, sec);
	put_be32(fr + f.ptp_off + 40, nsec);
	return n;
}

/* An Announce of grandmaster (and sender) id_last, clockClass cls, one
 * per second. */
static int announce_frame(uint8_t *out, int id_last, uint8_t cls)
{
	struct ptp_msg m;
	uint8_t buf[128];
	struct net_addr s = v4(1), d = v4(2);
	int n;

	msg_init(&m, ANNOUNCE);
	m.hdr.sourcePortIdentity.clockIdentity.id[7] = (uint8_t)id_last;
	m.hdr.sourcePortIdentity.portNumber = 1;
	m.hdr.logMessageInterval = 0;
	m.body.announce.grandmasterPriority1 = 128;
	m.body.announce.grandmasterPriority2 = 128;
	m.body.announce.grandmasterClockQuality.clockClass = cls;
	m.body.announce.grandmasterClockQuality.clockAccuracy = 0x21;
	m.body.announce.grandmasterClockQuality.offsetScaledLogVariance = 0x4E5D;
	m.body.announce.grandmasterIdentity = m.hdr.sourcePortIdentity.clockIdentity;
	n = msg_pack(&m, buf, sizeof(buf));
	return n < 0 ? n : tc_frame_build(out, mac_b, mac_a, &s, &d, 0, buf, (size_t)n);
}

/* Syntonization (tc.h): the TC's clock runs 100 ppm fast, so a residence
 * of 50 ms on it is 49 995 000 ns of the grandmaster's.  Until a baseline
 * of TC_RATE_BASE_NS the residence goes as measured; then Syncs and
 * Delay_Reqs alike are scaled; a master's step is discarded, not followed;
 * tc_syntonize 0 leaves residences as measured. */
TEST(tc_syntonizes_residences_to_the_grandmaster)
{
	const tmv_t t0 = 5000000000LL, res = 50000000; /* TC clock, ns */
	const double fast = 1.0001;		       /* TC's rate over the master's */
	struct fake k;
	struct config *cfg;
	struct tc *t;
	uint8_t fr[TC_FRAME_MAX];
	uint64_t rn, rr;
	double ppb;
	int i, n, mode;

	for (mode = 0; mode < 3; mode++) { /* one_step, two_step, syntonize 0 */
		t = fk_tc_with(&k, &cfg, mode == 1 ? "two_step" : "one_step", "tc_syntonize",
			       mode == 2 ? "0" : "1");
		CHECK(t != NULL);
		/* the grandmaster the downstream clocks follow */
		n = announce_frame(fr, 1, 6);
		tc_rx(t, 1, fr, (size_t)n, 0, 0);
		for (i = 0; i <= 5; i++) {
			tmv_t rx = t0 + (tmv_t)(i * 1e9 * fast), want;
			int64_t got;

			k.n_sent = 0;
			n = timed_frame(fr, SYNC, (uint16_t)i, mode == 1, 1, 1000 + (uint64_t)i, 0);
			k.now = rx + res;
			tc_rx(t, 1, fr, (size_t)n, rx, 0);
			CHECK_EQ(k.n_sent, 1);
			if (mode == 1) { /* the stamp, then the Follow_Up */
				tc_tx_ts(t, k.sent[0].id, rx + res, 0);
				n = timed_frame(fr, FOLLOW_UP, (uint16_t)i, 0, 1, 1000 + (uint64_t)i, 0);
				tc_rx(t, 1, fr, (size_t)n, 0, 0);
				CHECK_EQ(k.n_sent, 2);
			}
			got = correction_ns(k.sent[mode == 1].fr, k.sent[mode == 1].len) - 5;
			/* a ratio from Sync 4 on (one-step: that Sync's own point;
			 * two-step: Follow_Up 4 comes after its Sync's residence) */
			want = mode < 2 && i >= 4 + (mode == 1) ? (tmv_t)(res / fast + 0.5) : res;
			CHECK(got >= want - 1 && got <= want + 1);
		}
		CHECK_EQ(tc_rate_ratio(t, &ppb, &rn, &rr), mode < 2);
		if (mode < 2) {
			CHECK(ppb > -99990.1 && ppb < -99989.9);
			CHECK_EQ(rn, 1);
			CHECK_EQ(rr, 0);
			/* a Delay_Req (another source) is scaled by the same ratio */
			k.n_sent = 0;
			n = timed_frame(fr, DELAY_REQ, 1, 0, 9, 0, 0);
			k.now = t0 + 7000000000LL + res;
			tc_rx(t, 2, fr, (size_t)n, t0 + 7000000000LL, 0);
			if (mode == 1) {
				tc_tx_ts(t, k.sent[0].id, k.now, 0);
				n = ptp_frame(fr, 6, DELAY_RESP, 1, 0, 1, 9);
				tc_rx(t, 1, fr, (size_t)n, 0, 0);
			}
			CHECK_EQ(k.n_sent, 1 + mode);
			CHECK_EQ(correction_ns(k.sent[mode].fr, k.sent[mode].len) - 5,
				 (int64_t)(res / fast + 0.5));
			/* the master steps 1 s after 4 s: discarded, ratio kept */
			for (i = 0; i < 2; i++) {
				tmv_t rx = t0 + (tmv_t)((9 + 4 * i) * 1e9 * fast);
				n = timed_frame(fr, SYNC, (uint16_t)(20 + i), mode == 1, 1,
						1009 + 4 * (uint64_t)i + 1, 0);
				tc_rx(t, 1, fr, (size_t)n, rx, 0);
				if (mode == 1) {
					n = timed_frame(fr, FOLLOW_UP, (uint16_t)(20 + i), 0, 1,
							1009 + 4 * (uint64_t)i + 1, 0);
					tc_rx(t, 1, fr, (size_t)n, 0, 0);
				}
			}
			tc_rate_ratio(t, &ppb, &rn, &rr);
			CHECK(ppb > -99990.1 && ppb < -99989.9);
			CHECK_EQ(rr, 1);
			/* the step's baseline restarted: the next 4 s are a ratio again */
			CHECK_EQ(rn, 2);
		}
		tc_destroy(t);
		config_destroy(cfg);
	}
}

/* A frame as ptp_frame() with the PTP message signed by ap. */
static int signed_frame(uint8_t *out, uint8_t type, uint16_t seq, int two_step,
			struct auth_port *ap)
{
	uint8_t fr[TC_FRAME_MAX], buf[256];
	struct tc_frame f;
	struct net_addr s = test_addr6(1), d = test_addr6(2);
	int n = ptp_frame(fr, 6, type, seq, two_step, 1, 0);

	tc_frame_parse(fr, (size_t)n, &f);
	memcpy(buf, fr + f.ptp_off, f.ptp_len);
	n = auth_port_sign(ap, buf, f.ptp_len, sizeof(buf));
	return tc_frame_build(out, mac_b, mac_a, &s, &d, type < 8, buf, (size_t)n);
}

/* The PTP message of a frame the TC sent verifies with ap (and its UDP
 * checksum holds). */
static int verifies(const uint8_t *fr, size_t len, struct auth_port *ap)
{
	struct tc_frame f;
	return !tc_frame_parse(fr, len, &f) && tc_frame_udp_ok(fr, &f) &&
	       auth_check(ap, fr + f.ptp_off, f.ptp_len) > 0;
}

TEST(tc_authenticated_messages_on_the_path)
{
	static const char mut_text[] = "spp 1\nallow_mutable 1\n1 AES128 0123456789abcdef\n";
	static const char fix_text[] = "spp 1\nallow_mutable 0\n1 AES128 0123456789abcdef\n";
	char err[256];
	struct auth_db *mdb = auth_db_parse(mut_text, strlen(mut_text), "m", err, sizeof(err));
	struct auth_db *fdb = auth_db_parse(fix_text, strlen(fix_text), "f", err, sizeof(err));
	struct auth_port *mut = auth_port_create(mdb, 1, 1, 16, err, sizeof(err));
	struct auth_port *fix = auth_port_create(fdb, 1, 1, 16, err, sizeof(err));
	struct fake k;
	struct config *cfg;
	struct tc *t;
	uint8_t fr[TC_FRAME_MAX];
	int n;

	CHECK(mut && fix);
	if (!mut || !fix) {
		return;
	}
	/* a TC without an SA: the end points' allow_mutable 1 keeps the ICV
	 * good through its correction; allow_mutable 0 does not */
	fk_auth = NULL;
	t = fk_tc(&k, &cfg, "one_step");
	k.now = 1000000 + 4000;
	n = signed_frame(fr, SYNC, 3, 0, mut);
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	CHECK_EQ(correction_ns(k.sent[0].fr, k.sent[0].len), 5 + 4000);
	CHECK(verifies(k.sent[0].fr, k.sent[0].len, mut));
	n = signed_frame(fr, SYNC, 4, 0, fix);
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	CHECK(!verifies(k.sent[1].fr, k.sent[1].len, fix));
	tc_destroy(t);
	config_destroy(cfg);
	/* two_step without an SA: an authenticated one-step Sync is not made
	 * two-step (that would break its ICV), its residence written ahead */
	t = fk_tc(&k, &cfg, "two_step");
	k.now = 1000000 + 3000;
	n = signed_frame(fr, SYNC, 5, 0, mut);
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	CHECK_EQ(k.n_sent, 1);
	CHECK_EQ(correction_ns(k.sent[0].fr, k.sent[0].len), 5 + 3000);
	CHECK(verifies(k.sent[0].fr, k.sent[0].len, mut));
	tc_destroy(t);
	config_destroy(cfg);

	/* a TC holding the SA (allow_mutable 0): corrected messages are
	 * signed again, the one-step Sync made two-step and its Follow_Up
	 * too; a message without the TLV or with a bad one is dropped */
	fk_auth = fix;
	t = fk_tc(&k, &cfg, "one_step");
	k.now = 1000000 + 4000;
	n = signed_frame(fr, SYNC, 6, 0, fix);
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	CHECK_EQ(k.n_sent, 1);
	CHECK_EQ(correction_ns(k.sent[0].fr, k.sent[0].len), 5 + 4000);
	CHECK(verifies(k.sent[0].fr, k.sent[0].len, fix));
	n = ptp_frame(fr, 6, SYNC, 7, 0, 1, 0);
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	n = signed_frame(fr, ANNOUNCE, 8, 0, mut); /* another key's ICV */
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	CHECK_EQ(k.n_sent, 1);
	CHECK_EQ(tc_port_stats(t, 1)->auth_dropped, 2);
	n = signed_frame(fr, ANNOUNCE, 9, 0, fix); /* unchanged, still good */
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	CHECK_EQ(k.n_sent, 2);
	CHECK(!memcmp(k.sent[1].fr, fr, (size_t)n));
	tc_destroy(t);
	config_destroy(cfg);
	t = fk_tc(&k, &cfg, "two_step");
	n = signed_frame(fr, SYNC, 10, 0, fix);
	tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
	CHECK_EQ(k.n_sent, 1);
	CHECK(k.sent[0].fr[14 + 40 + 8 + 6] & 0x02); /* twoStepFlag */
	CHECK(verifies(k.sent[0].fr, k.sent[0].len, fix));
	tc_tx_ts(t, k.sent[0].id, 1000000 + 2000, 0);
	CHECK_EQ(k.n_sent, 2); /* the TC's Follow_Up */
	CHECK_EQ(correction_ns(k.sent[1].fr, k.sent[1].len), 2000);
	CHECK(verifies(k.sent[1].fr, k.sent[1].len, fix));
	tc_destroy(t);
	config_destroy(cfg);
	fk_auth = NULL;
	auth_port_destroy(mut);
	auth_port_destroy(fix);
	auth_db_free(mdb);
	auth_db_free(fdb);
}

/* 1588-2019 5.3.2 / 10.2: a residence added to a correctionField near
 * Integer64's top saturates at 0x7FFF FFFF FFFF FFFF ("too big") and is
 * counted, in a one-step Sync, a Follow_Up and a Delay_Resp; near the
 * bottom it adds as it should; a negative delta saturates at INT64_MIN;
 * the UDP checksum holds throughout. */
TEST(tc_correction_saturates)
{
	static const int64_t near_max = INT64_MAX - 1000 * 65536LL;
	struct fake k;
	struct config *cfg;
	struct tc *t;
	struct tc_frame f;
	uint8_t fr[TC_FRAME_MAX];
	int n, mode;

	for (mode = 0; mode < 2; mode++) {
		t = fk_tc(&k, &cfg, mode ? "two_step" : "one_step");
		CHECK(t != NULL);
		/* a Sync (one-step) or its Follow_Up (two-step), 4 us residence */
		n = ptp_frame(fr, 4, SYNC, 3, mode, 1, 0);
		tc_frame_parse(fr, (size_t)n, &f);
		if (!mode) {
			put_be64(fr + f.ptp_off + 8, (uint64_t)near_max);
			tc_frame_udp_fill(fr, &f);
		}
		k.now = 1000000 + 4000;
		tc_rx(t, 1, fr, (size_t)n, 1000000, 0);
		if (mode) {
			tc_tx_ts(t, k.sent[0].id, k.now, 0);
			n = ptp_frame(fr, 4, FOLLOW_UP, 3, 0, 1, 0);
			tc_frame_parse(fr, (size_t)n, &f);
			put_be64(fr + f.ptp_off + 8, (uint64_t)near_max);
			tc_frame_udp_fill(fr, &f);
			tc_rx(t, 1, fr, (size_t)n, 0, 0);
		}
		CHECK_EQ(k.n_sent, 1 + mode);
		tc_frame_parse(k.sent[mode].fr, k.sent[mode].len, &f);
		CHECK_EQ(get_be64(k.sent[mode].fr + f.ptp_off + 8), (uint64_t)INT64_MAX);
		CHECK(tc_frame_udp_ok(k.sent[mode].fr, &f));
		CHECK_EQ(tc_port_stats(t, 2)->corr_saturated, 1);
		/* a Delay_Req with a correction near the bottom: added, no wrap;
		 * two-step: the Delay_Resp near the top saturates */
		k.n_sent = 0;
		n = ptp_frame(fr, 4, DELAY_REQ, 9, 0, 8, 0);
		tc_frame_parse(fr, (size_t)n, &f);
		put_be64(fr + f.ptp_off + 8, (uint64_t)(INT64_MIN + 5));
		tc_frame_udp_fill(fr, &f);
		k.now = 3000000 + 2000;
		tc_rx(t, 2, fr, (size_t)n, 3000000, 0);
		tc_frame_parse(k.sent[0].fr, k.sent[0].len, &f);
		if (!mode) {
			CHECK_EQ((int64_t)get_be64(k.sent[0].fr + f.ptp_off + 8),
				 INT64_MIN + 5 + 2000 * 65536LL);
			CHECK_EQ(tc_port_stats(t, 1)->corr_saturated, 0);
		} else {
			tc_tx_ts(t, k.sent[0].id, k.now, 0);
			n = ptp_frame(fr, 4, DELAY_RESP, 9, 0, 1, 8);
			tc_frame_parse(fr, (size_t)n, &f);
			put_be64(fr + f.ptp_off + 8, (uint64_t)INT64_MAX);
			tc_frame_udp_fill(fr, &f);
			tc_rx(t, 1, fr, (size_t)n, 0, 0);
			CHECK_EQ(k.n_sent, 2);
			tc_frame_parse(k.sent[1].fr, k.sent[1].len, &f);
			CHECK_EQ(get_be64(k.sent[1].fr + f.ptp_off + 8), (uint64_t)INT64_MAX);
			CHECK(tc_frame_udp_ok(k.sent[1].fr, &f));
			CHECK_EQ(tc_port_stats(t, 2)->corr_saturated, 2);
		}
		tc_destroy(t);
		config_destroy(cfg);
	}
	/* the frame helper both ways */
	n = ptp_frame(fr, 6, SYNC, 1, 0, 1, 0);
	tc_frame_parse(fr, (size_t)n, &f);
	put_be64(fr + f.ptp_off + 8, (uint64_t)(INT64_MIN + 10));
	tc_frame_udp_fill(fr, &f);
	CHECK_EQ(tc_frame_add_correction(fr, &f, -11), 1);
	CHECK_EQ(get_be64(fr + f.ptp_off + 8), (uint64_t)INT64_MIN);
	CHECK_EQ(tc_frame_add_correction(fr, &f, 11), 0);
	CHECK_EQ((int64_t)get_be64(fr + f.ptp_off + 8), INT64_MIN + 11);
	CHECK_EQ(tc_frame_add_correction(fr, &f, INT64_MAX), 0); /* 10 */
	CHECK_EQ(tc_frame_add_correction(fr, &f, INT64_MAX - 10), 0);
	CHECK_EQ(get_be64(fr + f.ptp_off + 8), (uint64_t)INT64_MAX);
	CHECK_EQ(tc_frame_add_correction(fr, &f, 1), 1);
	CHECK_EQ(get_be64(fr + f.ptp_off + 8), (uint64_t)INT64_MAX);
	CHECK(tc_frame_udp_ok(fr, &f));
}

/* Syncs of source src_last, 1 s apart on a master running 200 ppm slow
 * of the TC's clock (a forged rate, within TC_RATE_MAX_PPB), from
 * t0 (ns), each after an Announce of class 6 from good and of class 248
 * from bad (0: none); then the TC's rate ratio (0: none). */
static double forged_syncs(struct tc *t, struct fake *k, int src_last, tmv_t t0, int good,
			   int bad)
{
	uint8_t fr[TC_FRAME_MAX];
	double ppb;
	int i, n;

	for (i = 0; i < 10; i++) {
		tmv_t rx = t0 + (tmv_t)i * 1000000000 * 10002 / 10000;
		if (bad) {
			n = announce_frame(fr, bad, 248);
			tc_rx(t, 1, fr, (size_t)n, 0, rx);
		}
		if (good) {
			n = announce_frame(fr, good, 6);
			tc_rx(t, 1, fr, (size_t)n, 0, rx);
		}
		n = timed_frame(fr, SYNC, (uint16_t)i, 0, src_last, 2000 + (uint64_t)i, 0);
		k->now = rx + 1000;
		tc_rx(t, 1, fr, (size_t)n, rx, rx);
	}
	return tc_rate_ratio(t, &ppb, NULL, NULL) ? ppb : 0;
}

/* The rate ratio is of the source the clocks downstream follow (tc.h):
 * Syncs from a source that sent no Announce, or a worse one than the
 * best that crossed, do not move it; the best's do; tc_syntonize_source
 * names a source outright (clock or port identity), and a value that is
 * neither is refused with where it was set. */
TEST(tc_rate_only_from_the_followed_source)
{
	struct fake k;
	struct config *cfg, *cfg2;
	struct tc *t = fk_tc(&k, &cfg, "one_step");
	uint8_t fr[TC_FRAME_MAX];
	char err[200];
	int n;

	CHECK(t != NULL);
	/* no Announce at all: forged Syncs move nothing */
	CHECK_EQ(forged_syncs(t, &k, 7, 1000000000LL, 0, 0), 0);
	/* a grandmaster (class 6) announces; a forger announces worse (248),
	 * each time just before it */
	CHECK_EQ(forged_syncs(t, &k, 7, 20000000000LL, 1, 7), 0);
	/* the followed one's Syncs do */
	CHECK(forged_syncs(t, &k, 1, 60000000000LL, 1, 7) < -199000);
	tc_destroy(t);
	/* once the grandmaster is silent for 4 announce intervals, the
	 * next best is followed */
	t = fk_tc(&k, &cfg2, "one_step");
	n = announce_frame(fr, 1, 6);
	tc_rx(t, 1, fr, (size_t)n, 0, 1000000000LL);
	CHECK(forged_syncs(t, &k, 7, 6000000000LL, 0, 7) < -199000);
	tc_destroy(t);
	config_destroy(cfg2);
	config_destroy(cfg);
	/* named: Syncs of that clock count without an Announce */
	t = fk_tc_with(&k, &cfg, "one_step", "tc_syntonize_source", "000000.0000.000007");
	CHECK(t != NULL);
	CHECK_EQ(forged_syncs(t, &k, 1, 1000000000LL, 1, 0), 0);
	CHECK(forged_syncs(t, &k, 7, 20000000000LL, 0, 0) < -199000);
	tc_destroy(t);
	config_destroy(cfg);
	t = fk_tc_with(&k, &cfg, "one_step", "tc_syntonize_source", "000000.0000.000007-2");
	CHECK(t != NULL);
	CHECK_EQ(forged_syncs(t, &k, 7, 1000000000LL, 0, 0), 0); /* port 1, not 2 */
	tc_destroy(t);
	config_destroy(cfg);
	{
		static const char *const names[] = { "a", "b" };
		struct tc_ops ops;
		memset(&ops, 0, sizeof(ops));
		ops.eng.clk = &k.clk;
		ops.send_frame = fk_send;
		ops.egress = fk_egress;
		static const char *const bad[] = { "000000.0000.000007-x", "000000.0000.00000",
						   "000000.0000.000007-65535", "000000.0000.000007-",
						   "000000.0000.000007-0", "000000.0000.0000071" };
		size_t b;
		for (b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
			char want[80];
			cfg = config_create(CFG_ROLE_ANY);
			config_set(cfg, "tc_syntonize_source", bad[b]);
			CHECK_EQ(config_finish(cfg, err, sizeof(err)), 0);
			CHECK(tc_create(cfg, &fk_id, 2, names, &ops, err, sizeof(err)) == NULL);
			snprintf(want, sizeof(want), "tc_syntonize_source %s: allowed", bad[b]);
			CHECK(strstr(err, want) != NULL);
			config_destroy(cfg);
		}
	}
}
