/*
** page_article.c: "/YYYY/MM/DD/slug/": the page Byline exists to serve.
**
** In order: headline, byline, date, body, author box, related articles, the
** comments title (approved comments only), the threaded comments, and the
** reply form.  The viewer's own held comments are shown to them alone,
** marked as awaiting moderation; that makes the page private to them.
*/
#include "web/cdn.h"
#include "web/web.h"
#include "web/embed.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "model/article.h"
#include "model/author.h"
#include "model/byline.h"
#include "model/comment.h"
#include "model/listmemo.h"
#include "model/note.h"
#include "model/media.h"
#include "model/taxonomy.h"
#include "render/markdown.h"
#include "render/typography.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_DEPTH 5     /* WordPress's default thread depth */
#define MAX_HELD 16     /* held comments remembered per reader */

int page_article_comments_open(struct page *p, const struct article *art)
{
	const struct settings *s = &p->app->settings;
	if (!s->comments_open || !art->comments_open)
		return 0;
	if (s->comments_close_days > 0 &&
	    (long long)time(NULL) - art->published_at > (long long)s->comments_close_days * 86400)
		return 0;
	return 1;
}

int page_article_gone(struct page *p)
{
	site_error(p, 410, tr(p, "This article has been removed"),
	           tr(p, "It is no longer published on this site."));
	return 2;
}

int page_article_find(struct page *p, struct article *out)
{
	const char *slug = p->req->params[3];
	int rc = article_by_slug(p->db, p->a, slug, 0, out);
	if (rc == 0 && out->status == ARTICLE_TRASH)
		return page_article_gone(p);
	if (rc != 0 || out->status != ARTICLE_PUBLISHED) {
		/* A slug changed since publication: its old address still leads
		** there, with a permanent redirect. */
		long long moved = rc == 0 ? 0 : article_by_old_slug(p->db, slug);
		if (moved && strcmp(p->req->method, "POST") != 0 &&
		    article_by_id(p->db, p->a, moved, out) == 0 && out->status == ARTICLE_TRASH)
			return page_article_gone(p);
		if (moved && strcmp(p->req->method, "POST") != 0 &&
		    article_by_id(p->db, p->a, moved, out) == 0 && out->status == ARTICLE_PUBLISHED) {
			const char *to = site_article_path(p, out->published_at, out->slug);
			if (*p->req->query)
				to = arena_printf(p->a, "%s?%s", to, p->req->query);
			http_redirect(p->req, p->resp, 301, to);
			return 2;
		}
		return 1;
	}
	/* The date in the URL must be the article's date in the site's zone;
	** a wrong one is an old or mistyped link: send it to the right place. */
	char *canon = site_article_path(p, out->published_at, out->slug);
	char *asked = arena_printf(p->a, "/%s/%s/%s/%s/", p->req->params[0],
	                           p->req->params[1], p->req->params[2], site_slug(p->a, slug));
	if (strcmp(canon, asked) != 0 || p->slash_added) {
		if (!strcmp(p->req->method, "POST"))
			return 1;
		if (*p->req->query)
			canon = arena_printf(p->a, "%s?%s", canon, p->req->query);
		http_redirect(p->req, p->resp, 301, canon);
		return 2;
	}
	return 0;
}

/* "June 12, 2024 at 9:30 pm" (site.c) */
static const char *date_time(struct page *p, time_t t)
{
	return site_date_time(p, t);
}

/* Up to two initials of a name, for the avatar placeholder. */
static char *initials(struct arena *a, const char *name)
{
	char *out = arena_alloc(a, 16);
	size_t k = 0;
	int at_word = 1;
	const char *last_word = NULL;
	for (const char *s = name; *s; s++) {
		if (*s == ' ') {
			at_word = 1;
			continue;
		}
		if (at_word) {
			if (!k) {
				size_t len = 1;
				while ((s[len] & 0xC0) == 0x80)
					len++;
				memcpy(out, s, len);
				k = len;
			} else {
				last_word = s;
			}
		}
		at_word = 0;
	}
	if (last_word) {
		size_t len = 1;
		while ((last_word[len] & 0xC0) == 0x80)
			len++;
		memcpy(out + k, last_word, len);
		k += len;
	}
	out[k] = 0;
	return out;
}

