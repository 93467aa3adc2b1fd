#!/bin/sh
# ppsmon's live sources (hw/pps.c: RFC 2783 PPS and PHC external
# timestamps) against simulated kernel devices (test/sim/ppsdev.c, an
# LD_PRELOAD twin of the ioctl/read interface, so the glibc build is used).
# Each model injects known time error, missing pulses, a spurious pulse and
# an outlier; the test checks ppsmon finds exactly those, and the ioctls it
# made.
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPBOX=${PTPBOX_GLIBC:-$top/build-glibc/ptpbox}
. "$(dirname "$0")/../checks.sh"
d=$(mktemp -d /tmp/ptpbox-ppslive.XXXXXX)
trap 'rm -rf "$d"' EXIT
[ -x "$PTPBOX" ] || { echo "no glibc build at $PTPBOX (make CC=gcc STATIC=0 B=build-glibc)"; exit 1; }
gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$d/ppsdev.so" "$top/test/sim/ppsdev.c" -ldl -lm ||
	exit 1
export PTPBOX_SIM_PPS=/dev/pps-sim PTPBOX_SIM_PHC=/dev/ptp-sim PTPBOX_SIM_LOG="$d/log"
sim() { LD_PRELOAD="$d/ppsdev.so" "$PTPBOX" ppsmon "$@"; }

# 1. RFC 2783 device: 1000 pulses, TE 37 +- 10 ns, pulses 100 and 101
# missing, a 5 us outlier at 400, a spurious pulse 300 ms after 500
export PTPBOX_SIM_PPS_MODEL="offset=37,noise=10,count=1000,miss=100+101,spike=400:5000,dup=500"
sim --pps /dev/pps-sim --count 998 --interval 200 --json >"$d/j" 2>"$d/e"; r=$?
[ $r -eq 0 ] && ok || ko "pps: exit $r $(cat "$d/e")"
[ "$(json "$d/j" "j['samples'], j['missing'], j['outliers'], j['duplicates'], 5027 <= j['max_abs_te_ns'] <= 5047")" = \
	"1000 2 1 1 True" ] && ok || ko "pps events: $(cat "$d/j")"
# mean over 1000 samples of 37 +- 10 plus one 5 us spike: 37 + 5 +- 1
[ "$(json "$d/j" "abs(j['mean_te_ns'] - 42) < 1.5")" = True ] && ok || ko "pps mean: $(cat "$d/j")"
grep -q "pps-sim second 1700000102: 2 samples missing" "$d/e" &&
	grep -q "second 1700000400: outlier" "$d/e" && grep -q "second 1700000500: duplicate" "$d/e" &&
	ok || ko "pps event log: $(cat "$d/e")"
# summary lines every 200 s go to stderr with --json
[ "$(grep -c "^ppsmon: second .* samples .* max|TE|" "$d/e")" -eq 4 ] && ok || ko "summary lines: $(cat "$d/e")"
grep -q "^PPS_GETCAP" "$d/log" && grep -q "^PPS_SETPARAMS api 1 mode 0x1001" "$d/log" && ok ||
	ko "pps ioctls: $(cat "$d/log")"

# --drop-outliers and a bounded window: the report covers the last 300
sim --pps /dev/pps-sim --count 998 --window 300 --drop-outliers --interval 1000 --json >"$d/j" 2>/dev/null
[ "$(json "$d/j" "j['samples'], j['outliers'], j['max_abs_te_ns'] <= 47")" = "300 1 True" ] && ok ||
	ko "window/drop: $(cat "$d/j")"

# a mask verdict on live data: PRTC-B (40 ns) fails, OCP GM-OC passes
PTPBOX_SIM_PPS_MODEL="offset=20,noise=25,count=400" sim --pps /dev/pps-sim --count 400 --mask prtc-b \
	>"$d/t" 2>/dev/null; r=$?
