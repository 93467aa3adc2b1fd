/* SPDX-License-Identifier: BSD-2-Clause */
/* A peer's transport address, as plain data (core/ makes no syscalls). */
#ifndef PTPBOX_NETADDR_H
#define PTPBOX_NETADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Address octets (4 for IPv4, 16 for IPv6, 0 otherwise) through *p. */
int net_addr_bytes(const struct net_addr *a, const uint8_t **p);

/* Same host: family and address octets equal; ports are ignored. */
int net_addr_eq(const struct net_addr *a, const struct net_addr *b);

/* Printable address ("fd00::1", "10.0.0.1") in buf of len octets (>= 46). */
const char *net_addr_str(const struct net_addr *a, char *buf, size_t len);

#endif
