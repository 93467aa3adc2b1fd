#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The manual pages (man/ptpbox.1, man/ptpbox-APPLET.8) against mandoc and
# against the binary:
#  - `mandoc -Tlint -Wwarning` exits 0 and prints nothing for every page,
#    and each page's .Dt is its file name and section: ptpbox(1), a user
#    command, and the applets in section 8, system daemons and tools;
#  - every applet of `ptpbox --list` has its page ptpbox-APPLET.8, and
#    every page is ptpbox.1 or an applet's;
#  - every cross reference to a ptpbox page (.Xr ptpbox[-APPLET] N) names
#    a page of that name and section in MANDIR;
#  - page and --help say the same options: every option that
#    `ptpbox APPLET --help` prints is in the OPTIONS section of the
#    applet's page (as mandoc renders it), and every option of that section
#    is in --help, -h and --help themselves excepted (every applet takes
#    them, not every usage says so); ptpbox.1 likewise with `ptpbox --help`;
#  - configuration keys: each key a CONFIGURATION section documents (the
#    keys of its ".It Cm KEY[, [Cm] KEY...]" items) exists, in
#    core/config_opts.def or as a [unicast_master_table] key, and every
#    key of core/config_opts.def is documented in some page.
# An option --help mentions that is not the applet's own (tc's usage names
# pmc's -u and -s for its management socket) is listed in "foreign" below
# and need only be somewhere in the page.
# An option is a word at the start of the text or after a blank or one of
# [ ( | , ; / ' " ` that is --NAME (letters, digits, _ and -; compared
# without case: pages write --key=value where usages write --KEY=VALUE),
# -C for one letter C, or -4 or -6 (the IP versions; other digits are
# numbers, as in "-1 = leave pins alone").
# Prints "man: N passed, N failed"; exit 1 when a check failed.
# Usage: test/checks/man.sh  (PTPBOX: the binary, default build/ptpbox;
# MANDIR: the pages, default man)
# ok never fails, so "A && ok || ko" is an if-then-else:
# shellcheck disable=SC2015
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPBOX=${PTPBOX:-$top/build/ptpbox}
MANDIR=${MANDIR:-$top/man}
# shellcheck source=../checks.sh source-path=SCRIPTDIR disable=SC1091
. "$top/test/checks.sh"
d=$(mktemp -d /tmp/ptpbox-man.XXXXXX) || exit 1
trap 'rm -rf "$d"' EXIT
bs=$(printf '\b')
foreign="tc:-u tc:-s"

command -v mandoc >/dev/null 2>&1 || { ko "mandoc not installed (scripts/install-deps.sh)"; checks_done man; exit; }
[ -x "$PTPBOX" ] || { ko "$PTPBOX: no binary (make)"; checks_done man; exit; }

# The options in the text on standard input, one a line, sorted.
options() {
	awk -v q="'" '
	BEGIN { re = "(^|[][ \t(|,;/\"`" q "])--?[A-Za-z0-9][A-Za-z0-9_-]*" }
	{
		line = $0
		while (match(line, re)) {
			tok = substr(line, RSTART, RLENGTH)
			line = substr(line, RSTART + RLENGTH)
			sub(/^[^-]/, "", tok)
			if (tok ~ /^--[A-Za-z]/) {
				print tolower(tok)
			} else if (tok ~ /^-[A-Za-z46]$/) {
				print tok
			}
		}
	}' | sort -u
}

# A page as mandoc renders it, without overstrike.
render() {
	mandoc -Tascii "$1" | sed "s/.$bs//g"
}

# Its OPTIONS section.
options_section() {
	render "$1" | awk '/^[A-Z][A-Z ]*$/ { in_opts = ($0 == "OPTIONS"); next } in_opts'
}

# Compare the options of --help ($2) and of the page's OPTIONS ($3) of
# $1; $4: the options of the whole page.
compare() {
	what=$1
	[ -s "$2" ] && ok || ko "$what: no options found in --help"
	[ -s "$3" ] && ok || ko "$what: no options found in the page's OPTIONS"
	while read -r o; do
		case " $foreign " in
		*" $what:$o "*)
			grep -qxF -- "$o" "$4" && ok || ko "$what: --help has $o, the page does not" ;;
		*)
			grep -qxF -- "$o" "$3" && ok || ko "$what: --help has $o, the page's OPTIONS do not" ;;
		esac
	done <"$2"
	while read -r o; do
		case $o in
		-h | --help) ok ;;
		*) grep -qxF -- "$o" "$2" && ok || ko "$what: the page's OPTIONS have $o, --help does not" ;;
		esac
	done <"$3"
}

