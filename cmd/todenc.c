/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * todenc: the G.8271 Annex A 1PPS+ToD serial channel.
 *   encode: once per second, the time event (and time announce, GNSS
 *           status) messages of the second that just started, sent between
 *           1 ms and 500 ms after the second boundary of the clock
 *           (A.1.3.1 items 3-5), to a serial device or stdout.
 *   decode: read a device, file or stdin; print every message, count CRC
 *           errors, noise and missing seconds.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "clock.h"
#include "config.h"
#include "serial.h"
#include "tod.h"

static const char todenc_usage[] =
	"usage: ptpbox todenc encode [options]   send the messages of each second\n"
	"       ptpbox todenc decode [options] [FILE|-]   print the messages read\n"
	"encode:\n"
	"  --dev DEV          serial device (raw 8N1), default stdout\n"
	"  --baud N           default 9600 (A.1.3.1)\n"
	"  --messages LIST    event,announce,gnss (default all three)\n"
	"  --once             the current second's messages at once, then exit\n"
	"  --hex              to stdout: hex, one frame per line (with --nmea, text)\n"
	"  --nmea             NMEA 0183 ZDA and RMC sentences (UTC) instead of Annex A\n"
	"  --count N          stop after N seconds\n"
	"  --delay MS         send MS ms after the edge (1..990, default 2)\n"
	"  --fix F            GNSS fix: 3d (default), time, 2d, dr, none\n"
	"  --gnss T           gps (default), galileo, glonass, beidou, qzss, irnss,\n"
	"                     multi, ptp, unknown\n"
	"  --alarms N         GNSS alarm bits (Table A.7), default 0x1000 (PPS generated)\n"
	"  --leap61 | --leap59  leap second pending\n"
	"  --untraceable      clear timeTraceable/frequencyTraceable\n"
	"  -f FILE, --KEY=VALUE  configuration as for gm: clock (soft, CLOCK_REALTIME,\n"
	"                     /dev/ptpN), utc_offset, clockClass, clockAccuracy,\n"
	"                     offsetScaledLogVariance, priority1, priority2,\n"
	"                     domainNumber, timeSource, clockIdentity\n"
	"decode:\n"
	"  --dev DEV          serial device (else FILE or stdin)\n"
	"  --baud N           default 9600\n"
	"  --json             one JSON object per message\n"
	"  --count N          stop after N frames; --timeout S after S s of silence\n"
	"Exit status: 0 done, 1 usage or configuration, 3 device or stream error.\n";

static const char *const gnss_names[] = { "beidou", "gps", "ptp", "galileo", "glonass",
					  "qzss", "irnss", "multi", "unknown" };
static const char *const fix_names[] = { "unknown", "dead-reckoning", "2D", "3D", "GNSS+DR",
					 "time-only", "A-GNSS", "GNSS+SBAS", "GNSS+GBAS" };

/* ---- encode ---- */

struct enc {
	int events, announce, gnss;
	int hex, once, nmea;
	long delay; /* ns after the edge */
	unsigned long long count;
	struct tod_time_event ev;
	struct tod_time_announce an;
	struct tod_gnss_status gs;
	int utc_offset_s; /* added to UTC clocks' seconds */
	struct clk *clk;
	int fd, tty;
	int baud;
};

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The frames of PTP second sec into out; returns the octet count. */
static size_t build(struct enc *e, uint64_t sec, uint8_t *out, size_t outlen, size_t *lens,
		    int *nframes)
{
	size_t n = 0;
	int k = 0, r;

	e->ev.seconds = sec;
	if (e->events && (r = tod_encode_time_event(out + n, outlen - n, &e->ev)) > 0) {
		n += (size_t)r;
		lens[k++] = (size_t)r;
	}
	if (e->announce && (r = tod_encode_time_announce(out + n, outlen - n, &e->an)) > 0) {
		n += (size_t)r;
		lens[k++] = (size_t)r;
	}
	if (e->gnss && (r = tod_encode_gnss_status(out + n, outlen - n, &e->gs)) > 0) {
		n += (size_t)r;
		lens[k++] = (size_t)r;
	}
	*nframes = k;
	return n;
}

