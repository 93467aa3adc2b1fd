#!/bin/sh
# Interop: our gm serving Debian's ptp4l as a unicast client (UDPv6,
# software time stamps).  ptp4l must never adjust the host clock, must
# reach SLAVE, and its summary rms must stay low (below).  ptp4l 3.1 with
# free_running 1 prints no offsets at all, and without it ptp4l writes to
# CLOCK_REALTIME, so it runs with its normal servo behind
# test/interop/noadj.c (LD_PRELOAD), which turns every clock write into a
# read: a free-running clock that still reports offsets.  It runs under
# strace: any clock write syscall fails the test.  The gm announces
# clockClass 52 (not traceable) so that ptp4l does not try to set the
# kernel's TAI offset either.  With CAPTURE=FILE the session is recorded
# for tshark.  ptp4l's summary rms must stay within the 10 us lock bound:
# over veth with software stamps it is 0.2-0.7 us, but one stamp made late
# by a busy machine among the 8 of a 2 s summary lifts the rms by
# microseconds; the precision is the simulator's to prove.
. "$(dirname "$0")/../lib.sh"
net_init
command -v ptp4l >/dev/null || die "ptp4l missing (apt-get install linuxptp)"
# ptp4l's PI servo waits 0.016/ki s (~28 s with software stamps) before it
# locks, so run long enough to see it reach SLAVE
DURATION=${DURATION:-45}
net_host gm
net_host s
net_link gm s 1

cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock CLOCK_REALTIME
clockClass 52
CFG
cat >"$T_DIR/ptp4l.cfg" <<CFG
[global]
network_transport UDPv6
time_stamping software
slaveOnly 1
logAnnounceInterval 0
logSyncInterval -2
logMinDelayReqInterval -2
summary_interval 2
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
[pb1]
unicast_master_table 1
unicast_req_duration 60
CFG
if [ -n "$CAPTURE" ]; then
	run_in gm "$T_DIR/tshark.log" tshark -i pa1 -w "$CAPTURE" -a duration:$((DURATION - 3)) -f "udp port 319 or udp port 320"
	wait_for 30 "$T_DIR/tshark.log" "Capturing on" || die "tshark did not start: $(cat "$T_DIR/tshark.log")"
fi
run_in gm "$T_DIR/gm.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
wait_for 15 "$T_DIR/gm.log" "assuming the grand master role" || die "gm did not start"
run_ptp4l s "$T_DIR/ptp4l.log" -f "$T_DIR/ptp4l.cfg" -m -q ${PTP4L_ARGS}
nap "$DURATION"
stop_host s # ptp4l under strace: its logs are complete
if ! grep -q "rms" "$T_DIR/ptp4l.log"; then
	echo "--- gm"; cat "$T_DIR/gm.log"; echo "--- ptp4l"; cat "$T_DIR/ptp4l.log"
	die "ptp4l printed no summary"
fi
grep "rms" "$T_DIR/ptp4l.log" | tail -5
# skip the first summary (start-up), then every rms must be < 10 us
worst=$(grep "rms" "$T_DIR/ptp4l.log" | tail -n +2 | awk '{ for (i = 1; i < NF; i++) if ($i == "rms") { v = $(i + 1); if (v > m) m = v } } END { print m + 0 }')
n=$(grep -c "rms" "$T_DIR/ptp4l.log")
echo "ptp4l summaries: $n, worst rms after the first: $worst ns"
[ "$n" -ge 3 ] || die "too few summaries ($n)"
[ "$worst" -lt 10000 ] || die "ptp4l rms $worst ns >= 10 us"
grep -q "granted DELAY_RESP" "$T_DIR/gm.log" || die "gm granted no Delay_Resp"
grep -q "UNCALIBRATED to SLAVE" "$T_DIR/ptp4l.log" || die "ptp4l never reached SLAVE"
ptp4l_no_writes "$T_DIR/ptp4l.log"
echo "PASS gm_ptp4l_slave"
