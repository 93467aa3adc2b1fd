/* SPDX-License-Identifier: BSD-2-Clause */
/* Prometheus text exposition format; see metrics.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"

static void put(struct metrics_out *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct metrics_out *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(m->len < m->cap ? m->buf + m->len : NULL,
		      m->len < m->cap ? m->cap - m->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		m->len += (size_t)n;
	}
}

void metrics_init(struct metrics_out *m, char *buf, size_t cap, const char *iface)
{
	m->buf = buf;
	m->cap = cap;
	m->len = 0;
	if (cap) {
		buf[0] = 0;
	}
	metrics_set_iface(m, iface);
}

void metrics_set_iface(struct metrics_out *m, const char *iface)
{
	size_t o = 0;

	/* a label value escapes \, " and newline (exposition format) */
	for (; iface && *iface && o + 3 < sizeof(m->iface); iface++) {
		if (*iface == '\\' || *iface == '"' || *iface == '\n') {
			m->iface[o++] = '\\';
		}
		m->iface[o++] = *iface == '\n' ? 'n' : *iface;
	}
	m->iface[o] = 0;
}

void metrics_head(struct metrics_out *m, const char *name, const char *type, const char *help)
{
	put(m, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void labels(struct metrics_out *m, const char *name, const char *label)
{
	put(m, "%s{iface=\"%s\"%s%s}", name, m->iface, label ? "," : "", label ? label : "");
}

void metrics_val(struct metrics_out *m, const char *name, const char *label, double v)
{
	labels(m, name, label);
	put(m, " %.12g\n", v);
}

void metrics_u64(struct metrics_out *m, const char *name, const char *label, uint64_t v)
{
	labels(m, name, label);
	put(m, " %llu\n", (unsigned long long)v);
}

void metrics_one(struct metrics_out *m, const char *name, const char *type, const char *help,
		 double v)
{
	metrics_head(m, name, type, help);
	metrics_val(m, name, NULL, v);
}

/* the messages of an E2E clock, by messageType */
static const struct {
	int type;
	const char *label;
} msg_types[] = {
	{ SYNC, "type=\"sync\"" },		 { DELAY_REQ, "type=\"delay_req\"" },
	{ FOLLOW_UP, "type=\"follow_up\"" },	 { DELAY_RESP, "type=\"delay_resp\"" },
	{ ANNOUNCE, "type=\"announce\"" },	 { SIGNALING, "type=\"signaling\"" },
	{ MANAGEMENT, "type=\"management\"" },
};

#define CNT(f) offsetof(struct eng_counters, f)
static const struct {
	char role; /* 0: both, 'o': oc, 'g': gm */
	const char *name, *help;
	size_t off;
} counters[] = {
	{ 0, "rx_malformed_total", "Datagrams dropped as malformed.", CNT(rx_bad) },
	{ 0, "rx_other_domain_total", "Messages of another domainNumber or sdoId, dropped.",
	  CNT(rx_other_domain) },
	{ 0, "rx_unknown_source_total", "Messages from no master or client known, dropped.",
	  CNT(rx_unknown_src) },
	{ 0, "tx_errors_total", "Sends that failed.", CNT(tx_err) },
	{ 0, "tx_timestamps_missing_total", "Transmit timestamps that never came.",
	  CNT(tx_ts_missing) },
	{ 0, "tx_timestamps_late_total", "Transmit timestamps that came after their deadline.",
	  CNT(tx_ts_late) },
	{ 'o', "rx_timestamps_missing_total",
	  "Syncs of the master without a receive timestamp, dropped.", CNT(rx_ts_missing) },
	{ 'o', "grants_unexpected_total",
	  "GRANT or denial with no request out, or Signaling for another port, ignored.",
	  CNT(uc_unexpected) },
	{ 'o', "grants_refused_total", "Grants other than asked, refused.", CNT(uc_refused) },
	{ 'o', "signaling_wrong_sender_total",
	  "Signaling or Announce from a master's address with another portIdentity, ignored.",
	  CNT(uc_wrong_sender) },
	{ 'o', "utc_offset_held_total",
	  "Announces whose currentUtcOffset change was held (outside a leap second).",
	  CNT(utc_offset_held) },
	{ 'g', "requests_acl_total", "Signaling from outside unicast_acl, unanswered.", CNT(uc_acl) },
	{ 'g', "denied_budget_total", "Requests denied: max_tx_rate_pps or max_client_pps.",
	  CNT(uc_budget) },
	{ 'g', "delay_req_excess_total",
	  "Delay_Req over the client's granted rate (OCP 7.12), unanswered.", CNT(dreq_excess) },
	{ 'g', "denied_full_total", "Requests denied: unicast_max_clients reached.", CNT(uc_full) },
	{ 'g', "cancels_ignored_total", "CANCEL not from the grant's holder, ignored.",
	  CNT(uc_cancel_ignored) },
	{ 'g', "denied_identity_total",
	  "Requests denied: the address holds grants of another portIdentity.", CNT(uc_identity) },
	{ 0, "auth_missing_total", "Messages without an AUTHENTICATION TLV, dropped.",
	  CNT(auth_missing) },
	{ 0, "auth_bad_icv_total", "Messages whose ICV or AUTHENTICATION TLV is wrong, dropped.",
	  CNT(auth_bad_icv) },
	{ 0, "auth_unknown_key_total", "Messages signed with a key not in the SA, dropped.",
	  CNT(auth_unknown_key) },
	{ 0, "auth_replay_total", "Authenticated messages with a replayed sequenceId, dropped.",
	  CNT(auth_replay) },
};

void metrics_counters(struct metrics_out *m, const char *role, const struct eng_counters *c)
{
	char name[64];
	size_t i;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		snprintf(name, sizeof(name), "ptpbox_%s_%s_messages_total", role, dir ? "tx" : "rx");
		metrics_head(m, name, "counter",
			     dir ? "PTP messages sent, by messageType." : "PTP messages received, by messageType.");
		for (i = 0; i < sizeof(msg_types) / sizeof(msg_types[0]); i++) {
			metrics_u64(m, name, msg_types[i].label,
				    (dir ? c->tx_msg : c->rx_msg)[msg_types[i].type]);
		}
	}
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		if (counters[i].role && counters[i].role != role[0]) {
			continue;
		}
		snprintf(name, sizeof(name), "ptpbox_%s_%s", role, counters[i].name);
		metrics_head(m, name, "counter", counters[i].help);
		metrics_u64(m, name, NULL,
			    *(const uint64_t *)(const void *)((const char *)c + counters[i].off));
	}
}

