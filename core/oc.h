/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The slave-only ordinary clock engine, one port (1588-2019; OCP 7.13/7.14;
 * G.8265.1 6.6-6.8): it asks every master of its unicast master table for
 * Announce (unicast discovery, 17.4; negotiation, 16.1), qualifies them
 * (9.3.2.5), selects one (9.3.4 default BMCA, G.8275.x alternate or the
 * G.8265.1 QL/priority selection with PTSF, lock-out, wait-to-restore and
 * non-revertive, core/select.h), asks it for Sync and Delay_Resp, measures
 * offsetFromMaster and meanPathDelay (11.3, core/e2e.h) and steers its clock
 * through a servo; with no usable master it holds the servo's frequency
 * estimate (holdover).  No I/O: see core/engine.h for the calls and time
 * bases.
 */
#ifndef PTPBOX_OC_H
#define PTPBOX_OC_H

#include "config.h"
#include "ds.h"
#include "engine.h"
#include "mgmt.h"

struct oc;

/*
 * A slave clock from the configuration (unicast_master_table, intervals,
 * dataset_comparison, servo keys, ...) on port, doing its I/O through ops
 * (copied; ops->clk must outlive the engine).  now: monotonic ns.  NULL with
 * a message in err (errlen octets) on a configuration error or out of
 * memory.  The engine starts LISTENING and asks for Announce at its first
 * oc_tick().
 */
struct oc *oc_create(const struct config *cfg, const struct eng_port *port,
		     const struct eng_ops *ops, tmv_t now, char *err, size_t errlen);
void oc_destroy(struct oc *o);

/* A datagram of len octets from `from` on the event (event != 0) or general
 * port; rx_ts: its receive timestamp in the clock's time scale, ns (0 =
 * none).  Malformed, other-domain and unknown-source messages are counted
 * and dropped. */
void oc_rx(struct oc *o, int event, const struct net_addr *from, const uint8_t *buf, size_t len,
	   tmv_t rx_ts, tmv_t now);

/* Transmit timestamp (clock time scale, ns; 0 = the kernel had none) of the
 * message send() returned id for. */
void oc_tx_ts(struct oc *o, int id, tmv_t tx_ts, tmv_t now);

/* Run what is due at now; returns the next deadline (monotonic ns, never
 * before now + 1 unless something is due). */
tmv_t oc_tick(struct oc *o, tmv_t now);

/* Cancel every grant held (16.1.4.3), e.g. at shutdown. */
void oc_stop(struct oc *o, tmv_t now);

/* G.8265.1 6.8.1 lock-out: the n addresses given are locked out, every
 * other table entry is not (how: for the log line).  Addresses not in the
 * table are ignored (returns how many were). */
int oc_lockout(struct oc *o, const struct net_addr *addrs, int n, const char *how, tmv_t now);

/* Management GET / SET (1588-2019 15.5.3) on the engine's data sets:
 * 0, -MERR_* for an answer with an error status, or -MERR_NOT_SUPPORTED
 * for ids the adapter answers (clock description, counters, ...). */
int oc_mgmt_get(struct oc *o, struct mgmt_value *v, tmv_t now);
int oc_mgmt_set(struct oc *o, const struct mgmt_value *v, int remote, tmv_t now);

/* Print the counters line (at exit). */
void oc_log_counters(struct oc *o);

/* Read-only views for adapters, tests and the simulator. */
const struct eng_counters *oc_counters(const struct oc *o);
/* timePropertiesDS (8.2.4): the selected master's, or the clock's own
 * with none. */
const struct time_properties_ds *oc_time_properties(const struct oc *o);
/* Index in the unicast master table of the master followed, -1: none. */
int oc_selected(const struct oc *o);

/* What the clock is doing, for --wait-sync and metrics_file. */
struct oc_status {
	enum port_state state; /* portDS.portState */
	int servo_state;       /* of the last offset: 0 collecting, 1 stepped, 2 locked,
				* 3 locked stable (the s0..s3 of the servo lines) */
	int gm_present;	       /* a master is selected */
	uint64_t samples;      /* offsets measured so far (one per servo line) */
	tmv_t offset;	       /* offsetFromMaster of the last one, ns; positive: the
				* local clock is ahead (currentDS, 8.2.2.3) */
	tmv_t path_delay;      /* meanPathDelay, ns (8.2.2.4) */
	double freq_ppb;       /* frequency adjustment in force, ppb; positive: the
				* clock is made to run faster */
	int gm_clock_class;    /* parentDS grandmasterClockQuality.clockClass (own
				* class, 255, with no master) */
	int steps_removed;     /* currentDS.stepsRemoved */
	int grants;	       /* unicast grants held, every master and service */
	int masters;	       /* table entries heard from (an Announce) */
};
void oc_status(const struct oc *o, tmv_t now, struct oc_status *s);

/* What the servo believes, as SERVO_STATE_NP (core/mgmt.h: each field x
 * 2^16; zeros but for the envelope servo).  Apart from oc_status(), which
 * runs per datagram: this costs a little more. */
void oc_servo_state(const struct oc *o, struct servo_state_np *p);

#endif
