// @ts-check
// The only module that talks to the core. Every command goes through the single Tauri command
// `call` with { command, args } (see docs/commands.md). Results resolve; failures reject with
// the core's error object { code, message, field, errors }.

const NO_TAURI = {
  code: 'no_window',
  message: 'Carers Desk must be opened from its desktop app: this page was opened in a web browser, so it cannot reach the register',
  field: null,
  errors: [],
};

/** True when the page runs inside the Carers Desk window. */
export function hasCore() {
  return Boolean(window.__TAURI__ && window.__TAURI__.core && typeof window.__TAURI__.core.invoke === 'function');
}

/** Show, once, why nothing works when the page is opened outside the app. */
function sayNoCore() {
  const notice = document.getElementById('app-notice');
  if (!notice || !notice.hidden) return;
  notice.textContent = 'This page was opened in a web browser, not in the Carers Desk app, so it cannot reach the register. Open Carers Desk from its desktop shortcut instead.';
  notice.hidden = false;
}

/** Normalise whatever the shell rejected with into { code, message, field, errors }. */
function toError(raw) {
  if (raw && typeof raw === 'object' && typeof raw.code === 'string') {
    return {
      code: raw.code,
      message: String(raw.message ?? ''),
      field: raw.field ?? null,
      errors: Array.isArray(raw.errors) ? raw.errors : [],
    };
  }
  const message = typeof raw === 'string' ? raw : (raw && raw.message) || 'something went wrong';
  return { code: 'window', message: `the window could not reach the core (${message}): close Carers Desk and open it again`, field: null, errors: [] };
}

/**
 * Run one core command. The arguments are checked by the TypeScript compiler against the core's
 * own JSON Schema of each command (types/commands.d.ts, generated).
 * @template {keyof Cmd.Args} K
 * @param {K} command
 * @param {Cmd.Args[K]} [args]
 * @returns {Promise<any>}
 */
export async function call(command, args = /** @type {Cmd.Args[K]} */ ({})) {
  if (!hasCore()) {
    sayNoCore();
    throw { ...NO_TAURI };
  }
  try {
    return await window.__TAURI__.core.invoke('call', { command, args });
  } catch (raw) {
    throw noticeLocked(toError(raw));
  }
}

// Choice lists do not change while the app runs: ask once.
let optionsPromise = null;

/** Every choice list: { listName: [{ code, label }] }. */
export function options() {
  if (!optionsPromise) {
    optionsPromise = call('options').catch((err) => { optionsPromise = null; throw err; });
  }
  return optionsPromise;
}

/** The label for a code in a list, or the code itself if it is not known. */
export function labelFor(opts, list, code) {
  if (code === null || code === undefined || code === '') return '';
  const found = (opts?.[list] || []).find((o) => o.code === code);
  return found ? found.label : String(code);
}

// Named wrappers, so views read as what they do.
export const appInfo = () => call('app_info');
export const setupStatus = () => call('setup_status');
export const setupChoose = (args) => call('setup_choose', args);
export const settingsGet = () => call('settings_get');
export const settingsUpdate = (settings) => call('settings_update', settings);
export const home = () => call('home');
export const homeCounts = () => call('home_counts');
export const carerSearch = (args) => call('carer_search', args);
export const carerGet = (id) => call('carer_get', { id });
export const carerCreate = (input) => call('carer_create', input);
export const carerUpdate = (id, input) => call('carer_update', { id, ...input });
export const carerClose = (args) => call('carer_close', args);
export const carerReopen = (id) => call('carer_reopen', { id });
export const carerAddCaredFor = (args) => call('carer_add_cared_for', args);
export const caringLinkCreate = (args) => call('caring_link_create', args);
export const caringLinkUpdate = (id, link) => call('caring_link_update', { id, link });
export const caringLinkRemove = (id) => call('caring_link_remove', { id });
export const caredForGet = (id) => call('cared_for_get', { id });
export const caredForUpdate = (id, input) => call('cared_for_update', { id, ...input });
export const caredForSearch = (args) => call('cared_for_search', args);
export const noteAdd = (args) => call('note_add', args);
export const noteList = (carerId) => call('note_list', { carer_id: carerId });

