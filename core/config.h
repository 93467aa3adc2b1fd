/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Configuration: linuxptp-compatible files ([global], [IFACE],
 * [unicast_master_table]) checked against one option table
 * (config_opts.def) narrowed by a profile (profiles/).  Every value is
 * range-checked; an error names file, line, key, value and allowed range.
 */
#ifndef PTPBOX_CONFIG_H
#define PTPBOX_CONFIG_H

#include <stddef.h>

enum opt_id {
#define OPT(key, type, scope, def, min, max, enums) OPT_##key,
#include "config_opts.def"
#undef OPT
	OPT_COUNT
};

enum cfg_role { CFG_ROLE_ANY, CFG_ROLE_GM, CFG_ROLE_OC, CFG_ROLE_TC };

enum { TRANS_UDP_IPV4 = 1, TRANS_UDP_IPV6 = 2, TRANS_L2 = 3 };		  /* 1588 Table 3 */
enum { DM_E2E = 1, DM_P2P = 2, DM_AUTO = 3 };				  /* delay_mechanism */
enum { TS_HARDWARE = 0, TS_SOFTWARE = 1 };				  /* time_stamping */
enum { GRANT_CLAMP = 0, GRANT_EXACT = 1 };				  /* grant_mode */
enum { SERVO_PI = 0, SERVO_LINREG = 1, SERVO_ENVELOPE = 2 };		  /* clock_servo */
enum { TSRC_FILE = 0, TSRC_TOD = 1 };					  /* time_source */
enum { PROFILE_DEFAULT = 0, PROFILE_OCP_DC = 1, PROFILE_G8265_1 = 2 };	  /* profile */

#define CFG_MAX_TABLES 16
#define CFG_MAX_TABLE_ENTRIES 64
#define CFG_ADDR_LEN 64

/* One [unicast_master_table] section: unicastDiscoveryPortDS, 1588-2019 17.4.3 */
struct uc_master_table {
	int table_id;
	int logQueryInterval; /* log2 s */
	int n;		      /* actualTableSize */
	struct {
		int transport; /* TRANS_UDP_IPV4 or TRANS_UDP_IPV6 */
		char addr[CFG_ADDR_LEN];
		int localPriority; /* 1..255, 128 when not given */
	} entry[CFG_MAX_TABLE_ENTRIES];
};

struct config;

/* New empty configuration for an applet role.  NULL when out of memory. */
struct config *config_create(enum cfg_role role);
void config_destroy(struct config *c);

/*
 * Read a linuxptp-style file.  Only syntax is checked here (sections, a key
 * with a value); values are checked by config_finish() once the profile is
 * known.  iface selects the [IFACE] section whose keys apply; NULL takes the
 * first port section.  Returns 0, or -EINVAL/-ENOENT with a one-line message
 * "FILE:LINE: ..." in err (errlen octets).
 */
int config_read(struct config *c, const char *path, const char *iface, char *err, size_t errlen);

/* A command-line "--key=value" override, checked like a [global] line. */
int config_set(struct config *c, const char *key, const char *value);

/*
 * Apply the profile named by "profile" (command line first, then the file),
 * then check every value: known key, allowed section, number syntax, range of
 * the profile.  Returns 0 or -EINVAL with err set to
 * "FILE:LINE: KEY VALUE: out of range MIN..MAX (profile P)" or similar.
 */
int config_finish(struct config *c, char *err, size_t errlen);

/* Values after config_finish(): port section, then [global], then profile
 * default. */
int cfg_int(const struct config *c, enum opt_id id);
double cfg_dbl(const struct config *c, enum opt_id id);
const char *cfg_str(const struct config *c, enum opt_id id); /* "" when unset */
long long cfg_ll(const struct config *c, enum opt_id id);

/* Where the value in force of option id was set, into buf (len octets):
 * "FILE:LINE", "command line", or "profile NAME" for a default; for error
 * lines about a value found wrong at run time (a file that cannot be
 * written). */
const char *config_where(const struct config *c, enum opt_id id, char *buf, size_t len);

/* Port name chosen by the file when no -i was given ("" if none). */
const char *config_iface(const struct config *c);

/* The table named by table_id, or NULL. */
const struct uc_master_table *config_table(const struct config *c, int table_id);

/* Allowed range of an integer option under the profile (for grant checks). */
void cfg_range(const struct config *c, enum opt_id id, double *min, double *max);

const char *config_profile_name(const struct config *c);

/* Check value text for option id as a configuration line would be
 * (syntax, the profile's range and values) without storing it: 0, or
 * -EINVAL with "AT: KEY VALUE: ... allowed ... (profile P)" in err. */
int config_check(const struct config *c, enum opt_id id, const char *value, const char *at,
		 char *err, size_t errlen);

/* The option key within edit distance 2 of key (a "did you mean"), or
 * NULL. */
const char *config_suggest(const char *key);
/* 1 when key is an option, or a ptp4l key taken (ptp4l_keys.def). */
int config_key_known(const char *key);
/* After config_finish(): the notices of the ptp4l keys accepted without
 * effect, one a call from *k on (0 first): "AT: KEY has no effect in
 * ptpbox: REASON" into buf (len octets), NULL after the last. */
const char *config_notice(const struct config *c, int *k, char *buf, size_t len);

/* Profile sources compiled in (profiles/NAME.prof). */
struct profile_src {
	const char *name;
	const char *text;
};
extern const struct profile_src profile_srcs[];
extern const int profile_srcs_count;

#endif
