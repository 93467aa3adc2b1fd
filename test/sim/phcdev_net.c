/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * phcdev's sockets (see phcdev.c): SO_TIMESTAMPING's hardware flags, the
 * hardware stamps of received messages and of the error queue, one-step
 * Sync, and the modelled wire.
 *
 * Kernel stamps (the default): a hardware stamp is the kernel's software
 * stamp (ts[0]) mapped into the PHC's time at that true instant, 8 ns
 * steps.  On veth the software stamps of one datagram are some 2.5 us
 * apart (the transmit stamp wakes the sender's poll() first), +-0.3 us
 * from one to the next, and not the same both ways.
 * The wire (PHCDEV_WIRE in both processes): each event datagram a hardware
 * socket sends carries a 16-octet trailer (after the PTP message; the
 * receiving twin takes it off) with the true time of the send call, which
 * is the transmit time: the transmit stamp, and a one-step Sync's
 * originTimestamp, are the PHC then; the receive stamp is the receiver's
 * PHC at that time plus the receiver's model of the link delay
 * (delay=NS, pdv=NS: plus NS * Exp(1), seed=N).  Stamps are then exact to
 * the 8 ns, as a NIC's, whatever the machine's load.
 */
#include "phcdev.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define HW_FLAGS                                                                                   \
	(SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_RX_HARDWARE |                            \
	 SOF_TIMESTAMPING_RAW_HARDWARE | SOF_TIMESTAMPING_SYS_HARDWARE)

static unsigned to_soft(unsigned fl)
{
	unsigned s = fl & ~(unsigned)(HW_FLAGS | SOF_TIMESTAMPING_BIND_PHC);
	if (fl & SOF_TIMESTAMPING_TX_HARDWARE) {
		s |= SOF_TIMESTAMPING_TX_SOFTWARE;
	}
	if (fl & SOF_TIMESTAMPING_RX_HARDWARE) {
		s |= SOF_TIMESTAMPING_RX_SOFTWARE;
	}
	if (fl & SOF_TIMESTAMPING_RAW_HARDWARE) {
		s |= SOF_TIMESTAMPING_SOFTWARE;
	}
	return s;
}

static struct sk *sk_get(int fd)
{
	return S.active && fd >= 0 && fd < SKS ? &phcdev_sks[fd] : NULL;
}

/* the twin interface a socket sends and receives on, or -1 */
static int sk_iface(const struct sk *s)
{
	if (s->dev == 1) {
		return s->ifi;
	}
	return s->dev == 0 ? 0 : -1; /* unbound: the NIC's first port */
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct sk *s = sk_get(fd);

	if (s && level == SOL_SOCKET && name == SO_BINDTODEVICE) {
		char dev[IFNAMSIZ + 1];
		int i;
		memset(dev, 0, sizeof(dev));
		memcpy(dev, val, len < IFNAMSIZ ? len : IFNAMSIZ);
		i = phcdev_iface(dev);
		s->dev = dev[0] ? (i >= 0 ? 1 : 2) : 0;
		s->ifi = i;
	}
	if (s && level == SOL_SOCKET &&
	    (name == SO_TIMESTAMPING_OLD || name == SO_TIMESTAMPING_NEW) && len >= sizeof(int)) {
		unsigned char copy[16];
		unsigned fl;
		int r;
		memcpy(&fl, val, sizeof(fl));
		if (!(fl & HW_FLAGS) || len > sizeof(copy)) {
			s->used = 0;
			return REAL(setsockopt)(fd, level, name, val, len);
		}
		memcpy(copy, val, len);
		fl = to_soft(fl);
		memcpy(copy, &fl, sizeof(fl));
		r = REAL(setsockopt)(fd, level, name, copy, len);
		if (!r) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);
			memcpy(&s->asked, val, sizeof(s->asked));
			s->used = 1;
			if (!getsockname(fd, (struct sockaddr *)&ss, &sl)) {
				s->packet = ss.ss_family == AF_PACKET;
			}
			TRACE("SO_TIMESTAMPING fd %d 0x%x (as 0x%x)", fd, s->asked, fl);
		}
		return r;
	}
	return REAL(setsockopt)(fd, level, name, val, len);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct sk *s = sk_get(fd);
	if (s && s->used && level == SOL_SOCKET &&
	    (name == SO_TIMESTAMPING_OLD || name == SO_TIMESTAMPING_NEW) && *len >= sizeof(int)) {
		int r = REAL(getsockopt)(fd, level, name, val, len);
		if (!r) {
			memcpy(val, &s->asked, sizeof(s->asked));
		}
		return r;
	}
	return REAL(getsockopt)(fd, level, name, val, len);
}

