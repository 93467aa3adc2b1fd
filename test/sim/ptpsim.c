/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ptpsim: runs the real gm, oc and tc engines over simulated links,
 * oscillators and time stamping units in simulated time, and reports every
 * node's true time error.  See ptpsim.h for the time bases and
 * test/sim/scenarios/README for the scenario format.
 *
 * Between two gm/oc nodes a link carries the PTP datagram and its source
 * address.  A link to or from a tc or switch carries a whole layer-2 frame
 * (Ethernet + IPv4/IPv6 + UDP, tc_frame_build): the sending gm/oc wraps
 * its datagram, the tc engine or the switch forwards the frame out of the
 * port towards the destination address (routes precomputed from the
 * topology), the receiving gm/oc unwraps it (checksum verified) and takes
 * the source address from it.
 *
 *   build/ptpsim SCENARIO [--seed N] [--duration S] [--set KEY=VALUE]...
 *                [--json] [--log] [--log-level N] [--trace FILE]
 *
 * The event queue is a binary heap ordered by (sim time, insertion number),
 * so equal times run in the order they were scheduled and a run is a pure
 * function of the scenario, the options and the seed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "masks.h"
#include "ptpsim.h"
#include "tlv.h"
#include "udp.h"
#include "unicast.h"
#include "wire.h"
#include "stats.h"

#define MAX_CLI_SETS 64

/* EV_PROC: a frame's processing in a tc/switch is over (forwarding
 * decision); EV_DEPART: a frame leaves a tc/switch port */
enum ev_type { EV_RX, EV_TXTS, EV_TICK, EV_SAMPLE, EV_SCRIPT, EV_PROC, EV_DEPART };

struct pkt {
	int event;
	int frame;     /* buf is a layer-2 frame, else a PTP datagram */
	int type;      /* PTP messageType (link drop masks), -1 unknown */
	int from_node; /* the node at the sending end of the last link */
	tmv_t arrived; /* tc/switch: when it arrived there (sim time) */
	tmv_t sent;    /* and when it was sent (queued for its port) */
	struct net_addr from;
	size_t len;
	uint8_t buf[TC_FRAME_MAX];
	struct pkt *next; /* free list */
};

struct event {
	tmv_t t;
	uint64_t seq;
	int type;
	int node;
	unsigned inc; /* the node's incarnation when scheduled */
	int id;	      /* EV_TXTS, EV_DEPART: send() id; EV_SCRIPT: index */
	int port;     /* EV_PROC: ingress, EV_DEPART: egress port of a tc/switch */
	tmv_t ts;     /* EV_TXTS: the stamp; EV_PROC: the receive stamp */
	struct pkt *pkt;
};

struct selection {
	tmv_t t;
	int master; /* table index, -1 none */
	char name[SIM_NAME_LEN + 64];
};

struct node {
	struct sim *sim;
	int idx;
	const struct node_spec *spec;
	struct config *cfg;
	struct auth_db *sad;	 /* sa_file with spp set: authentication */
	struct auth_port *auth;
	struct sim_clock clock;
	struct rng ts_rng;
	struct stamp_cfg stamp;
	struct net_addr addr;
	int transport;
	struct eng_ops ops;
	struct eng_port port;
	struct oc *oc;
	struct gm *gm;
	/* tc and switch: port p (1..n_ports) is the link to port_peer[p], in
	 * the order of the scenario's links */
	struct tc *tc;
	struct tc_ops tops;
	int n_ports;
	int port_peer[TC_MAX_PORTS + 1];
	char port_name[TC_MAX_PORTS][2 * SIM_NAME_LEN + 2];
	const char *port_names[TC_MAX_PORTS];
	tmv_t port_free[TC_MAX_PORTS + 1]; /* last departure queued (FIFO) */
	tmv_t proc_free;		   /* last processing end queued */
	struct rng q_rng, p_rng;
	uint64_t q_n;	     /* frames queued for departure */
	double q_sum, q_max; /* their wait, send to departure, ns */
	uint64_t no_egress;  /* frames to no known destination */
	tmv_t cur_arrival;   /* tc: arrival of the frame in tc_rx */
	/* tc, per port: the truth about the frames it asked a transmit stamp
	 * for (event messages), in sim (true) time: arrival to send (what a
	 * one-step write-ahead sees), send to departure (what it misses),
	 * arrival to departure (the residence) */
	uint64_t ts_n[TC_MAX_PORTS + 1];
	double ts_pre[TC_MAX_PORTS + 1], ts_wait[TC_MAX_PORTS + 1], ts_res[TC_MAX_PORTS + 1];
	/* gm, oc: frames dropped at unwrapping */
	uint64_t rx_bad_frame, rx_bad_csum, rx_not_mine;
	int alive;
	unsigned inc;
	int one_step;
	int next_id;
	tmv_t tick_at, tick_ev_at; /* wanted deadline; time of the queued tick event */
	/* one sample per simulated second: TE at the second, the mean
	 * adjustment and the mean true frequency error over the second
	 * before it (ppb) */
	double *te, *fadj, *ferr;
	double last_te, last_adj_int; /* at the previous sample, without steps */
	/* largest |TE| at any instant the node's engine ran (its clock only
	 * changes rate or steps then, so TE is linear in between), per
	 * second: transients between the samples */
	double *peak, cur_peak;
	int sel;
	struct selection *sels;
	int n_sels, cap_sels;
	/* oc: servo samples (offsets measured) and when the last came, and
	 * the longest time without one, per window and from steady_from */
	uint64_t samples;
	tmv_t sample_at;
	double gap_win[SIM_MAX_WINDOWS], gap_steady;
	uint64_t forged_rx; /* forged messages delivered to it */
	uint64_t log_lines[8], tx, rx, rx_dead, tick_clamps, creates;
};

struct sim {
	struct scenario sc;
	tmv_t now, end;
	struct event *heap;
	size_t n_heap, cap_heap;
	uint64_t seq, n_events;
	struct pkt *free_pkts;
	struct node node[SIM_MAX_NODES];
	int n_nodes;
	short link_of[SIM_MAX_NODES][SIM_MAX_NODES]; /* link index, -1 */
	/* hop[a][d]: the neighbour of a a frame to gm/oc d goes to (d itself
	 * or a tc/switch on the shortest path), -1 none */
	short hop[SIM_MAX_NODES][SIM_MAX_NODES];
	size_t n_samples, next_sample;
	uint64_t no_route, no_link;
	/* options */
	int json, log_level;
	FILE *log_out, *trace;
	const char *set_key[MAX_CLI_SETS], *set_val[MAX_CLI_SETS];
	int n_sets;
};

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("ptpsim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- event heap ---- */

static int ev_before(const struct event *a, const struct event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void push(struct sim *s, struct event *e)
{
	size_t i;

	if (s->n_heap == s->cap_heap) {
		size_t cap = s->cap_heap ? 2 * s->cap_heap : 1024;
		struct event *h = realloc(s->heap, cap * sizeof(*h));
		if (!h) {
			die("out of memory");
		}
		s->heap = h;
		s->cap_heap = cap;
	}
	e->seq = s->seq++;
	i = s->n_heap++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!ev_before(e, &s->heap[parent])) {
			break;
		}
		s->heap[i] = s->heap[parent];
		i = parent;
	}
	s->heap[i] = *e;
}

static void pop(struct sim *s, struct event *out)
{
	struct event last;
	size_t i = 0;

	*out = s->heap[0];
	last = s->heap[--s->n_heap];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->n_heap) {
			break;
		}
		if (c + 1 < s->n_heap && ev_before(&s->heap[c + 1], &s->heap[c])) {
			c++;
		}
		if (!ev_before(&s->heap[c], &last)) {
			break;
		}
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->n_heap) {
		s->heap[i] = last;
	}
}

static struct pkt *pkt_get(struct sim *s)
{
	struct pkt *p = s->free_pkts;

	if (p) {
		s->free_pkts = p->next;
		return p;
	}
	p = malloc(sizeof(*p));
	if (!p) {
		die("out of memory");
	}
	return p;
}

static void pkt_put(struct sim *s, struct pkt *p)
{
	p->next = s->free_pkts;
	s->free_pkts = p;
}

/* ---- output helpers ---- */

static void fmt_time(tmv_t t, char *buf, size_t len)
{
	snprintf(buf, len, "%lld.%06lld", (long long)(t / NS_PER_SEC),
		 (long long)(t % NS_PER_SEC / 1000));
}

static void sim_log(struct sim *s, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void sim_log(struct sim *s, const char *who, const char *fmt, ...)
{
	char ts[32];
	va_list ap;

	if (!s->log_out) {
		return;
	}
	fmt_time(s->now, ts, sizeof(ts));
	fprintf(s->log_out, "%s %s: ", ts, who);
	va_start(ap, fmt);
	vfprintf(s->log_out, fmt, ap);
	va_end(ap);
	fputc('\n', s->log_out);
}

/* ---- engine ops ---- */

static tmv_t mono(const struct sim *s)
{
	return SIM_MONO0 + s->now;
}

static int node_by_addr(const struct sim *s, const struct net_addr *a)
{
	int i;

	for (i = 0; i < s->n_nodes; i++) {
		if (net_addr_eq(&s->node[i].addr, a)) {
			return i;
		}
	}
	return -1;
}

static int is_fwd(const struct node *n)
{
	return n->spec->kind == NODE_TC || n->spec->kind == NODE_SWITCH;
}

static const char *kind_str(enum node_kind k)
{
	static const char *const names[] = { "?", "gm", "oc", "tc", "switch" };
	return names[k];
}

/* A made-up locally administered MAC of node i. */
static void node_mac(int i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = mac[2] = mac[3] = 0;
	mac[4] = (uint8_t)((i + 1) >> 8);
	mac[5] = (uint8_t)(i + 1);
}

/* Source and destination of a parsed IP frame, ports from its UDP header. */
static void frame_addrs(const uint8_t *fr, const struct tc_frame *f, struct net_addr *src,
			struct net_addr *dst)
{
	const uint8_t *ip = fr + f->ip_off, *udp = fr + f->udp_off;
	int k;

	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	for (k = 0; k < 2; k++) {
		struct net_addr *a = k ? dst : src;
		uint16_t port = (uint16_t)(udp[2 * k] << 8 | udp[2 * k + 1]);
		if (f->ip == 6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;
			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, ip + 8 + 16 * k, 16);
			s6->sin6_port = htons(port);
			a->len = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, ip + 12 + 4 * k, 4);
			s4->sin_port = htons(port);
			a->len = sizeof(*s4);
		}
	}
}

