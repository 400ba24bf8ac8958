/*
** request.c: reading requests (query, form, cookies) and building responses.
**
** Parsing is lazy: a handler that never asks for the form never pays for it.
** Everything parsed is allocated in the request's arena.
*/
#include "http/http.h"
#include "core/arena.h"
#include "http/multipart.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

char *http_decode(struct arena *a, const char *s, size_t n, int plus_space,
                  size_t *len_out)
{
	char *out = arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+' && plus_space) {
			out[k++] = ' ';
		} else if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		           hexval(s[i + 2]) >= 0) {
			out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[k++] = c;
		}
	}
	out[k] = 0;
	if (len_out)
		*len_out = k;
	return out;
}

struct http_param *http_parse_urlencoded(struct arena *a, const char *s, size_t n,
                                         size_t *n_out)
{
	size_t count = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '&')
			count++;
	struct http_param *p = arena_alloc(a, count * sizeof *p);
	size_t k = 0, i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			size_t eq = i;
			while (eq < end && s[eq] != '=')
				eq++;
			p[k].name = http_decode(a, s + i, eq - i, 1, NULL);
			if (eq < end)
				p[k].value = http_decode(a, s + eq + 1, end - eq - 1, 1, &p[k].len);
			else
				p[k].value = "", p[k].len = 0;
			k++;
		}
		i = end + 1;
	}
	*n_out = k;
	return p;
}

static const char *find(const struct http_param *p, size_t n, const char *name,
                        size_t *len)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].name, name)) {
			if (len)
				*len = p[i].len;
			return p[i].value;
		}
	return NULL;
}

const char *http_query(struct http_req *req, const char *name, size_t *len)
{
	if (!req->query_parsed) {
		req->query_params = http_parse_urlencoded(req->a, req->query, strlen(req->query),
		                                          &req->n_query_params);
		req->query_parsed = 1;
	}
	return find(req->query_params, req->n_query_params, name, len);
}

/* Parses the body once: urlencoded, or multipart (whose text parts become
** form parameters and whose file parts are kept for http_file). */
static void parse_form(struct http_req *req)
{
	if (req->form_parsed)
		return;
	req->form_parsed = 1;
	const char *ct = http_header(req, "Content-Type");
	if (!ct)
		return;
	if (!strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
		if (req->body_cut_len) { /* only its ends were read: not a form */
			req->form_error = "This form is too large; send the file as an upload.";
			return;
		}
		req->form_params = http_parse_urlencoded(req->a, req->body, req->body_len,
		                                         &req->n_form_params);
		return;
	}
	if (strncasecmp(ct, "multipart/form-data", 19) != 0)
		return;
	struct http_part *parts;
	size_t n;
	char err[200];
	if (multipart_parse(req->a, ct, req->body, req->body_len, &parts, &n, err,
	                    sizeof err) != 0) {
		req->form_error = arena_strdup(req->a, err);
		return;
	}
	req->form_params = arena_alloc(req->a, (n ? n : 1) * sizeof *req->form_params);
	req->files = parts;
	req->n_files = n;
	for (size_t i = 0; i < n; i++) {
		if (parts[i].filename)
			continue;
		struct http_param *f = &req->form_params[req->n_form_params++];
		f->name = parts[i].name;
		f->value = arena_strndup(req->a, parts[i].data, parts[i].len);
		f->len = parts[i].len;
	}
}

const char *http_form(struct http_req *req, const char *name, size_t *len)
{
	parse_form(req);
	return find(req->form_params, req->n_form_params, name, len);
}

enum text_verdict http_form_text(struct http_req *req, const char *name, size_t max,
                                 const char **out, size_t *chars)
{
	size_t len = 0;
	const char *v = http_form(req, name, &len);
	if (!v)
		v = "", len = 0;
	/* Trimmed first, so the count is of what is kept. */
	while (len && isspace((unsigned char)*v))
		v++, len--;
	while (len && isspace((unsigned char)v[len - 1]))
		len--;
	enum text_verdict verdict = text_check(v, len, max, chars);
	*out = verdict == TEXT_INVALID ? "" : arena_strndup(req->a, v, len);
	return verdict;
}

