/*
** queues.c: counts of the background queues' waiting rows (queues.h).
*/
#include "model/queues.h"
#include "db/db.h"

static long long count(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	if (!st)
		return -1;
	long long n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

int queue_depths_read(struct db *db, struct queue_depths *out)
{
	out->mail = count(db, "SELECT COUNT(*) FROM mail_queue WHERE sent_at IS NULL");
	out->webhooks = count(db, "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at "
	                          "IS NULL AND gave_up_at IS NULL");
	long long in = count(db, "SELECT COUNT(*) FROM webmentions_in WHERE done_at IS NULL");
	long long outq = count(db, "SELECT COUNT(*) FROM webmentions_out WHERE done_at IS NULL");
	out->webmentions = in < 0 || outq < 0 ? -1 : in + outq;
	out->media = count(db, "SELECT COUNT(*) FROM media WHERE normalized = 0");
	return out->mail < 0 || out->webhooks < 0 || out->webmentions < 0 || out->media < 0
	           ? -1
	           : 0;
}
