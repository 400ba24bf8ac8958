#!/bin/sh
# Byline's benchmark: `make bench` runs this.  Installs nginx and wrk if
# missing, then hands over to bench/bench.py (Debian's python3, standard
# library only), which writes bench/RESULTS.md.  See bench/bench.py for what
# it measures and the variables it reads (BENCH_SECONDS, BENCH_RUNS,
# BENCH_QUICK, BENCH_OUT, BENCH_WAIT_LOAD, GENSITE).
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh bench
exec /usr/bin/python3 bench/bench.py
