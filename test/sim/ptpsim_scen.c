/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scenario file of ptpsim (format: test/sim/scenarios/README).
 *
 *   [global]        duration, steady_from, seed, te_threshold_ns, masks,
 *                   window NAME FROM TO
 *   [node NAME]     role, config, address, set KEY VALUE, start, the
 *                   oscillator and the time stamping unit; tc and switch:
 *                   processing, queue
 *   [link A B]      delay_ns, pdv, loss; fwd_KEY / rev_KEY for one direction
 *   [events]        TIME ACTION ARGS...
 *
 * '#' starts a comment; nodes come before the links and events that name
 * them.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "masks.h"
#include "ptpsim.h"
#include "util.h"

struct parser {
	struct scenario *s;
	const char *path;
	char dir[SIM_PATH_LEN];
	int line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int perr(struct parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->path, p->line, msg);
	return -1;
}

/* Split s into at most max whitespace-separated words. */
static int split(char *s, char **w, int max)
{
	int n = 0;

	for (;;) {
		while (isspace((unsigned char)*s)) {
			s++;
		}
		if (!*s || n == max) {
			return n;
		}
		w[n++] = s;
		while (*s && !isspace((unsigned char)*s)) {
			s++;
		}
		if (*s) {
			*s++ = 0;
		}
	}
}

static int num(struct parser *p, const char *key, const char *v, double *out)
{
	char *end;
	double d = 0;

	if (!v) {
		return perr(p, "%s: value missing", key);
	}
	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end || errno) {
		return perr(p, "%s %s: not a number", key, v);
	}
	*out = d;
	return 0;
}

static int num_range(struct parser *p, const char *key, const char *v, double lo, double hi,
		     double *out)
{
	double d = 0;

	if (num(p, key, v, &d)) {
		return -1;
	}
	if (d < lo || d > hi) {
		return perr(p, "%s %s: out of range %g..%g", key, v, lo, hi);
	}
	*out = d;
	return 0;
}

/* rel relative to the scenario's directory, in out (SIM_PATH_LEN). */
static int resolve(struct parser *p, const char *rel, char *out)
{
	size_t ld = strlen(p->dir), lr = strlen(rel);

	if (rel[0] == '/' || !ld) {
		ld = 0;
	}
	if (ld + 1 + lr >= SIM_PATH_LEN) {
		return perr(p, "%s: path too long", rel);
	}
	if (ld) {
		memcpy(out, p->dir, ld);
		out[ld++] = '/';
	}
	memcpy(out + ld, rel, lr + 1);
	return 0;
}

int scen_node_index(const struct scenario *s, const char *name)
{
	int i;

	for (i = 0; i < s->n_nodes; i++) {
		if (!strcmp(s->node[i].name, name)) {
			return i;
		}
	}
	return -1;
}

static int find_link(const struct scenario *s, int a, int b)
{
	int i;

	for (i = 0; i < s->n_links; i++) {
		if ((s->link[i].a == a && s->link[i].b == b) ||
		    (s->link[i].a == b && s->link[i].b == a)) {
			return i;
		}
	}
	return -1;
}

static int node_ref(struct parser *p, const char *name)
{
	int i;

	if (!name) {
		return perr(p, "node name missing");
	}
	i = scen_node_index(p->s, name);
	if (i < 0) {
		return perr(p, "%s: no such node (nodes come before links and events)", name);
	}
	return i;
}

/* ---- [global] ---- */

static int global_key(struct parser *p, char **w, int n)
{
	struct scenario *s = p->s;
	double d = 0;
	int i;

	if (!strcmp(w[0], "duration")) {
		return num_range(p, w[0], w[1], 1, 1e7, &s->duration_s);
	}
	if (!strcmp(w[0], "steady_from")) {
		return num_range(p, w[0], w[1], 0, 1e7, &s->steady_from_s);
	}
	if (!strcmp(w[0], "seed")) {
		if (num_range(p, w[0], w[1], 0, 1e15, &d)) {
			return -1;
		}
		s->seed = (uint64_t)d;
		return 0;
	}
	if (!strcmp(w[0], "te_threshold_ns")) {
		return num_range(p, w[0], w[1], 0, 1e12, &s->te_threshold_ns);
	}
	if (!strcmp(w[0], "masks")) {
		s->n_masks = 0;
		for (i = 1; i < n; i++) {
			const struct te_mask *m;
			if (s->n_masks == SIM_MAX_MASKS) {
				return perr(p, "masks: at most %d", SIM_MAX_MASKS);
			}
			for (m = te_masks; m->name && strcmp(m->name, w[i]); m++) {
			}
			if (!m->name) {
				return perr(p, "masks: %s: unknown mask", w[i]);
			}
			s->masks[s->n_masks++] = m->name;
		}
		return 0;
	}
	if (!strcmp(w[0], "window")) {
		struct window_spec *ws;
		if (n != 4) {
			return perr(p, "window: expected NAME FROM TO (seconds)");
		}
		if (s->n_win == SIM_MAX_WINDOWS) {
			return perr(p, "window: at most %d", SIM_MAX_WINDOWS);
		}
		ws = &s->win[s->n_win];
		snprintf(ws->name, sizeof(ws->name), "%s", w[1]);
		if (num_range(p, "window FROM", w[2], 0, 1e7, &ws->from_s) ||
		    num_range(p, "window TO", w[3], ws->from_s, 1e7, &ws->to_s)) {
			return -1;
		}
		s->n_win++;
		return 0;
	}
	return perr(p, "%s: unknown key in [global]", w[0]);
}

