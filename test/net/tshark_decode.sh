#!/bin/sh
# Every packet of a gm <-> oc session, as captured on the wire, must decode
# in tshark as PTP with no malformed packet and no expert warning or error;
# event messages carry the OCP DSCP (46) and every message the unicastFlag.
set -e
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null || { echo "FAIL: tshark missing (apt-get install tshark)"; exit 1; }
cap=$(mktemp /tmp/ptpbox-cap.XXXXXX)
trap 'rm -f "$cap"' EXIT
CAPTURE=$cap DURATION=20 sh "$here/gm_oc_converge.sh" >/dev/null
tshark -r "$cap" -q 2>/dev/null >/dev/null || { echo "FAIL: tshark cannot read the capture"; exit 1; }
total=$(tshark -r "$cap" 2>/dev/null | wc -l)
ptp=$(tshark -r "$cap" -Y ptp 2>/dev/null | wc -l)
bad=$(tshark -r "$cap" -Y '_ws.malformed || _ws.expert.severity >= "Warning"' 2>/dev/null | wc -l)
echo "captured $total packets, $ptp decoded as PTP, $bad malformed or with expert warnings"
for t in "Sync" "Follow_Up" "Delay_Req" "Delay_Resp" "Announce" "Signalling"; do
	n=$(tshark -r "$cap" 2>/dev/null | grep -c "$t Message" || true)
	echo "  $t: $n"
	[ "$n" -gt 0 ] || { echo "FAIL: no $t message captured"; exit 1; }
done
[ "$total" -gt 30 ] || { echo "FAIL: too few packets"; exit 1; }
[ "$ptp" -eq "$total" ] || { echo "FAIL: $((total - ptp)) packets not decoded as PTP"; exit 1; }
[ "$bad" -eq 0 ] || { tshark -r "$cap" -Y '_ws.malformed || _ws.expert.severity >= "Warning"' -V 2>/dev/null | head -60; echo "FAIL: malformed packets"; exit 1; }
nouni=$(tshark -r "$cap" -Y 'ptp.v2.flags.unicast == 0' 2>/dev/null | wc -l)
[ "$nouni" -eq 0 ] || { echo "FAIL: $nouni messages without unicastFlag"; exit 1; }
dscp=$(tshark -r "$cap" -Y 'ptp.v2.messagetype == 0x0 || ptp.v2.messagetype == 0x1' -T fields -e ipv6.tclass.dscp 2>/dev/null | sort -u | tr '\n' ' ')
echo "DSCP of event messages: $dscp"
[ "$dscp" = "46 " ] || { echo "FAIL: event DSCP $dscp, want 46"; exit 1; }
echo "PASS tshark_decode"
