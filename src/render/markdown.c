/*
** markdown.c: Markdown to HTML through md4c's parser, with our own renderer.
**
** md4c parses and calls us back for each block, span and run of text; we
** write the HTML.  We do not use md4c-html, because the untrusted level is a
** different renderer, not a filter over the trusted one: it never writes an
** element outside its allow-list, whatever md4c reports, so a parser surprise
** (a new span type, an HTML block despite MD_FLAG_NOHTML) loses formatting
** but cannot add markup.
**
** Both levels share one callback set; `trust` picks the branch.  What the
** untrusted level does with each construct:
**
**   headings       <p><strong>...</strong></p>: a commenter cannot shout
**                  in the page's outline, and the words keep some weight
**   images         their alt text only, as plain text
**   links          <a href rel="nofollow ugc"> if url_scheme_ok() accepts
**                  the decoded href for http(s), mailto or relative; else
**                  the link text only
**   ordered lists  <ol> without start= (no attribute but href/rel), so the
**                  numbering restarts at 1
**   thematic break dropped (hr is not on the list)
**   code blocks    <pre><code> without the language class
**   entities       decoded from our table and re-escaped; one we do not
**                  know is written as the text it is ("&amp;name;")
**   anything else  (tables, raw HTML: the flags keep md4c from reporting
**                  them) its text escaped, no tags
**
** Every tag written is closed from one stack of open elements, so the
** output is balanced even where md4c's callbacks are not (see pop_to()).
**
** The limited level (staff who may not write raw HTML) renders Markdown as
** the trusted one does, except that links and images pass the same URL
** check as the untrusted level's links, and raw HTML is collected as md4c
** reports it (one inline tag, or an HTML block line by line) and read by
** a small tokenizer (raw_flush()) that follows the HTML tokenizer's rules
** for where a tag, an attribute value or a comment ends.  Nothing of the
** source is copied: an allowed element is written again from our table,
** with only its allowed attributes, each decoded and escaped again; any
** other tag is written as escaped text.  So a misreading can lose markup
** or show a tag as text, but cannot make an element or attribute that is
** not on the list.  Raw elements go on the stack of open elements like
** spans, so a block's end closes them, and a closing tag closes only a raw
** element opened in the same block (else it is dropped).
*/
#include "render/markdown.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/escape.h"
#include "core/url.h"
#include "core/utf8.h"
#include "core/mem.h"

#include <md4c.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD, for NUL and broken references */

/* The state of one markdown_render() call. */
struct md_render {
	struct buf *out;      /* where the HTML goes */
	enum md_trust trust;  /* which renderer */
	struct buf stack;     /* struct open_elem[]: what is open, innermost last */
	unsigned image_depth; /* images open: >0 inside an image's alt text */
	int is_link_open;     /* an <a> is written and not yet closed */
	struct buf url;       /* scratch: a decoded href, src or entity */
	struct buf raw;       /* MD_LIMITED: raw HTML reported, not yet written */
	unsigned raw_depth;   /* MD_LIMITED: raw elements open (at most RAW_DEPTH) */
};

/*
** Named character references.  md4c reports any well-formed "&name;" as an
** entity without knowing whether the name exists, so the renderer decides.
** This is not HTML5's whole table (2,125 names): it is HTML 4's 252 names,
** with HTML5's code points, and every HTML5 name for an ASCII character
** (&colon; &Tab; &NewLine; &lpar; ... the ones that spell a URL scheme).
** A name outside it is left as text, which is what a browser shows for an
** unknown name, and makes an untrusted link refused.  Sorted by strcmp()
** for bsearch().  Generated from Python's html.entities.html5.
*/
struct entity {
	const char *name; /* without '&' and ';' */
	uint32_t cp;      /* the one code point it stands for */
};

