/*
** api_int.h: what api.c and api_write.c share (private to the API).
*/
#ifndef BYLINE_WEB_API_INT_H
#define BYLINE_WEB_API_INT_H

#include "core/buf.h"
#include "core/json.h"
#include "model/status.h"

struct page;
struct account;
struct article;
struct comment;
struct media;
struct page_row;

/* One API request being answered. */
struct api {
	struct page *p;         /* the request */
	struct account *user;   /* who the Basic credentials name, or NULL */
	int edit;               /* context=edit (the user may: checked per object) */
	int embed;              /* _embed was asked */
	const char *fields;     /* _fields, or NULL for all */
	const char *base;       /* site_base() */
	struct buf b;           /* the JSON being written */
	struct json_w w;        /* writing into b */
};

/* Sends x->b with status as JSON (CORS, ETag and 304 for anonymous GETs). */
void api_send(struct api *x, int status);
/* Access-Control-Allow-Origin: * and the headers a client may read. */
void api_cors(struct page *p);
/* WordPress's error shape, as the whole answer. */
void api_error(struct api *x, int status, const char *code, const char *message);
void api_invalid_param(struct api *x, const char *name, const char *why);
/* A query parameter, or NULL ("\x01" when it holds a NUL: never valid). */
const char *api_param(struct api *x, const char *name);
int api_int_param(struct api *x, const char *name, long long lo, long long hi, long long def,
                  long long *out);
int api_want(struct api *x, const char *field);
/* WordPress's name of a status: "publish", "future", "draft", ... */
const char *api_status_name(enum article_status s);
/* Objects, written as the next value of x->w. */
void api_write_post(struct api *x, struct article *art);
void api_write_comment(struct api *x, const struct comment *c);
void api_write_media(struct api *x, const struct media *m);
void api_write_page(struct api *x, const struct page_row *pg);
int api_can_edit_post(const struct account *u, const struct article *art);

/* A write: method (POST, PUT, PATCH, DELETE) on route (after /wp/v2/). */
void api_write(struct api *x, const char *method, const char *route);

#endif
