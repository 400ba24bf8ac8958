/*
** wpcontent.h: WordPress's stored post HTML to the body Byline stores.
**
** WordPress stores what the editor wrote, not what it shows: paragraphs are
** blank lines (wpautop makes the <p>s when a page is shown), Gutenberg
** blocks are wrapped in <!-- wp:... --> comments, and shortcodes ([caption],
** [gallery], [embed], ...) are expanded at display.  wpcontent_convert()
** does that work once, at import, and returns HTML that Byline's Markdown
** reads as raw HTML blocks (every block starts with a block-level tag at
** the start of a line and holds no blank line), so it renders as WordPress
** showed it, opens in the editor as HTML, and saves without loss:
**
**   - <!-- wp:... --> and <!-- /wp:... --> comments, <!--more--> and
**     <!--nextpage--> are dropped;
**   - paragraphs are made from blank lines, a single newline inside one is
**     a <br> (wpautop's rules, in short); a block that already starts with a
**     block-level tag is left as it is, and <pre> is never touched inside;
**   - [caption ...]<img>text[/caption] becomes <figure><img><figcaption>;
**   - [gallery ids="1,2"] becomes a <figure> of the images it names (through
**     the attachment callback);
**   - [embed]URL[/embed], and a URL alone on its line, become a link;
**   - [[x]] becomes [x] (WordPress's escape); any other shortcode is left as
**     written, and its name added to `notes` for the import's report;
**   - href and src pointing at the old site (any of old_bases, http or https)
**     become site-relative; an address under /wp-content/ goes through the
**     upload callback (to the imported media's URL), and is kept as it was
**     when the callback has none (the file was not imported).
** Text, entities, emoji, right-to-left and CJK text are copied byte for
** byte: only the constructs above are touched.
*/
#ifndef BYLINE_RENDER_WPCONTENT_H
#define BYLINE_RENDER_WPCONTENT_H

#include <stddef.h>

struct buf;

struct wpcontent_ctx {
	const char *const *old_bases; /* "https://old.example.com" (no trailing '/') */
	size_t n_old_bases;           /* entries in old_bases */
	/* An attachment's URL and alt text in Byline, by WordPress id: 0, or -1
	** if unknown.  May be NULL. */
	int (*attachment)(void *ctx, long long wp_id, const char **url, const char **alt);
	/* The Byline URL for an old upload's address (absolute, as written), or
	** NULL to keep it.  May be NULL. */
	const char *(*upload)(void *ctx, const char *url);
	void *ctx;                    /* for the callbacks */
};

/* Appends the converted body of src to out, and to notes (if not NULL) one
** line per shortcode left as it was ("[name]"), once each.  Returns 0. */
int wpcontent_convert(const char *src, const struct wpcontent_ctx *c, struct buf *out,
                      struct buf *notes);

#endif
