/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gm: the unicast grandmaster applet.  The protocol is the engine in
 * core/gm.c; this adapter parses the command line, opens the UDP sockets,
 * the clock and the time source (source_state_file, or the ToD serial line
 * and PPS device of time_source tod or nmea), arms the PHC's 1PPS output
 * (pps_out_channel), serves management and runs the loop:
 * poll -> gm_rx / gm_tx_ts / gm_tick.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/gm.h"
#include "../core/nmea.h"
#include "../core/util.h"
#include "../hw/log.h"
#include "applet.h"
#include "pps.h"
#include "serial.h"

static const char gm_usage[] =
	"usage: ptpbox gm [-f FILE] [-i IFACE] [-m] [-q] [-l LEVEL] [-4|-6] [-S|-H] "
	"[--KEY=VALUE ...]\n"
	"Master-only unicast grandmaster: grants Announce, Sync and Delay_Resp to clients\n"
	"that ask by unicast negotiation.\n"
	"  -f FILE   configuration file (linuxptp syntax)\n"
	"  -i IFACE  interface\n"
	"  -m        print messages to stdout\n"
	"  -q        do not use syslog\n"
	"  -l LEVEL  logging level 0..7 (default 6)\n"
	"  -4 / -6   UDP over IPv4 / IPv6\n"
	"  -S / -H   software / hardware time stamping\n"
	"  --KEY=VALUE  any configuration key, e.g. --profile=ocp-dc\n";

/* time_source tod or nmea: the serial line and the PPS source the engine
 * is fed from (G.8271 Annex A frames, or NMEA sentences made into them). */
struct tod_io {
	int fd;
	struct tod_decoder dec;
	struct nmea_decoder nmea;
	int is_nmea; /* time_source nmea */
	struct pps_src *pps;
	tmv_t reopen_at; /* monotonic ns: next try to reopen tod_device */
};

struct gm_app {
	struct port_setup ps;
	struct gm *gm;
	struct mgmt_agent agent;
	struct tod_io *tod; /* time_source tod, else NULL */
	struct metrics_file metrics;
	int src_locked; /* sys_sync: time_source tod has locked the PHC */
	int out_fd;		 /* pps_out_channel: the PHC's fd, else -1 */
	const char *out_path;	 /* its device */
	unsigned long out_steps; /* gm_clock_steps() when it was last armed */
};

static void fill_metrics(void *ctx, struct metrics_out *m, tmv_t now)
{
	struct gm_app *a = ctx;
	struct gm_status st;
	(void)now;
	gm_status(a->gm, &st);
	metrics_gm(m, &st, gm_counters(a->gm));
	port_sys_metrics(&a->ps, m, "gm");
}

static void rx(void *eng, int event, const struct net_addr *from, const uint8_t *buf, size_t len,
	       tmv_t rx_ts, tmv_t now)
{
	gm_rx(eng, event, from, buf, len, rx_ts, now);
}

static void tx_ts(void *eng, int id, tmv_t ts, tmv_t now)
{
	gm_tx_ts(eng, id, ts, now);
}

static void mgmt_rx(void *io, const struct ptp_msg *m, const struct net_addr *from,
		    int authenticated)
{
	struct gm_app *a = container_of(io, struct gm_app, ps);
	mgmt_agent_udp(&a->agent, m, from, authenticated);
}

static int mgmt_get(void *ctx, struct mgmt_value *v)
{
	struct gm_app *a = ctx;
	return gm_mgmt_get(a->gm, v, mono_now());
}

static int mgmt_set(void *ctx, const struct mgmt_value *v, int remote)
{
	struct gm_app *a = ctx;
	return gm_mgmt_set(a->gm, v, remote, mono_now());
}

/* source_state_file: "locked", "lost" or "class N"; read at start and on
 * SIGHUP.  No file, or no such setting: locked.  A class the profile does
 * not allow (clockClass's values) stops the gm at start and leaves the
 * state as it was on SIGHUP, with file, value and the allowed values. */
