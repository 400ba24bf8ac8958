/*
** test_typography.c: unit tests for src/render/typography.c.
**
** Quotes opening and closing next to punctuation, brackets and dashes;
** apostrophes in contractions, decades and clipped words; primes; dashes
** and ellipses as wptexturize makes them; and what must never change: code,
** pre and kbd, URLs, attributes, comments, other scripts.  Last, running
** it twice changes nothing (on every case and on a long mixed text).
*/
#include "core/buf.h"
#include "render/typography.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static char *text(const char *s)
{
	struct buf b = BUF_INIT;
	typography_text(&b, s, strlen(s));
	char *r = strdup(buf_cstr(&b));
	buf_free(&b);
	return r;
}

static char *html(const char *s)
{
	struct buf b = BUF_INIT;
	typography_html(&b, s, strlen(s));
	char *r = strdup(buf_cstr(&b));
	buf_free(&b);
	return r;
}

#define TEXT(in, want) do { char *g = text(in); CHECK_STR(g, want); \
	char *g2 = text(g); CHECK_STR(g2, g); free(g2); free(g); } while (0)
#define HTML(in, want) do { char *g = html(in); CHECK_STR(g, want); \
	char *g2 = html(g); CHECK_STR(g2, g); free(g2); free(g); } while (0)

