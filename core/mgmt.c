/* SPDX-License-Identifier: BSD-2-Clause */
/* Management dataFields, IEEE 1588-2019 15.5.3; see mgmt.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt.h"
#include "wire.h"

static void put_cq(uint8_t *p, const struct clock_quality *q)
{
	p[0] = q->clockClass;
	p[1] = q->clockAccuracy;
	put_be16(p + 2, q->offsetScaledLogVariance);
}

static void get_cq(const uint8_t *p, struct clock_quality *q)
{
	q->clockClass = p[0];
	q->clockAccuracy = p[1];
	q->offsetScaledLogVariance = get_be16(p + 2);
}

static void put_pid(uint8_t *p, const struct port_identity *pid)
{
	memcpy(p, pid->clockIdentity.id, 8);
	put_be16(p + 8, pid->portNumber);
}

static void get_pid(const uint8_t *p, struct port_identity *pid)
{
	memcpy(pid->clockIdentity.id, p, 8);
	pid->portNumber = get_be16(p + 8);
}

/* 15.5.3.3.1 DEFAULT_DATA_SET, 20 octets */
static void enc_dds(const struct mgmt_value *v, uint8_t *p)
{
	const struct default_ds *d = &v->u.dds;
	p[0] = (uint8_t)((d->twoStepFlag ? 1 : 0) | (d->slaveOnly ? 2 : 0));
	put_be16(p + 2, d->numberPorts);
	p[4] = d->priority1;
	put_cq(p + 5, &d->clockQuality);
	p[9] = d->priority2;
	memcpy(p + 10, d->clockIdentity.id, 8);
	p[18] = d->domainNumber;
}

static void dec_dds(const uint8_t *p, struct mgmt_value *v)
{
	struct default_ds *d = &v->u.dds;
	d->twoStepFlag = p[0] & 1;
	d->slaveOnly = !!(p[0] & 2);
	d->numberPorts = get_be16(p + 2);
	d->priority1 = p[4];
	get_cq(p + 5, &d->clockQuality);
	d->priority2 = p[9];
	memcpy(d->clockIdentity.id, p + 10, 8);
	d->domainNumber = p[18];
}

/* 15.5.3.4.1 CURRENT_DATA_SET, 18 octets; TimeInterval = scaled ns */
static void enc_cds(const struct mgmt_value *v, uint8_t *p)
{
	put_be16(p, v->u.cds.stepsRemoved);
	put_be64(p + 2, (uint64_t)tmv_to_scaled_ns(v->u.cds.offsetFromMaster));
	put_be64(p + 10, (uint64_t)tmv_to_scaled_ns(v->u.cds.meanPathDelay));
}

static void dec_cds(const uint8_t *p, struct mgmt_value *v)
{
	v->u.cds.stepsRemoved = get_be16(p);
	v->u.cds.offsetFromMaster = scaled_ns_to_tmv((int64_t)get_be64(p + 2));
	v->u.cds.meanPathDelay = scaled_ns_to_tmv((int64_t)get_be64(p + 10));
}

/* 15.5.3.5.1 PARENT_DATA_SET, 32 octets (no parent statistics kept) */
static void enc_pds(const struct mgmt_value *v, uint8_t *p)
{
	const struct parent_ds *d = &v->u.pds;
	put_pid(p, &d->parentPortIdentity);
	put_be16(p + 12, 0xffff); /* observedParentOffsetScaledLogVariance: none */
	put_be32(p + 14, 0x7fffffff); /* observedParentClockPhaseChangeRate: none */
	p[18] = d->grandmasterPriority1;
	put_cq(p + 19, &d->grandmasterClockQuality);
	p[23] = d->grandmasterPriority2;
	memcpy(p + 24, d->grandmasterIdentity.id, 8);
}

static void dec_pds(const uint8_t *p, struct mgmt_value *v)
{
	struct parent_ds *d = &v->u.pds;
	get_pid(p, &d->parentPortIdentity);
	d->grandmasterPriority1 = p[18];
	get_cq(p + 19, &d->grandmasterClockQuality);
	d->grandmasterPriority2 = p[23];
	memcpy(d->grandmasterIdentity.id, p + 24, 8);
}

/* 15.5.3.6.1 TIME_PROPERTIES_DATA_SET, 4 octets; flag bits as in the
 * second flagField octet */
