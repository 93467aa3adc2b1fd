/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Metrics of gm, oc and tc in the Prometheus text exposition format
 * (version 0.0.4; what node_exporter's textfile collector reads):
 *
 *   # HELP ptpbox_oc_offset_ns offsetFromMaster ...
 *   # TYPE ptpbox_oc_offset_ns gauge
 *   ptpbox_oc_offset_ns{iface="eth0"} -23
 *
 * Formatting only, into a caller's buffer; the applet writes the file
 * (metrics_file, atomically).  Names follow Prometheus conventions with
 * the unit in the name: _ns for nanoseconds (the unit of offsetFromMaster
 * and meanPathDelay: no rounding, no float seconds), _ppb, _total for
 * counters.  Every sample carries iface="IFACE" (the applet's interface;
 * for tc the port's), so that the files of several instances
 * can be collected together.
 */
#ifndef PTPBOX_METRICS_H
#define PTPBOX_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "gm.h"
#include "oc.h"
#include "sysync.h"
#include "tc.h"

struct metrics_out {
	char *buf;
	size_t cap, len; /* len: what the text needs; > cap - 1 when truncated */
	char iface[96];	 /* the label value, escaped */
};

/* Start a text in buf (cap octets) whose samples carry iface="iface". */
void metrics_init(struct metrics_out *m, char *buf, size_t cap, const char *iface);
/* The iface label of the samples from now on. */
void metrics_set_iface(struct metrics_out *m, const char *iface);
/* "# HELP name help" and "# TYPE name type" (type: gauge or counter). */
void metrics_head(struct metrics_out *m, const char *name, const char *type, const char *help);
/* A sample "name{iface="...",label} value"; label: more labels, e.g.
 * type="sync", or NULL.  metrics_u64 prints an integer exactly. */
void metrics_val(struct metrics_out *m, const char *name, const char *label, double v);
void metrics_u64(struct metrics_out *m, const char *name, const char *label, uint64_t v);
/* A gauge or counter with one sample: head and value. */
void metrics_one(struct metrics_out *m, const char *name, const char *type, const char *help,
		 double v);

/* What both clocks count (struct eng_counters): messages received and
 * sent per messageType (label type="sync", ...), malformed datagrams,
 * other domain, unknown source, send errors, missing and late transmit
 * stamps, and the negotiation refusals of role ("oc": unexpected,
 * refused, wrong_sender; "gm": acl, budget, full, cancel_ignored,
 * identity).  Names ptpbox_ROLE_... */
void metrics_counters(struct metrics_out *m, const char *role, const struct eng_counters *c);

/* The metrics of an oc (ptpbox_oc_...) and of a gm (ptpbox_gm_...): their
 * status (oc_status(), gm_status(); units there) and counters; for the oc
 * also what its servo believes, sv (oc_servo_state(); the gauges
 * ptpbox_oc_servo_NAME, mgmt_servo_names[], in the units of mgmt.h, only
 * when sv is not NULL and its window is not 0: the envelope servo). */
void metrics_oc(struct metrics_out *m, const struct oc_status *s, const struct servo_state_np *sv,
		const struct eng_counters *c);
void metrics_gm(struct metrics_out *m, const struct gm_status *s, const struct eng_counters *c);
/* The system clock kept on the PHC (sys_sync) of an oc or gm (role):
 * ptpbox_ROLE_sys_offset_ns (system clock minus the PHC's UTC, ns),
 * _sys_frequency_adjustment_ppb, _sys_servo_state of the last measurement
 * r (none before the first, r NULL), and the counters measurements and
 * errors (failed readings). */
void metrics_sys(struct metrics_out *m, const char *role, const struct sysync_result *r,
		 uint64_t measurements, uint64_t errors);
/* The metrics of a tc's n ports (ptpbox_tc_...), port p named names[p]
 * (its iface label) with counters *st[p]. */
void metrics_tc(struct metrics_out *m, int n, const char *const *names,
		const struct tc_port_stats *const *st);
/* A tc's syntonization (tc_rate_ratio), without an iface label:
 * ptpbox_tc_rate_ratio_ppb (the grandmaster's rate over the tc's clock - 1,
 * ppb; only when syntonized), ptpbox_tc_rate_measurements_total and
 * ptpbox_tc_rate_discarded_total (beyond TC_RATE_MAX_PPB). */
void metrics_tc_rate(struct metrics_out *m, int syntonized, double ppb, uint64_t n,
		     uint64_t discarded);

#endif
