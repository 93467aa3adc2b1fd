#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The OpenWrt and buildroot packages and the systemd units (issue 19), as
# far as a Debian machine without those build systems allows:
#  - shellcheck -s sh of the procd init script, the UCI translation
#    (ptpbox-uci.sh), the buildroot S65ptpbox, the uci double and this file;
#  - the UCI translation against a test double of `uci`
#    (test/checks/packaging/uci: OpenWrt's uci and its libubox are not
#    packaged in Debian; the double prints `uci show` output from a UCI file
#    or canned text): the shipped /etc/config/ptpbox (all disabled: nothing),
#    the same enabled (the exact files and instance lines), edge cases
#    (anonymous section, quotes, line breaks, unknown options, '#', a tc
#    with one port, an oc without masters, masters on a gm, stale files),
#    no configuration, errors to syslog with -l;
#  - build/ptpbox takes every generated file: the applets have no check
#    mode, so each is started on an interface that does not exist and must
#    get past its configuration (exit 3 naming the interface, not 1 naming
#    the file); as root with unshare, the oc and gm also run for a second in
#    a network namespace of their own (loopback only, software stamps, the
#    soft clock: nothing leaves it and no clock is touched), which checks
#    what only a running engine checks (the master table against the
#    transport);
#  - the procd init script sourced with stubs of procd.sh's functions that
#    record into shell variables (a call made in a subshell would be lost,
#    as procd's JSON state is): the instances and their exact command lines,
#    respawn, file, stdout/stderr, the reload trigger; the command lines run
#    (exit 3 at the absent interfaces); a second start after a change;
#  - S65ptpbox with a stub start-stop-daemon: instances from the files or
#    /etc/default/ptpbox, the exact start/stop/reload calls, an instance
#    that ends at once reported FAIL, status; its command line run;
#  - ptpbox-uci, the procd dry run and S65ptpbox also under busybox ash
#    with busybox's awk, sed and grep (OpenWrt's shell and tools): the same
#    results;
#  - systemd-analyze verify of ptpbox-gm@eth0 and ptpbox-oc@eth0 (ExecStart
#    pointed at build/ptpbox, which /usr/sbin/ptpbox is not here), the
#    exposure of `systemd-analyze security` under 5, and the system calls
#    the oc makes in its namespace run (strace) all allowed by the units'
#    SystemCallFilter, its socket families by RestrictAddressFamilies;
#    skipped with the reason where systemd-analyze cannot run;
#  - the OpenWrt Makefile and ptpbox.mk: the variables the build systems
#    need are there, and each runs in a double of its build system
#    (test/checks/packaging/openwrt/{rules.mk,include/package.mk},
#    test/checks/packaging/buildroot.mk) with the host's musl-gcc: the
#    recipes build ptpbox and install the expected tree for several option
#    sets; their menu options (the OpenWrt config block, buildroot's
#    Config.in) are parsed by kconfiglib with stubs of the build systems'
#    symbols, defaults and dependencies checked.
# Not checked here: the real OpenWrt and buildroot build systems (not
# packaged), procd and uci themselves, a unit started by systemd (no
# systemd as PID 1), the capabilities the units keep (only a real clock
# and NIC need them).
# Prints "packaging: N passed, N failed[, N skipped]"; exit 1 when a check
# failed.  PTPBOX: the binary (default build/ptpbox).
# ok never fails, so "A && ok || ko" is an if-then-else; make's $(...) in
# single quotes is text to find:
# shellcheck disable=SC2015,SC2016
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPBOX=${PTPBOX:-$top/build/ptpbox}
# shellcheck source=../checks.sh source-path=SCRIPTDIR disable=SC1091
. "$top/test/checks.sh"
ow=$top/scripts/openwrt/ptpbox
br=$top/scripts/buildroot
sd=$top/scripts/systemd
dbl=$top/test/checks/packaging
d=$(mktemp -d /tmp/ptpbox-pkg.XXXXXX) || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM HUP
# Debian's python (kconfiglib is a Debian package), not one earlier in PATH
py=/usr/bin/python3
[ -x "$py" ] || py=python3

[ -x "$PTPBOX" ] || { ko "$PTPBOX: no binary (make)"; checks_done packaging; exit; }
version=$("$PTPBOX" --version | awk '{ print $2 }')

# stubs and doubles in front of PATH: uci (the double), logger and
# start-stop-daemon (recording)
mkdir -p "$d/bin"
ln -s "$dbl/uci" "$d/bin/uci"
cat >"$d/bin/logger" <<'EOF'
#!/bin/sh
echo "logger $*" >>"$STUB_LOG"
EOF
cat >"$d/bin/start-stop-daemon" <<'EOF'
#!/bin/sh
# stub: records its arguments; -S -m -p FILE writes a live pid (STUB_PID)
# into FILE, or a dead one when the command names an instance "dead";
# -K succeeds when FILE names a live process
echo "start-stop-daemon $*" >>"$STUB_LOG"
mode= pidfile=
while [ $# -gt 0 ]; do
	case $1 in
	-S) mode=start ;;
	-K) mode=stop ;;
	-p) pidfile=$2; shift ;;
	-x | -s) shift ;;
	--) shift; break ;;
	esac
	shift
done
case $mode in
start)
	case " $* " in
	*dead*) sh -c 'exit 0' & p=$!; wait $p; echo $p >"$pidfile" ;;
	*) echo "$STUB_PID" >"$pidfile" ;;
	esac ;;
stop) kill -0 "$(cat "$pidfile")" 2>/dev/null ;;
esac
EOF
chmod +x "$d/bin/logger" "$d/bin/start-stop-daemon"
STUB_LOG=$d/stub.log
STUB_PID=$$
export STUB_LOG STUB_PID
PATH=$d/bin:$PATH
export PATH
# busybox, the shell and tools of OpenWrt (and most buildroot images): its
# applets in $d/bb, put before the system's where a check runs under it
bb=0
if command -v busybox >/dev/null 2>&1; then
	mkdir -p "$d/bb"
	for t in sh awk sed grep mktemp mv rm mkdir cat tail tr sort; do
		ln -s "$(command -v busybox)" "$d/bb/$t"
	done
	bb=1
else
	ko "busybox not installed (scripts/install-deps.sh): ptpbox-uci and the init scripts not run in OpenWrt's shell"
fi

# the names in a directory, sorted, on one line
names() {
	(cd "$1" && for f in *; do [ -e "$f" ] && printf '%s ' "$f"; done)
}

# ---------------------------------------------------------------- shellcheck
if command -v shellcheck >/dev/null 2>&1; then
	for f in "$ow/files/ptpbox-uci.sh" "$ow/files/ptpbox.init" "$br/ptpbox/S65ptpbox" \
		"$dbl/uci" "$top/test/checks/packaging.sh"; do
		out=$(shellcheck -s sh "$f" 2>&1) && ok || ko "shellcheck ${f#"$top"/}: $out"
	done
