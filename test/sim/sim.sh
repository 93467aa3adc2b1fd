#!/bin/sh
# The engines in simulated time (build/ptpsim, test/sim/scenarios/): checks
# against the simulator's truth, with fixed seeds.
#  - ref-hw / ref-hw in software mode / ref-sw at 1 and 8 Sync/s, seeds 1..3: converge, steady rms and
#    max |TE| within bounds (measured with modest margin; figures printed)
#  - failover: |TE| <= 1400 ns (OCP) at every second and every engine event
#    through and after the switch from gm1 to gm2
#  - holdover: the drift over 1000 s is what the held frequency error and
#    the oscillator model (random walk, temperature) allow; holdover-drift:
#    a frequency ramp followed from the servo's drift estimate
#  - g8265-selection: who is selected when, to the Sync interval
#  - transparent clocks (ocp-model1: gm - 5 TCs - oc; ocp-model1-switch:
#    the same with plain switches; failover-tc): the oc's true |TE| per
#    tc_egress and gm step mode, each TC's residence and write-ahead error
#    against the simulator's truth
#  - authentication (auth-chain, auth-chain-mutable): gm - 2 TCs - oc with
#    every message signed, TCs holding the keys or not: the oc's true |TE|
#    is the same as without, and TCs without the keys under allow_mutable 0
#    keep the oc from locking
#  - hostile: forged CANCEL, grant squatting (CANCEL + REQUEST as another
#    port), forged Announces (another portNumber; currentUtcOffset 0: one,
#    a burst, a stream), a CANCEL and ACKNOWLEDGE_CANCELs at the oc, a
#    REQUEST in the oc's name: the oc stays on its gm, never more than 3 s
#    without a servo sample, its true |TE| within 250 ns, never stepped
#    after the first step; what was refused is counted
#  - cells of the servo world matrix (test/bench/servo_matrix.py): rw10 at 1
#    and 8 Sync/s, sin100/600 and gamma8: the envelope servo against linreg
#    (rms, max|TE|, steps, lock) and what it believes (wander, delay shape)
#  - determinism: the same seed gives the same output, another seed not
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPSIM=${PTPSIM:-$top/build/ptpsim}
S=$top/test/sim/scenarios
. "$top/test/checks.sh"
d=$(mktemp -d /tmp/ptpbox-sim.XXXXXX)
trap 'rm -rf "$d"' EXIT
if [ ! -x "$PTPSIM" ]; then
	make -s -C "$top" sim >/dev/null || { echo "FAIL: make sim"; exit 1; }
fi

# py FILE EXPR...: python over the JSON object j of FILE, with helpers
py() {
	f=$1; shift
	python3 - "$f" "$@" <<'PY'
import json, math, sys
j = json.load(open(sys.argv[1]))
def at(node, t):
    """master selected by node at time t (s)"""
    m = "none"
    for s in j["nodes"][node]["selections"]:
        if s["t"] <= t:
            m = s["master"]
    return m
def switch(node, master, t0, t1):
    """time of the first selection of master in (t0, t1], else None"""
    for s in j["nodes"][node]["selections"]:
        if t0 < s["t"] <= t1 and s["master"] == master:
            return s["t"]
    return None
def changes(node, t0, t1):
    return [s for s in j["nodes"][node]["selections"] if t0 < s["t"] <= t1]
for e in sys.argv[2:]:
    print(eval(e))
PY
}

# ---- the simulator's truth: ideal stamps and links ----
# no delay variation, exact stamps: TE within 2 ns (the clock reads whole
# ns, and a Sync lost (5 %) makes the oc hold the servo's mean adjustment for
# a moment, which lags by a few ppb in the first minutes); 400 ns more delay from oc to gm than back, as a fixed delay, a
# uniform 400..400 or a trace of 400s: the oc sits exactly 200 ns ahead;
# one-step (twoStepFlag 0) the same
ideal() { # NAME TWOSTEP [LINK_KEY=VALUE]: prints min max TE, mean adj, loss ratio
	{
		printf '[global]\nduration 200\nsteady_from 50\n'
		printf '[node gm]\nconfig %s/ref-gm.cfg\naddress 127.1.0.1\nset twoStepFlag %s\n' "$S" "$2"
		printf 'hw_quant_ns 0\nhw_jitter_ns 0\n'
		printf '[node oc]\nconfig %s/ref-oc.cfg\naddress 127.1.0.2\n' "$S"
		printf 'offset_ns 5000000\nfreq_ppb 3000\nhw_quant_ns 0\nhw_jitter_ns 0\n'
		printf '[link gm oc]\ndelay_ns 1000\nloss 0.05\n'
		[ -n "$3" ] && echo "$3" | tr '=' ' '
	} >"$d/$1.sim"
	"$PTPSIM" "$d/$1.sim" --set logSyncInterval=-3 --set logMinDelayReqInterval=-3 --json >"$d/j" ||
		return 1
	py "$d/j" "'%.1f %.1f %.1f %.3f' % (j['nodes']['oc']['min_te_ns'], j['nodes']['oc']['max_te_ns'], \
		j['nodes']['oc']['mean_freq_ppb'], j['links']['gm-oc']['fwd']['lost'] / \
		j['links']['gm-oc']['fwd']['sent'])"
}
printf '400\n400\n' >"$d/400.trace"
for v in "ideal 1" "ideal-one-step 0" "asym 1 rev_delay_ns=1400" "asym-one-step 0 rev_delay_ns=1400" \
	"asym-uniform 1 rev_pdv=uniform=400=400" "asym-trace 1 rev_pdv=trace=$d/400.trace"; do
	set -- $v
	name=$1
	case $name in ideal*) lo=0 ;; *) lo=200 ;; esac
	r=$(ideal "$@") || { ko "$name: ptpsim failed"; continue; }
	set -- $r
	awk -v a="$1" -v b="$2" -v l="$lo" 'BEGIN { exit !(a >= l - 2 && b <= l + 2) }' && ok ||
		ko "$name: steady TE $1..$2 ns, expected $((lo - 2))..$((lo + 2))"
	[ "$3" = "-3000.0" ] && ok || ko "$name: mean adjustment $3 ppb for a clock 3000 ppb fast"
	awk -v l="$4" 'BEGIN { exit !(l > 0.03 && l < 0.07) }' && ok || ko "$name: loss $4 for 0.05"
	echo "$name: steady TE $1..$2 ns, adjustment $3 ppb, loss $4"
done

