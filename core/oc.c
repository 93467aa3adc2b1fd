/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * oc engine: slave-only ordinary clock with one port (1588-2019; OCP
 * 7.13/7.14; G.8265.1 6.6-6.8).  See oc.h; no I/O here (engine.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "bmca.h"
#include "e2e.h"
#include "oc.h"
#include "select.h"
#include "servo.h"
#include "stats.h"
#include "tlv.h"
#include "unicast.h"

#define MAX_MASTERS CFG_MAX_TABLE_ENTRIES

struct master {
	struct net_addr addr;
	char name[64];
	struct uc_requester req;
	uint16_t sig_seq;
	/* from its Announce messages */
	int have_announce;
	int failed; /* lost qualification or PTSF at least once */
	tmv_t ptsf_until, sync_seen; /* PTSF-lossSync hold; last Sync (ns) */
	tmv_t dreq_unanswered;	     /* first Delay_Req since the last Delay_Resp, 0: none */
	int sync_flowing;	     /* a Sync arrived since the selection */
	int sync_uncertain;	     /* synchronizationUncertain in its Announce */
	int unreachable_said;
	struct sel_candidate c; /* qualification, PTSF, lock-out, data set */
	struct time_properties_ds tp;
	int8_t log_announce;
	tmv_t last_announce;
	struct fm_window win;
	/* flow watchdogs: when each last asked again for a stopped flow */
	tmv_t kick[UC_NSVC];
	/* a currentUtcOffset change (with its valid and PTP timescale
	 * flags) held until UTC_AGREE Announces agree: the value, how many
	 * in a row, since when */
	struct time_properties_ds utc_next;
	int utc_n;
	tmv_t utc_since;
	tmv_t utc_said; /* the last warning about it (one a minute) */
};

/* Announces in a row, over UTC_AGREE - 1 intervals, that take a change of
 * currentUtcOffset outside a leap second */
#define UTC_AGREE 3


struct oc {
	struct eng_ops ops;
	struct eng_port port;
	struct port_identity pid;
	const struct config *cfg;
	struct clk *clock;
	struct eng_counters cnt;
	uint8_t domain;
	struct master m[MAX_MASTERS];
	int n_masters, selected;
	enum port_state state;
	/* data sets of this slave-only clock, 8.2 */
	struct default_ds dds;
	struct current_ds cds;
	struct parent_ds pds;
	struct time_properties_ds tpds;
	struct unicast_discovery_ds udds; /* portAddress: m[].addr */
	int free_running, announce_timeout, utc_offset_cfg, sync_timeout;
	struct sel_cfg sel;
	tmv_t ptsf_hold, wtr_at; /* wtr_at: next wait-to-restore end, ns */
	tmv_t sync_gap_at;	 /* no sample by then: hold the frequency */
	/* holding: frequency hold_ppb + hold_drift ppb/s x (now - hold_since) */
	double hold_ppb, hold_drift;
	tmv_t hold_since, hold_next; /* INT64_MAX: not drifting */
	int servo_locked;
	struct e2e e2e;
	struct servo *servo;
	/* Delay_Req */
	uint16_t dreq_seq;
	tmv_t next_dreq, dreq_deadline, tx_ts_timeout;
	int dreq_waiting_ts, dreq_id;
	uint32_t rng;
	/* output */
	struct sum_acc sum; /* of the summary interval */
	uint64_t samples;  /* offsets measured (oc_status) */
	int servo_state;   /* of the last one */
	int servo_log;	   /* log2 s: the Sync interval the servo was told */
	tmv_t summary_period, next_summary;
	int holdover_said;
	int started;
};

#define oc_log(o, level, ...) eng_log(&(o)->ops, level, __VA_ARGS__)

static uint32_t rnd(struct oc *o)
{
	/* xorshift32: jitter for Delay_Req spacing, not security */
	o->rng ^= o->rng << 13;
	o->rng ^= o->rng >> 17;
	o->rng ^= o->rng << 5;
	return o->rng;
}

static void msg_init_port(struct oc *o, struct ptp_msg *m, uint8_t type, uint16_t seq, int8_t log)
{
	eng_msg_init(m, type, o->domain, &o->pid, seq, log);
}

static void set_state(struct oc *o, enum port_state s, const char *event)
{
	if (o->state == s) {
		return;
	}
	oc_log(o, LOG_NOTICE, "port 1 (%s): %s to %s on %s", o->port.iface,
	       port_state_str(o->state), port_state_str(s), event);
	/* OCP 7.14: synchronizationUncertain while UNCALIBRATED */
	o->cds.synchronizationUncertain =
		s == PS_UNCALIBRATED || (o->selected >= 0 && o->m[o->selected].sync_uncertain);
	o->state = s;
}

static void signaling_header(struct oc *o, struct master *mm, struct ptp_msg *m)
{
	msg_init_port(o, m, SIGNALING, mm->sig_seq++, 0x7f);
	/* G.8265.1 6.6: all ones until the master's identity is known */
	if (mm->have_announce) {
		m->body.signaling.targetPortIdentity = mm->c.ds.sender;
	} else {
		memset(&m->body.signaling.targetPortIdentity, 0xff,
		       sizeof(m->body.signaling.targetPortIdentity));
	}
}

static void negotiate(struct oc *o, tmv_t now)
{
	int i;
	for (i = 0; i < o->n_masters; i++) {
		struct master *mm = &o->m[i];
		struct ptp_msg sig;
		int ev;

		signaling_header(o, mm, &sig);
		if (uc_req_tick(&mm->req, now, &sig, &ev) > 0) {
			eng_send_msg(&o->ops, &o->cnt, 0, &sig, &mm->addr, 0);
		} else {
			mm->sig_seq--;
		}
		if ((ev & UC_EV_GAVE_UP) && !mm->unreachable_said) {
			oc_log(o, LOG_WARNING, "port 1 (%s): master %s: no answer to 3 requests",
			       o->port.iface, mm->name);
			mm->unreachable_said = 1;
		}
	}
}

static struct master *find_master(struct oc *o, const struct net_addr *a)
{
	int i;
	for (i = 0; i < o->n_masters; i++) {
		if (net_addr_eq(&o->m[i].addr, a)) {
			return &o->m[i];
		}
	}
	return NULL;
}

/* 9.3.5 Table 30, decision S1: parentDS, currentDS.stepsRemoved and
 * timePropertiesDS from E_best, the selected master's last Announce. */
static void update_parent(struct oc *o)
{
	const struct master *mm = &o->m[o->selected];
	o->pds.parentPortIdentity = mm->c.ds.sender;
	o->pds.grandmasterIdentity = mm->c.ds.identity;
	o->pds.grandmasterClockQuality = mm->c.ds.quality;
	o->pds.grandmasterPriority1 = mm->c.ds.priority1;
	o->pds.grandmasterPriority2 = mm->c.ds.priority2;
	o->cds.stepsRemoved = (uint16_t)(mm->c.ds.stepsRemoved + 1);
	o->tpds = mm->tp;
	/* OCP 7.14: uncertain when the GM says so or while UNCALIBRATED */
	o->cds.synchronizationUncertain = mm->sync_uncertain || o->state == PS_UNCALIBRATED;
}

/* Samples stopped (master lost, switching, Sync gap): run on the servo's
 * frequency estimate rather than its last proportional correction. */
static void hold_frequency(struct oc *o, tmv_t now)
{
	o->sync_gap_at = INT64_MAX;
	o->hold_next = INT64_MAX;
	if (o->free_running || !o->servo_locked) {
		return;
	}
	o->hold_ppb = servo_holdover_ppb(o->servo);
	o->hold_drift = servo_holdover_drift(o->servo);
	o->hold_since = now;
	clk_adjfreq(o->clock, o->hold_ppb);
	if (o->hold_drift != 0) {
		/* a ramp: follow it, once a second */
		o->hold_next = now + NS_PER_SEC;
	}
}

static void hold_drift(struct oc *o, tmv_t now)
{
	clk_adjfreq(o->clock,
		    o->hold_ppb + o->hold_drift * (double)(now - o->hold_since) * 1e-9);
	o->hold_next = now + NS_PER_SEC;
}

static void select_master(struct oc *o, int best, const char *event, tmv_t now)
{
	char id[32];

	if (best == o->selected) {
		return;
	}
	if (o->selected >= 0) {
		/* move Sync and Delay_Resp away from the old master */
		uc_req_want(&o->m[o->selected].req, UC_SYNC, 0, now);
		uc_req_want(&o->m[o->selected].req, UC_DELAY_RESP, 0, now);
	}
	hold_frequency(o, now);
	o->selected = best;
	/*
	 * The servo keeps its lock and frequency: a fresh two-sample estimate
	 * from noisy offsets would itself be the transient (OCP 7.15).  The
	 * path delay is the old path's: never combine one master's Syncs with
	 * another master's delay (the error would be half the difference of
	 * the two paths).  Drop it; the clock holds the servo's frequency
	 * until the new master's first Delay_Resp gives its own delay
	 * (e2e_offset() has nothing until then).
	 */
	e2e_reset(&o->e2e, 0);
	servo_reset(o->servo);
	o->dreq_waiting_ts = 0;
	if (best < 0) {
		set_state(o, PS_LISTENING, event);
		if (!o->holdover_said) {
			oc_log(o, LOG_NOTICE, "port 1 (%s): no master: holdover at freq %+.0f ppb",
			       o->port.iface, o->clock->freq_ppb);
			o->holdover_said = 1;
		}
		return;
	}
	o->holdover_said = 0;
	o->m[best].sync_seen = now;
	o->m[best].sync_flowing = 0;
	o->m[best].dreq_unanswered = 0;
	update_parent(o);
	oc_log(o, LOG_NOTICE, "selected best master clock %s",
	       clock_id_str(&o->m[best].c.ds.identity, id));
	/* G.8265.1 6.6: Sync and Delay_Resp only after the Announce grant and a
	 * first Announce; both go in one Signaling message */
	uc_req_want(&o->m[best].req, UC_SYNC, 1, now);
	uc_req_want(&o->m[best].req, UC_DELAY_RESP, 1, now);
	if (o->state == PS_SLAVE || o->state == PS_UNCALIBRATED) {
		oc_log(o, LOG_NOTICE, "port 1 (%s): new master, staying %s", o->port.iface,
		       port_state_str(o->state));
	}
	set_state(o, PS_UNCALIBRATED, "RS_SLAVE");
	negotiate(o, now);
}

/* Best master per dataset_comparison (select.c), then follow it. */
static void run_bmca(struct oc *o, const char *event, tmv_t now)
{
	struct sel_candidate c[MAX_MASTERS];
	int i;
	for (i = 0; i < o->n_masters; i++) {
		c[i] = o->m[i].c;
	}
	o->wtr_at = sel_next_restore(&o->sel, c, o->n_masters, now);
	select_master(o, sel_best(&o->sel, c, o->n_masters, o->selected, now), event, now);
}

/* A master usable again after a failure starts its wait-to-restore now. */
static void restored(struct master *mm, tmv_t now)
{
	if (mm->failed) {
		mm->c.restored_at = now;
	}
}

/* Allowed silence of the selected master's Sync flow before PTSF-lossSync
 * (G.8265.1 6.7.3.2): syncReceiptTimeout granted Sync intervals, plus the
 * negotiation's retry interval before the first Sync.  0 = off. */
static tmv_t sync_limit(const struct oc *o, const struct master *mm)
{
	tmv_t lim = (tmv_t)o->sync_timeout *
		    log2_interval_ns(mm->req.svc[UC_SYNC].logInterMessagePeriod);
	return mm->sync_flowing ? lim : lim + mm->req.cfg.retry;
}

/* And of its Delay_Resp flow (6.7.3.2 "and eventually ... Delay_Resp"):
 * syncReceiptTimeout granted Delay_Resp intervals after a Delay_Req that
 * no Delay_Resp followed (one-way operation sends none: never). */
static tmv_t dresp_limit(const struct oc *o, const struct master *mm)
{
	return (tmv_t)o->sync_timeout *
	       log2_interval_ns(mm->req.svc[UC_DELAY_RESP].logInterMessagePeriod);
}

/* PTSF-lossSync on the selected master (no Sync, or no Delay_Resp to
 * our Delay_Req); PTSF ends after ptsf_hold_time. */
static void check_ptsf(struct oc *o, tmv_t now)
{
	int i, changed = 0;

	for (i = 0; i < o->n_masters; i++) {
		struct master *mm = &o->m[i];
		if (mm->c.ptsf && now >= mm->ptsf_until) {
			mm->c.ptsf = 0;
			restored(mm, now);
			oc_log(o, LOG_NOTICE, "port 1 (%s): master %s: PTSF-lossSync cleared",
			       o->port.iface, mm->name);
			changed = 1;
		}
	}
	if (o->sync_timeout && o->selected >= 0) {
		struct master *mm = &o->m[o->selected];
		int no_sync = now - mm->sync_seen > sync_limit(o, mm);
		if (no_sync || (mm->dreq_unanswered && now - mm->dreq_unanswered > dresp_limit(o, mm))) {
			mm->c.ptsf = 1;
			mm->failed = 1;
			mm->ptsf_until = now + o->ptsf_hold;
			mm->dreq_unanswered = 0;
			oc_log(o, LOG_NOTICE,
			       "port 1 (%s): master %s: PTSF-lossSync, no %s for %d intervals",
			       o->port.iface, mm->name, no_sync ? "Sync" : "Delay_Resp",
			       o->sync_timeout);
			changed = 1;
		}
	}
	if (changed) {
		run_bmca(o, "SYNCHRONIZATION_FAULT", now);
	}
}

static tmv_t ptsf_deadline(const struct oc *o)
{
	tmv_t t = o->wtr_at;
	int i;

	for (i = 0; i < o->n_masters; i++) {
		if (o->m[i].c.ptsf && o->m[i].ptsf_until < t) {
			t = o->m[i].ptsf_until;
		}
	}
	if (o->sync_timeout && o->selected >= 0) {
		const struct master *mm = &o->m[o->selected];
		t = eng_min(t, mm->sync_seen + sync_limit(o, mm) + 1);
		if (mm->dreq_unanswered) {
			t = eng_min(t, mm->dreq_unanswered + dresp_limit(o, mm) + 1);
		}
	}
	return t;
}

int oc_lockout(struct oc *o, const struct net_addr *addrs, int n, const char *how, tmv_t now)
{
	int i, k, found = 0;

	for (i = 0; i < o->n_masters; i++) {
		int locked = 0;
		for (k = 0; k < n; k++) {
			if (net_addr_eq(&o->m[i].addr, &addrs[k])) {
				locked = 1;
			}
		}
		found += locked;
		if (locked != o->m[i].c.locked_out) {
			o->m[i].c.locked_out = locked;
			oc_log(o, LOG_NOTICE, "port 1 (%s): master %s %s (%s)", o->port.iface,
			       o->m[i].name, locked ? "locked out" : "no longer locked out", how);
		}
	}
	run_bmca(o, "LOCKOUT", now);
	return found;
}

static void check_announce_timeouts(struct oc *o, tmv_t now)
{
	int i, changed = 0;
	for (i = 0; i < o->n_masters; i++) {
		struct master *mm = &o->m[i];
		tmv_t limit = (tmv_t)o->announce_timeout * log2_interval_ns(mm->log_announce);
		if (mm->c.qualified && now - mm->last_announce > limit) {
			char id[32];
			mm->c.qualified = 0; /* PTSF-lossAnnounce */
			mm->failed = 1;
			mm->win.n = 0;
			/* a master that restarted has forgotten our grant: ask
			 * again now rather than at the renewal */
			uc_req_lost(&mm->req, UC_ANNOUNCE, now);
			oc_log(o, LOG_NOTICE, "port 1 (%s): announce timeout from master %s (%s)",
			       o->port.iface, mm->name, clock_id_str(&mm->c.ds.identity, id));
			changed = 1;
		}
	}
	if (changed) {
		run_bmca(o, "ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES", now);
	}
}

/*
 * Flow watchdogs (issue 24): a granted flow that stopped -- no Announce, no
 * complete Sync (selected master), no Delay_Resp to our Delay_Req
 * (selected master) for FLOW_PERIODS granted intervals, FLOW_MIN at least
 * -- is asked for again at once rather than at the renewal: a CANCEL
 * forged in our name at the master, a master that restarted and forgot
 * our grant, a grant that ended early.  A renewal of a grant the master
 * still holds changes nothing there (1588-2019 16.1.4.1); denials back off
 * as usual (G.8265.1 6.6).  Announce is watched ahead of its receipt
 * timeout (3 intervals), so a master whose grant was cancelled in our name
 * is served again before it is disqualified.
 */
#define FLOW_PERIODS 2
#define FLOW_MIN (NS_PER_SEC / 2)

/* When svc's flow from mm counts as stopped (ns), INT64_MAX: not watched */
static tmv_t flow_deadline(const struct oc *o, const struct master *mm, int svc, tmv_t now)
{
	tmv_t last, lim;

	if (!uc_req_granted(&mm->req, svc, now)) {
		return INT64_MAX;
	}
	if (svc == UC_ANNOUNCE) {
		if (!mm->have_announce) {
			return INT64_MAX;
		}
		last = mm->last_announce;
	} else if (o->selected < 0 || mm != &o->m[o->selected]) {
		return INT64_MAX;
	} else if (svc == UC_SYNC) {
		last = mm->sync_seen;
	} else if (mm->dreq_unanswered) {
		last = mm->dreq_unanswered;
	} else {
		return INT64_MAX;
	}
	last = last > mm->kick[svc] ? last : mm->kick[svc];
	last = last > mm->req.svc[svc].granted_at ? last : mm->req.svc[svc].granted_at;
	lim = FLOW_PERIODS * log2_interval_ns(mm->req.svc[svc].logInterMessagePeriod);
	return last + (lim < FLOW_MIN ? FLOW_MIN : lim);
}

static void check_flows(struct oc *o, tmv_t now)
{
	static const char *const what[UC_NSVC] = { "Announce", "Sync", "Delay_Resp" };
	int i, svc;

	for (i = 0; i < o->n_masters; i++) {
		struct master *mm = &o->m[i];
		for (svc = 0; svc < UC_NSVC; svc++) {
			if (now < flow_deadline(o, mm, svc, now)) {
				continue;
			}
			mm->kick[svc] = now;
			if (uc_req_lost(&mm->req, svc, now)) {
				oc_log(o, LOG_NOTICE,
				       "port 1 (%s): master %s: no %s for %d granted intervals: "
				       "asking again",
				       o->port.iface, mm->name, what[svc], FLOW_PERIODS);
			}
		}
	}
}

static tmv_t flows_deadline(const struct oc *o, tmv_t now)
{
	tmv_t t = INT64_MAX;
	int i, svc;

	for (i = 0; i < o->n_masters; i++) {
		for (svc = 0; svc < UC_NSVC; svc++) {
			t = eng_min(t, flow_deadline(o, &o->m[i], svc, now));
		}
	}
	return t;
}

static tmv_t announce_deadline(const struct oc *o)
{
	tmv_t t = INT64_MAX;
	int i;
	for (i = 0; i < o->n_masters; i++) {
		const struct master *mm = &o->m[i];
		if (mm->c.qualified) {
			t = eng_min(t, mm->last_announce +
					       (tmv_t)o->announce_timeout *
						       log2_interval_ns(mm->log_announce) +
					       1);
		}
	}
	return t;
}

/* The offset master_to_local() takes off: the fields it uses */
static int same_utc(const struct time_properties_ds *a, const struct time_properties_ds *b)
{
	return a->currentUtcOffset == b->currentUtcOffset &&
	       a->currentUtcOffsetValid == b->currentUtcOffsetValid &&
	       a->ptpTimescale == b->ptpTimescale;
}

/* A leap second as announced (1588-2019 8.2.4.4/8.2.4.5, 9.4: leap61 or
 * leap59 set in the Announces before it, the offset one more or one less
 * at the end of a UTC day): our clock reads within 2 Announce intervals
 * (2 s at least) of a UTC midnight. */
static int leap_now(struct oc *o, const struct master *mm, const struct time_properties_ds *nt)
{
	const struct time_properties_ds *ot = &mm->tp;
	tmv_t t = 0, w = 2 * log2_interval_ns(mm->log_announce), tod;

	if (nt->currentUtcOffsetValid != ot->currentUtcOffsetValid ||
	    nt->ptpTimescale != ot->ptpTimescale ||
	    !((ot->leap61 && nt->currentUtcOffset == ot->currentUtcOffset + 1) ||
	      (ot->leap59 && nt->currentUtcOffset == ot->currentUtcOffset - 1))) {
		return 0;
	}
	if (clk_gettime(o->clock, &t)) {
		return 0;
	}
	if (!o->clock->utc_timescale) {
		t -= (tmv_t)ot->currentUtcOffset * NS_PER_SEC; /* TAI to UTC */
	}
	tod = t % (86400 * NS_PER_SEC);
	w = w < 2 * NS_PER_SEC ? 2 * NS_PER_SEC : w;
	return tod < w || tod > 86400 * NS_PER_SEC - w;
}

/*
 * The master's currentUtcOffset (and its valid and ptpTimescale flags: all
 * master_to_local() uses) from Announce nt.  A change at a leap second is
 * taken at once; any other is held, the clock keeping time on the offset
 * it has, until UTC_AGREE Announces in a row over UTC_AGREE - 1 Announce
 * intervals (70 %: OCP 7.12's tolerance) carry the new value: one forged
 * Announce, or a burst of them between two genuine ones, never moves the
 * clock (a currentUtcOffset 0 used to put it 37 s off).  1588-2019 9.3.4
 * and 9.4 only say the timePropertiesDS follows E_best's Announce; when it
 * does is the implementation's (OCP 7.14: "currentUtcOffset of E_best,
 * after running BMCA"), and a real change outside a leap second is a
 * master's reconfiguration, which 3 Announces' delay costs nothing.
 * Returns 1 when nt's offset fields were replaced by the held ones.
 */
static int guard_utc(struct oc *o, struct master *mm, struct time_properties_ds *nt, tmv_t now)
{
	tmv_t span = (UTC_AGREE - 1) * log2_interval_ns(mm->log_announce) * 7 / 10;

	if (!mm->have_announce || same_utc(nt, &mm->tp)) {
		mm->utc_n = 0; /* the value held breaks a run */
		return 0;
	}
	if (leap_now(o, mm, nt)) {
		oc_log(o, LOG_NOTICE, "port 1 (%s): master %s: leap second, currentUtcOffset %d -> %d",
		       o->port.iface, mm->name, mm->tp.currentUtcOffset, nt->currentUtcOffset);
		mm->utc_n = 0;
		return 0;
	}
	if (mm->utc_n && same_utc(nt, &mm->utc_next)) {
		mm->utc_n++;
	} else {
		mm->utc_next = *nt;
		mm->utc_n = 1;
		mm->utc_since = now;
	}
	if (mm->utc_n >= UTC_AGREE && now - mm->utc_since >= span) {
		oc_log(o, LOG_NOTICE,
		       "port 1 (%s): master %s: currentUtcOffset %d%s -> %d%s, %d Announces agree",
		       o->port.iface, mm->name, mm->tp.currentUtcOffset,
		       mm->tp.currentUtcOffsetValid ? "" : " (not valid)", nt->currentUtcOffset,
		       nt->currentUtcOffsetValid ? "" : " (not valid)", mm->utc_n);
		mm->utc_n = 0;
		return 0;
	}
	o->cnt.utc_offset_held++;
	if (mm->utc_n == 1 && (!mm->utc_said || now - mm->utc_said >= 60 * NS_PER_SEC)) {
		mm->utc_said = now;
		oc_log(o, LOG_WARNING,
		       "port 1 (%s): master %s announces currentUtcOffset %d%s%s outside a leap "
		       "second: keeping %d until %d Announces agree",
		       o->port.iface, mm->name, nt->currentUtcOffset,
		       nt->currentUtcOffsetValid ? "" : " (not valid)",
		       nt->ptpTimescale ? "" : " (ARB timescale)", mm->tp.currentUtcOffset,
		       UTC_AGREE);
	}
	nt->currentUtcOffset = mm->tp.currentUtcOffset;
	nt->currentUtcOffsetValid = mm->tp.currentUtcOffsetValid;
	nt->ptpTimescale = mm->tp.ptpTimescale;
	return 1;
}

static void on_announce(struct oc *o, struct master *mm, const struct ptp_msg *m, tmv_t now)
{
	char pid[32];
	int was = mm->c.qualified, changed;
	struct bmca_ds old = mm->c.ds;
	struct time_properties_ds nt;

	if (m->body.announce.stepsRemoved >= 255) {
		return; /* 9.3.2.5 d) */
	}
	if (mm->have_announce && port_id_cmp(&m->hdr.sourcePortIdentity, &mm->c.ds.sender)) {
		/* Another portIdentity at the master's address: a new
		 * foreign master record (9.3.2.5) only once the one we have
		 * has been silent for announceReceiptTimeout (it is no longer
		 * qualified then); until then it is a forger's, and taking it
		 * would make the genuine Syncs wrong_sender (16.1: the master
		 * is a port, not an address). */
		char was_id[32];
		if (now - mm->last_announce <=
		    (tmv_t)o->announce_timeout * log2_interval_ns(mm->log_announce)) {
			o->cnt.uc_wrong_sender++;
			return;
		}
		oc_log(o, LOG_NOTICE, "port 1 (%s): master %s: portIdentity %s -> %s (silent)",
		       o->port.iface, mm->name, port_id_str(&mm->c.ds.sender, was_id),
		       port_id_str(&m->hdr.sourcePortIdentity, pid));
		mm->have_announce = 0;
		mm->win.n = 0;
		mm->c.qualified = was = 0;
	}
	mm->unreachable_said = 0;
	if (!mm->have_announce) {
		oc_log(o, LOG_NOTICE, "port 1 (%s): new foreign master %s", o->port.iface,
		       port_id_str(&m->hdr.sourcePortIdentity, pid));
	}
	bmca_ds_from_announce(&mm->c.ds, m, &o->pid);
	tpds_from_announce(&nt, m);
	mm->log_announce = mm->req.svc[UC_ANNOUNCE].state == UC_GRANTED
				   ? mm->req.svc[UC_ANNOUNCE].logInterMessagePeriod
				   : m->hdr.logMessageInterval;
	if (mm->log_announce < -7 || mm->log_announce > 7) {
		mm->log_announce = 0;
	}
	guard_utc(o, mm, &nt, now);
	mm->tp = nt;
	mm->sync_uncertain = !!(m->hdr.flagField & FLAG_SYNC_UNCERTAIN);
	mm->last_announce = now;
	mm->have_announce = 1;
	mm->c.qualified = fm_window_add(&mm->win, now, mm->log_announce) || was;
	if (mm->c.qualified && !was) {
		restored(mm, now);
	}
	changed = memcmp(&old, &mm->c.ds, sizeof(old)) != 0;
	if (mm->c.qualified && (!was || changed)) {
		run_bmca(o, "RS_SLAVE", now);
	}
	if (o->selected >= 0 && &o->m[o->selected] == mm) {
		update_parent(o);
	}
}

/* Master time (PTP timescale) to the local clock's time scale. */
static tmv_t master_to_local(struct oc *o, const struct master *mm, struct ptp_timestamp ts)
{
	tmv_t t = ts_to_tmv(ts);
	if (o->clock->utc_timescale && mm->tp.ptpTimescale) {
		int off = mm->tp.currentUtcOffsetValid ? mm->tp.currentUtcOffset : o->utc_offset_cfg;
		t -= (tmv_t)off * NS_PER_SEC;
	}
	return t;
}

/* servo_info() x 2^16, rounded and saturated (servo_step_ns, of -x). */
void oc_servo_state(const struct oc *o, struct servo_state_np *p)
{
	struct servo_info si;
	double f[MGMT_SERVO_FIELDS];
	int i;

	/* its first members, the doubles, are in the order of SVS_* */
#define SVS_AT(m, k) _Static_assert(offsetof(struct servo_info, m) == (k) * sizeof(double), #m)
	SVS_AT(wander_est, SVS_WANDER_EST);
	SVS_AT(window_s, SVS_WINDOW);
	SVS_AT(beta_ns, SVS_DELAY_SPREAD);
	SVS_AT(shape, SVS_DELAY_SHAPE);
	SVS_AT(predicted_ns, SVS_PREDICTED);
#undef SVS_AT
	servo_info(o->servo, &si);
	memcpy(f, &si, SVS_ESTIMATOR * sizeof(double));
	f[SVS_ESTIMATOR] = si.estimator;
	for (i = 0; i < MGMT_SERVO_FIELDS; i++) {
		p->v[i] = servo_step_ns(-65536 * f[i]);
	}
}

/* What the envelope servo believes, at debug level (issue 25: why it
 * does what it does): its SERVO_STATE_NP values, one line. */
static void servo_debug(struct oc *o)
{
	struct servo_state_np sv;
	char b[256];
	size_t n = 0;
	int i;

	if (o->ops.log_level < LOG_DEBUG) {
		return;
	}
	oc_servo_state(o, &sv);
	/* at most ~200 characters: the names and 7 x %.4g */
	for (i = 0; i < MGMT_SERVO_FIELDS && sv.v[SVS_WINDOW] > 0; i++) {
		n += (size_t)snprintf(b + n, sizeof(b) - n, " %s %.4g", mgmt_servo_names[i],
				      (double)sv.v[i] / 65536);
	}
	if (n) {
		oc_log(o, LOG_DEBUG, "servo%s", b);
	}
}

static void summary(struct oc *o)
{
	char line[96];
	if (sum_line(&o->sum, line, sizeof(line))) {
		oc_log(o, LOG_INFO, "%s", line);
		servo_debug(o);
	}
}

static void synchronize(struct oc *o, tmv_t now)
{
	enum servo_state s = SERVO_UNLOCKED;
	struct servo_meas m;
	struct servo_out out;
	tmv_t offset;

	if (e2e_offset(&o->e2e, &offset)) {
		return;
	}
	if (o->servo_log != o->m[o->selected].req.svc[UC_SYNC].logInterMessagePeriod) {
		/* OCP 7.13.2: a master may grant a slower Sync than asked */
		o->servo_log = o->m[o->selected].req.svc[UC_SYNC].logInterMessagePeriod;
		servo_sync_interval(o->servo, (double)log2_interval_ns(o->servo_log) / 1e9);
	}
	if (!o->free_running) {
		m.local = o->e2e.t2;
		m.offset = offset;
		m.ms = o->e2e.t2 - o->e2e.t1 - o->e2e.c_sync - o->e2e.delay_asymmetry;
		m.ms_valid = 1;
		m.freq_ppb = o->clock->freq_ppb;
		s = servo_sample(o->servo, &m, &out);
		if (s == SERVO_JUMP) {
			clk_step(o->clock, out.step_ns);
			/* timestamps taken before the step are stale */
			e2e_reset(&o->e2e, 1);
			o->dreq_waiting_ts = 0;
		}
		clk_adjfreq(o->clock, out.adj_ppb);
		o->hold_next = INT64_MAX;
		o->servo_locked = s >= SERVO_LOCKED || (o->servo_locked && s == SERVO_JUMP);
		/* two Sync intervals without a sample: hold the frequency */
		o->sync_gap_at = now + 2 * log2_interval_ns(o->m[o->selected]
								    .req.svc[UC_SYNC]
								    .logInterMessagePeriod);
	}
	o->cds.offsetFromMaster = offset;
	o->cds.meanPathDelay = o->e2e.mean_path_delay;
	o->samples++;
	o->servo_state = (int)s;
	/* ptp4l's log: each sample, or with summary_interval longer than
	 * the Sync interval one summary line per summary interval (the
	 * servo's debug line with it) */
	if (o->summary_period) {
		sum_add(&o->sum, (double)offset, o->clock->freq_ppb,
			(double)o->e2e.mean_path_delay);
	} else {
		oc_log(o, LOG_INFO, "master offset %10lld s%d freq %+7.0f path delay %9lld",
		       (long long)offset, (int)s, o->clock->freq_ppb,
		       (long long)o->e2e.mean_path_delay);
		servo_debug(o);
	}
	if (s >= SERVO_LOCKED && o->state == PS_UNCALIBRATED) {
		set_state(o, PS_SLAVE, "MASTER_CLOCK_SELECTED");
	}
}

/* A Delay_Req measurement for servos that use the two directions. */
static void delay_measured(struct oc *o)
{
	const struct e2e *e = &o->e2e;
	if (!o->free_running) {
		servo_delay(o->servo, e->t3, e->t4 - e->t3 - e->c_resp + e->delay_asymmetry);
	}
}

static int from_selected(struct oc *o, const struct ptp_msg *m, const struct net_addr *from)
{
	struct master *mm;
	if (o->selected < 0) {
		return 0;
	}
	mm = &o->m[o->selected];
	return net_addr_eq(&mm->addr, from) &&
	       !port_id_cmp(&m->hdr.sourcePortIdentity, &mm->c.ds.sender);
}

static void on_sync(struct oc *o, const struct ptp_msg *m, const struct net_addr *from,
		    tmv_t t2, tmv_t now)
{
	struct master *mm;

	if (!from_selected(o, m, from)) {
		return;
	}
	if (!t2) {
		/* the kernel gave no receive stamp (a driver that stamps less
		 * than it said, a stamp queue overrun): no sample */
		if (!o->cnt.rx_ts_missing++) {
			oc_log(o, LOG_WARNING,
			       "port 1 (%s): a Sync without a receive timestamp, dropped "
			       "(counted in rx_ts_missing)",
			       o->port.iface);
		}
		return;
	}
	mm = &o->m[o->selected];
	mm->sync_flowing = 1;
	if (e2e_sync(&o->e2e, m->hdr.sequenceId, !!(m->hdr.flagField & FLAG_TWO_STEP),
		     master_to_local(o, mm, m->body.sync.originTimestamp),
		     scaled_ns_to_tmv(m->hdr.correctionField), t2)) {
		/* PTSF-lossSync times complete samples (G.8265.1 6.7.3.2:
		 * "Sync and eventually Follow_Up"): a two-step Sync counts
		 * with its Follow_Up */
		mm->sync_seen = now;
		synchronize(o, now);
	}
}

static void on_follow_up(struct oc *o, const struct ptp_msg *m, const struct net_addr *from,
			 tmv_t now)
{
	if (!from_selected(o, m, from)) {
		return;
	}
	if (e2e_follow_up(&o->e2e, m->hdr.sequenceId,
			  master_to_local(o, &o->m[o->selected],
					  m->body.follow_up.preciseOriginTimestamp),
			  scaled_ns_to_tmv(m->hdr.correctionField))) {
		o->m[o->selected].sync_seen = now;
		synchronize(o, now);
	}
}

static void on_delay_resp(struct oc *o, const struct ptp_msg *m, const struct net_addr *from)
{
	if (!from_selected(o, m, from) ||
	    port_id_cmp(&m->body.delay_resp.requestingPortIdentity, &o->pid)) {
		return;
	}
	o->m[o->selected].dreq_unanswered = 0; /* the flow is alive */
	if (e2e_delay_resp(&o->e2e, m->hdr.sequenceId,
			   master_to_local(o, &o->m[o->selected],
					   m->body.delay_resp.receiveTimestamp),
			   scaled_ns_to_tmv(m->hdr.correctionField))) {
		delay_measured(o);
	}
}

/* 13.12.1: a Signaling message is for the port its targetPortIdentity
 * names; all ones (clockIdentity and portNumber each) stand for any */
static int for_us(const struct oc *o, const struct port_identity *t)
{
	static const struct clock_identity all = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						     0xff } };
	return (!clock_id_cmp(&t->clockIdentity, &all) ||
		!clock_id_cmp(&t->clockIdentity, &o->pid.clockIdentity)) &&
	       (t->portNumber == 0xffff || t->portNumber == o->pid.portNumber);
}

