/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ITU-T G.8271 Annex A.1.3: time-of-day messages on the serial channel of
 * the 1PPS V.11 interface.  A frame is
 *   0x43 0x4D ('C' 'M') | CLASS | ID | LENGTH (payload octets, big-endian)
 *   | payload | FCS (CRC-8 over CLASS..payload, A.1.3.2)
 * Multi-octet fields are big-endian.  Three messages (class 0x01):
 *   0x01 time event    (A.1.3.3.1, 14 octets): PTP seconds of the 1PPS edge
 *   0x02 time announce (A.1.3.3.2, 32 octets): a virtual PTP Announce
 *   0x03 GNSS status   (A.1.3.3.3, 8 octets)
 * No I/O here: encoders write into caller buffers, the stream decoder takes
 * bytes as they come.
 */
#ifndef PTPBOX_TOD_H
#define PTPBOX_TOD_H

#include <stddef.h>
#include <stdint.h>

#define TOD_SYNC1 0x43
#define TOD_SYNC2 0x4D
#define TOD_CLASS 0x01
#define TOD_ID_TIME_EVENT 0x01
#define TOD_ID_TIME_ANNOUNCE 0x02
#define TOD_ID_GNSS_STATUS 0x03
#define TOD_LEN_TIME_EVENT 14
#define TOD_LEN_TIME_ANNOUNCE 32
#define TOD_LEN_GNSS_STATUS 8
#define TOD_OVERHEAD 7   /* sync 2 + class + id + length 2 + FCS */
#define TOD_MAX_PAYLOAD 256 /* longer frames are taken for noise */

/* Table A.3 Flags */
#define TOD_FLAG_LEAP61 0x01
#define TOD_FLAG_LEAP59 0x02
#define TOD_FLAG_UTC_OFFSET_VALID 0x04
#define TOD_FLAG_TIME_TRACEABLE 0x10
#define TOD_FLAG_FREQ_TRACEABLE 0x20

/* Table A.3: the time of the 1PPS edge this message belongs to */
struct tod_time_event {
	uint64_t seconds;          /* PTP (TAI) seconds, 48 bits */
	uint8_t flags;             /* TOD_FLAG_* */
	int16_t current_utc_offset; /* TAI - UTC, s */
};

/* Table A.5: fields copied from a PTP Announce (1588 13.5) */
struct tod_time_announce {
	uint8_t version_ptp;
	uint8_t domain_number;
	uint16_t flag_field;
	uint8_t clock_identity[8];  /* sourcePortIdentity */
	uint16_t port_number;
	uint8_t gm_priority1;
	uint8_t gm_priority2;
	uint8_t gm_clock_class;
	uint8_t gm_clock_accuracy;
	uint16_t gm_offset_scaled_log_variance;
	uint8_t gm_identity[8];
	uint16_t steps_removed;
	uint8_t time_source;
};

/* Table A.7 */
enum tod_gnss_type { TOD_GNSS_BEIDOU = 0, TOD_GNSS_GPS = 1, TOD_GNSS_PTP = 2,
		     TOD_GNSS_GALILEO = 3, TOD_GNSS_GLONASS = 4, TOD_GNSS_QZSS = 5,
		     TOD_GNSS_IRNSS = 6, TOD_GNSS_MULTI = 7, TOD_GNSS_UNKNOWN = 8 };
enum tod_fix { TOD_FIX_UNKNOWN = 0, TOD_FIX_DEAD_RECKONING = 1, TOD_FIX_2D = 2,
	       TOD_FIX_3D = 3, TOD_FIX_GNSS_DR = 4, TOD_FIX_TIME_ONLY = 5, TOD_FIX_AGNSS = 6,
	       TOD_FIX_SBAS = 7, TOD_FIX_GBAS = 8 };
#define TOD_ALARM_ANTENNA_OPEN 0x0002
#define TOD_ALARM_ANTENNA_SHORT 0x0004
#define TOD_ALARM_NOT_TRACKING 0x0008
#define TOD_ALARM_SURVEY_IN 0x0020
#define TOD_ALARM_NO_POSITION 0x0040
#define TOD_ALARM_LEAP_PENDING 0x0080
#define TOD_ALARM_TEST_MODE 0x0100
#define TOD_ALARM_UNCERTAIN 0x0200
#define TOD_ALARM_ALMANAC 0x0800
#define TOD_ALARM_PPS_GENERATED 0x1000

