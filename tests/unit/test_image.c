/*
** test_image.c: unit tests for src/core/image.c (libvips) and
** src/model/media.c.
**
** The images are made here, not read from files: a PNG assembled chunk by
** chunk with zlib's compress() and crc32(), a baseline JPEG written byte by
** byte (one 8x8 grey block), a GIF with a hand-packed LZW stream, Modernizr's
** lossless WebP probe, and larger photo-like images (noise) that libvips
** itself encodes in each format, with an EXIF orientation or an IPTC block
** when a test needs one.  Each is accepted with its size after a full
** decode; cut-off prefixes and damaged copies are refused; a header that
** claims 50,000 by 50,000 is refused before any pixel is decoded; the
** orientation is applied and the metadata stripped; the variants have their
** widths.  Then media_store() against a fresh database in a temporary
** folder: refusals leave no file and no row, a store writes one file, the
** same image again gives the same row, media_path() turns only well-formed
** stored names into paths, and media_make_variants() makes and lists the
** variants.
*/
#include "core/arena.h"
#include "core/buf.h"
#include "core/image.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/db.h"
#include "model/media.h"
#include "model/schema.h"
#include "model/settings.h"
#include "test.h"

#include <ftw.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include <vips/vips.h>
#include <zlib.h>

static char err[256];

/* ---- the images ---- */

static void put_be32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 8), (unsigned char)v};
	buf_put(b, x, 4);
}

/* One PNG chunk: length, type, data, CRC of type and data. */
static void png_chunk(struct buf *b, const char *type, const void *data, size_t n)
{
	put_be32(b, (uint32_t)n);
	size_t at = b->len;
	buf_put(b, type, 4);
	if (n)
		buf_put(b, data, n);
	put_be32(b, (uint32_t)crc32(0, (const unsigned char *)b->data + at, (uInt)(4 + n)));
}

/* A w x h RGB PNG (IHDR may claim other sizes: pixels are not decoded). */
static void make_png(struct buf *b, uint32_t w, uint32_t h)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	buf_put(b, sig, 8);
	unsigned char ihdr[13] = {0};
	for (int i = 0; i < 4; i++) {
		ihdr[i] = (unsigned char)(w >> (24 - 8 * i));
		ihdr[4 + i] = (unsigned char)(h >> (24 - 8 * i));
	}
	ihdr[8] = 8;  /* bit depth */
	ihdr[9] = 2;  /* RGB */
	png_chunk(b, "IHDR", ihdr, 13);
	png_chunk(b, "tEXt", "Comment\0made by hand", 20);
	/* rows of 3 pixels (the real size for 3x2), filter byte 0 first */
	unsigned char raw[2 * (1 + 9)];
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = i % 10 == 0 ? 0 : (unsigned char)(i * 25);
	unsigned char z[128];
	uLongf zlen = sizeof z;
	compress(z, &zlen, raw, sizeof raw);
	png_chunk(b, "IDAT", z, zlen);
	png_chunk(b, "IEND", NULL, 0);
}

/* A baseline JPEG, 3x2, one grey component: quantisation table of ones,
** Huffman tables with one 1-bit code each (DC category 0, AC end of
** block), one MCU coded as the bits 0 0 padded with ones: 0x3F. */
static const unsigned char jpeg_3x2[] = {
	0xFF, 0xD8,                                     /* SOI */
	0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, /* APP0 JFIF 1.1 */
	0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0xFF, 0xDB, 0x00, 0x43, 0x00,                   /* DQT 0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x02, 0x00, 0x03, /* SOF0: 8 bit, h 2, w 3 */
	0x01, 0x01, 0x11, 0x00,                         /* 1 component, 1x1, table 0 */
	0xFF, 0xC4, 0x00, 0x14, 0x00,                   /* DHT DC 0 */
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
	0xFF, 0xC4, 0x00, 0x14, 0x10,                   /* DHT AC 0 */
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
	0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, /* SOS */
	0x3F,                                           /* the scan */
	0xFF, 0xD9,                                     /* EOI */
};

/* A 3x2 GIF89a: a two-colour global table, one image, LZW code size 2 and
** the codes clear 0 0 clear 0 0 clear 0 0 end (3 bits each, LSB first),
** so the code width never grows. */
static const unsigned char gif_3x2[] = {
	'G', 'I', 'F', '8', '9', 'a', 0x03, 0x00, 0x02, 0x00, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,             /* black, white */
	0x21, 0xF9, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, /* graphic control ext. */
	0x2C, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00,
	0x02, 0x04, 0x04, 0x08, 0x10, 0x28, 0x00,       /* LZW size, one sub-block */
	0x3B,
};

/* Modernizr's lossless WebP probe (VP8L, 1x1). */
static const unsigned char webp_lossless[] = {
	0x52, 0x49, 0x46, 0x46, 0x1a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
	0x38, 0x4c, 0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11,
	0x11, 0x88, 0x88, 0xfe, 0x07, 0x00,
};
/* The whole upload check, image_normalize() (header, limits, full decode),
** on an exactly sized copy (so ASan sees any overread). */
static int inspect(const void *data, size_t len, struct image_info *info)
{
	unsigned char *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, data, len);
	err[0] = '\0';
	struct arena *a = arena_new();
	struct image_text text;
	unsigned char *out;
	size_t out_len;
	int rc = image_normalize(a, len ? copy : NULL, len, 0, info, &text, &out, &out_len, err,
	                         sizeof err);
	arena_free(a);
	free(copy);
	return rc;
}

static int accepts(const void *data, size_t len, enum image_type type, unsigned w, unsigned h)
{
	struct image_info info;
	if (inspect(data, len, &info) != 0) {
		fprintf(stderr, "  refused: %s\n", err);
		return 0;
	}
	return info.type == type && info.width == w && info.height == h && info.len > 0;
}

/* Refused with a message containing words. */
static int refuses(const void *data, size_t len, const char *words)
{
	struct image_info info;
	if (inspect(data, len, &info) != -1 || info.type != IMAGE_NONE)
		return 0;
	if (!strstr(err, words)) {
		fprintf(stderr, "  message was: %s\n", err);
		return 0;
	}
	return 1;
}


