// @ts-check
// Unsaved changes. A form wired with onSubmit (forms.js) counts as changed once someone types
// in it, until it is saved or leaves the page. Leaving with changes asks first: following a
// link, the menu or Back (the router asks before it shows the next page), signing out, and
// closing the window (the shell asks the window before it closes). Editors that save as people
// type (assessments, plans, reviews) keep their drafts instead and are not counted.

import { confirmDialog } from './dom.js';

/** @type {Set<HTMLFormElement>} */
const changed = new Set();
/** @type {(dirty: boolean) => void} */
let tellShell = () => {};

/**
 * Who to tell when the window goes from "nothing unsaved" to "something unsaved" and back (the
 * shell, so that closing the window asks first).
 * @param {(dirty: boolean) => void} listener
 */
export function onUnsavedChange(listener) {
  tellShell = listener;
}

function sync() {
  for (const f of changed) if (!f.isConnected) changed.delete(f);
  // Said on the page too (for styles and the end-to-end tests), and to the shell.
  document.body.dataset.unsaved = String(changed.size > 0);
  tellShell(changed.size > 0);
}

/**
 * Count `form` as changed from the first edit in it until `saved(form)`.
 * @param {HTMLFormElement} form
 */
export function guard(form) {
  const mark = () => {
    if (changed.has(form)) return;
    changed.add(form);
    sync();
  };
  form.addEventListener('input', mark);
  form.addEventListener('change', mark);
}

/**
 * The form's changes are saved (or it was cancelled on purpose).
 * @param {HTMLFormElement} form
 */
export function saved(form) {
  if (changed.delete(form)) sync();
}

/** Whether a form on the page has changes that are not saved. */
export function hasUnsaved() {
  sync();
  return changed.size > 0;
}

/** Forget every change (the page is being left on purpose). */
export function forgetAll() {
  changed.clear();
  sync();
}

/**
 * Ask before leaving a page with unsaved changes. Resolves true to leave (the changes are then
 * forgotten), false to stay. Resolves true at once when there is nothing unsaved.
 * @param {string} [doing] what leaving is, in words: 'leave this page', 'sign out', 'close Carers Desk'
 */
export async function confirmLeave(doing = 'leave this page') {
  if (!hasUnsaved()) return true;
  const leave = await confirmDialog({
    title: 'You have changes that are not saved',
    message: `If you ${doing} now, what you typed on this page is lost. Stay to save it first.`,
    confirmLabel: doing === 'leave this page' ? 'Leave without saving' : `${doing[0].toUpperCase()}${doing.slice(1)} without saving`,
    cancelLabel: 'Stay on this page',
    danger: true,
  });
  if (leave) forgetAll();
  return leave;
}
