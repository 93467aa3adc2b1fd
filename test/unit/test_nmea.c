/* SPDX-License-Identifier: BSD-2-Clause */
/* core/nmea: NMEA 0183 sentences into G.8271 Annex A frames, paired with
 * the PPS edge. */
#include <stdio.h>
#include <string.h>

#include "nmea.h"
#include "test.h"

#define MS 1000000LL

/* what the decoder handed out */
struct got {
	int n, events, status;
	uint64_t sec;	 /* the last time event's seconds */
	int sys, fix;	 /* the last status's GNSS type and fix */
};

static void collect(void *arg, const struct tod_frame *f)
{
	struct got *g = arg;
	int i;

	g->n++;
	if (f->cls == TOD_CLASS && f->id == TOD_ID_TIME_EVENT && f->len == TOD_LEN_TIME_EVENT) {
		struct tod_time_event ev;
		tod_decode_time_event(f->payload, f->len, &ev);
		g->events++;
		g->sec = ev.seconds;
		for (i = 6; i < 14; i++) {
			g->sec += f->payload[i] ? 1ULL << 60 : 0; /* flags and offset stay 0 */
		}
	} else if (f->cls == TOD_CLASS && f->id == TOD_ID_GNSS_STATUS &&
		   f->len == TOD_LEN_GNSS_STATUS) {
		g->status++;
		g->sys = f->payload[0];
		g->fix = f->payload[1];
	}
}

/* "$" body "*" checksum CR LF, the checksum computed here */
static const char *sent(const char *body)
{
	static char s[128];
	unsigned cs = 0;
	const char *p;

	for (p = body; *p; p++) {
		cs ^= (unsigned char)*p;
	}
	snprintf(s, sizeof(s), "$%s*%02X\r\n", body, cs);
	return s;
}

static void feed(struct nmea_decoder *d, const char *s, tmv_t now, struct got *g)
{
	nmea_feed(d, (const uint8_t *)s, strlen(s), now, collect, g);
}

/* an edge at now - delay, then the sentence at now */
static void at(struct nmea_decoder *d, const char *body, tmv_t now, tmv_t delay, struct got *g)
{
	nmea_edge(d, now - delay);
	feed(d, sent(body), now, g);
}

TEST(nmea_utc_dates)
{
	CHECK_EQ(nmea_utc(1970, 1, 1, 0, 0, 0), 0);
	CHECK_EQ(nmea_utc(2016, 12, 31, 23, 59, 59), 1483228799);
	CHECK_EQ(nmea_utc(2017, 1, 1, 0, 0, 0), 1483228800);
	CHECK_EQ(nmea_utc(2024, 2, 29, 12, 0, 0), 1709208000);
	CHECK_EQ(nmea_utc(2024, 3, 1, 0, 0, 0), 1709251200);
	/* 2100 has no 29 February: 28 February + 1 day is 1 March */
	CHECK_EQ(nmea_utc(2100, 3, 1, 0, 0, 0) - nmea_utc(2100, 2, 28, 0, 0, 0), 86400);
	CHECK_EQ(nmea_utc(2000, 3, 1, 0, 0, 0) - nmea_utc(2000, 2, 28, 0, 0, 0), 2 * 86400);
}

TEST(nmea_checksum)
{
	struct nmea_decoder d;
	struct got g = { 0 };
	char bad[128];

	nmea_init(&d, 37);
	/* the widely published example: its checksum is 6A */
	CHECK_STR(sent("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W"),
		  "*6A\r\n");
	feed(&d, "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n",
	     1000 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_NOEDGE], 1); /* no PPS edge before it */
	at(&d, "GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W", 1000 * MS,
	   100 * MS, &g);
	CHECK_EQ(g.events, 0); /* the same second: paired once, or here not at all */
	at(&d, "GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,240394,003.1,W", 1000 * MS,
	   100 * MS, &g);
	CHECK_EQ(g.events, 1);
	/* RMC's two-digit year is of 2000..2099 */
	CHECK_EQ(g.sec, nmea_utc(2094, 3, 24, 12, 35, 19) + 37);
	CHECK_EQ(d.sentences, 3);
	/* one bit off, lower-case hex (taken), no checksum, a cut one */
	strcpy(bad, sent("GPZDA,123520.00,23,03,2094,00,00"));
	bad[strlen(bad) - 3] ^= 1;
	nmea_edge(&d, 1900 * MS);
	feed(&d, bad, 2000 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_CSUM], 1);
	CHECK_EQ(g.events, 1);
	strcpy(bad, sent("GPZDA,123520.00,23,03,2094,00,00"));
	bad[strlen(bad) - 3] |= 0x20;
	bad[strlen(bad) - 4] |= 0x20;
	feed(&d, bad, 2000 * MS, &g);
	CHECK_EQ(g.events, 2);
	CHECK_EQ(g.sec, nmea_utc(2094, 3, 23, 12, 35, 20) + 37);
	feed(&d, "$GPZDA,123521.00,23,03,1994,00,00\r\n", 3000 * MS, &g);
	feed(&d, "$GPZDA,1235$GPZDA,123521.00,23,03,1994,00,00*4\r\n$*\r\n$\n", 3000 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_CSUM], 5);
	CHECK_EQ(g.events, 2);
	CHECK_EQ(d.sentences, 4);
}

