import { describe, expect, it } from 'vitest';
import type { Key } from '../../../src/ui/terminal/keys.js';
import { fromKeypress } from '../../../src/ui/terminal/keys.js';
import { editorText } from '../../../src/ui/terminal/line-editor.js';
import { handleKey, type KeyResult } from '../../../src/ui/terminal/watch-keys.js';
import { initialState, withTasks, type WatchState } from '../../../src/ui/terminal/watch-state.js';
import { NOW, taskStatus } from '../../helpers/task-status-fixture.js';

const asking = taskStatus({
  id: 'ask-me',
  state: 'waiting',
  question: { seq: 3, text: 'Which file?', live: true },
  createdAt: '2026-01-02T09:00:00Z',
});
const running = taskStatus({ id: 'busy', createdAt: '2026-01-02T09:01:00Z' });
const done = taskStatus({ id: 'old', state: 'done', createdAt: '2026-01-02T08:00:00Z' });

function start(): WatchState {
  const s = initialState({ width: 100, height: 20, now: NOW, place: '/p', filtered: false });
  return withTasks(s, [done, running, asking]);
}

const key = (name: string, extra: Partial<Key> = {}): Key => ({ name, ...extra });
const char = (c: string): Key => ({ name: c.toLowerCase(), char: c, shift: c !== c.toLowerCase() });

/** Presses keys in order, collecting the effects. */
function press(state: WatchState, ...keys: Key[]): KeyResult & { effects: KeyResult['effect'][] } {
  let result: KeyResult = { state };
  const effects: KeyResult['effect'][] = [];
  for (const k of keys) {
    result = handleKey(result.state, k);
    if (result.effect) effects.push(result.effect);
  }
  return { ...result, effects };
}

describe('keys in the task list', () => {
  it('orders questions first and moves the selection with arrows and j/k, within bounds', () => {
    const s = start();
    expect(s.tasks.map((t) => t.id)).toEqual(['ask-me', 'busy', 'old']);
    expect(s.selectedId).toBe('ask-me');
    expect(press(s, key('down')).state.selectedId).toBe('busy');
    expect(press(s, char('j'), char('j'), char('j')).state.selectedId).toBe('old');
    expect(press(s, char('j'), char('k')).state.selectedId).toBe('ask-me');
    expect(press(s, key('up')).state.selectedId).toBe('ask-me');
    expect(press(s, key('end')).state.selectedId).toBe('old');
    expect(press(s, char('G'), char('g')).state.selectedId).toBe('ask-me');
  });

  it('answers through a prompt: a, typing, Enter gives the answer effect with the sequence number', () => {
    const result = press(start(), char('a'), char('b'), char('l'), char('u'), char('e'));
    expect(result.state.prompt).toMatchObject({ kind: 'answer', taskId: 'ask-me', seq: 3 });
    const prompt = result.state.prompt;
    expect(prompt?.kind === 'answer' && editorText(prompt.editor)).toBe('blue');
    // q and j are text in the prompt, not commands.
    const typed = press(result.state, char(' '), char('q'), char('j'));
    expect(typed.effects).toEqual([]);
    const sent = press(typed.state, key('return'));
    expect(sent.effect).toEqual({ kind: 'answer', id: 'ask-me', seq: 3, text: 'blue qj' });
    expect(sent.state.prompt).toBeUndefined();
  });

  it('keeps the prompt open on an empty answer and closes it on Esc without an effect', () => {
    const empty = press(start(), char('a'), char(' '), key('return'));
    expect(empty.effects).toEqual([]);
    expect(empty.state.message).toEqual({
      text: 'Type an answer first (Esc to go back).',
      tone: 'error',
    });
    expect(empty.state.prompt?.kind).toBe('answer');
    const escaped = press(start(), char('a'), char('x'), key('escape'));
    expect(escaped.effects).toEqual([]);
    expect(escaped.state.prompt).toBeUndefined();
  });

  it('refuses to answer a task without a question, or to note or cancel a finished one', () => {
    const alone = withTasks(start(), [done, running]);
    const onBusy = press(alone, char('a'));
    expect(onBusy.state.prompt).toBeUndefined();
    expect(onBusy.state.message).toEqual({ text: 'busy has no pending question.', tone: 'error' });
    const onOld = press(start(), key('end'), char('n'));
    expect(onOld.state.message?.text).toBe('old is done: no worker will read a note.');
    expect(press(start(), key('end'), char('c')).state.message?.text).toBe('old is already done.');
    // The message goes with the next key.
    expect(press(onOld.state, key('up')).state.message).toBeUndefined();
  });

  it('adds a note and cancels only after y', () => {
    const noted = press(start(), key('down'), char('n'), char('h'), char('i'), key('return'));
    expect(noted.effects).toEqual([{ kind: 'note', id: 'busy', text: 'hi' }]);
    const confirm = press(start(), key('down'), char('c'));
    expect(confirm.state.prompt).toEqual({ kind: 'confirm-cancel', taskId: 'busy' });
    expect(press(confirm.state, char('y')).effect).toEqual({ kind: 'cancel', id: 'busy' });
    const kept = press(confirm.state, char('n'));
    expect(kept.effects).toEqual([]);
    expect(kept.state.message).toEqual({ text: 'Not cancelled.', tone: 'info' });
    expect(press(start(), key('end'), char('r')).effect).toEqual({ kind: 'retry', id: 'old' });
  });

  it('opens the plan with Enter or p, goes back with Esc, and acts on the open task there', () => {
    const opened = press(start(), key('down'), key('return'));
    expect(opened.effect).toEqual({ kind: 'load-detail', id: 'busy' });
    expect(opened.state.view).toBe('detail');
    expect(press(start(), char('p')).effect).toEqual({ kind: 'load-detail', id: 'ask-me' });
    // In the detail view, j/k scroll instead of moving the selection.
    const scrolled = press(opened.state, char('j'), char('j'), char('k'));
    expect(scrolled.state.detailScroll).toBe(1);
    expect(scrolled.state.selectedId).toBe('busy');
    expect(press(opened.state, char('c')).state.prompt).toEqual({
      kind: 'confirm-cancel',
      taskId: 'busy',
    });
    const back = press(opened.state, key('escape'));
    expect(back.state.view).toBe('list');
    expect(back.state.detail).toBeUndefined();
  });

  it('quits on q and on Ctrl-C, even while a prompt is open', () => {
    expect(press(start(), char('q')).effect).toEqual({ kind: 'quit' });
    expect(press(start(), char('a'), key('c', { ctrl: true })).effect).toEqual({ kind: 'quit' });
  });
});

