#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the generated seeds of test/fuzz/corpus/ (the hand-written ones,
configuration files, pmc commands and ppsmon inputs, sit beside them):

  msg/      the golden packets of test/unit/test_msg.c, G.8271 Figure A.3
  mgmt/     step sequences for fuzz_mgmt.c: the oc and gm converging,
            management GET and SET of every id, golden packets delivered
  unicast/  step sequences for fuzz_unicast.c: negotiation rounds
  servo/    step sequences for fuzz_servo.c: each servo locking on a
            simulated clock, then odd samples, resets, new intervals

Run from anywhere: python3 test/fuzz/mkcorpus.py.  The formats are the
harnesses' own (see the step switch of each); keep them in step.
"""
import math
import os
import re
import struct

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CORPUS = os.path.join(TOP, "test", "fuzz", "corpus")


def put(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


def golden():
    src = open(os.path.join(TOP, "test", "unit", "test_msg.c")).read()
    out = {}
    for name, body in re.findall(r"static const char (\w+)_hex\[\] =(.*?);", src, re.S):
        out[name] = bytes.fromhex("".join(re.findall(r'"([^"]*)"', body)).replace(" ", ""))
    return out


def mgmt_ids():
    """The managementIds of core/mgmt.c's table."""
    h = open(os.path.join(TOP, "core", "mgmt.h")).read()
    val = {k: int(v, 16) for k, v in re.findall(r"(MID_\w+) = (0x[0-9A-Fa-f]+)", h)}
    c = open(os.path.join(TOP, "core", "mgmt.c")).read()
    table = c[c.index("static const struct mgmt_desc table[]"):]
    table = table[:table.index("};")]
    return sorted(val[m] for m in re.findall(r"\((MID_\w+),", table))


TOD_FIG_A3 = bytes.fromhex("434d0101000e00005909dfb800061 60f0000000025".replace(" ", ""))


def msg_seeds():
    for name, data in golden().items():
        put("msg", name, data)
    put("msg", "tod_fig_a3", TOD_FIG_A3)


# ---- fuzz_mgmt.c steps ----
def m_time(unit, n, no_ts=False):  # unit 0 1 ms, 1 62.5 ms, 2 1 s, 3 30 s
    return [3, unit | (12 if no_ts else 0), n - 1]


def m_deliver():
    return [4]


def m_converge(rounds, unit=1, n=4):
    s = []
    for _ in range(rounds):
        s += m_time(unit, n) + m_deliver()
    return s


def m_mgmt(action, to_gm, mid, data=b"", allow_set=True, remote=False):
    act = {"GET": 0, "SET": 1, "CMD": 2}[action] | (4 if allow_set else 0) | (8 if remote else 0)
    return [2, act, 1 if to_gm else 0] + list(struct.pack(">H", mid)) + [len(data)] + list(data)


def m_datagram(to_gm, data, sel=0, event=False):
    sel |= 4 if event else 0
    return [1 if to_gm else 0, sel] + list(struct.pack(">H", len(data))) + list(data)


