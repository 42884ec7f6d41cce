// @ts-check
// Issue a passport or card (#/carers/:id/passports/new, ?kind=young_carer to start on a type):
// the type; where it is used; what the holder may ask for (the type's list, ticked); issued on
// and valid until (blank: the type's default); the person they care for and the emergency
// contact, each printed only with consent recorded. The core checks everything; its errors
// are shown beside the fields.

import * as api from '../api.js';
import { h, append, replace } from '../kit/dom.js';
import { setTitle, navigate } from '../nav.js';
import { displayName, todayUk, formatDate } from '../kit/format.js';
import { fields, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { passportKinds, asksField, readAsks, caredForChoices, consentParts, readConsent, kindField, SETTING_WORDS, dateArg, textArg } from './passport-parts.js';

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id, query }) {
  const [record, kinds] = await Promise.all([api.carerGet(id), passportKinds()]);
  const name = displayName(record);
  setTitle(`Issue a passport or card – ${name}`);

  append(main,
    h('p', { class: 'back' }, h('a', { href: `#/carers/${id}`, id: 'back-to-carer' }, `Back to ${name}`)),
    h('h1', { class: 'page-title', id: 'passport-form-title' }, 'Issue a passport or card'),
    h('p', { class: 'lead' }, `For ${name} (${record.reference}). The card is printed from the passport’s page once it is issued.`));

  if (record.status === 'closed') {
    append(main, h('p', { class: 'notice notice--closed', id: 'passport-closed' }, 'This record is closed. Reopen it to issue a passport or card.'));
    return null;
  }

  const wanted = query?.get('kind');
  const young = record.age !== null && record.age !== undefined && record.age < 18;
  let kind = kinds.some((k) => k.kind === wanted) ? wanted : young && kinds.some((k) => k.kind === 'young_carer') ? 'young_carer' : kinds[0]?.kind;
  const info = () => kinds.find((k) => k.kind === kind);

  // A young carer card starts from what the young carer's card record already says.
  let start = {};
  if (kind === 'young_carer') {
    try {
      const card = (await api.youngCarerGet(id))?.card || {};
      start = {
        emergency_contact_name: card.emergency_contact_name,
        emergency_contact_relationship: card.emergency_contact_relationship,
        emergency_contact_phone: card.emergency_contact_phone,
      };
    } catch {
      start = {};
    }
  }

  const caring = caredForChoices(record);
  const settingSlot = h('div');
  const asksSlot = h('div');
  const datesSlot = h('div');

  const form = h('form', { id: 'passport-form', class: 'form passport-form', novalidate: true },
    h('fieldset', { class: 'fieldset passport-part', id: 'kind-part' },
      h('legend', { class: 'fieldset__legend' }, h('h2', { class: 'fieldset__heading' }, 'Passport or card')),
      kindField(kinds, kind),
      settingSlot,
      asksSlot),
    h('fieldset', { class: 'fieldset passport-part', id: 'dates-part' },
      h('legend', { class: 'fieldset__legend' }, h('h2', { class: 'fieldset__heading' }, 'Dates')),
      datesSlot),
    consentParts({ cared_for_id: caring.length === 1 ? caring[0].code : '', ...start }, caring),
    formButtons('Issue', { cancelHref: `#/carers/${id}`, submitId: 'issue-submit' }),
  );

  function dateSpecs() {
    const rule = info()?.default_valid_until_rule;
    return [
      { name: 'issued_on', row: 'dates', label: 'Issued on', type: 'date', width: 'date', hint: `For example, ${todayUk()}` },
      { name: 'valid_until', row: 'dates', label: 'Valid until (optional)', type: 'date', width: 'date', hint: rule ? `Leave blank for the default: ${rule}` : 'Leave blank for the default' },
    ];
  }

  function settingSpec() {
    const words = SETTING_WORDS[kind] || SETTING_WORDS.community;
    return { name: 'setting', label: words.label, hint: words.hint, width: 'long' };
  }

  function drawKindParts(keep) {
    const setting = keep ? read(form, [settingSpec()]).setting : '';
    replace(settingSlot, fields([settingSpec()], { setting }, {}));
    replace(asksSlot, asksField(info(), null));
    const dates = keep ? read(form, dateSpecs()) : { issued_on: todayUk() };
    replace(datesSlot, fields(dateSpecs(), dates, {}));
  }

  form.addEventListener('change', (event) => {
    const target = /** @type {HTMLInputElement} */ (event.target);
    if (target.name !== 'kind') return;
    kind = target.value;
    drawKindParts(true);
  });

  onSubmit(form, async () => {
    const dates = read(form, dateSpecs());
    /** @type {Record<string, any>} */
    const args = {
      carer_id: id,
      kind: [...form.elements].find((el) => el.name === 'kind' && el.checked)?.value || null,
      issued_on: dateArg(dates.issued_on),
      asks: readAsks(form),
      setting: textArg(read(form, [settingSpec()]).setting),
      ...readConsent(form),
    };
    if (args.issued_on === null) delete args.issued_on;
    const until = dateArg(dates.valid_until);
    if (until !== null) args.valid_until = until;
    const passport = await api.passportIssue(args);
    navigate(`/passports/${passport.id}`, { flash: `${passport.kind_label} ${passport.number} issued, valid until ${formatDate(passport.valid_until)}` });
  }, { busyLabel: 'Issuing…' });

  drawKindParts(false);
  append(main, form);
  return null;
}
