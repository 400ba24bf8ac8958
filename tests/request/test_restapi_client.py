"""The REST API driven by a real WordPress client from npm (wpapi 1.2.2,
node-wpapi): discovery, list, filter, page, embed, single items, an
application password, a draft, a media upload, publishing as an editor and
a contributor refused, lists as wpapi sends them (categories[]=..),
include, exclude, categories_exclude, status, types, taxonomies and
statuses, each response checked against the Handbook's schemas
(wpapi_client.mjs).  Skipped when Node or the package is missing
(`npm ci` installs it)."""
import base64
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REPO, Server, check, done, skip  # noqa: E402
import test_desk as D  # noqa: E402
import test_restapi as T  # noqa: E402


def main():
    node = shutil.which("node")
    if not node or not os.path.isdir(os.path.join(REPO, "node_modules", "wpapi")):
        skip("wpapi client", "node or node_modules/wpapi is missing")
        done()
    s = Server(demo=True)
    try:
        w = T.people(s)
        for k in ("editor", "contrib"):
            w[k].app = T.app_password(s, w[k], "wpapi " + k)
        published = s.sql("SELECT count(*) FROM articles WHERE status='published' AND "
                          "trashed_at IS NULL AND is_private=0")[0][0]
        env = dict(os.environ, API_BASE=s.base, PUBLISHED=str(published),
                   EDITOR_LOGIN=w["editor"].email, EDITOR_PW=w["editor"].app,
                   EDITOR_ID=str(w["editor"].id),
                   CONTRIB_LOGIN=w["contrib"].email, CONTRIB_PW=w["contrib"].app,
                   PNG_B64=base64.b64encode(D.png(10, 7, (30, 160, 90))).decode())
        p = subprocess.run([node, os.path.join(REPO, "tests", "request", "wpapi_client.mjs")],
                           capture_output=True, text=True, timeout=300, env=env, cwd=REPO)
        out = p.stdout + p.stderr
        for line in out.splitlines():
            if line.startswith("FAIL"):
                print(line)
        last = [l for l in out.splitlines() if l.endswith("failed")]
        check(p.returncode == 0 and last and last[-1].endswith(" 0 failed"),
              "the wpapi client's checks pass", out[-2000:])
        if last:
            print("wpapi client: " + last[-1])
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
