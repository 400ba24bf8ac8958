/*
** test_i18n.c: the .po catalogue loader, the plural rules, the shipped
** catalogues, and the template engine's {{#_}}text{{/_}} (render/i18n.h,
** render/tpl.h).
*/
#include "test.h"
#include "render/i18n.h"
#include "render/tpl.h"
#include "render/value.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/text.h"

#include <stdlib.h>

#define HDR2 "msgid \"\"\nmsgstr \"\"\n\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n"
#define HDR_AR                                                                                 \
	"msgid \"\"\nmsgstr \"\"\n\"Language: ar\\n\"\n\"Plural-Forms: nplurals=6; plural=(n==0 ? 0 : " \
	"n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);\\n\"\n\n"

static struct catalog *parse(const char *src, const char *lang, char *err)
{
	return catalog_parse(src, strlen(src), lang, err, 200);
}

static void test_plural_rules(void)
{
	/* Arabic's six forms: zero, one, two, few, many, other. */
	static const struct {
		unsigned long n;
		int form;
	} ar[] = {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {10, 3}, {11, 4}, {99, 4}, {100, 5}, {101, 5},
	          {102, 5}, {103, 3}, {111, 4}, {1000, 5}};
	for (size_t i = 0; i < sizeof ar / sizeof *ar; i++)
		CHECK(i18n_plural_index("ar", ar[i].n) == ar[i].form);
	CHECK(i18n_nplurals("ar") == 6);
	CHECK(i18n_plural_index("de", 1) == 0 && i18n_plural_index("de", 0) == 1 &&
	      i18n_plural_index("de", 2) == 1);
	CHECK(i18n_plural_index("en-GB", 1) == 0 && i18n_plural_index("en-US", 21) == 1);
	CHECK(i18n_plural_index("es", 1) == 0 && i18n_plural_index("es", 5) == 1);
	CHECK(i18n_plural_index("xx", 1) == 0 && i18n_nplurals("xx") == 2); /* as English */
	CHECK(i18n_is_rtl("ar") && !i18n_is_rtl("de") && !i18n_is_rtl("en-US") &&
	      !i18n_is_rtl("a"));
}

static void test_loader(void)
{
	char err[200];
	struct catalog *c = parse(HDR2
	                          "# a comment\n"
	                          "#: src/web/site.c\n"
	                          "msgid \"Search\"\nmsgstr \"Suche\"\n\n"
	                          "msgctxt \"month\"\nmsgid \"May\"\nmsgstr \"Mai\"\n\n"
	                          "msgctxt \"month short\"\nmsgid \"May\"\nmsgstr \"Mai.\"\n\n"
	                          "msgid \"Two \"\n\"lines\\n\\\"q\\\" \\\\ \\t\"\nmsgstr \"\"\n\"Zwei\"\n\n"
	                          "#, fuzzy\nmsgid \"Fuzzy\"\nmsgstr \"Unscharf\"\n\n"
	                          "msgid \"Untranslated\"\nmsgstr \"\"\n\n"
	                          "msgid \"%lld tag\"\nmsgid_plural \"%lld tags\"\n"
	                          "msgstr[0] \"%lld Schlagwort\"\nmsgstr[1] \"%lld Schlagwörter\"\n\n"
	                          "#~ msgid \"Old\"\n#~ msgstr \"Alt\"\n",
	                          "de", err);
	CHECK(c != NULL);
	if (!c) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_STR(catalog_lang(c), "de");
	CHECK_STR(catalog_get(c, NULL, "Search"), "Suche");
	CHECK_STR(catalog_get(c, "month", "May"), "Mai");
	CHECK_STR(catalog_get(c, "month short", "May"), "Mai.");
	CHECK(catalog_get(c, NULL, "May") == NULL);
	CHECK_STR(catalog_get(c, NULL, "Two lines\n\"q\" \\ \t"), "Zwei");
	CHECK(catalog_get(c, NULL, "Fuzzy") == NULL);        /* fuzzy is skipped, as msgfmt does */
	CHECK(catalog_get(c, NULL, "Untranslated") == NULL); /* empty: the English stays */
	CHECK(catalog_get(c, NULL, "Old") == NULL);
	CHECK(catalog_get(c, NULL, "%lld tag") == NULL); /* a plural entry is not a string */
	CHECK_STR(catalog_getn(c, "%lld tag", "%lld tags", 1), "%lld Schlagwort");
	CHECK_STR(catalog_getn(c, "%lld tag", "%lld tags", 0), "%lld Schlagwörter");
	CHECK_STR(catalog_getn(c, "%lld tag", "%lld tags", 7), "%lld Schlagwörter");
	CHECK(catalog_getn(c, "%lld tag", "%lld other", 7) == NULL);
	CHECK(catalog_count(c) == 5);
	catalog_free(c);
	catalog_free(NULL);
	CHECK(catalog_get(NULL, NULL, "Search") == NULL);
}

