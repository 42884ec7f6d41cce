// @ts-check
// Settings → Data safety (administrators): how soon the window locks itself, where backups go
// and how many are kept, how long closed records are kept before they are listed for review,
// whether exported reports hide counts under 5; the last backup, read-only; exporting the whole
// register; and links to the audit trail, backups, records past retention and importing.

import * as api from '../api.js';
import { h, replace, focusElement } from '../kit/dom.js';
import { sentence, formatDateTime } from '../kit/format.js';
import { fields, section } from '../kit/fields.js';

/** The data-safety settings the settings form reads and sends with the rest. */
export const SAFETY_FIELDS = [
  { name: 'auto_lock_minutes', label: 'Lock the window after (minutes without use)', type: 'number', width: 'short', hint: 'From 1 to 120. Work not yet saved is kept: signing in again carries on where you were' },
  { name: 'backup_folder', label: 'Backup folder', width: 'long', hint: 'Leave blank for the usual folder, shown in grey. A folder on another drive (or a network drive) keeps the backups safe if this computer fails' },
  { name: 'backup_keep', label: 'Backups to keep', type: 'number', width: 'short', hint: 'From 1 to 365. The oldest are removed once there are more' },
  { name: 'retention_carer_years', row: 'retention', label: 'Keep closed carer records for (years)', type: 'number', width: 'short', hint: 'From 1 to 100, counted from the date the record was closed' },
  { name: 'retention_cared_for_years', row: 'retention', label: 'Keep cared-for people’s records for (years)', type: 'number', width: 'short', hint: 'From 1 to 100, counted from when the last record of someone caring for them was closed' },
  { name: 'report_suppress_small', label: 'Show counts under 5 as “<5” in exported reports', type: 'bool', hint: 'So that a report shared outside the organisation cannot identify anyone. The Reports page itself always shows the exact numbers' },
];

/**
 * The "Data safety" fieldset of the settings form. `update(saved)` shows the settings as saved
 * (the last backup, the folder's placeholder).
 */
export function safetySection(first) {
  let settings = first;
  const last = h('p', { id: 'last-backup' });
  const chooseStatus = h('div', { id: 'backup-folder-status', role: 'status', 'aria-live': 'polite' });
  const element = section('Data safety', [
    h('p', { class: 'safety-links' },
      h('a', { href: '#/audit', id: 'settings-audit-link' }, 'Audit trail'), ' · ',
      h('a', { href: '#/backups', id: 'settings-backups-link' }, 'Backups'), ' · ',
      h('a', { href: '#/retention', id: 'settings-retention-link' }, 'Records past retention'), ' · ',
      h('a', { href: '#/import', id: 'settings-import-link' }, 'Import carers from a spreadsheet')),
    fields(SAFETY_FIELDS, settings, {}),
    last,
    chooseStatus,
    registerExportPanel(),
  ], { id: 'data-safety', hint: 'Locking, backups and how long records are kept. Only administrators see this.' });

  // The folder: a Choose… button beside the text box (typing the path works as well).
  const folderInput = element.querySelector('[name=backup_folder]');
  const folderField = folderInput.closest('.field');
  const chooseButton = h('button', { type: 'button', class: 'button button--secondary folder-field__choose', id: 'backup-folder-choose', onclick: choose }, 'Choose…');
  const wrap = h('div', { class: 'folder-field' });
  folderField.replaceWith(wrap);
  wrap.append(folderField, chooseButton);

  async function choose() {
    replace(chooseStatus);
    try {
      const chosen = await api.chooseFolder('Choose the backup folder', folderInput.value.trim() || settings.backup_folder_default || null);
      if (chosen) folderInput.value = chosen;
    } catch (err) {
      replace(chooseStatus, h('p', { class: 'inline-error' }, sentence(err.message)));
    }
    chooseButton.focus();
  }

  function draw() {
    folderInput.placeholder = settings.backup_folder_default || '';
    if (settings.backup_folder_default) {
      folderInput.setAttribute('aria-describedby', [folderInput.getAttribute('aria-describedby'), 'backup-folder-default'].filter(Boolean).join(' '));
      let note = element.querySelector('#backup-folder-default');
      if (!note) {
        note = h('p', { class: 'hint', id: 'backup-folder-default' });
        folderInput.after(note);
      }
      note.textContent = `The usual folder: ${settings.backup_folder_default}`;
    }
    replace(last, h('span', { class: 'label label--inline' }, 'Last backup: '),
      settings.last_backup_at ? formatDateTime(settings.last_backup_at) : 'none yet',
      ' (', h('a', { href: '#/backups' }, 'back up now or see all backups'), ')');
  }

  draw();
  return {
    element,
    update(saved) {
      settings = saved;
      draw();
    },
  };
}

