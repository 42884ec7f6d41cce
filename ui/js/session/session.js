// @ts-check
// The window's side of signing in (docs/security.md, "For staff"). At start `begin` asks the
// core where it stands: a new database is set up (setup-wizard.js), a locked one asks who is
// there (lock-screen.js), an open one carries on. While someone is signed in this module shows
// who in the header (with "Hide screen", "Lock" and "Sign out"), hides what their role cannot
// use, locks after the idle minutes, and hides the screen at once on Ctrl+Shift+H.
//
// Locking never touches the page: the lock screen is a full-window modal dialog over it, so a
// half-filled form is still there when the same person signs in again. Someone else signing in
// starts afresh on the home page.

import * as api from '../api.js';
import { h, replace } from '../kit/dom.js';
import { openLockScreen } from './lock-screen.js';
import { runSetup } from './setup-wizard.js';

/** The quick-hide shortcut, as shown to people and as `aria-keyshortcuts` spells it. */
export const HIDE_SHORTCUT = 'Ctrl+Shift+H';
const HIDE_SHORTCUT_ARIA = 'Control+Shift+H';

export const ROLE_LABELS = {
  administrator: 'Administrator',
  support_worker: 'Support worker',
  school_staff: 'School staff',
  reporting: 'Reporting',
};

/** What each role may reach (context.rs `permits`): the core checks again on every call. */
const ROLE_ACCESS = {
  administrator: ['counts', 'records', 'school', 'admin'],
  support_worker: ['counts', 'records', 'school'],
  school_staff: ['school'],
  reporting: ['counts'],
};

/** What each main navigation item needs (by its data-nav); items not listed are always shown. */
const NAV_ACCESS = {
  home: 'records',
  reports: 'counts',
  carers: 'records',
  new: 'records',
  schools: 'school',
  transitions: 'records',
  passports: 'records',
  settings: 'admin',
  audit: 'admin',
  backups: 'admin',
  retention: 'admin',
  staff: 'admin',
};

/** How often the idle check runs. */
const IDLE_CHECK_MS = 5000;
const ACTIVITY_EVENTS = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart', 'pointerdown'];

let user = null;
let organisation = null;
let autoLockMinutes = 10;
let lastActivity = Date.now();
let idleTimer = null;
let lockScreen = null;
let lockedElsewhere = false;
let wired = false;
const resumeListeners = [];

/** The person signed in: { staff_id, username, name, role, school_id, school_name }, or null. */
export function currentUser() {
  return user;
}

/** Whether the signed-in person's role reaches `access` ('counts', 'records', 'school', 'admin'). */
export function can(access) {
  if (!user) return false;
  return (ROLE_ACCESS[user.role] || []).includes(access);
}

/** Where the home address takes someone who cannot see the register, or null. */
export function homeRedirect(path) {
  if (path !== '/' || !user || can('records')) return null;
  if (user.role === 'school_staff') return user.school_id ? `/schools/${user.school_id}` : '/schools';
  return '/reports';
}

/** The minutes without use before the window locks (after settings are saved). */
export function setAutoLockMinutes(minutes) {
  const n = Number(minutes);
  if (Number.isFinite(n) && n > 0) autoLockMinutes = n;
}

/** Run `listener()` each time the same person signs in again after a lock. */
export function onResume(listener) {
  resumeListeners.push(listener);
}

/** Whether the lock screen is showing. */
export function isLocked() {
  return lockScreen !== null;
}

/**
 * From the first `session_status` to someone signed in: runs the setup wizard in `main` or the
 * lock screen, as the status says. Resolves with the open status.
 */
export async function begin(main, status) {
  wireOnce();
  let current = status;
  if (current.state === 'setup') {
    showChrome(false);
    current = await runSetup(main, current);
  } else if (current.state !== 'open') {
    showChrome(false);
    current = await showLock(current, 'startup');
  }
  signedIn(current);
  return current;
}

function signedIn(status) {
  user = status.user || null;
  organisation = status.organisation ?? organisation;
  setAutoLockMinutes(status.auto_lock_minutes);
  document.body.dataset.role = user ? user.role : '';
  applyRole();
  renderSessionBar();
  showChrome(true);
  lastActivity = Date.now();
  if (!idleTimer) idleTimer = setInterval(checkIdle, IDLE_CHECK_MS);
}

/** Show or hide the parts of the header that belong to someone signed in. */
function showChrome(show) {
  const bar = document.getElementById('session-bar');
  if (bar) bar.hidden = !show;
}

/** Hide the navigation items the role cannot use. */
export function applyRole() {
  document.querySelectorAll('.site-nav [data-nav]').forEach((a) => {
    const needs = NAV_ACCESS[a.dataset.nav];
    const item = a.closest('li') || a;
    item.hidden = Boolean(needs) && !can(needs);
  });
}

