/* SPDX-License-Identifier: BSD-2-Clause */
/* Setup shared by the port applets (gm, oc); see applet.h. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../hw/log.h"
#include "../hw/hwtstamp.h"
#include "../core/servo.h"
#include "applet.h"

volatile sig_atomic_t applet_stop, applet_reload, applet_usr1;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		applet_reload = 1;
	} else if (sig == SIGUSR1) {
		applet_usr1 = 1;
	} else {
		applet_stop = 1;
	}
}

void install_stop_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

tmv_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return timespec_to_tmv(ts);
}

int port_wait(struct port_setup *ps, tmv_t deadline)
{
	struct pollfd pfd[4];
	int ms = -1, r = 0;

	port_flush(ps); /* nothing waits in a batch while we sleep */

	if (deadline != INT64_MAX) {
		tmv_t d = deadline - mono_now();
		if (d < 0) {
			d = 0;
		}
		d = (d + 999999) / 1000000; /* round up: never wake early */
		ms = d > 60000 ? 60000 : (int)d;
	}
	pfd[0].fd = udp_fd(ps->udp, 1);
	pfd[0].events = POLLIN | POLLERR;
	pfd[1].fd = udp_fd(ps->udp, 0);
	pfd[1].events = POLLIN;
	pfd[2].fd = ps->mgmt_fd; /* poll() skips negative fds */
	pfd[2].events = POLLIN;
	pfd[3].fd = ps->aux_fd;
	pfd[3].events = POLLIN;
	if (poll(pfd, 4, ms) <= 0) {
		return 0;
	}
	if (ps->aux_fd >= 0 && (pfd[3].revents & (POLLIN | POLLHUP | POLLERR))) {
		r |= PORT_AUX;
	}
	if (ps->mgmt_fd >= 0 && (pfd[2].revents & POLLIN)) {
		r |= PORT_MGMT;
	}
	if (pfd[0].revents & POLLERR) {
		r |= PORT_TXTS;
	}
	if (pfd[0].revents & POLLIN) {
		r |= PORT_EVENT;
	}
	if (pfd[1].revents & POLLIN) {
		r |= PORT_GENERAL;
	}
	return r;
}

static void send_failed(const struct net_addr *to, const uint8_t *buf, size_t len, int err)
{
	char a[64];
	pr_debug("send %s to %s: %s", msg_type_str(len ? buf[0] & 0x0f : 0),
		 net_addr_str(to, a, sizeof(a)), strerror(-err));
}

static void flush_one(struct port_setup *ps, int event)
{
	struct port_batch *b = ps->batch[event];
	int done = 0, err;

	while (done < b->n) {
		done += udp_send_batch(ps->udp, event, b->out + done, b->n - done, &err);
		if (done < b->n) {
			send_failed(&b->out[done].to, b->out[done].buf, b->out[done].len, err);
			if (ps->cnt) {
				ps->cnt->tx_err++;
			}
			done++;
		}
	}
	b->n = 0;
}

void port_flush(struct port_setup *ps)
{
	int i;
	for (i = 0; i < 2; i++) {
		if (ps->batch[i] && ps->batch[i]->n) {
			flush_one(ps, i);
		}
	}
}

int port_batch_on(struct port_setup *ps)
{
	int i;
	for (i = 0; i < 2; i++) {
		if (!ps->batch[i] && !(ps->batch[i] = calloc(1, sizeof(*ps->batch[i])))) {
			return -ENOMEM;
		}
	}
	if (!ps->rx && !(ps->rx = calloc(1, sizeof(*ps->rx)))) {
		return -ENOMEM;
	}
	for (i = 0; i < UDP_BATCH_MAX; i++) {
		ps->rx->in[i].buf = ps->rx->bytes[i];
		ps->rx->in[i].cap = sizeof(ps->rx->bytes[i]);
	}
	return 0;
}

static int io_send(void *io, int port, int event, const struct net_addr *to, const uint8_t *buf,
		   size_t len, int want_ts)
{
	struct port_setup *ps = io;
	struct port_batch *b;
	struct port_txq *q;
	int r = 0;

	(void)port;
	event = !!event;
	b = ps->batch[event];
	if (b && len <= PORT_BATCH_OCTETS) {
		if (b->n == UDP_BATCH_MAX) {
			flush_one(ps, event);
		}
		memcpy(b->bytes[b->n], buf, len);
		b->out[b->n].buf = b->bytes[b->n];
		b->out[b->n].len = len;
		b->out[b->n].to = *to;
		b->n++;
	} else {
		if (b && b->n && event) {
			flush_one(ps, event); /* event datagrams keep their order (keys) */
		}
		r = udp_send(ps->udp, event, buf, len, to);
	}
	if (r < 0) {
		send_failed(to, buf, len, r);
		return r;
	}
	if (!event) {
		return 0;
	}
	if (!want_ts) {
		ps->tx_key++; /* stamped all the same: its key is used up */
		return 0;
	}
	/* remember the bytes: the error queue gives back the packet (the
	 * check of a key's match), and an entry is overwritten when stamps
	 * stop coming (the engine counts those as missing at its deadline) */
	q = &ps->txq[ps->tx_key & (PORT_TXQ_LEN - 1)];
	q->used = 1;
	q->id = ps->next_id;
	q->key = ps->tx_key++;
	q->len = len;
	memcpy(q->bytes, buf, len < sizeof(q->bytes) ? len : sizeof(q->bytes));
	ps->next_id = (ps->next_id + 1) & 0x7fffffff;
	return q->id;
}

