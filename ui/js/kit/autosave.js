// @ts-check
// Saving as you type: the autosave every editor uses (plans, reviews, assessments) and the
// status line that says "Saving…", "Saved" or why not.

import { h } from './dom.js';
import { sentence } from './format.js';

/**
 * Autosave for an editor. `schedule()` after each edit saves `delay` ms after the last one;
 * saves never overlap; a save still waiting when the page goes away is made at once. `run()`
 * makes one save and resolves to the core's error, or null; the status line then says "Saved"
 * or why not (unless another edit is already waiting). `now()` saves at once and resolves to
 * that error; `cancel()` drops a waiting save; `dispose()` is the screen's clean-up.
 */
export function autosave(run, status, delay = 600) {
  let timer = null;
  let saving = null;
  let error = null;
  async function now() {
    clearTimeout(timer);
    timer = null;
    if (saving) await saving.catch(() => {});
    saving = (async () => {
      error = await run();
      if (!timer) status.set(error ? `Not saved: ${sentence(error.errors?.[0]?.message || error.message)}` : 'Saved', error ? 'error' : 'saved');
    })();
    try { await saving; } finally { saving = null; }
    return error;
  }
  const flush = () => { if (timer) now(); };
  window.addEventListener('beforeunload', flush);
  window.addEventListener('pagehide', flush);
  return {
    schedule() {
      status.set('Saving…', 'pending');
      clearTimeout(timer);
      timer = setTimeout(now, delay);
    },
    now,
    cancel() {
      clearTimeout(timer);
      timer = null;
    },
    dispose() {
      window.removeEventListener('beforeunload', flush);
      window.removeEventListener('pagehide', flush);
      flush();
    },
  };
}

/** The status line an autosave writes to: "Saving…", "Saved" or "Not saved: …", announced politely. */
export function saveStatus(id = 'save-status') {
  const el = h('p', { class: 'save-status', id, role: 'status', 'aria-live': 'polite' });
  return {
    element: el,
    set(text, state) { el.textContent = text; el.dataset.state = state; },
  };
}

