/*
** web.h: the site: what every page handler shares.
**
** struct app is the running site (database pool, settings, theme), made
** once by web_app_new().  struct page is one request being answered: the
** handler reads req, writes resp, and allocates from a (the request arena).
** Handlers are listed in route.c's table; each lives in a page_*.c file
** named after the page it serves.
*/
#ifndef BYLINE_WEB_WEB_H
#define BYLINE_WEB_WEB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "http/http.h"
#include "model/settings.h"
#include "web/pagecache.h"

struct catalog;

struct db;
struct db_pool;
struct mailer;
struct account;
struct session;
struct tpl_set;
struct tv;
struct arena;
struct listmemo;

struct static_file {
	const char *name;         /* "style.css" */
	const unsigned char *data; /* bytes */
	size_t len;               /* length */
	const char *type;         /* Content-Type */
	char etag[24];            /* fingerprint: hash of the bytes */
	char *owned;              /* non-NULL if read from disk (freed with app) */
};

#define SITE_MAX_LANGS 16

struct app {
	struct db_pool *pool;     /* connections for request threads */
	struct settings settings; /* read at start */
	struct tpl_set *theme;    /* compiled templates */
	struct catalog *catalogs[SITE_MAX_LANGS]; /* po/LANG.po, one a language (render/i18n.h) */
	size_t n_catalogs;        /* entries used in catalogs */
	struct static_file *statics; /* files under /static/ */
	size_t n_statics;         /* entries in statics */
	const char *css_url;      /* fingerprinted stylesheet URL */
	int trust_proxy;          /* believe X-Forwarded-* */
	const char *data_dir;     /* uploads live under DATA_DIR/media/ */
	struct mailer *mailer;    /* sends notifications; NULL sends none */
	struct pagecache *cache;  /* rendered public pages; NULL for none */
	struct listmemo *memo;    /* listing counts and tag lists, kept until a write
	                          ** touches listings (model/listmemo.h) */
	pthread_rwlock_t settings_lock; /* requests read settings; a reload writes */
	struct db *loop_db;       /* the event loop's own connection, for reading a
	                          ** session before a body (auth_head_role); NULL:
	                          ** one from the pool.  Owned by who set it */
	atomic_int settings_dirty; /* set by web_settings_changed() */
	/* Where `byline serve` listens (web_bound()): the site's address when
	** base_url is unset.  Never read from a request. */
	char listen_origin[64];   /* "http://127.0.0.1:8080"; "" until bound */
	char listen_alias[2][64]; /* the same port as localhost (and 127.0.0.1,
	                          ** [::1]) when listening on loopback or on every
	                          ** address; "" unused */
};

struct term;

struct page {
	struct app *app;          /* the site */
	struct http_req *req;     /* the request */
	struct http_resp *resp;   /* the response being built */
	struct db *db;            /* a connection held for this request */
	struct arena *a;          /* the request's arena */
	int is_private;           /* shows per-reader content: never shared-cached */
	struct account *user;     /* signed-in account, or NULL (auth_load) */
	struct session *session;  /* its session, or NULL */
	struct page_deps deps;    /* what the page shows (for the page cache) */
	int slash_added;          /* an article's, section's or tag's path asked
	                             without its final '/': the handler (or
	                             site_render) answers its one 301 (route.c) */
	struct session *lapsed;   /* signed out, but the cookie names a session that
	                          ** timed out a moment ago (auth_lapsed_load(), for
	                          ** route.c's lapsed_routes only), or NULL */
	struct account *lapsed_user; /* its account; never p->user */
	char *cdn_names;          /* surrogate keys naming what it shows beyond p->deps
	                          ** ("section-3 tag-7"; cdn_name()), or NULL */
	const char *settle;       /* a write's answer sends its writer to this page
	                          ** only: wait for its re-render, not every page's
	                          ** (pagecache_settle()), or NULL */
	struct term *sections;    /* the sections with something published, read
	                          ** once a request (site_sections()), or NULL */
	size_t n_sections;        /* entries in sections */
};

/* What a route needs (route.c's table), checked before its handler runs. */
#define NEED_SAME_ORIGIN 0x01 /* Origin/Referer, when sent, is this site */
#define NEED_CSRF 0x02        /* same origin, and the session's form token */
#define NEED_ORIGIN 0x08      /* same origin, and Origin or Referer must be sent:
                              ** forms used before there is a session (sign-in,
                              ** password link), which have no token to check */
