// @ts-check
// Assessment questions, rendered generically from the form data `assessment_forms` returns, by
// question kind. Every input's name is the path the core uses in its errors
// (`answers.hours_band`, `answers.outcomes.nutrition.reasons`, `answers.maca_yc18.7`), so the
// error summary finds it, and autosave knows which answer changed.

import { h } from '../kit/dom.js';
import { formatDate, sentence } from '../kit/format.js';
import { DATE_HINT, PARTIAL_DATE_HINT, YES_NO, field } from '../kit/fields.js';

/**
 * The input name for a question's answer.
 * @param {string} code
 */
export const answerName = (code) => `answers.${code}`;

/** One question, with the current answer. `ctx` is the assessment_forms result. */
export function question(q, answer, ctx) {
  const name = answerName(q.code);
  const hint = q.help || null;
  const label = q.required ? q.label : `${q.label} (optional)`;
  switch (q.kind) {
    case 'long_text': return field({ name, label, hint, type: 'textarea', rows: 3 }, answer);
    case 'text': return field({ name, label, hint, width: 'long' }, answer);
    case 'date': return field({ name, label, hint: hint || DATE_HINT, type: 'date', width: 'date' }, answer);
    case 'partial_date': return field({ name, label, hint: hint || PARTIAL_DATE_HINT, type: 'date', width: 'date' }, answer);
    case 'number': return field({ name, label, hint, type: 'number', width: 'short' }, answer);
    case 'yes_no': return field({ name, label, hint, type: 'radios', choices: YES_NO }, answer);
    case 'multi_choice': return field({ name, label, hint, type: 'checkboxes', choices: q.choices || [], columns: false }, answer);
    case 'choice': return field({ name, label, hint, type: 'choice', choices: q.choices || ctx.lists?.[q.list] || [], blank: 'Not answered', width: 'long' }, answer);
    case 'outcomes': return outcomesQuestion(q, answer || {}, ctx);
    case 'wellbeing': return wellbeingQuestion(q, answer || {}, ctx);
    case 'instrument': return instrumentQuestion(q, answer || {}, ctx);
    default: return field({ name, label, hint }, typeof answer === 'string' ? answer : '');
  }
}

function outcomesQuestion(q, answer, ctx) {
  const reasons = ctx.lists.unable_reason || [];
  return h('div', { class: 'composite', dataset: { field: answerName(q.code) } },
    h('p', { class: 'label label--large', id: `q-${q.code}` }, q.label),
    q.help ? h('p', { class: 'hint' }, q.help) : null,
    h('ol', { class: 'outcome-list' }, (ctx.lists.eligibility_outcome || []).map((o) => {
      const base = `${answerName(q.code)}.${o.code}`;
      const a = answer[o.code] || {};
      const reasonsGroup = field({ name: `${base}.reasons`, label: 'Why not? Tick every reason that applies', type: 'checkboxes', choices: reasons, columns: false }, a.reasons);
      reasonsGroup.hidden = a.achieved !== false;
      reasonsGroup.classList.add('outcome__reasons');
      return h('li', { class: 'outcome', dataset: { outcome: o.code } },
        h('h4', { class: 'outcome__title', id: `outcome-${o.code}` }, sentence(o.label)),
        field({ name: `${base}.achieved`, label: `Can the carer achieve this outcome? (${o.label})`, type: 'radios', choices: YES_NO, legendClass: 'legend--quiet' }, a.achieved),
        reasonsGroup,
        field({ name: `${base}.note`, label: 'Note (optional)', type: 'textarea', rows: 3 }, a.note),
      );
    })));
}

function wellbeingQuestion(q, answer, ctx) {
  const impacts = ctx.lists.wellbeing_impact || [];
  return h('div', { class: 'composite', dataset: { field: answerName(q.code) } },
    h('p', { class: 'label label--large' }, q.label),
    q.help ? h('p', { class: 'hint' }, q.help) : null,
    h('ul', { class: 'wellbeing-list' }, (ctx.lists.wellbeing_area || []).map((area) => {
      const base = `${answerName(q.code)}.${area.code}`;
      const a = answer[area.code] || {};
      return h('li', { class: 'wellbeing' },
        field({ name: `${base}.impact`, label: sentence(area.label), type: 'radios', choices: impacts }, a.impact),
        field({ name: `${base}.note`, label: `Note about ${area.label} (optional)`, width: 'long' }, a.note));
    })));
}

function instrumentQuestion(q, answer, ctx) {
  const inst = (ctx.instruments || []).find((i) => i.code === (q.instrument || q.code));
  if (!inst) return h('p', { class: 'muted' }, `The questionnaire ${q.instrument} is not available.`);
  return h('div', { class: 'composite instrument', dataset: { field: answerName(q.code) } },
    h('h3', { class: 'instrument__name' }, inst.name),
    inst.about ? h('p', { class: 'hint' }, inst.about) : null,
    inst.copyright ? h('p', { class: 'hint small' }, inst.copyright) : null,
    h('ol', { class: 'instrument__items' }, inst.items.map((item) =>
      h('li', { class: 'instrument__item' },
        field({ name: `${answerName(q.code)}.${item.number}`, label: `${item.number}. ${item.label}`, type: 'radios', choices: inst.scale }, answer[String(item.number)])))));
}

// ---------------------------------------------------------------- reading answers back

/**
 * The answer patch for one changed input: { key, value } where key is the question code and
 * value is what `assessment_save` should get for it. Nested answers (outcomes, wellbeing,
 * instruments) are sent per outcome, area or item, whole, since the core replaces each.
 */
