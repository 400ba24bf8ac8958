/*
** test_webhook.c: unit tests for src/model/webhook.c and the parts of
** src/web/outbound.c and src/web/webhooker.c that need no network.
**
** Over a fresh database (model_open): webhook_add's checks (scheme, host,
** spaces, events); the triggers queue one delivery per hook that wants the
** event and none for others; claiming marks rows so a second claim gets
** nothing, and webhook_release_claims makes them due again; the backoff
** doubles from webhook_retry_seconds and gives up after a day; the payload
** is valid-looking JSON with the text escaped; the private-address check
** (v4, v6, mapped); the signature against a value computed by hand with
** libsodium; Webmention's URL resolution, link finding (entities, case,
** no link inside a script) and endpoint discovery (Link header, <link>).
** Pausing (nothing queued while paused, nothing replayed, queued ones held
** until resumed), the test ping's payload, the list's failure counts, and
** a received mention's verdict kept and read back.  Outbound redirects,
** against a loopback server: none followed unless asked for, at most the
** number asked for, only to http(s), a relative Location resolved, the
** redirect's own body not kept, never for a POST.
*/
#include "core/arena.h"
#include "db/db.h"
#include "model/schema.h"
#include "model/webhook.h"
#include "model/webmention.h"
#include "web/outbound.h"
#include "web/webhooker.h"
#include "web/webmention.h"
#include "core/buf.h"
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char dir[64];
static char db_path[128];

static long long scalar(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return v;
}

static void test_add(struct db *db)
{
	char secret[WEBHOOK_SECRET_LEN + 1], err[300];
	CHECK(webhook_add(db, "ftp://example.org/", "page.changed", 0, secret, err, sizeof err) < 0);
	CHECK(webhook_add(db, "javascript:alert(1)", "page.changed", 0, secret, err, sizeof err) < 0);
	CHECK(webhook_add(db, "https://exa mple.org/", "page.changed", 0, secret, err, sizeof err) < 0);
	CHECK(webhook_add(db, "https://example.org/", "", 0, secret, err, sizeof err) < 0);
	CHECK(strstr(err, "at least one event") != NULL);
	CHECK(webhook_add(db, "https://example.org/", "page.changed,nope", 0, secret, err,
	                  sizeof err) < 0);
	long long id = webhook_add(db, "https://example.org/a", "article.published,page.changed", 0,
	                           secret, err, sizeof err);
	CHECK(id > 0);
	CHECK(strlen(secret) == WEBHOOK_SECRET_LEN);
	long long id2 = webhook_add(db, "http://example.org/b", "comment.approved", 0, secret, err,
	                            sizeof err);
	CHECK(id2 > 0);
}

