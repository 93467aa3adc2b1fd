#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# docs/conformance.md, the conformance matrix, is checked against the tree:
#  - every table with the header "clause | requirement | level | where
#    implemented | test | status" is read, one requirement per row, six
#    cells each;
#  - level is must, should or may; status starts with tested,
#    implemented-untested, gap, wrong or n/a (n/a with its reason), and a
#    row marked tested cites at least one test;
#  - each `...` span of the test column is a citation of a test that
#    exists: unit:NAME a TEST(NAME) in test/unit/*.c; net:FILE,
#    interop:FILE, cli:FILE a script in test/net, test/interop, test/cli,
#    and with #TEXT (net:FILE#TEXT) TEXT must occur in that script;
#    sim:NAME a scenario test/sim/scenarios/NAME.sim.
# A failure names the row (file:line, clause, the requirement's start).
# Prints the rows per status, then "N passed, N failed" (one check per
# row and per citation); exit 1 when any check failed.
# Usage: test/checks/conformance.sh [MATRIX]
top=$(cd "$(dirname "$0")/../.." && pwd)
doc=${1:-$top/docs/conformance.md}
# shellcheck source=../checks.sh source-path=SCRIPTDIR disable=SC1091
. "$top/test/checks.sh"
tab=$(printf '\t')
tmp=$(mktemp /tmp/ptpbox-conformance.XXXXXX) || exit 1
trap 'rm -f "$tmp" "$tmp.tests"' EXIT

[ -r "$doc" ] || { echo "FAIL: $doc: not readable"; exit 1; }
# the unit tests that exist
sed -n 's/^TEST(\([A-Za-z0-9_]*\)).*/\1/p' "$top"/test/unit/*.c >"$tmp.tests"

# The rows, as tab-separated records:
#   row LINE NAME STATUS      a row whose cells are well formed
#   bad LINE NAME WHY         a malformed row
#   cite LINE NAME CITATION   one citation of the test column
awk -v tab="$tab" '
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
function rowname(c, r) {
	r = c[2]
	gsub(/`/, "", r)
	if (length(r) > 48) { r = substr(r, 1, 45) "..." }
	return trim(c[1]) " (" r ")"
}
# cells of a table line "| a | b |" into c[1..n]; returns n
function cells(line, c,   n, i, parts) {
	sub(/^[ \t]*\|/, "", line)
	sub(/\|[ \t]*$/, "", line)
	n = split(line, parts, "|")
	for (i = 1; i <= n; i++) { c[i] = trim(parts[i]) }
	return n
}
/^[ \t]*\|/ {
	n = cells($0, c)
	if (n == 6 && tolower(c[1]) == "clause" && tolower(c[2]) == "requirement" &&
	    tolower(c[3]) == "level" && tolower(c[4]) == "where implemented" &&
	    tolower(c[5]) == "test" && tolower(c[6]) == "status") {
		intable = 1
		next
	}
	if (!intable) { next }
	if ($0 ~ /^[ \t]*\|[ \t:|-]*$/) { next } # the separator line
	name = n >= 2 ? rowname(c) : "?"
	if (n != 6) {
		print "bad" tab NR tab name tab n " cells, want 6"
		next
	}
	lvl = c[3]
	gsub(/`/, "", lvl)
	if (lvl != "must" && lvl != "should" && lvl != "may") {
		print "bad" tab NR tab name tab "level \"" c[3] "\", want must, should or may"
		next
	}
	st = c[6]
	gsub(/`/, "", st)
	split(st, w, /[ \t(:;,]+/)
	word = w[1]
	if (word != "tested" && word != "implemented-untested" && word != "gap" &&
	    word != "wrong" && word != "n/a") {
		print "bad" tab NR tab name tab "status \"" c[6] "\", want tested, " \
			"implemented-untested, gap, wrong or n/a (reason)"
		next
	}
	if (word == "n/a" && trim(substr(st, 4)) == "") {
		print "bad" tab NR tab name tab "n/a without a reason"
		next
	}
	t = c[5]
	ncite = 0
	while (match(t, /`[^`]*`/)) {
		cite = substr(t, RSTART + 1, RLENGTH - 2)
		t = substr(t, RSTART + RLENGTH)
		print "cite" tab NR tab name tab cite
		ncite++
	}
	if (word == "tested" && !ncite) {
		print "bad" tab NR tab name tab "tested, but no test cited"
		next
	}
	print "row" tab NR tab name tab word
	next
}
{ intable = 0 }
' "$doc" >"$tmp"

n_rows=0
tested=0 untested=0 gap=0 wrong=0 na=0
while IFS="$tab" read -r kind line name what; do
	at="${doc#"$top"/}:$line: $name"
	case $kind in
	bad)
		ko "$at: $what"
		continue
		;;
	row)
		ok
		n_rows=$((n_rows + 1))
		case $what in
		tested) tested=$((tested + 1)) ;;
		implemented-untested) untested=$((untested + 1)) ;;
		gap) gap=$((gap + 1)) ;;
		wrong) wrong=$((wrong + 1)) ;;
		n/a) na=$((na + 1)) ;;
		esac
		continue
		;;
	esac
	# a citation
	kindof=${what%%:*}
	ref=${what#*:}
	file=${ref%%#*}
	text=
	case $ref in *"#"*) text=${ref#*#} ;; esac
	case $kindof in
	unit | sim)
		if [ -n "$text" ] || [ -z "$file" ]; then
			ko "$at: cites $what: $kindof takes a name, no #text"
			continue
		fi
		;;
	net | interop | cli)
		case $file in
		"" | */*) ko "$at: cites $what: a script name in test/$kindof wanted"; continue ;;
		esac
		;;
	*)
		ko "$at: cites '$what': not unit:, net:, interop:, cli: or sim:"
		continue
		;;
	esac
	case $kindof in
	unit)
		if grep -qx -- "$file" "$tmp.tests"; then ok; else
			ko "$at: cites $what: no TEST($file) in test/unit/*.c"
		fi
		;;
	sim)
		if [ -f "$top/test/sim/scenarios/$file.sim" ]; then ok; else
			ko "$at: cites $what: no test/sim/scenarios/$file.sim"
		fi
		;;
	*)
		script=$top/test/$kindof/$file
		if [ ! -f "$script" ]; then
			ko "$at: cites $what: no script test/$kindof/$file"
		elif [ -n "$text" ] && ! grep -qF -- "$text" "$script"; then
			ko "$at: cites $what: '$text' does not occur in test/$kindof/$file"
		else
			ok
		fi
		;;
	esac
done <"$tmp"

[ "$n_rows" -gt 0 ] || ko "${doc#"$top"/}: no matrix rows found"
echo "conformance matrix: $n_rows rows: tested $tested, implemented-untested $untested," \
	"gap $gap, wrong $wrong, n/a $na"
checks_done conformance
