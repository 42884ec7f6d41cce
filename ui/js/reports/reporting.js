// @ts-check
// Reports (#/reports): the monitoring report for commissioners for any period (quick picks:
// this quarter, last quarter, the financial year), group by group, each figure with its
// one-line definition beside it and, for breakdowns, a bar chart (inline SVG bars in a real
// table, so the numbers are text and screen readers read them as a table). Staff who may see
// records click a figure or a row to list the records behind it (report_records), each linked
// to the carer. Exports: CSV files (one per group, into a folder), a PDF and JSON.
// It is also the home page of a reporting account: counts only, never names, so the figures
// are not clickable for them. "The register today" (home_counts) stays at the foot.

import * as api from '../api.js';
import { h, append, replace, focusElement } from '../kit/dom.js';
import { replaceQuery } from '../nav.js';
import { formatDate, parseDate, plural, sentence } from '../kit/format.js';
import { jumpNav } from '../kit/contents.js';
import { fields, read } from '../kit/fields.js';
import { onSubmit } from '../kit/forms.js';
import { showErrors, clearErrors } from '../kit/errors.js';
import { can, currentUser } from '../session/session.js';

const PERIOD_FIELDS = [
  { name: 'from', row: 'period', label: 'From', type: 'date', width: 'date' },
  { name: 'to', row: 'period', label: 'To', type: 'date', width: 'date' },
];

const EXPORTS = [
  { format: 'csv', label: 'CSV files…', hint: 'One table per group of figures, into a folder you choose' },
  { format: 'pdf', label: 'PDF…', hint: 'The report with its charts, for the quarterly return' },
  { format: 'json', label: 'JSON…', hint: 'Every figure, for another system' },
];

