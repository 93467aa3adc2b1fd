/* SPDX-License-Identifier: BSD-2-Clause */
/* Applet entry points and the setup they share (command line, config, log,
 * clock, transport, identity).  Only cmd/ may exit or block. */
#ifndef PTPBOX_APPLET_H
#define PTPBOX_APPLET_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "../core/config.h"
#include "../core/ds.h"
#include "../core/engine.h"
#include "../core/metrics.h"
#include "../core/mgmt.h"
#include "../core/msg.h"
#include "../hw/clk_backend.h"
#include "../hw/udp.h"

#define APPLET(name, fn, desc) int fn(int argc, char **argv);
#include "applets.def"
#undef APPLET
/* The main of an applet listed in applets.def but not built yet. */
int applet_missing(int argc, char **argv);

/* Exit codes */
#define EXIT_USAGE 1  /* bad command line or configuration */
#define EXIT_MISSING 2 /* applet not built */
#define EXIT_RUNTIME 3 /* could not start (interface, clock, socket) */

#ifndef PTPBOX_VERSION
#define PTPBOX_VERSION "0.1"
#endif

#define PORT_TXQ_LEN 4096 /* power of two: stamps a burst may leave pending */

/* A message sent with want_ts whose transmit timestamp has not come yet:
 * in slot key % PORT_TXQ_LEN, key the number of event datagrams sent
 * before it (SOF_TIMESTAMPING_OPT_ID counts the same way); its first 64
 * octets kept (header, body, the start of a TLV) to check the match. */
struct port_txq {
	int used, id;
	long long key;
	size_t len;
	uint8_t bytes[64];
};

/* Datagrams of one socket waiting for port_flush() (sendmmsg). */
#define PORT_BATCH_OCTETS 128 /* larger messages go at once */
struct port_batch {
	int n;
	struct udp_out out[UDP_BATCH_MAX];
	uint8_t bytes[UDP_BATCH_MAX][PORT_BATCH_OCTETS];
};

/* Datagrams of a batched receive (recvmmsg). */
struct port_rx {
	struct udp_in in[UDP_BATCH_MAX];
	uint8_t bytes[UDP_BATCH_MAX][2048];
};

struct port_setup {
	const char *applet;    /* "gm", "oc" */
	enum cfg_role role;
	struct config *cfg;
	const char *iface;
	struct clk *clock;
	struct udp *udp;
	struct clock_identity identity;
	struct port_identity port; /* identity, port 1 */
	int domain;
	int transport;
	int hw_ts;
	int log_level;
	struct eng_counters *cnt; /* the engine's counters (management, summary) */
	int mgmt_fd;		  /* management UNIX socket, -1: none */
	int aux_fd;		  /* an applet's own input (gm: ToD), -1: none */
	struct port_txq txq[PORT_TXQ_LEN];
	int next_id;
	long long tx_key;    /* event datagrams sent so far */
	long long key_off;   /* our key - the kernel's (0 unless a send failed late) */
	uint64_t ts_scanned; /* stamps matched by content, not by key */
	tmv_t next_truth; /* port_soft_truth() */
	struct port_batch *batch[2]; /* general, event; NULL: send at once */
	struct port_rx *rx;	     /* batched receive; NULL: one at a time */
	struct udp_in rx1;	     /* the one at a time, into rxbuf */
	struct port_sys *sys;	     /* sys_sync: the system clock kept on the PHC, or NULL */
	struct auth_db *sad;	     /* sa_file's associations, NULL: no authentication */
	struct auth_port *auth;	     /* the port's (spp, active_key_id), or NULL */
	int argc;		     /* the command line, for re-reading the */
	char **argv;		     /* configuration on SIGHUP */
	uint8_t rxbuf[PTP_MSG_MAX_LEN + 64];
};

/*
 * Parse the linuxptp-style command line shared by gm and oc
 * (-f FILE -i IFACE -m -q -l N -4 -6 -S -H --KEY=VALUE, -h/--help), read
 * and check the configuration, set up logging, the clock, the transport and
 * the clockIdentity.  Prints a one-line error and exits (EXIT_USAGE for the
 * command line and the configuration, EXIT_RUNTIME for the system) rather
 * than return a half-made setup; returns only on success.
 */
