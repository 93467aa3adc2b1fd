/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * oc: the slave-only ordinary clock applet.  The protocol is the engine in
 * core/oc.c; this adapter parses the command line, opens the UDP sockets
 * and the clock, reads the lock-out file, serves management and runs the
 * loop: poll -> oc_rx / oc_tx_ts / oc_tick.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/oc.h"
#include "../hw/log.h"
#include "../core/util.h"
#include "applet.h"

static const char oc_usage[] =
	"usage: ptpbox oc [-f FILE] [-i IFACE] [-m] [-q] [-l LEVEL] [-4|-6] [-S|-H] "
	"[--KEY=VALUE ...]\n"
	"Slave-only ordinary clock: unicast discovery and negotiation with the masters of\n"
	"its [unicast_master_table], BMCA, E2E delay measurement and a servo\n"
	"(clock_servo envelope, linreg or pi).\n"
	"  -f FILE   configuration file (linuxptp syntax)\n"
	"  -i IFACE  interface\n"
	"  -m        print messages to stdout\n"
	"  -q        do not use syslog\n"
	"  -l LEVEL  logging level 0..7 (default 6)\n"
	"  -4 / -6   UDP over IPv4 / IPv6\n"
	"  -S / -H   software / hardware time stamping\n"
	"  --KEY=VALUE  any configuration key, e.g. --clock=soft --free_running=1\n";

struct oc_app {
	struct port_setup ps;
	struct oc *oc;
	struct mgmt_agent agent;
	struct metrics_file metrics;
};

static void rx(void *eng, int event, const struct net_addr *from, const uint8_t *buf, size_t len,
	       tmv_t rx_ts, tmv_t now)
{
	oc_rx(eng, event, from, buf, len, rx_ts, now);
}

static void tx_ts(void *eng, int id, tmv_t ts, tmv_t now)
{
	oc_tx_ts(eng, id, ts, now);
}

static void mgmt_rx(void *io, const struct ptp_msg *m, const struct net_addr *from)
{
	struct oc_app *a = container_of(io, struct oc_app, ps);
	mgmt_agent_udp(&a->agent, m, from);
}

static int mgmt_get(void *ctx, struct mgmt_value *v)
{
	struct oc_app *a = ctx;
	return oc_mgmt_get(a->oc, v, mono_now());
}

static int mgmt_set(void *ctx, const struct mgmt_value *v, int remote)
{
	struct oc_app *a = ctx;
	return oc_mgmt_set(a->oc, v, remote, mono_now());
}

/* lockout_file lists master addresses, one per line (G.8265.1 6.8.1); read
 * at start and on SIGHUP.  A missing file locks nobody out. */
static void read_lockout(struct oc_app *a)
{
	const char *path = cfg_str(a->ps.cfg, OPT_lockout_file);
	struct net_addr locked[CFG_MAX_TABLE_ENTRIES];
	char line[128];
	int n = 0;
	FILE *f;

	if (!*path) {
		return;
	}
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char addr[64];
			if (sscanf(line, "%63s", addr) != 1 || addr[0] == '#') {
				continue;
			}
			if (n == CFG_MAX_TABLE_ENTRIES ||
			    udp_addr_parse(a->ps.transport, addr, a->ps.iface, &locked[n])) {
				pr_warning("%s: %s: not an address, ignored", path, addr);
				continue;
			}
			n++;
		}
		fclose(f);
	}
	oc_lockout(a->oc, locked, n, path, mono_now());
}

static void fill_metrics(void *ctx, struct metrics_out *m, tmv_t now)
{
	struct oc_app *a = ctx;
	struct oc_status st;
	oc_status(a->oc, now, &st);
	metrics_oc(m, &st, oc_counters(a->oc));
}

int oc_main(int argc, char **argv)
{
	struct oc_app *a = calloc(1, sizeof(*a));
	struct eng_ops ops;
	struct eng_port port;
	char err[256];

	if (!a) {
		fprintf(stderr, "oc: out of memory\n");
		return EXIT_RUNTIME;
	}
	port_setup(&a->ps, argc, argv, "oc", CFG_ROLE_OC, oc_usage);
	port_eng_ops(&a->ps, &ops, &port);
	ops.mgmt = mgmt_rx;
	a->oc = oc_create(a->ps.cfg, &port, &ops, mono_now(), err, sizeof(err));
	if (!a->oc) {
		fprintf(stderr, "oc: %s\n", err);
		port_teardown(&a->ps);
		free(a);
		return EXIT_USAGE;
	}
	a->ps.cnt = (struct eng_counters *)oc_counters(a->oc);
	metrics_file_start(&a->metrics, a->ps.cfg, "oc", a->ps.iface, fill_metrics, a);
	if (mgmt_agent_open(&a->agent, &a->ps, mgmt_get, mgmt_set, a, err, sizeof(err))) {
		fprintf(stderr, "oc: %s\n", err);
		return EXIT_RUNTIME;
	}
	oc_tick(a->oc, mono_now()); /* start: LISTENING, first requests */
	read_lockout(a);

	while (!applet_stop) {
		tmv_t now = mono_now(), next = oc_tick(a->oc, now);
		int ready;

		next = eng_min(next, port_soft_truth(&a->ps, now));
		next = eng_min(next, metrics_file_tick(&a->metrics, now));
		ready = port_wait(&a->ps, next);
		if (ready & PORT_TXTS) {
			port_drain_txts(&a->ps, tx_ts, a->oc);
		}
		if (ready & PORT_GENERAL) {
			port_receive(&a->ps, 0, rx, a->oc);
		}
		if (ready & PORT_EVENT) {
			port_receive(&a->ps, 1, rx, a->oc);
		}
		if (ready & PORT_MGMT) {
			mgmt_agent_uds(&a->agent);
		}
		if (applet_reload) {
			applet_reload = 0;
			read_lockout(a);
		}
		/* a Delay_Req sent by the tick above: take its stamp early */
		port_drain_txts(&a->ps, tx_ts, a->oc);
	}
	oc_stop(a->oc, mono_now());
	oc_log_counters(a->oc);
	metrics_file_stop(&a->metrics);
	oc_destroy(a->oc);
	mgmt_agent_close(&a->agent);
	port_teardown(&a->ps);
	free(a);
	return 0;
}
