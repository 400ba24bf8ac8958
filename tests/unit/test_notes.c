/*
** test_notes.c: unit tests for src/model/note.c and src/model/byline.c
** (migration 22), on a fresh database.
**
** Notes: only on published articles, with a kind and a text within the
** limit; adding one sets the article's modified_at and writes the change
** log; corrections newest first, updates left out, unpublished articles'
** notes hidden; deleting only from the note's own article.  Material
** changes: a new body while published sets modified_at, a draft's edits
** and a tag change do not.  Bylines: the owner first from creation (the
** trigger), co-authors in order without the owner or repeats, an owner
** change moves the new owner first, an author's listing finds the
** articles they co-wrote.
*/
#include "core/arena.h"
#include "db/db.h"
#include "model/article.h"
#include "model/author.h"
#include "model/byline.h"
#include "model/changes.h"
#include "model/note.h"
#include "model/schema.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char path[256];

static struct db *fresh(void)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/byline-test-notes-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		exit(2);
	}
	close(fd);
	char err[300] = "";
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "model_open: %s\n", err);
		exit(2);
	}
	return db;
}

static void gone(void)
{
	char p[300];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static long long one(struct db *db, const char *sql, long long id)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, id);
	long long v = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return v;
}

static long long make(struct db *db, struct arena *a, const char *headline, long long author,
                      enum article_status status)
{
	char err[200] = "";
	struct article_input in = {.headline = headline, .body_src = "Body.", .author_id = author,
	                           .status = status};
	long long id = article_save(db, a, 0, &in, author, err, sizeof err);
	if (id < 0)
		fprintf(stderr, "article_save: %s\n", err);
	return id;
}