# an oc whose kernel gives 5 % of event messages no receive stamp: each
# such Sync is counted (rx_ts_missing) and dropped, never a sample, so the
# time error stays what the ideal world gives
{
	printf '[global]\nduration 200\nsteady_from 50\n'
	printf '[node gm]\nconfig %s/ref-gm.cfg\naddress 127.1.0.1\nhw_quant_ns 0\nhw_jitter_ns 0\n' "$S"
	printf '[node oc]\nconfig %s/ref-oc.cfg\naddress 127.1.0.2\n' "$S"
	printf 'offset_ns 5000000\nfreq_ppb 3000\nhw_quant_ns 0\nhw_jitter_ns 0\nrx_ts_loss 0.05\n'
	printf '[link gm oc]\ndelay_ns 1000\n'
} >"$d/rxts.sim"
if "$PTPSIM" "$d/rxts.sim" --set logSyncInterval=-3 --set logMinDelayReqInterval=-3 --json >"$d/j"; then
	set -- $(py "$d/j" "'%d %.1f %.1f' % (j['nodes']['oc']['counters']['rx_ts_missing'], \
		j['nodes']['oc']['min_te_ns'], j['nodes']['oc']['max_te_ns'])")
	# 200 s x 8 Syncs: 80 expected, +-3 sigma
	[ "$1" -ge 50 ] && [ "$1" -le 110 ] && ok || ko "rx_ts_loss 0.05: $1 Syncs counted without a stamp of 1600"
	awk -v a="$2" -v b="$3" 'BEGIN { exit !(a >= -2 && b <= 2) }' && ok ||
		ko "rx_ts_loss 0.05: steady TE $2..$3 ns, expected within 2 ns"
	echo "rx-ts-loss 0.05: $1 of 1600 Syncs counted rx_ts_missing, steady TE $2..$3 ns"
else
	ko "rx-ts-loss: ptpsim failed"
fi

# ---- the servo's reference worlds (issue 14) ----
# ref-hw: hardware stamps; ref-hw-swmode: the same stamps with
# time_stamping software (the servo must adapt to the noise it measures,
# not to the mode's name); ref-sw: a host's noisy software stamps, against
# a PI loop with ptp4l's software gains (kp 0.1, ki 0.001) in the same world
# and seeds.  Bounds: rms max converged_s per world and logSyncInterval.
# Measured with the envelope servo (seeds 1..3): ref-hw 0: rms 28.6..32.3,
# max 100..118, converged 4 s; -3: rms 10.0..10.7, max 41..67, 2 s;
# swmode the same; ref-sw 0: rms 371..462 (PI 1166..1598), -3: 251..271
# (PI 687..843).  Targets: 38 / 27 (hw), 38 / 20 (swmode),
# 0.5 x PI (ref-sw); converged no later than with the PI servo (4 s, 2 s).
bounds() {
	case "$1 $2" in
	"ref-hw 0" | "ref-hw-swmode 0") echo "38 250 5" ;;
	"ref-hw -3") echo "27 120 3" ;;
	"ref-hw-swmode -3") echo "20 120 3" ;;
	"ref-sw 0") echo "0.5 4000 5" ;;
	"ref-sw -3") echo "0.5 3000 3" ;;
	esac
}
for world in ref-hw ref-hw-swmode ref-sw; do
	sc=${world%-swmode}
	mode=
	[ "$world" = ref-hw-swmode ] && mode="--set time_stamping=software"
	for l in 0 -3; do
		set -- $(bounds $world $l)
		rms_b=$1 max_b=$2 conv_b=$3
		line="$world logSyncInterval $l:"
		for seed in 1 2 3; do
			# shellcheck disable=SC2086
			"$PTPSIM" "$S/$sc.sim" --seed $seed --set logSyncInterval=$l $mode \
				--set logMinDelayReqInterval=$l --json >"$d/j" 2>"$d/e" ||
				{ ko "$world $l seed $seed: exit $? $(cat "$d/e")"; continue; }
			r=$(py "$d/j" "'%.1f %.1f %.1f %.1f %s' % tuple(j['nodes']['oc'][k] for k in \
				('rms_te_ns', 'max_abs_te_ns', 'peak_abs_te_ns', 'mean_te_ns', 'converged_s'))")
			set -- $r
			line="$line  seed $seed rms $1 max $2 (peak $3) mean $4 conv $5 s;"
			rms=$1 max=$2 conv=$5 bound=$rms_b
			if [ "$sc" = ref-sw ]; then
				"$PTPSIM" "$S/$sc.sim" --seed $seed --set logSyncInterval=$l \
					--set logMinDelayReqInterval=$l --set clock_servo=pi --json \
					>"$d/p" 2>"$d/e" || { ko "$world $l seed $seed pi: $(cat "$d/e")"; continue; }
				pi=$(py "$d/p" "'%.1f' % j['nodes']['oc']['rms_te_ns']")
				bound=$(awk -v p="$pi" -v f="$rms_b" 'BEGIN { printf "%.1f", p * f }')
				line="$line (pi $pi)"
			fi
			[ "$conv" != None ] && [ "$conv" -le "$conv_b" ] && ok ||
				ko "$world $l seed $seed: converged_s $conv (bound $conv_b)"
			awk -v v="$rms" -v b="$bound" 'BEGIN { exit !(v <= b) }' && ok ||
				ko "$world $l seed $seed: rms TE $rms ns > $bound"
			awk -v v="$max" -v b="$max_b" 'BEGIN { exit !(v <= b) }' && ok ||
				ko "$world $l seed $seed: max|TE| $max ns > $max_b"
			[ "$(py "$d/j" "'%s %s' % (j['nodes']['gm']['max_abs_te_ns'], at('oc', 10))")" = "0.0 gm" ] && ok ||
				ko "$world $l seed $seed: gm not the reference or oc not on it"
		done
		echo "$line"
	done
done

# the other servos still work in the reference world (bounds: 1.3 x what
# seeds 1..3 gave: pi 178..189 / 79..82, linreg 74..77 / 54..55)
for sv in "pi 0 250" "pi -3 110" "linreg 0 100" "linreg -3 72"; do
	set -- $sv
	"$PTPSIM" "$S/ref-hw.sim" --seed 1 --set clock_servo=$1 --set logSyncInterval=$2 \
		--set logMinDelayReqInterval=$2 --json >"$d/j" 2>"$d/e" || { ko "$sv: $(cat "$d/e")"; continue; }
	r=$(py "$d/j" "'%.1f' % j['nodes']['oc']['rms_te_ns']")
	echo "ref-hw clock_servo $1 logSyncInterval $2: rms $r ns"
	awk -v v="$r" -v b="$3" 'BEGIN { exit !(v <= b) }' && ok || ko "clock_servo $1 $2: rms $r > $3"
done

# ---- OCP 7.13.2: the gm grants its fastest Sync (8/s) to an oc asking 32/s;
# the oc takes the slower grant and steers at that rate (the bound: ref-hw -3's) ----
for seed in 1 2; do
	"$PTPSIM" "$S/ref-hw.sim" --seed $seed --set logSyncInterval=-5 --set logMinDelayReqInterval=-3 \
		--set min_granted_logSyncInterval=-3 --json >"$d/j" 2>"$d/e" ||
		{ ko "slower grant seed $seed: $(cat "$d/e")"; continue; }
	set -- $(py "$d/j" "j['nodes']['oc']['converged_s']" "j['nodes']['oc']['max_sample_gap_s']" \
		"'%.1f' % j['nodes']['oc']['rms_te_ns']")
	echo "slower grant seed $seed: oc converged at $1 s, sample gap $2 s, rms $3 ns"
	[ "$1" != None ] && [ "$2" = 0.125 ] && awk -v r="$3" 'BEGIN { exit !(r <= 27) }' && ok ||
		ko "slower grant seed $seed: converged $1, gap $2 s (want 0.125), rms $3 ns (limit 27)"
