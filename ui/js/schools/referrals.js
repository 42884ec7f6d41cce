// @ts-check
// Referrals from schools (#/referrals): school staff see their own school's referrals and what
// the carers service decided; the carers service sees every school's, new ones first, and opens
// one to accept it into the register or signpost it.

import * as api from '../api.js';
import { h, append } from '../kit/dom.js';
import { formatDate, plural } from '../kit/format.js';
import { can, currentUser } from '../session/session.js';
import { referralTag } from '../kit/tags.js';

const FILTERS = [
  { code: '', label: 'All' },
  { code: 'new', label: 'Waiting for a decision' },
  { code: 'accepted', label: 'Registered for support' },
  { code: 'signposted', label: 'Signposted elsewhere' },
];

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { query }) {
  const status = FILTERS.some((f) => f.code === query.get('status')) ? query.get('status') : '';
  const list = await api.schoolReferralList(status || null);
  const me = currentUser();
  const school = me && me.role === 'school_staff';
  append(main,
    h('div', { class: 'page-head' },
      h('h1', { class: 'page-title' }, school ? 'Your referrals' : 'Referrals from schools'),
      h('a', { class: 'button', href: '#/referrals/new', id: 'new-referral' }, 'Refer a young carer')),
    h('p', { class: 'lead' }, school
      ? 'Young carers your school has referred to the carers service, and what was decided.'
      : 'Young carers referred by schools. Open a referral to register them for support or signpost them elsewhere.'),
    h('nav', { class: 'filter-links', 'aria-label': 'Show referrals' },
      h('ul', null, FILTERS.map((f) => h('li', null, h('a', {
        href: `#/referrals${f.code ? `?status=${f.code}` : ''}`,
        'aria-current': f.code === status ? 'page' : null,
      }, f.label))))),
    h('p', { id: 'referral-count', role: 'status' }, plural(list.length, 'referral')),
    list.length
      ? h('table', { class: 'table', id: 'referral-list' },
        h('caption', { class: 'visually-hidden' }, 'Referrals, waiting ones first, then newest first'),
        h('thead', null, h('tr', null,
          ['Young person', school ? null : 'School', 'Referred', 'Where it stands'].filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, list.map((r) => h('tr', { dataset: { referralId: String(r.id), status: r.status } },
          h('td', null,
            h('a', { href: `#/referrals/${r.id}`, class: 'result-link' }, r.name),
            h('span', { class: 'muted small block' }, [r.year_group_label, r.tutor_group].filter(Boolean).join(', '))),
          school ? null : h('td', null, r.school_name),
          h('td', { class: 'nowrap' }, formatDate(r.referred_on), h('span', { class: 'muted small block' }, r.referred_by)),
          h('td', null, referralTag(r),
            r.decided_on ? h('span', { class: 'muted small block' }, formatDate(r.decided_on)) : null,
            r.outcome_note ? h('span', { class: 'small block pre-line' }, r.outcome_note) : null,
            r.carer_id && can('records') ? h('a', { class: 'small block', href: `#/carers/${r.carer_id}` }, r.carer_reference) : null)))))
      : h('p', { class: 'muted', id: 'referral-list' }, status ? 'No referrals here.' : 'No referrals yet.'));
}
