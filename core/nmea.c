/* SPDX-License-Identifier: BSD-2-Clause */
/* NMEA 0183 time source: see nmea.h. */
#include "nmea.h"

#include <string.h>

#include "util.h"

void nmea_init(struct nmea_decoder *d, int utc_offset)
{
	memset(d, 0, sizeof(*d));
	d->n = -1;
	d->fix = -1;
	d->utc_offset = utc_offset;
}

/* Days counted from a year that starts in March (the leap day ends it):
 * 365 a year, a leap day every 4 years but centuries not divisible by 400,
 * 153 days every 5 months from March; 719469 puts 1970-01-01 at 0. */
int64_t nmea_utc(int y, int m, int d, int h, int mi, int s)
{
	y -= m <= 2;
	m += m <= 2 ? 9 : -3;
	return (int64_t)(y * 365 + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 719469) *
		       86400 + h * 3600 + mi * 60 + s;
}

/* n decimal digits at s: their value, or -1 */
static int dig(const char *s, int n)
{
	int v = 0;

	while (n--) {
		if (*s < '0' || *s > '9') {
			return -1;
		}
		v = v * 10 + *s++ - '0';
	}
	return v;
}

/* field i of sentence s (0: the address); its end past the last */
static const char *fld(const char *s, int i)
{
	while (i-- && *s) {
		s += strcspn(s, ",");
		s += *s == ',';
	}
	return s;
}

static void emit(void (*cb)(void *, const struct tod_frame *), void *arg, int id, uint64_t v)
{
	struct tod_frame f;
	int i;

	memset(f.payload, 0, TOD_LEN_TIME_EVENT);
	f.cls = TOD_CLASS;
	f.id = (uint8_t)id;
	/* time event: the seconds, 48 bits (Table A.3); status: the GNSS
	 * type, the fix (Table A.7), given in v's 6th and 5th octet */
	f.len = id == TOD_ID_TIME_EVENT ? TOD_LEN_TIME_EVENT : TOD_LEN_GNSS_STATUS;
	for (i = 0; i < 6; i++) {
		f.payload[i] = (uint8_t)(v >> (40 - 8 * i));
	}
	cb(arg, &f);
}

/* talker ids, 2 characters each, and their Table A.7 system */
static const char talkers[] = "GPGNGLGABDGB";
static const uint8_t systems[] = { TOD_GNSS_GPS,     TOD_GNSS_MULTI,  TOD_GNSS_GLONASS,
				   TOD_GNSS_GALILEO, TOD_GNSS_BEIDOU, TOD_GNSS_BEIDOU };

