/*
** test_copydesk.c: the copy desk's checks (model/copydesk.c), each with
** cases it must flag and cases it must leave alone; then the measured
** figures: recall on the mistakes planted in tests/fixtures/copydesk/ (all
** of them must be flagged) and false alarms per 1,000 words of the same
** articles clean (fewer than one); then the reference article in
** ../shared/reference/, which went out with misspellings, a phrase repeated
** within a sentence and a date glued to its month.
**
** Spelling uses the real hunspell dictionaries (hunspell-en-us and
** hunspell-en-gb); where they are missing the spelling tests are skipped.
*/
#include "test.h"
#include "core/arena.h"
#include "model/copydesk.h"
#include "model/speller.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- a site for the checks ---- */

struct site {
	struct speller *sp;        /* the dictionary */
	const char *const *words;  /* the site's own words, lowercased */
	const char *const *paths;  /* paths that answer */
	const char *const *https;  /* hosts known to serve https */
};

static int s_known(void *self, const char *w)
{
	struct site *s = self;
	return speller_known(s->sp, w);
}

static int s_site_word(void *self, const char *w)
{
	struct site *s = self;
	for (int i = 0; s->words && s->words[i]; i++)
		if (!strcasecmp(s->words[i], w))
			return 1;
	return 0;
}

static const char *s_suggest(void *self, struct arena *a, const char *w)
{
	struct site *s = self;
	return speller_suggest(s->sp, a, w);
}

static int s_path(void *self, const char *path)
{
	struct site *s = self;
	for (int i = 0; s->paths && s->paths[i]; i++)
		if (!strcmp(s->paths[i], path))
			return 1;
	return 0;
}

static int s_https(void *self, const char *host)
{
	struct site *s = self;
	for (int i = 0; s->https && s->https[i]; i++)
		if (!strcmp(s->https[i], host))
			return 1;
	return 0;
}

static int s_photo(void *self, struct arena *a, const char *url, const char **caption,
                   const char **credit)
{
	(void)self;
	(void)a;
	if (strncmp(url, "/media/", 7))
		return 1;
	/* The library knows one photo with its caption and credit. */
	int full = !strcmp(url, "/media/full.jpg");
	*caption = full ? "The harbour at dawn." : "";
	*credit = full ? "Ana Reyes" : "";
	return 0;
}

static const char *const site_words[] = {"okonkwo", "byline", NULL};
static const char *const site_paths[] = {
    "/", "/category/city/", "/tag/budget/", "/2026/11/18/harbour-council-opens-budget-talks/",
    "/category/sport/", "/2026/11/12/academy-graduate-kofi-mensah/", "/category/health/",
    "/tag/election-2026/", "/category/courts/", "/2026/11/05/winter-sky-guide/",
    "/category/culture/", "/tag/schools/", "/media/full.jpg", "/media/bare.jpg", NULL,
};
static const char *const https_hosts[] = {
    "www.example.org", "data.example.gov", "investors.example.com", "quayside.example.org",
    "news.example.com", NULL,
};

static struct site g_site;
static struct copydesk_env g_env;
static int have_us, have_gb;

static void use_language(const char *lang)
{
	g_site.sp = speller_get(lang);
	g_env.language = lang;
}

static void env_init(void)
{
	g_site.words = site_words;
	g_site.paths = site_paths;
	g_site.https = https_hosts;
	have_us = speller_get("en-US") != NULL;
	have_gb = speller_get("en-GB") != NULL;
	g_env.self = &g_site;
	g_env.word_known = s_known;
	g_env.site_word = s_site_word;
	g_env.suggest = s_suggest;
	g_env.path_exists = s_path;
	g_env.https_host = s_https;
	g_env.photo_meta = s_photo;
	g_env.base_url = "https://news.example.com";
	g_env.staging_hosts = "staging.example.net, preview.example.com";
	use_language("en-US");
}

/* 2026-12-07 12:00 UTC, a Monday. */
#define NOW 1796644800LL

/* The findings of kind in body (headline "Fine headline", a standfirst). */
static size_t count(struct arena *a, const char *kind, const char *body, const char **first)
{
	struct copydesk_input in = {"A short headline", "A short summary.", body, NOW, NOW, 0, NULL,
	                            NULL, NULL};
	size_t n, k = 0;
	struct finding *f = copydesk_check(a, &in, &g_env, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].kind, kind)) {
			if (!k && first)
				*first = f[i].words;
			k++;
		}
	return k;
}

