/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * oc: the slave-only ordinary clock applet.  The protocol is the engine in
 * core/oc.c; this adapter parses the command line, opens the UDP sockets
 * and the clock, reads the lock-out file, serves management and runs the
 * loop: poll -> oc_rx / oc_tx_ts / oc_tick.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/oc.h"
#include "../core/syncwait.h"
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
	"  --KEY=VALUE  any configuration key, e.g. --clock=soft --free_running=1\n"
	"  --wait-sync NS  exit 0 once the port is SLAVE and every offsetFromMaster of\n"
	"            the last --settle seconds was within +-NS ns (for init scripts)\n"
	"  --settle S       --wait-sync: how long the offsets must stay within, s (default 10)\n"
	"  --timeout T      --wait-sync: give up after T (90s, 500ms; a bare number: s)\n"
	"                   with exit status 1 and the reason (default: wait for ever)\n"
	"  --then-daemon    --wait-sync: keep serving in the background; the command\n"
	"                   exits 0 (in sync) or 1 (timed out) as soon as that is known\n";

/* --wait-sync and its options (not configuration keys: the run's, not the
 * clock's) */
struct wait_opts {
	int on, daemon;
	tmv_t limit, settle, timeout; /* ns; timeout 0: none */
};

struct oc_app {
	struct port_setup ps;
	struct oc *oc;
	struct mgmt_agent agent;
	struct metrics_file metrics;
	struct wait_opts wo;
	struct sync_wait sw;
	uint64_t samples; /* oc_status().samples seen */
	tmv_t start;	  /* monotonic ns */
	int report_fd;	  /* --then-daemon: the pipe to the waiting parent, -1: none */
	int waiting;	  /* --wait-sync: not decided yet */
	int in_sync;	  /* --wait-sync: the verdict */
	int phc_locked;	  /* sys_sync: the PHC has locked to a master */
};

static void wait_check(struct oc_app *a, tmv_t now);

/* eng: the oc_app; --wait-sync looks at every offset as it is measured */
static void rx(void *eng, int event, const struct net_addr *from, const uint8_t *buf, size_t len,
	       tmv_t rx_ts, tmv_t now)
{
	struct oc_app *a = eng;
	oc_rx(a->oc, event, from, buf, len, rx_ts, now);
	if (a->waiting) {
		wait_check(a, now);
	}
}

static void tx_ts(void *eng, int id, tmv_t ts, tmv_t now)
{
	oc_tx_ts(eng, id, ts, now);
}

static void mgmt_rx(void *io, const struct ptp_msg *m, const struct net_addr *from,
		    int authenticated)
{
	struct oc_app *a = container_of(io, struct oc_app, ps);
	mgmt_agent_udp(&a->agent, m, from, authenticated);
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
			const char *p = line;
			if (!str_word(&p, addr, sizeof(addr)) || addr[0] == '#') {
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
	struct servo_state_np sv;
	oc_status(a->oc, now, &st);
	oc_servo_state(a->oc, &sv);
	metrics_oc(m, &st, &sv, oc_counters(a->oc));
	port_sys_metrics(&a->ps, m, "oc");
}

/* A --wait-sync option at argv[*i] ("--NAME VALUE" or "--NAME=VALUE"):
 * its value (NULL: not this option), *i moved past it. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n)) {
		return NULL;
	}
	if (argv[*i][n] == '=') {
		return argv[*i] + n + 1;
	}
	if (argv[*i][n] || *i + 1 >= argc) {
		if (!argv[*i][n]) {
			fprintf(stderr, "oc: option %s needs a value (try --help)\n", name);
			exit(EXIT_USAGE);
		}
		return NULL;
	}
	return argv[++*i];
}

/* text as a number in lo..hi, times scale, to ns; exits on an error. */
static tmv_t opt_ns(const char *name, const char *text, double lo, double hi, double scale,
		    const char *unit)
{
	double v;
	if (opt_number("oc", name, text, lo, hi, unit, &v)) {
		exit(EXIT_USAGE);
	}
	return (tmv_t)llround(v * scale);
}

/* Take --wait-sync, --settle, --timeout and --then-daemon out of argv
 * (the rest is port_setup()'s); returns the new argc. */
static int wait_options(int argc, char **argv, struct wait_opts *w)
{
	int i, n = 1, given = 0;
	const char *v;

	w->settle = 10 * NS_PER_SEC;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "-i") || !strcmp(argv[i], "-l")) {
			argv[n++] = argv[i]; /* its value is no option of ours */
			if (i + 1 < argc) {
				argv[n++] = argv[++i];
			}
		} else if ((v = opt_value(argc, argv, &i, "--wait-sync"))) {
			w->on = 1;
			w->limit = opt_ns("--wait-sync", v, 0, 1e12, 1, "ns");
		} else if ((v = opt_value(argc, argv, &i, "--settle"))) {
			w->settle = opt_ns("--settle", v, 0, 86400, 1e9, "s");
			given = 1;
		} else if ((v = opt_value(argc, argv, &i, "--timeout"))) {
			w->timeout = opt_ns("--timeout", v, 0.001, 31536000, 1e9, "s");
			given = 1;
		} else if (!strcmp(argv[i], "--then-daemon")) {
			w->daemon = 1;
			given = 1;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	if (given && !w->on) {
		fprintf(stderr, "oc: --settle, --timeout and --then-daemon go with --wait-sync NS "
				"(try --help)\n");
		exit(EXIT_USAGE);
	}
	return n;
}