struct tod_gnss_status {
	uint8_t source_type;   /* enum tod_gnss_type */
	uint8_t fix;           /* enum tod_fix */
	uint16_t alarms;       /* TOD_ALARM_* */
};

/* A.1.3.3.3: the receiver has a usable time solution: a 3D or time-only
 * fix (or one helped by dead reckoning or SBAS/GBAS) and no "not tracking
 * satellites" alarm.  1 or 0. */
int tod_gnss_usable(const struct tod_gnss_status *st);

/* CRC-8 of A.1.3.2: G(x) = x^8 + x^5 + x^4 + 1, bits least significant
 * first (reflected), initial value 0xFF, no final XOR.  Over CLASS..payload
 * it gives the FCS; over CLASS..FCS it gives 0. */
uint8_t tod_crc8(const uint8_t *p, size_t n);

/* Build a frame around a payload: writes n + TOD_OVERHEAD octets to out
 * (size outlen).  Returns the frame length, or -ENOSPC / -EMSGSIZE
 * (n > TOD_MAX_PAYLOAD). */
int tod_frame(uint8_t *out, size_t outlen, uint8_t cls, uint8_t id, const uint8_t *payload,
	      size_t n);

/* Encode one message as a whole frame into out (outlen octets; 21, 39 and
 * 15 are needed).  Return the frame length or -ENOSPC; time event:
 * -ERANGE when seconds does not fit 48 bits. */
int tod_encode_time_event(uint8_t *out, size_t outlen, const struct tod_time_event *m);
int tod_encode_time_announce(uint8_t *out, size_t outlen, const struct tod_time_announce *m);
int tod_encode_gnss_status(uint8_t *out, size_t outlen, const struct tod_gnss_status *m);

/* Decode a payload of the given id; -EBADMSG when the length is not the
 * table's. */
int tod_decode_time_event(const uint8_t *p, size_t n, struct tod_time_event *m);
int tod_decode_time_announce(const uint8_t *p, size_t n, struct tod_time_announce *m);
int tod_decode_gnss_status(const uint8_t *p, size_t n, struct tod_gnss_status *m);

/* One decoded frame from the stream. */
struct tod_frame {
	uint8_t cls, id;
	uint16_t len;
	uint8_t payload[TOD_MAX_PAYLOAD];
};

/*
 * Stream decoder.  Bytes go in as they arrive (any split); frames come out
 * whole.  Garbage before a sync pair is skipped and counted; a frame with a
 * bad FCS is counted and dropped and the search restarts one octet after
 * its sync characters (so a sync pair inside the bad frame is found);
 * a length over TOD_MAX_PAYLOAD is taken for noise the same way.
 */
struct tod_decoder {
	uint8_t buf[TOD_MAX_PAYLOAD + TOD_OVERHEAD];
	size_t n;
	/* counters */
	uint64_t frames, crc_errors, garbage_octets, too_long;
};

/* Feed n octets.  For each good frame calls cb(arg, frame).  Unknown class
 * or id still reaches cb (the caller skips it: its length is known). */
void tod_decoder_feed(struct tod_decoder *d, const uint8_t *p, size_t n,
		      void (*cb)(void *arg, const struct tod_frame *f), void *arg);

/*
 * NMEA 0183 sentences for consumers that speak only NMEA: ZDA (time and
 * date) and RMC (status A = valid / V = void, no position) of the UTC
 * second utc_s (s since 1970-01-01), as "$GP...*CS\r\n" with the XOR
 * checksum of the characters between '$' and '*'.  Return the length, or
 * -ENOSPC when out (len octets) is too short, -ERANGE for a time gmtime
 * cannot take.
 */
int tod_nmea_zda(char *out, size_t len, int64_t utc_s);
int tod_nmea_rmc(char *out, size_t len, int64_t utc_s, int valid);

#endif
