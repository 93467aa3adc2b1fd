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

/* An address prefix: family AF_INET/AF_INET6, len bits of addr. */
struct net_prefix {
	int family;
	int len;
	uint8_t addr[16];
};

#define NET_ACL_MAX 16

/* A list of prefixes, e.g. a configuration's "fd00::/64 10.1.0.5". */
struct net_acl {
	int n;
	struct net_prefix p[NET_ACL_MAX];
};

/* Parse addresses and ADDR/LEN prefixes separated by spaces or commas
 * (at most NET_ACL_MAX; "" is the empty list).  0, -EINVAL for a bad entry,
 * -E2BIG for too many. */
int net_acl_parse(const char *text, struct net_acl *acl);

/* 1 when a's address (port ignored) lies in one of the prefixes. */
int net_acl_match(const struct net_acl *acl, const struct net_addr *a);

#endif
