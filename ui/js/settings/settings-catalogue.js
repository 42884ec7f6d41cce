// @ts-check
// Settings, "Support catalogue": the kinds of support a plan's actions are chosen from. Each
// entry's name, group and who it suits can be changed; entries are never removed, only no
// longer offered (untick "Offered"), so old plans still read right. Saved as a whole list.

import * as api from '../api.js';
import { h, replace, focusElement } from '../kit/dom.js';
import { flash } from '../nav.js';
import { showErrors, clearErrors, mapErrors } from '../kit/errors.js';
import { textField, selectField, checkboxField, readText, readChoice, readChecked } from '../kit/fields.js';

export function catalogueSection(first) {
  let catalogue = first;
  const list = h('ol', { class: 'catalogue-list', id: 'catalogue-list' });
  const form = h('form', { class: 'form', id: 'catalogue-form', novalidate: true },
    h('p', { class: 'hint' }, 'The support offered in plans’ actions. An entry no longer offered stays on the plans that used it.'),
    list,
    h('div', { class: 'button-row' },
      h('button', { type: 'button', class: 'button button--secondary', id: 'add-catalogue-item', onclick: add }, 'Add an entry'),
      h('button', { type: 'submit', class: 'button', id: 'save-catalogue' }, 'Save the catalogue')));

  function draw(items) {
    replace(list, items.map((item, i) => {
      const p = (f) => `items[${i}].${f}`;
      return h('li', { class: 'catalogue-list__item', dataset: { code: item.code || '' } },
        h('div', { class: 'form__row' },
          textField(p('label'), `Entry ${i + 1}: name`, item.label, { width: 'long' }),
          selectField(p('group'), `Entry ${i + 1}: group`, catalogue.groups || [], item.group, { blank: 'Choose a group', width: 'medium' }),
          selectField(p('suits'), `Entry ${i + 1}: who it suits`, catalogue.suits || [], item.suits, { blank: 'Choose', width: 'medium' }),
          checkboxField(p('active'), ['Offered', h('span', { class: 'visually-hidden' }, ` (entry ${i + 1})`)], item.active !== false)));
    }));
  }

  function readAll() {
    return [.../** @type {HTMLCollectionOf<HTMLElement>} */ (list.children)].map((li, i) => ({
      code: li.dataset.code || '',
      label: readText(form, `items[${i}].label`) ?? '',
      group: readChoice(form, `items[${i}].group`) ?? '',
      suits: readChoice(form, `items[${i}].suits`) ?? '',
      active: readChecked(form, `items[${i}].active`) === true,
    }));
  }

  function add() {
    const items = readAll();
    items.push({ code: '', label: '', group: '', suits: '', active: true });
    draw(items);
    focusElement(list.lastElementChild.querySelector('input'));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(document);
    const button = form.querySelector('#save-catalogue');
    button.disabled = true;
    try {
      catalogue = await api.supportCatalogueSave(readAll());
      draw(catalogue.items);
      flash('Support catalogue saved');
    } catch (err) {
      showErrors(form, mapErrors(form, err));
    } finally {
      button.disabled = false;
    }
  });

  draw(catalogue.items);
  return h('section', { class: 'panel panel--quiet panel--wide', id: 'support-catalogue', 'aria-labelledby': 'catalogue-title' },
    h('h2', { class: 'panel__title', id: 'catalogue-title' }, 'Support catalogue'),
    form);
}
