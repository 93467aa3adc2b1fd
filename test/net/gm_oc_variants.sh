#!/bin/sh
# Variants of the main job in one pair of namespaces:
#  (a) UDP/IPv4, default profile, 8 Sync/s: the oc converges;
#  (b) free_running 1: the oc measures the injected error but never touches
#      its clock (s0, true frequency error stays +10 ppm);
#  (c) malformed datagrams sent to the gm's event and general ports are
#      counted and dropped while the client stays locked;
#  (d) the log as ptp4l's: summary_interval 1 (2 s) at 8 Sync/s gives one
#      "rms" summary line every 2 s in ptp4l's format and no per-Sync line
#      (a-c run with summary_interval -3: a "master offset" line per Sync).
# Waits are generous and end on what the logs show, so that a loaded
# machine only makes the test slower (convergence takes a few seconds).
. "$(dirname "$0")/../lib.sh"
net_init
net_host gm
net_host oc
net_link gm oc 1

cat >"$T_DIR/gm.cfg" <<CFG
[global]
network_transport UDPv4
time_stamping software
clock CLOCK_REALTIME
summary_interval 1
CFG
cat >"$T_DIR/oc.cfg" <<CFG
[global]
network_transport UDPv4
time_stamping software
clock soft
soft_offset_ns -250000
soft_freq_ppb 10000
logAnnounceInterval 0
logSyncInterval -3
logMinDelayReqInterval -3
summary_interval 1
unicast_master_table 1
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv4 10.1.0.1
CFG

run_in gm "$T_DIR/gm.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
gmpid=$LAST_PID
wait_for 15 "$T_DIR/gm.log" "grand master role" || die "gm did not start: $(cat "$T_DIR/gm.log")"

# (a)
run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q --summary_interval=-3
ocpid=$LAST_PID
t0=$(date +%s)
wait_locked 60 "$T_DIR/oc.log" 16 || { cat "$T_DIR/oc.log"; die "(a) IPv4: no convergence in 60 s"; }
i=$(( ($(date +%s) - t0) * 2 ))
grep -q "granted SYNC logInterMessagePeriod -3" "$T_DIR/gm.log" || die "(a) no Sync grant at -3"
grep "master offset" "$T_DIR/oc.log" | tail -1
echo "(a) UDPv4, 8 Sync/s: converged in $((i / 2)) s"

# (c) while locked: garbage to both gm ports
ip netns exec "$NS_oc" python3 - <<'PY' || die "(c) could not send"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
junk = [b"", b"\x00", b"\x12" * 33, bytes(range(44)), b"\x0c\x12\x00\x40" + b"\xff" * 40,
        b"\x00\x12\x00\x2c" + b"\x00" * 30, b"\x0c\x12\x01\x00" + b"\x00" * 60]
for i in range(60):
    for port in (319, 320):
        s.sendto(junk[i % len(junk)], ("10.1.0.1", port))
PY
nap 3
stop_pid "$gmpid" || die "(c) gm did not exit"
wait_for 10 "$T_DIR/gm.log" "bad [0-9]" || die "(c) gm printed no counters"
bad=$(grep "clients" "$T_DIR/gm.log" | tail -1 | sed 's/.* bad \([0-9]*\).*/\1/')
echo "(c) gm counted $bad malformed datagrams"
[ "$bad" -ge 100 ] || die "(c) expected >= 100 malformed datagrams counted, got $bad"
tail -8 "$T_DIR/oc.log" | grep "master offset" | awk '{ if ($5 != "s2") bad = 1 } END { exit bad }' \
	|| die "(c) oc lost lock while the gm got garbage"
# the next oc binds the same ports: this one must be gone
stop_pid "$ocpid" || die "oc did not exit"

# (b)
run_in gm "$T_DIR/gm2.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
wait_for 15 "$T_DIR/gm2.log" "grand master role" || die "gm did not restart"
run_in oc "$T_DIR/oc2.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q --free_running=1 \
	--summary_interval=-3
ocpid=$LAST_PID
nap 8
grep -q "master offset" "$T_DIR/oc2.log" || die "(b) no measurements"
grep "master offset" "$T_DIR/oc2.log" | awk '{ if ($5 != "s0") bad = 1 } END { exit bad }' \
	|| die "(b) free_running oc reported a servo state other than s0"
grep "soft clock true" "$T_DIR/oc2.log" | awk '{ if ($11 != "+10000.0") bad = 1 } END { exit bad }' \
	|| die "(b) free_running oc changed its clock's frequency"
# measured offset tracks the true error (same sign and size within 10 us)
last_meas=$(grep "master offset" "$T_DIR/oc2.log" | tail -1 | awk '{ print $4 }')
last_true=$(grep "soft clock true" "$T_DIR/oc2.log" | tail -1 | awk '{ print $7 + 0 }')
echo "(b) free_running: measured offset $last_meas ns, true error $last_true ns"
awk -v m="$last_meas" -v t="$last_true" 'BEGIN { d = m - t; if (d < 0) d = -d; exit !(d < 10000 && t < -100000) }' \
	|| die "(b) measured offset does not track the true error"
stop_pid "$ocpid" || die "(b) oc did not exit"

# (d) summary_interval 1 from the file: 2 s summaries, no per-Sync lines
run_in oc "$T_DIR/oc3.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
wait_for 30 "$T_DIR/oc3.log" "UNCALIBRATED to SLAVE" || die "(d) oc did not lock: $(cat "$T_DIR/oc3.log")"
nap 7
RMS_RE='^oc\[[0-9.]+\]: rms +[0-9]+ max +[0-9]+ freq +[-+][0-9]+ [+]/- +[0-9]+ delay +-?[0-9]+ [+]/- +[0-9]+$'
n=$(grep -Ec "$RMS_RE" "$T_DIR/oc3.log")
other=$(grep " rms " "$T_DIR/oc3.log" | grep -Evc "$RMS_RE")
grep " rms " "$T_DIR/oc3.log" | tail -2
[ "$n" -ge 3 ] && [ "$other" -eq 0 ] || die "(d) $n summary lines in ptp4l's format, $other not: $(grep rms "$T_DIR/oc3.log")"
! grep -q "master offset" "$T_DIR/oc3.log" || die "(d) per-Sync lines with summary_interval 1: $(grep -c "master offset" "$T_DIR/oc3.log")"
# a summary every 2 s of the monotonic clock (ptpbox[SECONDS]), the soft
# clock's truth too (summary_interval longer than 1 s)
for what in " rms " "soft clock true"; do
	grep "$what" "$T_DIR/oc3.log" | sed 's/^oc\[\([0-9.]*\)\].*/\1/' |
		awk 'p { d = $1 - p; if (d < 1.9 || d > 2.1) bad = 1 } { p = $1 } END { exit bad || NR < 3 }' ||
		die "(d) '$what' lines not 2 s apart: $(grep "$what" "$T_DIR/oc3.log")"
done
echo "(d) summary_interval 1: $n summary lines 2 s apart, no per-Sync lines"
echo "PASS gm_oc_variants"
