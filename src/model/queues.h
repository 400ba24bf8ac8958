/*
** queues.h: how much background work waits, for /metrics.
*/
#ifndef BYLINE_MODEL_QUEUES_H
#define BYLINE_MODEL_QUEUES_H

struct db;

struct queue_depths {
	long long mail;        /* mails not yet sent (retrying ones included) */
	long long webhooks;    /* deliveries neither delivered nor given up */
	long long webmentions; /* received and outgoing ones not yet done */
	long long media;       /* uploads whose image variants are still to make */
};

/* Fills *out (-1 for a count that could not be read).  0, or -1 if any failed. */
int queue_depths_read(struct db *db, struct queue_depths *out);

#endif