/* ---- [node NAME] ---- */

struct dbl_key {
	const char *key;
	size_t off; /* in struct node_spec */
	double lo, hi;
};

#define NK(k, member, lo, hi) { k, offsetof(struct node_spec, member), lo, hi }
static const struct dbl_key node_dbl[] = {
	NK("offset_ns", osc.offset_ns, -1e15, 1e15),
	NK("freq_ppb", osc.freq_ppb, -1e7, 1e7),
	NK("rw_ppb", osc.rw_ppb, 0, 1e6),
	NK("rw_step_s", osc.rw_step_s, 0.001, 1e6),
	NK("temp_ppb", osc.temp_ppb, 0, 1e6),
	NK("temp_period_s", osc.temp_period_s, 0, 1e9),
	NK("temp_phase_deg", osc.temp_phase_deg, -360, 360),
	NK("max_adj_ppb", osc.max_adj_ppb, 0, 1e9),
	NK("hw_quant_ns", stamp.hw_quant_ns, 0, 1e6),
	NK("hw_jitter_ns", stamp.hw_jitter_ns, 0, 1e9),
	NK("sw_median_ns", stamp.sw_median_ns, 0, 1e9),
	NK("sw_sigma", stamp.sw_sigma, 0, 10),
	NK("sw_outlier_prob", stamp.sw_outlier_prob, 0, 1),
	NK("sw_outlier_min_ns", stamp.sw_outlier_min_ns, 0, 1e9),
	NK("sw_outlier_max_ns", stamp.sw_outlier_max_ns, 0, 1e9),
	NK("tx_ts_delay_ns", stamp.tx_ts_delay_ns, 0, 1e9),
	NK("rx_ts_loss", stamp.rx_ts_loss, 0, 1),
	NK("start", start_s, 0, 1e7),
};

static void node_defaults(struct node_spec *n)
{
	n->osc.rw_step_s = 1;
	n->osc.max_adj_ppb = 1e6;
	n->stamp.kind = STAMP_HW;
	n->stamp.hw_quant_ns = 8;
	n->stamp.hw_jitter_ns = 2;
	n->stamp.sw_median_ns = 2000;
	n->stamp.sw_sigma = 0.5;
	n->stamp.sw_outlier_prob = 0.001;
	n->stamp.sw_outlier_min_ns = 20000;
	n->stamp.sw_outlier_max_ns = 200000;
	n->stamp.tx_ts_delay_ns = 20000;
}

/* KEY none | exp MEAN | gamma SHAPE MEAN | uniform MIN MAX (ns) */
static int dist_key(struct parser *p, struct delay_dist *d, char **w, int n)
{
	memset(d, 0, sizeof(*d));
	if (!strcmp(w[1], "none") && n == 2) {
		d->kind = PDV_NONE;
		return 0;
	}
	if (!strcmp(w[1], "exp") && n == 3) {
		d->kind = PDV_EXP;
		return num_range(p, "exp MEAN", w[2], 0, 1e12, &d->p1);
	}
	if (!strcmp(w[1], "gamma") && n == 4) {
		d->kind = PDV_GAMMA;
		return num_range(p, "gamma SHAPE", w[2], 1e-3, 1e6, &d->p1) ||
		       num_range(p, "gamma MEAN", w[3], 0, 1e12, &d->p2);
	}
	if (!strcmp(w[1], "uniform") && n == 4) {
		d->kind = PDV_UNIFORM;
		return num_range(p, "uniform MIN", w[2], 0, 1e12, &d->p1) ||
		       num_range(p, "uniform MAX", w[3], d->p1, 1e12, &d->p2);
	}
	return perr(p, "%s %s: expected none | exp MEAN | gamma SHAPE MEAN | uniform MIN MAX", w[0],
		    w[1]);
}

