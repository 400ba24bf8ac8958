/*
** test_mailqueue.c: unit tests for src/model/mailqueue.c, src/model/notify.c
** and the parts of src/web/mailer.c that need no mail server.
**
** Over a fresh database in a temporary folder (model_open): the address
** check against header and recipient injection; enqueue, due, sent, failed,
** the backoff steps and giving up after MAIL_MAX_ATTEMPTS; who
** notify_comment mails (staff only, each address once, never the commenter)
** and what it says; the message mailer_message writes (CRLF everywhere,
** encoded-word subject that decodes back, quoted-printable for long
** lines); and the sender thread: a server that refuses the connection
** counts as a failed attempt, and mailer_stop returns within a couple of
** seconds while a server that accepts and never answers keeps a send
** waiting, leaving that mail due and its attempts unchanged.
*/
#include "core/arena.h"
#include "core/buf.h"
#include "core/email.h"
#include "db/db.h"
#include "model/mailqueue.h"
#include "model/notify.h"
#include "model/schema.h"
#include "model/settings.h"
#include "web/mailer.h"
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char dir[64];
static char db_path[128];

/* ---- small SQL helpers ---- */

static const char sql_count_queue[] = "SELECT count(*) FROM mail_queue";
static const char sql_clear_queue[] = "DELETE FROM mail_queue";
static const char sql_row[] =
    "SELECT to_addr, subject, attempts, next_at, COALESCE(sent_at, 0), last_error"
    " FROM mail_queue WHERE id = ?1";
static const char sql_to_of_queue[] =
    "SELECT group_concat(to_addr, ' ') FROM (SELECT to_addr FROM mail_queue ORDER BY to_addr)";
static const char sql_first_mail[] =
    "SELECT subject, body FROM mail_queue ORDER BY id LIMIT 1";
static const char sql_add_user[] =
    "INSERT INTO users(email, display_name, slug, role, created_at)"
    " VALUES (?1, ?2, ?3, ?4, 0)";
static const char sql_add_article[] =
    "INSERT INTO articles(slug, headline, status, published_at, created_at, updated_at,"
    " author_id) VALUES ('harbour-reopens', ?1, 'published', 1718187300, 0, 0, ?2)";
static const char sql_add_comment[] =
    "INSERT INTO comments(article_id, parent_id, author_name, author_email, body,"
    " body_html, ip, status, created_at, user_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, '', '203.0.113.9', ?6, 0, ?7)";

static long long count_queue(struct db *db)
{
	struct db_stmt *st = db_prepare(db, sql_count_queue);
	long long n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

static void clear_queue(struct db *db)
{
	db_exec(db, "BEGIN");
	struct db_stmt *st = db_prepare(db, sql_clear_queue);
	db_step(st);
	db_done(st);
	db_exec(db, "COMMIT");
}

struct row {
	char to[300], subject[1000], last_error[1000]; /* copies */
	long long attempts, next_at, sent_at;          /* as stored */
};

static int read_row(struct db *db, long long id, struct row *r)
{
	struct db_stmt *st = db_prepare(db, sql_row);
	db_bind_int(st, 1, id);
	int found = db_step(st) == DB_ROW;
	if (found) {
		snprintf(r->to, sizeof r->to, "%s", db_col_text(st, 0));
		snprintf(r->subject, sizeof r->subject, "%s", db_col_text(st, 1));
		r->attempts = db_col_int(st, 2);
		r->next_at = db_col_int(st, 3);
		r->sent_at = db_col_int(st, 4);
		snprintf(r->last_error, sizeof r->last_error, "%s", db_col_text(st, 5));
	}
	db_done(st);
	return found;
}

static char *queue_recipients(struct db *db, struct arena *a)
{
	struct db_stmt *st = db_prepare(db, sql_to_of_queue);
	char *s = arena_strdup(a, db_step(st) == DB_ROW ? db_col_text(st, 0) : "?");
	db_done(st);
	return s;
}

static long long add_user(struct db *db, const char *email, const char *name,
                          const char *slug, const char *role)
{
	struct db_stmt *st = db_prepare(db, sql_add_user);
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, slug);
	db_bind_text(st, 4, role);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_last_id(db) : -1;
}

