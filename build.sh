#!/bin/sh
# Build build/ptpbox (static, musl, stripped).  Installs the build
# dependencies it lacks (scripts/install-deps.sh) when run as root.
# Usage: ./build.sh [make arguments...]
set -e
cd "$(dirname "$0")"
sh scripts/install-deps.sh build
make -j"$(nproc 2>/dev/null || echo 2)" "$@"
