/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"

int net_addr_bytes(const struct net_addr *a, const uint8_t **p)
{
	if (a->ss.ss_family == AF_INET6) {
		*p = ((const struct sockaddr_in6 *)&a->ss)->sin6_addr.s6_addr;
		return 16;
	}
	if (a->ss.ss_family == AF_INET) {
		*p = (const uint8_t *)&((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr;
		return 4;
	}
	*p = NULL;
	return 0;
}

int net_addr_eq(const struct net_addr *a, const struct net_addr *b)
{
	const uint8_t *pa, *pb;
	int la, lb;

	if (a->ss.ss_family != b->ss.ss_family) {
		return 0;
	}
	la = net_addr_bytes(a, &pa);
	lb = net_addr_bytes(b, &pb);
	return la == lb && la > 0 && !memcmp(pa, pb, (size_t)la);
}

const char *net_addr_str(const struct net_addr *a, char *buf, size_t len)
{
	const uint8_t *p;
	if (!net_addr_bytes(a, &p) || !inet_ntop(a->ss.ss_family, p, buf, (socklen_t)len)) {
		snprintf(buf, len, "?");
	}
	return buf;
}