/* A frame's event flag and messageType (-1 when it is not PTP). */
static void frame_info(struct pkt *p)
{
	struct tc_frame f;

	p->frame = 1;
	if (tc_frame_parse(p->buf, p->len, &f)) {
		p->event = 0;
		p->type = -1;
		return;
	}
	p->event = f.event;
	p->type = p->buf[f.ptp_off] & 0x0f;
}

/* Put p on the link from node `from` to its neighbour `to` (the link's
 * state, drop mask, loss, delay); p is consumed. */
static void link_xmit(struct sim *s, int from, int to, struct pkt *p)
{
	struct link *l = &s->sc.link[s->link_of[from][to]];
	struct link_dir *d = &l->dir[l->a == from ? 0 : 1];
	struct event e;

	d->sent++;
	if (!l->up) {
		d->down++;
		pkt_put(s, p);
		return;
	}
	if (p->type >= 0 && (d->drop_mask & (1u << p->type))) {
		d->dropped++;
		pkt_put(s, p);
		return;
	}
	if (d->loss > 0 && rng_uniform(&d->rng) < d->loss) {
		d->lost++;
		pkt_put(s, p);
		return;
	}
	p->from_node = from;
	memset(&e, 0, sizeof(e));
	e.t = s->now + (tmv_t)llround(link_delay(d, (double)s->now * 1e-9));
	e.type = EV_RX;
	e.node = to;
	e.pkt = p;
	push(s, &e);
}

static int op_send(void *io, int port, int event, const struct net_addr *to, const uint8_t *buf,
		   size_t len, int want_ts)
{
	struct node *n = io;
	struct sim *s = n->sim;
	tmv_t ts = 0;
	struct event e;
	struct pkt *p;
	int dst, hop, id = 0;

	(void)port;
	if (len > PTP_MSG_MAX_LEN) {
		return -EMSGSIZE;
	}
	n->tx++;
	if (event || want_ts) {
		ts = stamp_take(&n->stamp, &n->ts_rng, &n->clock, 1);
	}
	if (want_ts) {
		id = ++n->next_id;
		memset(&e, 0, sizeof(e));
		e.t = s->now + (tmv_t)n->stamp.tx_ts_delay_ns;
		e.type = EV_TXTS;
		e.node = n->idx;
		e.inc = n->inc;
		e.id = id;
		e.ts = ts;
		push(s, &e);
	}
	dst = node_by_addr(s, to);
	if (dst < 0) {
		s->no_route++;
		return id;
	}
	hop = s->hop[n->idx][dst];
	if (hop < 0) {
		s->no_link++;
		return id;
	}
	p = pkt_get(s);
	p->event = event;
	p->frame = 0;
	p->type = buf[0] & 0x0f;
	p->from = n->addr;
	if (n->addr.ss.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&p->from.ss)->sin6_port = htons(event ? 319 : 320);
	} else {
		((struct sockaddr_in *)&p->from.ss)->sin_port = htons(event ? 319 : 320);
	}
	p->len = len;
	memcpy(p->buf, buf, len);
	/* one-step: the NIC writes originTimestamp (octets 34..43) at
	 * transmission */
	if (n->one_step && event && len >= 44 && (buf[0] & 0x0f) == SYNC) {
		put_be48(p->buf + 34, (uint64_t)(ts / NS_PER_SEC));
		put_be32(p->buf + 40, (uint32_t)(ts % NS_PER_SEC));
	}
	if (hop != dst) {
		/* towards a tc/switch: the datagram in a frame */
		uint8_t fr[TC_FRAME_MAX], smac[6], dmac[6];
		int fl;
		node_mac(n->idx, smac);
		node_mac(dst, dmac);
		fl = tc_frame_build(fr, dmac, smac, &p->from, to, event, p->buf, len);
		if (fl < 0) {
			pkt_put(s, p);
			return fl;
		}
		memcpy(p->buf, fr, (size_t)fl);
		p->len = (size_t)fl;
		p->frame = 1;
	}
	link_xmit(s, n->idx, hop, p);
	return id;
}

static void op_log(void *io, int level, const char *line)
{
	struct node *n = io;

	n->log_lines[level & 7]++;
	sim_log(n->sim, n->spec->name, "%s", line);
}

static int op_addr_parse(void *io, int transport, const char *text, struct net_addr *a)
{
	char buf[64], *pct;

	(void)io;
	snprintf(buf, sizeof(buf), "%s", text);
	pct = strchr(buf, '%'); /* fe80::1%eth0: the scope means nothing here */
	if (pct) {
		*pct = 0;
	}
	return udp_addr_parse(transport, buf, NULL, a);
}

/* ---- tc and switch: ports, routes, queues ---- */

static int peer_port(const struct node *n, int peer)
{
	int p;

	for (p = 1; p <= n->n_ports; p++) {
		if (n->port_peer[p] == peer) {
			return p;
		}
	}
	return 0;
}

/* The port towards the frame's destination address: bit p, or 0. */
static uint32_t op_egress(void *io, int in_port, const uint8_t *frame, size_t len)
{
	struct node *n = io;
	struct tc_frame f;
	struct net_addr src, dst;
	int d, p;

	(void)in_port;
	if (tc_frame_parse(frame, len, &f) || !f.ip) {
		n->no_egress++;
		return 0;
	}
	frame_addrs(frame, &f, &src, &dst);
	d = node_by_addr(n->sim, &dst);
	p = d >= 0 && n->sim->hop[n->idx][d] >= 0 ? peer_port(n, n->sim->hop[n->idx][d]) : 0;
	if (!p) {
		n->no_egress++;
		return 0;
	}
	return 1u << p;
}

/* Queue a copy of frame for departure from port: `queue` after now, never
 * before the frame queued before it on that port. */
static int port_enqueue(struct node *n, int port, const uint8_t *frame, size_t len, int id)
{
	struct sim *s = n->sim;
	struct event e;
	struct pkt *p;
	tmv_t t;

	t = s->now + (tmv_t)llround(delay_draw(&n->spec->queue, &n->q_rng));
	if (t < n->port_free[port]) {
		t = n->port_free[port];
	}
	n->port_free[port] = t;
	n->q_n++;
	n->q_sum += (double)(t - s->now);
	if ((double)(t - s->now) > n->q_max) {
		n->q_max = (double)(t - s->now);
	}
	p = pkt_get(s);
	memcpy(p->buf, frame, len);
	p->len = len;
	p->arrived = n->cur_arrival;
	p->sent = s->now;
	frame_info(p);
	memset(&e, 0, sizeof(e));
	e.t = t;
	e.type = EV_DEPART;
	e.node = n->idx;
	e.inc = n->inc;
	e.id = id;
	e.port = port;
	e.pkt = p;
	push(s, &e);
	return id;
}

static int op_send_frame(void *io, int port, const uint8_t *frame, size_t len, int want_ts)
{
	struct node *n = io;

	if (port < 1 || port > n->n_ports || len > TC_FRAME_MAX) {
		return -EINVAL;
	}
	n->tx++;
	return port_enqueue(n, port, frame, len, want_ts ? ++n->next_id : 0);
}

/* ---- nodes ---- */

static void set_deadline(struct node *n, tmv_t deadline_mono)
{
	struct sim *s = n->sim;
	tmv_t d;
	struct event e;

	if (deadline_mono == INT64_MAX) {
		n->tick_at = INT64_MAX;
		return;
	}
	d = deadline_mono - SIM_MONO0;
	if (d <= s->now) {
		/* "never before now + 1 unless something is due": tick ran
		 * what was due, so this would spin */
		n->tick_clamps++;
		d = s->now + 1;
	}
	n->tick_at = d;
	if (d < n->tick_ev_at) {
		memset(&e, 0, sizeof(e));
		e.t = d;
		e.type = EV_TICK;
		e.node = n->idx;
		e.inc = n->inc;
		push(s, &e);
		n->tick_ev_at = d;
	}
}

static const char *master_name(const struct node *n, int idx, char *buf, size_t len)
{
	const struct uc_master_table *t;
	int id = cfg_int(n->cfg, OPT_unicast_master_table);
	struct net_addr a;
	int k;

	t = config_table(n->cfg, id ? id : 1);
	if (idx < 0 || !t || idx >= t->n) {
		snprintf(buf, len, "none");
		return buf;
	}
	if (!op_addr_parse(NULL, t->entry[idx].transport, t->entry[idx].addr, &a) &&
	    (k = node_by_addr(n->sim, &a)) >= 0) {
		snprintf(buf, len, "%s", n->sim->node[k].spec->name);
	} else {
		snprintf(buf, len, "%s", t->entry[idx].addr);
	}
	return buf;
}

static void note_selection(struct node *n)
{
	struct selection *sl;
	int cur = n->oc ? oc_selected(n->oc) : -1;

	if (cur == n->sel) {
		return;
	}
	n->sel = cur;
	if (n->n_sels == n->cap_sels) {
		int cap = n->cap_sels ? 2 * n->cap_sels : 16;
		struct selection *ns = realloc(n->sels, (size_t)cap * sizeof(*ns));
		if (!ns) {
			die("out of memory");
		}
		n->sels = ns;
		n->cap_sels = cap;
	}
	sl = &n->sels[n->n_sels++];
	sl->t = n->sim->now;
	sl->master = cur;
	master_name(n, cur, sl->name, sizeof(sl->name));
}

/* The longest time without a servo sample in [from, to] (s) that a
 * sample at t (or the end of the window) closes, into *gap */
static void gap_close(tmv_t last, tmv_t t, double from_s, double to_s, double *gap)
{
	tmv_t a = (tmv_t)llround(from_s * NS_PER_SEC), b = (tmv_t)llround(to_s * NS_PER_SEC);
	double g;

	a = last > a ? last : a;
	b = t < b ? t : b;
	g = (double)(b - a) / NS_PER_SEC;
	if (b > a && g > *gap) {
		*gap = g;
	}
}

