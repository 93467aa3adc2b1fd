#!/bin/sh
# Authenticated PTP (1588-2019 16.14, issue 24): a gm and an oc that share
# one sa_file in linuxptp's format (spp 1, keys of all four types; the gm
# signs with key 1, SHA256-128, the oc with key 2, AES128: each takes every
# key of the SA).  Asserted on the wire and in the logs:
#  - the oc locks as without authentication; every message both send
#    carries the TLV (tshark: all PTP frames have it, none malformed);
#  - forged messages without the TLV, with a wrong ICV, with a key the SA
#    lacks, and a replay of an authenticated CANCEL (signed here by an
#    independent implementation, test/tools/ptp_forge.py --auth) are each
#    counted in PORT_REFUSALS_NP and change nothing: no gap in the Syncs;
#  - pmc -f with the SA is answered; pmc without it is not (exit 3); a SET
#    from an address in mgmt_acl (anyone can forge it) is taken signed
#    only; with mgmt_get_unauthenticated 1 (the gm) an unsigned GET is
#    answered, an unsigned SET still not;
#  - SIGHUP re-reads sa_file: a new active_key_id takes effect, a file
#    without the active key is refused and the old keys stay.
. "$(dirname "$0")/../lib.sh"
net_init
command -v dumpcap >/dev/null && command -v tshark >/dev/null ||
	die "tshark/dumpcap missing (apt-get install tshark)"
FORGE="python3 $(cd "$(dirname "$0")/../tools" && pwd)/ptp_forge.py"
net_host gm
net_host oc
net_link gm oc 1
K1=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
K2=2b7e151628aed2a6abf7158809cf4f3c
cat >"$T_DIR/sa.cfg" <<SA
[security_association]
spp 1
seqid_window 3
allow_mutable 0
1 SHA256-128 HEX:$K1
2 AES128 HEX:$K2
3 SHA256 B64:AAECAwQFBgcICQoLDA0ODw==
4 AES256 32 ASCII:0123456789abcdef0123456789abcdef
SA
chmod 600 "$T_DIR/sa.cfg"
cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock CLOCK_REALTIME
sa_file $T_DIR/sa.cfg
uds_address $T_DIR/gm.sock
mgmt_get_unauthenticated 1
allow_remote_mgmt 1
mgmt_acl fd00::1:2
[pa1]
spp 1
active_key_id 1
CFG
cat >"$T_DIR/oc.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock soft
soft_offset_ns 250000
soft_freq_ppb 10000
unicast_master_table 1
unicast_req_duration 60
sa_file $T_DIR/sa.cfg
uds_address $T_DIR/oc.sock
allow_remote_mgmt 1
mgmt_acl fd00::1:1
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
[pb1]
spp 1
active_key_id 2
CFG
# what pmc needs to be answered (linuxptp's pmc reads the same keys)
cat >"$T_DIR/pmc.cfg" <<CFG
[global]
sa_file $T_DIR/sa.cfg
spp 1
active_key_id 3
CFG

run_in gm "$T_DIR/tshark.log" tshark -i pa1 -w "$T_DIR/cap.pcapng" -f "udp port 319 or udp port 320"
wait_for 30 "$T_DIR/tshark.log" "Capturing on" || die "tshark did not start: $(cat "$T_DIR/tshark.log")"
TSHARK=$LAST_PID
run_in gm "$T_DIR/gm.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
GMPID=$LAST_PID
wait_for 15 "$T_DIR/gm.log" "assuming the grand master role" || die "gm did not start: $(cat "$T_DIR/gm.log")"
run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
OCPID=$LAST_PID
wait_locked 60 "$T_DIR/oc.log" 3 || { cat "$T_DIR/oc.log"; die "oc did not lock with authentication"; }
echo "oc locked with authentication (gm key 1 SHA256-128, oc key 2 AES128)"
GM_ID=$(sed -n 's/.*clockIdentity \([0-9a-f.]*\).*/\1/p' "$T_DIR/gm.log" | head -1)
OC_ID=$(sed -n 's/.*clockIdentity \([0-9a-f.]*\).*/\1/p' "$T_DIR/oc.log" | head -1)
OC_MAC=$(ip netns exec "$NS_oc" cat /sys/class/net/pb1/address)
GM_MAC=$(ip netns exec "$NS_gm" cat /sys/class/net/pa1/address)
[ -n "$GM_ID" ] && [ -n "$OC_ID" ] || die "no clockIdentity in the logs"

