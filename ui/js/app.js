// @ts-check
// The app: hash routing, the header, the "saved" message and first-run check.
// Screens move about through nav.js, never through this module. Each view module exports
// `render(main, params)`; it may return a cleanup function.

import * as api from './api.js';
import { h, replace, focusElement } from './kit/dom.js';
import { connectRouter, parseHash, takeFlash, flash, setTitle, showOrganisation, renderFailure } from './nav.js';
import * as session from './session/session.js';
import { hasUnsaved, confirmLeave, onUnsavedChange } from './kit/unsaved.js';

const routes = [
  { pattern: /^\/$/, view: () => import('./register/home.js'), nav: 'home', title: 'Home' },
  { pattern: /^\/welcome$/, view: () => import('./session/welcome.js'), nav: null, title: 'Welcome' },
  { pattern: /^\/carers$/, view: () => import('./register/register.js'), nav: 'carers', title: 'Carers' },
  { pattern: /^\/carers\/new$/, view: () => import('./register/carer-form.js'), nav: 'new', title: 'Add a carer' },
  { pattern: /^\/carers\/(\d+)$/, keys: ['id'], view: () => import('./register/carer-record.js'), nav: 'carers', title: 'Carer' },
  { pattern: /^\/carers\/(\d+)\/edit$/, keys: ['id'], view: () => import('./register/carer-form.js'), nav: 'carers', title: 'Edit carer' },
  { pattern: /^\/cared-for\/(\d+)$/, keys: ['id'], view: () => import('./register/cared-for.js'), nav: 'carers', title: 'Cared-for person' },
  { pattern: /^\/cared-for\/(\d+)\/edit$/, keys: ['id'], view: () => import('./register/cared-for-form.js'), nav: 'carers', title: 'Edit cared-for person' },
  { pattern: /^\/assessments\/(\d+)$/, keys: ['id'], view: () => import('./assessments/assessment.js'), nav: 'carers', title: 'Assessment' },
  { pattern: /^\/plans\/(\d+)$/, keys: ['id'], view: () => import('./plans/plan.js'), nav: 'carers', title: 'Support plan' },
  { pattern: /^\/reviews\/(\d+)$/, keys: ['id'], view: () => import('./plans/review.js'), nav: 'carers', title: 'Review of a support plan' },
  { pattern: /^\/plan-work$/, view: () => import('./plans/plan-work.js'), nav: 'home', title: 'Support plan work' },
  { pattern: /^\/schools$/, view: () => import('./schools/schools.js'), nav: 'schools', title: 'Schools' },
  { pattern: /^\/schools\/new$/, view: () => import('./schools/school-form.js'), nav: 'schools', title: 'Add a school' },
  { pattern: /^\/schools\/(\d+)$/, keys: ['id'], view: () => import('./schools/school.js'), nav: 'schools', title: 'School' },
  { pattern: /^\/schools\/(\d+)\/edit$/, keys: ['id'], view: () => import('./schools/school-form.js'), nav: 'schools', title: 'Edit school' },
  { pattern: /^\/referrals$/, view: () => import('./schools/referrals.js'), nav: 'referrals', title: 'Referrals from schools' },
  { pattern: /^\/referrals\/new$/, view: () => import('./schools/referral-form.js'), nav: 'referrals', title: 'Refer a young carer' },
  { pattern: /^\/referrals\/(\d+)$/, keys: ['id'], view: () => import('./schools/referral.js'), nav: 'referrals', title: 'Referral' },
  { pattern: /^\/pupils\/(\d+)$/, keys: ['id'], view: () => import('./schools/pupil.js'), nav: 'schools', title: 'Young carer' },
  { pattern: /^\/transitions$/, view: () => import('./schools/transitions.js'), nav: 'transitions', title: 'Transition to adulthood' },
  { pattern: /^\/carers\/(\d+)\/passports\/new$/, keys: ['id'], view: () => import('./passports/passport-form.js'), nav: 'carers', title: 'Issue a passport or card' },
  { pattern: /^\/passports$/, view: () => import('./passports/passports.js'), nav: 'passports', title: 'Passports and cards' },
  { pattern: /^\/passports\/(\d+)$/, keys: ['id'], view: () => import('./passports/passport.js'), nav: 'passports', title: 'Passport' },
  { pattern: /^\/settings$/, view: () => import('./settings/settings.js'), nav: 'settings', title: 'Settings' },
  { pattern: /^\/settings\/staff$/, view: () => import('./session/staff.js'), nav: 'settings', title: 'Staff accounts' },
  { pattern: /^\/account$/, view: () => import('./session/account.js'), nav: null, title: 'Your account' },
  { pattern: /^\/reports$/, view: () => import('./reports/reporting.js'), nav: 'reports', title: 'Reports' },
  { pattern: /^\/import$/, view: () => import('./import/import.js'), nav: 'carers', title: 'Import carers from a spreadsheet' },
  { pattern: /^\/audit$/, view: () => import('./safety/audit.js'), nav: 'settings', title: 'Audit trail' },
  { pattern: /^\/backups$/, view: () => import('./safety/backups.js'), nav: 'settings', title: 'Backups' },
  { pattern: /^\/retention$/, view: () => import('./safety/retention.js'), nav: 'settings', title: 'Records past retention' },
];

