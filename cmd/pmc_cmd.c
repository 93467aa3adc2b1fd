/* SPDX-License-Identifier: BSD-2-Clause */
/* pmc's command lines to management requests; see pmc_cmd.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/tlv.h"
#include "../core/wire.h"
#include "pmc_cmd.h"

/* The next blank-separated word of *p into buf (len octets): its length,
 * 0 at the end of the line, -1 when it does not fit buf. */
static int next_word(const char **p, char *buf, size_t len)
{
	const char *s = *p, *e;
	size_t n;

	while (isspace((unsigned char)*s)) {
		s++;
	}
	for (e = s; *e && !isspace((unsigned char)*e); e++) {
	}
	n = (size_t)(e - s);
	*p = e;
	if (n >= len) {
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	return (int)n;
}

struct match {
	const char *prefix;
	int id, count;
};

static void match_id(uint16_t id, const char *name, void *arg)
{
	struct match *m = arg;
	if (!strcasecmp(name, m->prefix)) { /* exact wins */
		m->id = id;
		m->count = 1000;
	} else if (m->count < 1000 && !strncasecmp(name, m->prefix, strlen(m->prefix))) {
		m->id = id;
		m->count++;
	}
}

static int too_many(unsigned fit)
{
	fprintf(stderr,
		"pmc: too many addresses: at most %u fit one management message "
		"(%d UDP/IPv6 or %d UDP/IPv4 addresses)\n",
		fit, (MGMT_DATA_MAX - 2) / 20, (MGMT_DATA_MAX - 2) / 8);
	return -1;
}

/* UNICAST_MASTER_LOCKOUT_NP: every address of args, as many as one
 * management message holds (MGMT_DATA_MAX octets of dataField: the count,
 * then 4 octets + the address each).  0 or -1 (printed). */
static int lockout_args(const char *args, struct mgmt_value *v)
{
	struct lockout_np *l = &v->u.lockout;
	size_t octets = 2;
	char tok[64];
	int n;

	while ((n = next_word(&args, tok, sizeof(tok))) != 0) {
		if (n < 0) {
			fprintf(stderr, "pmc: a word of %zu characters or more: not an address\n",
				sizeof(tok));
			return -1;
		}
		if (l->count >= MGMT_MAX_LOCKOUT) {
			return too_many(l->count);
		}
		if (port_address_parse(tok, &l->addr[l->count])) {
			fprintf(stderr, "pmc: %s: not an address\n", tok);
			return -1;
		}
		octets += 4 + l->addr[l->count].addressLength;
		if (octets > MGMT_DATA_MAX) {
			return too_many(l->count);
		}
		l->count++;
	}
	return 0;
}

/* Fill the dataField of a SET from its arguments.  0 or -1 (printed). */
static int set_args(int id, const char *args, struct mgmt_value *v)
{
	size_t len;
	char *end;
	long x;

	memset(v, 0, sizeof(*v));
	v->id = (uint16_t)id;
	while (isspace((unsigned char)*args)) {
		args++;
	}
	len = strlen(args);
	switch (id) {
	case MID_USER_DESCRIPTION:
		if (len >= sizeof(v->u.text)) {
			fprintf(stderr, "pmc: USER_DESCRIPTION: %zu characters, at most %zu\n", len,
				sizeof(v->u.text) - 1);
			return -1;
		}
		memcpy(v->u.text, args, len + 1);
		return 0;
	case MID_UNICAST_MASTER_LOCKOUT_NP:
		return lockout_args(args, v);
	case MID_NULL_MANAGEMENT:
		return 0;
	case MID_PRIORITY1:
	case MID_PRIORITY2:
	case MID_DOMAIN:
	case MID_SLAVE_ONLY:
	case MID_LOG_ANNOUNCE_INTERVAL:
	case MID_ANNOUNCE_RECEIPT_TIMEOUT:
	case MID_LOG_SYNC_INTERVAL:
	case MID_VERSION_NUMBER:
	case MID_UNICAST_NEGOTIATION_ENABLE:
		x = strtol(args, &end, 0);
		while (isspace((unsigned char)*end)) {
			end++;
		}
		if (end == args || *end || x < -128 || x > 255) {
			fprintf(stderr, "%s SET needs 1 value\n", mgmt_id_str((uint16_t)id));
			return -1;
		}
		v->u.u8 = (uint8_t)x;
		return 0;
	}
	fprintf(stderr, "%s only allows GET\n", mgmt_id_str((uint16_t)id));
	return -1;
}

int pmc_parse_command(const char *line, struct pmc_cmd *c)
{
	static const char *const acts[] = { "GET", "SET", "RESPONSE", "COMMAND", "ACKNOWLEDGE" };
	char act[16], idname[64];
	struct match mt = { idname, -1, 0 };
	const char *p = line;
	int k, n;

	memset(c, 0, sizeof(*c));
	c->action = -1;
	n = next_word(&p, act, sizeof(act));
	if (n == 0) {
		return PMC_CMD_EMPTY;
	}
	if (n > 0 && !strcasecmp(act, "help")) {
		return PMC_CMD_HELP;
	}
	for (k = 0; n > 0 && k < 5; k++) {
		if (!strncasecmp(acts[k], act, strlen(act))) {
			c->action = k;
			break;
		}
	}
	if (n > 0 && !strcasecmp(act, "CMD")) {
		c->action = MGMT_COMMAND;
	}
	if (c->action != MGMT_GET && c->action != MGMT_SET && c->action != MGMT_COMMAND) {
		return -1;
	}
	if (next_word(&p, idname, sizeof(idname)) <= 0) {
		return -1;
	}
	mgmt_for_each(match_id, &mt);
	if (mt.id < 0 || (mt.count > 1 && mt.count < 1000)) {
		if (mt.count > 1 && mt.count < 1000) {
			fprintf(stderr, "pmc: %s: ambiguous\n", idname);
		}
		return -1;
	}
	c->id = mt.id;
	c->v.id = (uint16_t)mt.id;
	if (c->action == MGMT_SET && set_args(mt.id, p, &c->v)) {
		return -1;
	}
	return PMC_CMD_OK;
}

int pmc_build_request(const struct pmc_req_hdr *h, const struct pmc_cmd *c, uint8_t *out,
		      size_t room)
{
	uint8_t val[PTP_MSG_MAX_LEN];
	struct ptp_msg m;
	struct tlv *t;
	int n = 0;

	msg_init(&m, MANAGEMENT);
	m.hdr.flagField = h->unicast ? FLAG_UNICAST : 0; /* 1588-2019 13.3.2.8 */
	m.hdr.majorSdoId = h->transport_specific;
	m.hdr.domainNumber = h->domain;
	m.hdr.sourcePortIdentity = h->self;
	m.hdr.sequenceId = h->seq;
	m.hdr.logMessageInterval = 0x7f;
	memset(&m.body.management.targetPortIdentity, 0xff,
	       sizeof(m.body.management.targetPortIdentity));
	m.body.management.startingBoundaryHops = h->boundary_hops;
	m.body.management.boundaryHops = h->boundary_hops;
	m.body.management.actionField = (uint8_t)c->action;
	put_be16(val, (uint16_t)c->id);
	if (c->action == MGMT_SET && c->id != MID_NULL_MANAGEMENT) {
		n = mgmt_encode(&c->v, val + 2, sizeof(val) - 2);
	} else if (c->action == MGMT_GET && !h->zero_len && c->id != MID_NULL_MANAGEMENT) {
		/* like linuxptp: a zero dataField of the id's size */
		static struct mgmt_value z;
		memset(&z, 0, sizeof(z));
		z.id = (uint16_t)c->id;
		n = mgmt_encode(&z, val + 2, sizeof(val) - 2);
		memset(val + 2, 0, n > 0 ? (size_t)n : 0);
	}
	if (n < 0) {
		return n;
	}
	t = msg_add_tlv(&m, TLV_MANAGEMENT);
	t->lengthField = (uint16_t)(2 + n);
	t->value = val;
	return msg_pack(&m, out, room);
}
