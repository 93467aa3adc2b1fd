/* SPDX-License-Identifier: BSD-2-Clause */
/* Configuration files, option table and profiles; see config.h. */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "netaddr.h"
#include "util.h"

enum opt_type { INT, DBL, STR, ENUM, ACL }; /* ACL: a net_acl_parse() list, kept as text */
enum opt_scope { G = 1, P = 2 };

struct opt_enum {
	const char *name;
	int value;
};

static const struct opt_enum delay_mech_enum[] = {
	{ "E2E", DM_E2E }, { "P2P", DM_P2P }, { "Auto", DM_AUTO }, { NULL, 0 } };
static const struct opt_enum transport_enum[] = {
	{ "UDPv4", TRANS_UDP_IPV4 }, { "UDPv6", TRANS_UDP_IPV6 }, { "L2", TRANS_L2 }, { NULL, 0 } };
static const struct opt_enum tstamp_enum[] = {
	{ "hardware", TS_HARDWARE }, { "software", TS_SOFTWARE }, { NULL, 0 } };
static const struct opt_enum sys_clock_enum[] = {
	{ "CLOCK_REALTIME", 0 }, { "soft", 1 }, { NULL, 0 } };
static const struct opt_enum grant_mode_enum[] = {
	{ "clamp", GRANT_CLAMP }, { "exact", GRANT_EXACT }, { NULL, 0 } };
static const struct opt_enum dscmp_enum[] = { { "ieee1588", 0 }, { "G.8275.x", 1 },
					      { "G.8265.1", 2 }, { NULL, 0 } };
static const struct opt_enum servo_enum[] = { { "pi", SERVO_PI },
					       { "linreg", SERVO_LINREG },
					       { "envelope", SERVO_ENVELOPE },
					       { NULL, 0 } };
static const struct opt_enum tc_egress_enum[] = { { "one_step", 0 }, { "two_step", 1 }, { NULL, 0 } };
static const struct opt_enum time_source_enum[] = { { "file", TSRC_FILE }, { "tod", TSRC_TOD },
						    { "nmea", TSRC_NMEA }, { NULL, 0 } };
static const struct opt_enum clock_type_enum[] = { { "OC", 0 }, { "BC", 1 }, { "P2P_TC", 2 },
						   { "E2E_TC", 3 }, { NULL, 0 } };
static const struct opt_enum delay_filter_enum[] = { { "moving_median", 0 }, { NULL, 0 } };
static const struct opt_enum profile_enum[] = { { "default", PROFILE_DEFAULT },
						{ "ocp-dc", PROFILE_OCP_DC },
						{ "g8265.1", PROFILE_G8265_1 },
						{ NULL, 0 } };

/* The value lists, by their number in opt_def (an octet, not a pointer):
 * a list new in config_opts.def is added here. */
#define ENUM_TABS(X)                                                                            \
	X(delay_mech_enum) X(transport_enum) X(tstamp_enum) X(sys_clock_enum)                  \
	X(grant_mode_enum) X(dscmp_enum) X(servo_enum) X(tc_egress_enum) X(time_source_enum)  \
	X(clock_type_enum) X(delay_filter_enum) X(profile_enum)
enum {
	E_NULL,
#define X(n) E_##n,
	ENUM_TABS(X)
#undef X
};
static const struct opt_enum *const enum_tabs[] = {
	NULL,
#define X(n) n,
	ENUM_TABS(X)
#undef X
};

/* The keys' names one after the other, each NUL-terminated, as members
 * of a struct: a name is found by its offset, a constant of 2 octets (the
 * option 32 octets, not 40 with a pointer) */
static const struct opt_names {
#define OPT(key, type, scope, def, min, max, enums) char key[sizeof(#key)];
#include "config_opts.def"
#undef OPT
} opt_names = {
#define OPT(key, type, scope, def, min, max, enums) #key,
#include "config_opts.def"
#undef OPT
};
#define OPT_KEY(i) ((const char *)&opt_names + opts[i].name)

struct opt_def {
	double def, min, max;
	uint16_t name;		    /* offset in opt_names */
	uint8_t type, scope, enums; /* opt_type, opt_scope, E_... */
};

