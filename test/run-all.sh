#!/bin/sh
# Build ptpbox (static musl and dynamic glibc) and run every test suite:
# unit (both builds, and under valgrind), the static binary cross-built for
# aarch64, armhf and big-endian mips with its unit and cli tests under
# qemu-user, cli, network (namespaces), tshark decoding, interop with
# linuxptp and ptpd.  Installs what it needs as root.
# Ends with "N passed, N failed" counting suites.
# Usage: test/run-all.sh [--no-install] [--no-build]
cd "$(dirname "$0")/.." || exit 1
install=1
build=1
for a in "$@"; do
	case $a in
	--no-install) install=0 ;;
	--no-build) build=0 ;;
	*) echo "usage: test/run-all.sh [--no-install] [--no-build]" >&2; exit 1 ;;
	esac
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
suite() {
	name=$1; shift
	echo "=== $name"
	start=$(date +%s)
	if "$@"; then
		passed=$((passed + 1))
		echo "=== $name: ok ($(( $(date +%s) - start )) s)"
	else
		failed=$((failed + 1))
		failed_names="$failed_names $name"
		echo "=== $name: FAILED ($(( $(date +%s) - start )) s)"
	fi
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

suite static-binary static_check
suite unit-musl build/unit_tests
suite unit-glibc build-glibc/unit_tests
suite unit-valgrind valgrind_unit
suite cross sh test/cross/run.sh
suite cli sh test/cli/cli.sh
suite cli-glibc env PTPBOX="$PWD/build-glibc/ptpbox" sh test/cli/cli.sh
suite cli-files sh test/cli/files.sh
suite conformance sh test/checks/conformance.sh
suite man sh test/checks/man.sh
suite packaging sh test/checks/packaging.sh
suite cli-ppsmon sh test/cli/ppsmon.sh
suite cli-ppsmon-glibc env PTPBOX="$PWD/build-glibc/ptpbox" sh test/cli/ppsmon.sh
suite sim-ppsmon-live sh test/sim/ppsmon_live.sh
suite cli-todenc sh test/cli/todenc.sh
suite fuzz sh test/fuzz/run.sh -d 20
suite sim sh test/sim/sim.sh
# tests remove what they create: no namespace, root-namespace veth or
# process of theirs is left (zombies have ended; their parent reaps them)
no_leftovers() {
	left=$(ip netns list 2>/dev/null | awk '/^pbt-/ { print $1 }')
	veths=$(ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^pbt[0-9]/ { sub(/@.*/, "", $2); print $2 }')
	procs=$( (pgrep -x ptpbox; pgrep -x loadgen; pgrep -x ptp4l; pgrep -x ptpd; pgrep -x tshark; pgrep -x dumpcap; pgrep -f test/tools/ptypair.py) |
		while read -r p; do grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null || echo "$p"; done)
	[ -z "$left$veths$procs" ] && return 0
	echo "left behind: namespaces [$left] veths [$veths] processes [$procs]"
	for p in $procs; do echo "  $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
	return 1
}
# a network suite passes only if it also left nothing behind, so that a
# leak is charged to the suite that made it; it holds the lock other
# network tests and benchmarks take (flock /tmp/ptpbox-net.lock), so a
# run beside them waits instead of counting their namespaces as its own
net_suite() {
	(
		flock 9 || exit 1
		sh "$@"
		rc=$?
		no_leftovers || rc=1
		exit $rc
	) 9>/tmp/ptpbox-net.lock
}

suite unit-asan build-asan/unit_tests
suite sim-asan env PTPSIM="$PWD/build-asan/ptpsim" sh test/sim/sim.sh
suite net-gm-oc-converge net_suite test/net/gm_oc_converge.sh
suite net-gm-oc-variants net_suite test/net/gm_oc_variants.sh
suite net-failover net_suite test/net/failover.sh
suite net-g8265-select net_suite test/net/g8265_select.sh
suite net-ptsf-loss-sync net_suite test/net/ptsf_loss_sync.sh
suite net-tshark-decode net_suite test/net/tshark_decode.sh
suite net-mgmt net_suite test/net/mgmt.sh
suite net-wait-sync net_suite test/net/wait_sync.sh
suite cli-initramfs net_suite test/cli/initramfs.sh
suite net-gm-tod net_suite test/net/gm_tod.sh
suite net-hwts-twin net_suite test/net/hwts_twin.sh
suite net-gm-phc-pps net_suite test/net/gm_phc_pps.sh
suite net-hostile net_suite test/net/hostile.sh
suite net-auth net_suite test/net/auth.sh
suite net-loadgen-smoke net_suite test/net/loadgen_smoke.sh
suite net-tc-bridge net_suite test/net/tc_bridge.sh
suite net-tc-hwts-twin net_suite test/net/tc_hwts_twin.sh
suite interop-ptp4l-master-oc net_suite test/interop/ptp4l_master_oc.sh
suite interop-gm-ptp4l-slave net_suite test/interop/gm_ptp4l_slave.sh
suite interop-ptp4l-failover net_suite test/interop/ptp4l_failover.sh
suite interop-pmc-ptp4l net_suite test/interop/pmc_ptp4l.sh
suite interop-ptp4l-through-tc net_suite test/interop/ptp4l_through_tc.sh
suite interop-ptp4l-hwts-twin net_suite test/interop/ptp4l_hwts_twin.sh
suite interop-ptpd net_suite test/interop/ptpd.sh
# the applets built with ASan+UBSan (make asan) through two network tests:
# any error aborts the process and fails the test
asan_suite() { (PTPBOX="$PWD/build-asan/ptpbox" && export PTPBOX && net_suite "$@"); }
suite net-gm-oc-variants-asan asan_suite test/net/gm_oc_variants.sh
suite net-mgmt-asan asan_suite test/net/mgmt.sh
suite net-auth-asan asan_suite test/net/auth.sh
suite no-leftovers no_leftovers

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
