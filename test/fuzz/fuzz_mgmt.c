/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for management with the real handlers and for the
 * engines' receive paths: an oc and a gm engine (core/oc.c, core/gm.c)
 * built from one of three configuration pairs, their management served as
 * the applets serve it (mgmt_answer() with the engine's GET/SET, then the
 * agent's common ones, cmd/mgmt_agent.c), and talking to each other through
 * queues the input may drop from.  The input is a sequence of steps:
 * datagrams to either engine from a chosen source (the real peer, another
 * table entry, a stranger, itself), MANAGEMENT requests built from fields
 * or raw, time advancing with ticks and transmit timestamps, the queued
 * traffic delivered, a message of the peer altered in flight, time source
 * events (gm) and lock-outs (oc).
 * Properties: every datagram an engine sends unpacks (fz.c); a tick leaves
 * its next deadline ahead; every management answer packs into one message
 * and its dataField decodes; a SET answered without error reports the
 * value asked for.
 * Build and run: test/fuzz/run.sh [SECONDS] mgmt
 */
#include <string.h>

#include "../../cmd/applet.h"
#include "../../core/gm.h"
#include "../../core/oc.h"
#include "../../core/tlv.h"
#include "../../core/util.h"
#include "../../core/wire.h"
#include "../../hw/log.h"
#include "fz.h"

/* Configuration pairs: the oc follows the gm (fd00::1 / 10.0.0.1), the oc
 * is at fd00::2 / 10.0.0.2. */
static const char *const oc_cfg[3] = {
	"[global]\nprofile ocp-dc\ntime_stamping software\nlogAnnounceInterval 0\n"
	"logSyncInterval -4\nlogMinDelayReqInterval -4\nunicast_req_duration 60\n"
	"announceReceiptTimeout 3\nsyncReceiptTimeout 4\nsummary_interval 2\n"
	"first_step_threshold 0.00002\nstep_threshold 0.001\nallow_remote_mgmt 1\n"
	"mgmt_acl fd00::/64\nunicast_master_table 1\n[unicast_master_table]\ntable_id 1\n"
	"logQueryInterval 0\nUDPv6 fd00::1\nUDPv6 fd00::3 3\nUDPv6 fd00::4\n",
	"[global]\nprofile g8265.1\ntime_stamping hardware\nlogAnnounceInterval 0\n"
	"announceReceiptTimeout 2\nlogSyncInterval -3\nlogMinDelayReqInterval -3\n"
	"syncReceiptTimeout 8\nptsf_hold_time 10\nwait_to_restore 30\nnon_revertive 1\n"
	"max_clock_class 110\nunicast_master_table 1\n[unicast_master_table]\ntable_id 1\n"
	"logQueryInterval 0\nUDPv4 10.0.0.1 1\nUDPv4 10.0.0.3 2\n",
	/* 39 masters: UNICAST_MASTER_TABLE_NP (38 octets an entry) just
	 * longer than one message holds */
	"[global]\nnetwork_transport UDPv6\ntime_stamping software\nfree_running 0\n"
	"dataset_comparison G.8275.x\nlogSyncInterval 0\ndelay_filter_length 1\n"
	"unicast_master_table 7\n[unicast_master_table]\ntable_id 7\nlogQueryInterval 1\n"
	"UDPv6 fd00::1\nUDPv6 fd00::3\nUDPv6 fd00::4\nUDPv6 fd00::5\nUDPv6 fd00::6\n"
	"UDPv6 fd00::7\nUDPv6 fd00::8\nUDPv6 fd00::9\nUDPv6 fd00::a\nUDPv6 fd00::b\n"
	"UDPv6 fd00::c\nUDPv6 fd00::d\nUDPv6 fd00::e\nUDPv6 fd00::f\nUDPv6 fd00::10\n"
	"UDPv6 fd00::11\nUDPv6 fd00::12\nUDPv6 fd00::13\nUDPv6 fd00::14\nUDPv6 fd00::15\n"
	"UDPv6 fd00::16\nUDPv6 fd00::17\nUDPv6 fd00::18\nUDPv6 fd00::19\nUDPv6 fd00::1a\n"
	"UDPv6 fd00::1b\nUDPv6 fd00::1c\nUDPv6 fd00::1d\nUDPv6 fd00::1e\nUDPv6 fd00::1f\n"
	"UDPv6 fd00::20\nUDPv6 fd00::21\nUDPv6 fd00::22\nUDPv6 fd00::23\nUDPv6 fd00::24\n"
	"UDPv6 fd00::25\nUDPv6 fd00::26\nUDPv6 fd00::27\nUDPv6 fd00::28\n",
};

static const char *const gm_cfg[3] = {
	"[global]\nprofile ocp-dc\ntime_stamping software\nclockClass 6\nunicast_max_clients 3\n"
	"summary_interval 3\nholdover_time 5\n",
	"[global]\nprofile g8265.1\ntime_stamping hardware\nclockClass 84\ngrant_mode exact\n"
	"max_tx_rate_pps 300\nunicast_acl 10.0.0.0/29\nlogAnnounceInterval 0\n",
	"[global]\nnetwork_transport UDPv6\ntime_stamping hardware\ntwoStepFlag 0\n"
	"time_source tod\ntod_loss_timeout 2\nholdover_time 3\nsummary_interval 0\n",
};

struct node {
	struct fz_io io; /* first: the ops' io, see node_of() */
	struct fz_clk clk;
	struct eng_ops ops;
	struct eng_port port;
	struct net_addr addr;
	struct oc *oc;
	struct gm *gm;
	struct port_setup ps;
	struct mgmt_agent agent;
	int allow_set, remote;
};

static struct config *cfgs[2][3];
static uint16_t ids[64];
static int n_ids;
static struct node nodes[2]; /* 0 the oc, 1 the gm */
static tmv_t now;

static struct node *node_of(void *io)
{
	return container_of(io, struct node, io);
}

static void add_id(uint16_t id, const char *name, void *arg)
{
	(void)name;
	(void)arg;
	if (n_ids < (int)(sizeof(ids) / sizeof(ids[0]))) {
		ids[n_ids++] = id;
	}
}

static int mgmt_get(void *ctx, struct mgmt_value *v)
{
	struct node *n = ctx;
	int r = n->oc ? oc_mgmt_get(n->oc, v, now) : gm_mgmt_get(n->gm, v, now);
	/* CLOCK_DESCRIPTION asks the kernel about the interface: not here */
	if (r == -MERR_NOT_SUPPORTED && v->id != MID_CLOCK_DESCRIPTION) {
		r = mgmt_agent_get_common(&n->agent, v);
	}
	return r;
}

static int mgmt_set(void *ctx, const struct mgmt_value *v, int remote)
{
	struct node *n = ctx;
	int r = n->oc ? oc_mgmt_set(n->oc, v, remote, now) : gm_mgmt_set(n->gm, v, remote, now);
	return r == -MERR_NOT_SUPPORTED ? mgmt_agent_set_common(&n->agent, v) : r;
}

/* Answer m as the node's agent does; the answer must be one a client can
 * read. */
static void answer(struct node *n, const struct ptp_msg *m)
{
	static uint8_t tbuf[PTP_MSG_MAX_LEN], out[PTP_MSG_MAX_LEN];
	static struct mgmt_value v, asked;
	struct mgmt_self self;
	struct ptp_msg resp, back;
	struct mgmt_req q, r;
	int len;

	memset(&self, 0, sizeof(self));
	self.clockIdentity = n->ps.identity;
	self.portNumber = 1;
	self.allow_set = n->allow_set;
	if (!mgmt_answer(&self, &n->agent.ops, m, n->remote, &resp, tbuf, sizeof(tbuf))) {
		return;
	}
	len = msg_pack(&resp, out, sizeof(out));
	FZ_CHECK(len > 0);
	FZ_CHECK(!msg_unpack(out, (size_t)len, &back));
	FZ_CHECK(!mgmt_parse(&back, &r));
	FZ_CHECK(!mgmt_parse(m, &q));
	FZ_CHECK(r.id == q.id);
	if (r.tlvType != TLV_MANAGEMENT || r.id == MID_NULL_MANAGEMENT) {
		return;
	}
	FZ_CHECK(!mgmt_decode(r.id, r.data, r.len, &v));
	/* a SET answered without error reports the value now in force */
	if (q.action == MGMT_SET && (q.id == MID_PRIORITY1 || q.id == MID_PRIORITY2) &&
	    !mgmt_decode(q.id, q.data, q.len, &asked)) {
		FZ_CHECK(v.u.u8 == asked.u.u8);
	}
}

static void on_mgmt(void *io, const struct ptp_msg *m, const struct net_addr *from,
		    int authenticated)
{
	(void)from;
	(void)authenticated; /* no ops.auth here: always 0 */
	answer(node_of(io), m);
}

static int init(void)
{
	struct log_cfg lc = { "fuzz", LOG_EMERG, 0, 0, NULL };
	char err[256];
	int r, i;

	log_setup(&lc);
	mgmt_for_each(add_id, NULL);
	for (r = 0; r < 2; r++) {
		for (i = 0; i < 3; i++) {
			struct config *c = config_create(r ? CFG_ROLE_GM : CFG_ROLE_OC);
			if (!c || config_read(c, fz_text_file(r ? gm_cfg[i] : oc_cfg[i]), NULL, err,
					      sizeof(err)) ||
			    config_finish(c, err, sizeof(err))) {
				fprintf(stderr, "fuzz_mgmt: configuration %d/%d: %s\n", r, i, err);
				abort();
			}
			cfgs[r][i] = c;
		}
	}
	return 0;
}

static void setup(struct node *n, int gm, int variant)
{
	const struct config *c = cfgs[gm][variant];
	int v6 = cfg_int(c, OPT_network_transport) == TRANS_UDP_IPV6;
	char err[256];

	memset(n, 0, sizeof(*n));
	fz_clk_init(&n->clk, &now);
	fz_eng_ops(&n->ops, &n->io, &n->clk);
	n->ops.mgmt = on_mgmt;
	n->port.clockIdentity.id[0] = 0x02;
	n->port.clockIdentity.id[7] = (uint8_t)(gm + 1);
	n->port.iface = "fuzz0";
	n->port.transport = v6 ? TRANS_UDP_IPV6 : TRANS_UDP_IPV4;
	n->port.hw_ts = !cfg_int(c, OPT_time_stamping);
	n->addr = v6 ? fz_addr6(gm ? 1 : 2) : fz_addr4(gm ? 1 : 2);
	n->ps.applet = gm ? "gm" : "oc";
	n->ps.cfg = (struct config *)c;
	n->ps.iface = "fuzz0";
	n->ps.identity = n->port.clockIdentity;
	n->ps.port.clockIdentity = n->port.clockIdentity;
	n->ps.port.portNumber = 1;
	n->ps.domain = cfg_int(c, OPT_domainNumber);
	n->ps.transport = n->port.transport;
	n->agent.ps = &n->ps;
	n->agent.ops.get = mgmt_get;
	n->agent.ops.set = mgmt_set;
	n->agent.ops.ctx = n;
	snprintf(n->agent.user_description, sizeof(n->agent.user_description), "%s",
		 cfg_str(c, OPT_userDescription));
	if (gm) {
		n->gm = gm_create(c, &n->port, &n->ops, now, err, sizeof(err));
		FZ_CHECK(n->gm);
		n->ps.cnt = (struct eng_counters *)gm_counters(n->gm);
	} else {
		n->oc = oc_create(c, &n->port, &n->ops, now, err, sizeof(err));
		FZ_CHECK(n->oc);
		n->ps.cnt = (struct eng_counters *)oc_counters(n->oc);
	}
}

static void rx(struct node *n, int event, const struct net_addr *from, const uint8_t *buf,
	       size_t len, tmv_t rx_ts)
{
	if (n->oc) {
		oc_rx(n->oc, event, from, buf, len, rx_ts, now);
	} else {
		gm_rx(n->gm, event, from, buf, len, rx_ts, now);
	}
}

/*
 * Ticks at one instant before the next deadline lies ahead (after a stall
 * the summary deadlines used to catch up one interval per tick:
 * regress/mgmt/summary-after-stall, gm-summary-after-stall).
 */
#define OC_TICKS 4
#define GM_TICKS 4

/* Run what is due; a tick called again at the same instant comes to rest
 * with a deadline ahead. */
static void tick(struct node *n)
{
	tmv_t next = 0;
	int i;

	for (i = 0; i < (n->oc ? OC_TICKS : GM_TICKS); i++) {
		next = n->oc ? oc_tick(n->oc, now) : gm_tick(n->gm, now);
		if (next > now) {
			return;
		}
	}
	FZ_CHECK(next > now);
}

static void tx_stamps(struct node *n, int none)
{
	tmv_t t;
	int i;

	n->clk.c.ops->gettime(&n->clk.c, &t);
	for (i = 0; i < n->io.n_ts; i++) {
		if (n->oc) {
			oc_tx_ts(n->oc, n->io.ts_ids[i], none ? 0 : t, now);
		} else {
			gm_tx_ts(n->gm, n->io.ts_ids[i], none ? 0 : t, now);
		}
	}
	n->io.n_ts = 0;
}

/* What src sent to dst arrives (lost where the mask has a bit set). */
static void deliver(struct node *src, struct node *dst, uint32_t lose)
{
	static struct fz_dgram d;
	int i, n = src->io.n;
	tmv_t ts;

	for (i = 0; i < n; i++) {
		d = src->io.q[0];
		src->io.n--;
		memmove(&src->io.q[0], &src->io.q[1], sizeof(src->io.q[0]) * (size_t)src->io.n);
		if ((lose >> (i & 31)) & 1 || !net_addr_eq(&d.to, &dst->addr)) {
			continue;
		}
		dst->clk.c.ops->gettime(&dst->clk.c, &ts);
		rx(dst, d.event, &src->addr, d.buf, d.len, ts);
	}
}

static struct net_addr source(struct node *dst, struct node *peer, uint8_t sel)
{
	int v6 = dst->port.transport == TRANS_UDP_IPV6;
	switch (sel % 4) {
	case 0:
		return peer->addr;
	case 1: /* another master of the table; a client for the gm */
		return v6 ? fz_addr6(3) : fz_addr4(3);
	case 2:
		return v6 ? fz_addr6(0x99) : fz_addr4(0x99);
	default:
		return dst->addr;
	}
}

/* A MANAGEMENT request from fields: action, managementId (one of the
 * table when not known), dataField of the input */
static void mgmt_from_fields(struct fz_in *in)
{
	static uint8_t val[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	struct tlv *t;
	uint8_t act = fz_u8(in), sel = fz_u8(in);
	uint16_t id = fz_u16(in);
	const uint8_t *p;
	size_t len;

	if (!mgmt_id_str(id)) {
		id = ids[id % n_ids];
	}
	p = fz_bytes(in, fz_u8(in), &len);
	msg_init(&m, MANAGEMENT);
	m.hdr.domainNumber = (uint8_t)nodes[sel & 1].ps.domain;
	m.hdr.sourcePortIdentity.clockIdentity.id[0] = 0x77;
	m.hdr.sequenceId = 7;
	memset(&m.body.management.targetPortIdentity, 0xff,
	       sizeof(m.body.management.targetPortIdentity));
	if (sel & 2) {
		m.body.management.targetPortIdentity.portNumber = sel & 4;
	}
	m.body.management.startingBoundaryHops = 1;
	m.body.management.boundaryHops = 1;
	m.body.management.actionField = act % 4 == 2 ? MGMT_COMMAND : act % 2;
	put_be16(val, id);
	memcpy(val + 2, p, len);
	t = msg_add_tlv(&m, TLV_MANAGEMENT);
	t->lengthField = (uint16_t)(2 + len);
	t->value = val;
	nodes[sel & 1].allow_set = (act >> 2) & 1;
	nodes[sel & 1].remote = (act >> 3) & 1;
	answer(&nodes[sel & 1], &m);
}

/* A message the gm sent, altered in flight: octets of the input written
 * over it at an offset, then delivered to the oc. */
static void alter(struct fz_in *in)
{
	struct node *g = &nodes[1], *o = &nodes[0];
	static struct fz_dgram d;
	uint8_t which = fz_u8(in), off = fz_u8(in);
	const uint8_t *p;
	size_t len;
	tmv_t ts;

	p = fz_bytes(in, fz_u8(in) % 16, &len);
	if (!g->io.n) {
		return;
	}
	d = g->io.q[which % g->io.n];
	if (off < d.len) {
		memcpy(d.buf + off, p, len < d.len - off ? len : d.len - off);
	}
	o->clk.c.ops->gettime(&o->clk.c, &ts);
	rx(o, d.event, &g->addr, d.buf, d.len, ts);
}

static void source_events(struct fz_in *in)
{
	struct node *g = &nodes[1], *o = &nodes[0];
	uint8_t kind = fz_u8(in), x = fz_u8(in);
	struct net_addr locked[3];
	struct tod_frame f;
	const uint8_t *p;
	size_t len;
	tmv_t t;

	switch (kind % 5) {
	case 0:
		gm_source(g->gm, (enum gm_source_req)(x % 3), fz_u8(in), now);
		break;
	case 1:
		g->clk.c.ops->gettime(&g->clk.c, &t);
		gm_tod_edge(g->gm, t - (tmv_t)x * 1000000, now);
		break;
	case 2:
		memset(&f, 0, sizeof(f));
		f.cls = 0x01;
		f.id = fz_u8(in) % 4;
		p = fz_bytes(in, x % 64, &len);
		f.len = (uint16_t)len;
		memcpy(f.payload, p, len);
		gm_tod_frame(g->gm, &f, now);
		break;
	case 3:
		locked[0] = g->addr;
		locked[1] = source(o, g, 1);
		locked[2] = source(o, g, 2);
		oc_lockout(o->oc, locked + (x % 3), (x >> 2) % (4 - x % 3), "fuzz", now);
		break;
	default:
		o->io.fail_send = x & 1;
		g->io.fail_send = (x >> 1) & 1;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct fz_in in = { data, size };
	int variant, steps = 0, i;

	if (!ready) {
		ready = !init();
	}
	now = 1000 * NS_PER_SEC;
	variant = fz_u8(&in) % 3;
	setup(&nodes[0], 0, variant);
	setup(&nodes[1], 1, variant);
	tick(&nodes[0]);
	tick(&nodes[1]);
	while (in.n && steps++ < 400) {
		uint8_t op = fz_u8(&in), sel;
		struct node *dst;
		struct net_addr from;
		const uint8_t *p;
		size_t len;
		tmv_t ts;

		switch (op % 8) {
		case 0: /* a datagram from the input */
		case 1:
			dst = &nodes[op % 2];
			sel = fz_u8(&in);
			from = source(dst, &nodes[1 - op % 2], sel);
			p = fz_bytes(&in, fz_u16(&in) % 1600, &len);
			dst->clk.c.ops->gettime(&dst->clk.c, &ts);
			dst->allow_set = (sel >> 3) & 1;
			dst->remote = 1;
			rx(dst, (sel >> 2) & 1, &from, p, len, sel & 0x80 ? 0 : ts);
			break;
		case 2:
			mgmt_from_fields(&in);
			break;
		case 3: { /* time passes */
			static const tmv_t unit[4] = { 1000000, 62500000, NS_PER_SEC,
						       30 * NS_PER_SEC };
			uint8_t k = fz_u8(&in);
			tx_stamps(&nodes[0], (k >> 2) & 1); /* of what went out before */
			tx_stamps(&nodes[1], (k >> 3) & 1);
			now += (tmv_t)(1 + fz_u8(&in)) * unit[k % 4];
			tick(&nodes[0]);
			tick(&nodes[1]);
			break;
		}
		case 4: /* the traffic between them; some may be lost */
		case 5:
			deliver(&nodes[0], &nodes[1], op % 8 == 5 ? fz_u32(&in) : 0);
			deliver(&nodes[1], &nodes[0], op % 8 == 5 ? fz_u32(&in) : 0);
			break;
		case 6:
			alter(&in);
			break;
		default:
			source_events(&in);
			break;
		}
	}
	for (i = 0; i < 2; i++) {
		tick(&nodes[i]);
	}
	oc_stop(nodes[0].oc, now);
	gm_stop(nodes[1].gm, now);
	oc_destroy(nodes[0].oc);
	gm_destroy(nodes[1].gm);
	return 0;
}
