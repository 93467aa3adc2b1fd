/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * loadgen: N emulated unicast PTP clients (UDP/IPv6) in one event-driven
 * process, to load a unicast grandmaster (IEEE 1588-2019 16.1 negotiation;
 * OCP DC and G.8265.1 profiles).
 *
 * Every client has its own IPv6 address (PREFIX + index + 1) and
 * portIdentity, asks for Announce, Sync and Delay_Resp grants
 * (REQUEST_UNICAST_TRANSMISSION), renews them before they expire, sends
 * Delay_Req at the granted Delay_Resp rate and records what it gets: grants
 * and denials, Sync inter-arrival compliance (OCP 7.12, 1588 16.1: mean
 * within +-30 % of the granted period and 90 % of the intervals within
 * +-30 %), a Follow_Up for each two-step Sync (same sequenceId) and a
 * Delay_Resp for each Delay_Req.  At the end it prints one key=value line
 * and a table.
 *
 * Addresses: the generator does not configure one address per client.  Its
 * network namespace routes the whole prefix to itself (an AnyIP route:
 * `ip -6 route add local PREFIX dev lo`), the server routes the prefix to
 * the generator (`ip -6 route add PREFIX via GEN`), and two sockets, bound
 * to [::]:319 and [::]:320 with IPV6_FREEBIND, send each message with the
 * client's source address in an IPV6_PKTINFO control message and learn the
 * client a message is for from the IPV6_PKTINFO of what they receive.  That
 * costs the kernels nothing per client: no address entries (100 000 `ip addr
 * add` would each add an inet6_ifaddr, a local route and a slot in a hash
 * table of 256 buckets that every received packet searches), no neighbour
 * entries on the server (one gateway instead of 100 000 neighbours, far
 * beyond gc_thresh3), nothing to set up or remove.
 *
 * One thread: a binary heap of per-client deadlines (each client has one:
 * its next Signaling or Delay_Req), recvmmsg()/sendmmsg() in batches of 64,
 * kernel receive time stamps (SO_TIMESTAMPNS) for the Sync intervals.
 * About 120 octets per client.
 *
 * Authentication (--sa-file, --spp, --key-id; 1588-2019 16.14 through
 * core/auth.h, the sa_file format of the gm's sa_file): every message sent
 * carries the AUTHENTICATION TLV of that SA and key, and every message
 * received must carry a valid one of the SA, else it is counted
 * (auth_missing, auth_bad_icv, auth_unknown_key) and dropped.  The
 * sequenceId replay window is not checked here: the server numbers each
 * client's Syncs apart, one table per client would cost more than the
 * clients themselves.
 *
 * --floor: no negotiation, for test/bench/udp_floor (the floor of the
 * gm's datagram work): each client sends its Delay_Req at --rate from its
 * start on, without grants, and counts what comes as above (Syncs at
 * --rate, their Follow_Ups, Delay_Resp, Announce); no CANCEL at the end.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../core/auth.h"
#include "../../core/msg.h"
#include "../../core/tlv.h"

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif
#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif
#ifndef SO_TIMESTAMPNS
#define SO_TIMESTAMPNS 35
#endif
#ifndef SCM_TIMESTAMPNS
#define SCM_TIMESTAMPNS SO_TIMESTAMPNS
#endif

#define BATCH 64	    /* messages per recvmmsg()/sendmmsg() */
#define PKT_MAX 512	    /* the largest message we expect: a Signaling */
#define FIRE_MAX 20000	    /* client deadlines handled before receiving again */
#define RETRY_MS 1000	    /* no answer to a REQUEST, or a denial: ask again */
#define BACKOFF_MS 60000    /* after three failures in a row (G.8265.1 6.6) */
#define PROGRESS_NS (10 * NS)
#define PASS_NS 1000000	    /* the loop's shortest pass */
#define NS 1000000000LL
#define NEVER INT64_MAX
#define EVENT_PORT 319
#define GENERAL_PORT 320

enum { SVC_ANN, SVC_SYNC, SVC_DR, NSVC };
static const uint8_t svc_type[NSVC] = { ANNOUNCE, SYNC, DELAY_RESP };

enum { ST_IDLE, ST_GRANTED };

/* Client flags */
#define F_OUT(s) (1u << (s))  /* REQUEST for service s outstanding */
#define F_AWAIT_FU 0x08	      /* a two-step Sync waits for its Follow_Up */
#define F_EARLY_FU 0x10	      /* a Follow_Up came before its Sync */
#define F_EVER_ALL 0x20	      /* held all three grants at some time */
#define F_HAVE_SYNC 0x40      /* sync_last is valid */

/* One emulated client.  Times: ms since the start (uint32) or ns since the
 * start (int64, monotonic), except the Sync arrival times, which are the
 * kernel's receive stamps (CLOCK_REALTIME ns). */
struct client {
	int64_t due;	   /* ns: the deadline in the heap (stale entries differ) */
	int64_t next_dreq; /* ns: next Delay_Req; NEVER without a Delay_Resp grant */
	int64_t sync_first, sync_last; /* realtime ns: kernel stamps */
	uint32_t act_ms[NSVC];	       /* next request: first, retry or renewal */
	uint32_t exp_ms[NSVC];	       /* grant expiry */
	uint32_t syncs, sync_iv, sync_iv_ok, sync_lost;
	uint32_t two_step, fu_ok;
	uint32_t dreq, dresp;
	uint32_t announces;
	uint16_t grants, denials;
	uint16_t sig_seq, dreq_seq, sync_seq, fu_seq;
	uint16_t dreq_out; /* bit k: Delay_Req dreq_seq-1-k not answered yet */
	uint8_t st[NSVC];
	int8_t log[NSVC]; /* granted logInterMessagePeriod */
	uint8_t fails[NSVC];
	uint8_t flags;
};

struct heap_ent {
	int64_t due;
	uint32_t idx;
};

struct txq {
	int fd, n;
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in6 to[BATCH];
	uint8_t buf[BATCH][PKT_MAX];
	union {
		char c[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl[BATCH];
};

struct rxq {
	int fd, event;
	uint32_t ovfl; /* SO_RXQ_OVFL: datagrams the socket dropped */
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in6 from[BATCH];
	uint8_t buf[BATCH][PKT_MAX];
	union {
		char c[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct timespec)) +
		       CMSG_SPACE(sizeof(uint32_t)) + 64];
		struct cmsghdr align;
	} ctl[BATCH];
};

struct opts {
	uint32_t clients;
	double duration, ramp, grace;
	int rate, ann_rate;
	uint32_t grant;
	int domain;
	int cancel;
	int floor; /* --floor: Delay_Req without negotiation */
	int quiet;
	struct in6_addr server;
	struct in6_addr prefix;
	int plen;
	unsigned seed;
	const char *sa_file; /* authentication: NULL off */
	int spp;
	long long key_id;
};

struct totals {
	uint64_t tx, tx_err, rx, rx_bad, rx_foreign, rx_other_domain, rx_unknown;
	uint64_t wrong_target, wrong_requester, unexpected_grant, gm_cancels, acks;
	uint64_t requests, timeouts, lapses, late_dresp;
	uint64_t auth_missing, auth_bad_icv, auth_unknown_key; /* received, dropped */
};

struct lg {
	struct opts o;
	struct client *c;
	struct heap_ent *heap;
	size_t n_heap, cap_heap;
	struct txq tx_ev, tx_gen;
	struct rxq rx_ev, rx_gen;
	struct totals t;
	struct sockaddr_in6 server_ev, server_gen;
	uint8_t dreq_tmpl[64];
	int dreq_len;
	int64_t t0;	/* monotonic ns at the start */
	int64_t t_end;	/* ns since the start: no new messages from then */
	int measuring;	/* Syncs count towards compliance */
	uint32_t host_mask; /* client index bits of the address's low 32 */
	uint64_t rng;
	struct auth_db *sad; /* --sa-file */
	struct auth_port *auth; /* NULL: no authentication */
	const char *auth_alg;	/* the signing key's algorithm */
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static int64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static uint64_t rnd(struct lg *l)
{
	/* xorshift64* */
	l->rng ^= l->rng >> 12;
	l->rng ^= l->rng << 25;
	l->rng ^= l->rng >> 27;
	return l->rng * 0x2545F4914F6CDD1DULL;
}

/* Period of a logInterMessagePeriod, ns */
static int64_t period_ns(int log)
{
	return (int64_t)ldexp((double)NS, log);
}

static uint32_t ms_of(int64_t ns)
{
	return (uint32_t)(ns / 1000000);
}

/* ---- clients: addresses and identities ---- */

static void client_addr(const struct lg *l, uint32_t i, struct in6_addr *a)
{
	uint32_t low;
	*a = l->o.prefix;
	memcpy(&low, &a->s6_addr[12], 4);
	low = htonl(ntohl(low) | (i + 1));
	memcpy(&a->s6_addr[12], &low, 4);
}

/* Client index of a destination address, or -1 when it is not one of ours */
static long client_of(const struct lg *l, const struct in6_addr *a)
{
	uint32_t low, v;
	int i;

	for (i = 0; i < 12; i++) {
		if (a->s6_addr[i] != l->o.prefix.s6_addr[i]) {
			return -1;
		}
	}
	memcpy(&low, &a->s6_addr[12], 4);
	memcpy(&v, &l->o.prefix.s6_addr[12], 4);
	low = ntohl(low);
	v = ntohl(v);
	if ((low & ~l->host_mask) != v || !(low & l->host_mask)) {
		return -1;
	}
	v = (low & l->host_mask) - 1;
	return v < l->o.clients ? (long)v : -1;
}

static void client_pid(uint32_t i, struct port_identity *p)
{
	/* a locally administered EUI-48 ("LG" and the index) and two octets */
	static const uint8_t head[3] = { 0x02, 'L', 'G' };
	memcpy(p->clockIdentity.id, head, 3);
	p->clockIdentity.id[3] = (uint8_t)(i >> 16);
	p->clockIdentity.id[4] = (uint8_t)(i >> 8);
	p->clockIdentity.id[5] = (uint8_t)i;
	p->clockIdentity.id[6] = (uint8_t)(i >> 24);
	p->clockIdentity.id[7] = 0x01;
	p->portNumber = 1;
}

/* ---- the deadline heap (stale entries are skipped when popped) ---- */

static int heap_push(struct lg *l, int64_t due, uint32_t idx)
{
	size_t i;

	if (l->n_heap == l->cap_heap) {
		size_t cap = l->cap_heap ? l->cap_heap * 2 : 1024;
		struct heap_ent *h = realloc(l->heap, cap * sizeof(*h));
		if (!h) {
			return -1;
		}
		l->heap = h;
		l->cap_heap = cap;
	}
	i = l->n_heap++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (l->heap[p].due <= due) {
			break;
		}
		l->heap[i] = l->heap[p];
		i = p;
	}
	l->heap[i].due = due;
	l->heap[i].idx = idx;
	return 0;
}

static struct heap_ent heap_pop(struct lg *l)
{
	struct heap_ent top = l->heap[0], last = l->heap[--l->n_heap];
	size_t i = 0, n = l->n_heap;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n) {
			break;
		}
		if (c + 1 < n && l->heap[c + 1].due < l->heap[c].due) {
			c++;
		}
		if (last.due <= l->heap[c].due) {
			break;
		}
		l->heap[i] = l->heap[c];
		i = c;
	}
	if (n) {
		l->heap[i] = last;
	}
	return top;
}

