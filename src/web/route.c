/*
** route.c: every URL the site answers, in one table, and the dispatcher.
**
** Read the table top to bottom: the first route whose method and pattern
** match handles the request.  A pattern is literal text with typed holes:
**   {n}     a page number (1-99999, no leading zero)
**   {id}    a row id (1 to 16 digits, no leading zero)
**   {yyyy}  four digits   {mm} {dd}  two digits
**   {slug}  [a-z0-9-]+, or a slug in any script (percent-encoded UTF-8 as
**           browsers send it, or raw): captured decoded ("café"), and only
**           if text_is_slug_utf8() accepts it
**   {file}  [A-Za-z0-9._-]+ without ".."
**   {rest}  a REST API route: [A-Za-z0-9/._-]{1,200} without ".." (api.c
**           answers what it does not know in JSON)
** The holes' text lands in req->params in order.  `needs` says what the
** dispatcher checks before the handler runs; a handler never re-checks it.
*/
#include "web/cdn.h"
#include "web/metrics.h"
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/text.h"
#include "model/account.h"
#include "web/admin.h"
#include "web/api.h"
#include "web/forms.h"
#include "web/pagecache.h"
#include "web/webmention.h"
#include "web/embed.h"
#include "db/db.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define KB 1024
#define MB (1024 * 1024)

struct route {
	const char *method;     /* "GET" (also answers HEAD), "POST"; the API also
	                        ** PUT, PATCH, DELETE, OPTIONS */
	const char *pattern;    /* see above */
	void (*handler)(struct page *p);
	unsigned needs;         /* NEED_* (web.h) checked by the dispatcher */
	size_t body_limit;      /* largest request body accepted: a form's from its
	                        ** fields' limits (forms.h); BODY_UPLOAD: setting;
	                        ** BODY_IMPORT: setting, received into a file */
	/* Answers a request refused by `needs`; NULL for a plain error page.  A
	** form's refuser shows the form again with what was typed. */
	void (*refuse)(struct page *p, int status, const char *why);
};

#define BODY_UPLOAD ((size_t)-1)
#define BODY_IMPORT ((size_t)-2) /* the import_max_mb setting; spooled to disk */
#define BODY_API ((size_t)-3)    /* api_body_limit(): from the method, path and credentials */
#define C NEED_CONTRIBUTOR
#define A NEED_AUTHOR
#define E NEED_EDITOR
#define ADM NEED_ADMIN
#define CSRF NEED_CSRF