const struct http_part *http_file(struct http_req *req, const char *name)
{
	parse_form(req);
	for (size_t i = 0; i < req->n_files; i++)
		if (req->files[i].filename && !strcmp(req->files[i].name, name))
			return req->files[i].len ? &req->files[i] : NULL;
	return NULL;
}

const char *http_cookie(struct http_req *req, const char *name)
{
	if (!req->cookies_parsed) {
		req->cookies_parsed = 1;
		const char *h = http_header(req, "Cookie");
		if (h) {
			size_t count = 1;
			for (const char *c = h; *c; c++)
				if (*c == ';')
					count++;
			req->cookies = arena_alloc(req->a, count * sizeof *req->cookies);
			const char *p = h;
			while (*p) {
				while (*p == ' ' || *p == ';')
					p++;
				const char *end = strchr(p, ';');
				if (!end)
					end = p + strlen(p);
				const char *eq = memchr(p, '=', (size_t)(end - p));
				if (eq && eq > p) {
					struct http_param *c = &req->cookies[req->n_cookies++];
					c->name = arena_strndup(req->a, p, (size_t)(eq - p));
					c->value = arena_strndup(req->a, eq + 1, (size_t)(end - eq - 1));
					c->len = (size_t)(end - eq - 1);
				}
				p = end;
			}
		}
	}
	return find(req->cookies, req->n_cookies, name, NULL);
}

void http_resp_header_add(struct http_resp *resp, struct arena *a, const char *name,
                          const char *value)
{
	for (int i = 0; i < resp->n_headers; i++)
		if (!strcasecmp(resp->hnames[i], name)) {
			if (!strstr(resp->hvalues[i], value))
				resp->hvalues[i] = arena_printf(a, "%s, %s", resp->hvalues[i], value);
			return;
		}
	http_resp_header(resp, name, value);
}

void http_resp_header(struct http_resp *resp, const char *name, const char *value)
{
	/* One value per header name, the last one set winning; Set-Cookie
	** alone may repeat. */
	int first = name[0] | 0x20; /* a cheap test before the full comparison */
	if (strcasecmp(name, "Set-Cookie") != 0)
		for (int i = 0; i < resp->n_headers; i++)
			if ((resp->hnames[i][0] | 0x20) == first && !strcasecmp(resp->hnames[i], name)) {
				resp->hvalues[i] = value;
				return;
			}
	if (resp->n_headers >= HTTP_MAX_HEADERS)
		return;
	resp->hnames[resp->n_headers] = name;
	resp->hvalues[resp->n_headers] = value;
	resp->n_headers++;
}

