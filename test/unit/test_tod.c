/* SPDX-License-Identifier: BSD-2-Clause */
/* core/tod: G.8271 Annex A frames, CRC-8, stream decoding. */
#include <errno.h>
#include <stdlib.h>

#include "test.h"
#include "tod.h"

/* G.8271 Figure A.3 */
static const char fig_a3[] = "43 4D 01 01 00 0E 00 00 59 09 DF B8 00 06 16 0F 00 00 00 00 25";

TEST(tod_figure_a3_vector)
{
	uint8_t want[32], got[32];
	struct tod_time_event ev = { 0x5909DFB8, 0x06, 0x160F }, back;
	int n = hex_to_bytes(fig_a3, want, sizeof(want));

	CHECK_EQ(n, 21);
	CHECK_EQ(tod_crc8(want + 2, 18), 0x25);
	CHECK_EQ(tod_crc8(want + 2, 19), 0); /* de-mapper over the FCS too */
	CHECK_EQ(tod_encode_time_event(got, sizeof(got), &ev), 21);
	CHECK(!memcmp(got, want, 21));
	CHECK_EQ(tod_decode_time_event(want + 6, 14, &back), 0);
	CHECK_EQ(back.seconds, 0x5909DFB8);
	CHECK_EQ(back.flags, 0x06);
	CHECK_EQ(back.current_utc_offset, 0x160F);
	CHECK_EQ(tod_encode_time_event(got, 20, &ev), -ENOSPC);
	ev.seconds = 1ULL << 48;
	CHECK_EQ(tod_encode_time_event(got, sizeof(got), &ev), -ERANGE);
	CHECK_EQ(tod_decode_time_event(want + 6, 13, &back), -EBADMSG);
}

TEST(tod_announce_and_gnss_round_trip)
{
	struct tod_time_announce a = { 2, 24, 0x0208, { 1, 2, 3, 0xff, 0xfe, 4, 5, 6 }, 1, 128,
				       127, 6, 0x21, 0x4E5D, { 9, 8, 7, 6, 5, 4, 3, 2 }, 0, 0x20 },
				 a2;
	struct tod_gnss_status g = { TOD_GNSS_GPS, TOD_FIX_TIME_ONLY,
				     TOD_ALARM_PPS_GENERATED | TOD_ALARM_ANTENNA_OPEN },
			       g2;
	uint8_t buf[64];

	CHECK_EQ(tod_encode_time_announce(buf, sizeof(buf), &a), 39);
	CHECK_EQ(buf[3], 0x02);
	CHECK_EQ(buf[5], 32);
	CHECK_EQ(buf[6 + 16], 6);     /* clockClass at offset 16 */
	CHECK_EQ(buf[6 + 18], 0x4E);  /* offsetScaledLogVariance big-endian */
	CHECK_EQ(buf[6 + 30], 0x20);  /* timeSource GPS */
	CHECK_EQ(tod_crc8(buf + 2, 37), 0);
	CHECK_EQ(tod_decode_time_announce(buf + 6, 32, &a2), 0);
	CHECK(a2.version_ptp == 2 && a2.domain_number == 24 && a2.port_number == 1);
	CHECK(a2.gm_priority1 == 128 && a2.gm_priority2 == 127 && a2.gm_clock_class == 6);
	CHECK(a2.gm_clock_accuracy == 0x21 && a2.gm_offset_scaled_log_variance == 0x4E5D);
	CHECK(!memcmp(a2.gm_identity, a.gm_identity, 8) && !memcmp(a2.clock_identity, a.clock_identity, 8));
	CHECK_EQ(a2.steps_removed, 0);
	CHECK_EQ(a2.flag_field, 0x0208);
	CHECK_EQ(a2.time_source, 0x20);
	CHECK_EQ(tod_encode_gnss_status(buf, sizeof(buf), &g), 15);
	CHECK_EQ(buf[3], 0x03);
	CHECK_EQ(buf[8], 0x10); /* alarms 0x1002 big-endian */
	CHECK_EQ(buf[9], 0x02);
	CHECK_EQ(tod_decode_gnss_status(buf + 6, 8, &g2), 0);
	CHECK_EQ(g2.fix, TOD_FIX_TIME_ONLY);
	CHECK_EQ(g2.alarms, 0x1002);
	CHECK_EQ(tod_decode_gnss_status(buf + 6, 9, &g2), -EBADMSG);
}

struct seen {
	int n;
	uint8_t id[16];
	uint16_t len[16];
	uint8_t cls[16];
};

static void collect(void *arg, const struct tod_frame *f)
{
	struct seen *s = arg;
	if (s->n < 16) {
		s->id[s->n] = f->id;
		s->cls[s->n] = f->cls;
		s->len[s->n] = f->len;
	}
	s->n++;
}

