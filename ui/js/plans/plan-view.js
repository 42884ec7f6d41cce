// @ts-check
// A support plan that is not a draft (agreed, under review, ended, replaced): everything in
// it, readable; for an agreed plan, the progress of each action (status and notes) between
// reviews, and the buttons: review, unplanned review, new version, end, and print.

import * as api from '../api.js';
import { h, replace } from '../kit/dom.js';
import { navigate, flash } from '../nav.js';
import { formatDate, sentence, todayUk } from '../kit/format.js';
import { showErrors, clearErrors } from '../kit/errors.js';
import { formDialog } from '../kit/forms.js';
import { textField, selectField, radioField, readChoice, readText } from '../kit/fields.js';
import { recordedRow } from '../kit/details.js';
import { reviewTag } from '../kit/tags.js';

const STATUS_BADGE = { draft: 'badge--open', agreed: 'badge--agreed', under_review: 'badge--open', ended: 'badge--closed', superseded: 'badge--closed' };

/** The heading of a plan page: reference, version, status, carer, start, next review. */
export function planHead(plan, ctx, review) {
  return [
    h('p', { class: 'back' }, h('a', { href: `#/carers/${plan.carer_id}`, id: 'back-to-carer' }, `Back to ${plan.carer_name}`)),
    h('h1', { class: 'page-title', id: 'plan-title' }, review ? 'Updated support plan (under review)' : 'Support plan'),
    h('p', { class: 'record-head__facts', id: 'plan-facts' },
      h('span', { class: 'record-head__ref', id: 'plan-reference' }, plan.reference),
      h('span', { id: 'plan-version' }, `Version ${plan.version}`),
      h('span', { class: ['badge', STATUS_BADGE[plan.status] || 'badge--plain'], id: 'plan-status' }, plan.status_label),
      h('span', null, 'For ', h('a', { href: `#/carers/${plan.carer_id}` }, plan.carer_name), plan.carer_reference ? ` (${plan.carer_reference})` : ''),
      h('span', { id: 'plan-start' }, `Plan start: ${formatDate(plan.start_date) || 'not set'}`),
      plan.review_due
        ? h('span', { id: 'plan-review-due' }, 'Next review due: ', h('strong', { id: 'plan-review-due-date' }, formatDate(plan.review_due)), ' ', reviewTag(plan.review_status))
        : null),
    versionLinks(plan),
  ];
}

function versionLinks(plan) {
  if (!plan.versions || plan.versions.length < 2) return null;
  return h('nav', { class: 'versions', 'aria-label': 'Versions of this plan' },
    h('span', { class: 'versions__label' }, 'Versions: '),
    h('ul', { class: 'versions__list', id: 'plan-versions' }, plan.versions.map((v) => {
      const when = v.agreed_on ? `agreed ${formatDate(v.agreed_on)}` : v.status === 'draft' ? 'draft' : v.status.replace('_', ' ');
      const text = `Version ${v.version} (${when})`;
      return h('li', null, v.id === plan.id ? h('span', { 'aria-current': 'page', class: 'versions__current' }, text) : h('a', { href: `#/plans/${v.id}` }, text));
    })));
}

function labelOf(opts, list, code) {
  return (opts[list] || []).find((o) => o.code === code)?.label || code || '';
}

