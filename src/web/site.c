/*
** site.c: the running site (theme, static files, settings) and what every
** page shares: the layout's context, rendering, error pages, URLs.
*/
#include "web/web.h"
#include "web/admin.h"
#include "web/assets.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/text.h"
#include "db/db.h"
#include "model/account.h"
#include "model/article.h"
#include "model/byline.h"
#include "model/identity.h"
#include "model/listmemo.h"
#include "model/menu.h"
#include "model/page.h"
#include "model/media.h"
#include "model/redirect.h"
#include "model/taxonomy.h"
#include "render/i18n.h"
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
	app->theme = tpl_set_new(TPL_STRICT_RAW | TPL_TRANSLATE);
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
		} else if (!strncmp(name, "po/", 3)) {
			/* po/de.po: the catalogue of language "de" (i18n.h). */
			char lang[16];
			snprintf(lang, sizeof lang, "%s", name + 3);
			lang[strcspn(lang, ".")] = 0;
			char perr[200];
			struct catalog *c = app->n_catalogs < SITE_MAX_LANGS
			                        ? catalog_parse((const char *)data, len, lang, perr, sizeof perr)
			                        : NULL;
			free(owned);
			if (!c) {
				snprintf(err, errlen, "%s: %s", name,
				         app->n_catalogs < SITE_MAX_LANGS ? perr : "too many catalogues");
				return -1;
			}
			app->catalogs[app->n_catalogs++] = c;
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
	for (size_t i = 0; i < app->n_catalogs; i++)
		catalog_free(app->catalogs[i]);
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

/* ---- the site's language (render/i18n.h) ---- */

const struct catalog *site_catalog(struct page *p)
{
	/* The desk stays English in this issue (its strings go through the
	** same calls, and po/desk.pot lists its templates' for translators):
	** a half-translated desk would be worse than an English one. */
	if (p->req && !strncmp(p->req->path, "/admin/", 7))
		return NULL;
	const char *lang = p->app->settings.language;
	for (size_t i = 0; lang && i < p->app->n_catalogs; i++)
		if (!strcmp(catalog_lang(p->app->catalogs[i]), lang))
			return p->app->catalogs[i];
	return NULL;
}

const char *site_lang(struct page *p)
{
	const char *lang = p->app->settings.language;
	return lang && *lang ? lang : "en-US";
}

const char *tr(struct page *p, const char *msgid)
{
	const char *t = catalog_get(site_catalog(p), NULL, msgid);
	return t ? t : msgid;
}

const char *trc(struct page *p, const char *ctx, const char *msgid)
{
	const char *t = catalog_get(site_catalog(p), ctx, msgid);
	return t ? t : msgid;
}

char *site_fill(struct arena *a, const char *s, const char *pat, const char *arg)
{
	struct buf b = BUF_INIT;
	size_t k = strlen(pat);
	for (const char *hit; (hit = strstr(s, pat)); s = hit + k) {
		buf_put(&b, s, (size_t)(hit - s));
		buf_puts(&b, arg);
	}
	buf_puts(&b, s);
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

const char *site_isolate(struct page *p, const char *s)
{
	/* U+2068 FIRST STRONG ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE: an
	** English headline inside an Arabic sentence keeps its own order and
	** leaves the sentence's alone. */
	if (!s || !i18n_is_rtl(site_lang(p)))
		return s ? s : "";
	return arena_printf(p->a, "\xE2\x81\xA8%s\xE2\x81\xA9", s);
}

const char *site_name_sep(struct page *p, size_t i, size_t n)
{
	if (i == 0)
		return "";
	return i + 1 == n ? trc(p, "byline separator", " and ")
	                  : trc(p, "byline separator", ", ");
}

const char *trf(struct page *p, const char *msgid, const char *arg)
{
	return site_fill(p->a, tr(p, msgid), "%s", site_isolate(p, arg));
}

const char *trn(struct page *p, const char *singular, const char *plural, long long n)
{
	const char *t = catalog_getn(site_catalog(p), singular, plural,
	                             (unsigned long)(n < 0 ? -n : n));
	if (!t)
		t = n == 1 ? singular : plural;
	char num[32];
	snprintf(num, sizeof num, "%lld", n);
	/* English counts group thousands ("1,234 thoughts"); other languages
	** write the digits alone rather than guess their separator. */
	if (n >= 1000 && !site_catalog(p)) {
		struct buf b = BUF_INIT;
		size_t len = strlen(num), lead = (num[0] == '-');
		for (size_t i = 0; i < len; i++) {
			buf_putc(&b, num[i]);
			size_t left = len - 1 - i;
			if (i >= lead && left && left % 3 == 0)
				buf_putc(&b, ',');
		}
		snprintf(num, sizeof num, "%s", buf_cstr(&b));
		buf_free(&b);
	}
	return site_fill(p->a, t, "%lld", num);
}

const char *site_date_time(struct page *p, time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	/* The clock is the language's: "g:i a" (9:30 pm) or "G:i" (21:30). */
	const char *fmt = trc(p, "time format", "g:i a");
	struct buf b = BUF_INIT;
	for (const char *f = fmt; *f; f++) {
		int h = tm.tm_hour % 12;
		switch (*f) {
		case 'g': buf_printf(&b, "%d", h ? h : 12); break;
		case 'G': buf_printf(&b, "%d", tm.tm_hour); break;
		case 'H': buf_printf(&b, "%02d", tm.tm_hour); break;
		case 'i': buf_printf(&b, "%02d", tm.tm_min); break;
		case 'a': buf_puts(&b, tm.tm_hour < 12 ? tr(p, "am") : tr(p, "pm")); break;
		default: buf_putc(&b, *f);
		}
	}
	const char *time_s = arena_strdup(p->a, buf_cstr(&b));
	buf_free(&b);
	const char *s = site_fill(p->a, tr(p, "{date} at {time}"), "{date}", site_date(p, t));
	return site_fill(p->a, s, "{time}", time_s);
}

/* For tpl_render_tr: data is the page's catalogue. */
static const char *tpl_tr(void *data, const char *msgid)
{
	return catalog_get(data, NULL, msgid);
}

/* Month and weekday names, translated with a context: "May" is both a
** month's full and short name in English, not in Spanish. */
static const char *const month_names[] = {
	NC_("month", "January"), NC_("month", "February"), NC_("month", "March"),
	NC_("month", "April"), NC_("month", "May"), NC_("month", "June"), NC_("month", "July"),
	NC_("month", "August"), NC_("month", "September"), NC_("month", "October"),
	NC_("month", "November"), NC_("month", "December")};
static const char *const month_short[] = {
	NC_("month short", "Jan"), NC_("month short", "Feb"), NC_("month short", "Mar"),
	NC_("month short", "Apr"), NC_("month short", "May"), NC_("month short", "Jun"),
	NC_("month short", "Jul"), NC_("month short", "Aug"), NC_("month short", "Sep"),
	NC_("month short", "Oct"), NC_("month short", "Nov"), NC_("month short", "Dec")};
/* The date formats that name a month, for translators (German "j. F Y"). */
static const char *const date_formats[] __attribute__((unused)) = {
	NC_("date format", "F j, Y"), NC_("date format", "j F Y")};
static const char *const weekday_names[] = {
	NC_("weekday", "Sunday"), NC_("weekday", "Monday"), NC_("weekday", "Tuesday"),
	NC_("weekday", "Wednesday"), NC_("weekday", "Thursday"), NC_("weekday", "Friday"),
	NC_("weekday", "Saturday")};

char *site_date(struct page *p, time_t t)
{
	struct text_date_names names;
	for (int i = 0; i < 12; i++) {
		names.months[i] = trc(p, "month", month_names[i]);
		names.short_months[i] = trc(p, "month short", month_short[i]);
	}
	for (int i = 0; i < 7; i++)
		names.weekdays[i] = trc(p, "weekday", weekday_names[i]);
	/* The date format is the site's; a translation may give its own
	** (German "j. F Y" for "F j, Y"), keyed by the format itself. */
	const char *fmt = trc(p, "date format", p->app->settings.date_format);
	return text_date_format_names(p->a, t, fmt, &names);
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
		return site_page_path(a, pg.path);
	}
	return NULL;
}

/* site_menu() for items already read. */
static int menu_shown(struct page *p, struct tv *ctx, const struct menu_item *items, size_t n,
                      const char *key)
{
	struct arena *a = p->a;
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
		tv_set_bool(a, item, "external", items[i].kind == MENU_LINK && *items[i].url != '/');
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

int site_menu(struct page *p, struct tv *ctx, const char *menu, const char *key)
{
	size_t n;
	struct menu_item *items = menu_items(p->db, p->a, menu, &n);
	return menu_shown(p, ctx, items, n, key);
}

/* The identity settings as the layout shows them: site.logo {url, width,
** height}, the accent stylesheet (when not the theme's own colour), icons
** and the footer text (its links are the footer menu: site_menu()).  Every value is checked again as it is shown
** (settings_check): a row edited by hand in the database shows nothing. */
static void site_identity(struct page *p, struct tv *ctx, struct tv *site)
{
	struct arena *a = p->a;
	const struct settings *s = &p->app->settings;
	char why[160];
	int w, h;
	if (*s->site_logo &&
	    settings_check(settings_def("site_logo"), s->site_logo, why, sizeof why) == 0 &&
	    identity_image_size(p->db, s->site_logo, &w, &h) == 0 && w > 0 && h > 0) {
		struct tv *logo = tv_map(a);
		tv_set_str(a, logo, "url", arena_printf(a, "/media/%s", s->site_logo));
		/* Shown 48 pixels high (style.css); the attributes keep the shape. */
		tv_set_int(a, logo, "width", (long long)w * 48 / h > 0 ? (long long)w * 48 / h : 1);
		tv_set_int(a, logo, "height", 48);
		tv_set(a, site, "logo", logo);
	} else {
		tv_set_bool(a, site, "logo", 0);
	}
	const char *accent = site_accent(p);
	if (strcmp(accent, settings_def("accent_color")->def) != 0)
		tv_set_str(a, ctx, "identity_css", arena_printf(a, "/identity.css?v=%s", accent + 1));
	tv_set_bool(a, site, "has_icon", *s->site_icon != 0);
	tv_set_str(a, site, "footer_text", s->footer_text);
}

struct term *site_sections(struct page *p, size_t *n)
{
	if (!p->sections)
		p->sections = listmemo_sections(p->app->memo, p->db, p->a, &p->n_sections);
	*n = p->n_sections;
	return p->sections;
}

struct tv *site_context(struct page *p, const char *title)
{
	struct arena *a = p->a;
	const struct settings *s = &p->app->settings;
	struct tv *ctx = tv_map(a);
	struct tv *site = tv_map(a);
	tv_set_str(a, site, "title", s->site_title);
	/* The REST API's discovery link (WordPress's rel="https://api.w.org/"). */
	tv_set_str(a, site, "api_url", arena_printf(a, "%s/wp-json/", site_base(p)));
	tv_set_str(a, site, "tagline", s->tagline);
	tv_set_str(a, site, "base", site_base(p));
	int year, month, day;
	text_date_ymd(time(NULL), &year, &month, &day);
	tv_set_int(a, site, "year", year);
	tv_set_str(a, site, "lang", site_lang(p));
	tv_set_str(a, site, "dir", i18n_is_rtl(site_lang(p)) ? "rtl" : "ltr");
	tv_set(a, ctx, "site", site);
	tv_set_str(a, ctx, "css_url", p->app->css_url ? p->app->css_url : "/static/style.css");
	site_identity(p, ctx, site);
	if (title && *title)
		tv_set_str(a, ctx, "title", arena_printf(a, "%s – %s", title, s->site_title));
	else
		tv_set_str(a, ctx, "title", s->site_title);

	/* The menus set in the desk (a change of one is a change of every
	** page: the change log's 'all'); with no header menu, the sections. */
	struct menu_item *header, *footer;
	size_t n_header, n_footer;
	/* Remembered (model/listmemo.h); else one statement. */
	listmemo_menus(p->app->memo, p->db, a, &header, &n_header, &footer, &n_footer);
	int has_menu = menu_shown(p, ctx, header, n_header, "menu");
	menu_shown(p, ctx, footer, n_footer, "footer_links");
	size_t n;
	/* Only sections with something published: the navigation changes with
	** listings (DEP_LISTS, which every page with it depends on). */
	struct term *sections = has_menu ? NULL : site_sections(p, &n);
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
	/* The fallback social image: the one chosen, else the site icon. */
	const char *social = "/static/logo.png";
	char why[160];
	if (*s->social_image &&
	    settings_check(settings_def("social_image"), s->social_image, why, sizeof why) == 0)
		social = arena_printf(a, "/media/%s", s->social_image);
	else if (*s->site_icon)
		social = "/icon-512.png";
	tv_set_str(a, og, "image", arena_printf(a, "%s%s", base, social));
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
	/* The REST API's discovery, as WordPress sends it on every page (the
	** page cache keeps it with the page: pagecache.c's KEPT_HEADERS). */
	http_resp_header_add(p->resp, p->a, "Link",
	                     arena_printf(p->a, "<%s/wp-json/>; rel=\"https://api.w.org/\"",
	                                  site_base(p)));
	http_resp_unshare(p->resp);
	buf_reset(&p->resp->body);
	if (tpl_render_tr(p->app->theme, name, ctx, &p->resp->body, tpl_tr,
	                  (void *)site_catalog(p)) != 0) {
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
	int began = db_read_begin(p->db);
	if (began)
		listmemo_snapshot_begin(p->app->memo, p->db);
	handler(p);
	if (began) {
		listmemo_snapshot_end(p->app->memo);
		db_read_end(p->db);
	}
}

const char *site_slug(struct arena *a, const char *slug)
{
	struct buf b = BUF_INIT;
	esc_url_part(&b, slug, strlen(slug));
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

const char *site_page_path(struct arena *a, const char *path)
{
	struct buf b = BUF_INIT;
	buf_putc(&b, '/');
	for (const char *s = path; *s;) {
		size_t k = strcspn(s, "/");
		esc_url_part(&b, s, k);
		buf_putc(&b, '/');
		s += k + (s[k] == '/');
	}
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
	struct tv *ctx = site_context(p, tr(p, "Page not found"));
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

/* A photo's credit as printed under it: "Photo: Jane Doe/Agency", unless the
** credit already names what it credits ("Illustration: …", "Graphic: …",
** "Photo: …": one word and a colon), which is printed as it is. */
const char *site_credit_line(struct page *p, const char *credit)
{
	if (!credit || !*credit)
		return "";
	size_t k = 0;
	while (credit[k] && credit[k] != ':' && credit[k] != ' ' && k < 24)
		k++;
	if (k > 0 && credit[k] == ':')
		return credit;
	return trf(p, "Photo: %s", credit);
}

struct tv *site_image(struct page *p, long long media_id, const char *alt, const char *sizes,
                      int lazy, const char *link)
{
	return site_image_upto(p, media_id, alt, sizes, 0, lazy, link);
}

/* site_image()'s object for a picture already read. */
static struct tv *image_of(struct page *p, const struct media_picture *pic_in, const char *alt,
                           const char *sizes, int lazy, const char *link)
{
	struct arena *a = p->a;
	struct media_picture pic = *pic_in;
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
	tv_set_str(a, img, "credit_line", site_credit_line(p, pic.credit));
	tv_set_bool(a, img, "has_caption", *pic.caption || *pic.credit);
	tv_set_bool(a, img, "lazy", lazy);
	tv_set_str(a, img, "link", link ? link : "");
	tv_set_str(a, img, "social_url", pic.social_url);
	tv_set_int(a, img, "social_width", pic.social_width);
	tv_set_int(a, img, "social_height", pic.social_height);
	return img;
}

struct tv *site_image_of(struct page *p, const struct media_picture *pic, const char *alt,
                         const char *sizes, int lazy, const char *link)
{
	return image_of(p, pic, alt, sizes, lazy, link);
}

struct tv *site_image_upto(struct page *p, long long media_id, const char *alt,
                           const char *sizes, unsigned widest, int lazy, const char *link)
{
	struct media_picture pic;
	if (media_id <= 0 ||
	    media_picture_upto(p->db, p->a, media_id, SITE_DENSITY * widest, &pic) != 0)
		return NULL;
	return image_of(p, &pic, alt, sizes, lazy, link);
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
	return site_article_cards(p, list, n, SITE_CARD_SIZES, SITE_CARD_WIDEST, 2);
}

struct tv *site_article_cards(struct page *p, const struct article *list, size_t n,
                              const char *sizes, unsigned widest, size_t eager)
{
	struct site_slot *slots = arena_alloc(p->a, (n + 1) * sizeof *slots);
	for (size_t i = 0; i < n; i++)
		slots[i] = (struct site_slot){sizes, widest, i >= eager};
	return site_article_cards_in(p, list, n, slots);
}

struct tv *site_article_cards_in(struct page *p, const struct article *list, size_t n,
                                 const struct site_slot *slots)
{
	struct arena *a = p->a;
	struct tv *out = tv_list(a);
	/* Co-authors for the whole list in one query, not one a card. */
	long long *ids = arena_alloc(a, (n + 1) * sizeof *ids);
	struct byline_author **co_by = arena_alloc(a, (n + 1) * sizeof *co_by);
	size_t *co_n = arena_alloc(a, (n + 1) * sizeof *co_n);
	for (size_t i = 0; i < n; i++)
		ids[i] = list[i].id;
	byline_coauthors_many(p->db, a, ids, n, co_by, co_n);
	/* And their photos (media_pictures_upto()), not two queries a card. */
	struct media_picture *pics = arena_alloc(a, (n + 1) * sizeof *pics);
	int *has_pic = arena_alloc(a, (n + 1) * sizeof *has_pic);
	unsigned *need = arena_alloc(a, (n + 1) * sizeof *need);
	for (size_t i = 0; i < n; i++) {
		ids[i] = list[i].featured_media_id;
		need[i] = SITE_DENSITY * slots[i].widest;
	}
	media_pictures_upto(p->db, a, ids, n, need, pics, has_pic);
	for (size_t i = 0; i < n; i++) {
		struct article typeset = list[i];
		site_typeset(a, &typeset);
		const struct article *r = &typeset;
		struct tv *item = tv_map(a);
		tv_set_str(a, item, "headline", r->headline);
		tv_set_str(a, item, "dek", r->dek);
		tv_set_str(a, item, "url", site_article_path(p, r->published_at, r->slug));
		/* The same, under a name an image's own url does not hide. */
		tv_set(a, item, "link", tv_get(item, "url"));
		tv_set_str(a, item, "date_iso", text_date_iso(a, (time_t)r->published_at));
		tv_set_str(a, item, "date_long", site_date(p, (time_t)r->published_at));
		tv_set_str(a, item, "author_name", site_isolate(p, r->author_name));
		tv_set_str(a, item, "author_url", site_author_path(p, r->author_slug));
		/* Co-authors after the owner: "By A and B", "By A, B and C", the
		** words the site's language's; each name isolated in a right-to-left
		** one, so that Latin names keep their order in an Arabic byline. */
		struct tv *co = tv_list(a);
		for (size_t k = 0; k < co_n[i]; k++) {
			struct tv *c = tv_map(a);
			tv_set_str(a, c, "sep", site_name_sep(p, k + 1, co_n[i] + 1));
			tv_set_str(a, c, "name", site_isolate(p, co_by[i][k].name));
			tv_set_str(a, c, "url", site_author_path(p, co_by[i][k].slug));
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
		struct tv *img = has_pic[i] ? image_of(p, &pics[i], r->featured_alt, slots[i].sizes,
		                                       slots[i].lazy, tv_get(item, "url")->str)
		                            : NULL;
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

void site_sent_fields(struct page *p, struct tv *ctx)
{
	/* Show back every text field of the refused form: nothing typed is lost.
	** But to someone not signed in only a small form is shown back: else a
	** few KB sent would come back several times larger (every '<' escaped),
	** and the page would be a way to make the server hold and send memory. */
	struct tv *fields = tv_list(p->a);
	static const char *const skip[] = {"csrf", "byline_token", "password", "password2",
	                                   "token", "confirm", NULL};
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
			goto done;
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
done:
	tv_set(p->a, ctx, "fields", fields);
	tv_set_bool(p->a, ctx, "has_fields", fields->len > 0);
}

/* Back to the page the form was on, when the browser says (and it is
** ours), else `fallback`. */
const char *site_back(struct page *p, const char *fallback)
{
	const char *ref = http_header(p->req, "Referer");
	size_t olen = ref ? site_origin_len(ref) : 0;
	if (olen && ref[olen] == '/' && site_origin_is_ours(p->app, ref, olen) &&
	    !strpbrk(ref, "\r\n\"<>"))
		return arena_strdup(p->a, ref + olen);
	return fallback;
}

void site_forbidden(struct page *p, const char *why)
{
	if (p->user && p->session && p->user->role >= ROLE_CONTRIBUTOR) {
		/* Staff stay in the desk: its layout, what they sent, a way back. */
		admin_forbidden(p, why);
		return;
	}
	struct tv *ctx = site_context(p, tr(p, "Not sent"));
	tv_set_str(p->a, ctx, "heading", tr(p, "This was not sent"));
	tv_set_str(p->a, ctx, "message", why);
	/* Back to the page the form was on; else the front of the desk. */
	tv_set_str(p->a, ctx, "back", site_back(p, strcmp(p->req->method, "GET")
	                                               ? "/admin/" : p->req->path));
	site_sent_fields(p, ctx);
	p->is_private = 1;
	site_render(p, 403, "forbidden", ctx);
}
