/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for ppsmon's recorded data (--input): the input is the
 * file.  The parser (cmd/ppsmon.c ppsmon_read_recorded) reads it in ns and
 * in s; then the applet runs on it end to end (gaps, duplicates, outliers,
 * statistics, masks, the JSON or text report), with the options of a first
 * line "#! OPTION ..." (a comment to the parser) when there is one.
 * Properties: a file read without error gives samples in line order,
 * finite, at most one per line; the inferred tau0 is finite and >= 0; the
 * applet returns 0, 1 or 3.
 * Build and run: test/fuzz/run.sh [SECONDS] ppsmon
 */
#include <math.h>
#include <string.h>

#include "../../cmd/applet.h"
#include "../../cmd/ppsmon.h"
#include "fz.h"

static void check_read(const char *path, double units, size_t lines)
{
	struct recorded rec;
	size_t i;

	memset(&rec, 0, sizeof(rec));
	if (!ppsmon_read_recorded(path, units, &rec)) {
		FZ_CHECK(rec.n >= 1 && rec.n <= rec.cap && rec.n <= lines);
		FZ_CHECK(rec.with_time == 0 || rec.with_time == 1);
		for (i = 0; i < rec.n; i++) {
			FZ_CHECK(rec.line[i] >= 1 && (size_t)rec.line[i] <= lines);
			FZ_CHECK(!i || rec.line[i] > rec.line[i - 1]);
			FZ_CHECK(isfinite(rec.t[i]));
			FZ_CHECK(isfinite(rec.te[i]));
		}
		if (rec.with_time && rec.n > 1) {
			double tau0 = ppsmon_infer_tau0(&rec);
			FZ_CHECK(isfinite(tau0) && tau0 >= 0);
		}
	}
	free(rec.t);
	free(rec.te);
	free(rec.line);
}

/* Options a user may give with recorded data (not --svg: no files). */
static int allowed(const char *opt)
{
	static const char *const ok[] = { "--units", "--tau0",	 "--tau",	  "--taus",
					  "--lpf",   "--mask",	 "--json",	  "--outlier",
					  "--max-gap", "--input", "--drop-outliers", NULL };
	int i;

	if (opt[0] != '-') {
		return 1; /* a value */
	}
	for (i = 0; ok[i]; i++) {
		if (!strcmp(opt, ok[i])) {
			return 1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char first[256];
	char *argv[24], *tok, *save = NULL;
	const char *path = fz_file(data, size);
	size_t lines = 0, i;
	int argc = 0, r;

	for (i = 0; i < size; i++) {
		lines += data[i] == '\n';
	}
	lines += size && data[size - 1] != '\n';
	check_read(path, 1, lines);
	check_read(path, 1e9, lines);

	argv[argc++] = "ppsmon";
	argv[argc++] = "--input";
	argv[argc++] = (char *)path;
	first[0] = 0;
	if (size > 2 && data[0] == '#' && data[1] == '!') {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = (nl ? (size_t)(nl - data) : size) - 2;
		if (n >= sizeof(first)) {
			n = sizeof(first) - 1;
		}
		memcpy(first, data + 2, n);
		first[n] = 0;
	}
	for (tok = strtok_r(first, " \t", &save); tok && argc < 22;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (!allowed(tok)) {
			continue;
		}
		if (!strcmp(tok, "--input")) {
			/* a second source: the same file, relative TE */
			argv[argc++] = tok;
			argv[argc++] = (char *)path;
			strtok_r(NULL, " \t", &save);
			continue;
		}
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	r = ppsmon_main(argc, argv);
	FZ_CHECK(r == 0 || r == 1 || r == 3);
	return 0;
}
