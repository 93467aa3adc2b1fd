/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * phcdev: the kernel twin of a NIC with a PTP hardware clock (see
 * phcdev.c for what it answers and its environment).  phcdev.c: set-up,
 * the oscillator, /dev/ptpN and its ioctls, the PHC as a POSIX clock, the
 * interface ioctls; phcdev_net.c: sockets (hardware stamps, one-step Sync,
 * the modelled wire); phcdev_out.c: the periodic output as another twin's
 * PPS input.  Internal names are hidden: the library exports only
 * the libc functions it stands in for.
 */
#ifndef PHCDEV_H
#define PHCDEV_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/ptp_clock.h>
#include <linux/sockios.h>

#include <net/if.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/types.h>
#include <time.h>

#ifndef SO_TIMESTAMPING_OLD
#define SO_TIMESTAMPING_OLD 37
#endif
#ifndef SO_TIMESTAMPING_NEW
#define SO_TIMESTAMPING_NEW 65
#endif

#define NS 1000000000LL
#define N_EXTTS 2
#define N_PEROUT 2
#define N_PINS 2
#define MAX_IFACES 4
#define MAX_FDS 8
#define SEGS 1024
#define SKS 1024
#define EV_PORT 319
#define TRAILER 16 /* the wire's sideband: "PHCw", true time, check */

#pragma GCC visibility push(hidden)

