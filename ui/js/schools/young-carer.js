// @ts-check
// "Young carer" on a carer's record (for carers under 19, or anyone with a school link,
// adjustments or transition work recorded): the link to their school (year and tutor group,
// census code, who to contact), the adjustments agreed with the school, the transition to
// adulthood (milestones, the transition assessment, the handover to the adult carers
// service) and what their young carer card shows. Everything comes from young_carer_get;
// every change returns the whole YoungCarer again and the panel is drawn from that.
// Only one form is open at a time, so field ids stay unique on the page.

import * as api from '../api.js';
import { h, replace, focusElement, confirmDialog } from '../kit/dom.js';
import { formatDate, todayUk, sentence } from '../kit/format.js';
import { fields, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { milestoneTag } from '../kit/tags.js';
import { adjustmentsPanel } from '../kit/adjustments.js';

const LINK_FIELDS = [
  { name: 'school_id', label: 'School or college', type: 'choice', list: 'schools', blank: 'Choose a school', width: 'long' },
  { name: 'year_group', row: 'year', label: 'Year group', type: 'choice', list: 'year_group', blank: 'Choose a year' },
  { name: 'tutor_group', row: 'year', label: 'Tutor group or form (optional)', width: 'short' },
  { name: 'census_code', label: 'Who identified them as a young carer (school census)', type: 'choice', list: 'census_code', blank: 'Choose one', hint: 'The young carer code in the school census' },
  { name: 'identified_on', row: 'ident', label: 'Date identified (optional)', type: 'date', width: 'date' },
  { name: 'staff_contact', row: 'ident', label: 'Named staff contact (optional)', hint: 'Who they can go to in school', width: 'medium' },
];

const MILESTONE_FIELDS = [
  { name: 'done_on', label: 'Date done', type: 'date', width: 'date' },
  { name: 'note', label: 'Note (optional)', type: 'textarea', rows: 2 },
];

const HANDOVER_FIELDS = [
  { name: 'receiving_service', label: 'Receiving service', hint: 'The adult carers service taking over, for example the council’s adult carers team', width: 'long' },
  { name: 'worker', row: 'who', label: 'Worker there (optional)', width: 'medium' },
  { name: 'handover_on', row: 'who', label: 'Date of handover', type: 'date', width: 'date' },
  { name: 'consent_to_share', label: 'They have agreed we may share their information with the receiving service', type: 'bool', hint: 'Needed to print the handover summary' },
  { name: 'notes', label: 'Notes for the receiving service (optional)', type: 'textarea', rows: 4 },
];

const CARD_CONTACT_FIELDS = [
  { name: 'emergency_contact_name', row: 'contact', label: 'Emergency contact name (optional)', width: 'medium' },
  { name: 'emergency_contact_relationship', row: 'contact', label: 'Relationship (optional)', hint: 'For example, aunt', width: 'short' },
  { name: 'emergency_contact_phone', label: 'Emergency contact phone (optional)', type: 'tel', width: 'medium' },
];

const DONE_HOW = { recorded: 'recorded here', assessment: 'from the transition assessment', handover: 'from the handover' };

/**
 * The section. `getRecord()` returns the carer record now shown. Returns { element, refresh }.
 * The section stays hidden until the core has said what there is to show.
 */
export function youngCarerSection({ getRecord, opts }) {
  const carerId = getRecord().id;
  const heading = h('h2', { class: 'section-title', id: 'young-carer-title', tabindex: '-1' }, 'Young carer');
  const status = h('p', { class: 'section-status', role: 'status', 'aria-live': 'polite', id: 'young-carer-status' });
  const body = h('div', { class: 'young-carer' });
  const element = h('section', { class: 'record-section', id: 'young-carer', 'aria-labelledby': 'young-carer-title', hidden: true },
    heading, status, body);
  let yc = null;
  let schools = null;
  let closeForm = null;

  async function refresh() {
    try {
      draw(await api.youngCarerGet(carerId));
    } catch (err) {
      // A carer the core does not treat as a young carer, or a core without the command:
      // nothing to show rather than a broken record page.
      if (!yc) { element.hidden = true; return; }
      status.textContent = sentence(err.message);
    }
  }

  function relevant(data) {
    return data.school_age
      || Boolean(data.school_link)
      || (data.adjustments || []).length > 0
      || Boolean(data.handover)
      || (data.milestones || []).some((m) => m.status === 'done');
  }

  function draw(data) {
    yc = data;
    if (closeForm) closeForm(false);
    element.hidden = !relevant(data);
    if (element.hidden) return;
    const closed = getRecord().status === 'closed';
    replace(body,
      closed ? h('p', { class: 'hint' }, 'This record is closed. Reopen it to change the young carer details.') : null,
      schoolPart(closed),
      adjustmentsPart(closed),
      transitionPart(closed),
      notStarted() && !yc.handover ? null : handoverPart(closed),
      cardPart(closed),
    );
  }

  /** True while no transition milestone is due, done or missed (a young child): less to show. */
  function notStarted() {
    const ms = yc.milestones || [];
    return ms.length > 0 && ms.every((m) => m.status === 'not_yet_due');
  }

  /** After a change: redraw, say what happened, and put focus somewhere sensible. */
  function changed(data, message, focusId) {
    draw(data);
    status.textContent = message;
    const target = focusId ? document.getElementById(focusId) : null;
    focusElement(target || heading);
  }

  /** Put a form into `slot` (closing any other form first); focus its first field. */
  function openForm(slot, form, opener) {
    if (closeForm) closeForm(false);
    replace(slot, form);
    if (opener) opener.setAttribute('aria-expanded', 'true');
    closeForm = (refocus = true) => {
      replace(slot);
      if (opener && opener.isConnected) opener.setAttribute('aria-expanded', 'false');
      closeForm = null;
      if (refocus && opener && opener.isConnected) opener.focus();
    };
    const first = form.querySelector('input, select, textarea');
    if (first) first.focus();
  }

  function part(id, title, ...children) {
    return h('div', { class: 'yc-part', id, role: 'group', 'aria-labelledby': `${id}-title` },
      h('h3', { class: 'yc-part__title', id: `${id}-title`, tabindex: '-1' }, title),
      children);
  }

  function dl(rows) {
    const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
    return h('dl', { class: 'details details--compact' }, shown.map(([k, v]) => h('div', { class: 'details__row' }, h('dt', null, k), h('dd', null, v))));
  }

  // ------------------------------------------------------------------ school link

  function schoolPart(closed) {
    const link = yc.school_link;
    const slot = h('div', { class: 'yc-slot' });
    const canLink = yc.school_age;
    if (!link) {
      const button = h('button', { type: 'button', class: 'button button--secondary', id: 'link-school', 'aria-expanded': 'false', onclick: () => openLink(slot, button) }, 'Link to a school');
      return part('yc-school', 'School',
        h('p', { class: 'muted' }, 'Not linked to a school.'),
        !canLink ? h('p', { class: 'hint' }, 'School links are for young carers under 19.') : null,
        closed || !canLink ? null : h('div', { class: 'button-row button-row--tight' }, button),
        slot);
    }
    const change = h('button', { type: 'button', class: 'button button--secondary button--small', id: 'change-school-link', 'aria-expanded': 'false', onclick: () => openLink(slot, change) }, 'Change school details');
    return part('yc-school', 'School',
      h('div', { id: 'school-link' }, dl([
        ['School', h('a', { href: `#/schools/${link.school_id}` }, link.school_name)],
        ['Year group', link.year_group_label || link.year_group],
        ['Tutor group', link.tutor_group],
        ['Identified by', link.census_label || link.census_code],
        ['Date identified', formatDate(link.identified_on)],
        ['Staff contact', link.staff_contact],
      ])),
      closed ? null : h('div', { class: 'button-row button-row--tight' },
        change,
        h('button', { type: 'button', class: 'button button--secondary button--small', id: 'remove-school-link', onclick: removeLink },
          'Remove link', h('span', { class: 'visually-hidden' }, ` to ${link.school_name}`))),
      slot);
  }

  async function openLink(slot, opener) {
    if (closeForm && opener.getAttribute('aria-expanded') === 'true') { closeForm(); return; }
    try {
      schools = await api.schoolList();
    } catch (err) {
      status.textContent = sentence(err.message);
      return;
    }
    const link = yc.school_link;
    const choices = { ...opts, schools: schools.map((s) => ({ code: String(s.id), label: s.town ? `${s.name}, ${s.town}` : s.name })) };
    const current = link ? { ...link, school_id: String(link.school_id) } : { identified_on: todayUk() };
    const form = h('form', { id: 'school-link-form', class: 'form form--panel', novalidate: true },
      h('h4', { class: 'panel-form__title' }, link ? 'Change school details' : 'Link to a school'),
      schools.length
        ? null
        : h('p', { class: 'notice' }, 'There are no schools yet. ', h('a', { href: '#/schools/new' }, 'Add the school'), ' first, then come back to link them.'),
      fields(LINK_FIELDS, current, choices, 'yc-'),
      formButtons(link ? 'Save school details' : 'Link to school', { onCancel: () => closeForm(), submitId: 'save-school-link' }),
    );
    onSubmit(form, async () => {
      const input = read(form, LINK_FIELDS);
      const args = { carer_id: carerId, ...input, school_id: input.school_id === null ? null : Number(input.school_id) };
      const data = await api.schoolLinkSave(args);
      changed(data, link ? 'School details saved' : `Linked to ${data.school_link?.school_name || 'the school'}`, 'yc-school-title');
    });
    openForm(slot, form, opener);
  }

  async function removeLink() {
    const link = yc.school_link;
    const yes = await confirmDialog({
      title: `Remove the link to ${link.school_name}?`,
      message: 'The school will no longer list them. Their agreed adjustments stay on this record.',
      confirmLabel: 'Remove link',
      danger: true,
    });
    if (!yes) return;
    try {
      changed(await api.schoolLinkRemove(carerId), `No longer linked to ${link.school_name}`, 'yc-school-title');
    } catch (err) {
      status.textContent = sentence(err.message);
    }
  }

  // ------------------------------------------------------------------ adjustments

  function adjustmentsPart(closed) {
    return part('yc-adjustments', 'Adjustments agreed with the school',
      h('p', { class: 'hint' }, 'What school staff may see without seeing the rest of the record.'),
      adjustmentsPanel({
        adjustments: yc.adjustments || [],
        carerId,
        opts,
        closed,
        formHeading: 'h4',
        endMessage: 'It ends today and school staff will no longer see it. It stays on this record as ended.',
        openForm,
        openClose: () => closeForm,
        changed: async (message) => changed(await api.youngCarerGet(carerId), message, 'yc-adjustments-title'),
        showError: (message) => { status.textContent = message; },
      }));
  }

  // ------------------------------------------------------------------ transition

  function transitionPart(closed) {
    const ms = yc.milestones || [];
    const ta = yc.transition_assessment;
    const slot = h('div', { class: 'yc-slot' });
    return part('yc-transition', 'Transition to adulthood',
      yc.milestones_missing ? h('p', { class: 'notice', id: 'milestones-missing' }, sentence(yc.milestones_missing)) : null,
      notStarted() && !ta ? null : h('p', { id: 'transition-assessment', dataset: { state: yc.transition_assessment_state } },
        'Transition assessment: ', transitionAssessmentWords(ta, ms)),
      ms.length ? milestonesTable(ms, slot, closed) : null,
      slot);
  }

  /**
   * How far the transition assessment got, in the core's words for it (the Transitions view
   * uses the same state): one completed here wins; a milestone recorded as done by hand means it
   * was done elsewhere; then a draft here.
   * @param {any} ta the latest transition assessment here, if any
   * @param {any[]} ms the milestones
   */
  function transitionAssessmentWords(ta, ms) {
    const link = ta ? h('a', { href: `#/assessments/${ta.id}` }, ta.reference || 'open it') : null;
    switch (yc.transition_assessment_state) {
      case 'completed':
        return [link, `, completed ${formatDate(ta?.assessed_on)}`];
      case 'recorded': {
        const m = ms.find((x) => x.code === 'assessment');
        const done = [`done elsewhere, recorded as done ${formatDate(m?.done_on)}`, m?.note ? ` (${m.note})` : ''].join('');
        return ta ? [done, '; ', link, ' here is a draft, not finished.'] : `${done}.`;
      }
      case 'draft':
        return [link, ', draft, not finished'];
      default:
        return h('span', { class: 'muted' }, 'none yet (start one from “Assessments”).');
    }
  }

  /** The milestones; folded away (one line saying when the work starts) while none is due yet. */
  function milestonesTable(ms, slot, closed) {
    const table = h('table', { class: 'table table--milestones', id: 'milestones' },
      h('caption', { class: 'visually-hidden' }, 'Transition milestones, in order'),
      h('thead', null, h('tr', null,
        ['Milestone', 'When', 'Status', h('span', { class: 'visually-hidden' }, 'Actions')].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, ms.map((m) => milestoneRow(m, slot, closed))));
    if (!notStarted()) return table;
    const first = ms.find((m) => m.due_from) || ms[0];
    return [
      h('p', { id: 'transition-starts' }, first.due_from ? `Nothing is due yet: ${first.label.toLowerCase()} starts on ${formatDate(first.due_from)}.` : 'Nothing is due yet.'),
      h('details', { class: 'yc-details' }, h('summary', null, 'Show all transition milestones'), table),
    ];
  }

  function milestoneRow(m, slot, closed) {
    const done = m.status === 'done';
    let action = null;
    if (!closed && !done && m.can_record) {
      const button = h('button', { type: 'button', class: 'button button--secondary button--small', 'aria-expanded': 'false', dataset: { milestone: m.code }, onclick: () => openMilestone(slot, button, m) },
        'Mark done', h('span', { class: 'visually-hidden' }, `: ${m.label}`));
      action = button;
    } else if (!closed && done && m.done_how === 'recorded') {
      action = h('button', { type: 'button', class: 'button button--secondary button--small', dataset: { undo: m.code }, onclick: () => undoMilestone(m) },
        'Undo', h('span', { class: 'visually-hidden' }, `: ${m.label}`));
    }
    return h('tr', { dataset: { milestone: m.code, status: m.status } },
      h('td', null,
        h('span', { class: 'milestone__label' }, m.label),
        m.explanation ? h('span', { class: 'muted small block' }, m.explanation) : null),
      h('td', { class: 'nowrap' },
        m.due_from ? h('span', { class: 'block' }, `From ${formatDate(m.due_from)}`) : null,
        m.deadline ? h('span', { class: 'block' }, `By ${formatDate(m.deadline)}`) : null,
        !m.due_from && !m.deadline ? h('span', { class: 'muted' }, '–') : null),
      h('td', null, milestoneTag(m),
        done ? h('span', { class: 'muted small block' }, [m.done_on ? formatDate(m.done_on) : null, DONE_HOW[m.done_how]].filter(Boolean).join(', ')) : null,
        done && m.note ? h('span', { class: 'small block pre-line' }, m.note) : null),
      h('td', null, action));
  }

  function openMilestone(slot, opener, m) {
    if (closeForm && opener.getAttribute('aria-expanded') === 'true') { closeForm(); return; }
    const form = h('form', { id: 'milestone-form', class: 'form form--panel', novalidate: true },
      h('h4', { class: 'panel-form__title' }, `Mark done: ${m.label}`),
      h('div', { class: 'form__row' }, fields(MILESTONE_FIELDS, { done_on: todayUk() }, opts, 'ms-')),
      formButtons('Mark done', { onCancel: () => closeForm(), submitId: 'save-milestone' }),
    );
    onSubmit(form, async () => {
      const input = read(form, MILESTONE_FIELDS);
      const data = await api.milestoneRecord({ carer_id: carerId, milestone: m.code, ...input });
      changed(data, `${m.label}: done`, 'yc-transition-title');
    });
    openForm(slot, form, opener);
  }

  async function undoMilestone(m) {
    try {
      changed(await api.milestoneClear(carerId, m.code), `${m.label}: no longer marked done`, 'yc-transition-title');
    } catch (err) {
      status.textContent = sentence(err.message);
    }
  }

  // ------------------------------------------------------------------ handover

  function handoverPart(closed) {
    const ho = yc.handover;
    const slot = h('div', { class: 'yc-slot' });
    const printStatus = h('div', { class: 'print-status', id: 'handover-print-status', role: 'status', 'aria-live': 'polite' });
    const warnings = yc.handover_warnings || [];
    const edit = h('button', { type: 'button', class: 'button button--secondary', id: 'edit-handover', 'aria-expanded': 'false', onclick: () => openHandover(slot, edit) },
      ho ? 'Change the handover' : 'Record the handover');
    const printButton = ho ? h('button', { type: 'button', class: 'button button--secondary', id: 'print-handover', onclick: () => printHandover(printButton, printStatus) }, 'Print handover summary (PDF)') : null;
    return part('yc-handover', 'Handover to the adult carers service',
      h('div', { role: 'status', id: 'handover-warnings' },
        warnings.length
          ? h('div', { class: 'notice notice--warning' },
            h('p', { class: 'notice__title' }, 'Before the handover'),
            h('ul', { class: 'plan-missing' }, warnings.map((w) => h('li', null, sentence(w)))))
          : null),
      ho
        ? h('div', { id: 'handover-details' }, dl([
          ['Receiving service', ho.receiving_service],
          ['Worker', ho.worker],
          ['Date', formatDate(ho.handover_on)],
          ['Consent to share', ho.consent_to_share ? 'Yes' : 'No'],
          ['Notes', ho.notes ? h('span', { class: 'pre-line' }, ho.notes) : null],
          ['Recorded', [formatDate(ho.recorded_at), ho.recorded_by].filter(Boolean).join(' by ')],
        ]))
        : h('p', { class: 'muted', id: 'handover-details' }, 'No handover recorded yet.'),
      h('div', { class: 'button-row button-row--tight' }, closed ? null : edit, printButton),
      printStatus,
      slot);
  }

  function openHandover(slot, opener) {
    if (closeForm && opener.getAttribute('aria-expanded') === 'true') { closeForm(); return; }
    const ho = yc.handover;
    const form = h('form', { id: 'handover-form', class: 'form form--panel', novalidate: true },
      h('h4', { class: 'panel-form__title' }, ho ? 'Change the handover' : 'Record the handover'),
      fields(HANDOVER_FIELDS, ho || { handover_on: todayUk(), consent_to_share: false }, opts, 'ho-'),
      formButtons('Save handover', { onCancel: () => closeForm(), submitId: 'save-handover' }),
    );
    onSubmit(form, async () => {
      const data = await api.handoverSave({ carer_id: carerId, ...read(form, HANDOVER_FIELDS) });
      changed(data, 'Handover saved', 'yc-handover-title');
    });
    openForm(slot, form, opener);
  }

  async function printHandover(button, printStatus) {
    button.disabled = true;
    replace(printStatus);
    try {
      const ref = getRecord().reference || 'young-carer';
      const done = await api.printHandover(carerId, `${ref}-handover-summary.pdf`);
      if (!done) return;
      replace(printStatus,
        h('p', { class: 'flash__text', id: 'handover-print-saved' }, `Saved to ${done.path}`),
        done.opened ? null : h('p', { class: 'hint' }, 'The PDF viewer could not be opened: open the file from its folder.'));
    } catch (err) {
      replace(printStatus, h('p', { class: 'inline-error' }, `The PDF was not made: ${sentence(err.message)}`));
    } finally {
      button.disabled = false;
    }
  }

  // ------------------------------------------------------------------ young carer card

  function cardPart(closed) {
    const card = yc.card || {};
    const slot = h('div', { class: 'yc-slot' });
    const edit = h('button', { type: 'button', class: 'button button--secondary', id: 'edit-card', 'aria-expanded': 'false', onclick: () => openCard(slot, edit) }, 'Change card details');
    const contact = [card.emergency_contact_name, card.emergency_contact_relationship ? `(${card.emergency_contact_relationship})` : null, card.emergency_contact_phone].filter(Boolean).join(' ');
    const validUntil = card.valid_until
      ? formatDate(card.valid_until)
      : card.valid_until_default ? `${formatDate(card.valid_until_default)} (the default)` : '';
    const summary = card.adjustments_summary || card.adjustments_summary_default;
    return part('yc-card', 'Young carer card',
      h('div', { id: 'card-details' }, dl([
        ['Valid until', validUntil || 'Not set'],
        ['What they may ask for', summary ? [h('span', { class: 'pre-line' }, summary), card.adjustments_summary ? null : h('span', { class: 'muted small block' }, 'The default, from their adjustments')] : 'Nothing yet'],
        ['Emergency contact', contact || 'Not recorded'],
        ['Name of the person they care for', card.show_cared_for_name ? (card.cared_for_first_name || 'Shown (no one recorded yet)') : 'Not shown'],
      ])),
      closed ? null : h('div', { class: 'button-row button-row--tight' }, edit,
        h('a', { class: 'button button--secondary', id: 'issue-young-carer-card', href: `#/carers/${carerId}/passports/new?kind=young_carer` }, 'Issue a young carer card')),
      h('p', { class: 'hint' }, 'Issued cards are listed under “Passports and cards”, where they are printed.'),
      slot);
  }

  function openCard(slot, opener) {
    if (closeForm && opener.getAttribute('aria-expanded') === 'true') { closeForm(); return; }
    const card = yc.card || {};
    const defaultDate = formatDate(card.valid_until_default);
    const specs = [
      { name: 'valid_until', label: 'Valid until (optional)', type: 'date', width: 'date', hint: defaultDate ? `Leave blank for the default, ${defaultDate}. For example, 31/08/2027` : 'For example, 31/08/2027' },
      { name: 'adjustments_summary', label: 'What they may ask for (optional)', type: 'textarea', rows: 3, hint: card.adjustments_summary_default ? `Leave blank to use the summary of their adjustments: “${card.adjustments_summary_default}”` : 'Leave blank to use the summary of their adjustments' },
      ...CARD_CONTACT_FIELDS,
      {
        name: 'show_cared_for_name', type: 'bool',
        label: card.cared_for_first_name ? `Show the first name of the person they care for (${card.cared_for_first_name})` : 'Show the first name of the person they care for',
        hint: 'Only with their consent: it tells someone helping in an emergency who may be at home',
      },
    ];
    const form = h('form', { id: 'card-form', class: 'form form--panel', novalidate: true },
      h('h4', { class: 'panel-form__title' }, 'Young carer card'),
      fields(specs, card, opts, 'card-'),
      formButtons('Save card details', { onCancel: () => closeForm(), submitId: 'save-card' }),
    );
    onSubmit(form, async () => {
      const data = await api.youngCarerCardSave({ carer_id: carerId, ...read(form, specs) });
      changed(data, 'Card details saved', 'yc-card-title');
    });
    openForm(slot, form, opener);
  }

  refresh();
  return { element, refresh };
}
