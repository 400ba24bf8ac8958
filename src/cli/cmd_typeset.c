/*
** cmd_typeset.c: `byline typeset [--html]`: standard input to standard
** output with the typography every public page applies (curly quotes,
** dashes, ellipses: render/typography.h), as plain text or, with --html,
** on the text nodes of HTML.  For designers checking a headline, and for
** the request tests, which compare pages with what the database holds.
*/
#include "cli/cmd.h"
#include "core/buf.h"
#include "render/typography.h"

#include <stdio.h>

int cmd_typeset(int argc, char **argv)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_put(&in, chunk, n);
	if (cli_flag(argc, argv, "--html"))
		typography_html(&out, in.data ? in.data : "", in.len);
	else
		typography_text(&out, in.data ? in.data : "", in.len);
	int ok = fwrite(out.data ? out.data : "", 1, out.len, stdout) == out.len;
	buf_free(&in);
	buf_free(&out);
	return ok && fflush(stdout) == 0 ? 0 : 1;
}
