/*
** cmd_comments.c: moderation from the command line, and settings.
**
**   byline comments --db F list [--status S]   one comment a line, id first
**   byline comments --db F approve|unapprove|spam|trash ID
**   byline settings --db F list | get KEY | set KEY VALUE
*/
#include "cli/cmd.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"
#include "model/comment.h"
#include "model/schema.h"
#include "model/settings.h"

#include <stdio.h>
#include <string.h>

/* Prints s on one line: newlines and tabs as spaces, cut at max bytes
** (at a character boundary) with "...". */
static void print_oneline(const char *s, size_t max)
{
	size_t n = 0;
	for (; s[n] && n < max; n++)
		putchar(s[n] == '\n' || s[n] == '\r' || s[n] == '\t' ? ' ' : s[n]);
	if (s[n]) {
		while ((s[n] & 0xC0) == 0x80)
			putchar(s[n++]);
		fputs("...", stdout);
	}
}

static int list(struct db *db, const char *status_name)
{
	enum comment_status status = comment_status_parse(status_name);
	if (status_name && !status) {
		fprintf(stderr, "byline comments: --status must be pending, approved, spam or trash\n");
		return 2;
	}
	struct arena *a = arena_new();
	size_t n;
	struct comment *c = comment_list(db, a, status, 0, 100000, 0, &n);
	for (size_t i = 0; i < n; i++) {
		printf("%lld\t%s\t%s\t%s <%s>\t%s\t", c[i].id, comment_status_name(c[i].status),
		       text_date_iso(a, (time_t)c[i].created_at), c[i].author_name,
		       c[i].author_email, c[i].article_slug);
		print_oneline(c[i].body, 80);
		putchar('\n');
	}
	arena_free(a);
	return 0;
}

int cmd_comments(const char *path, int argc, char **argv)
{
	const char *pos[3];
	int n = cli_positional(argc, argv, pos, 3);
	if (n < 1) {
		fprintf(stderr, "usage: byline comments --db FILE list|approve|unapprove|spam|trash\n");
		return 2;
	}
	char err[512];
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline comments: %s\n", err);
		return 1;
	}
	int rc = 2;
	const char *action = pos[0];
	if (!strcmp(action, "list") && n == 1) {
		rc = list(db, cli_option(argc, argv, "--status"));
	} else if (n == 2) {
		enum comment_status status = !strcmp(action, "approve") ? COMMENT_APPROVED
		                           : !strcmp(action, "unapprove") ? COMMENT_PENDING
		                           : !strcmp(action, "spam") ? COMMENT_SPAM
		                           : !strcmp(action, "trash") ? COMMENT_TRASH
		                                                      : COMMENT_STATUS_NONE;
		long long id;
		if (!status) {
			fprintf(stderr, "byline comments: unknown action '%s'\n", action);
		} else if (text_int(pos[1], 1, (long long)1 << 53, &id) != 0) {
			fprintf(stderr, "byline comments: '%s' is not a comment id\n", pos[1]);
		} else {
			int r = comment_moderate(db, id, status);
			if (r == 0) {
				printf("comment %lld: %s\n", id, comment_status_name(status));
				rc = 0;
			} else {
				fprintf(stderr, "byline comments: %s\n",
				        r == 1 ? "no comment has that id" : db_errmsg(db));
				rc = 1;
			}
		}
	} else {
		fprintf(stderr, "usage: byline comments --db FILE list|approve|unapprove|spam|trash [ID]\n");
	}
	db_close(db);
	return rc;
}

int cmd_settings(const char *path, int argc, char **argv)
{
	const char *pos[3];
	int n = cli_positional(argc, argv, pos, 3);
	char err[512];
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline settings: %s\n", err);
		return 1;
	}
	int rc = 2;
	struct arena *a = arena_new();
	if (n == 2 && !strcmp(pos[0], "get") && strcmp(pos[1], "secret") != 0) {
		char *v = settings_get(db, a, pos[1]);
		if (v) {
			printf("%s\n", v);
			rc = 0;
		} else {
			fprintf(stderr, "byline settings: no setting '%s'\n", pos[1]);
			rc = 1;
		}
	} else if (n == 3 && !strcmp(pos[0], "set")) {
		rc = settings_set(db, pos[1], pos[2], err, sizeof err) == 0 ? 0 : 1;
		if (rc)
			fprintf(stderr, "byline settings: %s\n", err);
	} else if (n == 1 && !strcmp(pos[0], "list")) {
		for (size_t i = 0; i < settings_n_defs; i++) {
			char *v = settings_get(db, a, settings_defs[i].key);
			printf("%s\t%s\n", settings_defs[i].key, v ? v : "");
		}
		rc = 0;
	} else {
		fprintf(stderr, "usage: byline settings --db FILE list | get KEY | set KEY VALUE\n");
	}
	arena_free(a);
	db_close(db);
	return rc;
}
