/*
** mailer.h: the thread that sends queued mail (model/mailqueue.h) through
** the SMTP server named by the smtp_url setting, with libcurl.
**
** Requests only queue mail and call mailer_wake(); a slow or dead mail
** server holds up this thread alone.  The thread also looks at the queue at
** least once a second, so mail queued by another process (or before a
** restart) goes out without a wake.  It holds a database connection only
** while reading the queue or marking a mail, never during a send.
**
** Each send has limits: MAILER_CONNECT_SECONDS to connect,
** MAILER_RESPONSE_SECONDS for each answer of the server, MAILER_TOTAL_SECONDS
** for the whole mail.  A failed send is retried later (mail_retry_at);
** mailer_stop() interrupts a send in progress within about a second, and the
** interrupted mail is left due, not counted as failed.
**
** With smtp_url "" the mailer is inert: no thread, nothing read from or
** written to the queue; queued mail waits for a server to be set.
*/
#ifndef BYLINE_WEB_MAILER_H
#define BYLINE_WEB_MAILER_H

struct db_pool;
struct settings;
struct mail;
struct buf;

#define MAILER_CONNECT_SECONDS 10
#define MAILER_RESPONSE_SECONDS 5
#define MAILER_TOTAL_SECONDS 20

struct mailer;

/* Starts the sender.  Copies s->smtp_url and s->smtp_from (s need not
** outlive the mailer); pool must outlive it.  smtp_from may be "addr" or
** "Name <addr>"; if it is empty or not a plain address, "byline@localhost"
** is used, with a warning.  The thread blocks every signal.  Never NULL
** (dies if the thread cannot be made).  Stop with mailer_stop(). */
struct mailer *mailer_start(struct db_pool *pool, const struct settings *s);

/* 1 if m sends mail (smtp_url was set and the thread runs); 0 for an inert
** mailer or NULL.  Callers queue mail only when it is 1, so that mail is not
** stored for a server that may never be set (and sent, stale, once it is). */
int mailer_is_sending(const struct mailer *m);

/* Tells the thread new mail is queued.  Safe from any thread; m may be
** NULL. */
void mailer_wake(struct mailer *m);

/* Stops the thread (interrupting a send in progress) and frees m.  NULL is
** accepted. */
void mailer_stop(struct mailer *m);

/* The whole message for mail `ml` as it goes to the server, CRLF line ends:
** Date, From, To, Subject (RFC 2047 encoded words when not plain ASCII),
** Message-ID, MIME-Version, Content-Type (text/plain; charset=utf-8),
** Content-Transfer-Encoding (8bit, or quoted-printable if a line is longer
** than 998 bytes), Auto-Submitted, a blank line, the body.  Exposed for
** the tests. */
void mailer_message(const struct mailer *m, const struct mail *ml, long long now,
                    struct buf *out);

#endif
