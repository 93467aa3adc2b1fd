#!/bin/sh
# PTSF-lossSync (G.8265.1 6.7.3.2): the selected GM stops (SIGSTOP); with
# syncReceiptTimeout 8 Sync intervals (1 s) and announceReceiptTimeout 10
# Announce intervals (10 s), the oc must leave it on the missing Syncs, well
# before the Announce timeout; after SIGCONT and ptsf_hold_time it returns.
# Then gm2 stops answering Delay_Req only: PTSF-lossSync again.
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
uds_address $T_DIR/gm$n.sock
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
# the oc may first pick gm1 (its Announce can come first) and move to gm2
# when gm2 qualifies: wait for gm2 (priority2 100) itself, not the first
# selection
wait_for 15 "$T_DIR/gm2.log" "clockIdentity" || die "gm2 did not start"
id2=$(grep -o "clockIdentity [0-9a-f.]*" "$T_DIR/gm2.log" | head -1 | awk '{ print $2 }')
sel() { grep "selected best master clock" "$T_DIR/oc.log" | tail -1 | awk '{ print $NF }'; }
# SLAVE since the last selection
slave() { awk '/selected best master clock/ { s = 0 } /to SLAVE/ { s = 1 } END { exit !s }' "$T_DIR/oc.log"; }
i=0
until [ "$(sel)" = "$id2" ] && slave; do
	[ $i -lt 300 ] || { cat "$T_DIR/oc.log"; die "oc not s2 on gm2 (priority2 100) within 30 s: on $(sel)"; }
	sleep 0.1; i=$((i + 1))
done
nap 2
kill -STOP "$GM2" # the clean-up continues it
t0=$(date +%s.%N)
# PTSF-lossSync is due 1 s after the last Sync, the announce timeout 10 s
# after the last Announce: the order of the two in the log is the test, so
# a busy machine that is slow to show either does not fail it
wait_for 20 "$T_DIR/oc.log" "fd00::9:2: PTSF-lossSync" || { kill -CONT "$GM2"; die "no PTSF-lossSync"; }
t1=$(date +%s.%N)
ptsf_line=$(grep -n "fd00::9:2: PTSF-lossSync" "$T_DIR/oc.log" | head -1 | cut -d: -f1)
ann_line=$(grep -n "announce timeout from master fd00::9:2" "$T_DIR/oc.log" | head -1 | cut -d: -f1)
[ -z "$ann_line" ] || [ "$ann_line" -gt "$ptsf_line" ] || die "announce timeout came first"
i=0
while [ "$(sel)" = "$id2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(sel)" != "$id2" ] || die "still on gm2 after PTSF"
echo "PTSF-lossSync $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s after gm2 stopped; moved to gm1 before any announce timeout"
kill -CONT "$GM2"
wait_for 20 "$T_DIR/oc.log" "fd00::9:2: PTSF-lossSync cleared" || die "PTSF not cleared"
i=0
while [ "$(sel)" != "$id2" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(sel)" = "$id2" ] || die "oc did not return to gm2"
echo "gm2 back after ptsf_hold_time: re-selected"
slave_since=$(grep -c "to SLAVE" "$T_DIR/oc.log")
# "and eventually ... Delay_Resp" (6.7.3.2): gm2 stops answering (its
# Delay_Req input dropped, Sync keeps flowing); the same timeout in
# Delay_Resp intervals makes it PTSF-lossSync again
command -v nft >/dev/null || [ -x /usr/sbin/nft ] || die "nft missing (apt-get install nftables)"
ip netns exec "$NS_gm2" nft -f - <<NFT || die "nft in gm2"
table inet ptsf_test {
	chain input {
		type filter hook input priority filter; policy accept;
		udp dport 319 drop
	}
}
NFT
wait_for 20 "$T_DIR/oc.log" "fd00::9:2: PTSF-lossSync, no Delay_Resp" || die "no PTSF-lossSync on the lost Delay_Resp flow"
i=0
while [ "$(sel)" = "$id2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(sel)" != "$id2" ] || die "still on gm2 after its Delay_Resp stopped"
echo "Delay_Resp flow of gm2 lost (Sync still flowing): PTSF-lossSync, moved to gm1 (after $slave_since SLAVE transitions)"
echo "PASS ptsf_loss_sync"