# the capture: the first seconds of the locked session, before any
# forged or unsigned message
nap 3
stop_pid "$TSHARK"
wait_for 30 "$T_DIR/tshark.log" "packets captured" || die "tshark did not finish"
# every PTP message of gm and oc carries the TLV; none malformed
tshark -r "$T_DIR/cap.pcapng" -Y ptp -T fields -e frame.number >"$T_DIR/frames.txt" 2>/dev/null
total=$(wc -l <"$T_DIR/frames.txt")
[ "$total" -ge 30 ] || die "only $total PTP frames of gm and oc captured"
unsigned=$(python3 - "$T_DIR/cap.pcapng" <<'PY'
import subprocess, sys
# the last TLV of each message of gm and oc: its type from the raw UDP payload
out = subprocess.run(["tshark", "-r", sys.argv[1], "-Y",
                      "udp.port == 319 || udp.port == 320", "-T", "fields",
                      "-e", "ipv6.src", "-e", "udp.srcport", "-e", "udp.payload"],
                     capture_output=True, text=True).stdout
bad = 0
for line in out.splitlines():
    f = line.split("\t")
    if len(f) < 3 or f[0] not in ("fd00::1:1", "fd00::1:2") or not f[2]:
        continue
    p = bytes.fromhex(f[2].replace(":", ""))
    # both keys in use have 16-octet ICVs: the TLV is the last 26 octets
    mlen = int.from_bytes(p[2:4], "big")
    if mlen < 34 + 26 or int.from_bytes(p[mlen - 26:mlen - 24], "big") != 0x8009:
        bad += 1
print(bad)
PY
)
echo "PTP frames of gm and oc captured: $total, without the AUTHENTICATION TLV last: $unsigned"
[ "$unsigned" = 0 ] || die "$unsigned messages without the TLV"
tshark -r "$T_DIR/cap.pcapng" -Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null >"$T_DIR/malformed.txt"
[ ! -s "$T_DIR/malformed.txt" ] || die "tshark: malformed: $(head -3 "$T_DIR/malformed.txt")"

# management: signed GET answered, unsigned not
PMC="ip netns exec $NS_gm $PTPBOX pmc -6 --to fd00::1:2 -b 0 --timeout 1000"
$PMC -f "$T_DIR/pmc.cfg" "GET DEFAULT_DATA_SET" >"$T_DIR/pmc1.out" 2>&1 ||
	die "signed GET not answered: $(cat "$T_DIR/pmc1.out")"
