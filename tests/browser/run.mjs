// Byline's browser tests: a real `byline serve` and Debian's Chromium
// (driven by playwright-core), a reader's and an editor's journeys,
// hostile comments, screenshots, axe-core and the Nu Html Checker.
//
//   node tests/browser/run.mjs [NAME-FILTER]
//
// Environment: BYLINE_BIN (default ./byline), CHROMIUM (default
// /usr/bin/chromium), BYLINE_ARTIFACTS (default tests/browser/artifacts),
// BYLINE_THEME=. to read templates/ and static/ from disk.
// Ends with "N passed, N failed, N skipped"; exits 1 if anything failed.
import * as L from './lib.mjs';
import { start, stop } from './state.mjs';

const filter = process.argv[2] || process.env.BROWSER_TEST_FILTER || '';

try {
  L.require.resolve('playwright-core');
  L.require.resolve('axe-core');
} catch {
  console.log('FAIL the npm packages are missing: run `npm ci --ignore-scripts` at the repository root');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

await import('./test_desk.mjs');
await import('./test_editor.mjs');
await import('./test_media.mjs');
await import('./test_reader.mjs');
await import('./test_hostile.mjs');
await import('./test_pages.mjs');
await import('./test_accounts.mjs');
await import('./test_published.mjs');
await import('./test_front.mjs');
await import('./test_i18n.mjs');
await import('./test_embeds.mjs');
await import('./test_html.mjs');

try {
  await start();
} catch (e) {
  console.log('FAIL starting the server and the browser: ' + (e.stack || e));
  await stop().catch(() => {});
  console.log('0 passed, 1 failed');
  process.exit(1);
}
console.log(`server ${(await import('./state.mjs')).S.srv.base}, browser ${L.CHROMIUM}, artifacts in ${L.ARTIFACTS}/`);
const failed = await L.runAll({ filter, after: stop });
process.exit(failed ? 1 : 0);
