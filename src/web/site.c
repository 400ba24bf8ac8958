/*
** site.c: the running site (theme, static files, settings) and what every
** page shares: the layout's context, rendering, error pages, URLs.
*/
#include "web/web.h"
#include "web/assets.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/text.h"
#include "db/db.h"
#include "model/article.h"
#include "model/byline.h"
#include "model/listmemo.h"
#include "model/menu.h"
#include "model/page.h"
#include "model/media.h"
#include "model/redirect.h"
#include "model/taxonomy.h"
#include "render/tpl.h"
#include "render/typography.h"
#include "render/value.h"
#include "core/mem.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- theme and static files ---- */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot) return "application/octet-stream";
	if (!strcmp(dot, ".css")) return "text/css; charset=utf-8";
	if (!strcmp(dot, ".js")) return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".svg")) return "image/svg+xml";
	if (!strcmp(dot, ".png")) return "image/png";
	if (!strcmp(dot, ".jpg") || !strcmp(dot, ".jpeg")) return "image/jpeg";
	if (!strcmp(dot, ".webp")) return "image/webp";
	if (!strcmp(dot, ".ico")) return "image/x-icon";
	if (!strcmp(dot, ".txt")) return "text/plain; charset=utf-8";
	return "application/octet-stream";
}

/* Loads every embedded asset, or the same names from theme_dir. */
static int load_theme(struct app *app, const char *theme_dir, char *err, size_t errlen)
{
	app->theme = tpl_set_new(TPL_STRICT_RAW);
	app->statics = mem_calloc(n_assets ? n_assets : 1, sizeof *app->statics);
	for (unsigned long i = 0; i < n_assets; i++) {
		const char *name = assets[i].name;
		const unsigned char *data = assets[i].data;
		size_t len = assets[i].len;
		char *owned = NULL;
		if (theme_dir) {
			char path[1024];
			snprintf(path, sizeof path, "%s/%s", theme_dir, name);
			owned = read_file(path, &len);
			if (!owned) {
				snprintf(err, errlen, "cannot read %s", path);
				return -1;
			}
			data = (const unsigned char *)owned;
		}
		if (!strncmp(name, "templates/", 10)) {
			char tname[128];
			snprintf(tname, sizeof tname, "%s", name + 10);
			char *dot = strrchr(tname, '.');
			if (dot)
				*dot = 0;
			int rc = tpl_set_add(app->theme, tname, (const char *)data, len, err, errlen);
			free(owned);
			if (rc != 0)
				return -1;
		} else if (!strncmp(name, "static/", 7)) {
			struct static_file *sf = &app->statics[app->n_statics++];
			sf->name = name + 7;
			sf->data = data;
			sf->len = len;
			sf->type = type_of(sf->name);
			sf->owned = owned;
			unsigned char h[8];
			crypto_generichash(h, sizeof h, data, len, NULL, 0);
			sodium_bin2hex(sf->etag, sizeof sf->etag, h, sizeof h);
		} else {
			free(owned);
		}
	}
	return 0;
}

struct app *web_app_new(struct db_pool *pool, const char *theme_dir, int trust_proxy,
                        char *err, size_t errlen)
{
	struct app *app = mem_calloc(1, sizeof *app);
	app->pool = pool;
	app->trust_proxy = trust_proxy;
	app->memo = listmemo_new();
	pthread_rwlock_init(&app->settings_lock, NULL);
	struct db *db = db_pool_get(pool);
	int rc = settings_load(db, &app->settings);
	db_pool_put(pool, db);
	if (rc != 0) {
		snprintf(err, errlen, "cannot read the site's settings");
		listmemo_free(app->memo);
		free(app);
		return NULL;
	}
	if (text_set_timezone(app->settings.timezone) != 0) {
		log_warn("unknown time zone '%s'; using UTC", app->settings.timezone);
		text_set_timezone("UTC");
	}
	if (load_theme(app, theme_dir, err, errlen) != 0) {
		web_app_free(app);
		return NULL;
	}
	for (size_t i = 0; i < app->n_statics; i++)
		if (!strcmp(app->statics[i].name, "style.css")) {
			char *u = mem_alloc(64);
			snprintf(u, 64, "/static/style.css?v=%s", app->statics[i].etag);
			app->css_url = u;
		}
	return app;
}

