#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The servo world matrix (issue 25): the reference world of
test/sim/scenarios/ref-hw.sim with one change at a time (oscillator random
walk, a frequency sinusoid, the delay distribution, delay steps, packet
loss, software stamps) at 1, 8 and 16 Sync/s, each cell run with
clock_servo envelope (defaults), linreg and pi over fixed seeds.  Prints a
markdown table: per cell and servo the rms true time error (mean over the
seeds of the steady-state rms, from 500 s), max |TE| over the seeds, the
time of the first s2 servo line (mean over the seeds) and the clock steps
after the first; then the ratios envelope / linreg and envelope / pi and
their worst and median over the cells.  Prints figures only (no pass/fail).

Usage: servo_matrix.py [--seeds 1,2,3] [--jobs 2] [--rates 0,-3,-4]
                       [--cells NAME,...] [--ptpsim PATH] [--set KEY=VALUE]...
(run by test/bench/servo.sh --matrix; build/ptpsim from make sim)
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCEN = os.path.join(TOP, "test", "sim", "scenarios")

# A cell: name -> (description, changes).  Changes: "rw" (ppb/sqrt s),
# "temp" (ppb, period s), "pdv" (the link's pdv line), "events" (lines),
# "loss", "stamp" (software: a host's stamps, ref-sw), "duration",
# "te_threshold".
CELLS = [
    ("ref", "reference: rw 1 ppb/sqrt(s), exp 200 ns each way, hw stamps", {}),
    ("rw0.1", "oscillator random walk 0.1 ppb/sqrt(s)", {"rw": 0.1}),
    ("rw10", "random walk 10 ppb/sqrt(s)", {"rw": 10}),
    ("rw100", "random walk 100 ppb/sqrt(s)", {"rw": 100}),
    ("sin10/600", "frequency +-10 ppb sinusoid, period 600 s", {"temp": (10, 600)}),
    ("sin100/100", "+-100 ppb, period 100 s", {"temp": (100, 100)}),
    ("sin100/600", "+-100 ppb, period 600 s", {"temp": (100, 600)}),
    ("sin100/3600", "+-100 ppb, period 3600 s", {"temp": (100, 3600), "duration": 4000}),
    ("sin1000/600", "+-1000 ppb, period 600 s", {"temp": (1000, 600)}),
    ("sin1000/3600", "+-1000 ppb, period 3600 s", {"temp": (1000, 3600), "duration": 4000}),
    ("gamma2", "delay Gamma(2), sd 200 ns", {"pdv": "gamma 2 283"}),
    ("gamma4", "delay Gamma(4), sd 200 ns", {"pdv": "gamma 4 400"}),
    ("gamma8", "delay Gamma(8), sd 200 ns", {"pdv": "gamma 8 566"}),
    ("uniform", "delay uniform 0..693 ns (sd 200)", {"pdv": "uniform 0 693"}),
    ("lognormal", "delay lognormal median 150 ns, sigma 0.8, 1/1000 outliers up to 100 us",
     {"pdv": "lognormal 150 0.8 0.001 100000"}),
    ("bimodal", "route flapping: exp 200 + 2 us on the other path, mean dwell 200 s",
     {"pdv": "bimodal 200 2000 200"}),
    ("load", "M/M/1 queue, 100 ns service, utilisation 0.1..0.9 over 3600 s",
     {"pdv": "load 100 0.1 0.9 3600", "duration": 4000}),
    ("step", "delay steps +5 us both ways at 1000 s, -5 us at 1400 s",
     {"events": ["1000 delay_step gm oc 5000 both", "1400 delay_step gm oc -5000 both"]}),
    ("loss1", "1 % packet loss", {"loss": 0.01}),
    ("loss10", "10 % packet loss", {"loss": 0.10}),
    ("sw", "a host's software stamps (ref-sw)", {"stamp": "software"}),
    ("combo", "rw 10, +-100 ppb / 600 s, Gamma(4) of twice the spread",
     {"rw": 10, "temp": (100, 600), "pdv": "gamma 4 800"}),
]


def scenario(cell):
    c = cell[2]
    rw = c.get("rw", 1)
    stamp = c.get("stamp", "hardware")
    lines = ["[global]", "duration %d" % c.get("duration", 2000), "steady_from 500",
             "te_threshold_ns %d" % (250000 if stamp == "software" else 2500), ""]
    for name, addr in (("gm", "127.1.0.1"), ("oc", "127.1.0.2")):
        lines += ["[node %s]" % name, "config %s/ref-%s.cfg" % (SCEN, name),
                  "address %s" % addr, "stamp %s" % stamp]
        if stamp == "software":
            lines.append("set time_stamping software")
        if name == "oc":
            lines += ["offset_ns 100000000", "freq_ppb -50000", "rw_ppb %g" % rw]
            if "temp" in c:
                lines += ["temp_ppb %g" % c["temp"][0], "temp_period_s %g" % c["temp"][1]]
        lines.append("")
    lines += ["[link gm oc]", "delay_ns 1000", "pdv %s" % c.get("pdv", "exp 200")]
    if "loss" in c:
        lines.append("loss %g" % c["loss"])
    if "events" in c:
        lines += ["", "[events]"] + c["events"]
    return "\n".join(lines) + "\n"