int bind(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	const struct sockaddr *sa = *(const struct sockaddr *const *)&addr;
	struct sk *s = sk_get(fd);
	if (s && sa && sa->sa_family == AF_PACKET && len >= sizeof(struct sockaddr_ll)) {
		const struct sockaddr_ll *ll = (const void *)sa;
		char name[IF_NAMESIZE];
		s->packet = 1;
		s->dev = 2;
		if (ll->sll_ifindex && if_indextoname((unsigned)ll->sll_ifindex, name)) {
			int i = phcdev_iface(name);
			if (i >= 0) {
				s->dev = 1;
				s->ifi = i;
			}
		} else if (!ll->sll_ifindex) {
			s->dev = 0;
		}
	}
	return REAL(bind)(fd, sa, len);
}

/* where the PTP message is in a datagram or frame */
struct where {
	int ptp; /* offset of the PTP message, -1 none */
	int ip;  /* of the IP header, -1 none */
	int udp; /* of the UDP header, -1 none */
	int v6;  /* 1: IPv6 */
};

/* Find the PTP message in data: a UDP payload (frame 0), an Ethernet frame
 * (1), or what the error queue gives back (2: from the Ethernet header; an
 * IP packet or a bare message also parse).  w->ptp, or -1. */
static int ptp_find(const uint8_t *d, size_t n, int frame, struct where *w)
{
	size_t o = 0, ip = 0;
	unsigned et;

	w->ptp = w->ip = w->udp = -1;
	w->v6 = 0;
	if (!frame) {
		return w->ptp = 0;
	}
	if (n >= 14) {
		et = (unsigned)d[12] << 8 | d[13];
		o = 14;
		if (et == 0x8100 && n >= 18) {
			et = (unsigned)d[16] << 8 | d[17];
			o = 18;
		}
		if (et == 0x88F7) {
			return w->ptp = (int)o;
		}
		if (et == 0x0800 || et == 0x86DD) {
			ip = o;
			goto ip;
		}
	}
	if (n >= 1 && ((d[0] >> 4) == 4 || (d[0] >> 4) == 6)) {
		ip = 0;
		goto ip;
	}
	return w->ptp = frame == 2 ? 0 : -1;
ip:
	if (n < ip + 1) {
		return -1;
	}
	if ((d[ip] >> 4) == 4) {
		size_t ihl = (size_t)(d[ip] & 15) * 4;
		if (n < ip + 20 || d[ip + 9] != 17 || ihl < 20) {
			return -1;
		}
		o = ip + ihl;
	} else if ((d[ip] >> 4) == 6) {
		if (n < ip + 40 || d[ip + 6] != 17) {
			return -1;
		}
		o = ip + 40;
		w->v6 = 1;
	} else {
		return -1;
	}
	if (n < o + 8) {
		return -1;
	}
	w->ip = (int)ip;
	w->udp = (int)o;
	return w->ptp = (int)o + 8;
}

/* The UDP checksum of the datagram at w in frame d[0..n) computed anew
 * (IPv4: only when it had one). */
static void udp_csum(uint8_t *d, size_t n, const struct where *w)
{
	size_t ulen, i;
	uint32_t sum = 0;
	uint16_t c;

	if (w->udp < 0 || (size_t)w->udp + 8 > n) {
		return;
	}
	ulen = (size_t)d[w->udp + 4] << 8 | d[w->udp + 5];
	if (ulen < 8 || (size_t)w->udp + ulen > n || (!w->v6 && !d[w->udp + 6] && !d[w->udp + 7])) {
		return;
	}
	if (w->v6) {
		for (i = 0; i < 32; i += 2) { /* source and destination */
			sum += (uint32_t)d[w->ip + 8 + i] << 8 | d[w->ip + 9 + i];
		}
	} else {
		for (i = 0; i < 8; i += 2) {
			sum += (uint32_t)d[w->ip + 12 + i] << 8 | d[w->ip + 13 + i];
		}
	}
	sum += 17 + (uint32_t)ulen;
	d[w->udp + 6] = d[w->udp + 7] = 0;
	for (i = 0; i + 1 < ulen; i += 2) {
		sum += (uint32_t)d[w->udp + i] << 8 | d[w->udp + i + 1];
	}
	if (ulen & 1) {
		sum += (uint32_t)d[w->udp + ulen - 1] << 8;
	}
	while (sum >> 16) {
		sum = (sum & 0xffff) + (sum >> 16);
	}
	c = (uint16_t)~sum;
	if (!c) {
		c = 0xffff;
	}
	d[w->udp + 6] = (uint8_t)(c >> 8);
	d[w->udp + 7] = (uint8_t)c;
}