/** A typed date as YYYY-MM-DD, or the text as typed (the core says what is wrong). */
function dateArg(text) {
  const t = String(text ?? '').trim();
  const d = parseDate(t);
  if (!d) return t;
  return `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
}

function shown(n) {
  return Number(n ?? 0).toLocaleString('en-GB');
}

/**
 * @param {HTMLElement} main
 * @param {import('../nav.js').RouteParams} params
 */
export async function render(main, { query }) {
  const me = currentUser();
  const records = can('records');
  const admin = me?.role === 'administrator';
  const [periods, counts, settings] = await Promise.all([
    api.reportPeriods(),
    api.homeCounts().catch(() => null),
    admin ? api.settingsGet().catch(() => null) : null,
  ]);
  const first = periods[0] || null;
  const start = {
    from: query?.get('from') || (first ? formatDate(first.from) : ''),
    to: query?.get('to') || (first ? formatDate(first.to) : ''),
  };

  let report = null;
  let running = false;

  // ---------------------------------------------------------- the period
  const picks = h('ul', { class: 'report-periods', id: 'report-periods', 'aria-label': 'Quick periods' },
    periods.map((p) => h('li', null,
      h('button', {
        type: 'button', class: 'button button--secondary button--small report-period', id: `period-${p.key}`,
        dataset: { from: p.from, to: p.to }, 'aria-pressed': 'false',
        onclick: () => pick(p),
      }, p.label))));
  const form = h('form', { id: 'report-form', class: 'form report-form', novalidate: true },
    h('div', { class: 'report-form__fields' },
      fields(PERIOD_FIELDS, start, {}, 'report-'),
      h('div', { class: 'button-row report-form__go' },
        h('button', { type: 'submit', class: 'button', id: 'report-show' }, 'Show the report'))));
  const progressText = h('p', { class: 'progress-text', id: 'report-progress-label' }, '');
  const progress = h('progress', { class: 'progress-bar', id: 'report-progress-bar', max: '1', value: '0', 'aria-labelledby': 'report-progress-label' });
  const progressBox = h('div', { class: 'batch-progress', id: 'report-progress', role: 'status', hidden: true }, progressText, progress);
  const results = h('div', { id: 'report-results', 'aria-live': 'polite' });
  const exportStatus = h('div', { id: 'report-export-status', role: 'status', 'aria-live': 'polite' });
  const exportBox = h('section', { class: 'panel report-export', id: 'report-export', 'aria-labelledby': 'report-export-title', hidden: true },
    h('h2', { class: 'panel__title', id: 'report-export-title' }, 'Export this report'),
    h('p', { class: 'hint', id: 'report-export-hint' }, suppressionText(settings, admin)),
    h('ul', { class: 'report-export__list' }, EXPORTS.map((x) => h('li', { class: 'report-export__item' },
      h('button', {
        type: 'button', class: 'button button--secondary', id: `report-export-${x.format}`,
        'aria-describedby': `report-export-${x.format}-hint`, onclick: (e) => exportReport(x.format, e.currentTarget),
      }, x.label),
      h('span', { class: 'hint report-export__hint', id: `report-export-${x.format}-hint` }, x.hint)))),
    exportStatus);

  onSubmit(form, async () => {
    const input = read(form, PERIOD_FIELDS);
    await run(input.from, input.to);
  }, { busyLabel: 'Working…', guardChanges: false });

  async function pick(p) {
    if (running) return;
    form.querySelector('[name=from]').value = formatDate(p.from);
    form.querySelector('[name=to]').value = formatDate(p.to);
    clearErrors(document);
    try {
      await run(formatDate(p.from), formatDate(p.to));
    } catch (err) {
      showErrors(form, err);
    }
  }

  function markPicks() {
    picks.querySelectorAll('button').forEach((b) => {
      const on = Boolean(report) && b.dataset.from === report.from && b.dataset.to === report.to;
      b.setAttribute('aria-pressed', String(on));
    });
  }

  async function run(fromText, toText) {
    if (running) return;
    running = true;
    const from = dateArg(fromText);
    const to = dateArg(toText);
    progress.max = 1;
    progress.value = 0;
    progressText.textContent = 'Working out the figures…';
    const slow = setTimeout(() => { progressBox.hidden = false; }, 250);
    results.setAttribute('aria-busy', 'true');
    try {
      report = await api.reportRun(from, to, ({ done, total }) => {
        progress.max = Math.max(total, 1);
        progress.value = Math.min(done, progress.max);
        progressText.textContent = `Working out the figures: ${done.toLocaleString('en-GB')} of ${plural(total, 'group')} done`;
      });
      replaceQuery({ from: formatDate(report.from), to: formatDate(report.to) });
      drawReport();
      markPicks();
      exportBox.hidden = false;
      replace(exportStatus);
    } finally {
      clearTimeout(slow);
      progressBox.hidden = true;
      results.removeAttribute('aria-busy');
      running = false;
    }
  }

  // ---------------------------------------------------------- the report
  function drawReport() {
    const groups = report.groups || [];
    const contents = h('div', { class: 'report-contents' },
      jumpNav('report-contents', 'On this page', groups.map((g) => ({ id: `report-group-${g.key}`, title: g.title }))));
    replace(results,
      h('div', { class: 'report-head' },
        h('h2', { class: 'report-title', id: 'report-title', tabindex: '-1' },
          `Monitoring report, ${formatDate(report.from)} to ${formatDate(report.to)}`),
        h('p', { class: 'muted' },
          [report.organisation, `Made on ${formatDate(report.made_on)}`].filter(Boolean).join('. '), '. ',
          records ? 'Choose a number, or a row’s name, to list the records behind it.' : 'Counts only: no names are shown.')),
      contents,
      groups.map(groupSection));
  }

  function groupSection(g) {
    return h('section', { class: 'report-group', id: `report-group-${g.key}`, dataset: { group: g.key }, 'aria-labelledby': `report-group-${g.key}-title` },
      h('h2', { class: 'report-group__title', id: `report-group-${g.key}-title` }, g.title),
      (g.figures || []).map((f) => figureBlock(g, f)));
  }

  function figureBlock(g, f) {
    const id = `figure-${f.key}`;
    const drill = records && f.drill;
    const value = drill && f.value
      ? h('button', {
        type: 'button', class: 'report-value report-value--button', id: `${id}-open`,
        'aria-describedby': `${id}-label`, onclick: (e) => openRecords(f, null, e.currentTarget),
      }, f.display ?? shown(f.value), h('span', { class: 'visually-hidden' }, ': list the records'))
      : h('span', { class: 'report-value', id: `${id}-value` }, f.display ?? shown(f.value));
    const rows = Array.isArray(f.rows) ? f.rows : [];
    return h('div', { class: 'report-figure', id, dataset: { figure: f.key } },
      h('div', { class: 'report-figure__head' },
        h('div', { class: 'report-figure__main' },
          h('h3', { class: 'report-figure__label', id: `${id}-label` }, f.label),
          value),
        h('p', { class: 'report-figure__description', id: `${id}-description` }, f.description)),
      rows.length ? rowsTable(f, rows, drill) : null);
  }

  /** The breakdown: a table whose rows carry an SVG bar when the figure is charted. */
  function rowsTable(f, rows, drill) {
    const max = Math.max(1, ...rows.map((r) => Number(r.value) || 0));
    const id = `figure-${f.key}`;
    return h('div', { class: 'table-scroll' },
      h('table', { class: ['table', 'report-rows', f.chart ? 'report-rows--chart' : null], id: `${id}-rows` },
        h('caption', { class: 'report-rows__caption' },
          h('span', { class: 'visually-hidden' }, `${f.label}, by row. `),
          f.rows_add_up ? 'The rows add up to the total.' : 'A carer can be counted in more than one row.'),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Row'),
          h('th', { scope: 'col', class: 'numeric' }, 'Count'),
          f.chart ? h('th', { scope: 'col', class: 'report-rows__bar-head' }, h('span', { class: 'visually-hidden' }, 'Bar')) : null)),
        h('tbody', null, rows.map((r) => h('tr', { dataset: { row: r.key } },
          h('th', { scope: 'row', class: 'report-rows__label' },
            drill && r.value
              ? h('button', { type: 'button', class: 'link-button report-row-open', id: `${id}-row-${r.key}`, onclick: (e) => openRecords(f, r, e.currentTarget) },
                r.label, h('span', { class: 'visually-hidden' }, `: list the ${shown(r.value)} records`))
              : r.label),
          h('td', { class: 'numeric report-rows__count' }, r.display ?? shown(r.value)),
          f.chart ? h('td', { class: 'report-rows__bar' }, bar(Number(r.value) || 0, max)) : null)))));
  }

  // ---------------------------------------------------------- the records behind a figure
  async function openRecords(f, r, button) {
    button.disabled = true;
    let list;
    try {
      list = await api.reportRecords({ from: report.from, to: report.to, figure: f.key, row: r ? r.key : null });
    } catch (err) {
      button.disabled = false;
      replace(exportStatus);
      button.closest('.report-figure').append(h('p', { class: 'inline-error', role: 'alert' }, `The records could not be listed: ${sentence(err.message)}`));
      return;
    }
    button.disabled = false;
    recordsDialog(list, button);
  }

  // ---------------------------------------------------------- export
  async function exportReport(format, button) {
    if (!report) return;
    replace(exportStatus, h('p', { class: 'muted' }, 'Exporting…'));
    const buttons = exportBox.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const name = `monitoring-${report.from}-to-${report.to}.${format}`;
      const done = await api.reportExport({ from: report.from, to: report.to, format }, name, ({ done: n, total }) => {
        replace(exportStatus, h('p', { class: 'muted' }, `Exporting: ${n.toLocaleString('en-GB')} of ${plural(total, 'group')} done`));
      });
      if (!done) { replace(exportStatus); return; }
      replace(exportStatus, exported(done));
      focusElement(exportStatus.querySelector('.notice__title'));
    } catch (err) {
      replace(exportStatus, h('div', { class: 'notice notice--error', id: 'report-export-failed' },
        h('p', { class: 'notice__title' }, 'The report was not exported'),
        h('p', null, sentence(err?.message || 'something went wrong'))));
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      if (button.isConnected && !exportStatus.querySelector('.notice__title')) button.focus();
    }
  }

  append(main,
    h('h1', { class: 'page-title' }, 'Reports'),
    records
      ? h('p', { class: 'lead' }, 'The monitoring report for commissioners: who came to us, who we supported and how, for any period. Each figure says exactly what it counts.')
      : h('p', { class: 'lead', id: 'reporting-only' }, 'Your account can see counts and reports, without names or anyone’s record.'),
    h('section', { class: 'panel report-period-box', 'aria-labelledby': 'report-period-title' },
      h('h2', { class: 'panel__title', id: 'report-period-title' }, 'Period'),
      h('p', { class: 'hint', id: 'report-periods-hint' }, 'Choose a quick period, or type the first and last day. Financial years start on 1 April.'),
      picks,
      form,
      progressBox),
    results,
    exportBox,
    counts ? countsSection(counts) : null,
    !records ? h('p', null, 'If you need to see people’s records, ask an administrator to change your account’s role.') : null,
    !records && me ? h('p', { class: 'muted' }, `Signed in as ${me.name}.`) : null);

  try {
    await run(start.from, start.to);
  } catch (err) {
    // A period in the address that is not right: the form says why.
    setTimeout(() => { if (form.isConnected) showErrors(form, err); }, 0);
  }
  const again = () => { document.getElementById('report-records-dialog')?.remove(); };
  return again;
}

/** What the export section says about small numbers. */
function suppressionText(settings, admin) {
  const on = settings ? settings.report_suppress_small !== false : true;
  const text = on
    ? 'Exports show counts from 1 to 4 as “<5”, so that a shared report cannot identify anyone. The window shows the exact numbers.'
    : 'Exports show every count exactly, small ones too.';
  return admin ? [text, ' ', h('a', { href: '#/settings?show=data-safety', id: 'report-suppress-link' }, 'Change this in Settings')] : text;
}

/** One bar: dark with an outline on a light outlined track, readable in greyscale. */
function bar(value, max) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'report-bar');
  svg.setAttribute('viewBox', '0 0 100 10');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const track = document.createElementNS(ns, 'rect');
  Object.entries({ x: 0, y: 0, width: 100, height: 10, class: 'report-bar__track', 'vector-effect': 'non-scaling-stroke' })
    .forEach(([k, v]) => track.setAttribute(k, String(v)));
  svg.append(track);
  if (value > 0) {
    const width = Math.max(0.8, (value / max) * 100);
    const fill = document.createElementNS(ns, 'rect');
    Object.entries({ x: 0, y: 0, width, height: 10, class: 'report-bar__fill', 'vector-effect': 'non-scaling-stroke' })
      .forEach(([k, v]) => fill.setAttribute(k, String(v)));
    svg.append(fill);
  }
  return svg;
}

/** The list of records behind a figure, in a modal dialog; each name links to the record. */
function recordsDialog(list, returnTo) {
  document.getElementById('report-records-dialog')?.remove();
  const title = list.row ? `${list.figure}: ${list.row}` : list.figure;
  const items = list.records || [];
  const close = () => {
    if (dialog.open) dialog.close();
    dialog.remove();
    if (returnTo && returnTo.isConnected) returnTo.focus();
  };
  const dialog = h('dialog', { class: 'dialog dialog--wide report-records', id: 'report-records-dialog', 'aria-labelledby': 'report-records-title' },
    h('h2', { class: 'dialog__title', id: 'report-records-title' }, title),
    list.description ? h('p', { class: 'hint' }, list.description) : null,
    h('p', { class: 'search__count', id: 'report-records-count' }, `${plural(Number(list.count) || 0, 'record')}. Opening a record is written to the audit trail.`),
    items.length
      ? h('div', { class: 'table-scroll report-records__scroll' },
        h('table', { class: 'table', id: 'report-records-table' },
          h('caption', { class: 'visually-hidden' }, `The records behind ${title}`),
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Reference'),
            h('th', { scope: 'col' }, 'Name'),
            h('th', { scope: 'col' }, 'Date'),
            h('th', { scope: 'col' }, 'Detail'))),
          h('tbody', null, items.map((r) => h('tr', { dataset: { carerId: String(r.carer_id) } },
            h('td', { class: 'mono nowrap' }, r.reference),
            h('td', null, h('a', {
              href: `#/carers/${r.carer_id}`, class: 'result-link',
              onclick: () => { if (dialog.open) dialog.close(); dialog.remove(); },
            }, r.name)),
            h('td', { class: 'nowrap' }, formatDate(r.date)),
            h('td', null, r.detail || ''))))))
      : h('p', { class: 'muted' }, 'No records.'),
    h('div', { class: 'button-row' },
      h('button', { type: 'button', class: 'button button--secondary', id: 'report-records-close', onclick: close }, 'Close')));
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  focusElement(dialog.querySelector('h2'));
}