grep -q "clockIdentity *$OC_ID" "$T_DIR/pmc1.out" || die "signed GET: $(cat "$T_DIR/pmc1.out")"
$PMC "GET DEFAULT_DATA_SET" >"$T_DIR/pmc2.out" 2>&1
rc=$?
[ $rc = 3 ] || die "unsigned GET: exit $rc, want 3 (no answer): $(cat "$T_DIR/pmc2.out")"
grep -q clockIdentity "$T_DIR/pmc2.out" && die "unsigned GET answered"
# SET from an address in mgmt_acl (allow_remote_mgmt 1): the address is
# anyone's to forge, so unsigned it is refused; signed it is taken
$PMC "SET PRIORITY2 77" >"$T_DIR/pmc3.out" 2>&1
$PMC -f "$T_DIR/pmc.cfg" "GET PRIORITY2" >"$T_DIR/pmc4.out" 2>&1
grep -q "priority2 *128" "$T_DIR/pmc4.out" || die "unsigned SET from mgmt_acl taken: $(cat "$T_DIR/pmc3.out" "$T_DIR/pmc4.out")"
$PMC -f "$T_DIR/pmc.cfg" "SET PRIORITY2 77" >"$T_DIR/pmc3.out" 2>&1
$PMC -f "$T_DIR/pmc.cfg" "GET PRIORITY2" >"$T_DIR/pmc4.out" 2>&1
grep -q "priority2 *77" "$T_DIR/pmc4.out" || die "signed SET from mgmt_acl refused: $(cat "$T_DIR/pmc3.out" "$T_DIR/pmc4.out")"
$PMC -f "$T_DIR/pmc.cfg" "SET PRIORITY2 128" >/dev/null 2>&1
# the gm has mgmt_get_unauthenticated 1: an unsigned GET is answered, an
# unsigned SET still not
GPMC="ip netns exec $NS_oc $PTPBOX pmc -6 --to fd00::1:1 -b 0 --timeout 1000"
$GPMC "GET PRIORITY1" >"$T_DIR/pmc5.out" 2>&1 || die "gm: unsigned GET with mgmt_get_unauthenticated 1: $(cat "$T_DIR/pmc5.out")"
grep -q "priority1 *128" "$T_DIR/pmc5.out" || die "gm: GET PRIORITY1: $(cat "$T_DIR/pmc5.out")"
$GPMC "SET PRIORITY1 100" >"$T_DIR/pmc5.out" 2>&1
$GPMC "GET PRIORITY1" >"$T_DIR/pmc5.out" 2>&1
grep -q "priority1 *128" "$T_DIR/pmc5.out" || die "gm: an unsigned SET was taken: $(cat "$T_DIR/pmc5.out")"
echo "gm with mgmt_get_unauthenticated 1: unsigned GET answered, unsigned SET not"
echo "management: signed GET answered, unsigned GET unanswered (exit 3); from mgmt_acl's address an unsigned SET refused, a signed one taken"

# forged at the oc, from the gm's address and portIdentity: what each
# would do if believed is to end the Syncs (CANCEL) or move the clock
# 37 s (Announce currentUtcOffset 0)
lines0=$(grep -c "master offset" "$T_DIR/oc.log")
FS="ip netns exec $NS_gm $FORGE send pa1 $OC_MAC fd00::1:1 fd00::1:2"
$FS 320 cancel:SYNC --clock "$GM_ID" --portnum 1 --seq 100 >/dev/null
$FS 320 "announce:0:6:$GM_ID" --clock "$GM_ID" --portnum 1 --seq 200 >/dev/null
$FS 320 cancel:SYNC --clock "$GM_ID" --portnum 1 --seq 101 --auth "1:1:SHA256-128:$K1:bad" >/dev/null
$FS 320 cancel:SYNC --clock "$GM_ID" --portnum 1 --seq 102 --auth "1:9:SHA256-128:$K1" >/dev/null
$FS 320 cancel:SYNC --clock "$GM_ID" --portnum 1 --seq 103 --auth "2:1:SHA256-128:$K1" >/dev/null
nap 3
# the oc's refusals: missing 2, bad ICV 2 (the ICV, the spp), unknown key 1
$PMC -f "$T_DIR/pmc.cfg" "GET PORT_REFUSALS_NP" >"$T_DIR/ref.out" 2>&1 || die "PORT_REFUSALS_NP: $(cat "$T_DIR/ref.out")"
ref() { sed -n "s/^[[:space:]]*$1[[:space:]]*\([0-9]*\)/\1/p" "$T_DIR/ref.out" | head -1; }
missing=$(ref auth_missing) bad=$(ref auth_bad_icv) unknown=$(ref auth_unknown_key)
echo "oc refused: auth_missing $missing (>= 4 with the unsigned pmc GET and SET), auth_bad_icv $bad, auth_unknown_key $unknown"
[ "${missing:-0}" -ge 4 ] && [ "${bad:-0}" -ge 2 ] && [ "${unknown:-0}" -ge 1 ] ||
	die "refusals not counted: $(cat "$T_DIR/ref.out")"
