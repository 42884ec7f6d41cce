// Form fields, reading a form into command arguments, and showing the core's errors
// (GOV.UK-style error summary plus a message beside each field). Views describe their fields
// as plain specs and never build inputs by hand.
//
// A field spec: { name, label, type, hint, list, blank, initial, width, autocomplete, inputmode, rows }
//   type: 'text' (default) | 'date' | 'email' | 'tel' | 'password' | 'number' | 'textarea'
//         | 'choice' (a <select> built from options()[list]) | 'bool' (one checkbox)
//         | 'checkboxes' (a group built from options()[list]; the value is a list of codes)
//   initial: a choice's value when there is none yet (a new record); blank: false leaves out
//         the "Not recorded" option (for a choice that always has a value)
//   name: the argument path the core uses (`postcode`, `person.first_name`): it is the input's
//         name, so the core's error `field` finds the input.

import { h, idFor, focusElement } from './dom.js';
import { formatDate, sentence } from './format.js';

export const DATE_HINT = 'For example, 27/03/1984';

/** The id of the input for a field (prefix keeps ids unique when a page has several forms). */
export function inputId(name, prefix = '') {
  return `${prefix}${idFor(name)}`;
}

/** The id of the message shown beside a field: `error-person-first_name`. */
export function errorId(name) {
  return `error-${idFor(name)}`;
}

