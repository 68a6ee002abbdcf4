// Pieces more than one page shows.
import {h} from './dom.js';
import {count} from './format.js';

/** A number shown for people, with the exact value kept in data-value. */
export function num(value, text = count(value), attrs = {}) {
  return h('span', {class: 'num', 'data-value': value ?? '', ...attrs}, text);
}

export function statusBadge(status) {
  return h('span', {class: `badge status-${status.toLowerCase()}`, 'data-status': status}, status.toLowerCase());
}

export function progressBar(progress, label) {
  const pct = Math.round((progress ?? 0) * 1000) / 10;
  return h('div', {class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-label': label},
    h('div', {class: 'bar', style: `width:${pct}%`}));
}

/** Every item of a paged list endpoint (up to 1,000). */
export async function all(get, path) {
  const items = [];
  for (let page = 0; page < 5; page++) {
    const p = await get(`${path}${path.includes('?') ? '&' : '?'}page=${page}&size=200`);
    items.push(...(p.items ?? []));
    if (items.length >= p.total) break;
  }
  return items;
}

export const PALETTE = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626', '#4b5563', '#9333ea'];