def mgmt_seeds():
    ids = mgmt_ids()
    for v in range(3):
        put("mgmt", "converge-%d" % v, [v] + m_converge(60))
        get_all = [v] + m_converge(30)
        for mid in ids:
            get_all += m_mgmt("GET", False, mid) + m_mgmt("GET", True, mid)
        put("mgmt", "get-all-%d" % v, get_all)
    sets = [0] + m_converge(20)
    sets += m_mgmt("SET", False, 0x2006, b"\x63\x00")  # PRIORITY2 99
    sets += m_mgmt("SET", True, 0x2005, b"\x05\x00")  # PRIORITY1 5 (out of ocp-dc)
    sets += m_mgmt("SET", True, 0x0002, b"\x07fuzz;me")  # USER_DESCRIPTION
    fd01 = bytes.fromhex("fd00" + "00" * 13 + "01")
    sets += m_mgmt("SET", False, 0xDF00, b"\x00\x01\x00\x02\x00\x10" + fd01)  # lock-out
    sets += m_converge(10)
    sets += m_mgmt("SET", False, 0xDF00, b"\x00\x00")  # lock-out lifted
    sets += m_mgmt("SET", False, 0x2006, b"\x63\x00", allow_set=False, remote=True)
    sets += m_mgmt("CMD", True, 0x0000)
    put("mgmt", "set-0", sets)
    # a stall: no traffic for minutes, then again
    put("mgmt", "stall-0", [0] + m_converge(20) + m_time(3, 10) + m_converge(20))
    put("mgmt", "stall-2", [2] + m_converge(20) + m_time(2, 200) + m_converge(20))
    # time from the ToD source (variant 2): an edge and its time event each second
    tod = [2]
    for i in range(8):
        # the gm's clock reads 1.7e9 s + 1000 s of harness time (fz.c);
        # the edge 5 ms ago, then its time event (TAI: + 37 s)
        ev = struct.pack(">Q", 1700001037 + i)[2:] + bytes([0, 0x0f]) + struct.pack(">h", 37)
        ev += bytes(14 - len(ev))
        tod += [7, 1, 5] + [7, 2, 14, 1] + list(ev) + m_time(2, 1) + m_deliver()
    put("mgmt", "tod-2", tod + m_converge(20))
    # golden packets to either engine from the peer
    g = golden()
    for name, data in g.items():
        put("mgmt", "golden-" + name, [0] + m_converge(10) + m_datagram(False, data) +
            m_datagram(True, data) + m_datagram(False, data, event=True))


# ---- fuzz_unicast.c steps ----
def u_setup(max_clients=4, exact=0, acl=0, pps=0, req_log=(0, 0xfc, 0xfc), dur=300):
    s = [max_clients - 1, exact]
    for _ in range(3):
        s += [0, 7]  # logs -7..0
    s += [9, 0x0e, 0x10]  # durations 10..3610
    s += [acl, pps, 0]
    s += [(l + 8) % 16 for l in [l if l < 128 else l - 256 for l in req_log]]
    s += list(struct.pack(">H", dur)) + [10, 60, 9, 0] + list(struct.pack(">H", 3600))
    s += [0, 100]  # now 100 s
    return s


def unicast_seeds():
    want_all = [8, 4, 8, 5, 8, 6]
    rounds = []
    for _ in range(40):
        rounds += [4, 0, 2, 2, 5, 3]  # tick + answered, 0.5 s, due
    put("unicast", "negotiate", u_setup() + want_all + rounds)
    put("unicast", "negotiate-exact", u_setup(exact=1, pps=2, dur=5000) + want_all + rounds)
    lost = []
    for _ in range(20):
        lost += [4, 1, 2, 3, 2]  # answers lost
    put("unicast", "answers-lost", u_setup() + want_all + lost + rounds)
    others = []
    for a in range(16):  # every source asks for Sync, every other one cancels it
        others += [0, a, a % 3, 1 + a % 2, 0, 1, 0xfc, 60] + ([3, 1, 0, 0] if a % 2 else [])
    put("unicast", "many-clients", u_setup(max_clients=3, acl=1) + others + [2, 3, 200, 3] * 5)


# ---- fuzz_servo.c steps ----
def s_log(v, lo, hi):  # fz_log
    return list(struct.pack(">H", round(65535 * math.log(v / lo) / math.log(hi / lo))))


def s_frac(f):  # fz_frac
    return list(struct.pack(">H", round(f * 32767 + 32767)))


def s_thresh(v, lo, hi):
    return [1] + s_log(v, lo, hi) if v else [0]


def s_setup(kind, step=0, first=20000, max_ppb=500000, stable=(100, 10), freq=0.0,
            log_interval=0, wander=1.0, pi_preset=0, pi_extra=(), f_osc=10000, x_us=1000):
    """kind 0 pi, 1 linreg, 2 envelope; ns, ppb, s"""
    s = [kind] + s_thresh(step, 1, 1e18) + s_thresh(first, 1, 1e18) + s_log(max_ppb, 1, 1e9)
    s += s_thresh(stable[0], 1, 1e9) + list(struct.pack(">H", stable[1] - 1))
    s += s_frac(freq / max_ppb) + [log_interval + 7]
    if kind == 2:
        s += s_log(wander, 0.001, 1000)
    elif kind == 0:
        s += [pi_preset] + list(pi_extra)
    s += [0] + list(struct.pack(">I", 123456789))  # local 1.7e9 s + 0.12 s
    s += s_frac(f_osc / max_ppb) + list(struct.pack(">i", x_us)) + [0, 0, 0, 42]
    return s


