// What the journeys share: the server, the browser, the accounts, the
// fixture articles, and the HTML pages collected for the Nu Html Checker.
import fs from 'node:fs';
import path from 'node:path';
import * as L from './lib.mjs';

export const S = {
  srv: null,        // the main server: demo site, comment_min_seconds 0
  browser: null,
  tz: null,         // the site's time zone
  accounts: {},     // role -> {email, name, password, link}
  fixtures: {},     // key -> {headline, path}
  sessions: {},     // role -> signed-in browser context
  scheduled: null,  // the editor's scheduled article {headline, word, due}
  html: [],         // {name, file} pages as served, for vnu
};

export const PASSWORD = 'harbor lights at dusk';

/** Headlines of the articles imported for the comment journeys: each
 *  journey gets an article of its own, so counts are exact. */
const FIXTURES = {
  js: 'Tidal clock on Customs Quay is running again',
  nojs: 'Ferry terminal gets new benches and a bike shelter',
  keys: 'Lighthouse keepers’ cottage opens as a museum',
  hostile: 'Night market returns to Fennick Street',
};

function slugify(s) {
  return s.toLowerCase().replace(/[’']/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Starts the main server and the browser; creates the accounts. */
export async function start() {
  const tmpArt = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'byline-md-'));
  S.srv = await L.startServer({
    settings: { comment_min_seconds: 0, comment_flood_seconds: 0 },
    before: (db) => {
      S.tz = L.cli('settings', '--db', db, 'get', 'timezone').trim();
      let i = 1;
      for (const [key, headline] of Object.entries(FIXTURES)) {
        // 15:00 on a recent day: the same calendar day in the site's zone
        // whether the importer reads the time as UTC or as site time.
        const when = L.zonedParts(Date.now() - i * 86400_000, S.tz);
        L.writeArticle(tmpArt, `${key}.md`, {
          title: headline, author: 'Marguerite Dunne', date: `${when.date} 15:00`,
          section: 'City', tags: 'Harbor Street, Libraries',
          dek: 'An article the browser tests comment on.',
        }, `The first paragraph of “${headline}”.\n\nA second paragraph, with *emphasis*.\n`);
        const [y, m, d] = when.date.split('-');
        S.fixtures[key] = { headline, path: `/${y}/${m}/${d}/${slugify(headline)}/` };
        i++;
      }
      L.cli('import-markdown', '--db', db, tmpArt);
      for (const [role, name] of [['administrator', 'Ada Admin'], ['editor', 'Edna Editor'],
        ['contributor', 'Cory Contributor']]) {
        const email = `${role}@harbor-ledger.test`;
        const out = L.cli('user', '--db', db, 'add', '--email', email, '--name', name, '--role', role);
        const m = out.match(/(\/admin\/password\?token=[0-9a-f]+)/);
        if (!m) throw new Error('user add printed no link: ' + out);
        S.accounts[role] = { email, name, link: m[1], password: PASSWORD + ' ' + role };
      }
    },
  });
  fs.rmSync(tmpArt, { recursive: true, force: true });
  // The fixtures' addresses, as the home page links them.
  const home = await (await fetch(S.srv.url('/'))).text();
  for (const fx of Object.values(S.fixtures)) {
    const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');
    const m = home.match(new RegExp(`<a href="(/\\d{4}/\\d\\d/\\d\\d/[a-z0-9-]+/)">${esc(fx.headline).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</a>`));
    if (!m) throw new Error(`the home page does not link the imported article “${fx.headline}”`);
    if (m[1] !== fx.path) console.log(`note: “${fx.headline}” is at ${m[1]}, not ${fx.path} (the importer read its date in another zone)`);
    fx.path = m[1];
  }
  fs.rmSync(L.ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(path.join(L.ARTIFACTS, 'html'), { recursive: true });
  S.browser = await L.launchBrowser(path.join(S.srv.dir, 'chromium'));
}

export async function stop() {
  const problems = [];
  for (const c of Object.values(S.sessions)) await c.close().catch(() => {});
  if (S.browser) await S.browser.close().catch(() => {});
  if (S.srv) {
    const p = await S.srv.stop();
    if (p) problems.push(p);
  }
  return problems;
}

/** Saves a page's HTML as served, for the validity check at the end. */
export function keepHtml(name, html) {
  const file = path.join(L.ARTIFACTS, 'html', name.replace(/[^a-z0-9-]+/gi, '_') + '.html');
  fs.writeFileSync(file, html);
  if (!S.html.find((h) => h.file === file)) S.html.push({ name, file });
}

/** A signed-in browser context for a role (signing in on first use). */
export async function session(role) {
  if (S.sessions[role]) return S.sessions[role];
  const acc = S.accounts[role];
  if (!acc.passwordSet) await setPasswordFallback(role);
  const ctx = await L.newContext(S.browser);
  const page = await ctx.newPage();
  await signIn(page, acc);
  await page.close();
  S.sessions[role] = ctx;
  return ctx;
}

export async function signIn(page, acc) {
  await page.goto(S.srv.url('/admin/login'));
  await page.fill('#email', acc.email);
  await page.fill('#password', acc.password);
  await L.submitAndWait(page, () => page.click('form.stacked-form button[type=submit]'));
  L.ok(new URL(page.url()).pathname.startsWith('/admin/') && !page.url().includes('/admin/login'),
    `${acc.email} is signed in and on the desk`, page.url() + ' ' + (await page.locator('main').innerText()).slice(0, 300));
}

/** When setting the password in the browser failed (a bug the account test
 *  reports), sets it with a plain POST (with the Origin a browser would
 *  send: a post that names no origin is refused) so the other journeys can
 *  still run. */
export async function setPasswordFallback(role) {
  const acc = S.accounts[role];
  if (acc.passwordSet) return;
  const r = await fetch(S.srv.url('/admin/password'), {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: new URL(S.srv.url('/')).origin },
    body: new URLSearchParams({ token: acc.link.split('token=')[1], password: acc.password, password2: acc.password }),
  });
  L.ok(r.status === 303, `setting ${role}'s password by a plain POST`, r.status + ' ' + (await r.text()).slice(0, 300));
  acc.passwordSet = true;
}

/** The id of the comment a POST redirected to (…/#comment-ID). */
export function commentIdFromUrl(url) {
  const m = url.match(/#comment-(\d+)$/);
  return m ? +m[1] : null;
}
