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
*/
#ifndef BYLINE_RENDER_TPL_H
#define BYLINE_RENDER_TPL_H

#include <stddef.h>

struct buf;
struct tv;
struct tpl_set;

#define TPL_STRICT_RAW 1

/* A new, empty set.  Caller frees with tpl_set_free(). */
struct tpl_set *tpl_set_new(int flags);
void tpl_set_free(struct tpl_set *set);

/* Compiles src[0..len) as template `name` (replacing one of that name).
** Returns 0, or -1 with a message like "article.mustache:12: unclosed
** section 'comments'" in err (of errlen bytes). */
int tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len,
                char *err, size_t errlen);

/* 1 if the set holds a template of that name. */
int tpl_set_has(const struct tpl_set *set, const char *name);

/* Renders template `name` with context `ctx`, appending to out.  A missing
** partial renders as nothing, as the spec requires.  Returns 0, or -1 if
** `name` is not in the set.  Rendering never fails otherwise, and recursion
** through partials is bounded (depth 64). */
int tpl_render(const struct tpl_set *set, const char *name, const struct tv *ctx,
               struct buf *out);

#endif