void http_security_headers(struct http_resp *resp, int https)
{
	/* No page runs a script: the only <script> element is JSON-LD, a data
	** block browsers never execute. */
	http_resp_header(resp, "X-Content-Type-Options", "nosniff");
	http_resp_header(resp, "Referrer-Policy", "strict-origin-when-cross-origin");
	http_resp_header(resp, "X-Frame-Options", "SAMEORIGIN");
	http_resp_header(resp, "Content-Security-Policy",
	                 "default-src 'self'; script-src 'none'; style-src 'self'; "
	                 "img-src 'self' data:; object-src 'none'; base-uri 'self'; "
	                 "form-action 'self'; frame-ancestors 'self'");
	if (https)
		http_resp_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

void http_set_cookie(struct http_req *req, struct http_resp *resp, const char *name,
                     const char *value, long max_age, int secure)
{
	char *v = arena_printf(req->a, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
	                       name, max_age > 0 ? value : "", max_age > 0 ? max_age : 0,
	                       secure ? "; Secure" : "");
	http_resp_header(resp, "Set-Cookie", v);
}

void http_resp_text(struct http_resp *resp, int status, const char *text)
{
	resp->status = status;
	http_resp_unshare(resp);
	buf_reset(&resp->body);
	buf_puts(&resp->body, text);
}

void http_redirect(struct http_req *req, struct http_resp *resp, int status,
                   const char *location)
{
	(void)req;
	resp->status = status;
	http_resp_header(resp, "Location", location);
	http_resp_unshare(resp);
	buf_reset(&resp->body);
	resp->content_type = "text/plain; charset=utf-8";
	buf_puts(&resp->body, "Moved: ");
	buf_puts(&resp->body, location);
	buf_putc(&resp->body, '\n');
}

static const char *const day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void http_date_format(time_t t, char *out, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	/* By hand: strftime's names would follow the C locale. */
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", day_names[tm.tm_wday], tm.tm_mday,
	         month_names[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int month_of(const char *s)
{
	for (int i = 0; i < 12; i++)
		if (!strcmp(s, month_names[i]))
			return i;
	return -1;
}

/* Reads an HTTP-date in any of the three forms RFC 9110 says a recipient
** must accept: "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate), "Sunday,
** 06-Nov-94 08:49:37 GMT" (RFC 850) and "Sun Nov  6 08:49:37 1994"
** (asctime).  The time, or 0 if s is none of them. */
time_t http_date_parse(const char *s)
{
	char mon[4] = "";
	int d = 0, y = 0, hh = -1, mm = -1, ss = -1, end = 0;
	static const char *const long_days[] = {"Sunday", "Monday", "Tuesday", "Wednesday",
	                                        "Thursday", "Friday", "Saturday"};
	const char *comma = strchr(s, ',');
	const char *rest;
	if (comma) {
		/* The day name, and nothing else, before the comma. */
		size_t n = (size_t)(comma - s);
		int named = 0, long_name = 0;
		for (int i = 0; i < 7; i++) {
			named |= n == 3 && !strncmp(s, day_names[i], 3);
			long_name |= n == strlen(long_days[i]) && !strncmp(s, long_days[i], n);
		}
		if (named && sscanf(comma + 1, " %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", &d, mon, &y,
		                    &hh, &mm, &ss, &end) == 6 && end) {
			/* IMF-fixdate */
		} else if (long_name && sscanf(comma + 1, " %2d-%3[A-Za-z]-%2d %2d:%2d:%2d GMT%n", &d,
		                               mon, &y, &hh, &mm, &ss, &end) == 6 && end) {
			y += y < 70 ? 2000 : 1900; /* RFC 850's two-digit year */
		} else {
			return 0;
		}
		rest = comma + 1 + end;
	} else {
		char wday[4];
		if (sscanf(s, "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", wday, mon, &d, &hh, &mm,
		           &ss, &y, &end) != 7 || !end)
			return 0;
		int named = 0;
		for (int i = 0; i < 7; i++)
			named |= !strcmp(wday, day_names[i]);
		if (!named)
			return 0;
		rest = s + end; /* asctime() */
	}
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest)
		return 0; /* junk after the date */
	int m = month_of(mon);
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 0 || d < 1 || d > mdays[m] || (m == 1 && d == 29 && !leap) || y < 1970 ||
	    hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return 0;
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = m;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	return timegm(&tm);
}

void http_resp_share(struct http_resp *resp, const char *data, size_t len,
                     void (*release)(void *), void *arg)
{
	http_resp_unshare(resp);
	buf_reset(&resp->body);
	resp->shared = data;
	resp->shared_len = len;
	resp->release = release;
	resp->release_arg = arg;
}

void http_resp_unshare(struct http_resp *resp)
{
	if (resp->release)
		resp->release(resp->release_arg);
	resp->shared = NULL;
	resp->shared_len = 0;
	resp->release = NULL;
	resp->release_arg = NULL;
}
