/*
** gate.c: serialising limit checks on a row every engine locks (gate.h).
*/
#include "model/gate.h"
#include "core/text.h"
#include "db/db.h"

#include <string.h>

#define GATE_ROWS 64 /* rows of the gates table (schema.c, 33) */

static const char sql_take[] = "UPDATE gates SET taken = taken + 1 WHERE slot = ?1";

static long long slot_of(const char *key)
{
	return (long long)((unsigned long long)text_hash(key, strlen(key)) % GATE_ROWS);
}

static int take_slot(struct db *db, long long slot)
{
	struct db_stmt *st = db_prepare(db, sql_take);
	db_bind_int(st, 1, slot);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int gate_take(struct db *db, const char *key)
{
	return take_slot(db, slot_of(key ? key : ""));
}

int gate_take2(struct db *db, const char *key1, const char *key2)
{
	long long a = slot_of(key1 ? key1 : ""), b = slot_of(key2 ? key2 : "");
	if (a > b) {
		long long t = a;
		a = b;
		b = t;
	}
	if (take_slot(db, a) != 0)
		return -1;
	return a == b ? 0 : take_slot(db, b);
}
