/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmc: PTP management client (1588-2019 15) with linuxptp pmc's command
 * line, command syntax and output, over UDPv4, UDPv6 (the primary multicast
 * group, or --to ADDR unicast) or a UNIX socket.  --json prints one JSON
 * object per response for scripts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "../core/mgmt.h"
#include "../core/syncwait.h"
#include "../core/tlv.h"
#include "../core/wire.h"
#include "applet.h"
#include "pmc_cmd.h"

static const char pmc_usage[] =
	"usage: ptpbox pmc [options] [commands]\n"
	"\n"
	" Network Transport\n"
	"\n"
	" -4        UDP IPV4 (default)\n"
	" -6        UDP IPV6\n"
	" -u        UDS local\n"
	"\n"
	" Other Options\n"
	"\n"
	" -b [num]  boundary hops, default 1\n"
	" -d [num]  domain number, default 0\n"
	" -f [file] read configuration from 'file' (domainNumber, uds_address,\n"
	"           network_transport; sa_file, spp, active_key_id: signed requests)\n"
	" -h        prints this message and exits\n"
	" -i [dev]  interface device to use, default 'eth0' for network and\n"
	"           '/var/run/ptpbox-pmc.$pid' for UDS; -u -i IFACE: the clock on IFACE\n"
	" -s [path] server address for UDS, default: the only clock's (see man)\n"
	" -t [hex]  transport specific field, default 0x0\n"
	" -v        prints the software version and exits\n"
	" -z        send zero length TLV values with the GET actions\n"
	" --to ADDR send to ADDR (unicast) instead of the PTP multicast group\n"
	" --json    one JSON object per response on stdout\n"
	" --timeout T   wait for answers T (500ms, 2s; default 1s; a bare number: ms)\n"
	" --wait-sync NS  no commands: ask PORT_DATA_SET and CURRENT_DATA_SET once a\n"
	"           second until the port is SLAVE with |offsetFromMaster| <= NS ns in\n"
	"           every answer of --settle seconds: exit 0; 1 after --timeout T\n"
	"           (here a bare number is s; -u: default server the oc's)\n"
	" --settle S    --wait-sync: how long the offsets must stay within (default 10)\n"
	"\n"
	" Commands: GET|SET|CMD ID [args]; 'help' lists the IDs.\n"
	" Exit status: 0 every command answered (--wait-sync: in sync), 1 usage (or\n"
	" --wait-sync timed out), 3 no answer / error.\n";

#define MAX_CMDS 256
#define TRANS_UDS 100

struct pmc {
	int transport;
	int fd, mfd; /* request socket; multicast listener (UDP) */
	struct sockaddr_storage dst;
	socklen_t dstlen;
	struct uds_file local; /* our UNIX socket (-u) */
	uint8_t boundary_hops, domain, transport_specific;
	int zero_len, json, unicast;
	struct port_identity self;
	uint16_t seq;
	/* commands sent and whether an answer came */
	uint16_t seq_of[MAX_CMDS];
	char *text_of[MAX_CMDS];
	int answered[MAX_CMDS];
	int n_sent, n_answered, bad;
	/* --wait-sync: the answers are kept, not printed */
	int wait;
	struct pmc_seen {
		int have;	    /* this round */
		int state;	    /* PORT_DATA_SET: portState */
		tmv_t offset;	    /* CURRENT_DATA_SET: offsetFromMaster, ns */
	} pds, cds;
	struct clock_identity target; /* the clock followed */
	int have_target, send_err;
	uint64_t answers;
	/* -f with spp: requests over UDP signed, answers taken only with a
	 * valid AUTHENTICATION TLV (1588-2019 16.14) */
	struct auth_db *sad;
	struct auth_port *auth;
};

/* ---- output: one block per response, text like linuxptp or JSON ---- */

struct field {
	char name[40];
	char text[160];
	char json[200];
};

/* room for the longest address list a clock of ours answers (a unicast
 * master table or lock-out list of MGMT_MAX_ENTRIES) and a few fields */
#define SHOW_FIELDS (MGMT_MAX_ENTRIES + 8)

struct show {
	struct field f[SHOW_FIELDS];
	int n, width;
	char extra[4096]; /* verbatim text lines (tables) */
	char extra_json[8192];
};

