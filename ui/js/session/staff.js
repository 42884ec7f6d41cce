// @ts-check
// Staff accounts (#/settings/staff, administrators): who can sign in and what their role lets
// them see. Add an account with a first passphrase (the person changes it from "Your account"),
// change a name, role or school, switch an account off or on, set a new passphrase for
// someone who has forgotten theirs. The core refuses switching off yourself or leaving no
// active administrator; its message is shown beside the table.

import * as api from '../api.js';
import { h, append, replace, confirmDialog, focusElement } from '../kit/dom.js';
import { fields, read } from '../kit/fields.js';
import { formDialog } from '../kit/forms.js';
import { fieldWrapper } from '../kit/errors.js';
import { flash } from '../nav.js';
import { ROLE_LABELS, currentUser } from './session.js';
import { formatDate, sentence, plural } from '../kit/format.js';

/** What each role can do, in the words the page uses. */
export const ROLE_HINTS = {
  administrator: 'Everything: every record, settings, staff accounts, the audit trail and backups.',
  support_worker: 'Every carer’s record. Not settings or staff accounts.',
  school_staff: 'Only the young carers linked to their own school, and their agreed adjustments.',
  reporting: 'Counts and reports only, without names.',
};

const ROLE_ORDER = ['administrator', 'support_worker', 'school_staff', 'reporting'];
const PASSPHRASE_HINT = 'At least 10 characters. Three random words are a good passphrase, for example: kettle violet harbour.';

const NAME = { name: 'name', label: 'Full name', width: 'long', hint: 'Shown to colleagues and in the audit trail' };
const USERNAME = { name: 'username', label: 'Username', width: 'medium', hint: 'What they type to sign in, for example amy.shah: letters, digits, dots, dashes or underscores' };
const ROLE = { name: 'role', label: 'Role', type: 'choice', list: 'staff_role', blank: 'Choose a role' };
const SCHOOL = { name: 'school_id', label: 'School', type: 'choice', list: 'schools', blank: 'Choose their school', hint: 'School staff see only the young carers linked to this school' };
const PASSPHRASE = { name: 'passphrase', label: 'Passphrase', type: 'password', width: 'medium', autocomplete: 'new-password', hint: PASSPHRASE_HINT };
const PASSPHRASE_AGAIN = { name: 'passphrase_again', label: 'Passphrase again', type: 'password', width: 'medium', autocomplete: 'new-password' };

const ADD_FIELDS = [USERNAME, NAME, ROLE, SCHOOL, PASSPHRASE, PASSPHRASE_AGAIN];
const CHANGE_FIELDS = [NAME, ROLE, SCHOOL];
const SET_PASSPHRASE_FIELDS = [
  { ...PASSPHRASE, label: 'New passphrase', hint: `${PASSPHRASE_HINT} Give it to them in person; they can change it from “Your account”.` },
  { ...PASSPHRASE_AGAIN, label: 'New passphrase again' },
];

function roleText(member) {
  const role = ROLE_LABELS[member.role] || member.role;
  return member.role === 'school_staff' && member.school_name ? `${role}, ${member.school_name}` : role;
}

/**
 * @param {HTMLElement} main
 */