#define NEED_ROLE(r) ((unsigned)(r) << 8) /* signed in with at least role r */
#define NEED_ROLE_OF(needs) (((needs) >> 8) & 0xF)
#define NEED_CONTRIBUTOR NEED_ROLE(1)
#define NEED_AUTHOR NEED_ROLE(2)
#define NEED_EDITOR NEED_ROLE(3)
#define NEED_ADMIN NEED_ROLE(4)
/* Not a need but a promise: anonymous GETs of the route may be served from
** the page cache (the handler sets p->deps). */
#define PAGE_CACHED 0x04

/* Builds the site over an open database pool, loading the theme from
** theme_dir (NULL: the files embedded in the binary).  NULL with err. */
struct app *web_app_new(struct db_pool *pool, const char *theme_dir, int trust_proxy,
                        char *err, size_t errlen);
void web_app_free(struct app *app);

/* Asks for the settings to be read again from the database once the
** current request is answered (no request ever sees them change midway). */
void web_settings_changed(struct app *app);
void web_settings_reload(struct app *app, struct db *db);

/* The http_handler and http_body_limit the server is started with. */
void web_handle(struct http_req *req, struct http_resp *resp, void *app);
/* The event loop's try first: a page-cache hit for an anonymous reader, or
** 0 (never touches the database, never waits for a render). */
int web_fast(struct http_req *req, struct http_resp *resp, void *app);

/* The page cache's threads (pagecache_start()): web_refresh renders key
** (a cache key: path, '?', query) as an anonymous reader's GET would,
** storing it; web_synced reloads the settings after a sync that saw a
** change of everything. */
void web_refresh(void *app, const char *key);
void web_synced(void *app, struct db *db, int saw_all);
/* The http_body_limit: the route's limit for a signed-in request of the
** role it needs; WEB_SIGNED_OUT_BODY (403) for a route that needs a role the
** request's session does not have; 0 with 404 or 405 where no route takes
** the method (so no large body is read to answer that). */
size_t web_body_limit(struct http_req *req, struct http_body_refusal *no, void *app);
#define WEB_SIGNED_OUT_BODY (8 * 1024)
/* The http_config's `bound`: records the address the server listens on
** (listen as given to --listen, port the one bound) as the site's own
** address for when base_url is unset (see site_base()). */
void web_bound(const char *listen, int port, void *app);

/* ---- shared by the page handlers (site.c) ---- */

/* The site's absolute base URL without trailing slash: base_url when set,
** else the address the server listens on ("http://127.0.0.1:8080").  Never
** built from the request (Host, X-Forwarded-Proto): a cached page, a feed
** or a mail would otherwise carry whatever one client sent to every reader. */
const char *site_base(struct page *p);

/* The site's own origins, the one allow-list: base_url's origin when set;
** else the listen address's, and localhost's on the same port when the
** server listens on loopback (or every address).  1 if origin[0..len)
** ("scheme://host[:port]", no path) is one of them: scheme and host
** compared case-insensitively, a default port (80, 443) written or not.
** Caller holds app->settings_lock. */
int site_origin_is_ours(struct app *app, const char *origin, size_t len);

/* The length of url's origin ("scheme://authority", up to the first '/',
** '?' or '#'), or 0 if url is not an absolute http(s) URL. */
size_t site_origin_len(const char *url);

/* A new context holding what the layout shows: site title, tagline,
** sections, stylesheet URL, and the page's <title>. */
struct tv *site_context(struct page *p, const char *title);

/* Sets the page's canonical URL (site base + path). */
void site_canonical(struct page *p, struct tv *ctx, const char *path);

/* Adds the RSS, Atom and JSON Feed autodiscovery links of a feed whose RSS
** form is at path `feed` (".../feed/"). */
void site_feed_links(struct page *p, struct tv *ctx, const char *title, const char *feed);

/* Renders template `name` with ctx into the response, with status. */
void site_render(struct page *p, int status, const char *name, struct tv *ctx);

/* Runs handler(p) with every read it makes from one snapshot of the
** database: a page shows one state of the site, and its dozens of small
** reads share one read transaction instead of locking and unlocking the
** database file each (a deferred BEGIN takes no lock until the first read
** and never blocks a writer).  For public pages that only read. */
void site_read_page(struct page *p, void (*handler)(struct page *p));

/* The helpful 404 page; for a GET of an address the redirects table
** knows (redirect.h), a 301 there instead. */
void site_not_found(struct page *p);

