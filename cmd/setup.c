/* SPDX-License-Identifier: BSD-2-Clause */
/* Start-up of the port applets (gm, oc): command line, configuration,
 * authentication, clock, transport, identity; see applet.h.  Apart from
 * cmd/common.c (the I/O paths, -O2 in the static build) so that it is
 * compiled for size. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../hw/log.h"
#include "../hw/hwtstamp.h"
#include "../core/util.h"
#include "applet.h"

void iface_check(const char *applet, const char *iface)
{
	if (!if_nametoindex(iface)) {
		fprintf(stderr, "%s: %s: no such interface\n", applet, iface);
		exit(EXIT_RUNTIME);
	}
}

void log_notices(const struct config *cfg)
{
	char buf[400];
	int k = 0;
	while (config_notice(cfg, &k, buf, sizeof(buf))) {
		pr_notice("%s", buf);
	}
}

int clock_id_given(const struct config *cfg)
{
	const char *s = cfg_str(cfg, OPT_clockIdentity);
	return *s && strcmp(s, "000000.0000.000000"); /* linuxptp's "make one" */
}

static void die_usage(const char *applet, const char *msg, const char *usage)
{
	fprintf(stderr, "%s: %s\n", applet, msg);
	(void)usage;
	exit(EXIT_USAGE);
}

int opt_number(const char *applet, const char *name, const char *text, double lo, double hi,
	       const char *unit, double *v)
{
	char *end;
	int m;
	*v = strtod(text, &end);
	/* a time in s or ms (the units here but ns) takes either unit: 2s,
	 * 500ms (a bare number: unit) */
	m = *end == 'm';
	if (end != text && *unit != 'n' && end[m] == 's' && !end[m + 1]) {
		*v *= (m ? 1 : 1e3) / (*unit == 'm' ? 1 : 1e3);
		end = "";
	}
	if (end == text || *end || !isfinite(*v) || *v < lo || *v > hi) {
		fprintf(stderr, "%s: %s %s: out of range, allowed %.15g..%.15g (%s)\n", applet, name,
			text, lo, hi, unit);
		return -1;
	}
	return 0;
}

int eui48_usable(const uint8_t mac[6])
{
	static const uint8_t zero[6];
	return memcmp(mac, zero, 6) && !(mac[0] & 1); /* not 00..00, not a group address */
}

int parse_clock_id(const char *s, struct clock_identity *id)
{
	return hex_pattern(s, "hhhhhh.hhhh.hhhhhh", id->id) == 8 ? 0 : -EINVAL;
}

struct clk *clock_from_config(const struct config *cfg, int hw_ts, const char *iface, char *err,
			      size_t errlen)
{
	const char *name = cfg_str(cfg, OPT_clock);
	struct clk *c;

	if (!strcmp(name, "soft")) {
		if (hw_ts) {
			snprintf(err, errlen,
				 "clock soft runs over CLOCK_REALTIME: it needs time_stamping "
				 "software");
			return NULL;
		}
		c = clk_soft_create(cfg_ll(cfg, OPT_soft_offset_ns),
				    cfg_dbl(cfg, OPT_soft_freq_ppb));
		if (!c) {
			snprintf(err, errlen, "out of memory");
		}
		return c;
	}
	if (!strcmp(name, "CLOCK_REALTIME") || (!strcmp(name, "auto") && !hw_ts)) {
		if (hw_ts) {
			snprintf(err, errlen,
				 "clock CLOCK_REALTIME with hardware time stamps: use the PHC "
				 "(clock auto) or time_stamping software");
			return NULL;
		}
		c = clk_sys_create();
		if (!c) {
			snprintf(err, errlen, "out of memory");
		}
		return c;
	}
	if (!strcmp(name, "auto")) {
		struct ts_info ti;
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;
		if (fd < 0) {
			snprintf(err, errlen, "socket: %s", strerror(errno));
			return NULL;
		}
		r = hwts_info(fd, iface, &ti);
		close(fd);
		if (r || ti.phc_index < 0) {
			snprintf(err, errlen, "%s: no PTP hardware clock (use time_stamping software)",
				 iface);
			return NULL;
		}
		return clk_phc_create(NULL, ti.phc_index, err, errlen);
	}
	if (!strncmp(name, "/dev/", 5)) {
		if (!hw_ts) {
			snprintf(err, errlen,
				 "clock %s with software time stamps: software stamps are on "
				 "CLOCK_REALTIME, use time_stamping hardware",
				 name);
			return NULL;
		}
		return clk_phc_create(name, -1, err, errlen);
	}
	snprintf(err, errlen, "clock %s: unknown, allowed auto|soft|CLOCK_REALTIME|/dev/ptpN", name);
	return NULL;
}

