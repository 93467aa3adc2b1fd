/* SPDX-License-Identifier: BSD-2-Clause */
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "test.h"

extern const struct test_case __start_ptpbox_tests[];
extern const struct test_case __stop_ptpbox_tests[];

struct net_addr test_addr6(int n)
{
	struct net_addr a;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a.ss;
	memset(&a, 0, sizeof(a));
	s6->sin6_family = AF_INET6;
	s6->sin6_addr.s6_addr[0] = 0xfd;
	s6->sin6_addr.s6_addr[14] = (uint8_t)(n >> 8);
	s6->sin6_addr.s6_addr[15] = (uint8_t)n;
	a.len = sizeof(*s6);
	return a;
}

int hex_to_bytes(const char *hex, unsigned char *out, int max)
{
	int n = 0;
	while (*hex && n < max) {
		unsigned v;
		if (isspace((unsigned char)*hex)) {
			hex++;
			continue;
		}
		if (sscanf(hex, "%2x", &v) != 1) {
			abort();
		}
		out[n++] = (unsigned char)v;
		hex += 2;
	}
	return n;
}

int main(int argc, char **argv)
{
	const struct test_case *t;
	int passed = 0, failed = 0;

	for (t = __start_ptpbox_tests; t < __stop_ptpbox_tests; t++) {
		int f = 0;
		if (argc > 1 && !strstr(t->name, argv[1])) {
			continue;
		}
		t->fn(&f);
		printf("%s %s\n", f ? "FAIL" : "ok  ", t->name);
		if (f) {
			failed++;
		} else {
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
