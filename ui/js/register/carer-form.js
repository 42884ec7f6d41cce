// @ts-check
// Add a carer (#/carers/new) or change one (#/carers/:id/edit).

import * as api from '../api.js';
import { h, append } from '../kit/dom.js';
import { navigate, setTitle } from '../nav.js';
import { displayName } from '../kit/format.js';
import { field, fields, section, read, valueAt } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { CARER_SECTIONS, CARER_FIELDS, SHARE_LEGEND } from './carer-fields.js';

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const editing = Boolean(id);
  const [opts, record] = await Promise.all([api.options(), editing ? api.carerGet(id) : null]);
  const title = editing ? `Change ${displayName(record)}’s details` : 'Add a carer';
  if (editing) setTitle(`Edit ${displayName(record)}`);

  const form = h('form', { id: 'carer-form', class: 'form', novalidate: true },
    CARER_SECTIONS.map((s) => section(s.title, sectionBody(s, record, opts), { id: `section-${s.id}` })),
    formButtons('Save carer', { cancelHref: editing ? `#/carers/${id}` : '#/', submitId: 'save-carer' }),
  );

  onSubmit(form, async () => {
    const input = read(form, CARER_FIELDS);
    const saved = editing ? await api.carerUpdate(id, input) : await api.carerCreate(input);
    navigate(`/carers/${saved.id}`, { flash: editing ? 'Saved' : `Saved. ${displayName(saved)} is on the register as ${saved.reference}.` });
  });

  append(main, 
    editing ? h('p', { class: 'back' }, h('a', { href: `#/carers/${id}` }, 'Back to the record')) : null,
    h('h1', { class: 'page-title' }, title),
    editing ? h('p', { class: 'lead' }, record.reference) : h('p', { class: 'lead' }, 'Only first name, last name and date of birth are needed now. You can add the rest later.'),
    form,
  );
  // New carer: start typing straight away.
  if (!editing) form.querySelector('[name="first_name"]').dataset.autofocus = 'true';
}

/** A section's fields; the consent-to-share ticks go together under one legend. */
function sectionBody(s, record, opts) {
  const plain = s.fields.filter((f) => !f.group);
  const grouped = s.fields.filter((f) => f.group === 'share');
  return [
    fields(plain, record, opts),
    grouped.length
      ? h('fieldset', { class: 'fieldset fieldset--inner' },
        h('legend', { class: 'fieldset__legend fieldset__legend--small' }, SHARE_LEGEND),
        h('div', { class: 'checkboxes' }, grouped.map((spec) => field(spec, valueAt(record || {}, spec.name), opts))))
      : null,
  ];
}