void log_soft_truth(struct clk *c)
{
	tmv_t off;
	double ppb;
	if (!clk_soft_true_error(c, &off, &ppb)) {
		pr_info("soft clock true time error %+lld ns frequency error %+.1f ppb",
			(long long)off, ppb);
	}
}

tmv_t port_soft_truth(struct port_setup *ps, tmv_t now)
{
	/* every second, or every summary_interval when that is longer */
	tmv_t p = log2_interval_ns(cfg_int(ps->cfg, OPT_summary_interval));
	if (strcmp(ps->clock->ops->name, "soft")) {
		return INT64_MAX;
	}
	if (p < NS_PER_SEC) {
		p = NS_PER_SEC;
	}
	if (!ps->next_truth) {
		ps->next_truth = now + p;
	} else if (now >= ps->next_truth) {
		log_soft_truth(ps->clock);
		ps->next_truth += p;
		if (ps->next_truth <= now) {
			ps->next_truth = now + p;
		}
	}
	return ps->next_truth;
}

const char *long_opt_set(struct config *cfg, int argc, char **argv, int *i, char *err,
			 size_t errlen)
{
	const char *a = argv[*i], *eq = strchr(a, '='), *val;
	size_t kl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	char key[64];

	if (kl >= sizeof(key)) {
		return "option name too long";
	}
	memcpy(key, a + 2, kl);
	key[kl] = 0;
	if (eq) {
		val = eq + 1;
	} else if (!config_key_known(key)) { /* said before a missing value */
		const char *near = str_dist(key, "help") <= 2 ? "help" : config_suggest(key);
		snprintf(err, errlen, "unknown option --%s (%s%s%s)", key,
			 near ? "did you mean --" : "try --help", near ? near : "", near ? "?" : "");
		return err;
	} else if (*i + 1 < argc) {
		val = argv[++*i];
	} else {
		snprintf(err, errlen, "option --%s needs a value (try --help)", key);
		return err;
	}
	return config_set(cfg, key, val) ? "option too long" : NULL;
}

/* What the command line says besides configuration keys. */
struct cmdline {
	const char *file, *iface;
	int verbose, quiet, level;
};

/* The linuxptp-style command line into cfg and *cl (-h/--help prints usage
 * and exits 0).  NULL, or the error text (in err, errlen octets, or a
 * constant). */