/* An oc measured offsets since the last call: a sample at now */
static void note_samples(struct node *n)
{
	struct sim *s = n->sim;
	struct oc_status st;
	int w;

	oc_status(n->oc, mono(s), &st);
	if (st.samples == n->samples) {
		return;
	}
	n->samples = st.samples;
	for (w = 0; w < s->sc.n_win; w++) {
		gap_close(n->sample_at, s->now, s->sc.win[w].from_s, s->sc.win[w].to_s,
			  &n->gap_win[w]);
	}
	gap_close(n->sample_at, s->now, s->sc.steady_from_s, 1e9, &n->gap_steady);
	n->sample_at = s->now;
}

/* After every call into the engine: its next deadline, its selection. */
static void engine_done(struct node *n)
{
	tmv_t now = mono(n->sim);
	double te;

	if (n->oc) {
		set_deadline(n, oc_tick(n->oc, now));
		note_selection(n);
		note_samples(n);
	} else if (n->gm) {
		set_deadline(n, gm_tick(n->gm, now));
	} else if (n->tc) {
		set_deadline(n, tc_tick(n->tc, now));
	}
	te = fabs(sim_clock_te(&n->clock));
	if (te > n->cur_peak) {
		n->cur_peak = te;
	}
}

static void node_kill(struct node *n)
{
	if (n->oc) {
		oc_destroy(n->oc);
		n->oc = NULL;
		note_selection(n);
		n->samples = 0;
	}
	if (n->gm) {
		gm_destroy(n->gm);
		n->gm = NULL;
	}
	if (n->tc) {
		if (n->sim->now < n->sim->end) {
			tc_log_summary(n->tc); /* killed in the run; at the end: main */
		}
		tc_destroy(n->tc);
		n->tc = NULL;
	}
	n->alive = 0;
	n->inc++;
	n->tick_at = n->tick_ev_at = INT64_MAX;
}

static void node_start(struct node *n)
{
	char err[512], id[32];

	if (n->alive) {
		node_kill(n);
	}
	err[0] = 0;
	if (is_fwd(n)) {
		if (n->spec->kind == NODE_TC) {
			n->tc = tc_create(n->cfg, &n->port.clockIdentity, n->n_ports, n->port_names, &n->tops, err,
					  sizeof(err));
			if (!n->tc) {
				die("node %s: %s", n->spec->name, err[0] ? err : "engine not created");
			}
		}
		n->alive = 1;
		n->creates++;
		sim_log(n->sim, "sim", "%s %s: %s, %d ports%s", n->creates > 1 ? "restart" : "start",
			n->spec->name, kind_str(n->spec->kind), n->n_ports,
			n->tc ? cfg_int(n->cfg, OPT_tc_egress) == TC_TWO_STEP ? ", tc_egress two_step"
									      : ", tc_egress one_step"
			      : "");
		engine_done(n);
		return;
	}
	if (n->spec->role == CFG_ROLE_OC) {
		n->oc = oc_create(n->cfg, &n->port, &n->ops, mono(n->sim), err, sizeof(err));
	} else {
		n->gm = gm_create(n->cfg, &n->port, &n->ops, mono(n->sim), err, sizeof(err));
	}
	if (!n->oc && !n->gm) {
		die("node %s: %s", n->spec->name, err[0] ? err : "engine not created");
	}
	n->alive = 1;
	n->creates++;
	sim_log(n->sim, "sim", "%s %s: %s %s, clockIdentity %s",
		n->creates > 1 ? "restart" : "start", n->spec->name,
		n->spec->role == CFG_ROLE_OC ? "oc" : "gm", n->spec->address,
		clock_id_str(&n->port.clockIdentity, id));
	engine_done(n);
}

static int parse_clock_identity(const char *s, struct clock_identity *id)
{
	unsigned v[8];
	int i;

	if (sscanf(s, "%2x%2x%2x.%2x%2x.%2x%2x%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &v[6], &v[7]) != 8) {
		return -1;
	}
	for (i = 0; i < 8; i++) {
		id->id[i] = (uint8_t)v[i];
	}
	return 0;
}

static void node_samples(struct sim *s, struct node *n)
{
	n->te = calloc(s->n_samples ? s->n_samples : 1, sizeof(double));
	n->fadj = calloc(s->n_samples ? s->n_samples : 1, sizeof(double));
	n->ferr = calloc(s->n_samples ? s->n_samples : 1, sizeof(double));
	n->peak = calloc(s->n_samples ? s->n_samples : 1, sizeof(double));
	if (!n->te || !n->fadj || !n->ferr || !n->peak) {
		die("out of memory");
	}
}

/* A tc (its configuration read) or a switch: ports, clock, stamps, queues. */
static void node_setup_fwd(struct sim *s, struct node *n)
{
	const struct node_spec *sp = n->spec;
	char name[64];
	int k;

	for (k = 0; k < s->sc.n_links; k++) {
		const struct link *l = &s->sc.link[k];
		int peer = l->a == n->idx ? l->b : l->b == n->idx ? l->a : -1;
		if (peer < 0) {
			continue;
		}
		if (n->n_ports == TC_MAX_PORTS) {
			die("node %s: more than %d links", sp->name, TC_MAX_PORTS);
		}
		n->port_peer[++n->n_ports] = peer;
		snprintf(n->port_name[n->n_ports - 1], sizeof(n->port_name[0]), "%s-%s", sp->name,
			 s->sc.node[peer].name);
		n->port_names[n->n_ports - 1] = n->port_name[n->n_ports - 1];
	}
	/* a tc's clockIdentity (its management): 02:00:00:00:00:NN + 00 02 */
	n->port.clockIdentity.id[0] = 0x02;
	n->port.clockIdentity.id[5] = (uint8_t)(n->idx + 1);
	n->port.clockIdentity.id[7] = 0x02;
	n->stamp = sp->stamp;
	if (!sp->stamp.kind_set && n->cfg) {
		n->stamp.kind = cfg_int(n->cfg, OPT_time_stamping) == TS_SOFTWARE ? STAMP_SW
										   : STAMP_HW;
	}
	sim_clock_init(&n->clock, &sp->osc, &s->now, s->sc.seed, sp->name);
	n->last_te = sim_clock_te(&n->clock);
	snprintf(name, sizeof(name), "ts:%s", sp->name);
	rng_init(&n->ts_rng, s->sc.seed, name);
	snprintf(name, sizeof(name), "queue:%s", sp->name);
	rng_init(&n->q_rng, s->sc.seed, name);
	snprintf(name, sizeof(name), "proc:%s", sp->name);
	rng_init(&n->p_rng, s->sc.seed, name);

	n->ops.log = op_log;
	n->ops.clk = &n->clock.clk;
	n->ops.io = n;
	n->ops.log_level = s->log_level;
	n->ops.auth = n->auth;
	n->tops.eng = n->ops;
	n->tops.send_frame = op_send_frame;
	n->tops.egress = op_egress;
	node_samples(s, n);
}

/* sa_file/spp/active_key_id of the node's configuration (1588-2019
 * 16.14, core/auth.h): its engine's messages signed and checked as by the
 * applets.  A relative sa_file is relative to the node's config file. */
static void node_auth(struct node *n)
{
	const char *path = cfg_str(n->cfg, OPT_sa_file);
	char full[512], text[16384], err[512];
	const char *slash = strrchr(n->spec->config, '/');
	size_t len;
	FILE *f;

	if (cfg_int(n->cfg, OPT_spp) < 0) {
		return;
	}
	if (path[0] != '/' && slash) {
		snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - n->spec->config),
			 n->spec->config, path);
	} else {
		snprintf(full, sizeof(full), "%s", path);
	}
	f = fopen(full, "r");
	if (!f) {
		die("node %s: sa_file %s: %s", n->spec->name, full, strerror(errno));
	}
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	n->sad = auth_db_parse(text, len, full, err, sizeof(err));
	if (!n->sad) {
		die("node %s: %s", n->spec->name, err);
	}
	n->auth = auth_port_create(n->sad, cfg_int(n->cfg, OPT_spp),
				   (uint32_t)cfg_ll(n->cfg, OPT_active_key_id), 4096, err, sizeof(err));
	if (!n->auth) {
		die("node %s: %s", n->spec->name, err);
	}
	n->ops.auth = n->auth;
}

static void node_setup(struct sim *s, int i)
{
	struct node *n = &s->node[i];
	const struct node_spec *sp = &s->sc.node[i];
	char err[512], name[64];
	int k;

	memset(n, 0, sizeof(*n));
	n->sim = s;
	n->idx = i;
	n->spec = sp;
	n->sel = -1;
	n->tick_at = n->tick_ev_at = INT64_MAX;

	if (sp->kind == NODE_SWITCH) {
		node_setup_fwd(s, n);
		return;
	}
	n->cfg = config_create(sp->role);
	if (!n->cfg) {
		die("out of memory");
	}
	err[0] = 0;
	if (sp->config[0] && config_read(n->cfg, sp->config, sp->name, err, sizeof(err))) {
		die("node %s: %s", sp->name, err);
	}
	for (k = 0; k < sp->n_set; k++) {
		if (config_set(n->cfg, sp->set[k].key, sp->set[k].value)) {
			die("node %s: set %s %s: refused", sp->name, sp->set[k].key,
			    sp->set[k].value);
		}
	}
	for (k = 0; k < s->n_sets; k++) {
		if (config_set(n->cfg, s->set_key[k], s->set_val[k])) {
			die("--set %s=%s: refused for node %s", s->set_key[k], s->set_val[k],
			    sp->name);
		}
	}
	if (config_finish(n->cfg, err, sizeof(err))) {
		die("node %s: %s", sp->name, err);
	}
	node_auth(n);
	if (sp->kind == NODE_TC) {
		node_setup_fwd(s, n);
		return;
	}
	n->transport = cfg_int(n->cfg, OPT_network_transport);
	if (op_addr_parse(NULL, n->transport, sp->address, &n->addr)) {
		die("node %s: address %s is not a %s address", sp->name, sp->address,
		    n->transport == TRANS_UDP_IPV6 ? "UDPv6" : "UDPv4");
	}
	for (k = 0; k < i; k++) {
		if (net_addr_eq(&s->node[k].addr, &n->addr)) {
			die("node %s: address %s is %s's too", sp->name, sp->address,
			    s->node[k].spec->name);
		}
	}

	n->stamp = sp->stamp;
	if (!sp->stamp.kind_set) {
		n->stamp.kind = cfg_int(n->cfg, OPT_time_stamping) == TS_SOFTWARE ? STAMP_SW
										   : STAMP_HW;
	}
	if (sp->role == CFG_ROLE_GM && !cfg_int(n->cfg, OPT_twoStepFlag)) {
		if (n->stamp.kind != STAMP_HW) {
			die("node %s: twoStepFlag 0: one-step Sync needs stamp hardware", sp->name);
		}
		n->one_step = 1;
	}
	sim_clock_init(&n->clock, &sp->osc, &s->now, s->sc.seed, sp->name);
	if (sp->utc) {
		sim_clock_utc(&n->clock);
	}
	n->last_te = sim_clock_te(&n->clock);
	snprintf(name, sizeof(name), "ts:%s", sp->name);
	rng_init(&n->ts_rng, s->sc.seed, name);

	/* clockIdentity: the configuration's, else EUI-48 02:00:00:00:00:NN
	 * plus two octets (OCP: appended, no FFFE), 00 gm / 01 oc */
	if (*cfg_str(n->cfg, OPT_clockIdentity)) {
		if (parse_clock_identity(cfg_str(n->cfg, OPT_clockIdentity),
					 &n->port.clockIdentity)) {
			die("node %s: clockIdentity: expected the form 001122.3344.556677",
			    sp->name);
		}
	} else {
		n->port.clockIdentity.id[0] = 0x02;
		n->port.clockIdentity.id[5] = (uint8_t)(i + 1);
		n->port.clockIdentity.id[7] = sp->role == CFG_ROLE_GM ? 0x00 : 0x01;
	}
	n->port.iface = sp->name;
	n->port.transport = n->transport;
	n->port.hw_ts = n->stamp.kind == STAMP_HW;

	n->ops.send = op_send;
	n->ops.log = op_log;
	n->ops.addr_parse = op_addr_parse;
	n->ops.mgmt = NULL;
	n->ops.clk = &n->clock.clk;
	n->ops.io = n;
	n->ops.log_level = s->log_level;
	n->ops.auth = n->auth;

	node_samples(s, n);
}

