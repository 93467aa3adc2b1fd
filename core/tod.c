/* SPDX-License-Identifier: BSD-2-Clause */
/* G.8271 Annex A.1.3 time-of-day messages: see tod.h. */
#include "tod.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* A.1.3.2: G(x) = x^8 + x^5 + x^4 + 1 = 0x31; octets go out least
 * significant bit first, so the register runs reflected (0x8C); the 0xFC
 * prefix of step (b) equals an initial value of 0xFF (NOTE). */
uint8_t tod_crc8(const uint8_t *p, size_t n)
{
	uint8_t c = 0xFF;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (b = 0; b < 8; b++) {
			c = (c & 1) ? (uint8_t)((c >> 1) ^ 0x8C) : (uint8_t)(c >> 1);
		}
	}
	return c;
}

int tod_frame(uint8_t *out, size_t outlen, uint8_t cls, uint8_t id, const uint8_t *payload,
	      size_t n)
{
	if (n > TOD_MAX_PAYLOAD) {
		return -EMSGSIZE;
	}
	if (outlen < n + TOD_OVERHEAD) {
		return -ENOSPC;
	}
	out[0] = TOD_SYNC1;
	out[1] = TOD_SYNC2;
	out[2] = cls;
	out[3] = id;
	out[4] = (uint8_t)(n >> 8);
	out[5] = (uint8_t)n;
	if (n) {
		memcpy(out + 6, payload, n);
	}
	out[6 + n] = tod_crc8(out + 2, 4 + n);
	return (int)(n + TOD_OVERHEAD);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Table A.3 */
int tod_encode_time_event(uint8_t *out, size_t outlen, const struct tod_time_event *m)
{
	uint8_t p[TOD_LEN_TIME_EVENT];
	int i;

	if (m->seconds >> 48) {
		return -ERANGE;
	}
	memset(p, 0, sizeof(p));
	for (i = 0; i < 6; i++) {
		p[i] = (uint8_t)(m->seconds >> (8 * (5 - i)));
	}
	p[7] = m->flags;
	put16(p + 8, (uint16_t)m->current_utc_offset);
	return tod_frame(out, outlen, TOD_CLASS, TOD_ID_TIME_EVENT, p, sizeof(p));
}

int tod_decode_time_event(const uint8_t *p, size_t n, struct tod_time_event *m)
{
	int i;

	if (n != TOD_LEN_TIME_EVENT) {
		return -EBADMSG;
	}
	m->seconds = 0;
	for (i = 0; i < 6; i++) {
		m->seconds = m->seconds << 8 | p[i];
	}
	m->flags = p[7];
	m->current_utc_offset = (int16_t)get16(p + 8);
	return 0;
}

/* Table A.5 */
int tod_encode_time_announce(uint8_t *out, size_t outlen, const struct tod_time_announce *m)
{
	uint8_t p[TOD_LEN_TIME_ANNOUNCE];

	memset(p, 0, sizeof(p));
	p[0] = m->version_ptp;
	p[1] = m->domain_number;
	put16(p + 2, m->flag_field);
	memcpy(p + 4, m->clock_identity, 8);
	put16(p + 12, m->port_number);
	p[14] = m->gm_priority1;
	p[15] = m->gm_priority2;
	p[16] = m->gm_clock_class;
	p[17] = m->gm_clock_accuracy;
	put16(p + 18, m->gm_offset_scaled_log_variance);
	memcpy(p + 20, m->gm_identity, 8);
	put16(p + 28, m->steps_removed);
	p[30] = m->time_source;
	return tod_frame(out, outlen, TOD_CLASS, TOD_ID_TIME_ANNOUNCE, p, sizeof(p));
}

int tod_decode_time_announce(const uint8_t *p, size_t n, struct tod_time_announce *m)
{
	if (n != TOD_LEN_TIME_ANNOUNCE) {
		return -EBADMSG;
	}
	m->version_ptp = p[0];
	m->domain_number = p[1];
	m->flag_field = get16(p + 2);
	memcpy(m->clock_identity, p + 4, 8);
	m->port_number = get16(p + 12);
	m->gm_priority1 = p[14];
	m->gm_priority2 = p[15];
	m->gm_clock_class = p[16];
	m->gm_clock_accuracy = p[17];
	m->gm_offset_scaled_log_variance = get16(p + 18);
	memcpy(m->gm_identity, p + 20, 8);
	m->steps_removed = get16(p + 28);
	m->time_source = p[30];
	return 0;
}

/* Table A.7 */
int tod_encode_gnss_status(uint8_t *out, size_t outlen, const struct tod_gnss_status *m)
{
	uint8_t p[TOD_LEN_GNSS_STATUS];

	memset(p, 0, sizeof(p));
	p[0] = m->source_type;
	p[1] = m->fix;
	put16(p + 2, m->alarms);
	return tod_frame(out, outlen, TOD_CLASS, TOD_ID_GNSS_STATUS, p, sizeof(p));
}

int tod_decode_gnss_status(const uint8_t *p, size_t n, struct tod_gnss_status *m)
{
	if (n != TOD_LEN_GNSS_STATUS) {
		return -EBADMSG;
	}
	m->source_type = p[0];
	m->fix = p[1];
	m->alarms = get16(p + 2);
	return 0;
}

int tod_gnss_usable(const struct tod_gnss_status *st)
{
	switch (st->fix) {
	case TOD_FIX_3D:
	case TOD_FIX_GNSS_DR:
	case TOD_FIX_TIME_ONLY:
	case TOD_FIX_SBAS:
	case TOD_FIX_GBAS:
		return !(st->alarms & TOD_ALARM_NOT_TRACKING);
	default:
		return 0;
	}
}

static void drop(struct tod_decoder *d, size_t k)
{
	memmove(d->buf, d->buf + k, d->n - k);
	d->n -= k;
}

/* Try to take a frame off the front of the buffer.  1: consumed
 * something (frame or noise), 0: needs more octets. */
static int step(struct tod_decoder *d, void (*cb)(void *, const struct tod_frame *), void *arg)
{
	size_t len;

	if (d->n == 0) {
		return 0;
	}
	if (d->buf[0] != TOD_SYNC1 || (d->n >= 2 && d->buf[1] != TOD_SYNC2)) {
		d->garbage_octets++;
		drop(d, 1);
		return 1;
	}
	if (d->n < 6) {
		return 0;
	}
	len = (size_t)d->buf[4] << 8 | d->buf[5];
	if (len > TOD_MAX_PAYLOAD) {
		d->too_long++;
		d->garbage_octets++;
		drop(d, 1);
		return 1;
	}
	if (d->n < len + TOD_OVERHEAD) {
		return 0;
	}
	if (tod_crc8(d->buf + 2, len + 5) != 0) {
		/* search again from the octet after SYNC CHAR 1 */
		d->crc_errors++;
		d->garbage_octets++;
		drop(d, 1);
		return 1;
	}
	{
		struct tod_frame f;
		f.cls = d->buf[2];
		f.id = d->buf[3];
		f.len = (uint16_t)len;
		memcpy(f.payload, d->buf + 6, len);
		drop(d, len + TOD_OVERHEAD);
		d->frames++;
		cb(arg, &f);
	}
	return 1;
}

void tod_decoder_feed(struct tod_decoder *d, const uint8_t *p, size_t n,
		      void (*cb)(void *arg, const struct tod_frame *f), void *arg)
{
	while (n) {
		size_t room = sizeof(d->buf) - d->n, k = n < room ? n : room;
		memcpy(d->buf + d->n, p, k);
		d->n += k;
		p += k;
		n -= k;
		while (step(d, cb, arg)) {
		}
	}
}

/* "$" body "*" checksum CR LF */
static int nmea_finish(char *out, size_t len, int n)
{
	unsigned cs = 0;
	int i, m;

	if (n < 0 || (size_t)n >= len) {
		return -ENOSPC;
	}
	for (i = 1; i < n; i++) {
		cs ^= (unsigned char)out[i];
	}
	m = snprintf(out + n, len - (size_t)n, "*%02X\r\n", cs);
	if (m < 0 || (size_t)(n + m) >= len) {
		return -ENOSPC;
	}
	return n + m;
}

int tod_nmea_zda(char *out, size_t len, int64_t utc_s)
{
	struct tm tm;
	time_t t = (time_t)utc_s;

	if (!gmtime_r(&t, &tm)) {
		return -ERANGE;
	}
	return nmea_finish(out, len,
			   snprintf(out, len, "$GPZDA,%02d%02d%02d.00,%02d,%02d,%04d,00,00", tm.tm_hour,
				    tm.tm_min, tm.tm_sec, tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900));
}

int tod_nmea_rmc(char *out, size_t len, int64_t utc_s, int valid)
{
	struct tm tm;
	time_t t = (time_t)utc_s;

	if (!gmtime_r(&t, &tm)) {
		return -ERANGE;
	}
	return nmea_finish(out, len,
			   snprintf(out, len, "$GPRMC,%02d%02d%02d.00,%c,,,,,,,%02d%02d%02d,,,%c",
				    tm.tm_hour, tm.tm_min, tm.tm_sec, valid ? 'A' : 'V', tm.tm_mday,
				    tm.tm_mon + 1, tm.tm_year % 100, valid ? 'A' : 'N'));
}
