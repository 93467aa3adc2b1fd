/* SPDX-License-Identifier: BSD-2-Clause */
/* ppsmon reports: text, JSON and SVG. */
#include "te_report.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "../core/util.h"

static void verdict_text(FILE *f, const struct te_mask *m, const struct mask_verdict *v)
{
	if (!v->checked) {
		fprintf(f, "mask %s (%s): no limit applies to these taus\n", m->name, m->title);
		return;
	}
	fprintf(f, "mask %s (%s): %s, worst %s", m->name, m->title, v->pass ? "PASS" : "FAIL",
		mask_what_str(v->worst));
	if (v->worst != MASK_MAX_TE) {
		fprintf(f, " at tau %g s", v->worst_tau_s);
	}
	fprintf(f, ", margin %.3f ns (%d limits checked)\n", v->margin_ns, v->checked);
}

void te_report_text(FILE *f, const struct te_result *r)
{
	size_t i, j;

	fprintf(f, "%s: %zu samples, tau0 %g s", r->relative ? "relative time error" : "time error",
		r->samples, r->tau0_s);
	if (r->lpf) {
		fprintf(f, ", moving average of %zu", r->lpf);
	}
	fprintf(f, "\nmissing %llu, outliers %llu, duplicates %llu\n",
		(unsigned long long)r->missing, (unsigned long long)r->outliers,
		(unsigned long long)r->duplicates);
	fprintf(f, "constant TE (mean) %12.3f ns\n", r->sum.mean_ns);
	fprintf(f, "max|TE|            %12.3f ns\n", r->sum.max_abs_ns);
	fprintf(f, "TE rms             %12.3f ns\n", r->sum.rms_ns);
	fprintf(f, "TE min / max       %12.3f / %.3f ns\n", r->sum.min_ns, r->sum.max_ns);
	fprintf(f, "%12s %14s %14s\n", "tau (s)", "MTIE (ns)", "TDEV (ns)");
	/* both lists ascend; TDEV's is a prefix-compatible subset in practice
	 * but merge them anyway */
	i = j = 0;
	while (i < r->n_mtie || j < r->n_tdev) {
		double t;
		if (j >= r->n_tdev || (i < r->n_mtie && r->mtie[i].tau_s <= r->tdev[j].tau_s)) {
			t = r->mtie[i].tau_s;
		} else {
			t = r->tdev[j].tau_s;
		}
		fprintf(f, "%12g ", t);
		if (i < r->n_mtie && r->mtie[i].tau_s == t) {
			fprintf(f, "%14.3f ", r->mtie[i++].ns);
		} else {
			fprintf(f, "%14s ", "-");
		}
		if (j < r->n_tdev && r->tdev[j].tau_s == t) {
			fprintf(f, "%14.3f\n", r->tdev[j++].ns);
		} else {
			fprintf(f, "%14s\n", "-");
		}
	}
	for (i = 0; i < r->n_masks; i++) {
		verdict_text(f, r->masks[i], &r->verdicts[i]);
	}
}

/* JSON numbers: finite with enough digits, null otherwise */
static void jnum(FILE *f, double v)
{
	if (isfinite(v)) {
		fprintf(f, "%.10g", v);
	} else {
		fputs("null", f);
	}
}

static void jpoints(FILE *f, const struct te_point *p, size_t n)
{
	size_t i;
	fputc('[', f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s{\"tau_s\":", i ? "," : "");
		jnum(f, p[i].tau_s);
		fputs(",\"ns\":", f);
		jnum(f, p[i].ns);
		fputc('}', f);
	}
	fputc(']', f);
}

