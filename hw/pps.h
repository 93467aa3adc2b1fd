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
 * And the other way, a PHC's periodic output as a 1PPS output (perout:
 * PTP_PEROUT_REQUEST2 or PTP_PEROUT_REQUEST).
 * Tests run the real code against simulated devices (test/sim/ppsdev.c, an
 * LD_PRELOAD twin of the kernel devices for the glibc build; test/sim/phcdev.c
 * for PHCs).
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

/*
 * A PHC's periodic output as a 1PPS signal (a PRTC's 1PPS output,
 * G.8271 Annex A; ts2phc's master side).  fd: the PHC open O_RDWR
 * (clk_phc_fd), path: its name for messages.
 *
 * pps_perout_setup: checks that the PHC has periodic output channel
 * (PTP_CLOCK_GETCAPS n_per_out; -EOPNOTSUPP if not) and, pin >= 0, gives
 * pin the PEROUT function on channel (PTP_PIN_SETFUNC; -EINVAL when pin
 * >= n_pins).  0 or -errno with a message in err.
 */
int pps_perout_setup(int fd, const char *path, unsigned channel, int pin, char *err,
		     size_t errlen);

/*
 * Arm channel for a 1 Hz output: rising edges at PHC time start_sec + k s
 * (k = 0, 1, ...; start_sec whole seconds on the PHC's own time scale, TAI
 * for a PHC on PTP time; choose it 2 s or more after the PHC's now, so the
 * request is in place before it), high for 500 ms.  PTP_PEROUT_REQUEST2
 * with PTP_PEROUT_DUTY_CYCLE; a driver that refuses the duty cycle
 * (EOPNOTSUPP, EINVAL, ERANGE) gets it without (its own pulse width); a
 * kernel without PTP_PEROUT_REQUEST2 (ENOTTY: before Linux 5.8) gets
 * PTP_PEROUT_REQUEST.  The request replaces what channel did before.
 * Returns which went in, 0 (REQUEST2 with the duty cycle), 1 (REQUEST2
 * without), 2 (REQUEST), or the -errno of the last try with a message in
 * err.
 */
int pps_perout_start(int fd, const char *path, unsigned channel, int64_t start_sec, char *err,
		     size_t errlen);

/* Switch channel's output off (PTP_PEROUT_REQUEST, period 0).  0 or
 * -errno. */
int pps_perout_stop(int fd, unsigned channel);

#endif
