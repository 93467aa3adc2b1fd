#!/bin/sh
# Interop failover: our oc with two Debian ptp4l unicast masters (UDPv6,
# software stamps) on a bridge in the oc's namespace.  ptp4l m1 has
# priority2 100 and is selected; when it is killed the oc moves to m2
# (priority2 200) and locks again.  Both ptp4l run behind the noadj shim.
# Waits end when the log shows the change and are generous: a loaded
# machine only makes the test slower.
. "$(dirname "$0")/../lib.sh"
net_init
net_two_masters m1 m2
for n in 1 2; do
	cat >"$T_DIR/m$n.cfg" <<CFG
[global]
network_transport UDPv6
time_stamping software
unicast_listen 1
masterOnly 1
priority2 $([ $n = 1 ] && echo 100 || echo 200)
logAnnounceInterval 0
logSyncInterval -2
logMinDelayReqInterval -2
CFG
	run_ptp4l "m$n" "$T_DIR/m$n.log" -f "$T_DIR/m$n.cfg" -i "p$n" -m -q
	eval "M$n=\$LAST_PID"
done
cat >"$T_DIR/oc.cfg" <<CFG
[global]
network_transport UDPv6
time_stamping software
clock soft
soft_offset_ns 80000
soft_freq_ppb -7000
logAnnounceInterval 0
logSyncInterval -2
summary_interval -2
logMinDelayReqInterval -2
announceReceiptTimeout 3
unicast_master_table 1
unicast_req_duration 60
$(table_two_masters UDPv6)
CFG
sleep 1
run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i br0 -m -q
wait_locked 60 "$T_DIR/oc.log" 8 || { cat "$T_DIR/oc.log"; die "oc did not lock to ptp4l m1"; }
first=$(grep "selected best master" "$T_DIR/oc.log" | tail -1 | awk '{ print $NF }')
echo "oc locked to $first"
grep -q "selected local clock $first" "$T_DIR/m1.log" || die "oc did not select m1 (priority2 100): $first"
kill_host m1
t0=$(date +%s)
i=0; while [ $i -lt 300 ]; do
	cur=$(grep "selected best master" "$T_DIR/oc.log" | tail -1 | awk '{ print $NF }')
	[ "$cur" != "$first" ] && locked "$T_DIR/oc.log" 8 && break
	sleep 0.1; i=$((i + 1))
done
[ "$cur" != "$first" ] && locked "$T_DIR/oc.log" 8 || { cat "$T_DIR/oc.log"; die "no failover to m2"; }
grep -q "selected local clock $cur" "$T_DIR/m2.log" || die "failed over to $cur, not m2"
echo "failover to ptp4l m2 ($cur): locked $(( $(date +%s) - t0 )) s after m1 was killed"
servo_lines "$T_DIR/oc.log" | tail -8 | awk '{ print }' | tr '\n' ' '; echo
stop_host m1 # the strace logs are complete
stop_host m2
ptp4l_no_writes "$T_DIR/m1.log"
ptp4l_no_writes "$T_DIR/m2.log"
echo "PASS ptp4l_failover"
