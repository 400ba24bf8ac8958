/*
** wxr_read.c: the streaming WXR reader (see wxr_read.h).
**
** One loop over xmlTextReader's nodes keeps a little state: which record
** is open (channel, author, term, item, comment, post meta) and which
** field's text is being collected.  Text and CDATA nodes of a field are
** appended to one buffer (a "]]>" split across two CDATA sections comes
** back whole); at the field's end tag the text is copied into the current
** record's arena.  At a record's end tag its callback runs, and the arena
** of an item is dropped right after: that is why memory stays flat.
**
** Element names are matched by their prefixed name (wp:post_id), as every
** WordPress version writes them; the wp namespace must be WordPress's
** export namespace (checked on wp:wxr_version), so an RSS feed that is not
** an export is refused.
*/
#include "model/wxr_read.h"
#include "core/mem.h"
#include "core/arena.h"
#include "core/buf.h"

#include <libxml/xmlreader.h>

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum rec { R_NONE, R_AUTHOR, R_TERM, R_ITEM, R_COMMENT, R_META, R_COMMENTMETA };

struct state {
	const struct wxr_handler *h;
	struct wxr_error *err;
	xmlTextReaderPtr r;
	struct arena *a;          /* the open record's strings */
	struct arena *cha;        /* the channel's strings */
	struct buf text;          /* the open field's text */
	const char **field;       /* where it goes, or NULL: not collected */
	long long *field_int;     /* or this number */
	int *field_flag;          /* or this flag ("1") */
	enum rec rec;             /* innermost open record */
	int in_channel;           /* inside <channel> */
	int saw_rss;              /* the root is <rss> */
	int saw_version;          /* wp:wxr_version read (and the channel sent) */
	int channel_sent;
	struct wxr_channel ch;
	struct wxr_author au;
	struct wxr_term term;
	struct wxr_item it;
	struct wxr_comment *cm;   /* the comment being read */
	struct wxr_meta *mt;      /* the post meta being read */
	struct wxr_item_term *pending_term; /* item <category> being read */
	size_t cap_terms, cap_meta, cap_comments;
	size_t item_bytes;        /* text held by the open item */
	int stop;                 /* a callback's non-zero value */
	int failed;               /* err is filled */
	char *xml_msg;            /* libxml2's first error message */
	int xml_line, xml_col;
	int xml_code;             /* its xmlParserErrors code */
	unsigned long long size; /* bytes in the file, 0 if unknown */
	int root_closed;          /* </rss> read */
};

static void fail_at(struct state *s, int line, int col, const char *fmt, const char *arg)
{
	if (s->failed)
		return;
	s->failed = 1;
	s->err->line = line;
	s->err->column = col;
	snprintf(s->err->msg, sizeof s->err->msg, fmt, arg ? arg : "");
}

static void fail(struct state *s, const char *fmt, const char *arg)
{
	fail_at(s, xmlTextReaderGetParserLineNumber(s->r),
	        xmlTextReaderGetParserColumnNumber(s->r), fmt, arg);
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct state *s = ctx;
	if (s->xml_msg || !e || !e->message)
		return;
	s->xml_msg = mem_strdup(e->message);
	size_t n = strlen(s->xml_msg);
	while (n && (s->xml_msg[n - 1] == '\n' || s->xml_msg[n - 1] == ' '))
		s->xml_msg[--n] = 0;
	s->xml_line = e->line;
	s->xml_code = e->code;
	s->xml_col = e->int2;
}

/* Grows an array held with malloc (reused across items). */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap * 2 : 8;
	while (c < need)
		c *= 2;
	void *q = mem_realloc(p, c * size);
	memset((char *)q + *cap * size, 0, (c - *cap) * size);
	*cap = c;
	return q;
}

static const char *attr(struct state *s, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(s->r, (const xmlChar *)name);
	if (!v)
		return "";
	char *out = arena_strdup(s->a, (const char *)v);
	xmlFree(v);
	return out;
}

static void set_empty_strings(const char **first, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!first[i])
			first[i] = "";
}

/* Every const char * of these records defaults to "" once read. */
#define FILL_STRINGS(p, T, from, to) \
	set_empty_strings(&(p)->from, (offsetof(T, to) - offsetof(T, from)) / sizeof(char *) + 1)

