// @ts-check
// "People they care for" on a carer's record: the caring links, adding a new cared-for person,
// linking someone already known (how a whole family is recorded), changing and removing links.
// Only one form is open at a time, so field ids stay unique on the page.

import * as api from '../api.js';
import { h, replace, focusElement, confirmDialog } from '../kit/dom.js';
import { formatDate, sentence } from '../kit/format.js';
import { fields, section, read } from '../kit/fields.js';
import { onSubmit, formButtons } from '../kit/forms.js';
import { shownValue } from '../kit/details.js';
import { PERSON_FIELDS, LINK_FIELDS, prefixed, spec } from './cared-for-fields.js';

const NEW_PERSON = prefixed(PERSON_FIELDS, 'person');
const LINK = prefixed(LINK_FIELDS, 'link');

/**
 * The section. `getRecord()` returns the carer record now shown; `onChange(record, message)` is
 * called with the record the core returns after any change.
 */
export function caringSection({ getRecord, opts, onChange }) {
  const list = h('div', { class: 'caring', id: 'caring-list' });
  const status = h('p', { class: 'section-status', role: 'status', 'aria-live': 'polite' });
  const panel = h('div', { class: 'caring__panel' });
  const addButton = h('button', { type: 'button', class: 'button', id: 'add-cared-for', 'aria-expanded': 'false', onclick: () => openAdd() }, 'Add a person they care for');
  const linkButton = h('button', { type: 'button', class: 'button button--secondary', id: 'link-cared-for', 'aria-expanded': 'false', onclick: () => openLinkExisting() }, 'Link someone already known');
  const heading = h('h2', { class: 'section-title', id: 'caring-title', tabindex: '-1' }, 'People they care for');
  let closePanel = null;
  const buttonRow = h('div', { class: 'button-row' }, addButton, linkButton);
  const closedHint = h('p', { class: 'hint' }, 'This record is closed. Reopen it to change who they care for.');

  const element = h('section', { class: 'record-section', 'aria-labelledby': 'caring-title', id: 'people-they-care-for' },
    heading,
    status,
    list,
    buttonRow,
    closedHint,
    panel,
  );

  draw();

  function draw() {
    const record = getRecord();
    const caring = record.caring || [];
    // A closed record's caring links cannot change (the core refuses): offer no buttons for it.
    const closed = record.status === 'closed';
    buttonRow.hidden = closed;
    closedHint.hidden = !closed;
    if (closed && closePanel) closePanel(false);
    if (!caring.length) {
      replace(list, h('p', { class: 'muted' }, 'No one recorded yet. Add the person (or people) they look after.'));
      return;
    }
    replace(list, h('ul', { class: 'caring__list' }, caring.map(({ link, person }) => linkCard(link, person))));
  }

  function linkCard(link, person) {
    const name = [person.first_name, person.last_name].filter(Boolean).join(' ');
    const rows = [
      ['Relationship', link.relationship_label || shownValue(spec(LINK_FIELDS, 'relationship'), link.relationship, opts)],
      ['Lives with the carer', link.lives_together ? 'Yes' : 'No'],
      ['Hours of care a week', link.hours_band_label || shownValue(spec(LINK_FIELDS, 'hours_band'), link.hours_band, opts)],
      ['Kinds of care', shownValue(spec(LINK_FIELDS, 'care_kinds'), link.care_kinds, opts)],
      ['Caring since', formatDate(link.since)],
      ['Age', ageValue(person)],
      ['Conditions', shownValue(spec(PERSON_FIELDS, 'conditions'), person.conditions, opts)],
      ['Also cared for by', namesText(otherCarers(person, getRecord()))],
    ].filter(([, v]) => v);
    const editButton = h('button', { type: 'button', class: 'button button--secondary button--small', onclick: () => openEdit(link, person, editButton) },
      'Change', h('span', { class: 'visually-hidden' }, ` how they care for ${name}`));
    return h('li', { class: 'caring__item', dataset: { linkId: link.id } },
      h('h3', { class: 'caring__name' }, h('a', { href: `#/cared-for/${person.id}` }, name)),
      h('dl', { class: 'details details--compact' }, rows.map(([k, v]) => h('div', { class: 'details__row' }, h('dt', null, k), h('dd', null, v)))),
      getRecord().status === 'closed' ? null : h('div', { class: 'button-row button-row--tight' },
        editButton,
        h('button', { type: 'button', class: 'button button--secondary button--small', onclick: () => remove(link, name) },
          'Remove', h('span', { class: 'visually-hidden' }, ` ${name} from this carer`)),
      ),
    );
  }

  /** Open a form in the panel (closing any other); returns a closer. */
  function open(content, opener) {
    if (closePanel) closePanel(false);
    replace(panel, content);
    if (opener) opener.setAttribute('aria-expanded', 'true');
    closePanel = (refocus = true) => {
      replace(panel);
      if (opener) opener.setAttribute('aria-expanded', 'false');
      closePanel = null;
      if (refocus && opener && opener.isConnected) opener.focus();
    };
    const first = panel.querySelector('input, select, textarea');
    if (first) first.focus();
    return closePanel;
  }

  function done(record, message) {
    if (closePanel) closePanel(false);
    onChange(record, message);
    draw();
    status.textContent = message;
    focusElement(heading);
  }

  function openAdd() {
    const form = h('form', { id: 'cared-for-form', class: 'form form--panel', novalidate: true },
      h('h3', { class: 'panel-form__title' }, 'Add a person they care for'),
      section('The person they care for', fields(NEW_PERSON, {}, opts, 'cf-'), { level: 4 }),
      section('How they care for them', fields(LINK, { link: { lives_together: false } }, opts, 'cf-'), { level: 4 }),
      formButtons('Add person', { onCancel: () => closePanel() }),
    );
    onSubmit(form, async () => {
      const input = read(form, [...NEW_PERSON, ...LINK]);
      const record = await api.carerAddCaredFor({ carer_id: getRecord().id, person: input.person, link: input.link });
      done(record, `Added ${[input.person.first_name, input.person.last_name].filter(Boolean).join(' ')}`);
    });
    open(form, addButton);
  }

  function openLinkExisting() {
    const searchId = 'cared-for-search';
    const input = h('input', { id: searchId, type: 'search', class: 'input input--medium', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${searchId}-hint` });
    const count = h('p', { class: 'search__count', role: 'status', 'aria-live': 'polite' });
    const results = h('div', { class: 'search__results' });
    const chosenBox = h('div');
    const box = h('div', { class: 'form form--panel', id: 'link-existing' },
      h('h3', { class: 'panel-form__title' }, 'Link someone already known'),
      h('p', null, 'Use this when someone already on the register cares for the same person, for example a parent and a young carer in one family.'),
      h('div', { class: 'field' },
        h('label', { class: 'label', for: searchId }, 'Search for the person they care for'),
        h('p', { class: 'hint', id: `${searchId}-hint` }, 'Type part of their name'),
        input),
      count,
      results,
      chosenBox,
      h('div', { class: 'button-row' }, h('button', { type: 'button', class: 'button button--secondary', onclick: () => closePanel() }, 'Cancel')),
    );
    const linkedIds = new Set((getRecord().caring || []).map((c) => c.person.id));
    let seq = 0;
    let timer = null;
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 100); });

    async function search() {
      const mine = ++seq;
      const query = input.value.trim();
      if (!query) { replace(results); count.textContent = ''; return; }
      try {
        const found = await api.caredForSearch({ query, limit: 20 });
        if (mine !== seq || !box.isConnected) return;
        const rows = (Array.isArray(found) ? found : found.results || []);
        count.textContent = `${rows.length} ${rows.length === 1 ? 'person' : 'people'} found`;
        replace(results, rows.length
          ? h('ul', { class: 'pick-list' }, rows.map((p) => pickItem(p, linkedIds.has(p.id))))
          : h('p', { class: 'muted' }, 'No one matches. If they are not on the register yet, use “Add a person they care for” instead.'));
      } catch (err) {
        if (mine !== seq) return;
        replace(results, h('p', { class: 'inline-error' }, sentence(err.message)));
      }
    }

    function pickItem(person, already) {
      const name = [person.first_name, person.last_name].filter(Boolean).join(' ');
      const about = [ageText(person), shownValue(spec(PERSON_FIELDS, 'conditions'), person.conditions, opts)].filter(Boolean).join(' · ');
      const carers = caredForByText(person);
      return h('li', { class: 'pick-list__item' },
        h('div', { class: 'pick-list__who' },
          h('span', { class: 'pick-list__name' }, name),
          about ? h('span', { class: 'pick-list__meta' }, about) : null,
          h('span', { class: 'pick-list__carers' }, carers)),
        already
          ? h('span', { class: 'muted' }, 'Already linked to this carer')
          : h('button', { type: 'button', class: 'button button--secondary button--small', onclick: () => choose(person, name) },
            'Choose', h('span', { class: 'visually-hidden' }, ` ${name}, ${carers.charAt(0).toLowerCase()}${carers.slice(1)}`)),
      );
    }

    function choose(person, name) {
      const form = h('form', { id: 'link-form', class: 'form', novalidate: true },
        section(`How they care for ${name}`, fields(LINK, { link: { lives_together: false } }, opts, 'lk-'), { level: 4 }),
        formButtons('Link person', { onCancel: () => { replace(chosenBox); input.focus(); } }),
      );
      onSubmit(form, async () => {
        const { link } = read(form, LINK);
        const record = await api.caringLinkCreate({ carer_id: getRecord().id, cared_for_id: person.id, link });
        done(record, `Linked ${name}`);
      });
      replace(chosenBox, form);
      form.querySelector('select, input').focus();
    }

    open(box, linkButton);
  }

  function openEdit(link, person, opener) {
    const name = [person.first_name, person.last_name].filter(Boolean).join(' ');
    const form = h('form', { id: 'link-edit-form', class: 'form form--panel', novalidate: true },
      h('h3', { class: 'panel-form__title' }, `Change how they care for ${name}`),
      section('How they care for them', fields(LINK, { link }, opts, 'ed-'), { level: 4 }),
      formButtons('Save changes', { onCancel: () => closePanel() }),
    );
    onSubmit(form, async () => {
      const input = read(form, LINK);
      const record = await api.caringLinkUpdate(link.id, input.link);
      done(record, `Saved changes for ${name}`);
    });
    open(form, opener);
  }

  async function remove(link, name) {
    const yes = await confirmDialog({
      title: `Remove ${name} from this carer?`,
      message: `${name} stays on the register, and stays linked to anyone else who cares for them.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!yes) return;
    try {
      const record = await api.caringLinkRemove(link.id);
      done(record, `Removed ${name}`);
    } catch (err) {
      status.textContent = sentence(err.message);
    }
  }

  // The record page calls this after closing or reopening, so the buttons follow the status.
  return Object.assign(element, { refresh: draw });
}

/** A cared-for person's age as a value: '82', 'About 80', or ''. */
export function ageValue(person) {
  if (person.age !== null && person.age !== undefined) return person.age_is_approximate ? `About ${person.age}` : String(person.age);
  if (person.approximate_age !== null && person.approximate_age !== undefined) return `About ${person.approximate_age}`;
  return '';
}

/** The same for a line of facts: 'Age 82', 'About 80', 'Born 01/02/1943', or ''. */
export function ageText(person) {
  const v = ageValue(person);
  if (v) return v.startsWith('About') ? v : `Age ${v}`;
  return person.date_of_birth ? `Born ${formatDate(person.date_of_birth)}` : '';
}

/** 'Mary Okafor', 'Mary Okafor and Sam Okafor', 'A, B and C'. */
export function namesText(names) {
  if (!names || !names.length) return '';
  return new Intl.ListFormat('en-GB', { style: 'long', type: 'conjunction' }).format(names);
}

/**
 * Everyone else who cares for `person`, from the carer record's point of view: the person's
 * `carer_names` less this carer's own name (once, so a namesake in the family still shows).
 */
export function otherCarers(person, carer) {
  const names = [...(person.carer_names || [])];
  const own = [carer.first_name, carer.last_name].filter(Boolean).join(' ');
  const at = names.indexOf(own);
  if (at >= 0) names.splice(at, 1);
  return names;
}

/** For telling people apart in a search: 'Cared for by Mary Okafor', or that no one is linked. */
function caredForByText(person) {
  const names = person.carer_names || [];
  return names.length ? `Cared for by ${namesText(names)}` : 'Not linked to any carer now';
}