void web_app_free(struct app *app)
{
	if (!app)
		return;
	tpl_set_free(app->theme);
	for (size_t i = 0; i < app->n_statics; i++)
		free(app->statics[i].owned);
	free(app->statics);
	free((char *)app->css_url);
	settings_free(&app->settings);
	listmemo_free(app->memo);
	pthread_rwlock_destroy(&app->settings_lock);
	free(app);
}

void web_settings_changed(struct app *app)
{
	atomic_store(&app->settings_dirty, 1);
}

/* Called by the dispatcher with no request in flight on this thread and the
** settings lock not held. */
void web_settings_reload(struct app *app, struct db *db)
{
	if (!atomic_load(&app->settings_dirty))
		return;
	pthread_rwlock_wrlock(&app->settings_lock);
	struct settings fresh;
	if (atomic_exchange(&app->settings_dirty, 0) && settings_load(db, &fresh) == 0) {
		settings_free(&app->settings);
		app->settings = fresh;
		if (text_set_timezone(app->settings.timezone) != 0)
			text_set_timezone("UTC");
	}
	pthread_rwlock_unlock(&app->settings_lock);
}

/* ---- shared page parts ---- */

const char *site_base(struct page *p)
{
	const char *base = p->app->settings.base_url;
	if (base && *base) {
		size_t n = strlen(base);
		while (n && base[n - 1] == '/')
			n--;
		return arena_strndup(p->a, base, n);
	}
	/* No server (tests, fuzzers) has no listen address. */
	return *p->app->listen_origin ? p->app->listen_origin : "http://localhost";
}

/* ---- the site's own origins ---- */

size_t site_origin_len(const char *url)
{
	size_t n;
	if (!strncasecmp(url, "http://", 7))
		n = 7;
	else if (!strncasecmp(url, "https://", 8))
		n = 8;
	else
		return 0;
	return n + strcspn(url + n, "/?#");
}