static void test_queue(struct db *db)
{
	struct arena *a = arena_new();
	db_exec(db, "INSERT INTO users(email, display_name, slug, role, created_at)"
	            " VALUES ('w@example.org', 'W', 'w', 'administrator', 1)");
	db_exec(db, "INSERT INTO articles(slug, headline, status, published_at, created_at,"
	            " updated_at, author_id) VALUES ('q', 'He said \"hi\"\\ ok', 'published', 5, 1, 1,"
	            " (SELECT id FROM users WHERE slug = 'w'))");
	CHECK(scalar(db, "SELECT count(*) FROM webhook_deliveries") == 1);
	CHECK(scalar(db, "SELECT count(*) FROM webhook_events") == 0);
	/* a draft page: nothing; a published page: the first hook only */
	db_exec(db, "INSERT INTO pages(slug, title, created_at, updated_at) VALUES ('d', 'D', 1, 1)");
	db_exec(db, "INSERT INTO pages(slug, title, status, created_at, updated_at)"
	            " VALUES ('p', 'P', 'published', 1, 1)");
	CHECK(scalar(db, "SELECT count(*) FROM webhook_deliveries") == 2);
	long long now = (long long)time(NULL);
	size_t n;
	struct webhook_delivery *d = webhook_claim(db, a, now, 10, &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK(strstr(d[0].payload, "\"event\":\"article.published\"") != NULL);
		CHECK(strstr(d[0].payload, "\"headline\":\"He said \\\"hi\\\"\\\\ ok\"") != NULL);
		CHECK(strstr(d[0].payload, "\"published_at\":5}}") != NULL);
		CHECK(strstr(d[1].payload, "\"type\":\"page\"") != NULL);
	}
	size_t n2;
	webhook_claim(db, a, now, 10, &n2);
	CHECK(n2 == 0); /* claimed: not due twice */
	CHECK(webhook_release_stale(db, now) == 0); /* a claim made since stays */
	CHECK(webhook_release_stale(db, now + 1) == 2); /* older: released */
	webhook_claim(db, a, now, 10, &n2);
	CHECK(n2 == 2);
	CHECK(webhook_release_claims(db) == 2);
	struct webhook_delivery *again = webhook_claim(db, a, now, 10, &n2);
	CHECK(n2 == 2);
	if (n == 2 && n2 == 2)
		CHECK_STR(again[0].payload, d[0].payload); /* the same bytes at every attempt */
	/* backoff: 10 s, 20 s, 40 s ... then given up a day after the event */
	long long id = d[0].id;
	CHECK(webhook_failed(db, id, 500, "boom", now, 10) == 0);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT next_at FROM webhook_deliveries WHERE id = %lld", id);
	CHECK(scalar(db, sql) == now + 10);
	CHECK(webhook_failed(db, id, 0, "timeout", now, 10) == 0);
	CHECK(scalar(db, sql) == now + 20);
	/* (db_prepare caches statements by their text's address: one buffer
	** per query) */
	char sql2[200], sql3[200];
	snprintf(sql2, sizeof sql2,
	         "SELECT count(*) FROM webhook_attempts WHERE delivery_id = %lld", id);
	CHECK(scalar(db, sql2) == 2);
	snprintf(sql3, sizeof sql3, "UPDATE webhook_deliveries SET created_at = %lld WHERE id = %lld",
	         now - WEBHOOK_GIVE_UP_SECONDS, id);
	db_exec(db, sql3);
	CHECK(webhook_failed(db, id, 503, "down", now, 10) == 1);
	webhook_release_claims(db);
	struct webhook_delivery *left = webhook_claim(db, a, now + 100000, 10, &n2);
	CHECK(n2 == 1 && left[0].id != id); /* given up: never due again */
	CHECK(webhook_delivered(db, left[0].id, 200, now) == 0);
	webhook_claim(db, a, now + 100000, 10, &n2);
	CHECK(n2 == 0);
	size_t nt;
	struct webhook_attempt *t = webhook_attempts(db, a, 10, &nt);
	CHECK(nt == 4 && t[0].status_code == 200 && t[1].status_code == 503 && t[1].number == 3);
	arena_free(a);
}

