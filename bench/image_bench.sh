#!/bin/sh
# Making every variant of a 24-megapixel JPEG: Byline (build/bench/image_bench,
# the code the variant worker runs) against ImageMagick's convert -resize
# (what WordPress uses) making the same files in the same run.
#   make build/bench/image_bench && sh bench/image_bench.sh [RUNS]
# Prints, per tool, the median wall time and peak memory (max RSS, from
# /usr/bin/time -v) over RUNS runs (default 3), taken alternately, and the
# ratios.
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-3}
BIN=${BUILD:-build}/bench/image_bench
[ -x "$BIN" ] || { echo "make ${BUILD:-build}/bench/image_bench first" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# A 6000x4000 photo-like picture (fractal plasma, softened), quality 90.
convert -size 6000x4000 plasma:fractal -blur 0x1 -quality 90 "$W/in.jpg"
echo "input: $(identify -format '%wx%h' "$W/in.jpg") JPEG, $(wc -c < "$W/in.jpg") bytes"

# One run under /usr/bin/time -v: appends "seconds kbytes" to $W/$name.
timed() {
	name=$1
	shift
	rm -rf "$W/out" && mkdir "$W/out"
	/usr/bin/time -v "$@" 2>"$W/time" >/dev/null
	sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$W/time" |
	    awk -F: '{ printf "%s ", ($1 * 60) + $2 }' >> "$W/$name"
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time" >> "$W/$name"
	echo "$name: $(ls "$W/out" | wc -l) files: $(ls "$W/out" | tr '\n' ' ')"
}

# ImageMagick: one decode, then the same files: widths 320..1920 in JPEG
# (quality 82) and WebP (80), no metadata, the 1200x630 social image cut
# from the middle.
magick() {
	set -- "$W/in.jpg" -strip -write mpr:src +delete
	for w in 320 640 960 1280 1920; do
		set -- "$@" '(' mpr:src -resize "${w}x" -quality 82 -write "$W/out/$w.jpg" \
		    -quality 80 -write "$W/out/$w.webp" +delete ')'
	done
	set -- "$@" '(' mpr:src -resize '1200x630^' -gravity center -extent 1200x630 \
	    -quality 82 -write "$W/out/social.jpg" ')' null:
	timed magick convert "$@"
}

i=0
while [ "$i" -lt "$RUNS" ]; do
	timed byline "$BIN" "$W/in.jpg" "$W/out"
	magick
	timed upload "$BIN" "$W/in.jpg" "$W/out" --normalize
	i=$((i + 1))
done

median() { sort -n -k"$2" "$W/$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'; }
bt=$(median byline 1); bm=$(median byline 2)
mt=$(median magick 1); mm=$(median magick 2)
ut=$(median upload 1); um=$(median upload 2)
echo
echo "| making the 11 variant files | wall time (s) | max RSS (MB) |"
echo "|---|---|---|"
echo "| Byline (libvips) | $bt | $(awk "BEGIN { printf \"%.0f\", $bm / 1024 }") |"
echo "| ImageMagick convert -resize | $mt | $(awk "BEGIN { printf \"%.0f\", $mm / 1024 }") |"
echo "| Byline, upload step first (normalize + variants) | $ut | $(awk "BEGIN { printf \"%.0f\", $um / 1024 }") |"
echo
awk "BEGIN { printf \"time ratio Byline/ImageMagick: %.2f   memory ratio: %.2f\n\", $bt / $mt, $bm / $mm }"
echo "(median of $RUNS runs each, alternating; $(nproc) cores)"