/** The whole plan, readable. */
export function planView(plan, ctx) {
  const { opts } = ctx;
  const printStatus = h('div', { class: 'print-status', id: 'print-status', role: 'status', 'aria-live': 'polite' });
  const c = plan.contingency || {};
  const needLabel = (p) => {
    const n = plan.needs.find((x) => x.position === p);
    return n ? `Need ${p}: ${n.description}` : '';
  };
  return h('div', { class: 'plan-view', id: 'plan-view' },
    stateNotice(plan),
    buttons(plan, ctx, printStatus),
    printStatus,
    section('view-needs', 'Needs', [
      plan.light_touch ? h('p', null, 'Light-touch support: information and advice only.') : null,
      plan.determination ? h('div', { class: 'notice plan-determination' },
        h('p', { class: 'notice__title' }, `Eligibility decision from the assessment ${plan.assessment_reference || ''}`),
        h('p', { class: 'pre-line' }, plan.determination.explanation)) : null,
      plan.needs.length ? h('ol', { class: 'plan-read-list' }, plan.needs.map((n) => h('li', null,
        h('h3', { class: 'plan-read-list__title' }, `Need ${n.position}: ${n.description}`),
        h('dl', { class: 'details' },
          recordedRow('Related to', [n.outcome_label, n.wellbeing_area_label].filter(Boolean).join('; ')),
          recordedRow('Eligibility', [n.eligibility_label, n.eligibility_note].filter(Boolean).join('. ')),
          recordedRow('Will it be met', n.will_meet_label),
          recordedRow('How', n.how_met))))) : h('p', { class: 'muted' }, 'No needs listed.'),
    ]),
    section('view-outcomes', 'The carer’s outcomes, in their own words', plan.outcomes.length
      ? h('ol', { class: 'plan-outcomes' }, plan.outcomes.map((o) => h('li', { class: 'pre-line' }, o)))
      : h('p', { class: 'muted' }, 'None written.')),
    section('view-actions', 'Actions', actionsTable(plan, ctx, needLabel)),
    section('view-money', 'Money', h('dl', { class: 'details' },
      recordedRow('Personal budget', plan.personal_budget),
      recordedRow('Direct payment', plan.direct_payment ? 'Yes' : 'No'),
      plan.direct_payment ? [
        recordedRow('Amount', [plan.dp_amount, labelOf(opts, 'dp_frequency', plan.dp_frequency)].filter(Boolean).join(', ')),
        recordedRow('Needs covered', plan.dp_needs.map(needLabel).join('; ')),
      ] : null)),
    section('view-advice', 'Advice and information given', h('dl', { class: 'details' }, recordedRow('Advice and information', plan.advice_given))),
    section('view-involved', 'Who was involved', h('dl', { class: 'details' },
      recordedRow('The carer', 'Yes'),
      recordedRow('The person cared for', plan.cared_for_involved ? `Yes, at the carer’s request${plan.cared_for.length ? ` (${plan.cared_for.map((x) => x.name).join(', ')})` : ''}` : 'No'),
      recordedRow('Others', plan.others_involved))),
    section('view-contingency', 'Contingency plan', h('dl', { class: 'details' },
      recordedRow('If the carer suddenly cannot care', c.if_cannot_care),
      recordedRow('Emergency contacts', (c.contacts || []).length ? h('ul', { class: 'plain-list' }, c.contacts.map((x) => h('li', null,
        [x.name, x.relationship, x.phone].filter(Boolean).join(', '), x.notes ? h('span', { class: 'block muted' }, x.notes) : null))) : null),
      recordedRow('Essential needs', c.essential_needs),
      recordedRow('Medication', c.medication),
      recordedRow('Routines', c.routines),
      recordedRow('GP', c.gp),
      recordedRow('Key safe and access', c.access),
      recordedRow('Copies held by', c.copies_held_by))),
    section('view-agreement', 'Agreement', h('dl', { class: 'details' },
      recordedRow('Plan start date', formatDate(plan.start_date)),
      recordedRow('Date agreed', formatDate(plan.agreed_on)),
      recordedRow('How agreed', labelOf(opts, 'agreement_method', plan.agreement_method)),
      recordedRow('Worker', plan.worker_name),
      plan.status === 'ended' ? [recordedRow('Ended', formatDate(plan.ended_on)), recordedRow('Why', plan.end_reason_label), recordedRow('Note', plan.end_note)] : null)),
    section('view-reviews', 'Reviews', reviewsList(plan)));
}

function section(id, title, children) {
  return h('section', { class: 'details-section', 'aria-labelledby': `${id}-title`, id },
    h('h2', { class: 'details-section__title', id: `${id}-title` }, title), children);
}

