/* SPDX-License-Identifier: BSD-2-Clause */
/* core/metrics (the Prometheus text exposition format of metrics_file)
 * checked by a parser of that format written from its description
 * (prometheus.io, "Exposition formats", text format 0.0.4). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../core/metrics.h"
#include "test.h"

static int name_ok(const char *s, size_t n)
{
	size_t i;
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':')) {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':')) {
			return 0;
		}
	}
	return 1;
}

/*
 * Every line "# HELP name text", "# TYPE name gauge|counter" or
 * "name{label="value",...} number"; a family's HELP and TYPE come once,
 * before its samples, and its samples are contiguous; a sample's name is
 * its family's; no two samples have the same name and labels.  The
 * number of samples, or -1 with the reason in why.
 */
static int exposition_check(const char *text, char *why, size_t wlen)
{
	char fam[128] = "", seen[64][128], keys[512][256];
	int n_seen = 0, n_keys = 0, samples = 0, typed = 0, line = 0, i;
	const char *p = text;

	if (!*text || text[strlen(text) - 1] != '\n') {
		snprintf(why, wlen, "empty, or no newline at the end");
		return -1;
	}
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = (size_t)(e - p);
		char l[512];

		line++;
		if (len >= sizeof(l)) {
			snprintf(why, wlen, "line %d too long", line);
			return -1;
		}
		memcpy(l, p, len);
		l[len] = 0;
		p = e + 1;
		if (!strncmp(l, "# HELP ", 7) || !strncmp(l, "# TYPE ", 7)) {
			char *nm = l + 7, *sp = strchr(nm, ' ');
			if (!sp || !name_ok(nm, (size_t)(sp - nm)) || !sp[1]) {
				snprintf(why, wlen, "line %d: bad comment '%.60s'", line, l);
				return -1;
			}
			*sp = 0;
			if (l[2] == 'H') {
				for (i = 0; i < n_seen; i++) {
					if (!strcmp(seen[i], nm)) {
						snprintf(why, wlen, "line %d: family %.60s again", line, nm);
						return -1;
					}
				}
				snprintf(fam, sizeof(fam), "%.127s", nm);
				snprintf(seen[n_seen++ % 64], sizeof(seen[0]), "%.127s", nm);
				typed = 0;
			} else if (strcmp(nm, fam) || typed ||
				   (strcmp(sp + 1, "gauge") && strcmp(sp + 1, "counter"))) {
				snprintf(why, wlen, "line %d: TYPE '%.40s %.20s' after HELP of %.40s", line, nm,
					 sp + 1, fam);
				return -1;
			} else {
				typed = !strcmp(sp + 1, "counter") ? 2 : 1;
			}
			continue;
		}
		{
			char *b = strchr(l, '{'), *c, *end;
			size_t nl = b ? (size_t)(b - l) : 0;
			if (!b || !name_ok(l, nl) || strlen(fam) != nl || strncmp(l, fam, nl) || !typed) {
				snprintf(why, wlen, "line %d: sample '%.60s' not of family %.60s (typed %d)",
					 line, l, fam, typed);
				return -1;
			}
			if (typed == 2 && (nl < 6 || strncmp(l + nl - 6, "_total", 6))) {
				snprintf(why, wlen, "line %d: counter %.60s not named _total", line, fam);
				return -1;
			}
			c = b + 1;
			while (*c != '}') {
				char *eq = strchr(c, '=');
				if (!eq || !name_ok(c, (size_t)(eq - c)) || eq[1] != '"') {
					snprintf(why, wlen, "line %d: bad label at '%.60s'", line, c);
					return -1;
				}
				c = eq + 2;
				while (*c && *c != '"') {
					if (*c == '\\') {
						if (c[1] != '\\' && c[1] != '"' && c[1] != 'n') {
							snprintf(why, wlen, "line %d: bad escape", line);
							return -1;
						}
						c++;
					}
					c++;
				}
				if (*c != '"') {
					snprintf(why, wlen, "line %d: label value not closed", line);
					return -1;
				}
				c++;
				if (*c == ',') {
					c++;
				} else if (*c != '}') {
					snprintf(why, wlen, "line %d: after a label: '%.60s'", line, c);
					return -1;
				}
			}
			if (c[1] != ' ') {
				snprintf(why, wlen, "line %d: no blank before the value", line);
				return -1;
			}
			strtod(c + 2, &end);
			if (end == c + 2 || *end) {
				snprintf(why, wlen, "line %d: value '%.60s' not a number", line, c + 2);
				return -1;
			}
			c[1] = 0;
			for (i = 0; i < n_keys; i++) {
				if (!strcmp(keys[i], l)) {
					snprintf(why, wlen, "line %d: %.60s twice", line, l);
					return -1;
				}
			}
			snprintf(keys[n_keys++ % 512], sizeof(keys[0]), "%.255s", l);
			samples++;
		}
	}
	return samples;
}