/* A short error page (4xx/5xx) with a heading and a sentence. */
void site_error(struct page *p, int status, const char *heading, const char *text);

/* Cards for a list of articles (headline, dek, url, dates, author,
** section, and `image` when it has a featured image: see site_image()) as
** the home, author, archive, search and related-stories templates show
** them.  The first two cards' images load at once, the rest lazily; sizes
** is SITE_CARD_SIZES until site_card_image_sizes() says otherwise. */
struct article;
struct tv *site_article_list(struct page *p, const struct article *list, size_t n);

/* site_article_list() for cards in a known slot: their images get sizes
** and list srcset candidates only up to the first one SITE_DENSITY times
** widest (the slot's largest width in CSS pixels, as sizes says) or wider
** (media_picture_upto()); the first eager cards' images load at once, the
** rest lazily. */
struct tv *site_article_cards(struct page *p, const struct article *list, size_t n,
                              const char *sizes, unsigned widest, size_t eager);

/* Where a card's photo is drawn: its sizes attribute, the widest that is
** in CSS pixels, and whether it loads lazily (below the fold). */
struct site_slot {
	const char *sizes; /* borrowed: a literal, or p->a */
	unsigned widest;   /* CSS px; 0 lists every candidate */
	int lazy;          /* 1 loading="lazy" */
};

/* site_article_cards() with a slot for each card (slots[0..n)): a page
** with cards in several places (the front page) makes them in one call,
** so their co-authors and photos are read together. */
struct tv *site_article_cards_in(struct page *p, const struct article *list, size_t n,
                                 const struct site_slot *slots);

/* Replaces art's headline, dek and body_html by their typeset copies
** (render/typography.h), allocated in a.  Every public page, feed and
** JSON-LD shows articles through it; the desk and the stored HTML keep
** what was typed. */
void site_typeset(struct arena *a, struct article *art);

/* A correction's or update's Markdown (model/note.h) as the article and
** /corrections/ show it: limited trust, one paragraph inline, typeset.
** Allocated in a. */
const char *page_article_note_html(struct arena *a, const char *src);

/* "/corrections/": every correction the site has made, newest first. */
void page_corrections_show(struct page *p);
void page_feed_corrections(struct page *p); /* its feed: page_feed.c */
#define SITE_CARD_SIZES "(min-width: 1000px) 300px, (min-width: 600px) 45vw, 100vw"
#define SITE_CARD_WIDEST 600 /* CSS px: SITE_CARD_SIZES at its widest (100vw under 600px) */
/* The pixel density srcsets serve up to: a slot w CSS pixels wide lists
** candidates up to the first 2w wide (sharper than 2x is not seen on a
** photo, and a 3x phone still gets a 2x file rather than the original). */
#define SITE_DENSITY 2

/* A photo's credit line: "Photo: " and the credit, or the credit alone when
** it begins with its own label ("Illustration: …").  "" for none. */
const char *site_credit_line(struct page *p, const char *credit);

/* The sections with something published (section_published()), read once
** a request however many parts of the page show them (the navigation, the
** home page's blocks).  *n gets the count. */
struct term *site_sections(struct page *p, size_t *n);

/* The `image` object templates show with {{> picture}}: {url, width, height,
** alt, srcset, srcset_webp, sizes, caption, credit, lazy, link} for media id
** (url the original, srcset/srcset_webp only variants already made, ""
** when none; alt is
** alt when not empty, else the media's own alt text; link is the card's
** URL or ""), or NULL when there is no such image.  Allocated in p->a. */
struct tv *site_image(struct page *p, long long media_id, const char *alt, const char *sizes,
                      int lazy, const char *link);
/* site_image() for a picture already read (media_picture(): no limit). */
struct media_picture;
struct tv *site_image_of(struct page *p, const struct media_picture *pic, const char *alt,
                         const char *sizes, int lazy, const char *link);

/* site_image() for a slot at most widest CSS pixels wide (0: no limit):
** its srcsets stop at the first candidate SITE_DENSITY * widest wide. */
struct tv *site_image_upto(struct page *p, long long media_id, const char *alt,
                           const char *sizes, unsigned widest, int lazy, const char *link);

/* Sets a card's image's sizes and whether it loads lazily (for a lead
** story at full width, say); nothing when the card has no image.  sizes is
** borrowed: it must live as long as the card (a literal, or p->a). */
void site_card_image_sizes(struct tv *card, const char *sizes, int lazy);

