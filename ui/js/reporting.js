// The home page of a reporting account (#/reports): counts and reports only, never names, so
// the register's home page (which lists recently viewed people) is not for them.

import { h, append } from './dom.js';
import { currentUser } from './session.js';

export async function render(main) {
  const me = currentUser();
  append(main,
    h('h1', { class: 'page-title' }, 'Counts and reports'),
    h('p', { class: 'lead', id: 'reporting-only' }, 'Your account can see counts and reports, without names or anyone’s record.'),
    h('p', null, 'If you need to see people’s records, ask an administrator to change your account’s role.'),
    me ? h('p', { class: 'muted' }, `Signed in as ${me.name}.`) : null);
}
