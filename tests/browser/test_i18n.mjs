// The site in its readers' language (issue 15): the article page, home and
// comment form in German and in Arabic (right to left) at 1280 and 390 px:
// screenshots, no sideways scroll, axe, the layout mirrored in Arabic (the
// headline's column starts at the right, the comment form's labels too),
// and the pages kept for the Nu Html Checker (test_html.mjs).
import * as L from './lib.mjs';
import { S, keepHtml } from './state.mjs';

const ARTICLE = '/2026/10/22/council-approves-city-budget/';

async function axe(page, what) {
  await page.addScriptTag({ path: L.require.resolve('axe-core/axe.min.js') });
  const r = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  })).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`));
  L.ok(r.length === 0, `${what}: no axe violations`, r.join('\n'));
}

for (const [lang, dir, reply] of [['de', 'ltr', 'Schreibe einen Kommentar'], ['ar', 'rtl', 'اترك تعليقًا']]) {
  L.test(`i18n: the article page, home and comment form in ${lang} (${dir}) at 1280 and 390 px`, async () => {
    const srv = await L.startServer({ settings: { language: lang } });
    const ctx = await L.newContext(S.browser, { viewport: { width: 1280, height: 900 } });
    try {
      const page = await ctx.newPage();
      await page.goto(srv.url(ARTICLE));
      L.eq(await page.getAttribute('html', 'lang'), lang, 'html lang');
      L.eq(await page.getAttribute('html', 'dir'), dir, 'html dir');
      L.eq((await page.locator('#reply-title').innerText()).trim(), reply, 'the comment form speaks the language');
      keepHtml(`article-${lang}`, await (await fetch(srv.url(ARTICLE))).text());
      keepHtml(`home-${lang}`, await (await fetch(srv.url('/'))).text());
      keepHtml(`404-${lang}`, await (await fetch(srv.url('/no-such-page/'))).text());
      for (const w of [1280, 390]) {
        await page.setViewportSize({ width: w, height: 900 });
        await page.goto(srv.url(ARTICLE));
        await L.noSidewaysScroll(page, `article ${lang} ${w}`);
        await L.shot(page, `i18n-article-${lang}-${w}`);
        // Mirrored in Arabic: the comment label sits at the right end of its
        // field, the byline's first word too; in German at the left.
        const g = await page.evaluate(() => {
          const range = document.createRange(); // the label's words, not its block
          range.selectNodeContents(document.querySelector('label[for=comment]'));
          const lab = range.getBoundingClientRect();
          const box = document.querySelector('#comment').getBoundingClientRect();
          return { labL: lab.left - box.left, labR: box.right - lab.right };
        });
        if (dir === 'rtl') L.ok(g.labR < 4 && g.labL > 20, `${lang} ${w}: the label starts at the right`, JSON.stringify(g));
        else L.ok(g.labL < 4 && g.labR > 20, `${lang} ${w}: the label starts at the left`, JSON.stringify(g));
        await page.goto(srv.url('/'));
        await L.noSidewaysScroll(page, `home ${lang} ${w}`);
        await L.shot(page, `i18n-home-${lang}-${w}`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(srv.url(ARTICLE));
      await axe(page, `article in ${lang}`);
      await page.goto(srv.url('/'));
      await axe(page, `home in ${lang}`);
    } finally {
      await ctx.close();
      const problem = await srv.stop();
      L.ok(!problem, 'server stopped cleanly', problem);
    }
  }, { timeout: 150_000 });
}
