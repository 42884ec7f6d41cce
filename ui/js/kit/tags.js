// @ts-check
// Status tags and badges: a status in words, coloured to help (colour never carries the meaning
// alone). One place for each kind of status the window shows.

import { h } from './dom.js';
import { formatDate, sentence } from './format.js';

/**
 * A tag: `tone` is 'due', 'overdue', 'done' or null (plain words, muted).
 * @param {string} text @param {string | null} [tone] @param {Record<string, any>} [attrs]
 */
export function tag(text, tone, attrs = {}) {
  return tone ? h('span', { ...attrs, class: ['tag', `tag--${tone}`] }, text) : h('span', { ...attrs, class: 'muted' }, text);
}

/**
 * A small badge for a carer's category (young carer, young adult carer, adult carer).
 * @param {{ category?: string | null, category_label?: string | null }} c
 */
export function categoryBadge(c) {
  if (!c.category && !c.category_label) return '';
  return h('span', { class: ['badge', `badge--${c.category || 'other'}`] }, c.category_label || c.category || '');
}

/**
 * A record's status: "Open", or a "Closed" badge.
 * @param {string | null | undefined} status
 */
export function statusLabel(status) {
  if (status === 'closed') return h('span', { class: 'badge badge--closed' }, 'Closed');
  if (status === 'open') return 'Open';
  return status || '';
}

const PASSPORT_CLASS = {
  active: 'badge--passport-active',
  expired: 'badge--passport-expired',
  revoked: 'badge--passport-revoked',
  replaced: 'badge--passport-replaced',
};

/**
 * A passport's status as a badge with words.
 * @param {{ status: string, status_label?: string }} p
 */
export function passportBadge(p) {
  return h('span', { class: ['badge', /** @type {Record<string, string>} */ (PASSPORT_CLASS)[p.status] || 'badge--plain'], dataset: { status: p.status } },
    p.status_label || sentence(p.status || ''));
}

/**
 * A support plan's review status: 'overdue' or 'due_soon' get a tag, anything else none.
 * @param {string | null | undefined} status
 */
export function reviewTag(status) {
  if (status === 'overdue') return tag('Overdue', 'overdue');
  if (status === 'due_soon') return tag('Due soon', 'due');
  return null;
}

/**
 * A transition milestone's status, with its words.
 * @param {{ status: string, status_label?: string }} m
 */
export function milestoneTag(m) {
  const label = m.status_label || sentence(String(m.status).replace(/_/g, ' '));
  const tone = /** @type {Record<string, string>} */ ({ done: 'done', due: 'due', overdue: 'overdue' })[m.status] || null;
  return tag(label, tone);
}

/**
 * An agreed adjustment's status: ended, review due (or overdue), or when it is to be reviewed.
 * @param {{ status: string, status_label?: string, review_on?: string | null, ended_on?: string | null }} a
 */
export function adjustmentStatus(a) {
  if (a.status === 'ended') return h('span', { class: 'muted' }, `Ended ${formatDate(a.ended_on)}`);
  if (a.status === 'review_due') {
    const label = a.status_label || 'Review due';
    return tag(a.review_on ? `${label} ${formatDate(a.review_on)}` : label, 'due');
  }
  return h('span', null, a.review_on ? `Review by ${formatDate(a.review_on)}` : (a.status_label || 'Active'));
}
