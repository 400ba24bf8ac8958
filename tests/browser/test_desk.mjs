// The editor's journeys, part one: accounts, signing in, writing an
// article with a featured image and tags, previewing and scheduling it,
// and a contributor who cannot publish.  Part two (the scheduled article
// appears; search and feed find it) is in test_published.mjs, run late so
// the wait for the scheduled minute overlaps the other tests.
import * as L from './lib.mjs';
import { S, session, signIn, keepHtml, setPasswordFallback } from './state.mjs';

L.test('desk: a new account sets its password from the one-time link in the browser', async () => {
  const failures = [];
  for (const role of ['editor', 'contributor', 'administrator']) {
    const acc = S.accounts[role];
    const ctx = await L.newContext(S.browser);
    const page = await ctx.newPage();
    try {
      const first = await page.goto(S.srv.url(acc.link));
      keepHtml('admin-password', await first.text());
      L.eq(await page.locator('h1').innerText(), 'Set your password', 'the link opens the password form');
      await page.fill('#password', acc.password);
      await page.fill('#password2', acc.password);
      const resp = await L.submitAndWait(page, () => page.click('form.stacked-form button[type=submit]'));
      const url = new URL(page.url());
      if (url.pathname !== '/admin/login') {
        const req = resp.request();
        const origin = (await req.headerValue('origin')) || '(none)';
        failures.push(`${role}: setting the password answered ${resp.status()} at ${url.pathname} ` +
          `(the browser sent Origin: ${origin}): ` + (await page.locator('main').innerText()).replace(/\s+/g, ' ').slice(0, 200));
        continue;
      }
      acc.passwordSet = true;
      L.ok((await page.locator('.notice').innerText()).includes('Your password is set'), 'the sign-in page says the password is set');
      await signIn(page, acc);
    } finally {
      await ctx.close();
    }
  }
  if (failures.length) {
    // Let the other journeys go on: set the passwords without a browser.
    for (const role of Object.keys(S.accounts)) await setPasswordFallback(role).catch(() => {});
    throw new L.CheckError(failures.join('\n  '));
  }
});

L.test('desk: a wrong password is refused with an announced message', async () => {
  const ctx = await L.newContext(S.browser);
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/admin/login'));
  keepHtml('admin-login', await (await ctx.request.get(S.srv.url('/admin/login'))).text());
  await page.fill('#email', S.accounts.editor.email);
  await page.fill('#password', 'not the password at all');
  const resp = await L.submitAndWait(page, () => page.click('form.stacked-form button[type=submit]'));
  L.eq(resp.status(), 422, 'a wrong password answers 422');
  keepHtml('admin-login-error', await resp.text());
  L.ok(await page.locator('#login-error[role=alert]').isVisible(), 'the message is shown as an alert');
  L.eq(await page.inputValue('#email'), S.accounts.editor.email, 'the email typed is kept');
  L.ok((await page.getAttribute('#email', 'aria-describedby') || '').includes('login-error'), 'the email field points to the message');
  await ctx.close();
});

L.test('desk: the editor writes, previews and schedules an article with a featured image and tags', async () => {
  const ctx = await session('editor');
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/admin/articles/new'));
  const word = 'zephyrquill' + Date.now().toString(36);
  const headline = `Harbor pilots rehearse a night docking in fog (${word})`;
  await page.fill('#headline', headline);
  await page.fill('#dek', 'Three pilots, one tug and a container ship that never came: the drill, minute by minute.');
  await page.fill('#body', `The drill began at **11 p.m.** sharp.\n\n> “Fog is the one thing radar cannot argue with,” said the harbormaster.\n\nSearch word: ${word}.\n`);
  await page.selectOption('#section', { label: 'City' });
  await page.fill('#tags', 'Harbor Pilots, Night Shift');

  // Preview (action=preview): shown above the form, nothing saved.
  const pv = await L.submitAndWait(page, () => page.click('button[name=action][value=preview]'));
  L.eq(pv.status(), 200, 'the preview answers 200');
  keepHtml('admin-editor-preview', await pv.text());
  const preview = page.locator('section.preview');
  L.ok(await preview.isVisible(), 'the preview is shown');
  L.eq(await preview.locator('.headline').innerText(), headline, 'the preview shows the headline');
  L.eq(await preview.locator('.article-body strong').innerText(), '11 p.m.', 'the preview renders the Markdown');
  L.ok(await preview.locator('.article-body blockquote').isVisible(), 'quotations stay quotations in the preview');
  L.eq(await page.inputValue('#headline'), headline, 'the form keeps the headline after the preview');
  L.eq(await page.inputValue('#tags'), 'Harbor Pilots, Night Shift', 'the form keeps the tags after the preview');
  L.ok(page.url().endsWith('/admin/articles/new'), 'the preview saved nothing (still the new-article form)', page.url());

  // The featured image: a small PNG made here.
  await page.setInputFiles('#featured_file', { name: 'pilots.png', mimeType: 'image/png', buffer: L.makePng(64, 40) });
  await page.fill('#featured_alt', 'A pilot boat alongside a container ship at night');

  // Scheduled for the next whole minute at least 15 s away, in the site's zone.
  const label = await page.locator('label[for=publish_date]').innerText();
  L.ok(label.includes(S.tz), `the date field names the site's time zone (${S.tz})`, label);
  let due = Math.ceil((Date.now() + 15_000) / 60_000) * 60_000;
  const at = L.zonedParts(due, S.tz);
  const choices = await page.locator('#status option').allInnerTexts();
  L.ok(choices.includes('Scheduled') && choices.includes('Published'), 'an editor may schedule and publish', choices);
  await page.selectOption('#status', { label: 'Scheduled' });
  await page.fill('#publish_date', at.date);
  await page.fill('#publish_time', at.time);
  const saved = await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
  L.ok(saved.status() === 200, 'saving answers 200 with the editor again', saved.status() + ': ' +
    (await page.locator('.form-message, .field-error').allInnerTexts()).join(' | '));
  L.ok(/\/admin\/articles\/\d+\/$/.test(new URL(page.url()).pathname), 'saving goes to the article\'s own editor', page.url());
  const notice = page.locator('.notice');
  L.ok(await notice.isVisible(), 'a notice says what happened');
  L.ok(/schedul/i.test(await notice.innerText()), 'the notice says the article is scheduled', await notice.innerText());
  L.eq(await page.locator('#status option:checked').innerText(), 'Scheduled', 'the status is Scheduled');
  L.eq(await page.inputValue('#publish_date'), at.date, 'the date is kept');
  L.eq(await page.inputValue('#publish_time'), at.time, 'the time is kept');
  const img = page.locator('fieldset img.thumb');
  L.ok(await img.isVisible(), 'the featured image is shown in the editor');
  L.ok(await img.evaluate((i) => i.complete && i.naturalWidth === 64), 'the uploaded PNG loads, 64 px wide');
  S.scheduled = { headline, word, due, editUrl: new URL(page.url()).pathname };
  keepHtml('admin-editor-existing', await (await ctx.request.get(page.url())).text());

  // Not public before its time.
  const anon = await L.newContext(S.browser);
  const ap = await anon.newPage();
  await ap.goto(S.srv.url('/'));
  L.ok(!(await ap.content()).includes(word), 'the scheduled article is not on the home page before its time');
  await anon.close();
  await page.close();
});

