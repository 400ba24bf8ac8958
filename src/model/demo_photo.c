/*
** demo_photo.c: paints the demo's illustrations (demo_photo.h).
**
** Plain pixel code into one RGB buffer, back to front: sky gradient, sun,
** hills, skyline, ground or water, boat, reeds, rain.  The shapes come from
** a small deterministic generator seeded per scene, so the demo is the same
** on every machine.  libvips only encodes the JPEG.
*/
#include "model/demo_photo.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

struct canvas {
	unsigned char *px; /* RGB rows */
	int w, h;          /* size */
};

static unsigned next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

static double frand(unsigned *s)
{
	return next_rand(s) / 32767.0;
}

/* Mixes colour c over pixel (x, y) with opacity t (0..1). */
static void blend(struct canvas *c, int x, int y, unsigned rgb, double t)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h || t <= 0)
		return;
	if (t > 1)
		t = 1;
	unsigned char *p = c->px + ((size_t)y * c->w + x) * 3;
	int col[3] = {(int)(rgb >> 16) & 255, (int)(rgb >> 8) & 255, (int)rgb & 255};
	for (int k = 0; k < 3; k++)
		p[k] = (unsigned char)(p[k] + (col[k] - p[k]) * t);
}

static unsigned mix(unsigned a, unsigned b, double t)
{
	unsigned out = 0;
	for (int sh = 16; sh >= 0; sh -= 8) {
		double x = ((a >> sh) & 255) * (1 - t) + ((b >> sh) & 255) * t;
		out |= (unsigned)(x + 0.5) << sh;
	}
	return out;
}

static void rect(struct canvas *c, int x0, int y0, int x1, int y1, unsigned rgb, double t)
{
	for (int y = y0 < 0 ? 0 : y0; y < y1 && y < c->h; y++)
		for (int x = x0 < 0 ? 0 : x0; x < x1 && x < c->w; x++)
			blend(c, x, y, rgb, t);
}

static void disc(struct canvas *c, double cx, double cy, double r, unsigned rgb, double t)
{
	for (int y = (int)(cy - r - 2); y <= (int)(cy + r + 2); y++)
		for (int x = (int)(cx - r - 2); x <= (int)(cx + r + 2); x++) {
			double d = hypot(x - cx, y - cy);
			blend(c, x, y, rgb, t * (r + 0.5 - d));
		}
}

