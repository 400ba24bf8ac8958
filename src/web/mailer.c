/*
** mailer.c: the mail sender thread.
**
** One thread, one loop: wait (for mailer_wake or one second), read up to a
** batch of due mails with a borrowed connection, give the connection back,
** then send the mails one by one, each with its own curl handle, borrowing
** a connection again only to mark the result.  The stop flag is checked
** between mails and, through curl's progress callback, about once a second
** during a send, so mailer_stop() returns promptly even while a server
** keeps us waiting.
**
** The message is written here in full (curl only adds the SMTP envelope and
** the dot-stuffing).  Everything in it was checked by mail_enqueue: the
** address is a plain addr-spec and the subject has no control characters,
** so no header can be added through them.  Line ends become CRLF whatever
** the body had (a textarea sends CRLF, our own text LF).
*/
#include "web/mailer.h"
#include "web/scheduler.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/email.h"
#include "core/log.h"
#include "db/db.h"
#include "model/mailqueue.h"
#include "model/settings.h"
#include "core/mem.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 16
/* How long a claimed mail is this sender's: past every send's time limit,
** after which, its sender dead, it is due again (on any node). */
#define MAIL_LEASE (BATCH * MAILER_TOTAL_SECONDS + 60)
#define FALLBACK_FROM "byline@localhost"

struct mailer {
	struct db_pool *pool;    /* borrowed; NULL allowed for an inert mailer */
	char *smtp_url;          /* NULL: the mailer never sends */
	char *from_addr;         /* envelope sender: a plain address */
	char *from_header;       /* the From: header's value */
	const char *domain;      /* after the '@' of from_addr (for Message-ID) */
	pthread_t thread;        /* the sender, if has_thread */
	int has_thread;          /* 1 once the thread runs */
	pthread_mutex_t mu;      /* guards is_woken */
	pthread_cond_t cv;       /* signalled by mailer_wake and mailer_stop */
	int is_woken;            /* mail was queued since the thread last looked */
	atomic_int is_stopping;  /* set once by mailer_stop; read without mu */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;       /* written once under curl_once */

static void init_curl(void)
{
	curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static char *xstrdup(const char *s)
{
	char *c = mem_strdup(s);
	return c;
}

/* ---- writing the message ---- */

static int is_plain_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/* Appends s as RFC 2047 encoded words ("=?UTF-8?B?...?="), each whole
** characters and at most 75 columns, folded with CRLF SP.  The first word
** carries at most `first` bytes so its line stays short after the header
** name. */
static void put_encoded_words(struct buf *b, const char *s, size_t n, size_t first)
{
	size_t i = 0, limit = first;
	if (n == 0)
		return;
	while (i < n) {
		size_t j = i;
		while (j < n) {
			size_t k = j + 1;
			while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
				k++;
			if (k - i > limit && j > i)
				break;
			j = k;
		}
		char b64[128];
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, j - i,
		                  sodium_base64_VARIANT_ORIGINAL);
		if (i > 0)
			buf_puts(b, "\r\n ");
		buf_printf(b, "=?UTF-8?B?%s?=", b64);
		i = j;
		limit = 45; /* 60 base64 characters + 12 = 72 columns */
	}
}

/* "Name: value" CRLF: as it is when short printable ASCII that cannot be
** read as an encoded word, else as encoded words. */
static void put_header(struct buf *b, const char *name, const char *value)
{
	size_t n = strlen(value);
	buf_printf(b, "%s: ", name);
	if (is_plain_ascii(value, n) && !strstr(value, "=?") && strlen(name) + 2 + n <= 78)
		buf_put(b, value, n);
	else
		put_encoded_words(b, value, n, 36);
	buf_puts(b, "\r\n");
}

/* RFC 5322 date in UTC, with English names whatever the locale. */
static void put_date(struct buf *b, long long now)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
	           tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	           tm.tm_sec);
}

/* Length of the line starting at s (up to CR, LF or the end). */
static size_t line_len(const char *s)
{
	return strcspn(s, "\r\n");
}

/* Steps over the line break (CRLF, CR or LF) at s. */
static const char *skip_break(const char *s)
{
	return s[0] == '\r' && s[1] == '\n' ? s + 2 : s + 1;
}

static int has_long_line(const char *s)
{
	while (*s) {
		size_t n = line_len(s);
		if (n > 998)
			return 1;
		s = s[n] ? skip_break(s + n) : s + n;
	}
	return 0;
}

/* One line as quoted-printable (RFC 2045 6.7), soft breaks before column
** 76, then CRLF. */
static void put_qp_line(struct buf *b, const char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int literal = (c >= 33 && c <= 126 && c != '=') ||
		              ((c == ' ' || c == '\t') && i + 1 < n);
		size_t w = literal ? 1 : 3;
		if (col + w > 75) {
			buf_puts(b, "=\r\n");
			col = 0;
		}
		if (literal)
			buf_putc(b, (char)c);
		else
			buf_printf(b, "=%02X", c);
		col += w;
	}
	buf_puts(b, "\r\n");
}