static void test_arabic_forms(void)
{
	char err[200];
	struct catalog *c = parse(HDR_AR "msgid \"%lld comment\"\nmsgid_plural \"%lld comments\"\n"
	                                 "msgstr[0] \"zero\"\nmsgstr[1] \"one\"\nmsgstr[2] \"two\"\n"
	                                 "msgstr[3] \"few %lld\"\nmsgstr[4] \"many %lld\"\n"
	                                 "msgstr[5] \"other %lld\"\n",
	                          "ar", err);
	CHECK(c != NULL);
	if (!c) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_STR(catalog_getn(c, "%lld comment", "%lld comments", 0), "zero");
	CHECK_STR(catalog_getn(c, "%lld comment", "%lld comments", 1), "one");
	CHECK_STR(catalog_getn(c, "%lld comment", "%lld comments", 2), "two");
	CHECK_STR(catalog_getn(c, "%lld comment", "%lld comments", 3), "few %lld");
	CHECK_STR(catalog_getn(c, "%lld comment", "%lld comments", 11), "many %lld");
	CHECK_STR(catalog_getn(c, "%lld comment", "%lld comments", 100), "other %lld");
	catalog_free(c);
}

/* Each malformed file is refused with a message naming its line. */
static void test_malformed(void)
{
	static const struct {
		const char *src;
		const char *lang;
		const char *why;
	} bad[] = {
	    {"msgid \"x\"\nmsgstr \"y\"\n", "de", "no header entry"},
	    {"msgid \"\"\nmsgstr \"\"\n\n", "de", "no Plural-Forms"},
	    {HDR2, "ar", "Plural-Forms differs"},
	    {HDR2 "msgid \"x\"\nmsgstr \"y\n", "de", "does not end"},
	    {HDR2 "msgid \"x\"\nmsgstr \"\\q\"\n", "de", "unknown escape"},
	    {HDR2 "msgid \"x\"\n", "de", "without msgstr"},
	    {HDR2 "msgstr \"y\"\n", "de", "without msgid"},
	    {HDR2 "msgid \"x\"\nmsgstr \"y\"\nmsgid \"x\"\nmsgstr \"z\"\n", "de", "appears twice"},
	    {HDR2 "msgid \"x\"\nmsgid_plural \"xs\"\nmsgstr[0] \"a\"\n", "de", "1 plural forms"},
	    {HDR2 "msgid \"x\"\nmsgid_plural \"xs\"\nmsgstr[0] \"a\"\nmsgstr[2] \"c\"\n", "de",
	     "missing"},
	    {HDR2 "msgid \"x\"\nmsgstr[9] \"a\"\n", "de", "at most"},
	    /* Found by fuzzing: six msgstr[N] and no msgid_plural were taken as a
	    ** singular entry with six forms. */
	    {HDR2 "msgid \"x\"\nmsgstr[0] \"a\"\nmsgstr[1] \"b\"\n", "de", "without msgid_plural"},
	    {HDR2 "msgid \"x\"\nmsgid_plural \"xs\"\nmsgstr \"a\"\n", "de", "takes msgstr[N]"},
	    {HDR2 "msgid \"x\" junk\nmsgstr \"y\"\n", "de", "after the string"},
	    {HDR2 "msgfoo \"x\"\n", "de", "unknown keyword"},
	    {HDR2 "\"stray\"\n", "de", "outside any entry"},
	    {HDR2 "msgid \"x\"\nmsgstr \"y\"\nmsgstr \"z\"\n", "de", "twice"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char err[200] = "";
		struct catalog *c = parse(bad[i].src, bad[i].lang, err);
		CHECK(c == NULL);
		if (!strstr(err, bad[i].why) || strncmp(err, "line ", 5)) {
			test_failed++;
			fprintf(stderr, "bad[%zu]: message '%s' lacks '%s'\n", i, err, bad[i].why);
		}
		catalog_free(c);
	}
	/* A NUL inside the file. */
	char err[200];
	static const char nul[] = HDR2 "msgid \"a\0b\"\nmsgstr \"c\"\n";
	CHECK(catalog_parse(nul, sizeof nul - 1, "de", err, sizeof err) == NULL);
}

/* The catalogues the binary ships load, and say what tests expect. */
static void test_shipped(void)
{
	static const char *const langs[] = {"de", "es", "ar"};
	for (size_t i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof path, "po/%s.po", langs[i]);
		FILE *f = fopen(path, "rb");
		if (!f) {
			test_skip(path, "run from the source tree");
			continue;
		}
		struct buf b = BUF_INIT;
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&b, chunk, n);
		fclose(f);
		char err[200];
		struct catalog *c = catalog_parse(b.data, b.len, langs[i], err, sizeof err);
		CHECK(c != NULL);
		if (!c)
			fprintf(stderr, "  %s: %s\n", path, err);
		CHECK(catalog_count(c) > 100);
		CHECK(catalog_get(c, "month", "October") != NULL);
		if (!strcmp(langs[i], "de"))
			CHECK_STR(catalog_get(c, "month", "October"), "Oktober");
		if (!strcmp(langs[i], "ar")) {
			/* (A reader's string: the desk's counts are in po/desk.pot.) */
			CHECK_STR(catalog_getn(c, "%lld result for “%s”.", "%lld results for “%s”.", 2),
			          "نتيجتان لـ«%s».");
			CHECK_STR(catalog_getn(c, "%lld result for “%s”.", "%lld results for “%s”.", 5),
			          "%lld نتائج لـ«%s».");
		}
		catalog_free(c);
		buf_free(&b);
	}
}

