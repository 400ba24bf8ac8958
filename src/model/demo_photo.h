/*
** demo_photo.h: the demo site's photos, drawn by our own code.
**
** Every demo article has a featured image, and none is downloaded or taken
** from anywhere: each is a small scene (sky, sun or moon, hills, water, a
** skyline, a boat, rain, a playing field...) painted pixel by pixel from a
** few numbers, then encoded as JPEG by libvips.  Credit "Illustration:
** Byline demo".
*/
#ifndef BYLINE_MODEL_DEMO_PHOTO_H
#define BYLINE_MODEL_DEMO_PHOTO_H

#include <stddef.h>

/* What a scene shows. */
struct demo_scene {
	unsigned sky_top, sky_bottom; /* 0xRRGGBB at the top and at the horizon */
	unsigned ground;              /* land or water below the horizon */
	unsigned sun;                 /* sun or moon colour; 0 none */
	double sun_x, sun_y;          /* its place, 0..1 of width and height */
	double horizon;               /* 0..1 of the height */
	int water;                    /* 1: the ground is water, with ripples */
	int hills;                    /* 1: distant hills on the horizon */
	int skyline;                  /* 1: buildings; 2: buildings with a dome */
	int boat;                     /* 1: a ferry on the water */
	int rain;                     /* 1: rain streaks and cloud */
	int field;                    /* 1: a playing field's lines */
	int grass;                    /* 1: reeds in the foreground */
	unsigned seed;                /* varies the details */
};

/* Paints the scene at w x h and encodes it as JPEG into *out (*len bytes,
** free with demo_photo_free()).  0, or -1 if libvips could not. */
int demo_photo_jpeg(const struct demo_scene *s, int w, int h, void **out, size_t *len);
void demo_photo_free(void *p);

#endif