export function changedAnswer(form, name, questions) {
  const parts = name.split('.');
  if (parts[0] !== 'answers') return null;
  const code = parts[1];
  const q = questions.get(code);
  if (!q) return null;
  const els = [...form.elements].filter((el) => el.name && el.name.startsWith(`answers.${code}`));
  const one = (n) => els.filter((el) => el.name === n);
  if (q.kind === 'outcomes' || q.kind === 'wellbeing') {
    const sub = parts[2];
    const base = `answers.${code}.${sub}`;
    let value;
    if (q.kind === 'outcomes') {
      const achieved = radioValue(one(`${base}.achieved`));
      value = {
        achieved,
        reasons: achieved === false ? one(`${base}.reasons`).filter((el) => el.checked).map((el) => el.value) : [],
        note: textValue(one(`${base}.note`)[0]),
      };
      if (value.achieved === null && !value.reasons.length && value.note === null) value = null;
    } else {
      value = { impact: radioValue(one(`${base}.impact`)), note: textValue(one(`${base}.note`)[0]) };
      if (value.impact === null && value.note === null) value = null;
    }
    return { key: code, value: { [sub]: value } };
  }
  if (q.kind === 'instrument') {
    const item = parts[2];
    return { key: code, value: { [item]: radioValue(one(name)) } };
  }
  const inputs = one(name);
  let value;
  switch (q.kind) {
    case 'yes_no': value = radioValue(inputs); break;
    case 'multi_choice': { const l = inputs.filter((el) => el.checked).map((el) => el.value); value = l.length ? l : null; break; }
    case 'choice': value = inputs[0].value || null; break;
    case 'number': {
      const t = inputs[0].value.trim();
      value = t === '' ? null : (/^-?\d+$/.test(t) ? Number(t) : t);
      break;
    }
    default: value = textValue(inputs[0]);
  }
  return { key: code, value };
}

function radioValue(inputs) {
  const on = inputs.find((el) => el.checked);
  if (!on) return null;
  if (on.value === 'true') return true;
  if (on.value === 'false') return false;
  return on.value;
}

function textValue(el) {
  if (!el) return null;
  return el.value.trim() === '' ? null : el.value;
}

/** Merge a patch into answers the way the core does (nested kinds merge one level down). */
export function mergeAnswers(target, patch, questions) {
  for (const [code, value] of Object.entries(patch)) {
    const q = questions.get(code);
    const nested = q && ['outcomes', 'wellbeing', 'instrument'].includes(q.kind);
    if (nested && value && typeof value === 'object') {
      target[code] = { ...(target[code] && typeof target[code] === 'object' ? target[code] : {}), ...value };
    } else {
      target[code] = value;
    }
  }
  return target;
}

// ---------------------------------------------------------------- conditions (`when`)

/**
 * Whether sections and questions are asked, as the core decided for the answers it holds (the
 * assessment's `not_asked`): the window keeps no copy of the `when` rules.
 * @param {{ not_asked?: { sections: string[], questions: string[] } }} assessment
 */
export function askedBy(assessment) {
  const sections = new Set(assessment.not_asked?.sections || []);
  const questions = new Set(assessment.not_asked?.questions || []);
  return {
    /** @param {{ code: string }} section */
    section: (section) => !sections.has(section.code),
    /** @param {string} code */
    question: (code) => !questions.has(code),
  };
}

/**
 * The codes of the questions that other sections or questions depend on (`when`): a change to
 * one is saved at once, so what is asked follows without waiting.
 */
export function conditionQuestions(form) {
  return new Set(form.sections.flatMap((sec) => [sec.when, ...sec.questions.map((q) => q.when)]).filter(Boolean).map((w) => w.question));
}

// ---------------------------------------------------------------- progress

/**
 * { answered, total } for one section, counting outcomes, areas and items one by one. With
 * `asked` (from askedBy), questions that are not asked are left out.
 */
export function sectionProgress(section, answers, ctx, asked = null) {
  let answered = 0;
  let total = 0;
  for (const q of section.questions) {
    if (asked && !asked.question(q.code)) continue;
    const a = answers[q.code];
    if (q.kind === 'outcomes') {
      for (const o of ctx.lists.eligibility_outcome || []) {
        total += 1;
        if (a && a[o.code] && typeof a[o.code].achieved === 'boolean') answered += 1;
      }
    } else if (q.kind === 'wellbeing') {
      for (const w of ctx.lists.wellbeing_area || []) {
        total += 1;
        if (a && a[w.code] && a[w.code].impact) answered += 1;
      }
    } else if (q.kind === 'instrument') {
      const inst = (ctx.instruments || []).find((i) => i.code === (q.instrument || q.code));
      for (const item of inst ? inst.items : []) {
        total += 1;
        if (a && a[String(item.number)]) answered += 1;
      }
    } else {
      total += 1;
      if (isAnswered(a)) answered += 1;
    }
  }
  return { answered, total };
}

function isAnswered(a) {
  if (a === null || a === undefined) return false;
  if (typeof a === 'string') return a.trim() !== '';
  if (Array.isArray(a)) return a.length > 0;
  return true;
}

// ---------------------------------------------------------------- read-only answers

/** An answer as text, for the completed (read-only) view. */
export function answerText(q, a, ctx) {
  if (a === null || a === undefined || a === '' || (Array.isArray(a) && !a.length)) return null;
  switch (q.kind) {
    case 'yes_no': return a === true ? 'Yes' : a === false ? 'No' : String(a);
    case 'date': case 'partial_date': return formatDate(a);
    case 'choice': return labelOf(q.choices || ctx.lists?.[q.list], a);
    case 'multi_choice': return a.map((c) => labelOf(q.choices, c)).join(', ');
    default: return typeof a === 'object' ? null : String(a);
  }
}

export function labelOf(list, code) {
  const found = (list || []).find((c) => c.code === code);
  return found ? found.label : String(code);
}
