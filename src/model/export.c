/*
** export.c: WXR 1.2 written as it is read (export.h).
**
** Each item is built in one buffer and handed to the writer when done;
** comments are read article by article.  Text goes out as CDATA where
** WordPress's exporter puts it there (wxr_cdata(): a "]]>" inside is
** split across two sections), else escaped by esc_xml(); characters XML
** 1.0 forbids (controls) are dropped from both.
*/
#include "model/export.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "db/db.h"
#include "model/settings.h"
#include "model/status.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Flush an item's buffer past this many bytes. */
#define FLUSH_AT (64 * 1024)

struct out {
	export_write write;  /* where bytes go */
	void *ctx;           /* its argument */
	struct buf b;        /* pending bytes */
	int failed;          /* the writer said stop */
	const char *base;    /* site address, "" for paths alone */
};

static void flush(struct out *o)
{
	if (o->b.len && !o->failed && o->write(o->ctx, o->b.data, o->b.len) != 0)
		o->failed = 1;
	buf_reset(&o->b);
}

static void put(struct out *o, const char *s)
{
	buf_puts(&o->b, s);
}

/* s as CDATA: "]]>" split ("]]]]><![CDATA[>"), controls XML forbids
** dropped. */
static void cdata(struct out *o, const char *s)
{
	buf_puts(&o->b, "<![CDATA[");
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		if (c == ']' && p[1] == ']' && p[2] == '>') {
			buf_puts(&o->b, "]]]]><![CDATA[>");
			p += 2;
			continue;
		}
		buf_putc(&o->b, (char)c);
	}
	buf_puts(&o->b, "]]>");
}

static void text(struct out *o, const char *s)
{
	esc_xml(&o->b, s, strlen(s));
}

/* <tag><![CDATA[s]]></tag> */
static void el_cdata(struct out *o, const char *tag, const char *s)
{
	buf_printf(&o->b, "<%s>", tag);
	cdata(o, s ? s : "");
	buf_printf(&o->b, "</%s>", tag);
}

static void el_int(struct out *o, const char *tag, long long v)
{
	buf_printf(&o->b, "<%s>%lld</%s>", tag, v, tag);
}

/* "2024-06-12 10:15:00" in the site's zone (local) or UTC; WordPress's
** "0000-00-00 00:00:00" for 0. */
static const char *wp_date(char *out, size_t n, long long t, int utc)
{
	if (t <= 0) {
		snprintf(out, n, "0000-00-00 00:00:00");
		return out;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	if (utc)
		gmtime_r(&tt, &tm);
	else
		localtime_r(&tt, &tm);
	snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return out;
}

/* RFC 2822 in UTC, locale-free ("Mon, 07 Dec 2026 12:00:00 +0000"). */
static const char *rfc2822(char *out, size_t n, long long t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)(t > 0 ? t : 0);
	struct tm tm;
	gmtime_r(&tt, &tm);
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
	         months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return out;
}

/* base + path, percent-encoding the bytes of each segment that a URL may
** not hold raw (UTF-8 slugs). */
static void url(struct out *o, const char *path)
{
	struct buf u = BUF_INIT;
	buf_puts(&u, o->base);
	for (const char *p = path; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x80)
			buf_printf(&u, "%%%02X", c);
		else
			buf_putc(&u, (char)c);
	}
	esc_xml(&o->b, u.data, u.len);
	buf_free(&u);
}

/* A slug as WordPress stores and exports it: bytes past ASCII as
** lowercase %xx ("café" -> "caf%c3%a9").  Allocated in a. */
static const char *wp_slug(struct arena *a, const char *slug)
{
	struct buf b = BUF_INIT;
	for (const char *p = slug; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x80)
			buf_printf(&b, "%%%02x", c);
		else
			buf_putc(&b, (char)c);
	}
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static long long one_int(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return v;
}

static const char sql_authors[] =
    "SELECT id, slug, COALESCE(email, ''), display_name FROM users ORDER BY id";
