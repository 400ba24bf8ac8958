/*
** image.c: the four accepted formats through libvips.  The contract (what
** is refused, which limits apply before decoding, what is stripped) is in
** image.h.
**
** The format is taken from the first bytes and only its own loader is
** called, never vips_image_new_from_buffer()'s search over every loader
** libvips has (which would reach SVG, PDF or ImageMagick with a crafted
** file).  A loader reads the header lazily: width, height and frames are
** known, and checked, before a single pixel is decoded.  The full decode is
** vips_image_copy_memory(): the loaders run with fail_on=truncated, so a
** file cut short or with corrupt compressed data fails there.
**
** Strings libvips hands back (the saved file) are copied into the caller's
** arena and released with g_free(): nothing of libvips' memory outlives a
** call, and libvips' own state is freed by image_shutdown().
*/
#include "core/image.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/utf8.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <vips/vips.h>

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

static const char *kind_of(enum image_type t)
{
	for (size_t f = 0; f < sizeof formats / sizeof *formats; f++)
		if (formats[f].type == t)
			return formats[f].kind;
	return "image";
}

const char *image_ext(enum image_type t)
{
	for (size_t f = 0; f < sizeof formats / sizeof *formats; f++)
		if (formats[f].type == t)
			return formats[f].ext;
	return NULL;
}

const char *image_mime(enum image_type t)
{
	for (size_t f = 0; f < sizeof formats / sizeof *formats; f++)
		if (formats[f].type == t)
			return formats[f].mime;
	return NULL;
}

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

/* ---- starting libvips ---- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = -1;

/* libvips' warnings about a bad file ("Invalid frame data") go to stderr
** through GLib; the refusal's sentence already says it to the person. */
static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer u)
{
	(void)domain, (void)level, (void)msg, (void)u;
}

static void init_vips(void)
{
	if (VIPS_INIT("byline") != 0)
		return;
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, quiet, NULL);
	/* Every upload is new bytes: a cache of operations would only hold
	** memory.  A few threads per operation: the server runs several. */
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	vips_concurrency_set(IMAGE_THREADS);
	/* Loaders libvips itself marks as not for untrusted input (ImageMagick,
	** PDF, ...) are off, though we never ask for them by name. */
	vips_block_untrusted_set(TRUE);
	init_rc = 0;
}

int image_init(void)
{
	pthread_once(&init_once, init_vips);
	return init_rc;
}

void image_shutdown(void)
{
	if (init_rc == 0)
		vips_shutdown();
	init_rc = -1;
}

/* ---- recognising ---- */

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

