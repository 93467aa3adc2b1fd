#!/bin/sh
# A grandmaster on a plain NMEA 0183 GNSS receiver (time_source nmea):
# todenc encode --nmea sends ZDA and RMC sentences of the UTC second of
# each CLOCK_REALTIME edge through a pseudo-terminal pair to the gm's
# tod_device; the PPS edge comes from the simulated RFC 2783 device
# (test/sim/ppsdev.c, real-time pulses at every CLOCK_REALTIME second,
# 20 ns noise), as in gm_tod.sh, so the gm runs as the glibc build.  The
# gm's soft clock starts 3 ms and +20 ppm off and must be steered to the
# receiver's time (UTC + utc_offset 37 s); an oc converges to it (class 6,
# the same bounds as the ToD test).  Then: the fix is lost (RMC status V):
# holdover (7, seen by the oc); the sentences come 900 ms after the edge
# instead of 2 ms: the gm drops the first few (the learned delay jumped),
# learns the new one and locks again (6); at exit its counters say so.
# The PPS edges are simulated exactly (no load changes them); waits for a
# change end when the log shows it and are generous.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
GLIBC=${PTPBOX_GLIBC:-$top/build-glibc/ptpbox}
[ -x "$GLIBC" ] || die "no glibc build at $GLIBC"
net_init
gcc -shared -fPIC -O2 -o "$T_DIR/ppsdev.so" "$top/test/sim/ppsdev.c" -ldl -lm || die "shim"
net_host gm
net_host oc
net_link gm oc 1

