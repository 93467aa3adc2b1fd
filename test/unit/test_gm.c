/* SPDX-License-Identifier: BSD-2-Clause */
/* The grandmaster engine (core/gm.c) through fake ops: what its Announce
 * and time properties say under each profile (OCP 7.14 Table 2, G.8265.1
 * Annex A), and the clock classes a profile allows. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/config.h"
#include "../../core/gm.h"
#include "../../core/oc.h"
#include "../../core/tlv.h"
#include "../../core/tod.h"
#include "test.h"

struct gfake {
	struct clk clk;
	int n_ann;
	struct ptp_msg ann; /* the last Announce, header and body */
	int ann_to[256];    /* Announces by the last octet of the client */
	int n_cancel;	    /* CANCEL_UNICAST_TRANSMISSION TLVs sent */
	char log[2048];	    /* the log lines, concatenated (truncated) */
	int n_denied;	    /* GRANTs with durationField 0 */
	uint32_t granted;   /* durationField of the last GRANT */
	int n_dresp;	    /* Delay_Resp sent */
	tmv_t phase;	    /* what the gm stepped its clock by, ns */
};

static int gf_gettime(struct clk *c, tmv_t *now)
{
	(void)c;
	*now = (tmv_t)1700000000 * NS_PER_SEC;
	return 0;
}

static int gf_adjfreq(struct clk *c, double ppb)
{
	c->freq_ppb = ppb;
	return 0;
}

static int gf_step(struct clk *c, tmv_t delta)
{
	((struct gfake *)c)->phase += delta; /* clk is the first member */
	return 0;
}

static const struct clk_ops gf_clk_ops = { "fake", gf_gettime, gf_adjfreq, gf_step, NULL, NULL };

static int gf_send(void *io, int port, int event, const struct net_addr *to, const uint8_t *buf,
		   size_t len, int want_ts)
{
	struct gfake *k = io;
	struct ptp_msg m;
	(void)port, (void)event, (void)want_ts;
	if (!msg_unpack(buf, len, &m) && m.hdr.messageType == SIGNALING) {
		int i;
		for (i = 0; i < m.n_tlv; i++) {
			k->n_cancel += m.tlv[i].tlvType == TLV_CANCEL_UNICAST_TRANSMISSION;
			k->n_denied += m.tlv[i].tlvType == TLV_GRANT_UNICAST_TRANSMISSION &&
				       !m.tlv[i].u.uc.durationField;
			if (m.tlv[i].tlvType == TLV_GRANT_UNICAST_TRANSMISSION) {
				k->granted = m.tlv[i].u.uc.durationField;
			}
		}
	}
	if (!msg_unpack(buf, len, &m) && m.hdr.messageType == DELAY_RESP) {
		k->n_dresp++;
	}
	if (!msg_unpack(buf, len, &m) && m.hdr.messageType == ANNOUNCE) {
		k->ann = m;
		k->n_ann++;
		k->ann_to[((const struct sockaddr_in6 *)&to->ss)->sin6_addr.s6_addr[15]]++;
	}
	return 1;
}

static void gf_log(void *io, int level, const char *line)
{
	struct gfake *k = io;
	size_t n = strlen(k->log);
	(void)level;
	snprintf(k->log + n, sizeof(k->log) - n, "%s\n", line);
}


/* A Signaling REQUEST of Announce for 300 s with sdoId (majorSdoId << 8 |
 * minorSdoId), from fd00::2, or fd00::3 when sdoId is not 0 */
