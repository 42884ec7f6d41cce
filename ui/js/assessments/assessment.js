// @ts-check
// An assessment (#/assessments/:id). A draft is an editor: the form's sections as fieldsets, a
// list of sections with progress at the top, every answer autosaved (~600 ms after the last
// change, only what changed), and the live preview (determination or scores) beside it.
// A completed assessment is read only, with its stored result and "Start a new version".
// Sections and questions with a `when` are shown only while the core says they are asked (the
// assessment's `not_asked`, after each save; an answer they depend on is saved at once; hidden
// answers are kept).

import * as api from '../api.js';
import { h, replace, append, focusElement, confirmDialog } from '../kit/dom.js';
import { setTitle, flash, navigate } from '../nav.js';
import { displayName, formatDate, sentence } from '../kit/format.js';
import { showErrors, clearErrors, fieldWrapper, fieldLink, showQuietErrors, mapErrors } from '../kit/errors.js';
import { DATE_HINT } from '../kit/fields.js';
import { question, changedAnswer, mergeAnswers, sectionProgress, answerText, labelOf, askedBy, conditionQuestions } from './assessment-fields.js';
import { determinationBlock, noDeterminationNote, scoresBlock, flagsOf, safeguardingAlert } from './assessment-results.js';
import { needsEditor, needsReadOnly, pageField } from './assessment-needs.js';
import { detailRow } from '../kit/details.js';
import { jumpNav } from '../kit/contents.js';

const SAVE_DELAY = 600;

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { id }) {
  const [ctx, first] = await Promise.all([api.assessmentForms(), api.assessmentGet(id)]);
  const carer = await api.carerGet(first.carer_id);
  const form = ctx.forms.find((f) => f.type === first.type);
  if (!form) throw { code: 'not_found', message: `there is no form for ${first.type_label || first.type}` };
  setTitle(`${first.type_label} – ${displayName(carer)}`);
  const questions = new Map(form.sections.flatMap((sec) => sec.questions.map((q) => [q.code, q])));

  const head = [
    h('p', { class: 'back' }, h('a', { href: `#/carers/${carer.id}` }, `Back to ${displayName(carer)}`)),
    h('h1', { class: 'page-title', id: 'assessment-title' }, form.title),
    h('p', { class: 'record-head__facts' },
      h('span', { class: 'record-head__ref' }, first.reference),
      h('span', null, `Version ${first.version}`),
      first.status === 'completed'
        ? h('span', { class: 'badge badge--plain', id: 'assessment-status' }, 'Completed')
        : h('span', { class: 'badge badge--open', id: 'assessment-status' }, 'Draft'),
      h('span', null, displayName(carer)),
      h('span', { class: 'muted' }, form.law)),
    versionLinks(first),
    first.age_warning ? h('div', { class: 'notice' }, h('p', { class: 'notice__title' }, 'Started after an age warning'), h('p', null, sentence(first.age_warning))) : null,
  ];

  if (first.status === 'completed') {
    append(main, head, completedView(first, form, ctx, carer));
    return undefined;
  }
  return draftEditor(main, head, first, form, ctx, questions);
}

function versionLinks(a) {
  if (!a.versions || a.versions.length < 2) return null;
  return h('nav', { class: 'versions', 'aria-label': 'Versions of this assessment' },
    h('span', { class: 'versions__label' }, 'Versions: '),
    h('ul', { class: 'versions__list' }, a.versions.map((v) => {
      const text = `Version ${v.version} (${v.status === 'completed' ? `completed ${formatDate(v.completed_at)}` : 'draft'})`;
      return h('li', null, v.id === a.id ? h('span', { 'aria-current': 'page', class: 'versions__current' }, text) : h('a', { href: `#/assessments/${v.id}` }, text));
    })));
}

// ---------------------------------------------------------------- the draft editor

