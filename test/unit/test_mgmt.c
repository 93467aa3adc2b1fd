/* SPDX-License-Identifier: BSD-2-Clause */
/* Management dataFields (1588-2019 15.5.3): golden bytes, round trips and
 * the length checks that become WRONG_LENGTH / NO_SUCH_ID answers. */
#include <errno.h>

#include "../../core/mgmt.h"
#include "../../core/tlv.h"
#include "../../core/wire.h"
#include "test.h"

TEST(mgmt_current_data_set_golden)
{
	unsigned char in[64], out[64];
	struct mgmt_value v;
	/* stepsRemoved 1, offsetFromMaster -23 ns, meanPathDelay 1234 ns */
	int n = hex_to_bytes("00 01 ff ff ff ff ff e9 00 00 00 00 00 00 04 d2 00 00", in, 64);

	CHECK_EQ(mgmt_decode(MID_CURRENT_DATA_SET, in, (size_t)n, &v), 0);
	CHECK_EQ(v.u.cds.stepsRemoved, 1);
	CHECK_EQ(v.u.cds.offsetFromMaster, -23);
	CHECK_EQ(v.u.cds.meanPathDelay, 1234);
	CHECK_EQ(mgmt_encode(&v, out, sizeof(out)), n);
	CHECK(!memcmp(in, out, (size_t)n));
}

TEST(mgmt_default_data_set_golden)
{
	unsigned char in[64], out[64];
	struct mgmt_value v;
	char id[32];
	/* twoStep, not slaveOnly, 1 port, p1 128, 6/0x21/0x4e5d, p2 100 */
	int n = hex_to_bytes("01 00 00 01 80 06 21 4e 5d 64 00 11 22 33 44 55 00 00 00 00", in, 64);

	CHECK_EQ(mgmt_decode(MID_DEFAULT_DATA_SET, in, (size_t)n, &v), 0);
	CHECK(v.u.dds.twoStepFlag && !v.u.dds.slaveOnly);
	CHECK_EQ(v.u.dds.numberPorts, 1);
	CHECK_EQ(v.u.dds.clockQuality.clockClass, 6);
	CHECK_EQ(v.u.dds.clockQuality.offsetScaledLogVariance, 0x4e5d);
	CHECK_EQ(v.u.dds.priority2, 100);
	CHECK(!strcmp(clock_id_str(&v.u.dds.clockIdentity, id), "001122.3344.550000"));
	CHECK_EQ(mgmt_encode(&v, out, sizeof(out)), n);
	CHECK(!memcmp(in, out, (size_t)n));
}

TEST(mgmt_round_trip_every_id)
{
	static const uint16_t ids[] = { MID_NULL_MANAGEMENT, MID_PARENT_DATA_SET,
		MID_TIME_PROPERTIES_DATA_SET, MID_PORT_DATA_SET, MID_PRIORITY2, MID_DOMAIN,
		MID_LOG_SYNC_INTERVAL, MID_UNICAST_MASTER_MAX_TABLE_SIZE, MID_TIME_STATUS_NP };
	size_t i;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		unsigned char a[128], b[128];
		struct mgmt_value v;
		int n, k;
		/* a pattern that respects reserved octets: encode a decoded
		 * pattern, then decode/encode again must be stable */
		for (k = 0; k < 128; k++) {
			a[k] = (unsigned char)(k * 37 + 11);
		}
		memset(&v, 0, sizeof(v));
		v.id = ids[i];
		n = mgmt_encode(&v, b, sizeof(b));
		CHECK(n >= 0 && n % 2 == 0);
		CHECK_EQ(mgmt_decode(ids[i], a, (size_t)n, &v), 0);
		n = mgmt_encode(&v, a, sizeof(a));
		CHECK_EQ(mgmt_decode(ids[i], a, (size_t)n, &v), 0);
		CHECK_EQ(mgmt_encode(&v, b, sizeof(b)), n);
		CHECK(!memcmp(a, b, (size_t)n));
		CHECK(mgmt_id_str(ids[i]) != NULL);
		CHECK_EQ(mgmt_id_from_str(mgmt_id_str(ids[i])), ids[i]);
	}
}

