/*
** utf8.c: strict UTF-8 decoding (RFC 3629).
*/
#include "core/utf8.h"

int utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int len;
	uint32_t min, v;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, min = 0x80, v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, min = 0x800, v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, min = 0x10000, v = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

int utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return 0;
		i += (size_t)k;
	}
	return 1;
}

size_t utf8_count(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

size_t utf8_count_text(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && !(s[i] == '\n' && i > 0 && s[i - 1] == '\r'))
			count++;
	return count;
}

int utf8_is_hidden(uint32_t cp)
{
	static const struct {
		uint32_t lo, hi;
	} ranges[] = {
		{0x0000, 0x001F}, /* C0 controls, tab and line breaks among them */
		{0x007F, 0x009F}, /* DEL, C1 controls (U+0085 is a line break) */
		{0x00AD, 0x00AD}, /* soft hyphen */
		{0x034F, 0x034F}, /* combining grapheme joiner */
		{0x061C, 0x061C}, /* Arabic letter mark */
		{0x115F, 0x1160}, /* Hangul fillers */
		{0x17B4, 0x17B5}, /* Khmer inherent vowels (invisible) */
		{0x180B, 0x180F}, /* Mongolian variation selectors and vowel separator */
		{0x200B, 0x200F}, /* zero width space, non-joiner, joiner; LRM, RLM */
		{0x2028, 0x202E}, /* line and paragraph separators; bidi embeddings, overrides */
		{0x2060, 0x206F}, /* word joiner, invisible operators, bidi isolates, deprecated */
		{0x3164, 0x3164}, /* Hangul filler */
		{0xFEFF, 0xFEFF}, /* byte order mark, zero width no-break space */
		{0xFFA0, 0xFFA0}, /* halfwidth Hangul filler */
		{0xFFF0, 0xFFFB}, /* unassigned specials, interlinear annotation */
		{0x1BCA0, 0x1BCA3}, /* shorthand format controls */
		{0x1D173, 0x1D17A}, /* musical formatting */
		{0xE0000, 0xE007F}, /* tag characters */
	};
	for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++)
		if (cp >= ranges[i].lo && cp <= ranges[i].hi)
			return 1;
	return 0;
}

int utf8_has_hidden(const char *s, size_t n, uint32_t *cp)
{
	size_t i = 0;
	while (i < n) {
		uint32_t c;
		int k = utf8_decode(s + i, n - i, &c);
		if (!k)
			return 0; /* not valid UTF-8: the caller's check */
		if (utf8_is_hidden(c)) {
			if (cp)
				*cp = c;
			return 1;
		}
		i += (size_t)k;
	}
	return 0;
}

int utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}
