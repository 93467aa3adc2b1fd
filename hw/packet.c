/* SPDX-License-Identifier: BSD-2-Clause */
/* AF_PACKET port with a PTP-only BPF filter and SO_TIMESTAMPING; see
 * packet.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hwtstamp.h"
#include "packet.h"

#ifndef SO_TIMESTAMPING
#define SO_TIMESTAMPING 37
#endif
#ifndef SCM_TIMESTAMPING
#define SCM_TIMESTAMPING SO_TIMESTAMPING
#endif
/* A transmit-stamp request in a cmsg (pkt_send) takes the _OLD number on
 * every kernel: the kernel accepts SO_TIMESTAMPING_NEW there only since
 * January 2024 (6.8 and the stable series that took the fix; EINVAL
 * before), and 32-bit libcs with a 64-bit time_t (musl >= 1.2, glibc with
 * _TIME_BITS=64) define SO_TIMESTAMPING as _NEW (65).  The flags mean the
 * same; the stamps' format follows the setsockopt in pkt_open(). */
#ifndef SO_TIMESTAMPING_OLD
#define SO_TIMESTAMPING_OLD 37
#endif
#ifndef SOL_PACKET
#define SOL_PACKET 263
#endif
#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct pkt {
	int fd;
	int ifindex;
	int hw;
};

/*
 * The filter.  X holds the offset a tag adds (0 or 4).  A VLAN tag the
 * driver took off is not in the data: the filter then sees the inner
 * ethertype at 12, as it should.
 */
enum { L_TAG = 6, L_TYPE = 8, L_IP4 = 11, L_IP6 = 23, L_ACCEPT = 28, L_DROP = 29 };
#define J(i, t) ((t) - (i) - 1) /* jump offset from instruction i to label t */
#define STMT(c, k) BPF_STMT(c, k)
#define JEQ(i, k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, J(i, t), J(i, f))

static const struct sock_filter ptp_filter[] = {
	/* 0 */ STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
	/* 1 */ JEQ(1, PACKET_OUTGOING, L_DROP, 2),
	/* 2 */ STMT(BPF_LDX | BPF_W | BPF_IMM, 0),
	/* 3 */ STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	/* 4 */ JEQ(4, ETH_P_8021Q, L_TAG, 5),
	/* 5 */ JEQ(5, ETH_P_8021AD, L_TAG, L_TYPE),
	/* 6 L_TAG */ STMT(BPF_LDX | BPF_W | BPF_IMM, 4),
	/* 7 */ STMT(BPF_LD | BPF_H | BPF_ABS, 16),
	/* 8 L_TYPE */ JEQ(8, ETH_P_1588, L_ACCEPT, 9),
	/* 9 */ JEQ(9, ETH_P_IP, L_IP4, 10),
	/* 10 */ JEQ(10, ETH_P_IPV6, L_IP6, L_DROP),
	/* 11 L_IP4 */ STMT(BPF_LD | BPF_B | BPF_IND, 14 + 9), /* protocol */
	/* 12 */ JEQ(12, IPPROTO_UDP, 13, L_DROP),
	/* 13 */ STMT(BPF_LD | BPF_H | BPF_IND, 14 + 6), /* flags, fragment offset */
	/* 14 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, J(14, L_DROP), 0),
	/* 15 */ STMT(BPF_LD | BPF_B | BPF_IND, 14), /* version, IHL */
	/* 16 */ STMT(BPF_ALU | BPF_AND | BPF_K, 0xf),
	/* 17 */ STMT(BPF_ALU | BPF_LSH | BPF_K, 2),
	/* 18 */ STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
	/* 19 */ STMT(BPF_MISC | BPF_TAX, 0),
	/* 20 */ STMT(BPF_LD | BPF_H | BPF_IND, 14 + 2), /* UDP destination port */
	/* 21 */ JEQ(21, 319, L_ACCEPT, 22),
	/* 22 */ JEQ(22, 320, L_ACCEPT, L_DROP),
	/* 23 L_IP6 */ STMT(BPF_LD | BPF_B | BPF_IND, 14 + 6), /* next header */
	/* 24 */ JEQ(24, IPPROTO_UDP, 25, L_DROP),
	/* 25 */ STMT(BPF_LD | BPF_H | BPF_IND, 14 + 40 + 2),
	/* 26 */ JEQ(26, 319, L_ACCEPT, 27),
	/* 27 */ JEQ(27, 320, L_ACCEPT, L_DROP),
	/* 28 L_ACCEPT */ STMT(BPF_RET | BPF_K, 0x40000),
	/* 29 L_DROP */ STMT(BPF_RET | BPF_K, 0),
};
_Static_assert(sizeof(ptp_filter) / sizeof(ptp_filter[0]) == L_DROP + 1, "filter labels");

