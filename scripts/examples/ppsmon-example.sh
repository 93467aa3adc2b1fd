#!/bin/sh
# The example in docs/monitoring.md: one day of 1PPS time error from a model of a
# GNSS-locked PRTC (8 ns constant TE, white phase noise, a 5 ns diurnal-ish
# wander with a 3 h period), checked against PRTC-A, PRTC-B and ePRTC.
# Deterministic (Park-Miller generator in awk), so any awk gives the same
# data.  Usage: scripts/examples/ppsmon-example.sh [OUT.svg]
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPBOX=${PTPBOX:-$top/build/ptpbox}
out=${1:-$top/test/data/ppsmon-example.svg}
awk 'BEGIN {
	s = 42
	for (i = 0; i < 86400; i++) {
		u = 0
		for (k = 0; k < 3; k++) { s = (s * 16807) % 2147483647; u += s / 2147483647 - 0.5 }
		printf "%.3f\n", 8 + 4 * u + 5 * sin(2 * 3.14159265358979 * i / 10800)
	}
}' | "$PTPBOX" ppsmon --input - --mask prtc-a,prtc-b,eprtc --svg "$out"