static const struct entity entities[] = {
	{"AElig", 0xC6}, {"AMP", 0x26}, {"Aacute", 0xC1}, {"Acirc", 0xC2},
	{"Agrave", 0xC0}, {"Alpha", 0x391}, {"Aring", 0xC5}, {"Atilde", 0xC3},
	{"Auml", 0xC4}, {"Beta", 0x392}, {"Ccedil", 0xC7}, {"Chi", 0x3A7},
	{"Dagger", 0x2021}, {"Delta", 0x394}, {"DiacriticalGrave", 0x60},
	{"ETH", 0xD0}, {"Eacute", 0xC9}, {"Ecirc", 0xCA}, {"Egrave", 0xC8},
	{"Epsilon", 0x395}, {"Eta", 0x397}, {"Euml", 0xCB}, {"GT", 0x3E},
	{"Gamma", 0x393}, {"Hat", 0x5E}, {"Iacute", 0xCD}, {"Icirc", 0xCE},
	{"Igrave", 0xCC}, {"Iota", 0x399}, {"Iuml", 0xCF}, {"Kappa", 0x39A},
	{"LT", 0x3C}, {"Lambda", 0x39B}, {"Mu", 0x39C}, {"NewLine", 0xA},
	{"Ntilde", 0xD1}, {"Nu", 0x39D}, {"OElig", 0x152}, {"Oacute", 0xD3},
	{"Ocirc", 0xD4}, {"Ograve", 0xD2}, {"Omega", 0x3A9}, {"Omicron", 0x39F},
	{"Oslash", 0xD8}, {"Otilde", 0xD5}, {"Ouml", 0xD6}, {"Phi", 0x3A6},
	{"Pi", 0x3A0}, {"Prime", 0x2033}, {"Psi", 0x3A8}, {"QUOT", 0x22},
	{"Rho", 0x3A1}, {"Scaron", 0x160}, {"Sigma", 0x3A3}, {"THORN", 0xDE},
	{"Tab", 0x9}, {"Tau", 0x3A4}, {"Theta", 0x398}, {"Uacute", 0xDA},
	{"Ucirc", 0xDB}, {"Ugrave", 0xD9}, {"UnderBar", 0x5F}, {"Upsilon", 0x3A5},
	{"Uuml", 0xDC}, {"VerticalLine", 0x7C}, {"Xi", 0x39E}, {"Yacute", 0xDD},
	{"Yuml", 0x178}, {"Zeta", 0x396}, {"aacute", 0xE1}, {"acirc", 0xE2},
	{"acute", 0xB4}, {"aelig", 0xE6}, {"agrave", 0xE0}, {"alefsym", 0x2135},
	{"alpha", 0x3B1}, {"amp", 0x26}, {"and", 0x2227}, {"ang", 0x2220},
	{"apos", 0x27}, {"aring", 0xE5}, {"ast", 0x2A}, {"asymp", 0x2248},
	{"atilde", 0xE3}, {"auml", 0xE4}, {"bdquo", 0x201E}, {"beta", 0x3B2},
	{"brvbar", 0xA6}, {"bsol", 0x5C}, {"bull", 0x2022}, {"cap", 0x2229},
	{"ccedil", 0xE7}, {"cedil", 0xB8}, {"cent", 0xA2}, {"chi", 0x3C7},
	{"circ", 0x2C6}, {"clubs", 0x2663}, {"colon", 0x3A}, {"comma", 0x2C},
	{"commat", 0x40}, {"cong", 0x2245}, {"copy", 0xA9}, {"crarr", 0x21B5},
	{"cup", 0x222A}, {"curren", 0xA4}, {"dArr", 0x21D3}, {"dagger", 0x2020},
	{"darr", 0x2193}, {"deg", 0xB0}, {"delta", 0x3B4}, {"diams", 0x2666},
	{"divide", 0xF7}, {"dollar", 0x24}, {"eacute", 0xE9}, {"ecirc", 0xEA},
	{"egrave", 0xE8}, {"empty", 0x2205}, {"emsp", 0x2003}, {"ensp", 0x2002},
	{"epsilon", 0x3B5}, {"equals", 0x3D}, {"equiv", 0x2261}, {"eta", 0x3B7},
	{"eth", 0xF0}, {"euml", 0xEB}, {"euro", 0x20AC}, {"excl", 0x21},
	{"exist", 0x2203}, {"fnof", 0x192}, {"forall", 0x2200}, {"frac12", 0xBD},
	{"frac14", 0xBC}, {"frac34", 0xBE}, {"frasl", 0x2044}, {"gamma", 0x3B3},
	{"ge", 0x2265}, {"grave", 0x60}, {"gt", 0x3E}, {"hArr", 0x21D4},
	{"harr", 0x2194}, {"hearts", 0x2665}, {"hellip", 0x2026}, {"iacute", 0xED},
	{"icirc", 0xEE}, {"iexcl", 0xA1}, {"igrave", 0xEC}, {"image", 0x2111},
	{"infin", 0x221E}, {"int", 0x222B}, {"iota", 0x3B9}, {"iquest", 0xBF},
	{"isin", 0x2208}, {"iuml", 0xEF}, {"kappa", 0x3BA}, {"lArr", 0x21D0},
	{"lambda", 0x3BB}, {"lang", 0x27E8}, {"laquo", 0xAB}, {"larr", 0x2190},
	{"lbrace", 0x7B}, {"lbrack", 0x5B}, {"lceil", 0x2308}, {"lcub", 0x7B},
	{"ldquo", 0x201C}, {"le", 0x2264}, {"lfloor", 0x230A}, {"lowast", 0x2217},
	{"lowbar", 0x5F}, {"loz", 0x25CA}, {"lpar", 0x28}, {"lrm", 0x200E},
	{"lsaquo", 0x2039}, {"lsqb", 0x5B}, {"lsquo", 0x2018}, {"lt", 0x3C},
	{"macr", 0xAF}, {"mdash", 0x2014}, {"micro", 0xB5}, {"midast", 0x2A},
	{"middot", 0xB7}, {"minus", 0x2212}, {"mu", 0x3BC}, {"nabla", 0x2207},
	{"nbsp", 0xA0}, {"ndash", 0x2013}, {"ne", 0x2260}, {"ni", 0x220B},
	{"not", 0xAC}, {"notin", 0x2209}, {"nsub", 0x2284}, {"ntilde", 0xF1},
	{"nu", 0x3BD}, {"num", 0x23}, {"oacute", 0xF3}, {"ocirc", 0xF4},
	{"oelig", 0x153}, {"ograve", 0xF2}, {"oline", 0x203E}, {"omega", 0x3C9},
	{"omicron", 0x3BF}, {"oplus", 0x2295}, {"or", 0x2228}, {"ordf", 0xAA},
	{"ordm", 0xBA}, {"oslash", 0xF8}, {"otilde", 0xF5}, {"otimes", 0x2297},
	{"ouml", 0xF6}, {"para", 0xB6}, {"part", 0x2202}, {"percnt", 0x25},
	{"period", 0x2E}, {"permil", 0x2030}, {"perp", 0x22A5}, {"phi", 0x3C6},
	{"pi", 0x3C0}, {"piv", 0x3D6}, {"plus", 0x2B}, {"plusmn", 0xB1},
	{"pound", 0xA3}, {"prime", 0x2032}, {"prod", 0x220F}, {"prop", 0x221D},
	{"psi", 0x3C8}, {"quest", 0x3F}, {"quot", 0x22}, {"rArr", 0x21D2},
	{"radic", 0x221A}, {"rang", 0x27E9}, {"raquo", 0xBB}, {"rarr", 0x2192},
	{"rbrace", 0x7D}, {"rbrack", 0x5D}, {"rceil", 0x2309}, {"rcub", 0x7D},
	{"rdquo", 0x201D}, {"real", 0x211C}, {"reg", 0xAE}, {"rfloor", 0x230B},
	{"rho", 0x3C1}, {"rlm", 0x200F}, {"rpar", 0x29}, {"rsaquo", 0x203A},
	{"rsqb", 0x5D}, {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"scaron", 0x161},
	{"sdot", 0x22C5}, {"sect", 0xA7}, {"semi", 0x3B}, {"shy", 0xAD},
	{"sigma", 0x3C3}, {"sigmaf", 0x3C2}, {"sim", 0x223C}, {"sol", 0x2F},
	{"spades", 0x2660}, {"sub", 0x2282}, {"sube", 0x2286}, {"sum", 0x2211},
	{"sup", 0x2283}, {"sup1", 0xB9}, {"sup2", 0xB2}, {"sup3", 0xB3},
	{"supe", 0x2287}, {"szlig", 0xDF}, {"tau", 0x3C4}, {"there4", 0x2234},
	{"theta", 0x3B8}, {"thetasym", 0x3D1}, {"thinsp", 0x2009}, {"thorn", 0xFE},
	{"tilde", 0x2DC}, {"times", 0xD7}, {"trade", 0x2122}, {"uArr", 0x21D1},
	{"uacute", 0xFA}, {"uarr", 0x2191}, {"ucirc", 0xFB}, {"ugrave", 0xF9},
	{"uml", 0xA8}, {"upsih", 0x3D2}, {"upsilon", 0x3C5}, {"uuml", 0xFC},
	{"verbar", 0x7C}, {"vert", 0x7C}, {"weierp", 0x2118}, {"xi", 0x3BE},
	{"yacute", 0xFD}, {"yen", 0xA5}, {"yuml", 0xFF}, {"zeta", 0x3B6},
	{"zwj", 0x200D}, {"zwnj", 0x200C},
};

