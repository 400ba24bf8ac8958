/*
** icon.c: icons through libvips (icon.h).
*/
#include "core/icon.h"
#include "core/buf.h"

#include <pthread.h>
#include <vips/vips.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int vips_ready;

static void start_vips(void)
{
	vips_ready = VIPS_INIT("byline") == 0;
}

int icon_png(const unsigned char *data, size_t len, int size, struct buf *out)
{
	pthread_once(&once, start_vips);
	if (!vips_ready)
		return -1;
	VipsImage *thumb = NULL, *rgba = NULL, *square = NULL;
	void *png = NULL;
	size_t png_len = 0;
	int rc = -1;
	/* Fit inside size x size, keeping the shape; never enlarge. */
	if (vips_thumbnail_buffer((void *)data, len, &thumb, size, "height", size, "size",
	                          VIPS_SIZE_DOWN, NULL) != 0)
		goto done;
	if (thumb->Bands == 4 || thumb->Bands == 2) {
		rgba = thumb;
		g_object_ref(rgba);
	} else if (vips_bandjoin_const1(thumb, &rgba, 255.0, NULL) != 0) {
		goto done;
	}
	if (rgba->Bands == 2) { /* grey and alpha: make it RGBA */
		VipsImage *c = NULL;
		if (vips_colourspace(rgba, &c, VIPS_INTERPRETATION_sRGB, NULL) != 0)
			goto done;
		g_object_unref(rgba);
		rgba = c;
	}
	double clear[4] = {0, 0, 0, 0};
	/* The caller owns the array it makes (vips_gravity takes its own ref). */
	VipsArrayDouble *bg = vips_array_double_new(clear, 4);
	int bad = vips_gravity(rgba, &square, VIPS_COMPASS_DIRECTION_CENTRE, size, size, "extend",
	                       VIPS_EXTEND_BACKGROUND, "background", bg, NULL) != 0;
	vips_area_unref(VIPS_AREA(bg));
	if (bad)
		goto done;
	if (vips_pngsave_buffer(square, &png, &png_len, "strip", TRUE, NULL) != 0)
		goto done;
	buf_put(out, png, png_len);
	rc = 0;
done:
	if (rc)
		vips_error_clear();
	g_free(png);
	if (square)
		g_object_unref(square);
	if (rgba)
		g_object_unref(rgba);
	if (thumb)
		g_object_unref(thumb);
	return rc;
}

static void put_le16(struct buf *b, unsigned v)
{
	unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	buf_put(b, x, 2);
}

static void put_le32(struct buf *b, unsigned long v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};
	buf_put(b, x, 4);
}

void icon_ico(const unsigned char *png, size_t len, int size, struct buf *out)
{
	put_le16(out, 0); /* reserved */
	put_le16(out, 1); /* an icon */
	put_le16(out, 1); /* one image */
	buf_putc(out, (char)(size >= 256 ? 0 : size)); /* 0 means 256 */
	buf_putc(out, (char)(size >= 256 ? 0 : size));
	buf_putc(out, 0); /* no palette */
	buf_putc(out, 0);
	put_le16(out, 1);  /* planes */
	put_le16(out, 32); /* bits a pixel */
	put_le32(out, (unsigned long)len);
	put_le32(out, 6 + 16); /* the PNG follows the one entry */
	buf_put(out, png, len);
}
