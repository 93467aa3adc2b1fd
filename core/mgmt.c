/* SPDX-License-Identifier: BSD-2-Clause */
/* Management dataFields, IEEE 1588-2019 15.5.3; see mgmt.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt.h"
#include "util.h"
#include "netaddr.h"
#include "tlv.h"
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

/* ---- variable-length dataFields ---- */

/* Cursor over a dataField: every get/put checks the room left. */
struct cur {
	uint8_t *w;	    /* encode */
	const uint8_t *r;   /* decode */
	size_t len, off;
	int bad;
};

static int need(struct cur *c, size_t n)
{
	if (c->bad || c->off + n > c->len) {
		c->bad = 1;
		return 0;
	}
	return 1;
}

static void w_bytes(struct cur *c, const void *p, size_t n)
{
	if (need(c, n)) {
		memcpy(c->w + c->off, p, n);
		c->off += n;
	}
}

static void w_u8(struct cur *c, uint8_t v)
{
	w_bytes(c, &v, 1);
}

static void w_u16(struct cur *c, uint16_t v)
{
	uint8_t b[2];
	put_be16(b, v);
	w_bytes(c, b, 2);
}

static void r_bytes(struct cur *c, void *p, size_t n)
{
	if (need(c, n)) {
		memcpy(p, c->r + c->off, n);
		c->off += n;
	} else {
		memset(p, 0, n);
	}
}

static uint8_t r_u8(struct cur *c)
{
	uint8_t v;
	r_bytes(c, &v, 1);
	return v;
}

static uint16_t r_u16(struct cur *c)
{
	uint8_t b[2];
	r_bytes(c, b, 2);
	return get_be16(b);
}

/* 5.3.9 PTPText: lengthField + octets */
static void w_text(struct cur *c, const char *s)
{
	size_t n = strnlen(s, MGMT_TEXT_MAX - 1);
	w_u8(c, (uint8_t)n);
	w_bytes(c, s, n);
}

static void r_text(struct cur *c, char *s)
{
	size_t n = r_u8(c);
	if (n >= MGMT_TEXT_MAX) { /* keep what fits, skip the rest */
		r_bytes(c, s, MGMT_TEXT_MAX - 1);
		s[MGMT_TEXT_MAX - 1] = 0;
		if (need(c, n - (MGMT_TEXT_MAX - 1))) {
			c->off += n - (MGMT_TEXT_MAX - 1);
		}
		return;
	}
	r_bytes(c, s, n);
	s[n] = 0;
}

/* 5.3.6 PortAddress */
static void w_paddr(struct cur *c, const struct port_address *a)
{
	size_t n = a->addressLength > 16 ? 16 : a->addressLength;
	w_u16(c, a->networkProtocol);
	w_u16(c, (uint16_t)n);
	w_bytes(c, a->address, n);
}

static void r_paddr(struct cur *c, struct port_address *a)
{
	a->networkProtocol = r_u16(c);
	a->addressLength = r_u16(c);
	if (a->addressLength > 16) {
		c->bad = 1;
		return;
	}
	r_bytes(c, a->address, a->addressLength);
}

static void w_pid(struct cur *c, const struct port_identity *pid)
{
	w_bytes(c, pid->clockIdentity.id, 8);
	w_u16(c, pid->portNumber);
}

static void r_pid(struct cur *c, struct port_identity *pid)
{
	r_bytes(c, pid->clockIdentity.id, 8);
	pid->portNumber = r_u16(c);
}

/* 15.5.3.1.2 CLOCK_DESCRIPTION */
static void venc_cd(const struct mgmt_value *v, struct cur *c)
{
	const struct clock_description *d = &v->u.cd;
	uint16_t pl = d->physicalAddressLength > 16 ? 16 : d->physicalAddressLength;
	w_u16(c, d->clockType);
	w_text(c, d->physicalLayerProtocol);
	w_u16(c, pl);
	w_bytes(c, d->physicalAddress, pl);
	w_paddr(c, &d->protocolAddress);
	w_bytes(c, d->manufacturerIdentity, 3);
	w_u8(c, 0); /* reserved */
	w_text(c, d->productDescription);
	w_text(c, d->revisionData);
	w_text(c, d->userDescription);
	w_bytes(c, d->profileIdentity, 6);
}

