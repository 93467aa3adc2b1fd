/* SPDX-License-Identifier: BSD-2-Clause */
/* Configuration files, profiles and their error messages. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../core/config.h"
#include "../../core/util.h"
#include "../../core/netaddr.h"
#include "test.h"

static char path[64];

static const char *write_cfg(const char *text)
{
	FILE *f;
	int fd;
	snprintf(path, sizeof(path), "/tmp/ptpbox-cfg-XXXXXX");
	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* Read text as role; returns config_read/finish result and the message. */
static int load(enum cfg_role role, const char *text, struct config **out, char *err,
		size_t len)
{
	struct config *c = config_create(role);
	int r = config_read(c, write_cfg(text), NULL, err, len);
	if (!r) {
		r = config_finish(c, err, len);
	}
	unlink(path);
	if (out) {
		*out = c;
	} else {
		config_destroy(c);
	}
	return r;
}

TEST(config_all_profiles_load)
{
	char err[256] = "";
	int i, roles[] = { CFG_ROLE_ANY, CFG_ROLE_GM, CFG_ROLE_OC };
	for (i = 0; i < profile_srcs_count; i++) {
		int r;
		for (r = 0; r < 3; r++) {
			struct config *c = config_create(roles[r]);
			char line[64];
			snprintf(line, sizeof(line), "profile %s", profile_srcs[i].name);
			CHECK_EQ(config_set(c, "profile", profile_srcs[i].name), 0);
			CHECK_EQ(config_finish(c, err, sizeof(err)), 0);
			CHECK(!strcmp(config_profile_name(c), profile_srcs[i].name));
			config_destroy(c);
		}
	}
	CHECK_EQ(profile_srcs_count, 3);
}

TEST(config_ocp_defaults_by_role)
{
	struct config *c;
	char err[256];

	CHECK_EQ(load(CFG_ROLE_GM, "[global]\nprofile ocp-dc\n", &c, err, sizeof(err)), 0);
	CHECK_EQ(cfg_int(c, OPT_clockClass), 6);
	CHECK_EQ(cfg_int(c, OPT_clockAccuracy), 0x21);
	CHECK_EQ(cfg_int(c, OPT_offsetScaledLogVariance), 0x4E5D);
	CHECK_EQ(cfg_int(c, OPT_network_transport), TRANS_UDP_IPV6);
	CHECK_EQ(cfg_int(c, OPT_logAnnounceInterval), 0);
	CHECK_EQ(cfg_int(c, OPT_dscp_event), 46);
	config_destroy(c);
	CHECK_EQ(load(CFG_ROLE_OC, "[global]\nprofile ocp-dc\n", &c, err, sizeof(err)), 0);
	CHECK_EQ(cfg_int(c, OPT_clockClass), 255);
	CHECK_EQ(cfg_int(c, OPT_offsetScaledLogVariance), 0xFFFF);
	config_destroy(c);
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\nprofile g8265.1\n", &c, err, sizeof(err)), 0);
	CHECK_EQ(cfg_int(c, OPT_domainNumber), 4);
	CHECK_EQ(cfg_int(c, OPT_unicast_req_duration), 300);
	CHECK_EQ(cfg_int(c, OPT_announceReceiptTimeout), 2);
	CHECK_EQ(cfg_int(c, OPT_grant_mode), GRANT_EXACT);
	CHECK_EQ(cfg_int(c, OPT_network_transport), TRANS_UDP_IPV4);
	config_destroy(c);
}

/* OCP Table 2: clockAccuracy and offsetScaledLogVariance are fixed per
 * role, so a file's other value is an error naming file, line, key, value
 * and the allowed range; without the profile any value is fine */
TEST(config_ocp_quality_ranges_by_role)
{
	static const struct {
		enum cfg_role role;
		const char *line, *want;
	} c[] = {
		{ CFG_ROLE_GM, "clockAccuracy 0x20", "33..33" },
		{ CFG_ROLE_GM, "offsetScaledLogVariance 0x1234", "20061..20061" },
		{ CFG_ROLE_OC, "clockAccuracy 0x21", "254..254" },
		{ CFG_ROLE_OC, "offsetScaledLogVariance 0x4E5D", "65535..65535" },
	};
	char text[128], err[256];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(text, sizeof(text), "[global]\nprofile ocp-dc\n%s\n", c[i].line);
		CHECK_EQ(load(c[i].role, text, NULL, err, sizeof(err)), -EINVAL);
		CHECK_STR(err, path);
		CHECK_STR(err, ":3:");
		CHECK_STR(err, c[i].line);
		CHECK_STR(err, c[i].want);
		CHECK_STR(err, "ocp-dc");
		snprintf(text, sizeof(text), "[global]\n%s\n", c[i].line);
		CHECK_EQ(load(c[i].role, text, NULL, err, sizeof(err)), 0);
	}
	/* G.8265.1: minorVersionPTP 0 (a 1588-2008 profile), and only 0 */
	CHECK_EQ(load(CFG_ROLE_OC, "[global]\nprofile g8265.1\nminorVersionPTP 1\n", NULL, err,
		      sizeof(err)),
		 -EINVAL);
	CHECK_STR(err, "minorVersionPTP 1: out of range, allowed 0..0");
	/* the role's own value is fine */
	CHECK_EQ(load(CFG_ROLE_OC, "[global]\nprofile ocp-dc\nclockAccuracy 0xFE\n", NULL, err,
		      sizeof(err)),
		 0);
}

