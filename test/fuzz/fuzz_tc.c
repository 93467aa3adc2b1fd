/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the transparent clock engine (core/tc.c): every
 * layer-2 frame a TC's ports receive is outside input, and so are the
 * timestamps its hardware hands back.  The input picks tc_egress
 * (one_step, two_step), tc_syntonize and 2..4 ports, then runs steps (see the switch at
 * the end): a frame received (a port in or out of range, no receive
 * timestamp or one near the clock or anywhere, the ports the bridge sends
 * it to including the in-port and bits beyond the ports, sends that fail,
 * up to 1600 octets: beyond TC_FRAME_MAX too), the last one again up to
 * 256 times (the engine's rings wrap), a transmit timestamp (0:
 * none came) for an id handed out, one never handed out or one already
 * answered, time advancing with or without a tick (past TC_HOLD_NS too),
 * the TC clock stepped either way, the frame helpers on raw bytes, the
 * summary and management.
 * Properties: a frame sent goes out of a port 1..n, is at most
 * TC_FRAME_MAX octets and is a frame received before, changed only where
 * the engine must; its UDP checksum verifies if and only if the frame
 * received's did (RFC 1624: a datagram damaged before the TC stays
 * damaged), an IPv4 zero one stays zero.  Sent while tc_rx runs: the
 * frame given, never back out of its port nor out of one egress did not
 * name, nothing for a port out of range; a Sync or Delay_Req with a
 * receive timestamp is stamped and carries exactly the residence written
 * ahead (one-step), is unchanged (two-step), or, a one-step Sync through
 * two_step, leaves with twoStepFlag set and nothing else changed; a
 * two-step Follow_Up / Delay_Resp carries a residence measured; every
 * other frame leaves unchanged.  Sent while tc_tx_ts(id, stamp) runs
 * (two_step only, a stamp, an id of a two-step event message not
 * stamped before): a Follow_Up / Delay_Resp received less than
 * TC_HOLD_NS ago, not on the port it came in by, with the residence
 * stamp - its event's receive timestamp added to its correctionField,
 * or once, out of the port the Sync left by, the Follow_Up of a Sync
 * made two-step: the Sync with messageType, controlField, UDP ports 320
 * and correctionField = that residence.  Nothing is sent by tc_tick, the
 * summary or management; tc_tick's deadline is ahead.  Counters never
 * decrease; tx_frames, tx_err and rx_frames add up to what the ports
 * saw.  tc_frame_parse locates a message inside the frame,
 * tc_frame_add_correction adds exactly its delta and changes only the
 * correctionField and the checksum, tc_frame_build makes a frame that
 * parses back with a checksum that verifies.
 * With tc_syntonize 1 a residence written may differ from the one measured
 * by the rate ratio (at most TC_RATE_MAX_PPB of it, rounded to the ns);
 * with 0 it is exact.
 * Residences saturate at the correctionField's +/-2^63 (2^47 ns).
 * Build and run: test/fuzz/run.sh [SECONDS] tc
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <string.h>

#include "../../core/config.h"
#include "../../core/mgmt.h"
#include "../../core/msg.h"
#include "../../core/tc.h"
#include "../../core/wire.h"
#include "fz.h"

#define MAX_STEPS 512
#define FRAME_LEN_MAX 1600 /* what a step carries: beyond TC_FRAME_MAX */
#define N_IDS 64	   /* transmit timestamp ids awaiting their stamp */
#define MAX_RX 2048		   /* tc_rx calls, repeats included */
#define MAX_IDS ((MAX_RX + MAX_STEPS) * 3 + 1) /* ids handed out: 1.. */
#define PTP_HDR 34

/* A frame given to tc_rx (its octets stay in the fuzz input). */
struct input {
	const uint8_t *fr;
	size_t len;
	int port;
	tmv_t now;
	int rc;	     /* tc_frame_parse */
	int ok;	     /* parsed and its UDP checksum verifies */
	int zero_ck; /* IPv4 with a zero UDP checksum */
	struct tc_frame f;
};

enum { PH_NONE, PH_RX, PH_TX_TS };

/* An event message sent with a transmit timestamp id. */
struct sent_event {
	tmv_t rx_ts;
	tmv_t tx_ts; /* the first one delivered: the engine takes no other */
	int two_step, done;
	int conv;      /* a one-step Sync made two-step */
	int follow_up; /* conv: the TC's Follow_Up sent */
	int in, port;  /* the input (w->in[]) and the port it left by */
};

