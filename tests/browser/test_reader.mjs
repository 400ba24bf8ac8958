// The reader's journeys: home → article and the parts of the reference
// page in order; the comment form's errors; a held comment seen only by
// its writer; approval in the inbox; replies and "Cancel reply"; the same
// with JavaScript off and with the keyboard alone; the form token's wait.
import * as L from './lib.mjs';
import { S, session, keepHtml, commentIdFromUrl } from './state.mjs';

const HELD = 'Your comment is awaiting moderation.';
let n = 0;
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

/** Fills the reply form (only the fields given) and clicks Post Comment. */
async function postComment(page, f) {
  if (f.comment !== undefined) await page.fill('#comment', f.comment);
  if (f.author !== undefined) await page.fill('#author', f.author);
  if (f.email !== undefined) await page.fill('#email', f.email);
  if (f.url !== undefined) await page.fill('#url', f.url);
  return L.submitAndWait(page, () => page.click('#commentform #submit'));
}

async function commentsTitle(page) {
  return (await page.locator('#comments-title').innerText()).trim();
}

async function visibleFocus(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return { ok: false, what: 'nothing focused' };
    const cs = getComputedStyle(e);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const r = e.getBoundingClientRect();
    const onScreen = r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth;
    const what = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '');
    return { ok: (outline || shadow) && onScreen, what, outline: `${cs.outlineStyle} ${cs.outlineWidth}`, onScreen };
  });
}

// ------------------------------------------------------------ steps shared
// by the JavaScript, no-JavaScript and keyboard journeys

/** A comment with the email missing: message beside the field, text kept. */
async function stepMissingEmail(page, fx, who, record) {
  await page.goto(S.srv.url(fx.path));
  const text = `I set my watch by it for thirty years, ${who.name}. <${unique()}>`;
  const resp = await postComment(page, { comment: text, author: who.name, email: '' });
  L.eq(resp.status(), 422, 'a comment without an email answers 422');
  if (record) keepHtml(record, await resp.text());
  const err = page.locator('#email-error');
  L.ok(await err.isVisible(), 'the message about the email is shown');
  L.ok(/email/i.test(await err.innerText()), 'the message is about the email', await err.innerText());
  L.eq(await err.evaluate((e) => e.closest('p').className), 'comment-form-email', 'the message sits beside the email field (same paragraph)');
  const [fieldBox, errBox] = [await page.locator('#email').boundingBox(), await err.boundingBox()];
  L.ok(errBox.y >= fieldBox.y && errBox.y - (fieldBox.y + fieldBox.height) < 40, 'the message is right under the field', { fieldBox, errBox });
  L.eq(await page.getAttribute('#email', 'aria-invalid'), 'true', 'the email field is marked invalid');
  L.ok((await page.getAttribute('#email', 'aria-describedby')).split(' ').includes('email-error'), 'the email field is described by the message');
  L.ok(await page.locator('#commentform [role=alert]').isVisible(), 'a summary is announced (role=alert)');
  L.eq(await page.inputValue('#comment'), text, 'the comment typed is still there');
  L.eq(await page.inputValue('#author'), who.name, 'the name typed is still there');
  L.eq(await page.locator('#comment-error, #author-error').count(), 0, 'no message beside the fields that were right');
  return text;
}

/** A valid comment: held, shown to its writer with the notice. */
async function stepHeld(page, fx, who, text) {
  await page.goto(S.srv.url(fx.path));
  const before = await commentsTitle(page);
  await postComment(page, { comment: text, author: who.name, email: who.email });
  const id = commentIdFromUrl(page.url());
  L.ok(id, 'posting lands on the new comment (#comment-ID)', page.url());
  const li = page.locator(`#comment-${id}`);
  L.ok(await li.isVisible(), 'the writer sees the comment');
  L.ok((await li.locator('.comment-content').innerText()).includes(text), 'with the text as typed', await li.innerText());
  L.eq((await li.locator('.comment-awaiting-moderation').innerText()).trim(), HELD, 'marked as awaiting moderation');
  L.eq(await li.locator('.comment-author').innerText(), who.name, 'with the writer\'s name');
  // It does not count the held comment; and above the writer's own held
  // first comment it does not say "No thoughts yet" either (issue 15).
  const after = await commentsTitle(page);
  if (before.startsWith('No thoughts yet on '))
    L.eq(after, before.replace('No thoughts yet on ', 'Thoughts on '), 'the comments title neither counts the held comment nor says "No thoughts yet" above it');
  else
    L.eq(after, before, 'the comments title does not count a held comment');
  return id;
}

