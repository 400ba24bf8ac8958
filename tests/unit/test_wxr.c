/*
** test_wxr.c: unit tests for src/model/wxr_read.c (the streaming WXR
** reader) and src/render/wpcontent.c (WordPress content to Byline's body).
**
** The reader: every field of a small export of our own (channel, author,
** nested category, tag in Japanese, a post with post meta, terms and
** threaded comments of every kind, a "]]>" split across CDATA sections);
** files refused with their line and column: not XML, cut short, not WXR, a
** DOCTYPE (an entity naming a local file, one naming a URL, a billion
** laughs, refused at once), a field over its cap.  The conversion: wpautop's
** paragraphs and line breaks, block comments and <!--more--> dropped,
** [caption], [gallery], [embed], bare URLs, other shortcodes left and
** reported, old-site links made relative, uploads mapped, and text (emoji,
** RTL, CJK, entities) byte for byte.
**
** The import's fetch of attachments (wxr_import_opts.fetch, a stand-in
** here): called once for each attachment without a file, never with a
** transaction open, never in a dry run (which counts); a fetched image
** becomes the post's featured image, a failure is a report line; a second
** run asks only for what is still missing.
*/
#include "core/buf.h"
#include "db/db.h"
#include "model/schema.h"
#include "model/wxr_import.h"
#include "model/wxr_read.h"
#include "render/wpcontent.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HEAD \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"" \
	" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"" \
	" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"" \
	" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n" \
	"<title>Gazette</title><link>https://old.example.org</link>\n" \
	"<wp:wxr_version>1.2</wp:wxr_version>\n" \
	"<wp:base_site_url>https://old.example.org</wp:base_site_url>\n" \
	"<wp:base_blog_url>https://old.example.org/blog</wp:base_blog_url>\n"
#define TAIL "</channel>\n</rss>\n"

static const char sample[] =
    HEAD
    "<wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[zoe]]></wp:author_login>"
    "<wp:author_email>zoe@example.org</wp:author_email>"
    "<wp:author_display_name><![CDATA[Zoë Ångström]]></wp:author_display_name>"
    "<wp:author_first_name>Zoë</wp:author_first_name><wp:author_last_name/></wp:author>\n"
    "<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>local</wp:category_nicename>"
    "<wp:category_parent>news</wp:category_parent><wp:cat_name><![CDATA[Local & Co]]></wp:cat_name>"
    "<wp:category_description>Near</wp:category_description></wp:category>\n"
    "<wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>%e6%97%a5</wp:tag_slug>"
    "<wp:tag_name><![CDATA[日]]></wp:tag_name></wp:tag>\n"
    "<wp:term><wp:term_id>9</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy>"
    "<wp:term_slug>main</wp:term_slug><wp:term_name>Main</wp:term_name></wp:term>\n"
    "<item><title>Café &amp; bar</title><link>https://old.example.org/2024/03/05/cafe/</link>"
    "<dc:creator>zoe</dc:creator><guid isPermaLink=\"false\">https://old.example.org/?p=10</guid>"
    "<content:encoded><![CDATA[a ]]]]><![CDATA[> b 👩‍👩‍👧 עברית]]></content:encoded>"
    "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
    "<wp:post_id>10</wp:post_id><wp:post_date>2024-03-05 00:30:00</wp:post_date>"
    "<wp:post_date_gmt>2024-03-04 23:30:00</wp:post_date_gmt>"
    "<wp:comment_status>closed</wp:comment_status><wp:post_name>cafe</wp:post_name>"
    "<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent>"
    "<wp:menu_order>3</wp:menu_order><wp:post_type>post</wp:post_type>"
    "<wp:post_password>secret</wp:post_password><wp:is_sticky>1</wp:is_sticky>\n"
    "<category domain=\"category\" nicename=\"local\"><![CDATA[Local & Co]]></category>"
    "<category domain=\"post_tag\" nicename=\"%e6%97%a5\"><![CDATA[日]]></category>\n"
    "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>31</wp:meta_value></wp:postmeta>\n"
    "<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author>Ann</wp:comment_author>"
    "<wp:comment_author_email>a@example.net</wp:comment_author_email>"
    "<wp:comment_author_url>https://a.example.net</wp:comment_author_url>"
    "<wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>"
    "<wp:comment_date>2024-03-06 10:00:00</wp:comment_date>"
    "<wp:comment_date_gmt>2024-03-06 09:00:00</wp:comment_date_gmt>"
    "<wp:comment_content><![CDATA[Hi <b>there</b>]]></wp:comment_content>"
    "<wp:comment_approved>spam</wp:comment_approved><wp:comment_type>pingback</wp:comment_type>"
    "<wp:comment_parent>6</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>"
    "<wp:commentmeta><wp:meta_key>x</wp:meta_key><wp:meta_value>y</wp:meta_value></wp:commentmeta>"
    "</wp:comment>\n"
    "<wp:comment><wp:comment_id>6</wp:comment_id><wp:comment_author>Bo</wp:comment_author>"
    "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>"
    "</wp:comment>\n"
    "</item>\n"
    "<item><title>Menu</title><wp:post_id>30</wp:post_id>"
    "<wp:post_type>nav_menu_item</wp:post_type></item>\n"
    TAIL;

