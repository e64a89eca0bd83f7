// @ts-check
// What a task produced, on its page: the worker's summary (output.md, rendered as Markdown
// without ever parsing it as HTML), the questions and answers, the usage, and for a worktree
// task its branch with the diff and the merge and discard buttons.
import { getJson, postJson, taskPath } from './api.js';
import { el, setText } from './dom.js';
import { TERMINAL, clockTime, seqLabel } from './format.js';
import { renderMarkdown } from './markdown.js';
import { actionForm, notify } from './widgets.js';
/** @import { Diff, TaskPageDetail } from '../page-types.js' */
/** @typedef {NonNullable<TaskPageDetail['results']>} Results */

const number = new Intl.NumberFormat('en-US');

/** @param {NonNullable<Results['usage']>} usage */
function usageText(usage) {
  const cached = usage.cacheReadTokens ? ` (${number.format(usage.cacheReadTokens)} cached)` : '';
  const parts = [
    `${number.format(usage.inputTokens)} tokens in${cached}`,
    `${number.format(usage.outputTokens)} out`,
  ];
  if (usage.costUsd !== undefined) parts.push(`$${usage.costUsd.toFixed(4)}`);
  if (usage.attempts > 1) parts.push(`over ${usage.attempts} attempts`);
  return parts.join(', ');
}

/** @param {Results['exchanges'][number]} exchange */
function exchangeItem(exchange) {
  const answered = exchange.answer !== null;
  return el(
    'li',
    { className: 'exchange' },
    el('p', {
      className: 'exchange-label',
      text: `${exchange.seq !== null ? `Question ${seqLabel(exchange.seq)}` : 'Question left in the plan'}${exchange.askedAt ? ` · asked ${clockTime(exchange.askedAt)}` : ''}`,
    }),
    exchange.question !== null
      ? el('p', { className: 'question-text', text: exchange.question })
      : '',
    el(
      'p',
      { className: answered ? 'answer-text' : 'muted' },
      answered
        ? `Answer${exchange.answeredBy ? ` (${exchange.answeredBy}${exchange.answeredAt ? `, ${clockTime(exchange.answeredAt)}` : ''})` : ''}: ${exchange.answer}`
        : 'Not answered yet.',
    ),
  );
}

/** @param {string} id */
export function taskResults(id) {
  const summaryPath = el('p', { className: 'plan-file' });
  const summaryBody = el('div', { className: 'markdown' });
  const summaryNote = el('p', { className: 'muted' });
  let summaryKey = '';
  const summary = el(
    'section',
    { className: 'panel summary', attrs: { 'aria-labelledby': 'summary-heading' } },
    el('h2', { attrs: { id: 'summary-heading' }, text: 'Summary' }),
    summaryPath,
    summaryNote,
    summaryBody,
  );

  const exchanges = el('ol', { className: 'exchanges' });
  const usage = el('p', { className: 'usage' });
  const history = el(
    'section',
    { className: 'panel', attrs: { 'aria-labelledby': 'history-heading' } },
    el('h2', { attrs: { id: 'history-heading' }, text: 'Questions and answers' }),
    exchanges,
  );

  const worktree = worktreePanel(id);

  return {
    nodes: [summary, history, worktree.node, usage],
    /** @param {TaskPageDetail} detail */
    update(detail) {
      const results = detail.results;
      summary.hidden = !results;
      history.hidden = !results || results.exchanges.length === 0;
      usage.hidden = !results?.usage;
      if (!results) return;
      const file = results.summary;
      setText(summaryPath, file.path);
      const note = file.problem
        ? `output.md cannot be shown: ${file.problem}`
        : file.text === null
          ? TERMINAL.has(detail.state)
            ? 'The worker wrote no summary (output.md).'
            : 'The worker writes its summary (output.md) when it finishes.'
          : file.truncated
            ? 'Only the beginning of a long output.md is shown.'
            : '';
      setText(summaryNote, note);
      summaryNote.hidden = !note;
      if (file.text !== summaryKey) {
        summaryKey = file.text ?? '';
        summaryBody.replaceChildren(renderMarkdown(file.text ?? ''));
      }
      exchanges.replaceChildren(...results.exchanges.map(exchangeItem));
      setText(usage, results.usage ? `Usage: ${usageText(results.usage)}` : '');
      worktree.update(detail, results.worktree);
    },
  };
}

/**
 * A worktree task's branch: what it holds, its diff on request, merge, and discard (which asks
 * first when the work exists nowhere else, as `dispatch discard` does on a terminal).
 * @param {string} id
 */