void mailer_message(const struct mailer *m, const struct mail *ml, long long now,
                    struct buf *out)
{
	put_date(out, now);
	buf_printf(out, "From: %s\r\n", m->from_header);
	buf_printf(out, "To: %s\r\n", ml->to);
	put_header(out, "Subject", ml->subject);
	unsigned char rnd[8];
	char hex[2 * sizeof rnd + 1];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	buf_printf(out, "Message-ID: <byline.%lld.%s@%s>\r\n", ml->id, hex, m->domain);
	buf_puts(out, "MIME-Version: 1.0\r\n"
	              "Content-Type: text/plain; charset=utf-8\r\n");
	int qp = has_long_line(ml->body);
	buf_printf(out, "Content-Transfer-Encoding: %s\r\n", qp ? "quoted-printable" : "8bit");
	buf_puts(out, "Auto-Submitted: auto-generated\r\n\r\n");
	for (const char *s = ml->body; *s;) {
		size_t n = line_len(s);
		if (qp)
			put_qp_line(out, s, n);
		else {
			buf_put(out, s, n);
			buf_puts(out, "\r\n");
		}
		s = s[n] ? skip_break(s + n) : s + n;
	}
}

/* ---- sending ---- */

struct upload {
	const char *data;        /* the message */
	size_t len;              /* its length */
	size_t pos;              /* bytes handed to curl so far */
};

static size_t read_message(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = u->len - u->pos, room = size * nmemb;
	if (n > room)
		n = room;
	memcpy(dst, u->data + u->pos, n);
	u->pos += n;
	return n;
}

/* Called by curl about once a second even while it waits: non-zero ends
** the transfer (CURLE_ABORTED_BY_CALLBACK). */
static int check_stop(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                      curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	struct mailer *m = arg;
	return atomic_load(&m->is_stopping) ? 1 : 0;
}

enum send_result { SENT, FAILED, STOPPED };

/* Sends one mail; on FAILED, err says why. */
static enum send_result send_one(struct mailer *m, const struct mail *ml, char *err,
                                 size_t errlen)
{
	struct buf msg = BUF_INIT;
	mailer_message(m, ml, (long long)time(NULL), &msg);
	struct upload up = {msg.data, msg.len, 0};
	char from[300], to[300], curl_err[CURL_ERROR_SIZE] = "";
	snprintf(from, sizeof from, "<%s>", m->from_addr);
	snprintf(to, sizeof to, "<%s>", ml->to);

	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	if (!c || !rcpt) {
		curl_slist_free_all(rcpt);
		curl_easy_cleanup(c);
		buf_free(&msg);
		snprintf(err, errlen, "could not set up the mail transfer");
		return FAILED;
	}
	curl_easy_setopt(c, CURLOPT_URL, m->smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)MAILER_CONNECT_SECONDS);
	curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)MAILER_RESPONSE_SECONDS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)MAILER_TOTAL_SECONDS);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, check_stop);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, m);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	buf_free(&msg);
	if (rc == CURLE_OK)
		return SENT;
	if (rc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&m->is_stopping))
		return STOPPED;
	/* The URL is never in the message: it may hold a password. */
	snprintf(err, errlen, "%s", *curl_err ? curl_err : curl_easy_strerror(rc));
	return FAILED;
}

/* Sends what is due.  Returns 1 if a full batch was found (more may wait). */
static int send_due(struct mailer *m)
{
	struct arena *a = arena_new();
	size_t n = 0;
	if (!db_leader(m->pool, LEADER_LOCK)) { /* another node sends */
		arena_free(a);
		return 0;
	}
	struct db *db = db_pool_get(m->pool);
	long long now0 = (long long)time(NULL);
	struct mail *due = mail_claim(db, a, now0, now0 + MAIL_LEASE, BATCH, &n);
	db_pool_put(m->pool, db);
	size_t i = 0;
	for (; i < n && !atomic_load(&m->is_stopping); i++) {
		char err[CURL_ERROR_SIZE + 64];
		enum send_result r = send_one(m, &due[i], err, sizeof err);
		if (r == STOPPED)
			break;
		db = db_pool_get(m->pool);
		if (r == SENT) {
			if (mail_sent(db, due[i].id) < 0)
				log_warn("mail %lld was sent but could not be marked sent", due[i].id);
		} else {
			long long now = (long long)time(NULL);
			int gave_up = mail_failed(db, due[i].id, err,
			                          mail_retry_at(due[i].attempts + 1, now));
			if (gave_up == 1)
				log_warn("mail %lld not sent after %d attempts, given up: %s", due[i].id,
				         MAIL_MAX_ATTEMPTS, err);
			else
				log_warn("mail %lld not sent (will retry): %s", due[i].id, err);
		}
		db_pool_put(m->pool, db);
	}
	if (i < n) { /* stopped: what was claimed and not tried is due again */
		struct db *db2 = db_pool_get(m->pool);
		for (; i < n; i++)
			mail_unclaim(db2, due[i].id, (long long)time(NULL));
		db_pool_put(m->pool, db2);
	}
	arena_free(a);
	return n == BATCH;
}