static void signal_announce(struct gm *g, const struct config *cfg, int sdo, int seq, tmv_t now,
			    uint16_t tlv_type)
{
	struct ptp_msg sig;
	struct tlv *t;
	struct net_addr a = test_addr6(sdo ? 3 : 2);
	uint8_t buf[256];
	int n;

	msg_init(&sig, SIGNALING);
	sig.hdr.domainNumber = (uint8_t)cfg_int(cfg, OPT_domainNumber);
	sig.hdr.majorSdoId = (uint8_t)(sdo >> 8);
	sig.hdr.minorSdoId = (uint8_t)sdo;
	sig.hdr.sequenceId = (uint16_t)seq;
	sig.hdr.flagField = FLAG_UNICAST;
	sig.hdr.sourcePortIdentity.clockIdentity.id[7] = 9;
	sig.hdr.sourcePortIdentity.portNumber = 1;
	memset(sig.body.signaling.targetPortIdentity.clockIdentity.id, 0xff, 8);
	sig.body.signaling.targetPortIdentity.portNumber = 0xffff;
	t = msg_add_tlv(&sig, tlv_type);
	t->u.uc.messageType = ANNOUNCE;
	t->u.uc.logInterMessagePeriod = (int8_t)cfg_int(cfg, OPT_logAnnounceInterval);
	t->u.uc.durationField = 300;
	n = msg_pack(&sig, buf, sizeof(buf));
	if (n > 0) {
		gm_rx(g, 0, &a, buf, (size_t)n, 0, now);
	}
}

static void request_announce(struct gm *g, const struct config *cfg, int sdo, int seq, tmv_t now)
{
	signal_announce(g, cfg, sdo, seq, now, TLV_REQUEST_UNICAST_TRANSMISSION);
}

/* A gm of profile prof with the extra configuration line `line` (or NULL),
 * one client granted Announce; the first Announce in k->ann.  The
 * configuration error, if any, in err (then NULL). */
static struct gm *gm_with(struct gfake *k, struct config **cfg, const char *prof,
			  const char *key, const char *val, char *err, size_t errlen)
{
	struct eng_ops ops;
	struct eng_port port;
	struct gm *g;

	memset(k, 0, sizeof(*k));
	k->clk.ops = &gf_clk_ops;
	k->clk.utc_timescale = 1;
	k->clk.max_adj_ppb = 500000;
	*cfg = config_create(CFG_ROLE_GM);
	config_set(*cfg, "profile", prof);
	config_set(*cfg, "network_transport", "UDPv6");
	if (key && config_set(*cfg, key, val)) {
		snprintf(err, errlen, "config_set");
		return NULL;
	}
	if (config_finish(*cfg, err, errlen)) {
		return NULL;
	}
	memset(&ops, 0, sizeof(ops));
	ops.send = gf_send;
	ops.log = gf_log;
	ops.log_level = LOG_INFO;
	ops.clk = &k->clk;
	ops.io = k;
	memset(&port, 0, sizeof(port));
	port.clockIdentity.id[0] = 0x02;
	port.iface = "test0";
	port.transport = TRANS_UDP_IPV6;
	g = gm_create(*cfg, &port, &ops, NS_PER_SEC, err, errlen);
	if (!g) {
		return NULL;
	}
	request_announce(g, *cfg, 0, 0, 2 * NS_PER_SEC);
	gm_tick(g, 3 * NS_PER_SEC);
	return g;
}

