import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { TaskView } from '../../operations/show-operation.js';
import { overviewOrder } from '../../core/status/overview-order.js';
import type { Editor } from './line-editor.js';

/** The prompt line at the bottom of the screen, when one is open. */
export type Prompt =
  | { kind: 'answer'; taskId: string; seq: number | undefined; question: string; editor: Editor }
  | { kind: 'note'; taskId: string; editor: Editor }
  | { kind: 'confirm-cancel'; taskId: string };

export interface Message {
  text: string;
  tone: 'info' | 'error';
}

/** Everything the terminal view shows; the screen is a pure function of it. */
export interface WatchState {
  /** In display order (see overviewOrder). */
  tasks: TaskStatus[];
  selectedId: string | undefined;
  /** First line of the task list on screen (kept so the selection stays visible). */
  listOffset: number;
  view: 'list' | 'detail';
  /** The task whose plan is open, and what was read for it (undefined while loading). */
  detail: { id: string; data: TaskView | undefined } | undefined;
  detailScroll: number;
  prompt: Prompt | undefined;
  message: Message | undefined;
  /** A slow action in progress ("Cancelling review-auth…"). */
  busy: string | undefined;
  width: number;
  height: number;
  now: number;
  /** Shown in the header: the project the tasks belong to. */
  place: string;
  /** Only some tasks are watched (ids were given). */
  filtered: boolean;
}

export function initialState(init: {
  width: number;
  height: number;
  now: number;
  place: string;
  filtered: boolean;
}): WatchState {
  return {
    tasks: [],
    selectedId: undefined,
    listOffset: 0,
    view: 'list',
    detail: undefined,
    detailScroll: 0,
    prompt: undefined,
    message: undefined,
    busy: undefined,
    ...init,
  };
}

/** The tasks with a pending question. */
export function askingTasks(state: WatchState): TaskStatus[] {
  return state.tasks.filter((task) => task.question);
}

/** The task the keys act on: the open one in the detail view, else the selected row. */
export function targetTask(state: WatchState): TaskStatus | undefined {
  const id = state.view === 'detail' ? state.detail?.id : state.selectedId;
  return state.tasks.find((task) => task.id === id);
}

export function isFinished(task: TaskStatus): boolean {
  return TERMINAL_STATES.has(task.state);
}

function questionKey(task: TaskStatus): string | undefined {
  return task.question ? `${task.id}\u0000${task.question.seq ?? '-'}` : undefined;
}

/**
 * New task statuses in. A question that was not there before takes the selection, so `a`
 * answers it; otherwise the selection stays on the same task, or its neighbour if it went.
 */
export function withTasks(state: WatchState, statuses: readonly TaskStatus[]): WatchState {
  const tasks = overviewOrder(statuses);
  let selectedId = state.selectedId;
  const known = new Set(state.tasks.map(questionKey));
  const asking = tasks.find((task) => task.question && !known.has(questionKey(task)));
  if (asking && state.tasks.length > 0) selectedId = asking.id;
  else if (!tasks.some((task) => task.id === selectedId)) {
    const before = state.tasks.findIndex((task) => task.id === selectedId);
    const index = Math.min(Math.max(before, 0), tasks.length - 1);
    selectedId = tasks[index]?.id;
  }
  let { view, detail } = state;
  if (detail && !tasks.some((task) => task.id === detail?.id)) {
    view = 'list';
    detail = undefined;
  }
  const prompt =
    state.prompt && tasks.some((task) => task.id === state.prompt?.taskId)
      ? state.prompt
      : undefined;
  return { ...state, tasks, selectedId, view, detail, prompt };
}

export function moveSelection(state: WatchState, delta: number): WatchState {
  if (state.tasks.length === 0) return state;
  const current = Math.max(
    0,
    state.tasks.findIndex((task) => task.id === state.selectedId),
  );
  const index = Math.min(state.tasks.length - 1, Math.max(0, current + delta));
  return { ...state, selectedId: state.tasks[index]?.id };
}
