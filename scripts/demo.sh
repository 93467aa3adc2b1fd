#!/bin/sh
# The main job, live: build ptpbox, start a grandmaster and a client in two
# network namespaces joined by veth (UDP/IPv6, software time stamps, OCP DC
# profile, the example configs), and watch the client converge.  The
# client (scripts/examples/ocp-dc-oc-soft.cfg) disciplines a soft clock
# started 250 us ahead and 10 ppm fast; no real clock is touched.  Needs
# root (ip netns).  DURATION=30 by default.
set -e
cd "$(dirname "$0")/.."
./build.sh -s
PTPBOX=$PWD/build/ptpbox
. test/lib.sh
net_init
DURATION=${DURATION:-30}
net_host gm
net_host oc
net_link gm oc 1
echo "gm: fd00::1:1 in $NS_gm, oc: fd00::1:2 in $NS_oc"
run_in gm "$T_DIR/gm.log" "$PTPBOX" gm -f scripts/examples/ocp-dc-gm.cfg -i pa1 -m -q \
	--time_stamping=software --clock=CLOCK_REALTIME
wait_for 5 "$T_DIR/gm.log" "grand master role" || die "gm did not start: $(cat "$T_DIR/gm.log")"
# the test set-up's example: software stamps, a soft clock (no real clock steered)
run_in oc "$T_DIR/oc.log" "$PTPBOX" oc -f scripts/examples/ocp-dc-oc-soft.cfg -i pb1 -m -q
tail -f "$T_DIR/oc.log" &
tailpid=$!
sleep "$DURATION"
kill "$tailpid" 2>/dev/null
echo "--- gm"
cat "$T_DIR/gm.log"
echo "--- result"
set -- $(offset_stats "$T_DIR/oc.log" 10)
echo "oc, last $1 Syncs: rms offset $2 ns, max |offset| $3 ns"
grep -q "to SLAVE" "$T_DIR/oc.log" && echo "oc reached SLAVE" || { echo "oc did not reach SLAVE"; exit 1; }
