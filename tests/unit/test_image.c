/*
** test_image.c: unit tests for src/core/image.c and src/model/media.c.
**
** The images are made here, not read from files: a PNG assembled chunk by
** chunk with zlib's compress() and crc32(), a baseline JPEG written byte by
** byte (one 8x8 grey block; libjpeg decodes it to 3x2 pixels of 128 with no
** warning), a GIF with a hand-packed LZW stream, and the four WebP files
** Modernizr uses to detect WebP support (lossless, lossy, lossy with alpha,
** animated).  Each is accepted with its size; every shorter prefix of each
** is refused; damaged, oversized and disguised files are refused with the
** sentence a person will read.  Then media_store() against a fresh database
** in a temporary folder: refusals leave no file and no row, a store writes
** one file, the same bytes again give the same row, and media_path() turns
** only well-formed stored names into paths.
*/
#include "core/arena.h"
#include "core/buf.h"
#include "core/image.h"
#include "core/log.h"
#include "db/db.h"
#include "model/media.h"
#include "model/schema.h"
#include "test.h"

#include <ftw.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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
#define JPEG_SOF_AT 90  /* offset of the SOF0 marker's second byte */
#define JPEG_DQT_AT 20  /* offset of the DQT marker's first byte */

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

/* Modernizr's WebP probes (base64 in its source, bytes here). */
static const unsigned char webp_lossless[] = { /* VP8L, 1x1 */
	0x52, 0x49, 0x46, 0x46, 0x1a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
	0x38, 0x4c, 0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11,
	0x11, 0x88, 0x88, 0xfe, 0x07, 0x00,
};
static const unsigned char webp_lossy[] = { /* VP8, 1x1 */
	0x52, 0x49, 0x46, 0x46, 0x22, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
	0x38, 0x20, 0x16, 0x00, 0x00, 0x00, 0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x01, 0x00,
	0x01, 0x00, 0x0e, 0xc0, 0xfe, 0x25, 0xa4, 0x00, 0x03, 0x70, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char webp_alpha[] = { /* VP8X + ALPH + VP8, 1x1 */
	0x52, 0x49, 0x46, 0x46, 0x4a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
	0x38, 0x58, 0x0a, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x41, 0x4c, 0x50, 0x48, 0x0c, 0x00, 0x00, 0x00, 0x11, 0x07, 0x10, 0x11,
	0xfd, 0x0f, 0x44, 0x44, 0xff, 0x03, 0x00, 0x00, 0x56, 0x50, 0x38, 0x20, 0x18, 0x00,
	0x00, 0x00, 0x14, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xfe, 0x00, 0x00, 0x0d, 0xc0, 0x00, 0xfe, 0xe6, 0xb5, 0x00, 0x00, 0x00,
};
static const unsigned char webp_animated[] = { /* VP8X + ANIM + ANMF(VP8L), 1x1 */
	0x52, 0x49, 0x46, 0x46, 0x52, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
	0x38, 0x58, 0x0a, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x41, 0x4e, 0x49, 0x4d, 0x06, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x00, 0x41, 0x4e, 0x4d, 0x46, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x56, 0x50,
	0x38, 0x4c, 0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11,
	0x11, 0x88, 0x88, 0xfe, 0x07, 0x00,
};

/* image_inspect on an exactly sized copy (so ASan sees any overread). */
static int inspect(const void *data, size_t len, struct image_info *info)
{
	unsigned char *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, data, len);
	err[0] = '\0';
	int rc = image_inspect(len ? copy : NULL, len, info, err, sizeof err);
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
	return info.type == type && info.width == w && info.height == h && info.len == len;
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

/* Every prefix shorter than the whole is refused; those at least min_len
** long say the file was cut off. */
static int all_prefixes_refused(const unsigned char *data, size_t len, size_t min_len)
{
	int bad = 0;
	for (size_t i = 0; i < len; i++) {
		struct image_info info;
		int rc = inspect(data, i, &info);
		if (rc != -1 || err[0] == '\0' ||
		    (i >= min_len && !strstr(err, "incomplete: the file was cut off"))) {
			fprintf(stderr, "  prefix %zu of %zu: rc %d, %s\n", i, len, rc, err);
			bad++;
		}
	}
	return bad == 0;
}

static void test_good_images(void)
{
	struct buf png = BUF_INIT;
	make_png(&png, 3, 2);
	struct image_info info;
	CHECK(inspect(png.data, png.len, &info) == 0);
	CHECK(info.type == IMAGE_PNG && info.width == 3 && info.height == 2);
	CHECK_STR(info.mime, "image/png");
	CHECK_STR(info.ext, "png");
	CHECK(info.len == png.len);

	CHECK(inspect(jpeg_3x2, sizeof jpeg_3x2, &info) == 0);
	CHECK(info.type == IMAGE_JPEG && info.width == 3 && info.height == 2);
	CHECK_STR(info.mime, "image/jpeg");
	CHECK_STR(info.ext, "jpg");

	CHECK(inspect(gif_3x2, sizeof gif_3x2, &info) == 0);
	CHECK(info.type == IMAGE_GIF && info.width == 3 && info.height == 2);
	CHECK_STR(info.mime, "image/gif");
	CHECK_STR(info.ext, "gif");

	CHECK(inspect(webp_lossless, sizeof webp_lossless, &info) == 0);
	CHECK(info.type == IMAGE_WEBP && info.width == 1 && info.height == 1);
	CHECK_STR(info.mime, "image/webp");
	CHECK_STR(info.ext, "webp");
	CHECK(accepts(webp_lossy, sizeof webp_lossy, IMAGE_WEBP, 1, 1));
	CHECK(accepts(webp_alpha, sizeof webp_alpha, IMAGE_WEBP, 1, 1));
	CHECK(accepts(webp_animated, sizeof webp_animated, IMAGE_WEBP, 1, 1));

	/* Sizes read from the headers' bit fields: a VP8L header saying
	** 300x200 and a VP8X canvas of 640x480 (the bitstreams are not
	** decoded, so only the headers change). */
	unsigned char w[sizeof webp_lossless];
	memcpy(w, webp_lossless, sizeof w);
	uint32_t bits = (300 - 1) | (uint32_t)(200 - 1) << 14 | 1u << 28;
	for (int i = 0; i < 4; i++)
		w[21 + i] = (unsigned char)(bits >> (8 * i));
	CHECK(accepts(w, sizeof w, IMAGE_WEBP, 300, 200));
	unsigned char x[sizeof webp_alpha];
	memcpy(x, webp_alpha, sizeof x);
	x[24] = (640 - 1) & 0xFF, x[25] = (640 - 1) >> 8, x[26] = 0;
	x[27] = (480 - 1) & 0xFF, x[28] = (480 - 1) >> 8, x[29] = 0;
	CHECK(accepts(x, sizeof x, IMAGE_WEBP, 640, 480));

	/* A progressive JPEG frame header is accepted too. */
	unsigned char j[sizeof jpeg_3x2];
	memcpy(j, jpeg_3x2, sizeof j);
	CHECK(j[JPEG_SOF_AT] == 0xC0);
	j[JPEG_SOF_AT] = 0xC2;
	CHECK(accepts(j, sizeof j, IMAGE_JPEG, 3, 2));

	/* Sizes at the limit pass. */
	struct buf big = BUF_INIT;
	make_png(&big, IMAGE_MAX_SIDE, 1);
	CHECK(accepts(big.data, big.len, IMAGE_PNG, IMAGE_MAX_SIDE, 1));
	buf_free(&big);

	CHECK(image_type_for_ext("webp", NULL) == IMAGE_WEBP);
	const char *mime = "x";
	CHECK(image_type_for_ext("jpg", &mime) == IMAGE_JPEG && !strcmp(mime, "image/jpeg"));
	CHECK(image_type_for_ext("jpeg", &mime) == IMAGE_NONE && mime == NULL);
	CHECK(image_type_for_ext("PNG", NULL) == IMAGE_NONE);
	CHECK(image_type_for_ext("svg", NULL) == IMAGE_NONE);
	CHECK(image_type_for_ext(NULL, NULL) == IMAGE_NONE);
	buf_free(&png);
}

static void test_truncated(void)
{
	struct buf png = BUF_INIT;
	make_png(&png, 3, 2);
	CHECK(all_prefixes_refused((const unsigned char *)png.data, png.len, 4));
	CHECK(all_prefixes_refused(jpeg_3x2, sizeof jpeg_3x2, 2));
	CHECK(all_prefixes_refused(gif_3x2, sizeof gif_3x2, 4));
	CHECK(all_prefixes_refused(webp_lossless, sizeof webp_lossless, 12));
	CHECK(all_prefixes_refused(webp_lossy, sizeof webp_lossy, 12));
	CHECK(all_prefixes_refused(webp_alpha, sizeof webp_alpha, 12));
	CHECK(all_prefixes_refused(webp_animated, sizeof webp_animated, 12));
	CHECK(refuses(png.data, png.len - 1, "This PNG image is incomplete: the file was cut off."));
	buf_free(&png);
}

/* Bytes after the image's end are not part of it: accepted, with info.len
** at the end marker. */
static void test_trailing(void)
{
	static const char php[] = "<?php system($_GET['c']); ?>";
	struct image_info info;
	struct buf b = BUF_INIT;
	make_png(&b, 3, 2);
	size_t png_len = b.len;
	buf_puts(&b, php);
	CHECK(inspect(b.data, b.len, &info) == 0 && info.len == png_len);

	buf_reset(&b);
	buf_put(&b, jpeg_3x2, sizeof jpeg_3x2);
	buf_put(&b, "\0\0\0\0", 4);
	CHECK(inspect(b.data, b.len, &info) == 0 && info.len == sizeof jpeg_3x2);
	buf_reset(&b);
	buf_put(&b, gif_3x2, sizeof gif_3x2);
	buf_puts(&b, php);
	CHECK(inspect(b.data, b.len, &info) == 0 && info.len == sizeof gif_3x2);
	buf_reset(&b);
	buf_put(&b, webp_lossy, sizeof webp_lossy);
	buf_puts(&b, php);
	CHECK(inspect(b.data, b.len, &info) == 0 && info.len == sizeof webp_lossy);
	buf_free(&b);
}

/* A PNG with its IHDR (width, height, depth, colour type) and then extra
** chunks (type, data) before IDAT; pixels data are the 3x2 image's. */
static void png_with(struct buf *b, uint32_t w, uint32_t h, int depth, int color,
                     const char *extra_type, const void *extra, size_t extra_len)
{
	struct buf good = BUF_INIT;
	make_png(&good, 3, 2);
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	buf_reset(b);
	buf_put(b, sig, 8);
	unsigned char ihdr[13] = {0};
	for (int i = 0; i < 4; i++) {
		ihdr[i] = (unsigned char)(w >> (24 - 8 * i));
		ihdr[4 + i] = (unsigned char)(h >> (24 - 8 * i));
	}
	ihdr[8] = (unsigned char)depth;
	ihdr[9] = (unsigned char)color;
	png_chunk(b, "IHDR", ihdr, 13);
	if (extra_type)
		png_chunk(b, extra_type, extra, extra_len);
	/* IDAT and IEND from the good file: after sig, IHDR (25), tEXt (32) */
	buf_put(b, good.data + 8 + 25 + 32, good.len - 8 - 25 - 32);
	buf_free(&good);
}

static void test_damaged(void)
{
	struct buf b = BUF_INIT;
	make_png(&b, 3, 2);

	/* PNG: a changed byte breaks a checksum. */
	b.data[b.len - 20] ^= 0x01;
	CHECK(refuses(b.data, b.len, "This PNG image is damaged: a checksum does not match."));
	/* No IHDR first; no IDAT; a palette image without PLTE; bad depth; an
	** unknown critical chunk; IDATs split; an impossible length. */
	buf_reset(&b);
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	buf_put(&b, sig, 8);
	png_chunk(&b, "IEND", NULL, 0);
	CHECK(refuses(b.data, b.len, "does not start with its header"));
	buf_reset(&b);
	buf_put(&b, sig, 8);
	unsigned char ihdr[13] = {0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0};
	png_chunk(&b, "IHDR", ihdr, 13);
	png_chunk(&b, "IEND", NULL, 0);
	CHECK(refuses(b.data, b.len, "no image data"));
	png_with(&b, 3, 2, 8, 3, NULL, NULL, 0);
	CHECK(refuses(b.data, b.len, "palette is missing"));
	png_with(&b, 3, 2, 8, 3, "PLTE", "\0\0\0\xff\xff\xff", 6);
	CHECK(accepts(b.data, b.len, IMAGE_PNG, 3, 2));
	png_with(&b, 3, 2, 8, 3, "PLTE", "\0\0\0\xff", 4);
	CHECK(refuses(b.data, b.len, "palette is invalid"));
	png_with(&b, 3, 2, 3, 2, NULL, NULL, 0);
	CHECK(refuses(b.data, b.len, "header is invalid"));
	png_with(&b, 3, 2, 8, 5, NULL, NULL, 0);
	CHECK(refuses(b.data, b.len, "header is invalid"));
	png_with(&b, 3, 2, 8, 2, "ABCD", "x", 1);
	CHECK(refuses(b.data, b.len, "a feature browsers do not show (a chunk named ABCD)"));
	png_with(&b, 3, 2, 8, 2, "abCD", "x", 1); /* ancillary: skipped */
	CHECK(accepts(b.data, b.len, IMAGE_PNG, 3, 2));
	png_with(&b, 3, 2, 8, 2, "ab1D", "x", 1);
	CHECK(refuses(b.data, b.len, "invalid type"));
	png_with(&b, 3, 2, 8, 2, "IDAT", "", 0);
	png_chunk(&b, "IEND", NULL, 0); /* IDAT, IDAT, IEND, IEND: the first IEND ends it */
	CHECK(accepts(b.data, b.len - 12, IMAGE_PNG, 3, 2));
	/* move that empty IDAT behind a tEXt: IDAT, tEXt, IDAT */
	buf_reset(&b);
	buf_put(&b, sig, 8);
	png_chunk(&b, "IHDR", (unsigned char[13]){0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0}, 13);
	png_chunk(&b, "IDAT", "", 0);
	png_chunk(&b, "tEXt", "a\0b", 3);
	png_chunk(&b, "IDAT", "", 0);
	png_chunk(&b, "IEND", NULL, 0);
	CHECK(refuses(b.data, b.len, "split"));
	buf_reset(&b);
	buf_put(&b, sig, 8);
	put_be32(&b, 0x80000000u);
	buf_put(&b, "IHDR\0\0\0\0\0\0\0\0", 12);
	CHECK(refuses(b.data, b.len, "impossible length"));

	/* JPEG: a frame header with height 0 (defined later by a DNL marker,
	** which browsers do not support), 12-bit samples, lossless coding, a
	** scan before its frame, a segment that does not start with FF. */
	unsigned char j[sizeof jpeg_3x2];
	memcpy(j, jpeg_3x2, sizeof j);
	j[JPEG_SOF_AT + 5] = 0; /* height 0 */
	CHECK(refuses(j, sizeof j, "This JPEG image has no width or height."));
	memcpy(j, jpeg_3x2, sizeof j);
	j[JPEG_SOF_AT + 3] = 12;
	CHECK(refuses(j, sizeof j, "12-bit samples"));
	memcpy(j, jpeg_3x2, sizeof j);
	j[JPEG_SOF_AT] = 0xC3;
	CHECK(refuses(j, sizeof j, "kind of compression browsers do not show"));
	memcpy(j, jpeg_3x2, sizeof j);
	j[JPEG_SOF_AT] = 0xE1; /* the frame header becomes an APP1 */
	CHECK(refuses(j, sizeof j, "image data comes before its frame header"));
	memcpy(j, jpeg_3x2, sizeof j);
	j[JPEG_DQT_AT] = 0x00;
	CHECK(refuses(j, sizeof j, "This JPEG image is damaged"));
	memcpy(j, jpeg_3x2, sizeof j);
	j[sizeof j - 3] = 0xFF; /* the scan's byte becomes fill: an empty scan */
	CHECK(refuses(j, sizeof j, "empty scan"));
	static const unsigned char soi_eoi[] = {0xFF, 0xD8, 0xFF, 0xD9};
	CHECK(refuses(soi_eoi, sizeof soi_eoi, "no image data"));

	/* GIF: a zero-sized screen, no image at all, a bad block. */
	unsigned char g[sizeof gif_3x2];
	memcpy(g, gif_3x2, sizeof g);
	g[6] = g[7] = 0;
	CHECK(refuses(g, sizeof g, "This GIF image has no width or height."));
	static const unsigned char gif_empty[] = {'G', 'I', 'F', '8', '7', 'a', 1, 0, 1, 0,
	                                          0, 0, 0, 0x3B};
	CHECK(refuses(gif_empty, sizeof gif_empty, "no image data"));
	memcpy(g, gif_3x2, sizeof g);
	g[19] = 0x99;
	CHECK(refuses(g, sizeof g, "blocks do not follow one another"));

	/* WebP: a chunk past the RIFF's end, a frame that is not a key frame,
	** a VP8X with no image data, an unknown first chunk. */
	unsigned char wp[sizeof webp_lossy];
	memcpy(wp, webp_lossy, sizeof wp);
	wp[16] = 0x40;
	CHECK(refuses(wp, sizeof wp, "runs past the end"));
	memcpy(wp, webp_lossy, sizeof wp);
	wp[20] |= 1;
	CHECK(refuses(wp, sizeof wp, "image header is invalid"));
	memcpy(wp, webp_lossy, sizeof wp);
	memcpy(wp + 12, "JUNK", 4);
	CHECK(refuses(wp, sizeof wp, "does not start with an image header"));
	unsigned char wx[30];
	memcpy(wx, webp_alpha, 30);
	wx[4] = 22; /* RIFF ends after VP8X */
	CHECK(refuses(wx, sizeof wx, "no image data"));
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
	CHECK(refuses(b.data, b.len, "This image is 3 by 2147483647 pixels"));
	buf_reset(&b);
	make_png(&b, 0, 2);
	CHECK(refuses(b.data, b.len, "This PNG image has no width or height."));
	buf_reset(&b);
	make_png(&b, 0x80000000u, 2);
	CHECK(refuses(b.data, b.len, "header is invalid"));
	unsigned char g[sizeof gif_3x2];
	memcpy(g, gif_3x2, sizeof g);
	g[8] = 0x30, g[9] = 0x75; /* 30000 */
	CHECK(refuses(g, sizeof g, "This image is 3 by 30000 pixels"));
	unsigned char x[sizeof webp_alpha];
	memcpy(x, webp_alpha, sizeof x);
	x[26] = 0x01; /* canvas width 65537 */
	CHECK(refuses(x, sizeof x, "This image is 65537 by 1 pixels"));
	buf_free(&b);
}

/* A 66-byte PNG claimed 20,000 by 20,000 (400 million pixels) and was
** accepted: the side limit alone let it through. */
static void bug_twenty_thousand_square_accepted(void)
{
	struct buf b = BUF_INIT;
	make_png(&b, 20000, 20000);
	CHECK(b.len < 120); /* a header and a few bytes of data */
	CHECK(refuses(b.data, b.len, "This image is 20000 by 20000 pixels (400.0 megapixels); "
	                             "Byline accepts at most 100 megapixels."));
	buf_reset(&b);
	make_png(&b, 10000, 10001); /* one row over */
	CHECK(refuses(b.data, b.len, "(100.1 megapixels)"));
	buf_reset(&b);
	make_png(&b, 10000, 10000); /* at the limit */
	CHECK(accepts(b.data, b.len, IMAGE_PNG, 10000, 10000));
	buf_reset(&b);
	make_png(&b, 20000, 5000); /* a panorama at the limit */
	CHECK(accepts(b.data, b.len, IMAGE_PNG, 20000, 5000));
	buf_free(&b);
	unsigned char g[sizeof gif_3x2];
	memcpy(g, gif_3x2, sizeof g);
	g[6] = 0x20, g[7] = 0x4E, g[8] = 0x20, g[9] = 0x4E; /* 20000 by 20000 */
	CHECK(refuses(g, sizeof g, "megapixels"));
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
	CHECK(image_inspect(NULL, 0, &info, err, sizeof err) == -1 &&
	      !strcmp(err, "This file is empty."));
	CHECK(image_inspect(NULL, 5, &info, NULL, 0) == -1);
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

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random damage to each image: never a crash or an overread, and an
** accepted result always lies inside the input. */
static void test_mutations(void)
{
	struct buf png = BUF_INIT;
	make_png(&png, 3, 2);
	const struct {
		const unsigned char *data;
		size_t len;
	} seeds[] = {
		{(const unsigned char *)png.data, png.len},
		{jpeg_3x2, sizeof jpeg_3x2},
		{gif_3x2, sizeof gif_3x2},
		{webp_lossy, sizeof webp_lossy},
		{webp_alpha, sizeof webp_alpha},
		{webp_animated, sizeof webp_animated},
	};
	int bad = 0;
	for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
		for (int iter = 0; iter < 2000; iter++) {
			size_t n = seeds[s].len;
			unsigned char *m = malloc(n);
			memcpy(m, seeds[s].data, n);
			int k = 1 + (int)(rng() % 4);
			for (int i = 0; i < k; i++) {
				size_t at = (size_t)(rng() % n);
				m[at] = rng() % 3 ? (unsigned char)rng() : (unsigned char)(m[at] ^ 0x80);
			}
			if (rng() % 4 == 0)
				n = (size_t)(rng() % n);
			struct image_info info;
			int rc = image_inspect(m, n, &info, err, sizeof err);
			if (rc == 0 && (info.len > n || info.width == 0 || info.height == 0 ||
			                info.width > IMAGE_MAX_SIDE || info.height > IMAGE_MAX_SIDE))
				bad++;
			if (rc != 0 && (rc != -1 || err[0] == '\0'))
				bad++;
			free(m);
		}
	}
	CHECK(bad == 0);
	buf_free(&png);
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

	/* Stored once: one file with the bytes, one row. */
	long long id = media_store(db, a, data_dir, (const unsigned char *)png.data, png.len,
	                           limit, 0, &m, err, sizeof err);
	CHECK(id > 0);
	CHECK(m.id == id && m.width == 3 && m.height == 2 && m.bytes == (long long)png.len);
	CHECK_STR(m.mime, "image/png");
	CHECK_STR(m.ext, "png");
	CHECK(m.hash && strlen(m.hash) == MEDIA_HASH_LEN);
	char *url = arena_printf(a, "/media/%s.png", m.hash);
	CHECK_STR(m.url, url);
	char *path = arena_printf(a, "%s/%.2s/%s.png", media_dir, m.hash, m.hash);
	CHECK(file_equals(path, png.data, png.len));
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
	CHECK(file_equals(path, png.data, png.len));
	buf_free(&poly);
	CHECK(files_under(data_dir) == 1);
	CHECK(media_rows(db) == 1);

	/* A file gone from disk is put back by the next upload of it. */
	CHECK(unlink(path) == 0);
	CHECK(media_store(db, a, data_dir, (const unsigned char *)png.data, png.len, limit, 0, &m,
	                  err, sizeof err) == id);
	CHECK(file_equals(path, png.data, png.len));

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
	long long id_webp = media_store(db, a, data_dir, webp_lossy, sizeof webp_lossy, limit, 0,
	                                &m, err, sizeof err);
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
	CHECK(one.width == 3 && one.height == 2 && one.bytes == (long long)png.len);
	CHECK(media_by_id(db, a, 999, &one) == 1);

	/* Public names to paths: only well-formed, stored ones. */
	const char *mime = NULL;
	char *name = arena_printf(a, "%s.png", hash);
	CHECK_STR(media_path(db, a, data_dir, name, &mime), path);
	CHECK_STR(mime, "image/png");
	CHECK(media_path(db, a, data_dir, name, NULL) != NULL);
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
		const char *p = media_path(db, a, data_dir, bad_names[i], &mime);
		CHECK(p == NULL && mime == NULL);
		if (p)
			fprintf(stderr, "  name %zu gave %s\n", i, p);
	}

	/* The same bytes from another user are still one row. */
	CHECK(media_store(db, a, data_dir, jpeg_3x2, sizeof jpeg_3x2, limit, 7, &m, err,
	                  sizeof err) == id_jpeg);

	/* No temporary files left anywhere. */
	CHECK(files_under(data_dir) == 3);

	buf_free(&png);
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
	test_truncated();
	test_trailing();
	test_damaged();
	test_sizes();
	bug_twenty_thousand_square_accepted();
	test_not_images();
	test_mutations();
	test_format_size();
	test_media();
	return test_done();
}