static const struct opt_def opts[OPT_COUNT] = {
#define OPT(key, type, scope, def, min, max, enums)                                         \
	{ def, min, max, offsetof(struct opt_names, key), type, scope, E_##enums },
#include "config_opts.def"
#undef OPT
};
_Static_assert(sizeof(opt_names) < 65536, "opt_def.name is 16 bits");

/* Why a ptp4l key has no effect here (ptp4l_keys.def) */
enum { R_E2E, R_L2, R_UNICAST, R_SERVO, R_CLOCK, R_MGMT, R_ROLE, R_LPRIO, R_NONE, R_CLASS255 };
/* in that order, each ended by a NUL */
static const char ptp4l_reasons[] = "E2E only: no peer delay, 802.1AS, CMLDS\0"
				    "UDP only, no layer 2\0"
				    "all messages unicast, negotiated\0"
				    "no such servo setting\0"
				    "one port, one clock (key clock) a process\0"
				    "one management socket (uds_address)\0"
				    "no BMCA: gm always master, oc never\0"
				    "set it per master in [unicast_master_table]\0"
				    "not implemented\0"
				    "a client-only clock's clockClass is 255 (1588-2019 Table 4)";
#define ALIAS 0x80
static const uint32_t ptp4l_keys[] = {
#define K(h, r) (uint32_t)(h) << 8 | (r),
#define A(h, id) (uint32_t)(h) << 8 | ALIAS | OPT_##id,
#include "ptp4l_keys.def"
#undef K
#undef A
};
_Static_assert(OPT_COUNT < ALIAS, "an alias holds an option id in 7 bits");

/* A key's entry in ptp4l_keys: its low 8 bits (R_... or ALIAS | id), -1
 * for none. */
static int ptp4l_key(const char *key)
{
	uint32_t h = 0x811c9dc5;
	size_t i;
	for (; *key; key++) {
		h = (h ^ (uint8_t)*key) * 0x01000193;
	}
	for (i = 0; i < sizeof(ptp4l_keys) / sizeof(ptp4l_keys[0]); i++) {
		if (ptp4l_keys[i] >> 8 == h >> 8) {
			return (int)(ptp4l_keys[i] & 0xff);
		}
	}
	return -1;
}

/* Contradictions of an applet (config.h): key id refused for role when
 * its value's bit is not in ok. */
static const struct {
	uint8_t id, role, ok;
} role_rules[] = {
	{ OPT_clientOnly, CFG_ROLE_GM, 1 },  { OPT_serverOnly, CFG_ROLE_OC, 1 },
	{ OPT_clock_type, CFG_ROLE_GM, 1 },  { OPT_clock_type, CFG_ROLE_OC, 1 },
	{ OPT_clock_type, CFG_ROLE_TC, 8 },
};

#define VAL_LEN 128

struct slot {
	int set;
	double num;
	char str[VAL_LEN];
};

/* A line as read, checked in config_finish() once the profile is known. */
struct entry {
	char section[64];
	char key[64];
	char value[VAL_LEN];
	const char *file; /* points into config.files */
	int line;
	int is_port; /* 1: in the selected [IFACE] section; -1: another port */
	int table;   /* index into tables for [unicast_master_table] lines, else -1 */
	int cmdline; /* from config_set(): applied after every file line */
	int note;    /* a ptp4l key without effect: R_..., else -1 */
};

struct eff {
	double def, min, max;
	char sdef[VAL_LEN];
	unsigned allowed; /* ENUM: bit per allowed value */
	int narrowed;	  /* range set by the profile */
	int n_vals;	  /* INT: > 0, only these values (profile "values") */
	uint8_t vals[20];
};

struct config {
	enum cfg_role role;
	char iface[64];
	int iface_given;
	const char *profile;
	struct eff eff[OPT_COUNT];
	struct slot global[OPT_COUNT];
	struct slot port[OPT_COUNT];
	struct entry *ent;
	int n_ent, cap_ent;
	char *files[8];
	int n_files;
	struct uc_master_table tables[CFG_MAX_TABLES];
	int n_tables;
};

static void seterr(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t len, const char *fmt, ...)
{
	char raw[768];
	va_list ap;
	if (!err || !len) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	str_escape(err, len, raw); /* the lines and values it quotes */
}

static int opt_lookup(const char *key)
{
	int i;
	for (i = 0; i < OPT_COUNT; i++) {
		if (!strcmp(OPT_KEY(i), key)) {
			return i;
		}
	}
	return -1;
}

static int enum_lookup(const struct opt_enum *e, const char *name)
{
	for (; e->name; e++) {
		if (!strcmp(e->name, name)) {
			return e->value;
		}
	}
	return -1;
}

static void enum_list(const struct opt_enum *e, unsigned allowed, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = 0;
	for (; e->name; e++) {
		if (allowed & (1u << e->value)) {
			off += (size_t)snprintf(buf + off, len > off ? len - off : 0, "%s%s",
						off ? "|" : "", e->name);
		}
	}
}

static void reset_eff(struct config *c)
{
	int i;
	for (i = 0; i < OPT_COUNT; i++) {
		struct eff *e = &c->eff[i];
		memset(e, 0, sizeof(*e));
		e->def = opts[i].def;
		e->min = opts[i].min;
		e->max = opts[i].max;
		if (opts[i].type == ENUM) {
			const struct opt_enum *p;
			for (p = enum_tabs[opts[i].enums]; p->name; p++) {
				e->allowed |= 1u << p->value;
			}
		}
	}
	strcpy(c->eff[OPT_clock].sdef, "auto");
}

struct config *config_create(enum cfg_role role)
{
	struct config *c = calloc(1, sizeof(*c));
	if (!c) {
		return NULL;
	}
	c->role = role;
	c->profile = "default";
	reset_eff(c);
	return c;
}

void config_destroy(struct config *c)
{
	int i;
	if (!c) {
		return;
	}
	for (i = 0; i < c->n_files; i++) {
		free(c->files[i]);
	}
	free(c->ent);
	free(c);
}

static struct entry *add_entry(struct config *c)
{
	if (c->n_ent == c->cap_ent) {
		int cap = c->cap_ent ? c->cap_ent * 2 : 64;
		struct entry *n = realloc(c->ent, (size_t)cap * sizeof(*n));
		if (!n) {
			return NULL;
		}
		c->ent = n;
		c->cap_ent = cap;
	}
	memset(&c->ent[c->n_ent], 0, sizeof(c->ent[0]));
	c->ent[c->n_ent].table = -1;
	c->ent[c->n_ent].note = -1;
	return &c->ent[c->n_ent++];
}

int config_read(struct config *c, const char *path, const char *iface, char *err, size_t errlen)
{
	char line[512], section[64] = "global", *fname;
	int lineno = 0, in_port = 0, table = -1;
	FILE *f;

	if (iface && *iface) {
		snprintf(c->iface, sizeof(c->iface), "%s", iface);
		c->iface_given = 1;
	}
	if (c->n_files >= (int)(sizeof(c->files) / sizeof(c->files[0]))) {
		seterr(err, errlen, "%s: too many configuration files", path);
		return -EINVAL;
	}
	f = fopen(path, "r");
	if (!f) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -ENOENT;
	}
	fname = strdup(path);
	if (!fname) {
		fclose(f);
		return -ENOMEM;
	}
	c->files[c->n_files++] = fname;

	while (fgets(line, sizeof(line), f)) {
		char *s, *key, *val, *hash;
		struct entry *e;

		lineno++;
		/* fgets stops at a newline, a full buffer or the end: short of
		 * all three, the line holds a NUL */
		if (!strchr(line, '\n') && !feof(f)) {
			seterr(err, errlen,
			       strlen(line) < sizeof(line) - 1 ? "%s:%d: NUL byte at line %d"
							       : "%s:%d: line longer than %d characters",
			       path, lineno, strlen(line) < sizeof(line) - 1 ? lineno : (int)sizeof(line) - 2);
			goto bad;
		}
		hash = strchr(line, '#');
		if (hash) {
			*hash = 0;
		}
		s = str_trim(line);
		if (!*s) {
			continue;
		}
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (!end || end[1] || end == s + 1 || (size_t)(end - s) > sizeof(section)) {
				seterr(err, errlen, "%s:%d: malformed section header '%s'", path,
				       lineno, s);
				goto bad;
			}
			*end = 0;
			snprintf(section, sizeof(section), "%s", str_trim(s + 1));
			in_port = 0;
			table = -1;
			if (!strcmp(section, "unicast_master_table")) {
				if (c->n_tables >= CFG_MAX_TABLES) {
					seterr(err, errlen, "%s:%d: more than %d unicast master tables",
					       path, lineno, CFG_MAX_TABLES);
					goto bad;
				}
				table = c->n_tables++;
				memset(&c->tables[table], 0, sizeof(c->tables[0]));
				c->tables[table].table_id = -1;
			} else if (strcmp(section, "global")) {
				if (!c->iface[0]) {
					snprintf(c->iface, sizeof(c->iface), "%s", section);
				}
				in_port = !strcmp(section, c->iface) ? 1 : -1;
			}
			continue;
		}
		key = s;
		val = s;
		while (*val && !isspace((unsigned char)*val)) {
			val++;
		}
		if (*val) {
			*val++ = 0;
		}
		val = str_trim(val);
		if (!*val) {
			seterr(err, errlen, "%s:%d: key '%s' has no value", path, lineno, key);
			goto bad;
		}
		if (strlen(key) >= sizeof(e->key) || strlen(val) >= sizeof(e->value)) {
			seterr(err, errlen, "%s:%d: key or value too long", path, lineno);
			goto bad;
		}
		e = add_entry(c);
		if (!e) {
			fclose(f);
			return -ENOMEM;
		}
		snprintf(e->section, sizeof(e->section), "%s", section);
		snprintf(e->key, sizeof(e->key), "%s", key);
		snprintf(e->value, sizeof(e->value), "%s", val);
		e->file = fname;
		e->line = lineno;
		e->is_port = in_port;
		e->table = table;
	}
	if (ferror(f)) { /* a directory: EISDIR */
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	fclose(f);
	return 0;
bad:
	fclose(f);
	return -EINVAL;
}