// Assessments. The forms are data that does not change while the app runs: ask once.
let formsPromise = null;
/** { forms: [Form], lists, instruments } (see docs/commands.md, "Assessments"). */
export function assessmentForms() {
  if (!formsPromise) {
    formsPromise = call('assessment_forms').catch((err) => { formsPromise = null; throw err; });
  }
  return formsPromise;
}
export const assessmentStart = (args) => call('assessment_start', args);
export const assessmentGet = (id) => call('assessment_get', { id });
export const assessmentSave = (args) => call('assessment_save', args);
export const assessmentComplete = (id) => call('assessment_complete', { id });
export const assessmentNewVersion = (id) => call('assessment_new_version', { id });
export const assessmentList = (carerId) => call('assessment_list', { carer_id: carerId });
export const assessmentScoreHistory = (carerId) => call('assessment_score_history', { carer_id: carerId });
export const assessmentTypes = (carerId) => call('assessment_types', { carer_id: carerId });

// Support plans and their reviews (docs/commands.md, "Support plans").
export const supportCatalogue = () => call('support_catalogue');
export const supportCatalogueSave = (items) => call('support_catalogue_save', { items });
export const planCreate = (args) => call('plan_create', args);
export const planGet = (id) => call('plan_get', { id });
export const planList = (carerId) => call('plan_list', { carer_id: carerId });
export const planSave = (args) => call('plan_save', args);
export const planAgree = (id) => call('plan_agree', { id });
export const planNewVersion = (id) => call('plan_new_version', { id });
export const planDiscard = (id) => call('plan_discard', { id });
export const planEnd = (args) => call('plan_end', args);
export const planActionUpdate = (args) => call('plan_action_update', args);
export const planReviewStart = (args) => call('plan_review_start', args);
export const planReviewGet = (id) => call('plan_review_get', { id });
export const planReviewSave = (args) => call('plan_review_save', args);
export const planReviewComplete = (id) => call('plan_review_complete', { id });
export const planReviewCancel = (id) => call('plan_review_cancel', { id });
export const plansDue = () => call('plans_due');

// Schools, young carers in school, transition to adulthood (docs/commands.md, "Young carers").
export const schoolList = () => call('school_list');
export const schoolGet = (id) => call('school_get', { id });
export const schoolSave = (args) => call('school_save', args);
export const schoolLinkSave = (args) => call('school_link_save', args);
export const schoolLinkRemove = (carerId) => call('school_link_remove', { carer_id: carerId });
export const adjustmentSave = (args) => call('adjustment_save', args);
export const adjustmentEnd = (args) => call('adjustment_end', args);
export const youngCarerGet = (carerId) => call('young_carer_get', { carer_id: carerId });
export const milestoneRecord = (args) => call('milestone_record', args);
export const milestoneClear = (carerId, milestone) => call('milestone_clear', { carer_id: carerId, milestone });
export const handoverSave = (args) => call('handover_save', args);
export const youngCarerCardSave = (args) => call('young_carer_card_save', args);
export const transitions = (months) => call('transitions', { months });
/** A school's referral of a young carer to the carers service (school staff: from their own school). */
export const schoolReferralCreate = (args) => call('school_referral_create', args);
/** Referrals, new ones first; `status` 'new', 'accepted' or 'signposted' (null: all). */
export const schoolReferralList = (status) => call('school_referral_list', status ? { status } : {});
export const schoolReferralGet = (id) => call('school_referral_get', { id });
/** { id, carer_id?, confirm_new?, note? } */
export const schoolReferralAccept = (args) => call('school_referral_accept', args);
/** { id, note }: where they were signposted. */
export const schoolReferralSignpost = (args) => call('school_referral_signpost', args);
/** What school staff may see of one of their young carers. */
export const pupilGet = (carerId) => call('pupil_get', { carer_id: carerId });
/** { carer_id, date?, text }: a note "in school", written as the signed-in account. */
export const pupilNoteAdd = (args) => call('pupil_note_add', args);