/* Writes origin[0..len) as "scheme://host:port" (lowercase, the port
** always written) into out[outlen]; -1 if it is not an http(s) origin with
** a plain host (no user part, no space or control byte, a port of digits). */
static int origin_key(const char *origin, size_t len, char *out, size_t outlen)
{
	size_t at = site_origin_len(origin);
	if (at == 0 || at != len)
		return -1;
	int https = (origin[4] == 's' || origin[4] == 'S');
	const char *auth = origin + (https ? 8 : 7);
	size_t alen = len - (size_t)(auth - origin);
	size_t hlen = alen;
	if (alen && auth[0] == '[') {
		const char *close = memchr(auth, ']', alen);
		if (!close)
			return -1;
		hlen = (size_t)(close - auth) + 1;
	} else {
		const char *colon = memchr(auth, ':', alen);
		if (colon)
			hlen = (size_t)(colon - auth);
	}
	const char *port = auth + hlen;
	size_t plen = alen - hlen;
	if (hlen == 0 || (plen && port[0] != ':'))
		return -1;
	if (plen) { /* past the ':' */
		port++;
		plen--;
	}
	for (size_t i = 0; i < hlen; i++)
		if ((unsigned char)auth[i] <= ' ' || auth[i] == '@' || auth[i] == 0x7f)
			return -1;
	for (size_t i = 0; i < plen; i++)
		if (port[i] < '0' || port[i] > '9')
			return -1;
	if (plen > 5)
		return -1;
	int n = snprintf(out, outlen, "%s://%.*s:%.*s", https ? "https" : "http", (int)hlen, auth,
	                 (int)(plen ? plen : (https ? 3 : 2)), plen ? port : (https ? "443" : "80"));
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	for (char *c = out; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return 0;
}

int site_origin_is_ours(struct app *app, const char *origin, size_t len)
{
	char got[320], want[320];
	if (origin_key(origin, len, got, sizeof got) != 0)
		return 0;
	const char *base = app->settings.base_url;
	if (base && *base)
		return origin_key(base, site_origin_len(base), want, sizeof want) == 0 &&
		       !strcmp(got, want);
	const char *listen[] = {app->listen_origin, app->listen_alias[0], app->listen_alias[1]};
	for (size_t i = 0; i < sizeof listen / sizeof *listen; i++)
		if (*listen[i] && origin_key(listen[i], strlen(listen[i]), want, sizeof want) == 0 &&
		    !strcmp(got, want))
			return 1;
	return 0;
}

void web_bound(const char *listen, int port, void *ctx)
{
	struct app *app = ctx;
	/* listen is "A.B.C.D:PORT" or "[V6]:PORT" (http_server_start read it). */
	char host[128];
	const char *end = listen[0] == '[' ? strchr(listen, ']') : strrchr(listen, ':');
	size_t skip = listen[0] == '[';
	size_t n = end ? (size_t)(end - listen) - skip : 0;
	if (n >= sizeof host)
		n = 0;
	memcpy(host, listen + skip, n);
	host[n] = 0;
	struct in_addr v4;
	struct in6_addr v6;
	char text[INET6_ADDRSTRLEN + 2];
	int loopback = 0, every = 0;
	if (inet_pton(AF_INET, host, &v4) == 1) {
		uint32_t a = ntohl(v4.s_addr);
		loopback = (a >> 24) == 127;
		every = a == 0;
		inet_ntop(AF_INET, &v4, text, sizeof text);
	} else if (inet_pton(AF_INET6, host, &v6) == 1) {
		loopback = IN6_IS_ADDR_LOOPBACK(&v6);
		every = IN6_IS_ADDR_UNSPECIFIED(&v6);
		char t6[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &v6, t6, sizeof t6);
		snprintf(text, sizeof text, "[%s]", t6);
	} else {
		snprintf(text, sizeof text, "localhost");
	}
	/* On every address, no one address is the site's: links name
	** localhost, and a reader elsewhere needs base_url (cmd_serve says so). */
	snprintf(app->listen_origin, sizeof app->listen_origin, "http://%s:%d",
	         every ? "localhost" : text, port);
	if (every) {
		snprintf(app->listen_alias[0], sizeof app->listen_alias[0], "http://127.0.0.1:%d", port);
		snprintf(app->listen_alias[1], sizeof app->listen_alias[1], "http://[::1]:%d", port);
	} else if (loopback) {
		snprintf(app->listen_alias[0], sizeof app->listen_alias[0], "http://localhost:%d", port);
	}
}

char *site_date(struct page *p, time_t t)
{
	return text_date_format(p->a, t, p->app->settings.date_format);
}

char *site_article_path(struct page *p, long long published_at, const char *slug)
{
	int y, m, d;
	text_date_ymd((time_t)published_at, &y, &m, &d);
	return arena_printf(p->a, "/%04d/%02d/%02d/%s/", y, m, d, site_slug(p->a, slug));
}

char *site_author_path(struct page *p, const char *slug)
{
	return arena_printf(p->a, "/author/%s/", slug);
}

/* A menu's public link: a section's page, a published page's path, a
** link's URL; NULL when its target is gone or not public. */
static const char *menu_href(struct page *p, const struct menu_item *m)
{
	struct arena *a = p->a;
	if (m->kind == MENU_LINK)
		return m->url;
	if (m->kind == MENU_SECTION && *m->section_slug)
		return *m->parent_slug ? arena_printf(a, "/category/%s/%s/",
		                                      site_slug(a, m->parent_slug),
		                                      site_slug(a, m->section_slug))
		                       : arena_printf(a, "/category/%s/", site_slug(a, m->section_slug));
	struct page_row pg;
	if (m->kind == MENU_PAGE && m->target_public &&
	    page_by_id(p->db, a, m->ref_id, &pg) == 0 && pg.status == PAGE_PUBLISHED) {
		struct buf b = BUF_INIT;
		buf_putc(&b, '/');
		for (const char *s = pg.path; *s;) {
			size_t k = strcspn(s, "/");
			esc_url_part(&b, s, k);
			buf_putc(&b, '/');
			s += k + (s[k] == '/');
		}
		const char *out = arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
		return out;
	}
	return NULL;
}

int site_menu(struct page *p, struct tv *ctx, const char *menu, const char *key)
{
	struct arena *a = p->a;
	size_t n;
	struct menu_item *items = menu_items(p->db, a, menu, &n);
	struct tv *top = tv_list(a);
	struct tv *last = NULL;   /* the latest item shown at depth 0 */
	struct tv *kids = NULL;   /* its children */
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const char *href = menu_href(p, &items[i]);
		if (!href)
			continue;
		struct tv *item = tv_map(a);
		tv_set_str(a, item, "name", *items[i].label ? items[i].label : items[i].target_name);
		tv_set_str(a, item, "url", href);
		tv_set_bool(a, item, "external", items[i].kind == MENU_LINK);
		if (items[i].depth && last) {
			tv_push(a, kids, item);
			tv_set_bool(a, last, "has_children", 1);
			continue;
		}
		kids = tv_list(a);
		tv_set(a, item, "children", kids);
		tv_set_bool(a, item, "has_children", 0);
		tv_push(a, top, item);
		last = item;
		shown++;
	}
	tv_set(a, ctx, key, top);
	tv_set_bool(a, ctx, arena_printf(a, "has_%s", key), shown > 0);
	return n > 0;
}

