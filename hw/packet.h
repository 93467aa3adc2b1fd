/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Layer-2 port of the transparent clock: an AF_PACKET (SOCK_RAW, ETH_P_ALL)
 * socket bound to one interface, with a classic BPF filter that passes only
 * PTP frames received from the wire:
 *   ethertype 0x88F7, or UDP over IPv4 (unfragmented) or IPv6 (UDP as the
 *   next header) to port 319 or 320, untagged or behind one 802.1Q/802.1ad
 *   tag; frames we sent ourselves (PACKET_OUTGOING) never pass.
 * A tag the driver took off the frame (VLAN acceleration) is put back from
 * PACKET_AUXDATA, so the caller always sees the frame as it was on the wire.
 * Receive and transmit timestamps with SO_TIMESTAMPING (software, or
 * hardware when asked); transmit timestamps of the frames sent with want_ts
 * come back on the error queue with a copy of the frame: the caller polls the fd for POLLERR and calls
 * pkt_recv_txts(), so nothing blocks the loop.
 */
#ifndef PTPBOX_PACKET_H
#define PTPBOX_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/tmv.h"

struct pkt;
struct sockaddr_ll;

/* Open the socket on iface; hw: SIOCSHWTSTAMP and hardware stamps (else
 * software).  NULL with a message in err. */
struct pkt *pkt_open(const char *iface, int hw, char *err, size_t errlen);
void pkt_close(struct pkt *p);

int pkt_fd(const struct pkt *p);

/* Receive one frame without blocking into buf (len octets; a frame that
 * does not fit is dropped and reported as -EMSGSIZE).  rx_raw: the kernel
 * receive timestamp, ns on the timestamping clock (0 when none).
 * *csum_partial: the sender left its layer-4 checksum to an offload that
 * never ran (a local sender, veth, a VM's tap): the checksum field holds
 * only a partial sum and must be computed before the frame is sent on.
 * Returns the length, -EAGAIN when nothing is queued, or -errno. */
ssize_t pkt_recv(struct pkt *p, void *buf, size_t len, tmv_t *rx_raw, int *csum_partial);

/* The destination pkt_send() gives sendmsg() for frame (at least 14
 * octets) on interface ifindex: the frame's destination MAC and its
 * ethertype as the frame has it (network order). */
void pkt_dest(struct sockaddr_ll *sll, int ifindex, const uint8_t *frame);

/* Send a whole frame out of the interface (through its qdisc); want_ts:
 * its transmit timestamp goes to the error queue (only these frames'
 * do).  0 or -errno. */
int pkt_send(struct pkt *p, const void *frame, size_t len, int want_ts);

/* One transmit timestamp from the error queue without blocking: buf gets
 * the frame as sent (a driver may have padded it), tx_raw the stamp, ns.
 * Returns the length, -EAGAIN when the queue is empty, or -errno. */
ssize_t pkt_recv_txts(struct pkt *p, void *buf, size_t len, tmv_t *tx_raw);

#endif