static const struct route routes[] = {
	/* The public site. */
	{"GET",  "/",                         page_home_show,    PAGE_CACHED, 0, NULL},
	{"GET",  "/page/{n}/",                page_home_show,    PAGE_CACHED, 0, NULL},
	{"GET",  "/{yyyy}/{mm}/{dd}/{slug}/", page_article_show, PAGE_CACHED, 0, NULL},
	{"GET",  "/{yyyy}/{mm}/{dd}/{slug}/comment-page-{n}/", page_article_show, PAGE_CACHED, 0, NULL},
	{"POST", "/{yyyy}/{mm}/{dd}/{slug}/", comment_form_post, NEED_SAME_ORIGIN,
	                                      FORM_BODY_LIMIT(COMMENT_FORM),
	                                      comment_form_refuse},
	/* A static page's comment form (its path is any path no route takes). */
	{"POST", "/comments/page/{id}/",      comment_form_page_post, NEED_SAME_ORIGIN,
	                                      FORM_BODY_LIMIT(COMMENT_FORM),
	                                      comment_form_page_refuse},
	/* Embeds' players, loaded when a reader asks (web/embed.h). */
	{"GET",  "/embed/{slug}/",            page_embed,        0, 0, NULL},
	/* oEmbed provider (page_oembed.c). */
	{"GET",  "/wp-json/oembed/1.0/embed", page_oembed,       0, 0, NULL},
	/* Webmention (web/webmention.h): anyone may send one, from anywhere. */
	{"POST", "/webmention",               webmention_receive, 0, 8 * KB, NULL},
	{"GET",  "/author/{slug}/",           page_author_show,  PAGE_CACHED, 0, NULL},
	{"GET",  "/author/{slug}/page/{n}/",  page_author_show,  PAGE_CACHED, 0, NULL},
	{"GET",  "/robots.txt",               page_robots,       0, 0, NULL},
	{"GET",  "/healthz",                  page_health,       0, 0, NULL},
	{"GET",  "/static/{file}",            page_static,       0, 0, NULL},
	{"GET",  "/media/{file}",             page_media,        0, 0, NULL},
	{"GET",  "/corrections/",             page_corrections_show, PAGE_CACHED, 0, NULL},
	{"GET",  "/corrections/page/{n}/",    page_corrections_show, PAGE_CACHED, 0, NULL},
	{"GET",  "/favicon.ico",              page_favicon,      0, 0, NULL},
	{"GET",  "/icon-{n}.png",             page_icon,         0, 0, NULL},
	{"GET",  "/site.webmanifest",         page_manifest,     0, 0, NULL},
	{"GET",  "/identity.css",             page_identity_css, 0, 0, NULL},
	{"GET",  "/search/",                  page_search,       0, 0, NULL},
	{"GET",  "/search/page/{n}/",         page_search,       0, 0, NULL},

	/* Feeds (RSS 2.0 at feed/, Atom at feed/atom/, JSON Feed at feed/json/). */
	{"GET",  "/feed/{fmt}",                           page_feed_site,     PAGE_CACHED, 0, NULL},
	{"GET",  "/category/{slug}/feed/{fmt}",           page_feed_section,  PAGE_CACHED, 0, NULL},
	{"GET",  "/tag/{slug}/feed/{fmt}",                page_feed_tag,      PAGE_CACHED, 0, NULL},
	{"GET",  "/author/{slug}/feed/{fmt}",             page_feed_author,   PAGE_CACHED, 0, NULL},
	{"GET",  "/comments/feed/{fmt}",                  page_feed_comments, PAGE_CACHED, 0, NULL},
	{"GET",  "/corrections/feed/{fmt}",               page_feed_corrections, PAGE_CACHED, 0, NULL},
	{"GET",  "/{yyyy}/{mm}/{dd}/{slug}/feed/{fmt}",   page_feed_article_comments, PAGE_CACHED, 0, NULL},

	/* Archives: sections (WordPress's /category/), tags, dates. */
	{"GET",  "/category/{slug}/",                     page_archive_section, PAGE_CACHED, 0, NULL},
	{"GET",  "/category/{slug}/page/{n}/",            page_archive_section, PAGE_CACHED, 0, NULL},
	{"GET",  "/category/{slug}/{slug}/",              page_archive_section, PAGE_CACHED, 0, NULL},
	{"GET",  "/category/{slug}/{slug}/page/{n}/",     page_archive_section, PAGE_CACHED, 0, NULL},
	{"GET",  "/tag/{slug}/",                          page_archive_tag,     PAGE_CACHED, 0, NULL},
	{"GET",  "/tag/{slug}/page/{n}/",                 page_archive_tag,     PAGE_CACHED, 0, NULL},
	{"GET",  "/{yyyy}/",                              page_archive_date,    PAGE_CACHED, 0, NULL},
	{"GET",  "/{yyyy}/page/{n}/",                     page_archive_date,    PAGE_CACHED, 0, NULL},
	{"GET",  "/{yyyy}/{mm}/",                         page_archive_date,    PAGE_CACHED, 0, NULL},
	{"GET",  "/{yyyy}/{mm}/page/{n}/",                page_archive_date,    PAGE_CACHED, 0, NULL},
	{"GET",  "/{yyyy}/{mm}/{dd}/",                    page_archive_date,    PAGE_CACHED, 0, NULL},
	{"GET",  "/{yyyy}/{mm}/{dd}/page/{n}/",           page_archive_date,    PAGE_CACHED, 0, NULL},

	/* Sitemaps. */
	{"GET",  "/sitemap.xml",                          page_sitemap_index,    PAGE_CACHED, 0, NULL},
	{"GET",  "/sitemap-articles-{n}.xml",             page_sitemap_articles, PAGE_CACHED, 0, NULL},
	{"GET",  "/sitemap-sections.xml",                 page_sitemap_sections, PAGE_CACHED, 0, NULL},
	{"GET",  "/sitemap-tags.xml",                     page_sitemap_tags,     PAGE_CACHED, 0, NULL},
	{"GET",  "/sitemap-authors.xml",                  page_sitemap_authors,  PAGE_CACHED, 0, NULL},
	{"GET",  "/sitemap-news.xml",                     page_sitemap_news,     PAGE_CACHED, 0, NULL},
	{"GET",  "/sitemap-pages.xml",                    page_sitemap_pages,    PAGE_CACHED, 0, NULL},

	/* The WordPress REST API (api.c): its own routes and errors below
	** /wp-json/; anonymous GETs from the page cache.  No CSRF: it reads no
	** cookie, only Basic credentials (api.h). */
	{"GET",     "/wp-json/",             api_serve, PAGE_CACHED, 0, NULL},
	{"GET",     "/wp-json/{rest}",       api_serve, PAGE_CACHED, 0, NULL},
	{"POST",    "/wp-json/{rest}",       api_serve, 0, BODY_API, NULL},
	{"PUT",     "/wp-json/{rest}",       api_serve, 0, BODY_API, NULL},
	{"PATCH",   "/wp-json/{rest}",       api_serve, 0, BODY_API, NULL},
	{"DELETE",  "/wp-json/{rest}",       api_serve, 0, BODY_API, NULL},
	{"OPTIONS", "/wp-json/",             api_serve, 0, 0, NULL},
	{"OPTIONS", "/wp-json/{rest}",       api_serve, 0, 0, NULL},

	/* Signing in. */
	{"GET",  "/admin/login",              admin_login_show,    0, 0, NULL},
	{"POST", "/admin/login",              admin_login_post,    NEED_ORIGIN,
	                                      LOGIN_BODY_LIMIT,
	                                      admin_login_refuse},
	{"POST", "/admin/logout",             admin_logout_post,   C | CSRF, 8 * KB, NULL},
	{"GET",  "/admin/password",           admin_password_show, 0, 0, NULL},
	{"POST", "/admin/password",           admin_password_post, NEED_ORIGIN,
	                                      FORM_BODY_LIMIT(PASSWORD_FORM), admin_password_refuse},
	{"GET",  "/admin/forgot",             admin_forgot_show,   0, 0, NULL},
	{"POST", "/admin/forgot",             admin_forgot_post,   NEED_ORIGIN,
	                                      FORM_BODY_LIMIT(FORGOT_FORM), admin_forgot_refuse},

	/* The desk. */
	{"GET",  "/admin/",                   admin_dashboard,       C, 0, NULL},
	{"GET",  "/admin/articles/",          admin_articles_list,   C, 0, NULL},
	{"GET",  "/admin/articles/new",       admin_article_new,     C, 0, NULL},
	{"POST", "/admin/articles/new",       admin_article_save,    C | CSRF, BODY_UPLOAD,
	                                      admin_article_refuse},
	{"GET",  "/admin/articles/{id}/",     admin_article_edit,    C, 0, NULL},
	{"POST", "/admin/articles/{id}/",     admin_article_save,    C | CSRF, BODY_UPLOAD,
	                                      admin_article_refuse},
	{"GET",  "/admin/articles/{id}/preview",          admin_article_preview, C, 0, NULL},
	{"POST", "/admin/articles/{id}/notes",            admin_note_add,        A | CSRF,
	                                                  FORM_BODY_LIMIT(NOTE_FORM), admin_note_refuse},
	{"POST", "/admin/articles/{id}/notes/{id}/delete", admin_note_delete,    E | CSRF, 8 * KB,
	                                                  NULL},
	{"POST", "/admin/articles/{id}/trash",            admin_article_trash,     C | CSRF, 8 * KB, NULL},
	{"POST", "/admin/articles/{id}/restore",          admin_article_restore,   C | CSRF, 8 * KB, NULL},
	{"POST", "/admin/articles/{id}/unpublish",        admin_article_unpublish, C | CSRF, 8 * KB, NULL},
	{"POST", "/admin/articles/{id}/delete",           admin_article_delete,    ADM | CSRF, 8 * KB, NULL},
	{"POST", "/admin/articles/preview",   admin_article_live_preview, C | CSRF,
	                                      FORM_BODY_LIMIT(EDITOR_LIVE_FORM), NULL},
	{"POST", "/admin/autosave",           admin_autosave_post,   C | CSRF,
	                                      FORM_BODY_LIMIT(EDITOR_LIVE_FORM), NULL},
	{"POST", "/admin/autosave/dismiss",   admin_autosave_dismiss, C | CSRF, 8 * KB, NULL},
	{"GET",  "/admin/csrf",               admin_csrf_token,      C, 0, NULL},
	{"GET",  "/admin/articles/{id}/revisions/",       admin_revisions_list,  C, 0, NULL},
	{"GET",  "/admin/articles/{id}/revisions/{id}/",  admin_revision_show,   C, 0, NULL},
	{"POST", "/admin/articles/{id}/revisions/{id}/",  admin_revision_restore, C | CSRF, 8 * KB,
	                                                  NULL},

	/* The copy desk: editors add words to the site's dictionary. */
	{"POST", "/admin/dictionary/",        admin_dictionary_add,  E | CSRF,
	                                      FORM_BODY_LIMIT(DICTIONARY_FORM), NULL},

	/* Static pages (WordPress's Pages): editors and administrators. */
	{"GET",  "/admin/pages/",             admin_pages_list,      E, 0, NULL},
	{"GET",  "/admin/pages/new",          admin_page_new,        E, 0, NULL},
	{"POST", "/admin/pages/new",          admin_page_save,       E | CSRF, FORM_BODY_LIMIT(PAGE_FORM),
	                                      admin_page_refuse},
	{"GET",  "/admin/pages/{id}/",        admin_page_edit,       E, 0, NULL},
	{"POST", "/admin/pages/{id}/",        admin_page_save,       E | CSRF, FORM_BODY_LIMIT(PAGE_FORM),
	                                      admin_page_refuse},
	{"POST", "/admin/pages/preview",      admin_page_live_preview, E | CSRF,
	 FORM_BODY_LIMIT(PAGE_FORM), NULL},
	{"GET",  "/admin/pages/{id}/revisions/",      admin_page_revisions,        E, 0, NULL},
	{"GET",  "/admin/pages/{id}/revisions/{id}/", admin_page_revision_show,    E, 0, NULL},
	{"POST", "/admin/pages/{id}/revisions/{id}/", admin_page_revision_restore, E | CSRF, 8 * KB,
	 NULL},
	{"POST", "/admin/pages/{id}/trash",   admin_page_trash,      E | CSRF, 8 * KB, NULL},
	{"POST", "/admin/pages/{id}/restore", admin_page_restore,    E | CSRF, 8 * KB, NULL},
	{"POST", "/admin/pages/{id}/delete",  admin_page_delete,     ADM | CSRF, 8 * KB, NULL},

	/* The front page: lead and top stories (editors and administrators). */
	{"GET",  "/admin/front/",             admin_front_show,      E, 0, NULL},
	{"POST", "/admin/front/",             admin_front_post,      E | CSRF, FORM_BODY_LIMIT(FRONT_FORM),
	                                      NULL},

	/* Moderation. */
	{"GET",  "/admin/sections/",          admin_sections_list,   E, 0, NULL},
	{"POST", "/admin/sections/",          admin_section_save,    E | CSRF, FORM_BODY_LIMIT(SECTION_FORM), NULL},
	{"GET",  "/admin/sections/{id}/",     admin_section_edit,    E, 0, NULL},
	{"POST", "/admin/sections/{id}/",     admin_section_save,    E | CSRF, FORM_BODY_LIMIT(SECTION_FORM), NULL},
	{"POST", "/admin/sections/{id}/delete", admin_section_delete, E | CSRF, FORM_BODY_LIMIT(SECTION_FORM), NULL},
	{"GET",  "/admin/tags/",              admin_tags_list,       E, 0, NULL},
	{"GET",  "/admin/tags/{id}/",         admin_tag_edit,        E, 0, NULL},
	{"POST", "/admin/tags/{id}/",         admin_tag_action,      E | CSRF, FORM_BODY_LIMIT(TAG_FORM), NULL},
	{"GET",  "/admin/menus/",             admin_menus_show,      ADM, 0, NULL},
	{"POST", "/admin/menus/",             admin_menus_action,    ADM | CSRF, FORM_BODY_LIMIT(MENU_FORM), NULL},
	/* Comments: authors and up; which comments each may touch is
	** comment_can_moderate()'s rule, asked by the handlers per comment. */
	{"GET",  "/admin/comments/",          admin_comments_list,   A, 0, NULL},
	{"POST", "/admin/comments/",          admin_comments_bulk,   A | CSRF, 64 * KB, NULL},
	{"GET",  "/admin/comments/webmentions/", admin_webmentions_show, A, 0, NULL},
	{"GET",  "/admin/comments/{id}/",     admin_comment_show,    A, 0, NULL},
	{"POST", "/admin/comments/{id}/",     admin_comment_action,  A | CSRF, DESK_COMMENT_BODY_LIMIT,
	                                      admin_comment_refuse},

	/* Media, people, the site. */
	/* Tools (administrators): a WordPress export in, the site out. */
	{"GET",  "/admin/tools/",             admin_tools_show,        ADM, 0, NULL},
	{"GET",  "/admin/tools/import/",      admin_tools_import_show, ADM, 0, NULL},
	{"POST", "/admin/tools/import/",      admin_tools_import,      ADM | CSRF, BODY_IMPORT, NULL},
	{"GET",  "/admin/tools/export.xml",   admin_tools_export,      ADM, 0, NULL},
	{"GET",  "/admin/tools/webhooks/",    admin_webhooks_show,     ADM, 0, NULL},
	{"POST", "/admin/tools/webhooks/",    admin_webhooks_add,      ADM | CSRF, 16 * KB, NULL},
	{"POST", "/admin/tools/webhooks/{id}/delete", admin_webhooks_delete, ADM | CSRF, 8 * KB, NULL},
	{"POST", "/admin/tools/webhooks/{id}/test", admin_webhooks_test, ADM | CSRF, 8 * KB, NULL},
	{"POST", "/admin/tools/webhooks/{id}/pause", admin_webhooks_pause, ADM | CSRF, 8 * KB, NULL},
	{"POST", "/admin/tools/webhooks/{id}/resume", admin_webhooks_resume, ADM | CSRF, 8 * KB, NULL},
	{"GET",  "/admin/media/",             admin_media_list,      A, 0, NULL},
	{"POST", "/admin/media/",             admin_media_upload,    A | CSRF, BODY_UPLOAD, NULL},
	/* The picker: GET for links and media-picker.js; POST carries the
	** editor's whole form there and back (admin_media.c). */
	{"GET",  "/admin/media/pick",         admin_media_pick_show, C, 0, NULL},
	{"POST", "/admin/media/pick",         admin_media_pick,      C | CSRF, BODY_UPLOAD, NULL},
	{"GET",  "/admin/media/{id}/",        admin_media_show,      A, 0, NULL},
	{"POST", "/admin/media/{id}/",        admin_media_save,      A | CSRF,
	                                      FORM_BODY_LIMIT(MEDIA_FORM), NULL},
	{"POST", "/admin/media/{id}/replace", admin_media_replace,   A | CSRF, BODY_UPLOAD, NULL},
	{"POST", "/admin/media/{id}/delete",  admin_media_delete,    A | CSRF, 8 * KB, NULL},
	{"GET",  "/admin/profile",            admin_profile_show,    C, 0, NULL},
	{"POST", "/admin/profile",            admin_profile_save,    C | CSRF, BODY_UPLOAD,
	                                      admin_profile_refuse},
	{"POST", "/admin/profile/password",   admin_profile_password, C | CSRF,
	                                      FORM_BODY_LIMIT(PROFILE_PASSWORD_FORM), NULL},
	{"POST", "/admin/profile/sessions",   admin_profile_sessions, C | CSRF,
	                                      FORM_BODY_LIMIT(PROFILE_SESSIONS_FORM), NULL},
	{"POST", "/admin/profile/app-passwords", admin_app_password_add, C | CSRF, 8 * KB, NULL},
	{"POST", "/admin/profile/app-passwords/{id}/revoke", admin_app_password_revoke, C | CSRF,
	                                      8 * KB, NULL},
	{"GET",  "/admin/settings",           admin_settings_show,   ADM, 0, NULL},
	{"POST", "/admin/settings",           admin_settings_save,   ADM | CSRF, SETTINGS_BODY_LIMIT,
	                                      admin_settings_refuse},
	{"GET",  "/admin/settings/identity",  admin_settings_identity_show, ADM, 0, NULL},
	{"POST", "/admin/settings/identity",  admin_settings_identity, ADM | CSRF, BODY_UPLOAD, NULL},
	{"GET",  "/admin/users/",             admin_users_list,      ADM, 0, NULL},
	{"POST", "/admin/users/",             admin_users_add,       ADM | CSRF, FORM_BODY_LIMIT(USERS_FORM),
	                                      NULL},
	{"POST", "/admin/users/{id}/",        admin_user_update,     ADM | CSRF, FORM_BODY_LIMIT(USERS_FORM),
	                                      NULL},
	{"GET",  "/admin/users/{id}/delete",  admin_user_delete_show, ADM, 0, NULL},
	{"POST", "/admin/users/{id}/delete",  admin_user_delete,     ADM | CSRF,
	                                      FORM_BODY_LIMIT(USER_DELETE_FORM), NULL},
};

