#!/bin/sh
# Interop with hardware time stamps: Debian's ptp4l (time_stamping
# hardware, -H) as a peer of ours both ways, every process under the kernel
# twin of a NIC with a PTP hardware clock (test/sim/phcdev.c, LD_PRELOAD,
# so our side is the glibc build).  Each process has its own simulated PHC
# behind its veth interface (phc_index, /dev/ptpN) and logs the PHC's true
# error against CLOCK_REALTIME; phc_error (test/lib.sh) turns two such logs
# into one PHC's true time error against the other's over STEADY s of
# steady state.
#
#  a. our gm (ocp-dc, time_stamping hardware, clock auto; PHC 3 ppm slow)
#     serving ptp4l as a unicast client (UDPv6, 16 Sync/s): ptp4l takes the
#     interface's PHC (/dev/ptp1: 400 us ahead, 12 ppm fast, 1 ppb/sqrt(s)
#     random walk), steps it once and steers it with its own PI servo.
#  b. ptp4l as a unicast master (unicast_listen, masterOnly; it opens its
#     PHC, 3 ppm slow, and as a master never adjusts it) and our oc
#     (time_stamping hardware, clock auto, the same PHC model as ptp4l's
#     in a) locking to it.  (With free_running 1 ptp4l would not open the
#     PHC at all: its hardware stamps alone carry the PHC's time.)
#
# Stamps come from the twin's modelled wire (PHCDEV_WIRE in both
# processes: 800 ns + 100 ns * Exp(1) each way, stamps exact to the 8 ns
# whatever the machine's load), so the bounds are tight and hold beside
# stress-ng; STAMPS=kernel takes the kernel's software stamps instead (on
# veth some 2.5 us apart and not alike both ways: loose bounds, figures
# only).  Measured (rms / max ns, idle and beside stress-ng --cpu 2):
# ptp4l's PHC 21-28 / 58-104, our oc's 3-7 / 7-17; kernel stamps 173-683
# / 535-4266 and 63-166 / 135-243.  ptp4l's PI servo (kp 0.7, ki 0.3 with
# hardware stamps) passes each Sync's delay noise (100 ns * Exp(1), std
# 100 ns) on through its proportional term; our oc's envelope servo takes
# the minimum-delay envelope.  Hence the limits: ptp4l rms 60, max 250;
# our oc rms 20, max 60.  ptp4l's mean is not zero by design: its path
# delay is the median of 10 mean delays (~884 ns: 800 + 100 * the median
# of a Gamma(2, 1/2)) while a Sync's delay averages 900 ns, so its PHC
# sits some 16 ns behind.  ptp4l's clock check (sanity_freq_limit) is off:
# it compares a Sync's hardware stamp with CLOCK_MONOTONIC read when ptp4l
# gets round to it, and on a loaded machine (ptp4l under strace) that lag
# varies by more than its 200 ppm, so it reset its servo (SLAVE to
# UNCALIBRATED on SYNCHRONIZATION_FAULT) and the window caught the
# re-convergence (rms 100 ns, max 376 ns).
#
# ptp4l under the twin disciplines its PHC, not CLOCK_REALTIME: it runs
# behind test/interop/noadj.c all the same (after the twin in LD_PRELOAD,
# which answers for the PHC and passes the rest on) and under strace, and
# the test fails if it even tried to write a real clock.  phc2sys is not
# run.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
GLIBC=${PTPBOX_GLIBC:-$top/build-glibc/ptpbox}
TWIN=${PHCDEV_SO:-$top/build-glibc/phcdev.so}
SETTLE=${SETTLE:-10} # s after SLAVE (ptp4l) or the lock (oc) before the steady state
STEADY=${STEADY:-20} # s of steady state measured
STAMPS=${STAMPS:-wire}
[ -x "$GLIBC" ] || die "no glibc build at $GLIBC (make CC=gcc STATIC=0 B=build-glibc)"
[ -f "$TWIN" ] || die "no $TWIN (make CC=gcc STATIC=0 B=build-glibc build-glibc/phcdev.so)"
command -v ptp4l >/dev/null || die "ptp4l missing (apt-get install linuxptp)"
case $STAMPS in
wire) LIM_A_RMS=60 LIM_A_MAX=250 LIM_B_RMS=20 LIM_B_MAX=60 ;;
kernel) LIM_A_RMS=5000 LIM_A_MAX=20000 LIM_B_RMS=5000 LIM_B_MAX=20000 ;;
*) die "STAMPS=$STAMPS: wire or kernel" ;;
esac
PTPBOX=$GLIBC
net_init
net_host m
net_host s
net_link m s 1

