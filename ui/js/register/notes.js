// @ts-check
// Case notes on a carer's record: an add-note form and the timeline, newest first.
// Note text is shown with textContent and its line breaks kept by CSS.

import * as api from '../api.js';
import { h, replace, multiline } from '../kit/dom.js';
import { formatDate, todayUk } from '../kit/format.js';
import { fields, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';

const AUTHOR_KEY = 'carers-desk.note-author';

const NOTE_FIELDS = [
  { name: 'date', label: 'Date', type: 'date', width: 'date' },
  { name: 'kind', label: 'Kind of note', type: 'choice', list: 'note_kind', blank: 'Choose a kind' },
  { name: 'author', label: 'Your name (optional)', width: 'medium', hint: 'Remembered on this computer for your next note' },
  { name: 'text', label: 'Note', type: 'textarea', rows: 5 },
];

export function notesSection({ carerId, notes, opts }) {
  const timeline = h('ol', { class: 'timeline', id: 'notes' });
  const status = h('p', { class: 'section-status', role: 'status', 'aria-live': 'polite' });
  const firstKind = (opts.note_kind || [])[0]?.code ?? null;
  const form = h('form', { id: 'note-form', class: 'form form--note', novalidate: true },
    h('h3', { class: 'panel-form__title' }, 'Add a note'),
    h('div', { class: 'form__row' }, fields(NOTE_FIELDS.slice(0, 3), { date: todayUk(), kind: firstKind, author: remembered() }, opts, 'note-')),
    fields(NOTE_FIELDS.slice(3), {}, opts, 'note-'),
    formButtons('Add note', { submitId: 'add-note' }),
  );

  onSubmit(form, async () => {
    const input = read(form, NOTE_FIELDS);
    const args = { carer_id: carerId, date: input.date, kind: input.kind, text: input.text };
    if (input.author && input.author.trim()) args.author = input.author.trim();
    await api.noteAdd(args);
    remember(input.author);
    form.querySelector('[name="text"]').value = '';
    status.textContent = 'Note added';
    draw(await api.noteList(carerId));
  }, { busyLabel: 'Adding…' });

  draw(notes || []);

  function draw(list) {
    if (!list.length) {
      replace(timeline, h('li', { class: 'timeline__empty muted' }, 'No notes yet.'));
      return;
    }
    replace(timeline, list.map((n) => h('li', { class: 'timeline__item', dataset: { noteId: n.id } },
      h('p', { class: 'timeline__meta' },
        h('span', { class: 'timeline__date' }, formatDate(n.date)),
        h('span', { class: 'timeline__kind' }, n.kind_label || n.kind || ''),
        n.author ? h('span', { class: 'timeline__author' }, n.author) : null),
      multiline('p', n.text, { class: 'timeline__text' }),
    )));
  }

  return h('section', { class: 'record-section', 'aria-labelledby': 'notes-title', id: 'case-notes' },
    h('h2', { class: 'section-title', id: 'notes-title' }, 'Case notes'),
    form,
    status,
    h('h3', { class: 'visually-hidden' }, 'Notes, newest first'),
    timeline,
  );
}

function remembered() {
  try { return localStorage.getItem(AUTHOR_KEY) || ''; } catch { return ''; }
}

function remember(author) {
  try {
    if (author && author.trim()) localStorage.setItem(AUTHOR_KEY, author.trim());
  } catch { /* storage may be off; the note is saved anyway */ }
}
