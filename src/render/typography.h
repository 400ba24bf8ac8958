/*
** typography.h: typewriter punctuation turned into a typesetter's on the
** way out (what WordPress's wptexturize does).
**
** The rules, in wptexturize's spirit:
**   "…" and '…'  curly quotes, opening or closing by what stands before
**                them (start, space, ( [ { or a dash opens; anything else
**                closes); a ' between letters is an apostrophe (don't,
**                O'Neill), and so is a leading one before a decade or a
**                clipped word ('90s, '07, 'tis, 'em, rock 'n' roll)
**   5'10"        primes after a digit (′ ″) unless a quote of that kind
**                is open ("born in 1990")
**   ...          an ellipsis …
**   ---          an em dash —; "--" with a space (or the text's edge) on
**                both sides also becomes an em dash (the spaces kept)
**   --           otherwise an en dash – (not after "xn", for IDNA names)
**   " - "        a lone hyphen between spaces becomes an en dash
**   ``  ''       opening and closing double quotes
** A single hyphen between words or numbers (well-being, 1990-1995, a
** phone number) stays a hyphen, as in wptexturize: a hyphen between
** digits is as often a code or a date as a range.
**
** Never touched: anything that is not a text node (tags, attributes,
** comments), the text inside code, pre, kbd, samp, tt, var, script, style,
** textarea, svg and math, and a URL written in the text (from http://,
** https:// or www. to the next space).  Other scripts pass through as they
** are: only ASCII quotes, hyphens and dots are ever replaced, by UTF-8
** characters (never entities), so the output is as safe as the input and
** running it again changes nothing.
*/
#ifndef BYLINE_RENDER_TYPOGRAPHY_H
#define BYLINE_RENDER_TYPOGRAPHY_H

#include <stddef.h>

struct arena;
struct buf;

/* Appends plain text (a headline, a standfirst: no markup, no entities)
** with typography to out.  The result is still plain text: escape it as
** before. */
void typography_text(struct buf *out, const char *s, size_t n);

/* Appends HTML (our Markdown writer's or the sanitiser's output) with
** typography on its text nodes to out.  &quot; and &#39; in text count
** as the quotes they stand for. */
void typography_html(struct buf *out, const char *s, size_t n);

/* The same into the arena, for NUL-terminated strings.  NULL gives "". */
char *typography_text_str(struct arena *a, const char *s);
char *typography_html_str(struct arena *a, const char *s);

#endif
