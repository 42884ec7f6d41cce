// @ts-check
// Passports (#/passports): look up a passport number (typed, or the text of the card's QR code
// pasted in) to see whose it is and whether it is valid today; the passports expiring in the
// next 30 days; and printing many cards at once (issued between two dates, or those ticked in
// the expiring list) with a progress bar. `?list=expiring` puts focus on the expiring list.

import * as api from '../api.js';
import { h, append, replace } from '../kit/dom.js';
import { formatDate, plural, sentence } from '../kit/format.js';
import { onSubmit } from '../kit/forms.js';
import { fields, read, radioField, selectField, readChoice } from '../kit/fields.js';
import { clearErrors, showErrors } from '../kit/errors.js';
import { passportBadge } from '../kit/tags.js';
import { validityText, expiresIn, dateArg, printChoices, readPrintChoices, printedMessage, printFailed } from './passport-parts.js';
import { detailRow } from '../kit/details.js';

const EXPIRING_DAYS = 30;

const LOOKUP = [
  { name: 'text', label: 'Passport number, or the text of its QR code', type: 'textarea', rows: 2, hint: 'For example, CP-004217-F. Capitals, spaces and dashes do not matter.' },
];

const RANGE = [
  { name: 'from', row: 'range', label: 'Issued from', type: 'date', width: 'date' },
  { name: 'to', row: 'range', label: 'Issued to', type: 'date', width: 'date' },
];

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { query }) {
  const [opts, settings] = await Promise.all([api.options(), api.settingsGet().catch(() => ({}))]);
  const chosen = new Set();

  // ------------------------------------------------------------ look up
  const result = h('div', { id: 'lookup-result', role: 'status', 'aria-live': 'polite' });
  const lookupForm = h('form', { id: 'lookup-form', class: 'form lookup-form', novalidate: true },
    fields(LOOKUP, {}, {}, 'lookup-'),
    h('div', { class: 'button-row' }, h('button', { type: 'submit', class: 'button', id: 'lookup-submit' }, 'Look up')));
  const lookupInput = lookupForm.querySelector('textarea');
  lookupInput.dataset.autofocus = 'true';
  lookupInput.classList.add('textarea--short');
  // Enter looks up (a QR scanner "types" the text and presses Enter); Shift+Enter adds a line.
  lookupInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      lookupForm.requestSubmit();
    }
  });
  onSubmit(lookupForm, async () => {
    const answer = await api.passportLookup(read(lookupForm, LOOKUP).text);
    drawLookup(answer);
  }, { busyLabel: 'Looking up…' });

  function drawLookup(answer) {
    const q = answer.passport;
    if (!answer.found || !q) {
      replace(result, h('div', { class: 'notice notice--error lookup-answer', id: 'lookup-answer', dataset: { found: 'false' } },
        h('p', { class: 'notice__title' }, answer.number ? `${answer.number}: not found` : 'Not found'),
        h('p', null, sentence(answer.message || 'no passport has this number: check it and try again'))));
      return;
    }
    const valid = q.valid_today === true;
    replace(result, h('div', { class: ['notice', 'lookup-answer', valid ? 'notice--valid' : 'notice--error'], id: 'lookup-answer', dataset: { found: 'true', valid: String(valid) } },
      h('p', { class: 'lookup-answer__verdict', id: 'lookup-verdict' }, valid ? `${q.number} is valid today` : `${q.number} is not valid today`),
      h('p', null, sentence(answer.message || validityText(q))),
      h('dl', { class: 'details details--compact' },
        detailRow('Holder', h('a', { href: `#/carers/${q.carer_id}`, id: 'lookup-holder' }, `${q.holder_name} (${q.carer_reference})`)),
        detailRow('Type', q.kind_label),
        detailRow('Status', [passportBadge(q), ' ', validityText(q)]),
        q.replaced_by ? detailRow('Replaced by', h('a', { href: `#/passports/${q.replaced_by.id}` }, q.replaced_by.number)) : null),
      h('p', null, h('a', { href: `#/passports/${q.id}`, id: 'lookup-open' }, `Open ${q.number}`))));
  }

  // ------------------------------------------------------------ expiring
  const expiring = h('div', { id: 'expiring-list' });
  const chosenCount = h('span', { id: 'chosen-count' });

  async function loadExpiring() {
    let items;
    try {
      items = await api.passportsExpiring(EXPIRING_DAYS);
    } catch (err) {
      replace(expiring, h('p', { class: 'inline-error' }, sentence(err.message)));
      return;
    }
    chosen.clear();
    updateChosen();
    if (!items.length) {
      replace(expiring, h('p', { class: 'muted', id: 'expiring-empty' }, `No active passport expires in the next ${EXPIRING_DAYS} days.`));
      return;
    }
    const all = h('input', {
      type: 'checkbox', class: 'checkbox__input', id: 'choose-all', 'aria-label': 'Choose every passport in this list for printing',
      onchange: (event) => {
        expiring.querySelectorAll('input[name=choose]').forEach((box) => { box.checked = event.target.checked; toggle(box); });
      },
    });
    replace(expiring,
      h('p', { class: 'muted' }, `${plural(items.length, 'passport')}, soonest first.`),
      h('table', { class: 'table table--passports table--expiring', id: 'expiring-table' },
        h('caption', { class: 'visually-hidden' }, `Active passports expiring in the next ${EXPIRING_DAYS} days, soonest first`),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col', class: 'table__choose' }, all),
          ['Number', 'Holder', 'Type', 'Valid until'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, items.map((q) => h('tr', { dataset: { passportId: String(q.id) } },
          h('td', { class: 'table__choose' }, h('input', {
            type: 'checkbox', class: 'checkbox__input', name: 'choose', value: String(q.id), id: `choose-${q.id}`,
            'aria-label': `Choose ${q.number} (${q.holder_name}) for printing`, onchange: (event) => toggle(event.target),
          })),
          h('td', null, h('a', { href: `#/passports/${q.id}`, class: 'result-link passport-number' }, q.number)),
          h('td', null, h('a', { href: `#/carers/${q.carer_id}` }, q.holder_name)),
          h('td', null, q.kind_label),
          h('td', { class: 'nowrap' }, formatDate(q.valid_until), h('span', { class: 'muted small block' }, expiresIn(q.expires_in_days))))))));
  }

  function toggle(box) {
    if (box.checked) chosen.add(Number(box.value));
    else chosen.delete(Number(box.value));
    updateChosen();
  }

  function updateChosen() {
    chosenCount.textContent = chosen.size ? ` (${plural(chosen.size, 'passport')} ticked)` : ' (none ticked yet)';
  }

  // ------------------------------------------------------------ batch print
  const progress = h('progress', { id: 'batch-progress', class: 'progress-bar', max: '1', value: '0', 'aria-labelledby': 'batch-progress-label' });
  const progressText = h('p', { class: 'progress-text', id: 'batch-progress-label' }, '');
  const progressBox = h('div', { class: 'batch-progress', hidden: true }, progressText, progress);
  const printStatus = h('div', { class: 'print-status', id: 'batch-print-status', role: 'status', 'aria-live': 'polite' });
  const which = radioField('which', 'Which passports?', [
    { code: 'range', label: 'Those issued between two dates' },
    { code: 'chosen', label: 'Those ticked in the expiring list' },
  ], 'range', { inline: false });
  which.querySelector('label[for="which-chosen"]').append(chosenCount);
  const rangeBox = h('div', { class: 'conditional', id: 'batch-range' },
    h('div', { class: 'form__row' }, fields(RANGE, {}, {}, 'batch-')),
    selectField('kind', 'Type', opts.passport_kinds || [], '', { blank: 'All types', width: 'medium' }));
  const batchForm = h('form', { id: 'batch-form', class: 'form', novalidate: true },
    h('p', { class: 'hint' }, 'Only active passports are printed: revoked, replaced and expired ones are left out and named.'),
    which,
    rangeBox,
    printChoices({ stocks: opts.card_stocks || [], stock: settings.card_stock, cropMarks: settings.card_crop_marks, prefix: 'batch-' }),
    h('div', { class: 'button-row' }, h('button', { type: 'submit', class: 'button', id: 'batch-print' }, 'Print to PDF')),
    progressBox);
  which.addEventListener('change', () => {
    rangeBox.hidden = which.querySelector('input:checked')?.value !== 'range';
  });

  batchForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = batchForm.querySelector('#batch-print');
    if (button.disabled) return;
    clearErrors(document);
    replace(printStatus);
    const args = readPrintChoices(batchForm);
    let name;
    if (which.querySelector('input:checked')?.value === 'chosen') {
      if (!chosen.size) {
        showErrors(batchForm, { code: 'validation', message: '', errors: [{ field: 'which', message: 'tick the passports to print in the expiring list, or choose a date range' }] });
        return;
      }
      args.ids = [...chosen];
      name = `passports-${args.ids.length}-cards.pdf`;
    } else {
      const range = read(batchForm, RANGE);
      args.from = dateArg(range.from);
      args.to = dateArg(range.to);
      const kind = readChoice(batchForm, 'kind');
      if (kind) args.kind = kind;
      name = `passports-issued-${args.from || 'start'}-to-${args.to || 'end'}.pdf`;
    }
    button.disabled = true;
    progress.max = 1;
    progress.value = 0;
    progressText.textContent = 'Preparing the cards…';
    progressBox.hidden = false;
    try {
      const done = await api.printPassports(args, name, ({ done: n, total }) => {
        progress.max = Math.max(total, 1);
        progress.value = Math.min(n, progress.max);
        progressText.textContent = `${n.toLocaleString('en-GB')} of ${plural(total, 'card')} drawn`;
      });
      if (!done) { progressBox.hidden = true; return; }
      progress.value = progress.max;
      progressText.textContent = `${plural(done.cards ?? 0, 'card')} drawn`;
      replace(printStatus, printedMessage(done, 'batch-print'));
    } catch (err) {
      progressBox.hidden = true;
      if (err && (err.field || err.errors?.length)) showErrors(batchForm, err);
      else printFailed(printStatus, err);
    } finally {
      button.disabled = false;
    }
  });

  append(main,
    h('h1', { class: 'page-title' }, 'Passports and cards'),
    h('p', { class: 'lead' }, 'Check a passport someone shows you, see which are due for renewal, and print cards in batches. Passports are issued from a carer’s record.'),
    h('section', { class: 'record-section', id: 'lookup', 'aria-labelledby': 'lookup-title' },
      h('h2', { class: 'section-title', id: 'lookup-title' }, 'Check a passport'),
      lookupForm, result),
    h('section', { class: 'record-section', id: 'expiring', 'aria-labelledby': 'expiring-title' },
      h('h2', { class: 'section-title', id: 'expiring-title', tabindex: '-1' }, `Expiring in the next ${EXPIRING_DAYS} days`),
      expiring),
    h('section', { class: 'record-section', id: 'batch', 'aria-labelledby': 'batch-title' },
      h('h2', { class: 'section-title', id: 'batch-title' }, 'Print cards'),
      batchForm, printStatus));

  await loadExpiring();
  if (query?.get('list') === 'expiring') {
    delete lookupInput.dataset.autofocus;
    main.querySelector('#expiring-title').dataset.autofocus = 'true';
  }
  return null;
}

