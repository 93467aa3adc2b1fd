#!/bin/sh
# todenc as a user runs it: the G.8271 Figure A.3 frame decoded, one frame
# for scripts (--once --hex), noisy and truncated streams, encode -> a
# pseudo-terminal pair -> decode with the send window (1..500 ms after the
# second, A.1.3.1) checked, and the errors.
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPBOX=${PTPBOX:-$top/build/ptpbox}
. "$(dirname "$0")/../checks.sh"
d=$(mktemp -d /tmp/ptpbox-todenc.XXXXXX)
relay=
cleanup() { [ -n "$relay" ] && kill "$relay" 2>/dev/null; wait 2>/dev/null; rm -rf "$d"; }
trap cleanup EXIT
# octets from hex on stdin
unhex() { python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))"; }

# Figure A.3, as G.8271 prints it
fig="43 4D 01 01 00 0E 00 00 59 09 DF B8 00 06 16 0F 00 00 00 00 25"
echo "$fig" | unhex | "$PTPBOX" todenc decode >"$d/o" 2>"$d/e"; r=$?
[ $r -eq 0 ] && grep -q "^time event: 1493819320 s PTP, currentUtcOffset 5647, flags 0x06 leap59 utcOffsetValid" "$d/o" &&
	grep -q "frames 1 .* crc errors 0" "$d/e" && ok || ko "figure A.3: exit $r $(cat "$d/o" "$d/e")"

# --once --hex: one line per frame; a time event of now (PTP = UTC + 37)
now=$(date +%s)
"$PTPBOX" todenc encode --once --hex --messages event --clock=CLOCK_REALTIME >"$d/h"; r=$?
[ $r -eq 0 ] && [ "$(wc -l <"$d/h")" -eq 1 ] && grep -q "^43 4d 01 01 00 0e " "$d/h" && ok || ko "--once --hex: $(cat "$d/h")"
unhex <"$d/h" | "$PTPBOX" todenc decode --json >"$d/j" 2>/dev/null
s=$(python3 -c "import json; print(json.load(open('$d/j'))['seconds'])")
[ $((s - 37 - now)) -ge 0 ] && [ $((s - 37 - now)) -le 2 ] && ok || ko "time event seconds $s vs now $now"
# a soft clock 5 s ahead sends 5 s later seconds; utc_offset and flags follow options
"$PTPBOX" todenc encode --once --hex --messages event --clock=soft --soft_offset_ns=5000000000 \
	--utc_offset=18 --leap61 --untraceable | unhex | "$PTPBOX" todenc decode --json >"$d/j" 2>/dev/null
v=$(python3 -c "import json; j=json.load(open('$d/j')); print(j['seconds'] - 18 - $now, j['current_utc_offset'], j['leap61'], j['time_traceable'])")
case $v in "5 18 True False" | "6 18 True False" | "7 18 True False") ok ;; *) ko "soft clock / flags: $v" ;; esac
# all three messages with announce fields from the configuration
"$PTPBOX" todenc encode --once --clockClass=6 --clockAccuracy=0x21 --offsetScaledLogVariance=0x4E5D \
	--clockIdentity=001122.fffe.334455 --priority2=99 --fix time --gnss galileo --alarms 0x1002 |
	"$PTPBOX" todenc decode >"$d/o" 2>/dev/null
grep -q "^time announce: grandmaster 001122.fffe.334455 clockClass 6 clockAccuracy 0x21 offsetScaledLogVariance 0x4e5d priority1 128 priority2 99 " "$d/o" &&
	grep -q "^gnss status: galileo, fix time-only, alarms 0x1002 antenna-open pps-generated" "$d/o" && ok ||
	ko "announce/gnss: $(cat "$d/o")"

# NMEA for consumers that speak only NMEA: ZDA and RMC of the UTC second,
# valid checksums, RMC void without a fix
"$PTPBOX" todenc encode --nmea --once --hex --clock=CLOCK_REALTIME >"$d/n"
"$PTPBOX" todenc encode --nmea --once --hex --fix none >>"$d/n"
python3 - "$d/n" "$(date -u +%d,%m,%Y)" <<'PY' && ok || ko "nmea: $(cat "$d/n")"
import sys
lines = open(sys.argv[1], newline="").read().split("\r\n")[:-1]
assert len(lines) == 4, lines
for l in lines:
    body, cs = l[1:].split("*")
    x = 0
    for ch in body:
        x ^= ord(ch)
    assert "%02X" % x == cs, l