struct world {
	struct tc *t;
	int n, mode, syn; /* tc_egress, tc_syntonize */
	tmv_t now; /* monotonic; the TC clock is now + clk.offset */
	struct fz_clk clk;
	int phase;
	/* the tc_rx under way */
	const struct input *cur;
	int rx_port, rx_in_range;
	tmv_t rx_ts;
	uint32_t mask; /* what egress returns */
	int fail;      /* this step's sends fail */
	int conv;      /* the frame just sent was made two-step */
	/* transmit timestamp ids */
	int ids[N_IDS], n_ids;
	int next_id, last_done;
	int stamp_id; /* the tc_tx_ts under way */
	tmv_t stamp_ts;
	int n_in, n_rx;
	uint64_t sent, failed, rx_counted;
	struct tc_port_stats prev[TC_MAX_PORTS + 1];
	/* cleared as they fill: */
	struct sent_event ev[MAX_IDS]; /* by id */
	struct input in[MAX_STEPS];    /* frames received, all of this input's */
};

/* FZ_LOG=1 fuzz_tc INPUT: the steps and what is sent */
static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
	static int verbose = -1;
	va_list ap;

	if (verbose < 0) {
		verbose = getenv("FZ_LOG") != NULL;
	}
	if (verbose) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		fflush(stdout); /* before an abort */
	}
}

static tmv_t nonneg(uint64_t v)
{
	return (tmv_t)(v & (uint64_t)INT64_MAX);
}

static tmv_t clock_now(const struct world *w)
{
	return (tmv_t)((uint64_t)w->now + w->clk.offset);
}

static int64_t fz_i64(struct fz_in *in)
{
	uint64_t hi = fz_u32(in);
	return (int64_t)(hi << 32 | fz_u32(in));
}

/* what tc.c adds to the correctionField for res ns: res * 2^16,
 * saturated */
static uint64_t scaled(tmv_t res)
{
	if (res > INT64_MAX / 65536 || res < INT64_MIN / 65536) {
		return res > 0 ? (uint64_t)INT64_MAX : (uint64_t)INT64_MIN;
	}
	return (uint64_t)res * 65536u;
}

/* What tc.c may add to a correctionField (d, scaled ns) for a residence of
 * res ns: exactly res * 2^16 with tc_syntonize 0; syntonized, res times a
 * rate ratio within TC_RATE_MAX_PPB of 1, rounded to the ns (tc.h: nothing
 * on the wire moves a correction further) */
static int res_written(const struct world *w, uint64_t d, tmv_t res)
{
	int64_t ns, tol;

	if (!w->syn) {
		return d == scaled(res);
	}
	if (d % 65536 || res < 0 || res > TC_HOLD_NS) {
		return 0;
	}
	ns = (int64_t)d / 65536;
	tol = res * TC_RATE_MAX_PPB / 1000000000 + 1;
	return ns >= res - tol && ns <= res + tol;
}

/* fr (len) equals c but for the correctionField and UDP checksum octets
 * (all of them when c does not parse) */
static int same_frame(const struct input *c, const uint8_t *fr, size_t len)
{
	size_t corr, ck;

	if (len != c->len) {
		return 0;
	}
	if (c->rc) {
		return !memcmp(fr, c->fr, len);
	}
	corr = c->f.ptp_off + 8;
	if (memcmp(fr + corr + 8, c->fr + corr + 8, len - corr - 8)) {
		return 0;
	}
	if (!c->f.ip) {
		return !memcmp(fr, c->fr, corr);
	}
	ck = c->f.udp_off + 6; /* before the PTP message */
	return !memcmp(fr, c->fr, ck) && !memcmp(fr + ck + 2, c->fr + ck + 2, corr - ck - 2);
}

/* What a sent frame derived from c must keep: its layout, a UDP
 * checksum that verifies if and only if c's did (updated incrementally,
 * RFC 1624: a datagram damaged before the TC stays damaged), a zero IPv4
 * one zero. */
static int checksum_kept(const struct input *c, const uint8_t *fr, size_t len)
{
	struct tc_frame f;

	if (c->rc) {
		return 1; /* sent unchanged */
	}
	if (tc_frame_parse(fr, len, &f) || f.ptp_off != c->f.ptp_off || f.ip != c->f.ip) {
		return 0;
	}
	if (c->zero_ck && get_be16(fr + f.udp_off + 6)) {
		return 0;
	}
	return c->ok == tc_frame_udp_ok(fr, &f);
}