static const char *tr_test(void *data, const char *msgid)
{
	(void)data;
	if (!strcmp(msgid, "Leave a Reply"))
		return "Schreibe <einen> Kommentar";
	if (!strcmp(msgid, "Page {{page}} of {{pages}}"))
		return "Seite {{page}} von {{pages}} {{secret}}";
	return NULL;
}

static void test_template(void)
{
	struct tpl_set *set = tpl_set_new(TPL_STRICT_RAW | TPL_TRANSLATE);
	char err[200];
	const char *src = "<h2>{{#_}}Leave a Reply{{/_}}</h2><p title=\"{{#_}}Page {{page}} of "
	                  "{{pages}}{{/_}}\">{{#_}}Don't {{who}}{{/_}}</p>";
	CHECK(tpl_set_add(set, "t", src, strlen(src), err, sizeof err) == 0);
	struct arena *a = arena_new();
	struct tv *ctx = tv_map(a);
	tv_set_int(a, ctx, "page", 2);
	tv_set_int(a, ctx, "pages", 5);
	tv_set_str(a, ctx, "who", "<b>");
	tv_set_str(a, ctx, "secret", "hidden");
	struct buf out = BUF_INIT;
	CHECK(tpl_render(set, "t", ctx, &out) == 0);
	CHECK_STR(buf_cstr(&out),
	          "<h2>Leave a Reply</h2><p title=\"Page 2 of 5\">Don't &lt;b&gt;</p>");
	buf_reset(&out);
	CHECK(tpl_render_tr(set, "t", ctx, &out, tr_test, NULL) == 0);
	/* The translation is escaped; it fills only the names its msgid holds. */
	CHECK_STR(buf_cstr(&out), "<h2>Schreibe &lt;einen&gt; Kommentar</h2><p title=\"Seite 2 von 5 "
	                          "\">Don't &lt;b&gt;</p>");
	/* Markup and sections inside translatable text are compile errors. */
	const char *mk = "{{#_}}a <b>b</b>{{/_}}";
	CHECK(tpl_set_add(set, "m", mk, strlen(mk), err, sizeof err) == -1);
	CHECK(strstr(err, "markup") != NULL);
	const char *sec = "{{#_}}a {{#x}}b{{/x}}{{/_}}";
	CHECK(tpl_set_add(set, "s", sec, strlen(sec), err, sizeof err) == -1);
	/* Without TPL_TRANSLATE, `_` is an ordinary name (the spec's tests). */
	struct tpl_set *plain = tpl_set_new(0);
	CHECK(tpl_set_add(plain, "p", "{{#_}}x{{/_}}", 13, err, sizeof err) == 0);
	buf_reset(&out);
	tpl_render(plain, "p", ctx, &out);
	CHECK_STR(buf_cstr(&out), "");
	tpl_set_free(plain);
	buf_free(&out);
	arena_free(a);
	tpl_set_free(set);
}

static void test_date_names(void)
{
	struct arena *a = arena_new();
	text_set_timezone("UTC");
	struct text_date_names de = {
	    {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
	     "Oktober", "November", "Dezember"},
	    {"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
	     "Dez."},
	    {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}};
	time_t t = 1793347200; /* 2026-10-30 08:00 UTC, a Friday */
	CHECK_STR(text_date_format_names(a, t, "l, j. F Y", &de), "Freitag, 30. Oktober 2026");
	CHECK_STR(text_date_format_names(a, t, "j \\d\\e M", &de), "30 de Okt.");
	CHECK_STR(text_date_format(a, t, "l, F j, Y"), "Friday, October 30, 2026");
	arena_free(a);
}

int main(void)
{
	test_plural_rules();
	test_loader();
	test_arabic_forms();
	test_malformed();
	test_shipped();
	test_template();
	test_date_names();
	return test_done();
}