static tmv_t clock_now(struct enc *e)
{
	tmv_t t = 0;
	clk_gettime(e->clk, &t);
	return t;
}

static void sleep_ns(tmv_t ns)
{
	struct timespec ts = tmv_to_timespec(ns);
	if (ns > 0) {
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	}
}

/* One second's output into buf: NMEA text, or Annex A frames with their
 * lengths in lens[*nframes].  Returns the octet count (0 on overflow). */
static size_t second_output(struct enc *e, long long sec, uint8_t *buf, size_t len, size_t *lens,
			    int *nframes)
{
	long long utc;
	int a, b;

	if (!e->nmea) {
		return build(e, (uint64_t)(sec + e->utc_offset_s), buf, len, lens, nframes);
	}
	/* UTC for NMEA: clock seconds on a UTC clock, PTP - offset on a TAI one */
	utc = sec + e->utc_offset_s - e->ev.current_utc_offset;
	*nframes = 0;
	a = tod_nmea_zda((char *)buf, len, utc);
	b = a > 0 ? tod_nmea_rmc((char *)buf + a, len - (size_t)a, utc, tod_gnss_usable(&e->gs))
		  : -1;
	return a > 0 && b > 0 ? (size_t)(a + b) : 0;
}

static int run_encode(struct enc *e)
{
	uint8_t buf[128];
	size_t lens[3];
	unsigned long long sent = 0, late = 0, skipped = 0;
	int nf, i;

	install_stop_handlers();
	while (!applet_stop && (!e->count || sent < e->count)) {
		struct timespec now = tmv_to_timespec(clock_now(e));
		tmv_t done;
		size_t n;
		int r;

		if (!e->once) {
			/* A.1.3.1 3): no sooner than 1 ms after the edge; aim at 2 ms
			 * (--delay) */
			sleep_ns(NS_PER_SEC - now.tv_nsec + e->delay);
			now = tmv_to_timespec(clock_now(e));
			if (applet_stop) {
				break;
			}
			if (now.tv_nsec < e->delay - 1000000) {
				sleep_ns(e->delay - now.tv_nsec);
				now = tmv_to_timespec(clock_now(e));
			}
			if (now.tv_nsec > 398000000 + e->delay) {
				/* woke too late to finish within 500 ms */
				skipped++;
				fprintf(stderr, "todenc: woke %ld ms after the second: skipped it\n",
					now.tv_nsec / 1000000);
				continue;
			}
		}
		n = second_output(e, (long long)now.tv_sec, buf, sizeof(buf), lens, &nf);
		if (e->hex && e->nmea) {
			fwrite(buf, 1, n, stdout);
			fflush(stdout);
		} else if (e->hex) {
			size_t off = 0;
			for (i = 0; i < nf; i++) {
				size_t k;
				for (k = 0; k < lens[i]; k++) {
					printf("%s%02x", k ? " " : "", buf[off + k]);
				}
				putchar('\n');
				off += lens[i];
			}
			fflush(stdout);
		} else if ((r = write_all(e->fd, buf, n)) < 0) {
			fprintf(stderr, "todenc: write: %s\n", strerror(-r));
			return EXIT_RUNTIME;
		}
		if (e->tty) {
			tcdrain(e->fd); /* on the wire: now check the 500 ms */
		}
		done = clock_now(e) - (tmv_t)now.tv_sec * NS_PER_SEC;
		if (!e->once && done > 498000000 + e->delay) {
			late++;
			fprintf(stderr, "todenc: second %lld finished %lld ms after the edge (> 500)\n",
				(long long)now.tv_sec, (long long)(done / 1000000));
		}
		sent++;
		if (e->once) {
			break;
		}
	}
	if (!e->once) {
		fprintf(stderr, "todenc: sent %llu seconds, late %llu, skipped %llu\n", sent, late,
			skipped);
	}
	return 0;
}

