import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { terminalText } from '../../core/text/terminal-text.js';
import type { TaskDetail } from '../../operations/status-operation.js';
import type { TaskResultsView } from '../../operations/task-results-operation.js';
import { paint } from '../../ui/shared/style.js';

/** Lines of output.md `dispatch show` prints before it points to the file for the rest. */
export const SHOWN_SUMMARY_LINES = 200;

type Worktree = NonNullable<TaskDetail['worktree']>;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "branch dispatch/x: 2 commits ahead, 1 uncommitted file, not merged" */
export function worktreeFacts(worktree: Worktree): string {
  if (!worktree.branchExists && !worktree.present)
    return `branch ${worktree.branch}: removed (worktree and branch discarded)`;
  const facts = [
    `${plural(worktree.commitsAhead, 'commit')} ahead of ${worktree.base.slice(0, 7)}`,
    `${plural(worktree.uncommitted.length, 'uncommitted file')}`,
    worktree.merged
      ? 'merged'
      : worktree.unmergedCommits > 0
        ? `not merged (${plural(worktree.unmergedCommits, 'commit')})`
        : 'not merged (uncommitted work)',
  ];
  if (!worktree.present) facts.push('worktree removed');
  return `branch ${worktree.branch}: ${facts.join(', ')}`;
}

/** The commands that bring a worktree task's work back or drop it, ready to paste. */
export function worktreeCommands(id: string, worktree: Worktree): string | undefined {
  if (!worktree.branchExists && !worktree.present) return undefined;
  if (worktree.merged) return `remove it: dispatch discard ${id}`;
  return `see: dispatch diff ${id} · merge: dispatch merge ${id} · drop: dispatch discard ${id}`;
}

/** The worktree rows of `dispatch status ID` and `dispatch show ID`. */
export function worktreeLines(id: string, worktree: Worktree): string[] {
  const lines = [`  ${'worktree'.padEnd(9)} ${terminalText(worktree.path)}`];
  lines.push(`  ${''.padEnd(9)} ${terminalText(worktreeFacts(worktree))}`);
  const commands = worktreeCommands(id, worktree);
  if (commands) lines.push(`  ${''.padEnd(9)} ${commands}`);
  return lines;
}

/**
 * The start of the worker's summary, sanitized for the terminal and indented; a longer one ends
 * with a line saying how much more there is and where.
 */
export function summaryExcerpt(
  summary: TaskResultsView['summary'],
  maxLines: number,
  indent = '  ',
): string[] {
  if (summary.text === null) return [];
  const all = terminalText(summary.text).replace(/\s+$/, '').split('\n');
  const lines = all.slice(0, maxLines).map((line) => `${indent}${line}`);
  const more = all.length - maxLines;
  if (more > 0 || summary.truncated)
    lines.push(
      paint(
        `${indent}… ${more > 0 ? `${plural(more, 'more line')}${summary.truncated ? ' and more' : ''}` : 'more'} in ${terminalText(summary.path)}`,
        'dim',
      ),
    );
  return lines;
}

/** The "Summary" section: the text, or why there is none. */
export function summarySection(summary: TaskResultsView['summary']): string[] {
  const path = terminalText(summary.path);
  if (summary.problem !== null)
    return [
      `${paint('Summary', 'bold')} ${path}: cannot be shown: ${terminalText(summary.problem)}`,
    ];
  if (summary.text === null || summary.text.trim() === '')
    return [
      `${paint('Summary', 'bold')}: none yet (the worker writes it to ${path}${summary.text === null ? '' : ', now empty'})`,
    ];
  return [`${paint('Summary', 'bold')} ${path}`, ...summaryExcerpt(summary, SHOWN_SUMMARY_LINES)];
}

/** The questions of the task with their answers, oldest first. */
export function exchangeLines(exchanges: TaskResultsView['exchanges']): string[] {
  if (exchanges.length === 0) return [];
  const lines = [paint(`Questions (${exchanges.length})`, 'bold')];
  for (const exchange of exchanges) {
    const label = exchange.seq !== null ? formatSeq(exchange.seq) : 'plan';
    const question = exchange.question ?? '(a question left in the plan)';
    lines.push(
      `  ${paint(label, 'magenta')}  ${terminalText(question).replace(/\n/g, '\n       ')}`,
    );
    const by = exchange.answeredBy ? ` (${terminalText(exchange.answeredBy)})` : '';
    lines.push(
      exchange.answer !== null
        ? `       → ${terminalText(exchange.answer).replace(/\n/g, '\n         ')}${paint(by, 'dim')}`
        : `       ${paint('not answered', 'dim')}`,
    );
  }
  return lines;
}
