/*
** test_site.c: the site's own address and origins (web/site.c):
** web_bound() for every kind of listen address, site_origin_is_ours() (the
** one allow-list behind the same-origin check and the 421), and
** site_origin_len().  The request-level view is tests/request/test_hosts.py;
** this covers the listen addresses a test server cannot bind (every
** address, IPv6) and the origin spellings a browser or an attacker sends.
*/
#include "test.h"
#include "web/web.h"

#include <pthread.h>
#include <string.h>

static struct app app;

static int ours(const char *origin)
{
	return site_origin_is_ours(&app, origin, strlen(origin));
}

/* A fresh app listening on listen:port, with base_url set to base. */
static void listening(const char *listen, int port, char *base)
{
	memset(app.listen_origin, 0, sizeof app.listen_origin);
	memset(app.listen_alias, 0, sizeof app.listen_alias);
	app.settings.base_url = base;
	web_bound(listen, port, &app);
}

int main(void)
{
	pthread_rwlock_init(&app.settings_lock, NULL);
	char empty[] = "";

	/* site_origin_len: scheme and authority, up to a path, query or fragment. */
	CHECK(site_origin_len("http://a.example/x") == strlen("http://a.example"));
	CHECK(site_origin_len("HTTPS://a.example:8443?q") == strlen("HTTPS://a.example:8443"));
	CHECK(site_origin_len("http://a.example") == strlen("http://a.example"));
	CHECK(site_origin_len("ftp://a.example/") == 0);
	CHECK(site_origin_len("null") == 0);
	CHECK(site_origin_len("//a.example/") == 0);

	/* Loopback: the address as listened on, and localhost on its port. */
	listening("127.0.0.1:8080", 8080, empty);
	CHECK_STR(app.listen_origin, "http://127.0.0.1:8080");
	CHECK(ours("http://127.0.0.1:8080"));
	CHECK(ours("http://localhost:8080"));
	CHECK(ours("HTTP://LocalHost:8080"));
	CHECK(!ours("http://localhost:8081"));
	CHECK(!ours("http://localhost"));
	CHECK(!ours("https://127.0.0.1:8080"));
	CHECK(!ours("http://127.0.0.1:8080@evil.example"));
	CHECK(!ours("http://127.0.0.1:8080.evil.example"));
	CHECK(!ours("http://127.0.0.1:8080/"));      /* an origin has no path */
	CHECK(!ours("http://127.0.0.1:80x"));
	CHECK(!ours("http://evil.example"));
	CHECK(!ours("http://127.0.0.1 :8080"));
	CHECK(!ours(""));

	/* Port 80 written or not is one origin. */
	listening("127.0.0.1:80", 80, empty);
	CHECK(ours("http://127.0.0.1"));
	CHECK(ours("http://127.0.0.1:80"));
	CHECK(ours("http://localhost"));

	/* IPv6 loopback: written canonically, localhost too. */
	listening("[0:0::1]:9000", 9000, empty);
	CHECK_STR(app.listen_origin, "http://[::1]:9000");
	CHECK(ours("http://[::1]:9000"));
	CHECK(ours("http://localhost:9000"));
	CHECK(!ours("http://[::2]:9000"));

	/* A public address: itself only. */
	listening("192.0.2.7:8080", 8080, empty);
	CHECK_STR(app.listen_origin, "http://192.0.2.7:8080");
	CHECK(ours("http://192.0.2.7:8080"));
	CHECK(!ours("http://localhost:8080"));

	/* Every address: links name localhost; loopback spellings are ours. */
	listening("0.0.0.0:8080", 8080, empty);
	CHECK_STR(app.listen_origin, "http://localhost:8080");
	CHECK(ours("http://localhost:8080"));
	CHECK(ours("http://127.0.0.1:8080"));
	CHECK(ours("http://[::1]:8080"));
	CHECK(!ours("http://192.0.2.7:8080"));
	listening("[::]:8080", 8080, empty);
	CHECK_STR(app.listen_origin, "http://localhost:8080");

	/* base_url set: its origin alone (any path in it is not the origin). */
	char base[] = "https://News.Example/paper/";
	listening("127.0.0.1:8080", 8080, base);
	CHECK(ours("https://news.example"));
	CHECK(ours("https://news.example:443"));
	CHECK(!ours("http://news.example"));
	CHECK(!ours("https://news.example:8443"));
	CHECK(!ours("http://127.0.0.1:8080"));
	CHECK(!ours("http://localhost:8080"));

	pthread_rwlock_destroy(&app.settings_lock);
	return test_done();
}
