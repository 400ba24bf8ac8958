#!/bin/sh
# Installs the Debian 12 packages Byline builds and tests with, if missing,
# then the npm packages of the browser tests (package-lock.json pins exact
# versions that declare and work on Debian 12's Node.js 18).  Run as root (or
# with sudo available).  Safe to run again: it installs only what is not there.
#   tools/install-deps.sh          build, run and test
#   tools/install-deps.sh bench    also wrk for `make bench`
# nginx and caddy are test packages: test_tls_proxy and test_caddy_proxy run
# them, on loopback with their own configuration, in front of byline (and
# `make bench` compares with nginx).
set -eu
pkgs="gcc make pkg-config libc6-dev libsqlite3-dev libmd4c-dev
      libsodium-dev libcurl4-openssl-dev zlib1g-dev libbrotli-dev libxml2-dev
      libvips-dev libhunspell-dev hunspell-en-us hunspell-en-gb python3 python3-aiosmtpd
      python3-feedparser libxml2-utils chromium default-jre-headless
      slowhttptest fiu-utils strace clang-14 libclang-rt-14-dev
      tzdata ca-certificates libimage-exiftool-perl imagemagick gettext
      libpq-dev postgresql-15 python3-psycopg2 nginx-light caddy openssl"
# Node.js and npm come from Debian too, unless the machine already has them.
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
if [ "${1:-}" = bench ]; then
	pkgs="$pkgs wrk util-linux"
fi
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "Installing:$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
	# Debian starts a web server on port 80 when nginx or caddy is installed;
	# the tests run their own on loopback, so the ones installed here for
	# the tests are stopped and left disabled (a machine that had them keeps
	# them as they were).
	for svc in nginx caddy; do
		case " $missing " in *" $svc "* | *" $svc-light "*) ;; *) continue ;; esac
		if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
			$SUDO systemctl disable --now "$svc" >/dev/null 2>&1 &&
				echo "install-deps: $svc was installed for the tests; its system service is stopped and disabled"
		fi
	done
fi

# npm packages for the browser tests only, as package-lock.json pins them; no
# install scripts (vnu-jar's would download a Java) and no Playwright browser.
cd "$(dirname "$0")/.."
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 18 ]; then
	echo "install-deps: the browser tests need Node.js 18 or later (found: $(node --version 2>/dev/null || echo none))" >&2
	exit 1
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] ||
   [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund >/dev/null
fi