TEST(nmea_rmc_zda_gga_gns_fix)
{
	struct nmea_decoder d;
	struct got g = { 0 };

	nmea_init(&d, 37);
	/* no fix: a status, no time; RMC V with its time ignored too */
	at(&d, "GPRMC,000001.00,V,,,,,,,010117,,,N", 1000 * MS, 10 * MS, &g);
	CHECK_EQ(g.status, 1);
	CHECK_EQ(g.fix, TOD_FIX_UNKNOWN);
	CHECK_EQ(g.events, 0);
	/* ZDA while the fix is lost: no time either */
	feed(&d, sent("GPZDA,000001.00,01,01,2017,00,00"), 1000 * MS, &g);
	CHECK_EQ(g.events, 0);
	/* GGA quality 1: a fix, so ZDA counts */
	feed(&d, sent("GPGGA,000001.00,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
	     1000 * MS, &g);
	CHECK_EQ(g.status, 2);
	CHECK_EQ(g.fix, TOD_FIX_3D);
	CHECK_EQ(g.sys, TOD_GNSS_GPS);
	feed(&d, sent("GPZDA,000001.00,01,01,2017,00,00"), 1000 * MS, &g);
	CHECK_EQ(g.events, 1);
	CHECK_EQ(g.sec, 1483228801ULL + 37);
	/* GGA 6 (dead reckoning) and 0: no fix; 5 (float RTK): a fix */
	feed(&d, sent("GNGGA,000002.00,,,,,6,00,,,,,,,"), 2000 * MS, &g);
	CHECK_EQ(g.fix, 0);
	CHECK_EQ(g.sys, TOD_GNSS_MULTI);
	feed(&d, sent("GNGGA,000002.00,,,,,5,00,,,,,,,"), 2000 * MS, &g);
	CHECK_EQ(g.fix, TOD_FIX_3D);
	feed(&d, sent("GNGGA,000002.00,,,,,0,00,,,,,,,"), 2000 * MS, &g);
	CHECK_EQ(g.fix, 0);
	/* GNS: a letter per system, one of A D P R F is a fix */
	feed(&d, sent("GNGNS,000002.00,,,,,NNAN,10,,,,,"), 2000 * MS, &g);
	CHECK_EQ(g.fix, TOD_FIX_3D);
	feed(&d, sent("GNGNS,000002.00,,,,,NNEN,10,,,,,"), 2000 * MS, &g);
	CHECK_EQ(g.fix, 0);
	CHECK_EQ(g.status, 7);
	CHECK_EQ(d.fix, 0);
	/* malformed: no GNS mode, a GGA quality that is no digit, RMC status X */
	feed(&d, sent("GNGNS,000002.00,,,,,,10,,,,,"), 2000 * MS, &g);
	feed(&d, sent("GPGGA,000002.00,,,,,x,00,,,,,,,"), 2000 * MS, &g);
	feed(&d, sent("GPRMC,000002.00,X,,,,,,,010117,,,N"), 2000 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_FIELD], 3);
	CHECK_EQ(g.status, 7);
	/* RMC A: its own fix and time; ZDA of the same second: paired once */
	at(&d, "GPRMC,000002.00,A,,,,,,,010117,,,A", 2000 * MS, 20 * MS, &g);
	CHECK_EQ(g.events, 2);
	CHECK_EQ(g.sec, 1483228802ULL + 37);
	feed(&d, sent("GPZDA,000002.00,01,01,2017,00,00"), 2010 * MS, &g);
	CHECK_EQ(g.events, 2);
	CHECK_EQ(d.err[NMEA_E_NOEDGE], 0);
	/* out of range: hour 24, day 32, month 13, a date cut short, year 1999 */
	at(&d, "GPRMC,240003.00,A,,,,,,,010117,,,A", 3000 * MS, 20 * MS, &g);
	at(&d, "GPRMC,000003.00,A,,,,,,,320117,,,A", 3000 * MS, 20 * MS, &g);
	at(&d, "GPRMC,000003.00,A,,,,,,,011317,,,A", 3000 * MS, 20 * MS, &g);
	at(&d, "GPRMC,000003.00,A,,,,,,,0101,,,A", 3000 * MS, 20 * MS, &g);
	at(&d, "GPZDA,000003.00,01,01,1999,00,00", 3000 * MS, 20 * MS, &g);
	at(&d, "GPZDA,000003.00,01,1,2017,00,00", 3000 * MS, 20 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_FIELD], 9);
	/* a tenth of a second (a 10 Hz receiver): no PPS second, skipped */
	at(&d, "GPZDA,000003.10,01,01,2017,00,00", 3000 * MS, 20 * MS, &g);
	CHECK_EQ(g.events, 2);
	CHECK_EQ(d.skipped, 1);
	/* an empty time (no time yet): nothing, not malformed */
	at(&d, "GPZDA,,,,,00,00", 3000 * MS, 20 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_FIELD], 9);
	CHECK_EQ(g.events, 2);
}

