/* SPDX-License-Identifier: BSD-2-Clause */
/* Applet entry points and the setup they share (command line, config, log,
 * clock, transport, identity).  Only cmd/ may exit or block. */
#ifndef PTPBOX_APPLET_H
#define PTPBOX_APPLET_H

#include <signal.h>
#include <stddef.h>

#include "../core/config.h"
#include "../core/mgmt.h"
#include "../core/msg.h"
#include "../hw/clock.h"
#include "../hw/udp.h"

#define APPLET(name, fn, desc) int fn(int argc, char **argv);
#include "applets.def"
#undef APPLET

/* Exit codes */
#define EXIT_USAGE 1  /* bad command line or configuration */
#define EXIT_MISSING 2 /* applet not built */
#define EXIT_RUNTIME 3 /* could not start (interface, clock, socket) */

#ifndef PTPBOX_VERSION
#define PTPBOX_VERSION "0.1"
#endif

struct port_setup {
	const char *applet;    /* "gm", "oc" */
	struct config *cfg;
	const char *iface;
	struct clk *clock;
	struct udp *udp;
	struct clock_identity identity;
	struct port_identity port; /* identity, port 1 */
	int domain;
	int transport;
	int hw_ts;
	uint64_t tx_err, rx_bad, rx_other_domain;
	uint64_t rx_msg[16], tx_msg[16]; /* per messageType, PORT_STATS_NP */
	int mgmt_fd;			 /* management UNIX socket, -1: none */
	int aux_fd;			 /* an applet's own input (gm: ToD), -1: none */
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
void port_setup(struct port_setup *ps, int argc, char **argv, const char *applet,
		enum cfg_role role, const char *usage);
void port_teardown(struct port_setup *ps);

/* A soft clock's true time error (ns) and frequency error (ppb), logged at
 * info level for tests; nothing for other clocks. */
void log_soft_truth(struct clk *c);

/* defaultDS (1588-2019 8.2.1) fields the configuration sets: clockQuality,
 * priority1/2, domainNumber; numberPorts 1.  The caller sets
 * clockIdentity, twoStepFlag and slaveOnly. */
void default_ds_from_config(const struct config *cfg, struct default_ds *d);

/* A PI servo for clock with the configuration's pi_* gains, step
 * thresholds and max_frequency (capped at the clock's max_adj).  NULL when
 * out of memory. */
struct servo;
struct servo *servo_from_config(const struct config *cfg, const struct clk *clock);

/* "001122.fffe.334455" to a clockIdentity.  0 or -EINVAL. */
int parse_clock_id(const char *s, struct clock_identity *id);

/* The clock the configuration's "clock" key names (auto|soft|
 * CLOCK_REALTIME|/dev/ptpN; auto is the PHC of iface with hardware
 * stamps).  NULL with a message in err on error. */
struct clk *clock_from_config(const struct config *cfg, int hw_ts, const char *iface, char *err,
			      size_t errlen);

/* Header of a message from this port: version 2.1, domain, unicastFlag
 * (OCP 7.13, G.8265.1 Table A.6), sourcePortIdentity, sequenceId and
 * logMessageInterval (0x7f where 13.3.2.14 says "not applicable"). */
void port_msg_init(const struct port_setup *ps, struct ptp_msg *m, uint8_t type, uint16_t seq,
		   int8_t log);

/* Pack m and send it to `to` on the event (1) or general (0) port.  When out
 * is given the packed bytes are kept there (*outlen: room in, length out),
 * e.g. to match the transmit timestamp.  0 or -errno; failures count in
 * ps->tx_err and log at debug level. */
int port_send(struct port_setup *ps, int event, const struct ptp_msg *m, const struct net_addr *to,
	      uint8_t *out, size_t *outlen);

/* Receive the next message for this port from the event (1) or general (0)
 * socket without blocking: malformed datagrams are counted in ps->rx_bad,
 * other domains in ps->rx_other_domain, our own messages skipped, all
 * dropped.  Returns 1 with *m (raw TLV values point into ps->rxbuf until the
 * next call), *from and *rx_raw (kernel receive timestamp, ns; 0 if none),
 * or 0 when nothing is left. */
int port_recv(struct port_setup *ps, int event, struct ptp_msg *m, struct net_addr *from,
	      tmv_t *rx_raw);

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
 * Management agent (1588-2019 15) shared by gm and oc.  Requests come from
 * the network (receive() hands MANAGEMENT messages to mgmt_agent_udp():
 * unicast or the primary multicast group on the general port, domain
 * already checked by port_recv, rate-limited to mgmt_rate_limit per second,
 * SET refused unless allow_remote_mgmt) and from the UNIX datagram socket
 * uds_address (default /var/run/ptpbox-APPLET, "none" for no socket; same
 * domain rule as ptp4l).  Answers go back to the sender.
 */
struct mgmt_agent {
	struct port_setup *ps;
	struct mgmt_ops ops;
	int uds_fd;
	char uds_path[108];
	double rate, tokens; /* token bucket for network requests */
	tmv_t refill_at;
	char user_description[MGMT_TEXT_MAX];
	uint64_t rx, rx_bad, rate_dropped, tx_err;
};

/* Open the agent: join the multicast group, bind the UNIX socket (a stale
 * file at the path is replaced).  get/set are the applet's (see struct
 * mgmt_ops).  0, or -1 with a message in err. */
int mgmt_agent_open(struct mgmt_agent *a, struct port_setup *ps, int (*get)(void *, struct mgmt_value *),
		    int (*set)(void *, const struct mgmt_value *, int), void *ctx, char *err,
		    size_t errlen);
/* Close the socket and remove its file. */
void mgmt_agent_close(struct mgmt_agent *a);
/* Answer what waits on the UNIX socket (port_wait() said PORT_MGMT). */
void mgmt_agent_uds(struct mgmt_agent *a);
/* Answer a MANAGEMENT message received on the general port from `from`. */
void mgmt_agent_udp(struct mgmt_agent *a, const struct ptp_msg *m, const struct net_addr *from);
/* What both applets serve the same way: CLOCK_DESCRIPTION,
 * USER_DESCRIPTION, DOMAIN, VERSION_NUMBER, LOG_ANNOUNCE_INTERVAL,
 * LOG_SYNC_INTERVAL, ANNOUNCE_RECEIPT_TIMEOUT, PORT_DATA_SET_NP,
 * PORT_STATS_NP.  0 or -MERR_NOT_SUPPORTED. */
int mgmt_agent_get_common(struct mgmt_agent *a, struct mgmt_value *v);
/* portDS (8.2.15) of our one E2E port in state, from the configured
 * intervals; announce_timeout as the port runs it. */
void mgmt_port_ds(const struct port_setup *ps, enum port_state state, uint8_t announce_timeout,
		  struct port_ds *p);
/* SET PRIORITY1/PRIORITY2 (v->id) into *p when within the profile's
 * range; 0 or -MERR_WRONG_VALUE (logged). */
int mgmt_agent_set_priority(struct mgmt_agent *a, const struct mgmt_value *v, uint8_t *p);
/* 5.3.6 PortAddress of a transport address (UDP/IPv4 1, UDP/IPv6 2). */
void mgmt_port_address(const struct net_addr *a, struct port_address *pa);
/* SET USER_DESCRIPTION; NOT_SETABLE for values that would break running
 * sessions (domain, intervals, version); NOT_SUPPORTED otherwise. */
int mgmt_agent_set_common(struct mgmt_agent *a, const struct mgmt_value *v);


#endif