def run(ptpsim, path, servo, ls, seed, extra):
    args = [ptpsim, path, "--seed", str(seed), "--set", "clock_servo=" + servo,
            "--set", "logSyncInterval=%d" % ls, "--set", "logMinDelayReqInterval=%d" % ls,
            "--log", "--log-level", "6", "--json"]
    for e in extra:
        args += ["--set", e]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock, j = None, None
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            j = json.loads(line)
            continue
        f = line.split()
        if (lock is None and len(f) > 5 and f[1] == "oc:" and f[2] == "master" and f[3] == "offset"
                and f[5] in ("s2", "s3")):
            lock = float(f[0])
    if j is None:
        return None
    o = j["nodes"]["oc"]
    return {"rms": o["rms_te_ns"], "max": o["max_abs_te_ns"], "lock": lock,
            "steps": o["clock"]["steps"], "wall": j["wall_seconds"],
            "sim": j["sim_seconds"]}


def fmt(v):
    if v is None:
        return "-"
    return "%.0f" % v if abs(v) >= 100 else "%.1f" % v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rates", default="0,-3,-4")
    ap.add_argument("--cells", default="")
    ap.add_argument("--servos", default="envelope,linreg,pi")
    ap.add_argument("--ptpsim", default=os.path.join(TOP, "build", "ptpsim"))
    ap.add_argument("--set", action="append", default=[], help="extra config for every run")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    rates = [int(r) for r in a.rates.split(",")]
    servos = a.servos.split(",")
    cells = [c for c in CELLS if not a.cells or c[0] in a.cells.split(",")]
    d = tempfile.mkdtemp(prefix="ptpbox-matrix.")
    t0 = time.monotonic()
    try:
        jobs = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            for c in cells:
                path = os.path.join(d, c[0].replace("/", "_") + ".sim")
                with open(path, "w") as f:
                    f.write(scenario(c))
                for ls in rates:
                    for sv in servos:
                        for seed in seeds:
                            jobs[(c[0], ls, sv, seed)] = ex.submit(run, a.ptpsim, path, sv, ls,
                                                                   seed, a.set)
        res = {k: v.result() for k, v in jobs.items()}
    finally:
        shutil.rmtree(d)
    wall = time.monotonic() - t0

    print("| cell | Sync/s | " + " | ".join("%s rms / max / lock / steps" % s for s in servos)
          + (" | rms env/linreg | rms env/pi | max env/linreg |" if "envelope" in servos else " |"))
    print("|" + "---|" * (2 + len(servos) + (3 if "envelope" in servos else 0)))
    ratios = {"linreg": [], "pi": [], "max": []}
    for c in cells:
        for ls in rates:
            agg = {}
            for sv in servos:
                rs = [res[(c[0], ls, sv, s)] for s in seeds]
                if any(r is None for r in rs):
                    agg[sv] = None
                    continue
                locks = [r["lock"] for r in rs if r["lock"] is not None]
                agg[sv] = {"rms": statistics.mean(r["rms"] for r in rs),
                           "max": max(r["max"] for r in rs),
                           "lock": statistics.mean(locks) if len(locks) == len(rs) else None,
                           "steps": max(0, max(r["steps"] for r in rs) - 1)}
            cols = []
            for sv in servos:
                g = agg[sv]
                cols.append("failed" if g is None else "%s / %s / %s / %d" % (
                    fmt(g["rms"]), fmt(g["max"]), "-" if g["lock"] is None else "%.1f" % g["lock"],
                    g["steps"]))
            line = "| %s | %g | %s |" % (c[0], 2.0 ** -ls, " | ".join(cols))
            if "envelope" in servos:
                e = agg["envelope"]
                rl = e["rms"] / agg["linreg"]["rms"] if e and agg.get("linreg") else None
                rp = e["rms"] / agg["pi"]["rms"] if e and agg.get("pi") else None
                rm = e["max"] / agg["linreg"]["max"] if e and agg.get("linreg") else None
                for k, v in (("linreg", rl), ("pi", rp), ("max", rm)):
                    if v is not None:
                        ratios[k].append((v, "%s@%g" % (c[0], 2.0 ** -ls)))
                line += " %s | %s | %s |" % tuple("-" if v is None else "%.2f" % v
                                                  for v in (rl, rp, rm))
            print(line)
    if "envelope" in servos:
        print()
        for k, label in (("linreg", "rms envelope / linreg"), ("pi", "rms envelope / pi"),
                         ("max", "max|TE| envelope / linreg")):
            v = sorted(ratios[k])
            if v:
                print("%s: worst %.2f (%s), median %.2f, best %.2f (%s); %d of %d cells <= %s" % (
                    label, v[-1][0], v[-1][1], statistics.median(x[0] for x in v), v[0][0], v[0][1],
                    sum(1 for x in v if x[0] <= (1.0 if k == "max" else 0.5)), len(v),
                    "1" if k == "max" else "0.5"))
    sim_s = sum(r["sim"] for r in res.values() if r)
    wall_s = sum(r["wall"] for r in res.values() if r)
    print("\n%d runs, seeds %s, %.0f s wall (%d jobs); ptpsim %.0f sim s in %.1f s of its own wall time"
          % (len(res), a.seeds, wall, a.jobs, sim_s, wall_s))


if __name__ == "__main__":
    sys.exit(main())
