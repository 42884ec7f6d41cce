// @ts-check
// Your account (#/account, everyone): who you are signed in as, changing your own passphrase,
// and how locking and hiding the screen work.

import * as api from '../api.js';
import { h, append, focusElement } from '../kit/dom.js';
import { fields, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { flash } from '../nav.js';
import { currentUser, ROLE_LABELS, HIDE_SHORTCUT } from './session.js';
import { plural } from '../kit/format.js';

const CHANGE_FIELDS = [
  { name: 'current', label: 'Your passphrase now', type: 'password', width: 'medium', autocomplete: 'current-password' },
  { name: 'passphrase', label: 'New passphrase', type: 'password', width: 'medium', autocomplete: 'new-password', hint: 'At least 10 characters. Three random words are a good passphrase, for example: kettle violet harbour. Not your username.' },
  { name: 'passphrase_again', label: 'New passphrase again', type: 'password', width: 'medium', autocomplete: 'new-password' },
];

/**
 * @param {HTMLElement} main
 */
export async function render(main) {
  const me = currentUser() || {};
  const status = await api.sessionStatus().catch(() => null);
  const minutes = status?.auto_lock_minutes ?? 10;
  const form = h('form', { class: 'form form--panel', id: 'passphrase-form', novalidate: true },
    h('h2', { class: 'panel-form__title', id: 'passphrase-title' }, 'Change your passphrase'),
    fields(CHANGE_FIELDS, {}, {}, 'account-'),
    formButtons('Change passphrase', { submitId: 'change-passphrase' }));
  onSubmit(form, async () => {
    await api.passphraseChange(read(form, CHANGE_FIELDS));
    form.reset();
    flash('Your passphrase is changed. Use the new one next time you sign in.');
    focusElement(main.querySelector('h1'));
  }, { busyLabel: 'Changing…' });

  const rows = [
    ['Name', me.name],
    ['Username', me.username],
    ['Role', ROLE_LABELS[me.role] || me.role],
    me.role === 'school_staff' ? ['School', me.school_name || 'Not set: ask an administrator'] : null,
  ].filter((r) => r && r[1]);

  append(main,
    h('h1', { class: 'page-title' }, 'Your account'),
    h('dl', { class: 'details details-section', id: 'account-details' }, rows.map(([k, v]) => h('div', { class: 'details__row' },
      h('dt', null, k), h('dd', null, v)))),
    form,
    h('section', { class: 'panel panel--quiet', 'aria-labelledby': 'locking-title' },
      h('h2', { class: 'panel__title', id: 'locking-title' }, 'Locking and hiding the screen'),
      h('ul', null,
        h('li', null, `Carers Desk locks itself after ${plural(minutes, 'minute')} without use. What you were typing stays, ready for when you sign in again.`),
        h('li', null, '“Lock” at the top of the page locks it now. Do this whenever you leave the desk.'),
        h('li', null, `“Hide screen”, or ${HIDE_SHORTCUT}, blanks the window at once and locks it: for when someone comes up to your desk.`),
        h('li', null, '“Sign out” ends your session: anything not saved is dropped.'))));
}
