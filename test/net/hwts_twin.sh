#!/bin/sh
# The hardware path end to end through the kernel twin of a NIC with a PHC
# (test/sim/phcdev.c, LD_PRELOAD, so the glibc build runs): gm and oc in two
# namespaces over veth, both with `time_stamping hardware` and `clock auto`,
# so hw/ takes the interface's PHC (ETHTOOL_GET_TS_INFO, /dev/ptpN as a
# dynamic POSIX clock), turns hardware stamping on (SIOCSHWTSTAMP) and reads
# hardware stamps (SCM_TIMESTAMPING ts[2], 8 ns steps).  Each process has
# its own PHC, a simulated oscillator: the gm's runs 3 ppm slow, the oc's
# starts 400 us ahead, 12 ppm fast, with a 1 ppb/sqrt(s) random walk.  The
# oc disciplines its PHC by PTP; both twins log their PHC's true error
# against CLOCK_REALTIME, so the oc's PHC minus the gm's PHC at the same
# true instants is its true time error, printed over STEADY s of steady
# state.
#
#  1. Refusals: an interface without hardware stamps, a PHC that does not
#     open, one-step asked of a NIC without it, a driver applying a
#     narrower receive filter than asked: exit 3 and the reason.
#  2. Extts: ppsmon --phc reads the twin's PPS input (hw/pps.c).
#  3. Three sessions: a two-step gm and a one-step gm (twoStepFlag 0:
#     HWTSTAMP_TX_ONESTEP_SYNC, the twin writes originTimestamp at
#     transmit) on the twin's modelled wire (PHCDEV_WIRE: stamps from the
#     send time and 800 ns + 100 ns * Exp(1) each way, exact whatever the
#     load: tight bounds); then a two-step gm with stamps from the kernel's
#     software stamps (on veth about 2.5 us apart, +-0.3 us, not alike both
#     ways: loose bounds).
#
#  4. The system clock kept on the oc's PHC (sys_sync, phc2sys's job) in
#     each session, a soft clock in CLOCK_REALTIME's place (sys_clock soft)
#     starting 5 ms and +20 ppm off: the gm's PHC keeps TAI (tai=1), so
#     the system clock must keep the gm's PHC - currentUtcOffset (37 s).
#     Its true error against that and against the oc's own PHC, from its
#     logged truth and the twins' logs.  The twin's PHC register read takes
#     1.5 us with the PHC latched at 80 % of it, so PTP_SYS_OFFSET, which
#     brackets the whole read, is 300 ns off the middle; each session
#     forces another method: PRECISE (exact), EXTENDED (the latch alone),
#     basic (the whole read: a bias of about 300 ns).
#  5. summary_interval 1 (2 s): the oc's ptp4l summaries and sys_sync's
#     phc2sys-style "CLOCK_REALTIME rms" summaries, with the soft system
#     clock's truth, every 2 s and no per-sample line (sessions 1-3 run
#     with summary_interval -4: a line per sample).
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
GLIBC=${PTPBOX_GLIBC:-$top/build-glibc/ptpbox}
TWIN=${PHCDEV_SO:-$top/build-glibc/phcdev.so}
SETTLE=${SETTLE:-10} # s after the oc locked before the steady state
STEADY=${STEADY:-20} # s of steady state measured
[ -x "$GLIBC" ] || die "no glibc build at $GLIBC (make CC=gcc STATIC=0 B=build-glibc)"
[ -f "$TWIN" ] || die "no $TWIN (make CC=gcc STATIC=0 B=build-glibc build-glibc/phcdev.so)"
PTPBOX=$GLIBC
net_init
net_host gm
net_host oc
net_link gm oc 1

cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping hardware
clock auto
uds_address none
CFG
cat >"$T_DIR/oc.cfg" <<CFG
[global]
profile ocp-dc
time_stamping hardware
clock auto
sys_sync 1
sys_clock soft
metrics_file $T_DIR/oc.prom
soft_offset_ns 5000000
soft_freq_ppb 20000
logSyncInterval -4
summary_interval -4
logMinDelayReqInterval -4
first_step_threshold 0.00002
uds_address none
unicast_master_table 1
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
CFG

