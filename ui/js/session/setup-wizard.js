// @ts-check
// Setting up a new Carers Desk (session_status says "setup"): three steps in the page.
//   1. The organisation, the first administrator (you) and your passphrase.
//   2. The recovery key, shown once, to write down and keep away from the computer.
//   3. Two groups of the key typed back, then session_setup_finish encrypts the register.
// Then app.js carries on with the first-run choice (welcome.js: empty or demo data).

import * as api from '../api.js';
import { h, replace, focusElement } from '../kit/dom.js';
import { fields, read } from '../kit/fields.js';
import { showErrors, clearErrors } from '../kit/errors.js';

const PASSPHRASE_HINT = 'At least 10 characters. Three random words are easy to remember and hard to guess, for example: kettle violet harbour. Do not use your username or the organisation’s name.';

const ACCOUNT_FIELDS = [
  { name: 'organisation', label: 'Organisation name (optional)', width: 'long', hint: 'Shown at the top of every page. You can change it later in Settings.' },
  { name: 'name', label: 'Your name', width: 'long', autocomplete: 'name', hint: 'Shown to colleagues and in the audit trail' },
  { name: 'username', label: 'Username', width: 'medium', autocomplete: 'username', hint: 'What you type to sign in, for example amy.shah: letters, digits, dots, dashes or underscores' },
  { name: 'passphrase', label: 'Passphrase', type: 'password', width: 'medium', autocomplete: 'new-password', hint: PASSPHRASE_HINT },
  { name: 'passphrase_again', label: 'Passphrase again', type: 'password', width: 'medium', autocomplete: 'new-password' },
];
const STEP1 = new Set(ACCOUNT_FIELDS.map((f) => f.name));
const MIN_PASSPHRASE = 10;

/** The groups of a recovery key ("K7QD-2M9X-…"). */
function groupsOf(key) {
  return String(key).split(/[-\s]+/).filter(Boolean);
}

/**
 * The core's checks of step 1 (session.rs check_username, check_passphrase), made before the key
 * is shown so nobody writes a key down for a form that fails. The core checks them again.
 */
function step1Problems(args) {
  const errors = [];
  const name = args.name.trim();
  const username = args.username.trim();
  if (!name) errors.push({ field: 'name', message: 'enter your name as colleagues know it' });
  if (!username) errors.push({ field: 'username', message: 'enter a username, such as amy.shah' });
  else if (username.length < 2 || username.length > 32) errors.push({ field: 'username', message: 'use 2 to 32 characters for the username' });
  else if (!/^[A-Za-z0-9._-]+$/.test(username)) errors.push({ field: 'username', message: 'use only letters, digits, dots, dashes and underscores in the username' });
  if ([...args.passphrase].length < MIN_PASSPHRASE) {
    errors.push({ field: 'passphrase', message: `use at least ${MIN_PASSPHRASE} characters: three random words, such as "kettle orbit meadow", are easy to remember and hard to guess` });
  } else if (username && args.passphrase.trim().toLowerCase() === username.toLowerCase()) {
    errors.push({ field: 'passphrase', message: 'the passphrase must not be the username: choose something else' });
  } else if (args.passphrase_again !== args.passphrase) {
    errors.push({ field: 'passphrase_again', message: 'the two passphrases are not the same: type it again' });
  }
  return errors;
}