// Carer passports and young carer cards (docs/commands.md, "Passports").
export const passportKinds = () => call('passport_kinds');
export const passportAsksSave = (kind, asks) => call('passport_asks_save', { kind, asks });
export const passportIssue = (args) => call('passport_issue', args);
export const passportUpdate = (args) => call('passport_update', args);
export const passportGet = (id) => call('passport_get', { id });
export const passportList = (carerId) => call('passport_list', { carer_id: carerId });
export const passportRenew = (args) => call('passport_renew', args);
export const passportReissue = (args) => call('passport_reissue', args);
export const passportRevoke = (args) => call('passport_revoke', args);
export const passportLookup = (text) => call('passport_lookup', { text });
export const passportsExpiring = (days = 30) => call('passports_expiring', { days });
export const passportPhotoClear = (id) => call('passport_photo_clear', { id });
export const passportPreview = (id) => call('passport_preview', { id });
export const cardLogoClear = () => call('card_logo_clear');

/**
 * Run a long core command through `call_progress`, which sends { done, total } to
 * `onProgress` while it works (printing a batch of cards). Resolves and rejects like `call`.
 * @template {keyof Cmd.Args} K
 * @param {K} command
 * @param {Cmd.Args[K]} args
 * @param {(p: { done: number, total: number }) => void} [onProgress]
 * @returns {Promise<any>}
 */
export async function callWithProgress(command, args, onProgress) {
  if (!hasCore()) {
    sayNoCore();
    throw { ...NO_TAURI };
  }
  const core = window.__TAURI__.core;
  if (typeof core.Channel !== 'function') return call(command, args);
  const channel = new core.Channel();
  channel.onmessage = (message) => {
    if (!onProgress || !message) return;
    try {
      onProgress({ done: Number(message.done) || 0, total: Number(message.total) || 0 });
    } catch {
      // Showing progress must never stop the work.
    }
  };
  try {
    return await core.invoke('call_progress', { command, args, onProgress: channel });
  } catch (raw) {
    throw noticeLocked(toError(raw));
  }
}

/** Normalise a plugin's failure (a string or an Error) into the core's error shape. */
function pluginError(what, raw) {
  const message = typeof raw === 'string' ? raw : (raw && raw.message) || 'something went wrong';
  return { code: 'window', message: `${what} (${message})`, field: null, errors: [] };
}

/**
 * Ask where to save a PDF (the system's save dialog, suggesting `suggestedName`), then run
 * `command` with `args` plus the chosen `path`, then open the file in the system
 * viewer. Resolves null when the dialog is cancelled, else the command's result plus
 * { path, opened } where `opened` is false if the viewer could not be started (the file is
 * saved all the same).
 * @param {keyof Cmd.Args} command @param {Record<string, any>} args @param {string} suggestedName
 * @param {{ onProgress?: (p: { done: number, total: number }) => void }} [o]
 */
async function printPdf(command, args, suggestedName, { onProgress } = {}) {
  if (!hasCore()) {
    sayNoCore();
    throw { ...NO_TAURI };
  }
  const dialog = window.__TAURI__.dialog;
  const opener = window.__TAURI__.opener;
  if (!dialog || typeof dialog.save !== 'function') {
    throw pluginError('the save dialog is not available in this window', 'dialog plugin missing');
  }
  let path;
  try {
    path = await dialog.save({
      title: 'Save the PDF',
      defaultPath: suggestedName,
      filters: [{ name: 'PDF document', extensions: ['pdf'] }],
    });
  } catch (raw) {
    throw pluginError('the save dialog could not be opened', raw);
  }
  if (!path) return null; // cancelled
  if (!/\.pdf$/i.test(path)) path = `${path}.pdf`;
  const result = onProgress
    ? await callWithProgress(command, { ...args, path }, onProgress)
    : await call(command, { ...args, path });
  let opened = false;
  if (opener && typeof opener.openPath === 'function') {
    try {
      await opener.openPath(result.path || path);
      opened = true;
    } catch {
      opened = false;
    }
  }
  return { ...result, path: result.path || path, opened };
}

