/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the clock servos (core/servo*.c): their input is
 * derived from network packets (PTP timestamps, correctionField), so any
 * value must leave them sane.  The input picks the servo (pi, linreg,
 * envelope) and its configuration within the configuration's ranges
 * (thresholds, max_frequency 1..1e9 ppb, sync interval 2^-7..2^4 s, wander
 * 0.001..1000, the pi_* gains), then runs steps (see the switch at the
 * end): samples with local time moving by an interval, a few ns, back,
 * or anywhere; offsets and delays near the last ones, anywhere, or at the
 * int64 extremes; the frequency as the servo left it or set by someone
 * else; Delay_Req measurements, resets, new intervals; and bursts of a
 * simulated clock steered by the servo (exponential delay, early
 * outliers, one-way phase input) to reach the locked states.
 * Properties after every step: the state is an enum value, the
 * adjustment and the holdover frequency are finite and within
 * +/-max_ppb, the holdover drift is finite, offset_ns is finite, a step
 * only in SERVO_JUMP (and only with a step threshold set), against the
 * estimated offset and equal to it within rounding, LOCKED_STABLE only
 * with servo_offset_threshold set.
 * Local time (t2, t3) is a clock reading: 0..INT64_MAX ns.
 * Build and run: test/fuzz/run.sh [SECONDS] servo
 */
#include <math.h>
#include <string.h>

#include "../../core/servo.h"
#include "fz.h"

/* Samples and other calls per input.  An envelope sample costs up to
 * ~250 us here (instrumented; the fit runs 64 times over up to 2 x 256
 * points): fewer for it, still enough to fill its 256 points. */
#define MAX_STEPS 2000
#define MAX_STEPS_ENV 500

struct world {
	struct servo *s;
	int kind; /* 0 pi, 1 linreg, 2 envelope */
	struct servo_common_cfg cc;
	double interval; /* s */
	tmv_t local;	 /* ns, 0..INT64_MAX */
	tmv_t offset;	 /* the last offset given, ns */
	double adj;	 /* what the servo last returned, ppb */
	/* the simulated clock of the bursts */
	double x;     /* true offset, ns */
	double f_osc; /* oscillator frequency error, ppb */
	uint64_t rng;
};

static const int64_t extremes[] = {
	INT64_MIN,	      INT64_MIN + 1,	      INT64_MAX,	     INT64_MAX - 1,
	0,		      1,		      -1,		     1000000000000000000,
	-1000000000000000000, 9007199254740993,	      -9007199254740993,    4611686018427387904,
	-4611686018427387904, 9223372036854775000LL, -9223372036854775000LL, 999999999,
};

static int64_t fz_i64(struct fz_in *in)
{
	uint64_t hi = fz_u32(in);
	return (int64_t)(hi << 32 | fz_u32(in));
}

static int64_t fz_extreme(struct fz_in *in)
{
	return extremes[fz_u8(in) % (sizeof(extremes) / sizeof(extremes[0]))];
}

/* lo..hi, log-uniform (lo > 0) */
static double fz_log(struct fz_in *in, double lo, double hi)
{
	return lo * pow(hi / lo, fz_u16(in) / 65535.0);
}

/* -1..1, the ends and 0 included */
static double fz_frac(struct fz_in *in)
{
	uint16_t v = fz_u16(in);
	return v == 0xffff ? 0 : (v - 32767.0) / 32767.0;
}