# session NAME TWOSTEP STAMPS RMS_LIMIT MAX_LIMIT SYSOFF SYS_LIMIT: gm and
# oc under the twin until STEADY s of steady state, the oc's PHC true error
# within the limits (ns); STAMPS wire (PHCDEV_WIRE: 800 ns + 100 ns * Exp(1)
# each way) or kernel; the oc's system clock read with method SYSOFF
# (precise, extended, basic: the better ones switched off in its twin), its
# true error against its own PHC's UTC within SYS_LIMIT ns (max).  Sets
# RMS, MAX, SRMS, SMAX (against the gm), PRMS, PMAX (against its PHC).
session() {
	name=$1 twostep=$2 stamps=$3 rlim=$4 mlim=$5 sysoff=$6 slim=$7
	gl=$T_DIR/gm-$name.log; ol=$T_DIR/oc-$name.log
	gp=$T_DIR/gm-$name.phc; op=$T_DIR/oc-$name.phc
	wg=$(twin_stamps "$stamps" 3); wo=$(twin_stamps "$stamps" 4)
	run_in gm "$gl" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 PHCDEV_INDEX=0 "$wg" \
		PHCDEV_MODEL="offset=0,tai=1,freq=-3000,seed=11" PHCDEV_LOG="$gp" PHCDEV_TRACE="$gp.trace" \
		"$GLIBC" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q --twoStepFlag="$twostep"
	gpid=$LAST_PID
	wait_for 15 "$gl" "assuming the grand master role" || die "$name: gm did not start: $(cat "$gl")"
	case $sysoff in
	precise) so=PHCDEV_NONE=1 ;;
	extended) so=PHCDEV_NO_PRECISE=1 ;;
	basic) so="PHCDEV_NO_PRECISE=1 PHCDEV_NO_EXTENDED=1" ;;
	esac
	# shellcheck disable=SC2086 # $so: one or two assignments
	run_in oc "$ol" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pb1 PHCDEV_INDEX=1 "$wo" $so \
		PHCDEV_MODEL="offset=400000,freq=12000,wander=1,seed=7,read=1500,latch=0.8" PHCDEV_LOG="$op" \
		PHCDEV_TRACE="$op.trace" "$GLIBC" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
	opid=$LAST_PID
	wait_locked 60 "$ol" 16 || { cat "$ol"; die "$name: oc did not lock within 60 s"; }
	grep -q "clock phc, hardware time stamping" "$ol" || die "$name: oc not on its PHC with hardware stamps: $(head -3 "$ol")"
	nap "$SETTLE"
	from=$(date +%s%N)
	nap "$STEADY"
	to=$(date +%s%N)
	# the system clock's metrics: locked, the last offset small
	python3 - "$T_DIR/oc.prom" "$slim" <<'PY' || die "$name: metrics: $(grep sys "$T_DIR/oc.prom")"
import sys
v = {}
for line in open(sys.argv[1]):
    if not line.startswith("#"):
        k, x = line.rsplit(" ", 1)
        v[k.split("{")[0]] = float(x)
