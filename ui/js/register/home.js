// @ts-check
// Home: find a carer fast, see the register's counts, go back to someone recently viewed.

import * as api from '../api.js';
import { h, append } from '../kit/dom.js';
import { carerSearchBox, personName } from './search.js';
import { categoryBadge } from '../kit/tags.js';
import { can } from '../session/session.js';

/**
 * For an administrator: the register's key is due to be changed (an account was switched off,
 * or a passphrase reset) but could not be changed yet, because someone else had the register
 * open. Says why and what to do; nothing for anyone else, or when nothing is due.
 */
async function keyRenewalNotice() {
  if (!can('admin')) return null;
  const status = await api.sessionStatus().catch(() => null);
  const due = status?.key_renewal_due;
  if (!due) return null;
  return h('div', { class: 'notice notice--warning', id: 'key-renewal-due', role: 'status' },
    h('p', { class: 'notice__title' }, 'The register’s key is due to be changed'),
    h('p', null, `Why: ${due}. Until it is changed, someone who kept a copy of the key file could still open the register with the old passphrase.`),
    h('p', null, 'It is changed as soon as nobody else has the register open: ask colleagues to close Carers Desk on their computers, then sign out and sign in again. If this message stays, sign in once with the recovery key (“Forgotten your passphrase?” on the sign-in page).'));
}

/** Where a count's carers are listed: the register with the count's filter, if it has one. */
function countHref(c) {
  if (!c.category && !c.status) return null;
  const q = new URLSearchParams();
  if (c.category) q.set('category', c.category);
  if (c.status && c.status !== 'open') q.set('status', c.status);
  const qs = q.toString();
  return `#/carers${qs ? `?${qs}` : ''}`;
}

function countItem(c) {
  const href = countHref(c);
  const n = Number(c.count).toLocaleString('en-GB');
  return h('div', { class: 'counts__item', dataset: { count: c.code } },
    h('dt', null, href ? h('a', { href }, c.label) : c.label),
    h('dd', null, n));
}

/**
 * @param {HTMLElement} main
 */
export async function render(main) {
  const [data, keyNotice] = await Promise.all([api.home(), keyRenewalNotice()]);
  const search = carerSearchBox({
    id: 'home-search',
    resultsId: 'home-results',
    label: 'Find a carer',
    hint: 'Search by name, reference, postcode or date of birth',
    limit: 10,
  });
  search.input.dataset.autofocus = 'true';

  const counts = Array.isArray(data.counts) ? data.counts : [];
  const recent = data.recently_viewed || [];
  const plans = data.plans || { reviews_due_soon: 0, reviews_overdue: 0, actions_overdue: 0 };
  const transitions = data.transitions || { turning_18_soon: 0, past_milestone: 0 };
  const passports = data.passports || { active: 0, expiring_soon: 0 };
  const transitionCount = (code, label, n, list, alert) => h('div', { class: ['counts__item', n > 0 && alert ? 'counts__item--alert' : null], dataset: { count: code } },
    h('dt', null, h('a', { href: `#/transitions?months=6&list=${list}`, id: `home-${code.replace(/_/g, '-')}` }, label)),
    h('dd', null, Number(n).toLocaleString('en-GB')));
  const planCount = (code, label, n, list) => h('div', { class: ['counts__item', n > 0 && code !== 'reviews_due_soon' ? 'counts__item--alert' : null], dataset: { count: code } },
    h('dt', null, h('a', { href: `#/plan-work?list=${list}`, id: `home-${code.replace(/_/g, '-')}` }, label)),
    h('dd', null, Number(n).toLocaleString('en-GB')));

  append(main, 
    h('div', { class: 'page-head' },
      h('h1', { class: 'page-title' }, 'Carers register'),
      h('a', { class: 'button button--large', href: '#/carers/new', id: 'home-new-carer' }, 'Add a carer'),
    ),
    keyNotice,
    search.element,
    h('div', { class: 'home-grid' },
      h('section', { class: 'panel', 'aria-labelledby': 'counts-title' },
        h('h2', { class: 'panel__title', id: 'counts-title' }, 'The register today'),
        counts.length
          ? h('dl', { class: 'counts', id: 'home-counts' }, counts.map(countItem))
          : h('p', null, 'No counts yet.'),
        h('p', null, h('a', { href: '#/carers' }, 'See all carers')),
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'plans-work-title' },
        h('h2', { class: 'panel__title', id: 'plans-work-title' }, 'Support plans'),
        h('dl', { class: 'counts', id: 'home-plan-counts' },
          planCount('reviews_due_soon', 'Reviews due in the next 14 days', plans.reviews_due_soon, 'reviews-due-soon'),
          planCount('reviews_overdue', 'Reviews overdue', plans.reviews_overdue, 'reviews-overdue'),
          planCount('actions_overdue', 'Actions overdue', plans.actions_overdue, 'actions-overdue')),
        h('p', null, h('a', { href: '#/plan-work', id: 'home-plan-work' }, 'See all support plan work')),
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'transitions-work-title' },
        h('h2', { class: 'panel__title', id: 'transitions-work-title' }, 'Transition to adulthood'),
        h('dl', { class: 'counts', id: 'home-transition-counts' },
          transitionCount('turning_18_soon', 'Turning 18 in the next 6 months', transitions.turning_18_soon, 'turning-18', false),
          transitionCount('past_milestone', 'Past a milestone without it done', transitions.past_milestone, 'past-milestone', true)),
        h('p', null, h('a', { href: '#/transitions', id: 'home-transitions' }, 'See all young carers in transition')),
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'passports-work-title' },
        h('h2', { class: 'panel__title', id: 'passports-work-title' }, 'Passports and cards'),
        h('dl', { class: 'counts', id: 'home-passport-counts' },
          h('div', { class: 'counts__item', dataset: { count: 'passports_active' } },
            h('dt', null, h('a', { href: '#/passports', id: 'home-passports-active' }, 'Active passports and cards')),
            h('dd', null, Number(passports.active).toLocaleString('en-GB'))),
          h('div', { class: 'counts__item', dataset: { count: 'passports_expiring_soon' } },
            h('dt', null, h('a', { href: '#/passports?list=expiring', id: 'home-passports-expiring' }, 'Expiring in the next 30 days')),
            h('dd', null, Number(passports.expiring_soon).toLocaleString('en-GB')))),
        h('p', null, h('a', { href: '#/passports', id: 'home-passports' }, 'Check a passport or print cards')),
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'recent-title' },
        h('h2', { class: 'panel__title', id: 'recent-title' }, 'Recently viewed'),
        recent.length
          ? h('ul', { class: 'recent', id: 'recently-viewed' }, recent.map((c) => h('li', { class: 'recent__item' },
            h('a', { href: `#/carers/${c.id}` }, personName(c)),
            h('span', { class: 'recent__meta' }, c.reference, ' ', categoryBadge(c)))))
          : h('p', { class: 'muted' }, 'Records you open will be listed here.'),
      ),
    ),
  );
  return () => search.destroy();
}