TEST(config_range_error_names_everything)
{
	char err[256];
	CHECK_EQ(load(CFG_ROLE_OC, "[global]\nprofile ocp-dc\n\nlogSyncInterval 5\n", NULL, err,
		      sizeof(err)),
		 -EINVAL);
	CHECK_STR(err, path);
	CHECK_STR(err, ":4:");
	CHECK_STR(err, "logSyncInterval 5");
	CHECK_STR(err, "-7..3");
	CHECK_STR(err, "ocp-dc");
	/* the same value is fine without the profile */
	CHECK_EQ(load(CFG_ROLE_OC, "[global]\nlogSyncInterval 5\n", NULL, err, sizeof(err)), 0);
}

TEST(config_profile_forbids)
{
	char err[256];
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\nprofile ocp-dc\nnetwork_transport L2\n", NULL, err,
		      sizeof(err)),
		 -EINVAL);
	CHECK_STR(err, "network_transport L2: not allowed, allowed UDPv4|UDPv6");
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\nprofile g8265.1\ndomainNumber 3\n", NULL, err,
		      sizeof(err)),
		 -EINVAL);
	CHECK_STR(err, "4..23");
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\nprofile ocp-dc\npriority1 127\n", NULL, err,
		      sizeof(err)),
		 -EINVAL);
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\nprofile ocp-dc\nclockClass 7\n", NULL, err,
		      sizeof(err)),
		 0);
}

