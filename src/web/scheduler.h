/*
** scheduler.h: publishes scheduled articles on time, with no request
** needed (WordPress's "Missed schedule" cannot happen here).
**
** A thread checks every quarter second for scheduled articles whose time
** has come and publishes them; scheduler_start() first publishes any that
** came due while the server was down.
**
** With several nodes on one database, this and the other background
** workers (mailer, webhooker, media worker) work only while db_leader()
** says this node leads, under the one lock named LEADER_LOCK: one node at a
** time, another taking over within seconds of its death.
*/
#ifndef BYLINE_WEB_SCHEDULER_H
#define BYLINE_WEB_SCHEDULER_H

/* The name of the leader's lock (db_leader), the same on every node. */
#define LEADER_LOCK "byline background work"

struct db_pool;
struct scheduler;

struct scheduler *scheduler_start(struct db_pool *pool);
void scheduler_stop(struct scheduler *s);

#endif
