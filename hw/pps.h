/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pulse-per-second edge sources behind one ops interface:
 *   rfc2783: a Linux PPS device (/dev/ppsN), RFC 2783 API over ioctl:
 *            PPS_GETCAP, PPS_SETPARAMS (capture assert, timespec format),
 *            PPS_FETCH with a timeout; edges stamped by CLOCK_REALTIME.
 *   extts:   a PHC external timestamp channel (/dev/ptpN): PTP_PIN_SETFUNC
 *            (pin -> EXTTS function on the channel), PTP_EXTTS_REQUEST
 *            (rising edge), then read(2) of struct ptp_extts_event; edges
 *            stamped by the PHC.
 * Tests run the real code against simulated devices (test/sim/ppsdev.c, an
 * LD_PRELOAD twin of the kernel devices for the glibc build).
 */
#ifndef PTPBOX_PPS_H
#define PTPBOX_PPS_H

#include <stddef.h>
#include <stdint.h>

/* One assert edge: time on the measuring clock (sec, nsec) and the
 * source's sequence number (rfc2783: assert_sequence; extts: our count). */
struct pps_edge {
	int64_t sec;
	int32_t nsec;
	uint32_t seq;
};

struct pps_src;

struct pps_ops {
	/* Wait up to timeout_ms (>= 0) for the next edge.  1: *e is a new
	 * edge, 0: none within the timeout, -errno on a device error. */
	int (*fetch)(struct pps_src *s, int timeout_ms, struct pps_edge *e);
	void (*destroy)(struct pps_src *s);
};

struct pps_src {
	const struct pps_ops *ops;
	char name[64]; /* device path, for messages */
};

static inline int pps_fetch(struct pps_src *s, int timeout_ms, struct pps_edge *e)
{
	return s->ops->fetch(s, timeout_ms, e);
}

static inline void pps_destroy(struct pps_src *s)
{
	if (s) {
		s->ops->destroy(s);
	}
}

/* Open an RFC 2783 device and select assert capture.  NULL on error with
 * a message in err (errlen bytes). */
struct pps_src *pps_rfc2783_open(const char *path, char *err, size_t errlen);

/* Open a PHC's external timestamp channel; pin < 0 leaves the pin setup
 * alone (devices without programmable pins), otherwise pin is given the
 * EXTTS function on channel.  NULL on error with a message in err. */
struct pps_src *pps_extts_open(const char *path, unsigned channel, int pin, char *err,
			       size_t errlen);

#endif