TEST(config_unknown_key_and_syntax)
{
	char err[256];
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\nnot_a_key 1\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, ":2: not_a_key: unknown key");
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\npriority2\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "has no value");
	CHECK_EQ(load(CFG_ROLE_GM, "[global\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "malformed section");
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\npriority2 12x\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "not an integer");
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\nprofile nope\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "profile nope");
	CHECK_EQ(load(CFG_ROLE_GM, "[eth0]\npriority2 1\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "allowed only in [global]");
}

TEST(config_port_section_and_override)
{
	struct config *c;
	char err[256];
	CHECK_EQ(load(CFG_ROLE_OC,
		      "[global]\nlogSyncInterval -2\n# comment\n[eth1]\nlogSyncInterval -3 # x\n"
		      "[eth9]\nlogSyncInterval -5\n",
		      &c, err, sizeof(err)),
		 0);
	CHECK(!strcmp(config_iface(c), "eth1"));
	CHECK_EQ(cfg_int(c, OPT_logSyncInterval), -3);
	config_destroy(c);

	/* the command line is parsed before the file is read, and wins */
	c = config_create(CFG_ROLE_OC);
	config_set(c, "priority2", "20");
	config_set(c, "profile", "ocp-dc");
	CHECK_EQ(config_read(c, write_cfg("[global]\npriority2 10\nprofile default\n"), NULL,
			     err, sizeof(err)),
		 0);
	unlink(path);
	config_set(c, "step_threshold", "0.5");
	CHECK_EQ(config_finish(c, err, sizeof(err)), 0);
	CHECK_EQ(cfg_int(c, OPT_priority2), 20);
	CHECK(cfg_dbl(c, OPT_step_threshold) == 0.5);
	CHECK(!strcmp(config_profile_name(c), "ocp-dc"));
	config_destroy(c);

	c = config_create(CFG_ROLE_OC);
	config_set(c, "priority2", "300");
	CHECK_EQ(config_finish(c, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "command line: priority2 300: out of range, allowed 0..255");
	config_destroy(c);
}

TEST(config_unicast_master_table)
{
	const struct uc_master_table *t;
	struct config *c;
	char err[256];

	CHECK_EQ(load(CFG_ROLE_OC,
		      "[global]\nunicast_master_table 2\n"
		      "[unicast_master_table]\ntable_id 1\nUDPv4 10.0.0.1\n"
		      "[unicast_master_table]\ntable_id 2\nlogQueryInterval 2\n"
		      "UDPv6 fd00::1\nUDPv6 fd00::2\n",
		      &c, err, sizeof(err)),
		 0);
	t = config_table(c, cfg_int(c, OPT_unicast_master_table));
	CHECK(t != NULL);
	if (t) {
		CHECK_EQ(t->n, 2);
		CHECK_EQ(t->logQueryInterval, 2);
		CHECK(!strcmp(t->entry[1].addr, "fd00::2"));
		CHECK_EQ(t->entry[0].transport, TRANS_UDP_IPV6);
	}
	config_destroy(c);
	CHECK_EQ(load(CFG_ROLE_OC, "[global]\nunicast_master_table 3\n", NULL, err, sizeof(err)),
		 -EINVAL);
	CHECK_STR(err, "unicast_master_table 3");
	CHECK_EQ(load(CFG_ROLE_OC, "[unicast_master_table]\ntable_id 1\nL2 00:11:22:33:44:55\n",
		      NULL, err, sizeof(err)),
		 -EINVAL);
	CHECK_STR(err, "not supported");
	CHECK_EQ(load(CFG_ROLE_OC, "[unicast_master_table]\nUDPv4 10.0.0.1\n", NULL, err,
		      sizeof(err)),
		 -EINVAL);
	CHECK_STR(err, "no table_id");
}

TEST(config_mgmt_acl_checked_and_matched)
{
	struct config *c;
	struct net_acl acl;
	struct net_addr a;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a.ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a.ss;
	char err[256];

	CHECK_EQ(load(CFG_ROLE_GM, "[global]\n\nmgmt_acl fd00::/64 10.0.0.0/33\n", NULL, err,
		      sizeof(err)),
		 -EINVAL);
	CHECK_STR(err, ":3:");
	CHECK_STR(err, "mgmt_acl fd00::/64 10.0.0.0/33");
	CHECK_STR(err, "not an address or prefix");
	CHECK_EQ(load(CFG_ROLE_GM, "[global]\nmgmt_acl fd00::1:0/112, 10.1.0.5\n", &c, err,
		      sizeof(err)),
		 0);
	CHECK_EQ(cfg_int(c, OPT_allow_remote_mgmt), 0); /* remote SET off by default */
	CHECK_EQ(net_acl_parse(cfg_str(c, OPT_mgmt_acl), &acl), 0);
	CHECK_EQ(acl.n, 2);
	memset(&a, 0, sizeof(a));
	s6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "fd00::1:2", &s6->sin6_addr);
	CHECK(net_acl_match(&acl, &a));
	inet_pton(AF_INET6, "fd00::2:2", &s6->sin6_addr);
	CHECK(!net_acl_match(&acl, &a));
	memset(&a, 0, sizeof(a));
	s4->sin_family = AF_INET;
	inet_pton(AF_INET, "10.1.0.5", &s4->sin_addr);
	CHECK(net_acl_match(&acl, &a));
	inet_pton(AF_INET, "10.1.0.6", &s4->sin_addr);
	CHECK(!net_acl_match(&acl, &a));
	config_destroy(c);
	/* an empty list matches nothing */
	CHECK_EQ(net_acl_parse("", &acl), 0);
	CHECK(!net_acl_match(&acl, &a));
}

TEST(util_words_and_hex_patterns)
{
	const char *s = "  fd00::10:1  200\tx\n";
	char w[8];
	uint8_t o[8];

	CHECK_EQ(str_word(&s, w, sizeof(w)), 10); /* cut to fit */
	CHECK(!strcmp(w, "fd00::1"));
	CHECK_EQ(str_word(&s, w, sizeof(w)), 3);
	CHECK(!strcmp(w, "200"));
	CHECK_EQ(str_word(&s, w, sizeof(w)), 1);
	CHECK_EQ(str_word(&s, w, sizeof(w)), 0);
	CHECK_EQ(hex_pattern("001122.fFfe.33445a", "hhhhhh.hhhh.hhhhhh", o), 8);
	CHECK(o[0] == 0x00 && o[2] == 0x22 && o[3] == 0xff && o[4] == 0xfe && o[7] == 0x5a);
	CHECK_EQ(hex_pattern("001122.fffe.33445", "hhhhhh.hhhh.hhhhhh", o), -1);
	CHECK_EQ(hex_pattern("001122.fffe.3344556", "hhhhhh.hhhh.hhhhhh", o), -1);
	CHECK_EQ(hex_pattern("001122-fffe.334455", "hhhhhh.hhhh.hhhhhh", o), -1);
	CHECK_EQ(hex_pattern("02:00:0g:00:00:01", "hh:hh:hh:hh:hh:hh", o), -1);
	CHECK_EQ(hex_pattern("02:00:00:00:00:01", "hh:hh:hh:hh:hh:hh", o), 6);
	CHECK(o[0] == 2 && o[5] == 1);
}

TEST(util_edit_distance_nearest_escape)
{
	static const char names[] = "gm\0oc\0pmc\0ppsmon";
	char b[16];

	CHECK_EQ(str_dist("", ""), 0);
	CHECK_EQ(str_dist("help", "hlep"), 2); /* a transposition: two edits */
	CHECK_EQ(str_dist("domainNumbr", "domainNumber"), 1);
	CHECK_EQ(str_dist("kitten", "sitting"), 3);
	CHECK_EQ(str_dist("abc", ""), 3);
	CHECK(!strcmp(str_nearest("gn", names, 4), "gm"));
	CHECK(!strcmp(str_nearest("pcm", names, 4), "pmc"));
	CHECK(!str_nearest("xy", names, 4)); /* 2 edits from gm: too many */
	CHECK(!strcmp(str_nearest("psmon", names, 4), "ppsmon"));
	str_escape(b, sizeof(b), "a\001b\tc\177");
	CHECK(!strcmp(b, "a\\x01b\tc\\x7f"));
	str_escape(b, 6, "ab\033cd"); /* no half escape */
	CHECK(!strcmp(b, "ab"));
}

TEST(config_ptp4l_keys)
{
	char err[256] = "", buf[256];
	struct config *c;
	int k = 0;

	/* without effect: accepted, one notice each with file and line */
	CHECK_EQ(load(CFG_ROLE_OC, "[global]\nkernel_leap 1\nslaveOnly 1\nstep_window 3\n"
				   "clock_class_threshold 7\n[unicast_master_table]\ntable_id 1\n"
				   "peer_address 10.0.0.1\n",
		      &c, err, sizeof(err)),
		 0);
	CHECK(config_notice(c, &k, buf, sizeof(buf)) && strstr(buf, ":2: kernel_leap has no effect"));
	CHECK(config_notice(c, &k, buf, sizeof(buf)) && strstr(buf, ":4: step_window has no effect"));
	CHECK(config_notice(c, &k, buf, sizeof(buf)) && strstr(buf, ":8: peer_address has no effect"));
	CHECK(!config_notice(c, &k, buf, sizeof(buf)));
	CHECK_EQ(cfg_int(c, OPT_clientOnly), 1);     /* slaveOnly */
	CHECK_EQ(cfg_int(c, OPT_max_clock_class), 7); /* clock_class_threshold */
	config_destroy(c);
	/* contradictions of the applet, named by the key as written */
	CHECK_EQ(load(CFG_ROLE_GM, "slaveOnly 1\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, ":1: slaveOnly 1: not for ptpbox gm (gm: server, oc: client, tc: transparent clock)"));
	CHECK_EQ(load(CFG_ROLE_OC, "masterOnly 1\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, ":1: masterOnly 1: not for ptpbox oc"));
	CHECK_EQ(load(CFG_ROLE_TC, "clock_type OC\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, ":1: clock_type OC: not for ptpbox tc"));
	CHECK_EQ(load(CFG_ROLE_TC, "clock_type E2E_TC\nclientOnly 1\n", NULL, err, sizeof(err)), 0);
	CHECK_EQ(load(CFG_ROLE_ANY, "clock_type BC\nserverOnly 1\nclientOnly 1\n", NULL, err,
		      sizeof(err)), 0);
	CHECK_EQ(load(CFG_ROLE_OC, "masterOnly 2\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, ":1: masterOnly 2: out of range, allowed 0..1"));
	/* did you mean; a line's bytes escaped; NUL; a directory */
	CHECK_EQ(load(CFG_ROLE_OC, "domainNumbr 1\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, ":1: domainNumbr: unknown key (did you mean domainNumber?)"));
	CHECK_EQ(load(CFG_ROLE_OC, "frobnicate 1\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, ":1: frobnicate: unknown key") && !strstr(err, "mean"));
	CHECK_EQ(load(CFG_ROLE_OC, "[a\033]b\n", NULL, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, ":1: malformed section header '[a\\x1b]b'"));
	c = config_create(CFG_ROLE_OC);
	CHECK_EQ(config_read(c, "/tmp", NULL, err, sizeof(err)), -EINVAL);
	CHECK(!strcmp(err, "/tmp: Is a directory"));
	config_destroy(c);
	CHECK(config_key_known("G.8275.portDS.localPriority") && config_key_known("slaveOnly") &&
	      config_key_known("priority1") && !config_key_known("priorty1"));
	CHECK(!strcmp(config_suggest("priorty1"), "priority1"));
}