/* Sets ctx.pagination {page, pages, prev, next} for a listing at base
** ("/" or "/author/x/"), whose later pages are at base + "page/N/". */
void site_pagination(struct page *p, struct tv *ctx, const char *base, long long page,
                     long long pages);

/* A date in the site's zone and date format ("June 12, 2024"), with the
** month and weekday names of the site's language ("12. Juni 2024": a
** catalogue may also translate the format, context "date format"). */
char *site_date(struct page *p, time_t t);

/* ---- the site's language (render/i18n.h; the `language` setting) ----
**
** Every reader-facing string is English in the source and passes through
** one of these, which return the site's language's translation (borrowed,
** or allocated in p->a) or the English when the catalogue has none.
** tools/i18n-extract.sh finds them by name for po/byline.pot, so their
** arguments must be string literals (or N_()/NC_() marked tables). */
const char *tr(struct page *p, const char *msgid);
const char *trc(struct page *p, const char *ctx, const char *msgid);
/* msgid with each "%s" replaced by arg (never a printf format: a
** translation cannot misuse an argument). */
const char *trf(struct page *p, const char *msgid, const char *arg);
/* The plural form for n ("1 comment", "2 comments"; Arabic has six), each
** "%lld" in it replaced by n.  Never write "comment(s)". */
const char *trn(struct page *p, const char *singular, const char *plural, long long n);
/* "June 12, 2024 at 9:30 pm", in the site's language and clock. */
const char *site_date_time(struct page *p, time_t t);
/* s with each pat replaced by arg (never a printf format), in a. */
char *site_fill(struct arena *a, const char *s, const char *pat, const char *arg);
/* s unchanged, or in a right-to-left language wrapped in Unicode's
** directional isolates (U+2068 .. U+2069) so that a name or headline
** put into a sentence keeps its own direction.  trf() applies it. */
const char *site_isolate(struct page *p, const char *s);
/* What goes before name i (from 0) of n in a list of names, as a byline
** reads "By A, B and C": "" before the first, " and " before the last,
** ", " between, each from the catalogue (context "byline separator"):
** German " und ", Arabic "، " and " و" (waw written onto the next name). */
const char *site_name_sep(struct page *p, size_t i, size_t n);
/* The language's catalogue (NULL for English), its code ("de", "en-US"). */
const struct catalog *site_catalog(struct page *p);
const char *site_lang(struct page *p);

/* A slug as a URL path segment: [a-z0-9-] as is, any other byte (UTF-8
** slugs, "café") percent-encoded.  Allocated in a. */
const char *site_slug(struct arena *a, const char *slug);

/* A static page's URL path from its page_row.path ("about-us/policy"):
** "/about-us/policy/", each slug as site_slug() writes it.  Allocated in a. */
const char *site_page_path(struct arena *a, const char *path);

/* Puts menu ("header" or "footer") into ctx as a list `key` of {name, url,
** external, has_children, children: [{name, url, external}]} (items whose
** section is gone or whose page is not published are left out) and
** has_KEY.  Returns 1 if the menu has any item (set in the desk), else 0:
** the theme then shows what it showed before menus existed. */
int site_menu(struct page *p, struct tv *ctx, const char *menu, const char *key);
/* Paths. Allocated in p->a. */
char *site_article_path(struct page *p, long long published_at, const char *slug);
char *site_author_path(struct page *p, const char *slug);

/* ---- the article page and its comment form ---- */

/* What the comment form shows: the reader's input (kept on a refusal) and a
** message per field.  Zeroed means an empty form. */
struct comment_form {
	const char *comment, *author, *email, *url; /* as typed */
	long long parent;        /* comment_parent: 0 or the comment replied to */
	int save;                /* "save my details" box ticked */
	const char *err_comment, *err_author, *err_email, *err_url; /* per field */
	const char *message;     /* the form as a whole (token, flood, ...) */
};

/* Answers 410 Gone for an article in the trash (its address, its /?p=ID,
** its old slugs): it was here and was removed.  Returns 2. */
int page_article_gone(struct page *p);

/* The published article the route's date and slug name.  0 found, else the
** caller answers 404 (already answered when the date was wrong: 301). */
struct article;
int page_article_find(struct page *p, struct article *out);

/* 1 if readers may comment on art now: comments open site-wide and on the
** article, and the article younger than the closing age (settings). */
int page_article_comments_open(struct page *p, const struct article *art);