struct pkt *pkt_open(const char *iface, int hw, char *err, size_t errlen)
{
	struct sock_fprog prog = { sizeof(ptp_filter) / sizeof(ptp_filter[0]),
				   (struct sock_filter *)ptp_filter };
	struct sockaddr_ll sll;
	struct pkt *p;
	int one = 1, flags;

	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->hw = hw;
	p->ifindex = (int)if_nametoindex(iface);
	if (!p->ifindex) {
		snprintf(err, errlen, "%s: no such interface", iface);
		free(p);
		return NULL;
	}
	/* protocol 0: nothing arrives before the filter is in place */
	p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->fd < 0) {
		snprintf(err, errlen, "%s: AF_PACKET socket: %s", iface, strerror(errno));
		free(p);
		return NULL;
	}
	if (setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog))) {
		snprintf(err, errlen, "%s: SO_ATTACH_FILTER: %s", iface, strerror(errno));
		goto fail;
	}
	/* the filter drops them too; this saves the copies (Linux >= 4.20) */
	setsockopt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (setsockopt(p->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one))) {
		snprintf(err, errlen, "%s: PACKET_AUXDATA: %s", iface, strerror(errno));
		goto fail;
	}
	if (hw) {
		if (hwts_enable(p->fd, iface, 0, 1, err, errlen)) {
			goto fail;
		}
		flags = SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE;
	} else {
		flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	}
	/* transmit stamps are asked for frame by frame (pkt_send) */
	if (setsockopt(p->fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags))) {
		snprintf(err, errlen, "%s: SO_TIMESTAMPING: %s", iface, strerror(errno));
		goto fail;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = p->ifindex;
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		snprintf(err, errlen, "%s: bind AF_PACKET: %s", iface, strerror(errno));
		goto fail;
	}
	return p;
fail:
	pkt_close(p);
	return NULL;
}

void pkt_close(struct pkt *p)
{
	if (!p) {
		return;
	}
	close(p->fd);
	free(p);
}

int pkt_fd(const struct pkt *p)
{
	return p->fd;
}

/* One non-blocking recvmsg(); *ts gets the SCM_TIMESTAMPING stamp (0 when
 * none), *aux the PACKET_AUXDATA (tp_status 0 when none), *ours whether
 * we sent the frame. */
static ssize_t recv_one(struct pkt *p, int flags, void *buf, size_t len, tmv_t *ts,
			struct tpacket_auxdata *aux, int *ours)
{
	char control[512];
	struct iovec iov = { buf, len };
	struct sockaddr_ll from;
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = sizeof(control);
	n = recvmsg(p->fd, &msg, flags | MSG_DONTWAIT);
	if (n < 0) {
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	}
	*ts = 0;
	memset(aux, 0, sizeof(*aux));
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPING &&
		    cm->cmsg_len >= CMSG_LEN(3 * sizeof(struct timespec))) {
			struct timespec t[3];
			memcpy(t, CMSG_DATA(cm), sizeof(t));
			*ts = timespec_to_tmv(t[p->hw ? 2 : 0]);
		} else if (cm->cmsg_level == SOL_PACKET && cm->cmsg_type == PACKET_AUXDATA &&
			   cm->cmsg_len >= CMSG_LEN(sizeof(*aux))) {
			memcpy(aux, CMSG_DATA(cm), sizeof(*aux));
		}
	}
	/* a truncated copy on the error queue still carries its stamp */
	if ((msg.msg_flags & MSG_TRUNC) && !(flags & MSG_ERRQUEUE)) {
		return -EMSGSIZE;
	}
	*ours = !(flags & MSG_ERRQUEUE) && from.sll_pkttype == PACKET_OUTGOING;
	return n;
}