TEST(nmea_talkers)
{
	static const struct {
		const char *talker;
		int sys; /* -1: skipped */
	} t[] = { { "GP", TOD_GNSS_GPS },     { "GN", TOD_GNSS_MULTI },  { "GL", TOD_GNSS_GLONASS },
		  { "GA", TOD_GNSS_GALILEO }, { "BD", TOD_GNSS_BEIDOU }, { "GB", TOD_GNSS_BEIDOU },
		  { "II", -1 },		      { "GQ", -1 },		 { "PU", -1 } };
	struct nmea_decoder d;
	struct got g = { 0 };
	char body[64];
	size_t i;
	uint64_t skipped = 0;

	nmea_init(&d, 37);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int status = g.status;
		snprintf(body, sizeof(body), "%sGGA,000000.00,,,,,1,00,,,,,,,", t[i].talker);
		feed(&d, sent(body), 0, &g);
		if (t[i].sys < 0) {
			CHECK_EQ(g.status, status);
			CHECK_EQ(d.skipped, ++skipped);
		} else {
			CHECK_EQ(g.status, status + 1);
			CHECK_EQ(g.sys, t[i].sys);
		}
	}
	/* other sentences of a known talker, a proprietary one, 6 letters */
	feed(&d, sent("GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00"), 0, &g);
	feed(&d, sent("PUBX,04,073731.00,091202,113851.00,1196,15D,1930035,-2660.664,43"), 0, &g);
	feed(&d, sent("GPRMCA,000000.00,A,,,,,,,010117,,,A"), 0, &g);
	CHECK_EQ(d.skipped, skipped + 3);
	CHECK_EQ(d.err[NMEA_E_FIELD] + d.err[NMEA_E_CSUM], 0);
}

/* Partial input across reads, CR or LF alone, noise between sentences,
 * overlong lines; byte by byte gives what all at once gives. */
TEST(nmea_stream)
{
	struct nmea_decoder d;
	struct got g = { 0 };
	char in[512], longl[200];
	size_t i, k;
	tmv_t now = 5 * MS;

	memset(longl, 'A', sizeof(longl) - 1);
	longl[sizeof(longl) - 1] = 0;
	memcpy(longl, "$GPTXT,", 7);
	snprintf(in, sizeof(in), "noise\r\n%s", sent("GPGGA,235959.00,,,,,1,08,,,,,,,"));
	k = strlen(in);
	snprintf(in + k, sizeof(in) - k, "%s\n", longl);
	k = strlen(in);
	snprintf(in + k, sizeof(in) - k, "%s", sent("GPRMC,235959.00,A,,,,,,,311216,,,A"));
	in[strlen(in) - 2] = '\r'; /* CR alone ends it too */
	in[strlen(in) - 1] = 0;
	k = strlen(in);
	snprintf(in + k, sizeof(in) - k, "%s", sent("GPZDA,000000.00,01,01,2017,00,00"));
	in[strlen(in) - 2] = '\n'; /* LF alone */
	in[strlen(in) - 1] = 0;

	nmea_init(&d, 37);
	nmea_edge(&d, 0);
	for (i = 0; in[i]; i++) {
		if (strncmp(in + i, "$GPZDA", 6) == 0) {
			nmea_edge(&d, 1000 * MS); /* the next second's edge */
			now = 1005 * MS;
		}
		nmea_feed(&d, (const uint8_t *)in + i, 1, now, collect, &g);
		if (i == 150) { /* inside the long line */
			CHECK_EQ(d.err[NMEA_E_LONG], 1);
		}
	}
	CHECK_EQ(d.err[NMEA_E_LONG], 1);
	CHECK_EQ(d.sentences, 3);
	CHECK_EQ(g.status, 2);
	/* the rollover: 23:59:59 of 2016-12-31, then 00:00:00 of 2017 */
	CHECK_EQ(g.events, 2);
	CHECK_EQ(g.sec, 1483228800ULL + 37);
	CHECK_EQ(d.err[NMEA_E_CSUM] + d.err[NMEA_E_FIELD] + d.err[NMEA_E_NOEDGE], 0);
}

