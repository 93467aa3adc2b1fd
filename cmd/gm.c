/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gm: master-only ordinary clock with one port that serves unicast clients
 * by negotiation (1588-2019 16.1; OCP 7.13; G.8265.1 Annex A).
 *   - Signaling REQUEST -> GRANT per the profile's ranges (unicast.c)
 *   - Announce and Sync to every client at its granted interval
 *   - two-step: Follow_Up carries the Sync transmit timestamp, read from the
 *     error queue when the kernel reports it (never blocking the loop)
 *   - Delay_Resp for every Delay_Req from a client holding a Delay_Resp grant
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/ds.h"
#include "../core/log.h"
#include "../core/tlv.h"
#include "../core/servo.h"
#include "../core/tod.h"
#include "../core/unicast.h"
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

#define PENDING_MAX 1024

/*
 * Time from 1PPS + ToD (G.8271 Annex A; time_source tod): the clock's time
 * at each PPS edge, paired with the time event message of that second
 * (sent 1..500 ms after the edge, A.1.3.1), gives the offset of the clock
 * from the PTP time of the edge; a PI servo steers the clock.  GNSS status
 * and time announce messages set the clock class and quality.
 */
struct tod_source {
	int fd;
	struct tod_decoder dec;
	struct pps_src *pps;
	struct servo *servo;
	tmv_t loss_timeout;
	int have_edge;
	tmv_t edge_clock;     /* clock time of the last edge, ns */
	tmv_t edge_mono;      /* when we saw it, monotonic ns */
	tmv_t last_good;      /* monotonic ns of the last paired time event */
	int ever_locked;
	int have_status, fix_ok;
	uint64_t paired, unpaired, steps, bad_length;
	tmv_t reopen_at;      /* monotonic ns: next try to reopen tod_device */
};

struct pending_sync {
	int used;
	struct net_addr to;
	uint16_t seq;
	int8_t log_interval;
	tmv_t deadline;
	size_t len;
	uint8_t bytes[64];
};

struct gm {
	struct port_setup ps;
	struct uc_grantor *grantor;
	struct default_ds dds;
	struct time_properties_ds tpds;
	/* time source (OCP 7.14 Table 2): locked -> clockClass, lost ->
	 * holdover class for holdover_time, then the free-run class */
	enum { SRC_LOCKED, SRC_HOLDOVER, SRC_FREERUN, SRC_FORCED } src;
	int locked_class, holdover_class, freerun_class, forced_class;
	tmv_t holdover_end; /* monotonic ns */
	tmv_t holdover_len;
	tmv_t tx_timeout;
	struct pending_sync pending[PENDING_MAX];
	int n_pending;
	uint64_t rx_ungranted_dreq, tx_ts_missing, tx_ts_late;
	tmv_t next_summary, summary_period;
	struct mgmt_agent agent;
	struct tod_source *tod; /* time_source tod, else NULL */
};

/* PTP time (ns) of clock time t: the PTP timescale is TAI. */
static tmv_t to_ptp(struct gm *g, tmv_t t)
{
	return g->ps.clock->utc_timescale ? t + (tmv_t)g->tpds.currentUtcOffset * NS_PER_SEC : t;
}

static tmv_t now_ptp(struct gm *g)
{
	tmv_t t = 0;
	clk_gettime(g->ps.clock, &t);
	return to_ptp(g, t);
}

/* timePropertiesDS from the clock class (OCP 7.14 Table 2; G.8265.1 Table
 * A.4): the PTP timescale always; traceability while locked (6) or in
 * holdover within specification (7); frequency only for a G.8265.1 QL. */
static void update_time_properties(struct gm *g, int utc_offset, int time_source)
{
	int cls = g->dds.clockQuality.clockClass;
	int traceable = cls == 6 || cls == 7;

	memset(&g->tpds, 0, sizeof(g->tpds));
	g->tpds.currentUtcOffset = (int16_t)utc_offset;
	g->tpds.ptpTimescale = 1;
	g->tpds.currentUtcOffsetValid = traceable;
	g->tpds.timeTraceable = traceable;
	g->tpds.frequencyTraceable = traceable || (cls >= 80 && cls < 110);
	g->tpds.timeSource = (uint8_t)time_source;
}

static const char *const src_str[] = { "locked", "holdover", "free-run", "forced" };

