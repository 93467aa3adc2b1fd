#!/bin/sh
# Install what building and testing ptpbox needs on Debian/Ubuntu (as root).
# Usage: scripts/install-deps.sh [build|cross|test]   (default: test, a superset)
#   cross: build, and make cross with its qemu-user tests (test/cross/run.sh)
set -e
what=${1:-test}
BUSYBOX_STATIC=/usr/local/lib/ptpbox-test/busybox-static # test/cli/initramfs.sh
command -v dpkg-query >/dev/null 2>&1 || exit 0 # not Debian: trust the user

missing_of() {
	m=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || m="$m $p"
	done
	echo "$m"
}

# apt-get ARGS, waiting for another apt or dpkg (a machine just booted runs
# its own updates): the locks are retried for up to APT_LOCK_WAIT seconds
# (600), saying so, before giving up
apt_locked() {
	_w=0
	while :; do
		_out=$(apt-get -o DPkg::Lock::Timeout=10 "$@" 2>&1) && { [ -n "$_out" ] && echo "$_out"; return 0; }
		if ! echo "$_out" | grep -q "Could not get lock\|Unable to lock\|is held by process"; then
			echo "$_out" >&2
			return 1
		fi
		[ $_w -ge "${APT_LOCK_WAIT:-600}" ] && { echo "$_out" >&2
			echo "install-deps: another apt or dpkg held its lock for ${_w} s: giving up" >&2
			return 1; }
		[ $_w = 0 ] && echo "install-deps: another apt or dpkg holds its lock; waiting (at most ${APT_LOCK_WAIT:-600} s)" >&2
		sleep 10
		_w=$((_w + 20))
	done
}

updated=0
install() {
	[ -z "$1" ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "install-deps: missing$1 (run as root on Debian/Ubuntu)" >&2
		exit 1
	fi
	echo "install-deps: installing$1 (apt-get, as root)"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture: answer no, no prompt
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections 2>/dev/null || true
	# a package of another architecture (musl-dev:arm64): dpkg must know
	# that architecture, and apt needs its package lists
	for a in $(echo "$1" | tr ' ' '\n' | sed -n 's/^[^:]*:\(.*\)$/\1/p' | sort -u); do
		[ "$a" = "$(dpkg --print-architecture)" ] && continue
		dpkg --print-foreign-architectures | grep -qx "$a" && continue
		echo "install-deps: adding the dpkg architecture $a (for$(echo "$1" | tr ' ' '\n' | grep ":$a\$" | tr '\n' ' ' | sed 's/^/ /'))"
		dpkg --add-architecture "$a"
		updated=0
	done
	# one list that fails to download (a mirror in sync) leaves the others
	# usable: the install says whether what we need is there
	[ $updated = 1 ] || { apt_locked update -qq ||
		echo "install-deps: apt-get update reported errors; installing from the lists it has" >&2
		updated=1; }
	apt_locked install -y -qq --no-install-recommends $1 >/dev/null
}

pkgs="make gcc libc6-dev musl-tools uthash-dev linux-libc-dev"
# make cross: Debian's musl for arm64 and armhf (its musl-dev packages
# carry the aarch64-linux-musl-gcc / arm-linux-musleabihf-gcc wrappers over
# the gcc cross compilers), the mips cross compiler with its static glibc
# (Debian has no big-endian mips musl), the kernel headers of each target
# (linux-libc-dev-*-cross, with libc6-dev-*-cross), qemu-user-static
[ "$what" = build ] || pkgs="$pkgs gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-mips-linux-gnu
	libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-mips-cross musl-dev:arm64 musl-dev:armhf
	qemu-user-static"
# ptpd (an interop peer): its package leaves the daemon off (START_DAEMON=no)
# mandoc: test/checks/man.sh lints the manual pages
# test/checks/packaging.sh: shellcheck (init scripts), busybox (OpenWrt's
# shell), systemd (systemd-analyze), rsync and python3-kconfiglib (the
# package build doubles)
[ "$what" = test ] && pkgs="$pkgs iproute2 nftables linuxptp ptpd tshark strace valgrind procps python3 clang file mandoc
	shellcheck busybox systemd rsync python3-kconfiglib"
install "$(missing_of $pkgs)"
if [ "$what" = test ]; then
	# libFuzzer and the sanitizer runtimes: clang's runtime package
	v=$(clang -dumpversion | cut -d. -f1)
	install "$(missing_of "libclang-rt-$v-dev")"
	# test/cli/initramfs.sh: a static busybox for its chroot.  The package
	# busybox-static conflicts with busybox (packaging.sh's, whose shell
	# must not prefer its own applets to the stubs in PATH, as the static
	# one does): unpacked to BUSYBOX_STATIC, not installed
	if [ ! -x "$BUSYBOX_STATIC" ]; then
		echo "install-deps: unpacking busybox-static to $BUSYBOX_STATIC (a file, not installed)"
		t=$(mktemp -d)
		(cd "$t" && apt-get download -qq busybox-static >/dev/null 2>&1 &&
			dpkg-deb -x busybox-static_*.deb x && mkdir -p "$(dirname "$BUSYBOX_STATIC")" &&
			cp x/bin/busybox "$BUSYBOX_STATIC" && chmod 0755 "$BUSYBOX_STATIC") ||
			echo "install-deps: no busybox-static: test/cli/initramfs.sh will fail" >&2
		rm -rf "$t"
	fi
fi
exit 0