/* 1588-2019 Table 37: the flags of the gm's Announce per profile and class */
TEST(gm_announce_flags_by_profile_and_class)
{
	static const struct {
		const char *prof, *key, *val;
		int time_tr, freq_tr, uncertain;
	} c[] = {
		/* OCP Table 2: locked, holdover, out of holdover */
		{ "ocp-dc", NULL, NULL, 1, 1, 0 },
		{ "ocp-dc", "clockClass", "7", 1, 1, 0 },
		{ "ocp-dc", "clockClass", "52", 0, 0, 1 },
		/* G.8265.1 A.4 note 2: frequency traceable for PRC only, and
		 * (Table A.4: default FALSE) only with a reference (below);
		 * never synchronizationUncertain (reserved in its base, A.6) */
		{ "g8265.1", NULL, NULL, 0, 0, 0 },		/* QL-PRC 84 */
		{ "g8265.1", "clockClass", "80", 0, 0, 0 },	/* QL-PRS */
		{ "g8265.1", "clockClass", "90", 0, 0, 0 },	/* QL-SSU-A */
		{ "g8265.1", "clockClass", "104", 0, 0, 0 },	/* QL-SEC */
		{ "default", NULL, NULL, 0, 0, 1 },		/* 248 */
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct gfake k;
		struct config *cfg;
		char err[256] = "";
		struct gm *g = gm_with(&k, &cfg, c[i].prof, c[i].key, c[i].val, err, sizeof(err));
		uint16_t f;

		CHECK(g != NULL);
		if (!g) {
			printf("  %s %s: %s\n", c[i].prof, c[i].val ? c[i].val : "", err);
			config_destroy(cfg);
			continue;
		}
		CHECK_EQ(k.n_ann, 1);
		f = k.ann.hdr.flagField;
		CHECK_EQ(!!(f & FLAG_TIME_TRACEABLE), c[i].time_tr);
		CHECK_EQ(!!(f & FLAG_FREQUENCY_TRACEABLE), c[i].freq_tr);
		CHECK_EQ(!!(f & FLAG_SYNC_UNCERTAIN), c[i].uncertain);
		/* the offset is known: valid whatever the class (8.2.4.3) */
		CHECK(f & FLAG_UTC_OFFSET_VALID);
		CHECK(f & FLAG_PTP_TIMESCALE);
		CHECK(f & FLAG_UNICAST);
		CHECK_EQ(k.ann.body.announce.currentUtcOffset, 37);
		/* G.8265.1 is a 1588-2008 profile: versionPTP 2, minor 0 */
		CHECK_EQ(k.ann.hdr.versionPTP, 2);
		CHECK_EQ(k.ann.hdr.minorVersionPTP, strcmp(c[i].prof, "g8265.1") ? 1 : 0);
		/* a time source reports locked: a PRC-traceable QL (80, 84)
		 * is frequency traceable from then on */
		gm_source(g, GM_SRC_REQ_LOCKED, 0, 4 * NS_PER_SEC);
		gm_tick(g, 5 * NS_PER_SEC);
		CHECK(k.n_ann > 1);
		f = k.ann.hdr.flagField;
		CHECK_EQ(!!(f & FLAG_FREQUENCY_TRACEABLE),
			 c[i].freq_tr || (!strcmp(c[i].prof, "g8265.1") &&
					  (!c[i].val || !strcmp(c[i].val, "80"))));
		gm_destroy(g);
		config_destroy(cfg);
	}
}

/* OCP Table 2 and G.8265.1 Table 1: a class outside them is a
 * configuration error naming the allowed values */
