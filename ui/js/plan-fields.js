// Building blocks of the support plan and review editors: fields named by the JSON path the
// core uses in its errors (`needs[0].will_meet`, `contingency.contacts[1].phone`), each in a
// wrapper carrying that path as `data-field`, so forms.js's error summary and the quiet
// autosave errors find them; lists of rows with "Add" and "Remove"; and the autosave status.

import { h, replace, idFor, focusElement } from './dom.js';
import { formatDate, sentence } from './format.js';
import { DATE_HINT, fieldWrapper, clearErrors } from './forms.js';

export const YES_NO = [{ code: 'true', label: 'Yes' }, { code: 'false', label: 'No' }];

/** A safe id for a field path: `needs[0].how_met` -> `needs-0-how_met`. */
export function pathId(name) {
  return idFor(name).replace(/\[(\d+)\]/g, '-$1');
}

/** One text input or textarea. kind: 'text' | 'date' | 'money' | 'tel'. */
export function textField(name, label, value, { hint, long = false, rows = 3, kind = 'text', width } = {}) {
  const id = pathId(name);
  const hintText = hint ?? (kind === 'date' ? DATE_HINT : null);
  const shown = value === null || value === undefined ? '' : String(kind === 'date' ? formatDate(value) : value);
  const input = long
    ? h('textarea', { id, name, rows, class: 'textarea', spellcheck: 'true' })
    : h('input', {
      id, name, type: kind === 'tel' ? 'tel' : 'text', autocomplete: 'off', spellcheck: kind === 'text' ? 'true' : 'false',
      class: ['input', width ? `input--${width}` : kind === 'date' ? 'input--date' : null],
      inputmode: kind === 'money' ? 'decimal' : null,
    });
  input.value = shown;
  if (hintText) input.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { class: 'label', for: id }, label),
    hintText ? h('p', { class: 'hint', id: `${id}-hint` }, hintText) : null,
    input);
}

/**
 * A <select>. `choices` are { code, label } or { group, items: [{ code, label }] } for an
 * <optgroup>; `blank` is the label of the empty first option (null for none).
 */
export function selectField(name, label, choices, value, { blank = 'Not chosen', hint, width = 'long' } = {}) {
  const id = pathId(name);
  const current = value === null || value === undefined ? '' : String(value);
  const opt = (c) => h('option', { value: String(c.code), selected: String(c.code) === current }, c.label);
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { class: 'label', for: id }, label),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    h('select', { id, name, class: ['select', width ? `select--${width}` : null], 'aria-describedby': hint ? `${id}-hint` : null },
      blank !== null ? h('option', { value: '' }, blank) : null,
      choices.map((c) => (c.items ? h('optgroup', { label: c.group }, c.items.map(opt)) : opt(c)))));
}

/** Radio buttons in a fieldset (the wrapper carries `data-field` and `data-group`). */
export function radioField(name, legend, choices, value, { hint, inline = true } = {}) {
  const id = pathId(name);
  const current = value === null || value === undefined ? null : String(value);
  return h('fieldset', {
    class: 'field fieldset fieldset--inner', id: `${id}-group`, dataset: { field: name, group: 'true' },
    'aria-describedby': hint ? `${id}-hint` : null,
  },
  h('legend', { class: 'fieldset__legend fieldset__legend--small' }, legend),
  hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
  h('div', { class: ['radios', inline ? 'radios--inline' : null] }, choices.map((c) => {
    const rid = `${id}-${idFor(c.code)}`;
    return h('div', { class: 'radio' },
      h('input', { type: 'radio', class: 'radio__input', id: rid, name, value: String(c.code), checked: current === String(c.code) }),
      h('label', { class: 'radio__label', for: rid }, c.label));
  })));
}

/** Checkboxes in a fieldset; the value is the list of ticked codes. */
export function checkboxesField(name, legend, choices, values, { hint, empty } = {}) {
  const id = pathId(name);
  const chosen = new Set((values || []).map(String));
  return h('fieldset', {
    class: 'field fieldset fieldset--inner', id: `${id}-group`, dataset: { field: name, group: 'true' },
    'aria-describedby': hint ? `${id}-hint` : null,
  },
  h('legend', { class: 'fieldset__legend fieldset__legend--small' }, legend),
  hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
  choices.length ? h('div', { class: 'checkboxes' }, choices.map((c) => {
    const cid = `${id}-${idFor(c.code)}`;
    return h('div', { class: 'checkbox' },
      h('input', { type: 'checkbox', class: 'checkbox__input', id: cid, name, value: String(c.code), checked: chosen.has(String(c.code)) }),
      h('label', { class: 'checkbox__label', for: cid }, c.label));
  })) : h('p', { class: 'muted' }, empty || 'Nothing to choose from yet.'));
}