#define FLAGS(kind, body) CHECK(count(a, kind, body, NULL) >= 1)
#define CLEAN(kind, body) CHECK(count(a, kind, body, NULL) == 0)
#define FLAGS_WORDS(kind, body, want) do { \
	const char *got_ = NULL; CHECK(count(a, kind, body, &got_) >= 1); CHECK_STR(got_, want); \
} while (0)

/* ---- each check ---- */

static void test_spelling(struct arena *a)
{
	if (!have_us) {
		test_skip("spelling", "hunspell-en-us is not installed");
		return;
	}
	FLAGS_WORDS("spelling", "The council met to discuss the politial crisis.", "politial");
	FLAGS_WORDS("spelling", "Putin met his Chineses counterpart.", "Chineses");
	FLAGS_WORDS("spelling", "Goverment officials said nothing.", "Goverment");
	FLAGS_WORDS("spelling", "A well-knwn face.", "knwn");
	/* Names, acronyms, numbers, addresses, code, Markdown are not misspelt. */
	CLEAN("spelling", "Sergey Karaganov and Dmitri Trenin wrote the report.");
	CLEAN("spelling", "Okonkwo said so.");                        /* site dictionary */
	CLEAN("spelling", "The NATO and OSCE envoys met at 10am in 2024.");
	CLEAN("spelling", "Write to desk@example.com or see https://exampel.org/xyzzy.");
	CLEAN("spelling", "Run `grpc_wrkr --flg` first.\n\n    indented codde block\n");
	CLEAN("spelling", "See [the report](https://example.org/qwrtz) and **bold** _text_.");
	CLEAN("spelling", "```\nfenced cdoe\n```\n\nThen prose.");
	CLEAN("spelling", "They called it “zoomerish”, a word of their own.");
	CLEAN("spelling", "The officers’ union and the teachers' union didn’t agree in the ’90s.");
	CLEAN("spelling", "A socio-political and multipolar world, said the neoliberal.");
	CLEAN("spelling", "Trenin said it. O'Brien agreed, and McAllister's iPhone rang.");
	CLEAN("spelling", "<p class=\"lede\">Plain text</p> <a href=\"/x\">here</a>");
	/* Compounds, plurals and accents of known words; slips one letter from one. */
	CLEAN("spelling", "Cordgrass grows by the harborside, near the cafés and their flatbreads.");
	FLAGS_WORDS("spelling", "He was remorsefull.", "remorsefull");
	FLAGS_WORDS("spelling", "Roof insulaton helps.", "insulaton");
	/* A page of gibberish is weighed up to a budget, not forever. */
	char *gib = arena_alloc(a, 300 * 8 + 1), *g = gib;
	for (int i = 0; i < 300; i++)
		g += sprintf(g, "zq%c%c%cx ", 'a' + i % 26, 'a' + i / 26 % 26, 'b' + i % 7);
	size_t n_gib = count(a, "spelling", gib, NULL);
	CHECK(n_gib >= 100 && n_gib <= 150);
	/* The site's language decides. */
	if (have_gb) {
		FLAGS("spelling", "They sought to normalise relations.");
		use_language("en-GB");
		CLEAN("spelling", "They sought to normalise relations with the civilisation.");
		use_language("en-US");
	}
}

static void test_repeated_word(struct arena *a)
{
	FLAGS_WORDS("repeated-word", "He went to the the shop.", "the the");
	FLAGS_WORDS("repeated-word", "He went to the\nthe shop.", "the\nthe");
	FLAGS_WORDS("repeated-word", "The the shop was shut.", "The the");
	FLAGS("repeated-word", "It was **the** the best.");
	CHECK(count(a, "repeated-word", "It was the the the best.", NULL) == 1);
	CLEAN("repeated-word", "She had had enough, and that that was true was plain.");
	CLEAN("repeated-word", "They flew to Bora Bora.");
	CLEAN("repeated-word", "It rose, rose again, and fell.");
	CLEAN("repeated-word", "He went to the shop.\n\nThe shop was shut.");
	CLEAN("repeated-word", "It cost 10 10-cent coins.");
}

