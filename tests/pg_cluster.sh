#!/bin/sh
# pg_cluster.sh: a throwaway PostgreSQL cluster for the tests, never the
# system's.  `pg_cluster.sh start DIR` makes a cluster in DIR (which must
# exist and be empty), listening only on a unix socket in DIR, with a
# database "byline" owned by the user "byline" (trust authentication), and
# prints its URL; `pg_cluster.sh stop DIR` stops it.  Exit 77 when no
# PostgreSQL server binaries are found (the caller reports a skip).  Run as
# root, the server runs as the user postgres (PostgreSQL refuses root).
set -eu
# PG_BIN names the folder of initdb and pg_ctl (else the newest installed).
bin=""
for d in ${PG_BIN:-/usr/lib/postgresql/*/bin}; do
	if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bin=$d; fi
done
if [ -z "$bin" ]; then
	echo "no PostgreSQL server binaries (initdb, pg_ctl)" >&2
	exit 77
fi
dir=$2
as=""
if [ "$(id -u)" -eq 0 ]; then
	as="runuser -u postgres --"
	chown postgres "$dir"
	chmod 755 "$dir"
fi
case $1 in
start)
	$as "$bin/initdb" -D "$dir/data" -U byline --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1
	$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-k $dir -h '' -c fsync=off -c max_connections=200" start >/dev/null
	$as "$bin/createdb" -h "$dir" -U byline byline
	echo "postgresql:///byline?host=$dir&user=byline"
	;;
stop)
	$as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	;;
esac
