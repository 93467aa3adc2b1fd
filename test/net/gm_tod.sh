#!/bin/sh
# A grandmaster behind a PRTC: todenc encode sends G.8271 Annex A messages
# (time of CLOCK_REALTIME + 37 s, clockClass 6) through a pseudo-terminal
# pair to the gm's tod_device; the PPS edge comes from a simulated RFC 2783
# device (test/sim/ppsdev.c, real-time pulses at every CLOCK_REALTIME
# second, 20 ns noise), so the gm runs as the glibc build.  The gm's soft
# clock starts 3 ms and +20 ppm off and must be steered to the ToD time;
# an oc converges to it; when the ToD stream stops the gm goes to holdover
# (clockClass 7, seen by the oc), then free run (52); when it returns, 6.
# With summary_interval 1 the gm logs a "tod rms" summary every 2 s instead
# of a "tod offset" line per second.
# The PPS edges are simulated exactly (no load changes them); waits for a
# change end when the log shows it and are generous, so that a loaded
# machine only makes the test slower.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
GLIBC=${PTPBOX_GLIBC:-$top/build-glibc/ptpbox}
[ -x "$GLIBC" ] || die "no glibc build at $GLIBC"
net_init
gcc -shared -fPIC -O2 -o "$T_DIR/ppsdev.so" "$top/test/sim/ppsdev.c" -ldl -lm || die "shim"
net_host gm
net_host oc
net_link gm oc 1