/* The type the first bytes say, or IMAGE_NONE. */
static enum image_type sniff(const unsigned char *d, size_t len)
{
	if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return IMAGE_JPEG;
	if (len >= 8 && !memcmp(d, png_sig, 8))
		return IMAGE_PNG;
	if (len >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
		return IMAGE_GIF;
	if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
		return IMAGE_WEBP;
	return IMAGE_NONE;
}

/* How strict each loader is.  libjpeg calls corrupt entropy-coded data a
** warning ("Corrupt JPEG data: bad Huffman code") and decodes grey blocks:
** a JPEG that draws any warning is refused.  libpng warns about harmless
** things (an sRGB profile it knows to be slightly wrong) and errors on what
** matters (a bad CRC, a broken zlib stream): errors.  GIF and WebP: errors
** and truncation. */
static VipsFailOn strictness(enum image_type t)
{
	return t == IMAGE_JPEG ? VIPS_FAIL_ON_WARNING : VIPS_FAIL_ON_ERROR;
}

/* Opens data with t's own loader, header only (pixels come on demand).
** all_frames: every frame of an animation, one tall image. */
static VipsImage *open_as(enum image_type t, const unsigned char *data, size_t len,
                          int all_frames)
{
	VipsImage *im = NULL;
	void *d = (void *)data; /* libvips reads, never writes, the buffer */
	int rc = -1;
	switch (t) {
	case IMAGE_JPEG:
		rc = vips_jpegload_buffer(d, len, &im, "fail_on", strictness(t), NULL);
		break;
	case IMAGE_PNG:
		rc = vips_pngload_buffer(d, len, &im, "fail_on", strictness(t), NULL);
		break;
	case IMAGE_GIF:
		rc = vips_gifload_buffer(d, len, &im, "fail_on", strictness(t), "n",
		                         all_frames ? -1 : 1, NULL);
		break;
	case IMAGE_WEBP:
		rc = vips_webpload_buffer(d, len, &im, "fail_on", strictness(t), "n",
		                          all_frames ? -1 : 1, NULL);
		break;
	case IMAGE_NONE:
		break;
	}
	return rc == 0 ? im : NULL; /* the caller clears libvips' error */
}

/* A file cut off in transit, seen from its structure alone: a PNG without
** its IEND chunk, a WebP shorter than its RIFF header says, a JPEG without
** an end-of-image marker, a GIF not ending with its trailer.  (libvips
** would decode what rows it could.) */
static int cut_off(enum image_type t, const unsigned char *d, size_t len)
{
	static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60,
	                                       0x82};
	switch (t) {
	case IMAGE_PNG:
		return !memmem(d, len, iend, sizeof iend);
	case IMAGE_WEBP: {
		unsigned long long riff = (unsigned long long)d[4] | (unsigned long long)d[5] << 8 |
		                          (unsigned long long)d[6] << 16 | (unsigned long long)d[7] << 24;
		return riff + 8 > len;
	}
	case IMAGE_JPEG:
		return !memmem(d + 2, len - 2, "\xFF\xD9", 2);
	case IMAGE_GIF:
		return d[len - 1] != 0x3B; /* the trailer */
	case IMAGE_NONE:
		break;
	}
	return 0;
}

static int damaged(enum image_type t, char *err, size_t errlen)
{
	/* libvips' own words, for whoever reads the log. */
	const char *why = vips_error_buffer();
	log_info("%s image refused: %.*s", kind_of(t), (int)strcspn(why, "\n"), why);
	vips_error_clear();
	return refuse(err, errlen, "This %s image is damaged or incomplete (the file may "
	              "have been cut off), so it cannot be used.", kind_of(t));
}

/* Opens and checks the header; *im_out is the open image (caller unrefs). */
static int open_checked(const unsigned char *data, size_t len, unsigned long long max_pixels,
                        struct image_info *info, VipsImage **im_out, char *err,
                        size_t errlen)
{
	memset(info, 0, sizeof *info);
	*im_out = NULL;
	if (!data)
		len = 0;
	enum image_type t = sniff(data, len);
	if (t == IMAGE_NONE)
		return refuse_other(data, len, err, errlen);
	if (image_init() != 0)
		return refuse(err, errlen, "Images cannot be read on this server just now "
		              "(the image library did not start).");
	if (cut_off(t, data, len))
		return refuse(err, errlen, "This %s image is incomplete: the file was cut off.",
		              kind_of(t));
	VipsImage *im = open_as(t, data, len, 1);
	if (!im)
		return damaged(t, err, errlen);
	unsigned long long w = (unsigned)vips_image_get_width(im);
	unsigned long long total_h = (unsigned)vips_image_get_height(im);
	int pages = vips_image_get_n_pages(im);
	unsigned long long h = (unsigned)vips_image_get_page_height(im);
	if (pages < 1 || h == 0 || total_h % h)
		pages = 1, h = total_h;
	if (!max_pixels)
		max_pixels = IMAGE_MAX_PIXELS;
	if (w == 0 || h == 0) {
		g_object_unref(im);
		return refuse(err, errlen, "This %s image has no width or height.", kind_of(t));
	}
	if (w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE) {
		g_object_unref(im);
		return refuse(err, errlen, "This image is %llu by %llu pixels; Byline accepts at "
		              "most %d pixels on a side.", w, h, IMAGE_MAX_SIDE);
	}
	/* A few bytes can claim 20,000 by 20,000: 400 million pixels, 1.6 GB
	** once decoded.  Decided here, before a pixel is decoded. */
	unsigned long long pixels = w * total_h;
	unsigned long long tenths = (pixels + 99999) / 100000; /* of a megapixel, up */
	if (pixels > max_pixels) {
		g_object_unref(im);
		if (pages > 1)
			return refuse(err, errlen, "This animation is %llu by %llu pixels in %d frames "
			              "(%llu.%llu megapixels in all); Byline accepts at most %llu "
			              "megapixels. Please save it smaller and upload it again.", w, h,
			              pages, tenths / 10, tenths % 10, max_pixels / 1000000);
		return refuse(err, errlen, "This image is %llu by %llu pixels (%llu.%llu megapixels); "
		              "Byline accepts at most %llu megapixels. Please save it smaller and "
		              "upload it again.", w, h, tenths / 10, tenths % 10,
		              max_pixels / 1000000);
	}
	info->type = t;
	info->mime = image_mime(t);
	info->ext = image_ext(t);
	info->width = (unsigned)w;
	info->height = (unsigned)h;
	info->frames = (unsigned)pages;
	info->len = len;
	*im_out = im;
	return 0;
}

