#!/bin/sh
# GNSS -> PHC -> PTP with a monitored 1PPS out, in one gm (ts2phc's job):
# the gm runs under the kernel twin of a NIC with a PHC (test/sim/phcdev.c,
# LD_PRELOAD, so the glibc build), with time_stamping hardware, clock auto
# and time_source tod: its PPS input is the twin's extts channel 0 (a 1 Hz
# edge at every true second, 10 ns noise), its second labels come from
# todenc encode through a pseudo-terminal (TAI, as gm_tod.sh).  Its PHC
# starts 3 ms and 37 s (not on TAI) off and 20 ppm slow: the gm steps it
# once, then holds it on TAI by its servo.  pps_out_channel 0 and
# pps_out_pin 1 arm the PHC's periodic output (PTP_PEROUT_REQUEST2, 1 Hz,
# edges on the PHC's seconds) and re-arm it after the step.
#
# A second twin, a perfect PHC (offset 0) in another namespace, takes that
# output as its PPS input (PHCDEV_PPS_FROM=the gm twin's PHCDEV_LOG: the
# edges at the true instants the gm's PHC read its whole seconds); ppsmon
# --phc measures their time error against true seconds.  Both figures are
# asserted: ppsmon's mean and max|TE| of the PPS out, and the gm PHC's true
# error against TAI from its twin's log over the same steady state.  The
# twins' stamps are exact (8 ns steps) whatever the load: tight bounds.
#
# Refusals: pps_out_channel with a PHC without periodic outputs
# (PHCDEV_NO_PEROUT) -> exit 3 and the reason; with clock soft -> exit 1
# (a configuration contradiction).  A kernel without PTP_PEROUT_REQUEST2
# (PHCDEV_PEROUT_V1) -> the gm falls back to PTP_PEROUT_REQUEST.  The
# twin's safety net: a write to CLOCK_REALTIME under the twin is refused.
# The gm keeps its system clock on the PHC (sys_sync; a soft clock in its
# place, 2 ms and +15 ppm off): UTC = TAI - 37 s, asserted like the PHC.
# The twin's model of the output: edges from a hand-written PHC log (on
# TAI, 1 ppm fast) are where they are computed to be.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
GLIBC=${PTPBOX_GLIBC:-$top/build-glibc/ptpbox}
TWIN=${PHCDEV_SO:-$top/build-glibc/phcdev.so}
SETTLE=${SETTLE:-10} # s after the gm's PHC is locked before the steady state
STEADY=${STEADY:-20} # PPS out edges measured
PPS_MEAN=${PPS_MEAN:-30} # ns: bounds of the PPS out's mean and max|TE|
PPS_MAX=${PPS_MAX:-50}
PHC_RMS=${PHC_RMS:-30} # ns: bounds of the gm PHC's true error against TAI
PHC_MAX=${PHC_MAX:-50}
[ -x "$GLIBC" ] || die "no glibc build at $GLIBC (make CC=gcc STATIC=0 B=build-glibc)"
[ -f "$TWIN" ] || die "no $TWIN (make CC=gcc STATIC=0 B=build-glibc build-glibc/phcdev.so)"
PTPBOX=$GLIBC
net_init
net_host gm
net_host mon
net_link gm mon 1

cat >"$T_DIR/out.cfg" <<CFG
[global]
profile ocp-dc
time_stamping hardware
clock auto
pps_out_channel 0
pps_out_pin 1
uds_address none
CFG

# twin_gm LOG [ENV...] [-- ARGS]: the gm under the twin in the foreground,
# 20 s at most; its exit status
twin_gm() {
	_log=$1; shift
	timeout 20 ip netns exec "$NS_gm" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 "$@" \
		>"$_log" 2>&1
}

# 1. refusals
twin_gm "$T_DIR/r1.log" PHCDEV_NO_PEROUT=1 "$GLIBC" gm -f "$T_DIR/out.cfg" -i pa1 -q
rc=$?
[ $rc -eq 3 ] && grep -qF "/dev/ptp0: no periodic output channel 0 (the PHC has 0)" "$T_DIR/r1.log" ||
	die "no periodic output: exit $rc, want 3: $(cat "$T_DIR/r1.log")"
echo "PHC without periodic output: exit 3, $(head -1 "$T_DIR/r1.log")"
twin_gm "$T_DIR/r2.log" "$GLIBC" gm -f "$T_DIR/out.cfg" -i pa1 -q --time_stamping=software \
	--clock=soft
rc=$?
[ $rc -eq 1 ] && grep -qF "pps_out_channel 0: the clock is soft, not a PHC" "$T_DIR/r2.log" ||
	die "clock soft: exit $rc, want 1: $(cat "$T_DIR/r2.log")"
