// The editor's journeys, part two: the article scheduled in test_desk.mjs
// appears on the home page once its minute comes (the tests in between
// ran while it waited), with its featured image and tags; the site search
// and the feed find it.
import * as L from './lib.mjs';
import { S, keepHtml } from './state.mjs';

L.test('desk: the scheduled article appears on the home page after its time', async () => {
  L.ok(S.scheduled, 'the article was scheduled (an earlier test)');
  const { headline, due } = S.scheduled;
  const wait = due - Date.now();
  if (wait > 0) {
    console.log(`     waiting ${(wait / 1000).toFixed(0)} s for the scheduled minute`);
    await L.sleep(wait);
  }
  const ctx = await L.newContext(S.browser);
  const page = await ctx.newPage();
  const card = page.locator('.card-title a', { hasText: headline });
  await L.until(async () => {
    await page.goto(S.srv.url('/'));
    return (await card.count()) === 1;
  }, 15_000, 'the scheduled article is on the home page');
  L.ok(Date.now() >= due - 1000, 'it did not appear before its time');
  await L.submitAndWait(page, () => card.click());
  L.eq((await page.locator('h1.headline').innerText()).trim(), headline, 'its page opens from the home page');
  const img = page.locator('figure.featured img');
  L.ok(await img.isVisible(), 'the featured image is shown');
  L.eq(await img.getAttribute('alt'), 'A pilot boat alongside a container ship at night', 'with its alt text');
  // With srcset's w descriptors (issue 13) the browser scales naturalWidth
  // by the density it chose, so the file it loaded is read for its size.
  L.ok(await img.evaluate(async (i) => {
    if (!i.complete || !i.naturalWidth) return false;
    const b = new DataView(await (await fetch(i.currentSrc)).arrayBuffer());
    return b.getUint32(16) === 64 && b.getUint32(20) === 40;
  }), 'the PNG loads at 64×40');
  const tags = await page.locator('ul.tags a').allInnerTexts();
  L.ok(tags.includes('Harbor Pilots') && tags.includes('Night Shift'), 'its tags are listed', tags);
  L.ok(await page.locator('.article-body blockquote').isVisible(), 'the quotation is a blockquote');
  S.scheduled.path = new URL(page.url()).pathname;
  const t = await page.locator('time.published').getAttribute('datetime');
  const at = L.zonedParts(due, S.tz);
  L.ok(t.startsWith(`${at.date}T${at.time}:00`), `the date is the scheduled one in ${S.tz}`, `${t} vs ${at.date} ${at.time}`);
  keepHtml('article-featured-image', await (await ctx.request.get(page.url())).text());
  await L.shot(page, 'article-featured-1280');
  // The tag page lists it.
  await L.submitAndWait(page, () => page.locator('ul.tags a', { hasText: 'Harbor Pilots' }).click());
  L.ok(await page.locator('.card-title a', { hasText: headline }).isVisible(), 'the tag page lists it');
  await ctx.close();
});

L.test('desk: the site search finds the new article (typed in the header search box)', async () => {
  L.ok(S.scheduled && S.scheduled.path, 'the article was published (the previous test)');
  const ctx = await L.newContext(S.browser);
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/'));
  await page.locator('#site-search').focus();
  await page.keyboard.type(S.scheduled.word);
  await L.submitAndWait(page, () => page.keyboard.press('Enter'));
  L.eq(new URL(page.url()).pathname, '/search/', 'the header search goes to /search/');
  L.eq(new URL(page.url()).searchParams.get('q'), S.scheduled.word, 'with q=the words');
  const hit = page.locator('.results .card-title a', { hasText: S.scheduled.headline });
  L.ok(await hit.isVisible(), 'the result lists the article', await page.locator('main').innerText());
  L.eq(await hit.getAttribute('href'), S.scheduled.path, 'the result links to it');
  L.ok(/1 result/.test(await page.locator('.search-count').innerText()), 'one result', await page.locator('.search-count').innerText());
  await ctx.close();
});

L.test('desk: the feed (/feed/) has an entry for the new article', async () => {
  L.ok(S.scheduled && S.scheduled.path, 'the article was published');
  const ctx = await L.newContext(S.browser);
  const r = await ctx.request.get(S.srv.url('/feed/'));
  L.eq(r.status(), 200, '/feed/ answers 200');
  L.ok(/xml/.test(r.headers()['content-type'] || ''), 'as XML', r.headers()['content-type']);
  const xml = await r.text();
  const items = xml.split(/<item[\s>]/).slice(1);
  const item = items.find((it) => it.includes(S.scheduled.word));
  L.ok(item, 'an <item> mentions the article', xml.slice(0, 800));
  L.ok(item.includes(`<title>${S.scheduled.headline}</title>`), 'the entry has the headline as its title', item.slice(0, 500));
  L.ok(item.includes(S.scheduled.path), 'the entry links to the article', item.slice(0, 500));
  L.ok(items.indexOf(item) === 0, 'it is the newest entry');
  // A reader's browser shows the feed link in the page head.
  const page = await ctx.newPage();
  await page.goto(S.srv.url(S.scheduled.path));
  L.eq(await page.locator('link[rel=alternate][type="application/rss+xml"]').first().getAttribute('href'), '/feed/', 'pages link the RSS feed');
  await ctx.close();
});
