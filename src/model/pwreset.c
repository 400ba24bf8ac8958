/*
** pwreset.c: set-password mails and forgotten-password requests (see
** pwreset.h for why requests are queued, and the limits).
*/
#include "model/pwreset.h"
#include "model/account.h"
#include "model/gate.h"
#include "model/mailqueue.h"
#include "model/settings.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/netaddr.h"
#include "db/db.h"
#include "render/i18n.h"

#include <string.h>
#include <time.h>

/* ?1 email, ?2 ip key, ?3 now, ?4 window start, ?5 and ?6 the limits. */
static const char sql_request[] =
    "INSERT INTO reset_requests(email, ip, at) SELECT ?1, ?2, ?3"
    " WHERE (SELECT count(*) FROM reset_requests WHERE email = ?1 AND at > ?4) < ?5"
    " AND (SELECT count(*) FROM reset_requests WHERE ip = ?2 AND at > ?4) < ?6"
    " RETURNING id";
static const char sql_oldest_email[] =
    "SELECT count(*), min(at) FROM reset_requests WHERE email = ?1 AND at > ?2";
static const char sql_oldest_ip[] =
    "SELECT count(*), min(at) FROM reset_requests WHERE ip = ?1 AND at > ?2";
static const char sql_todo[] =
    "SELECT id, email FROM reset_requests WHERE done_at IS NULL ORDER BY id LIMIT 20";
/* done_at IS NULL: a request another worker took meanwhile (a second node
** leading for a moment) is not mailed twice. */
static const char sql_done[] =
    "UPDATE reset_requests SET done_at = ?2 WHERE id = ?1 AND done_at IS NULL";
static const char sql_prune[] = "DELETE FROM reset_requests WHERE at < ?1 AND done_at IS NOT NULL";

char *pwreset_path(struct arena *a, const char *token)
{
	return arena_printf(a, "/admin/password?token=%s", token);
}

long long pwreset_mail(struct db *db, const struct account *acct, const char *link,
                       const char *site, int invite)
{
	const char *name = site && *site ? site : DN_("the site");
	struct buf subject, body;
	buf_init(&subject);
	buf_init(&body);
	/* Desk strings (DN_: po/desk.pot; the desk is English for now), each
	** %s kept in its order by a translation. */
	buf_printf(&subject, invite ? DN_("You are invited to %s") : DN_("Set a new password for %s"),
	           name);
	buf_printf(&body, DN_("Hello %s,"), acct->name);
	buf_puts(&body, "\n\n");
	if (invite)
		buf_printf(&body, DN_("An account on %s was made for you (%s). To choose your "
		                      "password and sign in, open this link:"), name, acct->email);
	else
		buf_printf(&body, DN_("Someone asked to set a new password for your account on %s "
		                      "(%s). To choose one, open this link:"), name, acct->email);
	buf_printf(&body, "\n\n%s\n\n%s%s\n", link, DN_("The link works once, for 24 hours."),
	           invite ? "" : DN_(" If you did not ask, ignore this mail: your password "
	                             "stays as it is."));
	long long id = mail_enqueue(db, acct->email, buf_cstr(&subject), buf_cstr(&body));
	buf_free(&subject);
	buf_free(&body);
	return id;
}

/* Steps st (a bound sql_oldest_*): if it counts `limit` requests or more,
** the seconds until the oldest leaves the window; else 0. */
static long wait_for(struct db_stmt *st, long long limit, long long now)
{
	long wait = 0;
	if (db_step(st) == DB_ROW && db_col_int(st, 0) >= limit)
		wait = (long)(db_col_int(st, 1) + PWRESET_WINDOW - now);
	db_done(st);
	return wait > 0 ? wait : 0;
}

