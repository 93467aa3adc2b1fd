/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PTPBOX_UTIL_H
#define PTPBOX_UTIL_H

#include <stddef.h>

/* The struct that embeds member m (an ops-first handle) at pointer p. */
#define container_of(p, type, m) ((type *)((char *)(p)-offsetof(type, m)))

#endif
