// @ts-check
// Records past retention (#/retention, administrators): closed carer records kept longer than
// the retention setting allows, and cared-for people's records likewise, for an administrator to
// review and anonymise. Each links to its record; "Anonymise…" asks for the reference to be
// typed.

import * as api from '../api.js';
import { h, append, replace, focusElement } from '../kit/dom.js';
import { flash } from '../nav.js';
import { formatDate, plural, sentence } from '../kit/format.js';
import { adminOnly, anonymiseDialog, safetyNav } from './safety-parts.js';

/**
 * @param {HTMLElement} main
 */
export async function render(main) {
  if (!(await adminOnly(main, 'Records past retention'))) return null;
  const opts = await api.options().catch(() => ({}));
  const intro = h('p', { class: 'lead', id: 'retention-intro' });
  const carersBox = h('section', { class: 'record-section', id: 'retention-carers', 'aria-labelledby': 'retention-carers-title' });
  const caredForBox = h('section', { class: 'record-section', id: 'retention-cared-for', 'aria-labelledby': 'retention-cared-for-title' });

  async function load() {
    const due = await api.retentionDue();
    replace(intro,
      `Closed carer records are kept for ${plural(Number(due.carer_years), 'year')} after they were closed, and cared-for people’s records for ${plural(Number(due.cared_for_years), 'year')}. `,
      'The records below are past that time. Review each one: anonymise it, unless there is a reason to keep it longer (for example a complaint or a safeguarding matter). ',
      h('a', { href: '#/settings?show=data-safety' }, 'Change how long records are kept'), '.');
    const carers = due.carers || [];
    const caredFor = due.cared_for || [];
    replace(carersBox,
      h('h2', { class: 'section-title', id: 'retention-carers-title' }, `Carers (${carers.length})`),
      carers.length
        ? h('table', { class: 'table table--retention', id: 'retention-carers-table' },
          h('caption', { class: 'visually-hidden' }, 'Closed carer records past retention, longest overdue first'),
          h('thead', null, h('tr', null, ['Reference', 'Name', 'Closed', 'Why it was closed', 'Due for review since', ''].map((t, i) => h('th', { scope: 'col' }, i === 5 ? h('span', { class: 'visually-hidden' }, 'Actions') : t)))),
          h('tbody', null, carers.map((c) => h('tr', { dataset: { carerId: String(c.id), reference: c.reference } },
            h('th', { scope: 'row', class: 'nowrap' }, h('a', { href: `#/carers/${c.id}`, class: 'result-link record-ref' }, c.reference)),
            h('td', null, h('a', { href: `#/carers/${c.id}` }, c.name)),
            h('td', { class: 'nowrap' }, formatDate(c.closed_date)),
            h('td', null, c.closed_reason_label || reasonWords(opts, c.closed_reason)),
            h('td', { class: 'nowrap' }, formatDate(c.due_on)),
            h('td', { class: 'nowrap' }, h('button', {
              type: 'button', class: 'button button--secondary button--small retention-anonymise',
              'aria-label': `Anonymise ${c.name} (${c.reference})`,
              onclick: () => anonymise('carer', c),
            }, 'Anonymise…'))))))
        : h('p', { class: 'muted', id: 'retention-carers-none' }, 'No closed carer record is past retention.'));
    replace(caredForBox,
      h('h2', { class: 'section-title', id: 'retention-cared-for-title' }, `Cared-for people (${caredFor.length})`),
      caredFor.length
        ? h('table', { class: 'table table--retention', id: 'retention-cared-for-table' },
          h('caption', { class: 'visually-hidden' }, 'Cared-for people’s records past retention, longest overdue first'),
          h('thead', null, h('tr', null, ['Reference', 'Name', 'Due for review since', ''].map((t, i) => h('th', { scope: 'col' }, i === 3 ? h('span', { class: 'visually-hidden' }, 'Actions') : t)))),
          h('tbody', null, caredFor.map((p) => h('tr', { dataset: { caredForId: String(p.id), reference: p.reference || '' } },
            h('th', { scope: 'row', class: 'nowrap' }, h('a', { href: `#/cared-for/${p.id}`, class: 'result-link record-ref' }, p.reference || `Person ${p.id}`)),
            h('td', null, h('a', { href: `#/cared-for/${p.id}` }, p.name)),
            h('td', { class: 'nowrap' }, formatDate(p.due_on)),
            h('td', { class: 'nowrap' }, h('button', {
              type: 'button', class: 'button button--secondary button--small retention-anonymise',
              'aria-label': `Anonymise ${p.name} (${p.reference || p.id})`,
              onclick: () => anonymise('cared_for', p),
            }, 'Anonymise…'))))))
        : h('p', { class: 'muted', id: 'retention-cared-for-none' }, 'No cared-for person’s record is past retention.'));
  }

  function anonymise(kind, r) {
    anonymiseDialog({
      kind,
      id: r.id,
      reference: r.reference,
      name: r.name,
      onDone: async (result) => {
        await load();
        flash(`${result?.reference || r.reference} anonymised`);
        focusElement(main.querySelector(kind === 'carer' ? '#retention-carers-title' : '#retention-cared-for-title'));
      },
    });
  }

  append(main,
    safetyNav('retention'),
    h('h1', { class: 'page-title' }, 'Records past retention'),
    intro,
    carersBox,
    caredForBox);
  await load();
  return null;
}

/** A close-reason code in words, from the choice list (the code itself if it is not there). */
function reasonWords(opts, code) {
  if (!code) return '';
  const label = api.labelFor(opts, 'close_reason', code);
  return label === code ? sentence(String(code).replace(/_/g, ' ')) : label;
}
