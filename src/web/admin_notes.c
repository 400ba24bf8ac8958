/*
** admin_notes.c: the editor's two blocks for issue 14's bylines and
** corrections: the co-authors field (templates/admin_byline.mustache,
** inside the article form) and the corrections and updates of a published
** article (templates/admin_notes.mustache, its own forms after it).
**
** Who may do what, WordPress's roles: the first author is the article's
** owner (articles.author_id), whose rights decide who may edit it; only
** editors and administrators change the owner (the editor's Author field).
** Whoever may edit an article (admin_can_edit(): editors any, authors
** their own, contributors their own drafts) may name its co-authors, who
** gain a byline, not the right to edit.  A note goes on a published article
** only, added by whoever may edit it (editors, and authors on their own:
** contributors cannot edit published articles); a note is deleted only by
** an editor or administrator, since a correction is a public record.
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/text.h"
#include "model/account.h"
#include "model/article.h"
#include "model/byline.h"
#include "model/note.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void admin_byline_context(struct page *p, struct tv *f, long long article_id,
                          long long owner_id)
{
	struct arena *a = p->a;
	size_t n_by = 0;
	struct byline_author *by = article_id ? byline_list(p->db, a, article_id, &n_by) : NULL;
	size_t na;
	struct account *people = account_list(p->db, a, &na);
	/* One choice per co-author, and one empty to add another. */
	size_t shown = n_by > 1 ? n_by - 1 + 1 : 1;
	if (shown > BYLINE_MAX_AUTHORS - 1)
		shown = BYLINE_MAX_AUTHORS - 1;
	struct tv *fields = tv_list(a);
	for (size_t k = 0; k < shown; k++) {
		long long chosen = k + 1 < n_by ? by[k + 1].user_id : 0;
		struct tv *fld = tv_map(a);
		tv_set_str(a, fld, "name", arena_printf(a, "coauthor_%zu", k + 1));
		tv_set_int(a, fld, "number", (long long)k + 1);
		struct tv *opts = tv_list(a);
		for (size_t i = 0; i < na; i++) {
			if (people[i].id == owner_id)
				continue;
			struct tv *o = tv_map(a);
			tv_set_int(a, o, "value", people[i].id);
			tv_set_str(a, o, "label", people[i].name);
			tv_set_bool(a, o, "selected", people[i].id == chosen);
			tv_push(a, opts, o);
		}
		tv_set(a, fld, "options", opts);
		tv_push(a, fields, fld);
	}
	tv_set(a, f, "coauthors", fields);
}

int admin_byline_save(struct page *p, long long article_id, char *err, size_t errlen)
{
	if (!http_form(p->req, "coauthors_sent", NULL))
		return 0; /* a form without the field (older desk pages) keeps them */
	long long ids[BYLINE_MAX_AUTHORS];
	size_t n = 0;
	for (int k = 1; k < BYLINE_MAX_AUTHORS; k++) {
		char name[32];
		snprintf(name, sizeof name, "coauthor_%d", k);
		const char *v = http_form(p->req, name, NULL);
		long long id;
		if (v && *v && text_int(v, 1, (long long)1 << 53, &id) == 0)
			ids[n++] = id;
	}
	return byline_set(p->db, article_id, ids, n, err, errlen);
}

void admin_notes_context(struct page *p, struct tv *f, const struct article *art,
                         const char *kind, const char *text, const char *error)
{
	struct arena *a = p->a;
	if (!art || !art->id || art->status != ARTICLE_PUBLISHED) {
		tv_set_bool(a, f, "notes_block", 0);
		return;
	}
	struct tv *nb = tv_map(a);
	tv_set_str(a, nb, "action", arena_printf(a, "/admin/articles/%lld/notes", art->id));
	tv_set_str(a, nb, "text", text ? text : "");
	tv_set_int(a, nb, "max", NOTE_MAX_CHARS);
	tv_set_bool(a, nb, "is_update", kind && !strcmp(kind, "update"));
	if (error)
		tv_set_str(a, nb, "error", error);
	else
		tv_set_bool(a, nb, "error", 0);
	size_t n;
	struct note *notes = note_list(p->db, a, art->id, &n);
	struct tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *it = tv_map(a);
		tv_set_str(a, it, "label", notes[i].kind == NOTE_CORRECTION ? tr(p, "Correction")
		                                                              : tr(p, "Update"));
		tv_set_str(a, it, "date_long", site_date(p, (time_t)notes[i].created_at));
		tv_set_str(a, it, "date_iso", text_date_iso(a, (time_t)notes[i].created_at));
		tv_set_str(a, it, "text", notes[i].body_src);
		if (p->user->role >= ROLE_EDITOR)
			tv_set_str(a, it, "delete", arena_printf(a, "/admin/articles/%lld/notes/%lld/delete",
			                                         art->id, notes[i].id));
		else
			tv_set_bool(a, it, "delete", 0);
		tv_push(a, list, it);
	}
	tv_set(a, nb, "notes", list);
	tv_set_bool(a, nb, "has_notes", n > 0);
	tv_set(a, f, "notes_block", nb);
}

/* The article of the route, if this user may add notes to it; else answers
** (404, or 403 with the reason).  One that is not published is refused by
** note_add(), with the form. */
static int load_noteable(struct page *p, struct article *art)
{
	long long id = admin_param_id(p, 0);
	if (!id || article_by_id(p->db, p->a, id, art) != 0) {
		site_not_found(p);
		return -1;
	}
	if (!admin_can_edit(p, art)) {
		site_forbidden(p, tr(p, "Only an editor, or the article's own author, can add a "
		                        "correction or an update to it."));
		return -1;
	}
	return 0;
}

void admin_note_add(struct page *p)
{
	struct article art;
	if (load_noteable(p, &art) != 0)
		return;
	const char *kind = http_form(p->req, "kind", NULL);
	const char *text = "";
	size_t chars = 0;
	enum text_verdict v = http_form_text(p->req, "text", NOTE_MAX_CHARS, &text, &chars);
	const char *error = NULL;
	if (v != TEXT_OK)
		error = admin_text_message(p, v, tr(p, "The note"), NOTE_MAX_CHARS, chars);
	char err[300];
	if (!error && note_add(p->db, art.id, note_kind_parse(kind), text, p->user->id,
	                       (long long)time(NULL), err, sizeof err) < 0)
		error = arena_strdup(p->a, err);
	if (error) {
		admin_article_show_note_error(p, 422, &art, kind, text, error);
		return;
	}
	admin_done(p, arena_printf(p->a, "/admin/articles/%lld/", art.id), "note_added");
}

void admin_note_refuse(struct page *p, int status, const char *why)
{
	struct article art;
	long long id = admin_param_id(p, 0);
	if (!p->user || !id || article_by_id(p->db, p->a, id, &art) != 0 ||
	    !admin_can_edit(p, &art)) {
		site_forbidden(p, why);
		return;
	}
	const char *text = "";
	http_form_text(p->req, "text", NOTE_MAX_CHARS, &text, NULL);
	admin_article_show_note_error(p, status, &art, http_form(p->req, "kind", NULL), text, why);
}

void admin_note_delete(struct page *p)
{
	long long article_id = admin_param_id(p, 0), id = admin_param_id(p, 1);
	int rc = article_id && id ? note_delete(p->db, article_id, id) : 1;
	if (rc == 1) {
		site_not_found(p);
		return;
	}
	if (rc < 0) {
		site_error(p, 503, tr(p, "Busy"), tr(p, "The note could not be deleted; please try again."));
		return;
	}
	admin_done(p, arena_printf(p->a, "/admin/articles/%lld/", article_id), "note_deleted");
}
