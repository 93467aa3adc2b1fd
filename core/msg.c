/* SPDX-License-Identifier: BSD-2-Clause */
/* PTP message codecs, IEEE 1588-2019 clause 13. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "tlv.h"
#include "wire.h"

int msg_body_len(uint8_t messageType)
{
	switch (messageType) {
	case SYNC:
	case DELAY_REQ:
	case FOLLOW_UP:
		return 10; /* 13.6, 13.7 */
	case DELAY_RESP:
	case PDELAY_REQ:
	case PDELAY_RESP:
	case PDELAY_RESP_FOLLOW_UP:
		return 20; /* 13.8, 13.9-13.11 */
	case ANNOUNCE:
		return 30; /* 13.5 */
	case SIGNALING:
		return 10; /* 13.12 */
	case MANAGEMENT:
		return 14; /* 15.4.1 */
	default:
		return -1;
	}
}

const char *msg_type_str(uint8_t messageType)
{
	switch (messageType) {
	case SYNC:
		return "SYNC";
	case DELAY_REQ:
		return "DELAY_REQ";
	case PDELAY_REQ:
		return "PDELAY_REQ";
	case PDELAY_RESP:
		return "PDELAY_RESP";
	case FOLLOW_UP:
		return "FOLLOW_UP";
	case DELAY_RESP:
		return "DELAY_RESP";
	case PDELAY_RESP_FOLLOW_UP:
		return "PDELAY_RESP_FOLLOW_UP";
	case ANNOUNCE:
		return "ANNOUNCE";
	case SIGNALING:
		return "SIGNALING";
	case MANAGEMENT:
		return "MANAGEMENT";
	default:
		return "UNKNOWN";
	}
}

uint8_t msg_control_field(uint8_t messageType)
{
	switch (messageType) {
	case SYNC:
		return 0;
	case DELAY_REQ:
		return 1;
	case FOLLOW_UP:
		return 2;
	case DELAY_RESP:
		return 3;
	case MANAGEMENT:
		return 4;
	default:
		return 5;
	}
}

void msg_init(struct ptp_msg *m, uint8_t messageType)
{
	memset(m, 0, sizeof(*m));
	m->hdr.messageType = messageType;
	m->hdr.versionPTP = 2;
	m->hdr.minorVersionPTP = 1;
	m->hdr.controlField = msg_control_field(messageType);
	m->hdr.logMessageInterval = 0x7f;
}

struct tlv *msg_add_tlv(struct ptp_msg *m, uint16_t tlvType)
{
	struct tlv *t;

	if (m->n_tlv >= PTP_MAX_TLV) {
		return NULL;
	}
	t = &m->tlv[m->n_tlv++];
	memset(t, 0, sizeof(*t));
	t->tlvType = tlvType;
	return t;
}

static void get_ts(const uint8_t *p, struct ptp_timestamp *ts)
{
	ts->secondsField = get_be48(p);
	ts->nanosecondsField = get_be32(p + 6);
}

static void put_ts(uint8_t *p, const struct ptp_timestamp *ts)
{
	put_be48(p, ts->secondsField);
	put_be32(p + 6, ts->nanosecondsField);
}

static void get_pid(const uint8_t *p, struct port_identity *pid)
{
	memcpy(pid->clockIdentity.id, p, 8);
	pid->portNumber = get_be16(p + 8);
}

static void put_pid(uint8_t *p, const struct port_identity *pid)
{
	memcpy(p, pid->clockIdentity.id, 8);
	put_be16(p + 8, pid->portNumber);
}