echo "clock soft: exit 1, $(head -1 "$T_DIR/r2.log")"

# 2. a kernel without PTP_PEROUT_REQUEST2: PTP_PEROUT_REQUEST; the pin set
# to PEROUT 0; the output off when the gm stops
run_in gm "$T_DIR/v1.log" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 PHCDEV_PEROUT_V1=1 \
	PHCDEV_LOG="$T_DIR/v1.phc" PHCDEV_TRACE="$T_DIR/v1.trace" "$GLIBC" gm -f "$T_DIR/out.cfg" \
	-i pa1 -m -q
pid=$LAST_PID
wait_for 15 "$T_DIR/v1.log" "pps out: .* armed" || die "v1: not armed: $(cat "$T_DIR/v1.log")"
stop_pid "$pid" || die "v1: the gm did not stop"
grep -q "armed: 1 Hz, rising edge on each PHC second from [0-9]* (PTP_PEROUT_REQUEST)$" \
	"$T_DIR/v1.log" || die "v1: $(grep 'pps out' "$T_DIR/v1.log")"
grep -q "^PTP_PIN_SETFUNC pin 1 func 2 chan 0" "$T_DIR/v1.trace" &&
	grep -q "^PTP_PEROUT_REQUEST index 0 flags 0x0 start [0-9]*.000000000 period 1.000000000" \
		"$T_DIR/v1.trace" || die "v1: $(cat "$T_DIR/v1.trace")"
grep -q "^# perout index 0 off at" "$T_DIR/v1.phc" || die "v1: output not switched off: $(grep '^#' "$T_DIR/v1.phc")"
echo "no PTP_PEROUT_REQUEST2: $(grep -o 'pps out: .*' "$T_DIR/v1.log" | head -1)"

# 3. the safety net: a write to CLOCK_REALTIME under the twin never reaches
# the kernel.  Without CAP_SYS_TIME, so that the host clock stays as it is
# even if the net had a hole: the twin's count tells who refused.
setpriv --inh-caps=-sys_time --bounding-set=-sys_time env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 \
	PHCDEV_LOG="$T_DIR/net.phc" PHCDEV_TRACE="$T_DIR/net.trace" python3 -c '
import errno, time
for f in (lambda: time.clock_settime(time.CLOCK_REALTIME, time.clock_gettime(time.CLOCK_REALTIME)),
          lambda: time.clock_settime(time.CLOCK_TAI, time.clock_gettime(time.CLOCK_TAI))):
    try:
        f()
        raise SystemExit("a clock write went through")
    except PermissionError:
        pass
' || die "safety net: $(cat "$T_DIR/net.trace" 2>/dev/null)"
grep -q "refused 2$" "$T_DIR/net.phc" && grep -q "^clock_settime CLOCK_REALTIME -> EPERM" "$T_DIR/net.trace" &&
	grep -q "^clock_settime CLOCK_TAI -> EPERM" "$T_DIR/net.trace" ||
	die "safety net: the twin did not refuse: $(cat "$T_DIR/net.trace"; grep summary "$T_DIR/net.phc")"
echo "safety net: clock_settime on CLOCK_REALTIME and CLOCK_TAI refused by the twin (EPERM)"

# 4. the twin's model of a periodic output: a PHC's log written here, on
# TAI + 250003.25 ns and 1 ppm fast (1 us more each second), its output
# armed on its seconds; the edges ppsmon sees through a perfect PHC are
# those computed here from the same numbers (the instants the PHC read its
# whole seconds, stamped in 8 ns steps): three in a row, exact.
T0=$(($(date +%s%N) - 10000000000))
cat >"$T_DIR/fake.phc" <<LOG
# phcdev /dev/ptp0 on fake: written by gm_phc_pps.sh
$T0 37000250003.250 1000.000000 start
# pin 0 func 1 chan 0 at $T0
# pin 1 func 2 chan 0 at $T0
# perout index 0 start $((T0 / 1000000000 + 37)).000000000 period 1.000000000 on 0.500000000 flags 0x2 at $T0
LOG
ip netns exec "$NS_mon" timeout 20 env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pb1 PHCDEV_INDEX=1 \
	PHCDEV_PPS_FROM="$T_DIR/fake.phc" "$GLIBC" ppsmon --phc /dev/ptp1 --channel 0 --count 3 \
	--json >"$T_DIR/fake.json" 2>"$T_DIR/fake.err" || die "ppsmon, fake log: $(cat "$T_DIR/fake.err")"