int config_set(struct config *c, const char *key, const char *value)
{
	struct entry *e;
	if (strlen(key) >= sizeof(e->key) || strlen(value) >= sizeof(e->value)) {
		return -EINVAL;
	}
	e = add_entry(c);
	if (!e) {
		return -ENOMEM;
	}
	strcpy(e->section, "global");
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->value, sizeof(e->value), "%s", value);
	e->file = "command line";
	e->line = 0;
	e->cmdline = 1;
	return 0;
}

/* Parse a number: decimal, hex (0x) for INT, strtod for DBL.  0 or -EINVAL. */
static int parse_num(enum opt_type t, const char *s, double *out)
{
	char *end;
	errno = 0;
	if (t == INT) {
		long long v = strtoll(s, &end, 0);
		if (errno || end == s || *end) {
			return -EINVAL;
		}
		*out = (double)v;
	} else {
		double v = strtod(s, &end);
		if (errno || end == s || *end || !isfinite(v)) {
			return -EINVAL;
		}
		*out = v;
	}
	return 0;
}

static void fmt_num(enum opt_type t, double v, char *buf, size_t len)
{
	if (t == INT) {
		snprintf(buf, len, "%lld", (long long)v);
	} else {
		snprintf(buf, len, "%g", v);
	}
}

static const char *where(const struct entry *e, char *buf, size_t len)
{
	if (e->line) {
		snprintf(buf, len, "%s:%d", e->file, e->line);
	} else {
		snprintf(buf, len, "%s", e->file);
	}
	return buf;
}

