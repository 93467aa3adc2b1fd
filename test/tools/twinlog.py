#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""True time errors from the PHC twin's logs, for the network tests.

A PHC twin's log (test/sim/phcdev.c, PHCDEV_LOG) has lines "T E F [TAG]":
the PHC minus true time (the host's CLOCK_REALTIME) is E ns at true time
T ns and grows at F ppb until the next line; '#' lines are comments.  An
applet's soft system clock (sys_sync with sys_clock soft) logs lines
"system clock (soft) true time error E ns ... at T": the system clock
minus true UTC, E ns at true time T ns.

Each command prints "n rms max|x| mean" (ns, rounded) of its samples:

  twinlog.py phc REF_LOG LOG FROM TO
      LOG's PHC minus REF_LOG's, every 100 ms of true time in [FROM, TO)
  twinlog.py tai LOG FROM TO
      LOG's PHC minus TAI (true time + 37 s), every 100 ms in [FROM, TO)
  twinlog.py sys APP_LOG REF_LOG FROM TO
      the system clock at each of its truth lines in [FROM, TO) minus what
      it should read: REF_LOG's PHC - currentUtcOffset (37 s), or with
      REF_LOG "-" true UTC
"""
import bisect
import math
import re
import sys

UTC_OFFSET_NS = 37e9  # TAI - UTC since 2017
STEP_NS = 100000000


class Phc:
    """A twin's PHC: its error against true time at any true instant."""

    def __init__(self, path):
        self.seg = []
        for line in open(path):
            if line.startswith("#") or not line.strip():
                continue
            t, e, f = line.split()[:3]
            self.seg.append((int(t), float(e), float(f)))
        self.keys = [s[0] for s in self.seg]

    def error(self, t):
        i = bisect.bisect_right(self.keys, t) - 1
        if i < 0:
            raise SystemExit("no PHC state at %d" % t)
        t0, e, f = self.seg[i]
        return e + (t - t0) * f * 1e-9


def report(d):
    if not d:
        raise SystemExit("no samples")
    n = len(d)
    print("%d %.0f %.0f %.0f" % (n, math.sqrt(sum(x * x for x in d) / n),
                                 max(abs(x) for x in d), sum(d) / n))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "phc" and len(argv) == 6:
        ref, phc = Phc(argv[2]), Phc(argv[3])
        a, b = int(argv[4]), int(argv[5])
        report([phc.error(t) - ref.error(t) for t in range(a, b, STEP_NS)])
    elif cmd == "tai" and len(argv) == 5:
        phc = Phc(argv[2])
        a, b = int(argv[3]), int(argv[4])
        report([phc.error(t) - UTC_OFFSET_NS for t in range(a, b, STEP_NS)])
    elif cmd == "sys" and len(argv) == 6:
        ref = None if argv[3] == "-" else Phc(argv[3])
        a, b = int(argv[4]), int(argv[5])
        pat = re.compile(r"system clock \(soft\) true time error ([-+0-9]+) ns .* at ([0-9]+)")
        d = []
        for line in open(argv[2]):
            m = pat.search(line)
            if m and a <= int(m.group(2)) < b:
                e, t = int(m.group(1)), int(m.group(2))
                d.append(e - (ref.error(t) - UTC_OFFSET_NS if ref else 0))
        report(d)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
