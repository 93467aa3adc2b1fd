/* SPDX-License-Identifier: BSD-2-Clause */
/* metrics_file: an applet's metrics written atomically; see applet.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../hw/log.h"
#include "applet.h"

#define METRICS_MAX 65536 /* tc: 16 ports of about 2.5 KB */

/* PATH.tmp written in full, then renamed over PATH: 0 or -errno. */
static int write_file(struct metrics_file *f)
{
	struct metrics_out m;
	size_t done = 0;
	int fd, e = 0;

	metrics_init(&m, f->text, METRICS_MAX, f->label);
	f->fill(f->ctx, &m, mono_now());
	if (m.len >= METRICS_MAX) {
		return -EMSGSIZE;
	}
	fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		return -errno;
	}
	while (done < m.len) {
		ssize_t n = write(fd, f->text + done, m.len - done);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			e = n < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)n;
	}
	if (close(fd) && !e) {
		e = -errno;
	}
	if (!e && rename(f->tmp, f->path)) {
		e = -errno;
	}
	if (e) {
		unlink(f->tmp);
	}
	return e;
}

void metrics_file_start(struct metrics_file *f, const struct config *cfg, const char *applet,
			const char *label, metrics_fill_fn fill, void *ctx)
{
	const char *path = cfg_str(cfg, OPT_metrics_file);
	char at[300];
	int r;

	memset(f, 0, sizeof(*f));
	f->next = INT64_MAX;
	if (!*path) {
		return;
	}
	snprintf(f->path, sizeof(f->path), "%s", path);
	snprintf(f->tmp, sizeof(f->tmp), "%s.tmp", path);
	snprintf(f->label, sizeof(f->label), "%s", label);
	f->fill = fill;
	f->ctx = ctx;
	f->period = log2_interval_ns(cfg_int(cfg, OPT_summary_interval));
	f->text = malloc(METRICS_MAX);
	r = f->text ? write_file(f) : -ENOMEM;
	if (r) {
		fprintf(stderr, "%s: %s: metrics_file %s: %s: %s\n", applet,
			config_where(cfg, OPT_metrics_file, at, sizeof(at)), path, f->tmp,
			strerror(-r));
		exit(EXIT_RUNTIME);
	}
	f->next = mono_now() + f->period;
}

tmv_t metrics_file_tick(struct metrics_file *f, tmv_t now)
{
	int r;

	if (!f->path[0] || now < f->next) {
		return f->next;
	}
	r = write_file(f);
	if (r && !f->failing) {
		pr_warning("metrics_file %s: %s (said once until it works again)", f->tmp,
			   strerror(-r));
	} else if (!r && f->failing) {
		pr_notice("metrics_file %s: written again", f->path);
	}
	f->failing = !!r;
	f->next += f->period;
	if (f->next <= now) {
		f->next = now + f->period; /* after a stall: no burst */
	}
	return f->next;
}

void metrics_file_stop(struct metrics_file *f)
{
	if (f->path[0]) {
		unlink(f->path);
		f->path[0] = 0;
	}
	free(f->text);
	f->text = NULL;
}
