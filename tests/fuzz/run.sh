#!/bin/sh
# Runs each libFuzzer target for FUZZ_SECONDS (default 60), one after the
# other, and keeps what it learns under tests/fuzz/<target>/:
#   seeds/    hand-written inputs (read, never changed here)
#   corpus/   what fuzzing found: after each run it is replaced by a small
#             set of inputs (libFuzzer -merge=1) reaching all the coverage
#             of the old corpus and of the run's new inputs, beyond what the
#             seeds reach; files are named by the SHA-1 of their bytes
#   crashes/  every crash, leak, timeout or out-of-memory input libFuzzer
#             saves; `make test` replays all three (tests/fuzz/replay.c)
#   dict      a libFuzzer dictionary, if present
# Usage (from `make fuzz`): tests/fuzz/run.sh FUZZ_BUILD_DIR TARGET...
# FUZZ_JOBS=N runs N targets at once (CI: 2, one per core).
# Ends with one line per target (execs, execs/s, result) and exits non-zero
# if any target found something.
set -u
cd "$(dirname "$0")/../.."
build=$1
shift
secs=${FUZZ_SECONDS:-60}
work=$build/fuzz-work
status=0
summary=""
fuzz_one() { # target: runs it, minimizes its corpus, writes $work/$t.summary
	t=$1
	bin=$build/fuzzers/$t
	dir=tests/fuzz/$t
	mkdir -p "$dir/corpus" "$dir/crashes" "$work"
	rm -rf "$work/$t"
	mkdir -p "$work/$t"
	dict=""
	[ -f "$dir/dict" ] && dict="-dict=$dir/dict"
	log=$work/$t.log
	echo "== fuzz $t for ${secs}s (log: $log)"
	# New inputs go to the scratch corpus (first directory); the committed
	# ones are read.  -timeout: one input taking over 10 s is a finding.
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	  -artifact_prefix="$dir/crashes/" $dict "$work/$t" "$dir/corpus" "$dir/seeds" \
	  >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		result=ok
	else
		result="FOUND SOMETHING (exit $rc)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*FUZZ_ASSERT|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 20
	fi
	# The new corpus: start from the seeds (so that what they reach is not
	# kept again), merge the old corpus and the run's finds, drop the seeds.
	# Crashing inputs are skipped by the merge (they are in crashes/).
	rm -rf "$work/$t.min"
	mkdir -p "$work/$t.min"
	cp "$dir/seeds/"* "$work/$t.min/"
	if "$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "$work/$t.min" "$dir/corpus" "$work/$t" \
	  >"$work/$t.merge.log" 2>&1; then
		for f in "$dir/seeds/"*; do rm -f "$work/$t.min/$(basename "$f")"; done
		rm -rf "$dir/corpus"
		mkdir -p "$dir/corpus"
		find "$work/$t.min" -type f -exec mv {} "$dir/corpus/" \;
	else
		echo "   merge failed, corpus unchanged: $work/$t.merge.log"
	fi
	n=$(find "$dir/corpus" -type f | wc -l)
	printf '%-11s %12s execs %8s exec/s  corpus %5d  %s' "$t" "${execs:-?}" "${rate:-?}" "$n" "$result" >"$work/$t.summary"
}

# FUZZ_JOBS targets at a time (default 1), each job taking its share in turn.
jobs=${FUZZ_JOBS:-1}
mkdir -p "$work"
rm -f "$work"/*.summary
j=0
while [ "$j" -lt "$jobs" ]; do
	(
		i=0
		for t in "$@"; do
			[ $((i % jobs)) -eq "$j" ] && fuzz_one "$t"
			i=$((i + 1))
		done
	) &
	j=$((j + 1))
done
wait
for t in "$@"; do
	if [ -f "$work/$t.summary" ]; then
		line=$(cat "$work/$t.summary")
	else
		line="$t: no result"
	fi
	case $line in *ok) ;; *) status=1 ;; esac
	summary="$summary$line
"
done
echo "== fuzz summary (${secs}s each)"
printf '%s' "$summary"
exit $status
