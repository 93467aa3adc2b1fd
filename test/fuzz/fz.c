/* SPDX-License-Identifier: BSD-2-Clause */
/* What the fuzz harnesses share; see fz.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sanitizer/common_interface_defs.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../core/config.h"
#include "fz.h"

void fz_violated(const char *file, int line, const char *what)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "property violated at %s:%d: %s", file, line, what);
	__sanitizer_report_error_summary(msg);
	abort();
}

uint8_t fz_u8(struct fz_in *in)
{
	uint8_t v;
	if (!in->n) {
		return 0;
	}
	v = *in->p++;
	in->n--;
	return v;
}

uint16_t fz_u16(struct fz_in *in)
{
	uint16_t hi = fz_u8(in);
	return (uint16_t)(hi << 8 | fz_u8(in));
}

uint32_t fz_u32(struct fz_in *in)
{
	uint32_t hi = fz_u16(in);
	return hi << 16 | fz_u16(in);
}

const uint8_t *fz_bytes(struct fz_in *in, size_t max, size_t *len)
{
	const uint8_t *p = in->p;
	*len = max < in->n ? max : in->n;
	in->p += *len;
	in->n -= *len;
	return p;
}

const char *fz_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		fd = memfd_create("fuzz-input", 0);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size)) {
		perror("fuzz input file");
		abort();
	}
	return path;
}

const char *fz_text_file(const char *text)
{
	return fz_file((const uint8_t *)text, strlen(text));
}

static int clk_gettime_fz(struct clk *c, tmv_t *now)
{
	struct fz_clk *k = (struct fz_clk *)c;
	*now = (tmv_t)((uint64_t)*k->mono + k->offset);
	return 0;
}

static int clk_adjfreq_fz(struct clk *c, double ppb)
{
	FZ_CHECK(ppb == ppb); /* never NaN */
	c->freq_ppb = ppb;
	return 0;
}

static int clk_step_fz(struct clk *c, tmv_t delta)
{
	struct fz_clk *k = (struct fz_clk *)c;
	k->offset += (uint64_t)delta;
	k->steps++;
	return 0;
}

static tmv_t clk_from_raw_fz(struct clk *c, tmv_t raw)
{
	(void)c;
	return raw;
}

static void clk_destroy_fz(struct clk *c)
{
	(void)c;
}

static const struct clk_ops fz_clk_ops = { "fuzz", clk_gettime_fz, clk_adjfreq_fz,
					   clk_step_fz, clk_from_raw_fz, clk_destroy_fz };

void fz_clk_init(struct fz_clk *k, const tmv_t *mono)
{
	memset(k, 0, sizeof(*k));
	k->c.ops = &fz_clk_ops;
	k->c.utc_timescale = 1;
	k->c.max_adj_ppb = 500000;
	k->mono = mono;
	k->offset = (uint64_t)1700000000 * NS_PER_SEC;
}

static int send_fz(void *io, int port, int event, const struct net_addr *to, const uint8_t *buf,
		   size_t len, int want_ts)
{
	struct fz_io *f = io;
	struct fz_dgram *d;
	struct ptp_msg m;

	FZ_CHECK(port == 1);
	FZ_CHECK(len <= PTP_MSG_MAX_LEN);
	FZ_CHECK(!msg_unpack(buf, len, &m));
	FZ_CHECK(to->len > 0 && to->len <= sizeof(to->ss));
	f->sent++;
	if (f->fail_send) {
		return -EAGAIN;
	}
	if (f->n == FZ_QUEUE) { /* full: the oldest is lost */
		memmove(&f->q[0], &f->q[1], sizeof(f->q[0]) * (FZ_QUEUE - 1));
		f->n--;
	}
	d = &f->q[f->n++];
	d->event = event;
	d->to = *to;
	d->len = len;
	memcpy(d->buf, buf, len);
	if (!want_ts) {
		return 0;
	}
	f->next_id = f->next_id == 0x7fffffff ? 1 : f->next_id + 1;
	if (f->n_ts == FZ_QUEUE) {
		memmove(&f->ts_ids[0], &f->ts_ids[1], sizeof(f->ts_ids[0]) * (FZ_QUEUE - 1));
		f->n_ts--;
	}
	f->ts_ids[f->n_ts++] = f->next_id;
	return f->next_id;
}

static void log_fz(void *io, int level, const char *line)
{
	static int verbose = -1;

	(void)io;
	FZ_CHECK(level >= LOG_EMERG && level <= LOG_DEBUG);
	FZ_CHECK(strlen(line) < 1024);
	if (verbose < 0) {
		verbose = getenv("FZ_LOG") != NULL; /* FZ_LOG=1 fuzz_X INPUT: what happens */
	}
	if (verbose) {
		/* the harness's stdout, as run.sh leaves it open for a replay */
		printf("%s\n", line);
	}
}

static int addr_parse_fz(void *io, int transport, const char *text, struct net_addr *a)
{
	(void)io;
	memset(a, 0, sizeof(*a));
	if (transport == TRANS_UDP_IPV6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(320);
		a->len = sizeof(*s6);
		return inet_pton(AF_INET6, text, &s6->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	if (transport == TRANS_UDP_IPV4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(320);
		a->len = sizeof(*s4);
		return inet_pton(AF_INET, text, &s4->sin_addr) == 1 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

void fz_eng_ops(struct eng_ops *ops, struct fz_io *io, struct fz_clk *clk)
{
	memset(ops, 0, sizeof(*ops));
	ops->send = send_fz;
	ops->log = log_fz;
	ops->addr_parse = addr_parse_fz;
	ops->clk = &clk->c;
	ops->io = io;
	ops->log_level = LOG_DEBUG;
}

struct net_addr fz_addr6(int n)
{
	struct net_addr a;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a.ss;
	memset(&a, 0, sizeof(a));
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(320);
	s6->sin6_addr.s6_addr[0] = 0xfd;
	s6->sin6_addr.s6_addr[14] = (uint8_t)(n >> 8);
	s6->sin6_addr.s6_addr[15] = (uint8_t)n;
	a.len = sizeof(*s6);
	return a;
}

struct net_addr fz_addr4(int n)
{
	struct net_addr a;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a.ss;
	memset(&a, 0, sizeof(a));
	s4->sin_family = AF_INET;
	s4->sin_port = htons(320);
	s4->sin_addr.s_addr = htonl(0x0a000000u | (uint32_t)(n & 0xff));
	a.len = sizeof(*s4);
	return a;
}