static int parse_fix(const char *v, uint8_t *fix)
{
	static const struct {
		const char *n;
		uint8_t v;
	} t[] = { { "3d", TOD_FIX_3D }, { "time", TOD_FIX_TIME_ONLY }, { "2d", TOD_FIX_2D },
		  { "dr", TOD_FIX_DEAD_RECKONING }, { "none", TOD_FIX_UNKNOWN } };
	size_t i;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(v, t[i].n)) {
			*fix = t[i].v;
			return 0;
		}
	}
	return -1;
}

static int encode_main(int argc, char **argv)
{
	struct enc e;
	struct default_ds dds;
	struct config *cfg = config_create(CFG_ROLE_GM);
	const char *dev = NULL, *file = NULL, *msgs = "event,announce,gnss";
	char err[512];
	int i, leap61 = 0, leap59 = 0, traceable = 1;
	long alarms = TOD_ALARM_PPS_GENERATED;
	uint8_t fix = TOD_FIX_3D, gnss = TOD_GNSS_GPS;
	const char *name;

	memset(&e, 0, sizeof(e));
	e.baud = 9600;
	e.delay = 2000000;
	e.fd = STDOUT_FILENO;
	if (!cfg) {
		fprintf(stderr, "todenc: out of memory\n");
		return EXIT_RUNTIME;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		if (!strcmp(a, "--dev") && v) {
			dev = v;
			i++;
		} else if (!strcmp(a, "--baud") && v) {
			e.baud = (int)strtol(v, &end, 10);
			i++;
		} else if (!strcmp(a, "--messages") && v) {
			msgs = v;
			i++;
		} else if (!strcmp(a, "--once")) {
			e.once = 1;
		} else if (!strcmp(a, "--nmea")) {
			e.nmea = 1;
		} else if (!strcmp(a, "--hex")) {
			e.hex = 1;
		} else if (!strcmp(a, "--count") && v) {
			e.count = strtoull(v, &end, 10);
			i++;
		} else if (!strcmp(a, "--delay") && v) {
			e.delay = strtol(v, &end, 10);
			if (e.delay < 1 || e.delay > 990) {
				end = (char *)"x";
			}
			e.delay *= 1000000;
			i++;
		} else if (!strcmp(a, "--fix") && v) {
			if (parse_fix(v, &fix)) {
				fprintf(stderr, "todenc: --fix %s: allowed 3d time 2d dr none\n", v);
				return EXIT_USAGE;
			}
			i++;
		} else if (!strcmp(a, "--gnss") && v) {
			size_t k;
			for (k = 0; k < sizeof(gnss_names) / sizeof(gnss_names[0]); k++) {
				if (!strcmp(v, gnss_names[k])) {
					break;
				}
			}
			if (k == sizeof(gnss_names) / sizeof(gnss_names[0])) {
				fprintf(stderr, "todenc: --gnss %s: allowed gps galileo glonass beidou "
						"qzss irnss multi ptp unknown\n", v);
				return EXIT_USAGE;
			}
			gnss = (uint8_t)k;
			i++;
		} else if (!strcmp(a, "--alarms") && v) {
			alarms = strtol(v, &end, 0);
			if (alarms < 0 || alarms > 0xFFFF) {
				end = (char *)"x";
			}
			i++;
		} else if (!strcmp(a, "--leap61")) {
			leap61 = 1;
		} else if (!strcmp(a, "--leap59")) {
			leap59 = 1;
		} else if (!strcmp(a, "--untraceable")) {
			traceable = 0;
		} else if (!strcmp(a, "-f") && v) {
			file = v;
			i++;
		} else if (!strncmp(a, "--", 2) && strchr(a, '=')) {
			char key[64];
			const char *eq = strchr(a, '=');
			snprintf(key, sizeof(key), "%.*s", (int)(eq - a - 2), a + 2);
			if (config_set(cfg, key, eq + 1)) {
				fprintf(stderr, "todenc: %s: unknown key\n", a);
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "todenc: encode: bad option %s (ptpbox todenc --help)\n", a);
			return EXIT_USAGE;
		}
		if (end && *end) {
			fprintf(stderr, "todenc: %s %s: not a number in range\n", a, v);
			return EXIT_USAGE;
		}
	}
	if (leap61 && leap59) {
		fprintf(stderr, "todenc: --leap61 and --leap59 together\n");
		return EXIT_USAGE;
	}
	e.events = strstr(msgs, "event") != NULL;
	e.announce = strstr(msgs, "announce") != NULL;
	e.gnss = strstr(msgs, "gnss") != NULL;
	if (!e.events && !e.announce && !e.gnss) {
		fprintf(stderr, "todenc: --messages %s: allowed event,announce,gnss\n", msgs);
		return EXIT_USAGE;
	}
	if ((file && config_read(cfg, file, NULL, err, sizeof(err))) ||
	    config_finish(cfg, err, sizeof(err))) {
		fprintf(stderr, "todenc: %s\n", err);
		return EXIT_USAGE;
	}
	name = cfg_str(cfg, OPT_clock);
	e.clk = clock_from_config(cfg, !strncmp(name, "/dev/", 5), NULL, err, sizeof(err));
	if (!e.clk) {
		fprintf(stderr, "todenc: %s\n", err);
		return EXIT_RUNTIME;
	}
	/* the time event carries PTP (TAI) seconds: a UTC clock gets the offset */
	e.utc_offset_s = e.clk->utc_timescale ? cfg_int(cfg, OPT_utc_offset) : 0;
	e.ev.flags = (uint8_t)((leap61 ? TOD_FLAG_LEAP61 : 0) | (leap59 ? TOD_FLAG_LEAP59 : 0) |
			       TOD_FLAG_UTC_OFFSET_VALID |
			       (traceable ? TOD_FLAG_TIME_TRACEABLE | TOD_FLAG_FREQ_TRACEABLE : 0));
	e.ev.current_utc_offset = (int16_t)cfg_int(cfg, OPT_utc_offset);
	/* Table A.5: what our Announce would carry (1588 13.5, flagField 13.3.2.8) */
	default_ds_from_config(cfg, &dds);
	e.an.version_ptp = 2;
	e.an.domain_number = dds.domainNumber;
	e.an.flag_field = (uint16_t)((leap61 ? 0x01 : 0) | (leap59 ? 0x02 : 0) | 0x04 | 0x08 |
				     (traceable ? 0x30 : 0));
	{
		struct clock_identity id;
		memset(&id, 0, sizeof(id));
		if (*cfg_str(cfg, OPT_clockIdentity) &&
		    parse_clock_id(cfg_str(cfg, OPT_clockIdentity), &id)) {
			fprintf(stderr, "todenc: clockIdentity %s: expected xxxxxx.xxxx.xxxxxx\n",
				cfg_str(cfg, OPT_clockIdentity));
			return EXIT_USAGE;
		}
		memcpy(e.an.clock_identity, id.id, 8);
		memcpy(e.an.gm_identity, id.id, 8);
	}
	e.an.port_number = 1;
	e.an.gm_priority1 = dds.priority1;
	e.an.gm_priority2 = dds.priority2;
	e.an.gm_clock_class = dds.clockQuality.clockClass;
	e.an.gm_clock_accuracy = dds.clockQuality.clockAccuracy;
	e.an.gm_offset_scaled_log_variance = dds.clockQuality.offsetScaledLogVariance;
	e.an.steps_removed = 0;
	e.an.time_source = (uint8_t)cfg_int(cfg, OPT_timeSource);
	e.gs.source_type = gnss;
	e.gs.fix = fix;
	e.gs.alarms = (uint16_t)alarms;
	if (dev && !e.hex) {
		e.fd = serial_open(dev, 1, e.baud, err, sizeof(err));
		if (e.fd < 0) {
			fprintf(stderr, "todenc: %s\n", err);
			return EXIT_RUNTIME;
		}
		e.tty = isatty(e.fd);
	}
	{
		/* A.1.3.1: the messages must fit 500 ms at this rate (10 bits
		 * an octet with start and stop bits) */
		uint8_t buf[128];
		size_t lens[3];
		int nf;
		size_t n = build(&e, 0, buf, sizeof(buf), lens, &nf);
		if ((double)n * 10 / e.baud > 0.499) {
			fprintf(stderr, "todenc: %zu octets take %.0f ms at %d baud: more than 500 ms\n",
				n, (double)n * 10000 / e.baud, e.baud);
			return EXIT_USAGE;
		}
	}
	i = run_encode(&e);
	if (e.fd != STDOUT_FILENO) {
		close(e.fd);
	}
	clk_destroy(e.clk);
	config_destroy(cfg);
	return i;
}