/* Pause, resume, ping and the failure counts, after test_queue (hook 1
** wants article.published and page.changed; one of its deliveries was
** given up). */
static void test_pause(struct db *db)
{
	struct arena *a = arena_new();
	long long now = (long long)time(NULL);
	size_t n;
	struct webhook *hooks = webhook_list(db, a, &n);
	CHECK(n == 2 && hooks[0].failed == 1 && hooks[0].last_failed_at > 0 &&
	      hooks[0].paused_at == 0 && hooks[1].failed == 0);
	CHECK(webhook_pause(db, 999, 1) == 1);
	/* one queued before the pause: held while paused, due once resumed */
	db_exec(db, "INSERT INTO pages(slug, title, status, created_at, updated_at)"
	            " VALUES ('p1', 'P1', 'published', 1, 1)");
	long long before = scalar(db, "SELECT count(*) FROM webhook_deliveries");
	CHECK(webhook_pause(db, 1, 1) == 0);
	long long paused_at = scalar(db, "SELECT paused_at FROM webhooks WHERE id = 1");
	CHECK(paused_at > 0);
	CHECK(webhook_pause(db, 1, 1) == 0); /* pausing again keeps the first time */
	CHECK(scalar(db, "SELECT paused_at FROM webhooks WHERE id = 1") == paused_at);
	db_exec(db, "INSERT INTO pages(slug, title, status, created_at, updated_at)"
	            " VALUES ('p2', 'P2', 'published', 1, 1)");
	CHECK(scalar(db, "SELECT count(*) FROM webhook_deliveries") == before);
	webhook_claim(db, a, now + 1, 10, &n);
	CHECK(n == 0);
	long long delivery;
	CHECK(webhook_ping(db, 1, &delivery) == 2); /* no test while paused */
	CHECK(webhook_ping(db, 999, &delivery) == 1);
	hooks = webhook_list(db, a, &n);
	CHECK(n == 2 && hooks[0].paused_at == paused_at);
	CHECK(webhook_pause(db, 1, 0) == 0);
	CHECK(scalar(db, "SELECT count(*) FROM webhooks WHERE paused_at IS NULL") == 2);
	CHECK(scalar(db, "SELECT count(*) FROM webhook_deliveries") == before); /* no replay */
	CHECK(webhook_ping(db, 1, &delivery) == 0 && delivery > 0);
	struct webhook_delivery *d = webhook_claim(db, a, now + 1, 10, &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK(strstr(d[0].payload, "\"type\":\"page\"") != NULL);
		CHECK(d[1].id == delivery && !strcmp(d[1].event, "ping"));
		CHECK(strstr(d[1].payload, "\"event\":\"ping\"") != NULL);
		CHECK(strstr(d[1].payload, "\"object\":{\"type\":\"webhook\",\"id\":1,"
		                           "\"url\":\"https://example.org/a\"}}") != NULL);
	}
	webhook_release_claims(db);
	arena_free(a);
}

/* A received mention's verdict and HTTP status, written and read back. */
static void test_mention_verdict(struct db *db)
{
	struct arena *a = arena_new();
	long long aid = scalar(db, "SELECT id FROM articles WHERE slug = 'q'");
	long long id = webmention_queue(db, "https://a.example/x", "https://us.example/q/", aid,
	                                "192.0.2.1");
	long long id2 = webmention_queue(db, "https://b.example/y", "https://us.example/q/", aid,
	                                 "192.0.2.1");
	CHECK(id > 0 && id2 > id);
	CHECK(webmention_done(db, id, "refused", "the source answered 410", 0, WM_HTTP_ERROR,
	                      410) == 0);
	size_t n;
	struct webmention_seen *m = webmention_received(db, a, 0, 0, 10, &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK(m[0].id == id2 && m[0].verdict == WM_PENDING && m[0].checked_at == 0);
		CHECK(m[1].id == id && m[1].verdict == WM_HTTP_ERROR && m[1].http_status == 410 &&
		      m[1].checked_at > 0 && !strcmp(m[1].headline, "He said \"hi\"\\ ok"));
	}
	webmention_received(db, a, aid + 1, 0, 10, &n);
	CHECK(n == 0);
	long long owner = scalar(db, "SELECT author_id FROM articles WHERE slug = 'q'");
	webmention_received(db, a, 0, owner, 10, &n);
	CHECK(n == 2);
	webmention_received(db, a, 0, owner + 1, 10, &n);
	CHECK(n == 0); /* another author's view */
	CHECK(webmention_verdict_parse("no_link") == WM_NO_LINK);
	CHECK(webmention_verdict_parse("bogus") == WM_PENDING);
	CHECK_STR(webmention_verdict_name(WM_UNREACHABLE), "unreachable");
	CHECK_STR(webmention_verdict_name(WM_PENDING), "");
	arena_free(a);
}

static void test_private(void)
{
	static const char *const bad[] = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255",
	                                  "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
	                                  "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1",
	                                  "::ffff:10.0.0.1", "224.0.0.1", "not an address"};
	static const char *const good[] = {"93.184.216.34", "172.32.0.1", "8.8.8.8",
	                                   "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(outbound_addr_is_private(bad[i]));
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		CHECK(!outbound_addr_is_private(good[i]));
}