/* Check value text v for option id under the current profile; store it. */
static int check_value(struct config *c, int id, const char *key, const char *v, struct slot *s,
		       const char *at, char *err, size_t errlen)
{
	const struct opt_def *o = &opts[id];
	struct eff *e = &c->eff[id];
	char lo[32], hi[32], list[128];
	double num;

	switch (o->type) {
	case ACL: {
		struct net_acl acl;
		int r = net_acl_parse(v, &acl);
		if (r) {
			seterr(err, errlen, "%s: %s %s: %s, allowed up to %d addresses or ADDR/LEN "
					    "prefixes (e.g. fd00::/64 10.1.0.5)",
			       at, key, v, r == -E2BIG ? "too many" : "not an address or prefix",
			       NET_ACL_MAX);
			return -EINVAL;
		}
	}
		/* fall through */
	case STR: {
		uint8_t oui[6];
		if (id == OPT_profileIdentity && hex_pattern(v, "hh:hh:hh:hh:hh:hh", oui) != 6) {
			seterr(err, errlen, "%s: %s %s: not six octets hh:hh:hh:hh:hh:hh", at, key, v);
			return -EINVAL;
		}
		snprintf(s->str, sizeof(s->str), "%s", v);
		break;
	}
	case ENUM: {
		int ev = enum_lookup(enum_tabs[o->enums], v);
		enum_list(enum_tabs[o->enums], e->allowed, list, sizeof(list));
		if (ev < 0) {
			seterr(err, errlen, "%s: %s %s: unknown value, allowed %s", at, key, v,
			       list);
			return -EINVAL;
		}
		if (!(e->allowed & (1u << ev))) {
			seterr(err, errlen, "%s: %s %s: not allowed, allowed %s (profile %s)", at,
			       key, v, list, c->profile);
			return -EINVAL;
		}
		s->num = ev;
		break;
	}
	case INT:
	case DBL:
		fmt_num(o->type, e->min, lo, sizeof(lo));
		fmt_num(o->type, e->max, hi, sizeof(hi));
		if (parse_num(o->type, v, &num)) {
			seterr(err, errlen, "%s: %s %s: not a%s number, allowed %s..%s", at, key,
			       v, o->type == INT ? "n integer" : "", lo, hi);
			return -EINVAL;
		}
		if (num < e->min || num > e->max) {
			seterr(err, errlen, "%s: %s %s: out of range, allowed %s..%s (profile %s)",
			       at, key, v, lo, hi, c->profile);
			return -EINVAL;
		}
		if (e->n_vals) {
			size_t n = 0;
			int i, in = 0;
			for (i = 0; i < e->n_vals; i++) {
				in |= num == e->vals[i];
				n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%d", i ? ", " : "",
						      e->vals[i]);
			}
			if (!in) {
				seterr(err, errlen, "%s: %s %s: not allowed, allowed %s (profile %s)",
				       at, key, v, list, c->profile);
				return -EINVAL;
			}
		}
		s->num = num;
		break;
	}
	s->set = 1;
	return 0;
}