L.test('desk: an article with a missing headline shows the error beside the field, announced', async () => {
  const ctx = await session('editor');
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/admin/articles/new'));
  await page.fill('#body', 'A body without a headline.');
  // The browser's own check (required) would stop the form: a browser
  // that does not check must still get the server's message.
  await page.locator('#headline').evaluate((e) => e.removeAttribute('required'));
  const resp = await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
  L.eq(resp.status(), 422, 'a missing headline answers 422');
  keepHtml('admin-editor-errors', await resp.text());
  L.eq(await page.getAttribute('#headline', 'aria-invalid'), 'true', 'the headline is marked invalid');
  L.eq(await page.getAttribute('#headline', 'aria-describedby'), 'headline-error', 'the headline points to its message');
  L.ok(await page.locator('#headline-error').isVisible(), 'the message is shown beside the field');
  L.eq(await page.inputValue('#body'), 'A body without a headline.', 'the body typed is kept');
  L.ok(await page.locator('.form-message[role=alert]').isVisible(), 'a summary is announced (role=alert)');
  await page.close();
});

L.test('desk: a contributor cannot publish, even by forcing the status in the page', async () => {
  const ctx = await session('contributor');
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/admin/articles/new'));
  const values = await page.locator('#status option').evaluateAll((os) => os.map((o) => o.value));
  L.ok(!values.includes('published') && !values.includes('scheduled'), 'a contributor\'s status choices lack Published and Scheduled', values);
  L.ok(values.includes('pending'), 'a contributor may submit for review', values);
  const headline = 'Contributor note: the old net loft is for sale ' + Date.now().toString(36);
  await page.fill('#headline', headline);
  await page.fill('#body', 'The loft on Wharf Row has been listed at $1.2 million.');
  // Force status=published through the DOM.
  await page.locator('#status').evaluate((sel) => {
    const o = document.createElement('option');
    o.value = 'published'; o.textContent = 'Published'; sel.append(o); sel.value = 'published';
  });
  await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
  L.eq(await page.inputValue('#status'), 'pending', 'the forced status comes back as Pending review');
  if (await page.locator('#status-error').count()) {
    L.eq(await page.getAttribute('#status', 'aria-invalid'), 'true', 'the status field is marked invalid');
  }
  // Send it (as pending, now the only choice besides draft).
  if (!/\/admin\/articles\/\d+\/$/.test(new URL(page.url()).pathname)) {
    await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
  }
  L.ok(/\/admin\/articles\/\d+\/$/.test(new URL(page.url()).pathname), 'the article is saved', page.url());
  L.eq(await page.inputValue('#status'), 'pending', 'the article is pending review');
  await page.goto(S.srv.url('/admin/articles/?q=' + encodeURIComponent('net loft')));
  const row = page.locator('table.list tr', { hasText: headline });
  L.eq(await row.locator('td').nth(1).innerText(), 'Pending review', 'the articles list says Pending review');
  const anon = await fetch(S.srv.url('/search/?q=' + encodeURIComponent('net loft')));
  L.ok(!(await anon.text()).includes(headline), 'the public search does not find it');
  const home = await fetch(S.srv.url('/'));
  L.ok(!(await home.text()).includes(headline), 'the home page does not show it');
  await page.close();
});
