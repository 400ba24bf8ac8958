/*
** stored_html.h: HTML kept beside its Markdown source, and the version of
** the renderer that made it.
**
** Article bodies, page bodies and comments store their rendered HTML (a
** page is served without rendering) and the MARKDOWN_VERSION that made it
** (body_html_version).  When the sanitiser changes, the version goes up and
** stored_html_refresh() renders every stored body of another version again
** from its source, at start, before any page is served (schema_migrate()).
** This is the one loop that does it; each table gives its two statements.
*/
#ifndef BYLINE_MODEL_STORED_HTML_H
#define BYLINE_MODEL_STORED_HTML_H

struct db;

struct stored_html_sql {
	const char *stale;    /* "SELECT id, source[, role] ... WHERE the version is
	                      ** not ?1 LIMIT n" with n at most STORED_HTML_BATCH */
	const char *rerender; /* "UPDATE ... SET html = ?2, version = ?3 WHERE id = ?1" */
	int has_role;         /* 1: the third column is the writer's role, whose
	                      ** trust renders it (role_trust); 0: readers' text,
	                      ** rendered untrusted */
};

#define STORED_HTML_BATCH 256 /* rows read, then written in one transaction */

/* Renders again every row q->stale finds, a batch per transaction, until it
** finds none.  A source that cannot be rendered is stored as "" (never the
** old version's HTML).  Returns how many rows, or -1 on a database error. */
int stored_html_refresh(struct db *db, const struct stored_html_sql *q);

#endif
