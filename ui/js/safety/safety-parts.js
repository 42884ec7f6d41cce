// @ts-check
// Parts shared by the administrator's data-safety screens (audit trail, backups, retention) and
// the record pages: who is signed in, dates with times, the links between the screens, the
// "Information rights" area of a record (subject access export, anonymising) and the banner
// an anonymised record shows.

import * as api from '../api.js';
import { currentUser } from '../session/session.js';
import { h, replace, focusElement } from '../kit/dom.js';
import { formatDate, plural, sentence } from '../kit/format.js';
import { field, read } from '../kit/fields.js';
import { formDialog, onSubmit } from '../kit/forms.js';

/** Whether the signed-in staff member is an administrator (session.js knows who is signed in). */
export async function isAdministrator() {
  const user = currentUser();
  return Boolean(user && user.role === 'administrator');
}

/**
 * For a page only administrators may see: resolves true if the signed-in person is one, else
 * puts a plain explanation in `main` and resolves false.
 */
export async function adminOnly(main, title) {
  if (await isAdministrator()) return true;
  replace(main,
    h('h1', { class: 'page-title' }, title),
    h('p', { class: 'lead', id: 'admin-only' }, 'Only an administrator can see this page. Ask your administrator if you need something from it.'),
    h('p', null, h('a', { href: '#/' }, 'Go to the home page')));
  return false;
}

/** What a backup holds, in words, from its counts. */
export const COUNT_LABELS = [
  ['carers', 'carer', 'carers'],
  ['cared_for', 'cared-for person', 'cared-for people'],
  ['assessments', 'assessment', 'assessments'],
  ['plans', 'support plan', 'support plans'],
  ['passports', 'passport or card', 'passports and cards'],
  ['notes', 'case note', 'case notes'],
  ['staff', 'staff account', 'staff accounts'],
  ['audit_entries', 'audit entry', 'audit entries'],
];

/** A compact list of counts: "120 carers, 95 cared-for people, …". */
export function countsText(counts) {
  if (!counts || typeof counts !== 'object') return '';
  const known = COUNT_LABELS.filter(([key]) => counts[key] !== undefined && counts[key] !== null)
    .map(([key, one, many]) => `${Number(counts[key]).toLocaleString('en-GB')} ${Number(counts[key]) === 1 ? one : many}`);
  const others = Object.entries(counts).filter(([key]) => !COUNT_LABELS.some(([k]) => k === key))
    .map(([key, n]) => `${Number(n).toLocaleString('en-GB')} ${key.replace(/_/g, ' ')}`);
  return [...known, ...others].join(', ');
}

/** The links between the data-safety screens, the current one marked. */
export function safetyNav(current) {
  const links = [
    ['audit', '#/audit', 'Audit trail'],
    ['backups', '#/backups', 'Backups'],
    ['retention', '#/retention', 'Records past retention'],
    ['settings', '#/settings?show=data-safety', 'Data safety settings'],
  ];
  return h('nav', { class: 'safety-nav', 'aria-label': 'Data safety' },
    h('ul', null, links.map(([key, href, label]) => h('li', null,
      h('a', { href, 'aria-current': key === current ? 'page' : null, id: `safety-nav-${key}` }, label)))));
}

// ---------------------------------------------------------------- anonymised records

/** The banner an anonymised record shows (null when it is not anonymised). */
export function anonymisedBanner(record, what = 'record') {
  if (!record || !record.anonymised_on) return null;
  return h('div', { class: 'notice notice--anonymised', id: 'anonymised-banner', role: 'note' },
    h('p', { class: 'notice__title' }, `This ${what} was anonymised on ${formatDate(record.anonymised_on)}`),
    h('p', null, 'Names, contact details and everything written about the person have been removed. What is left is kept only so that the organisation’s counts and reports stay right. It cannot be undone.'));
}

/** The kinds of record a subject access export counts, in words: [one, many]. */
const EXPORT_WORDS = {
  people_cared_for: ['person cared for', 'people cared for'],
  carers: ['carer', 'carers'],
  case_notes: ['case note', 'case notes'],
  assessments: ['assessment', 'assessments'],
  support_plans: ['support plan', 'support plans'],
  passports: ['passport or card', 'passports and cards'],
  passports_naming_them: ['passport naming them', 'passports naming them'],
  adjustments: ['school adjustment', 'school adjustments'],
  transition_milestones: ['transition milestone', 'transition milestones'],
  audit_entries: ['audit entry', 'audit entries'],
};