/* A w x h photo-like image (noise: it compresses like a photo) saved by
** libvips as type t, in a buf.  With orientation > 0 the EXIF Orientation
** tag is written (JPEG); with iptc, that IPTC block (JPEG). */
static void make_photo(struct buf *b, unsigned w, unsigned h, enum image_type t, int orientation,
                       const void *iptc, size_t iptc_len)
{
	VipsImage *noise = NULL, *u = NULL, *rgb = NULL;
	buf_reset(b);
	CHECK(image_init() == 0);
	CHECK(vips_gaussnoise(&noise, (int)w, (int)h, "mean", 128.0, "sigma", 40.0, NULL) == 0);
	CHECK(vips_cast_uchar(noise, &u, NULL) == 0);
	VipsImage *bands[3] = {u, u, u};
	CHECK(vips_bandjoin(bands, &rgb, 3, NULL) == 0);
	VipsImage *im = NULL;
	CHECK(vips_copy(rgb, &im, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) == 0);
	if (orientation)
		vips_image_set_int(im, VIPS_META_ORIENTATION, orientation);
	if (iptc)
		vips_image_set_blob_copy(im, VIPS_META_IPTC_NAME, iptc, iptc_len);
	void *out = NULL;
	size_t n = 0;
	int rc = t == IMAGE_JPEG ? vips_jpegsave_buffer(im, &out, &n, "Q", 90, NULL)
	         : t == IMAGE_PNG ? vips_pngsave_buffer(im, &out, &n, NULL)
	         : t == IMAGE_GIF ? vips_gifsave_buffer(im, &out, &n, NULL)
	                          : vips_webpsave_buffer(im, &out, &n, NULL);
	CHECK(rc == 0);
	if (rc == 0)
		buf_put(b, out, n);
	g_free(out);
	g_object_unref(im);
	g_object_unref(rgb);
	g_object_unref(u);
	g_object_unref(noise);
}

static void test_good_images(void)
{
	struct buf png = BUF_INIT;
	make_png(&png, 3, 2);
	CHECK(accepts(png.data, png.len, IMAGE_PNG, 3, 2));
	struct image_info info;
	CHECK(inspect(png.data, png.len, &info) == 0);
	CHECK_STR(info.mime, "image/png");
	CHECK_STR(info.ext, "png");
	CHECK(accepts(jpeg_3x2, sizeof jpeg_3x2, IMAGE_JPEG, 3, 2));
	CHECK(inspect(jpeg_3x2, sizeof jpeg_3x2, &info) == 0);
	CHECK_STR(info.mime, "image/jpeg");
	CHECK_STR(info.ext, "jpg");
	CHECK(accepts(gif_3x2, sizeof gif_3x2, IMAGE_GIF, 3, 2));
	CHECK(accepts(webp_lossless, sizeof webp_lossless, IMAGE_WEBP, 1, 1));
	/* image_inspect reads the header alone, the same sizes. */
	CHECK(image_inspect((const unsigned char *)png.data, png.len, 0, &info, err,
	                    sizeof err) == 0 && info.width == 3 && info.height == 2);
	static const enum image_type types[] = {IMAGE_JPEG, IMAGE_PNG, IMAGE_GIF, IMAGE_WEBP};
	for (size_t i = 0; i < 4; i++) {
		make_photo(&png, 64, 48, types[i], 0, NULL, 0);
		CHECK(accepts(png.data, png.len, types[i], 64, 48));
	}
	buf_free(&png);
}

/* A file cut off anywhere is refused; so is one with damage inside its
** compressed data (which the old structure walkers let through). */
static void test_truncated_and_corrupt(void)
{
	static const enum image_type types[] = {IMAGE_JPEG, IMAGE_PNG, IMAGE_GIF, IMAGE_WEBP};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < 4; i++) {
		make_photo(&b, 200, 150, types[i], 0, NULL, 0);
		int bad = 0;
		for (int k = 1; k < 16; k++) {
			size_t cut = b.len * (size_t)k / 16;
			struct image_info info;
			if (inspect(b.data, cut, &info) != -1 || !err[0]) {
				fprintf(stderr, "  type %d cut at %zu of %zu accepted\n", types[i], cut, b.len);
				bad++;
			}
		}
		for (size_t cut = b.len - 8; cut < b.len; cut++) {
			struct image_info info;
			if (inspect(b.data, cut, &info) != -1) {
				fprintf(stderr, "  type %d cut at %zu of %zu accepted\n", types[i], cut, b.len);
				bad++;
			}
		}
		CHECK(bad == 0);
		/* Junk over the middle third.  (WebP's VP8 data carries no
		** checksum: libwebp decodes junk as pixels, so WebP is left out.) */
		if (types[i] == IMAGE_WEBP)
			continue;
		for (size_t at = b.len / 3; at < b.len / 2; at++)
			b.data[at] = (char)(at * 7);
		if (!refuses(b.data, b.len, "image"))
			fprintf(stderr, "  type %d with junk inside accepted\n", types[i]);
		CHECK(strstr(err, "damaged") || strstr(err, "incomplete"));
	}
	struct buf png = BUF_INIT;
	make_png(&png, 3, 2);
	CHECK(refuses(png.data, png.len - 1, "This PNG image is incomplete: the file was cut off."));
	static const unsigned char soi_eoi[] = {0xFF, 0xD8, 0xFF, 0xD9};
	CHECK(refuses(soi_eoi, sizeof soi_eoi, "This JPEG image is damaged"));
	buf_free(&png);
	buf_free(&b);
}

/* Bytes after the image's end are not kept: the stored file is the image
** saved again, nothing of the input's tail. */
static void test_trailing(void)
{
	static const char php[] = "<?php system($_GET['c']); ?>";
	struct buf b = BUF_INIT;
	make_photo(&b, 40, 30, IMAGE_JPEG, 0, NULL, 0);
	buf_puts(&b, php);
	struct arena *a = arena_new();
	struct image_info info;
	struct image_text text;
	unsigned char *out;
	size_t n;
	CHECK(image_normalize(a, (const unsigned char *)b.data, b.len, 0, &info, &text, &out, &n,
	                      err, sizeof err) == 0);
	CHECK(n > 0 && !memmem(out, n, "<?php", 5));
	arena_free(a);
	buf_free(&b);
}

