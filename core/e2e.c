/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

void e2e_init(struct e2e *e, int filter_len, tmv_t delay_asymmetry)
{
	memset(e, 0, sizeof(*e));
	if (filter_len < 1) {
		filter_len = 1;
	}
	if (filter_len > E2E_MAX_FILTER) {
		filter_len = E2E_MAX_FILTER;
	}
	e->filter_len = filter_len;
	e->delay_asymmetry = delay_asymmetry;
}

void e2e_reset(struct e2e *e, int keep_delay)
{
	int len = e->filter_len;
	tmv_t asym = e->delay_asymmetry;

	if (keep_delay) {
		e->sync_pending = e->fup_pending = e->have_sync = 0;
		e->dreq_pending = e->resp_early = 0;
		return;
	}
	e2e_init(e, len, asym);
}

static int complete(struct e2e *e, tmv_t t1, tmv_t t2, tmv_t c)
{
	e->t1 = t1;
	e->t2 = t2;
	e->c_sync = c;
	e->have_sync = 1;
	return 1;
}

int e2e_sync(struct e2e *e, uint16_t seq, int two_step, tmv_t origin, tmv_t corr, tmv_t t2)
{
	if (!two_step) {
		e->sync_pending = 0;
		return complete(e, origin, t2, corr);
	}
	if (e->fup_pending && e->fup_seq == seq) {
		e->fup_pending = 0;
		return complete(e, e->fup_t1, t2, corr + e->fup_corr);
	}
	e->sync_pending = 1;
	e->sync_seq = seq;
	e->sync_t2 = t2;
	e->sync_corr = corr;
	return 0;
}

int e2e_follow_up(struct e2e *e, uint16_t seq, tmv_t t1, tmv_t corr)
{
	if (e->sync_pending && e->sync_seq == seq) {
		e->sync_pending = 0;
		return complete(e, t1, e->sync_t2, e->sync_corr + corr);
	}
	e->fup_pending = 1;
	e->fup_seq = seq;
	e->fup_t1 = t1;
	e->fup_corr = corr;
	return 0;
}

void e2e_delay_req_sent(struct e2e *e, uint16_t seq)
{
	e->dreq_pending = 1;
	e->dreq_seq = seq;
	e->t3 = 0;
	e->resp_early = 0;
}

static int cmp_tmv(const void *a, const void *b)
{
	tmv_t x = *(const tmv_t *)a, y = *(const tmv_t *)b;
	return x < y ? -1 : x > y;
}

static int update_delay(struct e2e *e, tmv_t t4, tmv_t corr)
{
	tmv_t sorted[E2E_MAX_FILTER], d;

	if (!e->have_sync) {
		return 0;
	}
	/* 11.3.2: ((t2 - t3) + (t4 - t1) - cSync - cResp) / 2 */
	d = ((e->t2 - e->t3) + (t4 - e->t1) - e->c_sync - corr) / 2;
	e->t4 = t4;
	e->c_resp = corr;
	e->filter[e->filter_pos] = d;
	e->filter_pos = (e->filter_pos + 1) % e->filter_len;
	if (e->filter_n < e->filter_len) {
		e->filter_n++;
	}
	memcpy(sorted, e->filter, (size_t)e->filter_n * sizeof(tmv_t));
	qsort(sorted, (size_t)e->filter_n, sizeof(tmv_t), cmp_tmv);
	e->mean_path_delay = e->filter_n % 2
				     ? sorted[e->filter_n / 2]
				     : (sorted[e->filter_n / 2 - 1] + sorted[e->filter_n / 2]) / 2;
	e->have_delay = 1;
	e->dreq_pending = 0;
	return 1;
}

int e2e_delay_req_ts(struct e2e *e, uint16_t seq, tmv_t t3)
{
	if (!e->dreq_pending || e->dreq_seq != seq) {
		return 0;
	}
	e->t3 = t3;
	if (e->resp_early) {
		e->resp_early = 0;
		return update_delay(e, e->resp_t4, e->resp_corr);
	}
	return 0;
}

int e2e_delay_resp(struct e2e *e, uint16_t seq, tmv_t t4, tmv_t corr)
{
	if (!e->dreq_pending || e->dreq_seq != seq) {
		return 0;
	}
	if (!e->t3) {
		e->resp_early = 1;
		e->resp_t4 = t4;
		e->resp_corr = corr;
		return 0;
	}
	return update_delay(e, t4, corr);
}

int e2e_offset(const struct e2e *e, tmv_t *offset)
{
	if (!e->have_sync || !e->have_delay) {
		return -EAGAIN;
	}
	*offset = e->t2 - e->t1 - e->c_sync - e->mean_path_delay - e->delay_asymmetry;
	return 0;
}