TEST(mgmt_errors)
{
	unsigned char buf[64] = { 0 };
	struct mgmt_value v;
	CHECK_EQ(mgmt_decode(MID_CURRENT_DATA_SET, buf, 17, &v), -EBADMSG); /* WRONG_LENGTH */
	CHECK_EQ(mgmt_decode(0x7777, buf, 2, &v), -ENOENT);		    /* NO_SUCH_ID */
	v.id = MID_DEFAULT_DATA_SET;
	CHECK_EQ(mgmt_encode(&v, buf, 10), -EMSGSIZE);
	CHECK(mgmt_settable(MID_PRIORITY2));
	CHECK(!mgmt_settable(MID_CURRENT_DATA_SET));
	CHECK_EQ(mgmt_id_from_str("NO_SUCH_THING"), -1);
	/* TIME_PROPERTIES flags follow the flagField octet */
	hex_to_bytes("00 25 3c a0", buf, 4);
	CHECK_EQ(mgmt_decode(MID_TIME_PROPERTIES_DATA_SET, buf, 4, &v), 0);
	CHECK(v.u.tpds.ptpTimescale && v.u.tpds.timeTraceable && v.u.tpds.currentUtcOffsetValid);
	CHECK_EQ(v.u.tpds.currentUtcOffset, 37);
	CHECK_EQ(v.u.tpds.timeSource, 0xa0);
}

/* CLOCK_DESCRIPTION as ptp4l 3.1.1 sent it (captured over its UDS): our
 * decoder reads every field and re-encodes the same octets. */
TEST(mgmt_clock_description_from_ptp4l)
{
	unsigned char in[128], out[128];
	struct mgmt_value v;
	char a[64];
	int n = hex_to_bytes("8000 0a 49454545203830322e33 0006 3af535bde9c3 0002 0010 "
			     "fd000000000000000000000000010001 000000 00 02 3b3b 02 3b3b 00 "
			     "001b19000100",
			     in, 128);

	CHECK_EQ(n, 58);
	CHECK_EQ(mgmt_decode(MID_CLOCK_DESCRIPTION, in, (size_t)n, &v), 0);
	CHECK_EQ(v.u.cd.clockType, 0x8000);
	CHECK(!strcmp(v.u.cd.physicalLayerProtocol, "IEEE 802.3"));
	CHECK_EQ(v.u.cd.physicalAddressLength, 6);
	CHECK_EQ(v.u.cd.protocolAddress.networkProtocol, 2);
	CHECK(!strcmp(port_address_str(&v.u.cd.protocolAddress, a, sizeof(a)), "fd00::1:1"));
	CHECK(!strcmp(v.u.cd.productDescription, ";;"));
	CHECK(!strcmp(v.u.cd.userDescription, ""));
	CHECK_EQ(v.u.cd.profileIdentity[1], 0x1b);
	CHECK_EQ(mgmt_encode(&v, out, sizeof(out)), n);
	CHECK(!memcmp(in, out, (size_t)n));
	/* one octet short: the last PTPText / profileIdentity do not fit */
	CHECK_EQ(mgmt_decode(MID_CLOCK_DESCRIPTION, in, (size_t)n - 1, &v), -EBADMSG);
	/* physicalAddressLength beyond 16 */
	in[14] = 0x40;
	CHECK_EQ(mgmt_decode(MID_CLOCK_DESCRIPTION, in, (size_t)n, &v), -EBADMSG);
}

/* PORT_STATS_NP from ptp4l after 3 Syncs, 3 Follow_Ups and 2 Announces:
 * counters are little-endian on the wire. */