struct node {
	const struct comment *c; /* the comment */
	struct tv *item;         /* its template map */
	struct tv *children;     /* its replies' list */
	struct tv *container;    /* the list it is in */
	int depth;               /* 1 for top level */
};

static struct node *index_find(const long *idx, size_t cap, struct node *nodes, long long id)
{
	for (size_t h = (size_t)id * 2654435761u % cap;; h = (h + 1) % cap) {
		if (idx[h] < 0)
			return NULL;
		if (nodes[idx[h]].c->id == id)
			return &nodes[idx[h]];
	}
}

static void index_add(long *idx, size_t cap, struct node *nodes, size_t i)
{
	size_t h = (size_t)nodes[i].c->id * 2654435761u % cap;
	while (idx[h] >= 0)
		h = (h + 1) % cap;
	idx[h] = (long)i;
}

static struct tv *comment_tree(struct page *p, int open, const char *url,
                               const struct comment *list, size_t n)
{
	struct arena *a = p->a;
	struct tv *top = tv_list(a);
	struct node *nodes = arena_alloc(a, (n ? n : 1) * sizeof *nodes);
	/* Comment id -> node, open addressing: a thread of thousands of replies
	** links up in linear time. */
	size_t cap = 16;
	while (cap < 2 * n + 1)
		cap *= 2;
	long *idx = arena_alloc(a, cap * sizeof *idx);
	for (size_t i = 0; i < cap; i++)
		idx[i] = -1;
	for (size_t i = 0; i < n; i++) {
		const struct comment *c = &list[i];
		struct node *nd = &nodes[i];
		nd->c = c;
		nd->item = tv_map(a);
		nd->children = tv_list(a);
		struct node *parent = c->parent_id ? index_find(idx, cap, nodes, c->parent_id) : NULL;
		index_add(idx, cap, nodes, i);
		nd->depth = parent ? parent->depth + 1 : 1;
		if (nd->depth > MAX_DEPTH)
			nd->depth = MAX_DEPTH;
		struct tv *it = nd->item;
		tv_set_int(a, it, "id", c->id);
		tv_set_str(a, it, "author_name", c->author_name);
		/* Every key is set on every comment, so a nested comment can never
		** pick up its parent's value through the context stack. */
		if (*c->author_url)
			tv_set_str(a, it, "author_url", c->author_url);
		else
			tv_set_bool(a, it, "author_url", 0);
		tv_set_str(a, it, "date_iso", text_date_iso(a, (time_t)c->created_at));
		tv_set_str(a, it, "date_text", date_time(p, (time_t)c->created_at));
		tv_set_str(a, it, "permalink", arena_printf(a, "%s#comment-%lld", url, c->id));
		tv_set(a, it, "body_html", tv_html(a, c->body_html, strlen(c->body_html)));
		tv_set_bool(a, it, "is_held", c->status != COMMENT_APPROVED);
		tv_set_bool(a, it, "is_staff", c->user_id != 0 && !c->is_article_author);
		tv_set_bool(a, it, "is_author", c->user_id != 0 && c->is_article_author);
		tv_set_bool(a, it, "is_mention", c->is_webmention);
		tv_set_int(a, it, "depth", nd->depth);
		if (nd->depth < MAX_DEPTH && open &&
		    c->status == COMMENT_APPROVED)
			tv_set_str(a, it, "reply_url",
			           arena_printf(a, "%s?replytocom=%lld#respond", url, c->id));
		else
			tv_set_bool(a, it, "reply_url", 0);
		tv_set(a, it, "children", nd->children);
		if (!parent)
			nd->container = top;
		else if (parent->depth < MAX_DEPTH)
			nd->container = parent->children;
		else /* at the depth limit: listed after the parent, at its level */
			nd->container = parent->container;
		tv_push(a, nd->container, it);
	}
	for (size_t i = 0; i < n; i++)
		tv_set_bool(a, nodes[i].item, "has_children", nodes[i].children->len > 0);
	return top;
}