static void json_str(char *out, size_t len, const char *s)
{
	size_t o = 0;
	if (len < 3) {
		return;
	}
	out[o++] = '"';
	for (; *s && o + 8 < len; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20) {
			o += (size_t)snprintf(out + o, len - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o++] = '"';
	out[o] = 0;
}

static struct field *add(struct show *s, const char *name)
{
	struct field *f = &s->f[s->n < SHOW_FIELDS - 1 ? s->n++ : SHOW_FIELDS - 1];
	snprintf(f->name, sizeof(f->name), "%s", name);
	if ((int)strlen(name) > s->width) {
		s->width = (int)strlen(name);
	}
	return f;
}

static void f_int(struct show *s, const char *name, long long v)
{
	struct field *f = add(s, name);
	snprintf(f->text, sizeof(f->text), "%lld", v);
	snprintf(f->json, sizeof(f->json), "%lld", v);
}

static void f_hex(struct show *s, const char *name, unsigned v, int digits)
{
	struct field *f = add(s, name);
	snprintf(f->text, sizeof(f->text), "0x%0*x", digits, v);
	snprintf(f->json, sizeof(f->json), "%u", v);
}

static void f_str(struct show *s, const char *name, const char *v)
{
	struct field *f = add(s, name);
	snprintf(f->text, sizeof(f->text), "%s", v);
	json_str(f->json, sizeof(f->json), v);
}

static void f_raw(struct show *s, const char *name, const char *text, const char *json)
{
	struct field *f = add(s, name);
	snprintf(f->text, sizeof(f->text), "%s", text);
	snprintf(f->json, sizeof(f->json), "%s", json);
}

static const char *bin_str(const uint8_t *p, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;
	buf[0] = 0;
	for (i = 0; i < n && o + 4 <= len; i++) {
		o += (size_t)snprintf(buf + o, len - o, i ? ":%02x" : "%02x", p[i]);
	}
	return buf;
}

static const char *ustate_str(int s)
{
	static const char *const n[] = { "WAIT", "HAVE_ANN", "NEED_SYDY", "HAVE_SYDY" };
	return s >= 0 && s < 4 ? n[s] : "???";
}

/* A PortAddress: "networkProtocol address" as linuxptp prints it */
static void f_paddr(struct show *s, const char *name, const struct port_address *a)
{
	char b[64], t[80], j[120];
	port_address_str(a, b, sizeof(b));
	snprintf(t, sizeof(t), "%u %s", a->networkProtocol, b);
	json_str(j, sizeof(j), b);
	f_raw(s, name, t, j);
}

static void addr_fields(struct show *s, const struct port_address *a, int n)
{
	int i;
	for (i = 0; i < n; i++) {
		f_paddr(s, "address", &a[i]);
	}
}

/* Fields of a decoded dataField, linuxptp pmc's names and formats. */
static void show_value(struct show *s, const struct mgmt_value *v, const struct mgmt_req *r)
{
	char b[128], b2[128];
	int i;

	switch (v->id) {
	case MID_CLOCK_DESCRIPTION: {
		const struct clock_description *d = &v->u.cd;
		f_hex(s, "clockType", d->clockType, 0);
		f_str(s, "physicalLayerProtocol", d->physicalLayerProtocol);
		f_str(s, "physicalAddress",
		      bin_str(d->physicalAddress, d->physicalAddressLength, b, sizeof(b)));
		f_paddr(s, "protocolAddress", &d->protocolAddress);
		f_str(s, "manufacturerId", bin_str(d->manufacturerIdentity, 3, b, sizeof(b)));
		f_str(s, "productDescription", d->productDescription);
		f_str(s, "revisionData", d->revisionData);
		f_str(s, "userDescription", d->userDescription);
		f_str(s, "profileId", bin_str(d->profileIdentity, 6, b, sizeof(b)));
		break;
	}
	case MID_USER_DESCRIPTION:
		f_str(s, "userDescription", v->u.text);
		s->width = 16;
		break;
	case MID_DEFAULT_DATA_SET: {
		const struct default_ds *d = &v->u.dds;
		f_int(s, "twoStepFlag", d->twoStepFlag ? 1 : 0);
		f_int(s, "slaveOnly", d->slaveOnly ? 1 : 0);
		f_int(s, "numberPorts", d->numberPorts);
		f_int(s, "priority1", d->priority1);
		f_int(s, "clockClass", d->clockQuality.clockClass);
		f_hex(s, "clockAccuracy", d->clockQuality.clockAccuracy, 2);
		f_hex(s, "offsetScaledLogVariance", d->clockQuality.offsetScaledLogVariance, 4);
		f_int(s, "priority2", d->priority2);
		f_str(s, "clockIdentity", clock_id_str(&d->clockIdentity, b));
		f_int(s, "domainNumber", d->domainNumber);
		break;
	}
	case MID_CURRENT_DATA_SET: {
		/* TimeInterval, scaled ns: print ns with the fraction */
		double off = (double)(int64_t)get_be64(r->data + 2) / 65536.0;
		double mpd = (double)(int64_t)get_be64(r->data + 10) / 65536.0;
		f_int(s, "stepsRemoved", (int16_t)v->u.cds.stepsRemoved);
		snprintf(b, sizeof(b), "%.1f", off);
		f_raw(s, "offsetFromMaster", b, b);
		snprintf(b, sizeof(b), "%.1f", mpd);
		f_raw(s, "meanPathDelay", b, b);
		break;
	}
	case MID_PARENT_DATA_SET: {
		const struct parent_ds *d = &v->u.pds;
		f_str(s, "parentPortIdentity", port_id_str(&d->parentPortIdentity, b));
		f_int(s, "parentStats", r->data[10]);
		f_hex(s, "observedParentOffsetScaledLogVariance", get_be16(r->data + 12), 4);
		f_hex(s, "observedParentClockPhaseChangeRate", get_be32(r->data + 14), 8);
		f_int(s, "grandmasterPriority1", d->grandmasterPriority1);
		f_int(s, "gm.ClockClass", d->grandmasterClockQuality.clockClass);
		f_hex(s, "gm.ClockAccuracy", d->grandmasterClockQuality.clockAccuracy, 2);
		f_hex(s, "gm.OffsetScaledLogVariance",
		      d->grandmasterClockQuality.offsetScaledLogVariance, 4);
		f_int(s, "grandmasterPriority2", d->grandmasterPriority2);
		f_str(s, "grandmasterIdentity", clock_id_str(&d->grandmasterIdentity, b));
		break;
	}
	case MID_TIME_PROPERTIES_DATA_SET: {
		const struct time_properties_ds *t = &v->u.tpds;
		f_int(s, "currentUtcOffset", t->currentUtcOffset);
		f_int(s, "leap61", t->leap61);
		f_int(s, "leap59", t->leap59);
		f_int(s, "currentUtcOffsetValid", t->currentUtcOffsetValid);
		f_int(s, "ptpTimescale", t->ptpTimescale);
		f_int(s, "timeTraceable", t->timeTraceable);
		f_int(s, "frequencyTraceable", t->frequencyTraceable);
		f_hex(s, "timeSource", t->timeSource, 2);
		break;
	}
	case MID_PORT_DATA_SET: {
		const struct port_ds *p = &v->u.port;
		f_str(s, "portIdentity", port_id_str(&p->portIdentity, b));
		f_str(s, "portState", port_state_str(p->portState));
		f_int(s, "logMinDelayReqInterval", p->logMinDelayReqInterval);
		f_int(s, "peerMeanPathDelay", (int64_t)get_be64(r->data + 12) >> 16);
		f_int(s, "logAnnounceInterval", p->logAnnounceInterval);
		f_int(s, "announceReceiptTimeout", p->announceReceiptTimeout);
		f_int(s, "logSyncInterval", p->logSyncInterval);
		f_int(s, "delayMechanism", p->delayMechanism);
		f_int(s, "logMinPdelayReqInterval", (int8_t)r->data[24]);
		f_int(s, "versionNumber", p->versionNumber);
		break;
	}
	case MID_PRIORITY1:
		f_int(s, "priority1", v->u.u8);
		break;
	case MID_PRIORITY2:
		f_int(s, "priority2", v->u.u8);
		break;
	case MID_DOMAIN:
		f_int(s, "domainNumber", v->u.u8);
		break;
	case MID_SLAVE_ONLY:
		/* SO is bit 0 (15.5.3.3.4); ptp4l sends it in bit 1 */
		f_int(s, "slaveOnly", (v->u.u8 & 3) ? 1 : 0);
		break;
	case MID_MASTER_ONLY:
		f_int(s, "masterOnly", v->u.u8 & 1);
		break;
	case MID_LOG_ANNOUNCE_INTERVAL:
		f_int(s, "logAnnounceInterval", v->u.i8);
		break;
	case MID_ANNOUNCE_RECEIPT_TIMEOUT:
		f_int(s, "announceReceiptTimeout", v->u.u8);
		break;
	case MID_LOG_SYNC_INTERVAL:
		f_int(s, "logSyncInterval", v->u.i8);
		break;
	case MID_VERSION_NUMBER:
		f_int(s, "versionNumber", v->u.u8 & 0x0f);
		break;
	case MID_UNICAST_NEGOTIATION_ENABLE:
		f_int(s, "enable", v->u.u8 & 1);
		break;
	case MID_UNICAST_MASTER_MAX_TABLE_SIZE:
		f_int(s, "maxTableSize", v->u.u16);
		break;
	case MID_UNICAST_MASTER_TABLE:
		f_int(s, "logQueryInterval", v->u.umt.logQueryInterval);
		f_int(s, "actualTableSize", v->u.umt.actualTableSize);
		addr_fields(s, v->u.umt.addr, v->u.umt.actualTableSize);
		break;
	case MID_UNICAST_MASTER_LOCKOUT_NP:
		f_int(s, "count", v->u.lockout.count);
		addr_fields(s, v->u.lockout.addr, v->u.lockout.count);
		break;
	case MID_TIME_STATUS_NP: {
		const struct time_status_np *t = &v->u.tsn;
		const uint8_t *g = t->lastGmPhaseChange;
		f_int(s, "master_offset", t->master_offset);
		f_int(s, "ingress_time", t->ingress_time);
		{
			/* linuxptp's text keeps the sign; JSON (RFC 8259 6) has
			 * no leading '+' */
			double ratio = t->cumulativeScaledRateOffset / 2199023255552.0;
			char j[48];
			snprintf(b, sizeof(b), "%+.9f", ratio);
			snprintf(j, sizeof(j), "%.9f", ratio);
			f_raw(s, "cumulativeScaledRateOffset", b, j);
		}
		f_int(s, "scaledLastGmPhaseChange", t->scaledLastGmPhaseChange);
		f_int(s, "gmTimeBaseIndicator", t->gmTimeBaseIndicator);
		snprintf(b, sizeof(b), "0x%04x'%016" PRIx64 ".%04x", get_be16(g), get_be64(g + 2),
			 get_be16(g + 10));
		f_str(s, "lastGmPhaseChange", b);
		f_raw(s, "gmPresent", t->gmPresent ? "true" : "false",
		      t->gmPresent ? "true" : "false");
		f_str(s, "gmIdentity", clock_id_str(&t->gmIdentity, b));
		break;
	}
	case MID_PORT_DATA_SET_NP:
		f_int(s, "neighborPropDelayThresh", v->u.pdsnp.neighborPropDelayThresh);
		f_int(s, "asCapable", v->u.pdsnp.asCapable ? 1 : 0);
		break;
	case MID_PORT_STATS_NP: {
		static const int order[10] = { SYNC,	   DELAY_REQ, PDELAY_REQ, PDELAY_RESP,
					       FOLLOW_UP, DELAY_RESP, PDELAY_RESP_FOLLOW_UP,
					       ANNOUNCE,  SIGNALING,  MANAGEMENT };
		static const char *const names[10] = {
			"Sync",		"Delay_Req", "Pdelay_Req", "Pdelay_Resp",
			"Follow_Up",	"Delay_Resp", "Pdelay_Resp_Follow_Up",
			"Announce",	"Signaling", "Management"
		};
		f_str(s, "portIdentity", port_id_str(&v->u.stats.portIdentity, b));
		for (i = 0; i < 20; i++) {
			snprintf(b2, sizeof(b2), "%s_%s", i < 10 ? "rx" : "tx", names[i % 10]);
			f_int(s, b2,
			      (long long)(i < 10 ? v->u.stats.rxMsgType[order[i]]
						 : v->u.stats.txMsgType[order[i - 10]]));
		}
		s->width = 25;
		break;
	}
	case MID_TRANSPARENT_CLOCK_DEFAULT_DATA_SET:
		f_str(s, "clockIdentity", clock_id_str(&v->u.tcds.clockIdentity, b));
		f_int(s, "numberPorts", v->u.tcds.numberPorts);
		f_int(s, "delayMechanism", v->u.tcds.delayMechanism);
		f_int(s, "primaryDomain", v->u.tcds.primaryDomain);
		break;
	case MID_TRANSPARENT_CLOCK_PORT_DATA_SET:
		f_str(s, "portIdentity", port_id_str(&v->u.tcport.portIdentity, b));
		f_int(s, "faultyFlag", v->u.tcport.faultyFlag);
		f_int(s, "logMinPdelayReqInterval", v->u.tcport.logMinPdelayReqInterval);
		f_int(s, "peerMeanPathDelay", v->u.tcport.peerMeanPathDelay >> 16);
		break;
	case MID_TC_PORT_STATS_NP:
		f_str(s, "portIdentity", port_id_str(&v->u.tcstats.portIdentity, b));
		for (i = 0; i < MGMT_TC_STATS; i++) {
			f_int(s, mgmt_tc_stat_names[i], v->u.tcstats.count[i]);
		}
		s->width = 19;
		break;
	case MID_SERVO_STATE_NP:
		/* fixed point x 2^16, printed as decimals (numbers in JSON
		 * too, RFC 8259 6) */
		for (i = 0; i < MGMT_SERVO_FIELDS; i++) {
			snprintf(b, sizeof(b), "%.6g", (double)v->u.servo.v[i] / 65536);
			f_raw(s, mgmt_servo_names[i], b, b);
		}
		break;
	case MID_PORT_REFUSALS_NP:
		f_str(s, "portIdentity", port_id_str(&v->u.refusals.portIdentity, b));
		for (i = 0; i < MGMT_REFUSALS; i++) {
			f_int(s, mgmt_refusal_names[i], (long long)v->u.refusals.count[i]);
		}
		break;
	case MID_UNICAST_MASTER_TABLE_NP: {
		const struct unicast_master_table_np *t = &v->u.umtnp;
		size_t o = 0, oj = 0;
		f_int(s, "actual_table_size", t->actualTableSize);
		o += (size_t)snprintf(s->extra + o, sizeof(s->extra) - o,
				      "\n\t\t%s  %-24s %-34s %-9s %s %s %s %s  %s", "BM", "identity",
				      "address", "state", "clockClass", "clockQuality",
				      "offsetScaledLogVariance", "p1", "p2");
		oj += (size_t)snprintf(s->extra_json + oj, sizeof(s->extra_json) - oj,
				       ",\"unicast_masters\":[");
		for (i = 0; i < t->actualTableSize && o < sizeof(s->extra) - 200 &&
			    oj < sizeof(s->extra_json) - 400;
		     i++) {
			const struct unicast_master_entry *e = &t->entry[i];
			port_id_str(&e->portIdentity, b);
			port_address_str(&e->address, b2, sizeof(b2));
			o += (size_t)snprintf(
				s->extra + o, sizeof(s->extra) - o,
				"\n\t\t%s %-24s %-34s %-9s %-10u 0x%02x         0x%04x                  "
				"%-3u %-3u",
				e->selected ? "yes" : "no ", b, b2, ustate_str(e->unicastState),
				e->clockQuality.clockClass, e->clockQuality.clockAccuracy,
				e->clockQuality.offsetScaledLogVariance, e->priority1, e->priority2);
			oj += (size_t)snprintf(
				s->extra_json + oj, sizeof(s->extra_json) - oj,
				"%s{\"selected\":%s,\"portIdentity\":\"%s\",\"address\":\"%s\","
				"\"state\":\"%s\",\"clockClass\":%u,\"clockAccuracy\":%u,"
				"\"offsetScaledLogVariance\":%u,\"priority1\":%u,\"priority2\":%u}",
				i ? "," : "", e->selected ? "true" : "false", b, b2,
				ustate_str(e->unicastState), e->clockQuality.clockClass,
				e->clockQuality.clockAccuracy,
				e->clockQuality.offsetScaledLogVariance, e->priority1, e->priority2);
		}
		snprintf(s->extra_json + oj, sizeof(s->extra_json) - oj, "]");
		break;
	}
	}
}

static void print_response(struct pmc *p, const struct ptp_msg *m, const struct mgmt_req *r)
{
	static struct show s;
	struct mgmt_value v;
	char src[32];
	const char *name = mgmt_id_str(r->id);
	int i, dec = -1;

	memset(&s, 0, sizeof(s));
	port_id_str(&m->hdr.sourcePortIdentity, src);
	if (r->tlvType == TLV_MANAGEMENT && r->id != MID_NULL_MANAGEMENT && r->len > 0) {
		dec = mgmt_decode(r->id, r->data, r->len, &v);
		if (!dec) {
			show_value(&s, &v, r);
		}
	}
	if (p->json) {
		char idj[64];
		json_str(idj, sizeof(idj), name ? name : "UNKNOWN");
		printf("{\"source\":\"%s\",\"seq\":%u,\"action\":\"%s\",", src, m->hdr.sequenceId,
		       mgmt_action_str(r->action));
		if (r->tlvType == TLV_MANAGEMENT_ERROR_STATUS) {
			char dd[200] = "\"\"";
			if (r->len > 0 && r->data[0] <= r->len - 1) {
				char t[256];
				memcpy(t, r->data + 1, r->data[0]);
				t[r->data[0]] = 0;
				json_str(dd, sizeof(dd), t);
			}
			printf("\"tlv\":\"MANAGEMENT_ERROR_STATUS\",\"id\":%s,\"error\":\"%s\","
			       "\"displayData\":%s}\n",
			       idj, mgmt_error_str(r->errorId), dd);
		} else {
			printf("\"tlv\":\"MANAGEMENT\",\"id\":%s,\"data\":{", idj);
			for (i = 0; i < s.n; i++) {
				printf("%s\"%s\":%s", i ? "," : "", s.f[i].name, s.f[i].json);
			}
			printf("%s}}\n", s.extra_json);
		}
		fflush(stdout);
		return;
	}
	printf("\t%s seq %u %s ", src, m->hdr.sequenceId, mgmt_action_str(r->action));
	if (r->tlvType == TLV_MANAGEMENT_ERROR_STATUS) {
		printf("MANAGEMENT_ERROR_STATUS \n\t\tmanagementErrorId %s\n\t\tmanagementId      %s",
		       mgmt_error_str(r->errorId), name ? name : "UNKNOWN");
		if (r->len > 0 && r->data[0] <= r->len - 1 && r->data[0]) {
			printf("\n\t\tdisplayData       %.*s", r->data[0], (const char *)r->data + 1);
		}
		printf("\n");
		fflush(stdout);
		return;
	}
	printf("MANAGEMENT ");
	if (r->len == 0 && r->id != MID_NULL_MANAGEMENT) {
		printf("empty-tlv \n");
		fflush(stdout);
		return;
	}
	if (r->id != MID_NULL_MANAGEMENT) {
		if (!name || dec) {
			printf("%s (0x%04x, %zu octets%s)", name ? name : "unknown-id", r->id, r->len,
			       dec ? ", malformed" : "");
		} else {
			printf("%s ", name);
			for (i = 0; i < s.n; i++) {
				printf("\n\t\t%-*s %s", s.width, s.f[i].name, s.f[i].text);
			}
			printf("%s", s.extra);
		}
	}
	printf("\n");
	fflush(stdout);
}

/* ---- commands (the language: pmc_cmd.c) ---- */

static void list_id(uint16_t id, const char *name, void *arg)
{
	(void)arg;
	printf("\t%s%s\n", name, mgmt_settable(id) ? " (GET, SET)" : "");
}

static int send_request(struct pmc *p, const struct pmc_cmd *c)
{
	struct pmc_req_hdr h;
	uint8_t out[PTP_MSG_MAX_LEN];
	int n;

	memset(&h, 0, sizeof(h));
	h.self = p->self;
	h.seq = p->seq;
	h.domain = p->domain;
	h.transport_specific = p->transport_specific;
	h.boundary_hops = p->boundary_hops;
	h.zero_len = p->zero_len;
	h.unicast = p->unicast;
	n = pmc_build_request(&h, c, out, sizeof(out));
	if (n >= 0 && p->auth && p->transport != TRANS_UDS) {
		n = auth_port_sign(p->auth, out, (size_t)n, sizeof(out));
	}
	if (n < 0 || sendto(p->fd, out, (size_t)n, 0, (struct sockaddr *)&p->dst, p->dstlen) < 0) {
		p->send_err = n < 0 ? -n : errno;
		if (!p->wait) { /* --wait-sync: the clock may not be up yet */
			if (p->transport == TRANS_UDS &&
			    (p->send_err == ENOENT || p->send_err == ECONNREFUSED)) {
				fprintf(stderr, "pmc: UNIX socket %s: %s: no clock there (is it running? "
						"its uds_address; -s PATH)\n",
					((struct sockaddr_un *)&p->dst)->sun_path, strerror(p->send_err));
			} else {
				fprintf(stderr, "pmc: send: %s\n", strerror(p->send_err));
			}
		}
		return -2;
	}
	return 0;
}

/* One command line: 0 sent, 1 handled locally (help, blank), -1 bad, -2
 * not sent (said why). */
static int do_command(struct pmc *p, const char *line)
{
	static const char *const acts[] = { "GET", "SET", "RESPONSE", "COMMAND" };
	static struct pmc_cmd c;
	int r = pmc_parse_command(line, &c);

	if (r == PMC_CMD_HELP) {
		printf("commands: GET|SET|CMD ID [args]\nIDs:\n");
		mgmt_for_each(list_id, NULL);
		return 1;
	}
	if (r) {
		return r < 0 ? -1 : 1;
	}
	if (p->n_sent >= MAX_CMDS) {
		fprintf(stderr, "pmc: more than %d commands\n", MAX_CMDS);
		return -1;
	}
	if (!p->json) {
		printf("sending: %s %s\n", acts[c.action], mgmt_id_str((uint16_t)c.id));
		fflush(stdout);
	}
	if (send_request(p, &c)) {
		return -2;
	}
	p->seq_of[p->n_sent] = p->seq++;
	p->text_of[p->n_sent] = strdup(line);
	p->answered[p->n_sent] = 0;
	p->n_sent++;
	return 0;
}

static void receive_one(struct pmc *p, int fd)
{
	uint8_t buf[PTP_MSG_MAX_LEN + 64];
	struct ptp_msg m;
	struct mgmt_req r;
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	int i;

	if (n < 0) {
		return;
	}
	if (p->auth && p->transport != TRANS_UDS) {
		if (auth_check(p->auth, buf, (size_t)n) < 0) {
			return; /* not from a holder of the key */
		}
	}
	if (msg_unpack(buf, (size_t)n, &m)) {
		return;
	}
	/* the AUTHENTICATION TLV, last: checked above, or (no keys here) an
	 * answer signed for those who hold them */
	auth_strip_tlv(&m);
	if (mgmt_parse(&m, &r)) {
		return;
	}
	if (r.action != MGMT_RESPONSE && r.action != MGMT_ACKNOWLEDGE) {
		return; /* requests (ours looped back, other clients') */
	}
	if (port_id_cmp(&m.body.management.targetPortIdentity, &p->self)) {
		return; /* another client's answer */
	}
	for (i = 0; i < p->n_sent; i++) {
		if (p->seq_of[i] == m.hdr.sequenceId && !p->answered[i]) {
			p->answered[i] = 1;
			p->n_answered++;
		}
	}
	if (r.tlvType == TLV_MANAGEMENT_ERROR_STATUS) {
		p->bad = 1;
	}
	if (p->wait) {
		struct mgmt_value v;
		const struct clock_identity *from = &m.hdr.sourcePortIdentity.clockIdentity;
		struct pmc_seen *w = r.id == MID_PORT_DATA_SET ? &p->pds
				     : r.id == MID_CURRENT_DATA_SET ? &p->cds : NULL;
		if (!w || r.tlvType != TLV_MANAGEMENT || mgmt_decode(r.id, r.data, r.len, &v)) {
			return;
		}
		p->answers++;
		/* several clocks may answer (multicast): follow the first
		 * whose port is a slave's (LISTENING, UNCALIBRATED, SLAVE) */
		if (!p->have_target && r.id == MID_PORT_DATA_SET &&
		    (v.u.port.portState == PS_LISTENING || v.u.port.portState == PS_UNCALIBRATED ||
		     v.u.port.portState == PS_SLAVE)) {
			p->target = *from;
			p->have_target = 1;
		}
		/* by clockIdentity: clock-level answers (CURRENT_DATA_SET)
		 * come from port 0 */
		if (p->have_target && !memcmp(from, &p->target, sizeof(*from))) {
			w->have = 1;
			w->state = v.u.port.portState;
			w->offset = v.u.cds.offsetFromMaster;
		}
		return;
	}
	print_response(p, &m, &r);
}

/* ---- transports ---- */

/* Our socket: `local` (-i), else /var/run/ptpbox-pmc.PID, else (no /var/run:
 * an initramfs, tests) /tmp/ptpbox-pmc.PID; bound by uds_bind.  0, or -1
 * with a message in err. */
static int open_uds(struct pmc *p, const char *server, const char *local, char *err,
		    size_t errlen)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&p->dst;
	char path[108];

	p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		snprintf(err, errlen, "socket(AF_UNIX): %s", strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "/var/run/ptpbox-pmc.%d", (int)getpid());
	if (uds_bind(p->fd, local ? local : path, -1, &p->local, "UNIX socket", err, errlen)) {
		if (local) {
			return -1;
		}
		snprintf(path, sizeof(path), "/tmp/ptpbox-pmc.%d", (int)getpid());
		if (uds_bind(p->fd, path, -1, &p->local, "UNIX socket", err, errlen)) {
			return -1;
		}
	}
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(server) >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "UNIX socket %s: %s", server, strerror(ENAMETOOLONG));
		return -1;
	}
	memcpy(sun->sun_path, server, strlen(server));
	p->dstlen = sizeof(*sun);
	return 0;
}

