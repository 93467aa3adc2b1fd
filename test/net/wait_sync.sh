#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Waiting for sync (oc and pmc --wait-sync) and metrics_file, with a gm and
# an oc in two namespaces (UDP/IPv6, software stamps, the oc on the soft
# clock, 250 us and +10 ppm off at start):
#  - oc --wait-sync with no gm: exit 1 at --timeout, saying "no master";
#    with --then-daemon the same verdict, the clock running on;
#  - pmc --wait-sync with no clock: exit 1, "no answer";
#  - oc --wait-sync 20000 --settle 2: exit 0 once in sync, well within the
#    timeout, saying so; a too small bound (1 ns) times out with exit 1;
#  - --then-daemon: the command exits 0 once in sync and lets go of its
#    output (the pipe reaches end of file), the clock keeps running and
#    answering pmc; pmc --wait-sync against it exits 0 over the UNIX
#    socket and over UDP, and 1 with a bound of 1 ns;
#  - metrics_file of the running oc (and of the gm) at summary_interval -4
#    (16 files a second): it parses as the exposition format, the offset is
#    within 50 us, the port SLAVE, and each of 300 reads while it is being
#    replaced finds a whole file; it is removed when the clock stops.
# Bounds hold on a loaded machine (the suite also runs beside
# stress-ng --cpu 2); the precision itself is the simulator's to prove.
. "$(dirname "$0")/../lib.sh"
net_init
net_host gm
net_host oc
net_link gm oc 1
OC="ip netns exec $NS_oc"
GM="ip netns exec $NS_gm"

cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock CLOCK_REALTIME
uds_address $T_DIR/gm.sock
metrics_file $T_DIR/gm.prom
CFG
cat >"$T_DIR/oc.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock soft
soft_offset_ns 250000
soft_freq_ppb 10000
first_step_threshold 0.00002
logSyncInterval -3
summary_interval -3
logMinDelayReqInterval -3
uds_address $T_DIR/oc.sock
unicast_master_table 1
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
CFG

# parse_prom FILE: the exposition format check (one per line: "# HELP", "#
# TYPE" before a family's samples, each sample "name{labels} number" of
# the family announced last, no series twice); prints "families samples"
# and NAME=VALUE for the unlabelled samples and port_state.  Exit 1 with
# the reason.
parse_prom() {
	python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
if not text.endswith("\n"):
    sys.exit("no newline at the end (a half-written file?)")
name = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
sample = re.compile(r"^(%s)\{((?:%s=\"(?:[^\"\\\\]|\\\\.)*\",?)*)\} (\S+)$" % (name, name))
fam, typed, seen, series, vals = None, None, set(), set(), {}
for n, line in enumerate(text[:-1].split("\n"), 1):
    m = re.match(r"^# (HELP|TYPE) (%s) (.+)$" % name, line)
    if m:
        if m.group(1) == "HELP":
            if m.group(2) in seen:
                sys.exit("line %d: family %s again" % (n, m.group(2)))
            fam, typed = m.group(2), None
            seen.add(fam)
        elif m.group(2) != fam or m.group(3) not in ("gauge", "counter"):
            sys.exit("line %d: bad TYPE %r" % (n, line))
        else:
            typed = m.group(3)
        continue
    m = sample.match(line)
    if not m or m.group(1) != fam or not typed:
        sys.exit("line %d: not a sample of %s: %r" % (n, fam, line))
    if typed == "counter" and not fam.endswith("_total"):
        sys.exit("line %d: counter %s without _total" % (n, fam))
    float(m.group(3))
    key = m.group(1) + "{" + m.group(2) + "}"
    if key in series:
        sys.exit("line %d: %s twice" % (n, key))
    series.add(key)
    if "type=" not in m.group(2):
        vals[m.group(1)] = m.group(3)
    if m.group(1).endswith("port_state"):
        vals["state"] = re.search(r'state="(\w+)"', m.group(2)).group(1)
print(len(seen), len(series))
for k, v in sorted(vals.items()):
    print("%s=%s" % (k, v))
PY
}

# ended PID: the process is gone (or a zombie)
ended() { s=$(net_state "$1"); [ -z "$s" ] || [ "$s" = Z ]; }