static void vdec_cd(struct cur *c, struct mgmt_value *v)
{
	struct clock_description *d = &v->u.cd;
	d->clockType = r_u16(c);
	r_text(c, d->physicalLayerProtocol);
	d->physicalAddressLength = r_u16(c);
	if (d->physicalAddressLength > 16) {
		c->bad = 1;
		return;
	}
	r_bytes(c, d->physicalAddress, d->physicalAddressLength);
	r_paddr(c, &d->protocolAddress);
	r_bytes(c, d->manufacturerIdentity, 3);
	(void)r_u8(c);
	r_text(c, d->productDescription);
	r_text(c, d->revisionData);
	r_text(c, d->userDescription);
	r_bytes(c, d->profileIdentity, 6);
}

/* 15.5.3.3.2 USER_DESCRIPTION */
static void venc_ud(const struct mgmt_value *v, struct cur *c)
{
	w_text(c, v->u.text);
}

static void vdec_ud(struct cur *c, struct mgmt_value *v)
{
	r_text(c, v->u.text);
}

/* 1588-2019 15.5.3.7.19 UNICAST_MASTER_TABLE */
static void venc_umt(const struct mgmt_value *v, struct cur *c)
{
	const struct unicast_master_table *t = &v->u.umt;
	uint16_t i, n = t->actualTableSize > MGMT_MAX_ENTRIES ? MGMT_MAX_ENTRIES
							    : t->actualTableSize;
	w_u8(c, (uint8_t)t->logQueryInterval);
	w_u16(c, n);
	for (i = 0; i < n; i++) {
		w_paddr(c, &t->addr[i]);
	}
}

static void vdec_umt(struct cur *c, struct mgmt_value *v)
{
	struct unicast_master_table *t = &v->u.umt;
	uint16_t i;
	t->logQueryInterval = (int8_t)r_u8(c);
	t->actualTableSize = r_u16(c);
	if (t->actualTableSize > MGMT_MAX_ENTRIES) {
		c->bad = 1;
		return;
	}
	for (i = 0; i < t->actualTableSize; i++) {
		r_paddr(c, &t->addr[i]);
	}
}

/* linuxptp PORT_STATS_NP: portIdentity, then 16 + 16 uint64 counters in
 * the sender's byte order (see mgmt.h): little-endian here */
static void venc_stats(const struct mgmt_value *v, struct cur *c)
{
	int i, k;
	w_pid(c, &v->u.stats.portIdentity);
	for (i = 0; i < 32; i++) {
		uint64_t x = i < 16 ? v->u.stats.rxMsgType[i] : v->u.stats.txMsgType[i - 16];
		uint8_t b[8];
		for (k = 0; k < 8; k++) {
			b[k] = (uint8_t)(x >> (8 * k));
		}
		w_bytes(c, b, 8);
	}
}

static void vdec_stats(struct cur *c, struct mgmt_value *v)
{
	int i, k;
	r_pid(c, &v->u.stats.portIdentity);
	for (i = 0; i < 32; i++) {
		uint8_t b[8];
		uint64_t x = 0;
		r_bytes(c, b, 8);
		for (k = 7; k >= 0; k--) {
			x = x << 8 | b[k];
		}
		if (i < 16) {
			v->u.stats.rxMsgType[i] = x;
		} else {
			v->u.stats.txMsgType[i - 16] = x;
		}
	}
}

/* linuxptp UNICAST_MASTER_TABLE_NP: actual_table_size, then per entry
 * portIdentity, clockQuality, selected, portState, priority1, priority2,
 * PortAddress */
