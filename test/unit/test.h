/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal unit test harness: TEST(name) { CHECK(...); } — the runner prints
 * each failure with file:line and ends with "N passed, N failed". */
#ifndef PTPBOX_TEST_H
#define PTPBOX_TEST_H

#include <stdio.h>
#include <string.h>

#include "../../core/netaddr.h"

struct test_case {
	const char *name;
	void (*fn)(int *failed);
};

#define TEST(name)                                                                    \
	static void test_##name(int *failed_);                                         \
	static const struct test_case tc_##name                                        \
		__attribute__((used, section("ptpbox_tests"), aligned(sizeof(void *)))) = \
			{ #name, test_##name };                                        \
	static void test_##name(int *failed_)

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			*failed_ = 1;                                                 \
		}                                                                     \
	} while (0)

#define CHECK_EQ(a, b)                                                                 \
	do {                                                                           \
		long long a_ = (long long)(a), b_ = (long long)(b);                   \
		if (a_ != b_) {                                                        \
			printf("  %s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, \
			       #a, #b, a_, b_);                                        \
			*failed_ = 1;                                                  \
		}                                                                      \
	} while (0)

#define CHECK_STR(hay, needle)                                                          \
	do {                                                                            \
		if (!strstr((hay), (needle))) {                                         \
			printf("  %s:%d: '%s' does not contain '%s'\n", __FILE__, __LINE__, \
			       (hay), (needle));                                        \
			*failed_ = 1;                                                   \
		}                                                                       \
	} while (0)

/* fd00::N (N in the last two octets), UDP/IPv6, port 0. */
struct net_addr test_addr6(int n);

/* Parse hex ("01 02 ab") into out; returns the octet count. */
int hex_to_bytes(const char *hex, unsigned char *out, int max);

#endif
