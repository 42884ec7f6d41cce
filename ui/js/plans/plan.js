// @ts-check
// A support plan (#/plans/:id). A draft is an autosaving editor (like the assessment editor:
// every change is saved ~600 ms after the last one) with "Still needed before the plan can be
// agreed" beside it, "Agree plan" and "Discard draft". A draft that is the updated plan of an
// open review says so, and is agreed by completing the review instead. Every other status is
// a readable view (plan-view.js).

import * as api from '../api.js';
import { h, append, replace, confirmDialog } from '../kit/dom.js';
import { setTitle, navigate, flash } from '../nav.js';
import { formatDate, sentence } from '../kit/format.js';
import { showErrors, clearErrors, mapErrors, showQuietErrors, topKey, fieldLink } from '../kit/errors.js';
import { textField, selectField, radioField, checkboxesField, checkboxField, part, YES_NO, readText, readChoice, readYesNo, readTicked, readChecked } from '../kit/fields.js';
import { listEditor } from '../kit/lists.js';
import { saveStatus, autosave } from '../kit/autosave.js';
import { jumpNav } from '../kit/contents.js';
import { planView, planHead } from './plan-view.js';

const SAVE_DELAY = 600;

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const [opts, plan, catalogue, forms] = await Promise.all([
    api.options(), api.planGet(id), api.supportCatalogue(), api.assessmentForms().catch(() => null),
  ]);
  setTitle(`Support plan ${plan.reference} – ${plan.carer_name}`);
  const ctx = { opts, catalogue, lists: forms?.lists || {} };
  if (plan.status !== 'draft') {
    append(main, planHead(plan, ctx), planView(plan, ctx));
    return undefined;
  }
  // The updated plan of an open review: the version it copies is under review.
  let review = null;
  if (plan.previous_id) {
    try {
      const previous = await api.planGet(plan.previous_id);
      if (previous.status === 'under_review' && previous.open_review_id) {
        const r = await api.planReviewGet(previous.open_review_id);
        if (r.new_plan_id === plan.id) review = r;
      }
    } catch { /* not part of a review */ }
  }
  return draftEditor(main, plan, ctx, review);
}

/** Catalogue choices for an action: active entries grouped by group (and the current one). */
function supportChoices(catalogue, current) {
  const groups = new Map();
  for (const item of catalogue.items) {
    if (!item.active && item.code !== current) continue;
    if (!groups.has(item.group_label)) groups.set(item.group_label, []);
    groups.get(item.group_label).push({ code: item.code, label: item.active ? `${item.label} (${item.suits_label})` : `${item.label} (no longer offered)` });
  }
  return [...groups].map(([group, items]) => ({ group, items }));
}

