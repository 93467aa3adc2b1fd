#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The static binary cross-built for the CPUs of small Linux images and
# tested there under qemu-user: aarch64 and armhf (32-bit, 64-bit time_t)
# with Debian's musl, big-endian mips with the cross toolchain's static
# glibc (32-bit time_t).  For each target: make cross-TARGET (build-TARGET/
# ptpbox and unit_tests), the binary's size, the unit tests run by
# qemu-ARCH-static, then the cli suites (test/cli/cli.sh, ppsmon.sh,
# todenc.sh) with PTPBOX set to the target's binary.
#
# How the suites run a foreign binary: cli.sh also runs links named after
# applets (argv[0] dispatch), among them the links `ptpbox --install` makes,
# which point at the binary itself.  Where the kernel gives a user namespace
# its own binfmt_misc (Linux >= 6.7), each suite runs in a new user and
# mount namespace whose binfmt_misc has the qemu-user-static entry
# registered (the package's own /usr/lib/binfmt.d line): the binary and
# every link to it run as if native, and the host's binfmt_misc is left
# alone.  Elsewhere PTPBOX is a wrapper that execs qemu with `-0 "$0"`, so a
# link to the wrapper still dispatches by its name, and the checks that run
# the --install links are skipped with the reason.  Either way the checks
# that open a clock's PTP sockets are skipped: qemu-user (7.2) has no
# SO_TIMESTAMPING (setsockopt says ENOPROTOOPT), so nothing that sends or
# receives PTP runs under it.
#
# Ends with "N passed, N failed" counting builds and suite runs.
# Usage: test/cross/run.sh [TARGET...]   (aarch64 armhf mips; default all)
# JOBS=N: make -jN (default 2).  CROSS_NO_BINFMT=1: the wrapper, always.
cd "$(dirname "$0")/../.." || exit 1
top=$PWD

# Inside the namespace: binfmt_misc of our own, the target's entry, then the
# suite.  Not for direct use.
if [ "$1" = --in-binfmt-ns ]; then
	conf=$2
	shift 2
	mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 125
	cat "$conf" >/proc/sys/fs/binfmt_misc/register || exit 125
	exec "$@"
fi

targets=${*:-aarch64 armhf mips}
jobs=${JOBS:-2}
passed=0
failed=0
failed_names=""
summary=""
tmp=$(mktemp -d /tmp/ptpbox-cross.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); echo "--- $1: ok"; }
fail() { failed=$((failed + 1)); failed_names="$failed_names $1"; echo "--- $1: FAILED${2:+ ($2)}"; }
# the last "N passed, N failed..." line of a suite's output
result() { grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 | sed 's/^[a-z-]*: //'; }

for t in $targets; do
	case $t in
	aarch64) triplet=aarch64-linux-gnu qemu=aarch64 libc=musl ;;
	armhf) triplet=arm-linux-gnueabihf qemu=arm libc=musl ;;
	mips) triplet=mips-linux-gnu qemu=mips libc="glibc" ;;
	*) fail "$t" "unknown target: aarch64, armhf or mips"; continue ;;
	esac
	bin=$top/build-$t/ptpbox
	echo "=== $t ($triplet, $libc, static)"
	start=$(date +%s)
	if ! make -s -j"$jobs" "cross-$t" >"$tmp/build" 2>&1; then
		cat "$tmp/build"
		fail "$t-build"
		summary="$summary
$t: build failed"
		continue
	fi
	cat "$tmp/build" # warnings, if any
	# static: no program interpreter
	if "$triplet-readelf" -l "$bin" | grep -q INTERP; then
		fail "$t-build" "$bin is not statically linked"
		continue
	fi
	bytes=$(wc -c <"$bin")
	"$triplet-size" "$bin" "$top/build-$t/unit_tests"
	echo "$t: build-$t/ptpbox $bytes bytes ($(( $(date +%s) - start )) s to build)"
	# the budget of the project's second size target (x86-64: run-all's
	# static-binary suite): 320 KiB with every applet
	if [ "$t" = aarch64 ] && [ "$bytes" -gt 327680 ]; then
		fail "$t-build" "build-$t/ptpbox: $bytes bytes, over the budget of 320 KiB (327680)"
		continue
	fi
	pass "$t-build"
	qemu_bin=$(command -v "qemu-$qemu-static") || {
		fail "$t-qemu" "qemu-$qemu-static not found: apt-get install qemu-user-static"
		continue
	}

	start=$(date +%s)
	"$qemu_bin" "$top/build-$t/unit_tests" >"$tmp/unit" 2>&1
	rc=$?
	grep -v '^ok ' "$tmp/unit"
	unit=$(result "$tmp/unit")
	echo "$t: unit tests under qemu-$qemu-static: ${unit:-no result} ($(( $(date +%s) - start )) s)"
	[ $rc -eq 0 ] && [ -n "$unit" ] && pass "$t-unit" || fail "$t-unit" "exit $rc"

	# how the cli suites reach the binary (see the top of this file)
	conf=/usr/lib/binfmt.d/qemu-$qemu.conf
	mode=wrapper
	if [ -z "$CROSS_NO_BINFMT" ] && [ -f "$conf" ] && command -v unshare >/dev/null &&
		unshare --user --map-root-user --mount sh "$0" --in-binfmt-ns "$conf" \
			"$bin" --version >/dev/null 2>&1; then
		mode=binfmt
	fi
	sockets="qemu-user has no SO_TIMESTAMPING for the PTP sockets"
	if [ $mode = binfmt ]; then
		echo "$t: cli suites run the binary through a binfmt_misc entry in their own user namespace"
		run() { PTPBOX=$bin PTPBOX_SKIP_SOCKETS=$sockets \
			unshare --user --map-root-user --mount sh "$0" --in-binfmt-ns "$conf" "$@"; }
	else
		echo "$t: cli suites run the binary through a wrapper (qemu -0 argv0):" \
			"${CROSS_NO_BINFMT:+CROSS_NO_BINFMT set}${CROSS_NO_BINFMT:-no binfmt_misc of our own here (Linux >= 6.7 and unshare needed)}"
		mkdir -p "$tmp/$t"
		printf '#!/bin/sh\nexec "%s" -0 "$0" "%s" "$@"\n' "$qemu_bin" "$bin" >"$tmp/$t/ptpbox"
		chmod +x "$tmp/$t/ptpbox"
		run() { PTPBOX=$tmp/$t/ptpbox PTPBOX_SKIP_SOCKETS=$sockets \
			PTPBOX_SKIP_LINKS="the links point at the $t binary: no binfmt_misc to run it" "$@"; }
	fi
	line="$t: $bytes bytes; unit ${unit:-failed}"
	for s in cli ppsmon todenc; do
		start=$(date +%s)
		run sh "test/cli/$s.sh" >"$tmp/out" 2>&1
		rc=$?
		grep -E '^(FAIL|SKIP)' "$tmp/out"
		r=$(result "$tmp/out")
		echo "$t: $s: ${r:-no result} ($(( $(date +%s) - start )) s)"
		if [ $rc -eq 0 ] && [ -n "$r" ]; then
			pass "$t-$s"
		else
			tail -n 20 "$tmp/out"
			fail "$t-$s" "exit $rc"
		fi
		line="$line; $s ${r:-failed}"
	done
	summary="$summary
$line"
done

echo "=== cross summary$summary"
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