/** Read `a.b` from an object. */
export function valueAt(obj, path) {
  return String(path).split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function setAt(obj, path, value) {
  const keys = String(path).split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = value;
}

function hintFor(spec) {
  if (spec.hint !== undefined) return spec.hint;
  return spec.type === 'date' ? DATE_HINT : null;
}

/**
 * Render one field. `value` is the current value (from a record: dates as YYYY-MM-DD are shown
 * as DD/MM/YYYY). `opts` is the options() result. `prefix` keeps input ids unique.
 */
export function field(spec, value, opts = {}, prefix = '') {
  const type = spec.type || 'text';
  if (type === 'bool') return boolField(spec, value, prefix);
  if (type === 'checkboxes') return checkboxGroup(spec, value, opts, prefix);

  const id = inputId(spec.name, prefix);
  const hint = hintFor(spec);
  const hintId = hint ? `${id}-hint` : null;
  const list = type === 'choice' ? opts[spec.list] : null;
  let input;
  if (type === 'choice' && Array.isArray(list)) {
    const current = value ?? spec.initial ?? '';
    input = h('select', { id, name: spec.name, class: widthClass(spec, 'select') },
      spec.blank === false ? null : h('option', { value: '' }, spec.blank ?? 'Not recorded'),
      list.map((o) => h('option', { value: o.code, selected: o.code === current }, o.label)),
    );
    // A stored code no longer in the list is kept rather than silently dropped.
    if (current && !list.some((o) => o.code === current)) {
      input.append(h('option', { value: current, selected: true }, current));
    }
  } else if (type === 'textarea') {
    input = h('textarea', { id, name: spec.name, rows: spec.rows || 5, class: 'textarea', spellcheck: 'true' });
    input.value = value ?? '';
  } else {
    const shown = type === 'date' ? formatDate(value) : (value ?? '');
    input = h('input', {
      id,
      name: spec.name,
      type: ({ email: 'email', tel: 'tel', password: 'password' })[type] || 'text',
      class: widthClass(spec, 'input'),
      autocomplete: spec.autocomplete || 'off',
      inputmode: spec.inputmode || (type === 'number' ? 'numeric' : null),
      spellcheck: spec.spellcheck === true ? 'true' : 'false',
      value: String(shown),
      dataset: { type },
    });
  }
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field', dataset: { field: spec.name } },
    h('label', { class: 'label', for: id }, spec.label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    input,
  );
}

function widthClass(spec, base) {
  return [base, spec.width ? `${base}--${spec.width}` : null];
}

function boolField(spec, value, prefix) {
  const id = inputId(spec.name, prefix);
  const hint = spec.hint;
  return h('div', { class: 'field field--checkbox', dataset: { field: spec.name } },
    h('div', { class: 'checkbox' },
      h('input', {
        id, name: spec.name, type: 'checkbox', value: 'true', checked: value === true, class: 'checkbox__input',
        dataset: { type: 'bool' }, 'aria-describedby': hint ? `${id}-hint` : null,
      }),
      h('label', { class: 'checkbox__label', for: id }, spec.label),
    ),
    hint ? h('p', { class: 'hint hint--checkbox', id: `${id}-hint` }, hint) : null,
  );
}

function checkboxGroup(spec, value, opts, prefix) {
  const id = inputId(spec.name, prefix);
  const chosen = new Set(Array.isArray(value) ? value : []);
  const list = opts[spec.list] || [];
  const hint = spec.hint;
  const items = list.map((o) => {
    const boxId = `${id}-${idFor(o.code)}`;
    return h('div', { class: 'checkbox' },
      h('input', { id: boxId, name: spec.name, type: 'checkbox', value: o.code, checked: chosen.has(o.code), class: 'checkbox__input', dataset: { type: 'checkboxes' } }),
      h('label', { class: 'checkbox__label', for: boxId }, o.label),
    );
  });
  // A stored code no longer offered stays ticked, so saving does not lose it.
  for (const code of chosen) {
    if (!list.some((o) => o.code === code)) {
      const boxId = `${id}-${idFor(code)}`;
      items.push(h('div', { class: 'checkbox' },
        h('input', { id: boxId, name: spec.name, type: 'checkbox', value: code, checked: true, class: 'checkbox__input', dataset: { type: 'checkboxes' } }),
        h('label', { class: 'checkbox__label', for: boxId }, code)));
    }
  }
  return h('fieldset', {
    class: 'field fieldset fieldset--inner', id: `${id}-group`, dataset: { field: spec.name, group: 'true' },
    'aria-describedby': hint ? `${id}-hint` : null,
  },
    h('legend', { class: 'fieldset__legend fieldset__legend--small' }, spec.label),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    h('div', { class: ['checkboxes', items.length > 4 ? 'checkboxes--columns' : null] }, items),
  );
}

/** A titled group of fields: <fieldset><legend> holding a heading (h2 unless `level` says). */
export function section(legend, children, { hint, id, level = 2 } = {}) {
  return h('fieldset', { class: 'fieldset', id },
    h('legend', { class: 'fieldset__legend' }, h(`h${level}`, { class: 'fieldset__heading' }, legend)),
    hint ? h('p', { class: 'hint' }, hint) : null,
    children,
  );
}

/**
 * Render every spec with values taken from `record` by name. Consecutive specs with the same
 * `row` key sit side by side (wrapping on narrow windows).
 */
export function fields(specs, record, opts, prefix = '') {
  const out = [];
  let row = null;
  for (const spec of specs) {
    const el = field(spec, valueAt(record || {}, spec.name), opts, prefix);
    if (spec.row && row && row.dataset.row === spec.row) row.append(el);
    else if (spec.row) { row = h('div', { class: 'form__row', dataset: { row: spec.row } }, el); out.push(row); }
    else { row = null; out.push(el); }
  }
  return out;
}

/** The form's wrapper for a field name (the .field element), or null. */
export function fieldWrapper(form, name) {
  return [...form.querySelectorAll('[data-field]')].find((el) => el.dataset.field === name) || null;
}

/**
 * Read the given specs from the form into one arguments object (dotted names become nested
 * objects). Text is sent as typed ('' means "not recorded"); an unchosen choice is null; a
 * number field sends the text typed, trimmed (the core reads it, and says what is wrong like
 * any other mistake); booleans are true/false; checkbox groups a list of codes.
 */
export function read(form, specs) {
  const out = {};
  for (const spec of specs) {
    const type = spec.type || 'text';
    const els = [...form.elements].filter((el) => el.name === spec.name);
    if (els.length === 0) continue;
    let value;
    if (type === 'bool') value = els[0].checked;
    else if (type === 'checkboxes') value = els.filter((el) => el.checked).map((el) => el.value);
    else if (type === 'choice' && els[0].tagName === 'SELECT') value = els[0].value === '' ? null : els[0].value;
    else if (type === 'number') value = els[0].value.trim();
    else value = els[0].value;
    setAt(out, spec.name, value);
  }
  return out;
}

// ---------------------------------------------------------------- errors

/** The list of { field, message } an error stands for. */
function problems(err) {
  if (err && err.code === 'validation' && Array.isArray(err.errors) && err.errors.length) return err.errors;
  return [{ field: err?.field ?? null, message: err?.message || 'something went wrong: try again' }];
}

/** Remove every error shown in the document (only one form shows errors at a time). */
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
 */
export function showErrors(form, err) {
  clearErrors(document);
  const list = problems(err);
  const summaryItems = [];
  const seen = new Set();
  for (const p of list) {
    const message = sentence(p.message);
    const wrapper = p.field ? fieldWrapper(form, p.field) : null;
    if (wrapper) {
      wrapper.hidden = false;
      const target = firstInput(form, p.field);
      summaryItems.push(h('li', null, h('a', {
        href: target ? `#${target.id}` : '#',
        onclick: (event) => { event.preventDefault(); if (target) { target.focus(); target.scrollIntoView({ block: 'center' }); } },
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

function firstInput(form, name) {
  return [...form.elements].find((el) => el.name === name && el.type !== 'hidden') || null;
}

function markField(form, wrapper, name, message) {
  const id = errorId(name);
  wrapper.classList.add('field--error');
  const msg = h('p', { class: 'field-error', id }, h('span', { class: 'visually-hidden' }, 'Error: '), message);
  const isGroup = wrapper.dataset.group === 'true';
  if (isGroup) {
    const legendEnd = wrapper.querySelector('.hint') || wrapper.querySelector('legend');
    legendEnd.after(msg);
    addDescribedBy(wrapper, id);
    wrapper.querySelectorAll('input').forEach((el) => el.setAttribute('aria-invalid', 'true'));
    return;
  }
  const inputs = [...form.elements].filter((el) => el.name === name);
  const anchor = wrapper.querySelector('.hint:not(.hint--checkbox)') || wrapper.querySelector('label');
  if (wrapper.classList.contains('field--checkbox')) wrapper.prepend(msg);
  else anchor.after(msg);
  for (const el of inputs) {
    el.setAttribute('aria-invalid', 'true');
    addDescribedBy(el, id);
  }
}

function addDescribedBy(el, id) {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) ids.push(id);
  el.setAttribute('aria-describedby', ids.join(' '));
}

// ---------------------------------------------------------------- submitting

/**
 * Wire a form's submit: clear old errors (in `errorsIn`), disable the submit button while the
 * core works (showing `busyLabel`, or keeping its label when that is null), run
 * `action(event)`; on failure show the errors (the form keeps what was typed). An error after
 * the form has left the page is rethrown unless `quietWhenGone`.
 */
export function onSubmit(form, action, { busyLabel = 'Saving…', errorsIn = document, quietWhenGone = false } = {}) {
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    const button = form.querySelector('button[type="submit"]');
    const label = button ? button.textContent : '';
    if (button) {
      button.disabled = true;
      if (busyLabel !== null) button.textContent = busyLabel;
    }
    try {
      clearErrors(errorsIn);
      await action(event);
    } catch (err) {
      if (form.isConnected) showErrors(form, err);
      else if (!quietWhenGone) throw err;
    } finally {
      busy = false;
      if (button && button.isConnected) { button.disabled = false; button.textContent = label; }
    }
  });
}

/** The standard row of buttons under a form. */
export function formButtons(submitLabel, { cancelHref, cancelLabel = 'Cancel', onCancel, submitId } = {}) {
  return h('div', { class: 'button-row' },
    h('button', { type: 'submit', class: 'button', id: submitId }, submitLabel),
    cancelHref ? h('a', { class: 'button button--secondary', href: cancelHref }, cancelLabel) : null,
    onCancel ? h('button', { type: 'button', class: 'button button--secondary', onclick: onCancel }, cancelLabel) : null,
  );
}

/**
 * A form in a modal <dialog> (Escape or "Cancel" closes it; focus goes back to whatever had it).
 * `fields` are the form's contents; `onSubmit(form)` runs on submit and returns true when done
 * (the dialog closes); if it throws, the core's errors are shown in the dialog's form.
 * `danger` makes the submit button the warning colour (for what cannot be undone).
 */
export function formDialog({ id, title, intro, fields: content, submitLabel, onSubmit: action, danger = false, cancelLabel = 'Cancel' }) {
  const returnTo = document.activeElement;
  const form = h('form', { class: 'form', id: `${id}-form`, novalidate: true }, content,
    h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: danger ? 'button button--warning' : 'button', id: `${id}-submit` }, submitLabel),
      h('button', { type: 'button', class: 'button button--secondary', onclick: () => close() }, cancelLabel)));
  const dialog = h('dialog', { class: 'dialog', id, 'aria-labelledby': `${id}-title` },
    h('h2', { class: 'dialog__title', id: `${id}-title` }, title),
    intro ? h('p', null, intro) : null,
    form);
  function close() {
    if (dialog.open) dialog.close();
    dialog.remove();
    if (returnTo && returnTo.isConnected) returnTo.focus();
  }
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(); });
  onSubmit(form, async () => { if (await action(form)) close(); },
    { busyLabel: null, errorsIn: dialog, quietWhenGone: true });
  document.body.append(dialog);
  dialog.showModal();
  focusElement(form.querySelector('input, select, textarea'));
  return { dialog, form, close };
}