/* Renders the article page with form (NULL: empty form) and status. */
void page_article_render(struct page *p, const struct article *art,
                         const struct comment_form *form, int status);

/* The viewer's own held comments, from their signed cookie. */
size_t comment_form_held(struct page *p, long long *ids, size_t max);

/* A fresh signed form token for comments on `on` (an article or a page).
** Allocated in p->a. */
struct comment_target;
const char *comment_form_token(struct page *p, struct comment_target on);

/* The comments of an article's or a page's page into ctx (comments_title,
** comments_count, comments, has_comments, comment_pages, form): page cpage
** of per threads (0: all), titled after name, links under url, the form
** posting to action, replies offered when open.  0, or 1 after answering
** 404 (a comment page past the last). */
int site_comments(struct page *p, struct tv *ctx, struct comment_target on, const char *name,
                  const char *url, const char *action, int open, int per, long long cpage,
                  const struct comment_form *f);

/* The bio of an author as HTML, rendered with the trust of the author's own
** role (role_trust(): raw HTML only for editors and administrators). */
struct tv *page_author_bio(struct page *p, const char *bio, const char *role);

/* ---- the session cookie (auth.c) ---- */

/* Reads the session cookie and sets p->user and p->session when it names a
** live session.  Called once per request, by the dispatcher. */
void auth_load(struct page *p);

/* The role of the live session the request's cookie names, from its head
** alone (ROLE_NONE if none), or -1 if the database could not say.  Only
** reads, on app->loop_db (else a pooled connection): web_body_limit calls
** it on the event loop. */
int auth_head_role(struct app *app, struct http_req *req);

/* 1 if token is the signed-in session's form token (constant time). */
int auth_csrf_ok(struct page *p, const char *token);

/* The role of the session the request's cookie names if it timed out at
** most SESSION_LAPSE_SECONDS ago (model/session.h: never one ended on
** purpose, never a suspended account's), from the head alone; ROLE_NONE
** if none, -1 if the database could not say.  Only reads, as
** auth_head_role(). */
int auth_head_lapsed_role(struct app *app, struct http_req *req);

/* For a signed-out request: sets p->lapsed and p->lapsed_user when the
** cookie names such a lapsed session.  1 if it did, else 0.  Signs
** nobody in (p->user stays NULL). */
int auth_lapsed_load(struct page *p);

/* 1 if token is the lapsed session's form token (constant time). */
int auth_lapsed_csrf_ok(struct page *p, const char *token);

/* The session token the request's cookie carries, or NULL.  Borrowed. */
const char *auth_cookie_token(struct page *p);

/* Sets the session cookie to value for max_age seconds; max_age <= 0
** clears it.  Always HttpOnly and SameSite=Lax, Secure over https. */
void auth_set_cookie(struct page *p, const char *value, long max_age);

/* 1 if the site is served over https (the `https` setting, or this
** request came so): every cookie the site sets is then Secure. */
int auth_is_https(struct page *p);

/* The 403 page (site.c) for a refused request; it shows back the text fields that
** were sent with the request, so nothing typed is lost: always to a signed-in
** user (a form sent with an out-of-date token), to anyone else only when
** they hold SITE_ECHO_SIGNED_OUT bytes or fewer.  Staff signed in get the
** desk's page instead (admin_forbidden()), for every refusal: a route's
** role (route.c) or a handler's finer rule. */
void site_forbidden(struct page *p, const char *why);

/* The refused form's text fields into ctx ("fields", "has_fields"), as
** site_forbidden() shows them (secrets left out). */
void site_sent_fields(struct page *p, struct tv *ctx);

/* The path of the page the request came from, when the browser says and
** it is one of ours; else fallback. */
const char *site_back(struct page *p, const char *fallback);
#define SITE_ECHO_SIGNED_OUT (4 * 1024)

/* Finishes a feed or sitemap whose bytes are in p->resp->body: Content-Type,
** a strong ETag (hash of the bytes), Last-Modified (last_modified > 0),
** Cache-Control; 304 with no body when the request's If-None-Match or
** If-Modified-Since says the reader has it (page_feed.c). */
void page_feed_send(struct page *p, const char *content_type, long long last_modified);

/* For a GET of a path no route takes: a published static page at that
** path; 1 if answered, 0 for the dispatcher's 404 (page_pages.c). */
int page_fallback(struct page *p);

