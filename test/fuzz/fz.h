/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the libFuzzer harnesses of test/fuzz/ share: reading a fuzz input
 * as a sequence of fields, a file holding bytes for parsers that take a
 * path, and a world for the engines (a clock, eng_ops that keep what is
 * sent).  FZ_CHECK aborts on a violated property so the fuzzer reports it.
 */
#ifndef PTPBOX_FZ_H
#define PTPBOX_FZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../core/clock.h"
#include "../../core/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property of the code under test: abort() with the line when false
 * (said through the sanitizer's report: run.sh closes the target's
 * stdout and stderr, the parsers under test are chatty). */
void fz_violated(const char *file, int line, const char *what) __attribute__((noreturn));
#define FZ_CHECK(cond)                                          \
	do {                                                    \
		if (!(cond)) {                                  \
			fz_violated(__FILE__, __LINE__, #cond); \
		}                                               \
	} while (0)

/* The input as a stream of fields; past its end every field reads 0. */
struct fz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fz_u8(struct fz_in *in);
uint16_t fz_u16(struct fz_in *in);
uint32_t fz_u32(struct fz_in *in);
/* Up to max octets (fewer at the end): a pointer into the input, *len. */
const uint8_t *fz_bytes(struct fz_in *in, size_t max, size_t *len);

/* A path whose file holds exactly the size octets of data (a memfd of the
 * process, rewritten at each call). */
const char *fz_file(const uint8_t *data, size_t size);
/* The same for a NUL-terminated text. */
const char *fz_text_file(const char *text);

/* A clock in the harness's simulated time: clock time = *mono + offset
 * (ns, wrapping); step and adjfreq are recorded. */
struct fz_clk {
	struct clk c;
	const tmv_t *mono;
	uint64_t offset;
	uint64_t steps;
};

void fz_clk_init(struct fz_clk *k, const tmv_t *mono);

/* Datagrams an engine sent, kept for delivery to another one. */
#define FZ_QUEUE 64
struct fz_dgram {
	int event;
	struct net_addr to;
	size_t len;
	uint8_t buf[PTP_MSG_MAX_LEN];
};

struct fz_io {
	struct fz_dgram q[FZ_QUEUE];
	int n;		  /* kept, the oldest first */
	int next_id;	  /* transmit timestamp ids handed out */
	int ts_ids[FZ_QUEUE];
	int n_ts;	  /* ids whose timestamp is still to come */
	uint64_t sent;	  /* datagrams sent in all */
	int fail_send;	  /* 1: send() fails with -EAGAIN */
};

/* eng_ops over io and clock: send keeps the datagram (every one must
 * unpack: the engines never send what they could not read), log formats
 * every level and discards it, addr_parse takes "fd00::1" / "10.0.0.1". */
void fz_eng_ops(struct eng_ops *ops, struct fz_io *io, struct fz_clk *clk);

/* IPv6 and IPv4 test addresses: fd00::N and 10.0.0.N, port 320. */
struct net_addr fz_addr6(int n);
struct net_addr fz_addr4(int n);

#endif
