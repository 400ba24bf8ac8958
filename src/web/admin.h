/*
** admin.h: what the desk's pages (admin_*.c) share: the admin layout's
** context, the rules of who may edit what, and the notices shown after a
** POST redirects back.
*/
#ifndef BYLINE_WEB_ADMIN_H
#define BYLINE_WEB_ADMIN_H

#include "web/web.h"

struct article;
struct tv;

/* The admin layout's context: site, the signed-in user and their role's
** flags (is_author, is_editor, is_admin), the CSRF token, the navigation,
** the count of comments awaiting moderation, and a notice from ?done=. */
struct tv *admin_context(struct page *p, const char *title);

/* "December 7, 2026, 14:03": a time in the site's zone and date format,
** for people (revisions, autosaves).  Allocated in p->a. */
const char *admin_time(struct page *p, long long t);

/* Renders an admin template (never cached: admin pages are private). */
void admin_render(struct page *p, int status, const char *name, struct tv *ctx);

/* 303 to path with ?done=notice (a key of admin.c's notice table). */
void admin_done(struct page *p, const char *path, const char *notice);

/* May the signed-in user edit this article?  Editors: any.  Authors: their
** own.  Contributors: their own while it is a draft or pending review. */
int admin_can_edit(struct page *p, const struct article *art);

/* May they publish or schedule it? Editors any; authors their own. */
int admin_can_publish(struct page *p, const struct article *art);

/* The route's id hole number i, or 0. */
long long admin_param_id(struct page *p, int i);

#endif
