// @ts-check
// Submitting forms: the submit wiring every form uses (errors shown by errors.js, the button
// busy while the core works), the standard row of buttons, and a form in a modal dialog.

import { h, focusElement } from './dom.js';
import { clearErrors, showErrors } from './errors.js';

/**
 * Wire a form's submit: clear old errors (in `errorsIn`), disable the submit button while the
 * core works (showing `busyLabel`, or keeping its label when that is null), run
 * `action(event)`; on failure show the errors (the form keeps what was typed). An error after
 * the form has left the page is rethrown unless `quietWhenGone`.
 * @param {HTMLFormElement} form
 * @param {(event: SubmitEvent) => any} action
 * @param {{ busyLabel?: string | null, errorsIn?: ParentNode, quietWhenGone?: boolean }} [o]
 */
export function onSubmit(form, action, { busyLabel = 'Saving…', errorsIn = document, quietWhenGone = false } = {}) {
  let busy = false;
  form.addEventListener('submit', async (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    const button = form.querySelector('button[type="submit"]');
    const label = button ? button.textContent : '';
    if (button) {
      button.disabled = true;
      if (busyLabel !== null) button.textContent = busyLabel;
    }
    try {
      clearErrors(errorsIn);
      await action(event);
    } catch (err) {
      if (form.isConnected) showErrors(form, err);
      else if (!quietWhenGone) throw err;
    } finally {
      busy = false;
      if (button && button.isConnected) { button.disabled = false; button.textContent = label; }
    }
  });
}

/**
 * The standard row of buttons under a form.
 * @param {string} submitLabel
 * @param {{ cancelHref?: string, cancelLabel?: string, onCancel?: () => void, submitId?: string }} [o]
 */
export function formButtons(submitLabel, { cancelHref, cancelLabel = 'Cancel', onCancel, submitId } = {}) {
  return h('div', { class: 'button-row' },
    h('button', { type: 'submit', class: 'button', id: submitId }, submitLabel),
    cancelHref ? h('a', { class: 'button button--secondary', href: cancelHref }, cancelLabel) : null,
    onCancel ? h('button', { type: 'button', class: 'button button--secondary', onclick: onCancel }, cancelLabel) : null,
  );
}

/**
 * A form in a modal <dialog> (Escape or "Cancel" closes it; focus goes back to whatever had it).
 * `fields` are the form's contents; `onSubmit(form)` runs on submit and returns true when done
 * (the dialog closes); if it throws, the core's errors are shown in the dialog's form.
 * `danger` makes the submit button the warning colour (for what cannot be undone).
 * @param {{ id: string, title: string, intro?: string | null, fields: any, submitLabel: string,
 *   onSubmit: (form: HTMLFormElement) => any, danger?: boolean, cancelLabel?: string }} o
 */
export function formDialog({ id, title, intro, fields: content, submitLabel, onSubmit: action, danger = false, cancelLabel = 'Cancel' }) {
  const returnTo = /** @type {HTMLElement | null} */ (document.activeElement);
  const form = h('form', { class: 'form', id: `${id}-form`, novalidate: true }, content,
    h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: danger ? 'button button--warning' : 'button', id: `${id}-submit` }, submitLabel),
      h('button', { type: 'button', class: 'button button--secondary', onclick: () => close() }, cancelLabel)));
  const dialog = h('dialog', { class: 'dialog', id, 'aria-labelledby': `${id}-title` },
    h('h2', { class: 'dialog__title', id: `${id}-title` }, title),
    intro ? h('p', null, intro) : null,
    form);
  function close() {
    if (dialog.open) dialog.close();
    dialog.remove();
    if (returnTo && returnTo.isConnected) returnTo.focus();
  }
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(); });
  onSubmit(form, async () => { if (await action(form)) close(); },
    { busyLabel: null, errorsIn: dialog, quietWhenGone: true });
  document.body.append(dialog);
  dialog.showModal();
  focusElement(form.querySelector('input, select, textarea'));
  return { dialog, form, close };
}