/* Parents before children: the depth of each section first. */
static const char sql_sections[] =
    "WITH RECURSIVE d(id, depth) AS ("
    "  SELECT id, 0 FROM sections WHERE parent_id IS NULL"
    "  UNION ALL SELECT s.id, d.depth + 1 FROM sections s JOIN d ON s.parent_id = d.id"
    "  WHERE d.depth < 32)"
    " SELECT s.id, s.slug, COALESCE(p.slug, ''), s.name, s.description"
    " FROM sections s JOIN d ON d.id = s.id LEFT JOIN sections p ON p.id = s.parent_id"
    " ORDER BY d.depth, s.id";
static const char sql_tags[] = "SELECT id, slug, name FROM tags ORDER BY id";
static const char sql_media[] =
    "SELECT m.id, m.hash, m.ext, m.mime, m.created_at, COALESCE(u.slug, ''),"
    " COALESCE((SELECT a.featured_alt FROM articles a WHERE a.featured_media_id = m.id"
    "   AND a.featured_alt <> '' ORDER BY a.id LIMIT 1), ''),"
    " COALESCE((SELECT min(a.id) FROM articles a WHERE a.featured_media_id = m.id), 0)"
    " FROM media m LEFT JOIN users u ON u.id = m.uploaded_by ORDER BY m.id";
static const char sql_pages[] =
    "SELECT p.id, p.title, p.slug, COALESCE(p.parent_id, 0), p.body_src, p.body_html,"
    " p.status, COALESCE(u.slug, ''), p.created_at, p.updated_at, p.comments_open,"
    " p.menu_order FROM pages p LEFT JOIN users u ON u.id = p.author_id ORDER BY p.id";
static const char sql_page_parent[] =
    "SELECT COALESCE(parent_id, 0), slug FROM pages WHERE id = ?1";
static const char sql_articles[] =
    "SELECT a.id, a.headline, a.slug, a.dek, a.body_src, a.body_html,"
    " CASE WHEN a.is_private <> 0 THEN 'private' ELSE a.status END,"
    " COALESCE(a.published_at, 0), a.created_at, a.updated_at, u.slug, a.comments_open,"
    " a.is_sticky, COALESCE(a.featured_media_id, 0), COALESCE(s.slug, ''), COALESCE(s.name, '')"
    " FROM articles a JOIN users u ON u.id = a.author_id"
    " LEFT JOIN sections s ON s.id = a.section_id ORDER BY a.id";
static const char sql_article_tags[] =
    "SELECT t.slug, t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id"
    " WHERE x.article_id = ?1 ORDER BY t.name";
/* A post's comments ([0]) and a page's ([1]): a comment is on one of them. */
#define SQL_COMMENTS(col) \
	"SELECT id, author_name, author_email, author_url, ip, created_at, body, status," \
	" COALESCE(parent_id, 0), COALESCE(user_id, 0) FROM comments WHERE " col " = ?1" \
	" ORDER BY id"
static const char *const sql_comments[2] = {SQL_COMMENTS("article_id"), SQL_COMMENTS("page_id")};

static void header(struct out *o, struct db *db, struct arena *a)
{
	char when[96];
	put(o, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	       "<!-- This is a WordPress eXtended RSS file written by Byline. -->\n"
	       "<rss version=\"2.0\"\n"
	       "\txmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n"
	       "\txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
	       "\txmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n"
	       "\txmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	       "\txmlns:wp=\"http://wordpress.org/export/1.2/\"\n>\n<channel>\n\t<title>");
	const char *title = settings_get(db, a, "site_title");
	text(o, title ? title : "");
	put(o, "</title>\n\t<link>");
	url(o, "/");
	put(o, "</link>\n\t<description>");
	const char *tagline = settings_get(db, a, "tagline");
	text(o, tagline ? tagline : "");
	buf_printf(&o->b, "</description>\n\t<pubDate>%s</pubDate>\n\t<language>en</language>\n"
	                  "\t<wp:wxr_version>1.2</wp:wxr_version>\n\t<wp:base_site_url>",
	           rfc2822(when, sizeof when, (long long)time(NULL)));
	text(o, o->base);
	put(o, "</wp:base_site_url>\n\t<wp:base_blog_url>");
	text(o, o->base);
	put(o, "</wp:base_blog_url>\n");
	/* Not WordPress's (it exports no time zone; its importers skip what
	** they do not know): the zone the dates and dated addresses are in,
	** which Byline's importer gives an empty site. */
	const char *tz = settings_get(db, a, "timezone");
	put(o, "\t<wp:timezone_string>");
	text(o, tz && *tz ? tz : "UTC");
	put(o, "</wp:timezone_string>\n");
}