function renderSessionBar() {
  const bar = document.getElementById('session-bar');
  if (!bar || !user) return;
  const role = user.role_label || ROLE_LABELS[user.role] || user.role;
  const where = user.role === 'school_staff' && user.school_name ? `, ${user.school_name}` : '';
  replace(bar,
    h('a', { href: '#/account', id: 'session-user', class: 'session-bar__user' },
      h('span', { class: 'visually-hidden' }, 'Signed in as '),
      h('span', { class: 'session-bar__name', id: 'session-user-name' }, user.name),
      h('span', { class: 'session-bar__role', id: 'session-user-role' }, `${role}${where}`)),
    h('button', {
      type: 'button', class: 'session-button', id: 'hide-screen',
      'aria-keyshortcuts': HIDE_SHORTCUT_ARIA, title: `Hide the screen at once (${HIDE_SHORTCUT})`,
      onclick: () => hideScreen(),
    }, 'Hide screen'),
    h('button', { type: 'button', class: 'session-button', id: 'lock-now', onclick: () => lock('lock') }, 'Lock'),
    h('button', { type: 'button', class: 'session-button', id: 'sign-out', onclick: () => signOut() }, 'Sign out'));
}

function wireOnce() {
  if (wired) return;
  wired = true;
  const seen = () => { lastActivity = Date.now(); };
  for (const type of ACTIVITY_EVENTS) document.addEventListener(type, seen, { capture: true, passive: true });
  document.addEventListener('keydown', (event) => {
    if (isHideShortcut(event)) {
      event.preventDefault();
      event.stopPropagation();
      hideScreen();
    }
  }, { capture: true });
  // A command refused because the desk is locked (say, after a restore): ask who is there.
  api.onLocked(() => {
    if (user && !lockScreen) {
      lockedElsewhere = true;
      lock('elsewhere', { tellCore: false });
    }
  });
}

function isHideShortcut(event) {
  return event.ctrlKey && event.shiftKey && !event.altKey && !event.metaKey
    && (event.code === 'KeyH' || String(event.key).toLowerCase() === 'h');
}

function checkIdle() {
  if (!user || lockScreen) return;
  if (Date.now() - lastActivity >= autoLockMinutes * 60_000) lock('idle');
}

/** Blank the window at once and lock: for when someone walks up to a shared desk. */
export function hideScreen() {
  if (!user || lockScreen) return;
  lock('hide');
}

/**
 * Lock: cover the window with the lock screen at once, then tell the core (the key leaves its
 * memory). The page underneath is left exactly as it is. `reason` is 'lock', 'idle', 'hide' or
 * 'elsewhere' (the core was locked without this window asking).
 */
export async function lock(reason = 'lock', { tellCore = true } = {}) {
  if (!user || lockScreen) return;
  const before = user;
  const status = {
    state: 'locked', last_username: before.username, organisation, demo: false, demo_accounts: [],
    retry_after_seconds: 0, auto_lock_minutes: autoLockMinutes,
  };
  const done = showLock(status, reason);
  try {
    const locked = tellCore ? await api.sessionLock() : await api.sessionStatus();
    lockScreen?.update(locked);
  } catch {
    // The cover is up either way; signing in again tells us where the core stands.
  }
  const next = await done;
  if (next.user && next.user.staff_id === before.staff_id && !lockedElsewhere) {
    signedIn(next);
    for (const listener of resumeListeners) {
      try { listener(); } catch { /* one listener must not stop the others */ }
    }
    return;
  }
  // Someone else (or a restored database): start afresh on the home page, drafts dropped.
  history.replaceState(null, '', '#/');
  location.reload();
}

/** Show the lock screen; resolves with the open status once someone has signed in. */
function showLock(status, reason) {
  const returnTo = /** @type {HTMLElement | null} */ (document.activeElement);
  const title = document.title;
  document.title = 'Carers Desk';
  const opened = openLockScreen({ status, reason, minutes: autoLockMinutes });
  lockScreen = opened;
  return opened.done.then((next) => {
    opened.close();
    lockScreen = null;
    document.title = title;
    if (returnTo && returnTo.isConnected && typeof returnTo.focus === 'function') returnTo.focus({ preventScroll: true });
    return next;
  });
}

/** Sign out: the core locks and forgets who was here; the window starts again (drafts dropped). */
export async function signOut() {
  const button = document.getElementById('sign-out');
  if (button) button.disabled = true;
  try {
    await api.sessionSignOut();
  } finally {
    history.replaceState(null, '', '#/');
    location.reload();
  }
}