int image_inspect(const unsigned char *data, size_t len, unsigned long long max_pixels,
                  struct image_info *info, char *err, size_t errlen)
{
	VipsImage *im;
	if (open_checked(data, len, max_pixels, info, &im, err, errlen) != 0)
		return -1;
	g_object_unref(im);
	return 0;
}

/* ---- the text a wire photo carries ---- */

#define TEXT_MAX 1000 /* bytes kept of one field */

/* s[0..n) as a trimmed one-line UTF-8 string in a: Latin-1 when it is not
** valid UTF-8 (old IPTC), control characters as spaces. */
static const char *clean_text(struct arena *a, const unsigned char *s, size_t n)
{
	if (n > TEXT_MAX) {
		n = TEXT_MAX;
		while (n && (s[n] & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
			n--;
	}
	int utf8 = utf8_valid((const char *)s, n);
	char *o = arena_alloc(a, 2 * n + 1);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if (c < 0x20 || c == 0x7F)
			o[m++] = ' ';
		else if (c < 0x80 || utf8)
			o[m++] = (char)c;
		else {
			o[m++] = (char)(0xC0 | c >> 6);
			o[m++] = (char)(0x80 | (c & 0x3F));
		}
	}
	size_t b = 0;
	while (b < m && o[b] == ' ')
		b++;
	while (m > b && o[m - 1] == ' ')
		m--;
	o[m] = '\0';
	return o + b;
}

/* IPTC IIM: datasets 0x1C, record, number, 2-byte length, value; found
** anywhere in the block (JPEG wraps them in a Photoshop resource).  The
** first record-2 dataset of number ds, or NULL. */
static const char *iptc_field(struct arena *a, const unsigned char *d, size_t n, int ds)
{
	for (size_t i = 0; i + 5 <= n; i++) {
		if (d[i] != 0x1C || d[i + 1] != 2 || d[i + 2] != ds || (d[i + 3] & 0x80))
			continue;
		size_t len = (size_t)d[i + 3] << 8 | d[i + 4];
		if (len > n - i - 5)
			continue;
		const char *s = clean_text(a, d + i + 5, len);
		if (*s)
			return s;
	}
	return NULL;
}

/* XML text with the five named entities and numeric ones decoded. */
static const char *xml_text(struct arena *a, const char *s, size_t n)
{
	char *o = arena_alloc(a, n + 1);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&') {
			o[m++] = s[i];
			continue;
		}
		static const struct { const char *name; char c; } ents[] = {
			{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''},
		};
		size_t e = 0;
		for (; e < sizeof ents / sizeof *ents; e++) {
			size_t k = strlen(ents[e].name);
			if (n - i >= k && !memcmp(s + i, ents[e].name, k)) {
				o[m++] = ents[e].c;
				i += k - 1;
				break;
			}
		}
		if (e < sizeof ents / sizeof *ents)
			continue;
		if (n - i > 3 && s[i + 1] == '#') {
			unsigned long cp = 0;
			size_t j = i + 2;
			int hex = s[j] == 'x' || s[j] == 'X';
			j += hex;
			size_t start = j;
			while (j < n && j - start < 8 &&
			       (hex ? strchr("0123456789abcdefABCDEF", s[j]) != NULL
			            : (s[j] >= '0' && s[j] <= '9')) && s[j])
				cp = cp * (hex ? 16 : 10) +
				     (unsigned long)(s[j] <= '9' ? s[j] - '0' : (s[j] | 0x20) - 'a' + 10),
				j++;
			if (j < n && s[j] == ';' && j > start && cp >= 0x20 && cp < 0x110000 &&
			    !(cp >= 0xD800 && cp < 0xE000)) {
				/* arena room: a reference is at least 4 bytes, UTF-8 at most 4 */
				if (cp < 0x80)
					o[m++] = (char)cp;
				else if (cp < 0x800)
					o[m++] = (char)(0xC0 | cp >> 6), o[m++] = (char)(0x80 | (cp & 0x3F));
				else if (cp < 0x10000)
					o[m++] = (char)(0xE0 | cp >> 12), o[m++] = (char)(0x80 | (cp >> 6 & 0x3F)),
					o[m++] = (char)(0x80 | (cp & 0x3F));
				else
					o[m++] = (char)(0xF0 | cp >> 18), o[m++] = (char)(0x80 | (cp >> 12 & 0x3F)),
					o[m++] = (char)(0x80 | (cp >> 6 & 0x3F)), o[m++] = (char)(0x80 | (cp & 0x3F));
				i = j;
				continue;
			}
		}
		o[m++] = '&';
	}
	return clean_text(a, (const unsigned char *)o, m);
}

