#!/bin/sh
# Helpers for network tests: hosts are network namespaces joined by veth
# pairs that the test creates and removes; every wait is bounded.
# Source it; call net_init first.  Needs root and iproute2.

PTPBOX=${PTPBOX:-$(cd "$(dirname "$0")/../.." && pwd)/build/ptpbox}
T_PIDS=""
T_NS=""
T_DIR=""

die() { echo "FAIL: $*" >&2; exit 1; }

net_cleanup() {
	set +e # a caller's errexit must not cut the clean-up short
	# every process in our namespaces, then what we started: a process
	# left in a deleted namespace would run on unseen
	for n in $T_NS; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null; done
	for p in $T_PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for n in $T_NS; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
	for p in $T_PIDS; do kill -9 "$p" 2>/dev/null; done
	for n in $T_NS; do ip netns del "$n" 2>/dev/null; done
	[ -n "$T_DIR" ] && [ -z "$KEEP" ] && rm -rf "$T_DIR"
	return 0
}

# net_init: temp dir, cleanup trap, prerequisites.
net_init() {
	[ "$(id -u)" = 0 ] || die "network tests need root (ip netns)"
	command -v ip >/dev/null || die "iproute2 missing"
	[ -x "$PTPBOX" ] || die "$PTPBOX not built"
	T_DIR=$(mktemp -d /tmp/ptpbox-test.XXXXXX)
	trap net_cleanup EXIT INT TERM
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
run_in() {
	ns=$(eval echo \$NS_$1); log=$2; shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	LAST_PID=$!
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

# servo_lines LOG: "offset state" of every servo line
servo_lines() { awk '/master offset/ { print $4, $5 }' "$1"; }

# run_ptp4l HOST LOG ARGS...: Debian's ptp4l in HOST's namespace, behind
# test/interop/noadj.c (LD_PRELOAD turns its clock writes into reads: ptp4l
# writes CLOCK_REALTIME's status and frequency at start-up even as a master
# or with free_running 1) and under strace, logging to LOG.strace.
# ptp4l_no_writes LOG: fails the test if any clock write reached the kernel.
run_ptp4l() {
	command -v ptp4l >/dev/null || die "ptp4l missing (apt-get install linuxptp)"
	command -v strace >/dev/null || die "strace missing (apt-get install strace)"
	if [ ! -f "$T_DIR/noadj.so" ]; then
		cc -shared -fPIC -O2 -o "$T_DIR/noadj.so" "$(dirname "$PTPBOX")/../test/interop/noadj.c" -ldl ||
			die "building noadj.so"
	fi
	h=$1; log=$2; shift 2
	run_in "$h" "$log" strace -f -qq -o "$log.strace" -E LD_PRELOAD="$T_DIR/noadj.so" \
		-e trace=clock_adjtime,adjtimex,clock_settime,settimeofday ptp4l "$@"
}

ptp4l_no_writes() {
	if grep -E "clock_settime|settimeofday|modes=[^0]|ADJ_" "$1.strace"; then
		die "ptp4l tried to adjust a clock ($1.strace)"
	fi
	echo "ptp4l clock calls, all reads: $(grep -c . "$1.strace")"
}

# kill_host HOST: stop every process in HOST's namespace (e.g. a ptp4l
# under strace, where killing strace would only detach it).
kill_host() {
	ip netns pids "$(eval echo \$NS_$1)" | xargs -r kill
}

# locked LOG N: the last N servo lines since the last master selection are
# s2 with |master offset| < 10 us.  wait_locked SECONDS LOG N: until then,
# printing nothing; returns 1 on time-out.
locked() {
	awk -v want="$2" '/selected best master/ { n = 0 }
		/master offset/ { if ($5 == "s2" && $4 < 10000 && $4 > -10000) n++; else n = 0 }
		END { exit !(n >= want) }' "$1"
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

# offset_stats LOG N: "count rms max|offset|" (ns) of the last N servo lines.
offset_stats() {
	grep "master offset" "$1" | tail -"$2" | awk '
		{ o = $4; s += o * o; if (o < 0) o = -o; if (o > m) m = o; n++ }
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