/* Next hops: for each gm/oc d, a breadth-first search from d through tcs
 * and switches only (a gm or oc forwards nothing); a node's next hop
 * towards d is its neighbour one step closer (d itself, or a tc/switch),
 * the one of the lowest link index when there are several. */
static void routes(struct sim *s)
{
	const struct scenario *sc = &s->sc;
	int dist[SIM_MAX_NODES], queue[SIM_MAX_NODES];
	int d, u, v, head, tail;

	memset(s->hop, -1, sizeof(s->hop));
	for (d = 0; d < sc->n_nodes; d++) {
		if (sc->node[d].kind != NODE_GM && sc->node[d].kind != NODE_OC) {
			continue;
		}
		for (u = 0; u < sc->n_nodes; u++) {
			dist[u] = -1;
		}
		dist[d] = 0;
		head = tail = 0;
		queue[tail++] = d;
		while (head < tail) {
			u = queue[head++];
			for (v = 0; v < sc->n_nodes; v++) {
				if (s->link_of[u][v] < 0 || dist[v] >= 0) {
					continue;
				}
				dist[v] = dist[u] + 1;
				if (sc->node[v].kind == NODE_TC || sc->node[v].kind == NODE_SWITCH) {
					queue[tail++] = v;
				}
			}
		}
		for (u = 0; u < sc->n_nodes; u++) {
			int best = -1;
			if (u == d || dist[u] <= 0) {
				continue;
			}
			for (v = 0; v < sc->n_nodes; v++) {
				int li = s->link_of[u][v];
				if (li < 0 || dist[v] != dist[u] - 1 ||
				    (v != d && sc->node[v].kind != NODE_TC &&
				     sc->node[v].kind != NODE_SWITCH)) {
					continue;
				}
				if (best < 0 || li < s->link_of[u][best]) {
					best = v;
				}
			}
			s->hop[u][d] = (short)best;
		}
	}
}

/* ---- events ---- */

/* A frame at a gm/oc: the datagram, its source address and event flag in
 * p; -1 (counted) when it is not a good UDP datagram to this node. */
static int unwrap(struct node *n, struct pkt *p)
{
	struct tc_frame f;
	struct net_addr src, dst;

	if (tc_frame_parse(p->buf, p->len, &f) || !f.ip) {
		n->rx_bad_frame++;
		return -1;
	}
	if (!tc_frame_udp_ok(p->buf, &f)) {
		n->rx_bad_csum++;
		return -1;
	}
	frame_addrs(p->buf, &f, &src, &dst);
	if (!net_addr_eq(&dst, &n->addr)) {
		n->rx_not_mine++;
		return -1;
	}
	p->from = src;
	p->event = f.event;
	memmove(p->buf, p->buf + f.ptp_off, f.ptp_len);
	p->len = f.ptp_len;
	p->frame = 0;
	return 0;
}

/* A frame's processing in a tc/switch is over: the tc engine takes it, a
 * switch queues it for the port towards its destination.  p consumed. */
static void fwd_decide(struct node *n, int port, struct pkt *p, tmv_t rx_ts)
{
	struct sim *s = n->sim;

	if (n->tc) {
		n->cur_arrival = p->arrived;
		tc_rx(n->tc, port, p->buf, p->len, rx_ts, mono(s));
		pkt_put(s, p);
		engine_done(n);
		return;
	}
	{
		uint32_t out = op_egress(n, port, p->buf, p->len) & ~(1u << port);
		int q;
		for (q = 1; q <= n->n_ports; q++) {
			if (out & (1u << q)) {
				n->tx++;
				port_enqueue(n, q, p->buf, p->len, 0);
			}
		}
	}
	pkt_put(s, p);
}

/* A frame arrived at a tc/switch: receive stamp (tc, event messages), then
 * `processing` (FIFO) before the forwarding decision. */
static void fwd_rx(struct node *n, struct pkt *p)
{
	struct sim *s = n->sim;
	int port = peer_port(n, p->from_node);
	tmv_t rx_ts = 0, t;
	struct event e;

	p->arrived = s->now;
	if (n->spec->kind == NODE_TC && p->event) {
		rx_ts = stamp_take(&n->stamp, &n->ts_rng, &n->clock, 0);
	}
	if (n->spec->proc.kind == PDV_NONE) {
		fwd_decide(n, port, p, rx_ts);
		return;
	}
	t = s->now + (tmv_t)llround(delay_draw(&n->spec->proc, &n->p_rng));
	if (t < n->proc_free) {
		t = n->proc_free;
	}
	n->proc_free = t;
	memset(&e, 0, sizeof(e));
	e.t = t;
	e.type = EV_PROC;
	e.node = n->idx;
	e.inc = n->inc;
	e.port = port;
	e.ts = rx_ts;
	e.pkt = p;
	push(s, &e);
}

static void do_proc(struct sim *s, const struct event *e)
{
	struct node *n = &s->node[e->node];

	if (!n->alive || e->inc != n->inc) {
		pkt_put(s, e->pkt);
		return;
	}
	fwd_decide(n, e->port, e->pkt, e->ts);
}

/* A frame leaves a tc/switch port: its transmit stamp now (when the tc
 * asked for one), then the link. */
static void do_depart(struct sim *s, const struct event *e)
{
	struct node *n = &s->node[e->node];
	struct event t;

	if (!n->alive || e->inc != n->inc) {
		pkt_put(s, e->pkt);
		return;
	}
	if (e->id > 0) {
		n->ts_n[e->port]++;
		n->ts_pre[e->port] += (double)(e->pkt->sent - e->pkt->arrived);
		n->ts_wait[e->port] += (double)(s->now - e->pkt->sent);
		n->ts_res[e->port] += (double)(s->now - e->pkt->arrived);
		memset(&t, 0, sizeof(t));
		t.ts = stamp_take(&n->stamp, &n->ts_rng, &n->clock, 1);
		t.t = s->now + (tmv_t)n->stamp.tx_ts_delay_ns;
		t.type = EV_TXTS;
		t.node = n->idx;
		t.inc = n->inc;
		t.id = e->id;
		push(s, &t);
	}
	link_xmit(s, n->idx, n->port_peer[e->port], e->pkt);
}

static void do_rx(struct sim *s, const struct event *e)
{
	struct node *n = &s->node[e->node];
	struct pkt *p = e->pkt;
	tmv_t rx_ts = 0;

	if (!n->alive) {
		n->rx_dead++;
		pkt_put(s, p);
		return;
	}
	n->rx++;
	if (is_fwd(n)) {
		fwd_rx(n, p);
		return;
	}
	if (p->frame && unwrap(n, p)) {
		pkt_put(s, p);
		return;
	}
	if (p->event) {
		rx_ts = stamp_take(&n->stamp, &n->ts_rng, &n->clock, 0);
		if (n->stamp.rx_ts_loss > 0 && rng_uniform(&n->ts_rng) < n->stamp.rx_ts_loss) {
			rx_ts = 0; /* the kernel gave no stamp */
		}
	}
	if (n->oc) {
		oc_rx(n->oc, p->event, &p->from, p->buf, p->len, rx_ts, mono(s));
	} else {
		gm_rx(n->gm, p->event, &p->from, p->buf, p->len, rx_ts, mono(s));
	}
	pkt_put(s, p);
	engine_done(n);
}

static void do_txts(struct sim *s, const struct event *e)
{
	struct node *n = &s->node[e->node];

	if (!n->alive || e->inc != n->inc) {
		return;
	}
	if (n->oc) {
		oc_tx_ts(n->oc, e->id, e->ts, mono(s));
	} else if (n->gm) {
		gm_tx_ts(n->gm, e->id, e->ts, mono(s));
	} else if (n->tc) {
		tc_tx_ts(n->tc, e->id, e->ts, mono(s));
	}
	engine_done(n);
}

static void do_tick(struct sim *s, const struct event *e)
{
	struct node *n = &s->node[e->node];

	if (!n->alive || e->inc != n->inc || e->t != n->tick_ev_at) {
		return; /* superseded */
	}
	n->tick_ev_at = INT64_MAX;
	if (n->tick_at == INT64_MAX) {
		return; /* nothing due any more */
	}
	if (n->tick_at > s->now) {
		/* the deadline moved later since this was queued */
		struct event r = *e;
		r.t = n->tick_at;
		push(s, &r);
		n->tick_ev_at = n->tick_at;
		return;
	}
	engine_done(n);
}

