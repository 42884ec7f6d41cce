// @ts-check
// Import carers from a spreadsheet (#/import, administrators): choose a CSV, Excel or
// OpenDocument file; choose the sheet; say which of our fields each column holds (the core
// suggests one from the header); say how dates are written; map the values of choice columns
// to ours; save the choices as a named mapping for next time (or load one); check every row
// without writing anything (the dry run: counts, each error with its row, column and value,
// likely duplicates of carers already on the register); then import, all rows or none.
// Nothing is written until "Import" is confirmed.

import * as api from '../api.js';
import { h, append, replace, focusElement, confirmDialog } from '../kit/dom.js';
import { formatDate, plural, sentence } from '../kit/format.js';
import { showErrors, clearErrors } from '../kit/errors.js';
import { radioField, checkboxField } from '../kit/fields.js';
import { adminOnly } from '../safety/safety-parts.js';
import { navigate } from '../nav.js';
import { detailRow } from '../kit/details.js';

const DATE_FORMATS = [
  { code: 'dmy', label: 'Day first, as in the UK: 31/12/1980' },
  { code: 'mdy', label: 'Month first, as in the US: 12/31/1980' },
  { code: 'ymd', label: 'Year first: 1980-12-31' },
];

const TARGETS = { carer: 'The carer', cared_for: 'The person they care for' };

const REASONS = {
  name_and_date_of_birth: 'same name and date of birth',
  nhs_number: 'same NHS number',
  earlier_row: 'same as an earlier row in the file',
};

/** Yes/no columns have no choice list of their own. */
const YES_NO = [{ code: 'yes', label: 'Yes' }, { code: 'no', label: 'No' }];

/**
 * The import under way, kept while Carers Desk is open, so that opening a likely duplicate's
 * record (a link in the check) and coming back finds every choice as it was.
 */
let underway = null;

/**
 * @param {HTMLElement} main
 */