/** Print part of a plan ('plan' or 'contingency') to a PDF (see printPdf). */
export function printPlan(id, part, suggestedName) {
  return printPdf('plan_print', { id, part }, suggestedName);
}

/** Print a school's one-page staff summary (adjustments and named contacts) to a PDF. */
export function printSchoolSummary(id, suggestedName) {
  return printPdf('school_print_summary', { id }, suggestedName);
}

/** Print a young carer's handover summary for the adult carers service to a PDF. */
export function printHandover(carerId, suggestedName) {
  return printPdf('handover_print', { carer_id: carerId }, suggestedName);
}

/**
 * Print passports as cards to a PDF (see printPdf): `args` are passports_print's ({ ids } or
 * { from, to }, layout, stock, crop_marks). `onProgress({ done, total })` follows a batch.
 */
export function printPassports(args, suggestedName, onProgress) {
  return printPdf('passports_print', args, suggestedName, { onProgress });
}

/** Print the card stock calibration sheet to a PDF (see printPdf). */
export function printCalibration(stock, suggestedName) {
  return printPdf('passport_calibration_print', stock ? { stock } : {}, suggestedName);
}

/**
 * Ask for a PNG or JPEG image (the system's open dialog). Resolves the chosen file's path, or
 * null when the dialog is cancelled. The core checks the file itself.
 */
export function chooseImage(title) {
  return openDialog({
    title,
    multiple: false,
    directory: false,
    filters: [{ name: 'PNG or JPEG image', extensions: ['png', 'jpg', 'jpeg', 'PNG', 'JPG', 'JPEG'] }],
  }, 'the open dialog could not be opened');
}

/** The system's open dialog with `options`: resolves one chosen path, or null when cancelled. */
async function openDialog(options, failure) {
  if (!hasCore()) {
    sayNoCore();
    throw { ...NO_TAURI };
  }
  const dialog = window.__TAURI__.dialog;
  if (!dialog || typeof dialog.open !== 'function') {
    throw pluginError('the open dialog is not available in this window', 'dialog plugin missing');
  }
  let chosen;
  try {
    chosen = await dialog.open(options);
  } catch (raw) {
    throw pluginError(failure, raw);
  }
  if (Array.isArray(chosen)) chosen = chosen[0];
  if (chosen && typeof chosen === 'object' && 'path' in chosen) chosen = chosen.path;
  return chosen ? String(chosen) : null;
}

/** Set a passport's photo from an image file chosen with chooseImage. */
export const passportPhotoSet = (id, path) => call('passport_photo_set', { id, path });
/** Set the organisation's logo for cards from an image file chosen with chooseImage. */
export const cardLogoSet = (path) => call('card_logo_set', { path });

// Sessions and staff (docs/commands.md, "Sessions" and "Staff accounts"). The session
// commands work while Carers Desk is locked; every other command then fails with code `locked`.
/** `username`: the account typed on the sign-in screen, whose wait after wrong passphrases is wanted. */
export const sessionStatus = (username) => call('session_status', username ? { username } : {});
export const sessionSetupBegin = () => call('session_setup_begin');
/** { organisation, username, name, passphrase, passphrase_again, recovery_check: { "3": "ABCD" } } */
export const sessionSetupFinish = (args) => call('session_setup_finish', args);
export const sessionUnlock = (username, passphrase) => call('session_unlock', { username, passphrase });
/** { recovery_key, username, passphrase, passphrase_again } */
export const sessionRecover = (args) => call('session_recover', args);
export const sessionLock = () => call('session_lock');
export const sessionSignOut = () => call('session_sign_out');
/** { current, passphrase, passphrase_again }: the signed-in person's own passphrase. */
export const passphraseChange = (args) => call('passphrase_change', args);
export const staffList = () => call('staff_list');
export const staffCreate = (args) => call('staff_create', args);
/** { id, name?, role?, school_id?, active? } */
export const staffUpdate = (args) => call('staff_update', args);
export const staffSetPassphrase = (id, passphrase, passphraseAgain) => call('staff_set_passphrase', { id, passphrase, passphrase_again: passphraseAgain });