GM_MODEL="offset=0,freq=-3000,seed=11"            # the master's PHC
SL_MODEL="offset=400000,freq=12000,wander=1,seed=7" # the client's

# twin_checks NAME PHC IFACE INDEX: the process took the interface's PHC
# (its trace: ETHTOOL_GET_TS_INFO, /dev/ptpN, PTP_CLOCK_GETCAPS), turned
# hardware stamps on (HWTSTAMP_TX_ON, PTP v2 event filter) and got more
# than 100 hardware stamps each way (from the wire with STAMPS=wire)
twin_checks() {
	grep -q "^ETHTOOL_GET_TS_INFO $3 phc $4" "$2.trace" && grep -q "^open /dev/ptp$4" "$2.trace" &&
		grep -q "^PTP_CLOCK_GETCAPS" "$2.trace" &&
		grep -q "^SIOCSHWTSTAMP $3 flags 0 tx 1 rx 12" "$2.trace" ||
		die "$1: PHC set-up through the twin: $(cat "$2.trace")"
	_rx=$(twin_summary rx "$2"); _tx=$(twin_summary tx "$2")
	[ "${_rx:-0}" -gt 100 ] && [ "${_tx:-0}" -gt 100 ] ||
		die "$1: hardware stamps rx $_rx tx $_tx: $(grep '^#' "$2")"
	if [ "$STAMPS" = wire ]; then
		[ "$(twin_summary wire_rx "$2")" -gt 100 ] || die "$1: stamps not from the wire: $(grep '^#' "$2")"
	fi
}

# steered NAME PHC: the PHC was stepped and steered (the client's)
steered() {
	_f=$(twin_summary adjfreq "$2"); _s=$(twin_summary step "$2")
	[ "${_f:-0}" -gt 100 ] && [ "${_s:-0}" -ge 1 ] ||
		die "$1: its PHC got $_f frequency adjustments and $_s steps"
}

# measure NAME MASTER_PHC CLIENT_PHC RMS_LIMIT MAX_LIMIT: the client PHC's
# true error against the master's over [FROM, TO); sets RMS, MAX
measure() {
	set -- "$@" $(phc_error "$2" "$3" "$FROM" "$TO")
	[ "${6:-0}" -gt 100 ] || die "$1: $6 samples of PHC error"
	echo "$1: PHC true error against the master's PHC, $STEADY s steady state ($6 samples every 100 ms): rms $7 ns, max $8 ns, mean $9 ns"
	RMS=$7; MAX=$8
	[ "$7" -lt "$4" ] && [ "$8" -lt "$5" ] ||
		die "$1: PHC true error rms $7 ns (limit $4), max $8 ns (limit $5)"
}

# ---- a. our gm -> ptp4l client ----
cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping hardware
clock auto
uds_address none
CFG
cat >"$T_DIR/ptp4l-client.cfg" <<CFG
[global]
network_transport UDPv6
time_stamping hardware
slaveOnly 1
logAnnounceInterval 0
logSyncInterval -4
logMinDelayReqInterval -4
summary_interval 0
sanity_freq_limit 0
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
[pb1]
unicast_master_table 1
unicast_req_duration 60
CFG
gp=$T_DIR/a-gm.phc; pp=$T_DIR/a-ptp4l.phc; pl=$T_DIR/a-ptp4l.log
run_in m "$T_DIR/a-gm.log" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 PHCDEV_INDEX=0 "$(twin_stamps "$STAMPS" 3)" \
	PHCDEV_MODEL="$GM_MODEL" PHCDEV_LOG="$gp" PHCDEV_TRACE="$gp.trace" \
	"$GLIBC" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