#undef C
#undef A
#undef E
#undef ADM
#undef CSRF

#define N_ROUTES (sizeof routes / sizeof *routes)

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Matches one hole of type `type` (length tlen) at s; returns the length
** matched (0 only for {fmt}'s empty form), or -1. */
static long match_hole(const char *type, size_t tlen, const char *s)
{
	long n = 0;
	if (tlen == 3 && !memcmp(type, "fmt", 3)) {
		/* A feed's format: "" (RSS), "atom/" or "json/". */
		if (!strncmp(s, "atom/", 5) || !strncmp(s, "json/", 5))
			return 5;
		return 0;
	}
	if (tlen == 1 && type[0] == 'n') {
		if (s[0] == '0')
			return -1;
		while (is_digit(s[n]) && n < 5)
			n++;
		return (n == 0 || is_digit(s[n])) ? -1 : n;
	}
	if (tlen == 2 && !memcmp(type, "id", 2)) {
		if (s[0] == '0')
			return -1;
		while (is_digit(s[n]) && n < 16)
			n++;
		return (n == 0 || is_digit(s[n])) ? -1 : n;
	}
	if ((tlen == 4 && !memcmp(type, "yyyy", 4)) || (tlen == 2 && (!memcmp(type, "mm", 2) ||
	                                                             !memcmp(type, "dd", 2)))) {
		while (n < (long)tlen && is_digit(s[n]))
			n++;
		return (n == (long)tlen && !is_digit(s[n])) ? n : -1;
	}
	if (tlen == 4 && !memcmp(type, "slug", 4)) {
		for (;;) {
			if ((s[n] >= 'a' && s[n] <= 'z') || is_digit(s[n]) || s[n] == '-' ||
			    (unsigned char)s[n] >= 0x80)
				n++;
			else if (s[n] == '%' && isxdigit((unsigned char)s[n + 1]) &&
			         isxdigit((unsigned char)s[n + 2]))
				n += 3;
			else
				break;
		}
		return (n > 0 && n <= 600) ? n : -1; /* 200 bytes, each %XX */
	}
	if (tlen == 4 && !memcmp(type, "rest", 4)) {
		while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		       is_digit(s[n]) || s[n] == '-' || s[n] == '_' || s[n] == '.' || s[n] == '/')
			n++;
		if (n == 0 || n > 200 || s[n] || strstr(s, ".."))
			return -1;
		return n;
	}
	if (tlen == 4 && !memcmp(type, "file", 4)) {
		while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		       is_digit(s[n]) || s[n] == '-' || s[n] == '_' || s[n] == '.')
			n++;
		if (n == 0 || strstr(s, "..") != NULL || s[0] == '.')
			return -1;
		return n <= 100 ? n : -1;
	}
	return -1;
}

