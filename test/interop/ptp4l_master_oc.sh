#!/bin/sh
# Interop: Debian's ptp4l as a unicast master (unicast_listen 1, UDPv6,
# software time stamps) and our oc on a soft clock converging to it.  ptp4l
# runs behind the noadj shim (see run_ptp4l in test/lib.sh).
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
wait_for 10 "$T_DIR/ptp4l.log" "LISTENING|MASTER" || die "ptp4l did not start: $(cat "$T_DIR/ptp4l.log")"
run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
start=$(date +%s)
converged=""
wait_locked 40 "$T_DIR/oc.log" 5 && converged=$(( $(date +%s) - start ))
if [ -z "$converged" ]; then
	echo "--- ptp4l"; cat "$T_DIR/ptp4l.log"; echo "--- oc"; cat "$T_DIR/oc.log"
	die "oc did not converge to ptp4l within 40 s"
fi
sleep 10
set -- $(offset_stats "$T_DIR/oc.log" 10)
echo "oc vs ptp4l: converged, last $1 Syncs rms $2 ns max $3 ns"
max=$3
[ "$max" -lt 10000 ] || die "max |offset| $max ns after convergence"
truth=$(grep "soft clock true time error" "$T_DIR/oc.log" | tail -5 | awk '{ o = $7; if (o < 0) o = -o; if (o > m) m = o } END { print m + 0 }')
echo "soft clock true |time error| (last 5 s): max $truth ns"
[ "$truth" -lt 10000 ] || die "true error $truth ns: timescale handling wrong?"
ptp4l_no_writes "$T_DIR/ptp4l.log"
echo "PASS ptp4l_master_oc (converged after ${converged} s)"
