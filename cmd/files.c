/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files the applets make where others may write too: UNIX sockets bound
 * and removed without following a link or removing anything but the
 * socket; see applet.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "applet.h"

const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFLNK:
		return "a symbolic link";
	case S_IFIFO:
		return "a FIFO";
	case S_IFDIR:
		return "a directory";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
	case S_IFBLK:
		return "a device";
	}
	return "a file";
}

/* Is a socket listening at sun?  0 no (nobody: a stale file), 1 yes, -errno
 * when that cannot be told (no permission to talk to it). */
static int uds_live(const struct sockaddr_un *sun)
{
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0) {
		return -errno;
	}
	/* a datagram socket there: connected; one of another type
	 * (a stream socket) alive too: EPROTOTYPE */
	r = connect(s, (const struct sockaddr *)sun, sizeof(*sun)) ? -errno : 1;
	close(s);
	return r == -ECONNREFUSED || r == -ENOENT ? 0 : r == -EPROTOTYPE ? 1 : r;
}

int uds_bind(int fd, const char *path, int mask, struct uds_file *u, const char *what,
	     char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old = 0;
	int r;

	memset(u, 0, sizeof(*u));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s %s: longer than %zu octets", what, path,
			 sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s %s: %s is there, not a socket: not replacing it",
				 what, path, file_kind(st.st_mode));
			return 1;
		}
		r = uds_live(&sun);
		if (r) {
			snprintf(err, errlen, "%s %s: %s", what, path,
				 r > 0 ? "in use: a running process answers there (another clock?)"
				       : strerror(-r));
			return 1;
		}
		unlink(path); /* a stale socket of an earlier run */
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (mask >= 0) {
		old = umask((mode_t)mask); /* the mode as it is made: no chmod by name */
	}
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ? errno : 0;
	if (mask >= 0) {
		umask(old);
	}
	if (r) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(r));
		return -1;
	}
	memcpy(u->path, path, strlen(path) + 1);
	if (!lstat(path, &st) && S_ISSOCK(st.st_mode)) {
		u->dev = st.st_dev;
		u->ino = st.st_ino;
	}
	return 0;
}

void uds_unlink(struct uds_file *u)
{
	struct stat st;

	if (u->path[0] && u->ino && !lstat(u->path, &st) && S_ISSOCK(st.st_mode) &&
	    st.st_dev == u->dev && st.st_ino == u->ino) {
		unlink(u->path);
	}
	u->path[0] = 0;
}