void metrics_oc(struct metrics_out *m, const struct oc_status *s, const struct servo_state_np *sv,
		const struct eng_counters *c)
{
	static const struct {
		const char *name, *help;
	} tab[] = {
		{ "offset_ns", "offsetFromMaster (currentDS) of the last measurement: local clock "
			       "minus master, ns." },
		{ "mean_path_delay_ns", "meanPathDelay (currentDS), ns." },
		{ "frequency_adjustment_ppb", "Frequency adjustment of the clock, ppb; positive: "
					      "faster." },
		{ "servo_state", "Servo state of the last offset: 0 collecting, 1 stepped, 2 "
				 "locked, 3 locked stable." },
		{ "port_state", "portState (IEEE 1588-2019 Table 20: 4 LISTENING, 8 UNCALIBRATED, "
				"9 SLAVE), also as the label state." },
		{ "gm_present", "1 while a master is selected." },
		{ "master_clock_class", "clockClass of the grandmaster (parentDS; own class with "
					"no master)." },
		{ "steps_removed", "stepsRemoved (currentDS)." },
		{ "grants", "Unicast grants held, every master and service." },
		{ "masters_heard", "Unicast master table entries an Announce came from." },
	};
	double v[sizeof(tab) / sizeof(tab[0])];
	char name[64], label[40];
	size_t i;

	v[0] = (double)s->offset;
	v[1] = (double)s->path_delay;
	v[2] = s->freq_ppb;
	v[3] = s->servo_state;
	v[4] = s->state;
	v[5] = s->gm_present;
	v[6] = s->gm_clock_class;
	v[7] = s->steps_removed;
	v[8] = s->grants;
	v[9] = s->masters;
	snprintf(label, sizeof(label), "state=\"%s\"", port_state_str(s->state));
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(name, sizeof(name), "ptpbox_oc_%s", tab[i].name);
		metrics_head(m, name, "gauge", tab[i].help);
		metrics_val(m, name, i == 4 ? label : NULL, v[i]);
	}
	for (i = 0; sv && i < MGMT_SERVO_FIELDS && sv->v[SVS_WINDOW] > 0; i++) {
		snprintf(name, sizeof(name), "ptpbox_oc_servo_%s", mgmt_servo_names[i]);
		metrics_one(m, name, "gauge",
			    "Envelope servo: SERVO_STATE_NP in ptpbox-pmc(8).",
			    (double)sv->v[i] / 65536);
	}
	metrics_head(m, "ptpbox_oc_offsets_total", "counter", "Offsets measured (servo samples).");
	metrics_u64(m, "ptpbox_oc_offsets_total", NULL, s->samples);
	metrics_counters(m, "oc", c);
}

