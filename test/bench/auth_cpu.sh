#!/bin/sh
# Benchmark (prints figures, no pass/fail): CPU ns per ICV of the message
# authentication primitives (core/crypto.c) -- HMAC-SHA256 truncated to 16
# octets, CMAC-AES128, CMAC-AES256 -- over 44- and 64-octet messages: the
# MAC alone (compute), the MAC and crypto_memeq against a received ICV
# (verify), and the key's precomputation (key setup).  test/bench/auth_cpu.c
# linked against the library of build B (default build: the static musl
# build, crypto.o at -Os as shipped; B=build-glibc: gcc -O2, after
# make CC=gcc STATIC=0 B=build-glibc).
# Usage: test/bench/auth_cpu.sh [ITERS]   (default 1000000; B=DIR from the
# environment)
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
iters=${1:-1000000}
case $B in
build) make -s -C "$top" build/auth_cpu >/dev/null || exit 1 ;;
*) make -s -C "$top" CC=gcc STATIC=0 B="$B" "$B/auth_cpu" >/dev/null || exit 1 ;;
esac
echo "auth_cpu: $B ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
	"$(uname -m)), $iters iterations, least of 3 runs, CPU ns per call"
"$top/$B/auth_cpu" "$iters"
