/* SPDX-License-Identifier: BSD-2-Clause */
/* Setup shared by the port applets (gm, oc); see applet.h. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../hw/log.h"
#include "../hw/hwtstamp.h"
#include "../core/servo.h"
#include "applet.h"

volatile sig_atomic_t applet_stop, applet_reload, applet_usr1;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		applet_reload = 1;
	} else if (sig == SIGUSR1) {
		applet_usr1 = 1;
	} else {
		applet_stop = 1;
	}
}

void install_stop_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

tmv_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return timespec_to_tmv(ts);
}

int port_wait(struct port_setup *ps, tmv_t deadline)
{
	struct pollfd pfd[4];
	int ms = -1, r = 0;

	port_flush(ps); /* nothing waits in a batch while we sleep */

	if (deadline != INT64_MAX) {
		tmv_t d = deadline - mono_now();
		if (d < 0) {
			d = 0;
		}
		d = (d + 999999) / 1000000; /* round up: never wake early */
		ms = d > 60000 ? 60000 : (int)d;
	}
	pfd[0].fd = udp_fd(ps->udp, 1);
	pfd[0].events = POLLIN | POLLERR;
	pfd[1].fd = udp_fd(ps->udp, 0);
	pfd[1].events = POLLIN;
	pfd[2].fd = ps->mgmt_fd; /* poll() skips negative fds */
	pfd[2].events = POLLIN;
	pfd[3].fd = ps->aux_fd;
	pfd[3].events = POLLIN;
	if (poll(pfd, 4, ms) <= 0) {
		return 0;
	}
	if (ps->aux_fd >= 0 && (pfd[3].revents & (POLLIN | POLLHUP | POLLERR))) {
		r |= PORT_AUX;
	}
	if (ps->mgmt_fd >= 0 && (pfd[2].revents & POLLIN)) {
		r |= PORT_MGMT;
	}
	if (pfd[0].revents & POLLERR) {
		r |= PORT_TXTS;
	}
	if (pfd[0].revents & POLLIN) {
		r |= PORT_EVENT;
	}
	if (pfd[1].revents & POLLIN) {
		r |= PORT_GENERAL;
	}
	return r;
}

static void send_failed(const struct net_addr *to, const uint8_t *buf, size_t len, int err)
{
	char a[64];
	pr_debug("send %s to %s: %s", msg_type_str(len ? buf[0] & 0x0f : 0),
		 net_addr_str(to, a, sizeof(a)), strerror(-err));
}

static void flush_one(struct port_setup *ps, int event)
{
	struct port_batch *b = ps->batch[event];
	int done = 0, err;

	while (done < b->n) {
		done += udp_send_batch(ps->udp, event, b->out + done, b->n - done, &err);
		if (done < b->n) {
			send_failed(&b->out[done].to, b->out[done].buf, b->out[done].len, err);
			if (ps->cnt) {
				ps->cnt->tx_err++;
			}
			done++;
		}
	}
	b->n = 0;
}

void port_flush(struct port_setup *ps)
{
	int i;
	for (i = 0; i < 2; i++) {
		if (ps->batch[i] && ps->batch[i]->n) {
			flush_one(ps, i);
		}
	}
}

int port_batch_on(struct port_setup *ps)
{
	int i;
	for (i = 0; i < 2; i++) {
		if (!ps->batch[i] && !(ps->batch[i] = calloc(1, sizeof(*ps->batch[i])))) {
			return -ENOMEM;
		}
	}
	if (!ps->rx && !(ps->rx = calloc(1, sizeof(*ps->rx)))) {
		return -ENOMEM;
	}
	for (i = 0; i < UDP_BATCH_MAX; i++) {
		ps->rx->in[i].buf = ps->rx->bytes[i];
		ps->rx->in[i].cap = sizeof(ps->rx->bytes[i]);
	}
	return 0;
}