static void on_signaling(struct oc *o, const struct ptp_msg *m, const struct net_addr *from,
			 tmv_t now)
{
	struct master *mm = find_master(o, from);
	struct ptp_msg ack;
	int i, acks = 0;

	if (!mm) {
		o->cnt.rx_unknown_src++;
		return;
	}
	if (!for_us(o, &m->body.signaling.targetPortIdentity)) {
		/* e.g. the master's denial of a REQUEST forged from our
		 * address as another port: it answers no request of ours, and
		 * taking it would count a failure (G.8265.1 6.6 back-off) */
		o->cnt.uc_unexpected++;
		return;
	}
	/* 16.1: negotiation is between two ports: once the master's
	 * portIdentity is known, a Signaling message from its address with
	 * another one is not its own */
	if (mm->have_announce && port_id_cmp(&m->hdr.sourcePortIdentity, &mm->c.ds.sender)) {
		o->cnt.uc_wrong_sender++;
		return;
	}
	signaling_header(o, mm, &ack);
	ack.body.signaling.targetPortIdentity = m->hdr.sourcePortIdentity;
	for (i = 0; i < m->n_tlv; i++) {
		const struct tlv *t = &m->tlv[i];
		const char *type = msg_type_str(t->u.uc.messageType);
		if (t->tlvType == TLV_GRANT_UNICAST_TRANSMISSION) {
			int ev = uc_req_grant(&mm->req, &t->u.uc, now);
			if (ev & UC_EV_UNEXPECTED) {
				o->cnt.uc_unexpected++;
				oc_log(o, LOG_DEBUG,
				       "port 1 (%s): master %s: %s for %s without a request, ignored",
				       o->port.iface, mm->name,
				       t->u.uc.durationField ? "grant" : "denial", type);
			} else if (ev & UC_EV_REFUSED) {
				o->cnt.uc_refused++;
				oc_log(o, LOG_WARNING,
				       "port 1 (%s): master %s granted %s logInterMessagePeriod %d "
				       "for %u s, asked %d for %u s: refused",
				       o->port.iface, mm->name, type, t->u.uc.logInterMessagePeriod,
				       t->u.uc.durationField,
				       mm->req.cfg.logInterMessagePeriod[uc_msgtype_svc(
					       t->u.uc.messageType)],
				       mm->req.cfg.durationField);
			} else if (ev & UC_EV_DENIED) {
				oc_log(o, LOG_WARNING, "port 1 (%s): master %s denied %s",
				       o->port.iface, mm->name, type);
			} else if (ev & UC_EV_GRANTED) {
				oc_log(o, LOG_DEBUG,
				       "port 1 (%s): master %s granted %s logInterMessagePeriod "
				       "%d for %u s",
				       o->port.iface, mm->name, type, t->u.uc.logInterMessagePeriod,
				       t->u.uc.durationField);
			}
			if (ev & UC_EV_GAVE_UP) {
				oc_log(o, LOG_WARNING,
				       "port 1 (%s): master %s: %s 3 times, waiting %d s",
				       o->port.iface, mm->name,
				       ev & UC_EV_REFUSED ? "refused grants" : "denied",
				       (int)(mm->req.cfg.backoff / NS_PER_SEC));
			}
		} else if (t->tlvType == TLV_CANCEL_UNICAST_TRANSMISSION) {
			struct tlv *a = msg_add_tlv(&ack, TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION);
			struct tlv_unicast body;
			int again = uc_req_cancelled(&mm->req, &t->u.uc, now, &body);
			if (a) {
				a->u.uc = body;
				acks++;
			}
			oc_log(o, LOG_NOTICE, "port 1 (%s): master %s cancelled %s%s", o->port.iface,
			       mm->name, type, again ? ": asking again in a retry interval" : "");
		} else if (t->tlvType == TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION) {
			/* the master acknowledges a CANCEL we did not send: one
			 * forged in our name ended our grant there */
			if (uc_req_acked(&mm->req, &t->u.uc, now)) {
				oc_log(o, LOG_NOTICE,
				       "port 1 (%s): master %s acknowledged a CANCEL of %s we did "
				       "not send: asking again",
				       o->port.iface, mm->name, type);
			}
		}
	}
	if (acks) {
		eng_send_msg(&o->ops, &o->cnt, 0, &ack, &mm->addr, 0);
	} else {
		mm->sig_seq--;
	}
}