function draftEditor(main, head, first, form, ctx, questions) {
  let assessment = first;
  const answers = structuredClone(first.answers || {});
  let pending = {}; // answers changed since the last save: { code: value }
  let pendingAssessedOn;
  let timer = null;
  let saving = null; // the save in flight
  let failed = false;
  let lastError = null; // the core's answer to the last failed save
  let needsDirty = false; // the needs list changed since the last save
  let alertShown = '';
  const outcomesQ = form.sections.flatMap((sec) => sec.questions).find((q) => q.kind === 'outcomes');
  const conditional = new Map(); // question code -> its element, for questions with a `when`
  const deciding = conditionQuestions(form); // answers that decide what else is asked
  let asked = askedBy(first);
  const needsEd = needsEditor({
    needs: first.needs,
    ctx,
    getOutcomes: outcomesQ ? () => answers[outcomesQ.code] : null,
    onChange: () => { needsDirty = true; drawProgress(); setStatus('Saving…', 'pending'); schedule(SAVE_DELAY); },
  });

  const status = h('p', { class: 'save-status', id: 'save-status', role: 'status', 'aria-live': 'polite' });
  const progress = h('nav', { class: 'section-nav', 'aria-labelledby': 'section-nav-title' });
  const preview = h('div', { class: 'preview__body', id: 'preview' });
  const alertBox = h('div', { class: 'preview__alert' });

  const formEl = h('form', { class: 'form assessment-form', id: 'assessment-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { class: 'label', for: 'assessed_on' }, 'Date of the assessment (optional)'),
      h('p', { class: 'hint', id: 'assessed_on-hint' }, `${DATE_HINT}. If left empty, the day it is completed.`),
      h('input', { class: 'input input--date', id: 'assessed_on', name: 'assessed_on', type: 'text', autocomplete: 'off', 'aria-describedby': 'assessed_on-hint', value: formatDate(first.assessed_on) })),
    form.sections.map((sec) => h('fieldset', { class: 'fieldset assessment-section', id: `section-${sec.code}` },
      h('legend', { class: 'fieldset__legend' }, h('h2', { class: 'fieldset__heading' }, sec.title)),
      sec.help ? h('p', { class: 'hint' }, sec.help) : null,
      sec.questions.map((q) => {
        const el = question(q, answers[q.code], ctx);
        if (q.when) conditional.set(q.code, el);
        return el;
      }))),
    needsEd.element,
    h('div', { class: 'complete-box' },
      h('h2', null, 'Complete the assessment'),
      h('p', null, 'Completing locks the assessment and stores its result. Later changes are made in a new version, and this one stays readable.'),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'button button--large', id: 'complete-assessment' }, 'Complete assessment'))),
  );

  append(main, head,
    h('div', { class: 'assessment-top' },
      h('div', { class: 'assessment-top__nav' },
        h('h2', { class: 'section-nav__title', id: 'section-nav-title' }, 'Sections'),
        progress),
      status),
    h('div', { class: 'assessment-layout' },
      h('div', { class: 'assessment-layout__form' }, formEl),
      h('aside', { class: 'assessment-layout__side preview', tabindex: '0', 'aria-labelledby': 'preview-title' },
        h('h2', { class: 'preview__title', id: 'preview-title' }, 'So far'),
        alertBox,
        preview)));

  applyConditions();
  drawProgress();
  drawPreview();

  /** Show the sections and questions whose `when` holds; hide the rest (answers are kept). */
  function applyConditions() {
    for (const sec of form.sections) {
      if (!sec.when) continue;
      const el = formEl.querySelector(`#section-${sec.code}`);
      if (el) el.hidden = !asked.section(sec);
    }
    for (const [code, el] of conditional) el.hidden = !asked.question(code);
  }

  // --- autosave
  function onEdit(event) {
    const el = event.target;
    if (!el.name) return;
    if (el.name.startsWith('needs[')) {
      needsDirty = true;
      if (event.type === 'change') drawProgress();
    } else if (el.name === 'assessed_on') {
      pendingAssessedOn = el.value.trim() === '' ? null : el.value.trim();
    } else {
      const change = changedAnswer(formEl, el.name, questions);
      if (!change) return;
      // An outcome's reasons are only asked when it is not achieved.
      if (/\.achieved$/.test(el.name)) {
        const reasons = fieldWrapper(formEl, el.name.replace(/\.achieved$/, '.reasons'));
        if (reasons) reasons.hidden = !(el.value === 'false' && el.checked);
      }
      mergeAnswers(pending, { [change.key]: change.value }, questions);
      mergeAnswers(answers, { [change.key]: change.value }, questions);
      drawProgress();
      if (deciding.has(change.key)) {
        setStatus('Saving…', 'pending');
        schedule(0);
        return;
      }
    }
    setStatus('Saving…', 'pending');
    schedule(SAVE_DELAY);
  }
  formEl.addEventListener('input', onEdit);
  formEl.addEventListener('change', onEdit);

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(() => { save(); }, delay);
  }

  function setStatus(text, kind) {
    status.textContent = text;
    status.dataset.state = kind;
  }

  async function save() {
    clearTimeout(timer);
    timer = null;
    if (saving) { await saving.catch(() => {}); }
    if (!Object.keys(pending).length && pendingAssessedOn === undefined && !needsDirty) return;
    const args = { id: assessment.id };
    if (Object.keys(pending).length) args.answers = pending;
    if (pendingAssessedOn !== undefined) args.assessed_on = pendingAssessedOn;
    let needRows = null;
    if (needsDirty) {
      const read = needsEd.read();
      args.needs = read.needs;
      needRows = read.rows;
      needsDirty = false;
    }
    const sent = pending;
    pending = {};
    pendingAssessedOn = undefined;
    saving = (async () => {
      try {
        assessment = await api.assessmentSave(args);
        asked = askedBy(assessment);
        applyConditions();
        drawProgress();
        if (failed) { clearErrors(formEl); failed = false; lastError = null; }
        if (!timer && !Object.keys(pending).length) setStatus('Saved', 'saved');
        drawPreview();
      } catch (caught) {
        failed = true;
        let err = caught;
        // Errors about needs name them as sent: point them at the rows on the page.
        if (needRows) {
          err = { ...err, field: pageField(err.field, needRows), errors: err.errors?.map((e) => ({ ...e, field: pageField(e.field, needRows) })) };
        }
        lastError = err;
        // Nothing was saved: keep what was sent (unless newer), but leave out what the core
        // refused, so the rest still saves; show the problem beside its field.
        const refused = new Set((err.errors?.length ? err.errors : [err]).map((e) => topCode(e.field)).filter(Boolean));
        const retry = {};
        for (const [k, v] of Object.entries(sent)) if (!refused.has(k) && !(k in pending)) retry[k] = v;
        if (args.assessed_on !== undefined && !refused.has('assessed_on') && pendingAssessedOn === undefined) pendingAssessedOn = args.assessed_on;
        // The needs list goes again if something else was refused; if it was, the next edit sends it.
        if (args.needs && !refused.has('needs')) needsDirty = true;
        pending = mergeAnswers(retry, pending, questions);
        setStatus(`Not saved: ${sentence(err.message)}`, 'error');
        showQuietErrors(formEl, err);
        if (Object.keys(pending).length || pendingAssessedOn !== undefined || needsDirty) schedule(SAVE_DELAY);
      }
    })();
    try { await saving; } finally { saving = null; }
  }

  function topCode(field) {
    if (!field) return null;
    if (field === 'assessed_on') return 'assessed_on';
    if (/^needs\b/.test(field)) return 'needs';
    const m = /^answers\.([^.]+)/.exec(field);
    return m ? m[1] : null;
  }



  // --- completing
  formEl.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = document.getElementById('complete-assessment');
    button.disabled = true;
    button.textContent = 'Completing…';
    try {
      await save();
      // What the core refused is not saved: put it right before completing.
      if (failed && lastError) throw lastError;
      clearErrors(document);
      // Check your answers when it can be completed (otherwise the core says what is missing).
      if (!(assessment.preview?.missing || []).length && !(assessment.preview?.problems || []).length && !(await checkAnswers())) return;
      const done = await api.assessmentComplete(assessment.id);
      navigate(`/assessments/${done.id}`, { flash: 'Assessment completed' });
    } catch (err) {
      if (!formEl.isConnected) return;
      showErrors(formEl, mapErrors(formEl, err));
    } finally {
      if (button.isConnected) { button.disabled = false; button.textContent = 'Complete assessment'; }
    }
  });


  /** Check your answers: what is answered in each part, what is left blank, and that completing locks it. */
  function checkAnswers() {
    const parts = form.sections.filter(asked.section).map((sec) => ({ sec, ...sectionProgress(sec, answers, ctx, asked) }));
    const blank = parts.reduce((n, x) => n + (x.total - x.answered), 0);
    return confirmDialog({
      title: 'Check your answers',
      message: 'Completing locks the assessment: after that, a change needs a new version.',
      content: [
        h('dl', { class: 'details details--compact', id: 'check-answers' }, parts.map((x) => h('div', { class: 'details__row' },
          h('dt', null, x.sec.title),
          h('dd', null, x.answered === x.total ? 'All answered' : `${x.answered} of ${x.total} answered`)))),
        h('p', { id: 'check-answers-blank' }, blank ? `${blank} ${blank === 1 ? 'answer is' : 'answers are'} left blank. They are optional: the assessment can be completed without them.` : 'Nothing is left blank.'),
      ],
      confirmLabel: 'Complete and lock',
      cancelLabel: 'Go back',
    });
  }

  // --- progress and preview
  function drawProgress() {
    replace(progress, h('ol', { class: 'section-nav__list' }, form.sections.filter(asked.section).map((sec) => {
      const { answered, total } = sectionProgress(sec, answers, ctx, asked);
      const complete = total > 0 && answered === total;
      return h('li', { class: ['section-nav__item', complete ? 'section-nav__item--done' : null] },
        h('a', {
          href: `#section-${sec.code}`,
          onclick: (event) => { event.preventDefault(); const target = document.getElementById(`section-${sec.code}`); target.scrollIntoView({ block: 'start' }); focusElement(target.querySelector('legend h2') || target); },
        }, sec.title),
        ' ',
        h('span', { class: 'section-nav__count' }, `${answered} of ${total}`, h('span', { class: 'visually-hidden' }, ' answered')));
    }),
    h('li', { class: 'section-nav__item' },
      h('a', {
        href: '#section-needs',
        onclick: (event) => { event.preventDefault(); const target = document.getElementById('section-needs'); target.scrollIntoView({ block: 'start' }); focusElement(target.querySelector('legend h2') || target); },
      }, 'Needs identified'),
      ' ',
      h('span', { class: 'section-nav__count' }, `${needsEd.count()} listed`))));
  }

  function drawPreview() {
    const p = assessment.preview || {};
    const flags = flagsOf(p.scores);
    const key = flags.map((f) => f.code).join(',');
    if (key !== alertShown) {
      alertShown = key;
      replace(alertBox, safeguardingAlert(flags));
    }
    const missing = p.missing || [];
    const problems = p.problems || [];
    replace(preview,
      p.determination ? determinationBlock(p.determination, { eligibility: form.eligibility })
        : problems.length ? null : noDeterminationNote(form.eligibility),
      scoresBlock(p.scores, ctx.instruments),
      problems.length ? h('div', { class: 'preview__problems' },
        h('h3', null, 'To put right'),
        h('ul', null, problems.map((x) => h('li', null, fieldLink(formEl, x))))) : null,
      missing.length
        ? h('details', { class: 'preview__missing' },
          h('summary', null, `${missing.length} ${missing.length === 1 ? 'answer' : 'answers'} still needed to complete`),
          h('ul', null, missing.map((x) => h('li', null, fieldLink(formEl, x)))))
        : h('p', { class: 'preview__ready' }, 'Every required answer is given: the assessment can be completed.'));
  }


  const flushNow = () => { if (timer) save(); };
  window.addEventListener('beforeunload', flushNow);
  window.addEventListener('pagehide', flushNow);
  return () => {
    window.removeEventListener('beforeunload', flushNow);
    window.removeEventListener('pagehide', flushNow);
    flushNow();
  };
}

