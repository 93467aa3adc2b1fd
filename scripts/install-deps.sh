#!/bin/sh
# Install what building and testing ptpbox needs on Debian/Ubuntu (as root).
# Usage: scripts/install-deps.sh [build|test]   (default: test, a superset)
set -e
what=${1:-test}
pkgs="make gcc musl-tools uthash-dev linux-libc-dev"
[ "$what" = test ] && pkgs="$pkgs iproute2 linuxptp tshark strace valgrind procps"
command -v dpkg-query >/dev/null 2>&1 || exit 0 # not Debian: trust the user
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing$missing (run as root on Debian/Ubuntu)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer no, without a prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
