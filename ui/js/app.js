// The app: hash routing, the header, the "saved" message and first-run check.
// Each view module exports `render(main, params)`; it may return a cleanup function.

import * as api from './api.js';
import { h, replace, focusElement } from './dom.js';
import { sentence } from './format.js';
import * as session from './session.js';

const routes = [
  { pattern: /^\/$/, view: () => import('./home.js'), nav: 'home', title: 'Home' },
  { pattern: /^\/welcome$/, view: () => import('./welcome.js'), nav: null, title: 'Welcome' },
  { pattern: /^\/carers$/, view: () => import('./register.js'), nav: 'carers', title: 'Carers' },
  { pattern: /^\/carers\/new$/, view: () => import('./carer-form.js'), nav: 'new', title: 'Add a carer' },
  { pattern: /^\/carers\/(\d+)$/, keys: ['id'], view: () => import('./carer-record.js'), nav: 'carers', title: 'Carer' },
  { pattern: /^\/carers\/(\d+)\/edit$/, keys: ['id'], view: () => import('./carer-form.js'), nav: 'carers', title: 'Edit carer' },
  { pattern: /^\/cared-for\/(\d+)$/, keys: ['id'], view: () => import('./cared-for.js'), nav: 'carers', title: 'Cared-for person' },
  { pattern: /^\/cared-for\/(\d+)\/edit$/, keys: ['id'], view: () => import('./cared-for-form.js'), nav: 'carers', title: 'Edit cared-for person' },
  { pattern: /^\/assessments\/(\d+)$/, keys: ['id'], view: () => import('./assessment.js'), nav: 'carers', title: 'Assessment' },
  { pattern: /^\/plans\/(\d+)$/, keys: ['id'], view: () => import('./plan.js'), nav: 'carers', title: 'Support plan' },
  { pattern: /^\/reviews\/(\d+)$/, keys: ['id'], view: () => import('./review.js'), nav: 'carers', title: 'Review of a support plan' },
  { pattern: /^\/plan-work$/, view: () => import('./plan-work.js'), nav: 'home', title: 'Support plan work' },
  { pattern: /^\/schools$/, view: () => import('./schools.js'), nav: 'schools', title: 'Schools' },
  { pattern: /^\/schools\/new$/, view: () => import('./school-form.js'), nav: 'schools', title: 'Add a school' },
  { pattern: /^\/schools\/(\d+)$/, keys: ['id'], view: () => import('./school.js'), nav: 'schools', title: 'School' },
  { pattern: /^\/schools\/(\d+)\/edit$/, keys: ['id'], view: () => import('./school-form.js'), nav: 'schools', title: 'Edit school' },
  { pattern: /^\/transitions$/, view: () => import('./transitions.js'), nav: 'transitions', title: 'Transition to adulthood' },
  { pattern: /^\/carers\/(\d+)\/passports\/new$/, keys: ['id'], view: () => import('./passport-form.js'), nav: 'carers', title: 'Issue a passport or card' },
  { pattern: /^\/passports$/, view: () => import('./passports.js'), nav: 'passports', title: 'Passports and cards' },
  { pattern: /^\/passports\/(\d+)$/, keys: ['id'], view: () => import('./passport.js'), nav: 'passports', title: 'Passport' },
  { pattern: /^\/settings$/, view: () => import('./settings.js'), nav: 'settings', title: 'Settings' },
  { pattern: /^\/settings\/staff$/, view: () => import('./staff.js'), nav: 'settings', title: 'Staff accounts' },
  { pattern: /^\/account$/, view: () => import('./account.js'), nav: null, title: 'Your account' },
  { pattern: /^\/reports$/, view: () => import('./reporting.js'), nav: 'reports', title: 'Reports' },
  { pattern: /^\/import$/, view: () => import('./import.js'), nav: 'settings', title: 'Import carers from a spreadsheet' },
  { pattern: /^\/audit$/, view: () => import('./audit.js'), nav: 'settings', title: 'Audit trail' },
  { pattern: /^\/backups$/, view: () => import('./backups.js'), nav: 'settings', title: 'Backups' },
  { pattern: /^\/retention$/, view: () => import('./retention.js'), nav: 'settings', title: 'Records past retention' },
];

const main = document.getElementById('main');
let cleanup = null;
let renderCount = 0;
let pendingFlash = null;
let firstRun = false;

/** Split '#/carers?q=smith' into { path: '/carers', query: URLSearchParams }. */
function parseHash(hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(search) };
}

/** Go to a route. `flash` is shown (and announced) once the new page is on screen. */
export function navigate(path, { flash } = {}) {
  pendingFlash = flash || null;
  const target = `#${path}`;
  if (location.hash === target) route();
  else location.hash = target;
}

/** Change the query part of the current address without re-rendering (keeps Back useful). */
export function replaceQuery(params) {
  const { path } = parseHash(location.hash);
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') search.set(k, v);
  const qs = search.toString();
  const hash = `#${path}${qs ? `?${qs}` : ''}`;
  history.replaceState(null, '', hash);
  if (path === '/carers') lastRegister = hash;
}

let lastRegister = '#/carers';

/** The register as last searched, so "Back to carers" returns to the same list. */
export function registerHref() {
  return lastRegister;
}

