// Shared pieces of the browser tests: a tiny test runner, a real
// `byline serve` on loopback over a fresh database, Debian's Chromium
// driven by playwright-core, and helpers every journey uses.
//
// Nothing here downloads anything: the browser is /usr/bin/chromium
// (CHROMIUM env var to override) and Java is Debian's.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const require = createRequire(import.meta.url);
export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const BYLINE = process.env.BYLINE_BIN || path.join(REPO, 'byline');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = process.env.BYLINE_ARTIFACTS || path.join(HERE, 'artifacts');
export const SHARED = process.env.BYLINE_SHARED || path.join(path.dirname(REPO), 'shared');

// ---------------------------------------------------------------- runner

const tests = [];
let only = null;

/** Registers a test; they run one after another in file order. */
export function test(name, fn, { timeout = 90_000 } = {}) {
  tests.push({ name, fn, timeout });
}

/** Thrown by a test that finds it cannot run here (a fixture or tool is
 *  missing): it is counted as skipped, never as passed. */
export class SkipError extends Error {}

/** Registers a test that cannot run here, with the reason: it prints a
 *  SKIP line in its turn and counts as skipped. */
export function skip(name, why) {
  tests.push({ name, fn: () => { throw new SkipError(why); }, timeout: 90_000 });
}

/** Runs every registered test whose name matches the optional filter.
 *  Prints one line a test and ends with "N passed, N failed, N skipped". */
export async function runAll({ filter, after } = {}) {
  only = filter ? new RegExp(filter, 'i') : null;
  let passed = 0, failed = 0, skipped = 0;
  const t0 = Date.now();
  for (const t of tests) {
    if (only && !only.test(t.name)) continue;
    const start = Date.now();
    let timer;
    try {
      await Promise.race([
        t.fn(),
        new Promise((_, rej) => {
          timer = setTimeout(() => rej(new Error(`timed out after ${t.timeout / 1000} s`)), t.timeout);
        }),
      ]);
      const extra = takeDialogs();
      if (extra.length) throw new Error('a dialog opened: ' + extra.join(' | '));
      passed++;
      console.log(`ok   ${t.name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    } catch (e) {
      takeDialogs();
      if (e instanceof SkipError) {
        skipped++;
        console.log(`SKIP ${t.name}: ${e.message}`);
        continue;
      }
      failed++;
      console.log(`FAIL ${t.name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
      console.log('     ' + String(e && e.stack ? e.stack : e).split('\n').slice(0, 8).join('\n     '));
    } finally {
      clearTimeout(timer);
    }
  }
  if (after) {
    try {
      const problems = await after();
      for (const p of problems || []) {
        failed++;
        console.log('FAIL ' + p);
      }
    } catch (e) {
      failed++;
      console.log('FAIL cleanup: ' + e);
    }
  }
  console.log(`browser suite took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log(`browser artifacts (screenshots, pages as served): ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}/`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { console.log(`stopped by ${sig}`); console.log('0 passed, 1 failed'); process.exit(1); });
}

// ---------------------------------------------------------------- checks

export class CheckError extends Error {}

export function ok(cond, what, detail) {
  if (!cond) {
    throw new CheckError(what + (detail !== undefined ? `\n  saw: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`.slice(0, 1500) : ''));
  }
}

export function eq(got, want, what) {
  ok(got === want, `${what}: expected ${JSON.stringify(want)}`, got);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn() until it returns a truthy value or `ms` pass. */
export async function until(fn, ms, what) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new CheckError(`${what}: still not true after ${ms / 1000} s` + (last instanceof Error ? ` (${last.message})` : ''));
    await sleep(250);
  }
}

// ---------------------------------------------------------------- byline

/** Runs the byline binary; returns stdout (throws on a non-zero exit). */
export function cli(...args) {
  const r = spawnSync(BYLINE, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`byline ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** A `byline serve` over a fresh database in a temporary folder.
 *  settings: {key: value} set before the start; before(db): more setup. */
export async function startServer({ demo = true, settings = {}, before } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'byline-browser-'));
  const db = path.join(dir, 'site.db');
  if (demo) cli('demo', '--db', db);
  else cli('settings', '--db', db, 'list');
  for (const [k, v] of Object.entries(settings)) cli('settings', '--db', db, 'set', k, String(v));
  if (before) await before(db, dir);
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--trust-proxy', '--quiet'];
  if (process.env.BYLINE_THEME) args.push('--theme', process.env.BYLINE_THEME); // for template work
  const proc = spawn(BYLINE, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; if (stderr.length > 200_000) stderr = stderr.slice(-100_000); });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not print its address in 15 s: ' + out + stderr)), 15_000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code} at start: ${out}${stderr}`)); });
  });
  proc.stdout.resume();
  // Never leave a server behind, even if this process dies or is killed.
  const reap = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', reap);
  const exited = new Promise((resolve) => proc.on('exit', (code, sig) => resolve({ code, sig })));
  return {
    dir, db, base, proc,
    url: (p) => base + p,
    cli: (...a) => cli(a[0], '--db', db, ...a.slice(1)),
    stderr: () => stderr,
    /** SIGTERM; resolves to a problem string, or null when it exited 0. */
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      const { code, sig } = await exited;
      clearTimeout(t);
      fs.rmSync(dir, { recursive: true, force: true });
      return code === 0 ? null : `server ${base} did not exit 0 on SIGTERM (code ${code}, signal ${sig}): ${stderr.slice(-2000)}`;
    },
  };
}