static struct tv *form_context(struct page *p, struct comment_target on, const char *url,
                               const char *action, const struct comment_form *f)
{
	struct arena *a = p->a;
	struct tv *form = tv_map(a);
	struct comment_form empty;
	if (!f) {
		memset(&empty, 0, sizeof empty);
		/* A reader who asked to be remembered gets their details back. */
		const char *saved = http_cookie(p->req, "byline_commenter");
		if (saved) {
			size_t np;
			struct http_param *kv = http_parse_urlencoded(a, saved, strlen(saved), &np);
			for (size_t i = 0; i < np; i++) {
				if (!strcmp(kv[i].name, "n")) empty.author = kv[i].value;
				else if (!strcmp(kv[i].name, "e")) empty.email = kv[i].value;
				else if (!strcmp(kv[i].name, "u")) empty.url = kv[i].value;
			}
			empty.save = 1;
			p->is_private = 1;
		}
		const char *reply = http_query(p->req, "replytocom", NULL);
		long long rid;
		if (reply && text_int(reply, 1, (long long)1 << 53, &rid) == 0)
			empty.parent = rid;
		f = &empty;
	}
	tv_set_str(a, form, "action", action);
	tv_set_str(a, form, "comment", f->comment);
	tv_set_str(a, form, "author", f->author);
	tv_set_str(a, form, "email", f->email);
	tv_set_str(a, form, "url", f->url);
	tv_set_bool(a, form, "save", f->save);
	tv_set_str(a, form, "token", comment_form_token(p, on));
	/* The fields' maxlength: the model's limits. */
	tv_set_int(a, form, "max_comment", COMMENT_MAX_BODY);
	tv_set_int(a, form, "max_author", COMMENT_MAX_NAME);
	tv_set_int(a, form, "max_email", COMMENT_MAX_EMAIL);
	tv_set_int(a, form, "max_url", COMMENT_MAX_URL);
	if (f->parent) {
		struct comment parent;
		if (comment_on_by_id(p->db, a, f->parent, on, &parent) == 0) {
			tv_set_int(a, form, "parent", parent.id);
			tv_set_str(a, form, "reply_to", parent.author_name);
			tv_set_str(a, form, "cancel_url", arena_printf(a, "%s#respond", url));
		}
	}
	if (!tv_get(form, "parent"))
		tv_set_int(a, form, "parent", 0);
	struct tv *err = tv_map(a);
	int any = 0;
#define FIELD_ERR(name, msg) \
	if (msg) { tv_set_str(a, err, name, msg); any = 1; }
	FIELD_ERR("comment", f->err_comment);
	FIELD_ERR("author", f->err_author);
	FIELD_ERR("email", f->err_email);
	FIELD_ERR("url", f->err_url);
#undef FIELD_ERR
	tv_set(a, form, "errors", err);
	tv_set_bool(a, form, "has_errors", any);
	if (f->message)
		tv_set_str(a, form, "message", f->message);
	if (any || f->message)
		p->is_private = 1;
	return form;
}

/* An article's corrections and updates, read once for the page and its
** JSON-LD. */
struct article_notes {
	struct note *list;     /* oldest first */
	size_t n;              /* entries in list */
	const char **html;     /* each note's text as inline HTML, typeset */
	const char **text;     /* the same as plain text (JSON-LD) */
	long long modified_at; /* article_modified_at() */
};

