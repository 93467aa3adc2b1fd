/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UDP/IPv4 (1588-2019 Annex C) and UDP/IPv6 (Annex D) transport: event port
 * 319 and general port 320 bound to one interface, DSCP on both, and
 * SO_TIMESTAMPING (software or hardware) on the event socket.  Transmit
 * timestamps come back on the error queue; the caller polls the event fd
 * for POLLERR and reads them with udp_recv_batch(txts 1), so nothing
 * blocks the loop.
 */
#ifndef PTPBOX_UDP_H
#define PTPBOX_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "../core/netaddr.h"
#include "../core/tmv.h"

#define PTP_EVENT_PORT 319
#define PTP_GENERAL_PORT 320
/* 1588-2019 Annex C.3 / D.3 primary multicast groups (management from
 * linuxptp's pmc arrives there) */
#define PTP_MCAST_IPV4 "224.0.1.129"
#define PTP_MCAST_IPV6 "ff0e::181"

struct udp_cfg {
	int transport;	    /* TRANS_UDP_IPV4 or TRANS_UDP_IPV6 (config.h) */
	const char *iface;  /* interface to bind to */
	int hw_timestamps;  /* 1: SIOCSHWTSTAMP + hardware stamps; 0: software */
	int one_step;	    /* with hw_timestamps: HWTSTAMP_TX_ONESTEP_SYNC */
	int dscp_event;	    /* 0..63, traffic class / TOS of event messages */
	int dscp_general;   /* 0..63 */
	int ttl;	    /* hop limit, 1..255 */
	uint16_t event_port;   /* 0 = 319 (tests in one namespace may move it) */
	uint16_t general_port; /* 0 = 320 */
};

struct udp;

/* __attribute__((cold)) below: what runs once or once a second (opening, address look-ups),
 * optimised for size inside a file the static build compiles -O2 for its
 * per-message path (Makefile: HOT). */
/* Open and bind both sockets.  NULL on error with a message in err. */
__attribute__((cold)) struct udp *udp_open(const struct udp_cfg *cfg, char *err, size_t errlen);
void udp_close(struct udp *u);

/* File descriptor of the event (event=1) or general (event=0) socket. */
int udp_fd(const struct udp *u, int event);

/* Send len octets to addr's host on the event or general port (the port in
 * addr is replaced).  0 or -errno. */
int udp_send(struct udp *u, int event, const void *buf, size_t len, const struct net_addr *to);

/* One datagram of a batch: len octets at buf to `to`'s host (its port is
 * replaced by the socket's). */
struct udp_out {
	const void *buf;
	size_t len;
	struct net_addr to;
};

#define UDP_BATCH_MAX 64 /* datagrams one udp_send_batch() call takes */

/* Send o[0..n-1] (n <= UDP_BATCH_MAX) in order from the event (event != 0)
 * or general socket with sendmmsg(2), as few calls as it takes.  Returns
 * how many went before the first that failed (n: all), that one's -errno
 * in *err. */
int udp_send_batch(struct udp *u, int event, struct udp_out *o, int n, int *err);

/* Send o[0..n-1] (n <= UDP_BATCH_MAX; o[i].to complete, port included) from
 * socket fd with the sendmmsg system call itself, one call per batch with
 * any C library (musl's sendmmsg() is a sendmsg() per datagram on 64-bit
 * targets).  Returns how many went before the first that failed (n: all),
 * that one's -errno in *err. */
int udp_sendmmsg(int fd, struct udp_out *o, int n, int *err);

/* Join the primary PTP multicast group on iface with the general socket,
 * so management requests sent there arrive.  0 or -errno. */
__attribute__((cold)) int udp_join_mcast(struct udp *u, const char *iface);

/* Send to exactly `to` (its port kept) from the event or general socket,
 * e.g. a management response to the requester's source port.  0 or -errno. */
int udp_send_raw(struct udp *u, int event, const void *buf, size_t len, const struct net_addr *to);

/* One datagram of a batched receive: the caller's buffer (buf, cap
 * octets) and what came: len octets, the source (not for transmit stamps),
 * the stamp (raw ns, 0: none) and the OPT_ID key (transmit stamps; -1:
 * none). */
struct udp_in {
	uint8_t *buf;
	size_t cap;
	size_t len;
	struct net_addr from;
	tmv_t raw;
	long long key;
};

/* Receive up to n (<= UDP_BATCH_MAX) datagrams without blocking with one
 * recvmmsg(2).  txts 0: from the event or general socket, each with its
 * source and, on the event socket, the kernel's receive stamp (ns on the
 * timestamping clock).  txts 1: transmit stamps from the event socket's
 * error queue: the looped-back packet (with any lower-layer headers: the
 * PTP message is its tail), the transmit stamp, and the
 * SOF_TIMESTAMPING_OPT_ID key of the send it belongs to (0 for the first
 * datagram sent on the event socket, +1 for each one after; -1 when the
 * kernel gives none).  Returns how many came (>= 1), -EAGAIN when nothing
 * is queued, or -errno. */
int udp_recv_batch(struct udp *u, int event, int txts, struct udp_in *in, int n);

/* The event socket's receive buffer (octets of payload), as the kernel
 * granted it (8 MiB asked; less when net.core.rmem_max caps it and we may
 * not force it). */
int udp_event_rcvbuf(const struct udp *u);

/* True when pkt (a transmit stamp's packet, pktlen octets) ends with a
 * message of msglen octets whose first min(msglen, kept) octets are those
 * at msg (a message signed with an AUTHENTICATION TLV is longer than what
 * the queue keeps of it). */
int udp_txts_match(const void *pkt, size_t pktlen, const void *msg, size_t msglen, size_t kept);

/* Parse a textual address for transport; a link-local IPv6 address gets
 * iface as its scope.  0 or -EINVAL. */
__attribute__((cold)) int udp_addr_parse(int transport, const char *str, const char *iface, struct net_addr *a);

/* The address of iface in the transport's family (a global IPv6 address
 * before a link-local one).  0 or -errno. */
__attribute__((cold)) int udp_local_addr(const struct udp *u, const char *iface, struct net_addr *a);

/* MAC address of iface.  0 or -errno. */
__attribute__((cold)) int udp_iface_mac(const char *iface, uint8_t mac[6]);

#endif