static int is_event(const uint8_t *m, size_t n)
{
	return n >= 34 && (m[0] & 0x0f) < 4 && (m[1] & 0x0f) == 2;
}

static int is_onestep_sync(const uint8_t *m, size_t n)
{
	return n >= 44 && (m[0] & 0x0f) == 0 && (m[1] & 0x0f) == 2 && !(m[6] & 0x02);
}

/* the receive filter stamps this message (at off, w as ptp_find; off -1:
 * no PTP message found) */
static int rx_filtered(int filter, const uint8_t *d, size_t n, int off, const struct where *w)
{
	int type;
	if (filter == HWTSTAMP_FILTER_ALL) {
		return 1;
	}
	if (off < 0 || !is_event(d + off, n - (size_t)off)) {
		return 0;
	}
	type = d[off] & 0x0f;
	switch (filter) {
	case HWTSTAMP_FILTER_PTP_V2_EVENT:
		return 1;
	case HWTSTAMP_FILTER_PTP_V2_SYNC:
		return type == 0;
	case HWTSTAMP_FILTER_PTP_V2_DELAY_REQ:
		return type == 1;
	case HWTSTAMP_FILTER_PTP_V2_L4_EVENT:
		return w->udp >= 0 || w->ptp == 0; /* UDP in a frame, or a UDP socket's payload */
	case HWTSTAMP_FILTER_PTP_V2_L4_SYNC:
		return (w->udp >= 0 || w->ptp == 0) && type == 0;
	case HWTSTAMP_FILTER_PTP_V2_L4_DELAY_REQ:
		return (w->udp >= 0 || w->ptp == 0) && type == 1;
	case HWTSTAMP_FILTER_PTP_V2_L2_EVENT:
		return w->udp < 0 && w->ptp > 0; /* Ethernet-framed */
	case HWTSTAMP_FILTER_PTP_V2_L2_SYNC:
		return w->udp < 0 && w->ptp > 0 && type == 0;
	case HWTSTAMP_FILTER_PTP_V2_L2_DELAY_REQ:
		return w->udp < 0 && w->ptp > 0 && type == 1;
	}
	return 0;
}

/* ---- the wire's trailer ---- */

static uint32_t trailer_check(uint64_t t)
{
	return (uint32_t)(phcdev_mix(t ^ 0x50484377ULL) >> 17);
}

static void trailer_put(uint8_t *p, long long t)
{
	uint32_t c = trailer_check((uint64_t)t);
	int i;
	memcpy(p, "PHCw", 4);
	for (i = 0; i < 8; i++) {
		p[4 + i] = (uint8_t)((uint64_t)t >> (8 * (7 - i)));
	}
	for (i = 0; i < 4; i++) {
		p[12 + i] = (uint8_t)(c >> (8 * (3 - i)));
	}
}

/* The send time in the trailer of the datagram in data[0..n): at the end
 * of a UDP payload (frame 0), or of the UDP datagram in a frame (frame 1,
 * 2 as ptp_find).  *pos gets its offset.  0 when there is none. */