static void fill_counters(struct eng_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->rx_msg[SYNC] = 1234;
	c->tx_msg[DELAY_REQ] = 1233;
	c->rx_bad = 7;
	c->tx_ts_missing = 3;
	c->uc_refused = 2;
	c->uc_full = 9007199254740993ULL; /* 2^53 + 1: not a double */
}

TEST(metrics_oc_exposition_format)
{
	static char buf[16384];
	struct metrics_out m;
	struct oc_status s;
	struct servo_state_np sv;
	struct eng_counters c;
	char why[200] = "";
	int n;

	memset(&s, 0, sizeof(s));
	s.state = PS_SLAVE;
	s.servo_state = 2;
	s.gm_present = 1;
	s.samples = 42;
	s.offset = -23;
	s.path_delay = 1864;
	s.freq_ppb = -9734.5;
	s.gm_clock_class = 6;
	s.steps_removed = 1;
	s.grants = 3;
	s.masters = 1;
	fill_counters(&c);
	metrics_init(&m, buf, sizeof(buf), "eth0");
	metrics_oc(&m, &s, NULL, &c);
	CHECK(m.len < sizeof(buf));
	n = exposition_check(buf, why, sizeof(why));
	CHECK(n > 20);
	if (n < 0) {
		printf("  %s\n", why);
	}
	CHECK_STR(buf, "# TYPE ptpbox_oc_offset_ns gauge\nptpbox_oc_offset_ns{iface=\"eth0\"} -23\n");
	CHECK_STR(buf, "ptpbox_oc_mean_path_delay_ns{iface=\"eth0\"} 1864\n");
	CHECK_STR(buf, "ptpbox_oc_frequency_adjustment_ppb{iface=\"eth0\"} -9734.5\n");
	CHECK_STR(buf, "ptpbox_oc_port_state{iface=\"eth0\",state=\"SLAVE\"} 9\n");
	CHECK_STR(buf, "ptpbox_oc_master_clock_class{iface=\"eth0\"} 6\n");
	CHECK_STR(buf, "ptpbox_oc_grants{iface=\"eth0\"} 3\n");
	CHECK_STR(buf, "ptpbox_oc_offsets_total{iface=\"eth0\"} 42\n");
	CHECK_STR(buf, "ptpbox_oc_rx_messages_total{iface=\"eth0\",type=\"sync\"} 1234\n");
	CHECK_STR(buf, "ptpbox_oc_tx_messages_total{iface=\"eth0\",type=\"delay_req\"} 1233\n");
	CHECK_STR(buf, "ptpbox_oc_rx_malformed_total{iface=\"eth0\"} 7\n");
	CHECK_STR(buf, "ptpbox_oc_grants_refused_total{iface=\"eth0\"} 2\n");
	/* the gm's refusals are not the oc's */
	CHECK(!strstr(buf, "denied_full"));
	/* no servo_* gauges without a servo state, nor without the envelope
	 * servo's (window 0) */
	CHECK(!strstr(buf, "ptpbox_oc_servo_w"));
	memset(&sv, 0, sizeof(sv));
	metrics_init(&m, buf, sizeof(buf), "eth0");
	metrics_oc(&m, &s, &sv, &c);
	CHECK(!strstr(buf, "ptpbox_oc_servo_w"));
	/* with it: its SERVO_STATE_NP fields (x 2^16) as decimals */
	sv.v[SVS_WANDER] = 3 << 15;
	sv.v[SVS_WINDOW] = 25 << 15;
	sv.v[SVS_DELAY_SHAPE] = 1 << 14;
	sv.v[SVS_ESTIMATOR] = 1 << 16;
	metrics_init(&m, buf, sizeof(buf), "eth0");
	metrics_oc(&m, &s, &sv, &c);
	CHECK(m.len < sizeof(buf));
	CHECK_EQ(exposition_check(buf, why, sizeof(why)), n + MGMT_SERVO_FIELDS);
	CHECK_STR(buf, "# TYPE ptpbox_oc_servo_wander_ppb_sqrt_s gauge\n"
		       "ptpbox_oc_servo_wander_ppb_sqrt_s{iface=\"eth0\"} 1.5\n");
	CHECK_STR(buf, "ptpbox_oc_servo_wander_estimate_ppb_sqrt_s{iface=\"eth0\"} 0\n");
	CHECK_STR(buf, "ptpbox_oc_servo_window_seconds{iface=\"eth0\"} 12.5\n");
	CHECK_STR(buf, "ptpbox_oc_servo_delay_shape{iface=\"eth0\"} 0.25\n");
	CHECK_STR(buf, "ptpbox_oc_servo_estimator{iface=\"eth0\"} 1\n");
}

