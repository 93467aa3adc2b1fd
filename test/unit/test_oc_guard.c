/* SPDX-License-Identifier: BSD-2-Clause */
/* The oc engine (core/oc.c) against forged messages (issue 24): a master's
 * portIdentity and currentUtcOffset are not changed by one Announce, and a
 * flow stopped by a CANCEL forged in the oc's name is asked for again at
 * once.  The test plays the master at 10.0.0.1 with crafted messages. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/config.h"
#include "../../core/oc.h"
#include "../../core/servo.h"
#include "../../core/tlv.h"
#include "../../core/unicast.h"
#include "test.h"

#define S NS_PER_SEC

struct ofake {
	struct clk clk;
	tmv_t reading; /* the clock: UTC, ns */
	int steps;
	int req[UC_NSVC];    /* REQUEST TLVs the oc sent, per service */
	int req_at_once;     /* ... of which in the last oc_rx/oc_tick */
	struct ptp_msg sig;  /* the last Signaling it sent */
	int n_sig;
	struct ptp_msg dreq; /* the last Delay_Req it sent, not yet answered */
	int dreq_open;
	char log[8192];
};

static int of_gettime(struct clk *c, tmv_t *now)
{
	*now = ((struct ofake *)c)->reading;
	return 0;
}

static int of_adjfreq(struct clk *c, double ppb)
{
	c->freq_ppb = ppb;
	return 0;
}

static int of_step(struct clk *c, tmv_t delta)
{
	((struct ofake *)c)->steps++;
	((struct ofake *)c)->reading += delta;
	return 0;
}

static const struct clk_ops of_clk_ops = { "fake", of_gettime, of_adjfreq, of_step, NULL, NULL };

static int of_send(void *io, int port, int event, const struct net_addr *to, const uint8_t *buf,
		   size_t len, int want_ts)
{
	struct ofake *k = io;
	struct ptp_msg m;
	int i;

	(void)port, (void)event, (void)to, (void)want_ts;
	if (!msg_unpack(buf, len, &m) && m.hdr.messageType == DELAY_REQ) {
		k->dreq = m;
		k->dreq_open = 1;
	}
	if (!msg_unpack(buf, len, &m) && m.hdr.messageType == SIGNALING) {
		k->sig = m;
		k->n_sig++;
		for (i = 0; i < m.n_tlv; i++) {
			int svc = uc_msgtype_svc(m.tlv[i].u.uc.messageType);
			if (m.tlv[i].tlvType == TLV_REQUEST_UNICAST_TRANSMISSION && svc >= 0) {
				k->req[svc]++;
			}
		}
	}
	return 1;
}

static void of_log(void *io, int level, const char *line)
{
	struct ofake *k = io;
	size_t n = strlen(k->log);
	(void)level;
	snprintf(k->log + n, sizeof(k->log) - n, "%s\n", line);
}

static int of_addr_parse(void *io, int transport, const char *text, struct net_addr *a)
{
	struct sockaddr_in *s = (struct sockaddr_in *)&a->ss;
	(void)io, (void)transport;
	memset(a, 0, sizeof(*a));
	s->sin_family = AF_INET;
	a->len = sizeof(*s);
	return inet_pton(AF_INET, text, &s->sin_addr) == 1 ? 0 : -EINVAL;
}

static struct net_addr master_addr(void)
{
	struct net_addr a;
	of_addr_parse(NULL, 0, "10.0.0.1", &a);
	return a;
}

/* The master's portIdentity 02:00:00:ff:fe:00:00:01, port pn */
static struct port_identity master_pid(uint16_t pn)
{
	struct port_identity p;
	memset(&p, 0, sizeof(p));
	p.clockIdentity.id[0] = 0x02;
	p.clockIdentity.id[7] = 0x01;
	p.portNumber = pn;
	return p;
}

/* The oc's portIdentity: 04:00:00:00:00:00:00:00, port 1 */
static struct port_identity oc_pid(void)
{
	struct port_identity p;
	memset(&p, 0, sizeof(p));
	p.clockIdentity.id[0] = 0x04;
	p.portNumber = 1;
	return p;
}

static int of_log_level = LOG_INFO; /* of the next oc_new() */

static struct oc *oc_new(struct ofake *k, struct config **cfg)
{
	char path[64] = "/tmp/ptpbox-ocg-XXXXXX", err[256] = "";
	struct eng_ops ops;
	struct eng_port port;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct oc *o;