/* Clock class of the current source state; timePropertiesDS follows. */
static void apply_source(struct gm *g)
{
	int cls = g->locked_class;

	switch (g->src) {
	case SRC_HOLDOVER:
		cls = g->holdover_class ? g->holdover_class : g->locked_class;
		break;
	case SRC_FREERUN:
		cls = g->freerun_class;
		break;
	case SRC_FORCED:
		cls = g->forced_class; /* G.8265.1 6.8.4 forced QL */
		break;
	default:
		break;
	}
	if (cls != g->dds.clockQuality.clockClass) {
		pr_notice("clockClass %d -> %d (time source %s)", g->dds.clockQuality.clockClass,
			  cls, src_str[g->src]);
	}
	g->dds.clockQuality.clockClass = (uint8_t)cls;
	update_time_properties(g, g->tpds.currentUtcOffset, g->tpds.timeSource);
}

/* source_state_file: "locked", "lost" or "class N"; read at start and on
 * SIGHUP.  No file, or no such setting: locked. */
static void read_source_state(struct gm *g, tmv_t now)
{
	const char *path = cfg_str(g->ps.cfg, OPT_source_state_file);
	char word[32] = "locked";
	int cls = -1;
	FILE *f;

	if (*path && (f = fopen(path, "r"))) {
		if (fscanf(f, "%31s %d", word, &cls) < 1) {
			strcpy(word, "locked");
		}
		fclose(f);
	}
	if (!strcmp(word, "lost")) {
		if (g->src == SRC_LOCKED || g->src == SRC_FORCED) {
			g->src = g->holdover_len > 0 ? SRC_HOLDOVER : SRC_FREERUN;
			g->holdover_end = now + g->holdover_len;
		}
	} else if (!strcmp(word, "class") && cls >= 0 && cls <= 255) {
		g->src = SRC_FORCED;
		g->forced_class = cls;
	} else {
		if (strcmp(word, "locked")) {
			pr_warning("%s: '%s': expected locked, lost or class N; taking locked", path,
				   word);
		}
		g->src = SRC_LOCKED;
	}
	apply_source(g);
}

/* The offset of our clock from the edge's PTP time, servo, step. */
static void tod_time_event(struct gm *g, const struct tod_time_event *ev)
{
	struct tod_source *t = g->tod;
	tmv_t now = mono_now(), offset, edge_ptp;
	enum servo_state st;
	double adj = g->ps.clock->freq_ppb;
	int utc_offset;

	/* A.1.3.1 4): the message is the time of the edge that started this
	 * second, and comes within 500 ms of it */
	if (!t->have_edge || now - t->edge_mono > 900000000LL) {
		t->unpaired++;
		pr_debug("tod: time event %llu without a PPS edge in the last 900 ms",
			 (unsigned long long)ev->seconds);
		return;
	}
	t->have_edge = 0;
	utc_offset = ev->flags & TOD_FLAG_UTC_OFFSET_VALID ? ev->current_utc_offset
							   : g->tpds.currentUtcOffset;
	if (utc_offset != g->tpds.currentUtcOffset) {
		pr_notice("tod: currentUtcOffset %d -> %d", g->tpds.currentUtcOffset, utc_offset);
		g->tpds.currentUtcOffset = (int16_t)utc_offset;
	}
	edge_ptp = to_ptp(g, t->edge_clock);
	offset = edge_ptp - (tmv_t)ev->seconds * NS_PER_SEC;
	st = servo_sample(t->servo, offset, t->edge_clock, &adj);
	if (st == SERVO_JUMP) {
		clk_step(g->ps.clock, -offset);
		t->steps++;
	}
	clk_adjfreq(g->ps.clock, adj);
	t->paired++;
	t->last_good = now;
	g->tpds.leap61 = !!(ev->flags & TOD_FLAG_LEAP61);
	g->tpds.leap59 = !!(ev->flags & TOD_FLAG_LEAP59);
	pr_info("tod offset %10lld s%d freq %+7.0f second %llu", (long long)offset, (int)st,
		g->ps.clock->freq_ppb, (unsigned long long)ev->seconds);
	log_soft_truth(g->ps.clock);
}