TEST(mgmt_port_stats_np_from_ptp4l)
{
	unsigned char in[300], out[300];
	char hex[700];
	struct mgmt_value v;
	int n, i;

	strcpy(hex, "fe7766fffe5ccd09 0001");
	for (i = 0; i < 32; i++) {
		strcat(hex, i == 16 || i == 24 ? " 0300000000000000"
			    : i == 27	      ? " 0200000000000000"
					      : " 0000000000000000");
	}
	n = hex_to_bytes(hex, in, sizeof(in));
	CHECK_EQ(n, 266);
	CHECK_EQ(mgmt_decode(MID_PORT_STATS_NP, in, (size_t)n, &v), 0);
	CHECK_EQ(v.u.stats.portIdentity.portNumber, 1);
	CHECK_EQ(v.u.stats.txMsgType[SYNC], 3);
	CHECK_EQ(v.u.stats.txMsgType[FOLLOW_UP], 3);
	CHECK_EQ(v.u.stats.txMsgType[ANNOUNCE], 2);
	CHECK_EQ(v.u.stats.rxMsgType[SYNC], 0);
	v.u.stats.rxMsgType[MANAGEMENT] = 0x0102030405060708ull;
	CHECK_EQ(mgmt_encode(&v, out, sizeof(out)), n);
	CHECK_EQ(out[10 + 8 * MANAGEMENT], 0x08);
	CHECK_EQ(out[10 + 8 * MANAGEMENT + 7], 0x01);
	CHECK_EQ(mgmt_decode(MID_PORT_STATS_NP, in, 265, &v), -EBADMSG);
	/* PORT_DATA_SET_NP as ptp4l sent it */
	n = hex_to_bytes("01312d00 00000000", in, 16);
	CHECK_EQ(mgmt_decode(MID_PORT_DATA_SET_NP, in, (size_t)n, &v), 0);
	CHECK_EQ(v.u.pdsnp.neighborPropDelayThresh, 20000000);
}

TEST(mgmt_tables_round_trip_and_bounds)
{
	unsigned char out[1500];
	struct mgmt_value v, w;
	char a[64];
	int n;

	/* UNICAST_MASTER_TABLE: logQueryInterval, count, PortAddresses;
	 * 1 + 2 + (4 + 16) + (4 + 4) = 31 octets, padded to 32 */
	memset(&v, 0, sizeof(v));
	v.id = MID_UNICAST_MASTER_TABLE;
	v.u.umt.logQueryInterval = -2;
	v.u.umt.actualTableSize = 2;
	CHECK_EQ(port_address_parse("fd00::1:1", &v.u.umt.addr[0]), 0);
	CHECK_EQ(port_address_parse("10.0.0.1", &v.u.umt.addr[1]), 0);
	n = mgmt_encode(&v, out, sizeof(out));
	CHECK_EQ(n, 32);
	CHECK_EQ(mgmt_decode(MID_UNICAST_MASTER_TABLE, out, (size_t)n, &w), 0);
	CHECK_EQ(w.u.umt.logQueryInterval, -2);
	CHECK_EQ(w.u.umt.actualTableSize, 2);
	CHECK(!strcmp(port_address_str(&w.u.umt.addr[1], a, sizeof(a)), "10.0.0.1"));
	CHECK_EQ(mgmt_decode(MID_UNICAST_MASTER_TABLE, out, 30, &w), -EBADMSG);
	out[2] = 3; /* count says 3, only 2 present */
	CHECK_EQ(mgmt_decode(MID_UNICAST_MASTER_TABLE, out, (size_t)n, &w), -EBADMSG);
	CHECK_EQ(mgmt_encode(&v, out, 20), -EMSGSIZE);

	/* UNICAST_MASTER_TABLE_NP: count, entries of 18 + PortAddress */
	memset(&v, 0, sizeof(v));
	v.id = MID_UNICAST_MASTER_TABLE_NP;
	v.u.umtnp.actualTableSize = 1;
	v.u.umtnp.entry[0].portIdentity.portNumber = 1;
	v.u.umtnp.entry[0].clockQuality.clockClass = 6;
	v.u.umtnp.entry[0].selected = 1;
	v.u.umtnp.entry[0].unicastState = UCS_HAVE_SYDY;
	v.u.umtnp.entry[0].priority2 = 100;
	port_address_parse("fd00::1:1", &v.u.umtnp.entry[0].address);
	n = mgmt_encode(&v, out, sizeof(out));
	CHECK_EQ(n, 2 + 18 + 4 + 16);
	CHECK_EQ(mgmt_decode(MID_UNICAST_MASTER_TABLE_NP, out, (size_t)n, &w), 0);
	CHECK_EQ(w.u.umtnp.entry[0].clockQuality.clockClass, 6);
	CHECK_EQ(w.u.umtnp.entry[0].unicastState, UCS_HAVE_SYDY);
	CHECK_EQ(w.u.umtnp.entry[0].priority2, 100);
	CHECK_EQ(mgmt_decode(MID_UNICAST_MASTER_TABLE_NP, out, (size_t)n - 2, &w), -EBADMSG);

	/* USER_DESCRIPTION: PTPText, padded */
	memset(&v, 0, sizeof(v));
	v.id = MID_USER_DESCRIPTION;
	strcpy(v.u.text, "rack7;dc2");
	n = mgmt_encode(&v, out, sizeof(out));
	CHECK_EQ(n, 10);
	CHECK_EQ(mgmt_decode(MID_USER_DESCRIPTION, out, (size_t)n, &w), 0);
	CHECK(!strcmp(w.u.text, "rack7;dc2"));
	CHECK_EQ(mgmt_decode(MID_USER_DESCRIPTION, out, 12, &w), -EBADMSG); /* 2 extra */
	CHECK_EQ(port_address_parse("not-an-address", &v.u.umt.addr[0]), -EINVAL);
}

