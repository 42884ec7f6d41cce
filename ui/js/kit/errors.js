// @ts-check
// Showing the core's errors: a GOV.UK-style summary at the top of the form ("There is a
// problem", one link per problem, focused) and each message beside its field; quiet errors
// beside the fields only (while someone types); links to the field a message is about.
//
// The core names the argument at fault by its JSON path (`person.first_name`,
// `needs[0].will_meet`); the field library (fields.js) puts that path on each field's wrapper
// as `data-field`, so a message finds its field, or the nearest enclosing one.

import { h, focusElement } from './dom.js';
import { sentence } from './format.js';
import { pathId } from './fields.js';

/**
 * @typedef {{ field?: string | null, message: string }} Problem
 * @typedef {{ code?: string, message?: string, field?: string | null, errors?: Problem[] }} CoreError
 */

/**
 * The id of the message shown beside a field: `error-person-first_name`.
 * @param {string} name
 */
export function errorId(name) {
  return `error-${pathId(name)}`;
}

/**
 * The form's wrapper for a field name (the .field element), or null.
 * @param {ParentNode} form @param {string} name
 * @returns {HTMLElement | null}
 */
export function fieldWrapper(form, name) {
  return /** @type {HTMLElement[]} */ ([...form.querySelectorAll('[data-field]')]).find((el) => el.dataset.field === name) || null;
}

/**
 * The closest wrapper for a field path: `a.b[2].c`, then `a.b[2]`, `a.b`, `a`.
 * @param {ParentNode} form @param {string | null | undefined} field
 */
export function nearestWrapper(form, field) {
  if (!field) return null;
  let f = field;
  while (f) {
    const w = fieldWrapper(form, f);
    if (w) return w;
    const cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
    if (cut <= 0) break;
    f = f.slice(0, cut);
  }
  return null;
}

/**
 * The top-level argument an error's field belongs to: `needs[0].x` -> `needs`.
 * @param {string | null | undefined} field
 */
