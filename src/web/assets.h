/*
** assets.h: the theme files compiled into the binary.
**
** tools/embed.sh turns every file under templates/ and static/ into an
** entry here at build time, so a release binary needs no files beside it.
** `byline serve --theme DIR` reads the same files from disk instead, for a
** designer editing them.
*/
#ifndef BYLINE_WEB_ASSETS_H
#define BYLINE_WEB_ASSETS_H

struct asset {
	const char *name;          /* "templates/article.mustache" */
	const unsigned char *data; /* bytes, followed by a NUL */
	unsigned long len;         /* bytes, without the NUL */
};

extern const struct asset assets[];
extern const unsigned long n_assets;

#endif
