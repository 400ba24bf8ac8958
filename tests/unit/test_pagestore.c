/*
** test_pagestore.c: the page cache's tier on disk (web/pagestore.c) without
** a server: what a change drops and keeps, a put overlapping a change, the
** bound (the oldest segment recycled), and that nothing is left in its
** folder.  Serving is tested through a server (tests/request/test_pagestore.py).
*/
#include "test.h"
#include "web/pagecache.h"
#include "web/pagestore.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static char body[4096];

static void put(struct pagestore *s, const char *key, struct page_deps d)
{
	struct pagestore_form f[2] = {{NULL, "\"e\"", (const unsigned char *)body, sizeof body},
	                              {"gzip", "\"e-gz\"", (const unsigned char *)body, 100}};
	pagestore_put(s, pagestore_seq(s), key, &d, 1, "text/html", "public", "Mon, 07 Dec 2026",
	              "Surrogate-Key\0site\0", f, 2);
}

static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_changes(const char *dir)
{
	char err[256];
	struct pagestore *s = pagestore_new(dir, 1 << 20, err, sizeof err);
	CHECK(s != NULL);
	if (!s)
		return;
	put(s, "/a/", (struct page_deps){DEP_LISTS, 7, 3, 0});
	put(s, "/b/", (struct page_deps){0, 8, 4, 0});
	put(s, "/feed/", (struct page_deps){DEP_ALL_COMMENTS, 0, 0, 0});
	put(s, "/old/", (struct page_deps){0, 9, 0, 1}); /* expired long ago */
	CHECK(pagestore_has(s, "/a/") && pagestore_has(s, "/b/") && pagestore_has(s, "/feed/"));
	CHECK(!pagestore_has(s, "/old/"));
	CHECK(!pagestore_has(s, "/c/"));
	pagestore_changed(s, (enum change_kind[]){CHANGE_COMMENTS}, (long long[]){8}, 1); /* article 8's comments: /b/ and the feed */
	CHECK(pagestore_has(s, "/a/") && !pagestore_has(s, "/b/") && !pagestore_has(s, "/feed/"));
	pagestore_changed(s, (enum change_kind[]){CHANGE_LISTS, CHANGE_AUTHOR},
	                  (long long[]){0, 99}, 2); /* a listing change and another author */
	CHECK(!pagestore_has(s, "/a/"));
	put(s, "/b/", (struct page_deps){0, 8, 4, 0});
	/* A put whose page was judged current before a change came is dropped. */
	unsigned long seq = pagestore_seq(s);
	pagestore_changed(s, (enum change_kind[]){CHANGE_ARTICLE}, (long long[]){1234}, 1);
	struct page_deps d = {0, 10, 0, 0};
	struct pagestore_form f = {NULL, "\"x\"", (const unsigned char *)"x", 1};
	pagestore_put(s, seq, "/late/", &d, 1, "text/html", "public", "-", NULL, &f, 1);
	CHECK(!pagestore_has(s, "/late/"));
	CHECK(pagestore_has(s, "/b/"));
	pagestore_changed(s, (enum change_kind[]){CHANGE_ALL}, (long long[]){0}, 1);
	CHECK(!pagestore_has(s, "/b/"));
	struct pagestore_stats st;
	pagestore_stats(s, &st);
	CHECK(st.entries == 0);
	CHECK(files_in(dir) == 0); /* its files are unlinked */
	pagestore_free(s);
}

static void test_bound(const char *dir)
{
	char err[256];
	/* 8 segments of 16 KB: three 4 KB pages each. */
	struct pagestore *s = pagestore_new(dir, 128 << 10, err, sizeof err);
	CHECK(s != NULL);
	if (!s)
		return;
	char key[32];
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "/p%d/", i);
		put(s, key, (struct page_deps){0, i + 1, 0, 0});
	}
	struct pagestore_stats st;
	pagestore_stats(s, &st);
	CHECK(st.bytes <= st.max_bytes);
	CHECK(st.recycled > 0);
	CHECK(pagestore_has(s, "/p99/"));
	CHECK(!pagestore_has(s, "/p0/"));
	CHECK(st.entries >= 18 && st.entries <= 24);
	/* A page larger than a segment is not kept. */
	static char big[32 << 10];
	struct pagestore_form f = {NULL, "\"b\"", (const unsigned char *)big, sizeof big};
	struct page_deps d = {0, 1, 0, 0};
	pagestore_put(s, pagestore_seq(s), "/big/", &d, 1, "text/html", "public", "-", NULL, &f, 1);
	CHECK(!pagestore_has(s, "/big/"));
	pagestore_free(s);
}

int main(void)
{
	memset(body, 'x', sizeof body);
	char dir[] = "/tmp/test_pagestore-XXXXXX";
	if (!mkdtemp(dir)) {
		test_skip("pagestore", "no temporary folder");
		return test_done();
	}
	char sub[64];
	snprintf(sub, sizeof sub, "%s/pagecache", dir);
	test_changes(sub);
	test_bound(sub);
	rmdir(sub);
	rmdir(dir);
	return test_done();
}