static void on_tod_frame(void *arg, const struct tod_frame *f)
{
	struct gm *g = arg;
	struct tod_source *t = g->tod;

	if (f->cls != TOD_CLASS) {
		return; /* unknown class: skipped by its length */
	}
	if (f->id == TOD_ID_TIME_EVENT) {
		struct tod_time_event ev;
		if (tod_decode_time_event(f->payload, f->len, &ev)) {
			t->bad_length++;
			return;
		}
		tod_time_event(g, &ev);
	} else if (f->id == TOD_ID_GNSS_STATUS) {
		struct tod_gnss_status st;
		int ok;
		if (tod_decode_gnss_status(f->payload, f->len, &st)) {
			t->bad_length++;
			return;
		}
		ok = tod_gnss_usable(&st);
		if (!t->have_status || ok != t->fix_ok) {
			pr_notice("tod: GNSS fix %u alarms 0x%04x: %s", st.fix, st.alarms,
				  ok ? "usable" : "not usable");
		}
		t->have_status = 1;
		t->fix_ok = ok;
	} else if (f->id == TOD_ID_TIME_ANNOUNCE) {
		struct tod_time_announce a;
		if (tod_decode_time_announce(f->payload, f->len, &a)) {
			t->bad_length++;
			return;
		}
		/* A.1.3.3.2: the source's quality, as on a virtual PTP port */
		if (a.gm_clock_class != g->locked_class && a.gm_clock_class < 128) {
			pr_notice("tod: time announce clockClass %u", a.gm_clock_class);
			g->locked_class = a.gm_clock_class;
			if (g->src == SRC_LOCKED) {
				apply_source(g);
			}
		}
		g->dds.clockQuality.clockAccuracy = a.gm_clock_accuracy;
		g->dds.clockQuality.offsetScaledLogVariance = a.gm_offset_scaled_log_variance;
		g->tpds.timeSource = a.time_source;
	}
}

/* Read what the serial channel has; take new PPS edges; decide locked or
 * lost (tod_loss_timeout without a paired time event, or no usable fix). */
static void tod_poll(struct gm *g, int readable)
{
	struct tod_source *t = g->tod;
	struct pps_edge e;
	tmv_t now;
	int locked, r;

	while ((r = pps_fetch(t->pps, 0, &e)) == 1) {
		t->edge_clock = clk_from_raw(g->ps.clock, (tmv_t)e.sec * NS_PER_SEC + e.nsec);
		t->edge_mono = mono_now();
		t->have_edge = 1;
	}
	if (r < 0) {
		pr_err("tod: %s: %s", t->pps->name, strerror(-r));
	}
	now = mono_now();
	if (readable && t->fd >= 0) {
		uint8_t buf[256];
		ssize_t n = read(t->fd, buf, sizeof(buf));
		if (n > 0) {
			tod_decoder_feed(&t->dec, buf, (size_t)n, on_tod_frame, g);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			/* hung up or gone (USB unplugged, the other end of a
			 * pty closed): close it and try again once a second */
			pr_warning("tod: %s: %s; reopening", cfg_str(g->ps.cfg, OPT_tod_device),
				   n == 0 ? "end of input" : strerror(errno));
			close(t->fd);
			t->fd = g->ps.aux_fd = -1;
			t->reopen_at = now + NS_PER_SEC;
		}
	}
	if (t->fd < 0 && now >= t->reopen_at) {
		char err[256];
		t->fd = serial_open(cfg_str(g->ps.cfg, OPT_tod_device), 0,
				    cfg_int(g->ps.cfg, OPT_tod_baud), err, sizeof(err));
		g->ps.aux_fd = t->fd;
		t->reopen_at = now + NS_PER_SEC;
		if (t->fd >= 0) {
			pr_notice("tod: %s open again", cfg_str(g->ps.cfg, OPT_tod_device));
		}
	}
	locked = t->paired && now - t->last_good < t->loss_timeout && (!t->have_status || t->fix_ok);
	if (locked && g->src != SRC_LOCKED) {
		t->ever_locked = 1;
		g->src = SRC_LOCKED;
		apply_source(g);
	} else if (!locked && g->src == SRC_LOCKED) {
		/* OCP 7.14 / G.8265.1 6.8.4: holdover, then free run */
		g->src = g->holdover_len > 0 ? SRC_HOLDOVER : SRC_FREERUN;
		g->holdover_end = now + g->holdover_len;
		clk_adjfreq(g->ps.clock, servo_holdover_ppb(t->servo));
		pr_notice("tod: time source lost (%s)",
			  now - t->last_good >= t->loss_timeout ? "no time event" : "GNSS fix");
		apply_source(g);
	}
}