done
# ---- cells of the servo world matrix (issue 25) ----
# The matrix's own worlds (test/bench/servo_matrix.py, docs/servo-matrix.md:
# the reference world with one change), clock_servo envelope at its defaults
# against linreg in the same world and seed, seeds 1..3.  Bounds from seeds
# 1..6 as measured (c481df0), per seed:
#  - rw10 @ 1 Sync/s (the issue's 1.54 x linreg): rms envelope / linreg
#    0.46..0.52 (bound 0.6; the mean over the seeds, 0.49, meets the target
#    0.5), max|TE| ratio 0.47..0.83 (bound 1, the target), the servo's wander
#    estimate at the end (SERVO_STATE_NP) 8.1..11.1 (bound 10 +-30 %)
#  - rw10 @ 8 Sync/s: rms 0.37..0.40 (bound 0.5, the target), max
#    0.39..0.62 (1), wander 7.8..11.9 (7..13)
#  - sin100/600 @ 1 Sync/s (a temperature cycle): rms 0.41..0.46 (0.55), max
#    0.38..0.65 (1)
#  - gamma8 @ 8 Sync/s (a soft floor): the delay's shape 0.56..0.61 and the
#    means estimator chosen (bound: estimator 1, shape 0.45..0.72, the switch
#    point); rms 0.95..1.16 (bound 1.3: a guard only, the target 0.5 is not
#    met yet), max 0.67..0.94 (1)
# In every cell: one clock step (the first), converged no later than linreg.
# SIM_MATRIX=0 (sim-asan): skipped, the precision is this run's business.
if [ "${SIM_MATRIX:-1}" = 0 ]; then
	echo "matrix cells: skipped (SIM_MATRIX=0)"
else
python3 - "$PTPSIM" "$d" "$top/test/bench" <<'PY' >"$d/cells" 2>&1 || ko "matrix cells: $(tail -3 "$d/cells")"
import json, subprocess, sys
ptpsim, tmp = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
import servo_matrix
cells = {c[0]: c for c in servo_matrix.CELLS}
# cell, logSyncInterval, rms ratio bound, wander (lo, hi) or None, shape (lo, hi) and estimator or None
checks = [("rw10", 0, 0.6, (7, 13), None), ("rw10", -3, 0.5, (7, 13), None),
          ("sin100/600", 0, 0.55, None, None), ("gamma8", -3, 1.3, None, (0.45, 0.72, 1))]
def run(path, servo, ls, seed):
    out = subprocess.run([ptpsim, path, "--seed", str(seed), "--set", "clock_servo=" + servo,
                          "--set", "logSyncInterval=%d" % ls, "--set", "logMinDelayReqInterval=%d" % ls,
                          "--json"], stdout=subprocess.PIPE, check=True, text=True).stdout
    return json.loads(out)["nodes"]["oc"]
def check(cond, what):
    print("%s %s" % ("PASS" if cond else "FAIL", what))
for name, ls, rb, wb, sb in checks:
    path = "%s/%s.sim" % (tmp, name.replace("/", "_"))
    with open(path, "w") as f:
        f.write(servo_matrix.scenario(cells[name]))
    line = "matrix %s @ %g Sync/s:" % (name, 2.0 ** -ls)
    for seed in (1, 2, 3):
        e, l = run(path, "envelope", ls, seed), run(path, "linreg", ls, seed)
        sv, tag = e["servo"], "%s @ %g seed %d" % (name, 2.0 ** -ls, seed)
        r, m = e["rms_te_ns"] / l["rms_te_ns"], e["max_abs_te_ns"] / l["max_abs_te_ns"]
        line += " seed %d rms %.1f (linreg %.1f, %.2f) max %.0f (%.0f, %.2f) wander %.2f shape %.2f %s;" % (
            seed, e["rms_te_ns"], l["rms_te_ns"], r, e["max_abs_te_ns"], l["max_abs_te_ns"], m,
            sv["wander_estimate_ppb_sqrt_s"], sv["delay_shape"], "means" if sv["estimator"] else "envelope")
        check(r <= rb, "%s: rms %.1f ns > %.2f x linreg's %.1f" % (tag, e["rms_te_ns"], rb, l["rms_te_ns"]))
        check(m <= 1, "%s: max|TE| %.0f ns > linreg's %.0f" % (tag, e["max_abs_te_ns"], l["max_abs_te_ns"]))
        check(e["clock"]["steps"] == 1, "%s: %d clock steps" % (tag, e["clock"]["steps"]))
        check(e["converged_s"] is not None and l["converged_s"] is not None and
              e["converged_s"] <= l["converged_s"],
              "%s: converged at %s s, linreg at %s s" % (tag, e["converged_s"], l["converged_s"]))
        if wb:
            check(wb[0] <= sv["wander_estimate_ppb_sqrt_s"] <= wb[1], "%s: wander estimate %.2f not in %g..%g" % (
                tag, sv["wander_estimate_ppb_sqrt_s"], wb[0], wb[1]))
        if sb:
            check(sb[0] <= sv["delay_shape"] <= sb[1] and sv["estimator"] == sb[2],
                  "%s: delay shape %.2f (%g..%g), estimator %d (%d)" % (
                  tag, sv["delay_shape"], sb[0], sb[1], sv["estimator"], sb[2]))
    print(line)
PY
while IFS= read -r l; do
	case $l in
	"PASS "*) ok ;;
	"FAIL "*) ko "${l#FAIL }" ;;
	*) echo "$l" ;;
	esac
done <"$d/cells"
fi

# ---- failover: OCP 7.13 switch, budget 1400 ns ----
for seed in 1 2 3; do
	"$PTPSIM" "$S/failover.sim" --seed $seed --json >"$d/j" 2>"$d/e" ||
		{ ko "failover seed $seed: exit $? $(cat "$d/e")"; continue; }
	set -- $(py "$d/j" "j['nodes']['oc']['max_abs_te_ns']" \
		"max(j['nodes']['oc']['windows'][w]['peak_abs_te_ns'] for w in ('switch', 'after'))" \
		"j['nodes']['oc']['windows']['before']['max_abs_te_ns']" \
		"switch('oc', 'gm2', 600, 900)" "at('oc', 599)")
	echo "failover seed $seed: oc max|TE| $1 ns from 300 s (peak through and after the switch $2 ns," \
		"before $3 ns); gm1 -> gm2 at $4 s"
	awk -v v="$1" 'BEGIN { exit !(v <= 1400) }' && ok ||
		ko "failover seed $seed: max|TE| $1 ns > 1400 (OCP GM switch budget)"
	awk -v v="$2" 'BEGIN { exit !(v <= 1400) }' && ok ||
		ko "failover seed $seed: |TE| peak $2 ns > 1400 through or after the switch"
	[ "$5" = gm1 ] && awk -v t="$4" 'BEGIN { exit !(t > 600 && t <= 603.1) }' && ok ||
		ko "failover seed $seed: on $5 before, to gm2 at $4 s (expected 600..603)"
done

