// @ts-check
// What is recorded about a cared-for person and about a caring link (who cares for whom, how).
// Names are bare here; `prefixed` makes the `person.` / `link.` paths the carer page uses.

import { PARTIAL_DATE_HINT } from '../kit/fields.js';

export const PERSON_FIELDS = [
  { name: 'first_name', row: 'name', label: 'First name', width: 'medium' },
  { name: 'last_name', row: 'name', label: 'Last name (optional)', width: 'medium' },
  { name: 'date_of_birth', row: 'age', label: 'Date of birth (optional)', type: 'date', width: 'date' },
  { name: 'approximate_age', row: 'age', label: 'Approximate age (optional)', type: 'number', hint: 'If you do not know their date of birth', width: 'short' },
  { name: 'conditions', label: 'Main conditions (optional)', type: 'checkboxes', list: 'condition', hint: 'Tick all that apply' },
  { name: 'notes', label: 'Notes about them (optional)', type: 'textarea', rows: 3 },
];

export const LINK_FIELDS = [
  { name: 'relationship', row: 'rel', label: 'Relationship to the carer', type: 'choice', list: 'relationship', blank: 'Choose a relationship', hint: 'What the cared-for person is to the carer' },
  { name: 'hours_band', row: 'rel', label: 'Hours of care a week', type: 'choice', list: 'hours_band', blank: 'Choose hours' },
  { name: 'lives_together', label: 'They live together', type: 'bool' },
  { name: 'care_kinds', label: 'Kinds of care given (optional)', type: 'checkboxes', list: 'care_kind', hint: 'Tick all that apply' },
  { name: 'since', label: 'Caring since (optional)', type: 'date', width: 'date', hint: PARTIAL_DATE_HINT },
];

/** The same specs with their names under `prefix.` (`person.first_name`). */
export function prefixed(specs, prefix) {
  return specs.map((s) => ({ ...s, name: `${prefix}.${s.name}` }));
}

/** The spec called `name` in a list of specs. */
export function spec(specs, name) {
  return specs.find((s) => s.name === name);
}