else
	ko "shellcheck not installed (scripts/install-deps.sh)"
fi

# ----------------------------------------------------------- UCI translation
uci2cfg=$ow/files/ptpbox-uci.sh
mkdir -p "$d/etc"

# the double reads UCI files as uci show prints them (its format: uci's cli.c)
cp "$ow/files/ptpbox.config" "$d/etc/ptpbox"
UCI_CONFDIR=$d/etc uci -X show ptpbox >"$d/show" 2>&1
cat >"$d/show.want" <<'EOF'
ptpbox.oc0=oc
ptpbox.oc0.enabled='0'
ptpbox.oc0.interface='eth0'
ptpbox.oc0.profile='ocp-dc'
ptpbox.oc0.time_stamping='hardware'
ptpbox.oc0.master='fd00::1:1' 'fd00::1:3 200'
ptpbox.oc0.extra='logSyncInterval -4' 'logMinDelayReqInterval -4' 'unicast_req_duration 300'
ptpbox.gm0=gm
ptpbox.gm0.enabled='0'
ptpbox.gm0.interface='eth0'
ptpbox.gm0.profile='ocp-dc'
ptpbox.gm0.time_stamping='hardware'
ptpbox.gm0.clockClass='6'
ptpbox.gm0.extra='source_state_file /var/run/ptpbox-gm.state'
ptpbox.tc0=tc
ptpbox.tc0.enabled='0'
ptpbox.tc0.interface='lan1' 'lan2'
ptpbox.tc0.time_stamping='hardware'
EOF
cmp -s "$d/show" "$d/show.want" && ok || ko "uci double: show of the shipped config: $(diff "$d/show.want" "$d/show")"

# the shipped configuration: everything disabled, nothing to start
mkdir -p "$d/out"
UCI_CONFDIR=$d/etc sh "$uci2cfg" -d "$d/out" >"$d/lines" 2>"$d/err"; r=$?
[ $r -eq 0 ] && [ ! -s "$d/lines" ] && [ ! -s "$d/err" ] && ok ||
	ko "shipped config: exit $r, lines '$(cat "$d/lines")', errors '$(cat "$d/err")'"
[ -z "$(names "$d/out")" ] && ok || ko "shipped config: files $(names "$d/out")"

# enabled: the files, byte for byte, and the instance lines
sed "s/option enabled '0'/option enabled '1'/" "$ow/files/ptpbox.config" >"$d/etc/ptpbox"
UCI_CONFDIR=$d/etc sh "$uci2cfg" -d "$d/out" >"$d/lines" 2>"$d/err"; r=$?
printf '%s\n' "oc0 oc eth0" "gm0 gm eth0" "tc0 tc lan1 lan2" >"$d/lines.want"
[ $r -eq 0 ] && [ ! -s "$d/err" ] && cmp -s "$d/lines" "$d/lines.want" && ok ||
	ko "enabled config: exit $r, lines '$(cat "$d/lines")', errors '$(cat "$d/err")'"
cat >"$d/oc0.want" <<'EOF'
# ptpbox oc configuration, made by ptpbox-uci from the UCI section
# ptpbox.oc0: edit that (/etc/config/ptpbox), this file is rewritten
[global]
profile ocp-dc
time_stamping hardware
logSyncInterval -4
logMinDelayReqInterval -4
unicast_req_duration 300
unicast_master_table 1
[unicast_master_table]
table_id 1
UDPv6 fd00::1:1
UDPv6 fd00::1:3 200
EOF
cat >"$d/gm0.want" <<'EOF'
# ptpbox gm configuration, made by ptpbox-uci from the UCI section
# ptpbox.gm0: edit that (/etc/config/ptpbox), this file is rewritten
[global]
profile ocp-dc
time_stamping hardware
clockClass 6
source_state_file /var/run/ptpbox-gm.state
EOF
cat >"$d/tc0.want" <<'EOF'
# ptpbox tc configuration, made by ptpbox-uci from the UCI section
# ptpbox.tc0: edit that (/etc/config/ptpbox), this file is rewritten
[global]
time_stamping hardware
EOF
for n in oc0 gm0 tc0; do
	cmp -s "$d/out/$n.cfg" "$d/$n.want" && ok || ko "$n.cfg: $(diff "$d/$n.want" "$d/out/$n.cfg")"
done
[ "$(names "$d/out")" = "gm0.cfg oc0.cfg tc0.cfg " ] && ok || ko "enabled config: files $(names "$d/out")"

# ptpbox takes a file: it gets past the configuration to the interface
# (exit 3, the interface named), where a configuration error is exit 1
# with FILE:LINE.  $1 applet, $2 file, then interfaces
accepts() {
	a=$1 f=$2
	shift 2
	for i in "$@"; do
		set -- "$@" -i "$i"
		shift
	done
	set -- "$a" -f "$f" "$@" -q --uds_address=none
	[ "$a" = tc ] && set -- "$@" --no-nft
	"$PTPBOX" "$@" >/dev/null 2>"$d/accept.err"
	r=$?
	[ $r -eq 3 ] && grep -q "pbtnone" "$d/accept.err" && ! grep -q "\.cfg:" "$d/accept.err"
}
accepts oc "$d/out/oc0.cfg" pbtnone0 && ok || ko "ptpbox oc refused oc0.cfg: exit $r, $(cat "$d/accept.err")"
accepts gm "$d/out/gm0.cfg" pbtnone0 && ok || ko "ptpbox gm refused gm0.cfg: exit $r, $(cat "$d/accept.err")"
accepts tc "$d/out/tc0.cfg" pbtnone0 pbtnone1 && ok || ko "ptpbox tc refused tc0.cfg: exit $r, $(cat "$d/accept.err")"
# and the check itself tells a bad file
printf '[global]\nprofile ocp-dc\nlogSyncInterval 4\n' >"$d/bad.cfg"
accepts oc "$d/bad.cfg" pbtnone0 && ko "accepts: a bad file passed" ||
	{ grep -q "bad.cfg:3: logSyncInterval" "$d/accept.err" && ok || ko "accepts: $(cat "$d/accept.err")"; }

# a run of a second in a network namespace of its own (root, unshare):
# the engine takes the file (exit 124: still running when stopped)
netns_ok=0
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
	netns_ok=1
else
	skip "applets started in a network namespace: needs root and unshare -n"