/* 1 if path matches pattern, capturing holes into req->params. */
static int match(struct http_req *req, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	int n_params = 0;
	const char *params[HTTP_MAX_ROUTE_PARAMS];
	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			long got = match_hole(p + 1, (size_t)(close - p - 1), s);
			if (got < 0 || n_params == HTTP_MAX_ROUTE_PARAMS)
				return 0;
			const char *cap = arena_strndup(req->a, s, (size_t)got);
			if (close - p - 1 == 4 && !memcmp(p + 1, "slug", 4)) {
				if (strspn(cap, "abcdefghijklmnopqrstuvwxyz0123456789-") < (size_t)got)
					cap = text_slug_decode(req->a, cap); /* "caf%C3%A9": "café" */
				else if (got > 200)
					cap = NULL;
				if (!cap)
					return 0;
			}
			params[n_params++] = cap;
			s += got;
			p = close + 1;
		} else {
			if (*p != *s)
				return 0;
			p++, s++;
		}
	}
	if (*s)
		return 0;
	memcpy(req->params, params, sizeof params);
	req->n_params = n_params;
	return 1;
}

/* The POST routes that hear a session which timed out a moment ago
** (auth_lapsed_load(): never one ended on purpose), its role, origin and
** token checked as the route's `needs` say; on every other route signed
** out is signed out.  The editor's save keeps the text as the writer's
** autosave (its body limit then the form's without a file, decided from
** the head); signing out ends the lapsed session too. */
static const struct lapsed_route {
	void (*handler)(struct page *p); /* the route's, in routes[] */
	void (*lapsed)(struct page *p);  /* answers the lapsed session's POST */
	size_t body_limit;               /* its body limit */
} lapsed_routes[] = {
	{admin_article_save, admin_article_lapsed, FORM_BODY_LIMIT(EDITOR_FORM)},
	{admin_logout_post, admin_logout_post, 8 * KB},
};