/* Where the text of element `name` goes in the open record, or 0. */
static int pick_field(struct state *s, const char *name)
{
	s->field = NULL;
	s->field_int = NULL;
	s->field_flag = NULL;
	switch (s->rec) {
	case R_AUTHOR:
		if (!strcmp(name, "wp:author_id")) s->field_int = &s->au.id;
		else if (!strcmp(name, "wp:author_login")) s->field = &s->au.login;
		else if (!strcmp(name, "wp:author_email")) s->field = &s->au.email;
		else if (!strcmp(name, "wp:author_display_name")) s->field = &s->au.display_name;
		else if (!strcmp(name, "wp:author_first_name")) s->field = &s->au.first_name;
		else if (!strcmp(name, "wp:author_last_name")) s->field = &s->au.last_name;
		break;
	case R_TERM:
		if (!strcmp(name, "wp:term_id")) s->field_int = &s->term.id;
		else if (!strcmp(name, "wp:term_taxonomy")) s->field = &s->term.taxonomy;
		else if (!strcmp(name, "wp:category_nicename") || !strcmp(name, "wp:tag_slug") ||
		         !strcmp(name, "wp:term_slug")) s->field = &s->term.slug;
		else if (!strcmp(name, "wp:category_parent") || !strcmp(name, "wp:term_parent"))
			s->field = &s->term.parent;
		else if (!strcmp(name, "wp:cat_name") || !strcmp(name, "wp:tag_name") ||
		         !strcmp(name, "wp:term_name")) s->field = &s->term.name;
		else if (!strcmp(name, "wp:category_description") ||
		         !strcmp(name, "wp:tag_description") ||
		         !strcmp(name, "wp:term_description")) s->field = &s->term.description;
		break;
	case R_ITEM:
		if (!strcmp(name, "title")) s->field = &s->it.title;
		else if (!strcmp(name, "link")) s->field = &s->it.link;
		else if (!strcmp(name, "guid")) s->field = &s->it.guid;
		else if (!strcmp(name, "dc:creator")) s->field = &s->it.creator;
		else if (!strcmp(name, "content:encoded")) s->field = &s->it.content;
		else if (!strcmp(name, "excerpt:encoded")) s->field = &s->it.excerpt;
		else if (!strcmp(name, "wp:post_id")) s->field_int = &s->it.id;
		else if (!strcmp(name, "wp:post_parent")) s->field_int = &s->it.parent;
		else if (!strcmp(name, "wp:menu_order")) s->field_int = &s->it.menu_order;
		else if (!strcmp(name, "wp:is_sticky")) s->field_flag = &s->it.is_sticky;
		else if (!strcmp(name, "wp:post_name")) s->field = &s->it.post_name;
		else if (!strcmp(name, "wp:status")) s->field = &s->it.status;
		else if (!strcmp(name, "wp:post_type")) s->field = &s->it.post_type;
		else if (!strcmp(name, "wp:post_date")) s->field = &s->it.post_date;
		else if (!strcmp(name, "wp:post_date_gmt")) s->field = &s->it.post_date_gmt;
		else if (!strcmp(name, "wp:comment_status")) s->field = &s->it.comment_status;
		else if (!strcmp(name, "wp:post_password")) s->field = &s->it.password;
		else if (!strcmp(name, "wp:attachment_url")) s->field = &s->it.attachment_url;
		else if (!strcmp(name, "category") && s->pending_term) s->field = &s->pending_term->name;
		break;
	case R_COMMENT:
		if (!strcmp(name, "wp:comment_id")) s->field_int = &s->cm->id;
		else if (!strcmp(name, "wp:comment_parent")) s->field_int = &s->cm->parent;
		else if (!strcmp(name, "wp:comment_user_id")) s->field_int = &s->cm->user_id;
		else if (!strcmp(name, "wp:comment_author")) s->field = &s->cm->author;
		else if (!strcmp(name, "wp:comment_author_email")) s->field = &s->cm->email;
		else if (!strcmp(name, "wp:comment_author_url")) s->field = &s->cm->url;
		else if (!strcmp(name, "wp:comment_author_IP")) s->field = &s->cm->ip;
		else if (!strcmp(name, "wp:comment_date")) s->field = &s->cm->date;
		else if (!strcmp(name, "wp:comment_date_gmt")) s->field = &s->cm->date_gmt;
		else if (!strcmp(name, "wp:comment_content")) s->field = &s->cm->content;
		else if (!strcmp(name, "wp:comment_approved")) s->field = &s->cm->approved;
		else if (!strcmp(name, "wp:comment_type")) s->field = &s->cm->type;
		else if (!strcmp(name, "wp:comment_agent")) s->field = &s->cm->agent;
		break;
	case R_META:
		if (!strcmp(name, "wp:meta_key")) s->field = &s->mt->key;
		else if (!strcmp(name, "wp:meta_value")) s->field = &s->mt->value;
		break;
	case R_NONE:
		if (!s->in_channel)
			break;
		if (!strcmp(name, "title")) s->field = &s->ch.title;
		else if (!strcmp(name, "link")) s->field = &s->ch.link;
		else if (!strcmp(name, "wp:base_site_url")) s->field = &s->ch.base_site_url;
		else if (!strcmp(name, "wp:base_blog_url")) s->field = &s->ch.base_blog_url;
		else if (!strcmp(name, "wp:wxr_version")) s->field = &s->ch.version;
		else if (!strcmp(name, "wp:timezone_string")) s->field = &s->ch.timezone;
		break;
	case R_COMMENTMETA:
		break;
	}
	return s->field || s->field_int || s->field_flag;
}