static long long add_comment(struct db *db, long long article, long long parent,
                             const char *name, const char *email, const char *status,
                             long long user_id)
{
	struct db_stmt *st = db_prepare(db, sql_add_comment);
	db_bind_int(st, 1, article);
	if (parent)
		db_bind_int(st, 2, parent);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, email);
	db_bind_text(st, 5, "I was there when the harbour reopened.\nLine two.");
	db_bind_text(st, 6, status);
	if (user_id)
		db_bind_int(st, 7, user_id);
	else
		db_bind_null(st, 7);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_last_id(db) : -1;
}

/* ---- the address check ---- */

static void test_address(void)
{
	static const char *const good[] = {
	    "a@b.c", "editor@example.com", "first.last+tag@mail.example.org",
	    "o'brien@example.ie", "a_b-c=d?e@sub-domain.example",
	};
	static const char *const bad[] = {
	    "", "a", "@b.c", "a@", "a@@b.c", "a@b@c.d", ".a@b.c", "a.@b.c", "a..b@c.d",
	    "a@-b.c", "a@b-.c", "a@b..c", "a@.b", "a@b.", "a b@c.d", "a@b.c ",
	    " a@b.c", "a@b.c\r\nBcc: x@y.z", "a@b.c\n", "a@b.c\r", "<a@b.c>",
	    "Name <a@b.c>", "a@b.c, d@e.f", "a@b.c;d@e.f", "\"a\"@b.c", "a@b_c.d",
	    "caf\xc3\xa9@b.c", "a@[127.0.0.1]", "a@b.c\t", "a(comment)@b.c",
	    "x@localhost", /* one label: WordPress's is_email() and every form ask two */
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		CHECK(email_valid(good[i]));
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int ok = email_valid(bad[i]);
		CHECK(!ok);
		if (ok)
			fprintf(stderr, "  accepted: %s\n", bad[i]);
	}
	/* 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 bytes, every part at its limit. */
	char longest[300];
	memset(longest, 'a', 64);
	longest[64] = '@';
	memset(longest + 65, 'b', 63);
	longest[128] = '.';
	memset(longest + 129, 'c', 63);
	longest[192] = '.';
	memset(longest + 193, 'd', 61);
	longest[254] = 0;
	CHECK(strlen(longest) == 254 && email_valid(longest));
	strcat(longest, "d");
	CHECK(!email_valid(longest)); /* 255 */
	char local65[80];
	memset(local65, 'a', 65);
	strcpy(local65 + 65, "@b.c");
	CHECK(!email_valid(local65));
}

/* ---- the queue ---- */