int msg_unpack(const uint8_t *buf, size_t len, struct ptp_msg *m)
{
	struct ptp_header *h = &m->hdr;
	const uint8_t *b;
	int body;

	memset(m, 0, sizeof(*m));
	if (len < PTP_HEADER_LEN) {
		return -EBADMSG;
	}
	h->majorSdoId = buf[0] >> 4;
	h->messageType = buf[0] & 0x0f;
	h->minorVersionPTP = buf[1] >> 4;
	h->versionPTP = buf[1] & 0x0f;
	if (h->versionPTP != 2) {
		return -EBADMSG;
	}
	body = msg_body_len(h->messageType);
	if (body < 0) {
		return -EBADMSG;
	}
	h->messageLength = get_be16(buf + 2);
	if (h->messageLength > len || h->messageLength < PTP_HEADER_LEN + body) {
		return -EBADMSG;
	}
	h->domainNumber = buf[4];
	h->minorSdoId = buf[5];
	h->flagField = get_be16(buf + 6);
	h->correctionField = (int64_t)get_be64(buf + 8);
	h->messageTypeSpecific = get_be32(buf + 16);
	get_pid(buf + 20, &h->sourcePortIdentity);
	h->sequenceId = get_be16(buf + 30);
	h->controlField = buf[32];
	h->logMessageInterval = (int8_t)buf[33];

	b = buf + PTP_HEADER_LEN;
	switch (h->messageType) {
	case SYNC:
	case DELAY_REQ:
		get_ts(b, &m->body.sync.originTimestamp);
		break;
	case FOLLOW_UP:
		get_ts(b, &m->body.follow_up.preciseOriginTimestamp);
		break;
	case DELAY_RESP:
		get_ts(b, &m->body.delay_resp.receiveTimestamp);
		get_pid(b + 10, &m->body.delay_resp.requestingPortIdentity);
		break;
	case PDELAY_REQ:
	case PDELAY_RESP:
	case PDELAY_RESP_FOLLOW_UP:
		get_ts(b, &m->body.pdelay.timestamp);
		if (h->messageType != PDELAY_REQ) {
			get_pid(b + 10, &m->body.pdelay.requestingPortIdentity);
		}
		break;
	case ANNOUNCE:
		get_ts(b, &m->body.announce.originTimestamp);
		m->body.announce.currentUtcOffset = (int16_t)get_be16(b + 10);
		m->body.announce.grandmasterPriority1 = b[13];
		m->body.announce.grandmasterClockQuality.clockClass = b[14];
		m->body.announce.grandmasterClockQuality.clockAccuracy = b[15];
		m->body.announce.grandmasterClockQuality.offsetScaledLogVariance =
			get_be16(b + 16);
		m->body.announce.grandmasterPriority2 = b[18];
		memcpy(m->body.announce.grandmasterIdentity.id, b + 19, 8);
		m->body.announce.stepsRemoved = get_be16(b + 27);
		m->body.announce.timeSource = b[29];
		break;
	case SIGNALING:
		get_pid(b, &m->body.signaling.targetPortIdentity);
		break;
	case MANAGEMENT:
		get_pid(b, &m->body.management.targetPortIdentity);
		m->body.management.startingBoundaryHops = b[10];
		m->body.management.boundaryHops = b[11];
		m->body.management.actionField = b[12] & 0x0f;
		break;
	}
	return tlv_unpack_all(buf + PTP_HEADER_LEN + body,
			      (size_t)h->messageLength - PTP_HEADER_LEN - (size_t)body, m);
}

