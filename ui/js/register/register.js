// @ts-check
// The register: search every carer, filter by category, status and school.
// The search and filters are kept in the address (#/carers?q=...), so Back returns to them.

import { h, append } from '../kit/dom.js';
import { replaceQuery } from '../nav.js';
import { carerSearchBox } from './search.js';
import { currentUser } from '../session/session.js';

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { query }) {
  const search = carerSearchBox({
    id: 'search',
    resultsId: 'search-results',
    label: 'Search carers',
    hint: 'Search by name, reference, postcode or date of birth',
    filters: true,
    listWhenEmpty: true,
    limit: 100,
    initial: {
      q: query.get('q') || '',
      category: query.get('category') || '',
      status: query.get('status') || 'open',
      school_id: query.get('school') || '',
    },
    onChange: (s) => replaceQuery({ q: s.q.trim(), category: s.category, status: s.status === 'open' ? '' : s.status, school: s.school_id }),
  });
  search.input.dataset.autofocus = 'true';
  append(main, 
    h('div', { class: 'page-head' },
      h('h1', { class: 'page-title' }, 'Carers'),
      h('div', { class: 'button-row button-row--tight' },
        h('a', { class: 'button', href: '#/carers/new' }, 'Add a carer'),
        currentUser()?.role === 'administrator'
          ? h('a', { class: 'button button--secondary', href: '#/import', id: 'register-import' }, 'Import from a spreadsheet')
          : null),
    ),
    search.element,
  );
  return () => search.destroy();
}