export function topKey(field) {
  if (!field) return null;
  const m = /^[^.[]+/.exec(field);
  return m ? m[0] : null;
}

/**
 * The list of { field, message } an error stands for.
 * @param {CoreError} err
 * @returns {Problem[]}
 */
export function problems(err) {
  if (err && err.code === 'validation' && Array.isArray(err.errors) && err.errors.length) return err.errors;
  return [{ field: err?.field ?? null, message: err?.message || 'something went wrong: try again' }];
}

/**
 * A message about a field as a link that takes focus to the field (its nearest wrapper in
 * `form`), or the plain message when the field is not on the page. For "still to do" lists.
 * @param {ParentNode} form @param {Problem} problem
 */
export function fieldLink(form, problem) {
  const w = nearestWrapper(form, problem.field);
  if (!w) return sentence(problem.message);
  return h('a', {
    href: `#${w.id || ''}`,
    onclick: (/** @type {Event} */ event) => {
      event.preventDefault();
      w.hidden = false;
      /** @type {HTMLElement} */
      const input = w.matches('input, select, textarea') ? w : w.querySelector('input, select, textarea, button') || w;
      input.scrollIntoView({ block: 'center' });
      focusElement(input);
    },
  }, sentence(problem.message));
}

/**
 * Remove every error shown in `root` (only one form shows errors at a time).
 * @param {ParentNode} [root]
 */
export function clearErrors(root = document) {
  root.querySelectorAll('.error-summary').forEach((el) => el.remove());
  root.querySelectorAll('.field-error').forEach((el) => el.remove());
  root.querySelectorAll('.field--error').forEach((el) => el.classList.remove('field--error'));
  root.querySelectorAll('[aria-invalid="true"]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && !x.startsWith('error-'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  });
}

/**
 * Show an error from the core on a form: a summary box at the top ("There is a problem", one
 * link per problem, focused) and each message beside its field. What the user typed is kept.
 * @param {HTMLFormElement} form @param {CoreError} err
 */
export function showErrors(form, err) {
  clearErrors(document);
  const list = problems(err);
  const summaryItems = [];
  const seen = new Set();
  for (const p of list) {
    const message = sentence(p.message);
    const wrapper = p.field ? fieldWrapper(form, p.field) : null;
    if (wrapper && p.field) {
      wrapper.hidden = false;
      const target = firstInput(form, p.field);
      summaryItems.push(h('li', null, h('a', {
        href: target ? `#${target.id}` : '#',
        onclick: (/** @type {Event} */ event) => { event.preventDefault(); if (target) { target.focus(); target.scrollIntoView({ block: 'center' }); } },
      }, message)));
      if (!seen.has(p.field)) {
        seen.add(p.field);
        markField(form, wrapper, p.field, message);
      } else {
        wrapper.querySelector('.field-error')?.append(h('br'), message);
      }
    } else {
      summaryItems.push(h('li', null, message));
    }
  }
  const summary = h('div', { class: 'error-summary', id: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': 'error-summary-title' },
    h('h2', { class: 'error-summary__title', id: 'error-summary-title' }, 'There is a problem'),
    h('ul', { class: 'error-summary__list' }, summaryItems),
  );
  form.prepend(summary);
  focusElement(summary);
  summary.scrollIntoView({ block: 'start' });
  return summary;
}

/** @param {HTMLFormElement} form @param {string} name @returns {HTMLInputElement | null} */
function firstInput(form, name) {
  return /** @type {HTMLInputElement | undefined} */ ([...form.elements].find((el) => /** @type {HTMLInputElement} */ (el).name === name && /** @type {HTMLInputElement} */ (el).type !== 'hidden')) || null;
}

/** @param {HTMLFormElement} form @param {HTMLElement} wrapper @param {string} name @param {string} message */
function markField(form, wrapper, name, message) {
  const id = errorId(name);
  wrapper.classList.add('field--error');
  const msg = h('p', { class: 'field-error', id }, h('span', { class: 'visually-hidden' }, 'Error: '), message);
  const isGroup = wrapper.dataset.group === 'true';
  if (isGroup) {
    const legendEnd = wrapper.querySelector('.hint') || wrapper.querySelector('legend');
    legendEnd?.after(msg);
    addDescribedBy(wrapper, id);
    wrapper.querySelectorAll('input').forEach((el) => el.setAttribute('aria-invalid', 'true'));
    return;
  }
  const inputs = [...form.elements].filter((el) => /** @type {HTMLInputElement} */ (el).name === name);
  const anchor = wrapper.querySelector('.hint:not(.hint--checkbox)') || wrapper.querySelector('label');
  if (wrapper.classList.contains('field--checkbox')) wrapper.prepend(msg);
  else anchor?.after(msg);
  for (const el of inputs) {
    el.setAttribute('aria-invalid', 'true');
    addDescribedBy(el, id);
  }
}

/** @param {Element} el @param {string} id */
function addDescribedBy(el, id) {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) ids.push(id);
  el.setAttribute('aria-describedby', ids.join(' '));
}

/**
 * Point every error at the closest field on the page, for showErrors.
 * @param {ParentNode} form @param {CoreError} err @param {{ prefix?: string }} [o]
 * @returns {CoreError}
 */
export function mapErrors(form, err, { prefix = '' } = {}) {
  const list = err?.errors?.length ? err.errors : [err];
  return {
    ...err,
    code: 'validation',
    errors: list.map((e) => {
      if (!e?.field) return /** @type {Problem} */ (e);
      const local = prefix && e.field.startsWith(prefix) ? e.field.slice(prefix.length) : e.field;
      const w = nearestWrapper(form, local);
      return { ...e, message: e.message || '', field: w ? w.dataset.field : null };
    }),
  };
}

/**
 * Errors beside their fields only (no summary taking focus while someone types).
 * @param {ParentNode} form @param {CoreError} err
 */
export function showQuietErrors(form, err) {
  const list = err?.errors?.length ? err.errors : [err];
  clearErrors(form);
  for (const e of list) {
    const wrapper = e?.field ? nearestWrapper(form, e.field) : null;
    if (!wrapper || !e.field) continue;
    wrapper.classList.add('field--error');
    const anchor = wrapper.querySelector('legend, label');
    anchor?.after(h('p', { class: 'field-error', id: errorId(e.field) }, h('span', { class: 'visually-hidden' }, 'Error: '), sentence(e.message || '')));
  }
}
