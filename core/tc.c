/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * End-to-end transparent clock engine; see tc.h for what it does.
 * IEEE 1588-2019 10.2 (E2E TC), 10.2.2 (residence time), OCP 7.9-7.10.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ds.h"
#include "mgmt.h"
#include "tc.h"
#include "util.h"
#include "wire.h"

#define TC_EVENTS 512 /* event messages sent, by id (ring) */
#define TC_HELD 64    /* Follow_Up / Delay_Resp waiting for a timestamp */
#define TC_CONV 32    /* one-step Syncs made two-step, waiting for their stamp */
#define TC_EVENT_TTL_NS 2000000000LL

enum { EV_FREE, EV_WAIT_TS, EV_DONE, EV_FAILED };

/* An event message as the general message that carries its residence
 * names it: Sync by its own sourcePortIdentity, Delay_Req likewise (the
 * Delay_Resp's requestingPortIdentity). */
struct tc_key {
	uint8_t type; /* SYNC or DELAY_REQ */
	uint8_t domain;
	uint16_t seq;
	uint8_t port_id[10];
};

struct tc_event {
	int state, id, port, two_step;
	int conv; /* 1 + the conv[] slot of a one-step Sync made two-step */
	struct tc_key key;
	tmv_t rx_ts, written; /* ingress stamp; one-step: the egress time written */
	tmv_t residence;      /* two-step, EV_DONE: tx - rx, ns */
	tmv_t expires;
};

struct tc_held {
	int used, port; /* egress port */
	int ev_port;	/* the port its event message left by */
	struct tc_key key;
	tmv_t deadline;
	size_t len;
	struct tc_frame f;
	uint8_t frame[TC_FRAME_MAX];
};

/* A Sync source's rate over the TC's clock (tc.h: syntonization) */
struct tc_rate {
	int used;
	uint8_t domain;
	uint8_t port_id[10]; /* sourcePortIdentity */
	tmv_t heard;	     /* now at its last Sync: the least recent goes */
	/* a two-step Sync waiting for its Follow_Up: sequenceId, destination
	 * (a unicast master numbers each client's Syncs apart), ingress stamp
	 * (ns), correctionField (scaled ns) */
	int pend;
	uint16_t pend_seq;
	uint8_t pend_dst[16];
	tmv_t pend_rx;
	int64_t pend_corr;
	/* the baseline's start: the master's time (origin + corrections) and
	 * the ingress stamp, ns */
	int have_ref;
	tmv_t ref_master, ref_local;
	double ratio; /* the master's rate over ours; 0: none measured yet */
};

struct tc {
	struct tc_ops ops;
	const struct config *cfg;
	struct clock_identity id;
	int n, mode, syntonize;
	struct tc_rate rate[TC_RATE_SOURCES];
	/* the Sync source followed (tc.h): tc_syntonize_source (src_len 8:
	 * a clockIdentity, 10: a portIdentity, 0: none), else the best
	 * Announce of a domain while it lasts */
	uint8_t src[10], src_len;
	struct tc_best {
		int used;
		uint8_t domain;
		tmv_t expires;
		uint8_t ds[16];	    /* the Announce's octets 47..62 */
		uint8_t sender[10]; /* its sourcePortIdentity */
	} best[TC_RATE_SOURCES];
	double ratio_any; /* the last ratio measured, any source; 0: none */
	uint64_t rate_n, rate_rejected;
	char names[TC_MAX_PORTS][32];
	struct tc_port_stats st[TC_MAX_PORTS + 1];
	struct tc_event ev[TC_EVENTS];
	int ev_next;
	struct tc_held held[TC_HELD];
	struct tc_conv {
		int used;
		size_t len;
		struct tc_frame f;
		uint8_t frame[TC_FRAME_MAX];
	} conv[TC_CONV];
	uint8_t scratch[TC_FRAME_MAX];
};

#define PTP_HDR_LEN 34
#define PTP_TWO_STEP 0x02 /* flagField octet 0 */

/* ---- frames ---- */

