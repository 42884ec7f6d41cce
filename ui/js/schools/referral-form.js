// @ts-check
// Refer a young carer to the carers service (#/referrals/new): what the school knows about them,
// who they care for and what they do, how the school knows, and the consents. School staff refer
// from their own school; the carers service may enter a referral for any school (taken by phone).

import * as api from '../api.js';
import { h, append } from '../kit/dom.js';
import { navigate } from '../nav.js';
import { fields, section, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { currentUser } from '../session/session.js';

export const IDENTIFIED_BY = [
  { code: 'S', label: 'The school noticed (school census code S)' },
  { code: 'P', label: 'A parent or carer told the school (school census code P)' },
];

export const PARENT_CONSENT = [
  { code: 'given', label: 'Yes, a parent has agreed' },
  { code: 'not_needed', label: 'Not needed: the young person is old enough to agree for themself' },
  { code: 'not_asked', label: 'No, a parent was not asked' },
];

const WHO = [
  { name: 'first_name', row: 'name', label: 'First name', width: 'medium', autocomplete: 'off' },
  { name: 'last_name', row: 'name', label: 'Last name', width: 'medium' },
  { name: 'preferred_name', label: 'Preferred name (optional)', width: 'medium' },
  { name: 'date_of_birth', row: 'school', label: 'Date of birth', type: 'date', width: 'date', hint: 'For example, 14/02/2012' },
  { name: 'year_group', row: 'school', label: 'Year group', type: 'choice', list: 'year_group', blank: 'Choose a year' },
  { name: 'tutor_group', row: 'school', label: 'Tutor group (optional)', width: 'short' },
];

const CARING = [
  { name: 'cares_for', label: 'Who do they care for?', width: 'long', hint: 'Their relationship and what is wrong, for example: Mum, who has multiple sclerosis' },
  { name: 'caring_tasks', label: 'What do they do for them?', type: 'textarea', rows: 4, spellcheck: true, hint: 'For example: helps Mum get dressed, cooks tea, looks after a younger brother' },
  { name: 'identified_by', label: 'How does the school know?', type: 'radios', choices: IDENTIFIED_BY, inline: false },
  { name: 'how_known', label: 'Anything more about how you know (optional)', type: 'textarea', rows: 3, hint: 'For example: often late, told their form tutor' },
];

const CONSENT = [
  { name: 'young_person_consent', label: 'The young person agrees to this referral', type: 'bool', hint: 'Talk to them first: a referral needs their agreement.' },
  { name: 'parent_consent', label: 'Has a parent agreed?', type: 'radios', choices: PARENT_CONSENT, inline: false },
  { name: 'parent_consent_note', label: 'If a parent was not asked, say why', type: 'textarea', rows: 2, hint: 'For example, a safeguarding concern at home (talk to your designated safeguarding lead)' },
  { name: 'staff_contact', label: 'Who at school can they go to? (optional)', width: 'medium' },
];

/**
 * @param {HTMLElement} main
 */
export async function render(main) {
  const me = currentUser();
  const ownSchool = me && me.role === 'school_staff';
  const [opts, schools] = await Promise.all([api.options(), ownSchool ? Promise.resolve([]) : api.schoolList()]);
  const schoolField = { name: 'school_id', label: 'School', type: 'choice', blank: 'Choose the school', width: 'long', choices: schools.map((s) => ({ code: String(s.id), label: s.name })) };
  const specs = [...(ownSchool ? [] : [schoolField]), ...WHO, ...CARING, ...CONSENT];
  const form = h('form', { class: 'form', id: 'referral-form', novalidate: true },
    ownSchool ? null : section('School', fields([schoolField], {}, opts)),
    section('The young person', fields(WHO, {}, opts)),
    section('Their caring', fields(CARING, {}, opts)),
    section('Agreement', fields(CONSENT, {}, opts)),
    formButtons('Send the referral', { cancelHref: '#/referrals', submitId: 'send-referral' }));
  onSubmit(form, async () => {
    const input = read(form, specs);
    if (!ownSchool) input.school_id = input.school_id === null ? null : Number(input.school_id);
    const made = await api.schoolReferralCreate(input);
    navigate(`/referrals/${made.id}`, { flash: 'Referral sent to the carers service' });
  }, { busyLabel: 'Sending…' });
  append(main,
    h('p', { class: 'back' }, h('a', { href: '#/referrals' }, 'Back to referrals')),
    h('h1', { class: 'page-title' }, 'Refer a young carer'),
    h('p', { class: 'lead' }, ownSchool
      ? `To the carers service, from ${me.school_name || 'your school'}. They will tell you here what they decide.`
      : 'A referral from a school, entered for them (for example, taken by phone).'),
    form);
}
