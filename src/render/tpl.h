/*
** tpl.h: Byline's Mustache engine.
**
** Implements the Mustache specification (interpolation, sections, inverted
** sections, comments, partials, set delimiters) and its inheritance module
** (parents {{<name}} and blocks {{$name}}), tested against the spec's own
** JSON files.  Lambdas are not supported: templates are designers' files,
** not code.
**
** Templates are compiled once into a tpl_set, a collection of named
** templates that find each other as partials and parents by name.  The
** theme is one tpl_set; the spec tests make one per case.
**
** Escaping: {{x}} always HTML-escapes.  In a set made with TPL_STRICT_RAW,
** {{{x}}} and {{&x}} output raw only values of kind TV_HTML (markup our own
** Markdown renderer produced); any other value is escaped as if by {{x}}.
** Without that flag (the spec tests) they output raw as the spec says.
**
** Values (render/value.h): strings escape through esc_html(); numbers print
** as integers when whole (85) and otherwise in the fewest digits that read
** back exactly (1.21); booleans print "true"/"false"; null, missing values,
** lists and maps print nothing.  Sections test tv_truthy().
**
** Limits, so that no template can exhaust the stack or loop for ever:
** sections, blocks and parents nest at most 100 deep in one template (a
** compile error beyond); partials, parents and block overrides nest at most
** 64 deep while rendering, and one render expands at most 100000 of them
** (past either limit the expansion renders as nothing).  Rendering also
** stops early once `out` reaches its buf_limit().
**
** Threads: rendering only reads the set, so one set may render on many
** threads at once; tpl_set_add must not run while any render does.
*/
#ifndef BYLINE_RENDER_TPL_H
#define BYLINE_RENDER_TPL_H

#include <stddef.h>

struct buf;
struct tv;
struct tpl_set;

#define TPL_STRICT_RAW 1
#define TPL_TRANSLATE 2  /* {{#_}}text{{/_}} is translatable text (below) */

/* A new, empty set.  Caller frees with tpl_set_free() (which ignores NULL). */
struct tpl_set *tpl_set_new(int flags);
void tpl_set_free(struct tpl_set *set);

/* Compiles src[0..len) as template `name` (replacing one of that name;
** src may hold any bytes, NUL included, and need not be NUL-terminated; it
** is copied).  Partials and parents are looked up by name when rendering,
** so they may be added in any order.  Returns 0, or -1 with a message like
** "article.mustache:12: unclosed section 'comments'" in err (of errlen
** bytes; err may be NULL), leaving any earlier template of that name in
** place. */
int tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len,
                char *err, size_t errlen);

/* 1 if the set holds a template of that name (one that was only named as a
** partial does not count). */
int tpl_set_has(const struct tpl_set *set, const char *name);

/* Renders template `name` with context `ctx` (NULL renders like null),
** appending to out.  A missing partial renders as nothing, as the spec
** requires.  Returns 0, or -1 if `name` is not in the set.  Rendering never
** fails otherwise, allocates nothing but out's growth, and recursion
** through partials is bounded (depth 64; see above). */
int tpl_render(const struct tpl_set *set, const char *name, const struct tv *ctx,
               struct buf *out);

/* As tpl_render, translating each {{#_}}text{{/_}} of a set made with
** TPL_TRANSLATE: tr(tr_data, msgid) returns the text's translation or NULL
** (then the text is written as it stands in the template).  The msgid is the
** section's source text, {{name}} tags kept as written ("Comments page
** {{page}} of {{pages}}"); the translation is HTML-escaped, and its {{name}}
** tags that the msgid also holds are filled from the context, escaped.  Only
** text and {{name}} tags may stand inside {{#_}}, and the text no '<' or '&'
** (compile errors), so that translatable text is plain text.  tr may be
** NULL (no translation). */
int tpl_render_tr(const struct tpl_set *set, const char *name, const struct tv *ctx,
                  struct buf *out, const char *(*tr)(void *data, const char *msgid),
                  void *tr_data);

#endif