static int entity_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct entity *)elem)->name);
}

/*
** Decodes the character reference s[0..n), as md4c reported it: "&name;",
** "&#123;" or "&#x7B;".  If it is one we know, appends its UTF-8 to `out`
** and returns 1.  Numeric references to U+0000, surrogates or beyond
** U+10FFFF give U+FFFD, as CommonMark and HTML say.  Otherwise returns 0 and
** appends nothing.
*/
static int entity_decode(struct buf *out, const char *s, size_t n)
{
	char u8[4];
	uint32_t cp;
	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return 0;
	if (s[1] == '#') {
		size_t i = 2;
		int base = 10;
		if (i < n - 1 && (s[i] == 'x' || s[i] == 'X'))
			base = 16, i++;
		if (i == n - 1)
			return 0;
		cp = 0;
		for (; i < n - 1; i++) {
			int d;
			char c = s[i];
			if (c >= '0' && c <= '9') d = c - '0';
			else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
			else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
			else return 0;
			/* Saturate: anything past U+10FFFF is as bad as any other. */
			if (cp <= 0x10FFFF)
				cp = cp * (uint32_t)base + (uint32_t)d;
		}
		if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
			buf_puts(out, REPLACEMENT);
			return 1;
		}
	} else {
		char name[48];
		if (n - 2 >= sizeof name)
			return 0;
		memcpy(name, s + 1, n - 2);
		name[n - 2] = 0;
		const struct entity *e = bsearch(name, entities,
		                                 sizeof entities / sizeof entities[0],
		                                 sizeof entities[0], entity_cmp);
		if (!e)
			return 0;
		cp = e->cp;
	}
	buf_put(out, u8, (size_t)utf8_encode(cp, u8));
	return 1;
}

/*
** Appends attribute `a` (an href, src or code-fence language) to `out` as
** plain bytes: entities decoded, NUL as U+FFFD; md4c has already removed
** backslash escapes.  Returns 1, or 0 if some entity was not one we know (it
** is then appended as written).
*/
static int attr_decode(struct buf *out, const MD_ATTRIBUTE *a)
{
	int is_known = 1;
	for (size_t i = 0; a->substr_offsets[i] < a->size; i++) {
		const char *s = a->text + a->substr_offsets[i];
		size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
		switch (a->substr_types[i]) {
		case MD_TEXT_NULLCHAR:
			buf_puts(out, REPLACEMENT);
			break;
		case MD_TEXT_ENTITY:
			if (!entity_decode(out, s, n)) {
				buf_put(out, s, n);
				is_known = 0;
			}
			break;
		default:
			buf_put(out, s, n);
		}
	}
	return is_known;
}

/* Writes attribute `a` as an HTML text/attribute value. */
static void put_attr_html(struct md_render *r, const MD_ATTRIBUTE *a)
{
	buf_reset(&r->url);
	attr_decode(&r->url, a);
	esc_html(r->out, r->url.data, r->url.len);
}

/* Writes attribute `a` as a URL in an attribute value (trusted only). */
static void put_attr_url(struct md_render *r, const MD_ATTRIBUTE *a)
{
	buf_reset(&r->url);
	attr_decode(&r->url, a);
	esc_url_attr(r->out, r->url.data, r->url.len);
}

/* ---- the limited level's allow-list of raw HTML ---- */

/*
** The elements staff without unfiltered HTML may write, with the
** attributes each may carry besides title (any element).  Attribute kinds:
** a URL (checked as a link: http, https, mailto or relative; an image's
** src: http, https or relative), a number (1 to 4 digits), or text.  Not
** here, so never written: script, style, iframe, frame, object, embed,
** meta, link, base, form and its fields, svg, math, template, noscript,
** textarea, title, select, and the attributes on*, style, class, id, name,
** srcset, target, formaction.  WordPress's $allowedposttags, smaller.
*/
struct raw_elem {
	const char *name;  /* lower case */
	int is_void;       /* no closing tag, never pushed */
	const char *attrs; /* " a b c ": the allowed attributes, space-bounded */
};