static int io_send(void *io, int port, int event, const struct net_addr *to, const uint8_t *buf,
		   size_t len, int want_ts)
{
	struct port_setup *ps = io;
	struct port_batch *b;
	struct port_txq *q;
	int r = 0;

	(void)port;
	event = !!event;
	b = ps->batch[event];
	if (b && len <= PORT_BATCH_OCTETS) {
		if (b->n == UDP_BATCH_MAX) {
			flush_one(ps, event);
		}
		memcpy(b->bytes[b->n], buf, len);
		b->out[b->n].buf = b->bytes[b->n];
		b->out[b->n].len = len;
		b->out[b->n].to = *to;
		b->n++;
	} else {
		if (b && b->n && event) {
			flush_one(ps, event); /* event datagrams keep their order (keys) */
		}
		r = udp_send(ps->udp, event, buf, len, to);
	}
	if (r < 0) {
		send_failed(to, buf, len, r);
		return r;
	}
	if (!event) {
		return 0;
	}
	if (!want_ts) {
		ps->tx_key++; /* stamped all the same: its key is used up */
		return 0;
	}
	/* remember the bytes: the error queue gives back the packet (the
	 * check of a key's match), and an entry is overwritten when stamps
	 * stop coming (the engine counts those as missing at its deadline) */
	q = &ps->txq[ps->tx_key & (PORT_TXQ_LEN - 1)];
	q->used = len <= sizeof(q->bytes);
	q->id = ps->next_id;
	q->key = ps->tx_key++;
	q->len = len;
	if (q->used) {
		memcpy(q->bytes, buf, len);
	}
	ps->next_id = (ps->next_id + 1) & 0x7fffffff;
	return q->id;
}

static void io_log(void *io, int level, const char *line)
{
	(void)io;
	pr_log(level, "%s", line);
}

static int io_addr_parse(void *io, int transport, const char *text, struct net_addr *a)
{
	struct port_setup *ps = io;
	return udp_addr_parse(transport, text, ps->iface, a);
}

void port_eng_ops(struct port_setup *ps, struct eng_ops *ops, struct eng_port *port)
{
	memset(ops, 0, sizeof(*ops));
	ops->send = io_send;
	ops->log = io_log;
	ops->addr_parse = io_addr_parse;
	ops->clk = ps->clock;
	ops->io = ps;
	ops->log_level = ps->log_level;
	memset(port, 0, sizeof(*port));
	port->clockIdentity = ps->identity;
	port->iface = ps->iface;
	port->transport = ps->transport;
	port->hw_ts = ps->hw_ts;
}

/* The transmit stamp of pkt (n octets as it came back, raw ns, OPT_ID key
 * or -1) to the engine. */
static void txts_match(struct port_setup *ps, const uint8_t *pkt, size_t n, tmv_t raw,
		       long long key, void (*tx_ts)(void *eng, int id, tmv_t ts, tmv_t now),
		       void *eng)
{
	struct port_txq *q = NULL;
	int i;

	/* by its OPT_ID key, checked against the bytes it came back with;
	 * without a key, or when they differ (a send that failed after the
	 * kernel counted it shifts the keys: learnt below), by content, newest
	 * first: the oldest may be stale */
	if (key >= 0) {
		q = &ps->txq[(key + ps->key_off) & (PORT_TXQ_LEN - 1)];
		if (!q->used || q->key != key + ps->key_off ||
		    !udp_txts_match(pkt, n, q->bytes, q->len)) {
			q = NULL;
		}
	}
	for (i = 1; !q && i <= PORT_TXQ_LEN; i++) {
		struct port_txq *c = &ps->txq[(ps->tx_key - i) & (PORT_TXQ_LEN - 1)];
		if (c->used && udp_txts_match(pkt, n, c->bytes, c->len)) {
			q = c;
			ps->ts_scanned++;
			if (key >= 0) {
				ps->key_off = q->key - key;
			}
		}
	}
	if (q) {
		q->used = 0;
		tx_ts(eng, q->id, raw ? clk_from_raw(ps->clock, raw) : 0, mono_now());
	}
}

/* Where datagrams are read into: the batch (port_batch_on) or the one
 * slot over ps->rxbuf.  Returns the slots' count. */
static int rx_slots(struct port_setup *ps, struct udp_in **in)
{
	if (ps->rx) {
		*in = ps->rx->in;
		return UDP_BATCH_MAX;
	}
	ps->rx1.buf = ps->rxbuf;
	ps->rx1.cap = sizeof(ps->rxbuf);
	*in = &ps->rx1;
	return 1;
}

void port_drain_txts(struct port_setup *ps, void (*tx_ts)(void *eng, int id, tmv_t ts, tmv_t now),
		     void *eng)
{
	struct udp_in *in;
	int n = rx_slots(ps, &in), k, i;

	port_flush(ps); /* the Syncs queued: their stamps may come */
	while ((k = udp_recv_batch(ps->udp, 1, 1, in, n)) > 0) {
		for (i = 0; i < k; i++) {
			txts_match(ps, in[i].buf, in[i].len, in[i].raw, in[i].key, tx_ts, eng);
		}
	}
}

