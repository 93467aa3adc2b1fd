/* SPDX-License-Identifier: BSD-2-Clause */
/* metrics_file: an applet's metrics written atomically; see applet.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../hw/log.h"
#include "applet.h"

#define METRICS_MAX 65536 /* tc: 16 ports of about 2.5 KB */

/* A new PATH.XXXXXX (6 random letters) for writing: made here, never an
 * existing file, link or FIFO opened.  The fd, or -1 with errno. */
static int create_tmp(struct metrics_file *f)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz012345";
	size_t n = strlen(f->path);
	int fd = -1, i, k;

	for (k = 0; k < 100 && fd < 0; k++) {
		uint64_t r;
		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
			/* no entropy yet (early boot): unique is enough */
			r = ((uint64_t)mono_now() ^ (uint64_t)getpid() << 40) * 0x9e3779b97f4a7c15u;
		}
		memcpy(f->tmp, f->path, n);
		f->tmp[n] = '.';
		for (i = 1; i <= 6; i++, r >>= 5) {
			f->tmp[n + i] = abc[r & 31];
		}
		f->tmp[n + 7] = 0;
		fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST) {
			break;
		}
	}
	return fd;
}

/* The metrics written in full to a new file beside PATH, then renamed over
 * PATH, which must be a regular file or nothing (never a link followed, a
 * FIFO opened, or a directory or device replaced): 0, or -1 with the
 * reason in why. */
static int write_file(struct metrics_file *f, char *why, size_t wlen)
{
	struct metrics_out m;
	struct stat st;
	size_t done = 0;
	int fd, e = 0;

	metrics_init(&m, f->text, METRICS_MAX, f->label);
	f->fill(f->ctx, &m, mono_now());
	if (m.len >= METRICS_MAX) {
		snprintf(why, wlen, "%s", strerror(EMSGSIZE));
		return -1;
	}
	if (!lstat(f->path, &st) && !S_ISREG(st.st_mode)) {
		snprintf(why, wlen, "%s is there, not a regular file: not replacing it",
			 file_kind(st.st_mode));
		return -1;
	}
	fd = create_tmp(f);
	if (fd < 0) {
		snprintf(why, wlen, "%s.XXXXXX: %s", f->path, strerror(errno));
		return -1;
	}
	while (done < m.len) {
		ssize_t n = write(fd, f->text + done, m.len - done);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	if (!e && fstat(fd, &st)) {
		e = errno;
	}
	if (close(fd) && !e) {
		e = errno;
	}
	if (e) {
		snprintf(why, wlen, "%s.XXXXXX: %s", f->path, strerror(e));
	} else if (rename(f->tmp, f->path)) {
		e = errno;
		snprintf(why, wlen, "%s: %s", f->path, strerror(e));
	}
	if (e) {
		unlink(f->tmp);
		return -1;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	return 0;
}

void metrics_file_start(struct metrics_file *f, const struct config *cfg, const char *applet,
			const char *label, metrics_fill_fn fill, void *ctx)
{
	const char *path = cfg_str(cfg, OPT_metrics_file);
	char at[300], why[200];

	memset(f, 0, sizeof(*f));
	f->next = INT64_MAX;
	if (!*path) {
		return;
	}
	snprintf(f->path, sizeof(f->path), "%s", path);
	snprintf(f->label, sizeof(f->label), "%s", label);
	f->fill = fill;
	f->ctx = ctx;
	f->period = log2_interval_ns(cfg_int(cfg, OPT_summary_interval));
	f->text = malloc(METRICS_MAX);
	if (!f->text) {
		snprintf(why, sizeof(why), "%s", strerror(ENOMEM));
	}
	if (!f->text || write_file(f, why, sizeof(why))) {
		fprintf(stderr, "%s: %s: metrics_file %s: %s\n", applet,
			config_where(cfg, OPT_metrics_file, at, sizeof(at)), path, why);
		exit(EXIT_RUNTIME);
	}
	f->next = mono_now() + f->period;
}

tmv_t metrics_file_tick(struct metrics_file *f, tmv_t now)
{
	char why[200];
	int r;

	if (!f->path[0] || now < f->next) {
		return f->next;
	}
	r = write_file(f, why, sizeof(why));
	if (r && !f->failing) {
		pr_warning("metrics_file %s: %s (said once until it works again)", f->path, why);
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
	struct stat st;

	/* only the file written last: not what another put there since */
	if (f->path[0] && !lstat(f->path, &st) && S_ISREG(st.st_mode) && st.st_dev == f->dev &&
	    st.st_ino == f->ino) {
		unlink(f->path);
	}
	f->path[0] = 0;
	free(f->text);
	f->text = NULL;
}