/* Set client i's deadline to when; a later one than it has is taken when
 * the earlier one fires (that entry is then stale), an earlier one is
 * pushed now. */
static void schedule(struct lg *l, uint32_t i, int64_t when)
{
	struct client *c = &l->c[i];
	if (when < c->due) {
		c->due = when;
		if (heap_push(l, when, i)) {
			fprintf(stderr, "loadgen: out of memory\n");
			exit(3);
		}
	}
}

/* The client's next deadline: requests, renewals, expiries, Delay_Req */
static int64_t client_next(const struct client *c)
{
	int64_t n = c->next_dreq;
	int s;
	for (s = 0; s < NSVC; s++) {
		int64_t a = (int64_t)c->act_ms[s] * 1000000;
		if (a < n) {
			n = a;
		}
		if (c->st[s] == ST_GRANTED) {
			a = (int64_t)c->exp_ms[s] * 1000000;
			if (a < n) {
				n = a;
			}
		}
	}
	return n;
}

/* ---- sending ---- */

static void txq_init(struct txq *q, int fd, const struct sockaddr_in6 *to)
{
	int i;
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	for (i = 0; i < BATCH; i++) {
		struct msghdr *h = &q->mm[i].msg_hdr;
		struct cmsghdr *cm;
		q->to[i] = *to;
		q->iov[i].iov_base = q->buf[i];
		h->msg_name = &q->to[i];
		h->msg_namelen = sizeof(q->to[i]);
		h->msg_iov = &q->iov[i];
		h->msg_iovlen = 1;
		h->msg_control = q->ctl[i].c;
		h->msg_controllen = sizeof(q->ctl[i].c);
		cm = CMSG_FIRSTHDR(h);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
	}
}

static void txq_flush(struct lg *l, struct txq *q)
{
	int off = 0;

	while (off < q->n) {
		int r = sendmmsg(q->fd, q->mm + off, (unsigned)(q->n - off), 0);
		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno == EAGAIN || errno == ENOBUFS) {
				/* the socket's send buffer is full: wait for room,
				 * at most 10 ms, then drop the rest */
				struct pollfd p = { q->fd, POLLOUT, 0 };
				if (poll(&p, 1, 10) == 1) {
					continue;
				}
				l->t.tx_err += (uint64_t)(q->n - off);
				break;
			}
			l->t.tx_err++; /* this message: skip it */
			off++;
			continue;
		}
		l->t.tx += (uint64_t)r;
		off += r;
	}
	q->n = 0;
}

