/*
** gensite.c: a deterministic large site for benchmarks.
**
**   gensite DB ARTICLES COMMENTS
**
** Fills a fresh database (migrated by model_open) with ARTICLES published
** articles across 12 sections, 200 tags, 50 authors and COMMENTS approved
** comments (some threaded), all from a fixed-seed generator: the same
** arguments give the same site, byte for byte.  Bench code: it writes rows
** with plain SQL in one transaction for speed, bypassing the model layer.
*/
#include "db/db.h"
#include "model/schema.h"
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long seed = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* A vocabulary of 4,096 made-up words from syllables, used with a Zipf-like
** skew (a few words everywhere, most words rare), as in real prose; plus
** some real words so searches read naturally. */
#define N_VOCAB 4096
static char vocab[N_VOCAB][16];

static void make_vocab(void)
{
	static const char *const syl[] = {"ka", "lo", "mi", "ren", "ta", "vos", "el", "ur",
	                                  "bri", "do", "fen", "gar", "hol", "is", "jun", "mar",
	                                  "nor", "pel", "quin", "sar", "tor", "ul", "ven", "wes"};
	static const char *const real[] = {"harbour", "council", "budget", "ferry", "storm",
	                                   "school", "library", "market", "river", "bridge",
	                                   "festival", "election", "housing", "museum", "lighthouse",
	                                   "rowing", "bakery", "mayor", "tide", "theatre"};
	for (int i = 0; i < N_VOCAB; i++) {
		if (i < 20 * 8 && i % 8 == 7) {
			snprintf(vocab[i], sizeof vocab[i], "%s", real[i / 8]);
			continue;
		}
		unsigned x = (unsigned)i * 2654435761u;
		snprintf(vocab[i], sizeof vocab[i], "%s%s%s", syl[x % 24], syl[(x >> 8) % 24],
		         i % 3 ? syl[(x >> 16) % 24] : "");
	}
}

/* A word, skewed towards the start of the vocabulary. */
static const char *word(void)
{
	unsigned r = rnd(1u << 20);
	double u = (double)r / (double)(1u << 20);
	unsigned idx = (unsigned)(u * u * u * N_VOCAB);
	return vocab[idx < N_VOCAB ? idx : N_VOCAB - 1];
}

static void sentence(struct buf *b, int n)
{
	for (int i = 0; i < n; i++) {
		const char *w = word();
		if (i == 0) {
			buf_putc(b, (char)(w[0] - 32));
			buf_puts(b, w + 1);
		} else {
			buf_putc(b, ' ');
			buf_puts(b, w);
		}
	}
	buf_putc(b, '.');
}