void port_receive(struct port_setup *ps, int event,
		  void (*rx)(void *eng, int event, const struct net_addr *from, const uint8_t *buf,
			     size_t len, tmv_t rx_ts, tmv_t now),
		  void *eng)
{
	struct udp_in *in;
	int budget = 256; /* bounded per wake-up so timers keep running */
	int n = rx_slots(ps, &in), k, i;

	while (budget > 0 && (k = udp_recv_batch(ps->udp, event, 0, in, n)) > 0) {
		for (i = 0; i < k; i++) {
			rx(eng, event, &in[i].from, in[i].buf, in[i].len,
			   in[i].raw ? clk_from_raw(ps->clock, in[i].raw) : 0, mono_now());
		}
		budget -= k;
	}
}

static void die_usage(const char *applet, const char *msg, const char *usage)
{
	fprintf(stderr, "%s: %s\n", applet, msg);
	(void)usage;
	exit(EXIT_USAGE);
}

int opt_number(const char *applet, const char *name, const char *text, double lo, double hi,
	       const char *unit, double *v)
{
	char *end;
	*v = strtod(text, &end);
	if (end == text || *end || !isfinite(*v) || *v < lo || *v > hi) {
		fprintf(stderr, "%s: %s %s: out of range, allowed %.15g..%.15g (%s)\n", applet, name,
			text, lo, hi, unit);
		return -1;
	}
	return 0;
}

int eui48_usable(const uint8_t mac[6])
{
	static const uint8_t zero[6];
	return memcmp(mac, zero, 6) && !(mac[0] & 1); /* not 00..00, not a group address */
}