	fputs("[global]\nprofile ocp-dc\nnetwork_transport UDPv4\nclock soft\n"
	      "unicast_master_table 1\n[unicast_master_table]\ntable_id 1\nUDPv4 10.0.0.1\n",
	      f);
	fclose(f);
	*cfg = config_create(CFG_ROLE_OC);
	if (config_read(*cfg, path, NULL, err, sizeof(err)) || config_finish(*cfg, err, sizeof(err))) {
		printf("  %s\n", err);
	}
	unlink(path);
	memset(k, 0, sizeof(*k));
	k->clk.ops = &of_clk_ops;
	k->clk.utc_timescale = 1;
	k->clk.max_adj_ppb = 500000;
	k->reading = (tmv_t)1800000000 * S;
	memset(&ops, 0, sizeof(ops));
	ops.send = of_send;
	ops.log = of_log;
	ops.log_level = of_log_level;
	ops.addr_parse = of_addr_parse;
	ops.clk = &k->clk;
	ops.io = k;
	memset(&port, 0, sizeof(port));
	port.clockIdentity.id[0] = 0x04;
	port.iface = "test0";
	port.transport = TRANS_UDP_IPV4;
	o = oc_create(*cfg, &port, &ops, S, err, sizeof(err));
	if (o) {
		oc_tick(o, S);
	}
	return o;
}

static void deliver(struct oc *o, const struct ptp_msg *m, tmv_t now)
{
	struct net_addr a = master_addr();
	uint8_t buf[256];
	int n = msg_pack(m, buf, sizeof(buf));
	if (n > 0) {
		oc_rx(o, 0, &a, buf, (size_t)n, 0, now);
		oc_tick(o, now);
	}
}

/* the flags of a master's Announce: PTP timescale, offset valid */
#define F_DEF (FLAG_PTP_TIMESCALE | FLAG_UTC_OFFSET_VALID)

/* An Announce from the master's address as port pn, with currentUtcOffset
 * off and these flags (F_DEF and more) */
static void announce(struct oc *o, uint16_t pn, int off, uint16_t flags, tmv_t now)
{
	struct ptp_msg m;

	msg_init(&m, ANNOUNCE);
	m.hdr.flagField = FLAG_UNICAST | flags;
	m.hdr.sourcePortIdentity = master_pid(pn);
	m.hdr.logMessageInterval = 0;
	m.body.announce.currentUtcOffset = (int16_t)off;
	m.body.announce.grandmasterPriority1 = 128;
	m.body.announce.grandmasterPriority2 = 128;
	m.body.announce.grandmasterClockQuality.clockClass = 6;
	m.body.announce.grandmasterClockQuality.clockAccuracy = 0x21;
	m.body.announce.grandmasterClockQuality.offsetScaledLogVariance = 0x4e5d;
	m.body.announce.grandmasterIdentity = master_pid(pn).clockIdentity;
	m.body.announce.timeSource = 0x20;
	deliver(o, &m, now);
}

/* The master answers every REQUEST in the oc's last Signaling message with
 * a GRANT of 60 s (as the portIdentity pn) */
static void grant_all(struct ofake *k, struct oc *o, tmv_t now)
{
	struct ptp_msg g;
	int i;

	msg_init(&g, SIGNALING);
	g.hdr.flagField = FLAG_UNICAST;
	g.hdr.sourcePortIdentity = master_pid(1);
	g.body.signaling.targetPortIdentity = oc_pid();
	for (i = 0; i < k->sig.n_tlv; i++) {
		const struct tlv *t = &k->sig.tlv[i];
		if (t->tlvType == TLV_REQUEST_UNICAST_TRANSMISSION) {
			struct tlv *r = msg_add_tlv(&g, TLV_GRANT_UNICAST_TRANSMISSION);
			r->u.uc = t->u.uc;
			r->u.uc.durationField = 60;
		}
	}
	k->sig.n_tlv = 0;
	if (g.n_tlv) {
		deliver(o, &g, now);
	}
}

static void signal_tlv(struct oc *o, uint16_t type, uint8_t msgtype, tmv_t now)
{
	struct ptp_msg m;
	struct tlv *t;

	msg_init(&m, SIGNALING);
	m.hdr.flagField = FLAG_UNICAST;
	m.hdr.sourcePortIdentity = master_pid(1);
	m.body.signaling.targetPortIdentity = oc_pid();
	t = msg_add_tlv(&m, type);
	t->u.uc.messageType = msgtype;
	deliver(o, &m, now);
}