fi
# $1 applet, $2 file, $3 clockIdentity, then more arguments
run_netns() {
	a=$1 f=$2 id=$3
	shift 3
	timeout -s TERM 1 unshare -n sh -c 'ip link set lo up 2>/dev/null; exec "$@"' sh \
		"$PTPBOX" "$a" -f "$f" -i lo -m -q -S --clock=soft --clockIdentity="$id" \
		--uds_address=none "$@" >"$d/run.out" 2>&1
}
if [ $netns_ok = 1 ]; then
	run_netns oc "$d/out/oc0.cfg" 020000.0000.000002; r=$?
	[ $r -eq 124 ] && grep -q "2 masters" "$d/run.out" && grep -q "INITIALIZING to LISTENING" "$d/run.out" &&
		ok || ko "oc0.cfg in a namespace: exit $r, $(cat "$d/run.out")"
	run_netns gm "$d/out/gm0.cfg" 020000.0000.000001; r=$?
	[ $r -eq 124 ] && grep -q "assuming the grand master role" "$d/run.out" && ok ||
		ko "gm0.cfg in a namespace: exit $r, $(cat "$d/run.out")"
	# what only the engine sees: an IPv4 master under UDPv6
	sed 's/^UDPv6 fd00::1:1$/UDPv4 192.0.2.1/' "$d/out/oc0.cfg" >"$d/mixed.cfg"
	run_netns oc "$d/mixed.cfg" 020000.0000.000002; r=$?
	[ $r -eq 1 ] && grep -q "UDPv4 address with network_transport UDPv6" "$d/run.out" && ok ||
		ko "mixed table in a namespace: exit $r, $(cat "$d/run.out")"
fi

# canned `uci show` output (the form of uci's cli.c) with the cases a UCI
# file can hold: an anonymous section, a quote in a value, a value with a
# line break, an IPv4 master with a localPriority, errors of every kind
cat >"$d/canned" <<'EOF'
ptpbox.cfg0a1b2c=oc
ptpbox.cfg0a1b2c.interface='pbtnone0'
ptpbox.cfg0a1b2c.profile='g8265.1'
ptpbox.cfg0a1b2c.master='192.0.2.1' '192.0.2.2 7'
ptpbox.cfg0a1b2c.logQueryInterval='1'
ptpbox.cfg0a1b2c.extra='userDescription it'\''s here' 'summary_interval 4'
ptpbox.multi=gm
ptpbox.multi.interface='pbtnone0'
ptpbox.multi.extra='userDescription two
lines'
ptpbox.unknown=oc
ptpbox.unknown.interface='pbtnone0'
ptpbox.unknown.master='fd00::1'
ptpbox.unknown.frobnicate='1'
ptpbox.hash=gm
ptpbox.hash.interface='pbtnone0'
ptpbox.hash.clockClass='6 # locked'
ptpbox.onetc=tc
ptpbox.onetc.interface='pbtnone0'
ptpbox.nomaster=oc
ptpbox.nomaster.interface='pbtnone0'
ptpbox.gmmaster=gm
ptpbox.gmmaster.interface='pbtnone0'
ptpbox.gmmaster.master='fd00::1'
ptpbox.noval=gm
ptpbox.noval.interface='pbtnone0'
ptpbox.noval.extra='priority1'
ptpbox.words=oc
ptpbox.words.interface='pbtnone0'
ptpbox.words.master='fd00::1 7 8'
ptpbox.two=gm
ptpbox.two.interface='pbtnone0' 'pbtnone1'
ptpbox.off=oc
ptpbox.off.enabled='0'
ptpbox.off.interface='pbtnone0'
ptpbox.globals=settings
ptpbox.tcok=tc
ptpbox.tcok.interface='pbtnone0 pbtnone1'
ptpbox.tcok.extra='tc_egress two_step'
EOF
echo "stale" >"$d/out/old.cfg"
echo "keep" >"$d/out/notes.txt"
: >"$STUB_LOG"
UCI_SHOW=$d/canned sh "$uci2cfg" -l -d "$d/out" >"$d/lines" 2>"$d/err"; r=$?
[ $r -eq 1 ] && ok || ko "canned: exit $r, expected 1"
printf '%s\n' "cfg0a1b2c oc pbtnone0" "tcok tc pbtnone0 pbtnone1" >"$d/lines.want"
cmp -s "$d/lines" "$d/lines.want" && ok || ko "canned: lines '$(cat "$d/lines")'"
[ "$(names "$d/out")" = "cfg0a1b2c.cfg notes.txt tcok.cfg " ] && ok ||
	ko "canned: files $(names "$d/out") (stale .cfg removed, others kept)"
cat >"$d/anon.want" <<'EOF'
# ptpbox oc configuration, made by ptpbox-uci from the UCI section
# ptpbox.cfg0a1b2c: edit that (/etc/config/ptpbox), this file is rewritten
[global]
profile g8265.1
userDescription it's here
summary_interval 4
unicast_master_table 1
[unicast_master_table]
table_id 1
logQueryInterval 1
UDPv4 192.0.2.1
UDPv4 192.0.2.2 7
EOF
cmp -s "$d/out/cfg0a1b2c.cfg" "$d/anon.want" && ok || ko "anonymous oc: $(diff "$d/anon.want" "$d/out/cfg0a1b2c.cfg")"
accepts oc "$d/out/cfg0a1b2c.cfg" pbtnone0 && ok || ko "ptpbox oc refused cfg0a1b2c.cfg: exit $r, $(cat "$d/accept.err")"
accepts tc "$d/out/tcok.cfg" pbtnone0 pbtnone1 && ok || ko "ptpbox tc refused tcok.cfg: exit $r, $(cat "$d/accept.err")"
if [ $netns_ok = 1 ]; then
	run_netns oc "$d/out/cfg0a1b2c.cfg" 020000.0000.000002; r=$?
	[ $r -eq 124 ] && grep -q "2 masters" "$d/run.out" && ok || ko "cfg0a1b2c.cfg in a namespace: exit $r, $(cat "$d/run.out")"
fi
# each error names the section and what is wrong
for want in "ptpbox.multi: extra: a value with a line break" \
	"ptpbox.unknown: unknown option 'frobnicate'" \
	"ptpbox.hash.clockClass '6 # locked': '#' would start a comment" \
	"ptpbox.onetc: a tc needs 2..16 interfaces (list interface), has 1" \
	"ptpbox.nomaster: an oc needs its masters" \
	"ptpbox.gmmaster.master: only an oc has a unicast master table" \
	"ptpbox.noval.extra 'priority1': KEY VALUE, the value is missing" \
	"ptpbox.words.master 'fd00::1 7 8': ADDRESS [localPriority]" \
	"ptpbox.two: option interface: one interface, has 2" \
	"ptpbox.globals: section type 'settings': gm, oc or tc"; do
	grep -qF "ptpbox-uci: $want" "$d/err" && ok || ko "canned: no error '$want' in: $(cat "$d/err")"
	grep -qF "logger -t ptpbox-uci -p daemon.err $want" "$STUB_LOG" && ok || ko "canned: '$want' not sent to syslog (-l)"
done
[ "$(wc -l <"$d/err")" -eq 10 ] && ok || ko "canned: $(wc -l <"$d/err") errors, expected 10: $(cat "$d/err")"
grep -q "off" "$d/err" && ko "canned: a disabled section reported: $(cat "$d/err")" || ok

