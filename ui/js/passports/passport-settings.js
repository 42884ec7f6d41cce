// @ts-check
// Settings for passports and cards: the "Cards" part of the settings form (card stock, the
// printer's offset, crop marks, the "if found" text, how long a passport is valid for) with the
// logo (chosen and removed at once) and the calibration sheet; and, as its own panel, what the
// holders of each type may ask for (entries renamed, reordered, retired, never removed, so
// passports issued with them still read right).

import * as api from '../api.js';
import { h, replace, focusElement } from '../kit/dom.js';
import { flash } from '../nav.js';
import { sentence } from '../kit/format.js';
import { fields, section } from '../kit/fields.js';
import { showErrors, clearErrors, mapErrors } from '../kit/errors.js';
import { forgetKinds, fileName, printedMessage, printFailed } from './passport-parts.js';

/** The card settings the settings form reads and sends with the rest. */
export const CARD_FIELDS = [
  { name: 'card_stock', label: 'Card stock for sheets', type: 'choice', list: 'card_stocks', blank: 'Choose a stock', width: 'long', hint: 'The A4 sheets of 10 cards you buy; cards can also be printed one per page on a card printer' },
  { name: 'printer_offset_x_mm', row: 'offset', label: 'Printer offset across (mm)', type: 'number', inputmode: 'decimal', width: 'short', hint: 'From -10 to 10: plus moves everything right' },
  { name: 'printer_offset_y_mm', row: 'offset', label: 'Printer offset down (mm)', type: 'number', inputmode: 'decimal', width: 'short', hint: 'From -10 to 10: plus moves everything down' },
  { name: 'card_crop_marks', label: 'Crop marks in the margins of sheets', type: 'bool', hint: 'Short lines outside the cards showing where to cut' },
  { name: 'card_if_found', label: '“If found” text on the back (optional)', type: 'textarea', rows: 2, hint: 'Leave blank for the standard wording, which asks the finder to return the card to you' },
  { name: 'passport_months', label: 'Passports are valid for (months)', type: 'number', width: 'short', hint: 'From 1 to 60. Young carer cards are valid to the 18th birthday' },
];

/** The "Cards" fieldset of the settings form. */
export function cardsSection(first, opts) {
  let settings = first;
  const logoStatus = h('div', { id: 'logo-status', role: 'status', 'aria-live': 'polite' });
  const logoBox = h('div', { class: 'logo-box', id: 'card-logo' });
  const calibrationStatus = h('div', { class: 'print-status', id: 'calibration-status', role: 'status', 'aria-live': 'polite' });

  function drawLogo() {
    replace(logoBox,
      h('p', { class: 'label', id: 'logo-label' }, 'Logo on the front of cards'),
      h('p', { id: 'logo-state' }, settings.has_logo ? 'A logo is set: it prints at the top left of every card (see any passport’s page for how it looks).' : 'No logo: cards show the organisation’s name only.'),
      settings.logo_warning ? h('p', { class: 'notice notice--warning', id: 'logo-warning' }, sentence(settings.logo_warning)) : null,
      h('p', { class: 'hint' }, 'A PNG or JPEG image, at most 2 MB. A wide logo on a white or clear background prints best.'),
      h('div', { class: 'button-row button-row--tight' },
        h('button', { type: 'button', class: 'button button--secondary', id: 'logo-set', onclick: chooseLogo }, settings.has_logo ? 'Choose another logo' : 'Choose a logo'),
        settings.has_logo ? h('button', { type: 'button', class: 'button button--secondary', id: 'logo-clear', onclick: clearLogo }, 'Remove the logo') : null));
  }

  async function chooseLogo() {
    replace(logoStatus);
    try {
      const path = await api.chooseImage('Choose a logo (PNG or JPEG)');
      if (!path) return;
      settings = { ...settings, ...(await api.cardLogoSet(path)) };
      drawLogo();
      replace(logoStatus, h('p', { class: 'flash__text' }, 'Logo saved'));
      focusElement(document.getElementById('logo-set'));
    } catch (err) {
      replace(logoStatus, h('p', { class: 'inline-error', id: 'logo-error' }, `The logo was not saved: ${sentence(err.message)}`));
    }
  }

  async function clearLogo() {
    replace(logoStatus);
    try {
      settings = { ...settings, ...(await api.cardLogoClear()) };
      drawLogo();
      replace(logoStatus, h('p', { class: 'flash__text' }, 'Logo removed'));
      focusElement(document.getElementById('logo-set'));
    } catch (err) {
      replace(logoStatus, h('p', { class: 'inline-error' }, sentence(err.message)));
    }
  }

  async function calibrate(event) {
    const button = event.currentTarget;
    const form = button.closest('form');
    const stock = form ? [...form.elements].find((el) => el.name === 'card_stock')?.value : null;
    button.disabled = true;
    replace(calibrationStatus);
    try {
      const done = await api.printCalibration(stock || null, `card-calibration-${fileName(stock || settings.card_stock || 'sheet')}.pdf`);
      if (done) replace(calibrationStatus, printedMessage(done, 'calibration'));
    } catch (err) {
      printFailed(calibrationStatus, err);
    } finally {
      button.disabled = false;
    }
  }

  drawLogo();
  const element = section('Cards', [
    logoBox,
    logoStatus,
    fields(CARD_FIELDS, settings, opts),
    h('div', { class: 'calibration' },
      h('p', { class: 'hint', id: 'calibration-hint' }, 'To find the printer’s offset: save the settings, print the calibration sheet at actual size (100%) on plain paper, hold it against a sheet of card stock, measure how far the outlines are from the cards, and enter that here.'),
      h('button', { type: 'button', class: 'button button--secondary', id: 'print-calibration', 'aria-describedby': 'calibration-hint', onclick: calibrate }, 'Print calibration sheet (PDF)'),
      calibrationStatus),
  ], { id: 'cards-settings', hint: 'How passports and young carer cards are printed.' });
  return { element, update: (saved) => { settings = { ...settings, ...saved }; drawLogo(); } };
}

