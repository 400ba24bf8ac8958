"""typeset(text, html=False): text as public pages, feeds and JSON-LD show
it (curly quotes, dashes, ellipses), through `byline typeset`, the same
code the server runs (render/typography.c).  Tests that compare a page with
what the database holds compare with this."""
import subprocess

from harness import BYLINE


def typeset(text, html=False):
    return subprocess.run([BYLINE, "typeset"] + (["--html"] if html else []), input=text,
                          capture_output=True, text=True, check=True, timeout=30).stdout
