import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { elapsedMs, formatElapsed } from '../shared/durations.js';
import { progressBar } from '../shared/progress-bar.js';
import { stateLabel } from '../shared/state-label.js';
import { STATE_STYLE } from './state-style.js';
import { seg, withStyle, type StyledLine } from './styled-line.js';
import { cleanText, fit, textWidth, wrap } from './text-width.js';
import { isLive } from '../../core/status/state-groups.js';

/** Column widths for the task table, fitted to the terminal width. */
export interface Columns {
  id: number;
  model: number;
  state: number;
  bar: number;
  elapsed: number;
  current: number;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** The current item keeps at least this much room: an id is cut before it is. */
const MIN_CURRENT = 24;
const MIN_ID = 12;

export function listColumns(tasks: readonly TaskStatus[], width: number): Columns {
  const longestId = clamp(Math.max(2, ...tasks.map((t) => textWidth(cleanText(t.id)))), 2, 28);
  // Narrow terminals drop the model, then the bar, before the current item gets too short.
  const model =
    width >= 72 ? clamp(Math.max(5, ...tasks.map((t) => textWidth(t.model ?? '-'))), 5, 14) : 0;
  const bar = width >= 60 ? (width >= 110 ? 12 : 8) : 0;
  const state = 11;
  const elapsed = 7;
  const fixed = 2 + 2 + (model ? model + 2 : 0) + state + 2 + (bar ? bar + 1 : 0) + 5 + elapsed + 2;
  // Then the id column gives way (ids are cut with "…"), down to a length that still tells
  // tasks apart.
  const id = clamp(width - fixed - MIN_CURRENT, Math.min(MIN_ID, longestId), longestId);
  return { id, model, state, bar, elapsed, current: Math.max(0, width - fixed - id) };
}

function currentText(task: TaskStatus): { text: string; style?: 'dim' | 'red' } {
  if (task.state === 'done') return { text: cleanText(task.title), style: 'dim' };
  // A live task has a reason only while its CLI retries a refused request.
  if (task.reason && (!isLive(task.state) || task.retrying))
    return { text: cleanText(task.reason), style: task.state === 'queued' ? 'dim' : 'red' };
  return { text: cleanText(task.progress.current?.text ?? task.title) };
}

export function headingLine(columns: Columns): StyledLine {
  const cells = [
    '  ',
    fit('ID', columns.id),
    '  ',
    columns.model ? `${fit('MODEL', columns.model)}  ` : '',
    fit('STATE', columns.state),
    '  ',
    fit(columns.bar ? 'PROGRESS' : 'DONE', columns.bar ? columns.bar + 6 : 5),
    'ELAPSED'.padStart(columns.elapsed),
    '  ',
    'CURRENT ITEM',
  ];
  return [seg(cells.join(''), 'dim')];
}

/** One task's row, and under it its pending question (wrapped to at most two lines). */
export function taskLines(
  task: TaskStatus,
  columns: Columns,
  options: { selected: boolean; now: number; width: number },
): StyledLine[] {
  const { done, total } = task.progress;
  const elapsed = elapsedMs(task.startedAt, task.endedAt, options.now);
  const current = currentText(task);
  const row: StyledLine = [
    seg(options.selected ? '> ' : '  ', 'bold'),
    seg(fit(cleanText(task.id), columns.id), 'bold'),
    seg('  '),
  ];
  if (columns.model) row.push(seg(fit(cleanText(task.model ?? '-'), columns.model) + '  '));
  row.push(seg(fit(stateLabel(task, false), columns.state), STATE_STYLE[task.state]), seg('  '));
  if (columns.bar) row.push(seg(`${progressBar(done, total, columns.bar - 2)} `));
  row.push(
    seg(`${done}/${total}`.padStart(5)),
    seg((elapsed === undefined ? '-' : formatElapsed(elapsed)).padStart(columns.elapsed)),
    seg('  '),
    current.style ? seg(current.text, current.style) : seg(current.text),
  );
  const lines = [options.selected ? withStyle(row, 'inverse') : row];
  if (task.question) {
    const label =
      task.question.seq !== undefined ? `? ${formatSeq(task.question.seq)} ` : '? blocked ';
    const indent = 4 + label.length;
    const wrapped = wrap(cleanText(task.question.text), Math.max(10, options.width - indent));
    const shown = wrapped.slice(0, 2);
    if (wrapped.length > 2) shown[1] = `${shown[1] ?? ''}…`;
    shown.forEach((text, index) => {
      lines.push([
        seg('    '),
        seg(index === 0 ? label : ' '.repeat(label.length), 'magenta', 'bold'),
        seg(text, 'magenta', 'bold'),
      ]);
    });
  }
  return lines;
}