static void test_sizes(void)
{
	struct buf b = BUF_INIT;
	make_png(&b, IMAGE_MAX_SIDE + 1, 2);
	CHECK(refuses(b.data, b.len, "This image is 20001 by 2 pixels; Byline accepts at most "
	                             "20000 pixels on a side."));
	buf_reset(&b);
	make_png(&b, 3, 0x7FFFFFFF);
	CHECK(refuses(b.data, b.len, "PNG image"));
	buf_reset(&b);
	make_png(&b, 0, 2);
	CHECK(refuses(b.data, b.len, "PNG image"));
	unsigned char g[sizeof gif_3x2];
	memcpy(g, gif_3x2, sizeof g);
	g[8] = 0x30, g[9] = 0x75; /* 30000 */
	/* libnsgif sizes a GIF by its frames when its screen claims more:
	** decoded at 3 by 2, nothing large is ever allocated. */
	CHECK(accepts(g, sizeof g, IMAGE_GIF, 3, 2));
	buf_free(&b);
}

static long max_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

/* A 66-byte PNG claimed 20,000 by 20,000 (400 million pixels) and was
** accepted: the side limit alone let it through.  Now a 50,000 by 50,000
** bomb (2.5 billion pixels, 7.5 GB decoded) is refused from its header:
** at once and without memory growing. */
static void bug_decompression_bomb_refused_from_header(void)
{
	struct buf b = BUF_INIT;
	make_png(&b, 20000, 20000);
	CHECK(b.len < 120); /* a header and a few bytes of data */
	CHECK(refuses(b.data, b.len, "This image is 20000 by 20000 pixels (400.0 megapixels); "
	                             "Byline accepts at most 100 megapixels."));
	buf_reset(&b);
	make_png(&b, 10000, 10001); /* one row over */
	CHECK(refuses(b.data, b.len, "(100.1 megapixels)"));
	/* The limit is the caller's (the image_max_megapixels setting). */
	buf_reset(&b);
	make_png(&b, 2000, 2000);
	struct image_info info;
	CHECK(image_inspect((const unsigned char *)b.data, b.len, 3000000, &info, err,
	                    sizeof err) == -1 && strstr(err, "at most 3 megapixels"));
	CHECK(image_inspect((const unsigned char *)b.data, b.len, 4000000, &info, err,
	                    sizeof err) == 0 && info.width == 2000);

	/* The bomb: a real deflate stream of zeros for a 50,000 x 50,000 grey
	** image would be 7 MB; its header is what matters. */
	buf_reset(&b);
	make_png(&b, 50000, 50000);
	long before = max_rss_kb();
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(refuses(b.data, b.len, "This image is 50000 by 50000 pixels"));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	long after = max_rss_kb();
	CHECK(ms < 2000); /* loosely: it is a header read (well under 1 ms alone) */
	CHECK(after - before < 20 * 1024); /* flat: not the 7.5 GB a decode would want */
	fprintf(stderr, "  bomb refused in %.2f ms, peak memory +%ld KB\n", ms, after - before);
	buf_free(&b);
	unsigned char g[sizeof gif_3x2];
	memcpy(g, gif_3x2, sizeof g);
	g[6] = 0x20, g[7] = 0x4E, g[8] = 0x20, g[9] = 0x4E; /* screen 20000 by 20000 */
	CHECK(accepts(g, sizeof g, IMAGE_GIF, 3, 2)); /* its frame's size */
}

/* Orientation=6 (rotate 90 clockwise to view): the stored image is upright,
** its width and height swapped, and no orientation tag is left. */
static void test_orientation_and_strip(void)
{
	/* An IPTC block as a JPEG carries it: a Photoshop resource 0x0404
	** holding IIM datasets (caption, by-line, credit, copyright). */
	struct buf iim = BUF_INIT;
	static const struct { int ds; const char *v; } fields[] = {
		{120, "Fire crews at the dock"}, {80, "Ana Pérez"}, {110, "Byline Wire"},
		{116, "(c) 2026 Byline Wire"},
	};
	buf_put(&iim, "\x1C\x01\x5A\x00\x03\x1B\x25\x47", 8); /* 1:90 UTF-8 */
	for (size_t i = 0; i < 4; i++) {
		unsigned char h[5] = {0x1C, 2, (unsigned char)fields[i].ds, 0,
		                      (unsigned char)strlen(fields[i].v)};
		buf_put(&iim, h, 5);
		buf_puts(&iim, fields[i].v);
	}
	struct buf irb = BUF_INIT;
	buf_put(&irb, "Photoshop 3.0\0008BIM\x04\x04\0\0", 20);
	put_be32(&irb, (uint32_t)iim.len);
	buf_put(&irb, iim.data, iim.len);
	if (irb.len % 2)
		buf_put(&irb, "", 1);

	struct buf b = BUF_INIT;
	make_photo(&b, 80, 40, IMAGE_JPEG, 6, irb.data, irb.len);
	CHECK(memmem(b.data, b.len, "Exif", 4) != NULL); /* the tag is there to begin with */
	struct arena *a = arena_new();
	struct image_info info;
	struct image_text text;
	unsigned char *out;
	size_t n;
	CHECK(image_normalize(a, (const unsigned char *)b.data, b.len, 0, &info, &text, &out, &n,
	                      err, sizeof err) == 0);
	CHECK(info.width == 40 && info.height == 80);
	CHECK_STR(text.caption, "Fire crews at the dock");
	CHECK_STR(text.credit, "Ana Pérez/Byline Wire");
	CHECK_STR(text.copyright, "(c) 2026 Byline Wire");
	/* Nothing of the metadata is left: no EXIF, no IPTC, no XMP. */
	CHECK(!memmem(out, n, "Exif", 4));
	CHECK(!memmem(out, n, "Photoshop", 9));
	CHECK(!memmem(out, n, "Fire crews", 10));
	CHECK(!memmem(out, n, "http://ns.adobe.com", 19));
	VipsImage *back = NULL;
	CHECK(vips_jpegload_buffer(out, n, &back, NULL) == 0);
	if (back) {
		CHECK(vips_image_get_width(back) == 40 && vips_image_get_height(back) == 80);
		CHECK(!vips_image_get_typeof(back, VIPS_META_EXIF_NAME));
		CHECK(vips_image_get_orientation(back) == 1);
		g_object_unref(back);
	}
	/* XMP when there is no IPTC. */
	static const char xmp[] =
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description "
	    "photoshop:Credit=\"AP\"><dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"
	    "Rain &amp; wind</rdf:li></rdf:Alt></dc:description><dc:creator><rdf:Seq><rdf:li>"
	    "Jo Lee</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>";
	VipsImage *im = NULL;
	CHECK(vips_jpegload_buffer(b.data, b.len, &im, NULL) == 0);
	VipsImage *copy = NULL;
	CHECK(vips_copy(im, &copy, NULL) == 0);
	vips_image_remove(copy, VIPS_META_IPTC_NAME);
	vips_image_set_blob_copy(copy, VIPS_META_XMP_NAME, xmp, sizeof xmp - 1);
	void *jb = NULL;
	size_t jn = 0;
	CHECK(vips_jpegsave_buffer(copy, &jb, &jn, NULL) == 0);
	CHECK(image_normalize(a, jb, jn, 0, &info, &text, &out, &n, err, sizeof err) == 0);
	CHECK_STR(text.caption, "Rain & wind");
	CHECK_STR(text.credit, "Jo Lee/AP");
	CHECK_STR(text.copyright, "");
	CHECK(!memmem(out, n, "Jo Lee", 6));
	g_free(jb);
	g_object_unref(copy);
	g_object_unref(im);
	arena_free(a);
	buf_free(&b);
	buf_free(&irb);
	buf_free(&iim);
}