static const struct lapsed_route *lapsed_of(const struct route *r)
{
	for (size_t i = 0; i < sizeof lapsed_routes / sizeof lapsed_routes[0]; i++)
		if (r->handler == lapsed_routes[i].handler && !strcmp(r->method, "POST"))
			return &lapsed_routes[i];
	return NULL;
}

static const struct route *find(struct http_req *req, const char *path, int *path_known)
{
	const char *method = req->is_head ? "GET" : req->method;
	*path_known = 0;
	for (size_t i = 0; i < N_ROUTES; i++) {
		if (!match(req, routes[i].pattern, path))
			continue;
		*path_known = 1;
		if (!strcmp(routes[i].method, method))
			return &routes[i];
	}
	return NULL;
}

/* The methods path answers, for a 405's Allow header ("GET, HEAD",
** "POST" or "GET, HEAD, POST"). */
static const char *allowed(struct http_req *req, const char *path)
{
	struct http_req probe = *req; /* matching writes captures: not into req */
	int get = 0, post = 0;
	for (size_t i = 0; i < N_ROUTES; i++) {
		if (match(&probe, routes[i].pattern, path)) {
			get |= !strcmp(routes[i].method, "GET");
			post |= !strcmp(routes[i].method, "POST");
		}
	}
	return get && post ? "GET, HEAD, POST" : post ? "POST" : "GET, HEAD";
}

size_t web_body_limit(struct http_req *req, struct http_body_refusal *no, void *app)
{
	struct app *ap = app;
	api_rest_route(req); /* /?rest_route=/wp/v2/...: the API's route */
	struct http_req probe = *req; /* matching writes captures: not into req */
	int known;
	const struct route *r = find(&probe, req->path, &known);
	if (!r) {
		/* Nothing here takes a body: answered without reading one. */
		no->status = known ? 405 : 404;
		no->why = known ? "This address cannot be used that way."
		                : "Not found: nothing is at this address.";
		no->allow = known ? allowed(req, req->path) : NULL;
		return 0;
	}
	size_t limit = r->body_limit;
	if (limit == BODY_API)
		return api_body_limit(ap, req);
	if (limit == BODY_UPLOAD) {
		pthread_rwlock_rdlock(&ap->settings_lock);
		/* Twice the upload limit plus the form's fields: a file somewhat over
		** the limit still reaches the handler, whose answer says by how much. */
		limit = 2 * (size_t)ap->settings.upload_max_bytes + 256 * KB;
		pthread_rwlock_unlock(&ap->settings_lock);
	} else if (limit == BODY_IMPORT) {
		pthread_rwlock_rdlock(&ap->settings_lock);
		size_t mb = (size_t)ap->settings.import_max_mb;
		pthread_rwlock_unlock(&ap->settings_lock);
		/* The file and the form's few fields. */
		limit = mb * MB + 64 * KB;
		req->body_spool = 1;
		no->why = arena_printf(req->a, "This file is too large to import: the limit is %zu "
		                               "MB (the import_max_mb setting, in Settings). Nothing "
		                               "was read or imported.", mb);
	}
	/* A route for staff takes a large body only from a session of the role
	** it needs: anyone else may send a few KB (enough for the dispatcher to
	** give a small form back) and is refused before a larger one is read.
	** If the database cannot say, the route's limit stands (the server's
	** memory budget still holds). */
	enum role need = (enum role)NEED_ROLE_OF(r->needs);
	if (need != ROLE_NONE && limit > WEB_SIGNED_OUT_BODY) {
		int role = auth_head_role(ap, req);
		/* The editor's form from a writer whose session timed out a moment
		** ago (not one ended on purpose): the form's text, not a file. */
		const struct lapsed_route *lr = role == ROLE_NONE ? lapsed_of(r) : NULL;
		if (lr && lr->body_limit > WEB_SIGNED_OUT_BODY &&
		    auth_head_lapsed_role(ap, req) >= (int)need) {
			no->status = 403;
			no->why = "You are not signed in (your session has ended), so this was not read "
			          "and nothing was saved: a file cannot be kept for you. Sign in again "
			          "in another tab, then send it again.";
			return lr->body_limit;
		}
		if (role >= 0 && role < (int)need) {
			no->status = 403;
			no->why = role == ROLE_NONE
			    ? "You are not signed in (your session may have ended), so this was not "
			      "read and nothing was saved. Sign in again in another tab, then send "
			      "it again."
			    : "Your role does not allow this. Ask an editor or an administrator if "
			      "you need it.";
			return WEB_SIGNED_OUT_BODY;
		}
	}
	return limit;
}

/* Same-origin check for state-changing requests: when the browser says
** where the request came from (Origin, else Referer), it must be one of the
** site's own origins (site_origin_is_ours(): never the request's Host).
** Browsers send Origin on every cross-site POST, so a forged form post from
** another site always carries the other site's origin. */
static int same_origin(struct page *p)
{
	const char *origin = http_header(p->req, "Origin");
	const char *from = origin ? origin : http_header(p->req, "Referer");
	if (!from)
		return 1;
	size_t n = site_origin_len(from);
	if (n == 0 || (origin && from[n] != 0))
		return 0;
	return site_origin_is_ours(p->app, from, n);
}

/* 1 if the request carries a cookie that can make its page personal (a
** session, a held comment, saved commenter details): such requests never
** use the shared cache. */
static int personal(struct http_req *req)
{
	if (http_header(req, "Authorization"))
		return 1; /* the API's credentials: its answer may be the user's own */
	const char *c = http_header(req, "Cookie");
	return c && (strstr(c, "byline_session=") || strstr(c, "byline_held=") ||
	             strstr(c, "byline_commenter="));
}

