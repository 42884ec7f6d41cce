// @ts-check
// A review of a support plan (#/reviews/:id). An open review is an autosaving form: the date,
// planned or not (and why), progress on each outcome and action, changes in the caring
// situation, whether a new assessment is needed, and the next review date; beside it, what
// still stops it being completed. The updated plan (a draft copy of the plan) is edited on its
// own page and agreed by completing the review. A completed or cancelled review is read only.

import * as api from '../api.js';
import { h, append, replace, confirmDialog } from '../kit/dom.js';
import { setTitle, navigate, flash } from '../nav.js';
import { formatDate, sentence } from '../kit/format.js';
import { showErrors, clearErrors, mapErrors, showQuietErrors, fieldLink } from '../kit/errors.js';
import { textField, selectField, radioField, part, YES_NO, readText, readChoice, readYesNo } from '../kit/fields.js';
import { saveStatus, autosave } from '../kit/autosave.js';
import { recordedRow } from '../kit/details.js';
import { jumpNav } from '../kit/contents.js';

const SAVE_DELAY = 600;

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const [opts, review] = await Promise.all([api.options(), api.planReviewGet(id)]);
  setTitle(`Review of ${review.plan_reference} – ${review.carer_name}`);
  const head = [
    h('p', { class: 'back' }, h('a', { href: `#/plans/${review.plan_id}`, id: 'back-to-plan' }, `Back to the plan ${review.plan_reference}`)),
    h('h1', { class: 'page-title', id: 'review-title' }, review.planned ? 'Review of a support plan' : 'Unplanned review of a support plan'),
    h('p', { class: 'record-head__facts' },
      h('span', { class: 'record-head__ref' }, review.plan_reference),
      h('span', null, `Version ${review.plan_version} reviewed`),
      h('span', { class: ['badge', review.status === 'completed' ? 'badge--agreed' : review.status === 'cancelled' ? 'badge--closed' : 'badge--open'], id: 'review-status' },
        review.status === 'completed' ? 'Completed' : review.status === 'cancelled' ? 'Cancelled' : 'Open'),
      h('span', null, 'For ', h('a', { href: `#/carers/${review.carer_id}` }, review.carer_name))),
  ];
  if (review.status !== 'draft' && review.status !== 'open') {
    append(main, head, readOnly(review));
    return undefined;
  }
  return editor(main, head, review, opts);
}

function readOnly(r) {
  return h('div', { class: 'plan-view', id: 'review-view' },
    h('section', { class: 'details-section', 'aria-labelledby': 'rv-about' },
      h('h2', { class: 'details-section__title', id: 'rv-about' }, 'The review'),
      h('dl', { class: 'details' },
        recordedRow('Review date', formatDate(r.review_date)),
        recordedRow('Planned', r.planned ? 'Yes' : `No: ${r.reason_label || ''}`),
        recordedRow('Changes in the caring situation', r.caring_changes),
        recordedRow('New assessment needed', r.new_assessment_needed === true ? 'Yes' : r.new_assessment_needed === false ? 'No' : null),
        r.new_assessment_needed === true ? recordedRow('Why', r.new_assessment_note) : null,
        recordedRow('Next review due', formatDate(r.next_review_due)),
        r.status === 'completed' ? recordedRow('Updated plan', h('a', { href: `#/plans/${r.new_plan_id}` }, 'The plan agreed at this review')) : null)),
    h('section', { class: 'details-section', 'aria-labelledby': 'rv-outcomes' },
      h('h2', { class: 'details-section__title', id: 'rv-outcomes' }, 'Outcomes'),
      r.outcomes.length ? h('dl', { class: 'details' }, r.outcomes.map((o) => recordedRow(o.text, [o.progress_label, o.note].filter(Boolean).join('. ')))) : h('p', { class: 'muted' }, 'None.')),
    h('section', { class: 'details-section', 'aria-labelledby': 'rv-actions' },
      h('h2', { class: 'details-section__title', id: 'rv-actions' }, 'Actions'),
      r.actions.length ? h('dl', { class: 'details' }, r.actions.map((a) => recordedRow(a.description, [a.status_label, a.note].filter(Boolean).join('. ')))) : h('p', { class: 'muted' }, 'None.')));
}