/* The authors: login (their author slug), email, display name.  Never a
** password hash. */
static void authors(struct out *o, struct db *db, struct export_counts *c)
{
	struct db_stmt *st = db_prepare(db, sql_authors);
	while (db_step(st) == DB_ROW) {
		put(o, "\t<wp:author>");
		el_int(o, "wp:author_id", db_col_int(st, 0));
		el_cdata(o, "wp:author_login", db_col_text(st, 1));
		el_cdata(o, "wp:author_email", db_col_text(st, 2));
		el_cdata(o, "wp:author_display_name", db_col_text(st, 3));
		el_cdata(o, "wp:author_first_name", "");
		el_cdata(o, "wp:author_last_name", "");
		put(o, "</wp:author>\n");
		c->authors++;
	}
	db_done(st);
}

static void terms(struct out *o, struct db *db, struct export_counts *c)
{
	struct arena *a = arena_new();
	struct db_stmt *st = db_prepare(db, sql_sections);
	while (db_step(st) == DB_ROW) {
		put(o, "\t<wp:category>");
		el_int(o, "wp:term_id", db_col_int(st, 0));
		el_cdata(o, "wp:category_nicename", wp_slug(a, db_col_text(st, 1)));
		el_cdata(o, "wp:category_parent", wp_slug(a, db_col_text(st, 2)));
		el_cdata(o, "wp:cat_name", db_col_text(st, 3));
		el_cdata(o, "wp:category_description", db_col_text(st, 4));
		put(o, "</wp:category>\n");
		c->categories++;
	}
	db_done(st);
	flush(o);
	st = db_prepare(db, sql_tags);
	while (db_step(st) == DB_ROW) {
		put(o, "\t<wp:tag>");
		el_int(o, "wp:term_id", db_col_int(st, 0));
		el_cdata(o, "wp:tag_slug", wp_slug(a, db_col_text(st, 1)));
		el_cdata(o, "wp:tag_name", db_col_text(st, 2));
		put(o, "</wp:tag>\n");
		c->tags++;
		if (o->b.len > FLUSH_AT) {
			flush(o);
			arena_free(a); /* the slugs written so far */
			a = arena_new();
		}
	}
	db_done(st);
	flush(o);
	arena_free(a);
}

/* What every item has, from <title> to <wp:post_type>. */
struct item {
	long long id;               /* WordPress post id */
	const char *title, *link_path, *creator, *guid_path;
	const char *content, *excerpt, *slug, *status, *type;
	long long date, date_gmt_known, modified; /* seconds; date_gmt 0: "0000-..." */
	int comments_open, sticky;
	long long parent, menu_order;
};

