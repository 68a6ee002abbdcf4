// Cohorts: the saved list, and the builder of filter chains with a live count of matching users.
import {get, post, put} from './api.js';
import {h, fill, field, errorBox} from './dom.js';
import {count, dateTime} from './format.js';
import {num, all} from './shared.js';

const PREVIEW_DELAY_MS = 400;

export async function renderList(view, ctx) {
  const cohorts = await all(get, '/cohorts');
  fill(view,
    h('div', {class: 'page-head'}, h('h1', {}, 'Cohorts'),
      h('a', {class: 'button primary', href: '#/cohorts/new', id: 'new-cohort'}, ctx.canWrite ? 'New cohort' : 'Try a filter')),
    h('div', {class: 'table-wrap'}, h('table', {},
      h('thead', {}, h('tr', {}, ['Cohort', 'Conditions', 'Changed'].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, cohorts.length === 0 ? h('tr', {}, h('td', {colspan: 3, class: 'muted'}, 'No cohorts yet.'))
        : cohorts.map(c => h('tr', {},
          h('td', {}, h('a', {href: `#/cohorts/${c.id}`}, c.name), c.description ? h('div', {class: 'muted small'}, c.description) : null),
          h('td', {}, c.conditions), h('td', {class: 'small'}, dateTime(c.updatedAt), ' by ', c.updatedBy)))))));
}

export async function renderBuilder(view, ctx, id) {
  const fields = await get('/cohort-fields');
  const byName = new Map(fields.map(f => [f.field, f]));
  const existing = id === 'new' ? null : await get(`/cohorts/${id}`);
  const root = existing ? fromJson(existing.filter) : group('all');

  const name = h('input', {id: 'cohort-name', required: true, maxlength: 200, value: existing?.name ?? '', disabled: !ctx.canWrite});
  const description = h('input', {id: 'cohort-description', maxlength: 2000, value: existing?.description ?? '', disabled: !ctx.canWrite});
  const tree = h('div', {id: 'filter'});
  const result = h('div', {class: 'count', id: 'match', 'aria-live': 'polite'});
  const message = h('div', {'aria-live': 'polite'});
  const json = h('pre', {class: 'json', id: 'filter-json'});

  let sequence = 0;
  let timer = null;
  // Structural changes redraw the tree and put the focus back on the control that had it; values only update the model.
  function changed(redraw = true) {
    if (redraw) {
      const focused = document.activeElement?.dataset?.key;
      fill(tree, groupEditor(root, null, 'root'));
      if (focused) tree.querySelector(`[data-key="${focused}"]`)?.focus();
    }
    fill(json, JSON.stringify(toJson(root), null, 1));
    clearTimeout(timer);
    timer = setTimeout(preview, PREVIEW_DELAY_MS);
    result.classList.add('stale');
  }
  async function preview() {
    const mine = ++sequence;
    try {
      const size = await post('/cohorts/preview', {filter: toJson(root)});
      if (mine !== sequence) return;
      fill(result, num(size.count, count(size.count), {id: 'match-count'}), ' users match',
        h('div', {class: 'muted small'}, `counted in ${size.tookMillis} ms; ${size.exact ? 'exact' : 'rows not yet merged may count'}`));
    } catch (e) {
      if (mine !== sequence) return;
      fill(result, h('span', {class: 'muted'}, 'Finish the conditions to see a count'), errorBox(e));
    }
    result.classList.remove('stale');
  }

  function groupEditor(g, parent, path) {
    const kind = h('select', {'aria-label': 'Match', class: 'group-kind', 'data-key': `${path}:kind`, onchange: e => {
      g.kind = e.target.value;
      changed(false);
    }}, h('option', {value: 'all', selected: g.kind === 'all'}, 'all of'), h('option', {value: 'any', selected: g.kind === 'any'}, 'any of'));
    const not = h('input', {type: 'checkbox', checked: g.not, 'data-key': `${path}:not`, onchange: e => {
      g.not = e.target.checked;
      changed(false);
    }});
    return h('fieldset', {class: 'group'},
      h('legend', {}, parent ? 'Group' : 'Users who match'),
      h('div', {class: 'group-head'}, h('label', {class: 'inline'}, not, ' none of (not)'), kind),
      g.items.length === 0 ? h('p', {class: 'muted small'}, parent ? 'An empty group: add a condition.' : 'No conditions: every user.') : null,
      g.items.map((item, i) => item.items ? groupEditor(item, g, `${path}.${i}`) : conditionEditor(item, g, `${path}.${i}`)),
      h('div', {class: 'group-actions'},
        h('button', {type: 'button', class: 'add-condition', 'data-key': `${path}:add-condition`, onclick: () => {
          g.items.push(condition(fields[0]));
          changed();
        }}, '+ Condition'),
        h('button', {type: 'button', class: 'add-group', 'data-key': `${path}:add-group`, onclick: () => {
          g.items.push(group('any', [condition(fields[0])]));
          changed();
        }}, '+ Group'),
        parent ? h('button', {type: 'button', class: 'quiet remove', onclick: () => {
          parent.items.splice(parent.items.indexOf(g), 1);
          changed();
        }}, 'Remove group') : null));
  }

  function conditionEditor(c, parent, path) {
    const f = byName.get(c.field);
    const fieldSelect = h('select', {'aria-label': 'Field', class: 'cond-field', 'data-key': `${path}:field`, onchange: e => {
      Object.assign(c, condition(byName.get(e.target.value)));
      changed();
    }}, fields.map(x => h('option', {value: x.field, selected: x.field === c.field, title: x.description}, x.field)));
    const opSelect = h('select', {'aria-label': 'Operator', class: 'cond-op', 'data-key': `${path}:op`, onchange: e => {
      c.op = e.target.value;
      c.value = '';
      c.values = [];
      changed();
    }}, f.operators.map(o => h('option', {value: o.op, selected: o.op === c.op}, o.op.replaceAll('_', ' '))));
    return h('div', {class: 'condition'}, fieldSelect, opSelect, valueEditor(c, f),
      h('button', {type: 'button', class: 'quiet remove', 'aria-label': `Remove condition on ${c.field}`, onclick: () => {
        parent.items.splice(parent.items.indexOf(c), 1);
        changed();
      }}, 'Remove'));
  }

  function valueEditor(c, f) {
    const takes = f.operators.find(o => o.op === c.op)?.takes ?? 'none';
    const hint = placeholder(f, c.op);
    if (takes === 'none') return h('span');
    if (takes === 'value' && f.values?.length) {
      return h('select', {'aria-label': 'Value', class: 'cond-value', onchange: e => {
        c.value = e.target.value;
        changed(false);
      }}, h('option', {value: ''}, 'choose…'), f.values.map(v => h('option', {value: v, selected: v === c.value}, v)));
    }
    if (takes === 'values' && f.values?.length) {
      return h('div', {class: 'choices', role: 'group', 'aria-label': 'Values'}, f.values.map(v => h('label', {class: 'inline choice'},
        h('input', {type: 'checkbox', value: v, checked: c.values.includes(v), onchange: e => {
          c.values = e.target.checked ? [...c.values, v] : c.values.filter(x => x !== v);
          changed(false);
        }}), ` ${v}`)));
    }
    const text = (value, label, set) => h('input', {'aria-label': label, class: 'cond-value', value, placeholder: hint,
      oninput: e => {
        set(e.target.value.trim());
        changed(false);
      }});
    if (takes === 'range') {
      return h('span', {class: 'range'}, text(c.values[0] ?? '', 'From', v => (c.values = [v, c.values[1] ?? ''])), ' to ',
        text(c.values[1] ?? '', 'To', v => (c.values = [c.values[0] ?? '', v])));
    }
    if (takes === 'values') return text(c.values.join(', '), 'Values, separated by commas', v => (c.values = v.split(',').map(x => x.trim()).filter(Boolean)));
    return text(c.value, 'Value', v => (c.value = v));
  }

  async function save(event) {
    event.preventDefault();
    const body = {name: name.value.trim(), description: description.value.trim() || null, filter: toJson(root)};
    try {
      const saved = existing ? await put(`/cohorts/${existing.id}`, body) : await post('/cohorts', body);
      fill(message, h('p', {class: 'ok', id: 'cohort-saved', 'data-id': saved.id}, `Saved cohort “${saved.name}”.`));
      if (!existing) history.replaceState(null, '', `#/cohorts/${saved.id}`);
    } catch (e) {
      fill(message, errorBox(e));
    }
  }

  fill(view,
    h('p', {class: 'crumbs'}, h('a', {href: '#/cohorts'}, 'Cohorts'), ' / '),
    h('h1', {}, existing ? existing.name : 'New cohort'),
    h('div', {class: 'builder'},
      h('form', {class: 'card', onsubmit: save},
        field('Name', name), field('Description', description),
        tree,
        ctx.canWrite ? h('button', {type: 'submit', class: 'primary', id: 'save-cohort'}, 'Save cohort') : h('p', {class: 'muted'}, 'Viewers can try filters but not save them.'),
        message),
      h('aside', {class: 'card sticky'}, h('h2', {}, 'Matching users'), result,
        h('details', {}, h('summary', {}, 'Filter chain as JSON'), json))));
  changed();
  return () => clearTimeout(timer);
}

function group(kind, items = []) {
  return {kind, not: false, items};
}

function condition(f) {
  return {field: f.field, op: f.operators[0].op, value: '', values: []};
}

/** The API's filter-chain JSON from the builder's model. */
function toJson(node) {
  if (node.items) {
    const g = {[node.kind]: node.items.map(toJson)};
    if (node.not) g.not = true;
    return g;
  }
  const c = {field: node.field, op: node.op};
  if (node.values.length) c.values = node.values;
  else if (node.value !== '') c.value = node.value;
  return c;
}

function fromJson(json) {
  if (json.all || json.any) {
    const kind = json.all ? 'all' : 'any';
    return {kind, not: Boolean(json.not), items: json[kind].map(fromJson)};
  }
  return {field: json.field, op: json.op, value: json.value === undefined ? '' : String(json.value), values: (json.values ?? []).map(String)};
}

function placeholder(f, op) {
  if (f.type === 'DATETIME') return op.includes('within') ? 'P7D, PT12H' : '2026-01-31T00:00:00Z';
  if (f.type === 'VERSION') return '57.0';
  if (f.type === 'COUNTRY') return 'PT, ES';
  if (f.type === 'LANGUAGE') return 'pt, en';
  if (f.type === 'TIMEZONE') return 'Europe/Lisbon';
  return f.description;
}
