// @ts-check
// A school (#/schools/:id): its details and young carers lead, its young carers (year and
// tutor group, last contact, assessment, agreed adjustments with "review due" flags) and the
// one-page staff summary to print for the staff room.

import * as api from '../api.js';
import { h, append, replace } from '../kit/dom.js';
import { setTitle } from '../nav.js';
import { formatDate, plural, sentence } from '../kit/format.js';
import { adjustmentStatus } from '../kit/tags.js';
import { can } from '../session/session.js';

const STATUS_WORDS = { completed: 'Completed', draft: 'Draft, not finished' };

/** "Young carer's assessment, completed 03/02/2026" (or "None recorded"). */
export function assessmentText(a) {
  if (!a) return h('span', { class: 'muted' }, 'None recorded');
  const status = STATUS_WORDS[a.status] || sentence(a.status || '');
  return [
    h('span', { class: 'block' }, a.type_label || 'Assessment'),
    h('span', { class: 'muted small block' }, [status, a.date ? formatDate(a.date) : null].filter(Boolean).join(', ')),
  ];
}

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const school = await api.schoolGet(id);
  setTitle(school.name);
  const pupils = school.pupils || [];
  const printStatus = h('div', { class: 'print-status', id: 'print-status', role: 'status', 'aria-live': 'polite' });
  const printButton = h('button', { type: 'button', class: 'button button--secondary', id: 'print-school-summary', onclick: print }, 'Print staff summary (PDF)');
  const due = pupils.reduce((n, p) => n + (p.adjustments_due || 0), 0);

  const address = [school.address_line1, school.address_line2, school.town, school.postcode].filter(Boolean).join(', ');
  const detailRows = [
    ['URN', school.urn],
    ['Address', address],
    ['Phone', school.phone],
    ['Email', school.email],
  ].filter(([, v]) => v);
  const leadRows = [
    ['Name', school.lead_name],
    ['Email', school.lead_email],
    ['Phone', school.lead_phone],
  ].filter(([, v]) => v);
  const dl = (rows) => h('dl', { class: 'details' }, rows.map(([k, v]) => h('div', { class: 'details__row' }, h('dt', null, k), h('dd', null, v))));

  append(main,
    h('p', { class: 'back' }, h('a', { href: '#/schools' }, 'Back to schools')),
    h('div', { id: 'school-view' },
      h('h1', { class: 'page-title', id: 'school-name' }, school.name),
      h('p', { class: 'record-head__facts' },
        h('span', null, plural(pupils.length, 'young carer')),
        due ? h('span', { class: 'tag tag--due' }, `${plural(due, 'adjustment')} due for review`) : null),
      h('div', { class: 'button-row' },
        h('a', { class: 'button', href: `#/schools/${id}/edit`, id: 'edit-school' }, 'Edit school details'),
        printButton),
      printStatus,
      h('div', { class: 'school-details' },
        h('section', { class: 'details-section', 'aria-labelledby': 'school-details-title' },
          h('h2', { class: 'details-section__title', id: 'school-details-title' }, 'School details'),
          detailRows.length ? dl(detailRows) : h('p', { class: 'muted' }, 'Nothing recorded.')),
        h('section', { class: 'details-section', 'aria-labelledby': 'school-lead-title', id: 'school-lead' },
          h('h2', { class: 'details-section__title', id: 'school-lead-title' }, 'Young carers lead'),
          leadRows.length ? dl(leadRows) : h('p', { class: 'muted' }, 'Not recorded. Add the lead from “Edit school details”.'))),
      h('section', { class: 'record-section', 'aria-labelledby': 'pupils-title', id: 'school-pupils' },
        h('h2', { class: 'section-title', id: 'pupils-title' }, 'Young carers at this school'),
        pupils.length ? pupilTable(pupils) : h('p', { class: 'muted' }, 'No young carers are linked to this school yet. Link a young carer from their record (“Young carer”, then “Link to a school”).')),
    ),
  );

  async function print() {
    printButton.disabled = true;
    replace(printStatus);
    try {
      const safe = school.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
      const done = await api.printSchoolSummary(id, `${safe || 'school'}-young-carers-staff-summary.pdf`);
      if (!done) return;
      replace(printStatus,
        h('p', { class: 'flash__text', id: 'print-saved' }, `Saved to ${done.path}`),
        done.opened ? null : h('p', { class: 'hint' }, 'The PDF viewer could not be opened: open the file from its folder.'));
    } catch (err) {
      replace(printStatus, h('p', { class: 'inline-error' }, `The PDF was not made: ${sentence(err.message)}`));
    } finally {
      printButton.disabled = false;
    }
  }
}

function pupilTable(pupils) {
  return h('table', { class: 'table table--pupils', id: 'pupil-list' },
    h('caption', { class: 'visually-hidden' }, 'Young carers, by year group then name'),
    h('thead', null, h('tr', null,
      ['Young carer', 'Year group', 'Tutor group', 'Last contact', 'Assessment', 'Agreed adjustments'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, pupils.map((p) => h('tr', { dataset: { carerId: String(p.carer_id) } },
      h('td', null,
        can('records') ? h('a', { href: `#/carers/${p.carer_id}`, class: 'result-link' }, p.name) : h('span', { class: 'result-link' }, p.name),
        h('span', { class: 'muted small block' }, [p.reference, p.age !== null && p.age !== undefined ? `age ${p.age}` : null].filter(Boolean).join(', ')),
        p.census_label ? h('span', { class: 'muted small block' }, p.census_label) : null,
        p.staff_contact ? h('span', { class: 'small block' }, `Staff contact: ${p.staff_contact}`) : null),
      h('td', { class: 'nowrap' }, p.year_group_label || p.year_group || h('span', { class: 'muted' }, 'Not recorded')),
      h('td', null, p.tutor_group || h('span', { class: 'muted' }, 'Not recorded')),
      h('td', { class: 'nowrap' }, p.last_contact ? formatDate(p.last_contact) : h('span', { class: 'muted' }, 'None recorded')),
      h('td', null, assessmentText(p.assessment)),
      h('td', null, adjustmentsCell(p.adjustments || []))))));
}

function adjustmentsCell(list) {
  const live = list.filter((a) => a.status !== 'ended');
  if (!live.length) return h('span', { class: 'muted' }, 'None agreed');
  return h('ul', { class: 'adjustment-mini' }, live.map((a) => h('li', null,
    h('span', { class: 'adjustment-mini__kind' }, a.kind_label || a.kind),
    a.note ? h('span', { class: 'block small' }, a.note) : null,
    h('span', { class: 'block small' }, adjustmentStatus(a)))));
}
