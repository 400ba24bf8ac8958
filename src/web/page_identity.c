/*
** page_identity.c: what the site-identity settings serve: /favicon.ico, the
** touch and app icons (/icon-N.png), the web app manifest and
** /identity.css (the accent colour as a custom property: the CSP allows
** only stylesheets from our origin, no inline style).
**
** Icons are made once, when the site icon is uploaded (admin_settings.c),
** and read from the database here.  With none uploaded, /favicon.ico and
** the icons answer 301 to Byline's own logo, never 404.
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "model/identity.h"
#include "model/settings.h"

#include <stdlib.h>
#include <string.h>

static void send_icon(struct page *p, int size)
{
	size_t len;
	const char *type;
	const unsigned char *data = identity_icon(p->db, p->a, size, &len, &type);
	if (!data) {
		http_redirect(p->req, p->resp, 301, "/static/logo.png");
		return;
	}
	p->resp->content_type = type;
	/* An icon changes with the setting: a day's caching, not a year's. */
	http_resp_header(p->resp, "Cache-Control", "public, max-age=86400");
	buf_put(&p->resp->body, data, len);
}

void page_favicon(struct page *p)
{
	send_icon(p, 0);
}

void page_icon(struct page *p)
{
	static const int sizes[] = IDENTITY_ICON_SIZES;
	const char *n = p->req->params[0];
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
		if (atoi(n) == sizes[i]) {
			send_icon(p, sizes[i]);
			return;
		}
	site_not_found(p);
}

/* The accent colour, checked again (a row edited by hand is not trusted
** into a stylesheet): the setting's, else the default. */
const char *site_accent(struct page *p)
{
	const struct setting_def *d = settings_def("accent_color");
	const char *v = p->app->settings.accent_color;
	char err[128];
	return v && settings_check(d, v, err, sizeof err) == 0 ? v : d->def;
}

void page_identity_css(struct page *p)
{
	const char *accent = site_accent(p);
	/* A darker shade for hover: each channel at 80%. */
	unsigned long rgb = strtoul(accent + 1, NULL, 16);
	unsigned r = (unsigned)((rgb >> 16) & 255) * 4 / 5, g = (unsigned)((rgb >> 8) & 255) * 4 / 5,
	         b = (unsigned)(rgb & 255) * 4 / 5;
	p->resp->content_type = "text/css; charset=utf-8";
	buf_printf(&p->resp->body,
	           "/* The site's accent colour (Settings > Site identity). */\n"
	           ":root { --accent: %s; --accent-dark: #%02x%02x%02x; }\n"
	           ".submit:hover { background: var(--accent-dark); }\n",
	           accent, r, g, b);
	const char *v = http_query(p->req, "v", NULL);
	http_resp_header(p->resp, "Cache-Control",
	                 v && !strcmp(v, accent + 1) ? "public, max-age=31536000, immutable"
	                                             : "public, max-age=300");
}

void page_manifest(struct page *p)
{
	const struct settings *s = &p->app->settings;
	struct buf *b = &p->resp->body;
	p->resp->content_type = "application/manifest+json";
	buf_puts(b, "{\"name\": \"");
	esc_json(b, s->site_title, strlen(s->site_title));
	buf_puts(b, "\", \"short_name\": \"");
	esc_json(b, s->site_title, strlen(s->site_title));
	buf_printf(b, "\", \"start_url\": \"/\", \"display\": \"browser\", \"theme_color\": \"%s\","
	              " \"background_color\": \"#ffffff\", \"icons\": [",
	           site_accent(p));
	if (*s->site_icon)
		buf_puts(b, "{\"src\": \"/icon-192.png\", \"sizes\": \"192x192\", \"type\": \"image/png\"},"
		            " {\"src\": \"/icon-512.png\", \"sizes\": \"512x512\", \"type\": \"image/png\"}");
	else
		buf_puts(b, "{\"src\": \"/static/logo.png\", \"sizes\": \"192x192\", \"type\": \"image/png\"}");
	buf_puts(b, "]}\n");
	http_resp_header(p->resp, "Cache-Control", "public, max-age=3600");
}
