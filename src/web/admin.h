/*
** admin.h: what the desk's pages (admin_*.c) share: the admin layout's
** context, the rules of who may edit what, and the notices shown after a
** POST redirects back.
*/
#ifndef BYLINE_WEB_ADMIN_H
#define BYLINE_WEB_ADMIN_H

#include "web/web.h"

struct article;
struct tv;

/* The admin layout's context: site, the signed-in user and their role's
** flags (is_author, is_editor, is_admin), the CSRF token, the navigation,
** the count of comments awaiting moderation, and a notice from ?done=. */
struct tv *admin_context(struct page *p, const char *title);

/* "December 7, 2026, 14:03": a time in the site's zone and date format,
** for people (revisions, autosaves).  Allocated in p->a. */
const char *admin_time(struct page *p, long long t);

/* Why a desk field's text was refused (text_check()'s verdict, not
** TEXT_OK): "{label} is too long: ...", in the desk's language, the label
** already translated by the caller.  Allocated in p->a. */
const char *admin_text_message(struct page *p, int verdict, const char *label, size_t max,
                               size_t chars);

/* Renders an admin template (never cached: admin pages are private). */
void admin_render(struct page *p, int status, const char *name, struct tv *ctx);

/* The desk's 403 page, in its layout: why, what was sent (a POST's text
** fields), and a way back (the page it came from, else the dashboard).
** site_forbidden() calls it for signed-in staff. */
void admin_forbidden(struct page *p, const char *why);

/* The same page for another refusal of a desk form (status, a heading
** title, the sentence why): a 4xx the desk's user reads in the desk. */
void admin_refusal(struct page *p, int status, const char *title, const char *why);

/* 303 to path with ?done=notice (a key of admin.c's notice table). */
void admin_done(struct page *p, const char *path, const char *notice);

/* May the signed-in user edit this article?  Editors: any.  Authors: their
** own.  Contributors: their own while it is a draft or pending review. */
int admin_can_edit(struct page *p, const struct article *art);

/* May they publish or schedule it? Editors any; authors their own. */
int admin_can_publish(struct page *p, const struct article *art);

/* May they unpublish it (published or scheduled, theirs to publish)? */
int admin_can_unpublish(struct page *p, const struct article *art);

/* May they take it out of the trash?  It comes back with the status it
** had, so: editors any; authors their own; contributors none. */
int admin_can_restore(struct page *p, const struct article *art);

/* Whose articles' comments the signed-in user moderates: 0 for all
** (editors, administrators), else their own id (authors), as
** comment_can_moderate() rules. */
long long admin_comment_scope(struct page *p);

/* The route's id hole number i, or 0. */
long long admin_param_id(struct page *p, int i);

/* The Profile screen's application passwords (admin_app_passwords.c): the
** block's context (`app_passwords`), and its add and revoke forms. */
struct tv;
void admin_app_passwords_context(struct page *p, struct tv *ctx);
void admin_app_password_add(struct page *p);
void admin_app_password_revoke(struct page *p);

/* A form field as sent, untrimmed (a Markdown body's first indent is
** code), checked as http_form_text() checks (text_check(): UTF-8, at most
** max characters): "" if absent; on a fault *err gets the sentence and an
** invalid value gives "".  For the article and page editors alike. */
const char *admin_field(struct page *p, const char *name, size_t max, const char **err);

/* Appends to list, if old and new_ differ, a block {label, lines} for the
** revision view: a line diff of the two texts, and within each run of
** changed lines the k-th deleted line paired with the k-th added one and
** their changed words marked (admin_diff.c). */
void admin_diff_add(struct page *p, struct tv *list, const char *label, const char *old,
                    const char *new_);

/* A row of a revisions list (admin_revisions.mustache) of the thing whose
** editor is at base ("/admin/pages/3/"): {id, who, when, when_iso,
** headline, status, url, is_current}. */
struct tv *admin_revision_row(struct page *p, const char *base, long long id, const char *who,
                              long long when, const char *title, const char *status,
                              int is_current);

/* The context of one revision's view (admin_revision.mustache) of the
** thing whose editor is at base: {headline, who, when, when_iso, action,
** list_url}; the caller adds blocks (admin_diff_add()), same and image. */
struct tv *admin_revision_context(struct page *p, const char *base, long long id,
                                  const char *who, long long when, const char *title);

/* The editor's co-authors field (admin_notes.c) into the form context f:
** one choice of staff per co-author of article_id, and one empty. */
void admin_byline_context(struct page *p, struct tv *f, long long article_id,
                          long long owner_id);

/* Saves the co-authors the article form sent (coauthor_1 ...), if it sent
** the field at all.  0, or -1 with a sentence in err. */
int admin_byline_save(struct page *p, long long article_id, char *err, size_t errlen);

/* The corrections and updates block into f, for a published art: its
** notes, and the form to add one holding kind, text and error (NULL for
** a fresh form). */
void admin_notes_context(struct page *p, struct tv *f, const struct article *art,
                         const char *kind, const char *text, const char *error);

/* The editor for art, with the notes form refused: kind and text as typed,
** error above them (admin_articles.c). */
void admin_article_show_note_error(struct page *p, int status, const struct article *art,
                                   const char *kind, const char *text, const char *error);

#endif