struct got {
	int n;              /* files emitted */
	char names[16][24]; /* "640.jpg" */
	unsigned w[16], h[16];
};

static int collect(void *ctx, const char *suffix, enum image_type type,
                   const unsigned char *bytes, size_t n, unsigned w, unsigned h)
{
	struct got *g = ctx;
	VipsImage *back = NULL;
	/* no metadata block in any variant (libvips 8.14.1's webpsave wrote
	** an EXIF chunk despite strip) */
	if (memmem(bytes, n, "EXIF", 4) || memmem(bytes, n, "Exif", 4) ||
	    memmem(bytes, n, "XMP ", 4) || memmem(bytes, n, "http://ns.adobe.com", 19))
		return 1;
	/* each file is what it says, of the size it says */
	back = vips_image_new_from_buffer(bytes, n, "", NULL);
	int ok = back && (unsigned)vips_image_get_width(back) == w &&
	         (unsigned)vips_image_get_height(back) == h;
	if (back)
		g_object_unref(back);
	if (!ok || g->n == 16)
		return 1;
	snprintf(g->names[g->n], sizeof g->names[0], "%s.%s", suffix, image_ext(type));
	g->w[g->n] = w;
	g->h[g->n] = h;
	g->n++;
	return 0;
}

static int has(const struct got *g, const char *name, unsigned w, unsigned h)
{
	for (int i = 0; i < g->n; i++)
		if (!strcmp(g->names[i], name))
			return g->w[i] == w && g->h[i] == h;
	return 0;
}

static void test_variants(void)
{
	struct buf b = BUF_INIT;
	make_photo(&b, 1000, 750, IMAGE_JPEG, 0, NULL, 0);
	static const unsigned widths[] = {320, 640, 960, 1280, 1920};
	struct got g = {0};
	CHECK(image_variants((const unsigned char *)b.data, b.len, widths, 5, collect, &g, err,
	                     sizeof err) == 0);
	/* never upscaled: 1280 and 1920 are not made from a 1000-wide image */
	CHECK(g.n == 7);
	CHECK(has(&g, "320.jpg", 320, 240) && has(&g, "320.webp", 320, 240));
	CHECK(has(&g, "640.jpg", 640, 480) && has(&g, "640.webp", 640, 480));
	CHECK(has(&g, "960.jpg", 960, 720) && has(&g, "960.webp", 960, 720));
	CHECK(has(&g, "social.jpg", 1200, 630));
	/* a PNG source: PNG and WebP variants */
	make_photo(&b, 700, 100, IMAGE_PNG, 0, NULL, 0);
	memset(&g, 0, sizeof g);
	CHECK(image_variants((const unsigned char *)b.data, b.len, widths, 5, collect, &g, err,
	                     sizeof err) == 0);
	CHECK(g.n == 5 && has(&g, "640.png", 640, 91) && has(&g, "320.webp", 320, 46) &&
	      has(&g, "social.jpg", 1200, 630));
	/* Small and thin images: the social image is still 1200x630, made by
	** cutting first and scaling after.  Scaling a 2048x6 strip up to cover
	** 1200x630 first made a 215,040x630 image (fuzz_image: 5 s, 400 MB). */
	static const unsigned sizes[][2] = {{300, 200}, {2048, 6}, {5, 3000}, {1, 1}};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		make_photo(&b, sizes[i][0], sizes[i][1], IMAGE_PNG, 0, NULL, 0);
		memset(&g, 0, sizeof g);
		long before = max_rss_kb();
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK(image_variants((const unsigned char *)b.data, b.len, widths, 5, collect, &g, err,
		                     sizeof err) == 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(has(&g, "social.jpg", 1200, 630));
		CHECK(t1.tv_sec - t0.tv_sec < 3);
		CHECK(max_rss_kb() - before < 100 * 1024);
	}
	buf_free(&b);
}
static void test_not_images(void)
{
	static const char generic[] =
	    "This file is not an image Byline accepts (JPEG, PNG, WebP or GIF).";
	static const char php[] = "<?php system($_GET['c']); ?>";
	CHECK(refuses(php, strlen(php), generic)); /* whatever its name: x.jpg */
	static const char html[] = "<!DOCTYPE html><html><body><script>alert(1)</script>";
	CHECK(refuses(html, strlen(html), generic));
	static const char svg[] =
	    "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"
	    "<script>alert(document.cookie)</script></svg>";
	CHECK(refuses(svg, strlen(svg), "SVG images are not accepted: they can carry scripts."));
	static const char svg2[] = "\xEF\xBB\xBF  <SVG onload=\"alert(1)\"/>";
	CHECK(refuses(svg2, strlen(svg2), "SVG images are not accepted"));
	CHECK(refuses("", 0, "This file is empty."));
	CHECK(refuses("x", 1, generic));
	struct image_info info;
	CHECK(image_inspect(NULL, 0, 0, &info, err, sizeof err) == -1 &&
	      !strcmp(err, "This file is empty."));
	CHECK(image_inspect(NULL, 5, 0, &info, NULL, 0) == -1);
	static const unsigned char heic[] = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i',
	                                     'c', 0, 0, 0, 0};
	CHECK(refuses(heic, sizeof heic, "HEIC"));
	static const unsigned char avif[] = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'a', 'v', 'i',
	                                     'f', 0, 0, 0, 0};
	CHECK(refuses(avif, sizeof avif, "AVIF"));
	CHECK(refuses("II*\0\x08\0\0\0", 8, "TIFF"));
	/* Scripts behind an image's magic bytes. */
	static const char gif_php[] = "GIF89a<?php system($_GET['c']); ?>";
	CHECK(refuses(gif_php, strlen(gif_php), "GIF image"));
	static const char jpeg_php[] = "\xFF\xD8\xFF\xE0<?php system($_GET['c']); ?>";
	CHECK(refuses(jpeg_php, strlen(jpeg_php), "JPEG image"));
	static const char riff[] = "RIFF\x10\0\0\0WAVEfmt ";
	CHECK(refuses(riff, sizeof riff - 1, generic));
}

