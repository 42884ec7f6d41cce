// @ts-check
// The lock screen: signing in (at start, after "Lock", after the idle minutes, after "Hide
// screen") and resetting a forgotten passphrase with the recovery key. It is a full-window modal
// <dialog> that shows nothing from the page underneath: the page is left as it was, out of reach
// (inert) until someone signs in. session.js decides what happens then.

import * as api from '../api.js';
import { h, replace } from '../kit/dom.js';
import { fields, read } from '../kit/fields.js';
import { showErrors, clearErrors } from '../kit/errors.js';
import { sentence, plural } from '../kit/format.js';

/** Where the organisation's name is kept on this computer for the sign-in screen. */
export const ORGANISATION_KEY = 'carers-desk.organisation';

const ROLE_WORDS = {
  administrator: 'administrator',
  support_worker: 'support worker',
  school_staff: 'school staff',
  reporting: 'reporting',
};

const RECOVER_FIELDS = [
  { name: 'recovery_key', label: 'Recovery key', width: 'long', hint: 'The 8 groups of 4 letters and numbers written down when Carers Desk was set up. Dashes and spaces do not matter.', autocomplete: 'off' },
  { name: 'username', label: 'Username', width: 'medium', autocomplete: 'username' },
  { name: 'passphrase', label: 'New passphrase', type: 'password', width: 'medium', autocomplete: 'new-password', hint: 'At least 10 characters. Three random words are a good passphrase, for example: kettle violet harbour.' },
  { name: 'passphrase_again', label: 'New passphrase again', type: 'password', width: 'medium', autocomplete: 'new-password' },
];

/** What the lock screen says about why it is showing. */
function reasonText(reason, minutes) {
  switch (reason) {
    case 'idle': return `Carers Desk locked itself after ${plural(minutes, 'minute')} without use. Sign in to carry on where you were.`;
    case 'hide': return 'The screen is hidden and Carers Desk is locked. Sign in to carry on where you were.';
    case 'lock': return 'Carers Desk is locked. Sign in to carry on where you were.';
    case 'elsewhere': return 'Carers Desk was locked. Sign in to go on.';
    default: return 'Sign in with your username and passphrase.';
  }
}

/**
 * Cover the window with the lock screen. `status` is a session_status (username to suggest,
 * demo accounts, a pause after wrong passphrases). Returns { done, update(status), close() }:
 * `done` resolves with the open status once someone has signed in (or reset their passphrase).
 */
