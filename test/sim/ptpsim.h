/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ptpsim: a deterministic discrete-event simulator that runs the real
 * protocol engines (core/oc, core/gm, core/tc) over simulated links,
 * oscillators and time stamping units (docs/architecture.md section 4 "The
 * simulator").
 *
 * Time bases:
 *   sim time t      ns since the start of the run (the event queue's time)
 *   true time       SIM_TAI0 + t: the PTP timescale (TAI) as it really is
 *   node clock      true time + the node's time error (TE), which the
 *                   simulator knows exactly at every instant
 *   engine "now"    SIM_MONO0 + t (the adapter's monotonic time)
 *
 * Files: ptpsim.c (event loop, engines, output), ptpsim_model.c (random
 * numbers, oscillators, time stamps, link delays), ptpsim_scen.c (the
 * scenario file).
 */
#ifndef PTPBOX_PTPSIM_H
#define PTPBOX_PTPSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"
#include "config.h"
#include "engine.h"
#include "gm.h"
#include "oc.h"
#include "tc.h"
#include "tmv.h"

/* True time at sim time 0: a TAI instant in 2027, so no timestamp is 0. */
#define SIM_TAI0 (1800000000LL * NS_PER_SEC)
/* TAI - UTC in the simulated world, s (a clock of `timescale utc`) */
#define SIM_UTC_OFFSET 37
/* Engine monotonic time at sim time 0. */
#define SIM_MONO0 (1000LL * NS_PER_SEC)

#define SIM_NAME_LEN 32
#define SIM_MAX_NODES 64
#define SIM_MAX_LINKS 256
#define SIM_MAX_SETS 32
#define SIM_MAX_MASKS 8
#define SIM_MAX_WINDOWS 8
#define SIM_PATH_LEN 512

/* ---- random numbers (ptpsim_model.c) ---- */

/* xoshiro256** state; one independent stream per model instance. */
struct rng {
	uint64_t s[4];
	int have_spare;
	double spare; /* second normal deviate of the last pair */
};

/* Stream `name` (e.g. "osc:oc1") of the run's seed: streams of different
 * names are independent, and adding a node does not disturb the others. */
void rng_init(struct rng *r, uint64_t seed, const char *name);
uint64_t rng_next(struct rng *r);
double rng_uniform(struct rng *r);	       /* [0, 1) */
double rng_normal(struct rng *r);	       /* N(0, 1) */
double rng_exp(struct rng *r);		       /* Exp(1) */
double rng_gamma(struct rng *r, double shape); /* Gamma(shape, 1) */

/* ---- oscillator and clock (ptpsim_model.c) ---- */

struct osc_cfg {
	double offset_ns;     /* initial TE */
	double freq_ppb;      /* constant frequency error, positive = fast */
	double rw_ppb;	      /* frequency random walk, ppb per sqrt(s) */
	double rw_step_s;     /* random walk grid (frequency is piecewise linear) */
	double temp_ppb;      /* amplitude of a sinusoidal temperature term */
	double temp_period_s; /* its period */
	double temp_phase_deg;
	double max_adj_ppb; /* largest adjfreq the clock takes (clamped) */
};

/*
 * A simulated clock: reading(t) = true time(t) + TE(t) with
 *   TE(t) = offset + steps + integral of f(s) ds,
 *   f(s)  = freq_ppb + w(s) + temp_ppb sin(2 pi s / period + phase) + adj(s)
 * (ppb; 1 ppb over 1 s = 1 ns), w a random walk sampled on a grid and
 * linear in between, adj the last adjfreq (added to the oscillator's
 * error: the clock's rate is exactly 1 + f(s) 1e-9).  The state is advanced
 * lazily to the current sim time whenever it is read or changed.
 */
struct sim_clock {
	struct clk clk; /* the engine's handle; first member */
	struct osc_cfg cfg;
	const tmv_t *now; /* the simulator's current sim time */
	struct rng rng;
	tmv_t t;	    /* sim time the state below is for */
	int64_t te_int;	    /* integer part: initial offset and steps, ns */
	double te_frac;	    /* integrated frequency error, ns */
	tmv_t grid_t;	    /* random walk: sim time of grid point k */
	double w0, w1;	    /* w at grid points k and k+1, ppb */
	double temp_w;	    /* 2 pi / period, rad/s */
	double temp_phase;  /* rad */
	double adj_int;	    /* integral of the adjustment, ns (ppb x s) */
	int64_t stepped;    /* sum of the steps, ns */
	tmv_t scale;	    /* 0 (PTP timescale), or -SIM_UTC_OFFSET s (UTC) */
	uint64_t adjfreqs, steps;
};

void sim_clock_init(struct sim_clock *c, const struct osc_cfg *cfg, const tmv_t *now,
		    uint64_t seed, const char *node);
/* A clock keeping UTC (clk.utc_timescale 1): its readings are
 * SIM_UTC_OFFSET s behind TAI, its TE against true UTC. */
void sim_clock_utc(struct sim_clock *c);
/* Advance to *now; the true TE (ns, positive = clock ahead). */
double sim_clock_te(struct sim_clock *c);
/* The clock's reading now, ns (true time + TE, truncated to 1 ns). */
tmv_t sim_clock_read(struct sim_clock *c);

/* ---- time stamping unit (ptpsim_model.c) ---- */

enum stamp_kind { STAMP_HW, STAMP_SW };

struct stamp_cfg {
	enum stamp_kind kind;
	double hw_quant_ns;	  /* hardware: the stamp clock's resolution */
	double hw_jitter_ns;	  /* and Gaussian jitter sigma */
	double sw_median_ns;	  /* software: lognormal latency median */
	double sw_sigma;	  /* and shape (sigma of the log) */
	double sw_outlier_prob;	  /* scheduling outliers: probability */
	double sw_outlier_min_ns; /* uniform in [min, max] */
	double sw_outlier_max_ns;
	double tx_ts_delay_ns; /* transmit stamp reaches the engine after */
	double rx_ts_loss;     /* probability that an event message comes without a
				* receive stamp (0 given to the engine) */
	int kind_set;	       /* kind given in the scenario, else the config's */
};

/* Stamp error, ns: software receive stamps are late (positive), software
 * transmit stamps early (taken before the wire, negative). */
double stamp_error(const struct stamp_cfg *s, struct rng *r, int tx);
/* A stamp of clock c now, per s. */
tmv_t stamp_take(const struct stamp_cfg *s, struct rng *r, struct sim_clock *c, int tx);

/* ---- links (ptpsim_model.c) ---- */

enum pdv_kind {
	PDV_NONE, PDV_EXP, PDV_GAMMA, PDV_UNIFORM, PDV_TRACE,
	PDV_LOGNORMAL, /* links only: p1 median, p2 log sigma, p3 outlier probability, p4 max */
	PDV_BIMODAL,   /* links only: p1 exp mean, p2 extra ns on the other route, p3 mean dwell s */
	PDV_LOAD,      /* links only: p1 service ns, p2..p3 utilisation min..max, p4 period s */
};

struct pdv_trace {
	char path[SIM_PATH_LEN];
	double *v;
	size_t n;
};

struct link_dir {
	double delay_ns; /* fixed one-way delay */
	enum pdv_kind pdv;
	double p1, p2; /* exp: mean; gamma: shape, mean; uniform: min, max */
	double p3, p4; /* lognormal, bimodal, load (enum pdv_kind) */
	struct pdv_trace *trace;
	struct rng flap_rng; /* bimodal: the route's flips, the same both ways */
	double flap_t;	     /* bimodal: time of the next flip, s */
	int flap_alt;	     /* bimodal: on the other route */
	size_t trace_pos;
	double loss;	    /* probability */
	unsigned drop_mask; /* messageTypes dropped (bit 1 << type), ACT_DROP */
	struct rng rng;
	uint64_t sent, lost, down, dropped;
};

struct link {
	int a, b; /* node indexes; dir[0] is a -> b ("fwd"), dir[1] b -> a ("rev") */
	int up;
	struct link_dir dir[2];
};

/* One-way delay of the next packet sent at t_s (simulated s), ns (>= 0). */
double link_delay(struct link_dir *d, double t_s);

/* A delay distribution of a tc or switch (queue, processing): pdv none,
 * exp, gamma or uniform as for links. */
struct delay_dist {
	enum pdv_kind kind;
	double p1, p2;
};

/* The next delay, ns (>= 0). */
double delay_draw(const struct delay_dist *d, struct rng *r);

/* ---- scenario (ptpsim_scen.c) ---- */

enum ev_action {
	ACT_START,   /* node: create the engine (from the node's `start`) */
	ACT_KILL,    /* node: stop calling it, drop its traffic */
	ACT_RESTART, /* node: destroy and create fresh */
	ACT_STOP,    /* node: cancel its grants (oc_stop/gm_stop), then kill */
	ACT_SOURCE,  /* gm: gm_source(locked|lost|class N) */
	ACT_LINK_DOWN,
	ACT_LINK_UP,
	ACT_DELAY_STEP, /* link: add ns to the fixed delay of fwd, rev or both */
	ACT_LOCKOUT,	/* oc: oc_lockout(addresses) */
	ACT_DROP,	/* link direction: drop these message types from now on */
	ACT_FORGE,	/* a message forged with node's address to node2 */
};

/* What ACT_FORGE sends: an Announce as node (its data sets, then the
 * overrides), or a Signaling message with one TLV per message type */
enum forge_kind { FORGE_ANNOUNCE, FORGE_REQUEST, FORGE_CANCEL, FORGE_ACK, FORGE_SYNC };

#define SIM_MAX_EV_ADDRS 8

struct scen_event {
	tmv_t t; /* sim time */
	enum ev_action act;
	int node, link;
	int src_req, src_cls; /* ACT_SOURCE: enum gm_source_req, class */
	int dirs;	      /* ACT_DELAY_STEP, ACT_DROP: bit 0 fwd, bit 1 rev */
	unsigned drop_mask;   /* ACT_DROP */
	double delta_ns;
	int n_addrs; /* ACT_LOCKOUT */
	char addrs[SIM_MAX_EV_ADDRS][64];
	/* ACT_FORGE: from node's address (its clockIdentity, portNumber
	 * port) to node2; kind, message types (bit per svc: 1 Announce, 2
	 * Sync, 4 Delay_Resp), REQUEST interval and duration, Announce
	 * overrides (utc_offset when has_utc; leap: 1 leap61, 2 leap59) */
	int node2, forge, types, port, log, has_utc, utc_offset, leap;
	double ppb; /* FORGE_SYNC: its originTimestamps' rate off node's clock */
	uint32_t duration;
	int line;
};

struct kv {
	char key[64];
	char value[128];
};

/* What a node is: an engine with an address (gm, oc), or a forwarder of
 * layer-2 frames between its links (tc: the transparent clock engine,
 * switch: forwards and never corrects). */
enum node_kind { NODE_NONE, NODE_GM, NODE_OC, NODE_TC, NODE_SWITCH };

struct node_spec {
	char name[SIM_NAME_LEN];
	enum node_kind kind;
	enum cfg_role role; /* gm, oc; CFG_ROLE_ANY for tc and switch */
	char config[SIM_PATH_LEN]; /* resolved path */
	char address[64];
	struct kv set[SIM_MAX_SETS];
	int n_set;
	struct osc_cfg osc;
	struct stamp_cfg stamp;
	double start_s;
	int utc; /* timescale utc: the clock keeps UTC (sim_clock_utc) */
	/* tc, switch: a frame waits `processing` after its arrival before
	 * the forwarding decision (tc: before tc_rx, so the residence the
	 * engine reads includes it), then `queue` between the send and its
	 * departure from the egress port (the egress timestamp point; FIFO
	 * per port) */
	struct delay_dist proc, queue;
	int line;
};

struct window_spec {
	char name[SIM_NAME_LEN];
	double from_s, to_s;
};

struct scenario {
	char path[SIM_PATH_LEN];
	char name[64]; /* file name without directory and .sim */
	double duration_s;
	double steady_from_s;
	uint64_t seed;
	double te_threshold_ns; /* converged_s */
	const char *masks[SIM_MAX_MASKS];
	int n_masks;
	struct window_spec win[SIM_MAX_WINDOWS];
	int n_win;
	struct node_spec node[SIM_MAX_NODES];
	int n_nodes;
	struct link link[SIM_MAX_LINKS];
	char link_name[SIM_MAX_LINKS][2 * SIM_NAME_LEN + 2];
	int n_links;
	struct scen_event *ev;
	int n_ev, cap_ev;
};

/* Read the scenario file; 0, or -1 with a message "FILE:LINE: ..." in err. */
int scen_read(struct scenario *s, const char *path, char *err, size_t errlen);
void scen_free(struct scenario *s);
int scen_node_index(const struct scenario *s, const char *name);

#endif
