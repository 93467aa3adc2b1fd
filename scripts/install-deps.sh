#!/bin/sh
# Install what building and testing ptpbox needs on Debian/Ubuntu (as root).
# Usage: scripts/install-deps.sh [build|test]   (default: test, a superset)
set -e
what=${1:-test}
command -v dpkg-query >/dev/null 2>&1 || exit 0 # not Debian: trust the user

missing_of() {
	m=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || m="$m $p"
	done
	echo "$m"
}

updated=0
install() {
	[ -z "$1" ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "install-deps: missing$1 (run as root on Debian/Ubuntu)" >&2
		exit 1
	fi
	echo "install-deps: installing$1"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture: answer no, no prompt
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections 2>/dev/null || true
	[ $updated = 1 ] || { apt-get update -qq; updated=1; }
	apt-get install -y -qq --no-install-recommends $1 >/dev/null
}

pkgs="make gcc libc6-dev musl-tools uthash-dev linux-libc-dev"
# ptpd (an interop peer): its package leaves the daemon off (START_DAEMON=no)
# mandoc: test/checks/man.sh lints the manual pages
[ "$what" = test ] && pkgs="$pkgs iproute2 nftables linuxptp ptpd tshark strace valgrind procps python3 clang file mandoc"
install "$(missing_of $pkgs)"
if [ "$what" = test ]; then
	# libFuzzer and the sanitizer runtimes: clang's runtime package
	v=$(clang -dumpversion | cut -d. -f1)
	install "$(missing_of "libclang-rt-$v-dev")"
fi
exit 0