[ $r -eq 3 ] && grep -q "mask prtc-b .*FAIL" "$d/t" && ok || ko "live prtc-b: exit $r $(cat "$d/t")"
PTPBOX_SIM_PPS_MODEL="offset=20,noise=25,count=400" sim --pps /dev/pps-sim --count 400 --mask ocp-gm-oc \
	>"$d/t" 2>/dev/null; r=$?
[ $r -eq 0 ] && ok || ko "live ocp: exit $r $(cat "$d/t")"

# 2. PHC external timestamps on channel 2, events of another channel
# interleaved (filtered out), a sine of 15 ns over 200 s
: >"$d/log"
export PTPBOX_SIM_PHC_MODEL="offset=-20,sine=15,period=200,count=800,other=1"
sim --phc /dev/ptp-sim --channel 2 --count 800 --json >"$d/j" 2>"$d/e"; r=$?
[ $r -eq 0 ] && [ "$(json "$d/j" "j['samples'], j['missing'], j['outliers'], abs(j['mean_te_ns'] + 20) < 0.6, abs(j['max_abs_te_ns'] - 35) <= 1")" = \
	"800 0 0 True True" ] && ok || ko "phc: exit $r $(cat "$d/j" "$d/e")"
# MTIE over half the sine period is its peak-to-peak, 30 ns
[ "$(json "$d/j" "[p['ns'] for p in j['mtie'] if p['tau_s'] == 100][0] == 30")" = True ] && ok || ko "phc sine MTIE"
grep -q "^PTP_PIN_SETFUNC pin 2 func 1 chan 2" "$d/log" &&
	grep -q "^PTP_EXTTS_REQUEST index 2 flags 0x3" "$d/log" &&
	grep -q "^PTP_EXTTS_REQUEST index 2 flags 0x0" "$d/log" && ok || ko "phc ioctls: $(cat "$d/log")"
# a PHC without programmable pins: the default pin setup only warns, an
# explicit --pin is an error
PTPBOX_SIM_PHC_MODEL="count=50,nopins=1" sim --phc /dev/ptp-sim --channel 0 --count 50 >/dev/null 2>"$d/e"; r=$?
[ $r -eq 0 ] && grep -q "trying without pin setup" "$d/e" && ok || ko "no pins default: exit $r $(cat "$d/e")"
PTPBOX_SIM_PHC_MODEL="count=50,nopins=1" sim --phc /dev/ptp-sim --channel 0 --pin 3 --count 50 >/dev/null 2>"$d/e"; r=$?
[ $r -eq 3 ] && grep -q "PTP_PIN_SETFUNC pin 3" "$d/e" && ok || ko "no pins explicit: exit $r $(cat "$d/e")"

# 3. two sources: relative TE (coherency) PPS minus PHC, paired by second;
# a pulse the PHC missed leaves a gap and a spurious PPS pulse is dropped,
# neither makes a wrong pair
export PTPBOX_SIM_PPS_MODEL="offset=37,noise=5,count=600,dup=20"
export PTPBOX_SIM_PHC_MODEL="offset=-20,noise=5,count=600,miss=50"
sim --pps /dev/pps-sim --phc /dev/ptp-sim --channel 0 --count 599 --mask cnprtc-coherency --json \
	>"$d/j" 2>"$d/e"; r=$?
# 57 +- 10 ns: fails the 40 ns coherency limit
[ $r -eq 3 ] && [ "$(json "$d/j" "j['relative'], j['samples'], j['missing'], j['duplicates'], abs(j['mean_te_ns'] - 57) < 1, j['max_abs_te_ns'] <= 67")" = \
	"True 600 1 1 True True" ] && ok || ko "relative: exit $r $(cat "$d/j" "$d/e")"

# 4. a source that stops: ppsmon says so and reports at --duration
PTPBOX_SIM_PPS_MODEL="count=20" sim --pps /dev/pps-sim --duration 4 >"$d/t" 2>"$d/e"; r=$?
[ $r -eq 0 ] && grep -q "no pulse for 3 s" "$d/e" && grep -q "time error: 20 samples" "$d/t" && ok ||
	ko "silent source: exit $r $(cat "$d/e" "$d/t")"

checks_done
