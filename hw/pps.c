/* SPDX-License-Identifier: BSD-2-Clause */
/* PPS edge sources: RFC 2783 devices and PHC external timestamps. */
#include "pps.h"

/* the kernel's headers before libc's sys/ioctl.h (musl redefines _IOC) */
#include <linux/pps.h>
#include <linux/ptp_clock.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

struct pps_rfc2783 {
	struct pps_src src;
	int fd;
	uint32_t last_seq;
	int have_seq;
};

/* RFC 2783 3.4.3 time_pps_fetch: Linux waits for an event newer than the
 * one it last saw, up to the timeout (0 returns at once with the latest). */
static int rfc2783_fetch(struct pps_src *s, int timeout_ms, struct pps_edge *e)
{
	struct pps_rfc2783 *p = container_of(s, struct pps_rfc2783, src);
	struct pps_fdata fd;
	int pass;

	/* Linux waits for an event newer than the one current at the call,
	 * so an edge that came between two calls would be skipped: look
	 * first without waiting, then wait. */
	for (pass = 0; pass < 2; pass++) {
		memset(&fd, 0, sizeof(fd));
		if (pass) {
			fd.timeout.sec = timeout_ms / 1000;
			fd.timeout.nsec = (timeout_ms % 1000) * 1000000;
		}
		if (ioctl(p->fd, PPS_FETCH, &fd) < 0) {
			if (errno == ETIMEDOUT || errno == EINTR) {
				return 0;
			}
			return -errno;
		}
		if (!p->have_seq || fd.info.assert_sequence != p->last_seq) {
			break;
		}
		if (pass || timeout_ms == 0) {
			return 0; /* nothing new */
		}
	}
	p->have_seq = 1;
	p->last_seq = fd.info.assert_sequence;
	e->sec = fd.info.assert_tu.sec;
	e->nsec = fd.info.assert_tu.nsec;
	e->seq = fd.info.assert_sequence;
	return 1;
}

static void rfc2783_destroy(struct pps_src *s)
{
	struct pps_rfc2783 *p = container_of(s, struct pps_rfc2783, src);
	close(p->fd);
	free(p);
}

static const struct pps_ops rfc2783_ops = { rfc2783_fetch, rfc2783_destroy };