/* The next free slot of q for client i (its source address set); the
 * caller writes the message into the returned buffer and calls txq_add. */
static uint8_t *txq_slot(struct lg *l, struct txq *q, uint32_t i)
{
	struct in6_pktinfo pi;
	if (q->n == BATCH) {
		txq_flush(l, q);
	}
	memset(&pi, 0, sizeof(pi));
	client_addr(l, i, &pi.ipi6_addr);
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&q->mm[q->n].msg_hdr)), &pi, sizeof(pi));
	return q->buf[q->n];
}

static void txq_add(struct txq *q, size_t len)
{
	q->iov[q->n].iov_len = len;
	q->n++;
}

static void msg_header(const struct lg *l, struct ptp_msg *m, uint8_t type, uint32_t i,
		       uint16_t seq)
{
	msg_init(m, type);
	m->hdr.domainNumber = (uint8_t)l->o.domain;
	m->hdr.flagField = FLAG_UNICAST;
	client_pid(i, &m->hdr.sourcePortIdentity);
	m->hdr.sequenceId = seq;
}

static void send_msg(struct lg *l, struct txq *q, uint32_t i, const struct ptp_msg *m)
{
	uint8_t *buf = txq_slot(l, q, i);
	int n = msg_pack(m, buf, PKT_MAX);
	if (n >= 0 && l->auth) {
		n = auth_port_sign(l->auth, buf, (size_t)n, PKT_MAX);
	}
	if (n < 0) {
		l->t.tx_err++;
		return;
	}
	txq_add(q, (size_t)n);
}

static int svc_log(const struct lg *l, int s)
{
	return s == SVC_ANN ? l->o.ann_rate : l->o.rate;
}

/* A Signaling with a REQUEST for each service whose time has come (within
 * 50 ms: the three go together when they can), or CANCELs (cancel: the
 * services granted). */
static void send_signaling(struct lg *l, uint32_t i, uint32_t now_ms, int cancel)
{
	struct client *c = &l->c[i];
	struct ptp_msg m;
	int s;

	msg_header(l, &m, SIGNALING, i, c->sig_seq++);
	m.hdr.logMessageInterval = 0x7f;
	memset(&m.body.signaling.targetPortIdentity, 0xff, sizeof(m.body.signaling.targetPortIdentity));
	for (s = 0; s < NSVC; s++) {
		struct tlv *t;
		if (cancel) {
			if (c->st[s] != ST_GRANTED) {
				continue;
			}
			t = msg_add_tlv(&m, TLV_CANCEL_UNICAST_TRANSMISSION);
			if (t) {
				t->u.uc.messageType = svc_type[s];
			}
			continue;
		}
		if (c->act_ms[s] > now_ms + 50) {
			continue;
		}
		if (c->flags & F_OUT(s)) {
			l->t.timeouts++; /* no answer to the last one */
			c->fails[s]++;
		}
		t = msg_add_tlv(&m, TLV_REQUEST_UNICAST_TRANSMISSION);
		if (!t) {
			continue;
		}
		t->u.uc.messageType = svc_type[s];
		t->u.uc.logInterMessagePeriod = (int8_t)svc_log(l, s);
		t->u.uc.durationField = l->o.grant;
		c->flags |= F_OUT(s);
		/* a grant still held is renewed every retry interval until it
		 * ends; a new one waits longer after three failures */
		c->act_ms[s] = now_ms + (c->fails[s] >= 3 && c->st[s] != ST_GRANTED ? BACKOFF_MS
										    : RETRY_MS);
		l->t.requests++;
	}
	if (m.n_tlv) {
		send_msg(l, &l->tx_gen, i, &m);
	}
}

static void send_dreq(struct lg *l, uint32_t i)
{
	struct client *c = &l->c[i];
	uint8_t *b = txq_slot(l, &l->tx_ev, i);
	struct port_identity p;
	int64_t t = real_ns() + 37 * NS; /* an estimate of the PTP time (13.6.2) */
	uint16_t seq = c->dreq_seq++;

	memcpy(b, l->dreq_tmpl, (size_t)l->dreq_len);
	client_pid(i, &p);
	memcpy(b + 20, p.clockIdentity.id, 8);
	b[28] = (uint8_t)(p.portNumber >> 8);
	b[29] = (uint8_t)p.portNumber;
	b[30] = (uint8_t)(seq >> 8);
	b[31] = (uint8_t)seq;
	b[34] = 0;
	b[35] = 0;
	b[36] = (uint8_t)(t / NS >> 24);
	b[37] = (uint8_t)(t / NS >> 16);
	b[38] = (uint8_t)(t / NS >> 8);
	b[39] = (uint8_t)(t / NS);
	b[40] = (uint8_t)(t % NS >> 24);
	b[41] = (uint8_t)(t % NS >> 16);
	b[42] = (uint8_t)(t % NS >> 8);
	b[43] = (uint8_t)(t % NS);
	if (l->auth) {
		int n = auth_port_sign(l->auth, b, (size_t)l->dreq_len, PKT_MAX);
		if (n < 0) {
			l->t.tx_err++;
			return;
		}
		txq_add(&l->tx_ev, (size_t)n);
	} else {
		txq_add(&l->tx_ev, (size_t)l->dreq_len);
	}
	c->dreq_out = (uint16_t)(c->dreq_out << 1 | 1);
	c->dreq++;
}

/* Client i's deadline: expiries, requests, Delay_Req. */
static void client_fire(struct lg *l, uint32_t i, int64_t now)
{
	struct client *c = &l->c[i];
	uint32_t now_ms = ms_of(now);
	int s, want = 0;

	for (s = 0; s < NSVC; s++) {
		if (c->st[s] == ST_GRANTED && now_ms >= c->exp_ms[s]) {
			c->st[s] = ST_IDLE; /* the renewal failed */
			l->t.lapses++;
			if (s == SVC_DR) {
				c->next_dreq = NEVER;
			}
			if (c->act_ms[s] > now_ms) {
				c->act_ms[s] = now_ms;
			}
		}
		if (c->act_ms[s] <= now_ms) {
			want = 1;
		}
	}
	if (want) {
		send_signaling(l, i, now_ms, 0);
	}
	if (c->next_dreq <= now) {
		send_dreq(l, i);
		c->next_dreq += period_ns(c->log[SVC_DR]);
		if (c->next_dreq <= now) {
			c->next_dreq = now + period_ns(c->log[SVC_DR]); /* after a stall */
		}
	}
	c->due = NEVER;
	schedule(l, i, client_next(c));
}

/* ---- receiving ---- */