export async function render(main) {
  if (!(await adminOnly(main, 'Import carers from a spreadsheet'))) return null;
  const [opts, saved] = await Promise.all([api.options(), api.importMappingList().catch(() => [])]);

  /** Everything chosen so far. */
  const state = underway || {
    path: null,
    sheet: null,
    headerRow: null, // chosen by the user; null: the core's choice
    info: null, // import_read
    mapping: { columns: {}, date_format: 'dmy', values: {} },
    mappingName: '',
    mappingId: null,
    values: null, // import_values
    dry: null, // import_dry_run
    saved: [],
  };
  state.saved = Array.isArray(saved) ? saved : [];
  underway = state;

  const form = h('form', { id: 'import-form', class: 'form import-form', novalidate: true });
  form.addEventListener('submit', (event) => event.preventDefault());
  const fileStep = h('section', { class: 'import-step', id: 'import-step-file', 'aria-labelledby': 'import-file-title' });
  const columnsStep = h('section', { class: 'import-step', id: 'import-step-columns', 'aria-labelledby': 'import-columns-title', hidden: true });
  const valuesStep = h('section', { class: 'import-step', id: 'import-step-values', 'aria-labelledby': 'import-values-title', hidden: true });
  const dryStep = h('section', { class: 'import-step', id: 'import-step-check', 'aria-labelledby': 'import-check-title', hidden: true });
  append(form, fileStep, columnsStep, valuesStep, dryStep);

  // Progress, shared by the dry run and the import.
  const progressText = h('p', { class: 'progress-text', id: 'import-progress-label' }, '');
  const progress = h('progress', { class: 'progress-bar', id: 'import-progress-bar', max: '1', value: '0', 'aria-labelledby': 'import-progress-label' });
  const progressBox = h('div', { class: 'batch-progress', id: 'import-progress', role: 'status', hidden: true }, progressText, progress);

  function showProgress(words) {
    progress.max = 1;
    progress.value = 0;
    progressText.textContent = words;
    progressBox.hidden = false;
    return ({ done, total }) => {
      progress.max = Math.max(total, 1);
      progress.value = Math.min(done, progress.max);
      progressText.textContent = `${words} ${done.toLocaleString('en-GB')} of ${plural(total, 'row')}`;
    };
  }

  /** Run `action` with `button` busy; the core's errors go beside their fields. */
  async function busy(button, label, action) {
    if (button.disabled) return;
    const was = button.textContent;
    button.disabled = true;
    if (label) button.textContent = label;
    const restore = () => { button.disabled = false; if (label) button.textContent = was; };
    clearErrors(document);
    try {
      await action();
    } catch (err) {
      if (form.isConnected) showErrors(form, fieldFor(err));
    } finally {
      progressBox.hidden = true;
      if (button.isConnected) restore();
    }
  }

  /**
   * The core names a mapping's parts `mapping.columns…`, `mapping.date_format`,
   * `mapping.values.<field>…`: point them at the controls that set them.
   */
  function fieldFor(err) {
    const fix = (f) => {
      if (!f) return f;
      const name = String(f).replace(/^mapping\./, '');
      if (name.startsWith('columns')) {
        const header = name.slice('columns'.length).replace(/^\./, '');
        const index = (state.info?.columns || []).findIndex((c) => c.header === header);
        return index >= 0 ? `column-${index}` : 'columns';
      }
      if (name === 'header_row') return document.getElementById('import-header-row') ? 'header_row' : 'path';
      if (name === 'consent_date') return 'consent_date';
      if (name.startsWith('values')) {
        const key = name.slice('values'.length).replace(/^\./, '').split('.')[0];
        return key && valuesStep.querySelector(`[data-field="values-${key}"]`) ? `values-${key}` : 'values';
      }
      return name;
    };
    return { ...err, field: fix(err.field), errors: (err.errors || []).map((e) => ({ ...e, field: fix(e.field) })) };
  }

  // ---------------------------------------------------------- 1. the file and the sheet
  function drawFile() {
    const info = state.info;
    const choose = h('button', { type: 'button', class: info ? 'button button--secondary' : 'button', id: 'import-choose', onclick: (e) => busy(e.currentTarget, 'Reading…', chooseFile) },
      info ? 'Choose another file…' : 'Choose a spreadsheet…');
    replace(fileStep,
      h('h2', { class: 'section-title', id: 'import-file-title' }, '1. The spreadsheet'),
      h('div', { class: 'field', dataset: { field: 'path' } },
        h('p', { class: 'hint', id: 'import-file-hint' }, 'A CSV file (.csv), an Excel workbook (.xlsx or .xls) or an OpenDocument spreadsheet (.ods), with a row that holds the column names.'),
        info
          ? h('dl', { class: 'details details--compact import-file', id: 'import-file' },
            detailRow('File', h('span', { id: 'import-file-name' }, info.file_name)),
            detailRow('Rows', h('span', { id: 'import-file-rows' }, `${plural(Number(info.rows) || 0, 'row')} of data, after the column names`)),
            info.encoding ? detailRow('Characters', info.encoding === 'UTF-8' ? 'UTF-8' : `${info.encoding} (read and converted)`) : null)
          : null,
        h('div', { class: 'button-row' }, choose)),
      info?.left_out ? leftOutNotice(info.left_out, 'import-left-out') : null,
      info && (info.sheets || []).length > 1 ? sheetField(info) : null,
      info && (info.header_choices || []).length > 1 ? headerField(info) : null);
  }

  /** Cells past the first 1,000 columns are not read: say so, never drop them silently. */
  function leftOutNotice(leftOut, id) {
    return h('div', { class: 'notice notice--warning', id, role: 'status' },
      h('p', { class: 'notice__title' }, leftOut.cells === 1 ? 'A cell far to the right is not read' : 'Cells far to the right are not read'),
      h('p', null, leftOut.message));
  }

  /** Which row holds the column names: the core suggests one (a title row above is passed over). */
  function headerField(info) {
    const choices = info.header_choices || [];
    const select = h('select', { id: 'import-header-row', name: 'header_row', class: 'select', 'aria-describedby': 'import-header-row-hint' },
      choices.map((c) => h('option', { value: String(c.row), selected: c.row === info.header_row },
        `Row ${c.row}: ${(c.cells || []).join(', ')}${c.filled > (c.cells || []).length ? ', …' : ''}${c.row === info.header_suggested ? ' (suggested)' : ''}`)));
    select.addEventListener('change', () => busy(select, null, async () => {
      state.headerRow = Number(select.value);
      await load();
      focusElement(document.getElementById('import-header-row'));
    }));
    const above = Number(info.rows_above_header) || 0;
    return h('div', { class: 'field', dataset: { field: 'header_row' } },
      h('label', { class: 'label', for: 'import-header-row' }, 'The column names are in'),
      h('p', { class: 'hint', id: 'import-header-row-hint' },
        above
          ? `${plural(above, 'row')} above it (a title or notes) ${above === 1 ? 'is' : 'are'} not imported.`
          : 'Choose another row if the column names are further down.'),
      select);
  }

  function sheetField(info) {
    const select = h('select', { id: 'import-sheet', name: 'sheet', class: 'select' },
      info.sheets.map((s) => h('option', { value: s, selected: s === info.sheet }, s)));
    select.addEventListener('change', () => busy(select, null, async () => {
      state.sheet = select.value;
      state.headerRow = null;
      await load();
    }));
    return h('div', { class: 'field', dataset: { field: 'sheet' } },
      h('label', { class: 'label', for: 'import-sheet' }, 'Sheet'),
      h('p', { class: 'hint', id: 'import-sheet-hint' }, 'This workbook has more than one sheet: choose the one with the carers.'),
      select);
  }

  async function chooseFile() {
    const path = await api.chooseSpreadsheet('Choose the spreadsheet to import');
    if (!path) return;
    state.path = path;
    state.sheet = null;
    state.headerRow = null;
    await load();
    focusElement(columnsStep.querySelector('h2'));
  }

  /** Read the file (and sheet), then start the columns from a matching saved mapping or the suggestions. */
  async function load() {
    const info = await api.importRead(state.path, state.sheet, state.headerRow);
    state.info = info;
    state.sheet = info.sheet ?? null;
    state.values = null;
    forgetCheck();
    const match = info.saved_mapping ? state.saved.find((m) => m.id === info.saved_mapping.id) : null;
    if (match) useMapping(match);
    else {
      state.mapping = { columns: {}, date_format: state.mapping.date_format || 'dmy', values: {}, consent_date: state.mapping.consent_date ?? null };
      for (const c of info.columns || []) if (c.suggestion) state.mapping.columns[c.header] = c.suggestion;
      state.mappingId = null;
      state.mappingName = '';
    }
    state.mapping.header_row = info.header_row;
    drawFile();
    drawColumns(match);
    valuesStep.hidden = true;
  }

  function useMapping(m) {
    const mapping = m.mapping || {};
    state.mapping = {
      columns: { ...(mapping.columns || {}) },
      date_format: mapping.date_format || 'dmy',
      values: JSON.parse(JSON.stringify(mapping.values || {})),
      header_row: mapping.header_row ?? state.info?.header_row ?? null,
      consent_date: mapping.consent_date ?? null,
    };
    state.mappingId = m.id;
    state.mappingName = m.name;
  }

  // ---------------------------------------------------------- 2. columns, dates, saved mappings
  function drawColumns(loaded) {
    const info = state.info;
    if (!info) { columnsStep.hidden = true; return; }
    const fieldsList = info.fields || [];
    const table = h('table', { class: 'table import-columns', id: 'import-columns' },
      h('caption', { class: 'visually-hidden' }, 'The spreadsheet’s columns, with examples, and the field each goes into'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Column in the file'),
        h('th', { scope: 'col' }, 'Examples'),
        h('th', { scope: 'col' }, 'Goes into'))),
      h('tbody', null, (info.columns || []).map((c) => columnRow(c, fieldsList))));
    const dates = radioField('date_format', 'How are dates written in this file?', DATE_FORMATS, state.mapping.date_format,
      { hint: 'Dates of birth and other dates are read this way. A date that does not fit is shown as an error in the check.', inline: false });
    dates.addEventListener('change', () => {
      state.mapping.date_format = dates.querySelector('input:checked')?.value || 'dmy';
      forgetCheck();
    });
    const consent = consentDateField();
    const needed = fieldsList.filter((f) => f.required).map((f) => f.label);
    const caredFor = fieldsList.some((f) => f.target === 'cared_for');
    replace(columnsStep,
      h('h2', { class: 'section-title', id: 'import-columns-title', tabindex: '-1' }, '2. What each column holds'),
      loaded ? h('p', { class: 'notice notice--valid', id: 'import-mapping-used' }, `Using your saved mapping “${loaded.name}”, which matches these columns. Check it, then go on.`) : null,
      h('div', { class: 'field', dataset: { field: 'columns', group: 'true' } },
        h('p', { class: 'hint' }, 'Our suggestion is chosen already where a column’s name says what it holds. Choose “Do not import” for columns you do not want.',
          needed.length ? ` Each carer needs: ${needed.join(', ')}.` : '',
          caredFor ? ' When a column holds the person cared for, their relationship to the carer and the hours of care are needed too.' : ''),
        h('div', { class: 'table-scroll' }, table)),
      dates,
      consent.field,
      mappingTools(),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'button', id: 'import-next-values', onclick: (e) => busy(e.currentTarget, 'Reading the values…', loadValues) }, 'Next: the values in choice columns')));
    columnsStep.hidden = false;
  }

  function columnRow(c, fieldsList) {
    const id = `import-column-${c.index}`;
    const current = state.mapping.columns[c.header] ?? '';
    const groups = Object.entries(TARGETS).map(([target, label]) => {
      const list = fieldsList.filter((f) => (f.target || 'carer') === target);
      return list.length ? h('optgroup', { label }, list.map((f) => h('option', { value: f.key, selected: f.key === current },
        `${f.label}${f.required ? ' (needed)' : ''}`))) : null;
    });
    const select = h('select', { id, name: `column-${c.index}`, class: 'select', 'aria-labelledby': `${id}-header`, 'aria-describedby': `${id}-samples` },
      h('option', { value: '', selected: current === '' }, 'Do not import'),
      groups);
    select.addEventListener('change', () => {
      if (select.value) state.mapping.columns[c.header] = select.value;
      else delete state.mapping.columns[c.header];
      state.values = null;
      valuesStep.hidden = true;
      forgetCheck();
      showConsentDate();
    });
    const samples = (c.samples || []).filter((s) => s !== '' && s !== null);
    return h('tr', { dataset: { column: String(c.index), header: c.header } },
      h('th', { scope: 'row', id: `${id}-header` }, c.header || `Column ${c.index + 1}`),
      h('td', { id: `${id}-samples`, class: 'import-samples' },
        samples.length ? samples.map((s) => h('span', { class: 'import-sample' }, s)) : h('span', { class: 'muted' }, 'Empty')),
      h('td', { class: 'field', dataset: { field: `column-${c.index}` } },
        h('label', { class: 'visually-hidden', for: id }, `What the column ${c.header} holds`), select));
  }

  /** Shows the consent date choice only when a column says whether consent was given. */
  function showConsentDate() {
    const field = document.getElementById('import-consent-date-group');
    if (field) field.hidden = !Object.values(state.mapping.columns).includes('consent_given');
  }

  /**
   * The consent date of rows that say consent was given but have none of their own: from the
   * file only (such rows are problems), the day of the import, or a date typed here.
   */
  function consentDateField() {
    const current = state.mapping.consent_date ?? '';
    const mode = current === '' ? 'file' : current === 'import_day' ? 'import_day' : 'date';
    const field = radioField('consent_date_mode', 'Consent date for rows that have none', [
      { code: 'file', label: 'Only from the file: a row with consent and no date is a problem to fix' },
      { code: 'import_day', label: 'The day of the import' },
      { code: 'date', label: 'This date' },
    ], mode, { hint: 'The carer form needs the date consent was given. Use this when the old system did not record it.', inline: false });
    field.id = 'import-consent-date-group';
    field.dataset.field = 'consent_date';
    const dateInput = h('input', {
      id: 'import-consent-date', name: 'consent_date', class: 'input input--date', autocomplete: 'off', inputmode: 'numeric',
      value: mode === 'date' ? formatDate(current) : '', 'aria-describedby': 'import-consent-date-hint',
    });
    const dateBox = h('div', { class: 'field import-consent-date', hidden: mode !== 'date' },
      h('label', { class: 'label', for: 'import-consent-date' }, 'Consent date'),
      h('p', { class: 'hint', id: 'import-consent-date-hint' }, 'For example, 01/04/2024'),
      dateInput);
    field.append(dateBox);
    const update = () => {
      const chosen = field.querySelector('input[name="consent_date_mode"]:checked')?.value || 'file';
      dateBox.hidden = chosen !== 'date';
      state.mapping.consent_date = chosen === 'import_day' ? 'import_day' : chosen === 'date' ? (dateInput.value.trim() || null) : null;
      forgetCheck();
    };
    field.addEventListener('change', update);
    dateInput.addEventListener('input', update);
    field.hidden = !Object.values(state.mapping.columns).includes('consent_given');
    return { field };
  }

  /** Load, save and delete named mappings. */
  function mappingTools() {
    const status = h('p', { id: 'import-mapping-status', role: 'status', class: 'muted' });
    const nameInput = h('input', { id: 'import-mapping-name', name: 'mapping_name', class: 'input input--medium', autocomplete: 'off', value: state.mappingName });
    const save = h('button', { type: 'button', class: 'button button--secondary', id: 'import-mapping-save' }, 'Save this mapping');
    save.addEventListener('click', () => busy(save, 'Saving…', async () => {
      const name = nameInput.value.trim();
      if (!name) throw { code: 'validation', message: '', errors: [{ field: 'name', message: 'give the mapping a name, for example “Old spreadsheet”' }] };
      const same = state.saved.find((m) => m.name.toLowerCase() === name.toLowerCase());
      const kept = await api.importMappingSave({ id: same ? same.id : null, name, mapping: state.mapping });
      state.saved = [...state.saved.filter((m) => m.id !== kept.id), kept].sort((a, b) => a.name.localeCompare(b.name));
      state.mappingId = kept.id;
      state.mappingName = kept.name;
      drawSavedList();
      status.textContent = `Saved as “${kept.name}”. Next time a file with these columns is chosen, it is used by itself.`;
    }));
    const savedBox = h('div', { id: 'import-saved' });
    function drawSavedList() {
      if (!state.saved.length) { replace(savedBox); return; }
      const select = h('select', { id: 'import-saved-mapping', class: 'select' },
        state.saved.map((m) => h('option', { value: String(m.id), selected: m.id === state.mappingId }, m.name)));
      replace(savedBox, h('div', { class: 'field' },
        h('label', { class: 'label', for: 'import-saved-mapping' }, 'Saved mappings'),
        h('div', { class: 'import-inline' }, select,
          h('button', {
            type: 'button', class: 'button button--secondary', id: 'import-mapping-load',
            onclick: (e) => busy(e.currentTarget, null, async () => {
              const m = state.saved.find((x) => String(x.id) === select.value);
              if (!m) return;
              const row = m.mapping?.header_row;
              if (row && row !== state.info?.header_row) {
                // The mapping's column names are in another row: read the file from there.
                state.headerRow = row;
                state.info = await api.importRead(state.path, state.sheet, row);
                drawFile();
              }
              useMapping(m);
              state.values = null;
              forgetCheck();
              drawColumns(m);
              valuesStep.hidden = true;
              focusElement(columnsStep.querySelector('h2'));
            }),
          }, 'Use this mapping'),
          h('button', {
            type: 'button', class: 'link-button', id: 'import-mapping-delete',
            onclick: (e) => busy(e.currentTarget, null, async () => {
              const m = state.saved.find((x) => String(x.id) === select.value);
              if (!m) return;
              const sure = await confirmDialog({ title: `Delete the mapping “${m.name}”?`, message: 'Files already imported are not changed.', confirmLabel: 'Delete', danger: true });
              if (!sure) return;
              await api.importMappingDelete(m.id);
              state.saved = state.saved.filter((x) => x.id !== m.id);
              if (state.mappingId === m.id) state.mappingId = null;
              drawSavedList();
              status.textContent = `The mapping “${m.name}” is deleted.`;
            }),
          }, 'Delete'))));
    }
    drawSavedList();
    return h('fieldset', { class: 'fieldset fieldset--inner import-mappings' },
      h('legend', { class: 'fieldset__legend fieldset__legend--small' }, 'Save these choices for next time'),
      savedBox,
      h('div', { class: 'field', dataset: { field: 'name' } },
        h('label', { class: 'label', for: 'import-mapping-name' }, 'Name for this mapping'),
        h('div', { class: 'import-inline' }, nameInput, save)),
      status);
  }

  // ---------------------------------------------------------- 3. values of choice columns
  async function loadValues() {
    const result = await api.importValues(state.path, state.sheet, state.mapping);
    state.values = Array.isArray(result) ? result : [];
    drawValues();
    focusElement(valuesStep.querySelector('h2'));
  }

  function drawValues() {
    const list = state.values || [];
    const blocks = list.map((v) => {
      const choices = opts[v.list] || (v.list ? [] : YES_NO);
      const chosen = (state.mapping.values[v.field] ??= {});
      for (const item of v.values || []) {
        if (chosen[item.value] === undefined && item.suggestion) chosen[item.value] = item.suggestion;
      }
      return h('fieldset', { class: 'fieldset fieldset--inner import-values field', id: `import-values-${v.field}`, dataset: { field: `values-${v.field}`, group: 'true' } },
        h('legend', { class: 'fieldset__legend fieldset__legend--small' }, v.label),
        h('table', { class: 'table import-values__table' },
          h('caption', { class: 'visually-hidden' }, `${v.label}: the values in the file and ours`),
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'In the file'),
            h('th', { scope: 'col', class: 'numeric' }, 'Rows'),
            h('th', { scope: 'col' }, 'Ours'))),
          h('tbody', null, (v.values || []).map((item, i) => {
            const id = `import-value-${v.field}-${i}`;
            const current = chosen[item.value] ?? '';
            const select = h('select', { id, class: 'select', name: `values-${v.field}`, 'aria-labelledby': `${id}-label`, dataset: { value: item.value } },
              h('option', { value: '', selected: current === '' }, 'Not recorded'),
              choices.map((o) => h('option', { value: o.code, selected: o.code === current }, o.label)));
            select.addEventListener('change', () => {
              if (select.value) chosen[item.value] = select.value;
              else delete chosen[item.value];
              forgetCheck();
            });
            return h('tr', { dataset: { value: item.value } },
              h('th', { scope: 'row', id: `${id}-label` }, item.value === '' ? h('span', { class: 'muted' }, '(empty)') : item.value),
              h('td', { class: 'numeric' }, shown(item.count)),
              h('td', null, select));
          }))));
    });
    replace(valuesStep,
      h('h2', { class: 'section-title', id: 'import-values-title', tabindex: '-1' }, '3. Values in choice columns'),
      blocks.length
        ? h('p', { class: 'hint' }, 'For each value found in the file, choose ours. “Not recorded” leaves the field empty for those rows.')
        : h('p', { class: 'muted', id: 'import-no-values' }, 'None of the chosen columns is a choice list: there are no values to match.'),
      blocks,
      h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'button', id: 'import-check', onclick: (e) => busy(e.currentTarget, 'Checking…', check) }, 'Check every row')),
      h('p', { class: 'hint' }, 'Checking writes nothing: it shows what would be imported and any problems first.'));
    valuesStep.hidden = false;
  }

  // ---------------------------------------------------------- 4. the dry run
  function forgetCheck() {
    if (!state.dry) return;
    state.dry = null;
    replace(dryStep,
      h('h2', { class: 'section-title', id: 'import-check-title' }, '4. Check and import'),
      h('p', { class: 'notice', id: 'import-check-stale' }, 'The choices have changed since the last check: choose “Check every row” again.'));
  }

  async function check() {
    if (!state.values) await loadValues();
    const onProgress = showProgress('Checking rows:');
    state.dry = await api.importDryRun(state.path, state.sheet, state.mapping, onProgress);
    drawCheck();
    focusElement(dryStep.querySelector('h2'));
  }

  function drawCheck() {
    const d = state.dry;
    const errors = d.errors || [];
    const duplicates = d.duplicates || [];
    const clean = errors.length === 0;
    const skip = checkboxField('skip_duplicates', 'Leave out the rows that look like carers already on the register', true,
      { hint: 'Untick to import them as well: they then become new records.' });
    skip.querySelector('input').id = 'import-skip-duplicates';
    skip.querySelector('label').setAttribute('for', 'import-skip-duplicates');
    const commitButton = h('button', { type: 'button', class: 'button button--large', id: 'import-commit' });
    const skipBox = skip.querySelector('input');
    const toCreate = () => {
      const skipped = duplicates.length && skipBox.checked ? (Number(d.duplicates_total) || duplicates.length) : 0;
      return Math.max(0, (Number(d.will_create) || 0) - skipped);
    };
    const label = () => {
      const n = toCreate();
      commitButton.disabled = n === 0;
      commitButton.textContent = n ? `Import ${plural(n, 'carer')}` : 'Nothing to import: every row looks like a carer already here';
    };
    skipBox.addEventListener('change', label);
    label();
    commitButton.addEventListener('click', () => commit(commitButton, skipBox, toCreate()));
    replace(dryStep,
      h('h2', { class: 'section-title', id: 'import-check-title', tabindex: '-1' }, '4. Check and import'),
      h('dl', { class: 'counts', id: 'import-counts' },
        count('rows', 'Rows in the file', d.rows),
        count('will_create', 'Carers to add', d.will_create),
        count('cared_for_will_create', 'Cared-for people to add', d.cared_for_will_create),
        count('rows_with_errors', 'Rows with a problem', d.rows_with_errors, d.rows_with_errors > 0),
        count('duplicates', 'Look like carers already here', d.duplicates_total ?? duplicates.length, duplicates.length > 0),
        d.empty_rows ? count('empty_rows', 'Empty rows, left out', d.empty_rows) : null),
      d.left_out ? leftOutNotice(d.left_out, 'import-check-left-out') : null,
      clean
        ? h('div', { class: 'notice notice--valid', id: 'import-clean' },
          h('p', { class: 'notice__title' }, 'No problems found'),
          h('p', null, 'Nothing has been written yet. Importing adds every row in one go: if anything goes wrong, nothing is added.'))
        : h('div', { class: 'notice notice--error', id: 'import-has-errors' },
          h('p', { class: 'notice__title' }, (Number(d.rows_with_errors) || errors.length) === 1
            ? '1 row cannot be imported as it is'
            : `${plural(Number(d.rows_with_errors) || errors.length, 'row')} cannot be imported as they are`),
          h('p', null, 'Change what a column goes into, how dates are written or how values match (above), then check again. Or correct the spreadsheet and choose it again. Nothing is imported until every row is right.')),
      errors.length ? errorsTable(errors, d.errors_total) : null,
      duplicates.length ? duplicatesTable(duplicates, d.duplicates_total) : null,
      duplicates.length ? h('p', { class: 'hint', id: 'import-duplicates-hint' }, 'A name opens that carer’s record. Come back with Back: every choice here is kept.') : null,
      duplicates.length && clean ? skip : null,
      (d.preview || []).length ? previewTable(d.preview, d.will_create) : null,
      clean ? h('div', { class: 'button-row' }, commitButton) : null,
    );
    dryStep.hidden = false;
  }

  async function commit(button, skipBox, n) {
    const skipDuplicates = Boolean(skipBox && skipBox.isConnected && skipBox.checked && (state.dry?.duplicates || []).length);
    const sure = await confirmDialog({
      title: `Import ${plural(n, 'carer')}?`,
      message: `They are added to the register from ${state.info.file_name}${skipDuplicates ? ', leaving out the likely duplicates' : ''}. Each new record is written to the audit trail.`,
      confirmLabel: 'Import',
    });
    if (!sure) return;
    await busy(button, 'Importing…', async () => {
      const onProgress = showProgress('Importing:');
      const done = await api.importCommit({ path: state.path, sheet: state.sheet, mapping: state.mapping, skipDuplicates }, onProgress);
      finished(done);
    });
  }

  function finished(done) {
    underway = null;
    const refs = done.first_reference
      ? (done.first_reference === done.last_reference ? ` (${done.first_reference})` : ` (${done.first_reference} to ${done.last_reference})`)
      : '';
    replace(main,
      h('h1', { class: 'page-title', tabindex: '-1', id: 'import-finished' }, 'Imported'),
      h('div', { class: 'notice notice--valid', id: 'import-result' },
        h('p', { class: 'notice__title' }, `${plural(Number(done.carers_created) || 0, 'carer')} added to the register${refs}`),
        h('p', null, [
          done.cared_for_created ? `${plural(Number(done.cared_for_created), 'cared-for person', 'cared-for people')} added with them.` : '',
          done.duplicates_skipped ? ` ${plural(Number(done.duplicates_skipped), 'row')} that looked like carers already here left out.` : '',
        ].join('').trim() || null)),
      h('div', { class: 'button-row' },
        h('a', { class: 'button', href: '#/carers', id: 'import-register-link' }, 'See them in the register'),
        h('a', { class: 'button button--secondary', href: '#/import', id: 'import-another', onclick: (event) => { event.preventDefault(); underway = null; navigate('/import'); } }, 'Import another file')));
    focusElement(main.querySelector('h1'));
  }

  append(main,
    h('p', { class: 'back' }, h('a', { href: '#/carers' }, 'Back to the register')),
    h('h1', { class: 'page-title' }, 'Import carers from a spreadsheet'),
    h('p', { class: 'lead' }, 'Bring carers (and the people they care for) in from another system’s spreadsheet. Nothing is added until you have seen the check and chosen Import.'),
    form,
    progressBox);
  drawFile();
  if (state.info) {
    // Back from a record opened from the check: everything as it was.
    drawColumns(null);
    if (state.values) drawValues();
    if (state.dry) drawCheck();
    (dryStep.querySelector('h2') || columnsStep.querySelector('h2')).dataset.autofocus = 'true';
  } else {
    fileStep.querySelector('#import-choose').dataset.autofocus = 'true';
  }
  return () => { document.querySelectorAll('dialog.dialog').forEach((d) => d.remove()); };
}

