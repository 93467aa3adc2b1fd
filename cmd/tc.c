/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tc: the end-to-end transparent clock applet over the member ports of a
 * Linux bridge.  The protocol is the engine in core/tc.c; this adapter
 * parses the command line, opens one AF_PACKET socket per port (hw/packet),
 * keeps the kernel bridge from forwarding PTP between those ports itself
 * (an nftables table), answers the engine's "which ports does this frame
 * leave by" from the bridge's forwarding database, and runs the loop:
 * poll -> tc_rx / tc_tx_ts / tc_tick.  The clock is never adjusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_bridge.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/tc.h"
#include "../core/util.h"
#include "../hw/hwtstamp.h"
#include "../hw/log.h"
#include "../hw/packet.h"
#include "../hw/udp.h"
#include "applet.h"

static const char tc_usage[] =
	"usage: ptpbox tc -i IFACE -i IFACE [-i IFACE ...] [-f FILE] [-m] [-q] [-l LEVEL]\n"
	"                 [-S|-H] [--print-nft] [--no-nft] [--KEY=VALUE ...] | --cleanup\n"
	"End-to-end transparent clock between the ports of a Linux bridge: PTP frames\n"
	"(UDP/IPv4, UDP/IPv6, Ethernet) crossing them get their residence time added to\n"
	"the correctionField; everything else the bridge forwards as before.\n"
	"  -i IFACE  a bridge port (2..16 of them; or [IFACE] sections in FILE)\n"
	"  -f FILE   configuration file (linuxptp syntax)\n"
	"  -m        print messages to stdout\n"
	"  -q        do not use syslog\n"
	"  -l LEVEL  logging level 0..7 (default 6)\n"
	"  -S / -H   software / hardware time stamping\n"
	"  --print-nft  print the nftables rules that keep the bridge from forwarding\n"
	"               PTP between the ports itself, and exit\n"
	"  --no-nft     do not install them (the system keeps PTP off the bridge)\n"
	"  --cleanup    remove the tables of killed tcs, and exit\n"
	"  --KEY=VALUE  any configuration key, e.g. --tc_egress=two_step\n"
	"Management (ptpbox pmc -u, linuxptp's pmc -u -s PATH) on the UNIX socket\n"
	"uds_address (default /var/run/ptpbox-tc): DEFAULT_DATA_SET,\n"
	"TRANSPARENT_CLOCK_DEFAULT_DATA_SET, TRANSPARENT_CLOCK_PORT_DATA_SET,\n"
	"PORT_STATS_NP and TC_PORT_STATS_NP (counters, residence, write-ahead error).\n";

#define TXQ_LEN 256   /* frames per port waiting for their transmit stamp */
#define TXQ_BYTES 128 /* of a frame kept to recognise its stamp */
#define FDB_MAX 8192  /* forwarding database entries read */

struct txq_ent {
	int id; /* 0: free (matched) */
	tmv_t deadline;
	size_t len;
	uint8_t bytes[TXQ_BYTES];
};

struct tc_port_io {
	const char *name;
	struct pkt *pkt;
	int port_no; /* bridge port number, -1: not known */
	struct txq_ent q[TXQ_LEN];
	int q_tail, q_n; /* oldest entry, entries in use */
};

struct fdb_ent {
	uint8_t mac[6];
	uint8_t is_local;
	int port_no;
};

struct tc_app {
	struct config *cfg;
	struct auth_db *sad;	/* sa_file, with spp set: on-path processing */
	struct auth_port *auth;
	struct clk *clk;
	struct tc *tc;
	int n;
	const char *names[TC_MAX_PORTS];
	char *file_names[TC_MAX_PORTS]; /* names from [IFACE] sections */
	struct tc_port_io port[TC_MAX_PORTS + 1]; /* 1..n */
	char bridge[IFNAMSIZ];
	struct fdb_ent *fdb;
	int fdb_n;
	tmv_t fdb_at; /* monotonic ns of the last read, 0: never */
	int next_id;
	tmv_t tx_timeout;
	char table[48]; /* nftables table installed, "" none */
	struct clock_identity identity;
	int mgmt_fd;		 /* management UNIX socket, -1 none */
	struct uds_file mgmt_uds;
	int mgmt_port;		 /* the port answering the request at hand */
	struct mgmt_uds_cnt mgmt_cnt;
	struct metrics_file metrics;
	uint8_t buf[2048];
};

