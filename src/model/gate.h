/*
** gate.h: transactions that check a limit and then write (a comment flood
** window, a count of sign-in attempts or reset requests) made to run one
** after another on any engine.
**
** Under SQLite's single writer two such transactions never overlap.  Where
** writers run at once (PostgreSQL, READ COMMITTED), both could check before
** either wrote, and both pass.  gate_take() updates one of the 64 rows of
** the gates table (schema.c, 33), picked by the key's hash: the engine locks
** that row until the transaction ends, so a second transaction taking the
** same key waits for the first, and its checks then see what it wrote.
** Keys that share a row wait for each other too, which costs a little
** waiting and never a wrong answer.
*/
#ifndef BYLINE_MODEL_GATE_H
#define BYLINE_MODEL_GATE_H

struct db;

/* Inside a transaction: takes the gate of key until it ends.  0, or -1 if
** the database failed (then the transaction must not write). */
int gate_take(struct db *db, const char *key);

/* The gates of two keys, in the rows' order, so that two transactions
** taking the same two never wait for each other.  0 or -1. */
int gate_take2(struct db *db, const char *key1, const char *key2);

#endif