function stateNotice(plan) {
  if (plan.status === 'superseded') {
    return h('div', { class: 'notice notice--locked', id: 'plan-superseded' },
      h('p', { class: 'notice__title' }, 'This version has been replaced'),
      plan.next_id ? h('p', null, 'It was replaced by ', h('a', { href: `#/plans/${plan.next_id}` }, `version ${plan.version + 1}`), '. It stays here to read.') : null);
  }
  if (plan.status === 'under_review') {
    return h('div', { class: 'notice', id: 'plan-under-review' },
      h('p', { class: 'notice__title' }, 'A review of this plan is open'),
      plan.open_review_id ? h('p', null, h('a', { href: `#/reviews/${plan.open_review_id}`, id: 'open-review-link' }, 'Go to the review')) : null);
  }
  if (plan.status === 'ended') {
    return h('div', { class: 'notice notice--locked' }, h('p', { class: 'notice__title' }, `Ended on ${formatDate(plan.ended_on)}: ${plan.end_reason_label || ''}`));
  }
  if (plan.draft_version_id) {
    return h('div', { class: 'notice' }, h('p', null, 'A new version is being drafted: ', h('a', { href: `#/plans/${plan.draft_version_id}` }, 'open the draft'), '.'));
  }
  return null;
}

function reviewsList(plan) {
  if (!plan.reviews.length) return h('p', { class: 'muted' }, 'No reviews yet.');
  return h('ul', { class: 'plain-list', id: 'plan-reviews' }, plan.reviews.map((r) => h('li', null,
    h('a', { href: `#/reviews/${r.id}` },
      `${r.planned ? 'Planned review' : `Unplanned review (${r.reason_label || 'no reason given'})`}${r.review_date ? ` on ${formatDate(r.review_date)}` : ''}`),
    ` – ${r.status === 'completed' ? 'completed' : r.status === 'cancelled' ? 'cancelled' : 'open'}`)));
}

function actionsTable(plan, ctx, needLabel) {
  const { opts } = ctx;
  if (!plan.actions.length) return h('p', { class: 'muted' }, 'No actions.');
  const editable = plan.status === 'agreed';
  return h('ol', { class: 'plan-read-list', id: 'plan-actions' }, plan.actions.map((a) => {
    const facts = h('dl', { class: 'details' },
      recordedRow('Support', a.support_label || 'Other'),
      recordedRow('Who', a.who),
      recordedRow('By when', a.due_on ? [formatDate(a.due_on), a.overdue ? [' ', h('span', { class: 'tag tag--overdue' }, 'Overdue')] : null] : null),
      recordedRow('Meets', a.need_position ? needLabel(a.need_position) : null),
      editable ? null : recordedRow('Status', a.status_label),
      editable ? null : recordedRow('Notes', a.notes));
    return h('li', { dataset: { actionId: String(a.id) } },
      h('h3', { class: 'plan-read-list__title' }, a.description),
      facts,
      editable ? progressForm(a, opts) : null);
  }));
}

