/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time values.  Inside ptpbox every time value is a signed 64-bit count of
 * nanoseconds (tmv_t).  That covers +/-292 years around the epoch with 1 ns
 * resolution, which is all that PTP timestamps carry in practice; the sub-ns
 * part of a correctionField (scaled ns, 2^-16 ns) is kept only where a
 * message is forwarded (tc), never in offset arithmetic.
 */
#ifndef PTPBOX_TMV_H
#define PTPBOX_TMV_H

#include <stdint.h>
#include <time.h>

typedef int64_t tmv_t; /* ns */

#define NS_PER_SEC 1000000000LL

/* IEEE 1588-2019 5.3.3 Timestamp: UInteger48 seconds, UInteger32 ns. */
struct ptp_timestamp {
	uint64_t secondsField; /* only the low 48 bits are carried */
	uint32_t nanosecondsField;
};

/* Timestamp -> ns.  A nanosecondsField >= 1e9 is clamped to 999999999;
 * seconds beyond what tmv_t holds (year 2262; 48 bits reach further) are
 * clamped to the last second it holds. */
static inline tmv_t ts_to_tmv(struct ptp_timestamp ts)
{
	const uint64_t max_s = (uint64_t)(INT64_MAX / NS_PER_SEC) - 1;
	uint64_t s = ts.secondsField & 0xffffffffffffULL;
	uint32_t ns = ts.nanosecondsField < NS_PER_SEC ? ts.nanosecondsField
						       : (uint32_t)(NS_PER_SEC - 1);
	return (tmv_t)(s < max_s ? s : max_s) * NS_PER_SEC + ns;
}

/* ns -> Timestamp.  Negative values (before the epoch) become 0. */
static inline struct ptp_timestamp tmv_to_ts(tmv_t t)
{
	struct ptp_timestamp ts = { 0, 0 };
	if (t > 0) {
		ts.secondsField = (uint64_t)(t / NS_PER_SEC);
		ts.nanosecondsField = (uint32_t)(t % NS_PER_SEC);
	}
	return ts;
}

static inline tmv_t timespec_to_tmv(struct timespec ts)
{
	return (tmv_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static inline struct timespec tmv_to_timespec(tmv_t t)
{
	struct timespec ts;
	ts.tv_sec = (time_t)(t / NS_PER_SEC);
	ts.tv_nsec = (long)(t % NS_PER_SEC);
	if (ts.tv_nsec < 0) {
		ts.tv_sec -= 1;
		ts.tv_nsec += NS_PER_SEC;
	}
	return ts;
}

/*
 * correctionField (1588-2019 13.3.2.9) is ns multiplied by 2^16.  Converting
 * to ns truncates toward minus infinity (arithmetic shift), so a negative
 * correction keeps its sign.
 */
static inline tmv_t scaled_ns_to_tmv(int64_t scaled)
{
	return scaled >> 16;
}

/* ns -> scaled ns, saturating at the int64 limits (0x7FFF... is "too big"). */
static inline int64_t tmv_to_scaled_ns(tmv_t ns)
{
	if (ns > (INT64_MAX >> 16)) {
		return INT64_MAX;
	}
	if (ns < (INT64_MIN >> 16)) {
		return INT64_MIN;
	}
	return ns * 65536;
}

/* 2^log2 seconds in ns; log2 in [-30, 30]. */
static inline tmv_t log2_interval_ns(int log2)
{
	if (log2 >= 0) {
		return NS_PER_SEC << (log2 > 30 ? 30 : log2);
	}
	return NS_PER_SEC >> (-log2 > 30 ? 30 : -log2);
}

#endif