/* wrapping, so that the harness itself stays clear of overflow */
static int64_t add_wrap(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static tmv_t local_add(tmv_t t, int64_t d)
{
	return (tmv_t)(((uint64_t)t + (uint64_t)d) & (uint64_t)INT64_MAX);
}

/* a threshold: 0 (off) or lo..hi */
static double threshold(struct fz_in *in, double lo, double hi)
{
	return fz_u8(in) & 1 ? fz_log(in, lo, hi) : 0;
}

static double interval_of(uint8_t v)
{
	return ldexp(1, v % 12 - 7); /* 2^-7 .. 2^4 s */
}

static struct servo *create(struct world *w, struct fz_in *in)
{
	struct servo_pi_cfg pc;
	struct servo_common_cfg *cc = &w->cc;
	uint8_t preset;
	double freq;

	memset(cc, 0, sizeof(*cc));
	w->kind = fz_u8(in) % 3;
	cc->step_threshold_ns = threshold(in, 1, 1e18); /* step_threshold: up to 1e9 s */
	cc->first_step_threshold_ns = threshold(in, 1, 1e18);
	cc->max_ppb = fz_log(in, 1, 1e9);
	cc->stable_threshold_ns = threshold(in, 1, 1e9);
	cc->stable_n = 1 + fz_u16(in) % 1000;
	freq = fz_frac(in) * cc->max_ppb;
	w->adj = freq;
	w->interval = interval_of(fz_u8(in));
	if (w->kind == 1) {
		return servo_linreg_create(cc, freq);
	}
	if (w->kind == 2) {
		return servo_env_create(cc, freq, fz_log(in, 0.001, 1000));
	}
	memset(&pc, 0, sizeof(pc));
	preset = fz_u8(in);
	switch (preset % 4) {
	case 0: /* linuxptp's hardware stamp gains */
	case 1: /* its software stamp gains */
		pc.kp_scale = preset % 4 ? 0.1 : 0.7;
		pc.ki_scale = preset % 4 ? 0.001 : 0.3;
		pc.kp_exponent = -0.3;
		pc.ki_exponent = 0.4;
		pc.kp_norm_max = 0.7;
		pc.ki_norm_max = 0.3;
		break;
	case 2: /* constant gains, 0 .. 1e6 */
		pc.kp_const = threshold(in, 1e-6, 1e6);
		pc.ki_const = threshold(in, 1e-6, 1e6);
		break;
	default: /* anything the configuration takes */
		pc.kp_scale = fz_log(in, 1e-6, 1e6);
		pc.ki_scale = fz_log(in, 1e-6, 1e6);
		pc.kp_exponent = fz_u8(in) & 1 ? fz_frac(in) * 1e6 : fz_frac(in) * 4;
		pc.ki_exponent = fz_u8(in) & 1 ? fz_frac(in) * 1e6 : fz_frac(in) * 4;
		pc.kp_norm_max = (fz_frac(in) + 1) / 2;
		pc.ki_norm_max = fz_frac(in) + 1;
		break;
	}
	return servo_pi_create(&pc, cc, freq);
}

static void check_holdover(struct world *w)
{
	double h = servo_holdover_ppb(w->s);
	FZ_CHECK(isfinite(h) && fabs(h) <= w->cc.max_ppb);
	FZ_CHECK(isfinite(servo_holdover_drift(w->s)));
}

static void check_out(const struct world *w, enum servo_state st, const struct servo_out *out)
{
	int v = (int)st;

	FZ_CHECK(v >= SERVO_UNLOCKED && v <= SERVO_LOCKED_STABLE);
	FZ_CHECK(isfinite(out->adj_ppb) && fabs(out->adj_ppb) <= w->cc.max_ppb);
	FZ_CHECK(isfinite(out->offset_ns));
	FZ_CHECK(st == SERVO_JUMP || out->step_ns == 0);
	FZ_CHECK(st != SERVO_JUMP || w->cc.step_threshold_ns > 0 ||
		 w->cc.first_step_threshold_ns > 0);
	FZ_CHECK(st != SERVO_LOCKED_STABLE || w->cc.stable_threshold_ns > 0);
	if (st == SERVO_JUMP) {
		double o = out->offset_ns, d = (double)out->step_ns + o;
		/* the step removes the estimated offset: of the opposite sign,
		 * to within rounding or saturated at the end of tmv_t */
		FZ_CHECK(out->step_ns == 0 || (out->step_ns > 0) == (o < 0));
		FZ_CHECK(fabs(o) >= 9.2e18 || fabs(d) <= 0.5 + fabs(o) * 1e-15);
	}
}

static enum servo_state sample(struct world *w, const struct servo_meas *m, struct servo_out *out)
{
	enum servo_state st;

	static int verbose = -1;

	memset(out, 0x5a, sizeof(*out));
	st = servo_sample(w->s, m, out);
	if (verbose < 0) {
		verbose = getenv("FZ_LOG") != NULL; /* FZ_LOG=1 fuzz_servo INPUT: the samples */
	}
	if (verbose) {
		printf("local %lld offset %lld ms %lld/%d freq %.17g -> s%d adj %.17g step %lld "
		       "offset %.17g hold %.17g\n",
		       (long long)m->local, (long long)m->offset, (long long)m->ms, m->ms_valid,
		       m->freq_ppb, (int)st, out->adj_ppb, (long long)out->step_ns, out->offset_ns,
		       servo_holdover_ppb(w->s));
	}
	check_out(w, st, out);
	w->adj = out->adj_ppb;
	w->offset = m->offset;
	return st;
}

/* One sample from fields. */
static void sample_fields(struct world *w, struct fz_in *in)
{
	uint8_t f = fz_u8(in);
	struct servo_meas m;
	struct servo_out out;
	int64_t step, delay;

	switch (f & 3) { /* local time moves by */
	case 0: {	 /* an interval, +/-50 % */
		int64_t T = (int64_t)llround(w->interval * 1e9);
		step = T + T * (int8_t)fz_u8(in) / 256;
		break;
	}
	case 1: /* -32768..32767 ns */
		step = (int16_t)fz_u16(in);
		break;
	case 2: /* +/-2147 s */
		step = (int64_t)(int32_t)fz_u32(in) * 1000;
		break;
	default: /* anywhere */
		step = fz_i64(in);
		break;
	}
	w->local = local_add(w->local, step);
	memset(&m, 0, sizeof(m));
	m.local = w->local;
	switch (f >> 2 & 3) { /* offset */
	case 0:
		m.offset = add_wrap(w->offset, (int16_t)fz_u16(in));
		break;
	case 1:
		m.offset = (int32_t)fz_u32(in);
		break;
	case 2:
		m.offset = fz_i64(in);
		break;
	default:
		m.offset = fz_extreme(in);
		break;
	}
	m.ms_valid = f >> 4 & 1;
	delay = f & 0x20 ? fz_u8(in) & 1 ? fz_extreme(in) : fz_i64(in) : fz_u16(in);
	if (m.ms_valid) {
		m.ms = add_wrap(m.offset, delay);
	}
	/* the frequency: as the servo left it, or set by someone else */
	m.freq_ppb = f & 0x40 ? fz_frac(in) * w->cc.max_ppb : w->adj;
	if (f & 0x80) { /* the Delay_Req of the interval before */
		int64_t half = (int64_t)llround(w->interval * 5e8);
		servo_delay(w->s, m.local >= half ? m.local - half : 0,
			    add_wrap(fz_u16(in), (int64_t)(0 - (uint64_t)m.offset)));
	}
	sample(w, &m, &out);
}

static void delay_fields(struct world *w, struct fz_in *in)
{
	uint8_t f = fz_u8(in);
	tmv_t t3;
	int64_t sm;

	switch (f & 3) {
	case 0:
		t3 = local_add(w->local, -(int64_t)fz_u16(in));
		break;
	case 1:
		t3 = local_add(w->local, (int64_t)(int32_t)fz_u32(in) * 1000);
		break;
	case 2:
		t3 = fz_i64(in); /* negative too: not a clock reading, ignored */
		break;
	default:
		t3 = fz_extreme(in);
		break;
	}
	switch (f >> 2 & 3) {
	case 0: /* path delay minus the offset */
		sm = add_wrap(fz_u16(in), (int64_t)(0 - (uint64_t)w->offset));
		break;
	case 1:
		sm = (int32_t)fz_u32(in);
		break;
	case 2:
		sm = fz_i64(in);
		break;
	default:
		sm = fz_extreme(in);
		break;
	}
	servo_delay(w->s, t3, sm);
}

static double uni(struct world *w)
{
	w->rng = w->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((double)(w->rng >> 11) + 0.5) / 9007199254740992.0;
}

/* A true offset as a measurement: within what tmv_t holds. */
static int64_t ns_of(double v)
{
	return (int64_t)llround(fmax(-1e18, fmin(1e18, v)));
}

/* rounds Sync (+ Delay_Req) intervals of a clock steered by the servo,
 * 1 us of path delay plus exponential queueing of mean beta, p: bits 0-3
 * log2 beta (ns), 4: one in 16 delays 50 us short (a sender's late
 * stamp), 5: one-way phase input (ms_valid 0, no Delay_Req), 6-7: the
 * Sync interval's jitter. */
static int burst(struct world *w, int rounds, uint8_t p, int budget)
{
	double beta = ldexp(1, p & 15), T = w->interval;
	int64_t half = (int64_t)llround(T * 5e8);
	int k;

	for (k = 0; k < rounds && k < budget; k++) {
		struct servo_meas m;
		struct servo_out out;
		double dms = 1000 - beta * log(uni(w)), dsm = 1000 - beta * log(uni(w));
		int64_t jitter = p >> 6 ? (int64_t)(half * (uni(w) - 0.5) * (p >> 6) / 4) : 0;

		if (p & 0x10 && uni(w) < 1.0 / 16) {
			dms -= 50000;
		}
		if (p & 0x10 && uni(w) < 1.0 / 16) {
			dsm -= 50000;
		}
		if (!(p & 0x20)) {
			servo_delay(w->s, w->local, ns_of(dsm - w->x));
		}
		w->x += (w->f_osc + w->adj) * (T / 2);
		w->local = local_add(w->local, half + jitter);
		memset(&m, 0, sizeof(m));
		m.local = w->local;
		if (p & 0x20) {
			m.offset = ns_of(w->x + (dms - 1000) / 8);
		} else {
			m.ms = ns_of(dms + w->x);
			m.ms_valid = 1;
			m.offset = add_wrap(m.ms, -1000);
		}
		m.freq_ppb = w->adj;
		if (sample(w, &m, &out) == SERVO_JUMP) {
			w->x = fmax(-1e18, fmin(1e18, w->x + (double)out.step_ns));
		}
		w->x += (w->f_osc + w->adj) * (T / 2);
		w->local = local_add(w->local, half - jitter);
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	struct fz_in in = { data, size };
	int steps = 0, max_steps;

	memset(&w, 0, sizeof(w));
	w.s = create(&w, &in);
	FZ_CHECK(w.s != NULL);
	servo_sync_interval(w.s, w.interval);
	w.local = fz_u8(&in) & 1 ? (tmv_t)((uint64_t)fz_i64(&in) & (uint64_t)INT64_MAX)
				 : (tmv_t)1700000000 * NS_PER_SEC + fz_u32(&in);
	w.f_osc = fz_frac(&in) * w.cc.max_ppb;
	w.x = (double)(int32_t)fz_u32(&in) * 1000;
	w.rng = fz_u32(&in);
	check_holdover(&w);
	max_steps = w.kind == 2 ? MAX_STEPS_ENV : MAX_STEPS;
	while (in.n && steps < max_steps) {
		uint8_t op = fz_u8(&in);

		switch (op & 7) {
		case 4:
			delay_fields(&w, &in);
			break;
		case 5:
			servo_reset(w.s);
			break;
		case 6:
			w.interval = interval_of(op >> 3);
			servo_sync_interval(w.s, w.interval);
			break;
		case 7: {
			int rounds = 1 + fz_u8(&in);
			steps += burst(&w, rounds, fz_u8(&in), max_steps - steps) - 1;
			break;
		}
		default:
			sample_fields(&w, &in);
			break;
		}
		steps++;
		check_holdover(&w);
	}
	servo_destroy(w.s);
	return 0;
}