static void fill_metrics(void *ctx, struct metrics_out *m, tmv_t now)
{
	struct tc_app *a = ctx;
	const struct tc_port_stats *st[TC_MAX_PORTS];
	const char *names[TC_MAX_PORTS];
	uint64_t rn, rr;
	double ppb;
	int i, syn;

	(void)now;
	for (i = 0; i < a->n; i++) {
		st[i] = tc_port_stats(a->tc, i + 1);
		names[i] = a->port[i + 1].name;
	}
	metrics_tc(m, a->n, names, st);
	syn = tc_rate_ratio(a->tc, &ppb, &rn, &rr);
	if (cfg_int(a->cfg, OPT_tc_syntonize)) {
		metrics_tc_rate(m, syn, ppb, rn, rr);
	}
}

static void die_usage(const char *msg)
{
	fprintf(stderr, "tc: %s\n", msg);
	exit(EXIT_USAGE);
}

/*
 * Transmit timestamps: per port, in the order sent.
 */
static void txq_pop(struct tc_app *a, struct tc_port_io *p, tmv_t now)
{
	struct txq_ent *e = &p->q[p->q_tail];
	if (e->id) {
		tc_tx_ts(a->tc, e->id, 0, now); /* never came */
		e->id = 0;
	}
	p->q_tail = (p->q_tail + 1) % TXQ_LEN;
	p->q_n--;
}

/* Give up on stamps past their deadline; returns the next deadline. */
static tmv_t txq_expire(struct tc_app *a, tmv_t now)
{
	tmv_t next = INT64_MAX;
	int i;
	for (i = 1; i <= a->n; i++) {
		struct tc_port_io *p = &a->port[i];
		while (p->q_n && (!p->q[p->q_tail].id || p->q[p->q_tail].deadline <= now)) {
			txq_pop(a, p, now);
		}
		if (p->q_n) {
			next = eng_min(next, p->q[p->q_tail].deadline);
		}
	}
	return next;
}

static void drain_txts(struct tc_app *a, struct tc_port_io *p)
{
	uint8_t pkt[TXQ_BYTES + 64];
	tmv_t raw;
	ssize_t n;
	int budget = TXQ_LEN;

	while (budget-- > 0 && (n = pkt_recv_txts(p->pkt, pkt, sizeof(pkt), &raw)) >= 0) {
		int i;
		for (i = 0; i < p->q_n; i++) {
			struct txq_ent *e = &p->q[(p->q_tail + i) % TXQ_LEN];
			size_t cmp = e->len < TXQ_BYTES ? e->len : TXQ_BYTES;
			/* the copy may be longer (padding) or cut to our buffer */
			if (e->id && (size_t)n >= cmp && !memcmp(pkt, e->bytes, cmp)) {
				int id = e->id;
				e->id = 0;
				tc_tx_ts(a->tc, id, raw ? clk_from_raw(a->clk, raw) : 0, mono_now());
				break;
			}
		}
	}
}

/* A UDP checksum the sender left to an offload (pkt_recv csum_partial):
 * computed in full before the frame goes on. */
static void udp_csum_fill(uint8_t *fr, size_t len)
{
	struct tc_frame f;

	if (!tc_frame_parse(fr, len, &f)) {
		tc_frame_udp_fill(fr, &f);
	}
}

/*
 * Engine ops
 */
static int io_send_frame(void *io, int port, const uint8_t *frame, size_t len, int want_ts)
{
	struct tc_app *a = io;
	struct tc_port_io *p;
	struct txq_ent *e;
	int r;

	if (port < 1 || port > a->n) {
		return -EINVAL;
	}
	p = &a->port[port];
	r = pkt_send(p->pkt, frame, len, want_ts);
	if (r < 0) {
		pr_debug("port %d (%s): send: %s", port, p->name, strerror(-r));
		return r;
	}
	if (!want_ts) {
		return 0;
	}
	if (p->q_n == TXQ_LEN) {
		txq_pop(a, p, mono_now());
	}
	e = &p->q[(p->q_tail + p->q_n++) % TXQ_LEN];
	e->id = a->next_id;
	a->next_id = a->next_id == INT_MAX ? 1 : a->next_id + 1;
	e->deadline = mono_now() + a->tx_timeout;
	e->len = len;
	memcpy(e->bytes, frame, len < TXQ_BYTES ? len : TXQ_BYTES);
	return e->id;
}

static void io_log(void *io, int level, const char *line)
{
	(void)io;
	pr_log(level, "%s", line);
}

/* /sys/class/net/IFACE/brport/port_no ("0x3"), -1 when not a bridge port */
static int read_port_no(const char *iface)
{
	char path[96], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/brport/port_no", iface);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		return -1;
	}
	buf[n] = 0;
	return (int)strtol(buf, NULL, 0);
}