/** Nobody else sees a held comment. */
async function stepOthersDoNotSee(ctx, fx, id, text) {
  const page = await ctx.newPage();
  await page.goto(S.srv.url(fx.path));
  L.eq(await page.locator(`#comment-${id}`).count(), 0, 'another reader does not see the held comment');
  const html = await page.content();
  L.ok(!html.includes(HELD), 'another reader sees no "awaiting moderation" notice');
  L.ok(!html.includes(text.slice(0, 30)), 'another reader does not see the text');
  await page.close();
}

/** An editor approves it from the inbox (clicking its Approve button). */
async function stepApproveInInbox(editorCtx, id, text) {
  const page = await editorCtx.newPage();
  await page.goto(S.srv.url('/admin/comments/'));
  const item = page.locator(`li.inbox-item#c${id}`);
  L.ok(await item.isVisible(), `the held comment ${id} is in the inbox`);
  L.ok((await item.locator('.inbox-body').innerText()).includes(text.slice(0, 30)), 'the inbox shows its text');
  await L.submitAndWait(page, () => item.locator('button[name=action][value=approve]').click());
  const out = S.srv.cli('comments', 'list', '--status', 'approved');
  L.ok(new RegExp(`^\\s*${id}\\b`, 'm').test(out), `comment ${id} is approved after the click`, out.slice(0, 500));
  await page.close();
}

/** The writer's reload shows it approved, under "One thought on “…”". */
async function stepApprovedShown(page, fx, id, count = 'One thought') {
  await page.goto(S.srv.url(fx.path));
  const li = page.locator(`#comment-${id}`);
  L.ok(await li.isVisible(), 'the approved comment is shown');
  L.eq(await li.locator('.comment-awaiting-moderation').count(), 0, 'no longer marked as awaiting moderation');
  L.eq(await commentsTitle(page), `${count} on “${fx.headline}”`, 'the comments title counts it');
}

/** A reply: Reply link → "Leave a Reply to NAME", posted, nested. */
async function stepReply(page, fx, parentId, parentName, who, { keyboard = false } = {}) {
  await page.goto(S.srv.url(fx.path));
  const link = page.locator(`#comment-${parentId} > .comment-body .comment-reply-link`);
  if (keyboard) {
    await tabTo(page, (a) => a.cls.split(' ').includes('comment-reply-link') && a.li === `comment-${parentId}`, 'the Reply link');
    await L.submitAndWait(page, () => page.keyboard.press('Enter'));
  } else {
    await L.submitAndWait(page, () => link.click());
  }
  L.ok(page.url().includes(`replytocom=${parentId}`), 'the Reply link asks for a reply to that comment', page.url());
  const title = page.locator('#reply-title');
  L.ok((await title.innerText()).startsWith(`Leave a Reply to ${parentName}`), 'the form says whom the reply is to', await title.innerText());
  L.ok(await page.locator('#cancel-comment-reply-link').isVisible(), '"Cancel reply" is offered');
  L.eq(await page.inputValue('#comment_parent'), String(parentId), 'the form carries the parent');
  const text = `Replying to ${parentName}: the bells still ring at noon. ${unique()}`;
  if (keyboard) {
    await tabTo(page, (a) => a.id === 'comment', 'the comment field');
    await page.keyboard.type(text);
    await page.keyboard.press('Tab'); await page.keyboard.type(who.name);
    await page.keyboard.press('Tab'); await page.keyboard.type(who.email);
    await tabTo(page, (a) => a.id === 'submit', 'Post Comment');
    await L.submitAndWait(page, () => page.keyboard.press('Enter'));
  } else {
    await postComment(page, { comment: text, author: who.name, email: who.email });
  }
  const id = commentIdFromUrl(page.url());
  L.ok(id, 'the reply is posted', page.url() + ' ' + (await page.locator('.form-message').allInnerTexts()));
  const nested = page.locator(`#comment-${parentId} > ol.children > li#comment-${id}`);
  L.ok(await nested.isVisible(), 'the reply nests under its parent (li > ol.children > li)');
  const [pb, cb] = [await page.locator(`#comment-${parentId} > .comment-body`).boundingBox(), await nested.boundingBox()];
  L.ok(cb.x > pb.x, 'the reply is indented under its parent', { parent: pb.x, reply: cb.x });
  return { id, text };
}

