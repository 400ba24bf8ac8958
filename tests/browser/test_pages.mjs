// Every page type: screenshots at 1280 and 390 px, no sideways scrolling
// at 390 px, axe-core (no serious or critical violation), landmarks, the
// skip link, labelled fields and visible focus.  Each page's HTML, as
// served, is kept for the Nu Html Checker (test_html.mjs).
import * as L from './lib.mjs';
import { S, session, keepHtml } from './state.mjs';

const AXE = L.require.resolve('axe-core');

/** axe-core in the page; returns the serious and critical violations. */
async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)),
    }));
  });
  return r.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Landmarks, skip link, labels; Tab through the first stops checking focus. */
async function structure(page) {
  const s = await page.evaluate(() => {
    const vis = (e) => { const r = e.getBoundingClientRect(); const cs = getComputedStyle(e); return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; };
    const unlabelled = [...document.querySelectorAll('input, select, textarea')]
      .filter((e) => !['hidden', 'submit', 'button', 'reset', 'image'].includes(e.type))
      .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
      .map((e) => e.id || e.name);
    const describedMissing = [...document.querySelectorAll('[aria-describedby]')]
      .flatMap((e) => e.getAttribute('aria-describedby').split(/\s+/).filter((id) => !document.getElementById(id)).map((id) => `${e.id}→${id}`));
    const invalidWithoutMessage = [...document.querySelectorAll('[aria-invalid=true]')]
      .filter((e) => !e.getAttribute('aria-describedby')).map((e) => e.id);
    const skip = document.querySelector('a.skip-link');
    return {
      mains: document.querySelectorAll('main, [role=main]').length,
      mainId: document.querySelector('main') ? document.querySelector('main').id : null,
      banner: !!document.querySelector('body > header, [role=banner]'),
      nav: document.querySelectorAll('nav, [role=navigation]').length,
      h1: [...document.querySelectorAll('h1')].filter(vis).length,
      lang: document.documentElement.lang,
      title: document.title,
      skip: skip ? skip.getAttribute('href') : null,
      firstFocusable: (() => {
        const f = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])');
        return f ? f.className || f.tagName : null;
      })(),
      unlabelled, describedMissing, invalidWithoutMessage,
    };
  });
  const problems = [];
  if (s.mains !== 1) problems.push(`${s.mains} main landmarks`);
  if (s.mainId !== 'main') problems.push('main is not #main');
  if (!s.banner) problems.push('no banner (body > header)');
  if (!s.nav) problems.push('no navigation landmark');
  if (s.h1 !== 1) problems.push(`${s.h1} visible h1`);
  if (!/^en(-[A-Z]{2})?$/.test(s.lang)) problems.push(`html lang="${s.lang}"`);
  if (!s.title) problems.push('no title');
  if (s.skip !== '#main') problems.push('no skip link to #main');
  if (s.firstFocusable !== 'skip-link') problems.push(`the first focusable element is ${s.firstFocusable}, not the skip link`);
  if (s.unlabelled.length) problems.push('fields without a label: ' + s.unlabelled.join(', '));
  if (s.describedMissing.length) problems.push('aria-describedby pointing nowhere: ' + s.describedMissing.join(', '));
  if (s.invalidWithoutMessage.length) problems.push('aria-invalid without a message: ' + s.invalidWithoutMessage.join(', '));
  // Focus: the first dozen Tab stops each show an outline and are on screen.
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const cs = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      // The outline is drawn over the parent's background: 3:1 at least
      // (WCAG 1.4.11, non-text contrast).
      const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
      const lum = ([R, G, B]) => [R, G, B].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
        .reduce((acc, v, i) => acc + v * [0.2126, 0.7152, 0.0722][i], 0);
      let bgEl = e.parentElement, bg = [255, 255, 255];
      while (bgEl) {
        const c = rgb(getComputedStyle(bgEl).backgroundColor);
        if (c.length >= 3 && (c.length === 3 || c[3] > 0)) { bg = c.slice(0, 3); break; }
        bgEl = bgEl.parentElement;
      }
      const l1 = lum(rgb(cs.outlineColor).slice(0, 3)), l2 = lum(bg);
      const contrast = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      return {
        what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''),
        contrast,
        outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1,
        onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
      };
    });
    if (!f) break;
    if (!f.outline) problems.push(`no visible focus outline on ${f.what}`);
    else if (f.contrast < 3) problems.push(`focus outline on ${f.what} has contrast ${f.contrast.toFixed(2)}:1 with its background (needs 3:1)`);
    if (!f.onScreen) problems.push(`focused ${f.what} is off screen`);
  }
  return [...new Set(problems)];
}

async function noScroll390(page, what) {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await L.noSidewaysScroll(page, what);
  await page.setViewportSize({ width: 1280, height: 900 });
}

// ------------------------------------------------------------ the pages