int msg_pack(const struct ptp_msg *m, uint8_t *buf, size_t size)
{
	const struct ptp_header *h = &m->hdr;
	uint8_t *b;
	int body, tl;
	size_t total;

	body = msg_body_len(h->messageType);
	if (body < 0) {
		return -EINVAL;
	}
	if (size > PTP_MSG_MAX_LEN) {
		size = PTP_MSG_MAX_LEN;
	}
	if (size < (size_t)(PTP_HEADER_LEN + body)) {
		return -EMSGSIZE;
	}
	memset(buf, 0, (size_t)(PTP_HEADER_LEN + body));
	b = buf + PTP_HEADER_LEN;
	switch (h->messageType) {
	case SYNC:
	case DELAY_REQ:
		put_ts(b, &m->body.sync.originTimestamp);
		break;
	case FOLLOW_UP:
		put_ts(b, &m->body.follow_up.preciseOriginTimestamp);
		break;
	case DELAY_RESP:
		put_ts(b, &m->body.delay_resp.receiveTimestamp);
		put_pid(b + 10, &m->body.delay_resp.requestingPortIdentity);
		break;
	case PDELAY_REQ:
	case PDELAY_RESP:
	case PDELAY_RESP_FOLLOW_UP:
		put_ts(b, &m->body.pdelay.timestamp);
		if (h->messageType != PDELAY_REQ) {
			put_pid(b + 10, &m->body.pdelay.requestingPortIdentity);
		}
		break;
	case ANNOUNCE:
		put_ts(b, &m->body.announce.originTimestamp);
		put_be16(b + 10, (uint16_t)m->body.announce.currentUtcOffset);
		b[13] = m->body.announce.grandmasterPriority1;
		b[14] = m->body.announce.grandmasterClockQuality.clockClass;
		b[15] = m->body.announce.grandmasterClockQuality.clockAccuracy;
		put_be16(b + 16, m->body.announce.grandmasterClockQuality.offsetScaledLogVariance);
		b[18] = m->body.announce.grandmasterPriority2;
		memcpy(b + 19, m->body.announce.grandmasterIdentity.id, 8);
		put_be16(b + 27, m->body.announce.stepsRemoved);
		b[29] = m->body.announce.timeSource;
		break;
	case SIGNALING:
		put_pid(b, &m->body.signaling.targetPortIdentity);
		break;
	case MANAGEMENT:
		put_pid(b, &m->body.management.targetPortIdentity);
		b[10] = m->body.management.startingBoundaryHops;
		b[11] = m->body.management.boundaryHops;
		b[12] = m->body.management.actionField & 0x0f;
		break;
	}
	tl = tlv_pack_all(m, buf + PTP_HEADER_LEN + body, size - PTP_HEADER_LEN - (size_t)body);
	if (tl < 0) {
		return tl;
	}
	total = (size_t)(PTP_HEADER_LEN + body + tl);

	buf[0] = (uint8_t)((h->majorSdoId << 4) | (h->messageType & 0x0f));
	buf[1] = (uint8_t)((h->minorVersionPTP << 4) | (h->versionPTP & 0x0f));
	put_be16(buf + 2, (uint16_t)total);
	buf[4] = h->domainNumber;
	buf[5] = h->minorSdoId;
	put_be16(buf + 6, h->flagField);
	put_be64(buf + 8, (uint64_t)h->correctionField);
	put_be32(buf + 16, h->messageTypeSpecific);
	put_pid(buf + 20, &h->sourcePortIdentity);
	put_be16(buf + 30, h->sequenceId);
	buf[32] = h->controlField;
	buf[33] = (uint8_t)h->logMessageInterval;
	return (int)total;
}

char *clock_id_str(const struct clock_identity *id, char *buf)
{
	const uint8_t *c = id->id;
	snprintf(buf, 19, "%02x%02x%02x.%02x%02x.%02x%02x%02x", c[0], c[1], c[2], c[3], c[4],
		 c[5], c[6], c[7]);
	return buf;
}

char *port_id_str(const struct port_identity *pid, char *buf)
{
	char c[19];
	snprintf(buf, 25, "%s-%u", clock_id_str(&pid->clockIdentity, c), pid->portNumber);
	return buf;
}

int clock_id_cmp(const struct clock_identity *a, const struct clock_identity *b)
{
	return memcmp(a->id, b->id, 8);
}

int port_id_cmp(const struct port_identity *a, const struct port_identity *b)
{
	int r = clock_id_cmp(&a->clockIdentity, &b->clockIdentity);
	if (r) {
		return r;
	}
	return (int)a->portNumber - (int)b->portNumber;
}