void te_report_json(FILE *f, const struct te_result *r)
{
	size_t i;

	fprintf(f, "{\"samples\":%zu,\"tau0_s\":", r->samples);
	jnum(f, r->tau0_s);
	fputs(",\"mean_te_ns\":", f);
	jnum(f, r->sum.mean_ns);
	fputs(",\"max_abs_te_ns\":", f);
	jnum(f, r->sum.max_abs_ns);
	fputs(",\"te_rms_ns\":", f);
	jnum(f, r->sum.rms_ns);
	fputs(",\"min_te_ns\":", f);
	jnum(f, r->sum.min_ns);
	fputs(",\"max_te_ns\":", f);
	jnum(f, r->sum.max_ns);
	fprintf(f, ",\"relative\":%s,\"lpf\":%zu,\"missing\":%llu,\"outliers\":%llu,"
		   "\"duplicates\":%llu,\"mtie\":",
		r->relative ? "true" : "false", r->lpf, (unsigned long long)r->missing,
		(unsigned long long)r->outliers, (unsigned long long)r->duplicates);
	jpoints(f, r->mtie, r->n_mtie);
	fputs(",\"tdev\":", f);
	jpoints(f, r->tdev, r->n_tdev);
	fputs(",\"masks\":[", f);
	for (i = 0; i < r->n_masks; i++) {
		const struct mask_verdict *v = &r->verdicts[i];
		fprintf(f, "%s{\"name\":\"%s\",\"pass\":%s,\"checked\":%d,\"worst\":\"%s\","
			   "\"worst_tau_s\":",
			i ? "," : "", r->masks[i]->name, v->pass ? "true" : "false", v->checked,
			v->checked ? mask_what_str(v->worst) : "");
		if (v->checked && v->worst != MASK_MAX_TE) {
			jnum(f, v->worst_tau_s);
		} else {
			fputs("null", f);
		}
		fputs(",\"margin_ns\":", f);
		if (v->checked) {
			jnum(f, v->margin_ns);
		} else {
			fputs("null", f);
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
}

/* ---- SVG: two log-log panels (MTIE, TDEV), masks dashed and labelled at
 * their right end, measurement solid with markers ---- */

struct axis {
	double x0, y0, w, h;       /* plot area, px */
	double lxmin, lxmax;       /* log10 tau range */
	double lymin, lymax;       /* log10 ns range */
};

static double px(const struct axis *a, double tau)
{
	return a->x0 + (log10(tau) - a->lxmin) / (a->lxmax - a->lxmin) * a->w;
}

static double py(const struct axis *a, double ns)
{
	double l = log10(ns);
	if (l < a->lymin) {
		l = a->lymin;
	}
	return a->y0 + a->h - (l - a->lymin) / (a->lymax - a->lymin) * a->h;
}

/* a light outline keeps labels readable where they cross a line */
#define HALO " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\""

static const char *const palette[] = { "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
				       "#8c564b", "#e377c2", "#17becf", "#7f7f7f" };

static void svg_panel(FILE *f, const struct axis *a, const char *what, const struct te_point *p,
		      size_t n, const struct te_result *r, int tdev)
{
	int d, i;
	size_t k, mi;

	/* frame and decade grid */
	fprintf(f, "<g class=\"panel\" id=\"%s\">\n", what);
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"white\" "
		   "stroke=\"#333\"/>\n",
		a->x0, a->y0, a->w, a->h);
	for (d = (int)a->lxmin; d <= (int)a->lxmax; d++) {
		double x = px(a, pb_pow(10, d));
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x,
			a->y0, x, a->y0 + a->h);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%g</text>\n",
			x, a->y0 + a->h + 15, pb_pow(10, d));
	}
	for (d = (int)a->lymin; d <= (int)a->lymax; d++) {
		double y = py(a, pb_pow(10, d));
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			a->x0, y, a->x0 + a->w, y);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
			a->x0 - 5, y + 4, pb_pow(10, d));
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" text-anchor=\"middle\">"
		   "observation interval &#964; (s)</text>\n",
		a->x0 + a->w / 2, a->y0 + a->h + 35);
	fprintf(f, "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" font-size=\"13\" "
		   "text-anchor=\"middle\">%s (ns)</text>\n",
		a->x0 - 45, a->y0 + a->h / 2, what);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"15\" font-weight=\"bold\" "
		   "text-anchor=\"middle\">%s</text>\n",
		a->x0 + a->w / 2, a->y0 - 10, what);

	/* masks: sample the limit on a fine log grid, break where undefined */
	for (mi = 0; mi < r->n_masks; mi++) {
		const struct te_mask *m = r->masks[mi];
		const struct mask_seg *seg = tdev ? m->tdev : m->mtie;
		size_t nseg = tdev ? m->n_tdev : m->n_mtie;
		const char *col = palette[mi % (sizeof(palette) / sizeof(palette[0]))];
		int open = 0, steps = 400;
		double lx = 0, ly = 0;

		if (!nseg) {
			continue;
		}
		fprintf(f, "<path class=\"mask\" data-mask=\"%s\" fill=\"none\" stroke=\"%s\" "
			   "stroke-width=\"2\" stroke-dasharray=\"8 4\" d=\"",
			m->name, col);
		for (i = 0; i <= steps; i++) {
			double t = pb_pow(10, a->lxmin + (a->lxmax - a->lxmin) * i / steps);
			double lim = mask_limit(seg, nseg, t);
			if (isnan(lim) || lim <= 0) {
				open = 0;
				continue;
			}
			fprintf(f, "%s%.1f %.1f ", open ? "L" : "M", px(a, t), py(a, lim));
			lx = px(a, t);
			ly = py(a, lim);
			open = 1;
		}
		fputs("\"/>\n", f);
		if (lx > 0) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"%s\" "
				   "text-anchor=\"end\"%s>%s mask</text>\n",
				lx - 2, ly - 5, col, HALO, m->name);
		}
	}

	/* the measurement */
	if (n) {
		fprintf(f, "<polyline class=\"measured\" fill=\"none\" stroke=\"#1f3b99\" "
			   "stroke-width=\"2.5\" points=\"");
		for (k = 0; k < n; k++) {
			fprintf(f, "%.1f,%.1f ", px(a, p[k].tau_s), py(a, p[k].ns > 0 ? p[k].ns : 1e-300));
		}
		fputs("\"/>\n", f);
		for (k = 0; k < n; k++) {
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f3b99\"/>\n",
				px(a, p[k].tau_s), py(a, p[k].ns > 0 ? p[k].ns : 1e-300));
		}
		/* label on the side of the first point the line leaves free */
		{
			double y0 = py(a, p[0].ns > 0 ? p[0].ns : 1e-300);
			double y1 = n > 1 ? py(a, p[1].ns > 0 ? p[1].ns : 1e-300) : y0;
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#1f3b99\" "
				   "font-weight=\"bold\"%s>measured %s</text>\n",
				px(a, p[0].tau_s) + 6, y1 <= y0 ? y0 + 18 : y0 - 8, HALO, what);
		}
	}
	fputs("</g>\n", f);
}

