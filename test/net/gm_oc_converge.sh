#!/bin/sh
# The main job: gm and oc in two namespaces over veth (UDP/IPv6, software
# time stamps, OCP DC profile).  The oc's soft clock starts 250 us ahead and
# +10 ppm fast; it must reach s2 with |master offset| < 10 us within 30 s,
# and its true error (soft clock vs CLOCK_REALTIME) must agree.  Grants
# last 10 s, so the 40 s session also runs through three renewals.
# With CAPTURE=FILE the session is also recorded with tshark.
. "$(dirname "$0")/../lib.sh"
net_init
DURATION=${DURATION:-40}
net_host gm
net_host oc
net_link gm oc 1

cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock CLOCK_REALTIME
logging_level 6
CFG
cat >"$T_DIR/oc.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock soft
soft_offset_ns 250000
soft_freq_ppb 10000
first_step_threshold 0.00002
unicast_master_table 1
unicast_req_duration 10
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
CFG

if [ -n "$CAPTURE" ]; then
	run_in gm "$T_DIR/tshark.log" tshark -i pa1 -w "$CAPTURE" -a duration:$((DURATION - 5)) -f "udp port 319 or udp port 320"
	sleep 2
fi
run_in gm "$T_DIR/gm.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
GMPID=$LAST_PID
wait_for 5 "$T_DIR/gm.log" "assuming the grand master role" || die "gm did not start: $(cat "$T_DIR/gm.log")"
start=$(date +%s)
run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q

# converged: three servo lines in a row at s2 with |offset| < 10 us
wait_locked 30 "$T_DIR/oc.log" 3 || { cat "$T_DIR/oc.log"; die "oc did not converge within 30 s"; }
converged=$(( $(date +%s) - start ))
echo "converged after ${converged} s"
while [ $(( $(date +%s) - start )) -lt "$DURATION" ]; do sleep 1; done
kill "$LAST_PID"
sleep 0.5

grep -q "UNCALIBRATED to SLAVE on MASTER_CLOCK_SELECTED" "$T_DIR/oc.log" || die "no SLAVE state"
grep -q "selected best master clock" "$T_DIR/oc.log" || die "no BMCA line"
# steady state: last 15 servo lines
set -- $(offset_stats "$T_DIR/oc.log" 15)
echo "steady state over $1 Syncs: rms offset $2 ns, max |offset| $3 ns"
[ "$3" -lt 10000 ] || die "max |offset| $3 ns >= 10 us"
truth=$(grep "soft clock true time error" "$T_DIR/oc.log" | tail -10 | awk '
	{ o = $7; if (o < 0) o = -o; if (o > m) m = o } END { printf "%.0f", m }')
echo "soft clock true |time error| over the last 10 s: max $truth ns"
[ "$truth" -lt 10000 ] || die "true time error $truth ns >= 10 us"
n=$(grep -c "granted SYNC logInterMessagePeriod 0" "$T_DIR/gm.log")
[ "$n" -eq 1 ] || die "gm logged $n new Sync grants at info level, want 1 (renewals go to debug)"
kill "$GMPID"
wait_for 3 "$T_DIR/gm.log" "clients .* expired" || die "gm printed no counters at exit"
grep "clients .* expired" "$T_DIR/gm.log" | tail -1 | grep -q "expired 0 " || die "a grant expired: renewal failed: $(grep "expired" "$T_DIR/gm.log" | tail -1)"
echo "grants of 10 s renewed through the session, one grant line at info level"
echo "PASS gm_oc_converge"
