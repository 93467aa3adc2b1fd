/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Delay request-response measurement at a slave port, IEEE 1588-2019 11.3.
 *
 *   t1  originTimestamp (one-step Sync) or preciseOriginTimestamp (Follow_Up)
 *   t2  Sync receive time, local clock
 *   t3  Delay_Req transmit time, local clock
 *   t4  Delay_Resp receiveTimestamp
 *   meanPathDelay   = ((t2 - t1 - cSync) + (t4 - t3 - cResp)) / 2     (11.3.2)
 *   offsetFromMaster = t2 - t1 - cSync - meanPathDelay - delayAsymmetry
 * All values ns; t1 and t4 already in the local clock's time scale (the
 * caller removes currentUtcOffset when the local clock keeps UTC).
 * cSync is the Sync correctionField plus, two-step, the Follow_Up's.
 * The path delay goes through a moving median of delay_filter_length.
 */
#ifndef PTPBOX_E2E_H
#define PTPBOX_E2E_H

#include <stdint.h>

#include "tmv.h"

#define E2E_MAX_FILTER 1024

struct e2e {
	/* Sync / Follow_Up pairing */
	int sync_pending; /* two-step Sync waiting for its Follow_Up */
	uint16_t sync_seq;
	tmv_t sync_t2, sync_corr;
	int fup_pending; /* Follow_Up that came before its Sync */
	uint16_t fup_seq;
	tmv_t fup_t1, fup_corr;
	/* last complete Sync measurement */
	int have_sync;
	tmv_t t1, t2, c_sync;
	/* Delay_Req / Delay_Resp */
	int dreq_pending;
	uint16_t dreq_seq;
	tmv_t t3; /* 0 until the transmit timestamp arrives */
	int resp_early; /* Delay_Resp came before the tx timestamp */
	tmv_t resp_t4, resp_corr;
	tmv_t t4, c_resp; /* of the last complete Delay_Req measurement */
	/* path delay */
	int have_delay;
	tmv_t mean_path_delay;
	tmv_t delay_asymmetry;
	int filter_len, filter_n, filter_pos;
	tmv_t filter[E2E_MAX_FILTER];
};

/* filter_len 1..E2E_MAX_FILTER (clamped); delayAsymmetry ns. */
void e2e_init(struct e2e *e, int filter_len, tmv_t delay_asymmetry);

/* Forget everything but the path delay filter (after a step or a master
 * change pass keep_delay 0 to drop that too). */
void e2e_reset(struct e2e *e, int keep_delay);

/* A Sync: t2 its receive time, corr its correctionField (ns).  two_step: a
 * Follow_Up carries t1; else origin is t1.  Returns 1 when a measurement
 * (t1, t2) is complete. */
int e2e_sync(struct e2e *e, uint16_t seq, int two_step, tmv_t origin, tmv_t corr, tmv_t t2);

/* A Follow_Up with preciseOriginTimestamp t1 and correctionField corr. */
int e2e_follow_up(struct e2e *e, uint16_t seq, tmv_t t1, tmv_t corr);

/* A Delay_Req with this sequenceId was sent; t3 follows. */
void e2e_delay_req_sent(struct e2e *e, uint16_t seq);

/* Transmit timestamp t3 of Delay_Req seq.  Returns 1 when it completes a
 * path delay measurement (Delay_Resp came first). */
int e2e_delay_req_ts(struct e2e *e, uint16_t seq, tmv_t t3);

/* A Delay_Resp for our Delay_Req seq: t4 receiveTimestamp, corr its
 * correctionField (ns).  Returns 1 when meanPathDelay was updated, 0 when
 * it is not ours / not expected / waiting for t3. */
int e2e_delay_resp(struct e2e *e, uint16_t seq, tmv_t t4, tmv_t corr);

/* offsetFromMaster of the last Sync measurement, ns.  -EAGAIN (returned)
 * until there is a measurement and a path delay. */
int e2e_offset(const struct e2e *e, tmv_t *offset);

#endif
