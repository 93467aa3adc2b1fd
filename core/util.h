/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PTPBOX_UTIL_H
#define PTPBOX_UTIL_H

#include <ctype.h>
#include <stddef.h>
#include <string.h>

/* The struct that embeds member m (an ops-first handle) at pointer p. */
#define container_of(p, type, m) ((type *)((char *)(p)-offsetof(type, m)))

/* s without leading and trailing white space (trailing cut in place). */
static inline char *str_trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s)) {
		s++;
	}
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1])) {
		*--e = 0;
	}
	return s;
}

#endif
