#!/bin/sh
# Writes the message templates po/byline.pot (the readers' words) and
# po/desk.pot (the desk's) from the sources: the C strings passed to tr(),
# trc(), trf(), trn() and marked N_()/NC_() (render/i18n.h, web/web.h), found
# by xgettext, and every {{#_}}text{{/_}} of templates/
# (tools/i18n-templates.py).  The split is by file, as the catalogue is
# picked by page (site_catalog(): the desk's under /admin/): the desk's
# templates (admin_*) and C (src/web/admin*.c, plus DN_() anywhere) go to
# desk.pot, the rest to byline.pot; a string both sides use is in both.
# Their %s, %lld and {name} are filled by site_fill(), never by printf:
# no-c-format, and tests/request/test_i18n.py checks that each translation
# keeps them.  Then update each catalogue with msgmerge:
#   tools/i18n-extract.sh && for f in po/*.po; do msgmerge -q -U --backup=none $f po/byline.pot; done
# Usage: tools/i18n-extract.sh [OUT]   (default po/byline.pot)
set -eu
out=${1:-po/byline.pot}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
c_strings() { # OUT FILES...: the marked C strings of FILES
	o=$1
	shift
	xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file --add-location=file \
		--keyword= --keyword=tr:2 --keyword=trc:2c,3 --keyword=trf:2 --keyword=trn:2,3 \
		--keyword=N_ --keyword=NC_:1c,2 --package-name=Byline \
		--flag=tr:2:no-c-format --flag=trf:2:no-c-format --flag=trn:2:no-c-format \
		--flag=trn:3:no-c-format --flag=N_:1:no-c-format \
		--msgid-bugs-address=byline -o "$o" "$@"
}
c_strings "$tmp/c.pot" $(ls src/*/*.c | grep -v '^src/web/admin')
c_strings "$tmp/dcw.pot" src/web/admin*.c
# A desk string named elsewhere (a status label in model/) is marked DN_().
xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file --add-location=file \
	--keyword= --keyword=DN_ --flag=DN_:1:no-c-format --package-name=Byline \
	--msgid-bugs-address=byline -o "$tmp/dcn.pot" src/*/*.c
msgcat --use-first --no-wrap --sort-by-file -o "$tmp/dc.pot" "$tmp/dcw.pot" "$tmp/dcn.pot"
# The desk stays English in this issue (site_catalog()): desk.pot has its
# strings ready for a later translation, and no catalogue translates it yet.
python3 tools/i18n-templates.py $(ls templates/*.mustache | grep -v '/admin_') > "$tmp/t.pot"
python3 tools/i18n-templates.py templates/admin_*.mustache > "$tmp/dt.pot"
msgcat --use-first --no-wrap --sort-by-file -o "$tmp/all.pot" "$tmp/c.pot" "$tmp/t.pot"
msgcat --use-first --no-wrap --sort-by-file -o "$tmp/desk.pot" "$tmp/dc.pot" "$tmp/dt.pot"
# Stable files: no creation date, so re-extracting unchanged sources
# changes nothing.
sed '/^"POT-Creation-Date:/d' "$tmp/all.pot" > "$out"
sed '/^"POT-Creation-Date:/d' "$tmp/desk.pot" > "$(dirname "$out")/desk.pot"