/* Renders static page pg (its title, body_html, path, parent_id) in the
** site's page template: the public page, and the desk's live preview.
** With its comments when enabled on it or when it has some, the form
** (NULL: empty) as comment_form.c gives it back, and status. */
struct page_row;
void page_pages_render(struct page *p, const struct page_row *pg, const struct comment_form *f,
                       int status);

/* 1 if readers may comment on static page pg now: comments open
** site-wide, enabled on the page, and the page published. */
int page_pages_comments_open(struct page *p, const struct page_row *pg);

/* ---- page handlers (route.c's table) ---- */
void page_home_show(struct page *p);
void page_article_show(struct page *p);
void page_author_show(struct page *p);
void page_robots(struct page *p);
void page_health(struct page *p);
void page_static(struct page *p);
void comment_form_post(struct page *p);
void comment_form_refuse(struct page *p, int status, const char *why);
void comment_form_page_post(struct page *p);
void comment_form_page_refuse(struct page *p, int status, const char *why);
void page_media(struct page *p);
/* page_identity.c: icons, manifest and the accent colour's stylesheet. */
void page_favicon(struct page *p);
void page_icon(struct page *p);
void page_manifest(struct page *p);
void page_identity_css(struct page *p);
/* The accent colour "#rrggbb": the setting's when valid, else the default. */
const char *site_accent(struct page *p);
void page_search(struct page *p);
void page_archive_section(struct page *p);
void page_archive_tag(struct page *p);
void page_archive_date(struct page *p);
void page_feed_site(struct page *p);
void page_feed_section(struct page *p);
void page_feed_tag(struct page *p);
void page_feed_author(struct page *p);
void page_feed_comments(struct page *p);
void page_feed_article_comments(struct page *p);
void page_sitemap_index(struct page *p);
void page_sitemap_articles(struct page *p);
void page_sitemap_sections(struct page *p);
void page_sitemap_tags(struct page *p);
void page_sitemap_authors(struct page *p);
void page_sitemap_news(struct page *p);
void page_sitemap_pages(struct page *p);

void admin_login_show(struct page *p);
void admin_login_post(struct page *p);
void admin_logout_post(struct page *p);
void admin_password_show(struct page *p);
void admin_password_post(struct page *p);
/* Refusers of the sign-in and password forms: the form again, with the
** email or link kept (never a password) and the sentence saying why. */
void admin_login_refuse(struct page *p, int status, const char *why);
void admin_password_refuse(struct page *p, int status, const char *why);
/* Forgotten password (admin_login.c): the form, and the request, answered
** the same whether or not an account has the address. */
void admin_forgot_show(struct page *p);
void admin_forgot_post(struct page *p);
void admin_forgot_refuse(struct page *p, int status, const char *why);
void admin_dashboard(struct page *p);
void admin_articles_list(struct page *p);
void admin_article_new(struct page *p);
void admin_article_edit(struct page *p);
void admin_article_save(struct page *p);
void admin_pages_list(struct page *p);
void admin_page_new(struct page *p);
void admin_page_edit(struct page *p);
void admin_page_save(struct page *p);
void admin_page_refuse(struct page *p, int status, const char *why);
void admin_page_live_preview(struct page *p);
void admin_page_revisions(struct page *p);
void admin_page_revision_show(struct page *p);
void admin_page_revision_restore(struct page *p);
void admin_page_trash(struct page *p);
void admin_page_restore(struct page *p);
void admin_page_delete(struct page *p);
void admin_article_refuse(struct page *p, int status, const char *why);
/* The editor's form sent by a writer whose session timed out a moment ago
** (p->lapsed, its token checked): the text kept as their autosave, never
** a revision, and the sign-in form going back to the editor with it. */
void admin_article_lapsed(struct page *p);
void admin_article_preview(struct page *p);
void admin_note_add(struct page *p);
void admin_note_refuse(struct page *p, int status, const char *why);
void admin_note_delete(struct page *p);
void admin_article_trash(struct page *p);     /* POST: to the trash */
void admin_sections_list(struct page *p);     /* the Sections screen */
void admin_section_edit(struct page *p);      /* one section */
void admin_section_save(struct page *p);      /* POST: add (no id) or save */
void admin_section_delete(struct page *p);    /* POST: delete, moving its articles */
void admin_tags_list(struct page *p);         /* the Tags screen */
void admin_tag_edit(struct page *p);          /* one tag: rename, merge, delete */
void admin_tag_action(struct page *p);        /* POST: rename, merge or delete */
void admin_menus_show(struct page *p);        /* the Menus screen */
void admin_menus_action(struct page *p);      /* POST: add, move, relabel, remove */
void admin_article_restore(struct page *p);   /* POST: out of the trash */
void admin_article_unpublish(struct page *p); /* POST: back to a draft */
void admin_article_delete(struct page *p);    /* POST: for good, from the trash */
/* The editor's live parts (admin_editor.c): autosave, dismissing it, a
** fresh form token, the live preview of unsaved fields, and the editor
** given back after a sign-in that carried what was typed. */
void admin_autosave_post(struct page *p);
void admin_autosave_dismiss(struct page *p);
void admin_csrf_token(struct page *p);
void admin_article_live_preview(struct page *p);
void admin_article_resume(struct page *p, long long id);
/* The sign-in form carrying a refused editor form's fields, after its
** session ended (admin_login.c). */
void admin_login_carry(struct page *p, int status, const char *why);
/* The sign-in form after a lapsed session's editor form was kept as an
** autosave: email filled in, going back to next (the editor restoring it). */
void admin_login_kept(struct page *p, const char *email, const char *next);
struct finding;
struct tv;
/* The copy desk's panel in the editor (admin_findings.c): findings f[0..n)
** of the texts given, into form's "findings" and its flags; checked_now
** when they come from the Check button (the text is not saved). */
void admin_findings_context(struct page *p, struct tv *form, const struct finding *f, size_t n,
                            const char *headline, const char *dek, const char *body,
                            int checked_now);