/* A --KEY=VALUE or --KEY VALUE option at argv[*i] (advancing *i past a
 * separate value) into cfg: NULL, or the error text (err, errlen octets,
 * holds it when it names the key). */
const char *long_opt_set(struct config *cfg, int argc, char **argv, int *i, char *err,
			 size_t errlen);
/* Exit EXIT_RUNTIME with "APPLET: IFACE: no such interface" unless the
 * interface exists (said before its clock is looked for). */
void iface_check(const char *applet, const char *iface);
/* Log config_notice()'s lines (ptp4l keys without effect) at notice level. */
void log_notices(const struct config *cfg);
/* 1 when clockIdentity is set, and not linuxptp's 000000.0000.000000 (made
 * from the MAC address, as when unset). */
int clock_id_given(const struct config *cfg);
void port_setup(struct port_setup *ps, int argc, char **argv, const char *applet,
		enum cfg_role role, const char *usage);
void port_teardown(struct port_setup *ps);
/* Logging as cfg says (logging_level, verbose, use_syslog, message_tag),
 * the command line's -m (verbose 1), -q (quiet) and -l (level >= 0)
 * winning; returns the level in force. */
int log_from_config(const struct config *cfg, const char *tag, int verbose, int quiet, int level);
/* The authentication counters, one line (before the engine that owns
 * ps->cnt is destroyed); nothing without spp. */
void port_log_auth(const struct port_setup *ps);

/*
 * Authentication (1588-2019 16.14, core/auth.h) from a configuration:
 * nothing (*db and *ap NULL) when spp is -1; otherwise sa_file read and
 * parsed, and the port's SA spp with key active_key_id, its replay table
 * bounded to max_streams streams.  0, or -1 with the reason in err
 * ("FILE:LINE: ..." for the file's errors, where spp or active_key_id
 * was set for theirs).
 */
int auth_from_config(const struct config *cfg, unsigned max_streams, struct auth_db **db,
		     struct auth_port **ap, char *err, size_t errlen);
/* SIGHUP: read the configuration and sa_file again and take their
 * sa_file, spp and active_key_id (keys are rolled this way); on any error
 * the keys in use stay, and the error is logged.  The log line says what
 * is in force. */
void port_auth_reload(struct port_setup *ps);

/*
 * Batched sending and receiving (the gm: thousands of datagrams a second):
 * datagrams and transmit stamps are read up to UDP_BATCH_MAX a call
 * (recvmmsg), and from now on the engine's sends up to PORT_BATCH_OCTETS wait in a batch per socket,
 * in order, and leave with sendmmsg(2) when the batch is full or at
 * port_flush(), which the applet calls before it waits.  A datagram that
 * fails is counted in the engine's tx_err (its transmit stamp then never
 * comes: the engine counts it missing).  0 or -ENOMEM.
 */
int port_batch_on(struct port_setup *ps);
void port_flush(struct port_setup *ps);

/* A soft clock's true time error (ns) and frequency error (ppb), logged at
 * info level for tests; nothing for other clocks. */
void log_soft_truth(struct clk *c);

/* With a soft clock: log its truth once a second, or once every
 * 2^summary_interval s when that is longer; returns the next time it is due
 * (monotonic ns), INT64_MAX for other clocks. */
tmv_t port_soft_truth(struct port_setup *ps, tmv_t now);

/* "001122.fffe.334455" to a clockIdentity.  0 or -EINVAL. */
int parse_clock_id(const char *s, struct clock_identity *id);
/* 1 when an interface's MAC can form a clockIdentity (OCP 7.5): not all
 * zero (the loopback's), not a group address. */
int eui48_usable(const uint8_t mac[6]);

/* An option's value text as a number in lo..hi into *v: 0, or -1 after the
 * line "APPLET: NAME TEXT: out of range, allowed LO..HI (UNIT)" on stderr
 * (not a number, trailing text, not finite, out of range).  With unit "s"
 * or "ms" (any unit but "ns") the text may end in either ("2s", "500ms"),
 * converted to unit; a bare number is in unit. */