static int tod_open(struct gm *g, char *err, size_t errlen)
{
	struct tod_source *t = calloc(1, sizeof(*t));
	const char *dev = cfg_str(g->ps.cfg, OPT_tod_device);
	const char *pps = cfg_str(g->ps.cfg, OPT_pps_device);
	int ch = cfg_int(g->ps.cfg, OPT_extts_channel);

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	g->tod = t;
	t->fd = -1;
	if (!*dev || !*pps) {
		snprintf(err, errlen, "time_source tod needs tod_device and pps_device");
		return -1;
	}
	t->fd = serial_open(dev, 0, cfg_int(g->ps.cfg, OPT_tod_baud), err, errlen);
	if (t->fd < 0) {
		return -1;
	}
	t->pps = ch >= 0 ? pps_extts_open(pps, (unsigned)ch, -1, err, errlen)
			 : pps_rfc2783_open(pps, err, errlen);
	if (!t->pps) {
		return -1;
	}
	t->servo = servo_from_config(g->ps.cfg, g->ps.clock);
	if (!t->servo) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	servo_sync_interval(t->servo, 1.0);
	t->loss_timeout = (tmv_t)cfg_int(g->ps.cfg, OPT_tod_loss_timeout) * NS_PER_SEC;
	g->ps.aux_fd = t->fd;
	/* not locked until the first paired edge: free run */
	g->src = SRC_FREERUN;
	apply_source(g);
	pr_notice("time source tod: %s (%d baud), edge from %s", dev,
		  cfg_int(g->ps.cfg, OPT_tod_baud), t->pps->name);
	return 0;
}

static void tod_close(struct gm *g)
{
	struct tod_source *t = g->tod;
	if (!t) {
		return;
	}
	pr_notice("tod: frames %llu, paired %llu, unpaired %llu, steps %llu, crc errors %llu, "
		  "noise octets %llu",
		  (unsigned long long)t->dec.frames, (unsigned long long)t->paired,
		  (unsigned long long)t->unpaired, (unsigned long long)t->steps,
		  (unsigned long long)t->dec.crc_errors, (unsigned long long)t->dec.garbage_octets);
	if (t->fd >= 0) {
		close(t->fd);
	}
	pps_destroy(t->pps);
	if (t->servo) {
		t->servo->ops->destroy(t->servo);
	}
	free(t);
	g->tod = NULL;
}

static void send_announce(struct gm *g, struct uc_client *c)
{
	struct uc_grant *gt = &c->grant[UC_ANNOUNCE];
	struct ptp_msg m;

	port_msg_init(&g->ps, &m, ANNOUNCE, gt->sequenceId++, gt->logInterMessagePeriod);
	m.hdr.flagField |= tpds_to_flags(&g->tpds);
	/* OCP 7.14: synchronizationUncertain when time is not traceable */
	if (!g->tpds.timeTraceable) {
		m.hdr.flagField |= FLAG_SYNC_UNCERTAIN;
	}
	m.body.announce.originTimestamp = tmv_to_ts(now_ptp(g));
	m.body.announce.currentUtcOffset = g->tpds.currentUtcOffset;
	m.body.announce.grandmasterPriority1 = g->dds.priority1;
	m.body.announce.grandmasterClockQuality = g->dds.clockQuality;
	m.body.announce.grandmasterPriority2 = g->dds.priority2;
	m.body.announce.grandmasterIdentity = g->dds.clockIdentity;
	m.body.announce.stepsRemoved = 0;
	m.body.announce.timeSource = g->tpds.timeSource;
	port_send(&g->ps, 0, &m, &c->addr, NULL, NULL);
}

static struct pending_sync *pending_slot(struct gm *g)
{
	int i;
	for (i = 0; i < PENDING_MAX; i++) {
		if (!g->pending[i].used) {
			return &g->pending[i];
		}
	}
	return NULL;
}

