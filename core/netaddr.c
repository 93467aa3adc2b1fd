/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

int net_acl_parse(const char *text, struct net_acl *acl)
{
	char buf[256], *tok, *save = NULL;

	memset(acl, 0, sizeof(*acl));
	if (strlen(text) >= sizeof(buf)) {
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", text);
	for (tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		struct net_prefix *p;
		char *slash = strchr(tok, '/'), *end;
		long len;

		if (acl->n == NET_ACL_MAX) {
			return -E2BIG;
		}
		p = &acl->p[acl->n];
		if (slash) {
			*slash = 0;
		}
		if (inet_pton(AF_INET6, tok, p->addr) == 1) {
			p->family = AF_INET6;
			p->len = 128;
		} else if (inet_pton(AF_INET, tok, p->addr) == 1) {
			p->family = AF_INET;
			p->len = 32;
		} else {
			return -EINVAL;
		}
		if (slash) {
			len = strtol(slash + 1, &end, 10);
			if (!slash[1] || *end || len < 0 || len > p->len) {
				return -EINVAL;
			}
			p->len = (int)len;
		}
		acl->n++;
	}
	return 0;
}

int net_acl_match(const struct net_acl *acl, const struct net_addr *a)
{
	const uint8_t *b;
	int n = net_addr_bytes(a, &b), i;

	for (i = 0; i < acl->n; i++) {
		const struct net_prefix *p = &acl->p[i];
		int full = p->len / 8, rest = p->len % 8;
		if (p->family != a->ss.ss_family || n != (p->family == AF_INET6 ? 16 : 4)) {
			continue;
		}
		if (memcmp(p->addr, b, (size_t)full)) {
			continue;
		}
		if (rest && ((p->addr[full] ^ b[full]) & (0xff << (8 - rest)) & 0xff)) {
			continue;
		}
		return 1;
	}
	return 0;
}
