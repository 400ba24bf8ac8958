// Valid HTML: every page kept by the other tests (each as the server sent
// it, admin pages with the session cookie, refused forms as answered) is
// checked by the Nu Html Checker (npm vnu-jar) in ONE run of Debian's
// Java.  Any error fails, with the file, line and message.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import * as L from './lib.mjs';
import { S, keepHtml } from './state.mjs';

// Page types that must be checked even when a filter skipped the tests
// that would have kept them (fetched here, anonymously).
const MUST = [
  ['home', '/'], ['article with comments', '/2026/10/22/council-approves-city-budget/'],
  ['author', '/author/marguerite-dunne/'], ['section archive', '/category/city/'],
  ['tag archive', '/tag/budget/'], ['date archive (month)', '/2026/10/'],
  ['search', '/search/?q=harbor'], ['404', '/no-such-page/'], ['login', '/admin/login'],
];

L.test('html: the Nu Html Checker finds no error on any page type', async () => {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  L.ok(!java.error && java.status === 0, 'Java is installed (Debian package default-jre-headless)', String(java.error || java.stderr));
  const jar = path.join(path.dirname(L.require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
  const have = new Set(S.html.map((h) => h.name));
  for (const [name, url] of MUST) {
    if (have.has(name)) continue;
    const r = await fetch(S.srv.url(url));
    keepHtml(name, await r.text());
  }
  const files = S.html.map((h) => h.file);
  L.ok(files.length >= MUST.length, `pages collected (${files.length})`);
  const r = spawnSync('java', ['-Xss1m', '-jar', jar, '--errors-only', '--format', 'json', ...files],
    { encoding: 'utf8', timeout: 180_000, maxBuffer: 64 << 20 });
  L.ok(!r.error, 'vnu ran', String(r.error));
  let out;
  try {
    out = JSON.parse(r.stderr || r.stdout || '{"messages":[]}');
  } catch (e) {
    throw new L.CheckError('vnu printed something that is not JSON: ' + (r.stderr || r.stdout).slice(0, 1000));
  }
  const errors = out.messages.filter((m) => m.type === 'error' || m.type === 'non-document-error');
  const byFile = new Map();
  for (const m of errors) {
    const f = decodeURIComponent((m.url || '').replace(/^file:/, ''));
    const k = path.basename(f);
    if (!byFile.has(k)) byFile.set(k, []);
    byFile.get(k).push(`line ${m.lastLine}: ${m.message} ${m.extract ? '«' + m.extract.replace(/\s+/g, ' ').slice(0, 120) + '»' : ''}`);
  }
  console.log(`     vnu checked ${files.length} pages (${path.relative(process.cwd(), path.join(L.ARTIFACTS, 'html'))}/), ${errors.length} error(s)`);
  L.ok(errors.length === 0, `no HTML error in ${files.length} pages`,
    [...byFile].map(([f, ms]) => `${f}:\n     ${ms.slice(0, 6).join('\n     ')}`).join('\n   '));
  L.eq(r.status, 0, 'vnu exits 0');
}, { timeout: 200_000 });
