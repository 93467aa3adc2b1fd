/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Table-driven TLV codec (IEEE 1588-2019 14.1).  Each known tlvType has a
 * row {type, min_len, name, decode, encode}; TLVs without a row are kept raw
 * (type, length, pointer to value) so they can be skipped or forwarded.
 */
#ifndef PTPBOX_TLV_H
#define PTPBOX_TLV_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

/* 1588-2019 Table 52 tlvType */
enum tlv_type {
	TLV_MANAGEMENT = 0x0001,
	TLV_MANAGEMENT_ERROR_STATUS = 0x0002,
	TLV_ORGANIZATION_EXTENSION = 0x0003,
	TLV_REQUEST_UNICAST_TRANSMISSION = 0x0004,
	TLV_GRANT_UNICAST_TRANSMISSION = 0x0005,
	TLV_CANCEL_UNICAST_TRANSMISSION = 0x0006,
	TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION = 0x0007,
	TLV_PATH_TRACE = 0x0008,
	TLV_ALTERNATE_TIME_OFFSET_INDICATOR = 0x0009,
};

/* GRANT flags octet, 16.1.4.2 */
#define TLV_GRANT_RENEWAL_INVITED 0x01
/* CANCEL / ACKNOWLEDGE_CANCEL flags octet, 1588-2019 16.1.4.3/16.1.4.4 */
#define TLV_CANCEL_MAINTAIN_REQUEST 0x01
#define TLV_CANCEL_MAINTAIN_GRANT 0x02

struct tlv_desc {
	uint16_t type;
	uint16_t min_len; /* minimum lengthField (value octets) */
	const char *name;
	/* decode len value octets at v into t; 0 or -EBADMSG */
	int (*decode)(const uint8_t *v, uint16_t len, struct tlv *t);
	/* encode t into out (room octets); value length or -EMSGSIZE/-EINVAL */
	int (*encode)(const struct tlv *t, uint8_t *out, size_t room);
};

/* Table row for a tlvType, or NULL when the type has no structured codec. */
const struct tlv_desc *tlv_find(uint16_t type);

/* Name of a tlvType, "UNKNOWN" for types outside the table. */
const char *tlv_type_str(uint16_t type);

/*
 * Decode the TLV sequence in buf[0..len): each TLV needs 4 header octets, an
 * even lengthField that fits in what is left, and at least the table's
 * min_len.  The sequence must end exactly at len.  Up to PTP_MAX_TLV TLVs go
 * into m->tlv.  Returns 0 or -EBADMSG.
 */
int tlv_unpack_all(const uint8_t *buf, size_t len, struct ptp_msg *m);

/* Encode m->tlv[] into out (room octets); returns octets written, or
 * -EMSGSIZE / -EINVAL. */
int tlv_pack_all(const struct ptp_msg *m, uint8_t *out, size_t room);

#endif
