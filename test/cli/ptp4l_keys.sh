#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A linuxptp user's configuration given to ptpbox:
#  - every key of ptp4l (test/data/ptp4l-keys.txt, with linuxptp's
#    defaults) fed to gm, oc and tc at once: a refusal must name the key of
#    a line (FILE:LINE, or the key in the message), that line is dropped
#    and the rest fed again until the applet starts (its start line, still
#    running after 2 s); the keys refused are the expected ones (those that
#    contradict the applet or its profile, or a value not implemented), and
#    each key ptpbox takes without effect (core/ptp4l_keys.def) gets exactly
#    one notice "FILE:LINE: KEY has no effect in ptpbox: REASON";
#  - the hashes of core/ptp4l_keys.def are those of the names beside them;
#  - the other names (slaveOnly, masterOnly, clock_class_threshold), the
#    role keys (clientOnly, serverOnly, clock_type) and delay_filter: taken
#    or refused with the key and what to do;
#  - the configuration files linuxptp ships (test/data/linuxptp/) given to
#    oc -f and gm -f start, or refuse naming the expected key; G.8265.1 and
#    G.8275.2 with their commented master table filled in start the oc.
# Runs in a network and mount namespace of its own (unshare -nm): the
# loopback, and a bridge br0 with veth ports d0, d1 for tc; every clock
# runs clock soft with software stamps (no clock of the machine touched),
# bounded by timeout.  As root.
# ok never fails, so "A && ok || ko" is an if-then-else:
# shellcheck disable=SC2015
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPBOX=${PTPBOX:-$top/build/ptpbox}
export PTPBOX
# shellcheck source=../checks.sh source-path=SCRIPTDIR disable=SC1091
. "$top/test/checks.sh"
if [ "$(id -u)" != 0 ] || [ -n "${PTPBOX_SKIP_SOCKETS:-}" ]; then
	skip "ptp4l_keys: needs root and a clock's sockets"
	checks_done ptp4l_keys
	exit
fi
if [ -z "${PTPBOX_IN_NS:-}" ]; then
	PTPBOX_IN_NS=1 exec unshare -nm sh "$0" "$@"
fi
mount -t sysfs none /sys || exit 1 # this namespace's interfaces
ip link set lo up
ip link add br0 type bridge
for i in 0 1; do
	ip link add d$i type veth peer name e$i
	ip link set d$i master br0
	ip link set d$i up
	ip link set e$i up
done
ip link set br0 up
d=$(mktemp -d /tmp/ptpbox-ptp4l.XXXXXX) || exit 1
trap 'rm -rf "$d"' EXIT
keys=$top/test/data/ptp4l-keys.txt
def=$top/core/ptp4l_keys.def

# run APPLET FILE: APPLET with FILE and what keeps it off the machine's
# clocks and sockets, for 2 s at most; stdout+stderr in $d/out, exit
# status in $r; 0 when it started (its start line, still running at 2 s)
run() {
	case $1 in
	gm) set -- gm -f "$2" -i lo --clockIdentity=020000.0000.000001 ;;
	oc) set -- oc -f "$2" -i lo --clockIdentity=020000.0000.000002 --free_running=1 ;;
	tc) set -- tc -f "$2" -i d0 -i d1 --no-nft ;;
	esac
	timeout -k 2 2 "$PTPBOX" "$@" -S --clock=soft --uds_address=none -m -q >"$d/out" 2>&1
	r=$?
	[ $r -eq 124 ] && grep -q "ptpbox $1 on \|transparent clock: " "$d/out"
}