TEST(gm_clock_classes_of_the_profile)
{
	static const struct {
		const char *prof, *key, *val;
	} bad[] = {
		{ "ocp-dc", "clockClass", "13" },
		{ "ocp-dc", "freerun_clock_class", "248" },
		{ "ocp-dc", "holdover_clock_class", "135" },
		{ "g8265.1", "clockClass", "6" },
		{ "g8265.1", "holdover_clock_class", "7" },
		{ "g8265.1", "freerun_clock_class", "52" },
		{ "g8265.1", "clockClass", "85" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct gfake k;
		struct config *cfg;
		char err[256] = "";
		struct gm *g = gm_with(&k, &cfg, bad[i].prof, bad[i].key, bad[i].val, err,
				       sizeof(err));
		CHECK(g == NULL);
		CHECK(strstr(err, bad[i].key) != NULL);
		CHECK(strstr(err, "not allowed, allowed") != NULL);
		CHECK(strstr(err, bad[i].prof[0] == 'o' ? "6, 7, 52" : "80, 82, 84") != NULL);
		if (g) {
			gm_destroy(g);
		}
		config_destroy(cfg);
	}
	/* what they allow */
	{
		struct gfake k;
		struct config *cfg;
		char err[256] = "";
		struct gm *g = gm_with(&k, &cfg, "g8265.1", "freerun_clock_class", "110", err,
				       sizeof(err));
		CHECK(g != NULL);
		if (g) {
			gm_destroy(g);
		}
		config_destroy(cfg);
	}
}

static int oc_addr_parse(void *io, int transport, const char *text, struct net_addr *a)
{
	struct sockaddr_in *s = (struct sockaddr_in *)&a->ss;
	(void)io, (void)transport;
	memset(a, 0, sizeof(*a));
	s->sin_family = AF_INET;
	s->sin_port = htons(320);
	a->len = sizeof(*s);
	return inet_pton(AF_INET, text, &s->sin_addr) == 1 ? 0 : -EINVAL;
}

/* G.8265.1 Table A.1: a slave's defaultDS.twoStepFlag is FALSE (and the
 * configuration cannot say otherwise); other profiles keep ptp4l's TRUE.
 * And G.8265.1 has PTSF-lossSync on by default. */
TEST(oc_default_ds_two_step_flag_by_profile)
{
	static const char *const prof[] = { "g8265.1", "ocp-dc", "default" };
	int i;

	for (i = 0; i < 3; i++) {
		char text[256], path[64] = "/tmp/ptpbox-oc-XXXXXX", err[256] = "";
		struct config *cfg = config_create(CFG_ROLE_OC);
		struct gfake k;
		struct eng_ops ops;
		struct eng_port port;
		struct mgmt_value v;
		struct oc *o = NULL;
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");

		snprintf(text, sizeof(text),
			 "[global]\nprofile %s\nnetwork_transport UDPv4\nclock soft\n"
			 "unicast_master_table 1\n[unicast_master_table]\ntable_id 1\n"
			 "UDPv4 10.0.0.1\n",
			 prof[i]);
		fputs(text, f);
		fclose(f);
		CHECK_EQ(config_read(cfg, path, NULL, err, sizeof(err)), 0);
		CHECK_EQ(config_finish(cfg, err, sizeof(err)), 0);
		unlink(path);
		memset(&k, 0, sizeof(k));
		k.clk.ops = &gf_clk_ops;
		memset(&ops, 0, sizeof(ops));
		ops.send = gf_send;
		ops.addr_parse = oc_addr_parse;
		ops.clk = &k.clk;
		ops.io = &k;
		memset(&port, 0, sizeof(port));
		port.iface = "test0";
		port.transport = TRANS_UDP_IPV4;
		o = oc_create(cfg, &port, &ops, NS_PER_SEC, err, sizeof(err));
		CHECK(o != NULL);
		if (o) {
			memset(&v, 0, sizeof(v));
			v.id = MID_DEFAULT_DATA_SET;
			CHECK_EQ(oc_mgmt_get(o, &v, NS_PER_SEC), 0);
			CHECK_EQ(v.u.dds.twoStepFlag, i == 0 ? 0 : 1);
			/* G.8265.1 6.7.3.2: PTSF-lossSync is a must there */
			CHECK_EQ(cfg_int(cfg, OPT_syncReceiptTimeout), i == 0 ? 16 : 0);
			CHECK_EQ(v.u.dds.slaveOnly, 1);
			oc_destroy(o);
		} else {
			printf("  %s: %s\n", prof[i], err);
		}
		config_destroy(cfg);
	}
	{
		struct config *cfg = config_create(CFG_ROLE_OC);
		char err[256] = "";
		config_set(cfg, "profile", "g8265.1");
		config_set(cfg, "twoStepFlag", "1");
		CHECK(config_finish(cfg, err, sizeof(err)) != 0);
		CHECK(strstr(err, "twoStepFlag") != NULL);
		config_destroy(cfg);
	}
}

/* 1588-2019 7.1.4, OCP 7.8: a domain is (sdoId, domainNumber); a request
 * with another sdoId is another domain's: not answered, counted */
TEST(gm_ignores_other_sdo_id)
{
	static const int sdo[] = { 0x100, 0x001, 0xf80 };
	struct gfake k;
	struct config *cfg;
	char err[256];
	struct gm *g = gm_with(&k, &cfg, "ocp-dc", NULL, NULL, err, sizeof(err));
	uint64_t other;
	size_t i;

	CHECK(g != NULL);
	if (!g) {
		config_destroy(cfg);
		return;
	}
	other = gm_counters(g)->rx_other_domain;
	for (i = 0; i < sizeof(sdo) / sizeof(sdo[0]); i++) {
		request_announce(g, cfg, sdo[i], (int)i + 1, 5 * NS_PER_SEC);
		gm_tick(g, 6 * NS_PER_SEC);
	}
	CHECK_EQ(k.ann_to[3], 0);
	CHECK_EQ(gm_counters(g)->rx_other_domain, other + 3);
	CHECK(k.ann_to[2] >= 1); /* sdoId 0, the first client: served */
	gm_destroy(g);
	config_destroy(cfg);
}

/* OCP 7.13.2: at shutdown the gm CANCELs each grant and keeps serving it
 * until the holder acknowledges or it has sent 3 CANCELs; new requests
 * are denied meanwhile */
TEST(gm_stop_serves_until_acknowledge_cancel)
{
	int acked;

	for (acked = 0; acked <= 1; acked++) {
		struct gfake k;
		struct config *cfg;
		char err[256];
		struct gm *g = gm_with(&k, &cfg, "ocp-dc", NULL, NULL, err, sizeof(err));
		tmv_t t = 3 * NS_PER_SEC;
		int ann;

		CHECK(g != NULL);
		if (!g) {
			config_destroy(cfg);
			continue;
		}
		gm_stop(g, t);
		CHECK_EQ(k.n_cancel, 1);
		CHECK(!gm_stopped(g));
		/* still served: an Announce a second later */
		ann = k.ann_to[2];
		t += NS_PER_SEC / 4;
		gm_tick(g, t);
		request_announce(g, cfg, 0, 5, t); /* a renewal: denied now */
		CHECK_EQ(k.n_denied, 1);
		for (t = 3 * NS_PER_SEC + NS_PER_SEC / 2; t <= 4 * NS_PER_SEC; t += NS_PER_SEC / 4) {
			gm_tick(g, t);
			if (acked && t == 3 * NS_PER_SEC + NS_PER_SEC / 2) {
				signal_announce(g, cfg, 0, 6, t + 1000,
						TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION);
			}
		}
		if (acked) {
			/* acknowledged after the second: no Announce at 4.0 s,
			 * and the round then finds nothing to cancel */
			CHECK_EQ(k.ann_to[2], ann);
			CHECK_EQ(k.n_cancel, 2);
			CHECK(gm_stopped(g));
		} else {
			/* served through the CANCELs (Announce at 4.0 s);
			 * rounds at 3.0, 3.5, 4.0 s; at 4.5 s the grant ends */
			CHECK(k.ann_to[2] > ann);
			CHECK_EQ(k.n_cancel, 3);
			CHECK(!gm_stopped(g));
			gm_tick(g, 4 * NS_PER_SEC + NS_PER_SEC / 2);
			CHECK(gm_stopped(g));
			CHECK_EQ(k.n_cancel, 3);
		}
		ann = k.ann_to[2];
		gm_tick(g, 8 * NS_PER_SEC);
		CHECK_EQ(k.ann_to[2], ann);
		/* a grant ended unacknowledged is no late transmission: late
		 * stays at gm_with()'s one */
		k.log[0] = 0;
		gm_log_summary(g);
		CHECK(strstr(k.log, " late 1\n") != NULL);
		gm_destroy(g);
		config_destroy(cfg);
	}
}

static void tod_got(void *arg, const struct tod_frame *f)
{
	*(struct tod_frame *)arg = *f;
}

/* OCP Table 2, G.8265.1 Table 1: a class from the ToD time announce
 * (G.8271 A.1.3.3.2) is taken only when the profile allows it */
TEST(gm_tod_class_within_the_profile)
{
	static const struct {
		const char *prof;
		int cls, taken;
	} c[] = { { "ocp-dc", 7, 1 }, { "ocp-dc", 13, 0 }, { "g8265.1", 6, 0 },
		  { "g8265.1", 90, 1 }, { "default", 13, 1 } };
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct gfake k;
		struct config *cfg;
		char err[256], want[64];
		struct gm *g = gm_with(&k, &cfg, c[i].prof, "time_source", "tod", err, sizeof(err));
		struct tod_time_announce a;
		struct tod_decoder d;
		struct tod_frame f;
		uint8_t buf[64];
		int n;

		CHECK(g != NULL);
		if (!g) {
			printf("  %s: %s\n", c[i].prof, err);
			config_destroy(cfg);
			continue;
		}
		memset(&a, 0, sizeof(a));
		a.version_ptp = 2;
		a.gm_clock_class = (uint8_t)c[i].cls;
		a.gm_clock_accuracy = 0x20; /* OCP Table 2: 0x21 only */
		a.gm_offset_scaled_log_variance = 0x1234; /* 0x4E5D only */
		n = tod_encode_time_announce(buf, sizeof(buf), &a);
		CHECK(n > 0);
		memset(&d, 0, sizeof(d));
		memset(&f, 0, sizeof(f));
		tod_decoder_feed(&d, buf, (size_t)n, tod_got, &f);
		CHECK_EQ(f.id, TOD_ID_TIME_ANNOUNCE);
		k.log[0] = 0;
		gm_tod_frame(g, &f, 4 * NS_PER_SEC);
		snprintf(want, sizeof(want), "time announce clockClass %d", c[i].cls);
		CHECK_EQ(strstr(k.log, want) != NULL, c[i].taken);
		snprintf(want, sizeof(want), "clockClass %d: not allowed", c[i].cls);
		CHECK_EQ(strstr(k.log, want) != NULL, !c[i].taken);
		/* clockAccuracy and offsetScaledLogVariance likewise: under
		 * ocp-dc refused (the first refusal logged with its range),
		 * G.8265.1 and the default profile leave them to 1588 */
		{
			struct mgmt_value v;
			int ocp = !strcmp(c[i].prof, "ocp-dc");
			memset(&v, 0, sizeof(v));
			v.id = MID_DEFAULT_DATA_SET;
			CHECK_EQ(gm_mgmt_get(g, &v, 0), 0);
			CHECK_EQ(v.u.dds.clockQuality.clockAccuracy, ocp ? 0x21 : 0x20);
			CHECK_EQ(v.u.dds.clockQuality.offsetScaledLogVariance, ocp ? 0x4E5D : 0x1234);
			if (ocp && c[i].taken) {
				CHECK_STR(k.log, "clockAccuracy 32: out of range, allowed 33..33");
			}
		}
		gm_destroy(g);
		config_destroy(cfg);
	}
}

