/*
** icon.h: a site's icons from one uploaded image: squares of a few sizes
** (favicon, touch icons, a web app's) as PNG, and favicon.ico.
**
** libvips decodes the upload (already accepted by the media checks) and
** shrinks it to fit the square, centred on a transparent background, never
** enlarged past the source's own size (a small source gives a small icon,
** padded).  The ICO file holds one 32-pixel PNG, as every browser since
** Internet Explorer 11 reads it.
*/
#ifndef BYLINE_CORE_ICON_H
#define BYLINE_CORE_ICON_H

#include <stddef.h>

struct buf;

/* The image data[0..len) as a size x size PNG appended to out.  0, or -1
** if it cannot be decoded. */
int icon_png(const unsigned char *data, size_t len, int size, struct buf *out);

/* An ICO file holding png[0..len) (a size x size PNG, size <= 256)
** appended to out. */
void icon_ico(const unsigned char *png, size_t len, int size, struct buf *out);

#endif
