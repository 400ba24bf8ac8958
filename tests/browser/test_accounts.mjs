// Accounts in the desk (issue 15): the Accounts screen, the delete page,
// the profile (password and sessions) and the forgotten-password form, at
// 1280 and 390 wide: axe finds nothing serious, a phone never scrolls
// sideways, the pages go to the Nu checker, screenshots are kept.
import * as L from './lib.mjs';
import { S, session, keepHtml } from './state.mjs';

const AXE = L.require.resolve('axe-core');

async function axeClean(page, what) {
  await page.addScriptTag({ path: AXE });
  const bad = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { resultTypes: ['violations'] });
    return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  L.ok(bad.length === 0, `axe: no serious or critical violation on ${what}`, bad.join('\n'));
}

L.test('accounts: the Accounts, delete, Profile and Forgotten password screens at 1280 and 390', async () => {
  const admin = await session('administrator');
  const someone = Object.values(S.accounts).find((a) => a.email !== S.accounts.administrator.email);
  const page = await admin.newPage();
  try {
    await page.goto(S.srv.url('/admin/users/'));
    const id = await page.evaluate((mail) => {
      const row = [...document.querySelectorAll('table.users tr')].find((tr) => tr.textContent.includes(mail));
      const a = row && row.querySelector('a[href$="/delete"]');
      return a ? a.getAttribute('href') : null;
    }, someone.email);
    L.ok(id, 'another account has a Delete… link');
    const screens = [['accounts-users', '/admin/users/'], ['accounts-profile', '/admin/profile'],
      ['accounts-delete', id]];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, url] of screens) {
        const resp = await page.goto(S.srv.url(url));
        L.eq(resp.status(), 200, `${url} answers 200`);
        if (width === 1280) keepHtml(name, await resp.text());
        if (width === 390) await L.noSidewaysScroll(page, url);
        await axeClean(page, `${url} at ${width}`);
        await L.shot(page, `${name}-${width}`);
      }
    }
    const out = await L.newContext(S.browser);
    const p2 = await out.newPage();
    for (const width of [1280, 390]) {
      await p2.setViewportSize({ width, height: 900 });
      const resp = await p2.goto(S.srv.url('/admin/forgot'));
      L.eq(resp.status(), 200, 'the Forgotten password page answers 200 signed out');
      if (width === 1280) keepHtml('accounts-forgot', await resp.text());
      if (width === 390) await L.noSidewaysScroll(p2, '/admin/forgot');
      await axeClean(p2, `/admin/forgot at ${width}`);
      await L.shot(p2, `accounts-forgot-${width}`);
    }
    await out.close();
  } finally {
    await page.close();
  }
});