const KEPT_AND_REMOVED = {
  removed: [
    'names (they become “Anonymised”), addresses, phone numbers and email addresses',
    'the NHS number and other identifying numbers',
    'everything written about the person: case notes, free-text answers, support plan text, passport details and photos',
  ],
  kept: [
    'the record’s reference and dates (opened, closed, anonymised)',
    'the year of birth (the date becomes 1 July of that year) and the first half of the postcode',
    'the counts for reports: assessments, plans, passports and who cared for whom',
    'the audit trail, which records that this was done and by whom',
  ],
};

/**
 * The "Anonymise…" confirm dialog: explains what is removed and what is kept, and asks for the
 * record's reference to be typed. `kind` is 'carer' or 'cared_for'. `onDone(result)` runs after
 * the core has anonymised the record.
 */
export function anonymiseDialog({ kind, id, reference, name, onDone }) {
  const confirmSpec = {
    name: 'confirm',
    label: `Type the reference ${reference} to confirm`,
    hint: 'This cannot be undone.',
    width: 'medium',
    autocomplete: 'off',
  };
  const person = kind === 'carer' ? 'carer' : 'cared-for person';
  return formDialog({
    id: 'anonymise-dialog',
    title: `Anonymise ${name || reference}`,
    intro: `Anonymising removes this ${person}’s personal details for good, as the right to erasure and your retention policy require. Make a subject access export first if the person has asked for a copy.`,
    fields: [
      h('div', { class: 'anonymise-explain' },
        h('h3', { class: 'anonymise-explain__title' }, 'Removed'),
        h('ul', null, KEPT_AND_REMOVED.removed.map((t) => h('li', null, t))),
        h('h3', { class: 'anonymise-explain__title' }, 'Kept'),
        h('ul', null, KEPT_AND_REMOVED.kept.map((t) => h('li', null, t)))),
      field(confirmSpec, '', {}, 'anonymise-'),
    ],
    submitLabel: 'Anonymise for good',
    danger: true,
    onSubmit: async (form) => {
      const typed = read(form, [confirmSpec]).confirm.trim();
      const result = kind === 'carer'
        ? await api.carerAnonymise(id, typed)
        : await api.caredForAnonymise(id, typed);
      if (onDone) await onDone(result);
      return true;
    },
  });
}

// ---------------------------------------------------------------- information rights

/**
 * The "Information rights" area of a carer's or cared-for person's record, for administrators:
 * export everything held (subject access) into a folder, and anonymise a record that may be.
 * `kind` is 'carer' or 'cared_for'; `getRecord()` returns the record as shown;
 * `nameOf(record)` is the name the dialog shows; `canAnonymise(record)` says whether the Anonymise button is offered (and why not, as text,
 * when it is not: { ok, why }); `onAnonymised()` redraws the page.
 */
