#!/bin/sh
# Build ptpbox (static musl and dynamic glibc) and run every test suite:
# unit (both builds, and under valgrind), the static binary cross-built for
# aarch64, armhf and big-endian mips with its unit and cli tests under
# qemu-user, cli, network (namespaces), tshark decoding, interop with
# linuxptp and ptpd.  Installs what it needs as root.
# Ends with "N passed, N failed" counting suites.
# Usage: test/run-all.sh [--no-install] [--no-build] [SUITE...]   (--help: the suites)
cd "$(dirname "$0")/.." || exit 1
install=1
build=1
only=""
list=0
for a in "$@"; do
	case $a in
	--no-install) install=0 ;;
	--no-build) build=0 ;;
	-h | --help | --list) list=1 ;;
	-*) echo "usage: test/run-all.sh [--no-install] [--no-build] [SUITE...] (--help lists them)" >&2
		exit 1 ;;
	*) only="$only $a" ;;
	esac
done
if [ $list = 1 ]; then
	cat <<'EOF'
usage: test/run-all.sh [--no-install] [--no-build] [SUITE...]
Installs what the tests need (scripts/install-deps.sh test: Debian packages,
the dpkg architectures arm64 and armhf for the cross builds, a static busybox
in /usr/local/lib/ptpbox-test), builds, then runs the SUITEs named (default:
all, about 27 minutes on 2 cores), ending with "N passed, N failed".
Network suites take /tmp/ptpbox-net.lock one at a time and check that they
left nothing of theirs behind.  Suites (seconds on this project's machine):
EOF
	awk '/^(bg_)?suite / { d = "?"; if (match($0, /# [0-9]+ s$/)) d = substr($0, RSTART + 2, RLENGTH - 4)
		printf "  %-32s %5s\n", $2, d }' "$0"
	exit 0
fi
# what this run's tests start carries PTPBOX_RUN_ID; PTPBOX_RUN_DIR lists
# their PIDs (no_leftovers)
PTPBOX_RUN_ID=$$.$(date +%s%N)
PTPBOX_RUN_DIR=$(mktemp -d /tmp/ptpbox-run.XXXXXX) || exit 1
export PTPBOX_RUN_ID PTPBOX_RUN_DIR
trap 'rm -rf "$PTPBOX_RUN_DIR"' EXIT
for n in $only; do
	grep -Eq "^(bg_)?suite $n " "$0" || { echo "run-all.sh: no suite $n (--help lists them)" >&2; exit 1; }
done
[ $install = 1 ] && { scripts/install-deps.sh test || exit 1; }
if [ $build = 1 ]; then
	./build.sh -s || exit 1
	make -s -j2 build/unit_tests build/ptpsim build/loadgen || exit 1
	make -s -j2 CC=gcc STATIC=0 B=build-glibc all build-glibc/unit_tests build-glibc/phcdev.so ||
		exit 1
	make -s -j2 asan || exit 1
fi