static long long trailer_at(const uint8_t *d, size_t n, int frame, size_t *pos)
{
	const uint8_t *p;
	struct where w;
	uint64_t t = 0;
	uint32_t c = 0;
	size_t end = n;
	int i;

	if (frame) {
		if (ptp_find(d, n, frame, &w) < 0 || w.udp < 0) {
			return 0;
		}
		end = (size_t)w.udp + ((size_t)d[w.udp + 4] << 8 | d[w.udp + 5]);
		if (end > n || end < (size_t)w.ptp + 34 + TRAILER) {
			return 0;
		}
	} else if (n < TRAILER + 34) {
		return 0;
	}
	*pos = end - TRAILER;
	p = d + *pos;
	if (memcmp(p, "PHCw", 4)) {
		return 0;
	}
	for (i = 0; i < 8; i++) {
		t = t << 8 | p[4 + i];
	}
	for (i = 0; i < 4; i++) {
		c = c << 8 | p[12 + i];
	}
	return c == trailer_check(t) ? (long long)t : 0;
}

/* ---- stamps of received messages ---- */

static long long cm_ts(const struct cmsghdr *cm, int i)
{
	if (cm->cmsg_type == SO_TIMESTAMPING_NEW) {
		long long v[2];
		memcpy(v, CMSG_DATA(cm) + (size_t)i * sizeof(v), sizeof(v));
		return v[0] * NS + v[1];
	} else {
		struct timespec ts;
		memcpy(&ts, CMSG_DATA(cm) + (size_t)i * sizeof(ts), sizeof(ts));
		return (long long)ts.tv_sec * NS + ts.tv_nsec;
	}
}

static void cm_set(struct cmsghdr *cm, int i, long long ns)
{
	if (cm->cmsg_type == SO_TIMESTAMPING_NEW) {
		long long v[2] = { ns / NS, ns % NS };
		memcpy(CMSG_DATA(cm) + (size_t)i * sizeof(v), v, sizeof(v));
	} else {
		struct timespec ts;
		ts.tv_sec = (time_t)(ns / NS);
		ts.tv_nsec = (long)(ns % NS);
		memcpy(CMSG_DATA(cm) + (size_t)i * sizeof(ts), &ts, sizeof(ts));
	}
}

/* the first iovec's bytes of a message n octets long */
static const uint8_t *payload(const struct msghdr *m, size_t n, size_t *len)
{
	if (!m->msg_iovlen || !m->msg_iov[0].iov_base) {
		*len = 0;
		return NULL;
	}
	*len = n < m->msg_iov[0].iov_len ? n : m->msg_iov[0].iov_len;
	return m->msg_iov[0].iov_base;
}

/* a one-step Sync's software stamp sw: how far the originTimestamp written
 * was from the PHC then, and the send latency learnt.  Under S.mu. */
static void onestep_stamped(const uint8_t *ptp, long long sw)
{
	unsigned i;
	for (i = 0; i < 256; i++) {
		struct onestep *o = &S.os[i];
		if (o->used && !memcmp(o->key, ptp + 30, 2) && !memcmp(o->key + 2, ptp + 34, 10)) {
			double err = (double)(o->p_written - phcdev_stamp(sw));
			o->used = 0;
			S.lat[S.n_lat++ % 64] = sw - o->t_call;
			S.ins_sum2 += err * err;
			S.ins_n++;
			if (fabs(err) > S.ins_max) {
				S.ins_max = fabs(err);
			}
			return;
		}
	}
	S.os_unmatched++;
}

/* the true time a datagram sent at true time t reaches this host's NIC */
static long long wire_arrival(long long t)
{
	double d = S.wire_delay;
	if (S.wire_pdv > 0) {
		d -= S.wire_pdv * log(phcdev_urand(&S.wire_rng));
	}
	return t + llround(d);
}

/* The send time of the datagram whose transmit stamp (software stamp sw)
 * is on fd's error queue: t_tx from its trailer, or, when the program read
 * too little of it to hold the trailer (ptp4l reads the length of the
 * message alone), the oldest send on fd not stamped yet that came before
 * sw (stamps queue in the order of their sends).  0 when none.  Under
 * S.mu. */
static long long sent_time(int fd, long long t_tx, long long sw)
{
	unsigned i, best = 256;
	for (i = 0; i < 256; i++) {
		if (!S.sent[i].used || S.sent[i].fd != fd) {
			continue;
		}
		if (t_tx ? S.sent[i].t == t_tx
			 : S.sent[i].t <= sw && S.sent[i].t > sw - NS &&
				   (best == 256 || S.sent[i].t < S.sent[best].t)) {
			best = i;
			if (t_tx) {
				break;
			}
		}
	}
	if (best == 256) {
		return t_tx;
	}
	S.sent[best].used = 0;
	return S.sent[best].t;
}