# ---- holdover: 1000 s without a master ----
# TE(t) = TE0 + f0 T + integral of the random walk (sigma 0.1 ppb/sqrt(s):
# sd 0.1 T^1.5 / sqrt(3) = 1820 ns) + integral of the temperature term
# beyond its start value (2 ppb, 2000 s, phase 0: computed), with f0 the
# frequency error held from 603 s.  Bound: 4 sd.
for seed in 1 2 3; do
	"$PTPSIM" "$S/holdover.sim" --seed $seed --json >"$d/j" 2>"$d/e" ||
		{ ko "holdover seed $seed: exit $? $(cat "$d/e")"; continue; }
	r=$(py "$d/j" "(lambda w, o: ' '.join('%.1f' % v for v in (
		w['drift_ns'], w['freq_err_start_ppb'],
		w['drift_ns'] - w['freq_err_start_ppb'] * (w['n'] - 1)
		- (-2 * 2000 / (2 * math.pi) * (math.cos(2 * math.pi * w['to_s'] / 2000)
		   - math.cos(2 * math.pi * w['from_s'] / 2000))
		   - 2 * math.sin(2 * math.pi * (w['from_s'] - 0.5) / 2000) * (w['n'] - 1)),
		4 * 0.1 * (w['n'] - 1) ** 1.5 / math.sqrt(3),
		w['max_abs_te_ns'], o['windows']['back']['max_abs_te_ns']))
		+ ' %s' % o['converged_s'])(j['nodes']['oc']['windows']['holdover'], j['nodes']['oc'])")
	set -- $r
	echo "holdover seed $seed: drift $1 ns over 997 s; held frequency error $2 ppb;" \
		"drift beyond it and the temperature term $3 ns (bound $4); max|TE| $5 ns;" \
		"back on the gm: max|TE| $6 ns, converged at $7 s"
	awk -v v="$3" -v b="$4" 'BEGIN { exit !(v <= b && v >= -b) }' && ok ||
		ko "holdover seed $seed: drift $1 ns is not f0 T + oscillator wander ($3 ns beyond, bound $4)"
	# the held frequency is the servo's mean adjustment (core/servo_pi.c),
	# not its last integrator value: seeds 1..3 held 1.1, 1.6, -0.7 ppb
	# (the integrator held 14..116)
	awk -v v="$2" 'BEGIN { exit !(v <= 5 && v >= -5) }' && ok ||
		ko "holdover seed $seed: held frequency error $2 ppb (bound 5)"
	[ "$7" != None ] && [ "$7" -le 1610 ] && awk -v v="$6" 'BEGIN { exit !(v <= 400) }' && ok ||
		ko "holdover seed $seed: after the gm came back: converged $7 s, max|TE| $6 ns"
done

# ---- holdover with a frequency ramp: the servo's drift estimate ----
# 7.9 ppb per 1000 s of ramp: a fixed frequency drifts about 4 us over the
# 1000 s of holdover (checked: servo_wander 1 does not trust the drift),
# following the estimated drift keeps it within 800 ns (seeds 1..3: 206,
# 402, 252 ns; fixed: 4290, 4595, 4409 ns).
drift_te() { # seed servo_wander: max|TE| ns over the holdover window
	"$PTPSIM" "$S/holdover-drift.sim" --seed "$1" --set servo_wander="$2" --json >"$d/j" 2>"$d/e" &&
		py "$d/j" "'%.1f' % j['nodes']['oc']['windows']['holdover']['max_abs_te_ns']"
}
for seed in 1 2 3; do
	te_001=$(drift_te $seed 0.01) && te_1=$(drift_te $seed 1) ||
		{ ko "holdover-drift seed $seed: exit $? $(cat "$d/e")"; continue; }
	echo "holdover-drift seed $seed: max|TE| over 1000 s $te_001 ns following the drift, $te_1 ns on a fixed frequency"
	awk -v v="$te_001" 'BEGIN { exit !(v <= 800) }' && ok ||
		ko "holdover-drift seed $seed: max|TE| $te_001 ns > 800 following the drift"
	awk -v v="$te_1" 'BEGIN { exit !(v >= 3000) }' && ok ||
		ko "holdover-drift seed $seed: a fixed frequency drifted only $te_1 ns (the ramp is gone?)"
done

# ---- g8265-selection: exact switch times ----
"$PTPSIM" "$S/g8265-selection.sim" --json >"$d/j" 2>"$d/e" || ko "g8265-selection: exit $? $(cat "$d/e")"
"$PTPSIM" "$S/g8265-selection.sim" --log --log-level 5 >"$d/log" 2>&1 || ko "g8265-selection --log"
# expect WHAT EXPR: EXPR (python over the JSON) must print True
expect() {
	r=$(py "$d/j" "$2" 2>&1)
	[ "$r" = True ] && ok || ko "g8265-selection: $1 ($r)"
}
expect "1. QL-PRC gm2 beats QL-SSU-B gm1 (priority 1)" "at('oc1', 50) == at('oc2', 50) == 'gm2'"
expect "2. gm1 forced to QL-PRC: both ocs to gm1 (priority) within an Announce interval" \
	"[switch(n, 'gm1', 100, 101) is not None for n in ('oc1', 'oc2')] == [True, True]"
expect "3. PTSF-lossSync: oc1 to gm2 1 s (8 Sync intervals) after the last Sync" \
	"200.9 <= (switch('oc1', 'gm2', 200, 210) or 0) <= 201.05 and at('oc2', 210) == 'gm1'"
expect "3. gm1 back 10 s (ptsf_hold_time) + 30 s (wait_to_restore) after the PTSF" \
	"abs((switch('oc1', 'gm1', 201, 300) or 0) - switch('oc1', 'gm2', 200, 210) - 40) < 0.01"
expect "4. gm1's links down: both ocs to gm2 within 2 s" \
	"[300 < (switch(n, 'gm2', 300, 305) or 0) <= 302.01 for n in ('oc1', 'oc2')] == [True, True]"
expect "4. links up at 330 s: oc1 back to gm1 after qualification and wait_to_restore" \
	"360 <= (switch('oc1', 'gm1', 330, 400) or 0) <= 364"
expect "4. non-revertive oc2 stays on gm2" "changes('oc2', 302.01, 449.9) == [] and at('oc2', 449) == 'gm2'"
expect "5. lock-out of gm2: oc2 to gm1 at once" "switch('oc2', 'gm1', 449.9, 450.01) == 450.0"
expect "5. gm1 dies: oc1 to gm2, oc2 into holdover and never to the locked-out gm2" \
	"500 < (switch('oc1', 'gm2', 500, 505) or 0) <= 502.01 and at('oc2', 503) == 'none' and \
	 all(s['master'] != 'gm2' for s in changes('oc2', 450, 700))"
# a restarted gm has no grants: the oc must ask it again.  Its three
# unanswered Announce requests after the announce timeout (~502..504 s)
# started G.8265.1 6.6's 60 s wait, so the next goes out ~564 s; then the
# first Announce, qualification and wait_to_restore (30 s)
expect "6. gm1 restarted at 550 s: oc1 and oc2 back on it 590..600 s, after the 60 s back-off (got oc1 $(py "$d/j" \
	"switch('oc1', 'gm1', 550, 700)") s, oc2 $(py "$d/j" "switch('oc2', 'gm1', 550, 700)") s)" \
	"[590 <= (switch(n, 'gm1', 550, 700) or 0) <= 600 for n in ('oc1', 'oc2')] == [True, True]"
