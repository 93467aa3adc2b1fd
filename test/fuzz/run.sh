#!/bin/sh
# Build the libFuzzer harnesses with clang (ASan + UBSan) and run them.
#   run.sh [-d] [SECONDS [NAME...]]   each harness for about SECONDS (default
#                                20; 600 and more: a long run for humans),
#                                all of them or the NAMEs given
#   -d  deterministic (the test suite): seed 1, a fixed number of runs per
#       harness (SECONDS x its usual rate here) from a fresh work directory,
#       so a run finds the same thing on every machine and every day; new
#       bugs are looked for by the random long runs
# Harnesses (test/fuzz/fuzz_NAME.c): msg, config, unicast, mgmt, ppsmon, pmc,
# servo, tc, auth, nmea.
# Each first replays test/fuzz/regress/NAME/* (inputs that once crashed it),
# then fuzzes from the seeds in test/fuzz/corpus/NAME/; what it learns goes
# to build/fuzz/work/NAME, never into the tree.  One PASS line per harness;
# the first crash stops the run (exit 1) with the input's path: keep it as a
# regression test (copy it into test/fuzz/regress/NAME/) once fixed.
set -e
cd "$(dirname "$0")/../.."
det=
if [ "$1" = -d ]; then
	det=1
	shift
fi
secs=${1:-20}
[ $# -gt 0 ] && shift
all="msg config unicast mgmt ppsmon pmc servo tc auth nmea"
names=${*:-$all}
out=build/fuzz
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# FZ_KNOWN=1: without the harnesses' workarounds for known bugs, replaying
# their inputs in test/fuzz/known/ too (see its README)
known= kdirs=
if [ -n "$FZ_KNOWN" ]; then
	known=-DFZ_KNOWN_BUGS
fi

# the library and the cmd/ parsers, instrumented for coverage, through the
# Makefile (its warnings, incremental) in build/fuzz/
cflags="-O1 -g -fsanitize=fuzzer-no-link $san"
make -s -j"$(nproc 2>/dev/null || echo 4)" CC=clang STATIC=0 B="$out" CFLAGS="$cflags" \
	"$out/libptpbox.a" "$out/obj/cmd/pmc_cmd.o" "$out/obj/cmd/ppsmon.o" \
	"$out/obj/cmd/te_report.o" "$out/obj/cmd/common.o" "$out/obj/cmd/mgmt_agent.o" \
	"$out/obj/cmd/sysclock.o" "$out/obj/cmd/files.o"

# what each harness links besides the library
extra() {
	case $1 in
	pmc) echo "$out/obj/cmd/pmc_cmd.o" ;;
	mgmt) echo "$out/obj/cmd/mgmt_agent.o $out/obj/cmd/common.o $out/obj/cmd/sysclock.o" \
		"$out/obj/cmd/files.o" ;;
	ppsmon) echo "$out/obj/cmd/ppsmon.o $out/obj/cmd/te_report.o $out/obj/cmd/common.o" \
		"$out/obj/cmd/sysclock.o" ;;
	esac
}

for n in $names; do
	n=${n#fuzz_}
	src=test/fuzz/fuzz_$n.c
	[ -f "$src" ] || { echo "run.sh: no harness $n (have: $all)" >&2; exit 2; }
	bin=$out/fuzz_$n
	[ -z "$FZ_KNOWN" ] || kdirs=test/fuzz/known/$n
	# shellcheck disable=SC2046
	clang -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		-Wmissing-prototypes -g -O1 -fsanitize=fuzzer $san -I"$out/inc" -Icore -Ihw $known \
		-o "$bin" "$src" test/fuzz/fz.c $(extra "$n") "$out/libptpbox.a" -lm
	log=$out/fuzz_$n.log
	# crash inputs kept as regression tests: each must run clean
	reg=$(find "test/fuzz/regress/$n" $kdirs -type f ! -name README 2>/dev/null | sort)
	nreg=0
	if [ -n "$reg" ]; then
		# shellcheck disable=SC2086
		"$bin" $reg >"$log" 2>&1 || {
			tail -40 "$log"
			echo "FAIL fuzz $n: a regression input crashes (see $log)"
			exit 1
		}
		nreg=$(echo "$reg" | wc -l)
	fi
	if [ "$secs" -le 0 ]; then # replay only
		echo "PASS fuzz $n: $nreg regression inputs"
		continue
	fi
	if [ -n "$det" ]; then
		# executions per second of each harness on the 2-core machine the
		# suite runs on (ASan+UBSan, 2026-11; config and auth measured again
		# 2026-12: 2 100 and 1 800, config slower with did-you-mean)
		case $n in
		msg) rate=20000 ;; config) rate=2000 ;; unicast) rate=3000 ;;
		mgmt) rate=450 ;; ppsmon) rate=3400 ;; pmc) rate=9000 ;;
		servo) rate=80 ;; tc) rate=700 ;; auth) rate=1800 ;; nmea) rate=15000 ;;
		*) rate=1000 ;;
		esac
		rm -rf "$out/work/$n"
		limit="-seed=1 -runs=$((rate * secs))"
	else
		limit="-max_total_time=$secs"
	fi
	mkdir -p "$out/work/$n"
	seeds=$(find "test/fuzz/corpus/$n" -type f | wc -l)
	# shellcheck disable=SC2086
	"$bin" $limit -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
		-close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$out/$n-" \
		"$out/work/$n" "test/fuzz/corpus/$n" >"$log" 2>&1 || {
		tail -60 "$log"
		a=$(ls -t "$out/$n"-* 2>/dev/null | head -1)
		echo "FAIL fuzz $n: input $a (keep it in test/fuzz/regress/$n/ once fixed; log $log)"
		exit 1
	}
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	corp=$(find "$out/work/$n" "test/fuzz/corpus/$n" -type f | wc -l)
	echo "PASS fuzz $n: ${det:+seed 1, }${secs} s, $runs runs, $rate exec/s, $cov, corpus $corp ($seeds seeds), $nreg regression inputs"
done
