/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gm engine: master-only ordinary clock with one port serving unicast
 * clients by negotiation (1588-2019 16.1; OCP 7.13; G.8265.1 Annex A).  See
 * gm.h; no I/O here (engine.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm.h"
#include "servo.h"
#include "stats.h"
#include "tlv.h"
#include "unicast.h"

/* Two-step Syncs waiting for their transmit timestamp, by id modulo this
 * (a power of two).  An entry overwritten before its stamp came is a
 * missing stamp. */
#define PENDING_LEN 4096

/*
 * Time from 1PPS + ToD (G.8271 Annex A; time_source tod): the clock's time
 * at each PPS edge, paired with the time event message of that second
 * (sent 1..500 ms after the edge, A.1.3.1), gives the offset of the clock
 * from the PTP time of the edge; a PI servo steers the clock.  GNSS status
 * and time announce messages set the clock class and quality.
 */
struct tod_state {
	struct servo *servo;
	tmv_t loss_timeout;
	tmv_t window; /* a time event this long after its edge at most, ns */
	int have_edge;
	tmv_t edge_clock; /* clock time of the last edge, ns */
	tmv_t edge_mono;  /* when it was seen, monotonic ns */
	tmv_t last_good;  /* monotonic ns of the last paired time event */
	int have_status, fix_ok;
	int servo_locked; /* the clock follows the source (s2/s3 since the last step) */
	uint64_t paired, unpaired, steps, bad_length;
	/* time announce clockClass, clockAccuracy, offsetScaledLogVariance
	 * values the profile does not allow (kept as configured) */
	uint64_t refused;
	struct sum_acc sum; /* offsets of the summary interval (summary_interval > 0) */
};

struct pending_sync {
	int used, id;
	struct net_addr to;
	uint16_t seq;
	int8_t log_interval;
	tmv_t deadline;
};

struct gm {
	struct eng_ops ops;
	struct eng_port port;
	struct port_identity pid;
	const struct config *cfg;
	struct clk *clock;
	struct eng_counters cnt;
	uint8_t domain;
	struct uc_grantor *grantor;
	uint64_t late;	 /* ticks that found a transmission over GM_LATE_NS late */
	tmv_t late_warn; /* next "late" warning allowed, ns */
	struct default_ds dds;
	struct time_properties_ds tpds;
	/* gm_stop(): CANCEL rounds until every grant is acknowledged or
	 * was cancelled GM_CANCELS times */
	int stopping, serving; /* serving: grants CANCELled in the last round */
	uint64_t cancelled, cancel_unanswered;
	tmv_t ts_missing_said; /* last "timed out" line, monotonic ns */
	tmv_t next_cancel;
	uint16_t cancel_seq;
	/* time source (OCP 7.14 Table 2): locked -> clockClass, lost ->
	 * holdover class for holdover_time, then the free-run class */
	enum { SRC_LOCKED, SRC_HOLDOVER, SRC_FREERUN, SRC_FORCED } src;
	int ref; /* a time source reported locked or forced, ever */
	int locked_class, holdover_class, freerun_class, forced_class;
	tmv_t holdover_end; /* monotonic ns */
	tmv_t holdover_len;
	tmv_t tx_timeout;
	struct pending_sync pending[PENDING_LEN];
	int n_pending;
	int tail_id, head_id; /* oldest id that may be pending, next id */
	uint64_t rx_ungranted_dreq;
	tmv_t next_summary, summary_period;
	struct tod_state *tod; /* time_source tod, else NULL */
	int started;
};

#define gm_log(g, level, ...) eng_log(&(g)->ops, level, __VA_ARGS__)

static void sync_counters(struct gm *g);

/* PTP time (ns) of clock time t: the PTP timescale is TAI. */
static tmv_t to_ptp(struct gm *g, tmv_t t)
{
	return g->clock->utc_timescale ? t + (tmv_t)g->tpds.currentUtcOffset * NS_PER_SEC : t;
}

static tmv_t now_ptp(struct gm *g)
{
	tmv_t t = 0;
	clk_gettime(g->clock, &t);
	return to_ptp(g, t);
}

/* timePropertiesDS from the clock class (OCP 7.14 Table 2; G.8265.1 Table
 * A.4): the PTP timescale always; time traceable while locked (6) or in
 * holdover within specification (7); frequency traceable then, or with a
 * PRC-traceable QL (G.8265.1 A.4 note 2: QL-PRC 84, QL-PRS 80; not SSU or
 * SEC) once a reference has been reported (Table A.4: FALSE by default; a
 * configured QL alone is no reference).  currentUtcOffsetValid whenever the offset is known, which for
 * the gm is always (utc_offset of the configuration, the ToD's, or the
 * one in force since 2017 by default): 1588-2019 8.2.4.3 asks whether the
 * offset is correct, not whether the time is traceable, and a slave that
 * sees it invalid may run 37 s off (ptpd does).  OCP Table 2 would have it
 * FALSE out of 6/7 (free run): a deliberate deviation, as the offset of a
 * free-running gm is still right (docs/conformance.md). */
static void update_time_properties(struct gm *g, int utc_offset, int time_source)
{
	int cls = g->dds.clockQuality.clockClass;
	int traceable = cls == 6 || cls == 7;

	memset(&g->tpds, 0, sizeof(g->tpds));
	g->tpds.currentUtcOffset = (int16_t)utc_offset;
	g->tpds.ptpTimescale = 1;
	g->tpds.currentUtcOffsetValid = 1;
	g->tpds.timeTraceable = traceable;
	g->tpds.frequencyTraceable = traceable || (g->ref && (cls == 80 || cls == 84));
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
		gm_log(g, LOG_NOTICE, "clockClass %d -> %d (time source %s)",
		       g->dds.clockQuality.clockClass, cls, src_str[g->src]);
	}
	g->dds.clockQuality.clockClass = (uint8_t)cls;
	update_time_properties(g, g->tpds.currentUtcOffset, g->tpds.timeSource);
}

