// The home page of a reporting account (#/reports): counts only, never names, so the
// register's home page (which lists recently viewed people) is not for them. The counts come
// from `home_counts`, which the core allows reporting accounts and which carries no names.

import * as api from './api.js';
import { h, append } from './dom.js';
import { currentUser } from './session.js';

function count(code, label, n) {
  return h('div', { class: 'counts__item', dataset: { count: code } },
    h('dt', null, label),
    h('dd', null, Number(n ?? 0).toLocaleString('en-GB')));
}

export async function render(main) {
  const me = currentUser();
  const data = await api.homeCounts();
  const plans = data.plans || {};
  const transitions = data.transitions || {};
  const passports = data.passports || {};
  append(main,
    h('h1', { class: 'page-title' }, data.organisation_name ? `Counts: ${data.organisation_name}` : 'Counts'),
    h('p', { class: 'lead', id: 'reporting-only' }, 'Your account can see counts and reports, without names or anyone’s record.'),
    h('section', { class: 'panel', 'aria-labelledby': 'report-counts-title' },
      h('h2', { class: 'panel__title', id: 'report-counts-title' }, 'The register today'),
      h('dl', { class: 'counts', id: 'report-counts' }, (data.counts || []).map((c) => count(c.code, c.label, c.count)))),
    h('section', { class: 'panel', 'aria-labelledby': 'report-work-title' },
      h('h2', { class: 'panel__title', id: 'report-work-title' }, 'Plans, transitions and passports'),
      h('dl', { class: 'counts', id: 'report-work-counts' },
        count('reviews_due_soon', 'Reviews due in the next 14 days', plans.reviews_due_soon),
        count('reviews_overdue', 'Reviews overdue', plans.reviews_overdue),
        count('actions_overdue', 'Actions overdue', plans.actions_overdue),
        count('turning_18_soon', 'Young carers turning 18 in the next 6 months', transitions.turning_18_soon),
        count('passports_active', 'Passports valid today', passports.active),
        count('passports_expiring_soon', 'Passports expiring in the next 30 days', passports.expiring_soon))),
    h('p', null, 'If you need to see people’s records, ask an administrator to change your account’s role.'),
    me ? h('p', { class: 'muted' }, `Signed in as ${me.name}.`) : null);
}
