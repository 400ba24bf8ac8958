/*
** page_sitemap.c: the sitemaps search engines read (sitemaps.org 0.9).
**
**   /sitemap.xml              a sitemapindex of the files below
**   /sitemap-articles-N.xml   published articles, newest first, 50,000 a file
**   /sitemap-sections.xml     sections with published articles
**   /sitemap-tags.xml         tags with published articles
**   /sitemap-authors.xml      authors with published articles
**   /sitemap-pages.xml        published static pages (page.h), and
**                             /corrections/ once there is one (note.h)
**   /sitemap-news.xml         Google News: articles of the last 48 hours
**
** Every <loc> is absolute (site_base()) and every <lastmod> a W3C datetime
** (RFC 3339 with the site's offset).  An archive's <lastmod> is the newest
** change among its published articles.  Replies go through
** page_feed_send() (page_feed.c), like the feeds: ETag, Last-Modified, 304.
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "model/article.h"
#include "model/author.h"
#include "model/note.h"
#include "model/page.h"
#include "model/taxonomy.h"

#include <string.h>
#include <time.h>

#define SITEMAP_URLS 50000          /* the protocol's most URLs per file */
#define NEWS_SECONDS (48 * 3600)    /* Google News takes the last two days */
#define NEWS_URLS 1000              /* and at most this many of them */
#define SITEMAP_TYPE "application/xml; charset=utf-8"

static void xml_s(struct buf *b, const char *s)
{
	esc_xml(b, s, strlen(s));
}

static long long newest(long long a, long long b)
{
	return a > b ? a : b;
}

static void urlset_begin(struct buf *b, int is_news)
{
	buf_reset(b);
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
	if (is_news)
		buf_puts(b, " xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"");
	buf_puts(b, ">\n");
}

/* <loc>base + path</loc> and, when known (> 0), <lastmod>. */
static void loc_lastmod(struct page *p, struct buf *b, const char *base, const char *path,
                        long long lastmod)
{
	buf_puts(b, "<loc>");
	xml_s(b, base);
	xml_s(b, path);
	buf_puts(b, "</loc>");
	if (lastmod > 0) {
		buf_puts(b, "<lastmod>");
		xml_s(b, text_date_iso(p->a, (time_t)lastmod));
		buf_puts(b, "</lastmod>");
	}
}

static void url_entry(struct page *p, struct buf *b, const char *base, const char *path,
                      long long lastmod)
{
	buf_puts(b, "<url>");
	loc_lastmod(p, b, base, path, lastmod);
	buf_puts(b, "</url>\n");
}

/* Files of article URLs for count articles: at least one, even for an
** empty site. */
static long long article_files(long long count)
{
	return count ? (count + SITEMAP_URLS - 1) / SITEMAP_URLS : 1;
}

/* The news sitemap's window, [now - 48 h, now]. */
static struct article_scope news_scope(void)
{
	long long now = (long long)time(NULL);
	struct article_scope s = {SCOPE_DATES, 0, now - NEWS_SECONDS, now + 1};
	return s;
}

/* When the news sitemap last changed: its newest article change, or the
** moment the latest article to leave the window left it, whichever is
** later (leaving changes the file as surely as an edit does). */
static long long news_last_change(struct page *p, const struct article_scope *window)
{
	long long last = article_last_change(p->db, window);
	struct article_scope before = {SCOPE_DATES, 0, 0, window->from};
	size_t n;
	struct article *gone = article_in_scope(p->db, p->a, &before, 0, 1, 0, &n);
	if (n)
		last = newest(last, gone[0].published_at + NEWS_SECONDS);
	return last;
}

void page_sitemap_index(struct page *p)
{
	struct buf *b = &p->resp->body;
	const char *base = site_base(p);
	struct article_scope all = {SCOPE_ALL, 0, 0, 0};
	long long last = article_last_change(p->db, &all);
	long long files = article_files(article_count_in_scope(p->db, &all));
	struct article_scope window = news_scope();
	long long news_last = news_last_change(p, &window);

	buf_reset(b);
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	            "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (long long i = 1; i <= files; i++) {
		buf_puts(b, "<sitemap>");
		loc_lastmod(p, b, base, arena_printf(p->a, "/sitemap-articles-%lld.xml", i), last);
		buf_puts(b, "</sitemap>\n");
	}
	static const char *const others[] = {"/sitemap-sections.xml", "/sitemap-tags.xml",
	                                     "/sitemap-authors.xml"};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
		buf_puts(b, "<sitemap>");
		loc_lastmod(p, b, base, others[i], last);
		buf_puts(b, "</sitemap>\n");
	}
	size_t n_pages;
	struct page_row *pages = page_list(p->db, p->a, PAGE_PUBLISHED, &n_pages);
	long long pages_last = 0;
	for (size_t i = 0; i < n_pages; i++)
		pages_last = newest(pages_last, pages[i].updated_at);
	pages_last = newest(pages_last, note_last_correction(p->db));
	buf_puts(b, "<sitemap>");
	loc_lastmod(p, b, base, "/sitemap-pages.xml", pages_last);
	buf_puts(b, "</sitemap>\n");
	buf_puts(b, "<sitemap>");
	loc_lastmod(p, b, base, "/sitemap-news.xml", news_last);
	buf_puts(b, "</sitemap>\n</sitemapindex>\n");
	page_feed_send(p, SITEMAP_TYPE, newest(newest(last, news_last), pages_last));
}