struct seen {
	int channels, authors, terms, items;
	char log[4096];
};

static void logf_(struct seen *s, const char *a, const char *b)
{
	size_t n = strlen(s->log);
	snprintf(s->log + n, sizeof s->log - n, "%s=%s|", a, b);
}

static int on_channel(void *ctx, const struct wxr_channel *c)
{
	struct seen *s = ctx;
	s->channels++;
	logf_(s, "version", c->version);
	logf_(s, "title", c->title);
	logf_(s, "link", c->link);
	logf_(s, "site", c->base_site_url);
	logf_(s, "blog", c->base_blog_url);
	return 0;
}

static int on_author(void *ctx, const struct wxr_author *au)
{
	struct seen *s = ctx;
	s->authors++;
	CHECK(au->id == 2);
	CHECK_STR(au->login, "zoe");
	CHECK_STR(au->email, "zoe@example.org");
	CHECK_STR(au->display_name, "Zoë Ångström");
	CHECK_STR(au->first_name, "Zoë");
	CHECK_STR(au->last_name, "");
	return 0;
}

static int on_term(void *ctx, const struct wxr_term *t)
{
	struct seen *s = ctx;
	s->terms++;
	char id[32];
	snprintf(id, sizeof id, "%lld", t->id);
	logf_(s, t->taxonomy, id);
	logf_(s, "slug", t->slug);
	logf_(s, "parent", t->parent);
	logf_(s, "name", t->name);
	logf_(s, "desc", t->description);
	return 0;
}

static int on_item(void *ctx, const struct wxr_item *it)
{
	struct seen *s = ctx;
	s->items++;
	if (s->items == 2) {
		CHECK_STR(it->post_type, "nav_menu_item");
		CHECK(it->n_comments == 0 && it->n_terms == 0 && it->n_meta == 0);
		return 0;
	}
	CHECK(it->id == 10);
	CHECK_STR(it->title, "Café & bar");
	CHECK_STR(it->link, "https://old.example.org/2024/03/05/cafe/");
	CHECK_STR(it->guid, "https://old.example.org/?p=10");
	CHECK_STR(it->creator, "zoe");
	/* wxr_split_cdata: "]]>" written as two CDATA sections comes back whole */
	CHECK_STR(it->content, "a ]]> b 👩‍👩‍👧 עברית");
	CHECK_STR(it->excerpt, "");
	CHECK_STR(it->post_date, "2024-03-05 00:30:00");
	CHECK_STR(it->post_date_gmt, "2024-03-04 23:30:00");
	CHECK_STR(it->comment_status, "closed");
	CHECK_STR(it->post_name, "cafe");
	CHECK_STR(it->status, "publish");
	CHECK_STR(it->post_type, "post");
	CHECK_STR(it->password, "secret");
	CHECK(it->is_sticky == 1 && it->menu_order == 3 && it->parent == 0);
	CHECK(it->n_terms == 2);
	if (it->n_terms == 2) {
		CHECK_STR(it->terms[0].domain, "category");
		CHECK_STR(it->terms[0].slug, "local");
		CHECK_STR(it->terms[0].name, "Local & Co");
		CHECK_STR(it->terms[1].slug, "%e6%97%a5");
		CHECK_STR(it->terms[1].name, "日");
	}
	CHECK_STR(wxr_meta_get(it, "_thumbnail_id"), "31");
	CHECK(wxr_meta_get(it, "_nope") == NULL);
	CHECK(it->n_comments == 2);
	if (it->n_comments == 2) {
		const struct wxr_comment *c = &it->comments[0];
		CHECK(c->id == 7 && c->parent == 6 && c->user_id == 0);
		CHECK_STR(c->author, "Ann");
		CHECK_STR(c->email, "a@example.net");
		CHECK_STR(c->url, "https://a.example.net");
		CHECK_STR(c->ip, "192.0.2.1");
		CHECK_STR(c->date, "2024-03-06 10:00:00");
		CHECK_STR(c->date_gmt, "2024-03-06 09:00:00");
		CHECK_STR(c->content, "Hi <b>there</b>");
		CHECK_STR(c->approved, "spam");
		CHECK_STR(c->type, "pingback");
		CHECK(it->comments[1].id == 6 && it->comments[1].parent == 0);
		CHECK_STR(it->comments[1].email, "");
		CHECK_STR(it->comments[1].approved, "1");
	}
	return 0;
}