int opt_number(const char *applet, const char *name, const char *text, double lo, double hi,
	       const char *unit, double *v);

/* The clock the configuration's "clock" key names (auto|soft|
 * CLOCK_REALTIME|/dev/ptpN; auto is the PHC of iface with hardware
 * stamps).  NULL with a message in err on error. */
struct clk *clock_from_config(const struct config *cfg, int hw_ts, const char *iface, char *err,
			      size_t errlen);

/* Engine ops (core/engine.h) over this port's UDP transport and clock:
 * send (with transmit timestamps matched back by port_drain_txts), log to
 * the applet's log, addresses parsed with the interface as IPv6 scope.
 * ops->mgmt is left NULL for the applet to set. */
void port_eng_ops(struct port_setup *ps, struct eng_ops *ops, struct eng_port *port);

/*
 * sys_sync (cmd/sysclock.c, engine core/sysync.c): keep the system clock
 * (CLOCK_REALTIME; sys_clock soft: a soft clock in its place, for tests)
 * on the port's PHC, phc2sys's job.  port_sys_open(): nothing (ps->sys
 * NULL) unless sys_sync is 1, the clock a PHC and free_running 0; 0, or
 * -errno with a message in err (the PHC cannot be read against
 * CLOCK_REALTIME, out of memory).
 * port_sys_tick(): at now (monotonic ns) measure if due and ready (the
 * PHC follows its reference: the applet decides), with the time
 * properties tp of the PHC's time for TAI -> UTC and leap seconds; returns
 * when it is next due (monotonic ns, INT64_MAX: never).  A failed
 * measurement is counted and logged every 10 s at most.
 */
struct port_sys;
int port_sys_open(struct port_setup *ps, char *err, size_t errlen);
tmv_t port_sys_tick(struct port_setup *ps, tmv_t now, const struct time_properties_ds *tp,
		    int ready);
void port_sys_close(struct port_setup *ps);
/* Its metrics (metrics_sys(), names ptpbox_ROLE_sys_...) into m; nothing
 * when off. */
void port_sys_metrics(struct port_setup *ps, struct metrics_out *m, const char *role);

/* Hand every transmit timestamp on the error queue to tx_ts(eng, id, ts in
 * the clock's time scale or 0, now). */
void port_drain_txts(struct port_setup *ps, void (*tx_ts)(void *eng, int id, tmv_t ts, tmv_t now),
		     void *eng);

/* Hand up to 256 datagrams waiting on the event (1) or general (0) socket to
 * rx (receive timestamp converted to the clock's time scale, 0 = none). */
void port_receive(struct port_setup *ps, int event,
		  void (*rx)(void *eng, int event, const struct net_addr *from, const uint8_t *buf,
			     size_t len, tmv_t rx_ts, tmv_t now),
		  void *eng);

/* What port_wait() found ready. */
#define PORT_TXTS 1	/* transmit timestamps on the error queue */
#define PORT_EVENT 2	/* datagrams on the event port */
#define PORT_GENERAL 4	/* datagrams on the general port */
#define PORT_MGMT 8	/* requests on the management UNIX socket */
#define PORT_AUX 16	/* aux_fd readable (or hung up) */

/* Wait until deadline (monotonic ns, INT64_MAX = none) for the sockets.
 * Returns PORT_* flags, 0 on time-out or signal. */
int port_wait(struct port_setup *ps, tmv_t deadline);

/* CLOCK_MONOTONIC now, ns. */
tmv_t mono_now(void);

/* Set by SIGINT/SIGTERM; loops end when it becomes non-zero.  SIGHUP sets
 * applet_reload (re-read state files), SIGUSR1 applet_usr1. */
extern volatile sig_atomic_t applet_stop, applet_reload, applet_usr1;
void install_stop_handlers(void);

