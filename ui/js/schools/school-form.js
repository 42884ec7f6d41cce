// @ts-check
// Add a school (#/schools/new) or change one (#/schools/:id/edit). The core checks every
// field (name required, URN six digits and not already used); its messages show beside the
// fields and in the summary at the top.

import * as api from '../api.js';
import { h, append } from '../kit/dom.js';
import { navigate, setTitle } from '../nav.js';
import { fields, section, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';

export const SCHOOL_SECTIONS = [
  {
    id: 'school',
    title: 'The school',
    fields: [
      { name: 'name', label: 'School or college name', width: 'long' },
      { name: 'urn', label: 'URN (optional)', hint: 'The 6-digit unique reference number from Get Information about Schools, for example 100001', width: 'short', inputmode: 'numeric' },
      { name: 'address_line1', label: 'Address line 1 (optional)', width: 'long' },
      { name: 'address_line2', label: 'Address line 2 (optional)', width: 'long' },
      { name: 'town', row: 'town', label: 'Town or city (optional)', width: 'medium' },
      { name: 'postcode', row: 'town', label: 'Postcode (optional)', hint: 'For example, SW1A 1AA', width: 'short' },
      { name: 'phone', row: 'phone', label: 'Phone (optional)', type: 'tel', width: 'medium' },
      { name: 'email', row: 'phone', label: 'Email (optional)', type: 'email', width: 'medium' },
    ],
  },
  {
    id: 'lead',
    title: 'Young carers lead',
    hint: 'The member of staff who looks after young carers, for example the pastoral lead or a designated safeguarding lead.',
    fields: [
      { name: 'lead_name', label: 'Name (optional)', width: 'medium' },
      { name: 'lead_email', row: 'lead', label: 'Email (optional)', type: 'email', width: 'medium' },
      { name: 'lead_phone', row: 'lead', label: 'Phone (optional)', type: 'tel', width: 'medium' },
    ],
  },
];

export const SCHOOL_FIELDS = SCHOOL_SECTIONS.flatMap((s) => s.fields);

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const editing = Boolean(id);
  const school = editing ? await api.schoolGet(id) : null;
  if (editing) setTitle(`Edit ${school.name}`);
  const form = h('form', { id: 'school-form', class: 'form', novalidate: true },
    SCHOOL_SECTIONS.map((s) => section(s.title, fields(s.fields, school, {}, 'school-'), { id: `section-${s.id}`, hint: s.hint })),
    formButtons('Save school', { cancelHref: editing ? `#/schools/${id}` : '#/schools', submitId: 'save-school' }),
  );
  onSubmit(form, async () => {
    const input = read(form, SCHOOL_FIELDS);
    const saved = await api.schoolSave({ id: editing ? id : null, ...input });
    navigate(`/schools/${saved.id}`, { flash: editing ? 'Saved' : `Saved. ${saved.name} is on the list of schools.` });
  });
  append(main,
    h('p', { class: 'back' }, h('a', { href: editing ? `#/schools/${id}` : '#/schools' }, editing ? 'Back to the school' : 'Back to schools')),
    h('h1', { class: 'page-title' }, editing ? `Change ${school.name}’s details` : 'Add a school'),
    form,
  );
  if (!editing) form.querySelector('[name="name"]').dataset.autofocus = 'true';
}
