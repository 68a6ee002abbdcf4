// The campaigns list: status, progress and the winner so far, refreshed every few seconds.
import {get} from './api.js';
import {h, fill, errorBox} from './dom.js';
import {percent, dateTime, isoDuration} from './format.js';
import {num, statusBadge, progressBar, all} from './shared.js';

const REFRESH_MS = 5000;

export async function render(view, ctx) {
  const body = h('tbody');
  const problem = h('div');
  fill(view,
    h('div', {class: 'page-head'}, h('h1', {}, 'Campaigns'),
      ctx.canWrite ? h('a', {class: 'button primary', href: '#/campaigns/new', id: 'new-campaign'}, 'New campaign') : null),
    problem,
    h('div', {class: 'table-wrap'}, h('table', {id: 'campaigns'},
      h('caption', {class: 'visually-hidden'}, 'Campaigns, newest first'),
      h('thead', {}, h('tr', {}, ['Campaign', 'Status', 'Progress', 'Winner so far', 'Window'].map(t => h('th', {scope: 'col'}, t)))),
      body)));
  const pushes = new Map((await all(get, '/pushes')).map(p => [p.id, p]));
  let timer = null;
  let stopped = false;
  async function refresh() {
    try {
      const campaigns = (await get('/campaigns?size=50')).items ?? [];
      const stats = await Promise.all(campaigns.map(c => c.status === 'DRAFT' ? null : get(`/campaigns/${c.id}/stats`).catch(() => null)));
      if (stopped) return;
      fill(problem);
      fill(body, campaigns.length === 0
        ? h('tr', {}, h('td', {colspan: 5, class: 'muted'}, ctx.canWrite ? 'No campaigns yet: create the first one.' : 'No campaigns yet.'))
        : campaigns.map((c, i) => row(c, stats[i], pushes)));
    } catch (e) {
      if (!stopped) fill(problem, errorBox(e));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }
  await refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function row(c, stats, pushes) {
  return h('tr', {'data-campaign': c.id},
    h('td', {}, h('a', {href: `#/campaigns/${c.id}`}, c.name), h('div', {class: 'muted small'}, `${c.split.type} · ${c.variants.length} variants`)),
    h('td', {}, statusBadge(c.status)),
    h('td', {class: 'progress-cell'}, stats
      ? [progressBar(stats.progress, `Progress of ${c.name}`), h('span', {class: 'small'}, percent(stats.progress), ' of ', num(stats.audience))]
      : h('span', {class: 'muted'}, '–')),
    h('td', {}, winner(c, stats, pushes)),
    h('td', {class: 'small'}, c.launchedAt ? dateTime(c.launchedAt) : 'not launched', h('div', {class: 'muted'}, isoDuration(c.duration))));
}

/** The variant most likely best by clicks, once any push was delivered. */
function winner(c, stats, pushes) {
  if (!stats || !stats.variants.some(v => v.delivered > 0)) return h('span', {class: 'muted'}, '–');
  const best = stats.variants.reduce((a, b) => (b.probabilityBest > a.probabilityBest ? b : a));
  const push = pushes.get(c.variants.find(v => v.key === best.variant)?.pushId);
  return h('span', {class: 'winner'}, h('strong', {}, best.variant), push ? ` ${push.name}` : '',
    h('div', {class: 'muted small'}, `${percent(best.probabilityBest)} likely best · CTR ${percent(best.clickRate.rate)}`));
}