static void item_head(struct out *o, const struct item *it)
{
	char d1[80], d2[80];
	put(o, "\t<item>\n\t\t");
	el_cdata(o, "title", it->title);
	put(o, "\n\t\t<link>");
	url(o, it->link_path);
	buf_printf(&o->b, "</link>\n\t\t<pubDate>%s</pubDate>\n\t\t",
	           rfc2822(d1, sizeof d1, it->date_gmt_known ? it->date : 0));
	el_cdata(o, "dc:creator", it->creator);
	put(o, "\n\t\t<guid isPermaLink=\"false\">");
	url(o, it->guid_path);
	put(o, "</guid>\n\t\t<description></description>\n\t\t");
	el_cdata(o, "content:encoded", it->content);
	put(o, "\n\t\t");
	el_cdata(o, "excerpt:encoded", it->excerpt);
	put(o, "\n\t\t");
	el_int(o, "wp:post_id", it->id);
	put(o, "\n\t\t");
	el_cdata(o, "wp:post_date", wp_date(d1, sizeof d1, it->date, 0));
	put(o, "\n\t\t");
	el_cdata(o, "wp:post_date_gmt", wp_date(d2, sizeof d2, it->date_gmt_known ? it->date : 0,
	                                        1));
	put(o, "\n\t\t");
	el_cdata(o, "wp:post_modified", wp_date(d1, sizeof d1, it->modified, 0));
	put(o, "\n\t\t");
	el_cdata(o, "wp:post_modified_gmt", wp_date(d2, sizeof d2, it->modified, 1));
	put(o, "\n\t\t");
	el_cdata(o, "wp:comment_status", it->comments_open ? "open" : "closed");
	put(o, "\n\t\t");
	el_cdata(o, "wp:ping_status", "closed");
	put(o, "\n\t\t");
	struct arena *a = arena_new();
	el_cdata(o, "wp:post_name", wp_slug(a, it->slug));
	arena_free(a);
	put(o, "\n\t\t");
	el_cdata(o, "wp:status", it->status);
	put(o, "\n\t\t");
	el_int(o, "wp:post_parent", it->parent);
	put(o, "\n\t\t");
	el_int(o, "wp:menu_order", it->menu_order);
	put(o, "\n\t\t");
	el_cdata(o, "wp:post_type", it->type);
	put(o, "\n\t\t");
	el_cdata(o, "wp:post_password", "");
	put(o, "\n\t\t");
	el_int(o, "wp:is_sticky", it->sticky);
	put(o, "\n");
}

static void meta(struct out *o, const char *key, const char *value)
{
	put(o, "\t\t<wp:postmeta>");
	el_cdata(o, "wp:meta_key", key);
	el_cdata(o, "wp:meta_value", value);
	put(o, "</wp:postmeta>\n");
}

static void attachments(struct out *o, struct db *db, long long offset,
                        struct export_counts *c)
{
	struct db_stmt *st = db_prepare(db, sql_media);
	while (db_step(st) == DB_ROW) {
		struct arena *a = arena_new(); /* this item's */
		const char *file = arena_printf(a, "%s.%s", db_col_text(st, 1), db_col_text(st, 2));
		const char *path = arena_printf(a, "/media/%s", file);
		struct item it = {
		    .id = offset + db_col_int(st, 0), .title = file, .link_path = path,
		    .creator = db_col_text(st, 5), .guid_path = path, .content = "",
		    .excerpt = db_col_text(st, 6), .slug = db_col_text(st, 1), .status = "inherit",
		    .type = "attachment", .date = db_col_int(st, 4), .date_gmt_known = 1,
		    .modified = db_col_int(st, 4), .parent = db_col_int(st, 7),
		};
		item_head(o, &it);
		put(o, "\t\t<wp:attachment_url>");
		url(o, path);
		put(o, "</wp:attachment_url>\n");
		/* Where the file is under the data folder's media/ (as WordPress's
		** is under wp-content/uploads/): `import-wordpress --uploads
		** DATA/media` takes the files of a Byline site. */
		meta(o, "_wp_attached_file", arena_printf(a, "%.2s/%s", file, file));
		if (*db_col_text(st, 6))
			meta(o, "_wp_attachment_image_alt", db_col_text(st, 6));
		put(o, "\t</item>\n");
		flush(o);
		c->attachments++;
		arena_free(a);
	}
	db_done(st);
}

/* A page's path ("about-us/team/"), walking up (bounded). */
static const char *page_path(struct db *db, struct arena *a, long long id, const char *slug,
                             long long parent)
{
	const char *path = arena_printf(a, "%s/", slug);
	for (int depth = 0; parent > 0 && depth < 16; depth++) {
		struct db_stmt *st = db_prepare(db, sql_page_parent);
		db_bind_int(st, 1, parent);
		if (db_step(st) != DB_ROW) {
			db_done(st);
			break;
		}
		path = arena_printf(a, "%s/%s", db_col_text(st, 1), path);
		parent = db_col_int(st, 0);
		db_done(st);
	}
	(void)id;
	return path;
}