static void test_reader_fields(void)
{
	struct seen s;
	memset(&s, 0, sizeof s);
	struct wxr_handler h = {&s, on_channel, on_author, on_term, on_item};
	struct wxr_error e;
	int rc = wxr_read_memory(sample, strlen(sample), &h, &e);
	if (rc)
		fprintf(stderr, "error %d:%d %s\n", e.line, e.column, e.msg);
	CHECK(rc == 0);
	CHECK(s.channels == 1 && s.authors == 1 && s.terms == 3 && s.items == 2);
	CHECK(strstr(s.log, "version=1.2|title=Gazette|link=https://old.example.org|"
	                    "site=https://old.example.org|blog=https://old.example.org/blog|") != NULL);
	CHECK(strstr(s.log, "category=4|slug=local|parent=news|name=Local & Co|desc=Near|") != NULL);
	CHECK(strstr(s.log, "post_tag=5|slug=%e6%97%a5|parent=|name=日|desc=|") != NULL);
	CHECK(strstr(s.log, "nav_menu=9|slug=main|") != NULL);
}

/* Reads text as an export; returns the error (line, column, message). */
static int refused(const char *text, struct wxr_error *e)
{
	struct seen s;
	memset(&s, 0, sizeof s);
	struct wxr_handler h = {&s, NULL, NULL, NULL, NULL};
	return wxr_read_memory(text, strlen(text), &h, e) != 0;
}

static void test_reader_refuses(void)
{
	struct wxr_error e;
	/* wxr_cut_short: named as such, with a line */
	size_t n = strlen(sample) / 2;
	char *cut = strndup(sample, n);
	CHECK(refused(cut, &e));
	CHECK(e.line > 1 && strstr(e.msg, "cut short"));
	free(cut);
	/* wxr_malformed: a tag closed by another */
	CHECK(refused(HEAD "<item><title>x</link></item>" TAIL, &e));
	CHECK(e.line == 8 && e.column > 0 && strstr(e.msg, "well-formed"));
	/* wxr_not_wxr: an RSS feed, an HTML page */
	CHECK(refused("<?xml version=\"1.0\"?>\n<rss><channel><title>t</title><item><title>x"
	              "</title></item></channel></rss>", &e));
	CHECK(strstr(e.msg, "not a WordPress export") != NULL);
	CHECK(refused("<html><body/></html>", &e));
	CHECK(strstr(e.msg, "not a WordPress export") && e.line == 1);
	CHECK(refused("", &e));
	CHECK(refused("<?xml version=\"1.0\"?>\n<rss xmlns:wp=\"http://wordpress.org/export/1.2/\">"
	              "<channel><wp:wxr_version>9.9</wp:wxr_version></channel></rss>", &e));
	CHECK(strstr(e.msg, "9.9") != NULL);
	/* wxr_external_entity_file, wxr_external_entity_url: never read */
	CHECK(refused("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "
	              "\"file:///etc/passwd\">]>\n<rss xmlns:wp=\"http://wordpress.org/export/1.2/\">"
	              "<channel><wp:wxr_version>1.2</wp:wxr_version><title>&x;</title></channel></rss>",
	              &e));
	CHECK(strstr(e.msg, "DTD") != NULL && !strstr(e.msg, "root:"));
	CHECK(refused("<?xml version=\"1.0\"?>\n<!DOCTYPE rss SYSTEM \"http://127.0.0.1:9/x.dtd\">\n"
	              "<rss><channel><title>&y;</title></channel></rss>", &e));
	CHECK(strstr(e.msg, "DTD") != NULL || strstr(e.msg, "entity") != NULL);
	/* wxr_billion_laughs: refused within a second */
	struct buf b = BUF_INIT;
	buf_puts(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY l0 \"lol\">\n");
	for (int i = 1; i <= 9; i++) {
		buf_printf(&b, "<!ENTITY l%d \"", i);
		for (int k = 0; k < 10; k++)
			buf_printf(&b, "&l%d;", i - 1);
		buf_puts(&b, "\">\n");
	}
	buf_puts(&b, "]>\n<rss><channel><title>&l9;</title></channel></rss>\n");
	clock_t t0 = clock();
	CHECK(refused(buf_cstr(&b), &e));
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	buf_free(&b);
	/* wxr_field_cap: a title over 1 MB */
	buf_puts(&b, HEAD "<item><title>");
	for (int i = 0; i < 1100; i++) {
		char k[1024];
		memset(k, 'x', sizeof k);
		buf_put(&b, k, sizeof k);
	}
	buf_puts(&b, "</title></item>" TAIL);
	CHECK(refused(buf_cstr(&b), &e));
	CHECK(strstr(e.msg, "<title>") && strstr(e.msg, "longer") && e.line > 0);
	buf_free(&b);
}