gpid=$LAST_PID
wait_for 15 "$T_DIR/a-gm.log" "assuming the grand master role" ||
	die "a: gm did not start: $(cat "$T_DIR/a-gm.log")"
grep -q "clock phc, hardware time stamping" "$T_DIR/a-gm.log" ||
	die "a: gm not on its PHC with hardware stamps: $(head -3 "$T_DIR/a-gm.log")"
run_ptp4l s "$pl" LD_PRELOAD="$TWIN" PHCDEV_IFACE=pb1 PHCDEV_INDEX=1 "$(twin_stamps "$STAMPS" 4)" \
	PHCDEV_MODEL="$SL_MODEL" PHCDEV_LOG="$pp" PHCDEV_TRACE="$pp.trace" \
	-f "$T_DIR/ptp4l-client.cfg" -i pb1 -H -m -q
wait_for 60 "$pl" "UNCALIBRATED to SLAVE" || {
	echo "--- gm"; cat "$T_DIR/a-gm.log"; echo "--- ptp4l"; cat "$pl"
	die "a: ptp4l did not reach SLAVE within 60 s"
}
grep -q "selected /dev/ptp1 as PTP clock" "$pl" || die "a: ptp4l not on the twin's PHC: $(head -3 "$pl")"
nap "$SETTLE"
FROM=$(date +%s%N); na=$(wc -l <"$pl")
nap "$STEADY"
TO=$(date +%s%N); nb=$(wc -l <"$pl")
# the gm first: ptp4l, still running, answers its CANCELs
stop_pid "$gpid" || die "a: gm did not stop"
stop_host s || die "a: ptp4l did not stop"
sed -n "$((na + 1)),${nb}p" "$pl" >"$T_DIR/a-window.log"
if grep "port 1: " "$T_DIR/a-window.log"; then
	die "a: ptp4l changed state in the steady state"
fi
set -- $(awk '$2 == "rms" { n++; s += $3 * $3; if ($5 > m) m = $5 } END { printf "%d %.0f %d\n", n, sqrt(s / (n ? n : 1)), m }' "$T_DIR/a-window.log")
[ "$1" -ge $((STEADY / 2)) ] || die "a: $1 ptp4l summaries in $STEADY s"
echo "a: ptp4l's own offsets over the steady state ($1 summaries): rms $2 ns, max $3 ns"
grep -q "fd00::1:2 granted SYNC logInterMessagePeriod -4" "$T_DIR/a-gm.log" &&
	grep -q "fd00::1:2 granted DELAY_RESP logInterMessagePeriod -4" "$T_DIR/a-gm.log" ||
	die "a: the gm's grants: $(grep granted "$T_DIR/a-gm.log")"
# ptp4l answered each of the gm's CANCELs (16.1.4.3) with ACKNOWLEDGE_CANCEL
grep -q "shutdown: 3 grants cancelled: 3 acknowledged, 0 unanswered" "$T_DIR/a-gm.log" ||
	die "a: the gm's CANCELs: $(grep -E "shutdown|late" "$T_DIR/a-gm.log")"
grep "^gm.*shutdown:" "$T_DIR/a-gm.log" | sed 's/^[^ ]* /a: gm /'
twin_checks "a: gm" "$gp" pa1 0
twin_checks "a: ptp4l" "$pp" pb1 1
steered "a: ptp4l" "$pp"
measure "a: ptp4l's PHC" "$gp" "$pp" "$LIM_A_RMS" "$LIM_A_MAX"
RA=$RMS; MA=$MAX
ptp4l_no_writes "$pl" strict