# the log says the same: each "selected best master clock" line names the
# clockIdentity of the gm the JSON has, at the same time
id1=$(awk '$2 == "sim:" && $4 == "gm1:" { print $NF; exit }' "$d/log")
id2=$(awk '$2 == "sim:" && $4 == "gm2:" { print $NF; exit }' "$d/log")
awk -v a="$id1" -v b="$id2" '$2 ~ /^oc[12]:$/ && /selected best master clock/ {
	n = substr($2, 1, 3); printf "%s %s %s\n", $1, n, $NF == a ? "gm1" : $NF == b ? "gm2" : $NF }' \
	"$d/log" >"$d/sel.log"
py "$d/j" "'\n'.join('%.6f %s %s' % (s['t'], n, s['master']) for n in ('oc1', 'oc2') \
	for s in j['nodes'][n]['selections'] if s['master'] != 'none')" | sort >"$d/sel.json"
sort "$d/sel.log" | cmp -s - "$d/sel.json" && [ -s "$d/sel.json" ] && ok ||
	ko "g8265-selection: log lines and JSON selections differ: $(sort "$d/sel.log" | diff - "$d/sel.json" | head -5)"
grep -q "^200\.9[0-9]* oc1: port 1 (oc1): master 127.2.0.1: PTSF-lossSync, no Sync for 8 intervals" "$d/log" &&
	ok || ko "g8265-selection: no PTSF-lossSync line for oc1 at 200.9 s"

# ---- ptsf-follow-up: a two-step master whose Follow_Ups stop (G.8265.1
# 6.7.3.2): PTSF-lossSync 1 s later, on to gm2 ----
"$PTPSIM" "$S/ptsf-follow-up.sim" --log --log-level 5 >"$d/pfu.log" 2>&1 || ko "ptsf-follow-up: exit $?"
grep -q "^100\.9[0-9]* oc1: port 1 (oc1): master 127.2.0.1: PTSF-lossSync" "$d/pfu.log" &&
	grep -q "^100\.9[0-9]* oc1: selected best master clock 020000.0000.020000" "$d/pfu.log" && ok ||
	ko "ptsf-follow-up: no PTSF-lossSync at 100.9 s on the lost Follow_Ups: $(grep "oc1: .*\(PTSF\|selected\)" "$d/pfu.log" | head -5)"
grep -q "^450\.000000 oc2: port 1 (oc2): master 127.2.0.2 locked out (scenario)" "$d/log" && ok ||
	ko "g8265-selection: no lock-out line for oc2 at 450 s"
echo "g8265-selection: $(py "$d/j" "'; '.join('%s %s' % (n, ' '.join('%s@%g' % (s['master'], s['t']) \
	for s in j['nodes'][n]['selections'])) for n in ('oc1', 'oc2'))")"

# ---- transparent clocks: OCP model 1, gm - tc1..tc5 - oc ----
# Each TC holds a frame 0.5..1.5 us before its forwarding decision (the
# engine's clock reading sees it) and 0.5..98.5 us in the egress queue after
# the send (the egress timestamp sees it, a one-step write-ahead does not).
# two_step egress corrects all of it: max|TE| <= 100 ns (OCP: 42 ns a TC);
# one_step egress cannot see the queue: the oc is microseconds off, like
# behind plain switches (ocp-model1-switch), unless the send is immediate
# (queue none, the whole residence 1..100 us before the send: then <= 100
# ns too).  In every run each TC port's mean residence (two-step: egress -
# ingress stamp; one-step: up to the clock reading) and mean write-ahead
# error (transmit stamp - the time written) match the simulator's truth
# (arrival to departure / to the send; send to departure) within 10 ns
# (stamps: 8 ns truncation; free-running clocks up to 25 ppm), and no
# frame is dropped, unmatched, or arrives with a bad UDP checksum.
# Measured, seeds 1..3, both gm step modes, max|TE| (rms): two_step 37.4..54.4
# ns (11.9..15.0); immediate send: one_step 37.8..55.0 ns, two_step
# 37.8..58.4 ns (syntonized TCs: 25 ppm of 100 us is 2.5 ns, so over seeds
# 12..41 the mean max|TE| is 44.7 ns either way, rms 13.8 / 13.6 without); one_step 38.8..54.3 us (14.4..19.1 us); switches
# 40.8..64.4 us (14.6..17.8 us): bound 1..100 us.
# A one-step Sync (gm twoStepFlag 0) through a two_step TC: the engine
# writes its residence ahead (tc.h: the conversion to two-step of
# 10.2.2.1.2 is not done), so its queueing is not corrected (66.0..67.5
# us, mean -56.7..-59.0 us: the Sync direction's queues stay in, the
# Delay_Req's are corrected): reported, bound 150 us, and held to <= 100
# ns once the TCs no longer write it ahead.
tc_run() { # SCENARIO ARGS...: the oc's figures, then the TC accounting checks
	sc=$1; shift
	"$PTPSIM" "$sc" --json "$@" >"$d/j" 2>"$d/e" || { echo "ERR $(cat "$d/e")"; return; }
	py "$d/j" "'%.1f %.1f %.1f %.1f %s %s' % tuple([j['nodes']['oc'][k] for k in \
		('rms_te_ns', 'max_abs_te_ns', 'peak_abs_te_ns', 'mean_te_ns')] + [at('oc', 100), \
		sum(p['wa_n'] for n in j['nodes'].values() if n['role'] == 'tc' \
		    for name, p in n['ports'].items() if not name.endswith('-gm'))])" \
		"'; '.join(['%s %s: residence %.1f ns, truth %.1f ns' % (nn, name, p['res_mean_ns'], \
		    p['true']['pre_mean_ns'] if p['wa_n'] else p['true']['res_mean_ns']) \
		  for nn, n in j['nodes'].items() if n['role'] == 'tc' for name, p in n['ports'].items() \
		  if p['res_n'] and abs(p['res_mean_ns'] - (p['true']['pre_mean_ns'] if p['wa_n'] \
		    else p['true']['res_mean_ns'])) > 10] + \
		 ['%s %s: write-ahead error %.1f ns, queue after the send %.1f ns' % (nn, name, \
		    p['wa_mean_ns'], p['true']['wait_mean_ns']) \
		  for nn, n in j['nodes'].items() if n['role'] == 'tc' for name, p in n['ports'].items() \
		  if p['wa_n'] and abs(p['wa_mean_ns'] - p['true']['wait_mean_ns']) > 10] + \
		 ['%s %s: %s %d' % (nn, name, k, p[k]) for nn, n in j['nodes'].items() \
		  if n['role'] == 'tc' for name, p in n['ports'].items() for k in ('rx_bad', \
		  'tx_err', 'tx_ts_missing', 'dropped_unmatched', 'dropped_late') if p[k]] + \
		 ['%s: %s %d' % (nn, k, n['counters'].get(k, 0)) for nn, n in j['nodes'].items() \
		  for k in ('rx_bad_frame', 'rx_bad_csum', 'rx_not_mine') if n['counters'].get(k, 0)] + \
		 ['no_route %d' % j['no_route']] * (j['no_route'] > 0) + \
		 ['%s no_egress %d' % (nn, n['no_egress']) for nn, n in j['nodes'].items() \
		  if n.get('no_egress')]) or 'ok'"
}
sed -e "s|^config  *|config $S/|" -e 's/^processing .*/processing uniform 1000 100000/' \
	-e 's/^queue .*/queue none/' "$S/ocp-model1.sim" >"$d/ocp-model1-immediate.sim"