static void test_repeated_phrase(struct arena *a)
{
	FLAGS_WORDS("repeated-phrase",
	            "Bilateral trade was $240bn last year, up 26 percent from last year, according "
	            "to customs.", "last year");
	FLAGS_WORDS("repeated-phrase", "Sales rose last month, up 5 percent from last month.",
	            "last month");
	CLEAN("repeated-phrase", "Sales rose last year. They fell the year before last year.");
	CLEAN("repeated-phrase", "The first week of September, not the first week of November.");
	CLEAN("repeated-phrase", "The car park closed and a multi-storey car park is planned.");
	CLEAN("repeated-phrase", "Prices rose 5 per cent, after 3 per cent in May.");
	CLEAN("repeated-phrase", "It was the best of times, it was the worst of times.");
}

static void test_quotes(struct arena *a)
{
	FLAGS("quotes", "He said “we will win, and left.");
	FLAGS("quotes", "He said we will win” and left.");
	FLAGS("quotes", "He said \"we will win, and left.");
	FLAGS("quotes", "Putin‘s plans.");
	FLAGS("quotes", "She said ‘no and left.\n\nThen nothing.");
	CLEAN("quotes", "He said “we will win” and left.");
	CLEAN("quotes", "He said \"we will win\" and left.");
	CLEAN("quotes", "He said \"yes\" and \"no\", then \"maybe.\"");
	{ /* The quote left open is the one named, not the last one. */
		struct copydesk_input in = {"A short headline", "A short summary.",
		                            "\"We won, she said. \"It was hard.\"", NOW, NOW, 0, NULL,
		                            NULL, NULL};
		size_t n;
		struct finding *f = copydesk_check(a, &in, &g_env, &n);
		CHECK(n == 1 && !strcmp(f[0].kind, "quotes") && f[0].offset == 0);
	}
	CLEAN("quotes", "Don’t, won't, the officers’ mess, rock ’n’ roll, the ’90s and ‘90s.");
	CLEAN("quotes", "She said ‘no’ and left.");
	CLEAN("quotes", "He is 6'2\" tall.");
	/* A quotation running over paragraphs opens each and closes the last. */
	CLEAN("quotes", "He said: “First paragraph.\n\n“Second paragraph.\n\n“Last one.”");
	CLEAN("quotes", "He said: \"First paragraph.\n\n\"Last one.\"");
	CLEAN("quotes", "`a \"quote` in code.");
}

static void test_brackets(struct arena *a)
{
	FLAGS_WORDS("brackets", "It cost £190bn (about $240bn.", "(");
	FLAGS_WORDS("brackets", "It cost £190bn about $240bn).", ")");
	FLAGS("brackets", "A [sic without end.");
	CLEAN("brackets", "It cost £190bn ($240bn) [sic] {x}.");
	CLEAN("brackets", "See [the link](https://example.org/a_(b)) here.");
	CLEAN("brackets", "1) first\n2) second");
	CLEAN("brackets", "Nice :) and ;)");
}

static void test_dates(struct arena *a)
{
	FLAGS_WORDS("glued-date", "The talks ended on December7 in Paris.", "December7");
	FLAGS_WORDS("glued-date", "By Tyler Mitchell Jun12,2024", "Jun12,2024");
	FLAGS_WORDS("glued-date", "It happened on 7December.", "7December");
	CLEAN("glued-date", "On December 7, and on 7 December, at MP3 bitrates, in the A41.");
	FLAGS_WORDS("weekday", "The vote is on Tuesday, December 7, 2026.",
	            "Tuesday, December 7, 2026");
	FLAGS("weekday", "They met on Saturday, 6 December 2026.");
	FLAGS("weekday", "They met on Thursday, December 4.");            /* year from publish date */
	FLAGS("weekday", "It is due on February 30, 2027.");
	CLEAN("weekday", "The vote is on Monday, December 7, 2026.");
	CLEAN("weekday", "They met on Sunday, 6 December 2026 and Friday, December 4.")
	    /* Dec 6 2026 is a Sunday, Dec 4 a Friday */;
	CLEAN("weekday", "May 3 was a Sunday.");
	FLAGS_WORDS("future-date", "The minister said on March 3, 2027 that she had resigned.",
	            "March 3, 2027");
	CLEAN("future-date", "The minister said the vote will be held on March 3, 2027.");
	CLEAN("future-date", "The minister resigned on March 3, 2026.");
	CLEAN("future-date", "The deal, signed in May, runs until March 3, 2027.");
}

