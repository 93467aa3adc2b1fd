/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udp_floor: the datagram work of a unicast gm serving N clients, and
 * nothing else: the floor test/bench/gm_scale.sh sets the gm's CPU beside
 * (issue 26 item 8).
 *
 * The same transport as the gm's (hw/udp.c: udp_open with the ocp-dc
 * options: an unconnected IPv6 UDP socket on port 319 and one on 320 bound
 * to the interface, software transmit and receive stamps with OPT_ID on
 * the event socket, its 8 MiB receive buffer; sends in batches of up to 64
 * with udp_send_batch, one sendmmsg system call each; receives with
 * udp_recv_batch, recvmmsg of datagrams and of the error queue's transmit
 * stamps) and the same loop shape as cmd/gm.c (send what is due, read the
 * stamps, flush, poll until the next deadline rounded up to the
 * millisecond, read the stamps, the event socket at most 256 datagrams a
 * wake-up, the general socket).  No PTP logic: no grants, no schedule
 * beyond a cursor, no message parsing.  Each client i (address PREFIX +
 * i + 1, as test/bench/loadgen numbers them) gets every period (--rate,
 * log2 s; phase i/N of it) an Announce-sized datagram (64 octets, general
 * port) and a Sync-sized one (44, event port, stamped), and for each
 * transmit stamp a Follow_Up-sized one (44, general) to the Sync's client,
 * matched by its OPT_ID key; every datagram received on the event port is
 * answered with a Delay_Resp-sized one (54, general) to its source.  The
 * datagrams carry PTP headers (a fixed template, the round as sequenceId,
 * the stamps in the bodies) so that `loadgen --floor` can count them as it
 * counts a gm's.
 *
 * At the end (--duration, SIGTERM or SIGINT) one key=value line on
 * stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "../../core/config.h"
#include "../../hw/udp.h"

#define NS 1000000000LL
#define RING 65536   /* Syncs whose stamps may be pending (power of two) */
#define RX_BUDGET 256 /* event datagrams read per wake-up (cmd/common.c) */
#define HDR 34	     /* PTP header octets */

enum { GENERAL, EVENT };

struct batch {
	int n;
	struct udp_out out[UDP_BATCH_MAX];
	uint8_t bytes[UDP_BATCH_MAX][64];
};

struct floor {
	struct udp *u;
	uint32_t clients;
	uint8_t prefix[16];
	int rate, ann_rate;
	int64_t period, ann_period; /* ns */
	struct batch b[2];	    /* general, event */
	struct {
		uint32_t client;
		uint16_t seq;
		uint8_t used;
	} ring[RING]; /* by OPT_ID key: the Sync's client and sequenceId */
	long long key;
	uint64_t ann, sync, fup, dresp, rx, rx_gen, txts, txts_unmatched, tx_err;
	uint8_t rxbytes[UDP_BATCH_MAX][128];
	struct udp_in in[UDP_BATCH_MAX];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A PTP timestamp (10 octets: 48-bit seconds, 32-bit ns) of raw ns. */
static void put_ts(uint8_t *p, int64_t ns)
{
	uint64_t s = (uint64_t)(ns / NS);
	uint32_t n = (uint32_t)(ns % NS);
	int i;
	for (i = 0; i < 6; i++) {
		p[i] = (uint8_t)(s >> (40 - 8 * i));
	}
	for (i = 0; i < 4; i++) {
		p[6 + i] = (uint8_t)(n >> (24 - 8 * i));
	}
}

static void flush(struct floor *f, int ev)
{
	struct batch *b = &f->b[ev];
	int done = 0, err;

	while (done < b->n) {
		done += udp_send_batch(f->u, ev, b->out + done, b->n - done, &err);
		if (done < b->n) {
			f->tx_err++; /* that one is skipped, as the gm does */
			done++;
		}
	}
	b->n = 0;
}

/* The next slot of the batch of socket ev, to client i's address or to
 * `to` (i < 0); its bytes zeroed up to len. */
static uint8_t *slot(struct floor *f, int ev, long i, const struct net_addr *to, size_t len)
{
	struct batch *b = &f->b[ev];
	struct udp_out *o;

	if (b->n == UDP_BATCH_MAX) {
		flush(f, ev);
	}
	o = &b->out[b->n];
	o->buf = b->bytes[b->n];
	o->len = len;
	if (i >= 0) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&o->to.ss;
		uint32_t low = (uint32_t)i + 1;
		memset(s6, 0, sizeof(*s6));
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, f->prefix, 16);
		s6->sin6_addr.s6_addr[12] |= (uint8_t)(low >> 24);
		s6->sin6_addr.s6_addr[13] |= (uint8_t)(low >> 16);
		s6->sin6_addr.s6_addr[14] |= (uint8_t)(low >> 8);
		s6->sin6_addr.s6_addr[15] |= (uint8_t)low;
		o->to.len = sizeof(*s6);
	} else {
		o->to = *to;
	}
	b->n++;
	memset(b->bytes[b->n - 1], 0, len);
	return b->bytes[b->n - 1];
}

