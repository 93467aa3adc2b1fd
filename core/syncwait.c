/* SPDX-License-Identifier: BSD-2-Clause */
/* Waiting until a slave clock is synchronized; see syncwait.h. */
#include <stdio.h>

#include "syncwait.h"

void sync_wait_init(struct sync_wait *w, tmv_t limit, tmv_t settle)
{
	w->limit = limit;
	w->settle = settle;
	w->run_since = -1;
	w->samples = w->inside = 0;
	w->last = 0;
	w->best = INT64_MAX;
	w->state = 0;
}

int sync_wait_update(struct sync_wait *w, enum port_state state, int have_offset, tmv_t offset,
		     tmv_t now)
{
	tmv_t mag = offset < 0 ? -offset : offset;

	w->state = state;
	if (state != PS_SLAVE) {
		w->run_since = -1;
		return 0;
	}
	if (!have_offset) {
		return 0;
	}
	w->samples++;
	w->last = offset;
	if (mag < w->best) {
		w->best = mag;
	}
	if (mag > w->limit) {
		w->run_since = -1;
		return 0;
	}
	w->inside++;
	if (w->run_since < 0) {
		w->run_since = now;
	}
	return now - w->run_since >= w->settle;
}

void sync_wait_why(const struct sync_wait *w, tmv_t now, char *buf, size_t len)
{
	const char *st = w->state ? port_state_str(w->state) : "unknown";

	if (!w->samples && w->state == PS_UNCALIBRATED) {
		snprintf(buf, len, "a master, but the servo has not locked (port %s)", st);
	} else if (!w->samples) {
		snprintf(buf, len, "no master (port %s)", st);
	} else if (!w->inside) {
		snprintf(buf, len, "never within %lld ns: last offset %lld ns, smallest |offset| %lld ns",
			 (long long)w->limit, (long long)w->last, (long long)w->best);
	} else if (w->run_since >= 0) {
		snprintf(buf, len,
			 "within %lld ns for %.1f s of the %.1f s settling time, last offset %lld ns",
			 (long long)w->limit, (double)(now - w->run_since) / 1e9,
			 (double)w->settle / 1e9, (long long)w->last);
	} else {
		snprintf(buf, len,
			 "not within %lld ns now: last offset %lld ns (port %s); %llu of %llu offsets "
			 "were",
			 (long long)w->limit, (long long)w->last, st, (unsigned long long)w->inside,
			 (unsigned long long)w->samples);
	}
}