/** "Cancel reply" gives back the plain form. */
async function stepCancelReply(page, fx, parentId, { keyboard = false } = {}) {
  await page.goto(S.srv.url(`${fx.path}?replytocom=${parentId}#respond`));
  L.ok(await page.locator('#cancel-comment-reply-link').isVisible(), '"Cancel reply" is offered on a reply',
    page.url() + ' ' + (await page.locator('#respond').innerHTML()).slice(0, 600));
  if (keyboard) {
    await tabTo(page, (a) => a.id === 'cancel-comment-reply-link', '"Cancel reply"');
    await L.submitAndWait(page, () => page.keyboard.press('Enter'));
  } else {
    await L.submitAndWait(page, () => page.click('#cancel-comment-reply-link'));
  }
  L.ok(!page.url().includes('replytocom'), 'the page is the article again', page.url());
  L.eq((await page.locator('#reply-title').innerText()).trim(), 'Leave a Reply', 'the form is the plain "Leave a Reply" again');
  L.eq(await page.locator('#cancel-comment-reply-link').count(), 0, '"Cancel reply" is gone');
  L.ok(['', '0'].includes(await page.inputValue('#comment_parent')), 'the form has no parent', await page.inputValue('#comment_parent'));
  L.ok(await page.locator('#respond').isVisible(), 'the form is there to use');
}

/** Presses Tab until the focused element matches, checking that each
 *  element reached shows a visible focus indicator. */
const focusProblems = new Set();
async function tabTo(page, pred, what, max = 250) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await visibleFocus(page);
    if (!f.ok && f.what !== 'nothing focused') focusProblems.add(`${f.what} (outline ${f.outline}, on screen ${f.onScreen})`);
    const d = await page.evaluate(() => {
      const a = document.activeElement;
      const li = a && a.closest && a.closest('li.comment');
      return { id: a ? a.id : '', cls: a ? String(a.className) : '', li: li ? li.id : '' };
    });
    if (pred(d)) return;
  }
  throw new L.CheckError(`Tab never reached ${what} in ${max} presses`);
}

const journey = {};

// ------------------------------------------------------------ tests

