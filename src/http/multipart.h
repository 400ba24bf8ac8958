/*
** multipart.h: multipart/form-data bodies (RFC 7578), the way browsers send
** file uploads.
**
** The parser works over a complete body already in memory (the server has
** buffered it under the route's body limit) and is written to be fuzzed: it
** reads only body[0..len), never relies on a NUL after it, and its running
** time is linear in len (each byte is looked at a bounded number of times;
** the delimiter search is memmem over a needle of at most 74 bytes).  Bad
** input of any shape gives -1 and one sentence a person can read; it never
** aborts.
**
** What is accepted (RFC 7578 over RFC 2046 section 5.1.1):
**
**   Content-Type: multipart/form-data; boundary=XYZ     (or boundary="X Y")
**
**   [preamble CRLF] --XYZ [spaces/tabs] CRLF
**   Content-Disposition: form-data; name="field"[; filename="a.jpg"] CRLF
**   [Content-Type: image/jpeg CRLF]
**   CRLF
**   data bytes
**   CRLF --XYZ [spaces/tabs] CRLF      ...next part...
**   CRLF --XYZ-- [spaces/tabs] [CRLF epilogue]
**
** Choices where the RFCs leave room or where real senders differ:
**
** - Line ends are CRLF only.  Every browser and curl send CRLF; accepting a
**   bare LF would move where a binary file ends (a "\n--XYZ" inside it would
**   cut it), so a bare LF in a part's header section is refused and a
**   delimiter is only ever "\r\n--XYZ".
** - The boundary is 1 to 70 characters of RFC 2046's bchars, not ending in
**   a space; quoted or not.  Text right after a delimiter other than "--",
**   spaces, tabs or CRLF ("--XYZabc") is refused: a delimiter must not occur
**   inside a part, and the sender broke that rule.
** - Each part must have exactly one Content-Disposition, of type form-data,
**   with a name.  Duplicate name or filename parameters, or duplicate
**   Content-Disposition or Content-Type headers, are refused rather than
**   picking one (two readers picking differently is how filters get fooled).
** - Parameter values are tokens or quoted strings.  In a quoted string `\"`
**   and `\\` stand for `"` and `\` (RFC 2616 quoted-pair, as older curl sends
**   them); any other backslash is kept (browsers send names as they are and
**   percent-encode only `"`, CR and LF, as %22, %0D, %0A, which are left
**   encoded here).  If a Content-Disposition only reads as unterminated with
**   backslash escapes (a browser sending a file named `x\`), it is read again
**   with backslashes taken literally.
** - filename* (RFC 5987, "UTF-8''percent-encoded") is used only when there is
**   no plain filename, as RFC 7578 section 4.2 advises senders; other
**   charsets are ignored.
** - Content-Transfer-Encoding is deprecated by RFC 7578; "binary", "8bit" and
**   "7bit" are accepted, anything else (base64, quoted-printable) refused.
** - Header names are compared without case; headers other than the three
**   above are ignored.  Folded header lines (starting with a space or tab)
**   and control characters other than tab in a header line are refused.
** - A body with no parts ("--XYZ--") is accepted and gives zero parts.
**
** Limits: MULTIPART_MAX_PARTS parts, MULTIPART_MAX_HEADERS header lines per
** part, MULTIPART_MAX_LINE bytes per header line.
*/
#ifndef BYLINE_HTTP_MULTIPART_H
#define BYLINE_HTTP_MULTIPART_H

#include <stddef.h>
#include <sys/types.h>

struct arena;

#define MULTIPART_MAX_PARTS 64     /* parts in one body */
#define MULTIPART_MAX_HEADERS 16   /* header lines in one part */
#define MULTIPART_MAX_LINE 2048    /* bytes in one header line, CRLF excluded */
#define MULTIPART_MAX_BOUNDARY 70  /* RFC 2046 */

/* One part of a form.  Strings are NUL-terminated and allocated in the
** arena given to multipart_parse(); data points into the body. */
struct http_part {
	const char *name;         /* the form field's name (may be "") */
	const char *filename;     /* as sent, NULL if the part is not a file; ""
	                          ** for a file input left empty.  Never use it as
	                          ** a path: it may hold '/', '\\' or "..". */
	const char *content_type; /* the part's Content-Type, trimmed, as sent;
	                          ** "text/plain" if absent (RFC 7578 4.4).  Only
	                          ** a claim: sniff file contents instead. */
	const char *data;         /* the part's bytes, inside body; NOT
	                          ** NUL-terminated, may hold NULs */
	size_t len;               /* bytes in data */
};

/* Parses body[0..len) as multipart/form-data, with the boundary taken from
** content_type (the request's Content-Type header value; NULL is refused).
** On success returns 0 and sets *parts to an array of *n_parts parts in
** body order, allocated in a (NULL when there are none).  On any error
** returns -1, sets *parts = NULL and *n_parts = 0, and writes one sentence
** into err (errlen bytes, may be 0), for example "The form data ended before
** its closing boundary: the upload was cut off." */
int multipart_parse(struct arena *a, const char *content_type, const char *body,
                    size_t len, struct http_part **parts, size_t *n_parts, char *err,
                    size_t errlen);

/* The first part named name, or NULL.  Borrowed from parts. */
const struct http_part *multipart_get(const struct http_part *parts, size_t n_parts,
                                      const char *name);

/* Where a part lies in a spooled body's file (http.h: struct http_req's
** body_cut): body is the view multipart_parse() read (its first bytes, then
** its last, cut_len bytes left out at cut; cut_len 0: all of it), fd the
** file, part one of the n_parts parts read.  A part spanning the cut must
** be the last, and its bytes in the file (read in 1 MB pieces, never held)
** must not hold the delimiter.  0 with *off and *len set, or -1 with one
** sentence in err. */
int multipart_spooled(const char *content_type, const char *body, size_t cut, size_t cut_len,
                      int fd, const struct http_part *parts, size_t n_parts,
                      const struct http_part *part, off_t *off, size_t *len, char *err,
                      size_t errlen);

#endif