function shown(n) {
  return Number(n ?? 0).toLocaleString('en-GB');
}


function count(code, label, n, alert = false) {
  return h('div', { class: ['counts__item', alert ? 'counts__item--alert' : null], dataset: { count: code } },
    h('dt', null, label),
    h('dd', null, shown(n)));
}

/** "Problems, by row", saying so when the core listed only the first of them. */
function caption(text, shownCount, total, visible = true) {
  const more = Number(total) > shownCount ? ` (the first ${shown(shownCount)} of ${shown(total)})` : '';
  return h('caption', { class: visible ? 'import-caption' : 'visually-hidden' }, `${text}${more}`);
}

/**
 * One of the check's tables: `cols` are [heading, numeric]; `cells(item)` gives a row's cells
 * and `data(item)` its data attributes.
 * @param {{ id?: string, cls?: string, head: any, cols: Array<[string, boolean?]> | any[], items: any[],
 *   cells: (item: any) => any, data?: (item: any) => Record<string, string> | null }} o
 */
function checkTable({ id, cls, head, cols, items, cells, data = () => null }) {
  return h('div', { class: 'table-scroll' },
    h('table', { class: ['table', cls], id },
      head,
      h('thead', null, h('tr', null, cols.map(([label, numeric]) => h('th', { scope: 'col', class: numeric ? 'numeric' : null }, label)))),
      h('tbody', null, items.map((item) => h('tr', { dataset: data(item) }, cells(item))))));
}