static const char *parse_cmdline(struct config *cfg, int argc, char **argv, struct cmdline *cl,
				 const char *usage, char *err, size_t errlen)
{
	int i;

	memset(cl, 0, sizeof(*cl));
	cl->verbose = cl->level = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(a, "-f") || !strcmp(a, "-i") || !strcmp(a, "-l")) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "option %s needs a value (try --help)", a);
				return err;
			}
			if (a[1] == 'f') {
				cl->file = argv[++i];
			} else if (a[1] == 'i') {
				cl->iface = argv[++i];
			} else {
				char *end;
				cl->level = (int)strtol(argv[++i], &end, 10);
				if (*end || cl->level < 0 || cl->level > 7) {
					return "-l: level 0..7";
				}
			}
		} else if (!strcmp(a, "-m")) {
			cl->verbose = 1;
		} else if (!strcmp(a, "-q")) {
			cl->quiet = 1;
		} else if (!strcmp(a, "-4") || !strcmp(a, "-6")) {
			config_set(cfg, "network_transport", a[1] == '4' ? "UDPv4" : "UDPv6");
		} else if (!strcmp(a, "-S") || !strcmp(a, "-H")) {
			config_set(cfg, "time_stamping", a[1] == 'S' ? "software" : "hardware");
		} else if (!strncmp(a, "--", 2) && a[2]) {
			const char *e = long_opt_set(cfg, argc, argv, &i, err, errlen);
			if (e) {
				return e;
			}
		} else {
			char q[64];
			str_escape(q, sizeof(q), a); /* a terminal's control codes */
			snprintf(err, errlen, "unknown argument '%s' (try --help)", q);
			return err;
		}
	}
	if (cl->file && config_read(cfg, cl->file, cl->iface, err, errlen)) {
		return err;
	}
	return config_finish(cfg, err, errlen) ? err : NULL;
}

int auth_from_config(const struct config *cfg, unsigned max_streams, struct auth_db **db,
		     struct auth_port **ap, char *err, size_t errlen)
{
	const char *path = cfg_str(cfg, OPT_sa_file);
	int spp = cfg_int(cfg, OPT_spp), fd;
	char at[300], msg[400], *text;
	ssize_t n = 0, r;
	struct stat st;