/* --then-daemon: fork; the parent waits for the child's verdict on a pipe
 * and exits with it ('S': 0, 'T': 1; the child gone without one: its own
 * status, or EXIT_RUNTIME); the child, in a session of its own, returns
 * the pipe's write end. */
static int go_background(void)
{
	int p[2], st;
	pid_t pid;
	ssize_t n;
	char c;

	fflush(stdout);
	fflush(stderr);
	if (pipe2(p, O_CLOEXEC) || (pid = fork()) < 0) {
		fprintf(stderr, "oc: --then-daemon: %s\n", strerror(errno));
		exit(EXIT_RUNTIME);
	}
	if (pid) {
		close(p[1]);
		while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR && !applet_stop) {
		}
		if (n == 1) {
			_exit(c == 'S' ? 0 : 1);
		}
		if (n < 0) {
			kill(pid, SIGTERM); /* we were told to stop: so is the clock */
		}
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
		}
		_exit(WIFEXITED(st) && WEXITSTATUS(st) ? WEXITSTATUS(st) : EXIT_RUNTIME);
	}
	close(p[0]);
	setsid();
	return p[1];
}

/* The --wait-sync verdict: in sync (1) or not (0, with why); said on
 * stdout / stderr, to the parent of --then-daemon, whose caller's output
 * then is let go (stdin, stdout and stderr on /dev/null: logging goes on
 * to syslog). */
static void verdict(struct oc_app *a, int in_sync, const char *why, tmv_t now)
{
	double t = (double)(now - a->start) / 1e9;
	char tail[64] = "";

	a->waiting = 0;
	a->in_sync = in_sync;
	if (a->report_fd >= 0) {
		snprintf(tail, sizeof(tail), "; running on as pid %d", (int)getpid());
	}
	if (in_sync) {
		printf("oc: in sync after %.1f s: offsetFromMaster within +-%lld ns for %.1f s, "
		       "last %lld ns%s\n",
		       t, (long long)a->wo.limit, (double)a->wo.settle / 1e9, (long long)a->sw.last,
		       tail);
		pr_notice("wait-sync: in sync after %.1f s (last offset %lld ns)", t,
			  (long long)a->sw.last);
	} else {
		char r[200];
		sync_wait_why(&a->sw, now, r, sizeof(r));
		fprintf(stderr, "oc: not in sync within +-%lld ns after %.1f s (%s): %s%s\n",
			(long long)a->wo.limit, t, why, r, tail);
		pr_notice("wait-sync: not in sync after %.1f s (%s): %s", t, why, r);
	}
	fflush(stdout);
	fflush(stderr);
	if (a->report_fd >= 0) {
		char c = in_sync ? 'S' : 'T';
		int fd;
		if (write(a->report_fd, &c, 1) != 1) {
			pr_err("wait-sync: telling the parent: %s", strerror(errno));
		}
		close(a->report_fd);
		a->report_fd = -1;
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	} else {
		applet_stop = 1; /* without --then-daemon the run ends with the verdict */
	}
}