/* sys_sync's metrics: counters always, the gauges once measured */
TEST(metrics_sys_exposition_format)
{
	static char buf[4096];
	struct metrics_out m;
	struct sysync_result r;
	char why[200] = "";

	metrics_init(&m, buf, sizeof(buf), "eth0");
	metrics_sys(&m, "oc", NULL, 0, 2);
	CHECK(exposition_check(buf, why, sizeof(why)) == 2);
	CHECK(!strstr(buf, "sys_offset_ns"));
	CHECK_STR(buf, "ptpbox_oc_sys_measurement_errors_total{iface=\"eth0\"} 2\n");
	memset(&r, 0, sizeof(r));
	r.offset_ns = -17;
	r.freq_ppb = 20003.5;
	r.state = SERVO_LOCKED;
	metrics_init(&m, buf, sizeof(buf), "eth0");
	metrics_sys(&m, "gm", &r, 60, 0);
	CHECK(exposition_check(buf, why, sizeof(why)) == 5);
	CHECK_STR(buf, "# TYPE ptpbox_gm_sys_offset_ns gauge\nptpbox_gm_sys_offset_ns{iface=\"eth0\"} -17\n");
	CHECK_STR(buf, "ptpbox_gm_sys_frequency_adjustment_ppb{iface=\"eth0\"} 20003.5\n");
	CHECK_STR(buf, "ptpbox_gm_sys_servo_state{iface=\"eth0\"} 2\n");
	CHECK_STR(buf, "ptpbox_gm_sys_measurements_total{iface=\"eth0\"} 60\n");
}

TEST(metrics_gm_exposition_format)
{
	static char buf[16384];
	struct metrics_out m;
	struct gm_status s;
	struct eng_counters c;
	char why[200] = "";
	int n;

	memset(&s, 0, sizeof(s));
	s.clock_class = 7;
	s.source = 1;
	s.clients = 5000;
	s.committed_pps = 15000;
	s.granted = 123;
	s.denied = 4;
	fill_counters(&c);
	metrics_init(&m, buf, sizeof(buf), "pa1");
	metrics_gm(&m, &s, &c);
	n = exposition_check(buf, why, sizeof(why));
	CHECK(n > 20);
	if (n < 0) {
		printf("  %s\n", why);
	}
	CHECK_STR(buf, "ptpbox_gm_clock_class{iface=\"pa1\"} 7\n");
	CHECK_STR(buf, "ptpbox_gm_clients{iface=\"pa1\"} 5000\n");
	CHECK_STR(buf, "ptpbox_gm_grants_total{iface=\"pa1\"} 123\n");
	CHECK_STR(buf, "ptpbox_gm_denials_total{iface=\"pa1\"} 4\n");
	CHECK_STR(buf, "ptpbox_gm_tx_timestamps_missing_total{iface=\"pa1\"} 3\n");
	CHECK_STR(buf, "ptpbox_gm_denied_full_total{iface=\"pa1\"} 9007199254740993\n");
	CHECK(!strstr(buf, "grants_refused"));
}