static void send_sync(struct gm *g, struct uc_client *c)
{
	struct uc_grant *gt = &c->grant[UC_SYNC];
	struct pending_sync *p = NULL;
	struct ptp_msg m;
	uint8_t buf[64];
	size_t len = sizeof(buf);
	uint16_t seq = gt->sequenceId++;

	port_msg_init(&g->ps, &m, SYNC, seq, gt->logInterMessagePeriod);
	if (g->dds.twoStepFlag) {
		m.hdr.flagField |= FLAG_TWO_STEP;
		p = pending_slot(g);
		if (!p) {
			g->tx_ts_missing++;
			return; /* cannot follow up: skip this Sync */
		}
	}
	/* two-step: an estimate (13.6.2); one-step (hardware only, see
	 * port_setup): the NIC rewrites it with the transmit time */
	m.body.sync.originTimestamp = tmv_to_ts(now_ptp(g));
	if (port_send(&g->ps, 1, &m, &c->addr, buf, &len) < 0 || !p) {
		return;
	}
	p->used = 1;
	p->to = c->addr;
	p->seq = seq;
	p->log_interval = gt->logInterMessagePeriod;
	p->deadline = mono_now() + g->tx_timeout;
	p->len = len;
	memcpy(p->bytes, buf, len);
	g->n_pending++;
}

static void send_follow_up(struct gm *g, struct pending_sync *p, tmv_t tx_raw)
{
	struct ptp_msg m;

	port_msg_init(&g->ps, &m, FOLLOW_UP, p->seq, p->log_interval);
	m.body.follow_up.preciseOriginTimestamp =
		tmv_to_ts(to_ptp(g, clk_from_raw(g->ps.clock, tx_raw)));
	port_send(&g->ps, 0, &m, &p->to, NULL, NULL);
}

static void drain_txts(struct gm *g)
{
	uint8_t pkt[2048];
	tmv_t raw;
	ssize_t n;
	int i;

	while ((n = udp_recv_txts(g->ps.udp, pkt, sizeof(pkt), &raw)) >= 0) {
		int matched = 0;
		for (i = 0; i < PENDING_MAX && g->n_pending && !matched; i++) {
			struct pending_sync *p = &g->pending[i];
			if (p->used && udp_txts_match(pkt, (size_t)n, p->bytes, p->len)) {
				if (raw) {
					send_follow_up(g, p, raw);
				} else {
					g->tx_ts_missing++;
				}
				p->used = 0;
				g->n_pending--;
				matched = 1;
			}
		}
		if (!matched) {
			/* a stamp that came after its deadline */
			g->tx_ts_late++;
		}
	}
}

static void expire_pending(struct gm *g, tmv_t now)
{
	int i;
	for (i = 0; i < PENDING_MAX && g->n_pending; i++) {
		struct pending_sync *p = &g->pending[i];
		if (p->used && now >= p->deadline) {
			p->used = 0;
			g->n_pending--;
			g->tx_ts_missing++;
			pr_err("port 1 (%s): timed out while polling for tx timestamp", g->ps.iface);
		}
	}
}

static tmv_t pending_next(const struct gm *g)
{
	tmv_t t = INT64_MAX;
	int i;
	for (i = 0; i < PENDING_MAX && g->n_pending; i++) {
		if (g->pending[i].used && g->pending[i].deadline < t) {
			t = g->pending[i].deadline;
		}
	}
	return t;
}

/* New grants, changed intervals, denials and cancels at info level;
 * renewals of an unchanged grant at debug (thousands of clients renew). */
static void log_grants(struct gm *g, const struct net_addr *from, const struct ptp_msg *reply,
		       const int8_t held[UC_NSVC])
{
	char a[64];
	int i;
	for (i = 0; i < reply->n_tlv; i++) {
		const struct tlv *t = &reply->tlv[i];
		int svc = uc_msgtype_svc(t->u.uc.messageType);
		if (t->tlvType == TLV_GRANT_UNICAST_TRANSMISSION) {
			int renewal = t->u.uc.durationField && svc >= 0 &&
				      held[svc] == t->u.uc.logInterMessagePeriod;
			pr_log(renewal ? LOG_DEBUG : LOG_INFO,
			       "port 1 (%s): %s %s %s logInterMessagePeriod %d duration %u",
			       g->ps.iface, net_addr_str(from, a, sizeof(a)),
			       !t->u.uc.durationField ? "denied" : renewal ? "renewed" : "granted",
			       msg_type_str(t->u.uc.messageType), t->u.uc.logInterMessagePeriod,
			       t->u.uc.durationField);
		} else if (t->tlvType == TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION) {
			pr_info("port 1 (%s): %s cancelled %s", g->ps.iface,
				net_addr_str(from, a, sizeof(a)), msg_type_str(t->u.uc.messageType));
		}
	}
}