function errorsTable(errors, total) {
  return checkTable({
    id: 'import-errors',
    cls: 'import-errors',
    head: caption('Problems, by row', errors.length, total),
    cols: [['Row', true], ['Column'], ['Value'], ['Problem']],
    items: errors,
    data: (e) => ({ row: String(e.row), field: e.field || '' }),
    cells: (e) => [
      h('td', { class: 'numeric' }, String(e.row)),
      h('td', null, e.column || ''),
      h('td', { class: 'import-value' }, e.value === null || e.value === undefined || e.value === '' ? h('span', { class: 'muted' }, '(empty)') : String(e.value)),
      h('td', null, sentence(e.message)),
    ],
  });
}

function duplicatesTable(duplicates, total) {
  return checkTable({
    id: 'import-duplicates',
    cls: 'import-duplicates',
    head: caption('Rows that look like carers already on the register', duplicates.length, total),
    cols: [['Row', true], ['Name in the file'], ['Date of birth'], ['Looks like']],
    items: duplicates,
    data: (d) => ({ row: String(d.row) }),
    cells: (d) => [
      h('td', { class: 'numeric' }, String(d.row)),
      h('td', null, d.name || ''),
      h('td', { class: 'nowrap' }, formatDate(d.date_of_birth)),
      h('td', null, (d.matches || []).map((m) => h('span', { class: 'block' },
        m.carer_id
          ? h('a', { href: `#/carers/${m.carer_id}`, class: 'import-match' }, `${m.name} (${m.reference})`)
          : `${m.name}${m.row ? `, row ${m.row} of this file` : ''}`,
        ` — ${REASONS[m.reason] || String(m.reason || '').replace(/_/g, ' ')}`))),
    ],
  });
}

function previewTable(preview, total) {
  return h('details', { class: 'import-preview', id: 'import-preview' },
    h('summary', null, `The first ${plural(preview.length, 'carer')} to be added${total > preview.length ? ` of ${shown(total)}` : ''}`),
    checkTable({
      head: caption('The first carers to be added', preview.length, total, false),
      cols: [['Row', true], ['Name'], ['Date of birth'], ['Postcode'], ['Cares for']],
      items: preview,
      cells: (p) => [
        h('td', { class: 'numeric' }, String(p.row)),
        h('td', null, p.name || ''),
        h('td', { class: 'nowrap' }, formatDate(p.date_of_birth)),
        h('td', null, p.postcode || ''),
        h('td', null, p.cared_for || ''),
      ],
    }));
}