/* time_source tod: clockClass 6 (locked) only once the clock follows the
 * source, not while the first time events find it 5 ms off (before and at
 * its step): the class a client would trust */
TEST(gm_tod_locked_once_the_clock_follows)
{
	struct gfake k;
	struct config *cfg;
	char err[256];
	struct gm *g = gm_with(&k, &cfg, "ocp-dc", "time_source", "tod", err, sizeof(err));
	uint64_t s;
	int locked_at = -1;

	CHECK(g != NULL);
	if (!g) {
		printf("  %s\n", err);
		config_destroy(cfg);
		return;
	}
	for (s = 1700000100; s < 1700000106; s++) {
		tmv_t now = (tmv_t)(s - 1700000000 + 10) * NS_PER_SEC;
		struct tod_time_event ev = { s, TOD_FLAG_UTC_OFFSET_VALID, 37 };
		struct tod_decoder d;
		struct tod_frame f;
		uint8_t buf[64];
		int n = tod_encode_time_event(buf, sizeof(buf), &ev);

		CHECK(n > 0);
		memset(&d, 0, sizeof(d));
		memset(&f, 0, sizeof(f));
		tod_decoder_feed(&d, buf, (size_t)n, tod_got, &f);
		/* the edge of TAI second s on a clock keeping UTC, 5 ms ahead
		 * less what the gm stepped it by */
		gm_tod_edge(g, (tmv_t)(s - 37) * NS_PER_SEC + 5000000 + k.phase, now);
		k.log[0] = 0;
		gm_tod_frame(g, &f, now + NS_PER_SEC / 10);
		gm_tick(g, now + NS_PER_SEC / 5);
		if (strstr(k.log, "clockClass 52 -> 6 (time source locked)") && locked_at < 0) {
			locked_at = (int)(s - 1700000100);
		}
	}
	/* s0 at the first event, the step (s1) at the second, s2 at the third */
	CHECK_EQ(k.phase, -5000000);
	CHECK_EQ(locked_at, 2);
	gm_destroy(g);
	config_destroy(cfg);
}