/**
 * Export the whole register (for moving to another system): choose a folder, and a new
 * folder inside it gets a CSV file per table, register.json, the data dictionary and a README.
 * Its buttons are not the settings form's submit.
 */
function registerExportPanel() {
  const status = h('div', { id: 'register-export-status', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button button--secondary', id: 'register-export', 'aria-describedby': 'register-export-hint' }, 'Export the register…');
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    replace(status);
    let folder;
    try {
      folder = await api.chooseFolder('Choose where to save the export');
    } catch (err) {
      replace(status, h('p', { class: 'inline-error' }, sentence(err.message)));
      return;
    }
    if (!folder) return;
    button.disabled = true;
    button.textContent = 'Exporting…';
    replace(status, h('p', { class: 'muted' }, 'Writing every table. This can take a minute with a large register.'));
    try {
      const done = await api.registerExport(folder);
      replace(status, exportedNotice(done));
      focusElement(status.querySelector('.notice__title'));
    } catch (err) {
      replace(status, h('div', { class: 'notice notice--error', id: 'register-export-failed' },
        h('p', { class: 'notice__title' }, 'The register was not exported'),
        h('p', null, sentence(err.message))));
    } finally {
      button.disabled = false;
      button.textContent = 'Export the register…';
    }
  });
  return h('div', { class: 'register-export', id: 'register-export-box' },
    h('h3', { class: 'register-export__title' }, 'Export the whole register'),
    h('p', { class: 'hint', id: 'register-export-hint' }, 'For moving to another system: every table as a CSV file, the same as JSON, and a data dictionary saying what each column holds, in a new folder inside the one you choose. The export holds everyone’s personal information: keep it as safe as the register, and delete it when done. It is written to the audit trail.'),
    h('div', { class: 'button-row' }, button),
    status);
}

function exportedNotice(done) {
  const tables = Array.isArray(done.tables) ? done.tables : [];
  const files = Array.isArray(done.files) ? done.files : [];
  const rows = (n) => `${Number(n).toLocaleString('en-GB')} ${Number(n) === 1 ? 'row' : 'rows'}`;
  return h('div', { class: 'notice notice--valid', id: 'register-exported' },
    h('p', { class: 'notice__title' }, 'Register exported'),
    h('p', { class: 'register-export__where' }, 'Saved in this folder:'),
    h('p', { class: 'path', id: 'register-export-folder' }, done.folder),
    h('details', { class: 'register-export__what' },
      h('summary', null, `What is in it: ${tables.length} ${tables.length === 1 ? 'table' : 'tables'}, ${files.length} ${files.length === 1 ? 'file' : 'files'}`),
      tables.length ? h('table', { class: 'table table--compact', id: 'register-export-tables' },
        h('caption', { class: 'visually-hidden' }, 'The tables exported, with their rows'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Table'), h('th', { scope: 'col', class: 'numeric' }, 'Rows'))),
        h('tbody', null, tables.map((t) => h('tr', null, h('td', { class: 'mono' }, t.name), h('td', { class: 'numeric' }, rows(t.rows)))))) : null,
      h('ul', { class: 'register-export__files', id: 'register-export-files' }, files.map((f) => h('li', { class: 'mono small' }, f)))),
    h('div', { class: 'button-row button-row--tight' },
      h('button', { type: 'button', class: 'button button--secondary button--small', id: 'register-export-open', onclick: () => api.openFile(done.folder) }, 'Open the folder')));
}

/** The form's data-safety values as settings_update wants them: a blank folder is the usual one. */
export function safetyArgs(values) {
  const out = { ...values };
  if ('backup_folder' in out) {
    const folder = String(out.backup_folder ?? '').trim();
    out.backup_folder = folder ? folder : null;
  }
  return out;
}
