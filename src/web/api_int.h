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

/* The site's settings as WordPress's /wp/v2/settings names them: its
** field, our key (model/settings.c's table) and how the value is shown. */
enum api_setting_type {
	API_SETTING_STRING,  /* as stored */
	API_SETTING_INTEGER, /* a number */
	API_SETTING_URL,     /* base_url; "" reads as the site's address */
	API_SETTING_LOCALE,  /* "en-US" read as WordPress's "en_US" */
	API_SETTING_OPEN,    /* "1"/"0" read as "open"/"closed" */
};
struct api_setting {
	const char *wp;              /* WordPress's field: "title" */
	const char *key;             /* ours: "site_title" */
	enum api_setting_type type;  /* how it is read and written */
};
extern const struct api_setting api_settings[];
extern const size_t api_n_settings;
/* The settings object (read from the database, so just-saved values show). */
void api_write_settings(struct api *x);
/* 1 for an administrator; else 0 with WordPress's rest_forbidden answered. */
int api_settings_allowed(struct api *x);

/* A write: method (POST, PUT, PATCH, DELETE) on route (after /wp/v2/). */
void api_write(struct api *x, const char *method, const char *route);

#endif
