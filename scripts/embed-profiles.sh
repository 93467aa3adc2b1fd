#!/bin/sh
# Turn profiles/*.prof into a C file with one string per profile.
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
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
		printf '\t},\n'
	done
	echo '};'
	echo "const int profile_srcs_count = $#;"
} > "$out.tmp"
mv "$out.tmp" "$out"
