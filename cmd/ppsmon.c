/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ppsmon: time-error monitor.  Time error (TE) samples come live from a PPS
 * device or a PHC external timestamp channel (TE = edge time minus the
 * nearest second of the clock that stamped it, positive when that clock is
 * ahead of the pulse), or from recorded data; two sources give relative TE
 * (source 1 minus source 2).  Reports mean, max|TE|, rms, MTIE and TDEV
 * (core/stats) and verdicts against ITU-T G.8272.x and OCP masks
 * (core/masks).
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "applet.h"
#include "masks.h"
#include "pps.h"
#include "ppsmon.h"
#include "stats.h"
#include "te_report.h"

static const char ppsmon_usage[] =
	"usage: ptpbox ppsmon SOURCE [SOURCE] [options]\n"
	"Sources (two give relative time error: first minus second):\n"
	"  --pps DEV            RFC 2783 PPS device (/dev/ppsN), stamped by CLOCK_REALTIME\n"
	"  --phc DEV --channel K [--pin P]\n"
	"                       PHC external timestamps (/dev/ptpN); pin P (default K,\n"
	"                       -1 = leave pins alone) gets the EXTTS function\n"
	"  --input FILE|-       recorded TE: one sample per line, or 'timestamp,te'\n"
	"                       (timestamp in s); '#' starts a comment\n"
	"Options:\n"
	"  --units s|ns         unit of recorded TE (default ns)\n"
	"  --tau0 S             sampling interval, s (default 1; from the timestamps\n"
	"                       when recorded data has them)\n"
	"  --tau LIST           observation intervals, s (comma separated)\n"
	"  --taus decade|octave tau list 1,2,5,10,.. or 1,2,4,.. x tau0 (default decade)\n"
	"  --lpf N              moving average of N samples first (G.8272.2 6.1: >= 100\n"
	"                       for PTP)\n"
	"  --mask NAME[,NAME]   verdict against a mask (repeatable); --list-masks\n"
	"  --json               print one JSON object instead of the table\n"
	"  --svg FILE           plot MTIE and TDEV with the masks\n"
	"  --outlier NS         flag samples further than NS from the recent median\n"
	"                       (default 1000, 0 = off); --drop-outliers replaces them\n"
	"                       by that median\n"
	"  --max-gap S          longest gap filled by interpolation (default 3600;\n"
	"                       recorded data: at most 1048576 filled samples in all)\n"
	"Live sources:\n"
	"  --interval S         summary line every S seconds (default 10)\n"
	"  --count N            stop after N samples; --duration S after S seconds\n"
	"  --window N           keep the last N samples for the report (default 86400)\n"
	"Exit status: 0 every mask passes, 1 usage or bad input, 3 a mask fails or a\n"
	"device error.\n";

enum src_kind { SRC_INPUT, SRC_PPS, SRC_PHC };

struct src_spec {
	enum src_kind kind;
	const char *path;
	int channel;
	int pin; /* -2: default (= channel, failure only warns) */
};

struct opts {
	struct src_spec src[2];
	int n_src;
	double units;  /* multiplier to ns */
	double tau0;   /* 0: not given */
	double *tau_list;
	size_t n_tau_list;
	enum taus_kind taus;
	size_t lpf;
	const struct te_mask *masks[TE_MAX_MASKS];
	size_t n_masks;
	int json;
	const char *svg;
	double outlier_ns;
	int drop_outliers;
	double max_gap_s;
	double interval_s;
	unsigned long long count;
	double duration_s;
	size_t window;
};

/* ---- the sample series: gaps, duplicates, outliers, bounded ring ---- */

#define EVENT_LOG_MAX 10
/* recorded data: at most this many samples filled by interpolation in all
 * (8 MiB of doubles); a series mostly invented says nothing, and a fine
 * --tau0 with a long gap would otherwise need gigabytes */
#define FILL_MAX (1u << 20)

struct series {
	double *x;
	size_t cap, n, head; /* ring when window > 0: oldest at head */
	size_t window;       /* 0: grow without bound (recorded data) */
	int have_last;
	long long last_key;
	double last_te;
	uint64_t missing, outliers, duplicates, accepted;
	unsigned events_logged;
	struct outlier_screen screen;
	int drop_outliers;
	long long max_gap; /* in samples */
	FILE *log;
};