python3 - "$T_DIR/fake.json" "$T0" <<'PY' || die "the twin's edges: $(cat "$T_DIR/fake.json")"
import json, math, sys
j = json.load(open(sys.argv[1]))
t0 = int(sys.argv[2])
def te(k):
    dt = (float((k + 37) * 10**9 - t0 - 37000250003) - 0.25) / (1.0 + 1000.0 * 1e-9)
    s = t0 + math.ceil(dt)
    s -= s % 8
    return s - (s + 500000000) // 10**9 * 10**9
for k0 in range(t0 // 10**9, t0 // 10**9 + 60):
    v = [te(k) for k in range(k0, k0 + 3)]
    if abs(sum(v) / 3 - j["mean_te_ns"]) < 0.5 and abs(max(abs(x) for x in v) - j["max_abs_te_ns"]) < 0.5:
        print("model: PPS out of a PHC on TAI + 250 us, 1 ppm fast: edges %s ns, as computed" % v)
        raise SystemExit(0)
raise SystemExit("no 3 edges in a row give mean %s max %s" % (j["mean_te_ns"], j["max_abs_te_ns"]))
PY

# 5. GNSS (PPS + ToD) -> the gm's PHC -> its PPS out -> ppsmon
run_bg "$T_DIR/ptypair.log" python3 "$top/test/tools/ptypair.py" "$T_DIR/todA" "$T_DIR/todB" --seconds 300
i=0
while [ ! -e "$T_DIR/todB" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$T_DIR/todB" ] || die "no pty pair"
run_bg "$T_DIR/todenc.log" "$PTPBOX" todenc encode --dev "$T_DIR/todA" --clock=CLOCK_REALTIME \
	--clockClass=6 --clockAccuracy=0x21 --offsetScaledLogVariance=0x4E5D --timeSource=0x20
cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping hardware
clock auto
time_source tod
tod_device $T_DIR/todB
pps_device /dev/ptp0
extts_channel 0
pps_out_channel 0
pps_out_pin 1
uds_address none
sys_clock soft
soft_offset_ns -2000000
soft_freq_ppb 15000
CFG
GP=$T_DIR/gm.phc
run_in gm "$T_DIR/gm.log" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 PHCDEV_INDEX=0 \
	PHCDEV_MODEL="offset=3000000,freq=-20000,pps_noise=10,seed=5" PHCDEV_LOG="$GP" \
	PHCDEV_TRACE="$GP.trace" "$GLIBC" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
gpid=$LAST_PID
wait_for 15 "$T_DIR/gm.log" "time source tod" || die "gm did not start: $(cat "$T_DIR/gm.log")"
wait_for 5 "$T_DIR/gm.log" "pps out: /dev/ptp0 perout 0 pin 1 armed: .*PTP_PEROUT_REQUEST2, 500 ms high" ||
	die "pps out not armed: $(cat "$T_DIR/gm.log")"
wait_for 40 "$T_DIR/gm.log" "clockClass 52 -> 6" || die "gm never locked: $(tail -20 "$T_DIR/gm.log")"
wait_for 10 "$T_DIR/gm.log" "pps out: .* armed again after a clock step" ||
	die "pps out not re-armed after the step: $(grep -E 'pps out|tod offset' "$T_DIR/gm.log")"
# locked: 5 servo lines in a row in s2 within 100 ns
i=0
while [ $i -lt 60 ]; do
	n=$(awk '/tod offset/ { o = $4; if (o < 0) o = -o; if ($5 == "s2" && o < 100) n++; else n = 0 }
		END { print n + 0 }' "$T_DIR/gm.log")
	[ "$n" -ge 5 ] && break
	nap 1; i=$((i + 1))
done
[ "$n" -ge 5 ] || die "gm PHC not within 100 ns of PPS+ToD: $(grep 'tod offset' "$T_DIR/gm.log" | tail -5)"
echo "gm locked: $(grep -c 'tod offset' "$T_DIR/gm.log") time events, steps: $(grep -c '^[0-9]* .* step$' "$GP"), $(grep 'armed again' "$T_DIR/gm.log" | grep -o 'pps out.*' | head -1)"
nap "$SETTLE"

from=$(date +%s%N)
ip netns exec "$NS_mon" timeout $((STEADY + 30)) env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pb1 \
	PHCDEV_INDEX=1 PHCDEV_MODEL=offset=0 PHCDEV_PPS_FROM="$GP" PHCDEV_LOG="$T_DIR/mon.phc" \
	PHCDEV_TRACE="$T_DIR/mon.trace" "$GLIBC" ppsmon --phc /dev/ptp1 --channel 0 --count "$STEADY" \
	--json >"$T_DIR/pps.json" 2>"$T_DIR/pps.err" || die "ppsmon: $(cat "$T_DIR/pps.err")"
to=$(date +%s%N)
stop_pid "$gpid" || die "the gm did not stop"
grep -q "^# perout index 0 off at" "$GP" || die "output not switched off at exit: $(grep '^#' "$GP")"
grep -q "pps_from .*: edges [1-9][0-9]* late 0" "$T_DIR/mon.phc" ||
	die "the PPS out as input: $(grep '^#' "$T_DIR/mon.phc")"
grep -q "refused 0$" "$GP" || die "the gm tried to set a system clock: $(grep summary "$GP")"

set -- $(python3 - "$T_DIR/pps.json" "$STEADY" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
if j["samples"] != int(sys.argv[2]):
    raise SystemExit("samples %d" % j["samples"])
print("%.0f %.0f" % (j["mean_te_ns"], j["max_abs_te_ns"]))
PY
) || die "ppsmon's report: $(cat "$T_DIR/pps.json")"
PM=$1; PX=$2

# the gm PHC's true error against TAI (PHC - true - 37 s) every 100 ms of
# the steady state, from its twin's log: "n rms max mean" ns
set -- $(tai_error "$GP" "$from" "$to") || die "no PHC error from the gm twin's log"
[ "${1:-0}" -gt 100 ] || die "$1 samples of PHC error"
echo "gm PHC true error against TAI, $((($to - $from) / 1000000000)) s steady state ($1 samples): rms $2 ns, max $3 ns, mean $4 ns"
echo "gm PPS out measured by ppsmon ($STEADY edges): mean TE $PM ns, max|TE| $PX ns"
[ "$2" -le "$PHC_RMS" ] && [ "$3" -le "$PHC_MAX" ] ||
	die "gm PHC true error rms $2 ns (limit $PHC_RMS), max $3 ns (limit $PHC_MAX)"
pm=${PM#-}
[ "$pm" -le "$PPS_MEAN" ] && [ "$PX" -le "$PPS_MAX" ] ||
	die "PPS out mean TE $PM ns (limit +-$PPS_MEAN), max|TE| $PX ns (limit $PPS_MAX)"
# the edges are where the gm's PHC had its seconds: TE = -(PHC error), less
# 3.5 ns on average for the monitor's 8 ns stamp steps
d=$((PM + $4 + 4)); d=${d#-}
[ "$d" -le 12 ] || die "PPS out mean TE $PM ns is not the gm PHC's mean error $4 ns negated"
R=$2 M=$3

# the gm's system clock against true UTC (its soft clock's logged truth)
# and against its PHC's UTC (PHC - 37 s) over the same steady state
grep -q "sys_sync: the soft system clock kept on the PHC, the best of 5 readings of PTP_SYS_OFFSET_PRECISE" \
	"$T_DIR/gm.log" || die "gm sys_sync: $(grep sys_sync "$T_DIR/gm.log")"
why="the gm's system clock: $(grep -E 'sys_sync|CLOCK_REALTIME' "$T_DIR/gm.log" | tail -5)"
set -- $(sys_error "$T_DIR/gm.log" "$GP" "$from" "$to") || die "$why"
SP="$2 $3"
set -- $(sys_error "$T_DIR/gm.log" - "$from" "$to") $SP || die "$why"
[ "$1" -ge $((STEADY - 5)) ] || die "$1 system clock samples"
echo "gm system clock true error against UTC ($1 samples): rms $2 ns, max $3 ns; against its PHC - 37 s: rms $5 ns, max $6 ns"
# the kernel's TAI offset from the gm's own currentUtcOffset: 37 s, set
# once, not each second (recorded by the twin, the host's kernel untouched)
[ "$(grep -c "ADJ_TAI" "$GP.trace")" -eq 1 ] &&
	grep -q "^clock_adjtime ADJ_TAI 37 (recorded, not applied)" "$GP.trace" &&
	[ "$(grep -c "sys_sync: kernel TAI offset 37 s: set" "$T_DIR/gm.log")" -eq 1 ] ||
	die "gm TAI offset: $(grep ADJ_TAI "$GP.trace" | head -3) / $(grep 'TAI offset' "$T_DIR/gm.log" | head -3)"
echo "gm kernel TAI offset: set once to 37 s ($(grep ADJ_TAI "$GP.trace"))"
[ "$3" -le 100 ] && [ "$6" -le 60 ] || die "gm system clock max $3 ns against UTC (limit 100), $6 ns against its PHC (limit 60)"
echo "PASS gm_phc_pps: phc rms $R ns max $M ns, pps out mean $PM ns max $PX ns, sys rms $2 ns max $3 ns"