# the same under busybox: the same lines, files and errors
if [ $bb = 1 ]; then
	mkdir -p "$d/outbb"
	echo "stale" >"$d/outbb/old.cfg"
	UCI_SHOW=$d/canned PATH=$d/bin:$d/bb:$PATH busybox sh "$uci2cfg" -d "$d/outbb" >"$d/lines.bb" 2>"$d/err.bb"; r=$?
	[ $r -eq 1 ] && cmp -s "$d/lines.bb" "$d/lines" && cmp -s "$d/err.bb" "$d/err" &&
		cmp -s "$d/outbb/cfg0a1b2c.cfg" "$d/out/cfg0a1b2c.cfg" && cmp -s "$d/outbb/tcok.cfg" "$d/out/tcok.cfg" &&
		[ "$(names "$d/outbb")" = "cfg0a1b2c.cfg tcok.cfg " ] && ok ||
		ko "canned under busybox: exit $r, $(diff "$d/lines" "$d/lines.bb") $(diff "$d/err" "$d/err.bb") $(names "$d/outbb")"
fi

# no UCI configuration at all
rm -f "$d/etc/ptpbox"
UCI_CONFDIR=$d/etc sh "$uci2cfg" -d "$d/out" >"$d/lines" 2>"$d/err"; r=$?
[ $r -eq 1 ] && [ ! -s "$d/lines" ] && grep -q "no UCI configuration 'ptpbox'" "$d/err" && ok ||
	ko "no configuration: exit $r, $(cat "$d/err")"

# ------------------------------------------------------- procd init, dry run
# /lib/functions/procd.sh's functions as stubs that record into a variable
sed -e "s/option enabled '0'/option enabled '1'/" -e "s/'eth0'/'pbtnone0'/" \
	-e "s/'lan1'/'pbtnone1'/" -e "s/'lan2'/'pbtnone2'/" "$ow/files/ptpbox.config" >"$d/etc/ptpbox"