export function openLockScreen({ status, reason = 'startup', minutes = 10 }) {
  let resolveDone;
  const done = new Promise((resolve) => { resolveDone = resolve; });
  let finished = false;
  let waitTimer = null;
  let busy = false;

  // ---- sign in
  const usernameInput = h('input', {
    id: 'sign-in-username', name: 'username', type: 'text', class: 'input input--medium',
    autocomplete: 'username', spellcheck: 'false', autocapitalize: 'none', value: status.last_username || '',
  });
  const passphraseInput = h('input', {
    id: 'sign-in-passphrase', name: 'passphrase', type: 'password', class: 'input input--medium',
    autocomplete: 'current-password', 'aria-describedby': 'sign-in-passphrase-hint',
  });
  const signInButton = h('button', { type: 'submit', class: 'button button--large', id: 'sign-in' }, 'Sign in');
  const formError = h('p', { class: 'inline-error', id: 'sign-in-error', role: 'alert', hidden: true });
  const waitText = h('p', { class: 'lock-screen__wait', id: 'sign-in-wait', hidden: true });
  const announcer = h('p', { class: 'visually-hidden', id: 'sign-in-announce', role: 'status', 'aria-live': 'polite' });
  const signInForm = h('form', { class: 'form lock-screen__form', id: 'sign-in-form', novalidate: true },
    formError,
    h('div', { class: 'field', dataset: { field: 'username' } },
      h('label', { class: 'label', for: 'sign-in-username' }, 'Username'),
      usernameInput),
    h('div', { class: 'field', dataset: { field: 'passphrase' } },
      h('label', { class: 'label', for: 'sign-in-passphrase' }, 'Passphrase'),
      h('p', { class: 'hint', id: 'sign-in-passphrase-hint' }, 'Check Caps Lock is off.'),
      passphraseInput),
    waitText,
    announcer,
    h('div', { class: 'button-row' },
      signInButton,
      h('button', { type: 'button', class: 'link-button', id: 'forgotten-passphrase', onclick: () => showRecover() }, 'Forgotten your passphrase?')));

  // ---- forgotten passphrase
  const recoverForm = h('form', { class: 'form lock-screen__form', id: 'recover-form', novalidate: true },
    fields(RECOVER_FIELDS, { username: status.last_username || '' }, {}, 'recover-'),
    h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: 'button', id: 'recover-submit' }, 'Set the new passphrase and sign in'),
      h('button', { type: 'button', class: 'button button--secondary', id: 'recover-back', onclick: () => showSignIn() }, 'Back to sign in')));
  const recoverKey = recoverForm.querySelector('[name=recovery_key]');
  recoverKey.classList.add('input--mono');
  recoverKey.setAttribute('autocapitalize', 'characters');
  const recoverPart = h('section', { class: 'lock-screen__recover', id: 'recover', 'aria-labelledby': 'recover-title', hidden: true },
    h('h2', { class: 'lock-screen__subtitle', id: 'recover-title' }, 'Forgotten your passphrase?'),
    h('p', null, 'Use the recovery key written down when Carers Desk was set up to choose a new passphrase. Ask your administrator for it: it is kept away from the computer.'),
    h('p', { class: 'hint' }, 'An administrator can also set a new passphrase for you from Settings, Staff accounts.'),
    recoverForm);

  const demoPart = h('section', { class: 'lock-screen__demo', id: 'demo-accounts', 'aria-labelledby': 'demo-accounts-title', hidden: true });

  const reasonEl = h('p', { class: 'lock-screen__reason', id: 'lock-reason' }, reasonText(reason, minutes));
  const orgEl = h('p', { class: 'lock-screen__org', id: 'lock-organisation' }, status.organisation || rememberedOrganisation());
  const signInPart = h('div', { id: 'sign-in-part' }, reasonEl, signInForm);
  const dialog = h('dialog', { class: 'lock-screen', id: 'lock-screen', 'aria-labelledby': 'lock-title', dataset: { reason } },
    h('div', { class: 'lock-screen__panel' },
      h('p', { class: 'lock-screen__brand' }, 'Carers Desk'),
      orgEl,
      h('h1', { class: 'lock-screen__title', id: 'lock-title', tabindex: '-1' }, reason === 'startup' ? 'Sign in' : 'Carers Desk is locked'),
      signInPart,
      recoverPart,
      demoPart));

  // Escape must not reveal the page: the only way out is signing in.
  dialog.addEventListener('cancel', (event) => event.preventDefault());
  dialog.addEventListener('close', () => { if (!finished) dialog.showModal(); });

  signInForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy || waitTimer) return;
    clearSignInErrors();
    const username = usernameInput.value.trim();
    if (!username) { fieldError('username', 'enter your username'); return; }
    if (!passphraseInput.value) { fieldError('passphrase', 'enter your passphrase'); return; }
    busy = true;
    signInButton.disabled = true;
    signInButton.textContent = 'Signing in…';
    try {
      const next = await api.sessionUnlock(username, passphraseInput.value);
      finish(next);
    } catch (err) {
      signInButton.textContent = 'Sign in';
      signInButton.disabled = false;
      showSignInError(err);
      // A pause after wrong passphrases: the status says how long.
      try {
        const now = await api.sessionStatus(username);
        if (now.retry_after_seconds > 0) startWait(now.retry_after_seconds);
      } catch { /* the message already says what to do */ }
    } finally {
      busy = false;
    }
  });

  recoverForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    const button = recoverForm.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      clearErrors(dialog);
      const args = read(recoverForm, RECOVER_FIELDS);
      args.username = args.username.trim();
      const next = await api.sessionRecover(args);
      finish(next);
    } catch (err) {
      showErrors(recoverForm, err);
    } finally {
      busy = false;
      button.disabled = false;
    }
  });

  function finish(next) {
    if (finished) return;
    finished = true;
    passphraseInput.value = '';
    recoverForm.querySelectorAll('input').forEach((el) => { el.value = ''; });
    if (waitTimer) clearInterval(waitTimer);
    resolveDone(next);
  }

  function clearSignInErrors() {
    formError.hidden = true;
    formError.textContent = '';
    clearErrors(signInForm);
  }

  /** A message beside a field (the same markup as forms.js), announced, with focus on the field. */
  function fieldError(name, message) {
    const wrapper = signInForm.querySelector(`[data-field="${name}"]`);
    const input = name === 'username' ? usernameInput : passphraseInput;
    const id = `error-sign-in-${name}`;
    wrapper.classList.add('field--error');
    (wrapper.querySelector('.hint') || wrapper.querySelector('label')).after(h('p', { class: 'field-error', id, role: 'alert' },
      h('span', { class: 'visually-hidden' }, 'Error: '), sentence(message)));
    input.setAttribute('aria-invalid', 'true');
    const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    input.setAttribute('aria-describedby', [...ids, id].join(' '));
    input.focus();
    input.select();
  }

  function showSignInError(err) {
    if (err.field === 'username' || err.field === 'passphrase') {
      fieldError(err.field, err.message);
      return;
    }
    formError.textContent = sentence(err.message || 'sign-in did not work: try again');
    formError.hidden = false;
    passphraseInput.focus();
  }

  /**
   * Sign-in is paused after wrong passphrases: the button waits, the time left is shown, and
   * a screen reader hears when it starts and when it is over (not every second).
   */
  function startWait(seconds) {
    if (waitTimer) clearInterval(waitTimer);
    const until = Date.now() + seconds * 1000;
    signInButton.disabled = true;
    waitText.hidden = false;
    const left = () => Math.max(0, Math.ceil((until - Date.now()) / 1000));
    const show = () => { waitText.textContent = `You can try again in ${plural(left(), 'second')}.`; };
    show();
    announcer.textContent = `Sign-in is paused. You can try again in ${plural(seconds, 'second')}.`;
    let lastSaid = seconds;
    waitTimer = setInterval(() => {
      const n = left();
      if (n <= 0) {
        clearInterval(waitTimer);
        waitTimer = null;
        waitText.hidden = true;
        signInButton.disabled = false;
        announcer.textContent = 'You can try signing in again now.';
        return;
      }
      show();
      // A long pause is mentioned again each minute, no more often.
      if (lastSaid - n >= 60) { lastSaid = n; announcer.textContent = `You can try again in ${plural(n, 'second')}.`; }
    }, 1000);
  }

  function showRecover() {
    const name = usernameInput.value.trim();
    const recoverUser = recoverForm.querySelector('[name=username]');
    if (name && !recoverUser.value) recoverUser.value = name;
    signInPart.hidden = true;
    recoverPart.hidden = false;
    recoverKey.focus();
  }

  function showSignIn() {
    clearErrors(dialog);
    recoverPart.hidden = true;
    signInPart.hidden = false;
    focusFirst();
  }

  function focusFirst() {
    if (usernameInput.value) passphraseInput.focus();
    else usernameInput.focus();
  }

  function update(next) {
    if (!next) return;
    if (next.organisation) orgEl.textContent = next.organisation;
    if (!usernameInput.value && next.last_username) {
      usernameInput.value = next.last_username;
      if (document.activeElement === usernameInput) passphraseInput.focus();
    }
    renderDemo(next);
    if (next.retry_after_seconds > 0 && !waitTimer) startWait(next.retry_after_seconds);
  }

  /** A demo database lists its made-up accounts, so a trainer can sign in as each role. */
  function renderDemo(next) {
    const accounts = next.demo ? next.demo_accounts || [] : [];
    demoPart.hidden = accounts.length === 0;
    if (!accounts.length) return;
    replace(demoPart,
      h('h2', { class: 'lock-screen__subtitle', id: 'demo-accounts-title' }, 'Demo accounts'),
      h('p', { class: 'hint' }, 'This is a demo database: everyone in it is made up. Sign in as any of these to see what each role can do.'),
      h('table', { class: 'table table--demo-accounts' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Username'), h('th', { scope: 'col' }, 'Passphrase'), h('th', { scope: 'col' }, 'Role'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Use')))),
        h('tbody', null, accounts.map((a) => h('tr', null,
          h('td', { class: 'mono' }, a.username),
          h('td', { class: 'mono' }, a.passphrase),
          h('td', null, ROLE_WORDS[a.role] || a.role),
          h('td', null, h('button', {
            type: 'button', class: 'button button--small button--secondary', dataset: { demoUser: a.username },
            'aria-label': `Fill in ${a.username}`,
            onclick: () => {
              showSignIn();
              usernameInput.value = a.username;
              passphraseInput.value = a.passphrase;
              signInButton.focus();
            },
          }, 'Fill in')))))));
  }

  document.body.append(dialog);
  dialog.showModal();
  update(status);
  focusFirst();

  return {
    done,
    update,
    close() {
      finished = true;
      if (waitTimer) clearInterval(waitTimer);
      if (dialog.open) dialog.close();
      dialog.remove();
    },
  };
}

/** The organisation's name as last seen signed in on this computer (session.js keeps it). */
function rememberedOrganisation() {
  try { return localStorage.getItem(ORGANISATION_KEY) || ''; } catch { return ''; }
}
