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

/* Learns text as spam (is_spam 1) or not (0).  0 or -1. */
int spamfilter_train(struct db *db, const char *text, int is_spam);

#endif
