// @ts-check
// First run (#/welcome): start with an empty register or load made-up demo data.

import * as api from '../api.js';
import { h, append, focusElement } from '../kit/dom.js';
import { navigate, finishFirstRun } from '../nav.js';
import { sentence } from '../kit/format.js';

const DEMO_CARERS = 300;

/**
 * @param {HTMLElement} main
 */
export async function render(main) {
  const progress = h('p', { class: 'progress', id: 'setup-progress', role: 'status', 'aria-live': 'polite' });
  const error = h('div', { class: 'error-summary', id: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const empty = h('button', { type: 'button', class: 'button button--large', id: 'start-empty' }, 'Start with an empty register');
  const demo = h('button', { type: 'button', class: 'button button--large button--secondary', id: 'load-demo' }, `Load demo data (${DEMO_CARERS} made-up carers)`);

  async function choose(choice) {
    empty.disabled = true;
    demo.disabled = true;
    error.hidden = true;
    progress.textContent = choice === 'demo' ? 'Loading demo data…' : 'Setting up an empty register…';
    try {
      await api.setupChoose(choice === 'demo' ? { choice, carers: DEMO_CARERS } : { choice });
      finishFirstRun();
      navigate('/', { flash: choice === 'demo' ? 'Demo data loaded. Everyone in it is made up.' : 'Your register is ready.' });
    } catch (err) {
      empty.disabled = false;
      demo.disabled = false;
      progress.textContent = '';
      error.replaceChildren(
        h('h2', { class: 'error-summary__title' }, 'There is a problem'),
        h('p', null, sentence(err.message)));
      error.hidden = false;
      focusElement(error);
    }
  }
  empty.addEventListener('click', () => choose('empty'));
  demo.addEventListener('click', () => choose('demo'));

  append(main, 
    h('div', { class: 'welcome' },
      error,
      h('h1', { class: 'page-title' }, 'Welcome to Carers Desk'),
      h('p', { class: 'lead' }, 'Carers Desk keeps your register of unpaid carers – young carers, young adult carers and adult carers – and the people they look after, with notes of your contact with them.'),
      h('p', null, 'The register is kept in one file on this computer. You can see where under Settings.'),
      h('h2', { class: 'section-title' }, 'How would you like to start?'),
      h('div', { class: 'welcome__choices' },
        h('div', { class: 'welcome__choice' },
          empty,
          h('p', { class: 'hint' }, 'For real use. You add carers as you meet them.')),
        h('div', { class: 'welcome__choice' },
          demo,
          h('p', { class: 'hint' }, 'To try things out or train staff. Every person in it is made up. Do not mix it with real records.'))),
      progress,
    ),
  );
}
