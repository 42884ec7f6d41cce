// @ts-check
// The checks of the register made at each sign-in (src-tauri/core/integrity.rs): whether its
// last changes were lost (at once) and SQLite's quick check (in the background: seconds on a
// large register, so the window does not wait for it). `watchRegisterCheck()` asks
// `session_status` until the background check is done; a problem is shown calmly, with what to
// do, in a notice that stays until it is hidden. The core has already written it to the audit
// trail.

import * as api from '../api.js';
import { h } from '../kit/dom.js';
import { sentence } from '../kit/format.js';

/** Each sign-in starts a new watch; an older one stops at its next look. */
let watch = 0;

export function watchRegisterCheck() {
  const mine = ++watch;
  let shown = 0;
  const look = async (delay) => {
    if (mine !== watch) return;
    let status;
    try {
      status = await api.sessionStatus();
    } catch {
      return;
    }
    if (!status || status.state !== 'open' || !status.register_check) return;
    const check = status.register_check;
    const findings = check.findings || [];
    if (findings.length > shown) {
      shown = findings.length;
      show(findings);
    }
    if (check.state === 'checking') setTimeout(() => look(Math.min(delay * 2, 10000)), delay);
  };
  look(1000);
}

/** @param {{code: string, message: string}[]} findings */
function show(findings) {
  const area = document.querySelector('.flash-area');
  if (!area) return;
  document.getElementById('register-check-warning')?.remove();
  const close = h('button', { type: 'button', class: 'button button--secondary button--small', id: 'register-check-close', onclick: () => notice.remove() }, 'Hide this message');
  const notice = h('div', { class: 'notice notice--warning', id: 'register-check-warning', role: 'alert', dataset: { codes: findings.map((f) => f.code).join(' ') } },
    h('p', { class: 'notice__title' }, 'Carers Desk found a problem with the register'),
    findings.map((f) => h('p', { class: 'register-check__finding', dataset: { code: f.code } }, sentence(f.message))),
    h('p', null, 'It is recorded in the audit trail.'),
    h('div', { class: 'button-row button-row--tight' }, close));
  area.append(notice);
}