assert v["ptpbox_oc_sys_servo_state"] == 2, v
assert abs(v["ptpbox_oc_sys_offset_ns"]) < float(sys.argv[2]), v
assert v["ptpbox_oc_sys_measurements_total"] >= 5 and v["ptpbox_oc_sys_measurement_errors_total"] == 0, v
PY
	stop_pid "$opid" || die "$name: oc did not stop"
	stop_pid "$gpid" || die "$name: gm did not stop"

	# the ioctls hw/ made: the PHC behind the interface, hardware stamping on
	grep -q "^ETHTOOL_GET_TS_INFO pa1 phc 0" "$gp.trace" && grep -q "^open /dev/ptp0" "$gp.trace" &&
		grep -q "^PTP_CLOCK_GETCAPS" "$gp.trace" || die "$name: gm's PHC set-up: $(cat "$gp.trace")"
	want=$([ "$twostep" = 1 ] && echo 1 || echo 2) # HWTSTAMP_TX_ON or _ONESTEP_SYNC
	grep -q "^SIOCSHWTSTAMP pa1 flags 0 tx $want rx 12" "$gp.trace" ||
		die "$name: gm's SIOCSHWTSTAMP: $(grep HWTSTAMP "$gp.trace")"
	grep -q "^SIOCSHWTSTAMP pb1 flags 0 tx 1 rx 12" "$op.trace" && grep -q "^open /dev/ptp1" "$op.trace" ||
		die "$name: oc's PHC set-up: $(cat "$op.trace")"
	# hardware stamps went both ways, the oc steered its PHC
	for f in rx tx adjfreq step; do eval "o_$f=\$(twin_summary $f "$op")"; done
	for f in rx tx; do eval "g_$f=\$(twin_summary $f "$gp")"; done
	[ "${o_rx:-0}" -gt 100 ] && [ "${o_tx:-0}" -gt 100 ] && [ "${g_rx:-0}" -gt 100 ] ||
		die "$name: hardware stamps: oc rx $o_rx tx $o_tx, gm rx $g_rx: $(grep '^#' "$op" "$gp")"
	[ "${o_adjfreq:-0}" -gt 100 ] && [ "${o_step:-0}" -ge 1 ] ||
		die "$name: the oc's PHC: $o_adjfreq frequency adjustments, $o_step steps"
	if [ "$stamps" = wire ]; then
		[ "$(twin_summary wire_rx "$op")" -gt 100 ] && [ "$(twin_summary wire_rx "$gp")" -gt 100 ] ||
			die "$name: stamps not from the wire: $(grep '^#' "$op" "$gp")"
	fi
	if [ "$twostep" = 1 ]; then
		[ "${g_tx:-0}" -gt 100 ] || die "$name: gm got $g_tx hardware transmit stamps"
	else
		# one-step: no transmit stamp for a Sync, the twin wrote each one
		sent=$(twin_summary sent "$gp")
		[ "${g_tx:-0}" -eq 0 ] && [ "${sent:-0}" -gt 100 ] ||
			die "$name: one-step: $sent Syncs written, $g_tx transmit stamps: $(grep '^#' "$gp")"
		grep "^# onestep" "$gp" | sed 's/^# /twin: /'
	fi
	servo_lines "$ol" | tail -50 | awk '$2 != "s2" { bad = 1 } END { exit bad }' ||
		die "$name: the servo left s2 in the steady state"
	set -- $(offset_stats "$ol" 480)
	echo "$name: oc servo over the last $1 Syncs: rms offset $2 ns, max $3 ns"
	set -- $(phc_error "$gp" "$op" "$from" "$to") || die "$name: no PHC error from the twins' logs"
	[ "${1:-0}" -gt 100 ] || die "$name: $1 samples of PHC error"
	echo "$name: oc PHC true error against the gm's PHC, $STEADY s steady state ($1 samples every 100 ms): rms $2 ns, max $3 ns, mean $4 ns"
	RMS=$2; MAX=$3
	[ "$2" -lt "$rlim" ] && [ "$3" -lt "$mlim" ] || die "$name: PHC true error rms $2 ns (limit $rlim), max $3 ns (limit $mlim)"

	# the system clock: on the method asked for, stepped once, then
	# following the PHC
	want=$(case $sysoff in precise) echo _PRECISE ;; extended) echo _EXTENDED ;; esac)
	grep -q "sys_sync: the soft system clock kept on the PHC, the best of 5 readings of PTP_SYS_OFFSET$want every" "$ol" ||
		die "$name: sys_sync not on PTP_SYS_OFFSET$want: $(grep sys_sync "$ol")"
	grep -Eq "^PTP_SYS_OFFSET$want( |$)" "$op.trace" || die "$name: no PTP_SYS_OFFSET$want: $(grep SYS_OFFSET "$op.trace" | sort | uniq -c)"
	grep "CLOCK_REALTIME phc offset" "$ol" | tail -10 | awk '$6 != "s2" { bad = 1 } END { exit bad }' ||
		die "$name: the system clock's servo not locked: $(grep 'CLOCK_REALTIME' "$ol" | tail -5)"
	set -- $(sys_error "$ol" "$op" "$from" "$to") || die "$name: no system clock error"
	[ "${1:-0}" -ge $((STEADY - 2)) ] || die "$name: $1 system clock samples in $STEADY s"
	PRMS=$2; PMAX=$3
	echo "$name: system clock ($sysoff) true error against the oc's PHC - 37 s: rms $2 ns, max $3 ns, mean $4 ns"
	set -- $(sys_error "$ol" "$gp" "$from" "$to") || die "$name: no system clock error"
	SRMS=$2; SMAX=$3
	echo "$name: system clock true error against the gm's PHC - 37 s: rms $2 ns, max $3 ns, mean $4 ns"
	[ "$PMAX" -lt "$slim" ] || die "$name: system clock $PMAX ns from its PHC (limit $slim)"
	# the kernel's TAI offset from the master's valid currentUtcOffset:
	# 37 s, set once, not each second (the twin records ADJ_TAI and
	# leaves the host's kernel alone)
	[ "$(grep -c "ADJ_TAI" "$op.trace")" -eq 1 ] &&
		grep -q "^clock_adjtime ADJ_TAI 37 (recorded, not applied)" "$op.trace" &&
		[ "$(grep -c "sys_sync: kernel TAI offset 37 s: set" "$ol")" -eq 1 ] ||
		die "$name: TAI offset: $(grep ADJ_TAI "$op.trace" | head -3) / $(grep 'TAI offset' "$ol" | head -3)"
}

