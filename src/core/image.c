/*
** image.c: image_inspect(), one structure walker per format.  What each
** walker checks is listed in image.h.
**
** Every walker keeps an offset p into data[0..len) and, before reading n
** bytes at p, checks n <= len - p (never p + n <= len, which could wrap).
** Running past the end is "the file was cut off"; a structure that is
** impossible inside the file is "damaged".  Dimensions are checked last, so
** a truncated file reports its truncation first.
*/
#include "core/image.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* Widths and heights up to 2^32 - 1 are read into unsigned. */
_Static_assert(sizeof(unsigned) >= 4, "unsigned must hold 32 bits");

static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

static const struct {
	enum image_type type; /* the format */
	const char *kind;     /* its name in messages */
	const char *mime;     /* its MIME type */
	const char *ext;      /* the extension its files are stored with */
} formats[] = {
	{IMAGE_JPEG, "JPEG", "image/jpeg", "jpg"},
	{IMAGE_PNG, "PNG", "image/png", "png"},
	{IMAGE_GIF, "GIF", "image/gif", "gif"},
	{IMAGE_WEBP, "WebP", "image/webp", "webp"},
};

static int refuse(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int cut_off(const char *kind, char *err, size_t errlen)
{
	return refuse(err, errlen, "This %s image is incomplete: the file was cut off.", kind);
}

static int damaged(const char *kind, const char *why, char *err, size_t errlen)
{
	return refuse(err, errlen, "This %s image is damaged: %s.", kind, why);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static unsigned le24(const unsigned char *p)
{
	return (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0];
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

/* Fills info for a complete image of type t once its size is acceptable. */
static int accept(enum image_type t, unsigned w, unsigned h, size_t end,
                  struct image_info *info, char *err, size_t errlen)
{
	size_t f = 0;
	while (formats[f].type != t)
		f++;
	if (w == 0 || h == 0)
		return refuse(err, errlen, "This %s image has no width or height.",
		              formats[f].kind);
	if (w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE)
		return refuse(err, errlen, "This image is %u by %u pixels; Byline accepts at most "
		              "%d pixels on a side.", w, h, IMAGE_MAX_SIDE);
	/* A few bytes can claim 20,000 by 20,000: 400 million pixels, 1.6 GB
	** once decoded.  Nothing here decodes pixels yet, but browsers and a
	** later resizer do. */
	unsigned long long pixels = (unsigned long long)w * h;
	unsigned long long tenths = (pixels + 99999) / 100000; /* of a megapixel, up */
	if (pixels > IMAGE_MAX_PIXELS)
		return refuse(err, errlen, "This image is %u by %u pixels (%llu.%llu megapixels); "
		              "Byline accepts at most %d megapixels. Please save it smaller and "
		              "upload it again.", w, h, tenths / 10, tenths % 10,
		              IMAGE_MAX_PIXELS / 1000000);
	info->type = t;
	info->mime = formats[f].mime;
	info->ext = formats[f].ext;
	info->width = w;
	info->height = h;
	info->len = end;
	return 0;
}

/* ---- PNG ---- */

static int png_depth_ok(unsigned color, unsigned depth)
{
	switch (color) {
	case 0:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
	case 3:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8;
	case 2:
	case 4:
	case 6:
		return depth == 8 || depth == 16;
	default:
		return 0;
	}
}

static int inspect_png(const unsigned char *d, size_t len, struct image_info *info,
                       char *err, size_t errlen)
{
	static const char k[] = "PNG";
	size_t p = sizeof png_sig, end;
	unsigned w = 0, h = 0, color = 0;
	int n_chunks = 0, has_plte = 0;
	int idat = 0; /* 0 none yet, 1 inside the run of IDATs, 2 after it */
	for (;;) {
		if (len - p < 12)
			return cut_off(k, err, errlen);
		uint32_t clen = be32(d + p);
		if (clen > 0x7FFFFFFF)
			return damaged(k, "a chunk has an impossible length", err, errlen);
		if (clen > len - p - 12)
			return cut_off(k, err, errlen);
		const unsigned char *type = d + p + 4, *cd = d + p + 8;
		for (int i = 0; i < 4; i++) {
			unsigned char c = type[i];
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
				return damaged(k, "a chunk has an invalid type", err, errlen);
		}
		uLong crc = crc32(crc32(0L, Z_NULL, 0), type, (uInt)(4 + clen));
		if (crc != be32(cd + clen))
			return damaged(k, "a checksum does not match", err, errlen);
		int is_ihdr = !memcmp(type, "IHDR", 4);
		if (n_chunks == 0 && !is_ihdr)
			return damaged(k, "it does not start with its header", err, errlen);
		if (is_ihdr) {
			if (n_chunks > 0)
				return damaged(k, "it has two headers", err, errlen);
			if (clen != 13)
				return damaged(k, "its header has the wrong length", err, errlen);
			uint32_t w32 = be32(cd), h32 = be32(cd + 4);
			unsigned depth = cd[8];
			color = cd[9];
			if (w32 > 0x7FFFFFFF || h32 > 0x7FFFFFFF || !png_depth_ok(color, depth) ||
			    cd[10] != 0 || cd[11] != 0 || cd[12] > 1)
				return damaged(k, "its header is invalid", err, errlen);
			w = (unsigned)w32;
			h = (unsigned)h32;
		} else if (!memcmp(type, "PLTE", 4)) {
			if (idat)
				return damaged(k, "its palette comes after the image data", err, errlen);
			if (has_plte || clen == 0 || clen % 3 || clen > 768)
				return damaged(k, "its palette is invalid", err, errlen);
			has_plte = 1;
		} else if (!memcmp(type, "IDAT", 4)) {
			if (idat == 2)
				return damaged(k, "its image data is split by other chunks", err,
				               errlen);
			idat = 1;
		} else {
			if (idat == 1)
				idat = 2;
			if (!memcmp(type, "IEND", 4)) {
				if (clen != 0)
					return damaged(k, "its end chunk is invalid", err, errlen);
				end = p + 12;
				break;
			}
			if (!(type[0] & 0x20)) /* an unknown chunk a decoder may not skip */
				return refuse(err, errlen, "This PNG image uses a feature browsers do "
				              "not show (a chunk named %.4s).", (const char *)type);
		}
		n_chunks++;
		p += 12 + (size_t)clen;
	}
	if (!idat)
		return damaged(k, "it has no image data", err, errlen);
	if (color == 3 && !has_plte)
		return damaged(k, "its palette is missing", err, errlen);
	return accept(IMAGE_PNG, w, h, end, info, err, errlen);
}

/* ---- JPEG ---- */

static int inspect_jpeg(const unsigned char *d, size_t len, struct image_info *info,
                        char *err, size_t errlen)
{
	static const char k[] = "JPEG";
	size_t p = 2;
	unsigned w = 0, h = 0;
	int has_sof = 0, has_scan = 0;
	for (;;) {
		if (p >= len)
			return cut_off(k, err, errlen);
		if (d[p] != 0xFF)
			return damaged(k, "its segments do not follow one another", err, errlen);
		while (p < len && d[p] == 0xFF) /* fill bytes */
			p++;
		if (p >= len)
			return cut_off(k, err, errlen);
		unsigned m = d[p++];
		if (m == 0xD9) { /* EOI */
			if (!has_scan)
				return damaged(k, "it has no image data", err, errlen);
			break;
		}
		if (m == 0x00 || m == 0xD8)
			return damaged(k, "it has a marker out of place", err, errlen);
		if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) /* no length */
			continue;
		if (len - p < 2)
			return cut_off(k, err, errlen);
		size_t seg = be16(d + p);
		if (seg < 2)
			return damaged(k, "a segment has an impossible length", err, errlen);
		if (seg > len - p)
			return cut_off(k, err, errlen);
		const unsigned char *s = d + p + 2; /* the segment's contents */
		size_t n = seg - 2;
		int is_sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
		if (is_sof) {
			if (m > 0xC2)
				return refuse(err, errlen, "This JPEG image uses a kind of compression "
				              "browsers do not show (lossless, hierarchical or "
				              "arithmetic coding); save it again as a standard JPEG.");
			if (has_sof)
				return damaged(k, "it has two frame headers", err, errlen);
			if (n < 6 || n != 6 + 3 * (size_t)s[5] || s[5] < 1 || s[5] > 4)
				return damaged(k, "its frame header is invalid", err, errlen);
			if (s[0] != 8)
				return refuse(err, errlen, "This JPEG image has %u-bit samples, which "
				              "browsers do not show; save it again as an 8-bit JPEG.",
				              (unsigned)s[0]);
			h = be16(s + 1);
			w = be16(s + 3);
			has_sof = 1;
		}
		p += seg;
		if (m == 0xDA) { /* SOS: entropy-coded data runs to the next marker */
			if (!has_sof)
				return damaged(k, "its image data comes before its frame header", err,
				               errlen);
			size_t start = p;
			for (;;) {
				const unsigned char *ff = memchr(d + p, 0xFF, len - p);
				if (!ff || (size_t)(ff - d) + 1 >= len)
					return cut_off(k, err, errlen);
				p = (size_t)(ff - d);
				unsigned next = d[p + 1];
				if (next == 0x00 || (next >= 0xD0 && next <= 0xD7))
					p += 2; /* a stuffed FF, or a restart marker */
				else if (next == 0xFF)
					p += 1; /* fill before a marker */
				else
					break;
			}
			size_t data_end = p; /* fill bytes before the marker are not data */
			while (data_end > start && d[data_end - 1] == 0xFF)
				data_end--;
			if (data_end == start)
				return damaged(k, "it has an empty scan", err, errlen);
			has_scan = 1;
		}
	}
	return accept(IMAGE_JPEG, w, h, p, info, err, errlen);
}

/* ---- GIF ---- */

/* Skips a chain of data sub-blocks at *p, through its zero-length ending.
** 0, or -1 if the file ends first. */
static int gif_sub_blocks(const unsigned char *d, size_t len, size_t *p)
{
	for (;;) {
		if (*p >= len)
			return -1;
		size_t n = d[(*p)++];
		if (n == 0)
			return 0;
		if (n > len - *p)
			return -1;
		*p += n;
	}
}

static int inspect_gif(const unsigned char *d, size_t len, struct image_info *info,
                       char *err, size_t errlen)
{
	static const char k[] = "GIF";
	if (len < 13)
		return cut_off(k, err, errlen);
	unsigned w = le16(d + 6), h = le16(d + 8);
	size_t p = 13;
	if (d[10] & 0x80)
		p += (size_t)3 << ((d[10] & 7) + 1);
	int n_images = 0;
	for (;;) {
		if (p >= len)
			return cut_off(k, err, errlen);
		unsigned b = d[p++];
		if (b == 0x3B)
			break;
		if (b == 0x21) { /* extension: label, sub-blocks */
			if (p >= len)
				return cut_off(k, err, errlen);
			p++;
		} else if (b == 0x2C) { /* image: descriptor, colour table, LZW size */
			if (len - p < 9)
				return cut_off(k, err, errlen);
			unsigned flags = d[p + 8];
			p += 9;
			if (flags & 0x80) {
				size_t table = (size_t)3 << ((flags & 7) + 1);
				if (table > len - p)
					return cut_off(k, err, errlen);
				p += table;
			}
			if (p >= len)
				return cut_off(k, err, errlen);
			unsigned code_size = d[p++];
			if (code_size < 1 || code_size > 11)
				return damaged(k, "an image has an invalid code size", err, errlen);
			n_images++;
		} else {
			return damaged(k, "its blocks do not follow one another", err, errlen);
		}
		if (gif_sub_blocks(d, len, &p) != 0)
			return cut_off(k, err, errlen);
	}
	if (n_images == 0)
		return damaged(k, "it has no image data", err, errlen);
	return accept(IMAGE_GIF, w, h, p, info, err, errlen);
}

/* ---- WebP ---- */

static int inspect_webp(const unsigned char *d, size_t len, struct image_info *info,
                        char *err, size_t errlen)
{
	static const char k[] = "WebP";
	uint32_t rsize = le32(d + 4);
	if (rsize < 4)
		return damaged(k, "its size is impossible", err, errlen);
	if (rsize > len - 8)
		return cut_off(k, err, errlen);
	size_t end = 8 + (size_t)rsize, p = 12;
	unsigned w = 0, h = 0;
	int first = 1, is_extended = 0, is_animated = 0, has_bitstream = 0, has_frame = 0;
	while (p < end) {
		if (end - p < 8)
			return damaged(k, "a chunk runs past the end of the file", err, errlen);
		const unsigned char *fourcc = d + p;
		uint32_t csize = le32(d + p + 4);
		if (csize > end - p - 8)
			return damaged(k, "a chunk runs past the end of the file", err, errlen);
		const unsigned char *c = d + p + 8;
		int is_vp8 = !memcmp(fourcc, "VP8 ", 4), is_vp8l = !memcmp(fourcc, "VP8L", 4);
		if (first) {
			if (is_vp8) {
				if (csize < 10)
					return damaged(k, "its image header is invalid", err, errlen);
				/* frame tag: bit 0 clear for a key frame, bits 5..23 the
				** first partition's size */
				uint32_t tag = (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16;
				if ((tag & 1) || c[3] != 0x9D || c[4] != 0x01 || c[5] != 0x2A ||
				    (tag >> 5) > csize - 10)
					return damaged(k, "its image header is invalid", err, errlen);
				w = le16(c + 6) & 0x3FFF;
				h = le16(c + 8) & 0x3FFF;
			} else if (is_vp8l) {
				if (csize < 5 || c[0] != 0x2F || (le32(c + 1) >> 29) != 0)
					return damaged(k, "its image header is invalid", err, errlen);
				uint32_t bits = le32(c + 1);
				w = (bits & 0x3FFF) + 1;
				h = ((bits >> 14) & 0x3FFF) + 1;
			} else if (!memcmp(fourcc, "VP8X", 4)) {
				if (csize < 10)
					return damaged(k, "its image header is invalid", err, errlen);
				is_extended = 1;
				is_animated = (c[0] & 0x02) != 0;
				w = le24(c + 4) + 1;
				h = le24(c + 7) + 1;
			} else {
				return damaged(k, "it does not start with an image header", err, errlen);
			}
			first = 0;
		} else if (is_vp8 || is_vp8l) {
			has_bitstream = 1;
		} else if (!memcmp(fourcc, "ANMF", 4)) {
			has_frame = 1;
		}
		size_t step = 8 + (size_t)csize;
		if ((csize & 1) && step < end - p)
			step++; /* chunks are padded to even sizes */
		p += step;
	}
	if (first)
		return damaged(k, "it has no image data", err, errlen);
	if (is_extended && !(is_animated ? has_frame : has_bitstream))
		return damaged(k, "it has no image data", err, errlen);
	return accept(IMAGE_WEBP, w, h, end, info, err, errlen);
}

/* ---- everything else ---- */

/* A refusal that names what the file seems to be, when that helps. */
static int refuse_other(const unsigned char *d, size_t len, char *err, size_t errlen)
{
	if (len == 0)
		return refuse(err, errlen, "This file is empty.");
	if (len >= 12 && !memcmp(d + 4, "ftyp", 4)) {
		static const char *const heic[] = {"heic", "heix", "hevc", "hevx", "heim",
		                                   "heis", "mif1", "msf1"};
		for (size_t i = 0; i < sizeof heic / sizeof *heic; i++)
			if (!memcmp(d + 8, heic[i], 4))
				return refuse(err, errlen, "This is a HEIC image (the iPhone's photo "
				              "format), which not every browser shows; export it as "
				              "JPEG and upload that.");
		if (!memcmp(d + 8, "avif", 4) || !memcmp(d + 8, "avis", 4))
			return refuse(err, errlen, "This is an AVIF image, which Byline does not "
			              "accept yet; export it as JPEG, PNG or WebP.");
	}
	if (len >= 4 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4)))
		return refuse(err, errlen, "This is a TIFF image, which browsers do not show; "
		              "export it as JPEG or PNG.");
	/* SVG: markup (after an optional BOM and white space) with an <svg
	** element near the start. */
	size_t p = len >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (p < len && (d[p] == ' ' || d[p] == '\t' || d[p] == '\r' || d[p] == '\n'))
		p++;
	if (p < len && d[p] == '<') {
		size_t lim = len < 4096 ? len : 4096;
		for (size_t i = p; i + 4 <= lim; i++)
			if (d[i] == '<' && !strncasecmp((const char *)d + i + 1, "svg", 3))
				return refuse(err, errlen, "SVG images are not accepted: they can carry "
				              "scripts.  Export it as PNG and upload that.");
	}
	return refuse(err, errlen, "This file is not an image Byline accepts (JPEG, PNG, "
	              "WebP or GIF).");
}

int image_inspect(const unsigned char *data, size_t len, struct image_info *info,
                  char *err, size_t errlen)
{
	memset(info, 0, sizeof *info);
	if (!data)
		len = 0;
	if (len >= 2 && data[0] == 0xFF && data[1] == 0xD8)
		return inspect_jpeg(data, len, info, err, errlen);
	if (len >= 4 && !memcmp(data, png_sig, len < 8 ? len : 8))
		return len < 8 ? cut_off("PNG", err, errlen) : inspect_png(data, len, info, err, errlen);
	if (len >= 4 && !memcmp(data, "GIF8", 4)) {
		if (len < 6)
			return cut_off("GIF", err, errlen);
		if (!memcmp(data, "GIF87a", 6) || !memcmp(data, "GIF89a", 6))
			return inspect_gif(data, len, info, err, errlen);
	}
	if (len >= 12 && !memcmp(data, "RIFF", 4) && !memcmp(data + 8, "WEBP", 4))
		return inspect_webp(data, len, info, err, errlen);
	return refuse_other(data, len, err, errlen);
}

enum image_type image_type_for_ext(const char *ext, const char **mime)
{
	for (size_t f = 0; ext && f < sizeof formats / sizeof *formats; f++) {
		if (!strcmp(ext, formats[f].ext)) {
			if (mime)
				*mime = formats[f].mime;
			return formats[f].type;
		}
	}
	if (mime)
		*mime = NULL;
	return IMAGE_NONE;
}
