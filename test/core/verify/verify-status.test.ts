import { describe, expect, it } from 'vitest';
import { readIpcState } from '../../../src/core/ipc/ipc-protocol.js';
import { parsePlan } from '../../../src/core/plan/parse-plan.js';
import { deriveStatus } from '../../../src/core/status/derive-status.js';
import type { TaskSnapshot } from '../../../src/core/status/task-status.js';
import type { TaskEvent } from '../../../src/core/task/task-events.js';
import type { TaskMeta, VerifySpec } from '../../../src/core/task/task-meta.js';
import { verifyLogOutput, verifyOutputTail } from '../../../src/core/verify/verify-feedback.js';
import { verifyRoundsUsed } from '../../../src/core/verify/verify-status.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

const SPEC: VerifySpec = { command: 'npm test', timeoutMinutes: 10, iterate: 0, source: 'flag' };
const meta = (verify: VerifySpec | undefined): TaskMeta =>
  ({
    version: 1,
    id: 'fix-parser',
    title: 'Fix the parser',
    model: 'sim',
    createdAt: at(0),
    ...(verify ? { verify } : {}),
  }) as TaskMeta;

const DONE_PLAN = '# Fix the parser\n\n- [x] Fix it\n';

const start = (attempt: number, s: number): TaskEvent[] => [
  {
    type: 'spawned',
    time: at(s),
    attempt,
    pid: 4000 + attempt,
    startTime: '1',
    model: 'sim',
    backend: 'sim',
    prompt: 'prompt.md',
  },
];
const exited = (attempt: number, s: number): TaskEvent => ({
  type: 'exited',
  time: at(s),
  attempt,
  code: 0,
});
const verifyStarted = (attempt: number, s: number, run = 1): TaskEvent => ({
  type: 'verify-started',
  time: at(s),
  attempt,
  run,
  pid: 5000 + attempt,
  startTime: '2',
});
const verified = (
  attempt: number,
  s: number,
  passed: boolean,
  iterate = false,
  code: number | null = passed ? 0 : 1,
): TaskEvent => ({
  type: 'verified',
  time: at(s),
  attempt,
  run: 1,
  passed,
  code,
  timedOut: false,
  durationMs: 900,
  iterate,
  lastLine: passed ? 'ok' : '1 test failed',
});
const resumed = (attempt: number, s: number, reason: 'verify' | 'retry'): TaskEvent => ({
  type: 'resumed',
  time: at(s),
  attempt,
  reason,
  model: 'sim',
});

function derive(
  events: TaskEvent[],
  verify: VerifySpec | null = SPEC,
  options: { done?: boolean; alive?: boolean } = {},
) {
  const snapshot: TaskSnapshot = {
    id: 'fix-parser',
    meta: meta(verify ?? undefined),
    events: [{ type: 'created', time: at(0) }, { type: 'queued', time: at(0) }, ...events],
    plan: parsePlan(DONE_PLAN),
    planProblem: undefined,
    ipc: readIpcState(options.done === false ? [] : ['.done']),
    questions: {},
    hasContext: false,
    liveness: options.alive ? 'alive' : 'dead',
    lastActivityMs: T0,
  };
  return deriveStatus(snapshot);
}