static const struct raw_elem raw_elems[] = {
	{"a", 0, " href "}, {"abbr", 0, " "}, {"b", 0, " "}, {"blockquote", 0, " cite "},
	{"br", 1, " "}, {"caption", 0, " "}, {"cite", 0, " "}, {"code", 0, " "},
	{"dd", 0, " "}, {"del", 0, " cite datetime "}, {"dfn", 0, " "}, {"div", 0, " "},
	{"dl", 0, " "}, {"dt", 0, " "}, {"em", 0, " "}, {"figcaption", 0, " "},
	{"figure", 0, " "}, {"h1", 0, " "}, {"h2", 0, " "}, {"h3", 0, " "}, {"h4", 0, " "},
	{"h5", 0, " "}, {"h6", 0, " "}, {"hr", 1, " "}, {"i", 0, " "},
	{"img", 1, " src alt width height "}, {"ins", 0, " cite datetime "}, {"kbd", 0, " "},
	{"li", 0, " "}, {"mark", 0, " "}, {"ol", 0, " start "}, {"p", 0, " "}, {"pre", 0, " "},
	{"q", 0, " cite "}, {"s", 0, " "}, {"samp", 0, " "}, {"small", 0, " "},
	{"span", 0, " "}, {"strong", 0, " "}, {"sub", 0, " "}, {"sup", 0, " "},
	{"table", 0, " "}, {"tbody", 0, " "}, {"td", 0, " colspan rowspan "},
	{"tfoot", 0, " "}, {"th", 0, " colspan rowspan scope "}, {"thead", 0, " "},
	{"tr", 0, " "}, {"u", 0, " "}, {"ul", 0, " "}, {"var", 0, " "},
};

#define N_RAW_ELEMS (sizeof raw_elems / sizeof raw_elems[0])

/* Raw elements open at once, at most: past it a start tag is dropped, so
** that a closing tag's search of the stack stays short (100,000 open <i>
** and as many unmatched </b> took 9 s unbounded). */
#define RAW_DEPTH 64

/* The raw_elems index of the lower-case name n[0..len), or -1. */
static int raw_elem_find(const char *n, size_t len)
{
	for (size_t i = 0; i < N_RAW_ELEMS; i++)
		if (strlen(raw_elems[i].name) == len && !memcmp(raw_elems[i].name, n, len))
			return (int)i;
	return -1;
}

/* ---- the stack of open elements ---- */

/*
** Every block and span md4c enters is pushed here, with whether we wrote an
** opening tag for it; the closing tag is written when it is popped, and
** only then.  md4c 0.4.8 does not always pair its span callbacks: with
** permissive autolinks, "x https://e.com/_a_ y" leaves an emphasis it never
** entered, because the URL swallowed the opening '_' (mity/md4c#294).  So a
** leave pops down to the matching entry, closing whatever was opened above
** it (their own leaves later find nothing and are ignored), a leave with
** no match is ignored, a block's enter or leave first closes any span still
** open, and the end of the document closes everything.  The output is
** balanced whatever order the callbacks come in.
*/
enum { ELEM_BLOCK, ELEM_SPAN, ELEM_RAW }; /* open_elem.is_span */

struct open_elem {
	unsigned char is_span; /* ELEM_SPAN: MD_SPANTYPE; ELEM_RAW: a raw_elems
	                          index; ELEM_BLOCK (0): MD_BLOCKTYPE */
	unsigned char type;    /* the md4c type, or the raw_elems index */
	unsigned char wrote;   /* an opening tag was written: close it */
	unsigned char level;   /* heading level, for </hN> */
};

static size_t stack_depth(const struct md_render *r)
{
	return r->stack.len / sizeof(struct open_elem);
}

static struct open_elem stack_at(const struct md_render *r, size_t i)
{
	struct open_elem e;
	memcpy(&e, r->stack.data + i * sizeof e, sizeof e);
	return e;
}

static void push(struct md_render *r, int is_span, int type, int wrote, unsigned level)
{
	struct open_elem e = {(unsigned char)is_span, (unsigned char)type,
	                      (unsigned char)wrote, (unsigned char)level};
	buf_put(&r->stack, &e, sizeof e);
}

static const char *block_closer(const struct md_render *r, MD_BLOCKTYPE type)
{
	switch (type) {
	case MD_BLOCK_QUOTE: return "</blockquote>\n";
	case MD_BLOCK_UL: return "</ul>\n";
	case MD_BLOCK_OL: return "</ol>\n";
	case MD_BLOCK_LI: return "</li>\n";
	case MD_BLOCK_CODE: return "</code></pre>\n";
	case MD_BLOCK_P: return "</p>\n";
	case MD_BLOCK_H: return "</strong></p>\n"; /* untrusted; else </hN> */
	case MD_BLOCK_TABLE: return "</table>\n";
	case MD_BLOCK_THEAD: return "</thead>\n";
	case MD_BLOCK_TBODY: return "</tbody>\n";
	case MD_BLOCK_TR: return r->trust != MD_UNTRUSTED ? "</tr>\n" : "\n";
	case MD_BLOCK_TH: return r->trust != MD_UNTRUSTED ? "</th>\n" : " ";
	case MD_BLOCK_TD: return r->trust != MD_UNTRUSTED ? "</td>\n" : " ";
	default: return "";
	}
}

static const char *span_closer(MD_SPANTYPE type)
{
	switch (type) {
	case MD_SPAN_EM: return "</em>";
	case MD_SPAN_STRONG: return "</strong>";
	case MD_SPAN_A: return "</a>";
	case MD_SPAN_IMG: return "\">"; /* ends alt="..., the last attribute */
	case MD_SPAN_CODE: return "</code>";
	case MD_SPAN_DEL: return "</del>";
	default: return "";
	}
}

/* Pops the top element, writing its closing tag if it has one. */
static void pop(struct md_render *r)
{
	struct open_elem e = stack_at(r, stack_depth(r) - 1);
	r->stack.len -= sizeof e;
	if (e.is_span == ELEM_SPAN && e.type == MD_SPAN_IMG)
		r->image_depth--;
	if (e.is_span == ELEM_SPAN && e.type == MD_SPAN_A && e.wrote)
		r->is_link_open = 0;
	if (e.is_span == ELEM_RAW)
		r->raw_depth--;
	if (!e.wrote)
		return;
	if (e.is_span == ELEM_RAW)
		buf_printf(r->out, "</%s>", raw_elems[e.type].name);
	else if (!e.is_span && e.type == MD_BLOCK_H && r->trust != MD_UNTRUSTED)
		buf_printf(r->out, "</h%u>\n", e.level);
	else if (e.is_span)
		buf_puts(r->out, span_closer(e.type));
	else
		buf_puts(r->out, block_closer(r, e.type));
}