/* The bridge's forwarding database: /sys/class/net/BRIDGE/brforward holds
 * struct __fdb_entry records. */
static void fdb_read(struct tc_app *a)
{
	struct __fdb_entry rec[64];
	char path[96];
	ssize_t n;
	int fd, i;

	for (i = 1; i <= a->n; i++) {
		a->port[i].port_no = read_port_no(a->port[i].name);
	}
	a->fdb_n = 0;
	snprintf(path, sizeof(path), "/sys/class/net/%s/brforward", a->bridge);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return;
	}
	while (a->fdb_n < FDB_MAX && (n = read(fd, rec, sizeof(rec))) > 0) {
		for (i = 0; i < n / (ssize_t)sizeof(rec[0]) && a->fdb_n < FDB_MAX; i++) {
			struct fdb_ent *e = &a->fdb[a->fdb_n++];
			memcpy(e->mac, rec[i].mac_addr, 6);
			e->is_local = rec[i].is_local;
			e->port_no = rec[i].port_no | rec[i].port_hi << 8;
		}
	}
	close(fd);
}

static uint32_t io_egress(void *io, int in_port, const uint8_t *frame, size_t len)
{
	struct tc_app *a = io;
	uint32_t all = (uint32_t)((2ull << a->n) - 2); /* bits 1..n */
	tmv_t now;
	int i, p;

	(void)in_port;
	if (len < 6 || (frame[0] & 1)) {
		return all; /* multicast, broadcast */
	}
	now = mono_now();
	if (!a->fdb_at || now - a->fdb_at >= NS_PER_SEC) {
		fdb_read(a);
		a->fdb_at = now;
	}
	for (i = 0; i < a->fdb_n; i++) {
		const struct fdb_ent *e = &a->fdb[i];
		if (memcmp(e->mac, frame, 6)) {
			continue;
		}
		if (e->is_local) {
			return 0; /* for the bridge host itself */
		}
		for (p = 1; p <= a->n; p++) {
			if (a->port[p].port_no == e->port_no) {
				return 1u << p;
			}
		}
		return 0; /* a port of the bridge that is not ours: it forwards */
	}
	return all; /* unknown unicast: flooded, as the bridge would */
}

/*
 * nftables: the bridge must not forward PTP between our ports itself.
 */
static int nft_ruleset(const struct tc_app *a, const char *table, char *buf, size_t len)
{
	char set[TC_MAX_PORTS * (IFNAMSIZ + 4) + 8];
	size_t off = 0;
	int i, n;

	off += (size_t)snprintf(set, sizeof(set), "{ ");
	for (i = 1; i <= a->n; i++) {
		off += (size_t)snprintf(set + off, sizeof(set) - off, "\"%s\"%s", a->port[i].name,
					i < a->n ? ", " : " }");
	}
	n = snprintf(buf, len,
		     "table bridge %s {\n"
		     "\tchain ptp_forward {\n"
		     "\t\ttype filter hook forward priority filter - 1; policy accept;\n"
		     "\t\tiifname %s oifname %s udp dport { 319, 320 } drop\n"
		     "\t\tiifname %s oifname %s ether type 0x88f7 drop\n"
		     "\t\tiifname %s oifname %s vlan type 0x88f7 drop\n"
		     "\t}\n"
		     "}\n",
		     table, set, set, set, set, set, set);
	return n > 0 && (size_t)n < len ? 0 : -ENOSPC;
}

/* nft by its usual paths, then PATH; NULL when there is none. */
static const char *nft_path(char *buf, size_t len)
{
	static const char *const fixed[] = { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" };
	const char *path = getenv("PATH"), *s;
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!access(fixed[i], X_OK)) {
			return fixed[i];
		}
	}
	for (s = path; s && *s;) {
		const char *e = strchr(s, ':');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (l && (size_t)snprintf(buf, len, "%.*s/nft", (int)l, s) < len &&
		    !access(buf, X_OK)) {
			return buf;
		}
		s = e ? e + 1 : NULL;
	}
	return NULL;
}

/* Run `nft -f -` with input on its standard input; out (outlen > 0) gets
 * what it prints, NUL-terminated.  0, or -1 (nft said why on stderr). */