static void do_sample(struct sim *s)
{
	size_t k = s->next_sample++;
	int i;

	for (i = 0; i < s->n_nodes; i++) {
		struct node *n = &s->node[i];
		double te = sim_clock_te(&n->clock), te_free = te - (double)n->clock.stepped;
		n->te[k] = te;
		n->peak[k] = fabs(te) > n->cur_peak ? fabs(te) : n->cur_peak;
		n->cur_peak = 0;
		n->fadj[k] = n->clock.adj_int - n->last_adj_int;
		n->ferr[k] = te_free - n->last_te;
		n->last_te = te_free;
		n->last_adj_int = n->clock.adj_int;
		if (s->trace) {
			fprintf(s->trace, "%zu,%s,%.1f,%.3f,%.3f\n", k + 1, n->spec->name, n->te[k],
				n->fadj[k], n->ferr[k]);
		}
	}
	if (s->next_sample < s->n_samples) {
		struct event e;
		memset(&e, 0, sizeof(e));
		e.t = (tmv_t)(s->next_sample + 1) * NS_PER_SEC;
		e.type = EV_SAMPLE;
		push(s, &e);
	}
}

/* ACT_FORGE: the message an attacker forges with node `as`'s address and
 * clockIdentity, delivered to node `to` now (the attacker is on nobody's
 * path: it reads nothing, it learnt the identities by management GET). */
static void forge(struct sim *s, const struct scen_event *se)
{
	static const char *const kind[] = { "announce", "request", "cancel", "ack", "sync" };
	static const uint16_t tlv_type[] = { 0, TLV_REQUEST_UNICAST_TRANSMISSION,
					     TLV_CANCEL_UNICAST_TRANSMISSION,
					     TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION };
	struct node *as = &s->node[se->node], *to = &s->node[se->node2];
	struct ptp_msg m;
	struct event e;
	struct pkt *p;
	int n, k;

	if (se->forge == FORGE_SYNC) {
		/* a one-step Sync of a made-up clock (node's clockIdentity
		 * with octet 3 flipped), its time node's + ppb of the time
		 * since the start, sent to node2 by node's route: across the
		 * tcs between them */
		uint8_t buf[64];
		tmv_t t = sim_clock_read(&as->clock);
		msg_init(&m, SYNC);
		m.hdr.flagField = FLAG_UNICAST;
		m.hdr.logMessageInterval = 0;
		m.hdr.domainNumber = (uint8_t)cfg_int(as->cfg, OPT_domainNumber);
		m.hdr.sourcePortIdentity.clockIdentity = as->port.clockIdentity;
		m.hdr.sourcePortIdentity.clockIdentity.id[3] ^= 0xff;
		m.hdr.sourcePortIdentity.portNumber = (uint16_t)se->port;
		m.hdr.sequenceId = (uint16_t)s->n_events;
		m.body.sync.originTimestamp = tmv_to_ts(t + (tmv_t)((double)s->now * se->ppb * 1e-9));
		n = msg_pack(&m, buf, sizeof(buf));
		if (n < 0 || op_send(as, 1, 1, &to->addr, buf, (size_t)n, 0) < 0) {
			die("%s:%d: forge: sync not sent", s->sc.path, se->line);
		}
		sim_log(s, "sim", "forge %s -> %s: sync port %d", as->spec->name, to->spec->name,
			se->port);
		return;
	}
	if (se->forge == FORGE_ANNOUNCE) {
		/* what the gm would announce now (its data sets), then the
		 * forger's changes */
		struct mgmt_value v;
		struct time_properties_ds tp;
		struct default_ds dds;
		tmv_t t = sim_clock_read(&as->clock);

		memset(&dds, 0, sizeof(dds));
		memset(&tp, 0, sizeof(tp));
		dds.clockIdentity = as->port.clockIdentity;
		dds.priority1 = dds.priority2 = 128;
		if (as->gm) {
			memset(&v, 0, sizeof(v));
			v.id = MID_DEFAULT_DATA_SET;
			gm_mgmt_get(as->gm, &v, mono(s));
			dds = v.u.dds;
			tp = *gm_time_properties(as->gm);
		}
		if (se->has_utc) {
			tp.currentUtcOffset = (int16_t)se->utc_offset;
		}
		tp.leap61 = se->leap == 1;
		tp.leap59 = se->leap == 2;
		msg_init(&m, ANNOUNCE);
		m.hdr.flagField = FLAG_UNICAST | tpds_to_flags(&tp);
		m.hdr.logMessageInterval = 0;
		if (as->clock.clk.utc_timescale) {
			t += (tmv_t)tp.currentUtcOffset * NS_PER_SEC;
		}
		m.body.announce.originTimestamp = tmv_to_ts(t);
		m.body.announce.currentUtcOffset = tp.currentUtcOffset;
		m.body.announce.grandmasterPriority1 = dds.priority1;
		m.body.announce.grandmasterClockQuality = dds.clockQuality;
		m.body.announce.grandmasterPriority2 = dds.priority2;
		m.body.announce.grandmasterIdentity = dds.clockIdentity;
		m.body.announce.timeSource = tp.timeSource;
	} else {
		msg_init(&m, SIGNALING);
		m.hdr.flagField = FLAG_UNICAST;
		m.hdr.logMessageInterval = 0x7f;
		memset(&m.body.signaling.targetPortIdentity, 0xff,
		       sizeof(m.body.signaling.targetPortIdentity));
		for (k = 0; k < UC_NSVC; k++) {
			struct tlv *t;
			if (!(se->types & (1 << k))) {
				continue;
			}
			t = msg_add_tlv(&m, tlv_type[se->forge]);
			t->u.uc.messageType = uc_svc_msgtype(k);
			t->u.uc.logInterMessagePeriod = (int8_t)se->log;
			t->u.uc.durationField = se->duration;
		}
	}
	m.hdr.domainNumber = (uint8_t)cfg_int(as->cfg, OPT_domainNumber);
	m.hdr.sourcePortIdentity.clockIdentity = as->port.clockIdentity;
	m.hdr.sourcePortIdentity.portNumber = (uint16_t)se->port;
	m.hdr.sequenceId = (uint16_t)(0x8000 + s->n_events);
	p = pkt_get(s);
	n = msg_pack(&m, p->buf, sizeof(p->buf));
	if (n < 0) {
		die("%s:%d: forge: message not packed", s->sc.path, se->line);
	}
	p->len = (size_t)n;
	p->event = 0;
	p->frame = 0;
	p->type = m.hdr.messageType;
	p->from = as->addr;
	if (as->addr.ss.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&p->from.ss)->sin6_port = htons(320);
	} else {
		((struct sockaddr_in *)&p->from.ss)->sin_port = htons(320);
	}
	p->from_node = se->node;
	to->forged_rx++;
	sim_log(s, "sim", "forge %s -> %s: %s port %d", as->spec->name, to->spec->name,
		kind[se->forge], se->port);
	memset(&e, 0, sizeof(e));
	e.t = s->now;
	e.type = EV_RX;
	e.node = se->node2;
	e.pkt = p;
	push(s, &e);
}

static void do_script(struct sim *s, const struct scen_event *se)
{
	struct node *n = se->node >= 0 ? &s->node[se->node] : NULL;
	struct link *l = se->link >= 0 ? &s->sc.link[se->link] : NULL;
	const char *lname = se->link >= 0 ? s->sc.link_name[se->link] : "";
	static const char *const src[] = { "locked", "lost", "class" };
	struct net_addr addrs[SIM_MAX_EV_ADDRS];
	int i;

	switch (se->act) {
	case ACT_START:
		node_start(n);
		break;
	case ACT_RESTART:
		node_start(n);
		break;
	case ACT_KILL:
		sim_log(s, "sim", "kill %s", n->spec->name);
		node_kill(n);
		break;
	case ACT_STOP:
		sim_log(s, "sim", "stop %s", n->spec->name);
		if (n->oc) {
			oc_stop(n->oc, mono(s));
		} else if (n->gm) {
			gm_stop(n->gm, mono(s));
		}
		node_kill(n);
		break;
	case ACT_SOURCE:
		sim_log(s, "sim", "source %s %s %d", n->spec->name, src[se->src_req], se->src_cls);
		if (n->gm) {
			gm_source(n->gm, (enum gm_source_req)se->src_req, se->src_cls, mono(s));
			engine_done(n);
		}
		break;
	case ACT_LINK_DOWN:
	case ACT_LINK_UP:
		l->up = se->act == ACT_LINK_UP;
		sim_log(s, "sim", "link %s %s", lname, l->up ? "up" : "down");
		break;
	case ACT_DELAY_STEP:
		for (i = 0; i < 2; i++) {
			if (se->dirs & (1 << i)) {
				l->dir[i].delay_ns += se->delta_ns;
				if (l->dir[i].delay_ns < 0) {
					l->dir[i].delay_ns = 0;
				}
			}
		}
		sim_log(s, "sim", "link %s delay fwd %.0f rev %.0f ns", lname, l->dir[0].delay_ns,
			l->dir[1].delay_ns);
		break;
	case ACT_DROP:
		l->dir[se->dirs == 1 ? 0 : 1].drop_mask = se->drop_mask;
		sim_log(s, "sim", "link %s %s: drop mask 0x%04x", lname, se->dirs == 1 ? "fwd" : "rev",
			se->drop_mask);
		break;
	case ACT_FORGE:
		forge(s, se);
		break;
	case ACT_LOCKOUT:
		for (i = 0; i < se->n_addrs; i++) {
			if (op_addr_parse(NULL, n->transport, se->addrs[i], &addrs[i])) {
				die("%s:%d: lockout %s: not an address of the node's transport",
				    s->sc.path, se->line, se->addrs[i]);
			}
		}
		sim_log(s, "sim", "lockout %s: %d addresses", n->spec->name, se->n_addrs);
		if (n->oc) {
			oc_lockout(n->oc, addrs, se->n_addrs, "scenario", mono(s));
			engine_done(n);
		}
		break;
	}
}

