#!/bin/sh
# Every packet of a gm <-> oc session, as captured on the wire, must decode
# in tshark as PTP with no malformed packet and no expert warning or error;
# event messages carry the OCP DSCP (46) and every message the unicastFlag.
# The session is test/net/gm_oc_converge.sh with CAPTURE, a child test with
# its own namespaces and clean-up.
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null || die "tshark missing (apt-get install tshark)"
net_init
cap=$T_DIR/session.pcapng
# In the background, so that a signal here is handled at once (a shell
# runs its traps only after a foreground child ends); our clean-up stops
# the session (TERM: it runs its own clean-up) and waits for it to finish.
CAPTURE=$cap DURATION=20 sh "$here/gm_oc_converge.sh" >"$T_DIR/session.log" 2>&1 &
SESSION=$!
T_CLEANUP='[ -n "$SESSION" ] && { kill "$SESSION" 2>/dev/null; wait "$SESSION"; }'
wait "$SESSION"
rc=$?
SESSION=""
[ $rc -eq 0 ] || { cat "$T_DIR/session.log"; die "the captured session failed"; }
tshark -r "$cap" -q 2>/dev/null >/dev/null || die "tshark cannot read the capture"
tshark -r "$cap" 2>/dev/null >"$T_DIR/summary"
total=$(grep -c . "$T_DIR/summary")
ptp=$(tshark -r "$cap" -Y ptp 2>/dev/null | wc -l)
bad=$(tshark -r "$cap" -Y '_ws.malformed || _ws.expert.severity >= "Warning"' 2>/dev/null | wc -l)
echo "captured $total packets, $ptp decoded as PTP, $bad malformed or with expert warnings"
for t in "Sync" "Follow_Up" "Delay_Req" "Delay_Resp" "Announce" "Signalling"; do
	n=$(grep -c "$t Message" "$T_DIR/summary")
	echo "  $t: $n"
	[ "$n" -gt 0 ] || die "no $t message captured"
done
[ "$total" -gt 30 ] || die "too few packets"
[ "$ptp" -eq "$total" ] || die "$((total - ptp)) packets not decoded as PTP"
if [ "$bad" -ne 0 ]; then
	tshark -r "$cap" -Y '_ws.malformed || _ws.expert.severity >= "Warning"' -V 2>/dev/null | head -60
	die "malformed packets"
fi
nouni=$(tshark -r "$cap" -Y 'ptp.v2.flags.unicast == 0' 2>/dev/null | wc -l)
[ "$nouni" -eq 0 ] || die "$nouni messages without unicastFlag"
dscp=$(tshark -r "$cap" -Y 'ptp.v2.messagetype == 0x0 || ptp.v2.messagetype == 0x1' -T fields -e ipv6.tclass.dscp 2>/dev/null | sort -u | tr '\n' ' ')
echo "DSCP of event messages: $dscp"
[ "$dscp" = "46 " ] || die "event DSCP $dscp, want 46"
echo "PASS tshark_decode"