static int nft_run(const char *nft, const char *input, char *out, size_t outlen)
{
	size_t len = strlen(input), off = 0, got = 0;
	int in[2], o[2] = { -1, -1 }, st = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC)) {
		return -1;
	}
	if (outlen && pipe2(o, O_CLOEXEC)) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || (outlen && dup2(o[1], 1) < 0)) {
			_exit(127);
		}
		execl(nft, "nft", "-f", "-", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	if (outlen) {
		close(o[1]);
	}
	while (pid > 0 && off < len) { /* a few hundred octets: fits the pipe */
		ssize_t w = write(in[1], input + off, len - off);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			break;
		}
		off += (size_t)w;
	}
	close(in[1]);
	while (pid > 0 && outlen) {
		ssize_t r = read(o[0], out + got, outlen - 1 - got);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0 || (got += (size_t)r) == outlen - 1) {
			break;
		}
	}
	if (outlen) {
		out[got] = 0;
		close(o[0]);
	}
	while (pid > 0 && waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			return -1;
		}
	}
	return pid > 0 && off == len && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Tables of earlier runs that were killed before they could remove them
 * (SIGKILL): ptpbox_tc_PID whose PID no longer runs.  0, or EXIT_RUNTIME
 * when nft failed. */
static int nft_sweep(const char *nft)
{
	static const char tag[] = "table bridge ptpbox_tc_";
	char out[4096], cmd[1024], *p, *end;
	size_t off = 0;

	if (nft_run(nft, "list tables bridge\n", out, sizeof(out))) {
		return EXIT_RUNTIME;
	}
	for (p = out; (p = strstr(p, tag)); p = end) {
		long pid = strtol(p + sizeof(tag) - 1, &end, 10);
		if (end != p + sizeof(tag) - 1 && (*end == '\n' || !*end) && pid > 0 &&
		    kill((pid_t)pid, 0) && errno == ESRCH && off + 64 < sizeof(cmd)) {
			off += (size_t)snprintf(cmd + off, sizeof(cmd) - off,
						"delete table bridge ptpbox_tc_%ld\n", pid);
			pr_notice("removing nftables table bridge ptpbox_tc_%ld: process %ld is gone",
				  pid, pid);
		}
	}
	if (off && nft_run(nft, cmd, NULL, 0)) {
		pr_warning("could not remove the tables of earlier runs");
		return EXIT_RUNTIME;
	}
	return 0;
}

/* A fatal signal other than SIGTERM and SIGINT (which end the loop):
 * the table removed (fork and exec are async-signal-safe), then the
 * signal's default action (SA_RESETHAND) once the handler returns. */
static const char *fatal_nft, *fatal_table;
static void on_fatal(int sig)
{
	pid_t p = fork();

	if (!p) {
		execl(fatal_nft, "nft", "delete", "table", "bridge", fatal_table, (char *)NULL);
		_exit(127);
	}
	if (p > 0) {
		waitpid(p, NULL, 0);
	}
	raise(sig);
}

static void nft_remove(struct tc_app *a)
{
	char nftbuf[PATH_MAX], cmd[96];
	const char *nft;

	if (!a->table[0]) {
		return;
	}
	nft = nft_path(nftbuf, sizeof(nftbuf));
	snprintf(cmd, sizeof(cmd), "delete table bridge %s\n", a->table);
	if (!nft || nft_run(nft, cmd, NULL, 0)) {
		pr_err("could not remove nftables table bridge %s: remove it by hand", a->table);
	} else {
		pr_info("removed nftables table bridge %s", a->table);
	}
	a->table[0] = 0;
}

/*
 * Setup
 */

/* [IFACE] section names of a configuration file (port sections). */
static void file_ports(struct tc_app *a, const char *file)
{
	char line[512];
	FILE *f = fopen(file, "r");

	if (!f) {
		return; /* config_read() reports it */
	}
	while (fgets(line, sizeof(line), f) && a->n < TC_MAX_PORTS) {
		char *s = str_trim(line), *e;
		if (*s != '[' || !(e = strchr(s, ']'))) {
			continue;
		}
		*e = 0;
		s = str_trim(s + 1);
		if (*s && strcmp(s, "global") && strcmp(s, "unicast_master_table")) {
			a->file_names[a->n] = strdup(s);
			a->names[a->n] = a->file_names[a->n];
			a->n++;
		}
	}
	fclose(f);
}

/* The bridge all ports belong to, into a->bridge; exits when they do not
 * share one. */
