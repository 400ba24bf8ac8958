#!/bin/sh
# Byline against nginx serving the same bytes: the article page benchmark.
#
# Starts `byline serve` on a fresh demo site and nginx (Debian's package)
# serving Byline's own rendered article page as a static file, then runs wrk
# against both with the same threads and connections (32 and 256).  The
# servers are pinned to core 0 and wrk to core 1.  Prints req/s, p50, p99 and
# the byline/nginx ratio, and writes them to bench/RESULTS.md.
#   BENCH_SECONDS   length of each wrk run (default 10)
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh bench
SECS=${BENCH_SECONDS:-10}
OUT=bench/RESULTS.md
work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run as an unprivileged user
BYLINE_PID=""
NGINX_PID=""
cleanup() {
	[ -n "$BYLINE_PID" ] && kill "$BYLINE_PID" 2>/dev/null || true
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ncpu=$(nproc)
if [ "$ncpu" -ge 2 ]; then SERVER_CPU=0; CLIENT_CPU=1; else SERVER_CPU=0; CLIENT_CPU=0; fi

./byline demo --db "$work/site.db" >/dev/null
taskset -c $SERVER_CPU ./byline serve --db "$work/site.db" --listen 127.0.0.1:0 --quiet \
	>"$work/byline.out" 2>&1 &
BYLINE_PID=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q "http://" "$work/byline.out" 2>/dev/null && break
	sleep 0.2
done
BASE=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/byline.out")
# The demo's most commented article: its page is the one measured.
ARTICLE=$(python3 - "$work/site.db" <<'PY'
import sqlite3, sys, time, os
con = sqlite3.connect(sys.argv[1])
slug, pub = con.execute("SELECT a.slug, a.published_at FROM articles a LEFT JOIN comments c"
                        " ON c.article_id=a.id AND c.status='approved' GROUP BY a.id"
                        " ORDER BY count(c.id) DESC, a.id LIMIT 1").fetchone()
tz = con.execute("SELECT value FROM settings WHERE key='timezone'").fetchone()[0]
os.environ["TZ"] = tz
time.tzset()
print(time.strftime("/%Y/%m/%d/", time.localtime(pub)) + slug + "/")
PY
)
mkdir -p "$work/www$ARTICLE"
curl -sf "$BASE$ARTICLE" -o "$work/www${ARTICLE}index.html"
BYTES=$(wc -c <"$work/www${ARTICLE}index.html")

NPORT=$(free_port)
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types { text/html html; }
    default_type text/html;
    server {
        listen 127.0.0.1:$NPORT;
        root $work/www;
        index index.html;
    }
}
CONF
taskset -c $SERVER_CPU nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
NGINX_PID=$!
sleep 0.5
NBASE="http://127.0.0.1:$NPORT"
curl -sf "$NBASE$ARTICLE" -o "$work/nginx.html"
cmp -s "$work/nginx.html" "$work/www${ARTICLE}index.html" || { echo "nginx serves other bytes"; exit 1; }

# wrk prints "Requests/sec: N" and, with --latency, "50% X" and "99% X".
to_ms() { # "1.23ms" / "456.00us" / "1.20s" -> milliseconds
	python3 -c 'import sys,re; v=sys.argv[1]; m=re.match(r"([\d.]+)(us|ms|s)$", v); n=float(m.group(1)); print("%.2f" % (n/1000 if m.group(2)=="us" else n*1000 if m.group(2)=="s" else n))' "$1"
}
run() { # url conns -> "rps p50 p99"
	taskset -c $CLIENT_CPU wrk -t2 -c"$2" -d2s "$1" >/dev/null 2>&1 || true
	out=$(taskset -c $CLIENT_CPU wrk -t2 -c"$2" -d"${SECS}s" --latency "$1")
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	p50=$(echo "$out" | awk '$1=="50%" {print $2}')
	p99=$(echo "$out" | awk '$1=="99%" {print $2}')
	errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
	echo "$rps $(to_ms "$p50") $(to_ms "$p99") $errs"
}

{
	echo "# Benchmark results"
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
	echo "- byline: $(git rev-parse --short HEAD 2>/dev/null || echo unknown), nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
	echo "- page: $ARTICLE ($BYTES bytes, the demo article with the most comments)"
	echo "- command: \`make bench\` (bench/run.sh): servers on core $SERVER_CPU, wrk -t2 on core $CLIENT_CPU, ${SECS} s per run after a 2 s warm-up"
	echo
	echo "| connections | byline req/s | nginx req/s | ratio req/s | byline p50 ms | nginx p50 ms | byline p99 ms | nginx p99 ms | ratio p99 |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$work/results.md"
for c in 32 256; do
	set -- $(run "$BASE$ARTICLE" $c)
	b_rps=$1 b_p50=$2 b_p99=$3
	shift 3; b_err="$*"
	set -- $(run "$NBASE$ARTICLE" $c)
	n_rps=$1 n_p50=$2 n_p99=$3
	ratio=$(python3 -c "print('%.2f' % ($b_rps / $n_rps))")
	pratio=$(python3 -c "print('%.2f' % ($b_p99 / max($n_p99, 0.01)))")
	echo "| $c | $b_rps | $n_rps | $ratio | $b_p50 | $n_p50 | $b_p99 | $n_p99 | $pratio |" >>"$work/results.md"
	[ -n "$b_err" ] && echo "byline errors at $c connections: $b_err" >&2
done
{
	echo
	echo "Byline renders every request here (no page cache yet); ratio is byline/nginx."
} >>"$work/results.md"
cp "$work/results.md" "$OUT"
cat "$OUT"
