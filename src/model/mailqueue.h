/*
** mailqueue.h: outgoing mail, stored first and sent later.
**
** A request never talks to a mail server: it adds rows to mail_queue (one per
** recipient) and returns.  The sender thread (web/mailer.c) takes the rows
** that are due, sends them, and marks each sent or failed.  A failed mail is
** retried with a growing delay (mail_retry_at) and given up after
** MAIL_MAX_ATTEMPTS attempts; a given-up row stays in the table with its
** last_error for a person to read, and is never due again.
**
** What goes in is checked here, once, so that nothing stored can turn into
** extra headers or recipients when the message is written: the address is a
** plain addr-spec (no name, no brackets, no spaces, no CR or LF), the
** subject has its control characters (CR and LF among them) replaced by
** spaces, and subject and body must be valid UTF-8.
*/
#ifndef BYLINE_MODEL_MAILQUEUE_H
#define BYLINE_MODEL_MAILQUEUE_H

#include <stddef.h>

struct db;
struct arena;

#define MAIL_MAX_ATTEMPTS 8       /* the 8th failure gives a mail up */
#define MAIL_MAX_SUBJECT 900      /* bytes, after control characters are replaced */
#define MAIL_MAX_BODY (1 << 20)   /* bytes */
#define MAIL_REFUSED (-2)         /* mail_enqueue: bad address or text */

/* A queued mail, as the sender needs it. */
struct mail {
	long long id;            /* mail_queue.id */
	const char *to;          /* a plain address, checked at enqueue */
	const char *subject;     /* UTF-8, no control characters */
	const char *body;        /* UTF-8 plain text, LF or CRLF line ends */
	int attempts;            /* failed attempts so far */
};

/* Queues one mail to `to`, due at once.  The subject's control characters
** are replaced by spaces (a header cannot be split through it).  Returns the
** new row's id; MAIL_REFUSED if `to` is not a plain address (email_valid()),
** or subject or body is not valid UTF-8 or too long; -1 if the database
** failed. */
long long mail_enqueue(struct db *db, const char *to, const char *subject,
                       const char *body);

/* Up to `limit` mails not yet sent, not given up, and due at `now`, oldest
** due first.  *n gets the count.  Allocated in a (NULL with *n = 0 on a
** database error). */
struct mail *mail_due(struct db *db, struct arena *a, long long now, int limit,
                      size_t *n);

/* Claims up to limit mails due at now for this sender, as mail_due lists
** them: each one's next try moves to lease_until, so no other node's
** sender takes it meanwhile, and one whose sender died before it was marked
** sent or failed is due again then.  A mail another sender claimed first is
** left out.  NULL with *n 0 when none (or on error). */
struct mail *mail_claim(struct db *db, struct arena *a, long long now, long long lease_until,
                        int limit, size_t *n);

/* Gives a claimed mail back, due at now (the sender stopped before trying
** it).  0, or -1. */
int mail_unclaim(struct db *db, long long id, long long now);

/* Marks a mail sent (now).  0, 1 if no such unsent mail, -1 on error. */
int mail_sent(struct db *db, long long id);

/* Records a failed attempt: attempts + 1, last_error = error (cut to 500
** bytes), next try at next_at.  Returns 0 if the mail will be tried again, 1
** if that was its last attempt (it is kept, never due again), -1 on error or
** if there is no such unsent mail. */
int mail_failed(struct db *db, long long id, const char *error, long long next_at);

/* When to try again after the attempts-th failed attempt (1, 2, ...): now +
** 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h.  The value is not used after the
** MAIL_MAX_ATTEMPTS-th failure, which gives the mail up. */
long long mail_retry_at(int attempts, long long now);

#endif