for v in "two_step 1 ocp-model1" "two_step 0 ocp-model1" "one_step 1 ocp-model1" \
	"one_step 0 ocp-model1" "one_step 1 immediate" "one_step 0 immediate" \
	"two_step 1 immediate" "two_step 0 immediate" "- 1 switch" "- 0 switch"; do
	set -- $v
	egress=$1 gm2=$2 world=$3
	case $world in
	ocp-model1) sc=$S/ocp-model1.sim name="tc_egress $egress" ;;
	immediate) sc=$d/ocp-model1-immediate.sim name="tc_egress $egress, immediate send" ;;
	switch) sc=$S/ocp-model1-switch.sim name="switches" ;;
	esac
	line="ocp-model1 $name, gm twoStepFlag $gm2:"
	for seed in 1 2 3; do
		if [ "$egress" = - ]; then
			r=$(tc_run "$sc" --seed $seed --set twoStepFlag=$gm2)
		else
			r=$(tc_run "$sc" --seed $seed --set twoStepFlag=$gm2 --set tc_egress=$egress)
		fi
		case $r in ERR*) ko "$line seed $seed: $r"; continue ;; esac
		acc=$(echo "$r" | sed -n 2p)
		set -- $(echo "$r" | sed -n 1p)
		rms=$1 max=$2 master=$5 wa=$6
		line="$line  seed $seed max $max (peak $3) rms $1 mean $4"
		[ "$master" = gm ] && ok || ko "$name gm $gm2 seed $seed: oc on $master at 100 s"
		[ "$acc" = ok ] && ok || ko "$name gm $gm2 seed $seed: $acc"
		case "$egress $world" in
		"two_step ocp-model1")
			if [ "$gm2" = 0 ] && [ "$wa" -gt 0 ]; then
				# the one-step Sync's residence written ahead: the
				# queue after the send stays in (known, reported)
				line="$line, $wa one-step Syncs written ahead"
				awk -v v="$max" 'BEGIN { exit !(v <= 150000) }' && ok ||
					ko "$name gm $gm2 seed $seed: max|TE| $max ns > 150 us"
			else
				awk -v v="$max" 'BEGIN { exit !(v <= 100) }' && ok ||
					ko "$name gm $gm2 seed $seed: max|TE| $max ns > 100"
			fi ;;
		*immediate)
			awk -v v="$max" 'BEGIN { exit !(v <= 100) }' && ok ||
				ko "$name gm $gm2 seed $seed: max|TE| $max ns > 100" ;;
		*)	# one_step egress, switches: microseconds
			awk -v v="$max" 'BEGIN { exit !(v >= 1000 && v <= 100000) }' && ok ||
				ko "$name gm $gm2 seed $seed: max|TE| $max ns outside 1..100 us" ;;
		esac
		line="$line;"
	done
	echo "$line"
done

# UDPv4 through one tc without a configuration file (default profile,
# hardware stamps), 1 Sync/s, a queue of 30 us x Exp(1): two_step max|TE|
# 9.0..12.1 ns (seeds 1..3), bound 30
printf '[global]\nduration 300\nsteady_from 100\n[node gm]\nconfig %s/ref-gm.cfg\naddress 127.1.0.1\n[node tc]\nset tc_egress two_step\nqueue exp 30000\n[node oc]\nconfig %s/ref-oc.cfg\naddress 127.1.0.2\noffset_ns 1000000\n[link gm tc]\n[link tc oc]\n' \
	"$S" "$S" >"$d/tc-v4.sim"
line="UDPv4 gm - tc - oc, two_step:"
for seed in 1 2 3; do
	r=$(tc_run "$d/tc-v4.sim" --seed $seed)
	case $r in ERR*) ko "tc-v4 seed $seed: $r"; continue ;; esac
	acc=$(echo "$r" | sed -n 2p)
	set -- $(echo "$r" | sed -n 1p)
	line="$line  seed $seed max $2 rms $1;"
	[ "$acc" = ok ] && [ "$5" = gm ] && ok || ko "tc-v4 seed $seed: oc on $5; $acc"
	awk -v v="$2" 'BEGIN { exit !(v <= 30) }' && ok || ko "tc-v4 seed $seed: max|TE| $2 ns > 30"
done
echo "$line"

# two grandmasters on one TC: failover through tc1 - tc2 (OCP 7.13 budget)
for seed in 1 2 3; do
	"$PTPSIM" "$S/failover-tc.sim" --seed $seed --json >"$d/j" 2>"$d/e" ||
		{ ko "failover-tc seed $seed: exit $? $(cat "$d/e")"; continue; }
	set -- $(py "$d/j" "j['nodes']['oc']['max_abs_te_ns']" \
		"max(j['nodes']['oc']['windows'][w]['peak_abs_te_ns'] for w in ('switch', 'after'))" \
		"switch('oc', 'gm2', 300, 600)" "at('oc', 299)" "sum(p['dropped_unmatched'] + \
		p['dropped_late'] + p['tx_ts_missing'] for n in ('tc1', 'tc2') \
		for p in j['nodes'][n]['ports'].values())")
	echo "failover-tc seed $seed: oc max|TE| $1 ns from 100 s (peak through and after the switch $2 ns);" \
		"gm1 -> gm2 at $3 s"
	awk -v v="$1" -v p="$2" 'BEGIN { exit !(v <= 100 && p <= 1400) }' && ok ||
		ko "failover-tc seed $seed: max|TE| $1 ns (> 100) or peak $2 ns (> 1400)"
	[ "$4" = gm1 ] && awk -v t="$3" 'BEGIN { exit !(t > 300 && t <= 303.1) }' && ok ||
		ko "failover-tc seed $seed: on $4 before, to gm2 at $3 s (expected 300..303)"
	[ "$5" = 0 ] && ok || ko "failover-tc seed $seed: $5 frames dropped or unstamped in the TCs"
done