static void test_signature(void)
{
	const char *secret = "abc123";
	const char *body = "{\"id\":\"x\"}";
	char got[160];
	webhooker_signature(secret, 1700000000, body, strlen(body), got, sizeof got);
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	const char *msg = "1700000000.{\"id\":\"x\"}";
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&st, mac);
	char hex[65], want[160];
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(want, sizeof want, "t=1700000000,v1=%s", hex);
	CHECK_STR(got, want);
}

static void resolve(const char *base, const char *ref, const char *want)
{
	struct buf b = BUF_INIT;
	webmention_resolve(base, ref, &b);
	CHECK_STR(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_webmention_html(void)
{
	const char *page = "http://a.example/dir/page?x=1";
	resolve(page, "https://b.example/wm", "https://b.example/wm");
	resolve(page, "//c.example/wm", "http://c.example/wm");
	resolve(page, "/wm", "http://a.example/wm");
	resolve(page, "wm", "http://a.example/dir/wm");
	resolve(page, "./wm", "http://a.example/dir/wm");
	resolve(page, "?q=2", "http://a.example/dir/page?q=2");
	resolve(page, "", "http://a.example/dir/page?x=1");
	resolve("http://a.example", "wm", "http://a.example/wm");
	CHECK(webmention_links_to("<p><a class=x href='https://t.example/a?b=1&amp;c=2'>x</a>",
	                          "https://t.example/a?b=1&c=2"));
	CHECK(webmention_links_to("<A HREF=https://t.example/a/>x</A>", "https://t.example/a"));
	CHECK(!webmention_links_to("<p>https://t.example/a</p>", "https://t.example/a"));
	CHECK(!webmention_links_to("<script>x='<a href=\"https://t.example/a\">'</script>",
	                           "https://t.example/a"));
	CHECK(!webmention_links_to("<a href=\"https://t.example/ab\">", "https://t.example/a"));
	struct buf e = BUF_INIT;
	CHECK(webmention_endpoint(page, "HTTP/1.1 200 OK\r\nLink: <https://x.example/>; rel=\"me\", "
	                          "</wm>; rel=\"webmention\"\r\n\r\n", "", &e) == 0);
	CHECK_STR(buf_cstr(&e), "http://a.example/wm");
	buf_reset(&e);
	CHECK(webmention_endpoint(page, "", "<a href=/no>x</a><link href=\"/wm2\" rel=\"webmention\">",
	                          &e) == 0);
	CHECK_STR(buf_cstr(&e), "http://a.example/wm2");
	buf_reset(&e);
	CHECK(webmention_endpoint(page, "Link: <https://x.example/>; rel=me\r\n", "<p>none</p>",
	                          &e) == -1);
	buf_free(&e);
}

/* ---- outbound redirects ---- */

static int redir_fd;            /* the loopback server's listening socket */
static char redir_seen[1024];   /* the paths it was asked for, each followed by a space */

/* Answers each connection by its path until asked for /quit. */
static void *redir_serve(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(redir_fd, NULL, NULL);
		if (c < 0)
			return NULL;
		char req[2048];
		size_t got = 0;
		ssize_t n;
		while (got < sizeof req - 1 && (n = read(c, req + got, sizeof req - 1 - got)) > 0) {
			got += (size_t)n;
			req[got] = 0;
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[got] = 0;
		char path[200] = "";
		sscanf(req, "%*s %199s", path);
		strncat(redir_seen, path, sizeof redir_seen - strlen(redir_seen) - 2);
		strcat(redir_seen, " ");
		char loc[300] = "";
		int r;
		if (!strcmp(path, "/a"))
			snprintf(loc, sizeof loc, "/b");
		else if (!strcmp(path, "/rel/a"))
			snprintf(loc, sizeof loc, "b"); /* relative: /rel/b */
		else if (!strcmp(path, "/ftp"))
			snprintf(loc, sizeof loc, "ftp://127.0.0.1/x.png");
		else if (sscanf(path, "/r%d", &r) == 1)
			snprintf(loc, sizeof loc, "/r%d", r + 1);
		char out[600];
		if (*loc)
			snprintf(out, sizeof out, "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 5"
			         "\r\nConnection: close\r\n\r\nmoved", loc);
		else
			snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n"
			         "Connection: close\r\n\r\nlanded");
		if (write(c, out, strlen(out)) < 0)
			perror("write");
		close(c);
		if (!strcmp(path, "/quit"))
			return NULL;
	}
}

static int redir_get(int port, const char *method, const char *path, int redirects,
                     int allow_private, struct buf *body, char *err)
{
	char url[200];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
	struct outbound_req r = {.method = method, .url = url, .max_bytes = 4096,
	                         .timeout_seconds = 10, .allow_private = allow_private,
	                         .redirects = redirects};
	enum outbound_end end;
	buf_reset(body);
	redir_seen[0] = 0;
	return outbound_send(&r, body, err, 300, &end);
}

static void test_redirects(void)
{
	redir_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof sa;
	pthread_t t;
	if (redir_fd < 0 || bind(redir_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(redir_fd, 8) != 0 || getsockname(redir_fd, (struct sockaddr *)&sa, &len) != 0 ||
	    pthread_create(&t, NULL, redir_serve, NULL) != 0) {
		test_skip("outbound redirects", "no loopback socket");
		return;
	}
	int port = ntohs(sa.sin_port);
	struct buf body = BUF_INIT;
	char err[300];

	/* Not asked for: the redirect is the answer. */
	CHECK(redir_get(port, "GET", "/a", 0, 1, &body, err) == 302);
	CHECK_STR(redir_seen, "/a ");
	/* Asked for: followed, and only the last answer's body is kept. */
	CHECK(redir_get(port, "GET", "/a", 3, 1, &body, err) == 200);
	CHECK_STR(buf_cstr(&body), "landed");
	CHECK_STR(redir_seen, "/a /b ");
	CHECK(redir_get(port, "GET", "/rel/a", 3, 1, &body, err) == 200);
	CHECK_STR(redir_seen, "/rel/a /rel/b ");
	/* No more than asked for. */
	CHECK(redir_get(port, "GET", "/r0", 3, 1, &body, err) == 0);
	CHECK(strstr(err, "redirected more than 3 times") != NULL);
	CHECK_STR(redir_seen, "/r0 /r1 /r2 /r3 ");
	/* Only to http(s). */
	CHECK(redir_get(port, "GET", "/ftp", 3, 1, &body, err) == 0);
	CHECK(strstr(err, "not http or https") != NULL);
	/* The address check holds at every hop: here the first. */
	CHECK(redir_get(port, "GET", "/a", 3, 0, &body, err) == 0);
	CHECK(strstr(err, "private or loopback") != NULL);
	CHECK_STR(redir_seen, "");
	/* A POST is never redirected. */
	CHECK(redir_get(port, "POST", "/a", 3, 1, &body, err) == 302);
	CHECK_STR(redir_seen, "/a ");
	redir_get(port, "GET", "/quit", 0, 1, &body, err);
	pthread_join(t, NULL);
	close(redir_fd);
	buf_free(&body);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof dir, "/tmp/byline-hook-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db_path, sizeof db_path, "%s/site.db", dir);
	char err[256];
	struct db *db = model_open(db_path, err, sizeof err);
	CHECK(db != NULL);
	if (!db) {
		fprintf(stderr, "%s\n", err);
		return test_done();
	}
	test_add(db);
	test_queue(db);
	test_pause(db);
	test_mention_verdict(db);
	test_private();
	test_signature();
	test_webmention_html();
	test_redirects();
	db_close(db);
	char path[200];
	static const char *const files[] = {"site.db", "site.db-wal", "site.db-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return test_done();
}
