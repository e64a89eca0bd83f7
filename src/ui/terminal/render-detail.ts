import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import type { Marker } from '../../core/plan/plan-types.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { elapsedMs, formatElapsed } from '../shared/durations.js';
import { progressBar } from '../shared/progress-bar.js';
import { stateSentence } from '../shared/state-label.js';
import { verifyHistoryLine, verifyLine } from '../shared/verify-text.js';
import type { TaskView } from '../../operations/show-operation.js';
import { STATE_STYLE } from './state-style.js';
import { seg, type Style, type StyledLine } from './styled-line.js';
import { cleanText, wrap } from './text-width.js';
import { isTerminal } from '../../core/status/state-groups.js';

const MARK: Record<Marker, { text: string; style: Style }> = {
  done: { text: '[x]', style: 'green' },
  pending: { text: '[ ]', style: 'dim' },
  blocked: { text: '[?]', style: 'magenta' },
  error: { text: '[!]', style: 'red' },
};

/** Lines of a finished task's summary the plan view shows; `dispatch show` prints it all. */
const SUMMARY_LINES = 60;

function wrapped(text: string, width: number, indent: number, ...styles: Style[]): StyledLine[] {
  return wrap(cleanText(text), Math.max(10, width - indent)).map((line) => [
    seg(' '.repeat(indent)),
    seg(line, ...styles),
  ]);
}

function field(label: string, value: string, ...styles: Style[]): StyledLine {
  return [seg(`  ${label.padEnd(10)}`, 'dim'), seg(value, ...styles)];
}

/** The first screen line of the detail view: which task this is. */
export function detailTitle(status: TaskStatus): StyledLine {
  return [seg(cleanText(status.id), 'bold'), seg(` — ${cleanText(status.title)}`)];
}

/**
 * The scrollable body of the detail view: status, question, plan with markers, notes, the
 * summary of a finished task, log.
 */
export function detailLines(
  status: TaskStatus,
  detail: TaskView | undefined,
  width: number,
  now: number,
): StyledLine[] {
  const lines: StyledLine[] = [];
  lines.push(field('state', stateSentence(status), STATE_STYLE[status.state]));
  if (status.reason) lines.push(field('reason', cleanText(status.reason)));
  const worker = [
    status.model ?? '?',
    status.attempt > 1 ? `attempt ${status.attempt}` : '',
    status.pid !== undefined ? `pid ${status.pid}` : '',
  ].filter(Boolean);
  lines.push(field('model', worker.join(', ')));
  const { done, total } = status.progress;
  lines.push(field('progress', `${progressBar(done, total)} ${done}/${total}`));
  if (status.verify) {
    lines.push(field('verify', verifyLine(status.verify)));
    const history = verifyHistoryLine(status.verify);
    if (history) lines.push(field('rounds', history));
  }
  const elapsed = elapsedMs(status.startedAt, status.endedAt, now);
  if (elapsed !== undefined) lines.push(field('elapsed', formatElapsed(elapsed)));
  if (status.question) {
    lines.push([]);
    const label =
      status.question.seq !== undefined
        ? `Question ${formatSeq(status.question.seq)} (press a to answer)`
        : 'Question, the worker stopped waiting (press a to answer; a new worker continues)';
    lines.push([seg(label, 'magenta', 'bold')]);
    lines.push(...wrapped(status.question.text, width, 2, 'magenta', 'bold'));
  }
  lines.push([]);
  if (!detail) {
    lines.push([seg('Reading the plan…', 'dim')]);
    return lines;
  }
  lines.push([seg('Plan', 'bold'), seg(`  ${detail.planFile}`, 'dim')]);
  if (!detail.plan) lines.push([seg(`  ${cleanText(detail.planProblem ?? 'no plan')}`, 'red')]);
  for (const item of detail.plan?.items ?? []) {
    const mark = MARK[item.marker];
    const indent = 2 + item.depth * 2;
    const isCurrent = status.progress.current?.index === item.index && !isTerminal(status.state);
    const text = wrap(cleanText(item.text), Math.max(10, width - indent - 4));
    text.forEach((part, index) => {
      const line: StyledLine = [
        seg(' '.repeat(indent)),
        index === 0 ? seg(mark.text, mark.style) : seg('   '),
        seg(` ${part}`, ...(isCurrent ? (['bold'] as Style[]) : [])),
      ];
      if (isCurrent && index === text.length - 1) line.push(seg('  <- current', 'dim'));
      lines.push(line);
    });
    if (item.detail && (item.marker === 'blocked' || item.marker === 'error'))
      lines.push(...wrapped(item.detail, width, indent + 4, 'dim'));
  }
  const notes = detail.plan?.notes ?? [];
  if (notes.length > 0) {
    lines.push([], [seg('Notes from dispatcher', 'bold')]);
    for (const note of notes) lines.push(...wrapped(`> ${note.text}`, width, 2));
  }
  const summary = detail.results?.summary;
  if (summary) {
    lines.push([]);
    if (summary.text !== null && summary.text.trim() !== '') {
      lines.push([seg('Summary', 'bold'), seg(`  ${cleanText(summary.path)}`, 'dim')]);
      const shown = summary.text.replace(/\s+$/, '').split('\n').slice(0, SUMMARY_LINES);
      for (const line of shown) lines.push(...wrapped(line, width, 2));
      const more = summary.text.trimEnd().split('\n').length - shown.length;
      if (more > 0 || summary.truncated)
        lines.push([seg(`  … the rest in ${cleanText(summary.path)}`, 'dim')]);
    } else {
      const why = summary.problem ?? `none (the worker writes it to ${summary.path})`;
      lines.push([seg('Summary', 'bold'), seg(`  ${cleanText(why)}`, 'dim')]);
    }
  }
  if (detail.logTail.length > 0) {
    const count = detail.logTail.length;
    lines.push([], [seg(`Log (last ${count} line${count === 1 ? '' : 's'})`, 'bold')]);
    for (const line of detail.logTail) lines.push([seg(`  ${cleanText(line)}`, 'dim')]);
  }
  return lines;
}