static void on_signaling(struct gm *g, const struct ptp_msg *m, const struct net_addr *from)
{
	struct ptp_msg reply;
	int8_t held[UC_NSVC]; /* interval of each grant held before, or 0x7f */
	tmv_t now = mono_now();
	int i;

	for (i = 0; i < UC_NSVC; i++) {
		struct uc_client *c = uc_grantor_holder(g->grantor, from, i, now);
		held[i] = c ? c->grant[i].logInterMessagePeriod : 0x7f;
	}
	port_msg_init(&g->ps, &reply, SIGNALING, m->hdr.sequenceId, 0x7f);
	reply.body.signaling.targetPortIdentity = m->hdr.sourcePortIdentity;
	if (uc_grantor_signaling(g->grantor, from, m, now, &reply) > 0) {
		log_grants(g, from, &reply, held);
		port_send(&g->ps, 0, &reply, from, NULL, NULL);
	}
}

static void on_delay_req(struct gm *g, const struct ptp_msg *m, const struct net_addr *from,
			 tmv_t rx_raw)
{
	struct uc_client *c = uc_grantor_holder(g->grantor, from, UC_DELAY_RESP, mono_now());
	struct ptp_msg r;

	if (!c) {
		g->rx_ungranted_dreq++;
		return;
	}
	if (!rx_raw) {
		g->tx_ts_missing++;
		return;
	}
	port_msg_init(&g->ps, &r, DELAY_RESP, m->hdr.sequenceId, c->grant[UC_DELAY_RESP].logInterMessagePeriod);
	/* 11.3.2 c) correctionField of the Delay_Req goes back unchanged */
	r.hdr.correctionField = m->hdr.correctionField;
	r.body.delay_resp.receiveTimestamp = tmv_to_ts(to_ptp(g, clk_from_raw(g->ps.clock, rx_raw)));
	r.body.delay_resp.requestingPortIdentity = m->hdr.sourcePortIdentity;
	port_send(&g->ps, 0, &r, from, NULL, NULL);
}

static void receive(struct gm *g, int event)
{
	struct net_addr from;
	struct ptp_msg m;
	tmv_t rx;
	int budget = 256; /* bounded per wake-up so timers keep running */

	while (budget-- > 0 && port_recv(&g->ps, event, &m, &from, &rx)) {
		switch (m.hdr.messageType) {
		case DELAY_REQ:
			if (event) {
				on_delay_req(g, &m, &from, rx);
			}
			break;
		case SIGNALING:
			on_signaling(g, &m, &from);
			break;
		case MANAGEMENT:
			mgmt_agent_udp(&g->agent, &m, &from);
			break;
		default:
			break; /* Announce from other masters */
		}
	}
}

/* Management GET (1588-2019 15.5.3): the grandmaster's own data sets; it
 * is its own parent (8.2.3) and has no unicast master table. */
static int gm_mgmt_get(void *ctx, struct mgmt_value *v)
{
	struct gm *g = ctx;
	struct config *c = g->ps.cfg;

	switch (v->id) {
	case MID_DEFAULT_DATA_SET:
		v->u.dds = g->dds;
		return 0;
	case MID_CURRENT_DATA_SET:
		return 0; /* stepsRemoved 0, offset and delay 0 */
	case MID_PARENT_DATA_SET:
		v->u.pds.parentPortIdentity.clockIdentity = g->dds.clockIdentity;
		v->u.pds.grandmasterIdentity = g->dds.clockIdentity;
		v->u.pds.grandmasterClockQuality = g->dds.clockQuality;
		v->u.pds.grandmasterPriority1 = g->dds.priority1;
		v->u.pds.grandmasterPriority2 = g->dds.priority2;
		return 0;
	case MID_TIME_PROPERTIES_DATA_SET:
		v->u.tpds = g->tpds;
		return 0;
	case MID_PORT_DATA_SET:
		mgmt_port_ds(&g->ps, PS_MASTER, (uint8_t)cfg_int(c, OPT_announceReceiptTimeout),
			     &v->u.port);
		return 0;
	case MID_PRIORITY1:
		v->u.u8 = g->dds.priority1;
		return 0;
	case MID_PRIORITY2:
		v->u.u8 = g->dds.priority2;
		return 0;
	case MID_SLAVE_ONLY:
		v->u.u8 = 0;
		return 0;
	case MID_UNICAST_NEGOTIATION_ENABLE:
		v->u.u8 = 1; /* a unicast grandmaster always grants (16.1) */
		return 0;
	case MID_UNICAST_MASTER_TABLE:
	case MID_UNICAST_MASTER_MAX_TABLE_SIZE:
	case MID_UNICAST_MASTER_TABLE_NP:
		return 0; /* no table: it follows nobody */
	case MID_TIME_STATUS_NP:
		v->u.tsn.gmIdentity = g->dds.clockIdentity;
		return 0;
	}
	return mgmt_agent_get_common(&g->agent, v);
}

