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

#include "../../core/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t a[PTP_MSG_MAX_LEN], b[PTP_MSG_MAX_LEN];
	struct ptp_msg m, m2;
	int na, nb;

	if (msg_unpack(data, size, &m)) {
		return 0;
	}
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