void oc_rx(struct oc *o, int event, const struct net_addr *from, const uint8_t *buf, size_t len,
	   tmv_t rx_ts, tmv_t now)
{
	struct master *mm;
	struct ptp_msg m;

	if (eng_receive(&o->ops, &o->cnt, buf, len, o->domain, &o->pid, from, &m)) {
		return;
	}
	switch (m.hdr.messageType) {
	case SYNC:
		if (event) {
			on_sync(o, &m, from, rx_ts, now);
		}
		break;
	case FOLLOW_UP:
		on_follow_up(o, &m, from, now);
		break;
	case DELAY_RESP:
		on_delay_resp(o, &m, from);
		break;
	case ANNOUNCE:
		mm = find_master(o, from);
		if (mm) {
			on_announce(o, mm, &m, now);
		} else {
			o->cnt.rx_unknown_src++;
		}
		break;
	case SIGNALING:
		on_signaling(o, &m, from, now);
		break;
	default:
		break;
	}
}

static void send_delay_req(struct oc *o, tmv_t now)
{
	struct master *mm = &o->m[o->selected];
	int8_t log = mm->req.svc[UC_DELAY_RESP].logInterMessagePeriod;
	tmv_t period = log2_interval_ns(log);
	struct ptp_msg m;
	tmv_t t = 0;
	int id;

	/* OCP 7.12: mean >= 90 % of the granted period, 90 % within +-30 %:
	 * spread uniformly over [0.95, 1.15] of the period */
	o->next_dreq = now + period * 95 / 100 + (tmv_t)(rnd(o) % 1000) * period / 5000;
	msg_init_port(o, &m, DELAY_REQ, o->dreq_seq, 0x7f);
	clk_gettime(o->clock, &t);
	m.body.sync.originTimestamp = tmv_to_ts(t > 0 ? t : 0);
	id = eng_send_msg(&o->ops, &o->cnt, 1, &m, &mm->addr, 1);
	if (id < 0) {
		return;
	}
	e2e_delay_req_sent(&o->e2e, o->dreq_seq);
	if (!mm->dreq_unanswered) {
		mm->dreq_unanswered = now;
	}
	o->dreq_seq++;
	o->dreq_waiting_ts = 1;
	o->dreq_id = id;
	o->dreq_deadline = now + o->tx_ts_timeout;
}