/* memmem over a counted block. */
static const char *find(const char *h, const char *end, const char *needle)
{
	size_t k = strlen(needle);
	if (end - h < (ptrdiff_t)k)
		return NULL;
	return memmem(h, (size_t)(end - h), needle, k);
}

/* XMP property prop ("dc:description"): as an attribute prop="..." or an
** element whose first rdf:li (or, without one, whose text) is the value. */
static const char *xmp_field(struct arena *a, const char *x, size_t n, const char *prop)
{
	const char *end = x + n;
	const char *attr = arena_printf(a, " %s=\"", prop);
	const char *p = find(x, end, attr);
	if (p) {
		p += strlen(attr);
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (q) {
			const char *s = xml_text(a, p, (size_t)(q - p));
			if (*s)
				return s;
		}
	}
	const char *open = arena_printf(a, "<%s>", prop);
	const char *close = arena_printf(a, "</%s>", prop);
	p = find(x, end, open);
	if (!p)
		return NULL;
	p += strlen(open);
	const char *stop = find(p, end, close);
	if (!stop)
		return NULL;
	const char *li = find(p, stop, "<rdf:li");
	if (li) {
		const char *gt = memchr(li, '>', (size_t)(stop - li));
		const char *lend = gt ? find(gt, stop, "</rdf:li>") : NULL;
		if (!lend)
			return NULL;
		const char *s = xml_text(a, gt + 1, (size_t)(lend - gt - 1));
		return *s ? s : NULL;
	}
	if (find(p, stop, "<"))
		return NULL;
	const char *s = xml_text(a, p, (size_t)(stop - p));
	return *s ? s : NULL;
}

static const char *join_credit(struct arena *a, const char *by, const char *agency)
{
	if (by && agency && strcmp(by, agency))
		return arena_printf(a, "%s/%s", by, agency);
	return by ? by : agency;
}

