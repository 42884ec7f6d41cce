// @ts-check
// Backups (#/backups, administrators): where backups go and how many are kept, "Back up now",
// the list of backups with a check of each and restoring one (a preview of what it holds, a
// clear warning, typing RESTORE, then the window goes back to signing in).
// Also `afterSignIn()`, which the window runs once each time someone signs in: it makes the
// day's automatic backup (unless the window's close already made one today), quietly, and
// says so only if it was made or could not be.

import * as api from '../api.js';
import { h, append, replace, focusElement } from '../kit/dom.js';
import { sentence, plural, formatDateTime, formatBytes } from '../kit/format.js';
import { field, read } from '../kit/fields.js';
import { formDialog } from '../kit/forms.js';
import { adminOnly, isAdministrator, countsText, safetyNav } from './safety-parts.js';
import { can } from '../session/session.js';
import { detailRow } from '../kit/details.js';

/**
 * @param {HTMLElement} main
 */
export async function render(main) {
  if (!(await adminOnly(main, 'Backups'))) return null;
  const [list, settings] = await Promise.all([api.backupList(), api.settingsGet().catch(() => ({}))]);
  let lastBackupAt = settings.last_backup_at || null;

  const where = h('section', { class: 'panel backup-where', id: 'backup-where', 'aria-labelledby': 'backup-where-title' });
  const nowStatus = h('div', { class: 'backup-result', id: 'backup-now-status', role: 'status', 'aria-live': 'polite' });
  const listBox = h('div', { id: 'backup-list' });

  function drawWhere(folder, keep) {
    replace(where,
      h('h2', { class: 'panel__title', id: 'backup-where-title' }, 'Where backups go'),
      h('dl', { class: 'details' },
        detailRow('Folder', h('span', { class: 'path', id: 'backup-folder' }, folder || 'Not known')),
        detailRow('Backups kept', h('span', { id: 'backup-keep' }, keep ? `The newest ${plural(Number(keep), 'backup')}: older ones are removed` : '')),
        detailRow('Last backup', h('span', { id: 'backup-last' }, lastBackupAt ? formatDateTime(lastBackupAt) : 'No backup has been made yet'))),
      h('p', null, h('a', { href: '#/settings?show=data-safety', id: 'backup-settings-link' }, 'Change the folder or how many are kept in Settings')));
  }

  async function backUpNow(event) {
    const button = event.currentTarget;
    button.disabled = true;
    button.textContent = 'Backing up…';
    replace(nowStatus, h('p', { class: 'muted' }, 'Backing up and checking the copy. This can take a minute with a large register.'));
    try {
      const b = await api.backupNow();
      lastBackupAt = b.made_at || lastBackupAt;
      replace(nowStatus, backupDone(b));
      await reload();
      focusElement(nowStatus.querySelector('.notice__title'));
    } catch (err) {
      replace(nowStatus, h('div', { class: 'notice notice--error', id: 'backup-now-failed' },
        h('p', { class: 'notice__title' }, 'The backup was not made'),
        h('p', null, sentence(err.message))));
      focusElement(nowStatus.querySelector('.notice__title'));
    } finally {
      button.disabled = false;
      button.textContent = 'Back up now';
    }
  }

  async function reload() {
    const fresh = await api.backupList();
    drawWhere(fresh.folder, fresh.keep);
    drawList(fresh.backups || []);
  }

  function drawList(backups) {
    if (!backups.length) {
      replace(listBox, h('p', { class: 'muted', id: 'backup-none' }, 'There are no backups in this folder yet.'));
      return;
    }
    replace(listBox,
      h('p', { class: 'muted' }, `${plural(backups.length, 'backup')}, newest first.`),
      h('table', { class: 'table table--backups', id: 'backup-table' },
        h('caption', { class: 'visually-hidden' }, 'Backups in the folder, newest first'),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Made'),
          h('th', { scope: 'col', class: 'numeric' }, 'Size'),
          h('th', { scope: 'col' }, 'File'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', null, backups.map(backupRow))));
  }

  function backupRow(b, index) {
    const when = formatDateTime(b.made_at);
    const rowId = `backup-${index}`;
    const tr = h('tr', { id: rowId, dataset: { path: b.path, fileName: b.file_name || '' } },
      h('th', { scope: 'row', class: 'nowrap' }, when),
      h('td', { class: 'numeric nowrap' }, formatBytes(b.bytes)),
      h('td', { class: 'backup-file' }, b.file_name || b.path),
      h('td', { class: 'nowrap' },
        h('div', { class: 'button-row button-row--tight' },
          h('button', { type: 'button', class: 'button button--secondary button--small backup-check', 'aria-label': `Check the backup made ${when}`, onclick: (e) => check(b, tr, e.currentTarget) }, 'Check'),
          h('button', { type: 'button', class: 'button button--secondary button--small backup-restore', 'aria-label': `Restore the backup made ${when}`, onclick: (e) => restore(b, tr, e.currentTarget) }, 'Restore…'))));
    return tr;
  }

  /** The result of a check, in a row under the backup's row. */
  function showCheck(tr, content) {
    let next = tr.nextElementSibling;
    if (!next || !next.classList.contains('backup-check-row')) {
      next = h('tr', { class: 'backup-check-row' }, h('td', { colspan: '4' }));
      tr.after(next);
    }
    replace(next.firstChild, content);
    return next;
  }

  async function check(b, tr, button) {
    button.disabled = true;
    showCheck(tr, h('p', { class: 'muted', role: 'status' }, 'Checking…'));
    try {
      const v = await api.backupVerify(b.path);
      const row = showCheck(tr, verifyNotice(v, 'backup-check-result'));
      focusElement(row.querySelector('.notice__title'));
    } catch (err) {
      showCheck(tr, h('p', { class: 'inline-error', role: 'alert' }, `The backup could not be checked: ${sentence(err.message)}`));
    } finally {
      button.disabled = false;
    }
  }

  async function restore(b, tr, button) {
    button.disabled = true;
    const label = button.textContent;
    button.textContent = 'Checking…';
    let v;
    try {
      v = await api.backupVerify(b.path);
    } catch (err) {
      showCheck(tr, h('p', { class: 'inline-error', role: 'alert' }, `The backup could not be checked, so it cannot be restored: ${sentence(err.message)}`));
      return;
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
    if (!v.ok && !v.needs_recovery_key) {
      const row = showCheck(tr, verifyNotice(v, 'backup-check-result'));
      focusElement(row.querySelector('.notice__title'));
      return;
    }
    restoreDialog(b, v, main);
  }

  append(main,
    safetyNav('backups'),
    h('h1', { class: 'page-title' }, 'Backups'),
    h('p', { class: 'lead' }, 'Carers Desk backs up the register by itself once a day, when someone first signs in, and when the app is closed. Each backup is encrypted like the register, and checked after it is written.'),
    where,
    h('div', { class: 'button-row' },
      h('button', { type: 'button', class: 'button button--large', id: 'backup-now', onclick: backUpNow }, 'Back up now')),
    nowStatus,
    h('section', { class: 'record-section', id: 'backups', 'aria-labelledby': 'backups-title' },
      h('h2', { class: 'section-title', id: 'backups-title' }, 'Backups in the folder'),
      listBox));
  drawWhere(list.folder, list.keep);
  drawList(list.backups || []);
  return null;
}


/** What a finished backup says: the file, its size, that it was checked, and what it holds. */
function backupDone(b) {
  return h('div', { class: 'notice notice--valid', id: 'backup-now-done' },
    h('p', { class: 'notice__title' }, b.verified ? 'Backed up and checked' : 'Backed up'),
    h('dl', { class: 'details details--compact' },
      detailRow('File', h('span', { class: 'path', id: 'backup-now-path' }, b.path)),
      detailRow('Made', formatDateTime(b.made_at)),
      detailRow('Size', formatBytes(b.bytes)),
      detailRow('Checked', b.verified ? 'Yes: it opens with the register’s key and every table is intact' : 'No'),
      b.counts ? detailRow('Holds', h('span', { id: 'backup-now-counts' }, sentence(countsText(b.counts)))) : null));
}

/** What a check of a backup found. */
function verifyNotice(v, id) {
  return h('div', { class: ['notice', v.ok ? 'notice--valid' : 'notice--error'], id, dataset: { ok: String(Boolean(v.ok)) } },
    h('p', { class: 'notice__title' }, v.ok ? 'This backup is intact' : 'This backup is damaged or cannot be opened'),
    v.message ? h('p', null, sentence(v.message)) : null,
    h('dl', { class: 'details details--compact' },
      v.made_at ? detailRow('Made', formatDateTime(v.made_at)) : null,
      v.counts ? detailRow('Holds', sentence(countsText(v.counts))) : null,
      detailRow('Key file', v.keys_file ? 'Beside the backup' : 'Not beside the backup: it cannot be opened with a passphrase or the recovery key on its own'),
      detailRow('Checks', `${v.quick_check === 'ok' || v.quick_check === true ? 'database structure intact' : `database structure: ${v.quick_check ?? 'not checked'}`}; ${v.cipher_integrity_check === 'ok' || v.cipher_integrity_check === true ? 'encryption intact' : `encryption: ${v.cipher_integrity_check ?? 'not checked'}`}`)));
}

/**
 * The restore dialog: what the backup holds, what happens, and typing RESTORE. A backup made
 * before the register's key was last changed (`needs_recovery_key`) is opened with the
 * organisation's recovery key, typed here; it is checked when restored.
 */
function restoreDialog(b, v, main) {
  const confirmSpec = { name: 'confirm', label: 'Type RESTORE to confirm', width: 'short', autocomplete: 'off' };
  const recoverySpec = {
    name: 'recovery_key', label: 'The organisation’s recovery key', width: 'long', autocomplete: 'off',
    hint: 'This backup was made before the register’s key was last changed (when an account was switched off or a passphrase reset), so it opens only with the recovery key: 8 groups of 4 letters and numbers, as written down when Carers Desk was set up.',
  };
  const needsKey = Boolean(v.needs_recovery_key);
  formDialog({
    id: 'restore-dialog',
    title: 'Restore this backup?',
    fields: [
      h('dl', { class: 'details details--compact restore-preview', id: 'restore-preview' },
        detailRow('Backup made', formatDateTime(v.made_at || b.made_at)),
        needsKey
          ? detailRow('It holds', 'Checked once the recovery key opens it')
          : detailRow('It holds', sentence(countsText(v.counts))),
        needsKey ? null : detailRow('Checked', v.ok ? 'Intact' : 'Damaged')),
      needsKey ? field(recoverySpec, '', {}, 'restore-') : null,
      h('div', { class: 'notice notice--warning', id: 'restore-warning' },
        h('p', { class: 'notice__title' }, 'Everything in the register now will be replaced'),
        h('p', null, 'Any work done since this backup was made will no longer be in the register. The register you have now is not deleted: it is kept aside in a file beside it, and you will be told where.'),
        h('p', null, 'Everyone is signed out. Staff accounts and passphrases stay as they are now: everyone signs in again with their own.')),
      field(confirmSpec, '', {}, 'restore-'),
    ],
    submitLabel: 'Replace the register with this backup',
    danger: true,
    onSubmit: async (form) => {
      const typed = read(form, [confirmSpec]).confirm.trim();
      if (typed.toUpperCase() !== 'RESTORE') {
        throw { code: 'validation', message: '', field: 'confirm', errors: [{ field: 'confirm', message: 'type the word RESTORE to confirm, or choose Cancel' }] };
      }
      const key = needsKey ? String(read(form, [recoverySpec]).recovery_key || '').trim() : '';
      if (needsKey && !key) {
        throw { code: 'validation', message: '', field: 'recovery_key', errors: [{ field: 'recovery_key', message: 'type the organisation’s recovery key, or choose Cancel' }] };
      }
      const done = await api.backupRestore(b.path, key || undefined);
      restored(main, done);
      return true;
    },
  });
}

/** After a restore the register is locked: say what happened, then go to signing in. */
function restored(main, done) {
  replace(main, h('div', { class: 'view', id: 'restore-done' },
    h('h1', { class: 'page-title', tabindex: '-1' }, 'Backup restored'),
    h('dl', { class: 'details restore-done' },
      detailRow('Restored from', h('span', { class: 'path', id: 'restored-from' }, done.restored_from || '')),
      detailRow('The register it replaced is kept at', h('span', { class: 'path', id: 'replaced-kept-at' }, done.replaced_kept_at || ''))),
    h('p', null, 'Carers Desk is locked. Sign in again to go on.'),
    h('div', { class: 'button-row' },
      h('button', { type: 'button', class: 'button', id: 'restore-sign-in', onclick: () => { location.hash = '#/'; location.reload(); } }, 'Sign in'))));
  focusElement(main.querySelector('h1'));
}

// ---------------------------------------------------------------- after signing in

/**
 * Run once each time someone signs in (the window's start-up path calls it when the state
 * becomes open): makes the day's automatic backup unless one was made today. Quiet when there
 * is nothing to say; a calm "Backed up" on the home page when one was made; a warning that
 * stays until closed when it failed.
 */
export async function afterSignIn() {
  // School staff and reporting accounts do not make backups (the core refuses them too).
  if (!can('records')) return null;
  let result;
  try {
    result = await api.backupAuto();
  } catch (err) {
    if (err && ['locked', 'no_window', 'not_permitted'].includes(err.code)) return null;
    await showAutoFailed(err);
    return null;
  }
  removeNotice('backup-warning');
  if (result && result.made) showAutoMade(result.backup);
  return result;
}

function noticeArea() {
  return document.querySelector('.flash-area');
}

function removeNotice(id) {
  document.getElementById(id)?.remove();
}

function showAutoMade(backup) {
  const area = noticeArea();
  if (!area) return;
  const onHome = () => ['', '#', '#/'].includes(location.hash);
  if (!onHome()) return;
  removeNotice('backup-notice');
  const when = backup && backup.made_at ? formatDateTime(backup.made_at).split(' ')[1] : null;
  const notice = h('div', { class: 'backup-notice', id: 'backup-notice', role: 'status' },
    h('p', { class: 'backup-notice__text' }, 'Backed up', when ? ` at ${when}` : '', '. Today’s automatic backup is made and checked.'));
  area.append(notice);
  const leave = () => {
    if (!onHome()) { notice.remove(); window.removeEventListener('hashchange', leave); }
  };
  window.addEventListener('hashchange', leave);
}

async function showAutoFailed(err) {
  const area = noticeArea();
  if (!area) return;
  removeNotice('backup-warning');
  const admin = await isAdministrator();
  const close = h('button', { type: 'button', class: 'button button--secondary button--small', id: 'backup-warning-close', onclick: () => warning.remove() }, 'Hide this message');
  const warning = h('div', { class: 'notice notice--warning backup-warning', id: 'backup-warning', role: 'alert' },
    h('p', { class: 'notice__title' }, 'Today’s automatic backup was not made'),
    h('p', null, sentence(err?.message || 'something went wrong')),
    admin
      ? h('p', null, 'Check that the backup folder is there and has space (a USB drive may be unplugged), then ',
        h('a', { href: '#/backups', id: 'backup-warning-link' }, 'back up now'), ', or choose another folder in ',
        h('a', { href: '#/settings?show=data-safety' }, 'Settings'), '.')
      : h('p', null, 'Tell your administrator, so that the register is backed up today.'),
    h('div', { class: 'button-row button-row--tight' }, close));
  area.append(warning);
}
