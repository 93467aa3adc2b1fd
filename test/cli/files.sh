#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Files a clock makes in a directory another account may write to: what
# that account can leave there is never followed, opened, overwritten or
# removed.  An oc on the loopback (clock soft, free running: no clock
# touched) with its metrics_file and uds_address in a temporary directory:
#  - metrics_file: a symbolic link at the old fixed temporary name PATH.tmp
#    does not get its target written; a FIFO there does not hang the start;
#    PATH itself a FIFO or a symbolic link: refused at start (exit 3, the
#    reason); PATH made a symbolic link while the clock runs: logged once,
#    left alone, also at exit;
#  - uds_address a regular file, a symbolic link or a FIFO: refused, left
#    as it was; a stale socket is replaced (mode 0660, removed at exit); the
#    live socket of a running clock is not taken over: a second oc stops
#    (exit 3) and the first still answers pmc; the mode is set without
#    following a link put in the socket's place (bind slowed by strace);
#  - pmc's own socket (-i): a regular file or a live socket there is
#    refused and left alone;
#  - the default uds_address /var/run/ptpbox-oc-IFACE (in a private /run):
#    pmc -u -i IFACE finds it, pmc -u alone when it is the only one, and
#    names them when there are several; a second oc on IFACE stops.
# Every run is bounded by timeout.  As root (PTP ports 319 and 320).
# ok never fails, so "A && ok || ko" is an if-then-else:
# shellcheck disable=SC2015
PTPBOX=${PTPBOX:-$(cd "$(dirname "$0")/../.." && pwd)/build/ptpbox}
# shellcheck source=../checks.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/../checks.sh"
if [ "$(id -u)" != 0 ] || [ -n "${PTPBOX_SKIP_SOCKETS:-}" ]; then
	skip "files: needs root and a clock's sockets"
	checks_done files
	exit
fi
d=$(mktemp -d /tmp/ptpbox-files.XXXXXX) || exit 1
bg="" # the clocks started in the background (their timeout's pid)
cleanup() {
	for p in $bg; do kill "$p" 2>/dev/null; done
	rm -rf "$d"
}
trap cleanup EXIT