# ---- a slow TC on a clock far off: syntonization (tc-slow) ----
# A software TC on a busy host holds frames 0.02..60 ms, its clock 80 ppm
# fast: two_step residences on that clock are up to 4.8 us off.  With
# tc_syntonize 1 (default) they are scaled by the grandmaster's rate over
# the TC's clock, which the TC measures from the Syncs it forwards: its
# ratio at the end within 50 ppb of the truth (the mean over the steady
# state: the TC's clock wanders 1 ppb/sqrt(s); seen: 1..15 ppb off), the oc's max|TE| <= 40 ns (measured,
# seeds 1..3: 17.4..21.0 ns, rms 5.8..6.5; the floor with the TC's clock
# on time: 15..16 ns); with tc_syntonize 0 the same run is >= 200 ns off
# (410..550 ns, rms 176..212), so the scenario does test it.  The change
# from residences on the TC's clock to the grandmaster's, 4 s after the
# TC starts, moves the corrections' mean by 2.4 us: the oc's path delay
# absorbs it within about 25 s (steady state from 150 s).
for seed in 1 2 3; do
	for syn in 1 0; do
		"$PTPSIM" "$S/tc-slow.sim" --seed $seed --set tc_syntonize=$syn --json >"$d/j" 2>"$d/e" ||
			{ ko "tc-slow seed $seed tc_syntonize $syn: exit $? $(cat "$d/e")"; continue; }
		set -- $(py "$d/j" "j['nodes']['oc']['max_abs_te_ns']" "j['nodes']['oc']['rms_te_ns']" \
			"j['nodes']['tc']['rate_ratio_ppb']" \
			"'%.1f' % ((1 / (1 + j['nodes']['tc']['mean_freq_err_ppb'] * 1e-9) - 1) * 1e9)" \
			"j['nodes']['tc']['rate_rejected']")
		echo "tc-slow seed $seed tc_syntonize $syn: oc max|TE| $1 ns rms $2 ns; tc rate ratio $3 ppb (truth $4 ppb, $5 discarded)"
		if [ "$syn" = 1 ]; then
			awk -v v="$1" 'BEGIN { exit !(v <= 40) }' && ok ||
				ko "tc-slow seed $seed: max|TE| $1 ns > 40 with tc_syntonize 1"
			awk -v r="$3" -v t="$4" 'BEGIN { d = r - t; exit !(r != "None" && d < 50 && d > -50) }' && ok ||
				ko "tc-slow seed $seed: rate ratio $3 ppb, truth $4 ppb"
			[ "$5" = 0 ] && ok || ko "tc-slow seed $seed: $5 ratio measurements discarded"
		else
			awk -v v="$1" 'BEGIN { exit !(v >= 200) }' && ok ||
				ko "tc-slow seed $seed: max|TE| $1 ns < 200 with tc_syntonize 0: the scenario tests nothing"
			[ "$3" = None ] && ok || ko "tc-slow seed $seed: a rate ratio ($3) with tc_syntonize 0"
		fi
	done
done

# ---- forged Syncs across a tc (issue 28 item 4) ----
# tc-forged-sync: tc-slow with one-step Syncs of three made-up clocks
# (no Announce; 139 ppm fast, 100 ppm fast and on time) crossing the TC
# 12 a second from 30 s on.  The TC measures its rate only from the gm
# (the best Announce that crossed it): its ratio at the end within 50 ppb
# of the truth (seen 6.5, 12.0), at most one measurement per
# TC_RATE_BASE_NS (4 s) of the run (the gm's alone: 99 seen; the code
# before took the forgers' too: 175 in 200 s), and the oc locked (max|TE|
# <= 100 ns; seen 26.4, 42.5: tc-slow's own spread over seeds 1..16 is
# 23..75 ns, with or without the forgers).
for seed in 1 2; do
	"$PTPSIM" "$S/tc-forged-sync.sim" --seed $seed --json >"$d/j" 2>"$d/e" ||
		{ ko "tc-forged-sync seed $seed: exit $? $(cat "$d/e")"; continue; }
	set -- $(py "$d/j" "j['nodes']['oc']['max_abs_te_ns']" "j['nodes']['tc']['rate_ratio_ppb']" \
		"'%.1f' % ((1 / (1 + j['nodes']['tc']['mean_freq_err_ppb'] * 1e-9) - 1) * 1e9)" \
		"j['nodes']['tc']['rate_n']" "int(j['sim_seconds'] / 4)")
	echo "tc-forged-sync seed $seed: oc max|TE| $1 ns; tc rate ratio $2 ppb (truth $3 ppb), $4 measurements (bound $5)"
	awk -v r="$2" -v t="$3" 'BEGIN { d = r - t; exit !(r != "None" && d < 50 && d > -50) }' && ok ||
		ko "tc-forged-sync seed $seed: rate ratio $2 ppb, truth $3 ppb"
	[ "$4" -le "$5" ] && ok || ko "tc-forged-sync seed $seed: $4 rate measurements > $5: forged Syncs measured"
	awk -v v="$1" 'BEGIN { exit !(v <= 100) }' && ok || ko "tc-forged-sync seed $seed: max|TE| $1 ns > 100"
done

# ---- hostile: forged messages (issue 24) ----
# Each attack of test/sim/scenarios/hostile.sim in its window: the oc's
# longest time without a servo sample (sample_gap_s: a Sync a second, so
# 1 s is none lost) and its true |TE|.  Measured, seeds 1..6: gaps 1.0 s
# (2.5 s after the REQUEST in its name slowed its Syncs to 1 per 8 s: the
# watchdog's 2 intervals and half a one), max|TE| 83..142 ns, 1 step (the
# first).  The engines of 43c0106 in the same scenario, one attack at a
# time: a forged CANCEL stopped the samples until the oc's renewal (~3600 s:
# > 50 s in its window), squatting for good (> 130 s), Announces of port
# 2 for 11 s, currentUtcOffset 0 put the clock 65 ms off within the
# window (37 s later), the slowed Sync 8 s.
for seed in 1 2 3; do
	"$PTPSIM" "$S/hostile.sim" --seed $seed --json >"$d/j" 2>"$d/e" ||
		{ ko "hostile seed $seed: exit $? $(cat "$d/e")"; continue; }
	r=$(py "$d/j" "' '.join('%s %.3f %.1f' % (k, w['sample_gap_s'], w['max_abs_te_ns']) \
		for k, w in j['nodes']['oc']['windows'].items())" \
		"'%.1f %d %s %d %d %d' % (j['nodes']['oc']['max_abs_te_ns'], \
		j['nodes']['oc']['clock']['steps'], at('oc', 799), len(changes('oc', 10, 800)), \
		j['nodes']['oc']['counters']['utc_offset_held'] + 1000 * \
		j['nodes']['oc']['counters']['uc_wrong_sender'], \
		j['nodes']['gm']['counters']['uc_identity'])")
	wins=$(echo "$r" | sed -n 1p)
	set -- $(echo "$r" | sed -n 2p)
	echo "hostile seed $seed: oc max|TE| $1 ns, steps $2, on $3; per window (gap s, max|TE| ns): $wins"
	echo "$wins" | awk '{ for (i = 1; i < NF; i += 3) if ($(i + 1) > 3.0 || $(i + 2) > 250) { print $i; exit 1 } }' >"$d/bad" && ok ||
		ko "hostile seed $seed: window $(cat "$d/bad"): more than 3 s without a sample or |TE| over 250 ns ($wins)"
	awk -v v="$1" 'BEGIN { exit !(v <= 250) }' && [ "$2" = 1 ] && [ "$3" = gm ] && [ "$4" = 0 ] && ok ||
		ko "hostile seed $seed: max|TE| $1 ns, $2 steps, on $3, $4 selection changes after 10 s"
	# 1 + 3 + 50 Announces of currentUtcOffset 0 held, 100 of port 2
	# dropped; the squatter's 20 REQUESTs denied on identity
	[ "$5" = 100054 ] && [ "$6" = 20 ] && ok ||
		ko "hostile seed $seed: oc held/dropped $5 (1000 x wrong_sender + utc_offset_held, want 100054), gm denied $6 on identity (want 20)"