ssize_t pkt_recv(struct pkt *p, void *buf, size_t len, tmv_t *rx_raw, int *csum_partial)
{
	struct tpacket_auxdata aux;
	uint8_t *b = buf;
	ssize_t n;
	int ours, budget = 64;

	if (len < 64) {
		return -EINVAL;
	}
	do {
		/* room for a tag taken off by the driver */
		n = recv_one(p, 0, buf, len - 4, rx_raw, &aux, &ours);
	} while (n >= 0 && ours && --budget > 0);
	if (n >= 0 && ours) {
		return -EAGAIN;
	}
	if (n < 0) {
		return n;
	}
	if (n < ETH_HLEN) {
		return -EBADMSG;
	}
	*csum_partial = !!(aux.tp_status & TP_STATUS_CSUMNOTREADY);
	if (aux.tp_status & TP_STATUS_VLAN_VALID) {
		uint16_t tpid = aux.tp_status & TP_STATUS_VLAN_TPID_VALID ? aux.tp_vlan_tpid
									   : ETH_P_8021Q;
		memmove(b + 16, b + 12, (size_t)n - 12);
		b[12] = (uint8_t)(tpid >> 8);
		b[13] = (uint8_t)tpid;
		b[14] = (uint8_t)(aux.tp_vlan_tci >> 8);
		b[15] = (uint8_t)aux.tp_vlan_tci;
		n += 4;
	}
	return n;
}

void pkt_dest(struct sockaddr_ll *sll, int ifindex, const uint8_t *frame)
{
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_ifindex = ifindex;
	/* network order: the frame's two octets as they are (an integer made
	 * of them would be byte-swapped on a big-endian CPU) */
	memcpy(&sll->sll_protocol, frame + 12, sizeof(sll->sll_protocol));
	sll->sll_halen = ETH_ALEN;
	memcpy(sll->sll_addr, frame, ETH_ALEN);
}

int pkt_send(struct pkt *p, const void *frame, size_t len, int want_ts)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { (void *)frame, len };
	struct sockaddr_ll sll;
	struct msghdr msg;
	ssize_t n;

	if (len < ETH_HLEN) {
		return -EINVAL;
	}
	pkt_dest(&sll, p->ifindex, frame);
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &sll;
	msg.msg_namelen = sizeof(sll);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (want_ts) {
		/* stamp this frame only: the error queue holds what we wait for */
		uint32_t tsflags = p->hw ? SOF_TIMESTAMPING_TX_HARDWARE
					 : SOF_TIMESTAMPING_TX_SOFTWARE;
		struct cmsghdr *cm;
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SO_TIMESTAMPING_OLD;
		cm->cmsg_len = CMSG_LEN(sizeof(tsflags));
		memcpy(CMSG_DATA(cm), &tsflags, sizeof(tsflags));
	}
	n = sendmsg(p->fd, &msg, 0);
	if (n < 0) {
		return -errno;
	}
	return n == (ssize_t)len ? 0 : -EIO;
}

ssize_t pkt_recv_txts(struct pkt *p, void *buf, size_t len, tmv_t *tx_raw)
{
	struct tpacket_auxdata aux;
	int ours;
	return recv_one(p, MSG_ERRQUEUE, buf, len, tx_raw, &aux, &ours);
}