static void test_whole_fields(struct arena *a)
{
	struct copydesk_input in = {
	    "This headline is far too long for search engines and social cards, which cut it "
	    "short", "", "Body.", NOW, NOW, 1, "", "A caption", "",
	};
	size_t n;
	struct finding *f = copydesk_check(a, &in, &g_env, &n);
	int hl = 0, dek = 0, photo = 0;
	for (size_t i = 0; i < n; i++) {
		hl += !strcmp(f[i].kind, "headline-length") && !strcmp(f[i].field, "headline");
		dek += !strcmp(f[i].kind, "standfirst") && !strcmp(f[i].field, "dek");
		if (!strcmp(f[i].kind, "photo") && !strcmp(f[i].field, "featured")) {
			photo++;
			CHECK(strstr(f[i].message, "alt text") && strstr(f[i].message, "credit") &&
			      !strstr(f[i].message, "caption"));
		}
	}
	CHECK(hl == 1 && dek == 1 && photo == 1);
	/* Seventy characters (not bytes) is fine; a complete photo is fine. */
	struct copydesk_input ok = {
	    "Café owners in Łódź welcome the new tram line and the quiet streets", /* 67 */
	    "A short summary.", "Body.", NOW, NOW, 1, "Alt", "Caption", "Credit",
	};
	f = copydesk_check(a, &ok, &g_env, &n);
	for (size_t i = 0; i < n; i++)
		printf("  unexpected: %s %s “%s”\n", f[i].field, f[i].kind, f[i].words);
	CHECK(n == 0);
	FLAGS("photo", "![](/media/bare.jpg)");
	FLAGS("photo", "![Alt text](/media/bare.jpg)");           /* no caption or credit */
	FLAGS("photo", "<img src=\"/media/full.jpg\">");           /* no alt */
	CLEAN("photo", "![The harbour at dawn](/media/full.jpg)");
	CLEAN("photo", "![A chart](https://example.org/chart.png)");
}

static void test_links(struct arena *a)
{
	FLAGS_WORDS("link-404", "See [this](/2026/01/01/gone/).", "/2026/01/01/gone/");
	FLAGS("link-404", "See [this](https://news.example.com/tag/nothing/).");
	FLAGS("link-404", "See <a href=\"/category/nothing/\">this</a>.");
	CLEAN("link-404", "See [this](/tag/budget/?page=2#top) and [that](https://news.example.com/).");
	CLEAN("link-404", "See [elsewhere](https://other.example/gone/) and [mail](mailto:a@b.c).");
	FLAGS_WORDS("link-http", "See [data](http://data.example.gov/x).", "http://data.example.gov/x");
	FLAGS("link-http", "See http://www.example.org/page for more.");
	CLEAN("link-http", "See [old](http://only-http.example/x).");
	FLAGS_WORDS("link-staging", "See [draft](https://staging.example.net/a).",
	            "https://staging.example.net/a");
	FLAGS("link-staging", "See [draft](https://cms.preview.example.com/a).");
	CLEAN("link-staging", "See [live](https://example.net/a).");
	/* The offset points at the address in the body as written. */
	struct copydesk_input in = {"Headline", "A short summary.", "Read [it](/nope/).", NOW, NOW, 0, NULL,
	                            NULL, NULL};
	size_t n;
	struct finding *f = copydesk_check(a, &in, &g_env, &n);
	CHECK(n == 1 && f[0].offset == 10 && f[0].length == 6 && !strcmp(f[0].words, "/nope/"));
}

static void test_prose(struct arena *a)
{
	const char *md = "# Head\n\nText with `code` and [link](http://x.y/z).\n- item\n";
	char *p = copydesk_prose(a, md, strlen(md));
	CHECK(strlen(p) == strlen(md));
	CHECK(!strstr(p, "code") && !strstr(p, "http") && strstr(p, "link") && strstr(p, "item"));
	CHECK(copydesk_weekday(2026, 12, 7) == 1 && copydesk_weekday(2024, 6, 12) == 3);
}

/* ---- the corpus ---- */