static void test_queue(struct db *db)
{
	struct arena *a = arena_new();
	clear_queue(db);
	long long now = (long long)time(NULL);

	/* Refusals store nothing. */
	CHECK(mail_enqueue(db, "a@b.c\r\nBcc: victim@example.net", "Hi", "x") == MAIL_REFUSED);
	CHECK(mail_enqueue(db, "Name <a@b.c>", "Hi", "x") == MAIL_REFUSED);
	CHECK(mail_enqueue(db, "a@b.c, c@d.e", "Hi", "x") == MAIL_REFUSED);
	CHECK(mail_enqueue(db, "a@b.c", "bad \xff utf-8", "x") == MAIL_REFUSED);
	CHECK(mail_enqueue(db, "a@b.c", "Hi", "bad \xc3\x28 utf-8") == MAIL_REFUSED);
	char *huge = calloc(1, MAIL_MAX_SUBJECT + 2);
	memset(huge, 's', MAIL_MAX_SUBJECT + 1);
	CHECK(mail_enqueue(db, "a@b.c", huge, "x") == MAIL_REFUSED);
	free(huge);
	CHECK(count_queue(db) == 0);

	/* Header injection through the subject: CR and LF become spaces. */
	long long inj = mail_enqueue(db, "editor@example.com",
	                             "Hello\r\nBcc: victim@example.net\nX-Evil: 1\ttab",
	                             "body\n");
	CHECK(inj > 0);
	struct row r;
	CHECK(read_row(db, inj, &r));
	CHECK_STR(r.subject, "Hello  Bcc: victim@example.net X-Evil: 1 tab");
	CHECK(!strpbrk(r.subject, "\r\n"));
	CHECK_STR(r.to, "editor@example.com");
	CHECK(r.attempts == 0 && r.sent_at == 0 && r.next_at >= now && r.next_at <= now + 5);
	mail_sent(db, inj);

	/* Due: the oldest first, limited, not what is sent or not yet due. */
	long long id1 = mail_enqueue(db, "one@example.com", "“Quoted” subject", "first");
	long long id2 = mail_enqueue(db, "two@example.com", "Second", "second");
	long long id3 = mail_enqueue(db, "three@example.com", "Third", "third");
	CHECK(id1 > 0 && id2 > id1 && id3 > id2);
	size_t n;
	struct mail *due = mail_due(db, a, now + 1, 10, &n);
	CHECK(n == 3);
	CHECK(n == 3 && due[0].id == id1 && due[1].id == id2 && due[2].id == id3);
	CHECK(n == 3 && !strcmp(due[0].to, "one@example.com") &&
	      !strcmp(due[0].subject, "“Quoted” subject") && !strcmp(due[0].body, "first") &&
	      due[0].attempts == 0);
	due = mail_due(db, a, now + 1, 2, &n);
	CHECK(n == 2);
	due = mail_due(db, a, now - 100, 10, &n);
	CHECK(n == 0); /* nothing was due a while ago */

	/* Claimed (the mailer's way): the lease is the claiming sender's, so
	** another (a second node) finds nothing; when it is over (the sender
	** died) they are due again; given back, due at once. */
	due = mail_claim(db, a, now + 1, now + 600, 10, &n);
	CHECK(n == 3 && due[0].id == id1 && due[2].id == id3);
	due = mail_claim(db, a, now + 1, now + 600, 10, &n);
	CHECK(n == 0 && due == NULL);
	due = mail_due(db, a, now + 599, 10, &n);
	CHECK(n == 0);
	due = mail_due(db, a, now + 600, 10, &n);
	CHECK(n == 3);
	CHECK(mail_unclaim(db, id1, now) == 0 && mail_unclaim(db, id2, now) == 0 &&
	      mail_unclaim(db, id3, now) == 0);
	due = mail_due(db, a, now + 1, 10, &n);
	CHECK(n == 3 && due[0].id == id1);

	/* Sent: never due again; marking twice says so. */
	CHECK(mail_sent(db, id2) == 0);
	CHECK(mail_sent(db, id2) == 1);
	CHECK(read_row(db, id2, &r) && r.sent_at >= now);
	due = mail_due(db, a, now + 1, 10, &n);
	CHECK(n == 2 && due[0].id == id1 && due[1].id == id3);

	/* Failed: attempts, error, next try; due again only then. */
	long long next = mail_retry_at(1, now);
	CHECK(next == now + 30);
	CHECK(mail_failed(db, id1, "Couldn't connect to server", next) == 0);
	CHECK(read_row(db, id1, &r) && r.attempts == 1 && r.next_at == now + 30 &&
	      !strcmp(r.last_error, "Couldn't connect to server") && r.sent_at == 0);
	due = mail_due(db, a, now + 29, 10, &n);
	CHECK(n == 1 && due[0].id == id3);
	due = mail_due(db, a, now + 30, 10, &n);
	CHECK(n == 2 && due[0].id == id3 && due[1].id == id1 && due[1].attempts == 1);
	CHECK(mail_failed(db, 999999, "x", now) == -1);  /* no such mail */
	CHECK(mail_failed(db, id2, "x", now) == -1);     /* already sent */

	/* Backoff: 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h, then 12 h again. */
	static const long long steps[] = {30, 120, 600, 3600, 10800, 21600, 43200, 43200};
	for (int i = 0; i < 8; i++)
		CHECK(mail_retry_at(i + 1, 1000) == 1000 + steps[i]);

	/* Giving up: the 8th failure is the last; the row stays, never due. */
	int last = -1;
	for (int i = 2; i <= MAIL_MAX_ATTEMPTS; i++) {
		last = mail_failed(db, id1, i == MAIL_MAX_ATTEMPTS ? "550 mailbox unavailable"
		                                                   : "timeout",
		                   mail_retry_at(i, now));
		if (i < MAIL_MAX_ATTEMPTS)
			CHECK(last == 0);
	}
	CHECK(last == 1);
	CHECK(read_row(db, id1, &r) && r.attempts == MAIL_MAX_ATTEMPTS && r.sent_at == 0 &&
	      !strcmp(r.last_error, "550 mailbox unavailable"));
	due = mail_due(db, a, now + 10 * 86400, 10, &n);
	CHECK(n == 1 && due[0].id == id3);

	/* A long error is cut to 500 bytes, at a character boundary. */
	char err[1200] = "";
	for (int i = 0; i < 300; i++)
		strcat(err, "é"); /* 600 bytes */
	CHECK(mail_failed(db, id3, err, now) == 0);
	CHECK(read_row(db, id3, &r) && strlen(r.last_error) == 500 &&
	      !strncmp(r.last_error, err, 500));
	arena_free(a);
}