/* ---- conversion ---- */

static int att(void *ctx, long long id, const char **url, const char **alt)
{
	(void)ctx;
	if (id == 31) {
		*url = "/media/aaa.jpg";
		*alt = "A \"quoted\" boat";
		return 0;
	}
	if (id == 32) {
		*url = "/media/bbb.png";
		*alt = "";
		return 0;
	}
	return -1;
}

static const char *upl(void *ctx, const char *url)
{
	(void)ctx;
	return strstr(url, "/2024/03/boat.jpg") ? "/media/aaa.jpg" : NULL;
}

static char *conv(const char *src, struct buf *notes)
{
	static const char *const bases[] = {"https://old.example.org", "http://old.example.org/blog"};
	struct wpcontent_ctx c = {bases, 2, att, upl, NULL};
	struct buf out = BUF_INIT;
	wpcontent_convert(src, &c, &out, notes);
	return buf_detach(&out, NULL);
}

#define CONV(src, want) do { \
	char *got_ = conv(src, NULL); \
	CHECK_STR(got_, want); \
	free(got_); \
} while (0)

static void test_convert(void)
{
	/* wpautop: blank lines make paragraphs, a newline a <br> */
	CONV("One\nstill one\n\nTwo", "<p>One<br>\nstill one</p>\n\n<p>Two</p>");
	CONV("One\r\n\r\nTwo", "<p>One</p>\n\n<p>Two</p>");
	CONV("<h2>Title</h2>\n\nText", "<h2>Title</h2>\n\n<p>Text</p>");
	/* a blank line inside a list or a <pre> never splits it */
	CONV("<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>");
	CONV("<pre>x\n\n  y</pre>", "<pre>x\n\n  y</pre>");
	/* Gutenberg block comments and <!--more--> are invisible */
	CONV("<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->\n\n<!--more-->\n\nRest",
	     "<p>Hi</p>\n\n<p>Rest</p>");
	CONV("<!-- wp:image {\"id\":5} -->\n<figure><img src=\"x.png\" alt=\"\"></figure>\n"
	     "<!-- /wp:image -->", "<figure><img src=\"x.png\" alt=\"\"></figure>");
	/* text byte for byte: entities, emoji (a flag, a ZWJ family), RTL, CJK */
	CONV("&amp; &eacute; &#8217; 🇫🇷 👩‍👩‍👧 שלום 日本語 ]]>",
	     "<p>&amp; &eacute; &#8217; 🇫🇷 👩‍👩‍👧 שלום 日本語 ]]></p>");
	/* [caption] becomes a figure with its caption */
	CONV("[caption id=\"attachment_31\" align=\"alignnone\" width=\"300\"]"
	     "<img src=\"https://old.example.org/wp-content/uploads/2024/03/boat.jpg\" alt=\"Boat\" />"
	     " The <em>boat</em>[/caption]",
	     "<figure><img src=\"/media/aaa.jpg\" alt=\"Boat\" /><figcaption>The <em>boat</em>"
	     "</figcaption></figure>");
	CONV("[caption caption=\"Old style\"]<a href=\"/x\"><img src=\"y.png\"></a>[/caption]",
	     "<figure><a href=\"/x\"><img src=\"y.png\"></a><figcaption>Old style</figcaption>"
	     "</figure>");
	/* [gallery ids] names its images, escaped; unknown ids are left out */
	CONV("[gallery ids=\"31,99,32\"]",
	     "<figure><img src=\"/media/aaa.jpg\" alt=\"A &quot;quoted&quot; boat\">"
	     "<img src=\"/media/bbb.png\" alt=\"\"></figure>");
	/* [embed] and a bare URL on its own line are links */
	CONV("[embed]https://video.example.com/v?a=1&b=2[/embed]",
	     "<p><a href=\"https://video.example.com/v?a=1&amp;b=2\">"
	     "https://video.example.com/v?a=1&amp;b=2</a></p>");
	CONV("Before\n\nhttps://video.example.com/x\n\nAfter",
	     "<p>Before</p>\n\n<p><a href=\"https://video.example.com/x\">"
	     "https://video.example.com/x</a></p>\n\n<p>After</p>");
	/* other shortcodes stay visible, reported once each; [[x]] is WordPress's escape */
	struct buf notes = BUF_INIT;
	char *got = conv("[contact-form-7 id=\"1\"] [audio src=x] [contact-form-7] [[gallery]] "
	                 "[1] [not a code", &notes);
	CHECK_STR(got, "<p>[contact-form-7 id=\"1\"] [audio src=x] [contact-form-7] [gallery] "
	               "[1] [not a code</p>");
	CHECK_STR(buf_cstr(&notes), "[contact-form-7]\n[audio]\n");
	free(got);
	buf_free(&notes);
	/* links at the old site become site-relative; other sites are left */
	CONV("<a href=\"https://old.example.org/2024/01/02/x/\">a</a> "
	     "<a href=\"http://old.example.org/blog/?p=3\">b</a> "
	     "<a href='https://old.example.org'>c</a> "
	     "<a href=\"https://old.example.org.evil.test/x\">d</a> "
	     "<a href=\"https://elsewhere.example/x\">e</a>",
	     "<p><a href=\"/2024/01/02/x/\">a</a> <a href=\"/?p=3\">b</a> "
	     "<a href='/'>c</a> <a href=\"https://old.example.org.evil.test/x\">d</a> "
	     "<a href=\"https://elsewhere.example/x\">e</a></p>");
	/* an upload not imported keeps its old address (the file is there) */
	CONV("<img src=\"https://old.example.org/wp-content/uploads/2020/01/gone.png\">",
	     "<p><img src=\"https://old.example.org/wp-content/uploads/2020/01/gone.png\"></p>");
	CONV("", "");
	CONV("\n\n  \n", "");
}