const PUBLIC = [
  ['home', '/'],
  ['home page 2', '/page/2/'],
  ['article with comments', '/2026/10/22/council-approves-city-budget/'],
  ['article, reply form', '/2026/10/22/council-approves-city-budget/?replytocom=13#respond'],
  ['author', '/author/marguerite-dunne/'],
  ['section archive', '/category/city/'],
  ['tag archive', '/tag/budget/'],
  ['date archive (month)', '/2026/10/'],
  ['date archive (year)', '/2026/'],
  ['search', '/search/?q=harbor'],
  ['search, nothing found', '/search/?q=qqzzxxnothing'],
  ['search form', '/search/'],
  ['404', '/no-such-page/'],
  ['login', '/admin/login'],
  ['password link, invalid', '/admin/password?token=0000'],
];

const ADMIN = [
  ['dashboard', () => '/admin/'],
  ['articles list', () => '/admin/articles/'],
  ['editor, new', () => '/admin/articles/new'],
  ['editor, existing', async (page) => firstHref(page, '/admin/articles/', 'table.list td a[href^="/admin/articles/"]')],
  ['revisions', async (page) => (await firstHref(page, '/admin/articles/', 'table.list td a[href^="/admin/articles/"]')) + 'revisions/'],
  ['revision', async (page) => {
    // Save an article twice (a changed standfirst) so it has revisions.
    const edit = await firstHref(page, '/admin/articles/', 'table.list td a[href^="/admin/articles/"]');
    for (const extra of [' (updated)', '']) {
      await page.goto(S.srv.url(edit));
      const dek = await page.inputValue('#dek');
      await page.fill('#dek', dek.replace(/ \(updated\)$/, '') + extra);
      await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
    }
    return firstHref(page, edit + 'revisions/', 'table.list td a[href*="/revisions/"]');
  }],
  ['comments inbox', () => '/admin/comments/'],
  ['comments inbox, approved', () => '/admin/comments/?status=approved'],
  ['comment edit', async (page) => firstHref(page, '/admin/comments/?status=approved', '.inbox-actions a')],
  ['media', () => '/admin/media/'],
  ['profile', () => '/admin/profile'],
  ['settings', () => '/admin/settings'],
  ['settings: logo and icons', () => '/admin/settings/identity'],
  ['front page', () => '/admin/front/'],
  ['users', () => '/admin/users/'],
  // Issue 15: the structure screens and the trash.
  ['sections', () => '/admin/sections/'],
  ['section edit', async (page) => firstHref(page, '/admin/sections/', 'table.list td a[href^="/admin/sections/"]')],
  ['tags', () => '/admin/tags/'],
  ['tag edit', async (page) => firstHref(page, '/admin/tags/', 'table.list td a[href^="/admin/tags/"]')],
  ['menus, header', async (page) => {
    // One item of each kind, one nested, so the list's forms are checked.
    await page.goto(S.srv.url('/admin/menus/?menu=header'));
    for (const form of ['section', 'link']) {
      if (form === 'link') {
        await page.fill('#add-url', 'https://example.org/subscribe');
        await page.fill('#add-label', 'Subscribe');
      }
      await L.submitAndWait(page, () => page.locator(`input[name=kind][value=${form}]`).locator('xpath=..').locator('button[value=add]').click());
    }
    return '/admin/menus/?menu=header';
  }],
  ['menus, footer', () => '/admin/menus/?menu=footer'],
  ['articles, trash', () => '/admin/articles/?status=trash'],
  ['pages list', () => '/admin/pages/'],
  ['page editor, new', () => '/admin/pages/new'],
  ['pages, trash', () => '/admin/pages/?status=trash'],
];

async function firstHref(page, listUrl, sel) {
  await page.goto(S.srv.url(listUrl));
  const h = await page.locator(sel).first().getAttribute('href');
  L.ok(h, `a link (${sel}) on ${listUrl}`);
  return h;
}

async function checkPage(ctx, name, url, { status = 200 } = {}) {
  const page = await ctx.newPage();
  try {
    const resp = await page.goto(S.srv.url(url));
    L.eq(resp.status(), status, `${name} (${url}) answers ${status}`);
    keepHtml(name, await resp.text());
    const bad = await axe(page);
    L.ok(bad.length === 0, `axe: no serious or critical violation on ${name} (${url})`,
      bad.map((v) => `${v.impact} ${v.id}: ${v.help} [${v.nodes.join(' || ')}]`).join('\n   '));
    await page.reload();
    const problems = await structure(page);
    L.ok(problems.length === 0, `landmarks, skip link, labels and focus on ${name} (${url})`, problems.join('; '));
    await noScroll390(page, `${name} (${url})`);
  } finally {
    await page.close();
  }
}

for (const [name, url] of PUBLIC) {
  L.test(`a11y: public page: ${name}`, async () => {
    const ctx = await L.newContext(S.browser, { context: { bypassCSP: true } });
    try {
      await checkPage(ctx, name, url, { status: name === '404' ? 404 : name.includes('invalid') ? 404 : 200 });
    } finally {
      await ctx.close();
    }
  }, { timeout: 60_000 });
}