static void read_source_state(struct gm_app *a, int at_start)
{
	const char *path = cfg_str(a->ps.cfg, OPT_source_state_file);
	char word[32] = "locked", num[16] = "", at[300], err[400];
	FILE *f;

	if (*path && (f = fopen(path, "r"))) {
		char line[128];
		const char *p = line;
		if (!fgets(line, sizeof(line), f) || !str_word(&p, word, sizeof(word))) {
			strcpy(word, "locked");
		}
		str_word(&p, num, sizeof(num));
		fclose(f);
	}
	snprintf(at, sizeof(at), "%s:1 (class)", path);
	if (!strcmp(word, "class") &&
	    config_check(a->ps.cfg, OPT_clockClass, num, at, err, sizeof(err))) {
		if (at_start) {
			fprintf(stderr, "gm: %s\n", err);
			exit(EXIT_USAGE);
		}
		pr_err("%s; source state unchanged", err);
		return;
	}
	if (!strcmp(word, "lost")) {
		gm_source(a->gm, GM_SRC_REQ_LOST, 0, mono_now());
	} else if (!strcmp(word, "class")) {
		gm_source(a->gm, GM_SRC_REQ_FORCED, atoi(num), mono_now());
	} else {
		if (strcmp(word, "locked")) {
			pr_warning("%s: '%s': expected locked, lost or class N; taking locked", path,
				   word);
		}
		gm_source(a->gm, GM_SRC_REQ_LOCKED, 0, mono_now());
	}
}

static void on_tod_frame(void *arg, const struct tod_frame *f)
{
	struct gm_app *a = arg;
	gm_tod_frame(a->gm, f, mono_now());
}

/* New PPS edges, what the serial channel has, and reopening it after a
 * hang-up (USB unplugged, the other end of a pty closed) once a second. */
static void tod_poll(struct gm_app *a, int readable)
{
	struct tod_io *t = a->tod;
	struct pps_edge e;
	tmv_t now;
	int r;

	while ((r = pps_fetch(t->pps, 0, &e)) == 1) {
		gm_tod_edge(a->gm, clk_from_raw(a->ps.clock, (tmv_t)e.sec * NS_PER_SEC + e.nsec),
			    mono_now());
		nmea_edge(&t->nmea, mono_now());
	}
	if (r < 0) {
		pr_err("tod: %s: %s", t->pps->name, strerror(-r));
	}
	now = mono_now();
	if (readable && t->fd >= 0) {
		uint8_t buf[256];
		ssize_t n = read(t->fd, buf, sizeof(buf));
		if (n > 0 && t->is_nmea) {
			nmea_feed(&t->nmea, buf, (size_t)n, now, on_tod_frame, a);
		} else if (n > 0) {
			tod_decoder_feed(&t->dec, buf, (size_t)n, on_tod_frame, a);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			pr_warning("tod: %s: %s; reopening", cfg_str(a->ps.cfg, OPT_tod_device),
				   n == 0 ? "end of input" : strerror(errno));
			close(t->fd);
			t->fd = a->ps.aux_fd = -1;
			t->reopen_at = now + NS_PER_SEC;
		}
	}
	if (t->fd < 0 && now >= t->reopen_at) {
		char err[256];
		t->fd = serial_open(cfg_str(a->ps.cfg, OPT_tod_device), 0,
				    cfg_int(a->ps.cfg, OPT_tod_baud), err, sizeof(err));
		a->ps.aux_fd = t->fd;
		t->reopen_at = now + NS_PER_SEC;
		if (t->fd >= 0) {
			pr_notice("tod: %s open again", cfg_str(a->ps.cfg, OPT_tod_device));
		}
	}
}

/* sys_sync: the system clock follows the PHC when a time source steers it
 * (time_source tod), once it has locked, and then also in holdover; a PHC
 * no source steers is no time to give the system clock */
static tmv_t sys_tick(struct gm_app *a, tmv_t now)
{
	if (!a->ps.sys) {
		return INT64_MAX;
	}
	if (!a->src_locked) { /* ps.sys: opened with time_source tod only */
		struct gm_status st;
		gm_status(a->gm, &st);
		a->src_locked = st.source == 0;
	}
	return port_sys_tick(&a->ps, now, gm_time_properties(a->gm), a->src_locked);
}

static int tod_open(struct gm_app *a, char *err, size_t errlen)
{
	struct tod_io *t = calloc(1, sizeof(*t));
	const char *dev = cfg_str(a->ps.cfg, OPT_tod_device);
	const char *pps = cfg_str(a->ps.cfg, OPT_pps_device);
	const char *src = cfg_int(a->ps.cfg, OPT_time_source) == TSRC_NMEA ? "nmea" : "tod";
	int ch = cfg_int(a->ps.cfg, OPT_extts_channel);

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	a->tod = t;
	t->fd = -1;
	if (!*dev || !*pps) {
		snprintf(err, errlen, "time_source %s needs tod_device and pps_device", src);
		return -1;
	}
	t->is_nmea = *src == 'n';
	nmea_init(&t->nmea, cfg_int(a->ps.cfg, OPT_utc_offset));
	t->fd = serial_open(dev, 0, cfg_int(a->ps.cfg, OPT_tod_baud), err, errlen);
	if (t->fd < 0) {
		return -1;
	}
	t->pps = ch >= 0 ? pps_extts_open(pps, (unsigned)ch, -1, err, errlen)
			 : pps_rfc2783_open(pps, err, errlen);
	if (!t->pps) {
		return -1;
	}
	a->ps.aux_fd = t->fd;
	pr_notice("time source %s: %s (%d baud), edge from %s", src, dev,
		  cfg_int(a->ps.cfg, OPT_tod_baud), t->pps->name);
	return 0;
}

