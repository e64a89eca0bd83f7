// @ts-check
// On the page of a run of `dispatch run --best-of`: its group's runs side by side, as
// `dispatch compare` shows them, with a button to pick each (merge it, discard the others), which
// asks first: picking deletes the other runs' work, as `dispatch pick --yes` does.
import { getJson, postJson, taskPath } from './api.js';
import { el, setText } from './dom.js';
import { TERMINAL, formatElapsed } from './format.js';
import { actionForm, notify } from './widgets.js';
/** @import { Comparison, Task } from '../page-types.js' */
/** @typedef {Comparison['runs'][number]} Run */

/** @param {string} id */
export function bestOfPanel(id) {
  const heading = el('h2', { attrs: { id: 'best-of-heading' }, text: 'Best of N' });
  const intro = el('p', { className: 'muted' });
  const table = el('table', { className: 'comparison' });
  const error = el('p', { className: 'form-error', attrs: { role: 'alert' } });
  const question = el('p');
  /** @type {Run | undefined} */
  let chosen;
  /** @type {Comparison | undefined} */
  let current;
  const confirm = actionForm({
    className: 'pick-form',
    fields: [question],
    button: { text: 'Yes, pick it', className: 'danger' },
    send: () =>
      postJson(`${taskPath(id)}/pick`, {
        child: String(chosen?.index ?? ''),
        yes: true,
        force: chosen?.outcome === 'verify-failed',
      }),
    done: (result) => {
      confirm.form.hidden = true;
      notify(result.message ?? 'Picked.');
      void load();
    },
  });
  confirm.form.hidden = true;
  const keep = el('button', {
    attrs: { type: 'button' },
    text: 'Keep them all',
    on: { click: () => (confirm.form.hidden = true) },
  });
  confirm.submit.after(keep);
  const node = el(
    'section',
    { className: 'panel best-of', attrs: { 'aria-labelledby': 'best-of-heading' } },
    heading,
    intro,
    el('div', { className: 'table-scroll' }, table),
    error,
    confirm.form,
  );
  node.hidden = true;

  /** @param {Run} run */
  function ask(run) {
    if (!current) return;
    chosen = run;
    const others = current.runs.filter((other) => other.id !== run.id).map((other) => other.id);
    setText(
      question,
      `Merge ${run.id} into the current branch, then delete the worktrees and branches of ${others.join(', ')}, with any work in them that exists nowhere else?${run.outcome === 'verify-failed' ? ` ${run.id} failed its verify command: it is merged anyway.` : ''}`,
    );
    setText(confirm.submit, `Yes, pick run ${run.index}`);
    confirm.form.hidden = false;
    confirm.submit.focus();
  }

  /** @param {Comparison} comparison */
  function show(comparison) {
    current = comparison;
    setText(heading, `Best of ${comparison.of}: ${comparison.group}`);
    const merged = comparison.runs.find((run) => run.merged);
    setText(
      intro,
      merged
        ? `${merged.id} was picked and merged.`
        : comparison.settled
          ? 'Every run has finished. Pick the one to keep: it is merged, the others are discarded.'
          : 'Not every run has finished yet.',
    );
    const head = el(
      'tr',
      {},
      ...['#', 'Run', 'Model', 'Verify', 'Diff', 'Files', 'Time', 'Tokens', 'Cost', ''].map(
        (text) => el('th', { attrs: { scope: 'col' }, text }),
      ),
    );
    const rows = comparison.runs.map((run, i) => {
      const display = comparison.display[i];
      const pick = el('button', {
        attrs: { type: 'button', 'aria-label': `Pick run ${run.index}` },
        text: run.outcome === 'verify-failed' ? 'Pick anyway…' : 'Pick…',
        on: { click: () => ask(run) },
      });
      pick.hidden = !comparison.settled || merged !== undefined;
      const here = run.id === id;
      return el(
        'tr',
        { className: here ? 'this-run' : '' },
        el('td', { text: String(run.index) }),
        el(
          'td',
          {},
          here
            ? el('span', { text: `${run.id} (this page)` })
            : el('a', { attrs: { href: `/task/${encodeURIComponent(run.id)}` }, text: run.id }),
        ),
        el('td', { text: run.model ?? '?' }),
        el('td', { text: display?.verify ?? '' }),
        el('td', { text: display?.changes ?? '' }),
        el('td', {
          text: run.changes ? run.changes.files.join(', ') || 'none' : 'unknown',
        }),
        el('td', { text: run.elapsedMs !== null ? formatElapsed(run.elapsedMs) : '-' }),
        el('td', { text: display?.tokens ?? '' }),
        el('td', { text: display?.cost ?? '' }),
        el('td', {}, pick),
      );
    });
    table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  }

  let key = '';
  async function load() {
    try {
      /** @type {Comparison} */
      const comparison = await getJson(`${taskPath(id)}/compare`);
      setText(error, '');
      show(comparison);
    } catch (failure) {
      setText(error, failure instanceof Error ? failure.message : String(failure));
    }
  }

  return {
    node,
    /**
     * Shown for a run of a group; read again whenever a run of the group changes state.
     * @param {Task} task
     * @param {Task[]} tasks every task the page knows of
     */
    update(task, tasks) {
      const group = task.bestOf?.group;
      node.hidden = group === undefined;
      if (group === undefined) return;
      const next = [task, ...tasks.filter((other) => other.bestOf?.group === group)]
        .map((run) => `${run.id}:${run.state}:${run.endedAt}:${TERMINAL.has(run.state)}`)
        .join('|');
      if (next === key) return;
      key = next;
      void load();
    },
    reload: () => void load(),
  };
}