static void comments(struct out *o, struct db *db, long long id, int on_page,
                     struct export_counts *c);

static void pages(struct out *o, struct db *db, long long offset, struct export_counts *c)
{
	struct db_stmt *st = db_prepare(db, sql_pages);
	while (db_step(st) == DB_ROW) {
		struct arena *a = arena_new(); /* this item's */
		long long id = db_col_int(st, 0), parent = db_col_int(st, 3);
		enum page_status status = page_status_parse(db_col_text(st, 6));
		const char *path = arena_printf(a, "/%s", page_path(db, a, id, db_col_text(st, 2),
		                                                    parent));
		struct item it = {
		    .id = offset + id, .title = db_col_text(st, 1), .link_path = path,
		    .creator = db_col_text(st, 7),
		    .guid_path = arena_printf(a, "/?page_id=%lld", offset + id),
		    .content = db_col_text(st, 5), .excerpt = "", .slug = db_col_text(st, 2),
		    .status = status == PAGE_PUBLISHED ? "publish" : page_status_name(status),
		    .type = "page", .date = db_col_int(st, 8), .date_gmt_known = status != PAGE_DRAFT,
		    .modified = db_col_int(st, 9), .comments_open = (int)db_col_int(st, 10),
		    .parent = parent ? offset + parent : 0, .menu_order = db_col_int(st, 11),
		};
		item_head(o, &it);
		meta(o, "_byline_markdown", db_col_text(st, 4));
		comments(o, db, id, 1, c);
		put(o, "\t</item>\n");
		flush(o);
		c->pages++;
		arena_free(a);
	}
	db_done(st);
}

/* WordPress's status for a Byline article's. */
static const char *wp_status(enum article_status s)
{
	return s == ARTICLE_PUBLISHED ? "publish" : s == ARTICLE_SCHEDULED ? "future"
	                                                                   : article_status_name(s);
}

/* WordPress's comment_approved for a comment's status. */
static const char *wp_approved(enum comment_status s)
{
	return s == COMMENT_APPROVED ? "1" : s == COMMENT_PENDING ? "0" : comment_status_name(s);
}

/* The comments of article id, or of page id when on_page. */
static void comments(struct out *o, struct db *db, long long id, int on_page,
                     struct export_counts *c)
{
	char d1[80], d2[80];
	struct db_stmt *st = db_prepare(db, sql_comments[on_page ? 1 : 0]);
	db_bind_int(st, 1, id);
	while (db_step(st) == DB_ROW) {
		long long when = db_col_int(st, 5);
		put(o, "\t\t<wp:comment>\n\t\t\t");
		el_int(o, "wp:comment_id", db_col_int(st, 0));
		el_cdata(o, "wp:comment_author", db_col_text(st, 1));
		el_cdata(o, "wp:comment_author_email", db_col_text(st, 2));
		el_cdata(o, "wp:comment_author_url", db_col_text(st, 3));
		el_cdata(o, "wp:comment_author_IP", db_col_text(st, 4));
		el_cdata(o, "wp:comment_date", wp_date(d1, sizeof d1, when, 0));
		el_cdata(o, "wp:comment_date_gmt", wp_date(d2, sizeof d2, when, 1));
		put(o, "\n\t\t\t");
		el_cdata(o, "wp:comment_content", db_col_text(st, 6));
		put(o, "\n\t\t\t");
		el_cdata(o, "wp:comment_approved",
		         wp_approved(comment_status_parse(db_col_text(st, 7))));
		el_cdata(o, "wp:comment_type", "comment");
		el_int(o, "wp:comment_parent", db_col_int(st, 8));
		el_int(o, "wp:comment_user_id", db_col_int(st, 9));
		put(o, "\n\t\t</wp:comment>\n");
		c->comments++;
		if (o->b.len > FLUSH_AT)
			flush(o);
	}
	db_done(st);
}