# every page: lint clean, .Dt its name and section
pages=$(ls "$MANDIR"/ptpbox.1 "$MANDIR"/*.8 2>/dev/null)
[ -n "$pages" ] || ko "$MANDIR: no pages"
for f in $pages; do
	page=$(basename "$f")
	name=${page%.*}
	sec=${page##*.}
	out=$(mandoc -Tlint -Wwarning "$f" 2>&1) && [ -z "$out" ] && ok || ko "$page: mandoc -Tlint: $out"
	dt=$(sed -n 's/^\.Dt  *//p' "$f")
	up=$(echo "$name" | tr '[:lower:]' '[:upper:]')
	[ "$dt" = "$up $sec" ] && ok || ko "$page: .Dt '$dt', expected '$up $sec'"
	case $page in
	ptpbox.1 | ptpbox-*.8) ok ;;
	*) ko "$page: not ptpbox.1 or ptpbox-APPLET.8" ;;
	esac
done
for f in "$MANDIR"/*; do
	case $f in
	*.1 | *.8) ;;
	*) [ -e "$f" ] && ko "$f: not a page of section 1 or 8" ;;
	esac
done

# cross references between our pages: the page exists in that section
for f in $pages; do
	sed -n 's/^\.Xr \(ptpbox[A-Za-z0-9-]*\) \([0-9]\).*/\1.\2/p' "$f" | sort -u | while read -r ref; do
		[ -f "$MANDIR/$ref" ] && echo ok || echo "ko $(basename "$f"): .Xr ${ref%.*} ${ref##*.}: no page $ref"
	done
done >"$d/xr"
[ -s "$d/xr" ] && ok || ko "no .Xr to a ptpbox page found"
while read -r r why; do
	[ "$r" = ok ] && ok || ko "$why"
done <"$d/xr"

# the applets and their pages
"$PTPBOX" --list | awk '{ print $1 }' >"$d/applets"
[ -s "$d/applets" ] && ok || ko "ptpbox --list printed no applet"
for f in "$MANDIR"/ptpbox-*.8; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .8)
	grep -qxF "${name#ptpbox-}" "$d/applets" && ok || ko "$name.8: no applet ${name#ptpbox-}"
done

# options: ptpbox itself, then each applet
"$PTPBOX" --help 2>&1 | options >"$d/help"
if [ -f "$MANDIR/ptpbox.1" ]; then
	options_section "$MANDIR/ptpbox.1" | options >"$d/page"
	render "$MANDIR/ptpbox.1" | options >"$d/whole"
	compare ptpbox "$d/help" "$d/page" "$d/whole"
else
	ko "no ptpbox.1"
fi
while read -r a; do
	page=$MANDIR/ptpbox-$a.8
	[ -f "$page" ] || { ko "$a: no page ptpbox-$a.8"; continue; }
	"$PTPBOX" "$a" --help >"$d/help.txt" 2>&1; r=$?
	[ $r -eq 0 ] && ok || ko "$a --help: exit $r"
	options <"$d/help.txt" >"$d/help"
	options_section "$page" | options >"$d/page"
	render "$page" | options >"$d/whole"
	compare "$a" "$d/help" "$d/page" "$d/whole"
done <"$d/applets"

# configuration keys: the option table and the master table's keys
sed -n 's/^OPT(\([A-Za-z0-9_]*\),.*/\1/p' "$top/core/config_opts.def" | sort -u >"$d/keys"
[ -s "$d/keys" ] && ok || ko "core/config_opts.def: no keys found"
printf '%s\n' table_id logQueryInterval UDPv4 UDPv6 >"$d/table_keys"
for f in $pages; do
	awk -v page="$(basename "$f")" '
	/^\.Sh / { in_conf = ($0 == ".Sh CONFIGURATION"); next }
	in_conf && /^\.It Cm / {
		n = split($0, w, /[ \t]+/)
		print page, w[3]
		for (i = 4; i < n; i++) {
			if (w[i] == ",") {
				k = w[i + 1] == "Cm" ? w[i + 2] : w[i + 1]
				if (k != "") { print page, k }
			}
		}
	}' "$f"
done >"$d/documented"
while read -r page key; do
	grep -qxF -- "$key" "$d/keys" || grep -qxF -- "$key" "$d/table_keys" && ok ||
		ko "$page: documents '$key', which is no configuration key"
done <"$d/documented"
while read -r key; do
	awk '{ print $2 }' "$d/documented" | grep -qxF -- "$key" && ok ||
		ko "configuration key $key: documented in no page's CONFIGURATION"
done <"$d/keys"

checks_done man
