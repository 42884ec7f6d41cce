// @ts-check
// Change a cared-for person's details (#/cared-for/:id/edit).

import * as api from '../api.js';
import { h, append } from '../kit/dom.js';
import { navigate, setTitle } from '../nav.js';
import { fields, section, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { PERSON_FIELDS } from './cared-for-fields.js';
import { personFullName } from './cared-for.js';

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const [opts, person] = await Promise.all([api.options(), api.caredForGet(id)]);
  const name = personFullName(person);
  setTitle(`Edit ${name}`);
  const form = h('form', { id: 'cared-for-edit-form', class: 'form', novalidate: true },
    section('About them', fields(PERSON_FIELDS, person, opts)),
    formButtons('Save changes', { cancelHref: `#/cared-for/${id}` }),
  );
  onSubmit(form, async () => {
    await api.caredForUpdate(id, read(form, PERSON_FIELDS));
    navigate(`/cared-for/${id}`, { flash: 'Saved' });
  });
  append(main, 
    h('p', { class: 'back' }, h('a', { href: `#/cared-for/${id}` }, `Back to ${name}`)),
    h('h1', { class: 'page-title' }, `Change ${name}’s details`),
    form,
  );
}