static void venc_umtnp(const struct mgmt_value *v, struct cur *c)
{
	const struct unicast_master_table_np *t = &v->u.umtnp;
	uint16_t i, n = t->actualTableSize > MGMT_MAX_ENTRIES ? MGMT_MAX_ENTRIES
							    : t->actualTableSize;
	w_u16(c, n);
	for (i = 0; i < n; i++) {
		const struct unicast_master_entry *e = &t->entry[i];
		uint8_t q[4];
		w_pid(c, &e->portIdentity);
		put_cq(q, &e->clockQuality);
		w_bytes(c, q, 4);
		w_u8(c, e->selected);
		w_u8(c, e->unicastState);
		w_u8(c, e->priority1);
		w_u8(c, e->priority2);
		w_paddr(c, &e->address);
	}
}

static void vdec_umtnp(struct cur *c, struct mgmt_value *v)
{
	struct unicast_master_table_np *t = &v->u.umtnp;
	uint16_t i;
	t->actualTableSize = r_u16(c);
	if (t->actualTableSize > MGMT_MAX_ENTRIES) {
		c->bad = 1;
		return;
	}
	for (i = 0; i < t->actualTableSize; i++) {
		struct unicast_master_entry *e = &t->entry[i];
		uint8_t q[4];
		r_pid(c, &e->portIdentity);
		r_bytes(c, q, 4);
		get_cq(q, &e->clockQuality);
		e->selected = r_u8(c);
		e->unicastState = r_u8(c);
		e->priority1 = r_u8(c);
		e->priority2 = r_u8(c);
		r_paddr(c, &e->address);
	}
}

const char *const mgmt_refusal_names[MGMT_REFUSALS] = {
	"rx_malformed",	      "rx_other_domain",  "rx_unknown_source", "mgmt_malformed",
	"mgmt_rate_limited",  "mgmt_set_refused", "unexpected_grant",  "refused_grant",
	"wrong_sender",	      "acl_rejected",	  "budget_denied",     "table_full_denied",
	"cancels_ignored",    "identity_denied",  "auth_missing",      "auth_bad_icv",
	"auth_unknown_key",   "auth_replay",	  "utc_offset_held", "dreq_excess",
};

/* ptpbox's counter TLVs: portIdentity, then n 64-bit counters in network
 * order (the unsigned and signed ones alike) */
static void w_counters(struct cur *c, const struct port_identity *pid, const uint64_t *x, int n)
{
	int i, k;
	w_pid(c, pid);
	for (i = 0; i < n; i++) {
		uint8_t b[8];
		for (k = 0; k < 8; k++) {
			b[k] = (uint8_t)(x[i] >> (56 - 8 * k));
		}
		w_bytes(c, b, 8);
	}
}

static void r_counters(struct cur *c, struct port_identity *pid, uint64_t *x, int n)
{
	int i, k;
	r_pid(c, pid);
	for (i = 0; i < n; i++) {
		uint8_t b[8];
		x[i] = 0;
		r_bytes(c, b, 8);
		for (k = 0; k < 8; k++) {
			x[i] = x[i] << 8 | b[k];
		}
	}
}

/* ptpbox PORT_REFUSALS_NP */
static void venc_refusals(const struct mgmt_value *v, struct cur *c)
{
	w_counters(c, &v->u.refusals.portIdentity, v->u.refusals.count, MGMT_REFUSALS);
}

static void vdec_refusals(struct cur *c, struct mgmt_value *v)
{
	r_counters(c, &v->u.refusals.portIdentity, v->u.refusals.count, MGMT_REFUSALS);
}

const char *const mgmt_tc_stat_names[MGMT_TC_STATS] = {
	"rx_frames",	     "tx_frames",	  "corrected",	       "rx_malformed",
	"tx_err",	     "tx_ts_missing",	  "dropped_unmatched", "dropped_late",
	"residence_invalid", "residence_n",	     "residence_mean_ns", "residence_max_ns",  "writeahead_n",
	"writeahead_mean_ns", "writeahead_max_ns", "auth_dropped",
};