/** After an export: what was written, each file with an Open button. */
function exported(done) {
  const files = Array.isArray(done.files) ? done.files : [];
  return h('div', { class: 'notice notice--valid', id: 'report-exported' },
    h('p', { class: 'notice__title' }, `Exported as ${String(done.format || '').toUpperCase()}: ${plural(files.length, 'file')}`),
    h('ul', { class: 'export-files' }, files.map((path, i) => {
      const problem = h('p', { class: 'inline-error export-file__error', hidden: true }, 'This file could not be opened here: open it from its folder.');
      return h('li', { class: 'export-file' },
        h('div', { class: 'export-file__text' },
          h('span', { class: 'export-file__path', id: `report-file-${i}` }, path), problem),
        h('button', {
          type: 'button', class: 'button button--secondary button--small', 'aria-describedby': `report-file-${i}`,
          onclick: async () => { problem.hidden = await api.openFile(path); },
        }, 'Open'));
    })));
}

function count(code, label, n) {
  return h('div', { class: 'counts__item', dataset: { count: code } },
    h('dt', null, label),
    h('dd', null, Number(n ?? 0).toLocaleString('en-GB')));
}

/** The counts every reporting account has always seen: the register today. */
function countsSection(data) {
  const plans = data.plans || {};
  const transitions = data.transitions || {};
  const passports = data.passports || {};
  return h('section', { class: 'panel report-today', 'aria-labelledby': 'report-counts-title' },
    h('h2', { class: 'panel__title', id: 'report-counts-title' }, data.organisation_name ? `The register today: ${data.organisation_name}` : 'The register today'),
    h('dl', { class: 'counts', id: 'report-counts' }, (data.counts || []).map((c) => count(c.code, c.label, c.count))),
    h('h3', { id: 'report-work-title' }, 'Plans, transitions and passports'),
    h('dl', { class: 'counts', id: 'report-work-counts', 'aria-labelledby': 'report-work-title' },
      count('reviews_due_soon', 'Reviews due in the next 14 days', plans.reviews_due_soon),
      count('reviews_overdue', 'Reviews overdue', plans.reviews_overdue),
      count('actions_overdue', 'Actions overdue', plans.actions_overdue),
      count('turning_18_soon', 'Young carers turning 18 in the next 6 months', transitions.turning_18_soon),
      count('passports_active', 'Passports valid today', passports.active),
      count('passports_expiring_soon', 'Passports expiring in the next 30 days', passports.expiring_soon)));
}
