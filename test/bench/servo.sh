#!/bin/sh
# Benchmark (prints figures, no pass/fail): the clock servos (clock_servo pi,
# linreg, envelope) side by side.
#  - ptpsim (build/ptpsim), seeds 1 2 3, in three worlds: ref-hw (hardware
#    stamps), ref-hw in software mode (time_stamping software, so pi takes
#    ptp4l's software gains, with stamps as exact as hardware ones) and
#    ref-sw (a host's noisy software stamps), at 1 and 8 Sync and
#    Delay_Req a second (logSyncInterval = logMinDelayReqInterval = 0, -3):
#    steady-state rms TE per seed, max |TE| over the seeds, time to lock
#    (the sim time of the oc's first s2 servo line) and converged_s per seed
#  - CPU per sample: test/bench/servo_cpu.c, built here against
#    build/libptpbox.a, each servo in a synthetic world at 1 s and 1/8 s;
#    and its instructions per sample where perf stat counts instructions:u
# Usage: test/bench/servo.sh [SAMPLES]   (servo_cpu samples, 200000)
#        test/bench/servo.sh --matrix [servo_matrix.py options]: the world
#        matrix of issue 25 instead (test/bench/servo_matrix.py, a markdown
#        table; docs/servo-matrix.md)
# (SEEDS="1 2 3" and CC=cc from the environment; after make && make sim)
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$1" = --matrix ]; then
	shift
	[ -x "$top/build/ptpsim" ] || make -s -C "$top" sim >/dev/null || exit 1
	exec python3 "$top/test/bench/servo_matrix.py" "$@"
fi
PTPSIM=${PTPSIM:-$top/build/ptpsim}
LIB=$top/build/libptpbox.a
S=$top/test/sim/scenarios
CC=${CC:-cc}
samples=${1:-200000}
seeds=${SEEDS:-1 2 3}
d=$(mktemp -d /tmp/ptpbox-bench.XXXXXX)
trap 'rm -rf "$d"' EXIT

now() {
	python3 -c 'import time; print("%.3f" % time.monotonic())'
}
t_start=$(now)
if [ ! -f "$LIB" ]; then
	make -s -C "$top" >/dev/null || exit 1
fi
if [ ! -x "$PTPSIM" ]; then
	make -s -C "$top" sim >/dev/null || exit 1
fi
"$CC" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -o "$d/servo_cpu" "$top/test/bench/servo_cpu.c" "$LIB" -lm ||
	{ echo "servo.sh: cannot build servo_cpu with $CC" >&2; exit 1; }

# ---- CPU per sample: nothing else of ours runs meanwhile ----
t0=$(now)
"$d/servo_cpu" "$samples" >"$d/cpu" || exit 1
t_cpu=$(now)

# ---- ptpsim runs, one after the other ----
# sim OUT SERVO WORLD LOGSYNC SEED: keeps the oc's first s2 (or s3) servo
# line and the JSON object
sim() {
	out=$1 world=$3
	set -- --seed "$5" --set "clock_servo=$2" --set "logSyncInterval=$4" \
		--set "logMinDelayReqInterval=$4" --log --log-level 6 --json
	case $world in
	ref-hw) "$PTPSIM" "$S/ref-hw.sim" "$@" ;;
	ref-hw-swmode) "$PTPSIM" "$S/ref-hw.sim" --set time_stamping=software "$@" ;;
	ref-sw) "$PTPSIM" "$S/ref-sw.sim" "$@" ;;
	esac | awk '!l && $2 == "oc:" && $3 == "master" && $4 == "offset" &&
		($6 == "s2" || $6 == "s3") { print; l = 1 } /^\{/ { print }' >"$out"
}