/* ptpbox TC_PORT_STATS_NP (Integer64: two's complement on the wire) */
static void venc_tcstats(const struct mgmt_value *v, struct cur *c)
{
	uint64_t x[MGMT_TC_STATS];
	int i;
	for (i = 0; i < MGMT_TC_STATS; i++) {
		x[i] = (uint64_t)v->u.tcstats.count[i];
	}
	w_counters(c, &v->u.tcstats.portIdentity, x, MGMT_TC_STATS);
}

static void vdec_tcstats(struct cur *c, struct mgmt_value *v)
{
	uint64_t x[MGMT_TC_STATS];
	int i;
	r_counters(c, &v->u.tcstats.portIdentity, x, MGMT_TC_STATS);
	for (i = 0; i < MGMT_TC_STATS; i++) {
		v->u.tcstats.count[i] = (int64_t)x[i];
	}
}

const char *const mgmt_servo_names[MGMT_SERVO_FIELDS] = {
	"wander_ppb_sqrt_s", "wander_estimate_ppb_sqrt_s", "window_seconds", "delay_spread_ns",
	"delay_shape", "predicted_error_ns", "estimator",
};

/* ptpbox SERVO_STATE_NP: MGMT_SERVO_FIELDS Integer64 */
static void enc_servo(const struct mgmt_value *v, uint8_t *p)
{
	int i;
	for (i = 0; i < MGMT_SERVO_FIELDS; i++) {
		put_be64(p + 8 * i, (uint64_t)v->u.servo.v[i]);
	}
}

static void dec_servo(const uint8_t *p, struct mgmt_value *v)
{
	int i;
	for (i = 0; i < MGMT_SERVO_FIELDS; i++) {
		v->u.servo.v[i] = (int64_t)get_be64(p + 8 * i);
	}
}

/* 1588-2008 15.5.3.9.1 TRANSPARENT_CLOCK_DEFAULT_DATA_SET: clockIdentity,
 * numberPorts, delayMechanism, primaryDomain */
static void enc_tcds(const struct mgmt_value *v, uint8_t *p)
{
	memcpy(p, v->u.tcds.clockIdentity.id, 8);
	put_be16(p + 8, v->u.tcds.numberPorts);
	p[10] = v->u.tcds.delayMechanism;
	p[11] = v->u.tcds.primaryDomain;
}

static void dec_tcds(const uint8_t *p, struct mgmt_value *v)
{
	memcpy(v->u.tcds.clockIdentity.id, p, 8);
	v->u.tcds.numberPorts = get_be16(p + 8);
	v->u.tcds.delayMechanism = p[10];
	v->u.tcds.primaryDomain = p[11];
}

/* 1588-2008 15.5.3.9.2 TRANSPARENT_CLOCK_PORT_DATA_SET: portIdentity,
 * flags (bit 0 faultyFlag), logMinPdelayReqInterval, peerMeanPathDelay */
static void enc_tcport(const struct mgmt_value *v, uint8_t *p)
{
	put_pid(p, &v->u.tcport.portIdentity);
	p[10] = v->u.tcport.faultyFlag & 1;
	p[11] = (uint8_t)v->u.tcport.logMinPdelayReqInterval;
	put_be64(p + 12, (uint64_t)v->u.tcport.peerMeanPathDelay);
}

static void dec_tcport(const uint8_t *p, struct mgmt_value *v)
{
	get_pid(p, &v->u.tcport.portIdentity);
	v->u.tcport.faultyFlag = p[10] & 1;
	v->u.tcport.logMinPdelayReqInterval = (int8_t)p[11];
	v->u.tcport.peerMeanPathDelay = (int64_t)get_be64(p + 12);
}

/* ptpbox UNICAST_MASTER_LOCKOUT_NP: count, PortAddresses */
static void venc_lockout(const struct mgmt_value *v, struct cur *c)
{
	uint16_t i, n = v->u.lockout.count > MGMT_MAX_LOCKOUT ? MGMT_MAX_LOCKOUT
							      : v->u.lockout.count;
	w_u16(c, n);
	for (i = 0; i < n; i++) {
		w_paddr(c, &v->u.lockout.addr[i]);
	}
}

