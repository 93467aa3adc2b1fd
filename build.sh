#!/bin/sh
# Build build/ptpbox (static, musl, stripped).  Installs the build
# dependencies it lacks when run as root on Debian/Ubuntu.
# Usage: ./build.sh [make arguments...]
set -e
cd "$(dirname "$0")"
need=""
command -v musl-gcc >/dev/null 2>&1 || need="$need musl-tools"
[ -f /usr/include/uthash.h ] || need="$need uthash-dev"
command -v make >/dev/null 2>&1 || need="$need make"
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "build.sh: installing$need"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
	else
		echo "build.sh: missing$need (install them, or run as root)" >&2
		exit 1
	fi
fi
make -j"$(nproc 2>/dev/null || echo 2)" "$@"
