// @ts-check
// Formatting for UK readers: dates as DD/MM/YYYY, names as people are known.

const ISO = /^(\d{4})-(\d{2})-(\d{2})/;
const UK = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/;

const MONTH = /^(\d{4})-(\d{2})$/;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * '1984-03-27' (or a timestamp starting with it) -> '27/03/1984'; a date known only to the month
 * ('2019-03', as the core stores "caring since March 2019") -> 'March 2019'. Anything else (a
 * year alone) comes back as it was.
 */
export function formatDate(value) {
  if (value === null || value === undefined || value === '') return '';
  const m = ISO.exec(String(value));
  if (m) return `${m[3]}/${m[2]}/${m[1]}`;
  const month = MONTH.exec(String(value));
  const name = month ? MONTH_NAMES[Number(month[2]) - 1] : undefined;
  return name && month ? `${name} ${month[1]}` : String(value);
}

/** Today as DD/MM/YYYY, the way people type it. */
export function todayUk(now = new Date()) {
  const dd = String(now.getDate()).padStart(2, '0');
  const mm = String(now.getMonth() + 1).padStart(2, '0');
  return `${dd}/${mm}/${now.getFullYear()}`;
}

/** Read a typed date (DD/MM/YYYY or YYYY-MM-DD) into { y, m, d }, or null if it is not a real date. */
export function parseDate(text) {
  if (!text) return null;
  let y, m, d;
  const uk = UK.exec(text);
  const iso = ISO.exec(String(text).trim());
  if (uk) [d, m, y] = [Number(uk[1]), Number(uk[2]), Number(uk[3])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return null;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

function daysInMonth(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** 'Jo Bloggs (Joey)' — first and last name, the preferred name in brackets if there is one. */
export function displayName(person) {
  if (!person) return '';
  const full = [person.first_name, person.last_name].filter(Boolean).join(' ');
  return person.preferred_name ? `${full} (${person.preferred_name})` : full;
}

/** Messages from the core are lower-case; show them as sentences. */
export function sentence(text) {
  if (!text) return '';
  const s = String(text);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** '1 carer', '3 carers'. */
export function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/;

/**
 * A timestamp as DD/MM/YYYY HH:MM. One with a time zone (ends in Z or +01:00) is shown in this
 * computer's local time; one without is shown as it is written (the core writes local time).
 */
export function formatDateTime(value) {
  if (!value) return '';
  const text = String(value);
  if (/(?:Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const d = new Date(text);
    if (!Number.isNaN(d.getTime())) {
      const two = (n) => String(n).padStart(2, '0');
      return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
    }
  }
  const m = STAMP.exec(text);
  if (!m) return formatDate(text);
  return `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}`;
}

/** A size in bytes in words: '512 bytes', '3.4 MB'. */
export function formatBytes(n) {
  const bytes = Number(n) || 0;
  if (bytes < 1024) return `${bytes.toLocaleString('en-GB')} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toLocaleString('en-GB', { maximumFractionDigits: value < 10 ? 1 : 0 })} ${units[unit]}`;
}