/*
 * metrics_file (gm, oc, tc): the applet's metrics (core/metrics.h, made by
 * fill(ctx, m, now) with now monotonic ns) written every
 * 2^summary_interval s to a new PATH.XXXXXX (random, O_EXCL|O_NOFOLLOW)
 * and renamed to PATH, so that a reader (node_exporter's textfile
 * collector) never sees half a file; PATH must be a regular file or
 * nothing (a link, FIFO, directory, ... there is refused, left alone).
 * The first file is written at start: when that fails the applet stops
 * with the key, where it was set, the path and the reason (exit
 * EXIT_RUNTIME); a later failure is logged once until a write works
 * again.  The file is removed at a clean exit if it is still the one
 * written last.  label: the iface label of every sample.
 */
typedef void (*metrics_fill_fn)(void *ctx, struct metrics_out *m, tmv_t now);
struct metrics_file {
	char path[136], tmp[144], label[96]; /* path "": no metrics_file */
	tmv_t period, next;		     /* ns; next: monotonic, INT64_MAX: off */
	dev_t dev;			     /* the file written last */
	ino_t ino;
	int failing;
	metrics_fill_fn fill;
	void *ctx;
	char *text; /* the text being written (64 KiB) */
};
void metrics_file_start(struct metrics_file *f, const struct config *cfg, const char *applet,
			const char *label, metrics_fill_fn fill, void *ctx);
/* Write when due; returns the next deadline (monotonic ns, INT64_MAX: off). */
tmv_t metrics_file_tick(struct metrics_file *f, tmv_t now);
void metrics_file_stop(struct metrics_file *f);

/*
 * Files made where others may write too (cmd/files.c).  file_kind: "a
 * regular file", "a symbolic link", "a FIFO", "a directory", ... for a
 * st_mode.  uds_bind: bind the AF_UNIX socket fd to path, never following
 * a link and never removing anything but a stale socket: a path that does
 * not exist is bound; a socket nobody listens on (ECONNREFUSED) is removed
 * and the path bound; anything else there (a file, link, FIFO, directory,
 * a socket a running process answers on) is left alone and refused.  The
 * file is made with mode 0777 & ~mask (umask(mask) around bind; mask -1:
 * the process's umask).  0 with *u the socket file bound, 1 refused, -1
 * failed (bind, lstat, a path of 108 octets or more); err: "WHAT PATH:
 * reason".  uds_unlink removes u's file only while it is still that socket
 * (same device and inode), then forgets it.
 */
struct uds_file {
	char path[108]; /* "": none */
	dev_t dev;
	ino_t ino;
};
const char *file_kind(mode_t mode);
int uds_bind(int fd, const char *path, int mask, struct uds_file *u, const char *what,
	     char *err, size_t errlen);
void uds_unlink(struct uds_file *u);

/*
 * Management agent (1588-2019 15) shared by gm and oc.  Requests come from
 * the network (receive() hands MANAGEMENT messages to mgmt_agent_udp():
 * unicast or the primary multicast group on the general port, domain
 * already checked by the engine, rate-limited to mgmt_rate_limit per second
 * and source address, SET and COMMAND refused unless allow_remote_mgmt 1
 * and the source is in mgmt_acl) and from the UNIX datagram socket
 * uds_address (default /var/run/ptpbox-APPLET-IFACE, "none" for no socket; same
 * domain rule as ptp4l).  Answers go back to the sender.
 */
#define MGMT_SOURCES 64 /* sources rate-limited one by one */
#define MGMT_ALL_RATE 8 /* all sources together: this many times one's rate */

struct mgmt_agent {
	struct port_setup *ps;
	struct mgmt_ops app; /* the applet's (engine's) data sets */
	struct mgmt_ops ops; /* app, then the common ids: what mgmt_answer() calls */
	int uds_fd;
	struct uds_file uds;
	double rate;	     /* requests/s a source may send, 0: no limit */
	struct mgmt_bucket {  /* token buckets: one per recent source ... */
		struct net_addr addr;
		double tokens;
		tmv_t at; /* last refill, monotonic ns; 0: free */
	} src[MGMT_SOURCES], all; /* ... and one for all (MGMT_ALL_RATE x rate) */
	struct net_acl acl;	  /* mgmt_acl: who may SET from the network */
	int allow_remote;	  /* allow_remote_mgmt */
	tmv_t refused_said;	  /* last "SET refused" log line, monotonic ns */
	char user_description[MGMT_TEXT_MAX];
	int mcast;		  /* mgmt_multicast: answer requests to the group */
	int get_unauth;		  /* mgmt_get_unauthenticated (with spp set) */
	uint64_t rx, rx_bad, rate_dropped, set_refused, tx_err;
	uint64_t not_unicast; /* multicast requests where the profile is unicast */
};