/* A gm that falls behind its schedule says so (at most every 10 s) and
 * counts it; one on time says nothing */
TEST(gm_late_transmissions_warned)
{
	struct gfake k;
	struct config *cfg;
	char err[256];
	struct gm *g = gm_with(&k, &cfg, "ocp-dc", NULL, NULL, err, sizeof(err));
	tmv_t t;

	CHECK(g != NULL);
	if (!g) {
		return;
	}
	/* gm_with() ticked 1 s after the grant: late once, warned */
	CHECK(strstr(k.log, "transmissions 1000 ms late with 1 clients (1 times so far)") != NULL);
	k.log[0] = 0;
	for (t = 3 * NS_PER_SEC; t <= 14 * NS_PER_SEC; t += NS_PER_SEC / 100) {
		gm_tick(g, t);
	}
	CHECK(strstr(k.log, "late") == NULL);
	/* a 2.5 s stall: the Announce due at 15 s goes 1.5 s late */
	gm_tick(g, 16500 * (NS_PER_SEC / 1000));
	CHECK(strstr(k.log, "transmissions 1500 ms late with 1 clients (2 times so far)") != NULL);
	k.log[0] = 0;
	gm_tick(g, 19700 * (NS_PER_SEC / 1000)); /* late again, within 10 s */
	CHECK(strstr(k.log, "late with") == NULL);
	gm_log_summary(g);
	CHECK(strstr(k.log, " late 3\n") != NULL);
	gm_destroy(g);
	config_destroy(cfg);
}

