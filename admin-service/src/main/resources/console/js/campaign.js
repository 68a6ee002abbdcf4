// One campaign: live numbers per variant, charts, holdout lift, the lifecycle buttons, results as CSV and a copy as a new draft.
import {get, post, download} from './api.js';
import {h, fill, errorBox, confirmAction} from './dom.js';
import {count, percent, interval, duration, dateTime, isoDuration} from './format.js';
import {num, statusBadge, progressBar, PALETTE} from './shared.js';
import {lineChart, align} from './charts.js';

const REFRESH_MS = 3000;
const LIFT_REFRESH_MS = 30000;
const LIFT_WINDOWS = {PT1H: '1 hour', PT6H: '6 hours', P1D: '24 hours', P7D: '7 days'};
const SOURCES = {
  AUTO: 'the app\'s events and the provider\'s counts, the larger',
  APP: 'the app\'s events',
  PROVIDER: 'the provider\'s click counts',
};

const ACTIONS = {
  launch: {label: 'Launch', title: 'Launch this campaign?', text: 'Sending starts at the start time (now if none) to the whole cohort.', ok: 'Launch campaign'},
  pause: {label: 'Pause', title: 'Pause this campaign?', text: 'No more pushes go out until you resume it.', ok: 'Pause campaign'},
  resume: {label: 'Resume', title: 'Resume this campaign?', text: 'Sending goes on where it stopped.', ok: 'Resume campaign'},
  stop: {label: 'Stop', title: 'Stop this campaign for good?', text: 'Nobody else receives it; a stopped campaign cannot be resumed.', ok: 'Stop campaign'},
};
const ALLOWED = {DRAFT: ['launch'], SCHEDULED: ['pause', 'stop'], RUNNING: ['pause', 'stop'], PAUSED: ['resume', 'stop'], HALTED: ['resume', 'stop']};
const P = p => p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);

