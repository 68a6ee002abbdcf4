// A new campaign: cohort, variants, split type, send window and limits; saved as a draft to launch from its page.
import {get, post} from './api.js';
import {h, fill, field, errorBox} from './dom.js';
import {all, num} from './shared.js';

export async function render(view, ctx) {
  if (!ctx.canWrite) {
    fill(view, h('h1', {}, 'New campaign'), h('p', {}, 'Only marketers and admins create campaigns.'));
    return;
  }
  const [cohorts, pushes] = await Promise.all([all(get, '/cohorts'), all(get, '/pushes')]);

  const name = h('input', {id: 'c-name', required: true, maxlength: 200});
  const app = h('input', {id: 'c-app', required: true, value: 'windy-ios', pattern: '[a-z0-9][a-z0-9._-]*'});
  const cohort = h('select', {id: 'c-cohort', required: true, onchange: showSize},
    h('option', {value: ''}, 'choose a cohort…'), cohorts.map(c => h('option', {value: c.id}, c.name)));
  const cohortSize = h('small', {class: 'muted', id: 'c-cohort-size', 'aria-live': 'polite'});
  const split = h('select', {id: 'c-split', onchange: showSplit},
    h('option', {value: 'BANDIT'}, 'Bandit: more traffic to the best (Thompson sampling)'),
    h('option', {value: 'AB_WINNER'}, 'A/B test, then the winner'),
    h('option', {value: 'AB_FIXED'}, 'Fixed split'));
  const provider = h('select', {id: 'c-provider', onchange: showSources},
    h('option', {value: 'ONESIGNAL'}, 'OneSignal (subscription ids)'),
    h('option', {value: 'DIRECT'}, 'directly: APNs for iOS tokens, FCM for Android tokens'));
  const metric = h('select', {id: 'c-metric', onchange: showSources}, h('option', {value: 'CLICKS'}, 'clicks'), h('option', {value: 'OPENS'}, 'opens'));
  const rewardSource = h('select', {id: 'c-reward-source'},
    h('option', {value: 'AUTO'}, 'both: the larger of the app\'s and the provider\'s count'),
    h('option', {value: 'PROVIDER'}, 'the provider\'s click counts (no app events needed)'),
    h('option', {value: 'APP'}, 'the app\'s events'));
  const minShare = h('input', {id: 'c-min-share', type: 'number', min: 0, max: 50, step: 1, value: 5});
  const burnIn = h('input', {id: 'c-burn-in', type: 'number', min: 0, step: 10, value: 100});
  const testShare = h('input', {id: 'c-test-share', type: 'number', min: 1, max: 90, step: 1, value: 20});
  const testDuration = h('input', {id: 'c-test-duration', value: 'PT30M'});
  const holdout = h('input', {id: 'c-holdout', type: 'number', min: 0, max: 50, step: 1, value: 0});
  const startAt = h('input', {id: 'c-start', type: 'datetime-local'});
  const windowAmount = h('input', {id: 'c-window', type: 'number', min: 1, required: true, value: 2});
  const windowUnit = h('select', {id: 'c-window-unit', 'aria-label': 'Window unit'},
    h('option', {value: 'M'}, 'minutes'), h('option', {value: 'H', selected: true}, 'hours'), h('option', {value: 'D'}, 'days'));
  const rateLimit = h('input', {id: 'c-rate', type: 'number', min: 1, max: 1000000, placeholder: 'no limit'});
  const pace = h('select', {id: 'c-pace'},
    h('option', {value: 'EVEN'}, 'spread over the window (the split test learns)'),
    h('option', {value: 'ASAP'}, 'as fast as the rate limit allows'));
  const quietOn = h('input', {id: 'c-quiet', type: 'checkbox'});
  const quietStart = h('input', {id: 'c-quiet-start', type: 'time', value: '22:00'});
  const quietEnd = h('input', {id: 'c-quiet-end', type: 'time', value: '08:00'});
  const capOn = h('input', {id: 'c-cap', type: 'checkbox'});
  const capCount = h('input', {id: 'c-cap-count', type: 'number', min: 1, max: 100, value: 2});
  const capPeriod = h('select', {id: 'c-cap-period', 'aria-label': 'Frequency cap period'},
    h('option', {value: 'PT12H'}, '12 hours'), h('option', {value: 'P1D', selected: true}, 'day'), h('option', {value: 'P7D'}, 'week'));
  const splitOptions = h('div', {class: 'grid2'});
  const message = h('div', {'aria-live': 'polite'});

  const variantRows = pushes.map(p => {
    const pick = h('input', {type: 'checkbox', class: 'variant-pick', value: p.id, 'data-name': p.name});
    const weight = h('input', {type: 'number', class: 'variant-weight', min: 0.1, step: 0.1, value: 1, 'aria-label': `Weight of ${p.name}`});
    return {push: p, pick, weight, row: h('div', {class: 'variant-row'},
      h('label', {class: 'inline'}, pick, ' ', p.name, h('span', {class: 'muted small'}, ` — ${p.texts[p.defaultLocale]?.title ?? ''}`)),
      h('span', {class: 'weight'}, weight))};
  });

  async function showSize() {
    fill(cohortSize);
    if (!cohort.value) return;
    try {
      const size = await get(`/cohorts/${cohort.value}/size`);
      fill(cohortSize, num(size.count), ' users now');
    } catch (e) {
      fill(cohortSize, e.message);
    }
  }

  // OneSignal counts clicks only, APNs and FCM nothing: opens, and a direct campaign's clicks, come from the app's events
  function showSources() {
    const counts = rewardSource.querySelector('option[value=PROVIDER]');
    counts.disabled = metric.value === 'OPENS' || provider.value === 'DIRECT';
    if (counts.disabled && rewardSource.value === 'PROVIDER') rewardSource.value = 'AUTO';
  }

  function showSplit() {
    const type = split.value;
    view.querySelector('#variants-box')?.classList.toggle('weighted', type === 'AB_FIXED');
    fill(splitOptions,
      type !== 'AB_FIXED' ? [field('Metric', metric), field('Counted from', rewardSource, 'Where opens and clicks are counted')] : null,
      type === 'BANDIT' ? [field('Minimum share per variant (%)', minShare), field('Deliveries per variant before sampling', burnIn)] : null,
      type === 'AB_WINNER' ? [field('Test share of the audience (%)', testShare), field('Test duration (ISO 8601)', testDuration, 'e.g. PT30M, PT2H')] : null,
      type === 'AB_FIXED' ? h('p', {class: 'muted small'}, 'Give each variant a relative weight above.') : null);
  }

  function request() {
    const picked = variantRows.filter(v => v.pick.checked);
    const type = split.value;
    const body = {
      name: name.value.trim(), app: app.value.trim(), cohortId: cohort.value ? Number(cohort.value) : null,
      variants: picked.map(v => ({pushId: v.push.id, weight: type === 'AB_FIXED' ? Number(v.weight.value) : null})),
      split: {type, metric: type === 'AB_FIXED' ? null : metric.value, rewardSource: type === 'AB_FIXED' ? null : rewardSource.value},
      holdoutShare: Number(holdout.value) / 100,
      startAt: startAt.value ? new Date(startAt.value).toISOString() : null,
      duration: `P${windowUnit.value === 'D' ? `${windowAmount.value}D` : `T${windowAmount.value}${windowUnit.value}`}`,
      sendRateLimit: rateLimit.value ? Number(rateLimit.value) : null,
      pace: pace.value,
      quietHours: quietOn.checked ? {start: quietStart.value, end: quietEnd.value} : null,
      frequencyCap: capOn.checked ? {count: Number(capCount.value), period: capPeriod.value} : null,
      provider: provider.value,
    };
    if (type === 'BANDIT') Object.assign(body.split, {minShare: Number(minShare.value) / 100, burnIn: Number(burnIn.value)});
    if (type === 'AB_WINNER') Object.assign(body.split, {testShare: Number(testShare.value) / 100, testDuration: testDuration.value.trim()});
    return body;
  }

  async function create(event) {
    event.preventDefault();
    try {
      const created = await post('/campaigns', request());
      location.hash = `#/campaigns/${created.id}`;
    } catch (e) {
      fill(message, errorBox(e));
      message.querySelector('[role=alert]')?.scrollIntoView({block: 'nearest'});
    }
  }

  fill(view,
    h('p', {class: 'crumbs'}, h('a', {href: '#/campaigns'}, 'Campaigns'), ' / '),
    h('h1', {}, 'New campaign'),
    h('form', {class: 'card new-campaign', onsubmit: create},
      h('div', {class: 'grid2'}, field('Name', name), field('App', app, 'The app id the pushes go to, e.g. windy-ios')),
      h('div', {class: 'field'}, h('label', {for: 'c-cohort'}, 'Cohort'), cohort, cohortSize,
        cohorts.length === 0 ? h('small', {}, h('a', {href: '#/cohorts/new'}, 'Build a cohort first')) : null),
      h('fieldset', {id: 'variants-box'}, h('legend', {}, 'Variants (2 to 10 creatives)'),
        pushes.length < 2 ? h('p', {}, h('a', {href: '#/creatives/new'}, 'Write at least two creatives first')) : variantRows.map(v => v.row)),
      h('fieldset', {}, h('legend', {}, 'Split test'), field('Type', split), splitOptions),
      h('fieldset', {}, h('legend', {}, 'Window and limits'),
        h('div', {class: 'grid2'},
          field('Start (your local time; empty: at launch)', startAt),
          h('div', {class: 'field'}, h('label', {for: 'c-window'}, 'Send window'), h('div', {class: 'row'}, windowAmount, windowUnit))),
        h('div', {class: 'grid2'}, field('Holdout (control group, %)', holdout), field('Send rate limit (pushes per second)', rateLimit)),
        h('div', {class: 'grid2'}, field('Pace', pace),
          field('Sent through', provider, 'Direct: users without a device token are skipped (no_device_token)')),
        h('div', {class: 'grid2'},
          h('div', {class: 'field'}, h('label', {class: 'inline'}, quietOn, ' Quiet hours (user\'s time zone)'),
            h('div', {class: 'row'}, h('label', {for: 'c-quiet-start', class: 'visually-hidden'}, 'Quiet from'), quietStart, ' to ',
              h('label', {for: 'c-quiet-end', class: 'visually-hidden'}, 'Quiet until'), quietEnd)),
          h('div', {class: 'field'}, h('label', {class: 'inline'}, capOn, ' Frequency cap'),
            h('div', {class: 'row'}, h('label', {for: 'c-cap-count', class: 'visually-hidden'}, 'Pushes at most'), capCount, ' per ', capPeriod)))),
      message,
      h('button', {type: 'submit', class: 'primary', id: 'create-campaign'}, 'Create draft'),
      h('p', {class: 'muted small'}, 'A draft sends nothing: launch it from its page.')));
  showSplit();
}