static void vdec_lockout(struct cur *c, struct mgmt_value *v)
{
	uint16_t i;
	v->u.lockout.count = r_u16(c);
	if (v->u.lockout.count > MGMT_MAX_LOCKOUT) {
		c->bad = 1;
		return;
	}
	for (i = 0; i < v->u.lockout.count; i++) {
		r_paddr(c, &v->u.lockout.addr[i]);
	}
}

/* linuxptp PORT_DATA_SET_NP, 8 octets */
static void enc_pdsnp(const struct mgmt_value *v, uint8_t *p)
{
	put_be32(p, v->u.pdsnp.neighborPropDelayThresh);
	put_be32(p + 4, (uint32_t)v->u.pdsnp.asCapable);
}

static void dec_pdsnp(const uint8_t *p, struct mgmt_value *v)
{
	v->u.pdsnp.neighborPropDelayThresh = get_be32(p);
	v->u.pdsnp.asCapable = (int32_t)get_be32(p + 4);
}

#define VAR 0xffff
#define A_GET 1
#define A_SET 2
#define A_CMD 4

struct mgmt_desc {
	uint16_t id;
	uint16_t len; /* dataField octets, or VAR */
	uint8_t actions; /* A_* allowed (15.5.2.3 Table 59) */
	uint8_t port;	 /* 1: port-level */
	const char *name;
	void (*encode)(const struct mgmt_value *v, uint8_t *p);
	void (*decode)(const uint8_t *p, struct mgmt_value *v);
	void (*vencode)(const struct mgmt_value *v, struct cur *c);
	void (*vdecode)(struct cur *c, struct mgmt_value *v);
};

#define FIX(id, len, act, port, enc, dec) { id, len, act, port, &(#id)[4], enc, dec, NULL, NULL }
#define VARF(id, act, port, enc, dec) { id, VAR, act, port, &(#id)[4], NULL, NULL, enc, dec }
#define GS (A_GET | A_SET)

/* sorted by id */
static const struct mgmt_desc table[] = {
	FIX(MID_NULL_MANAGEMENT, 0, A_GET | A_SET | A_CMD, 1, enc_none, dec_none),
	VARF(MID_CLOCK_DESCRIPTION, A_GET, 1, venc_cd, vdec_cd),
	VARF(MID_USER_DESCRIPTION, GS, 0, venc_ud, vdec_ud),
	FIX(MID_DEFAULT_DATA_SET, 20, A_GET, 0, enc_dds, dec_dds),
	FIX(MID_CURRENT_DATA_SET, 18, A_GET, 0, enc_cds, dec_cds),
	FIX(MID_PARENT_DATA_SET, 32, A_GET, 0, enc_pds, dec_pds),
	FIX(MID_TIME_PROPERTIES_DATA_SET, 4, A_GET, 0, enc_tpds, dec_tpds),
	FIX(MID_PORT_DATA_SET, 26, A_GET, 1, enc_port, dec_port),
	FIX(MID_PRIORITY1, 2, GS, 0, enc_u8, dec_u8),
	FIX(MID_PRIORITY2, 2, GS, 0, enc_u8, dec_u8),
	FIX(MID_DOMAIN, 2, GS, 0, enc_u8, dec_u8),
	FIX(MID_SLAVE_ONLY, 2, GS, 0, enc_u8, dec_u8),
	FIX(MID_LOG_ANNOUNCE_INTERVAL, 2, GS, 1, enc_u8, dec_u8),
	FIX(MID_ANNOUNCE_RECEIPT_TIMEOUT, 2, GS, 1, enc_u8, dec_u8),
	FIX(MID_LOG_SYNC_INTERVAL, 2, GS, 1, enc_u8, dec_u8),
	FIX(MID_VERSION_NUMBER, 2, GS, 1, enc_u8, dec_u8),
	FIX(MID_UNICAST_NEGOTIATION_ENABLE, 2, GS, 1, enc_u8, dec_u8),
	VARF(MID_UNICAST_MASTER_TABLE, GS, 1, venc_umt, vdec_umt),
	FIX(MID_UNICAST_MASTER_MAX_TABLE_SIZE, 2, A_GET, 1, enc_u16, dec_u16),
	FIX(MID_MASTER_ONLY, 2, GS, 1, enc_u8, dec_u8),
	FIX(MID_TRANSPARENT_CLOCK_DEFAULT_DATA_SET, 12, A_GET, 0, enc_tcds, dec_tcds),
	FIX(MID_TRANSPARENT_CLOCK_PORT_DATA_SET, 20, A_GET, 1, enc_tcport, dec_tcport),
	FIX(MID_TIME_STATUS_NP, 50, A_GET, 0, enc_tsn, dec_tsn),
	FIX(MID_PORT_DATA_SET_NP, 8, A_GET, 1, enc_pdsnp, dec_pdsnp),
	VARF(MID_PORT_STATS_NP, A_GET, 1, venc_stats, vdec_stats),
	VARF(MID_UNICAST_MASTER_TABLE_NP, A_GET, 1, venc_umtnp, vdec_umtnp),
	VARF(MID_UNICAST_MASTER_LOCKOUT_NP, GS, 1, venc_lockout, vdec_lockout),
	VARF(MID_PORT_REFUSALS_NP, A_GET, 1, venc_refusals, vdec_refusals),
	VARF(MID_TC_PORT_STATS_NP, A_GET, 1, venc_tcstats, vdec_tcstats),
	FIX(MID_SERVO_STATE_NP, 8 * MGMT_SERVO_FIELDS, A_GET, 0, enc_servo, dec_servo),
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

void mgmt_for_each(void (*fn)(uint16_t id, const char *name, void *arg), void *arg)
{
	size_t i;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		fn(table[i].id, table[i].name, arg);
	}
}