/* The query parameters each cacheable page reads, by handler: a page
** cached under its path alone must not change with anything else in the
** query, or /?x=1, /?x=2, ... would each render and push hot pages out of
** the cache.  A handler not listed reads none.  A cacheable route is shown
** only the parameters listed here (page_query()), so a page can never
** depend on a parameter its cache key lacks. */
static const struct {
	void (*handler)(struct page *p);
	const char *names[32];    /* at most 31, in the key's order; NULL ends */
} query_reads[] = {
	/* WordPress's /?p=ID and /?s=words, and its other old addresses
	** (page_home.c's old_links: the redirects table, then Byline's ids) */
	{page_home_show, {"p", "s", "page_id", "cat", "tag", "attachment_id", "author", NULL}},
	{page_article_show, {"replytocom", NULL}}, /* the form replying to a comment */
	{api_serve, {API_QUERY_NAMES, NULL}},      /* the REST API's parameters (api.h) */
};

/* 1 if query q is already what page_query() would make of it: each
** parameter one of names, once, in names' order, with a value of
** unreserved characters only (percent-encoding it again changes nothing).
** The common query (?per_page=10) is then used as sent: one scan, no copy,
** on the cache's hit path. */
static int query_is_canonical(const char *q, const char *const *names)
{
	size_t next = 0;
	while (*q) {
		size_t klen = strcspn(q, "=&");
		if (q[klen] != '=')
			return 0;
		size_t i = next;
		while (names[i] && (strlen(names[i]) != klen || strncmp(names[i], q, klen)))
			i++;
		if (!names[i])
			return 0;
		next = i + 1;
		for (q += klen + 1; *q && *q != '&'; q++) {
			unsigned char c = (unsigned char)*q;
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			      c == '-' || c == '.' || c == '_' || c == '~'))
				return 0;
		}
		if (*q == '&' && !*++q)
			return 0;
	}
	return 1;
}

/* The query a cacheable route r is shown: the first value of each
** parameter it reads, in query_reads' order, percent-encoded again ("" for
** none).  Allocated in req->a (or req->query itself when already so). */
static const char *page_query(struct http_req *req, const struct route *r)
{
	if (!*req->query)
		return "";
	const char *const *names = NULL;
	for (size_t i = 0; i < sizeof query_reads / sizeof *query_reads; i++)
		if (query_reads[i].handler == r->handler)
			names = query_reads[i].names;
	if (!names)
		return "";
	if (query_is_canonical(req->query, names))
		return req->query;
	struct buf b = BUF_INIT;
	for (size_t i = 0; names[i]; i++) {
		size_t len;
		const char *v = http_query(req, names[i], &len);
		if (!v)
			continue;
		buf_printf(&b, "%s%s=", b.len ? "&" : "", names[i]);
		esc_url_part(&b, v, len);
	}
	const char *q = arena_strdup(req->a, buf_cstr(&b));
	buf_free(&b);
	return q;
}

/* Shows a cacheable route's handler only the query its key holds. */
static void keep_page_query(struct http_req *req, const struct route *r)
{
	const char *q = page_query(req, r);
	if (q == req->query)
		return; /* as sent: what was parsed of it stands */
	req->query = q;
	req->query_parsed = 0;
	req->query_params = NULL;
	req->n_query_params = 0;
}

/* The cache key: the path and the query parameters the page reads. */
static const char *cache_key(struct http_req *req)
{
	return *req->query ? arena_printf(req->a, "%s?%s", req->path, req->query) : req->path;
}

static const char LOGIN_FIRST[] = "sign in first";
static const char NOT_ALLOWED[] = "not allowed";

/* NULL if the request meets `needs`; else LOGIN_FIRST, NOT_ALLOWED or the
** sentence explaining a refused form.  The CSRF ladder, in one place: the
** request is a POST (the table says so), comes from this site, and carries
** the session's token. */
static const char *needs_refusal(struct page *p, unsigned needs)
{
	enum role need = (enum role)NEED_ROLE_OF(needs);
	if (need != ROLE_NONE) {
		if (!p->user) {
			if (strcmp(p->req->method, "POST") != 0)
				return LOGIN_FIRST;
			return "You are not signed in (your session may have ended). Nothing was "
			       "saved. Sign in again in another tab, then send this form again; "
			       "what you wrote is below.";
		}
		if (p->user->role < need)
			return NOT_ALLOWED;
	}
	/* A post that says nothing of where it comes from passes same_origin();
	** a form without a session token (NEED_ORIGIN) has nothing else, so
	** there the browser must say: every browser sends Origin on a POST. */
	if ((needs & NEED_ORIGIN) && !http_header(p->req, "Origin") &&
	    !http_header(p->req, "Referer"))
		return "For your safety, this form is accepted only when the browser says which "
		       "page sent it, and this one did not (a privacy setting or extension may "
		       "remove that). Nothing was done: please send the form again from here.";
	if ((needs & (NEED_SAME_ORIGIN | NEED_CSRF | NEED_ORIGIN)) && !same_origin(p))
		return "For your safety, forms can only be sent from pages of this site. "
		       "Nothing was saved: check what you wrote and send it again from here.";
	if (needs & NEED_CSRF) {
		const char *token = http_form(p->req, "csrf", NULL);
		if (!auth_csrf_ok(p, token))
			return "This form's security token is missing or out of date (the page "
			       "may have been open in an old session). Nothing was saved: check "
			       "what you wrote and send it again.";
	}
	return NULL;
}

/* needs_refusal()'s ladder for a signed-out POST whose cookie names a
** lapsed session (p->lapsed): that session's account has the role, the
** post comes from this site, and it carries that session's own token.
** 1 if all hold. */
static int lapsed_ok(struct page *p, unsigned needs)
{
	enum role need = (enum role)NEED_ROLE_OF(needs);
	if (!p->lapsed_user || p->lapsed_user->role < need)
		return 0;
	if ((needs & NEED_ORIGIN) && !http_header(p->req, "Origin") &&
	    !http_header(p->req, "Referer"))
		return 0;
	if ((needs & (NEED_SAME_ORIGIN | NEED_CSRF | NEED_ORIGIN)) && !same_origin(p))
		return 0;
	return !(needs & NEED_CSRF) || auth_lapsed_csrf_ok(p, http_form(p->req, "csrf", NULL));
}