static void frame_of(struct input *c, const uint8_t *fr, size_t len)
{
	c->fr = fr;
	c->len = len;
	c->rc = tc_frame_parse(fr, len, &c->f);
	FZ_CHECK(c->rc == 0 || c->rc == -EPROTO || c->rc == -EBADMSG);
	c->ok = !c->rc && tc_frame_udp_ok(fr, &c->f);
	c->zero_ck = !c->rc && c->f.ip == 4 && !get_be16(fr + c->f.udp_off + 6);
}

/* A Sync or Delay_Req the engine must stamp (tc_rx with a timestamp). */
static int is_event(const struct input *c)
{
	uint8_t type;
	if (c->rc || !c->f.event) {
		return 0;
	}
	type = c->fr[c->f.ptp_off] & 0x0f;
	return type == SYNC || type == DELAY_REQ;
}

/* A Sync or Delay_Req the engine leaves for its Follow_Up / Delay_Resp
 * (a one-step Sync it makes two-step aside). */
static int two_step_event(const struct world *w, const struct input *c)
{
	const uint8_t *ptp = c->fr + c->f.ptp_off;
	return w->mode == TC_TWO_STEP && ((ptp[0] & 0x0f) == DELAY_REQ || (ptp[6] & 0x02));
}

/* d: the change of a correctionField, c: the input (parsed) */
static uint64_t corr_delta(const struct input *c, const uint8_t *fr)
{
	return get_be64(fr + c->f.ptp_off + 8) - get_be64(c->fr + c->f.ptp_off + 8);
}

/* A two-step residence (transmit - receive timestamp) of an event sent. */
static int residence_known(const struct world *w, uint64_t d)
{
	int id;
	for (id = 1; id <= w->next_id && id < MAX_IDS; id++) {
		const struct sent_event *e = &w->ev[id];
		if (e->two_step && e->done && e->tx_ts && res_written(w, d, e->tx_ts - e->rx_ts)) {
			return 1;
		}
	}
	return 0;
}

/* fr (len) against expect, the input c changed as the engine must: equal
 * but for the UDP checksum, kept (checksum_kept). */
static uint8_t expect[FRAME_LEN_MAX];

static void check_expected(const struct input *c, const uint8_t *fr, size_t len)
{
	size_t ck;

	FZ_CHECK(len == c->len);
	if (c->rc || !c->f.ip) {
		FZ_CHECK(!memcmp(fr, expect, len));
		return;
	}
	ck = c->f.udp_off + 6;
	FZ_CHECK(!memcmp(fr, expect, ck) && !memcmp(fr + ck + 2, expect + ck + 2, len - ck - 2));
	FZ_CHECK(checksum_kept(c, fr, len));
}

/* The one frame tc_rx may send: the input, unchanged, with the residence
 * written ahead or made two-step (a one-step Sync, two_step), or a
 * two-step Follow_Up / Delay_Resp with a residence measured before. */
static void check_rx_send(struct world *w, int port, const uint8_t *fr, size_t len, int want_ts)
{
	const struct input *c = w->cur;
	const uint8_t *ptp = c->fr + c->f.ptp_off;

	FZ_CHECK(w->rx_in_range);
	FZ_CHECK(port != w->rx_port);
	FZ_CHECK(w->mask & (1u << port));
	FZ_CHECK(len == c->len);
	w->conv = 0;
	if (w->rx_ts && is_event(c)) {
		size_t corr = c->f.ptp_off + 8;

		FZ_CHECK(want_ts);
		memcpy(expect, c->fr, len);
		if (w->mode == TC_TWO_STEP && (ptp[0] & 0x0f) == SYNC && !(ptp[6] & 0x02) &&
		    (fr[c->f.ptp_off + 6] & 0x02)) {
			/* made two-step: the TC sends its Follow_Up */
			expect[c->f.ptp_off + 6] |= 0x02;
			w->conv = 1;
		} else { /* written ahead (two-step: nothing) */
			tmv_t clk = clock_now(w);
			tmv_t res = !two_step_event(w, c) && clk > w->rx_ts ? clk - w->rx_ts : 0;
			uint64_t d = !res || !w->syn ? scaled(res) : corr_delta(c, fr);

			FZ_CHECK(res_written(w, d, res));
			put_be64(expect + corr, get_be64(expect + corr) + d);
		}
		check_expected(c, fr, len);
	} else if (w->mode == TC_ONE_STEP || c->rc || c->f.event ||
		   ((ptp[0] & 0x0f) != FOLLOW_UP && (ptp[0] & 0x0f) != DELAY_RESP)) {
		/* everything but a two-step Follow_Up / Delay_Resp: unchanged */
		FZ_CHECK(!want_ts);
		FZ_CHECK(!memcmp(fr, c->fr, len));
	} else {
		FZ_CHECK(!want_ts);
		FZ_CHECK(same_frame(c, fr, len) && checksum_kept(c, fr, len));
		FZ_CHECK(residence_known(w, corr_delta(c, fr)));
	}
}