/* The HTML without its tags, and &amp; &lt; &gt; &quot; &#39; read back. */
static char *plain_text(struct arena *a, const char *html)
{
	struct buf b = BUF_INIT;
	for (const char *s = html; *s;) {
		if (*s == '<') {
			while (*s && *s != '>')
				s++;
			if (*s)
				s++;
			continue;
		}
		static const struct { const char *ent; char c; } ents[] = {
			{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
		size_t k = 0;
		for (; k < sizeof ents / sizeof *ents; k++)
			if (!strncmp(s, ents[k].ent, strlen(ents[k].ent)))
				break;
		if (k < sizeof ents / sizeof *ents) {
			buf_putc(&b, ents[k].c);
			s += strlen(ents[k].ent);
		} else {
			buf_putc(&b, *s == '\n' ? ' ' : *s);
			s++;
		}
	}
	size_t len = b.len;
	while (len && b.data[len - 1] == ' ')
		len--;
	char *out = arena_strndup(a, b.data ? b.data : "", len);
	buf_free(&b);
	return out;
}

/* A note's Markdown with limited trust, as inline HTML when it is one
** paragraph (it follows "Correction, December 7, 2026:"), typeset. */
const char *page_article_note_html(struct arena *a, const char *src)
{
	struct buf b = BUF_INIT;
	if (markdown_render(&b, src, strlen(src), MD_LIMITED) != 0)
		buf_reset(&b);
	const char *h = buf_cstr(&b);
	size_t len = b.len;
	while (len && (h[len - 1] == '\n'))
		len--;
	if (len >= 7 && !strncmp(h, "<p>", 3) && !strncmp(h + len - 4, "</p>", 4) &&
	    !strstr(h + 3, "<p>") && !strstr(h + 3, "<p ")) {
		h += 3;
		len -= 7;
	}
	struct buf t = BUF_INIT;
	typography_html(&t, h, len);
	char *out = arena_strndup(a, t.data ? t.data : "", t.len);
	buf_free(&t);
	buf_free(&b);
	return out;
}

static void read_notes(struct page *p, const struct article *art, struct article_notes *out)
{
	struct arena *a = p->a;
	out->list = note_list(p->db, a, art->id, &out->n);
	out->html = arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->html);
	out->text = arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->text);
	for (size_t i = 0; i < out->n; i++) {
		out->html[i] = page_article_note_html(a, out->list[i].body_src);
		out->text[i] = plain_text(a, out->html[i]);
	}
	/* Read with the article's row, but for an article put together here
	** (a preview). */
	out->modified_at = art->has_modified ? art->modified_at : article_modified_at(p->db, art->id);
}

/* "Correction, December 7, 2026 at 4:05 pm" notes, and "Updated" with the
** time of the last material change, into av. */
static void notes_context(struct page *p, struct tv *av, const struct article *art,
                          const struct article_notes *notes)
{
	struct arena *a = p->a;
	struct tv *list = tv_list(a);
	for (size_t i = 0; i < notes->n; i++) {
		const struct note *n = &notes->list[i];
		struct tv *it = tv_map(a);
		tv_set_str(a, it, "label", n->kind == NOTE_CORRECTION ? tr(p, "Correction") : tr(p, "Update"));
		tv_set_str(a, it, "kind", note_kind_name(n->kind));
		tv_set_str(a, it, "anchor", arena_printf(a, "note-%lld", n->id));
		tv_set_str(a, it, "date_iso", text_date_iso(a, (time_t)n->created_at));
		tv_set_str(a, it, "date_long", site_date(p, (time_t)n->created_at));
		tv_set(a, it, "html", tv_html(a, notes->html[i], strlen(notes->html[i])));
		tv_push(a, list, it);
	}
	tv_set(a, av, "notes", list);
	tv_set_bool(a, av, "has_notes", notes->n > 0);
	if (notes->modified_at > art->published_at) {
		struct tv *up = tv_map(a);
		tv_set_str(a, up, "iso", text_date_iso(a, (time_t)notes->modified_at));
		tv_set_str(a, up, "long", date_time(p, (time_t)notes->modified_at));
		tv_set(a, av, "updated", up);
	} else {
		tv_set_bool(a, av, "updated", 0);
	}
}