describe('the outcome of a finished task', () => {
  it('is done-unverified without a verify command', () => {
    const status = derive([...start(1, 1), exited(1, 5)], null);
    expect(status).toMatchObject({ state: 'done', outcome: 'done-unverified' });
    expect(status.verify).toBeUndefined();
  });

  it('waits for the worker to exit, then for the verify command', () => {
    const finishing = derive(start(1, 1), SPEC, { alive: true });
    expect(finishing.state).toBe('verifying');
    expect(finishing.outcome).toBeUndefined();
    expect(finishing.verify?.step).toBe('waiting');
    expect(derive([...start(1, 1), exited(1, 5)]).verify?.step).toBe('pending');
    const running = derive([...start(1, 1), exited(1, 5), verifyStarted(1, 6)]);
    expect(running).toMatchObject({ state: 'verifying', reason: 'verify running: npm test' });
    expect(running.verify?.running).toMatchObject({ pid: 5001, run: 1 });
  });

  it('is done-verified when the command passed, ended when it did', () => {
    const status = derive([
      ...start(1, 1),
      exited(1, 5),
      verifyStarted(1, 6),
      verified(1, 9, true),
    ]);
    expect(status).toMatchObject({ state: 'done', outcome: 'done-verified', endedAt: at(9) });
    expect(status.verify).toMatchObject({ step: 'passed', round: 1, rounds: 1 });
  });

  it('is verify-failed when the command failed with no rounds left, saying how', () => {
    const status = derive([
      ...start(1, 1),
      exited(1, 5),
      verifyStarted(1, 6),
      verified(1, 9, false),
    ]);
    expect(status).toMatchObject({
      state: 'verify-failed',
      outcome: 'verify-failed',
      reason: 'verify failed: exit code 1: 1 test failed',
      endedAt: at(9),
    });
  });

  it('keeps verifying while a failed round sends the worker back', () => {
    const spec = { ...SPEC, iterate: 2 };
    const failedRound = [
      ...start(1, 1),
      exited(1, 5),
      verifyStarted(1, 6),
      verified(1, 9, false, true),
    ];
    const between = derive(failedRound, spec);
    expect(between.state).toBe('verifying');
    expect(between.reason).toContain('round 2 of 3 starts');
    // Round 2 runs: the task is running again, the completion marker gone.
    const round2 = derive([...failedRound, resumed(2, 10, 'verify'), ...start(2, 10)], spec, {
      done: false,
      alive: true,
    });
    expect(round2.state).toBe('running');
    const passed = derive(
      [
        ...failedRound,
        resumed(2, 10, 'verify'),
        ...start(2, 10),
        exited(2, 15),
        verifyStarted(2, 16),
        verified(2, 19, true),
      ],
      spec,
    );
    expect(passed).toMatchObject({ state: 'done', outcome: 'done-verified' });
    expect(passed.verify).toMatchObject({ round: 2, rounds: 3 });
    expect(passed.verify?.history.map((r) => [r.attempt, r.passed])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('runs a check again after its supervisor was interrupted', () => {
    const status = derive([
      ...start(1, 1),
      exited(1, 5),
      verifyStarted(1, 6),
      { type: 'verify-interrupted', time: at(7), attempt: 1, run: 1, stopped: true },
    ]);
    expect(status.verify?.step).toBe('pending');
  });

  it('lets a cancel win over a check in progress', () => {
    const status = derive([
      ...start(1, 1),
      exited(1, 5),
      verifyStarted(1, 6),
      { type: 'cancelled', time: at(7), by: 'user', reason: 'enough' },
    ]);
    expect(status.state).toBe('cancelled');
  });
});

describe('a task verified on a worker node', () => {
  const onNode = (s: number, iterate: number): TaskEvent => ({
    type: 'verify-on-node',
    time: at(s),
    attempt: 1,
    command: 'npm test',
    timeoutMinutes: 10,
    iterate,
  });

  it("takes the node's verify command from the history, with the rounds in one attempt", () => {
    const events = [...start(1, 1), onNode(2, 1), verifyStarted(1, 6, 1)];
    const running = derive(events, null, { alive: true });
    expect(running).toMatchObject({ state: 'verifying', reason: 'verify running: npm test' });
    const failed = [...events, verified(1, 9, false, true)];
    expect(derive(failed, null, { alive: true })).toMatchObject({
      state: 'verifying',
      reason: 'verify failed (exit code 1: 1 test failed); round 2 of 2 starts',
      verify: { step: 'failed', round: 1, rounds: 2, iterating: true },
    });
    const second = [...failed, verifyStarted(1, 20, 2)];
    expect(derive(second, null, { alive: true }).verify).toMatchObject({
      step: 'running',
      round: 2,
    });
    const passed = derive([...second, verified(1, 25, true), exited(1, 26)], null);
    expect(passed).toMatchObject({ state: 'done', outcome: 'done-verified' });
    expect(passed.verify).toMatchObject({ step: 'passed', round: 2, rounds: 2 });
    expect(passed.verify?.history.map((round) => round.passed)).toEqual([false, true]);
  });

  it('is done-unverified when the node has no verify command', () => {
    expect(derive([...start(1, 1), exited(1, 5)], null).outcome).toBe('done-unverified');
  });

  it('fails as node lost when the node went away before its result', () => {
    const lost: TaskEvent = {
      type: 'node-lost',
      time: at(8),
      attempt: 1,
      node: 'n1',
      reason: 'its heartbeat stopped',
    };
    const status = derive([...start(1, 1), onNode(2, 0), verifyStarted(1, 6), lost], null);
    expect(status).toMatchObject({
      state: 'failed',
      reason: 'node lost: n1 (its heartbeat stopped)',
    });
  });
});

describe('rounds', () => {
  it('counts verify rounds since the user last started the task by hand', () => {
    expect(verifyRoundsUsed([resumed(2, 1, 'verify'), resumed(3, 2, 'verify')])).toBe(2);
    expect(
      verifyRoundsUsed([resumed(2, 1, 'verify'), resumed(3, 2, 'retry'), resumed(4, 3, 'verify')]),
    ).toBe(1);
  });
});

describe('the feedback a worker gets', () => {
  it('keeps the end of the output, without colours, and says what was left out', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`);
    const tail = verifyOutputTail(`\u001b[31m${lines.join('\n')}\u001b[0m\n\n`, 10);
    expect(tail.split('\n')).toEqual(['[… 90 earlier line(s) left out …]', ...lines.slice(90)]);
  });

  it('cuts long lines to a bound at a line start', () => {
    const text = `${'a'.repeat(50)}\n${'b'.repeat(50)}\n${'c'.repeat(50)}`;
    const tail = verifyOutputTail(text, 60, 80);
    expect(tail).toBe(`[… 2 earlier line(s) left out …]\n${'c'.repeat(50)}`);
  });
});

describe('verify.log', () => {
  it('gives back only the command output, not the lines the log adds', () => {
    const log =
      '$ npm test\n(in /work/p)\n\nchecking\nexpected 42, got 41\n\n--- verify failed: exit code 1, 0.1 s\n';
    expect(verifyLogOutput(log)).toBe('checking\nexpected 42, got 41');
    expect(verifyLogOutput('$ true\n(in /p)\n--- verify passed: exit code 0, 0.0 s\n')).toBe('');
  });
});
