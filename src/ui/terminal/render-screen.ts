import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { detailLines, detailTitle } from './render-detail.js';
import { headingLine, listColumns, taskLines } from './render-list.js';
import { renderLine, seg, type StyleLevel, type StyledLine } from './styled-line.js';
import { cleanText, textWidth, truncate } from './text-width.js';
import type { Prompt, WatchState } from './watch-state.js';

/** One screen: exactly `height` lines, where the cursor goes (when a prompt is open), and scrolling. */
export interface Frame {
  lines: StyledLine[];
  cursor: { row: number; col: number } | undefined;
  /** The scroll positions actually used, clamped and with the selection kept visible. */
  listOffset: number;
  detailScroll: number;
}

const LIST_HELP = 'up/down move  enter plan  a answer  n note  c cancel  r retry  q quit';
const DETAIL_HELP = 'up/down scroll  esc back  a answer  n note  c cancel  r retry  q quit';

function header(state: WatchState): StyledLine {
  const questions = state.tasks.filter((task) => task.question).length;
  const running = state.tasks.filter((task) => task.state === 'running').length;
  const left: StyledLine = [
    seg('dispatch watch', 'bold'),
    seg(`  ${state.tasks.length} task${state.tasks.length === 1 ? '' : 's'}`),
  ];
  if (running > 0) left.push(seg(`  ${running} running`, 'cyan'));
  if (questions > 0)
    left.push(seg(`  ${questions} question${questions === 1 ? '' : 's'}`, 'magenta', 'bold'));
  const used = left.reduce((sum, piece) => sum + textWidth(piece.text), 0);
  const room = state.width - used - 2;
  if (room > 10) {
    const place = truncate(cleanText(state.place), room);
    left.push(seg(' '.repeat(state.width - used - textWidth(place))), seg(place, 'dim'));
  }
  return left;
}

function listBody(state: WatchState, rows: number): { lines: StyledLine[]; offset: number } {
  const columns = listColumns(state.tasks, state.width);
  if (state.tasks.length === 0) {
    const text = state.filtered
      ? 'None of the watched tasks exists any more.'
      : 'No tasks yet. Start one with: dispatch run "what to do"  (this view updates by itself)';
    return { lines: [headingLine(columns), [], [seg(`  ${text}`, 'dim')]], offset: 0 };
  }
  const all: StyledLine[] = [];
  let selectedStart = 0;
  let selectedEnd = 0;
  for (const task of state.tasks) {
    const selected = task.id === state.selectedId;
    if (selected) selectedStart = all.length;
    all.push(...taskLines(task, columns, { selected, now: state.now, width: state.width }));
    if (selected) selectedEnd = all.length;
  }
  const room = Math.max(1, rows - 1);
  let offset = Math.min(state.listOffset, Math.max(0, all.length - room));
  if (selectedStart < offset) offset = selectedStart;
  if (selectedEnd > offset + room) offset = Math.max(0, selectedEnd - room);
  const shown = all.slice(offset, offset + room);
  return { lines: [headingLine(columns), ...shown], offset };
}

function detailBody(state: WatchState, rows: number): { lines: StyledLine[]; scroll: number } {
  const task = state.tasks.find((t) => t.id === state.detail?.id);
  if (!task) return { lines: [], scroll: 0 };
  const body = detailLines(task, state.detail?.data, state.width, state.now);
  const room = Math.max(1, rows - 1);
  const scroll = Math.min(state.detailScroll, Math.max(0, body.length - room));
  const lines = [detailTitle(task), ...body.slice(scroll, scroll + room)];
  if (body.length > room) {
    const more = `${scroll + 1}-${Math.min(body.length, scroll + room)} of ${body.length} lines`;
    lines[0] = [...(lines[0] ?? []), seg(`  (${more})`, 'dim')];
  }
  return { lines, scroll };
}

function promptLines(
  state: WatchState,
  prompt: Prompt,
): { lines: StyledLine[]; cursor?: { row: number; col: number } } {
  if (prompt.kind === 'confirm-cancel')
    return {
      lines: [
        [],
        [
          seg(`Cancel ${cleanText(prompt.taskId)} and stop its worker? `, 'yellow', 'bold'),
          seg('(y/n)', 'bold'),
        ],
      ],
    };
  // The question itself stays visible above, under its task's row or in the detail view.
  const label =
    prompt.kind === 'answer'
      ? `Answer ${prompt.seq !== undefined ? `question ${formatSeq(prompt.seq)}` : 'the question'} of ${prompt.taskId}`
      : `Note for ${prompt.taskId} (the worker reads it before its next item)`;
  const hint = '  Enter sends, Esc cancels';
  const first: StyledLine = [seg(label, 'bold'), seg(hint, 'dim')];
  // Scroll the field sideways so the cursor stays on screen.
  const room = Math.max(4, state.width - 3);
  const before = prompt.editor.chars.slice(0, prompt.editor.cursor);
  let start = 0;
  while (start < before.length && textWidth(before.slice(start).join('')) > room - 1) start++;
  let visible = '';
  for (const char of prompt.editor.chars.slice(start)) {
    if (textWidth(visible + char) > room) break;
    visible += char;
  }
  const col = 2 + textWidth(before.slice(start).join(''));
  return {
    lines: [first, [seg('> ', 'bold'), seg(visible)]],
    cursor: { row: state.height - 1, col },
  };
}

function footer(state: WatchState): {
  lines: StyledLine[];
  cursor?: { row: number; col: number };
} {
  if (state.prompt) return promptLines(state, state.prompt);
  const status: StyledLine = state.message
    ? [
        state.message.tone === 'error'
          ? seg(cleanText(state.message.text), 'red', 'bold')
          : seg(cleanText(state.message.text), 'green'),
      ]
    : state.busy
      ? [seg(cleanText(state.busy), 'yellow')]
      : [];
  return {
    lines: [status, [seg(state.view === 'detail' ? DETAIL_HELP : LIST_HELP, 'dim')]],
  };
}

/** The screen for a state: a pure function, so it is tested without a terminal. */
export function buildFrame(state: WatchState): Frame {
  const foot = footer(state);
  const bodyRows = Math.max(0, state.height - 1 - foot.lines.length);
  let body: StyledLine[];
  let listOffset = state.listOffset;
  let detailScroll = state.detailScroll;
  if (state.view === 'detail') {
    const result = detailBody(state, bodyRows);
    body = result.lines;
    detailScroll = result.scroll;
  } else {
    const result = listBody(state, bodyRows);
    body = result.lines;
    listOffset = result.offset;
  }
  const lines: StyledLine[] = [header(state), ...body.slice(0, bodyRows)];
  while (lines.length < state.height - foot.lines.length) lines.push([]);
  lines.push(...foot.lines);
  return {
    lines: lines.slice(Math.max(0, lines.length - state.height)),
    cursor: foot.cursor,
    listOffset,
    detailScroll,
  };
}

/** The frame as terminal lines, each exactly the screen width. */
export function frameText(frame: Frame, width: number, level: StyleLevel): string[] {
  return frame.lines.map((line) => renderLine(line, width, level));
}
