// @ts-check
// Showing recorded answers: definition lists (`dl.details`) of label and value rows. One row
// builder for every page; `detailsList` builds the rows from the same field specs the forms use
// (so labels match), values turned into words (codes into labels, dates into DD/MM/YYYY, true
// into Yes).

import { h } from './dom.js';
import { labelFor } from '../api.js';
import { formatDate } from './format.js';
import { valueAt } from './fields.js';

/** @typedef {import('./fields.js').FieldSpec} FieldSpec */

/**
 * Strip form-only wording from a label for reading: "Phone (optional)" -> "Phone".
 * @param {string} label
 */
export function readingLabel(label) {
  return String(label).replace(/\s*\(optional\)$/, '');
}

/** @param {any} value */
function isEmpty(value) {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length);
}

/**
 * One row of a details list. `empty` says what an empty value does: left as it is (default),
 * 'hide' (no row), or a text shown muted ('Not recorded'). `multiline` keeps a text's line breaks.
 * @param {any} label @param {any} value
 * @param {{ empty?: string, multiline?: boolean, field?: string }} [o]
 * @returns {HTMLElement | null}
 */
export function detailRow(label, value, { empty, multiline = false, field } = {}) {
  let shown = value;
  if (isEmpty(value)) {
    if (empty === 'hide') return null;
    if (empty) shown = h('span', { class: 'muted' }, empty);
  } else if (multiline && typeof value === 'string') {
    shown = h('span', { class: 'pre-line' }, value);
  }
  return h('div', { class: 'details__row', dataset: field ? { field } : null }, h('dt', null, label), h('dd', null, shown));
}

/**
 * A row that says "Not recorded" when there is nothing, keeping a text's line breaks.
 * @param {any} label @param {any} value
 */
export function recordedRow(label, value) {
  return detailRow(label, value, { empty: 'Not recorded', multiline: true });
}

/**
 * A details list of rows: each a row element (or null, left out) or a [label, value] pair.
 * @param {Array<HTMLElement | null | false | [any, any]>} rows
 * @param {{ id?: string, class?: string | string[] }} [attrs]
 */
export function details(rows, attrs = {}) {
  const cls = ['details', ...(Array.isArray(attrs.class) ? attrs.class : [attrs.class])];
  return h('dl', { ...attrs, class: cls }, rows.map((r) => (Array.isArray(r) ? detailRow(r[0], r[1]) : r)));
}

/**
 * The value of one field as words, or '' when nothing is recorded.
 * @param {FieldSpec} spec @param {any} value @param {Record<string, any>} opts
 */
export function shownValue(spec, value, opts) {
  if (value === null || value === undefined || value === '') return '';
  switch (spec.type) {
    case 'date': return formatDate(value);
    case 'bool': return value === true ? 'Yes' : '';
    case 'choice': return labelFor(opts, spec.list || '', value);
    case 'checkboxes': return Array.isArray(value) ? value.map((c) => labelFor(opts, spec.list || '', c)).join(', ') : '';
    default: return String(value);
  }
}

/**
 * A <dl> of the specs that have a value in `record`; null when none has.
 * @param {FieldSpec[]} specs @param {any} record @param {Record<string, any>} opts
 * @param {{ always?: string[] }} [o]
 */
export function detailsList(specs, record, opts, { always = [] } = {}) {
  const rows = [];
  for (const spec of specs) {
    const raw = valueAt(record, spec.name);
    let text = shownValue(spec, raw, opts);
    if (!text && always.includes(spec.name)) text = spec.type === 'bool' ? 'No' : 'Not recorded';
    if (!text) continue;
    rows.push(h('div', { class: 'details__row', dataset: { field: spec.name } },
      h('dt', null, spec.readLabel || readingLabel(spec.label)),
      h('dd', { class: spec.type === 'textarea' ? 'pre-line' : null }, text)));
  }
  return rows.length ? h('dl', { class: 'details' }, rows) : null;
}