/** One checkbox on its own. */
export function checkboxField(name, label, checked, { hint } = {}) {
  const id = pathId(name);
  return h('div', { class: 'field field--checkbox', dataset: { field: name } },
    h('div', { class: 'checkbox' },
      h('input', { id, name, type: 'checkbox', value: 'true', checked: Boolean(checked), class: 'checkbox__input', 'aria-describedby': hint ? `${id}-hint` : null }),
      h('label', { class: 'checkbox__label', for: id }, label)),
    hint ? h('p', { class: 'hint hint--checkbox', id: `${id}-hint` }, hint) : null);
}

/** A titled part of an editor: <fieldset> with an h2 legend. */
export function part(id, title, children, { hint, field } = {}) {
  return h('fieldset', { class: 'fieldset plan-part', id, dataset: field ? { field } : null },
    h('legend', { class: 'fieldset__legend' }, h('h2', { class: 'fieldset__heading' }, title)),
    hint ? h('p', { class: 'hint' }, hint) : null,
    children);
}

// ---------------------------------------------------------------- reading a form

/** The element(s) of a form named `name`. */
function named(form, name) {
  return [...form.elements].filter((el) => el.name === name);
}

/** Text as typed, or undefined when there is no such field. */
export function readText(form, name) {
  const el = named(form, name)[0];
  return el ? el.value : undefined;
}

/** A select's value, or null when nothing is chosen (undefined when there is no field). */
export function readChoice(form, name) {
  const el = named(form, name)[0];
  if (!el) return undefined;
  return el.value === '' ? null : el.value;
}

/** A yes/no radio group: true, false, or null when neither is ticked. */
export function readYesNo(form, name) {
  const els = named(form, name);
  if (!els.length) return undefined;
  const on = els.find((el) => el.checked);
  return on ? on.value === 'true' : null;
}

/** The ticked values of a checkbox group. */
export function readTicked(form, name) {
  return named(form, name).filter((el) => el.checked).map((el) => el.value);
}

/** One checkbox: true or false. */
export function readChecked(form, name) {
  const el = named(form, name)[0];
  return el ? el.checked : undefined;
}

// ---------------------------------------------------------------- lists of rows

/**
 * An editable list: each item a row (<li>) built by `row(index, item)`; "Add" appends a blank
 * item and moves focus to it; each row's "Remove" takes it out (focus goes to the next row or
 * the Add button). `readRow(index)` reads an item back from the page. `onChange()` runs after
 * adding or removing (typing bubbles to the form as usual).
 */
export function listEditor({ id, items, row, readRow, blank, addLabel, itemName, emptyText, onChange }) {
  const list = h('ol', { class: 'plan-list', id: `${id}-list` });
  const empty = h('p', { class: 'muted', id: `${id}-empty` }, emptyText);
  const add = h('button', { type: 'button', class: 'button button--secondary', id: `add-${id}`, onclick: () => addItem() }, addLabel);
  let count = 0;

  function draw(list_) {
    count = list_.length;
    replace(list, list_.map((item, i) => h('li', { class: 'plan-list__item', dataset: { row: id, index: String(i) } },
      h('div', { class: 'plan-list__head' },
        h('h3', { class: 'plan-list__title' }, `${sentence(itemName)} ${i + 1}`),
        h('button', {
          type: 'button', class: 'button button--secondary button--small', id: `remove-${id}-${i}`,
          onclick: () => removeItem(i),
        }, `Remove ${itemName} ${i + 1}`)),
      row(i, item))));
    empty.hidden = count > 0;
  }

  function readAll() {
    return Array.from({ length: count }, (_, i) => readRow(i));
  }

  function addItem() {
    const now = readAll();
    now.push(blank());
    draw(now);
    onChange?.();
    const first = list.lastElementChild?.querySelector('input, select, textarea');
    focusElement(first);
  }

  function removeItem(i) {
    const now = readAll();
    now.splice(i, 1);
    draw(now);
    onChange?.();
    const next = list.children[i]?.querySelector('input, select, textarea') || add;
    focusElement(next);
  }

  draw(items);
  return { list, empty, add, readAll, draw, count: () => count, element: [empty, list, h('div', { class: 'button-row' }, add)] };
}