static void run(struct sim *s)
{
	struct event e;
	int i;

	/* node starts, then the script, then the first sample: at equal
	 * times they run in this order */
	for (i = 0; i < s->n_nodes; i++) {
		memset(&e, 0, sizeof(e));
		e.t = (tmv_t)llround(s->sc.node[i].start_s * NS_PER_SEC);
		e.type = EV_SCRIPT;
		e.id = -1 - i;
		push(s, &e);
	}
	for (i = 0; i < s->sc.n_ev; i++) {
		memset(&e, 0, sizeof(e));
		e.t = s->sc.ev[i].t;
		e.type = EV_SCRIPT;
		e.id = i;
		push(s, &e);
	}
	if (s->n_samples) {
		memset(&e, 0, sizeof(e));
		e.t = NS_PER_SEC;
		e.type = EV_SAMPLE;
		push(s, &e);
	}
	while (s->n_heap && s->heap[0].t <= s->end) {
		pop(s, &e);
		s->now = e.t;
		s->n_events++;
		switch (e.type) {
		case EV_RX:
			do_rx(s, &e);
			break;
		case EV_TXTS:
			do_txts(s, &e);
			break;
		case EV_TICK:
			do_tick(s, &e);
			break;
		case EV_PROC:
			do_proc(s, &e);
			break;
		case EV_DEPART:
			do_depart(s, &e);
			break;
		case EV_SAMPLE:
			do_sample(s);
			break;
		case EV_SCRIPT:
			if (e.id < 0) {
				struct scen_event st;
				memset(&st, 0, sizeof(st));
				st.act = ACT_START;
				st.node = -1 - e.id;
				st.link = -1;
				do_script(s, &st);
			} else {
				do_script(s, &s->sc.ev[e.id]);
			}
			break;
		}
	}
	s->now = s->end;
}

/* ---- results ---- */

struct window_res {
	size_t n;
	struct te_summary sum;
	double te_start, te_end, ferr_start, ferr_mean, peak;
};

static void window(const struct sim *s, const struct node *n, double from_s, double to_s,
		   struct window_res *w)
{
	size_t a, b, k;
	double f = 0;

	memset(w, 0, sizeof(*w));
	/* sample k is at t = k + 1 s */
	a = from_s < 1 ? 0 : (size_t)ceil(from_s) - 1;
	b = to_s < 1 ? 0 : (size_t)floor(to_s);
	if (b > s->n_samples) {
		b = s->n_samples;
	}
	if (a >= b) {
		return;
	}
	w->n = b - a;
	te_summary(n->te + a, w->n, &w->sum);
	w->te_start = n->te[a];
	w->te_end = n->te[b - 1];
	w->ferr_start = n->ferr[a];
	for (k = a; k < b; k++) {
		f += n->ferr[k];
		if (n->peak[k] > w->peak) {
			w->peak = n->peak[k];
		}
	}
	w->ferr_mean = f / (double)w->n;
}

struct node_res {
	struct window_res steady;
	double mean_fadj;
	long converged_s; /* -1: not at the end */
	size_t n_mtie, n_tdev;
	struct te_point mtie[8], tdev[8];
	struct mask_verdict verdict[SIM_MAX_MASKS];
};

static void node_results(const struct sim *s, const struct node *n, struct node_res *r)
{
	static const double taus[] = { 1, 10, 100, 1000, 10000 };
	size_t a, k, i;
	double thr = s->sc.te_threshold_ns, f = 0;
	const double *x;
	struct te_measure me;

	memset(r, 0, sizeof(*r));
	window(s, n, s->sc.steady_from_s, (double)s->n_samples, &r->steady);
	a = s->n_samples - r->steady.n;
	for (k = a; k < s->n_samples; k++) {
		f += n->fadj[k];
	}
	r->mean_fadj = r->steady.n ? f / (double)r->steady.n : 0;

	r->converged_s = -1;
	if (s->n_samples && fabs(n->te[s->n_samples - 1]) < thr) {
		k = s->n_samples;
		while (k > 0 && fabs(n->te[k - 1]) < thr) {
			k--;
		}
		r->converged_s = (long)k + 1; /* first sample of the last run below thr */
	}

	x = n->te + a;
	for (i = 0; i < sizeof(taus) / sizeof(taus[0]); i++) {
		size_t kk = (size_t)taus[i];
		double v;
		if (kk <= stats_mtie_kmax(r->steady.n) && !stats_mtie(x, r->steady.n, kk, &v)) {
			r->mtie[r->n_mtie].tau_s = taus[i];
			r->mtie[r->n_mtie++].ns = v;
		}
		if (kk <= stats_tdev_kmax(r->steady.n) && !stats_tdev(x, r->steady.n, kk, &v)) {
			r->tdev[r->n_tdev].tau_s = taus[i];
			r->tdev[r->n_tdev++].ns = v;
		}
	}
	memset(&me, 0, sizeof(me));
	me.max_abs_te_ns = r->steady.sum.max_abs_ns;
	me.duration_s = (double)r->steady.n;
	me.mtie = r->mtie;
	me.n_mtie = r->n_mtie;
	me.tdev = r->tdev;
	me.n_tdev = r->n_tdev;
	for (i = 0; i < (size_t)s->sc.n_masks; i++) {
		mask_check(mask_find(s->sc.masks[i]), &me, &r->verdict[i]);
	}
}

/* The longest time (s) without a servo sample of oc n in window w (-1:
 * from steady_from to the end), the stretch after its last one included */
static double sample_gap(const struct sim *s, const struct node *n, int w)
{
	double g = w < 0 ? n->gap_steady : n->gap_win[w];

	gap_close(n->sample_at, s->end, w < 0 ? s->sc.steady_from_s : s->sc.win[w].from_s,
		  w < 0 ? 1e9 : s->sc.win[w].to_s, &g);
	return g;
}

/* JSON number: finite values with fixed decimals, else null. */
static void jnum(FILE *f, double v, int dec)
{
	if (isfinite(v)) {
		fprintf(f, "%.*f", dec, v);
	} else {
		fputs("null", f);
	}
}

/* tc/switch: "queue" {"frames", "mean_ns", "max_ns"} (send to departure),
 * "no_egress"; tc: "tc_egress", "rate_ratio_ppb" (tc_rate_ratio: null when
 * not syntonized), "rate_n", "rate_rejected", "ports" {NAME: the engine's
 * counters}. */
static void json_fwd(FILE *f, const struct node *n)
{
	uint64_t rn, rr;
	double ppb;
	int p;

	fprintf(f, ",\"queue\":{\"frames\":%llu,\"mean_ns\":", (unsigned long long)n->q_n);
	jnum(f, n->q_n ? n->q_sum / (double)n->q_n : 0, 1);
	fprintf(f, ",\"max_ns\":");
	jnum(f, n->q_max, 1);
	fprintf(f, "},\"no_egress\":%llu", (unsigned long long)n->no_egress);
	if (!n->tc) {
		return;
	}
	fprintf(f, ",\"tc_egress\":\"%s\",\"rate_ratio_ppb\":",
		cfg_int(n->cfg, OPT_tc_egress) == TC_TWO_STEP ? "two_step" : "one_step");
	if (tc_rate_ratio(n->tc, &ppb, &rn, &rr)) {
		jnum(f, ppb, 3);
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\"rate_n\":%llu,\"rate_rejected\":%llu,\"ports\":{", (unsigned long long)rn,
		(unsigned long long)rr);
	for (p = 1; p <= n->n_ports; p++) {
		const struct tc_port_stats *t = tc_port_stats(n->tc, p);
		fprintf(f,
			"%s\"%s\":{\"rx_frames\":%llu,\"tx_frames\":%llu,\"corrected\":%llu,"
			"\"rx_bad\":%llu,\"tx_err\":%llu,\"tx_ts_missing\":%llu,"
			"\"dropped_unmatched\":%llu,\"dropped_late\":%llu,\"res_n\":%llu,"
			"\"res_mean_ns\":",
			p > 1 ? "," : "", n->port_names[p - 1], (unsigned long long)t->rx_frames,
			(unsigned long long)t->tx_frames, (unsigned long long)t->corrected,
			(unsigned long long)t->rx_bad, (unsigned long long)t->tx_err,
			(unsigned long long)t->tx_ts_missing, (unsigned long long)t->dropped_unmatched,
			(unsigned long long)t->dropped_late, (unsigned long long)t->res_n);
		jnum(f, t->res_n ? t->res_sum / (double)t->res_n : 0, 1);
		fprintf(f, ",\"res_max_ns\":");
		jnum(f, t->res_max, 1);
		fprintf(f, ",\"wa_n\":%llu,\"wa_mean_ns\":", (unsigned long long)t->wa_n);
		jnum(f, t->wa_n ? t->wa_sum / (double)t->wa_n : 0, 1);
		fprintf(f, ",\"wa_max_ns\":");
		jnum(f, t->wa_max, 1);
		fprintf(f, ",\"true\":{\"n\":%llu,\"pre_mean_ns\":", (unsigned long long)n->ts_n[p]);
		jnum(f, n->ts_n[p] ? n->ts_pre[p] / (double)n->ts_n[p] : 0, 1);
		fprintf(f, ",\"wait_mean_ns\":");
		jnum(f, n->ts_n[p] ? n->ts_wait[p] / (double)n->ts_n[p] : 0, 1);
		fprintf(f, ",\"res_mean_ns\":");
		jnum(f, n->ts_n[p] ? n->ts_res[p] / (double)n->ts_n[p] : 0, 1);
		fputs("}}", f);
	}
	fputc('}', f);
}

