/*
** identity.h: what the site-identity settings point at: the icons made
** from the site_icon upload (table site_icons, migration 19), and the size
** of an uploaded image named in a setting (the logo's width and height, so
** the masthead does not shift as it loads).
*/
#ifndef BYLINE_MODEL_IDENTITY_H
#define BYLINE_MODEL_IDENTITY_H

#include <stddef.h>

struct db;
struct arena;

/* The sizes of icon made from one upload; 0 stands for favicon.ico. */
#define IDENTITY_ICON_SIZES {32, 180, 192, 512}
#define IDENTITY_N_ICONS 4

/* Replaces every stored icon with these: sizes[i] (0: the ICO) of type
** types[i] is data[i][0..lens[i]); n of them; n == 0 deletes them all.
** One transaction.  0 or -1. */
int identity_icons_save(struct db *db, size_t n, const int *sizes, const char *const *types,
                        const unsigned char *const *data, const size_t *lens);

/* The stored icon of size (0: the ICO): its bytes (allocated in a), *len,
** *type; NULL if none. */
const unsigned char *identity_icon(struct db *db, struct arena *a, int size, size_t *len,
                                   const char **type);

/* The width and height of the uploaded image "HASH.EXT" (a media name).
** 0, or 1 if there is no such image. */
int identity_image_size(struct db *db, const char *name, int *width, int *height);

#endif
