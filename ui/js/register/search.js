// @ts-check
// The carer search used on the home page and the register: search as you type (debounced,
// out-of-order answers ignored), optional filters, a results table and a live count.

import * as api from '../api.js';
import { h, replace } from '../kit/dom.js';
import { formatDate, sentence } from '../kit/format.js';
import { categoryBadge, statusLabel } from '../kit/tags.js';

const DEBOUNCE_MS = 100;

/**
 * Build a carer search.
 *   id:          id of the search input (`search`, `home-search`)
 *   resultsId:   id of the results table (`search-results`)
 *   filters:     show category / status / school filters
 *   initial:     { q, category, status, school_id, page }
 *   limit:       most results to show
 *   listWhenEmpty: list carers even when nothing is typed (the register does)
 *   onChange(state): called with the current state after each search (to keep it in the address)
 * Returns { element, input, destroy }.
 * @param {{ id: string, resultsId: string, label: string, hint?: string, filters?: boolean,
 *   initial?: { q?: string, category?: string, status?: string, school_id?: string | number, page?: number },
 *   limit?: number, listWhenEmpty?: boolean, onChange?: (state: { q: string, category: string, status: string, school_id: string, page: number }) => void }} o
 */
export function carerSearchBox({ id, resultsId, label, hint, filters = false, initial = {}, limit = 50, listWhenEmpty = false, onChange }) {
  const state = {
    q: initial.q || '',
    category: initial.category || '',
    status: initial.status || 'open',
    school_id: initial.school_id ? String(initial.school_id) : '',
    /** Paging: which page of `limit` results (from 1). */
    page: Math.max(1, Number(initial.page) || 1),
  };
  let timer = null;
  let seq = 0;
  let destroyed = false;

  const hintId = hint ? `${id}-hint` : null;
  const input = h('input', {
    id, name: 'query', type: 'search', class: 'input input--search', autocomplete: 'off', spellcheck: 'false',
    value: state.q, 'aria-describedby': hintId, 'aria-controls': `${resultsId}-area`,
  });
  const count = h('p', { class: 'search__count', id: `${id}-count`, role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  // Always in the page (the table inside comes and goes), so aria-controls points at something.
  const results = h('div', { class: 'search__results', id: `${resultsId}-area` });
  const filterBox = filters ? h('div', { class: 'search__filters' }) : null;

  const element = h('div', { class: 'search' },
    h('div', { class: 'search__controls', role: 'search' },
      h('div', { class: 'field field--search' },
        h('label', { class: 'label label--large', for: id }, label),
        hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
        input,
      ),
      filterBox,
    ),
    count,
    results,
  );

  input.addEventListener('input', () => { state.q = input.value; state.page = 1; schedule(); });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      const first = results.querySelector('a');
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  results.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = [...results.querySelectorAll('a.result-link')];
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    event.preventDefault();
    if (event.key === 'ArrowDown' && at < links.length - 1) links[at + 1].focus();
    if (event.key === 'ArrowUp') (at > 0 ? links[at - 1] : input).focus();
  });

  if (filters) buildFilters();

  // While a search is waited for, the results are marked busy (assistive technology waits to
  // read them, and the end-to-end tests wait before clicking a result that is about to move).
  function busy(on) {
    if (on) results.setAttribute('aria-busy', 'true');
    else results.removeAttribute('aria-busy');
  }

  function schedule() {
    clearTimeout(timer);
    busy(true);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  async function buildFilters() {
    let opts = {};
    let schools = [];
    try {
      [opts, schools] = await Promise.all([api.options(), api.schoolList().catch(() => [])]);
    } catch { /* filters stay off; the search still works */ }
    if (destroyed) return;
    const select = (name, text, choices, value) => {
      const sid = `${id}-${name}`;
      const el = h('select', { id: sid, name, class: 'select' },
        choices.map((o) => h('option', { value: o.code, selected: o.code === value }, o.label)));
      el.addEventListener('change', () => { state[name] = el.value; state.page = 1; run(); });
      return h('div', { class: 'field field--inline' }, h('label', { class: 'label', for: sid }, text), el);
    };
    const categories = opts.category || opts.carer_category || [];
    replace(filterBox,
      select('category', 'Category', [{ code: '', label: 'All categories' }, ...categories], state.category),
      select('status', 'Status', [...(opts.status || []), { code: 'all', label: 'Open and closed' }], state.status),
      schools.length
        ? select('school_id', 'School', [{ code: '', label: 'All schools' }, ...schools.map((s) => ({ code: String(s.id), label: s.name }))], state.school_id)
        : null,
    );
  }

  async function run() {
    clearTimeout(timer);
    timer = null;
    const mine = ++seq;
    const q = state.q.trim();
    if (!q && !listWhenEmpty) {
      replace(results);
      count.textContent = '';
      busy(false);
      onChange?.({ ...state });
      return;
    }
    busy(true);
    const args = { query: q, limit, offset: (state.page - 1) * limit };
    if (filters) {
      args.status = state.status;
      if (state.category) args.category = state.category;
      if (state.school_id) args.school_id = Number(state.school_id);
    }
    try {
      const answer = await api.carerSearch(args);
      if (destroyed || mine !== seq) return; // a newer search has been asked for
      show(answer);
    } catch (err) {
      if (destroyed || mine !== seq) return;
      replace(results, h('p', { class: 'inline-error' }, sentence(err.message)));
      count.textContent = 'The search did not work';
    }
    // A keystroke while this search ran has scheduled another: still busy until that one is shown.
    if (!timer) busy(false);
    onChange?.({ ...state });
  }

  // The live region says what the core says ("3 carers found", "more than 500 carers match: ...").
  // The only thing the UI adds is a quiet note when it asked for fewer rows than the exact
  // number found (the core's sentence cannot know that this table stops at `limit`).
  function show({ results: rows = [], total = rows.length, more = false, offset = 0, summary }) {
    count.textContent = sentence(summary || (rows.length ? `${rows.length} carers found` : 'no carers found'));
    if (!rows.length) {
      replace(results, h('p', { class: 'search__empty' }, q() ? 'No carers match. Check the spelling, or try part of a name, a reference, a postcode or a whole date of birth (27/03/1984).' : 'No carers to show.'));
      return;
    }
    replace(results,
      resultsTable(rows, resultsId),
      !more && total > rows.length ? pager(offset, rows.length, total) : null,
    );
  }

  /** "Carers 101 to 200 of 2,345", with the previous and next pages. */
  function pager(offset, shown, total) {
    const pages = Math.ceil(total / limit);
    const go = (page) => {
      state.page = page;
      run().then(() => {
        results.scrollIntoView({ block: 'start' });
        results.querySelector('a.result-link')?.focus();
      });
    };
    return h('nav', { class: 'pager', id: `${id}-pager`, 'aria-label': 'Pages of results' },
      h('p', { class: 'pager__where', id: `${id}-shown` },
        `Carers ${(offset + 1).toLocaleString('en-GB')} to ${(offset + shown).toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')}, in name order (page ${state.page} of ${pages})`),
      h('div', { class: 'button-row button-row--tight' },
        state.page > 1 ? h('button', { type: 'button', class: 'button button--secondary', id: `${id}-previous`, onclick: () => go(state.page - 1) }, 'Previous page') : null,
        state.page < pages ? h('button', { type: 'button', class: 'button button--secondary', id: `${id}-next`, onclick: () => go(state.page + 1) }, 'Next page') : null));
  }

  function q() { return state.q.trim(); }

  run();
  return {
    element,
    input,
    destroy() { destroyed = true; clearTimeout(timer); },
  };
}

/** The results table: each name links to the carer's record. */
export function resultsTable(rows, id) {
  return h('table', { class: 'table', id },
    h('caption', { class: 'visually-hidden' }, 'Carers found'),
    h('thead', null, h('tr', null,
      ['Reference', 'Name', 'Date of birth', 'Age', 'Category', 'Postcode', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.map((c) => h('tr', { class: c.status === 'closed' ? 'row--closed' : null },
      h('td', { class: 'nowrap' }, c.reference),
      h('td', null, h('a', { href: `#/carers/${c.id}`, class: 'result-link' }, personName(c))),
      h('td', { class: 'nowrap' }, formatDate(c.date_of_birth)),
      h('td', { class: 'numeric' }, c.age ?? ''),
      h('td', null, categoryBadge(c)),
      h('td', { class: 'nowrap' }, c.postcode || ''),
      h('td', null, statusLabel(c.status)),
    ))),
  );
}

/** Name as a link text: 'Jo Bloggs' with '(Joey)' in a quieter style. */
export function personName(c) {
  const full = [c.first_name, c.last_name].filter(Boolean).join(' ');
  return c.preferred_name
    ? [full, ' ', h('span', { class: 'preferred' }, `(${c.preferred_name})`)]
    : full;
}

