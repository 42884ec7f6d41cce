// @ts-check
// One referral from a school (#/referrals/:id): what the school said, and what the carers service
// decided. For the carers service, a new referral is decided here: registered for support (a new
// record, or added to a record already in the register when it is the same young person) or
// signposted elsewhere, saying where. The school sees the outcome on the same page.

import * as api from '../api.js';
import { h, append } from '../kit/dom.js';
import { setTitle, navigate } from '../nav.js';
import { formatDate } from '../kit/format.js';
import { field, read } from '../kit/fields.js';
import { formDialog } from '../kit/forms.js';
import { details, recordedRow } from '../kit/details.js';
import { referralTag } from '../kit/tags.js';
import { can } from '../session/session.js';

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const r = await api.schoolReferralGet(id);
  setTitle(`Referral: ${r.name}`);
  const decide = can('records') && r.status === 'new';

  append(main,
    h('p', { class: 'back' }, h('a', { href: '#/referrals' }, 'Back to referrals')),
    h('h1', { class: 'page-title', id: 'referral-name' }, r.name),
    h('p', { class: 'record-head__facts' },
      h('span', null, r.school_name),
      h('span', null, `referred ${formatDate(r.referred_on)} by ${r.referred_by}`),
      referralTag(r)),
    r.status === 'new' ? null : h('section', { class: 'details-section', 'aria-labelledby': 'outcome-title', id: 'referral-outcome' },
      h('h2', { class: 'details-section__title', id: 'outcome-title' }, 'What the carers service decided'),
      details([
        ['Decision', r.status_label],
        ['Decided', `${formatDate(r.decided_on)}${r.decided_by ? ` by ${r.decided_by}` : ''}`],
        recordedRow(r.status === 'signposted' ? 'Signposted to' : 'Note for the school', r.outcome_note),
        r.carer_id && can('records') ? ['Record', h('a', { href: `#/carers/${r.carer_id}`, id: 'referral-record' }, r.carer_reference)] : null,
        r.carer_id && !can('records') ? ['On your school’s list', h('a', { href: `#/pupils/${r.carer_id}`, id: 'referral-pupil' }, 'Open their page')] : null,
      ])),
    decide ? decisionPart() : null,
    h('section', { class: 'details-section', 'aria-labelledby': 'about-title' },
      h('h2', { class: 'details-section__title', id: 'about-title' }, 'The young person'),
      details([
        ['Name', r.name],
        ['Date of birth', `${formatDate(r.date_of_birth)} (age ${r.age})`],
        recordedRow('Year group', r.year_group_label),
        recordedRow('Tutor group', r.tutor_group),
        recordedRow('Staff contact at school', r.staff_contact),
      ])),
    h('section', { class: 'details-section', 'aria-labelledby': 'caring-title' },
      h('h2', { class: 'details-section__title', id: 'caring-title' }, 'Their caring'),
      details([
        recordedRow('Who they care for', r.cares_for),
        recordedRow('What they do', r.caring_tasks),
        ['How the school knows', r.identified_by_label],
        recordedRow('More about how the school knows', r.how_known),
      ])),
    h('section', { class: 'details-section', 'aria-labelledby': 'consent-title' },
      h('h2', { class: 'details-section__title', id: 'consent-title' }, 'Agreement'),
      details([
        ['The young person agrees', r.young_person_consent ? 'Yes' : 'No'],
        ['A parent', r.parent_consent_label],
        recordedRow('Why a parent was not asked', r.parent_consent_note),
      ])));

  function decisionPart() {
    const matches = r.possible_matches || [];
    return h('section', { class: 'record-section', 'aria-labelledby': 'decide-title', id: 'referral-decision' },
      h('h2', { class: 'section-title', id: 'decide-title' }, 'Decide'),
      matches.length
        ? h('div', { class: 'notice', id: 'possible-matches' },
          h('p', null, 'The register already has someone with this date of birth and last name. If it is the same young person, add the referral to their record:'),
          h('ul', null, matches.map((m) => h('li', null,
            h('a', { href: `#/carers/${m.carer_id}` }, `${m.name} (${m.reference})`), m.status === 'closed' ? ' (closed)' : '', ' ',
            m.status === 'open'
              ? h('button', { type: 'button', class: 'button button--secondary button--small', dataset: { matchId: String(m.carer_id) }, onclick: () => accept({ carer_id: m.carer_id, label: `Add to ${m.reference}` }) },
                'Add to this record', h('span', { class: 'visually-hidden' }, ` ${m.reference}`))
              : null))))
        : null,
      h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'button', id: 'accept-referral', onclick: () => accept({ confirm_new: matches.length > 0, label: matches.length ? 'Register as someone new' : 'Register for support' }) },
          matches.length ? 'Register as someone new' : 'Register for support'),
        h('button', { type: 'button', class: 'button button--secondary', id: 'signpost-referral', onclick: signpost }, 'Signpost elsewhere')));
  }

  function accept({ carer_id = null, confirm_new = false, label }) {
    formDialog({
      id: 'accept-dialog',
      title: label,
      intro: carer_id
        ? 'The referral is added to their record, and they are linked to the school with the year and tutor group the school gave.'
        : `${r.name} is added to the register as a young carer referred by ${r.school_name}, and linked to the school.`,
      fields: [field({ name: 'note', label: 'A note for the school (optional)', type: 'textarea', rows: 3, hint: 'The school sees this with the outcome: for example, when you will meet them' }, '')],
      submitLabel: label,
      onSubmit: async (form) => {
        const { note } = read(form, [{ name: 'note', label: 'Note', type: 'textarea' }]);
        const done = await api.schoolReferralAccept({ id, carer_id, confirm_new, note });
        navigate(`/carers/${done.carer_id}`, { flash: `${r.name} is registered for support and linked to ${r.school_name}` });
        return true;
      },
    });
  }

  function signpost() {
    formDialog({
      id: 'signpost-dialog',
      title: 'Signpost elsewhere',
      intro: 'They are not registered for support: the contact is recorded as signposted only, and counted so in the monitoring report. The school sees where you signposted them, not the record.',
      fields: [field({ name: 'note', label: 'Where to, and why', type: 'textarea', rows: 3, hint: 'For example: the young carers project nearer their home' }, '')],
      submitLabel: 'Signpost',
      onSubmit: async (form) => {
        const { note } = read(form, [{ name: 'note', label: 'Note', type: 'textarea' }]);
        await api.schoolReferralSignpost({ id, note });
        navigate(`/referrals/${id}`, { flash: 'Signposted: the school can see where to' });
        return true;
      },
    });
  }
}
