#!/bin/sh
# Counting checks for the shell test suites (cli, ppsmon, todenc, sim):
#   ok / ko "why"   count a check (ko prints FAIL: why)
#   skip "why"      a check that cannot run here (prints SKIP: why)
#   json FILE EXPR  print a python expression over the JSON object j in FILE
#   checks_done [LABEL]  print "[LABEL: ]N passed, N failed[, N skipped]", status 0 if none failed
# Source it.
pass=0
fail=0
skipped=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
skip() { skipped=$((skipped + 1)); echo "SKIP: $*"; }
json() { python3 -c "import json,sys; j=json.load(open('$1')); print($2)"; }
checks_done() {
	echo "${1:+$1: }$pass passed, $fail failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
	[ "$fail" -eq 0 ]
}
