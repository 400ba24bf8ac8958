/*
** fuzz_image.c: an upload's bytes through the whole image pipeline,
** image_normalize() (core/image.c: format from the first bytes, header
** limits, the full libvips decode, orientation, sRGB, metadata read and
** stripped, saved again), then for a small result image_variants().
**
** Input: any bytes (the seeds are tiny JPEG, PNG, GIF and WebP files made
** by libvips, one with EXIF orientation and IPTC).
**
** Promises checked (image.h): never a crash, a hang or a leak; a refusal
** is -1 with a sentence; an acceptance is one of the four types, sides 1 to
** IMAGE_MAX_SIDE within the pixel limit, and a non-empty file that is
** again accepted as the same type and size (what is stored can be read).
*/
#include "fuzz.h"
#include "core/arena.h"
#include "core/image.h"

#include <string.h>

#define LIMIT 4000000ULL /* 4 megapixels: big enough for the seeds, fast */

static int emit(void *ctx, const char *suffix, enum image_type type, const unsigned char *bytes,
                size_t n, unsigned w, unsigned h)
{
	(void)ctx, (void)suffix;
	FUZZ_ASSERT(type != IMAGE_NONE && n > 0 && bytes && w > 0 && h > 0, "variant %s", suffix);
	return 0;
}

FUZZ_TARGET(image)
{
	static int started;
	if (!started) {
		started = 1;
		FUZZ_ASSERT(image_init() == 0, "libvips starts");
		atexit(image_shutdown); /* LeakSanitizer sees libvips' state freed */
	}
	struct arena *a = arena_new();
	struct image_info info;
	struct image_text text;
	unsigned char *out = NULL;
	size_t n = 0;
	char err[256] = "";
	int rc = image_normalize(a, data, size, LIMIT, &info, &text, &out, &n, err, sizeof err);
	if (rc != 0) {
		FUZZ_ASSERT(rc == -1 && err[0], "a refusal says why");
	} else {
		FUZZ_ASSERT(info.type != IMAGE_NONE && info.width >= 1 && info.height >= 1 &&
		            info.width <= IMAGE_MAX_SIDE && info.height <= IMAGE_MAX_SIDE &&
		            (unsigned long long)info.width * info.height * info.frames <= LIMIT,
		            "accepted as %d, %ux%u x%u", info.type, info.width, info.height,
		            info.frames);
		FUZZ_ASSERT(out && n > 0 && n == info.len, "the stored file");
		FUZZ_ASSERT(text.caption && text.credit && text.copyright, "text fields set");
		struct image_info again;
		FUZZ_ASSERT(image_inspect(out, n, LIMIT, &again, err, sizeof err) == 0 &&
		            again.type == info.type && again.width == info.width,
		            "the stored file reads back: %s", err);
		if ((unsigned long long)info.width * info.height * info.frames <= 65536) {
			static const unsigned widths[] = {16, 64};
			FUZZ_ASSERT(image_variants(out, n, widths, 2, emit, NULL, err, sizeof err) == 0,
			            "variants of an accepted image: %s", err);
		}
	}
	arena_free(a);
	return 0;
}
