#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ptpbox-uci: the UCI configuration /etc/config/ptpbox turned into ptpbox
# configuration files, one per clock instance.  POSIX sh and awk (busybox
# ash and awk on OpenWrt); the init script /etc/init.d/ptpbox runs it.
#
# Usage: ptpbox-uci [-c CONFIG] [-d DIR] [-l]
#   -c CONFIG  the UCI configuration (default ptpbox)
#   -d DIR     where the files go (default /var/etc/ptpbox)
#   -l         also send the errors to syslog (logger)
#
# Reads `uci -q -X show CONFIG`.  Each section of type gm, oc or tc whose
# option enabled is not 0 becomes DIR/NAME.cfg (NAME: the section's name)
# and one line "NAME APPLET IFACE [IFACE...]" on standard output, from which
# the init script makes the command `ptpbox APPLET -f DIR/NAME.cfg -i IFACE...`.
# Other .cfg files in DIR (of sections removed or disabled) are deleted.
#
# Options of a section:
#   interface          the interface (gm, oc), the bridge ports (tc: a list
#                      or several names, 2..16)
#   enabled            0: skip the section (default 1)
#   profile, clockClass, domainNumber, priority1, priority2, time_stamping,
#   network_transport, clock
#                      written as the ptpbox key of the same name
#   master             (oc, a list) "ADDRESS [localPriority]": an entry of the
#                      unicast master table, UDPv6 for an address with a
#                      colon, else UDPv4
#   logQueryInterval   (oc) the table's logQueryInterval
#   extra              (a list) "KEY VALUE": any other ptpbox key, as is
# The values are checked as far as the file's syntax needs (one line, no
# '#', a key a word); ranges and names are checked by ptpbox when it starts.
# A section with an error is reported on standard error, gets no file and
# is not started; the exit status is then 1 (the other sections are done).

config=ptpbox
dir=/var/etc/ptpbox
use_syslog=0
while getopts c:d:l o; do
	case $o in
	c) config=$OPTARG ;;
	d) dir=$OPTARG ;;
	l) use_syslog=1 ;;
	*) echo "usage: ptpbox-uci [-c CONFIG] [-d DIR] [-l]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { echo "usage: ptpbox-uci [-c CONFIG] [-d DIR] [-l]" >&2; exit 1; }

tab=$(printf '\t')
status=0
set -f # values are split into words below, never globbed

err() {
	echo "ptpbox-uci: $*" >&2
	if [ "$use_syslog" = 1 ] && command -v logger >/dev/null 2>&1; then
		logger -t ptpbox-uci -p daemon.err "$*"
	fi
	status=1
}