static void enc_tpds(const struct mgmt_value *v, uint8_t *p)
{
	put_be16(p, (uint16_t)v->u.tpds.currentUtcOffset);
	p[2] = (uint8_t)tpds_to_flags(&v->u.tpds);
	p[3] = v->u.tpds.timeSource;
}

static void dec_tpds(const uint8_t *p, struct mgmt_value *v)
{
	struct time_properties_ds *t = &v->u.tpds;
	t->currentUtcOffset = (int16_t)get_be16(p);
	t->leap61 = !!(p[2] & FLAG_LEAP61);
	t->leap59 = !!(p[2] & FLAG_LEAP59);
	t->currentUtcOffsetValid = !!(p[2] & FLAG_UTC_OFFSET_VALID);
	t->ptpTimescale = !!(p[2] & FLAG_PTP_TIMESCALE);
	t->timeTraceable = !!(p[2] & FLAG_TIME_TRACEABLE);
	t->frequencyTraceable = !!(p[2] & FLAG_FREQUENCY_TRACEABLE);
	t->timeSource = p[3];
}

/* 15.5.3.7.1 PORT_DATA_SET, 26 octets (peerMeanPathDelay 0: E2E) */
static void enc_port(const struct mgmt_value *v, uint8_t *p)
{
	const struct port_ds *d = &v->u.port;
	put_pid(p, &d->portIdentity);
	p[10] = (uint8_t)d->portState;
	p[11] = (uint8_t)d->logMinDelayReqInterval;
	p[20] = (uint8_t)d->logAnnounceInterval;
	p[21] = d->announceReceiptTimeout;
	p[22] = (uint8_t)d->logSyncInterval;
	p[23] = d->delayMechanism;
	p[24] = 0x7f; /* logMinPdelayReqInterval: not used with E2E */
	p[25] = d->versionNumber & 0x0f;
}

static void dec_port(const uint8_t *p, struct mgmt_value *v)
{
	struct port_ds *d = &v->u.port;
	get_pid(p, &d->portIdentity);
	d->portState = (enum port_state)p[10];
	d->logMinDelayReqInterval = (int8_t)p[11];
	d->logAnnounceInterval = (int8_t)p[20];
	d->announceReceiptTimeout = p[21];
	d->logSyncInterval = (int8_t)p[22];
	d->delayMechanism = p[23];
	d->versionNumber = p[25] & 0x0f;
}

/* one octet + reserved (15.5.3.3.2 ff.) */
static void enc_u8(const struct mgmt_value *v, uint8_t *p)
{
	p[0] = v->u.u8;
}

static void dec_u8(const uint8_t *p, struct mgmt_value *v)
{
	v->u.u8 = p[0];
}

static void enc_u16(const struct mgmt_value *v, uint8_t *p)
{
	put_be16(p, v->u.u16);
}

static void dec_u16(const uint8_t *p, struct mgmt_value *v)
{
	v->u.u16 = get_be16(p);
}

static void enc_none(const struct mgmt_value *v, uint8_t *p)
{
	(void)v;
	(void)p;
}

static void dec_none(const uint8_t *p, struct mgmt_value *v)
{
	(void)p;
	(void)v;
}

/* linuxptp TIME_STATUS_NP, 50 octets */
static void enc_tsn(const struct mgmt_value *v, uint8_t *p)
{
	const struct time_status_np *t = &v->u.tsn;
	put_be64(p, (uint64_t)t->master_offset);
	put_be64(p + 8, (uint64_t)t->ingress_time);
	put_be32(p + 16, (uint32_t)t->cumulativeScaledRateOffset);
	put_be32(p + 20, (uint32_t)t->scaledLastGmPhaseChange);
	put_be16(p + 24, t->gmTimeBaseIndicator);
	memcpy(p + 26, t->lastGmPhaseChange, 12);
	put_be32(p + 38, (uint32_t)t->gmPresent);
	memcpy(p + 42, t->gmIdentity.id, 8);
}

static void dec_tsn(const uint8_t *p, struct mgmt_value *v)
{
	struct time_status_np *t = &v->u.tsn;
	t->master_offset = (int64_t)get_be64(p);
	t->ingress_time = (int64_t)get_be64(p + 8);
	t->cumulativeScaledRateOffset = (int32_t)get_be32(p + 16);
	t->scaledLastGmPhaseChange = (int32_t)get_be32(p + 20);
	t->gmTimeBaseIndicator = get_be16(p + 24);
	memcpy(t->lastGmPhaseChange, p + 26, 12);
	t->gmPresent = (int32_t)get_be32(p + 38);
	memcpy(t->gmIdentity.id, p + 42, 8);
}