// ---------------------------------------------------------------- a completed assessment

function completedView(a, form, ctx, carer) {
  const newVersion = async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const draft = await api.assessmentNewVersion(a.id);
      navigate(`/assessments/${draft.id}`, { flash: `Version ${draft.version} started: a draft copy of version ${a.version}` });
    } catch (err) {
      button.disabled = false;
      flash(sentence(err.message));
    }
  };
  // The next step after an assessment: a support plan that takes over its needs and determination.
  const makePlan = async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const plan = await api.planCreate({ carer_id: a.carer_id, assessment_id: a.id });
      navigate(`/plans/${plan.id}`, { flash: `Support plan ${plan.reference} started from this assessment: it is saved as you go` });
    } catch (err) {
      button.disabled = false;
      flash(sentence(err.message));
    }
  };
  const flags = flagsOf(a.scores);
  const done = askedBy(a);
  const parts = [
    ...form.sections.filter(done.section).map((sec) => ({ id: `done-section-${sec.code}`, title: sec.title })),
    a.needs?.length ? { id: 'needs-done', title: 'Needs identified' } : null,
    { id: 'assessment-result', title: 'Result' },
  ].filter((p) => p !== null);
  return h('div', { class: 'assessment-layout assessment-layout--done', id: 'assessment-completed' },
    h('div', { class: 'assessment-layout__form' },
      h('div', { class: 'notice notice--locked' },
        h('p', { class: 'notice__title' }, `Completed on ${formatDate(a.completed_at)}${a.completed_by ? ` by ${a.completed_by}` : ''}`),
        h('p', null, `Assessment date ${formatDate(a.assessed_on) || formatDate(a.completed_at)}. Completed assessments are locked.`),
        a.next_id
          ? h('p', null, 'A newer version exists: ', h('a', { href: `#/assessments/${a.next_id}` }, 'open the newer version'), '.')
          : carer.status === 'closed' ? null
            : h('div', { class: 'button-row' },
              h('button', { type: 'button', class: 'button', id: 'make-plan-from-assessment', onclick: makePlan }, 'Make a support plan'),
              h('button', { type: 'button', class: 'button button--secondary', id: 'new-version', onclick: newVersion }, 'Start a new version'))),
      h('div', { class: 'assessment-contents' }, jumpNav('assessment-contents', 'On this page', parts)),
      form.sections.filter(done.section).map((sec) => h('section', { class: 'details-section', id: `done-section-${sec.code}`, 'aria-labelledby': `done-${sec.code}` },
        h('h2', { class: 'details-section__title', id: `done-${sec.code}` }, sec.title),
        sec.questions.filter((q) => done.question(q.code)).map((q) => readOnly(q, a.answers?.[q.code], ctx)))),
      needsReadOnly(a.needs)),
    h('aside', { class: 'assessment-layout__side preview', id: 'assessment-result', tabindex: '0', 'aria-labelledby': 'result-title' },
      h('h2', { class: 'preview__title', id: 'result-title' }, 'Result'),
      safeguardingAlert(flags),
      determinationBlock(a.determination, { eligibility: form.eligibility }),
      scoresBlock(a.scores, ctx.instruments),
      !a.determination && form.eligibility ? noDeterminationNote(form.eligibility, { completed: true })
        : !a.determination && !a.scores ? h('p', { class: 'muted' }, 'This assessment type has no computed result.') : null));
}