struct tv *site_context(struct page *p, const char *title)
{
	struct arena *a = p->a;
	const struct settings *s = &p->app->settings;
	struct tv *ctx = tv_map(a);
	struct tv *site = tv_map(a);
	tv_set_str(a, site, "title", s->site_title);
	tv_set_str(a, site, "tagline", s->tagline);
	tv_set_str(a, site, "base", site_base(p));
	int year, month, day;
	text_date_ymd(time(NULL), &year, &month, &day);
	tv_set_int(a, site, "year", year);
	tv_set(a, ctx, "site", site);
	tv_set_str(a, ctx, "css_url", p->app->css_url ? p->app->css_url : "/static/style.css");
	if (title && *title)
		tv_set_str(a, ctx, "title", arena_printf(a, "%s – %s", title, s->site_title));
	else
		tv_set_str(a, ctx, "title", s->site_title);

	/* The menus set in the desk (a change of one is a change of every
	** page: the change log's 'all'); with no header menu, the sections. */
	int has_menu = site_menu(p, ctx, "header", "menu");
	site_menu(p, ctx, "footer", "footer_links");
	size_t n;
	/* Only sections with something published: the navigation changes with
	** listings (DEP_LISTS, which every page with it depends on). */
	struct term *sections = has_menu ? NULL : section_published(p->db, a, &n);
	if (has_menu)
		n = 0;
	struct tv *nav = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *item = tv_map(a);
		tv_set_str(a, item, "name", sections[i].name);
		tv_set_str(a, item, "url",
		           arena_printf(a, "/category/%s/", site_slug(a, sections[i].slug)));
		tv_push(a, nav, item);
	}
	tv_set(a, ctx, "sections", nav);
	tv_set_bool(a, ctx, "has_sections", n > 0);

	/* Metadata every page has; pages refine it (site_canonical, the
	** article page's Open Graph and JSON-LD). */
	const char *base = site_base(p);
	tv_set_str(a, ctx, "canonical", arena_printf(a, "%s%s", base, p->req->path));
	tv_set_str(a, ctx, "webmention_url", arena_printf(a, "%s/webmention", base));
	/* The newsroom's analytics or advertising scripts (route.c allows their
	** origins in the page's policy); none by default. */
	struct tv *scripts = tv_list(a);
	for (const char *line = s->page_scripts ? s->page_scripts : ""; *line;) {
		size_t ln = strcspn(line, "\r\n");
		if (ln) {
			struct tv *sc = tv_map(a);
			tv_set_str(a, sc, "src", arena_strndup(a, line, ln));
			tv_push(a, scripts, sc);
		}
		line += ln;
		while (*line == '\r' || *line == '\n')
			line++;
	}
	tv_set(a, ctx, "page_scripts", scripts);
	tv_set_str(a, ctx, "description", *s->tagline ? s->tagline : s->site_title);
	struct tv *og = tv_map(a);
	tv_set_str(a, og, "type", "website");
	tv_set_str(a, og, "title", title && *title ? title : s->site_title);
	tv_set_str(a, og, "image", arena_printf(a, "%s/static/logo.png", base));
	tv_set_bool(a, og, "article", 0);
	tv_set(a, ctx, "og", og);
	tv_set_str(a, ctx, "twitter_card", "summary");
	tv_set(a, ctx, "feeds", tv_list(a));
	tv_set_bool(a, ctx, "jsonld", 0);
	return ctx;
}