L.test('reader: home → article shows every part of the reference page, in order', async () => {
  const ctx = await L.newContext(S.browser);
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/'));
  const card = page.locator('.card-title a', { hasText: 'Council approves' });
  L.ok(await card.count(), 'the home page lists the council budget story');
  const headline = (await card.first().innerText()).trim();
  await L.submitAndWait(page, () => card.first().click());
  L.ok(/^\/\d{4}\/\d\d\/\d\d\/[a-z0-9-]+\/$/.test(new URL(page.url()).pathname), 'the article has a dated address', page.url());
  L.eq((await page.locator('h1').innerText()).trim(), headline, 'the headline is the page\'s one h1');
  L.eq(await page.locator('h1').count(), 1, 'one h1');
  L.ok((await page.title()).startsWith(headline), 'the title starts with the headline', await page.title());

  const parts = [
    ['headline', page.locator('h1.headline')],
    ['byline link', page.locator('.byline a.author-link')],
    ['date', page.locator('.byline time.published')],
    ['body', page.locator('.article-body > *').first()],
    ['author box', page.locator('aside.author-box')],
    ['related stories', page.locator('section.related li a').first()],
    ['comments title', page.locator('#comments-title')],
    ['comments', page.locator('ol.comment-list > li.comment').first()],
    ['reply form', page.locator('#respond form#commentform')],
  ];
  let lastY = -1, lastName = 'the top';
  for (const [name, loc] of parts) {
    const y = await L.topOf(loc, name);
    L.ok(y >= lastY, `${name} comes after ${lastName}`, { [name]: y, [lastName]: lastY });
    lastY = y; lastName = name;
  }
  const time = page.locator('.byline time.published');
  L.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/.test(await time.getAttribute('datetime')), 'the date has a machine-readable datetime with its offset', await time.getAttribute('datetime'));
  L.ok(/^[A-Z][a-z]+ \d{1,2}, \d{4}$/.test((await time.innerText()).trim()), 'the date reads like "October 22, 2026" (not glued together)', await time.innerText());
  const author = (await page.locator('.byline a.author-link').innerText()).trim();
  L.ok((await page.locator('.byline').innerText()).startsWith('By ' + author), 'the byline reads "By NAME"');
  L.eq((await page.locator('aside.author-box .author-name').innerText()).trim(), author, 'the author box names the author');
  L.ok((await page.locator('aside.author-box .author-bio').innerText()).length > 20, 'the author box has a biography');
  L.ok(/^(No thoughts yet|One thought|\d+ thoughts) on “.+”$/.test(await commentsTitle(page)), 'the comments title reads like WordPress\'s', await commentsTitle(page));
  const form = page.locator('#respond');
  L.ok((await form.locator('#reply-title').innerText()).startsWith('Leave a Reply'), '"Leave a Reply"');
  L.ok((await form.locator('.comment-notes').innerText()).includes('Your email address will not be published.'), 'the email note');
  L.ok((await form.locator('.comment-notes').innerText()).includes('Required fields are marked *'), 'the required-fields note');
  for (const [id, label] of [['comment', 'Comment *'], ['author', 'Name *'], ['email', 'Email *'], ['url', 'Website']]) {
    L.eq((await form.locator(`label[for=${id}]`).innerText()).trim(), label, `the ${id} field's label`);
    L.ok(await form.locator('#' + id).isVisible(), `the ${id} field is visible`);
  }
  L.ok(await form.locator('#wp-comment-cookies-consent').isVisible(), 'the "Save my name…" checkbox');
  L.eq(await form.locator('#submit').inputValue(), 'Post Comment', 'the "Post Comment" button');
  L.ok(!(await form.locator('#byline_hp').isVisible()) || (await form.locator('#byline_hp').boundingBox()).x < 0, 'the honeypot is out of sight');
  // The byline link leads to the author's page.
  await L.submitAndWait(page, () => page.click('.byline a.author-link'));
  L.eq((await page.locator('h1').innerText()).trim(), author, 'the byline link opens the author\'s page');
  await ctx.close();
});

L.test('reader: an imported article shows the date and time of its front matter, in the site\'s time zone', async () => {
  // state.mjs imported each fixture with "date: YYYY-MM-DD 15:00".
  const fx = S.fixtures.js;
  const ctx = await L.newContext(S.browser);
  const page = await ctx.newPage();
  await page.goto(S.srv.url(fx.path));
  const dt = await page.locator('time.published').getAttribute('datetime');
  const day = fx.path.split('/').slice(1, 4).join('-');
  L.ok(dt.startsWith(`${day}T15:00:00`), `"date: ${day} 15:00" is shown as 15:00 in ${S.tz}`, dt);
  await ctx.close();
});

L.test('reader: a comment with the email missing shows the message beside the field and keeps the text', async () => {
  journey.writer = await L.newContext(S.browser);
  journey.page = await journey.writer.newPage();
  journey.who = { name: 'Rosalind Quay', email: `rosalind.${unique()}@example.org` };
  journey.text = await stepMissingEmail(journey.page, S.fixtures.js, journey.who, 'article-comment-errors');
});

L.test('reader: a valid comment is "awaiting moderation" for its writer and unseen by another reader', async () => {
  L.ok(journey.page, 'the previous step ran');
  journey.id = await stepHeld(journey.page, S.fixtures.js, journey.who, journey.text);
  journey.other = await L.newContext(S.browser);
  await stepOthersDoNotSee(journey.other, S.fixtures.js, journey.id, journey.text);
});

L.test('reader: after an editor approves it in the inbox, the reload shows it under "One thought on “…”"', async () => {
  L.ok(journey.id, 'the previous step ran');
  await stepApproveInInbox(await session('editor'), journey.id, journey.text);
  await stepApprovedShown(journey.page, S.fixtures.js, journey.id);
  const p2 = await journey.other.newPage();
  await stepApprovedShown(p2, S.fixtures.js, journey.id); // and everyone sees it now
  await p2.close();
});