/* Sent by a transmit timestamp of a two-step event message, out of the
 * port it left by: a held Follow_Up / Delay_Resp with the residence, or
 * the Follow_Up of a one-step Sync made two-step (10.2.2.1.2). */
static void check_stamp_send(struct world *w, int port, const uint8_t *fr, size_t len, int want_ts)
{
	struct sent_event *e;
	const struct input *c;
	uint64_t d;
	uint8_t *ptp;
	int i;

	FZ_CHECK(w->mode == TC_TWO_STEP);
	FZ_CHECK(!want_ts);
	FZ_CHECK(w->stamp_id >= 1 && w->stamp_id <= w->next_id && w->stamp_id < MAX_IDS);
	e = &w->ev[w->stamp_id];
	FZ_CHECK(w->stamp_ts && e->two_step && !e->done);
	for (i = w->n_in - 1; i >= 0; i--) {
		c = &w->in[i];
		if (c->port != port && w->now < c->now + TC_HOLD_NS && !c->rc &&
		    same_frame(c, fr, len) && checksum_kept(c, fr, len) &&
		    res_written(w, corr_delta(c, fr), w->stamp_ts - e->rx_ts)) {
			return;
		}
	}
	/* not a held one: the Follow_Up the TC makes, once */
	FZ_CHECK(e->conv && !e->follow_up && port == e->port);
	e->follow_up = 1;
	c = &w->in[e->in];
	FZ_CHECK(len == c->len);
	d = get_be64(fr + c->f.ptp_off + 8); /* the residence, checked here */
	FZ_CHECK(res_written(w, d, w->stamp_ts - e->rx_ts));
	memcpy(expect, c->fr, c->len);
	ptp = expect + c->f.ptp_off;
	ptp[0] = (uint8_t)((ptp[0] & 0xf0) | FOLLOW_UP);
	ptp[32] = 2; /* controlField */
	put_be64(ptp + 8, d);
	if (c->f.ip) {
		put_be16(expect + c->f.udp_off, 320);
		put_be16(expect + c->f.udp_off + 2, 320);
	}
	check_expected(c, fr, len);
}

static int send_frame_fz(void *io, int port, const uint8_t *fr, size_t len, int want_ts)
{
	struct world *w = io;
	struct sent_event *e;
	int id;

	FZ_CHECK(w->phase == PH_RX || w->phase == PH_TX_TS);
	FZ_CHECK(port >= 1 && port <= w->n);
	FZ_CHECK(len <= TC_FRAME_MAX);
	FZ_CHECK(want_ts == 0 || want_ts == 1);
	trace("  send port %d len %zu want_ts %d%s\n", port, len, want_ts, w->fail ? " (fails)" : "");
	if (w->phase == PH_RX) {
		check_rx_send(w, port, fr, len, want_ts);
	} else {
		check_stamp_send(w, port, fr, len, want_ts);
	}
	if (w->fail) {
		w->failed++;
		return -ENOBUFS;
	}
	w->sent++;
	if (!want_ts) {
		return 0;
	}
	id = w->next_id = w->next_id == INT_MAX ? 1 : w->next_id + 1;
	if (w->n_ids == N_IDS) { /* the oldest never gets its stamp */
		memmove(&w->ids[0], &w->ids[1], sizeof(w->ids[0]) * (N_IDS - 1));
		w->n_ids--;
	}
	w->ids[w->n_ids++] = id;
	FZ_CHECK(w->phase == PH_RX && id < MAX_IDS);
	e = &w->ev[id];
	memset(e, 0, sizeof(*e));
	e->rx_ts = w->rx_ts;
	e->conv = w->conv;
	e->two_step = w->conv || two_step_event(w, w->cur);
	e->in = (int)(w->cur - w->in);
	e->port = port;
	return id;
}

static uint32_t egress_fz(void *io, int in_port, const uint8_t *fr, size_t len)
{
	struct world *w = io;

	FZ_CHECK(w->phase == PH_RX && in_port == w->rx_port);
	FZ_CHECK(fr == w->cur->fr && len == w->cur->len);
	return w->mask;
}

static struct config *config_of(int mode, int syn)
{
	static struct config *cfg[2][2];
	char err[256];

