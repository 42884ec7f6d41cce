// @ts-check
// The audit trail (#/audit, administrators): who viewed, added, changed, closed, printed,
// exported or anonymised which record, and when. Filters (dates, staff member, action, carer),
// newest first with "Load more", a check of the hash chain, and an export to CSV.
// `?carer=C-000123` (or a carer's id) opens it filtered to one carer.

import * as api from '../api.js';
import { h, append, replace, focusElement } from '../kit/dom.js';
import { replaceQuery } from '../nav.js';
import { parseDate, plural, sentence, todayUk, formatDateTime } from '../kit/format.js';
import { jumpNav } from '../kit/contents.js';
import { fields, read } from '../kit/fields.js';
import { onSubmit } from '../kit/forms.js';
import { showErrors, clearErrors } from '../kit/errors.js';
import { adminOnly, safetyNav } from './safety-parts.js';

const PAGE = 100;

/** What each action is called on screen. */
const ACTIONS = [
  { code: 'view', label: 'Viewed' },
  { code: 'list', label: 'Listed or searched' },
  { code: 'create', label: 'Added' },
  { code: 'change', label: 'Changed' },
  { code: 'close', label: 'Closed or ended' },
  { code: 'delete', label: 'Removed' },
  { code: 'print', label: 'Printed' },
  { code: 'export', label: 'Exported or backed up' },
  { code: 'anonymise', label: 'Anonymised' },
  { code: 'refused', label: 'Refused (not allowed, locked or a wrong passphrase)' },
];

const ROLES = {
  administrator: 'Administrator',
  support_worker: 'Support worker',
  school_staff: 'School staff',
  reporting: 'Reporting',
};

/** Commands in plain words, as the trail shows them. Others are shown from their name. */
const COMMANDS = {
  home: 'Opened the home page',
  carer_search: 'Searched the register',
  carer_create: 'Added a carer',
  carer_get: 'Opened a carer’s record',
  carer_update: 'Changed a carer’s details',
  carer_close: 'Closed a carer’s record',
  carer_reopen: 'Reopened a carer’s record',
  carer_add_cared_for: 'Added a cared-for person',
  caring_link_create: 'Linked a carer to a cared-for person',
  caring_link_update: 'Changed a caring link',
  caring_link_remove: 'Removed a caring link',
  cared_for_get: 'Opened a cared-for person’s record',
  cared_for_update: 'Changed a cared-for person’s details',
  cared_for_search: 'Searched for cared-for people',
  note_add: 'Added a case note',
  note_list: 'Read the case notes',
  assessment_start: 'Started an assessment',
  assessment_get: 'Opened an assessment',
  assessment_save: 'Saved an assessment',
  assessment_complete: 'Completed an assessment',
  assessment_new_version: 'Started a new version of an assessment',
  assessment_list: 'Listed the assessments',
  assessment_score_history: 'Looked at questionnaire scores',
  assessment_types: 'Looked at which assessments fit their age',
  plan_create: 'Started a support plan',
  plan_get: 'Opened a support plan',
  plan_list: 'Listed the support plans',
  plan_save: 'Saved a support plan',
  plan_agree: 'Agreed a support plan',
  plan_new_version: 'Started a new version of a support plan',
  plan_discard: 'Deleted a draft support plan',
  plan_end: 'Ended a support plan',
  plan_action_update: 'Recorded progress on a plan action',
  plan_review_start: 'Started a review',
  plan_review_get: 'Opened a review',
  plan_review_save: 'Saved a review',
  plan_review_complete: 'Completed a review',
  plan_review_cancel: 'Cancelled a review',
  plan_print: 'Printed a support plan',
  plans_due: 'Listed support plan work',
  school_list: 'Listed the schools',
  school_get: 'Opened a school',
  school_print_summary: 'Printed a school’s staff summary',
  school_link_save: 'Linked a young carer to a school',
  school_link_remove: 'Removed a school link',
  adjustment_save: 'Saved a school adjustment',
  adjustment_end: 'Ended a school adjustment',
  young_carer_get: 'Opened the young carer section',
  milestone_record: 'Recorded a transition milestone',
  milestone_clear: 'Undid a transition milestone',
  handover_save: 'Recorded a handover',
  handover_print: 'Printed a handover summary',
  young_carer_card_save: 'Saved a young carer card',
  transitions: 'Listed transitions to adulthood',
  passport_issue: 'Issued a passport or card',
  passport_update: 'Changed a passport',
  passport_get: 'Opened a passport',
  passport_list: 'Listed a carer’s passports',
  passport_renew: 'Renewed a passport',
  passport_reissue: 'Reissued a passport',
  passport_revoke: 'Revoked a passport',
  passport_lookup: 'Looked up a passport number',
  passports_expiring: 'Listed passports expiring soon',
  passport_photo_set: 'Added a passport photo',
  passport_photo_clear: 'Removed a passport photo',
  passport_preview: 'Previewed a passport card',
  passports_print: 'Printed passport cards',
  subject_export: 'Exported everything held (subject access)',
  carer_anonymise: 'Anonymised a carer',
  cared_for_anonymise: 'Anonymised a cared-for person',
  backup_now: 'Backed up',
  backup_auto: 'Backed up automatically',
  backup_restore: 'Restored a backup',
  audit_export: 'Exported the audit trail',
  settings_update: 'Changed the settings',
  staff_create: 'Added a staff account',
  staff_update: 'Changed a staff account',
  staff_set_passphrase: 'Set a staff member’s passphrase',
};

