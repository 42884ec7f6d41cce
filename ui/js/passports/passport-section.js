// @ts-check
// "Passports and cards" on a carer's record: the carer's passports and young carer cards,
// newest first (number, type, status, valid until), each linking to its page, and "Issue a
// passport or card".

import * as api from '../api.js';
import { h, replace } from '../kit/dom.js';
import { formatDate, sentence } from '../kit/format.js';
import { passportBadge } from '../kit/tags.js';

export function passportsSection({ getRecord }) {
  const list = h('div', { id: 'passport-list' });
  const issue = h('a', { class: 'button button--secondary', id: 'issue-passport', href: `#/carers/${getRecord().id}/passports/new` }, 'Issue a passport or card');
  const buttons = h('div', { class: 'button-row' }, issue);
  const closedHint = h('p', { class: 'hint' }, 'This record is closed. Reopen it to issue a passport or card.');
  const element = h('section', { class: 'record-section', id: 'passports', 'aria-labelledby': 'passports-title' },
    h('h2', { class: 'section-title', id: 'passports-title' }, 'Passports and cards'),
    list, buttons, closedHint);

  async function refresh() {
    const record = getRecord();
    const closed = record.status === 'closed';
    buttons.hidden = closed;
    closedHint.hidden = !closed;
    try {
      draw(await api.passportList(record.id));
    } catch (err) {
      replace(list, h('p', { class: 'inline-error' }, sentence(err.message)));
    }
  }

  function draw(items) {
    if (!items.length) {
      replace(list, h('p', { class: 'muted' }, 'No passports or cards issued yet.'));
      return;
    }
    replace(list, h('table', { class: 'table table--passports' },
      h('caption', { class: 'visually-hidden' }, 'Passports and cards, newest first'),
      h('thead', null, h('tr', null, ['Number', 'Type', 'Status', 'Valid until'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((p) => h('tr', { class: p.status === 'active' ? null : 'row--closed', dataset: { passportId: String(p.id), status: p.status } },
        h('td', null, h('a', { href: `#/passports/${p.id}`, class: 'result-link passport-number' }, p.number)),
        h('td', null, p.kind_label),
        h('td', null, passportBadge(p)),
        h('td', { class: 'nowrap' }, formatDate(p.valid_until)))))));
  }

  refresh();
  return { element, refresh };
}