static void on_grant(struct lg *l, uint32_t i, const struct tlv_unicast *g, int64_t now)
{
	struct client *c = &l->c[i];
	uint32_t now_ms = ms_of(now);
	int s;

	for (s = 0; s < NSVC && svc_type[s] != g->messageType; s++) {
	}
	if (s == NSVC || !(c->flags & F_OUT(s))) {
		l->t.unexpected_grant++;
		return;
	}
	c->flags &= (uint8_t)~F_OUT(s);
	if (!g->durationField) {
		c->denials++;
		c->fails[s]++;
		c->act_ms[s] = now_ms + (c->fails[s] >= 3 && c->st[s] != ST_GRANTED ? BACKOFF_MS
										    : RETRY_MS);
	} else {
		uint32_t d = g->durationField, margin = d / 4 > 3 ? d / 4 : 3;
		c->grants++;
		c->fails[s] = 0;
		c->st[s] = ST_GRANTED;
		c->log[s] = g->logInterMessagePeriod;
		c->exp_ms[s] = now_ms + d * 1000;
		/* renew early enough to retry twice before the end (A.9.4.2) */
		c->act_ms[s] = d > margin + 1 ? now_ms + (d - margin) * 1000 : now_ms + 1000;
		if (s == SVC_DR && c->next_dreq == NEVER) {
			c->next_dreq = now + (int64_t)(rnd(l) % (uint64_t)period_ns(c->log[s]));
		}
		if (c->st[SVC_ANN] == ST_GRANTED && c->st[SVC_SYNC] == ST_GRANTED &&
		    c->st[SVC_DR] == ST_GRANTED) {
			c->flags |= F_EVER_ALL;
		}
	}
	if (now < l->t_end) {
		schedule(l, i, client_next(c));
	}
}

static void on_signaling(struct lg *l, uint32_t i, const struct ptp_msg *m, int64_t now)
{
	struct client *c = &l->c[i];
	struct port_identity me;
	const struct port_identity *tp = &m->body.signaling.targetPortIdentity;
	struct ptp_msg ack;
	int k;

	client_pid(i, &me);
	if (port_id_cmp(tp, &me)) {
		static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		if (memcmp(tp->clockIdentity.id, ones, 8) || tp->portNumber != 0xffff) {
			l->t.wrong_target++;
			return;
		}
	}
	msg_header(l, &ack, SIGNALING, i, m->hdr.sequenceId);
	ack.hdr.logMessageInterval = 0x7f;
	ack.body.signaling.targetPortIdentity = m->hdr.sourcePortIdentity;
	for (k = 0; k < m->n_tlv; k++) {
		const struct tlv *t = &m->tlv[k];
		if (t->tlvType == TLV_GRANT_UNICAST_TRANSMISSION) {
			on_grant(l, i, &t->u.uc, now);
		} else if (t->tlvType == TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION) {
			l->t.acks++;
		} else if (t->tlvType == TLV_CANCEL_UNICAST_TRANSMISSION) {
			/* the server ends a grant: acknowledge (16.1.4.4), ask
			 * again after the retry interval */
			struct tlv *a = msg_add_tlv(&ack, TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION);
			int s;
			for (s = 0; s < NSVC && svc_type[s] != t->u.uc.messageType; s++) {
			}
			if (a) {
				a->u.uc.messageType = t->u.uc.messageType;
			}
			l->t.gm_cancels++;
			if (s < NSVC && c->st[s] == ST_GRANTED) {
				c->st[s] = ST_IDLE;
				c->act_ms[s] = ms_of(now) + RETRY_MS;
				if (s == SVC_DR) {
					c->next_dreq = NEVER;
				}
			}
		}
	}
	if (ack.n_tlv) {
		send_msg(l, &l->tx_gen, i, &ack);
	}
}

static void on_sync(struct lg *l, struct client *c, const struct ptp_msg *m, int64_t ts)
{
	uint16_t seq = m->hdr.sequenceId;

	if (!l->measuring) {
		return;
	}
	if (c->flags & F_HAVE_SYNC) {
		int64_t p = period_ns(c->st[SVC_SYNC] == ST_GRANTED ? c->log[SVC_SYNC] : l->o.rate);
		int64_t d = ts - c->sync_last;
		uint16_t gap = (uint16_t)(seq - c->sync_seq);
		c->sync_iv++;
		if (llabs(d - p) * 10 <= p * 3) {
			c->sync_iv_ok++;
		}
		if (gap > 1 && gap < 1000) {
			c->sync_lost += gap - 1u;
		}
	} else {
		c->sync_first = ts;
		c->flags |= F_HAVE_SYNC;
	}
	c->sync_last = ts;
	c->sync_seq = seq;
	c->syncs++;
	if (m->hdr.flagField & FLAG_TWO_STEP) {
		c->two_step++;
		if ((c->flags & F_EARLY_FU) && c->fu_seq == seq) {
			c->fu_ok++;
			c->flags &= (uint8_t)~F_EARLY_FU;
		} else {
			c->flags |= F_AWAIT_FU;
		}
	}
}

static void on_follow_up(struct client *c, const struct ptp_msg *m)
{
	uint16_t seq = m->hdr.sequenceId;
	if ((c->flags & F_AWAIT_FU) && c->sync_seq == seq) {
		c->fu_ok++;
		c->flags &= (uint8_t)~F_AWAIT_FU;
	} else {
		/* its Sync has not been read yet (the other socket) */
		c->fu_seq = seq;
		c->flags |= F_EARLY_FU;
	}
}

static void on_delay_resp(struct lg *l, uint32_t i, const struct ptp_msg *m)
{
	struct client *c = &l->c[i];
	struct port_identity me;
	uint16_t k = (uint16_t)(c->dreq_seq - 1 - m->hdr.sequenceId);

	client_pid(i, &me);
	if (port_id_cmp(&m->body.delay_resp.requestingPortIdentity, &me)) {
		l->t.wrong_requester++;
		return;
	}
	if (k < 16 && (c->dreq_out & (1u << k))) {
		c->dreq_out &= (uint16_t)~(1u << k);
		c->dresp++;
	} else {
		l->t.late_dresp++; /* a repeat, or older than 16 requests */
	}
}