/* The sentence labels the edge before it: paired 0..950 ms after it, once
 * per edge; the delay learned and a sentence far from it dropped, until
 * the receiver shows it has changed. */
TEST(nmea_pairing)
{
	struct nmea_decoder d;
	struct got g = { 0 };
	char body[64];
	int s;

	nmea_init(&d, 37);
	/* no edge yet */
	feed(&d, sent("GPRMC,000000.00,A,,,,,,,010117,,,A"), 500 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_NOEDGE], 1);
	/* 951 ms after it: too late; 900 ms: paired */
	at(&d, "GPRMC,000001.00,A,,,,,,,010117,,,A", 2000 * MS, 951 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_WINDOW], 1);
	CHECK_EQ(g.events, 0);
	at(&d, "GPRMC,000002.00,A,,,,,,,010117,,,A", 3000 * MS, 900 * MS, &g);
	CHECK_EQ(g.events, 1);
	CHECK_EQ(d.delay, 900 * MS);
	/* one edge, two seconds: the second one unpaired */
	feed(&d, sent("GPRMC,000003.00,A,,,,,,,010117,,,A"), 3100 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_NOEDGE], 2);
	/* learn 100 ms over 8 seconds: the mean of 900 and 7 x 100 */
	for (s = 4; s < 11; s++) {
		snprintf(body, sizeof(body), "GPRMC,0000%02d.00,A,,,,,,,010117,,,A", s);
		at(&d, body, s * 1000 * MS, 100 * MS, &g);
	}
	CHECK_EQ(g.events, 8);
	CHECK(d.delay > 199 * MS && d.delay < 201 * MS); /* (900 + 7 x 100) / 8 */
	for (s = 11; s < 40; s++) {
		snprintf(body, sizeof(body), "GPRMC,0000%02d.00,A,,,,,,,010117,,,A", s);
		at(&d, body, s * 1000 * MS, 100 * MS, &g);
	}
	CHECK(d.delay > 100 * MS && d.delay < 105 * MS);
	CHECK_EQ(g.sec, 1483228800ULL + 39 + 37);
	/* a sentence 520 ms late (it might have crossed into the next
	 * second): dropped; back to 100 ms: paired */
	at(&d, "GPRMC,000040.00,A,,,,,,,010117,,,A", 40000 * MS, 520 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_JUMP], 1);
	at(&d, "GPRMC,000041.00,A,,,,,,,010117,,,A", 41000 * MS, 100 * MS, &g);
	CHECK_EQ(g.sec, 1483228841ULL + 37);
	/* the receiver now sends 800 ms after the edge: 4 dropped, then
	 * learned anew */
	for (s = 42; s < 50; s++) {
		snprintf(body, sizeof(body), "GPRMC,0000%02d.00,A,,,,,,,010117,,,A", s);
		at(&d, body, s * 1000 * MS, 800 * MS, &g);
	}
	CHECK_EQ(d.err[NMEA_E_JUMP], 1 + NMEA_RELEARN);
	CHECK_EQ(d.delay, 800 * MS);
	CHECK_EQ(g.sec, 1483228849ULL + 37);
	CHECK_EQ(d.paired, 1 + 7 + 29 + 1 + 8 - NMEA_RELEARN);
	/* an edge stamped after the sentence (clock trouble): out of window */
	at(&d, "GPRMC,000050.00,A,,,,,,,010117,,,A", 50000 * MS, -1 * MS, &g);
	CHECK_EQ(d.err[NMEA_E_WINDOW], 2);
}