static int node_key(struct parser *p, struct node_spec *nd, char **w, int n)
{
	size_t i;

	for (i = 0; i < sizeof(node_dbl) / sizeof(node_dbl[0]); i++) {
		if (!strcmp(w[0], node_dbl[i].key)) {
			return num_range(p, w[0], w[1], node_dbl[i].lo, node_dbl[i].hi,
					 (double *)((char *)nd + node_dbl[i].off));
		}
	}
	if (n < 2) {
		return perr(p, "%s: value missing", w[0]);
	}
	if (!strcmp(w[0], "role")) {
		if (!strcmp(w[1], "gm")) {
			nd->kind = NODE_GM;
			nd->role = CFG_ROLE_GM;
		} else if (!strcmp(w[1], "oc")) {
			nd->kind = NODE_OC;
			nd->role = CFG_ROLE_OC;
		} else if (!strcmp(w[1], "tc")) {
			nd->kind = NODE_TC;
			nd->role = CFG_ROLE_ANY;
		} else if (!strcmp(w[1], "switch")) {
			nd->kind = NODE_SWITCH;
			nd->role = CFG_ROLE_ANY;
		} else {
			return perr(p, "role %s: expected gm, oc, tc or switch", w[1]);
		}
		return 0;
	}
	if (!strcmp(w[0], "queue") || !strcmp(w[0], "processing")) {
		return dist_key(p, w[0][0] == 'q' ? &nd->queue : &nd->proc, w, n);
	}
	if (!strcmp(w[0], "config")) {
		return resolve(p, w[1], nd->config);
	}
	if (!strcmp(w[0], "address")) {
		snprintf(nd->address, sizeof(nd->address), "%s", w[1]);
		return 0;
	}
	if (!strcmp(w[0], "timescale")) {
		if (strcmp(w[1], "utc") && strcmp(w[1], "ptp")) {
			return perr(p, "timescale %s: expected utc or ptp", w[1]);
		}
		nd->utc = w[1][0] == 'u';
		return 0;
	}
	if (!strcmp(w[0], "stamp")) {
		if (!strcmp(w[1], "hardware")) {
			nd->stamp.kind = STAMP_HW;
		} else if (!strcmp(w[1], "software")) {
			nd->stamp.kind = STAMP_SW;
		} else {
			return perr(p, "stamp %s: expected hardware or software", w[1]);
		}
		nd->stamp.kind_set = 1;
		return 0;
	}
	if (!strcmp(w[0], "set")) {
		struct kv *kv;
		if (n != 3) {
			return perr(p, "set: expected KEY VALUE");
		}
		if (nd->n_set == SIM_MAX_SETS) {
			return perr(p, "set: at most %d per node", SIM_MAX_SETS);
		}
		kv = &nd->set[nd->n_set++];
		snprintf(kv->key, sizeof(kv->key), "%s", w[1]);
		snprintf(kv->value, sizeof(kv->value), "%s", w[2]);
		return 0;
	}
	return perr(p, "%s: unknown key in [node %s]", w[0], nd->name);
}

/* ---- [link A B] ---- */