/** Writes a Markdown article for `byline import-markdown`. */
export function writeArticle(dir, name, fm, body) {
  const lines = ['---', ...Object.entries(fm).map(([k, v]) => `${k}: ${v}`), '---', body];
  fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
}

/** "YYYY-MM-DD HH:MM" for a time, in a time zone. */
export function zonedParts(ms, timeZone) {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  const o = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { date: `${o.year}-${o.month}-${o.day}`, time: `${o.hour}:${o.minute}`, second: +o.second };
}

// ---------------------------------------------------------------- browser

const dialogs = [];
function takeDialogs() { return dialogs.splice(0); }

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Debian's Chromium, headless.  Playwright gives each launch a fresh,
 *  temporary user data folder (under $TMPDIR, removed at close), and every
 *  newContext() is a separate profile with its own cookies. */
export async function launchBrowser(userDataRoot) {
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  fs.mkdirSync(userDataRoot, { recursive: true });
  process.env.TMPDIR = userDataRoot; // the fresh profile folder goes here
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

let ipCounter = 10;
/** A new browser context (its own cookies) that looks like a distinct
 *  reader to the server (its own X-Forwarded-For address).  Any dialog
 *  (alert/confirm/prompt) fails the running test. */
export async function newContext(browser, opts = {}) {
  const ip = opts.ip || `203.0.113.${ipCounter++ % 250}`;
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    extraHTTPHeaders: { 'X-Forwarded-For': ip },
    // The site's Content-Security-Policy forbids every script; the tests
    // inject axe-core and their own probes, and the hostile-comment test
    // must prove the markup itself is inert (CSP is the second wall, checked
    // by the request tests), so the browser here ignores the policy.
    bypassCSP: true,
    ...opts.context,
  });
  ctx.setDefaultTimeout(15_000);
  ctx.setDefaultNavigationTimeout(20_000);
  const watch = (page) => {
    page.on('dialog', async (d) => {
      dialogs.push(`${d.type()}("${d.message()}") on ${page.url()}`);
      await d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => dialogs.push(`script error on ${page.url()}: ${e.message}`));
  };
  ctx.on('page', watch);
  ctx.ip = ip;
  return ctx;
}

/** Clicks/presses something that submits a form, and returns the main
 *  document's response to it (as served, before any redirect is followed
 *  the final one is returned). */
export async function submitAndWait(page, action) {
  const [resp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    action(),
  ]);
  return resp;
}

/** The vertical position of an element's box (throws if not visible). */
export async function topOf(locator, what) {
  await locator.first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => {
    throw new CheckError(`${what} is not visible`);
  });
  const box = await locator.first().boundingBox();
  ok(box && box.width > 0 && box.height > 0, `${what} has a size`, box);
  return box.y;
}

/** Fails if the page scrolls sideways. */
export async function noSidewaysScroll(page, what) {
  const m = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth,
    iw: window.innerWidth,
    culprits: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')),
  }));
  ok(m.sw <= m.iw, `${what}: no sideways scrolling at ${m.iw} px (scrollWidth ${m.sw})`, m.culprits.join(', '));
}

/** Saves a screenshot under ARTIFACTS/screenshots. */
export async function shot(page, name) {
  const dir = path.join(ARTIFACTS, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, name + '.png'), fullPage: true });
}

/** A small valid PNG (w x h, one colour), built here: no image file shipped. */
export function makePng(w = 64, h = 40, rgb = [26, 95, 180]) {
  const zlib = require('node:zlib');
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const row = Buffer.alloc(1 + w * 3);
  for (let x = 0; x < w; x++) { row[1 + x * 3] = rgb[0]; row[2 + x * 3] = rgb[1]; row[3 + x * 3] = rgb[2]; }
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}