	*db = NULL;
	*ap = NULL;
	if (spp < 0) {
		return 0;
	}
	config_where(cfg, OPT_spp, at, sizeof(at));
	if (!*path) {
		snprintf(err, errlen, "%s: spp %d needs sa_file (the security associations)", at, spp);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > 65536) {
		snprintf(err, errlen, "sa_file %s: %s", path,
			 fd < 0		       ? strerror(errno)
			 : !S_ISREG(st.st_mode) ? "not a regular file"
						: "larger than 64 KiB");
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	text = malloc((size_t)st.st_size + 1);
	while (text && n < st.st_size && (r = read(fd, text + n, (size_t)(st.st_size - n))) > 0) {
		n += r;
	}
	close(fd);
	if (!text) {
		snprintf(err, errlen, "sa_file %s: out of memory", path);
		return -1;
	}
	*db = auth_db_parse(text, (size_t)n, path, err, errlen);
	crypto_wipe(text, (size_t)st.st_size + 1);
	free(text);
	if (!*db) {
		return -1;
	}
	*ap = auth_port_create(*db, spp, (uint32_t)cfg_ll(cfg, OPT_active_key_id), max_streams, msg,
			       sizeof(msg));
	if (!*ap) {
		config_where(cfg, OPT_active_key_id, at, sizeof(at));
		snprintf(err, errlen, "%s: %s", at, msg);
		auth_db_free(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

void port_auth_reload(struct port_setup *ps)
{
	struct config *cfg = config_create(ps->role);
	struct auth_db *db = NULL;
	struct auth_port *ap = NULL;
	struct cmdline cl;
	char err[512];
	const char *e = cfg ? NULL : "out of memory";

	if (!e) {
		e = parse_cmdline(cfg, ps->argc, ps->argv, &cl, "", err, sizeof(err));
	}
	if (!e && (cfg_int(cfg, OPT_spp) < 0) != !ps->auth) {
		e = "spp: authentication is switched on or off only by a restart";
	}
	if (!e && ps->auth && auth_from_config(cfg, 1, &db, &ap, err, sizeof(err))) {
		e = err;
	}
	if (!e && ps->auth &&
	    auth_port_rekey(ps->auth, db, cfg_int(cfg, OPT_spp),
			    (uint32_t)cfg_ll(cfg, OPT_active_key_id), err, sizeof(err))) {
		e = err;
	}
	auth_port_destroy(ap);
	if (e) {
		pr_err("reload: %s; the keys in use stay", e);
		auth_db_free(db);
	} else if (ps->auth) {
		auth_db_free(ps->sad); /* wiped */
		ps->sad = db;
		pr_notice("reload: sa_file %s: spp %d, active_key_id %lld, %d keys",
			  cfg_str(cfg, OPT_sa_file), cfg_int(cfg, OPT_spp),
			  cfg_ll(cfg, OPT_active_key_id), auth_port_sa(ps->auth)->n_keys);
	}
	config_destroy(cfg);
}

int log_from_config(const struct config *cfg, const char *tag, int verbose, int quiet, int level)
{
	struct log_cfg lc;

	memset(&lc, 0, sizeof(lc));
	lc.tag = tag;
	lc.level = level >= 0 ? level : cfg_int(cfg, OPT_logging_level);
	lc.verbose = verbose >= 0 ? verbose : cfg_int(cfg, OPT_verbose);
	lc.use_syslog = quiet ? 0 : cfg_int(cfg, OPT_use_syslog);
	lc.message_tag = *cfg_str(cfg, OPT_message_tag) ? cfg_str(cfg, OPT_message_tag) : NULL;
	log_setup(&lc);
	return lc.level;
}

void port_setup(struct port_setup *ps, int argc, char **argv, const char *applet,
		enum cfg_role role, const char *usage)
{
	const char *iface, *e;
	char err[512];
	int verbose, quiet, level;
	struct udp_cfg uc;
	struct cmdline cl;

	memset(ps, 0, sizeof(*ps));
	ps->applet = applet;
	ps->role = role;
	ps->argc = argc;
	ps->argv = argv;
	ps->mgmt_fd = -1;
	ps->aux_fd = -1;
	ps->cfg = config_create(role);
	if (!ps->cfg) {
		fprintf(stderr, "%s: out of memory\n", applet);
		exit(EXIT_RUNTIME);
	}
	e = parse_cmdline(ps->cfg, argc, argv, &cl, usage, err, sizeof(err));
	if (e) {
		die_usage(applet, e, usage);
	}
	iface = cl.iface;
	verbose = cl.verbose;
	quiet = cl.quiet;
	level = cl.level;
	ps->iface = iface ? iface : config_iface(ps->cfg);
	if (!ps->iface || !*ps->iface) {
		die_usage(applet, "no interface: give -i IFACE or an [IFACE] section (try --help)",
			  usage);
	}

	ps->log_level = log_from_config(ps->cfg, applet, verbose, quiet, level);
	log_notices(ps->cfg);

	ps->transport = cfg_int(ps->cfg, OPT_network_transport);
	if (ps->transport == TRANS_L2) {
		die_usage(applet, "network_transport L2: not supported, use UDPv4 or UDPv6", usage);
	}
	if (cfg_int(ps->cfg, OPT_delay_mechanism) != DM_E2E) {
		die_usage(applet, "delay_mechanism: only E2E is supported", usage);
	}
	ps->hw_ts = cfg_int(ps->cfg, OPT_time_stamping) == TS_HARDWARE;
	if (role == CFG_ROLE_GM && !ps->hw_ts && !cfg_int(ps->cfg, OPT_twoStepFlag)) {
		/* a time read before sendto() misses the stack's latency and its
		 * jitter (tens of us on a busy host): no software one-step */
		die_usage(applet,
			  "twoStepFlag 0: one-step Sync needs time_stamping hardware with "
			  "one-step support; use twoStepFlag 1",
			  usage);
	}

	/* the replay table: a stream per client and message type at most */
	if (auth_from_config(ps->cfg, 2 * (unsigned)cfg_int(ps->cfg, OPT_unicast_max_clients) + 64,
			     &ps->sad, &ps->auth, err, sizeof(err))) {
		die_usage(applet, err, usage);
	}
	if (ps->auth && role == CFG_ROLE_GM && !cfg_int(ps->cfg, OPT_twoStepFlag)) {
		/* as ptp4l: the ICV of a one-step Sync would have to be
		 * computed after the hardware wrote originTimestamp */
		die_usage(applet,
			  "twoStepFlag 0 with spp: a one-step Sync's ICV cannot cover the "
			  "originTimestamp written at departure (1588-2019 16.14.3); use "
			  "twoStepFlag 1",
			  usage);
	}

	iface_check(applet, ps->iface);
	ps->clock = clock_from_config(ps->cfg, ps->hw_ts, ps->iface, err, sizeof(err));
	if (!ps->clock) {
		fprintf(stderr, "%s: %s\n", applet, err);
		exit(EXIT_RUNTIME);
	}
	memset(&uc, 0, sizeof(uc));
	uc.transport = ps->transport;
	uc.iface = ps->iface;
	uc.hw_timestamps = ps->hw_ts;
	uc.one_step = ps->hw_ts && !cfg_int(ps->cfg, OPT_twoStepFlag) && role == CFG_ROLE_GM;
	uc.dscp_event = cfg_int(ps->cfg, OPT_dscp_event);
	uc.dscp_general = cfg_int(ps->cfg, OPT_dscp_general);
	uc.ttl = cfg_int(ps->cfg, OPT_udp_ttl);
	ps->udp = udp_open(&uc, err, sizeof(err));
	if (!ps->udp) {
		fprintf(stderr, "%s: %s\n", applet, err);
		exit(EXIT_RUNTIME);
	}
	if (udp_event_rcvbuf(ps->udp) < 4 << 20) {
		pr_warning("%s: event socket receive buffer %d octets, not 8 MiB: transmit stamps "
			   "of large bursts may be lost (raise net.core.rmem_max)",
			   ps->iface, udp_event_rcvbuf(ps->udp));
	}

	if (clock_id_given(ps->cfg)) {
		if (parse_clock_id(cfg_str(ps->cfg, OPT_clockIdentity), &ps->identity)) {
			die_usage(applet, "clockIdentity: expected the form 001122.3344.556677",
				  usage);
		}
	} else {
		uint8_t mac[6];
		if (udp_iface_mac(ps->iface, mac)) {
			fprintf(stderr, "%s: %s: cannot read the MAC address\n", applet, ps->iface);
			exit(EXIT_RUNTIME);
		}
		if (!eui48_usable(mac)) {
			fprintf(stderr, "%s: %s has no individual MAC address to form a clockIdentity from "
					"(OCP 7.5): set clockIdentity, e.g. --clockIdentity=020000.0000.000001\n",
				applet, ps->iface);
			exit(EXIT_USAGE);
		}
		/* OCP 7.5 / 1588-2019 7.5.2.2.2: EUI-48 followed by two octets */
		memcpy(ps->identity.id, mac, 6);
		ps->identity.id[6] = 0x00;
		ps->identity.id[7] = role == CFG_ROLE_GM ? 0x00 : 0x01;
	}
	ps->port.clockIdentity = ps->identity;
	ps->port.portNumber = 1;
	ps->domain = cfg_int(ps->cfg, OPT_domainNumber);
	install_stop_handlers();
}

void port_log_auth(const struct port_setup *ps)
{
	const struct eng_counters *c = ps->cnt;

	if (ps->auth && c) {
		pr_info("port 1 (%s): authentication spp %d: dropped missing %llu bad_icv %llu "
			"unknown_key %llu replay %llu",
			ps->iface, auth_port_sa(ps->auth)->spp, (unsigned long long)c->auth_missing,
			(unsigned long long)c->auth_bad_icv, (unsigned long long)c->auth_unknown_key,
			(unsigned long long)c->auth_replay);
	}
}

void port_teardown(struct port_setup *ps)
{
	port_sys_close(ps);
	port_flush(ps);
	free(ps->batch[0]);
	free(ps->batch[1]);
	free(ps->rx);
	if (ps->ts_scanned) {
		pr_info("transmit stamps matched by content, not by key: %llu",
			(unsigned long long)ps->ts_scanned);
	}
	auth_port_destroy(ps->auth);
	auth_db_free(ps->sad); /* wipes the keys */
	udp_close(ps->udp);
	clk_destroy(ps->clock);
	config_destroy(ps->cfg);
}
