// @ts-check
// Pieces shared by the passport screens: the status badge, how long a passport is valid for in
// words, the types and what their holders may ask for (asked once), the fields of the issue and
// edit forms, and the "Print to PDF" choices (one card per page, or a sheet of card stock).

import * as api from '../api.js';
import { h, replace, idFor } from '../kit/dom.js';
import { formatDate, parseDate, plural, sentence } from '../kit/format.js';
import { fields, radioField, selectField, checkboxField } from '../kit/fields.js';


/** "Valid until 30/11/2027" / "Expired 30/11/2025" / "Revoked 02/03/2026" / "Replaced by HP-…". */
export function validityText(p) {
  if (p.status === 'revoked') return `Revoked ${formatDate(p.revoked_on)}`;
  if (p.status === 'replaced') return p.replaced_by ? `Replaced by ${p.replaced_by.number}` : 'Replaced';
  if (p.status === 'expired' || (p.expires_in_days !== null && p.expires_in_days < 0)) return `Expired ${formatDate(p.valid_until)}`;
  return `Valid until ${formatDate(p.valid_until)}`;
}

/** "in 12 days", "today", "tomorrow" for the expiring list. */
export function expiresIn(days) {
  if (days === null || days === undefined) return '';
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days < 0) return `${plural(-days, 'day')} ago`;
  return `in ${plural(days, 'day')}`;
}

