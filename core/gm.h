/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The grandmaster engine: a master-only ordinary clock with one port that
 * serves unicast clients by negotiation (1588-2019 16.1; OCP 7.13;
 * G.8265.1 Annex A).
 *   - Signaling REQUEST -> GRANT per the profile's ranges (core/unicast.h)
 *   - Announce and Sync to every client at its granted interval
 *   - two-step: Follow_Up carries the Sync's transmit timestamp; one-step
 *     (hardware): the port writes originTimestamp at transmission
 *   - Delay_Resp to every Delay_Req from a client holding a Delay_Resp grant
 *   - clockClass from the time source: locked, holdover for holdover_time,
 *     then free-run (OCP 7.14 Table 2, G.8265.1 6.8.4), or forced; with
 *     time_source tod the engine pairs PPS edges with G.8271 Annex A time
 *     events and steers its clock through a PI servo.
 * No I/O: see core/engine.h for the calls and time bases.
 */
#ifndef PTPBOX_GM_H
#define PTPBOX_GM_H

#include "config.h"
#include "ds.h"
#include "engine.h"
#include "mgmt.h"
#include "tod.h"

struct gm;

/* __attribute__((cold)) below: what runs once or once a second (creation, the time source, management, the summary),
 * optimised for size inside a file the static build compiles -O2 for its
 * per-message path (Makefile: HOT). */
/* A grandmaster from the configuration on port, I/O through ops (copied).
 * NULL with a message in err on a configuration error or out of memory. */
__attribute__((cold)) struct gm *gm_create(const struct config *cfg, const struct eng_port *port,
		     const struct eng_ops *ops, tmv_t now, char *err, size_t errlen);
void gm_destroy(struct gm *g);

/* A datagram from `from`; rx_ts its receive timestamp (clock time scale,
 * ns; 0 = none). */
void gm_rx(struct gm *g, int event, const struct net_addr *from, const uint8_t *buf, size_t len,
	   tmv_t rx_ts, tmv_t now);

/* Transmit timestamp (clock time scale, ns; 0 = none) of message id: a
 * two-step Sync gets its Follow_Up now. */
void gm_tx_ts(struct gm *g, int id, tmv_t tx_ts, tmv_t now);

/* Send what is due at now (at most `budget` messages a call is not a
 * limit: everything due is sent); returns the next deadline, monotonic ns. */
tmv_t gm_tick(struct gm *g, tmv_t now);

/* Shut down (OCP 7.13.2): CANCEL every grant (1588-2019 16.1.4.3) and
 * keep serving each until its holder sends ACKNOWLEDGE_CANCEL or it was
 * cancelled 3 times, 0.5 s apart (gm_tick sends the rounds); every new
 * REQUEST is denied.  gm_stopped() is 1 once nothing is served. */
void gm_stop(struct gm *g, tmv_t now);
int gm_stopped(const struct gm *g);

/* Time source state (source_state_file, simulator events):
 * GM_SRC_LOCKED, GM_SRC_LOST (holdover for holdover_time, then free-run),
 * GM_SRC_FORCED with clock class cls (G.8265.1 6.8.4 forced QL). */
enum gm_source_req { GM_SRC_REQ_LOCKED, GM_SRC_REQ_LOST, GM_SRC_REQ_FORCED };
void gm_source(struct gm *g, enum gm_source_req req, int cls, tmv_t now);

/* time_source tod: a PPS edge stamped by the clock at edge_clock (clock
 * time scale, ns), and an Annex A frame from the serial line.  gm_tick()
 * decides locked or lost (tod_loss_timeout, GNSS status). */
void gm_tod_edge(struct gm *g, tmv_t edge_clock, tmv_t now);
__attribute__((cold)) void gm_tod_frame(struct gm *g, const struct tod_frame *f, tmv_t now);

/* Management GET / SET on the engine's data sets; -MERR_NOT_SUPPORTED for
 * ids the adapter answers. */
__attribute__((cold)) int gm_mgmt_get(struct gm *g, struct mgmt_value *v, tmv_t now);
int gm_mgmt_set(struct gm *g, const struct mgmt_value *v, int remote, tmv_t now);

/* The summary line (clients, grants, refusals, errors) and, with
 * time_source tod, the ToD counters: at exit. */
__attribute__((cold)) void gm_log_summary(struct gm *g);

const struct eng_counters *gm_counters(const struct gm *g);

/* How often the engine has stepped its clock since start (time_source tod:
 * the servo's first lock and any step_threshold jump), so that the adapter
 * can re-arm what depends on where the clock's seconds fall (a PHC's 1PPS
 * output).  0 without time_source tod. */
unsigned long gm_clock_steps(const struct gm *g);

/* What the grandmaster is doing, for metrics_file. */
struct gm_status {
	int clock_class;      /* defaultDS clockClass announced now */
	int source;	      /* 0 locked, 1 holdover, 2 free run, 3 forced class */
	int clients;	      /* clients holding a grant */
	double committed_pps; /* packets/s the grants commit the gm to */
	uint64_t requests, granted, denied, expired, cancels; /* negotiation, since start */
};
void gm_status(const struct gm *g, struct gm_status *s);
/* timePropertiesDS (8.2.4) announced now. */
const struct time_properties_ds *gm_time_properties(const struct gm *g);

#endif
