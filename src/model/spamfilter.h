/*
** spamfilter.h: a Bayesian filter trained by moderators' decisions.
**
** Every comment a moderator approves teaches "ham", every comment marked
** spam teaches "spam": the counts of each word (and of each linked domain)
** are kept in the database.  A new comment's words then give a probability
** that it is spam (Robinson's combining of the 15 most telling words).
** Until it has seen 5 of each, the filter abstains and the foundation's
** rules decide alone.
*/
#ifndef BYLINE_MODEL_SPAMFILTER_H
#define BYLINE_MODEL_SPAMFILTER_H

struct db;

#define SPAMFILTER_MIN_TRAINING 5

/* The probability (0..1) that text is spam, or -1 while untrained. */
double spamfilter_score(struct db *db, const char *text);

/* spamfilter_score() with the totals (SPAMFILTER_SQL_TOTALS' two columns:
** comments taught as spam, as not) read already, by a caller that reads
** them with its own statement (model/comment.c: one round trip fewer). */
double spamfilter_score_given(struct db *db, const char *text, long long ns, long long nh);

/* The totals as two scalar subqueries, for a caller's SELECT list:
** spam's count, ham's count (NULL when nothing was taught yet). */
#define SPAMFILTER_SQL_TOTALS \
	"(SELECT spam FROM spam_totals WHERE id = 1), (SELECT ham FROM spam_totals WHERE id = 1)"

/* Learns text as spam (is_spam 1) or not (0).  0 or -1. */
int spamfilter_train(struct db *db, const char *text, int is_spam);

#endif