/* A fake clock for mgmt_answer(): priority2 settable within 100..200. */
struct fake_clock {
	int prio2, sets;
};

static int fake_get(void *ctx, struct mgmt_value *v)
{
	struct fake_clock *f = ctx;
	switch (v->id) {
	case MID_PRIORITY2:
		v->u.u8 = (uint8_t)f->prio2;
		return 0;
	case MID_CURRENT_DATA_SET:
		v->u.cds.offsetFromMaster = -1500;
		return 0;
	case MID_PORT_DATA_SET:
		v->u.port.portState = PS_SLAVE;
		return 0;
	case MID_SERVO_STATE_NP:
		v->u.servo.v[SVS_WINDOW] = 20 << 16;
		return 0;
	}
	return -MERR_NOT_SUPPORTED;
}

static int fake_set(void *ctx, const struct mgmt_value *v, int remote)
{
	struct fake_clock *f = ctx;
	(void)remote;
	if (v->id != MID_PRIORITY2) {
		return -MERR_NOT_SUPPORTED;
	}
	if (v->u.u8 < 100 || v->u.u8 > 200) {
		return -MERR_WRONG_VALUE;
	}
	f->prio2 = v->u.u8;
	f->sets++;
	return 0;
}

/* targetPortIdentity.clockIdentity of the requests ask() builds */
static struct clock_identity ask_target = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

/* Build a request, run it through pack/unpack like the wire, answer it. */
static int ask(const struct mgmt_self *self, const struct mgmt_ops *ops, int action, uint16_t id,
	       const char *data_hex, uint16_t target_port, struct mgmt_req *r,
	       struct ptp_msg *resp)
{
	static uint8_t wire[PTP_MSG_MAX_LEN], tbuf[PTP_MSG_MAX_LEN], rbuf[PTP_MSG_MAX_LEN];
	uint8_t val[256];
	struct ptp_msg m, got;
	struct tlv *t;
	int n;

