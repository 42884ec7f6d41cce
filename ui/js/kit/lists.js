// @ts-check
// An editable list of rows (needs, outcomes, actions, contacts): "Add" and "Remove", focus kept
// where a keyboard user expects it.

import { h, replace, focusElement } from './dom.js';
import { sentence } from './format.js';

/**
 * An editable list: each item a row (<li>) built by `row(index, item)`; "Add" appends a blank
 * item and moves focus to it; each row's "Remove" takes it out (focus goes to the next row or
 * the Add button). `readRow(index)` reads an item back from the page. `onChange()` runs after
 * adding or removing (typing bubbles to the form as usual).
 */
export function listEditor({ id, items, row, readRow, blank, addLabel, itemName, emptyText, onChange }) {
  const list = h('ol', { class: 'plan-list', id: `${id}-list` });
  const empty = h('p', { class: 'muted', id: `${id}-empty` }, emptyText);
  const add = h('button', { type: 'button', class: 'button button--secondary', id: `add-${id}`, onclick: () => addItem() }, addLabel);
  let count = 0;

  function draw(list_) {
    count = list_.length;
    replace(list, list_.map((item, i) => h('li', { class: 'plan-list__item', dataset: { row: id, index: String(i) } },
      h('div', { class: 'plan-list__head' },
        h('h3', { class: 'plan-list__title' }, `${sentence(itemName)} ${i + 1}`),
        h('button', {
          type: 'button', class: 'button button--secondary button--small', id: `remove-${id}-${i}`,
          onclick: () => removeItem(i),
        }, `Remove ${itemName} ${i + 1}`)),
      row(i, item))));
    empty.hidden = count > 0;
  }

  function readAll() {
    return Array.from({ length: count }, (_, i) => readRow(i));
  }

  function addItem() {
    const now = readAll();
    now.push(blank());
    draw(now);
    onChange?.();
    const first = list.lastElementChild?.querySelector('input, select, textarea');
    focusElement(first);
  }

  function removeItem(i) {
    const now = readAll();
    now.splice(i, 1);
    draw(now);
    onChange?.();
    const next = list.children[i]?.querySelector('input, select, textarea') || add;
    focusElement(next);
  }

  draw(items);
  return { list, empty, add, readAll, draw, count: () => count, element: [empty, list, h('div', { class: 'button-row' }, add)] };
}