static void find_bridge(struct tc_app *a)
{
	char path[96], link[PATH_MAX];
	int i;

	for (i = 1; i <= a->n; i++) {
		const char *br;
		ssize_t l;
		snprintf(path, sizeof(path), "/sys/class/net/%s/master", a->port[i].name);
		l = readlink(path, link, sizeof(link) - 1);
		if (l < 0) {
			fprintf(stderr, "tc: %s is not a bridge port\n", a->port[i].name);
			exit(EXIT_RUNTIME);
		}
		link[l] = 0;
		br = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		if (i == 1) {
			if (strlen(br) >= sizeof(a->bridge)) {
				fprintf(stderr, "tc: %s: bridge name too long\n", a->port[i].name);
				exit(EXIT_RUNTIME);
			}
			memcpy(a->bridge, br, strlen(br) + 1);
		} else if (strcmp(a->bridge, br)) {
			fprintf(stderr, "tc: %s is a port of %s, %s of %s: one bridge only\n",
				a->port[1].name, a->bridge, a->port[i].name, br);
			exit(EXIT_RUNTIME);
		}
		if (read_port_no(a->port[i].name) < 0) {
			fprintf(stderr, "tc: %s: no bridge port number (%s is not a bridge?)\n",
				a->port[i].name, br);
			exit(EXIT_RUNTIME);
		}
	}
}

static int mgmt_get(void *ctx, struct mgmt_value *v)
{
	struct tc_app *a = ctx;
	return tc_mgmt_get(a->tc, v, a->mgmt_port);
}

/* Answer k of a request from the management socket: a clock-level id
 * once, a port-level one from each port it targets (1..n, or all for the
 * wildcard 0xffff), in port order (15.3). */
static int mgmt_answer_tc(void *ctx, const struct ptp_msg *m, int k, struct ptp_msg *resp,
			  uint8_t *tbuf, size_t room)
{
	struct tc_app *a = ctx;
	struct mgmt_ops ops = { mgmt_get, NULL, a };
	struct mgmt_self self;
	struct mgmt_req r;

	if (mgmt_parse(m, &r)) {
		return 0;
	}
	if (!k) {
		a->mgmt_port = 0;
	}
	memset(&self, 0, sizeof(self));
	self.clockIdentity = a->identity;
	self.allow_set = 1; /* local; there is nothing to SET: NOT_SUPPORTED */
	while (++a->mgmt_port <= a->n) {
		if (!mgmt_port_level(r.id) && a->mgmt_port > 1) {
			return 0;
		}
		self.portNumber = (uint16_t)a->mgmt_port;
		if (mgmt_answer(&self, &ops, m, 0, resp, tbuf, room)) {
			return 1;
		}
	}
	return 0;
}

/* clockIdentity: the configuration's, else the bridge's EUI-48 and 00 02
 * (OCP 7.5, 1588-2019 7.5.2.2.2; the gm appends 00 00, the oc 00 01) */
static void tc_identity(struct tc_app *a)
{
	uint8_t mac[6];

	if (clock_id_given(a->cfg)) {
		if (parse_clock_id(cfg_str(a->cfg, OPT_clockIdentity), &a->identity)) {
			die_usage("clockIdentity: expected the form 001122.3344.556677");
		}
		return;
	}
	if ((udp_iface_mac(a->bridge, mac) && udp_iface_mac(a->port[1].name, mac)) ||
	    !eui48_usable(mac)) {
		fprintf(stderr, "tc: %s: no MAC address to form a clockIdentity from: set "
				"clockIdentity\n", a->bridge);
		exit(EXIT_RUNTIME);
	}
	memcpy(a->identity.id, mac, 6);
	a->identity.id[6] = 0x00;
	a->identity.id[7] = 0x02;
}