static void read_text(struct arena *a, VipsImage *im, struct image_text *t)
{
	t->caption = t->credit = t->copyright = NULL;
	const void *blob;
	size_t n;
	if (vips_image_get_typeof(im, VIPS_META_IPTC_NAME) &&
	    vips_image_get_blob(im, VIPS_META_IPTC_NAME, &blob, &n) == 0) {
		t->caption = iptc_field(a, blob, n, 120);
		t->credit = join_credit(a, iptc_field(a, blob, n, 80), iptc_field(a, blob, n, 110));
		t->copyright = iptc_field(a, blob, n, 116);
	}
	if (vips_image_get_typeof(im, VIPS_META_XMP_NAME) &&
	    vips_image_get_blob(im, VIPS_META_XMP_NAME, &blob, &n) == 0) {
		if (!t->caption)
			t->caption = xmp_field(a, blob, n, "dc:description");
		if (!t->credit)
			t->credit = join_credit(a, xmp_field(a, blob, n, "dc:creator"),
			                        xmp_field(a, blob, n, "photoshop:Credit"));
		if (!t->copyright)
			t->copyright = xmp_field(a, blob, n, "dc:rights");
	}
	vips_error_clear();
	if (!t->caption)
		t->caption = "";
	if (!t->credit)
		t->credit = "";
	if (!t->copyright)
		t->copyright = "";
}

/* ---- converting and saving ---- */

/* Replaces *im by *out when the step succeeded (rc 0); -1 otherwise.  out
** is passed by address: the operation, an argument beside it, sets it. */
static int step(VipsImage **im, int rc, VipsImage **out)
{
	if (rc != 0)
		return -1;
	g_object_unref(*im);
	*im = *out;
	return 0;
}

/* sRGB (or grey), 8 bits a sample: through the embedded ICC profile when
** there is one and it works, else libvips' own conversion. */
static int to_srgb(VipsImage **im)
{
	VipsImage *out = NULL;
	if (vips_image_get_typeof(*im, VIPS_META_ICC_NAME)) {
		if (step(im, vips_icc_transform(*im, &out, "srgb", "embedded", TRUE, "intent",
		                                VIPS_INTENT_PERCEPTUAL, NULL), &out) == 0)
			return 0;
		vips_error_clear(); /* a broken profile: convert without it */
	}
	VipsInterpretation in = vips_image_get_interpretation(*im);
	if ((in == VIPS_INTERPRETATION_sRGB || in == VIPS_INTERPRETATION_B_W) &&
	    vips_image_get_format(*im) == VIPS_FORMAT_UCHAR)
		return 0;
	VipsInterpretation to = in == VIPS_INTERPRETATION_B_W || in == VIPS_INTERPRETATION_GREY16
	                            ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
	if (step(im, vips_colourspace(*im, &out, to, NULL), &out) != 0)
		return -1;
	if (vips_image_get_format(*im) != VIPS_FORMAT_UCHAR &&
	    step(im, vips_cast_uchar(*im, &out, NULL), &out) != 0)
		return -1;
	return 0;
}

/* Metadata libvips would write back into a saved file (webpsave makes an
** EXIF block from them even with strip set); an animation's timing stays. */
static const char *const private_prefixes[] = {
	"exif-", "xmp-", "iptc-", "icc-", "orientation", "png-comment", "gif-comment",
	"jpeg-thumbnail", "heif-", "resolution-unit",
};

/* A copy of im without those fields (caller unrefs), or NULL. */
static VipsImage *without_metadata(VipsImage *im)
{
	VipsImage *c = NULL;
	if (vips_copy(im, &c, NULL) != 0)
		return NULL;
	gchar **names = vips_image_get_fields(c);
	for (gchar **f = names; f && *f; f++)
		for (size_t i = 0; i < sizeof private_prefixes / sizeof *private_prefixes; i++)
			if (!strncmp(*f, private_prefixes[i], strlen(private_prefixes[i]))) {
				vips_image_remove(c, *f);
				break;
			}
	g_strfreev(names);
	return c;
}