static int load_trace(struct parser *p, const char *rel, struct pdv_trace **out)
{
	struct pdv_trace *t = calloc(1, sizeof(*t));
	char line[256];
	size_t cap = 0;
	FILE *f;

	if (!t) {
		return perr(p, "out of memory");
	}
	if (resolve(p, rel, t->path)) {
		free(t);
		return -1;
	}
	f = fopen(t->path, "r");
	if (!f) {
		free(t);
		return perr(p, "pdv trace %s: %s", rel, strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = str_trim(line), *end;
		double v;
		if (!*s || *s == '#') {
			continue;
		}
		v = strtod(s, &end);
		if (end == s) {
			continue;
		}
		if (t->n == cap) {
			double *nv;
			cap = cap ? 2 * cap : 1024;
			nv = realloc(t->v, cap * sizeof(*nv));
			if (!nv) {
				fclose(f);
				return perr(p, "out of memory");
			}
			t->v = nv;
		}
		t->v[t->n++] = v;
	}
	fclose(f);
	if (!t->n) {
		free(t->v);
		free(t);
		return perr(p, "pdv trace %s: no values", rel);
	}
	*out = t;
	return 0;
}

static int link_dir_key(struct parser *p, struct link_dir *d, const char *key, char **w, int n)
{
	if (!strcmp(key, "delay_ns")) {
		return num_range(p, key, n > 1 ? w[1] : NULL, 0, 1e12, &d->delay_ns);
	}
	if (!strcmp(key, "loss")) {
		return num_range(p, key, n > 1 ? w[1] : NULL, 0, 1, &d->loss);
	}
	if (!strcmp(key, "pdv")) {
		if (n < 2) {
			return perr(p, "pdv: expected none | exp MEAN | gamma SHAPE MEAN | "
				       "uniform MIN MAX | lognormal MEDIAN SIGMA [P MAX] | "
				       "bimodal MEAN EXTRA DWELL | load SERVICE RHO_MIN RHO_MAX PERIOD | "
				       "trace FILE");
		}
		if (!strcmp(w[1], "none") && n == 2) {
			d->pdv = PDV_NONE;
			return 0;
		}
		if (!strcmp(w[1], "exp") && n == 3) {
			d->pdv = PDV_EXP;
			return num_range(p, "pdv exp MEAN", w[2], 0, 1e12, &d->p1);
		}
		if (!strcmp(w[1], "gamma") && n == 4) {
			d->pdv = PDV_GAMMA;
			return num_range(p, "pdv gamma SHAPE", w[2], 1e-3, 1e6, &d->p1) ||
			       num_range(p, "pdv gamma MEAN", w[3], 0, 1e12, &d->p2);
		}
		if (!strcmp(w[1], "uniform") && n == 4) {
			d->pdv = PDV_UNIFORM;
			return num_range(p, "pdv uniform MIN", w[2], 0, 1e12, &d->p1) ||
			       num_range(p, "pdv uniform MAX", w[3], d->p1, 1e12, &d->p2);
		}
		if (!strcmp(w[1], "lognormal") && (n == 4 || n == 6)) {
			d->pdv = PDV_LOGNORMAL;
			d->p3 = d->p4 = 0;
			return num_range(p, "pdv lognormal MEDIAN", w[2], 0, 1e12, &d->p1) ||
			       num_range(p, "pdv lognormal SIGMA", w[3], 0, 10, &d->p2) ||
			       (n == 6 && (num_range(p, "pdv lognormal OUTLIER_P", w[4], 0, 1, &d->p3) ||
					   num_range(p, "pdv lognormal OUTLIER_MAX", w[5], 0, 1e12, &d->p4)));
		}
		if (!strcmp(w[1], "bimodal") && n == 5) {
			d->pdv = PDV_BIMODAL;
			return num_range(p, "pdv bimodal MEAN", w[2], 0, 1e12, &d->p1) ||
			       num_range(p, "pdv bimodal EXTRA", w[3], 0, 1e12, &d->p2) ||
			       num_range(p, "pdv bimodal DWELL", w[4], 1e-3, 1e9, &d->p3);
		}
		if (!strcmp(w[1], "load") && n == 6) {
			d->pdv = PDV_LOAD;
			return num_range(p, "pdv load SERVICE", w[2], 0, 1e12, &d->p1) ||
			       num_range(p, "pdv load RHO_MIN", w[3], 0, 0.99, &d->p2) ||
			       num_range(p, "pdv load RHO_MAX", w[4], d->p2, 0.99, &d->p3) ||
			       num_range(p, "pdv load PERIOD", w[5], 1e-3, 1e9, &d->p4);
		}
		if (!strcmp(w[1], "trace") && n == 3) {
			d->pdv = PDV_TRACE;
			return load_trace(p, w[2], &d->trace);
		}
		return perr(p, "pdv %s: expected none | exp MEAN | gamma SHAPE MEAN | "
			       "uniform MIN MAX | lognormal MEDIAN SIGMA [P MAX] | "
			       "bimodal MEAN EXTRA DWELL | load SERVICE RHO_MIN RHO_MAX PERIOD | "
			       "trace FILE",
			    w[1]);
	}
	return perr(p, "%s: unknown key in a [link] section", w[0]);
}

static int link_key(struct parser *p, struct link *l, char **w, int n)
{
	if (!strncmp(w[0], "fwd_", 4)) {
		return link_dir_key(p, &l->dir[0], w[0] + 4, w, n);
	}
	if (!strncmp(w[0], "rev_", 4)) {
		return link_dir_key(p, &l->dir[1], w[0] + 4, w, n);
	}
	if (link_dir_key(p, &l->dir[0], w[0], w, n)) {
		return -1;
	}
	if (!strcmp(w[0], "pdv") && l->dir[0].pdv == PDV_TRACE) {
		/* both directions read the same values, each from its own start */
		l->dir[1].pdv = PDV_TRACE;
		l->dir[1].trace = l->dir[0].trace;
		return 0;
	}
	return link_dir_key(p, &l->dir[1], w[0], w, n);
}

/* ---- [events] ---- */

static int add_event(struct parser *p, const struct scen_event *e)
{
	struct scenario *s = p->s;

	if (s->n_ev == s->cap_ev) {
		int cap = s->cap_ev ? 2 * s->cap_ev : 32;
		struct scen_event *ne = realloc(s->ev, (size_t)cap * sizeof(*ne));
		if (!ne) {
			return perr(p, "out of memory");
		}
		s->ev = ne;
		s->cap_ev = cap;
	}
	s->ev[s->n_ev++] = *e;
	return 0;
}

/* announce,sync,delay_resp -> bits 1, 2, 4 */
static int forge_types(struct parser *p, char *list, int *types)
{
	char *tok, *save = NULL;

	*types = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "announce")) {
			*types |= 1;
		} else if (!strcmp(tok, "sync")) {
			*types |= 2;
		} else if (!strcmp(tok, "delay_resp")) {
			*types |= 4;
		} else {
			return perr(p, "forge: %s: expected announce, sync or delay_resp", tok);
		}
	}
	return 0;
}

