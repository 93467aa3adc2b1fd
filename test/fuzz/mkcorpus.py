#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the generated seeds of test/fuzz/corpus/ (the hand-written ones,
configuration files, pmc commands and ppsmon inputs, sit beside them):

  msg/      the golden packets of test/unit/test_msg.c, G.8271 Figure A.3
  mgmt/     step sequences for fuzz_mgmt.c: the oc and gm converging,
            management GET and SET of every id, golden packets delivered
  unicast/  step sequences for fuzz_unicast.c: negotiation rounds

Run from anywhere: python3 test/fuzz/mkcorpus.py.  The formats are the
harnesses' own (see the step switch of each); keep them in step.
"""
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


if __name__ == "__main__":
    msg_seeds()
    mgmt_seeds()
    unicast_seeds()