/* decade range covering the points and, on the y axis, the masks there */
static void ranges(const struct te_point *p, size_t n, const struct te_result *r, int tdev,
		   double *lxmin, double *lxmax, double *lymin, double *lymax)
{
	double tmin = INFINITY, tmax = 0, vmin = INFINITY, vmax = 0;
	size_t k, mi;

	for (k = 0; k < n; k++) {
		tmin = fmin(tmin, p[k].tau_s);
		tmax = fmax(tmax, p[k].tau_s);
		if (p[k].ns > 0) {
			vmin = fmin(vmin, p[k].ns);
			vmax = fmax(vmax, p[k].ns);
		}
	}
	if (!n) {
		tmin = 1;
		tmax = 10;
	}
	*lxmin = floor(log10(tmin));
	*lxmax = ceil(log10(tmax));
	if (*lxmax <= *lxmin) {
		*lxmax = *lxmin + 1;
	}
	for (mi = 0; mi < r->n_masks; mi++) {
		const struct te_mask *m = r->masks[mi];
		int i;
		for (i = 0; i <= 40; i++) {
			double t = pb_pow(10, *lxmin + (*lxmax - *lxmin) * i / 40.0);
			double lim = tdev ? mask_limit(m->tdev, m->n_tdev, t)
					  : mask_limit(m->mtie, m->n_mtie, t);
			if (!isnan(lim) && lim > 0) {
				vmin = fmin(vmin, lim);
				vmax = fmax(vmax, lim);
			}
		}
	}
	if (!(vmax > 0)) {
		vmin = 1;
		vmax = 10;
	}
	*lymin = floor(log10(vmin));
	*lymax = ceil(log10(vmax));
	if (*lymax <= *lymin) {
		*lymax = *lymin + 1;
	}
}

int te_report_svg(const char *path, const struct te_result *r)
{
	FILE *f = fopen(path, "w");
	struct axis a;
	size_t i;
	int err;

	if (!f) {
		return -errno;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" height=\"520\" "
		   "viewBox=\"0 0 1000 520\" font-family=\"sans-serif\">\n"
		   "<rect width=\"1000\" height=\"520\" fill=\"#fafafa\"/>\n");
	fprintf(f, "<text x=\"500\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">"
		   "%s: %zu samples, &#964;0 %g s%s, mean %.2f ns, max|TE| %.2f ns</text>\n",
		r->relative ? "relative time error" : "time error", r->samples, r->tau0_s,
		r->lpf ? " (moving average)" : "", r->sum.mean_ns, r->sum.max_abs_ns);
	fprintf(f, "<text x=\"500\" y=\"42\" font-size=\"13\" text-anchor=\"middle\">");
	for (i = 0; i < r->n_masks; i++) {
		fprintf(f, "%s%s %s", i ? " &#183; " : "", r->masks[i]->name,
			!r->verdicts[i].checked ? "n/a" : r->verdicts[i].pass ? "PASS" : "FAIL");
	}
	if (!r->n_masks) {
		fputs("no mask selected", f);
	}
	fputs("</text>\n", f);
	a.x0 = 80;
	a.y0 = 80;
	a.w = 380;
	a.h = 370;
	ranges(r->mtie, r->n_mtie, r, 0, &a.lxmin, &a.lxmax, &a.lymin, &a.lymax);
	svg_panel(f, &a, "MTIE", r->mtie, r->n_mtie, r, 0);
	a.x0 = 590;
	ranges(r->tdev, r->n_tdev, r, 1, &a.lxmin, &a.lxmax, &a.lymin, &a.lymax);
	svg_panel(f, &a, "TDEV", r->tdev, r->n_tdev, r, 1);
	fprintf(f, "<text x=\"500\" y=\"510\" font-size=\"11\" fill=\"#555\" text-anchor=\"middle\">"
		   "solid: measured &#183; dashed: mask limits &#183; ptpbox ppsmon</text>\n");
	fputs("</svg>\n", f);
	err = ferror(f) ? -EIO : 0;
	if (fclose(f) && !err) {
		err = -errno;
	}
	return err;
}