void page_sitemap_pages(struct page *p)
{
	struct buf *b = &p->resp->body;
	const char *base = site_base(p);
	size_t n;
	/* Every published page: one under a draft is public at its own path
	** (as in WordPress), though its parent is not. */
	struct page_row *pages = page_list(p->db, p->a, PAGE_PUBLISHED, &n);
	long long last = 0;
	urlset_begin(b, 0);
	for (size_t i = 0; i < n; i++) {
		struct buf path = BUF_INIT;
		buf_putc(&path, '/');
		for (const char *s = pages[i].path; *s;) {
			size_t k = strcspn(s, "/");
			esc_url_part(&path, s, k);
			buf_putc(&path, '/');
			s += k + (s[k] == '/');
		}
		url_entry(p, b, base, buf_cstr(&path), pages[i].updated_at);
		buf_free(&path);
		last = newest(last, pages[i].updated_at);
	}
	long long corrected = note_last_correction(p->db);
	if (corrected) {
		url_entry(p, b, base, "/corrections/", corrected);
		last = newest(last, corrected);
	}
	buf_puts(b, "</urlset>\n");
	page_feed_send(p, SITEMAP_TYPE, last);
}

void page_sitemap_articles(struct page *p)
{
	struct article_scope all = {SCOPE_ALL, 0, 0, 0};
	long long count = article_count_in_scope(p->db, &all);
	long long n;
	if (text_int(p->req->params[0], 1, 99999, &n) != 0 || n > article_files(count)) {
		site_not_found(p);
		return;
	}
	struct buf *b = &p->resp->body;
	const char *base = site_base(p);
	/* Ask for no more rows than there are: the list is allocated whole. */
	long long offset = (n - 1) * SITEMAP_URLS;
	long long want = count - offset < SITEMAP_URLS ? count - offset : SITEMAP_URLS;
	size_t k = 0;
	struct article *list = want > 0 ? article_in_scope(p->db, p->a, &all, offset, (int)want,
	                                                   0, &k)
	                                : NULL;
	urlset_begin(b, 0);
	for (size_t i = 0; i < k; i++)
		url_entry(p, b, base, site_article_path(p, list[i].published_at, list[i].slug),
		          newest(list[i].updated_at, list[i].published_at));
	buf_puts(b, "</urlset>\n");
	page_feed_send(p, SITEMAP_TYPE, article_last_change(p->db, &all));
}

