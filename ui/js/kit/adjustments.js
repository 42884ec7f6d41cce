// @ts-check
// A young carer's agreed adjustments with Add, Change and End: one piece for the carers
// service's record (young-carer.js) and the school's pupil page (pupil.js), so the two stay
// the same.

import * as api from '../api.js';
import { h, confirmDialog } from './dom.js';
import { formatDate, todayUk, sentence } from './format.js';
import { fields, read } from './fields.js';
import { onSubmit, formButtons } from './forms.js';
import { adjustmentStatus } from './tags.js';

/** An agreed adjustment's fields. */
export const ADJUSTMENT_FIELDS = [
  { name: 'kind', label: 'Adjustment', type: 'choice', list: 'adjustment_kind', blank: 'Choose an adjustment', width: 'long' },
  { name: 'note', label: 'What has been agreed (optional)', type: 'textarea', rows: 3, hint: 'Staff see this, so keep it to what they need to know' },
  { name: 'agreed_on', row: 'dates', label: 'Date agreed', type: 'date', width: 'date' },
  { name: 'review_on', row: 'dates', label: 'Review by (optional)', type: 'date', width: 'date' },
];

/**
 * The list of adjustments, the "Add an adjustment" button and the slot its form opens in.
 * @param {object} o
 * @param {any[]} o.adjustments  as the core returns them (`young_carer_get`, `pupil_get`)
 * @param {number} o.carerId
 * @param {any} o.opts  the options lists (for `adjustment_kind`)
 * @param {boolean} [o.closed]  a closed record: listed only
 * @param {string} o.formHeading  the form title's tag, under the page's headings ('h3', 'h4')
 * @param {string} o.endMessage  what ending one means for the reader
 * @param {(slot: HTMLElement, form: HTMLElement, opener: HTMLElement) => void} o.openForm  the page's one-form-at-a-time opener
 * @param {() => (((refocus?: boolean) => void) | null)} o.openClose  the open form's close, if one is open
 * @param {(message: string) => Promise<void>} o.changed  reload the page's data, redraw and say what happened
 * @param {(message: string) => void} o.showError
 * @returns {Array<HTMLElement | null>}
 */
export function adjustmentsPanel(o) {
  const slot = h('div', { class: 'yc-slot' });
  const add = h('button', { type: 'button', class: 'button button--secondary', id: 'add-adjustment', 'aria-expanded': 'false', onclick: () => open(add, null) }, 'Add an adjustment');

  /** @param {HTMLElement} opener @param {any} a */
  function open(opener, a) {
    const close = o.openClose();
    if (close && opener.getAttribute('aria-expanded') === 'true') { close(); return; }
    const form = h('form', { id: 'adjustment-form', class: 'form form--panel', novalidate: true },
      h(o.formHeading, { class: 'panel-form__title' }, a ? `Change “${a.kind_label || a.kind}”` : 'Add an adjustment'),
      fields(ADJUSTMENT_FIELDS, a || { agreed_on: todayUk() }, o.opts, 'adj-'),
      formButtons(a ? 'Save adjustment' : 'Add adjustment', { onCancel: () => o.openClose()?.(), submitId: 'save-adjustment' }));
    onSubmit(form, async () => {
      const input = read(form, ADJUSTMENT_FIELDS);
      await api.adjustmentSave({ id: a ? a.id : null, carer_id: o.carerId, ...input });
      await o.changed(a ? 'Adjustment saved' : 'Adjustment added');
    });
    o.openForm(slot, form, opener);
  }

  /** @param {any} a */
  async function end(a) {
    const yes = await confirmDialog({
      title: `End “${a.kind_label || a.kind}”?`,
      message: o.endMessage,
      confirmLabel: 'End adjustment',
      danger: true,
    });
    if (!yes) return;
    try {
      await api.adjustmentEnd({ id: a.id });
      await o.changed('Adjustment ended');
    } catch (err) {
      o.showError(sentence(err.message));
    }
  }

  /** @param {any} a */
  function item(a) {
    const name = a.kind_label || a.kind;
    const change = h('button', { type: 'button', class: 'button button--secondary button--small', 'aria-expanded': 'false', onclick: () => open(change, a) },
      'Change', h('span', { class: 'visually-hidden' }, ` ${name}`));
    return h('li', { class: ['adjustment-list__item', a.status === 'ended' ? 'adjustment-list__item--ended' : null], dataset: { adjustmentId: String(a.id), status: a.status } },
      h('div', { class: 'adjustment-list__head' }, h('span', { class: 'adjustment-list__kind' }, name), adjustmentStatus(a)),
      a.note ? h('p', { class: 'pre-line adjustment-list__note' }, a.note) : null,
      h('p', { class: 'muted small adjustment-list__dates' }, [a.agreed_on ? `Agreed ${formatDate(a.agreed_on)}` : null, a.review_on && a.status !== 'ended' ? `review by ${formatDate(a.review_on)}` : null].filter(Boolean).join(', ')),
      o.closed || a.status === 'ended' ? null : h('div', { class: 'button-row button-row--tight' },
        change,
        h('button', { type: 'button', class: 'button button--secondary button--small', onclick: () => end(a) },
          'End', h('span', { class: 'visually-hidden' }, ` ${name}`))));
  }

  return [
    o.adjustments.length
      ? h('ul', { class: 'adjustment-list', id: 'adjustment-list' }, o.adjustments.map(item))
      : h('p', { class: 'muted', id: 'adjustment-list' }, 'No adjustments agreed yet.'),
    o.closed ? null : h('div', { class: 'button-row button-row--tight' }, add),
    slot,
  ];
}