static int send_channel(struct state *s)
{
	if (s->channel_sent)
		return 0;
	if (!s->saw_version) {
		fail(s, "This is not a WordPress export (WXR): no wp:wxr_version before the "
		        "first author, category or post.%s", NULL);
		return -1;
	}
	s->channel_sent = 1;
	FILL_STRINGS(&s->ch, struct wxr_channel, version, timezone);
	if (s->h->channel && (s->stop = s->h->channel(s->h->ctx, &s->ch)) != 0)
		return -1;
	return 0;
}

static void start_record(struct state *s, enum rec rec)
{
	s->rec = rec;
	s->item_bytes = 0;
	s->a = arena_new();
}

static void end_record(struct state *s)
{
	arena_free(s->a);
	s->a = NULL;
	s->rec = R_NONE;
}

static void on_start(struct state *s, const char *name, int is_empty)
{
	int depth = xmlTextReaderDepth(s->r);
	if (depth == 0) {
		if (strcmp(name, "rss") != 0) {
			fail(s, "This is not a WordPress export (WXR): the document is <%s>, "
			        "not <rss>.", name);
			return;
		}
		s->saw_rss = 1;
		return;
	}
	if (depth == 1 && !strcmp(name, "channel")) {
		s->in_channel = 1;
		return;
	}
	if (s->rec == R_NONE && s->in_channel && depth == 2) {
		enum rec rec = R_NONE;
		if (!strcmp(name, "wp:author")) rec = R_AUTHOR;
		else if (!strcmp(name, "wp:category") || !strcmp(name, "wp:tag") ||
		         !strcmp(name, "wp:term")) rec = R_TERM;
		else if (!strcmp(name, "item")) rec = R_ITEM;
		if (rec != R_NONE) {
			if (send_channel(s) != 0)
				return;
			start_record(s, rec);
			if (rec == R_AUTHOR)
				memset(&s->au, 0, sizeof s->au);
			if (rec == R_TERM) {
				memset(&s->term, 0, sizeof s->term);
				s->term.taxonomy = !strcmp(name, "wp:category") ? "category"
				                 : !strcmp(name, "wp:tag") ? "post_tag" : NULL;
				s->term.is_generic = !strcmp(name, "wp:term");
			}
			if (rec == R_ITEM) {
				struct wxr_item_term *t = s->it.terms;
				struct wxr_meta *m = s->it.meta;
				struct wxr_comment *c = s->it.comments;
				memset(&s->it, 0, sizeof s->it);
				s->it.terms = t;
				s->it.meta = m;
				s->it.comments = c;
				s->it.line = xmlTextReaderGetParserLineNumber(s->r);
			}
			if (is_empty)
				end_record(s);
			return;
		}
	}
	if (s->rec == R_ITEM && depth == 3) {
		if (!strcmp(name, "wp:comment")) {
			s->it.comments = grow(s->it.comments, &s->cap_comments, s->it.n_comments + 1,
			                      sizeof *s->it.comments);
			s->cm = &s->it.comments[s->it.n_comments++];
			memset(s->cm, 0, sizeof *s->cm);
			s->rec = R_COMMENT;
			return;
		}
		if (!strcmp(name, "wp:postmeta")) {
			s->it.meta = grow(s->it.meta, &s->cap_meta, s->it.n_meta + 1, sizeof *s->it.meta);
			s->mt = &s->it.meta[s->it.n_meta++];
			memset(s->mt, 0, sizeof *s->mt);
			s->rec = R_META;
			return;
		}
		if (!strcmp(name, "category")) {
			s->it.terms = grow(s->it.terms, &s->cap_terms, s->it.n_terms + 1,
			                   sizeof *s->it.terms);
			s->pending_term = &s->it.terms[s->it.n_terms++];
			s->pending_term->domain = attr(s, "domain");
			s->pending_term->slug = attr(s, "nicename");
			s->pending_term->name = "";
		}
	}
	if (s->rec == R_COMMENT && depth == 4 && !strcmp(name, "wp:commentmeta")) {
		s->rec = R_COMMENTMETA;
		return;
	}
	/* Fields are the children of a record (or of the channel). */
	int want = s->rec == R_NONE ? 2 : s->rec == R_ITEM || s->rec == R_AUTHOR ||
	           s->rec == R_TERM ? 3 : 4;
	if (depth == want && pick_field(s, name)) {
		buf_reset(&s->text);
		buf_limit(&s->text, s->field == &s->it.content ? WXR_MAX_TEXT : WXR_MAX_FIELD);
		if (is_empty) {
			/* <wp:post_password/>: an empty value, no end tag follows. */
			if (s->field)
				*s->field = "";
			s->field = NULL, s->field_int = NULL, s->field_flag = NULL;
		}
	}
}

