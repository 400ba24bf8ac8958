/*
** import.h: articles from Markdown files with front matter.
**
** The format, as static site generators write it:
**
**     ---
**     title: The headline
**     author: Display Name
**     author_bio: One or two sentences.      (optional)
**     date: 2024-06-12 09:30                 (site time zone; or ISO 8601)
**     slug: the-headline                     (optional)
**     section: World                         (optional)
**     tags: one, two, three                  (optional; [a, b] works too)
**     dek: The standfirst.                   (optional)
**     ---
**     The body, in Markdown.
**
** Values may be wrapped in single or double quotes.  title, author and date
** are required.  An unknown key is an error, so a typo never goes unseen.
*/
#ifndef BYLINE_MODEL_IMPORT_H
#define BYLINE_MODEL_IMPORT_H

#include <stddef.h>

struct db;
struct arena;

/* Imports one file's text as a published article.  Returns its id, or -1
** with *line set to the offending line (0 if none) and a sentence in err. */
long long import_markdown(struct db *db, struct arena *a, const char *text, size_t len,
                          int *line, char *err, size_t errlen);

#endif