void site_canonical(struct page *p, struct tv *ctx, const char *path)
{
	tv_set_str(p->a, ctx, "canonical", arena_printf(p->a, "%s%s", site_base(p), path));
}

void site_feed_links(struct page *p, struct tv *ctx, const char *title, const char *feed)
{
	struct arena *a = p->a;
	struct tv *list = tv_get(ctx, "feeds");
	static const struct {
		const char *suffix, *type, *label;
	} kinds[] = {
		{"", "application/rss+xml", "RSS"},
		{"atom/", "application/atom+xml", "Atom"},
		{"json/", "application/feed+json", "JSON Feed"},
	};
	for (int i = 0; i < 3; i++) {
		struct tv *f = tv_map(a);
		tv_set_str(a, f, "type", kinds[i].type);
		tv_set_str(a, f, "title", arena_printf(a, "%s – %s (%s)", title,
		                                       p->app->settings.site_title, kinds[i].label));
		tv_set_str(a, f, "url", arena_printf(a, "%s%s", feed, kinds[i].suffix));
		tv_push(a, list, f);
	}
}

void site_render(struct page *p, int status, const char *name, struct tv *ctx)
{
	if (p->slash_added && status == 200) {
		/* Asked without its final '/' (route.c): the page exists, so the
		** one 301 is to its canonical address; an old address would have
		** been answered from the redirects table, also in one hop. */
		const char *to = arena_printf(p->a, "%s/%s%s", p->req->path, *p->req->query ? "?" : "",
		                              p->req->query);
		http_redirect(p->req, p->resp, 301, to);
		return;
	}
	p->resp->status = status;
	p->resp->content_type = "text/html; charset=utf-8";
	http_resp_unshare(p->resp);
	buf_reset(&p->resp->body);
	if (tpl_render(p->app->theme, name, ctx, &p->resp->body) != 0) {
		log_warn("template '%s' missing", name);
		p->resp->status = 500;
		buf_puts(&p->resp->body, "The page's template is missing.\n");
	}
	if (!p->is_private)
		http_resp_header(p->resp, "Cache-Control", "no-cache");
}

void site_error(struct page *p, int status, const char *heading, const char *text)
{
	struct tv *ctx = site_context(p, heading);
	tv_set_str(p->a, ctx, "heading", heading);
	tv_set_str(p->a, ctx, "message", text);
	tv_set_int(p->a, ctx, "status", status);
	site_render(p, status, "error", ctx);
}

void site_read_page(struct page *p, void (*handler)(struct page *p))
{
	/* Inside a caller's transaction already: its snapshot is the page's. */
	int began = !db_in_transaction(p->db) && db_exec(p->db, "BEGIN") == DB_OK;
	handler(p);
	if (began)
		db_rollback(p->db); /* ends the read; it wrote nothing */
}