function readOnly(q, answer, ctx) {
  if (q.kind === 'outcomes') {
    const rows = (ctx.lists.eligibility_outcome || []).map((o) => {
      const x = answer?.[o.code] || {};
      const reasons = (x.reasons || []).map((r) => labelOf(ctx.lists.unable_reason, r)).join('; ');
      const text = x.achieved === true ? 'Achieved' : x.achieved === false ? `Not achieved${reasons ? `: ${reasons}` : ''}` : 'Not answered';
      return detailRow(sentence(o.label), [text, x.note ? h('span', { class: 'pre-line block muted' }, x.note) : null]);
    });
    return [h('h3', { class: 'details-sub' }, q.label), h('dl', { class: 'details' }, rows)];
  }
  if (q.kind === 'wellbeing') {
    const rows = (ctx.lists.wellbeing_area || []).map((w) => {
      const x = answer?.[w.code] || {};
      return detailRow(sentence(w.label), [x.impact ? labelOf(ctx.lists.wellbeing_impact, x.impact) : 'Not answered', x.note ? h('span', { class: 'pre-line block muted' }, x.note) : null]);
    });
    return [h('h3', { class: 'details-sub' }, q.label), h('dl', { class: 'details' }, rows)];
  }
  if (q.kind === 'instrument') {
    const inst = (ctx.instruments || []).find((i) => i.code === (q.instrument || q.code));
    if (!inst) return null;
    return [h('h3', { class: 'details-sub' }, inst.name),
      h('dl', { class: 'details details--compact' }, inst.items.map((item) =>
        detailRow(`${item.number}. ${item.label}`, answer?.[String(item.number)] ? labelOf(inst.scale, answer[String(item.number)]) : 'Not answered')))];
  }
  const text = answerText(q, answer, ctx);
  return h('dl', { class: 'details' }, detailRow(q.label, text ? h('span', { class: 'pre-line' }, text) : h('span', { class: 'muted' }, 'Not answered')));
}

