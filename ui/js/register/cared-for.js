// @ts-check
// A cared-for person (#/cared-for/:id): who they are, and everyone who cares for them
// (the whole-family view), each linking to the carer's record.

import * as api from '../api.js';
import { h, append, replace, focusElement } from '../kit/dom.js';
import { setTitle, flash } from '../nav.js';
import { formatDate } from '../kit/format.js';
import { detailsList, shownValue, detailRow } from '../kit/details.js';
import { PERSON_FIELDS, LINK_FIELDS, spec } from './cared-for-fields.js';
import { ageText } from './caring.js';
import { personName } from './search.js';
import { categoryBadge, statusLabel } from '../kit/tags.js';
import { informationRights, anonymisedBanner, isAdministrator } from '../safety/safety-parts.js';

export function personFullName(p) {
  return [p.first_name, p.last_name].filter(Boolean).join(' ');
}


/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const [opts, person, admin] = await Promise.all([api.options(), api.caredForGet(id), isAdministrator()]);
  const name = personFullName(person);
  setTitle(name);
  const carers = person.carers || [];
  const age = ageText(person);

  // Administrators: subject access export and anonymising (safety-parts.js).
  const rights = admin ? informationRights({
    kind: 'cared_for',
    getRecord: () => person,
    nameOf: personFullName,
    canAnonymise: (p) => ((p.carers || []).some(({ carer }) => carer.status !== 'closed')
      ? { ok: false, why: 'Someone with an open record cares for this person: they can be anonymised once no open carer is linked to them.' }
      : { ok: true }),
    onAnonymised: async () => {
      // The page is drawn once from the record: draw it again as it is now.
      const view = /** @type {HTMLElement} */ (main.closest('.view') || main);
      replace(view);
      await render(view, { id, query: new URLSearchParams() });
      flash('Record anonymised');
      focusElement(document.getElementById('cared-for-name'));
    },
  }) : null;

  append(main, 
    h('h1', { class: 'page-title', id: 'cared-for-name' }, name),
    h('p', { class: 'record-head__facts' },
      person.reference ? h('span', { class: 'record-head__ref' }, person.reference) : null,
      h('span', null, 'Cared-for person'),
      age ? h('span', null, age) : null),
    anonymisedBanner(person),
    person.anonymised_on ? null : h('div', { class: 'button-row' }, h('a', { class: 'button', href: `#/cared-for/${id}/edit`, id: 'edit-cared-for' }, 'Edit details')),
    h('div', { class: 'record-columns' },
      h('div', { class: 'record-columns__side' },
        h('section', { class: 'details-section', 'aria-labelledby': 'cf-details-title' },
          h('h2', { class: 'details-section__title', id: 'cf-details-title' }, 'Details'),
          detailsList(PERSON_FIELDS, person, opts) || h('p', { class: 'muted' }, 'Nothing recorded.'))),
      h('div', { class: 'record-columns__main' },
        h('section', { class: 'record-section', 'aria-labelledby': 'cared-for-by-title', id: 'cared-for-by' },
          h('h2', { class: 'section-title', id: 'cared-for-by-title' }, 'Cared for by'),
          carers.length
            ? h('ul', { class: 'caring__list' }, carers.map(({ link, carer }) => h('li', { class: 'caring__item' },
              h('h3', { class: 'caring__name' }, h('a', { href: `#/carers/${carer.id}` }, personName(carer))),
              h('p', { class: 'record-head__facts' },
                carer.reference ? h('span', null, carer.reference) : null,
                categoryBadge(carer),
                carer.age !== null && carer.age !== undefined ? h('span', null, `Age ${carer.age}`) : null,
                carer.status === 'closed' ? statusLabel('closed') : null),
              h('dl', { class: 'details details--compact' },
                detailRow('Relationship', link.relationship_label || shownValue(spec(LINK_FIELDS, 'relationship'), link.relationship, opts), { empty: 'hide' }),
                detailRow('Lives with them', link.lives_together === undefined ? '' : link.lives_together ? 'Yes' : 'No', { empty: 'hide' }),
                detailRow('Hours of care a week', link.hours_band_label || shownValue(spec(LINK_FIELDS, 'hours_band'), link.hours_band, opts), { empty: 'hide' }),
                detailRow('Kinds of care', shownValue(spec(LINK_FIELDS, 'care_kinds'), link.care_kinds, opts), { empty: 'hide' }),
                detailRow('Caring since', formatDate(link.since), { empty: 'hide' })))))
            : h('p', { class: 'muted' }, 'No carer is linked to this person now.')),
        rights?.element)),
  );
}

