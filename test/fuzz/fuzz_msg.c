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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t a[PTP_MSG_MAX_LEN], b[PTP_MSG_MAX_LEN];
	struct ptp_msg m, m2;
	int na, nb;

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