TEST(metrics_tc_ports_and_escaping)
{
	static char buf[65536];
	struct tc_port_stats a, b;
	const struct tc_port_stats *st[2] = { &a, &b };
	const char *names[2] = { "lan\"1", "lan\\2" };
	struct metrics_out m;
	char why[200] = "";
	int n;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.rx_frames = 10;
	b.rx_frames = 20;
	a.res_sum = 1500.5;
	a.res_max = 900;
	metrics_init(&m, buf, sizeof(buf), "");
	metrics_tc(&m, 2, names, st);
	n = exposition_check(buf, why, sizeof(why));
	CHECK(n > 40);
	if (n < 0) {
		printf("  %s\n", why);
	}
	/* both ports of a family together, the label escaped */
	CHECK_STR(buf, "ptpbox_tc_rx_frames_total{iface=\"lan\\\"1\"} 10\n"
		       "ptpbox_tc_rx_frames_total{iface=\"lan\\\\2\"} 20\n");
	CHECK_STR(buf, "ptpbox_tc_residence_time_ns_total{iface=\"lan\\\"1\"} 1500.5\n");
	CHECK_STR(buf, "# TYPE ptpbox_tc_residence_max_ns gauge\n");
	/* syntonization: the ratio only once measured, no iface label */
	metrics_init(&m, buf, sizeof(buf), "");
	metrics_tc(&m, 2, names, st);
	metrics_tc_rate(&m, 0, 0, 0, 3);
	CHECK(exposition_check(buf, why, sizeof(why)) > 40);
	CHECK(!strstr(buf, "ptpbox_tc_rate_ratio_ppb"));
	CHECK_STR(buf, "ptpbox_tc_rate_discarded_total{iface=\"\"} 3\n");
	metrics_init(&m, buf, sizeof(buf), "");
	metrics_tc_rate(&m, 1, -42998.25, 7, 0);
	CHECK(exposition_check(buf, why, sizeof(why)) > 0);
	CHECK_STR(buf, "# TYPE ptpbox_tc_rate_ratio_ppb gauge\n"
		       "ptpbox_tc_rate_ratio_ppb{iface=\"\"} -42998.25\n");
	CHECK_STR(buf, "ptpbox_tc_rate_measurements_total{iface=\"\"} 7\n");
}

TEST(metrics_truncation_is_safe)
{
	char buf[64 + 16];
	struct metrics_out m;
	struct oc_status s;
	struct eng_counters c;

	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	memset(buf, 'x', sizeof(buf));
	metrics_init(&m, buf, 64, "eth0");
	metrics_oc(&m, &s, NULL, &c);
	CHECK(m.len > 64);		/* what it needed: the caller sees truncation */
	CHECK_EQ(strlen(buf), 63);	/* cut, terminated, within cap */
	CHECK_EQ(buf[64], 'x');
}

/* The parser itself refuses what is not the format */
TEST(metrics_checker_refuses_bad_text)
{
	char why[200];
	CHECK(exposition_check("# HELP a x\n# TYPE a gauge\na{} 1\n", why, sizeof(why)) == 1);
	CHECK(exposition_check("# HELP a x\n# TYPE a gauge\na{} 1", why, sizeof(why)) < 0);
	CHECK(exposition_check("# HELP a x\n# TYPE a gauge\nb{} 1\n", why, sizeof(why)) < 0);
	CHECK(exposition_check("# HELP a x\n# TYPE a gauge\na{x=\"1} 1\n", why, sizeof(why)) < 0);
	CHECK(exposition_check("# HELP a x\n# TYPE a gauge\na{} one\n", why, sizeof(why)) < 0);
	CHECK(exposition_check("# HELP a x\n# TYPE a counter\na{} 1\n", why, sizeof(why)) < 0);
	CHECK(exposition_check("# HELP a x\n# TYPE a gauge\na{} 1\na{} 2\n", why, sizeof(why)) < 0);
	CHECK(exposition_check("# HELP a x\n# TYPE a gauge\na{} 1\n# HELP a y\n# TYPE a gauge\n",
			       why, sizeof(why)) < 0);
}
