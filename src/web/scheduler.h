/*
** scheduler.h: publishes scheduled articles on time, with no request
** needed (WordPress's "Missed schedule" cannot happen here).
**
** A thread checks every quarter second for scheduled articles whose time
** has come and publishes them; scheduler_start() first publishes any that
** came due while the server was down.
*/
#ifndef BYLINE_WEB_SCHEDULER_H
#define BYLINE_WEB_SCHEDULER_H

struct db_pool;
struct scheduler;

struct scheduler *scheduler_start(struct db_pool *pool);
void scheduler_stop(struct scheduler *s);

#endif
