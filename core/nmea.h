/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NMEA 0183 time source (time_source nmea): the sentences a GNSS receiver
 * sends beside its PPS line, turned into the G.8271 Annex A frames the
 * gm's ToD path takes (gm_tod_frame), so both sources share one path.
 *
 * Written from the public descriptions of NMEA 0183 (the standard itself
 * is sold by the NMEA): a sentence is '$', a 2-letter talker id, a 3-letter
 * formatter, comma-separated fields, '*', two hex digits of the XOR of
 * every character between '$' and '*', CR LF; at most 82 characters
 * (as summarised in gpsd's "NMEA Revealed",
 * https://gpsd.gitlab.io/gpsd/NMEA.html, and in the NMEA chapter of
 * u-blox's M8 receiver description, UBX-13003221).  The sentences read:
 *   RMC  time hhmmss.ss (1), status A valid / V void (2), date ddmmyy (9)
 *   ZDA  time (1), day (2), month (3), 4-digit year (4)
 *   GGA  quality (6): 0 invalid, 1 GPS, 2 DGPS, 3 PPS, 4 RTK, 5 float RTK,
 *        6 estimated (dead reckoning), 7 manual, 8 simulator
 *   GNS  mode (6), a letter per system: N no fix, A autonomous, D
 *        differential, P precise, R RTK, F float RTK, E estimated, M, S
 * from talkers GP (GPS), GL (GLONASS), GA (Galileo), BD and GB (BeiDou),
 * GN (several systems).  Other sentences and talkers are skipped.
 *
 * Time: the UTC of a whole second with its date (RMC, ZDA; a fraction
 * other than .0 is not a PPS second) labels the PPS edge before it (most
 * receivers send it after the pulse it belongs to).  It is paired with the
 * last edge when it comes 0..NMEA_WINDOW_NS after it; the typical delay
 * is learned (a mean over the last 8 or so) and, once learned, a sentence
 * more than NMEA_JUMP_NS from it is taken for one that crossed into the
 * next second and dropped, until NMEA_RELEARN such in a row show the
 * receiver has changed (then learned anew).  Each pairing becomes a time
 * event of PTP second UTC + utc_offset (TAI - UTC, s); a second labelled
 * twice (RMC and ZDA) is paired once.
 * Fix: RMC A / GGA 1..5 / GNS A D P R F is a fix; RMC V, GGA 0 or 6..8,
 * GNS with none of those letters is none, sent as a GNSS status frame
 * (fix 3D or unknown) as the ToD source would; ZDA's time counts only
 * while the last fix is not "none", RMC's only with its A.
 *
 * No I/O: bytes in as read (any split), frames out through a callback.
 */
#ifndef PTPBOX_NMEA_H
#define PTPBOX_NMEA_H

#include <stddef.h>
#include <stdint.h>

#include "tmv.h"
#include "tod.h"

/* characters kept between '$' and CR LF: the standard's 82 less '$' and
 * CR LF; longer lines are dropped (NMEA_E_LONG) */
#define NMEA_MAX 79
#define NMEA_WINDOW_NS 950000000LL /* a sentence 0..950 ms after its edge */
#define NMEA_JUMP_NS 300000000LL   /* off the learned delay by more: dropped */
#define NMEA_RELEARN 4		   /* such in a row: the delay is learned anew */

/* why a sentence was dropped: nmea_decoder.err[] */
enum nmea_err {
	NMEA_E_CSUM,   /* no '*hh' or a wrong checksum */
	NMEA_E_LONG,   /* over NMEA_MAX characters */
	NMEA_E_FIELD,  /* a time, date or status field malformed or out of range */
	NMEA_E_NOEDGE, /* a new second with no PPS edge since the last one paired */
	NMEA_E_WINDOW, /* over NMEA_WINDOW_NS after the edge */
	NMEA_E_JUMP,   /* over NMEA_JUMP_NS off the learned delay */
	NMEA_NERR
};

struct nmea_decoder {
	char buf[NMEA_MAX + 8]; /* + NUL, + what a cut field's copy reads */
	int n;		/* characters in buf; -1: skipping to the next '$' */
	int utc_offset; /* TAI - UTC, s, added to the sentences' UTC: the caller's */
	tmv_t edge;	/* monotonic ns of the last PPS edge: nmea_edge() */
	int edge_new;	/* it is not paired yet */
	int fix;	/* last fix: -1 unknown, 0 none, 1 valid */
	tmv_t delay;	/* learned delay of the sentence after its edge, ns */
	int learned;	/* samples in delay, up to 8 */
	int jumps;	/* NMEA_E_JUMP in a row */
	int64_t last;	/* UTC s of the last second paired */
	uint64_t sentences, paired, skipped; /* checksum right; paired; other sentences */
	uint64_t err[NMEA_NERR];
};

/* A PPS edge seen at now (monotonic ns). */
static inline void nmea_edge(struct nmea_decoder *d, tmv_t now)
{
	d->edge = now;
	d->edge_new = 1;
}

/* Start: nothing buffered, fix unknown, no delay learned; utc_offset s. */
void nmea_init(struct nmea_decoder *d, int utc_offset);

/*
 * Feed n octets read at now (monotonic ns).  For each pairing calls
 * cb(arg, frame) with a time event (G.8271 Table A.3, flags 0: the
 * receiver's UTC offset is not known), for each fix report a GNSS status
 * (Table A.7).  Malformed and unpaired sentences are counted in err[] and
 * dropped.
 */
void nmea_feed(struct nmea_decoder *d, const uint8_t *p, size_t n, tmv_t now,
	       void (*cb)(void *arg, const struct tod_frame *f), void *arg);

/* Seconds since 1970-01-01 of UTC y-m-d h:mi:s (POSIX time: no leap
 * seconds; s 60 is the next minute's 0); y 1..9999, m 1..12, d 1..31. */
int64_t nmea_utc(int y, int m, int d, int h, int mi, int s);

#endif