	msg_init(&m, MANAGEMENT);
	m.hdr.sequenceId = 77;
	m.hdr.sourcePortIdentity.portNumber = 9;
	m.body.management.targetPortIdentity.clockIdentity = ask_target;
	m.body.management.targetPortIdentity.portNumber = target_port;
	m.body.management.startingBoundaryHops = 3;
	m.body.management.boundaryHops = 2;
	m.body.management.actionField = (uint8_t)action;
	put_be16(val, id);
	n = data_hex ? hex_to_bytes(data_hex, val + 2, 250) : 0;
	t = msg_add_tlv(&m, TLV_MANAGEMENT);
	t->lengthField = (uint16_t)(2 + n);
	t->value = val;
	n = msg_pack(&m, wire, sizeof(wire));
	if (n < 0 || msg_unpack(wire, (size_t)n, &got)) {
		return -1;
	}
	if (!mgmt_answer(self, ops, &got, 1, resp, tbuf, sizeof(tbuf))) {
		return 0;
	}
	n = msg_pack(resp, rbuf, sizeof(rbuf));
	if (n < 0 || msg_unpack(rbuf, (size_t)n, resp) || mgmt_parse(resp, r)) {
		return -1;
	}
	return 1;
}

TEST(mgmt_answer_actions_and_errors)
{
	struct fake_clock f = { 128, 0 };
	struct mgmt_ops ops = { fake_get, fake_set, &f };
	struct mgmt_self self;
	struct mgmt_value v;
	struct ptp_msg resp;
	struct mgmt_req r;

	memset(&self, 0, sizeof(self));
	self.clockIdentity.id[0] = 0x42;
	self.portNumber = 1;
	self.allow_set = 1;

	/* GET of a clock-level id: RESPONSE from port 0, seq and hops */
	CHECK_EQ(ask(&self, &ops, MGMT_GET, MID_CURRENT_DATA_SET, NULL, 0xffff, &r, &resp), 1);
	CHECK_EQ(r.action, MGMT_RESPONSE);
	CHECK_EQ(r.tlvType, TLV_MANAGEMENT);
	CHECK_EQ(resp.hdr.sequenceId, 77);
	CHECK_EQ(resp.hdr.sourcePortIdentity.portNumber, 0);
	CHECK_EQ(resp.body.management.targetPortIdentity.portNumber, 9);
	CHECK_EQ(resp.body.management.startingBoundaryHops, 1);
	CHECK_EQ(mgmt_decode(r.id, r.data, r.len, &v), 0);
	CHECK_EQ(v.u.cds.offsetFromMaster, -1500);
	/* port-level id answered by port 1 */
	CHECK_EQ(ask(&self, &ops, MGMT_GET, MID_PORT_DATA_SET, NULL, 1, &r, &resp), 1);
	CHECK_EQ(resp.hdr.sourcePortIdentity.portNumber, 1);
	/* not addressed to us: port 5, or port 0 for a port-level id */
	CHECK_EQ(ask(&self, &ops, MGMT_GET, MID_PORT_DATA_SET, NULL, 5, &r, &resp), 0);
	CHECK_EQ(ask(&self, &ops, MGMT_GET, MID_PORT_DATA_SET, NULL, 0, &r, &resp), 0);
	/* unknown id */
	CHECK_EQ(ask(&self, &ops, MGMT_GET, 0x2fff, NULL, 0xffff, &r, &resp), 1);
	CHECK_EQ(r.tlvType, TLV_MANAGEMENT_ERROR_STATUS);
	CHECK_EQ(r.errorId, MERR_NO_SUCH_ID);
	CHECK_EQ(r.id, 0x2fff);
	/* SET of a GET-only id */
	CHECK_EQ(ask(&self, &ops, MGMT_SET, MID_CURRENT_DATA_SET, "00", 0xffff, &r, &resp), 1);
	CHECK_EQ(r.errorId, MERR_NOT_SUPPORTED);
	/* SET with a bad length, then a bad value, then a good one */
	CHECK_EQ(ask(&self, &ops, MGMT_SET, MID_PRIORITY2, "64 00 00 00", 0xffff, &r, &resp), 1);
	CHECK_EQ(r.errorId, MERR_WRONG_LENGTH);
	CHECK_EQ(ask(&self, &ops, MGMT_SET, MID_PRIORITY2, "05 00", 0xffff, &r, &resp), 1);
	CHECK_EQ(r.errorId, MERR_WRONG_VALUE);
	CHECK_EQ(f.sets, 0);
	CHECK_EQ(ask(&self, &ops, MGMT_SET, MID_PRIORITY2, "96 00", 0xffff, &r, &resp), 1);
	CHECK_EQ(r.tlvType, TLV_MANAGEMENT);
	CHECK_EQ(r.action, MGMT_RESPONSE);
	CHECK_EQ(r.len, 2);
	CHECK_EQ(r.data[0], 0x96);
	CHECK_EQ(f.prio2, 0x96);
	/* COMMAND NULL_MANAGEMENT: ACKNOWLEDGE; COMMAND of a data set: error */
	CHECK_EQ(ask(&self, &ops, MGMT_COMMAND, MID_NULL_MANAGEMENT, NULL, 0xffff, &r, &resp), 1);
	CHECK_EQ(r.action, MGMT_ACKNOWLEDGE);
	CHECK_EQ(r.tlvType, TLV_MANAGEMENT);
	CHECK_EQ(ask(&self, &ops, MGMT_COMMAND, MID_PRIORITY2, NULL, 0xffff, &r, &resp), 1);
	CHECK_EQ(r.errorId, MERR_NOT_SUPPORTED);
	/* a GET the clock cannot serve */
	CHECK_EQ(ask(&self, &ops, MGMT_GET, MID_TIME_STATUS_NP, NULL, 0xffff, &r, &resp), 1);
	CHECK_EQ(r.errorId, MERR_NOT_SUPPORTED);
	/* RESPONSE and ACKNOWLEDGE are never answered */
	CHECK_EQ(ask(&self, &ops, MGMT_RESPONSE, MID_PRIORITY2, "80 00", 0xffff, &r, &resp), 0);
	/* read-only from the network */
	self.allow_set = 0;
	CHECK_EQ(ask(&self, &ops, MGMT_SET, MID_PRIORITY2, "a0 00", 0xffff, &r, &resp), 1);
	CHECK_EQ(r.errorId, MERR_NOT_SUPPORTED);
	/* displayData: a PTPText, padded to an even length */
	CHECK(r.len > 1 && (size_t)r.data[0] + 1 + ((r.data[0] + 1) & 1) == r.len);
	CHECK_EQ(f.prio2, 0x96);
	CHECK_EQ(ask(&self, &ops, MGMT_GET, MID_PRIORITY2, NULL, 0xffff, &r, &resp), 1);
	CHECK_EQ(r.data[0], 0x96);
	/* addressed to this clock, then to another one */
	ask_target = self.clockIdentity;
	CHECK_EQ(ask(&self, &ops, MGMT_GET, MID_PRIORITY2, NULL, 0xffff, &r, &resp), 1);
	ask_target.id[7] = 0x01;
	CHECK_EQ(ask(&self, &ops, MGMT_GET, MID_PRIORITY2, NULL, 0xffff, &r, &resp), 0);
	memset(ask_target.id, 0xff, 8);
}