# refuse WHAT PATTERN VAR=VALUE [OPTION]: the gm under the twin with
# VAR=VALUE (and OPTION) stops at once, exit status 3, a message matching
# PATTERN
refuse() {
	timeout 20 ip netns exec "$NS_gm" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 "$3" \
		"$GLIBC" gm -f "$T_DIR/gm.cfg" -i pa1 -q ${4:+"$4"} >"$T_DIR/refuse.log" 2>&1
	rc=$?
	[ $rc -eq 3 ] && grep -qF "$2" "$T_DIR/refuse.log" ||
		die "$1: exit $rc, want 3 and '$2': $(cat "$T_DIR/refuse.log")"
	echo "$1: exit 3, $(head -1 "$T_DIR/refuse.log")"
}
refuse "no hardware stamps" "pa1: no PTP hardware clock" PHCDEV_NO_HWTS=1
refuse "no /dev/ptp0" "/dev/ptp0: No such file or directory" PHCDEV_NO_PHC=1
refuse "no one-step" "no one-step Sync in hardware (set twoStepFlag 1)" PHCDEV_NO_ONESTEP=1 \
	--twoStepFlag=0
# a driver that applies a narrower receive filter than asked (Ethernet only)
refuse "narrower rx_filter" "the driver applied rx_filter 9, which does not stamp every PTP v2" \
	PHCDEV_RX_APPLY=9

# an oc whose PHC cannot be read against the system clock at all
# (sys_sync): no PTP_SYS_OFFSET of any kind
timeout 20 ip netns exec "$NS_oc" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pb1 PHCDEV_INDEX=1 \
	PHCDEV_NO_PRECISE=1 PHCDEV_NO_EXTENDED=1 PHCDEV_NO_SYSOFF=1 \
	"$GLIBC" oc -f "$T_DIR/oc.cfg" -i pb1 -q >"$T_DIR/refuse.log" 2>&1
rc=$?
[ $rc -eq 3 ] && grep -qF "sys_sync: the PHC cannot be read against CLOCK_REALTIME (PTP_SYS_OFFSET*): Operation not supported (set sys_sync 0)" "$T_DIR/refuse.log" ||
	die "no PTP_SYS_OFFSET: exit $rc: $(cat "$T_DIR/refuse.log")"
echo "no PTP_SYS_OFFSET: exit 3, $(head -1 "$T_DIR/refuse.log")"
# free_running 1 touches no clock: sys_sync does not even read the PHC
# against the system clock (it does at start otherwise)
for fr in 0 1; do
	timeout -s INT 2 ip netns exec "$NS_oc" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pb1 PHCDEV_INDEX=1 \
		PHCDEV_TRACE="$T_DIR/fr$fr.trace" "$GLIBC" oc -f "$T_DIR/oc.cfg" -i pb1 -q \
		--free_running=$fr >"$T_DIR/fr$fr.log" 2>&1
	grep -c "^PTP_SYS_OFFSET" "$T_DIR/fr$fr.trace" >"$T_DIR/fr$fr.n"
done
[ "$(cat "$T_DIR/fr0.n")" -ge 1 ] && [ "$(cat "$T_DIR/fr1.n")" -eq 0 ] ||
	die "free_running: PTP_SYS_OFFSET calls $(cat "$T_DIR/fr0.n") (free_running 0), $(cat "$T_DIR/fr1.n") (1): $(cat "$T_DIR/fr1.log")"
echo "free_running 1: the system clock left alone (no PTP_SYS_OFFSET), with 0 read at start"

# the PHC's external timestamps (hw/pps.c: PTP_PIN_SETFUNC, PTP_EXTTS_REQUEST,
# poll() and read() on /dev/ptp0): the twin's 1 Hz PPS at every true second,
# stamped by a PHC 1234 ns ahead (8 ns steps: 1232)
ip netns exec "$NS_gm" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 PHCDEV_MODEL=offset=1234 \
	PHCDEV_TRACE="$T_DIR/pps.trace" "$GLIBC" ppsmon --phc /dev/ptp0 --channel 0 --count 3 --json \
	>"$T_DIR/pps.json" 2>"$T_DIR/pps.err" || die "ppsmon --phc: $(cat "$T_DIR/pps.err")"