void page_sitemap_sections(struct page *p)
{
	struct buf *b = &p->resp->body;
	const char *base = site_base(p);
	size_t n;
	struct term *all = section_all(p->db, p->a, &n);
	urlset_begin(b, 0);
	for (size_t i = 0; i < n; i++) {
		struct article_scope scope = {SCOPE_SECTION, all[i].id, 0, 0};
		if (article_count_in_scope(p->db, &scope) == 0)
			continue; /* an empty section is no page worth indexing */
		/* A sub-section's page is /category/PARENT/CHILD/. */
		struct term self;
		long long parent_id = 0;
		const char *path = arena_printf(p->a, "/category/%s/", site_slug(p->a, all[i].slug));
		if (section_by_slug(p->db, p->a, all[i].slug, &self, &parent_id) == 0 && parent_id)
			for (size_t j = 0; j < n; j++)
				if (all[j].id == parent_id)
					path = arena_printf(p->a, "/category/%s/%s/",
					                    site_slug(p->a, all[j].slug),
					                    site_slug(p->a, all[i].slug));
		url_entry(p, b, base, path, article_last_change(p->db, &scope));
	}
	buf_puts(b, "</urlset>\n");
	struct article_scope every = {SCOPE_ALL, 0, 0, 0};
	page_feed_send(p, SITEMAP_TYPE, article_last_change(p->db, &every));
}

void page_sitemap_tags(struct page *p)
{
	struct buf *b = &p->resp->body;
	const char *base = site_base(p);
	size_t n;
	struct term *tags = tag_all(p->db, p->a, &n); /* only tags with published articles */
	urlset_begin(b, 0);
	for (size_t i = 0; i < n; i++) {
		struct article_scope scope = {SCOPE_TAG, tags[i].id, 0, 0};
		url_entry(p, b, base, arena_printf(p->a, "/tag/%s/", site_slug(p->a, tags[i].slug)),
		          article_last_change(p->db, &scope));
	}
	buf_puts(b, "</urlset>\n");
	struct article_scope every = {SCOPE_ALL, 0, 0, 0};
	page_feed_send(p, SITEMAP_TYPE, article_last_change(p->db, &every));
}

void page_sitemap_authors(struct page *p)
{
	struct buf *b = &p->resp->body;
	const char *base = site_base(p);
	size_t n;
	struct author *authors = author_published(p->db, p->a, &n);
	urlset_begin(b, 0);
	for (size_t i = 0; i < n; i++) {
		struct article_scope scope = {SCOPE_AUTHOR, authors[i].id, 0, 0};
		url_entry(p, b, base, site_author_path(p, authors[i].slug),
		          article_last_change(p->db, &scope));
	}
	buf_puts(b, "</urlset>\n");
	struct article_scope every = {SCOPE_ALL, 0, 0, 0};
	page_feed_send(p, SITEMAP_TYPE, article_last_change(p->db, &every));
}

void page_sitemap_news(struct page *p)
{
	struct buf *b = &p->resp->body;
	const char *base = site_base(p);
	const char *name = p->app->settings.site_title;
	struct article_scope window = news_scope();
	size_t n;
	struct article *list = article_in_scope(p->db, p->a, &window, 0, NEWS_URLS, 0, &n);
	urlset_begin(b, 1);
	for (size_t i = 0; i < n; i++) {
		const struct article *art = &list[i];
		buf_puts(b, "<url><loc>");
		xml_s(b, base);
		xml_s(b, site_article_path(p, art->published_at, art->slug));
		buf_puts(b, "</loc>\n<news:news><news:publication><news:name>");
		xml_s(b, name);
		/* Google News wants the ISO 639 code alone ("en", "de"). */
		const char *lang = site_lang(p);
		buf_puts(b, "</news:name><news:language>");
		buf_put(b, lang, strcspn(lang, "-"));
		buf_puts(b, "</news:language></news:publication>\n"
		            "<news:publication_date>");
		xml_s(b, text_date_iso(p->a, (time_t)art->published_at));
		buf_puts(b, "</news:publication_date>\n<news:title>");
		xml_s(b, art->headline);
		buf_puts(b, "</news:title></news:news></url>\n");
	}
	buf_puts(b, "</urlset>\n");
	/* Articles leave the 48-hour window with time alone: keep it 5 minutes. */
	p->deps.flags = DEP_LISTS | DEP_ANY_ARTICLE;
	p->deps.expires_at = (long long)time(NULL) + 300;
	page_feed_send(p, SITEMAP_TYPE, news_last_change(p, &window));
}