struct mgmt_desc {
	uint16_t id;
	uint16_t len; /* dataField octets */
	int settable;
	const char *name;
	void (*encode)(const struct mgmt_value *v, uint8_t *p);
	void (*decode)(const uint8_t *p, struct mgmt_value *v);
};

/* sorted by id */
static const struct mgmt_desc table[] = {
	{ MID_NULL_MANAGEMENT, 0, 0, "NULL_MANAGEMENT", enc_none, dec_none },
	{ MID_DEFAULT_DATA_SET, 20, 0, "DEFAULT_DATA_SET", enc_dds, dec_dds },
	{ MID_CURRENT_DATA_SET, 18, 0, "CURRENT_DATA_SET", enc_cds, dec_cds },
	{ MID_PARENT_DATA_SET, 32, 0, "PARENT_DATA_SET", enc_pds, dec_pds },
	{ MID_TIME_PROPERTIES_DATA_SET, 4, 0, "TIME_PROPERTIES_DATA_SET", enc_tpds, dec_tpds },
	{ MID_PORT_DATA_SET, 26, 0, "PORT_DATA_SET", enc_port, dec_port },
	{ MID_PRIORITY1, 2, 1, "PRIORITY1", enc_u8, dec_u8 },
	{ MID_PRIORITY2, 2, 1, "PRIORITY2", enc_u8, dec_u8 },
	{ MID_DOMAIN, 2, 1, "DOMAIN", enc_u8, dec_u8 },
	{ MID_LOG_ANNOUNCE_INTERVAL, 2, 1, "LOG_ANNOUNCE_INTERVAL", enc_u8, dec_u8 },
	{ MID_ANNOUNCE_RECEIPT_TIMEOUT, 2, 1, "ANNOUNCE_RECEIPT_TIMEOUT", enc_u8, dec_u8 },
	{ MID_LOG_SYNC_INTERVAL, 2, 1, "LOG_SYNC_INTERVAL", enc_u8, dec_u8 },
	{ MID_VERSION_NUMBER, 2, 1, "VERSION_NUMBER", enc_u8, dec_u8 },
	{ MID_UNICAST_NEGOTIATION_ENABLE, 2, 1, "UNICAST_NEGOTIATION_ENABLE", enc_u8, dec_u8 },
	{ MID_UNICAST_MASTER_MAX_TABLE_SIZE, 2, 0, "UNICAST_MASTER_MAX_TABLE_SIZE", enc_u16,
	  dec_u16 },
	{ MID_TIME_STATUS_NP, 50, 0, "TIME_STATUS_NP", enc_tsn, dec_tsn },
};

static int cmp_id(const void *key, const void *row)
{
	return (int)*(const uint16_t *)key - (int)((const struct mgmt_desc *)row)->id;
}

static const struct mgmt_desc *find(uint16_t id)
{
	return bsearch(&id, table, sizeof(table) / sizeof(table[0]), sizeof(table[0]), cmp_id);
}

const char *mgmt_id_str(uint16_t id)
{
	const struct mgmt_desc *d = find(id);
	return d ? d->name : NULL;
}

int mgmt_id_from_str(const char *name)
{
	size_t i;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!strcmp(table[i].name, name)) {
			return table[i].id;
		}
	}
	return -1;
}

int mgmt_settable(uint16_t id)
{
	const struct mgmt_desc *d = find(id);
	return d && d->settable;
}

int mgmt_decode(uint16_t id, const uint8_t *data, size_t len, struct mgmt_value *v)
{
	const struct mgmt_desc *d = find(id);
	memset(v, 0, sizeof(*v));
	if (!d) {
		return -ENOENT;
	}
	if (len != d->len) {
		return -EBADMSG;
	}
	v->id = id;
	d->decode(data, v);
	return 0;
}

int mgmt_encode(const struct mgmt_value *v, uint8_t *out, size_t room)
{
	const struct mgmt_desc *d = find(v->id);
	if (!d) {
		return -ENOENT;
	}
	if (room < d->len) {
		return -EMSGSIZE;
	}
	memset(out, 0, d->len);
	d->encode(v, out);
	return d->len;
}
