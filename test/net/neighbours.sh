#!/bin/sh
# The suite beside other PTP work on the same machine (issue 27): a lab
# box whose time daemon is ptp4l, a capture someone runs, another
# checkout's tests.  Someone else's ptp4l (a master on a veth pair of a
# namespace that is not ours, free running, its clock calls turned into
# reads by the noadj shim) and someone else's tshark capture run while
# test/run-all.sh runs a network suite; the suite must pass, its leftover
# check must count nothing of theirs, and they must still run afterwards.
# (The check used to count every ptp4l, ptpbox, tshark and dumpcap of the
# machine as the run's own: every network suite failed beside them.)
. "$(dirname "$0")/../lib.sh"
net_init
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v tshark >/dev/null || die "tshark missing (apt-get install tshark)"

# the neighbours' namespace: not pbt-*, not registered with run-all, and
# its processes without this run's PTPBOX_RUN_ID
NB=nbr-$$
ip netns add "$NB" || die "ip netns add $NB"
T_CLEANUP="ip netns del $NB 2>/dev/null"
ip -n "$NB" link set lo up
ip -n "$NB" link add va type veth peer name vb || die "veth"
ip -n "$NB" addr add 10.77.0.1/24 dev va
ip -n "$NB" addr add 10.77.0.2/24 dev vb
ip -n "$NB" link set va up
ip -n "$NB" link set vb up
cat >"$T_DIR/ptp4l.cfg" <<CFG
[global]
free_running 1
masterOnly 1
time_stamping software
logging_level 6
CFG
cc -shared -fPIC -O2 -o "$T_DIR/noadj.so" "$top/test/interop/noadj.c" -ldl || die "noadj.so"
env -u PTPBOX_RUN_ID LD_PRELOAD="$T_DIR/noadj.so" NOADJ_LOG="$T_DIR/noadj.log" \
	ip netns exec "$NB" ptp4l -f "$T_DIR/ptp4l.cfg" -i va -m -q >"$T_DIR/ptp4l.log" 2>&1 &
P4=$!
env -u PTPBOX_RUN_ID ip netns exec "$NB" tshark -i vb -w "$T_DIR/nb.pcapng" >"$T_DIR/tshark.log" 2>&1 &
TS=$!
wait_for 30 "$T_DIR/tshark.log" "Capturing on" || die "the neighbour's tshark did not start: $(cat "$T_DIR/tshark.log")"
wait_for 30 "$T_DIR/ptp4l.log" "assuming the grand master role" ||
	die "the neighbour's ptp4l did not start: $(cat "$T_DIR/ptp4l.log")"
echo "neighbours: ptp4l (pid $P4) and tshark (pid $TS) in namespace $NB"

# a whole run-all beside them, of one network suite (we hold the lock it
# would take: PTPBOX_NET_LOCKED)
sh "$top/test/run-all.sh" --no-install --no-build net-gm-oc-converge >"$T_DIR/run.log" 2>&1
rc=$?
tail -3 "$T_DIR/run.log" | sed "s/^/  nested run: /"
grep -q "left behind" "$T_DIR/run.log" && die "run-all counted the neighbours as its own: $(grep -A3 "left behind" "$T_DIR/run.log")"
[ $rc = 0 ] && grep -qx "1 passed, 0 failed" "$T_DIR/run.log" ||
	die "net-gm-oc-converge beside the neighbours: exit $rc: $(tail -20 "$T_DIR/run.log")"
for p in $P4 $TS; do
	[ -n "$(net_state "$p")" ] && [ "$(net_state "$p")" != Z ] || die "a neighbour (pid $p) was stopped by the run"
done
[ ! -s "$T_DIR/noadj.log" ] || die "the neighbour's ptp4l tried to change a clock: $(head -3 "$T_DIR/noadj.log")"
echo "PASS neighbours: the suite passed beside someone else's ptp4l and capture, which run on"