/* "By A", "By A and B", "By A, B and C": each name a link, into av; the
** words between names the site's language's (site_name_sep()), each name
** isolated in a right-to-left language (site_isolate()). */
static void byline_context(struct page *p, struct tv *av, const struct byline_author *by,
                           size_t n)
{
	struct arena *a = p->a;
	struct tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *it = tv_map(a);
		tv_set_str(a, it, "sep", site_name_sep(p, i, n));
		tv_set_str(a, it, "name", site_isolate(p, by[i].name));
		tv_set_str(a, it, "url", site_author_path(p, by[i].slug));
		tv_push(a, list, it);
	}
	tv_set(a, av, "authors", list);
}

/* Open Graph, Twitter card and schema.org NewsArticle JSON-LD: every
** property Google's Article rich results list as required or recommended. */
static void article_metadata(struct page *p, struct tv *ctx, const struct article *art,
                             const char *path, const struct term *tags, size_t n_tags,
                             const struct byline_author *by, size_t n_by,
                             const struct article_notes *notes, const struct media_picture *pic)
{
	struct arena *a = p->a;
	const char *base = site_base(p);
	const char *canonical = arena_printf(a, "%s%s", base, path);
	/* oEmbed discovery (page_oembed.c), in JSON and XML. */
	struct buf oe = BUF_INIT;
	buf_printf(&oe, "%s/wp-json/oembed/1.0/embed?url=", base);
	esc_url_part(&oe, canonical, strlen(canonical));
	tv_set_str(a, ctx, "oembed_json", arena_strdup(a, buf_cstr(&oe)));
	buf_puts(&oe, "&format=xml");
	tv_set_str(a, ctx, "oembed_xml", arena_strdup(a, buf_cstr(&oe)));
	buf_free(&oe);
	const char *published = text_date_iso(a, (time_t)art->published_at);
	/* dateModified: the last material change (article_modified_at()). */
	const char *modified = text_date_iso(a, (time_t)(notes->modified_at > art->published_at
	                                                     ? notes->modified_at
	                                                     : art->published_at));
	const char *author_url = n_by ? arena_printf(a, "%s%s", base,
	                                             site_author_path(p, by[0].slug))
	                              : base;
	/* The 1200x630 social variant (the original until it is made). */
	const char *image = pic ? arena_printf(a, "%s%s", base, pic->social_url)
	                        : arena_printf(a, "%s/static/logo.png", base);
	site_canonical(p, ctx, path);
	if (*art->dek)
		tv_set_str(a, ctx, "description", art->dek);
	struct tv *og = tv_get(ctx, "og");
	tv_set_str(a, og, "type", "article");
	tv_set_str(a, og, "title", art->headline);
	tv_set_str(a, og, "image", image);
	struct tv *oa = tv_map(a);
	tv_set_str(a, oa, "published", published);
	tv_set_str(a, oa, "modified", modified);
	tv_set_str(a, oa, "author_url", author_url);
	if (art->section_id)
		tv_set_str(a, oa, "section", art->section_name);
	else
		tv_set_bool(a, oa, "section", 0);
	struct tv *tl = tv_list(a);
	for (size_t i = 0; i < n_tags; i++) {
		struct tv *t = tv_map(a);
		tv_set_str(a, t, "name", tags[i].name);
		tv_push(a, tl, t);
	}
	tv_set(a, oa, "tags", tl);
	tv_set(a, og, "article", oa);
	if (art->featured_media_id > 0)
		tv_set_str(a, ctx, "twitter_card", "summary_large_image");

	struct buf j = BUF_INIT;
#define JSTR(key, val) do { buf_puts(&j, "\"" key "\":\""); esc_json_s(&j, val); buf_puts(&j, "\""); } while (0)
	buf_puts(&j, "{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",");
	JSTR("headline", art->headline);
	buf_puts(&j, ",");
	if (*art->dek) {
		JSTR("description", art->dek);
		buf_puts(&j, ",");
	}
	buf_puts(&j, "\"image\":[\"");
	esc_json_s(&j, image);
	buf_puts(&j, "\"],");
	JSTR("datePublished", published);
	buf_puts(&j, ",");
	JSTR("dateModified", modified);
	buf_puts(&j, ",\"author\":[");
	for (size_t i = 0; i < n_by || (i == 0 && n_by == 0); i++) {
		buf_puts(&j, i ? ",{\"@type\":\"Person\"," : "{\"@type\":\"Person\",");
		JSTR("name", n_by ? by[i].name : art->author_name);
		buf_puts(&j, ",");
		JSTR("url", n_by ? arena_printf(a, "%s%s", base, site_author_path(p, by[i].slug))
		                 : author_url);
		buf_puts(&j, "}");
	}
	buf_puts(&j, "],\"publisher\":{\"@type\":\"Organization\",");
	JSTR("name", p->app->settings.site_title);
	buf_puts(&j, ",");
	JSTR("url", base);
	buf_puts(&j, ",\"logo\":{\"@type\":\"ImageObject\",");
	JSTR("url", arena_printf(a, "%s/static/logo.png", base));
	buf_puts(&j, ",\"width\":192,\"height\":192}},");
	buf_puts(&j, "\"mainEntityOfPage\":{\"@type\":\"WebPage\",");
	JSTR("@id", canonical);
	buf_puts(&j, "},");
	JSTR("url", canonical);
	if (art->section_id) {
		buf_puts(&j, ",");
		JSTR("articleSection", art->section_name);
	}
	if (n_tags) {
		buf_puts(&j, ",\"keywords\":[");
		for (size_t i = 0; i < n_tags; i++) {
			buf_puts(&j, i ? ",\"" : "\"");
			esc_json_s(&j, tags[i].name);
			buf_puts(&j, "\"");
		}
		buf_puts(&j, "]");
	}
	/* Each correction, as schema.org's CorrectionComment. */
	int first = 1;
	for (size_t i = 0; i < notes->n; i++) {
		if (notes->list[i].kind != NOTE_CORRECTION)
			continue;
		buf_puts(&j, first ? ",\"correction\":[" : ",");
		first = 0;
		buf_puts(&j, "{\"@type\":\"CorrectionComment\",");
		JSTR("text", notes->text[i]);
		buf_puts(&j, ",");
		JSTR("datePublished", text_date_iso(a, (time_t)notes->list[i].created_at));
		buf_puts(&j, "}");
	}
	if (!first)
		buf_puts(&j, "]");
	buf_puts(&j, "}");
#undef JSTR
	tv_set(a, ctx, "jsonld", tv_html(a, buf_cstr(&j), j.len));
	buf_free(&j);
	site_feed_links(p, ctx, arena_printf(a, "Comments on “%s”", art->headline),
	                arena_printf(a, "%sfeed/", path));
}

int site_comments(struct page *p, struct tv *ctx, struct comment_target on, const char *name,
                  const char *url, const char *action, int open, int per, long long cpage,
                  const struct comment_form *f)
{
	struct arena *a = p->a;
	long long held[MAX_HELD];
	size_t n_held = comment_form_held(p, held, MAX_HELD);
	struct comment_page cp;
	comment_thread_read(p->db, a, on, held, n_held, per, (int)cpage, &cp);
	long long threads = cp.threads;
	long long cpages = per > 0 && threads ? (threads + per - 1) / per : 1;
	if (cpage < 1 || cpage > cpages) {
		site_not_found(p);
		return 1;
	}
	size_t n_comments = cp.n;
	struct comment *comments = cp.list;
	if (cpages > 1) {
		struct tv *pv = tv_map(a);
		tv_set_int(a, pv, "page", cpage);
		tv_set_int(a, pv, "pages", cpages);
		if (cpage > 1)
			tv_set_str(a, pv, "prev", cpage == 2 ? arena_printf(a, "%s#comments", url)
			                                     : arena_printf(a, "%scomment-page-%lld/#comments",
			                                                    url, cpage - 1));
		if (cpage < cpages)
			tv_set_str(a, pv, "next", arena_printf(a, "%scomment-page-%lld/#comments", url,
			                                       cpage + 1));
		tv_set(a, ctx, "comment_pages", pv);
	} else {
		tv_set_bool(a, ctx, "comment_pages", 0);
	}
	for (size_t i = 0; i < n_comments; i++)
		if (comments[i].status != COMMENT_APPROVED)
			p->is_private = 1; /* shows this reader's held comment */
	long long approved = cp.approved;
	const char *title;
	if (approved == 0 && n_comments > 0)
		/* Only the reader's own held comments: not "no thoughts yet"
		** above what they just wrote. */
		title = trf(p, "Thoughts on “%s”", site_isolate(p, name));
	else if (approved == 0)
		title = trf(p, "No thoughts yet on “%s”", name);
	else
		title = site_fill(a, trn(p, "One thought on “%s”", "%lld thoughts on “%s”", approved),
		                  "%s", site_isolate(p, name));
	tv_set_str(a, ctx, "comments_title", title);
	tv_set_int(a, ctx, "comments_count", approved);
	tv_set(a, ctx, "comments", comment_tree(p, open, url, comments, n_comments));
	tv_set_bool(a, ctx, "has_comments", n_comments > 0);
	tv_set(a, ctx, "form", form_context(p, on, url, action, f));
	return 0;
}

void page_article_render(struct page *p, const struct article *stored,
                         const struct comment_form *f, int status)
{
	struct arena *a = p->a;
	/* Typography on output: the page, its title and its JSON-LD. */
	struct article typeset = *stored;
	site_typeset(a, &typeset);
	const struct article *art = &typeset;
	const char *url = site_article_path(p, art->published_at, art->slug);
	struct tv *ctx = site_context(p, art->headline);
	/* The page shows this article, its comments, its author, and listings
	** (related stories, the section menu). */
	p->deps.flags = DEP_LISTS;
	p->deps.article_id = art->id;
	p->deps.author_id = art->author_id;
	/* Re-rendered at least hourly: the form's signed token must stay far
	** younger than its 24-hour limit, and comments close by age. */
	p->deps.expires_at = (long long)time(NULL) + 3600;
	struct tv *av = tv_map(a);
	tv_set_str(a, av, "headline", art->headline);
	tv_set_str(a, av, "dek", art->dek);
	tv_set_str(a, av, "url", url);
	tv_set_str(a, av, "date_iso", text_date_iso(a, (time_t)art->published_at));
	tv_set_str(a, av, "date_long", site_date(p, (time_t)art->published_at));
	struct article_notes notes;
	read_notes(p, art, &notes);
	notes_context(p, av, art, &notes);
	size_t n_by;
	struct byline_author *by = byline_list(p->db, a, art->id, &n_by);
	byline_context(p, av, by, n_by);
	const char *body = embed_body(p, art->body_html);
	tv_set(a, av, "body_html", tv_html(a, body, strlen(body)));
	/* The photo at the top: above the fold, so not lazy; as wide as the
	** article column (style.css: 720px at most). */
	/* The featured photo read once: the figure and the social image
	** (article_metadata()) come from the same picture. */
	struct media_picture pic_row, *pic = NULL;
	if (art->featured_media_id > 0 &&
	    media_picture(p->db, a, art->featured_media_id, &pic_row) == 0)
		pic = &pic_row;
	struct tv *img = pic ? site_image_of(p, pic, art->featured_alt,
	                                     "(min-width: 760px) 720px, 100vw", 0, NULL)
	                     : NULL;
	if (img)
		tv_set(a, av, "image", img);
	else
		tv_set_bool(a, av, "image", 0);
	if (art->section_id) {
		cdn_name(p, "section", art->section_id);
		struct tv *sec = tv_map(a);
		tv_set_str(a, sec, "name", art->section_name);
		tv_set_str(a, sec, "url",
		           arena_printf(a, "/category/%s/", site_slug(a, art->section_slug)));
		tv_set(a, av, "section", sec);
	} else {
		tv_set_bool(a, av, "section", 0);
	}
	size_t n_tags;
	struct term *tags = tag_of_article(p->db, a, art->id, &n_tags);
	struct tv *tl = tv_list(a);
	for (size_t i = 0; i < n_tags; i++) {
		struct tv *t = tv_map(a);
		tv_set_str(a, t, "name", tags[i].name);
		tv_set_str(a, t, "url", arena_printf(a, "/tag/%s/", site_slug(a, tags[i].slug)));
		tv_push(a, tl, t);
		cdn_name(p, "tag", tags[i].id);
	}
	tv_set(a, av, "tags", tl);
	tv_set_bool(a, av, "has_tags", n_tags > 0);
	tv_set_bool(a, av, "comments_open", page_article_comments_open(p, art));
	tv_set(a, ctx, "article", av);

	struct author au;
	struct tv *author = tv_map(a);
	if (author_by_id(p->db, a, art->author_id, &au) == 0) {
		tv_set_str(a, author, "name", au.name);
		tv_set_str(a, author, "url", site_author_path(p, au.slug));
		tv_set_str(a, author, "avatar", au.avatar);
		tv_set_str(a, author, "initials", initials(a, au.name));
		tv_set(a, author, "bio_html", page_author_bio(p, au.bio, au.role));
	}
	tv_set(a, ctx, "author", author);
	/* A box for each co-author too, after the owner's. */
	struct tv *more = tv_list(a);
	for (size_t i = 1; i < n_by; i++) {
		struct author co;
		if (author_by_id(p->db, a, by[i].user_id, &co) != 0)
			continue;
		struct tv *box = tv_map(a);
		tv_set_str(a, box, "name", co.name);
		tv_set_str(a, box, "url", site_author_path(p, co.slug));
		tv_set_str(a, box, "avatar", co.avatar);
		tv_set_str(a, box, "initials", initials(a, co.name));
		tv_set(a, box, "bio_html", page_author_bio(p, co.bio, co.role));
		tv_set_int(a, box, "n", (long long)i + 1);
		tv_push(a, more, box);
	}
	tv_set(a, ctx, "coauthors", more);

	size_t n_rel;
	/* Its tags, read above, are the related articles' first clue. */
	long long *tag_ids = arena_alloc(a, (n_tags ? n_tags : 1) * sizeof *tag_ids);
	for (size_t i = 0; i < n_tags; i++)
		tag_ids[i] = tags[i].id;
	struct article *rel =
	    article_related(p->db, p->app->memo, a, art, tag_ids, n_tags, 3, &n_rel);
	/* Thumbnails (style.css .related: 120px), below: lazy. */
	struct tv *related = site_article_cards(p, rel, n_rel, "120px", 120, 0);
	tv_set(a, ctx, "related", related);
	tv_set_bool(a, ctx, "has_related", n_rel > 0);

	/* Comments come in pages of threads, as in WordPress: .../comment-page-N/. */
	long long cpage = 1;
	if (p->req->n_params == 5 && text_int(p->req->params[4], 1, 100000, &cpage) != 0)
		cpage = 0;
	if (site_comments(p, ctx, COMMENT_ON_ARTICLE(art->id), art->headline, url, url,
	                  page_article_comments_open(p, art), p->app->settings.comments_per_page,
	                  cpage, f) != 0)
		return;
	if (http_query(p->req, "replytocom", NULL))
		tv_set_bool(a, ctx, "noindex", 1);
	article_metadata(p, ctx, art, url, n_tags ? tags : NULL, n_tags, by, n_by, &notes, pic);
	if (cpage > 1)
		site_canonical(p, ctx, arena_printf(a, "%scomment-page-%lld/", url, cpage));
	site_render(p, status, "article", ctx);
}

static void show(struct page *p)
{
	struct article art;
	int rc = page_article_find(p, &art);
	if (rc == 1)
		site_not_found(p);
	if (rc != 0)
		return;
	page_article_render(p, &art, NULL, 200);
}

void page_article_show(struct page *p)
{
	site_read_page(p, show);
}