long long pwreset_request(struct db *db, struct arena *a, const char *email, const char *ip,
                          long *wait)
{
	const char *who = account_normal_email(a, email);
	const char *from = netaddr_client(a, ip);
	long long now = (long long)time(NULL);
	*wait = 0;
	/* One request of an address or for an address at a time, on any engine
	** (gate.h): the counts then see every request stored before. */
	int own = !db_in_transaction(db) && db_begin(db) == DB_OK;
	long long id = -1;
	struct db_stmt *st;
	if (gate_take2(db, who, from) == 0) {
		st = db_prepare(db, sql_request);
		db_bind_text(st, 1, who);
		db_bind_text(st, 2, from);
		db_bind_int(st, 3, now);
		db_bind_int(st, 4, now - PWRESET_WINDOW);
		db_bind_int(st, 5, PWRESET_MAX_EMAIL);
		db_bind_int(st, 6, PWRESET_MAX_IP);
		int rc = db_step(st);
		id = rc == DB_ROW ? db_col_int(st, 0) : rc == DB_OK ? 0 : -1;
		db_done(st);
	}
	if (own) {
		if (id > 0 && db_commit(db) != DB_OK)
			id = -1;
		else if (id <= 0)
			db_rollback(db);
	}
	if (id != 0)
		return id;
	st = db_prepare(db, sql_oldest_email);
	db_bind_text(st, 1, who);
	db_bind_int(st, 2, now - PWRESET_WINDOW);
	long w1 = wait_for(st, PWRESET_MAX_EMAIL, now);
	st = db_prepare(db, sql_oldest_ip);
	db_bind_text(st, 1, from);
	db_bind_int(st, 2, now - PWRESET_WINDOW);
	long w2 = wait_for(st, PWRESET_MAX_IP, now);
	*wait = w1 > w2 ? w1 : w2;
	if (*wait < 1)
		*wait = 1;
	return 0;
}

/* Works one request (its row marked done in the same transaction as the
** link and the mail).  1 mailed, 0 not, -1 error. */
static int work_one(struct db *db, struct arena *a, long long id, const char *email,
                    const char *base, const char *site, long long now)
{
	struct account acct;
	int found = account_by_email(db, a, email, &acct);
	int mailed = 0;
	char *token = NULL;
	if (found == 0 && !acct.suspended_at && acct.role != ROLE_NONE && *base)
		token = account_link_new(db, a, acct.id, PWRESET_LINK_SECONDS);
	if (db_begin(db) != DB_OK)
		return -1;
	/* The request is marked done first: on PostgreSQL its row stays locked
	** to this transaction, and a worker that finds it done leaves it. */
	struct db_stmt *st = db_prepare(db, sql_done);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		goto fail;
	if (db_changes(db) != 1) {
		db_rollback(db);
		return 0;
	}
	if (token) {
		long long m = pwreset_mail(db, &acct,
		                           arena_printf(a, "%s%s", base, pwreset_path(a, token)),
		                           site, 0);
		if (m == -1)
			goto fail;
		mailed = m > 0;
	}
	if (db_commit(db) != DB_OK)
		goto fail;
	return mailed;
fail:
	db_rollback(db);
	return -1;
}

int pwreset_work(struct db *db, long long now)
{
	struct arena *a = arena_new();
	long long ids[20];
	const char *emails[20];
	size_t n = 0;
	struct db_stmt *st = db_prepare(db, sql_todo);
	while (n < 20 && db_step(st) == DB_ROW) {
		ids[n] = db_col_int(st, 0);
		emails[n] = arena_strdup(a, db_col_text(st, 1));
		n++;
	}
	db_done(st);
	int mailed = 0;
	if (n) {
		char *base = settings_get(db, a, "base_url");
		char *site = settings_get(db, a, "site_title");
		size_t len = base ? strlen(base) : 0;
		while (len && base[len - 1] == '/')
			base[--len] = 0;
		for (size_t i = 0; i < n && mailed >= 0; i++) {
			int rc = work_one(db, a, ids[i], emails[i], base ? base : "", site, now);
			mailed = rc < 0 ? -1 : mailed + rc;
		}
		if (mailed > 0)
			log_info("forgotten password: %d mail%s queued", mailed, mailed == 1 ? "" : "s");
		/* Old rows go only when there was work: an idle site writes nothing. */
		st = db_prepare(db, sql_prune);
		db_bind_int(st, 1, now - 24 * 3600);
		db_step(st);
		db_done(st);
	}
	arena_free(a);
	return mailed;
}
