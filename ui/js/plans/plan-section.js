// @ts-check
// "Support plans" on a carer's record: the carer's plans (status, start, next review with a
// due-soon or overdue tag, open actions), and "Make a support plan": from one of the carer's
// completed, current assessments, or light-touch support (information and advice only).

import * as api from '../api.js';
import { h, replace, focusElement } from '../kit/dom.js';
import { navigate } from '../nav.js';
import { formatDate, sentence } from '../kit/format.js';
import { reviewTag } from '../kit/tags.js';

export function plansSection({ getRecord }) {
  const status = h('p', { class: 'section-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { id: 'plan-list' });
  const chooser = h('div', { id: 'plan-chooser' });
  const makeButton = h('button', { type: 'button', class: 'button button--secondary', id: 'make-plan', 'aria-expanded': 'false', onclick: () => openChooser() }, 'Make a support plan');
  const closedHint = h('p', { class: 'hint' }, 'This record is closed. Reopen it to make a support plan.');
  const element = h('section', { class: 'record-section', id: 'support-plans', 'aria-labelledby': 'plans-title' },
    h('h2', { class: 'section-title', id: 'plans-title' }, 'Support plans'),
    status, list, h('div', { class: 'button-row' }, makeButton), chooser, closedHint);

  async function refresh() {
    const record = getRecord();
    const closed = record.status === 'closed';
    makeButton.hidden = closed;
    closedHint.hidden = !closed;
    if (closed) replace(chooser);
    try {
      drawList(await api.planList(record.id));
    } catch (err) {
      replace(list, h('p', { class: 'inline-error' }, sentence(err.message)));
    }
  }

  function drawList(items) {
    if (!items.length) {
      replace(list, h('p', { class: 'muted' }, 'No support plans yet.'));
      return;
    }
    replace(list, h('table', { class: 'table table--plans' },
      h('caption', { class: 'visually-hidden' }, 'Support plans, newest first'),
      h('thead', null, h('tr', null, ['Plan', 'Status', 'Plan start', 'Next review due', 'Open actions'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((p) => h('tr', { class: ['ended', 'superseded'].includes(p.status) ? 'row--closed' : null, dataset: { planId: String(p.id) } },
        h('td', null, h('a', { href: `#/plans/${p.id}`, class: 'result-link' }, `${p.reference} version ${p.version}`),
          p.light_touch ? [h('br'), h('span', { class: 'muted small' }, 'Light-touch support')] : null),
        h('td', null, p.status_label),
        h('td', { class: 'nowrap' }, formatDate(p.start_date) || h('span', { class: 'muted' }, 'Not set')),
        h('td', { class: 'nowrap' }, p.review_due ? [formatDate(p.review_due), ' ', reviewTag(p.review_status)] : h('span', { class: 'muted' }, '–')),
        h('td', { class: 'numeric' }, `${p.actions_open} of ${p.actions}`))))));
  }

  async function openChooser() {
    const record = getRecord();
    if (chooser.firstChild) { closeChooser(); return; }
    makeButton.disabled = true;
    let assessments = [];
    try {
      assessments = (await api.assessmentList(record.id)).filter((a) => a.status === 'completed' && !a.superseded);
    } catch (err) {
      status.textContent = sentence(err.message);
      makeButton.disabled = false;
      return;
    }
    makeButton.disabled = false;
    makeButton.setAttribute('aria-expanded', 'true');
    const choices = [
      ...assessments.map((a) => ({
        value: `a${a.id}`,
        label: `From the ${a.type_label.charAt(0).toLowerCase()}${a.type_label.slice(1)} ${a.reference}, completed ${formatDate(a.assessed_on || a.completed_at)}`,
        hint: a.summary || null,
      })),
      { value: 'light', label: 'Light-touch support (information and advice only)', hint: 'No assessment needed: the first review is due sooner.' },
    ];
    const form = h('form', { class: 'form plan-chooser', id: 'plan-chooser-form', novalidate: true },
      h('fieldset', { class: 'field fieldset fieldset--inner', dataset: { field: 'basis', group: 'true' } },
        h('legend', { class: 'fieldset__legend fieldset__legend--small' }, 'What is the plan based on?'),
        assessments.length ? null : h('p', { class: 'hint' }, 'There is no completed assessment to base a plan on: complete one first, or make a light-touch plan.'),
        h('div', { class: 'radios' }, choices.map((c, i) => h('div', { class: 'radio' },
          h('input', { type: 'radio', class: 'radio__input', id: `plan-basis-${c.value}`, name: 'basis', value: c.value, checked: i === 0, 'aria-describedby': c.hint ? `plan-basis-${c.value}-hint` : null }),
          h('label', { class: 'radio__label', for: `plan-basis-${c.value}` }, c.label),
          c.hint ? h('p', { class: 'hint hint--checkbox', id: `plan-basis-${c.value}-hint` }, c.hint) : null)))),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'button', id: 'create-plan' }, 'Make the plan'),
        h('button', { type: 'button', class: 'button button--secondary', onclick: () => { closeChooser(); focusElement(makeButton); } }, 'Cancel')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const chosen = form.querySelector('input[name=basis]:checked')?.value;
      const args = { carer_id: record.id };
      if (chosen === 'light') args.light_touch = true;
      else args.assessment_id = Number(chosen.slice(1));
      const button = form.querySelector('#create-plan');
      button.disabled = true;
      try {
        const plan = await api.planCreate(args);
        navigate(`/plans/${plan.id}`, { flash: `Support plan ${plan.reference} started: it is saved as you go` });
      } catch (err) {
        status.textContent = sentence(err.message);
        button.disabled = false;
      }
    });
    replace(chooser, form);
    focusElement(form.querySelector('input[name=basis]:checked'));
  }

  function closeChooser() {
    replace(chooser);
    makeButton.setAttribute('aria-expanded', 'false');
  }

  refresh();
  return { element, refresh };
}
