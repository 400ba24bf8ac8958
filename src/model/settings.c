/*
** settings.c: the table of settings (defaults, rules, form labels), their
** validation, and loading them into struct settings.
**
** settings.h says why there is one table.  The rules that need another
** layer's knowledge call it: the time zone check is the core's (the one
** the server uses at start), the mailbox check is email_valid(), the
** one every form and the mail queue apply; text is judged by text_check(),
** as every form field is.
*/
#include "model/settings.h"
#include "core/arena.h"
#include "core/email.h"
#include "core/mem.h"
#include "core/text.h"
#include "core/utf8.h"
#include "db/db.h"
#include "render/i18n.h"

#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AT(f) offsetof(struct settings, f)

static const char g_site[] = DN_("Site");
static const char g_comments[] = DN_("Comments");
static const char g_signin[] = DN_("Sign-in and uploads");
static const char g_mail[] = DN_("Mail");
static const char g_server[] = DN_("Server");
static const char g_copydesk[] = DN_("Copy desk");
static const char g_identity[] = DN_("Site identity");

const struct setting_def settings_defs[] = {
	{"site_title", SETTING_TEXT, "Byline", 0, 0, NULL, AT(site_title), g_site,
	 DN_("Site title"), "", 0},
	{"tagline", SETTING_TEXT, "News, written with care", 0, 0, NULL, AT(tagline), g_site,
	 DN_("Tagline"), "", 0},
	{"base_url", SETTING_ORIGIN, "", 0, 0, NULL, AT(base_url), g_site,
	 DN_("Site address (URL)"),
	 DN_("Like https://news.example.com: links, feeds and mails name it. Empty: the address "
	 "the server listens on, which is only right on your own machine."), 0},
	{"timezone", SETTING_TIMEZONE, "UTC", 0, 0, NULL, AT(timezone), g_site,
	 DN_("Time zone"), DN_("An IANA name such as Europe/London or America/New_York."), 0},
	{"date_format", SETTING_CHOICE, "F j, Y", 0, 0, "F j, Y|j F Y|Y-m-d|m/d/Y|d/m/Y",
	 AT(date_format), g_site, DN_("Date format"), "", 0},
	{"posts_per_page", SETTING_INT, "10", 1, 100, NULL, AT(posts_per_page), g_site,
	 DN_("Articles per page"), "", 0},
	{"feed_full_text", SETTING_BOOL, "1", 0, 1, NULL, AT(feed_full_text), g_site,
	 DN_("Feeds carry whole articles (else excerpts)"), "", 0},

	{"site_logo", SETTING_IMAGE, "", 0, 0, NULL, AT(site_logo), g_identity, DN_("Logo"),
	 DN_("Shown in the masthead instead of the title. Upload a PNG, JPEG or WebP below; "
	 "empty this field to show the title again."), 0},
	{"site_icon", SETTING_IMAGE, "", 0, 0, NULL, AT(site_icon), g_identity,
	 DN_("Site icon (favicon and touch icons)"),
	 DN_("Upload a square PNG, JPEG or WebP below, 512 pixels or more: the icons at 32, 180, "
	 "192 and 512 pixels are made from it."), 0},
	{"social_image", SETTING_IMAGE, "", 0, 0, NULL, AT(social_image), g_identity,
	 DN_("Social image"), DN_("Shown when a page without a photo of its own is shared (1200 by 630 "
	 "pixels is best). Empty: the site icon, else Byline's logo."), 0},
	{"accent_color", SETTING_COLOR, "#9a1b1b", 0, 0, NULL, AT(accent_color), g_identity,
	 DN_("Accent colour"), DN_("Links, rules and buttons, as #rrggbb. Dark enough to read on white."), 0},
	{"footer_text", SETTING_TEXT, "", 0, 0, NULL, AT(footer_text), g_identity,
	 DN_("Footer text"), DN_("A line at the foot of every page, such as the publisher's address."), 0},

	{"comments_open", SETTING_BOOL, "1", 0, 1, NULL, AT(comments_open), g_comments,
	 DN_("Readers may comment"), "", 0},
	{"comments_close_days", SETTING_INT, "0", 0, 36500, NULL, AT(comments_close_days),
	 g_comments, DN_("Close comments on articles older than (days)"), DN_("0 keeps them open."), 0},
	{"comments_per_page", SETTING_INT, "50", 0, 1000, NULL, AT(comments_per_page),
	 g_comments, DN_("Comments per page (top-level threads; 0: all on one page)"), "", 0},
	{"moderation", SETTING_CHOICE, "first", 0, 0, "all|first|none", AT(moderation),
	 g_comments, DN_("Hold comments for moderation"),
	 DN_("first: hold a commenter's first comment; all: hold every comment; none: publish at once."), 0},
	{"comment_max_links", SETTING_INT, "2", 1, 100, NULL, AT(comment_max_links), g_comments,
	 DN_("Hold a comment with this many links or more"), "", 0},
	{"blocklist", SETTING_LINES, "", 0, 0, NULL, AT(blocklist), g_comments, DN_("Blocklist"),
	 DN_("One word or address a line; comments containing one go to spam."), 0},
	{"comment_min_seconds", SETTING_INT, "3", 0, 3600, NULL, AT(comment_min_seconds),
	 g_comments, DN_("Refuse a comment sent sooner after the page was served (seconds)"),
	 DN_("Robots fill the form at once; people take a few seconds."), 0},
	{"comment_max_seconds", SETTING_INT, "86400", 60, 30 * 86400, NULL,
	 AT(comment_max_seconds), g_comments,
	 DN_("Refuse a comment sent later after the page was served (seconds)"), "", 0},
	{"comment_flood_seconds", SETTING_INT, "15", 0, 3600, NULL, AT(comment_flood_seconds),
	 g_comments, DN_("One comment per address in (seconds)"), DN_("0 turns the flood check off."), 0},
	{"held_cookie_seconds", SETTING_INT, "3600", 60, 86400 * 7, NULL,
	 AT(held_cookie_seconds), g_comments,
	 DN_("A commenter sees their held comment for (seconds)"), "", 0},

	{"https", SETTING_BOOL, "0", 0, 1, NULL, AT(https), g_signin,
	 DN_("The site is served over https"), DN_("Marks the sign-in cookie Secure."), 0},
	{"session_idle_seconds", SETTING_INT, "7200", 300, 30 * 86400, NULL,
	 AT(session_idle_seconds), g_signin, DN_("Sign out after idle (seconds)"), "", 0},
	{"session_max_seconds", SETTING_INT, "43200", 600, 90 * 86400, NULL,
	 AT(session_max_seconds), g_signin, DN_("Sign out after (seconds) in any case"), "", 0},
	{"upload_max_bytes", SETTING_INT, "10485760", 1024, 100 * 1024 * 1024, NULL,
	 AT(upload_max_bytes), g_signin, DN_("Largest upload (bytes)"), "", 0},
	{"image_max_megapixels", SETTING_INT, "100", 1, 400, NULL, AT(image_max_megapixels),
	 g_signin, DN_("Largest image accepted (megapixels)"),
	 DN_("Width times height, read from the file's header before it is decoded: a larger "
	 "image is refused at once."), 0},
	{"import_max_mb", SETTING_INT, "256", 1, 16384, NULL, AT(import_max_mb), g_signin,
	 DN_("Largest WordPress export to import (MB)"), DN_("Tools > Import: a larger file is refused "
	 "before it is read."), 0},

	{"smtp_url", SETTING_SMTP_URL, "", 0, 0, NULL, AT(smtp_url), g_mail,
	 DN_("Mail server (SMTP URL)"), DN_("Like smtp://mail.example.com:587. Empty sends no mail."), 1},
	{"smtp_from", SETTING_MAILBOX, "", 0, 0, NULL, AT(smtp_from), g_mail,
	 DN_("Notifications come from"), DN_("An email address, or a name and <address>."), 1},

	{"language", SETTING_CHOICE, "en-US", 0, 0, "en-US|en-GB|de|es|ar", AT(language), g_copydesk,
	 DN_("Language of the site and its copy"),
	 DN_("Readers see the site's words (headings, forms, dates) in this language; the copy desk "
	 "checks spelling against its dictionary, plus the site's own words (no spelling check "
	 "when no dictionary is installed for it)."), 0},
	{"staging_hosts", SETTING_LINES, "", 0, 0, NULL, AT(staging_hosts), g_copydesk,
	 DN_("Staging hosts"), DN_("One host name a line, like staging.example.com: the copy desk "
	 "flags links to them (and to their subdomains) before they reach readers."), 0},

	{"cache_max_mb", SETTING_INT, "10", 0, 4096, NULL, AT(cache_max_mb), g_server,
	 DN_("Page cache size (MB)"), DN_("0 turns the cache off."), 1},
	{"cache_disk_mb", SETTING_INT, "0", 0, 1048576, NULL, AT(cache_disk_mb), g_server,
	 DN_("Page cache on disk (MB)"), DN_("Rendered pages kept in the data folder beyond the "
	 "memory cache, and every sitemap page rendered into it in the background (for sites "
	 "crawled end to end). 0 turns it off."), 1},
	{"page_scripts", SETTING_SCRIPTS, "", 0, 0, NULL, AT(page_scripts), g_site,
	 DN_("Analytics or advertising scripts"),
	 DN_("One https address of a script a line; empty by default. Warning: every public page "
	 "loads these scripts and allows their sites in its security policy, so each of those "
	 "sites can run its code on every page, see what readers read and type there, and "
	 "change what they see. Public pages run no script while this is empty."), 0},
	{"embed_providers", SETTING_LINES,
	 "youtube.com https://www.youtube.com/oembed www.youtube-nocookie.com www.youtube.com; "
	 "www.youtube.com https://www.youtube.com/oembed www.youtube-nocookie.com; "
	 "youtu.be https://www.youtube.com/oembed www.youtube-nocookie.com www.youtube.com; "
	 "vimeo.com https://vimeo.com/api/oembed.json player.vimeo.com; "
	 "datawrapper.dwcdn.net https://api.datawrapper.de/v3/oembed datawrapper.dwcdn.net; "
	 "public.flourish.studio https://app.flourish.studio/api/v1/oembed flo.uri.sh; "
	 "soundcloud.com https://soundcloud.com/oembed w.soundcloud.com; "
	 "mastodon.social https://mastodon.social/api/oembed; "
	 "x.com https://publish.twitter.com/oembed platform.twitter.com; "
	 "twitter.com https://publish.twitter.com/oembed platform.twitter.com",
	 0, 0, NULL, AT(embed_providers), g_site, DN_("Embed providers"),
	 DN_("One provider a line (or separated by ;): the host of its links (*.example.com for "
	 "any subdomain), its oEmbed endpoint, then the hosts its player may come from. A link alone on a line of "
	 "an article, to one of these hosts, becomes an embed: readers see a still and load "
	 "the player only if they choose to. A provider that answers with a script stays a "
	 "link, except X and Mastodon posts, framed from the post's own address."), 0},
	{"outbound_allow_private", SETTING_BOOL, "0", 0, 1, NULL, AT(outbound_allow_private),
	 g_server, DN_("Let webhooks reach private addresses"),
	 DN_("Off, webhooks never connect to a loopback, private or link-local address "
	 "(so a URL cannot reach into the newsroom's own network). Turn on only for "
	 "a receiver on this machine or network."), 0},
	{"webhook_retry_seconds", SETTING_INT, "30", 1, 3600, NULL, AT(webhook_retry_seconds),
	 g_server, DN_("First webhook retry after (seconds)"),
	 DN_("A failed delivery is tried again after this, then after twice as long each "
	 "time, for a day."), 0},
	{"cdn_purge_url", SETTING_HTTP_URL, "", 0, 0, NULL, AT(cdn_purge_url), g_server,
	 DN_("CDN purge address"),
	 DN_("Empty: no purges. Else an http:// or https:// address: when content changes, its surrogate keys "
	 "are posted there as {\"surrogate_keys\": [...]} (docs/ARCHITECTURE.md, CDN)."), 0},
	{"cdn_s_maxage", SETTING_INT, "60", 0, 86400, NULL, AT(cdn_s_maxage), g_server,
	 DN_("CDN keeps a public page (seconds)"),
	 DN_("s-maxage on pages for readers who are not signed in."), 0},
	{"cdn_stale_seconds", SETTING_INT, "600", 0, 604800, NULL, AT(cdn_stale_seconds), g_server,
	 DN_("CDN may serve a stale page while it refreshes (seconds)"),
	 DN_("stale-while-revalidate on pages for readers who are not signed in."), 0},
};