def s_burst(rounds, log_beta=4, outliers=False, one_way=False, jitter=0):
    return [7, rounds - 1, log_beta | (0x10 if outliers else 0) | (0x20 if one_way else 0) |
            jitter << 6]


def s_sample(time=(0, 0), offset=(0, 10), ms_valid=1, delay=1000, ext_freq=None, dreq=None):
    """time: (0, jitter s8) interval, (1, ns s16), (2, us s32), (3, ns i64);
    offset: (0, delta s16), (1, s32), (2, i64), (3, extreme index)"""
    f = time[0] | offset[0] << 2 | ms_valid << 4
    f |= (0x20 if not isinstance(delay, int) or not 0 <= delay < 65536 else 0)
    f |= 0x40 if ext_freq is not None else 0
    f |= 0x80 if dreq is not None else 0
    s = [0, f] + list(struct.pack([">b", ">h", ">i", ">q"][time[0]], time[1]))
    s += list(struct.pack([">h", ">i", ">q", ">B"][offset[0]], offset[1]))
    if f & 0x20:
        s += [1, delay[1]] if delay[0] == "x" else [0] + list(struct.pack(">q", delay[1]))
    else:
        s += list(struct.pack(">H", delay))
    if ext_freq is not None:
        s += s_frac(ext_freq)
    if dreq is not None:
        s += list(struct.pack(">H", dreq))
    return s


def s_delay(t3=(0, 500), sm=(0, 1000)):
    s = [4, t3[0] | sm[0] << 2]
    s += list(struct.pack([">H", ">i", ">q", ">B"][t3[0]], t3[1]))
    s += list(struct.pack([">H", ">i", ">q", ">B"][sm[0]], sm[1]))
    return s


def s_interval(log):
    return [6 | (log + 7) << 3]


S_RESET = [5]


def servo_seeds():
    for kind, name in enumerate(["pi", "linreg", "env"]):
        lock = s_setup(kind) + s_burst(256) + s_burst(240, log_beta=8)
        put("servo", "lock-" + name, lock)
        odd = s_setup(kind, step=1e6, stable=(0, 1)) + s_burst(64)
        odd += s_sample() + s_sample(time=(1, 0)) + s_sample(time=(1, -5)) + s_delay()
        odd += s_sample(offset=(3, 0), dreq=900) + s_sample(offset=(3, 2), delay=("x", 0))
        odd += s_sample(time=(3, 1 << 62), offset=(2, -(1 << 62)), delay=("i", 1 << 62))
        odd += s_delay(t3=(2, -1), sm=(3, 0)) + s_delay(t3=(3, 2), sm=(2, 1 << 63 - 1))
        odd += s_sample(ext_freq=0.5) + s_sample(ms_valid=0, ext_freq=-1.0)
        odd += S_RESET + s_burst(32) + s_interval(-7) + s_burst(200, jitter=3)
        odd += s_interval(4) + s_burst(40) + S_RESET + s_sample(time=(2, 1800 * 1000000))
        odd += s_burst(40)
        put("servo", "odd-" + name, odd)
        put("servo", "pps-" + name,
            s_setup(kind, log_interval=0) + s_burst(256, log_beta=2, one_way=True))
        put("servo", "outliers-" + name,
            s_setup(kind, log_interval=-4, first=0, step=1e9, max_ppb=1e9, f_osc=-2e5) +
            s_burst(256, log_beta=7, outliers=True) + s_burst(240, log_beta=7, outliers=True))
    put("servo", "pi-sw-gains", s_setup(0, pi_preset=1) + s_burst(200, log_beta=10))
    put("servo", "pi-const-gains",
        s_setup(0, pi_preset=2, pi_extra=[1] + s_log(1.0, 1e-6, 1e6) + [1] + s_log(0.5, 1e-6, 1e6))
        + s_burst(100))


if __name__ == "__main__":
    msg_seeds()
    mgmt_seeds()
    unicast_seeds()
    servo_seeds()
