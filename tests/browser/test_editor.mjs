// The editor a reporter works in (issue 14), with JavaScript on and off:
// the toolbar and a shortcut, an image inserted, the live preview, the
// autosave and the offer to restore it after a reload, a session that
// ends mid-edit and a sign-in that keeps the text; the same without
// JavaScript (the sign-in form carries the fields back to the editor);
// axe on the enhanced editor; screenshots at 1280 and 390.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import * as L from './lib.mjs';
import { S, signIn, keepHtml, setPasswordFallback } from './state.mjs';

const AXE = L.require.resolve('axe-core');

/** A context signed in as the editor.  With `csp`, the browser keeps the
 *  site's Content-Security-Policy (the other journeys bypass it to inject
 *  their probes): desk.js must run under the desk's own policy. */
async function editorContext({ js = true, csp = true } = {}) {
  const acc = S.accounts.editor;
  if (!acc.passwordSet) await setPasswordFallback('editor');
  const ctx = await L.newContext(S.browser, { context: { javaScriptEnabled: js, bypassCSP: !csp } });
  const page = await ctx.newPage();
  await signIn(page, acc);
  return { ctx, page, acc };
}

function sql(query) {
  const r = spawnSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); ' +
    'r=c.execute(sys.argv[2]).fetchall(); c.commit(); print(repr(r))', S.srv.db, query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('sql failed: ' + r.stderr);
  return r.stdout.trim();
}

async function selectText(page, needle) {
  await page.evaluate((n) => {
    const b = document.getElementById('body');
    const i = b.value.indexOf(n);
    b.focus();
    b.setSelectionRange(i, i + n.length);
  }, needle);
}

