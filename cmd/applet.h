/* SPDX-License-Identifier: BSD-2-Clause */
/* Applet entry points and the setup they share (command line, config, log,
 * clock, transport, identity).  Only cmd/ may exit or block. */
#ifndef PTPBOX_APPLET_H
#define PTPBOX_APPLET_H

#include <signal.h>
#include <stddef.h>

#include "../core/config.h"
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

struct port_setup {
	const char *applet;    /* "gm", "oc" */
	struct config *cfg;
	const char *iface;
	struct clk *clock;
	struct udp *udp;
	struct clock_identity identity;
	int transport;
	int hw_ts;
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

/* CLOCK_MONOTONIC now, ns. */
tmv_t mono_now(void);

/* Set by SIGINT/SIGTERM; loops end when it becomes non-zero. */
extern volatile sig_atomic_t applet_stop;
void install_stop_handlers(void);

/* Wait for fds (POLLIN|POLLERR) until deadline (monotonic ns, INT64_MAX =
 * none).  revents written back.  Returns poll()'s result (-1 on EINTR). */
struct pollfd;
int wait_fds(struct pollfd *fds, int n, tmv_t deadline);

#endif