const lockedListeners = new Set();
/** Run `listener(error)` whenever a command fails because Carers Desk is locked. */
export function onLocked(listener) {
  lockedListeners.add(listener);
  return () => lockedListeners.delete(listener);
}
/** Tell the listeners about a `locked` failure; returns the error unchanged. */
function noticeLocked(err) {
  if (err.code === 'locked') {
    for (const listener of lockedListeners) {
      try { listener(err); } catch { /* a listener must not change the command's failure */ }
    }
  }
  return err;
}

// Audit, backups, subject rights (docs/commands.md, "Data safety"). Administrators only,
// except backup_auto, which the window runs once after signing in.
export const auditList = (filters = {}) => call('audit_list', filters);
export const auditVerify = () => call('audit_verify');
/**
 * Ask where to save the audit trail (the save dialog, suggesting `suggestedName`), then write
 * the entries the `filters` choose there as CSV. Resolves null when the dialog is cancelled,
 * else { path, entries }.
 */
export async function auditExport(filters, suggestedName) {
  let path = await saveDialog('Save the audit trail', suggestedName, { name: 'CSV file (spreadsheet)', extensions: ['csv'] });
  if (!path) return null;
  if (!/\.csv$/i.test(path)) path = `${path}.csv`;
  return call('audit_export', { ...filters, path });
}
export const backupNow = () => call('backup_now');
export const backupAuto = () => call('backup_auto');
export const backupList = () => call('backup_list');
export const backupVerify = (path) => call('backup_verify', { path });
export const backupRestore = (path, recoveryKey) => call('backup_restore', recoveryKey ? { path, recovery_key: recoveryKey } : { path });
/** `who` is { carer_id } or { cared_for_id }; writes the JSON and the PDF into `folder`. */
export const subjectExport = (who, folder) => call('subject_export', { ...who, folder });
/** `confirm` is the record's reference, typed by the administrator. */
export const carerAnonymise = (id, confirm) => call('carer_anonymise', { id, confirm });
export const caredForAnonymise = (id, confirm) => call('cared_for_anonymise', { id, confirm });
export const retentionDue = () => call('retention_due');

/** The system's save dialog; resolves the chosen path, or null when cancelled. */
async function saveDialog(title, suggestedName, filter) {
  if (!hasCore()) {
    sayNoCore();
    throw { ...NO_TAURI };
  }
  const dialog = window.__TAURI__.dialog;
  if (!dialog || typeof dialog.save !== 'function') {
    throw pluginError('the save dialog is not available in this window', 'dialog plugin missing');
  }
  try {
    return (await dialog.save({ title, defaultPath: suggestedName, filters: [filter] })) || null;
  } catch (raw) {
    throw pluginError('the save dialog could not be opened', raw);
  }
}

/**
 * Ask for a folder (the system's open dialog, for folders). Resolves its path, or null when
 * the dialog is cancelled. `defaultPath` is where the dialog starts, if given.
 */
export function chooseFolder(title, defaultPath) {
  return openDialog({ title, directory: true, multiple: false, defaultPath: defaultPath || undefined },
    'the folder dialog could not be opened');
}

/** Open a file in the system's viewer for it. Resolves true if the viewer started. */
export async function openFile(path) {
  const opener = hasCore() ? window.__TAURI__.opener : null;
  if (!opener || typeof opener.openPath !== 'function') return false;
  try {
    await opener.openPath(path);
    return true;
  } catch {
    return false;
  }
}

// Monitoring reports, importing carers from a spreadsheet, exporting the register
// (docs/commands.md, "Reports", "Import" and "Export").
/** The quick periods: [{ key, label, from, to }]. */
export const reportPeriods = () => call('report_periods');
/** The monitoring report for a period (dates as typed); `onProgress({ done, total })` while it runs. */
export const reportRun = (from, to, onProgress) => callWithProgress('report_run', { from, to }, onProgress);
/** The records behind one figure (or one row of it): { figure, row, description, count, records }. */
export const reportRecords = (args) => call('report_records', args);

