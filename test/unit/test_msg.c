/* SPDX-License-Identifier: BSD-2-Clause */
/* Message and TLV codecs: golden packets written by hand from 1588-2019
 * clause 13 / 16.1.4, unpacked, checked field by field and packed back
 * byte-exact; then every length check of docs/architecture.md section 10.3. */
#include <errno.h>

#include "../../core/ds.h"
#include "../../core/msg.h"
#include "../../core/tlv.h"
#include "test.h"

static const char sync_hex[] =
	"00 12 00 2c 00 00 06 00 00 00 00 00 00 01 00 00 00 00 00 00"
	"00 11 22 33 44 55 00 00 00 01 12 34 00 fc"
	"00 00 65 43 21 00 0c 35 a4 e9";

static const char announce_hex[] =
	"0b 12 00 40 00 00 04 3c 00 00 00 00 00 00 00 00 00 00 00 00"
	"aa bb cc dd ee ff 00 00 00 01 00 07 05 00"
	"00 00 00 00 00 64 00 00 00 00 00 25 00 80 06 21 4e 5d 80"
	"aa bb cc dd ee ff 00 00 00 00 20";

static const char signaling_hex[] =
	"0c 12 00 40 00 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 11 22 33 44 55 00 01 00 01 00 09 05 7f"
	"ff ff ff ff ff ff ff ff ff ff"
	"00 04 00 06 00 fc 00 00 01 2c"
	"00 04 00 06 90 fc 00 00 01 2c";

static const char grant_hex[] =
	"0c 12 00 4a 04 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00"
	"aa bb cc dd ee ff 00 00 00 01 00 09 05 7f"
	"00 11 22 33 44 55 00 01 00 01"
	"00 05 00 08 b0 00 00 00 01 2c 00 01"
	"00 05 00 08 00 fc 00 00 00 00 00 00"
	"00 07 00 02 90 00";

static const char delay_resp_hex[] =
	"09 12 00 36 00 00 04 00 ff ff ff ff ff ff 00 00 00 00 00 00"
	"aa bb cc dd ee ff 00 00 00 01 00 42 03 fd"
	"00 00 00 00 00 01 00 00 00 05"
	"00 11 22 33 44 55 00 01 00 01";

static const char mgmt_hex[] =
	"0d 12 00 36 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 11 22 33 44 55 00 01 9a bc 00 01 04 7f"
	"ff ff ff ff ff ff ff ff ff ff 01 01 00 00"
	"00 01 00 02 00 00";

static int roundtrip(const char *hex, struct ptp_msg *m, unsigned char *in, int *n)
{
	unsigned char out[PTP_MSG_MAX_LEN];
	int len;

	*n = hex_to_bytes(hex, in, PTP_MSG_MAX_LEN);
	if (msg_unpack(in, (size_t)*n, m)) {
		return -1;
	}
	len = msg_pack(m, out, sizeof(out));
	if (len != *n || memcmp(in, out, (size_t)len)) {
		return -2;
	}
	return 0;
}