TEST(mgmt_port_refusals_np_golden)
{
	struct mgmt_value v, w;
	unsigned char out[256];
	int i, n;

	memset(&v, 0, sizeof(v));
	v.id = MID_PORT_REFUSALS_NP;
	v.u.refusals.portIdentity.clockIdentity.id[0] = 0xaa;
	v.u.refusals.portIdentity.portNumber = 1;
	for (i = 0; i < MGMT_REFUSALS; i++) {
		v.u.refusals.count[i] = 0x0102030405060700ULL + (uint64_t)i;
	}
	n = mgmt_encode(&v, out, sizeof(out));
	/* portIdentity (10) + one UInteger64 per reason */
	CHECK_EQ(n, 10 + 8 * MGMT_REFUSALS);
	CHECK_EQ(out[0], 0xaa);
	CHECK_EQ(out[9], 1);
	/* network order, like every 1588 field (not linuxptp's raw copy) */
	CHECK_EQ(out[10], 0x01);
	CHECK_EQ(out[17], 0x00);
	CHECK_EQ(out[10 + 8 * 12 + 7], 12);
	CHECK_EQ(mgmt_decode(MID_PORT_REFUSALS_NP, out, (size_t)n, &w), 0);
	CHECK(!memcmp(w.u.refusals.count, v.u.refusals.count, sizeof(v.u.refusals.count)));
	CHECK_EQ(mgmt_id_from_str("PORT_REFUSALS_NP"), MID_PORT_REFUSALS_NP);
	CHECK(!strcmp(mgmt_refusal_names[REF_UC_BUDGET], "budget_denied"));
	CHECK_EQ(mgmt_decode(MID_PORT_REFUSALS_NP, out, (size_t)n - 8, &w) < 0, 1);
}