static void test_notes(struct db *db, struct arena *a, long long jo)
{
	char err[200];
	long long pub = make(db, a, "Published one", jo, ARTICLE_PUBLISHED);
	long long draft = make(db, a, "A draft", jo, ARTICLE_DRAFT);
	CHECK(pub > 0 && draft > 0);
	CHECK(article_modified_at(db, pub) == 0);

	err[0] = 0;
	CHECK(note_add(db, draft, NOTE_CORRECTION, "Wrong.", jo, 100, err, sizeof err) == -1);
	CHECK(strstr(err, "published") != NULL);
	CHECK(note_add(db, pub, NOTE_NONE, "Wrong.", jo, 100, err, sizeof err) == -1);
	CHECK(note_add(db, pub, NOTE_CORRECTION, " \n\t", jo, 100, err, sizeof err) == -1);
	CHECK(note_add(db, pub, NOTE_CORRECTION, NULL, jo, 100, err, sizeof err) == -1);
	char big[NOTE_MAX_CHARS + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	CHECK(note_add(db, pub, NOTE_CORRECTION, big, jo, 100, err, sizeof err) == -1);
	big[NOTE_MAX_CHARS] = 0;
	long long before = changes_latest(db);
	long long t = (long long)time(NULL) + 50;
	long long c1 = note_add(db, pub, NOTE_CORRECTION, big, jo, t, err, sizeof err);
	CHECK(c1 > 0);
	CHECK(changes_latest(db) > before);
	CHECK(article_modified_at(db, pub) == t);
	long long u1 = note_add(db, pub, NOTE_UPDATE, "News since.", 0, t + 1, err, sizeof err);
	long long c2 = note_add(db, pub, NOTE_CORRECTION, "Second.", jo, t + 2, err, sizeof err);
	CHECK(u1 > 0 && c2 > 0);
	CHECK(article_modified_at(db, pub) == t + 2);

	size_t n;
	struct note *list = note_list(db, a, pub, &n);
	CHECK(n == 3 && list[0].id == c1 && list[1].id == u1 && list[2].id == c2);
	CHECK(n == 3 && list[1].kind == NOTE_UPDATE && list[1].user_id == 0);
	list = note_corrections(db, a, 0, 10, &n);
	CHECK(n == 2 && list[0].id == c2 && list[1].id == c1);
	CHECK(n == 2 && !strcmp(list[0].headline, "Published one") && list[0].published_at > 0);
	CHECK(note_count_corrections(db) == 2);
	CHECK(note_last_correction(db) == t + 2);
	list = note_corrections(db, a, 1, 10, &n);
	CHECK(n == 1 && list[0].id == c1);

	/* Another article's id does not delete it. */
	CHECK(note_delete(db, draft, c2) == 1);
	CHECK(note_delete(db, pub, c2) == 0);
	CHECK(note_delete(db, pub, c2) == 1);
	CHECK(note_count_corrections(db) == 1);

	/* Unpublished, its corrections leave the public list. */
	struct db_stmt *st = db_prepare(db, "UPDATE articles SET status = 'draft' WHERE id = ?1");
	db_bind_int(st, 1, pub);
	CHECK(db_step(st) == DB_OK);
	db_done(st);
	CHECK(note_count_corrections(db) == 0 && note_last_correction(db) == 0);

	CHECK(note_kind_parse("correction") == NOTE_CORRECTION);
	CHECK(note_kind_parse("update") == NOTE_UPDATE);
	CHECK(note_kind_parse("Update") == NOTE_NONE && note_kind_parse(NULL) == NOTE_NONE);
	CHECK_STR(note_kind_name(NOTE_UPDATE), "update");
}

static void test_material(struct db *db, struct arena *a, long long jo)
{
	char err[200] = "";
	long long id = make(db, a, "Material", jo, ARTICLE_DRAFT);
	struct article_input in = {.headline = "Material, edited", .body_src = "Body.",
	                           .author_id = jo, .status = ARTICLE_DRAFT};
	CHECK(article_save(db, a, id, &in, jo, err, sizeof err) == id);
	CHECK(article_modified_at(db, id) == 0); /* a draft's edits are not news */
	in.status = ARTICLE_PUBLISHED;
	CHECK(article_save(db, a, id, &in, jo, err, sizeof err) == id);
	CHECK(article_modified_at(db, id) == 0); /* publishing is not a change */
	const char *const tags[] = {"Harbour"};
	in.tags = tags;
	in.n_tags = 1;
	CHECK(article_save(db, a, id, &in, jo, err, sizeof err) == id);
	CHECK(article_modified_at(db, id) == 0); /* tags are not material */
	in.body_src = "A new body.";
	CHECK(article_save(db, a, id, &in, jo, err, sizeof err) == id);
	CHECK(article_modified_at(db, id) > 0);
}

static void test_bylines(struct db *db, struct arena *a, long long jo)
{
	char err[200] = "";
	long long kim = author_create(db, "Kim", "kim", "", "", "author", "kim@example.com");
	long long lee = author_create(db, "Lee", "lee", "", "", "author", "lee@example.com");
	CHECK(kim > 0 && lee > 0);
	long long id = make(db, a, "Shared", jo, ARTICLE_PUBLISHED);
	size_t n;
	struct byline_author *by = byline_list(db, a, id, &n);
	CHECK(n == 1 && by[0].user_id == jo);

	long long ids[] = {kim, jo, kim, lee};
	CHECK(byline_set(db, id, ids, 4, err, sizeof err) == 0);
	by = byline_list(db, a, id, &n);
	CHECK(n == 3 && by[0].user_id == jo && by[1].user_id == kim && by[2].user_id == lee);
	CHECK(n == 3 && !strcmp(by[1].name, "Kim") && !strcmp(by[1].slug, "kim"));

	long long bad[] = {999999};
	CHECK(byline_set(db, id, bad, 1, err, sizeof err) == -1 && strstr(err, "account"));
	by = byline_list(db, a, id, &n);
	CHECK(n == 3); /* a refused set changes nothing */
	long long many[BYLINE_MAX_AUTHORS + 1];
	for (int i = 0; i < BYLINE_MAX_AUTHORS + 1; i++) {
		char name[32];
		snprintf(name, sizeof name, "many-%d", i);
		many[i] = author_create(db, name, name, "", "", "author", NULL);
		CHECK(many[i] > 0);
	}
	CHECK(byline_set(db, id, many, BYLINE_MAX_AUTHORS + 1, err, sizeof err) == -1);
	by = byline_list(db, a, id, &n);
	CHECK(n == 3);
	CHECK(byline_set(db, 999999, ids, 1, err, sizeof err) == -1);

	/* The author listing finds the co-written article. */
	CHECK(article_count_by_author(db, lee) == 1);
	struct article *list = article_by_author(db, a, lee, 0, 10, &n);
	CHECK(n == 1 && list[0].id == id && list[0].author_id == jo);

	/* A new owner comes first; the old one leaves position 0. */
	struct db_stmt *st = db_prepare(db, "UPDATE articles SET author_id = ?2 WHERE id = ?1");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, lee);
	CHECK(db_step(st) == DB_OK);
	db_done(st);
	by = byline_list(db, a, id, &n);
	CHECK(n == 2 && by[0].user_id == lee && by[1].user_id == kim);
	CHECK(one(db, "SELECT count(*) FROM article_authors WHERE article_id = ?1", id) == 2);

	/* Clearing leaves the owner. */
	CHECK(byline_set(db, id, NULL, 0, err, sizeof err) == 0);
	by = byline_list(db, a, id, &n);
	CHECK(n == 1 && by[0].user_id == lee);
	CHECK(article_count_by_author(db, kim) == 0);
}

int main(void)
{
	struct arena *a = arena_new();
	struct db *db = fresh();
	long long jo = author_create(db, "Jo", "jo", "", "", "editor", "jo@example.com");
	CHECK(jo > 0);
	test_notes(db, a, jo);
	test_material(db, a, jo);
	test_bylines(db, a, jo);
	db_close(db);
	gone();
	arena_free(a);
	return test_done();
}