L.test('editor (JS on): toolbar, shortcut, image, live preview, autosave and restore, session expiry', async () => {
  const { ctx, page, acc } = await editorContext({ js: true, csp: true });
  try {
    await page.goto(S.srv.url('/admin/articles/new'));
    await page.locator('.md-toolbar').waitFor({ state: 'visible' });
    L.ok(await page.locator('.md-toolbar button[data-md=bold]').isVisible(),
      'desk.js runs under the desk CSP: the Markdown toolbar is there');
    const headline = 'Harbor pilots vote to strike over night shifts';
    await page.fill('#headline', headline);
    await page.fill('#dek', 'The pilots guide every ship past the breakwater.');
    await page.click('#body');
    await page.keyboard.type('Pilots said the rota was unsafe.\n\nTalks resume on Friday.');
    // Toolbar: bold; shortcut: Ctrl+I.
    await selectText(page, 'unsafe');
    await page.click('.md-toolbar button[data-md=bold]');
    await selectText(page, 'Friday');
    await page.keyboard.press('Control+i');
    let body = await page.inputValue('#body');
    L.ok(body.includes('**unsafe**') && body.includes('*Friday*'), 'the toolbar bolds and Ctrl+I italicises', body);
    // An image at the cursor: the Image button opens the media library's
    // picker (the form's data-media-picker address; test_media.mjs drives the
    // picker itself), whose answer, a message from this origin, goes in at
    // the cursor.
    await page.evaluate(() => {
      window.__opened = [];
      window.open = (url) => { window.__opened.push(url); return {}; };
    });
    await page.evaluate(() => { const b = document.getElementById('body'); b.setSelectionRange(b.value.length, b.value.length); });
    await page.click('.md-toolbar button[data-md=image]');
    const opened = await page.evaluate(() => window.__opened);
    L.ok(opened.length === 1 && opened[0].startsWith('/admin/media/pick'), 'the Image button opens the media picker', opened);
    await page.evaluate(() => window.postMessage({ bylinePick: { url: '/media/' + 'a'.repeat(64) + '.png', alt: 'The paper’s logo' } }, location.origin));
    await L.until(async () => (await page.inputValue('#body')).includes('![The paper’s logo](/media/'), 10_000, 'the picked image arrives');
    body = await page.inputValue('#body');
    L.ok(body.includes('![The paper’s logo](/media/' + 'a'.repeat(64) + '.png)'), 'the image is inserted at the cursor', body);
    const stats = await page.locator('#body-stats').innerText();
    L.ok(/^1\d words · 1 min read$/.test(stats), 'word count and reading time', stats);
    // Live preview in the site's own template.
    await page.click('#live-preview-toggle');
    const frame = page.frameLocator('iframe[name=live-preview]');
    await L.until(async () => (await frame.locator('.headline').first().innerText().catch(() => '')).includes('Harbor pilots'),
      15_000, 'the live preview shows the headline');
    L.ok(await frame.locator('.article-body strong').first().innerText() === 'unsafe', 'the preview renders the Markdown');
    L.ok(await frame.locator('link[rel=stylesheet][href*="style.css"]').count() === 1, 'with the site stylesheet');
    await page.fill('#headline', headline + ' tonight');
    await L.until(async () => (await frame.locator('.headline').first().innerText().catch(() => '')).includes('tonight'),
      15_000, 'the preview follows the typing');
    await L.shot(page, 'editor-preview-1280');
    await page.click('#live-preview-toggle');
    // Autosave, then a reload offers to restore it.
    await L.until(async () => (await page.locator('#editor-state').innerText()).includes('autosaved'), 20_000,
      'the draft is autosaved while typing');
    await page.goto(S.srv.url('/admin/articles/new'));
    L.ok(await page.locator('.autosave-offer').isVisible(), 'after a reload the autosave is offered');
    await L.submitAndWait(page, () => page.click('.autosave-offer a'));
    L.ok((await page.inputValue('#body')).includes('**unsafe**') &&
      (await page.inputValue('#headline')).endsWith('tonight'), 'Restore brings the text back');
    await L.shot(page, 'editor-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await L.noSidewaysScroll(page, 'the editor at 390 px');
    await L.shot(page, 'editor-390');
    await page.setViewportSize({ width: 1280, height: 900 });
    // Save (the bar stays in view: the button is clicked where it is).
    await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
    const url = new URL(page.url());
    L.ok(/^\/admin\/articles\/\d+\/$/.test(url.pathname) && url.search.includes('done=saved'), 'the article is saved', page.url());
    const id = url.pathname.split('/')[3];
    // The session ends mid-edit (its row deleted on the server).
    await page.fill('#body', (await page.inputValue('#body')) + '\n\nA paragraph typed after the session ended.');
    // Only this context's session: the other journeys share the editor's.
    const cookie = (await ctx.cookies()).find((c) => c.name === 'byline_session');
    const hash = crypto.createHash('sha256').update(cookie.value).digest('hex');
    sql(`DELETE FROM sessions WHERE token_hash = '${hash}'`);
    L.eq(sql(`SELECT count(*) FROM sessions WHERE token_hash = '${hash}'`), '[(0,)]', 'the session row is gone');
    await page.locator('#signin-prompt').waitFor({ state: 'visible', timeout: 20_000 });
    L.ok((await page.locator('#editor-state').innerText()).includes('session has ended'), 'the bar says the session ended');
    const before = page.url();
    await page.click('button[name=action][value=save]');
    await L.sleep(500);
    L.ok(page.url() === before && await page.locator('#reauth-email').evaluate((e) => e === document.activeElement),
      'Save while signed out stays here and points to the sign-in fields', page.url());
    await page.fill('#reauth-email', acc.email);
    await page.fill('#reauth-password', acc.password);
    await page.click('#reauth-submit');
    await page.locator('#signin-prompt').waitFor({ state: 'detached', timeout: 20_000 });
    L.ok((await page.locator('#editor-state').innerText()).includes('autosaved'), 'signed in again, the text is autosaved');
    L.ok((await page.inputValue('#body')).includes('typed after the session ended'), 'the text is still in the editor');
    const stored = sql(`SELECT body_src FROM autosaves WHERE article_id = ${id}`);
    L.ok(stored.includes('typed after the session ended'), 'the autosave holds it', stored);
    // The page's token is the new session's: Save works.
    await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
    L.ok(page.url().includes('done=saved'), 'Save works with the new session', page.url());
    L.ok(sql(`SELECT body_src FROM articles WHERE id = ${id}`).includes('typed after the session ended'), 'and stores the text');
  } finally {
    await ctx.close();
  }
}, { timeout: 180_000 });

L.test('editor (JS off): the form works, an ended session keeps the text through sign-in, restore offers work', async () => {
  const { ctx, page, acc } = await editorContext({ js: false, csp: true });
  try {
    await page.goto(S.srv.url('/admin/articles/new'));
    L.eq(await page.locator('.md-toolbar').count(), 0, 'no toolbar without JavaScript: the plain form');
    // Save, Preview and Publish stay in view, at the bottom of the form too.
    for (const [w, h] of [[1280, 900], [390, 844]]) {
      await page.setViewportSize({ width: w, height: h });
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      for (const v of ['save', 'preview', 'publish']) {
        const box = await page.locator(`button[name=action][value=${v}]`).boundingBox();
        L.ok(box && box.y >= 0 && box.y + box.height <= h, `${v} is in view scrolled to the bottom at ${w} px`, box);
      }
      const side = await page.locator('aside.editor-side').boundingBox();
      const main = await page.locator('.editor-main').boundingBox();
      L.ok(w === 1280 ? side.x > main.x + main.width - 1 : side.y >= main.y + main.height - 1,
        `the side panel is ${w === 1280 ? 'beside' : 'below'} the main column at ${w} px`, { side, main });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.fill('#headline', 'Breakwater lights replaced with LEDs');
    await page.fill('#body', 'The old lamps are *retired*.');
    await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
    L.ok(page.url().includes('done=saved'), 'saved without JavaScript', page.url());
    const id = new URL(page.url()).pathname.split('/')[3];
    // The cookie goes (the session ends) while the next paragraph is typed.
    await page.fill('#body', 'The old lamps are *retired*.\n\nTyped while signed out.');
    await ctx.clearCookies();
    await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
    L.ok(await page.locator('form[action="/admin/login"] #password').isVisible(), 'Save with an ended session shows the sign-in form');
    keepHtml('admin-login-carry', await page.content());
    await page.fill('#email', acc.email);
    await page.fill('#password', acc.password);
    await L.submitAndWait(page, () => page.click('form.stacked-form button[type=submit]'));
    L.ok((await page.inputValue('#body')).includes('Typed while signed out.'), 'signing in gives the editor back with the text');
    L.ok((await page.locator('.notice').innerText()).includes('not saved yet'), 'saying it is not saved yet');
    L.ok(!sql(`SELECT body_src FROM articles WHERE id = ${id}`).includes('signed out'), 'nothing was saved silently');
    await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
    L.ok(page.url().includes('done=saved') &&
      sql(`SELECT body_src FROM articles WHERE id = ${id}`).includes('Typed while signed out.'), 'then Save stores it');
    // Restore and Dismiss as a link and a form.
    const csrf = await page.locator('#editor input[name=csrf]').inputValue();
    const r = await ctx.request.post(S.srv.url('/admin/autosave'), {
      form: { csrf, article_id: id, headline: 'Breakwater lights replaced', dek: '', body: 'An autosaved body.', tags: '' },
      headers: { Origin: new URL(S.srv.base).origin },
    });
    L.eq(r.status(), 200, 'an autosave stored for the article');
    await page.goto(S.srv.url(`/admin/articles/${id}/`));
    L.ok(await page.locator('.autosave-offer').isVisible(), 'the editor offers the newer autosave');
    await L.submitAndWait(page, () => page.click('.autosave-offer a'));
    L.eq(await page.inputValue('#body'), 'An autosaved body.', 'Restore (a link) fills the form');
    await page.goto(S.srv.url(`/admin/articles/${id}/`));
    await L.submitAndWait(page, () => page.click('.autosave-offer button'));
    L.eq(await page.locator('.autosave-offer').count(), 0, 'Dismiss (a form) removes the offer');
    L.ok((await page.inputValue('#body')).includes('Typed while signed out.'), 'and the article is as saved');
  } finally {
    await ctx.close();
  }
}, { timeout: 120_000 });

// Without JavaScript, a session that simply times out while a long article
// is typed (its row kept, as the server keeps a lapsed session's) keeps the
// whole text: far past the 8 KB a signed-out browser may send, in four
// scripts and emoji; it is the writer's autosave, restored after sign-in.
L.test('editor (JS off): a session that times out keeps a 40,000-character article through sign-in', async () => {
  const { ctx, page, acc } = await editorContext({ js: false, csp: true });
  try {
    await page.goto(S.srv.url('/admin/articles/new'));
    await page.fill('#headline', 'Harbour budget: «да», نعم, 🗳️');
    await page.fill('#body', 'A first paragraph.');
    await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
    L.ok(page.url().includes('done=saved'), 'saved without JavaScript', page.url());
    const id = new URL(page.url()).pathname.split('/')[3];
    const parts = ['Le conseil a voté «oui» — café, crème. ', 'Городской совет проголосовал за бюджет. ',
      'صوّت المجلس البلدي على الميزانية. ', 'Reactions: 🗳️📰🎉 & <b>not bold</b>. ', '\n\n'];
    let body = '';
    for (let i = 0; body.length < 40000; i++) body += parts[i % parts.length];
    body = body.slice(0, 40000);
    if (/[\uD800-\uDBFF]$/.test(body)) body = body.slice(0, -1) + 'x'; // no half emoji
    await page.fill('#body', body);
    // The session times out while they type: idle past the limit, row kept.
    const cookie = (await ctx.cookies()).find((c) => c.name === 'byline_session');
    const hash = crypto.createHash('sha256').update(cookie.value).digest('hex');
    const ago = Math.floor(Date.now() / 1000) - 3 * 3600;
    sql(`UPDATE sessions SET seen_at = ${ago}, created_at = ${ago} WHERE token_hash = '${hash}'`);
    await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
    L.ok(await page.locator('form[action="/admin/login"] #password').isVisible(), 'Save after the session timed out shows the sign-in form');
    L.ok((await page.locator('.form-message').innerText()).includes('kept'), 'saying the text is kept');
    keepHtml('admin-login-lapsed', await page.content());
    L.eq(await page.inputValue('#email'), acc.email, 'the email is filled in');
    await page.fill('#password', acc.password);
    await L.submitAndWait(page, () => page.click('form.stacked-form button[type=submit]'));
    L.ok(page.url().includes(`/admin/articles/${id}/?autosave=restore`), 'signing in returns to the editor restoring the autosave', page.url());
    L.eq((await page.inputValue('#body')).replace(/\r\n/g, '\n'), body.replace(/\r\n/g, '\n'), 'the 40,000 characters come back intact');
    L.ok(!sql(`SELECT body_src FROM articles WHERE id = ${id}`).includes('Городской'), 'nothing was saved to the article');
  } finally {
    await ctx.close();
  }
}, { timeout: 180_000 });

L.test('editor: axe finds no serious violation in the enhanced editor', async () => {
  const { ctx, page } = await editorContext({ js: true, csp: false });
  try {
    await page.goto(S.srv.url('/admin/articles/new'));
    await page.locator('.md-toolbar').waitFor({ state: 'visible' });
    await page.click('#live-preview-toggle');
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const res = await axe.run(document, { resultTypes: ['violations'] });
      return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    });
    L.ok(bad.length === 0, 'axe: no serious or critical violation on the enhanced editor', bad.join('\n'));
  } finally {
    await ctx.close();
  }
});

