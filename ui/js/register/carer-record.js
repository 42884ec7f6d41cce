// @ts-check
// A carer's record (#/carers/:id): who they are, what is recorded, who they care for, their
// young carer work, assessments, support plans, passports and cards, and notes.

import * as api from '../api.js';
import { h, append, replace, focusElement } from '../kit/dom.js';
import { setTitle, flash, registerHref } from '../nav.js';
import { displayName, formatDate, todayUk, sentence } from '../kit/format.js';
import { fields, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { clearErrors } from '../kit/errors.js';
import { detailsList, readingLabel } from '../kit/details.js';
import { CARER_SECTIONS, SHARE_LEGEND } from './carer-fields.js';
import { caringSection } from './caring.js';
import { notesSection } from './notes.js';
import { categoryBadge } from '../kit/tags.js';
import { assessmentsSection } from '../assessments/assessment-section.js';
import { plansSection } from '../plans/plan-section.js';
import { youngCarerSection } from '../schools/young-carer.js';
import { passportsSection } from '../passports/passport-section.js';
import { informationRights, anonymisedBanner, isAdministrator } from '../safety/safety-parts.js';

const CLOSE_FIELDS = [
  { name: 'reason', label: 'Why is the record being closed?', type: 'choice', list: 'close_reason', blank: 'Choose a reason' },
  { name: 'date', label: 'Date closed', type: 'date', width: 'date' },
  { name: 'note', label: 'Note (optional)', type: 'textarea', rows: 3 },
];

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const [opts, first, admin] = await Promise.all([api.options(), api.carerGet(id), isAdministrator()]);
  let record = first;
  setTitle(displayName(record));

  const head = h('div', { class: 'record-head' });
  const detailsBox = h('div', { class: 'record-details' });
  const caring = caringSection({
    getRecord: () => record,
    opts,
    onChange: (r) => { record = r; drawHead(); youngCarer?.refresh(); },
  });
  const notes = notesSection({ carerId: id, notes: record.notes, opts });
  const assessments = assessmentsSection({ getRecord: () => record });
  const plans = plansSection({ getRecord: () => record });
  const youngCarer = youngCarerSection({ getRecord: () => record, opts });
  const passports = passportsSection({ getRecord: () => record });
  // Administrators: subject access export and anonymising (safety-parts.js).
  const rights = admin ? informationRights({
    kind: 'carer',
    getRecord: () => record,
    nameOf: (r) => displayName(r),
    canAnonymise: (r) => (r.status === 'closed'
      ? { ok: true }
      : { ok: false, why: 'Only a closed record can be anonymised: close it first, with the reason.' }),
    onAnonymised: async () => {
      record = await api.carerGet(id);
      setTitle(displayName(record));
      drawHead();
      drawDetails();
      caring.refresh();
      assessments.refresh();
      plans.refresh();
      youngCarer.refresh();
      passports.refresh();
      rights.refresh();
      flash('Record anonymised');
      focusElement(document.getElementById('record-name'));
    },
  }) : null;

  append(main, 
    h('p', { class: 'back' }, h('a', { href: registerHref() }, 'Back to carers')),
    h('div', { id: 'carer-record', class: 'record' },
      head,
      h('div', { class: 'record-columns' },
        h('div', { class: 'record-columns__side' }, detailsBox),
        h('div', { class: 'record-columns__main' }, caring, youngCarer.element, assessments.element, plans.element, passports.element, notes, rights?.element),
      ),
    ),
  );
  drawHead();
  drawDetails();

  function drawHead() {
    const closed = record.status === 'closed';
    const facts = [
      h('span', { class: 'record-head__ref' }, record.reference),
      categoryBadge(record),
      record.age !== null && record.age !== undefined ? h('span', null, `Age ${record.age}`) : null,
      closed ? h('span', { class: 'badge badge--closed' }, 'Closed') : h('span', { class: 'badge badge--open' }, 'Open'),
      record.parent_carer ? h('span', { class: 'badge badge--plain' }, 'Parent carer') : null,
      record.cares_for_several ? h('span', { class: 'badge badge--plain' }, 'Cares for more than one person') : null,
    ];
    replace(head,
      h('h1', { class: 'page-title record-head__name', id: 'record-name' }, displayName(record)),
      h('p', { class: 'record-head__facts' }, facts),
      anonymisedBanner(record),
      closed ? closedNotice() : null,
      // An anonymised record cannot be changed or reopened (the core refuses too).
      record.anonymised_on ? null : h('div', { class: 'button-row' },
        h('a', { class: 'button', href: `#/carers/${id}/edit`, id: 'edit-carer' }, 'Edit details'),
        closed
          ? h('button', { type: 'button', class: 'button button--secondary', id: 'reopen-carer', onclick: reopen }, 'Reopen record')
          : h('button', { type: 'button', class: 'button button--secondary', id: 'close-carer', onclick: openClose }, 'Close record'),
      ),
    );
  }

  function closedNotice() {
    const reason = record.closed_reason_label || record.closed_reason;
    return h('div', { class: 'notice notice--closed' },
      h('p', { class: 'notice__title' }, `Closed on ${formatDate(record.closed_date)}${reason ? `: ${reason}` : ''}`),
      record.closed_note ? h('p', { class: 'pre-line' }, record.closed_note) : null);
  }

  function drawDetails() {
    replace(detailsBox, CARER_SECTIONS.map((s) => {
      const plain = s.fields.filter((f) => !f.group);
      const shared = s.fields.filter((f) => f.group === 'share' && record[f.name] === true);
      const list = detailsList(plain, record, opts, { always: s.id === 'consent' ? ['consent_given'] : [] });
      const shareRow = shared.length
        ? h('dl', { class: 'details' }, h('div', { class: 'details__row' },
          h('dt', null, SHARE_LEGEND),
          h('dd', null, shared.map((f) => readingLabel(f.label).replace(/^Share with /, '')).join(', '))))
        : null;
      return h('section', { class: 'details-section', 'aria-labelledby': `details-${s.id}` },
        h('h2', { class: 'details-section__title', id: `details-${s.id}` }, s.title),
        list || shareRow ? [list, shareRow] : h('p', { class: 'muted' }, 'Nothing recorded.'));
    }),
    h('p', { class: 'muted small' }, `Added ${formatDate(record.created_at)}. Last changed ${formatDate(record.updated_at)}.`));
  }

  function openClose() {
    const opener = document.getElementById('close-carer');
    const form = h('form', { id: 'close-form', class: 'form', novalidate: true },
      fields(CLOSE_FIELDS, { date: todayUk() }, opts, 'close-'),
      formButtons('Close record', { onCancel: () => dialog.close() }),
    );
    const dialog = h('dialog', { class: 'dialog', id: 'close-dialog', 'aria-labelledby': 'close-title' },
      h('h2', { class: 'dialog__title', id: 'close-title' }, `Close ${displayName(record)}’s record`),
      h('p', null, 'The record stays on the register and can be reopened.'),
      form);
    onSubmit(form, async () => {
      const input = read(form, CLOSE_FIELDS);
      const args = { id, reason: input.reason, date: input.date };
      if (input.note && input.note.trim()) args.note = input.note;
      record = await api.carerClose(args);
      dialog.close();
      drawHead();
      caring.refresh();
      assessments.refresh();
      plans.refresh();
      youngCarer.refresh();
      passports.refresh();
      rights?.refresh();
      flash('Record closed');
      focusElement(document.getElementById('record-name'));
    }, { busyLabel: 'Closing…' });
    dialog.addEventListener('close', () => {
      clearErrors(dialog);
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
    });
    document.body.append(dialog);
    dialog.showModal();
    form.querySelector('select, input').focus();
  }

  async function reopen() {
    try {
      record = await api.carerReopen(id);
      drawHead();
      caring.refresh();
      assessments.refresh();
      plans.refresh();
      youngCarer.refresh();
      passports.refresh();
      rights?.refresh();
      flash('Record reopened');
      focusElement(document.getElementById('record-name'));
    } catch (err) {
      flash(sentence(err.message));
    }
  }

  return () => document.getElementById('close-dialog')?.remove();
}
