/*
** admin_findings.c: the copy desk in the editor: the findings panel beside
** the article (templates/admin_findings.mustache) and "Add to dictionary".
**
** Findings come from the last save's check (stored per article) or, after
** the editor's Check button, from the text as typed, not yet saved.  Each
** shows the words it points at in their context, so a reporter sees the
** slip without hunting for it.  They warn: nothing here blocks a save or a
** publication.  Adding a word to the site's dictionary is an editor's
** decision (NEED_EDITOR on the route); the article is checked again at
** once so its marks in the articles list follow.
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/text.h"
#include "core/utf8.h"
#include "db/db.h"
#include "model/article.h"
#include "model/copydesk_site.h"
#include "render/i18n.h"
#include "render/value.h"

#include <string.h>
#include <time.h>

#define SNIPPET 48 /* bytes of context on each side of the words */

static const struct {
	const char *kind;  /* copydesk_kinds[] */
	const char *label; /* shown, through tr() */
} kind_labels[] = {
	{"spelling", N_("Spelling")},              {"repeated-word", N_("Repeated word")},
	{"repeated-phrase", N_("Repeated phrase")}, {"quotes", N_("Quotation marks")},
	{"brackets", N_("Brackets")},              {"glued-date", N_("Date")},
	{"weekday", N_("Date")},                   {"future-date", N_("Date")},
	{"headline-length", N_("Headline")},       {"standfirst", N_("Standfirst")},
	{"photo", N_("Photo")},                    {"link-404", N_("Broken link")},
	{"link-http", N_("Insecure link")},        {"link-staging", N_("Staging link")},
};

static const char *kind_label(struct page *p, const char *kind)
{
	for (size_t i = 0; i < sizeof kind_labels / sizeof *kind_labels; i++)
		if (!strcmp(kind, kind_labels[i].kind))
			return tr(p, kind_labels[i].label);
	return kind;
}

static const char *field_label(const char *field)
{
	return !strcmp(field, "headline") ? "headline" : !strcmp(field, "dek") ? "standfirst"
	     : !strcmp(field, "body") ? "body" : "featured image";
}

/* Moves i back (dir -1) or forward (1) to the start of a UTF-8 character. */
static size_t char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* The context around f in text: before, words and after, each one line;
** 0 if the text no longer holds the words at the offset (edited since). */
static int snippet(struct arena *a, struct tv *out, const char *text, const struct finding *f)
{
	size_t n = strlen(text);
	if (!f->length || f->offset + f->length > n ||
	    memcmp(text + f->offset, f->words, f->length))
		return 0;
	size_t s = f->offset > SNIPPET ? char_start(text, f->offset - SNIPPET) : 0;
	size_t e = f->offset + f->length + SNIPPET < n
	               ? char_start(text, f->offset + f->length + SNIPPET) : n;
	/* Start and end at a word boundary when there is one near. */
	if (s > 0) {
		size_t k = s;
		while (k < f->offset && text[k] != ' ' && text[k] != '\n')
			k++;
		if (k < f->offset)
			s = k + 1;
	}
	if (e < n) {
		size_t k = e;
		while (k > f->offset + f->length && text[k] != ' ' && text[k] != '\n')
			k--;
		if (k > f->offset + f->length)
			e = k;
	}
	char *before = arena_printf(a, "%s%.*s", s > 0 ? "…" : "", (int)(f->offset - s), text + s);
	char *after = arena_printf(a, "%.*s%s", (int)(e - f->offset - f->length),
	                           text + f->offset + f->length, e < n ? "…" : "");
	for (char *c = before; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	for (char *c = after; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	tv_set_str(a, out, "before", before);
	tv_set_str(a, out, "after", after);
	return 1;
}

void admin_findings_context(struct page *p, struct tv *form, const struct finding *f, size_t n,
                            const char *headline, const char *dek, const char *body,
                            int checked_now)
{
	struct arena *a = p->a;
	struct tv *list = tv_list(a);
	int can_add = p->user->role >= ROLE_EDITOR;
	for (size_t i = 0; i < n; i++) {
		struct tv *o = tv_map(a);
		tv_set_str(a, o, "kind", f[i].kind);
		tv_set_str(a, o, "kind_label", kind_label(p, f[i].kind));
		/* "Standfirst in the standfirst" says it twice: a finding about a
		** whole field is named by its kind alone. */
		int whole = !strcmp(f[i].kind, "standfirst") || !strcmp(f[i].kind, "headline-length");
		tv_set_str(a, o, "field_label", whole ? "" : field_label(f[i].field));
		tv_set_str(a, o, "words", f[i].words);
		tv_set_str(a, o, "message", f[i].message);
		const char *text = !strcmp(f[i].field, "headline") ? headline
		                 : !strcmp(f[i].field, "dek") ? dek
		                 : !strcmp(f[i].field, "body") ? body : NULL;
		struct tv *sn = tv_map(a);
		if (text && snippet(a, sn, text, &f[i]))
			tv_set(a, o, "snippet", sn);
		else
			tv_set_bool(a, o, "snippet", 0);
		int addable = can_add && !strcmp(f[i].kind, "spelling") &&
		              utf8_count(f[i].words, strlen(f[i].words)) <= COPYDESK_WORD_MAX;
		tv_set_bool(a, o, "can_add", addable);
		tv_push(a, list, o);
	}
	tv_set(a, form, "findings", list);
	tv_set_bool(a, form, "has_findings", n > 0);
	tv_set_int(a, form, "n_findings", (long long)n);
	tv_set_str(a, form, "findings_text",
	           trn(p, "One thing to look at before publishing",
	               "%lld things to look at before publishing", (long long)n));
	tv_set_bool(a, form, "checked_now", checked_now);
	tv_set_bool(a, form, "can_add_words", can_add);
}

/* POST /admin/dictionary/: word=...&article=ID (the article to check again
** and return to). */
void admin_dictionary_add(struct page *p)
{
	const char *word = "";
	enum text_verdict v = http_form_text(p->req, "word", COPYDESK_WORD_MAX, &word, NULL);
	const char *why = v == TEXT_OK ? NULL
	                : trn(p, "A word added to the dictionary has at most %lld character.",
	                      "A word added to the dictionary has at most %lld characters.",
	                      COPYDESK_WORD_MAX);
	long long id = 0;
	const char *art = http_form(p->req, "article", NULL);
	if (art && text_int(art, 1, (long long)1 << 53, &id) != 0)
		id = 0;
	char err[200];
	if (why || !*word) {
		site_error(p, 400, tr(p, "That word was not added"),
		           why ? why : tr(p, "Choose a word from the copy desk's findings to add."));
		return;
	}
	if (copydesk_word_add(p->db, word, p->user->id, err, sizeof err) != 0) {
		site_error(p, 400, tr(p, "That word was not added"), arena_strdup(p->a, err));
		return;
	}
	if (id)
		copydesk_recheck(p->db, &p->app->settings, id, (long long)time(NULL));
	admin_done(p, id ? arena_printf(p->a, "/admin/articles/%lld/", id) : "/admin/articles/",
	           "word-added");
}