/* Drops the EXIF and XMP chunks from a WebP file in place (and their flags
** in VP8X), fixing the RIFF size; *n shrinks.  libvips 8.14.1's webpsave
** writes an EXIF chunk (resolution, orientation) even with strip set. */
static void webp_strip(unsigned char *d, size_t *n)
{
	if (*n < 12 || memcmp(d, "RIFF", 4) || memcmp(d + 8, "WEBP", 4))
		return;
	size_t in = 12, out = 12;
	while (*n - in >= 8) {
		size_t len = (size_t)d[in + 4] | (size_t)d[in + 5] << 8 | (size_t)d[in + 6] << 16 |
		             (size_t)d[in + 7] << 24;
		size_t whole = 8 + len + (len & 1);
		if (whole > *n - in)
			return; /* not ours to judge: leave it as written */
		if (!memcmp(d + in, "EXIF", 4) || !memcmp(d + in, "XMP ", 4)) {
			in += whole;
			continue;
		}
		if (!memcmp(d + in, "VP8X", 4) && len >= 1)
			d[in + 8] &= (unsigned char)~0x0C; /* the EXIF (0x08) and XMP (0x04) flags */
		memmove(d + out, d + in, whole);
		in += whole;
		out += whole;
	}
	size_t riff = out - 8;
	d[4] = (unsigned char)riff, d[5] = (unsigned char)(riff >> 8);
	d[6] = (unsigned char)(riff >> 16), d[7] = (unsigned char)(riff >> 24);
	*n = out;
}

/* Saves im as t, no metadata; the bytes are g_malloc'd (g_free them). */
static int save(VipsImage *in, enum image_type t, void **buf, size_t *n)
{
	VipsImage *im = without_metadata(in);
	if (!im)
		return -1;
	int rc = -1;
	switch (t) {
	case IMAGE_JPEG:
		rc = vips_jpegsave_buffer(im, buf, n, "Q", 82, "strip", TRUE, "optimize_coding", TRUE,
		                          NULL);
		break;
	case IMAGE_PNG:
		rc = vips_pngsave_buffer(im, buf, n, "compression", 6, "strip", TRUE, NULL);
		break;
	case IMAGE_GIF:
		rc = vips_gifsave_buffer(im, buf, n, "strip", TRUE, NULL);
		break;
	case IMAGE_WEBP:
		rc = vips_webpsave_buffer(im, buf, n, "Q", 80, "strip", TRUE, NULL);
		if (rc == 0)
			webp_strip(*buf, n);
		break;
	case IMAGE_NONE:
		break;
	}
	g_object_unref(im);
	return rc;
}

/* The saved file copied into a, libvips' copy freed. */
static unsigned char *keep(struct arena *a, void *buf, size_t n)
{
	unsigned char *o = arena_alloc(a, n ? n : 1);
	memcpy(o, buf, n);
	g_free(buf);
	return o;
}

int image_normalize(struct arena *a, const unsigned char *data, size_t len,
                    unsigned long long max_pixels, struct image_info *info,
                    struct image_text *text, unsigned char **out, size_t *out_len,
                    char *err, size_t errlen)
{
	VipsImage *im;
	*out = NULL;
	*out_len = 0;
	text->caption = text->credit = text->copyright = "";
	if (open_checked(data, len, max_pixels, info, &im, err, errlen) != 0)
		return -1;
	enum image_type t = info->type;
	/* The whole decode, here and once: a damaged or cut-off file fails. */
	VipsImage *mem = vips_image_copy_memory(im);
	g_object_unref(im);
	if (!mem) {
		memset(info, 0, sizeof *info);
		return damaged(t, err, errlen);
	}
	im = mem;
	read_text(a, im, text);
	VipsImage *o = NULL;
	/* Upright as the EXIF orientation says (an animation has none that
	** browsers honour; its frames stay as they are). */
	if (info->frames == 1 && step(&im, vips_autorot(im, &o, NULL), &o) != 0)
		goto fail;
	if (to_srgb(&im) != 0)
		goto fail;
	void *buf = NULL;
	size_t n = 0;
	if (save(im, t, &buf, &n) != 0)
		goto fail;
	info->width = (unsigned)vips_image_get_width(im);
	info->height = info->frames > 1 ? info->height : (unsigned)vips_image_get_height(im);
	g_object_unref(im);
	*out = keep(a, buf, n);
	*out_len = n;
	info->len = n;
	return 0;

fail:
	g_object_unref(im);
	memset(info, 0, sizeof *info);
	vips_error_clear();
	return refuse(err, errlen, "This %s image could not be converted for the web "
	              "(its colours or layout are not ones Byline can handle).", kind_of(t));
}

