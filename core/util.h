/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PTPBOX_UTIL_H
#define PTPBOX_UTIL_H

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
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

/* The next white-space separated word at *s into out (cap octets, cut to
 * fit and NUL-terminated): its length, 0 when there is none; *s is
 * advanced past it.  (No sscanf: its engine costs 4 KB of binary.) */
size_t str_word(const char **s, char *out, size_t cap);

/* The value of hexadecimal digit c, or -1. */
int hex_digit(int c);

/* Octets from text s in the form of pattern pat, where each 'h' is one
 * hexadecimal digit (two make an octet, in order) and every other
 * character must be itself, to the end of both ("hh:hh:hh:hh:hh:hh", a
 * MAC; "hhhhhh.hhhh.hhhhhh", a clockIdentity).  The octet count, or -1. */
int hex_pattern(const char *s, const char *pat, uint8_t *out);

/* src into dst (cap octets, cut to fit, NUL-terminated) with each control
 * character but tab (0x01..0x1f, 0x7f) written as \xHH: text quoted from
 * a file or the command line, safe for a terminal. */
void str_escape(char *dst, size_t cap, const char *src);

/* The edit distance (Levenshtein: insertions, deletions, substitutions of
 * one octet) of a and b, 3 for 3 or more and for strings of 64 octets or
 * more: for "did you mean". */
int str_dist(const char *a, const char *b);

/* Of the n names at pool (one after the other, each NUL-terminated), the
 * first nearest to s within 2 edits and fewer edits than its length (any 2
 * letters are 2 edits from a 2-letter name): for "did you mean NAME?";
 * NULL for none. */
const char *str_nearest(const char *s, const char *pool, int n);

#endif