function editor(main, head, first, opts) {
  let review = first;
  const status = saveStatus();
  const saver = autosave(saveOnce, status, SAVE_DELAY);
  const missingBox = h('div', { class: 'preview__body', id: 'review-missing' });
  const nextBox = h('p', { class: 'next-review', id: 'next-review-computed', role: 'status', 'aria-live': 'polite' });
  const planErrors = h('div', { id: 'updated-plan-errors' });
  const reasonBox = h('div', { class: 'conditional', id: 'reason-box' },
    radioField('reason', 'Why is this review being held?', opts.unplanned_reason || [], review.reason, { inline: false }));
  reasonBox.hidden = review.planned;
  const whyBox = h('div', { class: 'conditional', id: 'new-assessment-why' },
    textField('new_assessment_note', 'Why a new assessment is needed', review.new_assessment_note, { long: true, rows: 2 }));
  whyBox.hidden = review.new_assessment_needed !== true;

  const formEl = h('form', { class: 'form plan-form', id: 'review-form', novalidate: true },
    part('review-about', 'The review', [
      textField('review_date', 'Date of the review', review.review_date, { kind: 'date' }),
      radioField('planned', 'Was this review planned?', YES_NO, review.planned, { hint: 'Unplanned: the carer asked for it or their circumstances changed' }),
      reasonBox,
    ]),
    part('review-outcomes', 'Progress on the carer’s outcomes', review.outcomes.length
      ? h('ol', { class: 'plan-list' }, review.outcomes.map((o, i) => h('li', { class: 'plan-list__item', dataset: { position: String(o.position) } },
        h('h3', { class: 'plan-list__title pre-line' }, o.text),
        radioField(`outcomes[${i}].progress`, `How far has this been achieved? (outcome ${i + 1})`, opts.outcome_progress || [], o.progress),
        textField(`outcomes[${i}].note`, `Note on outcome ${i + 1} (optional)`, o.note, { long: true, rows: 2 }))))
      : h('p', { class: 'muted' }, 'The plan has no outcomes.'), { field: 'outcomes' }),
    part('review-actions', 'Progress on the actions', review.actions.length
      ? h('ol', { class: 'plan-list' }, review.actions.map((a, i) => h('li', { class: 'plan-list__item', dataset: { key: String(a.key) } },
        h('h3', { class: 'plan-list__title' }, a.description),
        h('p', { class: 'muted' }, [a.who ? `Who: ${a.who}` : null, a.due_on ? `By ${formatDate(a.due_on)}` : null].filter(Boolean).join('. ')),
        h('div', { class: 'form__row' },
          selectField(`actions[${i}].status`, `Status of action ${i + 1}`, opts.action_status || [], a.status, { blank: 'Not recorded', width: 'medium' }),
          textField(`actions[${i}].note`, `Note on action ${i + 1} (optional)`, a.note, { long: true, rows: 2 })))))
      : h('p', { class: 'muted' }, 'The plan has no actions.'), { field: 'actions' }),
    part('review-changes', 'Changes in the caring situation', textField('caring_changes', 'What has changed since the plan was agreed', review.caring_changes, { long: true, rows: 4, hint: 'Write “No changes” if nothing has changed' })),
    part('review-assessment', 'A new assessment', [
      radioField('new_assessment_needed', 'Is a new assessment needed?', YES_NO, review.new_assessment_needed),
      whyBox,
    ]),
    part('review-next', 'Next review', [
      nextBox,
      textField('next_review_due', 'Choose an earlier date (optional)', review.next_review_chosen, { kind: 'date', hint: 'Leave empty to use the usual date. Reviews are at least once a year, so it cannot be later.' }),
    ]),
    part('review-plan', 'The updated plan', [
      h('p', null, 'Change the plan itself (needs, outcomes, actions, money, contingency and agreement) in the updated plan. It is a draft that belongs to this review: it is agreed when the review is completed.'),
      h('p', null, h('a', { class: 'button button--secondary', href: `#/plans/${review.new_plan_id}`, id: 'edit-updated-plan' }, 'Edit the updated plan')),
      planErrors,
    ]),
    h('div', { class: 'complete-box' },
      h('h2', null, 'Complete the review'),
      h('p', null, 'Completing the review agrees the updated plan and replaces the old version, which stays readable.'),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'button button--large', id: 'complete-review' }, 'Complete review'),
        h('button', { type: 'button', class: 'button button--warning', id: 'cancel-review', onclick: cancel }, 'Cancel review'))));

  append(main, head,
    h('div', { class: 'assessment-top' }, h('div', { class: 'assessment-top__nav' }, jumpNav('review-parts', 'Parts of the review', [
      { id: 'review-about', title: 'The review' }, { id: 'review-outcomes', title: 'Outcomes' }, { id: 'review-actions', title: 'Actions' },
      { id: 'review-changes', title: 'Changes' }, { id: 'review-assessment', title: 'New assessment' }, { id: 'review-next', title: 'Next review' },
      { id: 'review-plan', title: 'The updated plan' },
    ])), status.element),
    h('div', { class: 'assessment-layout' },
      h('div', { class: 'assessment-layout__form' }, formEl),
      h('aside', { class: 'assessment-layout__side preview', tabindex: '0', 'aria-labelledby': 'review-missing-title' },
        h('h2', { class: 'preview__title', id: 'review-missing-title' }, 'Still needed before the review can be completed'),
        missingBox)));
  drawComputed();

  function readAll() {
    const args = {
      id: review.id,
      review_date: readText(formEl, 'review_date'),
      outcomes: review.outcomes.map((o, i) => ({
        position: o.position,
        progress: [...formEl.elements].find((el) => el.name === `outcomes[${i}].progress` && el.checked)?.value || null,
        note: readText(formEl, `outcomes[${i}].note`),
      })),
      actions: review.actions.map((a, i) => ({ key: a.key, status: readChoice(formEl, `actions[${i}].status`), note: readText(formEl, `actions[${i}].note`) })),
      caring_changes: readText(formEl, 'caring_changes'),
      new_assessment_note: readText(formEl, 'new_assessment_note'),
      next_review_due: readText(formEl, 'next_review_due'),
    };
    const planned = readYesNo(formEl, 'planned');
    if (planned !== null) args.planned = planned;
    const reason = [...formEl.elements].find((el) => el.name === 'reason' && el.checked)?.value;
    if (planned === false && reason) args.reason = reason;
    const needed = readYesNo(formEl, 'new_assessment_needed');
    if (needed !== null) args.new_assessment_needed = needed;
    return args;
  }

  function onEdit(event) {
    if (!event.target.name) return;
    reasonBox.hidden = readYesNo(formEl, 'planned') !== false;
    whyBox.hidden = readYesNo(formEl, 'new_assessment_needed') !== true;
    saver.schedule();
  }
  formEl.addEventListener('input', onEdit);
  formEl.addEventListener('change', onEdit);

  /** One save of the whole review; resolves to the core's error, or null. */
  async function saveOnce() {
    let error = null;
    try {
      review = await api.planReviewSave(readAll());
      clearErrors(formEl);
    } catch (err) {
      error = err;
      showQuietErrors(formEl, mapErrors(formEl, err));
    }
    drawComputed();
    return error;
  }

  function drawComputed() {
    replace(nextBox, review.next_review_due
      ? ['Next review due: ', h('strong', { id: 'next-review-due' }, formatDate(review.next_review_due)),
        review.next_review_latest ? `. The latest it can be is ${formatDate(review.next_review_latest)}.` : '.']
      : 'The next review date is worked out once the date of this review is entered.');
    const missing = review.missing || [];
    const own = missing.filter((m) => !String(m.field || '').startsWith('plan.'));
    const inPlan = missing.filter((m) => String(m.field || '').startsWith('plan.'));
    replace(missingBox, missing.length
      ? [own.length ? h('ul', { class: 'plan-missing', id: 'review-missing-list' }, own.map((m) => h('li', null, fieldLink(formEl, m)))) : null,
        inPlan.length ? [h('h3', { class: 'plan-sub' }, 'In the updated plan'),
          h('ul', { class: 'plan-missing' }, inPlan.map((m) => h('li', null, sentence(withoutPrefix(m.message))))),
          h('p', null, h('a', { href: `#/plans/${review.new_plan_id}` }, 'Open the updated plan to put these right'))] : null]
      : h('p', { class: 'preview__ready', id: 'review-ready' }, 'Everything needed is there: the review can be completed.'));
  }


  /** The review's own errors by field; the updated plan's listed apart, with a link to it. */
  function showCompleteErrors(err) {
    const list = err.errors?.length ? err.errors : [err];
    const inPlan = list.filter((e) => String(e.field || '').startsWith('plan.'));
    const own = list.filter((e) => !String(e.field || '').startsWith('plan.'));
    const mapped = mapErrors(formEl, { ...err, errors: own });
    mapped.errors.push(...inPlan.map((e) => ({ field: null, message: /^in the updated plan/i.test(e.message) ? e.message : `in the updated plan: ${e.message}` })));
    showErrors(formEl, mapped);
    replace(planErrors, inPlan.length ? h('div', { class: 'notice notice--error', id: 'updated-plan-problems' },
      h('p', { class: 'notice__title' }, 'The updated plan is not ready to be agreed'),
      h('ul', null, inPlan.map((e) => h('li', null, sentence(withoutPrefix(e.message))))),
      h('p', null, h('a', { href: `#/plans/${review.new_plan_id}` }, 'Open the updated plan to put these right'))) : null);
  }

  formEl.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = document.getElementById('complete-review');
    button.disabled = true;
    button.textContent = 'Completing…';
    try {
      const error = await saver.now();
      if (error) throw error;
      clearErrors(document);
      replace(planErrors);
      const done = await api.planReviewComplete(review.id);
      const due = done.next_review_due || review.next_review_due;
      navigate(`/plans/${done.new_plan_id || review.new_plan_id}`, { flash: `Review completed. The next review is due on ${formatDate(due)}` });
    } catch (err) {
      if (!formEl.isConnected) return;
      showCompleteErrors(err);
    } finally {
      if (button.isConnected) { button.disabled = false; button.textContent = 'Complete review'; }
    }
  });

  async function cancel() {
    const go = await confirmDialog({
      title: 'Cancel this review?',
      message: 'The review and the changes made to the updated plan are thrown away. The plan stays agreed as it was.',
      confirmLabel: 'Cancel the review',
      cancelLabel: 'Keep the review',
      danger: true,
    });
    if (!go) return;
    saver.cancel();
    try {
      await api.planReviewCancel(review.id);
      navigate(`/plans/${review.plan_id}`, { flash: 'Review cancelled: the plan is as it was' });
    } catch (err) {
      flash(sentence(err.message));
    }
  }

  return saver.dispose;
}

/** The core starts the updated plan's messages with "in the updated plan:"; under a heading saying so, leave it out. */
function withoutPrefix(message) {
  return String(message || '').replace(/^in the updated plan:\s*/i, '');
}