# row SERVO WORLD LOGSYNC FILE...: one line of the table
row() {
	python3 - "$d/cpu" "$@" <<'PY'
import json, sys
cpu_file, servo, world, ls = sys.argv[1:5]
interval = 2.0 ** int(ls)
cpu = "-"
for line in open(cpu_file):
    f = line.split()
    if f[0] == servo and abs(float(f[1]) - interval) < 1e-9:
        cpu = "%.0f" % float(f[2])
def ns(v):
    return "%.0f" % v if abs(v) >= 100 else "%.1f" % v
rms, mx, lock, conv = [], 0.0, [], []
for fn in sys.argv[5:]:
    j, t = None, None
    for line in open(fn):
        if line.startswith("{"):
            j = json.loads(line)
        else:
            t = float(line.split()[0])
    if j is None:
        rms.append("?"); lock.append("?"); conv.append("?")
        continue
    o = j["nodes"]["oc"]
    rms.append(ns(o["rms_te_ns"]))
    mx = max(mx, o["max_abs_te_ns"])
    lock.append("-" if t is None else "%.2f" % t)
    conv.append("-" if o["converged_s"] is None else "%d" % o["converged_s"])
print("%-9s %-14s %3s  %-20s %8s  %-17s %-14s %6s"
      % (servo, world, ls, "/".join(rms), ns(mx), "/".join(lock), "/".join(conv), cpu))
PY
}

echo "servo benchmark: ptpsim seeds $seeds, $(uname -m), $(nproc) cores"
echo "  rms TE: oc's steady state (from 500 s of 2000) per seed, ns; max|TE|: over the seeds, ns"
echo "  lock: sim time of the oc's first s2 servo line per seed, s; conv: converged_s per seed, s"
echo "  (|TE| below 2500 ns, ref-sw 250 us, to the end); cpu: ns of CPU per sample (servo_delay +"
echo "  servo_sample) in servo_cpu.c's synthetic world at the same interval, the same for all worlds"
printf '%-9s %-14s %3s  %-20s %8s  %-17s %-14s %6s\n' servo world log "rms TE (ns)" "max|TE|" \
	"lock (s)" "conv (s)" "cpu ns"
for servo in pi linreg envelope; do
	for world in ref-hw ref-hw-swmode ref-sw; do
		for ls in 0 -3; do
			files=
			for seed in $seeds; do
				f=$d/$servo.$world.$ls.$seed
				sim "$f" "$servo" "$world" "$ls" "$seed"
				files="$files $f"
			done
			# shellcheck disable=SC2086 # files: a list of temp names without blanks
			row "$servo" "$world" "$ls" $files
		done
	done
done
t_sim=$(now)

echo "CPU per sample (servo_cpu.c: clock 1e5 ns and 1000 ppb off, 1000 ns + 200 ns x Exp(1) each way,"
echo "  one servo_delay and one servo_sample per interval, $samples samples after a warm-up):"
awk '{ printf "  %-9s T %5g s: %7.1f ns/sample (loop %.1f, world alone %.1f), rms TE %.1f ns\n",
	$1, $2, $3, $4, $5, $6 }' "$d/cpu"
# instructions per sample, where perf counts them (not in a VM without
# hardware counters): each servo alone at N and 2N samples, less the world
# alone at the same, over N
ins() {
	perf stat -x, -e instructions:u "$d/servo_cpu" "$@" 2>&1 >/dev/null |
		awk -F, '$3 ~ /^instructions/ && $1 ~ /^[0-9]+$/ { print $1 }'
}
if command -v perf >/dev/null 2>&1 && [ -n "$(ins 1000 none 1)" ]; then
	n=$((samples / 2))
	echo "instructions per sample (perf stat -e instructions:u; servo_delay + servo_sample):"
	for T in 1 0.125; do
		w=$(($(ins $((2 * n)) none $T) - $(ins $n none $T)))
		for servo in pi linreg envelope; do
			i=$(($(ins $((2 * n)) $servo $T) - $(ins $n $servo $T) - w))
			printf '  %-9s T %5g s: %d\n' "$servo" "$T" $((i / n))
		done
	done
else
	echo "instructions per sample: perf stat -e instructions:u counts nothing here (no perf, or no"
	echo "  hardware counters); valgrind --tool=callgrind on servo_cpu SAMPLES SERVO INTERVAL_S counts them"
fi
python3 -c 'import sys; a = [float(v) for v in sys.argv[1:]]
print("wall time: %.1f s (build %.1f s, servo_cpu %.1f s, ptpsim runs and table %.1f s)"
      % (a[4] - a[0], a[1] - a[0], a[2] - a[1], a[3] - a[2]))' "$t_start" "$t0" "$t_cpu" "$t_sim" "$(now)"
