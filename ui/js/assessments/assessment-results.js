// @ts-check
// What an assessment's answers come to: the adult eligibility determination with its
// explanation, the young carer questionnaires' scores (totals, bands, subscale bars) and the
// safeguarding prompt. Used live beside a draft and on a completed assessment.

import { h } from '../kit/dom.js';

const SVG = 'http://www.w3.org/2000/svg';

/** Build an SVG element (h() makes HTML elements). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined && v !== false) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const RESULT_LABELS = { eligible: 'Eligible', not_eligible: 'Not eligible', cannot_decide_yet: 'Cannot decide yet' };

/**
 * The reg 3 determination, or a transition assessment's indication of eligibility at 18: the
 * result, and the explanation with its line breaks kept. `eligibility` is the form's block
 * (title and result labels, data); an indication always says it is not a determination.
 */
export function determinationBlock(det, { headingLevel = 3, eligibility = null } = {}) {
  if (!det) return null;
  const indication = det.indication === true || eligibility?.mode === 'indication';
  const label = eligibility?.results?.[det.result] || RESULT_LABELS[det.result] || det.result;
  const title = eligibility?.title || (indication ? 'Indication of eligibility at 18' : 'Eligibility (reg 3)');
  return h('div', { class: ['determination', `determination--${det.result}`, indication ? 'determination--indication' : null], id: 'determination' },
    h(`h${headingLevel}`, { class: 'determination__title' }, title),
    indication ? h('p', { class: 'determination__kind', id: 'determination-kind' }, 'Indication, not a determination') : null,
    h('p', { class: 'determination__result', id: 'determination-result' }, label),
    indication && eligibility?.note ? h('p', { class: 'hint determination__note' }, eligibility.note) : null,
    h('p', { class: 'determination__explanation pre-line', id: 'determination-explanation' }, det.explanation || ''));
}

/**
 * What to say when a form with an eligibility block has no result because the questions it
 * reads are not asked (a transition assessment that does not go ahead, or before deciding).
 */
export function noDeterminationNote(eligibility, { completed = false } = {}) {
  if (!eligibility) return null;
  const what = eligibility.mode === 'indication' ? 'indication' : 'determination';
  return h('p', { class: 'muted determination-none', id: 'determination-none' },
    completed
      ? `No ${what}: the assessment did not go ahead, so the questions it needs were not asked.`
      : `No ${what} yet: the questions it needs are asked once the answers above say the assessment goes ahead.`);
}

/**
 * A horizontal bar with its number as text: an SVG whose width is an attribute, not a style.
 * @param {number | null | undefined} score @param {number} max @param {{ concern?: boolean, label?: string }} [o]
 */
function bar(score, max, { concern = false, label } = {}) {
  const width = 200;
  const filled = score === null || score === undefined || !max ? 0 : Math.max(0, Math.min(1, score / max)) * width;
  return s('svg', { class: 'bar', width: width + 2, height: 16, viewBox: `0 0 ${width + 2} 16`, 'aria-hidden': 'true', focusable: 'false' },
    s('rect', { x: 1, y: 1, width, height: 14, class: 'bar__track' }),
    s('rect', { x: 1, y: 1, width: filled, height: 14, class: concern ? 'bar__fill bar__fill--concern' : 'bar__fill' }),
    label ? s('title', {}, label) : null);
}

function scoreText(score, max) {
  return score === null || score === undefined ? 'not scored yet' : `${score} of ${max}`;
}

/** One questionnaire's scores. `inst` is its definition (for names and counts). */
function instrumentScores(score, inst) {
  if (!score) return null;
  const name = inst ? inst.name.split(':')[0] : score.instrument;
  const itemCount = inst ? inst.items.length : null;
  const missing = score.missing_items ? score.missing_items.length : 0;
  const rows = [];
  if (score.total_max !== null && score.total_max !== undefined) {
    rows.push(h('div', { class: 'score score--total' },
      h('p', { class: 'score__line' },
        h('span', { class: 'score__label' }, 'Total'),
        ' ',
        h('strong', { class: 'score__value', dataset: { score: `${score.instrument}-total` } }, scoreText(score.total, score.total_max))),
      score.total !== null && score.total !== undefined ? bar(score.total, score.total_max, { concern: score.total_band?.concern }) : null,
      score.total_band ? h('p', { class: 'score__band' }, score.total_band.label) : null));
  }
  for (const sub of score.subscales || []) {
    rows.push(h('div', { class: 'score' },
      h('p', { class: 'score__line' },
        h('span', { class: 'score__label' }, sub.label),
        ' ',
        h('strong', { class: 'score__value', dataset: { score: `${score.instrument}-${sub.code}` } }, scoreText(sub.score, sub.max))),
      bar(sub.score, sub.max, { concern: sub.band?.concern }),
      sub.band ? h('p', { class: 'score__band' }, sub.band.label) : null));
  }
  return h('div', { class: 'scores', dataset: { instrument: score.instrument } },
    h('h3', { class: 'scores__title' }, name),
    h('p', { class: 'hint scores__answered' },
      score.complete ? `All ${itemCount ?? score.answered} questions answered.`
        : `${score.answered} of ${itemCount ?? score.answered + missing} answered: a questionnaire with any question unanswered has no total.`),
    rows);
}

/** Every questionnaire's scores (young carer's assessment). */
export function scoresBlock(scores, instruments) {
  if (!scores) return null;
  return Object.entries(scores).map(([code, score]) =>
    instrumentScores(score, (instruments || []).find((i) => i.code === code)));
}

/** The raised flags (PANOC item 16): [{ code, prompt, ... }]. */
export function flagsOf(scores) {
  if (!scores) return [];
  return Object.values(scores).flatMap((sc) => sc?.flags || []);
}

/** The safeguarding prompt: prominent, and announced once when it appears. */
export function safeguardingAlert(flags) {
  if (!flags.length) return null;
  return h('div', { class: 'safeguarding', role: 'alert', id: 'safeguarding-alert' },
    h('p', { class: 'safeguarding__title' }, 'Safeguarding'),
    flags.map((f) => h('p', { class: 'safeguarding__prompt' }, f.prompt || f.label)));
}
