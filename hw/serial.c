/* SPDX-License-Identifier: BSD-2-Clause */
#include "serial.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static speed_t baud_const(int baud)
{
	switch (baud) {
	case 1200: return B1200;
	case 2400: return B2400;
	case 4800: return B4800;
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	case 230400: return B230400;
	default: return 0;
	}
}

int serial_open(const char *path, int write, int baud, char *err, size_t errlen)
{
	struct termios t;
	speed_t sp = baud_const(baud);
	int fd;

	if (!sp) {
		snprintf(err, errlen, "baud %d: allowed 1200 2400 4800 9600 19200 38400 57600 "
				      "115200 230400", baud);
		return -1;
	}
	/* O_NONBLOCK: opening must not wait for carrier (a tty without
	 * CLOCAL yet) or for a writer (a FIFO) */
	fd = open(path, (write ? O_WRONLY : O_RDONLY) | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (write) {
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	if (!isatty(fd)) {
		return fd;
	}
	if (tcgetattr(fd, &t)) {
		snprintf(err, errlen, "%s: tcgetattr: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	cfmakeraw(&t);
	t.c_cflag &= ~(tcflag_t)(PARENB | CSTOPB | CSIZE | CRTSCTS);
	t.c_cflag |= CS8 | CLOCAL | CREAD;
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, sp) || cfsetospeed(&t, sp) || tcsetattr(fd, TCSANOW, &t)) {
		snprintf(err, errlen, "%s: termios: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