void metrics_sys(struct metrics_out *m, const char *role, const struct sysync_result *r,
		 uint64_t measurements, uint64_t errors)
{
	char name[64];

	if (r) {
		snprintf(name, sizeof(name), "ptpbox_%s_sys_offset_ns", role);
		metrics_one(m, name, "gauge",
			    "System clock minus the PHC's UTC (sys_sync), last measurement, ns.",
			    (double)r->offset_ns);
		snprintf(name, sizeof(name), "ptpbox_%s_sys_frequency_adjustment_ppb", role);
		metrics_one(m, name, "gauge", "Frequency adjustment of the system clock, ppb.",
			    r->freq_ppb);
		snprintf(name, sizeof(name), "ptpbox_%s_sys_servo_state", role);
		metrics_one(m, name, "gauge",
			    "System clock servo state: 0 collecting, 1 stepped, 2 locked.", r->state);
	}
	snprintf(name, sizeof(name), "ptpbox_%s_sys_measurements_total", role);
	metrics_head(m, name, "counter", "Measurements of the system clock against the PHC.");
	metrics_u64(m, name, NULL, measurements);
	snprintf(name, sizeof(name), "ptpbox_%s_sys_measurement_errors_total", role);
	metrics_head(m, name, "counter", "Readings of the PHC against the system clock that failed.");
	metrics_u64(m, name, NULL, errors);
}

void metrics_gm(struct metrics_out *m, const struct gm_status *s, const struct eng_counters *c)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} neg[] = {
		{ "ptpbox_gm_requests_total", "REQUEST_UNICAST_TRANSMISSION TLVs received.",
		  offsetof(struct gm_status, requests) },
		{ "ptpbox_gm_grants_total", "Requests granted (new grants and renewals).",
		  offsetof(struct gm_status, granted) },
		{ "ptpbox_gm_denials_total", "Requests denied, every reason.",
		  offsetof(struct gm_status, denied) },
		{ "ptpbox_gm_grants_expired_total", "Grants that ran out without a renewal.",
		  offsetof(struct gm_status, expired) },
		{ "ptpbox_gm_cancels_total", "CANCEL_UNICAST_TRANSMISSION TLVs received.",
		  offsetof(struct gm_status, cancels) },
	};
	size_t i;

	metrics_one(m, "ptpbox_gm_clock_class", "gauge", "clockClass announced (defaultDS).",
		    s->clock_class);
	metrics_one(m, "ptpbox_gm_source_state", "gauge",
		    "Time source: 0 locked, 1 holdover, 2 free run, 3 forced class.", s->source);
	metrics_one(m, "ptpbox_gm_clients", "gauge", "Clients holding a grant.", s->clients);
	metrics_one(m, "ptpbox_gm_committed_packets_per_second", "gauge",
		    "Messages a second the grants held commit the gm to.", s->committed_pps);
	for (i = 0; i < sizeof(neg) / sizeof(neg[0]); i++) {
		metrics_head(m, neg[i].name, "counter", neg[i].help);
		metrics_u64(m, neg[i].name, NULL,
			    *(const uint64_t *)(const void *)((const char *)s + neg[i].off));
	}
	metrics_counters(m, "gm", c);
}