void oc_tx_ts(struct oc *o, int id, tmv_t tx_ts, tmv_t now)
{
	(void)now;
	if (!o->dreq_waiting_ts || id != o->dreq_id) {
		o->cnt.tx_ts_late++;
		return;
	}
	o->dreq_waiting_ts = 0;
	if (tx_ts) {
		if (e2e_delay_req_ts(&o->e2e, o->e2e.dreq_seq, tx_ts)) {
			delay_measured(o);
		}
	} else {
		o->cnt.tx_ts_missing++;
	}
}

static int load_table(struct oc *o, tmv_t now, char *err, size_t errlen)
{
	const struct uc_master_table *t;
	struct uc_requester_cfg rc;
	int id = cfg_int(o->cfg, OPT_unicast_master_table), i;

	/* unicast_master_table unset: the table with table_id 1 */
	t = config_table(o->cfg, id ? id : 1);
	if (!t || t->n == 0) {
		snprintf(err, errlen,
			 "no unicast master table: add a [unicast_master_table] with table_id N "
			 "and addresses, and unicast_master_table N");
		return -EINVAL;
	}
	memset(&rc, 0, sizeof(rc));
	rc.logInterMessagePeriod[UC_ANNOUNCE] = (int8_t)cfg_int(o->cfg, OPT_logAnnounceInterval);
	rc.logInterMessagePeriod[UC_SYNC] = (int8_t)cfg_int(o->cfg, OPT_logSyncInterval);
	rc.logInterMessagePeriod[UC_DELAY_RESP] =
		(int8_t)cfg_int(o->cfg, OPT_logMinDelayReqInterval);
	rc.durationField = (uint32_t)cfg_int(o->cfg, OPT_unicast_req_duration);
	rc.retry = log2_interval_ns(t->logQueryInterval);
	o->udds.maxTableSize = MAX_MASTERS;
	o->udds.logQueryInterval = (int8_t)t->logQueryInterval;
	o->udds.actualTableSize = (uint16_t)t->n;
	rc.backoff = 60 * NS_PER_SEC; /* G.8265.1 6.6 */
	/* G.8265.1 6.6: after three failures Announce waits the 60 s too (the
	 * other masters of the table are asked meanwhile: the "different
	 * master" choice); OCP 7.13.1 keeps discovering */
	rc.announce_backoff = !strcmp(config_profile_name(o->cfg), "g8265.1");
	{
		static const enum opt_id log_opt[UC_NSVC] = {
			[UC_ANNOUNCE] = OPT_logAnnounceInterval,
			[UC_SYNC] = OPT_logSyncInterval,
			[UC_DELAY_RESP] = OPT_logMinDelayReqInterval,
		};
		double lo, hi;
		cfg_range(o->cfg, OPT_unicast_req_duration, &lo, &hi);
		rc.min_duration = (uint32_t)lo;
		rc.max_duration = (uint32_t)hi;
		for (i = 0; i < UC_NSVC; i++) {
			cfg_range(o->cfg, log_opt[i], &lo, &hi);
			rc.max_log[i] = (int8_t)hi;
		}
		rc.exact = cfg_int(o->cfg, OPT_grant_mode) == GRANT_EXACT;
	}
	for (i = 0; i < t->n; i++) {
		struct master *mm = &o->m[o->n_masters];
		if (t->entry[i].transport != o->port.transport) {
			snprintf(err, errlen, "table %d entry %s: %s address with network_transport %s",
				 t->table_id, t->entry[i].addr,
				 t->entry[i].transport == TRANS_UDP_IPV6 ? "UDPv6" : "UDPv4",
				 o->port.transport == TRANS_UDP_IPV6 ? "UDPv6" : "UDPv4");
			return -EINVAL;
		}
		if (o->ops.addr_parse(o->ops.io, t->entry[i].transport, t->entry[i].addr,
				      &mm->addr)) {
			snprintf(err, errlen, "table %d: bad address %s", t->table_id,
				 t->entry[i].addr);
			return -EINVAL;
		}
		snprintf(mm->name, sizeof(mm->name), "%s", t->entry[i].addr);
		mm->c.localPriority = (uint8_t)t->entry[i].localPriority;
		uc_req_init(&mm->req, &rc, now);
		uc_req_want(&mm->req, UC_ANNOUNCE, 1, now);
		o->n_masters++;
	}
	return 0;
}

