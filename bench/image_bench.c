/*
** image_bench.c: makes every variant of one image, as the variant worker
** does (image_variants(), core/image.c), and writes them to a folder.
**
**   image_bench IN.jpg OUTDIR [--normalize]
**
** With --normalize the upload step (image_normalize(): full decode,
** orientation, sRGB, metadata stripped, saved again) runs first and the
** variants are made from its result, as an upload's are.  bench/image_bench.sh
** times this against ImageMagick making the same files.
*/
#include "core/arena.h"
#include "core/image.h"
#include "model/media.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *outdir;

static int save(void *ctx, const char *suffix, enum image_type type, const unsigned char *bytes,
                size_t n, unsigned w, unsigned h)
{
	(void)ctx, (void)w, (void)h;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.%s", outdir, suffix, image_ext(type));
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(bytes, 1, n, f) != n) {
		perror(path);
		if (f)
			fclose(f);
		return 1;
	}
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: image_bench IN OUTDIR [--normalize]\n");
		return 2;
	}
	outdir = argv[2];
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *data = malloc((size_t)len);
	if (!data || fread(data, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	char err[256];
	struct arena *a = arena_new();
	const unsigned char *src = data;
	size_t src_len = (size_t)len;
	if (argc > 3 && !strcmp(argv[3], "--normalize")) {
		struct image_info info;
		struct image_text text;
		unsigned char *out;
		if (image_normalize(a, data, (size_t)len, 0, &info, &text, &out, &src_len, err,
		                    sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		src = out;
	}
	static const unsigned widths[] = MEDIA_WIDTHS;
	int rc = image_variants(src, src_len, widths, MEDIA_N_WIDTHS, save, NULL, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	arena_free(a);
	free(data);
	image_shutdown();
	return rc != 0;
}