L.test('reader: a reply nests under its parent', async () => {
  L.ok(journey.id, 'the previous step ran');
  const replier = await L.newContext(S.browser);
  const page = await replier.newPage();
  const r = await stepReply(page, S.fixtures.js, journey.id, journey.who.name,
    { name: 'Tomasz Brill', email: `tomasz.${unique()}@example.org` });
  L.eq((await page.locator(`#comment-${r.id} .comment-awaiting-moderation`).innerText()).trim(), HELD, 'the held reply is marked for its writer');
  S.srv.cli('comments', 'approve', String(r.id));
  const anon = await journey.other.newPage();
  await stepApprovedShown(anon, S.fixtures.js, r.id, '2 thoughts');
  L.ok(await anon.locator(`#comment-${journey.id} > ol.children > li#comment-${r.id}`).isVisible(), 'everyone sees the approved reply nested');
  await anon.close();
  await replier.close();
});

L.test('reader: "Cancel reply" returns the form', async () => {
  L.ok(journey.id, 'the previous step ran');
  await stepCancelReply(journey.page, S.fixtures.js, journey.id);
  await journey.writer.close();
  await journey.other.close();
});

L.test('reader: the whole comment flow works with JavaScript disabled', async () => {
  const fx = S.fixtures.nojs;
  const nojs = { context: { javaScriptEnabled: false } };
  const writer = await L.newContext(S.browser, nojs);
  const other = await L.newContext(S.browser, nojs);
  const page = await writer.newPage();
  L.eq(await page.evaluate(() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.head.append(s); return window.__ran || 0; }).catch(() => 0), 0, 'page scripts really do not run');
  const who = { name: 'Imogen Strand', email: `imogen.${unique()}@example.org` };
  const text = await stepMissingEmail(page, fx, who);
  const id = await stepHeld(page, fx, who, text);
  await stepOthersDoNotSee(other, fx, id, text);
  // The editor moderates with JavaScript off too.
  const ed = await L.newContext(S.browser, nojs);
  const ep = await ed.newPage();
  const { signIn, setPasswordFallback } = await import('./state.mjs');
  await setPasswordFallback('editor');
  await signIn(ep, S.accounts.editor);
  await stepApproveInInbox(ed, id, text);
  await stepApprovedShown(page, fx, id);
  const r = await stepReply(await other.newPage(), fx, id, who.name, { name: 'Felix Arden', email: `felix.${unique()}@example.org` });
  S.srv.cli('comments', 'approve', String(r.id));
  await stepApprovedShown(page, fx, r.id, '2 thoughts');
  L.ok(await page.locator(`#comment-${id} > ol.children > li#comment-${r.id}`).isVisible(), 'the reply nests');
  await stepCancelReply(page, fx, id);
  await Promise.all([writer.close(), other.close(), ed.close()]);
});