const char *site_slug(struct arena *a, const char *slug)
{
	struct buf b = BUF_INIT;
	esc_url_part(&b, slug, strlen(slug));
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

void site_not_found(struct page *p)
{
	/* An old address an import or an editor registered: 301 (one hop)
	** instead of the 404, whichever handler found nothing here. */
	struct http_req *req = p->req;
	if (!strcmp(req->method, "GET") || req->is_head) {
		const char *to = redirect_find(p->db, p->a, req->path, req->query);
		if (!to && *req->query)
			to = redirect_find(p->db, p->a, req->path, NULL); /* tracking parameters */
		if (to) {
			http_redirect(req, p->resp, 301, to);
			return;
		}
	}
	struct tv *ctx = site_context(p, "Page not found");
	tv_set_str(p->a, ctx, "path", p->req->path);
	size_t n;
	struct article *latest = article_latest(p->db, p->a, 0, 5, &n);
	struct tv *list = tv_list(p->a);
	for (size_t i = 0; i < n; i++) {
		struct tv *item = tv_map(p->a);
		tv_set_str(p->a, item, "headline", typography_text_str(p->a, latest[i].headline));
		tv_set_str(p->a, item, "url",
		           site_article_path(p, latest[i].published_at, latest[i].slug));
		tv_push(p->a, list, item);
	}
	tv_set(p->a, ctx, "latest", list);
	tv_set_bool(p->a, ctx, "has_latest", n > 0);
	site_render(p, 404, "404", ctx);
}

void site_typeset(struct arena *a, struct article *art)
{
	art->headline = typography_text_str(a, art->headline);
	art->dek = typography_text_str(a, art->dek);
	if (art->body_html && *art->body_html)
		art->body_html = typography_html_str(a, art->body_html);
}

struct tv *site_image(struct page *p, long long media_id, const char *alt, const char *sizes,
                      int lazy, const char *link)
{
	struct arena *a = p->a;
	struct media_picture pic;
	if (media_id <= 0 || media_picture(p->db, a, media_id, &pic) != 0)
		return NULL;
	struct tv *img = tv_map(a);
	tv_set_str(a, img, "url", pic.url);
	tv_set_int(a, img, "width", pic.width);
	tv_set_int(a, img, "height", pic.height);
	tv_set_str(a, img, "alt", alt && *alt ? alt : pic.alt);
	tv_set_str(a, img, "srcset", pic.srcset);
	tv_set_str(a, img, "srcset_webp", pic.srcset_webp);
	tv_set_str(a, img, "sizes", sizes);
	tv_set_str(a, img, "caption", pic.caption);
	tv_set_str(a, img, "credit", pic.credit);
	tv_set_bool(a, img, "has_caption", *pic.caption || *pic.credit);
	tv_set_bool(a, img, "lazy", lazy);
	tv_set_str(a, img, "link", link ? link : "");
	tv_set_str(a, img, "social_url", pic.social_url);
	tv_set_int(a, img, "social_width", pic.social_width);
	tv_set_int(a, img, "social_height", pic.social_height);
	return img;
}

void site_card_image_sizes(struct tv *card, const char *sizes, int lazy)
{
	struct tv *img = tv_get(card, "image");
	if (!img || img->kind != TV_MAP)
		return;
	/* site_image() made both members: changed in place (no arena here). */
	struct tv *sz = tv_get(img, "sizes"), *lz = tv_get(img, "lazy");
	if (sz && sz->kind == TV_STR && sizes) {
		sz->str = sizes;
		sz->len = strlen(sizes);
	}
	if (lz && lz->kind == TV_BOOL)
		lz->b = lazy != 0;
}

struct tv *site_article_list(struct page *p, const struct article *list, size_t n)
{
	struct arena *a = p->a;
	struct tv *out = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct article typeset = list[i];
		site_typeset(a, &typeset);
		const struct article *r = &typeset;
		struct tv *item = tv_map(a);
		tv_set_str(a, item, "headline", r->headline);
		tv_set_str(a, item, "dek", r->dek);
		tv_set_str(a, item, "url", site_article_path(p, r->published_at, r->slug));
		tv_set_str(a, item, "date_iso", text_date_iso(a, (time_t)r->published_at));
		tv_set_str(a, item, "date_long", site_date(p, (time_t)r->published_at));
		tv_set_str(a, item, "author_name", r->author_name);
		tv_set_str(a, item, "author_url", site_author_path(p, r->author_slug));
		/* Co-authors after the owner: "By A and B", "By A, B and C". */
		size_t n_by;
		struct byline_author *by = byline_list(p->db, a, r->id, &n_by);
		struct tv *co = tv_list(a);
		for (size_t k = 1; k < n_by; k++) {
			struct tv *c = tv_map(a);
			tv_set_str(a, c, "sep", k + 1 == n_by ? " and " : ", ");
			tv_set_str(a, c, "name", by[k].name);
			tv_set_str(a, c, "url", site_author_path(p, by[k].slug));
			tv_push(a, co, c);
		}
		tv_set(a, item, "coauthors", co);
		if (r->section_id) {
			struct tv *sec = tv_map(a);
			tv_set_str(a, sec, "name", r->section_name);
			tv_set_str(a, sec, "url",
			           arena_printf(a, "/category/%s/", site_slug(a, r->section_slug)));
			tv_set(a, item, "section", sec);
		} else {
			tv_set_bool(a, item, "section", 0); /* never inherit an outer one */
		}
		struct tv *img = site_image(p, r->featured_media_id, r->featured_alt, SITE_CARD_SIZES,
		                            i >= 2, site_article_path(p, r->published_at, r->slug));
		if (img)
			tv_set(a, item, "image", img);
		else
			tv_set_bool(a, item, "image", 0); /* never inherit an outer one */
		tv_push(a, out, item);
	}
	return out;
}