/* 1588-2008 15.5.3.9: the transparent clock data sets' octets; ptpbox
 * TC_PORT_STATS_NP with a negative value (a write-ahead error can be) */
TEST(mgmt_transparent_clock_golden)
{
	struct mgmt_value v, w;
	unsigned char out[256];
	int n;

	memset(&v, 0, sizeof(v));
	v.id = MID_TRANSPARENT_CLOCK_DEFAULT_DATA_SET;
	v.u.tcds.clockIdentity.id[0] = 0x11;
	v.u.tcds.clockIdentity.id[7] = 0x02;
	v.u.tcds.numberPorts = 3;
	v.u.tcds.delayMechanism = 1;
	v.u.tcds.primaryDomain = 24;
	n = mgmt_encode(&v, out, sizeof(out));
	CHECK_EQ(n, 12);
	CHECK(out[0] == 0x11 && out[7] == 0x02 && out[8] == 0 && out[9] == 3 && out[10] == 1 &&
	      out[11] == 24);
	CHECK_EQ(mgmt_decode(v.id, out, 12, &w), 0);
	CHECK(!memcmp(&w.u.tcds, &v.u.tcds, sizeof(v.u.tcds)));
	CHECK_EQ(mgmt_port_level(v.id), 0);

	memset(&v, 0, sizeof(v));
	v.id = MID_TRANSPARENT_CLOCK_PORT_DATA_SET;
	v.u.tcport.portIdentity.portNumber = 2;
	v.u.tcport.faultyFlag = 1;
	v.u.tcport.logMinPdelayReqInterval = 0x7f;
	v.u.tcport.peerMeanPathDelay = -65536;
	n = mgmt_encode(&v, out, sizeof(out));
	CHECK_EQ(n, 20);
	CHECK(out[9] == 2 && out[10] == 1 && out[11] == 0x7f && out[12] == 0xff && out[19] == 0);
	CHECK_EQ(mgmt_decode(v.id, out, 20, &w), 0);
	CHECK_EQ(w.u.tcport.peerMeanPathDelay, -65536);
	CHECK_EQ(mgmt_port_level(v.id), 1);
	CHECK_EQ(mgmt_decode(v.id, out, 18, &w) < 0, 1);

	memset(&v, 0, sizeof(v));
	v.id = MID_TC_PORT_STATS_NP;
	v.u.tcstats.portIdentity.portNumber = 1;
	v.u.tcstats.count[TCS_CORRECTED] = 77;
	v.u.tcstats.count[TCS_WRITEAHEAD_MEAN_NS] = -250;
	n = mgmt_encode(&v, out, sizeof(out));
	CHECK_EQ(n, 10 + 8 * MGMT_TC_STATS);
	CHECK_EQ(out[10 + 8 * TCS_CORRECTED + 7], 77);
	CHECK_EQ(out[10 + 8 * TCS_WRITEAHEAD_MEAN_NS], 0xff);
	CHECK_EQ(mgmt_decode(v.id, out, (size_t)n, &w), 0);
	CHECK_EQ(w.u.tcstats.count[TCS_WRITEAHEAD_MEAN_NS], -250);
	CHECK_EQ(mgmt_id_from_str("TC_PORT_STATS_NP"), MID_TC_PORT_STATS_NP);
	CHECK(!strcmp(mgmt_tc_stat_names[TCS_WRITEAHEAD_MAX_NS], "writeahead_max_ns"));
}

