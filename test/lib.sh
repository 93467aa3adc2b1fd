#!/bin/sh
# Helpers for network tests: hosts are network namespaces joined by veth
# pairs that the test creates and removes; every wait is bounded.
# Source it; call net_init first.  Needs root and iproute2.

PTPBOX=${PTPBOX:-$(cd "$(dirname "$0")/../.." && pwd)/build/ptpbox}
T_PIDS=""    # processes started in the background (run_in, run_bg)
T_NS=""      # namespaces created (net_host)
T_DIR=""
T_MAIN=$$    # the script's own shell ($$ is the same in its subshells)
T_CLEANUP="" # extra clean-up commands of a script, run by net_cleanup

# Clean-up runs exactly once, and the script then exits with failure, on
# every path: the end of the script, die (also from a subshell), a shell
# error, HUP, INT, PIPE, TERM.  net_init sets the one EXIT trap; a script
# must not set its own EXIT trap after it (that would replace this one):
# it adds to T_CLEANUP instead.  The signal traps only exit, and exit runs
# the EXIT trap: a trap that cleaned up itself would let the script go on
# (and clean up again at its end).

# die MESSAGE: fail the test.  In a subshell ($(...), a pipeline) exit would
# end only the subshell, so the script itself is told (USR1) to exit 1 too.
die() {
	echo "FAIL: $*" >&2
	read -r _self _rest </proc/self/stat 2>/dev/null
	if [ -n "$_self" ] && [ "$_self" != "$T_MAIN" ]; then
		kill -USR1 "$T_MAIN" 2>/dev/null
	fi
	exit 1
}

