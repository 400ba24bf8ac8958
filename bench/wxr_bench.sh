#!/bin/sh
# The WordPress import benchmark (not a timed test): a generated export of
# POSTS posts and COMMENTS comments (default 100,000 and 1,000,000, about
# 670 MB) imported into a fresh database; prints the import's time, items a
# second and peak resident memory.  Usage: sh bench/wxr_bench.sh [POSTS COMMENTS]
set -eu
posts=${1:-100000}
comments=${2:-1000000}
bin=${BYLINE_BIN:-./byline}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$(dirname "$0")/wxr_gen.py" "$posts" "$comments" > "$dir/export.xml"
size=$(wc -c < "$dir/export.xml")
"$bin" settings --db "$dir/site.db" list > /dev/null 2>&1
/usr/bin/time -f "%e %M" -o "$dir/time" "$bin" import-wordpress --db "$dir/site.db" \
    "$dir/export.xml" > "$dir/report" 2> "$dir/progress"
read -r secs kb < "$dir/time"
head -8 "$dir/report"
awk -v p="$posts" -v c="$comments" -v s="$secs" -v kb="$kb" -v b="$size" 'BEGIN {
	printf "export %.0f MB: %d posts, %d comments in %.1f s (%.0f posts/s, %.0f items/s), peak RSS %.1f MB\n",
	       b / 1e6, p, c, s, p / s, (p + c) / s, kb / 1024 }'
