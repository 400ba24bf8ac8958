/*
** speller.h: the dictionary of the site's language, through hunspell.
**
** One dictionary per language is loaded the first time it is asked for
** (reading en_US takes a tenth of a second) and kept for the life of the
** process; hunspell's handles are not safe to share between threads, so
** each call takes the speller's lock.  Debian installs the dictionaries
** as /usr/share/hunspell/LANG.aff and LANG.dic (hunspell-en-us,
** hunspell-en-gb); BYLINE_HUNSPELL_DIR names another folder.
*/
#ifndef BYLINE_MODEL_SPELLER_H
#define BYLINE_MODEL_SPELLER_H

struct arena;
struct speller;

/* The speller of language "en-US" or "en-GB" (a '-' or '_' between the
** parts), loaded once; NULL if its dictionary is not installed.  Shared:
** never freed by the caller. */
struct speller *speller_get(const char *language);

/* 1 if the dictionary knows word (UTF-8; capitalised forms of lowercase
** words are known, as hunspell decides). */
int speller_known(struct speller *s, const char *word);

/* The dictionary's first suggestion for word, or NULL.  Allocated in a. */
char *speller_suggest(struct speller *s, struct arena *a, const char *word);

#endif
