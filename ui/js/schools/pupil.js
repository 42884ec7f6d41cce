// @ts-check
// A young carer as their school sees them (#/pupils/:id): the school details, the adjustments
// the school agreed (add, change, end, review dates), notes "in school" (dated, written as the
// signed-in member of staff), the transition milestones and whether a young carer card is held.
// Nothing of the case record: this is all school staff may see, and the core checks that the
// young carer is linked to their own school.

import * as api from '../api.js';
import { h, append, replace, focusElement } from '../kit/dom.js';
import { setTitle, flash } from '../nav.js';
import { formatDate, todayUk, sentence, plural } from '../kit/format.js';
import { fields, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { details } from '../kit/details.js';
import { milestoneTag } from '../kit/tags.js';
import { adjustmentsPanel } from '../kit/adjustments.js';
import { currentUser } from '../session/session.js';

const NOTE_FIELDS = [
  { name: 'date', label: 'Date', type: 'date', width: 'date' },
  { name: 'text', label: 'Note', type: 'textarea', rows: 4, hint: 'What happened in school. The carers service sees it on the young carer’s record.' },
];

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const [first, opts] = await Promise.all([api.pupilGet(id), api.options()]);
  let pupil = first;
  setTitle(pupil.name);
  const status = h('p', { class: 'section-status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { id: 'pupil-view' });
  /** @type {((refocus?: boolean) => void) | null} */
  let closeForm = null;

  append(main,
    h('p', { class: 'back' }, h('a', { href: `#/schools/${pupil.school_id}`, id: 'back-to-school' }, `Back to ${pupil.school_name}`)),
    body);
  draw();

  function draw() {
    closeForm = null;
    replace(body,
      h('h1', { class: 'page-title', id: 'pupil-name' }, pupil.name),
      h('p', { class: 'record-head__facts' },
        h('span', null, pupil.reference),
        h('span', null, `age ${pupil.age}`),
        pupil.year_group_label ? h('span', null, pupil.year_group_label) : null,
        pupil.tutor_group ? h('span', null, `tutor group ${pupil.tutor_group}`) : null),
      status,
      h('div', { class: 'school-details' },
        h('section', { class: 'details-section', 'aria-labelledby': 'pupil-school-title' },
          h('h2', { class: 'details-section__title', id: 'pupil-school-title' }, 'At school'),
          details([
            ['School', pupil.school_name],
            ['Year group', pupil.year_group_label || h('span', { class: 'muted' }, 'Not recorded')],
            ['Tutor group', pupil.tutor_group || h('span', { class: 'muted' }, 'Not recorded')],
            ['Who identified them', pupil.census_label || h('span', { class: 'muted' }, 'Not recorded')],
            ['Staff contact', pupil.staff_contact || h('span', { class: 'muted' }, 'Not recorded')],
          ], { id: 'pupil-details' })),
        h('section', { class: 'details-section', 'aria-labelledby': 'pupil-card-title', id: 'pupil-card' },
          h('h2', { class: 'details-section__title', id: 'pupil-card-title' }, 'Young carer card'),
          pupil.card
            ? h('p', { id: 'card-held' }, 'Holds a young carer card (', pupil.card.number, '), valid until ', formatDate(pupil.card.valid_until), '.')
            : h('p', { class: 'muted', id: 'card-held' }, 'No young carer card is held. The carers service issues cards.'))),
      adjustmentsPart(),
      notesPart(),
      milestonesPart());
  }

  function changed(message, focusId) {
    draw();
    flash(message);
    focusElement(document.getElementById(focusId));
  }

  function openForm(slot, form, opener) {
    if (closeForm) closeForm(false);
    replace(slot, form);
    opener.setAttribute('aria-expanded', 'true');
    closeForm = (refocus = true) => {
      replace(slot);
      opener.setAttribute('aria-expanded', 'false');
      closeForm = null;
      if (refocus) opener.focus();
    };
    focusElement(form.querySelector('input, select, textarea'));
  }

  function section(idBase, title, ...children) {
    return h('section', { class: 'record-section', id: idBase, 'aria-labelledby': `${idBase}-title` },
      h('h2', { class: 'section-title', id: `${idBase}-title`, tabindex: '-1' }, title),
      children);
  }

  // ------------------------------------------------------------------ adjustments

  function adjustmentsPart() {
    return section('pupil-adjustments', 'Adjustments agreed',
      h('p', { class: 'hint' }, 'What staff may know and allow for. Set a review date so it is looked at again.'),
      adjustmentsPanel({
        adjustments: pupil.adjustments || [],
        carerId: id,
        opts,
        formHeading: 'h3',
        endMessage: 'It ends today. It stays listed as ended.',
        openForm,
        openClose: () => closeForm,
        changed: async (message) => { pupil = await api.pupilGet(id); changed(message, 'pupil-adjustments-title'); },
        showError: (message) => { status.textContent = message; },
      }));
  }

  // ------------------------------------------------------------------ notes in school

  function notesPart() {
    const notes = pupil.notes || [];
    const me = currentUser();
    const form = h('form', { id: 'pupil-note-form', class: 'form form--panel', novalidate: true },
      h('h3', { class: 'panel-form__title' }, 'Add a note'),
      h('p', { class: 'hint', id: 'note-author' }, `Written by ${me ? me.name : 'you'}, as signed in.`),
      fields(NOTE_FIELDS, { date: todayUk() }, opts, 'note-'),
      formButtons('Add note', { submitId: 'save-pupil-note' }));
    onSubmit(form, async () => {
      const input = read(form, NOTE_FIELDS);
      pupil = { ...pupil, notes: await api.pupilNoteAdd({ carer_id: id, ...input }) };
      changed('Note added', 'pupil-notes-title');
    });
    return section('pupil-notes', 'Notes in school',
      notes.length
        ? h('ol', { class: 'timeline', id: 'pupil-notes-list' }, notes.map((n) => h('li', { class: 'timeline__item' },
          h('p', { class: 'timeline__meta' }, h('strong', null, formatDate(n.date)), ` · ${n.author}`),
          h('p', { class: 'pre-line' }, n.text))))
        : h('p', { class: 'muted', id: 'pupil-notes-list' }, 'No notes yet.'),
      form);
  }

  // ------------------------------------------------------------------ transition

  function milestonesPart() {
    const ms = pupil.milestones || [];
    return section('pupil-milestones', 'Transition to adulthood',
      pupil.milestones_missing ? h('p', { class: 'notice' }, sentence(pupil.milestones_missing)) : null,
      ms.length
        ? h('table', { class: 'table', id: 'pupil-milestone-list' },
          h('caption', { class: 'visually-hidden' }, `Transition milestones (${plural(ms.length, 'milestone')})`),
          h('thead', null, h('tr', null, ['Milestone', 'When', 'Where it stands'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, ms.map((m) => h('tr', { dataset: { milestone: m.code } },
            h('td', null, m.label),
            h('td', { class: 'nowrap' },
              m.due_from ? h('span', { class: 'block' }, `From ${formatDate(m.due_from)}`) : null,
              m.deadline ? h('span', { class: 'block' }, `By ${formatDate(m.deadline)}`) : null),
            h('td', null, milestoneTag(m), m.done_on ? h('span', { class: 'block small muted' }, `Done ${formatDate(m.done_on)}`) : null)))))
        : null,
      h('p', { class: 'hint' }, 'The carers service records these. Tell them if something changes at school.'));
  }
}