static void tod_close(struct gm_app *a)
{
	struct tod_io *t = a->tod;
	if (!t) {
		return;
	}
	if (t->is_nmea) {
		const struct nmea_decoder *d = &t->nmea;
		pr_notice("nmea: %llu sentences, %llu paired, delay %lld ms; dropped (checksum, long, "
			  "field, no edge, window, jump) %llu %llu %llu %llu %llu %llu",
			  (unsigned long long)d->sentences, (unsigned long long)d->paired,
			  (long long)(d->delay / 1000000), (unsigned long long)d->err[0],
			  (unsigned long long)d->err[1], (unsigned long long)d->err[2],
			  (unsigned long long)d->err[3], (unsigned long long)d->err[4],
			  (unsigned long long)d->err[5]);
	} else {
		pr_notice("tod: frames %llu, crc errors %llu, noise octets %llu",
			  (unsigned long long)t->dec.frames, (unsigned long long)t->dec.crc_errors,
			  (unsigned long long)t->dec.garbage_octets);
	}
	if (t->fd >= 0) {
		close(t->fd);
	}
	pps_destroy(t->pps);
	free(t);
	a->tod = NULL;
}

/* pps_out_channel: a 1 Hz output whose rising edges fall on the PHC's
 * seconds, from the second 2..3 s after its now.  0 or -errno with a
 * message in err. */
static int pps_out_arm(struct gm_app *a, const char *why, char *err, size_t errlen)
{
	static const char *const how[] = { "PTP_PEROUT_REQUEST2, 500 ms high",
					   "PTP_PEROUT_REQUEST2", "PTP_PEROUT_REQUEST" };
	int ch = cfg_int(a->ps.cfg, OPT_pps_out_channel), pin = cfg_int(a->ps.cfg, OPT_pps_out_pin);
	long long start;
	tmv_t now;
	int r;

	a->out_steps = gm_clock_steps(a->gm);
	r = clk_gettime(a->ps.clock, &now);
	if (r) {
		snprintf(err, errlen, "%s: %s", a->out_path, strerror(-r));
		return r;
	}
	start = now / NS_PER_SEC + 3;
	r = pps_perout_start(a->out_fd, a->out_path, (unsigned)ch, start, err, errlen);
	if (r >= 0) {
		pr_notice("pps out: %s perout %d pin %d armed%s: 1 Hz, rising edge on each PHC "
			  "second from %lld (%s)",
			  a->out_path, ch, pin, why, start, how[r]);
	}
	return r < 0 ? r : 0;
}

/* pps_out_channel on the clock, a PHC; stops the gm when it cannot. */
static void pps_out_open(struct gm_app *a)
{
	int ch = cfg_int(a->ps.cfg, OPT_pps_out_channel), pin = cfg_int(a->ps.cfg, OPT_pps_out_pin);
	const char *clk = a->ps.clock->ops->name;
	char err[256];

	a->out_fd = -1;
	if (ch < 0) {
		if (pin >= 0) {
			fprintf(stderr, "gm: pps_out_pin %d without pps_out_channel\n", pin);
			exit(EXIT_USAGE);
		}
		return;
	}
	a->out_fd = clk_phc_fd(a->ps.clock, &a->out_path);
	if (a->out_fd < 0) {
		fprintf(stderr,
			"gm: pps_out_channel %d: the clock is %s, not a PHC: a 1PPS output "
			"needs clock auto or /dev/ptpN with time_stamping hardware\n",
			ch, strcmp(clk, "sys") ? clk : "CLOCK_REALTIME");
		exit(EXIT_USAGE);
	}
	if (pps_perout_setup(a->out_fd, a->out_path, (unsigned)ch, pin, err, sizeof(err)) ||
	    pps_out_arm(a, "", err, sizeof(err))) {
		fprintf(stderr, "gm: %s\n", err);
		exit(EXIT_RUNTIME);
	}
}

