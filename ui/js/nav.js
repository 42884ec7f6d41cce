// @ts-check
// Moving about the window, for every screen: go to an address, change the query without a new
// page, the calm "saved" message, the page title, a page that could not be shown. Screens use
// this module and never the router (app.js), which registers itself here at start: so no screen
// imports the module that imports it.

import { h, replace, focusElement } from './kit/dom.js';
import { sentence } from './kit/format.js';

/**
 * What a screen's `render(main, params)` is given: the record id from the address (if any) and
 * the query (`#/carers?q=smith`).
 * @typedef {{ id?: number, query: URLSearchParams }} RouteParams
 */

/** @type {() => void} */
let rerender = () => {};
/** @type {() => void} */
let firstRunDone = () => {};
/** @type {string | null} */
let pendingFlash = null;
let lastRegister = '#/carers';

/**
 * The router's hooks: `rerender` shows the current address again; `firstRunDone` is run when
 * the first-run choice has been made. Called once, by app.js.
 * @param {{ rerender: () => void, firstRunDone: () => void }} hooks
 */
export function connectRouter(hooks) {
  rerender = hooks.rerender;
  firstRunDone = hooks.firstRunDone;
}

/**
 * Split '#/carers?q=smith' into { path: '/carers', query: URLSearchParams }.
 * @param {string} hash
 */
export function parseHash(hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(search) };
}

/**
 * Go to a route. `flash` is shown (and announced) once the new page is on screen.
 * @param {string} path
 * @param {{ flash?: string }} [o]
 */
export function navigate(path, { flash: text } = {}) {
  pendingFlash = text || null;
  const target = `#${path}`;
  if (location.hash === target) rerender();
  else location.hash = target;
}

/** The message `navigate` was asked to show on the next page (taken once, by the router). */
export function takeFlash() {
  const text = pendingFlash;
  pendingFlash = null;
  return text;
}

/**
 * Change the query part of the current address without re-rendering (keeps Back useful).
 * @param {Record<string, string | number | null | undefined>} params
 */
export function replaceQuery(params) {
  const { path } = parseHash(location.hash);
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') search.set(k, String(v));
  const qs = search.toString();
  const hash = `#${path}${qs ? `?${qs}` : ''}`;
  history.replaceState(null, '', hash);
  if (path === '/carers') lastRegister = hash;
}

/** The register as last searched, so "Back to carers" returns to the same list. */
export function registerHref() {
  return lastRegister;
}

/**
 * Show a calm confirmation ("Saved") at the top of the page; it is a live region.
 * @param {string | null} text
 */
export function flash(text) {
  const el = /** @type {HTMLElement} */ (document.getElementById('flash'));
  replace(el, text ? h('p', { class: 'flash__text' }, text) : null);
}

/**
 * Set the document title (the organisation's name after it).
 * @param {string | null} text
 */
export function setTitle(text) {
  const org = document.getElementById('org-name')?.textContent || 'Carers Desk';
  document.title = text ? `${text} – ${org}` : org;
}

/**
 * Put the organisation's name in the header (called at start and after settings are saved).
 * @param {string | null | undefined} name
 */
export function showOrganisation(name) {
  const org = /** @type {HTMLElement} */ (document.getElementById('org-name'));
  const product = /** @type {HTMLElement} */ (document.getElementById('product-name'));
  if (name && name.trim()) {
    org.textContent = name;
    product.hidden = false;
  } else {
    org.textContent = 'Carers Desk';
    product.hidden = true;
  }
}

/**
 * A page-level error (record not found, core unreachable) in place of the view.
 * @param {HTMLElement} container
 * @param {{ code?: string, message?: string } | null | undefined} err
 * @param {{ heading?: string, backHref?: string, backLabel?: string }} [o]
 */
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

/** The first-run screen has been answered. */
export function finishFirstRun() {
  firstRunDone();
}