struct article {
	char *headline, *dek, *body; /* in one buffer */
	long long published_at;
};

/* Reads "headline: ...\ndek: ...\npublished: YYYY-MM-DD\n---\nbody". */
static int parse_article(char *text, struct article *out)
{
	char *h = strstr(text, "headline: "), *d = strstr(text, "\ndek: ");
	char *p = strstr(text, "\npublished: "), *b = strstr(text, "\n---\n");
	if (!h || !d || !p || !b)
		return -1;
	out->headline = h + 10;
	*d = 0;
	out->dek = d + 6;
	*p = 0;
	struct tm tm = {0};
	if (sscanf(p + 12, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 9;
	out->published_at = (long long)timegm(&tm);
	*b = 0;
	out->body = b + 5;
	return 0;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return strdup(buf);
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	int in = 0;
	for (; *s; s++) {
		int w = !(*s == ' ' || *s == '\n' || *s == '\t');
		if (w && !in)
			n++;
		in = w;
	}
	return n;
}

static struct finding *check_article(struct arena *a, const struct article *art, size_t *n)
{
	struct copydesk_input in = {art->headline, art->dek, art->body, art->published_at, NOW, 0,
	                            NULL, NULL, NULL};
	return copydesk_check(a, &in, &g_env, n);
}

/* Replaces "\n" written as two characters by a line end, in place. */
static char *unescape(char *s)
{
	char *o = s;
	for (char *i = s; *i; i++) {
		if (i[0] == '\\' && i[1] == 'n') {
			*o++ = '\n';
			i++;
		} else {
			*o++ = *i;
		}
	}
	*o = 0;
	return s;
}

static const char *dir = "tests/fixtures/copydesk";

static void test_corpus(struct arena *a)
{
	if (!have_gb) {
		test_skip("corpus", "hunspell-en-gb is not installed");
		return;
	}
	use_language("en-GB"); /* the fixtures are written in British English */
	/* Clean copy: every finding is a false alarm. */
	char path[512];
	snprintf(path, sizeof path, "%s/clean", dir);
	DIR *dd = opendir(path);
	CHECK(dd != NULL);
	if (!dd)
		return;
	size_t words = 0, alarms = 0, files = 0;
	struct dirent *de;
	while ((de = readdir(dd))) {
		if (!strstr(de->d_name, ".md"))
			continue;
		snprintf(path, sizeof path, "%s/clean/%s", dir, de->d_name);
		char *text = read_file(path);
		struct article art;
		CHECK(text && parse_article(text, &art) == 0);
		words += count_words(art.headline) + count_words(art.dek) + count_words(art.body);
		size_t n;
		struct finding *f = check_article(a, &art, &n);
		for (size_t i = 0; i < n; i++)
			printf("  false alarm: %s %s %zu %s “%s”: %s\n", de->d_name, f[i].field,
			       f[i].offset, f[i].kind, f[i].words, f[i].message);
		alarms += n;
		files++;
		free(text);
	}
	closedir(dd);
	double rate = words ? 1000.0 * (double)alarms / (double)words : 0;
	printf("copydesk corpus: %zu clean articles, %zu words, %zu false alarms: %.2f per 1,000 "
	       "words\n", files, words, alarms, rate);
	CHECK(words >= 5000);
	CHECK(rate < 1.0);

	/* Planted mistakes: each must be flagged, with its kind, over its words. */
	snprintf(path, sizeof path, "%s/planted.tsv", dir);
	char *list = read_file(path);
	CHECK(list != NULL);
	if (!list)
		return;
	size_t planted = 0, found = 0;
	char *save = NULL;
	for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		char *col[5] = {0};
		int nc = 0;
		for (char *c = line; nc < 5; nc++) {
			col[nc] = c;
			char *tab = strchr(c, '\t');
			if (!tab) {
				nc++;
				break;
			}
			*tab = 0;
			c = tab + 1;
		}
		if (nc < 4)
			continue;
		const char *file = col[0], *kind = col[1];
		char *from = unescape(col[2]), *to = unescape(col[3]);
		char *anchor = col[4] && *col[4] ? unescape(col[4]) : to;
		snprintf(path, sizeof path, "%s/clean/%s", dir, file);
		char *clean = read_file(path);
		char *at = clean ? strstr(clean, from) : NULL;
		CHECK(at != NULL);
		if (!at) {
			free(clean);
			continue;
		}
		size_t pre = (size_t)(at - clean);
		char *text = malloc(strlen(clean) + strlen(to) + 1);
		memcpy(text, clean, pre);
		strcpy(text + pre, to);
		strcat(text, at + strlen(from));
		/* Where the anchor lands, in which field, at which offset. */
		char *anchor_at = strstr(text + pre, anchor);
		if (!anchor_at)
			anchor_at = strstr(text, anchor);
		size_t anchor_off = anchor_at ? (size_t)(anchor_at - text) : pre;
		struct article art;
		int ok = parse_article(text, &art) == 0;
		CHECK(ok);
		planted++;
		const char *field = "headline";
		size_t base = (size_t)(art.headline - text);
		if (text + anchor_off >= art.body) {
			field = "body";
			base = (size_t)(art.body - text);
		} else if (text + anchor_off >= art.dek - 6) {
			field = "dek";
			base = (size_t)(art.dek - text);
		}
		size_t a_off = anchor_off >= base ? anchor_off - base : 0;
		size_t a_len = strlen(anchor);
		size_t n;
		struct finding *f = check_article(a, &art, &n);
		int hit = 0;
		for (size_t i = 0; i < n && !hit; i++) {
			if (strcmp(f[i].kind, kind) || strcmp(f[i].field, field))
				continue;
			if (!f[i].length || (f[i].offset < a_off + a_len && a_off < f[i].offset + f[i].length))
				hit = 1;
		}
		if (!hit) {
			printf("  missed: %s %s “%s” (%s at %zu)\n", file, kind, to, field, a_off);
			for (size_t i = 0; i < n; i++)
				printf("    had: %s %zu %s “%s”\n", f[i].field, f[i].offset, f[i].kind,
				       f[i].words);
		}
		found += hit;
		free(text);
		free(clean);
	}
	free(list);
	printf("copydesk corpus: %zu planted mistakes, %zu flagged: recall %.1f%%\n", planted, found,
	       planted ? 100.0 * (double)found / (double)planted : 0);
	CHECK(planted >= 40);
	CHECK(found == planted);
	use_language("en-US");
}

/* The reference page: its known slips must all be flagged. */
static void test_reference(struct arena *a)
{
	char *text = read_file("../shared/reference/seed-article.txt");
	if (!text) {
		test_skip("reference", "../shared/reference/seed-article.txt is absent");
		return;
	}
	if (!have_gb) {
		test_skip("reference", "hunspell-en-gb is not installed");
		free(text);
		return;
	}
	use_language("en-GB"); /* a British site: "normalise", "civilisation" */
	/* The headline is its first line; the rest is read as the body. */
	char *nl = strchr(text, '\n');
	*nl = 0;
	struct copydesk_input in = {text, "", nl + 1, 1718150400LL /* 2024-06-12 */, NOW, 0, NULL,
	                            NULL, NULL};
	size_t n;
	struct finding *f = copydesk_check(a, &in, &g_env, &n);
	int chineses = 0, politial = 0, last_year = 0, glued = 0;
	for (size_t i = 0; i < n; i++) {
		printf("  reference: %s %zu %s “%s”\n", f[i].field, f[i].offset, f[i].kind, f[i].words);
		chineses += !strcmp(f[i].kind, "spelling") && !strcmp(f[i].words, "Chineses");
		politial += !strcmp(f[i].kind, "spelling") && !strcmp(f[i].words, "politial");
		last_year += !strcmp(f[i].kind, "repeated-phrase") && !strcmp(f[i].words, "last year");
		glued += !strcmp(f[i].kind, "glued-date") && !strcmp(f[i].words, "Jun12,2024");
	}
	CHECK(chineses == 1);
	CHECK(politial == 1);
	CHECK(last_year == 1);
	CHECK(glued == 1);
	free(text);
	use_language("en-US");
}

int main(void)
{
	env_init();
	struct arena *a = arena_new();
	test_spelling(a);
	test_repeated_word(a);
	test_repeated_phrase(a);
	test_quotes(a);
	test_brackets(a);
	test_dates(a);
	test_whole_fields(a);
	test_links(a);
	test_prose(a);
	test_corpus(a);
	test_reference(a);
	arena_free(a);
	return test_done();
}
