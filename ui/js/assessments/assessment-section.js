// @ts-check
// "Assessments" on a carer's record: the history (newest first, each linking to the
// assessment), buttons to start each type (with the age warning the core may give), and for
// young carers a chart of their questionnaire scores over time with a table alternative.

import * as api from '../api.js';
import { h, replace, confirmDialog } from '../kit/dom.js';
import { navigate } from '../nav.js';
import { formatDate, sentence } from '../kit/format.js';
import { s } from './assessment-results.js';

const START = [
  { type: 'adult', label: 'Start an adult carer’s assessment' },
  { type: 'young_carer', label: 'Start a young carer’s needs assessment' },
  { type: 'parent_carer', label: 'Start a parent carer’s needs assessment' },
  { type: 'transition', label: 'Start a young carer’s transition assessment' },
];

export function assessmentsSection({ getRecord }) {
  const status = h('p', { class: 'section-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { id: 'assessment-history' });
  const chart = h('div', { id: 'score-chart' });
  const startButton = (x) => h('button', { type: 'button', class: 'button button--secondary', id: `start-${x.type}`, onclick: (e) => start(x.type, e.currentTarget) }, x.label);
  const buttons = h('div', { class: 'start-assessment' });
  /**
   * The types that fit the carer's age first; the rest under "Other types", where starting one
   * brings the core's age warning. Which fit is the core's to say (`assessment_types`).
   * @param {Array<{ type: string, age_warning?: string | null }>} offers
   */
  function drawButtons(offers) {
    const fits = new Set(offers.filter((o) => !o.age_warning).map((o) => o.type));
    const first = START.filter((x) => fits.has(x.type));
    const others = START.filter((x) => !fits.has(x.type));
    replace(buttons,
      h('div', { class: 'button-row' }, first.map(startButton)),
      others.length ? h('details', { class: 'other-types', id: 'other-assessment-types' },
        h('summary', null, 'Other types of assessment'),
        h('div', { class: 'button-row' }, others.map(startButton))) : null);
  }
  const closedHint = h('p', { class: 'hint' }, 'This record is closed. Reopen it to start an assessment.');
  const element = h('section', { class: 'record-section', id: 'assessments', 'aria-labelledby': 'assessments-title' },
    h('h2', { class: 'section-title', id: 'assessments-title' }, 'Assessments'),
    status, list, buttons, closedHint, chart);

  async function refresh() {
    const record = getRecord();
    const closed = record.status === 'closed';
    buttons.hidden = closed;
    closedHint.hidden = !closed;
    try {
      const [items, history, offers] = await Promise.all([api.assessmentList(record.id), api.assessmentScoreHistory(record.id), api.assessmentTypes(record.id)]);
      drawButtons(offers);
      drawList(items);
      replace(chart, scoreChart(history));
    } catch (err) {
      replace(list, h('p', { class: 'inline-error' }, sentence(err.message)));
    }
  }

  function drawList(items) {
    if (!items.length) {
      replace(list, h('p', { class: 'muted' }, 'No assessments yet.'));
      return;
    }
    replace(list, h('table', { class: 'table table--assessments' },
      h('caption', { class: 'visually-hidden' }, 'Assessments, newest first'),
      h('thead', null, h('tr', null, ['Assessment', 'Version', 'Status', 'Date', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((a) => h('tr', { class: a.superseded ? 'row--closed' : null },
        h('td', null, h('a', { href: `#/assessments/${a.id}`, class: 'result-link' }, a.type_label), h('br'), h('span', { class: 'muted small' }, a.reference)),
        h('td', null, String(a.version)),
        h('td', null, a.status === 'completed' ? (a.superseded ? 'Completed (replaced by a newer version)' : 'Completed') : 'Draft'),
        h('td', { class: 'nowrap' }, formatDate(a.completed_at ? (a.assessed_on || a.completed_at) : a.created_at)),
        h('td', null, a.summary || ''))))));
  }

  async function start(type, button) {
    const record = getRecord();
    button.disabled = true;
    try {
      let created;
      try {
        created = await api.assessmentStart({ carer_id: record.id, type });
      } catch (err) {
        if (err.code !== 'age_warning') throw err;
        button.disabled = false;
        const go = await confirmDialog({
          title: 'Check the assessment type',
          message: sentence(err.message),
          confirmLabel: 'Continue anyway',
          cancelLabel: 'Cancel',
        });
        if (!go) return;
        created = await api.assessmentStart({ carer_id: record.id, type, confirm_age_warning: true });
      }
      navigate(`/assessments/${created.id}`, { flash: `${created.type_label} started: answers are saved as you go` });
    } catch (err) {
      status.textContent = sentence(err.message);
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  }

  refresh();
  return { element, refresh };
}

// ---------------------------------------------------------------- the score chart

/**
 * MACA-YC18 total (0–36) and PANOC-YC20 positive and negative (0–20) across completed young
 * carer's assessments: two small SVG line charts with every number written beside its point
 * (lines differ by dash and marker shape, so they read in greyscale), and the same as a table.
 */
export function scoreChart(points) {
  if (!points || !points.length) return null;
  const labels = points.map((p) => formatDate(p.assessed_on) || p.reference);
  return h('div', { class: 'score-history' },
    h('h3', { class: 'score-history__title', id: 'score-history-title' }, 'Questionnaire scores over time'),
    h('div', { class: 'score-history__charts' },
      lineChart('MACA-YC18 total caring activity', 36, labels, [{ name: 'MACA total', values: points.map((p) => p.maca_total), cls: 'line--maca', marker: 'circle' }]),
      lineChart('PANOC-YC20 outcomes of caring', 20, labels, [
        { name: 'Positive', values: points.map((p) => p.panoc_positive), cls: 'line--positive', marker: 'circle' },
        { name: 'Negative', values: points.map((p) => p.panoc_negative), cls: 'line--negative', marker: 'square' },
      ])),
    h('table', { class: 'table table--scores' },
      h('caption', { class: 'score-history__caption' }, 'The scores as a table (a blank means the questionnaire was not fully answered)'),
      h('thead', null, h('tr', null,
        ['Assessment date', 'MACA-YC18 total', 'MACA band', 'PANOC positive', 'PANOC negative'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, points.map((p, i) => h('tr', null,
        h('th', { scope: 'row' }, h('a', { href: `#/assessments/${p.id}` }, labels[i])),
        h('td', { class: 'numeric' }, num(p.maca_total)),
        h('td', null, p.maca_band_label || ''),
        h('td', { class: 'numeric' }, num(p.panoc_positive)),
        h('td', { class: 'numeric' }, num(p.panoc_negative)))))));
}

function num(v) {
  return v === null || v === undefined ? '' : String(v);
}

function lineChart(title, max, labels, series) {
  const W = 420;
  const H = 200;
  const left = 36;
  const right = 20;
  const top = 16;
  const bottom = 40;
  const n = labels.length;
  const x = (i) => (n === 1 ? left + (W - left - right) / 2 : left + (i * (W - left - right)) / (n - 1));
  const y = (v) => top + (1 - v / max) * (H - top - bottom);
  const ticks = max === 36 ? [0, 9, 18, 27, 36] : [0, 5, 10, 15, 20];
  const children = [
    s('title', {}, `${title}: ${series.map((sr) => `${sr.name} ${sr.values.map((v) => (v ?? 'none')).join(', ')}`).join('; ')}`),
    ticks.map((t) => [
      s('line', { x1: left, x2: W - right, y1: y(t), y2: y(t), class: 'chart__grid' }),
      s('text', { x: left - 6, y: y(t) + 4, class: 'chart__tick', 'text-anchor': 'end' }, String(t)),
    ]),
    labels.map((l, i) => s('text', { x: x(i), y: H - bottom + 18, class: 'chart__tick', 'text-anchor': 'middle' }, l)),
  ];
  series.forEach((sr, si) => {
    const pts = sr.values.map((v, i) => (v === null || v === undefined ? null : [x(i), y(v), v]));
    // Lines join consecutive scored points only.
    for (let i = 1; i < pts.length; i += 1) {
      if (pts[i - 1] && pts[i]) children.push(s('line', { x1: pts[i - 1][0], y1: pts[i - 1][1], x2: pts[i][0], y2: pts[i][1], class: ['chart__line', sr.cls].join(' ') }));
    }
    for (const p of pts) {
      if (!p) continue;
      children.push(sr.marker === 'square'
        ? s('rect', { x: p[0] - 4.5, y: p[1] - 4.5, width: 9, height: 9, class: ['chart__marker', sr.cls].join(' ') })
        : s('circle', { cx: p[0], cy: p[1], r: 5, class: ['chart__marker', sr.cls].join(' ') }));
      // The second series writes its numbers below its points, so close values do not collide.
      children.push(s('text', { x: p[0] + 8, y: si === 0 ? p[1] - 7 : p[1] + 16, class: 'chart__value' }, String(p[2])));
    }
  });
  const legend = series.length > 1 ? h('ul', { class: 'chart-legend' }, series.map((sr) => h('li', null,
    s('svg', { width: 30, height: 12, 'aria-hidden': 'true', focusable: 'false' },
      s('line', { x1: 0, x2: 30, y1: 6, y2: 6, class: ['chart__line', sr.cls].join(' ') }),
      sr.marker === 'square' ? s('rect', { x: 10.5, y: 1.5, width: 9, height: 9, class: ['chart__marker', sr.cls].join(' ') }) : s('circle', { cx: 15, cy: 6, r: 4.5, class: ['chart__marker', sr.cls].join(' ') })),
    ` ${sr.name}`))) : null;
  return h('figure', { class: 'chart' },
    h('figcaption', { class: 'chart__caption' }, `${title} (0 to ${max})`),
    s('svg', { class: 'chart__svg', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img' }, children),
    legend);
}
