#!/bin/sh
# Writes the message template po/byline.pot from the sources: the C strings
# passed to tr(), trc(), trf(), trn() and marked N_()/NC_() (render/i18n.h,
# web/web.h), found by xgettext, and every {{#_}}text{{/_}} of templates/
# (tools/i18n-templates.py).  Their %s, %lld and {name} are filled by
# site_fill(), never by printf: no-c-format, and tests/request/test_i18n.py
# checks that each translation keeps them.  Then update each catalogue with msgmerge:
#   tools/i18n-extract.sh && for f in po/*.po; do msgmerge -q -U --backup=none $f po/byline.pot; done
# Usage: tools/i18n-extract.sh [OUT]   (default po/byline.pot)
set -eu
out=${1:-po/byline.pot}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file --add-location=file \
	--keyword= --keyword=tr:2 --keyword=trc:2c,3 --keyword=trf:2 --keyword=trn:2,3 \
	--keyword=N_ --keyword=NC_:1c,2 --package-name=Byline \
	--flag=tr:2:no-c-format --flag=trf:2:no-c-format --flag=trn:2:no-c-format \
	--flag=trn:3:no-c-format --flag=N_:1:no-c-format \
	--msgid-bugs-address=byline -o "$tmp/c.pot" src/*/*.c
# The desk's templates (admin_*) go to po/desk.pot: the desk stays English
# in this issue (site_catalog()), its strings ready for a later translation.
python3 tools/i18n-templates.py $(ls templates/*.mustache | grep -v '/admin_') > "$tmp/t.pot"
desk=$(dirname "$out")/desk.pot
python3 tools/i18n-templates.py templates/admin_*.mustache > "$desk"
msgcat --use-first --no-wrap --sort-by-file -o "$tmp/all.pot" "$tmp/c.pot" "$tmp/t.pot"
# A stable file: no creation date, so re-extracting unchanged sources
# changes nothing.
sed '/^"POT-Creation-Date:/d' "$tmp/all.pot" > "$out"