/* Profile text: one directive per line,
 *   default[.gm|.oc] KEY VALUE    new default (checked against the range)
 *   range[.gm|.oc]   KEY MIN MAX  narrowed range
 *   allow KEY V1 [V2 ...]         allowed enum values
 *   values[.gm|.oc] KEY V1 ...    the only values of an integer key (0..255) */
static int apply_profile(struct config *c, const char *name, char *err, size_t errlen)
{
	const char *text = NULL;
	char line[256];
	int i, lineno = 0;
	const char *p;

	for (i = 0; i < profile_srcs_count; i++) {
		if (!strcmp(profile_srcs[i].name, name)) {
			text = profile_srcs[i].text;
		}
	}
	if (!text) {
		seterr(err, errlen, "profile %s: not compiled in", name);
		return -EINVAL;
	}
	c->profile = name;
	reset_eff(c);
	for (p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *tok[24], *s, *dot;
		int nt = 0, id;

		lineno++;
		if (n >= sizeof(line)) {
			n = sizeof(line) - 1;
		}
		memcpy(line, p, n);
		line[n] = 0;
		p += n + (nl ? 1 : 0);
		if ((s = strchr(line, '#'))) {
			*s = 0;
		}
		for (s = strtok(line, " \t"); s && nt < 24; s = strtok(NULL, " \t")) {
			tok[nt++] = s;
		}
		if (!nt) {
			continue;
		}
		if (nt < 3) {
			goto bad;
		}
		dot = strchr(tok[0], '.');
		if (dot) {
			*dot++ = 0;
			if ((!strcmp(dot, "gm") && c->role != CFG_ROLE_GM) ||
			    (!strcmp(dot, "oc") && c->role != CFG_ROLE_OC)) {
				continue;
			}
			if (strcmp(dot, "gm") && strcmp(dot, "oc")) {
				goto bad;
			}
		}
		id = opt_lookup(tok[1]);
		if (id < 0) {
			goto bad;
		}
		if (!strcmp(tok[0], "default")) {
			struct slot tmp;
			memset(&tmp, 0, sizeof(tmp));
			if (check_value(c, id, tok[1], tok[2], &tmp, "profile", err, errlen)) {
				goto bad;
			}
			c->eff[id].def = tmp.num;
			snprintf(c->eff[id].sdef, sizeof(c->eff[id].sdef), "%s", tmp.str);
		} else if (!strcmp(tok[0], "range") && nt == 4) {
			double lo, hi;
			if (parse_num(opts[id].type == DBL ? DBL : INT, tok[2], &lo) ||
			    parse_num(opts[id].type == DBL ? DBL : INT, tok[3], &hi)) {
				goto bad;
			}
			c->eff[id].min = lo;
			c->eff[id].max = hi;
			c->eff[id].narrowed = 1;
		} else if (!strcmp(tok[0], "values") && opts[id].type == INT &&
			   nt - 2 <= (int)sizeof(c->eff[id].vals)) {
			for (i = 2; i < nt; i++) {
				c->eff[id].vals[i - 2] = (uint8_t)atoi(tok[i]);
			}
			c->eff[id].n_vals = nt - 2;
		} else if (!strcmp(tok[0], "allow") && opts[id].type == ENUM) {
			unsigned m = 0;
			for (i = 2; i < nt; i++) {
				int ev = enum_lookup(enum_tabs[opts[id].enums], tok[i]);
				if (ev < 0) {
					goto bad;
				}
				m |= 1u << ev;
			}
			c->eff[id].allowed = m;
		} else {
			goto bad;
		}
	}
	/* every default must lie in its (possibly narrowed) range */
	for (i = 0; i < OPT_COUNT; i++) {
		struct eff *e = &c->eff[i];
		if ((opts[i].type == INT || opts[i].type == DBL) &&
		    (e->def < e->min || e->def > e->max)) {
			e->def = e->def < e->min ? e->min : e->max;
		}
	}
	return 0;
bad:
	seterr(err, errlen, "profile %s:%d: bad directive", name, lineno);
	return -EINVAL;
}