# 1. nobody to ask
rc=0; timeout 30 $OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/none.sock" --wait-sync 1000 --timeout 2 \
	>"$T_DIR/p0.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "pmc: not in sync within +-1000 ns after .* (timed out): no answer from $T_DIR/none.sock" "$T_DIR/p0.out" ||
	die "pmc --wait-sync with no clock: exit $rc: $(cat "$T_DIR/p0.out")"
echo "pmc, no clock: $(cat "$T_DIR/p0.out")"

# 2. no gm: exit 1 at the timeout with the reason
t0=$(date +%s)
rc=0; timeout 30 $OC "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -q --wait-sync 20000 --timeout 3 \
	>"$T_DIR/o1.out" 2>&1 || rc=$?
t=$(( $(date +%s) - t0 ))
[ $rc -eq 1 ] || die "oc --wait-sync with no gm: exit $rc, want 1: $(cat "$T_DIR/o1.out")"
grep -q "oc: not in sync within +-20000 ns after 3.0 s (timed out): no master (port LISTENING)" "$T_DIR/o1.out" ||
	die "oc --wait-sync with no gm: $(cat "$T_DIR/o1.out")"
[ $t -le 10 ] || die "oc --wait-sync --timeout 3 took $t s"
echo "oc, no gm, ${t} s: $(cat "$T_DIR/o1.out")"

# 3. no gm, --then-daemon: the command says 1, the clock runs on
rc=0; timeout 30 $OC "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -q --wait-sync 20000 --timeout 2 \
	--then-daemon >"$T_DIR/o2.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "timed out): no master (port LISTENING); running on as pid [0-9]*" "$T_DIR/o2.out" ||
	die "oc --then-daemon, no gm: exit $rc: $(cat "$T_DIR/o2.out")"
pid=$(sed -n 's/.*running on as pid \([0-9]*\).*/\1/p' "$T_DIR/o2.out")
ended "$pid" && die "the --then-daemon clock (pid $pid) is gone"
$OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" 'GET PORT_DATA_SET' >"$T_DIR/p1.out" 2>&1 &&
	grep -q "portState *LISTENING" "$T_DIR/p1.out" || die "the background clock does not answer: $(cat "$T_DIR/p1.out")"
kill "$pid"
i=0; while ! ended "$pid"; do [ $i -lt 100 ] || die "pid $pid did not stop"; sleep 0.1; i=$((i + 1)); done
echo "oc --then-daemon, no gm: exit 1, $(cat "$T_DIR/o2.out"); it answered pmc, stopped"

# 4. with a gm: in sync within the timeout
run_in gm "$T_DIR/gm.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
wait_for 15 "$T_DIR/gm.log" "assuming the grand master role" || die "gm did not start: $(cat "$T_DIR/gm.log")"
t0=$(date +%s)
rc=0; timeout 120 $OC "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q --wait-sync 20000 --settle 2 \
	--timeout 90 >"$T_DIR/o4.out" 2>&1 || rc=$?
t=$(( $(date +%s) - t0 ))
[ $rc -eq 0 ] || die "oc --wait-sync 20000 with a gm: exit $rc: $(tail -20 "$T_DIR/o4.out")"
line=$(grep "^oc: in sync after" "$T_DIR/o4.out") || die "no 'in sync' line: $(tail "$T_DIR/o4.out")"
echo "oc with a gm, ${t} s: $line"
# the verdict: 2 s of offsets within 20 us in s2 before it
awk '/^oc: in sync/ { exit } /master offset/ { print $4, $5 }' "$T_DIR/o4.out" | tail -3 |
	awk '$2 != "s2" || $1 > 20000 || $1 < -20000 { bad = 1 } END { exit bad }' ||
	die "in sync said with offsets outside: $(grep "master offset" "$T_DIR/o4.out" | tail -3)"

# 5. a bound it never meets: exit 1 at the timeout
rc=0; timeout 60 $OC "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -q --wait-sync 1 --settle 3 --timeout 8 \
	>"$T_DIR/o5.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "oc: not in sync within +-1 ns after 8.0 s (timed out): " "$T_DIR/o5.out" ||
	die "oc --wait-sync 1: exit $rc: $(cat "$T_DIR/o5.out")"
echo "oc, 1 ns: $(cat "$T_DIR/o5.out")"