TEST(msg_sync_golden)
{
	unsigned char in[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	int n;

	CHECK_EQ(roundtrip(sync_hex, &m, in, &n), 0);
	CHECK_EQ(n, 44);
	CHECK_EQ(m.hdr.messageType, SYNC);
	CHECK_EQ(m.hdr.versionPTP, 2);
	CHECK_EQ(m.hdr.minorVersionPTP, 1);
	CHECK_EQ(m.hdr.flagField, FLAG_TWO_STEP | FLAG_UNICAST);
	CHECK_EQ(m.hdr.correctionField, 65536);
	CHECK_EQ(scaled_ns_to_tmv(m.hdr.correctionField), 1);
	CHECK_EQ(m.hdr.sourcePortIdentity.portNumber, 1);
	CHECK_EQ(m.hdr.sourcePortIdentity.clockIdentity.id[5], 0x55);
	CHECK_EQ(m.hdr.sequenceId, 0x1234);
	CHECK_EQ(m.hdr.logMessageInterval, -4);
	CHECK_EQ(m.body.sync.originTimestamp.secondsField, 0x654321ULL << 8);
	CHECK_EQ(m.body.sync.originTimestamp.nanosecondsField, 204842217);
	CHECK_EQ(m.n_tlv, 0);
}

TEST(msg_announce_golden)
{
	unsigned char in[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	char buf[32];
	int n;

	CHECK_EQ(roundtrip(announce_hex, &m, in, &n), 0);
	CHECK_EQ(n, 64);
	CHECK_EQ(m.hdr.messageType, ANNOUNCE);
	CHECK_EQ(m.hdr.flagField, FLAG_UNICAST | FLAG_PTP_TIMESCALE | FLAG_UTC_OFFSET_VALID |
					  FLAG_TIME_TRACEABLE | FLAG_FREQUENCY_TRACEABLE);
	CHECK_EQ(m.body.announce.originTimestamp.secondsField, 100);
	CHECK_EQ(m.body.announce.currentUtcOffset, 37);
	CHECK_EQ(m.body.announce.grandmasterPriority1, 128);
	CHECK_EQ(m.body.announce.grandmasterClockQuality.clockClass, 6);
	CHECK_EQ(m.body.announce.grandmasterClockQuality.clockAccuracy, 0x21);
	CHECK_EQ(m.body.announce.grandmasterClockQuality.offsetScaledLogVariance, 0x4E5D);
	CHECK_EQ(m.body.announce.grandmasterPriority2, 128);
	CHECK_EQ(m.body.announce.stepsRemoved, 0);
	CHECK_EQ(m.body.announce.timeSource, 0x20);
	CHECK(!strcmp(clock_id_str(&m.body.announce.grandmasterIdentity, buf),
		      "aabbcc.ddee.ff0000"));
}

TEST(msg_signaling_request_golden)
{
	unsigned char in[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	int n;

	CHECK_EQ(roundtrip(signaling_hex, &m, in, &n), 0);
	CHECK_EQ(m.hdr.messageType, SIGNALING);
	CHECK_EQ(m.body.signaling.targetPortIdentity.portNumber, 0xffff);
	CHECK_EQ(m.n_tlv, 2);
	CHECK_EQ(m.tlv[0].tlvType, TLV_REQUEST_UNICAST_TRANSMISSION);
	CHECK_EQ(m.tlv[0].u.uc.messageType, SYNC);
	CHECK_EQ(m.tlv[0].u.uc.logInterMessagePeriod, -4);
	CHECK_EQ(m.tlv[0].u.uc.durationField, 300);
	CHECK_EQ(m.tlv[1].u.uc.messageType, DELAY_RESP);
}

TEST(msg_signaling_grant_cancel_golden)
{
	unsigned char in[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	int n;

	CHECK_EQ(roundtrip(grant_hex, &m, in, &n), 0);
	CHECK_EQ(m.hdr.domainNumber, 4);
	CHECK_EQ(m.n_tlv, 3);
	CHECK_EQ(m.tlv[0].tlvType, TLV_GRANT_UNICAST_TRANSMISSION);
	CHECK_EQ(m.tlv[0].u.uc.messageType, ANNOUNCE);
	CHECK_EQ(m.tlv[0].u.uc.durationField, 300);
	CHECK_EQ(m.tlv[0].u.uc.flags, TLV_GRANT_RENEWAL_INVITED);
	CHECK_EQ(m.tlv[1].u.uc.durationField, 0); /* denied */
	CHECK_EQ(m.tlv[2].tlvType, TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION);
	CHECK_EQ(m.tlv[2].u.uc.messageType, DELAY_RESP);
}

TEST(msg_delay_resp_golden)
{
	unsigned char in[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	int n;

	CHECK_EQ(roundtrip(delay_resp_hex, &m, in, &n), 0);
	CHECK_EQ(m.hdr.messageType, DELAY_RESP);
	CHECK_EQ(m.hdr.correctionField, -65536); /* ff..ff0000 = -1 ns */
	CHECK_EQ(scaled_ns_to_tmv(m.hdr.correctionField), -1);
	CHECK_EQ(m.hdr.logMessageInterval, -3);
	CHECK_EQ(m.body.delay_resp.receiveTimestamp.secondsField, 1);
	CHECK_EQ(m.body.delay_resp.receiveTimestamp.nanosecondsField, 5);
	CHECK_EQ(m.body.delay_resp.requestingPortIdentity.portNumber, 1);
}

TEST(msg_management_raw_tlv_golden)
{
	unsigned char in[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	int n;

	CHECK_EQ(roundtrip(mgmt_hex, &m, in, &n), 0);
	CHECK_EQ(m.hdr.messageType, MANAGEMENT);
	CHECK_EQ(m.body.management.startingBoundaryHops, 1);
	CHECK_EQ(m.body.management.actionField, 0);
	CHECK_EQ(m.n_tlv, 1);
	CHECK_EQ(m.tlv[0].tlvType, TLV_MANAGEMENT);
	CHECK_EQ(m.tlv[0].lengthField, 2);
}

TEST(msg_build_sets_lengths)
{
	unsigned char buf[PTP_MSG_MAX_LEN];
	struct ptp_msg m, back;
	struct tlv *t;
	int n;

	msg_init(&m, SIGNALING);
	m.hdr.messageLength = 9999; /* ignored: recomputed */
	t = msg_add_tlv(&m, TLV_CANCEL_UNICAST_TRANSMISSION);
	t->lengthField = 77; /* ignored too */
	t->u.uc.messageType = ANNOUNCE;
	n = msg_pack(&m, buf, sizeof(buf));
	CHECK_EQ(n, 44 + 6);
	CHECK_EQ((buf[2] << 8) | buf[3], n);
	CHECK_EQ((buf[46] << 8) | buf[47], 2);
	CHECK_EQ(buf[32], 5); /* controlField of Signaling */
	CHECK_EQ(msg_unpack(buf, (size_t)n, &back), 0);
	CHECK_EQ(back.tlv[0].u.uc.messageType, ANNOUNCE);
	CHECK_EQ(msg_pack(&m, buf, 40), -EMSGSIZE);
}

TEST(msg_rejects_malformed)
{
	unsigned char in[PTP_MSG_MAX_LEN], b[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	int n = hex_to_bytes(signaling_hex, in, sizeof(in));

	/* shorter than a header */
	CHECK_EQ(msg_unpack(in, 33, &m), -EBADMSG);
	/* version 1 */
	memcpy(b, in, (size_t)n);
	b[1] = 0x01;
	CHECK_EQ(msg_unpack(b, (size_t)n, &m), -EBADMSG);
	/* unknown messageType 5 */
	memcpy(b, in, (size_t)n);
	b[0] = 0x05;
	CHECK_EQ(msg_unpack(b, (size_t)n, &m), -EBADMSG);
	/* messageLength beyond the datagram */
	CHECK_EQ(msg_unpack(in, (size_t)n - 1, &m), -EBADMSG);
	/* messageLength shorter than header + body */
	memcpy(b, in, (size_t)n);
	b[3] = 40;
	CHECK_EQ(msg_unpack(b, (size_t)n, &m), -EBADMSG);
	/* odd TLV length */
	memcpy(b, in, (size_t)n);
	b[47] = 5;
	CHECK_EQ(msg_unpack(b, (size_t)n, &m), -EBADMSG);
	/* TLV running past messageLength */
	memcpy(b, in, (size_t)n);
	b[57] = 8;
	CHECK_EQ(msg_unpack(b, (size_t)n, &m), -EBADMSG);
	/* TLVs not filling messageLength: 2 stray octets */
	memcpy(b, in, (size_t)n);
	b[3] = (unsigned char)(n + 2);
	b[n] = b[n + 1] = 0;
	CHECK_EQ(msg_unpack(b, (size_t)n + 2, &m), -EBADMSG);
	/* a lone REQUEST TLV of 4 octets: fits and is even, but shorter
	 * than the 6 the table asks for */
	memcpy(b, in, (size_t)n);
	b[3] = 44 + 8;
	b[47] = 4;
	CHECK_EQ(msg_unpack(b, 44 + 8, &m), -EBADMSG);
	b[47] = 6;
	b[3] = 44 + 10;
	CHECK_EQ(msg_unpack(b, 44 + 10, &m), 0);
	/* octets after messageLength are ignored (13.3.2.4) */
	memcpy(b, in, (size_t)n);
	b[n] = 0xee;
	CHECK_EQ(msg_unpack(b, (size_t)n + 1, &m), 0);
	CHECK_EQ(m.n_tlv, 2);
}

TEST(msg_too_many_tlvs)
{
	unsigned char b[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	int i, n = hex_to_bytes(signaling_hex, b, sizeof(b)) - 20;

	for (i = 0; i <= PTP_MAX_TLV; i++) {
		hex_to_bytes("00 08 00 00", b + n, 4); /* empty PATH_TRACE */
		n += 4;
	}
	b[2] = (unsigned char)(n >> 8);
	b[3] = (unsigned char)n;
	CHECK_EQ(msg_unpack(b, (size_t)n, &m), -EBADMSG);
}

TEST(tlv_table_sorted_and_named)
{
	CHECK(!strcmp(tlv_type_str(TLV_GRANT_UNICAST_TRANSMISSION), "GRANT_UNICAST_TRANSMISSION"));
	CHECK(!strcmp(tlv_type_str(TLV_PATH_TRACE), "PATH_TRACE"));
	CHECK(!strcmp(tlv_type_str(0x7777), "UNKNOWN"));
	CHECK(tlv_find(TLV_MANAGEMENT) != NULL);
	CHECK(tlv_find(TLV_ALTERNATE_TIME_OFFSET_INDICATOR) != NULL);
}

TEST(tmv_conversions)
{
	struct ptp_timestamp ts = { 5, 6 };
	struct timespec sp;
	CHECK_EQ(ts_to_tmv(ts), 5000000006LL);
	ts = tmv_to_ts(1999999999LL);
	CHECK_EQ(ts.secondsField, 1);
	CHECK_EQ(ts.nanosecondsField, 999999999);
	CHECK_EQ(tmv_to_ts(-5).secondsField, 0);
	CHECK_EQ(tmv_to_scaled_ns(-3), -3 * 65536);
	CHECK_EQ(scaled_ns_to_tmv(-1), -1); /* -1/65536 ns rounds down */
	CHECK_EQ(tmv_to_scaled_ns(INT64_MAX / 2), INT64_MAX);
	sp = tmv_to_timespec(-1);
	CHECK_EQ(sp.tv_sec, -1);
	CHECK_EQ(sp.tv_nsec, 999999999);
	CHECK_EQ(log2_interval_ns(-4), 62500000);
	CHECK_EQ(log2_interval_ns(3), 8000000000LL);
}

TEST(ds_time_properties_flags)
{
	unsigned char in[PTP_MSG_MAX_LEN];
	struct time_properties_ds t;
	struct ptp_msg m;
	int n = hex_to_bytes(announce_hex, in, sizeof(in));

	CHECK_EQ(msg_unpack(in, (size_t)n, &m), 0);
	tpds_from_announce(&t, &m);
	CHECK_EQ(t.currentUtcOffset, 37);
	CHECK(t.currentUtcOffsetValid && t.ptpTimescale && t.timeTraceable && t.frequencyTraceable);
	CHECK(!t.leap59 && !t.leap61);
	CHECK_EQ(t.timeSource, 0x20);
	CHECK_EQ(tpds_to_flags(&t), m.hdr.flagField & 0x00ff);
	CHECK(!strcmp(port_state_str(PS_UNCALIBRATED), "UNCALIBRATED"));
	CHECK(!strcmp(port_state_str(PS_SLAVE), "SLAVE"));
	CHECK(!strcmp(port_state_str((enum port_state)42), "NONE"));
}