static int table_entry(struct config *c, const struct entry *e, const char *at, char *err,
		       size_t errlen)
{
	struct uc_master_table *t = &c->tables[e->table];
	double num;
	int tr = 0;

	if (!strcmp(e->key, "table_id")) {
		if (parse_num(INT, e->value, &num) || num < 1 || num > 65535) {
			seterr(err, errlen, "%s: table_id %s: out of range, allowed 1..65535", at,
			       e->value);
			return -EINVAL;
		}
		t->table_id = (int)num;
		return 0;
	}
	if (!strcmp(e->key, "logQueryInterval")) {
		if (parse_num(INT, e->value, &num) || num < -7 || num > 12) {
			seterr(err, errlen, "%s: logQueryInterval %s: out of range, allowed -7..12",
			       at, e->value);
			return -EINVAL;
		}
		t->logQueryInterval = (int)num;
		return 0;
	}
	if (!strcmp(e->key, "UDPv4")) {
		tr = TRANS_UDP_IPV4;
	} else if (!strcmp(e->key, "UDPv6")) {
		tr = TRANS_UDP_IPV6;
	} else if (!strcmp(e->key, "L2")) {
		seterr(err, errlen, "%s: L2 %s: layer-2 transport is not supported, use UDPv4 or UDPv6",
		       at, e->value);
		return -EINVAL;
	} else {
		seterr(err, errlen,
		       "%s: %s: unknown key in [unicast_master_table], allowed table_id, "
		       "logQueryInterval, UDPv4, UDPv6", at, e->key);
		return -EINVAL;
	}
	if (t->n >= CFG_MAX_TABLE_ENTRIES) {
		seterr(err, errlen, "%s: more than %d entries in table", at, CFG_MAX_TABLE_ENTRIES);
		return -EINVAL;
	}
	if (strlen(e->value) >= CFG_ADDR_LEN) {
		seterr(err, errlen, "%s: %s %s: address too long", at, e->key, e->value);
		return -EINVAL;
	}
	{
		/* "ADDRESS [localPriority]": localPriority 1..255 (G.8265.1
		 * 6.7.2 list of grandmasters; G.8275.2 localPriority), 128 */
		char addr[CFG_ADDR_LEN], extra[32];
		const char *v = e->value;
		double prio = 128;
		str_word(&v, addr, sizeof(addr));
		if (str_word(&v, extra, sizeof(extra)) &&
		    (parse_num(INT, extra, &prio) || prio < 1 || prio > 255)) {
			seterr(err, errlen, "%s: %s %s: localPriority %s out of range, allowed 1..255",
			       at, e->key, e->value, extra);
			return -EINVAL;
		}
		t->entry[t->n].transport = tr;
		snprintf(t->entry[t->n].addr, CFG_ADDR_LEN, "%s", addr);
		t->entry[t->n].localPriority = (int)prio;
	}
	t->n++;
	return 0;
}

