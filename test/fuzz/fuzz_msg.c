/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the message and TLV codecs.  Properties: unpack
 * never reads outside the input (ASan), and whatever unpacks packs again to
 * bytes that unpack to the same message and pack to the same bytes.
 * Build and run: test/fuzz/run.sh [SECONDS]
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mgmt.h"
#include "../../core/msg.h"
#include "../../core/tod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fz_get(void *ctx, struct mgmt_value *v)
{
	(void)ctx;
	(void)v;
	return 0; /* every id answers with a zero value */
}

static int fz_set(void *ctx, const struct mgmt_value *v, int remote)
{
	(void)ctx;
	(void)v;
	(void)remote;
	return 0;
}

/* Management: any message the agent answers must pack; every dataField
 * that decodes must re-encode and decode to the same value. */
static void check_mgmt(const struct ptp_msg *m, const uint8_t *data, size_t size)
{
	static uint8_t tbuf[PTP_MSG_MAX_LEN], out[PTP_MSG_MAX_LEN], enc[PTP_MSG_MAX_LEN];
	static struct mgmt_value v, w;
	struct mgmt_ops ops = { fz_get, fz_set, NULL };
	struct mgmt_self self;
	struct ptp_msg resp;
	int n;

	memset(&self, 0, sizeof(self));
	self.portNumber = 1;
	self.allow_set = 1;
	if (m && m->hdr.messageType == MANAGEMENT && mgmt_answer(&self, &ops, m, 1, &resp, tbuf,
							     sizeof(tbuf)) &&
	    msg_pack(&resp, out, sizeof(out)) < 0) {
		abort();
	}
	/* the raw input as a dataField of the id in its first two octets */
	if (size >= 2 && !mgmt_decode((uint16_t)(data[0] << 8 | data[1]), data + 2, size - 2, &v)) {
		n = mgmt_encode(&v, enc, sizeof(enc));
		if (n < 0 || mgmt_decode(v.id, enc, (size_t)n, &w) ||
		    mgmt_encode(&w, out, sizeof(out)) != n || memcmp(enc, out, (size_t)n)) {
			abort();
		}
	}
}

/* G.8271 Annex A stream: the same frames whether the bytes come at once or
 * in pieces; every known message re-encodes to the frame it came from. */
struct tod_seen {
	unsigned n;
	uint32_t sum;
};

static void tod_cb(void *arg, const struct tod_frame *f)
{
	struct tod_seen *s = arg;
	uint8_t fr[TOD_MAX_PAYLOAD + TOD_OVERHEAD], re[TOD_MAX_PAYLOAD + TOD_OVERHEAD];
	int n = tod_frame(fr, sizeof(fr), f->cls, f->id, f->payload, f->len), m = -1;

	s->n++;
	s->sum = s->sum * 31 + tod_crc8(fr + 2, (size_t)n - 3) + f->len;
	if (f->cls == TOD_CLASS && f->id == TOD_ID_GNSS_STATUS && f->len == TOD_LEN_GNSS_STATUS) {
		struct tod_gnss_status g;
		if (tod_decode_gnss_status(f->payload, f->len, &g)) {
			abort();
		}
		m = tod_encode_gnss_status(re, sizeof(re), &g);
		/* reserved octets are not kept: compare what is defined */
		if (m != n || memcmp(re, fr, 10)) {
			abort();
		}
	}
	if (f->cls == TOD_CLASS && f->id == TOD_ID_TIME_EVENT && f->len == TOD_LEN_TIME_EVENT) {
		struct tod_time_event e;
		if (tod_decode_time_event(f->payload, f->len, &e)) {
			abort();
		}
		m = tod_encode_time_event(re, sizeof(re), &e);
		if (m != n || memcmp(re, fr, 12) || memcmp(re + 13, fr + 13, 3)) {
			abort();
		}
	}
}

static void check_tod(const uint8_t *data, size_t size)
{
	static struct tod_decoder d1, d2;
	struct tod_seen s1 = { 0, 0 }, s2 = { 0, 0 };
	size_t i, k;

	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0, sizeof(d2));
	tod_decoder_feed(&d1, data, size, tod_cb, &s1);
	for (i = 0; i < size; i += k) {
		k = 1 + (data[i] % 7);
		if (k > size - i) {
			k = size - i;
		}
		tod_decoder_feed(&d2, data + i, k, tod_cb, &s2);
	}
	if (s1.n != s2.n || s1.sum != s2.sum || d1.crc_errors != d2.crc_errors || d1.n != d2.n) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t a[PTP_MSG_MAX_LEN], b[PTP_MSG_MAX_LEN];
	struct ptp_msg m, m2;
	int na, nb;

	check_tod(data, size);
	if (msg_unpack(data, size, &m)) {
		check_mgmt(NULL, data, size);
		return 0;
	}
	check_mgmt(&m, data, size);
	na = msg_pack(&m, a, sizeof(a));
	if (na < 0) {
		/* only a message too big for our own limit may fail */
		if (size <= PTP_MSG_MAX_LEN) {
			abort();
		}
		return 0;
	}
	if (msg_unpack(a, (size_t)na, &m2)) {
		abort();
	}
	nb = msg_pack(&m2, b, sizeof(b));
	if (nb != na || memcmp(a, b, (size_t)na)) {
		abort();
	}
	if (m2.hdr.messageType != m.hdr.messageType || m2.n_tlv != m.n_tlv ||
	    m2.hdr.sequenceId != m.hdr.sequenceId) {
		abort();
	}
	return 0;
}
