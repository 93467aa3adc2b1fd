/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the configuration (core/config.c): the input is a
 * configuration file, read for each role (any, gm, oc).  Lines
 * "#set KEY VALUE" (comments to the parser) become command-line overrides
 * (config_set).  Properties: every failure says why; after config_finish()
 * every option reads back within the range of its profile, tables are
 * well formed, and the engines build from the configuration (or refuse it
 * with a reason) and run their first ticks and management GETs.
 * Build and run: test/fuzz/run.sh [SECONDS] config
 */
#include <math.h>
#include <string.h>

#include "../../core/config.h"
#include "../../core/gm.h"
#include "../../core/oc.h"
#include "fz.h"

/* the option table's types, in its order */
enum { INT, DBL, STR, ENUM, ACL };
static const int opt_type[OPT_COUNT] = {
#define OPT(key, type, scope, def, min, max, enums) type,
#include "../../core/config_opts.def"
#undef OPT
};

/* "#set KEY VALUE" lines: command-line overrides */
static void overrides(struct config *c, const uint8_t *data, size_t size)
{
	size_t i = 0;

	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : size - i;
		char line[300], key[130], val[200];

		if (n > 5 && n < sizeof(line) && !memcmp(data + i, "#set ", 5)) {
			memcpy(line, data + i, n);
			line[n] = 0;
			if (sscanf(line + 5, "%129s %199[^\n]", key, val) == 2) {
				config_set(c, key, val);
			}
		}
		i += n + 1;
	}
}

static void check_values(const struct config *c)
{
	int i, id;

	for (i = 0; i < OPT_COUNT; i++) {
		double lo, hi, v;
		cfg_range(c, (enum opt_id)i, &lo, &hi);
		switch (opt_type[i]) {
		case INT:
			v = (double)cfg_ll(c, (enum opt_id)i);
			FZ_CHECK(v >= lo && v <= hi);
			if (lo >= -2147483648.0 && hi <= 2147483647.0) {
				FZ_CHECK(cfg_int(c, (enum opt_id)i) == (int)v);
			}
			break;
		case DBL:
			v = cfg_dbl(c, (enum opt_id)i);
			FZ_CHECK(isfinite(v) && v >= lo && v <= hi);
			break;
		case ENUM:
			v = cfg_int(c, (enum opt_id)i);
			FZ_CHECK(v >= 0 && v < 32);
			break;
		default:
			FZ_CHECK(strlen(cfg_str(c, (enum opt_id)i)) < 128);
			break;
		}
	}
	FZ_CHECK(strlen(config_iface(c)) < 64);
	FZ_CHECK(config_profile_name(c) != NULL);
	id = cfg_int(c, OPT_unicast_master_table);
	FZ_CHECK(!id || config_table(c, id));
	for (id = 1; id <= 3; id++) {
		const struct uc_master_table *t = config_table(c, id);
		if (!t) {
			continue;
		}
		FZ_CHECK(t->table_id == id);
		FZ_CHECK(t->n >= 0 && t->n <= CFG_MAX_TABLE_ENTRIES);
		FZ_CHECK(t->logQueryInterval >= -7 && t->logQueryInterval <= 12);
		for (i = 0; i < t->n; i++) {
			FZ_CHECK(strlen(t->entry[i].addr) < CFG_ADDR_LEN);
			FZ_CHECK(t->entry[i].localPriority >= 1);
			FZ_CHECK(t->entry[i].localPriority <= 255);
			FZ_CHECK(t->entry[i].transport == TRANS_UDP_IPV4 ||
				 t->entry[i].transport == TRANS_UDP_IPV6);
		}
	}
}

static const uint16_t get_ids[] = {
	MID_DEFAULT_DATA_SET,
	MID_CURRENT_DATA_SET,
	MID_PARENT_DATA_SET,
	MID_TIME_PROPERTIES_DATA_SET,
	MID_PORT_DATA_SET,
	MID_PRIORITY1,
	MID_PRIORITY2,
	MID_UNICAST_MASTER_TABLE,
	MID_UNICAST_MASTER_TABLE_NP,
	MID_UNICAST_MASTER_LOCKOUT_NP,
	MID_TIME_STATUS_NP,
	MID_UNICAST_MASTER_MAX_TABLE_SIZE,
};

/* The engine of the role from this configuration: it starts, or refuses
 * the configuration with a reason. */
static void engine(const struct config *c, enum cfg_role role)
{
	static struct fz_io io;
	static struct mgmt_value v;
	static const tmv_t t0 = 1000 * NS_PER_SEC;
	struct fz_clk clk;
	struct eng_ops ops;
	struct eng_port port;
	char err[256] = "";
	tmv_t now = t0, next;
	size_t k;
	int i;

	memset(&io, 0, sizeof(io));
	fz_clk_init(&clk, &now);
	fz_eng_ops(&ops, &io, &clk);
	memset(&port, 0, sizeof(port));
	memcpy(port.clockIdentity.id, "\x00\x11\x22\x33\x44\x55\x00\x01", 8);
	port.iface = "fuzz0";
	port.transport = cfg_int(c, OPT_network_transport);
	if (role == CFG_ROLE_OC) {
		struct oc *o = oc_create(c, &port, &ops, now, err, sizeof(err));
		if (!o) {
			FZ_CHECK(err[0]);
			return;
		}
		for (i = 0; i < 4; i++) {
			next = oc_tick(o, now);
			FZ_CHECK(next > now);
			now = next < now + 100 * NS_PER_SEC ? next : now + 100 * NS_PER_SEC;
		}
		for (k = 0; k < sizeof(get_ids) / sizeof(get_ids[0]); k++) {
			memset(&v, 0, sizeof(v));
			v.id = get_ids[k];
			oc_mgmt_get(o, &v, now);
		}
		oc_stop(o, now);
		oc_destroy(o);
	} else {
		struct gm *g = gm_create(c, &port, &ops, now, err, sizeof(err));
		if (!g) {
			FZ_CHECK(err[0]);
			return;
		}
		for (i = 0; i < 4; i++) {
			next = gm_tick(g, now);
			FZ_CHECK(next > now);
			now = next < now + 100 * NS_PER_SEC ? next : now + 100 * NS_PER_SEC;
		}
		for (k = 0; k < sizeof(get_ids) / sizeof(get_ids[0]); k++) {
			memset(&v, 0, sizeof(v));
			v.id = get_ids[k];
			gm_mgmt_get(g, &v, now);
		}
		gm_stop(g, now);
		gm_destroy(g);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum cfg_role roles[3] = { CFG_ROLE_ANY, CFG_ROLE_GM, CFG_ROLE_OC };
	static const char *const ifaces[3] = { NULL, "eth0", "" };
	const char *path = fz_file(data, size);
	int i, r;

	for (i = 0; i < 3; i++) {
		struct config *c = config_create(roles[i]);
		char err[256] = "";

		FZ_CHECK(c);
		r = config_read(c, path, ifaces[i], err, sizeof(err));
		FZ_CHECK(!r || err[0]);
		if (!r) {
			overrides(c, data, size);
			err[0] = 0;
			r = config_finish(c, err, sizeof(err));
			FZ_CHECK(!r || err[0]);
			FZ_CHECK(strlen(err) < sizeof(err));
			if (!r) {
				check_values(c);
				if (roles[i] != CFG_ROLE_ANY) {
					engine(c, roles[i]);
				}
			}
		}
		config_destroy(c);
	}
	return 0;
}
