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
	for p in $T_PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.2
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
