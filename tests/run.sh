#!/bin/sh
# Runs every test tier and ends with one "N passed, N failed" line.
# Each tier prints its own closing line; this sums them.
#   BUILD       build folder holding tests/ binaries (default build)
#   BYLINE_BIN  the byline binary the request tests start
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BYLINE_BIN=${BYLINE_BIN:-$PWD/$BUILD/byline}
total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tally() { # name, exit status; reads the tier's closing line from $log
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "== $1: no result line (exit $2): counted as one failure"
		total_fail=$((total_fail + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }; f=${f%% failed*}
	[ "$2" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	echo "== $1: $p passed, $f failed"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$log" 2>&1; rc=$?
	[ $rc -ne 0 ] && cat "$log"
	grep '^spec ' "$log" | sed 's/^/   /'
	tally "unit/$name" $rc
done

PY=/usr/bin/python3
for t in tests/request/test_*.py; do
	[ -f "$t" ] || continue
	"$PY" "$t" >"$log" 2>&1; rc=$?
	[ $rc -ne 0 ] && cat "$log"
	tally "request/$(basename "$t")" $rc
done

# Browser tests: Debian's Chromium driven by playwright-core (tests/browser/).
if [ "${BYLINE_SKIP_BROWSER:-0}" != 1 ]; then
	sh tests/browser/run.sh >"$log" 2>&1; rc=$?
	[ $rc -ne 0 ] && cat "$log"
	grep '^browser artifacts' "$log" | sed 's/^/   /'
	tally "browser" $rc
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
