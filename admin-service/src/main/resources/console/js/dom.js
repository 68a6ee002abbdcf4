// A tiny element builder: text always goes in as text, never as HTML.

/** h('button', {class: 'primary', onclick: f}, 'Save', child...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    // through the CSSOM: the console's Content-Security-Policy refuses style attributes
    else if (key === 'style') el.style.cssText = value;
    else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A labelled form field: the label wraps nothing, it points at the control by id. */
let ids = 0;
export function field(label, control, hint) {
  if (!control.id) control.id = `f${++ids}`;
  return h('div', {class: 'field'}, h('label', {for: control.id}, label), control, hint ? h('small', {class: 'muted'}, hint) : null);
}

/** An error box for an API error (its message and the fields at fault). */
export function errorBox(error) {
  const fields = error?.body?.errors ?? [];
  return h('div', {class: 'error', role: 'alert'},
    h('p', {}, error?.body?.message ?? error?.message ?? String(error)),
    fields.length ? h('ul', {}, fields.map(f => h('li', {}, h('code', {}, f.field), ': ', f.message))) : null);
}

/** Asks before an action that cannot be taken back lightly; resolves true on "ok". */
export function confirmAction(title, text, okLabel) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  document.getElementById('confirm-cancel').focus();
  return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true}));
}