/* ptpbox SERVO_STATE_NP: seven Integer64 x 2^16 in network order, a
 * clock-level id that is only read; answered through mgmt_answer() */
TEST(mgmt_servo_state_np)
{
	struct fake_clock f = { 128, 0 };
	struct mgmt_ops ops = { fake_get, fake_set, &f };
	struct mgmt_self self = { ask_target, 1, 1 };
	struct mgmt_value v, w;
	struct mgmt_req r;
	struct ptp_msg resp;
	unsigned char out[128];
	int n, i;

	memset(&v, 0, sizeof(v));
	v.id = MID_SERVO_STATE_NP;
	v.u.servo.v[SVS_WANDER] = 3 << 15;		 /* 1.5 ppb/sqrt(s) */
	v.u.servo.v[SVS_WINDOW] = (int64_t)300 << 16;	 /* 300 s */
	v.u.servo.v[SVS_DELAY_SPREAD] = -65536; /* signed */
	v.u.servo.v[SVS_ESTIMATOR] = 1 << 16;
	n = mgmt_encode(&v, out, sizeof(out));
	CHECK_EQ(n, 56);
	CHECK(out[0] == 0 && out[5] == 0x01 && out[6] == 0x80 && out[7] == 0);
	CHECK(out[8 * SVS_WINDOW + 4] == 0x01 && out[8 * SVS_WINDOW + 5] == 0x2c);
	CHECK(out[8 * SVS_DELAY_SPREAD] == 0xff && out[8 * SVS_DELAY_SPREAD + 5] == 0xff &&
	      out[8 * SVS_DELAY_SPREAD + 6] == 0);
	CHECK_EQ(out[8 * SVS_ESTIMATOR + 5], 1);
	CHECK_EQ(mgmt_decode(v.id, out, 56, &w), 0);
	for (i = 0; i < MGMT_SERVO_FIELDS; i++) {
		CHECK_EQ(w.u.servo.v[i], v.u.servo.v[i]);
	}
	CHECK_EQ(mgmt_decode(v.id, out, 54, &w), -EBADMSG);
	CHECK_EQ(mgmt_decode(v.id, out, 58, &w), -EBADMSG);
	CHECK_EQ(mgmt_port_level(v.id), 0);
	CHECK(!mgmt_settable(v.id));
	CHECK_EQ(mgmt_id_from_str("SERVO_STATE_NP"), MID_SERVO_STATE_NP);
	CHECK(!strcmp(mgmt_servo_names[SVS_WINDOW], "window_seconds"));
	/* GET to the clock (port 0): the value; SET: NOT_SUPPORTED */
	CHECK_EQ(ask(&self, &ops, MGMT_GET, MID_SERVO_STATE_NP, NULL, 0, &r, &resp), 1);
	CHECK_EQ(r.tlvType, TLV_MANAGEMENT);
	CHECK_EQ(r.len, 56);
	CHECK_EQ(mgmt_decode(r.id, r.data, r.len, &w), 0);
	CHECK_EQ(w.u.servo.v[SVS_WINDOW], 20 << 16);
	CHECK_EQ(ask(&self, &ops, MGMT_SET, MID_SERVO_STATE_NP, NULL, 0, &r, &resp), 1);
	CHECK_EQ(r.errorId, MERR_NOT_SUPPORTED);
}