struct oc *oc_create(const struct config *cfg, const struct eng_port *port,
		     const struct eng_ops *ops, tmv_t now, char *err, size_t errlen)
{
	struct oc *o = calloc(1, sizeof(*o));
	const struct config *c = cfg;
	int log_sync = cfg_int(cfg, OPT_logSyncInterval);

	if (!o) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	o->ops = *ops;
	o->ops.ptp_minor = cfg_int(cfg, OPT_minorVersionPTP);
	o->port = *port;
	o->cfg = cfg;
	o->clock = ops->clk;
	o->pid.clockIdentity = port->clockIdentity;
	o->pid.portNumber = 1;
	o->domain = (uint8_t)cfg_int(c, OPT_domainNumber);
	o->selected = -1;
	o->wtr_at = INT64_MAX;
	o->sync_gap_at = INT64_MAX;
	o->hold_next = INT64_MAX;
	o->free_running = cfg_int(c, OPT_free_running);
	o->announce_timeout = cfg_int(c, OPT_announceReceiptTimeout);
	o->utc_offset_cfg = cfg_int(c, OPT_utc_offset);
	o->sync_timeout = cfg_int(c, OPT_syncReceiptTimeout);
	o->sel.mode = (enum sel_mode)cfg_int(c, OPT_dataset_comparison);
	o->sel.non_revertive = cfg_int(c, OPT_non_revertive);
	o->sel.wait_to_restore = (tmv_t)cfg_int(c, OPT_wait_to_restore) * NS_PER_SEC;
	o->sel.max_clock_class = (uint8_t)cfg_int(c, OPT_max_clock_class);
	o->ptsf_hold = (tmv_t)cfg_int(c, OPT_ptsf_hold_time) * NS_PER_SEC;
	o->tx_ts_timeout = (tmv_t)cfg_int(c, OPT_tx_timestamp_timeout) * 1000000;
	/* xorshift32 state from the identity: reproducible in the simulator,
	 * different per clock on a network */
	o->rng = 0x9e3779b9u ^ ((uint32_t)port->clockIdentity.id[4] << 24 |
				(uint32_t)port->clockIdentity.id[5] << 16 |
				(uint32_t)port->clockIdentity.id[6] << 8 |
				port->clockIdentity.id[7]);
	o->rng |= 1;
	e2e_init(&o->e2e, cfg_int(c, OPT_delay_filter_length), cfg_int(c, OPT_delayAsymmetry));
	if (load_table(o, now, err, errlen)) {
		free(o);
		return NULL;
	}
	o->servo = servo_from_config(cfg, o->clock, 1);
	if (!o->servo) {
		snprintf(err, errlen, "out of memory");
		free(o);
		return NULL;
	}
	servo_sync_interval(o->servo, (double)log2_interval_ns(log_sync) / 1e9);
	o->servo_log = log_sync;
	o->summary_period = log2_interval_ns(cfg_int(c, OPT_summary_interval));
	if (o->summary_period <= log2_interval_ns(log_sync)) {
		o->summary_period = 0; /* one sample per period: the servo line says it all */
	}
	o->next_summary = now + o->summary_period;
	/* defaultDS of a slave-only ordinary clock, 8.2.1 */
	default_ds_from_config(cfg, &o->dds);
	/* it sends no Sync: twoStepFlag as configured, the profile's value
	 * by default (1 as ptp4l's; G.8265.1 Table A.1: FALSE for a slave) */
	o->dds.twoStepFlag = cfg_int(cfg, OPT_twoStepFlag);
	o->dds.slaveOnly = 1;
	o->dds.clockIdentity = port->clockIdentity;
	o->state = PS_INITIALIZING;
	return o;
}