/* A PTP header: type, length, flags, sequenceId, control, interval; the
 * sourcePortIdentity a fixed one. */
static void header(uint8_t *p, int type, size_t len, unsigned flags, unsigned seq, int control,
		   int log)
{
	static const uint8_t pid[10] = { 0x02, 'F', 'L', 0, 0, 0, 0, 1, 0, 1 };
	p[0] = (uint8_t)type;
	p[1] = 2;
	put16(p + 2, (unsigned)len);
	put16(p + 6, flags);
	memcpy(p + 20, pid, sizeof(pid));
	put16(p + 30, seq);
	p[32] = (uint8_t)control;
	p[33] = (uint8_t)log;
}

/* Client i's datagrams of round r: Announce (when due) and Sync. */
static void send_client(struct floor *f, uint32_t i, int64_t r, int ann)
{
	uint8_t *p;

	if (ann) {
		p = slot(f, GENERAL, i, NULL, 64);
		header(p, 0x0b, 64, 0x0400, (unsigned)r, 5, f->ann_rate);
		f->ann++;
	}
	p = slot(f, EVENT, i, NULL, 44);
	header(p, 0x00, 44, 0x0600, (unsigned)r, 0, f->rate);
	f->ring[f->key & (RING - 1)].client = i;
	f->ring[f->key & (RING - 1)].seq = (uint16_t)r;
	f->ring[f->key & (RING - 1)].used = 1;
	f->key++;
	f->sync++;
}

/* Transmit stamps: a Follow_Up each to its Sync's client. */
static void drain_txts(struct floor *f)
{
	int k, j;

	/* what is queued (the Syncs: their stamps may come), as
	 * port_drain_txts() does */
	flush(f, GENERAL);
	flush(f, EVENT);
	while ((k = udp_recv_batch(f->u, 1, 1, f->in, UDP_BATCH_MAX)) > 0) {
		for (j = 0; j < k; j++) {
			long long key = f->in[j].key;
			uint8_t *p;
			f->txts++;
			if (key < 0 || !f->ring[key & (RING - 1)].used) {
				f->txts_unmatched++;
				continue;
			}
			f->ring[key & (RING - 1)].used = 0;
			p = slot(f, GENERAL, f->ring[key & (RING - 1)].client, NULL, 44);
			header(p, 0x08, 44, 0x0400, f->ring[key & (RING - 1)].seq, 2, f->rate);
			put_ts(p + HDR, f->in[j].raw);
			f->fup++;
		}
	}
}

/* Datagrams on the event port: a Delay_Resp-sized answer each (the
 * request's header back, its stamp and its sourcePortIdentity in the
 * body); on the general port: read and dropped. */