/* Management SET: priority1/2 within the profile's ranges go into the next
 * Announce at once. */
static int gm_mgmt_set(void *ctx, const struct mgmt_value *v, int remote)
{
	struct gm *g = ctx;
	(void)remote;

	if (v->id == MID_PRIORITY1 || v->id == MID_PRIORITY2) {
		return mgmt_agent_set_priority(&g->agent, v,
					       v->id == MID_PRIORITY1 ? &g->dds.priority1
								  : &g->dds.priority2);
	}
	return mgmt_agent_set_common(&g->agent, v);
}

static void summary(struct gm *g)
{
	const struct uc_grantor_stats *s = uc_grantor_stats(g->grantor);
	pr_info("clients %d requests %llu granted %llu denied %llu full %llu expired %llu "
		"bad %llu tx_err %llu tx_ts_missing %llu tx_ts_late %llu",
		uc_grantor_clients(g->grantor), (unsigned long long)s->requests,
		(unsigned long long)s->granted, (unsigned long long)s->denied,
		(unsigned long long)s->denied_full, (unsigned long long)s->expired,
		(unsigned long long)g->ps.rx_bad, (unsigned long long)g->ps.tx_err,
		(unsigned long long)g->tx_ts_missing, (unsigned long long)g->tx_ts_late);
}

static void cancel_one(struct uc_client *c, void *arg)
{
	struct gm *g = arg;
	struct ptp_msg m;
	int i;

	port_msg_init(&g->ps, &m, SIGNALING, 0, 0x7f);
	m.body.signaling.targetPortIdentity = c->portIdentity;
	for (i = 0; i < UC_NSVC; i++) {
		if (c->grant[i].active) {
			struct tlv *t = msg_add_tlv(&m, TLV_CANCEL_UNICAST_TRANSMISSION);
			if (t) {
				t->u.uc.messageType = uc_svc_msgtype(i);
			}
		}
	}
	if (m.n_tlv) {
		port_send(&g->ps, 0, &m, &c->addr, NULL, NULL);
	}
}

