/*
** copydesk.h: the copy desk's pre-publish checks, as pure functions over an
** article's text (issue 14).
**
** copydesk_check() reads a headline, a standfirst and a Markdown body and
** returns findings: a misspelt word, a word or phrase repeated by mistake,
** quotation marks and brackets that do not pair up, a month glued to its
** day, a weekday that does not match its date, a future date in a sentence
** told in the past, a headline too long for search and social, no
** standfirst, a photo without alt text, caption or credit, and links that
** lead nowhere (internal 404s, http: where https: exists, staging hosts).
** Findings warn; nothing here refuses a save or a publication.
**
** Everything that needs the site (is this word known, does this path
** answer, does this host serve https, what caption has this photo) is asked
** through the callbacks of struct copydesk_env, so the checks run the same
** in unit tests (with a word list of their own), in the desk and in
** `byline check` (model/copydesk_site.c fills the env from the database and
** hunspell).
**
** The Markdown body is read as prose: code spans and blocks, link and image
** addresses, HTML tags, emphasis and heading markers are blanked in a copy
** of the same length before any check runs, so a finding's offset is a byte
** offset into the field as stored.
*/
#ifndef BYLINE_MODEL_COPYDESK_H
#define BYLINE_MODEL_COPYDESK_H

#include <stddef.h>

struct arena;

#define COPYDESK_HEADLINE_MAX 70 /* characters: search results and social cards cut there */

/* One thing the desk should look at before publishing. */
struct finding {
	const char *field;   /* "headline", "dek", "body", "featured" (the featured photo) */
	size_t offset;       /* byte offset of the words in the field */
	size_t length;       /* their length in bytes (0 for a finding about a whole field) */
	const char *kind;    /* one of copydesk_kinds[]: "spelling", "repeated-word", ... */
	const char *words;   /* the text pointed at, as written ("" for a whole field) */
	const char *message; /* a sentence for a person */
};

/* Every kind, in the order findings of a field are listed; NULL-terminated. */
extern const char *const copydesk_kinds[];

/* The site, as the checks see it.  Any callback may be NULL: that check (or
** that part of it) is skipped. */
struct copydesk_env {
	void *self;          /* handed to every callback */
	/* 1 if the dictionary of the site's language knows word (UTF-8, as
	** written, typographic apostrophes made straight). */
	int (*word_known)(void *self, const char *word);
	/* 1 if the site's own dictionary holds word (compared lowercased):
	** names of authors, sections and tags, words from published
	** articles, words editors added. */
	int (*site_word)(void *self, const char *word);
	/* The dictionary's best suggestion for a misspelt word, or NULL.
	** Allocated in a. */
	const char *(*suggest)(void *self, struct arena *a, const char *word);
	/* 1 if a path of this site ("/2026/12/07/slug/", "/tag/x/") answers,
	** 0 if it would answer 404. */
	int (*path_exists)(void *self, const char *path);
	/* 1 if host is known to serve https (it appears with https: in the
	** site's content, or is the site's own host on an https base_url). */
	int (*https_host)(void *self, const char *host);
	/* For a photo in the body, by its address ("/media/HASH.jpg"): its
	** caption and credit from the library.  0 found, 1 not ours. */
	int (*photo_meta)(void *self, struct arena *a, const char *url, const char **caption,
	                  const char **credit);
	const char *base_url;      /* "https://news.example.com" or "" */
	const char *staging_hosts; /* host names, separated by spaces, commas or lines;
	                              a link to one or to a subdomain of one is flagged */
	const char *language;      /* "en-US", "en-GB": named in spelling messages */
};

/* One article, as the checks read it. */
struct copydesk_input {
	const char *headline;     /* plain text */
	const char *dek;          /* the standfirst, plain text; "" for none */
	const char *body;         /* Markdown (raw HTML allowed, as editors write it) */
	long long published_at;   /* the date the copy speaks from; 0: `now` */
	long long now;            /* time of the check (unix seconds) */
	int has_featured;         /* a featured photo is set */
	const char *featured_alt;     /* its alt text */
	const char *featured_caption; /* its caption from the library */
	const char *featured_credit;  /* its credit from the library */
};

/* Runs every check on in.  Returns the findings in field order (headline,
** dek, body, featured), each field's by offset; *n gets their count.
** Allocated in a.  Never fails: text that is not UTF-8 is read byte by
** byte. */
struct finding *copydesk_check(struct arena *a, const struct copydesk_input *in,
                               const struct copydesk_env *env, size_t *n);

/* The body as prose: a copy of md, same length, with every byte that is
** not prose (code, link addresses, tags, Markdown markers) made a space;
** line ends are kept, and a line that ends a block of its own (a heading,
** a list item, a table row) ends with '\f' instead of '\n'.  Allocated in
** a.  Exposed for tests. */
char *copydesk_prose(struct arena *a, const char *md, size_t len);

/* The weekday (0 Sunday .. 6 Saturday) of a proleptic Gregorian date. */
int copydesk_weekday(int year, int month, int day);

#endif