mkdir -p "$dir" || exit 1
tmp=$(mktemp -d "$dir/.uci.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

if ! uci -q -X show "$config" >"$tmp/show"; then
	err "no UCI configuration '$config' (uci show failed)"
	exit 1
fi

# `uci show` prints "CONFIG.NAME=TYPE" for a section and
# "CONFIG.NAME.OPTION=VALUE" for an option, VALUE in single quotes with a
# quote inside written '\''; a list is its values so quoted, separated by
# blanks.  A value may hold a line break: then the quotes span lines.
# Out: "S NAME TYPE", "O NAME OPTION VALUE" (a list: one record a value) and
# "E NAME MESSAGE", tab-separated.
awk -v pkg="$config" '
function out(kind, a, b, c) {
	printf "%s\t%s\t%s", kind, a, b
	if (kind == "O") {
		printf "\t%s", c
	}
	printf "\n"
}
# scan text, going on with the value being read (state in inq, val, have)
function scan(s,    i, n, ch) {
	n = length(s)
	for (i = 1; i <= n; i++) {
		ch = substr(s, i, 1)
		if (inq) {
			if (ch == "\047") {
				inq = 0
			} else {
				val = val ch
			}
		} else if (ch == "\047") {
			inq = 1
			have = 1
		} else if (ch == "\\" && i < n) {
			i++
			val = val substr(s, i, 1)
			have = 1
		} else if (ch == " " || ch == "\t") {
			if (have) {
				vals[++nvals] = val
			}
			val = ""
			have = 0
		} else {
			val = val ch
			have = 1
		}
	}
}
function finish(    i) {
	if (have) {
		vals[++nvals] = val
	}
	for (i = 1; i <= nvals; i++) {
		if (vals[i] ~ /\n/) {
			out("E", sect, opt ": a value with a line break")
		} else if (vals[i] ~ /\t/) {
			out("E", sect, opt ": a value with a tab")
		} else {
			out("O", sect, opt, vals[i])
		}
	}
	nvals = 0
	val = ""
	have = 0
}
inq {
	val = val "\n"
	scan($0)
	if (!inq) {
		finish()
	}
	next
}
{
	if (index($0, pkg ".") != 1 || index($0, "=") == 0) {
		out("E", "", "unexpected line from uci show: " $0)
		next
	}
	rest = substr($0, length(pkg) + 2)
	eq = index(rest, "=")
	lhs = substr(rest, 1, eq - 1)
	rhs = substr(rest, eq + 1)
	dot = index(lhs, ".")
	if (dot == 0) {
		out("S", lhs, rhs)
		next
	}
	sect = substr(lhs, 1, dot - 1)
	opt = substr(lhs, dot + 1)
	nvals = 0
	val = ""
	have = 0
	scan(rhs)
	if (!inq) {
		finish()
	}
}
END {
	if (inq) {
		out("E", sect, opt ": unterminated quote")
	}
}' "$tmp/show" >"$tmp/recs"

# one section: its records in "$tmp/recs"; sets ifaces, writes the file
# into $tmp/NAME.cfg; 0 when it is to be started
section() {
	name=$1
	type=$2
	enabled=1
	ifaces=""
	n_if=0
	n_master=0
	bad=0
	: >"$tmp/global"
	: >"$tmp/table"
	awk -F "$tab" -v s="$name" '$1 == "E" && $2 == s { print $3 }' "$tmp/recs" >"$tmp/errs"
	while read -r m; do
		err "$config.$name: $m"
		bad=1
	done <"$tmp/errs"
	awk -F "$tab" -v s="$name" '$1 == "O" && $2 == s { print $3 "\t" $4 }' "$tmp/recs" >"$tmp/opts"
	while IFS="$tab" read -r o v; do
		case $v in
		*'#'*)
			err "$config.$name.$o '$v': '#' would start a comment in the file"
			bad=1
			continue ;;
		"")
			err "$config.$name.$o: empty value"
			bad=1
			continue ;;
		esac
		case $o in
		enabled)
			case $v in
			0 | no | off | false) enabled=0 ;;
			1 | yes | on | true) enabled=1 ;;
			*) err "$config.$name.enabled '$v': 0 or 1"; bad=1 ;;
			esac ;;
		interface)
			# a list, or names separated by blanks
			for w in $v; do
				case $w in
				*[!A-Za-z0-9_.:@-]*)
					err "$config.$name.interface '$w': not an interface name"
					bad=1 ;;
				*)
					ifaces="$ifaces $w"
					n_if=$((n_if + 1)) ;;
				esac
			done ;;
		profile | clockClass | domainNumber | priority1 | priority2 | time_stamping | \
			network_transport | clock)
			case $v in
			*[[:space:]]*)
				err "$config.$name.$o '$v': one word"
				bad=1 ;;
			*) printf '%s %s\n' "$o" "$v" >>"$tmp/global" ;;
			esac ;;
		master)
			n_master=$((n_master + 1))
			if [ "$type" != oc ]; then
				err "$config.$name.master: only an oc has a unicast master table"
				bad=1
				continue
			fi
			# shellcheck disable=SC2086 # its words
			set -- $v
			if [ $# -gt 2 ]; then
				err "$config.$name.master '$v': ADDRESS [localPriority]"
				bad=1
				continue
			fi
			case $1 in
			*:*) printf 'UDPv6 %s\n' "$v" >>"$tmp/table" ;;
			*) printf 'UDPv4 %s\n' "$v" >>"$tmp/table" ;;
			esac ;;
		logQueryInterval)
			if [ "$type" != oc ]; then
				err "$config.$name.logQueryInterval: only an oc has a unicast master table"
				bad=1
			else
				printf 'logQueryInterval %s\n' "$v" >>"$tmp/qi"
			fi ;;
		extra)
			k=${v%%[[:space:]]*}
			rest=${v#"$k"}
			case $k in
			"" | [!A-Za-z]* | *[!A-Za-z0-9_]*)
				err "$config.$name.extra '$v': KEY VALUE, KEY a ptpbox configuration key"
				bad=1 ;;
			*)
				case $rest in
				*[![:space:]]*) printf '%s\n' "$v" >>"$tmp/global" ;;
				*)
					err "$config.$name.extra '$v': KEY VALUE, the value is missing"
					bad=1 ;;
				esac ;;
			esac ;;
		*)
			err "$config.$name: unknown option '$o' (a ptpbox key goes in: list extra '$o VALUE')"
			bad=1 ;;
		esac
	done <"$tmp/opts"
	[ "$enabled" = 1 ] || return 1
	case $type in
	tc)
		if [ "$n_if" -lt 2 ] || [ "$n_if" -gt 16 ]; then
			err "$config.$name: a tc needs 2..16 interfaces (list interface), has $n_if"
			bad=1
		fi ;;
	*)
		if [ "$n_if" -ne 1 ]; then
			err "$config.$name: option interface: one interface, has $n_if"
			bad=1
		fi ;;
	esac
	if [ "$type" = oc ] && [ "$n_master" -eq 0 ]; then
		err "$config.$name: an oc needs its masters (list master 'ADDRESS [localPriority]')"
		bad=1
	fi
	[ "$bad" = 0 ] || return 1
	{
		echo "# ptpbox $type configuration, made by ptpbox-uci from the UCI section"
		echo "# $config.$name: edit that (/etc/config/$config), this file is rewritten"
		echo "[global]"
		cat "$tmp/global"
		if [ -s "$tmp/table" ]; then
			echo "unicast_master_table 1"
			echo "[unicast_master_table]"
			echo "table_id 1"
			[ -f "$tmp/qi" ] && tail -n 1 "$tmp/qi"
			cat "$tmp/table"
		fi
	} >"$tmp/$name.cfg"
	rm -f "$tmp/qi"
	return 0
}