int config_finish(struct config *c, char *err, size_t errlen)
{
	const char *profile = "default";
	char at[300];
	int i, r;

	/* the profile must be known before any range check; file lines
	 * first, then the command line, so the command line wins */
	for (i = 0; i < 2 * c->n_ent; i++) {
		const struct entry *e = &c->ent[i % c->n_ent];
		if (e->cmdline != (i >= c->n_ent)) {
			continue;
		}
		if (e->table < 0 && e->is_port == 0 && !strcmp(e->key, "profile")) {
			if (enum_lookup(profile_enum, e->value) < 0) {
				seterr(err, errlen,
				       "%s: profile %s: unknown value, allowed default|ocp-dc|g8265.1",
				       where(e, at, sizeof(at)), e->value);
				return -EINVAL;
			}
			profile = e->value; /* later lines (command line) win */
		}
	}
	r = apply_profile(c, profile, err, errlen);
	if (r) {
		return r;
	}
	memset(c->global, 0, sizeof(c->global));
	memset(c->port, 0, sizeof(c->port));

	for (i = 0; i < 2 * c->n_ent; i++) {
		const struct entry *e = &c->ent[i % c->n_ent];
		struct slot scratch, *s;
		int id, k;

		if (e->cmdline != (i >= c->n_ent)) {
			continue;
		}
		where(e, at, sizeof(at));
		if (e->table >= 0) {
			r = ptp4l_key(e->key); /* peer_address */
			if (r >= 0 && r < ALIAS) {
				c->ent[i % c->n_ent].note = r;
				continue;
			}
			r = table_entry(c, e, at, err, errlen);
			if (r) {
				return r;
			}
			continue;
		}
		id = opt_lookup(e->key);
		if (id < 0) {
			id = ptp4l_key(e->key);
			if (id >= 0 && id < ALIAS) {
				c->ent[i % c->n_ent].note = id;
				continue;
			}
			id &= ~ALIAS; /* -1 stays negative */
		}
		if (id < 0) {
			const char *near = config_suggest(e->key);
			seterr(err, errlen, "%s: %s: unknown key%s%s%s", at, e->key,
			       near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
			return -EINVAL;
		}
		if (id == OPT_clockClass && c->role == CFG_ROLE_OC && strcmp(e->value, "255")) {
			/* ptp4l's default.cfg sets 248; ptp4l makes a
			 * clientOnly clock's 255 as the oc's always is */
			c->ent[i % c->n_ent].note = R_CLASS255;
			continue;
		}
		if (e->is_port && opts[id].scope == G) {
			seterr(err, errlen, "%s: %s: allowed only in [global]", at, e->key);
			return -EINVAL;
		}
		s = e->is_port == 1 ? &c->port[id] : e->is_port ? &scratch : &c->global[id];
		r = check_value(c, id, e->key, e->value, s, at, err, errlen);
		if (r) {
			return r;
		}
		for (k = 0; k < (int)(sizeof(role_rules) / sizeof(role_rules[0])); k++) {
			if (role_rules[k].id == id && role_rules[k].role == c->role &&
			    !(role_rules[k].ok >> (int)s->num & 1)) {
				seterr(err, errlen,
				       "%s: %s %s: not for ptpbox %.2s (gm: server, oc: client, tc: "
				       "transparent clock)",
				       at, e->key, e->value, &"--gmoctc"[2 * c->role]);
				return -EINVAL;
			}
		}
	}
	for (i = 0; i < c->n_tables; i++) {
		if (c->tables[i].table_id < 0) {
			seterr(err, errlen, "unicast_master_table %d: no table_id", i + 1);
			return -EINVAL;
		}
	}
	/* defaults that fall outside a profile's range were clamped in
	 * apply_profile(); make sure the chosen table exists */
	if (cfg_int(c, OPT_unicast_master_table) &&
	    !config_table(c, cfg_int(c, OPT_unicast_master_table))) {
		seterr(err, errlen, "unicast_master_table %d: no [unicast_master_table] with that table_id",
		       cfg_int(c, OPT_unicast_master_table));
		return -EINVAL;
	}
	return 0;
}

static const struct slot *pick(const struct config *c, enum opt_id id)
{
	if (c->port[id].set) {
		return &c->port[id];
	}
	if (c->global[id].set) {
		return &c->global[id];
	}
	return NULL;
}

double cfg_dbl(const struct config *c, enum opt_id id)
{
	const struct slot *s = pick(c, id);
	return s ? s->num : c->eff[id].def;
}

int cfg_int(const struct config *c, enum opt_id id)
{
	return (int)cfg_dbl(c, id);
}

long long cfg_ll(const struct config *c, enum opt_id id)
{
	return (long long)cfg_dbl(c, id);
}

const char *cfg_str(const struct config *c, enum opt_id id)
{
	const struct slot *s = pick(c, id);
	return s ? s->str : c->eff[id].sdef;
}

const char *config_where(const struct config *c, enum opt_id id, char *buf, size_t len)
{
	const struct entry *best = NULL;
	int i;

	/* as config_finish() applies them: file lines, then the command
	 * line; a port section's line wins over [global] (pick()) */
	for (i = 0; i < 2 * c->n_ent; i++) {
		const struct entry *e = &c->ent[i % c->n_ent];
		if (e->cmdline != (i >= c->n_ent) || e->table >= 0 || e->is_port < 0 ||
		    strcmp(e->key, OPT_KEY(id)) || (best && best->is_port > e->is_port)) {
			continue;
		}
		best = e;
	}
	if (!best) {
		snprintf(buf, len, "profile %s", c->profile ? c->profile : "default");
		return buf;
	}
	return where(best, buf, len);
}

const char *config_iface(const struct config *c)
{
	return c->iface;
}

const struct uc_master_table *config_table(const struct config *c, int table_id)
{
	int i;
	for (i = 0; i < c->n_tables; i++) {
		if (c->tables[i].table_id == table_id) {
			return &c->tables[i];
		}
	}
	return NULL;
}

void cfg_range(const struct config *c, enum opt_id id, double *min, double *max)
{
	*min = c->eff[id].min;
	*max = c->eff[id].max;
}

int config_check(const struct config *c, enum opt_id id, const char *value, const char *at,
		 char *err, size_t errlen)
{
	struct slot tmp;
	memset(&tmp, 0, sizeof(tmp));
	/* check_value only reads c: it stores into tmp */
	return check_value((struct config *)(uintptr_t)c, (int)id, OPT_KEY(id), value, &tmp, at,
			   err, errlen);
}

const char *config_profile_name(const struct config *c)
{
	return c->profile;
}

const char *config_suggest(const char *key)
{
	return str_nearest(key, (const char *)&opt_names, OPT_COUNT);
}

int config_key_known(const char *key)
{
	return opt_lookup(key) >= 0 || ptp4l_key(key) >= 0;
}

const char *config_notice(const struct config *c, int *k, char *buf, size_t len)
{
	char at[300];
	for (; *k < c->n_ent; ++*k) {
		const struct entry *e = &c->ent[*k];
		const char *r = ptp4l_reasons;
		int n;
		for (n = e->note; n > 0; n--) {
			r += strlen(r) + 1;
		}
		if (e->note >= 0) {
			snprintf(buf, len, "%s: %s has no effect in ptpbox: %s", where(e, at, sizeof(at)),
				 e->key, r);
			++*k;
			return buf;
		}
	}
	return NULL;
}
