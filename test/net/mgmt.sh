#!/bin/sh
# Management (1588-2019 15): our pmc and linuxptp's pmc against our gm and
# oc, over the UNIX socket and UDP (multicast and unicast); SET that takes
# effect at once (priority2 into the Announce, the G.8265.1 lock-out list);
# allow_remote_mgmt 0; the rate limit; malformed requests counted and
# dropped or answered with an error status.  Waits for a change end when it
# is seen and are generous: a loaded machine only makes the test slower.
. "$(dirname "$0")/../lib.sh"
net_init
RAW="python3 $(dirname "$0")/../tools/mgmt_raw.py"
net_host gm
net_host oc
net_link gm oc 1
cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock CLOCK_REALTIME
uds_address $T_DIR/gm.sock
userDescription grandmaster;rack 1
# SET from the network: only the oc's address (fd00::1:2) may
allow_remote_mgmt 1
# multicast management too (linuxptp's pmc over UDP): an opt-in under
# ocp-dc, where every message is unicast; the oc keeps the profile's 0
mgmt_multicast 1
mgmt_acl fd00::1:2 10.1.0.0/24
CFG
cat >"$T_DIR/oc.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock soft
soft_offset_ns 50000
soft_freq_ppb 5000
uds_address $T_DIR/oc.sock
metrics_file $T_DIR/oc.prom
allow_remote_mgmt 0
mgmt_rate_limit 20
unicast_master_table 1
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
CFG
run_in gm "$T_DIR/gm.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
wait_for 15 "$T_DIR/gm.log" "assuming the grand master role" || die "gm did not start: $(cat "$T_DIR/gm.log")"
run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
wait_locked 60 "$T_DIR/oc.log" 3 || { cat "$T_DIR/oc.log"; die "oc did not converge"; }

GM="ip netns exec $NS_gm"
OC="ip netns exec $NS_oc"
IDS="NULL_MANAGEMENT CLOCK_DESCRIPTION USER_DESCRIPTION DEFAULT_DATA_SET CURRENT_DATA_SET
PARENT_DATA_SET TIME_PROPERTIES_DATA_SET PORT_DATA_SET PRIORITY1 PRIORITY2 DOMAIN SLAVE_ONLY
LOG_ANNOUNCE_INTERVAL ANNOUNCE_RECEIPT_TIMEOUT LOG_SYNC_INTERVAL VERSION_NUMBER
UNICAST_NEGOTIATION_ENABLE UNICAST_MASTER_TABLE UNICAST_MASTER_MAX_TABLE_SIZE TIME_STATUS_NP
PORT_DATA_SET_NP PORT_STATS_NP UNICAST_MASTER_TABLE_NP MASTER_ONLY"

# 1. the done-when command: live offset from the oc over its UNIX socket
o1=$($OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" 'GET CURRENT_DATA_SET') || die "pmc -u failed: $o1"
echo "$o1"
# two Syncs (1/s) later; single offsets within 50 us, not the 10 us of the
# lock: one software stamp can come late on a busy machine (see
# gm_oc_converge.sh)
nap 2.2
o2=$($OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" 'GET CURRENT_DATA_SET')
off1=$(echo "$o1" | awk '/offsetFromMaster/ { print $2 }')
off2=$(echo "$o2" | awk '/offsetFromMaster/ { print $2 }')
awk -v a="$off1" -v b="$off2" 'BEGIN { exit !(a != b && a != 0 && a < 50000 && a > -50000 && b < 50000 && b > -50000) }' ||
	die "offsetFromMaster not live/locked: $off1 then $off2"
echo "live offsetFromMaster: $off1 ns, 2.2 s later $off2 ns"

# 2. every id, our pmc, both clocks, UNIX socket and UDP (multicast from the
#    other host, unicast with --to)
n=0
for id in $IDS; do
	for who in gm oc; do
		if [ $who = gm ]; then sock=$T_DIR/gm.sock; ns=$GM; peer=$OC; pif=pb1; addr=fd00::1:1
		else sock=$T_DIR/oc.sock; ns=$OC; peer=$GM; pif=pa1; addr=fd00::1:2; fi
		for how in uds mcast ucast; do
			# the oc answers no multicast (ocp-dc): checked below
			[ $who = oc ] && [ $how = mcast ] && continue
			case $how in
			uds) out=$($ns "$PTPBOX" pmc -u -b 0 -s "$sock" "GET $id" 2>&1) ;;
			mcast) out=$($peer "$PTPBOX" pmc -6 -i $pif -b 1 "GET $id" 2>&1) ;;
			ucast) out=$($peer "$PTPBOX" pmc -6 --to $addr -b 0 "GET $id" 2>&1) ;;
			esac
			echo "$out" | grep -q "seq 0 RESPONSE MANAGEMENT $( [ $id = NULL_MANAGEMENT ] || echo $id)" ||
				die "$who $how GET $id: $out"
			n=$((n + 1))
		done
	done