assert lines[0].startswith("$GPZDA,") and sys.argv[2] in lines[0], lines[0]
assert lines[1].split(",")[2] == "A" and lines[3].split(",")[2] == "V", lines
PY

# noise, a frame with a flipped bit, an unknown message, a truncated tail
{
	printf 'noise CM'
	echo "$fig" | unhex
	echo "$fig" | sed 's/DF/DE/' | unhex
	echo "43 4D 7E 09 00 02 AA BB" | python3 -c "
import sys
b = bytes.fromhex(sys.stdin.read())
c = 0xff
for x in b[2:]:
    c ^= x
    for _ in range(8): c = (c >> 1) ^ 0x8c if c & 1 else c >> 1
sys.stdout.buffer.write(b + bytes([c]))"
	echo "$fig" | unhex
	echo "43 4D 01 01 00 0E 00 00" | unhex
} >"$d/noisy"
"$PTPBOX" todenc decode "$d/noisy" >"$d/o" 2>"$d/e"; r=$?
[ $r -eq 0 ] && [ "$(grep -c "^time event" "$d/o")" -eq 2 ] && grep -q "^unknown message: class 0x7e id 0x09, 2 octets" "$d/o" &&
	grep -q "frames 3 .*crc errors 1" "$d/e" && grep -q "gaps 1" "$d/e" && ok ||
	ko "noisy stream: exit $r $(cat "$d/o" "$d/e")"

# errors
"$PTPBOX" todenc encode --baud 1200 --count 1 2>"$d/e"; [ $? -eq 1 ] && grep -q "more than 500 ms" "$d/e" && ok ||
	ko "1200 baud: $(cat "$d/e")"
"$PTPBOX" todenc encode --baud 1234 --dev /dev/null --count 1 2>"$d/e"; [ $? -eq 3 ] && grep -q "baud 1234: allowed" "$d/e" &&
	ok || ko "bad baud: $(cat "$d/e")"
"$PTPBOX" todenc encode --fix 4d 2>"$d/e"; [ $? -eq 1 ] && ok || ko "bad fix"
"$PTPBOX" todenc encode --priority1=300 --once 2>"$d/e"; [ $? -eq 1 ] && grep -q "priority1 300" "$d/e" && ok ||
	ko "config range: $(cat "$d/e")"
"$PTPBOX" todenc decode "$d/none" 2>"$d/e"; [ $? -eq 3 ] && grep -q "No such file" "$d/e" && ok || ko "no file"
"$PTPBOX" todenc frobnicate 2>/dev/null; [ $? -eq 1 ] && ok || ko "bad subcommand"

# encode -> pty pair (a null-modem cable) -> decode, in real time: every
# frame arrives 1..500 ms after its second, the seconds follow each other
python3 "$top/test/tools/ptypair.py" "$d/A" "$d/B" --seconds 60 &
relay=$!
i=0
while [ ! -e "$d/B" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$PTPBOX" todenc decode --dev "$d/B" --json --count 15 --timeout 10 >"$d/j" 2>"$d/e" &
dec=$!
sleep 0.2
"$PTPBOX" todenc encode --dev "$d/A" --count 5 --clock=CLOCK_REALTIME 2>"$d/enc"; r=$?
wait $dec
python3 - "$d/j" <<'EOF' && [ $r -eq 0 ] && grep -q "sent 5 seconds, late 0" "$d/enc" && ok || ko "pty: exit $r $(cat "$d/j" "$d/e" "$d/enc")"
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1])]
assert [m["type"] for m in msgs] == ["time_event", "time_announce", "gnss_status"] * 5, msgs
secs = [m["seconds"] for m in msgs if m["type"] == "time_event"]
assert all(b - a == 1 for a, b in zip(secs, secs[1:])), secs
assert all(1.0 <= m["rx_ms"] <= 500.0 for m in msgs), [m["rx_ms"] for m in msgs]
print("pty: seconds %d..%d, received %.1f..%.1f ms after the second" % (secs[0], secs[-1],
      min(m["rx_ms"] for m in msgs), max(m["rx_ms"] for m in msgs)))
EOF
grep -q "frames 15 .*crc errors 0.*gaps 0" "$d/e" && ok || ko "pty counters: $(cat "$d/e")"

checks_done
