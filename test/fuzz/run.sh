#!/bin/sh
# Build the libFuzzer harnesses with clang (ASan + UBSan) and run each for
# SECONDS (default 20), starting from the golden packets of the unit tests.
set -e
cd "$(dirname "$0")/../.."
secs=${1:-20}
out=build/fuzz
mkdir -p "$out/corpus"
make -s build/inc/uthash.h build/profiles.c
# seed corpus: golden packets of the unit tests (test/unit/test_msg.c)
python3 - "$out/corpus" test/unit/test_msg.c <<'PY'
import re, sys, hashlib
src = open(sys.argv[2]).read()
for name, body in re.findall(r'static const char (\w+_hex)\[\] =(.*?);', src, re.S):
    hexs = "".join(re.findall(r'"([^"]*)"', body)).replace(" ", "")
    data = bytes.fromhex(hexs)
    open(sys.argv[1] + "/" + name, "wb").write(data)
PY
# and the G.8271 Figure A.3 frame for the ToD stream decoder
printf '\103\115\001\001\000\016\000\000\131\011\337\270\000\006\026\017\000\000\000\000\045' >"$out/corpus/tod_fig_a3"
clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Ibuild/inc -Icore -o "$out/fuzz_msg" test/fuzz/fuzz_msg.c core/msg.c core/tlv.c core/mgmt.c core/ds.c core/tod.c \
	core/netaddr.c core/config.c build/profiles.c
"$out/fuzz_msg" -max_total_time="$secs" -max_len=1600 "$out/corpus" 2>"$out/fuzz_msg.log" || {
	tail -40 "$out/fuzz_msg.log"; exit 1; }
tail -1 "$out/fuzz_msg.log"
echo "PASS fuzz_msg (${secs} s)"