struct pps_src *pps_rfc2783_open(const char *path, char *err, size_t errlen)
{
	struct pps_rfc2783 *p;
	struct pps_kparams kp;
	int caps = 0, fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (ioctl(fd, PPS_GETCAP, &caps) < 0) {
		snprintf(err, errlen, "%s: PPS_GETCAP: %s (not an RFC 2783 PPS device?)", path,
			 strerror(errno));
		close(fd);
		return NULL;
	}
	if (!(caps & PPS_CAPTUREASSERT) || !(caps & PPS_TSFMT_TSPEC)) {
		snprintf(err, errlen, "%s: cannot capture assert edges (caps 0x%x)", path, caps);
		close(fd);
		return NULL;
	}
	memset(&kp, 0, sizeof(kp));
	if (ioctl(fd, PPS_GETPARAMS, &kp) < 0) {
		snprintf(err, errlen, "%s: PPS_GETPARAMS: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	kp.api_version = PPS_API_VERS;
	kp.mode = PPS_CAPTUREASSERT | PPS_TSFMT_TSPEC;
	if (ioctl(fd, PPS_SETPARAMS, &kp) < 0) {
		snprintf(err, errlen, "%s: PPS_SETPARAMS: %s%s", path, strerror(errno),
			 errno == EPERM ? " (needs CAP_SYS_TIME or write access)" : "");
		close(fd);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	p->src.ops = &rfc2783_ops;
	snprintf(p->src.name, sizeof(p->src.name), "%s", path);
	p->fd = fd;
	/* Only edges after this one count: the kernel keeps the last event
	 * (sequence 0 and time 0 before the first), which may be old. */
	{
		struct pps_fdata f0;
		memset(&f0, 0, sizeof(f0));
		if (ioctl(fd, PPS_FETCH, &f0) == 0) {
			p->last_seq = f0.info.assert_sequence;
			p->have_seq = 1;
		}
	}
	return &p->src;
}

/* PTP_PIN_SETFUNC: pin gets function func (PTP_PF_EXTTS, PTP_PF_PEROUT) on
 * channel.  0 or -errno with a message in err. */
static int pin_setfunc(int fd, const char *path, int pin, unsigned func, unsigned channel,
		       char *err, size_t errlen)
{
	struct ptp_pin_desc pd;

	memset(&pd, 0, sizeof(pd));
	pd.index = (unsigned)pin;
	pd.func = func;
	pd.chan = channel;
	if (ioctl(fd, PTP_PIN_SETFUNC, &pd) < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: PTP_PIN_SETFUNC pin %d -> %s channel %u: %s", path, pin,
			 func == PTP_PF_EXTTS ? "extts" : "perout", channel, strerror(e));
		return -e;
	}
	return 0;
}

struct pps_extts {
	struct pps_src src;
	int fd;
	unsigned channel;
	uint32_t seq;
};

static int extts_fetch(struct pps_src *s, int timeout_ms, struct pps_edge *e)
{
	struct pps_extts *p = container_of(s, struct pps_extts, src);
	struct ptp_extts_event ev;
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	ssize_t n;

	for (;;) {
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0) {
			return errno == EINTR ? 0 : -errno;
		}
		if (r == 0) {
			return 0;
		}
		n = read(p->fd, &ev, sizeof(ev));
		if (n < 0) {
			return errno == EINTR || errno == EAGAIN ? 0 : -errno;
		}
		if (n != (ssize_t)sizeof(ev)) {
			return -EIO;
		}
		/* one read queue serves every channel of the PHC */
		if (ev.index != p->channel) {
			timeout_ms = 0;
			continue;
		}
		e->sec = ev.t.sec;
		e->nsec = (int32_t)ev.t.nsec;
		e->seq = ++p->seq;
		return 1;
	}
}

static void extts_destroy(struct pps_src *s)
{
	struct pps_extts *p = container_of(s, struct pps_extts, src);
	struct ptp_extts_request req;

	memset(&req, 0, sizeof(req));
	req.index = p->channel; /* flags 0: disable */
	(void)ioctl(p->fd, PTP_EXTTS_REQUEST, &req);
	close(p->fd);
	free(p);
}

static const struct pps_ops extts_ops = { extts_fetch, extts_destroy };

struct pps_src *pps_extts_open(const char *path, unsigned channel, int pin, char *err,
			       size_t errlen)
{
	struct pps_extts *p;
	struct ptp_extts_request req;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (pin >= 0 && pin_setfunc(fd, path, pin, PTP_PF_EXTTS, channel, err, errlen)) {
		close(fd);
		return NULL;
	}
	memset(&req, 0, sizeof(req));
	req.index = channel;
	req.flags = PTP_ENABLE_FEATURE | PTP_RISING_EDGE;
	if (ioctl(fd, PTP_EXTTS_REQUEST, &req) < 0) {
		snprintf(err, errlen, "%s: PTP_EXTTS_REQUEST channel %u: %s", path, channel,
			 strerror(errno));
		close(fd);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	p->src.ops = &extts_ops;
	snprintf(p->src.name, sizeof(p->src.name), "%s:%u", path, channel);
	p->fd = fd;
	p->channel = channel;
	return &p->src;
}

/* ---- periodic output ---- */

int pps_perout_setup(int fd, const char *path, unsigned channel, int pin, char *err,
		     size_t errlen)
{
	struct ptp_clock_caps caps;

	memset(&caps, 0, sizeof(caps));
	if (ioctl(fd, PTP_CLOCK_GETCAPS, &caps) < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: PTP_CLOCK_GETCAPS: %s", path, strerror(e));
		return -e;
	}
	if (caps.n_per_out <= 0 || channel >= (unsigned)caps.n_per_out) {
		snprintf(err, errlen, "%s: no periodic output channel %u (the PHC has %d)", path,
			 channel, caps.n_per_out);
		return -EOPNOTSUPP;
	}
	if (pin >= 0 && pin >= caps.n_pins) {
		snprintf(err, errlen, "%s: no programmable pin %d (the PHC has %d)", path, pin,
			 caps.n_pins);
		return -EINVAL;
	}
	return pin >= 0 ? pin_setfunc(fd, path, pin, PTP_PF_PEROUT, channel, err, errlen) : 0;
}

int pps_perout_start(int fd, const char *path, unsigned channel, int64_t start_sec, char *err,
		     size_t errlen)
{
	struct ptp_perout_request rq;
	int v, e = 0;

	/* v: 0 REQUEST2 with a duty cycle, 1 REQUEST2 without, 2 REQUEST */
	for (v = 0; v < 3; v++) {
		memset(&rq, 0, sizeof(rq));
		rq.index = channel;
		rq.start.sec = start_sec;
		rq.period.sec = 1;
		if (v == 0) {
			rq.flags = PTP_PEROUT_DUTY_CYCLE;
			rq.on.nsec = 500000000;
		}
		if (!ioctl(fd, v == 2 ? PTP_PEROUT_REQUEST : PTP_PEROUT_REQUEST2, &rq)) {
			return v;
		}
		e = errno;
		if (e == ENOTTY && v < 2) {
			v = 1; /* no PTP_PEROUT_REQUEST2: the first one */
		} else if (v || (e != EOPNOTSUPP && e != EINVAL && e != ERANGE)) {
			break;
		}
	}
	snprintf(err, errlen, "%s: %s channel %u: %s", path,
		 v == 2 ? "PTP_PEROUT_REQUEST" : "PTP_PEROUT_REQUEST2", channel, strerror(e));
	return -e;
}

int pps_perout_stop(int fd, unsigned channel)
{
	struct ptp_perout_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.index = channel; /* period 0: off */
	return ioctl(fd, PTP_PEROUT_REQUEST, &rq) < 0 ? -errno : 0;
}