static void io_log(void *io, int level, const char *line)
{
	(void)io;
	pr_log(level, "%s", line);
}

static int io_addr_parse(void *io, int transport, const char *text, struct net_addr *a)
{
	struct port_setup *ps = io;
	return udp_addr_parse(transport, text, ps->iface, a);
}

void port_eng_ops(struct port_setup *ps, struct eng_ops *ops, struct eng_port *port)
{
	memset(ops, 0, sizeof(*ops));
	ops->send = io_send;
	ops->log = io_log;
	ops->addr_parse = io_addr_parse;
	ops->clk = ps->clock;
	ops->auth = ps->auth;
	ops->io = ps;
	ops->log_level = ps->log_level;
	memset(port, 0, sizeof(*port));
	port->clockIdentity = ps->identity;
	port->iface = ps->iface;
	port->transport = ps->transport;
	port->hw_ts = ps->hw_ts;
}

/* The transmit stamp of pkt (n octets as it came back, raw ns, OPT_ID key
 * or -1) to the engine. */
static void txts_match(struct port_setup *ps, const uint8_t *pkt, size_t n, tmv_t raw,
		       long long key, void (*tx_ts)(void *eng, int id, tmv_t ts, tmv_t now),
		       void *eng)
{
	struct port_txq *q = NULL;
	int i;

	/* by its OPT_ID key, checked against the bytes it came back with;
	 * without a key, or when they differ (a send that failed after the
	 * kernel counted it shifts the keys: learnt below), by content, newest
	 * first: the oldest may be stale */
	if (key >= 0) {
		q = &ps->txq[(key + ps->key_off) & (PORT_TXQ_LEN - 1)];
		if (!q->used || q->key != key + ps->key_off ||
		    !udp_txts_match(pkt, n, q->bytes, q->len, sizeof(q->bytes))) {
			q = NULL;
		}
	}
	for (i = 1; !q && i <= PORT_TXQ_LEN; i++) {
		struct port_txq *c = &ps->txq[(ps->tx_key - i) & (PORT_TXQ_LEN - 1)];
		if (c->used && udp_txts_match(pkt, n, c->bytes, c->len, sizeof(c->bytes))) {
			q = c;
			ps->ts_scanned++;
			if (key >= 0) {
				ps->key_off = q->key - key;
			}
		}
	}
	if (q) {
		q->used = 0;
		tx_ts(eng, q->id, raw ? clk_from_raw(ps->clock, raw) : 0, mono_now());
	}
}

/* Where datagrams are read into: the batch (port_batch_on) or the one
 * slot over ps->rxbuf.  Returns the slots' count. */
static int rx_slots(struct port_setup *ps, struct udp_in **in)
{
	if (ps->rx) {
		*in = ps->rx->in;
		return UDP_BATCH_MAX;
	}
	ps->rx1.buf = ps->rxbuf;
	ps->rx1.cap = sizeof(ps->rxbuf);
	*in = &ps->rx1;
	return 1;
}

void port_drain_txts(struct port_setup *ps, void (*tx_ts)(void *eng, int id, tmv_t ts, tmv_t now),
		     void *eng)
{
	struct udp_in *in;
	int n = rx_slots(ps, &in), k, i;

	port_flush(ps); /* the Syncs queued: their stamps may come */
	while ((k = udp_recv_batch(ps->udp, 1, 1, in, n)) > 0) {
		for (i = 0; i < k; i++) {
			txts_match(ps, in[i].buf, in[i].len, in[i].raw, in[i].key, tx_ts, eng);
		}
	}
}

void port_receive(struct port_setup *ps, int event,
		  void (*rx)(void *eng, int event, const struct net_addr *from, const uint8_t *buf,
			     size_t len, tmv_t rx_ts, tmv_t now),
		  void *eng)
{
	struct udp_in *in;
	int budget = 256; /* bounded per wake-up so timers keep running */
	int n = rx_slots(ps, &in), k, i;

	while (budget > 0 && (k = udp_recv_batch(ps->udp, event, 0, in, n)) > 0) {
		tmv_t now = mono_now(); /* one clock read a batch, not a datagram */
		for (i = 0; i < k; i++) {
			rx(eng, event, &in[i].from, in[i].buf, in[i].len,
			   in[i].raw ? clk_from_raw(ps->clock, in[i].raw) : 0, now);
		}
		budget -= k;
	}
}
