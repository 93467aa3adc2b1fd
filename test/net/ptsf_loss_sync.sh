#!/bin/sh
# PTSF-lossSync (G.8265.1 6.7.3.2): the selected GM stops (SIGSTOP); with
# syncReceiptTimeout 8 Sync intervals (1 s) and announceReceiptTimeout 10
# Announce intervals (10 s), the oc must leave it on the missing Syncs, well
# before the Announce timeout; after SIGCONT and ptsf_hold_time it returns.
. "$(dirname "$0")/../lib.sh"
net_init
net_two_masters gm1 gm2
for n in 1 2; do
	cat >"$T_DIR/gm$n.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock CLOCK_REALTIME
priority2 $([ $n = 1 ] && echo 200 || echo 100)
CFG
	run_in "gm$n" "$T_DIR/gm$n.log" "$PTPBOX" gm -f "$T_DIR/gm$n.cfg" -i "p$n" -m -q
	eval "GM$n=\$LAST_PID"
done
cat >"$T_DIR/oc.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock soft
logSyncInterval -3
logMinDelayReqInterval -3
announceReceiptTimeout 10
syncReceiptTimeout 8
ptsf_hold_time 3
unicast_master_table 1
$(table_two_masters UDPv6)
CFG
sleep 0.5
run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i br0 -m -q
wait_for 15 "$T_DIR/oc.log" "to SLAVE" || die "oc did not lock"
id2=$(grep "selected best master clock" "$T_DIR/oc.log" | tail -1 | awk '{ print $NF }')
grep -q "clockIdentity ${id2}" "$T_DIR/gm2.log" || die "oc not on gm2 (priority2 100)"
sleep 2
kill -STOP "$GM2"
t0=$(date +%s.%N)
wait_for 8 "$T_DIR/oc.log" "fd00::9:2: PTSF-lossSync" || { kill -CONT "$GM2"; die "no PTSF-lossSync"; }
t1=$(date +%s.%N)
grep "selected best master clock" "$T_DIR/oc.log" | tail -1 | grep -q "$id2" && die "still on gm2 after PTSF"
grep -q "announce timeout from master fd00::9:2" "$T_DIR/oc.log" && die "announce timeout came first"
echo "PTSF-lossSync $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s after gm2 stopped; moved to gm1 before any announce timeout"
kill -CONT "$GM2"
wait_for 10 "$T_DIR/oc.log" "fd00::9:2: PTSF-lossSync cleared" || die "PTSF not cleared"
i=0
while [ $i -lt 50 ]; do
	grep "selected best master clock" "$T_DIR/oc.log" | tail -1 | grep -q "$id2" && break
	sleep 0.2; i=$((i + 1))
done
grep "selected best master clock" "$T_DIR/oc.log" | tail -1 | grep -q "$id2" || die "oc did not return to gm2"
echo "gm2 back after ptsf_hold_time: re-selected"
echo "PASS ptsf_loss_sync"
