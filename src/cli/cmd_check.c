/*
** cmd_check.c: the copy desk from the command line.
**
**   byline check --db F --article ID [--json]
**   byline check --db F --all [--json] [--store]
**
** Runs the checks the desk runs on save (model/copydesk_site.h) and prints
** one finding a line: article id, field, byte offset, kind, the words and
** a message, separated by tabs (tabs and line ends inside the words are
** printed as spaces); with --json, one JSON array of objects with the same
** names (article, field, offset, length, kind, words, message).  With
** --store the findings are also stored as a save stores them, so the
** desk's articles list marks articles never saved since the copy desk came
** (an imported site); without it nothing is written.
** Exit status: 1 when there are findings, 0 when none, 2 when misused.
*/
#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "db/db.h"
#include "model/article.h"
#include "model/copydesk_site.h"
#include "model/schema.h"
#include "model/settings.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: byline check --db FILE (--article ID | --all) [--json] [--store]\n"
    "  Checks articles as the copy desk does (spelling, repeats, quotes, dates,\n"
    "  headline, standfirst, photos, links); one finding a line.  Exits 1 when\n"
    "  there are findings, 0 when none.  --store keeps them for the desk's list.\n";

static void put_oneline(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_putc(b, *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
}

int cmd_check(const char *path, int argc, char **argv)
{
	const char *id_text = cli_option(argc, argv, "--article");
	int all = cli_flag(argc, argv, "--all"), json = cli_flag(argc, argv, "--json");
	int store = cli_flag(argc, argv, "--store");
	for (int i = 2; i < argc; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "--db") || !strcmp(o, "--article")) {
			i++;
			continue;
		}
		if (strcmp(o, "--all") && strcmp(o, "--json") && strcmp(o, "--store")) {
			fprintf(stderr, "byline check: unknown argument '%s'\n%s", o, usage);
			return 2;
		}
	}
	if (cli_flag(argc, argv, "--article") && !id_text) {
		fprintf(stderr, "byline check: --article needs an article id\n%s", usage);
		return 2;
	}
	if (!id_text == !all) {
		fprintf(stderr, "byline check: give either --article ID or --all\n%s", usage);
		return 2;
	}
	long long id = 0;
	if (id_text && text_int(id_text, 1, (long long)1 << 53, &id) != 0) {
		fprintf(stderr, "byline check: --article takes an article id (a whole number), "
		                "not '%s'\n", id_text);
		return 2;
	}
	char err[512];
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline check: %s\n", err);
		return 2;
	}
	struct settings s;
	if (settings_load(db, &s) != 0) {
		fprintf(stderr, "byline check: cannot read the settings: %s\n", db_errmsg(db));
		db_close(db);
		return 2;
	}
	struct arena *a = arena_new();
	size_t n_ids = 1;
	long long *ids = &id;
	if (all)
		ids = copydesk_article_ids(db, a, &n_ids);
	struct copydesk_site *cs = copydesk_site_load(db, a, &s);
	if (!copydesk_site_has_speller(cs))
		fprintf(stderr, "byline check: no hunspell dictionary for %s: spelling not "
		                "checked\n", s.language);
	long long now = (long long)time(NULL);
	size_t total = 0;
	int rc = 0;
	struct buf out = BUF_INIT;
	if (json)
		buf_puts(&out, "[");
	for (size_t i = 0; i < n_ids; i++) {
		struct arena *one = arena_new();
		struct article art;
		if (article_by_id(db, one, ids[i], &art) != 0) {
			fprintf(stderr, "byline check: there is no article %lld\n", ids[i]);
			arena_free(one);
			rc = 2;
			break;
		}
		size_t n;
		struct finding *f = copydesk_site_check(cs, one, &art, now, &n);
		if (store && copydesk_store(db, art.id, f, n, now) != 0) {
			fprintf(stderr, "byline check: cannot store the findings of article %lld: %s\n",
			        art.id, db_errmsg(db));
			arena_free(one);
			rc = 2;
			break;
		}
		for (size_t k = 0; k < n; k++, total++) {
			if (json) {
				buf_printf(&out, "%s\n {\"article\": %lld, \"field\": \"", total ? "," : "",
				           art.id);
				esc_json_s(&out, f[k].field);
				buf_printf(&out, "\", \"offset\": %zu, \"length\": %zu, \"kind\": \"",
				           f[k].offset, f[k].length);
				esc_json_s(&out, f[k].kind);
				buf_puts(&out, "\", \"words\": \"");
				esc_json_s(&out, f[k].words);
				buf_puts(&out, "\", \"message\": \"");
				esc_json_s(&out, f[k].message);
				buf_puts(&out, "\"}");
			} else {
				buf_printf(&out, "%lld\t%s\t%zu\t%s\t", art.id, f[k].field, f[k].offset,
				           f[k].kind);
				put_oneline(&out, f[k].words);
				buf_putc(&out, '\t');
				put_oneline(&out, f[k].message);
				buf_putc(&out, '\n');
			}
		}
		arena_free(one);
	}
	if (json)
		buf_puts(&out, total ? "\n]\n" : "]\n");
	if (rc == 0) {
		fwrite(buf_cstr(&out), 1, out.len, stdout);
		rc = total ? 1 : 0;
	}
	buf_free(&out);
	arena_free(a);
	settings_free(&s);
	db_close(db);
	return rc;
}