/* ---- media_store ---- */

static int n_files;

static int count_file(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)path, (void)st, (void)f;
	if (flag == FTW_F)
		n_files++;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(path);
}

/* Regular files anywhere under dir (0 if dir does not exist). */
static int files_under(const char *dir)
{
	n_files = 0;
	nftw(dir, count_file, 16, FTW_PHYS);
	return n_files;
}

static long long media_rows(struct db *db)
{
	static const char sql[] = "SELECT count(*) FROM media";
	struct db_stmt *st = db_prepare(db, sql);
	long long n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

static int file_equals(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	char *got = malloc(len + 1);
	size_t n = fread(got, 1, len + 1, f);
	fclose(f);
	int same = n == len && memcmp(got, data, len) == 0;
	free(got);
	return same;
}

static void test_media(void)
{
	char root[] = "/tmp/byline-media-XXXXXX";
	CHECK(mkdtemp(root) != NULL);
	struct arena *a = arena_new();
	char *db_path = arena_printf(a, "%s/site.db", root);
	char *data_dir = arena_printf(a, "%s/data", root);
	char *media_dir = arena_printf(a, "%s/data/media", root);
	CHECK(mkdir(data_dir, 0755) == 0);
	struct db *db = model_open(db_path, err, sizeof err);
	CHECK(db != NULL);
	if (!db) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	const size_t limit = 10 * 1024 * 1024;
	struct media m;
	struct buf png = BUF_INIT;
	make_png(&png, 3, 2);

	/* Refusals leave nothing: an over-size file (checked before its
	** content), a PHP script named x.jpg, a truncated PNG, SVG. */
	size_t huge_len = 12897484; /* 12.3 MB (12.29999..., rounded up) */
	unsigned char *huge = calloc(1, huge_len);
	memcpy(huge, png.data, png.len);
	CHECK(media_store(db, a, data_dir, huge, huge_len, limit, 0, &m, err, sizeof err) == -1);
	CHECK_STR(err, "This file is 12.3 MB; the limit is 10 MB.");
	free(huge);
	CHECK(media_store(db, a, data_dir, (const unsigned char *)png.data, png.len, png.len - 1,
	                  0, &m, err, sizeof err) == -1);
	char want[128];
	snprintf(want, sizeof want, "This file is %zu bytes; the limit is %zu bytes.", png.len,
	         png.len - 1);
	CHECK_STR(err, want);
	static const char php[] = "<?php system($_GET['c']); ?>";
	CHECK(media_store(db, a, data_dir, (const unsigned char *)php, strlen(php), limit, 0, &m,
	                  err, sizeof err) == -1);
	CHECK_STR(err, "This file is not an image Byline accepts (JPEG, PNG, WebP or GIF).");
	CHECK(media_store(db, a, data_dir, (const unsigned char *)png.data, png.len - 5, limit, 0,
	                  &m, err, sizeof err) == -1);
	CHECK_STR(err, "This PNG image is incomplete: the file was cut off.");
	/* Over the image_max_megapixels setting: refused from the header. */
	struct buf big = BUF_INIT;
	make_png(&big, 3000, 2000);
	CHECK(settings_set(db, "image_max_megapixels", "5", err, sizeof err) == 0);
	CHECK(media_store(db, a, data_dir, (const unsigned char *)big.data, big.len, limit, 0, &m,
	                  err, sizeof err) == -1);
	CHECK(strstr(err, "This image is 3000 by 2000 pixels (6.0 megapixels); Byline accepts "
	                  "at most 5 megapixels.") != NULL);
	CHECK(settings_set(db, "image_max_megapixels", "100", err, sizeof err) == 0);
	buf_free(&big);
	CHECK(access(media_dir, F_OK) != 0); /* not even the folder */
	CHECK(files_under(data_dir) == 0);
	CHECK(media_rows(db) == 0);

	/* A failure to write (the data folder is missing) leaves no row. */
	char *missing = arena_printf(a, "%s/nowhere", root);
	CHECK(media_store(db, a, missing, (const unsigned char *)png.data, png.len, limit, 0, &m,
	                  err, sizeof err) == -1);
	CHECK(strstr(err, "The image could not be saved") != NULL);
	CHECK(media_rows(db) == 0);
	CHECK(access(missing, F_OK) != 0);

	/* Stored once: one file (the image saved again, without its tEXt
	** comment), one row. */
	long long id = media_store(db, a, data_dir, (const unsigned char *)png.data, png.len,
	                           limit, 0, &m, err, sizeof err);
	CHECK(id > 0);
	CHECK(m.id == id && m.width == 3 && m.height == 2 && m.bytes > 0);
	long long stored_bytes = m.bytes;
	CHECK_STR(m.mime, "image/png");
	CHECK_STR(m.ext, "png");
	CHECK(m.hash && strlen(m.hash) == MEDIA_HASH_LEN);
	char *url = arena_printf(a, "/media/%s.png", m.hash);
	CHECK_STR(m.url, url);
	char *path = arena_printf(a, "%s/%.2s/%s.png", media_dir, m.hash, m.hash);
	struct stat st0;
	CHECK(stat(path, &st0) == 0 && st0.st_size == stored_bytes);
	CHECK(!file_equals(path, png.data, png.len)); /* re-encoded */
	/* its name is the hash of what is stored */
	{
		FILE *f = fopen(path, "rb");
		unsigned char got[4096];
		size_t gn = f ? fread(got, 1, sizeof got, f) : 0;
		if (f)
			fclose(f);
		CHECK(!memmem(got, gn, "made by hand", 12)); /* the comment is gone */
	}
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
	CHECK(files_under(data_dir) == 1);
	CHECK(media_rows(db) == 1);
	const char *hash = m.hash;

	/* The same bytes again: the same row, no second file; and the same
	** image with a script appended is the same image. */
	CHECK(media_store(db, a, data_dir, (const unsigned char *)png.data, png.len, limit, 0, &m,
	                  err, sizeof err) == id);
	CHECK_STR(m.hash, hash);
	CHECK_STR(m.url, url);
	struct buf poly = BUF_INIT;
	buf_put(&poly, png.data, png.len);
	buf_puts(&poly, php);
	CHECK(media_store(db, a, data_dir, (const unsigned char *)poly.data, poly.len, limit, 0,
	                  &m, err, sizeof err) == id);
	buf_free(&poly);
	CHECK(files_under(data_dir) == 1);
	CHECK(media_rows(db) == 1);

	/* A file gone from disk is put back by the next upload of it. */
	CHECK(unlink(path) == 0);
	CHECK(media_store(db, a, data_dir, (const unsigned char *)png.data, png.len, limit, 0, &m,
	                  err, sizeof err) == id);
	CHECK(access(path, F_OK) == 0);

	/* A bad file after good ones still leaves nothing new. */
	CHECK(media_store(db, a, data_dir, gif_3x2, sizeof gif_3x2 - 1, limit, 0, &m, err,
	                  sizeof err) == -1);
	CHECK(files_under(data_dir) == 1);
	CHECK(media_rows(db) == 1);

	/* Two more; the list is newest first. */
	long long id_jpeg = media_store(db, a, data_dir, jpeg_3x2, sizeof jpeg_3x2, limit, 0, &m,
	                                err, sizeof err);
	CHECK(id_jpeg > id);
	CHECK_STR(m.mime, "image/jpeg");
	long long id_webp = media_store(db, a, data_dir, webp_lossless, sizeof webp_lossless,
	                                limit, 0, &m, err, sizeof err);
	CHECK(id_webp > id_jpeg);
	CHECK(files_under(data_dir) == 3);
	size_t n = 0;
	struct media *list = media_list(db, a, 10, &n);
	CHECK(n == 3 && list);
	if (n == 3)
		CHECK(list[0].id == id_webp && list[1].id == id_jpeg && list[2].id == id &&
		      !strcmp(list[2].hash, hash) && list[1].width == 3 &&
		      !strcmp(list[0].ext, "webp"));
	CHECK(media_list(db, a, 2, &n) && n == 2);
	CHECK(media_list(db, a, 0, &n) == NULL && n == 0);

	/* By id. */
	struct media one;
	CHECK(media_by_id(db, a, id, &one) == 0);
	CHECK_STR(one.hash, hash);
	CHECK_STR(one.url, url);
	CHECK(one.width == 3 && one.height == 2 && one.bytes == stored_bytes);
	CHECK(media_by_id(db, a, 999, &one) == 1);

	/* Public names to paths: only well-formed, stored ones. */
	const char *mime = NULL;
	char *name = arena_printf(a, "%s.png", hash);
	CHECK_STR(media_path(db, a, data_dir, name, &mime, NULL), path);
	CHECK_STR(mime, "image/png");
	CHECK(media_path(db, a, data_dir, name, NULL, NULL) != NULL);
	char *upper = arena_strdup(a, name);
	for (char *c = upper; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	const char *bad_names[] = {
		arena_printf(a, "%s.jpg", hash),      /* stored as png */
		arena_printf(a, "%s.php", hash),
		arena_printf(a, "%s.png.php", hash),
		arena_printf(a, "%s.pn", hash),
		arena_printf(a, "%s/png", hash),
		arena_printf(a, "%.63s.png", hash),
		arena_printf(a, "../%s.png", hash),
		arena_printf(a, "%s", hash),
		upper,
		"0000000000000000000000000000000000000000000000000000000000000000.png",
		"../../etc/passwd",
		"",
		NULL,
	};
	for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
		mime = "x";
		const char *p = media_path(db, a, data_dir, bad_names[i], &mime, NULL);
		CHECK(p == NULL && mime == NULL);
		if (p)
			fprintf(stderr, "  name %zu gave %s\n", i, p);
	}

	/* The same bytes from another user are still one row. */
	CHECK(media_store(db, a, data_dir, jpeg_3x2, sizeof jpeg_3x2, limit, 7, &m, err,
	                  sizeof err) == id_jpeg);

	/* No temporary files left anywhere. */
	CHECK(files_under(data_dir) == 3);

	/* Variants: a 1000-wide photo gets 320, 640, 960 in JPEG and WebP and
	** the social image, listed, served by name, the nearest standing in. */
	struct buf photo = BUF_INIT;
	make_photo(&photo, 1000, 600, IMAGE_JPEG, 0, NULL, 0);
	long long pid = media_store(db, a, data_dir, (const unsigned char *)photo.data, photo.len,
	                            limit, 0, &m, err, sizeof err);
	CHECK(pid > 0 && m.variants_at == 0);
	const char *phash = m.hash;
	struct media_picture pic;
	CHECK(media_picture(db, a, pid, &pic) == 0);
	CHECK_STR(pic.srcset, ""); /* no variant yet: the original alone, no srcset */
	CHECK_STR(pic.srcset_webp, "");
	CHECK_STR(pic.social_url, m.url);
	int exact = 1;
	const char *vpath = media_path(db, a, data_dir, arena_printf(a, "%s-640.webp", phash),
	                               &mime, &exact);
	CHECK(vpath && exact == 0 && !strcmp(mime, "image/jpeg")); /* the original, for now */
	CHECK(media_make_variants(db, a, data_dir, 100) == 4); /* png, jpeg, webp, photo */
	CHECK(media_make_variants(db, a, data_dir, 100) == 0);
	size_t nv = 0;
	struct media_variant *v = media_variants(db, a, pid, &nv);
	CHECK(nv == 7);
	CHECK(media_picture(db, a, pid, &pic) == 0);
	CHECK_STR(pic.srcset, arena_printf(a, "/media/%s-320.jpg 320w, /media/%s-640.jpg 640w, "
	                                   "/media/%s-960.jpg 960w, /media/%s.jpg 1000w",
	                                   phash, phash, phash, phash));
	CHECK(strstr(pic.srcset_webp, arena_printf(a, "/media/%s-640.webp 640w", phash)) != NULL);
	CHECK_STR(pic.social_url, arena_printf(a, "/media/%s-social.jpg", phash));
	CHECK(pic.social_width == 1200 && pic.social_height == 630);
	/* For a slot: candidates up to the first one need wide (600: 320 and
	** 640, not 960 and the original); a listing's pictures in one call
	** give the same, missing ids and 0 found, repeats each filled. */
	struct media_picture slot;
	CHECK(media_picture_upto(db, a, pid, 600, &slot) == 0);
	CHECK_STR(slot.srcset, arena_printf(a, "/media/%s-320.jpg 320w, /media/%s-640.jpg 640w",
	                                    phash, phash));
	CHECK_STR(slot.srcset_webp, arena_printf(a, "/media/%s-320.webp 320w, /media/%s-640.webp "
	                                         "640w", phash, phash));
	long long many_ids[20] = {pid, 0, 999999, pid};
	for (int i = 4; i < 20; i++)
		many_ids[i] = i % 2 ? pid : -1; /* past one batch of 16 */
	unsigned needs[20];
	for (int i = 0; i < 20; i++)
		needs[i] = 600;
	needs[3] = 0; /* every candidate for this one */
	struct media_picture many[20];
	int found[20];
	CHECK(media_pictures_upto(db, a, many_ids, 20, needs, many, found) == 0);
	for (int i = 0; i < 20; i++) {
		CHECK(found[i] == (many_ids[i] == pid));
		if (!found[i])
			continue;
		CHECK_STR(many[i].srcset, i == 3 ? pic.srcset : slot.srcset);
		CHECK_STR(many[i].srcset_webp, i == 3 ? pic.srcset_webp : slot.srcset_webp);
		CHECK_STR(many[i].url, m.url);
		CHECK_STR(many[i].social_url, pic.social_url);
		CHECK(many[i].width == 1000 && many[i].height == 600);
	}
	CHECK(media_pictures_upto(db, a, many_ids, 1, NULL, many, found) == 0 && found[0]);
	CHECK_STR(many[0].srcset, pic.srcset); /* need 0: every candidate */
	CHECK_STR(many[0].srcset_webp, pic.srcset_webp);
	for (size_t i = 0; i < nv; i++) {
		const char *vn = strrchr(v[i].url, '/') + 1;
		const char *vp = media_path(db, a, data_dir, vn, &mime, &exact);
		struct stat vs;
		CHECK(vp && exact == 1 && stat(vp, &vs) == 0 && vs.st_size == v[i].bytes);
	}
	vpath = media_path(db, a, data_dir, arena_printf(a, "%s-1280.jpg", phash), &mime, &exact);
	CHECK(vpath && exact == 0 && strstr(vpath, "-960.jpg")); /* the nearest made */
	CHECK(media_path(db, a, data_dir, arena_printf(a, "%s-640.png", phash), &mime, NULL) ==
	      NULL); /* not its format */
	CHECK(media_path(db, a, data_dir, arena_printf(a, "%s-0640.jpg", phash), &mime, NULL) ==
	      NULL);
	CHECK(media_path(db, a, data_dir, arena_printf(a, "%s-social.webp", phash), &mime,
	                 NULL) == NULL);
	buf_free(&photo);

	buf_free(&png);
	db_close(db);
	arena_free(a);
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- images an older version stored (media_normalize) ---- */

/* Stores data as an older version did: the file at its hash's address, a
** row without the normalized column (so 0).  Returns the id; *hash gets the
** hash (65 bytes). */
static long long old_row(struct db *db, struct arena *a, const char *data_dir, const void *data,
                         size_t n, const char *ext, unsigned w, unsigned h, char *hash)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, data, n);
	sodium_bin2hex(hash, MEDIA_HASH_LEN + 1, digest, sizeof digest);
	char *dir = arena_printf(a, "%s/media/%.2s", data_dir, hash);
	mkdir(arena_printf(a, "%s/media", data_dir), 0755);
	mkdir(dir, 0755);
	FILE *f = fopen(arena_printf(a, "%s/%s.%s", dir, hash, ext), "wb");
	CHECK(f && fwrite(data, 1, n, f) == n);
	if (f)
		fclose(f);
	struct db_stmt *st = db_prepare(db, "INSERT INTO media(hash, mime, ext, width, height, bytes,"
	                                    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)");
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, !strcmp(ext, "png") ? "image/png" : "image/jpeg");
	db_bind_text(st, 3, ext);
	db_bind_int(st, 4, w);
	db_bind_int(st, 5, h);
	db_bind_int(st, 6, (long long)n);
	CHECK(db_step(st) == DB_OK);
	db_done(st);
	return db_last_id(db);
}

