// media-picker.js: choosing images from the media library in place, on the
// desk's article editor.  Without this script the same buttons post the
// whole editor form to /admin/media/pick and back (admin_media.c), so
// nothing here is needed to choose an image; it only saves the round trip.
//
// What it reads (admin_featured.mustache, admin_insert_image.mustache,
// admin_media_tiles.mustache):
//   button[data-media-pick=featured|body]  opens the picker
//   [data-media-target=ID]                 the textarea an image goes into
//   #featured_media, #featured_alt         the featured image's id and alt
//   [data-media-preview], [data-media-none], [data-media-remove]
//   li[data-media-id] with data-media-url, -thumb, -width, -height, -alt,
//     -name, -markdown: one image of GET /admin/media/pick?for=...
// The body's image goes in at the cursor, as its own paragraph; an "input"
// event tells other desk scripts (word count, autosave) the text changed.
//
// Opened in a window of its own by another desk script (desk.js's Image
// button opens the editor form's data-media-picker address), the GET picker
// page answers its opener with a message {bylinePick: {url, alt}} from this
// origin and closes.
'use strict';
(function () {
  const grid = document.querySelector('[data-media-grid]');
  if (grid && !document.querySelector('form.media-picker') && window.opener) {
    grid.addEventListener('click', (ev) => {
      const b = ev.target.closest('[data-media-choose]');
      const tile = b && b.closest('[data-media-id]');
      if (!tile) return;
      window.opener.postMessage({ bylinePick: { id: tile.dataset.mediaId, url: tile.dataset.mediaUrl,
        alt: tile.dataset.mediaAlt || '' } }, location.origin);
      window.close();
    });
  }
  const picks = document.querySelectorAll('button[data-media-pick]');
  if (!picks.length || typeof HTMLDialogElement !== 'function') return;

  let dialog = null;
  let mode = 'featured';
  let target = null; // the textarea, in body mode
  let selStart = 0;
  let selEnd = 0;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }

  function build() {
    dialog = el('dialog', { class: 'media-dialog', 'aria-labelledby': 'media-dialog-title' });
    const head = el('div', { class: 'media-dialog-head' });
    head.append(el('h2', { id: 'media-dialog-title' }, ''));
    const close = el('button', { type: 'button', class: 'button-link', 'data-media-close': '' }, 'Close');
    close.addEventListener('click', () => dialog.close());
    head.append(close);
    const search = el('form', { class: 'media-search', role: 'search' });
    const label = el('label', { for: 'media-dialog-q' }, 'Search the library');
    const input = el('input', { id: 'media-dialog-q', type: 'search', maxlength: '200' });
    const go = el('button', { type: 'submit', class: 'button-secondary' }, 'Search');
    search.append(label, input, go);
    search.addEventListener('submit', (ev) => { ev.preventDefault(); load(input.value, 1); });
    const body = el('div', { class: 'media-dialog-body', 'aria-live': 'polite' });
    dialog.append(head, search, body);
    document.body.append(dialog);
  }

  async function load(q, page) {
    const body = dialog.querySelector('.media-dialog-body');
    const url = '/admin/media/pick?for=' + mode + (q ? '&q=' + encodeURIComponent(q) : '') +
      (page > 1 ? '&page=' + page : '');
    body.textContent = 'Loading…';
    let html;
    try {
      const r = await fetch(url, { credentials: 'same-origin' });
      if (!r.ok) throw new Error(r.status);
      html = await r.text();
    } catch (e) {
      body.textContent = 'The library could not be loaded. Close this and use the button again ' +
        'to choose without the script.';
      return;
    }
    const doc = new DOMParser().parseFromString(html, 'text/html');
    body.textContent = '';
    const grid = doc.querySelector('[data-media-grid]');
    if (grid) body.append(document.importNode(grid, true));
    else body.append(el('p', { class: 'empty' }, q ? 'No image matches “' + q + '”.' : 'The library is empty.'));
    const nav = doc.querySelector('.pagination');
    if (nav) {
      const mine = document.importNode(nav, true);
      for (const a of mine.querySelectorAll('a[data-media-page]')) {
        a.addEventListener('click', (ev) => { ev.preventDefault(); load(q, Number(a.dataset.mediaPage)); });
      }
      body.append(mine);
    }
    for (const b of body.querySelectorAll('[data-media-choose]')) {
      b.addEventListener('click', () => choose(b.closest('[data-media-id]')));
    }
  }

  function chooseFeatured(tile) {
    const d = tile.dataset;
    const field = document.getElementById('featured_media');
    if (!field) return;
    field.value = d.mediaId;
    const box = field.closest('[data-media-featured]');
    let fig = box.querySelector('[data-media-preview]');
    if (!fig) {
      fig = el('figure', { class: 'featured-choice', 'data-media-preview': '' });
      fig.append(el('img', { alt: '', class: 'thumb' }), el('figcaption'));
      field.after(fig);
    }
    const img = fig.querySelector('img');
    img.src = d.mediaThumb;
    img.width = Number(d.mediaWidth);
    img.height = Number(d.mediaHeight);
    fig.querySelector('figcaption').textContent = d.mediaName;
    fig.hidden = false;
    const none = box.querySelector('[data-media-none]');
    if (none) none.hidden = true;
    const alt = document.getElementById('featured_alt');
    if (alt && !alt.value.trim() && d.mediaAlt) alt.value = d.mediaAlt;
    const file = document.getElementById('featured_file');
    if (file) file.value = '';
    showRemove(box);
  }

  function insertBody(tile) {
    const t = target;
    const md = tile.dataset.mediaMarkdown;
    const before = t.value.slice(0, selStart);
    const after = t.value.slice(selEnd);
    // Its own paragraph: a blank line before and after, unless at an edge.
    const pre = before === '' ? '' : before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
    const post = after === '' ? '\n' : after.startsWith('\n\n') ? '' : after.startsWith('\n') ? '\n' : '\n\n';
    t.value = before + pre + md + post + after;
    const at = (before + pre + md + post).length;
    t.focus();
    t.setSelectionRange(at, at);
    t.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function choose(tile) {
    if (!tile) return;
    if (mode === 'featured') chooseFeatured(tile);
    else insertBody(tile);
    dialog.close();
  }

  function showRemove(box) {
    if (box.querySelector('[data-media-remove]')) return;
    const b = el('button', { type: 'button', class: 'button-link', 'data-media-remove': '' }, 'Remove');
    box.querySelector('.featured-buttons').append(b);
    wireRemove(b);
  }

  function wireRemove(b) {
    b.addEventListener('click', (ev) => {
      ev.preventDefault();
      const box = b.closest('[data-media-featured]');
      document.getElementById('featured_media').value = '';
      const fig = box.querySelector('[data-media-preview]');
      if (fig) fig.hidden = true;
      let none = box.querySelector('[data-media-none]');
      if (!none) {
        none = el('p', { class: 'featured-none', 'data-media-none': '' }, 'No featured image yet.');
        box.querySelector('.featured-buttons').before(none);
      }
      none.hidden = false;
      b.remove();
    });
  }

  for (const b of document.querySelectorAll('[data-media-featured] [data-media-remove]')) wireRemove(b);

  for (const b of picks) {
    b.addEventListener('click', (ev) => {
      ev.preventDefault();
      mode = b.dataset.mediaPick === 'body' ? 'body' : 'featured';
      target = document.getElementById(b.dataset.mediaTarget || 'body');
      if (mode === 'body') {
        if (!target) return;
        selStart = target.selectionStart;
        selEnd = target.selectionEnd;
      }
      if (!dialog) build();
      dialog.querySelector('h2').textContent =
        mode === 'body' ? 'Insert an image into the body' : 'Choose the featured image';
      dialog.querySelector('input[type=search]').value = '';
      dialog.showModal();
      load('', 1);
    });
  }
})();