for (const [name, where] of ADMIN) {
  L.test(`a11y: desk page: ${name}`, async () => {
    const ctx = await session('administrator');
    const helper = await ctx.newPage();
    let url;
    try {
      url = await where(helper);
    } finally {
      await helper.close();
    }
    await checkPage(ctx, 'admin ' + name, url);
  }, { timeout: 60_000 });
}

L.test('a11y: axe is awake: it reports an unlabelled field and an image without alt (control)', async () => {
  const ctx = await L.newContext(S.browser, { context: { bypassCSP: true } });
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/'));
  await page.evaluate(() => {
    const d = document.createElement('div');
    d.innerHTML = '<input type="text"><img src="/static/logo.png">';
    document.querySelector('main').append(d);
  });
  const ids = (await axe(page)).map((v) => v.id);
  L.ok(ids.includes('label') && ids.includes('image-alt'), 'axe reports label and image-alt', ids);
  await ctx.close();
});

L.test('a11y: pages with form errors (comment form, editor) pass axe and announce their errors', async () => {
  const ctx = await L.newContext(S.browser, { context: { bypassCSP: true } });
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/2026/10/22/council-approves-city-budget/'));
  await page.fill('#url', 'javascript:alert(1)');
  const r = await L.submitAndWait(page, () => page.click('#commentform #submit'));
  L.eq(r.status(), 422, 'the empty form is refused');
  keepHtml('article-all-errors', await r.text());
  for (const id of ['comment', 'author', 'email', 'url']) {
    L.eq(await page.getAttribute('#' + id, 'aria-invalid'), 'true', `#${id} is marked invalid`);
    L.ok((await page.getAttribute('#' + id, 'aria-describedby')).split(' ').includes(id + '-error'), `#${id} is described by its message`);
    L.ok(await page.locator(`#${id}-error`).isVisible(), `#${id}'s message is shown`);
  }
  L.ok(await page.locator('#commentform [role=alert]').isVisible(), 'the summary is an alert');
  const bad = await axe(page);
  L.ok(bad.length === 0, 'axe: no serious or critical violation on the refused comment form',
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} [${v.nodes.join(' || ')}]`).join('\n   '));
  await ctx.close();

  const ed = await session('editor');
  const ep = await ed.newPage();
  await ep.goto(S.srv.url('/admin/articles/new'));
  await ep.locator('#headline').evaluate((e) => e.removeAttribute('required'));
  await ep.fill('#slug', 'Not A Slug!');
  await ep.locator('#slug').evaluate((e) => e.removeAttribute('pattern'));
  await ep.selectOption('#status', 'scheduled');
  const r2 = await L.submitAndWait(ep, () => ep.click('button[name=action][value=save]'));
  L.eq(r2.status(), 422, 'the editor refuses the form');
  keepHtml('admin-editor-many-errors', await r2.text());
  await ep.addScriptTag({ path: AXE });
  const bad2 = await axe(ep);
  L.ok(bad2.length === 0, 'axe: no serious or critical violation on the refused editor',
    bad2.map((v) => `${v.impact} ${v.id}: ${v.help} [${v.nodes.join(' || ')}]`).join('\n   '));
  const problems = await structure(ep);
  L.ok(problems.length === 0, 'errors are announced and fields described on the refused editor', problems.join('; '));
  await ep.close();
});

L.test('a11y: a contributor sent to an editor-only page gets an accessible refusal', async () => {
  const ctx = await session('contributor');
  await checkPage(ctx, 'forbidden (contributor)', '/admin/comments/', { status: 403 });
});

// ------------------------------------------------------------ screenshots

L.test('screenshots: home, article, author, search, editor and inbox at 1280 and 390 px, none scrolling sideways', async () => {
  const anon = await L.newContext(S.browser);
  const admin = await session('editor');
  const shots = [
    ['home', anon, '/'],
    ['article', anon, S.fixtures.js ? S.fixtures.js.path : '/2026/10/22/council-approves-city-budget/'],
    ['article-demo', anon, '/2026/10/22/council-approves-city-budget/'],
    ['author', anon, '/author/marguerite-dunne/'],
    ['search', anon, '/search/?q=harbor'],
    ['editor', admin, S.scheduled ? S.scheduled.editUrl : '/admin/articles/new'],
    ['inbox', admin, '/admin/comments/'],
  ];
  const problems = [];
  for (const [name, ctx, url] of shots) {
    const page = await ctx.newPage();
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await page.goto(S.srv.url(url));
      await L.shot(page, `${name}-${width}`);
      if (width === 390) {
        try {
          await L.noSidewaysScroll(page, `${name} (${url})`);
        } catch (e) {
          problems.push(e.message);
        }
      }
    }
    await page.close();
  }
  console.log(`     screenshots: ${L.ARTIFACTS}/screenshots/`);
  await anon.close();
  L.ok(problems.length === 0, 'no page scrolls sideways at 390 px', problems.join('\n'));
});