L.test('reader: the whole comment flow works with the keyboard alone, focus always visible', async () => {
  focusProblems.clear();
  const fx = S.fixtures.keys;
  const ctx = await L.newContext(S.browser);
  const page = await ctx.newPage();
  await page.goto(S.srv.url(fx.path));
  // The skip link is the first stop, visible when focused, and goes to main.
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({ cls: document.activeElement.className, href: document.activeElement.getAttribute('href') }));
  L.eq(first.cls, 'skip-link', 'the first Tab reaches the skip link');
  L.eq(first.href, '#main', 'the skip link goes to #main');
  const f = await visibleFocus(page);
  L.ok(f.ok, 'the focused skip link is on screen with a visible outline', f);
  await page.keyboard.press('Enter');
  L.eq(await page.evaluate(() => document.activeElement.id), 'main', 'Enter on the skip link moves focus to main');

  // Missing email, by keyboard.
  const who = { name: 'Oona Keyes', email: `oona.${unique()}@example.org` };
  const text = `Typed without a mouse, ${unique()}.`;
  await tabTo(page, (a) => a.id === 'comment', 'the comment field');
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
  L.eq(await page.evaluate(() => document.activeElement.id), 'author', 'Tab goes from Comment to Name');
  await page.keyboard.type(who.name);
  await page.keyboard.press('Tab');
  L.eq(await page.evaluate(() => document.activeElement.id), 'email', 'Tab goes from Name to Email');
  await page.keyboard.press('Tab');
  L.eq(await page.evaluate(() => document.activeElement.id), 'url', 'Tab goes from Email to Website');
  await page.keyboard.press('Tab');
  L.eq(await page.evaluate(() => document.activeElement.id), 'wp-comment-cookies-consent', 'then to "Save my name…"');
  await page.keyboard.press('Tab');
  L.eq(await page.evaluate(() => document.activeElement.id), 'submit', 'then to Post Comment (the honeypot is skipped)');
  L.ok((await visibleFocus(page)).ok, 'Post Comment shows its focus');
  const bad = await L.submitAndWait(page, () => page.keyboard.press('Enter'));
  L.eq(bad.status(), 422, 'Enter sends the form; the missing email is refused');
  L.ok(await page.locator('#email-error').isVisible(), 'the message is beside the email field');
  L.eq(await page.inputValue('#comment'), text, 'the comment is kept');
  // Fix it by keyboard and send.
  await tabTo(page, (a) => a.id === 'email', 'the email field');
  await page.keyboard.type(who.email);
  await tabTo(page, (a) => a.id === 'submit', 'Post Comment');
  await L.submitAndWait(page, () => page.keyboard.press('Enter'));
  const id = commentIdFromUrl(page.url());
  L.ok(id, 'the comment is posted', page.url());
  L.eq((await page.locator(`#comment-${id} .comment-awaiting-moderation`).innerText()).trim(), HELD, 'and awaits moderation');
  S.srv.cli('comments', 'approve', String(id));
  // A reply and a cancelled reply, by keyboard.
  const r = await stepReply(page, fx, id, who.name, { name: 'Pim Harrow', email: `pim.${unique()}@example.org` }, { keyboard: true });
  L.ok(r.id, 'the keyboard reply is posted');
  await stepCancelReply(page, fx, id, { keyboard: true });
  L.ok(focusProblems.size === 0, 'every element reached by Tab shows a visible focus', [...focusProblems].join('; '));
  await ctx.close();
});

L.test('reader: the form token turns away a post within 3 s and takes it after an honest wait', async () => {
  const srv = await L.startServer({}); // the default comment_min_seconds (3)
  let problem = null;
  try {
    L.eq(srv.cli('settings', 'get', 'comment_min_seconds').trim(), '3', 'the default minimum is 3 s');
    const ctx = await L.newContext(S.browser);
    const page = await ctx.newPage();
    await page.goto(srv.url('/'));
    await L.submitAndWait(page, () => page.locator('.card-title a').first().click());
    const text = `Quick fingers, slow server. ${unique()}`;
    const who = { name: 'Hattie Brisk', email: `hattie.${unique()}@example.org` };
    const t0 = Date.now();
    const fast = await postComment(page, { comment: text, author: who.name, email: who.email });
    L.ok(Date.now() - t0 < 3000, 'the first post was sent within 3 s');
    L.eq(fast.status(), 422, 'a post within 3 s is refused');
    L.ok(/quick/i.test(await page.locator('.form-message').innerText()), 'with a sentence saying why', await page.locator('.form-message').innerText());
    L.eq(await page.inputValue('#comment'), text, 'the comment is kept');
    L.eq(await page.inputValue('#author'), who.name, 'the name is kept');
    L.eq(await page.inputValue('#email'), who.email, 'the email is kept');
    await L.sleep(3500);
    await L.submitAndWait(page, () => page.click('#commentform #submit'));
    const id = commentIdFromUrl(page.url());
    L.ok(id, 'after waiting, the same form is accepted', page.url() + ' ' + (await page.locator('.form-message').allInnerTexts()));
    L.eq((await page.locator(`#comment-${id} .comment-awaiting-moderation`).innerText()).trim(), HELD, 'and awaits moderation');
    await ctx.close();
  } finally {
    problem = await srv.stop();
  }
  L.ok(!problem, 'the second server stops cleanly', problem);
});
