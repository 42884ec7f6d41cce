// @ts-check
// Small DOM helpers. Every piece of data reaches the page as a text node or a property:
// nothing here (or anywhere in the UI) builds HTML from strings.

/**
 * Build an element: h('a', { href: '#/', class: 'link' }, 'Home').
 * attrs: `class` (string or array), `on<event>` (function), `dataset` (object),
 * properties `value`, `checked`, `hidden`, `disabled`, `selected`, `open` (set as properties);
 * booleans true become empty attributes; null, undefined and false are left out.
 * children: strings and numbers become text nodes; arrays are flattened; null/false skipped.
 * @template {string} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} children
 * @returns {K extends keyof HTMLElementTagNameMap ? HTMLElementTagNameMap[K] : HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') {
        const names = Array.isArray(value) ? value.filter(Boolean) : String(value).split(/\s+/).filter(Boolean);
        el.classList.add(...names);
      } else if (key === 'dataset') {
        Object.assign(el.dataset, value);
      } else if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (PROPS.has(key)) {
        el[key] = value;
      } else if (value === true) {
        el.setAttribute(key, '');
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return /** @type {any} */ (el);
}

const PROPS = new Set(['value', 'checked', 'hidden', 'disabled', 'selected', 'open', 'defaultValue']);

/**
 * Append children (strings, numbers, nodes, nested arrays; null/false/undefined skipped).
 * @template {ParentNode} P
 * @param {P} parent
 * @param {...any} children
 * @returns {P}
 */
export function append(parent, ...children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === '') continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/**
 * Replace every child of `el` with `children`.
 * @template {ParentNode} E
 * @param {E} el
 * @param {...any} children
 * @returns {E}
 */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/**
 * Text with line breaks kept: the CSS class `pre-line` does the work, the data stays text.
 * @param {string} tag @param {string | null | undefined} text @param {Record<string, any>} [attrs]
 */
export function multiline(tag, text, attrs = {}) {
  const cls = [attrs.class, 'pre-line'].filter(Boolean).join(' ');
  return h(tag, { ...attrs, class: cls }, text ?? '');
}

/**
 * Move focus to an element that is not normally focusable (a heading, a summary box).
 * @param {Element | null | undefined} el
 */
export function focusElement(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  /** @type {HTMLElement} */ (el).focus({ preventScroll: false });
}

/**
 * Turn a field path (`person.first_name`) into a safe id fragment (`person-first_name`).
 * @param {string} name
 */
export function idFor(name) {
  return String(name).replace(/\./g, '-');
}

/**
 * Ask a yes/no question in a modal <dialog>. Resolves true when confirmed.
 * The dialog is removed afterwards; focus returns to whatever had it.
 * @param {{ title: string, message?: string | null, confirmLabel?: string, cancelLabel?: string, danger?: boolean }} o
 * @returns {Promise<boolean>}
 */
export function confirmDialog({ title, message, confirmLabel = 'Confirm', cancelLabel = 'Cancel', danger = false }) {
  return new Promise((resolve) => {
    const returnTo = /** @type {HTMLElement | null} */ (document.activeElement);
    const headingId = `dialog-title-${Date.now()}`;
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': headingId },
      h('h2', { id: headingId, class: 'dialog__title' }, title),
      message ? h('p', null, message) : null,
      h('div', { class: 'button-row' },
        h('button', { type: 'button', class: danger ? 'button button--warning' : 'button', value: 'yes', onclick: () => finish(true) }, confirmLabel),
        h('button', { type: 'button', class: 'button button--secondary', onclick: () => finish(false) }, cancelLabel),
      ),
    );
    let done = false;
    function finish(answer) {
      if (done) return;
      done = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (returnTo && returnTo.isConnected) returnTo.focus();
      resolve(answer);
    }
    dialog.addEventListener('cancel', (event) => { event.preventDefault(); finish(false); });
    document.body.append(dialog);
    dialog.showModal();
    // For something that cannot be undone, the safe answer has focus.
    const buttons = dialog.querySelectorAll('button');
    (danger ? buttons[buttons.length - 1] : buttons[0]).focus();
  });
}