/* The master qualified and selected, Announce, Sync and Delay_Resp
 * granted; the time is 4 s */
static struct oc *oc_selected_master(struct ofake *k, struct config **cfg)
{
	struct oc *o = oc_new(k, cfg);
	if (!o) {
		return NULL;
	}
	grant_all(k, o, S + S / 100);
	announce(o, 1, 37, F_DEF, 2 * S);
	announce(o, 1, 37, F_DEF, 3 * S);
	grant_all(k, o, 3 * S + S / 100); /* Sync, Delay_Resp */
	announce(o, 1, 37, F_DEF, 4 * S);
	return o;
}

/* An Announce from the master's address as another port: dropped while
 * the master's own are not silent for announceReceiptTimeout (it used to
 * replace the master's identity, and the genuine Syncs were then dropped as
 * wrong_sender); taken as a new foreign master after that */
TEST(oc_announce_of_another_port_at_the_master_address)
{
	struct ofake k;
	struct config *cfg;
	struct oc *o = oc_selected_master(&k, &cfg);
	struct mgmt_value v;
	tmv_t t;

	CHECK(o != NULL);
	if (!o) {
		config_destroy(cfg);
		return;
	}
	CHECK_EQ(oc_selected(o), 0);
	for (t = 4 * S + S / 4; t < 7 * S; t += S / 4) {
		announce(o, 2, 37, F_DEF, t);
		if (t % S == 0) {
			announce(o, 1, 37, F_DEF, t);
		}
	}
	CHECK_EQ(oc_counters(o)->uc_wrong_sender, 11);
	memset(&v, 0, sizeof(v));
	v.id = MID_PARENT_DATA_SET;
	oc_mgmt_get(o, &v, 7 * S);
	CHECK_EQ(v.u.pds.parentPortIdentity.portNumber, 1);
	CHECK_EQ(oc_selected(o), 0);
	/* the master's port 1 silent from 6 s: after announceReceiptTimeout
	 * (3 s) it is no longer qualified and port 2 is a new foreign master,
	 * selected once qualified */
	oc_tick(o, 9 * S);
	announce(o, 2, 37, F_DEF, 9 * S);
	CHECK_EQ(oc_counters(o)->uc_wrong_sender, 12);
	oc_tick(o, 9 * S + S / 10);
	CHECK_EQ(oc_selected(o), -1);
	announce(o, 2, 37, F_DEF, 9 * S + S / 2);
	CHECK_STR(k.log, "portIdentity 020000.0000.000001-1 -> 020000.0000.000001-2 (silent)");
	announce(o, 2, 37, F_DEF, 10 * S);
	oc_mgmt_get(o, &v, 10 * S);
	CHECK_EQ(v.u.pds.parentPortIdentity.portNumber, 2);
	CHECK_EQ(oc_selected(o), 0);
	oc_destroy(o);
	config_destroy(cfg);
}

/* currentUtcOffset 0 in one Announce, in a burst of three between two
 * genuine ones, and in a stream beside them: held, counted, the offset in
 * force stays; three in a row over two intervals take a real change */
