/*
** speller.c: hunspell behind speller.h, one handle per language, each
** behind a lock.
*/
#include "model/speller.h"
#include "core/arena.h"

#include <hunspell/hunspell.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_LANGS 4

struct speller {
	char lang[16];          /* "en_US" */
	Hunhandle *h;           /* hunspell's handle */
	pthread_mutex_t lock;   /* hunspell is not thread-safe */
};

static struct speller spellers[N_LANGS];
static int n_spellers;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

struct speller *speller_get(const char *language)
{
	char lang[16];
	size_t n = 0;
	for (; language && language[n] && n + 1 < sizeof lang; n++)
		lang[n] = language[n] == '-' ? '_' : language[n];
	lang[n] = 0;
	if (n < 2 || strspn(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") != n)
		return NULL;
	struct speller *found = NULL;
	pthread_mutex_lock(&table_lock);
	for (int i = 0; i < n_spellers && !found; i++)
		if (!strcmp(spellers[i].lang, lang))
			found = &spellers[i];
	if (!found && n_spellers < N_LANGS) {
		const char *dir = getenv("BYLINE_HUNSPELL_DIR");
		if (!dir || !*dir)
			dir = "/usr/share/hunspell";
		char aff[512], dic[512];
		snprintf(aff, sizeof aff, "%s/%s.aff", dir, lang);
		snprintf(dic, sizeof dic, "%s/%s.dic", dir, lang);
		if (access(aff, R_OK) == 0 && access(dic, R_OK) == 0) {
			struct speller *s = &spellers[n_spellers];
			s->h = Hunspell_create(aff, dic);
			if (s->h) {
				snprintf(s->lang, sizeof s->lang, "%s", lang);
				pthread_mutex_init(&s->lock, NULL);
				n_spellers++;
				found = s;
			}
		}
	}
	pthread_mutex_unlock(&table_lock);
	return found;
}

int speller_known(struct speller *s, const char *word)
{
	if (!s || !*word || strlen(word) > 100)
		return 0;
	pthread_mutex_lock(&s->lock);
	int ok = Hunspell_spell(s->h, word) != 0;
	pthread_mutex_unlock(&s->lock);
	return ok;
}

char *speller_suggest(struct speller *s, struct arena *a, const char *word)
{
	if (!s || !*word || strlen(word) > 100)
		return NULL;
	char **list = NULL;
	pthread_mutex_lock(&s->lock);
	int n = Hunspell_suggest(s->h, &list, word);
	char *best = n > 0 ? arena_strdup(a, list[0]) : NULL;
	if (list)
		Hunspell_free_list(s->h, &list, n);
	pthread_mutex_unlock(&s->lock);
	return best;
}