: >"$tmp/made"
awk -F "$tab" '$1 == "E" && $2 == "" { print $3 }' "$tmp/recs" >"$tmp/errs"
while read -r m; do
	err "$m"
done <"$tmp/errs"
awk -F "$tab" '$1 == "S" { print $2 "\t" $3 }' "$tmp/recs" >"$tmp/sections"
while IFS="$tab" read -r name type; do
	case $name in
	"" | *[!A-Za-z0-9_]*)
		err "$config.$name: not a section name ptpbox-uci can use"
		continue ;;
	esac
	case $type in
	gm | oc | tc) ;;
	*)
		err "$config.$name: section type '$type': gm, oc or tc"
		continue ;;
	esac
	rm -f "$tmp/qi"
	section "$name" "$type" || continue
	if mv -f "$tmp/$name.cfg" "$dir/$name.cfg"; then
		echo "$name" >>"$tmp/made"
		# shellcheck disable=SC2086 # one word per interface
		echo "$name $type" $ifaces
	else
		err "$config.$name: cannot write $dir/$name.cfg"
	fi
done <"$tmp/sections"

# files of sections that are gone or disabled
set +f
for f in "$dir"/*.cfg; do
	[ -f "$f" ] || continue
	n=${f##*/}
	grep -qxF "${n%.cfg}" "$tmp/made" || rm -f "$f"
done
exit $status
