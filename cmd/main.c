/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ptpbox multi-call dispatcher: `ptpbox APPLET ARGS...`, or a link named
 * APPLET, ptp-APPLET or ptpbox-APPLET.  `--list`, `--install DIR [--prefix P]`.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "applet.h"


struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *desc;
};

static const struct applet applets[] = {
#define APPLET(name, fn, desc) { #name, fn, desc },
#include "applets.def"
#undef APPLET
};
#define N_APPLETS ((int)(sizeof(applets) / sizeof(applets[0])))

int applet_missing(int argc, char **argv)
{
	int i;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: ptpbox %s ...\n%s applet: not built in this version of "
			       "ptpbox.\n",
			       argv[0], argv[0]);
			return 0;
		}
	}
	fprintf(stderr, "ptpbox: %s: not built in this version\n", argv[0]);
	return EXIT_MISSING;
}

static const struct applet *find_applet(const char *name)
{
	static const char *const prefixes[] = { "ptpbox-", "ptp-", "" };
	size_t p;
	int i;

	for (p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
		size_t l = strlen(prefixes[p]);
		if (strncmp(name, prefixes[p], l)) {
			continue;
		}
		for (i = 0; i < N_APPLETS; i++) {
			if (!strcmp(name + l, applets[i].name)) {
				return &applets[i];
			}
		}
	}
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ptpbox APPLET [ARGS...]\n"
		   "       ptpbox --list\n"
		   "       ptpbox --install DIR [--prefix PREFIX]\n"
		   "       ptpbox --version\n"
		   "Applets also run from links named APPLET, ptp-APPLET or ptpbox-APPLET.\n");
}

static int list(void)
{
	int i;
	for (i = 0; i < N_APPLETS; i++) {
		printf("%-8s %s%s\n", applets[i].name, applets[i].desc,
		       applets[i].main == applet_missing ? " (not built yet)" : "");
	}
	return 0;
}

/*
 * This binary's path, for the links: /proc/self/exe; without /proc (an
 * early initramfs) argv0 as busybox does: with a '/' it is the path
 * (relative to the working directory), without one the first PATH entry
 * (default /sbin:/usr/sbin:/bin:/usr/bin) holding an executable of that
 * name.  Made absolute, so the links work from any directory.  0, or -1
 * with the reason in err.
 */
static int self_path(const char *argv0, char *out, size_t len, char *err, size_t errlen)
{
	char cand[PATH_MAX], cwd[PATH_MAX];
	const char *path, *p, *found = NULL;
	ssize_t n = readlink("/proc/self/exe", out, len - 1);
	int proc_errno = errno;

	if (n > 0) {
		out[n] = 0;
		return 0;
	}
	if (strchr(argv0, '/')) {
		found = argv0;
	} else {
		path = getenv("PATH");
		for (p = path && *path ? path : "/sbin:/usr/sbin:/bin:/usr/bin"; !found && *p;) {
			size_t l = strcspn(p, ":");
			/* an empty entry is the working directory */
			snprintf(cand, sizeof(cand), "%.*s%s%s", (int)l, p, l ? "/" : "", argv0);
			if (!access(cand, X_OK)) {
				found = cand;
			}
			p += l + (p[l] == ':');
		}
	}
	if (!found) {
		snprintf(err, errlen,
			 "/proc/self/exe: %s, and no '%s' in PATH: run it by its path (e.g. "
			 "/bin/ptpbox --install DIR)",
			 strerror(proc_errno), argv0);
		return -1;
	}
	while (found[0] == '.' && found[1] == '/') {
		found += 2;
	}
	if (found[0] == '/') {
		cwd[0] = 0;
	} else if (!getcwd(cwd, sizeof(cwd) - 1)) { /* room for a '/' */
		snprintf(err, errlen, "/proc/self/exe: %s, and the working directory: %s",
			 strerror(proc_errno), strerror(errno));
		return -1;
	} else if (strcmp(cwd, "/")) {
		strcat(cwd, "/");
	}
	if (strlen(cwd) + strlen(found) >= len) {
		snprintf(err, errlen, "%s: path too long", found);
		return -1;
	}
	strcpy(out, cwd);
	strcat(out, found);
	return 0;
}

static int install(const char *argv0, const char *dir, const char *prefix)
{
	char self[PATH_MAX], link[PATH_MAX * 2], err[PATH_MAX + 128];
	int i;

	if (self_path(argv0, self, sizeof(self), err, sizeof(err))) {
		fprintf(stderr, "ptpbox: --install: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "ptpbox: --install: %s: %s\n", dir, strerror(errno));
		return EXIT_RUNTIME;
	}
	for (i = 0; i < N_APPLETS; i++) {
		snprintf(link, sizeof(link), "%s/%s%s", dir, prefix, applets[i].name);
		unlink(link);
		if (symlink(self, link)) {
			fprintf(stderr, "ptpbox: --install: %s: %s\n", link, strerror(errno));
			return EXIT_RUNTIME;
		}
		printf("%s -> %s\n", link, self);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const struct applet *a;

	base = base ? base + 1 : argv[0];
	a = find_applet(base);
	if (a) {
		argv[0] = (char *)a->name;
		return a->main(argc, argv);
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--list")) {
		return list();
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return list();
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ptpbox %s\n", PTPBOX_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--install")) {
		const char *prefix = "";
		if (argc == 5 && !strcmp(argv[3], "--prefix")) {
			prefix = argv[4];
		} else if (argc != 3) {
			fprintf(stderr, "ptpbox: usage: ptpbox --install DIR [--prefix PREFIX]\n");
			return EXIT_USAGE;
		}
		return install(argv[0], argv[2], prefix);
	}
	a = find_applet(argv[1]);
	if (!a) {
		static const char names[] =
#define APPLET(name, fn, desc) #name "\0"
#include "applets.def"
#undef APPLET
			;
		const char *near = str_nearest(argv[1], names, N_APPLETS);
		fprintf(stderr, "ptpbox: %s: unknown applet%s%s%s (ptpbox --list)\n", argv[1],
			near ? ", did you mean " : "", near ? near : "", near ? "?" : "");
		return EXIT_USAGE;
	}
	argv[1] = (char *)a->name;
	return a->main(argc - 1, argv + 1);
}
