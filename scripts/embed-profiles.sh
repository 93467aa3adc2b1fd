#!/bin/sh
# Turn profiles/*.prof into a C file with one string per profile.  The
# comments stay in the .prof files (they cite the clauses): the binary gets
# the directives, with an empty line for each comment line so that line
# numbers in errors are the file's (3.9 KB of text, 2.4 KB of them comments).
# Usage: embed-profiles.sh OUT.c profiles/a.prof ...
set -e
out=$1; shift
{
	echo '/* Generated from profiles/NAME.prof by scripts/embed-profiles.sh. */'
	echo '#include "config.h"'
	echo 'const struct profile_src profile_srcs[] = {'
	for f in "$@"; do
		name=$(basename "$f" .prof)
		printf '\t{ "%s",\n' "$name"
		sed -e 's/[[:space:]]*#.*$//' -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
		printf '\t},\n'
	done
	echo '};'
	echo "const int profile_srcs_count = $#;"
} > "$out.tmp"
mv "$out.tmp" "$out"