void gm_source(struct gm *g, enum gm_source_req req, int cls, tmv_t now)
{
	switch (req) {
	case GM_SRC_REQ_LOST:
		if (g->src == SRC_LOCKED || g->src == SRC_FORCED) {
			g->src = g->holdover_len > 0 ? SRC_HOLDOVER : SRC_FREERUN;
			g->holdover_end = now + g->holdover_len;
		}
		break;
	case GM_SRC_REQ_FORCED:
		g->src = SRC_FORCED;
		g->forced_class = cls;
		g->ref = 1;
		break;
	default:
		g->src = SRC_LOCKED;
		g->ref = 1;
		break;
	}
	apply_source(g);
}

/* ---- time_source tod ---- */

void gm_tod_edge(struct gm *g, tmv_t edge_clock, tmv_t now)
{
	if (g->tod) {
		g->tod->edge_clock = edge_clock;
		g->tod->edge_mono = now;
		g->tod->have_edge = 1;
	}
}

/* The offset of our clock from the edge's PTP time, servo, step. */
static void tod_time_event(struct gm *g, const struct tod_time_event *ev, tmv_t now)
{
	struct tod_state *t = g->tod;
	tmv_t offset, edge_ptp;
	enum servo_state st;
	struct servo_meas m;
	struct servo_out out;
	int utc_offset;

	/* A.1.3.1 4): the message is the time of the edge that started this
	 * second, and comes within 500 ms of it */
	if (!t->have_edge || now - t->edge_mono > t->window) {
		t->unpaired++;
		gm_log(g, LOG_DEBUG, "tod: time event %llu without a PPS edge in the last 900 ms",
		       (unsigned long long)ev->seconds);
		return;
	}
	t->have_edge = 0;
	if (ev->seconds > (uint64_t)(INT64_MAX / NS_PER_SEC)) {
		t->bad_length++; /* past 2262: not a time we can take */
		return;
	}
	utc_offset = ev->flags & TOD_FLAG_UTC_OFFSET_VALID ? ev->current_utc_offset
							   : g->tpds.currentUtcOffset;
	if (utc_offset != g->tpds.currentUtcOffset) {
		gm_log(g, LOG_NOTICE, "tod: currentUtcOffset %d -> %d", g->tpds.currentUtcOffset,
		       utc_offset);
		g->tpds.currentUtcOffset = (int16_t)utc_offset;
	}
	edge_ptp = to_ptp(g, t->edge_clock);
	offset = edge_ptp - (tmv_t)ev->seconds * NS_PER_SEC;
	m.local = t->edge_clock;
	m.offset = offset;
	m.ms = 0;
	m.ms_valid = 0;
	m.freq_ppb = g->clock->freq_ppb;
	st = servo_sample(t->servo, &m, &out);
	if (st == SERVO_JUMP) {
		clk_step(g->clock, out.step_ns);
		t->steps++;
	}
	t->servo_locked = st == SERVO_LOCKED || st == SERVO_LOCKED_STABLE;
	clk_adjfreq(g->clock, out.adj_ppb);
	t->paired++;
	t->last_good = now;
	g->tpds.leap61 = !!(ev->flags & TOD_FLAG_LEAP61);
	g->tpds.leap59 = !!(ev->flags & TOD_FLAG_LEAP59);
	/* a line a second, or with summary_interval above 0 (longer than the
	 * second between samples) a summary line instead, as ptp4l's */
	if (g->summary_period) {
		sum_add(&t->sum, (double)offset, g->clock->freq_ppb, 0);
	} else {
		gm_log(g, LOG_INFO, "tod offset %10lld s%d freq %+7.0f second %llu",
		       (long long)offset, (int)st, g->clock->freq_ppb,
		       (unsigned long long)ev->seconds);
	}
}

/* 0 when the profile allows value v of option id for a gm (G.8271 A.1.3.3.2
 * time announce: OCP Table 2, G.8265.1 Table 1); else -1, counted, the
 * first refusal logged with the allowed range. */
static int tod_allowed(struct gm *g, enum opt_id id, unsigned v)
{
	char s[12], err[160];

	snprintf(s, sizeof(s), "%u", v);
	if (!config_check(g->cfg, id, s, "tod: time announce", err, sizeof(err))) {
		return 0;
	}
	if (!g->tod->refused++) {
		gm_log(g, LOG_WARNING, "%s; keeping the configured value", err);
	}
	return -1;
}