void site_pagination(struct page *p, struct tv *ctx, const char *base, long long page,
                     long long pages)
{
	struct arena *a = p->a;
	struct tv *pg = tv_map(a);
	tv_set_int(a, pg, "page", page);
	tv_set_int(a, pg, "pages", pages);
	if (page > 1)
		tv_set_str(a, pg, "prev", page == 2 ? base : arena_printf(a, "%spage/%lld/", base, page - 1));
	if (page < pages)
		tv_set_str(a, pg, "next", arena_printf(a, "%spage/%lld/", base, page + 1));
	if (pages > 1)
		tv_set(a, ctx, "pagination", pg);
}

void site_forbidden(struct page *p, const char *why)
{
	struct tv *ctx = site_context(p, "Not sent");
	tv_set_str(p->a, ctx, "heading", "This was not sent");
	tv_set_str(p->a, ctx, "message", why);
	/* Back to the page the form was on, when the browser says (and it is
	** ours); else the front of the desk. */
	const char *back = "/admin/";
	const char *ref = http_header(p->req, "Referer");
	size_t olen = ref ? site_origin_len(ref) : 0;
	if (olen && ref[olen] == '/' && site_origin_is_ours(p->app, ref, olen) &&
	    !strpbrk(ref, "\r\n\"<>"))
		back = arena_strdup(p->a, ref + olen);
	else if (!strcmp(p->req->method, "GET"))
		back = p->req->path;
	tv_set_str(p->a, ctx, "back", back);
	/* Show back every text field of the refused form: nothing typed is lost.
	** But to someone not signed in only a small form is shown back: else a
	** few KB sent would come back several times larger (every '<' escaped),
	** and the page would be a way to make the server hold and send memory. */
	struct tv *fields = tv_list(p->a);
	static const char *const skip[] = {"csrf", "byline_token", "password", "password2",
	                                   "token", NULL};
	if (!strcmp(p->req->method, "POST")) {
		http_form(p->req, "", NULL); /* parses */
		size_t total = 0;
		for (size_t i = 0; i < p->req->n_form_params; i++)
			total += p->req->form_params[i].len;
		if (!p->user && total > SITE_ECHO_SIGNED_OUT) {
			tv_set_str(p->a, ctx, "message",
			           "Nothing was saved, and what was sent is too long to show back "
			           "here to someone not signed in: it was not kept. If your session "
			           "has ended, sign in again, then send it again from this site.");
			goto render;
		}
		for (size_t i = 0; i < p->req->n_form_params; i++) {
			const struct http_param *f = &p->req->form_params[i];
			int skipped = !*f->value;
			for (int k = 0; skip[k]; k++)
				skipped |= !strcmp(f->name, skip[k]);
			if (skipped)
				continue;
			struct tv *item = tv_map(p->a);
			tv_set_str(p->a, item, "name", f->name);
			tv_set_str(p->a, item, "value", f->value);
			tv_set_str(p->a, item, "id", arena_printf(p->a, "sent-%zu", i));
			tv_push(p->a, fields, item);
		}
	}
render:
	tv_set(p->a, ctx, "fields", fields);
	tv_set_bool(p->a, ctx, "has_fields", fields->len > 0);
	p->is_private = 1;
	site_render(p, 403, "forbidden", ctx);
}