#undef AT

const size_t settings_n_defs = sizeof settings_defs / sizeof *settings_defs;
_Static_assert(sizeof settings_defs / sizeof *settings_defs == SETTINGS_N,
               "SETTINGS_N (settings.h) counts settings_defs[]");

static const char sql_insert_default[] =
    "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char sql_set[] =
    "INSERT INTO settings(key, value) VALUES (?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
static const char sql_get[] = "SELECT value FROM settings WHERE key = ?1";
static const char sql_all[] = "SELECT key, value FROM settings";
static const char sql_forget[] = "DELETE FROM settings WHERE key = ?1";

const struct setting_def *settings_def(const char *key)
{
	for (size_t i = 0; i < settings_n_defs; i++)
		if (!strcmp(settings_defs[i].key, key))
			return &settings_defs[i];
	return NULL;
}

int settings_ensure_defaults(struct db *db)
{
	int rc = 0;
	for (size_t i = 0; i < settings_n_defs && rc == 0; i++) {
		struct db_stmt *st = db_prepare(db, sql_insert_default);
		db_bind_text(st, 1, settings_defs[i].key);
		db_bind_text(st, 2, settings_defs[i].def);
		rc = db_step(st) == DB_OK ? 0 : -1;
		db_done(st);
	}
	if (rc)
		return rc;
	/* The secret: made once, never shown, never changed by settings_set. */
	unsigned char key[SECRET_LEN];
	char hex[SECRET_LEN * 2 + 1];
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	sodium_memzero(key, sizeof key);
	struct db_stmt *st = db_prepare(db, sql_insert_default);
	db_bind_text(st, 1, "secret");
	db_bind_text(st, 2, hex);
	rc = db_step(st) == DB_OK ? 0 : -1;
	db_done(st);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

/* ---- the rules ---- */

static int parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static int is_choice(const char *choices, const char *value)
{
	size_t len = strlen(value);
	const char *c = choices;
	while (*c) {
		size_t w = strcspn(c, "|");
		if (w == len && !strncmp(c, value, len))
			return 1;
		c += w;
		if (*c == '|')
			c++;
	}
	return 0;
}

/* 1 if s[0..n) has a control character (lines_ok: other than LF, CR, tab). */
static int has_control(const char *s, size_t n, int lines_ok)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (lines_ok && (c == '\n' || c == '\r' || c == '\t'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return 1;
	}
	return 0;
}

/* 1 if s[0..n) is host[:port]: a name of letters, digits, '-' and '.', or
** an IPv6 address in brackets; the port 1 to 65535. */
static int host_port_ok(const char *s, size_t n)
{
	size_t i = 0;
	if (n && s[0] == '[') {
		for (i = 1; i < n && s[i] != ']'; i++)
			if (!strchr("0123456789abcdefABCDEF:.", s[i]))
				return 0;
		if (i == n || i < 3)
			return 0;
		i++;
	} else {
		size_t label = 0;
		for (; i < n && s[i] != ':'; i++) {
			char c = s[i];
			if (c == '.') {
				if (label == 0 || s[i - 1] == '-')
					return 0;
				label = 0;
			} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			           (c >= '0' && c <= '9') || (c == '-' && label > 0)) {
				if (++label > 63)
					return 0;
			} else {
				return 0;
			}
		}
		/* A name may end in one dot ("example.com."), not begin with one. */
		if (i == 0 || (label == 0 && (i < 2 || s[i - 2] == '.')) || s[i - 1] == '-')
			return 0;
	}
	if (i == n)
		return 1;
	if (s[i] != ':' || i + 1 == n || n - i - 1 > 5)
		return 0;
	long port = 0;
	for (i++; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		port = port * 10 + (s[i] - '0');
	}
	return port >= 1 && port <= 65535;
}