void gm_tod_frame(struct gm *g, const struct tod_frame *f, tmv_t now)
{
	struct tod_state *t = g->tod;

	if (!t || f->cls != TOD_CLASS) {
		return; /* unknown class: skipped by its length */
	}
	if (f->id == TOD_ID_TIME_EVENT) {
		struct tod_time_event ev;
		if (tod_decode_time_event(f->payload, f->len, &ev)) {
			t->bad_length++;
			return;
		}
		tod_time_event(g, &ev, now);
	} else if (f->id == TOD_ID_GNSS_STATUS) {
		struct tod_gnss_status st;
		int ok;
		if (tod_decode_gnss_status(f->payload, f->len, &st)) {
			t->bad_length++;
			return;
		}
		ok = tod_gnss_usable(&st);
		if (!t->have_status || ok != t->fix_ok) {
			gm_log(g, LOG_NOTICE, "tod: GNSS fix %u alarms 0x%04x: %s", st.fix, st.alarms,
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
		/* A.1.3.3.2: the source's quality, as on a virtual PTP port,
		 * each attribute when the profile allows it for a gm (OCP
		 * Table 2, G.8265.1 Table 1); else the configured one stays */
		if (a.gm_clock_class != g->locked_class && a.gm_clock_class < 128 &&
		    !tod_allowed(g, OPT_clockClass, a.gm_clock_class)) {
			gm_log(g, LOG_NOTICE, "tod: time announce clockClass %u", a.gm_clock_class);
			g->locked_class = a.gm_clock_class;
			if (g->src == SRC_LOCKED) {
				apply_source(g);
			}
		}
		if (!tod_allowed(g, OPT_clockAccuracy, a.gm_clock_accuracy)) {
			g->dds.clockQuality.clockAccuracy = a.gm_clock_accuracy;
		}
		if (!tod_allowed(g, OPT_offsetScaledLogVariance, a.gm_offset_scaled_log_variance)) {
			g->dds.clockQuality.offsetScaledLogVariance = a.gm_offset_scaled_log_variance;
		}
		g->tpds.timeSource = a.time_source;
	}
}

/* Locked while time events keep coming (tod_loss_timeout), the clock
 * follows them (its servo locked: not before its first step, when the
 * clock may still be seconds off the source) and the GNSS status, if any,
 * reports a usable fix; otherwise holdover, then free run (OCP 7.14 /
 * G.8265.1 6.8.4). */
static void tod_check(struct gm *g, tmv_t now)
{
	struct tod_state *t = g->tod;
	int locked = t->paired && t->servo_locked && now - t->last_good < t->loss_timeout &&
		     (!t->have_status || t->fix_ok);

	if (locked && g->src != SRC_LOCKED) {
		g->src = SRC_LOCKED;
		g->ref = 1;
		apply_source(g);
	} else if (!locked && g->src == SRC_LOCKED) {
		g->src = g->holdover_len > 0 ? SRC_HOLDOVER : SRC_FREERUN;
		g->holdover_end = now + g->holdover_len;
		clk_adjfreq(g->clock, servo_holdover_ppb(t->servo));
		gm_log(g, LOG_NOTICE, "tod: time source lost (%s)",
		       now - t->last_good >= t->loss_timeout ? "no time event" : "GNSS fix");
		apply_source(g);
	}
}

/* ---- messages ---- */

/* A transmission this late (ns) means the host cannot keep up: a tenth of
 * the usual 1 s period, a third of OCP 7.12's +-30 % tolerance */
#define GM_LATE_NS (NS_PER_SEC / 10)
#define GM_CANCELS 3			    /* CANCELs per grant before it just ends */
#define GM_CANCEL_EVERY (NS_PER_SEC / 2) /* between rounds, ns */

static void msg_init_port(struct gm *g, struct ptp_msg *m, uint8_t type, uint16_t seq, int8_t log)
{
	eng_msg_init(m, type, g->domain, &g->pid, seq, log);
}

static void send_announce(struct gm *g, struct uc_client *c)
{
	struct uc_grant *gt = &c->grant[UC_ANNOUNCE];
	struct net_addr to;
	struct ptp_msg m;

	msg_init_port(g, &m, ANNOUNCE, gt->sequenceId++, gt->logInterMessagePeriod);
	m.hdr.flagField |= tpds_to_flags(&g->tpds);
	/* OCP 7.14: synchronizationUncertain when time is not traceable;
	 * never under G.8265.1, whose 1588-2008 base has the bit reserved
	 * (A.6) and whose frequency-only masters are never time traceable */
	if (!g->tpds.timeTraceable && strcmp(config_profile_name(g->cfg), "g8265.1")) {
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
	uc_client_addr(c, &to);
	eng_send_msg(&g->ops, &g->cnt, 0, &m, &to, 0);
}

static void send_sync(struct gm *g, struct uc_client *c, tmv_t now)
{
	struct uc_grant *gt = &c->grant[UC_SYNC];
	uint16_t seq = gt->sequenceId++;
	struct pending_sync *p;
	struct net_addr to;
	struct ptp_msg m;
	int id;

	msg_init_port(g, &m, SYNC, seq, gt->logInterMessagePeriod);
	if (g->dds.twoStepFlag) {
		m.hdr.flagField |= FLAG_TWO_STEP;
	}
	/* two-step: an estimate (13.6.2); one-step (hardware only): the port
	 * rewrites it with the transmit time */
	m.body.sync.originTimestamp = tmv_to_ts(now_ptp(g));
	uc_client_addr(c, &to);
	id = eng_send_msg(&g->ops, &g->cnt, 1, &m, &to, g->dds.twoStepFlag);
	if (id < 0 || !g->dds.twoStepFlag) {
		return;
	}
	if (!g->n_pending) {
		g->tail_id = id;
	}
	g->head_id = (id + 1) & 0x7fffffff;
	p = &g->pending[id & (PENDING_LEN - 1)];
	if (p->used) {
		g->cnt.tx_ts_missing++; /* 4096 stamps behind: that one is lost */
		g->n_pending--;
	}
	p->used = 1;
	p->id = id;
	p->to = to;
	p->seq = seq;
	p->log_interval = gt->logInterMessagePeriod;
	p->deadline = now + g->tx_timeout;
	g->n_pending++;
}

void gm_tx_ts(struct gm *g, int id, tmv_t tx_ts, tmv_t now)
{
	struct pending_sync *p = &g->pending[id & (PENDING_LEN - 1)];
	struct ptp_msg m;

	(void)now;
	if (!p->used || p->id != id) {
		g->cnt.tx_ts_late++; /* after its deadline */
		return;
	}
	p->used = 0;
	g->n_pending--;
	if (!tx_ts) {
		g->cnt.tx_ts_missing++;
		return;
	}
	msg_init_port(g, &m, FOLLOW_UP, p->seq, p->log_interval);
	m.body.follow_up.preciseOriginTimestamp = tmv_to_ts(to_ptp(g, tx_ts));
	eng_send_msg(&g->ops, &g->cnt, 0, &m, &p->to, 0);
}

/* Pending Syncs in id order (ids increase, deadlines with them): skip the
 * answered ones at the tail. */
static struct pending_sync *pending_oldest(struct gm *g)
{
	while (g->n_pending && g->tail_id != g->head_id) {
		struct pending_sync *p = &g->pending[g->tail_id & (PENDING_LEN - 1)];
		if (p->used && p->id == g->tail_id) {
			return p;
		}
		g->tail_id = (g->tail_id + 1) & 0x7fffffff;
	}
	return NULL;
}

static void expire_pending(struct gm *g, tmv_t now)
{
	struct pending_sync *p;
	while ((p = pending_oldest(g)) && now >= p->deadline) {
		p->used = 0;
		g->n_pending--;
		g->cnt.tx_ts_missing++;
		/* once a second at most: an overloaded gm misses thousands */
		if (now - g->ts_missing_said >= NS_PER_SEC) {
			gm_log(g, LOG_ERR,
			       "port 1 (%s): timed out while polling for tx timestamp (%llu so far)",
			       g->port.iface, (unsigned long long)g->cnt.tx_ts_missing);
			g->ts_missing_said = now;
		}
	}
}

static tmv_t pending_next(struct gm *g)
{
	struct pending_sync *p = pending_oldest(g);
	return p ? p->deadline : INT64_MAX;
}

/* New grants, changed intervals, denials and cancels at info level;
 * renewals of an unchanged grant at debug (thousands of clients renew). */
static void log_grants(struct gm *g, const struct net_addr *from, const struct ptp_msg *reply,
		       const int8_t held[UC_NSVC], tmv_t now)
{
	char a[64];
	int i;

	if (g->ops.log_level < LOG_INFO) {
		return;
	}
	for (i = 0; i < reply->n_tlv; i++) {
		const struct tlv *t = &reply->tlv[i];
		int svc = uc_msgtype_svc(t->u.uc.messageType);
		if (t->tlvType == TLV_GRANT_UNICAST_TRANSMISSION) {
			int renewal = t->u.uc.durationField && svc >= 0 &&
				      held[svc] == t->u.uc.logInterMessagePeriod;
			gm_log(g, renewal ? LOG_DEBUG : LOG_INFO,
			       "port 1 (%s): %s %s %s logInterMessagePeriod %d duration %u",
			       g->port.iface, net_addr_str(from, a, sizeof(a)),
			       !t->u.uc.durationField ? "denied" : renewal ? "renewed" : "granted",
			       msg_type_str(t->u.uc.messageType), t->u.uc.logInterMessagePeriod,
			       t->u.uc.durationField);
		} else if (t->tlvType == TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION) {
			/* acknowledged in any case (16.1.4.4); taken only from
			 * the holder */
			int held_now = svc >= 0 && uc_grantor_holder(g->grantor, from, svc, now);
			gm_log(g, held_now ? LOG_DEBUG : LOG_INFO, "port 1 (%s): %s %s %s", g->port.iface,
			       net_addr_str(from, a, sizeof(a)),
			       held_now ? "CANCEL not from the holder, ignored:" : "cancelled",
			       msg_type_str(t->u.uc.messageType));
		}
	}
}

static void on_signaling(struct gm *g, const struct ptp_msg *m, const struct net_addr *from,
			 tmv_t now)
{
	struct ptp_msg reply;
	int8_t held[UC_NSVC]; /* interval of each grant held before, or 0x7f */
	uint64_t taken = uc_grantor_stats(g->grantor)->taken_over;
	int i;

	for (i = 0; i < UC_NSVC; i++) {
		struct uc_client *c = uc_grantor_holder(g->grantor, from, i, now);
		held[i] = c ? c->grant[i].logInterMessagePeriod : 0x7f;
	}
	msg_init_port(g, &reply, SIGNALING, m->hdr.sequenceId, 0x7f);
	reply.body.signaling.targetPortIdentity = m->hdr.sourcePortIdentity;
	if (uc_grantor_signaling(g->grantor, from, m, now, &reply) > 0) {
		if (uc_grantor_stats(g->grantor)->taken_over != taken) {
			char a[64], pid[32];
			gm_log(g, LOG_NOTICE,
			       "port 1 (%s): %s: its holder fell silent, the address is %s's now",
			       g->port.iface, net_addr_str(from, a, sizeof(a)),
			       port_id_str(&m->hdr.sourcePortIdentity, pid));
		}
		log_grants(g, from, &reply, held, now);
		eng_send_msg(&g->ops, &g->cnt, 0, &reply, from, 0);
	}
}

/* Delay_Req a client may send ahead of its granted rate (OCP 7.12), in
 * granted intervals.  linuxptp spaces them uniformly over 0..2 intervals:
 * against 0.9 intervals a Delay_Req that is a random walk of drift -0.1
 * and sd 0.58 intervals a step, ahead by more than 16 intervals about once
 * in 15 000 (exp(-2 x 0.1 x 16 / 0.33)); a flood gets 16 answers, then
 * 1/0.9 of its granted rate */
#define DREQ_BURST 16

static void on_delay_req(struct gm *g, const struct ptp_msg *m, const struct net_addr *from,
			 tmv_t rx_ts, tmv_t now)
{
	struct uc_client *c = uc_grantor_holder(g->grantor, from, UC_DELAY_RESP, now);
	struct ptp_msg r;

	if (!c) {
		g->rx_ungranted_dreq++;
		return;
	}
	/* the holder's Delay_Req stream is its liveness: another portIdentity
	 * may not take the address while it flows (core/unicast.h) */
	uc_client_heard(c, &m->hdr.sourcePortIdentity, now);
	/* OCP 7.12: a client whose Delay_Req come faster than 90 % of the
	 * granted interval may have the excess ignored.  Paced as a
	 * virtual-time bucket (GCRA) on the grant's next_tx: each Delay_Req
	 * moves it 0.9 intervals on; one arriving more than DREQ_BURST
	 * intervals ahead of it is not answered (a flood costs the gm a
	 * receive, not a transmission and a stamp) */
	{
		struct uc_grant *gt = &c->grant[UC_DELAY_RESP];
		tmv_t t = log2_interval_ns(gt->logInterMessagePeriod);
		if (gt->next_tx - now > DREQ_BURST * t) {
			g->cnt.dreq_excess++;
			return;
		}
		gt->next_tx = (gt->next_tx > now ? gt->next_tx : now) + t / 10 * 9;
	}
	if (!rx_ts) {
		g->cnt.tx_ts_missing++;
		return;
	}
	msg_init_port(g, &r, DELAY_RESP, m->hdr.sequenceId,
		      c->grant[UC_DELAY_RESP].logInterMessagePeriod);
	/* 11.3.2 c) correctionField of the Delay_Req goes back unchanged */
	r.hdr.correctionField = m->hdr.correctionField;
	r.body.delay_resp.receiveTimestamp = tmv_to_ts(to_ptp(g, rx_ts));
	r.body.delay_resp.requestingPortIdentity = m->hdr.sourcePortIdentity;
	eng_send_msg(&g->ops, &g->cnt, 0, &r, from, 0);
}

void gm_rx(struct gm *g, int event, const struct net_addr *from, const uint8_t *buf, size_t len,
	   tmv_t rx_ts, tmv_t now)
{
	struct ptp_msg m;

	if (eng_receive(&g->ops, &g->cnt, buf, len, g->domain, &g->pid, from, &m)) {
		return;
	}
	switch (m.hdr.messageType) {
	case DELAY_REQ:
		if (event) {
			on_delay_req(g, &m, from, rx_ts, now);
		}
		break;
	case SIGNALING:
		on_signaling(g, &m, from, now);
		sync_counters(g);
		break;
	default:
		break; /* Announce from other masters */
	}
}

/* The periodic summary line (summary_interval). */
static void summary(struct gm *g)
{
	const struct uc_grantor_stats *s = uc_grantor_stats(g->grantor);
	char line[96];
	if (g->tod && sum_line(&g->tod->sum, line, sizeof(line))) {
		gm_log(g, LOG_INFO, "tod %s", line);
	}
	gm_log(g, LOG_INFO,
	       "clients %d requests %llu granted %llu denied %llu full %llu expired %llu "
	       "budget %llu acl %llu identity %llu takeovers %llu cancels_ignored %llu "
	       "dreq_excess %llu "
	       "pps %.0f bad %llu tx_err %llu tx_ts_missing %llu tx_ts_late %llu late %llu",
	       uc_grantor_clients(g->grantor), (unsigned long long)s->requests,
	       (unsigned long long)s->granted, (unsigned long long)s->denied,
	       (unsigned long long)s->denied_full, (unsigned long long)s->expired,
	       (unsigned long long)s->denied_budget, (unsigned long long)s->rejected_acl,
	       (unsigned long long)s->denied_identity, (unsigned long long)s->taken_over,
	       (unsigned long long)s->cancels_ignored, (unsigned long long)g->cnt.dreq_excess,
	       uc_grantor_committed_pps(g->grantor),
	       (unsigned long long)g->cnt.rx_bad, (unsigned long long)g->cnt.tx_err,
	       (unsigned long long)g->cnt.tx_ts_missing, (unsigned long long)g->cnt.tx_ts_late,
	       (unsigned long long)g->late);
}

void gm_log_summary(struct gm *g)
{
	summary(g);
	if (g->stopping) {
		gm_log(g, LOG_NOTICE,
		       "shutdown: %llu grants cancelled: %llu acknowledged, %llu unanswered, %d "
		       "still served",
		       (unsigned long long)g->cancelled,
		       (unsigned long long)uc_grantor_stats(g->grantor)->cancel_acked,
		       (unsigned long long)g->cancel_unanswered, g->serving);
	}
	if (g->tod) {
		const struct tod_state *t = g->tod;
		gm_log(g, LOG_NOTICE,
		       "tod: paired %llu, unpaired %llu, steps %llu, bad length %llu, refused %llu",
		       (unsigned long long)t->paired, (unsigned long long)t->unpaired,
		       (unsigned long long)t->steps, (unsigned long long)t->bad_length,
		       (unsigned long long)t->refused);
	}
}

static void cancel_round(struct gm *g, tmv_t now);

tmv_t gm_tick(struct gm *g, tmv_t now)
{
	struct uc_client *c;
	tmv_t next;
	int svc;

	if (!g->started) {
		char id[32];
		g->started = 1;
		clock_id_str(&g->port.clockIdentity, id);
		gm_log(g, LOG_NOTICE,
		       "ptpbox gm on %s, profile %s, clock %s, %s time stamping, clockIdentity %s",
		       g->port.iface, config_profile_name(g->cfg), g->clock->ops->name,
		       g->port.hw_ts ? "hardware" : "software", id);
		gm_log(g, LOG_NOTICE, "port 1 (%s): INITIALIZING to LISTENING on INIT_COMPLETE",
		       g->port.iface);
		gm_log(g, LOG_NOTICE,
		       "port 1 (%s): LISTENING to MASTER on ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES",
		       g->port.iface);
		gm_log(g, LOG_NOTICE, "selected local clock %s as best master", id);
		gm_log(g, LOG_NOTICE, "assuming the grand master role");
		if (!*cfg_str(g->cfg, OPT_unicast_acl)) {
			gm_log(g, LOG_NOTICE,
			       "port 1 (%s): unicast_acl empty: any address may negotiate "
			       "(up to %d clients%s)",
			       g->port.iface, cfg_int(g->cfg, OPT_unicast_max_clients),
			       cfg_int(g->cfg, OPT_max_tx_rate_pps) ? ""
								    : ", no max_tx_rate_pps");
		}
	}
	if (g->tod) {
		tod_check(g, now);
	}
	if (g->src == SRC_HOLDOVER && now >= g->holdover_end) {
		g->src = SRC_FREERUN; /* out of holdover specification */
		apply_source(g);
	}
	if (g->stopping && now >= g->next_cancel) {
		cancel_round(g, now);
	}
	next = uc_grantor_next(g->grantor);
	/* INT64_MIN: a client with no grant left, to be freed (no
	 * transmission) */
	if (next > INT64_MIN && next < now - GM_LATE_NS) {
		g->late++;
		if (now >= g->late_warn) {
			gm_log(g, LOG_WARNING,
			       "port 1 (%s): transmissions %lld ms late with %d clients (%llu times "
			       "so far): the host cannot keep up; max_tx_rate_pps caps what is "
			       "granted",
			       g->port.iface, (long long)((now - next) / 1000000),
			       uc_grantor_clients(g->grantor), (unsigned long long)g->late);
			g->late_warn = now + 10 * NS_PER_SEC;
		}
	}
	while (uc_grantor_due(g->grantor, now, &c, &svc)) {
		if (svc == UC_ANNOUNCE) {
			send_announce(g, c);
		} else {
			send_sync(g, c, now);
		}
	}
	expire_pending(g, now);
	if (g->summary_period && now >= g->next_summary) {
		summary(g);
		g->next_summary += g->summary_period;
		if (g->next_summary <= now) {
			/* after a stall: the next one a period from now */
			g->next_summary = now + g->summary_period;
		}
	}

	next = uc_grantor_next(g->grantor);
	if (g->stopping) {
		next = eng_min(next, g->next_cancel);
	}
	if (g->src == SRC_HOLDOVER) {
		next = eng_min(next, g->holdover_end);
	}
	next = eng_min(next, pending_next(g));
	if (g->summary_period) {
		next = eng_min(next, g->next_summary);
	}
	if (g->tod && g->tod->paired && g->src == SRC_LOCKED) {
		/* loss of the source is a deadline too */
		next = eng_min(next, g->tod->last_good + g->tod->loss_timeout);
	}
	return next;
}

/* One CANCEL round to client c (16.1.4.3, maintainGrant FALSE) for each
 * grant it still holds; a grant whose GM_CANCELS CANCELs went unanswered
 * ends (OCP 7.13.2: serve until ACKNOWLEDGE_CANCEL or after an
 * implementation-specific number of CANCELs). */
static void cancel_one(struct uc_client *c, void *arg)
{
	struct gm *g = arg;
	struct ptp_msg m;
	int i;

	msg_init_port(g, &m, SIGNALING, g->cancel_seq, 0x7f);
	m.body.signaling.targetPortIdentity = c->portIdentity;
	for (i = 0; i < UC_NSVC; i++) {
		struct uc_grant *gt = &c->grant[i];
		if (!gt->active) {
			continue;
		}
		if (gt->cancels >= GM_CANCELS) {
			uc_grantor_end(g->grantor, c, i);
			g->cancel_unanswered++;
			continue;
		}
		g->cancelled += !gt->cancels;
		g->serving++;
		gt->cancels++;
		{
			struct tlv *t = msg_add_tlv(&m, TLV_CANCEL_UNICAST_TRANSMISSION);
			if (t) {
				t->u.uc.messageType = uc_svc_msgtype(i);
			}
		}
	}
	if (m.n_tlv) {
		struct net_addr to;
		uc_client_addr(c, &to);
		eng_send_msg(&g->ops, &g->cnt, 0, &m, &to, 0);
	}
}

/* A CANCEL round every GM_CANCEL_EVERY while stopping. */
static void cancel_round(struct gm *g, tmv_t now)
{
	g->serving = 0;
	uc_grantor_foreach(g->grantor, cancel_one, g);
	g->cancel_seq++;
	g->next_cancel = now + GM_CANCEL_EVERY;
}

void gm_stop(struct gm *g, tmv_t now)
{
	if (!g->stopping) {
		g->stopping = 1;
		uc_grantor_close(g->grantor);
		cancel_round(g, now);
	}
}

int gm_stopped(const struct gm *g)
{
	return g->stopping && !g->serving;
}

static int grantor_from_config(struct gm *g)
{
	struct uc_grantor_cfg gc;
	static const enum opt_id svc_opt[UC_NSVC] = { OPT_logAnnounceInterval, OPT_logSyncInterval,
						      OPT_logMinDelayReqInterval };
	double lo, hi;
	int i;

	memset(&gc, 0, sizeof(gc));
	gc.max_clients = cfg_int(g->cfg, OPT_unicast_max_clients);
	gc.exact = cfg_int(g->cfg, OPT_grant_mode) == GRANT_EXACT;
	for (i = 0; i < UC_NSVC; i++) {
		cfg_range(g->cfg, svc_opt[i], &lo, &hi);
		gc.min_log[i] = (int)lo;
		gc.max_log[i] = (int)hi;
	}
	/* a client gets Sync no faster than min_granted_logSyncInterval */
	if (gc.min_log[UC_SYNC] < cfg_int(g->cfg, OPT_min_granted_logSyncInterval)) {
		gc.min_log[UC_SYNC] = cfg_int(g->cfg, OPT_min_granted_logSyncInterval);
	}
	cfg_range(g->cfg, OPT_unicast_req_duration, &lo, &hi);
	gc.min_duration = (uint32_t)lo;
	gc.max_duration = (uint32_t)hi;
	/* max_granted_duration: a grant lasts no longer (1588-2019 16.1.4.1.3,
	 * OCP 7.13.2: the granted durationField need not be the one asked);
	 * it bounds what one forged REQUEST costs */
	if (gc.max_duration > (uint32_t)cfg_int(g->cfg, OPT_max_granted_duration)) {
		gc.max_duration = (uint32_t)cfg_int(g->cfg, OPT_max_granted_duration);
	}
	if (gc.max_duration < gc.min_duration) {
		gc.max_duration = gc.min_duration;
	}
	gc.client_pps = cfg_int(g->cfg, OPT_max_client_pps);
	net_acl_parse(cfg_str(g->cfg, OPT_unicast_acl), &gc.acl); /* checked by config */
	gc.max_pps = cfg_int(g->cfg, OPT_max_tx_rate_pps);
	gc.sync_msgs = g->dds.twoStepFlag ? 2 : 1;
	g->grantor = uc_grantor_create(&gc);
	return g->grantor ? 0 : -ENOMEM;
}

struct gm *gm_create(const struct config *cfg, const struct eng_port *port,
		     const struct eng_ops *ops, tmv_t now, char *err, size_t errlen)
{
	struct gm *g = calloc(1, sizeof(*g));

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->ops = *ops;
	g->ops.ptp_minor = cfg_int(cfg, OPT_minorVersionPTP);
	g->port = *port;
	g->cfg = cfg;
	g->clock = ops->clk;
	g->pid.clockIdentity = port->clockIdentity;
	g->pid.portNumber = 1;
	g->domain = (uint8_t)cfg_int(cfg, OPT_domainNumber);
	/* defaultDS, 8.2.1; a grandmaster is never slaveOnly (OCP Table 2) */
	default_ds_from_config(cfg, &g->dds);
	g->dds.twoStepFlag = cfg_int(cfg, OPT_twoStepFlag);
	g->dds.clockIdentity = port->clockIdentity;
	g->dds.slaveOnly = 0;
	update_time_properties(g, cfg_int(cfg, OPT_utc_offset), cfg_int(cfg, OPT_timeSource));
	g->locked_class = g->dds.clockQuality.clockClass;
	g->holdover_class = cfg_int(cfg, OPT_holdover_clock_class);
	g->freerun_class = cfg_int(cfg, OPT_freerun_clock_class);
	g->holdover_len = (tmv_t)cfg_int(cfg, OPT_holdover_time) * NS_PER_SEC;
	g->tx_timeout = (tmv_t)cfg_int(cfg, OPT_tx_timestamp_timeout) * 1000000;
	g->src = SRC_LOCKED;
	if (cfg_int(cfg, OPT_time_source) != TSRC_FILE) {
		g->tod = calloc(1, sizeof(*g->tod));
		if (g->tod) {
			g->tod->servo = servo_from_config(cfg, g->clock, 0);
		}
		if (!g->tod || !g->tod->servo) {
			snprintf(err, errlen, "out of memory");
			gm_destroy(g);
			return NULL;
		}
		servo_sync_interval(g->tod->servo, 1.0);
		g->tod->loss_timeout = (tmv_t)cfg_int(cfg, OPT_tod_loss_timeout) * NS_PER_SEC;
		/* nmea: core/nmea.c paired it within NMEA_WINDOW_NS already */
		g->tod->window = cfg_int(cfg, OPT_time_source) == TSRC_TOD ? 900000000 : NS_PER_SEC;
		/* not locked until the first paired edge: free run */
		g->src = SRC_FREERUN;
	}
	if (grantor_from_config(g)) {
		snprintf(err, errlen, "out of memory");
		gm_destroy(g);
		return NULL;
	}
	apply_source(g);
	g->summary_period = cfg_int(cfg, OPT_summary_interval) > 0
				    ? log2_interval_ns(cfg_int(cfg, OPT_summary_interval))
				    : 0;
	g->next_summary = now + g->summary_period;
	return g;
}

void gm_destroy(struct gm *g)
{
	if (!g) {
		return;
	}
	if (g->tod) {
		servo_destroy(g->tod->servo);
		free(g->tod);
	}
	uc_grantor_destroy(g->grantor);
	free(g);
}

/* Management GET (1588-2019 15.5.3): the grandmaster's own data sets; it
 * is its own parent (8.2.3) and has no unicast master table. */
int gm_mgmt_get(struct gm *g, struct mgmt_value *v, tmv_t now)
{
	(void)now;
	switch (v->id) {
	case MID_DEFAULT_DATA_SET:
		v->u.dds = g->dds;
		return 0;
	case MID_CURRENT_DATA_SET:
		return 0; /* stepsRemoved 0, offset and delay 0 */
	case MID_PARENT_DATA_SET:
		parent_ds_self(&g->dds, &v->u.pds);
		return 0;
	case MID_TIME_PROPERTIES_DATA_SET:
		v->u.tpds = g->tpds;
		return 0;
	case MID_PORT_DATA_SET:
		port_ds_from_config(g->cfg, &g->pid, PS_MASTER,
				    (uint8_t)cfg_int(g->cfg, OPT_announceReceiptTimeout), &v->u.port);
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
	return -MERR_NOT_SUPPORTED;
}

/* Management SET: priority1/2 within the profile's ranges go into the next
 * Announce at once. */
int gm_mgmt_set(struct gm *g, const struct mgmt_value *v, int remote, tmv_t now)
{
	(void)remote;
	(void)now;
	if (v->id == MID_PRIORITY1 || v->id == MID_PRIORITY2) {
		return eng_set_priority(&g->ops, g->cfg, v,
					v->id == MID_PRIORITY1 ? &g->dds.priority1
							       : &g->dds.priority2);
	}
	return -MERR_NOT_SUPPORTED;
}

const struct eng_counters *gm_counters(const struct gm *g)
{
	return &g->cnt;
}

const struct time_properties_ds *gm_time_properties(const struct gm *g)
{
	return &g->tpds;
}

unsigned long gm_clock_steps(const struct gm *g)
{
	return g->tod ? (unsigned long)g->tod->steps : 0;
}

void gm_status(const struct gm *g, struct gm_status *s)
{
	const struct uc_grantor_stats *u = uc_grantor_stats(g->grantor);

	s->clock_class = g->dds.clockQuality.clockClass;
	s->source = (int)g->src;
	s->clients = uc_grantor_clients(g->grantor);
	s->committed_pps = uc_grantor_committed_pps(g->grantor);
	s->requests = u->requests;
	s->granted = u->granted;
	s->denied = u->denied;
	s->expired = u->expired;
	s->cancels = u->cancels;
}

/* The grantor's refusals into the port's counters (PORT_REFUSALS_NP). */
static void sync_counters(struct gm *g)
{
	const struct uc_grantor_stats *s = uc_grantor_stats(g->grantor);
	g->cnt.uc_acl = s->rejected_acl;
	g->cnt.uc_budget = s->denied_budget;
	g->cnt.uc_full = s->denied_full;
	g->cnt.uc_cancel_ignored = s->cancels_ignored;
	g->cnt.uc_identity = s->denied_identity;
}