/** A command name in plain words. */
export function commandWords(command) {
  if (!command) return '';
  return COMMANDS[command] || sentence(String(command).replace(/_/g, ' '));
}

/** Where a record of each type is shown, for the "Record" column's links. */
const RECORD_PAGES = {
  carer: ['Carer', (id) => `#/carers/${id}`],
  cared_for: ['Cared-for person', (id) => `#/cared-for/${id}`],
  assessment: ['Assessment', (id) => `#/assessments/${id}`],
  plan: ['Support plan', (id) => `#/plans/${id}`],
  plan_review: ['Review', (id) => `#/reviews/${id}`],
  review: ['Review', (id) => `#/reviews/${id}`],
  passport: ['Passport', (id) => `#/passports/${id}`],
  school: ['School', (id) => `#/schools/${id}`],
};

const FILTERS = [
  { name: 'from', row: 'filters', label: 'From', type: 'date', width: 'date' },
  { name: 'to', row: 'filters', label: 'To', type: 'date', width: 'date' },
  { name: 'actor', row: 'filters', label: 'Staff member', width: 'medium', hint: 'Name or username' },
  { name: 'action', row: 'filters', label: 'Action', type: 'choice', list: 'audit_actions', blank: 'Any action', hint: 'What was done' },
  { name: 'carer', row: 'filters', label: 'Carer', width: 'short', hint: 'Reference or number' },
];