/* The length of value's scheme and "://" if it is one of the two given
** (case-insensitive), else 0. */
static size_t scheme_len(const char *value, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (!strncasecmp(value, a, la))
		return la;
	if (!strncasecmp(value, b, lb))
		return lb;
	return 0;
}

/* SETTING_ORIGIN: the length of the origin in value ("" or
** http(s)://host[:port], one trailing '/' not counted), or -1. */
static long origin_len(const char *value)
{
	size_t n = strlen(value);
	if (n == 0)
		return 0;
	size_t s = scheme_len(value, "http://", "https://");
	if (!s)
		return -1;
	if (value[n - 1] == '/')
		n--;
	return host_port_ok(value + s, n - s) ? (long)n : -1;
}

/* SETTING_MAILBOX: "addr" or "Name <addr>", as the mailer reads it. */
static int mailbox_ok(const char *value)
{
	const char *lt = strrchr(value, '<');
	if (!lt)
		return email_valid(value);
	const char *gt = strchr(lt, '>');
	if (!gt || gt[1])
		return 0;
	char addr[256];
	size_t n = (size_t)(gt - lt - 1);
	if (n >= sizeof addr)
		return 0;
	memcpy(addr, lt + 1, n);
	addr[n] = 0;
	return email_valid(addr);
}