static void paint(struct canvas *c, const struct demo_scene *s)
{
	unsigned seed = s->seed * 2654435761u + 1;
	int hy = (int)(s->horizon * c->h);
	/* Sky, and a glow around the sun. */
	for (int y = 0; y < hy; y++) {
		unsigned row = mix(s->sky_top, s->sky_bottom, (double)y / (hy ? hy : 1));
		for (int x = 0; x < c->w; x++)
			blend(c, x, y, row, 1);
	}
	if (s->sun) {
		double cx = s->sun_x * c->w, cy = s->sun_y * c->h;
		double r = c->h * 0.07;
		for (int y = 0; y < hy; y++)
			for (int x = 0; x < c->w; x++) {
				double d = hypot(x - cx, y - cy) / (c->h * 0.6);
				if (d < 1)
					blend(c, x, y, s->sun, 0.35 * (1 - d) * (1 - d));
			}
		disc(c, cx, cy, r, s->sun, 1);
	}
	if (s->rain) {
		/* A heavy cloud deck. */
		for (int i = 0; i < 40; i++)
			disc(c, frand(&seed) * c->w, frand(&seed) * hy * 0.45, c->h * (0.08 + 0.1 * frand(&seed)),
			     mix(s->sky_top, 0x2a2f36, 0.6), 0.55);
	}
	/* Far hills: two layers of soft sines. */
	if (s->hills) {
		for (int layer = 0; layer < 2; layer++) {
			double ph = frand(&seed) * 6.28, amp = c->h * (0.05 + 0.04 * layer);
			unsigned col = mix(s->sky_bottom, s->ground, 0.35 + 0.3 * layer);
			for (int x = 0; x < c->w; x++) {
				double top = hy - amp * (1.2 + sin(x * 0.006 + ph) + 0.4 * sin(x * 0.017 + ph * 2));
				for (int y = (int)top; y < hy; y++)
					blend(c, x, y, col, 1);
			}
		}
	}
	/* A skyline: blocks with lit windows, and a dome for a civic building. */
	if (s->skyline) {
		unsigned col = mix(s->sky_bottom, 0x1d2230, 0.75);
		int x = 0;
		while (x < c->w) {
			int bw = (int)(c->w * (0.035 + 0.05 * frand(&seed)));
			int bh = (int)(c->h * (0.08 + 0.26 * frand(&seed)));
			rect(c, x, hy - bh, x + bw, hy, col, 1);
			for (int wy = hy - bh + 8; wy < hy - 8; wy += 14)
				for (int wx = x + 6; wx < x + bw - 8; wx += 12)
					if (next_rand(&seed) % 3 == 0)
						rect(c, wx, wy, wx + 5, wy + 7, 0xffd98a, 0.75);
			x += bw + (int)(c->w * 0.006);
		}
		if (s->skyline == 2) {
			double cx = c->w * 0.62;
			rect(c, (int)(cx - c->w * 0.12), (int)(hy - c->h * 0.3), (int)(cx + c->w * 0.12), hy,
			     mix(col, 0xe8e2d6, 0.55), 1);
			for (int k = -4; k <= 4; k++)
				rect(c, (int)(cx + k * c->w * 0.024 - 4), (int)(hy - c->h * 0.27),
				     (int)(cx + k * c->w * 0.024 + 4), hy, mix(col, 0xffffff, 0.7), 1);
			disc(c, cx, hy - c->h * 0.3, c->w * 0.07, mix(col, 0xe8e2d6, 0.45), 1);
			rect(c, (int)(cx - c->w * 0.13), (int)(hy - c->h * 0.31), (int)(cx + c->w * 0.13),
			     (int)(hy - c->h * 0.29), mix(col, 0xffffff, 0.6), 1);
		}
	}
	/* The ground, or water with ripples catching the sky. */
	for (int y = hy; y < c->h; y++) {
		double t = (double)(y - hy) / (c->h - hy ? c->h - hy : 1);
		unsigned row = mix(mix(s->sky_bottom, s->ground, s->water ? 0.55 : 0.85), s->ground, t);
		for (int x = 0; x < c->w; x++)
			blend(c, x, y, row, 1);
	}
	if (s->water) {
		for (int i = 0; i < 900; i++) {
			int y = hy + (int)(pow(frand(&seed), 1.6) * (c->h - hy));
			int x = (int)(frand(&seed) * c->w);
			int len = 10 + (int)(60 * (double)(y - hy) / (c->h - hy + 1) * frand(&seed));
			unsigned col = s->sun && fabs(x - s->sun_x * c->w) < c->w * 0.08 ? s->sun
			                                                                 : s->sky_top;
			rect(c, x, y, x + len, y + 2, mix(col, 0xffffff, 0.3), 0.35);
		}
	}
	if (s->field) {
		/* Mown stripes and white lines in perspective. */
		for (int y = hy; y < c->h; y++)
			for (int x = 0; x < c->w; x++) {
				double u = (x - c->w / 2.0) / (1 + (y - hy) * 0.02);
				if (((int)floor(u / 40)) & 1)
					blend(c, x, y, 0xffffff, 0.06);
			}
		int mid = hy + (c->h - hy) / 3;
		rect(c, 0, mid, c->w, mid + 3, 0xffffff, 0.85);
		for (int y = hy + 4; y < c->h; y++) {
			double spread = (y - hy) * 3.2;
			blend(c, (int)(c->w / 2 - spread), y, 0xffffff, 0.9);
			blend(c, (int)(c->w / 2 + spread), y, 0xffffff, 0.9);
		}
		disc(c, c->w * 0.58, c->h * 0.82, c->h * 0.035, 0xf7f7f7, 1);
		disc(c, c->w * 0.585, c->h * 0.815, c->h * 0.012, 0x222222, 0.8);
	}
	if (s->boat) {
		int bx = (int)(c->w * 0.3), by = hy + (int)((c->h - hy) * 0.25);
		int bw = (int)(c->w * 0.32), bh = (int)(c->h * 0.06);
		for (int y = 0; y < bh; y++) /* the hull, narrowing to the keel */
			rect(c, bx + y, by + y, bx + bw - y * 2, by + y + 1, 0x20283a, 1);
		rect(c, bx + bw / 8, by - bh, bx + bw * 3 / 4, by, 0xf2efe8, 1);
		rect(c, bx + bw / 4, by - bh * 2, bx + bw / 2, by - bh, 0xf2efe8, 1);
		for (int k = 0; k < 8; k++)
			rect(c, bx + bw / 8 + 10 + k * (bw / 12), by - bh + 8, bx + bw / 8 + 20 + k * (bw / 12),
			     by - bh + 16, 0x3b5b7a, 1);
		rect(c, bx + bw / 3, by - bh * 3, bx + bw / 3 + 10, by - bh * 2, 0xa83232, 1);
		rect(c, bx, by + bh, bx + bw, by + bh + 4, 0xffffff, 0.25);
	}
	if (s->grass) {
		for (int i = 0; i < 700; i++) {
			double x = frand(&seed) * c->w;
			double hgt = c->h * (0.08 + 0.22 * frand(&seed));
			double lean = (frand(&seed) - 0.5) * 0.5;
			unsigned col = mix(0x3d5a1e, 0xb8a24a, frand(&seed));
			for (int y = 0; y < hgt; y++)
				blend(c, (int)(x + lean * y), c->h - 1 - y, col, 0.9);
		}
	}
	if (s->rain) {
		for (int i = 0; i < 2500; i++) {
			int x = (int)(frand(&seed) * c->w), y = (int)(frand(&seed) * c->h);
			for (int k = 0; k < 18; k++)
				blend(c, x + k / 3, y + k, 0xdfe6ee, 0.28);
		}
	}
	/* A soft vignette, as a lens gives. */
	for (int y = 0; y < c->h; y++)
		for (int x = 0; x < c->w; x++) {
			double dx = (x - c->w / 2.0) / c->w, dy = (y - c->h / 2.0) / c->h;
			blend(c, x, y, 0x000000, (dx * dx + dy * dy) * 0.5);
		}
}

int demo_photo_jpeg(const struct demo_scene *s, int w, int h, void **out, size_t *len)
{
	static int ready;
	if (!ready) {
		if (VIPS_INIT("byline"))
			return -1;
		ready = 1;
	}
	struct canvas c = {mem_calloc((size_t)w * h, 3), w, h};
	paint(&c, s);
	VipsImage *img = vips_image_new_from_memory(c.px, (size_t)w * h * 3, w, h, 3,
	                                            VIPS_FORMAT_UCHAR);
	int rc = -1;
	if (img) {
		rc = vips_jpegsave_buffer(img, out, len, "Q", 82, "strip", TRUE, "interlace", TRUE,
		                          NULL) == 0 ? 0 : -1;
		g_object_unref(img);
	}
	free(c.px);
	return rc;
}

void demo_photo_free(void *p)
{
	g_free(p);
}