	if (!cfg[mode][syn]) {
		struct config *c = cfg[mode][syn] = config_create(CFG_ROLE_ANY);
		FZ_CHECK(c != NULL);
		FZ_CHECK(!config_set(c, "tc_egress", mode ? "two_step" : "one_step"));
		FZ_CHECK(!config_set(c, "tc_syntonize", syn ? "1" : "0"));
		FZ_CHECK(!config_finish(c, err, sizeof(err)));
	}
	return cfg[mode][syn];
}

static void check_counters(struct world *w)
{
	uint64_t tx = 0, err = 0, rx = 0;
	int p, k;

	FZ_CHECK(!tc_port_stats(w->t, 0) && !tc_port_stats(w->t, w->n + 1));
	for (p = 1; p <= w->n; p++) {
		const struct tc_port_stats *s = tc_port_stats(w->t, p), *o = &w->prev[p];

		FZ_CHECK(s != NULL);
#define UP(field) FZ_CHECK(s->field >= o->field)
		UP(rx_frames);
		UP(tx_frames);
		UP(corrected);
		UP(rx_bad);
		UP(tx_err);
		UP(tx_ts_missing);
		UP(dropped_unmatched);
		UP(dropped_late);
		UP(res_n);
		UP(res_max);
		UP(wa_n);
		UP(wa_max);
		for (k = 0; k < 16; k++) {
			UP(rx_msg[k]);
			UP(tx_msg[k]);
		}
#undef UP
		tx += s->tx_frames;
		err += s->tx_err;
		rx += s->rx_frames;
		w->prev[p] = *s;
	}
	FZ_CHECK(tx == w->sent && err == w->failed && rx == w->rx_counted);
}

/* The helpers on a frame: a parse inside it, a correction that adds
 * exactly delta and keeps the checksum. */
static void check_helpers(const struct input *c, int64_t delta)
{
	static uint8_t buf[FRAME_LEN_MAX];
	const struct tc_frame *f = &c->f;
	size_t corr;
	int64_t want;
	int sat;

	if (c->rc) {
		return;
	}
	FZ_CHECK(f->ip == 0 || f->ip == 4 || f->ip == 6);
	FZ_CHECK(f->ptp_len >= PTP_HDR && f->ptp_off + f->ptp_len <= c->len);
	FZ_CHECK(get_be16(c->fr + f->ptp_off + 2) >= PTP_HDR &&
		 get_be16(c->fr + f->ptp_off + 2) <= f->ptp_len);
	FZ_CHECK(f->ip ? f->ip_off >= 14 && f->ip_off < f->udp_off && f->udp_off + 8 == f->ptp_off
		       : f->udp_off == 0 && f->ptp_off >= 14);
	FZ_CHECK(c->len <= sizeof(buf));
	memcpy(buf, c->fr, c->len);
	corr = f->ptp_off + 8;
	sat = __builtin_add_overflow((int64_t)get_be64(c->fr + corr), delta, &want);
	FZ_CHECK(tc_frame_add_correction(buf, f, delta) == sat);
	/* 1588-2019 5.3.2: saturated, never wrapped */
	FZ_CHECK(get_be64(buf + corr) ==
		 (uint64_t)(sat ? (delta > 0 ? INT64_MAX : INT64_MIN) : want));
	FZ_CHECK(same_frame(c, buf, c->len) && checksum_kept(c, buf, c->len));
	if (!f->ip) {
		FZ_CHECK(!memcmp(buf, c->fr, corr));
	}
	if (sat || delta == INT64_MIN) {
		return;
	}
	/* and back: the correctionField as it was, the checksum verifying */
	tc_frame_add_correction(buf, f, (int64_t)(0 - (uint64_t)delta));
	FZ_CHECK(get_be64(buf + corr) == get_be64(c->fr + corr));
	FZ_CHECK(same_frame(c, buf, c->len) && checksum_kept(c, buf, c->len));
}

static const int odd_ports[8] = { 0, -1, 5, TC_MAX_PORTS, TC_MAX_PORTS + 1, 32, INT_MIN, INT_MAX };