/* ---- decode ---- */

struct dec {
	int json;
	unsigned long long count;
	uint64_t n_event, n_announce, n_gnss, n_unknown, n_bad_len, gaps;
	uint64_t last_sec;
	int have_last;
	tmv_t rx_realtime; /* when the read that completed the frame returned */
};

static void print_clock_id(const uint8_t *id, char *out, size_t len)
{
	snprintf(out, len, "%02x%02x%02x.%02x%02x.%02x%02x%02x", id[0], id[1], id[2], id[3], id[4],
		 id[5], id[6], id[7]);
}

static void on_frame(void *arg, const struct tod_frame *f)
{
	struct dec *d = arg;
	double rx_ms = (double)tmv_to_timespec(d->rx_realtime).tv_nsec / 1e6;
	char id1[32], id2[32];

	if (f->cls == TOD_CLASS && f->id == TOD_ID_TIME_EVENT) {
		struct tod_time_event ev;
		if (tod_decode_time_event(f->payload, f->len, &ev)) {
			d->n_bad_len++;
			return;
		}
		d->n_event++;
		if (d->have_last && ev.seconds != d->last_sec + 1) {
			uint64_t miss = ev.seconds > d->last_sec ? ev.seconds - d->last_sec - 1 : 0;
			d->gaps++;
			fprintf(stderr, "todenc: gap: second %llu after %llu (%llu missing)\n",
				(unsigned long long)ev.seconds, (unsigned long long)d->last_sec,
				(unsigned long long)miss);
		}
		d->have_last = 1;
		d->last_sec = ev.seconds;
		if (d->json) {
			printf("{\"type\":\"time_event\",\"seconds\":%llu,\"flags\":%u,"
			       "\"leap61\":%s,\"leap59\":%s,\"utc_offset_valid\":%s,"
			       "\"time_traceable\":%s,\"frequency_traceable\":%s,"
			       "\"current_utc_offset\":%d,\"rx_ms\":%.3f}\n",
			       (unsigned long long)ev.seconds, ev.flags,
			       ev.flags & TOD_FLAG_LEAP61 ? "true" : "false",
			       ev.flags & TOD_FLAG_LEAP59 ? "true" : "false",
			       ev.flags & TOD_FLAG_UTC_OFFSET_VALID ? "true" : "false",
			       ev.flags & TOD_FLAG_TIME_TRACEABLE ? "true" : "false",
			       ev.flags & TOD_FLAG_FREQ_TRACEABLE ? "true" : "false",
			       ev.current_utc_offset, rx_ms);
		} else {
			printf("time event: %llu s PTP, currentUtcOffset %d, flags 0x%02x%s%s%s%s%s "
			       "(rx +%.1f ms)\n",
			       (unsigned long long)ev.seconds, ev.current_utc_offset, ev.flags,
			       ev.flags & TOD_FLAG_LEAP61 ? " leap61" : "",
			       ev.flags & TOD_FLAG_LEAP59 ? " leap59" : "",
			       ev.flags & TOD_FLAG_UTC_OFFSET_VALID ? " utcOffsetValid" : "",
			       ev.flags & TOD_FLAG_TIME_TRACEABLE ? " timeTraceable" : "",
			       ev.flags & TOD_FLAG_FREQ_TRACEABLE ? " frequencyTraceable" : "", rx_ms);
		}
	} else if (f->cls == TOD_CLASS && f->id == TOD_ID_TIME_ANNOUNCE) {
		struct tod_time_announce a;
		if (tod_decode_time_announce(f->payload, f->len, &a)) {
			d->n_bad_len++;
			return;
		}
		d->n_announce++;
		print_clock_id(a.gm_identity, id1, sizeof(id1));
		print_clock_id(a.clock_identity, id2, sizeof(id2));
		if (d->json) {
			printf("{\"type\":\"time_announce\",\"version\":%u,\"domain\":%u,"
			       "\"flag_field\":%u,\"source_port\":\"%s-%u\",\"priority1\":%u,"
			       "\"priority2\":%u,\"clock_class\":%u,\"clock_accuracy\":%u,"
			       "\"offset_scaled_log_variance\":%u,\"gm_identity\":\"%s\","
			       "\"steps_removed\":%u,\"time_source\":%u,\"rx_ms\":%.3f}\n",
			       a.version_ptp, a.domain_number, a.flag_field, id2, a.port_number,
			       a.gm_priority1, a.gm_priority2, a.gm_clock_class, a.gm_clock_accuracy,
			       a.gm_offset_scaled_log_variance, id1, a.steps_removed, a.time_source,
			       rx_ms);
		} else {
			printf("time announce: grandmaster %s clockClass %u clockAccuracy 0x%02x "
			       "offsetScaledLogVariance 0x%04x priority1 %u priority2 %u domain %u "
			       "stepsRemoved %u timeSource 0x%02x flagField 0x%04x (rx +%.1f ms)\n",
			       id1, a.gm_clock_class, a.gm_clock_accuracy,
			       a.gm_offset_scaled_log_variance, a.gm_priority1, a.gm_priority2,
			       a.domain_number, a.steps_removed, a.time_source, a.flag_field, rx_ms);
		}
	} else if (f->cls == TOD_CLASS && f->id == TOD_ID_GNSS_STATUS) {
		struct tod_gnss_status g;
		const char *type, *fix;
		if (tod_decode_gnss_status(f->payload, f->len, &g)) {
			d->n_bad_len++;
			return;
		}
		d->n_gnss++;
		type = g.source_type < 9 ? gnss_names[g.source_type] : "reserved";
		fix = g.fix < 9 ? fix_names[g.fix] : "reserved";
		if (d->json) {
			printf("{\"type\":\"gnss_status\",\"source\":\"%s\",\"fix\":\"%s\",\"fix_code\":%u,"
			       "\"alarms\":%u,\"rx_ms\":%.3f}\n",
			       type, fix, g.fix, g.alarms, rx_ms);
		} else {
			printf("gnss status: %s, fix %s, alarms 0x%04x%s%s%s (rx +%.1f ms)\n", type, fix,
			       g.alarms, g.alarms & TOD_ALARM_ANTENNA_OPEN ? " antenna-open" : "",
			       g.alarms & TOD_ALARM_NOT_TRACKING ? " not-tracking" : "",
			       g.alarms & TOD_ALARM_PPS_GENERATED ? " pps-generated" : "", rx_ms);
		}
	} else {
		d->n_unknown++;
		if (d->json) {
			printf("{\"type\":\"unknown\",\"class\":%u,\"id\":%u,\"length\":%u}\n", f->cls,
			       f->id, f->len);
		} else {
			printf("unknown message: class 0x%02x id 0x%02x, %u octets (skipped)\n", f->cls,
			       f->id, f->len);
		}
	}
	fflush(stdout);
}