python3 -c "import json; j = json.load(open('$T_DIR/pps.json')); exit(not (j['samples'] == 3 and j['mean_te_ns'] == 1232 and j['max_abs_te_ns'] == 1232))" ||
	die "ppsmon --phc through the twin: $(cat "$T_DIR/pps.json")"
grep -q "^PTP_EXTTS_REQUEST index 0 flags 0x3" "$T_DIR/pps.trace" || die "extts: $(cat "$T_DIR/pps.trace")"
echo "extts: 3 PPS edges stamped by the PHC, time error 1232 ns each"

# the wire's stamps are exact to the 8 ns whatever the load: tight bounds;
# the kernel's software stamps on veth wander by a microsecond or more
session two-step 1 wire 60 250 precise 100
R2=$RMS; M2=$MAX; S2=$SRMS; SM2=$SMAX; P2="$PRMS/$PMAX"
session one-step 0 wire 60 250 extended 150
R1=$RMS; M1=$MAX; P1="$PRMS/$PMAX"
session kernel-stamps 1 kernel 5000 20000 basic 1000
# the log as phc2sys -u's and ptp4l's: with summary_interval 1 (2 s) longer
# than sys_sync's 0.25 s and the Sync interval, a "CLOCK_REALTIME rms"
# summary (without "delay" when every reading's window was 0, as with
# PTP_SYS_OFFSET_PRECISE), the soft system clock's truth and an "rms"
# summary every 2 s, and no per-sample line
run_in gm "$T_DIR/gm-sum.log" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 PHCDEV_INDEX=0 \
	"$(twin_stamps wire 3)" "$GLIBC" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
gpid=$LAST_PID
wait_for 15 "$T_DIR/gm-sum.log" "assuming the grand master role" || die "summary: gm did not start"
run_in oc "$T_DIR/oc-sum.log" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pb1 PHCDEV_INDEX=1 \
	"$(twin_stamps wire 4)" "$GLIBC" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q --summary_interval=1 \
	--sys_sync_rate=4
opid=$LAST_PID
nap 10
stop_pid "$opid" || die "summary: oc did not stop"
stop_pid "$gpid" || die "summary: gm did not stop"
SUM_RE='rms +[0-9]+ max +[0-9]+ freq +[-+][0-9]+ [+]/- +[0-9]+( delay +-?[0-9]+ [+]/- +[0-9]+)?$'
for what in "CLOCK_REALTIME rms" "system clock (soft) true" "]: rms"; do
	grep -F "$what" "$T_DIR/oc-sum.log" | sed 's/^oc\[\([0-9.]*\)\].*/\1/' |
		awk 'p { d = $1 - p; if (d < 1.9 || d > 2.1) bad = 1 } { p = $1 } END { exit bad || NR < 3 }' ||
		die "summary: '$what' lines not every 2 s: $(cat "$T_DIR/oc-sum.log")"
done
[ "$(grep -F "CLOCK_REALTIME rms" "$T_DIR/oc-sum.log" | grep -Evc "^oc\[[0-9.]+\]: CLOCK_REALTIME $SUM_RE")" -eq 0 ] &&
	[ "$(grep -F "]: rms" "$T_DIR/oc-sum.log" | grep -Evc "^oc\[[0-9.]+\]: $SUM_RE")" -eq 0 ] ||
	die "summary: not in ptp4l's format: $(grep rms "$T_DIR/oc-sum.log")"
! grep -Eq "phc offset|master offset" "$T_DIR/oc-sum.log" ||
	die "summary: per-sample lines: $(grep -E "phc offset|master offset" "$T_DIR/oc-sum.log" | head -3)"
echo "summary_interval 1: $(grep -c "CLOCK_REALTIME rms" "$T_DIR/oc-sum.log") system clock summaries 2 s apart, e.g. $(grep "CLOCK_REALTIME rms" "$T_DIR/oc-sum.log" | tail -1)"
echo "PASS hwts_twin: phc rms $R2 ns max $M2 ns, sys rms $S2 ns max $SM2 ns (two-step, sys on PTP_SYS_OFFSET_PRECISE; one-step phc rms $R1 max $M1; kernel stamps phc rms $RMS max $MAX; sys against its own PHC rms/max: precise $P2, extended $P1, basic $PRMS/$PMAX ns)"