int mgmt_settable(uint16_t id)
{
	const struct mgmt_desc *d = find(id);
	return d && (d->actions & A_SET);
}

int mgmt_port_level(uint16_t id)
{
	const struct mgmt_desc *d = find(id);
	return d && d->port;
}

const char *mgmt_error_str(uint16_t err)
{
	switch (err) {
	case MERR_RESPONSE_TOO_BIG:
		return "RESPONSE_TOO_BIG";
	case MERR_NO_SUCH_ID:
		return "NO_SUCH_ID";
	case MERR_WRONG_LENGTH:
		return "WRONG_LENGTH";
	case MERR_WRONG_VALUE:
		return "WRONG_VALUE";
	case MERR_NOT_SETABLE:
		return "NOT_SETABLE";
	case MERR_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case MERR_GENERAL_ERROR:
		return "GENERAL_ERROR";
	}
	return "UNKNOWN";
}

const char *mgmt_action_str(int action)
{
	static const char *const s[] = { "GET", "SET", "RESPONSE", "COMMAND", "ACKNOWLEDGE" };
	return action >= 0 && action <= 4 ? s[action] : "UNKNOWN";
}

int mgmt_decode(uint16_t id, const uint8_t *data, size_t len, struct mgmt_value *v)
{
	const struct mgmt_desc *d = find(id);
	memset(v, 0, sizeof(*v));
	if (!d) {
		return -ENOENT;
	}
	v->id = id;
	if (d->len != VAR) {
		if (len != d->len) {
			return -EBADMSG;
		}
		d->decode(data, v);
		return 0;
	} else {
		struct cur c = { .r = data, .len = len };
		d->vdecode(&c, v);
		/* all announced octets present; at most one pad octet left */
		if (c.bad || len - c.off > 1) {
			return -EBADMSG;
		}
		return 0;
	}
}

int mgmt_encode(const struct mgmt_value *v, uint8_t *out, size_t room)
{
	const struct mgmt_desc *d = find(v->id);
	if (!d) {
		return -ENOENT;
	}
	if (d->len != VAR) {
		if (room < d->len) {
			return -EMSGSIZE;
		}
		memset(out, 0, d->len);
		d->encode(v, out);
		return d->len;
	} else {
		struct cur c = { .w = out, .len = room };
		d->vencode(v, &c);
		if (c.bad) {
			return -EMSGSIZE;
		}
		if (c.off & 1) { /* 5.3.8 / 15.5.3: even length, pad octet 0 */
			w_u8(&c, 0);
			if (c.bad) {
				return -EMSGSIZE;
			}
		}
		return (int)c.off;
	}
}