int gm_main(int argc, char **argv)
{
	struct gm_app *a = calloc(1, sizeof(*a));
	struct eng_ops ops;
	struct eng_port port;
	char err[256];
	tmv_t stop_by = 0; /* shutting down: the deadline, monotonic ns */

	if (!a) {
		fprintf(stderr, "gm: out of memory\n");
		return EXIT_RUNTIME;
	}
	port_setup(&a->ps, argc, argv, "gm", CFG_ROLE_GM, gm_usage);
	port_eng_ops(&a->ps, &ops, &port);
	ops.mgmt = mgmt_rx;
	a->gm = gm_create(a->ps.cfg, &port, &ops, mono_now(), err, sizeof(err));
	if (!a->gm) {
		fprintf(stderr, "gm: %s\n", err);
		return EXIT_USAGE;
	}
	a->ps.cnt = (struct eng_counters *)gm_counters(a->gm);
	if (port_batch_on(&a->ps)) {
		fprintf(stderr, "gm: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (cfg_int(a->ps.cfg, OPT_time_source) != TSRC_FILE) {
		if (tod_open(a, err, sizeof(err))) {
			fprintf(stderr, "gm: %s\n", err);
			return EXIT_RUNTIME;
		}
	} else {
		read_source_state(a, 1);
	}
	if (a->tod && port_sys_open(&a->ps, err, sizeof(err))) {
		fprintf(stderr, "gm: %s\n", err);
		return EXIT_RUNTIME;
	}
	pps_out_open(a);
	metrics_file_start(&a->metrics, a->ps.cfg, "gm", a->ps.iface, fill_metrics, a);
	if (mgmt_agent_open(&a->agent, &a->ps, mgmt_get, mgmt_set, a, err, sizeof(err))) {
		fprintf(stderr, "gm: %s\n", err);
		return EXIT_RUNTIME;
	}

	for (;;) {
		tmv_t now = mono_now(), next;
		int ready;

		/* the first SIGTERM/SIGINT: CANCEL the grants and serve until
		 * acknowledged (at most 3 s); a second one: at once */
		if (applet_stop) {
			if (stop_by) {
				break;
			}
			applet_stop = 0;
			gm_stop(a->gm, now);
			stop_by = now + 3 * NS_PER_SEC;
		}
		if (stop_by && (gm_stopped(a->gm) || now >= stop_by)) {
			break;
		}
		next = gm_tick(a->gm, now);
		if (stop_by) {
			next = eng_min(next, stop_by);
		}

		next = eng_min(next, port_soft_truth(&a->ps, now));
		next = eng_min(next, metrics_file_tick(&a->metrics, now));
		next = eng_min(next, sys_tick(a, now));
		/* the Syncs just sent: their stamps are on the error queue */
		port_drain_txts(&a->ps, tx_ts, a->gm);
		if (a->tod && now + 50000000 < next) {
			next = now + 50000000; /* PPS edges are fetched, not polled */
		}
		ready = port_wait(&a->ps, next);
		if (a->tod) {
			tod_poll(a, !!(ready & PORT_AUX));
		}
		/* a step moved the PHC's seconds away from the output's edges */
		if (a->out_fd >= 0 && gm_clock_steps(a->gm) != a->out_steps &&
		    pps_out_arm(a, " again after a clock step", err, sizeof(err))) {
			pr_err("pps out: %s", err);
		}
		if (ready & PORT_TXTS) {
			port_drain_txts(&a->ps, tx_ts, a->gm);
		}
		if (ready & PORT_EVENT) {
			port_receive(&a->ps, 1, rx, a->gm);
		}
		if (ready & PORT_GENERAL) {
			port_receive(&a->ps, 0, rx, a->gm);
		}
		if (ready & PORT_MGMT) {
			mgmt_agent_uds(&a->agent);
		}
		if (applet_reload) {
			applet_reload = 0;
			port_auth_reload(&a->ps);
			if (!a->tod) {
				read_source_state(a, 0);
			}
		}
	}
	gm_log_summary(a->gm);
	port_log_auth(&a->ps);
	if (a->out_fd >= 0) {
		/* no pulses from a clock that nobody steers any more */
		pps_perout_stop(a->out_fd, (unsigned)cfg_int(a->ps.cfg, OPT_pps_out_channel));
		pr_notice("pps out: %s perout %d off", a->out_path,
			  cfg_int(a->ps.cfg, OPT_pps_out_channel));
	}
	metrics_file_stop(&a->metrics);
	tod_close(a);
	gm_destroy(a->gm);
	mgmt_agent_close(&a->agent);
	port_teardown(&a->ps);
	free(a);
	return 0;
}
