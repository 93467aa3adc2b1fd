/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Envelope servo (clock_servo envelope): phase and frequency from the
 * minimum-delay envelope of the two directions of the delay
 * request-response mechanism (IEEE 1588-2019 11.3).
 *
 * Model.  Let x(t) be the local clock's offset from the master (ns,
 * positive = ahead) and C(t) the phase the servo's own frequency
 * adjustments added (the integral of the adjustment, ppb x s = ns), so that
 * x(t) - C(t) = x0 + f t is the free-running clock, f its frequency error
 * (ns/s = ppb) over a window short against its wander.  Each Sync gives
 *     a = t2 - t1 - c = d_ms + x(t2),      each Delay_Req  b = t4 - t3 - c = d_sm - x(t3)
 * where the delays d are a fixed minimum plus one-sided queueing delay
 * (a queue only ever adds delay).  With a_i - C(t_i) and b_j + C(t_j):
 *     a_i - C - f t_i = x0 + dmin_ms + q_i,   b_j + C + f t_j = dmin_sm - x0 + q_j,   q >= 0.
 * For exponential q (the waiting time of a queue with random arrivals,
 * the usual model of packet delay variation) the likelihood is
 * exp(-sum q / beta) on q >= 0: the
 * maximum-likelihood f minimises the summed residuals above the two lower
 * envelopes, a convex piecewise-linear function of f,
 *     G(f) = sum_i (a_i - f t_i) - N_a min_i (a_i - f t_i)
 *          + sum_j (b_j + f t_j) - N_b min_j (b_j + f t_j),
 * whose subgradient N_a (t_a*(f) - mean t_a) - N_b (t_b*(f) - mean t_b) is
 * non-decreasing (t* the time of the minimising point): bisection finds
 * the root.  Then x0 = (A0 - B0) / 2 with A0, B0 the two envelopes at now,
 * assuming dmin_ms = dmin_sm (the assumption of 11.3.2; delayAsymmetry is
 * removed by the caller).  The estimate's error falls as beta / N (the
 * minimum of N exponential samples) instead of beta / sqrt(N) for an
 * average, and a software stamp's scheduling outlier only adds delay: it is
 * never the envelope.
 *
 * Window.  The points of the last W seconds: the envelope's error
 * ~ beta T / W (T the sample interval) falls with W, the model error from
 * the frequency's random walk (wander w, ppb/sqrt(s)) grows as w W^1.5;
 * the sum is least near W = k (beta T / w)^0.4 (at least 4 T).  beta is measured (the
 * mean residual above the envelope), T from sync_interval(), w is
 * servo_wander.  Until a window spans half its length the frequency of
 * the last full window is kept (a master switch, a step, a restart).
 *
 * Control.  adj = -f' - x(now) / tau, f' the estimates of f averaged over
 * about a window: the frequency error cancelled, the estimated offset
 * removed over tau = W / 4 (both tuned in the simulator's reference world).
 *
 * Outliers.  A point far below the rest of its side cannot be queueing:
 * up to four such points are left out (env_reject).
 *
 * Holdover: the mean adjustment of the last 60 s (while locked the phase
 * is bounded, so that is the frequency error to within a few ns / 60 s),
 * and its drift when that is a real ramp (env_holdover_drift).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "servo.h"
#include "util.h"

#define ENV_HOLD_TAU 60.0   /* s: averaging time of the held frequency */
#define ENV_DRIFT_STEP 10.0 /* s between the held frequencies the drift is fitted to */
#define ENV_DRIFT_N 60	    /* of them: 600 s */
#define ENV_GAP_MIN_NS 20.0 /* below this a low point is never an outlier */
#define ENV_REJECT_MAX 4     /* most points below the envelope left out */
#define ENV_MAX 256 /* points per direction */
#define ENV_SHAPE_LO 0.72 /* shape_r below: a soft floor, the means estimate the phase */
#define ENV_SHAPE_HI 0.80 /* above: a sharp one, the envelope */
#define ENV_BP 16   /* remembered adjustment changes, for C(t) of a past t3 */

struct env_pt {
	tmv_t t;  /* local time, ns */
	double v; /* a - C(t) or b + C(t), ns */
};

struct env_dir {
	struct env_pt p[ENV_MAX];
	int head, n; /* ring: oldest at head */
};

struct env_bp {
	tmv_t t;    /* local time of the change, ns */
	double c;   /* C(t) there, ns */
	double adj; /* adjustment from there on, ppb */
};

/* One direction's points relative to now: dt (s) and value; sign +1 for
 * a (the envelope of v - f dt), -1 for b (of v + f dt). */
struct env_side {
	double dt[ENV_MAX], v[ENV_MAX], mean_dt;
	/* v - sign f dt at the last estimate f (env_side_load) */
	double r[ENV_MAX];
	int n;
	double sign;
	/* the points that can be the floor for f within a bracket (env_slope,
	 * cdt and cv), or all (dt and v) */
	double cdt[ENV_MAX], cv[ENV_MAX];
	const double *pdt, *pv;
	int nc;
	/* the ENV_REJECT_MAX + 1 lowest r, sorted, and their indices */
	double lr[ENV_REJECT_MAX + 1];
	int li[ENV_REJECT_MAX + 1], nl;
};

/* The wander estimate (see env_wander_*): the free-running phase as block
 * minima of the two envelopes every tau0 s, averaged in pairs into blocks of
 * tau0 2^L s; per level the mean square of the blocks' second difference. */
#define ENV_LVL 10	   /* levels: tau0 .. 512 tau0 */
#define ENV_LVL_AVG 32.0   /* blocks the mean square averages over */
#define ENV_LVL_MIN 8	   /* blocks before a level counts */
#define ENV_NOISE_MIN 1.0  /* ns^2: the least noise of level 0 (whole-ns values) */
#define ENV_HADAMARD 0.55  /* E[D^2] = 0.55 w^2 tau^3 under a random walk w */

struct env_lvl {
	double p[2];	 /* the last two block phases, ns (newest in p[1]) */
	int np;		 /* of them valid (0..2) */
	double acc;	 /* the first of a pair, for the next level */
	int nacc;
	double ms;	 /* mean square second difference, ns^2 */
	int count;	 /* second differences seen (capped) */
};

struct env {
	struct servo servo;
	struct env_dir fwd, rev;
	struct env_bp bp[ENV_BP];
	int nbp;
	double last_adj; /* what the servo last returned, ppb */
	double f;	 /* free-running frequency error, ppb (ns/s) */
	int have_f;
	double beta;	 /* queueing delay scale, ns (0: not measured yet) */
	double interval; /* s */
	double wander;	 /* ppb/sqrt(s) */
	double window;	 /* s */
	double tau;	 /* s */
	double f_span;	 /* s: the span of the points f came from */
	double f_smooth; /* ppb: f averaged over about a window */
	double hold;	 /* ppb: mean adjustment while locked (holdover) */
	tmv_t hold_t;	 /* local time of the last averaged adjustment, ns */
	double hold_age; /* s averaged so far */
	double hist[ENV_DRIFT_N]; /* hold every ENV_DRIFT_STEP s, ring */
	int hist_n, hist_head;
	double hist_age;	  /* hold_age of the last entry, s */
	int have_hold;
	double shape_r;	 /* sd / mean of the residuals above the envelope (1: exponential) */
	int use_mean;	 /* the phase from the sides' means, not their floors */
	double wander_hint;	  /* servo_wander: > 0 fixed, 0 estimated */
	double wander_est;	  /* the last estimate, ppb/sqrt(s) (0: none yet) */
	int wander_lvl;		  /* the level it came from */
	int wander_new;		  /* a level's mean square moved since */
	struct env_lvl lvl[ENV_LVL];
	double tau0;		  /* s: level 0's block */
	tmv_t blk_t;		  /* local start of the block, ns */
	double blk_a, blk_b;	  /* block minima of the two sides, ns */
	int blk_on;
	struct env_side sa, sb; /* scratch, 8 KB */
};

/* C(t), ns: the phase the adjustments added since the last reset. */
static double env_c(const struct env *e, tmv_t t)
{
	int k = e->nbp - 1;

	while (k > 0 && e->bp[k].t > t) {
		k--;
	}
	return e->bp[k].c + e->bp[k].adj * (double)(t - e->bp[k].t) * 1e-9;
}

/* The adjustment adj applies from local time t on. */
static void env_set_adj(struct env *e, tmv_t t, double adj)
{
	struct env_bp b = { t, env_c(e, t), adj };

	if (e->nbp == ENV_BP) {
		memmove(&e->bp[0], &e->bp[1], sizeof(e->bp[0]) * (ENV_BP - 1));
		e->nbp--;
	}
	e->bp[e->nbp++] = b;
	e->last_adj = adj;
}

static void env_lvl_break(struct env *e);

static void env_forget(struct env *e, tmv_t t, double adj)
{
	env_lvl_break(e);
	e->fwd.n = e->rev.n = 0;
	e->nbp = 0;
	e->bp[0] = (struct env_bp){ t, 0, adj };
	e->nbp = 1;
	e->last_adj = adj;
}

static void env_push(struct env_dir *d, tmv_t t, double v)
{
	int i = (d->head + d->n) % ENV_MAX;

	d->p[i].t = t;
	d->p[i].v = v;
	if (d->n < ENV_MAX) {
		d->n++;
	} else {
		d->head = (d->head + 1) % ENV_MAX;
	}
}

static void env_prune(struct env_dir *d, tmv_t from)
{
	while (d->n > 0 && d->p[d->head].t < from) {
		d->head = (d->head + 1) % ENV_MAX;
		d->n--;
	}
}

/* All points candidates. */
static void env_all(struct env_side *s)
{
	s->nc = s->n;
	s->pdt = s->dt;
	s->pv = s->v;
}

/* The points of a direction relative to now, oldest first (the ring in
 * its two runs), their residuals r at f (ppb), all of them candidates. */
static void env_side_load(struct env_side *s, const struct env_dir *d, tmv_t now, double sign,
			  double f)
{
	double *restrict dtp = s->dt, *restrict vp = s->v, *restrict rp = s->r, sum = 0, sf = sign * f;
	double *restrict lr = s->lr;
	const struct env_pt *p = d->p;
	int n = d->n, k = 0, i = d->head, end = i + n, nl = 0, j;

	while (k < n) {
		for (; i < end && i < ENV_MAX; i++, k++) {
			double dt = (double)(p[i].t - now) * 1e-9, v = p[i].v;
			dtp[k] = dt;
			vp[k] = v;
			double r = v - sf * dt;
			rp[k] = r;
			sum += dt;
			/* the ENV_REJECT_MAX + 1 lowest r (env_reject) */
			if (nl == ENV_REJECT_MAX + 1 && r >= lr[nl - 1]) {
				continue;
			}
			j = nl < ENV_REJECT_MAX + 1 ? nl++ : nl - 1;
			for (; j > 0 && lr[j - 1] > r; j--) {
				lr[j] = lr[j - 1];
				s->li[j] = s->li[j - 1];
			}
			lr[j] = r;
			s->li[j] = k;
		}
		i = 0;
		end -= ENV_MAX;
	}
	s->n = n;
	s->nl = nl;
	s->sign = sign;
	s->mean_dt = n ? sum / n : 0;
	env_all(s);
}

/* min over the candidates of v - sign f dt, ns; *at gets the dt of the
 * minimum. */
static double env_floor(const struct env_side *s, double f, double *at)
{
	const double *restrict dt = s->pdt, *restrict v = s->pv;
	double best = INFINITY, sf = s->sign * f, t = 0;
	int k, n = s->nc;

	for (k = 0; k < n; k++) {
		double r = v[k] - sf * dt[k];
		if (r < best) {
			best = r;
			t = dt[k];
		}
	}
	*at = t;
	return best;
}

/* The subgradient of G at f over the candidates (see the top); t: the
 * dt of the floors of a and b at f, found here but for those known (bit 0
 * of known: a's, bit 1: b's). */
static double env_grad(const struct env_side *a, const struct env_side *b, double f, double *t,
		       int known)
{
	if (!(known & 1)) {
		env_floor(a, f, &t[0]);
	}
	if (!(known & 2)) {
		env_floor(b, f, &t[1]);
	}
	return a->n * (t[0] - a->mean_dt) - b->n * (t[1] - b->mean_dt);
}

/* Keep as candidates the points of a side that can be its floor for some
 * f within d of the last estimate f0 (the f of r): r(f) = r -+ d |dt|, so
 * those with r - d |dt| not above m, the least r + d |dt|.  One pass: a
 * point is kept when not above the least so far (m only falls), then that
 * superset is sifted with the final m (r = v - sign f0 dt: the same bits).
 * Few (those within ~2 d W of the floor): the bisection and the floors at
 * f0 -+ d and at the new estimate then run over them only. */
static void env_cand(struct env_side *s, double f0, double d)
{
	const double *restrict dtp = s->dt, *restrict vp = s->v, *restrict rp = s->r;
	double *restrict cdt = s->cdt, *restrict cv = s->cv, m = INFINITY, sf = s->sign * f0;
	int k, n = s->n, ns = 0, nc = 0;

	for (k = 0; k < n; k++) {
		double h = d * fabs(dtp[k]), r = rp[k];
		m = r + h < m ? r + h : m;
		if (r - h <= m) {
			cdt[ns] = dtp[k];
			cv[ns++] = vp[k];
		}
	}
	for (k = 0; k < ns; k++) {
		if (cv[k] - sf * cdt[k] - d * fabs(cdt[k]) <= m) {
			cdt[nc] = cdt[k];
			cv[nc++] = cv[k];
		}
	}
	s->nc = nc;
	s->pdt = cdt;
	s->pv = cv;
}

/* Maximum-likelihood f (ppb) of the two sides, by bisection to 1e-4 ppb
 * (over a 100 s window 10 ps): within 0.5, 8, 128 or 2048 ppb of the last
 * estimate (the f of the sides' r), the first that brackets the root (the
 * estimate moves little from one sample to the next), else over +-1e7 ppb. */
static double env_slope(struct env_side *a, struct env_side *b, int have, double last)
{
	/* the floors' dt at lo and at hi (NAN: not known) */
	double lo = -1e7, hi = 1e7, d, tl[2], th[2];

	for (d = 0.5; have && d < 4096; d *= 16) {
		/* the floors at last -+ d are among the candidates */
		env_cand(a, last, d);
		env_cand(b, last, d);
		if (env_grad(a, b, last - d, tl, 0) < 0 && env_grad(a, b, last + d, th, 0) >= 0) {
			lo = last - d;
			hi = last + d;
			break;
		}
		env_all(a);
		env_all(b);
	}
	if (lo == -1e7) {
		tl[0] = tl[1] = th[0] = th[1] = NAN;
	}
	while (hi - lo > 1e-4) {
		/* a side's floor is the same point at lo and at hi: it is at
		 * mid too (its dt moves monotonically with f) */
		double mid = 0.5 * (lo + hi), t[2] = { tl[0], tl[1] };
		if (env_grad(a, b, mid, t, (tl[0] == th[0]) | (tl[1] == th[1]) << 1) < 0) {
			lo = mid;
			memcpy(tl, t, sizeof(t));
		} else {
			hi = mid;
			memcpy(th, t, sizeof(t));
		}
	}
	return 0.5 * (lo + hi);
}

/* Mean residual above the envelope A0 (ns), unbiased for exponential
 * delay: the minimum itself is one of the n. */
static double env_excess(const struct env_side *s, double f, double floor, double *sd)
{
	const double *restrict dt = s->dt, *restrict v = s->v;
	double sum = 0, sum2 = 0, sf = s->sign * f;
	int k, n = s->n;

	*sd = 0;
	if (s->n < 2) {
		return -1;
	}
	for (k = 0; k < n; k++) {
		double r = v[k] - sf * dt[k] - floor;
		sum += r;
		sum2 += r * r;
	}
	*sd = sqrt(fmax(0, (sum2 - sum * sum / s->n) / (s->n - 1)));
	return sum / (s->n - 1);
}

/* Leave out the lowest points of a side when they lie further below the
 * rest than queueing delay makes plausible: the spacing of the j-th and
 * (j+1)-th smallest of n exponential delays is Exp(beta / (n - j)), above
 * 16 times its mean once in 9 million.  A queue never subtracts delay:
 * such points are time stamps taken late at the sender, or corrupted or
 * forged ones, and as the envelope they would hold the phase off for a
 * whole window.  Up to ENV_REJECT_MAX at a time (a delay that really fell,
 * a new path, has more points below the old envelope within a few
 * samples).  f: the last frequency estimate, ppb; beta ns. */
static void env_reject(struct env_side *s, double beta)
{
	/* the ENV_REJECT_MAX + 1 lowest, sorted (env_side_load) */
	const double *r = s->lr;
	int *idx = s->li, m = s->nl, k, j, drop = 0;

	if (s->n < ENV_REJECT_MAX + 4 || beta <= 0) {
		return;
	}
	for (j = 1; j < m; j++) {
		if (r[j] - r[j - 1] > fmax(16 * beta / (s->n - j), ENV_GAP_MIN_NS)) {
			drop = j;
		}
	}
	/* remove the `drop` lowest, highest index first so that the moves
	 * from the end do not touch an index still to remove */
	while (drop > 0) {
		int hi = 0;
		for (j = 1; j < drop; j++) {
			hi = idx[j] > idx[hi] ? j : hi;
		}
		k = idx[hi];
		idx[hi] = idx[--drop];
		s->mean_dt += (s->mean_dt - s->dt[k]) / (s->n - 1);
		s->n--;
		s->dt[k] = s->dt[s->n];
		s->v[k] = s->v[s->n];
		s->r[k] = s->r[s->n];
		env_all(s);
	}
}

/* ---- the wander estimate ----
 * The free-running clock's phase x0 + f t (the servo's own steering C(t)
 * taken out) is seen in each tau0-long block as half the difference of the
 * two directions' minima: p = (min(a - C) - min(b + C)) / 2.  A second
 * difference D = p(k+2) - 2 p(k+1) + p(k) of blocks of tau s removes the
 * phase and the frequency; under a frequency random walk of w ppb/sqrt(s)
 * E[D^2] = 0.55 w^2 tau^3 (the integral of the squared kernel, for block
 * means), plus 6 s^2 of the blocks' measurement noise s^2, which averaging
 * blocks in pairs halves from one level to the next: level 0, where noise
 * dominates, measures it, N(L) = ms(0) / 2^L.  A frequency ramp r (drift, a
 * temperature swing) adds r^2 tau^4: its equivalent wander grows with tau,
 * so the level used is the one nearest half the window (the model error
 * the window meets) among those where the random walk stands 3x above the
 * noise (by 8 sd of the mean square); none such: the prior, 1 ppb/sqrt(s),
 * until the longer levels have data.  Squared differences above 16 x the mean square are clipped (a
 * software stamp's outlier is not wander). */
static void env_lvl_add(struct env *e, int L, double p)
{
	struct env_lvl *l = &e->lvl[L];

	if (l->np == 2) {
		double d = p - 2 * l->p[1] + l->p[0], d2 = d * d;
		if (l->count >= 4 && d2 > 16 * l->ms) {
			d2 = 16 * l->ms;
		}
		l->count += l->count < 1000;
		l->ms += (d2 - l->ms) / fmin(l->count, ENV_LVL_AVG);
		e->wander_new = 1;
		l->p[0] = l->p[1];
		l->p[1] = p;
	} else {
		l->p[l->np++] = p;
	}
	if (L + 1 < ENV_LVL) {
		if (l->nacc) {
			env_lvl_add(e, L + 1, 0.5 * (l->acc + p));
			l->nacc = 0;
		} else {
			l->acc = p;
			l->nacc = 1;
		}
	}
}

/* The phase series broke (C reset, a gap): start the chains again, keep
 * the mean squares. */
static void env_lvl_break(struct env *e)
{
	int L;

	for (L = 0; L < ENV_LVL; L++) {
		e->lvl[L].np = 0;
		e->lvl[L].nacc = 0;
	}
	e->blk_on = 0;
}

/* One point of a side (sign +1: a - C, -1: b + C) at local time t. */
static void env_blk_point(struct env *e, tmv_t t, double v, double sign)
{
	double r;

	if (!e->have_f || !e->servo.locked_once) {
		return; /* no frequency to take out of a block yet */
	}
	if (!e->blk_on) {
		e->blk_on = 1;
		e->blk_t = t;
		e->blk_a = e->blk_b = INFINITY;
	}
	if (t < e->blk_t) {
		return;
	}
	/* t >= blk_t: unsigned, the difference of any two times fits */
	if ((uint64_t)t - (uint64_t)e->blk_t >= (uint64_t)(e->tau0 * 1e9)) {
		if ((double)((uint64_t)t - (uint64_t)e->blk_t) * 1e-9 >= 2 * e->tau0 ||
		    !isfinite(e->blk_a) || !isfinite(e->blk_b)) {
			env_lvl_break(e); /* a block without one of the sides */
			env_blk_point(e, t, v, sign);
			return;
		}
		env_lvl_add(e, 0, 0.5 * (e->blk_a - e->blk_b));
		e->blk_t += (tmv_t)(e->tau0 * 1e9);
		e->blk_a = e->blk_b = INFINITY;
	}
	/* the frequency's drift within the block taken out */
	r = v - sign * e->f * (double)(t - e->blk_t) * 1e-9;
	if (sign > 0) {
		e->blk_a = fmin(e->blk_a, r);
	} else {
		e->blk_b = fmin(e->blk_b, r);
	}
}

/* 1 when level L's mean square stands above its noise by 8 sd (the mean
 * square's relative sd is sqrt(2 / n) over n blocks, Gaussian; n counted
 * up to ENV_LVL_AVG only, for heavier tails). */
static int env_lvl_signal(const struct env *e, int L)
{
	const struct env_lvl *l = &e->lvl[L];
	double noise = fmax(e->lvl[0].ms, ENV_NOISE_MIN) / (double)(1 << L);

	return l->count >= ENV_LVL_MIN &&
	       l->ms > noise * (1 + 8 * sqrt(2 / fmin(l->count, ENV_LVL_AVG)));
}

/* Level L's mean square above its noise, ns^2. */
static double env_lvl_excess(const struct env *e, int L)
{
	return e->lvl[L].ms - fmax(e->lvl[0].ms, ENV_NOISE_MIN) / (double)(1 << L);
}

/* The wander estimate, ppb/sqrt(s), 0 while there is none. */
static double env_wander_estimate(struct env *e)
{
	double best = 0, bestd = INFINITY, half = 0.5 * e->window;
	int L;

	for (L = 1; L < ENV_LVL; L++) {
		double tau = e->tau0 * (double)(1 << L);
		double dist = fmax(tau / half, half / tau);
		/* signal at this level and at the next, grown there by 2x at
		 * least (a random walk's grows 8x a level, a ramp's 16x, noise
		 * halves): one level's chance excess, or noise correlated over
		 * a few blocks (its excess stays flat), is not wander */
		if (!env_lvl_signal(e, L) || (L + 1 < ENV_LVL && (!env_lvl_signal(e, L + 1) ||
								  env_lvl_excess(e, L + 1) <
									  2 * env_lvl_excess(e, L))) ||
		    dist >= bestd) {
			continue;
		}
		bestd = dist;
		e->wander_lvl = L;
	}
	if (e->wander_lvl > 0 && bestd < INFINITY) {
		/* pooled with the neighbours that carry signal too, each by its
		 * blocks: w^2 = sum (ms - noise) n / sum 0.55 tau^3 n */
		double num = 0, den = 0;
		for (L = e->wander_lvl - 1; L <= e->wander_lvl + 1; L++) {
			double tau = e->tau0 * (double)(1 << L), n = fmin(e->lvl[L].count, 2 * ENV_LVL_AVG);
			if (L < 1 || L >= ENV_LVL || !env_lvl_signal(e, L)) {
				continue;
			}
			num += env_lvl_excess(e, L) * n;
			den += ENV_HADAMARD * tau * tau * tau * n;
		}
		best = sqrt(num / den);
	}
	return best;
}

static void env_window(struct env *e)
{
	double beta = e->beta > 0 ? e->beta : 1000;

	if (!(e->wander_hint > 0) && e->wander_new) {
		double w = env_wander_estimate(e);
		e->wander_new = 0;
		if (w > 0) {
			e->wander_est = w;
		}
		/* hysteresis: the window moves when the estimate is 1.3x off */
		if (w > 0 && (w > 1.3 * e->wander || 1.3 * w < e->wander)) {
			e->wander = fmax(w, 0.001);
		}
	}
	double w = 2.0 * pb_pow(beta * e->interval / e->wander, 0.4);

	w = fmax(w, 4 * e->interval);
	w = fmin(w, (ENV_MAX - 1) * e->interval);
	e->window = w;
	e->tau = fmax(w / 4, e->interval);
}

static enum servo_state env_sample(struct servo *s, const struct servo_meas *m,
				   struct servo_out *out)
{
	struct env *e = container_of(s, struct env, servo);
	struct env_side *sa = &e->sa, *sb = &e->sb;
	tmv_t now = m->local;
	double a0, b0, at, x, f, span;

	if (!e->nbp || fabs(m->freq_ppb - e->last_adj) > 1e-6 || now < e->bp[e->nbp - 1].t) {
		env_forget(e, now, m->freq_ppb); /* set elsewhere, or time went back */
	}
	if (!m->ms_valid) {
		/* a one-way phase: both directions are the offset */
		env_push(&e->rev, now, -(double)m->offset + env_c(e, now));
		env_blk_point(e, now, -(double)m->offset + env_c(e, now), -1);
	}
	env_push(&e->fwd, now, (double)(m->ms_valid ? m->ms : m->offset) - env_c(e, now));
	env_blk_point(e, now, (double)(m->ms_valid ? m->ms : m->offset) - env_c(e, now), 1);
	env_prune(&e->fwd, now - (tmv_t)(e->window * 1e9));
	env_prune(&e->rev, now - (tmv_t)(e->window * 1e9));
	if (!e->rev.n) {
		if (!e->have_f || !s->locked_once) {
			return SERVO_UNLOCKED;
		}
		/* stepped or reset: the frequency holds until a Delay_Req */
		out->adj_ppb = servo_clamp(s, -e->f_smooth);
		env_set_adj(e, now, out->adj_ppb);
		return SERVO_LOCKED;
	}
	env_side_load(sa, &e->fwd, now, 1, e->f);
	env_side_load(sb, &e->rev, now, -1, e->f);
	span = -fmin(sa->dt[0], sb->dt[0]);
	if (e->have_f) {
		env_reject(sa, e->beta);
		env_reject(sb, e->beta);
	}
	/* a longer span than the last estimate's, or half a window */
	if (sa->n >= 2 && span >= 0.5 * e->interval &&
	    (!e->have_f || span > e->f_span || span >= 0.5 * e->window)) {
		double fn = env_slope(sa, sb, e->have_f, e->f);
		/* while the window grows each estimate beats the last; then
		 * average over about a window */
		e->f_smooth = e->have_f && span >= 0.5 * e->window
				      ? e->f_smooth + (fn - e->f_smooth) * fmin(1, e->interval / e->window)
				      : fn;
		e->f = fn;
		e->f_span = span;
		e->have_f = 1;
	}
	if (!e->have_f) {
		return SERVO_UNLOCKED;
	}
	f = e->f;
	/* over the candidates: the floor at f is among them */
	a0 = env_floor(sa, f, &at);
	b0 = env_floor(sb, f, &at);
	x = 0.5 * (a0 - b0) + env_c(e, now);
	if (sa->n >= 4 && sb->n >= 4) {
		double sda, sdb, ba = env_excess(sa, f, a0, &sda), bb = env_excess(sb, f, b0, &sdb);
		double beta = 0.5 * (ba + bb);
		e->beta = e->beta > 0 ? e->beta + (beta - e->beta) / 16 : beta;
		if (beta > 0) {
			double r = 0.5 * (sda + sdb) / beta;
			e->shape_r = e->shape_r > 0 ? e->shape_r + (r - e->shape_r) / 64 : r;
			/* hysteresis between the two estimators */
			if (e->use_mean ? e->shape_r > ENV_SHAPE_HI : e->shape_r < ENV_SHAPE_LO) {
				e->use_mean = !e->use_mean;
			}
		}
		if (e->use_mean) {
			/* the means of the two sides (the excess is over n - 1) */
			x += 0.5 * (ba * (sa->n - 1) / sa->n - bb * (sb->n - 1) / sb->n);
		}
		env_window(e);
	}
	out->offset_ns = x;
	if (servo_step_due(s, x)) {
		out->step_ns = servo_step_ns(x); /* saturated: x may exceed int64 */
		out->adj_ppb = servo_clamp(s, -f);
		env_forget(e, now, out->adj_ppb);
		e->have_hold = 0;
		e->hold_age = 0;
		return SERVO_JUMP;
	}
	out->adj_ppb = servo_clamp(s, -e->f_smooth - x / e->tau);
	if (!e->have_hold) {
		e->hold = out->adj_ppb;
		e->have_hold = 1;
		e->hist_n = 0;
		e->hist_age = 0;
	} else {
		double dt = fmin(fmax(0, (double)(now - e->hold_t) * 1e-9), 4 * e->interval);
		e->hold_age += dt;
		e->hold += (out->adj_ppb - e->hold) * fmin(1, dt / fmin(ENV_HOLD_TAU, e->hold_age));
		if (e->hold_age >= e->hist_age + ENV_DRIFT_STEP) {
			e->hist[(e->hist_head + e->hist_n) % ENV_DRIFT_N] = e->hold;
			if (e->hist_n < ENV_DRIFT_N) {
				e->hist_n++;
			} else {
				e->hist_head = (e->hist_head + 1) % ENV_DRIFT_N;
			}
			e->hist_age = e->hold_age;
		}
	}
	e->hold_t = now;
	env_set_adj(e, now, out->adj_ppb);
	return SERVO_LOCKED;
}

static void env_delay(struct servo *s, tmv_t t3, tmv_t sm)
{
	struct env *e = container_of(s, struct env, servo);

	if (e->nbp && t3 >= e->bp[0].t) {
		env_push(&e->rev, t3, (double)sm + env_c(e, t3));
		env_blk_point(e, t3, (double)sm + env_c(e, t3), -1);
	}
}

static void env_sync_interval(struct servo *s, double interval_s)
{
	struct env *e = container_of(s, struct env, servo);

	e->interval = interval_s > 0 ? interval_s : 1;
	if (fmax(2 * e->interval, 1) != e->tau0) {
		int L;
		e->tau0 = fmax(2 * e->interval, 1);
		for (L = 0; L < ENV_LVL; L++) {
			e->lvl[L].count = 0;
		}
		env_lvl_break(e);
	}
	env_window(e);
}

/* The held frequency's drift, ppb/s: the least-squares slope of the mean
 * adjustment sampled every ENV_DRIFT_STEP s over the last ENV_DRIFT_N of
 * them.  A frequency random walk of w ppb/sqrt(s) has a chance slope over
 * T s of sd w sqrt(6 / (5 T)), and extrapolating a random walk's chance
 * trend doubles the holdover error instead of halving it: the drift
 * counts only when above 4 such sd, a real ramp (aging, a temperature
 * change), not the oscillator's wander (servo_wander). */
static double env_holdover_drift(struct servo *s)
{
	struct env *e = container_of(s, struct env, servo);
	double sx = 0, sy = 0, sxx = 0, sxy = 0, n = e->hist_n, d, span;
	int k;

	if (!e->have_hold || e->hist_n < ENV_DRIFT_N / 2) {
		return 0;
	}
	for (k = 0; k < e->hist_n; k++) {
		double x = k * ENV_DRIFT_STEP, y = e->hist[(e->hist_head + k) % ENV_DRIFT_N];
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	d = (n * sxy - sx * sy) / (n * sxx - sx * sx);
	span = (n - 1) * ENV_DRIFT_STEP;
	/* the bar is the hint (1 ppb/sqrt(s) by default), not the estimate: a
	 * real ramp raises the estimated wander (its equivalent at the window)
	 * and would hide itself; a lower one lets the servo's settling pass */
	return fabs(d) < 4 * (e->wander_hint > 0 ? e->wander_hint : 1) * sqrt(1.2 / span) ? 0 : d;
}

/* The mean adjustment, brought forward by the drift over its lag. */
static double env_holdover_ppb(struct servo *s)
{
	struct env *e = container_of(s, struct env, servo);
	if (!e->have_hold) {
		return e->last_adj;
	}
	return servo_clamp(s, e->hold + env_holdover_drift(s) * ENV_HOLD_TAU);
}

static void env_reset(struct servo *s)
{
	struct env *e = container_of(s, struct env, servo);
	env_lvl_break(e);
	e->fwd.n = e->rev.n = 0;
	e->f_span = 0.5 * e->window; /* a new path's window must grow to that */
}

static void env_info(struct servo *s, struct servo_info *i)
{
	struct env *e = container_of(s, struct env, servo);

	i->wander = e->wander;
	i->wander_est = e->wander_est;
	i->window_s = e->window;
	i->beta_ns = e->beta;
	i->shape = e->shape_r;
	/* the window's two errors at their balance (env_window): the envelope's
	 * beta T / W and the wander's w W^1.5 / 4 */
	i->predicted_ns = e->beta * e->interval / e->window + 0.25 * e->wander * pb_pow(e->window, 1.5);
	i->estimator = e->use_mean;
}

static void env_destroy(struct servo *s)
{
	free(container_of(s, struct env, servo));
}

static const struct servo_ops env_ops = {
	env_sample,
	env_delay,
	env_sync_interval,
	env_holdover_ppb,
	env_holdover_drift,
	env_reset,
	env_destroy,
	env_info,
};

struct servo *servo_env_create(const struct servo_common_cfg *c, double freq_ppb, double wander)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e) {
		return NULL;
	}
	servo_init(&e->servo, &env_ops, c);
	e->wander_hint = wander > 0 ? wander : 0;
	e->wander = wander > 0 ? wander : 1;
	e->interval = 1;
	e->tau0 = 2;
	env_window(e);
	env_forget(e, 0, freq_ppb);
	e->nbp = 0; /* the first sample sets the time origin */
	return &e->servo;
}
