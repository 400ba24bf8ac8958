/*
** pwreset.h: mails that carry a set-password link (an invitation, a
** forgotten password), and the forgotten-password requests.
**
** A request from the sign-in page ("I forgot my password") is stored as a
** row of reset_requests whether or not an account has the address, and the
** answer is sent at once: the scheduler thread works the rows later
** (pwreset_work()), looking the address up and queueing the mail only for
** an active account.  So the answer, and its time, are the same for a known
** and an unknown address.
**
** The rows are also the rate limit, counted over PWRESET_WINDOW: at most
** PWRESET_MAX_EMAIL requests for one address (from anywhere: one inbox
** must not be flooded) and PWRESET_MAX_IP from one client (its address key,
** an IPv6 /64 as one; generous, since a newsroom or a campus behind one NAT
** shares it).  A request past either limit is refused and not stored.
*/
#ifndef BYLINE_MODEL_PWRESET_H
#define BYLINE_MODEL_PWRESET_H

struct db;
struct arena;
struct account;

#define PWRESET_WINDOW 3600     /* seconds a request counts */
#define PWRESET_MAX_EMAIL 3     /* per address (the account's), per window */
#define PWRESET_MAX_IP 30       /* per client address, per window */
#define PWRESET_LINK_SECONDS (24 * 3600) /* how long a mailed link works */

/* The path of the set-password page for a link token ("/admin/password?token=…").
** Allocated in a. */
char *pwreset_path(struct arena *a, const char *token);

/* Queues the mail that carries a set-password link to acct's email:
** `invite` 1 for a new account's invitation, 0 for a reset.  link is the
** whole link (base_url and the path), site the site's title.  Returns the
** mail's id, MAIL_REFUSED if the address cannot be mailed, -1 on error. */
long long pwreset_mail(struct db *db, const struct account *acct, const char *link,
                       const char *site, int invite);

/* Records a forgotten-password request for `email` (as typed) from client
** address ip, if both are under their limits, in one statement (requests
** at once cannot pass a limit together).  Returns the row's id (> 0); 0 if
** over a limit, with *wait the seconds until one may ask again (>= 1); -1 on
** a database error. */
long long pwreset_request(struct db *db, struct arena *a, const char *email, const char *ip,
                          long *wait);

/* Works the requests not yet worked: for each, if an active account (not
** suspended) has the address, a new link (ending its older ones) and a
** mail on base_url (the setting; with base_url unset nothing is mailed).
** Rows older than a day are deleted.  Returns the mails queued, -1 on a
** database error. */
int pwreset_work(struct db *db, long long now);

#endif
