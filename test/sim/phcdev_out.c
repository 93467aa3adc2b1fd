/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * phcdev: the PHC's periodic output (PTP_PEROUT_REQUEST*) as a signal that
 * another twin can take as its PPS input.
 *
 * The twin that has the output writes, into its PHCDEV_LOG beside the
 * segments of its PHC's true error ("T E F TAG": at true time T the PHC
 * reads T + E, and E grows at F ppb until the next line), what was asked
 * of it, at true time T:
 *   # perout index I start S.N period S.N on S.N flags 0xF at T
 *   # perout index I off at T
 *   # pin P func F chan C at T        (F: PTP_PF_*; every pin at start)
 *   # pins none at T                  (PHCDEV_NOPINS: perout 0 is wired)
 * The twin whose input it is (PHCDEV_PPS_FROM=that log, PHCDEV_PPS_FROM_PIN=
 * the pin the cable starts at, 1 by default: SMA2, perout 0 at start) reads
 * the log as it grows and puts a rising edge on its PPS input at each true
 * instant at which that PHC read start + k period (k >= 0; PTP_PEROUT_PHASE:
 * phase + k period), while that pin has the PEROUT function of the channel
 * (or always channel 0 without pins): the segments inverted, so a frequency
 * error or a step of that PHC moves the edges as it would a real output.
 * The output is an ideal comparator: one edge per target, targets in
 * order; a target its PHC stepped over is skipped, after a step back the
 * next one waits until the PHC reaches it (hardware differs here: which is
 * why a program re-arms its output after a step).  PTP_PEROUT_ONE_SHOT: the
 * first edge only.  Falling edges are not modelled.
 *
 * Its lines come as its program runs, a little after their true time, so
 * edges are made only up to LAG before now (a line older than that which
 * comes later is counted as late); they are stamped by this twin's PHC at
 * their true instants, so the delay changes no time stamp.
 */
#include "phcdev.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LAG 500000000LL	 /* ns: how far the other twin's lines may lag */
#define READ_EVERY 50000000LL /* ns between two reads of its log */
#define MAX_EDGES 100000      /* edges delivered per call at most */

/* ---- the side with the output: its log ---- */

void phcdev_log_perout(const struct ptp_perout_request *r, long long t)
{
	if (!r->period.sec && !r->period.nsec) {
		phcdev_out(S.log_fd, "# perout index %u off at %lld", r->index, t);
		return;
	}
	phcdev_out(S.log_fd,
		   "# perout index %u start %lld.%09u period %lld.%09u on %lld.%09u flags 0x%x at "
		   "%lld",
		   r->index, (long long)r->start.sec, r->start.nsec, (long long)r->period.sec,
		   r->period.nsec, (r->flags & PTP_PEROUT_DUTY_CYCLE) ? (long long)r->on.sec : 0,
		   (r->flags & PTP_PEROUT_DUTY_CYCLE) ? r->on.nsec : 0, r->flags, t);
}

void phcdev_log_pin(unsigned pin, long long t)
{
	phcdev_out(S.log_fd, "# pin %u func %u chan %u at %lld", pin, S.pin[pin].func,
		   S.pin[pin].chan, t);
}

/* ---- the side with the input ---- */

/* PHC minus true at t on segment g: *e + *ef ns, ef in [0, 1) */
static long long seg_phc(const struct seg *g, long long t)
{
	double d = g->ef + (double)(t - g->t) * g->rate * 1e-9;
	return t + g->e + (long long)floor(d);
}

/* the first true ns at which segment g's PHC reads p or more */
static long long seg_when(const struct seg *g, long long p)
{
	double dt = ((double)(p - g->t - g->e) - g->ef) / (1.0 + g->rate * 1e-9);
	return g->t + (long long)ceil(dt);
}

/* the channel on the cable now, -1: none */
static int cable(void)
{
	if (S.from_nopins) {
		return 0;
	}
	if (S.from_pin < 0 || S.from_pin >= N_PINS || S.from_pins[S.from_pin].func != PTP_PF_PEROUT) {
		return -1;
	}
	return (int)S.from_pins[S.from_pin].chan;
}

/* the output's edges from from_pos to true time end */
static void gen(long long end)
{
	int ch, on = cable();

	if (end <= S.from_pos) {
		return;
	}
	for (ch = 0; S.from_have_seg && ch < N_PEROUT; ch++) {
		long long lo = S.from_pos, p, n;
		int k;
		if (!S.from_out[ch].period) {
			continue;
		}
		if (ch != on) {
			lo = end; /* no edges: only keep the targets up */
		} else if (S.from_min > lo) {
			lo = S.from_min < end ? S.from_min : end;
		}
		/* targets the PHC passed before lo (or stepped over) */
		p = seg_phc(&S.from_seg, lo);
		if (S.from_out[ch].next < p) {
			if (S.from_out[ch].one_shot) {
				S.from_out[ch].period = 0;
				continue;
			}
			n = (p - S.from_out[ch].next + S.from_out[ch].period - 1) /
			    S.from_out[ch].period;
			S.from_out[ch].next += n * S.from_out[ch].period;
		}
		for (k = 0; k < MAX_EDGES && S.from_out[ch].period; k++) {
			long long te = seg_when(&S.from_seg, S.from_out[ch].next);
			if (te >= end) {
				break;
			}
			if (te >= lo) {
				phcdev_emit_edge(te, 0);
				S.c_from_edges++;
			}
			S.from_out[ch].next += S.from_out[ch].period;
			if (S.from_out[ch].one_shot) {
				S.from_out[ch].period = 0;
			}
		}
	}
	S.from_pos = end;
}