const REPORT_FORMATS = {
  pdf: { title: 'Save the report as a PDF', filter: { name: 'PDF document', extensions: ['pdf'] } },
  json: { title: 'Save the report as JSON', filter: { name: 'JSON file', extensions: ['json'] } },
};

/**
 * Export the monitoring report: `format` 'csv' asks for a folder (one CSV per group of figures
 * is written there), 'pdf' and 'json' ask where to save the file (suggesting `suggestedName`).
 * Resolves null when the dialog is cancelled, else { format, files }.
 */
export async function reportExport({ from, to, format }, suggestedName, onProgress) {
  let path;
  if (format === 'csv') {
    path = await chooseFolder('Choose a folder for the CSV files');
  } else {
    const { title, filter } = REPORT_FORMATS[format];
    path = await saveDialog(title, suggestedName, filter);
    if (path && !new RegExp(`\\.${format}$`, 'i').test(path)) path = `${path}.${format}`;
  }
  if (!path) return null;
  return callWithProgress('report_export', { from, to, format, path }, onProgress);
}

/**
 * Ask for a spreadsheet to import (the system's open dialog: CSV, Excel or OpenDocument).
 * Resolves the chosen file's path, or null when the dialog is cancelled.
 */
export function chooseSpreadsheet(title) {
  const extensions = ['csv', 'xlsx', 'xls', 'ods'];
  return openDialog({
    title,
    multiple: false,
    directory: false,
    filters: [{ name: 'Spreadsheet (CSV, Excel or OpenDocument)', extensions: [...extensions, ...extensions.map((e) => e.toUpperCase())] }],
  }, 'the open dialog could not be opened');
}
/**
 * What a spreadsheet holds: sheets, the header row (and the first rows it may be), columns
 * with samples and suggested fields, the fields. `headerRow`: the row with the column names.
 */
export const importRead = (path, sheet, headerRow) => call('import_read', { path, sheet: sheet ?? null, header_row: headerRow ?? null });
/** The values found in each mapped choice column, with suggested codes. */
export const importValues = (path, sheet, mapping) => call('import_values', { path, sheet: sheet ?? null, mapping });
/** Check every row without writing anything: counts, errors, likely duplicates, a preview. */
export const importDryRun = (path, sheet, mapping, onProgress) => callWithProgress('import_dry_run', { path, sheet: sheet ?? null, mapping }, onProgress);
/** Write every row in one go (or none): { carers_created, cared_for_created, duplicates_skipped, first_reference, last_reference }. */
export const importCommit = ({ path, sheet, mapping, skipDuplicates }, onProgress) => callWithProgress('import_commit', { path, sheet: sheet ?? null, mapping, skip_duplicates: Boolean(skipDuplicates) }, onProgress);
export const importMappingList = () => call('import_mapping_list');
/** { id: null|n, name, mapping } */
export const importMappingSave = (args) => call('import_mapping_save', args);
export const importMappingDelete = (id) => call('import_mapping_delete', { id });
/** The whole register as CSV files and JSON, in a new folder inside `folder`. */
export const registerExport = (folder) => call('register_export', { folder });

// Unsaved changes and closing the window (kit/unsaved.js decides; the shell asks before closing).
/** Tell the shell whether the window has unsaved changes, so closing it asks first. */
export function setUnsaved(unsaved) {
  if (!hasCore()) return;
  window.__TAURI__.core.invoke('window_unsaved', { unsaved: Boolean(unsaved) }).catch(() => {});
}

/**
 * When the window is asked to close with unsaved changes, the shell waits and asks the page:
 * `ask()` resolves true to close anyway (then the window closes), false to stay.
 * @param {() => Promise<boolean>} ask
 */
export function onCloseRequested(ask) {
  const events = hasCore() ? window.__TAURI__.event : null;
  if (!events || typeof events.listen !== 'function') return;
  events.listen('close-requested', async () => {
    if (await ask()) window.__TAURI__.core.invoke('window_close').catch(() => {});
  }).catch(() => {});
}