const char *port_address_str(const struct port_address *a, char *buf, size_t len)
{
	if (a->networkProtocol == 1 && a->addressLength == 4) {
		inet_ntop(AF_INET, a->address, buf, (socklen_t)len);
	} else if (a->networkProtocol == 2 && a->addressLength == 16) {
		inet_ntop(AF_INET6, a->address, buf, (socklen_t)len);
	} else {
		size_t i, o = 0;
		buf[0] = 0;
		for (i = 0; i < a->addressLength && o + 4 <= len; i++) {
			o += (size_t)snprintf(buf + o, len - o, i ? ":%02x" : "%02x", a->address[i]);
		}
	}
	return buf;
}

int port_address_parse(const char *s, struct port_address *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET6, s, a->address) == 1) {
		a->networkProtocol = 2;
		a->addressLength = 16;
		return 0;
	}
	if (inet_pton(AF_INET, s, a->address) == 1) {
		a->networkProtocol = 1;
		a->addressLength = 4;
		return 0;
	}
	if (hex_pattern(s, "hh:hh:hh:hh:hh:hh", a->address) == 6) {
		a->networkProtocol = 3;
		a->addressLength = 6;
		return 0;
	}
	return -EINVAL;
}

int mgmt_parse(const struct ptp_msg *m, struct mgmt_req *r)
{
	const struct tlv *t = &m->tlv[0];
	memset(r, 0, sizeof(*r));
	if (m->hdr.messageType != MANAGEMENT || m->n_tlv != 1 || !t->value) {
		return -EBADMSG;
	}
	r->action = m->body.management.actionField;
	r->tlvType = t->tlvType;
	if (t->tlvType == TLV_MANAGEMENT && t->lengthField >= 2) {
		r->id = get_be16(t->value);
		r->data = t->value + 2;
		r->len = t->lengthField - 2u;
		return 0;
	}
	if (t->tlvType == TLV_MANAGEMENT_ERROR_STATUS && t->lengthField >= 8) {
		/* 15.5.4: managementErrorId, managementId, reserved 4, displayData */
		r->errorId = get_be16(t->value);
		r->id = get_be16(t->value + 2);
		r->data = t->value + 8;
		r->len = t->lengthField - 8u;
		return 0;
	}
	return -EBADMSG;
}

/* 15.5.4 MANAGEMENT_ERROR_STATUS value with an optional displayData */
static size_t error_tlv(uint8_t *buf, uint16_t err, uint16_t id, const char *text)
{
	size_t n = 8, tl = text ? strlen(text) : 0;
	put_be16(buf, err);
	put_be16(buf + 2, id);
	memset(buf + 4, 0, 4);
	if (tl) {
		if (tl > 64) {
			tl = 64;
		}
		buf[8] = (uint8_t)tl;
		memcpy(buf + 9, text, tl);
		n = 9 + tl;
		if (n & 1) {
			buf[n++] = 0;
		}
	}
	return n;
}