done
echo "our pmc: $n GETs answered (24 ids x gm uds/multicast/unicast, oc uds/unicast)"
# OCP 7.1: the profile's identifier in CLOCK_DESCRIPTION
$OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" "GET CLOCK_DESCRIPTION" | grep -q "profileId  *7a:4d:2f:01:01:00" ||
	die "CLOCK_DESCRIPTION profileId: $($OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" "GET CLOCK_DESCRIPTION")"
# portDS.masterOnly (1588-2019 15.5.3.7): the gm's port is, the oc's is not
$GM "$PTPBOX" pmc -u -b 0 -s "$T_DIR/gm.sock" "GET MASTER_ONLY" | grep -q "masterOnly  *1" &&
	$OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" "GET MASTER_ONLY" | grep -q "masterOnly  *0" ||
	die "MASTER_ONLY: gm 1, oc 0 expected"
# OCP 6/7.13: every message unicast.  The oc (mgmt_multicast 0 by the
# profile) leaves a request to the group unanswered and counts it, answers
# the same request unicast (tshark_decode.sh checks unicastFlag and the
# lengths of such requests and answers on the wire)
# (the gm, mgmt_multicast 1, answers its own namespace's request: only an
# answer from the oc's clockIdentity, EUI-48 + 00 01, counts)
out=$($GM "$PTPBOX" pmc -6 -i pa1 -b 1 --timeout 1500 "GET DEFAULT_DATA_SET" 2>&1)
echo "$out" | grep -q "01-[0-9]* seq 0 RESPONSE" && die "oc answered multicast management under ocp-dc: $out"
echo "$out" | grep -q "00-[0-9]* seq 0 RESPONSE" || die "multicast GET: the gm did not answer: $out"

# 3. linuxptp's pmc against our clocks; its output must equal ours byte
#    for byte for the values that do not change from call to call
if command -v pmc >/dev/null; then
	for id in CLOCK_DESCRIPTION USER_DESCRIPTION DEFAULT_DATA_SET PARENT_DATA_SET \
		TIME_PROPERTIES_DATA_SET PORT_DATA_SET PRIORITY1 PRIORITY2 DOMAIN SLAVE_ONLY \
		LOG_ANNOUNCE_INTERVAL ANNOUNCE_RECEIPT_TIMEOUT LOG_SYNC_INTERVAL VERSION_NUMBER \
		PORT_DATA_SET_NP; do
		for who in gm oc; do
			$(eval echo \$NS_$who | sed 's/^/ip netns exec /') pmc -u -b 0 -s "$T_DIR/$who.sock" "GET $id" >"$T_DIR/l.out" 2>&1
			$(eval echo \$NS_$who | sed 's/^/ip netns exec /') "$PTPBOX" pmc -u -b 0 -s "$T_DIR/$who.sock" "GET $id" >"$T_DIR/p.out" 2>&1
			grep -q RESPONSE "$T_DIR/l.out" || die "linuxptp pmc GET $id on $who: $(cat "$T_DIR/l.out")"
			# the source port of linuxptp's pmc differs: compare from the response on
			if ! diff "$T_DIR/l.out" "$T_DIR/p.out" >"$T_DIR/diff"; then
				cat "$T_DIR/diff"; die "output differs from linuxptp pmc: GET $id on $who"
			fi
		done
	done
	for id in CURRENT_DATA_SET TIME_STATUS_NP PORT_STATS_NP; do
		$OC pmc -u -b 0 -s "$T_DIR/oc.sock" "GET $id" | grep -q "RESPONSE MANAGEMENT $id" ||
			die "linuxptp pmc GET $id on oc"
	done
	$GM pmc -6 -i pa1 -b 1 "GET PARENT_DATA_SET" | grep -q "grandmasterIdentity" && die "linuxptp pmc over UDPv6 (multicast) answered by the oc"
	$OC pmc -6 -i pb1 -b 1 "GET DEFAULT_DATA_SET" | grep -q "clockClass  *6" || die "linuxptp pmc over UDPv6 to gm"
	$OC pmc -u -b 0 -s "$T_DIR/oc.sock" "GET TIME_STATUS_NP" | grep -q "gmPresent  *true" || die "TIME_STATUS_NP gmPresent"
	echo "linuxptp pmc: same output as ours for 15 ids on gm and oc; UDPv6 to the gm (mgmt_multicast 1), none from the oc (ocp-dc)"
	# SET over the network with linuxptp's pmc: priority2 reaches the oc
	$OC pmc -6 -i pb1 -b 1 "SET PRIORITY2 99" | grep -q "priority2 99" || die "linuxptp pmc SET PRIORITY2 on gm"