/* everything up to t, before a line of true time t takes effect; a line
 * that came too late is counted (what it changes takes effect at once) */
static void upto(long long t)
{
	if (t < S.from_pos) {
		S.c_from_late++;
	} else {
		gen(t);
	}
}

static long long sec_ns(long long sec, unsigned nsec)
{
	return sec * NS + nsec;
}

/* "E" of a segment line: [-]I.FFF ns to e + ef, ef in [0, 1) */
static int parse_e(const char *s, long long *e, double *ef)
{
	long long i;
	unsigned f;
	int neg = *s == '-';
	if (sscanf(s + neg, "%lld.%3u", &i, &f) != 2) {
		return -1;
	}
	i = i * 1000 + f; /* ps */
	if (neg) {
		i = -i;
	}
	*e = i >= 0 ? i / 1000 : -((-i + 999) / 1000);
	*ef = (double)(i - *e * 1000) / 1000.0;
	return 0;
}

static void line(const char *l)
{
	long long t, a, b, c;
	unsigned i, an, bn, cn, fl, fn, ch;
	char es[64];
	double rate;

	if (sscanf(l, "# perout index %u start %lld.%u period %lld.%u on %lld.%u flags %x at %lld",
		   &i, &a, &an, &b, &bn, &c, &cn, &fl, &t) == 9 &&
	    i < N_PEROUT) {
		upto(t);
		S.from_out[i].next = sec_ns(a, an);
		S.from_out[i].period = sec_ns(b, bn);
		S.from_out[i].one_shot = !!(fl & PTP_PEROUT_ONE_SHOT);
		(void)c;
		(void)cn;
	} else if (sscanf(l, "# perout index %u off at %lld", &i, &t) == 2 && i < N_PEROUT) {
		upto(t);
		S.from_out[i].period = 0;
	} else if (sscanf(l, "# pin %u func %u chan %u at %lld", &i, &fn, &ch, &t) == 4 &&
		   i < N_PINS) {
		upto(t);
		S.from_pins[i].func = fn;
		S.from_pins[i].chan = ch;
	} else if (sscanf(l, "# pins none at %lld", &t) == 1) {
		upto(t);
		S.from_nopins = 1;
	} else if (!strncmp(l, "# phcdev ", 9)) {
		/* the other program (re)started: a new PHC, nothing armed */
		memset(S.from_out, 0, sizeof(S.from_out));
		memset(S.from_pins, 0, sizeof(S.from_pins));
		S.from_nopins = 0;
	} else if (l[0] != '#' && sscanf(l, "%lld %63s %lf", &t, es, &rate) == 3) {
		struct seg g;
		if (parse_e(es, &g.e, &g.ef)) {
			return;
		}
		upto(t);
		g.t = t > S.from_pos ? t : S.from_pos; /* a late line: from now */
		if (g.t != t) {
			/* its error at from_pos rather than at t */
			double d = g.ef + (double)(g.t - t) * rate * 1e-9, w = floor(d);
			g.e += (long long)w;
			g.ef = d - w;
		}
		g.rate = rate;
		S.from_seg = g;
		S.from_have_seg = 1;
	}
}

void phcdev_from_advance(long long t)
{
	char buf[4096];
	ssize_t n;
	int loops;

	if (t < S.from_next_read) {
		return;
	}
	S.from_next_read = t + READ_EVERY;
	if (S.from_fd < 0) {
		S.from_fd = REAL(open)(S.from_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (S.from_fd < 0) {
			return; /* not there yet */
		}
		S.from_pos = 0;
	}
	for (loops = 0; loops < 4096; loops++) {
		size_t i, start = 0;
		n = read(S.from_fd, buf, sizeof(buf));
		if (n <= 0) {
			break;
		}
		for (i = 0; i < (size_t)n; i++) {
			if (buf[i] != '\n') {
				continue;
			}
			if (S.from_len + (i - start) < sizeof(S.from_buf)) {
				memcpy(S.from_buf + S.from_len, buf + start, i - start);
				S.from_buf[S.from_len + (i - start)] = 0;
				line(S.from_buf);
			}
			S.from_len = 0;
			start = i + 1;
		}
		if (start < (size_t)n) {
			size_t k = (size_t)n - start;
			if (S.from_len + k < sizeof(S.from_buf)) {
				memcpy(S.from_buf + S.from_len, buf + start, k);
				S.from_len += k;
			} else {
				S.from_len = sizeof(S.from_buf); /* too long: dropped at its end */
			}
		}
	}
	gen(t - LAG);
}