static void rx_step(struct world *w, struct fz_in *in)
{
	uint8_t p = fz_u8(in), s = fz_u8(in);
	tmv_t clk = clock_now(w);
	struct input *c = &w->in[w->n_in];
	const uint8_t *fr;
	size_t len;

	c->port = p & 0x80 ? odd_ports[p & 7] : 1 + p % w->n;
	if (c->port == 5 && (p & 0x40)) {
		c->port = w->n + 1;
	}
	switch (s & 3) {
	case 0:
		w->rx_ts = 0;
		break;
	case 1: /* just received */
		w->rx_ts = nonneg((uint64_t)clk - fz_u16(in));
		break;
	case 2: /* up to 4.3 s ago */
		w->rx_ts = nonneg((uint64_t)clk - fz_u32(in));
		break;
	default: /* anywhere */
		w->rx_ts = nonneg((uint64_t)fz_i64(in));
		break;
	}
	w->fail = s >> 2 & 1;
	w->mask = fz_u32(in);
	len = fz_u16(in) % (FRAME_LEN_MAX + 1);
	fr = fz_bytes(in, len, &len);
	frame_of(c, fr, len);
	c->now = w->now;
	check_helpers(c, w->rx_ts);
	w->cur = c;
	w->rx_port = c->port;
	w->rx_in_range = c->port >= 1 && c->port <= w->n;
	w->n_rx++;
	if (w->rx_in_range) {
		w->n_in++;
		if (len <= TC_FRAME_MAX) {
			w->rx_counted++;
		}
	}
	trace("%lld rx port %d ts %lld clock %lld mask %#x len %zu parse %d ok %d\n",
	      (long long)w->now, c->port, (long long)w->rx_ts, (long long)clk, w->mask, len,
	      c->rc, c->ok);
	w->phase = PH_RX;
	tc_rx(w->t, c->port, fr, len, w->rx_ts, w->now);
	w->phase = PH_NONE;
	w->fail = 0;
}

/* The last frame received in range again, 1..256 times (a stream of
 * Syncs without their stamps: the engine's rings wrap). */
static void repeat_step(struct world *w, struct fz_in *in)
{
	int k = 1 + fz_u8(in), i;
	struct input *c;

	if (!w->n_in) {
		return;
	}
	c = &w->in[w->n_in];
	*c = w->in[w->n_in - 1];
	c->now = w->now;
	w->n_in++;
	w->cur = c;
	w->rx_port = c->port;
	w->rx_in_range = 1;
	w->rx_ts = nonneg((uint64_t)clock_now(w) - 100);
	trace("%lld rx again %d times\n", (long long)w->now, k);
	for (i = 0; i < k && w->n_rx < MAX_RX; i++) {
		w->n_rx++;
		w->rx_counted += c->len <= TC_FRAME_MAX;
		w->phase = PH_RX;
		tc_rx(w->t, c->port, c->fr, c->len, w->rx_ts, w->now);
		w->phase = PH_NONE;
	}
}

static void tx_ts(struct world *w, int id, tmv_t ts)
{
	int i;

	for (i = 0; i < w->n_ids; i++) {
		if (w->ids[i] == id) {
			memmove(&w->ids[i], &w->ids[i + 1], sizeof(w->ids[0]) * (size_t)(w->n_ids - i - 1));
			w->n_ids--;
			w->last_done = id;
			break;
		}
	}
	trace("%lld tx_ts id %d ts %lld\n", (long long)w->now, id, (long long)ts);
	w->stamp_id = id;
	w->stamp_ts = ts;
	w->phase = PH_TX_TS;
	tc_tx_ts(w->t, id, ts, w->now);
	w->phase = PH_NONE;
	if (id >= 1 && id <= w->next_id && id < MAX_IDS && !w->ev[id].done) {
		w->ev[id].done = 1;
		w->ev[id].tx_ts = ts;
	}
}

static void tx_ts_step(struct world *w, struct fz_in *in)
{
	uint8_t s = fz_u8(in);
	uint64_t clk = (uint64_t)clock_now(w);
	int id;
	tmv_t ts;

	switch (s & 3) {
	case 0:
	case 1: /* one awaited */
		id = w->n_ids ? w->ids[fz_u8(in) % w->n_ids] : w->next_id + 1;
		break;
	case 2: { /* never handed out */
		long long v = (long long)w->next_id + 1 + fz_u8(in);
		id = v > INT_MAX ? -1 : (int)v;
		break;
	}
	default: {
		const int odd[6] = { 0, -1, INT_MIN, INT_MAX, w->last_done, 1 };
		id = odd[fz_u8(in) % 6];
		break;
	}
	}
	switch (s >> 2 & 3) {
	case 0: /* none came */
		ts = 0;
		break;
	case 1:
		ts = nonneg(clk + fz_u16(in));
		break;
	case 2:
		ts = nonneg(clk + fz_u32(in));
		break;
	default:
		ts = nonneg((uint64_t)fz_i64(in));
		break;
	}
	tx_ts(w, id, ts);
}

