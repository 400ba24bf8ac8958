/*
** image.h: recognising an uploaded image from its bytes.
**
** An upload's name and declared Content-Type are the sender's word; this
** module looks only at the bytes.  It accepts the four formats every
** browser shows (JPEG, PNG, GIF, WebP), reads their width and height (for
** <img width height>, so pages do not jump while they load), and checks
** that the file is complete by walking its whole structure, so a file cut
** off in transit is refused with a sentence instead of published half grey.
** Pixels are not decoded: a file whose structure is sound but whose
** compressed data was altered is not caught here.
**
** Everything else is refused: SVG (it can carry script that runs on our
** origin), HTML, PHP or any script whatever its name, formats browsers do
** not all show (HEIC, AVIF, TIFF), images wider or taller than
** IMAGE_MAX_SIDE pixels, and images of more than IMAGE_MAX_PIXELS pixels
** (a 66-byte PNG can claim 20,000 by 20,000, which decodes to 1.6 GB).
**
** What "complete" means, per format:
**
** - PNG: the signature; IHDR first, 13 bytes, with a valid bit depth and
**   colour type; every chunk inside the file, with a letter-only type and a
**   matching CRC-32; PLTE before IDAT when the colour type needs one; at
**   least one IDAT, all IDATs in one run; no unknown critical chunk; IEND.
** - JPEG: SOI; segments walked by their lengths (fill bytes allowed); one
**   SOF0, SOF1 or SOF2 (baseline, extended, progressive: what browsers
**   decode) with 8-bit samples and 1 to 4 components, before the first
**   SOS; entropy-coded data after each SOS (stuffed FF00 and RSTn skipped)
**   of at least one byte; EOI.
** - GIF: "GIF87a" or "GIF89a", the logical screen and global colour table;
**   then extension blocks and images (descriptor, local colour table, LZW
**   code size 1..11, data sub-blocks) up to the trailer 0x3B; at least one
**   image.
** - WebP: "RIFF", a size no larger than the file, "WEBP"; chunks walked to
**   the RIFF's end, each inside it; the first is "VP8 " (a key frame with
**   its start code), "VP8L" (signature 0x2F, version 0) or "VP8X" (which
**   must then be followed by VP8/VP8L image data, or ANMF frames when its
**   animation flag is set).
**
** Bytes after the image's end (after IEND, EOI, the GIF trailer or the RIFF
** size) are not part of the image: info->len says where it ends, and the
** caller stores only that much.  Phones append such bytes (Samsung's
** trailer, a motion photo's video, a second MPF picture) and so does anyone
** making a polyglot file; no browser shows them.
*/
#ifndef BYLINE_CORE_IMAGE_H
#define BYLINE_CORE_IMAGE_H

#include <stddef.h>

#define IMAGE_MAX_SIDE 20000         /* pixels on a side; more is refused */
#define IMAGE_MAX_PIXELS 100000000   /* width times height (100 megapixels: a
                                     ** 10,000 by 10,000 picture, a 20,000 by
                                     ** 5,000 panorama); more is refused */

enum image_type {
	IMAGE_NONE,  /* not an image accepted here */
	IMAGE_JPEG,
	IMAGE_PNG,
	IMAGE_GIF,
	IMAGE_WEBP,
};

struct image_info {
	enum image_type type;  /* never IMAGE_NONE after success */
	const char *mime;      /* "image/jpeg", "image/png", ...; static */
	const char *ext;       /* "jpg", "png", "gif", "webp"; static */
	unsigned width, height; /* pixels, 1..IMAGE_MAX_SIDE, product at most
	                        ** IMAGE_MAX_PIXELS */
	size_t len;            /* the image is data[0..len); len <= the input's
	                       ** length, smaller when bytes follow its end */
};

/* Inspects data[0..len) (data may be NULL when len is 0).  Returns 0 if it
** is a complete image of a supported type, with *info filled; otherwise -1,
** *info zeroed, and one sentence a person understands in err (errlen bytes,
** may be 0), such as "This file is not an image Byline accepts (JPEG, PNG,
** WebP or GIF)." or "This PNG image is incomplete: the file was cut off."
** Reads only data[0..len); time is linear in len. */
int image_inspect(const unsigned char *data, size_t len, struct image_info *info,
                  char *err, size_t errlen);

/* The type for an extension ("jpg", "png", "gif", "webp"; lowercase, exact),
** or IMAGE_NONE.  With mime not NULL, *mime gets its static MIME type. */
enum image_type image_type_for_ext(const char *ext, const char **mime);

#endif