static int decode_main(int argc, char **argv)
{
	struct dec d;
	struct tod_decoder td;
	const char *dev = NULL, *file = NULL;
	char err[256];
	int i, fd, baud = 9600, rc = 0;
	double timeout_s = 0;

	memset(&d, 0, sizeof(d));
	memset(&td, 0, sizeof(td));
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		if (!strcmp(a, "--dev") && v) {
			dev = v;
			i++;
		} else if (!strcmp(a, "--baud") && v) {
			baud = (int)strtol(v, &end, 10);
			i++;
		} else if (!strcmp(a, "--json")) {
			d.json = 1;
		} else if (!strcmp(a, "--count") && v) {
			d.count = strtoull(v, &end, 10);
			i++;
		} else if (!strcmp(a, "--timeout") && v) {
			timeout_s = strtod(v, &end);
			i++;
		} else if (a[0] != '-' || !strcmp(a, "-")) {
			file = a;
		} else {
			fprintf(stderr, "todenc: decode: bad option %s (ptpbox todenc --help)\n", a);
			return EXIT_USAGE;
		}
		if (end && *end) {
			fprintf(stderr, "todenc: %s %s: not a number\n", a, v);
			return EXIT_USAGE;
		}
	}
	if (dev) {
		fd = serial_open(dev, 0, baud, err, sizeof(err));
		if (fd < 0) {
			fprintf(stderr, "todenc: %s\n", err);
			return EXIT_RUNTIME;
		}
	} else if (file && strcmp(file, "-")) {
		fd = serial_open(file, 0, baud, err, sizeof(err));
		if (fd < 0) {
			fprintf(stderr, "todenc: %s\n", err);
			return EXIT_RUNTIME;
		}
	} else {
		fd = STDIN_FILENO;
	}
	install_stop_handlers();
	while (!applet_stop && (!d.count || td.frames < d.count)) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint8_t buf[512];
		struct timespec ts;
		ssize_t n;
		int r = poll(&p, 1, timeout_s > 0 ? (int)(timeout_s * 1000) : -1);

		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r == 0) {
			fprintf(stderr, "todenc: nothing for %g s\n", timeout_s);
			break;
		}
		n = read(fd, buf, d.count ? 1 : sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "todenc: read: %s\n", strerror(errno));
			rc = EXIT_RUNTIME;
			break;
		}
		if (n == 0) {
			break; /* end of file, or the writer closed the tty */
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		d.rx_realtime = (tmv_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
		tod_decoder_feed(&td, buf, (size_t)n, on_frame, &d);
	}
	fprintf(stderr,
		"todenc: frames %llu (time event %llu, time announce %llu, gnss status %llu, "
		"unknown %llu, bad length %llu), crc errors %llu, noise octets %llu, "
		"oversize %llu, gaps %llu\n",
		(unsigned long long)td.frames, (unsigned long long)d.n_event,
		(unsigned long long)d.n_announce, (unsigned long long)d.n_gnss,
		(unsigned long long)d.n_unknown, (unsigned long long)d.n_bad_len,
		(unsigned long long)td.crc_errors, (unsigned long long)td.garbage_octets,
		(unsigned long long)td.too_long, (unsigned long long)d.gaps);
	if (fd != STDIN_FILENO) {
		close(fd);
	}
	return rc;
}

int todenc_main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(todenc_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "encode")) {
		return encode_main(argc, argv);
	}
	if (!strcmp(argv[1], "decode")) {
		return decode_main(argc, argv);
	}
	fprintf(stderr, "todenc: %s: expected encode or decode (ptpbox todenc --help)\n", argv[1]);
	return EXIT_USAGE;
}
