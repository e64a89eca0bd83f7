import { editKey, editorText, emptyEditor } from './line-editor.js';
import type { Key } from './keys.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import {
  askingTasks,
  isFinished,
  moveSelection,
  targetTask,
  type Prompt,
  type WatchState,
} from './watch-state.js';

/** What the view must do after a key: the side effects stay out of this pure reducer. */
export type Effect =
  | { kind: 'quit' }
  | { kind: 'load-detail'; id: string }
  | { kind: 'answer'; id: string; seq: number | undefined; text: string }
  | { kind: 'note'; id: string; text: string }
  | { kind: 'cancel'; id: string }
  | { kind: 'retry'; id: string };

export interface KeyResult {
  state: WatchState;
  effect?: Effect;
}

/** Lines a page key moves: the screen less its header and footer. */
function pageSize(state: WatchState): number {
  return Math.max(1, state.height - 5);
}

function error(state: WatchState, text: string): KeyResult {
  return { state: { ...state, message: { text, tone: 'error' } } };
}

function promptKey(state: WatchState, prompt: Prompt, key: Key): KeyResult {
  if (prompt.kind === 'confirm-cancel') {
    if (key.name === 'y' && !key.ctrl)
      return {
        state: { ...state, prompt: undefined },
        effect: { kind: 'cancel', id: prompt.taskId },
      };
    return {
      state: { ...state, prompt: undefined, message: { text: 'Not cancelled.', tone: 'info' } },
    };
  }
  if (key.name === 'escape') return { state: { ...state, prompt: undefined } };
  if (key.name === 'return' || key.name === 'enter') {
    const text = editorText(prompt.editor).trim();
    if (!text)
      return error(
        state,
        prompt.kind === 'answer'
          ? 'Type an answer first (Esc to go back).'
          : 'Type a note first (Esc to go back).',
      );
    const effect: Effect =
      prompt.kind === 'answer'
        ? { kind: 'answer', id: prompt.taskId, seq: prompt.seq, text }
        : { kind: 'note', id: prompt.taskId, text };
    return { state: { ...state, prompt: undefined }, effect };
  }
  const editor = editKey(prompt.editor, key);
  if (!editor) return { state };
  return { state: { ...state, prompt: { ...prompt, editor } } };
}

/**
 * `a` answers the target task's question; in the list, when the selected task has none and only
 * one task asks, that one (its row is marked, and the prompt names it).
 */
function answerPrompt(state: WatchState, target: TaskStatus): KeyResult {
  const asking = askingTasks(state);
  const task =
    target.question || state.view === 'detail' || asking.length !== 1 ? target : asking[0];
  if (!task?.question) {
    const others =
      asking.length > 1
        ? `; select one of the ${asking.length} tasks with a question (marked ?)`
        : '';
    return error(state, `${target.id} has no pending question${others}.`);
  }
  return {
    state: {
      ...state,
      prompt: {
        kind: 'answer',
        taskId: task.id,
        seq: task.question.seq,
        question: task.question.text,
        editor: emptyEditor,
      },
    },
  };
}

/** a, n, c, r: the same in the list and in the detail view. */
function actionKey(state: WatchState, key: Key): KeyResult | undefined {
  if (!['a', 'n', 'c', 'r'].includes(key.name ?? '') || key.ctrl || key.meta || key.shift)
    return undefined;
  const task = targetTask(state);
  if (!task) return error(state, 'No task selected.');
  switch (key.name) {
    case 'a':
      return answerPrompt(state, task);
    case 'n':
      if (isFinished(task))
        return error(state, `${task.id} is ${task.state}: no worker will read a note.`);
      return {
        state: { ...state, prompt: { kind: 'note', taskId: task.id, editor: emptyEditor } },
      };
    case 'c':
      if (isFinished(task)) return error(state, `${task.id} is already ${task.state}.`);
      return { state: { ...state, prompt: { kind: 'confirm-cancel', taskId: task.id } } };
    default:
      return { state, effect: { kind: 'retry', id: task.id } };
  }
}

function listKey(state: WatchState, key: Key): KeyResult {
  switch (key.name) {
    case 'up':
    case 'k':
      return { state: moveSelection(state, -1) };
    case 'down':
    case 'j':
      return { state: moveSelection(state, 1) };
    case 'pageup':
      return { state: moveSelection(state, -pageSize(state)) };
    case 'pagedown':
      return { state: moveSelection(state, pageSize(state)) };
    case 'home':
      return { state: moveSelection(state, -state.tasks.length) };
    case 'end':
      return { state: moveSelection(state, state.tasks.length) };
    case 'g':
      return { state: moveSelection(state, key.shift ? state.tasks.length : -state.tasks.length) };
    case 'return':
    case 'enter':
    case 'p': {
      const id = state.selectedId;
      if (!id) return error(state, 'No task to open.');
      return {
        state: { ...state, view: 'detail', detail: { id, data: undefined }, detailScroll: 0 },
        effect: { kind: 'load-detail', id },
      };
    }
    default:
      return { state };
  }
}

function detailKey(state: WatchState, key: Key): KeyResult {
  const scroll = (delta: number) => ({
    state: { ...state, detailScroll: Math.max(0, state.detailScroll + delta) },
  });
  switch (key.name) {
    case 'escape':
    case 'left':
    case 'backspace':
      return { state: { ...state, view: 'list', detail: undefined, detailScroll: 0 } };
    case 'up':
    case 'k':
      return scroll(-1);
    case 'down':
    case 'j':
      return scroll(1);
    case 'pageup':
      return scroll(-pageSize(state));
    case 'pagedown':
    case 'space':
      return scroll(pageSize(state));
    case 'home':
      return { state: { ...state, detailScroll: 0 } };
    case 'end':
      // The renderer clamps this to the last page.
      return { state: { ...state, detailScroll: Number.MAX_SAFE_INTEGER } };
    case 'g':
      return { state: { ...state, detailScroll: key.shift ? Number.MAX_SAFE_INTEGER : 0 } };
    default:
      return { state };
  }
}

/** The whole keyboard of the terminal view as a pure function: state and key in, state out. */
export function handleKey(previous: WatchState, key: Key): KeyResult {
  const state: WatchState = { ...previous, message: undefined };
  if (key.ctrl && key.name === 'c') return { state, effect: { kind: 'quit' } };
  if (state.prompt) return promptKey(state, state.prompt, key);
  if (key.name === 'q' && !key.ctrl && !key.meta) return { state, effect: { kind: 'quit' } };
  const action = actionKey(state, key);
  if (action) return action;
  return state.view === 'detail' ? detailKey(state, key) : listKey(state, key);
}
