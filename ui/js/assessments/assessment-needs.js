// @ts-check
// "Needs identified" in the assessment draft: a list of needs, each a description with,
// optionally, the reg 3(2)(b) outcome and/or the wellbeing area it relates to, so the support
// plan can take them over. Inputs are named as the core names them in its errors
// (`needs[0].description`, `needs[0].outcome`, `needs[0].wellbeing_area`); the list is read
// back whole, since `assessment_save` replaces the stored list with what it is sent.

import { h, replace, idFor, focusElement } from '../kit/dom.js';
import { sentence } from '../kit/format.js';
import { labelOf } from './assessment-fields.js';

const FIELDS = ['description', 'outcome', 'wellbeing_area'];

/**
 * The editor. `needs` is the stored list; `getOutcomes()` returns the current outcomes answer
 * (adult assessments) or undefined; `onChange()` is called when the list changes by a button
 * (typing and choosing bubble to the form like any answer).
 */
export function needsEditor({ needs, ctx, getOutcomes, onChange }) {
  const outcomes = ctx.lists.eligibility_outcome || [];
  const areas = ctx.lists.wellbeing_area || [];
  const list = h('ol', { class: 'need-list', id: 'needs-list' });
  const empty = h('p', { class: 'muted', id: 'needs-empty' }, 'No needs recorded yet.');
  const status = h('p', { class: 'section-status', id: 'needs-status', role: 'status', 'aria-live': 'polite' });
  const addButton = h('button', { type: 'button', class: 'button button--secondary', id: 'add-need', onclick: () => add() }, 'Add a need');
  const fromOutcomes = getOutcomes
    ? h('button', { type: 'button', class: 'button button--secondary', id: 'add-needs-from-outcomes', onclick: () => addFromOutcomes() }, 'Add a need for each outcome not achieved')
    : null;

  const element = h('fieldset', { class: 'fieldset assessment-section', id: 'section-needs' },
    h('legend', { class: 'fieldset__legend' }, h('h2', { class: 'fieldset__heading' }, 'Needs identified')),
    h('p', { class: 'hint' }, 'Each need the assessment identifies, so the support plan can take them over. Say which outcome or wellbeing area it relates to, if any.'),
    empty,
    list,
    h('div', { class: 'button-row' }, addButton, fromOutcomes),
    status);

  draw((needs || []).map((n) => ({ description: n.description || '', outcome: n.outcome || '', wellbeing_area: n.wellbeing_area || '' })));

  function rowName(i, f) { return `needs[${i}].${f}`; }

  function row(n, i) {
    const num = i + 1;
    const select = (f, label, choices) => {
      const name = rowName(i, f);
      return h('div', { class: 'field', dataset: { field: name } },
        h('label', { class: 'label', for: idFor(name) }, label),
        h('select', { id: idFor(name), name, class: 'select select--long' },
          h('option', { value: '' }, 'None chosen'),
          choices.map((c) => h('option', { value: c.code, selected: c.code === n[f] }, sentence(c.label))),
          // A stored code no longer offered stays chosen, so saving does not lose it.
          n[f] && !choices.some((c) => c.code === n[f]) ? h('option', { value: n[f], selected: true }, n[f]) : null));
    };
    const descName = rowName(i, 'description');
    const desc = h('textarea', { id: idFor(descName), name: descName, rows: 2, class: 'textarea', spellcheck: 'true' });
    desc.value = n.description;
    return h('li', { class: 'need', dataset: { index: String(i) } },
      h('fieldset', { class: 'fieldset fieldset--inner need__fieldset' },
        h('legend', { class: 'fieldset__legend fieldset__legend--small need__title', id: `need-${num}-title` }, `Need ${num}`),
        h('div', { class: 'field', dataset: { field: descName } },
          h('label', { class: 'label', for: idFor(descName) }, `Description of need ${num}`),
          desc),
        h('div', { class: 'form__row' },
          select('outcome', `Outcome it relates to (optional)`, outcomes),
          select('wellbeing_area', `Wellbeing area it relates to (optional)`, areas)),
        h('div', { class: 'button-row' },
          h('button', { type: 'button', class: 'button button--secondary button--small need__remove', id: `remove-need-${num}`, onclick: () => remove(i) }, `Remove need ${num}`))));
  }

  function draw(rows) {
    replace(list, rows.map(row));
    empty.hidden = rows.length > 0;
    list.hidden = rows.length === 0;
  }

  /** What the page shows, every row (blank ones too). */
  function rowsNow() {
    return [...list.querySelectorAll('li.need')].map((li) => {
      const i = li.dataset.index;
      const get = (f) => li.querySelector(`[name="needs[${i}].${f}"]`)?.value ?? '';
      return Object.fromEntries(FIELDS.map((f) => [f, get(f)]));
    });
  }

  function add() {
    const rows = rowsNow();
    rows.push({ description: '', outcome: '', wellbeing_area: '' });
    draw(rows);
    status.textContent = `Need ${rows.length} added`;
    document.getElementById(idFor(rowName(rows.length - 1, 'description')))?.focus();
    // Nothing to save until something is typed.
  }

  function remove(i) {
    const rows = rowsNow();
    const gone = rows.splice(i, 1)[0];
    draw(rows);
    status.textContent = `Need ${i + 1}${gone.description.trim() ? ` (${gone.description.trim().slice(0, 60)})` : ''} removed`;
    const next = document.getElementById(idFor(rowName(Math.min(i, rows.length - 1), 'description')));
    focusElement(rows.length ? next : addButton);
    onChange();
  }

  function addFromOutcomes() {
    const answer = getOutcomes() || {};
    const rows = rowsNow();
    const added = [];
    for (const o of outcomes) {
      const a = answer[o.code];
      if (!a || a.achieved !== false) continue;
      const reasons = (a.reasons || []).map((r) => labelOf(ctx.lists.unable_reason, r)).join('; ');
      const description = `${sentence(o.label)}${reasons ? `: ${reasons}` : ''}`;
      if (rows.some((r) => r.outcome === o.code || r.description.trim() === description)) continue;
      rows.push({ description, outcome: o.code, wellbeing_area: '' });
      added.push(o.label);
    }
    if (!added.length) {
      status.textContent = Object.values(answer).some((a) => a && a.achieved === false)
        ? 'Every outcome not achieved already has a need.'
        : 'No outcome is answered “No” yet.';
      return;
    }
    const first = rows.length - added.length;
    draw(rows);
    status.textContent = `${added.length} ${added.length === 1 ? 'need' : 'needs'} added: ${added.join('; ')}`;
    document.getElementById(idFor(rowName(first, 'description')))?.focus();
    onChange();
  }

  /**
   * The list to send: rows not yet started (nothing typed or chosen) are left out. `rows[k]`
   * is the page's row index of the k-th need sent, to put the core's errors beside it.
   */
  function read() {
    const sent = [];
    const rows = [];
    rowsNow().forEach((r, i) => {
      if (!r.description.trim() && !r.outcome && !r.wellbeing_area) return;
      sent.push({ description: r.description, outcome: r.outcome || null, wellbeing_area: r.wellbeing_area || null });
      rows.push(i);
    });
    return { needs: sent, rows };
  }

  return { element, read, count: () => read().needs.length };
}