export function informationRights({ kind, getRecord, nameOf, canAnonymise, onAnonymised }) {
  const element = h('section', { class: 'record-section information-rights', id: 'information-rights', 'aria-labelledby': 'information-rights-title' });
  const status = h('div', { class: 'export-status', id: 'subject-export-status', role: 'status', 'aria-live': 'polite' });
  const folderSpec = {
    name: 'folder',
    label: 'Folder to save the export into',
    hint: 'Type the folder’s path or choose it. Two files are saved there: a readable PDF and the same information as JSON.',
    width: 'long',
  };

  function draw() {
    const record = getRecord();
    const form = h('form', { class: 'form subject-export-form', id: 'subject-export-form', novalidate: true },
      h('div', { class: 'folder-field' },
        field(folderSpec, lastFolder, {}, 'subject-'),
        h('button', { type: 'button', class: 'button button--secondary folder-field__choose', id: 'subject-folder-choose', onclick: choose }, 'Choose…')),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'button', id: 'subject-export' }, 'Export everything held')));
    form.querySelector('#subject-folder').addEventListener('input', (event) => { lastFolder = event.target.value; });
    onSubmit(form, async () => {
      replace(status);
      const folder = read(form, [folderSpec]).folder.trim();
      lastFolder = folder;
      if (!folder) {
        throw { code: 'validation', message: '', field: 'folder', errors: [{ field: 'folder', message: 'choose the folder to save the export into, or type its path' }] };
      }
      const who = kind === 'carer' ? { carer_id: record.id } : { cared_for_id: record.id };
      const done = await api.subjectExport(who, folder);
      showExported(done);
    }, { busyLabel: 'Exporting…' });

    const anonymisable = canAnonymise(record);
    const anonymise = record.anonymised_on
      ? h('p', { class: 'muted' }, `Anonymised on ${formatDate(record.anonymised_on)}.`)
      : anonymisable.ok
        ? h('div', { class: 'button-row' },
          h('button', { type: 'button', class: 'button button--warning', id: 'anonymise-open', onclick: openAnonymise }, 'Anonymise…'))
        : h('p', { class: 'muted', id: 'anonymise-not-yet' }, anonymisable.why);

    replace(element,
      h('h2', { class: 'section-title', id: 'information-rights-title' }, 'Information rights'),
      h('p', { class: 'hint' }, 'Only administrators see this. Both actions are written to the audit trail.'),
      h('h3', { class: 'information-rights__title' }, 'Subject access'),
      h('p', null, `Everything held about this person and linked to them${kind === 'carer' ? ' (their record, the people they care for, notes, assessments, support plans, passports, school work and the audit entries about them)' : ' (their record, who cares for them, and the audit entries about them)'}, in one export.`),
      form,
      status,
      h('h3', { class: 'information-rights__title' }, 'Erasure'),
      anonymise);
  }

  async function choose(event) {
    const button = event.currentTarget;
    const input = element.querySelector('#subject-folder');
    try {
      const chosen = await api.chooseFolder('Choose a folder for the subject access export', input.value.trim() || null);
      if (chosen) {
        input.value = chosen;
        lastFolder = chosen;
      }
    } catch (err) {
      replace(status, h('p', { class: 'inline-error' }, sentence(err.message)));
    }
    if (button.isConnected) button.focus();
  }

  function showExported(done) {
    const fileRow = (label, path, id) => {
      const problem = h('p', { class: 'inline-error export-file__error', id: `${id}-problem`, hidden: true },
        'This file could not be opened here: open it from its folder.');
      return h('li', { class: 'export-file' },
        h('div', { class: 'export-file__text' },
          h('span', { class: 'export-file__label', id: `${id}-label` }, label),
          h('span', { class: 'export-file__path', id: `${id}-path` }, path),
          problem),
        h('button', {
          type: 'button', class: 'button button--secondary button--small', id: `${id}-open`,
          'aria-describedby': `${id}-label`,
          onclick: async () => { problem.hidden = await api.openFile(path); },
        }, 'Open'));
    };
    // Top-level kinds of record only ("support_plans", not "support_plans.reviews"), and only
    // those there are.
    const counts = Object.entries(done.counts || {})
      .filter(([key, n]) => !key.includes('.') && Number(n) > 0)
      .map(([key, n]) => {
        const [one, many] = EXPORT_WORDS[key] || [key.replace(/_/g, ' '), key.replace(/_/g, ' ')];
        return `${Number(n).toLocaleString('en-GB')} ${Number(n) === 1 ? one : many}`;
      })
      .join(', ');
    const pages = done.pdf_pages ? plural(Number(done.pdf_pages), 'page') : null;
    const unprintable = Array.isArray(done.unprintable) ? done.unprintable : [];
    replace(status,
      h('div', { class: 'notice notice--valid', id: 'subject-export-done' },
        h('p', { class: 'notice__title' }, 'Exported'),
        counts || pages ? h('p', null, [counts ? `Holds ${counts}.` : '', pages ? ` The PDF has ${pages}.` : ''].join('').trim()) : null,
        unprintable.length
          ? h('p', { class: 'hint' }, `Some characters cannot be printed in the PDF (${unprintable.join(' ')}): they show as a replacement mark there; the JSON has them as they are.`)
          : null,
        h('ul', { class: 'export-files' },
          fileRow('Readable PDF', done.pdf_path, 'subject-pdf'),
          fileRow('JSON (for another system)', done.json_path, 'subject-json')),
        h('p', { class: 'hint' }, 'These files hold personal information: give them to the person securely, and delete your copies when done.')));
    focusElement(status.querySelector('.notice__title'));
  }

  function openAnonymise() {
    const record = getRecord();
    anonymiseDialog({
      kind,
      id: record.id,
      reference: record.reference,
      name: nameOf ? nameOf(record) : null,
      onDone: async () => { await onAnonymised(); },
    });
  }

  let lastFolder = '';
  draw();
  return { element, refresh: draw };
}