/* ---- variants ---- */

static int emit_saved(VipsImage *im, enum image_type t, const char *suffix, unsigned frames,
                      image_emit_fn emit, void *ctx)
{
	void *buf = NULL;
	size_t n = 0;
	if (save(im, t, &buf, &n) != 0)
		return -1;
	unsigned w = (unsigned)vips_image_get_width(im);
	unsigned h = (unsigned)vips_image_get_height(im) / (frames ? frames : 1);
	int stop = emit(ctx, suffix, t, buf, n, w, h);
	g_free(buf);
	return stop ? 1 : 0;
}

int image_variants(const unsigned char *data, size_t len, const unsigned *widths, size_t n,
                   image_emit_fn emit, void *ctx, char *err, size_t errlen)
{
	struct image_info info;
	VipsImage *src;
	/* Sources are normalized files: their size was checked at upload. */
	if (open_checked(data, len, (unsigned long long)IMAGE_MAX_SIDE * IMAGE_MAX_SIDE, &info,
	                 &src, err, errlen) != 0)
		return -1;
	g_object_unref(src);
	const char *opts = info.frames > 1 ? "n=-1" : "";
	int rc = 0;
	char suffix[16];
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (widths[i] >= info.width)
			continue; /* never upscaled: the original is the largest */
		VipsImage *th = NULL;
		if (vips_thumbnail_buffer((void *)data, len, &th, (int)widths[i], "height",
		                          VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN, "option_string",
		                          opts, NULL) != 0) {
			rc = -1;
			break;
		}
		/* Decoded and shrunk once, saved twice. */
		VipsImage *m = vips_image_copy_memory(th);
		g_object_unref(th);
		if (!m) {
			rc = -1;
			break;
		}
		snprintf(suffix, sizeof suffix, "%u", widths[i]);
		rc = emit_saved(m, info.type, suffix, info.frames, emit, ctx);
		if (rc == 0 && info.type != IMAGE_WEBP)
			rc = emit_saved(m, IMAGE_WEBP, suffix, info.frames, emit, ctx);
		g_object_unref(m);
	}
	if (rc == 0) {
		/* The social image: 1200x630, cut around what draws the eye. */
		VipsImage *th = NULL, *o = NULL;
		if (vips_thumbnail_buffer((void *)data, len, &th, 1200, "height", 630, "size",
		                          VIPS_SIZE_BOTH, "crop", VIPS_INTERESTING_ATTENTION,
		                          NULL) != 0) {
			rc = -1;
		} else {
			if (vips_image_hasalpha(th)) {
				VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
				if (step(&th, vips_flatten(th, &o, "background", white, NULL), &o) != 0)
					rc = -1;
				vips_area_unref(VIPS_AREA(white));
			}
			if (rc == 0)
				rc = emit_saved(th, IMAGE_JPEG, "social", 1, emit, ctx);
			g_object_unref(th);
		}
	}
	if (rc < 0) {
		vips_error_clear();
		return refuse(err, errlen, "The smaller copies of this %s image could not be made.",
		              kind_of(info.type));
	}
	return 0;
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