static void receive(struct floor *f, int ev)
{
	int budget = RX_BUDGET, k, j;

	while (budget > 0 && (k = udp_recv_batch(f->u, ev, 0, f->in, UDP_BATCH_MAX)) > 0) {
		for (j = 0; j < k && ev; j++) {
			const struct udp_in *in = &f->in[j];
			size_t h = in->len < HDR ? in->len : HDR;
			uint8_t *p = slot(f, GENERAL, -1, &in->from, 54);
			memcpy(p, in->buf, h);
			p[0] = (uint8_t)((p[0] & 0xf0) | 0x09);
			put16(p + 2, 54);
			p[32] = 3;
			put_ts(p + HDR, in->raw);
			memcpy(p + HDR + 10, p + 20, 10);
			f->dresp++;
		}
		if (ev) {
			f->rx += (uint64_t)k;
		} else {
			f->rx_gen += (uint64_t)k;
		}
		budget -= k;
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: udp_floor [--iface IF] [--clients N] [--prefix P/LEN] [--rate LOG]\n"
		"                 [--duration S]\n"
		"The datagrams a unicast gm sends and receives for N clients, without the gm:\n"
		"per client and period an Announce-, a Sync- and (on its transmit stamp) a\n"
		"Follow_Up-sized datagram, and a Delay_Resp-sized answer to each datagram on\n"
		"port 319; the gm's sockets and batches (hw/udp.c).  One line at the end.\n"
		"  --iface IF      the interface (pa1)\n"
		"  --clients N     clients PREFIX+1 .. PREFIX+N (1000)\n"
		"  --prefix P/LEN  (fd01::/64; LEN 64..120)\n"
		"  --rate LOG      Sync period, log2 s (0); Announce at LOG, not below -3\n"
		"  --duration S    then stop (0: until SIGTERM)\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "clients", required_argument, NULL, 'n' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct floor fl;
	struct floor *f = &fl;
	const char *iface = "pa1", *prefix = "fd01::/64";
	double duration = 0;
	struct udp_cfg uc;
	struct sigaction sa;
	char err[256], buf[64], *end, *slash;
	int64_t t0, t_end, r = 0, next;
	uint32_t cur = 0;
	int ch, plen, i;

	f->clients = 1000;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'i':
			iface = optarg;
			break;
		case 'n': {
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || !v || v > 4000000) {
				fprintf(stderr, "udp_floor: --clients: 1..4000000\n");
				return 1;
			}
			f->clients = (uint32_t)v;
			break;
		}
		case 'p':
			prefix = optarg;
			break;
		case 'r': {
			long v = strtol(optarg, &end, 10);
			if (*end || v < -7 || v > 7) {
				fprintf(stderr, "udp_floor: --rate: -7..7\n");
				return 1;
			}
			f->rate = (int)v;
			break;
		}
		case 'd':
			duration = strtod(optarg, &end);
			if (*end || duration < 0 || duration > 86400) {
				fprintf(stderr, "udp_floor: --duration: 0..86400 s\n");
				return 1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 1;
	}
	snprintf(buf, sizeof(buf), "%s", prefix);
	slash = strchr(buf, '/');
	plen = slash ? atoi(slash + 1) : 64;
	if (slash) {
		*slash = 0;
	}
	if (inet_pton(AF_INET6, buf, f->prefix) != 1 || plen < 64 || plen > 120 ||
	    (plen > 96 && (uint64_t)f->clients + 2 > (1ULL << (128 - plen)))) {
		fprintf(stderr, "udp_floor: --prefix: ADDR/LEN, LEN 64..120, room for the clients\n");
		return 1;
	}
	for (i = plen; i < 128; i++) {
		f->prefix[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	}
	f->ann_rate = f->rate < -3 ? -3 : f->rate;
	f->period = f->rate >= 0 ? NS << f->rate : NS >> -f->rate;
	f->ann_period = f->ann_rate >= 0 ? NS << f->ann_rate : NS >> -f->ann_rate;

	/* the gm's transport with ocp-dc's defaults (dscp_event 46,
	 * udp_ttl 64), software stamps */
	memset(&uc, 0, sizeof(uc));
	uc.transport = TRANS_UDP_IPV6;
	uc.iface = iface;
	uc.dscp_event = 46;
	uc.ttl = 64;
	f->u = udp_open(&uc, err, sizeof(err));
	if (!f->u) {
		fprintf(stderr, "udp_floor: %s\n", err);
		return 3;
	}
	for (i = 0; i < UDP_BATCH_MAX; i++) {
		f->in[i].buf = f->rxbytes[i];
		f->in[i].cap = sizeof(f->rxbytes[i]);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	t0 = mono();
	t_end = duration > 0 ? t0 + (int64_t)(duration * NS) : INT64_MAX;
	fprintf(stderr, "udp_floor: %u clients of %s on %s, period %lld ns\n", f->clients, prefix,
		iface, (long long)f->period);
	/* client cur of round r is due at t0 + r period + cur period / N */
	next = t0;
	while (!stop) {
		int64_t now = mono();
		struct pollfd p[2];
		int ms;

		if (now >= t_end) {
			break;
		}
		while (next <= now) {
			send_client(f, cur, r, (r * f->period) % f->ann_period == 0);
			if (++cur == f->clients) {
				cur = 0;
				r++;
			}
			next = t0 + r * f->period + (int64_t)cur * f->period / f->clients;
		}
		drain_txts(f);
		flush(f, GENERAL); /* the Follow_Ups: nothing waits in a batch */
		ms = (int)((next - mono() + 999999) / 1000000); /* never early */
		if (ms < 0) {
			ms = 0;
		}
		p[0].fd = udp_fd(f->u, 1);
		p[0].events = POLLIN | POLLERR;
		p[1].fd = udp_fd(f->u, 0);
		p[1].events = POLLIN;
		if (poll(p, 2, ms) <= 0) {
			continue;
		}
		if (p[0].revents & POLLERR) {
			drain_txts(f);
		}
		if (p[0].revents & POLLIN) {
			receive(f, 1);
		}
		if (p[1].revents & POLLIN) {
			receive(f, 0);
		}
	}
	/* the last stamps */
	flush(f, EVENT);
	flush(f, GENERAL);
	{
		struct timespec nap = { 0, 20000000 };
		nanosleep(&nap, NULL);
	}
	drain_txts(f);
	flush(f, GENERAL);
	printf("udp_floor clients=%u rate=%d announces=%llu syncs=%llu followups=%llu "
	       "delay_resps=%llu rx_event=%llu rx_general=%llu tx_stamps=%llu unmatched=%llu "
	       "tx_ts_missing=%llu tx_err=%llu wall_s=%.1f\n",
	       f->clients, f->rate, (unsigned long long)f->ann, (unsigned long long)f->sync,
	       (unsigned long long)f->fup, (unsigned long long)f->dresp,
	       (unsigned long long)f->rx, (unsigned long long)f->rx_gen,
	       (unsigned long long)f->txts, (unsigned long long)f->txts_unmatched,
	       (unsigned long long)(f->sync > f->fup ? f->sync - f->fup : 0),
	       (unsigned long long)f->tx_err, (double)(mono() - t0) / NS);
	udp_close(f->u);
	return 0;
}