static int series_push(struct series *s, double te)
{
	if (s->window) {
		if (!s->x) {
			s->x = malloc(s->window * sizeof(*s->x));
			if (!s->x) {
				return -ENOMEM;
			}
			s->cap = s->window;
		}
		if (s->n < s->cap) {
			s->x[(s->head + s->n++) % s->cap] = te;
		} else {
			s->x[s->head] = te;
			s->head = (s->head + 1) % s->cap;
		}
		return 0;
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 4096;
		double *nx = realloc(s->x, nc * sizeof(*nx));
		if (!nx) {
			return -ENOMEM;
		}
		s->x = nx;
		s->cap = nc;
	}
	s->x[s->n++] = te;
	return 0;
}

static void series_event(struct series *s, const char *fmt, const char *where, double a, double b)
{
	if (s->events_logged < EVENT_LOG_MAX) {
		fprintf(s->log, "ppsmon: %s: ", where);
		fprintf(s->log, fmt, a, b);
		fputc('\n', s->log);
	} else if (s->events_logged == EVENT_LOG_MAX) {
		fprintf(s->log, "ppsmon: further gaps, outliers and duplicates are only counted\n");
	}
	s->events_logged++;
}

static void fill_error(int rc, const char *where, double tau0)
{
	if (rc == -E2BIG) {
		fprintf(stderr,
			"ppsmon: %s: more than %u samples in all would be filled by interpolation "
			"at --tau0 %g s: give a larger --tau0 or split the recording at its gaps\n",
			where, FILL_MAX, tau0);
	}
}

/*
 * Add one TE sample (ns) at sample index key (timestamp / tau0, or the
 * line/pulse count).  A key more than one past the last is a gap: the
 * missing samples are counted, reported and filled by linear interpolation
 * (MTIE and TDEV need equally spaced samples).  A key not after the last is
 * a duplicate (counted, dropped).  Returns 0, -ERANGE for a gap longer than
 * max_gap (the caller restarts or stops), -E2BIG when recorded data would
 * hold more than FILL_MAX filled samples in all, -ENOMEM.
 */
static int series_add(struct series *s, long long key, double te, const char *where)
{
	double med;
	int r;

	if (s->have_last) {
		long long d = key - s->last_key;
		if (d <= 0) {
			s->duplicates++;
			series_event(s, "duplicate or out of order sample (%.1f ns), dropped", where,
				     te, 0);
			return 0;
		}
		if (d - 1 > s->max_gap) {
			return -ERANGE;
		}
		if (!s->window && s->missing + (uint64_t)(d - 1) > FILL_MAX) {
			return -E2BIG;
		}
		if (d > 1) {
			long long i;
			s->missing += (uint64_t)(d - 1);
			series_event(s, "%.0f samples missing before this one, filled by interpolation",
				     where, (double)(d - 1), 0);
			for (i = 1; i < d; i++) {
				r = series_push(s, s->last_te + (te - s->last_te) * (double)i / (double)d);
				if (r) {
					return r;
				}
			}
		}
	}
	if (outlier_check(&s->screen, te, &med)) {
		s->outliers++;
		series_event(s,
			     s->drop_outliers ? "outlier %.1f ns replaced by the recent median %.1f ns"
					      : "outlier %.1f ns (recent median %.1f ns), kept",
			     where, te, med);
		if (s->drop_outliers) {
			te = med;
		}
	}
	r = series_push(s, te);
	if (r) {
		return r;
	}
	s->have_last = 1;
	s->last_key = key;
	s->last_te = te;
	s->accepted++;
	return 0;
}

/* The samples oldest first, in a fresh array (the ring linearised). */
static double *series_linear(const struct series *s)
{
	double *y = malloc((s->n ? s->n : 1) * sizeof(*y));
	size_t i;

	if (!y) {
		return NULL;
	}
	for (i = 0; i < s->n; i++) {
		y[i] = s->x[s->window ? (s->head + i) % s->cap : i];
	}
	return y;
}

static void series_reset(struct series *s)
{
	s->n = 0;
	s->head = 0;
	s->have_last = 0;
	memset(&s->screen.hist, 0, sizeof(s->screen.hist));
	s->screen.n = s->screen.head = s->screen.run = 0;
}

/* Every --tau must be a whole multiple of tau0 (stats work on sample
 * counts).  0 or -1 with a message. */
static int check_taus(const struct opts *o, double tau0)
{
	size_t k;
	for (k = 0; k < o->n_tau_list; k++) {
		double m = o->tau_list[k] / tau0;
		if (fabs(m - (double)llround(m)) > 1e-6 * m || llround(m) < 1) {
			fprintf(stderr, "ppsmon: --tau %g: not a multiple of tau0 %g s\n",
				o->tau_list[k], tau0);
			return -1;
		}
	}
	return 0;
}

/* ---- recorded data ---- */