passed=0
failed=0
failed_names=""
# whether suite $1 is to run (all, or named on the command line)
selected() { [ -z "$only" ] || echo " $only " | grep -q " $1 "; }
# count suite $1's result $2 (ok or FAILED) after $3 s; $4: a note
tally() {
	if [ "$2" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_names="$failed_names $1"
	fi
	echo "=== $1: $2 ($3 s$4)"
}
suite() {
	name=$1; shift
	selected "$name" || return 0
	echo "=== $name"
	start=$(date +%s)
	if "$@"; then r=ok; else r=FAILED; fi
	tally "$name" $r $(( $(date +%s) - start ))
}
# A CPU-bound suite that opens no network (cross: builds and qemu-user) runs
# at nice 19 beside the network suites, which mostly wait on timers and
# must pass on a loaded machine anyway; bg_wait prints its output and
# counts it.  Saves its minutes of the run's 30.
bg_names=""
bg_suite() {
	name=$1; shift
	selected "$name" || return 0
	echo "=== $name: started beside the network suites (nice 19)"
	(
		start=$(date +%s)
		if nice -n 19 "$@" >"$PTPBOX_RUN_DIR/bg-$name.out" 2>&1; then r=ok; else r=FAILED; fi
		echo "$r $(( $(date +%s) - start ))" >"$PTPBOX_RUN_DIR/bg-$name.rc"
	) &
	bg_names="$bg_names $name:$!"
}
bg_wait() {
	for nb in $bg_names; do
		name=${nb%%:*}
		wait "${nb#*:}"
		echo "=== $name"
		cat "$PTPBOX_RUN_DIR/bg-$name.out"
		# shellcheck disable=SC2046 # the result's two words, or FAILED 0
		set -- $(cat "$PTPBOX_RUN_DIR/bg-$name.rc" 2>/dev/null) FAILED 0
		tally "$name" "$1" "$2" ", beside the network suites"
	done
}
static_check() {
	f=$(file build/ptpbox)
	echo "$f"
	n=$(stat -c %s build/ptpbox)
	echo "$f" | grep -q "statically linked" &&
		echo "build/ptpbox: $n bytes (budget 300 KiB = 307200 with all six applets)" &&
		[ "$n" -le 307200 ]
}
valgrind_unit() {
	command -v valgrind >/dev/null || { echo "valgrind missing"; return 1; }
	valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
		build-glibc/unit_tests >/dev/null
}

suite static-binary static_check # 0 s
suite unit-musl build/unit_tests # 1 s
suite unit-glibc build-glibc/unit_tests # 0 s
suite unit-valgrind valgrind_unit # 10 s
suite cli sh test/cli/cli.sh # 1 s
suite cli-glibc env PTPBOX="$PWD/build-glibc/ptpbox" sh test/cli/cli.sh # 1 s
suite cli-files sh test/cli/files.sh # 8 s
suite cli-ptp4l sh test/cli/ptp4l_keys.sh # 37 s
suite conformance sh test/checks/conformance.sh # 0 s
suite man sh test/checks/man.sh # 1 s
suite docs sh test/checks/docs.sh # 1 s
suite packaging sh test/checks/packaging.sh # 13 s
suite cli-ppsmon sh test/cli/ppsmon.sh # 2 s
suite cli-ppsmon-glibc env PTPBOX="$PWD/build-glibc/ptpbox" sh test/cli/ppsmon.sh # 1 s
suite sim-ppsmon-live sh test/sim/ppsmon_live.sh # 5 s
suite cli-todenc sh test/cli/todenc.sh # 6 s
suite fuzz sh test/fuzz/run.sh -d 12 # 100 s
suite sim sh test/sim/sim.sh # 54 s
# tests remove what they create: no namespace, root-namespace veth or
# process of theirs is left (zombies have ended; their parent reaps them).
# Only this run's: the namespaces (pbt-PID-*) and veths (pbtPID*) of the
# tests whose PID they listed in $PTPBOX_RUN_DIR/tests, and the processes
# that carry this run's PTPBOX_RUN_ID in their environment; a ptp4l,
# capture or other checkout's test beside this run is none of them
no_leftovers() {
	left="" veths="" procs=""
	for t in $(cat "$PTPBOX_RUN_DIR/tests" 2>/dev/null); do
		left="$left$(ip netns list 2>/dev/null | awk -v p="pbt-$t-" 'index($1, p) == 1 { printf " %s", $1 }')"
		veths="$veths$(ip -o link show 2>/dev/null | awk -F': ' -v p="pbt$t" '
			index($2, p) == 1 && substr($2, length(p) + 1, 1) ~ /[a-z]/ { sub(/@.*/, "", $2); printf " %s", $2 }')"
	done
	for e in $(grep -lzx "PTPBOX_RUN_ID=$PTPBOX_RUN_ID" /proc/[0-9]*/environ 2>/dev/null); do
		p=${e#/proc/}; p=${p%/environ}
		# this script and what it runs now (its subshells) are not left
		a=$p
		while [ -n "$a" ] && [ "$a" -gt 1 ] && [ "$a" != $$ ]; do
			a=$(sed -n 's/^.*) . \([0-9]*\) .*/\1/p' "/proc/$a/stat" 2>/dev/null)
		done
		# gone meanwhile (a short-lived process of this check) or ours
		[ -z "$a" ] || [ "$a" = $$ ] && continue
		_st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$p/status" 2>/dev/null)
		[ -n "$_st" ] && [ "$_st" != Z ] && procs="$procs $p"
	done
	[ -z "$left$veths$procs" ] && return 0
	echo "left behind: namespaces [$left ] veths [$veths ] processes [$procs ]"
	for p in $procs; do echo "  $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
	return 1
}
# a network suite passes only if it also left nothing behind, so that a
# leak is charged to the suite that made it; it holds the lock other
# network tests and benchmarks take (flock /tmp/ptpbox-net.lock), so a
# run beside them waits instead of counting their namespaces as its own
net_suite() {
	(
		# a run inside a network test (neighbours.sh) has its lock
		[ -n "$PTPBOX_NET_LOCKED" ] || flock 9 || exit 1
		PTPBOX_NET_LOCKED=1 sh "$@"
		rc=$?
		no_leftovers || rc=1
		exit $rc
	) 9>/tmp/ptpbox-net.lock
}

suite unit-asan build-asan/unit_tests # 1 s
# under ASan the scenarios, not the world matrix's precision cells again
suite sim-asan env PTPSIM="$PWD/build-asan/ptpsim" SIM_MATRIX=0 sh test/sim/sim.sh # 73 s
bg_suite cross sh test/cross/run.sh # 144 s
suite net-gm-oc-converge net_suite test/net/gm_oc_converge.sh # 40 s
suite net-gm-oc-variants net_suite test/net/gm_oc_variants.sh # 15 s
suite net-failover net_suite test/net/failover.sh # 35 s
suite net-g8265-select net_suite test/net/g8265_select.sh # 41 s
suite net-ptsf-loss-sync net_suite test/net/ptsf_loss_sync.sh # 11 s
suite net-tshark-decode net_suite test/net/tshark_decode.sh # 22 s
suite net-mgmt net_suite test/net/mgmt.sh # 29 s
suite net-wait-sync net_suite test/net/wait_sync.sh # 34 s
suite cli-initramfs net_suite test/cli/initramfs.sh # 3 s
suite net-gm-tod net_suite test/net/gm_tod.sh # 21 s
suite net-gm-nmea net_suite test/net/gm_nmea.sh # 30 s
suite net-hwts-twin net_suite test/net/hwts_twin.sh # 105 s
suite net-gm-phc-pps net_suite test/net/gm_phc_pps.sh # 40 s
suite net-hostile net_suite test/net/hostile.sh # 96 s
suite net-auth net_suite test/net/auth.sh # 34 s
suite net-neighbours net_suite test/net/neighbours.sh # 49 s
suite net-loadgen-smoke net_suite test/net/loadgen_smoke.sh # 42 s
suite net-tc-bridge net_suite test/net/tc_bridge.sh # 116 s
suite net-tc-hwts-twin net_suite test/net/tc_hwts_twin.sh # 68 s
suite interop-ptp4l-master-oc net_suite test/interop/ptp4l_master_oc.sh # 18 s
suite interop-gm-ptp4l-slave net_suite test/interop/gm_ptp4l_slave.sh # 48 s
suite interop-ptp4l-failover net_suite test/interop/ptp4l_failover.sh # 11 s
suite interop-pmc-ptp4l net_suite test/interop/pmc_ptp4l.sh # 8 s
suite interop-ptp4l-through-tc net_suite test/interop/ptp4l_through_tc.sh # 85 s
suite interop-ptp4l-hwts-twin net_suite test/interop/ptp4l_hwts_twin.sh # 72 s
suite interop-ptpd net_suite test/interop/ptpd.sh # 45 s
# the applets built with ASan+UBSan (make asan) through two network tests:
# any error aborts the process and fails the test
asan_suite() { (PTPBOX="$PWD/build-asan/ptpbox" && export PTPBOX && net_suite "$@"); }
suite net-gm-oc-variants-asan asan_suite test/net/gm_oc_variants.sh # 16 s
suite net-mgmt-asan asan_suite test/net/mgmt.sh # 31 s
suite net-auth-asan asan_suite test/net/auth.sh # 25 s
bg_wait
suite no-leftovers no_leftovers # 0 s

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
