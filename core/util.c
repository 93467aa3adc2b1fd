/* SPDX-License-Identifier: BSD-2-Clause */
/* Small text helpers; see util.h. */
#include "util.h"

size_t str_word(const char **s, char *out, size_t cap)
{
	const char *p = *s;
	size_t n = 0;

	while (isspace((unsigned char)*p)) {
		p++;
	}
	while (*p && !isspace((unsigned char)*p)) {
		if (n + 1 < cap) {
			out[n] = *p;
		}
		n++;
		p++;
	}
	if (cap) {
		out[n < cap ? n : cap - 1] = 0;
	}
	*s = p;
	return n;
}

int hex_digit(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int hex_pattern(const char *s, const char *pat, uint8_t *out)
{
	int n = 0, half = 0, v;

	for (; *pat; pat++, s++) {
		if (*pat != 'h') {
			if (*s != *pat) {
				return -1;
			}
			continue;
		}
		v = hex_digit((unsigned char)*s);
		if (v < 0) {
			return -1;
		}
		if (half) {
			out[n] = (uint8_t)(out[n] << 4 | v);
			n++;
		} else {
			out[n] = (uint8_t)v;
		}
		half = !half;
	}
	return *s || half ? -1 : n;
}