static void rx_one(struct lg *l, struct rxq *q, int k, int64_t now)
{
	struct msghdr *h = &q->mm[k].msg_hdr;
	const struct sockaddr_in6 *from = &q->from[k];
	struct in6_addr dst;
	int have_dst = 0;
	int64_t ts = 0;
	struct cmsghdr *cm;
	struct ptp_msg m;
	long i;

	for (cm = CMSG_FIRSTHDR(h); cm; cm = CMSG_NXTHDR(h, cm)) {
		if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			dst = pi.ipi6_addr;
			have_dst = 1;
		} else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec t;
			memcpy(&t, CMSG_DATA(cm), sizeof(t));
			ts = (int64_t)t.tv_sec * NS + t.tv_nsec;
		} else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
			uint32_t v;
			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			q->ovfl = v;
		}
	}
	l->t.rx++;
	if (!have_dst || (i = client_of(l, &dst)) < 0 || h->msg_namelen < sizeof(*from) ||
	    memcmp(&from->sin6_addr, &l->o.server, sizeof(l->o.server))) {
		l->t.rx_foreign++;
		return;
	}
	if (l->auth) {
		/* nothing believed before the ICV holds */
		int r = auth_check(l->auth, q->buf[k], q->mm[k].msg_len);
		if (r < 0) {
			if (r == -EPROTO) {
				l->t.rx_bad++;
			} else if (r == -ENOMSG) {
				l->t.auth_missing++;
			} else if (r == -EKEYREJECTED) {
				l->t.auth_unknown_key++;
			} else {
				l->t.auth_bad_icv++;
			}
			return;
		}
	}
	if (msg_unpack(q->buf[k], q->mm[k].msg_len, &m)) {
		l->t.rx_bad++;
		return;
	}
	if (m.hdr.domainNumber != l->o.domain) {
		l->t.rx_other_domain++;
		return;
	}
	if (!ts) {
		ts = real_ns();
	}
	switch (m.hdr.messageType) {
	case SYNC:
		on_sync(l, &l->c[i], &m, ts);
		break;
	case FOLLOW_UP:
		on_follow_up(&l->c[i], &m);
		break;
	case DELAY_RESP:
		on_delay_resp(l, (uint32_t)i, &m);
		break;
	case ANNOUNCE:
		l->c[i].announces++;
		break;
	case SIGNALING:
		on_signaling(l, (uint32_t)i, &m, now);
		break;
	default:
		l->t.rx_unknown++;
		break;
	}
}

/* Everything queued on q, in batches; at most 64 batches per call */
static void rx_drain(struct lg *l, struct rxq *q)
{
	int round, k;

	for (round = 0; round < 64; round++) {
		int64_t now;
		int n;
		for (k = 0; k < BATCH; k++) {
			struct msghdr *h = &q->mm[k].msg_hdr;
			h->msg_namelen = sizeof(q->from[k]);
			h->msg_controllen = sizeof(q->ctl[k].c);
			h->msg_flags = 0;
		}
		n = recvmmsg(q->fd, q->mm, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			return;
		}
		now = mono_ns() - l->t0;
		for (k = 0; k < n; k++) {
			rx_one(l, q, k, now);
		}
		if (n < BATCH) {
			return;
		}
	}
}

static void rxq_init(struct rxq *q, int fd, int event)
{
	int k;
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->event = event;
	for (k = 0; k < BATCH; k++) {
		struct msghdr *h = &q->mm[k].msg_hdr;
		q->iov[k].iov_base = q->buf[k];
		q->iov[k].iov_len = PKT_MAX;
		h->msg_name = &q->from[k];
		h->msg_iov = &q->iov[k];
		h->msg_iovlen = 1;
		h->msg_control = q->ctl[k].c;
	}
}

/* ---- set-up ---- */

static int open_socket(uint16_t port)
{
	struct sockaddr_in6 a;
	int fd, one = 1, big = 64 << 20;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("loadgen: socket");
		return -1;
	}
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* any source address of the prefix, without configuring it */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one))) {
		perror("loadgen: setsockopt");
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	/* room for bursts: as root beyond rmem_max, else as much as allowed */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big))) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big))) {
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	}
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_any;
	a.sin6_port = htons(port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "loadgen: bind [::]:%u: %s\n", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loadgen [--clients N] [--duration S] [--rate LOG] [--server ADDR]\n"
		"               [--prefix PREFIX/LEN] [--ramp S] [--grant S] [--announce-rate LOG]\n"
		"               [--domain N] [--grace S] [--no-cancel] [--seed N] [--quiet]\n"
		"               [--sa-file FILE --spp N --key-id K] [--floor]\n"
		"N unicast PTP clients over UDP/IPv6, each with its own address in PREFIX and its\n"
		"own portIdentity: negotiate Announce, Sync and Delay_Resp (1588-2019 16.1), send\n"
		"Delay_Req at the granted rate, and report grants, Sync interval compliance, Follow_Up\n"
		"and Delay_Resp received.  The namespace must route PREFIX to itself (ip -6 route\n"
		"add local PREFIX dev lo) and the server must route it here.\n"
		"  --clients N        clients (1000)\n"
		"  --duration S       run time in s, ramp included (300)\n"
		"  --rate LOG         logInterMessagePeriod asked for Sync and Delay_Resp (0: 1/s)\n"
		"  --announce-rate LOG  for Announce (--rate, not below -3)\n"
		"  --grant S          durationField asked for, s (300); renewed at 3/4 of it\n"
		"  --server ADDR      the server's IPv6 address (fd00::1:1)\n"
		"  --prefix P/LEN     client addresses P+1 .. P+N (fd01::/64); LEN 64..120\n"
		"  --ramp S           clients start evenly over S s (5)\n"
		"  --domain N         domainNumber (0)\n"
		"  --grace S          after the run, s to wait for answers (2)\n"
		"  --no-cancel        do not CANCEL the grants at the end\n"
		"  --seed N           Delay_Req phases (1)\n"
		"  --quiet            no progress lines on stderr\n"
		"  --sa-file FILE     authenticate (1588-2019 16.14): sign every message with key K\n"
		"  --spp N            of SA N of FILE (linuxptp's sa_file format), and drop and\n"
		"  --key-id K         count every message received without a valid TLV of SA N\n"
		"  --floor            no negotiation: Delay_Req at --rate from each client's start\n"
		"                     (for test/bench/udp_floor); no CANCEL at the end\n");
}

