// @ts-check
// Settings (#/settings): the organisation, review timings, the young adult carer age range,
// the transition to adulthood timeline, how cards are printed, what passport holders may ask
// for, the support catalogue, where the data is kept, and (administrators) data safety.

import * as api from '../api.js';
import { h, append, focusElement } from '../kit/dom.js';
import { showOrganisation, flash } from '../nav.js';
import { fields, section, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { catalogueSection } from './settings-catalogue.js';
import { cardsSection, asksPanel, CARD_FIELDS } from '../passports/passport-settings.js';
import { passportKinds } from '../passports/passport-parts.js';
import { safetySection, safetyArgs, SAFETY_FIELDS } from './settings-safety.js';
import { isAdministrator } from '../safety/safety-parts.js';
import { setAutoLockMinutes } from '../session/session.js';

const ORGANISATION = [
  { name: 'organisation_name', label: 'Organisation name', width: 'long', hint: 'Shown at the top of every page' },
  { name: 'address', label: 'Address (optional)', type: 'textarea', rows: 3 },
  { name: 'phone', label: 'Phone (optional)', type: 'tel', width: 'medium' },
  { name: 'email', label: 'Email (optional)', type: 'email', width: 'long' },
];

const REVIEWS = [
  { name: 'first_review_weeks', label: 'First review after (weeks)', type: 'number', width: 'short', hint: 'Weeks after a support plan starts, from 1 to 52' },
  { name: 'review_interval_months', label: 'Then review every (months)', type: 'number', width: 'short', hint: 'From 1 to 36' },
];

const AGES = [
  { name: 'young_adult_min_age', label: 'From age', type: 'number', width: 'short', hint: 'From 16 to 25' },
  { name: 'young_adult_max_age', label: 'To age', type: 'number', width: 'short', hint: 'From 18 to 30' },
];

const TRANSITION = [
  { name: 'prepare_age', label: 'Start preparing for adulthood at age', type: 'number', width: 'short', hint: 'Usually 14: talk with the young carer and their family about life after 18' },
  { name: 'transition_offer_age', label: 'Offer a transition assessment from age', type: 'number', width: 'short', hint: 'Usually 16 (Care Act s63)' },
  { name: 'transition_complete_months', label: 'Complete the transition assessment before (age in months)', type: 'number', width: 'short', hint: 'Usually 210, which is 17 years and 6 months' },
  { name: 'transition_review_months', label: 'Review it at (age in months)', type: 'number', width: 'short', hint: 'Usually 210, which is 17 years and 6 months' },
  { name: 'handover_age', label: 'Hand over to the adult carers service at age', type: 'number', width: 'short', hint: 'Usually 18' },
];

const ALL = [...ORGANISATION, ...REVIEWS, ...AGES, ...TRANSITION, ...CARD_FIELDS];

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { query }) {
  const [settings, info, catalogue, opts, kinds, admin] = await Promise.all([
    api.settingsGet(), api.appInfo().catch(() => null), api.supportCatalogue(), api.options(), passportKinds({ fresh: true }).catch(() => []),
    isAdministrator(),
  ]);
  const cards = cardsSection(settings, opts);
  const safety = admin ? safetySection(settings) : null;
  const form = h('form', { id: 'settings-form', class: 'form', novalidate: true },
    section('Your organisation', fields(ORGANISATION, settings, {})),
    section('Reviews', fields(REVIEWS, settings, {}), { hint: 'When reviews of a carer’s support plan fall due.' }),
    section('Young adult carers', h('div', { class: 'form__row' }, fields(AGES, settings, {})),
      { hint: 'The age range your service counts as young adult carers. Carers in this range are shown as young adult carers.' }),
    section('Transition to adulthood', fields(TRANSITION, settings, {}),
      { hint: 'When each step of a young carer’s transition to adult services falls due. Young adult carer support ends at the “To age” above. Ages in months count from their date of birth: 12 months for each year.' }),
    cards.element,
    safety ? safety.element : null,
    formButtons('Save settings', { submitId: 'save-settings' }),
  );
  onSubmit(form, async () => {
    // Only what the form shows: the read-only facts (has_logo) are not settings to send.
    const saved = await api.settingsUpdate(safetyArgs(read(form, safety ? [...ALL, ...SAFETY_FIELDS] : ALL)));
    cards.update(saved);
    if (safety) {
      safety.update(saved);
      setAutoLockMinutes(saved.auto_lock_minutes);
    }
    showOrganisation(saved.organisation_name);
    flash('Saved');
    focusElement(main.querySelector('h1'));
  });
  append(main, 
    h('h1', { class: 'page-title' }, 'Settings'),
    h('p', { class: 'lead' }, 'Who can sign in, and with which role: ', h('a', { href: '#/settings/staff', id: 'settings-staff-link' }, 'Staff accounts'), '.'),
    form,
    asksPanel(kinds),
    catalogueSection(catalogue),
    h('section', { class: 'panel panel--quiet', 'aria-labelledby': 'data-title' },
      h('h2', { class: 'panel__title', id: 'data-title' }, 'Where your data is kept'),
      h('p', null, 'The register is kept in this file on this computer. Include it in your backups.'),
      h('p', { class: 'path', id: 'database-path' }, info ? info.database_path : 'Not known'),
      info ? h('p', { class: 'muted small' }, `Carers Desk version ${info.version}`) : null),
  );
  // `?show=data-safety` (from the backups and retention pages) starts at that section.
  if (safety && query?.get('show') === 'data-safety') {
    const heading = safety.element.querySelector('h2');
    heading.setAttribute('tabindex', '-1');
    heading.dataset.autofocus = 'true';
  }
}