static int open_udp(struct pmc *p, const char *iface, const char *to, char *err, size_t errlen)
{
	int v6 = p->transport == TRANS_UDP_IPV6, one = 1;
	int family = v6 ? AF_INET6 : AF_INET;
	unsigned idx = iface ? if_nametoindex(iface) : 0;
	const char *group = v6 ? PTP_MCAST_IPV6 : PTP_MCAST_IPV4;
	const char *dst = to ? to : group;

	if (iface && !idx) {
		snprintf(err, errlen, "%s: no such interface", iface);
		return -1;
	}
	memset(&p->dst, 0, sizeof(p->dst));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p->dst;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(PTP_GENERAL_PORT);
		if (inet_pton(AF_INET6, dst, &s6->sin6_addr) != 1) {
			snprintf(err, errlen, "%s: not an IPv6 address", dst);
			return -1;
		}
		s6->sin6_scope_id = idx;
		p->dstlen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&p->dst;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(PTP_GENERAL_PORT);
		if (inet_pton(AF_INET, dst, &s4->sin_addr) != 1) {
			snprintf(err, errlen, "%s: not an IPv4 address", dst);
			return -1;
		}
		p->dstlen = sizeof(*s4);
	}
	p->fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (iface && setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, iface, (socklen_t)strlen(iface))) {
		snprintf(err, errlen, "%s: SO_BINDTODEVICE: %s", iface, strerror(errno));
		return -1;
	}
	if (idx && v6) {
		setsockopt(p->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
	} else if (idx) {
		struct ip_mreqn mr;
		memset(&mr, 0, sizeof(mr));
		mr.imr_ifindex = (int)idx;
		setsockopt(p->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr));
	}
	if (to) {
		/* a unicast responder may answer to the general port (1588-2019
		 * Annex C; ptpd does): listen there too, unless a clock on this
		 * host has it (no SO_REUSEADDR: never take its traffic) */
		struct sockaddr_storage any;
		memset(&any, 0, sizeof(any));
		memcpy(&any, &p->dst, p->dstlen);
		if (v6) {
			((struct sockaddr_in6 *)&any)->sin6_addr = in6addr_any;
			((struct sockaddr_in6 *)&any)->sin6_scope_id = 0;
		} else {
			((struct sockaddr_in *)&any)->sin_addr.s_addr = htonl(INADDR_ANY);
		}
		p->unicast = 1;
		p->mfd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (p->mfd >= 0 && bind(p->mfd, (struct sockaddr *)&any, p->dstlen)) {
			close(p->mfd);
			p->mfd = -1;
		}
		return 0;
	}
	if (!idx) {
		return 0;
	}
	/* ptp4l answers to the group on port 320: listen there too, bound to
	 * the group address so no unicast PTP traffic is taken from a clock
	 * running on this host */
	p->mfd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->mfd < 0) {
		return 0;
	}
	setsockopt(p->mfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6) {
		struct sockaddr_in6 s6;
		struct ipv6_mreq mr;
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons(PTP_GENERAL_PORT);
		inet_pton(AF_INET6, group, &s6.sin6_addr);
		memset(&mr, 0, sizeof(mr));
		mr.ipv6mr_multiaddr = s6.sin6_addr;
		mr.ipv6mr_interface = idx;
		if (bind(p->mfd, (struct sockaddr *)&s6, sizeof(s6)) ||
		    setsockopt(p->mfd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr))) {
			close(p->mfd);
			p->mfd = -1;
		}
	} else {
		struct sockaddr_in s4;
		struct ip_mreqn mr;
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		s4.sin_port = htons(PTP_GENERAL_PORT);
		inet_pton(AF_INET, group, &s4.sin_addr);
		memset(&mr, 0, sizeof(mr));
		mr.imr_multiaddr = s4.sin_addr;
		mr.imr_ifindex = (int)idx;
		if (bind(p->mfd, (struct sockaddr *)&s4, sizeof(s4)) ||
		    setsockopt(p->mfd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
			close(p->mfd);
			p->mfd = -1;
		}
	}
	return 0;
}