/* Security headers on every answer: the list is http_security_headers()'s
** (the server's own refusals carry it too); HSTS under the https setting or
** behind a proxy that says https. */
static void security_headers(struct app *app, struct http_req *req, struct http_resp *resp)
{
	pthread_rwlock_rdlock(&app->settings_lock);
	int https = app->settings.https;
	/* The newsroom's chosen scripts (page_scripts): their origins may run
	** code, connect and show images; none when the setting is empty.  The
	** desk's pages set their own policy (admin_render()). */
	const char *scripts = app->settings.page_scripts;
	char *csp = NULL;
	if (scripts && *scripts) {
		struct buf o = BUF_INIT;
		for (const char *line = scripts; *line;) {
			size_t n = strcspn(line, "\r\n");
			size_t end = n > 8 ? 8 + strcspn(line + 8, "/\r\n") : n;
			if (end > 8 && end <= n) {
				buf_putc(&o, ' ');
				buf_put(&o, line, end);
			}
			line += n;
			while (*line == '\r' || *line == '\n')
				line++;
		}
		const char *origins = buf_cstr(&o);
		csp = arena_printf(req->a,
		                   "default-src 'self'; script-src%s; connect-src 'self'%s; "
		                   "style-src 'self'; img-src 'self' data:%s; object-src 'none'; "
		                   "base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
		                   origins, origins, origins);
		buf_free(&o);
	}
	pthread_rwlock_unlock(&app->settings_lock);
	http_security_headers(resp, https || !strcmp(req->scheme, "https"));
	if (csp)
		http_resp_header(resp, "Content-Security-Policy", csp);
}

/* Headers naming the site's endpoints, on the pages that have them (kept
** out of the page cache's entry, so a hit gets them too): the Webmention
** endpoint on article pages. */
static void discovery_headers(struct app *app, struct http_req *req, const struct route *r,
                              struct http_resp *resp)
{
	if (r->handler != page_article_show)
		return;
	pthread_rwlock_rdlock(&app->settings_lock);
	const char *base = *app->settings.base_url ? app->settings.base_url : app->listen_origin;
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	char *v = arena_printf(req->a, "<%.*s/webmention>; rel=\"webmention\"", (int)n, base);
	pthread_rwlock_unlock(&app->settings_lock);
	http_resp_header_add(resp, req->a, "Link", v); /* beside the REST API's */
}

/* 1 if an absolute-form request names one of the site's own origins. */
static int target_is_ours(struct app *app, struct http_req *req)
{
	pthread_rwlock_rdlock(&app->settings_lock);
	int ours = site_origin_is_ours(app, req->target_origin, strlen(req->target_origin));
	pthread_rwlock_unlock(&app->settings_lock);
	return ours;
}

/* 1 if the answer sets a cookie (never shared). */
static int has_set_cookie(const struct http_resp *resp)
{
	for (int i = 0; i < resp->n_headers; i++)
		if (!strcasecmp(resp->hnames[i], "Set-Cookie"))
			return 1;
	return 0;
}

/* How long a write's answer waits for the pages it changed that readers
** were reading to be rendered again (pagecache_settle()). */
#define SETTLE_MS 1000

int web_fast(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct app *app = ctx;
	api_rest_route(req);
	if (!strcmp(req->path, "/metrics"))
		return 0; /* never cached: web_handle() */
	if (!pagecache_stores(app->cache) || (strcmp(req->method, "GET") && !req->is_head) ||
	    personal(req) || pagecache_db_changed(app->cache))
		return 0;
	if (req->target_origin)
		return 0; /* whose it is, web_handle() decides */
	int known;
	const struct route *r = find(req, req->path, &known);
	if (!r && !known) {
		/* Maybe a static page (page_fallback()), cached under its path;
		** its reply form (?replytocom=) is rendered, never cached. */
		if (strstr(req->query, "replytocom="))
			return 0;
		security_headers(app, req, resp);
		if (!pagecache_peek(app->cache, req, req->path, resp))
			return 0;
		req->cache = HTTP_CACHE_HIT;
		return 1;
	}
	if (!r || !(r->needs & PAGE_CACHED))
		return 0;
	keep_page_query(req, r);
	security_headers(app, req, resp);
	discovery_headers(app, req, r, resp);
	if (!pagecache_peek(app->cache, req, cache_key(req), resp))
		return 0;
	req->route = r->pattern;
	req->cache = HTTP_CACHE_HIT;
	return 1;
}

void web_refresh(void *ctx, const char *key)
{
	struct arena *a = arena_new();
	struct http_req req;
	struct http_resp resp;
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.a = a;
	req.method = "GET";
	const char *q = strchr(key, '?');
	req.path = q ? arena_strndup(a, key, (size_t)(q - key)) : arena_strdup(a, key);
	req.query = q ? arena_strdup(a, q + 1) : "";
	req.body = "";
	req.body_fd = -1;
	req.remote_ip = "127.0.0.1";
	req.scheme = "http";
	resp.status = 200;
	web_handle(&req, &resp, ctx); /* no headers: anonymous, no coding asked */
	http_resp_unshare(&resp);
	buf_free(&resp.body);
	arena_free(a);
}

void web_synced(void *ctx, struct db *db, int saw_all)
{
	struct app *app = ctx;
	if (saw_all)
		web_settings_changed(app);
	web_settings_reload(app, db);
}