/** Typed dates go to the core as ISO when they are real dates, else as typed (so it says why). */
export function dateArg(text) {
  const t = String(text ?? '').trim();
  if (!t) return null;
  const d = parseDate(t);
  if (!d) return t;
  return `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
}

/** Text, or null when only spaces were typed. */
export function textArg(text) {
  const t = String(text ?? '').trim();
  return t ? t : null;
}

// The types and their lists of what holders may ask for change only in Settings: ask once,
// and again after they are saved there.
let kindsPromise = null;

/** [{ kind, label, card_title, prefix, default_valid_until_rule, asks: [{ id, label, retired }] }]. */
export function passportKinds({ fresh = false } = {}) {
  if (fresh || !kindsPromise) {
    kindsPromise = api.passportKinds().catch((err) => { kindsPromise = null; throw err; });
  }
  return kindsPromise;
}

/** Forget the cached types (after the lists are edited in Settings). */
export function forgetKinds() {
  kindsPromise = null;
}

/** Where a passport of each type is used: the label and hint of its `setting` field. */
export const SETTING_WORDS = {
  community: { label: 'Area or service where it is used (optional)', hint: 'Printed under the title, for example Anytown and district' },
  hospital: { label: 'Hospital (optional)', hint: 'Printed under the title, for example St Mary’s Hospital' },
  workplace: { label: 'Employer (optional)', hint: 'Printed under the title, for example Anytown Council' },
  young_carer: { label: 'School or college (optional)', hint: 'Printed under the title, for example Anytown Academy' },
};

/**
 * The checkboxes for what the holder may ask for: the type's offered entries, then any text
 * the passport already has that is no longer offered (kept ticked, so saving does not lose it).
 * The value of each checkbox is the text printed on the card.
 */
export function asksField(kindInfo, chosen, { prefix = '' } = {}) {
  const offered = (kindInfo?.asks || []).filter((a) => !a.retired).map((a) => a.label);
  const ticked = chosen === null ? new Set(offered) : new Set(chosen);
  const all = [...offered, ...[...ticked].filter((t) => !offered.includes(t))];
  const id = `${prefix}asks`;
  return h('fieldset', { class: 'field fieldset fieldset--inner', id: `${id}-group`, dataset: { field: 'asks', group: 'true' }, 'aria-describedby': `${id}-hint` },
    h('legend', { class: 'fieldset__legend fieldset__legend--small' }, 'What the holder may ask for'),
    h('p', { class: 'hint', id: `${id}-hint` }, 'Printed on the back of the card. The list for each type is kept in Settings.'),
    all.length
      ? h('div', { class: 'checkboxes' }, all.map((text, i) => h('div', { class: 'checkbox' },
        h('input', { type: 'checkbox', class: 'checkbox__input', id: `${id}-${i}`, name: 'asks', value: text, checked: ticked.has(text) }),
        h('label', { class: 'checkbox__label', for: `${id}-${i}` }, text))))
      : h('p', { class: 'muted' }, 'Nothing is listed for this type yet: add entries in Settings, “What holders may ask for”.'));
}

/** The ticked asks of a form, in the order shown. */
export function readAsks(form) {
  return [...form.elements].filter((el) => el.name === 'asks' && el.checked).map((el) => el.value);
}

/** The cared-for people of a carer record as choices: [{ code: id, label: "Maya (daughter)" }]. */
export function caredForChoices(record) {
  return (record?.caring || []).map(({ link, person }) => {
    const rel = link?.relationship_label;
    return { code: String(person.id), label: rel ? `${person.first_name} (${String(rel).toLowerCase()})` : person.first_name };
  });
}

const CONTACT_FIELDS = [
  { name: 'emergency_contact_name', row: 'contact', label: 'Name (optional)', width: 'medium', autocomplete: 'off' },
  { name: 'emergency_contact_relationship', row: 'contact', label: 'Relationship (optional)', hint: 'For example, aunt', width: 'short' },
  { name: 'emergency_contact_phone', label: 'Phone (optional)', type: 'tel', width: 'medium' },
];

/**
 * The consent-aware parts of the issue and edit forms: the person they care for (first name
 * only, printed only with consent) and the emergency contact (printed only with consent).
 */
export function consentParts(values, caring, { prefix = '' } = {}) {
  const choices = caring;
  const cared = h('fieldset', { class: 'fieldset passport-part', id: `${prefix}cared-for-part` },
    h('legend', { class: 'fieldset__legend' }, h('h2', { class: 'fieldset__heading' }, 'The person they care for')),
    h('p', { class: 'hint' }, 'Only the first name is printed (“Cares for Maya”), and only when consent to print it is recorded. It tells someone helping in an emergency that a person may be alone at home.'),
    choices.length
      ? [
        selectField('cared_for_id', 'Person they care for (optional)', choices, values.cared_for_id ?? '', { blank: 'Nobody chosen', width: 'medium' }),
        checkboxField('show_cared_for_name', 'Consent is recorded to print this first name on the card', values.show_cared_for_name === true),
      ]
      : h('p', { class: 'muted' }, 'No one is recorded as cared for on this record.'));
  const contact = h('fieldset', { class: 'fieldset passport-part', id: `${prefix}contact-part` },
    h('legend', { class: 'fieldset__legend' }, h('h2', { class: 'fieldset__heading' }, 'Emergency contact')),
    h('p', { class: 'hint' }, 'Printed on the back only when consent to print it is recorded.'),
    fields(CONTACT_FIELDS, values, {}, prefix),
    h('div', { class: 'field field--checkbox', dataset: { field: 'emergency_contact_consent' } },
      h('div', { class: 'checkbox' },
        h('input', { id: `${prefix}emergency_contact_consent`, name: 'emergency_contact_consent', type: 'checkbox', value: 'true', checked: values.emergency_contact_consent === true, class: 'checkbox__input' }),
        h('label', { class: 'checkbox__label', for: `${prefix}emergency_contact_consent` }, 'Consent is recorded to print this contact on the card'))));
  return [cared, contact];
}

/** The consent-aware values of a form, as the core takes them. */
export function readConsent(form) {
  const el = (name) => [...form.elements].find((e) => e.name === name);
  const out = {};
  const cf = el('cared_for_id');
  if (cf) {
    out.cared_for_id = cf.value === '' ? null : Number(cf.value);
    out.show_cared_for_name = Boolean(el('show_cared_for_name')?.checked);
  }
  for (const name of ['emergency_contact_name', 'emergency_contact_relationship', 'emergency_contact_phone']) {
    const input = el(name);
    if (input) out[name] = textArg(input.value);
  }
  out.emergency_contact_consent = Boolean(el('emergency_contact_consent')?.checked);
  return out;
}

/** The type radios of the issue form. */
export function kindField(kinds, value) {
  return radioField('kind', 'Type', kinds.map((k) => ({ code: k.kind, label: k.label })), value, { inline: false });
}

// ---------------------------------------------------------------- printing

/** The layout, stock and crop-mark choices of a print form (stock and marks only for sheets). */
export function printChoices({ stocks, stock, cropMarks, prefix = 'print-', layout: chosenLayout = 'sheet' }) {
  const layout = radioField('layout', 'How will the cards be printed?', [
    { code: 'single', label: 'One card per page, for a card printer (85.6 × 54 mm)' },
    { code: 'sheet', label: 'On A4 sheets of card stock, 10 to a sheet (backs on the next page, for double-sided printing)' },
  ], chosenLayout, { inline: false });
  // radioField ids come from the name: keep them unique when a page has two print forms.
  layout.querySelectorAll('[id]').forEach((el) => { el.id = `${prefix}${el.id}`; });
  layout.querySelectorAll('label[for]').forEach((el) => { el.htmlFor = `${prefix}${el.htmlFor}`; });
  if (layout.getAttribute('aria-describedby')) layout.setAttribute('aria-describedby', `${prefix}${layout.getAttribute('aria-describedby')}`);
  const stockField = selectField('stock', 'Card stock', stocks, stock, { blank: null, width: 'long' });
  const marks = checkboxField('crop_marks', 'Crop marks in the margins', cropMarks !== false, { hint: 'Short lines outside the cards showing where to cut' });
  for (const el of [stockField, marks]) {
    el.querySelectorAll('[id]').forEach((x) => { x.id = `${prefix}${x.id}`; });
    el.querySelectorAll('label[for]').forEach((x) => { x.htmlFor = `${prefix}${x.htmlFor}`; });
    el.querySelectorAll('[aria-describedby]').forEach((x) => x.setAttribute('aria-describedby', `${prefix}${x.getAttribute('aria-describedby')}`));
  }
  const sheetOnly = h('div', { class: 'conditional', id: `${prefix}sheet-options` }, stockField, marks);
  const sync = () => {
    const chosen = layout.querySelector('input:checked')?.value;
    sheetOnly.hidden = chosen !== 'sheet';
  };
  layout.addEventListener('change', sync);
  sync();
  return [layout, sheetOnly];
}

/** The print choices of a form, as passports_print takes them. */
export function readPrintChoices(form) {
  const layout = [...form.elements].find((el) => el.name === 'layout' && el.checked)?.value || 'sheet';
  const out = { layout };
  if (layout === 'sheet') {
    const stock = [...form.elements].find((el) => el.name === 'stock');
    if (stock && stock.value) out.stock = stock.value;
    const marks = [...form.elements].find((el) => el.name === 'crop_marks');
    if (marks) out.crop_marks = marks.checked;
  }
  return out;
}

/** A file name from a passport number or a description: letters, digits and dashes. */
export function fileName(text) {
  return String(text).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'cards';
}

/** What a finished print says: where the file went, how many cards, anything skipped. */
export function printedMessage(done, idPrefix = 'print') {
  const warnings = done.warnings || [];
  const count = done.cards !== undefined ? `${plural(done.cards, 'card')} on ${plural(done.pages, 'page')}. ` : '';
  return [
    h('p', { class: 'flash__text', id: `${idPrefix}-saved` }, `${count}Saved to ${done.path}`),
    done.opened ? null : h('p', { class: 'hint' }, 'The PDF viewer could not be opened: open the file from its folder.'),
    warnings.length
      ? h('div', { class: 'notice notice--warning', id: `${idPrefix}-warnings` },
        h('p', { class: 'notice__title' }, 'Check before printing'),
        h('ul', { class: 'plan-missing' }, warnings.map((w) => h('li', null, sentence(w)))))
      : null,
  ];
}

/** Show a failed print in a status region. */
export function printFailed(region, err) {
  replace(region, h('p', { class: 'inline-error' }, `The PDF was not made: ${sentence(err?.message || 'something went wrong')}`));
}

/** A safe id fragment for a passport number. */
export function numberId(number) {
  return idFor(String(number).toLowerCase());
}