describe('the task list as tasks change', () => {
  it('keeps the selection on its task when the order changes, and on a neighbour when it goes', () => {
    const s = press(start(), key('down')).state;
    expect(s.selectedId).toBe('busy');
    const answered = withTasks(s, [
      done,
      running,
      { ...asking, state: 'running', question: undefined },
    ]);
    expect(answered.selectedId).toBe('busy');
    const gone = withTasks(answered, [done, { ...asking, state: 'running', question: undefined }]);
    expect(gone.tasks.map((t) => t.id)).toEqual(['ask-me', 'old']);
    expect(gone.selectedId).toBe('old');
  });

  it('moves the selection to a new question, so a answers it (not the finished row it was on)', () => {
    const first = taskStatus({
      id: 'first-task',
      state: 'done',
      createdAt: '2026-01-02T08:00:00Z',
    });
    const s = withTasks(
      initialState({ width: 100, height: 20, now: NOW, place: '/p', filtered: false }),
      [first],
    );
    expect(s.selectedId).toBe('first-task');
    const second = { ...asking, id: 'second-task' };
    const asked = withTasks(s, [first, second]);
    expect(asked.selectedId).toBe('second-task');
    expect(press(asked, char('a')).state.prompt).toMatchObject({ taskId: 'second-task', seq: 3 });
    // The same question again (a later event) does not pull the selection back.
    const moved = press(asked, key('down')).state;
    expect(withTasks(moved, [first, second]).selectedId).toBe('first-task');
  });

  it('answers the only pending question when the selected task has none', () => {
    const onOld = press(start(), key('end'), char('a'));
    expect(onOld.state.prompt).toMatchObject({ kind: 'answer', taskId: 'ask-me', seq: 3 });
    const another = { ...asking, id: 'ask-too', createdAt: '2026-01-02T09:30:00Z' };
    const two = withTasks(start(), [done, running, asking, another]);
    const refused = press(two, key('end'), char('a'));
    expect(refused.state.prompt).toBeUndefined();
    expect(refused.state.message?.text).toBe(
      'old has no pending question; select one of the 2 tasks with a question (marked ?).',
    );
  });

  it('closes the plan view and prompt of a task that was removed', () => {
    const s = press(start(), key('down'), key('return'), char('n')).state;
    expect(s.view).toBe('detail');
    const removed = withTasks(s, [done, asking]);
    expect(removed.view).toBe('list');
    expect(removed.prompt).toBeUndefined();
  });
});

describe('readline keypresses', () => {
  it('keeps typed text and names control keys', () => {
    expect(fromKeypress('x', { name: 'x', sequence: 'x' })).toMatchObject({ name: 'x', char: 'x' });
    expect(fromKeypress('é', undefined)).toMatchObject({ char: 'é' });
    expect(fromKeypress('\u0003', { name: 'c', ctrl: true })).toMatchObject({
      name: 'c',
      ctrl: true,
      char: undefined,
    });
    expect(fromKeypress('\r', { name: 'return' }).char).toBeUndefined();
    expect(fromKeypress(undefined, { name: 'up' })).toMatchObject({ name: 'up', char: undefined });
  });
});