/*
 * TIME forge AS TO KIND ARGS... [port N] [count N every S]: a message forged
 * with AS's address and clockIdentity (portNumber N, default 1) delivered
 * to TO at TIME (an attacker on the path of neither: it reads nothing):
 *   announce [utc_offset N] [leap61|leap59]   AS's Announce (a gm's data
 *                                            sets as they are), altered
 *   request TYPES LOG DURATION   REQUEST_UNICAST_TRANSMISSION per type
 *   cancel TYPES                 CANCEL_UNICAST_TRANSMISSION
 *   ack TYPES                    ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION
 *   sync [ppb X]                 a one-step Sync of a made-up clock (AS's
 *                                clockIdentity, octet 3 flipped) sent by
 *                                AS's route to TO, across any tc: its
 *                                time AS's, X ppb fast (default 0)
 * TYPES: announce,sync,delay_resp.  count N every S: N times, S apart.
 */
static int forge_line(struct parser *p, struct scen_event *e, char **w, int n)
{
	double d = 0, count = 1, every = 0;
	int i, k;

	e->act = ACT_FORGE;
	e->port = 1;
	if (n < 5) {
		return perr(p, "forge: expected AS TO announce|request|cancel|ack|sync ...");
	}
	if ((e->node = node_ref(p, w[2])) < 0 || (e->node2 = node_ref(p, w[3])) < 0) {
		return -1;
	}
	for (k = 0; k < 2; k++) {
		int r = p->s->node[k ? e->node2 : e->node].role;
		if (r != CFG_ROLE_GM && r != CFG_ROLE_OC) {
			return perr(p, "forge: %s is not a gm or an oc", w[2 + k]);
		}
	}
	i = 5;
	if (!strcmp(w[4], "announce")) {
		e->forge = FORGE_ANNOUNCE;
	} else if (!strcmp(w[4], "sync")) {
		e->forge = FORGE_SYNC;
	} else if (!strcmp(w[4], "request") || !strcmp(w[4], "cancel") || !strcmp(w[4], "ack")) {
		e->forge = w[4][0] == 'r' ? FORGE_REQUEST : w[4][0] == 'c' ? FORGE_CANCEL : FORGE_ACK;
		if (n < 6 || forge_types(p, w[5], &e->types)) {
			return n < 6 ? perr(p, "forge %s: expected TYPES", w[4]) : -1;
		}
		i = 6;
		if (e->forge == FORGE_REQUEST) {
			if (n < 8 || num_range(p, "forge request LOG", w[6], -128, 127, &d)) {
				return n < 8 ? perr(p, "forge request: expected TYPES LOG DURATION") : -1;
			}
			e->log = (int)d;
			if (num_range(p, "forge request DURATION", w[7], 0, 4294967295.0, &d)) {
				return -1;
			}
			e->duration = (uint32_t)d;
			i = 8;
		}
	} else {
		return perr(p, "forge %s: expected announce, request, cancel, ack or sync", w[4]);
	}
	for (; i < n; i++) {
		if (!strcmp(w[i], "port") && i + 1 < n) {
			if (num_range(p, "port", w[++i], 0, 65535, &d)) {
				return -1;
			}
			e->port = (int)d;
		} else if (!strcmp(w[i], "count") && i + 1 < n) {
			if (num_range(p, "count", w[++i], 1, 10000, &count)) {
				return -1;
			}
		} else if (!strcmp(w[i], "every") && i + 1 < n) {
			if (num_range(p, "every", w[++i], 0.001, 1e6, &every)) {
				return -1;
			}
		} else if (e->forge == FORGE_ANNOUNCE && !strcmp(w[i], "utc_offset") && i + 1 < n) {
			if (num_range(p, "utc_offset", w[++i], -32768, 32767, &d)) {
				return -1;
			}
			e->has_utc = 1;
			e->utc_offset = (int)d;
		} else if (e->forge == FORGE_SYNC && !strcmp(w[i], "ppb") && i + 1 < n) {
			if (num_range(p, "ppb", w[++i], -1e6, 1e6, &e->ppb)) {
				return -1;
			}
		} else if (e->forge == FORGE_ANNOUNCE && !strcmp(w[i], "leap61")) {
			e->leap = 1;
		} else if (e->forge == FORGE_ANNOUNCE && !strcmp(w[i], "leap59")) {
			e->leap = 2;
		} else {
			return perr(p, "forge: %s: unknown (port N, count N, every S%s)", w[i],
				    e->forge == FORGE_ANNOUNCE ? ", utc_offset N, leap61, leap59" : "");
		}
	}
	if (count > 1 && every <= 0) {
		return perr(p, "forge: count %g without every S", count);
	}
	for (k = 0; k < (int)count; k++) {
		struct scen_event r = *e;
		r.t = e->t + (tmv_t)llround(k * every * NS_PER_SEC);
		if (add_event(p, &r)) {
			return -1;
		}
	}
	return 0;
}

