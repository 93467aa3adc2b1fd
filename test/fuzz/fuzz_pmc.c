/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for pmc's commands (cmd/pmc_cmd.c): the input as one
 * command line, and each of its lines as one.  Properties: a command that
 * parses becomes a request that packs, unpacks and carries its action and
 * id; a SET's dataField decodes to the value parsed and encodes back to
 * the same octets; a lock-out list has one address per word.
 * Build and run: test/fuzz/run.sh [SECONDS] pmc
 */
#include <ctype.h>
#include <string.h>

#include "../../cmd/pmc_cmd.h"
#include "../../core/tlv.h"
#include "fz.h"

static size_t words(const char *s)
{
	size_t n = 0;
	while (*s) {
		while (isspace((unsigned char)*s)) {
			s++;
		}
		n += *s != 0;
		while (*s && !isspace((unsigned char)*s)) {
			s++;
		}
	}
	return n;
}

static void check(const char *line)
{
	static struct pmc_cmd c;
	static struct mgmt_value v;
	static uint8_t out[PTP_MSG_MAX_LEN], enc[PTP_MSG_MAX_LEN];
	struct pmc_req_hdr h;
	struct ptp_msg m;
	struct mgmt_req r;
	int n, k;

	if (pmc_parse_command(line, &c) != PMC_CMD_OK) {
		return;
	}
	FZ_CHECK(c.action == MGMT_GET || c.action == MGMT_SET || c.action == MGMT_COMMAND);
	FZ_CHECK(mgmt_id_str((uint16_t)c.id) != NULL);
	for (k = 0; k < 2; k++) {
		memset(&h, 0, sizeof(h));
		h.seq = 9;
		h.boundary_hops = 1;
		h.zero_len = k;
		n = pmc_build_request(&h, &c, out, sizeof(out));
		FZ_CHECK(n > 0 && n <= PTP_MSG_MAX_LEN);
		FZ_CHECK(!msg_unpack(out, (size_t)n, &m));
		FZ_CHECK(m.hdr.messageType == MANAGEMENT && m.hdr.sequenceId == 9);
		FZ_CHECK(!mgmt_parse(&m, &r));
		FZ_CHECK(r.action == c.action && r.id == c.id);
		if (c.action != MGMT_SET || c.id == MID_NULL_MANAGEMENT) {
			continue;
		}
		FZ_CHECK(!mgmt_decode(r.id, r.data, r.len, &v));
		n = mgmt_encode(&v, enc, sizeof(enc));
		FZ_CHECK(n >= 0 && (size_t)n == r.len && !memcmp(enc, r.data, r.len));
		if (c.id == MID_UNICAST_MASTER_LOCKOUT_NP) {
			FZ_CHECK(v.u.lockout.count == c.v.u.lockout.count);
			/* every word after the action and the id is one address */
			FZ_CHECK(words(line) - 2 == v.u.lockout.count);
		} else if (c.id == MID_USER_DESCRIPTION) {
			FZ_CHECK(!strcmp(v.u.text, c.v.u.text));
		} else {
			FZ_CHECK(v.u.u8 == c.v.u.u8);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *save = NULL;

	FZ_CHECK(text);
	memcpy(text, data, size);
	text[size] = 0;
	check(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		check(line);
	}
	free(text);
	return 0;
}