/** Status and notes of one action of an agreed plan, saved with plan_action_update. */
function progressForm(a, opts) {
  const prefix = `action-${a.id}-`;
  const statusEl = h('span', { class: 'section-status', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'form action-progress', id: `action-form-${a.id}`, novalidate: true },
    h('div', { class: 'form__row' },
      withPrefix(selectField('status', 'Status', opts.action_status || [], a.status, { blank: null, width: 'medium' }), prefix),
      withPrefix(textField('notes', 'Progress notes', a.notes, { long: true, rows: 2 }), prefix)),
    h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: 'button button--secondary', id: `save-action-${a.id}` }, 'Save progress'),
      statusEl));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(document);
    statusEl.textContent = '';
    try {
      await api.planActionUpdate({ id: a.id, status: readChoice(form, 'status'), notes: readText(form, 'notes') });
      statusEl.textContent = 'Saved';
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

/** Make a field's ids unique on a page holding several small forms. */
function withPrefix(wrapper, prefix) {
  wrapper.querySelectorAll('[id]').forEach((el) => { el.id = prefix + el.id; });
  wrapper.querySelectorAll('[for]').forEach((el) => el.setAttribute('for', prefix + el.getAttribute('for')));
  wrapper.querySelectorAll('[aria-describedby]').forEach((el) => el.setAttribute('aria-describedby', el.getAttribute('aria-describedby').split(' ').map((x) => prefix + x).join(' ')));
  return wrapper;
}

function buttons(plan, ctx, printStatus) {
  const agreed = plan.status === 'agreed';
  const printable = plan.status !== 'draft';
  const print = (part, label) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    replace(printStatus);
    try {
      const name = `${plan.reference} ${part === 'plan' ? 'support plan' : 'contingency plan'}.pdf`;
      const done = await api.printPlan(plan.id, part, name);
      if (!done) return;
      replace(printStatus,
        h('p', { class: 'flash__text', id: 'print-saved' }, `Saved to ${done.path}`),
        done.opened ? null : h('p', null, 'It could not be opened automatically: open it from that folder.'),
        done.unprintable?.length ? h('p', { class: 'notice', id: 'print-warning' }, `Some characters could not be printed and were left out: ${done.unprintable.join(' ')}. Check the ${label}.`) : null);
    } catch (err) {
      replace(printStatus, h('p', { class: 'inline-error' }, `The PDF was not made: ${sentence(err.message)}`));
    } finally {
      button.disabled = false;
    }
  };
  return h('div', { class: 'button-row plan-buttons' },
    agreed ? h('button', { type: 'button', class: 'button', id: 'start-review', onclick: (e) => startReview(plan, true, null, e.currentTarget) }, 'Review plan') : null,
    agreed ? h('button', { type: 'button', class: 'button button--secondary', id: 'start-unplanned-review', onclick: () => unplannedDialog(plan, ctx) }, 'Unplanned review') : null,
    agreed && !plan.draft_version_id ? h('button', { type: 'button', class: 'button button--secondary', id: 'new-plan-version', onclick: (e) => newVersion(plan, e.currentTarget) }, 'New version') : null,
    agreed ? h('button', { type: 'button', class: 'button button--secondary', id: 'end-plan', onclick: () => endDialog(plan, ctx) }, 'End plan') : null,
    printable ? h('button', { type: 'button', class: 'button button--secondary', id: 'print-plan', onclick: print('plan', 'plan') }, 'Print plan (PDF)') : null,
    printable ? h('button', { type: 'button', class: 'button button--secondary', id: 'print-contingency', onclick: print('contingency', 'contingency plan') }, 'Print contingency plan (PDF)') : null);
}

async function startReview(plan, planned, reason, button) {
  if (button) button.disabled = true;
  try {
    const review = await api.planReviewStart({ plan_id: plan.id, planned, ...(reason ? { reason } : {}) });
    navigate(`/reviews/${review.id}`, { flash: 'Review started: it is saved as you go' });
    return null;
  } catch (err) {
    if (button) { button.disabled = false; flash(sentence(err.message)); }
    return err;
  } 
}

async function newVersion(plan, button) {
  button.disabled = true;
  try {
    const draft = await api.planNewVersion(plan.id);
    navigate(`/plans/${draft.id}`, { flash: `Version ${draft.version} started: a draft copy of version ${plan.version}` });
  } catch (err) {
    button.disabled = false;
    flash(sentence(err.message));
  }
}

function unplannedDialog(plan, ctx) {
  formDialog({
    id: 'unplanned-dialog',
    title: 'Start an unplanned review',
    intro: 'An unplanned review is held when the carer asks for one or their circumstances change.',
    fields: radioField('reason', 'Why is the review being held?', ctx.opts.unplanned_reason || [], null, { inline: false }),
    submitLabel: 'Start the review',
    onSubmit: async (form) => {
      const reason = [...form.elements].find((el) => el.name === 'reason' && el.checked)?.value || null;
      const err = await startReview(plan, false, reason, null);
      if (err) throw err;
      return true;
    },
  });
}

function endDialog(plan, ctx) {
  formDialog({
    id: 'end-dialog',
    title: 'End this plan',
    intro: 'An ended plan stays on the record to read, and is no longer reviewed.',
    fields: [
      selectField('reason', 'Why is the plan ending?', ctx.opts.plan_end_reason || [], null, { blank: 'Choose a reason' }),
      textField('ended_on', 'Date ended', todayUk(), { kind: 'date' }),
      textField('note', 'Note (optional)', '', { long: true, rows: 3 }),
    ],
    submitLabel: 'End the plan',
    onSubmit: async (form) => {
      await api.planEnd({ id: plan.id, reason: readChoice(form, 'reason'), ended_on: readText(form, 'ended_on'), note: readText(form, 'note') });
      navigate(`/plans/${plan.id}`, { flash: 'Plan ended' });
      return true;
    },
  });
}