void web_handle(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct app *app = ctx;
	struct page page = {app, req, resp, NULL, req->a, 0, NULL, NULL, {DEP_EVERYTHING, 0, 0, 0}, 0,
	                    NULL, NULL, NULL, NULL, NULL, 0};
	struct page *p = &page;
	security_headers(app, req, resp);
	api_rest_route(req);
	if (!strcmp(req->path, "/metrics") && (!strcmp(req->method, "GET") || req->is_head)) {
		req->route = "/metrics";
		struct db *mdb = db_pool_get(app->pool);
		struct pagecache_stats cs;
		if (app->cache)
			pagecache_stats(app->cache, &cs);
		metrics_serve(mdb, req, resp, app->cache ? &cs : NULL);
		db_pool_put(app->pool, mdb);
		return;
	}
	if (req->target_origin && !target_is_ours(app, req)) {
		http_resp_text(resp, 421, "Misdirected request: this server does not answer for "
		                          "that address.\n");
		resp->content_type = "text/plain; charset=utf-8";
		return;
	}

	int known;
	const struct route *r = find(req, req->path, &known);
	if (r && (r->needs & PAGE_CACHED) && (!strcmp(req->method, "GET") || req->is_head)) {
		keep_page_query(req, r);
		discovery_headers(app, req, r, resp);
	}
	if (!r && !known) {
		/* The canonical form ends in '/': answer a missing one with 301. */
		size_t len = strlen(req->path);
		if (len && req->path[len - 1] != '/' && (!strcmp(req->method, "GET") || req->is_head)) {
			char *slashed = arena_printf(req->a, "%s/", req->path);
			int k2;
			const struct route *r2 = find(req, slashed, &k2);
			if (r2 && (!strcmp(r2->pattern, "/{yyyy}/{mm}/{dd}/{slug}/") ||
			           r2->handler == page_archive_section ||
			           r2->handler == page_archive_tag)) {
				/* An article's, a section's or a tag's handler knows
				** where it lives now (a renamed slug, a corrected date,
				** the redirects table): one 301 there, not one here and
				** another there (site_render() adds the slash). */
				r = r2;
				p->slash_added = 1;
			} else if (r2) {
				if (*req->query)
					slashed = arena_printf(req->a, "%s?%s", slashed, req->query);
				http_redirect(req, resp, 301, slashed);
				return;
			}
		}
	}
	/* Anonymous readers of cacheable pages are answered from the page cache;
	** a miss renders below and is stored after. */
	struct pc_ticket *ticket = NULL;
	int is_read = !strcmp(req->method, "GET") || req->is_head;
	req->route = r ? r->pattern : NULL;
	if (app->cache && pagecache_db_changed(app->cache)) {
		/* Something wrote to the database (maybe another process): drop
		** what it changed before answering anything. */
		struct db *db = db_pool_get(app->pool);
		if (pagecache_sync(app->cache, db))
			web_settings_changed(app);
		web_settings_reload(app, db);
		db_pool_put(app->pool, db);
	}
	if (r && (r->needs & PAGE_CACHED) && is_read && pagecache_stores(app->cache) &&
	    !personal(req) && !p->slash_added) {
		req->cache = HTTP_CACHE_MISS;
		if (pagecache_get(app->cache, req, cache_key(req), resp, &ticket)) {
			req->cache = HTTP_CACHE_HIT;
			return;
		}
	}
	/* A path no route takes may be a static page: cached under the path
	** alone (a page reads no query but its reply form's, which is never
	** cached), only if it answers 200. */
	if (!r && !known && is_read && pagecache_stores(app->cache) && !personal(req) &&
	    !strstr(req->query, "replytocom=")) {
		req->cache = HTTP_CACHE_MISS;
		if (pagecache_get(app->cache, req, req->path, resp, &ticket)) {
			req->cache = HTTP_CACHE_HIT;
			return;
		}
	}
	p->db = db_pool_get(app->pool);
	db_clear_failed(p->db);
	pthread_rwlock_rdlock(&app->settings_lock);
	auth_load(p); /* the one place a session cookie is read */
	if (!r) {
		if (known) {
			http_resp_header(resp, "Allow", allowed(req, req->path));
			site_error(p, 405, tr(p, "Method not allowed"),
			           tr(p, "This address cannot be used that way."));
		} else if (!page_fallback(p)) {
			site_not_found(p);
		}
	} else {
		const char *why = needs_refusal(p, r->needs);
		if (!why) {
			r->handler(p);
		} else if (!p->user && lapsed_of(r) && auth_lapsed_load(p) && lapsed_ok(p, r->needs)) {
			lapsed_of(r)->lapsed(p);
		} else if (why == LOGIN_FIRST) {
			/* Signed out: a page asks to sign in and comes back after. */
			char *next = arena_printf(p->a, "%s%s%s", req->path, *req->query ? "?" : "",
			                          req->query);
			struct buf b = BUF_INIT;
			buf_puts(&b, "/admin/login?next=");
			esc_url_part(&b, next, strlen(next));
			http_redirect(req, resp, 303, arena_strdup(p->a, buf_cstr(&b)));
			buf_free(&b);
		} else {
			int status = why == NOT_ALLOWED ? 403 : 403;
			const char *text = why == NOT_ALLOWED
			    ? "Your role does not allow this. Ask an editor or an administrator if "
			      "you need it."
			    : why;
			if (r->refuse && why != NOT_ALLOWED)
				r->refuse(p, status, text);
			else
				site_forbidden(p, text);
		}
	}
	p->is_private |= p->user != NULL; /* signed-in pages are never shared */
	if (db_failed(p->db) && resp->status < 500 && resp->status != 303) {
		/* The answer rests on reads or writes that failed: say so instead
		** of showing an empty or partial page (and never keep it in the
		** cache).  A form given back (422) stays, as typed, with its
		** message: only the status says it was the site's trouble. */
		p->is_private = 1;
		http_resp_header(resp, "Retry-After", "5");
		if (resp->status == 422 && !is_read)
			resp->status = 503;
		else
			site_error(p, 503, tr(p, "The site is having trouble"),
			           tr(p, "It could not read what this page shows just now. Please "
			                 "try again in a moment; nothing was lost."));
	}
	/* A cacheable page for an anonymous reader names what it shows, for a
	** CDN in front (web/cdn.h); signed-in and personal answers never. */
	if (is_read && resp->status == 200 && !p->is_private && !personal(req) &&
	    !p->slash_added && ((r && (r->needs & PAGE_CACHED)) ||
	                        (!r && !known && !strstr(req->query, "replytocom="))) &&
	    !has_set_cookie(resp))
		cdn_headers(p);
	if (ticket) {
		if (p->is_private)
			pagecache_abandon(app->cache, ticket);
		else
			pagecache_put(app->cache, ticket, req, resp, &p->deps);
	}
	/* A write here is seen by the cache before the next request (a comment
	** on a page not cached: by the watcher, one round trip fewer). */
	int saw_all = !is_read && app->cache && pagecache_write_syncs(app->cache, p->settle) &&
	              pagecache_sync(app->cache, p->db);
	pthread_rwlock_unlock(&app->settings_lock);
	if (saw_all)
		web_settings_changed(app);
	web_settings_reload(app, p->db);
	db_pool_put(app->pool, p->db);
	if (!is_read && app->cache)
		pagecache_settle(app->cache, p->settle, SETTLE_MS);
	if (p->is_private)
		http_resp_header(resp, "Cache-Control", "private, no-store");
}
