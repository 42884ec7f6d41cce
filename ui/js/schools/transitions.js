// @ts-check
// Transition to adulthood (#/transitions): young carers turning 16, 17 and 18 in the next 6 or
// 12 months (with their transition assessment), and everyone past a milestone that is not
// done, oldest risk first, as the core lists them. The window (6 or 12 months) is kept in the
// address (#/transitions?months=6), so Back returns to it.

import * as api from '../api.js';
import { h, append, replace } from '../kit/dom.js';
import { replaceQuery } from '../nav.js';
import { formatDate, plural, sentence } from '../kit/format.js';
import { milestoneTag } from '../kit/tags.js';

const ASSESSMENT_WORDS = {
  none: 'None',
  draft: 'Draft, not finished',
  completed: 'Completed',
  recorded: 'Done elsewhere (recorded)',
};

function assessmentCell(code) {
  const text = ASSESSMENT_WORDS[code] || sentence(code || '');
  return code === 'completed' ? h('span', null, text) : h('span', { class: code === 'none' ? 'tag tag--due' : null }, text);
}

function nameCell(r) {
  return [
    h('a', { href: `#/carers/${r.carer_id}`, class: 'result-link' }, r.name),
    r.reference ? h('span', { class: 'muted small block' }, r.reference) : null,
  ];
}

function table(id, caption, heads, rows) {
  return h('table', { class: 'table table--work table--transitions', id },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, heads.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows));
}

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { query }) {
  let months = query?.get('months') === '6' ? 6 : 12;
  const lists = h('div', { id: 'transition-lists' });
  const count = h('p', { class: 'search__count', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', id: 'transitions-count' });

  const toggle = h('fieldset', { class: 'fieldset fieldset--inner months-toggle', id: 'months-toggle' },
    h('legend', { class: 'fieldset__legend fieldset__legend--small' }, 'Show young carers with a birthday in the next'),
    h('div', { class: 'radios radios--inline' }, [6, 12].map((n) => h('div', { class: 'radio' },
      h('input', {
        type: 'radio', class: 'radio__input', name: 'months', id: `months-${n}`, value: String(n), checked: n === months,
        onchange: () => { months = n; replaceQuery({ months: n === 12 ? '' : n }); load(); },
      }),
      h('label', { class: 'radio__label', for: `months-${n}` }, `${n} months`)))));

  append(main,
    h('p', { class: 'back' }, h('a', { href: '#/' }, 'Back to home')),
    h('h1', { class: 'page-title' }, 'Transition to adulthood'),
    h('p', { class: 'lead' }, 'Young carers coming up to 16, 17 and 18, and anyone past a transition milestone that is not done yet. A transition assessment (Care Act s63) should be offered from 16 and completed well before 18.'),
    toggle,
    count,
    lists,
  );

  let seq = 0;
  async function load() {
    const mine = ++seq;
    let data;
    try {
      data = await api.transitions(months);
    } catch (err) {
      if (mine !== seq) return;
      replace(lists, h('p', { class: 'inline-error' }, sentence(err.message)));
      return;
    }
    if (mine !== seq) return;
    draw(data);
  }

  function draw(data) {
    const turning = data.turning || [];
    const past = data.past_milestone || [];
    const total = turning.reduce((n, g) => n + (g.carers || []).length, 0);
    count.textContent = `${plural(total, 'young carer')} with a birthday in the next ${data.months || months} months; ${plural(past.length, 'young carer')} past a milestone`;
    replace(lists,
      turning.map((g) => {
        const id = `turning-${g.age}`;
        const rows = g.carers || [];
        return h('section', { class: 'record-section', id, 'aria-labelledby': `${id}-title` },
          h('h2', { class: 'section-title', id: `${id}-title` }, `Turning ${g.age} (${rows.length})`),
          rows.length
            ? table(`${id}-table`, `Young carers turning ${g.age} in the next ${data.months || months} months`,
              ['Young carer', 'Date of birth', `${g.age}th birthday`, 'School', 'Transition assessment'],
              rows.map((r) => h('tr', { dataset: { carerId: String(r.carer_id) } },
                h('td', null, nameCell(r)),
                h('td', { class: 'nowrap' }, formatDate(r.date_of_birth)),
                h('td', { class: 'nowrap' }, formatDate(r.birthday)),
                h('td', null, r.school_name || h('span', { class: 'muted' }, 'Not linked')),
                h('td', null, assessmentCell(r.transition_assessment)))))
            : h('p', { class: 'muted' }, `No young carers turn ${g.age} in the next ${data.months || months} months.`));
      }),
      h('section', { class: 'record-section', id: 'past-milestone', 'aria-labelledby': 'past-milestone-title' },
        h('h2', { class: 'section-title', id: 'past-milestone-title' }, `Past a milestone without it done (${past.length})`),
        h('p', { class: 'hint' }, 'Oldest first: the milestone that was missed longest ago is at the top.'),
        past.length
          ? table('past-milestone-table', 'Young carers past a milestone without it done, oldest first',
            ['Young carer', 'Age', 'Milestone', 'Deadline', 'Status', 'School', 'Transition assessment'],
            past.map((r) => h('tr', { dataset: { carerId: String(r.carer_id) } },
              h('td', null, nameCell(r)),
              h('td', { class: 'numeric' }, r.age ?? ''),
              h('td', null, r.milestone?.label || ''),
              h('td', { class: 'nowrap' }, formatDate(r.milestone?.deadline)),
              h('td', null, r.milestone ? milestoneTag(r.milestone) : ''),
              h('td', null, r.school_name || h('span', { class: 'muted' }, 'Not linked')),
              h('td', null, assessmentCell(r.transition_assessment)))))
          : h('p', { class: 'muted' }, 'No one is past a milestone.')));
  }

  await load();
  const target = query?.get('list');
  if (target) {
    const el = main.querySelector(`#${CSS.escape(target)} h2`);
    if (el) el.dataset.autofocus = 'true';
  }
  return () => { seq += 1; };
}
