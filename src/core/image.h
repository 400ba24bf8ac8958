/*
** image.h: reading, checking and re-encoding uploaded images (libvips).
**
** An upload's name and declared Content-Type are the sender's word; this
** module looks only at the bytes.  It takes the four formats every browser
** shows: JPEG, PNG, GIF (animated too) and WebP (lossy, lossless, alpha,
** animated).  The format is recognised from the first bytes and only that
** format's libvips loader is ever called (jpegload, pngload, gifload,
** webpload): no other loader (SVG, PDF, TIFF, ImageMagick...) can be reached
** by a crafted file, and libvips' "untrusted" loaders are blocked as well.
**
** Everything else is refused with a sentence: SVG (it can carry script that
** runs on our origin), HTML, PHP or any script whatever its name, formats
** browsers do not all show (HEIC, AVIF, TIFF).
**
** Three limits apply before any pixel is decoded, from the header alone:
** a side of at most IMAGE_MAX_SIDE pixels, width times height (times frames
** for an animation) of at most the caller's max_pixels (the setting
** image_max_megapixels, 100 by default), so a 66-byte PNG claiming 50,000 by
** 50,000 (7.5 GB of pixels) is refused at once and costs nothing.  Then the
** whole image is decoded with libvips' fail_on=truncated: a file cut off in
** transit or with damaged compressed data is refused instead of being
** published half grey.
**
** image_normalize() is what an upload goes through: turned upright as its
** EXIF orientation says, converted to sRGB (through its ICC profile when it
** has one), and saved again in its own format with every metadata block
** stripped (EXIF with GPS and maker notes, XMP, IPTC, ICC, comments,
** embedded thumbnails).  Before that, the IPTC/XMP caption, credit and
** copyright are read out, for the media row.
**
** image_variants() makes the smaller copies pages use (srcset) and the
** 1200x630 social image, from a normalized image.  No AVIF: Debian 12's
** libvips 8.14 has no AVIF encoder (vips_foreign_find_save_buffer(".avif")
** finds none: its libheif is built without an AV1 encoder).
**
** libvips is started once (image_init(), at the first use or at start):
** libvips' operation cache is off (every upload is new bytes; a cache only
** holds memory) and each operation uses at most IMAGE_THREADS threads.
*/
#ifndef BYLINE_CORE_IMAGE_H
#define BYLINE_CORE_IMAGE_H

#include <stddef.h>

struct arena;

#define IMAGE_MAX_SIDE 20000          /* pixels on a side; more is refused */
#define IMAGE_MAX_PIXELS 100000000ULL /* the default of image_max_megapixels */
#define IMAGE_THREADS 2               /* libvips worker threads per operation */

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
	unsigned width, height; /* pixels, 1..IMAGE_MAX_SIDE (height: of one frame) */
	unsigned frames;       /* 1, or the frames of an animation */
	size_t len;            /* bytes of the image (the input's length) */
};

/* Text read from a photo's IPTC (IIM) or XMP block; "" when absent.  What a
** wire photo carries: the caption, who took it and for whom ("Name/Agency"),
** and the copyright line. */
struct image_text {
	const char *caption;   /* IPTC 2:120, else XMP dc:description */
	const char *credit;    /* IPTC 2:80 by-line "/" 2:110 credit (either alone),
	                       ** else XMP dc:creator "/" photoshop:Credit */
	const char *copyright; /* IPTC 2:116, else XMP dc:rights */
};

/* Starts libvips once (thread-safe; later calls do nothing).  0, or -1 when
** libvips cannot start (then every other function refuses). */
int image_init(void);

/* Frees libvips' own state at exit (for LeakSanitizer); after it no image
** function may be called. */
void image_shutdown(void);

/* Recognises data[0..len) from its header, without decoding pixels.
** Returns 0 if it is one of the four formats with a header libvips reads and
** sizes inside the limits (max_pixels: width * height * frames; 0 means
** IMAGE_MAX_PIXELS), *info filled; otherwise -1, *info zeroed, and one
** sentence a person understands in err (errlen bytes, may be 0), such as
** "This file is not an image Byline accepts (JPEG, PNG, WebP or GIF)." or
** "This image is 50000 by 50000 pixels (2500.0 megapixels); Byline accepts
** at most 100 megapixels. ..." */
int image_inspect(const unsigned char *data, size_t len, unsigned long long max_pixels,
                  struct image_info *info, char *err, size_t errlen);

/* The upload pipeline: image_inspect(), then a full decode (refusing a
** damaged or cut-off file), orientation applied, sRGB, metadata read into
** *text (strings in a) and then stripped, saved in the same format.  0 with
** *out / *out_len the new file (allocated in a) and *info describing it
** (width and height after rotation, len = *out_len); -1 with err set. */
int image_normalize(struct arena *a, const unsigned char *data, size_t len,
                    unsigned long long max_pixels, struct image_info *info,
                    struct image_text *text, unsigned char **out, size_t *out_len,
                    char *err, size_t errlen);

/* A set of variants made from one decode: the widths[0..n) (each no wider
** than the source) in the source's format and in WebP, and the social
** image.  Faster than image_variant() per file: the source is decoded once
** (shrunk while decoding, for JPEG) to the largest width needed, and the
** smaller ones are made from that.  For each made file, emit(ctx, suffix
** ("640" or "social"), type, bytes, n, w, h) is called; a nonzero return
** stops.  0, or -1 with err set (files emitted before stay emitted). */
typedef int (*image_emit_fn)(void *ctx, const char *suffix, enum image_type type,
                             const unsigned char *bytes, size_t n, unsigned w, unsigned h);
int image_variants(const unsigned char *data, size_t len, const unsigned *widths, size_t n,
                   image_emit_fn emit, void *ctx, char *err, size_t errlen);

/* The type for an extension ("jpg", "png", "gif", "webp"; lowercase, exact),
** or IMAGE_NONE.  With mime not NULL, *mime gets its static MIME type. */
enum image_type image_type_for_ext(const char *ext, const char **mime);

/* The extension ("jpg"...) and MIME type of a type; NULL for IMAGE_NONE. */
const char *image_ext(enum image_type t);
const char *image_mime(enum image_type t);

#endif
