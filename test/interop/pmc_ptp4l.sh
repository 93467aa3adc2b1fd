#!/bin/sh
# Interop: our pmc against Debian's ptp4l (behind the noadj shim), over its
# UNIX socket and over UDPv6 (ptp4l answers to the multicast group).  For
# every id both know, our output must equal linuxptp pmc's byte for byte.
. "$(dirname "$0")/../lib.sh"
net_init
command -v pmc >/dev/null || die "pmc missing (apt-get install linuxptp)"
net_host m
net_host c
net_link m c 1
cat >"$T_DIR/ptp4l.cfg" <<CFG
[global]
network_transport UDPv6
time_stamping software
masterOnly 1
priority1 100
domainNumber 3
logAnnounceInterval 0
announceReceiptTimeout 2
uds_address $T_DIR/ptp4l.sock
CFG
run_ptp4l m "$T_DIR/ptp4l.log" -f "$T_DIR/ptp4l.cfg" -i pa1 -m -q
wait_for 20 "$T_DIR/ptp4l.log" "LISTENING" || die "ptp4l did not start: $(cat "$T_DIR/ptp4l.log")"
wait_for 30 "$T_DIR/ptp4l.log" "assuming the grand master role" || die "ptp4l not master: $(cat "$T_DIR/ptp4l.log")"
nap 2.5 # a few Announces, so PORT_STATS_NP has counts
M="ip netns exec $NS_m"
C="ip netns exec $NS_c"
n=0
for id in NULL_MANAGEMENT CLOCK_DESCRIPTION USER_DESCRIPTION DEFAULT_DATA_SET CURRENT_DATA_SET \
	PARENT_DATA_SET TIME_PROPERTIES_DATA_SET PORT_DATA_SET PRIORITY1 PRIORITY2 DOMAIN \
	SLAVE_ONLY LOG_ANNOUNCE_INTERVAL ANNOUNCE_RECEIPT_TIMEOUT LOG_SYNC_INTERVAL \
	VERSION_NUMBER TIME_STATUS_NP PORT_DATA_SET_NP; do
	$M pmc -u -b 0 -d 3 -s "$T_DIR/ptp4l.sock" "GET $id" >"$T_DIR/l.out" 2>&1
	$M "$PTPBOX" pmc -u -b 0 -d 3 -s "$T_DIR/ptp4l.sock" "GET $id" >"$T_DIR/p.out" 2>&1 ||
		die "our pmc GET $id: $(cat "$T_DIR/p.out")"
	diff "$T_DIR/l.out" "$T_DIR/p.out" || die "GET $id: our output differs from linuxptp pmc's"
	n=$((n + 1))
done
echo "UDS: $n ids, output identical to linuxptp pmc"
# counters: ptp4l sends them in host order (little-endian here)
t0=$(date +%s.%N)
$M "$PTPBOX" pmc -u -b 0 -d 3 -s "$T_DIR/ptp4l.sock" "GET PORT_STATS_NP" >"$T_DIR/p.out"
$M pmc -u -b 0 -d 3 -s "$T_DIR/ptp4l.sock" "GET PORT_STATS_NP" >"$T_DIR/l.out"
t1=$(date +%s.%N)
ann=$(awk '/tx_Announce/ { print $2 }' "$T_DIR/p.out")
lann=$(awk '/tx_Announce/ { print $2 }' "$T_DIR/l.out")
[ -n "$ann" ] && [ "$ann" -gt 0 ] && [ "$ann" -lt 1000 ] || die "PORT_STATS_NP tx_Announce '$ann': $(cat "$T_DIR/p.out")"
# one Announce a second: linuxptp's count, read right after ours, is ours
# plus the Announces sent in between (usually 0; more on a busy machine)
more=$(echo "$t0 $t1" | awk '{ printf "%d", $2 - $1 + 2 }')
[ "$lann" -ge "$ann" ] && [ "$lann" -le $((ann + more)) ] || die "tx_Announce ours $ann, linuxptp's $lann (limit +$more)"
echo "PORT_STATS_NP: tx_Announce $ann (linuxptp pmc right after: $lann)"
# SET over UDS
$M "$PTPBOX" pmc -u -b 0 -d 3 -s "$T_DIR/ptp4l.sock" "SET PRIORITY2 77" | grep -q "priority2 77" || die "SET PRIORITY2 on ptp4l"
$M pmc -u -b 0 -d 3 -s "$T_DIR/ptp4l.sock" "GET PRIORITY2" | grep -q "priority2 77" || die "ptp4l did not take priority2"
# errors from ptp4l
out=$($M "$PTPBOX" pmc -u -b 0 -d 3 -s "$T_DIR/ptp4l.sock" "SET DOMAIN 5" 2>&1)
echo "$out" | grep -q "MANAGEMENT_ERROR_STATUS" || die "ptp4l SET DOMAIN: $out"
echo "$out" | grep -q "managementErrorId NOT_SUPPORTED" || die "error id: $out"
# wrong domain: ptp4l stays silent, we say so and exit 3
$M "$PTPBOX" pmc -u -b 0 -d 0 -s "$T_DIR/ptp4l.sock" --timeout 300 "GET PRIORITY1" >/dev/null 2>"$T_DIR/e.out"
[ $? -eq 3 ] && grep -q "no answer" "$T_DIR/e.out" || die "no answer not reported"
# UDPv6 from the other host: ptp4l answers to ff0e::181
out=$($C "$PTPBOX" pmc -6 -i pb1 -b 1 -d 3 "GET DEFAULT_DATA_SET" 2>&1) || die "our pmc over UDPv6: $out"
echo "$out" | grep -q "priority1               100" || die "UDPv6 answer: $out"
$C pmc -6 -i pb1 -b 1 -d 3 "GET DEFAULT_DATA_SET" >"$T_DIR/l.out" 2>&1
echo "$out" >"$T_DIR/p.out"
diff "$T_DIR/l.out" "$T_DIR/p.out" || die "UDPv6: output differs from linuxptp pmc's"
echo "UDPv6 multicast: answer identical to linuxptp pmc's"
stop_host m # the strace log is complete
ptp4l_no_writes "$T_DIR/ptp4l.log"
echo "PASS pmc_ptp4l"