done

# ---- determinism ----
run_det() { # OUT SEED
	"$PTPSIM" "$S/ref-hw.sim" --seed "$2" --duration 300 --json --trace "$1.csv" |
		sed 's/"wall_seconds":[0-9.]*//' >"$1.json"
	"$PTPSIM" "$S/g8265-selection.sim" --seed "$2" --duration 300 --log >"$1.log"
	sed -i 's/in [0-9.]* s ([0-9]*x real time)//' "$1.log"
	"$PTPSIM" "$S/ocp-model1.sim" --seed "$2" --duration 100 --json |
		sed 's/"wall_seconds":[0-9.]*//' >"$1.tc"
}
run_det "$d/a" 7
run_det "$d/b" 7
run_det "$d/c" 8
for x in json csv log tc; do
	cmp -s "$d/a.$x" "$d/b.$x" && ok || ko "seed 7 twice: $x output differs"
	cmp -s "$d/a.$x" "$d/c.$x" && ko "seeds 7 and 8: same $x output" || ok
done

# ---- authentication (1588-2019 16.14): gm - TC1 - TC2 - oc, every
# message signed and checked.  allow_mutable 0 with TCs that hold the
# keys (they sign again what they correct), allow_mutable 1 with TCs that
# do not: the oc's true time error is the same as without authentication
# (--set spp=-1), and a chain whose TCs change what the ICV covers without
# the keys never locks (every corrected message dropped) ----
oc_te() { py "$1" "'%.1f %.1f %s' % (j['nodes']['oc']['rms_te_ns'], j['nodes']['oc']['max_abs_te_ns'], j['nodes']['oc']['converged_s'])"; }
for sc in auth-chain auth-chain-mutable; do
	"$PTPSIM" "$S/$sc.sim" --duration 400 --json >"$d/a.json" &&
		"$PTPSIM" "$S/$sc.sim" --duration 400 --json --set spp=-1 >"$d/n.json" ||
		ko "$sc: ptpsim failed"
	a=$(oc_te "$d/a.json") n=$(oc_te "$d/n.json")
	echo "$sc: oc rms max|TE| converged: authenticated $a, without $n"
	[ "$a" = "$n" ] && ok || ko "$sc: authentication changed the oc's time error: $a vs $n"
	set -- $a
	awk -v r="$1" -v m="$2" 'BEGIN { exit !(r < 30 && m < 100) }' && ok ||
		ko "$sc: oc rms $1 max $2 ns (limits 30, 100)"
done
sed -e 's/auth-sa-mutable.cfg/auth-sa-fixed.cfg/' -e "s|^config  *|config $S/|" \
	"$S/auth-chain-mutable.sim" >"$d/nokeys.sim"
"$PTPSIM" "$d/nokeys.sim" --duration 100 --json >"$d/k.json" || ko "nokeys: ptpsim failed"
[ "$(py "$d/k.json" "j['nodes']['oc']['converged_s']")" = None ] && ok ||
	ko "allow_mutable 0 through TCs without the keys: the oc converged (are messages checked?)"

# ---- the oc's log as ptp4l's (summary_interval) ----
# Sync at 16/s: with summary_interval 0 one summary line a second in
# ptp4l's format (the regex also takes the line ptp4l 3.1.1 printed in the
# same set-up) and no per-sample line; with summary_interval -4 (not longer
# than the Sync interval) a "master offset" line per Sync and no summary.
RMS_RE='^rms +[0-9]+ max +[0-9]+ freq +[-+][0-9]+ [+]/- +[0-9]+ delay +-?[0-9]+ [+]/- +[0-9]+$'
echo "rms  262 max  601 freq     +0 +/-   0 delay  2705 +/-  14" | grep -Eq "$RMS_RE" && ok ||
	ko "the summary regex does not take ptp4l's line"
for si in 0 -4; do
	"$PTPSIM" "$S/ref-hw.sim" --duration 60 --log --set logSyncInterval=-4 \
		--set summary_interval=$si >"$d/sum.log" 2>&1 || ko "summary_interval $si: ptpsim failed"
	rms=$(awk '$2 == "oc:" && $3 == "rms"' "$d/sum.log" | wc -l)
	off=$(grep -c "^[0-9.]* oc: master offset " "$d/sum.log")
	bad=$(awk '$2 == "oc:" && $3 == "rms"' "$d/sum.log" | cut -d' ' -f3- | grep -Evc "$RMS_RE")
	# the summaries a second apart
	gap=$(awk '$2 == "oc:" && $3 == "rms" { if (p && ($1 - p < 0.99 || $1 - p > 1.01)) n++; p = $1 } END { print n + 0 }' "$d/sum.log")
	echo "summary_interval $si, logSyncInterval -4, 60 s: $rms summary lines, $off master offset lines"
	if [ "$si" = 0 ]; then
		[ "$rms" -ge 57 ] && [ "$rms" -le 60 ] && [ "$off" -eq 0 ] && [ "$bad" -eq 0 ] && [ "$gap" -eq 0 ] && ok ||
			ko "summary_interval 0: $rms summaries ($bad not ptp4l's format, $gap not 1 s apart), $off per-sample lines"
	else
		[ "$rms" -eq 0 ] && [ "$off" -ge $((57 * 16)) ] && [ "$off" -le $((60 * 16)) ] && ok ||
			ko "summary_interval -4: $rms summaries, $off per-sample lines (want 16/s)"
	fi
done

# ---- command line and scenario errors ----
printf '[global]\nduration 10\n[node oc]\nconfig %s/ref-oc.cfg\naddress 127.1.0.2\nbogus 1\n' "$S" >"$d/bad.sim"
"$PTPSIM" "$d/bad.sim" >/dev/null 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -q "bad.sim:6: bogus: unknown key" "$d/e" && ok || ko "bad key: exit $r $(cat "$d/e")"
"$PTPSIM" "$S/ref-hw.sim" --set logSyncInterval=9 >/dev/null 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -q "logSyncInterval" "$d/e" && ok || ko "--set out of range: exit $r $(cat "$d/e")"
"$PTPSIM" "$d/none.sim" >/dev/null 2>&1 && ko "missing scenario accepted" || ok
printf '[node gm]\nconfig %s/ref-gm.cfg\naddress 127.1.0.1\n[node tc]\n[link gm tc]\n' "$S" >"$d/bad.sim"
"$PTPSIM" "$d/bad.sim" >/dev/null 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -q "bad.sim:4: node tc: 1 links, a tc needs 2..16" "$d/e" && ok ||
	ko "tc with one link: exit $r $(cat "$d/e")"
printf '[node sw]\nconfig %s/ref-gm.cfg\n' "$S" >"$d/bad.sim"
"$PTPSIM" "$d/bad.sim" >/dev/null 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -q "a switch takes no config" "$d/e" && ok || ko "switch with config: exit $r $(cat "$d/e")"

checks_done sim