else
	echo "SKIP linuxptp pmc parts (apt-get install linuxptp)"
	$OC "$PTPBOX" pmc -6 -i pb1 -b 1 "SET PRIORITY2 99" | grep -q "priority2 99" || die "SET PRIORITY2 on gm"
fi
i=0
until $OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" "GET PARENT_DATA_SET" | grep -q "grandmasterPriority2  *99"; do
	i=$((i + 1)); [ $i -lt 75 ] || die "oc's parentDS never showed the new priority2"
	sleep 0.2
done
echo "SET PRIORITY2 99 on the gm: in the oc's parentDS after $((i * 200)) ms or less"
# out of the profile's range (OCP: priority1 128 only)
$GM "$PTPBOX" pmc -u -b 0 -s "$T_DIR/gm.sock" "SET PRIORITY1 100" | grep -q "managementErrorId WRONG_VALUE" ||
	die "SET PRIORITY1 outside the profile's range not refused"

# 4. allow_remote_mgmt 0 on the oc: SET from the network refused, local allowed
out=$($GM "$PTPBOX" pmc -6 --to fd00::1:2 -b 0 "SET USER_DESCRIPTION remote" 2>&1)
echo "$out" | grep -q "managementErrorId NOT_SUPPORTED" || die "remote SET not refused: $out"
$OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" "SET USER_DESCRIPTION oc;lab" | grep -q "userDescription  oc;lab" ||
	die "local SET USER_DESCRIPTION"

# 5. JSON for scripts
$OC "$PTPBOX" pmc --json -u -b 0 -s "$T_DIR/oc.sock" "GET CURRENT_DATA_SET" "GET UNICAST_MASTER_TABLE_NP" >"$T_DIR/j.out"
python3 - "$T_DIR/j.out" <<'PY' || die "JSON output: $(cat "$T_DIR/j.out")"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert len(objs) == 2, objs
assert objs[0]["id"] == "CURRENT_DATA_SET" and abs(objs[0]["data"]["offsetFromMaster"]) < 50000
t = objs[1]["data"]
assert t["actual_table_size"] == 1 and t["unicast_masters"][0]["selected"] is True
assert t["unicast_masters"][0]["state"] == "HAVE_SYDY", t
print("json: offsetFromMaster", objs[0]["data"]["offsetFromMaster"], "master", t["unicast_masters"][0]["address"])
PY