export async function render(main) {
  const [staff, schools] = await Promise.all([api.staffList(), api.schoolList().catch(() => [])]);
  const opts = {
    staff_role: ROLE_ORDER.map((code) => ({ code, label: ROLE_LABELS[code] })),
    schools: schools.map((s) => ({ code: String(s.id), label: s.name })),
  };
  const status = h('div', { class: 'staff__status', id: 'staff-status', role: 'status', 'aria-live': 'polite' });
  const listBox = h('div', { id: 'staff-list-box' });
  const addButton = h('button', { type: 'button', class: 'button', id: 'add-staff', onclick: () => addDialog() }, 'Add a member of staff');

  append(main,
    h('p', { class: 'back' }, h('a', { href: '#/settings' }, 'Back to settings')),
    h('div', { class: 'page-head' },
      h('h1', { class: 'page-title' }, 'Staff accounts'),
      addButton),
    h('p', { class: 'lead' }, 'Everyone who uses Carers Desk signs in with their own account. What they can see depends on their role; Carers Desk checks it on every action.'),
    h('dl', { class: 'details details--roles', id: 'role-list' }, ROLE_ORDER.map((code) => h('div', { class: 'details__row' },
      h('dt', null, ROLE_LABELS[code]), h('dd', null, ROLE_HINTS[code])))),
    status,
    listBox);
  showList(staff);

  async function reload(message, focusId) {
    const fresh = await api.staffList();
    showList(fresh);
    if (message) flash(message);
    if (focusId) focusElement(document.getElementById(focusId));
  }

  function showList(list) {
    const me = currentUser();
    replace(listBox, h('table', { class: 'table table--staff', id: 'staff-list' },
      h('caption', { class: 'visually-hidden' }, `Staff accounts (${plural(list.length, 'account')})`),
      h('thead', null, h('tr', null,
        ['Name', 'Username', 'Role', 'Status', 'Added'].map((t) => h('th', { scope: 'col' }, t)),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', null, list.map((m) => {
        const isMe = me && me.staff_id === m.id;
        return h('tr', { class: m.active ? null : 'row--closed', dataset: { staffId: String(m.id), username: m.username } },
          h('td', null, h('span', { class: 'staff__name' }, m.name), isMe ? h('span', { class: 'muted small block' }, 'You') : null),
          h('td', { class: 'mono' }, m.username),
          h('td', null, roleText(m)),
          h('td', null, m.active ? h('span', { class: 'badge badge--open' }, 'Active') : h('span', { class: 'badge badge--closed' }, 'Switched off'),
            keyWarning(m)),
          h('td', { class: 'nowrap' }, formatDate(m.created_at)),
          h('td', null, h('div', { class: 'button-row button-row--tight' },
            h('button', { type: 'button', class: 'button button--small button--secondary', id: `staff-change-${m.id}`, onclick: () => changeDialog(m) },
              'Change', h('span', { class: 'visually-hidden' }, ` ${m.name}`)),
            h('button', { type: 'button', class: 'button button--small button--secondary', id: `staff-passphrase-${m.id}`, onclick: () => passphraseDialog(m) },
              'New passphrase', h('span', { class: 'visually-hidden' }, ` for ${m.name}`)),
            isMe ? null : h('button', { type: 'button', class: 'button button--small button--secondary', id: `staff-active-${m.id}`, onclick: () => switchActive(m) },
              m.active ? 'Switch off' : 'Switch on', h('span', { class: 'visually-hidden' }, ` ${m.name}`)))));
      }))));
  }

  /**
   * An account the register's key cannot be given to when it is next changed (switching
   * someone off, setting a new passphrase): it has not signed in since this version came in,
   * or a change of key has already left it out.
   */
  function keyWarning(m) {
    if (m.key_warning === 'sign_in_first') {
      return h('span', { class: 'muted small block staff__key-warning', id: `staff-key-warning-${m.id}` },
        'Has not signed in since this version was installed: ask them to sign in once before you switch anyone off or set a new passphrase, or they will need a new passphrase too');
    }
    if (m.key_warning === 'new_passphrase') {
      return h('strong', { class: 'small block staff__key-warning', id: `staff-key-warning-${m.id}` },
        'Cannot sign in until you set a new passphrase: the register’s key was changed before they had signed in to this version');
    }
    return null;
  }

  /** Show the school field only for school staff. */
  function wireRole(form) {
    const role = form.querySelector('[name=role]');
    const school = fieldWrapper(form, 'school_id');
    const sync = () => { school.hidden = role.value !== 'school_staff'; };
    role.addEventListener('change', sync);
    sync();
  }

  function readStaff(form, specs) {
    const args = read(form, specs);
    if (args.school_id !== undefined) args.school_id = args.role === 'school_staff' && args.school_id ? Number(args.school_id) : null;
    if (typeof args.username === 'string') args.username = args.username.trim();
    return args;
  }

  function addDialog() {
    const { form } = formDialog({
      id: 'add-staff-dialog',
      title: 'Add a member of staff',
      intro: 'Choose a first passphrase and give it to them in person. They can change it from “Your account” once signed in.',
      fields: fields(ADD_FIELDS, {}, opts, 'staff-'),
      submitLabel: 'Add account',
      onSubmit: async (f) => {
        const saved = await api.staffCreate(readStaff(f, ADD_FIELDS));
        await reload(`Account added for ${saved.name}`, 'add-staff');
        return true;
      },
    });
    wireRole(form);
  }

  function changeDialog(member) {
    const record = { ...member, school_id: member.school_id ? String(member.school_id) : '' };
    const { form } = formDialog({
      id: 'change-staff-dialog',
      title: `Change ${member.name}’s account`,
      fields: fields(CHANGE_FIELDS, record, opts, 'staff-'),
      submitLabel: 'Save changes',
      onSubmit: async (f) => {
        const saved = await api.staffUpdate({ id: member.id, ...readStaff(f, CHANGE_FIELDS) });
        await reload(`Saved ${saved.name}’s account`, `staff-change-${member.id}`);
        return true;
      },
    });
    wireRole(form);
  }

  function passphraseDialog(member) {
    formDialog({
      id: 'staff-passphrase-dialog',
      title: `Set a new passphrase for ${member.name}`,
      intro: 'For someone who has forgotten theirs. Their old passphrase stops working.',
      fields: fields(SET_PASSPHRASE_FIELDS, {}, {}, 'staff-'),
      submitLabel: 'Set passphrase',
      onSubmit: async (f) => {
        const args = read(f, SET_PASSPHRASE_FIELDS);
        await api.staffSetPassphrase(member.id, args.passphrase, args.passphrase_again);
        flash(`New passphrase set for ${member.name}`);
        return true;
      },
    });
  }

  async function switchActive(member) {
    const on = !member.active;
    const yes = await confirmDialog({
      title: on ? `Switch ${member.name}’s account on?` : `Switch ${member.name}’s account off?`,
      message: on
        ? 'They will be able to sign in again with their passphrase.'
        : 'They will not be able to sign in. Their name stays on what they recorded and in the audit trail. You can switch the account on again.',
      confirmLabel: on ? 'Switch on' : 'Switch off',
      danger: !on,
    });
    if (!yes) return;
    replace(status);
    try {
      await api.staffUpdate({ id: member.id, active: on });
      await reload(on ? `${member.name} can sign in again` : `${member.name}’s account is switched off`, `staff-active-${member.id}`);
    } catch (err) {
      const messages = err.errors?.length ? err.errors.map((e) => e.message) : [err.message];
      replace(status, h('p', { class: 'inline-error', id: 'staff-error' }, messages.map(sentence).join(' ')));
    }
  }
}
