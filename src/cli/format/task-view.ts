import { verifyHistoryLine, verifyLine } from '../../ui/shared/verify-text.js';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { terminalText } from '../../core/text/terminal-text.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { Plan } from '../../core/plan/plan-types.js';
import type { Overview, TaskDetail } from '../../operations/status-operation.js';
import { elapsedMs, formatElapsed } from '../../ui/shared/durations.js';
import { progressBar } from '../../ui/shared/progress-bar.js';
import { stateLabel, stateSentence, type LabelledTask } from '../../ui/shared/state-label.js';
import { paint } from '../../ui/shared/style.js';
import { isTerminal } from '../../core/status/state-groups.js';

const MARK: Record<string, string> = { done: '[x]', pending: '[ ]', blocked: '[?]', error: '[!]' };

export function planLines(plan: Plan | undefined, status: TaskStatus): string[] {
  if (!plan) return ['  (no readable plan)'];
  return plan.items.map((item) => {
    const pad = '  '.repeat(item.depth + 1);
    const current =
      status.progress.current?.index === item.index && !isTerminal(status.state)
        ? paint('  ← current', 'dim')
        : '';
    const detail =
      item.detail && (item.marker === 'blocked' || item.marker === 'error')
        ? `\n${pad}    ${paint(terminalText(item.detail).replace(/\n/g, ' '), 'dim')}`
        : '';
    return `${pad}${MARK[item.marker]} ${terminalText(item.text)}${current}${detail}`;
  });
}

/** What a row of the task table needs: a task's status, or its JSON summary. */
export interface RowTask extends LabelledTask {
  id: string;
  title: string;
  model?: string | null;
  progress: { done: number; total: number };
  startedAt?: string | null;
  endedAt?: string | null;
  worktree?: { branch: string } | null;
  /** The task's branch holds commits the repository's HEAD lacks (listings only). */
  unmerged?: boolean | null;
  /** One run of a `--best-of` group. */
  bestOf?: { group: string; index: number; of: number } | null;
}

export function questionLines(status: RowTask): string[] {
  if (!status.question) return [];
  const seq = status.question.seq ?? undefined;
  const label = seq !== undefined ? `question ${formatSeq(seq)}` : 'question';
  return [
    `  ${paint(label, 'magenta')}  ${terminalText(status.question.text)}`,
    // The oldest pending question is the one `dispatch answer ID` answers; it asks for the text.
    `  ${paint('answer', 'dim')}    dispatch answer ${status.id}`,
  ];
}

/** The full view of one task for `dispatch status ID`. */
export function taskDetail(
  status: TaskStatus,
  plan: Plan | undefined,
  extra: {
    planPath: string;
    logTail?: string[];
    cause?: string;
    /** Tokens and cost the agent CLI reported. */
    usage?: string;
    queue?: TaskDetail['queue'];
    /** Rows about the task's worktree (see results-view.ts). */
    worktree?: string[];
  },
): string {
  const lines = [`${paint(status.id, 'bold')} — ${terminalText(status.title)}`];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(9)} ${value}`);
  // The sentence only where it says more than the label ("done — done" says nothing twice).
  const sentence = stateSentence(status);
  const said = sentence === stateLabel(status, false).replace(/-/g, ' ');
  row('state', said ? stateLabel(status) : `${stateLabel(status)} — ${sentence}`);
  if (status.reason) row('reason', terminalText(status.reason));
  if (extra.queue)
    row(
      'queue',
      `${extra.queue.position} of ${extra.queue.of} (${extra.queue.priority}) — ${extra.queue.reason}`,
    );
  if (extra.cause) row('cause', terminalText(extra.cause));
  const worker = [
    terminalText(status.model ?? '?'),
    status.attempt > 1 ? `attempt ${status.attempt}` : '',
    continuationText(status),
    status.pid !== undefined ? `pid ${status.pid}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  row('model', worker);
  if (status.exit)
    row(
      'exit',
      status.exit.signal
        ? `killed by ${status.exit.signal} (code ${status.exit.code})`
        : `code ${status.exit.code}`,
    );
  row(
    'progress',
    `${progressBar(status.progress.done, status.progress.total)} ${status.progress.done}/${status.progress.total}`,
  );
  if (status.verify) {
    row('verify', verifyLine(status.verify));
    const history = verifyHistoryLine(status.verify);
    if (history) row('rounds', history);
  }
  const elapsed = elapsedMs(status.startedAt, status.endedAt);
  if (elapsed !== undefined) row('elapsed', formatElapsed(elapsed));
  if (extra.usage) row('usage', extra.usage);
  if (extra.worktree) lines.push(...extra.worktree);
  row('plan', extra.planPath);
  lines.push(...questionLines(status));
  lines.push('  items');
  lines.push(...planLines(plan, status).map((line) => `  ${line}`));
  if (extra.logTail && extra.logTail.length > 0) {
    lines.push('  log tail');
    lines.push(...extra.logTail.map((line) => `    ${paint(terminalText(line), 'dim')}`));
  }
  return lines.join('\n');
}