/* ---- who hears of a comment ---- */

static void test_notify(struct db *db)
{
	struct arena *a = arena_new();
	clear_queue(db);
	long long author = add_user(db, "author@example.com", "Ana Author", "ana", "author");
	long long admin = add_user(db, "admin@example.com", "Ada Admin", "ada", "administrator");
	long long editor = add_user(db, "editor@example.com", "Ed Editor", "ed", "editor");
	/* The same address again in other case: mailed once. */
	long long editor2 = add_user(db, "Editor@Example.COM", "Ed Again", "ed2", "editor");
	long long other = add_user(db, "other@example.com", "Otto Other", "otto", "author");
	long long contrib = add_user(db, "contrib@example.com", "Cy Contrib", "cy", "contributor");
	long long nomail = add_user(db, NULL, "No Mail", "nomail", "administrator");
	long long emptymail = add_user(db, "", "Empty Mail", "empty", "editor");
	CHECK(author > 0 && admin > 0 && editor > 0 && editor2 > 0 && other > 0 && contrib > 0 &&
	      nomail > 0 && emptymail > 0);
	struct db_stmt *st = db_prepare(db, sql_add_article);
	db_bind_text(st, 1, "Harbour reopens after the storm");
	db_bind_int(st, 2, author);
	CHECK(db_step(st) == DB_OK);
	db_done(st);
	long long art = db_last_id(db);

	/* A held comment from a reader: author, administrator, editor. */
	long long held = add_comment(db, art, 0, "Rita Reader", "rita@example.net", "pending", 0);
	int n = notify_comment(db, a, held, "Byline Daily", "http://news.example");
	CHECK(n == 3);
	CHECK_STR(queue_recipients(db, a), "admin@example.com author@example.com "
	                                   "editor@example.com");
	st = db_prepare(db, sql_first_mail);
	CHECK(db_step(st) == DB_ROW);
	const char *subject = arena_strdup(a, db_col_text(st, 0));
	const char *body = arena_strdup(a, db_col_text(st, 1));
	db_done(st);
	CHECK_STR(subject, "[Byline Daily] New comment awaiting moderation on "
	                   "“Harbour reopens after the storm”");
	CHECK(strstr(body, "Rita Reader") != NULL);
	CHECK(strstr(body, "rita@example.net") != NULL);
	CHECK(strstr(body, "203.0.113.9") != NULL);
	CHECK(strstr(body, "I was there when the harbour reopened.\nLine two.") != NULL);
	CHECK(strstr(body, "http://news.example/2024/06/12/harbour-reopens/") != NULL);
	CHECK(strstr(body, "http://news.example/admin/comments?status=pending") != NULL);

	/* A held comment on a static page (migration 31): the page's author,
	** not the article's; the page's title and address. */
	clear_queue(db);
	CHECK(db_exec(db, "INSERT INTO pages(slug, title, status, author_id, created_at,"
	                  " updated_at, comments_open) VALUES ('contact-us', 'Contact us',"
	                  " 'published', (SELECT id FROM users WHERE email = 'other@example.com'),"
	                  " 0, 0, 1)") == DB_OK);
	long long pg = db_last_id(db);
	CHECK(db_exec(db, arena_printf(a, "INSERT INTO comments(page_id, author_name, author_email,"
	                                  " body, body_html, status, created_at) VALUES (%lld,"
	                                  " 'Rita Reader', 'rita@example.net', 'Hours?', '',"
	                                  " 'pending', 0)", pg)) == DB_OK);
	long long on_page = db_last_id(db);
	CHECK(notify_comment(db, a, on_page, "Byline Daily", "http://news.example") == 3);
	CHECK_STR(queue_recipients(db, a), "admin@example.com editor@example.com "
	                                   "other@example.com");
	st = db_prepare(db, sql_first_mail);
	CHECK(db_step(st) == DB_ROW);
	subject = arena_strdup(a, db_col_text(st, 0));
	body = arena_strdup(a, db_col_text(st, 1));
	db_done(st);
	CHECK_STR(subject, "[Byline Daily] New comment awaiting moderation on “Contact us”");
	CHECK(strstr(body, "Page:       http://news.example/contact-us/") != NULL);
	CHECK(db_exec(db, "DELETE FROM comments WHERE page_id IS NOT NULL") == DB_OK);
	clear_queue(db);

	/* An approved top-level comment: nothing. Spam, trash: nothing. */
	clear_queue(db);
	long long ok = add_comment(db, art, 0, "Rita Reader", "rita@example.net", "approved", 0);
	CHECK(notify_comment(db, a, ok, "Byline Daily", "http://news.example") == 0);
	long long spam = add_comment(db, art, 0, "Spammer", "s@example.net", "spam", 0);
	CHECK(notify_comment(db, a, spam, "Byline Daily", "http://news.example") == 0);
	long long spam_reply = add_comment(db, art, ok, "Spammer", "s@example.net", "spam", 0);
	CHECK(notify_comment(db, a, spam_reply, "Byline Daily", "http://news.example") == 0);
	CHECK(count_queue(db) == 0);

	/* An approved reply: the same three, "New reply", the comment's anchor;
	** never the reader replied to. */
	long long reply = add_comment(db, art, ok, "Paul Replier", "paul@example.net",
	                              "approved", 0);
	CHECK(notify_comment(db, a, reply, "Byline Daily", "http://news.example") == 3);
	CHECK_STR(queue_recipients(db, a), "admin@example.com author@example.com "
	                                   "editor@example.com");
	st = db_prepare(db, sql_first_mail);
	CHECK(db_step(st) == DB_ROW);
	subject = arena_strdup(a, db_col_text(st, 0));
	body = arena_strdup(a, db_col_text(st, 1));
	db_done(st);
	CHECK_STR(subject, "[Byline Daily] New reply on “Harbour reopens after the storm”");
	CHECK(strstr(body, "Paul Replier replied to Rita Reader") != NULL);
	CHECK(strstr(body, arena_printf(a, "/2024/06/12/harbour-reopens/#comment-%lld",
	                                reply)) != NULL);
	CHECK(strstr(body, "rita@example.net") == NULL); /* the reader replied to */

	/* A held reply says both. */
	clear_queue(db);
	long long held_reply = add_comment(db, art, ok, "New Person", "new@example.net",
	                                   "pending", 0);
	CHECK(notify_comment(db, a, held_reply, "Byline Daily", "http://news.example") == 3);
	st = db_prepare(db, sql_first_mail);
	CHECK(db_step(st) == DB_ROW && !strcmp(db_col_text(st, 0),
	      "[Byline Daily] New reply awaiting moderation on “Harbour reopens after the storm”"));
	db_done(st);

	/* Staff commenting are not told of their own comment: by email (any
	** case) or by user id. */
	clear_queue(db);
	long long by_editor = add_comment(db, art, 0, "Ed", "EDITOR@example.com", "pending", 0);
	CHECK(notify_comment(db, a, by_editor, "Byline Daily", "http://news.example") == 2);
	CHECK_STR(queue_recipients(db, a), "admin@example.com author@example.com");
	clear_queue(db);
	long long by_admin = add_comment(db, art, 0, "Ada", "ada.private@example.org", "pending",
	                                 admin);
	CHECK(notify_comment(db, a, by_admin, "Byline Daily", "http://news.example") == 2);
	CHECK_STR(queue_recipients(db, a), "author@example.com editor@example.com");

	/* An article written by an administrator: one mail to them, not two. */
	clear_queue(db);
	static const char sql_author_is_admin[] = "UPDATE articles SET author_id = ?1";
	st = db_prepare(db, sql_author_is_admin);
	db_bind_int(st, 1, admin);
	db_step(st);
	db_done(st);
	CHECK(notify_comment(db, a, held, "Byline Daily", "http://news.example") == 2);
	CHECK_STR(queue_recipients(db, a), "admin@example.com editor@example.com");

	/* No site title: no brackets.  No such comment: -1. */
	clear_queue(db);
	CHECK(notify_comment(db, a, held, "", "http://news.example") == 2);
	st = db_prepare(db, sql_first_mail);
	CHECK(db_step(st) == DB_ROW && !strncmp(db_col_text(st, 0), "New comment awaiting", 20));
	db_done(st);
	CHECK(notify_comment(db, a, 987654, "Byline Daily", "http://news.example") == -1);
	clear_queue(db);
	arena_free(a);
}

