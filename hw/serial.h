/* SPDX-License-Identifier: BSD-2-Clause */
/* Serial ports for the G.8271 Annex A ToD channel (A.1.3.1: default 9600
 * baud, 8 data bits, no parity, 1 stop bit). */
#ifndef PTPBOX_SERIAL_H
#define PTPBOX_SERIAL_H

#include <stddef.h>

/*
 * Open path for reading (write = 0, non-blocking: poll it) or writing
 * (write = 1, blocking).  A terminal is
 * put in raw 8N1 mode at baud (no flow control, no echo, no line
 * discipline); anything else (file, pipe, FIFO) is used as it is.
 * Returns the fd or -1 with a message in err (errlen octets): unknown
 * baud rate, open or termios failure.
 */
int serial_open(const char *path, int write, int baud, char *err, size_t errlen);

#endif