# cfg NAME ID: an oc configuration $d/NAME.cfg with clockIdentity ...0ID
cfg() {
	cat >"$d/$1.cfg" <<CFG
[global]
time_stamping software
clock soft
free_running 1
clockIdentity 020000.0000.00000$2
unicast_master_table 1
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv4 127.0.0.1
CFG
}
cfg a 2
cfg b 3
# oc CFG LOG ARGS...: an oc in the background for at most 30 s; pid in $pid
oc() {
	c=$1 l=$2
	shift 2
	timeout -k 5 30 "$PTPBOX" oc -f "$d/$c.cfg" -i lo -m -q "$@" >"$l" 2>&1 &
	pid=$!
	bg="$bg $pid"
}
# oc_short CFG ARGS...: an oc that must stop at once; exit status in $r,
# stderr in $d/e (10 s: a hang shows as 124)
oc_short() {
	c=$1
	shift
	timeout -k 5 10 "$PTPBOX" oc -f "$d/$c.cfg" -i lo -q "$@" >/dev/null 2>"$d/e"
	r=$?
}
# stop PID: SIGTERM, wait; its exit status in $r
stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
	r=$?
}
# waitfor SECONDS TEST...: until TEST holds, 0; 1 after SECONDS
waitfor() {
	_n=$(($1 * 20))
	shift
	while [ $_n -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}
# answers SOCK ID: pmc over SOCK gets the DEFAULT_DATA_SET of clock ...0ID
answers() {
	timeout 5 "$PTPBOX" pmc -u -s "$1" --timeout 500 'GET DEFAULT_DATA_SET' 2>/dev/null |
		grep -q "clockIdentity *020000.0000.00000$2"
}
is_file() { [ -f "$1" ] && [ ! -L "$1" ]; }
count() { # PATH...: how many exist (links too)
	_c=0
	for _f in "$@"; do [ -e "$_f" ] || [ -L "$_f" ] && _c=$((_c + 1)); done
	echo $_c
}
victim() { # a file another account's link could point at
	printf 'precious\n' >"$d/victim"
	chmod 0644 "$d/victim"
}
intact() { [ "$(cat "$d/victim")" = precious ] && [ "$(stat -c %a "$d/victim")" = 644 ]; }

# --- metrics_file ---
# a link at PATH.tmp (the old fixed name) to a victim: the victim is not
# written; the link stays; PATH is the metrics, removed at a clean exit
victim
ln -s victim "$d/m1.prom.tmp"
oc a "$d/m1.log" --uds_address=none --metrics_file="$d/m1.prom"
waitfor 5 is_file "$d/m1.prom" && sleep 1.2 # a periodic write too
grep -q "^ptpbox_oc_" "$d/m1.prom" 2>/dev/null && ok || ko "m1: no metrics in $d/m1.prom: $(cat "$d/m1.log")"
intact && ok || ko "metrics_file PATH.tmp a link: the victim was written: $(head -c 80 "$d/victim")"
[ -L "$d/m1.prom.tmp" ] && ok || ko "metrics_file PATH.tmp a link: the link was replaced"
stop "$pid"
[ $r -eq 0 ] && [ ! -e "$d/m1.prom" ] && ok || ko "m1: exit $r, $d/m1.prom left: $(ls -l "$d")"
[ "$(count "$d"/m1.prom.*)" -eq 1 ] && ok || ko "m1: temporary files left: $(ls "$d")"
rm -f "$d/m1.prom.tmp"

# a FIFO at PATH.tmp: no hang (the clock writes its file within 5 s)
mkfifo "$d/m2.prom.tmp"
oc a "$d/m2.log" --uds_address=none --metrics_file="$d/m2.prom"
waitfor 5 is_file "$d/m2.prom" && ok || ko "metrics_file PATH.tmp a FIFO: no file in 5 s (hung?): $(cat "$d/m2.log")"
[ -p "$d/m2.prom.tmp" ] && ok || ko "metrics_file PATH.tmp a FIFO: replaced"
stop "$pid"
rm -f "$d/m2.prom.tmp"

# PATH a FIFO: refused at start with the reason, at once; left as it was
mkfifo "$d/m3.prom"
oc_short a --uds_address=none --metrics_file="$d/m3.prom"
[ $r -eq 3 ] && grep -q "^oc: command line: metrics_file $d/m3.prom: a FIFO is there, not a regular file: not replacing it$" "$d/e" &&
	ok || ko "metrics_file a FIFO: exit $r, $(cat "$d/e")"
[ -p "$d/m3.prom" ] && ok || ko "metrics_file a FIFO: replaced"

# PATH a link to a victim (set in the file: its line is named): refused
victim
ln -s victim "$d/m4.prom"
{ printf '[global]\nmetrics_file %s\n' "$d/m4.prom"; sed 1d "$d/a.cfg"; } >"$d/m4.cfg"
oc_short m4 --uds_address=none
[ $r -eq 3 ] && grep -q "^oc: $d/m4.cfg:2: metrics_file $d/m4.prom: a symbolic link is there, not a regular file: not replacing it$" "$d/e" &&
	ok || ko "metrics_file a link: exit $r, $(cat "$d/e")"
[ -L "$d/m4.prom" ] && intact && ok || ko "metrics_file a link: link or victim changed"

# PATH made a link while the clock runs: said once, link and victim left
# alone, also by the clean exit
victim
oc a "$d/m5.log" --uds_address=none --metrics_file="$d/m5.prom"
waitfor 5 is_file "$d/m5.prom" || ko "m5: no metrics: $(cat "$d/m5.log")"
rm -f "$d/m5.prom"
ln -s victim "$d/m5.prom"
sleep 3.2 # three writes due
stop "$pid"
n=$(grep -c "metrics_file $d/m5.prom: a symbolic link is there, not a regular file: not replacing it (said once until it works again)" "$d/m5.log")
[ "$n" = 1 ] && ok || ko "metrics_file made a link: said $n times: $(cat "$d/m5.log")"
[ -L "$d/m5.prom" ] && intact && ok || ko "metrics_file made a link: link or victim changed (exit $r)"
[ "$(count "$d"/m5.prom.*)" -eq 0 ] && ok || ko "m5: temporary files left: $(ls "$d")"

# --- uds_address ---
# a regular file, a link to a victim, a FIFO: refused, left as they were
printf 'data\n' >"$d/u1"
oc_short a --uds_address="$d/u1"
[ $r -eq 3 ] && grep -q "^oc: uds_address $d/u1: a regular file is there, not a socket: not replacing it$" "$d/e" &&
	ok || ko "uds_address a file: exit $r, $(cat "$d/e")"
[ "$(cat "$d/u1" 2>/dev/null)" = data ] && ok || ko "uds_address a file: removed"
victim
ln -s victim "$d/u2"
oc_short a --uds_address="$d/u2"
[ $r -eq 3 ] && grep -q "^oc: uds_address $d/u2: a symbolic link is there, not a socket: not replacing it$" "$d/e" &&
	ok || ko "uds_address a link: exit $r, $(cat "$d/e")"
[ -L "$d/u2" ] && intact && ok || ko "uds_address a link: link or victim changed"
mkfifo "$d/u3"
oc_short a --uds_address="$d/u3"
[ $r -eq 3 ] && grep -q "^oc: uds_address $d/u3: a FIFO is there, not a socket: not replacing it$" "$d/e" &&
	ok || ko "uds_address a FIFO: exit $r, $(cat "$d/e")"
[ -p "$d/u3" ] && ok || ko "uds_address a FIFO: replaced"

# a stale socket (bound by a process gone) is replaced: mode 0660 whatever
# the umask, answers, removed at a clean exit
python3 -c "import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])" "$d/u4"
[ -S "$d/u4" ] || ko "no stale socket made"
mask=$(umask)
umask 0
oc a "$d/u4.log" --uds_address="$d/u4"
umask "$mask"
waitfor 5 answers "$d/u4" 2 && ok || ko "stale socket: not replaced: $(cat "$d/u4.log")"
[ "$(stat -c %a "$d/u4")" = 660 ] && ok || ko "stale socket: mode $(stat -c %a "$d/u4")"
# the live socket of that clock: a second oc stops at once, exit 3, the
# first still answers; nor does pmc take it as its own socket (-i)
oc_short b --uds_address="$d/u4"
[ $r -eq 3 ] && grep -q "^oc: uds_address $d/u4: in use: a running process answers there (another clock?)$" "$d/e" &&
	ok || ko "a live socket: second oc exit $r, $(cat "$d/e")"
answers "$d/u4" 2 && ok || ko "a live socket: the first clock no longer answers"
timeout 5 "$PTPBOX" pmc -u -s "$d/u4" -i "$d/u4" --timeout 200 'GET DEFAULT_DATA_SET' >/dev/null 2>"$d/e"
r=$?
[ $r -eq 3 ] && grep -q "^pmc: UNIX socket $d/u4: in use" "$d/e" && ok || ko "pmc -i a live socket: exit $r, $(cat "$d/e")"
answers "$d/u4" 2 && ok || ko "pmc -i a live socket: the clock no longer answers"
printf 'data\n' >"$d/p1"
timeout 5 "$PTPBOX" pmc -u -s "$d/u4" -i "$d/p1" --timeout 200 'GET DEFAULT_DATA_SET' >/dev/null 2>"$d/e"
r=$?
[ $r -eq 3 ] && grep -q "^pmc: UNIX socket $d/p1: a regular file is there, not a socket: not replacing it$" "$d/e" &&
	[ "$(cat "$d/p1" 2>/dev/null)" = data ] && ok || ko "pmc -i a file: exit $r, $(cat "$d/e"), $(ls -l "$d/p1")"
stop "$pid"
[ $r -eq 0 ] && [ ! -e "$d/u4" ] && ok || ko "stale socket: exit $r, $(ls -l "$d/u4" 2>&1)"

# the default management socket names the instance, /var/run/ptpbox-oc-IFACE,
# and pmc finds it: with -i IFACE, and alone when it is the only one; with
# two it says which are there.  In a mount namespace of its own with a
# private /run: the host's sockets neither count nor get touched.
if unshare -m --propagation private true 2>/dev/null; then
	cat >"$d/ns.sh" <<'NS'
PTPBOX=$1 d=$2
r() { echo "$1 ${2:-}"; }
mount -t tmpfs tmpfs /run || { r ko "no private /run"; exit; }
[ -d /var/run ] || { r ko "no /var/run"; exit; }
ask() { timeout 5 "$PTPBOX" pmc -u --timeout 500ms "$@" 'GET DEFAULT_DATA_SET' 2>"$d/ns.e"; }
timeout -k 5 30 "$PTPBOX" oc -f "$d/a.cfg" -i lo -m -q >"$d/ns.log" 2>&1 &
pid=$!
i=0
while [ ! -S /var/run/ptpbox-oc-lo ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S /var/run/ptpbox-oc-lo ] && r ok || r ko "no /var/run/ptpbox-oc-lo: $(ls /var/run) $(cat "$d/ns.log")"
ask -i lo | grep -q "clockIdentity *020000.0000.000002" && r ok || r ko "pmc -u -i lo: $(cat "$d/ns.e")"
ask | grep -q "clockIdentity *020000.0000.000002" && r ok || r ko "pmc -u alone, one clock: $(cat "$d/ns.e")"
timeout 10 "$PTPBOX" oc -f "$d/b.cfg" -i lo -q >/dev/null 2>"$d/ns.e"; rc=$?
[ $rc -eq 3 ] && grep -q "^oc: management socket /var/run/ptpbox-oc-lo: in use: a running process answers there" "$d/ns.e" &&
	r ok || r ko "a second oc on lo: exit $rc, $(cat "$d/ns.e")"
# another instance's socket (stale: a socket all the same)
python3 -c "import socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind('/var/run/ptpbox-oc-eth9')"
ask >/dev/null; rc=$?
[ $rc -eq 1 ] && grep -q "^pmc: a clock on each of /var/run/ptpbox-oc-\(lo /var/run/ptpbox-oc-eth9\|eth9 /var/run/ptpbox-oc-lo\): which? (-i IFACE or -s PATH)$" "$d/ns.e" &&
	r ok || r ko "pmc -u alone, two sockets: exit $rc, $(cat "$d/ns.e")"
ask -i lo | grep -q "clockIdentity *020000.0000.000002" && r ok || r ko "pmc -u -i lo beside another: $(cat "$d/ns.e")"
ask -i eth8 >/dev/null; rc=$?
[ $rc -eq 3 ] && grep -q "/var/run/ptpbox-oc-eth8: No such file" "$d/ns.e" && r ok || r ko "pmc -u -i eth8: exit $rc, $(cat "$d/ns.e")"
kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 0 ] && [ ! -e /var/run/ptpbox-oc-lo ] && r ok || r ko "oc exit $rc, socket left: $(ls -l /var/run)"
NS
	unshare -m --propagation private sh "$d/ns.sh" "$PTPBOX" "$d" >"$d/ns.out" 2>&1
	[ -s "$d/ns.out" ] || ko "default socket: no result"
	while read -r v why; do
		[ "$v" = ok ] && ok || ko "default socket: $v $why"
	done <"$d/ns.out"