int main(void)
{
	/* Double quotes by context. */
	TEXT("\"Hello,\" she said.", "“Hello,” she said.");
	TEXT("He said \"no\".", "He said “no”.");
	TEXT("He said, \"Go!\"", "He said, “Go!”");
	TEXT("(\"quoted\")", "(“quoted”)");
	TEXT("[\"a\"]", "[“a”]");
	TEXT("Tax cuts—\"never\"", "Tax cuts—“never”");
	TEXT("\"Why?\" \"Because.\"", "“Why?” “Because.”");
	TEXT("\"End\"; then", "“End”; then");

	/* Single quotes and apostrophes. */
	TEXT("'Hello,' she said.", "‘Hello,’ she said.");
	TEXT("don't, can't, O'Neill's", "don’t, can’t, O’Neill’s");
	TEXT("the students' union", "the students’ union");
	TEXT("in the '90s", "in the ’90s");
	TEXT("class of '07.", "class of ’07.");
	TEXT("rock 'n' roll", "rock ’n’ roll");
	TEXT("'Tis the season, 'twas", "’Tis the season, ’twas");
	TEXT("He said 'yes' and 'no'.", "He said ‘yes’ and ‘no’.");
	TEXT("the 1980's sound", "the 1980’s sound");
	TEXT("'99' was a year", "’99’ was a year");
	TEXT("\"I said 'go'.\"", "“I said ‘go’.”");

	/* Primes after digits, unless a quote is open. */
	TEXT("He is 5'10\" tall", "He is 5′10″ tall");
	TEXT("a 12\" record", "a 12″ record");
	TEXT("\"Born in 1990\"", "“Born in 1990”");
	TEXT("'Born in 1990'", "‘Born in 1990’");

	/* Dashes and ellipses. */
	TEXT("Wait... what", "Wait… what");
	TEXT("yes---no", "yes—no");
	TEXT("yes -- no", "yes — no");
	TEXT("pages 10--20", "pages 10–20");
	TEXT("London - Paris", "London – Paris");
	TEXT("well-being in 1990-1995", "well-being in 1990-1995");
	TEXT("xn--caf-dma.example", "xn--caf-dma.example");
	TEXT("``quoted''", "“quoted”");

	/* Never touched: URLs, other scripts, what is already curly. */
	TEXT("see https://example.com/a--b...c?q=\"x\" now",
	     "see https://example.com/a--b...c?q=\"x\" now");
	TEXT("www.example.com/it's", "www.example.com/it's");
	TEXT("東京都 «Париж» Ελλάδα", "東京都 «Париж» Ελλάδα");
	TEXT("“Already” ’90s — fine…", "“Already” ’90s — fine…");
	TEXT("[contact-form-7 id=\"9\"] and \"x\"", "[contact-form-7 id=\"9\"] and “x”");
	HTML("<p>[gallery ids=&quot;1,2&quot;] &quot;x&quot;</p>",
	     "<p>[gallery ids=&quot;1,2&quot;] “x”</p>");
	TEXT("", "");
	TEXT("'", "’");
	TEXT("\"", "”");

	/* HTML: text nodes only, entities read as the quotes they are. */
	HTML("<p>&quot;Hello,&quot; she said. It&#39;s &#39;90s.</p>",
	     "<p>“Hello,” she said. It’s ’90s.</p>");
	HTML("<p>rock &#39;n&#39; roll</p>", "<p>rock ’n’ roll</p>");
	HTML("<p><a href=\"/a--b?x='1'\" title=\"it's &quot;x&quot;\">it's</a></p>",
	     "<p><a href=\"/a--b?x='1'\" title=\"it's &quot;x&quot;\">it’s</a></p>");
	HTML("<p>Use <code>\"x\" -- 'y'...</code> here</p>",
	     "<p>Use <code>\"x\" -- 'y'...</code> here</p>");
	HTML("<pre><code>it's \"raw\"\n--x</code></pre><p>it's</p>",
	     "<pre><code>it's \"raw\"\n--x</code></pre><p>it’s</p>");
	HTML("<p>Press <kbd>Ctrl--</kbd> and <script>var s='a';</script></p>",
	     "<p>Press <kbd>Ctrl--</kbd> and <script>var s='a';</script></p>");
	HTML("<p>She said <em>&quot;yes&quot;</em>.</p>", "<p>She said <em>“yes”</em>.</p>");
	HTML("<p>&quot;A</p><p>&quot;B&quot;</p>", "<p>“A</p><p>“B”</p>");
	HTML("<!-- it's \"x\" --><p>x</p>", "<!-- it's \"x\" --><p>x</p>");
	HTML("<p>Go to https://example.com/it's--here &amp; don't</p>",
	     "<p>Go to https://example.com/it's--here &amp; don’t</p>");
	HTML("<p>AT&amp;T's</p>", "<p>AT&amp;T’s</p>");
	HTML("<p>a<br>&quot;b&quot;</p>", "<p>a<br>“b”</p>");
	HTML("<p>Καλημέρα &quot;κόσμε&quot;</p>", "<p>Καλημέρα “κόσμε”</p>");
	HTML("<p>unterminated <code>it's", "<p>unterminated <code>it's");
	HTML("<img alt=\"it's\" src=x>", "<img alt=\"it's\" src=x>");

	/* Random text from the pieces the rules look at: never a crash or a
	** read past the end (under the sanitizers), always idempotent, and
	** text without ' " - . ` is returned as it came. */
	{
		static const char *const pieces[] = {
			"'", "\"", "-", ".", "`", "a", "n", "1", "9", " ", "\n", "é", "“", "—", "<p>",
			"</p>", "<code>", "</code>", "<a href=\"x'y\">", "</a>", "&quot;", "&#39;",
			"&amp;", "&", "<", ">", "[", "]", "[b ", "http://", "www.", "xn", "<!--", "-->",
		};
		unsigned seed = 12345;
		int stable = 1, kept = 1;
		for (int k = 0; k < 3000; k++) {
			struct buf in = BUF_INIT;
			int len = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
			for (int j = 0; j < len; j++) {
				seed = seed * 1103515245u + 12345u;
				buf_puts(&in, pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)]);
			}
			const char *src = buf_cstr(&in);
			char *h1 = html(src), *h2 = html(h1), *t1 = text(src), *t2 = text(t1);
			stable &= !strcmp(h1, h2) && !strcmp(t1, t2);
			if (!strpbrk(src, "'\"-.`&"))
				kept &= !strcmp(t1, src) && !strcmp(h1, src);
			free(h1);
			free(h2);
			free(t1);
			free(t2);
			buf_free(&in);
		}
		CHECK(stable);
		CHECK(kept);
	}

	/* A long mixed text: typography twice is typography once. */
	{
		struct buf in = BUF_INIT;
		for (int k = 0; k < 200; k++)
			buf_puts(&in, "<p>&quot;It&#39;s 5'10&quot;,&quot; he said -- in the '80s... "
			              "<code>a--b</code> <a href=\"x'y\">'q'</a> 1--2</p>");
		char *once = html(buf_cstr(&in));
		char *twice = html(once);
		CHECK(strcmp(once, twice) == 0);
		CHECK(strstr(once, "'") != NULL); /* the attribute's */
		CHECK(strstr(once, "<code>a--b</code>") != NULL);
		free(once);
		free(twice);
		buf_free(&in);
	}
	return test_done();
}