static void posts(struct out *o, struct db *db, long long media_offset,
                  struct export_counts *c)
{
	struct db_stmt *st = db_prepare(db, sql_articles);
	while (db_step(st) == DB_ROW) {
		struct arena *a = arena_new(); /* this item's */
		long long id = db_col_int(st, 0);
		enum article_status status = article_status_parse(db_col_text(st, 6));
		long long pub = db_col_int(st, 7);
		int dated = status == ARTICLE_PUBLISHED || status == ARTICLE_SCHEDULED ||
		            status == ARTICLE_PRIVATE;
		long long date = pub ? pub : db_col_int(st, 8);
		const char *link = arena_printf(a, "/?p=%lld", id);
		if (status == ARTICLE_PUBLISHED) {
			time_t t = (time_t)pub;
			struct tm tm;
			localtime_r(&t, &tm);
			link = arena_printf(a, "/%04d/%02d/%02d/%s/", tm.tm_year + 1900, tm.tm_mon + 1,
			                    tm.tm_mday, db_col_text(st, 2));
		}
		struct item it = {
		    .id = id, .title = db_col_text(st, 1), .link_path = link,
		    .creator = db_col_text(st, 10), .guid_path = arena_printf(a, "/?p=%lld", id),
		    .content = db_col_text(st, 5), .excerpt = db_col_text(st, 3),
		    .slug = db_col_text(st, 2), .status = wp_status(status), .type = "post",
		    .date = date, .date_gmt_known = dated && pub, .modified = db_col_int(st, 9),
		    .comments_open = (int)db_col_int(st, 11), .sticky = (int)db_col_int(st, 12),
		};
		item_head(o, &it);
		if (*db_col_text(st, 14)) {
			put(o, "\t\t<category domain=\"category\" nicename=\"");
			text(o, wp_slug(a, db_col_text(st, 14)));
			put(o, "\">");
			cdata(o, db_col_text(st, 15));
			put(o, "</category>\n");
		}
		struct db_stmt *tg = db_prepare(db, sql_article_tags);
		db_bind_int(tg, 1, id);
		while (db_step(tg) == DB_ROW) {
			put(o, "\t\t<category domain=\"post_tag\" nicename=\"");
			text(o, wp_slug(a, db_col_text(tg, 0)));
			put(o, "\">");
			cdata(o, db_col_text(tg, 1));
			put(o, "</category>\n");
		}
		db_done(tg);
		if (db_col_int(st, 13) > 0)
			meta(o, "_thumbnail_id",
			     arena_printf(a, "%lld", media_offset + db_col_int(st, 13)));
		meta(o, "_byline_markdown", db_col_text(st, 4));
		flush(o);
		comments(o, db, id, 0, c);
		put(o, "\t</item>\n");
		flush(o);
		c->posts++;
		arena_free(a);
	}
	db_done(st);
}

int export_wxr(struct db *db, const char *base, export_write write, void *ctx,
               struct export_counts *counts, char *err, size_t errlen)
{
	struct out o = {write, ctx, BUF_INIT, 0, base ? base : ""};
	struct export_counts c;
	memset(&c, 0, sizeof c);
	struct arena *a = arena_new();
	/* One snapshot of the whole site: a save meanwhile is in or out whole. */
	int began = db_read_begin(db);
	long long max_article = one_int(db, "SELECT COALESCE(max(id), 0) FROM articles");
	long long max_page = one_int(db, "SELECT COALESCE(max(id), 0) FROM pages");
	header(&o, db, a);
	authors(&o, db, &c);
	flush(&o);
	terms(&o, db, &c);
	attachments(&o, db, max_article + max_page, &c);
	pages(&o, db, max_article, &c);
	posts(&o, db, max_article + max_page, &c);
	put(&o, "</channel>\n</rss>\n");
	flush(&o);
	int failed = db_failed(db);
	if (began)
		db_read_end(db);
	buf_free(&o.b);
	arena_free(a);
	if (counts)
		*counts = c;
	if (o.failed) {
		snprintf(err, errlen, "could not write the export (disk full?)");
		return -1;
	}
	if (failed) {
		snprintf(err, errlen, "could not read the site: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}
