// @ts-check
// A passport or card (#/passports/:id): the card as it will print (front and back, drawn by the
// core as SVG and shown as images), its details and history, and what can be done with it:
// print to PDF (one card per page, or on a sheet of card stock), renew, reissue (lost or
// damaged: a new number), revoke, add or remove a photo, and change the details while active.

import * as api from '../api.js';
import { h, append, replace, focusElement, confirmDialog } from '../kit/dom.js';
import { setTitle, navigate } from '../nav.js';
import { formatDate, sentence, todayUk } from '../kit/format.js';
import { fields, read, textField, radioField, readText } from '../kit/fields.js';
import { onSubmit, formButtons, formDialog } from '../kit/forms.js';
import { passportBadge } from '../kit/tags.js';
import { validityText, passportKinds, asksField, readAsks, caredForChoices, consentParts, readConsent, SETTING_WORDS, dateArg, textArg, printChoices, readPrintChoices, fileName, printedMessage, printFailed } from './passport-parts.js';

const EVENT_WORDS = { issued: 'Issued', renewed: 'Renewed', reissued: 'Reissued', revoked: 'Revoked' };
const REISSUE_REASONS = [{ code: 'lost', label: 'Lost' }, { code: 'damaged', label: 'Damaged' }];

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const [first, opts, settings] = await Promise.all([api.passportGet(id), api.options(), api.settingsGet().catch(() => ({}))]);
  let p = first;
  setTitle(`${p.kind_label} ${p.number}`);

  const head = h('div', { class: 'record-head', id: 'passport-head' });
  const status = h('p', { class: 'section-status', role: 'status', 'aria-live': 'polite', id: 'passport-status' });
  const printStatus = h('div', { class: 'print-status', id: 'print-status', role: 'status', 'aria-live': 'polite' });
  const preview = h('section', { class: 'passport-preview', id: 'card-preview', 'aria-labelledby': 'preview-title' });
  const details = h('section', { class: 'details-section', id: 'passport-details', 'aria-labelledby': 'passport-details-title' });
  const history = h('section', { class: 'details-section', id: 'passport-history', 'aria-labelledby': 'passport-history-title' });
  const editSlot = h('div', { id: 'passport-edit-slot' });

  append(main,
    h('p', { class: 'back' }, h('a', { href: `#/carers/${p.carer_id}`, id: 'back-to-carer' }, `Back to ${p.holder_name}`)),
    h('div', { id: 'passport-view' },
      head, status, printStatus, editSlot,
      preview,
      h('div', { class: 'passport-columns' }, details, history)));

  let previewSeq = 0;
  drawAll();

  function drawAll() {
    drawHead();
    drawDetails();
    drawHistory();
    drawPreview();
  }

  function drawHead() {
    const can = p.can || {};
    const facts = [
      h('span', { class: 'record-head__ref passport-number', id: 'passport-number' }, p.number),
      passportBadge(p),
      h('span', { id: 'passport-validity' }, validityText(p)),
      p.status === 'active' && p.valid_today ? h('span', { class: 'tag tag--done', id: 'passport-valid-today' }, 'Valid today') : null,
    ];
    const button = (idAttr, label, onclick, secondary = true) => h('button', { type: 'button', class: secondary ? 'button button--secondary' : 'button', id: idAttr, onclick }, label);
    replace(head,
      h('h1', { class: 'page-title record-head__name', id: 'passport-title' }, `${p.kind_label}: ${p.holder_name}`),
      h('p', { class: 'record-head__facts' }, facts),
      notices(),
      h('div', { class: 'button-row passport-buttons' },
        can.print ? button('print-passport', 'Print to PDF', openPrint, false) : null,
        can.edit ? h('button', { type: 'button', class: 'button button--secondary', id: 'edit-passport', 'aria-expanded': 'false', onclick: (e) => openEdit(e.currentTarget) }, 'Change details') : null,
        can.renew ? button('renew-passport', 'Renew', openRenew) : null,
        can.reissue ? button('reissue-passport', 'Reissue (lost or damaged)', openReissue) : null,
        can.revoke ? button('revoke-passport', 'Revoke', openRevoke) : null),
      can.print ? null : h('p', { class: 'hint', id: 'not-printable' }, printBlockedText()));
  }

  function printBlockedText() {
    if (p.status === 'revoked') return 'A revoked passport cannot be printed.';
    if (p.status === 'replaced') return 'A replaced passport cannot be printed: print its replacement.';
    if (p.status === 'expired') return 'An expired passport cannot be printed: renew it first.';
    return 'This passport cannot be printed.';
  }

  function notices() {
    const out = [];
    if (p.status === 'revoked') {
      out.push(h('div', { class: 'notice notice--error', id: 'passport-revoked' },
        h('p', { class: 'notice__title' }, `Revoked on ${formatDate(p.revoked_on)}`),
        p.revoked_reason ? h('p', { class: 'pre-line' }, p.revoked_reason) : null));
    }
    if (p.replaced_by) {
      out.push(h('p', { class: 'notice', id: 'passport-replaced-by' }, 'Replaced by ', h('a', { href: `#/passports/${p.replaced_by.id}` }, p.replaced_by.number), '.'));
    }
    if (p.replaces) {
      out.push(h('p', { class: 'notice', id: 'passport-replaces' }, 'Replaces ', h('a', { href: `#/passports/${p.replaces.id}` }, p.replaces.number),
        p.replace_reason ? `, which was ${p.replace_reason}.` : '.'));
    }
    if (p.carer_closed) {
      out.push(h('p', { class: 'notice notice--closed', id: 'passport-carer-closed' }, 'The holder’s record is closed.'));
    }
    return out;
  }

  // ---------------------------------------------------------------- the card

  async function drawPreview() {
    const mine = ++previewSeq;
    const heading = h('h2', { class: 'section-title', id: 'preview-title' }, 'The card');
    replace(preview, heading, h('p', { class: 'muted' }, 'Drawing the card…'));
    let card;
    try {
      card = await api.passportPreview(id);
    } catch (err) {
      if (mine !== previewSeq) return;
      replace(preview, heading, h('p', { class: 'inline-error' }, `The card could not be drawn: ${sentence(err.message)}`));
      return;
    }
    if (mine !== previewSeq) return;
    const warnings = card.warnings || [];
    const photoButtons = (p.can || {}).edit ? h('div', { class: 'button-row button-row--tight' },
      h('button', { type: 'button', class: 'button button--secondary button--small', id: 'photo-set', onclick: setPhoto }, p.has_photo ? 'Change the photo' : 'Add a photo'),
      p.has_photo ? h('button', { type: 'button', class: 'button button--secondary button--small', id: 'photo-clear', onclick: clearPhoto }, 'Remove the photo') : null) : null;
    replace(preview, heading,
      h('p', { class: 'hint' }, 'As it will print, shown larger than the real card (85.6 × 54 mm).'),
      warnings.length
        ? h('div', { class: 'notice notice--warning', id: 'preview-warnings' },
          h('p', { class: 'notice__title' }, 'Check the card'),
          h('ul', { class: 'plan-missing' }, warnings.map((w) => h('li', null, sentence(w)))))
        : null,
      h('div', { class: 'card-faces' },
        face('front', 'Front', card.front_svg, frontAlt()),
        face('back', 'Back', card.back_svg, backAlt())),
      photoButtons);
  }

  function face(which, label, svg, alt) {
    return h('figure', { class: 'card-face', id: `card-${which}` },
      h('img', { class: 'card-face__image', src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg || '')}`, alt, width: 428, height: 270 }),
      h('figcaption', { class: 'card-face__caption' }, label));
  }

  function frontAlt() {
    return [`Front of the card: ${p.card_title}`, p.setting, p.holder_name, p.number, `valid until ${formatDate(p.valid_until)}`,
      p.has_photo ? 'with a photo' : null].filter(Boolean).join(', ');
  }

  function backAlt() {
    const asks = p.asks || [];
    return [`Back of the card: ${asks.length ? `may ask for ${asks.join('; ')}` : 'nothing listed to ask for'}`,
      p.show_cared_for_name && p.cared_for_first_name ? `cares for ${p.cared_for_first_name}` : null,
      p.emergency_contact_consent && p.emergency_contact_name ? `emergency contact ${p.emergency_contact_name}` : null,
      'a QR code holding the passport number'].filter(Boolean).join(', ');
  }

  async function setPhoto() {
    let path;
    try {
      path = await api.chooseImage('Choose a photo (PNG or JPEG)');
    } catch (err) {
      status.textContent = sentence(err.message);
      return;
    }
    if (!path) return;
    try {
      changed(await api.passportPhotoSet(id, path), 'Photo added', 'photo-set');
    } catch (err) {
      status.textContent = sentence(err.message);
      focusElement(status);
    }
  }

  async function clearPhoto() {
    const yes = await confirmDialog({ title: 'Remove the photo?', message: 'The card prints without a photo. You can add one again later.', confirmLabel: 'Remove the photo', danger: true });
    if (!yes) return;
    try {
      changed(await api.passportPhotoClear(id), 'Photo removed', 'photo-set');
    } catch (err) {
      status.textContent = sentence(err.message);
    }
  }

  /** After a change: draw everything again, say what happened, put focus somewhere sensible. */
  function changed(passport, message, focusId) {
    p = passport;
    closeEdit(false);
    drawAll();
    status.textContent = message;
    const target = focusId ? document.getElementById(focusId) : null;
    focusElement(target && !target.disabled ? target : document.getElementById('passport-title'));
  }

  // ---------------------------------------------------------------- details and history

  function drawDetails() {
    const contact = [p.emergency_contact_name, p.emergency_contact_relationship ? `(${p.emergency_contact_relationship})` : null, p.emergency_contact_phone].filter(Boolean).join(' ');
    const words = SETTING_WORDS[p.kind] || SETTING_WORDS.community;
    const rows = [
      ['Holder', h('a', { href: `#/carers/${p.carer_id}` }, `${p.holder_name} (${p.carer_reference})`)],
      ['Type', p.kind_label],
      ['Number', p.number],
      ['Issued on', formatDate(p.issued_on)],
      ['Valid until', formatDate(p.valid_until)],
      [words.label.replace(/ \(optional\)$/, ''), p.setting || h('span', { class: 'muted' }, 'Not recorded')],
      ['May ask for', (p.asks || []).length ? h('ul', { class: 'plain-list passport-asks' }, p.asks.map((a) => h('li', null, a))) : h('span', { class: 'muted' }, 'Nothing listed')],
      ['Person they care for', p.cared_for_first_name
        ? `${p.cared_for_first_name}${p.show_cared_for_name ? ' (printed: consent recorded)' : ' (not printed: no consent recorded)'}`
        : h('span', { class: 'muted' }, 'Not recorded')],
      ['Emergency contact', contact
        ? `${contact}${p.emergency_contact_consent ? ' (printed: consent recorded)' : ' (not printed: no consent recorded)'}`
        : h('span', { class: 'muted' }, 'Not recorded')],
      ['Photo', p.has_photo ? 'Yes' : 'No'],
    ];
    replace(details,
      h('h2', { class: 'details-section__title', id: 'passport-details-title' }, 'Details'),
      h('dl', { class: 'details' }, rows.map(([k, v]) => h('div', { class: 'details__row' }, h('dt', null, k), h('dd', null, v)))));
  }

  function drawHistory() {
    const events = p.events || [];
    replace(history,
      h('h2', { class: 'details-section__title', id: 'passport-history-title' }, 'History'),
      events.length
        ? h('ol', { class: 'timeline passport-history', id: 'passport-events' }, events.map((e) => h('li', { class: 'timeline__item', dataset: { event: e.event } },
          h('p', { class: 'timeline__meta' },
            h('span', { class: 'timeline__date' }, formatDate(e.on)),
            h('span', null, EVENT_WORDS[e.event] || sentence(e.event)),
            e.by ? h('span', null, `by ${e.by}`) : null),
          e.note ? h('p', { class: 'timeline__text pre-line' }, sentence(e.note)) : null)))
        : h('p', { class: 'muted' }, 'Nothing recorded.'));
  }

  // ---------------------------------------------------------------- printing

  function openPrint() {
    formDialog({
      id: 'print-dialog',
      title: 'Print to PDF',
      intro: `${p.number}, ${p.holder_name}. Choose how it will be printed, then where to save the PDF.`,
      fields: printChoices({ stocks: opts.card_stocks || [], stock: settings.card_stock, cropMarks: settings.card_crop_marks }),
      submitLabel: 'Choose where to save',
      onSubmit: async (form) => {
        const choice = readPrintChoices(form);
        print(choice);
        return true;
      },
    });
  }

  async function print(choice) {
    const button = document.getElementById('print-passport');
    if (button) button.disabled = true;
    replace(printStatus);
    try {
      const done = await api.printPassports({ ids: [id], ...choice }, `${fileName(p.number)}-${choice.layout === 'single' ? 'card' : 'card-sheet'}.pdf`);
      if (!done) return;
      replace(printStatus, printedMessage(done));
    } catch (err) {
      printFailed(printStatus, err);
    } finally {
      if (button && button.isConnected) button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- lifecycle

  function openRenew() {
    formDialog({
      id: 'renew-dialog',
      title: `Renew ${p.number}`,
      intro: 'The passport keeps its number with a new valid-until date. Print the card again afterwards.',
      fields: textField('valid_until', 'New valid until (optional)', '', { kind: 'date', hint: 'Leave blank for the default, counted from today or the current valid-until date, whichever is later. For example, 31/03/2027' }),
      submitLabel: 'Renew',
      onSubmit: async (form) => {
        const until = dateArg(readText(form, 'valid_until'));
        const renewed = await api.passportRenew(until ? { id, valid_until: until } : { id });
        changed(renewed, `Renewed: valid until ${formatDate(renewed.valid_until)}`, 'passport-title');
        return true;
      },
    });
  }

  function openReissue() {
    formDialog({
      id: 'reissue-dialog',
      title: `Reissue ${p.number}`,
      intro: 'A new passport with a new number replaces this one, which stops being valid. Its details are copied.',
      fields: [
        radioField('reason', 'Why is it being reissued?', opts.passport_reissue_reasons || REISSUE_REASONS, null, { inline: true }),
        textField('note', 'Note (optional)', '', { long: true, rows: 3 }),
      ],
      submitLabel: 'Reissue with a new number',
      onSubmit: async (form) => {
        const reason = [...form.elements].find((el) => el.name === 'reason' && el.checked)?.value || null;
        const note = textArg(readText(form, 'note'));
        const replacement = await api.passportReissue(note ? { id, reason, note } : { id, reason });
        navigate(`/passports/${replacement.id}`, { flash: `Reissued as ${replacement.number}. ${p.number} is now replaced.` });
        return true;
      },
    });
  }

  function openRevoke() {
    formDialog({
      id: 'revoke-dialog',
      title: `Revoke ${p.number}?`,
      intro: 'A revoked passport is no longer valid and cannot be printed or renewed. This cannot be undone.',
      fields: textField('reason', 'Why is it being revoked?', '', { long: true, rows: 3 }),
      submitLabel: 'Revoke',
      danger: true,
      onSubmit: async (form) => {
        const revoked = await api.passportRevoke({ id, reason: readText(form, 'reason') });
        changed(revoked, `Revoked on ${formatDate(revoked.revoked_on || todayUk())}`, 'passport-title');
        return true;
      },
    });
  }

  // ---------------------------------------------------------------- changing the details

  /** @type {(focusOpener?: boolean) => void} */
  let closeEdit = () => {};

  async function openEdit(opener) {
    if (opener.getAttribute('aria-expanded') === 'true') { closeEdit(true); return; }
    let kinds = [];
    let record = null;
    try {
      [kinds, record] = await Promise.all([passportKinds(), api.carerGet(p.carer_id)]);
    } catch (err) {
      status.textContent = sentence(err.message);
      return;
    }
    const info = kinds.find((k) => k.kind === p.kind);
    const words = SETTING_WORDS[p.kind] || SETTING_WORDS.community;
    const specs = [
      { name: 'valid_until', label: 'Valid until', type: 'date', width: 'date', hint: 'For example, 31/03/2027. To extend a passport that is running out, renew it instead' },
      { name: 'setting', label: words.label, hint: words.hint, width: 'long' },
    ];
    const values = {
      ...p,
      cared_for_id: p.cared_for_id === null || p.cared_for_id === undefined ? '' : String(p.cared_for_id),
    };
    const form = h('form', { id: 'passport-edit-form', class: 'form form--panel passport-form', novalidate: true },
      h('h2', { class: 'panel-form__title' }, 'Change details'),
      h('p', { class: 'hint' }, 'The number stays the same. Print the card again after a change.'),
      fields(specs, values, {}, 'edit-'),
      asksField(info, p.asks || [], { prefix: 'edit-' }),
      consentParts(values, caredForChoices(record), { prefix: 'edit-' }),
      formButtons('Save details', { onCancel: () => closeEdit(true), submitId: 'save-passport' }));
    onSubmit(form, async () => {
      const input = read(form, specs);
      /** @type {Record<string, any>} */
      const args = { id, setting: textArg(input.setting), asks: readAsks(form), ...readConsent(form) };
      const until = dateArg(input.valid_until);
      if (until !== null) args.valid_until = until;
      changed(await api.passportUpdate(args), 'Details saved', 'passport-title');
    });
    replace(editSlot, form);
    opener.setAttribute('aria-expanded', 'true');
    closeEdit = (refocus) => {
      replace(editSlot);
      const button = document.getElementById('edit-passport');
      if (button) {
        button.setAttribute('aria-expanded', 'false');
        if (refocus) button.focus();
      }
      closeEdit = () => {};
    };
    focusElement(form.querySelector('input'));
  }

  return () => {
    previewSeq += 1;
    document.querySelectorAll('dialog.dialog').forEach((d) => d.remove());
  };
}
