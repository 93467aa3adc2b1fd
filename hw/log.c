/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

/* The one documented process-wide state of core/: see log.h. */
static struct log_cfg log_state = { "ptpbox", LOG_INFO, 1, 0, NULL };

void log_setup(const struct log_cfg *cfg)
{
	log_state = *cfg;
	if (log_state.use_syslog) {
		openlog(log_state.tag, LOG_PID, LOG_DAEMON);
	}
}

void pr_log(int level, const char *fmt, ...)
{
	char buf[1024];
	struct timespec ts;
	va_list ap;

	if (level > log_state.level) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (log_state.verbose) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(stdout, "%s[%lld.%03ld]: %s%s%s%s\n", log_state.tag, (long long)ts.tv_sec,
			ts.tv_nsec / 1000000, log_state.message_tag ? "[" : "",
			log_state.message_tag ? log_state.message_tag : "",
			log_state.message_tag ? "] " : "", buf);
		fflush(stdout);
	}
	if (log_state.use_syslog) {
		syslog(level, "%s%s%s%s", log_state.message_tag ? "[" : "",
		       log_state.message_tag ? log_state.message_tag : "",
		       log_state.message_tag ? "] " : "", buf);
	}
}
