/*
** fuzz_po.c: the .po catalogue parser and lookups (src/render/i18n.c).
**
** Input: a language byte (0 "de", 1 "ar", else "en"), then a .po file.
**
** Checks: catalog_parse returns a catalogue, or NULL with a message that
** names a line; a catalogue's every entry is found again by its own msgid
** (and context), its translation is what catalog_get/catalog_getn return,
** a plural entry has exactly the language's number of forms and answers
** for every count with one of them; no string is longer than the input;
** and the plural rules give a form below nplurals for any count.
*/
#include "fuzz.h"
#include "render/i18n.h"

#include <string.h>

struct walk {
	const struct catalog *c; /* being walked */
	const char *lang;        /* its language */
	size_t max;              /* input length: no string may be longer */
	size_t n;                /* entries seen */
};

static void visit(void *data, const char *ctx, const char *msgid, const char *plural,
                  const char *const *forms, int n_forms)
{
	struct walk *w = data;
	w->n++;
	FUZZ_ASSERT(msgid && strlen(msgid) <= w->max, "msgid longer than the input");
	FUZZ_ASSERT(n_forms >= 1 && n_forms <= I18N_MAX_FORMS, "%d forms", n_forms);
	for (int i = 0; i < n_forms; i++)
		FUZZ_ASSERT(forms[i] && *forms[i] && strlen(forms[i]) <= w->max, "form %d", i);
	if (!plural) {
		FUZZ_ASSERT(n_forms == 1, "%d forms of a singular", n_forms);
		FUZZ_ASSERT(catalog_get(w->c, ctx, msgid) == forms[0], "'%s' not found again", msgid);
		return;
	}
	FUZZ_ASSERT(n_forms == i18n_nplurals(w->lang), "%d forms for %s", n_forms, w->lang);
	if (ctx)
		return; /* catalog_getn looks up without a context */
	static const unsigned long counts[] = {0, 1, 2, 3, 11, 100, 101, 111, 1000000};
	for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
		const char *t = catalog_getn(w->c, msgid, plural, counts[k]);
		FUZZ_ASSERT(t == forms[i18n_plural_index(w->lang, counts[k])], "count %lu", counts[k]);
	}
}

FUZZ_TARGET(po)
{
	if (size < 1)
		return 0;
	const char *lang = data[0] == 0 ? "de" : data[0] == 1 ? "ar" : "en";
	const char *src = (const char *)data + 1;
	size_t len = size - 1;
	char err[200];
	struct catalog *c = catalog_parse(src, len, lang, err, sizeof err);
	if (!c) {
		FUZZ_ASSERT(strncmp(err, "line ", 5) == 0, "message '%s'", err);
	} else {
		struct walk w = {c, lang, len, 0};
		catalog_each(c, visit, &w);
		FUZZ_ASSERT(w.n == catalog_count(c), "%zu entries walked", w.n);
		FUZZ_ASSERT(!strcmp(catalog_lang(c), lang), "language");
		catalog_free(c);
	}
	for (unsigned long n = 0; n < 300; n += 7)
		FUZZ_ASSERT(i18n_plural_index(lang, n) < i18n_nplurals(lang), "count %lu", n);
	return 0;
}