void oc_destroy(struct oc *o)
{
	if (o) {
		servo_destroy(o->servo);
		free(o);
	}
}

tmv_t oc_tick(struct oc *o, tmv_t now)
{
	tmv_t next = INT64_MAX;
	int i;

	if (!o->started) {
		char id[32];
		o->started = 1;
		oc_log(o, LOG_NOTICE,
		       "ptpbox oc on %s, profile %s, clock %s, %s time stamping, clockIdentity %s, "
		       "%d masters",
		       o->port.iface, config_profile_name(o->cfg), o->clock->ops->name,
		       o->port.hw_ts ? "hardware" : "software",
		       clock_id_str(&o->port.clockIdentity, id), o->n_masters);
		set_state(o, PS_LISTENING, "INIT_COMPLETE");
	}
	check_announce_timeouts(o, now);
	check_ptsf(o, now);
	check_flows(o, now);
	if (now >= o->sync_gap_at) {
		hold_frequency(o, now);
	}
	if (now >= o->hold_next) {
		hold_drift(o, now);
	}
	if (now >= o->wtr_at) {
		run_bmca(o, "WAIT_TO_RESTORE", now);
	}
	negotiate(o, now);
	if (o->selected >= 0 && o->e2e.have_sync &&
	    uc_req_granted(&o->m[o->selected].req, UC_DELAY_RESP, now) && now >= o->next_dreq) {
		send_delay_req(o, now);
	}
	if (o->dreq_waiting_ts && now >= o->dreq_deadline) {
		o->dreq_waiting_ts = 0;
		o->cnt.tx_ts_missing++;
		oc_log(o, LOG_ERR, "port 1 (%s): timed out while polling for tx timestamp",
		       o->port.iface);
	}
	if (o->summary_period && now >= o->next_summary) {
		summary(o);
		o->next_summary += o->summary_period;
		if (o->next_summary <= now) {
			/* after a stall: the next one a period from now, not
			 * a burst of empty ones to catch up */
			o->next_summary = now + o->summary_period;
		}
	}

	for (i = 0; i < o->n_masters; i++) {
		next = eng_min(next, uc_req_next(&o->m[i].req));
	}
	next = eng_min(next, announce_deadline(o));
	next = eng_min(next, ptsf_deadline(o));
	next = eng_min(next, flows_deadline(o, now));
	next = eng_min(next, o->sync_gap_at);
	next = eng_min(next, o->hold_next);
	if (o->selected >= 0 && uc_req_granted(&o->m[o->selected].req, UC_DELAY_RESP, now) &&
	    o->e2e.have_sync) {
		next = eng_min(next, o->next_dreq);
	}
	if (o->dreq_waiting_ts) {
		next = eng_min(next, o->dreq_deadline);
	}
	if (o->summary_period) {
		next = eng_min(next, o->next_summary);
	}
	return next;
}

