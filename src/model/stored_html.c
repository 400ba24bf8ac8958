/*
** stored_html.c: rendering stored HTML again after the sanitiser changed
** (see stored_html.h).
*/
#include "model/stored_html.h"
#include "model/account.h"
#include "core/buf.h"
#include "core/mem.h"
#include "db/db.h"
#include "render/markdown.h"

#include <stdlib.h>
#include <string.h>

int stored_html_refresh(struct db *db, const struct stored_html_sql *q)
{
	int done = 0;
	for (;;) {
		struct db_stmt *st = db_prepare(db, q->stale);
		db_bind_int(st, 1, MARKDOWN_VERSION);
		long long ids[STORED_HTML_BATCH];
		char *srcs[STORED_HTML_BATCH];
		enum md_trust trust[STORED_HTML_BATCH];
		int n = 0;
		while (n < STORED_HTML_BATCH && db_step(st) == DB_ROW) {
			ids[n] = db_col_int(st, 0);
			srcs[n] = mem_strdup(db_col_text(st, 1));
			trust[n] = q->has_role ? role_trust(role_parse(db_col_text(st, 2))) : MD_UNTRUSTED;
			n++;
		}
		db_done(st);
		if (n == 0)
			return done;
		int ok = db_begin(db) == DB_OK, began = ok;
		for (int i = 0; i < n; i++) {
			struct buf html = BUF_INIT;
			if (ok && markdown_render(&html, srcs[i], strlen(srcs[i]), trust[i]) != 0)
				buf_reset(&html);
			if (ok) {
				st = db_prepare(db, q->rerender);
				db_bind_int(st, 1, ids[i]);
				db_bind_textn(st, 2, html.data ? html.data : "", html.len);
				db_bind_int(st, 3, MARKDOWN_VERSION);
				ok = db_step(st) == DB_OK;
				db_done(st);
			}
			buf_free(&html);
			free(srcs[i]);
		}
		if (!ok || db_commit(db) != DB_OK) {
			if (began)
				db_rollback(db);
			return -1;
		}
		done += n;
	}
}