static void store_field(struct state *s, const char *name)
{
	if (s->text.is_full) {
		char what[80];
		snprintf(what, sizeof what, "%s", name);
		fail(s, "The field <%s> is longer than this importer accepts (16 MB for a post's "
		        "content, 1 MB for any other field).", what);
		return;
	}
	const char *v = buf_cstr(&s->text);
	s->item_bytes += s->text.len;
	if (s->item_bytes > WXR_MAX_ITEM) {
		fail(s, "This item is larger than 64 MB with its comments: refused.%s", NULL);
		return;
	}
	if (s->field) {
		/* Channel fields live as long as the read; the rest, their record. */
		struct arena *a = s->rec == R_NONE ? s->cha : s->a;
		*s->field = arena_strndup(a, v, s->text.len);
	} else if (s->field_int) {
		*s->field_int = strtoll(v, NULL, 10);
	} else if (s->field_flag) {
		*s->field_flag = v[0] == '1';
	}
	if (s->field == &s->ch.version) {
		if (strcmp(v, "1.0") && strcmp(v, "1.1") && strcmp(v, "1.2")) {
			fail(s, "This WXR version (%s) is not one this importer reads (1.0, 1.1, 1.2).",
			     v);
			return;
		}
		s->saw_version = 1;
	}
	s->field = NULL, s->field_int = NULL, s->field_flag = NULL;
}

static void on_end(struct state *s, const char *name)
{
	int depth = xmlTextReaderDepth(s->r);
	if (depth == 0)
		s->root_closed = 1;
	if (s->field || s->field_int || s->field_flag) {
		store_field(s, name);
		if (s->failed)
			return;
		if (!strcmp(name, "category"))
			s->pending_term = NULL;
		return;
	}
	if (s->rec == R_COMMENTMETA && depth == 4 && !strcmp(name, "wp:commentmeta")) {
		s->rec = R_COMMENT;
		return;
	}
	if (s->rec == R_COMMENT && depth == 3) {
		FILL_STRINGS(s->cm, struct wxr_comment, author, agent);
		s->rec = R_ITEM;
		return;
	}
	if (s->rec == R_META && depth == 3) {
		FILL_STRINGS(s->mt, struct wxr_meta, key, value);
		s->rec = R_ITEM;
		return;
	}
	if (s->rec == R_ITEM && depth == 3 && !strcmp(name, "category")) {
		s->pending_term = NULL;
		return;
	}
	if (depth != 2)
		return;
	int rc = 0;
	switch (s->rec) {
	case R_AUTHOR:
		FILL_STRINGS(&s->au, struct wxr_author, login, last_name);
		if (s->h->author)
			rc = s->h->author(s->h->ctx, &s->au);
		break;
	case R_TERM:
		FILL_STRINGS(&s->term, struct wxr_term, taxonomy, description);
		if (s->h->term)
			rc = s->h->term(s->h->ctx, &s->term);
		break;
	case R_ITEM:
		FILL_STRINGS(&s->it, struct wxr_item, title, attachment_url);
		if (s->h->item)
			rc = s->h->item(s->h->ctx, &s->it);
		s->it.n_terms = s->it.n_meta = s->it.n_comments = 0;
		break;
	default:
		return;
	}
	end_record(s);
	if (rc)
		s->stop = rc;
}