/* A frame on a packet socket's error queue with the trailer the twin
 * restamped at pos: back to what the program sent.  Under S.mu. */
static void restore(const struct sk *s, uint8_t *d, size_t n, size_t pos)
{
	struct where w;
	unsigned i;

	(void)s;
	if (ptp_find(d, n, 2, &w) < 0 || w.udp < 0) {
		return;
	}
	for (i = 0; i < 256; i++) {
		struct restamp *r = &S.rs[i];
		if (r->used && !memcmp(r->now, d + pos, TRAILER)) {
			memcpy(d + pos, r->was, TRAILER);
			memcpy(d + w.udp + 6, r->csum, 2);
			r->used = 0;
			return;
		}
	}
}

/* Rewrite the SCM_TIMESTAMPING of a received message (*n octets; errq:
 * from the error queue) and take a wire trailer off (*n shrinks).  0: drop
 * it (the kernel would have queued no stamp: a one-step Sync's, or one the
 * program did not ask for). */
static int fix_msg(int fd, struct sk *s, struct msghdr *m, size_t *n, int errq)
{
	struct cmsghdr *cm, *tsc = NULL;
	long long sw, hw = 0, t_tx = 0;
	int ifi = sk_iface(s), keep_sw, off;
	const uint8_t *d;
	struct where w;
	size_t len, pos;

	d = payload(m, *n, &len);
	if (d && len == *n && !(m->msg_flags & MSG_TRUNC) &&
	    (t_tx = trailer_at(d, len, errq ? 2 : s->packet, &pos)) && !s->packet &&
	    pos + TRAILER == len) {
		/* a UDP socket's datagram: the program gets what was sent (a
		 * frame keeps it: the lengths in it cover the trailer) */
		*n -= TRAILER;
		len -= TRAILER;
	}
	for (cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    (cm->cmsg_type == SO_TIMESTAMPING_OLD || cm->cmsg_type == SO_TIMESTAMPING_NEW) &&
		    cm->cmsg_len >= CMSG_LEN(3 * 16)) {
			tsc = cm;
			break;
		}
	}
	if (!tsc) {
		return 1;
	}
	sw = cm_ts(tsc, 0);
	pthread_mutex_lock(&S.mu);
	phcdev_advance(phcdev_rt_now());
	if (errq && t_tx && s->packet) {
		restore(s, (uint8_t *)d, len, pos);
	} else if (errq && S.wire && !s->packet) {
		t_tx = sent_time(fd, t_tx, sw);
	}
	if (errq) {
		keep_sw = (s->asked & SOF_TIMESTAMPING_TX_SOFTWARE) &&
			  (s->asked & SOF_TIMESTAMPING_SOFTWARE);
		if (ifi >= 0 && sw && ((s->asked & SOF_TIMESTAMPING_TX_HARDWARE) || s->tx_cmsg) &&
		    S.ifs[ifi].tx_type != HWTSTAMP_TX_OFF) {
			off = d ? ptp_find(d, len, 2, &w) : -1;
			if (S.ifs[ifi].tx_type == HWTSTAMP_TX_ONESTEP_SYNC && off >= 0 &&
			    is_onestep_sync(d + off, len - (size_t)off)) {
				if (!t_tx) {
					onestep_stamped(d + off, sw);
				}
			} else {
				hw = phcdev_stamp(t_tx ? t_tx : sw);
				S.c_tx++;
			}
		}
	} else {
		keep_sw = (s->asked & SOF_TIMESTAMPING_RX_SOFTWARE) &&
			  (s->asked & SOF_TIMESTAMPING_SOFTWARE);
		if (ifi >= 0 && sw && S.ifs[ifi].rx_filter != HWTSTAMP_FILTER_NONE) {
			off = d ? ptp_find(d, len, s->packet, &w) : -1;
			if (rx_filtered(S.ifs[ifi].rx_filter, d, len, off, &w)) {
				long long t = sw;
				if (t_tx) {
					t = wire_arrival(t_tx);
					S.c_wire_rx++;
					if (t > sw) {
						S.c_acausal++; /* the model's wire beat the kernel */
					}
				}
				hw = phcdev_stamp(t);
				S.c_rx++;
			}
		}
	}
	pthread_mutex_unlock(&S.mu);
	if (!(s->asked & SOF_TIMESTAMPING_RAW_HARDWARE)) {
		hw = 0;
	}
	cm_set(tsc, 0, keep_sw ? sw : 0);
	cm_set(tsc, 1, 0);
	cm_set(tsc, 2, hw);
	return !errq || hw || keep_sw;
}