/** Runs the wizard in `main`; resolves with the open status once the register is set up. */
export function runSetup(main, status) {
  return new Promise((resolve) => {
    let begun = null; // { recovery_key, check_groups }
    let account = null;

    // ---- step 1
    const accountForm = h('form', { class: 'form', id: 'setup-form', novalidate: true },
      fields(ACCOUNT_FIELDS, { organisation: status.organisation || '' }, {}, 'setup-'),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'button button--large', id: 'setup-continue' }, 'Continue')));
    const step1 = h('section', { class: 'setup__step', id: 'setup-step-1', 'aria-labelledby': 'setup-title-1' },
      stepHead(1, 'Set up Carers Desk', 'setup-title-1'),
      h('p', { class: 'lead' }, 'Carers Desk keeps sensitive records about carers and the people they look after. They are kept encrypted: nobody can read them without a passphrase.'),
      status.legacy_plaintext
        ? h('div', { class: 'notice notice--info', id: 'setup-legacy' },
          h('p', { class: 'notice__title' }, 'Your existing register will be encrypted'),
          h('p', null, 'The records already on this computer stay as they are. From now on they can be opened only by signing in. The old unencrypted file is removed once the encrypted copy has been checked.'))
        : null,
      h('p', null, 'First, set up your own account. You will be the administrator: you can add accounts for colleagues afterwards, from Settings.'),
      accountForm);

    accountForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(document);
      const args = read(accountForm, ACCOUNT_FIELDS);
      const problems = step1Problems(args);
      if (problems.length) {
        showErrors(accountForm, { code: 'validation', message: problems[0].message, field: problems[0].field, errors: problems });
        return;
      }
      account = args;
      if (!begun) {
        const button = accountForm.querySelector('button[type=submit]');
        button.disabled = true;
        try {
          begun = await api.sessionSetupBegin();
        } catch (err) {
          showErrors(accountForm, err);
          return;
        } finally {
          button.disabled = false;
        }
        renderKey();
      }
      show(2);
    });

    // ---- step 2
    const keyBox = h('div', { class: 'recovery-key', id: 'recovery-key' });
    const step2 = h('section', { class: 'setup__step', id: 'setup-step-2', 'aria-labelledby': 'setup-title-2', hidden: true },
      stepHead(2, 'Your recovery key', 'setup-title-2'),
      h('p', { class: 'lead' }, 'If a passphrase is forgotten, this key is the only way back into the records. It is shown only now.'),
      keyBox,
      h('div', { class: 'notice notice--warning', id: 'recovery-key-advice' },
        h('p', { class: 'notice__title' }, 'Write it down or print it, and keep it away from the computer'),
        h('ul', null,
          h('li', null, 'For example in a locked drawer or the office safe, not on a note by the screen.'),
          h('li', null, 'Anyone who has this key and this computer can open the records.'),
          h('li', null, 'Carers Desk does not keep a copy it can show you again.'))),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'button button--large', id: 'setup-key-written', onclick: () => show(3) }, 'I have written it down'),
        h('button', { type: 'button', class: 'button button--secondary', id: 'setup-back-1', onclick: () => show(1) }, 'Back')));

    // ---- step 3
    const checkFields = h('div', { class: 'form__row' });
    const checkForm = h('form', { class: 'form', id: 'setup-check-form', novalidate: true },
      h('fieldset', { class: 'field fieldset fieldset--inner', id: 'setup-recovery-check', dataset: { field: 'recovery_check', group: 'true' }, 'aria-describedby': 'setup-check-hint' },
        h('legend', { class: 'fieldset__legend fieldset__legend--small' }, 'Groups of your recovery key'),
        h('p', { class: 'hint', id: 'setup-check-hint' }, 'Type them from what you wrote down, not from the screen. Capitals or small letters, either is fine.'),
        checkFields),
      h('p', { class: 'progress', id: 'setup-progress', role: 'status', 'aria-live': 'polite' }),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'button button--large', id: 'setup-finish' }, 'Finish setting up'),
        h('button', { type: 'button', class: 'button button--secondary', id: 'setup-back-2', onclick: () => show(2) }, 'Show the key again')));
    const checkIntro = h('p', { class: 'lead', id: 'setup-check-intro' });
    const step3 = h('section', { class: 'setup__step', id: 'setup-step-3', 'aria-labelledby': 'setup-title-3', hidden: true },
      stepHead(3, 'Check your recovery key', 'setup-title-3'),
      checkIntro,
      checkForm);

    checkForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = checkForm.querySelector('button[type=submit]');
      if (button.disabled) return;
      clearErrors(document);
      const recoveryCheck = {};
      checkForm.querySelectorAll('[data-group-number]').forEach((input) => {
        recoveryCheck[input.dataset.groupNumber] = input.value.trim().toUpperCase();
      });
      const progress = checkForm.querySelector('#setup-progress');
      button.disabled = true;
      progress.textContent = status.legacy_plaintext ? 'Encrypting your register… this can take a minute.' : 'Setting up…';
      try {
        const open = await api.sessionSetupFinish({
          organisation: account.organisation.trim() || null,
          username: account.username.trim(),
          name: account.name.trim(),
          passphrase: account.passphrase,
          passphrase_again: account.passphrase_again,
          recovery_check: recoveryCheck,
        });
        resolve(open);
      } catch (err) {
        progress.textContent = '';
        const problems = err.code === 'validation' && err.errors.length ? err.errors : [{ field: err.field, message: err.message }];
        if (problems.some((p) => STEP1.has(p.field))) {
          show(1, { focus: false });
          showErrors(accountForm, err);
        } else {
          showErrors(checkForm, err);
        }
      } finally {
        button.disabled = false;
      }
    });

    function renderKey() {
      const groups = groupsOf(begun.recovery_key);
      replace(keyBox,
        h('p', { class: 'visually-hidden' }, `Recovery key, ${groups.length} groups:`),
        h('ol', { class: 'recovery-key__groups' }, groups.map((g, i) => h('li', { class: 'recovery-key__group' },
          h('span', { class: 'recovery-key__number', 'aria-hidden': 'true' }, String(i + 1)),
          h('span', { class: 'recovery-key__text' }, g)))),
        h('p', { class: 'recovery-key__whole' }, h('span', { class: 'muted' }, 'All in one line: '), h('span', { class: 'mono', id: 'recovery-key-text' }, begun.recovery_key)));
      const numbers = begun.check_groups || [];
      checkIntro.textContent = `To be sure it is written down correctly, type groups ${numbers.join(' and ')} of your recovery key.`;
      replace(checkFields, numbers.map((n) => h('div', { class: 'field' },
        h('label', { class: 'label', for: `setup-group-${n}` }, `Group ${n}`),
        h('input', {
          id: `setup-group-${n}`, name: `recovery_check_${n}`, type: 'text', class: 'input input--short input--mono',
          autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: '9',
          dataset: { groupNumber: String(n) },
        }))));
    }

    function show(step, { focus = true } = {}) {
      [step1, step2, step3].forEach((s, i) => { s.hidden = i + 1 !== step; });
      const current = [step1, step2, step3][step - 1];
      if (!focus) return;
      if (step === 3) checkFields.querySelector('input')?.focus();
      else focusElement(current.querySelector('h1'));
    }

    const wizard = h('div', { class: 'setup', id: 'setup' }, step1, step2, step3);
    replace(main, wizard);
    document.title = 'Set up – Carers Desk';
    focusElement(step1.querySelector('h1'));
  });
}

function stepHead(n, title, id) {
  return [
    h('p', { class: 'setup__count' }, `Step ${n} of 3`),
    h('h1', { class: 'page-title', id, tabindex: '-1' }, title),
  ];
}
