// The media library in a browser (issue 13): several files uploaded at
// once, the grid at desktop and phone widths (screenshots, no sideways
// scroll, axe), and choosing images from the article editor: with
// JavaScript in place (a dialog; the body's image at the cursor), and
// without it through the picker page, nothing typed lost either way.
import * as L from './lib.mjs';
import { S, session, keepHtml } from './state.mjs';

async function axe(page, what) {
  await page.addScriptTag({ path: L.require.resolve('axe-core/axe.min.js') });
  const r = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  })).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`));
  L.ok(r.length === 0, `${what}: no axe violations`, r.join('\n'));
}

L.test('media: several images uploaded at once; the library is a grid at 1280 and 390 px', async () => {
  const ctx = await session('editor');
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/admin/media/'));
  const colours = [[200, 80, 40], [40, 120, 200], [60, 160, 90], [230, 190, 60], [120, 60, 160]];
  await page.setInputFiles('#file', colours.map((c, i) => ({
    name: `harbour-${i + 1}.png`, mimeType: 'image/png', buffer: L.makePng(320 + 40 * i, 200, c),
  })));
  await L.submitAndWait(page, () => page.click('form.media-upload button[type=submit]'));
  L.ok(new URL(page.url()).pathname === '/admin/media/', 'several files: back to the library', page.url());
  L.ok((await page.locator('.notice').innerText()).includes('Uploaded'), 'the library says they are uploaded');
  const tiles = page.locator('.media-grid .media-tile');
  L.ok(await tiles.count() >= 5, 'the grid shows the uploads', await tiles.count());
  L.ok((await tiles.first().innerText()).includes('harbour-5.png'), 'a tile names the file uploaded');
  // Describe one, so the grid shows a caption and credit as a newsroom's would.
  await tiles.first().locator('.media-name a').click();
  await page.fill('#alt', 'Cranes on the container quay at dusk');
  await page.fill('#caption', 'The container quay, seen from the ferry.');
  await page.fill('#credit', 'Mara Quill/Ledger');
  await L.submitAndWait(page, () => page.click('form.media-fields button[type=submit]'));
  L.ok((await page.locator('.notice').innerText()).includes('saved'), 'the details are saved');
  keepHtml('admin-media-item', await (await ctx.request.get(page.url())).text());
  await L.shot(page, 'admin-media-item-1280');
  await page.setViewportSize({ width: 390, height: 900 });
  await L.noSidewaysScroll(page, "an image's screen at 390 px");
  await L.shot(page, 'admin-media-item-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(S.srv.url('/admin/media/'));
  keepHtml('admin-media', await (await ctx.request.get(page.url())).text());
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await L.noSidewaysScroll(page, `the library at ${width} px`);
    const cols = await page.evaluate(() => getComputedStyle(document.querySelector('.media-grid')).gridTemplateColumns.split(' ').length);
    L.ok(width === 1280 ? cols >= 5 : cols === 2, `the grid has ${width === 1280 ? '5 or more columns' : '2 columns'} at ${width} px`, cols);
    await L.shot(page, `admin-media-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await axe(page, 'the library');
  await page.close();
});

L.test('media: with JavaScript the editor chooses the featured image and inserts one at the cursor, in place', async () => {
  const ctx = await session('editor');
  const page = await ctx.newPage();
  await page.goto(S.srv.url('/admin/articles/new'));
  await page.fill('#headline', 'Cranes return to the container quay');
  await page.fill('#body', 'First paragraph.\n\nSecond paragraph.');
  // The cursor after the first paragraph.
  await page.evaluate(() => { const t = document.getElementById('body'); t.focus(); t.setSelectionRange(16, 16); });
  await page.click('button[data-media-pick=body]');
  const dialog = page.locator('dialog.media-dialog');
  await dialog.locator('.media-tile').first().waitFor();
  L.ok(await dialog.isVisible(), 'a dialog shows the library');
  await L.shot(page, 'admin-media-dialog');
  await dialog.locator('#media-dialog-q').fill('Cranes on the container');
  await dialog.locator('button[type=submit]').click();
  await L.until(async () => (await dialog.locator('.media-tile').count()) === 1, 5000, 'the dialog searches');
  await dialog.locator('.media-tile [data-media-choose]').first().click();
  L.ok(!(await dialog.isVisible()), 'choosing closes the dialog');
  const body = await page.inputValue('#body');
  L.ok(/^First paragraph\.\n\n!\[Cranes on the container quay at dusk\]\(\/media\/[0-9a-f]{64}\.png\)\n\nSecond paragraph\.$/.test(body),
    'the image is inserted at the cursor as its own paragraph', body);
  L.ok(page.url().endsWith('/admin/articles/new'), 'no page was loaded to choose it', page.url());

  await page.click('button[data-media-pick=featured]');
  await dialog.locator('.media-tile').first().waitFor();
  const tile = dialog.locator('.media-tile').filter({ hasText: 'Cranes on the container quay' }).first();
  const id = await tile.getAttribute('data-media-id');
  await tile.locator('[data-media-choose]').click();
  L.eq(await page.inputValue('#featured_media'), id, 'the chosen image goes into the form');
  L.ok(await page.locator('[data-media-preview] img').isVisible(), 'its thumbnail is shown');
  L.eq(await page.inputValue('#featured_alt'), 'Cranes on the container quay at dusk', 'its alt text is offered');
  await L.shot(page, 'admin-editor-featured-js');
  // Another desk script (desk.js's Image button) opens the form's
  // data-media-picker address in a window; the choice comes back as a message.
  const pickerUrl = await page.getAttribute('form#editor, form.editor', 'data-media-picker');
  L.ok(pickerUrl && pickerUrl.startsWith('/admin/media/pick'), 'the editor form names the picker', pickerUrl);
  await page.evaluate(() => {
    window.__picked = null;
    window.addEventListener('message', (ev) => { if (ev.data && ev.data.bylinePick) window.__picked = ev.data.bylinePick; });
  });
  const [popup] = await Promise.all([ctx.waitForEvent('page'), page.evaluate((u) => { window.open(u, 'byline-media-picker'); }, pickerUrl)]);
  await popup.waitForLoadState('load');
  await popup.locator('.media-tile [data-media-choose]').first().click();
  const picked = await L.until(() => page.evaluate(() => window.__picked), 5000, 'the opener gets the choice');
  L.ok(/^\/media\/[0-9a-f]{64}/.test(picked.url), 'the picker window posts the image\'s address back', picked);
  L.ok(popup.isClosed(), 'and closes');
  const resp = await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
  L.eq(resp.status(), 200, 'saved');
  L.ok(/\/admin\/articles\/\d+\/$/.test(new URL(page.url()).pathname), 'at the saved article', page.url());
  L.eq(await page.inputValue('#featured_media'), id, 'the featured image is saved');
  L.ok((await page.inputValue('#body')).includes('![Cranes on the container quay at dusk](/media/'), 'the body is saved with the image');
  await page.close();
});