function draftEditor(main, first, ctx, review) {
  const { opts, lists } = ctx;
  let plan = first;
  const status = saveStatus();
  const saver = autosave(saveOnce, status, SAVE_DELAY);
  const schedule = () => saver.schedule();
  let formEl = null; // the form, once built (the lists below read from it)
  const missingBox = h('div', { class: 'preview__body', id: 'plan-missing' });

  // --- needs
  const needChoices = () => (formEl ? needs.readAll() : plan.needs).map((n, i) => ({ code: String(i + 1), label: `Need ${i + 1}${n.description ? `: ${short(n.description)}` : ''}` }));
  const needs = listEditor({
    id: 'need',
    itemName: 'need',
    addLabel: 'Add a need',
    emptyText: plan.light_touch ? 'A light-touch plan gives information and advice: it may list no needs.' : 'No needs listed yet.',
    items: plan.needs,
    blank: () => ({ description: '', eligibility: 'not_applicable' }),
    onChange: () => { refreshNeedChoices(); schedule(); },
    row: (i, n) => {
      const p = (f) => `needs[${i}].${f}`;
      return h('div', { class: 'plan-row' },
        textField(p('description'), 'What is the need?', n.description, { long: true, rows: 2 }),
        h('div', { class: 'form__row' },
          selectField(p('outcome'), 'Related outcome (optional)', capitalised(lists.eligibility_outcome), n.outcome, { blank: 'None' }),
          selectField(p('wellbeing_area'), 'Related wellbeing area (optional)', capitalised(lists.wellbeing_area), n.wellbeing_area, { blank: 'None' })),
        h('div', { class: 'form__row' },
          selectField(p('eligibility'), 'Eligibility', opts.need_eligibility || [], n.eligibility, { blank: null })),
        textField(p('eligibility_note'), 'Note about eligibility (optional)', n.eligibility_note, { long: true, rows: 2 }),
        radioField(p('will_meet'), 'Will this need be met?', opts.will_meet || [], n.will_meet),
        textField(p('how_met'), 'How it will be met, or why it will not be', n.how_met, { long: true, rows: 2 }));
    },
    readRow: (i) => ({
      description: readText(formEl, `needs[${i}].description`),
      outcome: readChoice(formEl, `needs[${i}].outcome`),
      wellbeing_area: readChoice(formEl, `needs[${i}].wellbeing_area`),
      eligibility: readChoice(formEl, `needs[${i}].eligibility`),
      eligibility_note: readText(formEl, `needs[${i}].eligibility_note`),
      will_meet: readRadio(`needs[${i}].will_meet`),
      how_met: readText(formEl, `needs[${i}].how_met`),
    }),
  });

  // --- outcomes in the carer's own words
  const outcomes = listEditor({
    id: 'outcome',
    itemName: 'outcome',
    addLabel: 'Add an outcome',
    emptyText: 'No outcomes written yet.',
    items: plan.outcomes.map((text) => ({ text })),
    blank: () => ({ text: '' }),
    onChange: schedule,
    row: (i, o) => textField(`outcomes[${i}]`, `Outcome ${i + 1}, in the carer’s words`, o.text, { long: true, rows: 2 }),
    readRow: (i) => ({ text: readText(formEl, `outcomes[${i}]`) }),
  });

  // --- actions
  const actions = listEditor({
    id: 'action',
    itemName: 'action',
    addLabel: 'Add an action',
    emptyText: 'No actions yet.',
    items: plan.actions,
    blank: () => ({ status: 'planned' }),
    onChange: schedule,
    row: (i, a) => {
      const p = (f) => `actions[${i}].${f}`;
      return h('div', { class: 'plan-row', dataset: { key: a.key ? String(a.key) : '' } },
        selectField(p('support'), 'Support', supportChoices(ctx.catalogue, a.support), a.support, { blank: 'Other (describe it below)' }),
        textField(p('description'), 'What will be done', a.description, { long: true, rows: 2 }),
        h('div', { class: 'form__row' },
          textField(p('who'), 'Who will do it', a.who, { width: 'medium' }),
          textField(p('due_on'), 'By when (optional)', a.due_on, { kind: 'date' }),
          selectField(p('status'), 'Status', opts.action_status || [], a.status || 'planned', { blank: null, width: 'medium' })),
        selectField(p('need_position'), 'Which need it meets (optional)', needChoices(), a.need_position, { blank: 'Not linked to a need' }),
        textField(p('notes'), 'Notes (optional)', a.notes, { long: true, rows: 2 }));
    },
    readRow: (i) => {
      const li = actions.list.children[i];
      const key = li?.querySelector('[data-key]')?.dataset.key;
      const need = readChoice(formEl, `actions[${i}].need_position`);
      return {
        key: key ? Number(key) : undefined,
        support: readChoice(formEl, `actions[${i}].support`),
        description: readText(formEl, `actions[${i}].description`),
        who: readText(formEl, `actions[${i}].who`),
        due_on: readText(formEl, `actions[${i}].due_on`),
        status: readChoice(formEl, `actions[${i}].status`),
        notes: readText(formEl, `actions[${i}].notes`),
        need_position: need ? Number(need) : null,
      };
    },
  });

  // --- contingency contacts
  const contacts = listEditor({
    id: 'contact',
    itemName: 'contact',
    addLabel: 'Add an emergency contact',
    emptyText: 'No emergency contacts yet.',
    items: plan.contingency?.contacts || [],
    blank: () => ({}),
    onChange: schedule,
    row: (i, c) => {
      const p = (f) => `contingency.contacts[${i}].${f}`;
      return h('div', { class: 'plan-row' },
        h('div', { class: 'form__row' },
          textField(p('name'), 'Name', c.name, { width: 'medium' }),
          textField(p('relationship'), 'Relationship', c.relationship, { width: 'medium' }),
          textField(p('phone'), 'Phone', c.phone, { kind: 'tel', width: 'medium' })),
        textField(p('notes'), 'Notes (optional)', c.notes, { hint: 'For example, when to call them', width: 'long' }));
    },
    readRow: (i) => ({
      name: readText(formEl, `contingency.contacts[${i}].name`),
      relationship: readText(formEl, `contingency.contacts[${i}].relationship`),
      phone: readText(formEl, `contingency.contacts[${i}].phone`),
      notes: readText(formEl, `contingency.contacts[${i}].notes`),
    }),
  });

  // --- money
  const dpDetails = h('div', { class: 'conditional', id: 'dp-details' });
  function drawDp(values) {
    replace(dpDetails,
      h('div', { class: 'form__row' },
        textField('dp_amount', 'Amount', values.dp_amount, { kind: 'money', width: 'short', hint: 'In pounds, for example £120.50' }),
        selectField('dp_frequency', 'How often', opts.dp_frequency || [], values.dp_frequency, { width: 'medium' })),
      checkboxesField('dp_needs', 'Which needs the direct payment covers', needChoices(), values.dp_needs, { empty: 'List the needs first.' }));
  }
  drawDp(plan);
  dpDetails.hidden = plan.direct_payment !== true;

  function refreshNeedChoices() {
    // The "which need" choices follow the needs list.
    const choices = needChoices();
    actions.readAll().forEach((a, i) => {
      const sel = formEl.querySelector(`select[name="actions[${i}].need_position"]`);
      if (!sel) return;
      const current = sel.value;
      replace(sel, h('option', { value: '' }, 'Not linked to a need'), choices.map((c) => h('option', { value: c.code, selected: c.code === current }, c.label)));
    });
    const ticked = readTicked(formEl, 'dp_needs');
    drawDp({ dp_amount: readText(formEl, 'dp_amount'), dp_frequency: readChoice(formEl, 'dp_frequency'), dp_needs: ticked });
  }

  const caredForNames = (plan.cared_for || []).map((c) => `${c.name} (${c.relationship_label})`).join(', ');
  const agreeBox = review
    ? h('div', { class: 'complete-box', id: 'review-draft-box' },
      h('h2', null, 'This is the updated plan of a review'),
      h('p', null, 'Changes here are saved as you go. The updated plan is agreed when the review is completed.'),
      h('div', { class: 'button-row' }, h('a', { class: 'button', href: `#/reviews/${review.id}`, id: 'back-to-review' }, 'Back to the review')))
    : h('div', { class: 'complete-box' },
      h('h2', null, 'Agree the plan'),
      h('p', null, 'Agreeing locks this version of the plan and sets the date of the first review. Later changes are made by a review or in a new version.'),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'button button--large', id: 'agree-plan' }, 'Agree plan'),
        h('button', { type: 'button', class: 'button button--warning', id: 'discard-plan', onclick: discard }, 'Discard draft')));

  const c = plan.contingency || {};
  formEl = h('form', { class: 'form plan-form', id: 'plan-form', novalidate: true },
    part('plan-needs', 'Needs', [
      determination(plan),
      needs.element,
    ], { field: 'needs', hint: plan.assessment_reference ? `Taken over from the assessment ${plan.assessment_reference}. Say for each whether and how it will be met.` : null }),
    part('plan-outcomes', 'The carer’s outcomes, in their own words', outcomes.element, { field: 'outcomes', hint: 'What the carer wants to achieve. Write it the way they said it.' }),
    part('plan-actions', 'Actions', actions.element, { field: 'actions', hint: 'The support and who will arrange it. Choose “Other” for anything not in the catalogue.' }),
    part('plan-money', 'Money', [
      textField('personal_budget', 'Personal budget (optional)', plan.personal_budget, { kind: 'money', width: 'short', hint: 'In pounds, for example £1,250.50. Leave empty if there is none.' }),
      radioField('direct_payment', 'Will part of it be paid as a direct payment?', YES_NO, plan.direct_payment),
      dpDetails,
    ]),
    part('plan-advice', 'Advice and information given', textField('advice_given', 'What advice and information was given', plan.advice_given, { long: true, rows: 4 })),
    part('plan-involved', 'Who was involved', [
      h('p', null, 'The carer is always involved in their plan.'),
      checkboxField('cared_for_involved', 'The person they care for was involved, because the carer asked', plan.cared_for_involved,
        { hint: caredForNames ? `Cared for: ${caredForNames}` : null }),
      textField('others_involved', 'Anyone else involved (optional)', plan.others_involved, { width: 'long', hint: 'Names and how they know the carer' }),
    ]),
    part('plan-contingency', 'Contingency plan', [
      textField('contingency.if_cannot_care', 'What happens if the carer suddenly cannot care', c.if_cannot_care, { long: true, rows: 4 }),
      h('h3', { class: 'plan-sub', id: 'contacts-title' }, 'Emergency contacts'),
      h('div', { dataset: { field: 'contingency.contacts' } }, contacts.element),
      textField('contingency.essential_needs', 'Essential needs of the person cared for', c.essential_needs, { long: true }),
      textField('contingency.medication', 'Medication', c.medication, { long: true }),
      textField('contingency.routines', 'Daily routines', c.routines, { long: true }),
      textField('contingency.gp', 'GP', c.gp, { width: 'long', hint: 'Name of the practice and phone number' }),
      textField('contingency.access', 'Key safe and access', c.access, { long: true, hint: 'Where the key safe is and how to get in. Never write the key safe code here: say who holds it.' }),
      textField('contingency.copies_held_by', 'Who has a copy of the contingency plan', c.copies_held_by, { width: 'long' }),
    ]),
    part('plan-agreement', 'Agreement', [
      h('div', { class: 'form__row' },
        textField('start_date', 'Plan start date', plan.start_date, { kind: 'date' }),
        textField('agreed_on', 'Date the carer agreed the plan', plan.agreed_on, { kind: 'date' })),
      selectField('agreement_method', 'How the carer agreed', opts.agreement_method || [], plan.agreement_method, { width: 'medium' }),
      textField('worker_name', 'Worker’s name', plan.worker_name, { width: 'long', hint: 'The worker who agreed the plan with the carer' }),
    ]),
    agreeBox);

  append(main, planHead(plan, ctx, review),
    h('div', { class: 'assessment-top' }, h('div', { class: 'assessment-top__nav' }, jumpNav('plan-parts', 'Parts of the plan', [
      { id: 'plan-needs', title: 'Needs' }, { id: 'plan-outcomes', title: 'Outcomes' }, { id: 'plan-actions', title: 'Actions' },
      { id: 'plan-money', title: 'Money' }, { id: 'plan-advice', title: 'Advice and information' }, { id: 'plan-involved', title: 'Who was involved' },
      { id: 'plan-contingency', title: 'Contingency plan' }, { id: 'plan-agreement', title: 'Agreement' },
    ])), status.element),
    h('div', { class: 'assessment-layout' },
      h('div', { class: 'assessment-layout__form' }, formEl),
      h('aside', { class: 'assessment-layout__side preview', tabindex: '0', 'aria-labelledby': 'missing-title' },
        h('h2', { class: 'preview__title', id: 'missing-title' }, review ? 'Still needed before the review can be completed' : 'Still needed before the plan can be agreed'),
        missingBox)));
  drawMissing();

  function readRadio(name) {
    const on = [...formEl.elements].find((el) => el.name === name && el.checked);
    return on ? on.value : null;
  }

  /**
   * Everything on the page, as plan_save arguments.
   * @returns {Record<string, any>}
   */
  function readAll() {
    /** @type {Record<string, any>} */
    const args = {
      id: plan.id,
      needs: needs.readAll(),
      outcomes: outcomes.readAll().map((o) => o.text),
      actions: actions.readAll(),
      personal_budget: readText(formEl, 'personal_budget'),
      advice_given: readText(formEl, 'advice_given'),
      cared_for_involved: readChecked(formEl, 'cared_for_involved'),
      others_involved: readText(formEl, 'others_involved'),
      start_date: readText(formEl, 'start_date'),
      agreed_on: readText(formEl, 'agreed_on'),
      worker_name: readText(formEl, 'worker_name'),
      contingency: {
        if_cannot_care: readText(formEl, 'contingency.if_cannot_care'),
        contacts: contacts.readAll(),
        essential_needs: readText(formEl, 'contingency.essential_needs'),
        medication: readText(formEl, 'contingency.medication'),
        routines: readText(formEl, 'contingency.routines'),
        gp: readText(formEl, 'contingency.gp'),
        access: readText(formEl, 'contingency.access'),
        copies_held_by: readText(formEl, 'contingency.copies_held_by'),
      },
    };
    const method = readChoice(formEl, 'agreement_method');
    if (method) args.agreement_method = method;
    const dp = readYesNo(formEl, 'direct_payment');
    if (dp !== null) args.direct_payment = dp;
    if (dp) {
      args.dp_amount = readText(formEl, 'dp_amount') ?? '';
      const freq = readChoice(formEl, 'dp_frequency');
      if (freq) args.dp_frequency = freq;
      args.dp_needs = readTicked(formEl, 'dp_needs').map(Number);
    }
    for (const a of args.actions) if (a.key === undefined) delete a.key;
    return args;
  }

  function onEdit(event) {
    if (!event.target.name) return;
    if (event.target.name === 'direct_payment') dpDetails.hidden = readYesNo(formEl, 'direct_payment') !== true;
    if (/^needs\[\d+\]\.description$/.test(event.target.name) && event.type === 'change') refreshNeedChoices();
    schedule();
  }
  formEl.addEventListener('input', onEdit);
  formEl.addEventListener('change', onEdit);

  /** One save of the whole draft; resolves to the core's error, or null. */
  async function saveOnce() {
    let args = readAll();
    let error = null;
    try {
      plan = await api.planSave(args);
      clearErrors(formEl);
    } catch (err) {
      error = err;
      // Save the rest without what the core refused, so one mistake does not hold up the rest.
      const refused = new Set((err.errors?.length ? err.errors : [err]).map((e) => topKey(e.field)).filter(Boolean));
      const contingencyRefused = refused.has('contingency');
      if (refused.size && !refused.has('id')) {
        args = Object.fromEntries(Object.entries(args).filter(([k]) => !refused.has(k)));
        if (contingencyRefused) delete args.contingency;
        try { plan = await api.planSave(args); } catch { /* shown below */ }
      }
      showQuietErrors(formEl, mapErrors(formEl, err));
    }
    // New actions get their keys, so a review can follow them.
    const rows = [...actions.list.children];
    if (rows.length === plan.actions.length) {
      rows.forEach((li, i) => { const el = li.querySelector('[data-key]'); if (el) el.dataset.key = String(plan.actions[i].key); });
    }
    const start = document.getElementById('plan-start');
    if (start) start.textContent = `Plan start: ${formatDate(plan.start_date) || 'not set'}`;
    drawMissing();
    return error;
  }

  function drawMissing() {
    const missing = plan.missing || [];
    replace(missingBox, missing.length
      ? h('ul', { class: 'plan-missing', id: 'plan-missing-list' }, missing.map((m) => h('li', null, fieldLink(formEl, m))))
      : h('p', { class: 'preview__ready', id: 'plan-ready' }, review ? 'The updated plan has everything it needs.' : 'Everything needed is there: the plan can be agreed.'));
  }


  formEl.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (review) return;
    const button = document.getElementById('agree-plan');
    button.disabled = true;
    button.textContent = 'Agreeing…';
    try {
      const error = await saver.now();
      if (error) throw error;
      clearErrors(document);
      const agreed = await api.planAgree(plan.id);
      navigate(`/plans/${agreed.id}`, { flash: `Plan agreed. The first review is due on ${formatDate(agreed.review_due)}` });
    } catch (err) {
      if (!formEl.isConnected) return;
      showErrors(formEl, mapErrors(formEl, err));
    } finally {
      if (button.isConnected) { button.disabled = false; button.textContent = 'Agree plan'; }
    }
  });

  async function discard() {
    const go = await confirmDialog({
      title: 'Discard this draft?',
      message: plan.version > 1 ? `The draft of version ${plan.version} is thrown away. Version ${plan.version - 1} stays as it is.` : 'The draft plan is thrown away. This cannot be undone.',
      confirmLabel: 'Discard draft',
      cancelLabel: 'Keep the draft',
      danger: true,
    });
    if (!go) return;
    saver.cancel();
    try {
      await api.planDiscard(plan.id);
      navigate(plan.previous_id ? `/plans/${plan.previous_id}` : `/carers/${plan.carer_id}`, { flash: 'Draft discarded' });
    } catch (err) {
      flash(sentence(err.message));
    }
  }

  return saver.dispose;
}

/** A list's labels as sentences (the assessment lists are lower case, to sit inside sentences). */
function capitalised(list) {
  return (list || []).map((o) => ({ ...o, label: sentence(o.label) }));
}

function short(text) {
  const t = String(text).trim();
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

/** The assessment's determination, read only, near the needs. */
export function determination(plan) {
  if (plan.light_touch) return h('p', { class: 'notice' }, 'Light-touch support: information and advice only, with no assessment behind it.');
  if (!plan.determination) return null;
  return h('div', { class: 'notice plan-determination', id: 'plan-determination' },
    h('p', { class: 'notice__title' }, `Eligibility decision from the assessment ${plan.assessment_reference || ''}${plan.assessed_on ? ` of ${formatDate(plan.assessed_on)}` : ''}`),
    h('p', { class: 'pre-line' }, plan.determination.explanation));
}