TEST(oc_utc_offset_change_held_until_announces_agree)
{
	struct ofake k;
	struct config *cfg;
	struct oc *o = oc_selected_master(&k, &cfg);
	tmv_t t;

	CHECK(o != NULL);
	if (!o) {
		config_destroy(cfg);
		return;
	}
	CHECK_EQ(oc_time_properties(o)->currentUtcOffset, 37);
	announce(o, 1, 0, F_DEF, 4 * S + S / 2);
	CHECK_EQ(oc_time_properties(o)->currentUtcOffset, 37);
	CHECK_EQ(oc_counters(o)->utc_offset_held, 1);
	CHECK_STR(k.log, "announces currentUtcOffset 0 outside a leap second: keeping 37 until 3 "
			 "Announces agree");
	/* a burst: three in 20 ms */
	announce(o, 1, 37, F_DEF, 5 * S);
	announce(o, 1, 0, F_DEF, 5 * S + S / 100);
	announce(o, 1, 0, F_DEF, 5 * S + 2 * S / 100);
	announce(o, 1, 0, F_DEF, 5 * S + 3 * S / 100);
	CHECK_EQ(oc_time_properties(o)->currentUtcOffset, 37);
	/* a stream of 10/s beside the genuine 1/s */
	for (t = 6 * S; t < 10 * S; t += S / 10) {
		announce(o, 1, t % S == 0 ? 37 : 0, F_DEF, t);
		CHECK_EQ(oc_time_properties(o)->currentUtcOffset, 37);
	}
	CHECK_EQ(oc_counters(o)->utc_offset_held, 4 + 36);
	/* the timescale alone (ARB: no offset taken off): held too */
	announce(o, 1, 37, FLAG_UTC_OFFSET_VALID, 10 * S);
	CHECK_EQ(oc_time_properties(o)->ptpTimescale, 1);
	CHECK_EQ(oc_counters(o)->utc_offset_held, 41);
	/* a real change: 3 Announces of 36, a second apart */
	announce(o, 1, 36, F_DEF, 11 * S);
	announce(o, 1, 36, F_DEF, 12 * S);
	CHECK_EQ(oc_time_properties(o)->currentUtcOffset, 37);
	announce(o, 1, 36, F_DEF, 13 * S);
	CHECK_EQ(oc_time_properties(o)->currentUtcOffset, 36);
	CHECK_STR(k.log, "currentUtcOffset 37 -> 36, 3 Announces agree");
	CHECK_EQ(k.steps, 0);
	oc_destroy(o);
	config_destroy(cfg);
}

/* A leap second (leap61 announced, the offset one more at a UTC
 * midnight): taken at once; the same change at noon is held */
TEST(oc_leap_second_taken_at_once)
{
	int midnight;

	for (midnight = 0; midnight <= 1; midnight++) {
		struct ofake k;
		struct config *cfg;
		struct oc *o = oc_selected_master(&k, &cfg);
		tmv_t day = (tmv_t)86400 * S * 20000; /* a UTC midnight */

		CHECK(o != NULL);
		if (!o) {
			config_destroy(cfg);
			continue;
		}
		k.reading = day - S / 2 - (midnight ? 0 : 12 * 3600 * S);
		announce(o, 1, 37, F_DEF | FLAG_LEAP61, 5 * S);
		CHECK_EQ(oc_time_properties(o)->leap61, 1);
		k.reading += S;
		announce(o, 1, 38, F_DEF, 6 * S);
		CHECK_EQ(oc_time_properties(o)->currentUtcOffset, midnight ? 38 : 37);
		if (midnight) {
			CHECK_STR(k.log, "leap second, currentUtcOffset 37 -> 38");
		}
		CHECK_EQ(oc_counters(o)->utc_offset_held, !midnight);
		oc_destroy(o);
		config_destroy(cfg);
	}
}

/* The master serves: an Announce and a one-step Sync each second from t0
 * to t1, and a GRANT for every request */
static void serve(struct ofake *k, struct oc *o, tmv_t t0, tmv_t t1)
{
	struct net_addr a = master_addr();
	tmv_t t;

	for (t = t0; t <= t1; t += S) {
		struct ptp_msg m;
		uint8_t buf[128];
		int n;

		announce(o, 1, 37, F_DEF, t);
		msg_init(&m, SYNC);
		m.hdr.flagField = FLAG_UNICAST;
		m.hdr.sourcePortIdentity = master_pid(1);
		m.hdr.sequenceId = (uint16_t)(t / S);
		m.body.sync.originTimestamp = tmv_to_ts(k->reading + 37 * S);
		n = msg_pack(&m, buf, sizeof(buf));
		oc_rx(o, 1, &a, buf, (size_t)n, k->reading, t + 1000);
		oc_tick(o, t + 1000);
		grant_all(k, o, t + 2000);
		if (k->dreq_open) {
			msg_init(&m, DELAY_RESP);
			m.hdr.flagField = FLAG_UNICAST;
			m.hdr.sourcePortIdentity = master_pid(1);
			m.hdr.sequenceId = k->dreq.hdr.sequenceId;
			m.body.delay_resp.receiveTimestamp = tmv_to_ts(k->reading + 37 * S);
			m.body.delay_resp.requestingPortIdentity = k->dreq.hdr.sourcePortIdentity;
			k->dreq_open = 0;
			deliver(o, &m, t + 3000);
		}
	}
}

