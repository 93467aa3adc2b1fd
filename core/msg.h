/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PTP v2.1 message codecs (IEEE 1588-2019 clause 13).
 *
 * msg_unpack() turns bytes from the wire into a host-order struct ptp_msg,
 * msg_pack() does the reverse and recomputes every length.  Nothing here
 * reads past the buffer or trusts a length from the wire: see the checks in
 * msg.c.  TLVs are handled by tlv.c through a sorted table.
 */
#ifndef PTPBOX_MSG_H
#define PTPBOX_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "tmv.h"

/* 1588-2019 Table 36 messageType */
enum ptp_msg_type {
	SYNC = 0x0,
	DELAY_REQ = 0x1,
	PDELAY_REQ = 0x2,
	PDELAY_RESP = 0x3,
	FOLLOW_UP = 0x8,
	DELAY_RESP = 0x9,
	PDELAY_RESP_FOLLOW_UP = 0xA,
	ANNOUNCE = 0xB,
	SIGNALING = 0xC,
	MANAGEMENT = 0xD,
};

/* 1588-2019 Table 37 flagField, as a host-order 16-bit value (octet 0 high) */
#define FLAG_ALTERNATE_MASTER 0x0100
#define FLAG_TWO_STEP 0x0200
#define FLAG_UNICAST 0x0400
#define FLAG_PROFILE_SPECIFIC1 0x2000
#define FLAG_PROFILE_SPECIFIC2 0x4000
#define FLAG_LEAP61 0x0001
#define FLAG_LEAP59 0x0002
#define FLAG_UTC_OFFSET_VALID 0x0004
#define FLAG_PTP_TIMESCALE 0x0008
#define FLAG_TIME_TRACEABLE 0x0010
#define FLAG_FREQUENCY_TRACEABLE 0x0020
#define FLAG_SYNC_UNCERTAIN 0x0040

#define PTP_HEADER_LEN 34
#define PTP_MSG_MAX_LEN 1500 /* one Ethernet MTU; we never build more */
#define PTP_MAX_TLV 16	     /* TLVs kept per message; more -> -EBADMSG */

struct clock_identity {
	uint8_t id[8];
};

struct port_identity {
	struct clock_identity clockIdentity;
	uint16_t portNumber;
};

/* 1588-2019 7.6.2.1 ClockQuality */
struct clock_quality {
	uint8_t clockClass;
	uint8_t clockAccuracy;
	uint16_t offsetScaledLogVariance;
};

/* 1588-2019 13.3 common header, host order */
struct ptp_header {
	uint8_t majorSdoId;	 /* 4 bits (transportSpecific in 2008) */
	uint8_t messageType;	 /* 4 bits, enum ptp_msg_type */
	uint8_t minorVersionPTP; /* 4 bits */
	uint8_t versionPTP;	 /* 4 bits, must be 2 */
	uint16_t messageLength;	 /* octets; recomputed by msg_pack() */
	uint8_t domainNumber;
	uint8_t minorSdoId;
	uint16_t flagField;
	int64_t correctionField; /* scaled ns: ns * 2^16 */
	uint32_t messageTypeSpecific;
	struct port_identity sourcePortIdentity;
	uint16_t sequenceId;
	uint8_t controlField;
	int8_t logMessageInterval;
};

/* 1588-2019 16.1.4 unicast negotiation TLV bodies, and 14.x generic */
struct tlv_unicast {
	uint8_t messageType;	      /* enum ptp_msg_type */
	int8_t logInterMessagePeriod; /* REQUEST and GRANT only */
	uint32_t durationField;	      /* s; REQUEST and GRANT only; 0 = deny */
	uint8_t flags;		      /* GRANT: bit0 renewalInvited;
				       * CANCEL/ACK: bit0 maintainRequest,
				       * bit1 maintainGrant (1588-2019) */
};

struct tlv {
	uint16_t tlvType;
	uint16_t lengthField; /* octets of value; recomputed on pack */
	union {
		struct tlv_unicast uc;
	} u;
	/* Raw value for TLVs without a structured decoder (points into the
	 * buffer given to msg_unpack, or to caller storage for msg_pack). */
	const uint8_t *value;
};

struct ptp_msg {
	struct ptp_header hdr;
	union {
		struct {
			struct ptp_timestamp originTimestamp;
		} sync; /* also Delay_Req */
		struct {
			struct ptp_timestamp preciseOriginTimestamp;
		} follow_up;
		struct {
			struct ptp_timestamp receiveTimestamp;
			struct port_identity requestingPortIdentity;
		} delay_resp;
		struct {
			struct ptp_timestamp timestamp; /* origin / requestReceipt / responseOrigin */
			struct port_identity requestingPortIdentity; /* zero in Pdelay_Req */
		} pdelay;
		struct {
			struct ptp_timestamp originTimestamp;
			int16_t currentUtcOffset; /* s */
			uint8_t grandmasterPriority1;
			struct clock_quality grandmasterClockQuality;
			uint8_t grandmasterPriority2;
			struct clock_identity grandmasterIdentity;
			uint16_t stepsRemoved;
			uint8_t timeSource;
		} announce;
		struct {
			struct port_identity targetPortIdentity;
		} signaling;
		struct {
			struct port_identity targetPortIdentity;
			uint8_t startingBoundaryHops;
			uint8_t boundaryHops;
			uint8_t actionField; /* 4 bits */
		} management;
	} body;
	int n_tlv;
	struct tlv tlv[PTP_MAX_TLV];
};

/* Body length (after the header, before TLVs) of a message type, or -1. */
int msg_body_len(uint8_t messageType);

/* Human name of a message type ("SYNC", ...), "UNKNOWN" otherwise. */
const char *msg_type_str(uint8_t messageType);

/* 1588-2019 13.3.2.13 controlField for a message type (0..5). */
uint8_t msg_control_field(uint8_t messageType);

/*
 * Decode len bytes at buf into *m (1588-2019 13).  Checks, in order: len >=
 * header; versionPTP == 2; known messageType; messageLength <= len and >=
 * header + body; each TLV has 4 bytes of header left, an even length that
 * fits, and the TLVs fill messageLength exactly.  Bytes after messageLength
 * are ignored (13.3.2.4).  Raw TLV values point into buf.
 * Returns 0, or -EBADMSG on any failed check (nothing in *m is meaningful).
 */
int msg_unpack(const uint8_t *buf, size_t len, struct ptp_msg *m);

/*
 * Encode *m into buf (size octets).  messageLength and every TLV length are
 * computed here, not taken from *m.  Returns the number of octets written,
 * -EINVAL for an unknown message type or TLV value the table cannot encode,
 * -EMSGSIZE if buf is too small.
 */
int msg_pack(const struct ptp_msg *m, uint8_t *buf, size_t size);

/* Fill the header fields every message shares (versionPTP 2.1, control
 * field, zero correction) for a message of type t. */
void msg_init(struct ptp_msg *m, uint8_t messageType);

/* Append a TLV; returns a pointer to it or NULL when PTP_MAX_TLV are used. */
struct tlv *msg_add_tlv(struct ptp_msg *m, uint16_t tlvType);

/* "001122.fffe.334455" (linuxptp's format); buf >= 19 octets. */
char *clock_id_str(const struct clock_identity *id, char *buf);
/* "001122.fffe.334455-1"; buf >= 25 octets. */
char *port_id_str(const struct port_identity *pid, char *buf);
int clock_id_cmp(const struct clock_identity *a, const struct clock_identity *b);
int port_id_cmp(const struct port_identity *a, const struct port_identity *b);

#endif
