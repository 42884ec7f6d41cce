// @ts-check
// "On this page": links to the parts of a long page; following one moves focus there.

import { h, focusElement } from './dom.js';

/**
 * Links to the parts of a long page ([{ id, title }]); following one scrolls there and moves
 * focus to the part's heading (or the part itself when it has none).
 * @param {string} id @param {string} title @param {Array<{ id: string, title: string }>} parts
 */
export function jumpNav(id, title, parts) {
  return [
    h('h2', { class: 'section-nav__title', id: `${id}-title` }, title),
    h('nav', { class: 'section-nav', 'aria-labelledby': `${id}-title` },
      h('ol', { class: 'section-nav__list section-nav__list--compact', id }, parts.map((p) => h('li', { class: 'section-nav__item' },
        h('a', {
          href: `#${p.id}`,
          onclick: (event) => {
            event.preventDefault();
            const target = document.getElementById(p.id);
            if (!target) return;
            target.scrollIntoView({ block: 'start' });
            focusElement(/^H[1-6]$/.test(target.tagName) ? target : target.querySelector('h2, h3') || target);
          },
        }, p.title))))),
  ];
}