void metrics_tc(struct metrics_out *m, int n, const char *const *names,
		const struct tc_port_stats *const *st)
{
#define TCS(f) offsetof(struct tc_port_stats, f)
	static const struct {
		const char *name, *help;
		size_t off;
		char dbl; /* 0: uint64_t counter, 'c': double counter, 'g': double gauge */
	} tab[] = {
		{ "rx_frames_total", "PTP frames received on the port.", TCS(rx_frames), 0 },
		{ "tx_frames_total", "PTP frames sent out of the port.", TCS(tx_frames), 0 },
		{ "corrected_total", "Frames out of the port whose correctionField the tc changed.",
		  TCS(corrected), 0 },
		{ "rx_malformed_total", "Frames on PTP ports not parsable as PTP, forwarded as they were.",
		  TCS(rx_bad), 0 },
		{ "tx_errors_total", "Sends that failed.", TCS(tx_err), 0 },
		{ "tx_timestamps_missing_total", "Transmit timestamps that never came.",
		  TCS(tx_ts_missing), 0 },
		{ "dropped_unmatched_total", "Follow_Up or Delay_Resp without its event message, dropped.",
		  TCS(dropped_unmatched), 0 },
		{ "dropped_late_total", "Follow_Up or Delay_Resp held too long, dropped.",
		  TCS(dropped_late), 0 },
		{ "residence_invalid_total", "Residence times outside 0..100 ms: message dropped.",
		  TCS(res_invalid), 0 },
		{ "auth_dropped_total", "With an SA: PTP without a valid AUTHENTICATION TLV, dropped.",
		  TCS(auth_dropped), 0 },
		{ "residences_total", "Event messages out of the port with a residence time.",
		  TCS(res_n), 0 },
		{ "residence_time_ns_total", "Sum of their residence times, ns (mean: its rate / "
					     "the rate of residences_total).",
		  TCS(res_sum), 'c' },
		{ "residence_max_ns", "Largest residence time since start, ns.", TCS(res_max), 'g' },
		{ "writeaheads_total", "One-step: write-ahead errors measured.", TCS(wa_n), 0 },
		{ "writeahead_error_ns_total", "Sum of write-ahead errors (transmit timestamp - time "
					       "written), ns.",
		  TCS(wa_sum), 'c' },
		{ "writeahead_max_ns", "Largest write-ahead error since start, ns.", TCS(wa_max), 'g' },
	};
	char name[64];
	size_t i, k;
	int p, dir;

	for (dir = 0; dir < 2; dir++) {
		snprintf(name, sizeof(name), "ptpbox_tc_%s_messages_total", dir ? "tx" : "rx");
		metrics_head(m, name, "counter", "PTP messages of the port, by messageType.");
		for (p = 0; p < n; p++) {
			metrics_set_iface(m, names[p]);
			for (k = 0; k < sizeof(msg_types) / sizeof(msg_types[0]); k++) {
				metrics_u64(m, name, msg_types[k].label,
					    (dir ? st[p]->tx_msg : st[p]->rx_msg)[msg_types[k].type]);
			}
		}
	}
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(name, sizeof(name), "ptpbox_tc_%s", tab[i].name);
		metrics_head(m, name, tab[i].dbl == 'g' ? "gauge" : "counter", tab[i].help);
		for (p = 0; p < n; p++) {
			const char *f = (const char *)st[p] + tab[i].off;
			metrics_set_iface(m, names[p]);
			if (tab[i].dbl) {
				metrics_val(m, name, NULL, *(const double *)(const void *)f);
			} else {
				metrics_u64(m, name, NULL, *(const uint64_t *)(const void *)f);
			}
		}
	}
}

void metrics_tc_rate(struct metrics_out *m, int syntonized, double ppb, uint64_t n,
		     uint64_t discarded)
{
	metrics_set_iface(m, "");
	if (syntonized) {
		metrics_one(m, "ptpbox_tc_rate_ratio_ppb", "gauge",
			    "Grandmaster's rate over the tc's clock - 1 (residences are scaled by "
			    "it), ppb.",
			    ppb);
	}
	metrics_head(m, "ptpbox_tc_rate_measurements_total", "counter",
		     "Rate ratio measurements from the Syncs forwarded.");
	metrics_u64(m, "ptpbox_tc_rate_measurements_total", NULL, n);
	metrics_head(m, "ptpbox_tc_rate_discarded_total", "counter",
		     "Rate ratio measurements discarded (beyond 200 ppm: a clock stepped).");
	metrics_u64(m, "ptpbox_tc_rate_discarded_total", NULL, discarded);
}