// ---------------------------------------------------------------- what holders may ask for

/** One editor per type: each entry's wording, whether it is offered, and its order. */
export function asksPanel(kinds) {
  if (!kinds.length) return null;
  const forms = kinds.map((k) => asksForm(k));
  return h('section', { class: 'panel panel--quiet panel--wide', id: 'passport-asks', 'aria-labelledby': 'asks-title' },
    h('h2', { class: 'panel__title', id: 'asks-title' }, 'What holders may ask for'),
    h('p', { class: 'hint' }, 'For each type of passport, what its holders may ask for, printed on the back of the card. New passports start with the entries offered here ticked. An entry no longer offered stays on the passports that have it.'),
    forms);
}

function asksForm(first) {
  let info = first;
  const kind = info.kind;
  const list = h('ol', { class: 'asks-list', id: `asks-list-${kind}` });
  const status = h('p', { class: 'section-status', role: 'status', 'aria-live': 'polite', id: `asks-status-${kind}` });
  const form = h('form', { class: 'form asks-form', id: `asks-form-${kind}`, novalidate: true, dataset: { kind } },
    h('fieldset', { class: 'fieldset fieldset--inner asks-group', dataset: { field: 'asks', group: 'true' } },
      h('legend', { class: 'fieldset__legend' }, h('h3', { class: 'asks-form__title', id: `asks-title-${kind}` }, info.label)),
      list),
    h('div', { class: 'button-row' },
      h('button', { type: 'button', class: 'button button--secondary', id: `asks-add-${kind}`, onclick: add }, 'Add an entry'),
      h('button', { type: 'submit', class: 'button', id: `asks-save-${kind}` }, `Save the list for ${info.label.charAt(0).toLowerCase()}${info.label.slice(1)}s`)),
    status);

  function draw(items) {
    replace(list, items.map((item, i) => {
      const inputId = `asks-${kind}-${i}-label`;
      const offeredId = `asks-${kind}-${i}-offered`;
      const n = i + 1;
      return h('li', { class: 'asks-list__item', dataset: { id: item.id === null || item.id === undefined ? '' : String(item.id) } },
        h('div', { class: 'field asks-list__text', dataset: { field: `asks.${i}.label` } },
          h('label', { class: 'label', for: inputId }, `Entry ${n}`),
          h('input', { class: 'input', id: inputId, name: `asks.${i}.label`, type: 'text', value: item.label || '', autocomplete: 'off', spellcheck: 'true' })),
        h('div', { class: 'field field--checkbox asks-list__offered', dataset: { field: `asks.${i}.retired` } },
          h('div', { class: 'checkbox' },
            h('input', { class: 'checkbox__input', id: offeredId, name: `asks.${i}.offered`, type: 'checkbox', value: 'true', checked: !item.retired }),
            h('label', { class: 'checkbox__label', for: offeredId }, 'Offered', h('span', { class: 'visually-hidden' }, ` (entry ${n})`)))),
        h('div', { class: 'asks-list__move' },
          h('button', { type: 'button', class: 'button button--secondary button--small', disabled: i === 0, onclick: () => move(i, -1), id: `asks-${kind}-${i}-up` },
            'Up', h('span', { class: 'visually-hidden' }, `: move entry ${n} up`)),
          h('button', { type: 'button', class: 'button button--secondary button--small', disabled: i === items.length - 1, onclick: () => move(i, 1), id: `asks-${kind}-${i}-down` },
            'Down', h('span', { class: 'visually-hidden' }, `: move entry ${n} down`))));
    }));
  }

  function readAll() {
    return [.../** @type {HTMLCollectionOf<HTMLElement>} */ (list.children)].map((li, i) => {
      const label = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(`asks.${i}.label`));
      const offered = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(`asks.${i}.offered`));
      /** @type {{ label: string, retired: boolean, id?: number }} */
      const out = { label: label ? label.value : '', retired: offered ? !offered.checked : false };
      if (li.dataset.id) out.id = Number(li.dataset.id);
      return out;
    });
  }

  function add() {
    const items = readAll();
    items.push({ label: '', retired: false });
    draw(items);
    focusElement(list.lastElementChild.querySelector('input'));
  }

  function move(i, by) {
    const items = readAll();
    const j = i + by;
    if (j < 0 || j >= items.length) return;
    [items[i], items[j]] = [items[j], items[i]];
    draw(items);
    // Focus follows the entry that moved; its button may now be disabled, so fall back.
    const buttons = list.children[j].querySelectorAll('.asks-list__move button');
    const target = by < 0 ? buttons[0] : buttons[1];
    focusElement(target && !target.disabled ? target : list.children[j].querySelector('input'));
    status.textContent = `Entry moved to position ${j + 1}. Save the list to keep it.`;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(document);
    status.textContent = '';
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const saved = await api.passportAsksSave(kind, readAll());
      const entry = Array.isArray(saved) ? saved.find((k) => k.kind === kind) : saved;
      if (entry && Array.isArray(entry.asks)) info = entry;
      draw(info.asks);
      forgetKinds();
      flash(`The list for ${info.label.charAt(0).toLowerCase()}${info.label.slice(1)}s is saved`);
    } catch (err) {
      showErrors(form, mapErrors(form, err));
    } finally {
      button.disabled = false;
    }
  });

  draw(info.asks || []);
  return form;
}