/* SETTING_COLOR: "#rrggbb". */
static int color_ok(const char *v)
{
	if (strlen(v) != 7 || v[0] != '#')
		return 0;
	for (int i = 1; i < 7; i++)
		if (!strchr("0123456789abcdefABCDEF", v[i]))
			return 0;
	return 1;
}

/* SETTING_IMAGE: "" or HASH.EXT as media stores it. */
static int image_name_ok(const char *v)
{
	if (!*v)
		return 1;
	for (int i = 0; i < 64; i++)
		if (!v[i] || !strchr("0123456789abcdef", v[i]))
			return 0;
	return !strcmp(v + 64, ".jpg") || !strcmp(v + 64, ".png") || !strcmp(v + 64, ".webp");
}

int settings_check(const struct setting_def *d, const char *value, char *err,
                   size_t errlen)
{
	size_t len = strlen(value);
	int n;
	switch (d->kind) {
	case SETTING_INT:
		if (parse_int(value, d->lo, d->hi, &n) == 0)
			return 0;
		snprintf(err, errlen, "Must be a whole number from %d to %d.", d->lo, d->hi);
		return -1;
	case SETTING_BOOL:
		if (!strcmp(value, "0") || !strcmp(value, "1"))
			return 0;
		snprintf(err, errlen, "Must be 1 (yes) or 0 (no).");
		return -1;
	case SETTING_CHOICE:
		if (is_choice(d->choices, value))
			return 0;
		snprintf(err, errlen, "Must be one of %s (separated by |).", d->choices);
		return -1;
	case SETTING_TIMEZONE:
		if (text_set_timezone_check(value) == 0)
			return 0;
		snprintf(err, errlen, "Unknown time zone: use a name like Europe/London.");
		return -1;
	case SETTING_ORIGIN:
		if (origin_len(value) >= 0)
			return 0;
		snprintf(err, errlen, "The site address must be http:// or https:// and a host "
		                      "name, with no path, like https://news.example.com.");
		return -1;
	case SETTING_HTTP_URL: {
		size_t s = scheme_len(value, "http://", "https://");
		size_t hn = s ? strcspn(value + s, "/?#") : 0;
		int ok = s && hn && host_port_ok(value + s, hn);
		for (size_t i = 0; ok && i < len; i++)
			if ((unsigned char)value[i] <= ' ' || strchr("\"'<>\\`", value[i]) ||
			    (unsigned char)value[i] >= 0x7f)
				ok = 0;
		if (len == 0 || ok)
			return 0;
		snprintf(err, errlen, "Must be empty or an http:// or https:// address, like "
		                      "https://api.fastly.com/service/ID/purge.");
		return -1;
	}
	case SETTING_SMTP_URL: {
		size_t s = scheme_len(value, "smtp://", "smtps://");
		if (len == 0 || (s && len > s && !strpbrk(value, " \"<>\\") &&
		                 !has_control(value, len, 0) && utf8_valid(value, len)))
			return 0;
		snprintf(err, errlen, "The mail server must be smtp:// or smtps:// and a host "
		                      "name, like smtp://mail.example.com:587.");
		return -1;
	}
	case SETTING_MAILBOX:
		if (len == 0 || (!has_control(value, len, 0) && utf8_valid(value, len) &&
		                 mailbox_ok(value)))
			return 0;
		snprintf(err, errlen, "Must be an email address, like desk@news.example.com, "
		                      "or a name and an address in <>.");
		return -1;
	case SETTING_COLOR:
		if (color_ok(value))
			return 0;
		snprintf(err, errlen, "Must be a colour written #rrggbb, like #9a1b1b.");
		return -1;
	case SETTING_IMAGE:
		if (image_name_ok(value))
			return 0;
		snprintf(err, errlen, "Must be empty or the name of an uploaded PNG, JPEG or WebP "
		                      "image (its 64-character hash and extension).");
		return -1;
	case SETTING_SCRIPTS:
		for (const char *line = value; *line;) {
			size_t ln = strcspn(line, "\r\n");
			size_t host = ln > 8 && !strncasecmp(line, "https://", 8) ? 8 : 0;
			size_t hn = host ? strcspn(line + host, "/?#\r\n") : 0;
			int ok = host && hn && host + hn < ln && line[host + hn] == '/' &&
			         host_port_ok(line + host, hn);
			for (size_t i = 0; ok && i < ln; i++)
				if ((unsigned char)line[i] <= ' ' || strchr("\"'<>\\`", line[i]) ||
				    (unsigned char)line[i] >= 0x7f)
					ok = 0;
			if (ln && !ok) {
				snprintf(err, errlen, "Each line must be the https address of a script, "
				                      "like https://stats.example.com/script.js.");
				return -1;
			}
			line += ln;
			while (*line == '\r' || *line == '\n')
				line++;
		}
		if (len > SETTING_TEXT_MAX) {
			snprintf(err, errlen, "This is too long: at most %d characters.",
			         SETTING_TEXT_MAX);
			return -1;
		}
		return 0;
	case SETTING_TEXT:
	case SETTING_LINES: {
		/* The sentences are text_check_message()'s, for "This". */
		size_t chars;
		enum text_verdict v = text_check(value, len, SETTING_TEXT_MAX, &chars);
		if (v == TEXT_INVALID) {
			snprintf(err, errlen, "This contains characters that are not valid text. "
			                      "Please type it again.");
			return -1;
		}
		if (has_control(value, len, d->kind == SETTING_LINES)) {
			snprintf(err, errlen, d->kind == SETTING_LINES
			                          ? "The text must not hold control characters."
			                          : "Must be one line, without control characters.");
			return -1;
		}
		if (v == TEXT_TOO_LONG) {
			snprintf(err, errlen, "This is too long: %zu characters, and at most %d are "
			         "allowed. Nothing was cut; please shorten it.", chars, SETTING_TEXT_MAX);
			return -1;
		}
		return 0;
	}
	}
	snprintf(err, errlen, "Unknown kind of setting.");
	return -1;
}