static int run(struct state *s)
{
	xmlTextReaderSetStructuredErrorHandler(s->r, on_xml_error, s);
	int rc = 0;
	while (!s->failed && !s->stop && (rc = xmlTextReaderRead(s->r)) == 1) {
		int type = xmlTextReaderNodeType(s->r);
		const char *name = (const char *)xmlTextReaderConstName(s->r);
		switch (type) {
		case XML_READER_TYPE_ELEMENT:
			on_start(s, name ? name : "", xmlTextReaderIsEmptyElement(s->r));
			break;
		case XML_READER_TYPE_END_ELEMENT:
			on_end(s, name ? name : "");
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		case XML_READER_TYPE_WHITESPACE:
			if (s->field || s->field_int || s->field_flag) {
				const char *v = (const char *)xmlTextReaderConstValue(s->r);
				if (v)
					buf_puts(&s->text, v);
			}
			break;
		case XML_READER_TYPE_DOCUMENT_TYPE:
			fail(s, "This file declares a DTD (<!DOCTYPE>); a WordPress export never does, "
			        "and DTDs and entities are refused.%s", NULL);
			break;
		case XML_READER_TYPE_ENTITY_REFERENCE:
		case XML_READER_TYPE_ENTITY:
			fail(s, "This file uses an entity (&%s;) that is not one of XML's own; "
			        "refused.", name);
			break;
		default:
			break;
		}
	}
	if (s->stop)
		return s->stop;
	if (s->failed)
		return -1;
	if (rc != 0 || s->xml_msg) {
		long consumed = xmlTextReaderByteConsumed(s->r);
		/* Cut short: the parser stopped in its last chunk of input (it reads
		** 512 bytes at a time) with the document still open, for any reason
		** but a tag closed by another's name (that is malformed, anywhere). */
		if (s->size && consumed >= 0 && (unsigned long long)consumed + 1024 >= s->size &&
		    !s->root_closed && s->xml_code != XML_ERR_TAG_NAME_MISMATCH)
			fail_at(s, s->xml_line, s->xml_col, "The file ends before the export does: it "
			        "was cut short (%s).", s->xml_msg ? s->xml_msg : "");
		else if (s->xml_msg)
			fail_at(s, s->xml_line, s->xml_col, "The file is not well-formed XML: %s.",
			        s->xml_msg);
		else
			fail(s, "The file is not well-formed XML.%s", NULL);
		return -1;
	}
	if (!s->saw_rss || !s->channel_sent) {
		if (!s->saw_version)
			fail(s, "This is not a WordPress export (WXR): no <rss><channel> with "
			        "wp:wxr_version.%s", NULL);
		else if (send_channel(s) != 0)
			return s->stop ? s->stop : -1;
		if (s->failed)
			return -1;
	}
	return 0;
}

static int read_with(xmlTextReaderPtr r, unsigned long long size, const struct wxr_handler *h,
                     struct wxr_error *err)
{
	memset(err, 0, sizeof *err);
	if (!r) {
		snprintf(err->msg, sizeof err->msg, "The file cannot be opened.");
		return -1;
	}
	struct state s;
	memset(&s, 0, sizeof s);
	s.h = h;
	s.err = err;
	s.r = r;
	s.size = size;
	buf_init(&s.text);
	s.cha = arena_new();
	int rc = run(&s);
	arena_free(s.cha);
	if (s.a)
		arena_free(s.a);
	buf_free(&s.text);
	free(s.it.terms);
	free(s.it.meta);
	free(s.it.comments);
	free(s.xml_msg);
	xmlFreeTextReader(r);
	return rc;
}

/* XML_PARSE_NONET: nothing fetched; no NOENT (entities not substituted), no
** DTDLOAD / DTDATTR / DTDVALID (no external subset read), no HUGE (libxml2's
** own limits on text nodes and names stay on). */
#define WXR_XML_OPTIONS XML_PARSE_NONET

int wxr_read_file(const char *path, const struct wxr_handler *h, struct wxr_error *err)
{
	struct stat sb;
	unsigned long long size = stat(path, &sb) == 0 ? (unsigned long long)sb.st_size : 0;
	return read_with(xmlReaderForFile(path, NULL, WXR_XML_OPTIONS), size, h, err);
}

int wxr_read_memory(const char *data, size_t len, const struct wxr_handler *h,
                    struct wxr_error *err)
{
	if (len > INT_MAX) {
		memset(err, 0, sizeof *err);
		snprintf(err->msg, sizeof err->msg, "The export is too large to read from memory.");
		return -1;
	}
	return read_with(xmlReaderForMemory(data, (int)len, NULL, NULL, WXR_XML_OPTIONS), len, h,
	                 err);
}

const char *wxr_meta_get(const struct wxr_item *it, const char *key)
{
	for (size_t i = 0; i < it->n_meta; i++)
		if (it->meta[i].key && !strcmp(it->meta[i].key, key))
			return it->meta[i].value;
	return NULL;
}
