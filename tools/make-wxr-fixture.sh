#!/bin/sh
# Makes the WordPress export fixture of the import tests, with a real
# WordPress: tests/fixtures/wxr/site.xml (WordPress's own exporter, WXR 1.2),
# tests/fixtures/wxr/facts.json (what WordPress itself says the site holds)
# and tests/fixtures/wxr/uploads/ (the site's wp-content/uploads).  The test
# suite only reads those files: it never needs WordPress.
#
# What it does, as root on Debian 12:
#   1. installs Debian's `wordpress`, `mariadb-server`, `php-cli` and
#      `php-mysql` if missing (apt-get, --no-install-recommends).  While it
#      installs, a policy-rc.d refusing every service start is put in place
#      (unless the machine already has one), so the package install starts no
#      system MariaDB and no Apache;
#   2. starts a MariaDB of its own: datadir, socket and pid file under a
#      temporary folder, no TCP port (--skip-networking), never the system
#      one's files.  A system MariaDB that may be running is not touched;
#   3. creates a database and a user for it;
#   4. runs tools/make-wxr-fixture.php with php-cli twice: `install`
#      (wp_install()) then `build` (the site, through WordPress's own PHP API,
#      then export_wp() and the facts).  No web server is involved.
#   5. stops the MariaDB it started (by its pid) and removes the temporary
#      folder, whatever happened.
#
# How the Debian package is used without Apache: its wp-config.php
# (/usr/share/wordpress/wp-config.php) looks for /etc/wordpress/config-HOST.php
# from the HTTP request, which a command line run has not.  The PHP driver is
# its own wp-config instead: it defines ABSPATH (the package's
# /usr/share/wordpress/), DB_*, WP_CONTENT_DIR (a temporary folder, so
# uploads land there and not in /var/lib/wordpress) and the site URL, then
# requires wp-settings.php directly, never wp-load.php or the package's
# wp-config.php.  Nothing is written under /etc/wordpress or
# /usr/share/wordpress.
#
# Usage: tools/make-wxr-fixture.sh [OUTDIR]   (default tests/fixtures/wxr)
# The same run on the same packages gives the same site (ids, dates, slugs,
# content); only the export's "created" stamp differs.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-$root/tests/fixtures/wxr}
case $out in /*) ;; *) out=$root/$out ;; esac

if [ "$(id -u)" -ne 0 ]; then
	echo "make-wxr-fixture: run as root (it installs Debian packages)" >&2
	exit 1
fi

start=$(date +%s)
pkgs="wordpress mariadb-server php-cli php-mysql"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "make-wxr-fixture: installing$missing"
	made_policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	rc=0
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; } || rc=$?
	[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
	[ $rc -eq 0 ] || { echo "make-wxr-fixture: apt-get failed ($rc)" >&2; exit 1; }
fi
installed=$(date +%s)

tmp=$(mktemp -d /tmp/wxr-fixture.XXXXXX)
dbpid=""
cleanup() {
	if [ -n "$dbpid" ] && kill -0 "$dbpid" 2>/dev/null; then
		kill "$dbpid"
		n=0
		while kill -0 "$dbpid" 2>/dev/null && [ $n -lt 300 ]; do
			sleep 0.1; n=$((n + 1))
		done
		kill -0 "$dbpid" 2>/dev/null && kill -9 "$dbpid"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

sock=$tmp/mysqld.sock
mkdir -p "$tmp/data" "$tmp/wp-content/uploads" "$tmp/wp-content/plugins" "$tmp/wp-content/themes"
mariadb-install-db --no-defaults --user=root --datadir="$tmp/data" \
	--auth-root-authentication-method=socket --skip-test-db >"$tmp/install-db.log" 2>&1 ||
	{ cat "$tmp/install-db.log" >&2; exit 1; }
mariadbd --no-defaults --user=root --datadir="$tmp/data" --socket="$sock" \
	--pid-file="$tmp/mysqld.pid" --skip-networking --log-error="$tmp/mysqld.err" \
	--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci &
dbpid=$!
n=0
until mariadb --no-defaults -S "$sock" -u root -e 'SELECT 1' >/dev/null 2>&1; do
	n=$((n + 1))
	if [ $n -gt 300 ] || ! kill -0 "$dbpid" 2>/dev/null; then
		echo "make-wxr-fixture: MariaDB did not start" >&2
		cat "$tmp/mysqld.err" >&2
		exit 1
	fi
	sleep 0.1
done
mariadb --no-defaults -S "$sock" -u root -e "
	CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
	CREATE USER 'wordpress'@'localhost' IDENTIFIED BY 'fixture-only';
	GRANT ALL ON wordpress.* TO 'wordpress'@'localhost';"

export WXR_DB_HOST="localhost:$sock" WXR_DB_NAME=wordpress WXR_DB_USER=wordpress
export WXR_DB_PASSWORD=fixture-only WXR_CONTENT_DIR="$tmp/wp-content" WXR_OUT="$out"
export WXR_DB_VERSION="$(mariadb --no-defaults -S "$sock" -u root -N -e 'SELECT VERSION()')"
export WXR_WP_PACKAGE="$(dpkg-query -W -f='${Version}' wordpress)"
mkdir -p "$out"
php -d display_errors=stderr tools/make-wxr-fixture.php install
php -d display_errors=stderr tools/make-wxr-fixture.php build

# The uploads the export names, for `byline import-wordpress --uploads`.
rm -rf "$out/uploads"
cp -R "$tmp/wp-content/uploads" "$out/uploads"
find "$out/uploads" -type d -empty -delete

if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$out/site.xml"
else
	echo "make-wxr-fixture: xmllint not found, the export's XML was not checked"
fi
end=$(date +%s)
echo "make-wxr-fixture: $(wc -c <"$out/site.xml") bytes of WXR, WordPress $WXR_WP_PACKAGE, MariaDB $WXR_DB_VERSION;" \
	"$((end - start)) s in all ($((installed - start)) s installing packages)"
