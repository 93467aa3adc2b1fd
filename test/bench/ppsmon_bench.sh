#!/bin/sh
# Benchmark (prints figures, no pass/fail): ppsmon on one million recorded
# samples with the default decade taus (MTIE to N tau0, TDEV to N tau0/3),
# wall time and peak resident memory; a second run with one tau shows how
# much of it is reading the file.
# Usage: test/bench/ppsmon_bench.sh [N]
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPBOX=${PTPBOX:-$top/build/ptpbox}
n=${1:-1000000}
d=$(mktemp -d /tmp/ptpbox-bench.XXXXXX)
trap 'rm -rf "$d"' EXIT
# white phase noise, a slow sine and a ramp (deterministic)
awk -v n="$n" 'BEGIN { srand(1); for (i = 0; i < n; i++)
	printf "%.3f\n", 20 + 5 * (rand() - 0.5) + 8 * sin(i / 5000) + i * 1e-5 }' >"$d/te"
run() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
lines = r.stdout.decode().count("\n")
print("  wall %.2f s, cpu %.2f s, peak RSS %.1f MiB, exit %d, %d output lines"
      % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, r.returncode, lines))
PY
}
echo "ppsmon benchmark: $n samples ($(stat -c %s "$d/te") bytes), $(nproc) cores, $(uname -m)"
echo "decade taus, MTIE and TDEV, masks prtc-a and eprtc:"
run "$PTPBOX" ppsmon --input "$d/te" --mask prtc-a,eprtc
echo "one tau (reading and summary only):"
run "$PTPBOX" ppsmon --input "$d/te" --tau 1
"$PTPBOX" ppsmon --input "$d/te" --json | python3 -c "
import json, sys
j = json.load(sys.stdin)
print('  %d MTIE taus (%g..%g s), %d TDEV taus (%g..%g s)' % (len(j['mtie']), j['mtie'][0]['tau_s'],
      j['mtie'][-1]['tau_s'], len(j['tdev']), j['tdev'][0]['tau_s'], j['tdev'][-1]['tau_s']))"
