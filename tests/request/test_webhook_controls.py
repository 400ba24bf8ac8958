"""Webhooks as Ghost and WordPress plugins offer them (issue 16): "Send a
test", pause and resume, and a hook whose deliveries failed for a day shown
failing, with a receiver on loopback (real HTTP).

A test is a signed "ping" event queued through the same durable queue,
delivered and shown in the desk's log.  A paused hook is sent nothing, and
what happened while it was paused is not sent once it is resumed; a test
is refused while it is paused.  A delivery still failing a day after its
event is given up: the log marks it failed and the hook's row says it is
failing, with the count and when."""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
import test_desk as D  # noqa: E402
import test_webhooks as W  # noqa: E402


def publish(s, who, headline):
    r = D.send(s, "/admin/articles/new", D.edit_form(who, headline=headline,
                                                     body="A story.", status="published"))
    aid, _ = D.saved_id(r)
    check(r.status == 303, "published " + headline, r.status)
    return aid


def main():
    rec = W.Receiver()
    s = Server(settings={"outbound_allow_private": 1, "webhook_retry_seconds": 1,
                         "timezone": "UTC"})
    try:
        who = W.admin(s)
        form = [("csrf", who.csrf), ("url", rec.url), ("event_0", "1")]
        r = D.send(s, "/admin/tools/webhooks/", form, cookie=who.cookie)
        check(r.status == 303, "a webhook for article.published is added", r.status)
        hid, secret = s.sql("SELECT id, secret FROM webhooks")[0]
        base = "/admin/tools/webhooks/%d/" % hid

        # Send a test
        r = D.get(s, "/admin/tools/webhooks/", cookie=who.cookie)
        check('action="%stest"' % base in r.text and "Send a test" in r.text,
              "each hook has a Send a test button")
        r = D.send(s, base + "test", [("csrf", who.csrf)], cookie=who.cookie)
        check(r.status == 303 and "webhook_test" in (r.header("Location") or ""),
              "the test is queued", (r.status, r.header("Location")))
        r = D.send(s, base + "test", [], cookie=who.cookie)
        check(r.status == 403, "a test without the form's token is refused", r.status)
        r = D.send(s, "/admin/tools/webhooks/999/test", [("csrf", who.csrf)], cookie=who.cookie)
        check(r.status == 404, "a test of no hook is 404", r.status)
        W.wait_for(lambda: rec.count() >= 1, "the ping is delivered")
        if not rec.got:
            return done()  # nothing more can be checked
        h, body, _ = rec.got[0]
        doc = json.loads(body)
        check(h.get("x-byline-event") == "ping" and doc["event"] == "ping" and
              doc["object"] == {"type": "webhook", "id": hid, "url": rec.url} and
              re.fullmatch(r"[0-9a-f]{32}", doc["id"]),
              "it is a ping event naming the hook", (h, doc))
        check(W.verify(secret, h, body), "signed as every delivery is")
        W.wait_for(lambda: s.sql("SELECT delivered_at FROM webhook_deliveries"
                                 " WHERE event='ping'")[0][0], "the ping recorded delivered")
        r = D.get(s, "/admin/tools/webhooks/", cookie=who.cookie)
        log = r.text[r.text.index("Latest deliveries"):]
        check(re.search(r"<code>ping</code> <span class=\"badge\">Test</span>.*?Delivered", log,
                        re.S), "the desk's log shows the test delivered", log[:1500])
        check("Last delivered" in r.text, "the hook shows its last delivery")

        # Pause and resume
        r = D.send(s, base + "pause", [("csrf", who.csrf)], cookie=who.cookie)
        check(r.status == 303, "the hook is paused", r.status)
        check(s.sql("SELECT paused_at FROM webhooks")[0][0], "paused_at is stored")
        r = D.get(s, "/admin/tools/webhooks/", cookie=who.cookie)
        check('class="badge paused">Paused' in r.text and 'action="%sresume"' % base in r.text
              and 'action="%stest"' % base not in r.text,
              "the desk shows it paused, with Resume and no test button")
        r = D.send(s, base + "test", [("csrf", who.csrf)], cookie=who.cookie)
        check(r.status == 409 and "paused" in D.form_message(r.text),
              "a test of a paused hook is refused with a sentence",
              (r.status, D.form_message(r.text)))
        quiet = publish(s, who, "Published while paused")
        time.sleep(3)
        check(rec.count() == 1, "a paused hook is sent nothing", rec.count())
        check(s.sql("SELECT count(*) FROM webhook_deliveries WHERE event <> 'ping'")[0][0] == 0,
              "and nothing is queued for it")
        r = D.send(s, base + "resume", [("csrf", who.csrf)], cookie=who.cookie)
        check(r.status == 303 and not s.sql("SELECT paused_at FROM webhooks")[0][0],
              "the hook is resumed", r.status)
        loud = publish(s, who, "Published after resuming")
        W.wait_for(lambda: rec.count() >= 2, "the article published after resuming is sent")
        time.sleep(2)
        ids = [json.loads(b)["object"]["id"] for _, b, _ in rec.got[1:]]
        check(ids == [loud] and quiet not in ids, "what happened while paused is not "
              "replayed", ids)

        # Failing for a day: given up, marked failed, the hook shows it
        rec.mode = "fail"
        bad = publish(s, who, "Published while the receiver fails")
        W.wait_for(lambda: s.sql("SELECT attempts FROM webhook_deliveries WHERE object_id=?"
                                 " AND event='article.published'", bad)[0][0] >= 1,
                   "a first failed attempt")
        r = D.get(s, "/admin/tools/webhooks/", cookie=who.cookie)
        check('class="badge failed">Failing' not in r.text,
              "one failure is not yet failing: it will be retried")
        # the event as if it happened a day ago: the next failure gives up
        s.sql("UPDATE webhook_deliveries SET created_at = created_at - 86400 WHERE object_id=?"
              " AND event='article.published'", bad)
        W.wait_for(lambda: s.sql("SELECT gave_up_at FROM webhook_deliveries WHERE object_id=?"
                                 " AND event='article.published'", bad)[0][0],
                   "the delivery is given up after a day of failures")
        r = D.get(s, "/admin/tools/webhooks/", cookie=who.cookie)
        check('class="badge failed">Failing' in r.text and "1 delivery failed" in r.text,
              "the hook shows it is failing, with the count", r.text[:3000])
        check('<span class="badge failed">Failed</span> given up after a day of tries' in r.text,
              "the log marks the delivery failed")
        rec.mode = "ok"
        r = D.send(s, base + "test", [("csrf", who.csrf)], cookie=who.cookie)
        W.wait_for(lambda: s.sql("SELECT count(*) FROM webhook_deliveries WHERE event='ping'"
                                 " AND delivered_at IS NOT NULL")[0][0] == 2,
                   "a second test is delivered")
        r = D.get(s, "/admin/tools/webhooks/", cookie=who.cookie)
        check('class="badge failed">Failing' not in r.text and "1 delivery failed" in r.text,
              "once a delivery succeeds again the hook is no longer failing; the count stays")
    finally:
        s.stop()
        rec.stop()
    done()


if __name__ == "__main__":
    main()