void oc_stop(struct oc *o, tmv_t now)
{
	int i, s;

	for (i = 0; i < o->n_masters; i++) {
		for (s = 0; s < UC_NSVC; s++) {
			uc_req_want(&o->m[i].req, s, 0, now);
		}
	}
	negotiate(o, now);
}

void oc_log_counters(struct oc *o)
{
	oc_log(o, LOG_INFO,
	       "port 1 (%s): counters: bad %llu other_domain %llu unknown_source %llu tx_err "
	       "%llu tx_ts_missing %llu rx_ts_missing %llu unexpected_grant %llu "
	       "refused_grant %llu wrong_sender %llu utc_offset_held %llu",
	       o->port.iface, (unsigned long long)o->cnt.rx_bad,
	       (unsigned long long)o->cnt.rx_other_domain, (unsigned long long)o->cnt.rx_unknown_src,
	       (unsigned long long)o->cnt.tx_err, (unsigned long long)o->cnt.tx_ts_missing,
	       (unsigned long long)o->cnt.rx_ts_missing, (unsigned long long)o->cnt.uc_unexpected, (unsigned long long)o->cnt.uc_refused,
	       (unsigned long long)o->cnt.uc_wrong_sender,
	       (unsigned long long)o->cnt.utc_offset_held);
}

