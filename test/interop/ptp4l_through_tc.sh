#!/bin/sh
# Interop: Debian's ptp4l as master and as slave (multicast, E2E, software
# time stamps) through `ptpbox tc` on a Linux bridge:
#   m: p1 -- lan1 [br0 + ptpbox tc] lan2 -- p2 :s
# UDPv4 with the tc's one_step egress, then UDPv6 with two_step.  The
# slave must reach SLAVE and s2, the tc must forward both ways and correct
# (its summary), and ptp4l's offsets must stay loose-bounded (software
# stamps on a loaded machine; the precision is the simulator's to prove).
# Both ptp4l run behind test/interop/noadj.c under strace (run_ptp4l): no
# clock write may reach the kernel.
. "$(dirname "$0")/../lib.sh"
net_init
command -v ptp4l >/dev/null || die "ptp4l missing (apt-get install linuxptp)"
command -v nft >/dev/null || [ -x /usr/sbin/nft ] || die "nft missing (apt-get install nftables)"
net_bridged m s

# one session: $1 transport, $2 tc_egress
session() {
	tag=$1-$2
	for r in master slave; do
		cat >"$T_DIR/$r.cfg" <<CFG
[global]
network_transport $1
time_stamping software
delay_mechanism E2E
logAnnounceInterval 0
logSyncInterval -2
logMinDelayReqInterval -2
summary_interval -2
CFG
	done
	echo "masterOnly 1" >>"$T_DIR/master.cfg"
	echo "priority1 100" >>"$T_DIR/master.cfg"
	echo "slaveOnly 1" >>"$T_DIR/slave.cfg"
	run_in br "$T_DIR/tc-$tag.log" "$PTPBOX" tc -i lan1 -i lan2 -S -m -q --tc_egress=$2
	TCPID=$LAST_PID
	wait_for 15 "$T_DIR/tc-$tag.log" "transparent clock:" || die "tc did not start: $(cat "$T_DIR/tc-$tag.log")"
	run_ptp4l m "$T_DIR/master-$tag.log" -f "$T_DIR/master.cfg" -i p1 -m -q
	wait_for 20 "$T_DIR/master-$tag.log" "LISTENING|MASTER" || die "ptp4l master did not start: $(cat "$T_DIR/master-$tag.log")"
	run_ptp4l s "$T_DIR/slave-$tag.log" -f "$T_DIR/slave.cfg" -i p2 -m -q
	start=$(date +%s)
	# s2 (ptp4l's PI servo waits ~0.016/ki s, ~28 s, first), then a while
	wait_for 75 "$T_DIR/slave-$tag.log" "master offset .* s2 " && nap 8
	s2=$(($(date +%s) - start))
	stop_host s || die "ptp4l slave did not stop"
	stop_host m || die "ptp4l master did not stop"
	stop_pid "$TCPID" || die "tc did not stop"
	wait_for 5 "$T_DIR/tc-$tag.log" "removed nftables table" || die "tc did not remove its table"
	log=$T_DIR/slave-$tag.log
	if ! grep -q "UNCALIBRATED to SLAVE" "$log" || ! grep -q "master offset .* s2 " "$log"; then
		echo "--- master"; tail -20 "$T_DIR/master-$tag.log"; echo "--- slave"; tail -30 "$log"
		echo "--- tc"; tail -5 "$T_DIR/tc-$tag.log"
		die "$tag: the ptp4l slave did not reach SLAVE and s2 through the tc"
	fi
	set -- $(offset_stats "$log" 24)
	rms=$2
	echo "$tag: ptp4l slave offsets, last $1 Syncs after s2: rms $2 ns, max $3 ns"
	grep "port [12] (lan[12]): rx" "$T_DIR/tc-$tag.log" | tail -2 | sed "s/^/$tag: /"
	for p in 1 2; do
		line=$(grep "port $p (lan$p): rx" "$T_DIR/tc-$tag.log" | tail -1)
		rx=$(echo "$line" | sed -n 's/.* rx \([0-9]*\) tx \([0-9]*\) corrected \([0-9]*\) .*/\1/p')
		tx=$(echo "$line" | sed -n 's/.* rx \([0-9]*\) tx \([0-9]*\) corrected \([0-9]*\) .*/\2/p')
		[ "${rx:-0}" -gt 20 ] && [ "${tx:-0}" -gt 20 ] || die "$tag: port $p rx $rx tx $tx"
		echo "$line" | grep -q "bad 0 unmatched 0 late 0 tx_err 0" || die "$tag: port $p: $line"
	done
	# Sync (one_step) or Follow_Up and Delay_Resp (two_step) towards the
	# slave, Delay_Req towards the master (one_step)
	corr=$(grep "port 2 (lan2): rx" "$T_DIR/tc-$tag.log" | tail -1 | sed -n 's/.* corrected \([0-9]*\) .*/\1/p')
	[ "${corr:-0}" -gt 20 ] || die "$tag: lan2 corrected $corr"
	echo "$tag: slave reached s2 through the tc (~${s2} s after its start, 8 s of s2 included)"
	[ "$rms" -lt 50000 ] || die "$tag: ptp4l offset rms $rms ns >= 50 us"
	ptp4l_no_writes "$T_DIR/slave-$tag.log"
	ptp4l_no_writes "$T_DIR/master-$tag.log"
}

session UDPv4 one_step
session UDPv6 two_step
echo "PASS ptp4l_through_tc"