static void sentence(struct nmea_decoder *d, tmv_t now,
		     void (*cb)(void *, const struct tod_frame *), void *arg)
{
	/* hh mm ss dd mm yy yy: 2 digits each within these */
	static const uint8_t lo[7] = { 0, 0, 0, 1, 1, 20, 0 }, hi[7] = { 23, 59, 60, 31, 12, 99, 99 };
	char *s = d->buf, tm[14];
	const char *t, *f;
	int n = d->n, cs = 0, i, k, fix = -1, v[7], a, b;
	int64_t utc;
	tmv_t dl;

	for (i = 0; i < n - 3; i++) {
		cs ^= (unsigned char)s[i];
	}
	if (n < 3 || s[n - 3] != '*' || (a = hex_digit((unsigned char)s[n - 2])) < 0 ||
	    (b = hex_digit((unsigned char)s[n - 1])) < 0 || (a << 4 | b) != cs) {
		d->err[NMEA_E_CSUM]++;
		return;
	}
	s[n - 3] = 0;
	d->sentences++;
	for (i = 0; i < 12 && memcmp(s, talkers + i, 2); i += 2) {
	}
	for (k = 0; k < 12 && memcmp(s + 2, &"RMCZDAGGAGNS"[k], 3); k += 3) {
	}
	if (i == 12 || k == 12 || s[5] != ',') {
		d->skipped++;
		return;
	}
	k /= 3;
	f = fld(s, k ? 6 : 2);
	if (k == 0) { /* RMC status */
		fix = *f == 'A' ? 1 : *f == 'V' ? 0 : -2;
	} else if (k == 2) { /* GGA quality */
		fix = dig(f, 1);
		fix = fix < 0 ? -2 : fix >= 1 && fix <= 5;
	} else if (k == 3) { /* GNS mode, a letter per system */
		a = (int)strcspn(f, ",");
		fix = !a ? -2 : (int)strcspn(f, "ADPRF") < a;
	}
	if (fix == -2) {
		d->err[NMEA_E_FIELD]++;
		return;
	}
	if (fix >= 0) {
		d->fix = fix;
		emit(cb, arg, TOD_ID_GNSS_STATUS,
		     (uint64_t)systems[i / 2] << 40 | (uint64_t)(fix ? TOD_FIX_3D : 0) << 32);
	}
	/* the time of RMC with A, of ZDA without a fix lost; none yet: no
	 * sentence to count */
	t = fld(s, 1);
	if (k >= 2 || !fix || !d->fix || *t == ',' || !*t) {
		return;
	}
	/* as "hhmmssddmmyyyy"; a field cut short ends at a comma or NUL,
	 * which no digit reads past (buf has room for the copies) */
	memcpy(tm, t, 6);
	if (k == 0) {
		f = fld(s, 9);
		memcpy(tm + 6, f, 4);
		memcpy(tm + 10, "20", 2);
		memcpy(tm + 12, f + 4, 2);
	} else {
		memcpy(tm + 6, fld(s, 2), 2);
		memcpy(tm + 8, fld(s, 3), 2);
		memcpy(tm + 10, fld(s, 4), 4);
	}
	for (i = 0; i < 7; i++) {
		v[i] = dig(tm + 2 * i, 2);
		if (v[i] < lo[i] || v[i] > hi[i]) {
			d->err[NMEA_E_FIELD]++;
			return;
		}
	}
	/* .0 or none: a PPS second; a fraction of one: skipped */
	t += 6;
	t += *t == '.' ? 1 + strspn(t + 1, "0") : 0;
	if (*t && *t != ',') {
		d->skipped++;
		return;
	}
	utc = nmea_utc(v[5] * 100 + v[6], v[4], v[3], v[0], v[1], v[2]);
	if (utc == d->last) {
		return; /* the second's other sentence */
	}
	d->last = utc;
	if (!d->edge_new) {
		d->err[NMEA_E_NOEDGE]++;
		return;
	}
	d->edge_new = 0;
	dl = now - d->edge;
	if (dl < 0 || dl > NMEA_WINDOW_NS) {
		d->err[NMEA_E_WINDOW]++;
		return;
	}
	if (d->learned >= 8 && (dl - d->delay > NMEA_JUMP_NS || d->delay - dl > NMEA_JUMP_NS)) {
		d->err[NMEA_E_JUMP]++;
		if (++d->jumps >= NMEA_RELEARN) {
			d->learned = 0;
		}
		return;
	}
	d->jumps = 0;
	d->learned += d->learned < 8;
	d->delay += (dl - d->delay) / d->learned;
	d->paired++;
	emit(cb, arg, TOD_ID_TIME_EVENT, (uint64_t)(utc + d->utc_offset));
}

void nmea_feed(struct nmea_decoder *d, const uint8_t *p, size_t n, tmv_t now,
	       void (*cb)(void *arg, const struct tod_frame *f), void *arg)
{
	for (; n; n--, p++) {
		if (*p == '$') {
			/* a sentence cut short by the next one */
			d->err[NMEA_E_CSUM] += d->n > 0;
			d->n = 0;
		} else if (*p == '\r' || *p == '\n') {
			if (d->n > 0) {
				sentence(d, now, cb, arg);
			}
			d->n = -1;
		} else if (d->n >= NMEA_MAX) {
			d->err[NMEA_E_LONG]++;
			d->n = -1;
		} else if (d->n >= 0) {
			d->buf[d->n++] = (char)*p;
		}
	}
}