/* What one forged REQUEST may cost (issue 24): a grant lasts at most
 * max_granted_duration (300 s; g8265.1 1000 s, its Annex A range, where a
 * longer request is denied), and one address's grants at most
 * max_client_pps (400) */
/* A Signaling of client fd00::4 (clockIdentity ...04, port 1) in the gm's
 * domain with one REQUEST of messageType at log2 interval log for dur s;
 * the TLV in *t for more. */
static void client_request(struct ptp_msg *sig, const struct config *cfg, uint8_t type,
			   int8_t log, uint32_t dur, struct tlv **t)
{
	msg_init(sig, SIGNALING);
	sig->hdr.domainNumber = (uint8_t)cfg_int(cfg, OPT_domainNumber);
	sig->hdr.flagField = FLAG_UNICAST;
	sig->hdr.sourcePortIdentity.clockIdentity.id[7] = 4;
	sig->hdr.sourcePortIdentity.portNumber = 1;
	*t = msg_add_tlv(sig, TLV_REQUEST_UNICAST_TRANSMISSION);
	(*t)->u.uc.messageType = type;
	(*t)->u.uc.logInterMessagePeriod = log;
	(*t)->u.uc.durationField = dur;
}

TEST(gm_grant_duration_and_address_budget_by_default)
{
	static const struct {
		const char *prof, *key, *val;
		uint32_t asked, granted;
	} c[] = {
		{ "ocp-dc", NULL, NULL, 86400, 300 },
		{ "default", NULL, NULL, 3600, 300 },
		{ "ocp-dc", "max_granted_duration", "86400", 86400, 86400 },
		{ "g8265.1", NULL, NULL, 1000, 1000 },
		{ "g8265.1", NULL, NULL, 1001, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct gfake k;
		struct config *cfg;
		char err[256] = "";
		struct gm *g = gm_with(&k, &cfg, c[i].prof, c[i].key, c[i].val, err, sizeof(err));
		struct net_addr a = test_addr6(4);
		struct ptp_msg sig;
		struct tlv *t;
		uint8_t buf[256];
		int n;

		CHECK(g != NULL);
		if (!g) {
			printf("  %s: %s\n", c[i].prof, err);
			config_destroy(cfg);
			continue;
		}
		/* 256 packets/s two-step */
		client_request(&sig, cfg, SYNC, -7, c[i].asked, &t);
		n = msg_pack(&sig, buf, sizeof(buf));
		gm_rx(g, 0, &a, buf, (size_t)n, 0, 4 * NS_PER_SEC);
		CHECK_EQ(k.granted, c[i].granted);
		if (c[i].granted) {
			/* the fastest rates of every service (Table 1, Annex
			 * A) fit the default per-address budget */
			t->u.uc.messageType = DELAY_RESP;
			t->u.uc.durationField = 300;
			t = msg_add_tlv(&sig, TLV_REQUEST_UNICAST_TRANSMISSION);
			t->u.uc.messageType = ANNOUNCE;
			t->u.uc.logInterMessagePeriod = -3;
			t->u.uc.durationField = 300;
			n = msg_pack(&sig, buf, sizeof(buf));
			gm_rx(g, 0, &a, buf, (size_t)n, 0, 5 * NS_PER_SEC);
			/* Sync 256 + Delay_Resp 128 + Announce 8 = 392 */
			CHECK_EQ(gm_counters(g)->uc_budget, 0);
			CHECK_EQ(k.granted, 300);
		}
		gm_destroy(g);
		config_destroy(cfg);
	}
}

/* OCP 7.12: Delay_Req of a client at its granted rate (1/s), spaced
 * 0.95..1.15 s as the oc does, all answered; faster than 90 % of the
 * granted interval, the excess is not answered and is counted; without a
 * Delay_Resp grant none is answered */
TEST(gm_answers_delay_req_at_the_granted_rate)
{
	static const struct {
		tmv_t min_ns, span_ns; /* spacing: min + span x (i % 5) / 4, or
					* (random) min + span x U(0, 1) */
		int random, lo, hi;    /* answers of 400 */
	} c[] = {
		{ 950000000, 200000000, 0, 400, 400 }, /* as the oc: 0.95..1.15 */
		{ 0, 2000000000, 1, 400, 400 },	       /* as ptp4l: 0..2 s */
		{ 500000000, 0, 0, 236, 240 },	       /* 2/s: 1/0.9 s + the burst */
		{ 1000000, 0, 0, 17, 20 },	       /* a flood: the burst */
	};
	uint32_t rnd = 12345;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct gfake k;
		struct config *cfg;
		char err[256] = "";
		struct gm *g = gm_with(&k, &cfg, "ocp-dc", NULL, NULL, err, sizeof(err));
		struct net_addr a = test_addr6(4);
		struct ptp_msg sig, dreq;
		struct tlv *t;
		uint8_t buf[256];
		tmv_t now = 4 * NS_PER_SEC;
		int n, j;

		CHECK(g != NULL);
		if (!g) {
			config_destroy(cfg);
			continue;
		}
		client_request(&sig, cfg, DELAY_RESP, 0, 1000, &t);
		n = msg_pack(&sig, buf, sizeof(buf));
		gm_rx(g, 0, &a, buf, (size_t)n, 0, now);
		CHECK_EQ(k.granted, 300); /* the profile's longest */
		msg_init(&dreq, DELAY_REQ);
		dreq.hdr.domainNumber = sig.hdr.domainNumber;
		dreq.hdr.flagField = FLAG_UNICAST;
		dreq.hdr.sourcePortIdentity = sig.hdr.sourcePortIdentity;
		for (j = 0; j < 400; j++) {
			if (j == 200) { /* renew */
				n = msg_pack(&sig, buf, sizeof(buf));
				gm_rx(g, 0, &a, buf, (size_t)n, 0, now);
			}
			rnd = rnd * 1103515245u + 12345u;
			now += c[i].min_ns + (c[i].random ? c[i].span_ns / 65536 * (rnd >> 16)
							  : c[i].span_ns * (j % 5) / 4);
			dreq.hdr.sequenceId = (uint16_t)j;
			n = msg_pack(&dreq, buf, sizeof(buf));
			gm_rx(g, 1, &a, buf, (size_t)n, now, now);
		}
		printf("  spacing %lld ns +: %d of 400 answered, dreq_excess %llu\n",
		       (long long)c[i].min_ns, k.n_dresp,
		       (unsigned long long)gm_counters(g)->dreq_excess);
		CHECK(k.n_dresp >= c[i].lo && k.n_dresp <= c[i].hi);
		CHECK_EQ(gm_counters(g)->dreq_excess, (uint64_t)(400 - k.n_dresp));
		/* another address, no Delay_Resp grant: not answered */
		if (i == 0) {
			struct net_addr b = test_addr6(5);
			int before = k.n_dresp;
			gm_rx(g, 1, &b, buf, (size_t)n, now, now);
			CHECK_EQ(k.n_dresp, before);
		}
		gm_destroy(g);
		config_destroy(cfg);
	}
}