static void *run(void *arg)
{
	struct mailer *m = arg;
	int more = 1; /* look at once at start: mail may be waiting */
	while (!atomic_load(&m->is_stopping)) {
		if (!more) {
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += 1;
			pthread_mutex_lock(&m->mu);
			while (!m->is_woken && !atomic_load(&m->is_stopping))
				if (pthread_cond_timedwait(&m->cv, &m->mu, &until) != 0)
					break; /* a second went by */
			m->is_woken = 0;
			pthread_mutex_unlock(&m->mu);
			if (atomic_load(&m->is_stopping))
				break;
		}
		more = send_due(m);
	}
	return NULL;
}

/* ---- starting and stopping ---- */

/* Reads smtp_from ("addr" or "Name <addr>") into m's from fields; warns
** about a missing or bad one if is_sending. */
static void set_from(struct mailer *m, const char *smtp_from, int is_sending)
{
	const char *lt = strrchr(smtp_from, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	char *addr, *name = NULL;
	if (lt && gt) {
		addr = mem_strndup(lt + 1, (size_t)(gt - lt - 1));
		const char *s = smtp_from, *e = lt;
		while (*s == ' ' || *s == '"')
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '"'))
			e--;
		name = mem_strndup(s, (size_t)(e - s));
	} else {
		addr = mem_strdup(smtp_from);
	}
	if (!email_valid(addr)) {
		if (is_sending)
			log_warn("smtp_from %s: mail is sent from %s",
			         *smtp_from ? "is not an address" : "is not set", FALLBACK_FROM);
		free(addr);
		free(name);
		addr = xstrdup(FALLBACK_FROM);
		name = NULL;
	}
	struct buf h = BUF_INIT;
	size_t name_len = name ? strlen(name) : 0;
	if (name_len && !strpbrk(name, "\"\\") && is_plain_ascii(name, name_len)) {
		buf_printf(&h, "\"%s\" ", name);
	} else if (name_len) {
		/* Control characters go; the rest travels as encoded words. */
		for (char *c = name; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = ' ';
		put_encoded_words(&h, name, name_len, 36);
		buf_putc(&h, ' ');
	}
	buf_printf(&h, "<%s>", addr);
	free(name);
	m->from_addr = addr;
	m->from_header = xstrdup(buf_cstr(&h));
	m->domain = strchr(addr, '@') + 1;
	buf_free(&h);
}

struct mailer *mailer_start(struct db_pool *pool, const struct settings *s)
{
	struct mailer *m = mem_calloc(1, sizeof *m);
	m->pool = pool;
	atomic_init(&m->is_stopping, 0);
	int is_sending = s->smtp_url && *s->smtp_url && pool;
	set_from(m, s->smtp_from ? s->smtp_from : "", is_sending);
	if (!is_sending)
		return m; /* inert: nothing is read, nothing is sent */
	pthread_once(&curl_once, init_curl);
	if (!curl_ready) {
		log_warn("libcurl could not be initialised: no mail will be sent");
		return m;
	}
	if (sodium_init() < 0)
		die("libsodium could not be initialised");
	m->smtp_url = xstrdup(s->smtp_url);
	pthread_mutex_init(&m->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* Signals belong to the thread that waits for them (cmd_serve's
	** sigwait); the sender never takes one, whenever it was started. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&m->thread, NULL, run, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		die("cannot start the mail sender thread");
	m->has_thread = 1;
	return m;
}

int mailer_is_sending(const struct mailer *m)
{
	return m && m->has_thread;
}

void mailer_wake(struct mailer *m)
{
	if (!m || !m->has_thread)
		return;
	pthread_mutex_lock(&m->mu);
	m->is_woken = 1;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
}

void mailer_stop(struct mailer *m)
{
	if (!m)
		return;
	if (m->has_thread) {
		pthread_mutex_lock(&m->mu);
		atomic_store(&m->is_stopping, 1);
		pthread_cond_signal(&m->cv);
		pthread_mutex_unlock(&m->mu);
		pthread_join(m->thread, NULL);
		pthread_cond_destroy(&m->cv);
		pthread_mutex_destroy(&m->mu);
	}
	free(m->smtp_url);
	free(m->from_addr);
	free(m->from_header);
	free(m);
}