run_bg "$T_DIR/ptypair.log" python3 "$top/test/tools/ptypair.py" "$T_DIR/nmeaA" "$T_DIR/nmeaB" --seconds 300
i=0
while [ ! -e "$T_DIR/nmeaB" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$T_DIR/nmeaB" ] || die "no pty pair"
encode() {
	run_bg "$T_DIR/todenc.log" "$PTPBOX" todenc encode --nmea --dev "$T_DIR/nmeaA" --baud 9600 \
		--clock=CLOCK_REALTIME "$@"
	ENC=$LAST_PID
}

cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock soft
soft_offset_ns 3000000
soft_freq_ppb 20000
time_source nmea
tod_device $T_DIR/nmeaB
tod_baud 9600
pps_device /dev/pps-sim
utc_offset 37
tod_loss_timeout 3
holdover_time 600
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
wait_for 15 "$T_DIR/gm.log" "time source nmea" || die "gm did not start: $(cat "$T_DIR/gm.log")"
# never a fix before: free run (52 in ocp-dc, 248 in the default profile);
# RMC A and ZDA paired with their edges: 52 -> 6, then |offset| < 1 us
wait_for 30 "$T_DIR/gm.log" "clockClass 52 -> 6" || die "gm never locked: $(tail -20 "$T_DIR/gm.log")"
grep -q "tod: GNSS fix 3 alarms 0x0000: usable" "$T_DIR/gm.log" || die "no fix from RMC A"
# steady: 3 s2 lines in a row below 1 us
steady() {
	i=0
	while [ $i -lt 40 ]; do
		n=$(awk -v from="$1" 'NR > from && /tod offset/ { o = $4; if (o < 0) o = -o
			if ($5 == "s2" && o < 1000) n++; else n = 0 } END { print n + 0 }' "$T_DIR/gm.log")
		[ "$n" -ge 3 ] && return 0
		sleep 1; i=$((i + 1))
	done
	return 1
}
steady 0 || die "gm offset to PPS+NMEA not below 1 us: $(grep 'tod offset' "$T_DIR/gm.log" | tail -5)"
echo "gm locked to PPS+NMEA: $(grep 'tod offset' "$T_DIR/gm.log" | tail -1)"
# the second paired is the receiver's UTC + 37 s: the soft clock ends on
# CLOCK_REALTIME (= the PPS), not a second off
truth=$(grep "soft clock true time error" "$T_DIR/gm.log" | tail -3 | awk '
	{ o = $7; if (o < 0) o = -o; if (o > m) m = o } END { printf "%.0f", m }')
echo "gm soft clock true |time error| (vs CLOCK_REALTIME = the PPS): max $truth ns over the last 3 s"
[ "$truth" -lt 2000 ] || die "gm true time error $truth ns"

run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
wait_locked 60 "$T_DIR/oc.log" 3 || { tail -20 "$T_DIR/oc.log"; die "oc did not converge to the NMEA gm"; }
OC="ip netns exec $NS_oc"
cls() { $OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" 'GET PARENT_DATA_SET' |
	awk '/gm.ClockClass/ { print $2 }'; }
[ "$(cls)" = 6 ] || die "oc sees clockClass $(cls), want 6"
echo "oc converged to the gm: $(grep 'master offset' "$T_DIR/oc.log" | tail -1)"

# the fix is lost: RMC V (ZDA goes on, not taken without a fix): holdover
stop_pid "$ENC" || die "todenc did not exit"
encode --fix none
wait_for 15 "$T_DIR/gm.log" "clockClass 6 -> 7" || die "no holdover: $(tail -5 "$T_DIR/gm.log")"
grep -q "tod: GNSS fix 0 alarms 0x0000: not usable" "$T_DIR/gm.log" &&
	grep -q "time source lost (GNSS fix)" "$T_DIR/gm.log" || die "fix lost not said: $(tail -5 "$T_DIR/gm.log")"
i=0
while [ "$(cls)" != 7 ] && [ $i -lt 20 ]; do sleep 1; i=$((i + 1)); done
[ "$(cls)" = 7 ] || die "oc sees clockClass $(cls) in holdover, want 7"
echo "fix lost: gm clockClass 6 -> 7 (the oc saw 7)"

# the fix is back, the sentences 900 ms after their edge: locked again
stop_pid "$ENC" || die "todenc did not exit"
from=$(wc -l <"$T_DIR/gm.log")
encode --delay 900
i=0
while ! grep -q "clockClass 7 -> 6" "$T_DIR/gm.log" && [ $i -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
grep -q "clockClass 7 -> 6" "$T_DIR/gm.log" || die "gm did not relock at 900 ms: $(tail -5 "$T_DIR/gm.log")"
steady "$from" || die "gm offset at 900 ms not below 1 us: $(grep 'tod offset' "$T_DIR/gm.log" | tail -5)"
echo "sentences 900 ms after the edge: clockClass 7 -> 6, $(grep 'tod offset' "$T_DIR/gm.log" | tail -1)"
i=0
while [ "$(cls)" != 6 ] && [ $i -lt 20 ]; do sleep 1; i=$((i + 1)); done
[ "$(cls)" = 6 ] || die "oc sees clockClass $(cls) after relock, want 6"
stop_pid "$ENC" || die "todenc did not exit"
grep "sent .* seconds, late 0" "$T_DIR/todenc.log" >/dev/null || die "todenc late: $(cat "$T_DIR/todenc.log")"
# the counters at exit: the learned delay is the new one; the first
# sentences at 900 ms were dropped as a jump (NMEA_RELEARN = 4), none
# malformed
stop_pid "$GM" || die "gm did not exit"
line=$(grep "nmea: .* sentences" "$T_DIR/gm.log") || die "no nmea summary: $(tail -5 "$T_DIR/gm.log")"
echo "$line"
echo "$line" | awk '{ for (i = 1; i <= NF; i++) if ($i == "delay") d = $(i + 1)
	n = split($0, w, " "); c = w[n - 5]; l = w[n - 4]; f = w[n - 3]; j = w[n]
	exit !(d >= 850 && d <= 920 && c == 0 && l == 0 && f == 0 && j >= 4) }' ||
	die "nmea counters: want delay ~900 ms, 0 checksum/long/field, 4 or more jumps"
echo "PASS gm_nmea"