const main = document.getElementById('main');
let cleanup = null;
let renderCount = 0;
let firstRun = false;

function markNav(nav) {
  document.querySelectorAll('[data-nav]').forEach((a) => {
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

/**
 * Back returns to where you were: each page in the window's history gets a number (kept in
 * history.state), and the scroll position of the page being left is remembered under it; a
 * page reached by Back or Forward is scrolled there again once drawn (a report's drill-down and
 * back keeps the period, which is in the address, and the place on the page).
 */
let pageIndex = 0;
let pageCounter = 0;
/** @type {Map<number, number>} */
const scrolls = new Map();

/** After a page is drawn: scroll it to where it was (Back, Forward), or number it (new). */
function placePage() {
  const state = history.state;
  if (state && typeof state.page === 'number') {
    pageIndex = state.page;
    window.scrollTo(0, scrolls.get(pageIndex) || 0);
    return;
  }
  pageIndex = ++pageCounter;
  history.replaceState({ page: pageIndex }, '', location.hash);
  window.scrollTo(0, 0);
}

/**
 * Leaving a page with unsaved changes (a link, the menu, Back) asks first: the window goes back
 * to the page's own entry in its history (back over a link's new entry, forward over Back's
 * step), then asks; leaving goes to the address that was asked for.
 */
let leaving = false;
let ignoreNext = false;
async function onHashChange(/** @type {HashChangeEvent} */ event) {
  if (ignoreNext) { ignoreNext = false; return; }
  const before = new URL(event.oldURL).hash;
  if (!leaving) scrolls.set(pageIndex, window.scrollY);
  if (!leaving && before.startsWith('#/') && hasUnsaved()) {
    const target = location.hash;
    const wentBack = history.state && typeof history.state.page === 'number' && history.state.page < pageIndex;
    ignoreNext = true;
    if (wentBack) history.forward();
    else history.back();
    if (!(await confirmLeave())) return;
    leaving = true;
    location.hash = target;
    return;
  }
  leaving = false;
  route();
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
  const flashText = takeFlash();
  flash(null);
  if (!match) {
    markNav(null);
    setTitle('Page not found');
    renderFailure(main, { code: 'not_found', message: 'there is no page at this address' });
    return;
  }
  const { r, m } = match;
  /** @type {import('./nav.js').RouteParams} */
  const params = { query };
  (r.keys || []).forEach((k, i) => { params[k] = Number(m[i + 1]); });
  markNav(r.nav);
  setTitle(r.title);
  main.setAttribute('aria-busy', 'true');
  try {
    /** @type {{ render: (main: HTMLElement, params: import('./nav.js').RouteParams) => any }} */
    const mod = await r.view();
    if (thisRender !== renderCount) return;
    const container = h('div', { class: 'view' });
    const result = await mod.render(container, params);
    if (thisRender !== renderCount) { if (typeof result === 'function') result(); return; }
    replace(main, container);
    cleanup = typeof result === 'function' ? result : null;
    if (flashText) flash(flashText);
    // Focus: the view's chosen element ([data-autofocus]) or the page heading; then the page's
    // place (the top, or where it was when Back returns to it).
    const target = container.querySelector('[data-autofocus]') || container.querySelector('h1');
    focusElement(target);
    placePage();
  } catch (err) {
    if (thisRender !== renderCount) return;
    renderFailure(main, err);
  } finally {
    if (thisRender === renderCount) main.removeAttribute('aria-busy');
  }
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
  connectRouter({ rerender: route, firstRunDone: () => { firstRun = false; showNav(true); } });
  wireSkipLink();
  window.addEventListener('hashchange', onHashChange);
  onUnsavedChange((dirty) => api.setUnsaved(dirty));
  api.onCloseRequested(() => confirmLeave('close Carers Desk'));
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
  import('./safety/backups.js').then((m) => m.afterSignIn()).catch(() => {});
  // The register is checked at each sign-in, partly in the background: a problem is shown.
  const checkRegister = () => import('./safety/register-check.js').then((m) => m.watchRegisterCheck()).catch(() => {});
  checkRegister();
  session.onResume(() => {
    checkRegister();
    // A page that failed because the desk was locked under it is shown again.
    if (main.querySelector('[data-failure="locked"]')) route();
  });
  api.settingsGet().then((s) => showOrganisation(s.organisation_name)).catch(() => {});
  route();
}

start();
