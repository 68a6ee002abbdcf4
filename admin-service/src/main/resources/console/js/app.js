// The console's shell: sign-in, navigation and the hash routes of the pages.
import {get, remember, forget, signedIn, ApiError} from './api.js';
import {h, fill, field, errorBox} from './dom.js';
import * as campaigns from './campaigns.js';
import * as campaign from './campaign.js';
import * as newCampaign from './new-campaign.js';
import * as cohorts from './cohorts.js';
import * as creatives from './creatives.js';

const view = document.getElementById('view');
let me = null;
let leave = null;   // the current page's clean-up (its timers)

const routes = [
  [/^#\/campaigns\/new$/, 'campaigns', () => newCampaign.render],
  [/^#\/campaigns\/(\d+)$/, 'campaigns', () => campaign.render],
  [/^#\/campaigns$/, 'campaigns', () => campaigns.render],
  [/^#\/cohorts\/(new|\d+)$/, 'cohorts', () => cohorts.renderBuilder],
  [/^#\/cohorts$/, 'cohorts', () => cohorts.renderList],
  [/^#\/creatives\/(new|\d+)$/, 'creatives', () => creatives.renderEditor],
  [/^#\/creatives$/, 'creatives', () => creatives.renderList],
];

/** What the signed-in user may do; the API checks it again on every call. */
function context() {
  const roles = me?.roles ?? [];
  return {me, canWrite: roles.includes('admin') || roles.includes('marketer')};
}

async function route() {
  if (leave) {
    leave();
    leave = null;
  }
  if (!signedIn() || !me) return showSignIn();
  const hash = location.hash || '#/campaigns';
  const match = routes.find(([pattern]) => pattern.test(hash));
  if (!match) {
    location.hash = '#/campaigns';
    return;
  }
  const [pattern, section, page] = match;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  fill(view, h('p', {class: 'muted'}, 'Loading…'));
  try {
    leave = await page()(view, context(), ...pattern.exec(hash).slice(1)) ?? null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    fill(view, errorBox(e));
  }
}

function showSignIn(problem) {
  me = null;
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  const user = h('input', {name: 'username', autocomplete: 'username', required: true});
  const password = h('input', {name: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const form = h('form', {class: 'card sign-in', onsubmit: async event => {
    event.preventDefault();
    remember(user.value, password.value);
    if (await loadMe()) route();
    else showSignIn('The user name or password is wrong.');
  }},
  h('h1', {}, 'Sign in'),
  h('p', {class: 'muted'}, 'With your pushflow admin account (the same as for the API).'),
  problem ? h('p', {class: 'error', role: 'alert'}, problem) : null,
  field('User name', user), field('Password', password),
  h('button', {class: 'primary', type: 'submit'}, 'Sign in'));
  fill(view, form);
  user.focus();
}

async function loadMe() {
  try {
    me = await get('/me');
  } catch {
    forget();
    me = null;
  }
  if (me) {
    document.getElementById('nav').hidden = false;
    document.getElementById('who').hidden = false;
    document.getElementById('who-name').textContent = `${me.name} (${me.roles.join(', ')})`;
  }
  return me !== null;
}

document.getElementById('sign-out').addEventListener('click', () => {
  forget();
  if (leave) leave();
  leave = null;
  showSignIn();
});
window.addEventListener('pushflow:signed-out', () => showSignIn('Your session ended: sign in again.'));
window.addEventListener('hashchange', () => {
  route();
  view.focus({preventScroll: true});
});

if (signedIn()) await loadMe();
route();