/** An error's field for the page: `needs[k].x` of what was sent is `needs[rows[k]].x`. */
export function pageField(field, rows) {
  const m = /^needs\[(\d+)\](.*)$/.exec(field || '');
  if (!m || !rows) return field;
  const i = rows[Number(m[1])];
  return i === undefined ? field : `needs[${i}]${m[2]}`;
}

/** The needs of a completed assessment, read only, with the outcome and area they relate to. */
export function needsReadOnly(needs) {
  if (!needs?.length) return null;
  return h('section', { class: 'details-section', 'aria-labelledby': 'done-needs', id: 'needs-done' },
    h('h2', { class: 'details-section__title', id: 'done-needs' }, 'Needs identified'),
    h('ol', { class: 'need-list need-list--done' }, needs.map((n) => h('li', { class: 'need need--done' },
      h('p', { class: 'pre-line need__description' }, n.description),
      n.outcome || n.wellbeing_area ? h('dl', { class: 'details details--compact need__links' },
        n.outcome ? h('div', { class: 'details__row' }, h('dt', null, 'Outcome'), h('dd', null, sentence(n.outcome_label || n.outcome))) : null,
        n.wellbeing_area ? h('div', { class: 'details__row' }, h('dt', null, 'Wellbeing area'), h('dd', null, sentence(n.wellbeing_area_label || n.wellbeing_area)))
          : null) : null))));
}