# the genuine Syncs never stopped: at least 2 servo lines per 3 s
lines1=$(grep -c "master offset" "$T_DIR/oc.log")
[ $((lines1 - lines0)) -ge 2 ] || die "Syncs stopped after the forged messages: $((lines1 - lines0)) servo lines in 3 s"
servo_lines "$T_DIR/oc.log" | tail -n +"$((lines0 + 1))" | awk '{ o = $1 < 0 ? -$1 : $1; if (o > 1000000) bad = 1 } END { exit bad }' ||
	die "an |offset| over 1 ms after the forged Announce"

# a replayed authenticated CANCEL at the gm: the forger holds the key here
# (a capture would do as well) and sends one CANCEL(ANNOUNCE) of a made-up
# client twice, byte for byte
FG="$FORGE send pb1 $GM_MAC fd00::1:2 fd00::1:1"
ip netns exec "$NS_oc" $FG 320 cancel:ANNOUNCE --clock 0a0b0c.0d0e.0f1011 --seq 11 --auth "1:2:AES128:$K2" >/dev/null
ip netns exec "$NS_oc" $FG 320 cancel:ANNOUNCE --clock 0a0b0c.0d0e.0f1011 --seq 11 --auth "1:2:AES128:$K2" >/dev/null
nap 1
ip netns exec "$NS_gm" "$PTPBOX" pmc -u -s "$T_DIR/gm.sock" "GET PORT_REFUSALS_NP" >"$T_DIR/gref.out" 2>&1 ||
	die "gm PORT_REFUSALS_NP: $(cat "$T_DIR/gref.out")"
replay=$(sed -n 's/^[[:space:]]*auth_replay[[:space:]]*\([0-9]*\)/\1/p' "$T_DIR/gref.out" | head -1)
echo "gm refused a replayed CANCEL: auth_replay $replay"
[ "${replay:-0}" -ge 1 ] || die "replayed CANCEL not refused: $(cat "$T_DIR/gref.out")"

# SIGHUP: roll the oc to key 4 (AES256); then a file without key 4 is
# refused and key 4 stays in use
sed -i 's/^active_key_id 2$/active_key_id 4/' "$T_DIR/oc.cfg"
kill -HUP "$OCPID"
wait_for 10 "$T_DIR/oc.log" "reload: sa_file .* active_key_id 4" || die "reload: $(grep reload "$T_DIR/oc.log")"
grep -v "^4 " "$T_DIR/sa.cfg" >"$T_DIR/sa2.cfg"
cp "$T_DIR/sa2.cfg" "$T_DIR/sa.cfg"
kill -HUP "$OCPID"
wait_for 10 "$T_DIR/oc.log" "reload: .*active_key_id 4: no such key.*the keys in use stay" ||
	die "reload without the active key: $(grep reload "$T_DIR/oc.log")"
lines2=$(grep -c "master offset" "$T_DIR/oc.log")
nap 3
lines3=$(grep -c "master offset" "$T_DIR/oc.log")
[ $((lines3 - lines2)) -ge 2 ] || die "Syncs stopped after the reloads"
locked "$T_DIR/oc.log" || die "oc not locked after the reloads"
echo "SIGHUP: key 4 in force, a file without it refused, still locked"

kill "$OCPID"
wait_for 10 "$T_DIR/oc.log" "authentication spp 1: dropped" || die "oc printed no authentication counters"
kill "$GMPID"
wait_for 10 "$T_DIR/gm.log" "authentication spp 1: dropped" || die "gm printed no authentication counters"
grep "authentication spp" "$T_DIR/oc.log" "$T_DIR/gm.log" | sed 's/^.*: //'
echo "PASS auth"