# 6. --then-daemon with metrics_file: exits 0 once in sync, lets go of the
#    pipe, keeps serving
# (timeout stops the whole pipeline, cat too, when the output is held)
rc=0; timeout 120 sh -c "{ $OC '$PTPBOX' oc -f '$T_DIR/oc.cfg' -i pb1 -m -q --wait-sync 20000 \
	--settle 2 --timeout 90 --then-daemon --metrics_file=$T_DIR/oc.prom --summary_interval=-4 \
	2>&1; echo \"exit \$?\"; } | cat >'$T_DIR/o6.out'" || rc=$?
[ $rc -eq 0 ] || die "oc --then-daemon: the output pipe was not let go (timeout): $(tail "$T_DIR/o6.out")"
grep -q "^exit 0$" "$T_DIR/o6.out" || die "oc --then-daemon with a gm: $(tail "$T_DIR/o6.out")"
line=$(grep "^oc: in sync after .*; running on as pid [0-9]*$" "$T_DIR/o6.out") ||
	die "oc --then-daemon: no 'in sync' line: $(tail "$T_DIR/o6.out")"
pid=$(echo "$line" | sed -n 's/.*running on as pid \([0-9]*\)$/\1/p')
echo "oc --then-daemon: $line"
ended "$pid" && die "the --then-daemon clock (pid $pid) is gone"
out=$($OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" 'GET CURRENT_DATA_SET' 'GET PORT_DATA_SET' 2>&1) &&
	echo "$out" | grep -q "portState *SLAVE" || die "the background clock: $out"
echo "it answers pmc: $(echo "$out" | grep -E "offsetFromMaster|portState" | tr -s '\t ' ' ')"

# 7. pmc --wait-sync against it: UNIX socket, UDP unicast from the gm's
#    host, and a bound of 1 ns
rc=0; timeout 60 $OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" --wait-sync 20000 --settle 2 \
	--timeout 30 >"$T_DIR/p2.out" 2>&1 || rc=$?
[ $rc -eq 0 ] && grep -q "^pmc: in sync after .* within +-20000 ns for 2.0 s" "$T_DIR/p2.out" ||
	die "pmc -u --wait-sync: exit $rc: $(cat "$T_DIR/p2.out")"
echo "pmc -u: $(cat "$T_DIR/p2.out")"
rc=0; timeout 60 $GM "$PTPBOX" pmc -6 --to fd00::1:2 -b 0 --wait-sync 20000 --settle 2 \
	--timeout 30 >"$T_DIR/p3.out" 2>&1 || rc=$?
[ $rc -eq 0 ] && grep -q "^pmc: in sync after" "$T_DIR/p3.out" ||
	die "pmc -6 --to --wait-sync: exit $rc: $(cat "$T_DIR/p3.out")"
echo "pmc -6 --to: $(cat "$T_DIR/p3.out")"
rc=0; timeout 60 $OC "$PTPBOX" pmc -u -b 0 -s "$T_DIR/oc.sock" --wait-sync 1 --settle 3 \
	--timeout 4 >"$T_DIR/p4.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "^pmc: not in sync within +-1 ns after 4.0 s (timed out): " "$T_DIR/p4.out" ||
	die "pmc --wait-sync 1: exit $rc: $(cat "$T_DIR/p4.out")"
echo "pmc, 1 ns: $(cat "$T_DIR/p4.out")"

# 8. metrics: the oc's file parses, says SLAVE and a plausible offset
[ -f "$T_DIR/oc.prom" ] || die "no $T_DIR/oc.prom"
parse_prom "$T_DIR/oc.prom" >"$T_DIR/m.out" 2>&1 || die "oc.prom: $(cat "$T_DIR/m.out")"
echo "oc.prom: $(head -1 "$T_DIR/m.out") (families samples)"
val() { sed -n "s/^$1=//p" "$T_DIR/m.out"; }
off=$(val ptpbox_oc_offset_ns)
awk -v o="$off" 'BEGIN { exit !(o != "" && o > -50000 && o < 50000) }' || die "ptpbox_oc_offset_ns $off"
[ "$(val state)" = SLAVE ] && [ "$(val ptpbox_oc_port_state)" = 9 ] ||
	die "port state $(val state) $(val ptpbox_oc_port_state)"
[ "$(val ptpbox_oc_master_clock_class)" = 6 ] || die "master clockClass $(val ptpbox_oc_master_clock_class)"
[ "$(val ptpbox_oc_grants)" = 3 ] || die "grants $(val ptpbox_oc_grants)"
awk -v d="$(val ptpbox_oc_mean_path_delay_ns)" 'BEGIN { exit !(d > 0 && d < 1000000) }' ||
	die "mean path delay $(val ptpbox_oc_mean_path_delay_ns)"
grep -q '^ptpbox_oc_rx_messages_total{iface="pb1",type="sync"} [1-9]' "$T_DIR/oc.prom" ||
	die "no Sync counted: $(grep rx_messages "$T_DIR/oc.prom")"
echo "offset $off ns, path delay $(val ptpbox_oc_mean_path_delay_ns) ns, freq $(val ptpbox_oc_frequency_adjustment_ppb) ppb, state $(val state), clockClass $(val ptpbox_oc_master_clock_class), grants $(val ptpbox_oc_grants)"
parse_prom "$T_DIR/gm.prom" >"$T_DIR/g.out" 2>&1 || die "gm.prom: $(cat "$T_DIR/g.out")"
grep -qx "ptpbox_gm_clients=1" "$T_DIR/g.out" && grep -qx "ptpbox_gm_clock_class=6" "$T_DIR/g.out" ||
	die "gm.prom: $(cat "$T_DIR/g.out")"
echo "gm.prom: $(head -1 "$T_DIR/g.out") (families samples), 1 client, clockClass 6"
# the Prometheus project's own parser too, when installed (Debian's
# python3-prometheus-client)
if /usr/bin/python3 -c "import prometheus_client" 2>/dev/null; then
	/usr/bin/python3 - "$T_DIR/oc.prom" "$T_DIR/gm.prom" <<'PY' || die "prometheus_client refused a file"
import sys
from prometheus_client.parser import text_string_to_metric_families
for path in sys.argv[1:]:
    fams = list(text_string_to_metric_families(open(path).read()))
    n = sum(len(f.samples) for f in fams)
    assert all(f.documentation and f.type in ("gauge", "counter") for f in fams), path
    print("prometheus_client parses %s: %d families, %d samples" % (path.rsplit("/", 1)[1], len(fams), n))
PY
fi
if command -v promtool >/dev/null; then
	# promtool's lint prefers base units (seconds): ns is the unit of
	# offsetFromMaster and meanPathDelay, kept on purpose
	promtool check metrics <"$T_DIR/oc.prom" >"$T_DIR/promtool.out" 2>&1
	grep -v -e "use base unit" -e "_ns" "$T_DIR/promtool.out" | grep . &&
		die "promtool check metrics: $(cat "$T_DIR/promtool.out")"
	echo "promtool check metrics: nothing but the ns unit"
fi

# 9. atomic: 300 reads while the file is replaced 16 times a second, each
#    a whole file (same families, same series)
want=$(head -1 "$T_DIR/m.out")
python3 - "$T_DIR/oc.prom" "$want" <<'PY' || die "a read found a partial file"
import os, sys, time
path, want = sys.argv[1], sys.argv[2]
fams, series = map(int, want.split())
versions, t0 = set(), time.time()
for i in range(300):
    with open(path) as f:
        st = os.fstat(f.fileno())
        versions.add((st.st_ino, st.st_mtime_ns))
        text = f.read()
    lines = text.split("\n")
    h = sum(1 for l in lines if l.startswith("# HELP "))
    s = sum(1 for l in lines if l and not l.startswith("#"))
    if not text.endswith("\n") or h != fams or s != series:
        sys.exit("read %d: %d families %d samples, want %d %d" % (i, h, s, fams, series))
    time.sleep(0.01)
if len(versions) < 10:
    sys.exit("the file was replaced only %d times in %.1f s" % (len(versions), time.time() - t0))
print("300 reads in %.1f s, %d versions of the file, all whole" % (time.time() - t0, len(versions)))
PY

# 10. the clock stops: its file goes
kill "$pid"
i=0; while ! ended "$pid"; do [ $i -lt 100 ] || die "pid $pid did not stop"; sleep 0.1; i=$((i + 1)); done
[ -e "$T_DIR/oc.prom" ] && die "oc.prom left after the oc stopped"
[ -e "$T_DIR/oc.prom.tmp" ] && die "oc.prom.tmp left after the oc stopped"
echo "PASS wait_sync"
