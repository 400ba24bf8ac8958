// desk.js: the article editor's enhancements, for the desk only (public
// pages load no script; the desk's CSP is script-src 'self').  Without
// this file the editor is a plain form and everything still works; with
// it, the body gets a Markdown toolbar and shortcuts (Ctrl/Cmd+B, I, K,
// S), a word count and reading time, a live preview in the site's own
// article template (POST /admin/articles/preview, shown in a sandboxed
// frame), and an autosave every few seconds and on leaving the page
// (POST /admin/autosave).  When the session has ended, an autosave is
// refused (403): a sign-in prompt appears, the text stays in the page, and
// once signed in again (here or in another tab) the new session's token is
// fetched (GET /admin/csrf) and the autosave sent again.
(function () {
  'use strict';
  var form = document.getElementById('editor');
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var body = document.getElementById('body');
  var state = document.getElementById('editor-state');
  var articleId = form.getAttribute('data-article-id') || '0';
  // A static page's editor (admin_page_editor.mustache) names its own
  // preview address; its autosave sends page_id and the title instead.
  var pageId = form.getAttribute('data-page-id');
  var isPage = pageId !== null;
  var previewUrl = form.getAttribute('data-preview') || '/admin/articles/preview';
  var AUTOSAVE_EVERY = 5000;  // ms between autosaves while typing
  var PREVIEW_AFTER = 700;    // ms of quiet before the preview is redrawn
  var WORDS_A_MINUTE = 230;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }
  function say(text, isError) {
    if (!state) return;
    state.textContent = text;
    state.classList.toggle('is-error', !!isError);
  }
  function csrf() { var i = form.querySelector('input[name=csrf]'); return i ? i.value : ''; }
  function value(name) { var f = form.elements[name]; return f && f.value != null ? f.value : ''; }

  // ---- editing the body's text ----

  // Replaces the selection with text (undo keeps working where the
  // browser supports insertText) and selects [selStart, selEnd) of it.
  function replaceSelection(text, selStart, selEnd) {
    var start = body.selectionStart;
    body.focus();
    var done = false;
    try { done = document.execCommand('insertText', false, text); } catch (e) { done = false; }
    if (!done || body.value.substr(start, text.length) !== text) {
      body.setRangeText(text, start, body.selectionEnd, 'end');
      body.dispatchEvent(new Event('input', { bubbles: true }));
    }
    body.setSelectionRange(start + (selStart == null ? text.length : selStart),
                           start + (selEnd == null ? text.length : selEnd));
  }

  // **x**, *x*: wraps the selection, or unwraps it when already wrapped.
  function wrap(mark, placeholder) {
    var s = body.selectionStart, e = body.selectionEnd, v = body.value;
    var sel = v.slice(s, e);
    if (v.slice(s - mark.length, s) === mark && v.slice(e, e + mark.length) === mark &&
        !(mark === '*' && v.slice(s - 2, s) === '**')) {
      body.setSelectionRange(s - mark.length, e + mark.length);
      replaceSelection(sel, 0, sel.length);
      return;
    }
    var inner = sel || placeholder;
    replaceSelection(mark + inner + mark, mark.length, mark.length + inner.length);
  }

  // Prefixes each line of the selection ("## ", "> ", "- "); removes the
  // prefix when every line has it already.
  function prefixLines(prefix) {
    var v = body.value;
    var s = v.lastIndexOf('\n', body.selectionStart - 1) + 1;
    var e = v.indexOf('\n', body.selectionEnd);
    if (e < 0) e = v.length;
    var lines = v.slice(s, e).split('\n');
    var all = lines.every(function (l) { return l.indexOf(prefix) === 0; });
    var out = lines.map(function (l) {
      if (all) return l.slice(prefix.length);
      if (prefix === '## ') l = l.replace(/^#{1,6} /, '');
      return prefix + l;
    }).join('\n');
    body.setSelectionRange(s, e);
    replaceSelection(out, 0, out.length);
  }

  function link() {
    var sel = body.value.slice(body.selectionStart, body.selectionEnd) || 'link text';
    var text = '[' + sel + '](https://)';
    // The address is selected, ready to be typed or pasted over.
    replaceSelection(text, sel.length + 3, text.length - 1);
  }

  function insertImage(url, alt) {
    var text = '![' + (alt || '').replace(/[\[\]]/g, '') + '](' + url + ')';
    var v = body.value, s = body.selectionStart;
    var before = s > 0 && v[s - 1] !== '\n' ? '\n\n' : '';
    replaceSelection(before + text + '\n', null, null);
  }

  // The image button: the media library's picker when the page names one
  // (data-media-picker, answered by a message {bylinePick: {url, alt}}),
  // else the address and the alt text asked for here.
  function image() {
    var picker = form.getAttribute('data-media-picker');
    if (picker) {
      var w = window.open(picker, 'byline-media-picker', 'width=900,height=700');
      if (w) return;
    }
    var url = window.prompt('Image address (from the media library, e.g. /media/…):', '/media/');
    if (!url || url === '/media/') return;
    var alt = window.prompt('Describe the image for readers who cannot see it (alt text):', '');
    if (alt == null) return;
    insertImage(url.trim(), alt.trim());
  }
  window.addEventListener('message', function (ev) {
    if (ev.origin !== location.origin || !ev.data || !ev.data.bylinePick) return;
    var pick = ev.data.bylinePick;
    if (typeof pick.url === 'string' && /^\/media\//.test(pick.url))
      insertImage(pick.url, typeof pick.alt === 'string' ? pick.alt : '');
  });

  var actions = {
    bold: function () { wrap('**', 'bold text'); },
    italic: function () { wrap('*', 'italic text'); },
    link: link,
    heading: function () { prefixLines('## '); },
    quote: function () { prefixLines('> '); },
    list: function () { prefixLines('- '); },
    image: image,
  };

  // ---- the toolbar, the counts, the shortcuts ----

  var bodyField = document.getElementById('body-field');
  var bar = el('div', { 'class': 'md-toolbar', role: 'toolbar', 'aria-label': 'Format the body',
                        'aria-controls': 'body' });
  // Visible words (the accessible name is the label seen); the shortcut in
  // the tooltip and aria-keyshortcuts.
  [['bold', 'Bold', 'Bold (Ctrl+B)', 'Control+B'], ['italic', 'Italic', 'Italic (Ctrl+I)', 'Control+I'],
   ['link', 'Link', 'Link (Ctrl+K)', 'Control+K'], ['heading', 'Heading', 'Heading (##)'],
   ['quote', 'Quote', 'Quote (>)'], ['list', 'List', 'Bulleted list (-)'],
   ['image', 'Image', 'Insert an image']].forEach(function (b) {
    var attrs = { type: 'button', 'data-md': b[0], title: b[2] };
    if (b[3]) attrs['aria-keyshortcuts'] = b[3];
    var btn = el('button', attrs, b[1]);
    btn.addEventListener('click', function () { actions[b[0]](); });
    bar.appendChild(btn);
  });
  bar.appendChild(el('span', { 'class': 'md-sep' }));
  var previewBtn = el('button', { type: 'button', 'aria-pressed': 'false', id: 'live-preview-toggle' },
                      'Live preview');
  bar.appendChild(previewBtn);
  body.parentNode.insertBefore(bar, body);
  bodyField.classList.add('has-toolbar');
  var stats = el('p', { 'class': 'body-stats', id: 'body-stats' });
  bodyField.appendChild(stats);

  function countWords(text) {
    var m = text.replace(/!\[[^\]]*\]\([^)]*\)/g, ' ').replace(/\]\([^)]*\)/g, ' ')
                .match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu);
    return m ? m.length : 0;
  }
  function updateStats() {
    var n = countWords(body.value);
    var minutes = Math.max(1, Math.round(n / WORDS_A_MINUTE));
    stats.textContent = n.toLocaleString() + (n === 1 ? ' word' : ' words') +
                        ' · ' + (n ? minutes + ' min read' : 'nothing to read yet');
  }
  updateStats();

  body.addEventListener('keydown', function (ev) {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) return;
    var k = ev.key.toLowerCase();
    var act = k === 'b' ? 'bold' : k === 'i' ? 'italic' : k === 'k' ? 'link' : null;
    if (act) {
      ev.preventDefault();
      actions[act]();
    }
  });
  form.addEventListener('keydown', function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === 's') {
      ev.preventDefault();
      var save = form.querySelector('button[name=action][value=save]');
      if (save) save.click();
    }
  });

  // ---- the live preview ----

  var main = $('.editor-main');
  var panel = null, frame = null, previewTimer = 0, previewSeq = 0;

  function previewFields() {
    var f = new URLSearchParams();
    f.set('csrf', csrf());
    if (isPage) {
      f.set('page_id', pageId || '0');
      f.set('title', value('title'));
      f.set('body', body.value);
      return f;
    }
    f.set('article_id', articleId);
    f.set('headline', value('headline'));
    f.set('dek', value('dek'));
    f.set('body', body.value);
    f.set('featured_media', value('featured_media'));
    f.set('featured_alt', value('featured_alt'));
    return f;
  }
  function drawPreview(retried) {
    if (!panel) return;
    var seq = ++previewSeq;
    fetch(previewUrl, { method: 'POST', body: previewFields(),
                                       credentials: 'same-origin', redirect: 'manual' })
      .then(function (r) {
        if (r.status === 403 || r.type === 'opaqueredirect') {
          // Signed out, or a stale token (then the next redraw has the new one).
          refreshToken().then(function (ok) {
            if (!ok) signedOut();
            else if (retried !== true) drawPreview(true);  // with the new token
            else say('The preview was refused: you may no longer edit this article.', true);
          });
          return null;
        }
        return r.text();
      })
      .then(function (html) {
        if (html != null && seq === previewSeq && frame) frame.srcdoc = html;
      })
      .catch(function () { say('The preview could not be drawn (no connection?).', true); });
  }
  function schedulePreview() {
    if (!panel) return;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () { drawPreview(false); }, PREVIEW_AFTER);
  }
  previewBtn.addEventListener('click', function () {
    if (panel) {
      panel.remove();
      panel = frame = null;
      main.classList.remove('is-split');
      previewBtn.setAttribute('aria-pressed', 'false');
      return;
    }
    panel = el('section', { 'class': 'live-preview', 'aria-labelledby': 'live-preview-title' });
    panel.appendChild(el('h2', { id: 'live-preview-title' }, 'Live preview: as readers will see it'));
    // No scripts run in the frame (no allow-scripts); same origin so the
    // site's stylesheet and images load as on the site.
    frame = el('iframe', { title: 'Live preview of the article', sandbox: 'allow-same-origin',
                           name: 'live-preview' });
    // Keep the reader's place across redraws; the first time, start at
    // the article rather than the masthead.
    var scrolled = null;
    frame.addEventListener('load', function () {
      var doc = frame && frame.contentDocument;
      if (!doc) return;
      var art = doc.querySelector('article') || doc.querySelector('main');
      // (scrollIntoView would scroll this page too: set the frame's own.)
      if (scrolled == null && art && doc.scrollingElement)
        doc.scrollingElement.scrollTop = art.getBoundingClientRect().top - 8;
      else if (scrolled != null && doc.scrollingElement) doc.scrollingElement.scrollTop = scrolled;
      doc.addEventListener('scroll', function () { scrolled = doc.scrollingElement.scrollTop; });
    });
    panel.appendChild(frame);
    bodyField.parentNode.insertBefore(panel, bodyField.nextSibling);
    main.classList.add('is-split');
    previewBtn.setAttribute('aria-pressed', 'true');
    drawPreview(false);
  });

  // ---- autosave ----

  var dirty = false, saving = false, submitting = false, lastSent = '', prompting = false;

  function autosaveFields() {
    var f = new URLSearchParams();
    f.set('csrf', csrf());
    if (isPage) {
      f.set('page_id', pageId || '0');
      f.set('title', value('title'));
      f.set('body', body.value);
      return f;
    }
    f.set('article_id', articleId);
    f.set('headline', value('headline'));
    f.set('dek', value('dek'));
    f.set('body', body.value);
    f.set('tags', value('tags'));
    return f;
  }
  function snapshot() { return [value('headline'), value('title'), value('dek'), body.value, value('tags')].join('\u0000'); }

  function autosave() {
    if (!dirty || saving || submitting) return;
    var snap = snapshot();
    if (snap === lastSent) { dirty = false; return; }
    saving = true;
    fetch('/admin/autosave', { method: 'POST', body: autosaveFields(), credentials: 'same-origin',
                               redirect: 'manual' })
      .then(function (r) {
        var json = (r.headers.get('Content-Type') || '').indexOf('application/json') === 0;
        if (r.status === 403 && json) {
          // Signed in, but this article is no longer theirs to edit.
          return r.json().then(function (j) { dirty = false; say(j.error || 'Not autosaved.', true); });
        }
        if (r.status === 403 || r.status === 401 || r.type === 'opaqueredirect') {
          return refreshToken().then(function (ok) {
            if (!ok) signedOut();
            return null;  // tried again by the next round, with the new token
          });
        }
        return r.json().then(function (j) {
          if (r.ok) {
            lastSent = snap;
            if (snapshot() === snap) dirty = false;
            say('Draft copy autosaved at ' + (j.time || 'just now') + ' (not published; press Save to keep it).');
            if (prompting) signedIn();
          } else {
            say(j.error || 'The autosave was refused.', true);
          }
        });
      })
      .catch(function () { say('Not autosaved: no connection. Your text is still here.', true); })
      .then(function () { saving = false; });
  }

  function changed() {
    dirty = true;
    schedulePreview();
  }
  ['headline', 'title', 'dek', 'tags'].forEach(function (n) {
    var f = form.elements[n];
    if (f) f.addEventListener('input', changed);
  });
  body.addEventListener('input', function () { updateStats(); changed(); });
  ['featured_media', 'featured_alt'].forEach(function (n) {
    var f = form.elements[n];
    if (f) f.addEventListener('change', schedulePreview);
  });
  lastSent = snapshot();
  setInterval(autosave, AUTOSAVE_EVERY);
  form.addEventListener('submit', function (ev) {
    // Signed out: sending the form now would only come back as the
    // sign-in page; sign in here first (the text stays).
    if (prompting) {
      ev.preventDefault();
      var first = document.getElementById('reauth-email');
      if (first) first.focus();
      return;
    }
    submitting = true;
  });
  // Leaving while the text cannot be saved: the browser asks first.
  window.addEventListener('beforeunload', function (ev) {
    if (prompting && dirty) {
      ev.preventDefault();
      ev.returnValue = '';
    }
  });
  // Leaving the page (closing the tab, following a link): one last autosave.
  function flush() {
    if (!dirty || submitting || snapshot() === lastSent || !navigator.sendBeacon) return;
    if (navigator.sendBeacon('/admin/autosave', autosaveFields())) lastSent = snapshot();
  }
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') flush();
    else if (prompting) retryAfterSignIn();
  });

  // ---- a session that ended while typing ----

  // Asks for the session's token: 200 with {csrf} while signed in (a new
  // session has a new one); anything else means signed out.
  function refreshToken() {
    return fetch('/admin/csrf', { credentials: 'same-origin', redirect: 'manual',
                                  headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j || !j.csrf) return false;
        var inputs = document.querySelectorAll('input[name=csrf]');
        for (var i = 0; i < inputs.length; i++) inputs[i].value = j.csrf;
        return true;
      })
      .catch(function () { return false; });
  }

  var signinBox = null;
  function signedOut() {
    if (prompting) return;
    prompting = true;
    say('Not autosaved: your session has ended. Your text is still here.', true);
    signinBox = el('div', { 'class': 'signin-prompt', role: 'alert', id: 'signin-prompt' });
    signinBox.appendChild(el('p', {}, 'Your session has ended, so your changes are not being saved. ' +
      'Nothing is lost: sign in again here (or in another tab) and they are saved at once.'));
    var box = el('div', { 'class': 'inline-form' });
    var email = el('input', { type: 'email', id: 'reauth-email', autocomplete: 'username',
                              'aria-label': 'Email', placeholder: 'Email' });
    var pw = el('input', { type: 'password', id: 'reauth-password', autocomplete: 'current-password',
                           'aria-label': 'Password', placeholder: 'Password' });
    var go = el('button', { type: 'button', 'class': 'submit', id: 'reauth-submit' }, 'Sign in');
    var tab = el('a', { href: '/admin/login?next=/admin/', target: '_blank', rel: 'noopener' },
                 'Sign in in a new tab');
    var again = el('button', { type: 'button', 'class': 'button-link' }, 'I have signed in: save now');
    var why = el('p', { 'aria-live': 'polite' });
    box.appendChild(email); box.appendChild(pw); box.appendChild(go);
    signinBox.appendChild(box);
    var p2 = el('p');
    p2.appendChild(tab); p2.appendChild(document.createTextNode(' · ')); p2.appendChild(again);
    signinBox.appendChild(p2);
    signinBox.appendChild(why);
    form.insertBefore(signinBox, $('.editor-grid', form));
    function send() {
      var f = new URLSearchParams();
      f.set('email', email.value);
      f.set('password', pw.value);
      f.set('next', '/admin/');
      fetch('/admin/login', { method: 'POST', body: f, credentials: 'same-origin', redirect: 'manual' })
        .then(function (r) {
          pw.value = '';
          if (r.type === 'opaqueredirect' || r.status === 303) return retryAfterSignIn();
          why.textContent = r.status === 429 ? 'Too many attempts: wait a few minutes, then try again.'
                                             : 'That email address and password do not match an account.';
        })
        .catch(function () { why.textContent = 'No connection: try again in a moment.'; });
    }
    go.addEventListener('click', send);
    pw.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') { ev.preventDefault(); send(); }
    });
    again.addEventListener('click', retryAfterSignIn);
    email.focus();
  }
  function retryAfterSignIn() {
    return refreshToken().then(function (ok) {
      if (!ok) {
        if (signinBox) signinBox.lastChild.textContent = 'Still signed out: sign in first.';
        return;
      }
      dirty = true;
      lastSent = '';
      autosave();
    });
  }
  function signedIn() {
    prompting = false;
    if (signinBox) signinBox.remove();
    signinBox = null;
  }
})();
