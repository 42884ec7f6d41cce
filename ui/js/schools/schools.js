// @ts-check
// Schools (#/schools): every school with its young carers and the adjustments due for review.
// Each name links to the school's page (its young carers and their agreed adjustments).

import * as api from '../api.js';
import { h, append } from '../kit/dom.js';
import { plural } from '../kit/format.js';

/**
 * @param {HTMLElement} main
 */
export async function render(main) {
  const schools = await api.schoolList();
  append(main,
    h('div', { class: 'page-head' },
      h('h1', { class: 'page-title' }, 'Schools'),
      h('a', { class: 'button', href: '#/schools/new', id: 'add-school' }, 'Add a school'),
    ),
    h('p', { class: 'lead' }, 'Schools and colleges your young carers go to. Open a school to see its young carers, their agreed adjustments and who to contact there.'),
    schools.length
      ? h('table', { class: 'table table--schools', id: 'school-list' },
        h('caption', { class: 'visually-hidden' }, `Schools (${plural(schools.length, 'school')})`),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'School'),
          h('th', { scope: 'col' }, 'URN'),
          h('th', { scope: 'col' }, 'Town'),
          h('th', { scope: 'col' }, 'Young carers lead'),
          h('th', { scope: 'col', class: 'numeric' }, 'Young carers'),
          h('th', { scope: 'col', class: 'numeric' }, 'Adjustments due for review'))),
        h('tbody', null, schools.map((s) => h('tr', { dataset: { schoolId: String(s.id) } },
          h('td', null, h('a', { href: `#/schools/${s.id}`, class: 'result-link' }, s.name)),
          h('td', { class: 'nowrap' }, s.urn || ''),
          h('td', null, [s.town, s.postcode].filter(Boolean).join(', ')),
          h('td', null, s.lead_name || h('span', { class: 'muted' }, 'Not recorded')),
          h('td', { class: 'numeric' }, String(s.young_carers ?? 0)),
          h('td', { class: 'numeric' }, s.adjustments_due > 0
            ? h('span', { class: 'tag tag--due' }, `${s.adjustments_due} due`)
            : '0')))))
      : h('p', { class: 'muted', id: 'school-list-empty' }, 'No schools yet. Add the schools your young carers go to, then link each young carer to their school from their record.'),
  );
}
