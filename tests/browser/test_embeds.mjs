// Embeds with readers' privacy kept (issue 16), in Chromium: a fake oEmbed
// provider on loopback (a node http server); an administrator saves an
// article whose body has the provider's link alone on a line; a reader
// opens the article and no request of the page reaches the provider's
// origin (the still has no iframe, no image from there); after the
// reader follows the still's link, the /embed/ page's iframe loads the
// player from the provider, under a policy that allows that origin.
import http from 'node:http';
import * as L from './lib.mjs';
import { S, session, keepHtml } from './state.mjs';

L.test('embeds: no request to the provider before the reader clicks, the player after', async () => {
  const hits = [];
  const prov = http.createServer((req, res) => {
    hits.push(req.url);
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/player/1') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>player</title><p id="player">PLAYER LOADED</p>');
    } else if (u.pathname === '/oembed') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ version: '1.0', type: 'video', title: 'Harbour tour', provider_name: 'FakeTube',
        html: `<iframe src="${base}/player/1" width="560" height="315"></iframe>` }));
    } else { res.writeHead(404); res.end(); }
  });
  await new Promise((r) => prov.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${prov.address().port}`;
  try {
    S.srv.cli('settings', 'set', 'outbound_allow_private', '1');
    S.srv.cli('settings', 'set', 'embed_providers', `127.0.0.1 ${base}/oembed`);
    const ctx = await session('administrator');
    const csrf = (await (await ctx.request.get(S.srv.url('/admin/csrf'))).json()).csrf;
    const headline = 'Embed journey ' + Date.now();
    const r = await ctx.request.post(S.srv.url('/admin/articles/new'), {
      headers: { Origin: S.srv.base }, maxRedirects: 0,
      form: { csrf, headline, slug: '', dek: '', body: `Before.\n\n${base}/video/1\n\nAfter.`, section: '',
        new_section: '', tags: '', featured_media: '', featured_alt: '', status: 'published',
        publish_date: '', publish_time: '', comments_open: '1', action: 'save' },
    });
    L.eq(r.status(), 303, 'the article is saved and published');
    L.ok(hits.some((h) => h.startsWith('/oembed')), 'the provider was asked once, at save', hits);
    const id = (r.headers().location || '').match(/\/admin\/articles\/(\d+)\//)[1];
    L.ok(id, 'an article id');
    const list = await ctx.request.get(S.srv.url('/admin/articles/'));
    const html = await list.text();
    const m = html.match(/(\/\d{4}\/\d\d\/\d\d\/embed-journey-\d+\/)/);
    L.ok(m, 'the editor links to the published article', html.slice(0, 2000));
    const path = m[1];

    hits.length = 0;
    const reader = await L.newContext(S.browser);
    const page = await reader.newPage();
    const seen = [];
    page.on('request', (q) => seen.push(q.url()));
    await page.goto(S.srv.url(path));
    await page.waitForLoadState('networkidle');
    L.ok(!seen.some((u) => u.startsWith(base)), 'the article page makes no request to the provider', seen);
    L.eq(hits.length, 0, 'the provider saw nothing while the reader read');
    L.eq(await page.locator('iframe').count(), 0, 'the article holds no iframe');
    const still = page.locator('a.embed-load');
    L.ok(await still.isVisible(), 'the still is shown');
    L.ok((await still.innerText()).includes('Harbour tour'), 'with the title');
    await L.shot(page, 'embed-still');
    await L.submitAndWait(page, () => still.click());
    L.ok(new URL(page.url()).pathname.startsWith('/embed/'), 'the click opens our /embed/ page', page.url());
    const frame = page.frameLocator('iframe');
    await frame.locator('#player').waitFor({ timeout: 15_000 });
    L.eq(await frame.locator('#player').innerText(), 'PLAYER LOADED', 'the player loads after the click');
    L.ok(hits.includes('/player/1'), 'the provider is contacted only now', hits);
    await L.shot(page, 'embed-player');
    // Both pages, as served, for the Nu Html Checker (test_html.mjs).
    keepHtml('article-with-embed', await (await reader.request.get(S.srv.url(path))).text());
    keepHtml('embed-player', await (await reader.request.get(page.url())).text());
    await reader.close();
  } finally {
    S.srv.cli('settings', 'set', 'outbound_allow_private', '0');
    prov.close();
  }
});

// A Mastodon post (issue 16): the instance's oEmbed answer is a quote and a
// script; the post is framed from its own address (/@NAME/ID/embed), the
// script never reaches our pages, and the instance is contacted only after
// the reader's click.
L.test('embeds: a Mastodon post framed from its address, its script never loaded', async () => {
  const hits = [];
  const prov = http.createServer((req, res) => {
    hits.push(req.url);
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/@alice/109/embed') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>post</title><p id="post">POST LOADED</p>');
    } else if (u.pathname === '/api/oembed') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ version: '1.0', type: 'rich', author_name: 'Alice', provider_name: 'Fakedon',
        width: 400, height: null,
        html: `<blockquote class="mastodon-embed" data-embed-url="${base}/@alice/109/embed">` +
              `<a href="${base}/@alice/109">Post by @alice</a></blockquote>` +
              `<script data-allowed-prefixes="${base}/" async src="${base}/embed.js"></script>` }));
    } else { res.writeHead(404); res.end(); }
  });
  await new Promise((r) => prov.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${prov.address().port}`;
  try {
    S.srv.cli('settings', 'set', 'outbound_allow_private', '1');
    S.srv.cli('settings', 'set', 'embed_providers', `127.0.0.1 ${base}/api/oembed`);
    const ctx = await session('administrator');
    const csrf = (await (await ctx.request.get(S.srv.url('/admin/csrf'))).json()).csrf;
    const headline = 'Mastodon journey ' + Date.now();
    const r = await ctx.request.post(S.srv.url('/admin/articles/new'), {
      headers: { Origin: S.srv.base }, maxRedirects: 0,
      form: { csrf, headline, slug: '', dek: '', body: `Before.\n\n${base}/@alice/109\n\nAfter.`, section: '',
        new_section: '', tags: '', featured_media: '', featured_alt: '', status: 'published',
        publish_date: '', publish_time: '', comments_open: '1', action: 'save' },
    });
    L.eq(r.status(), 303, 'the article is saved and published');
    const list = await (await ctx.request.get(S.srv.url('/admin/articles/'))).text();
    const m = list.match(/(\/\d{4}\/\d\d\/\d\d\/mastodon-journey-\d+\/)/);
    L.ok(m, 'the editor links to the published article');
    hits.length = 0;
    const reader = await L.newContext(S.browser);
    const page = await reader.newPage();
    const seen = [];
    page.on('request', (q) => seen.push(q.url()));
    await page.goto(S.srv.url(m[1]));
    await page.waitForLoadState('networkidle');
    L.ok(!seen.some((u) => u.startsWith(base)), 'the article page makes no request to the instance', seen);
    L.eq(await page.locator('iframe').count(), 0, 'the article holds no iframe');
    const still = page.locator('a.embed-load');
    L.ok((await still.innerText()).includes('Alice'), 'the still names the post\'s author');
    await L.submitAndWait(page, () => still.click());
    const frame = page.frameLocator('iframe');
    await frame.locator('#post').waitFor({ timeout: 15_000 });
    L.eq(await frame.locator('#post').innerText(), 'POST LOADED', 'the post loads after the click');
    L.ok(hits.includes('/@alice/109/embed') && !hits.includes('/embed.js'),
      'the instance is contacted for the post only; its script never', hits);
    await L.shot(page, 'embed-mastodon');
    await reader.close();
  } finally {
    S.srv.cli('settings', 'set', 'outbound_allow_private', '0');
    prov.close();
  }
});