/* After each datagram and round of the loop: in sync yet, or the time up? */
static void wait_check(struct oc_app *a, tmv_t now)
{
	struct oc_status st;
	int fresh;

	oc_status(a->oc, now, &st);
	fresh = st.samples != a->samples;
	a->samples = st.samples;
	if (sync_wait_update(&a->sw, st.state, fresh, st.offset, now)) {
		verdict(a, 1, "", now);
	} else if (a->wo.timeout && now - a->start >= a->wo.timeout) {
		verdict(a, 0, "timed out", now);
	}
}

/* sys_sync: the system clock follows the PHC once the PHC has locked to
 * a master (SLAVE, servo s2 or s3), and then also in holdover */
static tmv_t sys_tick(struct oc_app *a, tmv_t now)
{
	if (!a->ps.sys) {
		return INT64_MAX;
	}
	if (!a->phc_locked) {
		struct oc_status st;
		oc_status(a->oc, now, &st);
		a->phc_locked = st.state == PS_SLAVE && st.servo_state >= 2;
	}
	return port_sys_tick(&a->ps, now, oc_time_properties(a->oc), a->phc_locked);
}

int oc_main(int argc, char **argv)
{
	struct oc_app *a = calloc(1, sizeof(*a));
	struct eng_ops ops;
	struct eng_port port;
	char err[256];
	int rc = 0;

	if (!a) {
		fprintf(stderr, "oc: out of memory\n");
		return EXIT_RUNTIME;
	}
	a->report_fd = -1;
	argc = wait_options(argc, argv, &a->wo);
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
	if (port_sys_open(&a->ps, err, sizeof(err))) {
		fprintf(stderr, "oc: %s\n", err);
		return EXIT_RUNTIME;
	}
	oc_tick(a->oc, mono_now()); /* start: LISTENING, first requests */
	read_lockout(a);
	if (a->wo.on) {
		if (a->wo.daemon) {
			a->report_fd = go_background();
		}
		sync_wait_init(&a->sw, a->wo.limit, a->wo.settle);
		a->start = mono_now();
		a->waiting = 1;
	}

	while (!applet_stop) {
		tmv_t now = mono_now(), next = oc_tick(a->oc, now);
		int ready;

		next = eng_min(next, port_soft_truth(&a->ps, now));
		next = eng_min(next, metrics_file_tick(&a->metrics, now));
		next = eng_min(next, sys_tick(a, now));
		if (a->waiting && a->wo.timeout) {
			next = eng_min(next, a->start + a->wo.timeout);
		}
		ready = port_wait(&a->ps, next);
		if (ready & PORT_TXTS) {
			port_drain_txts(&a->ps, tx_ts, a->oc);
		}
		if (ready & PORT_GENERAL) {
			port_receive(&a->ps, 0, rx, a);
		}
		if (ready & PORT_EVENT) {
			port_receive(&a->ps, 1, rx, a);
		}
		if (ready & PORT_MGMT) {
			mgmt_agent_uds(&a->agent);
		}
		if (applet_reload) {
			applet_reload = 0;
			port_auth_reload(&a->ps);
			read_lockout(a);
		}
		/* a Delay_Req sent by the tick above: take its stamp early */
		port_drain_txts(&a->ps, tx_ts, a->oc);
		if (a->waiting) {
			wait_check(a, mono_now());
		}
	}
	if (a->waiting) {
		verdict(a, 0, "stopped", mono_now()); /* a signal came first */
	}
	/* --wait-sync: 1 when not in sync (a --then-daemon child, whose
	 * parent had the verdict, stops with 0 like any clock) */
	rc = a->wo.on && !a->wo.daemon && !a->in_sync ? 1 : 0;
	oc_stop(a->oc, mono_now());
	oc_log_counters(a->oc);
	port_log_auth(&a->ps);
	metrics_file_stop(&a->metrics);
	oc_destroy(a->oc);
	mgmt_agent_close(&a->agent);
	port_teardown(&a->ps);
	free(a);
	return rc;
}
