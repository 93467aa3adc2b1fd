#!/bin/sh
# Interop: Debian's ptp4l as a unicast master (unicast_listen 1, UDPv6,
# software time stamps) and our oc on a soft clock converging to it.  ptp4l
# runs behind the noadj shim (see run_ptp4l in test/lib.sh).  Bounds are
# loose (lock at 10 us rms, single samples 50 us, see
# test/net/gm_oc_converge.sh) and waits generous: they hold on a loaded
# machine; precision is the simulator's to prove.
. "$(dirname "$0")/../lib.sh"
net_init
command -v ptp4l >/dev/null || die "ptp4l missing (apt-get install linuxptp)"
net_host m
net_host oc
net_link m oc 1

cat >"$T_DIR/ptp4l.cfg" <<CFG
[global]
network_transport UDPv6
time_stamping software
unicast_listen 1
masterOnly 1
priority1 100
logAnnounceInterval 0
logSyncInterval 0
logMinDelayReqInterval 0
CFG
cat >"$T_DIR/oc.cfg" <<CFG
[global]
time_stamping software
network_transport UDPv6
clock soft
soft_offset_ns -300000
soft_freq_ppb -20000
logAnnounceInterval 0
unicast_master_table 1
unicast_req_duration 60
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
CFG
run_ptp4l m "$T_DIR/ptp4l.log" -f "$T_DIR/ptp4l.cfg" -i pa1 -m -q
wait_for 20 "$T_DIR/ptp4l.log" "LISTENING|MASTER" || die "ptp4l did not start: $(cat "$T_DIR/ptp4l.log")"
run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
start=$(date +%s)
converged=""
wait_locked 60 "$T_DIR/oc.log" 5 && converged=$(( $(date +%s) - start ))
if [ -z "$converged" ]; then
	echo "--- ptp4l"; cat "$T_DIR/ptp4l.log"; echo "--- oc"; cat "$T_DIR/oc.log"
	die "oc did not converge to ptp4l within 60 s"
fi
nap 10
servo_lines "$T_DIR/oc.log" | tail -10 | awk '$2 != "s2" { bad = 1 } END { exit bad }' ||
	die "servo left s2 after convergence: $(servo_lines "$T_DIR/oc.log" | tail -10 | tr '\n' ' ')"
# the rms without the worst sample, which stays far from a step: see
# steady_stats
set -- $(steady_stats "$T_DIR/oc.log" 10)
echo "oc vs ptp4l: converged, last $1 Syncs rms $2 ns (without the worst) max $3 ns"
[ "$2" -lt 10000 ] && [ "$3" -lt 200000 ] || die "after convergence: rms $2 ns without the worst (limit 10 us), max |offset| $3 ns (limit 200 us)"
set -- $(truth_stats "$T_DIR/oc.log" 5)
echo "soft clock true |time error| (last $1 s): rms $2 ns, max $3 ns"
[ "$1" -ge 3 ] || die "no true time error lines"
# a wrong timescale (UTC/TAI, 37 s) would be far outside these
[ "$2" -lt 10000 ] && [ "$3" -lt 50000 ] || die "true error rms $2 ns, max $3 ns: timescale handling wrong?"
stop_host m # the strace log is complete
ptp4l_no_writes "$T_DIR/ptp4l.log"
echo "PASS ptp4l_master_oc (converged after ${converged} s)"