static int hw_sock(const struct sk *s)
{
	return s && (s->used || s->tx_cmsg);
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
	struct sk *s = sk_get(fd);
	size_t ctl;
	socklen_t nl;

	if (!hw_sock(s)) {
		return REAL(recvmsg)(fd, m, flags);
	}
	ctl = m->msg_controllen;
	nl = m->msg_namelen;
	for (;;) {
		ssize_t n = REAL(recvmsg)(fd, m, flags);
		size_t k = n < 0 ? 0 : (size_t)n;
		if (n < 0 || fix_msg(fd, s, m, &k, !!(flags & MSG_ERRQUEUE))) {
			return n < 0 ? n : (ssize_t)k;
		}
		m->msg_controllen = ctl; /* dropped: the next one */
		m->msg_namelen = nl;
	}
}

int recvmmsg(int fd, struct mmsghdr *v, unsigned vlen, int flags, struct timespec *tmo)
{
	struct sk *s = sk_get(fd);
	unsigned i;
	int r;

	if (!hw_sock(s)) {
		return REAL(recvmmsg)(fd, v, vlen, flags, tmo);
	}
	if (flags & MSG_ERRQUEUE) {
		/* one at a time: a dropped stamp leaves no hole (the error queue
		 * never blocks) */
		for (i = 0; i < vlen; i++) {
			ssize_t n = recvmsg(fd, &v[i].msg_hdr, flags & ~MSG_WAITFORONE);
			if (n < 0) {
				return i ? (int)i : -1;
			}
			v[i].msg_len = (unsigned)n;
		}
		return (int)vlen;
	}
	r = REAL(recvmmsg)(fd, v, vlen, flags, tmo);
	for (i = 0; r > 0 && i < (unsigned)r; i++) {
		size_t k = v[i].msg_len;
		fix_msg(fd, s, &v[i].msg_hdr, &k, 0);
		v[i].msg_len = (unsigned)k;
	}
	return r;
}

/* ---- sending: one-step Sync, the wire's trailer ---- */

/* Write the PHC time of transmit into the one-step Sync of frame
 * d[0..n) at w (a UDP payload when w->udp < 0); a frame's UDP checksum
 * follows.  t_tx: the true transmit time, or 0: estimate it from the send
 * call at t_call.  Under S.mu. */
static void onestep_write(uint8_t *d, size_t n, const struct where *w, long long t_call,
			  long long t_tx)
{
	uint8_t *ptp = d + w->ptp;
	long long lmin = LLONG_MAX, p;
	unsigned i, k = S.n_lat < 64 ? S.n_lat : 64;
	struct onestep *o;
	int estimated = !t_tx;

	if (estimated) {
		for (i = 0; i < k; i++) {
			if (S.lat[i] < lmin) {
				lmin = S.lat[i];
			}
		}
		t_tx = t_call + (k ? lmin : 0);
	}
	p = phcdev_stamp(t_tx);
	for (i = 0; i < 6; i++) {
		ptp[34 + i] = (uint8_t)((p / NS) >> (8 * (5 - i)));
	}
	for (i = 0; i < 4; i++) {
		ptp[40 + i] = (uint8_t)((p % NS) >> (8 * (3 - i)));
	}
	udp_csum(d, n, w);
	S.os_sent++;
	if (estimated) { /* its software stamp tells how good the estimate was */
		o = &S.os[S.os_next++ % 256];
		if (o->used) {
			S.os_unmatched++;
		}
		o->used = 1;
		memcpy(o->key, ptp + 30, 2);
		memcpy(o->key + 2, ptp + 34, 10);
		o->t_call = t_call;
		o->p_written = p;
	}
}

static int sa_port(const struct sockaddr *sa)
{
	if (!sa) {
		return -1;
	}
	if (sa->sa_family == AF_INET) {
		return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
	}
	if (sa->sa_family == AF_INET6) {
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	}
	return -1;
}

/* a send on s would get a hardware stamp (by the socket's flags or txcm,
 * a per-message request) */