int mgmt_answer(const struct mgmt_self *self, const struct mgmt_ops *ops, const struct ptp_msg *m,
		int remote, struct ptp_msg *resp, uint8_t *buf, size_t room)
{
	static const struct clock_identity all = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						     0xff } };
	const struct port_identity *tgt = &m->body.management.targetPortIdentity;
	const struct mgmt_desc *d;
	struct mgmt_req r;
	struct mgmt_value v;
	uint16_t err = 0;
	const char *why = NULL;
	int port_level, action, n;
	struct tlv *t;

	if (mgmt_parse(m, &r) || r.tlvType != TLV_MANAGEMENT ||
	    (r.action != MGMT_GET && r.action != MGMT_SET && r.action != MGMT_COMMAND)) {
		return 0;
	}
	if (clock_id_cmp(&tgt->clockIdentity, &all) &&
	    clock_id_cmp(&tgt->clockIdentity, &self->clockIdentity)) {
		return 0; /* 15.3.1: not for this clock */
	}
	d = find(r.id);
	port_level = d ? d->port : 0;
	if (tgt->portNumber != 0xffff &&
	    tgt->portNumber != (port_level ? self->portNumber : 0)) {
		return 0;
	}

	msg_init(resp, MANAGEMENT);
	resp->hdr.flagField = FLAG_UNICAST; /* to the requester alone (OCP 7.13, G.8265.1 A.6) */
	resp->hdr.domainNumber = m->hdr.domainNumber;
	resp->hdr.sequenceId = m->hdr.sequenceId;
	resp->hdr.sourcePortIdentity.clockIdentity = self->clockIdentity;
	resp->hdr.sourcePortIdentity.portNumber = port_level ? self->portNumber : 0;
	resp->hdr.logMessageInterval = 0x7f;
	resp->body.management.targetPortIdentity = m->hdr.sourcePortIdentity;
	resp->body.management.startingBoundaryHops =
		(uint8_t)(m->body.management.startingBoundaryHops - m->body.management.boundaryHops);
	resp->body.management.boundaryHops = resp->body.management.startingBoundaryHops;
	action = r.action == MGMT_COMMAND ? MGMT_ACKNOWLEDGE : MGMT_RESPONSE;
	resp->body.management.actionField = (uint8_t)action;

	if (!d) {
		err = MERR_NO_SUCH_ID;
	} else if (!(d->actions & (r.action == MGMT_GET ? A_GET
				   : r.action == MGMT_SET ? A_SET : A_CMD))) {
		err = MERR_NOT_SUPPORTED;
	} else if (r.action != MGMT_GET && !self->allow_set) {
		err = MERR_NOT_SUPPORTED;
		why = "SET only locally or from mgmt_acl";
	} else if (r.action == MGMT_SET) {
		int e = mgmt_decode(r.id, r.data, r.len, &v);
		if (e) {
			err = MERR_WRONG_LENGTH;
		} else {
			e = ops->set ? ops->set(ops->ctx, &v, remote) : -MERR_NOT_SUPPORTED;
			err = (uint16_t)-e;
		}
	}
	if (!err && r.id != MID_NULL_MANAGEMENT) {
		/* GET, or the value now in force after a SET (15.3.2) */
		int e;
		memset(&v, 0, sizeof(v));
		v.id = r.id;
		e = ops->get ? ops->get(ops->ctx, &v) : -MERR_NOT_SUPPORTED;
		err = (uint16_t)-e;
	}

	t = msg_add_tlv(resp, err ? TLV_MANAGEMENT_ERROR_STATUS : TLV_MANAGEMENT);
	if (err) {
		t->lengthField = (uint16_t)error_tlv(buf, err, r.id, why);
	} else {
		put_be16(buf, r.id);
		n = 0;
		if (r.id != MID_NULL_MANAGEMENT) {
			v.id = r.id;
			/* what one message holds, not buf: a longer answer
			 * could not be sent (RESPONSE_TOO_BIG instead) */
			n = mgmt_encode(&v, buf + 2, room - 2 < MGMT_DATA_MAX ? room - 2 : MGMT_DATA_MAX);
		}
		if (n < 0) {
			t->tlvType = TLV_MANAGEMENT_ERROR_STATUS;
			t->lengthField = (uint16_t)error_tlv(buf, MERR_RESPONSE_TOO_BIG, r.id, NULL);
		} else {
			t->lengthField = (uint16_t)(2 + n);
		}
	}
	t->value = buf;
	return 1;
}

void mgmt_port_address(const struct net_addr *a, struct port_address *pa)
{
	const uint8_t *b;
	int n = net_addr_bytes(a, &b);
	memset(pa, 0, sizeof(*pa));
	pa->networkProtocol = n == 16 ? 2 : 1;
	pa->addressLength = (uint16_t)n;
	memcpy(pa->address, b, (size_t)n);
}