// ---------------------------------------------------------------- autosave errors

/** The closest wrapper for a field path: `a.b[2].c`, then `a.b[2]`, `a.b`, `a`. */
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

/** Point every error at the closest field on the page, for forms.js's showErrors. */
export function mapErrors(form, err, { prefix = '' } = {}) {
  const list = err?.errors?.length ? err.errors : [err];
  return {
    ...err,
    code: 'validation',
    errors: list.map((e) => {
      if (!e?.field) return e;
      const local = prefix && e.field.startsWith(prefix) ? e.field.slice(prefix.length) : e.field;
      const w = nearestWrapper(form, local);
      return { ...e, field: w ? w.dataset.field : null };
    }),
  };
}

/** Errors beside their fields only (no summary taking focus while someone types). */
export function showQuietErrors(form, err) {
  const list = err?.errors?.length ? err.errors : [err];
  clearErrors(form);
  for (const e of list) {
    const wrapper = e?.field ? nearestWrapper(form, e.field) : null;
    if (!wrapper) continue;
    wrapper.classList.add('field--error');
    const anchor = wrapper.querySelector('legend, label');
    anchor?.after(h('p', { class: 'field-error', id: `error-${pathId(e.field)}` }, h('span', { class: 'visually-hidden' }, 'Error: '), sentence(e.message)));
  }
}

/** "Saved" / "Saving…" / "Not saved: …", announced politely. */
/**
 * Autosave for an editor. `schedule()` after each edit saves `delay` ms after the last one;
 * saves never overlap; a save still waiting when the page goes away is made at once. `run()`
 * makes one save and resolves to the core's error, or null; the status line then says "Saved"
 * or why not (unless another edit is already waiting). `now()` saves at once and resolves to
 * that error; `cancel()` drops a waiting save; `dispose()` is the screen's clean-up.
 */
export function autosave(run, status, delay = 600) {
  let timer = null;
  let saving = null;
  let error = null;
  async function now() {
    clearTimeout(timer);
    timer = null;
    if (saving) await saving.catch(() => {});
    saving = (async () => {
      error = await run();
      if (!timer) status.set(error ? `Not saved: ${sentence(error.errors?.[0]?.message || error.message)}` : 'Saved', error ? 'error' : 'saved');
    })();
    try { await saving; } finally { saving = null; }
    return error;
  }
  const flush = () => { if (timer) now(); };
  window.addEventListener('beforeunload', flush);
  window.addEventListener('pagehide', flush);
  return {
    schedule() {
      status.set('Saving…', 'pending');
      clearTimeout(timer);
      timer = setTimeout(now, delay);
    },
    now,
    cancel() {
      clearTimeout(timer);
      timer = null;
    },
    dispose() {
      window.removeEventListener('beforeunload', flush);
      window.removeEventListener('pagehide', flush);
      flush();
    },
  };
}

export function saveStatus(id = 'save-status') {
  const el = h('p', { class: 'save-status', id, role: 'status', 'aria-live': 'polite' });
  return {
    element: el,
    set(text, state) { el.textContent = text; el.dataset.state = state; },
  };
}

/** The top-level argument an error's field belongs to: `needs[0].x` -> `needs`. */
export function topKey(field) {
  if (!field) return null;
  const m = /^[^.[]+/.exec(field);
  return m ? m[0] : null;
}

/** A definition list row. */
export function row(label, value) {
  const empty = value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length);
  return h('div', { class: 'details__row' }, h('dt', null, label),
    h('dd', null, empty ? h('span', { class: 'muted' }, 'Not recorded') : typeof value === 'string' ? h('span', { class: 'pre-line' }, value) : value));
}

/** Links to the parts of a long form ([{ id, title }]); following one moves focus there. */
export function jumpNav(id, title, parts) {
  return [
    h('h2', { class: 'section-nav__title', id: `${id}-title` }, title),
    h('nav', { class: 'section-nav', 'aria-labelledby': `${id}-title` },
      h('ol', { class: 'section-nav__list section-nav__list--compact', id }, parts.map((p) => h('li', { class: 'section-nav__item' },
        h('a', {
          href: `#${p.id}`,
          onclick: (event) => {
            event.preventDefault();
            const target = document.getElementById(p.id);
            if (!target) return;
            target.scrollIntoView({ block: 'start' });
            focusElement(target.querySelector('legend h2') || target);
          },
        }, p.title))))),
  ];
}