/* Closes every span still open above the innermost block. */
static void pop_spans(struct md_render *r)
{
	while (stack_depth(r) && stack_at(r, stack_depth(r) - 1).is_span)
		pop(r);
}

/* Closes the innermost open element of this kind and type, and anything
** opened after it; does nothing if there is none (spans and raw elements
** look no further than the innermost block). */
static void pop_to(struct md_render *r, int is_span, int type)
{
	size_t i = stack_depth(r);
	while (i > 0) {
		struct open_elem e = stack_at(r, i - 1);
		if (e.is_span == is_span && e.type == type)
			break;
		if (is_span && !e.is_span)
			return;
		i--;
	}
	if (i == 0)
		return;
	while (stack_depth(r) >= i)
		pop(r);
}

/* ---- checked URLs (untrusted and limited) ---- */

/*
** 1 if the decoded URL in r->url is of a kind in `allow`, leaving in r->url
** the URL to write.  What the browser's URL parser would drop (leading and
** trailing C0 controls and spaces, tab/LF/CR anywhere) is dropped first, so
** the URL checked is the URL written, not one that esc_url_attr() would
** turn into a relative "%09http://".
*/
static int url_clean_ok(struct md_render *r, int allow)
{
	char *u = r->url.data;
	size_t n = r->url.len, k = 0, i = 0;
	while (i < n && (unsigned char)u[i] <= 0x20)
		i++;
	while (n > i && (unsigned char)u[n - 1] <= 0x20)
		n--;
	for (; i < n; i++)
		if (u[i] != '\t' && u[i] != '\n' && u[i] != '\r')
			u[k++] = u[i];
	r->url.len = k;
	return url_scheme_ok(u, k, allow);
}

/*
** 1 if a link (or image) to `href` may be written, leaving in r->url the
** URL to write.  Character references are decoded first, because the
** browser decodes them before it reads the scheme (&#106;avascript: is
** javascript:); a reference we cannot decode refuses the link rather than
** guess.
*/
static int link_ok(struct md_render *r, const MD_ATTRIBUTE *href, int allow)
{
	buf_reset(&r->url);
	if (!attr_decode(&r->url, href))
		return 0;
	return url_clean_ok(r, allow);
}

#define LINK_KINDS (URL_HTTP | URL_MAILTO | URL_RELATIVE) /* a, cite */
#define IMAGE_KINDS (URL_HTTP | URL_RELATIVE)             /* img src */

/* ---- trusted (and limited): CommonMark, tables and strikethrough ---- */

static void trusted_cell(struct md_render *r, const char *tag, const MD_BLOCK_TD_DETAIL *d)
{
	buf_printf(r->out, "<%s", tag);
	switch (d->align) {
	case MD_ALIGN_LEFT: buf_puts(r->out, " align=\"left\""); break;
	case MD_ALIGN_CENTER: buf_puts(r->out, " align=\"center\""); break;
	case MD_ALIGN_RIGHT: buf_puts(r->out, " align=\"right\""); break;
	default: break;
	}
	buf_putc(r->out, '>');
}

/* Writes the opening tag; returns 1 if the block has a closing tag. */
static int trusted_open_block(struct md_render *r, MD_BLOCKTYPE type, void *detail)
{
	struct buf *o = r->out;
	switch (type) {
	case MD_BLOCK_QUOTE: buf_puts(o, "<blockquote>\n"); return 1;
	case MD_BLOCK_UL: buf_puts(o, "<ul>\n"); return 1;
	case MD_BLOCK_OL: {
		const MD_BLOCK_OL_DETAIL *d = detail;
		if (d->start == 1)
			buf_puts(o, "<ol>\n");
		else
			buf_printf(o, "<ol start=\"%u\">\n", d->start);
		return 1;
	}
	case MD_BLOCK_LI: buf_puts(o, "<li>"); return 1;
	case MD_BLOCK_HR: buf_puts(o, "<hr>\n"); return 0;
	case MD_BLOCK_H:
		buf_printf(o, "<h%u>", ((const MD_BLOCK_H_DETAIL *)detail)->level);
		return 1;
	case MD_BLOCK_CODE: {
		const MD_BLOCK_CODE_DETAIL *d = detail;
		buf_puts(o, "<pre><code");
		if (d->lang.text && d->lang.size) {
			buf_puts(o, " class=\"language-");
			put_attr_html(r, &d->lang);
			buf_putc(o, '"');
		}
		buf_putc(o, '>');
		return 1;
	}
	case MD_BLOCK_P: buf_puts(o, "<p>"); return 1;
	case MD_BLOCK_TABLE: buf_puts(o, "<table>\n"); return 1;
	case MD_BLOCK_THEAD: buf_puts(o, "<thead>\n"); return 1;
	case MD_BLOCK_TBODY: buf_puts(o, "<tbody>\n"); return 1;
	case MD_BLOCK_TR: buf_puts(o, "<tr>\n"); return 1;
	case MD_BLOCK_TH: trusted_cell(r, "th", detail); return 1;
	case MD_BLOCK_TD: trusted_cell(r, "td", detail); return 1;
	default: return 0; /* the document; an HTML block's text is written raw */
	}
}