int settings_set(struct db *db, const char *key, const char *value, char *err,
                 size_t errlen)
{
	const struct setting_def *d = settings_def(key);
	if (!d) {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return -1;
	}
	char why[256];
	if (settings_check(d, value, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	/* An origin is stored without its trailing '/': links append paths. */
	size_t n = d->kind == SETTING_ORIGIN ? (size_t)origin_len(value) : strlen(value);
	struct db_stmt *st = db_prepare(db, sql_set);
	db_bind_text(st, 1, key);
	db_bind_textn(st, 2, value, n);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		snprintf(err, errlen, "cannot save setting: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

int settings_forget(struct db *db, const char *key)
{
	if (settings_def(key))
		return -1; /* a setting of the table keeps its row */
	struct db_stmt *st = db_prepare(db, sql_forget);
	db_bind_text(st, 1, key);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

char *settings_get(struct db *db, struct arena *a, const char *key)
{
	struct db_stmt *st = db_prepare(db, sql_get);
	db_bind_text(st, 1, key);
	char *v = NULL;
	if (db_step(st) == DB_ROW)
		v = arena_strdup(a, db_col_text(st, 0));
	db_done(st);
	return v;
}

/* ---- the struct ---- */

static int is_int_kind(enum setting_kind k)
{
	return k == SETTING_INT || k == SETTING_BOOL;
}

/* Puts value into d's field of s.  A stored number out of range (a row
** edited by hand) keeps the field as it was: the default. */
static void apply(struct settings *s, const struct setting_def *d, const char *value)
{
	if (is_int_kind(d->kind)) {
		parse_int(value, d->lo, d->hi, (int *)((char *)s + d->offset));
		return;
	}
	char **field = (char **)((char *)s + d->offset);
	free(*field);
	*field = mem_strdup(value);
}

int settings_load(struct db *db, struct settings *s)
{
	memset(s, 0, sizeof *s);
	/* Defaults first, so a missing row still gives a usable value. */
	for (size_t i = 0; i < settings_n_defs; i++)
		apply(s, &settings_defs[i], settings_defs[i].def);
	int have_secret = 0;
	struct db_stmt *st = db_prepare(db, sql_all);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *k = db_col_text(st, 0), *v = db_col_text(st, 1);
		if (!strcmp(k, "secret")) {
			size_t got = 0;
			if (sodium_hex2bin(s->secret, sizeof s->secret, v, strlen(v), NULL, &got,
			                   NULL) == 0 && got == SECRET_LEN)
				have_secret = 1;
			continue;
		}
		const struct setting_def *d = settings_def(k);
		if (d)
			apply(s, d, v);
	}
	db_done(st);
	if (rc != DB_OK || !have_secret) {
		settings_free(s);
		return -1;
	}
	return 0;
}

void settings_free(struct settings *s)
{
	for (size_t i = 0; i < settings_n_defs; i++)
		if (!is_int_kind(settings_defs[i].kind))
			free(*(char **)((char *)s + settings_defs[i].offset));
	sodium_memzero(s->secret, sizeof s->secret);
	memset(s, 0, sizeof *s);
}