/* A CANCEL forged in the oc's name at the master: the master's
 * ACKNOWLEDGE_CANCEL says so, and the oc asks again at once; a CANCEL
 * from the master is asked again a retry interval later (the master is
 * stopping, or serves on when the CANCEL was forged) */
TEST(oc_asks_again_after_a_cancel_in_its_name)
{
	struct ofake k;
	struct config *cfg;
	struct oc *o = oc_selected_master(&k, &cfg);
	int sync0, dr0;

	CHECK(o != NULL);
	if (!o) {
		config_destroy(cfg);
		return;
	}
	serve(&k, o, 5 * S, 10 * S);
	sync0 = k.req[UC_SYNC];
	dr0 = k.req[UC_DELAY_RESP];
	signal_tlv(o, TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION, SYNC, 10 * S + S / 2);
	CHECK_EQ(k.req[UC_SYNC], sync0 + 1);
	CHECK_EQ(k.req[UC_DELAY_RESP], dr0);
	CHECK_STR(k.log, "master 10.0.0.1 acknowledged a CANCEL of SYNC we did not send: asking again");
	serve(&k, o, 11 * S, 20 * S);
	CHECK_EQ(k.req[UC_SYNC], sync0 + 1); /* the Syncs flow: nothing more */
	signal_tlv(o, TLV_CANCEL_UNICAST_TRANSMISSION, DELAY_RESP, 20 * S + S / 2);
	CHECK_EQ(k.req[UC_DELAY_RESP], dr0);
	CHECK_STR(k.log, "master 10.0.0.1 cancelled DELAY_RESP: asking again in a retry interval");
	oc_tick(o, 21 * S + S / 2);
	CHECK_EQ(k.req[UC_DELAY_RESP], dr0 + 1);
	serve(&k, o, 22 * S, 23 * S);
	CHECK_EQ(k.req[UC_DELAY_RESP], dr0 + 1);
	CHECK_EQ(oc_selected(o), 0);
	oc_destroy(o);
	config_destroy(cfg);
}

/* The flow watchdog: Syncs stop although granted (no ACKNOWLEDGE_CANCEL
 * came): asked again two intervals (here 2 s) after the last */
TEST(oc_asks_again_when_the_sync_flow_stops)
{
	struct ofake k;
	struct config *cfg;
	struct oc *o = oc_selected_master(&k, &cfg);
	tmv_t next;
	int sync0;

	CHECK(o != NULL);
	if (!o) {
		config_destroy(cfg);
		return;
	}
	/* granted at 3.01 s, no Sync ever: the watchdog's deadline is 5.01 s */
	sync0 = k.req[UC_SYNC];
	next = oc_tick(o, 5 * S);
	CHECK(next <= 5 * S + S / 100 + 1);
	CHECK_EQ(k.req[UC_SYNC], sync0);
	oc_tick(o, 5 * S + S / 100);
	CHECK_EQ(k.req[UC_SYNC], sync0 + 1);
	CHECK_STR(k.log, "master 10.0.0.1: no Sync for 2 granted intervals: asking again");
	oc_destroy(o);
	config_destroy(cfg);
}

/* The master's answer to a REQUEST forged from the oc's address as another
 * port (its targetPortIdentity that port's) is not the oc's: a denial of
 * it while the oc's own request is out must not count as a failure */
TEST(oc_drops_signaling_for_another_port)
{
	struct ofake k;
	struct config *cfg;
	struct oc *o = oc_selected_master(&k, &cfg);
	struct ptp_msg m;
	struct tlv *t;
	uint64_t unexpected;

	CHECK(o != NULL);
	if (!o) {
		config_destroy(cfg);
		return;
	}
	/* a request of Sync out (the watchdog at 5.01 s) */
	oc_tick(o, 5 * S + S / 100);
	CHECK(k.sig.n_tlv > 0);
	unexpected = oc_counters(o)->uc_unexpected;
	msg_init(&m, SIGNALING);
	m.hdr.flagField = FLAG_UNICAST;
	m.hdr.sourcePortIdentity = master_pid(1);
	m.body.signaling.targetPortIdentity = oc_pid();
	m.body.signaling.targetPortIdentity.portNumber = 2;
	t = msg_add_tlv(&m, TLV_GRANT_UNICAST_TRANSMISSION);
	t->u.uc.messageType = SYNC;
	deliver(o, &m, 5 * S + S / 50);
	CHECK_EQ(oc_counters(o)->uc_unexpected, unexpected + 1);
	CHECK(strstr(k.log, "denied SYNC") == NULL);
	/* the real answer is still taken */
	grant_all(&k, o, 5 * S + S / 20);
	CHECK_EQ(oc_counters(o)->uc_unexpected, unexpected + 1);
	oc_destroy(o);
	config_destroy(cfg);
}