int tc_main(int argc, char **argv)
{
	struct tc_app *a = calloc(1, sizeof(*a));
	const char *file = NULL, *nft = NULL;
	int i, verbose = -1, quiet = 0, level = -1, print_nft = 0, no_nft = 0, hw, rc = 0, phc = -1;
	int cleanup = 0;
	const char *phc_path;
	char err[512], nftbuf[PATH_MAX];
	struct sigaction sa;
	struct tc_ops ops;
	int log_level;
	tmv_t summary = 0, next_summary = INT64_MAX;

	if (!a) {
		fprintf(stderr, "tc: out of memory\n");
		return EXIT_RUNTIME;
	}
	a->next_id = 1;
	a->mgmt_fd = -1;
	a->cfg = config_create(CFG_ROLE_TC);
	a->fdb = calloc(FDB_MAX, sizeof(*a->fdb));
	if (!a->cfg || !a->fdb) {
		fprintf(stderr, "tc: out of memory\n");
		return EXIT_RUNTIME;
	}
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			fputs(tc_usage, stdout);
			return 0;
		} else if (!strcmp(s, "-f") || !strcmp(s, "-i") || !strcmp(s, "-l")) {
			if (i + 1 >= argc) {
				snprintf(err, sizeof(err), "option %s needs a value (try --help)", s);
				die_usage(err);
			}
			if (s[1] == 'f') {
				file = argv[++i];
			} else if (s[1] == 'i') {
				if (a->n == TC_MAX_PORTS) {
					die_usage("too many ports (at most 16)");
				}
				a->names[a->n++] = argv[++i];
			} else {
				char *end;
				level = (int)strtol(argv[++i], &end, 10);
				if (*end || level < 0 || level > 7) {
					die_usage("-l: level 0..7");
				}
			}
		} else if (!strcmp(s, "-m")) {
			verbose = 1;
		} else if (!strcmp(s, "-q")) {
			quiet = 1;
		} else if (!strcmp(s, "-S") || !strcmp(s, "-H")) {
			config_set(a->cfg, "time_stamping", s[1] == 'S' ? "software" : "hardware");
		} else if (!strcmp(s, "--print-nft")) {
			print_nft = 1;
		} else if (!strcmp(s, "--no-nft")) {
			no_nft = 1;
		} else if (!strcmp(s, "--cleanup")) {
			cleanup = 1;
		} else if (!strncmp(s, "--", 2) && s[2]) {
			const char *e = long_opt_set(a->cfg, argc, argv, &i, err, sizeof(err));
			if (e) {
				die_usage(e);
			}
		} else {
			char q[64];
			str_escape(q, sizeof(q), s); /* a terminal's control codes */
			snprintf(err, sizeof(err), "unknown argument '%s' (try --help)", q);
			die_usage(err);
		}
	}
	if (file && !a->n) {
		file_ports(a, file);
	}
	if (file && config_read(a->cfg, file, a->n ? a->names[0] : NULL, err, sizeof(err))) {
		die_usage(err);
	}
	if (config_finish(a->cfg, err, sizeof(err))) {
		die_usage(err);
	}
	if (cleanup) { /* the tables of tcs that are gone (SIGKILL) */
		log_from_config(a->cfg, "tc", verbose, quiet, level);
		nft = nft_path(nftbuf, sizeof(nftbuf));
		if (!nft) {
			fputs("tc: nft not found\n", stderr);
			return EXIT_RUNTIME;
		}
		return nft_sweep(nft);
	}
	if (a->n < 2) {
		die_usage("give at least two ports: -i IFACE -i IFACE, or [IFACE] sections (try "
			  "--help)");
	}
	for (i = 1; i <= a->n; i++) {
		int j;
		a->port[i].name = a->names[i - 1];
		a->port[i].port_no = -1;
		if (!a->port[i].name || strlen(a->port[i].name) >= IFNAMSIZ) {
			die_usage("interface name too long");
		}
		for (j = 1; j < i; j++) {
			if (!strcmp(a->port[j].name, a->port[i].name)) {
				snprintf(err, sizeof(err), "port %s given twice", a->port[i].name);
				die_usage(err);
			}
		}
	}
	if (print_nft) {
		char rules[2048];
		if (nft_ruleset(a, "ptpbox_tc", rules, sizeof(rules))) {
			die_usage("too many port names for the nftables rules");
		}
		fputs(rules, stdout);
		return 0;
	}

	log_level = log_from_config(a->cfg, "tc", verbose, quiet, level);
	log_notices(a->cfg);

	hw = cfg_int(a->cfg, OPT_time_stamping) == TS_HARDWARE;
	if (!strcmp(config_profile_name(a->cfg), "g8265.1")) {
		/* G.8265.1 Annex A: no transparent (or boundary) clocks */
		die_usage("profile g8265.1 has no transparent clocks (G.8265.1 Annex A): use "
			  "profile default or ocp-dc");
	}
	if (cfg_int(a->cfg, OPT_delay_mechanism) != DM_E2E) {
		die_usage("delay_mechanism: the transparent clock is end-to-end only (E2E)");
	}
	for (i = 1; i <= a->n; i++) {
		iface_check("tc", a->port[i].name);
	}
	find_bridge(a);
	if (!no_nft) {
		nft = nft_path(nftbuf, sizeof(nftbuf));
		if (!nft) {
			fprintf(stderr, "tc: nft not found: install nftables, or run with --no-nft "
					"and keep %s from forwarding PTP between the ports (--print-nft "
					"prints the rules)\n",
				a->bridge);
			return EXIT_RUNTIME;
		}
	}
	for (i = 1; i <= a->n; i++) {
		a->port[i].pkt = pkt_open(a->port[i].name, hw, err, sizeof(err));
		if (!a->port[i].pkt) {
			fprintf(stderr, "tc: %s\n", err);
			return EXIT_RUNTIME;
		}
		if (hw) {
			struct ts_info ti, t1;
			if (hwts_info(pkt_fd(a->port[i].pkt), a->port[i].name, &ti) ||
			    hwts_info(pkt_fd(a->port[1].pkt), a->port[1].name, &t1) ||
			    ti.phc_index != t1.phc_index) {
				fprintf(stderr,
					"tc: %s and %s stamp with different clocks: hardware time "
					"stamps need one PHC for all ports (or use -S)\n",
					a->port[1].name, a->port[i].name);
				return EXIT_RUNTIME;
			}
			phc = t1.phc_index;
		}
	}
	/* with hardware stamps the residence is stamp minus stamp on the
	 * ports' PHC, and one-step writes it up to a reading of the clock: a
	 * clock other than that PHC would put another time base into it */
	if (hw && strcmp(cfg_str(a->cfg, OPT_clock), "auto")) {
		char want[32];
		snprintf(want, sizeof(want), "/dev/ptp%d", phc);
		if (strcmp(cfg_str(a->cfg, OPT_clock), want)) {
			fprintf(stderr,
				"tc: clock %s: %s stamps with %s: the transparent clock's clock is its "
				"ports' PHC (clock auto)\n",
				cfg_str(a->cfg, OPT_clock), a->port[1].name, want);
			return EXIT_RUNTIME;
		}
	}
	a->clk = clock_from_config(a->cfg, hw, a->port[1].name, err, sizeof(err));
	if (!a->clk) {
		fprintf(stderr, "tc: %s\n", err);
		return EXIT_RUNTIME;
	}
	a->tx_timeout = (tmv_t)cfg_int(a->cfg, OPT_tx_timestamp_timeout) * 1000000;
	if (auth_from_config(a->cfg, 1, &a->sad, &a->auth, err, sizeof(err))) {
		fprintf(stderr, "tc: %s\n", err);
		return EXIT_USAGE;
	}

	memset(&ops, 0, sizeof(ops));
	ops.eng.auth = a->auth;
	ops.eng.log = io_log;
	ops.eng.clk = a->clk;
	ops.eng.io = a;
	ops.eng.log_level = log_level;
	ops.send_frame = io_send_frame;
	ops.egress = io_egress;
	tc_identity(a);
	a->tc = tc_create(a->cfg, &a->identity, a->n, a->names, &ops, err, sizeof(err));
	if (!a->tc) {
		fprintf(stderr, "tc: %s\n", err);
		return EXIT_USAGE;
	}
	/* before the socket and the nftables rules: it may stop the tc */
	metrics_file_start(&a->metrics, a->cfg, "tc", "", fill_metrics, a);
	install_stop_handlers();
	a->mgmt_fd = mgmt_uds_open(cfg_str(a->cfg, OPT_uds_address), "tc", &a->mgmt_uds, err,
				   sizeof(err));
	if (a->mgmt_fd == -2) {
		fprintf(stderr, "tc: %s\n", err);
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (no_nft) {
		pr_notice("not installing nftables rules (--no-nft): the bridge must not forward "
			  "PTP itself");
	} else {
		char rules[2048];
		snprintf(a->table, sizeof(a->table), "ptpbox_tc_%ld", (long)getpid());
		nft_sweep(nft);
		if (nft_ruleset(a, a->table, rules, sizeof(rules)) || nft_run(nft, rules, NULL, 0)) {
			fprintf(stderr, "tc: could not install nftables table bridge %s with %s\n",
				a->table, nft);
			a->table[0] = 0;
			rc = EXIT_RUNTIME;
			goto out;
		}
		pr_info("installed nftables table bridge %s", a->table);
		/* every other signal whose default ends the process, but
		 * SIGKILL: HUP and USR1 are caught, PIPE ignored (a closed
		 * log pipe does not stop the tc), CHLD, CONT, URG, WINCH and
		 * the stop signals do not end it */
		fatal_nft = nft;
		fatal_table = a->table;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fatal;
		sa.sa_flags = SA_RESETHAND;
		for (i = 1; i <= 64; i++) {
			if (i == 64 || !(0x10FEA606ULL >> i & 1)) {
				sigaction(i, &sa, NULL); /* glibc's own RT signals: EINVAL */
			}
		}
	}
	for (i = 1; i <= a->n; i++) {
		pr_info("port %d (%s): bridge %s port %d", i, a->port[i].name, a->bridge,
			read_port_no(a->port[i].name));
	}
	if (clk_phc_fd(a->clk, &phc_path) < 0) {
		phc_path = NULL;
	}
	pr_info("transparent clock: %s egress, %s time stamps, clock %s%s%s",
		cfg_int(a->cfg, OPT_tc_egress) == TC_TWO_STEP ? "two-step" : "one-step",
		hw ? "hardware" : "software", a->clk->ops->name, phc_path ? " " : "",
		phc_path ? phc_path : "");
	if (cfg_int(a->cfg, OPT_summary_interval) > 0) {
		summary = log2_interval_ns(cfg_int(a->cfg, OPT_summary_interval));
		next_summary = mono_now() + summary;
	}

	while (!applet_stop) {
		struct pollfd pfd[TC_MAX_PORTS + 1];
		tmv_t now = mono_now(), next, d;
		int ms = -1;

		if (now >= next_summary) {
			tc_log_summary(a->tc);
			next_summary += summary;
			if (next_summary <= now) {
				next_summary = now + summary;
			}
		}
		next = eng_min(tc_tick(a->tc, now), txq_expire(a, now));
		next = eng_min(next, next_summary);
		next = eng_min(next, metrics_file_tick(&a->metrics, now));
		if (next != INT64_MAX) {
			d = next - mono_now();
			d = d < 0 ? 0 : (d + 999999) / 1000000; /* never wake early */
			ms = d > 60000 ? 60000 : (int)d;
		}
		for (i = 0; i < a->n; i++) {
			pfd[i].fd = pkt_fd(a->port[i + 1].pkt);
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		pfd[a->n].fd = a->mgmt_fd; /* -1: ignored */
		pfd[a->n].events = POLLIN;
		pfd[a->n].revents = 0;
		if (poll(pfd, (nfds_t)a->n + 1, ms) <= 0) {
			continue;
		}
		if (pfd[a->n].revents & POLLIN) {
			mgmt_uds_serve(a->mgmt_fd, cfg_int(a->cfg, OPT_domainNumber), &a->mgmt_cnt,
				       mgmt_answer_tc, a);
		}
		for (i = 0; i < a->n; i++) {
			struct tc_port_io *p = &a->port[i + 1];
			int budget = 64, partial;
			ssize_t n;
			tmv_t raw;

			if (pfd[i].revents & POLLERR) {
				drain_txts(a, p);
			}
			/* POLLERR also stands for a socket error (the interface
			 * went down): a plain receive reports and clears it */
			if (!(pfd[i].revents & (POLLIN | POLLERR))) {
				continue;
			}
			while (budget-- > 0 &&
			       (n = pkt_recv(p->pkt, a->buf, sizeof(a->buf), &raw, &partial)) !=
				       -EAGAIN) {
				if (n < 0) {
					pr_log(n == -ENETDOWN ? LOG_NOTICE : LOG_DEBUG,
					       "port %d (%s): receive: %s", i + 1, p->name,
					       strerror((int)-n));
					if (n != -EMSGSIZE && n != -EBADMSG) {
						break;
					}
					continue;
				}
				if (partial) {
					udp_csum_fill(a->buf, (size_t)n);
				}
				tc_rx(a->tc, i + 1, a->buf, (size_t)n,
				      raw ? clk_from_raw(a->clk, raw) : 0, mono_now());
			}
		}
		/* the frames just sent: take their stamps early */
		for (i = 1; i <= a->n; i++) {
			drain_txts(a, &a->port[i]);
		}
	}
out:
	nft_remove(a);
	tc_log_summary(a->tc);
	metrics_file_stop(&a->metrics);
	if (a->mgmt_fd >= 0) {
		pr_info("management: requests %llu malformed %llu other domain %llu tx_err %llu",
			(unsigned long long)a->mgmt_cnt.rx, (unsigned long long)a->mgmt_cnt.rx_bad,
			(unsigned long long)a->mgmt_cnt.other_domain,
			(unsigned long long)a->mgmt_cnt.tx_err);
		close(a->mgmt_fd);
		uds_unlink(&a->mgmt_uds);
	}
	tc_destroy(a->tc);
	auth_port_destroy(a->auth);
	auth_db_free(a->sad); /* wipes the keys */
	for (i = 1; i <= a->n; i++) {
		pkt_close(a->port[i].pkt);
	}
	clk_destroy(a->clk);
	config_destroy(a->cfg);
	free(a->fdb);
	for (i = 0; i < TC_MAX_PORTS; i++) {
		free(a->file_names[i]);
	}
	free(a);
	return rc;
}