# what the oc's (envelope) servo believes, locked: SERVO_STATE_NP in text
# and JSON (the same figures), and in the metrics file; the gm has no servo
sv=$($OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" "GET SERVO_STATE_NP") || die "GET SERVO_STATE_NP: $sv"
echo "$sv"
$OC "$PTPBOX" pmc --json -u -b 0 -s "$T_DIR/oc.sock" "GET SERVO_STATE_NP" >"$T_DIR/sv.json"
python3 - "$T_DIR/sv.json" "$T_DIR/oc.prom" <<'PY' || die "SERVO_STATE_NP: $(cat "$T_DIR/sv.json")"
import json, re, sys
def no_const(c):
    raise ValueError("not JSON: " + c)
j = json.loads(open(sys.argv[1]).read(), parse_constant=no_const)
d = j["data"]
assert j["id"] == "SERVO_STATE_NP", j
# the prior or an estimate, a window of 4..256 Sync intervals (1 s), some
# delay noise (software stamps), a positive predicted error, one estimator
assert 0 < d["wander_ppb_sqrt_s"] <= 1000, d
assert 4 <= d["window_seconds"] <= 256, d
assert d["wander_estimate_ppb_sqrt_s"] >= 0 and d["delay_spread_ns"] > 0, d
assert d["delay_shape"] > 0 and d["predicted_error_ns"] > 0, d
assert d["estimator"] in (0, 1), d
prom = open(sys.argv[2]).read()
m = re.search(r'^ptpbox_oc_servo_window_seconds\{iface="pb1"\} (\S+)$', prom, re.M)
assert m and 4 <= float(m.group(1)) <= 256, prom
print("SERVO_STATE_NP: wander %g ppb/sqrt(s) (estimate %g), window %g s, delay spread %g ns "
      "shape %g, estimator %d, predicted %g ns; metrics window %s s" % (
      d["wander_ppb_sqrt_s"], d["wander_estimate_ppb_sqrt_s"], d["window_seconds"],
      d["delay_spread_ns"], d["delay_shape"], d["estimator"], d["predicted_error_ns"], m.group(1)))
PY
w=$(echo "$sv" | awk '$1 == "window_seconds" { print $2 }')
awk -v w="$w" 'BEGIN { exit !(w >= 4 && w <= 256) }' || die "SERVO_STATE_NP text: window_seconds '$w'"
$GM "$PTPBOX" pmc -u -b 0 -s "$T_DIR/gm.sock" "GET SERVO_STATE_NP" | grep -q "managementErrorId NOT_SUPPORTED" ||
	die "gm GET SERVO_STATE_NP not NOT_SUPPORTED"

# every id each clock answers, as JSON, through a strict parser (RFC 8259:
# no NaN, Infinity, leading '+' or trailing garbage); ids a clock does not
# support answer an error object, which must parse too
ids=$("$PTPBOX" pmc -u -s /nonexistent help 2>/dev/null | awk '/^\t/ { print $1 }')
[ -n "$ids" ] || die "pmc help listed no ids"
for who in gm oc; do
	if [ $who = gm ]; then sock=$T_DIR/gm.sock ns=$GM; else sock=$T_DIR/oc.sock ns=$OC; fi
	: >"$T_DIR/all.$who.json"
	for id in $ids; do
		$ns "$PTPBOX" pmc --json -u -b 0 -s "$sock" --timeout 500 "GET $id" >>"$T_DIR/all.$who.json" 2>/dev/null
	done
	python3 - "$T_DIR/all.$who.json" "$who" <<'PY' || die "$who: JSON not strict: $(head -c 600 "$T_DIR/all.$who.json")"
import json, sys
def no_const(c):
    raise ValueError("not JSON: " + c)
n = 0
for line in open(sys.argv[1]):
    json.loads(line, parse_constant=no_const)
    n += 1
assert n >= 20, n
print("%s: %d answers of every GET, each strict JSON" % (sys.argv[2], n))
PY
done

# 6. G.8265.1 lock-out by management: the oc leaves its only master, then
#    takes it back when the list is cleared
$OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" "SET UNICAST_MASTER_LOCKOUT_NP fd00::1:1" | grep -q "address  *2 fd00::1:1" ||
	die "SET lock-out"
wait_for 10 "$T_DIR/oc.log" "fd00::1:1 locked out" || die "lock-out not applied"
wait_for 10 "$T_DIR/oc.log" "holdover" || die "locked-out master still followed"
$OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" "SET UNICAST_MASTER_LOCKOUT_NP" | grep -q "count  *0" || die "clear lock-out"
wait_for 10 "$T_DIR/oc.log" "no longer locked out" || die "lock-out not cleared"
echo "lock-out by management: master left and taken back"

# 7. errors and malformed requests
r=$($OC $RAW uds "$T_DIR/oc.sock" get:2fff set:2006:64000000 set:2001:0000 0d02 \
	0d02002e000000000000000000000000000000000a0b0c0d0e0f101100070000047fffffffffffffffffffff01010000)
echo "$r" | sed -n 1p | grep -q "^reply .*0002000800022fff" || die "NO_SUCH_ID: $r"
echo "$r" | sed -n 2p | grep -q "^reply .*000200080003200600000000" || die "WRONG_LENGTH: $r"
echo "$r" | sed -n 3p | grep -q "^reply .*000200080006200100000000" || die "NOT_SUPPORTED: $r"
[ "$(echo "$r" | sed -n 4p)" = noreply ] || die "truncated datagram answered"
[ "$(echo "$r" | sed -n 5p)" = noreply ] || die "management without TLV answered"
echo "errors: NO_SUCH_ID, WRONG_LENGTH, NOT_SUPPORTED; truncated and TLV-less requests dropped"

# 8. rate limit: 20 requests/s from the network on the oc (burst 20)
sleep 1.2
set --
for i in $(seq 60); do set -- "$@" "GET PRIORITY1"; done
t0=$(date +%s.%N)
$GM "$PTPBOX" pmc -6 --to fd00::1:2 -b 0 --timeout 300 "$@" >"$T_DIR/rate.out" 2>"$T_DIR/rate.err"
t1=$(date +%s.%N)
answered=$(grep -c "RESPONSE MANAGEMENT PRIORITY1" "$T_DIR/rate.out")
# the burst, and 20 more per second the requests took to go out: they take
# milliseconds, but a busy machine may hold pmc longer (its run less the
# 300 ms it waits for answers bounds that)
limit=$(echo "$t0 $t1" | awk '{ e = $2 - $1 - 0.5; if (e < 0) e = 0; printf "%d", 26 + 20 * e + 0.999 }')
[ "$answered" -ge 1 ] && [ "$answered" -le "$limit" ] || die "rate limit: $answered of 60 answered (limit $limit)"
echo "rate limit 20/s: $answered of 60 back-to-back requests answered"
# the refusals so far, by reason (PORT_REFUSALS_NP): the remote SET of step
# 4, the malformed requests, the requests over the rate
ref=$($OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" "GET PORT_REFUSALS_NP")
echo "$ref" | grep -q "mgmt_set_refused  *[1-9]" && echo "$ref" | grep -q "mgmt_malformed  *2" &&
	echo "$ref" | grep -q "mgmt_rate_limited  *[1-9]" || die "PORT_REFUSALS_NP: $ref"

# the counters are printed at exit.  The gm first, while the oc runs:
# OCP 7.13.2, it CANCELs the oc's 3 grants and serves them until the oc
# acknowledges each (then exits at once, not after its 3 s bound)
t0=$(date +%s.%N)
stop_host gm
t1=$(date +%s.%N)
grep -q "shutdown: 3 grants cancelled: 3 acknowledged, 0 unanswered, 0 still served" "$T_DIR/gm.log" ||
	die "gm shutdown: $(grep "shutdown:" "$T_DIR/gm.log")"
grep -q "master fd00::1:1 cancelled" "$T_DIR/oc.log" || die "the oc logged no CANCEL from the gm"
echo "gm shutdown: 3 grants cancelled and acknowledged, exit after $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s"
stop_host oc
grep "management: requests" "$T_DIR/oc.log"
grep -q "malformed 2 rate_limited [1-9]" "$T_DIR/oc.log" && grep -q "not_unicast [1-9]" "$T_DIR/oc.log" ||
	die "oc agent counters: $(grep 'management:' "$T_DIR/oc.log")"
echo "PASS mgmt"