/** Show a calm confirmation ("Saved") at the top of the page; it is a live region. */
export function flash(text) {
  const el = document.getElementById('flash');
  replace(el, text ? h('p', { class: 'flash__text' }, text) : null);
}

/** Set the document title and the visible organisation name. */
export function setTitle(text) {
  const org = document.getElementById('org-name').textContent;
  document.title = text ? `${text} – ${org}` : org;
}

/** Put the organisation's name in the header (called at start and after settings are saved). */
export function showOrganisation(name) {
  const org = document.getElementById('org-name');
  const product = document.getElementById('product-name');
  if (name && name.trim()) {
    org.textContent = name;
    product.hidden = false;
  } else {
    org.textContent = 'Carers Desk';
    product.hidden = true;
  }
}

function markNav(nav) {
  document.querySelectorAll('[data-nav]').forEach((a) => {
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

/** A page-level error (record not found, core unreachable) in place of the view. */
export function renderFailure(container, err, { heading = 'Sorry, this page could not be shown', backHref = '#/', backLabel = 'Go to the home page' } = {}) {
  const notFound = err && err.code === 'not_found';
  const refused = err && err.code === 'not_permitted';
  replace(container,
    h('h1', { class: 'page-title', tabindex: '-1', dataset: { failure: err?.code || 'error' } },
      notFound ? 'Not found' : refused ? 'Your account cannot open this' : heading),
    h('p', { class: 'lead' }, sentence(err?.message || 'something went wrong')),
    h('p', null, h('a', { href: backHref }, backLabel)),
  );
  focusElement(container.querySelector('h1'));
}

async function route() {
  const { path, query } = parseHash(location.hash);
  if (!location.hash.startsWith('#/') && location.hash !== '') return; // in-page anchors
  if (firstRun && path !== '/welcome') { location.replace('#/welcome'); return; }
  const home = session.homeRedirect(path); // school staff and reporting have their own home
  if (home) { location.replace(`#${home}`); return; }
  const match = routes.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
  const thisRender = ++renderCount;
  if (cleanup) { try { cleanup(); } catch { /* a view's cleanup must not stop navigation */ } cleanup = null; }
  const flashText = pendingFlash;
  pendingFlash = null;
  flash(null);
  if (!match) {
    markNav(null);
    setTitle('Page not found');
    renderFailure(main, { code: 'not_found', message: 'there is no page at this address' });
    return;
  }
  const { r, m } = match;
  const params = { query };
  (r.keys || []).forEach((k, i) => { params[k] = Number(m[i + 1]); });
  markNav(r.nav);
  setTitle(r.title);
  main.setAttribute('aria-busy', 'true');
  try {
    const mod = await r.view();
    if (thisRender !== renderCount) return;
    const container = h('div', { class: 'view' });
    const result = await mod.render(container, params);
    if (thisRender !== renderCount) { if (typeof result === 'function') result(); return; }
    replace(main, container);
    cleanup = typeof result === 'function' ? result : null;
    window.scrollTo(0, 0);
    if (flashText) flash(flashText);
    // Focus: the view's chosen element ([data-autofocus]) or the page heading.
    const target = container.querySelector('[data-autofocus]') || container.querySelector('h1');
    focusElement(target);
  } catch (err) {
    if (thisRender !== renderCount) return;
    renderFailure(main, err);
  } finally {
    if (thisRender === renderCount) main.removeAttribute('aria-busy');
  }
}

/** The first-run screen has been answered. */
export function finishFirstRun() {
  firstRun = false;
  showNav(true);
}

/** The navigation is hidden until the first-run question is answered. */
function showNav(show) {
  document.querySelector('.site-nav').hidden = !show;
}

function wireSkipLink() {
  // The skip link is a real link to #main, but changing the address would leave the current
  // page: move focus instead.
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    focusElement(main);
    main.scrollIntoView();
  });
}

async function start() {
  wireSkipLink();
  window.addEventListener('hashchange', route);
  if (!api.hasCore()) {
    // api.js explains on screen why nothing can be shown.
    api.call('app_info').catch(() => {});
    showNav(false);
    replace(main, h('h1', { class: 'page-title' }, 'Carers Desk cannot start here'));
    return;
  }
  // The shell opens the database as the window opens: give it a few seconds.
  let status;
  for (let attempt = 0; ; attempt += 1) {
    try {
      status = await api.sessionStatus();
      break;
    } catch (err) {
      if (err.code === 'storage' && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      renderFailure(main, err, { heading: 'Carers Desk could not open the register' });
      return;
    }
  }
  // Set up a new organisation or sign in first (session.js), then the first-run choice.
  showNav(false);
  try {
    await session.begin(main, status);
    firstRun = Boolean((await api.setupStatus()).first_run);
  } catch (err) {
    renderFailure(main, err, { heading: 'Carers Desk could not open the register' });
    return;
  }
  showNav(!firstRun);
  // Someone has signed in: the day's automatic backup, quietly (backups.js says so on the home
  // page if one was made, and warns if it could not be).
  import('./backups.js').then((m) => m.afterSignIn()).catch(() => {});
  session.onResume(() => {
    // A page that failed because the desk was locked under it is shown again.
    if (main.querySelector('[data-failure="locked"]')) route();
  });
  api.settingsGet().then((s) => showOrganisation(s.organisation_name)).catch(() => {});
  route();
}

start();