/* the real functions (libc's), resolved by phcdev_reals() */
extern int (*r_open)(const char *, int, ...);
extern int (*r_open64)(const char *, int, ...);
extern int (*r_openat)(int, const char *, int, ...);
extern int (*r_openat64)(int, const char *, int, ...);
extern int (*r_close)(int);
extern int (*r_ioctl)(int, unsigned long, ...);
extern int (*r_clock_gettime)(clockid_t, struct timespec *);
extern int (*r_clock_settime)(clockid_t, const struct timespec *);
extern int (*r_clock_getres)(clockid_t, struct timespec *);
extern int (*r_clock_adjtime)(clockid_t, struct timex *);
extern int (*r_settimeofday)(const struct timeval *, const struct timezone *);
extern int (*r_adjtime)(const struct timeval *, struct timeval *);
extern int (*r_setsockopt)(int, int, int, const void *, socklen_t);
extern int (*r_getsockopt)(int, int, int, void *, socklen_t *);
extern int (*r_bind)(int, const struct sockaddr *, socklen_t);
extern ssize_t (*r_recvmsg)(int, struct msghdr *, int);
extern int (*r_recvmmsg)(int, struct mmsghdr *, unsigned, int, struct timespec *);
extern ssize_t (*r_sendmsg)(int, const struct msghdr *, int);
extern int (*r_sendmmsg)(int, struct mmsghdr *, unsigned, int);
extern ssize_t (*r_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
void phcdev_reals(void);
#define REAL(fn) (r_##fn ? r_##fn : (phcdev_reals(), r_##fn))

struct seg {
	long long t;  /* true time, ns */
	long long e;  /* PHC minus true at t: e + ef ns */
	double ef;    /* [0, 1) */
	double rate;  /* ppb: PHC - true grows at this rate until the next */
};

struct phcfd {
	int fd, wfd, writable;
};

struct iface {
	char name[IFNAMSIZ];
	int tx_type, rx_filter;
};

struct sk {
	unsigned char used;    /* SO_TIMESTAMPING with hardware flags seen */
	unsigned char dev;     /* 0 unbound, 1 a twin interface, 2 another */
	unsigned char tx_cmsg; /* a send asked for a hardware stamp by cmsg */
	unsigned char packet;  /* AF_PACKET: data are Ethernet frames */
	unsigned asked;        /* the program's SO_TIMESTAMPING flags */
	int ifi;               /* twin interface index (dev 1) */
};

/* a one-step Sync sent: matched with its software stamp */
struct onestep {
	uint8_t key[12]; /* sequenceId and originTimestamp as written */
	long long t_call, p_written;
	int used;
};

/* a frame whose trailer the twin restamped (a transparent clock forwarding
 * it): what the program sent, for its transmit stamp */
struct restamp {
	uint8_t now[TRAILER], was[TRAILER], csum[2];
	int used;
};

struct phcdev {
	int active;
	pthread_mutex_t mu;
	int index;
	char path[32];
	struct iface ifs[MAX_IFACES];
	int n_ifs;
	int no_precise, no_extended, no_sysoff, no_onestep, no_hwts, no_phc, rx_all, nopins;
	int rx_apply; /* the filter a PTP v2 request gets (PHCDEV_RX_APPLY), or -1 */
	int log_fd, trace_fd;
	/* model */
	double f_model, wander, latch, pps_offset, pps_noise;
	long long read_ns, pps_width;
	int pps_pin, maxadj;
	unsigned long long seed, rng;
	/* the modelled wire (PHCDEV_WIRE) */
	int wire;
	double wire_delay, wire_pdv;
	unsigned long long wire_rng;
	struct restamp rs[256];
	unsigned rs_next;
	struct {
		int fd, used;
		long long t;
	} sent[256]; /* datagrams sent with a trailer: their send times */
	unsigned sent_next;
	/* oscillator */
	double w, f_adj;
	long dialed; /* scaled ppm, as the kernel keeps it */
	struct seg seg[SEGS];
	unsigned n_seg; /* total pushed; seg[(n_seg - 1) % SEGS] the newest */
	long long next_wander;
	/* extts */
	unsigned extts[N_EXTTS]; /* flags; 0 = off */
	long long edge_k;        /* next PPS edge: second and phase */
	int edge_fall;
	int ticker;
	/* perout, pins */
	struct ptp_perout_request perout[N_PEROUT];
	struct {
		unsigned func, chan;
	} pin[N_PINS];
	int no_perout, perout_v1; /* PHCDEV_NO_PEROUT, PHCDEV_PEROUT_V1 */
	/* PHCDEV_PPS_FROM: the PPS input is another twin's periodic output,
	 * read from its PHCDEV_LOG (phcdev_out.c) */
	char from_path[256];
	int from_fd, from_pin, from_have_seg, from_nopins;
	char from_buf[1024];
	size_t from_len;
	struct seg from_seg;	   /* its PHC's segment at from_pos */
	long long from_pos;	   /* true time its output is done to */
	long long from_min;	   /* no edges before: our extts came on then */
	long long from_next_read; /* true time, ns */
	struct {
		long long next, period; /* the next rising edge, PHC ns; period 0: off */
		int one_shot;
	} from_out[N_PEROUT];
	struct {
		unsigned func, chan;
	} from_pins[N_PINS];
	unsigned long long c_from_edges, c_from_late;
	struct phcfd fds[MAX_FDS];
	int n_fds;
	/* one-step */
	struct onestep os[256];
	unsigned os_next;
	long long lat[64];
	unsigned n_lat;
	double ins_sum2, ins_max;
	unsigned long long ins_n, os_sent, os_unmatched;
	/* counters */
	unsigned long long c_gettime, c_adjfreq, c_step, c_settime, c_offset, c_sysoff[3], c_rx,
		c_tx, c_extts, c_wire_rx, c_wire_tx, c_acausal, c_refused;
};

extern struct phcdev S;
extern struct sk phcdev_sks[SKS];

long long phcdev_rt_now(void);
void phcdev_out(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define TRACE(...) phcdev_out(S.trace_fd, __VA_ARGS__)
unsigned long long phcdev_mix(unsigned long long z);
double phcdev_urand(unsigned long long *st); /* (0, 1) */
int phcdev_iface(const char *name);          /* index in S.ifs or -1 */
/* what happens by itself up to true time t (random walk, PPS edges) */
void phcdev_advance(long long t);
/* a hardware stamp: the PHC's 8 ns counter at true time t */
long long phcdev_stamp(long long t);
/* a PPS input edge at true time t (fall: the falling one) to the extts
 * channel its pin has, if enabled for that edge.  Under S.mu. */
void phcdev_emit_edge(long long t, int fall);
/* phcdev_out.c: a periodic output request accepted or switched off, a pin
 * function set, at true time t, into PHCDEV_LOG.  Under S.mu. */
void phcdev_log_perout(const struct ptp_perout_request *r, long long t);
void phcdev_log_pin(unsigned pin, long long t);
/* PHCDEV_PPS_FROM: read what the other twin logged, deliver its edges up
 * to true time t less a margin for its late lines.  Under S.mu. */
void phcdev_from_advance(long long t);

#pragma GCC visibility pop

#endif