static int parse_prefix(const char *s, struct opts *o)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	int i;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	o->plen = 64;
	if (slash) {
		*slash = 0;
		o->plen = atoi(slash + 1);
	}
	if (inet_pton(AF_INET6, buf, &o->prefix) != 1 || o->plen < 64 || o->plen > 120) {
		return -1;
	}
	for (i = o->plen; i < 128; i++) {
		o->prefix.s6_addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "clients", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "rate", required_argument, NULL, 'r' },
		{ "announce-rate", required_argument, NULL, 'a' },
		{ "grant", required_argument, NULL, 'g' },
		{ "server", required_argument, NULL, 's' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "ramp", required_argument, NULL, 'R' },
		{ "domain", required_argument, NULL, 'D' },
		{ "grace", required_argument, NULL, 'G' },
		{ "no-cancel", no_argument, NULL, 'C' },
		{ "seed", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "sa-file", required_argument, NULL, 'F' },
		{ "spp", required_argument, NULL, 'P' },
		{ "key-id", required_argument, NULL, 'K' },
		{ "floor", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, ann = 100;
	char *end;

	memset(o, 0, sizeof(*o));
	o->clients = 1000;
	o->duration = 300;
	o->ramp = 5;
	o->grace = 2;
	o->grant = 300;
	o->cancel = 1;
	o->seed = 1;
	o->spp = -1;
	o->key_id = -1;
	inet_pton(AF_INET6, "fd00::1:1", &o->server);
	parse_prefix("fd01::/64", o);
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'n': {
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || !v || v > 4000000) {
				fprintf(stderr, "loadgen: --clients: 1..4000000\n");
				return -1;
			}
			o->clients = (uint32_t)v;
			break;
		}
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || o->duration <= 0 || o->duration > 86400) {
				fprintf(stderr, "loadgen: --duration: 0..86400 s\n");
				return -1;
			}
			break;
		case 'r':
		case 'a': {
			long v = strtol(optarg, &end, 10);
			if (*end || v < -7 || v > 7) {
				fprintf(stderr, "loadgen: --%s: -7..7\n", ch == 'r' ? "rate" : "announce-rate");
				return -1;
			}
			if (ch == 'r') {
				o->rate = (int)v;
			} else {
				ann = (int)v;
			}
			break;
		}
		case 'g': {
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v < 1 || v > 86400) {
				fprintf(stderr, "loadgen: --grant: 1..86400 s\n");
				return -1;
			}
			o->grant = (uint32_t)v;
			break;
		}
		case 's':
			if (inet_pton(AF_INET6, optarg, &o->server) != 1) {
				fprintf(stderr, "loadgen: --server: an IPv6 address\n");
				return -1;
			}
			break;
		case 'p':
			if (parse_prefix(optarg, o)) {
				fprintf(stderr, "loadgen: --prefix: ADDR/LEN, LEN 64..120\n");
				return -1;
			}
			break;
		case 'R':
			o->ramp = strtod(optarg, &end);
			if (*end || o->ramp < 0) {
				fprintf(stderr, "loadgen: --ramp: s >= 0\n");
				return -1;
			}
			break;
		case 'D': {
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 255) {
				fprintf(stderr, "loadgen: --domain: 0..255\n");
				return -1;
			}
			o->domain = (int)v;
			break;
		}
		case 'G':
			o->grace = strtod(optarg, &end);
			if (*end || o->grace < 0 || o->grace > 60) {
				fprintf(stderr, "loadgen: --grace: 0..60 s\n");
				return -1;
			}
			break;
		case 'C':
			o->cancel = 0;
			break;
		case 'S':
			o->seed = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'L':
			o->floor = 1;
			o->cancel = 0;
			break;
		case 'F':
			o->sa_file = optarg;
			break;
		case 'P': {
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > 255) {
				fprintf(stderr, "loadgen: --spp: 0..255\n");
				return -1;
			}
			o->spp = (int)v;
			break;
		}
		case 'K': {
			long long v = strtoll(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 4294967295LL) {
				fprintf(stderr, "loadgen: --key-id: 1..4294967295\n");
				return -1;
			}
			o->key_id = v;
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return -1;
	}
	if (!o->sa_file != (o->spp < 0) || !o->sa_file != (o->key_id < 0)) {
		fprintf(stderr, "loadgen: --sa-file, --spp and --key-id go together\n");
		return -1;
	}
	if (o->floor && o->sa_file) {
		fprintf(stderr, "loadgen: --floor takes no authentication\n");
		return -1;
	}
	o->ann_rate = ann != 100 ? ann : o->rate < -3 ? -3 : o->rate;
	if (o->plen > 96 && (uint64_t)o->clients + 2 > (1ULL << (128 - o->plen))) {
		fprintf(stderr, "loadgen: a /%d holds at most %llu clients\n", o->plen,
			(1ULL << (128 - o->plen)) - 2);
		return -1;
	}
	if (o->ramp > o->duration) {
		o->ramp = o->duration;
	}
	return 0;
}

/* ---- authentication ---- */

/* The SA and key of --sa-file/--spp/--key-id: 0, or -1 said on stderr. */
static int auth_setup(struct lg *l)
{
	static const char *const alg_name[] = { "SHA256-128", "SHA256", "AES128", "AES256" };
	char err[512], *text;
	size_t n = 0, r;
	FILE *f;

	if (!l->o.sa_file) {
		l->auth_alg = "off";
		return 0;
	}
	f = fopen(l->o.sa_file, "r");
	text = malloc(65537);
	if (!f || !text) {
		fprintf(stderr, "loadgen: %s: %s\n", l->o.sa_file, f ? "out of memory" : strerror(errno));
		if (f) {
			fclose(f);
		}
		free(text);
		return -1;
	}
	while (n <= 65536 && (r = fread(text + n, 1, 65537 - n, f)) > 0) {
		n += r;
	}
	fclose(f);
	if (n > 65536) {
		fprintf(stderr, "loadgen: %s: larger than 64 KiB\n", l->o.sa_file);
		free(text);
		return -1;
	}
	l->sad = auth_db_parse(text, n, l->o.sa_file, err, sizeof(err));
	crypto_wipe(text, n);
	free(text);
	if (!l->sad) {
		fprintf(stderr, "loadgen: %s\n", err);
		return -1;
	}
	/* the replay table is not used (auth_check() only) */
	l->auth = auth_port_create(l->sad, l->o.spp, (uint32_t)l->o.key_id, 1, err, sizeof(err));
	if (!l->auth) {
		fprintf(stderr, "loadgen: %s: %s\n", l->o.sa_file, err);
		return -1;
	}
	l->auth_alg = alg_name[auth_key_find(auth_port_sa(l->auth), (uint32_t)l->o.key_id)->alg & 3];
	return 0;
}

/* ---- the report ---- */

