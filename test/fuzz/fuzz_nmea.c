/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the NMEA 0183 decoder (core/nmea.c), whose input
 * is whatever a serial line brings.  The input is an octet, TAI - UTC in
 * s, then the byte stream, with
 * control octets 0x01 (a PPS edge now) and 0x02..0x08 (time moves on by
 * (c - 1) x 150 ms) taken out of it; the stream is fed in the pieces the
 * controls cut it into, then again octet by octet.
 * Properties: the line buffer stays within its size; each time event is a
 * 14-octet frame with flags and offset 0 whose second - utc_offset is a
 * UTC second of 2000..9999 and comes 0..NMEA_WINDOW_NS after an edge no
 * other event took; as many time
 * events as d.paired; each status a fix of 0 or 3D and a known system;
 * the learned delay within the window; and octet by octet gives exactly
 * the same events and counters as the pieces (no dependence on how reads
 * split the stream).
 * Build and run: test/fuzz/run.sh [SECONDS] nmea
 */
#include <string.h>

#include "../../core/nmea.h"
#include "fz.h"

struct run {
	struct nmea_decoder d;
	tmv_t now, edge;
	int edge_taken, have_edge;
	uint64_t hash;
	int events;
};

static void on_frame(void *arg, const struct tod_frame *f)
{
	struct run *r = arg;
	int i;

	FZ_CHECK(f->cls == TOD_CLASS);
	r->hash = r->hash * 1000003 + (uint64_t)f->id * 7919 + (uint64_t)r->now;
	if (f->id == TOD_ID_TIME_EVENT) {
		uint64_t s = 0;
		FZ_CHECK(f->len == TOD_LEN_TIME_EVENT);
		for (i = 0; i < 6; i++) {
			s = s << 8 | f->payload[i];
		}
		for (i = 6; i < TOD_LEN_TIME_EVENT; i++) {
			FZ_CHECK(f->payload[i] == 0);
		}
		s -= (uint64_t)r->d.utc_offset;
		FZ_CHECK(s >= (uint64_t)nmea_utc(2000, 1, 1, 0, 0, 0));
		FZ_CHECK(s <= (uint64_t)nmea_utc(9999, 12, 31, 23, 59, 60));
		FZ_CHECK(r->have_edge && !r->edge_taken);
		FZ_CHECK(r->now - r->edge >= 0 && r->now - r->edge <= NMEA_WINDOW_NS);
		r->edge_taken = 1;
		r->events++;
		r->hash = r->hash * 31 + s;
	} else {
		FZ_CHECK(f->id == TOD_ID_GNSS_STATUS && f->len == TOD_LEN_GNSS_STATUS);
		FZ_CHECK(f->payload[1] == 0 || f->payload[1] == TOD_FIX_3D);
		FZ_CHECK(f->payload[0] == TOD_GNSS_GPS || f->payload[0] == TOD_GNSS_MULTI ||
			 f->payload[0] == TOD_GNSS_GLONASS || f->payload[0] == TOD_GNSS_GALILEO ||
			 f->payload[0] == TOD_GNSS_BEIDOU);
		for (i = 2; i < TOD_LEN_GNSS_STATUS; i++) {
			FZ_CHECK(f->payload[i] == 0);
		}
		r->hash = r->hash * 31 + f->payload[1];
	}
}

static void feed(struct run *r, const uint8_t *p, size_t n)
{
	nmea_feed(&r->d, p, n, r->now, on_frame, r);
	FZ_CHECK(r->d.n >= -1 && r->d.n <= NMEA_MAX);
	FZ_CHECK(r->d.learned >= 0 && r->d.learned <= 8);
	FZ_CHECK(!r->d.learned || (r->d.delay >= 0 && r->d.delay <= NMEA_WINDOW_NS));
	FZ_CHECK((uint64_t)r->events == r->d.paired);
}

/* the stream of data (size octets) through r, in pieces (whole) or octet
 * by octet */
static void run(struct run *r, const uint8_t *data, size_t size, int offset, int whole)
{
	size_t i, start = 0;

	memset(r, 0, sizeof(*r));
	nmea_init(&r->d, offset);
	r->now = 1000000000;
	for (i = 0; i <= size; i++) {
		if (i < size && (data[i] > 8 || !data[i])) {
			if (!whole) {
				feed(r, data + i, 1);
			}
			continue;
		}
		if (whole && i > start) {
			feed(r, data + start, i - start);
		}
		start = i + 1;
		if (i == size) {
			break;
		}
		if (data[i] == 1) {
			nmea_edge(&r->d, r->now);
			r->edge = r->now;
			r->have_edge = 1;
			r->edge_taken = 0;
		} else {
			r->now += (tmv_t)(data[i] - 1) * 150000000;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run a, b;
	int offset, k;

	if (!size) {
		return 0;
	}
	offset = data[0]; /* TAI - UTC, 0..255 s */
	run(&a, data + 1, size - 1, offset, 1);
	run(&b, data + 1, size - 1, offset, 0);
	FZ_CHECK(a.hash == b.hash && a.events == b.events);
	FZ_CHECK(a.d.sentences == b.d.sentences && a.d.skipped == b.d.skipped);
	for (k = 0; k < NMEA_NERR; k++) {
		FZ_CHECK(a.d.err[k] == b.d.err[k]);
	}
	return 0;
}