static int run(struct db *db, const char *sql)
{
	if (db_exec(db, sql) != DB_OK) {
		fprintf(stderr, "gensite: %s: %s\n", sql, db_errmsg(db));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: gensite DB ARTICLES COMMENTS\n");
		return 2;
	}
	long n_articles = atol(argv[2]), n_comments = atol(argv[3]);
	char err[512];
	struct db *db = model_open(argv[1], err, sizeof err);
	if (!db) {
		fprintf(stderr, "gensite: %s\n", err);
		return 1;
	}
	static const char ins_user[] =
	    "INSERT INTO users(display_name, slug, bio, role, created_at) VALUES (?1, ?2, ?3, 'author', 0)";
	static const char ins_section[] = "INSERT INTO sections(name, slug) VALUES (?1, ?2)";
	static const char ins_tag[] = "INSERT INTO tags(name, slug) VALUES (?1, ?2)";
	static const char ins_article[] =
	    "INSERT INTO articles(id, slug, headline, dek, body_src, body_html, status, published_at,"
	    " created_at, updated_at, author_id, section_id) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, 'published', ?7, ?7, ?7, ?8, ?9)";
	static const char ins_fts[] =
	    "INSERT INTO articles_fts(rowid, headline, dek, body) VALUES (?1, ?2, ?3, ?4)";
	static const char ins_at[] = "INSERT OR IGNORE INTO article_tags(article_id, tag_id) VALUES (?1, ?2)";
	static const char ins_comment[] =
	    "INSERT INTO comments(id, article_id, parent_id, author_name, author_email, body, body_html,"
	    " status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'approved', ?8)";
	make_vocab();
	if (run(db, "BEGIN") != 0)
		return 1;
	char name[64], slug[64];
	for (int i = 1; i <= 50; i++) {
		struct db_stmt *st = db_prepare(db, ins_user);
		snprintf(name, sizeof name, "Writer %d", i);
		snprintf(slug, sizeof slug, "writer-%d", i);
		db_bind_text(st, 1, name);
		db_bind_text(st, 2, slug);
		db_bind_text(st, 3, "Covers the city for the paper.");
		db_step(st);
		db_done(st);
	}
	for (int i = 1; i <= 12; i++) {
		struct db_stmt *st = db_prepare(db, ins_section);
		snprintf(name, sizeof name, "Section %d", i);
		snprintf(slug, sizeof slug, "section-%d", i);
		db_bind_text(st, 1, name);
		db_bind_text(st, 2, slug);
		db_step(st);
		db_done(st);
	}
	for (int i = 1; i <= 200; i++) {
		struct db_stmt *st = db_prepare(db, ins_tag);
		snprintf(name, sizeof name, "Topic %d", i);
		snprintf(slug, sizeof slug, "topic-%d", i);
		db_bind_text(st, 1, name);
		db_bind_text(st, 2, slug);
		db_step(st);
		db_done(st);
	}
	long long t0 = 1577836800; /* 2020-01-01 */
	struct buf head = BUF_INIT, dek = BUF_INIT, body = BUF_INIT, html = BUF_INIT;
	for (long i = 1; i <= n_articles; i++) {
		buf_reset(&head);
		sentence(&head, 6);
		head.data[--head.len] = 0; /* no full stop in a headline */
		buf_reset(&dek);
		sentence(&dek, 14);
		buf_reset(&body);
		buf_reset(&html);
		for (int k = 0; k < 8; k++) {
			size_t at = body.len;
			sentence(&body, 25);
			buf_puts(&html, "<p>");
			buf_put(&html, body.data + at, body.len - at);
			buf_puts(&html, "</p>\n");
			buf_puts(&body, "\n\n");
		}
		snprintf(slug, sizeof slug, "story-%ld", i);
		long long when = t0 + i * 900; /* one every 15 minutes */
		struct db_stmt *st = db_prepare(db, ins_article);
		db_bind_int(st, 1, i);
		db_bind_text(st, 2, slug);
		db_bind_text(st, 3, buf_cstr(&head));
		db_bind_text(st, 4, buf_cstr(&dek));
		db_bind_text(st, 5, buf_cstr(&body));
		db_bind_text(st, 6, buf_cstr(&html));
		db_bind_int(st, 7, when);
		db_bind_int(st, 8, 1 + rnd(50));
		db_bind_int(st, 9, 1 + rnd(12));
		if (db_step(st) != DB_OK) {
			fprintf(stderr, "gensite: %s\n", db_errmsg(db));
			return 1;
		}
		db_done(st);
		st = db_prepare(db, ins_fts);
		db_bind_int(st, 1, i);
		db_bind_text(st, 2, buf_cstr(&head));
		db_bind_text(st, 3, buf_cstr(&dek));
		db_bind_text(st, 4, buf_cstr(&body));
		db_step(st);
		db_done(st);
		for (int k = 0; k < 3; k++) {
			st = db_prepare(db, ins_at);
			db_bind_int(st, 1, i);
			db_bind_int(st, 2, 1 + rnd(200));
			db_step(st);
			db_done(st);
		}
	}
	for (long c = 1; c <= n_comments; c++) {
		long art = 1 + (long)rnd((unsigned)n_articles);
		buf_reset(&body);
		sentence(&body, 18);
		buf_reset(&html);
		buf_puts(&html, "<p>");
		buf_puts(&html, buf_cstr(&body));
		buf_puts(&html, "</p>\n");
		snprintf(name, sizeof name, "Reader %u", rnd(5000));
		char email[80];
		snprintf(email, sizeof email, "reader%ld@example.com", c % 5000);
		struct db_stmt *st = db_prepare(db, ins_comment);
		db_bind_int(st, 1, c);
		db_bind_int(st, 2, art);
		db_bind_null(st, 3);
		db_bind_text(st, 4, name);
		db_bind_text(st, 5, email);
		db_bind_text(st, 6, buf_cstr(&body));
		db_bind_text(st, 7, buf_cstr(&html));
		db_bind_int(st, 8, t0 + art * 900 + 60 + (long long)rnd(86400));
		if (db_step(st) != DB_OK) {
			fprintf(stderr, "gensite: %s\n", db_errmsg(db));
			return 1;
		}
		db_done(st);
	}
	buf_free(&head);
	buf_free(&dek);
	buf_free(&body);
	buf_free(&html);
	/* Every article has a photo, as a news site's do (issue 13): 200
	** images, each with its variants made (rows only: pages read the
	** variants' sizes from the database, never the files). */
	if (run(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
	            " INSERT INTO media(id, hash, mime, ext, width, height, bytes, created_at,"
	            " caption, credit, alt, variants_at, normalized)"
	            " SELECT i, printf('%064x', i), 'image/jpeg', 'jpg', 2400, 1600, 900000, 0,"
	            " 'A scene on the waterfront.', 'Bench Photographer/Agency',"
	            " 'The waterfront at dusk', 1, 1 FROM n") != 0 ||
	    run(db, "INSERT INTO media_variants(media_id, suffix, ext, width, height, bytes)"
	            " SELECT m.id, w.w, e.e, w.w, w.w * 2 / 3, 50000 FROM media m,"
	            " (SELECT 320 AS w UNION ALL SELECT 640 UNION ALL SELECT 960"
	            "  UNION ALL SELECT 1280 UNION ALL SELECT 1920) w,"
	            " (SELECT 'jpg' AS e UNION ALL SELECT 'webp') e") != 0 ||
	    run(db, "INSERT INTO media_variants(media_id, suffix, ext, width, height, bytes)"
	            " SELECT id, 'social', 'jpg', 1200, 630, 80000 FROM media") != 0 ||
	    run(db, "UPDATE articles SET featured_media_id = 1 + id % 200,"
	            " featured_alt = 'The waterfront at dusk'") != 0)
		return 1;
	if (run(db, "COMMIT") != 0 || run(db, "ANALYZE") != 0)
		return 1;
	db_close(db);
	printf("gensite: %ld articles, %ld comments in %s\n", n_articles, n_comments, argv[1]);
	return 0;
}