int gm_main(int argc, char **argv)
{
	struct gm *g = calloc(1, sizeof(*g));
	struct uc_grantor_cfg gc;
	double lo, hi;
	char id[32];
	int i;

	if (!g) {
		fprintf(stderr, "gm: out of memory\n");
		return EXIT_RUNTIME;
	}
	port_setup(&g->ps, argc, argv, "gm", CFG_ROLE_GM, gm_usage);
	/* defaultDS, 8.2.1; a grandmaster is never slaveOnly (OCP Table 2) */
	default_ds_from_config(g->ps.cfg, &g->dds);
	g->dds.twoStepFlag = cfg_int(g->ps.cfg, OPT_twoStepFlag);
	g->dds.clockIdentity = g->ps.identity;
	g->dds.slaveOnly = 0;
	update_time_properties(g, cfg_int(g->ps.cfg, OPT_utc_offset),
			       cfg_int(g->ps.cfg, OPT_timeSource));
	g->locked_class = g->dds.clockQuality.clockClass;
	g->holdover_class = cfg_int(g->ps.cfg, OPT_holdover_clock_class);
	g->freerun_class = cfg_int(g->ps.cfg, OPT_freerun_clock_class);
	g->holdover_len = (tmv_t)cfg_int(g->ps.cfg, OPT_holdover_time) * NS_PER_SEC;
	g->src = SRC_LOCKED;
	if (cfg_int(g->ps.cfg, OPT_time_source) == TSRC_TOD) {
		char err[256];
		if (tod_open(g, err, sizeof(err))) {
			fprintf(stderr, "gm: %s\n", err);
			return EXIT_RUNTIME;
		}
	} else {
		read_source_state(g, mono_now());
	}
	g->tx_timeout = (tmv_t)cfg_int(g->ps.cfg, OPT_tx_timestamp_timeout) * 1000000;

	memset(&gc, 0, sizeof(gc));
	gc.max_clients = cfg_int(g->ps.cfg, OPT_unicast_max_clients);
	gc.exact = cfg_int(g->ps.cfg, OPT_grant_mode) == GRANT_EXACT;
	cfg_range(g->ps.cfg, OPT_logAnnounceInterval, &lo, &hi);
	gc.min_log[UC_ANNOUNCE] = (int)lo;
	gc.max_log[UC_ANNOUNCE] = (int)hi;
	cfg_range(g->ps.cfg, OPT_logSyncInterval, &lo, &hi);
	gc.min_log[UC_SYNC] = (int)lo;
	gc.max_log[UC_SYNC] = (int)hi;
	cfg_range(g->ps.cfg, OPT_logMinDelayReqInterval, &lo, &hi);
	gc.min_log[UC_DELAY_RESP] = (int)lo;
	gc.max_log[UC_DELAY_RESP] = (int)hi;
	cfg_range(g->ps.cfg, OPT_unicast_req_duration, &lo, &hi);
	gc.min_duration = (uint32_t)lo;
	gc.max_duration = (uint32_t)hi;
	g->grantor = uc_grantor_create(&gc);
	if (!g->grantor) {
		fprintf(stderr, "gm: out of memory\n");
		return EXIT_RUNTIME;
	}
	g->summary_period = cfg_int(g->ps.cfg, OPT_summary_interval) > 0
				    ? log2_interval_ns(cfg_int(g->ps.cfg, OPT_summary_interval))
				    : 0;
	g->next_summary = mono_now() + g->summary_period;
	{
		char err[256];
		if (mgmt_agent_open(&g->agent, &g->ps, gm_mgmt_get, gm_mgmt_set, g, err,
				    sizeof(err))) {
			fprintf(stderr, "gm: %s\n", err);
			return EXIT_RUNTIME;
		}
	}

	pr_notice("ptpbox gm on %s, profile %s, clock %s, %s time stamping, clockIdentity %s",
		  g->ps.iface, config_profile_name(g->ps.cfg), g->ps.clock->ops->name,
		  g->ps.hw_ts ? "hardware" : "software", clock_id_str(&g->ps.identity, id));
	pr_notice("port 1 (%s): INITIALIZING to LISTENING on INIT_COMPLETE", g->ps.iface);
	pr_notice("port 1 (%s): LISTENING to MASTER on ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES",
		  g->ps.iface);
	pr_notice("selected local clock %s as best master", id);
	pr_notice("assuming the grand master role");

	while (!applet_stop) {
		struct uc_client *c;
		tmv_t now, next;
		int svc, ready;

		next = uc_grantor_next(g->grantor);
		if (g->src == SRC_HOLDOVER && g->holdover_end < next) {
			next = g->holdover_end;
		}
		if (pending_next(g) < next) {
			next = pending_next(g);
		}
		if (g->summary_period && g->next_summary < next) {
			next = g->next_summary;
		}
		if (g->tod && mono_now() + 50000000 < next) {
			next = mono_now() + 50000000; /* PPS edges are fetched, not polled */
		}
		ready = port_wait(&g->ps, next);
		if (g->tod) {
			tod_poll(g, !!(ready & PORT_AUX));
		}
		if (ready & PORT_TXTS) {
			drain_txts(g);
		}
		if (ready & PORT_EVENT) {
			receive(g, 1);
		}
		if (ready & PORT_GENERAL) {
			receive(g, 0);
		}
		if (ready & PORT_MGMT) {
			mgmt_agent_uds(&g->agent);
		}
		now = mono_now();
		if (applet_reload) {
			applet_reload = 0;
			if (!g->tod) {
				read_source_state(g, now);
			}
		}
		if (g->src == SRC_HOLDOVER && now >= g->holdover_end) {
			g->src = SRC_FREERUN; /* out of holdover specification */
			apply_source(g);
		}
		for (i = 0; i < 4096 && uc_grantor_due(g->grantor, now, &c, &svc); i++) {
			if (svc == UC_ANNOUNCE) {
				send_announce(g, c);
			} else {
				send_sync(g, c);
			}
		}
		drain_txts(g);
		expire_pending(g, mono_now());
		if (g->summary_period && now >= g->next_summary) {
			summary(g);
			g->next_summary += g->summary_period;
		}
	}
	uc_grantor_foreach(g->grantor, cancel_one, g);
	summary(g);
	uc_grantor_destroy(g->grantor);
	tod_close(g);
	mgmt_agent_close(&g->agent);
	port_teardown(&g->ps);
	free(g);
	return 0;
}
