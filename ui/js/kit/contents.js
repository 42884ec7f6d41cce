// @ts-check
// "On this page": links to the parts of a long page; following one moves focus there.

import { h, focusElement } from './dom.js';

/** Links to the parts of a long form ([{ id, title }]); following one moves focus there. */
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
            focusElement(target.querySelector('legend h2') || target);
          },
        }, p.title))))),
  ];
}
