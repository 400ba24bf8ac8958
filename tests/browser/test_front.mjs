// The front page, a section page and search results as a reader sees them
// (issue 13): screenshots at 1280 and 390 px; photos on the cards, every
// one loaded and with width and height (no layout shift as they arrive:
// the measured cumulative layout shift stays under 0.01); at 1280 the page
// uses the whole width (no empty right third), at 390 one column.
import * as L from './lib.mjs';
import { S, keepHtml } from './state.mjs';

const PAGES = [
  ['front', '/'],
  ['section', '/category/city/'],
  ['search', '/search/?q=harbor'],
];

/** Scrolls to the end and back (lazy images load), then measures. */
async function measure(page) {
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += 500) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 15_000 });
  return page.evaluate(() => {
    const imgs = [...document.querySelectorAll('main img')];
    const box = (sel) => { const e = document.querySelector(sel); if (!e) return null; const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top + scrollY, bottom: r.bottom + scrollY }; };
    return {
      images: imgs.length,
      broken: imgs.filter((i) => !i.naturalWidth).map((i) => i.src),
      unsized: imgs.filter((i) => !i.getAttribute('width') || !i.getAttribute('height')).map((i) => i.src),
      noAlt: imgs.filter((i) => !i.hasAttribute('alt')).map((i) => i.src),
      shift: window.__cls || 0,
      main: box('main'), lead: box('.lead-story'), top: box('.top-stories'),
      latest: box('.latest'), sections: box('.front-sections'),
      grid: [...document.querySelectorAll('main .card-grid .card, main .result')].map((e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right }; }),
    };
  });
}

for (const width of [1280, 390]) {
  for (const [name, url] of PAGES) {
    L.test(`front: ${name} at ${width} px: photos, sizes, no layout shift, the width used`, async () => {
      const ctx = await L.newContext(S.browser, { context: { viewport: { width, height: 900 } } });
      const page = await ctx.newPage();
      try {
        // Layout shifts, recorded from the first paint.
        await page.addInitScript(() => {
          window.__cls = 0;
          new PerformanceObserver((l) => {
            for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
          }).observe({ type: 'layout-shift', buffered: true });
        });
        const resp = await page.goto(S.srv.url(url));
        L.eq(resp.status(), 200, `${url} answers 200`);
        if (width === 1280) keepHtml(`front test: ${name}`, await resp.text());
        const m = await measure(page);
        L.ok(m.images >= (name === 'front' ? 8 : 3), `${name}: cards show photos (${m.images})`);
        L.eq(m.broken.length, 0, `${name}: every photo loaded`);
        L.eq(m.unsized.length, 0, `${name}: every photo has width and height`);
        L.eq(m.noAlt.length, 0, `${name}: every photo has alt text`);
        L.ok(m.shift < 0.01, `${name}: no layout shift from images (CLS ${m.shift.toFixed(4)})`);
        await L.noSidewaysScroll(page, `${name} at ${width}`);
        if (name === 'front') {
          L.ok(m.lead && m.top && m.latest && m.sections, 'lead, top stories, sections and Latest are there');
          if (width === 1280) {
            L.ok(m.top.left > m.lead.right && m.top.right > 1180,
              `top stories beside the lead, to the right edge (lead ${Math.round(m.lead.right)}, top ${Math.round(m.top.left)}–${Math.round(m.top.right)})`);
            L.ok(m.latest.left > m.sections.right && m.latest.right > 1180,
              'the Latest list beside the section blocks, to the right edge');
          } else {
            L.ok(m.top.top >= m.lead.bottom && Math.abs(m.top.left - m.lead.left) < 2,
              'one column: the top stories under the lead');
            L.ok(m.latest.top >= m.sections.bottom, 'one column: Latest under the sections');
          }
        } else if (name === 'section' && width === 1280) {
          const cols = new Set(m.grid.map((g) => Math.round(g.left))).size;
          const right = Math.max(...m.grid.map((g) => g.right));
          L.ok(cols >= 3 && right > 900, `section: a grid of ${cols} columns across the page (right edge ${Math.round(right)})`);
        } else if (width === 390) {
          const cols = new Set(m.grid.map((g) => Math.round(g.left))).size;
          L.ok(cols <= 1, `${name}: one column at 390 px (${cols})`);
        }
        await L.shot(page, `front-${name}-${width}`);
      } finally {
        await ctx.close();
      }
    }, { timeout: 60_000 });
  }
}
