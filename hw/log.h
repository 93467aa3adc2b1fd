/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Logging in linuxptp's shape: "TAG[MONO.mmm]: message" on stdout when
 * verbose (-m), syslog when use_syslog is set.  The sink is the one piece of
 * process-wide state in core/: cmd/ sets it up once with log_setup() before
 * any other module runs; core modules otherwise return values and events.
 */
#ifndef PTPBOX_LOG_H
#define PTPBOX_LOG_H

#include <syslog.h>

struct log_cfg {
	const char *tag;   /* "oc", "gm"; also the syslog ident */
	int level;	   /* LOG_EMERG..LOG_DEBUG: messages above it are dropped */
	int verbose;	   /* 1: print to stdout */
	int use_syslog;	   /* 1: send to syslog(3) */
	const char *message_tag; /* optional extra tag, printed as "[tag] " */
};

void log_setup(const struct log_cfg *cfg);
void pr_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_err(...) pr_log(LOG_ERR, __VA_ARGS__)
#define pr_warning(...) pr_log(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...) pr_log(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...) pr_log(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) pr_log(LOG_DEBUG, __VA_ARGS__)

#endif
