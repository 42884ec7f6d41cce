// Settings → Data safety (administrators): how soon the window locks itself, where backups go
// and how many are kept, how long closed records are kept before they are listed for review;
// the last backup, read-only; and links to the audit trail, backups and records past retention.

import * as api from './api.js';
import { h, replace } from './dom.js';
import { sentence } from './format.js';
import { fields, section } from './forms.js';
import { formatDateTime } from './safety-parts.js';

/** The data-safety settings the settings form reads and sends with the rest. */
export const SAFETY_FIELDS = [
  { name: 'auto_lock_minutes', label: 'Lock the window after (minutes without use)', type: 'number', width: 'short', hint: 'From 1 to 120. Work not yet saved is kept: signing in again carries on where you were' },
  { name: 'backup_folder', label: 'Backup folder', width: 'long', hint: 'Leave blank for the usual folder, shown in grey. A folder on another drive (or a network drive) keeps the backups safe if this computer fails' },
  { name: 'backup_keep', label: 'Backups to keep', type: 'number', width: 'short', hint: 'From 1 to 365. The oldest are removed once there are more' },
  { name: 'retention_carer_years', row: 'retention', label: 'Keep closed carer records for (years)', type: 'number', width: 'short', hint: 'From 1 to 100, counted from the date the record was closed' },
  { name: 'retention_cared_for_years', row: 'retention', label: 'Keep cared-for people’s records for (years)', type: 'number', width: 'short', hint: 'From 1 to 100, counted from when the last record of someone caring for them was closed' },
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
      h('a', { href: '#/retention', id: 'settings-retention-link' }, 'Records past retention')),
    fields(SAFETY_FIELDS, settings, {}),
    last,
    chooseStatus,
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

/** The form's data-safety values as settings_update wants them: a blank folder is the usual one. */
export function safetyArgs(values) {
  const out = { ...values };
  if ('backup_folder' in out) {
    const folder = String(out.backup_folder ?? '').trim();
    out.backup_folder = folder ? folder : null;
  }
  return out;
}