/* ---- the import's fetch of attachments ---- */

static const unsigned char png_3x2[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x03\x00"
    "\x00\x00\x02\x08\x02\x00\x00\x00\x12\x16\xf1\x4d\x00\x00\x00\x10\x49\x44\x41\x54\x78"
    "\x9c\x63\xe0\xaa\x38\x01\x41\x0c\x70\x16\x00\x48\xf8\x07\xbd\xe0\x9c\x30\x6b\x00\x00"
    "\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

struct fetcher {
	struct db *db;
	int calls;        /* fetches asked for */
	int in_tx;        /* of them, asked for with a transaction open */
	char urls[512];   /* the addresses asked for, each followed by a space */
};

static int fake_fetch(void *ctx, const char *url, struct buf *out, char *err, size_t errlen)
{
	struct fetcher *f = ctx;
	f->calls++;
	f->in_tx += db_in_transaction(f->db);
	strncat(f->urls, url, sizeof f->urls - strlen(f->urls) - 2);
	strcat(f->urls, " ");
	if (strstr(url, "/boat.png")) {
		buf_put(out, png_3x2, sizeof png_3x2 - 1);
		return 0;
	}
	if (strstr(url, "/text.jpg")) {
		buf_puts(out, "<html>not an image</html>");
		return 0;
	}
	snprintf(err, errlen, "the old site answered 404");
	return -1;
}

#define ATT(id, name) \
	"<item><title>" name "</title><wp:post_id>" #id "</wp:post_id>" \
	"<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>" \
	"<wp:attachment_url>https://old.example.org/wp-content/uploads/2024/03/" name \
	"</wp:attachment_url><wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>" \
	"<wp:meta_value>2024/03/" name "</wp:meta_value></wp:postmeta></item>\n"

static const char fetch_export[] =
    HEAD
    "<wp:author><wp:author_id>2</wp:author_id><wp:author_login>zoe</wp:author_login>"
    "<wp:author_email>zoe@example.org</wp:author_email>"
    "<wp:author_display_name>Zoe</wp:author_display_name></wp:author>\n"
    ATT(40, "boat.png") ATT(41, "gone.png") ATT(42, "text.jpg")
    "<item><title>Boats</title><link>https://old.example.org/2024/03/05/boats/</link>"
    "<dc:creator>zoe</dc:creator><content:encoded><![CDATA[<img src=\"https://old.example.org"
    "/wp-content/uploads/2024/03/boat.png\" alt=\"b\">]]></content:encoded>"
    "<wp:post_id>10</wp:post_id><wp:post_date>2024-03-05 10:00:00</wp:post_date>"
    "<wp:post_date_gmt>2024-03-05 10:00:00</wp:post_date_gmt><wp:post_name>boats</wp:post_name>"
    "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
    "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>40</wp:meta_value>"
    "</wp:postmeta></item>\n"
    TAIL;

/* Runs the import of `path` into db; the report in *report (caller frees). */
static int import_once(struct db *db, const char *path, const char *data_dir, int dry,
                       struct fetcher *f, char **report)
{
	char *text = NULL;
	size_t len = 0;
	FILE *rep = open_memstream(&text, &len);
	struct wxr_import_opts o = {.data_dir = data_dir, .dry_run = dry, .report = rep,
	                            .fetch = fake_fetch, .fetch_ctx = f};
	struct wxr_error e;
	int rc = wxr_import(db, path, &o, &e);
	fclose(rep);
	*report = text;
	return rc;
}

static long long one_int(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return v;
}

static void test_import_fetch(void)
{
	char dir[] = "/tmp/byline-test-wxr-XXXXXX";
	if (!mkdtemp(dir)) {
		test_skip("import_fetch", "no temporary folder");
		return;
	}
	char path[300], db_path[300], cmd[400];
	snprintf(path, sizeof path, "%s/site.xml", dir);
	snprintf(db_path, sizeof db_path, "%s/site.db", dir);
	FILE *x = fopen(path, "w");
	fputs(fetch_export, x);
	fclose(x);
	char err[300];
	struct db *db = model_open(db_path, err, sizeof err);
	CHECK(db != NULL);
	if (!db)
		return;
	struct fetcher f = {.db = db};
	char *rep;

	/* A dry run fetches nothing and counts what it would. */
	CHECK(import_once(db, path, dir, 1, &f, &rep) == 0);
	CHECK(f.calls == 0);
	CHECK(strstr(rep, "photos to fetch from the old site: 3 (a dry run fetches nothing)"));
	free(rep);

	/* The import: each attachment asked for once, no transaction open. */
	CHECK(import_once(db, path, dir, 0, &f, &rep) == 0);
	CHECK(f.calls == 3);
	CHECK(f.in_tx == 0);
	CHECK(strstr(f.urls, "/wp-content/uploads/2024/03/boat.png "));
	CHECK(strstr(rep, "photos fetched from the old site: 1, not fetched: 2"));
	CHECK(strstr(rep, "attachment 41 (gone.png): not fetched from https://old.example.org/"
	                  "wp-content/uploads/2024/03/gone.png: the old site answered 404; its old "
	                  "address is kept"));
	CHECK(strstr(rep, "attachment 42 (text.jpg): fetched from https://old.example.org/"
	                  "wp-content/uploads/2024/03/text.jpg but not stored: "));
	free(rep);
	CHECK(one_int(db, "SELECT count(*) FROM media") == 1);
	CHECK(one_int(db, "SELECT featured_media_id FROM articles WHERE slug = 'boats'") ==
	      one_int(db, "SELECT id FROM media WHERE width = 3"));
	CHECK(one_int(db, "SELECT count(*) FROM articles WHERE body_src LIKE '%/media/%.png%' "
	                  "AND body_src NOT LIKE '%wp-content%'") == 1);

	/* Again: only the two still missing are asked for. */
	f.calls = 0;
	f.urls[0] = 0;
	CHECK(import_once(db, path, dir, 0, &f, &rep) == 0);
	CHECK(f.calls == 2);
	CHECK(!strstr(f.urls, "boat.png"));
	CHECK(strstr(rep, "attachments  0 new, 0 updated, 3 unchanged"));
	CHECK(strstr(rep, "posts        0 new, 0 updated, 1 unchanged"));
	free(rep);
	CHECK(one_int(db, "SELECT count(*) FROM media") == 1);
	db_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	test_reader_fields();
	test_reader_refuses();
	test_convert();
	test_import_fetch();
	return test_done();
}
