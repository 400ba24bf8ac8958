/*
** i18n.h: message catalogues, the words of the site in its readers'
** language.
**
** A catalogue is one GNU gettext .po file (po/de.po, ...) read by our own
** parser at start: no glibc setlocale()/gettext(), so the language is a site
** setting and never depends on the locales installed on the machine.  The
** site holds every shipped catalogue at once and picks one per request by
** the `language` setting, so changing the setting takes effect at the next
** request with nothing to reload.
**
** What the parser reads: comments (# lines; "#, fuzzy" marks an entry that
** is skipped, as msgfmt does), msgctxt, msgid, msgid_plural, msgstr and
** msgstr[N], each followed by any number of "continued" string lines, with
** the C escapes \n \t \" \\ (any other escape is an error).  The header
** (msgid "") must name a Plural-Forms that matches the rules Byline knows
** for the language (below).  Limits: a file of at most 4 MB, 20000
** entries, a string of at most 64 KB; past them the file is malformed.
**
** Plural forms are hard-coded, one row per language in one table in
** i18n.c, rather than evaluated from the catalogue's Plural-Forms
** expression: four languages need three rules, a table cannot be made to
** loop or divide by zero, and the loader still checks that each catalogue
** states the expression its row implements (so a translator's tool and
** Byline agree on which msgstr[N] is which).  Adding a language means one
** row there.
**
** Strings returned are borrowed from the catalogue, which lives as long as
** the site.
*/
#ifndef BYLINE_RENDER_I18N_H
#define BYLINE_RENDER_I18N_H

#include <stddef.h>

/* N_(), NC_() and DN_() mark strings for extraction: core/i18n_mark.h. */
#include "core/i18n_mark.h"

#define I18N_MAX_FORMS 6

struct catalog;

/* Parses src[0..len) (need not be NUL-terminated) as a .po file for
** language `lang` ("de", "ar", "en-US": the part before '-' picks the plural
** rule).  Returns a catalogue (caller frees with catalog_free, which ignores
** NULL), or NULL with a message naming the line in err[errlen]. */
struct catalog *catalog_parse(const char *src, size_t len, const char *lang,
                              char *err, size_t errlen);
void catalog_free(struct catalog *c);

/* The language the catalogue was parsed for. Borrowed. */
const char *catalog_lang(const struct catalog *c);

/* The translation of msgid (in context ctx, or NULL for none), or NULL when
** the catalogue has none (c may be NULL). */
const char *catalog_get(const struct catalog *c, const char *ctx, const char *msgid);

/* The form of a plural entry for count n, or NULL when the catalogue has no
** translation for it (c may be NULL). */
const char *catalog_getn(const struct catalog *c, const char *msgid, const char *plural,
                         unsigned long n);

/* Number of entries (the header not counted). */
size_t catalog_count(const struct catalog *c);

/* Calls fn for each entry: its context (NULL if none), msgid, msgid_plural
** (NULL if none), and how many msgstr forms it holds.  For tests. */
void catalog_each(const struct catalog *c,
                  void (*fn)(void *data, const char *ctx, const char *msgid,
                             const char *plural, const char *const *forms, int n_forms),
                  void *data);

/* Which form (0..nplurals-1) language `lang` uses for count n: English,
** German and Spanish 0 for one and 1 otherwise; Arabic six forms, 0 for
** zero, 1 one, 2 two, 3 few (n % 100 in 3..10), 4 many (11..99), 5 other.
** An unknown language plurals as English. */
int i18n_plural_index(const char *lang, unsigned long n);

/* How many forms `lang` has, and the Plural-Forms header it expects,
** like "nplurals=2; plural=(n != 1);". */
int i18n_nplurals(const char *lang);
const char *i18n_plural_forms(const char *lang);

/* 1 if lang is written right to left (Arabic, Hebrew, Persian, Urdu). */
int i18n_is_rtl(const char *lang);

#endif
