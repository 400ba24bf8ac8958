/*
** media_worker.h: makes images' variants in the background.
**
** An upload answers as soon as its normalized file is stored; this thread
** then makes its smaller copies and social image (media_make_variants()),
** one image at a time, looking for new ones every quarter second.  Images
** stored while the server was down (or by `byline import-wordpress`, or
** before variants existed) are picked up at start.
**
** Before variants, it normalizes the images an older version stored as
** they came (media_normalize(): metadata stripped, upright, sRGB, the row
** moved to the new file as a replacement moves it), newest first, one at a
** time, at start and whenever one is found (media.normalized = 0).
*/
#ifndef BYLINE_WEB_MEDIA_WORKER_H
#define BYLINE_WEB_MEDIA_WORKER_H

struct db_pool;
struct media_worker;

/* Starts the thread; data_dir is borrowed and must outlive it. */
struct media_worker *media_worker_start(struct db_pool *pool, const char *data_dir);

/* Stops it after the image in hand (NULL is allowed). */
void media_worker_stop(struct media_worker *w);

#endif