static void time_step(struct world *w, struct fz_in *in, uint8_t op)
{
	tmv_t next;

	w->now += (tmv_t)fz_u16(in) << (op >> 3 & 15);
	trace("%lld%s\n", (long long)w->now, op & 0x80 ? "" : " tick");
	if (op & 0x80) {
		return; /* no tick: what waits may outlive its deadline */
	}
	next = tc_tick(w->t, w->now);
	FZ_CHECK(next > w->now);
}

static void clock_step(struct world *w, struct fz_in *in)
{
	uint8_t m = fz_u8(in);

	switch (m & 3) {
	case 0:
		w->clk.offset += (uint64_t)(int64_t)(int16_t)fz_u16(in);
		break;
	case 1: /* +/-2.1 s */
		w->clk.offset += (uint64_t)(int64_t)(int32_t)fz_u32(in);
		break;
	case 2: /* +/-39 h: to the end of the correctionField's range */
		w->clk.offset += (uint64_t)((int64_t)(int32_t)fz_u32(in) * 65536);
		break;
	default: /* anywhere */
		w->clk.offset = (uint64_t)nonneg((uint64_t)fz_i64(in)) - (uint64_t)w->now;
		break;
	}
}

/* tc_frame_build around msg: a frame that tc_frame_parse locates it in,
 * whose checksum verifies. */
static void check_build(const uint8_t *msg, size_t len, int how)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	static uint8_t out[TC_FRAME_MAX];
	struct net_addr src = how & 1 ? fz_addr6(1) : fz_addr4(1);
	struct net_addr dst = how & 1 ? fz_addr6(2) : fz_addr4(2);
	size_t hdr = how & 1 ? 14 + 40 + 8 : 14 + 20 + 8;
	int n = tc_frame_build(out, mac, mac, &src, &dst, how >> 1, msg, len);
	struct tc_frame f;
	int rc;

	if (hdr + len > TC_FRAME_MAX) {
		FZ_CHECK(n == -EMSGSIZE);
		return;
	}
	FZ_CHECK(n == (int)(hdr + len) && !memcmp(out + hdr, msg, len));
	rc = tc_frame_parse(out, (size_t)n, &f);
	FZ_CHECK(f.ip == (how & 1 ? 6 : 4) && f.udp_off + 8 == hdr && f.event == how >> 1);
	if (rc) { /* not a PTP message; the UDP datagram is whole */
		FZ_CHECK(rc == -EBADMSG);
		f.ptp_off = hdr;
		f.ptp_len = len;
	}
	FZ_CHECK(f.ptp_off == hdr && f.ptp_len == len);
	FZ_CHECK(tc_frame_udp_ok(out, &f));
}

static void raw_frame_step(struct fz_in *in)
{
	struct input c;
	int64_t delta = fz_i64(in);
	const uint8_t *fr;
	size_t len = fz_u16(in) % (FRAME_LEN_MAX + 1);

	fr = fz_bytes(in, len, &len);
	memset(&c, 0, sizeof(c));
	frame_of(&c, fr, len);
	check_helpers(&c, delta);
	check_build(fr, len, (int)(delta & 3));
}

static const struct clock_identity fz_id = { { 0x02, 0, 0, 0, 0, 0x09, 0, 0x02 } };

/* the summary line, and every management id the TC answers, for each port
 * and one out of range, through the wire codec: counters equal the
 * engine's, nothing it does not serve is answered */