/* Open the agent: join the multicast group, bind the UNIX socket (see
 * mgmt_uds_open).  get/set are the applet's (see struct
 * mgmt_ops); ids they answer -MERR_NOT_SUPPORTED go to the common handlers
 * below.  0, or -1 with a message in err. */
int mgmt_agent_open(struct mgmt_agent *a, struct port_setup *ps, int (*get)(void *, struct mgmt_value *),
		    int (*set)(void *, const struct mgmt_value *, int), void *ctx, char *err,
		    size_t errlen);
/* Close the socket and remove its file (uds_unlink). */
void mgmt_agent_close(struct mgmt_agent *a);
/* Answer what waits on the UNIX socket (port_wait() said PORT_MGMT). */
void mgmt_agent_uds(struct mgmt_agent *a);
/* Answer a MANAGEMENT message received on the general port from `from`.
 * With authentication on the port (spp): one without a valid
 * AUTHENTICATION TLV (authenticated 0) is counted (auth_missing) and
 * dropped, but a GET where mgmt_get_unauthenticated is 1; answers carry
 * the TLV.  1588-2019 16.14. */
void mgmt_agent_udp(struct mgmt_agent *a, const struct ptp_msg *m, const struct net_addr *from,
		    int authenticated);
/*
 * The management UNIX datagram socket of any applet: uds_address `path`
 * ("" = /var/run/ptpbox-NAME: the tc's "tc", the gm's and oc's
 * "APPLET-IFACE"; "none" = no socket), bound by uds_bind
 * with mode 0660 into *u.  The fd, -1 for no socket (none, or the default
 * path cannot be bound: warned, as an initramfs without /var/run), -2 with
 * a message in err (also when something other than a stale socket is at
 * the path, the default one too).
 */
int mgmt_uds_open(const char *path, const char *name, struct uds_file *u, char *err,
		  size_t errlen);
struct mgmt_uds_cnt {
	uint64_t rx, rx_bad, other_domain, tx_err;
};
/* Answer k (0, 1, ...) to request m into *resp (its TLV in tbuf, room
 * octets): 1 to send it and ask for k + 1, 0 when there is no more. */
typedef int (*mgmt_uds_answer_fn)(void *ctx, const struct ptp_msg *m, int k,
				  struct ptp_msg *resp, uint8_t *tbuf, size_t room);
/* Serve up to 64 requests waiting on fd: malformed ones and those of
 * another domain than `domain` are counted and dropped, each other one
 * gets the answers of answer() back to its sender.  Counters added to *c. */
void mgmt_uds_serve(int fd, int domain, struct mgmt_uds_cnt *c, mgmt_uds_answer_fn answer,
		    void *ctx);
/* What both applets serve the same way: CLOCK_DESCRIPTION,
 * USER_DESCRIPTION, DOMAIN, VERSION_NUMBER, LOG_ANNOUNCE_INTERVAL,
 * LOG_SYNC_INTERVAL, ANNOUNCE_RECEIPT_TIMEOUT, PORT_DATA_SET_NP,
 * PORT_STATS_NP.  0 or -MERR_NOT_SUPPORTED. */
int mgmt_agent_get_common(struct mgmt_agent *a, struct mgmt_value *v);
/* SET USER_DESCRIPTION; NOT_SETABLE for values that would break running
 * sessions (domain, intervals, version); NOT_SUPPORTED otherwise. */
int mgmt_agent_set_common(struct mgmt_agent *a, const struct mgmt_value *v);


#endif
