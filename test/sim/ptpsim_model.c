/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ptpsim models: random number streams, oscillators behind struct clk,
 * time stamping units and link delays.  Everything here is a function of
 * the seed and the sequence of calls only: no wall clock, no global state.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "ptpsim.h"
#include "util.h"

/* ---- random numbers ---- */

/* splitmix64 (Steele, Lea, Flood 2014): seeds xoshiro's state. */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void rng_init(struct rng *r, uint64_t seed, const char *name)
{
	/* FNV-1a of the stream name, mixed with the seed */
	uint64_t h = 0xcbf29ce484222325ULL, x;
	int i;

	for (; *name; name++) {
		h ^= (uint8_t)*name;
		h *= 0x100000001b3ULL;
	}
	x = seed * 0x9e3779b97f4a7c15ULL ^ h;
	for (i = 0; i < 4; i++) {
		r->s[i] = splitmix64(&x);
	}
	r->have_spare = 0;
	r->spare = 0;
}

/* xoshiro256** (Blackman, Vigna 2018) */
uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

double rng_normal(struct rng *r)
{
	double u, v, m;

	if (r->have_spare) {
		r->have_spare = 0;
		return r->spare;
	}
	/* Box-Muller; u in (0, 1] so log(u) is finite */
	u = 1.0 - rng_uniform(r);
	v = rng_uniform(r);
	m = sqrt(-2.0 * log(u));
	r->spare = m * sin(2 * M_PI * v);
	r->have_spare = 1;
	return m * cos(2 * M_PI * v);
}

double rng_exp(struct rng *r)
{
	return -log(1.0 - rng_uniform(r));
}

/* Marsaglia and Tsang (2000); shape < 1 through Gamma(shape + 1) U^(1/shape). */
double rng_gamma(struct rng *r, double shape)
{
	double d, c, x, v, u;

	if (shape <= 0) {
		return 0;
	}
	if (shape < 1) {
		u = 1.0 - rng_uniform(r);
		return rng_gamma(r, shape + 1) * pow(u, 1.0 / shape);
	}
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		do {
			x = rng_normal(r);
			v = 1.0 + c * x;
		} while (v <= 0);
		v = v * v * v;
		u = 1.0 - rng_uniform(r);
		if (u < 1.0 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1.0 - v + log(v))) {
			return d * v;
		}
	}
}

/* ---- oscillator ---- */

static double temp_integral(const struct sim_clock *c, double a_s, double b_s)
{
	/* integral of A sin(w s + p) ds over [a, b] */
	if (c->cfg.temp_ppb == 0 || c->temp_w == 0) {
		return 0;
	}
	return c->cfg.temp_ppb / c->temp_w *
	       (cos(c->temp_w * a_s + c->temp_phase) - cos(c->temp_w * b_s + c->temp_phase));
}

static double rw_at(const struct sim_clock *c, tmv_t t, tmv_t h)
{
	return c->w0 + (c->w1 - c->w0) * (double)(t - c->grid_t) / (double)h;
}

/* Integrate the frequency error from c->t to t (>= c->t). */
static void advance(struct sim_clock *c, tmv_t t)
{
	tmv_t h = (tmv_t)(c->cfg.rw_step_s * NS_PER_SEC);
	double dt;

	if (t <= c->t) {
		return;
	}
	dt = (double)(t - c->t) * 1e-9;
	c->te_frac += (c->cfg.freq_ppb + c->clk.freq_ppb) * dt;
	c->adj_int += c->clk.freq_ppb * dt;
	c->te_frac += temp_integral(c, (double)c->t * 1e-9, (double)t * 1e-9);
	if (c->cfg.rw_ppb != 0) {
		tmv_t a = c->t;
		while (a < t) {
			tmv_t b = c->grid_t + h < t ? c->grid_t + h : t;
			c->te_frac += (rw_at(c, a, h) + rw_at(c, b, h)) * 0.5 * (double)(b - a) * 1e-9;
			if (b == c->grid_t + h) {
				c->grid_t = b;
				c->w0 = c->w1;
				c->w1 = c->w0 + c->cfg.rw_ppb * sqrt(c->cfg.rw_step_s) * rng_normal(&c->rng);
			}
			a = b;
		}
	}
	c->t = t;
}

double sim_clock_te(struct sim_clock *c)
{
	advance(c, *c->now);
	return (double)c->te_int + c->te_frac;
}

tmv_t sim_clock_read(struct sim_clock *c)
{
	advance(c, *c->now);
	return SIM_TAI0 + c->scale + *c->now + c->te_int + (tmv_t)floor(c->te_frac);
}

void sim_clock_utc(struct sim_clock *c)
{
	c->clk.utc_timescale = 1;
	c->scale = -(tmv_t)SIM_UTC_OFFSET * NS_PER_SEC;
}

static int sc_gettime(struct clk *clk, tmv_t *t)
{
	*t = sim_clock_read(container_of(clk, struct sim_clock, clk));
	return 0;
}

static int sc_adjfreq(struct clk *clk, double ppb)
{
	struct sim_clock *c = container_of(clk, struct sim_clock, clk);

	if (!isfinite(ppb)) {
		return -EINVAL;
	}
	advance(c, *c->now);
	if (ppb > clk->max_adj_ppb) {
		ppb = clk->max_adj_ppb;
	} else if (ppb < -clk->max_adj_ppb) {
		ppb = -clk->max_adj_ppb;
	}
	clk->freq_ppb = ppb;
	c->adjfreqs++;
	return 0;
}

static int sc_step(struct clk *clk, tmv_t delta)
{
	struct sim_clock *c = container_of(clk, struct sim_clock, clk);

	advance(c, *c->now);
	c->te_int += delta;
	c->stepped += delta;
	c->steps++;
	return 0;
}