export async function render(view, ctx, id) {
  let c = await get(`/campaigns/${id}`);
  const [cohort, pushes] = await Promise.all([
    get(`/cohorts/${c.cohortId}`).catch(() => null),
    Promise.all(c.variants.map(v => get(`/pushes/${v.pushId}`).catch(() => null))),
  ]);
  const keys = c.variants.map(v => v.key);
  const colors = keys.map((k, i) => PALETTE[i % PALETTE.length]);
  const names = new Map(c.variants.map((v, i) => [v.key, pushes[i]?.name ?? `push ${v.pushId}`]));

  const title = h('h1', {id: 'campaign-name'}, c.name);
  const status = h('span', {id: 'campaign-status'});
  const buttons = h('div', {class: 'actions', id: 'lifecycle'});
  const message = h('div', {'aria-live': 'polite'});
  const banner = h('div', {id: 'status-banner', 'aria-live': 'polite'});
  const srm = h('div', {id: 'srm', 'aria-live': 'polite'});
  const summary = h('dl', {class: 'summary', id: 'summary'});
  const variants = h('tbody');
  const providers = h('tbody');
  const results = h('div', {class: 'actions', id: 'results-actions'},
    h('button', {type: 'button', id: 'export-variants', onclick: () => exportCsv('variants')}, 'Download variants (CSV)'),
    h('button', {type: 'button', id: 'export-outcomes', onclick: () => exportCsv('outcomes')}, 'Download every outcome (CSV)'),
    ctx.canWrite ? h('button', {type: 'button', id: 'action-clone', onclick: cloneCampaign}, 'Copy as new draft') : null);
  const liftWindow = h('select', {id: 'lift-window', onchange: () => refreshLift()},
    Object.entries(LIFT_WINDOWS).map(([value, label]) => h('option', {value, selected: value === 'P1D'}, label)));
  const lift = h('div', {id: 'lift', 'aria-live': 'polite'});
  const boxes = ['share', 'click-rate', 'sends'].map(name => h('div', {class: 'chart', id: `chart-${name}`}));
  fill(view,
    h('p', {class: 'crumbs'}, h('a', {href: '#/campaigns'}, 'Campaigns'), ' / '),
    h('div', {class: 'page-head'}, h('div', {}, title, status), buttons),
    h('p', {class: 'muted'}, `${c.split.type} split`, c.split.type === 'AB_FIXED' ? '' : ` on ${c.split.metric.toLowerCase()}`,
      ` · counted from ${SOURCES[c.split.rewardSource]} · cohort `, cohort ? h('a', {href: `#/cohorts/${cohort.id}`}, cohort.name) : `#${c.cohortId}`,
      ` · window ${isoDuration(c.duration)}`, c.sendRateLimit ? ` · at most ${count(c.sendRateLimit)}/s` : '', c.pace === 'ASAP' ? ' · as fast as allowed' : '',
      c.holdoutShare ? ` · holdout ${percent(c.holdoutShare)}` : '',
      c.provider === 'DIRECT' ? ' · sent directly (APNs, FCM)' : ''),
    banner, srm, message, summary,
    h('div', {class: 'page-head'}, h('h2', {}, 'Variants'), results),
    h('div', {class: 'table-wrap'}, h('table', {id: 'variants', class: 'numbers'},
      h('caption', {class: 'visually-hidden'}, 'Numbers per variant'),
      h('thead', {}, h('tr', {}, ['Variant', 'Allocation', 'Sent', 'Failed / skipped', 'Delivered', 'Opened', 'Clicked', 'Open rate (95%)',
        'Click rate (95%)', `P(best by ${c.split.metric.toLowerCase()})`].map(t => h('th', {scope: 'col'}, t)))),
      variants)),
    h('h2', {}, 'By provider'),
    h('div', {class: 'table-wrap'}, h('table', {id: 'providers', class: 'numbers'},
      h('caption', {class: 'muted small'}, 'What each service took: OneSignal\'s notifications, or the requests sent straight to APNs and FCM. '
        + 'APNs and FCM report no delivery: for them, delivered is what the service accepted.'),
      h('thead', {}, h('tr', {}, ['Provider', 'Requests', 'Users', 'Delivered', 'Dead tokens', 'Errored'].map(t => h('th', {scope: 'col'}, t)))),
      providers)),
    h('div', {class: 'charts'},
      h('figure', {}, h('figcaption', {}, 'Allocation share per wave'), boxes[0]),
      h('figure', {}, h('figcaption', {}, 'Click rate per variant with its 95% interval (since this page opened)'), boxes[1]),
      h('figure', {}, h('figcaption', {}, 'Sends per minute (10-second steps)'), boxes[2])),
    c.holdoutShare ? h('section', {id: 'lift-section'},
      h('div', {class: 'page-head'}, h('h2', {}, 'Holdout lift'),
        h('div', {class: 'field inline'}, h('label', {for: 'lift-window'}, 'App opened within'), liftWindow)),
      h('p', {class: 'muted'}, 'The share of each variant\'s members and of the holdout (who got nothing) who opened the app within the window ',
        'after their wave, and the difference: what the push changed, with its 95% interval (Newcombe). Members count as assigned, sent or skipped.'),
      lift) : null);

  const series = keys.map((k, i) => ({label: k, stroke: colors[i]}));
  const shareChart = lineChart(boxes[0], {series, yFormat: percent, yRange: [0, 1]});
  const fromZero = (u, min, max) => [0, Math.max(max * 1.15, 1e-9)];
  const sendsChart = lineChart(boxes[2], {series, yFormat: count, yRange: fromZero});
  const rateSeries = keys.flatMap((k, i) => [
    {label: k, stroke: colors[i]},
    {label: `${k} low`, stroke: colors[i], width: 0},
    {label: `${k} high`, stroke: colors[i], width: 0},
  ]);
  const rateChart = lineChart(boxes[1], {
    series: rateSeries, yFormat: percent, yRange: fromZero,
    bands: keys.map((k, i) => ({series: [3 * i + 3, 3 * i + 2], fill: `${colors[i]}33`})),
  });
  const rateHistory = [];

  function showStatus() {
    fill(status, statusBadge(c.status));
    const halted = c.status === 'HALTED' ? 'halted by a guardrail' : c.status.toLowerCase();
    fill(banner, c.statusReason ? h('p', {class: 'banner alert', role: 'alert'}, h('strong', {}, `${halted}: `), c.statusReason.replace(/\.?$/, '.'),
      c.status === 'HALTED' ? ' Nothing more is sent until you resume or stop it.' : '') : null);
    fill(buttons, ctx.canWrite ? (ALLOWED[c.status] ?? []).map(action => h('button', {
      type: 'button', id: `action-${action}`, class: action === 'stop' ? 'danger' : 'primary',
      onclick: () => act(action),
    }, ACTIONS[action].label)) : null);
  }

  async function exportCsv(what) {
    try {
      // the CSV, or the JSON error the service answers instead (the operation declares no produces: see ExportController)
      const file = await download(`/campaigns/${id}/export?what=${what}`, 'text/csv, application/json');
      fill(message, h('p', {class: 'ok', id: 'export-done', 'data-file': file.name, 'data-bytes': file.bytes},
        `Downloaded ${file.name} (${count(file.bytes / 1000)} kB).`));
    } catch (e) {
      fill(message, errorBox(e));
    }
  }

  async function cloneCampaign() {
    try {
      const copy = await post(`/campaigns/${id}/clone`);
      location.hash = `#/campaigns/${copy.id}`;
    } catch (e) {
      fill(message, errorBox(e));
    }
  }

  let liftTimer = null;
  async function refreshLift() {
    clearTimeout(liftTimer);
    if (!c.holdoutShare) return;
    try {
      showLift(await get(`/campaigns/${id}/stats/lift?window=${liftWindow.value}`));
    } catch (e) {
      if (!stopped) fill(lift, errorBox(e));
    }
    if (!stopped) liftTimer = setTimeout(refreshLift, LIFT_REFRESH_MS);
  }

  function showLift(l) {
    const row = (name, g, d) => h('tr', {'data-group': g.group},
      h('th', {scope: 'row'}, name),
      h('td', {}, num(g.members, undefined, {'data-metric': 'members'})),
      h('td', {}, num(g.opened, undefined, {'data-metric': 'opened'})),
      h('td', {}, percent(g.rate)),
      h('td', {'data-metric': 'lift', 'data-low': d?.low ?? '', 'data-high': d?.high ?? ''}, d ? points(d.difference) : '–',
        d ? h('div', {class: 'muted small'}, `${points(d.low)} to ${points(d.high)}`) : null));
    fill(lift, h('div', {class: 'table-wrap'}, h('table', {class: 'numbers', id: 'lift-table'},
      h('caption', {class: 'visually-hidden'}, 'Holdout lift'),
      h('thead', {}, h('tr', {}, ['Group', 'Members', 'Opened the app', 'Share', 'Lift over holdout (95%)'].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {},
        row('All pushed', l.pushed.group, l.pushed.lift),
        l.variants.map(v => row(`Variant ${v.group.group}`, v.group, v.lift)),
        row('Holdout (no push)', l.holdout, null)))),
      h('p', {class: 'muted small'}, l.complete ? `Every wave's window has closed (${dateTime(l.windowClosesAt)}).`
        : l.windowClosesAt ? `Still counting: the last wave's window closes ${dateTime(l.windowClosesAt)}.` : 'No wave has gone out yet.'));
  }

  async function act(action) {
    const a = ACTIONS[action];
    if (!await confirmAction(a.title, `${c.name}: ${a.text}`, a.ok)) return;
    try {
      c = await post(`/campaigns/${id}/${action}`);
      fill(message, h('p', {class: 'ok'}, `${a.ok.replace(' campaign', '')}: done, the campaign is now ${c.status.toLowerCase()}.`));
      showStatus();
    } catch (e) {
      fill(message, errorBox(e));
    }
  }

  function showStats(s) {
    const alarms = [['sent', s.sampleRatio], ['delivered', s.sampleRatioDelivered]].filter(([, t]) => t?.mismatch);
    fill(srm, alarms.length ? h('p', {class: 'banner warning', role: 'alert'}, h('strong', {}, 'Sample ratio mismatch: '),
      alarms.map(([what, t]) => `the users ${what} per variant are not the planned shares (p = ${P(t.pValue)}, ${count(t.sample)} users)`).join('; '),
      '. Something treats the variants differently (a failing variant, a filter, a bug): do not trust the comparison until it is explained.') : null);
    fill(summary,
      item('Progress', [progressBar(s.progress, 'Progress'), percent(s.progress), ' · ', num(s.outcomes), ' of ', num(s.audience, undefined, {id: 'audience'})]),
      item('Sent', num(s.variants.reduce((n, v) => n + v.sent, 0), undefined, {id: 'total-sent'})),
      item('Send rate', `${count(s.sendRatePerSecond * 60)}/min`),
      item('Time left', s.etaSeconds === null ? '–' : duration(s.etaSeconds)),
      item('Started', c.launchedAt ? dateTime(c.launchedAt) : 'not launched'),
      item('Data age', s.dataAgeSeconds === null ? '–' : duration(s.dataAgeSeconds)),
      item('Clicks from', h('span', {id: 'clicks-from'}, SOURCES[s.rewardSource])));
    fill(variants, s.variants.map((v, i) => {
      const skipped = Object.values(v.skipped ?? {}).reduce((a, b) => a + b, 0);
      return h('tr', {'data-variant': v.variant},
        h('th', {scope: 'row'}, h('span', {class: 'swatch', style: `background:${colors[i]}`}), v.variant, h('div', {class: 'muted small'}, names.get(v.variant))),
        h('td', {}, v.share === null ? '–' : percent(v.share)),
        h('td', {}, num(v.sent, undefined, {'data-metric': 'sent'})),
        h('td', {title: Object.entries(v.skipped ?? {}).map(([r, n]) => `${r}: ${n}`).join(', ')}, num(v.failed), ' / ', num(skipped)),
        h('td', {}, num(v.delivered, undefined, {'data-metric': 'delivered'})),
        h('td', {}, num(v.opened, undefined, {'data-metric': 'opened'})),
        h('td', {title: `the app: ${v.clickedByApp}, the provider: ${v.clickedByProvider}`}, num(v.clicked, undefined, {'data-metric': 'clicked'}),
          h('div', {class: 'muted small', 'data-metric': 'clicks-from'}, v.clicksFrom === 'PROVIDER' ? 'provider' : 'app')),
        h('td', {class: s.metric === 'OPENS' ? 'metric' : ''}, percent(v.openRate.rate), h('div', {class: 'muted small'}, interval(v.openRate))),
        h('td', {class: s.metric === 'CLICKS' ? 'metric' : ''}, percent(v.clickRate.rate), h('div', {class: 'muted small'}, interval(v.clickRate))),
        h('td', {}, percent(v.probabilityBest)));
    }));
    const providerNames = {onesignal: 'OneSignal', apns: 'APNs', fcm: 'FCM'};
    fill(providers, (s.providers ?? []).length === 0 ? h('tr', {}, h('td', {colspan: 6, class: 'muted'}, 'nothing sent yet'))
      : s.providers.map(p => h('tr', {'data-provider': p.provider},
        h('th', {scope: 'row'}, providerNames[p.provider] ?? p.provider),
        h('td', {}, num(p.requests)), h('td', {}, num(p.recipients)), h('td', {}, num(p.delivered, undefined, {'data-metric': 'delivered'})),
        h('td', {}, num(p.invalid)), h('td', {}, num(p.errored)))));
    if (s.variants.some(v => v.delivered > 0)) {
      rateHistory.push([Date.now() / 1000, ...s.variants.flatMap(v => [v.clickRate.rate, v.clickRate.low, v.clickRate.high])]);
      rateChart.set(rateHistory[0].map((_, col) => rateHistory.map(row => row[col])));
    }
  }

  let timer = null;
  let stopped = false;
  async function refresh() {
    try {
      const [fresh, stats, share, sends] = await Promise.all([
        get(`/campaigns/${id}`), get(`/campaigns/${id}/stats`),
        get(`/campaigns/${id}/stats/timeseries?metric=share&step=PT5S`),
        get(`/campaigns/${id}/stats/timeseries?metric=sends&step=PT10S`)]);
      if (stopped) return;
      if (fresh.status !== c.status || fresh.statusReason !== c.statusReason) {
        c = fresh;
        showStatus();
      }
      showStats(stats);
      shareChart.set(align(share, keys));
      sendsChart.set(align(sends, keys, 6));
    } catch (e) {
      if (!stopped) fill(message, errorBox(e));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }
  showStatus();
  await refresh();
  refreshLift();
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(liftTimer);
    shareChart.destroy();
    sendsChart.destroy();
    rateChart.destroy();
  };
}

/** A difference of shares in percentage points: 0.036 → "+3.6 pts". */
function points(d) {
  const p = d * 100;
  return `${p > 0 ? '+' : ''}${p.toFixed(1)} pts`;
}

function item(label, value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value));
}