/* Management GET (1588-2019 15.5.3) from the oc's data sets; a slave-only
 * clock with no master yet is its own parent (8.2.3.2). */
int oc_mgmt_get(struct oc *o, struct mgmt_value *v, tmv_t now)
{
	int i;

	switch (v->id) {
	case MID_DEFAULT_DATA_SET:
		v->u.dds = o->dds;
		return 0;
	case MID_CURRENT_DATA_SET:
		v->u.cds = o->cds;
		return 0;
	case MID_PARENT_DATA_SET:
		if (o->selected < 0) {
			parent_ds_self(&o->dds, &v->u.pds);
		} else {
			v->u.pds = o->pds;
		}
		return 0;
	case MID_TIME_PROPERTIES_DATA_SET:
		v->u.tpds = o->tpds;
		return 0;
	case MID_PORT_DATA_SET:
		port_ds_from_config(o->cfg, &o->pid, o->state, (uint8_t)o->announce_timeout,
				    &v->u.port);
		return 0;
	case MID_PRIORITY1:
		v->u.u8 = o->dds.priority1;
		return 0;
	case MID_PRIORITY2:
		v->u.u8 = o->dds.priority2;
		return 0;
	case MID_SLAVE_ONLY:
		/* 1588-2019 15.5.3.3.4: SO is bit 0; linuxptp puts it in bit 1
		 * (its defaultDS flag) and reads bit 1: set both */
		v->u.u8 = 0x03;
		return 0;
	case MID_UNICAST_NEGOTIATION_ENABLE:
		v->u.u8 = 1;
		return 0;
	case MID_UNICAST_MASTER_TABLE: /* 17.5.3 unicastDiscoveryPortDS */
		v->u.umt.logQueryInterval = o->udds.logQueryInterval;
		v->u.umt.actualTableSize = (uint16_t)o->n_masters;
		for (i = 0; i < o->n_masters; i++) {
			mgmt_port_address(&o->m[i].addr, &v->u.umt.addr[i]);
		}
		return 0;
	case MID_UNICAST_MASTER_MAX_TABLE_SIZE:
		v->u.u16 = o->udds.maxTableSize;
		return 0;
	case MID_UNICAST_MASTER_TABLE_NP:
		v->u.umtnp.actualTableSize = (uint16_t)o->n_masters;
		for (i = 0; i < o->n_masters; i++) {
			const struct master *mm = &o->m[i];
			struct unicast_master_entry *e = &v->u.umtnp.entry[i];
			if (mm->have_announce) {
				e->portIdentity = mm->c.ds.sender;
				e->clockQuality = mm->c.ds.quality;
				e->priority1 = mm->c.ds.priority1;
				e->priority2 = mm->c.ds.priority2;
			}
			e->selected = i == o->selected;
			e->unicastState = !mm->have_announce ? UCS_WAIT
					  : i != o->selected ? UCS_HAVE_ANN
					  : uc_req_granted(&mm->req, UC_SYNC, now) &&
							  uc_req_granted(&mm->req, UC_DELAY_RESP, now)
						  ? UCS_HAVE_SYDY
						  : UCS_NEED_SYDY;
			mgmt_port_address(&mm->addr, &e->address);
		}
		return 0;
	case MID_UNICAST_MASTER_LOCKOUT_NP:
		for (i = 0; i < o->n_masters; i++) {
			if (o->m[i].c.locked_out) {
				mgmt_port_address(&o->m[i].addr,
						&v->u.lockout.addr[v->u.lockout.count++]);
			}
		}
		return 0;
	case MID_TIME_STATUS_NP:
		v->u.tsn.master_offset = o->cds.offsetFromMaster;
		v->u.tsn.ingress_time = o->e2e.t2;
		v->u.tsn.gmPresent = o->selected >= 0 &&
				     (o->state == PS_SLAVE || o->state == PS_UNCALIBRATED);
		v->u.tsn.gmIdentity = o->selected >= 0 ? o->pds.grandmasterIdentity
						       : o->dds.clockIdentity;
		return 0;
	case MID_SERVO_STATE_NP:
		oc_servo_state(o, &v->u.servo);
		return 0;
	}
	return -MERR_NOT_SUPPORTED;
}

/* Management SET: priority1/2 (kept in defaultDS; a slave-only clock does
 * not announce them) within the profile's ranges, and the G.8265.1 6.8.1
 * lock-out list, which takes effect at once. */
int oc_mgmt_set(struct oc *o, const struct mgmt_value *v, int remote, tmv_t now)
{
	if (v->id == MID_PRIORITY1 || v->id == MID_PRIORITY2) {
		return eng_set_priority(&o->ops, o->cfg, v, v->id == MID_PRIORITY1 ? &o->dds.priority1
								 : &o->dds.priority2);
	}
	if (v->id == MID_UNICAST_MASTER_LOCKOUT_NP) {
		struct net_addr locked[MAX_MASTERS];
		int i, k, n = 0;
		for (k = 0; k < v->u.lockout.count; k++) {
			struct port_address pa;
			for (i = 0; i < o->n_masters; i++) {
				mgmt_port_address(&o->m[i].addr, &pa);
				if (pa.networkProtocol == v->u.lockout.addr[k].networkProtocol &&
				    pa.addressLength == v->u.lockout.addr[k].addressLength &&
				    !memcmp(pa.address, v->u.lockout.addr[k].address,
					    pa.addressLength)) {
					if (n < MAX_MASTERS) {
						locked[n++] = o->m[i].addr;
					}
					break;
				}
			}
			if (i == o->n_masters) {
				char a[64];
				oc_log(o, LOG_WARNING,
				       "management: lock-out of %s refused: not in the unicast "
				       "master table",
				       port_address_str(&v->u.lockout.addr[k], a, sizeof(a)));
				return -MERR_WRONG_VALUE;
			}
		}
		oc_lockout(o, locked, n, remote ? "management, remote" : "management", now);
		return 0;
	}
	return -MERR_NOT_SUPPORTED;
}

const struct eng_counters *oc_counters(const struct oc *o)
{
	return &o->cnt;
}

const struct time_properties_ds *oc_time_properties(const struct oc *o)
{
	return &o->tpds;
}

int oc_selected(const struct oc *o)
{
	return o->selected;
}

void oc_status(const struct oc *o, tmv_t now, struct oc_status *s)
{
	int i, k;

	memset(s, 0, sizeof(*s));
	s->state = o->state;
	s->servo_state = o->servo_state;
	s->gm_present = o->selected >= 0;
	s->samples = o->samples;
	s->offset = o->cds.offsetFromMaster;
	s->path_delay = o->cds.meanPathDelay;
	s->freq_ppb = o->clock->freq_ppb;
	s->gm_clock_class = o->selected >= 0 ? o->pds.grandmasterClockQuality.clockClass
					      : o->dds.clockQuality.clockClass;
	s->steps_removed = o->selected >= 0 ? o->cds.stepsRemoved : 0;
	for (i = 0; i < o->n_masters; i++) {
		s->masters += o->m[i].have_announce;
		for (k = 0; k < UC_NSVC; k++) {
			s->grants += uc_req_granted(&o->m[i].req, k, now);
		}
	}
}