# net_state PID: the process's state letter (R, S, T, Z, ...), empty if gone
net_state() { sed -n 's/^.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null; }

# net_pids FILE: what the test runs, into FILE: every process in its
# namespaces (strace and the ptp4l it traces, tshark and its dumpcap, ...),
# and the children of the script (run_in, run_bg, any other background
# job) with their descendants.  Called in the script's own shell (not in a
# $(...) subshell, whose pipeline would list itself).
net_pids() {
	: >"$1"
	for n in $T_NS; do ip netns pids "$n" >>"$1" 2>/dev/null; done
	net_kids "$T_MAIN" >>"$1"
}
net_kids() {
	for _k in $(pgrep -P "$1" 2>/dev/null); do
		echo "$_k"
		net_kids "$_k"
	done
}

# net_stop SIGNAL: SIGNAL to all of net_pids (stopped ones are continued so
# that a TERM takes effect); then wait up to 3 s until none is left
# running (a zombie has ended); returns 1 if some still run.
net_stop() {
	net_pids "$T_DIR/.pids"
	_p=$(sort -u "$T_DIR/.pids")
	[ -z "$_p" ] && return 0
	kill -s "$1" $_p 2>/dev/null
	kill -s CONT $_p 2>/dev/null
	_i=0
	while [ $_i -lt 30 ]; do
		_run=""
		net_pids "$T_DIR/.pids"
		for p in $(sort -u "$T_DIR/.pids"); do
			_s=$(net_state "$p")
			[ -n "$_s" ] && [ "$_s" != Z ] && _run="$_run $p"
		done
		[ -z "$_run" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "clean-up: still running after SIG$1:$_run" >&2
	return 1
}

net_cleanup() {
	[ -n "$T_CLEANED" ] && return 0
	T_CLEANED=1
	trap '' HUP INT PIPE TERM USR1 # a second signal must not cut it short
	set +e                          # nor a caller's errexit
	[ -n "$T_CLEANUP" ] && eval "$T_CLEANUP"
	[ -n "$T_DIR" ] || return 0 # net_init did not get far: nothing started
	# a process left in a deleted namespace would run on unseen: stop all
	# first, then remove the namespaces
	net_stop TERM || net_stop KILL
	# reap our children (they ended above; wait on a running one would hang)
	for p in $T_PIDS; do
		[ "$(net_state "$p")" = Z ] && wait "$p" 2>/dev/null
	done
	for n in $T_NS; do ip netns del "$n" 2>/dev/null; done
	# a veth pair not yet moved into its namespaces is in ours
	for l in $(ip -o link show 2>/dev/null | sed -n "s/^[0-9]*: \(pbt$$[a-z][0-9]*\)[@:].*/\1/p"); do
		ip link del "$l" 2>/dev/null
	done
	[ -n "$T_DIR" ] && [ -z "$KEEP" ] && rm -rf "$T_DIR"
	[ -n "$KEEP" ] && echo "kept $T_DIR" >&2
	return 0
}

# net_init: temp dir, clean-up trap, prerequisites.
# net_lock_above: the script runs under `flock /tmp/ptpbox-net.lock ...`
# (an ancestor holds the lock: taking it again here would wait forever)
net_lock_above() {
	_a=$$
	while [ -n "$_a" ] && [ "$_a" -gt 1 ]; do
		tr '\0' ' ' <"/proc/$_a/cmdline" 2>/dev/null | grep -q "^flock .*ptpbox-net\.lock" && return 0
		_a=$(sed -n 's/^.*) . \([0-9]*\) .*/\1/p' "/proc/$_a/stat" 2>/dev/null)
	done
	return 1
}

net_init() {
	[ "$(id -u)" = 0 ] || die "network tests need root (ip netns)"
	command -v ip >/dev/null || die "iproute2 missing"
	[ -x "$PTPBOX" ] || die "$PTPBOX not built"
	# one network test or benchmark at a time on this machine (timing):
	# the lock run-all.sh's net_suite holds for it, else taken here
	if [ -z "$PTPBOX_NET_LOCKED" ] && ! net_lock_above; then
		exec 8>/tmp/ptpbox-net.lock
		flock -w 1800 8 || die "another network test held /tmp/ptpbox-net.lock for 30 min"
		PTPBOX_NET_LOCKED=1
		export PTPBOX_NET_LOCKED
	fi
	# run-all.sh checks what its own tests leave (namespaces pbt-PID-*,
	# veths pbtPID*), not a neighbour's: the PIDs of its tests
	[ -n "$PTPBOX_RUN_DIR" ] && echo "$T_MAIN" >>"$PTPBOX_RUN_DIR/tests"
	trap net_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 141' PIPE
	trap 'exit 143' TERM
	trap 'exit 1' USR1 # die in a subshell
	T_DIR=$(mktemp -d /tmp/ptpbox-test.XXXXXX) || exit 1
	# TEST_DIE_AFTER=SECONDS: fail on purpose then, wherever the test is
	# (as die in a subshell does): proves the clean-up
	if [ -n "$TEST_DIE_AFTER" ]; then
		(sleep "$TEST_DIE_AFTER"; echo "FAIL: TEST_DIE_AFTER=$TEST_DIE_AFTER" >&2
			kill -USR1 "$T_MAIN") &
		T_PIDS="$T_PIDS $!"
	fi
}

# net_host NAME: a namespace named pbt-$$-NAME with loopback up.
net_host() {
	ns=pbt-$$-$1
	ip netns add "$ns" || die "ip netns add $ns"
	T_NS="$T_NS $ns"
	ip -n "$ns" link set lo up
	eval "NS_$1=$ns"
}

# net_link A B N: veth between hosts A and B; A gets fd00::N.1/64 and
# 10.N.0.1/24 on interface pa$N, B fd00::N.2 and 10.N.0.2 on pb$N.
net_link() {
	a=$(eval echo \$NS_$1); b=$(eval echo \$NS_$2); n=$3
	ip link add "pbt$$a$n" type veth peer name "pbt$$b$n" || die "veth"
	ip link set "pbt$$a$n" netns "$a" name "pa$n"
	ip link set "pbt$$b$n" netns "$b" name "pb$n"
	ip -n "$a" addr add "fd00::$n:1/112" dev "pa$n" nodad
	ip -n "$b" addr add "fd00::$n:2/112" dev "pb$n" nodad
	ip -n "$a" addr add "10.$n.0.1/24" dev "pa$n"
	ip -n "$b" addr add "10.$n.0.2/24" dev "pb$n"
	ip -n "$a" link set "pa$n" up
	ip -n "$b" link set "pb$n" up
}

# run_in HOST LOG CMD...: start CMD in HOST's namespace in the background.
# ip netns exec execs CMD: LAST_PID is CMD's pid.
run_in() {
	ns=$(eval echo \$NS_$1); log=$2; shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	LAST_PID=$!
}

# run_bg LOG CMD...: start CMD in the background outside the namespaces
# (appending to LOG); net_cleanup stops it.
run_bg() {
	log=$1; shift
	"$@" >>"$log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	LAST_PID=$!
}

# nap SECONDS: sleep, but a signal to the script (or die in a subshell)
# takes effect at once: a shell runs its traps only after a foreground
# command ends, while the wait builtin is interrupted.  The clean-up stops
# the sleep.
nap() {
	sleep "$1" &
	wait $!
}

# wait_for SECONDS FILE PATTERN: until PATTERN (grep -E) appears.
wait_for() {
	i=0
	while [ "$i" -lt $(($1 * 10)) ]; do
		grep -Eq "$3" "$2" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# net_bridge HOST N: bridge br0 in HOST with fd00::9:N/112 and 10.9.0.N/24;
# net_attach H N then joins host H to it with interface p$N (fd00::9:N).
# The bridge lives in the host that uses it (the oc) so that a packet
# crosses one veth and no forwarding hop: software stamps through a
# separate bridge host measured ~18 us of path delay and +-15 us of jitter.
net_bridge() {
	NS_sw=$(eval echo \$NS_$1)
	ip -n "$NS_sw" link add br0 type bridge || die "bridge"
	ip -n "$NS_sw" link set br0 type bridge forward_delay 0 2>/dev/null
	ip -n "$NS_sw" addr add "fd00::9:$2/112" dev br0 nodad
	ip -n "$NS_sw" addr add "10.9.0.$2/24" dev br0
	ip -n "$NS_sw" link set br0 up
}

net_attach() {
	h=$(eval echo \$NS_$1); n=$2
	ip link add "pbt$$p$n" type veth peer name "pbt$$s$n" || die "veth"
	ip link set "pbt$$p$n" netns "$h" name "p$n"
	ip link set "pbt$$s$n" netns "$NS_sw" name "s$n"
	ip -n "$NS_sw" link set "s$n" master br0
	ip -n "$NS_sw" link set "s$n" up
	ip -n "$h" addr add "fd00::9:$n/112" dev "p$n" nodad
	ip -n "$h" addr add "10.9.0.$n/24" dev "p$n"
	ip -n "$h" link set "p$n" up
}

# net_bridged A B: hosts A, br and B; in br a bridge br0 whose ports lan1
# and lan2 lead to A (p1: fd00::9:1/112, 10.9.0.1/24) and B (p2: fd00::9:2,
# 10.9.0.2): the transparent clock's topology (the tc runs in br).
net_bridged() {
	net_host "$1"
	net_host br
	net_host "$2"
	ip -n "$NS_br" link add br0 type bridge forward_delay 0 mcast_snooping 0 || die "bridge"
	ip -n "$NS_br" link set br0 up
	for _n in 1 2; do
		if [ $_n = 1 ]; then _h=$(eval echo \$NS_$1); else _h=$(eval echo \$NS_$2); fi
		ip link add "pbt$$x$_n" type veth peer name "pbt$$y$_n" || die "veth"
		ip link set "pbt$$x$_n" netns "$_h" name "p$_n"
		ip link set "pbt$$y$_n" netns "$NS_br" name "lan$_n"
		ip -n "$NS_br" link set "lan$_n" master br0
		ip -n "$NS_br" link set "lan$_n" up
		ip -n "$_h" addr add "fd00::9:$_n/112" dev "p$_n" nodad
		ip -n "$_h" addr add "10.9.0.$_n/24" dev "p$_n"
		ip -n "$_h" link set "p$_n" up
	done
}

# servo_lines LOG: "offset state" of every servo line.  The oc prints a
# "master offset" line per Sync only when summary_interval is not longer
# than the Sync interval (else ptp4l's "rms" summaries): a test that reads
# them at logSyncInterval N < 0 sets summary_interval N.
servo_lines() { awk '/master offset/ { print $4, $5 }' "$1"; }

# run_ptp4l HOST LOG [VAR=VALUE...] ARGS...: Debian's ptp4l in HOST's
# namespace, behind test/interop/noadj.c (LD_PRELOAD turns its clock writes
# into reads: ptp4l writes CLOCK_REALTIME's status and frequency at
# start-up even as a master or with free_running 1) and under strace,
# logging to LOG.strace; the writes the shim turned into reads go to
# LOG.noadj.  Leading VAR=VALUE are ptp4l's environment (strace -E); an
# LD_PRELOAD there comes before the shim (a kernel twin that answers for
# its own clocks and passes the rest on).
# ptp4l_no_writes LOG [strict]: fails the test if any clock write reached
# the kernel; strict: also if ptp4l tried one (LOG.noadj not empty).
run_ptp4l() {
	command -v ptp4l >/dev/null || die "ptp4l missing (apt-get install linuxptp)"
	command -v strace >/dev/null || die "strace missing (apt-get install strace)"
	if [ ! -f "$T_DIR/noadj.so" ]; then
		cc -shared -fPIC -O2 -o "$T_DIR/noadj.so" "$(dirname "$PTPBOX")/../test/interop/noadj.c" -ldl ||
			die "building noadj.so"
	fi
	h=$1; log=$2; shift 2
	_pre=""
	_n=$#
	_cmd=""
	# each argument once round: VAR=VALUE become -E options, then ptp4l
	while [ "$_n" -gt 0 ]; do
		_a=$1; shift; _n=$((_n - 1))
		if [ -z "$_cmd" ]; then
			case $_a in
			LD_PRELOAD=*) _pre="${_a#LD_PRELOAD=} "; continue ;;
			[A-Z]*=*) set -- "$@" -E "$_a"; continue ;;
			esac
			_cmd=1
			set -- "$@" ptp4l
		fi
		set -- "$@" "$_a"
	done
	[ -n "$_cmd" ] || set -- "$@" ptp4l
	: >"$log.noadj"
	run_in "$h" "$log" strace -f -qq -o "$log.strace" -E LD_PRELOAD="$_pre$T_DIR/noadj.so" \
		-E NOADJ_LOG="$log.noadj" -e trace=clock_adjtime,adjtimex,clock_settime,settimeofday "$@"
}

ptp4l_no_writes() {
	if grep -E "clock_settime|settimeofday|modes=[^0]|ADJ_" "$1.strace"; then
		die "ptp4l tried to adjust a clock ($1.strace)"
	fi
	if [ "$2" = strict ] && [ -s "$1.noadj" ]; then
		die "ptp4l tried to write a real clock (turned into reads): $(sort "$1.noadj" | uniq -c | tr '\n' ' ')"
	fi
	echo "ptp4l clock calls, all reads: $(grep -cE "clock_adjtime|adjtimex" "$1.strace")${2:+, no write tried}"
}

# kill_host HOST: stop every process in HOST's namespace (e.g. a ptp4l
# under strace, where killing strace would only detach it).
kill_host() {
	ip netns pids "$(eval echo \$NS_$1)" | xargs -r kill
}

# stop_host HOST [SECONDS]: kill_host, then wait (10 s by default) until
# the namespace is empty: the processes' logs (an strace log) are complete.
stop_host() {
	_ns=$(eval echo \$NS_$1)
	ip netns pids "$_ns" | xargs -r kill
	_i=0
	while [ -n "$(ip netns pids "$_ns" 2>/dev/null)" ]; do
		[ $_i -lt $((${2:-10} * 10)) ] || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

# stop_pid PID [SECONDS]: TERM to a process the test started, and wait (10 s
# by default) until it has ended: its ports are free for a successor, its
# log is complete.  A fixed sleep would assume a quick scheduler.
stop_pid() {
	kill "$1" 2>/dev/null
	_i=0
	while :; do
		_s=$(net_state "$1")
		if [ -z "$_s" ] || [ "$_s" = Z ]; then
			wait "$1" 2>/dev/null
			return 0
		fi
		[ $_i -lt $((${2:-10} * 10)) ] || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

# locked LOG N: the last N servo lines since the last master selection are
# s2 with |master offset| < 10 us.  wait_locked SECONDS LOG N: until then,
# printing nothing; returns 1 on time-out.
locked() {
	awk -v want="$2" '/selected best master/ { n = 0 }
		/master offset/ { if ($5 == "s2" && $4 < 10000 && $4 > -10000) n++; else n = 0 }
		END { exit !(n >= want) }' "$1" 2>/dev/null
}

wait_locked() {
	i=0
	while [ "$i" -lt $(($1 * 10)) ]; do
		locked "$2" "$3" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# offset_stats LOG N [SKIP]: "count rms max|offset|" (ns) of the last N
# servo lines, of those after the first SKIP (default 0: all of them).
offset_stats() { grep "master offset" "$1" | tail -n +$((${3:-0} + 1)) | tail -"$2" | abs_stats 4; }

# steady_stats LOG N [SKIP]: "count rms max|offset|" (ns) of the same
# servo lines as offset_stats, the rms leaving out the worst sample.  Over
# veth a virtual CPU taken away between a frame's transmit and receive
# stamps (one kernel call chain) makes a lone sample tens of us late
# (seen: 66 us on an idle VM, 89 us in CI, rarer than 1 in 240): a
# network test bounds the rms without it and the worst only far from a
# step.
steady_stats() {
	grep "master offset" "$1" | tail -n +$((${3:-0} + 1)) | tail -"$2" |
		awk '{ o = $4 < 0 ? -$4 : $4; s += o * o; if (o > m) m = o; n++ }
			END { if (n > 1) printf "%d %.0f %.0f\n", n, sqrt((s - m * m) / (n - 1)), m
				else printf "%d %.0f %.0f\n", n, m, m }'
}

# truth_stats LOG N [SKIP]: "n rms max|TE|" of the last N soft clock truth
# lines, of those after the first SKIP
truth_stats() { grep "soft clock true time error" "$1" | tail -n +$((${3:-0} + 1)) | tail -"$2" | abs_stats 7; }

# abs_stats FIELD: "n rms max|x|" of field FIELD of the lines on stdin
abs_stats() {
	awk -v f="$1" '
		{ o = $f; s += o * o; if (o < 0) o = -o; if (o > m) m = o; n++ }
		END { if (n) printf "%d %.0f %.0f\n", n, sqrt(s / n), m; else print "0 0 0" }'
}

# net_two_masters A B: hosts oc (fd00::9:3 on its bridge br0), A
# (fd00::9:1, interface p1) and B (fd00::9:2, p2): the failover topology.
net_two_masters() {
	net_host oc
	net_bridge oc 3
	net_host "$1"
	net_attach "$1" 1
	net_host "$2"
	net_attach "$2" 2
	sleep 1
}

# table_two_masters FAMILY: a [unicast_master_table] with table_id 1
# listing both masters of net_two_masters (UDPv6 or UDPv4).
table_two_masters() {
	echo "[unicast_master_table]"
	echo "table_id 1"
	echo "logQueryInterval 0"
	if [ "$1" = UDPv4 ]; then
		echo "UDPv4 10.9.0.1"
		echo "UDPv4 10.9.0.2"
	else
		echo "UDPv6 fd00::9:1"
		echo "UDPv6 fd00::9:2"
	fi
}

# phc_error GM_LOG OC_LOG FROM TO: "n rms max mean" (ns) of the second PHC
# minus the first every 100 ms of true time from FROM to TO (ns since the
# epoch), from two PHC twins' logs (test/sim/phcdev.c, PHCDEV_LOG: lines
# "T E F": PHC minus true time is E at T and grows at F ppb until the next)
phc_error() { python3 "$(dirname "$0")/../tools/twinlog.py" phc "$@"; }

# sys_error APP_LOG REF_LOG FROM TO: "n rms max mean" (ns) of an applet's
# soft system clock (sys_clock soft: its "system clock (soft) true time
# error" lines) against REF_LOG's PHC minus currentUtcOffset (37 s), or with
# REF_LOG "-" against true UTC; tai_error LOG FROM TO: a twin's PHC against
# TAI (true time + 37 s), every 100 ms (test/tools/twinlog.py; for tests
# in test/*/)
sys_error() { python3 "$(dirname "$0")/../tools/twinlog.py" sys "$@"; }
tai_error() { python3 "$(dirname "$0")/../tools/twinlog.py" tai "$@"; }

# twin_stamps STAMPS SEED: the PHC twin's stamp source for one process, an
# environment assignment: STAMPS wire, the modelled wire (800 ns + 100 ns
# x Exp(1) each way, exact whatever the load; set in both ends), else the
# kernel's software stamps mapped into the PHC
twin_stamps() {
	if [ "$1" = wire ]; then
		echo "PHCDEV_WIRE=delay=800,pdv=100,seed=$2"
	else
		echo "PHCDEV_KERNEL_STAMPS=1"
	fi
}

# twin_summary FIELD LOG: a number from a PHC twin's '# summary' or
# '# onestep' line (its PHCDEV_LOG, written when the process ends)
twin_summary() { sed -n "s/^#.* $1 \([-0-9]*\).*/\1/p" "$2" | tail -1; }