# feed APPLET FILE: FILE to APPLET, each refused line dropped, until it
# starts; the keys refused, in order, in $refused ("" after a refusal that
# names no line's key: ko)
feed() {
	cp "$2" "$d/feed.cfg"
	refused=" "
	n=0
	while [ $n -lt 40 ]; do
		n=$((n + 1))
		run "$1" "$d/feed.cfg" && return 0
		# FILE:LINE: ... names the line; else the key that starts the
		# message or a clause of it (after ": "), the first such
		line=$(sed -n "s|^$1: $d/feed.cfg:\\([0-9]*\\): .*|\\1|p" "$d/out" | head -1)
		if [ -z "$line" ]; then
			line=$(grep -v '^[a-z]*\[' "$d/out" | head -1 | awk -v f="$d/feed.cfg" '
				BEGIN { while ((getline l < f) > 0) { n++; split(l, w); if (l !~ /^[#[]/ && !(w[1] in at)) at[w[1]] = n } }
				{ k = split($0, c, ": "); for (i = 2; i <= k; i++) { split(c[i], w, /[ :]/); if (w[1] in at) { print at[w[1]]; exit } } }')
		fi
		key=$(sed -n "${line:-0}p" "$d/feed.cfg" | awk '{ print $1 }')
		case "$key" in
		"" | "["* | "#"*)
			ko "$1 $(basename "$2"): refused, naming no line's key (exit $r): $(head -3 "$d/out")"
			refused=""
			return 1 ;;
		esac
		refused="$refused$key "
		sed -i "${line}s/.*/# dropped: &/" "$d/feed.cfg"
	done
	ko "$1 $(basename "$2"): still refused after $n runs"
	refused=""
}

# every hash of core/ptp4l_keys.def is its name's (FNV-1a, top 24 bits)
bad=$(python3 - "$def" <<'PY'
import re, sys
for m in re.finditer(r'^[KA]\(0x([0-9a-f]+), \w+\) /\* (\S+) \*/', open(sys.argv[1]).read(), re.M):
    h = 0x811c9dc5
    for b in m.group(2).encode():
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    if h >> 8 != int(m.group(1), 16):
        print(m.group(2))
PY
)
[ -z "$bad" ] && [ "$(grep -c '^[KA](' "$def")" -gt 70 ] && ok || ko "ptp4l_keys.def hashes wrong: $bad"

# without effect: the K() names; each is a key of the list
noeffect=$(sed -n 's|^K(0x[0-9a-f]*, \w*) /\* \(\S*\) \*/|\1|p' "$def")
for k in $noeffect; do
	grep -q "^$k " "$keys" || ko "$k of ptp4l_keys.def is not in ptp4l-keys.txt"
done

# every key to every applet; the refusals expected: the table's UDPv6 entry
# on a UDPv4 port; L2; tc is no clock_type OC (the oc's clockClass: a
# notice, it is 255 as a client-only clock's)
for a in gm oc tc; do
	case $a in
	gm) want=" L2 " ;;
	oc) want=" L2 UDPv6 " ;;
	tc) want=" clock_type L2 " ;;
	esac
	if feed $a "$keys"; then
		[ "$refused" = "$want" ] && ok || ko "$a: keys refused:$refused, expected:$want"
		miss=""
		for k in $noeffect; do
			[ "$(grep -c "feed.cfg:[0-9]*: $k has no effect in ptpbox: [A-Za-z]" "$d/out")" = 1 ] ||
				miss="$miss $k"
		done
		[ -z "$miss" ] && ok || ko "$a: not one notice for:$miss"
		grep "has no effect" "$d/out" | grep -qv "feed.cfg:[0-9]*: [A-Za-z0-9_.]* has no effect in ptpbox: " &&
			ko "$a: a notice of another form" || ok
	fi
done

# other names, role keys and delay_filter, one a run
# case APPLET EXPECT LINE...: EXPECT "start", or text of the refusal
case_() {
	a=$1 want=$2
	shift 2
	printf '%s\n' "[global]" "$@" >"$d/one.cfg"
	printf '[unicast_master_table]\ntable_id 1\nUDPv4 127.0.0.1\n' >>"$d/one.cfg"
	if run "$a" "$d/one.cfg"; then
		[ "$want" = start ] && ok || ko "$a with '$*': started, expected a refusal '$want'"
	else
		[ "$want" != start ] && [ $r -eq 1 ] && grep -q "^$a: $d/one.cfg:2: $want" "$d/out" && ok ||
			ko "$a with '$*': exit $r, expected '$want': $(cat "$d/out")"
	fi
}
case_ oc start "slaveOnly 1"
case_ oc start "clientOnly 1" "serverOnly 0" "clock_type OC"
case_ gm start "serverOnly 1" "masterOnly 1" "clientOnly 0"
case_ tc start "clock_type E2E_TC" "clientOnly 1" "serverOnly 1"
for k in slaveOnly clientOnly; do
	case_ gm "$k 1: not for ptpbox gm (gm: server, oc: client" "$k 1"
done
for k in masterOnly serverOnly; do
	case_ oc "$k 1: not for ptpbox oc (gm: server, oc: client" "$k 1"
done
case_ gm "clock_type BC: not for ptpbox gm" "clock_type BC"
case_ oc "clock_type E2E_TC: not for ptpbox oc" "clock_type E2E_TC"
case_ tc "clock_type P2P_TC: not for ptpbox tc" "clock_type P2P_TC"
case_ oc "clock_class_threshold 256: out of range, allowed 0..255" "clock_class_threshold 256"
case_ oc "delay_filter moving_average: unknown value, allowed moving_median" "delay_filter moving_average"
case_ oc start "delay_filter moving_median" "delay_filter_length 5"
case_ gm "clock_servo nullf: unknown value, allowed pi|linreg|envelope" "clock_servo nullf"
# linuxptp's clockIdentity 000000.0000.000000: made from the MAC (lo has
# none: the error says so), not taken as it is
printf '[global]\nclockIdentity 000000.0000.000000\n' >"$d/id.cfg"
timeout 5 "$PTPBOX" gm -f "$d/id.cfg" -i lo -S --clock=soft --uds_address=none -q >"$d/out" 2>&1
grep -q "lo has no individual MAC address" "$d/out" && ok || ko "clockIdentity 000000.0000.000000: $(cat "$d/out")"

# the files linuxptp ships: start, or refuse naming the key
# shipped FILE APPLET EXPECT: EXPECT start, or the key the refusal names
shipped() {
	if run "$2" "$top/test/data/linuxptp/$1"; then
		[ "$3" = start ] && ok || ko "$2 -f $1: started, expected a refusal naming $3"
	else
		[ "$3" != start ] && grep -v '^[a-z]*\[' "$d/out" | grep -q "$3" && ok ||
			ko "$2 -f $1: exit $r, expected $3: $(head -3 "$d/out")"
	fi
}
shipped default.cfg gm start
shipped default.cfg oc "no unicast master table: add a \[unicast_master_table\] .* unicast_master_table N"
grep -q "default.cfg:[0-9]*: clockClass has no effect in ptpbox: a client-only clock's clockClass is 255" "$d/out" &&
	ok || ko "oc -f default.cfg: no notice for clockClass 248: $(head -3 "$d/out")"
shipped gPTP.cfg gm "network_transport L2: not supported, use UDPv4 or UDPv6"
shipped gPTP.cfg oc "network_transport L2: not supported, use UDPv4 or UDPv6"
for f in G.8265.1.cfg G.8275.1.cfg G.8275.2.cfg UNICAST-MASTER.cfg; do
	shipped $f gm start
	shipped $f oc "no unicast master table: add a \[unicast_master_table\] .* unicast_master_table N"
done
shipped UNICAST-SLAVE.cfg gm "UNICAST-SLAVE.cfg:[0-9]*: L2 00:11:22:33:44:55: layer-2 transport is not supported, use UDPv4 or UDPv6"
shipped UNICAST-SLAVE.cfg oc "UNICAST-SLAVE.cfg:[0-9]*: L2 00:11:22:33:44:55: layer-2 transport is not supported, use UDPv4 or UDPv6"
shipped automotive-slave.cfg gm "automotive-slave.cfg:[0-9]*: slaveOnly 1: not for ptpbox gm (gm: server, oc: client"
shipped automotive-slave.cfg oc "network_transport L2: not supported, use UDPv4 or UDPv6"
# with the master table their comments show (addresses on the loopback)
for f in G.8265.1.cfg G.8275.2.cfg; do
	{ cat "$top/test/data/linuxptp/$f"
	  printf '[unicast_master_table]\ntable_id 1\nlogQueryInterval 2\nUDPv4 127.0.0.1\n[lo]\nunicast_master_table 1\n'
	} >"$d/$f"
	run oc "$d/$f" && grep -q "$f:[0-9]*: hybrid_e2e has no effect in ptpbox" "$d/out" && ok ||
		ko "oc -f $f with a table: exit $r: $(head -3 "$d/out")"
done

checks_done ptp4l_keys
