/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Management TLVs, IEEE 1588-2019 clause 15 (and linuxptp's TIME_STATUS_NP).
 * A MANAGEMENT TLV's value is managementId (2 octets) + dataField; this
 * module turns dataFields into host-order data sets and back through a
 * table {id, name, length, flags, decode, encode}.
 */
#ifndef PTPBOX_MGMT_H
#define PTPBOX_MGMT_H

#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "msg.h"

/* 15.4.1.6 actionField */
enum mgmt_action { MGMT_GET = 0, MGMT_SET = 1, MGMT_RESPONSE = 2, MGMT_COMMAND = 3,
		   MGMT_ACKNOWLEDGE = 4 };

/* 15.5.2.3 Table 59 managementId (the ones we code) */
enum mgmt_id {
	MID_NULL_MANAGEMENT = 0x0000,
	MID_DEFAULT_DATA_SET = 0x2000,
	MID_CURRENT_DATA_SET = 0x2001,
	MID_PARENT_DATA_SET = 0x2002,
	MID_TIME_PROPERTIES_DATA_SET = 0x2003,
	MID_PORT_DATA_SET = 0x2004,
	MID_PRIORITY1 = 0x2005,
	MID_PRIORITY2 = 0x2006,
	MID_DOMAIN = 0x2007,
	MID_LOG_ANNOUNCE_INTERVAL = 0x2009,
	MID_ANNOUNCE_RECEIPT_TIMEOUT = 0x200A,
	MID_LOG_SYNC_INTERVAL = 0x200B,
	MID_VERSION_NUMBER = 0x200C,
	MID_UNICAST_NEGOTIATION_ENABLE = 0x2014,
	MID_UNICAST_MASTER_MAX_TABLE_SIZE = 0x2019,
	MID_TIME_STATUS_NP = 0xC000, /* linuxptp */
};

/* 15.5.4.4 Table 109 managementErrorId */
enum mgmt_error {
	MERR_RESPONSE_TOO_BIG = 0x0001,
	MERR_NO_SUCH_ID = 0x0002,
	MERR_WRONG_LENGTH = 0x0003,
	MERR_WRONG_VALUE = 0x0004,
	MERR_NOT_SETABLE = 0x0005,
	MERR_NOT_SUPPORTED = 0x0006,
	MERR_GENERAL_ERROR = 0xFFFE,
};

/* linuxptp TIME_STATUS_NP: offsets in ns (not scaled) */
struct time_status_np {
	int64_t master_offset; /* ns, positive: local clock ahead */
	int64_t ingress_time;  /* ns, PTP time of the last Sync */
	int32_t cumulativeScaledRateOffset;
	int32_t scaledLastGmPhaseChange;
	uint16_t gmTimeBaseIndicator;
	uint8_t lastGmPhaseChange[12]; /* ScaledNs, kept opaque */
	int32_t gmPresent;
	struct clock_identity gmIdentity;
};

/* A decoded management dataField. */
struct mgmt_value {
	uint16_t id;
	union {
		struct default_ds dds;
		struct current_ds cds;
		struct parent_ds pds;
		struct time_properties_ds tpds;
		struct port_ds port;
		struct time_status_np tsn;
		uint8_t u8;   /* PRIORITY1/2, DOMAIN, VERSION_NUMBER, RECEIPT_TIMEOUT, flags */
		int8_t i8;    /* LOG_*_INTERVAL */
		uint16_t u16; /* UNICAST_MASTER_MAX_TABLE_SIZE */
	} u;
};

/* Name ("CURRENT_DATA_SET") of an id, NULL when not in the table. */
const char *mgmt_id_str(uint16_t id);
/* Id for a name, -1 when unknown. */
int mgmt_id_from_str(const char *name);
/* 1 when the id may be SET (15.5.2.3 Table 59 "applies to SET"). */
int mgmt_settable(uint16_t id);

/*
 * Decode len octets of dataField for id into *v.  Returns 0, -ENOENT when
 * the id is not in the table (answer NO_SUCH_ID), -EBADMSG when len is not
 * the id's length (answer WRONG_LENGTH).
 */
int mgmt_decode(uint16_t id, const uint8_t *data, size_t len, struct mgmt_value *v);

/* Encode v's dataField into out (room octets).  Length written, -ENOENT for
 * an unknown id, -EMSGSIZE when room is too small.  Lengths are even
 * (14.1.1 padding included). */
int mgmt_encode(const struct mgmt_value *v, uint8_t *out, size_t room);

#endif