/* The server with -u and no -s: the socket of the clock on ifname (-i
 * IFACE: /var/run/ptpbox-APPLET-IFACE, the oc's when none is there yet);
 * without ifname the fixed paths of before (/var/run/ptpbox-oc, -gm, -tc),
 * else the only /var/run/ptpbox-APPLET-IFACE, else ptp4l's.  oc: the oc's
 * only (--wait-sync: it may not be up yet).  NULL, err (errlen octets)
 * continued with their names, when several sockets fit. */
static const char *default_server(const char *ifname, int oc, char *err, size_t errlen)
{
	static const char *const c[] = { "/var/run/ptpbox-oc", "/var/run/ptpbox-gm",
					  "/var/run/ptpbox-tc" };
	static char path[128];
	char buf[2048] __attribute__((aligned(8))), *q;
	struct dirent *e;
	long k, o;
	int i, fd, n = 0;

	for (i = 0; !ifname && i < (oc ? 1 : 3); i++) {
		if (!access(c[i], F_OK)) {
			return c[i];
		}
	}
	/* the directory's entries (getdents64: records of struct dirent) */
	fd = open("/var/run", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd >= 0 && (k = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (o = 0; o < k; o += e->d_reclen) {
			e = (struct dirent *)(buf + o);
			if (e->d_type == DT_SOCK && !strncmp(e->d_name, "ptpbox-oc-", oc ? 10 : 7) &&
			    (q = strchr(e->d_name + 7, '-')) && (!ifname || !strcmp(q + 1, ifname))) {
				n++;
				snprintf(path, sizeof(path), "/var/run/%.100s", e->d_name);
				snprintf(err + strlen(err), errlen - strlen(err), " %s", path);
			}
		}
	}
	if (fd >= 0) {
		close(fd);
	}
	if (n > 1) {
		return NULL;
	}
	if (!n && ifname) {
		snprintf(path, sizeof(path), "/var/run/ptpbox-oc-%.64s", ifname);
	}
	return n || ifname ? path : oc || access("/var/run/ptp4l", F_OK) ? c[0] : "/var/run/ptp4l";
}

/* Ask the port's state and offsetFromMaster once a second (one round:
 * both requests, their answers for up to a second) until sync_wait says
 * in sync (0) or timeout ns have passed (1); the verdict on stdout or
 * stderr. */
static int wait_sync(struct pmc *p, const char *server, tmv_t limit, tmv_t settle, tmv_t timeout)
{
	static const int ids[2] = { MID_PORT_DATA_SET, MID_CURRENT_DATA_SET };
	struct pmc_cmd c;
	struct sync_wait w;
	tmv_t start = mono_now(), now = start;
	int k;

	sync_wait_init(&w, limit, settle);
	p->wait = 1;
	while (!applet_stop) {
		tmv_t round_end = eng_min(now + NS_PER_SEC, start + timeout);
		struct pollfd pfd[2];

		p->pds.have = p->cds.have = 0;
		for (k = 0; k < 2; k++) {
			memset(&c, 0, sizeof(c));
			c.action = MGMT_GET;
			c.id = ids[k];
			send_request(p, &c);
			p->seq++;
		}
		while (!(p->pds.have && p->cds.have) && (now = mono_now()) < round_end &&
		       !applet_stop) {
			pfd[0].fd = p->fd;
			pfd[0].events = POLLIN;
			pfd[1].fd = p->mfd;
			pfd[1].events = POLLIN;
			if (poll(pfd, 2, (int)((round_end - now + 999999) / 1000000)) > 0) {
				if (pfd[0].revents & POLLIN) {
					receive_one(p, p->fd);
				}
				if (pfd[1].revents & POLLIN) {
					receive_one(p, p->mfd);
				}
			}
		}
		now = mono_now();
		if (p->pds.have && p->cds.have &&
		    sync_wait_update(&w, p->pds.state, 1, p->cds.offset, now)) {
			printf("pmc: in sync after %.1f s: offsetFromMaster within +-%lld ns for "
			       "%.1f s, last %lld ns\n",
			       (double)(now - start) / 1e9, (long long)limit, (double)settle / 1e9,
			       (long long)w.last);
			return 0;
		}
		if (p->pds.have && !p->cds.have) {
			sync_wait_update(&w, p->pds.state, 0, 0, now);
		}
		if (now - start >= timeout) {
			break;
		}
		if (round_end > now) {
			poll(NULL, 0, (int)((round_end - now + 999999) / 1000000)); /* once a second */
		}
		now = mono_now();
	}
	{
		char why[200];
		if (!p->answers) {
			snprintf(why, sizeof(why), "no answer from %s%s%s", server,
				 p->send_err ? ": " : "", p->send_err ? strerror(p->send_err) : "");
		} else if (!p->have_target) {
			snprintf(why, sizeof(why), "no slave port answered (only masters)");
		} else {
			sync_wait_why(&w, mono_now(), why, sizeof(why));
		}
		fprintf(stderr, "pmc: not in sync within +-%lld ns after %.1f s (%s): %s\n",
			(long long)limit, (double)(mono_now() - start) / 1e9,
			applet_stop ? "stopped" : "timed out", why);
	}
	return 1;
}

static int die(const char *msg)
{
	fprintf(stderr, "pmc: %s\n", msg);
	return EXIT_USAGE;
}

/* text as a number in lo..hi into *v: 0, or -1 said on stderr. */
int pmc_main(int argc, char **argv)
{
	static struct pmc pm;
	struct pmc *p = &pm;
	const char *iface = NULL, *server = NULL, *file = NULL, *to = NULL, *ifname = NULL;
	int i, first_cmd = argc, transport = -1, domain = -1, ts = -1;
	int interactive, stdin_open = 1, rc = 0;
	const char *timeout_arg = NULL, *wait_arg = NULL, *settle_arg = NULL;
	double wait_ns = 0, settle_s = 10, tmo = 0;
	tmv_t deadline, linger_until = 0, timeout = NS_PER_SEC;
	char err[256], *line = NULL; /* a command line from stdin, any length */
	size_t line_cap = 0;

	memset(p, 0, sizeof(*p));
	p->fd = p->mfd = -1;
	p->boundary_hops = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1]) {
			first_cmd = i;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(pmc_usage, stdout);
			return 0;
		} else if (!strcmp(a, "-v")) {
			printf("%s\n", PTPBOX_VERSION);
			return 0;
		} else if (!strcmp(a, "-4") || !strcmp(a, "-6") || !strcmp(a, "-u")) {
			transport = a[1] == '4' ? TRANS_UDP_IPV4
				    : a[1] == '6' ? TRANS_UDP_IPV6 : TRANS_UDS;
		} else if (!strcmp(a, "-2")) {
			return die("-2: IEEE 802.3 transport not supported, use -4, -6 or -u");
		} else if (!strcmp(a, "-z")) {
			p->zero_len = 1;
		} else if (!strcmp(a, "--json")) {
			p->json = 1;
		} else if (strchr("bdfist", a[1]) && !a[2] && a[1]) {
			char *end;
			long x;
			if (i + 1 >= argc) {
				snprintf(err, sizeof(err), "option %s needs a value (try --help)", a);
				return die(err);
			}
			a = argv[++i];
			switch (argv[i - 1][1]) {
			case 'b':
			case 'd':
				x = strtol(a, &end, 0);
				if (*end || x < 0 || x > 255) {
					snprintf(err, sizeof(err), "-%c %s: allowed 0..255",
						 argv[i - 1][1], a);
					return die(err);
				}
				if (argv[i - 1][1] == 'b') {
					p->boundary_hops = (uint8_t)x;
				} else {
					domain = (int)x;
				}
				break;
			case 't':
				x = strtol(a, &end, 16);
				if (*end || x < 0 || x > 15) {
					return die("-t: transportSpecific 0..f (hex)");
				}
				ts = (int)x;
				break;
			case 'f':
				file = a;
				break;
			case 'i':
				iface = a;
				break;
			case 's':
				server = a;
				break;
			}
		} else if (!strcmp(a, "--to") || !strcmp(a, "--timeout") ||
			   !strcmp(a, "--wait-sync") || !strcmp(a, "--settle")) {
			if (i + 1 >= argc) {
				snprintf(err, sizeof(err), "option %s needs a value (try --help)", a);
				return die(err);
			}
			if (!strcmp(a, "--to")) {
				to = argv[++i];
			} else if (!strcmp(a, "--timeout")) {
				timeout_arg = argv[++i]; /* its unit depends on --wait-sync */
			} else if (!strcmp(a, "--wait-sync")) {
				wait_arg = argv[++i];
			} else {
				settle_arg = argv[++i];
			}
		} else {
			snprintf(err, sizeof(err), "unknown option '%s' (try --help)", a);
			return die(err);
		}
	}
	if (wait_arg) {
		if (opt_number("pmc", "--wait-sync", wait_arg, 0, 1e12, "ns", &wait_ns) ||
		    (settle_arg &&
		     opt_number("pmc", "--settle", settle_arg, 0, 86400, "s", &settle_s)) ||
		    (timeout_arg &&
		     opt_number("pmc", "--timeout", timeout_arg, 0.001, 31536000, "s with --wait-sync",
				&tmo))) {
			return EXIT_USAGE;
		}
		if (first_cmd < argc) {
			return die("--wait-sync takes no commands (it asks PORT_DATA_SET and "
				   "CURRENT_DATA_SET itself)");
		}
	} else if (settle_arg) {
		return die("--settle goes with --wait-sync NS (try --help)");
	} else if (timeout_arg) {
		if (opt_number("pmc", "--timeout", timeout_arg, 1, 600000, "ms", &tmo)) {
			return EXIT_USAGE;
		}
		timeout = (tmv_t)(tmo * 1e6);
	}
	if (file) {
		struct config *c = config_create(CFG_ROLE_ANY); /* any applet's file */
		if (!c || config_read(c, file, NULL, err, sizeof(err)) ||
		    config_finish(c, err, sizeof(err))) {
			config_destroy(c);
			return die(err);
		}
		if (domain < 0) {
			domain = cfg_int(c, OPT_domainNumber);
		}
		if (transport < 0) {
			transport = cfg_int(c, OPT_network_transport);
		}
		if (!server && *cfg_str(c, OPT_uds_address)) {
			static char sv[108];
			snprintf(sv, sizeof(sv), "%s", cfg_str(c, OPT_uds_address));
			server = sv;
		}
		if (auth_from_config(c, 64, &p->sad, &p->auth, err, sizeof(err))) {
			config_destroy(c);
			return die(err);
		}
		config_destroy(c);
	}
	p->transport = transport < 0 ? TRANS_UDP_IPV4 : transport;
	p->domain = (uint8_t)(domain < 0 ? 0 : domain);
	p->transport_specific = (uint8_t)(ts < 0 ? 0 : ts);

	/* our sourcePortIdentity: from the interface MAC (EUI-48 to EUI-64
	 * with ff:fe, unlike the clocks' identities), else the pid */
	{
		uint8_t mac[6];
		struct clock_identity *ci = &p->self.clockIdentity;
		if (p->transport != TRANS_UDS && iface && !udp_iface_mac(iface, mac)) {
			memcpy(ci->id, mac, 3);
			ci->id[3] = 0xff;
			ci->id[4] = 0xfe;
			memcpy(ci->id + 5, mac + 3, 3);
		} else {
			put_be32(ci->id + 4, (uint32_t)getpid());
		}
		p->self.portNumber = (uint16_t)(getpid() & 0xffff);
		if (!p->self.portNumber || p->self.portNumber == 0xffff) {
			p->self.portNumber = 1;
		}
	}
	if (p->transport == TRANS_UDS) {
		if (iface && !strchr(iface, '/')) {
			ifname = iface; /* an interface, not our socket's path */
			iface = NULL;
		}
		snprintf(err, sizeof(err), "a clock on each of");
		if (!server && !(server = default_server(ifname, !!wait_arg, err, sizeof(err)))) {
			return die(strcat(err, ": which? (-i IFACE or -s PATH)"));
		}
		if (open_uds(p, server, iface, err, sizeof(err))) {
			fprintf(stderr, "pmc: %s\n", err);
			uds_unlink(&p->local);
			return EXIT_RUNTIME;
		}
	} else if (open_udp(p, iface ? iface : to ? NULL : "eth0", to, err, sizeof(err))) {
		fprintf(stderr, "pmc: %s\n", err);
		if (p->fd >= 0) {
			close(p->fd);
		}
		return EXIT_RUNTIME;
	}

	if (wait_arg) {
		char where[128];
		install_stop_handlers();
		if (p->transport == TRANS_UDS) {
			snprintf(where, sizeof(where), "%s", server);
		} else {
			snprintf(where, sizeof(where), "%s", to ? to : p->transport == TRANS_UDP_IPV6
								  ? PTP_MCAST_IPV6 : PTP_MCAST_IPV4);
		}
		rc = wait_sync(p, where, (tmv_t)llround(wait_ns), (tmv_t)llround(settle_s * 1e9),
			       tmo > 0 ? (tmv_t)llround(tmo * 1e9) : INT64_MAX / 2);
		close(p->fd);
		if (p->mfd >= 0) {
			close(p->mfd);
		}
		if (p->transport == TRANS_UDS) {
			uds_unlink(&p->local);
		}
		auth_port_destroy(p->auth);
		auth_db_free(p->sad);
		return rc;
	}
	interactive = first_cmd >= argc;
	for (i = first_cmd; i < argc; i++) {
		int r = do_command(p, argv[i]);
		if (r == -2) {
			rc = EXIT_RUNTIME; /* no answer can come */
		} else if (r < 0) {
			fprintf(stderr, "bad command: %s\n", argv[i]);
			rc = rc ? rc : EXIT_USAGE;
		}
	}
	deadline = mono_now() + timeout;
	install_stop_handlers();
	while (!applet_stop) {
		struct pollfd pfd[3];
		tmv_t now = mono_now(), until;
		int ms, n;

		if (!interactive || !stdin_open) {
			if (p->n_answered == p->n_sent) {
				/* all answered: over UDP other clocks may still
				 * answer a multicast request, give them 100 ms;
				 * over UDS the other ports of a multi-port clock
				 * (a tc) answer at once, give them 20 ms */
				if (!p->n_sent) {
					break;
				}
				if (!linger_until) {
					linger_until = now + (p->transport == TRANS_UDS ? 20000000
											: 100000000);
				}
			}
			until = linger_until ? linger_until : deadline;
			if (now >= until) {
				break;
			}
			ms = (int)((until - now + 999999) / 1000000);
		} else {
			ms = -1;
		}
		pfd[0].fd = p->fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = p->mfd;
		pfd[1].events = POLLIN;
		pfd[2].fd = interactive && stdin_open ? STDIN_FILENO : -1;
		pfd[2].events = POLLIN;
		n = poll(pfd, 3, ms);
		if (n < 0 && errno != EINTR) {
			break;
		}
		if (n <= 0) {
			continue;
		}
		if (pfd[0].revents & POLLIN) {
			receive_one(p, p->fd);
		}
		if (pfd[1].revents & POLLIN) {
			receive_one(p, p->mfd);
		}
		if (pfd[2].revents & (POLLIN | POLLHUP)) {
			if (getline(&line, &line_cap, stdin) < 0) {
				stdin_open = 0;
				deadline = mono_now() + timeout;
				linger_until = 0;
				continue;
			}
			line[strcspn(line, "\r\n")] = 0;
			if (!strcasecmp(line, "quit") || !strcasecmp(line, "exit")) {
				stdin_open = 0;
				deadline = mono_now() + timeout;
				continue;
			}
			if (line[0] && do_command(p, line) == -1) {
				fprintf(stderr, "bad command: %s\n", line);
			}
			linger_until = 0;
			deadline = mono_now() + timeout;
		}
	}
	for (i = 0; i < p->n_sent; i++) {
		if (!p->answered[i]) {
			fprintf(stderr, "pmc: no answer to '%s'\n", p->text_of[i]);
			rc = rc ? rc : EXIT_RUNTIME;
		}
		free(p->text_of[i]);
	}
	if (p->n_sent && !p->n_answered && p->transport != TRANS_UDS && !p->unicast) {
		/* OCP 6 / 7.13, G.8265.1 A.6: every message unicast */
		fprintf(stderr, "pmc: nothing answered the multicast request: clocks of the "
				"ocp-dc and g8265.1 profiles answer unicast only (--to ADDR, or "
				"mgmt_multicast 1 on the clock)\n");
	}
	if (!rc && p->bad) {
		rc = EXIT_RUNTIME;
	}
	free(line);
	close(p->fd);
	if (p->mfd >= 0) {
		close(p->mfd);
	}
	if (p->transport == TRANS_UDS) {
		uds_unlink(&p->local);
	}
	auth_port_destroy(p->auth);
	auth_db_free(p->sad);
	return rc;
}
