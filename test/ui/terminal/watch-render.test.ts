import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src/core/plan/parse-plan.js';
import { emptyEditor, insertText } from '../../../src/ui/terminal/line-editor.js';
import { buildFrame, frameText } from '../../../src/ui/terminal/render-screen.js';
import { initialState, withTasks, type WatchState } from '../../../src/ui/terminal/watch-state.js';
import { NOW, planItem, taskStatus } from '../../helpers/task-status-fixture.js';

function state(overrides: Partial<WatchState> = {}, width = 100, height = 12): WatchState {
  const base = initialState({ width, height, now: NOW, place: '/work/project', filtered: false });
  return { ...base, ...overrides };
}

function screen(s: WatchState): string[] {
  return frameText(buildFrame(s), s.width, 'none');
}

const asking = taskStatus({
  id: 'pick-color',
  title: 'Pick a colour',
  state: 'waiting',
  model: 'sim',
  question: { seq: 1, text: 'Which color?', live: true },
  progress: {
    done: 1,
    total: 3,
    blocked: [],
    errors: [],
    current: planItem(1, 'ask: Which color?'),
  },
  createdAt: '2026-01-02T09:59:00.000Z',
});

describe('the task list screen', () => {
  it('has one row per task with id, model, state, bar, progress, elapsed and current item', () => {
    const lines = screen(withTasks(state(), [taskStatus(), asking]));
    expect(lines).toHaveLength(12);
    for (const line of lines) expect(line).toHaveLength(100);
    expect(lines[0]).toMatch(
      /^dispatch watch {2}2 tasks {2}1 running {2}1 question +\/work\/project$/,
    );
    expect(lines[1]).toMatch(/^ {2}ID +MODEL +STATE +PROGRESS +ELAPSED {2}CURRENT ITEM/);
    // The task with a question comes first and is selected; its question stands under it.
    expect(lines[2]).toMatch(
      /^> pick-color {3}sim {4}waiting 001 {2}\[##----\] {3}1\/3 {2}1m05s {2}ask: Which color\? +$/,
    );
    expect(lines[3]).toMatch(/^ {4}\? 001 Which color\? +$/);
    expect(lines[4]).toMatch(
      /^ {2}review-auth {2}opus {3}running {6}\[##----\] {3}1\/3 {2}1m05s {2}Check session handling +$/,
    );
    expect(lines[10]).toMatch(/^ +$/);
    expect(lines[11]).toMatch(/^up\/down move {2}enter plan {2}a answer/);
  });

  it('shows why a task stopped instead of its current item, and the title of a done one', () => {
    const failed = taskStatus({
      id: 'broken',
      state: 'failed',
      reason: 'exited with code 1',
      endedAt: '2026-01-02T09:59:05.000Z',
    });
    const done = taskStatus({
      id: 'tidy',
      title: 'Tidy the README',
      state: 'done',
      progress: { done: 3, total: 3, blocked: [], errors: [], current: undefined },
      endedAt: '2026-01-02T09:59:00.000Z',
    });
    const lines = screen(withTasks(state(), [failed, done]));
    const broken = lines.find((line) => line.includes('broken')) ?? '';
    expect(broken).toMatch(/failed .* 10s {2}exited with code 1/);
    expect(lines.find((line) => line.includes('tidy'))).toMatch(
      /done +\[######\] +3\/3 +5s {2}Tidy the README/,
    );
  });

  it('never lets task text drive the terminal: escape sequences are removed', () => {
    const evil = taskStatus({
      id: 'evil',
      question: { seq: 2, text: 'Clear?\u001b[2J\u0007 bidi \u202e here', live: true },
    });
    const text = screen(withTasks(state(), [evil])).join('\n');
    for (const unsafe of ['\u001b', '\u0007', '\u202e']) expect(text).not.toContain(unsafe);
    expect(text).toContain('? 002 Clear? bidi  here');
  });

  it('fits a narrow terminal: drops the model, then the bar, and cuts text with an ellipsis', () => {
    const long = taskStatus({
      progress: { ...taskStatus().progress, current: planItem(1, 'A '.repeat(60).trim()) },
    });
    const medium = screen(withTasks(state({}, 64, 8), [long]));
    expect(medium[1]).not.toContain('MODEL');
    expect(medium[2]).toContain('[##----]');
    expect(medium[2]).toMatch(/…$/);
    for (const line of medium) expect(line).toHaveLength(64);
    const narrow = screen(withTasks(state({}, 50, 8), [long]));
    expect(narrow[2]).not.toContain('[');
    expect(narrow[2]).toMatch(/^> review-auth {2}running {8}1\/3 {2}1m05s {2}A A/);
  });

  it('at 80 columns shrinks a long id before the current item', () => {
    const longId = taskStatus({ id: 'review-the-session-handling-x', model: 'opus' });
    const lines = screen(withTasks(state({}, 80, 8), [longId]));
    for (const line of lines) expect(line).toHaveLength(80);
    const current = /\d+m\d+s {2}(.*)$/.exec(lines[2] ?? '')?.[1]?.trimEnd() ?? '';
    expect(current.length).toBeGreaterThanOrEqual(20);
    expect(lines[2]).toMatch(/^> review-the-… {2}opus /);
  });

  it('counts wide characters as two columns', () => {
    const wide = taskStatus({ title: '設計レビューをする', state: 'done', endedAt: undefined });
    const lines = frameText(buildFrame(withTasks(state({}, 80, 6), [wide])), 80, 'none');
    const row = lines[2] ?? '';
    expect(row).toContain('設計レビューをする');
    // 9 wide characters take 18 columns: the string is 9 shorter than its width.
    expect(row.length).toBe(80 - 9);
  });

  it('scrolls to keep the selected task on screen', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      taskStatus({
        id: `task-${String(i).padStart(2, '0')}`,
        createdAt: `2026-01-02T09:${String(i).padStart(2, '0')}:00Z`,
      }),
    );
    let s = withTasks(state(), many);
    s = { ...s, selectedId: 'task-25' };
    const frame = buildFrame(s);
    const lines = frameText(frame, s.width, 'none');
    expect(lines.some((line) => line.startsWith('> task-25'))).toBe(true);
    expect(frame.listOffset).toBeGreaterThan(0);
    // Back at the top, the first task is shown again.
    const top = buildFrame({ ...s, listOffset: frame.listOffset, selectedId: 'task-00' });
    expect(top.listOffset).toBe(0);
  });

  it('says what to do when there are no tasks', () => {
    expect(screen(state()).join('\n')).toContain('No tasks yet. Start one with: dispatch run');
  });

  it('styles with escape codes only when asked, and keeps colour out at the attribute level', () => {
    const s = withTasks(state(), [asking]);
    const full = frameText(buildFrame(s), s.width, 'full').join('\n');
    const attributes = frameText(buildFrame(s), s.width, 'attributes').join('\n');
    expect(full).toContain('\u001b[35;1m');
    // No colour code (30-37) after any escape character.
    expect(attributes.split('\u001b').some((part) => /^\[3\dm/.test(part))).toBe(false);
    expect(attributes).toContain('\u001b[1;7m');
  });
});

describe('the prompt line', () => {
  it('shows what is being answered, the typed text and the cursor after it', () => {
    const s = withTasks(state(), [asking]);
    const editor = insertText(emptyEditor, 'blue');
    const prompted: WatchState = {
      ...s,
      prompt: { kind: 'answer', taskId: 'pick-color', seq: 1, question: 'Which color?', editor },
    };
    const frame = buildFrame(prompted);
    const lines = frameText(frame, s.width, 'none');
    expect(lines[10]).toMatch(/^Answer question 001 of pick-color {2}Enter sends, Esc cancels/);
    expect(lines[11]).toMatch(/^> blue +$/);
    expect(frame.cursor).toEqual({ row: 11, col: 6 });
  });

  it('scrolls a long answer sideways so the cursor stays visible', () => {
    const s = withTasks(state({}, 30, 8), [asking]);
    const editor = insertText(emptyEditor, 'x'.repeat(100));
    const frame = buildFrame({ ...s, prompt: { kind: 'note', taskId: 'pick-color', editor } });
    expect(frame.cursor?.col).toBeLessThan(30);
    expect(frameText(frame, 30, 'none')[7]).toMatch(/^> x+ *$/);
  });

  it('asks before cancelling', () => {
    const s = withTasks(state(), [asking]);
    const lines = screen({ ...s, prompt: { kind: 'confirm-cancel', taskId: 'pick-color' } });
    expect(lines[11]).toMatch(/^Cancel pick-color and stop its worker\? \(y\/n\)/);
  });
});

describe('the plan view', () => {
  const planText = [
    '# Pick a colour',
    '',
    '- [x] Look around',
    '- [?] ask: Which color?',
    '  Question: the palette has two blues',
    '- [!] Run the tests',
    '  Error: database unreachable',
    '  - [ ] nested step',
    '',
    '> **Note from dispatcher:** Use the brand colours.',
    '',
  ].join('\n');
  const detail = {
    status: asking,
    planFile: '/p/.dispatch/tasks/pick-color/plan.md',
    plan: parsePlan(planText),
    planProblem: undefined,
    logTail: ['[sim] item 2/3: ask: Which color?'],
  };

  it('shows the state, the question, every item with its marker, notes and the log', () => {
    const s = withTasks(state({}, 80, 30), [asking]);
    const lines = screen({ ...s, view: 'detail', detail: { id: 'pick-color', data: detail } });
    const text = lines.join('\n');
    expect(lines[1]).toMatch(/^pick-color — Pick a colour/);
    expect(text).toMatch(/ {2}state {5}waiting for your answer to question 001/);
    expect(text).toMatch(/Question 001 \(press a to answer\)\s+\n {2}Which color\?/);
    expect(text).toMatch(/^ {2}\[x\] Look around +$/m);
    expect(text).toMatch(/^ {2}\[\?\] ask: Which color\? {2}<- current +$/m);
    expect(text).toMatch(/^ {6}Question: the palette has two blues/m);
    expect(text).toMatch(/^ {2}\[!\] Run the tests/m);
    expect(text).toMatch(/^ {4}\[ \] nested step/m);
    expect(text).toMatch(/^Notes from dispatcher +\n {2}> Use the brand colours\./m);
    expect(text).toMatch(/^ {2}\[sim\] item 2\/3: ask: Which color\?/m);
    expect(lines[29]).toMatch(/^up\/down scroll {2}esc back/);
  });

  it('scrolls, clamped to the last page, and says where it is', () => {
    const s = withTasks(state({}, 80, 10), [asking]);
    const frame = buildFrame({
      ...s,
      view: 'detail',
      detail: { id: 'pick-color', data: detail },
      detailScroll: 1000,
    });
    const lines = frameText(frame, 80, 'none');
    expect(frame.detailScroll).toBeGreaterThan(0);
    expect(frame.detailScroll).toBeLessThan(1000);
    expect(lines[1]).toMatch(/pick-color — Pick a colour {2}\(\d+-\d+ of \d+ lines\)/);
    expect(lines.join('\n')).toContain('[sim] item 2/3');
  });
});