static int parse_num(const char *tok, double *v)
{
	char *end;
	if (!*tok) {
		return -1;
	}
	*v = strtod(tok, &end);
	return *end || !isfinite(*v) ? -1 : 0;
}

/* Read one file of samples.  Errors print FILE:LINE and return -1. */
int ppsmon_read_recorded(const char *path, double units, struct recorded *rec)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char buf[512];
	long lineno = 0;
	int data_lines = 0, rc = 0;
	const char *name = strcmp(path, "-") ? path : "<stdin>";

	if (!f) {
		fprintf(stderr, "ppsmon: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rec->with_time = -1;
	while (fgets(buf, sizeof(buf), f)) {
		char *p = buf, *hash, *tok[3];
		int ntok = 0, i;
		double v[2];

		lineno++;
		if (!strchr(buf, '\n') && !feof(f)) {
			fprintf(stderr, "ppsmon: %s:%ld: line longer than %zu bytes\n", name, lineno,
				sizeof(buf) - 1);
			rc = -1;
			break;
		}
		hash = strchr(p, '#');
		if (hash) {
			*hash = 0;
		}
		while (ntok < 3 && (tok[ntok] = strtok(ntok ? NULL : p, " \t\r\n,;"))) {
			ntok++;
		}
		if (ntok == 0) {
			continue;
		}
		data_lines++;
		for (i = 0; i < ntok && i < 2; i++) {
			if (parse_num(tok[i], &v[i])) {
				break;
			}
		}
		if (ntok > 2 || i < ntok) {
			/* a CSV header ("timestamp,te") may open the file */
			if (data_lines == 1 && ntok <= 2 && i == 0 &&
			    strpbrk(tok[0], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") &&
			    strspn(tok[0], "0123456789.+-eE") != strlen(tok[0])) {
				continue;
			}
			fprintf(stderr,
				"ppsmon: %s:%ld: bad sample: expected 'te' or 'timestamp,te' as "
				"numbers, got '%s'\n",
				name, lineno, tok[i < ntok ? i : 0]);
			rc = -1;
			break;
		}
		if (!isfinite((ntok == 2 ? v[1] : v[0]) * units)) {
			fprintf(stderr, "ppsmon: %s:%ld: bad sample: %s: too large\n", name, lineno,
				tok[ntok - 1]);
			rc = -1;
			break;
		}
		if (rec->with_time < 0) {
			rec->with_time = ntok == 2;
		} else if (rec->with_time != (ntok == 2)) {
			fprintf(stderr, "ppsmon: %s:%ld: %s, but earlier lines %s\n", name, lineno,
				ntok == 2 ? "timestamp given" : "no timestamp",
				rec->with_time ? "have one" : "do not");
			rc = -1;
			break;
		}
		if (rec->n == rec->cap) {
			size_t nc = rec->cap ? rec->cap * 2 : 4096;
			double *nt = realloc(rec->t, nc * sizeof(double));
			double *nte = nt ? realloc(rec->te, nc * sizeof(double)) : NULL;
			long *nl = nte ? realloc(rec->line, nc * sizeof(long)) : NULL;
			/* each array that did grow is kept, so freeing stays right */
			rec->t = nt ? nt : rec->t;
			rec->te = nte ? nte : rec->te;
			rec->line = nl ? nl : rec->line;
			if (!nl) {
				fprintf(stderr, "ppsmon: %s: out of memory at line %ld\n", name, lineno);
				rc = -1;
				break;
			}
			rec->cap = nc;
		}
		rec->t[rec->n] = ntok == 2 ? v[0] : 0;
		rec->te[rec->n] = (ntok == 2 ? v[1] : v[0]) * units;
		rec->line[rec->n] = lineno;
		rec->n++;
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "ppsmon: %s: read error: %s\n", name, strerror(errno));
		rc = -1;
	}
	if (f != stdin) {
		fclose(f);
	}
	if (!rc && rec->n == 0) {
		fprintf(stderr, "ppsmon: %s: no samples\n", name);
		rc = -1;
	}
	if (rec->with_time < 0) {
		rec->with_time = 0;
	}
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* tau0 from timestamps: the median spacing (robust to gaps) */
double ppsmon_infer_tau0(const struct recorded *rec)
{
	size_t m = rec->n - 1 < 1001 ? rec->n - 1 : 1001, i, k = 0;
	double d[1001], med;

	for (i = 0; i < m; i++) {
		double dt = rec->t[i + 1] - rec->t[i];
		if (dt > 0) {
			d[k++] = dt;
		}
	}
	if (!k) {
		return 0;
	}
	qsort(d, k, sizeof(d[0]), cmp_double);
	med = d[k / 2];
	/* snap to a round value (1/16 s stays 0.0625) */
	return round(med * 1e9) / 1e9;
}

static int load_recorded(struct opts *o, struct series *s)
{
	struct recorded rec[2];
	int i, rc = 0;
	size_t a, b;
	char where[300];

	memset(rec, 0, sizeof(rec));
	for (i = 0; i < o->n_src; i++) {
		if (ppsmon_read_recorded(o->src[i].path, o->units, &rec[i])) {
			rc = 1;
			goto out;
		}
	}
	if (o->n_src == 2 && rec[0].with_time != rec[1].with_time) {
		fprintf(stderr, "ppsmon: both inputs need timestamps, or neither\n");
		rc = 1;
		goto out;
	}
	if (!o->tau0) {
		o->tau0 = rec[0].with_time && rec[0].n > 1 ? ppsmon_infer_tau0(&rec[0]) : 1;
		if (!(o->tau0 > 0)) {
			fprintf(stderr, "ppsmon: %s: cannot infer tau0 from the timestamps; give --tau0\n",
				o->src[0].path);
			rc = 1;
			goto out;
		}
	}
	if (check_taus(o, o->tau0)) {
		rc = 1;
		goto out;
	}
	/* sample indexes (timestamp / tau0) and their differences fit 64 bits */
	for (i = 0; i < o->n_src; i++) {
		for (a = 0; rec[i].with_time && a < rec[i].n; a++) {
			if (!(fabs(rec[i].t[a] / o->tau0) < 4e18)) {
				fprintf(stderr, "ppsmon: %s:%ld: timestamp %g s: out of range\n",
					o->src[i].path, rec[i].line[a], rec[i].t[a]);
				rc = 1;
				goto out;
			}
		}
	}
	s->max_gap = (long long)(o->max_gap_s / o->tau0);
	if (o->n_src == 1) {
		for (a = 0; a < rec[0].n; a++) {
			long long key = rec[0].with_time ? llround(rec[0].t[a] / o->tau0) : (long long)a;
			snprintf(where, sizeof(where), "%s:%ld", o->src[0].path, rec[0].line[a]);
			rc = series_add(s, key, rec[0].te[a], where);
			if (rc == -ERANGE) {
				fprintf(stderr, "ppsmon: %s: gap of %lld samples is longer than --max-gap %g s\n",
					where, key - s->last_key - 1, o->max_gap_s);
			}
			fill_error(rc, where, o->tau0);
			if (rc) {
				rc = rc == -ENOMEM ? 3 : 1;
				goto out;
			}
		}
		goto out;
	}
	/* two inputs: pair by timestamp, or line by line */
	if (!rec[0].with_time) {
		size_t n = rec[0].n < rec[1].n ? rec[0].n : rec[1].n;
		if (rec[0].n != rec[1].n) {
			fprintf(stderr, "ppsmon: inputs differ in length (%zu, %zu): using the first %zu\n",
				rec[0].n, rec[1].n, n);
		}
		for (a = 0; a < n; a++) {
			snprintf(where, sizeof(where), "%s:%ld", o->src[0].path, rec[0].line[a]);
			if ((rc = series_add(s, (long long)a, rec[0].te[a] - rec[1].te[a], where))) {
				rc = 3;
				goto out;
			}
		}
		goto out;
	}
	a = b = 0;
	while (a < rec[0].n && b < rec[1].n) {
		long long ka = llround(rec[0].t[a] / o->tau0), kb = llround(rec[1].t[b] / o->tau0);
		if (ka < kb) {
			a++;
		} else if (kb < ka) {
			b++;
		} else {
			snprintf(where, sizeof(where), "%s:%ld", o->src[0].path, rec[0].line[a]);
			rc = series_add(s, ka, rec[0].te[a] - rec[1].te[b], where);
			if (rc == -ERANGE) {
				fprintf(stderr, "ppsmon: %s: no common timestamps for more than --max-gap %g s\n",
					where, o->max_gap_s);
			}
			fill_error(rc, where, o->tau0);
			if (rc) {
				rc = rc == -ENOMEM ? 3 : 1;
				goto out;
			}
			a++;
			b++;
		}
	}
	if (!s->accepted) {
		fprintf(stderr, "ppsmon: the inputs share no timestamp\n");
		rc = 1;
	}
out:
	for (i = 0; i < 2; i++) {
		free(rec[i].t);
		free(rec[i].te);
		free(rec[i].line);
	}
	return rc;
}

/* ---- analysis ---- */

static int analyse(const struct opts *o, struct series *s, struct te_result *r)
{
	/* recorded data is analysed in place (the LPF overwrites it); a live
	 * ring is copied out in time order */
	double *x = s->window ? series_linear(s) : s->x;
	size_t n = s->n, i, kmax_m, kmax_t, ks[128], nk;
	long double *P = NULL;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (!x) {
		return -ENOMEM;
	}
	r->tau0_s = o->tau0;
	r->relative = o->n_src == 2;
	r->missing = s->missing;
	r->outliers = s->outliers;
	r->duplicates = s->duplicates;
	if (o->lpf) {
		n = stats_moving_average(x, x, n, o->lpf);
		r->lpf = o->lpf;
	}
	r->samples = n;
	te_summary(x, n, &r->sum);
	kmax_m = stats_mtie_kmax(n);
	kmax_t = stats_tdev_kmax(n);
	if (o->n_tau_list) {
		nk = 0;
		for (i = 0; i < o->n_tau_list && nk < 128; i++) {
			ks[nk++] = (size_t)llround(o->tau_list[i] / o->tau0);
		}
	} else {
		nk = stats_taus(o->taus, kmax_m, ks, 128);
	}
	r->mtie = calloc(nk ? nk : 1, sizeof(*r->mtie));
	r->tdev = calloc(nk ? nk : 1, sizeof(*r->tdev));
	P = n ? stats_prefix(x, n) : NULL;
	if (!r->mtie || !r->tdev || (n && !P)) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nk; i++) {
		double v;
		if (ks[i] <= kmax_m) {
			if ((rc = stats_mtie(x, n, ks[i], &v))) {
				goto out;
			}
			r->mtie[r->n_mtie].tau_s = (double)ks[i] * o->tau0;
			r->mtie[r->n_mtie++].ns = v;
		}
		if (ks[i] <= kmax_t && stats_tdev_prefix(P, n, ks[i], &v) == 0) {
			r->tdev[r->n_tdev].tau_s = (double)ks[i] * o->tau0;
			r->tdev[r->n_tdev++].ns = v;
		}
	}
	for (i = 0; i < o->n_masks; i++) {
		struct te_measure me = { r->sum.max_abs_ns, (double)n * o->tau0, r->mtie, r->n_mtie,
					 r->tdev, r->n_tdev };
		r->masks[i] = o->masks[i];
		mask_check(o->masks[i], &me, &r->verdicts[i]);
	}
	r->n_masks = o->n_masks;
out:
	free(P);
	if (x != s->x) {
		free(x);
	}
	return rc;
}

static int report(const struct opts *o, struct series *s)
{
	struct te_result r;
	size_t i;
	int fail = 0, rc;

	if (s->n == 0 || (o->lpf && s->n < o->lpf)) {
		fprintf(stderr, "ppsmon: %zu samples: not enough for a report%s\n", s->n,
			o->lpf ? " with this --lpf" : "");
		return 3;
	}
	rc = analyse(o, s, &r);
	if (rc) {
		fprintf(stderr, "ppsmon: analysis: %s\n", strerror(-rc));
		free(r.mtie);
		free(r.tdev);
		return 3;
	}
	if (o->json) {
		te_report_json(stdout, &r);
	} else {
		te_report_text(stdout, &r);
	}
	fflush(stdout);
	if (o->svg && (rc = te_report_svg(o->svg, &r))) {
		fprintf(stderr, "ppsmon: %s: %s\n", o->svg, strerror(-rc));
		fail = 1;
	}
	for (i = 0; i < r.n_masks; i++) {
		if (!r.verdicts[i].pass) {
			fail = 1;
		}
	}
	free(r.mtie);
	free(r.tdev);
	return fail ? 3 : 0;
}

/* ---- live sources ---- */

/* TE of one edge: ns from the nearest second, and that second */
static void edge_te(const struct pps_edge *e, long long *sec, double *te_ns)
{
	if (e->nsec >= 500000000) {
		*sec = e->sec + 1;
		*te_ns = (double)e->nsec - 1e9;
	} else {
		*sec = e->sec;
		*te_ns = (double)e->nsec;
	}
}

static void summary_line(FILE *f, long long key, const struct series *s)
{
	double *x = series_linear(s);
	struct te_summary sum;

	if (!x) {
		return;
	}
	te_summary(x, s->n, &sum);
	fprintf(f,
		"ppsmon: second %lld samples %zu te %.1f mean %.1f max|TE| %.1f rms %.1f "
		"missing %llu outliers %llu\n",
		key, s->n, s->last_te, sum.mean_ns, sum.max_abs_ns, sum.rms_ns,
		(unsigned long long)s->missing, (unsigned long long)s->outliers);
	fflush(f);
	free(x);
}

static int run_live(struct opts *o, struct series *s)
{
	struct pps_src *src[2] = { NULL, NULL };
	char err[256], where[160];
	long long pend_key[2] = { 0, 0 }, next_line = 0;
	double pend_te[2] = { 0, 0 };
	long long last_key[2] = { 0, 0 };
	int have[2] = { 0, 0 }, seen[2] = { 0, 0 }, i, rc = 0;
	tmv_t start = mono_now(), last_edge[2];
	FILE *lines = o->json ? stderr : stdout;

	o->tau0 = 1; /* pulses per second */
	s->max_gap = (long long)o->max_gap_s;
	for (i = 0; i < o->n_src; i++) {
		struct src_spec *sp = &o->src[i];
		if (sp->kind == SRC_PPS) {
			src[i] = pps_rfc2783_open(sp->path, err, sizeof(err));
		} else {
			int pin = sp->pin == -2 ? sp->channel : sp->pin;
			src[i] = pps_extts_open(sp->path, (unsigned)sp->channel, pin, err, sizeof(err));
			if (!src[i] && sp->pin == -2) {
				fprintf(stderr, "ppsmon: %s; trying without pin setup\n", err);
				src[i] = pps_extts_open(sp->path, (unsigned)sp->channel, -1, err,
							sizeof(err));
			}
		}
		if (!src[i]) {
			fprintf(stderr, "ppsmon: %s\n", err);
			rc = 3;
			goto out;
		}
		last_edge[i] = mono_now();
	}
	install_stop_handlers();
	while (!applet_stop) {
		for (i = 0; i < o->n_src && !applet_stop; i++) {
			struct pps_edge e;
			long long key;
			double te;
			int r;

			/* with two sources read the one that is behind: one
			 * that is a second ahead waits for its partner edge */
			if (o->n_src == 2 && have[i] &&
			    (!have[1 - i] || pend_key[i] > pend_key[1 - i])) {
				continue;
			}
			r = pps_fetch(src[i], o->n_src == 1 ? 1000 : 50, &e);

			if (r < 0) {
				fprintf(stderr, "ppsmon: %s: %s\n", src[i]->name, strerror(-r));
				rc = 3;
				goto out;
			}
			if (r == 0) {
				/* no pulse for 3 s: say so once per silence */
				if (mono_now() - last_edge[i] > 3000000000LL) {
					fprintf(stderr, "ppsmon: %s: no pulse for 3 s\n", src[i]->name);
					last_edge[i] = mono_now();
				}
				continue;
			}
			last_edge[i] = mono_now();
			edge_te(&e, &key, &te);
			/* a second edge in the same second is a spurious pulse:
			 * it must not pair with the other source's edge */
			if (o->n_src == 2 && seen[i] && key <= last_key[i]) {
				s->duplicates++;
				snprintf(where, sizeof(where), "%s second %lld", src[i]->name, key);
				series_event(s, "spurious pulse (%.1f ns from the second), dropped",
					     where, te, 0);
				continue;
			}
			seen[i] = 1;
			last_key[i] = key;
			pend_key[i] = key;
			pend_te[i] = te;
			have[i] = 1;
			if (o->n_src == 2 && !(have[0] && have[1] && pend_key[0] == pend_key[1])) {
				continue; /* wait for the partner edge of the same second */
			}
			if (o->n_src == 2) {
				te = pend_te[0] - pend_te[1];
				have[0] = have[1] = 0;
			}
			snprintf(where, sizeof(where), "%s%s%s second %lld", src[0]->name,
				 o->n_src == 2 ? " - " : "", o->n_src == 2 ? src[1]->name : "", key);
			r = series_add(s, key, te, where);
			if (r == -ERANGE) {
				fprintf(stderr, "ppsmon: %s: gap of %lld s: statistics restarted\n", where,
					key - s->last_key - 1);
				series_reset(s);
				r = series_add(s, key, te, where);
			}
			if (r) {
				fprintf(stderr, "ppsmon: %s\n", strerror(-r));
				rc = 3;
				goto out;
			}
			if (key >= next_line) {
				if (next_line) {
					summary_line(lines, key, s);
				}
				next_line = key + (long long)o->interval_s;
			}
			if (o->count && s->accepted >= o->count) {
				applet_stop = 1;
			}
		}
		if (o->duration_s > 0 && mono_now() - start >= (tmv_t)(o->duration_s * 1e9)) {
			break;
		}
	}
out:
	for (i = 0; i < 2; i++) {
		pps_destroy(src[i]);
	}
	return rc;
}

/* ---- command line ---- */

static int parse_double(const char *opt, const char *v, double lo, double hi, double *out)
{
	char *end;
	double d;
	if (!v) {
		fprintf(stderr, "ppsmon: %s needs a value\n", opt);
		return -1;
	}
	d = strtod(v, &end);
	if (*end || !(d >= lo && d <= hi)) {
		fprintf(stderr, "ppsmon: %s %s: expected a number in [%g, %g]\n", opt, v, lo, hi);
		return -1;
	}
	*out = d;
	return 0;
}

static int add_masks(struct opts *o, const char *list)
{
	char buf[256], *tok, *save = NULL;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct te_mask *m = mask_find(tok);
		const struct te_mask *t;
		if (!m) {
			fprintf(stderr, "ppsmon: --mask %s: unknown, allowed:", tok);
			for (t = te_masks; t->name; t++) {
				fprintf(stderr, " %s", t->name);
			}
			fputc('\n', stderr);
			return -1;
		}
		if (o->n_masks == TE_MAX_MASKS) {
			fprintf(stderr, "ppsmon: at most %d masks\n", TE_MAX_MASKS);
			return -1;
		}
		o->masks[o->n_masks++] = m;
	}
	return 0;
}