function worktreePanel(id) {
  const facts = el('p', { className: 'worktree-facts' });
  const diffBox = el('pre', { className: 'diff', attrs: { tabindex: '0', 'aria-label': 'Diff' } });
  diffBox.hidden = true;
  const showDiff = el('button', {
    attrs: { type: 'button' },
    text: 'Show diff',
    on: { click: () => void loadDiff() },
  });
  async function loadDiff() {
    showDiff.disabled = true;
    try {
      /** @type {Diff} */
      const diff = await getJson(`${taskPath(id)}/diff`);
      const parts = [];
      if (diff.commits.length > 0)
        parts.push(`Commits:\n${diff.commits.join('\n')}`, diff.committed);
      if (diff.uncommittedFiles.length > 0)
        parts.push(`Uncommitted in the worktree:\n${diff.uncommitted}`);
      diffBox.textContent = parts.join('\n\n').trim() || 'No changes.';
      diffBox.hidden = false;
      setText(showDiff, 'Reload diff');
    } catch (error) {
      diffBox.textContent = error instanceof Error ? error.message : String(error);
      diffBox.hidden = false;
    } finally {
      showDiff.disabled = false;
    }
  }

  const merge = actionForm({
    className: 'merge-form',
    fields: [],
    button: { text: 'Merge into the current branch' },
    send: () => postJson(`${taskPath(id)}/merge`, {}),
    done: (result) => notify(result.message ?? 'Merged.'),
  });
  const lostText = el('p');
  const discardConfirm = actionForm({
    className: 'discard-form',
    fields: [lostText],
    button: { text: 'Yes, delete the worktree and branch', className: 'danger' },
    send: () => postJson(`${taskPath(id)}/discard`, { yes: true }),
    done: (result) => {
      discardConfirm.form.hidden = true;
      notify(result.message ?? 'Discarded.');
    },
  });
  discardConfirm.form.hidden = true;
  const keep = el('button', {
    attrs: { type: 'button' },
    text: 'Keep it',
    on: { click: () => (discardConfirm.form.hidden = true) },
  });
  discardConfirm.submit.after(keep);
  // Nothing would be lost: no question, as on a terminal.
  const discardPlain = actionForm({
    className: 'discard-plain',
    fields: [],
    button: { text: 'Discard worktree…', className: 'danger' },
    send: async () => {
      if (!merged) {
        discardConfirm.form.hidden = false;
        return { message: '' };
      }
      const result = await postJson(`${taskPath(id)}/discard`, {});
      notify(result.message ?? 'Discarded.');
      return result;
    },
  });
  let merged = false;

  const node = el(
    'section',
    { className: 'panel worktree', attrs: { 'aria-labelledby': 'worktree-heading' } },
    el('h2', { attrs: { id: 'worktree-heading' }, text: 'Worktree' }),
    facts,
    el('div', { className: 'form-row' }, showDiff),
    diffBox,
    merge.form,
    discardPlain.form,
    discardConfirm.form,
  );
  return {
    node,
    /**
     * @param {TaskPageDetail} detail
     * @param {Results['worktree']} info
     */
    update(detail, info) {
      node.hidden = !info;
      if (!info) return;
      merged = info.merged;
      const gone = !info.present && !info.branchExists;
      const parts = [`Branch ${info.branch}`];
      if (gone) parts.push('removed (worktree and branch discarded)');
      else {
        parts.push(
          `${info.commitsAhead} commit${info.commitsAhead === 1 ? '' : 's'} ahead`,
          info.uncommitted.length > 0
            ? `${info.uncommitted.length} uncommitted file${info.uncommitted.length === 1 ? '' : 's'}: ${info.uncommitted.join(', ')}`
            : 'nothing uncommitted',
          info.merged
            ? 'merged'
            : `not merged (${info.unmergedCommits} unmerged commit${info.unmergedCommits === 1 ? '' : 's'})`,
        );
      }
      setText(facts, `${parts.join(' · ')}. Worktree: ${info.path}`);
      setText(
        lostText,
        `This deletes ${info.path} and branch ${info.branch}, with ${info.uncommitted.length} uncommitted file(s) and ${info.unmergedCommits} unmerged commit(s) that exist nowhere else.`,
      );
      const finished = TERMINAL.has(detail.state);
      showDiff.hidden = gone;
      merge.form.hidden = gone || !finished || info.merged;
      discardPlain.form.hidden = gone || !finished;
      if (gone) discardConfirm.form.hidden = true;
    },
  };
}
