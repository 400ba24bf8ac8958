#!/bin/sh
# Runs every test tier and ends with one "N passed, N failed, N skipped" line.
# Each tier prints its own closing line ("N passed, N failed", then
# optionally ", N skipped"); this sums them.  A skipped test is never a pass.
#   BUILD       build folder holding tests/ binaries (default build)
#   BYLINE_BIN  the byline binary the request tests start
#   BYLINE_TESTS  only the tiers whose name (unit/test_core, request/test_desk.py,
#               browser) matches this extended regular expression
#   BYLINE_SKIP_BROWSER=1  the browser tier is not run (counted as one skipped)
#   BYLINE_JOBS   request test files run at once (default 2)
#   BYLINE_PG_PASS=0  the request tests are not run a second time on
#               PostgreSQL (the request-pg tier; counted as one skipped)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BYLINE_BIN=${BYLINE_BIN:-$PWD/$BUILD/byline}
total_pass=0
total_fail=0
total_skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

wanted() { # tier name: is it selected by BYLINE_TESTS?
	[ -z "${BYLINE_TESTS:-}" ] || printf '%s\n' "$1" | grep -Eq -- "$BYLINE_TESTS"
}

tally() { # name, exit status; reads the tier's closing line from $log
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "== $1: no result line (exit $2): counted as one failure"
		total_fail=$((total_fail + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }; f=${f%% failed*}
	s=0
	case $line in
	*" failed, "*" skipped"*) s=${line#*failed, }; s=${s%% skipped*} ;;
	esac
	[ "$2" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	grep '^SKIP' "$log" | sed 's/^/   /'
	echo "== $1: $p passed, $f failed, $s skipped"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	wanted "unit/$name" || continue
	"$t" >"$log" 2>&1; rc=$?
	[ $rc -ne 0 ] && cat "$log"
	grep '^spec ' "$log" | sed 's/^/   /'
	tally "unit/$name" $rc
done

# The request tests, in two passes: every site in SQLite (request/), then
# every site on PostgreSQL (request-pg/, issue 17): one throwaway cluster for
# the pass (tests/pg_cluster.sh), each test's sites in databases of their own
# (harness.site_db).  Without PostgreSQL's server that pass is one skipped
# test, never a pass.  BYLINE_JOBS test files run at once (default 2: most of
# a request test is waiting on its server), each into a log of its own; the
# tiers are tallied in order when all have ended.
PY=/usr/bin/python3
rq=$(mktemp -d)
pgdir=""
pg_done() {
	[ -n "$pgdir" ] && sh tests/pg_cluster.sh stop "$pgdir" >/dev/null 2>&1
	[ -n "$pgdir" ] && rm -rf "$pgdir"
	pgdir=""
}
trap 'pg_done; rm -rf "$rq"; rm -f "$log"' EXIT
n=0
: >"$rq/sqlite"
: >"$rq/pg"
for t in tests/request/test_*.py; do
	[ -f "$t" ] || continue
	wanted "request/$(basename "$t")" || continue
	n=$((n + 1))
	echo "$n request $t -" >>"$rq/sqlite"
done
pg_wanted=0
for t in tests/request/test_*.py; do
	wanted "request-pg/$(basename "$t")" && pg_wanted=1
done
if [ $pg_wanted = 0 ]; then
	:
elif [ "${BYLINE_PG_PASS:-1}" = 0 ]; then
	echo "== request-pg: not run (BYLINE_PG_PASS=0): counted as one skipped"
	total_skip=$((total_skip + 1))
else
	pgdir=$(mktemp -d)
	url=$(sh tests/pg_cluster.sh start "$pgdir" 2>"$log"); rc=$?
	if [ $rc -eq 77 ]; then
		echo "== request-pg: not run ($(cat "$log")): counted as one skipped"
		total_skip=$((total_skip + 1))
		rm -rf "$pgdir"; pgdir=""
	elif [ $rc -ne 0 ]; then
		cat "$log"
		echo "== request-pg: the PostgreSQL cluster did not start: counted as one failure"
		total_fail=$((total_fail + 1))
		pg_done
	else
		for t in tests/request/test_*.py; do
			wanted "request-pg/$(basename "$t")" || continue
			n=$((n + 1))
			echo "$n request-pg $t $url" >>"$rq/pg"
		done
	fi
fi
# Both passes' files interleaved, so the jobs mostly run one of each.
paste -d '\n' "$rq/sqlite" "$rq/pg" | grep -v '^$' >"$rq/all" || :
if [ -s "$rq/all" ]; then
	RQ=$rq xargs -P "${BYLINE_JOBS:-2}" -L 1 sh -c \
		'[ "$4" = - ] && set -- "$1" "$2" "$3" ""
		 BYLINE_TEST_PG=$4 "$0" "$3" >"$RQ/$1.log" 2>&1; echo $? >"$RQ/$1.rc"' "$PY" \
		<"$rq/all" || :
fi
pg_done
cat "$rq/sqlite" "$rq/pg" >"$rq/order"
while read -r i tier t _; do
	cp "$rq/$i.log" "$log" 2>/dev/null || : >"$log"
	rc=$(cat "$rq/$i.rc" 2>/dev/null || echo 1)
	[ "$rc" -ne 0 ] && cat "$log"
	tally "$tier/$(basename "$t")" "$rc"
done <"$rq/order"

# Browser tests: Debian's Chromium driven by playwright-core (tests/browser/).
if ! wanted browser; then
	:
elif [ "${BYLINE_SKIP_BROWSER:-0}" = 1 ]; then
	echo "== browser: not run (BYLINE_SKIP_BROWSER=1): counted as one skipped"
	total_skip=$((total_skip + 1))
else
	sh tests/browser/run.sh >"$log" 2>&1; rc=$?
	[ $rc -ne 0 ] && cat "$log"
	grep '^browser artifacts' "$log" | sed 's/^/   /'
	tally "browser" $rc
fi

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
