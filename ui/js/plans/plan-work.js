// @ts-check
// Support plan work (#/plan-work): reviews due soon, reviews overdue and actions overdue, as
// the core lists them (overdue oldest first). Each row links to the plan.

import * as api from '../api.js';
import { h, append } from '../kit/dom.js';
import { formatDate, plural } from '../kit/format.js';

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { query }) {
  const due = await api.plansDue();
  const carer = (r) => [h('a', { href: `#/carers/${r.carer_id}` }, r.carer_name), r.carer_reference ? h('span', { class: 'muted small block' }, r.carer_reference) : null];
  const plan = (r) => h('a', { href: `#/plans/${r.plan_id}`, class: 'result-link' }, r.reference);
  const table = (id, caption, heads, rows, empty) => h('section', { class: 'record-section', id, 'aria-labelledby': `${id}-title` },
    h('h2', { class: 'section-title', id: `${id}-title` }, caption),
    rows.length
      ? h('table', { class: 'table table--work' },
        h('caption', { class: 'visually-hidden' }, caption),
        h('thead', null, h('tr', null, heads.map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows))
      : h('p', { class: 'muted' }, empty));

  append(main,
    h('p', { class: 'back' }, h('a', { href: '#/' }, 'Back to home')),
    h('h1', { class: 'page-title' }, 'Support plan work'),
    h('p', { class: 'lead' }, `Reviews due in the next ${plural(due.window_days, 'day')}, reviews overdue and actions overdue.`),
    table('reviews-overdue', `Reviews overdue (${due.overdue_count})`, ['Plan', 'Carer', 'Review was due', 'Overdue by'],
      due.overdue.map((r) => h('tr', { dataset: { planId: String(r.plan_id) } },
        h('td', null, plan(r)), h('td', null, carer(r)), h('td', { class: 'nowrap' }, formatDate(r.review_due)),
        h('td', { class: 'nowrap' }, h('span', { class: 'tag tag--overdue' }, plural(r.days_overdue, 'day'))))),
      'No reviews are overdue.'),
    table('reviews-due-soon', `Reviews due in the next ${plural(due.window_days, 'day')} (${due.due_soon_count})`, ['Plan', 'Carer', 'Review due', 'Due in'],
      due.due_soon.map((r) => h('tr', { dataset: { planId: String(r.plan_id) } },
        h('td', null, plan(r)), h('td', null, carer(r)), h('td', { class: 'nowrap' }, formatDate(r.review_due)),
        h('td', { class: 'nowrap' }, r.days_until === 0 ? 'Today' : plural(r.days_until, 'day')))),
      'No reviews are due soon.'),
    table('actions-overdue', `Actions overdue (${due.actions_overdue_count})`, ['Plan', 'Carer', 'Action', 'Who', 'Was due', 'Overdue by'],
      due.actions_overdue.map((a) => h('tr', { dataset: { planId: String(a.plan_id) } },
        h('td', null, plan(a)), h('td', null, carer(a)),
        h('td', null, a.description, a.support_label ? h('span', { class: 'muted small block' }, a.support_label) : null),
        h('td', null, a.who || ''), h('td', { class: 'nowrap' }, formatDate(a.due_on)),
        h('td', { class: 'nowrap' }, h('span', { class: 'tag tag--overdue' }, plural(a.days_overdue, 'day'))))),
      'No actions are overdue.'));
  const target = query?.get('list');
  if (target) {
    const el = main.querySelector(`#${CSS.escape(target)} h2`);
    if (el) el.dataset.autofocus = 'true';
  }
}