static void print_json(const struct sim *s, double wall)
{
	FILE *f = stdout;
	int i, m;
	size_t k;

	fprintf(f, "{\"scenario\":\"%s\",\"seed\":%llu,\"sim_seconds\":%zu,\"steady_from\":",
		s->sc.name, (unsigned long long)s->sc.seed, s->n_samples);
	jnum(f, s->sc.steady_from_s, 0);
	fprintf(f, ",\"te_threshold_ns\":");
	jnum(f, s->sc.te_threshold_ns, 0);
	fprintf(f, ",\"events\":%llu,\"nodes\":{", (unsigned long long)s->n_events);
	for (i = 0; i < s->n_nodes; i++) {
		const struct node *n = &s->node[i];
		struct node_res r;

		node_results(s, n, &r);
		fprintf(f, "%s\"%s\":{\"role\":\"%s\",\"address\":\"%s\",\"stamp\":\"%s\"",
			i ? "," : "", n->spec->name, kind_str(n->spec->kind),
			n->spec->address, n->stamp.kind == STAMP_HW ? "hardware" : "software");
		fprintf(f, ",\"rms_te_ns\":");
		jnum(f, r.steady.sum.rms_ns, 1);
		fprintf(f, ",\"max_abs_te_ns\":");
		jnum(f, r.steady.sum.max_abs_ns, 1);
		fprintf(f, ",\"peak_abs_te_ns\":");
		jnum(f, r.steady.peak, 1);
		fprintf(f, ",\"mean_te_ns\":");
		jnum(f, r.steady.sum.mean_ns, 1);
		fprintf(f, ",\"min_te_ns\":");
		jnum(f, r.steady.sum.min_ns, 1);
		fprintf(f, ",\"max_te_ns\":");
		jnum(f, r.steady.sum.max_ns, 1);
		fprintf(f, ",\"converged_s\":");
		if (r.converged_s >= 0) {
			fprintf(f, "%ld", r.converged_s);
		} else {
			fputs("null", f);
		}
		fprintf(f, ",\"mean_freq_ppb\":");
		jnum(f, r.mean_fadj, 3);
		fprintf(f, ",\"mean_freq_err_ppb\":");
		jnum(f, r.steady.ferr_mean, 3);
		fprintf(f, ",\"final_te_ns\":");
		jnum(f, s->n_samples ? n->te[s->n_samples - 1] : 0, 1);
		if (n->spec->kind == NODE_OC) {
			fprintf(f, ",\"max_sample_gap_s\":");
			jnum(f, sample_gap(s, n, -1), 3);
		}
		if (n->oc) { /* what its servo believes at the end (SERVO_STATE_NP) */
			struct servo_state_np sv;
			oc_servo_state(n->oc, &sv);
			fprintf(f, ",\"servo\":{");
			for (m = 0; m < MGMT_SERVO_FIELDS; m++) {
				fprintf(f, "%s\"%s\":", m ? "," : "", mgmt_servo_names[m]);
				jnum(f, (double)sv.v[m] / 65536, 4);
			}
			fputc('}', f);
		}
		fprintf(f, ",\"mtie_ns\":{");
		for (k = 0; k < r.n_mtie; k++) {
			fprintf(f, "%s\"%.0f\":", k ? "," : "", r.mtie[k].tau_s);
			jnum(f, r.mtie[k].ns, 1);
		}
		fprintf(f, "},\"tdev_ns\":{");
		for (k = 0; k < r.n_tdev; k++) {
			fprintf(f, "%s\"%.0f\":", k ? "," : "", r.tdev[k].tau_s);
			jnum(f, r.tdev[k].ns, 2);
		}
		fprintf(f, "},\"masks\":{");
		for (m = 0; m < s->sc.n_masks; m++) {
			const struct mask_verdict *v = &r.verdict[m];
			fprintf(f, "%s\"%s\":{\"pass\":%s,\"checked\":%d,\"worst\":\"%s\",\"worst_tau_s\":",
				m ? "," : "", s->sc.masks[m], v->pass ? "true" : "false", v->checked,
				mask_what_str(v->worst));
			jnum(f, v->worst_tau_s, 0);
			fprintf(f, ",\"margin_ns\":");
			jnum(f, v->margin_ns, 1);
			fputc('}', f);
		}
		fprintf(f, "},\"windows\":{");
		for (m = 0; m < s->sc.n_win; m++) {
			struct window_res w;
			window(s, n, s->sc.win[m].from_s, s->sc.win[m].to_s, &w);
			fprintf(f, "%s\"%s\":{\"from_s\":", m ? "," : "", s->sc.win[m].name);
			jnum(f, s->sc.win[m].from_s, 0);
			fprintf(f, ",\"to_s\":");
			jnum(f, s->sc.win[m].to_s, 0);
			fprintf(f, ",\"n\":%zu,\"max_abs_te_ns\":", w.n);
			jnum(f, w.sum.max_abs_ns, 1);
			fprintf(f, ",\"peak_abs_te_ns\":");
			jnum(f, w.peak, 1);
			fprintf(f, ",\"rms_te_ns\":");
			jnum(f, w.sum.rms_ns, 1);
			fprintf(f, ",\"te_start_ns\":");
			jnum(f, w.te_start, 1);
			fprintf(f, ",\"te_end_ns\":");
			jnum(f, w.te_end, 1);
			fprintf(f, ",\"drift_ns\":");
			jnum(f, w.te_end - w.te_start, 1);
			fprintf(f, ",\"freq_err_start_ppb\":");
			jnum(f, w.ferr_start, 3);
			fprintf(f, ",\"mean_freq_err_ppb\":");
			jnum(f, w.ferr_mean, 3);
			if (n->spec->kind == NODE_OC) {
				fprintf(f, ",\"sample_gap_s\":");
				jnum(f, sample_gap(s, n, m), 3);
			}
			fputc('}', f);
		}
		fprintf(f, "},\"selections\":[");
		for (m = 0; m < n->n_sels; m++) {
			char ts[32];
			fmt_time(n->sels[m].t, ts, sizeof(ts));
			fprintf(f, "%s{\"t\":%s,\"master\":\"%s\"}", m ? "," : "", ts,
				n->sels[m].name);
		}
		fprintf(f, "],\"clock\":{\"steps\":%llu,\"adjfreqs\":%llu}",
			(unsigned long long)n->clock.steps, (unsigned long long)n->clock.adjfreqs);
		fprintf(f, ",\"counters\":{\"tx\":%llu,\"rx\":%llu,\"rx_while_dead\":%llu",
			(unsigned long long)n->tx, (unsigned long long)n->rx,
			(unsigned long long)n->rx_dead);
		{
			const struct eng_counters *c = n->oc ? oc_counters(n->oc)
						       : n->gm ? gm_counters(n->gm)
							       : NULL;
			if (c) {
				fprintf(f,
					",\"rx_bad\":%llu,\"rx_other_domain\":%llu,\"rx_unknown_src\":%llu,"
					"\"tx_err\":%llu,\"tx_ts_missing\":%llu,\"tx_ts_late\":%llu,"
					"\"rx_ts_missing\":%llu",
					(unsigned long long)c->rx_bad,
					(unsigned long long)c->rx_other_domain,
					(unsigned long long)c->rx_unknown_src,
					(unsigned long long)c->tx_err,
					(unsigned long long)c->tx_ts_missing,
					(unsigned long long)c->tx_ts_late,
					(unsigned long long)c->rx_ts_missing);
				fprintf(f,
					",\"uc_wrong_sender\":%llu,\"uc_identity\":%llu,"
					"\"uc_cancel_ignored\":%llu,\"uc_budget\":%llu,"
					"\"utc_offset_held\":%llu",
					(unsigned long long)c->uc_wrong_sender,
					(unsigned long long)c->uc_identity,
					(unsigned long long)c->uc_cancel_ignored,
					(unsigned long long)c->uc_budget,
					(unsigned long long)c->utc_offset_held);
			}
			if (n->forged_rx) {
				fprintf(f, ",\"forged_rx\":%llu", (unsigned long long)n->forged_rx);
			}
		}
		if (n->rx_bad_frame || n->rx_bad_csum || n->rx_not_mine) {
			fprintf(f, ",\"rx_bad_frame\":%llu,\"rx_bad_csum\":%llu,\"rx_not_mine\":%llu",
				(unsigned long long)n->rx_bad_frame,
				(unsigned long long)n->rx_bad_csum,
				(unsigned long long)n->rx_not_mine);
		}
		fprintf(f, ",\"tick_clamps\":%llu,\"log_err\":%llu,\"log_warning\":%llu,"
			   "\"log_notice\":%llu}",
			(unsigned long long)n->tick_clamps,
			(unsigned long long)(n->log_lines[0] + n->log_lines[1] + n->log_lines[2] +
					     n->log_lines[3]),
			(unsigned long long)n->log_lines[4], (unsigned long long)n->log_lines[5]);
		if (is_fwd(n)) {
			json_fwd(f, n);
		}
		fputc('}', f);
	}
	fprintf(f, "},\"links\":{");
	for (i = 0; i < s->sc.n_links; i++) {
		const struct link *l = &s->sc.link[i];
		fprintf(f, "%s\"%s\":{", i ? "," : "", s->sc.link_name[i]);
		for (m = 0; m < 2; m++) {
			fprintf(f,
				"%s\"%s\":{\"sent\":%llu,\"lost\":%llu,\"down\":%llu,\"dropped\":%llu}",
				m ? "," : "", m ? "rev" : "fwd", (unsigned long long)l->dir[m].sent,
				(unsigned long long)l->dir[m].lost, (unsigned long long)l->dir[m].down,
				(unsigned long long)l->dir[m].dropped);
		}
		fputc('}', f);
	}
	fprintf(f, "},\"no_route\":%llu,\"wall_seconds\":%.3f}\n", (unsigned long long)s->no_route,
		wall);
}

static void text_fwd(FILE *f, const struct node *n)
{
	double ppb = 0;
	int p;

	fprintf(f, "         queue: %llu frames, wait mean %.0f max %.0f ns%s%s\n",
		(unsigned long long)n->q_n, n->q_n ? n->q_sum / (double)n->q_n : 0, n->q_max,
		n->tc ? ", tc_egress " : "",
		!n->tc ? ""
		: cfg_int(n->cfg, OPT_tc_egress) == TC_TWO_STEP ? "two_step"
								: "one_step");
	if (n->tc && tc_rate_ratio(n->tc, &ppb, NULL, NULL)) {
		fprintf(f, "         residences scaled by the grandmaster's rate: %+.3f ppb of ours\n",
			ppb);
	}
	for (p = 1; n->tc && p <= n->n_ports; p++) {
		const struct tc_port_stats *t = tc_port_stats(n->tc, p);
		fprintf(f,
			"         port %d (%s): tx %llu corrected %llu residence mean %.0f max %.0f ns, "
			"write-ahead error mean %.0f max %.0f ns, dropped %llu\n",
			p, n->port_names[p - 1], (unsigned long long)t->tx_frames,
			(unsigned long long)t->corrected, t->res_n ? t->res_sum / (double)t->res_n : 0,
			t->res_max, t->wa_n ? t->wa_sum / (double)t->wa_n : 0, t->wa_max,
			(unsigned long long)(t->dropped_unmatched + t->dropped_late));
	}
}