/** A typed date as YYYY-MM-DD for the core, or the text as typed (the core says what is wrong). */
function dateArg(text) {
  const t = String(text ?? '').trim();
  if (!t) return null;
  const d = parseDate(t);
  if (!d) return t;
  return `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
}

/**
 * The carer filter as an id: digits are an id; a reference (C-000123) is looked up. Throws a
 * field error when nobody has that reference.
 */
async function carerIdFor(text) {
  const t = String(text ?? '').trim();
  if (!t) return null;
  if (/^\d+$/.test(t)) return Number(t);
  const found = await api.carerSearch({ query: t, limit: 5, status: 'all' }).catch(() => null);
  const hit = (found?.results || []).find((c) => String(c.reference).toUpperCase() === t.toUpperCase());
  if (!hit) {
    throw { code: 'validation', message: '', field: 'carer', errors: [{ field: 'carer', message: `no carer has the reference ${t}: check it, or type the carer’s number` }] };
  }
  return hit.id;
}

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { query }) {
  if (!(await adminOnly(main, 'Audit trail'))) return null;
  const opts = { audit_actions: ACTIONS };
  const start = {
    from: query?.get('from') || '',
    to: query?.get('to') || '',
    actor: query?.get('actor') || '',
    action: query?.get('action') || '',
    carer: query?.get('carer') || '',
  };

  const form = h('form', { id: 'audit-filters', class: 'form audit-filters', novalidate: true },
    fields(FILTERS, start, opts, 'audit-'),
    h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: 'button', id: 'audit-show' }, 'Show entries'),
      h('button', { type: 'button', class: 'button button--secondary', id: 'audit-clear', onclick: clearFilters }, 'Clear filters')));
  const results = h('div', { id: 'audit-results', 'aria-live': 'polite' });
  const count = h('p', { class: 'search__count', id: 'audit-count', role: 'status' });
  const more = h('div', { class: 'button-row', id: 'audit-more-row', hidden: true },
    h('button', { type: 'button', class: 'button button--secondary', id: 'audit-more', onclick: loadMore }, 'Load more'));
  const chainStatus = h('div', { id: 'audit-verify-status', role: 'status', 'aria-live': 'polite' });
  const exportStatus = h('div', { id: 'audit-export-status', role: 'status', 'aria-live': 'polite' });

  let filters = {};
  let entries = [];
  let hasMore = false;
  let tbody = null;

  onSubmit(form, async () => {
    filters = await readFilters();
    await load();
    focusElement(count);
  }, { busyLabel: 'Showing…', guardChanges: false });

  async function readFilters() {
    const input = read(form, FILTERS);
    const out = {};
    const from = dateArg(input.from);
    const to = dateArg(input.to);
    if (from) out.from = from;
    if (to) out.to = to;
    if (input.actor && input.actor.trim()) out.actor = input.actor.trim();
    if (input.action) out.action = input.action;
    const carerId = await carerIdFor(input.carer);
    if (carerId !== null) out.carer_id = carerId;
    replaceQuery({ from: input.from.trim(), to: input.to.trim(), actor: out.actor, action: out.action, carer: input.carer.trim() });
    return out;
  }

  function clearFilters() {
    form.reset();
    [...form.elements].forEach((el) => { if (el.tagName === 'INPUT') el.value = ''; if (el.tagName === 'SELECT') el.value = ''; });
    clearErrors(document);
    form.requestSubmit();
  }

  async function load() {
    const page = await api.auditList({ ...filters, limit: PAGE });
    entries = page.entries || [];
    hasMore = Boolean(page.more);
    drawTable();
  }

  async function loadMore(event) {
    const button = event.currentTarget;
    if (!entries.length) return;
    button.disabled = true;
    button.textContent = 'Loading…';
    try {
      const page = await api.auditList({ ...filters, limit: PAGE, before_id: entries[entries.length - 1].id });
      const added = page.entries || [];
      entries = entries.concat(added);
      hasMore = Boolean(page.more);
      added.forEach((e) => tbody.append(entryRow(e)));
      updateCount();
      // Keep the reader's place: focus the first new row's time.
      const first = added.length ? tbody.querySelector(`tr[data-entry-id="${added[0].id}"] th`) : null;
      if (first) focusElement(first);
    } catch (err) {
      more.after(h('p', { class: 'inline-error' }, sentence(err.message)));
    } finally {
      button.disabled = false;
      button.textContent = 'Load more';
    }
  }

  function updateCount() {
    const any = Object.keys(filters).length > 0;
    const which = `${plural(entries.length, 'entry', 'entries')}${any ? ' matching the filters' : ''}`;
    if (!entries.length) count.textContent = '';
    else if (hasMore) count.textContent = `The newest ${which}. For older ones, choose Load more below the list.`;
    else count.textContent = `${sentence(which)}, newest first.`;
    more.hidden = !hasMore;
  }

  function drawTable() {
    if (!entries.length) {
      tbody = null;
      replace(results, h('p', { class: 'muted', id: 'audit-empty' }, Object.keys(filters).length ? 'No entries match these filters.' : 'The audit trail is empty.'));
      updateCount();
      return;
    }
    tbody = h('tbody', null, entries.map(entryRow));
    replace(results, h('div', { class: 'table-scroll' },
      h('table', { class: 'table table--audit', id: 'audit-table' },
        h('caption', { class: 'visually-hidden' }, 'Audit trail entries, newest first'),
        h('thead', null, h('tr', null, ['When', 'Who', 'Computer', 'Action', 'What', 'Record', 'Fields changed'].map((t) => h('th', { scope: 'col' }, t)))),
        tbody)));
    updateCount();
  }

  async function verify(event) {
    const button = event.currentTarget;
    button.disabled = true;
    replace(chainStatus, h('p', { class: 'muted' }, 'Checking the register file and every entry (about a minute on a very large register)…'));
    try {
      const r = await api.auditVerify();
      if (r.ok) {
        replace(chainStatus, h('div', { class: 'notice notice--valid', id: 'audit-verify-result', dataset: { ok: 'true' } },
          h('p', { class: 'notice__title' }, `All ${Number(r.entries).toLocaleString('en-GB')} entries are intact`),
          h('p', null, 'No entry has been changed or removed since it was written, and the register file has no damage.')));
      } else if (r.register_problems && r.register_problems.length) {
        replace(chainStatus, h('div', { class: 'notice notice--error', id: 'audit-verify-result', dataset: { ok: 'false', damaged: 'true' } },
          h('p', { class: 'notice__title' }, 'The register file is damaged'),
          h('p', null, sentence(r.message))));
      } else {
        replace(chainStatus, h('div', { class: 'notice notice--error', id: 'audit-verify-result', dataset: { ok: 'false' } },
          h('p', { class: 'notice__title' }, r.first_bad_id !== null && r.first_bad_id !== undefined
            ? `The chain is broken at entry ${r.first_bad_id}`
            : 'The chain is broken'),
          r.message ? h('p', null, sentence(r.message)) : null,
          h('p', null, 'Entries from there on may have been changed or removed outside Carers Desk. Keep this computer as it is and tell whoever looks after data protection in your organisation; a backup from before the break holds the trail as it was.')));
      }
    } catch (err) {
      replace(chainStatus, h('p', { class: 'inline-error' }, sentence(err.message)));
    } finally {
      button.disabled = false;
    }
  }

  async function exportCsv(event) {
    const button = event.currentTarget;
    clearErrors(document);
    replace(exportStatus);
    let chosen;
    try {
      chosen = await readFilters();
    } catch (err) {
      showErrors(form, err);
      return;
    }
    button.disabled = true;
    try {
      const today = todayUk().split('/').reverse().join('-');
      const done = await api.auditExport(chosen, `audit-trail-${today}.csv`);
      if (!done) return;
      replace(exportStatus, h('p', { class: 'flash__text', id: 'audit-exported' },
        `${plural(Number(done.entries) || 0, 'entry', 'entries')} saved to ${done.path}`));
    } catch (err) {
      if (err && (err.field || err.errors?.length) && err.field !== 'path') showErrors(form, err);
      else replace(exportStatus, h('p', { class: 'inline-error' }, `The audit trail was not exported: ${sentence(err?.message)}`));
    } finally {
      button.disabled = false;
    }
  }

  append(main,
    safetyNav('audit'),
    h('h1', { class: 'page-title' }, 'Audit trail'),
    h('p', { class: 'lead' }, 'Every time someone opens, adds, changes, closes, prints or exports a person’s record, it is written here. Entries can never be changed or removed.'),
    jumpNav('audit-contents', 'On this page', [
      { id: 'audit-filters-part', title: 'Filters' },
      { id: 'audit-entries', title: 'Entries' },
      { id: 'audit-checks', title: 'Check or export the trail' },
    ]),
    h('section', { class: 'audit-filter-box', id: 'audit-filters-part', 'aria-labelledby': 'audit-filters-title' },
      h('h2', { class: 'section-title', id: 'audit-filters-title' }, 'Filters'),
      form),
    h('section', { class: 'audit-entries', id: 'audit-entries', 'aria-labelledby': 'audit-entries-title' },
      h('h2', { class: 'section-title', id: 'audit-entries-title' }, 'Entries'),
      count,
      results,
      more),
    h('section', { class: 'audit-checks', id: 'audit-checks', 'aria-labelledby': 'audit-checks-title' },
      h('h2', { class: 'section-title', id: 'audit-checks-title' }, 'Check or export the trail'),
      h('p', { class: 'hint' }, 'Checking reads every entry and says whether any was changed or removed outside Carers Desk. Exporting saves the entries matching the filters as a CSV file.'),
      h('div', { class: 'button-row audit-tools' },
        h('button', { type: 'button', class: 'button button--secondary', id: 'audit-verify', onclick: verify }, 'Check the chain'),
        h('button', { type: 'button', class: 'button button--secondary', id: 'audit-export', onclick: exportCsv }, 'Export to CSV…')),
      chainStatus,
      exportStatus));

  try {
    filters = await readFilters();
  } catch (err) {
    showErrors(form, err);
    filters = {};
  }
  await load();
  return null;
}

function entryRow(e) {
  const action = ACTIONS.find((a) => a.code === e.action);
  const fieldsChanged = Array.isArray(e.fields) ? e.fields : [];
  return h('tr', { dataset: { entryId: String(e.id), action: e.action || '', command: e.command || '' } },
    h('th', { scope: 'row', class: 'nowrap audit-when' }, formatDateTime(e.at)),
    h('td', null, e.actor_name || e.actor_id || '', e.role ? h('span', { class: 'muted small block' }, ROLES[e.role] || sentence(String(e.role).replace(/_/g, ' '))) : null),
    // The core records the network address of a computer working through the organisation
    // server; an entry without one was made on the computer that holds the register.
    h('td', { class: 'audit-computer' }, e.computer ? e.computer : h('span', { class: 'muted' }, 'The register’s own')),
    h('td', null, h('span', { class: ['tag', 'tag--audit', `tag--audit-${e.action}`] }, action ? action.label : sentence(e.action || ''))),
    h('td', null, commandWords(e.command), e.detail ? h('span', { class: 'muted small block' }, sentence(e.detail)) : null),
    h('td', null, recordCell(e)),
    h('td', { class: 'audit-fields' }, fieldsChanged.length ? fieldsChanged.map((f) => String(f).replace(/_/g, ' ')).join(', ') : ''));
}

function recordCell(e) {
  const out = [];
  if (e.carer_id !== null && e.carer_id !== undefined) {
    const label = e.carer_reference || `Carer ${e.carer_id}`;
    out.push(h('a', { href: `#/carers/${e.carer_id}`, class: 'audit-carer' }, label));
  }
  if (e.cared_for_id !== null && e.cared_for_id !== undefined && e.record_type !== 'cared_for') {
    out.push(h('a', { href: `#/cared-for/${e.cared_for_id}`, class: 'block' }, `Cared-for person ${e.cared_for_id}`));
  }
  // A record other than the carer's own. When the record id is the carer's id the command
  // named the carer (assessment_list { carer_id }), not a record of that type: no link then.
  if (e.record_type && e.record_id !== null && e.record_id !== undefined
      && e.record_id !== e.carer_id && e.record_id !== e.cared_for_id) {
    const page = RECORD_PAGES[e.record_type];
    const label = page ? `${page[0]} ${e.record_id}` : `${sentence(String(e.record_type).replace(/_/g, ' '))} ${e.record_id}`;
    out.push(page ? h('a', { href: page[1](e.record_id), class: 'block' }, label) : h('span', { class: 'block' }, label));
  }
  return out.length ? out : h('span', { class: 'muted' }, '—');
}