L.test('media: without JavaScript the picker page chooses and inserts, keeping what was typed', async () => {
  const ctx = await L.newContext(S.browser, { context: { javaScriptEnabled: false } });
  const page = await ctx.newPage();
  const acc = S.accounts.editor;
  await page.goto(S.srv.url('/admin/login'));
  await page.fill('#email', acc.email);
  await page.fill('#password', acc.password);
  await L.submitAndWait(page, () => page.click('form.stacked-form button[type=submit]'));
  await page.goto(S.srv.url('/admin/articles/new'));
  await page.fill('#headline', 'Ferry timetable changes for winter');
  await page.fill('#dek', 'Fewer crossings from November & a later last boat');
  await page.fill('#body', 'Typed before choosing.');
  await page.fill('#tags', 'Ferries, Winter');
  await L.submitAndWait(page, () => page.click('button[data-media-pick=featured]'));
  L.ok(new URL(page.url()).pathname === '/admin/media/pick', 'the picker is a page of its own', page.url());
  L.eq(await page.locator('h1').innerText(), 'Choose the featured image', 'it says what it is for');
  await L.shot(page, 'admin-media-pick-nojs');
  keepHtml('admin-media-pick', await page.content());
  await L.submitAndWait(page, () => page.locator('.media-tile').filter({ hasText: 'Cranes on the container quay' })
    .first().locator('button[name=featured_media]').click());
  L.ok(page.url().endsWith('/admin/articles/new'), 'back at the editor', page.url());
  L.eq(await page.inputValue('#headline'), 'Ferry timetable changes for winter', 'the headline is kept');
  L.eq(await page.inputValue('#dek'), 'Fewer crossings from November & a later last boat', 'the standfirst is kept');
  L.eq(await page.inputValue('#tags'), 'Ferries, Winter', 'the tags are kept');
  L.ok(/^\d+$/.test(await page.inputValue('#featured_media')), 'the chosen image is in the form');
  L.ok(await page.locator('[data-media-preview] img').isVisible(), 'and shown');
  L.eq(await page.inputValue('#featured_alt'), 'Cranes on the container quay at dusk', 'its alt text is offered');

  await L.submitAndWait(page, () => page.click('button[data-media-pick=body]'));
  L.eq(await page.locator('h1').innerText(), 'Insert an image into the body', 'the body picker');
  const md = await page.locator('.media-tile .copy-field').first().inputValue();
  L.ok(/^!\[.*\]\(\/media\/[0-9a-f]{64}\.png\)$/.test(md), 'each image offers its Markdown to copy', md);
  await L.submitAndWait(page, () => page.locator('.media-tile button[name=insert_media]').first().click());
  L.eq(await page.inputValue('#body'), 'Typed before choosing.\n\n' + md + '\n', 'the Markdown is appended to the body');
  L.eq(await page.inputValue('#headline'), 'Ferry timetable changes for winter', 'the headline is still kept');
  const resp = await L.submitAndWait(page, () => page.click('button[name=action][value=save]'));
  L.eq(resp.status(), 200, 'saved');
  L.ok(/\/admin\/articles\/\d+\/$/.test(new URL(page.url()).pathname), 'at the saved article', page.url());
  L.ok(/^\d+$/.test(await page.inputValue('#featured_media')), 'the featured image is saved');
  await ctx.close();
});
