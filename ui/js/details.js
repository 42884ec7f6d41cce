// Showing recorded answers: definition lists of filled-in fields, built from the same field
// specs the forms use (so labels match), values turned into words (codes into labels, dates
// into DD/MM/YYYY, true into Yes).

import { h } from './dom.js';
import { labelFor } from './api.js';
import { formatDate } from './format.js';
import { valueAt } from './forms.js';

/** Strip form-only wording from a label for reading: "Phone (optional)" -> "Phone". */
export function readingLabel(label) {
  return String(label).replace(/\s*\(optional\)$/, '');
}

/** The value of one field as words, or '' when nothing is recorded. */
export function shownValue(spec, value, opts) {
  if (value === null || value === undefined || value === '') return '';
  switch (spec.type) {
    case 'date': return formatDate(value);
    case 'bool': return value === true ? 'Yes' : '';
    case 'choice': return labelFor(opts, spec.list, value);
    case 'checkboxes': return Array.isArray(value) ? value.map((c) => labelFor(opts, spec.list, c)).join(', ') : '';
    default: return String(value);
  }
}

/** A <dl> of the specs that have a value in `record`; null when none has. */
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