static int add_taus(struct opts *o, const char *list)
{
	char buf[1024], *tok, *save = NULL;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		double t, *nl;
		if (parse_double("--tau", tok, 1e-9, 1e12, &t)) {
			return -1;
		}
		nl = realloc(o->tau_list, (o->n_tau_list + 1) * sizeof(*nl));
		if (!nl) {
			return -1;
		}
		o->tau_list = nl;
		o->tau_list[o->n_tau_list++] = t;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int i;
	double d;

	o->units = 1;
	o->taus = TAUS_DECADE;
	o->outlier_ns = 1000;
	o->max_gap_s = 3600;
	o->interval_s = 10;
	o->window = 86400;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(ppsmon_usage, stdout);
			exit(0);
		} else if (!strcmp(a, "--list-masks")) {
			const struct te_mask *m;
			for (m = te_masks; m->name; m++) {
				printf("%-18s %s: max|TE| %g ns%s%s\n", m->name, m->title, m->max_te_ns,
				       m->n_mtie ? ", MTIE" : "", m->n_tdev ? ", TDEV" : "");
			}
			exit(0);
		} else if (!strcmp(a, "--pps") || !strcmp(a, "--phc") || !strcmp(a, "--input")) {
			if (!v) {
				fprintf(stderr, "ppsmon: %s needs a value\n", a);
				return -1;
			}
			if (o->n_src == 2) {
				fprintf(stderr, "ppsmon: at most two sources\n");
				return -1;
			}
			o->src[o->n_src].kind = a[2] == 'p' ? (a[3] == 'p' ? SRC_PPS : SRC_PHC) : SRC_INPUT;
			o->src[o->n_src].path = v;
			o->src[o->n_src].channel = -1;
			o->src[o->n_src].pin = -2;
			o->n_src++;
			i++;
		} else if (!strcmp(a, "--channel") || !strcmp(a, "--pin")) {
			if (!o->n_src || o->src[o->n_src - 1].kind != SRC_PHC) {
				fprintf(stderr, "ppsmon: %s goes after --phc DEV\n", a);
				return -1;
			}
			if (parse_double(a, v, a[3] == 'i' ? -1 : 0, 255, &d)) {
				return -1;
			}
			if (d != floor(d)) {
				fprintf(stderr, "ppsmon: %s %s: expected an integer\n", a, v);
				return -1;
			}
			if (a[3] == 'i') {
				o->src[o->n_src - 1].pin = (int)d;
			} else {
				o->src[o->n_src - 1].channel = (int)d;
			}
			i++;
		} else if (!strcmp(a, "--units")) {
			if (!v || (strcmp(v, "s") && strcmp(v, "ns"))) {
				fprintf(stderr, "ppsmon: --units %s: allowed s|ns\n", v ? v : "");
				return -1;
			}
			o->units = strcmp(v, "s") ? 1 : 1e9;
			i++;
		} else if (!strcmp(a, "--tau0")) {
			if (parse_double(a, v, 1e-6, 86400, &o->tau0)) {
				return -1;
			}
			i++;
		} else if (!strcmp(a, "--tau")) {
			if (!v || add_taus(o, v)) {
				if (!v) {
					fprintf(stderr, "ppsmon: --tau needs a value\n");
				}
				return -1;
			}
			i++;
		} else if (!strcmp(a, "--taus")) {
			if (!v || (strcmp(v, "decade") && strcmp(v, "octave"))) {
				fprintf(stderr, "ppsmon: --taus %s: allowed decade|octave\n", v ? v : "");
				return -1;
			}
			o->taus = strcmp(v, "decade") ? TAUS_OCTAVE : TAUS_DECADE;
			i++;
		} else if (!strcmp(a, "--lpf")) {
			if (parse_double(a, v, 1, 1e7, &d)) {
				return -1;
			}
			o->lpf = (size_t)d;
			i++;
		} else if (!strcmp(a, "--mask")) {
			if (!v) {
				fprintf(stderr, "ppsmon: --mask needs a value\n");
				return -1;
			}
			if (add_masks(o, v)) {
				return -1;
			}
			i++;
		} else if (!strcmp(a, "--json")) {
			o->json = 1;
		} else if (!strcmp(a, "--svg")) {
			if (!v) {
				fprintf(stderr, "ppsmon: --svg needs a file\n");
				return -1;
			}
			o->svg = v;
			i++;
		} else if (!strcmp(a, "--outlier")) {
			if (parse_double(a, v, 0, 1e12, &o->outlier_ns)) {
				return -1;
			}
			i++;
		} else if (!strcmp(a, "--drop-outliers")) {
			o->drop_outliers = 1;
		} else if (!strcmp(a, "--max-gap")) {
			if (parse_double(a, v, 0, 1e7, &o->max_gap_s)) {
				return -1;
			}
			i++;
		} else if (!strcmp(a, "--interval")) {
			if (parse_double(a, v, 1, 86400, &o->interval_s)) {
				return -1;
			}
			i++;
		} else if (!strcmp(a, "--count")) {
			if (parse_double(a, v, 1, 1e12, &d)) {
				return -1;
			}
			o->count = (unsigned long long)d;
			i++;
		} else if (!strcmp(a, "--duration")) {
			if (parse_double(a, v, 1, 1e9, &o->duration_s)) {
				return -1;
			}
			i++;
		} else if (!strcmp(a, "--window")) {
			if (parse_double(a, v, 16, 1e9, &d)) {
				return -1;
			}
			o->window = (size_t)d;
			i++;
		} else {
			fprintf(stderr, "ppsmon: unknown option %s (ptpbox ppsmon --help)\n", a);
			return -1;
		}
	}
	if (!o->n_src) {
		fprintf(stderr, "ppsmon: no source: --pps DEV, --phc DEV --channel K or --input FILE\n");
		return -1;
	}
	for (i = 0; i < o->n_src; i++) {
		if ((o->src[i].kind == SRC_INPUT) != (o->src[0].kind == SRC_INPUT)) {
			fprintf(stderr, "ppsmon: recorded and live sources cannot be mixed\n");
			return -1;
		}
		if (o->src[i].kind == SRC_PHC && o->src[i].channel < 0) {
			fprintf(stderr, "ppsmon: --phc %s needs --channel K\n", o->src[i].path);
			return -1;
		}
		if (o->src[i].kind == SRC_INPUT && !strcmp(o->src[i].path, "-") && o->n_src == 2 &&
		    !strcmp(o->src[1 - i].path, "-")) {
			fprintf(stderr, "ppsmon: only one input can be stdin\n");
			return -1;
		}
	}
	if (o->src[0].kind != SRC_INPUT && o->tau0 && o->tau0 != 1) {
		fprintf(stderr, "ppsmon: --tau0 %g: live sources give one sample per second\n", o->tau0);
		return -1;
	}
	if (o->src[0].kind != SRC_INPUT || o->tau0) {
		return check_taus(o, o->tau0 ? o->tau0 : 1);
	}
	return 0;
}

int ppsmon_main(int argc, char **argv)
{
	struct opts o;
	struct series s;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	if (parse_args(argc, argv, &o)) {
		free(o.tau_list);
		return 1;
	}
	s.log = stderr;
	s.screen.threshold_ns = o.outlier_ns;
	s.drop_outliers = o.drop_outliers;
	if (o.src[0].kind == SRC_INPUT) {
		s.window = 0;
		rc = load_recorded(&o, &s);
	} else {
		s.window = o.window;
		rc = run_live(&o, &s);
	}
	if (!rc || (o.src[0].kind != SRC_INPUT && s.n)) {
		int r2 = report(&o, &s);
		if (!rc) {
			rc = r2;
		}
	}
	free(s.x);
	free(o.tau_list);
	return rc;
}
