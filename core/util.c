/* SPDX-License-Identifier: BSD-2-Clause */
/* Small text helpers; see util.h. */
#include <stdio.h>
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

void str_escape(char *dst, size_t cap, const char *src)
{
	size_t n = 0;
	for (; *src && n + 1 < cap; src++) {
		unsigned char ch = (unsigned char)*src;
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			if (n + 5 > cap) {
				break;
			}
			n += (size_t)snprintf(dst + n, 5, "\\x%02x", ch);
		} else {
			dst[n++] = (char)ch;
		}
	}
	if (cap) {
		dst[n] = 0;
	}
}

const char *str_nearest(const char *s, const char *pool, int n)
{
	const char *best = NULL;
	int d, min = 3;
	for (; n > 0; n--, pool += strlen(pool) + 1) {
		d = str_dist(s, pool);
		if (d < min && d < (int)strlen(pool)) {
			min = d;
			best = pool;
		}
	}
	return best;
}

int str_dist(const char *a, const char *b)
{
	int row[64], i, j, prev, cur;
	int la = (int)strlen(a), lb = (int)strlen(b);

	if (la > 63 || lb > 63) {
		return 3;
	}
	for (j = 0; j <= lb; j++) {
		row[j] = j;
	}
	for (i = 1; i <= la; i++) {
		prev = row[0]; /* the row above, column j - 1 */
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = prev + (a[i - 1] != b[j - 1]);
			prev = row[j];
			if (prev + 1 < cur) {
				cur = prev + 1;
			}
			if (row[j - 1] + 1 < cur) {
				cur = row[j - 1] + 1;
			}
			row[j] = cur;
		}
	}
	return row[lb] < 3 ? row[lb] : 3;
}
