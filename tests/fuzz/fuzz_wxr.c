/*
** fuzz_wxr.c: the streaming WXR reader (src/model/wxr_read.c) and the
** WordPress content conversion (src/render/wpcontent.c).
**
** Input: a WordPress export, any bytes.
**
** wxr_read.h promises: a read ends with 0, or -1 and a sentence in err
** (never a crash, a leak or a read past the input, whatever the bytes:
** DTDs, entities and oversized fields refused); every string field of what
** it hands to a callback is non-NULL; counts match their arrays.  The
** conversion of each item's content (wpcontent.h) must give valid UTF-8
** for valid UTF-8 input (libxml2 hands out UTF-8 only): it copies text and
** only cuts at ASCII bytes.
*/
#include "fuzz.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "model/wxr_read.h"
#include "render/wpcontent.h"

#include <string.h>

static int attachment(void *ctx, long long id, const char **url, const char **alt)
{
	(void)ctx;
	if (id % 2)
		return -1;
	*url = "/media/x.png";
	*alt = "a \"b\" <c>";
	return 0;
}

static const char *upload(void *ctx, const char *url)
{
	(void)ctx;
	return strlen(url) % 2 ? "/media/y.jpg" : NULL;
}

static void converts(const char *src)
{
	static const char *const bases[] = {"https://old.example.org", "http://old.example.org/b"};
	struct wpcontent_ctx c = {bases, 2, attachment, upload, NULL};
	struct buf out = BUF_INIT, notes = BUF_INIT;
	wpcontent_convert(src, &c, &out, &notes);
	if (utf8_valid(src, strlen(src)))
		FUZZ_ASSERT(utf8_valid(out.data ? out.data : "", out.len), "conversion broke UTF-8");
	buf_free(&out);
	buf_free(&notes);
}

static int on_term(void *ctx, const struct wxr_term *t)
{
	(void)ctx;
	FUZZ_ASSERT(t->taxonomy && t->slug && t->parent && t->name && t->description, "term");
	return 0;
}

static int on_author(void *ctx, const struct wxr_author *au)
{
	(void)ctx;
	FUZZ_ASSERT(au->login && au->email && au->display_name && au->first_name && au->last_name,
	            "author");
	return 0;
}

static int on_item(void *ctx, const struct wxr_item *it)
{
	(void)ctx;
	FUZZ_ASSERT(it->title && it->content && it->status && it->post_type && it->password &&
	            it->attachment_url && it->post_date_gmt, "item");
	FUZZ_ASSERT(!it->n_terms || it->terms, "terms");
	for (size_t i = 0; i < it->n_terms; i++)
		FUZZ_ASSERT(it->terms[i].domain && it->terms[i].slug && it->terms[i].name, "term %zu", i);
	for (size_t i = 0; i < it->n_meta; i++)
		FUZZ_ASSERT(it->meta[i].key && it->meta[i].value, "meta %zu", i);
	for (size_t i = 0; i < it->n_comments; i++)
		FUZZ_ASSERT(it->comments[i].author && it->comments[i].content &&
		            it->comments[i].approved && it->comments[i].type, "comment %zu", i);
	converts(it->content);
	return 0;
}

FUZZ_TARGET(wxr)
{
	const char *in = fuzz_guarded(data, size);
	struct wxr_handler h = {NULL, NULL, on_author, on_term, on_item};
	struct wxr_error err;
	int rc = wxr_read_memory(in, size, &h, &err);
	FUZZ_ASSERT(rc == 0 || (rc == -1 && err.msg[0]), "rc %d without a message", rc);
	/* The conversion alone, on the raw bytes as text. */
	char *text = fuzz_strndup(data, size);
	converts(text);
	free(text);
	return 0;
}