static long rss_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) {
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6)) {
			v = atol(line + 6);
		}
	}
	fclose(f);
	return v;
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void report(struct lg *l, double wall)
{
	const struct opts *o = &l->o;
	uint64_t held = 0, ever = 0, compliant = 0, with_sync = 0, grants = 0, denials = 0;
	uint64_t syncs = 0, lost = 0, two = 0, fu = 0, dreq = 0, dresp = 0, ann = 0;
	uint64_t iv = 0, iv_ok = 0, mean_bad = 0;
	struct rusage ru;
	double cpu;
	uint32_t i;

	for (i = 0; i < o->clients; i++) {
		const struct client *c = &l->c[i];
		int s, all = 1;
		/* held at the end of the run (a lapse may not have been
		 * handled yet when deadlines were behind) */
		for (s = 0; s < NSVC; s++) {
			all &= c->st[s] == ST_GRANTED && c->exp_ms[s] > ms_of(l->t_end);
		}
		held += (uint64_t)all;
		ever += !!(c->flags & F_EVER_ALL);
		grants += c->grants;
		denials += c->denials;
		syncs += c->syncs;
		lost += c->sync_lost;
		two += c->two_step;
		fu += c->fu_ok;
		dreq += c->dreq;
		dresp += c->dresp;
		ann += c->announces;
		iv += c->sync_iv;
		iv_ok += c->sync_iv_ok;
		if (c->sync_iv) {
			double p = (double)period_ns(c->log[SVC_SYNC]);
			double mean = (double)(c->sync_last - c->sync_first) / c->sync_iv;
			int mean_ok = fabs(mean - p) <= 0.3 * p;
			with_sync++;
			mean_bad += !mean_ok;
			if (mean_ok && (uint64_t)c->sync_iv_ok * 10 >= (uint64_t)c->sync_iv * 9) {
				compliant++;
			}
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	      ru.ru_stime.tv_usec / 1e6;
	printf("loadgen clients=%u duration_s=%.1f rate=%d announce_rate=%d grant_s=%u "
	       "granted_pct=%.2f ever_granted_pct=%.2f compliant_pct=%.2f followup_pct=%.3f "
	       "delayresp_pct=%.3f grants=%" PRIu64 " denials=%" PRIu64 " lapses=%" PRIu64
	       " timeouts=%" PRIu64 " requests=%" PRIu64 " syncs=%" PRIu64 " sync_lost=%" PRIu64
	       " sync_intervals=%" PRIu64 " sync_intervals_ok_pct=%.3f mean_off=%" PRIu64
	       " two_step=%" PRIu64 " followups=%" PRIu64 " dreq=%" PRIu64 " dresp=%" PRIu64
	       " late_dresp=%" PRIu64 " announces=%" PRIu64 " gm_cancels=%" PRIu64
	       " cancel_acks=%" PRIu64 " tx=%" PRIu64 " tx_err=%" PRIu64 " rx=%" PRIu64
	       " rx_bad=%" PRIu64 " rx_foreign=%" PRIu64 " rx_other_domain=%" PRIu64
	       " unexpected_grant=%" PRIu64 " wrong_target=%" PRIu64 " wrong_requester=%" PRIu64
	       " rx_overflow=%u auth=%s auth_failed=%" PRIu64 " auth_missing=%" PRIu64
	       " auth_bad_icv=%" PRIu64 " auth_unknown_key=%" PRIu64
	       " cpu_s=%.2f cpu_pct=%.1f rss_kb=%ld bytes_per_client=%zu wall_s=%.1f\n",
	       o->clients, o->duration, o->rate, o->ann_rate, o->grant, pct(held, o->clients),
	       pct(ever, o->clients), pct(compliant, o->clients), pct(fu, two), pct(dresp, dreq),
	       grants, denials, l->t.lapses, l->t.timeouts, l->t.requests, syncs, lost, iv,
	       pct(iv_ok, iv), mean_bad, two, fu, dreq, dresp, l->t.late_dresp, ann, l->t.gm_cancels,
	       l->t.acks, l->t.tx, l->t.tx_err, l->t.rx, l->t.rx_bad, l->t.rx_foreign,
	       l->t.rx_other_domain, l->t.unexpected_grant, l->t.wrong_target, l->t.wrong_requester,
	       l->rx_ev.ovfl + l->rx_gen.ovfl, l->auth_alg,
	       l->t.auth_missing + l->t.auth_bad_icv + l->t.auth_unknown_key, l->t.auth_missing,
	       l->t.auth_bad_icv, l->t.auth_unknown_key, cpu, 100.0 * cpu / wall, rss_kb(),
	       sizeof(struct client) + sizeof(struct heap_ent), wall);
	printf("\n%9s %9s %11s %11s %12s %8s %14s\n", "clients", "granted", "compliant",
	       "Follow_Up", "Delay_Resp", "denials", "loadgen CPU");
	printf("%9u %8.1f%% %10.1f%% %10.2f%% %11.2f%% %8" PRIu64 " %6.1f s %4.1f%%\n",
	       o->clients, pct(held, o->clients), pct(compliant, o->clients), pct(fu, two),
	       pct(dresp, dreq), denials, cpu, 100.0 * cpu / wall);
	printf("  granted: all three grants held at the end (%.1f%% held them at some time);\n"
	       "  compliant: Sync mean interval within +-30%% of the granted period and 90%% of\n"
	       "  the intervals within +-30%% (OCP 7.12); %" PRIu64 " of %u clients had Syncs, %.2f%%"
	       " of %" PRIu64 " intervals in\n  tolerance, %" PRIu64 " Syncs lost (sequenceId gaps);"
	       " Follow_Up: %" PRIu64 " of %" PRIu64 " two-step Syncs;\n  Delay_Resp: %" PRIu64
	       " of %" PRIu64 " Delay_Req; %" PRIu64 " datagrams dropped by our sockets\n",
	       pct(ever, o->clients), with_sync, o->clients, pct(iv_ok, iv), iv, lost, fu, two,
	       dresp, dreq, (uint64_t)(l->rx_ev.ovfl + l->rx_gen.ovfl));
	if (l->auth) {
		printf("  authentication: spp %d key %lld (%s); %" PRIu64 " datagrams received failed "
		       "verification\n  (%" PRIu64 " without the TLV, %" PRIu64 " with a wrong ICV or "
		       "TLV, %" PRIu64 " of a key not in the SA)\n",
		       l->o.spp, l->o.key_id, l->auth_alg,
		       l->t.auth_missing + l->t.auth_bad_icv + l->t.auth_unknown_key,
		       l->t.auth_missing, l->t.auth_bad_icv, l->t.auth_unknown_key);
	}
	fflush(stdout);
}

/* ---- the loop ---- */

static void progress(struct lg *l, int64_t now, uint64_t *last_rx, uint64_t *last_tx,
		     int64_t *last_t)
{
	uint32_t i, held = 0;
	double dt = (double)(now - *last_t) / NS;

	if (l->o.quiet || dt <= 0) {
		return;
	}
	for (i = 0; i < l->o.clients; i++) {
		held += l->c[i].st[SVC_ANN] == ST_GRANTED && l->c[i].st[SVC_SYNC] == ST_GRANTED &&
			l->c[i].st[SVC_DR] == ST_GRANTED;
	}
	fprintf(stderr, "loadgen: %5.1f s: %u of %u clients hold all grants; rx %.0f/s tx %.0f/s\n",
		(double)now / NS, held, l->o.clients, (double)(l->t.rx - *last_rx) / dt,
		(double)(l->t.tx - *last_tx) / dt);
	*last_rx = l->t.rx;
	*last_tx = l->t.tx;
	*last_t = now;
}

/* Receive until `until` (ns since the start), serving deadlines when
 * fire is set. */
static void run_until(struct lg *l, int64_t until, int fire)
{
	struct pollfd p[2] = { { l->rx_ev.fd, POLLIN, 0 }, { l->rx_gen.fd, POLLIN, 0 } };
	uint64_t last_rx = l->t.rx, last_tx = l->t.tx;
	int64_t last_t = mono_ns() - l->t0, next_progress = last_t + PROGRESS_NS;

	for (;;) {
		int64_t now = mono_ns() - l->t0, wait, pass;
		int fired = 0;
		struct timespec to;

		if (stop_flag && fire) {
			l->t_end = now; /* a signal: end the run now */
			return;
		}
		if (now >= until) {
			return;
		}
		while (fire && l->n_heap && l->heap[0].due <= now && fired < FIRE_MAX) {
			struct heap_ent e = heap_pop(l);
			if (l->c[e.idx].due != e.due) {
				continue; /* rescheduled earlier: stale */
			}
			client_fire(l, e.idx, now);
			fired++;
		}
		txq_flush(l, &l->tx_ev);
		txq_flush(l, &l->tx_gen);
		if (now >= next_progress) {
			progress(l, now, &last_rx, &last_tx, &last_t);
			next_progress += PROGRESS_NS;
		}
		wait = until - now;
		if (fire && l->n_heap && l->heap[0].due - now < wait) {
			wait = l->heap[0].due - now;
		}
		if (wait < 0 || fired >= FIRE_MAX) {
			wait = 0;
		}
		if (wait > 100000000) {
			wait = 100000000;
		}
		/* at most one pass a millisecond: a wake-up per datagram would
		 * cost more than the datagram (the receive stamps keep the
		 * arrival times, Delay_Req may start up to 1 ms late) */
		pass = mono_ns() - l->t0 - now;
		if (pass < PASS_NS && wait > 0) {
			struct timespec nap = { 0, (long)(PASS_NS - pass) };
			nanosleep(&nap, NULL);
			wait = wait > PASS_NS - pass ? wait - (PASS_NS - pass) : 0;
		}
		to.tv_sec = 0;
		to.tv_nsec = (long)wait;
		if (ppoll(p, 2, &to, NULL) > 0) {
			/* event first: a Sync before its Follow_Up when both wait */
			if (p[0].revents & POLLIN) {
				rx_drain(l, &l->rx_ev);
			}
			if (p[1].revents & POLLIN) {
				rx_drain(l, &l->rx_gen);
			}
			txq_flush(l, &l->tx_gen); /* acknowledgements */
		}
	}
}

int main(int argc, char **argv)
{
	struct lg *l = calloc(1, sizeof(*l));
	struct sigaction sa;
	struct ptp_msg m;
	int fd_ev, fd_gen;
	uint32_t i;
	int64_t t_start_real;
	double wall;

	if (!l || parse_opts(argc, argv, &l->o)) {
		return 1;
	}
	l->host_mask = l->o.plen >= 96 ? (uint32_t)((1ULL << (128 - l->o.plen)) - 1) : 0xffffffffu;
	l->c = calloc(l->o.clients, sizeof(*l->c));
	if (!l->c) {
		fprintf(stderr, "loadgen: out of memory for %u clients\n", l->o.clients);
		return 3;
	}
	l->rng = 0x9E3779B97F4A7C15ULL ^ l->o.seed;
	if (auth_setup(l)) {
		return 2;
	}
	fd_ev = open_socket(EVENT_PORT);
	fd_gen = open_socket(GENERAL_PORT);
	if (fd_ev < 0 || fd_gen < 0) {
		return 3;
	}
	memset(&l->server_ev, 0, sizeof(l->server_ev));
	l->server_ev.sin6_family = AF_INET6;
	l->server_ev.sin6_addr = l->o.server;
	l->server_gen = l->server_ev;
	l->server_ev.sin6_port = htons(EVENT_PORT);
	l->server_gen.sin6_port = htons(GENERAL_PORT);
	txq_init(&l->tx_ev, fd_ev, &l->server_ev);
	txq_init(&l->tx_gen, fd_gen, &l->server_gen);
	rxq_init(&l->rx_ev, fd_ev, 1);
	rxq_init(&l->rx_gen, fd_gen, 0);

	/* the Delay_Req every client sends, patched per message */
	msg_header(l, &m, DELAY_REQ, 0, 0);
	m.hdr.logMessageInterval = 0x7f;
	l->dreq_len = msg_pack(&m, l->dreq_tmpl, sizeof(l->dreq_tmpl));
	if (l->dreq_len != 44) {
		fprintf(stderr, "loadgen: Delay_Req template: %d\n", l->dreq_len);
		return 3;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* clients start evenly over the ramp, in index order: that order is
	 * already a heap */
	for (i = 0; i < l->o.clients; i++) {
		struct client *c = &l->c[i];
		int64_t at = (int64_t)(l->o.ramp * NS * i / l->o.clients);
		int s;
		for (s = 0; s < NSVC; s++) {
			/* --floor: never a request */
			c->act_ms[s] = l->o.floor ? UINT32_MAX : ms_of(at);
			c->log[s] = (int8_t)svc_log(l, s);
		}
		c->next_dreq = l->o.floor ? at : NEVER;
		c->due = NEVER;
		schedule(l, i, at);
	}
	if (!l->o.quiet) {
		char srv[INET6_ADDRSTRLEN], pre[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &l->o.server, srv, sizeof(srv));
		inet_ntop(AF_INET6, &l->o.prefix, pre, sizeof(pre));
		fprintf(stderr,
			"loadgen: %u clients from %s/%d to %s for %.0f s (ramp %.1f s): Sync and "
			"Delay_Resp at log %d, Announce at log %d, grants of %u s; %zu octets per client;"
			" authentication %s\n",
			l->o.clients, pre, l->o.plen, srv, l->o.duration, l->o.ramp, l->o.rate,
			l->o.ann_rate, l->o.grant, sizeof(struct client) + sizeof(struct heap_ent),
			l->auth_alg);
	}
	t_start_real = real_ns();
	l->t0 = mono_ns();
	l->t_end = (int64_t)(l->o.duration * NS);
	l->measuring = 1;
	run_until(l, l->t_end, 1);
	/* no new messages; answers to what was sent may still come */
	l->measuring = 0;
	run_until(l, l->t_end + (int64_t)(l->o.grace * NS), 0);
	wall = (double)(real_ns() - t_start_real) / NS;
	report(l, wall);
	if (l->o.cancel) {
		/* 32 clients a millisecond: a burst would overflow the server's
		 * socket (208 KiB by default: about 200 datagrams), and the
		 * grants lost with it would be served on until they expire */
		stop_flag = 0;
		for (i = 0; i < l->o.clients; i++) {
			send_signaling(l, i, ms_of(mono_ns() - l->t0), 1);
			if (i % 32 == 31) {
				txq_flush(l, &l->tx_gen);
				run_until(l, mono_ns() - l->t0 + 1000000, 0);
			}
		}
		txq_flush(l, &l->tx_gen);
		run_until(l, mono_ns() - l->t0 + NS / 2, 0);
		if (!l->o.quiet) {
			fprintf(stderr, "loadgen: grants cancelled at the end; %" PRIu64
					" acknowledgements\n", l->t.acks);
		}
	}
	close(fd_ev);
	close(fd_gen);
	free(l->heap);
	free(l->c);
	auth_port_destroy(l->auth);
	auth_db_free(l->sad);
	free(l);
	return 0;
}
