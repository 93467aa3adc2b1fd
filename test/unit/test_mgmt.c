/* SPDX-License-Identifier: BSD-2-Clause */
/* Management dataFields (1588-2019 15.5.3): golden bytes, round trips and
 * the length checks that become WRONG_LENGTH / NO_SUCH_ID answers. */
#include <errno.h>

#include "../../core/mgmt.h"
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
