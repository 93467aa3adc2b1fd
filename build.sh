#!/bin/sh
# Build build/ptpbox (static, musl, stripped).  Installs the build
# dependencies it lacks (scripts/install-deps.sh) when run as root.
# Usage: ./build.sh [make arguments...]
#   ./build.sh cross   also build-aarch64/, build-armhf/, build-mips/ (ptpbox
#                      and unit_tests, static; one target: cross-aarch64 ...)
set -e
cd "$(dirname "$0")"
deps=build
for a in "$@"; do
	case $a in cross | cross-*) deps=cross ;; esac
done
sh scripts/install-deps.sh $deps
make -j"$(nproc 2>/dev/null || echo 2)" "$@"