static int hw_send(const struct sk *s, int txcm)
{
	int ifi = sk_iface(s);
	return ifi >= 0 && S.ifs[ifi].tx_type != HWTSTAMP_TX_OFF &&
	       ((s->used && (s->asked & SOF_TIMESTAMPING_TX_HARDWARE)) || txcm);
}

/* Flatten msg's data into buf (cap octets, TRAILER of them kept free) and
 * make it what leaves the NIC at true time t: a one-step Sync gets its
 * originTimestamp; on the wire an event datagram of a UDP socket gets a
 * trailer, and a frame that carries one (a transparent clock forwarding
 * it) the new send time.  1 when buf holds something else than msg (*len
 * octets). */
static int prep_msg(struct sk *s, int fd, const struct msghdr *m, uint8_t *buf, size_t cap,
		    size_t *len, long long t)
{
	size_t n = 0, i, pos = 0;
	int port, ifi = sk_iface(s), os, tr = 0;
	struct where w;

	for (i = 0; i < m->msg_iovlen; i++) {
		if (n + m->msg_iov[i].iov_len + TRAILER > cap) {
			return 0;
		}
		memcpy(buf + n, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
		n += m->msg_iov[i].iov_len;
	}
	if (s->packet) {
		if (ptp_find(buf, n, 1, &w) < 0 ||
		    (w.udp >= 0 && (buf[w.udp + 2] << 8 | buf[w.udp + 3]) != EV_PORT)) {
			return 0;
		}
		tr = S.wire && trailer_at(buf, n, 1, &pos);
	} else {
		port = sa_port(m->msg_name);
		if (port < 0) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);
			if (!getpeername(fd, (struct sockaddr *)&ss, &sl)) {
				port = sa_port((struct sockaddr *)&ss);
			}
		}
		if (port != EV_PORT) {
			return 0;
		}
		ptp_find(buf, n, 0, &w);
		tr = S.wire;
		pos = n;
	}
	os = S.ifs[ifi].tx_type == HWTSTAMP_TX_ONESTEP_SYNC &&
	     is_onestep_sync(buf + w.ptp, n - (size_t)w.ptp);
	if (!os && !tr) {
		return 0;
	}
	pthread_mutex_lock(&S.mu);
	phcdev_advance(t);
	if (tr && s->packet) {
		struct restamp *r = &S.rs[S.rs_next++ % 256];
		memcpy(r->was, buf + pos, TRAILER);
		memcpy(r->csum, buf + w.udp + 6, 2);
		trailer_put(buf + pos, t);
		memcpy(r->now, buf + pos, TRAILER);
		r->used = 1;
		S.c_wire_tx++;
	} else if (tr) {
		unsigned k = S.sent_next++ % 256;
		trailer_put(buf + pos, t);
		n += TRAILER;
		S.sent[k].fd = fd;
		S.sent[k].t = t;
		S.sent[k].used = 1;
		S.c_wire_tx++;
	}
	if (os) {
		onestep_write(buf, n, &w, t, S.wire ? t : 0);
	} else if (tr && s->packet) {
		udp_csum(buf, n, &w);
	}
	pthread_mutex_unlock(&S.mu);
	*len = n;
	return 1;
}

/* a per-message SO_TIMESTAMPING request asking for a hardware stamp:
 * rewritten into ctl (cap octets) as the software one.  1 when it was. */