TEST(tod_stream_resync)
{
	uint8_t s[512], unk[16];
	struct tod_gnss_status g = { 1, 3, 0 };
	struct tod_decoder d;
	struct seen seen;
	int n = 0, k, fa3;
	size_t i;

	/* garbage with a false sync pair, the A.3 frame, a frame of an
	 * unknown class (skipped by its length), a corrupted frame, a GNSS
	 * status frame */
	memcpy(s + n, "xx\x43\x43\x4d\x01", 6);
	n += 6;
	fa3 = n;
	n += hex_to_bytes(fig_a3, s + n, 32);
	k = tod_frame(unk, sizeof(unk), 0x7e, 0x09, (const uint8_t *)"\x43\x4d\x01", 3);
	memcpy(s + n, unk, (size_t)k);
	n += k;
	memcpy(s + n, s + fa3, 21);
	s[n + 10] ^= 0x01; /* one bit error in the payload */
	n += 21;
	n += tod_encode_gnss_status(s + n, 64, &g);

	/* whole, then octet by octet: the same frames */
	for (k = 0; k < 2; k++) {
		memset(&d, 0, sizeof(d));
		memset(&seen, 0, sizeof(seen));
		if (k == 0) {
			tod_decoder_feed(&d, s, (size_t)n, collect, &seen);
		} else {
			for (i = 0; i < (size_t)n; i++) {
				tod_decoder_feed(&d, s + i, 1, collect, &seen);
			}
		}
		CHECK_EQ(seen.n, 3);
		CHECK_EQ(seen.id[0], 0x01);
		CHECK_EQ(seen.len[0], 14);
		CHECK_EQ(seen.cls[1], 0x7e);
		CHECK_EQ(seen.len[1], 3);
		CHECK_EQ(seen.id[2], 0x03);
		CHECK_EQ(d.crc_errors, 1); /* the flipped bit */
		CHECK_EQ(d.too_long, 1);   /* the false start "CM\x01CM\x01": length 0x4D01 */
		CHECK_EQ(d.frames, 3);
		CHECK(d.garbage_octets >= 2 + 21);
	}
}

TEST(tod_stream_truncated_and_too_long)
{
	uint8_t s[64];
	struct tod_decoder d;
	struct seen seen;
	int n = hex_to_bytes(fig_a3, s, 32);

	memset(&d, 0, sizeof(d));
	memset(&seen, 0, sizeof(seen));
	/* a truncated frame waits; nothing comes out until it completes */
	tod_decoder_feed(&d, s, 15, collect, &seen);
	CHECK_EQ(seen.n, 0);
	CHECK_EQ(d.n, 15);
	tod_decoder_feed(&d, s + 15, (size_t)n - 15, collect, &seen);
	CHECK_EQ(seen.n, 1);
	/* a length of 0xFFFF is noise: skipped at once, the next frame found */
	memcpy(s + 32, "\x43\x4d\x01\x01\xff\xff", 6);
	tod_decoder_feed(&d, s + 32, 6, collect, &seen);
	tod_decoder_feed(&d, s, (size_t)n, collect, &seen);
	CHECK_EQ(seen.n, 2);
	CHECK_EQ(d.too_long, 1);
}

/* random streams with frames sprinkled in: never a frame with a bad FCS
 * out, every clean frame found, bounded buffer */
TEST(tod_stream_random)
{
	static uint8_t s[200000];
	struct tod_decoder d;
	struct seen seen;
	uint32_t x = 12345;
	size_t i, planted = 0, pos;
	uint8_t fr[32];
	struct tod_time_event ev = { 1700000000, 0x14, 37 };

	for (i = 0; i < sizeof(s); i++) {
		x = x * 1103515245 + 12345;
		/* make sync characters common so false starts are exercised */
		s[i] = (x >> 16) % 7 == 0 ? 0x43 : (x >> 16) % 7 == 1 ? 0x4d : (uint8_t)(x >> 24);
	}
	tod_encode_time_event(fr, sizeof(fr), &ev);
	/* plant frames with clean gaps of at least 300 octets before them so
	 * no earlier false start can swallow one */
	for (pos = 1000; pos + 21 < sizeof(s); pos += 1700) {
		memset(s + pos - 300, 0, 300);
		memcpy(s + pos, fr, 21);
		planted++;
	}
	memset(&d, 0, sizeof(d));
	memset(&seen, 0, sizeof(seen));
	for (i = 0; i < sizeof(s); i += 97) {
		size_t k = sizeof(s) - i < 97 ? sizeof(s) - i : 97;
		tod_decoder_feed(&d, s + i, k, collect, &seen);
		CHECK(d.n <= sizeof(d.buf));
	}
	CHECK((size_t)seen.n >= planted);
	CHECK(d.crc_errors > 0);
}

TEST(tod_nmea)
{
	char buf[96];
	/* 2002-07-04 20:15:30 UTC: the NMEA reference example's checksum */
	CHECK_EQ(tod_nmea_zda(buf, sizeof(buf), 1025813730), 38);
	CHECK(!strcmp(buf, "$GPZDA,201530.00,04,07,2002,00,00*60\r\n"));
	/* checksum computed independently (XOR of the body) */
	CHECK_EQ(tod_nmea_rmc(buf, sizeof(buf), 1025813730, 1), 40);
	CHECK(!strcmp(buf, "$GPRMC,201530.00,A,,,,,,,040702,,,A*61\r\n"));
	CHECK_EQ(tod_nmea_rmc(buf, sizeof(buf), 1025813730, 0) > 0, 1);
	CHECK_STR(buf, ",V,");
	CHECK_EQ(tod_nmea_zda(buf, 20, 1025813730), -ENOSPC);
}