else
	skip "default socket: no mount namespace"
fi

# the mode is not set through a link: the socket swapped for a link to a
# victim as soon as it is bound (bind slowed by 1 s under strace)
if command -v strace >/dev/null; then
	victim
	timeout -k 5 30 strace -f -qq -o /dev/null -e trace=bind -e inject=bind:delay_exit=1000000 \
		"$PTPBOX" oc -f "$d/a.cfg" -i lo -m -q --uds_address="$d/u5" >"$d/u5.log" 2>&1 &
	pid=$!
	bg="$bg $pid"
	if waitfor 15 [ -S "$d/u5" ]; then
		rm -f "$d/u5"
		ln -s victim "$d/u5"
		waitfor 5 grep -q "LISTENING" "$d/u5.log"
		sleep 0.2
		intact && ok || ko "the socket's mode set through a link: victim mode $(stat -c %a "$d/victim")"
		st=$(pgrep -P "$pid" | head -1) # timeout's strace, its oc
		oc=$(pgrep -P "$st" | head -1)
		[ -n "$oc" ] && kill -TERM "$oc"
		wait "$pid"
		[ -L "$d/u5" ] && intact && ok || ko "socket made a link: removed at exit, or victim changed"
	else
		ko "under strace: no socket in 15 s: $(cat "$d/u5.log")"
	fi
else
	skip "mode through a link: no strace"
fi
checks_done files