# ---- b. ptp4l master -> our oc ----
cat >"$T_DIR/ptp4l-master.cfg" <<CFG
[global]
network_transport UDPv6
time_stamping hardware
unicast_listen 1
masterOnly 1
priority1 100
logAnnounceInterval 0
logSyncInterval -4
logMinDelayReqInterval -4
CFG
cat >"$T_DIR/oc.cfg" <<CFG
[global]
time_stamping hardware
clock auto
network_transport UDPv6
logAnnounceInterval 0
logSyncInterval -4
summary_interval -4
logMinDelayReqInterval -4
first_step_threshold 0.00002
uds_address none
sys_clock soft
unicast_master_table 1
unicast_req_duration 60
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
CFG
mp=$T_DIR/b-ptp4l.phc; op=$T_DIR/b-oc.phc; ml=$T_DIR/b-ptp4l.log; ol=$T_DIR/b-oc.log
run_ptp4l m "$ml" LD_PRELOAD="$TWIN" PHCDEV_IFACE=pa1 PHCDEV_INDEX=0 "$(twin_stamps "$STAMPS" 5)" \
	PHCDEV_MODEL="$GM_MODEL" PHCDEV_LOG="$mp" PHCDEV_TRACE="$mp.trace" \
	-f "$T_DIR/ptp4l-master.cfg" -i pa1 -H -m -q
wait_for 20 "$ml" "assuming the grand master role" || die "b: ptp4l did not start: $(cat "$ml")"
grep -q "selected /dev/ptp0 as PTP clock" "$ml" || die "b: ptp4l not on the twin's PHC: $(head -3 "$ml")"
run_in s "$ol" env LD_PRELOAD="$TWIN" PHCDEV_IFACE=pb1 PHCDEV_INDEX=1 "$(twin_stamps "$STAMPS" 6)" \
	PHCDEV_MODEL="$SL_MODEL" PHCDEV_LOG="$op" PHCDEV_TRACE="$op.trace" \
	"$GLIBC" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
opid=$LAST_PID
wait_locked 60 "$ol" 16 || {
	echo "--- ptp4l"; cat "$ml"; echo "--- oc"; cat "$ol"
	die "b: oc did not lock to ptp4l within 60 s"
}
grep -q "clock phc, hardware time stamping" "$ol" ||
	die "b: oc not on its PHC with hardware stamps: $(head -3 "$ol")"
nap "$SETTLE"
FROM=$(date +%s%N)
nap "$STEADY"
TO=$(date +%s%N)
stop_pid "$opid" || die "b: oc did not stop"
stop_host m || die "b: ptp4l did not stop"
servo_lines "$ol" | tail -50 | awk '$2 != "s2" { bad = 1 } END { exit bad }' ||
	die "b: the oc's servo left s2 in the steady state"
set -- $(offset_stats "$ol" $((STEADY * 16)))
echo "b: oc's own offsets over the last $1 Syncs: rms $2 ns, max $3 ns"
twin_checks "b: ptp4l" "$mp" pa1 0
twin_checks "b: oc" "$op" pb1 1
steered "b: oc" "$op"
# a master: ptp4l never stepped nor steered its PHC (its twin's log has
# the model's rate throughout)
[ "$(twin_summary step "$mp")" = 0 ] && [ "$(twin_summary settime "$mp")" = 0 ] &&
	[ "$(twin_summary adjoffset "$mp")" = 0 ] &&
	! awk '!/^#/ && $3 != "-3000.000000" { bad = 1 } END { exit !bad }' "$mp" ||
	die "b: ptp4l, a master, adjusted its PHC: $(grep -v '^#' "$mp" | head -5)"
measure "b: our oc's PHC" "$mp" "$op" "$LIM_B_RMS" "$LIM_B_MAX"
# the oc kept its (soft) system clock on the PHC and tried no write to
# the host's (the twin refuses and counts them)
grep -q "CLOCK_REALTIME phc offset .* s2 " "$ol" && grep -q "refused 0$" "$op" ||
	die "b: the oc's system clock: $(grep -E 'sys_sync|CLOCK_REALTIME' "$ol" | tail -3; grep summary "$op")"
ptp4l_no_writes "$ml" strict
echo "PASS ptp4l_hwts_twin: ptp4l client phc rms $RA ns max $MA ns; our oc phc rms $RMS ns max $MAX ns"