/* SERVO_STATE_NP (what the envelope servo believes, x 2^16): the prior
 * before any sample, plausible values once it follows a master, the same
 * as oc_servo_state(); the debug line names the fields */
TEST(oc_servo_state_np)
{
	struct ofake k;
	struct config *cfg;
	struct oc *o;
	struct oc_status st;
	struct servo_state_np sv;
	struct mgmt_value v;
	tmv_t t;
	int i;

	of_log_level = LOG_DEBUG;
	o = oc_selected_master(&k, &cfg);
	of_log_level = LOG_INFO;
	CHECK(o != NULL);
	if (!o) {
		config_destroy(cfg);
		return;
	}
	memset(&v, 0, sizeof(v));
	v.id = MID_SERVO_STATE_NP;
	CHECK_EQ(oc_mgmt_get(o, &v, 4 * S), 0);
	CHECK_EQ(v.u.servo.v[SVS_WANDER], 65536); /* servo_wander 0: the prior, 1 ppb/sqrt(s) */
	CHECK_EQ(v.u.servo.v[SVS_WANDER_EST], 0);
	CHECK(v.u.servo.v[SVS_WINDOW] >= 4 << 16);
	CHECK(strstr(k.log, "servo wander") == NULL); /* no sample yet */
	/* a one-step Sync each second, each Delay_Req answered: the offset 0
	 * and the delay 500 ns both ways */
	for (t = 5 * S; t <= 60 * S; t += S) {
		struct net_addr a = master_addr();
		struct ptp_msg m;
		uint8_t buf[128];
		int n;

		k.reading += S;
		announce(o, 1, 37, F_DEF, t);
		msg_init(&m, SYNC);
		m.hdr.flagField = FLAG_UNICAST;
		m.hdr.sourcePortIdentity = master_pid(1);
		m.hdr.sequenceId = (uint16_t)(t / S);
		m.body.sync.originTimestamp = tmv_to_ts(k.reading + 37 * S - 500);
		n = msg_pack(&m, buf, sizeof(buf));
		oc_rx(o, 1, &a, buf, (size_t)n, k.reading, t + 1000);
		oc_tick(o, t + 1000);
		if (k.dreq_open) {
			oc_tx_ts(o, 1, k.reading, t + 2000);
			msg_init(&m, DELAY_RESP);
			m.hdr.flagField = FLAG_UNICAST;
			m.hdr.sourcePortIdentity = master_pid(1);
			m.hdr.sequenceId = k.dreq.hdr.sequenceId;
			m.body.delay_resp.receiveTimestamp = tmv_to_ts(k.reading + 37 * S + 500);
			m.body.delay_resp.requestingPortIdentity = k.dreq.hdr.sourcePortIdentity;
			k.dreq_open = 0;
			deliver(o, &m, t + 3000);
		}
	}
	oc_status(o, 60 * S, &st);
	CHECK(st.servo_state >= SERVO_LOCKED);
	oc_servo_state(o, &sv);
	memset(&v, 0, sizeof(v));
	v.id = MID_SERVO_STATE_NP;
	CHECK_EQ(oc_mgmt_get(o, &v, 60 * S), 0);
	CHECK(v.u.servo.v[SVS_WANDER] > 0);
	CHECK(v.u.servo.v[SVS_WINDOW] >= 4 << 16 && v.u.servo.v[SVS_WINDOW] <= 256 << 16);
	CHECK(v.u.servo.v[SVS_DELAY_SPREAD] >= 0 && v.u.servo.v[SVS_PREDICTED] >= 0);
	CHECK(v.u.servo.v[SVS_ESTIMATOR] == 0 || v.u.servo.v[SVS_ESTIMATOR] == 65536);
	for (i = 0; i < MGMT_SERVO_FIELDS; i++) {
		CHECK_EQ(sv.v[i], v.u.servo.v[i]);
	}
	CHECK_STR(k.log, "servo wander_ppb_sqrt_s 1 wander_estimate_ppb_sqrt_s 0 window_seconds ");
	oc_destroy(o);
	config_destroy(cfg);
}
