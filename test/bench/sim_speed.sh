#!/bin/sh
# Benchmark (prints figures, no pass/fail): ptpsim speed, simulated seconds
# per wall-clock second, for one gm and one oc at 16 Sync and 16 Delay_Req a
# second (ref-hw with logSyncInterval -4) over one simulated day.  The
# target is >= 10000x real time on one core (a day in under 10 s).
# Usage: test/bench/sim_speed.sh [SECONDS]
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPSIM=${PTPSIM:-$top/build/ptpsim}
dur=${1:-86400}
if [ ! -x "$PTPSIM" ]; then
	make -s -C "$top" sim >/dev/null || exit 1
fi
echo "ptpsim speed: ref-hw, 16 Sync/s, $dur simulated s, $(uname -m), $(nproc) cores"
"$PTPSIM" "$top/test/sim/scenarios/ref-hw.sim" --duration "$dur" --set logSyncInterval=-4 \
	--set logMinDelayReqInterval=-4 --json | python3 -c "
import json, sys
j = json.load(sys.stdin)
w = j['wall_seconds']
print('  %d simulated s in %.2f wall s: %.0fx real time, %.2f M events/s (%d events)'
      % (j['sim_seconds'], w, j['sim_seconds'] / w if w else 0, j['events'] / w / 1e6 if w else 0,
         j['events']))
o = j['nodes']['oc']
print('  oc: rms %.1f ns, max|TE| %.1f ns, peak %.1f ns' % (o['rms_te_ns'], o['max_abs_te_ns'],
      o['peak_abs_te_ns']))"