// Static pages (issue 15) are written in the same editor: the toolbar,
// word count and live preview in the site's page template with JS on, the
// autosave and the offer to restore it after a reload (a page's, apart from
// articles'); the plain form with JS off; a typed slug tidied; the list's
// Trash and Restore.  Screenshots at 1280 and 390.
L.test('page editor (JS on): toolbar, word count, live preview in the page template, autosave and restore', async () => {
  const { ctx, page, acc } = await editorContext({ js: true, csp: true });
  try {
    await page.goto(S.srv.url('/admin/pages/new'));
    await page.locator('.md-toolbar').waitFor({ state: 'visible' });
    await page.fill('#title', 'Letters to the editor');
    await page.fill('#slug', 'Letters To The Editor!');
    await page.click('#body');
    await page.keyboard.type('Write to us about the harbor.\n\nWe print the best each week.');
    await selectText(page, 'harbor');
    await page.click('.md-toolbar button[data-md=bold]');
    L.ok((await page.inputValue('#body')).includes('**harbor**'), 'the toolbar bolds in the page editor');
    const stats = await page.locator('#body-stats').innerText();
    L.ok(/^12 words · 1 min read$/.test(stats), 'the word count', stats);
    await page.click('#live-preview-toggle');
    const frame = page.frameLocator('iframe[name=live-preview]');
    await L.until(async () => (await frame.locator('h1').first().innerText().catch(() => '')).includes('Letters to the editor'),
      15_000, 'the live preview shows the title in the page template');
    L.ok(await frame.locator('strong').first().innerText() === 'harbor', 'the preview renders the Markdown');
    L.ok(await frame.locator('.byline, #comments').count() === 0, 'a page preview has no byline or comments');
    await page.fill('#title', 'Letters to the editor, please');
    await L.until(async () => (await frame.locator('h1').first().innerText().catch(() => '')).includes('please'),
      15_000, 'the preview follows the title as it is typed');
    // (From the top: the sticky bar would cover the title in a full-page shot.)
    await page.evaluate(() => window.scrollTo(0, 0));
    await L.shot(page, 'page-editor-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await L.noSidewaysScroll(page, 'the page editor at 390 px');
    await page.evaluate(() => window.scrollTo(0, 0));
    await L.shot(page, 'page-editor-390');
    await page.setViewportSize({ width: 1280, height: 900 });
    await L.until(async () => (await page.locator('#editor-state').innerText()).includes('autosaved'), 20_000,
      'the new page is autosaved while typing');
    const uid = `(SELECT id FROM users WHERE email = '${acc.email}')`;
    L.ok(sql(`SELECT headline, is_page, page_id FROM autosaves WHERE user_id = ${uid} AND is_page = 1`)
      .includes("'Letters to the editor, please', 1, None"), 'stored as a new page\'s autosave, with its title');
    await L.submitAndWait(page, () => page.click('button[name=action][value=publish]'));
    L.ok(/\/admin\/pages\/\d+\/\?done=slug-tidied/.test(page.url()), 'Publish saves, and says the slug was tidied', page.url());
    L.eq(await page.inputValue('#slug'), 'letters-to-the-editor', 'the tidied slug is shown');
    L.eq(sql(`SELECT count(*) FROM autosaves WHERE user_id = ${uid} AND is_page = 1`), '[(0,)]',
      'saving the page spends its autosave');
    // Typed after saving, then the tab reloaded: the page's autosave is offered.
    const pageUrl = page.url().replace(/\?.*$/, '');
    await page.click('#body');
    await page.keyboard.press('End');
    await page.keyboard.type(' Letters may be edited for length.');
    await L.until(async () => (await page.locator('#editor-state').innerText()).includes('autosaved'), 20_000,
      'the saved page is autosaved while typing');
    await page.goto(pageUrl);
    L.ok(await page.locator('.autosave-offer').isVisible(), 'after a reload the page\'s autosave is offered');
    await L.submitAndWait(page, () => page.click('.autosave-offer a'));
    L.ok((await page.inputValue('#body')).includes('Letters may be edited for length.'), 'Restore fills the page editor');
    await L.submitAndWait(page, () => page.click('button[name=action][value=publish]'));
    const pub = await page.request.get(S.srv.url('/letters-to-the-editor/'));
    L.eq(pub.status(), 200, 'the page is published at its address');
    // The list: Trash, then Restore from the Trash view.
    await page.goto(S.srv.url('/admin/pages/'));
    await L.shot(page, 'pages-list-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await L.noSidewaysScroll(page, 'the pages list at 390 px');
    await L.shot(page, 'pages-list-390');
    await page.setViewportSize({ width: 1280, height: 900 });
    const row = page.locator('tr', { hasText: 'Letters to the editor, please' });
    await L.submitAndWait(page, () => row.locator('button', { hasText: 'Trash' }).click());
    L.eq((await page.request.get(S.srv.url('/letters-to-the-editor/'))).status(), 410, 'trashed: 410 at its address');
    await page.goto(S.srv.url('/admin/pages/?status=trash'));
    await L.submitAndWait(page, () => page.locator('tr', { hasText: 'Letters to the editor' }).locator('button', { hasText: 'Restore' }).click());
    L.eq((await page.request.get(S.srv.url('/letters-to-the-editor/'))).status(), 200, 'restored: public again');
  } finally {
    await ctx.close();
  }
});

L.test('page editor (JS off): the plain form saves, previews and tidies the slug', async () => {
  const { ctx, page } = await editorContext({ js: false, csp: true });
  try {
    await page.goto(S.srv.url('/admin/pages/new'));
    L.eq(await page.locator('.md-toolbar').count(), 0, 'no toolbar without JavaScript');
    await page.fill('#title', 'Corrections policy');
    await page.fill('#slug', 'Corrections Policy');
    await page.fill('#body', 'We correct *every* error.');
    await L.submitAndWait(page, () => page.click('button[name=action][value=preview]'));
    L.ok((await page.locator('.preview em').innerText()) === 'every', 'Preview renders the body above the form');
    L.eq(await page.inputValue('#title'), 'Corrections policy', 'the typed title is kept');
    await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
    L.ok(/done=slug-tidied/.test(page.url()), 'saved with the slug tidied', page.url());
    L.eq(await page.inputValue('#slug'), 'corrections-policy', 'the tidied slug is shown');
    L.eq(await page.inputValue('#status'), 'draft', 'Save keeps it a draft');
  } finally {
    await ctx.close();
  }
});