static tmv_t sc_from_raw(struct clk *clk, tmv_t raw)
{
	(void)clk;
	return raw; /* the simulator stamps in the clock's own time scale */
}

static void sc_destroy(struct clk *clk)
{
	(void)clk; /* owned by the node */
}

static const struct clk_ops sim_clk_ops = {
	.name = "sim",
	.gettime = sc_gettime,
	.adjfreq = sc_adjfreq,
	.step = sc_step,
	.from_raw = sc_from_raw,
	.destroy = sc_destroy,
};

void sim_clock_init(struct sim_clock *c, const struct osc_cfg *cfg, const tmv_t *now,
		    uint64_t seed, const char *node)
{
	char name[64];

	memset(c, 0, sizeof(*c));
	c->clk.ops = &sim_clk_ops;
	c->clk.utc_timescale = 0; /* a PHC: PTP timescale */
	c->clk.max_adj_ppb = cfg->max_adj_ppb;
	c->clk.freq_ppb = 0;
	c->cfg = *cfg;
	if (c->cfg.rw_step_s <= 0) {
		c->cfg.rw_step_s = 1;
	}
	c->now = now;
	snprintf(name, sizeof(name), "osc:%s", node);
	rng_init(&c->rng, seed, name);
	c->t = *now;
	c->te_int = (int64_t)llround(cfg->offset_ns);
	c->te_frac = cfg->offset_ns - (double)c->te_int;
	c->grid_t = *now;
	c->w0 = 0;
	c->w1 = c->cfg.rw_ppb != 0 ? c->cfg.rw_ppb * sqrt(c->cfg.rw_step_s) * rng_normal(&c->rng)
				   : 0;
	c->temp_w = cfg->temp_period_s > 0 ? 2 * M_PI / cfg->temp_period_s : 0;
	c->temp_phase = cfg->temp_phase_deg * M_PI / 180;
}

/* ---- time stamps ---- */

double stamp_error(const struct stamp_cfg *s, struct rng *r, int tx)
{
	double e;

	if (s->kind == STAMP_HW) {
		return s->hw_jitter_ns > 0 ? s->hw_jitter_ns * rng_normal(r) : 0;
	}
	e = s->sw_median_ns > 0 ? s->sw_median_ns * exp(s->sw_sigma * rng_normal(r)) : 0;
	if (s->sw_outlier_prob > 0 && rng_uniform(r) < s->sw_outlier_prob) {
		e += s->sw_outlier_min_ns +
		     (s->sw_outlier_max_ns - s->sw_outlier_min_ns) * rng_uniform(r);
	}
	return tx ? -e : e;
}

tmv_t stamp_take(const struct stamp_cfg *s, struct rng *r, struct sim_clock *c, int tx)
{
	tmv_t t = sim_clock_read(c);

	if (s->kind == STAMP_HW && s->hw_quant_ns >= 1) {
		tmv_t q = (tmv_t)s->hw_quant_ns;
		t -= ((t % q) + q) % q;
	}
	return t + (tmv_t)llround(stamp_error(s, r, tx));
}

/* ---- links ---- */

/* A draw of pdv kind (not trace), ns. */
static double dist_draw(enum pdv_kind kind, double p1, double p2, struct rng *r)
{
	switch (kind) {
	case PDV_EXP:
		return p1 * rng_exp(r);
	case PDV_GAMMA:
		return rng_gamma(r, p1) * p2 / p1;
	case PDV_UNIFORM:
		return p1 + (p2 - p1) * rng_uniform(r);
	default:
		return 0;
	}
}

double link_delay(struct link_dir *d, double t_s)
{
	double v = d->delay_ns;

	if (d->pdv == PDV_LOGNORMAL) {
		/* a host or a shared medium: lognormal, now and then much more */
		v += d->p1 * exp(d->p2 * rng_normal(&d->rng));
		if (d->p3 > 0 && rng_uniform(&d->rng) < d->p3) {
			v += d->p4 * rng_uniform(&d->rng);
		}
	} else if (d->pdv == PDV_BIMODAL) {
		/* a route that flaps: a two-state Markov chain of mean dwell p3,
		 * drawn from a stream both directions share, so both flip at once */
		while (t_s >= d->flap_t) {
			d->flap_alt = !d->flap_alt;
			d->flap_t += d->p3 * rng_exp(&d->flap_rng);
		}
		v += d->p1 * rng_exp(&d->rng) + (d->flap_alt ? d->p2 : 0);
	} else if (d->pdv == PDV_LOAD) {
		/* an M/M/1 queue whose utilisation follows a cycle (a day of
		 * traffic): no wait with probability 1 - rho, else Exp with mean
		 * service / (1 - rho) */
		double rho = d->p2 + (d->p3 - d->p2) * 0.5 * (1 - cos(2 * M_PI * t_s / d->p4));
		if (rng_uniform(&d->rng) < rho) {
			v += d->p1 / (1 - rho) * rng_exp(&d->rng);
		}
	} else if (d->pdv == PDV_TRACE) {
		if (d->trace && d->trace->n) {
			v += d->trace->v[d->trace_pos];
			d->trace_pos = (d->trace_pos + 1) % d->trace->n;
		}
	} else if (d->pdv != PDV_NONE) {
		v += dist_draw(d->pdv, d->p1, d->p2, &d->rng);
	}
	return v > 0 ? v : 0;
}

double delay_draw(const struct delay_dist *d, struct rng *r)
{
	double v = d->kind == PDV_NONE ? 0 : dist_draw(d->kind, d->p1, d->p2, r);

	return v > 0 ? v : 0;
}