static int event_line(struct parser *p, char **w, int n)
{
	struct scenario *s = p->s;
	struct scen_event e;
	double t = 0;
	int i;

	memset(&e, 0, sizeof(e));
	e.line = p->line;
	e.node = e.link = -1;
	if (n < 3) {
		return perr(p, "expected TIME ACTION ARGS...");
	}
	if (num_range(p, "event time", w[0], 0, 1e7, &t)) {
		return -1;
	}
	e.t = (tmv_t)llround(t * NS_PER_SEC);
	if (!strcmp(w[1], "kill") || !strcmp(w[1], "restart") || !strcmp(w[1], "stop") ||
	    !strcmp(w[1], "start")) {
		e.act = w[1][0] == 'k' ? ACT_KILL
			: w[1][0] == 'r' ? ACT_RESTART
			: w[1][3] == 'p' ? ACT_STOP
					 : ACT_START;
		if (n != 3 || (e.node = node_ref(p, w[2])) < 0) {
			return n != 3 ? perr(p, "%s: expected NODE", w[1]) : -1;
		}
		return add_event(p, &e);
	}
	if (!strcmp(w[1], "source")) {
		e.act = ACT_SOURCE;
		if (n < 4 || (e.node = node_ref(p, w[2])) < 0) {
			return n < 4 ? perr(p, "source: expected NODE locked|lost|class N") : -1;
		}
		if (s->node[e.node].role != CFG_ROLE_GM) {
			return perr(p, "source: %s is not a gm", w[2]);
		}
		if (!strcmp(w[3], "locked") && n == 4) {
			e.src_req = GM_SRC_REQ_LOCKED;
		} else if (!strcmp(w[3], "lost") && n == 4) {
			e.src_req = GM_SRC_REQ_LOST;
		} else if (!strcmp(w[3], "class") && n == 5) {
			double c = 0;
			e.src_req = GM_SRC_REQ_FORCED;
			if (num_range(p, "class", w[4], 0, 255, &c)) {
				return -1;
			}
			e.src_cls = (int)c;
		} else {
			return perr(p, "source: expected NODE locked|lost|class N");
		}
		return add_event(p, &e);
	}
	if (!strcmp(w[1], "link_down") || !strcmp(w[1], "link_up") ||
	    !strcmp(w[1], "delay_step")) {
		int a, b;
		e.act = !strcmp(w[1], "link_down") ? ACT_LINK_DOWN
			: !strcmp(w[1], "link_up") ? ACT_LINK_UP
						   : ACT_DELAY_STEP;
		if (n < 4) {
			return perr(p, "%s: expected NODE NODE%s", w[1],
				    e.act == ACT_DELAY_STEP ? " NS [both|fwd|rev]" : "");
		}
		if ((a = node_ref(p, w[2])) < 0 || (b = node_ref(p, w[3])) < 0) {
			return -1;
		}
		e.link = find_link(s, a, b);
		if (e.link < 0) {
			return perr(p, "%s: no link between %s and %s", w[1], w[2], w[3]);
		}
		if (e.act != ACT_DELAY_STEP) {
			return n == 4 ? add_event(p, &e) : perr(p, "%s: expected NODE NODE", w[1]);
		}
		if (n < 5 || n > 6 || num(p, "delay_step NS", w[4], &e.delta_ns)) {
			return n < 5 || n > 6 ? perr(p, "delay_step: expected NODE NODE NS "
							"[both|fwd|rev]")
					      : -1;
		}
		/* fwd: from the first node named here to the second */
		if (n == 5 || !strcmp(w[5], "both")) {
			e.dirs = 3;
		} else if (!strcmp(w[5], "fwd") || !strcmp(w[5], "rev")) {
			int first_is_a = s->link[e.link].a == a;
			int fwd = !strcmp(w[5], "fwd");
			e.dirs = (fwd == first_is_a) ? 1 : 2;
		} else {
			return perr(p, "delay_step %s: expected both, fwd or rev", w[5]);
		}
		return add_event(p, &e);
	}
	if (!strcmp(w[1], "drop")) {
		static const struct {
			const char *name;
			unsigned mask;
		} types[] = {
			{ "none", 0 },
			{ "all", 0xffff },
			{ "sync", 1 << SYNC },
			{ "delay_req", 1 << DELAY_REQ },
			{ "follow_up", 1 << FOLLOW_UP },
			{ "delay_resp", 1 << DELAY_RESP },
			{ "announce", 1 << ANNOUNCE },
			{ "signaling", 1 << SIGNALING },
			{ "management", 1 << MANAGEMENT },
		};
		char *tok, *save = NULL;
		int a, b;
		size_t k;

		e.act = ACT_DROP;
		if (n != 5) {
			return perr(p, "drop: expected FROM TO TYPE[,TYPE...] (none, all, sync, "
				       "follow_up, delay_req, delay_resp, announce, signaling)");
		}
		if ((a = node_ref(p, w[2])) < 0 || (b = node_ref(p, w[3])) < 0) {
			return -1;
		}
		e.link = find_link(s, a, b);
		if (e.link < 0) {
			return perr(p, "drop: no link between %s and %s", w[2], w[3]);
		}
		e.dirs = s->link[e.link].a == a ? 1 : 2;
		for (tok = strtok_r(w[4], ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			for (k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
				if (!strcmp(tok, types[k].name)) {
					e.drop_mask |= types[k].mask;
					break;
				}
			}
			if (k == sizeof(types) / sizeof(types[0])) {
				return perr(p, "drop: %s: unknown message type", tok);
			}
		}
		return add_event(p, &e);
	}
	if (!strcmp(w[1], "forge")) {
		return forge_line(p, &e, w, n);
	}
	if (!strcmp(w[1], "lockout")) {
		e.act = ACT_LOCKOUT;
		if ((e.node = node_ref(p, w[2])) < 0) {
			return -1;
		}
		if (s->node[e.node].role != CFG_ROLE_OC) {
			return perr(p, "lockout: %s is not an oc", w[2]);
		}
		for (i = 3; i < n; i++) {
			if (e.n_addrs == SIM_MAX_EV_ADDRS) {
				return perr(p, "lockout: at most %d addresses", SIM_MAX_EV_ADDRS);
			}
			snprintf(e.addrs[e.n_addrs++], sizeof(e.addrs[0]), "%s", w[i]);
		}
		return add_event(p, &e);
	}
	return perr(p, "%s: unknown action (start, kill, restart, stop, source, link_down, "
		       "link_up, delay_step, drop, lockout, forge)",
		    w[1]);
}

/* ---- the file ---- */

enum section { SEC_NONE, SEC_GLOBAL, SEC_NODE, SEC_LINK, SEC_EVENTS };

static int section_header(struct parser *p, char *s, enum section *sec)
{
	struct scenario *sc = p->s;
	char *end = strchr(s, ']'), *w[4];
	int n;

	if (!end || end[1]) {
		return perr(p, "malformed section header '%s'", s);
	}
	*end = 0;
	n = split(s + 1, w, 4);
	if (n == 1 && !strcmp(w[0], "global")) {
		*sec = SEC_GLOBAL;
		return 0;
	}
	if (n == 1 && !strcmp(w[0], "events")) {
		*sec = SEC_EVENTS;
		return 0;
	}
	if (n == 2 && !strcmp(w[0], "node")) {
		struct node_spec *nd;
		if (sc->n_nodes == SIM_MAX_NODES) {
			return perr(p, "more than %d nodes", SIM_MAX_NODES);
		}
		if (strlen(w[1]) >= SIM_NAME_LEN || scen_node_index(sc, w[1]) >= 0 ||
		    strspn(w[1], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
			    strlen(w[1])) {
			return perr(p, "node %s: name too long, used twice, or not of letters, digits, "
				       "'_', '.' and '-'",
				    w[1]);
		}
		nd = &sc->node[sc->n_nodes++];
		memset(nd, 0, sizeof(*nd));
		node_defaults(nd);
		snprintf(nd->name, sizeof(nd->name), "%s", w[1]);
		nd->kind = !strncmp(w[1], "gm", 2)   ? NODE_GM
			   : !strncmp(w[1], "oc", 2) ? NODE_OC
			   : !strncmp(w[1], "tc", 2) ? NODE_TC
			   : !strncmp(w[1], "sw", 2) ? NODE_SWITCH
						     : NODE_NONE;
		nd->role = nd->kind == NODE_GM	 ? CFG_ROLE_GM
			   : nd->kind == NODE_OC ? CFG_ROLE_OC
						 : CFG_ROLE_ANY;
		nd->line = p->line;
		*sec = SEC_NODE;
		return 0;
	}
	if (n == 3 && !strcmp(w[0], "link")) {
		struct link *l;
		int a, b, d;
		if ((a = node_ref(p, w[1])) < 0 || (b = node_ref(p, w[2])) < 0) {
			return -1;
		}
		if (a == b || find_link(sc, a, b) >= 0) {
			return perr(p, "link %s %s: a node to itself, or a second link", w[1], w[2]);
		}
		if (sc->n_links == SIM_MAX_LINKS) {
			return perr(p, "more than %d links", SIM_MAX_LINKS);
		}
		l = &sc->link[sc->n_links];
		memset(l, 0, sizeof(*l));
		l->a = a;
		l->b = b;
		l->up = 1;
		for (d = 0; d < 2; d++) {
			l->dir[d].delay_ns = 1000;
		}
		snprintf(sc->link_name[sc->n_links], sizeof(sc->link_name[0]), "%s-%s", w[1], w[2]);
		sc->n_links++;
		*sec = SEC_LINK;
		return 0;
	}
	return perr(p, "unknown section [%s] ([global], [node NAME], [link A B], [events])",
		    s + 1);
}

static int check(struct parser *p)
{
	struct scenario *s = p->s;
	int i;

	p->line = 0;
	if (!s->n_nodes) {
		return perr(p, "no [node] sections");
	}
	for (i = 0; i < s->n_nodes; i++) {
		struct node_spec *nd = &s->node[i];
		p->line = nd->line;
		if (nd->kind == NODE_NONE) {
			return perr(p, "node %s: role missing (role gm|oc|tc|switch, or a name gm... / "
				       "oc... / tc... / sw...)",
				    nd->name);
		}
		if (nd->kind == NODE_TC || nd->kind == NODE_SWITCH) {
			int k, ports = 0;
			if (nd->kind == NODE_SWITCH && (nd->config[0] || nd->n_set)) {
				return perr(p, "node %s: a switch takes no config or set", nd->name);
			}
			for (k = 0; k < s->n_links; k++) {
				ports += s->link[k].a == i || s->link[k].b == i;
			}
			if (ports < 2 || ports > TC_MAX_PORTS) {
				return perr(p, "node %s: %d links, a %s needs 2..%d", nd->name, ports,
					    nd->kind == NODE_TC ? "tc" : "switch", TC_MAX_PORTS);
			}
			continue;
		}
		if (nd->proc.kind != PDV_NONE || nd->queue.kind != PDV_NONE) {
			return perr(p, "node %s: processing and queue are for tc and switch nodes",
				    nd->name);
		}
		if (!nd->config[0]) {
			return perr(p, "node %s: config missing", nd->name);
		}
		if (!nd->address[0]) {
			return perr(p, "node %s: address missing", nd->name);
		}
	}
	if (s->steady_from_s >= s->duration_s) {
		return perr(p, "steady_from %g is not before duration %g", s->steady_from_s,
			    s->duration_s);
	}
	return 0;
}

int scen_read(struct scenario *s, const char *path, char *err, size_t errlen)
{
	struct parser p;
	enum section sec = SEC_NONE;
	char line[1024];
	const char *base, *slash;
	FILE *f;
	size_t n;

	memset(s, 0, sizeof(*s));
	s->duration_s = 100;
	s->seed = 1;
	s->te_threshold_ns = 1000;
	s->masks[0] = "ocp-gm-oc";
	s->n_masks = 1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	snprintf(s->name, sizeof(s->name), "%s", base);
	n = strlen(s->name);
	if (n > 4 && !strcmp(s->name + n - 4, ".sim")) {
		s->name[n - 4] = 0;
	}

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.path = path;
	p.err = err;
	p.errlen = errlen;
	if (slash) {
		snprintf(p.dir, sizeof(p.dir), "%.*s", (int)(slash - path), path);
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *c, *w[16], *txt;
		int nw, rc = 0;

		p.line++;
		c = strchr(line, '#');
		if (c) {
			*c = 0;
		}
		txt = str_trim(line);
		if (!*txt) {
			continue;
		}
		if (*txt == '[') {
			rc = section_header(&p, txt, &sec);
		} else {
			nw = split(txt, w, 16);
			switch (sec) {
			case SEC_NONE:
				rc = perr(&p, "a key before the first section");
				break;
			case SEC_GLOBAL:
				rc = global_key(&p, w, nw);
				break;
			case SEC_NODE:
				rc = node_key(&p, &s->node[s->n_nodes - 1], w, nw);
				break;
			case SEC_LINK:
				rc = link_key(&p, &s->link[s->n_links - 1], w, nw);
				break;
			case SEC_EVENTS:
				rc = event_line(&p, w, nw);
				break;
			}
		}
		if (rc) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return check(&p);
}

void scen_free(struct scenario *s)
{
	int i, d;

	for (i = 0; i < s->n_links; i++) {
		struct pdv_trace *t0 = s->link[i].dir[0].trace;
		for (d = 0; d < 2; d++) {
			struct pdv_trace *t = s->link[i].dir[d].trace;
			if (t && (d == 0 || t != t0)) {
				free(t->v);
				free(t);
			}
		}
	}
	free(s->ev);
	s->ev = NULL;
}
