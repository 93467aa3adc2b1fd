/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark driver (test/bench/auth_cpu.sh builds and runs it): CPU time
 * per ICV of the message authentication primitives of core/crypto.c, as
 * the AUTHENTICATION TLV (1588-2019 16.14) would use them: HMAC-SHA256
 * truncated to 16 octets, CMAC-AES128 and CMAC-AES256 (16 octets), over
 * messages of 44 octets (a Sync's header and body) and 64 octets.
 *   compute: one MAC with the key's state precomputed (hmac_sha256_init /
 *            aes_cmac_init done once)
 *   verify:  the same MAC plus crypto_memeq against the received ICV, what
 *            a receiver does per message
 *   setup:   the key's precomputation (once per key, on load)
 * Each figure is ITERS calls timed with CLOCK_PROCESS_CPUTIME_ID, the least
 * of 3 runs, after a warm-up.  Prints a table; no pass/fail.
 *
 * Usage: auth_cpu [ITERS]   (default 1000000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/crypto.h"

#define ICV_LEN 16
#define RUNS 3

enum alg { HMAC_SHA256, CMAC_AES128, CMAC_AES256 };

static const char *const alg_name[] = { "HMAC-SHA256-128", "CMAC-AES128", "CMAC-AES256" };

struct keys {
	struct hmac_sha256 hmac;
	struct aes_cmac cmac128, cmac256;
};

static uint8_t key[32];
static volatile unsigned sink;

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void mac(const struct keys *k, enum alg a, const uint8_t *msg, size_t n,
		uint8_t icv[ICV_LEN])
{
	uint8_t d[SHA256_DIGEST_LEN];

	switch (a) {
	case HMAC_SHA256:
		hmac_sha256(&k->hmac, msg, n, d);
		memcpy(icv, d, ICV_LEN);
		break;
	case CMAC_AES128:
		aes_cmac(&k->cmac128, msg, n, icv);
		break;
	case CMAC_AES256:
		aes_cmac(&k->cmac256, msg, n, icv);
		break;
	}
}

static void setup(struct keys *k, enum alg a)
{
	switch (a) {
	case HMAC_SHA256:
		hmac_sha256_init(&k->hmac, key, 32);
		break;
	case CMAC_AES128:
		aes_cmac_init(&k->cmac128, key, 16);
		break;
	case CMAC_AES256:
		aes_cmac_init(&k->cmac256, key, 32);
		break;
	}
}

/* what: 0 compute, 1 verify, 2 setup; ns per call, least of RUNS */
static double time_it(struct keys *k, enum alg a, size_t n, int what, long iters)
{
	uint8_t msg[64], icv[ICV_LEN], rx[ICV_LEN];
	double best = 0;
	long i;
	int r;

	for (i = 0; i < (long)sizeof(msg); i++) {
		msg[i] = (uint8_t)(i * 7 + 3);
	}
	mac(k, a, msg, n, rx); /* the received ICV: a valid one */
	for (r = 0; r < RUNS + 1; r++) {
		unsigned acc = 0;
		double t0 = cpu_ns(), t;
		for (i = 0; i < iters; i++) {
			if (what == 2) {
				setup(k, a);
				continue;
			}
			mac(k, a, msg, n, icv);
			if (what == 1) {
				acc += (unsigned)crypto_memeq(icv, rx, ICV_LEN);
			} else {
				acc += icv[0];
			}
		}
		t = (cpu_ns() - t0) / (double)iters;
		sink += acc;
		if (what == 1 && acc != (unsigned)iters) {
			fprintf(stderr, "auth_cpu: %s verify failed\n", alg_name[a]);
			exit(1);
		}
		if (r > 0 && (best == 0 || t < best)) { /* run 0: warm-up */
			best = t;
		}
	}
	return best;
}

int main(int argc, char **argv)
{
	static const size_t lens[] = { 44, 64 };
	struct keys k;
	long iters = argc > 1 ? atol(argv[1]) : 1000000;
	int a, l;

	if (iters <= 0) {
		fprintf(stderr, "usage: auth_cpu [ITERS]\n");
		return 2;
	}
	for (a = 0; a < 32; a++) {
		key[a] = (uint8_t)(0xa5 ^ (a * 29));
	}
	memset(&k, 0, sizeof(k));
	printf("%-16s %5s %12s %12s %12s\n", "ICV", "octets", "compute ns", "verify ns",
	       "key setup ns");
	for (a = HMAC_SHA256; a <= CMAC_AES256; a++) {
		double s;
		setup(&k, (enum alg)a);
		s = time_it(&k, (enum alg)a, 0, 2, iters / 10 + 1);
		for (l = 0; l < 2; l++) {
			printf("%-16s %5zu %12.1f %12.1f %12.1f\n", alg_name[a], lens[l],
			       time_it(&k, (enum alg)a, lens[l], 0, iters),
			       time_it(&k, (enum alg)a, lens[l], 1, iters), s);
		}
	}
	crypto_wipe(&k, sizeof(k));
	return 0;
}