static void test_old_media(void)
{
	char root[] = "/tmp/byline-oldmedia-XXXXXX";
	CHECK(mkdtemp(root) != NULL);
	struct arena *a = arena_new();
	char *data_dir = arena_printf(a, "%s/data", root);
	CHECK(mkdir(data_dir, 0755) == 0);
	struct db *db = model_open(arena_printf(a, "%s/site.db", root), err, sizeof err);
	CHECK(db != NULL);
	if (!db)
		return;
	static const unsigned char iptc[] = {0x1C, 0x02, 0x50, 0x00, 0x08, 'A', 'n', 'a', ' ',
	                                     'P', 'e', 'r', 'z'};
	struct buf photo = BUF_INIT;
	make_photo(&photo, 1000, 600, IMAGE_JPEG, 6, iptc, sizeof iptc);
	char old[MEDIA_HASH_LEN + 1], bad[MEDIA_HASH_LEN + 1], dry[MEDIA_HASH_LEN + 1];
	long long id = old_row(db, a, data_dir, photo.data, photo.len, "jpg", 1000, 600, old);
	const char *old_file = arena_printf(a, "%s/media/%.2s/%s.jpg", data_dir, old, old);
	struct media m;
	CHECK(media_by_id(db, a, id, &m) == 0 && m.normalized == 0);
	/* No variants from a file not normalized. */
	CHECK(media_make_variants(db, a, data_dir, 10) == 0);
	CHECK(media_normalize_next(db) == id);

	/* The first ask for it normalizes it: its old name then names nothing
	** (the redirect answers), never the old bytes. */
	const char *mime = NULL;
	CHECK(media_path(db, a, data_dir, arena_printf(a, "%s.jpg", old), &mime, NULL) == NULL);
	CHECK(media_by_id(db, a, id, &m) == 0 && m.normalized == 1 && strcmp(m.hash, old) != 0);
	CHECK(m.width == 600 && m.height == 1000); /* turned upright */
	CHECK(access(old_file, F_OK) != 0);
	const char *np = media_path(db, a, data_dir, strrchr(m.url, '/') + 1, &mime, NULL);
	CHECK(np && !strcmp(mime, "image/jpeg") && access(np, F_OK) == 0);
	VipsImage *back = np ? vips_image_new_from_file(np, NULL) : NULL;
	CHECK(back && !vips_image_get_typeof(back, VIPS_META_EXIF_NAME) &&
	      !vips_image_get_typeof(back, VIPS_META_IPTC_NAME));
	if (back)
		g_object_unref(back);
	CHECK(media_make_variants(db, a, data_dir, 10) == 1);
	CHECK(media_normalize_next(db) == 0);

	/* Already normalized bytes (stored by this version, then marked as
	** old): only marked. */
	struct buf png = BUF_INIT;
	make_photo(&png, 40, 30, IMAGE_PNG, 0, NULL, 0);
	long long pid = media_store(db, a, data_dir, (const unsigned char *)png.data, png.len,
	                            1 << 20, 0, &m, err, sizeof err);
	CHECK(pid > 0 && m.normalized == 1);
	if (pid <= 0)
		fprintf(stderr, "  %s\n", err);
	const char *phash = m.hash;
	struct db_stmt *st = db_prepare(db, "UPDATE media SET normalized = 0 WHERE id = ?1");
	db_bind_int(st, 1, pid);
	CHECK(db_step(st) == DB_OK);
	db_done(st);
	struct media_normalized r;
	CHECK(media_normalize(db, a, data_dir, pid, 0, &r, err, sizeof err) == 0 && !r.changed);
	CHECK(media_by_id(db, a, pid, &m) == 0 && m.normalized == 1 && !strcmp(m.hash, phash));

	/* Dry: says what would change, changes nothing. */
	make_photo(&photo, 300, 200, IMAGE_JPEG, 3, NULL, 0);
	long long did = old_row(db, a, data_dir, photo.data, photo.len, "jpg", 300, 200, dry);
	CHECK(media_normalize(db, a, data_dir, did, 1, &r, err, sizeof err) == 0 && r.changed);
	CHECK(strcmp(r.new_url, r.old_url) != 0 && r.bytes_after > 0);
	CHECK(media_by_id(db, a, did, &m) == 0 && m.normalized == 0 && !strcmp(m.hash, dry));
	CHECK(access(arena_printf(a, "%s/media/%.2s/%s.jpg", data_dir, dry, dry), F_OK) == 0);

	/* A damaged old file: marked, never served, not taken up again. */
	long long bid = old_row(db, a, data_dir, photo.data, photo.len / 2, "jpg", 300, 200, bad);
	CHECK(media_normalize(db, a, data_dir, bid, 0, &r, err, sizeof err) == 1);
	CHECK(strstr(err, "cut off") != NULL);
	CHECK(media_by_id(db, a, bid, &m) == 0 && m.normalized == -1);
	CHECK(media_path(db, a, data_dir, arena_printf(a, "%s.jpg", bad), &mime, NULL) == NULL);
	CHECK(media_normalize_next(db) == did); /* the dry one waits; the damaged one not */
	size_t n = 0;
	long long *ids = media_normalize_pending(db, a, 1, &n);
	CHECK(n == 2 && ids[0] == bid && ids[1] == did);
	media_normalize_pending(db, a, 0, &n);
	CHECK(n == 1);

	buf_free(&png);
	buf_free(&photo);
	db_close(db);
	arena_free(a);
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_format_size(void)
{
	char s[32];
	media_format_size(s, sizeof s, 10 * 1024 * 1024, 0);
	CHECK_STR(s, "10 MB");
	media_format_size(s, sizeof s, 10 * 1024 * 1024 + 1, 1);
	CHECK_STR(s, "10.1 MB");
	media_format_size(s, sizeof s, 10 * 1024 * 1024 + 1, 0);
	CHECK_STR(s, "10 MB");
	media_format_size(s, sizeof s, 1536, 0);
	CHECK_STR(s, "1.5 KB");
	media_format_size(s, sizeof s, 1023, 1);
	CHECK_STR(s, "1023 bytes");
	media_format_size(s, sizeof s, 1024 * 1024 - 1, 1);
	CHECK_STR(s, "1024 KB");
	media_format_size(s, sizeof s, 100ull * 1024 * 1024, 0);
	CHECK_STR(s, "100 MB");
}

int main(void)
{
	log_set_verbose(0);
	test_good_images();
	test_truncated_and_corrupt();
	test_trailing();
	test_sizes();
	bug_decompression_bomb_refused_from_header();
	test_not_images();
	test_orientation_and_strip();
	test_variants();
	test_format_size();
	test_media();
	test_old_media();
	image_shutdown();
	return test_done();
}