void admin_dictionary_add(struct page *p);
void admin_revisions_list(struct page *p);
void admin_revision_show(struct page *p);
void admin_revision_restore(struct page *p);
/* admin_front.c: the front page's lead and top stories. */
void admin_front_show(struct page *p);
void admin_front_post(struct page *p);
void admin_comments_list(struct page *p);
void admin_comments_bulk(struct page *p);
void admin_comment_show(struct page *p);
void admin_comment_action(struct page *p);
void admin_comment_refuse(struct page *p, int status, const char *why);
void admin_media_list(struct page *p);
void admin_media_upload(struct page *p);
void admin_media_show(struct page *p);
void admin_media_save(struct page *p);
void admin_media_replace(struct page *p);
void admin_media_delete(struct page *p);
void admin_media_pick_show(struct page *p);
void admin_media_pick(struct page *p);
void admin_profile_show(struct page *p);
void admin_profile_save(struct page *p);
void admin_profile_refuse(struct page *p, int status, const char *why);
/* One's own password (the current one asked; other sessions end) and
** sessions (end one, the others, or all). */
void admin_profile_password(struct page *p);
void admin_profile_sessions(struct page *p);
void admin_settings_show(struct page *p);
void admin_settings_save(struct page *p);
void admin_settings_refuse(struct page *p, int status, const char *why);
/* The logo, site icon and social image uploads (Settings > Site identity). */
void admin_settings_identity(struct page *p);
void admin_settings_identity_show(struct page *p);
/* admin_tools.c: Tools (administrators): WordPress import and export. */
void admin_tools_show(struct page *p);
void admin_tools_import_show(struct page *p);
void admin_tools_import(struct page *p);
void admin_tools_export(struct page *p);
/* Waits for an import started in the desk to end (serve, before closing
** the database: its progress is committed in batches, and it says so). */
void admin_tools_wait(void);
/* page_oembed.c: the oEmbed provider (/wp-json/oembed/1.0/embed). */
void page_oembed(struct page *p);
/* The id of the published article whose address (under site_base()) is
** url, or 0.  Caller holds app->settings_lock (every handler does). */
long long page_oembed_article(struct page *p, const char *url);
/* admin_webhooks.c: Tools > Webhooks (administrators). */
void admin_webhooks_show(struct page *p);
void admin_webhooks_add(struct page *p);
void admin_webhooks_delete(struct page *p);
void admin_webmentions_show(struct page *p);
void admin_webhooks_test(struct page *p);
void admin_webhooks_pause(struct page *p);
void admin_webhooks_resume(struct page *p);
void admin_users_list(struct page *p);
void admin_users_add(struct page *p);
void admin_user_update(struct page *p);
/* Deleting an account: the page that asks who inherits, and the deletion. */
void admin_user_delete_show(struct page *p);
void admin_user_delete(struct page *p);

#endif
