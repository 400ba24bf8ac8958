/*
** api.h: the WordPress REST API, a compatible subset (api.c, api_write.c).
**
** Every address under /wp-json/ (and WordPress's /?rest_route=/... form,
** rewritten by api_rest_route()) is answered by api_serve(), which keeps a
** route table of its own as WordPress does (namespace, route, methods) so
** that an unknown route gets WordPress's rest_no_route error in JSON, not
** the site's HTML 404.
**
** Who is asking: the API reads only HTTP Basic credentials carrying an
** application password (model/apppass.h), never the session cookie, so a
** cookie can never make a cross-site request write (no X-WP-Nonce is
** needed, none is accepted) and anonymous reads are the same bytes for
** everyone (served from the page cache with Access-Control-Allow-Origin:
** *, no Vary on Origin).
*/
#ifndef BYLINE_WEB_API_H
#define BYLINE_WEB_API_H

#include <stddef.h>

struct page;
struct app;
struct http_req;
struct json_w;

/* The handler of every /wp-json/ route (route.c's table). */
void api_serve(struct page *p);

/* The request body a /wp-json/ request may send, decided from its head
** alone (method, path and Authorization) before any of it is read: a media
** upload by an author or above, the upload setting's limit; a write with
** valid credentials, API_BODY_JSON; anyone else, API_BODY_ANON (a comment). */
size_t api_body_limit(struct app *app, struct http_req *req);
#define API_BODY_JSON (2u << 20)
#define API_BODY_ANON (64u << 10)

/* WordPress's /?rest_route=/wp/v2/posts&...: rewrites req's path to
** /wp-json/wp/v2/posts and drops rest_route from its query.  1 if it did.
** Under /wp-json/ (either way) PHP's array forms name[]=1&name[]=2 (and
** name[0]=...) are rewritten to name=1,2, the form the API reads. */
int api_rest_route(struct http_req *req);

/* The query parameters API reads, for the page cache's key (route.c). */
#define API_QUERY_NAMES \
	"page", "per_page", "search", "categories", "tags", "author", "after", "before", \
	"orderby", "order", "slug", "_embed", "_fields", "context", "post", "offset", \
	"include", "parent", "status", "hide_empty", "exclude", "categories_exclude", \
	"tags_exclude", "sticky", "type", "subtype"

#endif