/* Inside an image's description only text is written (into alt=""), so
** spans there write nothing, nor does a nested image.  The image's title
** goes before alt, so that the closer is the same '">' for every image. */
static int trusted_open_span(struct md_render *r, MD_SPANTYPE type, void *detail)
{
	struct buf *o = r->out;
	if (r->image_depth)
		return 0;
	switch (type) {
	case MD_SPAN_EM: buf_puts(o, "<em>"); return 1;
	case MD_SPAN_STRONG: buf_puts(o, "<strong>"); return 1;
	case MD_SPAN_A: {
		const MD_SPAN_A_DETAIL *d = detail;
		if (r->trust == MD_LIMITED && !link_ok(r, &d->href, LINK_KINDS))
			return 0; /* the link text alone */
		buf_puts(o, "<a href=\"");
		if (r->trust == MD_LIMITED)
			esc_url_attr(o, r->url.data, r->url.len);
		else
			put_attr_url(r, &d->href);
		buf_putc(o, '"');
		if (d->title.text && d->title.size) {
			buf_puts(o, " title=\"");
			put_attr_html(r, &d->title);
			buf_putc(o, '"');
		}
		buf_putc(o, '>');
		return 1;
	}
	case MD_SPAN_IMG: {
		const MD_SPAN_IMG_DETAIL *d = detail;
		if (r->trust == MD_LIMITED && !link_ok(r, &d->src, IMAGE_KINDS))
			return 0; /* the alt text alone, as text */
		buf_puts(o, "<img src=\"");
		if (r->trust == MD_LIMITED)
			esc_url_attr(o, r->url.data, r->url.len);
		else
			put_attr_url(r, &d->src);
		buf_putc(o, '"');
		if (d->title.text && d->title.size) {
			buf_puts(o, " title=\"");
			put_attr_html(r, &d->title);
			buf_putc(o, '"');
		}
		buf_puts(o, " alt=\"");
		return 1;
	}
	case MD_SPAN_CODE: buf_puts(o, "<code>"); return 1;
	case MD_SPAN_DEL: buf_puts(o, "<del>"); return 1;
	default: return 0; /* underline, math, wiki links: not enabled */
	}
}

/* ---- untrusted: the allow-list ---- */

static int untrusted_open_block(struct md_render *r, MD_BLOCKTYPE type)
{
	struct buf *o = r->out;
	switch (type) {
	case MD_BLOCK_QUOTE: buf_puts(o, "<blockquote>\n"); return 1;
	case MD_BLOCK_UL: buf_puts(o, "<ul>\n"); return 1;
	case MD_BLOCK_OL: buf_puts(o, "<ol>\n"); return 1;
	case MD_BLOCK_LI: buf_puts(o, "<li>"); return 1;
	case MD_BLOCK_H: buf_puts(o, "<p><strong>"); return 1;
	case MD_BLOCK_CODE: buf_puts(o, "<pre><code>"); return 1;
	case MD_BLOCK_P: buf_puts(o, "<p>"); return 1;
	case MD_BLOCK_TR: case MD_BLOCK_TH: case MD_BLOCK_TD:
		return 1; /* no tag; the "closer" separates the cells' text */
	default: return 0; /* document, hr, HTML, table: nothing */
	}
}

/* Links never nest in CommonMark, but md4c's permissive autolinks can nest
** one in another (mity/md4c#152): an <a> is written only when none is
** open.  Inside an image (its alt text) nothing is written. */
static int untrusted_open_span(struct md_render *r, MD_SPANTYPE type, void *detail)
{
	struct buf *o = r->out;
	if (r->image_depth)
		return 0;
	switch (type) {
	case MD_SPAN_EM: buf_puts(o, "<em>"); return 1;
	case MD_SPAN_STRONG: buf_puts(o, "<strong>"); return 1;
	case MD_SPAN_CODE: buf_puts(o, "<code>"); return 1;
	case MD_SPAN_DEL: buf_puts(o, "<del>"); return 1;
	case MD_SPAN_A:
		if (r->is_link_open ||
		    !link_ok(r, &((const MD_SPAN_A_DETAIL *)detail)->href, LINK_KINDS))
			return 0;
		buf_puts(o, "<a href=\"");
		esc_url_attr(o, r->url.data, r->url.len);
		buf_puts(o, "\" rel=\"nofollow ugc\">");
		r->is_link_open = 1;
		return 1;
	default: return 0; /* images, and what the flags leave off */
	}
}

/* ---- limited: raw HTML through the allow-list ---- */

static int is_html_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int is_ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* One attribute of a raw tag, as the HTML tokenizer splits it. */
struct raw_attr {
	const char *name;  /* not lower-cased yet */
	size_t name_len;   /* bytes */
	const char *value; /* as written, references not decoded; "" if none */
	size_t value_len;  /* bytes */
};

/*
** Decodes a raw attribute value into r->url: character references we know
** become their characters (with or without a browser's leniency, the
** value written is the one decoded here, escaped again).  Returns 0 if the
** value held a reference we do not know.
*/
static int raw_value_decode(struct md_render *r, const char *v, size_t n)
{
	int is_known = 1;
	buf_reset(&r->url);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '&') {
			size_t k = i + 1;
			while (k < n && k - i < 40 && (isalnum((unsigned char)v[k]) || v[k] == '#'))
				k++;
			if (k < n && v[k] == ';' && entity_decode(&r->url, v + i, k + 1 - i)) {
				i = k;
				continue;
			}
			is_known = 0;
		}
		buf_putc(&r->url, v[i]);
	}
	return is_known;
}

/* Writes attribute `at` of raw element `el` if it is allowed and its
** value passes; `seen` keeps the first of a repeated name, as a browser
** does. */
static void raw_put_attr(struct md_render *r, const struct raw_elem *el,
                         const struct raw_attr *at, struct buf *seen)
{
	char name[16];
	if (at->name_len >= sizeof name - 2)
		return;
	name[0] = ' ';
	for (size_t i = 0; i < at->name_len; i++)
		name[i + 1] = (char)tolower((unsigned char)at->name[i]);
	name[at->name_len + 1] = ' ';
	name[at->name_len + 2] = 0;
	if (strcmp(name, " title ") != 0 && !strstr(el->attrs, name))
		return;
	if (seen->len && strstr(buf_cstr(seen), name))
		return;
	buf_puts(seen, name);
	int is_url = !strcmp(name, " href ") || !strcmp(name, " src ") || !strcmp(name, " cite ");
	int is_number = !strcmp(name, " width ") || !strcmp(name, " height ") ||
	                !strcmp(name, " start ") || !strcmp(name, " colspan ") ||
	                !strcmp(name, " rowspan ");
	int is_known = raw_value_decode(r, at->value, at->value_len);
	if (is_url && (!is_known || !url_clean_ok(r, !strcmp(name, " src ") ? IMAGE_KINDS
	                                                                   : LINK_KINDS)))
		return;
	if (is_number) {
		if (r->url.len < 1 || r->url.len > 4)
			return;
		for (size_t i = 0; i < r->url.len; i++)
			if (r->url.data[i] < '0' || r->url.data[i] > '9')
				return;
	}
	name[at->name_len + 1] = 0;
	buf_printf(r->out, "%s=\"", name);
	if (is_url)
		esc_url_attr(r->out, r->url.data, r->url.len);
	else
		esc_html(r->out, r->url.data, r->url.len);
	buf_putc(r->out, '"');
}