mkdir -p "$d/procd"
cat >"$d/procd-run.sh" <<'EOF'
# the stubs are called by the sourced init script, which reads PROG,
# UCI2CFG and CFGDIR (given as $1, $2, $3; $4: the init script)
# shellcheck disable=SC2317,SC2034,SC1090
calls=""
procd_open_instance() { calls="$calls
open $*"; }
procd_set_param() { calls="$calls
set $*"; }
procd_close_instance() { calls="$calls
close"; }
procd_add_reload_trigger() { calls="$calls
trigger $*"; }
. "$4"
PROG=$1
UCI2CFG=$2
CFGDIR=$3
start_service
service_triggers
printf '%s\n' "$calls" | sed 1d
EOF
# $1: the shell (sh, or busybox sh with busybox's tools first in PATH)
procd_run() {
	if [ "$1" = busybox ]; then
		PATH=$d/bin:$d/bb:$PATH busybox sh "$d/procd-run.sh" "$PTPBOX" "$uci2cfg" "$d/procd" "$ow/files/ptpbox.init"
	else
		sh "$d/procd-run.sh" "$PTPBOX" "$uci2cfg" "$d/procd" "$ow/files/ptpbox.init"
	fi
}
UCI_CONFDIR=$d/etc procd_run sh >"$d/procd.out" 2>"$d/procd.err"
cat >"$d/procd.want" <<EOF
open oc0
set command $PTPBOX oc -f $d/procd/oc0.cfg -i pbtnone0 -m -q
set file $d/procd/oc0.cfg
set respawn 3600 5 5
set stdout 1
set stderr 1
close
open gm0
set command $PTPBOX gm -f $d/procd/gm0.cfg -i pbtnone0 -m -q
set file $d/procd/gm0.cfg
set respawn 3600 5 5
set stdout 1
set stderr 1
close
open tc0
set command $PTPBOX tc -f $d/procd/tc0.cfg -i pbtnone1 -i pbtnone2 -m -q
set file $d/procd/tc0.cfg
set respawn 3600 5 5
set stdout 1
set stderr 1
close
trigger ptpbox
EOF
cmp -s "$d/procd.out" "$d/procd.want" && [ ! -s "$d/procd.err" ] && ok ||
	ko "procd start_service: $(diff "$d/procd.want" "$d/procd.out") $(cat "$d/procd.err")"
# OpenWrt's shell: busybox ash with busybox's awk, sed, grep, mktemp...
if [ $bb = 1 ]; then
	rm -rf "$d/procd"
	UCI_CONFDIR=$d/etc procd_run busybox >"$d/procd.bb" 2>"$d/procd.err"
	cmp -s "$d/procd.bb" "$d/procd.want" && [ ! -s "$d/procd.err" ] && ok ||
		ko "procd start_service under busybox: $(diff "$d/procd.want" "$d/procd.bb") $(cat "$d/procd.err")"
fi
# each command as procd would run it: past the configuration to the
# interface (exit 3), the tc without touching nftables
sed -n 's/^set command //p' "$d/procd.out" >"$d/procd.cmds"
n=0
while read -r cmd; do
	n=$((n + 1))
	extra=--uds_address=none
	case $cmd in *" tc "*) extra="$extra --no-nft" ;; esac
	# shellcheck disable=SC2086 # the recorded command's words
	$cmd $extra >/dev/null 2>"$d/cmd.err" </dev/null; r=$?
	[ $r -eq 3 ] && grep -q pbtnone "$d/cmd.err" && ok || ko "procd command '$cmd': exit $r, $(cat "$d/cmd.err")"
done <"$d/procd.cmds"
[ $n -eq 3 ] && ok || ko "procd: $n commands, expected 3"
# reload after gm0 is disabled: two instances, gm0.cfg gone
sed -i "/^config gm 'gm0'/,/^config/ s/option enabled '1'/option enabled '0'/" "$d/etc/ptpbox"
UCI_CONFDIR=$d/etc procd_run sh >"$d/procd.out" 2>"$d/procd.err"
[ "$(grep '^open' "$d/procd.out" | tr '\n' ' ')" = "open oc0 open tc0 " ] && [ ! -f "$d/procd/gm0.cfg" ] &&
	[ -f "$d/procd/oc0.cfg" ] && ok || ko "procd after disabling gm0: $(grep '^open' "$d/procd.out") $(ls "$d/procd")"

# ----------------------------------------------- buildroot S65ptpbox, stubbed
s65=$br/ptpbox/S65ptpbox
mkdir -p "$d/br/etc" "$d/br/run"
cp "$d/out/cfg0a1b2c.cfg" "$d/br/etc/oc-pbtnone0.cfg"
cp "$ow/files/ptpbox.config" "$d/br/etc/README"
printf '[global]\nclockClass 6\n' >"$d/br/etc/gm-pbtnone1.cfg"
printf '[global]\ntime_stamping software\n[pbtnone2]\n[pbtnone3]\n' >"$d/br/etc/tc-br0.cfg"
printf '[global]\n' >"$d/br/etc/other.cfg"
# S65SH=busybox: under busybox ash with its tools
s65() {
	if [ "${S65SH:-sh}" = busybox ]; then
		set -- busybox sh "$s65" "$@"
		PATH=$d/bin:$d/bb:$PATH
	else
		set -- sh "$s65" "$@"
	fi
	PTPBOX_BIN=$PTPBOX PTPBOX_CONFDIR=$d/br/etc PTPBOX_PIDDIR=$d/br/run PTPBOX_SETTLE=0 \
		PTPBOX_DEFAULTS=$d/br/default "$@"
}
: >"$STUB_LOG"
s65 start >"$d/s65.out" 2>&1; r=$?
cat >"$d/s65.want" <<EOF
start-stop-daemon -S -q -b -m -p $d/br/run/ptpbox-gm-pbtnone1.pid -x $PTPBOX -- gm -f $d/br/etc/gm-pbtnone1.cfg -i pbtnone1
start-stop-daemon -S -q -b -m -p $d/br/run/ptpbox-oc-pbtnone0.pid -x $PTPBOX -- oc -f $d/br/etc/oc-pbtnone0.cfg -i pbtnone0
start-stop-daemon -S -q -b -m -p $d/br/run/ptpbox-tc-br0.pid -x $PTPBOX -- tc -f $d/br/etc/tc-br0.cfg
EOF
[ $r -eq 0 ] && cmp -s "$STUB_LOG" "$d/s65.want" && ok || ko "S65ptpbox start: exit $r, $(diff "$d/s65.want" "$STUB_LOG") $(cat "$d/s65.out")"
[ "$(grep -c ': OK$' "$d/s65.out")" -eq 3 ] && ok || ko "S65ptpbox start: $(cat "$d/s65.out")"
# the commands it starts: past the configuration (exit 3 at the interface)
sed -n 's/^.* -- //p' "$STUB_LOG" | while read -r cmd; do
	extra=--uds_address=none
	case $cmd in tc*) extra="$extra --no-nft" ;; esac
	# shellcheck disable=SC2086 # the recorded command's words
	"$PTPBOX" $cmd -q $extra >/dev/null 2>"$d/cmd.err" </dev/null; r=$?
	[ $r -eq 3 ] && grep -q pbtnone "$d/cmd.err" && echo ok || echo "ko S65 command '$cmd': exit $r, $(cat "$d/cmd.err")"
done >"$d/s65.cmds"
[ "$(grep -c '^ok$' "$d/s65.cmds")" -eq 3 ] && ok || ko "$(grep -v '^ok$' "$d/s65.cmds")"
s65 status >"$d/s65.out" 2>&1; r=$?
[ $r -eq 0 ] && [ "$(grep -c ': running, pid' "$d/s65.out")" -eq 3 ] && ok || ko "S65ptpbox status: exit $r, $(cat "$d/s65.out")"
s65 start oc-pbtnone0 >"$d/s65.out" 2>&1; r=$?
[ $r -eq 0 ] && grep -q "oc-pbtnone0: already running" "$d/s65.out" && ok || ko "S65ptpbox start twice: $(cat "$d/s65.out")"
: >"$STUB_LOG"
s65 reload oc-pbtnone0 >"$d/s65.out" 2>&1; r=$?
[ $r -eq 0 ] && [ "$(cat "$STUB_LOG")" = "start-stop-daemon -K -q -s HUP -p $d/br/run/ptpbox-oc-pbtnone0.pid -x $PTPBOX" ] &&
	ok || ko "S65ptpbox reload: exit $r, $(cat "$STUB_LOG") $(cat "$d/s65.out")"
: >"$STUB_LOG"
s65 stop >"$d/s65.out" 2>&1; r=$?
[ $r -eq 0 ] && [ "$(grep -c -- '-K -q -p' "$STUB_LOG")" -eq 3 ] && [ -z "$(names "$d/br/run")" ] && ok ||
	ko "S65ptpbox stop: exit $r, $(cat "$STUB_LOG") $(cat "$d/s65.out") $(names "$d/br/run")"
s65 status >/dev/null 2>&1; r=$?
[ $r -eq 3 ] && ok || ko "S65ptpbox status after stop: exit $r, expected 3"
if [ $bb = 1 ]; then
	: >"$STUB_LOG"
	(S65SH=busybox s65 start) >"$d/s65.out" 2>&1; r=$?
	[ $r -eq 0 ] && cmp -s "$STUB_LOG" "$d/s65.want" && [ "$(grep -c ': OK$' "$d/s65.out")" -eq 3 ] && ok ||
		ko "S65ptpbox start under busybox: exit $r, $(diff "$d/s65.want" "$STUB_LOG") $(cat "$d/s65.out")"
	(S65SH=busybox s65 stop) >/dev/null 2>&1
	[ -z "$(names "$d/br/run")" ] && ok || ko "S65ptpbox stop under busybox: $(names "$d/br/run")"
fi
# /etc/default/ptpbox: the instances and more arguments; an instance that
# ends at once is FAIL with the command that tells why
printf 'PTPBOX_INSTANCES="oc-pbtnone0 oc-dead0"\nPTPBOX_ARGS="-l 7"\n' >"$d/br/default"
cp "$d/br/etc/oc-pbtnone0.cfg" "$d/br/etc/oc-dead0.cfg"
: >"$STUB_LOG"
s65 start >"$d/s65.out" 2>&1; r=$?
[ $r -eq 1 ] && [ "$(wc -l <"$STUB_LOG")" -eq 2 ] &&
	grep -q -- "-- oc -f $d/br/etc/oc-pbtnone0.cfg -i pbtnone0 -l 7$" "$STUB_LOG" &&
	grep -q "Starting ptpbox oc-pbtnone0: OK" "$d/s65.out" &&
	grep -qF "Starting ptpbox oc-dead0: FAIL (ended at once; why: $PTPBOX oc -f $d/br/etc/oc-dead0.cfg -i dead0 -m)" "$d/s65.out" &&
	[ ! -f "$d/br/run/ptpbox-oc-dead0.pid" ] && ok ||
	ko "S65ptpbox with /etc/default: exit $r, $(cat "$STUB_LOG") $(cat "$d/s65.out")"
s65 start xx-eth0 >"$d/s65.out" 2>&1; r=$?
[ $r -eq 1 ] && grep -q "not APPLET-NAME with APPLET gm, oc or tc" "$d/s65.out" && ok || ko "S65ptpbox bad instance: $(cat "$d/s65.out")"
s65 start oc-nofile >"$d/s65.out" 2>&1; r=$?
[ $r -eq 1 ] && grep -q "no $d/br/etc/oc-nofile.cfg" "$d/s65.out" && ok || ko "S65ptpbox missing file: $(cat "$d/s65.out")"
s65 frobnicate >/dev/null 2>&1; r=$?
[ $r -eq 1 ] && ok || ko "S65ptpbox usage: exit $r"
s65 stop >/dev/null 2>&1

# ------------------------------------------------------------ systemd units
for a in gm oc; do
	grep -qx "ExecStart=/usr/sbin/ptpbox $a -f /etc/ptpbox/$a-%i.cfg -i %i" "$sd/ptpbox-$a@.service" &&
		grep -qx "Restart=on-failure" "$sd/ptpbox-$a@.service" &&
		grep -qx "After=network-online.target" "$sd/ptpbox-$a@.service" && ok ||
		ko "ptpbox-$a@.service: ExecStart, Restart or After not as documented"
done
sa=0
if ! command -v systemd-analyze >/dev/null 2>&1; then
	ko "systemd-analyze not installed (scripts/install-deps.sh: systemd)"
else
	# can it verify at all here?
	mkdir -p "$d/units"
	printf '[Service]\nExecStart=/bin/true\n' >"$d/units/probe.service"
	if out=$(systemd-analyze verify --man=no "$d/units/probe.service" 2>&1) && [ -z "$out" ]; then
		sa=1
	else
		skip "systemd-analyze verify cannot run here: $out"
	fi
fi
if [ $sa = 1 ]; then
	for a in gm oc; do
		sed "s|^ExecStart=/usr/sbin/ptpbox |ExecStart=$PTPBOX |" "$sd/ptpbox-$a@.service" >"$d/units/ptpbox-$a@.service"
		out=$(systemd-analyze verify --man=no "$d/units/ptpbox-$a@eth0.service" 2>&1) && [ -z "$out" ] && ok ||
			ko "systemd-analyze verify ptpbox-$a@eth0.service: $out"
		e=$(systemd-analyze security --offline=true "$d/units/ptpbox-$a@.service" 2>/dev/null |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		[ -n "$e" ] && awk -v e="$e" 'BEGIN { exit !(e < 5) }' && ok ||
			ko "ptpbox-$a@.service: exposure '$e', expected < 5"
	done
	# the system calls the oc makes (start-up and a second of running in
	# its own namespace) against the units' SystemCallFilter, expanded
	if [ $netns_ok = 1 ] && command -v strace >/dev/null 2>&1; then
		filter=$(sed -n 's/^SystemCallFilter=//p' "$sd/ptpbox-oc@.service")
		systemd-analyze syscall-filter 2>/dev/null | awk -v want="$filter" '
			/^@/ { g = $1; next }
			/^ +[@a-z0-9_]/ && g != "" { m[g] = m[g] " " $1 }
			function add(x,    n, i, w) {
				if (x !~ /^@/) { ok[x] = 1; return }
				if (seen[x]++) { return }
				n = split(m[x], w, " ")
				for (i = 1; i <= n; i++) { add(w[i]) }
			}
			END {
				n = split(want, w, " ")
				for (i = 1; i <= n; i++) { add(w[i]) }
				for (s in ok) { print s }
			}' | sort >"$d/allowed"
		grep -qx clock_adjtime "$d/allowed" && grep -qx ioctl "$d/allowed" && ok ||
			ko "SystemCallFilter '$filter' lacks clock_adjtime or ioctl"
		unshare -n strace -f -qq -o "$d/strace" sh -c '
			ip link set lo up 2>/dev/null
			"$@" & p=$!
			sleep 1
			kill $p
			wait $p' sh "$PTPBOX" oc -f "$d/out/cfg0a1b2c.cfg" -i lo -q -S --clock=soft \
			--clockIdentity=020000.0000.000002 --uds_address="$d/oc.sock" >/dev/null 2>&1
		# the ptpbox process: the pid whose execve is the binary
		pid=$(awk -v b="$PTPBOX" 'index($0, "execve(\"" b "\"") { print $1; exit }' "$d/strace")
		awk -v p="$pid" '$1 == p && $2 ~ /^[a-z0-9_]+\(/ { sub(/\(.*/, "", $2); print $2 }' "$d/strace" |
			sort -u >"$d/used"
		[ -n "$pid" ] && [ "$(wc -l <"$d/used")" -gt 10 ] && ok || ko "strace of the oc: pid '$pid', $(wc -l <"$d/used") calls"
		bad=$(comm -23 "$d/used" "$d/allowed" | tr '\n' ' ')
		[ -z "$bad" ] && ok || ko "the oc makes system calls SystemCallFilter refuses: $bad"
		fams=$(sed -n 's/^RestrictAddressFamilies=//p' "$sd/ptpbox-oc@.service")
		awk -v p="$pid" '$1 == p && $2 ~ /^socket\(/ { sub(/^socket\(/, "", $2); sub(/,.*/, "", $2); print $2 }' \
			"$d/strace" | sort -u >"$d/fams"
		[ -s "$d/fams" ] && ok || ko "strace of the oc: no socket() seen"
		while read -r f; do
			case " $fams " in
			*" $f "*) ok ;;
			*) ko "the oc opens an $f socket, RestrictAddressFamilies=$fams refuses it" ;;
			esac
		done <"$d/fams"
	else
		skip "system calls against SystemCallFilter: needs root, unshare -n and strace"
	fi
fi

# ---------------------------------------------------------- OpenWrt package
m=$ow/Makefile
for want in 'include $(TOPDIR)/rules.mk' 'include $(INCLUDE_DIR)/package.mk' \
	'PKG_NAME:=ptpbox' "PKG_VERSION:=$version" 'PKG_RELEASE:=1' 'PKG_LICENSE:=BSD-2-Clause' \
	'define Package/ptpbox' 'define Package/ptpbox/install' 'define Package/ptpbox/conffiles' \
	'/etc/config/ptpbox' 'define Build/Compile' "		CC=\"\$(TARGET_CC)\" \\" \
	'$(eval $(call BuildPackage,ptpbox))'; do
	grep -qxF -- "$want" "$m" && ok || ko "openwrt Makefile: no line '$want'"
done
# in the double of OpenWrt's build system: build, install; options
owmake() {
	nice -n 10 make -s -C "$ow" TOPDIR="$dbl/openwrt" BUILD_DIR="$d/owbuild" CONFIG_PACKAGE_ptpbox=y "$@"
}
if command -v musl-gcc >/dev/null 2>&1; then
	owmake CONFIG_PTPBOX_STATIC=y CONFIG_PTPBOX_LINKS_CLOCKS=y CONFIG_PTPBOX_LINKS_TOOLS=y \
		CONFIG_PTPBOX_MAN=y ROOT="$d/owroot" compile install >"$d/ow.out" 2>&1; r=$?
	[ $r -eq 0 ] && ok || ko "openwrt compile install: exit $r, $(tail -5 "$d/ow.out")"
	(cd "$d/owroot" 2>/dev/null && find . \( -type f -o -type l \) | sort) >"$d/ow.files"
	cat >"$d/ow.want" <<'EOF'
./etc/config/ptpbox
./etc/init.d/ptpbox
./usr/libexec/ptpbox-uci
./usr/sbin/ptp-gm
./usr/sbin/ptp-oc
./usr/sbin/ptp-pmc
./usr/sbin/ptp-ppsmon
./usr/sbin/ptp-todenc
./usr/sbin/ptpbox
./usr/share/man/man1/ptpbox.1
./usr/share/man/man8/ptpbox-gm.8
./usr/share/man/man8/ptpbox-oc.8
./usr/share/man/man8/ptpbox-pmc.8
./usr/share/man/man8/ptpbox-ppsmon.8
./usr/share/man/man8/ptpbox-tc.8
./usr/share/man/man8/ptpbox-todenc.8
EOF
	cmp -s "$d/ow.files" "$d/ow.want" && ok || ko "openwrt install tree: $(diff "$d/ow.want" "$d/ow.files")"
	[ "$("$d/owroot/usr/sbin/ptp-oc" --help 2>&1 | head -1 | awk '{ print $2, $3 }')" = "ptpbox oc" ] && ok ||
		ko "openwrt: ptp-oc does not run the oc"
	file "$d/owroot/usr/sbin/ptpbox" 2>/dev/null | grep -q "statically linked" && ok || ko "openwrt: not static"
	[ "$("$d/owroot/usr/sbin/ptpbox" --version)" = "ptpbox $version" ] && ok || ko "openwrt: --version"
	cmp -s "$d/owroot/etc/config/ptpbox" "$ow/files/ptpbox.config" &&
		cmp -s "$d/owroot/usr/libexec/ptpbox-uci" "$ow/files/ptpbox-uci.sh" &&
		cmp -s "$d/owroot/etc/init.d/ptpbox" "$ow/files/ptpbox.init" &&
		[ -x "$d/owroot/etc/init.d/ptpbox" ] && [ -x "$d/owroot/usr/libexec/ptpbox-uci" ] && ok ||
		ko "openwrt: init, uci script or config not installed as shipped"
	grep -qF "UCI2CFG=/usr/libexec/ptpbox-uci" "$ow/files/ptpbox.init" &&
		grep -qF "PROG=/usr/sbin/ptpbox" "$ow/files/ptpbox.init" && ok ||
		ko "openwrt: the init script's paths are not where the package installs"
	owmake CONFIG_PTPBOX_LINKS_TC=y ROOT="$d/owroot2" install >"$d/ow.out" 2>&1; r=$?
	(cd "$d/owroot2" 2>/dev/null && find . \( -type f -o -type l \) | sort | tr '\n' ' ') >"$d/ow.files"
	[ $r -eq 0 ] && [ "$(cat "$d/ow.files")" = "./etc/config/ptpbox ./etc/init.d/ptpbox ./usr/libexec/ptpbox-uci ./usr/sbin/ptp-tc ./usr/sbin/ptpbox " ] &&
		ok || ko "openwrt, tc link only: exit $r, $(cat "$d/ow.files") $(tail -3 "$d/ow.out")"
else
	ko "musl-gcc not installed (scripts/install-deps.sh)"
fi

# the menu options: the config block through kconfiglib
if "$py" -c 'import kconfiglib' 2>/dev/null; then
	owmake OUT="$d/ow.config.in" config >/dev/null 2>&1
	cat >"$d/ow.Kconfig" <<EOF
config PACKAGE_ptpbox
	tristate "ptpbox"
source "$d/ow.config.in"
EOF
	"$py" - "$d/ow.Kconfig" >"$d/kconf.out" 2>&1 <<'EOF'
import sys, kconfiglib
k = kconfiglib.Kconfig(sys.argv[1], warn_to_stderr=False)
for w in k.warnings:
    print("warning:", w)
s = k.syms
names = ["PTPBOX_STATIC", "PTPBOX_LINKS_CLOCKS", "PTPBOX_LINKS_TC", "PTPBOX_LINKS_TOOLS", "PTPBOX_MAN"]
s["PACKAGE_ptpbox"].set_value(0)
print("off", " ".join(n + "=" + s[n].str_value for n in names))
s["PACKAGE_ptpbox"].set_value(2)
print("on", " ".join(n + "=" + s[n].str_value for n in names))
EOF
	cat >"$d/kconf.want" <<'EOF'
off PTPBOX_STATIC=n PTPBOX_LINKS_CLOCKS=n PTPBOX_LINKS_TC=n PTPBOX_LINKS_TOOLS=n PTPBOX_MAN=n
on PTPBOX_STATIC=y PTPBOX_LINKS_CLOCKS=y PTPBOX_LINKS_TC=n PTPBOX_LINKS_TOOLS=y PTPBOX_MAN=n
EOF
	cmp -s "$d/kconf.out" "$d/kconf.want" && ok || ko "openwrt menu options (kconfiglib): $(cat "$d/kconf.out")"
	# every option the Makefile reads is one of the menu's, and in PKG_CONFIG_DEPENDS
	grep -o 'CONFIG_PTPBOX_[A-Z_]*' "$m" | sort -u >"$d/ow.opts"
	while read -r o; do
		grep -q "^	config ${o#CONFIG_}$" "$m" && grep -q "^	$o" "$m" && ok ||
			ko "openwrt Makefile: $o not a menu option or not in PKG_CONFIG_DEPENDS"
	done <"$d/ow.opts"
else
	ko "kconfiglib not installed (python3-kconfiglib, scripts/install-deps.sh)"
fi

# -------------------------------------------------------- buildroot package
mk=$br/ptpbox/ptpbox.mk
for want in "PTPBOX_VERSION = $version" 'PTPBOX_SITE = $(BR2_EXTERNAL_PTPBOX_PATH)/../..' \
	'PTPBOX_SITE_METHOD = local' 'PTPBOX_LICENSE = BSD-2-Clause' 'PTPBOX_LICENSE_FILES = LICENSE' \
	'define PTPBOX_BUILD_CMDS' 'define PTPBOX_INSTALL_TARGET_CMDS' 'define PTPBOX_INSTALL_INIT_SYSV' \
	'define PTPBOX_INSTALL_INIT_SYSTEMD' '$(eval $(generic-package))'; do
	grep -qxF -- "$want" "$mk" && ok || ko "ptpbox.mk: no line '$want'"
done
grep -qF '$(TARGET_MAKE_ENV) $(MAKE) $(TARGET_CONFIGURE_OPTS) -C $(@D)' "$mk" && ok || ko "ptpbox.mk: build command"
# a local site has no download to hash: no ptpbox.hash, and the .mk says why
[ ! -e "$br/ptpbox/ptpbox.hash" ] && grep -q "No ptpbox.hash: a local site" "$mk" && ok || ko "ptpbox.mk: hash"
grep -qx "name: PTPBOX" "$br/external.desc" && grep -qF 'BR2_EXTERNAL_PTPBOX_PATH)/ptpbox/*.mk' "$br/external.mk" &&
	grep -qF 'source "$BR2_EXTERNAL_PTPBOX_PATH/ptpbox/Config.in"' "$br/Config.in" && ok ||
	ko "scripts/buildroot is not a BR2_EXTERNAL tree (external.desc, external.mk, Config.in)"
# (as `make ptpbox-reinstall`: the build is kept, the install runs again)
brmake() {
	rm -f "$d/brbuild/ptpbox-$version/.stamp_target_installed"
	nice -n 10 make -s -f "$dbl/buildroot.mk" BR2_EXTERNAL_PTPBOX_PATH="$br" BUILD_DIR="$d/brbuild" \
		BR2_PACKAGE_PTPBOX=y BR2_PACKAGE_PTPBOX_STATIC=y "$@" install
}
if command -v musl-gcc >/dev/null 2>&1 && command -v rsync >/dev/null 2>&1; then
	brmake TARGET_DIR="$d/brroot" BR2_PACKAGE_PTPBOX_CLOCKS=y BR2_PACKAGE_PTPBOX_TOOLS=y \
		BR2_INIT_BUSYBOX=y >"$d/br.out" 2>&1; r=$?
	(cd "$d/brroot" 2>/dev/null && find . \( -type f -o -type l -o -type d -empty \) | sort | tr '\n' ' ') >"$d/br.files"
	[ $r -eq 0 ] && [ "$(cat "$d/br.files")" = "./etc/init.d/S65ptpbox ./etc/ptpbox ./usr/sbin/ptp-gm ./usr/sbin/ptp-oc ./usr/sbin/ptp-pmc ./usr/sbin/ptp-ppsmon ./usr/sbin/ptp-todenc ./usr/sbin/ptpbox " ] &&
		ok || ko "buildroot, busybox init: exit $r, $(cat "$d/br.files") $(tail -5 "$d/br.out")"
	[ "$("$d/brroot/usr/sbin/ptp-gm" --help 2>&1 | head -1 | awk '{ print $2, $3 }')" = "ptpbox gm" ] && ok ||
		ko "buildroot: ptp-gm does not run the gm"
	file "$d/brroot/usr/sbin/ptpbox" 2>/dev/null | grep -q "statically linked" && ok || ko "buildroot: not static"
	cmp -s "$d/brroot/etc/init.d/S65ptpbox" "$s65" && ok || ko "buildroot: S65ptpbox not installed as shipped"
	# the copy of the tree leaves the tree's build directories and tests out
	[ ! -e "$d/brbuild/ptpbox-$version/build" ] && [ ! -e "$d/brbuild/ptpbox-$version/test" ] &&
		[ -f "$d/brbuild/ptpbox-$version/build-buildroot/ptpbox" ] && ok ||
		ko "buildroot: rsync exclusions ($(names "$d/brbuild/ptpbox-$version"))"
	brmake TARGET_DIR="$d/brroot2" BR2_PACKAGE_PTPBOX_CLOCKS=y BR2_INIT_SYSTEMD=y >"$d/br.out" 2>&1; r=$?
	(cd "$d/brroot2" 2>/dev/null && find . \( -type f -o -type l -o -type d -empty \) | sort | tr '\n' ' ') >"$d/br.files"
	[ $r -eq 0 ] && [ "$(cat "$d/br.files")" = "./etc/ptpbox ./usr/lib/systemd/system/ptpbox-gm@.service ./usr/lib/systemd/system/ptpbox-oc@.service ./usr/sbin/ptp-gm ./usr/sbin/ptp-oc ./usr/sbin/ptpbox " ] &&
		ok || ko "buildroot, systemd: exit $r, $(cat "$d/br.files") $(tail -5 "$d/br.out")"
	cmp -s "$d/brroot2/usr/lib/systemd/system/ptpbox-oc@.service" "$sd/ptpbox-oc@.service" && ok ||
		ko "buildroot: ptpbox-oc@.service not installed as shipped"
	brmake TARGET_DIR="$d/brroot3" BR2_PACKAGE_PTPBOX_TC=y BR2_INIT_SYSV=y >"$d/br.out" 2>&1; r=$?
	(cd "$d/brroot3" 2>/dev/null && find . \( -type f -o -type l -o -type d -empty \) | sort | tr '\n' ' ') >"$d/br.files"
	[ $r -eq 0 ] && [ "$(cat "$d/br.files")" = "./etc/init.d/S65ptpbox ./etc/ptpbox ./usr/sbin/ptp-tc ./usr/sbin/ptpbox " ] &&
		ok || ko "buildroot, tc only: exit $r, $(cat "$d/br.files") $(tail -5 "$d/br.out")"
else
	ko "musl-gcc or rsync not installed (scripts/install-deps.sh)"
fi
if "$py" -c 'import kconfiglib' 2>/dev/null; then
	cat >"$d/br.Kconfig" <<EOF
config BR2_TOOLCHAIN_HEADERS_AT_LEAST_3_17
	bool "headers"
config BR2_STATIC_LIBS
	bool "static"
config BR2_SHARED_STATIC_LIBS
	bool "shared and static"
menu "External options"
source "$br/Config.in"
endmenu
EOF
	BR2_EXTERNAL_PTPBOX_PATH=$br "$py" - "$d/br.Kconfig" >"$d/kconf.out" 2>&1 <<'EOF'
import sys, kconfiglib
k = kconfiglib.Kconfig(sys.argv[1], warn_to_stderr=False)
for w in k.warnings:
    print("warning:", w)
s = k.syms
names = ["BR2_PACKAGE_PTPBOX_STATIC", "BR2_PACKAGE_PTPBOX_CLOCKS", "BR2_PACKAGE_PTPBOX_TC",
         "BR2_PACKAGE_PTPBOX_TOOLS"]
comment = [n for n in k.node_iter() if n.item == kconfiglib.COMMENT][0]
def show(label):
    print(label, "visible=%d" % s["BR2_PACKAGE_PTPBOX"].visibility,
          "comment=%d" % kconfiglib.expr_value(comment.dep),
          " ".join(n[len("BR2_PACKAGE_PTPBOX_"):] + "=" + s[n].str_value for n in names))
show("old-headers")
s["BR2_TOOLCHAIN_HEADERS_AT_LEAST_3_17"].set_value(2)
s["BR2_PACKAGE_PTPBOX"].set_value(2)
show("shared")
s["BR2_SHARED_STATIC_LIBS"].set_value(2)
show("shared+static")
EOF
	cat >"$d/kconf.want" <<'EOF'
old-headers visible=0 comment=2 STATIC=n CLOCKS=n TC=n TOOLS=n
shared visible=2 comment=0 STATIC=n CLOCKS=y TC=n TOOLS=y
shared+static visible=2 comment=0 STATIC=y CLOCKS=y TC=n TOOLS=y
EOF
	cmp -s "$d/kconf.out" "$d/kconf.want" && ok || ko "buildroot Config.in (kconfiglib): $(cat "$d/kconf.out")"
	grep -o 'BR2_PACKAGE_PTPBOX_[A-Z_]*' "$mk" | sort -u >"$d/br.opts"
	while read -r o; do
		grep -qx "config $o" "$br/ptpbox/Config.in" && ok || ko "ptpbox.mk: $o is no option of Config.in"
	done <"$d/br.opts"
fi

checks_done packaging
