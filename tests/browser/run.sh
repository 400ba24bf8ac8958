#!/bin/sh
# Browser tests: Debian's Chromium (/usr/bin/chromium) driven by the npm
# package playwright-core, with axe-core and the Nu Html Checker (vnu-jar,
# run by Debian's Java).  Needs `npm ci --ignore-scripts` at the repository
# root first (tools/install-deps.sh does it).  Ends with "N passed, N failed,
# N skipped" and exits non-zero when anything failed.
#   BYLINE_BIN   the byline binary to serve with (default ./byline)
#   CHROMIUM     the browser (default /usr/bin/chromium)
#   sh tests/browser/run.sh [NAME-FILTER]   only the tests whose name matches
set -u
cd "$(dirname "$0")/../.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export BYLINE_BIN="${BYLINE_BIN:-$PWD/byline}"
if ! command -v node >/dev/null 2>&1; then
	echo "FAIL node (18 or later) is missing"
	echo "0 passed, 1 failed"
	exit 1
fi
exec node tests/browser/run.mjs "$@"