/*
** Reads the tag that starts at s[0] == '<' (n bytes available), as the
** HTML tokenizer would: the name runs to a space, '/' or '>'; attributes
** are split at spaces, '/', '=' and quotes; the tag ends at the first '>'
** outside a quoted value.  Writes an allowed element again, or the tag as
** escaped text.  Returns the bytes read, or 0 if no tag starts here (the
** '<' is then text).  A tag that never ends (no '>', or a quote left open)
** makes the rest of the input text, as a browser drops the rest into the
** unfinished tag: trying again at each later '<' took quadratic time (18 s
** for 100,000 "<a ").
*/
static size_t raw_tag(struct md_render *r, const char *s, size_t n)
{
	int is_end = n > 1 && s[1] == '/';
	size_t i = is_end ? 2 : 1;
	if (i >= n || !is_ascii_alpha(s[i]))
		return 0;
	size_t name_at = i;
	while (i < n && !is_html_space(s[i]) && s[i] != '/' && s[i] != '>')
		i++;
	char lower[16];
	size_t name_len = i - name_at;
	int el = -1;
	if (name_len < sizeof lower) {
		for (size_t k = 0; k < name_len; k++)
			lower[k] = (char)tolower((unsigned char)s[name_at + k]);
		el = raw_elem_find(lower, name_len);
	}
	struct raw_attr attrs[32];
	size_t n_attrs = 0;
	for (;;) {
		while (i < n && (is_html_space(s[i]) || s[i] == '/'))
			i++;
		if (i >= n)
			goto unended;
		if (s[i] == '>')
			break;
		struct raw_attr at = {s + i, 0, "", 0};
		i++; /* the first character may be '=' */
		while (i < n && !is_html_space(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=')
			i++;
		at.name_len = (size_t)(s + i - at.name);
		while (i < n && is_html_space(s[i]))
			i++;
		if (i < n && s[i] == '=') {
			i++;
			while (i < n && is_html_space(s[i]))
				i++;
			if (i < n && (s[i] == '"' || s[i] == '\'')) {
				const char *q = i + 1 < n ? memchr(s + i + 1, s[i], n - i - 1) : NULL;
				if (!q)
					goto unended;
				at.value = s + i + 1;
				at.value_len = (size_t)(q - at.value);
				i = (size_t)(q - s) + 1;
			} else {
				at.value = s + i;
				while (i < n && !is_html_space(s[i]) && s[i] != '>')
					i++;
				at.value_len = (size_t)(s + i - at.value);
			}
		}
		if (n_attrs < sizeof attrs / sizeof attrs[0])
			attrs[n_attrs++] = at;
	}
	size_t len = i + 1; /* with the '>' */
	if (el < 0) {
		esc_html(r->out, s, len); /* not on the list: the text it is */
		return len;
	}
	const struct raw_elem *e = &raw_elems[el];
	if (is_end) {
		if (!e->is_void)
			pop_to(r, ELEM_RAW, el); /* nothing if not open in this block */
		return len;
	}
	if (!e->is_void && r->raw_depth >= RAW_DEPTH)
		return len; /* too deep: dropped */
	buf_printf(r->out, "<%s", e->name);
	struct buf seen = BUF_INIT;
	for (size_t k = 0; k < n_attrs; k++)
		raw_put_attr(r, e, &attrs[k], &seen);
	buf_free(&seen);
	buf_putc(r->out, '>');
	if (!e->is_void) {
		push(r, ELEM_RAW, el, 1, 0);
		r->raw_depth++;
	}
	return len;
unended:
	esc_html(r->out, s, n);
	return n;
}

/*
** Writes the raw HTML collected in r->raw through the allow-list, and
** empties it.  Comments (to "-->"; "<!-->" and "<!--->" are whole ones),
** "<!...>" and "<?...>" are dropped; tags go to raw_tag(); text is written
** escaped, with the character references we know decoded first.
*/
static void raw_flush(struct md_render *r)
{
	const char *s = r->raw.data;
	size_t n = r->raw.len, i = 0;
	struct buf *o = r->out;
	while (i < n) {
		const char *p = s + i;
		size_t left = n - i;
		if (*p == '<' && left >= 4 && !memcmp(p, "<!--", 4)) {
			size_t end;
			if (left >= 5 && p[4] == '>')
				end = 5;
			else if (left >= 6 && !memcmp(p + 4, "->", 2))
				end = 6;
			else {
				const char *q = NULL;
				for (size_t k = 4; k + 3 <= left && !q; k++)
					if (!memcmp(p + k, "-->", 3))
						q = p + k;
				end = q ? (size_t)(q - p) + 3 : left;
			}
			i += end;
			continue;
		}
		if (*p == '<' && left >= 2 && (p[1] == '!' || p[1] == '?')) {
			const char *q = memchr(p, '>', left);
			i += q ? (size_t)(q - p) + 1 : left;
			continue;
		}
		if (*p == '<') {
			size_t used = raw_tag(r, p, left);
			if (!used) {
				buf_puts(o, "&lt;");
				used = 1;
			}
			i += used;
			continue;
		}
		if (*p == '&') {
			size_t k = 1;
			while (k < left && k < 40 && (isalnum((unsigned char)p[k]) || p[k] == '#'))
				k++;
			buf_reset(&r->url);
			if (k < left && p[k] == ';' && entity_decode(&r->url, p, k + 1)) {
				esc_html(o, r->url.data, r->url.len);
				i += k + 1;
			} else {
				buf_puts(o, "&amp;");
				i++;
			}
			continue;
		}
		size_t run = 1;
		while (run < left && p[run] != '<' && p[run] != '&')
			run++;
		esc_html(o, p, run);
		i += run;
	}
	buf_reset(&r->raw);
}

/* Writes any raw HTML waiting, before whatever md4c reports next. */
static void flush_pending(struct md_render *r)
{
	if (r->raw.len)
		raw_flush(r);
}

/* ---- md4c callbacks ---- */

static int cb_enter_block(MD_BLOCKTYPE type, void *detail, void *user)
{
	struct md_render *r = user;
	flush_pending(r);
	pop_spans(r);
	int wrote = r->trust != MD_UNTRUSTED ? trusted_open_block(r, type, detail)
	                                     : untrusted_open_block(r, type);
	unsigned level = type == MD_BLOCK_H ? ((const MD_BLOCK_H_DETAIL *)detail)->level : 0;
	push(r, ELEM_BLOCK, (int)type, wrote, level);
	return 0;
}

static int cb_leave_block(MD_BLOCKTYPE type, void *detail, void *user)
{
	(void)detail;
	struct md_render *r = user;
	flush_pending(r);
	pop_spans(r);
	pop_to(r, ELEM_BLOCK, (int)type);
	return 0;
}

static int cb_enter_span(MD_SPANTYPE type, void *detail, void *user)
{
	struct md_render *r = user;
	flush_pending(r);
	int wrote = r->trust != MD_UNTRUSTED ? trusted_open_span(r, type, detail)
	                                     : untrusted_open_span(r, type, detail);
	push(r, ELEM_SPAN, (int)type, wrote, 0);
	if (type == MD_SPAN_IMG)
		r->image_depth++;
	return 0;
}

static int cb_leave_span(MD_SPANTYPE type, void *detail, void *user)
{
	(void)detail;
	flush_pending(user);
	pop_to(user, ELEM_SPAN, (int)type);
	return 0;
}

/*
** Text.  Only trusted raw HTML is written unescaped; an entity is decoded
** and re-escaped, and one we do not know is kept as written when trusted
** (it may be a real HTML5 name missing from our table) and escaped into
** visible text when not.  Inside an image's alt="" (trusted) line breaks
** become spaces and raw HTML is escaped, since it cannot be markup there.
** Limited raw HTML is collected for raw_flush(), which runs before any
** other callback.
*/
/* Trusted raw HTML as written, but never a NUL byte (U+FFFD instead, as
** an HTML parser would read it). */
static void put_raw(struct buf *o, const char *s, size_t n)
{
	const char *nul;
	while (n && (nul = memchr(s, 0, n)) != NULL) {
		buf_put(o, s, (size_t)(nul - s));
		buf_puts(o, REPLACEMENT);
		n -= (size_t)(nul - s) + 1;
		s = nul + 1;
	}
	buf_put(o, s, n);
}

static int cb_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *user)
{
	struct md_render *r = user;
	struct buf *o = r->out;
	int is_trusted = r->trust != MD_UNTRUSTED; /* unknown entities kept */
	if (type == MD_TEXT_HTML && r->trust == MD_LIMITED && !r->image_depth) {
		buf_put(&r->raw, s, n);
		return 0;
	}
	flush_pending(r);
	switch (type) {
	case MD_TEXT_NULLCHAR:
		buf_puts(o, REPLACEMENT);
		break;
	case MD_TEXT_BR:
		buf_puts(o, r->image_depth ? " " : "<br>\n");
		break;
	case MD_TEXT_SOFTBR:
		buf_puts(o, r->image_depth ? " " : "\n");
		break;
	case MD_TEXT_ENTITY:
		buf_reset(&r->url);
		if (entity_decode(&r->url, s, n))
			esc_html(o, r->url.data, r->url.len);
		else if (is_trusted)
			put_raw(o, s, n);
		else
			esc_html(o, s, n);
		break;
	case MD_TEXT_HTML:
		if (r->trust == MD_TRUSTED && !r->image_depth)
			put_raw(o, s, n);
		else
			esc_html(o, s, n);
		break;
	default: /* normal, code, LaTeX: plain text */
		esc_html(o, s, n);
		break;
	}
	return 0;
}

int markdown_render(struct buf *out, const char *src, size_t len, enum md_trust trust)
{
	unsigned flags = MD_FLAG_STRIKETHROUGH;
	if (trust != MD_UNTRUSTED)
		flags |= MD_FLAG_TABLES;
	else
		flags |= MD_FLAG_NOHTML | MD_FLAG_PERMISSIVEURLAUTOLINKS |
		         MD_FLAG_PERMISSIVEWWWAUTOLINKS;
	MD_PARSER parser = {
		.abi_version = 0,
		.flags = flags,
		.enter_block = cb_enter_block,
		.leave_block = cb_leave_block,
		.enter_span = cb_enter_span,
		.leave_span = cb_leave_span,
		.text = cb_text,
	};
	if (len > (MD_SIZE)-1)
		return -1; /* md4c counts in 32 bits; callers cap far below */
	struct md_render r = {.out = out, .trust = trust};
	buf_init(&r.url);
	buf_cstr(&r.url); /* allocated: r.url.data is never NULL below */
	buf_init(&r.stack);
	buf_init(&r.raw);
	size_t before = out->len;
	/* md4c 0.4.8 can read a few bytes past the end of its input (found by
	** fuzzing: tests/fuzz/markdown/crashes/md4c-reads-past-end): it parses
	** a copy followed by zeroed padding. */
	char *copy = mem_alloc(len + 64);
	if (len)
		memcpy(copy, src, len);
	memset(copy + len, 0, 64);
	int rc = md_parse(copy, (MD_SIZE)len, &parser, &r);
	free(copy);
	flush_pending(&r);
	while (stack_depth(&r))
		pop(&r);
	buf_free(&r.raw);
	buf_free(&r.url);
	buf_free(&r.stack);
	/* A size limit reached part-way leaves unbalanced HTML: that is a
	** failure too, and is_full stays set for the caller to see. */
	if (rc != 0 || out->is_full) {
		out->len = before;
		if (out->data)
			out->data[before] = 0;
		return -1;
	}
	return 0;
}