int parse_clock_id(const char *s, struct clock_identity *id)
{
	unsigned v[8];
	int i;
	if (sscanf(s, "%2x%2x%2x.%2x%2x.%2x%2x%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &v[6], &v[7]) != 8 ||
	    strlen(s) != 18) {
		return -EINVAL;
	}
	for (i = 0; i < 8; i++) {
		id->id[i] = (uint8_t)v[i];
	}
	return 0;
}

struct clk *clock_from_config(const struct config *cfg, int hw_ts, const char *iface, char *err,
			      size_t errlen)
{
	const char *name = cfg_str(cfg, OPT_clock);
	struct clk *c;

	if (!strcmp(name, "soft")) {
		if (hw_ts) {
			snprintf(err, errlen,
				 "clock soft runs over CLOCK_REALTIME: it needs time_stamping "
				 "software");
			return NULL;
		}
		c = clk_soft_create(cfg_ll(cfg, OPT_soft_offset_ns),
				    cfg_dbl(cfg, OPT_soft_freq_ppb));
		if (!c) {
			snprintf(err, errlen, "out of memory");
		}
		return c;
	}
	if (!strcmp(name, "CLOCK_REALTIME") || (!strcmp(name, "auto") && !hw_ts)) {
		if (hw_ts) {
			snprintf(err, errlen,
				 "clock CLOCK_REALTIME with hardware time stamps: use the PHC "
				 "(clock auto) or time_stamping software");
			return NULL;
		}
		c = clk_sys_create();
		if (!c) {
			snprintf(err, errlen, "out of memory");
		}
		return c;
	}
	if (!strcmp(name, "auto")) {
		struct ts_info ti;
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;
		if (fd < 0) {
			snprintf(err, errlen, "socket: %s", strerror(errno));
			return NULL;
		}
		r = hwts_info(fd, iface, &ti);
		close(fd);
		if (r || ti.phc_index < 0) {
			snprintf(err, errlen, "%s: no PTP hardware clock (use time_stamping software)",
				 iface);
			return NULL;
		}
		return clk_phc_create(NULL, ti.phc_index, err, errlen);
	}
	if (!strncmp(name, "/dev/", 5)) {
		if (!hw_ts) {
			snprintf(err, errlen,
				 "clock %s with software time stamps: software stamps are on "
				 "CLOCK_REALTIME, use time_stamping hardware",
				 name);
			return NULL;
		}
		return clk_phc_create(name, -1, err, errlen);
	}
	snprintf(err, errlen, "clock %s: unknown, allowed auto|soft|CLOCK_REALTIME|/dev/ptpN", name);
	return NULL;
}

void log_soft_truth(struct clk *c)
{
	tmv_t off;
	double ppb;
	if (!clk_soft_true_error(c, &off, &ppb)) {
		pr_info("soft clock true time error %+lld ns frequency error %+.1f ppb",
			(long long)off, ppb);
	}
}

tmv_t port_soft_truth(struct port_setup *ps, tmv_t now)
{
	if (strcmp(ps->clock->ops->name, "soft")) {
		return INT64_MAX;
	}
	if (!ps->next_truth) {
		ps->next_truth = now + NS_PER_SEC;
	} else if (now >= ps->next_truth) {
		log_soft_truth(ps->clock);
		ps->next_truth += NS_PER_SEC;
		if (ps->next_truth <= now) {
			ps->next_truth = now + NS_PER_SEC;
		}
	}
	return ps->next_truth;
}

const char *long_opt_set(struct config *cfg, int argc, char **argv, int *i, char *err,
			 size_t errlen)
{
	const char *a = argv[*i], *eq = strchr(a, '='), *val;
	size_t kl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	char key[64];

	if (kl >= sizeof(key)) {
		return "option name too long";
	}
	memcpy(key, a + 2, kl);
	key[kl] = 0;
	if (eq) {
		val = eq + 1;
	} else if (*i + 1 < argc) {
		val = argv[++*i];
	} else {
		snprintf(err, errlen, "option --%s needs a value (try --help)", key);
		return err;
	}
	return config_set(cfg, key, val) ? "option too long" : NULL;
}

void port_setup(struct port_setup *ps, int argc, char **argv, const char *applet,
		enum cfg_role role, const char *usage)
{
	const char *file = NULL, *iface = NULL;
	char err[512];
	struct log_cfg lc;
	int i, verbose = -1, quiet = 0, level = -1;
	struct udp_cfg uc;

	memset(ps, 0, sizeof(*ps));
	ps->applet = applet;
	ps->mgmt_fd = -1;
	ps->aux_fd = -1;
	ps->cfg = config_create(role);
	if (!ps->cfg) {
		fprintf(stderr, "%s: out of memory\n", applet);
		exit(EXIT_RUNTIME);
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(a, "-f") || !strcmp(a, "-i") || !strcmp(a, "-l")) {
			if (i + 1 >= argc) {
				snprintf(err, sizeof(err), "option %s needs a value (try --help)", a);
				die_usage(applet, err, usage);
			}
			if (a[1] == 'f') {
				file = argv[++i];
			} else if (a[1] == 'i') {
				iface = argv[++i];
			} else {
				char *end;
				level = (int)strtol(argv[++i], &end, 10);
				if (*end || level < 0 || level > 7) {
					die_usage(applet, "-l: level 0..7", usage);
				}
			}
		} else if (!strcmp(a, "-m")) {
			verbose = 1;
		} else if (!strcmp(a, "-q")) {
			quiet = 1;
		} else if (!strcmp(a, "-4") || !strcmp(a, "-6")) {
			config_set(ps->cfg, "network_transport", a[1] == '4' ? "UDPv4" : "UDPv6");
		} else if (!strcmp(a, "-S") || !strcmp(a, "-H")) {
			config_set(ps->cfg, "time_stamping", a[1] == 'S' ? "software" : "hardware");
		} else if (!strncmp(a, "--", 2) && a[2]) {
			const char *e = long_opt_set(ps->cfg, argc, argv, &i, err, sizeof(err));
			if (e) {
				die_usage(applet, e, usage);
			}
		} else {
			snprintf(err, sizeof(err), "unknown argument '%s' (try --help)", a);
			die_usage(applet, err, usage);
		}
	}
	if (file && config_read(ps->cfg, file, iface, err, sizeof(err))) {
		die_usage(applet, err, usage);
	}
	if (config_finish(ps->cfg, err, sizeof(err))) {
		die_usage(applet, err, usage);
	}
	ps->iface = iface ? iface : config_iface(ps->cfg);
	if (!ps->iface || !*ps->iface) {
		die_usage(applet, "no interface: give -i IFACE or an [IFACE] section (try --help)",
			  usage);
	}

	memset(&lc, 0, sizeof(lc));
	lc.tag = applet;
	lc.level = level >= 0 ? level : cfg_int(ps->cfg, OPT_logging_level);
	lc.verbose = verbose >= 0 ? verbose : cfg_int(ps->cfg, OPT_verbose);
	lc.use_syslog = quiet ? 0 : cfg_int(ps->cfg, OPT_use_syslog);
	lc.message_tag = *cfg_str(ps->cfg, OPT_message_tag) ? cfg_str(ps->cfg, OPT_message_tag)
							     : NULL;
	log_setup(&lc);
	ps->log_level = lc.level;

	ps->transport = cfg_int(ps->cfg, OPT_network_transport);
	if (ps->transport == TRANS_L2) {
		die_usage(applet, "network_transport L2: not supported, use UDPv4 or UDPv6", usage);
	}
	if (cfg_int(ps->cfg, OPT_delay_mechanism) != DM_E2E) {
		die_usage(applet, "delay_mechanism: only E2E is supported", usage);
	}
	ps->hw_ts = cfg_int(ps->cfg, OPT_time_stamping) == TS_HARDWARE;
	if (role == CFG_ROLE_GM && !ps->hw_ts && !cfg_int(ps->cfg, OPT_twoStepFlag)) {
		/* a time read before sendto() misses the stack's latency and its
		 * jitter (tens of us on a busy host): no software one-step */
		die_usage(applet,
			  "twoStepFlag 0: one-step Sync needs time_stamping hardware with "
			  "one-step support; use twoStepFlag 1",
			  usage);
	}

	ps->clock = clock_from_config(ps->cfg, ps->hw_ts, ps->iface, err, sizeof(err));
	if (!ps->clock) {
		fprintf(stderr, "%s: %s\n", applet, err);
		exit(EXIT_RUNTIME);
	}
	memset(&uc, 0, sizeof(uc));
	uc.transport = ps->transport;
	uc.iface = ps->iface;
	uc.hw_timestamps = ps->hw_ts;
	uc.one_step = ps->hw_ts && !cfg_int(ps->cfg, OPT_twoStepFlag) && role == CFG_ROLE_GM;
	uc.dscp_event = cfg_int(ps->cfg, OPT_dscp_event);
	uc.dscp_general = cfg_int(ps->cfg, OPT_dscp_general);
	uc.ttl = cfg_int(ps->cfg, OPT_udp_ttl);
	ps->udp = udp_open(&uc, err, sizeof(err));
	if (!ps->udp) {
		fprintf(stderr, "%s: %s\n", applet, err);
		exit(EXIT_RUNTIME);
	}
	if (udp_event_rcvbuf(ps->udp) < 4 << 20) {
		pr_warning("%s: event socket receive buffer %d octets, not 8 MiB: transmit stamps "
			   "of large bursts may be lost (raise net.core.rmem_max)",
			   ps->iface, udp_event_rcvbuf(ps->udp));
	}

	if (*cfg_str(ps->cfg, OPT_clockIdentity)) {
		if (parse_clock_id(cfg_str(ps->cfg, OPT_clockIdentity), &ps->identity)) {
			die_usage(applet, "clockIdentity: expected the form 001122.3344.556677",
				  usage);
		}
	} else {
		uint8_t mac[6];
		if (udp_iface_mac(ps->iface, mac)) {
			fprintf(stderr, "%s: %s: cannot read the MAC address\n", applet, ps->iface);
			exit(EXIT_RUNTIME);
		}
		if (!eui48_usable(mac)) {
			fprintf(stderr, "%s: %s has no individual MAC address to form a clockIdentity from "
					"(OCP 7.5): set clockIdentity, e.g. --clockIdentity=020000.0000.000001\n",
				applet, ps->iface);
			exit(EXIT_USAGE);
		}
		/* OCP 7.5 / 1588-2019 7.5.2.2.2: EUI-48 followed by two octets */
		memcpy(ps->identity.id, mac, 6);
		ps->identity.id[6] = 0x00;
		ps->identity.id[7] = role == CFG_ROLE_GM ? 0x00 : 0x01;
	}
	ps->port.clockIdentity = ps->identity;
	ps->port.portNumber = 1;
	ps->domain = cfg_int(ps->cfg, OPT_domainNumber);
	install_stop_handlers();
}

void port_teardown(struct port_setup *ps)
{
	port_sys_close(ps);
	port_flush(ps);
	free(ps->batch[0]);
	free(ps->batch[1]);
	free(ps->rx);
	if (ps->ts_scanned) {
		pr_info("transmit stamps matched by content, not by key: %llu",
			(unsigned long long)ps->ts_scanned);
	}
	udp_close(ps->udp);
	clk_destroy(ps->clock);
	config_destroy(ps->cfg);
}
