/*
** test_autosave.c: unit tests for src/model/autosave.c: one autosave per
** writer and article, replaced; one per writer for an article not saved
** yet (article_id NULL), apart from the saved articles'; writers apart;
** deleted with its article (ON DELETE CASCADE) and by autosave_delete().
** A static page's autosaves (migration 31) are apart from articles': the
** unsaved page's from the unsaved article's, page N's from article N's;
** deleted with the page and by autosave_page_delete().
*/
#include "core/arena.h"
#include "db/db.h"
#include "model/account.h"
#include "model/article.h"
#include "model/autosave.h"
#include "model/page.h"
#include "model/schema.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	const char *dir = getenv("TMPDIR");
	char path[256], p2[300];
	snprintf(path, sizeof path, "%s/byline-test-autosave-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return 2;
	close(fd);
	char err[300] = "";
	struct db *db = model_open(path, err, sizeof err);
	CHECK(db != NULL);
	if (!db)
		return test_done();
	struct arena *a = arena_new();
	long long u1 = account_create(db, a, "one@example.com", "One Writer", ROLE_AUTHOR, err,
	                              sizeof err);
	long long u2 = account_create(db, a, "two@example.com", "Two Writer", ROLE_EDITOR, err,
	                              sizeof err);
	CHECK(u1 > 0 && u2 > 0);
	struct article_input in = {.headline = "Saved", .dek = "", .body_src = "Saved body.",
	                           .author_id = u1, .featured_alt = "", .role = ROLE_AUTHOR};
	long long art = article_save(db, a, 0, &in, u1, err, sizeof err);
	CHECK(art > 0);

	struct autosave got;
	CHECK(autosave_get(db, a, art, u1, &got) == 1);
	struct autosave s = {.article_id = art, .user_id = u1, .headline = "H1", .dek = "D",
	                     .body_src = "First.", .tags = "a, b"};
	CHECK(autosave_put(db, &s, 1000) == 0);
	s.body_src = "Second.";
	CHECK(autosave_put(db, &s, 1005) == 0);
	CHECK(autosave_get(db, a, art, u1, &got) == 0);
	CHECK_STR(got.body_src, "Second.");
	CHECK_STR(got.tags, "a, b");
	CHECK(got.saved_at == 1005);

	/* The unsaved article's autosave is apart from the saved one's. */
	struct autosave fresh = {.article_id = 0, .user_id = u1, .headline = "New", .dek = "",
	                         .body_src = "Unsaved.", .tags = ""};
	CHECK(autosave_put(db, &fresh, 1010) == 0);
	fresh.body_src = "Unsaved, again.";
	CHECK(autosave_put(db, &fresh, 1011) == 0);
	CHECK(autosave_get(db, a, 0, u1, &got) == 0);
	CHECK_STR(got.body_src, "Unsaved, again.");
	CHECK(autosave_get(db, a, art, u1, &got) == 0);
	CHECK_STR(got.body_src, "Second.");

	/* Writers apart. */
	CHECK(autosave_get(db, a, art, u2, &got) == 1);
	CHECK(autosave_get(db, a, 0, u2, &got) == 1);
	struct autosave other = {.article_id = art, .user_id = u2, .headline = "H2", .dek = "",
	                         .body_src = "Editor's.", .tags = ""};
	CHECK(autosave_put(db, &other, 1020) == 0);
	CHECK(autosave_get(db, a, art, u1, &got) == 0);
	CHECK_STR(got.body_src, "Second.");

	/* Deleting one leaves the others. */
	CHECK(autosave_delete(db, 0, u1) == 0);
	CHECK(autosave_get(db, a, 0, u1, &got) == 1);
	CHECK(autosave_get(db, a, art, u1, &got) == 0);
	CHECK(autosave_delete(db, art, u1) == 0);
	CHECK(autosave_get(db, a, art, u1, &got) == 1);
	CHECK(autosave_get(db, a, art, u2, &got) == 0);

	/* A page's autosaves: apart from articles', even with the same id. */
	struct page_input pin = {.title = "Contact", .body_src = "Write.",
	                         .status = PAGE_PUBLISHED, .role = ROLE_EDITOR};
	long long pg = page_save(db, a, 0, &pin, u2, err, sizeof err);
	CHECK(pg > 0);
	CHECK(autosave_page_get(db, a, pg, u2, &got) == 1);
	CHECK(autosave_page_get(db, a, 0, u1, &got) == 1); /* the unsaved article's is not a page's */
	struct autosave ps = {.page_id = pg, .is_page = 1, .user_id = u2, .headline = "Contact us",
	                      .dek = "", .body_src = "Write to us.", .tags = ""};
	CHECK(autosave_put(db, &ps, 1030) == 0);
	ps.body_src = "Write to us soon.";
	CHECK(autosave_put(db, &ps, 1031) == 0);
	CHECK(autosave_page_get(db, a, pg, u2, &got) == 0 && got.is_page && got.page_id == pg);
	CHECK_STR(got.body_src, "Write to us soon.");
	CHECK_STR(got.headline, "Contact us");
	struct autosave newpage = {.is_page = 1, .user_id = u1, .headline = "Draft page",
	                           .dek = "", .body_src = "Unsaved page.", .tags = ""};
	CHECK(autosave_put(db, &newpage, 1040) == 0);
	CHECK(autosave_page_get(db, a, 0, u1, &got) == 0);
	CHECK_STR(got.body_src, "Unsaved page.");
	CHECK(autosave_get(db, a, 0, u1, &got) == 1); /* not the unsaved article's */
	if (pg == art) /* the same number: still apart */
		CHECK(autosave_get(db, a, art, u2, &got) == 0 && !strcmp(got.body_src, "Editor's."));
	CHECK(autosave_page_delete(db, 0, u1) == 0);
	CHECK(autosave_page_get(db, a, 0, u1, &got) == 1);
	CHECK(autosave_page_get(db, a, pg, u2, &got) == 0);
	CHECK(db_exec(db, "DELETE FROM page_revisions") == DB_OK);
	CHECK(db_exec(db, "DELETE FROM pages") == DB_OK);
	CHECK(autosave_page_get(db, a, pg, u2, &got) == 1);

	/* An article's autosaves go with it. */
	CHECK(db_exec(db, "DELETE FROM revisions") == DB_OK);
	CHECK(db_exec(db, "DELETE FROM articles") == DB_OK);
	CHECK(autosave_get(db, a, art, u2, &got) == 1);

	arena_free(a);
	db_close(db);
	unlink(path);
	snprintf(p2, sizeof p2, "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof p2, "%s-shm", path);
	unlink(p2);
	return test_done();
}
