// @ts-check
// The field library: every input in the window is built here from a plain spec, and read back
// from the form by the same spec. Screens describe their fields and never build inputs by hand.
//
// A field spec (see `FieldSpec` below):
//   name    the argument path the core uses (`postcode`, `person.first_name`,
//           `needs[0].how_met`): it is the input's name, and the wrapper's `data-field`, so the
//           core's error `field` finds it (errors.js);
//   type    'text' (default) | 'date' | 'email' | 'tel' | 'password' | 'number' | 'money'
//           | 'textarea' | 'choice' (a <select>) | 'radios' | 'bool' (one checkbox)
//           | 'checkboxes' (a group; the value is a list of codes);
//   choices a choice's, radios' or checkboxes' options as [{ code, label }] (a <select> may
//           have groups: { group, items }); or `list`, the name of a list in options();
//   blank   the label of a <select>'s empty first option ('Not recorded' unless given; false or
//           null for none); initial: a choice's value when there is none yet;
//   hint, width ('short' | 'medium' | 'long' | 'date' …), rows, autocomplete, inputmode,
//   spellcheck, inline (radios side by side, the default), columns (checkboxes in columns;
//   default when there are more than four), empty (what a group with nothing to choose says),
//   yesno (radios read back as true/false), legendClass (a group's legend style), row (specs
//   with the same row sit side by side),
//   readLabel (the label in a details list, details.js), group (a screen's own grouping).

import { h, idFor } from './dom.js';
import { formatDate } from './format.js';

/**
 * @typedef {{ code: string | number, label: string }} Choice
 * @typedef {{ group: string, items: Choice[] }} ChoiceGroup
 * @typedef {Record<string, Choice[]>} Options
 * @typedef {{
 *   name: string, label: any, type?: string, hint?: string | null, list?: string,
 *   choices?: Array<Choice | ChoiceGroup>, blank?: string | false | null, initial?: string,
 *   width?: string, rows?: number, autocomplete?: string, inputmode?: string,
 *   spellcheck?: boolean, inline?: boolean, columns?: boolean, empty?: string, yesno?: boolean,
 *   row?: string, readLabel?: string, legendClass?: string, group?: string,
 * }} FieldSpec
 */

export const DATE_HINT = 'For example, 27/03/1984';
/** For a date people often know only to the month or the year ("caring since"). */
export const PARTIAL_DATE_HINT = 'A year, a month and year, or a whole date: for example, 2019, 03/2019 or 27/03/2019';

/** Yes and No, for a yes/no radio group (read back as true/false with `yesno`). */
export const YES_NO = [{ code: 'true', label: 'Yes' }, { code: 'false', label: 'No' }];

/** A safe id for a field path: `needs[0].how_met` -> `needs-0-how_met`. */
export function pathId(name) {
  return idFor(name).replace(/\[(\d+)\]/g, '-$1');
}

/**
 * The id of the input for a field (prefix keeps ids unique when a page has several forms).
 * @param {string} name
 */
export function inputId(name, prefix = '') {
  return `${prefix}${pathId(name)}`;
}

/**
 * Read `a.b` from an object.
 * @param {any} obj
 * @param {string} path
 * @returns {any}
 */
export function valueAt(obj, path) {
  return String(path).split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

/** @param {any} obj @param {string} path @param {any} value */
function setAt(obj, path, value) {
  const keys = String(path).split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys[keys.length - 1]] = value;
}

/** @param {FieldSpec} spec */
function hintFor(spec) {
  if (spec.hint !== undefined) return spec.hint;
  return spec.type === 'date' ? DATE_HINT : null;
}

/** @param {FieldSpec} spec @param {Options} opts @returns {Array<Choice | ChoiceGroup>} */
function choicesFor(spec, opts) {
  if (Array.isArray(spec.choices)) return spec.choices;
  return (spec.list && opts?.[spec.list]) || [];
}

/**
 * Render one field. `value` is the current value (from a record: dates as YYYY-MM-DD are shown
 * as DD/MM/YYYY). `opts` is the options() result, for specs naming a `list`. `prefix` keeps
 * input ids unique.
 * @param {FieldSpec} spec
 * @param {any} value
 * @param {Options} [opts]
 * @returns {HTMLElement}
 */