static void summary_step(struct world *w)
{
	static const uint16_t ids[] = { MID_DEFAULT_DATA_SET, MID_TRANSPARENT_CLOCK_DEFAULT_DATA_SET,
					MID_TRANSPARENT_CLOCK_PORT_DATA_SET, MID_PORT_STATS_NP,
					MID_TC_PORT_STATS_NP, MID_DOMAIN, MID_VERSION_NUMBER,
					MID_CURRENT_DATA_SET, MID_PORT_DATA_SET };
	struct mgmt_value v, d;
	uint8_t buf[MGMT_DATA_MAX];
	size_t i;
	int p, n, r;

	tc_log_summary(w->t);
	for (p = 0; p <= w->n + 1; p++) {
		const struct tc_port_stats *st = tc_port_stats(w->t, p);
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			memset(&v, 0, sizeof(v));
			v.id = ids[i];
			r = tc_mgmt_get(w->t, &v, p);
			if (ids[i] == MID_CURRENT_DATA_SET || ids[i] == MID_PORT_DATA_SET ||
			    (mgmt_port_level(ids[i]) && !st)) {
				FZ_CHECK(r == -MERR_NOT_SUPPORTED);
				continue;
			}
			FZ_CHECK(r == 0);
			n = mgmt_encode(&v, buf, sizeof(buf));
			FZ_CHECK(n > 0);
			FZ_CHECK(mgmt_decode(ids[i], buf, (size_t)n, &d) == 0);
			switch (ids[i]) {
			case MID_DEFAULT_DATA_SET:
				FZ_CHECK(d.u.dds.numberPorts == w->n &&
					 d.u.dds.twoStepFlag == (w->mode == TC_TWO_STEP) &&
					 !clock_id_cmp(&d.u.dds.clockIdentity, &fz_id));
				break;
			case MID_TRANSPARENT_CLOCK_DEFAULT_DATA_SET:
				FZ_CHECK(d.u.tcds.numberPorts == w->n && d.u.tcds.delayMechanism == 1);
				break;
			case MID_TRANSPARENT_CLOCK_PORT_DATA_SET:
				FZ_CHECK(d.u.tcport.portIdentity.portNumber == p &&
					 !d.u.tcport.faultyFlag);
				break;
			case MID_PORT_STATS_NP:
				FZ_CHECK(!memcmp(d.u.stats.rxMsgType, st->rx_msg, sizeof(st->rx_msg)) &&
					 !memcmp(d.u.stats.txMsgType, st->tx_msg, sizeof(st->tx_msg)));
				break;
			case MID_TC_PORT_STATS_NP:
				FZ_CHECK(d.u.tcstats.portIdentity.portNumber == p &&
					 d.u.tcstats.count[TCS_RX_FRAMES] == (int64_t)st->rx_frames &&
					 d.u.tcstats.count[TCS_CORRECTED] == (int64_t)st->corrected &&
					 d.u.tcstats.count[TCS_RX_MALFORMED] == (int64_t)st->rx_bad &&
					 d.u.tcstats.count[TCS_RESIDENCE_N] == (int64_t)st->res_n &&
					 d.u.tcstats.count[TCS_RESIDENCE_MAX_NS] >=
						 d.u.tcstats.count[TCS_RESIDENCE_MEAN_NS] - 1);
				break;
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[TC_MAX_PORTS] = { "lan1", "lan2", "lan3", "lan4" };
	static struct world w;
	static struct fz_io io;
	struct fz_in in = { data, size };
	struct tc_ops ops;
	char err[128];
	uint8_t b = fz_u8(&in);
	int steps;

	memset(&w, 0, offsetof(struct world, ev));
	w.mode = b & 1 ? TC_TWO_STEP : TC_ONE_STEP;
	w.syn = !(b & 0x40);
	w.n = 2 + (b >> 1) % 3;
	w.now = 1 + (tmv_t)fz_u32(&in) * 1000;
	fz_clk_init(&w.clk, &w.now);
	memset(&ops, 0, sizeof(ops));
	fz_eng_ops(&ops.eng, &io, &w.clk);
	ops.eng.io = &w;
	ops.send_frame = send_frame_fz;
	ops.egress = egress_fz;
	w.t = tc_create(config_of(w.mode == TC_TWO_STEP, w.syn), &fz_id, w.n, names, &ops, err, sizeof(err));
	FZ_CHECK(w.t != NULL);
	if (b & 0x80) { /* port counts it refuses */
		FZ_CHECK(!tc_create(config_of(0, 1), &fz_id, 1, names, &ops, err, sizeof(err)));
		FZ_CHECK(!tc_create(config_of(0, 1), &fz_id, TC_MAX_PORTS + 1, names, &ops, err,
				    sizeof(err)));
	}
	for (steps = 0; in.n && steps < MAX_STEPS; steps++) {
		uint8_t op = fz_u8(&in);

		switch (op & 7) {
		case 0:
		case 1:
			rx_step(&w, &in);
			break;
		case 2:
			tx_ts_step(&w, &in);
			break;
		case 3:
			time_step(&w, &in, op);
			break;
		case 4:
			clock_step(&w, &in);
			break;
		case 5:
			raw_frame_step(&in);
			break;
		case 6:
			if (op & 8) {
				repeat_step(&w, &in);
			} else {
				summary_step(&w);
			}
			break;
		default: /* the latest id stamped a little after the clock */
			tx_ts(&w, w.n_ids ? w.ids[w.n_ids - 1] : w.next_id + 1,
			      nonneg((uint64_t)clock_now(&w) + fz_u16(&in)));
			break;
		}
		check_counters(&w);
	}
	tc_destroy(w.t);
	return 0;
}