static void print_text(const struct sim *s, double wall)
{
	FILE *f = stdout;
	int i, m;
	size_t k;

	fprintf(f, "ptpsim %s: seed %llu, %zu s simulated in %.2f s (%.0fx real time), %llu events\n",
		s->sc.name, (unsigned long long)s->sc.seed, s->n_samples, wall,
		wall > 0 ? (double)s->n_samples / wall : 0, (unsigned long long)s->n_events);
	fprintf(f, "steady state from %.0f s (TE sampled each second; peak: at any engine event); "
		   "converged: |TE| < %.0f ns to the end\n",
		s->sc.steady_from_s, s->sc.te_threshold_ns);
	fprintf(f, "%-8s %-4s %10s %10s %10s %10s %10s %14s %12s\n", "node", "role", "rms TE",
		"max|TE|", "peak|TE|", "mean TE", "converged", "freq", "freq err");
	for (i = 0; i < s->n_nodes; i++) {
		const struct node *n = &s->node[i];
		struct node_res r;
		char conv[24];

		node_results(s, n, &r);
		if (r.converged_s >= 0) {
			snprintf(conv, sizeof(conv), "%ld s", r.converged_s);
		} else {
			snprintf(conv, sizeof(conv), "no");
		}
		fprintf(f, "%-8s %-4s %7.1f ns %7.1f ns %7.1f ns %7.1f ns %10s %+10.1f ppb %+8.3f ppb\n",
			n->spec->name, n->spec->kind == NODE_SWITCH ? "sw" : kind_str(n->spec->kind),
			r.steady.sum.rms_ns, r.steady.sum.max_abs_ns, r.steady.peak,
			r.steady.sum.mean_ns, conv,
			r.mean_fadj, r.steady.ferr_mean);
		if (is_fwd(n)) {
			text_fwd(f, n);
		}
		if (n->spec->role != CFG_ROLE_OC) {
			continue;
		}
		fprintf(f, "         MTIE");
		for (k = 0; k < r.n_mtie; k++) {
			fprintf(f, "  %.0fs %.1f", r.mtie[k].tau_s, r.mtie[k].ns);
		}
		fprintf(f, " ns; TDEV");
		for (k = 0; k < r.n_tdev; k++) {
			fprintf(f, "  %.0fs %.2f", r.tdev[k].tau_s, r.tdev[k].ns);
		}
		fprintf(f, " ns\n");
		for (m = 0; m < s->sc.n_masks; m++) {
			const struct mask_verdict *v = &r.verdict[m];
			fprintf(f, "         mask %s: %s (worst %s", s->sc.masks[m],
				v->pass ? "PASS" : "FAIL", mask_what_str(v->worst));
			if (v->worst_tau_s > 0) {
				fprintf(f, " at %.0f s", v->worst_tau_s);
			}
			fprintf(f, ", margin %.1f ns)\n", v->margin_ns);
		}
		for (m = 0; m < s->sc.n_win; m++) {
			struct window_res w;
			window(s, n, s->sc.win[m].from_s, s->sc.win[m].to_s, &w);
			fprintf(f,
				"         window %s %.0f..%.0f s: max|TE| %.1f ns (peak %.1f), TE %.1f -> "
				"%.1f ns (drift %+.1f ns), freq err at start %+.3f ppb, longest without "
				"a sample %.3f s\n",
				s->sc.win[m].name, s->sc.win[m].from_s, s->sc.win[m].to_s,
				w.sum.max_abs_ns, w.peak, w.te_start, w.te_end, w.te_end - w.te_start,
				w.ferr_start, sample_gap(s, n, m));
		}
		for (m = 0; m < n->n_sels; m++) {
			char ts[32];
			fmt_time(n->sels[m].t, ts, sizeof(ts));
			fprintf(f, "         %s s: master %s\n", ts, n->sels[m].name);
		}
	}
}

/* ---- command line ---- */

static const char usage[] =
	"usage: ptpsim SCENARIO [--seed N] [--duration S] [--set KEY=VALUE]... [--json]\n"
	"              [--log] [--log-level N] [--trace FILE]\n"
	"Runs the gm, oc and tc engines of the scenario in simulated time.\n"
	"  --seed N         random seed (default: the scenario's, else 1)\n"
	"  --duration S     simulated seconds (default: the scenario's)\n"
	"  --set KEY=VALUE  configuration key for every node (after its file and set lines)\n"
	"  --json           one JSON object with the results\n"
	"  --log            the nodes' log lines, prefixed with sim time and node (log level 6)\n"
	"  --log-level N    engine log level 0..7 (default 5; --log: 6)\n"
	"  --trace FILE     per node and second: t_s,node,te_ns,freq_adj_ppb,freq_err_ppb\n";

static const char *opt_arg(int argc, char **argv, int *i, const char *name)
{
	size_t l = strlen(name);

	if (!strncmp(argv[*i], name, l) && argv[*i][l] == '=') {
		return argv[*i] + l + 1;
	}
	if (!strcmp(argv[*i], name)) {
		if (*i + 1 >= argc) {
			die("%s: value missing\n%s", name, usage);
		}
		return argv[++*i];
	}
	return NULL;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	static struct sim sim;
	struct sim *s = &sim;
	const char *scen = NULL, *v, *trace = NULL;
	double duration = -1, t0, wall;
	long long seed = -1;
	int i, do_log = 0, level = -1;
	char err[512];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if ((v = opt_arg(argc, argv, &i, "--seed"))) {
			char *end;
			seed = strtoll(v, &end, 0);
			if (*end || seed < 0) {
				die("--seed %s: expected a number >= 0", v);
			}
		} else if ((v = opt_arg(argc, argv, &i, "--duration"))) {
			char *end;
			duration = strtod(v, &end);
			if (*end || duration < 1 || duration > 1e7) {
				die("--duration %s: expected 1..1e7 s", v);
			}
		} else if ((v = opt_arg(argc, argv, &i, "--set"))) {
			const char *eq = strchr(v, '=');
			char *key;
			if (!eq || eq == v || s->n_sets == MAX_CLI_SETS) {
				die("--set %s: expected KEY=VALUE (at most %d)", v, MAX_CLI_SETS);
			}
			key = strndup(v, (size_t)(eq - v));
			if (!key) {
				die("out of memory");
			}
			s->set_key[s->n_sets] = key;
			s->set_val[s->n_sets++] = eq + 1;
		} else if ((v = opt_arg(argc, argv, &i, "--trace"))) {
			trace = v;
		} else if ((v = opt_arg(argc, argv, &i, "--log-level"))) {
			level = atoi(v);
			if (level < 0 || level > 7) {
				die("--log-level %s: expected 0..7", v);
			}
		} else if (!strcmp(argv[i], "--json")) {
			s->json = 1;
		} else if (!strcmp(argv[i], "--log")) {
			do_log = 1;
		} else if (argv[i][0] == '-' || scen) {
			die("%s: unknown option or second scenario\n%s", argv[i], usage);
		} else {
			scen = argv[i];
		}
	}
	if (!scen) {
		fputs(usage, stderr);
		return 1;
	}
	if (scen_read(&s->sc, scen, err, sizeof(err))) {
		die("%s", err);
	}
	if (seed >= 0) {
		s->sc.seed = (uint64_t)seed;
	}
	if (duration > 0) {
		s->sc.duration_s = duration;
		if (s->sc.steady_from_s >= duration) {
			s->sc.steady_from_s = 0;
		}
	}
	s->log_level = level >= 0 ? level : do_log ? LOG_INFO : LOG_NOTICE;
	s->log_out = do_log ? stdout : NULL;
	if (trace) {
		s->trace = !strcmp(trace, "-") ? stdout : fopen(trace, "w");
		if (!s->trace) {
			die("%s: %s", trace, strerror(errno));
		}
		fprintf(s->trace, "t_s,node,te_ns,freq_adj_ppb,freq_err_ppb\n");
	}
	s->end = (tmv_t)llround(s->sc.duration_s * NS_PER_SEC);
	s->n_samples = (size_t)floor(s->sc.duration_s);
	s->n_nodes = s->sc.n_nodes;
	memset(s->link_of, -1, sizeof(s->link_of));
	for (i = 0; i < s->sc.n_links; i++) {
		struct link *l = &s->sc.link[i];
		char name[2 * SIM_NAME_LEN + 16];
		int d;
		s->link_of[l->a][l->b] = (short)i;
		s->link_of[l->b][l->a] = (short)i;
		for (d = 0; d < 2; d++) {
			const char *from = s->sc.node[d ? l->b : l->a].name;
			const char *to = s->sc.node[d ? l->a : l->b].name;
			snprintf(name, sizeof(name), "link:%s>%s", from, to);
			rng_init(&l->dir[d].rng, s->sc.seed, name);
			snprintf(name, sizeof(name), "flap:%s-%s", s->sc.node[l->a].name,
				 s->sc.node[l->b].name);
			rng_init(&l->dir[d].flap_rng, s->sc.seed, name);
			l->dir[d].flap_t = l->dir[d].p3 * rng_exp(&l->dir[d].flap_rng);
			if (l->dir[d].trace) {
				l->dir[d].trace_pos = rng_next(&l->dir[d].rng) % l->dir[d].trace->n;
			}
		}
	}
	routes(s);
	for (i = 0; i < s->n_nodes; i++) {
		node_setup(s, i);
	}

	t0 = wall_now();
	run(s);
	wall = wall_now() - t0;

	if (s->trace && s->trace != stdout) {
		fclose(s->trace);
	}
	for (i = 0; i < s->n_nodes; i++) {
		if (s->node[i].tc) {
			tc_log_summary(s->node[i].tc); /* before the summary */
		}
	}
	if (s->json) {
		print_json(s, wall);
	} else {
		print_text(s, wall);
	}
	for (i = 0; i < s->n_nodes; i++) {
		struct node *n = &s->node[i];
		if (n->alive) {
			node_kill(n);
		}
		config_destroy(n->cfg);
		auth_port_destroy(n->auth);
		auth_db_free(n->sad);
		free(n->te);
		free(n->fadj);
		free(n->ferr);
		free(n->peak);
		free(n->sels);
	}
	while (s->free_pkts) {
		struct pkt *p = s->free_pkts;
		s->free_pkts = p->next;
		free(p);
	}
	for (i = 0; i < (int)s->n_heap; i++) {
		free(s->heap[i].pkt);
	}
	free(s->heap);
	for (i = 0; i < s->n_sets; i++) {
		free((char *)s->set_key[i]);
	}
	scen_free(&s->sc);
	return 0;
}
