#!/bin/sh
# Every packet of a gm <-> oc session, as captured on the wire, must decode
# in tshark as PTP with no malformed packet and no expert warning or error;
# event messages carry the OCP DSCP (46) and every message the unicastFlag,
# management too (pmc --to GETs and the oc's answers), with lengths that
# agree.
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
for t in "Sync Message" "Follow_Up Message" "Delay_Req Message" "Delay_Resp Message" \
	"Announce Message" "Signalling Message" "Management ("; do
	n=$(grep -c "$t" "$T_DIR/summary")
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
# messageLength is the UDP payload; management (pmc --to GETs and the oc's
# answers, 1588-2019 15.4): action GET then RESPONSE, and messageLength =
# header 34 + management body 14 + TLV header 4 + lengthField
badlen=$(tshark -r "$cap" -Y 'ptp && ptp.v2.messagelength != udp.length - 8' 2>/dev/null | wc -l)
[ "$badlen" -eq 0 ] || die "$badlen messages whose messageLength is not their UDP payload"
tshark -r "$cap" -Y 'ptp.v2.messagetype == 0xd' -T fields -e ptp.v2.mm.action \
	-e ptp.v2.messagelength -e ptp.v2.mm.lengthField 2>/dev/null >"$T_DIR/mm"
awk '{ n[$1]++; if ($2 != 34 + 14 + 4 + $3) bad++ } END { exit !(n[0] == 2 && n[2] == 2 && !bad) }' "$T_DIR/mm" ||
	die "management on the wire (action, messageLength, lengthField): $(cat "$T_DIR/mm")"
echo "management: 2 GETs and 2 RESPONSEs, unicastFlag set, lengths consistent"
# versionPTP 2.1 (ocp-dc is a 1588-2019 profile; g8265.1, of 1588-2008,
# sends 2.0: unit:gm_announce_flags_by_profile_and_class)
ver=$(tshark -r "$cap" -Y ptp -T fields -e ptp.v2.versionptp -e ptp.v2.minorversionptp 2>/dev/null | sort -u | tr '\t\n' '. ')
echo "PTP versions on the wire: $ver"
[ "$ver" = "2.1 " ] || die "versionPTP.minorVersionPTP $ver, want 2.1"
dscp=$(tshark -r "$cap" -Y 'ptp.v2.messagetype == 0x0 || ptp.v2.messagetype == 0x1' -T fields -e ipv6.tclass.dscp 2>/dev/null | sort -u | tr '\n' ' ')
echo "DSCP of event messages: $dscp"
[ "$dscp" = "46 " ] || die "event DSCP $dscp, want 46"
echo "PASS tshark_decode"
