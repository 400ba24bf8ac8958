/*
** notify.h: telling the newsroom about new comments, by mail.
**
** A comment that waits for moderation, or a reply, queues one mail per
** member of staff who should hear of it: the article's author, and every
** administrator and editor.  Readers are never mailed (not even the one a
** reply answers), nor is the commenter themselves when they are staff.  The
** mails carry what moderators may see and the public may not (the
** commenter's email and IP), so they go to users' own addresses only.
**
** Nothing is sent here: the rows wait in mail_queue for web/mailer.c.
*/
#ifndef BYLINE_MODEL_NOTIFY_H
#define BYLINE_MODEL_NOTIFY_H

struct db;
struct arena;

/* Queues the mails about comment `comment_id` if it is held (pending) or an
** approved reply; a comment approved at once that is not a reply, and a
** comment sent to spam or trash, queue nothing.
**
** Recipients: the article's author and every user whose role is
** administrator or editor; each address once (compared without case); only
** users with an email that mail_enqueue accepts; never the commenter (the
** user the comment was posted as, or a user with the commenter's email).
**
** The subject is "[site_title] New comment awaiting moderation on “Headline”"
** (or "... New reply awaiting moderation on ..." for a held reply, and
** "[site_title] New reply on “Headline”" for an approved one; no brackets
** when site_title is "" or NULL).  The body is
** plain text: the commenter's name, email and IP, the comment as typed, the
** article's URL and the moderation inbox's (site_base_url +
** "/admin/comments?status=pending"; site_base_url has no trailing slash).
**
** Runs in its own transaction (so call it outside one, after the comment is
** committed): all the mails are queued or none.  Temporary memory comes from
** a.  Returns the number of mails queued (0 when nothing is due), or -1 if
** the comment does not exist or the database failed. */
int notify_comment(struct db *db, struct arena *a, long long comment_id,
                   const char *site_title, const char *site_base_url);

#endif