static int txcm_soft(struct sk *s, const struct msghdr *m, uint8_t *ctl, size_t cap)
{
	struct msghdr c;
	struct cmsghdr *cm;
	int found = 0;

	if (!m->msg_control || m->msg_controllen > cap) {
		return 0;
	}
	memcpy(ctl, m->msg_control, m->msg_controllen);
	c = *m;
	c.msg_control = ctl;
	for (cm = CMSG_FIRSTHDR(&c); cm; cm = CMSG_NXTHDR(&c, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    (cm->cmsg_type == SO_TIMESTAMPING_OLD || cm->cmsg_type == SO_TIMESTAMPING_NEW) &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
			uint32_t fl;
			memcpy(&fl, CMSG_DATA(cm), sizeof(fl));
			if (fl & SOF_TIMESTAMPING_TX_HARDWARE) {
				fl = (fl & ~(uint32_t)SOF_TIMESTAMPING_TX_HARDWARE) |
				     SOF_TIMESTAMPING_TX_SOFTWARE;
				memcpy(CMSG_DATA(cm), &fl, sizeof(fl));
				found = 1;
			}
		}
	}
	if (found) {
		s->tx_cmsg = 1;
	}
	return found;
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	struct sk *s = sk_get(fd);
	uint8_t buf[2048], ctl[512];
	struct msghdr c;
	struct iovec iov;
	size_t len, want = 0, i;
	ssize_t r;
	int txcm, pr;

	if (!s || !m) {
		return REAL(sendmsg)(fd, m, flags);
	}
	c = *m;
	txcm = txcm_soft(s, m, ctl, sizeof(ctl));
	if (txcm) {
		c.msg_control = ctl;
	}
	pr = hw_send(s, txcm) && prep_msg(s, fd, m, buf, sizeof(buf), &len, phcdev_rt_now());
	if (pr) {
		iov.iov_base = buf;
		iov.iov_len = len;
		c.msg_iov = &iov;
		c.msg_iovlen = 1;
	}
	if (!txcm && !pr) {
		return REAL(sendmsg)(fd, m, flags);
	}
	r = REAL(sendmsg)(fd, &c, flags);
	for (i = 0; i < m->msg_iovlen; i++) {
		want += m->msg_iov[i].iov_len;
	}
	return r > (ssize_t)want ? (ssize_t)want : r; /* the trailer is the twin's */
}

ssize_t sendto(int fd, const void *data, size_t n, int flags, __CONST_SOCKADDR_ARG addr,
	       socklen_t alen)
{
	const struct sockaddr *sa = *(const struct sockaddr *const *)&addr;
	struct sk *s = sk_get(fd);
	uint8_t buf[2048];
	struct msghdr m;
	struct iovec iov;
	size_t len;

	if (s && hw_send(s, 0)) {
		memset(&m, 0, sizeof(m));
		iov.iov_base = (void *)data;
		iov.iov_len = n;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_name = (void *)sa;
		m.msg_namelen = alen;
		if (prep_msg(s, fd, &m, buf, sizeof(buf), &len, phcdev_rt_now())) {
			ssize_t r = REAL(sendto)(fd, buf, len, flags, sa, alen);
			return r > (ssize_t)n ? (ssize_t)n : r;
		}
	}
	return REAL(sendto)(fd, data, n, flags, sa, alen);
}

int sendmmsg(int fd, struct mmsghdr *v, unsigned vlen, int flags)
{
	struct sk *s = sk_get(fd);
	struct mmsghdr *c;
	struct iovec *iov;
	uint8_t *bufs;
	size_t *orig;
	long long t;
	unsigned i, k = 0;
	int r;

	if (!s || !hw_send(s, 0) || !vlen) {
		return REAL(sendmmsg)(fd, v, vlen, flags);
	}
	if (vlen > 1024) {
		vlen = 1024;
	}
	c = malloc(vlen * (sizeof(*c) + sizeof(*iov) + sizeof(*orig) + 2048));
	if (!c) {
		return REAL(sendmmsg)(fd, v, vlen, flags);
	}
	iov = (struct iovec *)(c + vlen);
	orig = (size_t *)(iov + vlen);
	bufs = (uint8_t *)(orig + vlen);
	t = phcdev_rt_now();
	for (i = 0; i < vlen; i++) {
		size_t len, j;
		c[i] = v[i];
		orig[i] = 0;
		for (j = 0; j < v[i].msg_hdr.msg_iovlen; j++) {
			orig[i] += v[i].msg_hdr.msg_iov[j].iov_len;
		}
		if (prep_msg(s, fd, &v[i].msg_hdr, bufs + (size_t)i * 2048, 2048, &len, t)) {
			iov[i].iov_base = bufs + (size_t)i * 2048;
			iov[i].iov_len = len;
			c[i].msg_hdr.msg_iov = &iov[i];
			c[i].msg_hdr.msg_iovlen = 1;
			k++;
		}
	}
	r = REAL(sendmmsg)(fd, k ? c : v, vlen, flags);
	for (i = 0; k && r > 0 && i < (unsigned)r; i++) {
		v[i].msg_len = c[i].msg_len > orig[i] ? (unsigned)orig[i] : c[i].msg_len;
	}
	free(c);
	return r;
}