int tc_frame_parse(const uint8_t *fr, size_t len, struct tc_frame *f)
{
	size_t off = 14, end = len, udp;
	uint16_t et, dport, ulen;
	int tags = 0;
	const uint8_t *p;

	memset(f, 0, sizeof(*f));
	if (len < 14) {
		return -EPROTO;
	}
	et = get_be16(fr + 12);
	while ((et == 0x8100 || et == 0x88a8) && tags < 2 && len >= off + 4) {
		et = get_be16(fr + off + 2);
		off += 4;
		tags++;
	}
	if (et == 0x88F7) { /* 1588 Annex E */
		f->ptp_off = off;
		f->ptp_len = len - off;
		if (f->ptp_len < 1) {
			return -EBADMSG;
		}
		f->event = (fr[off] & 0x0f) < 8;
	} else if (et == 0x0800) {
		size_t ihl;
		if (len < off + 20 || (fr[off] >> 4) != 4 || fr[off + 9] != 17 ||
		    (get_be16(fr + off + 6) & 0x3fff)) {
			return -EPROTO; /* not IPv4 UDP, or a fragment */
		}
		ihl = (size_t)(fr[off] & 0x0f) * 4;
		end = off + get_be16(fr + off + 2);
		udp = off + ihl;
		f->ip = 4;
		f->ip_off = off;
		if (ihl < 20 || len < udp + 8) {
			return -EPROTO;
		}
		f->udp_off = udp;
	} else if (et == 0x86DD) {
		if (len < off + 48 || (fr[off] >> 4) != 6 || fr[off + 6] != 17) {
			return -EPROTO; /* not UDP right after the IPv6 header */
		}
		udp = off + 40;
		end = udp + get_be16(fr + off + 4);
		f->ip = 6;
		f->ip_off = off;
		f->udp_off = udp;
	} else {
		return -EPROTO;
	}
	if (f->ip) {
		dport = get_be16(fr + f->udp_off + 2);
		if (dport != 319 && dport != 320) {
			return -EPROTO;
		}
		f->event = dport == 319;
		ulen = get_be16(fr + f->udp_off + 4);
		/* the whole datagram must be here for its checksum to hold */
		if (end > len || ulen < 8 || f->udp_off + ulen > end) {
			return -EBADMSG;
		}
		f->ptp_off = f->udp_off + 8;
		f->ptp_len = ulen - 8u;
	}
	p = fr + f->ptp_off;
	if (f->ptp_len < PTP_HDR_LEN || (p[1] & 0x0f) != 2 || get_be16(p + 2) < PTP_HDR_LEN ||
	    get_be16(p + 2) > f->ptp_len) {
		return -EBADMSG;
	}
	return 0;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') */
static uint16_t csum_update(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t s = (uint32_t)(uint16_t)~hc + (uint16_t)~old + new;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int tc_frame_add_correction(uint8_t *fr, const struct tc_frame *f, int64_t delta)
{
	uint8_t *c = fr + f->ptp_off + 8;
	uint64_t old = get_be64(c), new;
	int64_t sum;
	int k, sat = __builtin_add_overflow((int64_t)old, delta, &sum);

	/* 1588-2019 5.3.2: never wrapped; 0x7FFF FFFF FFFF FFFF: too big */
	new = sat ? (delta > 0 ? (uint64_t)INT64_MAX : (uint64_t)INT64_MIN) : (uint64_t)sum;
	put_be64(c, new);
	if (!f->ip || (f->ip == 4 && get_be16(fr + f->udp_off + 6) == 0)) {
		return sat; /* no checksum to keep */
	}
	/* the correctionField sits 16 octets into the UDP header: its words
	 * are checksum words */
	for (k = 0; k < 4; k++) {
		uint16_t hc = get_be16(fr + f->udp_off + 6);
		hc = csum_update(hc, (uint16_t)(old >> (48 - 16 * k)),
				 (uint16_t)(new >> (48 - 16 * k)));
		put_be16(fr + f->udp_off + 6, hc ? hc : 0xffff);
	}
	return sat;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	size_t k;
	for (k = 0; k + 1 < n; k += 2) {
		s += get_be16(p + k);
	}
	if (n & 1) {
		s += (uint32_t)p[n - 1] << 8;
	}
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16) {
		s = (s & 0xffff) + (s >> 16);
	}
	return (uint16_t)~s;
}

/* The checksum over pseudo-header and UDP datagram, checksum field as is. */
static uint16_t udp_csum(const uint8_t *fr, const struct tc_frame *f)
{
	uint16_t ulen = get_be16(fr + f->udp_off + 4);
	uint32_t s = 17u + ulen;

	if (f->ip == 4) {
		s = csum_add(s, fr + f->ip_off + 12, 8); /* source, destination */
	} else {
		s = csum_add(s, fr + f->ip_off + 8, 32);
	}
	return csum_fold(csum_add(s, fr + f->udp_off, ulen));
}

void tc_frame_udp_fill(uint8_t *fr, const struct tc_frame *f)
{
	uint16_t c;

	if (!f->ip) {
		return;
	}
	put_be16(fr + f->udp_off + 6, 0);
	c = udp_csum(fr, f);
	put_be16(fr + f->udp_off + 6, c ? c : 0xffff);
}

/* The UDP checksum after changes elsewhere in the datagram, verifying
 * as it did before them: was = udp_csum() then (0: it verified; a
 * datagram damaged before the TC stays damaged).  An IPv4 zero one stays
 * zero. */
static void udp_csum_set(uint8_t *fr, const struct tc_frame *f, uint16_t was)
{
	uint32_t c;

	if (!f->ip || (f->ip == 4 && get_be16(fr + f->udp_off + 6) == 0)) {
		return;
	}
	put_be16(fr + f->udp_off + 6, 0);
	c = (uint32_t)udp_csum(fr, f) + (uint16_t)~was; /* the one that verifies - was */
	c = (c & 0xffff) + (c >> 16);
	put_be16(fr + f->udp_off + 6, (uint16_t)(c ? c : 0xffff));
}

int tc_frame_udp_ok(const uint8_t *fr, const struct tc_frame *f)
{
	if (!f->ip) {
		return 1;
	}
	if (f->ip == 4 && get_be16(fr + f->udp_off + 6) == 0) {
		return 1;
	}
	return udp_csum(fr, f) == 0;
}

int tc_frame_build(uint8_t *out, const uint8_t dst_mac[6], const uint8_t src_mac[6],
		   const struct net_addr *src, const struct net_addr *dst, int event,
		   const uint8_t *msg, size_t len)
{
	const uint8_t *sa, *da;
	int alen = net_addr_bytes(src, &sa), ip = alen == 16 ? 6 : 4;
	size_t iph = ip == 4 ? 20 : 40, udp = 14 + iph, total = udp + 8 + len;
	struct tc_frame f;
	uint16_t port = event ? 319 : 320;

	if (net_addr_bytes(dst, &da) != alen || (alen != 4 && alen != 16) || total > TC_FRAME_MAX) {
		return -EMSGSIZE;
	}
	memset(out, 0, udp + 8);
	memcpy(out, dst_mac, 6);
	memcpy(out + 6, src_mac, 6);
	put_be16(out + 12, ip == 4 ? 0x0800 : 0x86DD);
	if (ip == 4) {
		uint8_t *h = out + 14;
		h[0] = 0x45;
		put_be16(h + 2, (uint16_t)(iph + 8 + len));
		h[8] = 64;
		h[9] = 17;
		memcpy(h + 12, sa, 4);
		memcpy(h + 16, da, 4);
		put_be16(h + 10, csum_fold(csum_add(0, h, 20)));
	} else {
		uint8_t *h = out + 14;
		h[0] = 0x60;
		put_be16(h + 4, (uint16_t)(8 + len));
		h[6] = 17;
		h[7] = 64;
		memcpy(h + 8, sa, 16);
		memcpy(h + 24, da, 16);
	}
	put_be16(out + udp, port);
	put_be16(out + udp + 2, port);
	put_be16(out + udp + 4, (uint16_t)(8 + len));
	memcpy(out + udp + 8, msg, len);
	f.ip = ip;
	f.ip_off = 14;
	f.udp_off = udp;
	tc_frame_udp_fill(out, &f);
	return (int)total;
}

/* ---- engine ---- */

static void tc_log(struct tc *t, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void tc_log(struct tc *t, int level, const char *fmt, ...)
{
	char line[320];
	va_list ap;

	if (level > t->ops.eng.log_level || !t->ops.eng.log) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	t->ops.eng.log(t->ops.eng.io, level, line);
}

struct tc *tc_create(const struct config *cfg, const struct clock_identity *id, int n_ports,
		     const char *const *names, const struct tc_ops *ops, char *err, size_t errlen)
{
	struct tc *t;
	const char *src;
	char *end = NULL;
	int i;

	if (n_ports < 2 || n_ports > TC_MAX_PORTS || !ops->send_frame || !ops->egress ||
	    !ops->eng.clk) {
		snprintf(err, errlen, "a transparent clock needs 2..%d ports", TC_MAX_PORTS);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->ops = *ops;
	t->cfg = cfg;
	t->id = *id;
	t->n = n_ports;
	t->mode = cfg_int(cfg, OPT_tc_egress);
	t->syntonize = cfg_int(cfg, OPT_tc_syntonize);
	src = cfg_str(cfg, OPT_tc_syntonize_source);
	if (*src) { /* 001122.3344.556677, or with -PORT (1..65534); src is
		     * a configuration value's buffer: 19 octets can be read */
		char cid[19], at[160];
		unsigned long pn;

		memcpy(cid, src, 18);
		cid[18] = 0;
		t->src_len = src[18] ? 0 : 8;
		if (src[18] == '-') {
			pn = strtoul(src + 19, &end, 10);
			put_be16(t->src + 8, (uint16_t)pn);
			t->src_len = end > src + 19 && !*end && pn && pn < 65535 ? 10 : 0;
		}
		if (!t->src_len || hex_pattern(cid, "hhhhhh.hhhh.hhhhhh", t->src) != 8) {
			snprintf(err, errlen,
				 "%s: tc_syntonize_source %s: allowed 001122.3344.556677[-PORT]",
				 config_where(cfg, OPT_tc_syntonize_source, at, sizeof(at)), src);
			free(t);
			return NULL;
		}
	}
	for (i = 0; i < n_ports; i++) {
		snprintf(t->names[i], sizeof(t->names[i]), "%s", names[i]);
	}
	return t;
}

void tc_destroy(struct tc *t)
{
	free(t);
}

const struct tc_port_stats *tc_port_stats(const struct tc *t, int port)
{
	return port >= 1 && port <= t->n ? &t->st[port] : NULL;
}

static void key_of(struct tc_key *k, uint8_t type, const uint8_t *ptp, const uint8_t *port_id)
{
	memset(k, 0, sizeof(*k));
	k->type = type;
	k->domain = ptp[4];
	k->seq = get_be16(ptp + 30);
	memcpy(k->port_id, port_id, 10);
}

static int key_eq(const struct tc_key *a, const struct tc_key *b)
{
	return a->type == b->type && a->domain == b->domain && a->seq == b->seq &&
	       !memcmp(a->port_id, b->port_id, 10);
}

/* The residence from ingress stamp `from` to egress time `to` (ns) into
 * *res: 0, or -1 when it lies outside 0..TC_HOLD_NS (the TC clock was
 * stepped, or a stamp is wrong: a correction by it would falsify the
 * slave's measurement, where dropping the message loses one sample). */
static int residence_of(tmv_t from, tmv_t to, tmv_t *res)
{
	/* unsigned: to - from cannot overflow */
	if (to < from || (uint64_t)to - (uint64_t)from > (uint64_t)TC_HOLD_NS) {
		return -1;
	}
	*res = to - from;
	return 0;
}

/* ---- syntonization (tc.h): the grandmaster's rate over the TC's clock ---- */

/* A frame's destination, to tell a unicast master's clients apart: the IP
 * address, or the MAC for layer 2, zero-padded to 16 octets. */
static void dst_of(const uint8_t *fr, const struct tc_frame *f, uint8_t d[16])
{
	memset(d, 0, 16);
	if (f->ip == 4) {
		memcpy(d, fr + f->ip_off + 16, 4);
	} else if (f->ip == 6) {
		memcpy(d, fr + f->ip_off + 24, 16);
	} else {
		memcpy(d, fr, 6);
	}
}

/* The entry of the source (domainNumber, sourcePortIdentity) of the
 * message at ptp; with add, a new one in a free or the least recently
 * heard slot when there is none.  NULL: none (!add). */
static struct tc_rate *rate_find(struct tc *t, const uint8_t *ptp, int add)
{
	struct tc_rate *r, *slot = NULL;
	int i;

	for (i = 0; i < TC_RATE_SOURCES; i++) {
		r = &t->rate[i];
		if (r->used && r->domain == ptp[4] && !memcmp(r->port_id, ptp + 20, 10)) {
			return r;
		}
		if (!slot || (slot->used && (!r->used || r->heard < slot->heard))) {
			slot = r;
		}
	}
	if (!add) {
		return NULL;
	}
	memset(slot, 0, sizeof(*slot));
	slot->used = 1;
	slot->domain = ptp[4];
	memcpy(slot->port_id, ptp + 20, 10);
	return slot;
}

/* The master's time of a Sync: the Timestamp at ptp + 34 (origin or
 * preciseOrigin) + corrections c1 + c2 (scaled ns) into *ns.  0, or -1 for
 * a time no grandmaster has (seconds >= 2^33, nanoseconds >= 1e9, a
 * correction of a second or more). */
static int master_time(const uint8_t *ptp, int64_t c1, int64_t c2, tmv_t *ns)
{
	uint64_t sec = get_be48(ptp + 34);
	uint32_t nsec = get_be32(ptp + 40);
	const int64_t lim = (int64_t)1 << 46; /* 2^30 ns in scaled ns */

	if (sec >= (1ULL << 33) || nsec >= 1000000000u || c1 <= -lim || c1 >= lim ||
	    c2 <= -lim || c2 >= lim) {
		return -1;
	}
	*ns = (tmv_t)sec * 1000000000 + nsec + (c1 + c2) / 65536;
	return 0;
}

/* A Sync's master time against its ingress stamp (both ns): a ratio once
 * the baseline from the last one is TC_RATE_BASE_NS or more, kept when
 * within TC_RATE_MAX_PPB of 1 and smoothed (1/4 of each new one), counted
 * and dropped otherwise; the baseline restarts here either way. */
static void rate_point(struct tc *t, struct tc_rate *r, tmv_t master, tmv_t local)
{
	if (r->have_ref) {
		/* unsigned: stamps from anywhere cannot overflow; the wrapped
		 * difference of such is out of range below */
		double dl = (double)(int64_t)((uint64_t)local - (uint64_t)r->ref_local);
		double dm = (double)(int64_t)((uint64_t)master - (uint64_t)r->ref_master);
		double q, dev;

		if (dl > 0 && dl < (double)TC_RATE_BASE_NS) {
			return; /* keep the baseline's start */
		}
		q = dl > 0 ? dm / dl : 0;
		dev = q > 1 ? q - 1 : 1 - q;
		if (dev * 1e9 <= TC_RATE_MAX_PPB) {
			r->ratio = r->ratio ? r->ratio + (q - r->ratio) / 4 : q;
			t->ratio_any = r->ratio;
			t->rate_n++;
		} else { /* a clock stepped, or no grandmaster's rate */
			t->rate_rejected++;
		}
	}
	r->have_ref = 1;
	r->ref_master = master;
	r->ref_local = local;
}

/* An Announce (ptp, len octets) in at now (monotonic ns): its sender
 * the source followed in its domain when it is better than the one that
 * is, or is that one, or that one's time ran out (4 of its announce
 * intervals, 1/128..128 s).  Better: 1588-2019 9.3.4 Figure 34 (the
 * comparison of core/bmca.c), which for Announces of different
 * grandmasters is the order of their octets 47..60 (priority1,
 * clockClass, clockAccuracy, offsetScaledLogVariance, priority2,
 * grandmasterIdentity); of one grandmaster, the fewer stepsRemoved
 * (61..62; Figure 35 without its tie-breaks by port identity). */
static void rate_announce(struct tc *t, const uint8_t *ptp, size_t len, tmv_t now)
{
	struct tc_best *b, *slot = NULL;
	int i, l = (int8_t)ptp[33];

	if (len < 64) {
		return;
	}
	for (i = 0; i < TC_RATE_SOURCES; i++) {
		b = &t->best[i];
		if (b->used && b->domain == ptp[4]) {
			break;
		}
		if (!slot && (!b->used || now >= b->expires)) {
			slot = b;
		}
	}
	if (i == TC_RATE_SOURCES) {
		if (!slot) {
			return; /* more domains than we follow */
		}
		b = slot;
	} else if (now < b->expires && memcmp(b->sender, ptp + 20, 10) &&
		   memcmp(ptp + 47, b->ds, sizeof(b->ds)) >= 0) {
		return; /* not better than the one followed */
	}
	b->used = 1;
	b->domain = ptp[4];
	memcpy(b->ds, ptp + 47, sizeof(b->ds));
	memcpy(b->sender, ptp + 20, 10);
	b->expires = now + 4 * log2_interval_ns(l < -7 ? -7 : l > 7 ? 7 : l);
}

/* 1 when the Sync at ptp is of the source followed (tc.h). */
static int rate_followed(const struct tc *t, const uint8_t *ptp, tmv_t now)
{
	int i;

	if (t->src_len) {
		return !memcmp(ptp + 20, t->src, t->src_len);
	}
	for (i = 0; i < TC_RATE_SOURCES; i++) {
		const struct tc_best *b = &t->best[i];
		if (b->used && b->domain == ptp[4] && now < b->expires) {
			return !memcmp(ptp + 20, b->sender, 10);
		}
	}
	return 0;
}

/* A Sync in, stamped rx_ts (ns): one point of its source's ratio, or
 * (two-step) waiting for its Follow_Up; nothing unless it is of the
 * source followed. */
static void rate_sync(struct tc *t, const uint8_t *fr, const struct tc_frame *f, tmv_t rx_ts,
		      tmv_t now)
{
	const uint8_t *ptp = fr + f->ptp_off;
	struct tc_rate *r;
	tmv_t m;

	if (!t->syntonize || f->ptp_len < 44 || !rate_followed(t, ptp, now)) {
		return;
	}
	r = rate_find(t, ptp, 1);
	r->heard = now;
	if (ptp[6] & PTP_TWO_STEP) {
		r->pend = 1;
		r->pend_seq = get_be16(ptp + 30);
		dst_of(fr, f, r->pend_dst);
		r->pend_rx = rx_ts;
		r->pend_corr = (int64_t)get_be64(ptp + 8);
	} else if (!master_time(ptp, (int64_t)get_be64(ptp + 8), 0, &m)) {
		rate_point(t, r, m, rx_ts);
	}
}

/* A Follow_Up in: the point of the two-step Sync it follows. */
static void rate_follow_up(struct tc *t, const uint8_t *fr, const struct tc_frame *f)
{
	const uint8_t *ptp = fr + f->ptp_off;
	struct tc_rate *r;
	uint8_t d[16];
	tmv_t m;

	if (!t->syntonize || f->ptp_len < 44 || !(r = rate_find(t, ptp, 0)) || !r->pend ||
	    r->pend_seq != get_be16(ptp + 30)) {
		return;
	}
	dst_of(fr, f, d);
	if (memcmp(d, r->pend_dst, 16)) {
		return; /* another client's */
	}
	r->pend = 0;
	if (!master_time(ptp, r->pend_corr, (int64_t)get_be64(ptp + 8), &m)) {
		rate_point(t, r, m, r->pend_rx);
	}
}

/* A residence res (ns, >= 0, on the TC's clock) of the event message
 * named k in the grandmaster's time: times its Sync source's ratio, a
 * Delay_Req's (or a source not yet measured) the last ratio of any source,
 * 1 before any (or with tc_syntonize 0). */
static tmv_t syntonized(const struct tc *t, const struct tc_key *k, tmv_t res)
{
	double q = t->ratio_any;
	int i;

	if (!t->syntonize || !q) {
		return res;
	}
	for (i = 0; k->type == SYNC && i < TC_RATE_SOURCES; i++) {
		const struct tc_rate *r = &t->rate[i];
		if (r->used && r->ratio && r->domain == k->domain &&
		    !memcmp(r->port_id, k->port_id, 10)) {
			q = r->ratio;
			break;
		}
	}
	return (tmv_t)((double)res * q + 0.5);
}

int tc_rate_ratio(const struct tc *t, double *ppb, uint64_t *n, uint64_t *rejected)
{
	int on = t->syntonize && t->ratio_any;

	*ppb = on ? (t->ratio_any - 1.0) * 1e9 : 0;
	if (n) {
		*n = t->rate_n;
	}
	if (rejected) {
		*rejected = t->rate_rejected;
	}
	return on;
}

static void note_residence(struct tc_port_stats *s, tmv_t res)
{
	s->res_n++;
	s->res_sum += (double)res;
	if ((double)res > s->res_max) {
		s->res_max = (double)res;
	}
}

/* On-path processing (1588-2019 16.14) of a message the TC changed: with
 * an SA, its ICV computed again; then the UDP checksum made to verify as
 * it did before the changes (was: udp_csum() of the frame then). */
static void resign(struct tc *t, uint8_t *fr, const struct tc_frame *f, uint16_t was)
{
	if (t->ops.eng.auth) {
		auth_resign(auth_port_sa(t->ops.eng.auth), fr + f->ptp_off, f->ptp_len);
	}
	if (f->ip) {
		udp_csum_set(fr, f, was);
	}
}

/* Send a copy of frame (parsed as f) out of port, correctionField + add
 * ns.  Returns the id, or -errno (counted). */
static int forward(struct tc *t, int port, const uint8_t *frame, size_t len,
		   const struct tc_frame *f, tmv_t add, int want_ts)
{
	struct tc_port_stats *s = &t->st[port];
	int id;

	memcpy(t->scratch, frame, len);
	if (add) { /* 0..TC_HOLD_NS (residence_of) */
		s->corr_saturated += tc_frame_add_correction(t->scratch, f, (int64_t)add * 65536);
		s->corrected++;
		resign(t, t->scratch, f, f->ip ? udp_csum(t->scratch, f) : 0);
	}
	id = t->ops.send_frame(t->ops.eng.io, port, t->scratch, len, want_ts);
	if (id < 0) {
		s->tx_err++;
		return id;
	}
	s->tx_frames++;
	if (f->ptp_len) {
		s->tx_msg[frame[f->ptp_off] & 0x0f]++;
	}
	return id;
}

static struct tc_event *event_slot(struct tc *t)
{
	struct tc_event *e = &t->ev[t->ev_next];
	t->ev_next = (t->ev_next + 1) % TC_EVENTS;
	return e;
}

static struct tc_event *event_find(struct tc *t, int port, const struct tc_key *k)
{
	int i;
	for (i = 0; i < TC_EVENTS; i++) {
		struct tc_event *e = &t->ev[i];
		if (e->state != EV_FREE && e->two_step && e->port == port && key_eq(&e->key, k)) {
			return e;
		}
	}
	return NULL;
}

/* A free conv[] slot holding frame with twoStepFlag set (10.2.2.1.2), or
 * 0 when none is free. */
static int convert_slot(struct tc *t, const uint8_t *fr, size_t len, const struct tc_frame *f)
{
	int i;

	/* an authenticated Sync: only a TC holding the SA may change more
	 * than correctionField */
	if (!t->ops.eng.auth && auth_tlv_at(fr + f->ptp_off, f->ptp_len) >= 0) {
		return 0;
	}
	for (i = 0; i < TC_CONV; i++) {
		struct tc_conv *c = &t->conv[i];
		if (!c->used) {
			c->used = 1;
			c->len = len;
			c->f = *f;
			memcpy(c->frame, fr, len);
			c->frame[f->ptp_off + 6] |= PTP_TWO_STEP;
			resign(t, c->frame, f, f->ip ? udp_csum(fr, f) : 0);
			return i + 1;
		}
	}
	return 0;
}

/* A Sync or Delay_Req: to every egress port, with the residence written
 * ahead (one_step) or left for its Follow_Up / Delay_Resp (two_step; a
 * one-step Sync becomes two-step and the TC sends the Follow_Up). */
static void on_event(struct tc *t, uint32_t out, const uint8_t *fr, size_t len,
		     const struct tc_frame *f, tmv_t rx_ts, tmv_t now)
{
	const uint8_t *ptp = fr + f->ptp_off;
	uint8_t type = ptp[0] & 0x0f;
	struct tc_key k;
	int port;

	key_of(&k, type, ptp, ptp + 20);
	for (port = 1; port <= t->n; port++) {
		struct tc_event *e;
		tmv_t res = 0, tnow = 0;
		int id, conv = 0, two_step = t->mode == TC_TWO_STEP;

		if (!(out & (1u << port))) {
			continue;
		}
		if (two_step && type == SYNC && !(ptp[6] & PTP_TWO_STEP)) {
			conv = convert_slot(t, fr, len, f);
			two_step = conv > 0; /* no room: written ahead instead */
		}
		if (!two_step) {
			/* 10.2.2.1.1: up to the last reading before the send */
			if (clk_gettime(t->ops.eng.clk, &tnow) || residence_of(rx_ts, tnow, &res)) {
				t->st[port].res_invalid++;
				continue;
			}
			res = syntonized(t, &k, res);
			note_residence(&t->st[port], res);
		}
		id = conv ? forward(t, port, t->conv[conv - 1].frame, len, f, 0, 1)
			  : forward(t, port, fr, len, f, res, 1);
		if (id < 0) {
			if (conv) {
				t->conv[conv - 1].used = 0;
			}
			continue;
		}
		e = event_slot(t);
		if (e->conv) {
			t->conv[e->conv - 1].used = 0; /* overwritten unanswered */
		}
		memset(e, 0, sizeof(*e));
		e->state = EV_WAIT_TS;
		e->id = id;
		e->port = port;
		e->two_step = two_step;
		e->conv = conv;
		e->key = k;
		e->rx_ts = rx_ts;
		e->written = two_step ? 0 : tnow;
		e->expires = now + TC_EVENT_TTL_NS;
	}
}

/* The Follow_Up of a one-step Sync made two-step (10.2.2.1.2):
 * preciseOriginTimestamp = its originTimestamp, correctionField = the
 * residence (the Sync keeps its own: the slave adds the two), to the
 * general port. */
static void send_follow_up(struct tc *t, struct tc_event *e)
{
	struct tc_conv *c = &t->conv[e->conv - 1];
	uint8_t *ptp = c->frame + c->f.ptp_off;
	int64_t res = (int64_t)e->residence * 65536; /* 0..TC_HOLD_NS */
	uint16_t was = c->f.ip ? udp_csum(c->frame, &c->f) : 0;

	ptp[0] = (uint8_t)((ptp[0] & 0xf0) | FOLLOW_UP);
	ptp[6] &= (uint8_t)~PTP_TWO_STEP;
	ptp[32] = 2; /* controlField: Follow_Up */
	put_be64(ptp + 8, (uint64_t)res);
	if (c->f.ip) {
		put_be16(c->frame + c->f.udp_off, 320);
		put_be16(c->frame + c->f.udp_off + 2, 320);
	}
	resign(t, c->frame, &c->f, was);
	forward(t, e->port, c->frame, c->len, &c->f, 0, 0);
	t->st[e->port].corrected++;
	c->used = 0;
	e->conv = 0;
}

static void hold(struct tc *t, int port, int ev_port, const uint8_t *fr, size_t len,
		 const struct tc_frame *f, const struct tc_key *k, tmv_t now)
{
	int i;
	for (i = 0; i < TC_HELD; i++) {
		struct tc_held *h = &t->held[i];
		if (!h->used) {
			h->used = 1;
			h->port = port;
			h->ev_port = ev_port;
			h->key = *k;
			h->deadline = now + TC_HOLD_NS;
			h->len = len;
			h->f = *f;
			memcpy(h->frame, fr, len);
			return;
		}
	}
	t->st[port].dropped_late++; /* no room: as if it had waited too long */
}

/* A Follow_Up (of a Sync) or Delay_Resp (of a Delay_Req), two_step. */
static void on_general_two_step(struct tc *t, uint32_t out, int in_port, const uint8_t *fr,
				size_t len, const struct tc_frame *f, tmv_t now)
{
	const uint8_t *ptp = fr + f->ptp_off;
	uint8_t type = ptp[0] & 0x0f;
	struct tc_key k;
	int port;

	if (type == DELAY_RESP) {
		struct tc_event *e;
		if (f->ptp_len < 54) {
			t->st[in_port].rx_bad++;
			return;
		}
		/* the Delay_Req left by the port its answer came in by */
		key_of(&k, DELAY_REQ, ptp, ptp + 44);
		e = event_find(t, in_port, &k);
		for (port = 1; port <= t->n; port++) {
			if (!(out & (1u << port))) {
				continue;
			}
			if (!e || e->state == EV_FAILED) {
				t->st[port].dropped_unmatched++;
			} else if (e->state == EV_DONE) {
				forward(t, port, fr, len, f, e->residence, 0);
			} else { /* released by the Delay_Req's timestamp */
				hold(t, port, in_port, fr, len, f, &k, now);
			}
		}
		return;
	}
	key_of(&k, SYNC, ptp, ptp + 20);
	for (port = 1; port <= t->n; port++) {
		struct tc_event *e;
		if (!(out & (1u << port))) {
			continue;
		}
		e = event_find(t, port, &k);
		if (!e || e->state == EV_FAILED) {
			t->st[port].dropped_unmatched++;
		} else if (e->state == EV_DONE) {
			forward(t, port, fr, len, f, e->residence, 0);
		} else { /* released by the Sync's timestamp */
			hold(t, port, port, fr, len, f, &k, now);
		}
	}
}

void tc_rx(struct tc *t, int port, const uint8_t *fr, size_t len, tmv_t rx_ts, tmv_t now)
{
	struct tc_frame f;
	uint32_t out;
	uint8_t type;
	int p, rc;

	if (port < 1 || port > t->n || len > TC_FRAME_MAX) {
		if (port >= 1 && port <= t->n) {
			t->st[port].rx_bad++;
		}
		return;
	}
	out = t->ops.egress(t->ops.eng.io, port, fr, len) & ~(1u << port);
	out &= ((2u << t->n) - 1) & ~1u;
	t->st[port].rx_frames++;
	rc = tc_frame_parse(fr, len, &f);
	/* a TC holding an SA forwards only what it can vouch for */
	if (rc == 0 && t->ops.eng.auth && auth_check(t->ops.eng.auth, fr + f.ptp_off, f.ptp_len) < 0) {
		t->st[port].auth_dropped++;
		return;
	}
	if (rc == 0) {
		type = fr[f.ptp_off] & 0x0f;
		t->st[port].rx_msg[type]++;
		if (type == FOLLOW_UP && !f.event) {
			rate_follow_up(t, fr, &f);
		}
		if (type == ANNOUNCE && !f.event && t->syntonize && !t->src_len) {
			rate_announce(t, fr + f.ptp_off, f.ptp_len, now);
		}
		if ((type == SYNC || type == DELAY_REQ) && f.event) {
			if (rx_ts) {
				if (type == SYNC) {
					rate_sync(t, fr, &f, rx_ts, now);
				}
				on_event(t, out, fr, len, &f, rx_ts, now);
				return;
			}
			rc = -EBADMSG; /* no ingress stamp: cannot correct */
		} else if (t->mode == TC_TWO_STEP && !f.event &&
			   (type == FOLLOW_UP || type == DELAY_RESP)) {
			on_general_two_step(t, out, port, fr, len, &f, now);
			return;
		}
	}
	if (rc) {
		t->st[port].rx_bad++;
	}
	/* everything else, and what we cannot parse: unchanged */
	for (p = 1; p <= t->n; p++) {
		if (out & (1u << p)) {
			forward(t, p, fr, len, &f, 0, 0);
		}
	}
}

static void release(struct tc *t, const struct tc_event *e, tmv_t now)
{
	int i;

	for (i = 0; i < TC_HELD; i++) {
		struct tc_held *h = &t->held[i];
		if (!h->used || h->ev_port != e->port || !key_eq(&h->key, &e->key)) {
			continue;
		}
		if (now >= h->deadline) { /* tc_tick has not run yet */
			t->st[h->port].dropped_late++;
		} else if (e->state == EV_DONE) {
			forward(t, h->port, h->frame, h->len, &h->f, e->residence, 0);
		} else {
			t->st[h->port].dropped_unmatched++;
		}
		h->used = 0;
	}
}

void tc_tx_ts(struct tc *t, int id, tmv_t tx_ts, tmv_t now)
{
	int i;

	for (i = 0; i < TC_EVENTS; i++) {
		struct tc_event *e = &t->ev[i];
		struct tc_port_stats *s;
		if (e->state != EV_WAIT_TS || e->id != id) {
			continue;
		}
		s = &t->st[e->port];
		if (!tx_ts) {
			s->tx_ts_missing++;
			e->state = EV_FAILED;
			if (e->conv) {
				t->conv[e->conv - 1].used = 0;
				e->conv = 0;
			}
		} else if (e->two_step) {
			if (residence_of(e->rx_ts, tx_ts, &e->residence)) {
				/* its Follow_Up / Delay_Resp go as unmatched */
				s->res_invalid++;
				e->state = EV_FAILED;
				if (e->conv) {
					t->conv[e->conv - 1].used = 0;
					e->conv = 0;
				}
			} else {
				e->state = EV_DONE;
				e->residence = syntonized(t, &e->key, e->residence);
				note_residence(s, e->residence);
				if (e->conv) {
					send_follow_up(t, e);
				}
			}
		} else {
			e->state = EV_DONE;
			if (e->written) {
				double wa = (double)(tx_ts - e->written);
				s->wa_n++;
				s->wa_sum += wa;
				if (wa > s->wa_max) {
					s->wa_max = wa;
				}
			}
		}
		if (e->two_step) {
			release(t, e, now);
		}
		return;
	}
}

tmv_t tc_tick(struct tc *t, tmv_t now)
{
	tmv_t next = INT64_MAX;
	int i;

	for (i = 0; i < TC_HELD; i++) {
		struct tc_held *h = &t->held[i];
		if (!h->used) {
			continue;
		}
		if (now >= h->deadline) {
			t->st[h->port].dropped_late++;
			h->used = 0;
		} else {
			next = eng_min(next, h->deadline);
		}
	}
	for (i = 0; i < TC_EVENTS; i++) {
		struct tc_event *e = &t->ev[i];
		if (e->state != EV_FREE && now >= e->expires) {
			if (e->state == EV_WAIT_TS) {
				t->st[e->port].tx_ts_missing++;
			}
			if (e->conv) {
				t->conv[e->conv - 1].used = 0;
				e->conv = 0;
			}
			e->state = EV_FREE;
		}
	}
	return next;
}

void tc_log_summary(struct tc *t)
{
	int p;

	for (p = 1; p <= t->n; p++) {
		const struct tc_port_stats *s = &t->st[p];
		tc_log(t, LOG_INFO,
		       "port %d (%s): rx %llu tx %llu corrected %llu residence mean %.0f max %.0f ns "
		       "(%llu) write-ahead error mean %.0f max %.0f ns (%llu) bad %llu "
		       "unmatched %llu late %llu tx_err %llu ts_missing %llu res_invalid %llu "
		       "auth_dropped %llu saturated %llu",
		       p, t->names[p - 1], (unsigned long long)s->rx_frames,
		       (unsigned long long)s->tx_frames, (unsigned long long)s->corrected,
		       s->res_n ? s->res_sum / (double)s->res_n : 0.0, s->res_max,
		       (unsigned long long)s->res_n, s->wa_n ? s->wa_sum / (double)s->wa_n : 0.0,
		       s->wa_max, (unsigned long long)s->wa_n, (unsigned long long)s->rx_bad,
		       (unsigned long long)s->dropped_unmatched, (unsigned long long)s->dropped_late,
		       (unsigned long long)s->tx_err, (unsigned long long)s->tx_ts_missing,
		       (unsigned long long)s->res_invalid, (unsigned long long)s->auth_dropped,
		       (unsigned long long)s->corr_saturated);
	}
	if (t->syntonize) {
		double ppb;
		if (tc_rate_ratio(t, &ppb, NULL, NULL)) {
			tc_log(t, LOG_INFO,
			       "syntonized: grandmaster rate %+.3f ppm of ours (%llu measurements, "
			       "%llu discarded)",
			       ppb / 1000, (unsigned long long)t->rate_n,
			       (unsigned long long)t->rate_rejected);
		} else {
			tc_log(t, LOG_INFO,
			       "not yet syntonized: residences on our clock (%llu measurements "
			       "discarded)",
			       (unsigned long long)t->rate_rejected);
		}
	}
}

static int64_t round_ns(double x)
{
	return x >= 0 ? (int64_t)(x + 0.5) : -(int64_t)(0.5 - x);
}

int tc_mgmt_get(struct tc *t, struct mgmt_value *v, int port)
{
	const struct tc_port_stats *st = tc_port_stats(t, port);
	struct port_identity pid;
	int64_t *c;

	pid.clockIdentity = t->id;
	pid.portNumber = (uint16_t)port;
	switch (v->id) {
	case MID_DEFAULT_DATA_SET: /* 1588-2019 8.2.1; 8.2.1.2.2 numberPorts */
		default_ds_from_config(t->cfg, &v->u.dds);
		v->u.dds.clockIdentity = t->id;
		v->u.dds.numberPorts = (uint16_t)t->n;
		v->u.dds.twoStepFlag = t->mode == TC_TWO_STEP;
		v->u.dds.slaveOnly = 0;
		return 0;
	case MID_TRANSPARENT_CLOCK_DEFAULT_DATA_SET: /* 1588-2008 8.3.2 */
		v->u.tcds.clockIdentity = t->id;
		v->u.tcds.numberPorts = (uint16_t)t->n;
		v->u.tcds.delayMechanism = 0x01; /* E2E */
		v->u.tcds.primaryDomain = (uint8_t)cfg_int(t->cfg, OPT_domainNumber);
		return 0;
	case MID_DOMAIN:
		v->u.u8 = (uint8_t)cfg_int(t->cfg, OPT_domainNumber);
		return 0;
	}
	if (!st) { /* the port-level ids: a port of ours */
		return -MERR_NOT_SUPPORTED;
	}
	switch (v->id) {
	case MID_VERSION_NUMBER:
		v->u.u8 = 2;
		return 0;
	case MID_TRANSPARENT_CLOCK_PORT_DATA_SET: /* 1588-2008 8.3.3 */
		v->u.tcport.portIdentity = pid;
		v->u.tcport.faultyFlag = 0;
		v->u.tcport.logMinPdelayReqInterval = 0x7f; /* E2E: no Pdelay */
		v->u.tcport.peerMeanPathDelay = 0;
		return 0;
	case MID_PORT_STATS_NP:
		v->u.stats.portIdentity = pid;
		memcpy(v->u.stats.rxMsgType, st->rx_msg, sizeof(st->rx_msg));
		memcpy(v->u.stats.txMsgType, st->tx_msg, sizeof(st->tx_msg));
		return 0;
	case MID_TC_PORT_STATS_NP:
		v->u.tcstats.portIdentity = pid;
		c = v->u.tcstats.count;
		c[TCS_RX_FRAMES] = (int64_t)st->rx_frames;
		c[TCS_TX_FRAMES] = (int64_t)st->tx_frames;
		c[TCS_CORRECTED] = (int64_t)st->corrected;
		c[TCS_RX_MALFORMED] = (int64_t)st->rx_bad;
		c[TCS_TX_ERR] = (int64_t)st->tx_err;
		c[TCS_TX_TS_MISSING] = (int64_t)st->tx_ts_missing;
		c[TCS_DROPPED_UNMATCHED] = (int64_t)st->dropped_unmatched;
		c[TCS_DROPPED_LATE] = (int64_t)st->dropped_late;
		c[TCS_RESIDENCE_INVALID] = (int64_t)st->res_invalid;
		c[TCS_AUTH_DROPPED] = (int64_t)st->auth_dropped;
		c[TCS_RESIDENCE_N] = (int64_t)st->res_n;
		c[TCS_RESIDENCE_MEAN_NS] = st->res_n ? round_ns(st->res_sum / (double)st->res_n) : 0;
		c[TCS_RESIDENCE_MAX_NS] = round_ns(st->res_max);
		c[TCS_WRITEAHEAD_N] = (int64_t)st->wa_n;
		c[TCS_WRITEAHEAD_MEAN_NS] = st->wa_n ? round_ns(st->wa_sum / (double)st->wa_n) : 0;
		c[TCS_WRITEAHEAD_MAX_NS] = round_ns(st->wa_max);
		return 0;
	}
	return -MERR_NOT_SUPPORTED;
}