/** The queue in start order with why each task waits, for the `dispatch status` overview. */
export function queueLines(report: NonNullable<Overview['queue']>): string[] {
  if (report.entries.length === 0) return [];
  const limit = report.maxParallel !== null ? `, max_parallel ${report.maxParallel}` : '';
  const width = Math.max(...report.entries.map((entry) => entry.id.length));
  return [
    paint(`Queue, in start order (${report.running} running${limit}):`, 'bold'),
    ...report.entries.map(
      (entry) =>
        `  ${String(entry.position).padStart(2)}. ${entry.id.padEnd(width)}  ${entry.priority.padEnd(6)}  ${paint(entry.reason, 'dim')}`,
    ),
  ];
}

/** After the title of a worktree task whose branch holds commits the current HEAD lacks. */
function unmergedNote(status: RowTask): string {
  if (status.unmerged !== true || !status.worktree) return '';
  return paint(`  (unmerged: ${terminalText(status.worktree.branch)})`, 'yellow');
}

/** One line per task for `dispatch list` and the overview. */
export function taskRow(status: RowTask, widths: { id: number; state: number }): string {
  const elapsed = elapsedMs(status.startedAt ?? undefined, status.endedAt ?? undefined);
  const progress = `${status.progress.done}/${status.progress.total}`;
  const state = stateLabel(status);
  const visibleState = stateLabel(status, false);
  return [
    status.id.padEnd(widths.id),
    state + ' '.repeat(Math.max(0, widths.state - visibleState.length)),
    progress.padStart(5),
    terminalText(status.model ?? '-').padEnd(10),
    (elapsed !== undefined ? formatElapsed(elapsed) : '-').padStart(6),
    ' ' + terminalText(status.title) + bestOfNote(status) + unmergedNote(status),
  ].join('  ');
}

/** After the title of a run of a best-of group: which run of which group. */
function bestOfNote(status: RowTask): string {
  if (!status.bestOf) return '';
  const { group, index, of } = status.bestOf;
  return paint(`  (run ${index} of ${of}, best-of ${terminalText(group)})`, 'dim');
}

/**
 * Under the task rows, one line per best-of group: how its runs stand, and what to do next
 * (wait for the rest, or compare them and pick one).
 */
export function groupLines(tasks: RowTask[]): string[] {
  const groups = new Map<string, RowTask[]>();
  for (const task of tasks) {
    if (!task.bestOf) continue;
    groups.set(task.bestOf.group, [...(groups.get(task.bestOf.group) ?? []), task]);
  }
  const lines: string[] = [];
  for (const [group, runs] of groups) {
    const counts = new Map<string, number>();
    for (const run of runs) {
      const label = stateLabel(run, false);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const states = [...counts].map(([label, n]) => `${n} ${label}`).join(', ');
    const next = runs.every((run) => isTerminal(run.state))
      ? `dispatch compare ${group} · dispatch pick ${group} N`
      : `dispatch wait ${group}`;
    lines.push(`Best of ${runs.length} ${terminalText(group)}: ${states} — ${next}`);
  }
  return lines.length > 0 ? ['', ...lines] : [];
}

/** The header over `taskRow`s, its columns aligned with theirs. */
export function taskHeader(widths: { id: number; state: number }): string {
  return paint(
    [
      'ID'.padEnd(widths.id),
      'STATE'.padEnd(widths.state),
      'DONE'.padStart(5),
      'MODEL'.padEnd(10),
      'TIME'.padStart(6),
      ' TITLE',
    ].join('  '),
    'dim',
  );
}

export function rowWidths(statuses: RowTask[]): { id: number; state: number } {
  return {
    id: Math.max(4, ...statuses.map((s) => s.id.length)),
    state: Math.max(5, ...statuses.map((s) => stateLabel(s, false).length)),
  };
}

/** "resumed session 3f43…" or "new worker with context": how the current attempt continues. */
export function continuationText(status: TaskStatus): string {
  const continuation = status.continuation;
  if (!continuation) return '';
  return continuation.session !== undefined
    ? `resumed session ${terminalText(continuation.session)}`
    : 'new worker with context';
}