run_bg "$T_DIR/ptypair.log" python3 "$top/test/tools/ptypair.py" "$T_DIR/todA" "$T_DIR/todB" --seconds 300
i=0
while [ ! -e "$T_DIR/todB" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$T_DIR/todB" ] || die "no pty pair"
encode() {
	run_bg "$T_DIR/todenc.log" "$PTPBOX" todenc encode --dev "$T_DIR/todA" --clock=CLOCK_REALTIME \
		--clockClass=6 --clockAccuracy=0x21 --offsetScaledLogVariance=0x4E5D --timeSource=0x20 "$@"
	ENC=$LAST_PID
}

cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock soft
soft_offset_ns 3000000
soft_freq_ppb 20000
time_source tod
tod_device $T_DIR/todB
pps_device /dev/pps-sim
tod_loss_timeout 3
holdover_time 4
uds_address none
CFG
cat >"$T_DIR/oc.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock soft
soft_offset_ns 250000
unicast_master_table 1
uds_address $T_DIR/oc.sock
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
CFG

encode
run_in gm "$T_DIR/gm.log" env LD_PRELOAD="$T_DIR/ppsdev.so" PTPBOX_SIM_PPS=/dev/pps-sim \
	PTPBOX_SIM_PPS_MODEL="realtime=1,offset=0,noise=20" "$GLIBC" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
GM=$LAST_PID
wait_for 15 "$T_DIR/gm.log" "time source tod" || die "gm did not start: $(cat "$T_DIR/gm.log")"
# the gm locks to PPS + ToD: clockClass 52 -> 6, then |offset| < 1 us
wait_for 30 "$T_DIR/gm.log" "clockClass 52 -> 6" || die "gm never locked: $(tail -20 "$T_DIR/gm.log")"
i=0
while [ $i -lt 40 ]; do
	n=$(awk '/tod offset/ { o = $4; if (o < 0) o = -o; if ($5 == "s2" && o < 1000) n++; else n = 0 }
		END { print n + 0 }' "$T_DIR/gm.log")
	[ "$n" -ge 3 ] && break
	sleep 1; i=$((i + 1))
done
[ "$n" -ge 3 ] || die "gm offset to PPS+ToD not below 1 us: $(grep 'tod offset' "$T_DIR/gm.log" | tail -5)"
echo "gm locked to PPS+ToD after about $((i + 1)) s more: $(grep 'tod offset' "$T_DIR/gm.log" | tail -1)"
truth=$(grep "soft clock true time error" "$T_DIR/gm.log" | tail -3 | awk '
	{ o = $7; if (o < 0) o = -o; if (o > m) m = o } END { printf "%.0f", m }')
echo "gm soft clock true |time error| (vs CLOCK_REALTIME = the PPS): max $truth ns over the last 3 s"
[ "$truth" -lt 2000 ] || die "gm true time error $truth ns"

run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
wait_locked 60 "$T_DIR/oc.log" 3 || { tail -20 "$T_DIR/oc.log"; die "oc did not converge to the ToD gm"; }
OC="ip netns exec $NS_oc"
cls() { $OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" 'GET PARENT_DATA_SET' |
	awk '/gm.ClockClass/ { print $2 }'; }
[ "$(cls)" = 6 ] || die "oc sees clockClass $(cls), want 6"
grep -q "tod: time announce" "$T_DIR/gm.log" && die "time announce clockClass 6 = locked class: no change expected"
echo "oc converged to the gm: $(grep 'master offset' "$T_DIR/oc.log" | tail -1)"

# the ToD stream stops: lost after tod_loss_timeout (3 s) -> 7 -> 52
stop_pid "$ENC" || die "todenc did not exit"
wait_for 15 "$T_DIR/gm.log" "clockClass 6 -> 7" || die "no holdover: $(tail -5 "$T_DIR/gm.log")"
grep -q "tod: time source lost (no time event)" "$T_DIR/gm.log" || die "no loss message"
i=0
while [ "$(cls)" != 7 ] && [ $i -lt 20 ]; do sleep 1; i=$((i + 1)); done
[ "$(cls)" = 7 ] || die "oc sees clockClass $(cls) in holdover, want 7"
wait_for 15 "$T_DIR/gm.log" "clockClass 7 -> 52" || die "no free run after holdover_time"
echo "ToD stopped: gm clockClass 6 -> 7 (the oc saw 7) -> 52"
# the stream returns: locked again
encode
i=0
while [ "$(grep -c "clockClass 52 -> 6" "$T_DIR/gm.log")" -lt 2 ] && [ $i -lt 40 ]; do
	sleep 0.5; i=$((i + 1))
done
[ "$(grep -c "clockClass 52 -> 6" "$T_DIR/gm.log")" -eq 2 ] || die "gm did not relock: $(tail -5 "$T_DIR/gm.log")"
echo "ToD back: clockClass 52 -> 6"
# messages keep coming but the GNSS status says no fix: lost as well; one
# writer on the pseudo-terminal at a time
stop_pid "$ENC" || die "todenc did not exit"
encode --fix none
i=0
while [ "$(grep -c "clockClass 6 -> 7" "$T_DIR/gm.log")" -lt 2 ] && [ $i -lt 40 ]; do
	sleep 0.5; i=$((i + 1))
done
grep -q "tod: GNSS fix 0 alarms 0x1000: not usable" "$T_DIR/gm.log" &&
	grep -q "time source lost (GNSS fix)" "$T_DIR/gm.log" &&
	[ "$(grep -c "clockClass 6 -> 7" "$T_DIR/gm.log")" -eq 2 ] || die "no fix did not mean lost: $(tail -5 "$T_DIR/gm.log")"
echo "GNSS status without a fix: clockClass 6 -> 7"
# its summary line is written at exit
stop_pid "$ENC" || die "todenc did not exit"
grep "sent .* seconds, late 0" "$T_DIR/todenc.log" >/dev/null || die "todenc late: $(cat "$T_DIR/todenc.log")"
# the log as ptp4l's: with summary_interval 1 (2 s, longer than the second
# between time events) a "tod rms" summary every 2 s (no path delay: the
# short form) instead of a "tod offset" line a second
stop_pid "$GM" || die "gm did not exit"
encode
run_in gm "$T_DIR/gm2.log" env LD_PRELOAD="$T_DIR/ppsdev.so" PTPBOX_SIM_PPS=/dev/pps-sim \
	PTPBOX_SIM_PPS_MODEL="realtime=1,offset=0,noise=20" "$GLIBC" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q \
	--summary_interval=1
wait_for 30 "$T_DIR/gm2.log" "clockClass 52 -> 6" || die "summary: gm never locked: $(tail -5 "$T_DIR/gm2.log")"
nap 9
grep "tod rms" "$T_DIR/gm2.log" | sed 's/^gm\[\([0-9.]*\)\].*/\1/' |
	awk 'p { d = $1 - p; if (d < 1.9 || d > 2.1) bad = 1 } { p = $1 } END { exit bad || NR < 3 }' ||
	die "summary: 'tod rms' lines not every 2 s: $(cat "$T_DIR/gm2.log")"
[ "$(grep "tod rms" "$T_DIR/gm2.log" | grep -Evc '^gm\[[0-9.]+\]: tod rms +[0-9]+ max +[0-9]+ freq +[-+][0-9]+ [+]/- +[0-9]+$')" -eq 0 ] ||
	die "summary: not ptp4l's format: $(grep "tod rms" "$T_DIR/gm2.log")"
! grep -q "tod offset" "$T_DIR/gm2.log" || die "summary: per-second lines: $(grep -c "tod offset" "$T_DIR/gm2.log")"
echo "summary_interval 1: $(grep "tod rms" "$T_DIR/gm2.log" | tail -1)"
stop_pid "$ENC" || die "todenc did not exit"
echo "PASS gm_tod"