export function field(spec, value, opts = {}, prefix = '') {
  const type = spec.type || 'text';
  if (type === 'bool') return boolField(spec, value, prefix);
  if (type === 'checkboxes') return checkboxGroup(spec, value, opts, prefix);
  if (type === 'radios') return radioGroup(spec, value, opts, prefix);

  const id = inputId(spec.name, prefix);
  const hint = hintFor(spec);
  const hintId = hint ? `${id}-hint` : null;
  /** @type {HTMLElement} */
  let input;
  if (type === 'choice') {
    const list = choicesFor(spec, opts);
    const current = value === null || value === undefined ? (spec.initial ?? '') : String(value);
    const option = (/** @type {Choice} */ o) => h('option', { value: String(o.code), selected: String(o.code) === current }, o.label);
    const blank = spec.blank === false || spec.blank === null ? null : (spec.blank ?? 'Not recorded');
    input = h('select', { id, name: spec.name, class: widthClass(spec, 'select') },
      blank === null ? null : h('option', { value: '' }, blank),
      list.map((o) => ('items' in o ? h('optgroup', { label: o.group }, o.items.map(option)) : option(o))),
    );
    // A stored code no longer in the list is kept rather than silently dropped.
    const known = list.flatMap((o) => ('items' in o ? o.items : [o])).some((o) => String(o.code) === current);
    if (current && !known) input.append(h('option', { value: current, selected: true }, current));
  } else if (type === 'textarea') {
    const area = h('textarea', { id, name: spec.name, rows: spec.rows || 5, class: 'textarea', spellcheck: 'true' });
    area.value = value ?? '';
    input = area;
  } else {
    const shown = type === 'date' ? formatDate(value) : (value ?? '');
    input = h('input', {
      id,
      name: spec.name,
      type: ({ email: 'email', tel: 'tel', password: 'password' })[type] || 'text',
      class: widthClass(spec, 'input'),
      autocomplete: spec.autocomplete || 'off',
      inputmode: spec.inputmode || ({ number: 'numeric', money: 'decimal' })[type] || null,
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

/** @param {FieldSpec} spec @param {string} base */
function widthClass(spec, base) {
  return [base, spec.width ? `${base}--${spec.width}` : null];
}

/** @param {FieldSpec} spec @param {any} value @param {string} prefix */
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

/**
 * The fieldset around a group of radios or checkboxes: the wrapper carries `data-field` and
 * `data-group`, so an error is shown under its legend (errors.js).
 * @param {FieldSpec} spec @param {string} id @param {any} body
 */
function group(spec, id, body) {
  const hint = spec.hint;
  return h('fieldset', {
    class: 'field fieldset fieldset--inner', id: `${id}-group`, dataset: { field: spec.name, group: 'true' },
    'aria-describedby': hint ? `${id}-hint` : null,
  },
  h('legend', { class: ['fieldset__legend', 'fieldset__legend--small', spec.legendClass] }, spec.label),
  hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
  body);
}

/** @param {FieldSpec} spec @param {any} value @param {Options} opts @param {string} prefix */
function checkboxGroup(spec, value, opts, prefix) {
  const id = inputId(spec.name, prefix);
  const chosen = new Set((Array.isArray(value) ? value : []).map(String));
  const list = /** @type {Choice[]} */ (choicesFor(spec, opts));
  const box = (/** @type {string} */ code, /** @type {string} */ label, /** @type {boolean} */ checked) => {
    const boxId = `${id}-${idFor(code)}`;
    return h('div', { class: 'checkbox' },
      h('input', { id: boxId, name: spec.name, type: 'checkbox', value: code, checked, class: 'checkbox__input', dataset: { type: 'checkboxes' } }),
      h('label', { class: 'checkbox__label', for: boxId }, label));
  };
  const items = list.map((o) => box(String(o.code), o.label, chosen.has(String(o.code))));
  // A stored code no longer offered stays ticked, so saving does not lose it.
  for (const code of chosen) {
    if (!list.some((o) => String(o.code) === code)) items.push(box(code, code, true));
  }
  const columns = spec.columns ?? items.length > 4;
  return group(spec, id, items.length
    ? h('div', { class: ['checkboxes', columns ? 'checkboxes--columns' : null] }, items)
    : h('p', { class: 'muted' }, spec.empty || 'Nothing to choose from yet.'));
}

/** @param {FieldSpec} spec @param {any} value @param {Options} opts @param {string} prefix */
function radioGroup(spec, value, opts, prefix) {
  const id = inputId(spec.name, prefix);
  const current = value === null || value === undefined ? null : String(value);
  const list = /** @type {Choice[]} */ (choicesFor(spec, opts));
  return group(spec, id, h('div', { class: ['radios', spec.inline === false ? null : 'radios--inline'] }, list.map((c) => {
    const rid = `${id}-${idFor(String(c.code))}`;
    return h('div', { class: 'radio' },
      h('input', { type: 'radio', class: 'radio__input', id: rid, name: spec.name, value: String(c.code), checked: current === String(c.code) }),
      h('label', { class: 'radio__label', for: rid }, c.label));
  })));
}

/**
 * A titled group of fields: <fieldset><legend> holding a heading (h2 unless `level` says).
 * `field` marks the whole group as the place for errors about a path (`needs`).
 * @param {string} legend
 * @param {any} children
 * @param {{ hint?: string, id?: string, level?: number, field?: string, className?: string }} [opts]
 */
export function section(legend, children, { hint, id, level = 2, field: path, className } = {}) {
  return h('fieldset', { class: ['fieldset', className], id, dataset: path ? { field: path } : null },
    h('legend', { class: 'fieldset__legend' }, h(`h${level}`, { class: 'fieldset__heading' }, legend)),
    hint ? h('p', { class: 'hint' }, hint) : null,
    children,
  );
}

/**
 * Render every spec with values taken from `record` by name. Consecutive specs with the same
 * `row` key sit side by side (wrapping on narrow windows).
 * @param {FieldSpec[]} specs
 * @param {any} record
 * @param {Options} [opts]
 */
export function fields(specs, record, opts = {}, prefix = '') {
  /** @type {HTMLElement[]} */
  const out = [];
  /** @type {HTMLElement | null} */
  let row = null;
  for (const spec of specs) {
    const el = field(spec, valueAt(record || {}, spec.name), opts, prefix);
    if (spec.row && row && row.dataset.row === spec.row) row.append(el);
    else if (spec.row) { row = h('div', { class: 'form__row', dataset: { row: spec.row } }, el); out.push(row); }
    else { row = null; out.push(el); }
  }
  return out;
}

// ---------------------------------------------------------------- shorthands
// Editors with many one-off fields (plans, reviews, passports) name them inline: each of these
// builds a spec and hands it to `field`, so every input still comes from the one builder.

/**
 * One text input or textarea. kind: 'text' | 'date' | 'money' | 'tel'.
 * @param {string} name @param {string} label @param {any} value
 * @param {{ hint?: string | null, long?: boolean, rows?: number, kind?: string, width?: string }} [o]
 */
export function textField(name, label, value, { hint, long = false, rows = 3, kind = 'text', width } = {}) {
  return field({
    name, label, type: long ? 'textarea' : kind, rows, spellcheck: kind === 'text',
    hint: hint ?? undefined, width: width ?? (kind === 'date' ? 'date' : undefined),
  }, value);
}

/**
 * A <select> of `choices` ({ code, label } or { group, items } for an <optgroup>); `blank` is the
 * label of the empty first option (null for none).
 * @param {string} name @param {string} label @param {Array<Choice | ChoiceGroup>} choices @param {any} value
 * @param {{ blank?: string | null, hint?: string, width?: string }} [o]
 */
export function selectField(name, label, choices, value, { blank = 'Not chosen', hint, width = 'long' } = {}) {
  return field({ name, label, type: 'choice', choices, blank, hint, width }, value);
}

/**
 * Radio buttons in a fieldset.
 * @param {string} name @param {string} legend @param {Choice[]} choices @param {any} value
 * @param {{ hint?: string, inline?: boolean }} [o]
 */
export function radioField(name, legend, choices, value, { hint, inline = true } = {}) {
  return field({ name, label: legend, type: 'radios', choices, hint, inline }, value);
}

/**
 * Checkboxes in a fieldset; the value is the list of ticked codes.
 * @param {string} name @param {string} legend @param {Choice[]} choices @param {any[]} values
 * @param {{ hint?: string, empty?: string }} [o]
 */
export function checkboxesField(name, legend, choices, values, { hint, empty } = {}) {
  return field({ name, label: legend, type: 'checkboxes', choices, hint, empty, columns: false }, values);
}

/**
 * One checkbox on its own.
 * @param {string} name @param {any} label @param {any} checked @param {{ hint?: string }} [o]
 */
export function checkboxField(name, label, checked, { hint } = {}) {
  return field({ name, label, type: 'bool', hint }, Boolean(checked));
}

/**
 * A titled part of an editor (a section with an id, and optionally the path it stands for).
 * @param {string} id @param {string} title @param {any} children
 * @param {{ hint?: string, field?: string }} [o]
 */
export function part(id, title, children, { hint, field: path } = {}) {
  return section(title, children, { id, hint, field: path, className: 'plan-part' });
}

// ---------------------------------------------------------------- reading a form

/**
 * The form controls named `name`.
 * @param {HTMLFormElement} form @param {string} name
 * @returns {HTMLInputElement[]}
 */
export function named(form, name) {
  return /** @type {HTMLInputElement[]} */ ([...form.elements].filter((el) => /** @type {HTMLInputElement} */ (el).name === name));
}

/**
 * Text as typed, or undefined when there is no such field.
 * @param {HTMLFormElement} form @param {string} name
 */
export function readText(form, name) {
  const el = named(form, name)[0];
  return el ? el.value : undefined;
}

/**
 * A select's (or radio group's) value, or null when nothing is chosen (undefined when there is
 * no field).
 * @param {HTMLFormElement} form @param {string} name
 */
export function readChoice(form, name) {
  const els = named(form, name);
  if (!els.length) return undefined;
  const el = els[0].type === 'radio' ? els.find((e) => e.checked) : els[0];
  return !el || el.value === '' ? null : el.value;
}

/**
 * A yes/no radio group: true, false, or null when neither is ticked.
 * @param {HTMLFormElement} form @param {string} name
 */
export function readYesNo(form, name) {
  const els = named(form, name);
  if (!els.length) return undefined;
  const on = els.find((el) => el.checked);
  return on ? on.value === 'true' : null;
}

/**
 * The ticked values of a checkbox group.
 * @param {HTMLFormElement} form @param {string} name
 */
export function readTicked(form, name) {
  return named(form, name).filter((el) => el.checked).map((el) => el.value);
}

/**
 * One checkbox: true or false.
 * @param {HTMLFormElement} form @param {string} name
 */
export function readChecked(form, name) {
  const el = named(form, name)[0];
  return el ? el.checked : undefined;
}

/**
 * Read the given specs from the form into one arguments object (dotted names become nested
 * objects). Text is sent as typed ('' means "not recorded"); an unchosen choice is null; a
 * number field sends the text typed, trimmed (the core reads it, and says what is wrong like
 * any other mistake); booleans are true/false; checkbox groups a list of codes.
 * @param {HTMLFormElement} form
 * @param {FieldSpec[]} specs
 * @returns {Record<string, any>}
 */
export function read(form, specs) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const spec of specs) {
    const type = spec.type || 'text';
    const els = named(form, spec.name);
    if (els.length === 0) continue;
    let value;
    if (type === 'bool') value = els[0].checked;
    else if (type === 'checkboxes') value = els.filter((el) => el.checked).map((el) => el.value);
    else if (type === 'radios') value = spec.yesno ? readYesNo(form, spec.name) : readChoice(form, spec.name);
    else if (type === 'choice' && els[0].tagName === 'SELECT') value = els[0].value === '' ? null : els[0].value;
    else if (type === 'number' || type === 'money') value = els[0].value.trim();
    else value = els[0].value;
    setAt(out, spec.name, value);
  }
  return out;
}
