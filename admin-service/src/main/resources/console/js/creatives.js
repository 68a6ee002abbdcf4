// Creatives (pushes): texts per locale, edited next to a phone-like preview, and sent as a test to the testers' phones.
import {get, post, put} from './api.js';
import {h, fill, field, errorBox} from './dom.js';
import {dateTime} from './format.js';
import {all} from './shared.js';

const MAX_TITLE = 100;
const MAX_BODY = 1000;
const MAX_TEST_RECIPIENTS = 20;

export async function renderList(view, ctx) {
  const pushes = await all(get, '/pushes');
  fill(view,
    h('div', {class: 'page-head'}, h('h1', {}, 'Creatives'),
      ctx.canWrite ? h('a', {class: 'button primary', href: '#/creatives/new', id: 'new-creative'}, 'New creative') : null),
    h('div', {class: 'table-wrap'}, h('table', {id: 'creatives'},
      h('thead', {}, h('tr', {}, ['Creative', 'Locales', 'Changed'].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, pushes.length === 0 ? h('tr', {}, h('td', {colspan: 3, class: 'muted'}, 'No creatives yet.'))
        : pushes.map(p => h('tr', {},
          h('td', {}, h('a', {href: `#/creatives/${p.id}`}, p.name), h('div', {class: 'muted small'}, p.texts[p.defaultLocale]?.title ?? '')),
          h('td', {}, Object.keys(p.texts).join(', ')),
          h('td', {class: 'small'}, dateTime(p.updatedAt), ' by ', p.updatedBy)))))));
}

export async function renderEditor(view, ctx, id) {
  const existing = id === 'new' ? null : await get(`/pushes/${id}`);
  const texts = structuredClone(existing?.texts ?? {en: {title: '', body: ''}});
  let defaultLocale = existing?.defaultLocale ?? 'en';
  let locale = defaultLocale;
  const readOnly = !ctx.canWrite;

  const name = h('input', {id: 'push-name', required: true, maxlength: 200, value: existing?.name ?? '', disabled: readOnly});
  const deepLink = h('input', {id: 'push-link', value: existing?.deepLink ?? '', placeholder: 'windy://spot/123', disabled: readOnly});
  const imageUrl = h('input', {id: 'push-image', type: 'url', value: existing?.imageUrl ?? '', placeholder: 'https://…', disabled: readOnly,
    oninput: drawPreview});
  const tabs = h('div', {class: 'tabs', role: 'tablist', 'aria-label': 'Locales'});
  const editor = h('div', {class: 'locale-editor'});
  const phone = h('figure', {class: 'phone', 'aria-label': 'Preview on a phone'});
  const message = h('div', {'aria-live': 'polite'});
  const newLocale = h('input', {id: 'new-locale', size: 7, maxlength: 7, placeholder: 'pt', disabled: readOnly});

  function drawTabs() {
    fill(tabs, Object.keys(texts).map(l => h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(l === locale), class: 'tab', 'data-locale': l,
      onclick: () => {
        locale = l;
        drawTabs();
        drawEditor();
        drawPreview();
      },
    }, l, l === defaultLocale ? ' (default)' : '')));
  }

  function drawEditor() {
    const t = texts[locale];
    const title = h('input', {id: 'text-title', maxlength: MAX_TITLE, value: t.title, disabled: readOnly, oninput: e => {
      t.title = e.target.value;
      counters();
      drawPreview();
    }});
    const body = h('textarea', {id: 'text-body', rows: 4, maxlength: MAX_BODY, disabled: readOnly, oninput: e => {
      t.body = e.target.value;
      counters();
      drawPreview();
    }});
    body.value = t.body;
    const titleCount = h('small', {class: 'muted'});
    const bodyCount = h('small', {class: 'muted'});
    function counters() {
      titleCount.textContent = `${t.title.length} / ${MAX_TITLE}`;
      bodyCount.textContent = `${t.body.length} / ${MAX_BODY}`;
    }
    counters();
    fill(editor,
      h('div', {class: 'field'}, h('label', {for: 'text-title'}, `Title (${locale})`), title, titleCount),
      h('div', {class: 'field'}, h('label', {for: 'text-body'}, `Body (${locale})`), body, bodyCount),
      readOnly ? null : h('div', {class: 'row'},
        locale !== defaultLocale ? h('button', {type: 'button', onclick: () => {
          defaultLocale = locale;
          drawTabs();
        }}, 'Make default') : null,
        Object.keys(texts).length > 1 && locale !== defaultLocale ? h('button', {type: 'button', class: 'quiet remove', onclick: () => {
          delete texts[locale];
          locale = defaultLocale;
          drawTabs();
          drawEditor();
          drawPreview();
        }}, `Remove ${locale}`) : null));
  }

  function drawPreview() {
    const t = texts[locale] ?? {title: '', body: ''};
    fill(phone,
      h('div', {class: 'phone-status'}, h('span', {}, '9:41'), h('span', {}, '●●● ▮')),
      h('div', {class: 'notification'},
        h('div', {class: 'notification-app'}, h('span', {class: 'app-icon'}, 'W'), 'WINDY', h('span', {class: 'muted'}, ' · now')),
        h('div', {class: 'notification-title', id: 'preview-title'}, t.title || 'Title'),
        h('div', {class: 'notification-body', id: 'preview-body'}, t.body || 'The text of the push'),
        imageUrl.value.startsWith('https://') ? h('div', {class: 'notification-image'}, 'image: ', imageUrl.value.split('/').pop()) : null));
  }

  function addLocale() {
    const l = newLocale.value.trim();
    if (!l || texts[l]) return;
    texts[l] = {title: texts[defaultLocale]?.title ?? '', body: texts[defaultLocale]?.body ?? ''};
    locale = l;
    newLocale.value = '';
    drawTabs();
    drawEditor();
    drawPreview();
  }

  async function save(event) {
    event.preventDefault();
    const body = {name: name.value.trim(), defaultLocale, texts, deepLink: deepLink.value.trim() || null,
      imageUrl: imageUrl.value.trim() || null, data: existing?.data ?? null};
    try {
      const saved = existing ? await put(`/pushes/${existing.id}`, body) : await post('/pushes', body);
      fill(message, h('p', {class: 'ok', id: 'creative-saved', 'data-id': saved.id}, `Saved creative “${saved.name}”.`));
      if (!existing) history.replaceState(null, '', `#/creatives/${saved.id}`);
    } catch (e) {
      fill(message, errorBox(e));
    }
  }

  const testIds = h('textarea', {id: 'test-ids', rows: 2, placeholder: 'subscription ids, one per line or comma-separated'});
  const testLanguage = h('select', {id: 'test-language'}, h('option', {value: ''}, 'every language'),
    Object.keys(existing?.texts ?? {}).map(l => h('option', {value: l}, l)));
  const testResult = h('div', {id: 'test-result', 'aria-live': 'polite'});

  async function sendTest(event) {
    event.preventDefault();
    const subscriptionIds = testIds.value.split(/[\s,]+/).filter(Boolean);
    try {
      const sent = await post(`/pushes/${existing.id}/test`, {subscriptionIds, language: testLanguage.value || null});
      fill(testResult, h('div', {class: 'ok', id: 'test-sent', 'data-notifications': sent.sends.filter(s => s.notificationId).length},
        h('p', {}, `Sent to ${subscriptionIds.length} subscription${subscriptionIds.length === 1 ? '' : 's'}:`),
        h('ul', {}, sent.sends.map(s => h('li', {'data-language': s.language}, h('strong', {}, s.language), ': ',
          s.notificationId ? `notification ${s.notificationId}` : 'not sent',
          s.invalidSubscriptionIds?.length ? ` · not subscribed: ${s.invalidSubscriptionIds.join(', ')}` : '',
          s.errors?.length ? ` · ${s.errors.join('; ')}` : '')))));
    } catch (e) {
      fill(testResult, errorBox(e));
    }
  }

  fill(view,
    h('p', {class: 'crumbs'}, h('a', {href: '#/creatives'}, 'Creatives'), ' / '),
    h('h1', {}, existing ? existing.name : 'New creative'),
    h('div', {class: 'creative'},
      h('form', {class: 'card', onsubmit: save},
        field('Name', name),
        h('h2', {}, 'Texts per locale'), tabs, editor,
        readOnly ? null : h('div', {class: 'row'}, field('Add a locale', newLocale, 'ISO 639-1, e.g. pt, de, zh-Hans'),
          h('button', {type: 'button', id: 'add-locale', onclick: addLocale}, 'Add locale')),
        field('Deep link', deepLink, 'Opened on tap: an app link (windy://...) or an http(s) URL'),
        field('Image', imageUrl, 'Big picture, an https URL'),
        readOnly ? h('p', {class: 'muted'}, 'Viewers see creatives but cannot change them.') : h('button', {type: 'submit', class: 'primary', id: 'save-creative'}, 'Save creative'),
        message),
      h('aside', {class: 'preview'}, h('h2', {class: 'visually-hidden'}, 'Preview'), phone)),
    existing && !readOnly ? h('form', {class: 'card', id: 'test-send', onsubmit: sendTest},
      h('h2', {}, 'Send a test'),
      h('p', {class: 'muted'}, `The saved creative goes to up to ${MAX_TEST_RECIPIENTS} test devices now, one notification per language, `,
        'through the push provider. It counts in no campaign.'),
      field('Subscription ids', testIds, 'The provider\'s ids of your test phones (OneSignal subscription / player ids)'),
      field('Language', testLanguage),
      h('button', {type: 'submit', class: 'primary', id: 'send-test'}, 'Send test'),
      testResult) : null);
  drawTabs();
  drawEditor();
  drawPreview();
}