/* ---- the message ---- */

/* 1 if every line of msg ends in CRLF and no CR or LF stands alone. */
static int crlf_only(const char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (msg[i] == '\r' && (i + 1 >= len || msg[i + 1] != '\n'))
			return 0;
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r'))
			return 0;
	}
	return len >= 2 && msg[len - 2] == '\r' && msg[len - 1] == '\n';
}

static size_t longest_line(const char *msg)
{
	size_t best = 0;
	while (*msg) {
		size_t n = strcspn(msg, "\r\n");
		if (n > best)
			best = n;
		msg += n;
		msg += strspn(msg, "\r\n");
	}
	return best;
}

/* The Subject header's encoded words decoded and joined.  Allocated in a. */
static char *decode_subject(struct arena *a, const char *msg)
{
	const char *s = strstr(msg, "\r\nSubject: ");
	if (!s)
		return NULL;
	s += 11;
	struct buf out = BUF_INIT;
	for (;;) {
		if (strncmp(s, "=?UTF-8?B?", 10))
			break;
		s += 10;
		const char *end = strstr(s, "?=");
		unsigned char bin[100];
		size_t bin_len;
		if (!end || sodium_base642bin(bin, sizeof bin, s, (size_t)(end - s), NULL, &bin_len,
		                              NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
			break;
		buf_put(&out, bin, bin_len);
		s = end + 2;
		if (strncmp(s, "\r\n ", 3))
			break;
		s += 3;
	}
	char *r = arena_strdup(a, out.data ? buf_cstr(&out) : "");
	buf_free(&out);
	return r;
}

static void test_message(void)
{
	struct arena *a = arena_new();
	struct settings s = {.smtp_url = "", .smtp_from = "Byline Desk <desk@example.org>"};
	struct mailer *m = mailer_start(NULL, &s);
	struct mail ml = {
	    .id = 42,
	    .to = "editor@example.com",
	    .subject = "[Byline Daily] New comment awaiting moderation on “Harbour reopens "
	               "after the storm, and the fishing fleet sails again at dawn”",
	    .body = "Rita wrote:\r\nline two\nline three\rline four\n.\n",
	};
	struct buf b = BUF_INIT;
	mailer_message(m, &ml, 1718187300, &b); /* 2024-06-12 10:15 UTC, a Wednesday */
	const char *msg = buf_cstr(&b);
	CHECK(crlf_only(msg, b.len));
	CHECK(!strncmp(msg, "Date: Wed, 12 Jun 2024 10:15:00 +0000\r\n", 39));
	CHECK(strstr(msg, "\r\nFrom: \"Byline Desk\" <desk@example.org>\r\n") != NULL);
	CHECK(strstr(msg, "\r\nTo: editor@example.com\r\n") != NULL);
	CHECK(strstr(msg, "\r\nMessage-ID: <byline.42.") != NULL);
	CHECK(strstr(msg, "@example.org>\r\nMIME-Version: 1.0\r\n") != NULL);
	CHECK(strstr(msg, "\r\nContent-Type: text/plain; charset=utf-8\r\n") != NULL);
	CHECK(strstr(msg, "\r\nContent-Transfer-Encoding: 8bit\r\n") != NULL);
	CHECK(strstr(msg, "\r\n\r\nRita wrote:\r\nline two\r\nline three\r\nline four\r\n.\r\n") !=
	      NULL);
	CHECK(longest_line(msg) <= 78);
	char *subject = decode_subject(a, msg);
	CHECK_STR(subject, ml.subject);
	buf_free(&b);

	/* Plain short ASCII stays as it is. */
	ml.subject = "[Byline] New reply on \"Tides\"";
	ml.body = "short";
	mailer_message(m, &ml, 1718187300, &b);
	CHECK(strstr(buf_cstr(&b), "\r\nSubject: [Byline] New reply on \"Tides\"\r\n") != NULL);
	CHECK(crlf_only(b.data, b.len));
	buf_free(&b);

	/* Something that reads like an encoded word is encoded itself. */
	ml.subject = "=?UTF-8?B?SGk=?=";
	mailer_message(m, &ml, 1718187300, &b);
	CHECK_STR(decode_subject(a, buf_cstr(&b)), "=?UTF-8?B?SGk=?=");
	buf_free(&b);

	/* A line over 998 bytes: quoted-printable, short lines, and it decodes back. */
	char *line = calloc(1, 3001);
	for (int i = 0; i < 1000; i++)
		memcpy(line + 3 * i, i % 7 ? "ab " : "é=", 3);
	ml.body = line;
	mailer_message(m, &ml, 1718187300, &b);
	msg = buf_cstr(&b);
	CHECK(strstr(msg, "\r\nContent-Transfer-Encoding: quoted-printable\r\n") != NULL);
	CHECK(crlf_only(msg, b.len));
	CHECK(longest_line(msg) <= 76);
	const char *qp = strstr(msg, "\r\n\r\n") + 4;
	struct buf dec = BUF_INIT;
	for (const char *p = qp; *p;) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=') {
			char hex[3] = {p[1], p[2], 0};
			buf_putc(&dec, (char)strtol(hex, NULL, 16));
			p += 3;
		} else if (p[0] == '\r' && p[1] == '\n') {
			buf_putc(&dec, '\n');
			p += 2;
		} else {
			buf_putc(&dec, *p++);
		}
	}
	CHECK(dec.len == strlen(line) + 1 && !strncmp(buf_cstr(&dec), line, strlen(line)));
	buf_free(&dec);
	buf_free(&b);
	free(line);
	mailer_stop(m);

	/* A missing or bad smtp_from falls back to a plain address. */
	struct settings s2 = {.smtp_url = "", .smtp_from = "not an address\r\nBcc: x@y.z"};
	m = mailer_start(NULL, &s2);
	ml.body = "x";
	mailer_message(m, &ml, 1718187300, &b);
	CHECK(strstr(buf_cstr(&b), "\r\nFrom: <byline@localhost>\r\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "Bcc") == NULL);
	buf_free(&b);
	mailer_stop(m);
	/* A name that is not ASCII becomes an encoded word. */
	struct settings s3 = {.smtp_url = "", .smtp_from = "Rédaction <desk@example.org>"};
	m = mailer_start(NULL, &s3);
	mailer_message(m, &ml, 1718187300, &b);
	CHECK(strstr(buf_cstr(&b), "\r\nFrom: =?UTF-8?B?UsOpZGFjdGlvbg==?= <desk@example.org>\r\n")
	      != NULL);
	buf_free(&b);
	mailer_stop(m);
	mailer_wake(NULL);
	mailer_stop(NULL);
	arena_free(a);
}

/* ---- the sender thread, without a mail server ---- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A loopback listener that never accepts: the kernel completes the TCP
** handshake, and no SMTP greeting ever comes.  Returns the fd; *port set. */
static int black_hole(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof sa;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 8) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A loopback port nobody listens on (bound, then closed). */
static int closed_port(void)
{
	int port = 0;
	int fd = black_hole(&port);
	close(fd);
	return port;
}

static void test_sender(struct db *db)
{
	char err[256];
	struct db_pool *pool = db_pool_new(db_path, 2, err, sizeof err);
	CHECK(pool != NULL);
	if (!pool)
		return;

	/* No smtp_url: the queue is never touched. */
	clear_queue(db);
	long long id = mail_enqueue(db, "editor@example.com", "Queued", "body");
	struct settings off = {.smtp_url = "", .smtp_from = "desk@example.org"};
	struct mailer *m = mailer_start(pool, &off);
	CHECK(!mailer_is_sending(m) && !mailer_is_sending(NULL));
	mailer_wake(m);
	usleep(1500 * 1000);
	mailer_stop(m);
	struct row r;
	CHECK(read_row(db, id, &r) && r.attempts == 0 && r.sent_at == 0 && !*r.last_error);

	/* Connection refused: one failed attempt, retried in 30 s. */
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", closed_port());
	struct settings refused = {.smtp_url = url, .smtp_from = "desk@example.org"};
	long long t0 = (long long)time(NULL);
	m = mailer_start(pool, &refused);
	CHECK(mailer_is_sending(m));
	mailer_wake(m);
	for (int i = 0; i < 50 && read_row(db, id, &r) && r.attempts == 0; i++)
		usleep(100 * 1000);
	mailer_stop(m);
	CHECK(read_row(db, id, &r) && r.attempts == 1 && r.sent_at == 0 && *r.last_error);
	CHECK(r.next_at >= t0 + 30 && r.next_at <= t0 + 40);
	if (r.attempts != 1 || !*r.last_error)
		fprintf(stderr, "  attempts %lld, error '%s'\n", r.attempts, r.last_error);

	/* A server that accepts and never answers: stop returns promptly, and
	** the interrupted mail is neither failed nor sent. */
	clear_queue(db);
	id = mail_enqueue(db, "editor@example.com", "Queued", "body");
	int port;
	int hole = black_hole(&port);
	CHECK(hole >= 0);
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	struct settings silent = {.smtp_url = url, .smtp_from = "desk@example.org"};
	m = mailer_start(pool, &silent);
	usleep(1500 * 1000); /* the send is waiting for a greeting now */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	mailer_stop(m);
	double took = seconds_since(&ts);
	CHECK(took < 2.5);
	if (took >= 2.5)
		fprintf(stderr, "  mailer_stop took %.2f s\n", took);
	CHECK(read_row(db, id, &r) && r.attempts == 0 && r.sent_at == 0);
	close(hole);
	db_pool_free(pool);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/byline-mailq-XXXXXX");
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
	test_address();
	test_queue(db);
	test_notify(db);
	test_message();
	test_sender(db);
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
