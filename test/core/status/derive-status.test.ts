import { describe, expect, it } from 'vitest';
import { readIpcState } from '../../../src/core/ipc/ipc-protocol.js';
import { parsePlan } from '../../../src/core/plan/parse-plan.js';
import { deriveStatus } from '../../../src/core/status/derive-status.js';
import type { TaskSnapshot, TaskStatus } from '../../../src/core/status/task-status.js';
import type { TaskEvent } from '../../../src/core/task/task-events.js';
import type { TaskMeta } from '../../../src/core/task/task-meta.js';

// --- Builders ----------------------------------------------------------------------------------

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
/** The time `minutes` after T0, as events write it. */
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const ms = (minutes: number): number => T0 + minutes * 60_000;

// Only the fields status derivation reads; the rest of task.json does not matter here.
const META = {
  version: 1,
  id: 'security-review',
  title: 'Security review',
  model: 'opus',
  createdAt: at(0),
} as TaskMeta;

const ev = {
  created: (min = 0): TaskEvent => ({ type: 'created', time: at(min) }),
  queued: (min = 0): TaskEvent => ({ type: 'queued', time: at(min) }),
  spawned: (attempt: number, min: number, pid = 4000 + attempt, model = 'opus'): TaskEvent => ({
    type: 'spawned',
    time: at(min),
    attempt,
    pid,
    startTime: '123456',
    model,
    backend: 'claude',
    prompt: 'prompt.md',
  }),
  spawnFailed: (attempt: number, min: number, error: string): TaskEvent => ({
    type: 'spawn-failed',
    time: at(min),
    attempt,
    error,
  }),
  exited: (attempt: number, min: number, code: number, signal?: string): TaskEvent => ({
    ...(signal ? { signal } : {}),
    type: 'exited',
    time: at(min),
    attempt,
    code,
  }),
  question: (seq: number, min: number): TaskEvent => ({ type: 'question', time: at(min), seq }),
  answered: (seq: number, min: number): TaskEvent => ({
    type: 'answered',
    time: at(min),
    seq,
    by: 'user',
    preview: 'yes',
  }),
  timedOut: (min: number, idleMinutes = 30, stopped = false): TaskEvent => ({
    type: 'timed-out',
    time: at(min),
    idleMinutes,
    stopped,
  }),
  cancelled: (min: number, by: string, reason: string): TaskEvent => ({
    type: 'cancelled',
    time: at(min),
    by,
    reason,
  }),
  skipped: (min: number, reason: string): TaskEvent => ({ type: 'skipped', time: at(min), reason }),
  resumed: (
    attempt: number,
    min: number,
    reason: 'answer' | 'retry' = 'retry',
    model = 'opus',
  ): TaskEvent => ({
    type: 'resumed',
    time: at(min),
    attempt,
    reason,
    model,
  }),
};

const PLAN_IN_PROGRESS =
  '# Security review\n\n- [x] Scan for secrets\n- [ ] Review auth\n- [ ] Write report\n';
const PLAN_DONE =
  '# Security review\n\n- [x] Scan for secrets\n- [x] Review auth\n- [X] Write report\n';
const PLAN_BLOCKED =
  '# Security review\n\n- [x] Scan for secrets\n- [?] Review auth\n  auth.ts or legacy-auth.ts?\n- [ ] Write report\n';
const PLAN_ERROR =
  '# Security review\n\n- [x] Scan for secrets\n- [!] Review auth\n  cannot read src/auth: permission denied\n- [ ] Write report\n';

const STARTED = [ev.created(0), ev.queued(0), ev.spawned(1, 1)];

function snapshot(
  overrides: Partial<TaskSnapshot> & { ipcNames?: string[]; planText?: string } = {},
): TaskSnapshot {
  const { ipcNames = [], planText = PLAN_IN_PROGRESS, ...rest } = overrides;
  return {
    id: 'security-review',
    meta: META,
    events: [],
    plan: parsePlan(planText),
    planProblem: undefined,
    ipc: readIpcState(ipcNames),
    questions: {},
    hasContext: false,
    liveness: 'alive',
    lastActivityMs: ms(2),
    ...rest,
  };
}

function status(overrides: Parameters<typeof snapshot>[0]): TaskStatus {
  return deriveStatus(snapshot(overrides));
}

// --- Tests -------------------------------------------------------------------------------------

describe('deriveStatus: before the worker starts', () => {
  it('is queued after created and queued', () => {
    const result = status({ events: [ev.created(0), ev.queued(0)], liveness: 'unknown' });
    expect(result.state).toBe('queued');
    expect(result).toMatchObject({
      id: 'security-review',
      title: 'Security review',
      model: 'opus',
      attempt: 0,
      pid: undefined,
      exit: undefined,
      reason: undefined,
      question: undefined,
      createdAt: at(0),
      startedAt: undefined,
      endedAt: undefined,
      legacy: false,
    });
  });

  it('is queued with only task.json and no events yet', () => {
    expect(status({ events: [], liveness: 'unknown' }).state).toBe('queued');
  });

  it('is failed when the worker could not be started', () => {
    const result = status({
      events: [ev.created(0), ev.queued(0), ev.spawnFailed(1, 1, 'spawn claude ENOENT')],
      liveness: 'unknown',
    });
    expect(result.state).toBe('failed');
    expect(result.reason).toBe('worker failed to start: spawn claude ENOENT');
    expect(result.endedAt).toBe(at(1));
  });

  it('is not-started when the scheduler skipped it, with the reason', () => {
    const result = status({
      events: [ev.created(0), ev.queued(0), ev.skipped(3, 'dependency "build" failed')],
      liveness: 'unknown',
    });
    expect(result.state).toBe('not-started');
    expect(result.reason).toBe('dependency "build" failed');
    expect(result.endedAt).toBe(at(3));
  });

  it('is cancelled when cancelled in the queue, with who and why', () => {
    const result = status({
      events: [ev.created(0), ev.queued(0), ev.cancelled(2, 'user', 'wrong repository')],
      liveness: 'unknown',
    });
    expect(result.state).toBe('cancelled');
    expect(result.reason).toBe('cancelled by user: wrong repository');
    expect(result.endedAt).toBe(at(2));
  });
});

describe('deriveStatus: while the worker runs', () => {
  it('is running with the pid, attempt and start time of the worker', () => {
    const result = status({ events: STARTED });
    expect(result.state).toBe('running');
    expect(result).toMatchObject({ pid: 4001, attempt: 1, startedAt: at(1), endedAt: undefined });
    expect(result.progress).toMatchObject({ done: 1, total: 3 });
    expect(result.progress.current?.text).toBe('Review auth');
  });

  it('is running when liveness is unknown and no exit was recorded', () => {
    expect(status({ events: STARTED, liveness: 'unknown' }).state).toBe('running');
  });

  it('is running after the supervisor recorded an answered and acknowledged question', () => {
    const observed: TaskEvent[] = [
      ...STARTED,
      { type: 'question', time: at(5), seq: 1 },
      { type: 'acknowledged', time: at(6), seq: 1 },
    ];
    expect(status({ events: observed }).state).toBe('running');
  });

  it('stays running when every item is checked but the worker has not finished', () => {
    expect(status({ events: STARTED, planText: PLAN_DONE }).state).toBe('running');
  });

  it('stays running when the worker marks an item [?] but is still alive (writing context)', () => {
    const result = status({ events: STARTED, planText: PLAN_BLOCKED });
    expect(result.state).toBe('running');
    expect(result.question).toBeUndefined();
  });

  it('uses the model the worker was spawned with', () => {
    const result = status({ events: [ev.created(0), ev.queued(0), ev.spawned(1, 1, 9, 'sonnet')] });
    expect(result.model).toBe('sonnet');
  });

  it('is waiting when the worker asked a question that has no answer', () => {
    const result = status({
      events: [...STARTED, ev.question(1, 2)],
      ipcNames: ['001.question'],
      questions: { 1: 'Review auth.ts or legacy-auth.ts?' },
    });
    expect(result.state).toBe('waiting');
    expect(result.question).toEqual({
      seq: 1,
      text: 'Review auth.ts or legacy-auth.ts?',
      live: true,
    });
  });

  it('waits on the oldest unanswered question', () => {
    const result = status({
      events: STARTED,
      ipcNames: ['001.question', '001.answer', '001.done', '003.question', '002.question'],
      questions: { 2: 'second', 3: 'third' },
    });
    expect(result.question).toEqual({ seq: 2, text: 'second', live: true });
  });

  it('waits with an empty text when the question file could not be read', () => {
    const result = status({ events: STARTED, ipcNames: ['001.question'] });
    expect(result.state).toBe('waiting');
    expect(result.question).toEqual({ seq: 1, text: '', live: true });
  });

  it('is running again once the question is answered', () => {
    const result = status({
      events: [...STARTED, ev.question(1, 2), ev.answered(1, 3)],
      ipcNames: ['001.question', '001.answer'],
      questions: { 1: 'q' },
    });
    expect(result.state).toBe('running');
    expect(result.question).toBeUndefined();
  });

  it('is done as soon as the worker writes ipc/.done, even before it exits', () => {
    const result = status({ events: STARTED, ipcNames: ['.done'], planText: PLAN_DONE });
    expect(result.state).toBe('done');
    expect(result.reason).toBeUndefined();
    expect(result.endedAt).toBeUndefined();
  });

  it('is timed-out when the timeout fired and nothing happened since', () => {
    const result = status({ events: [...STARTED, ev.timedOut(32, 30)], lastActivityMs: ms(2) });
    expect(result.state).toBe('timed-out');
    expect(result.reason).toBe('no activity for 30 minutes');
  });

  it('is running again when the worker became active after the timeout', () => {
    const result = status({ events: [...STARTED, ev.timedOut(32, 30)], lastActivityMs: ms(33) });
    expect(result.state).toBe('running');
  });

  it('is cancelled as soon as the cancel is recorded, even before the worker is gone', () => {
    const result = status({ events: [...STARTED, ev.cancelled(5, 'mcp', 'superseded')] });
    expect(result.state).toBe('cancelled');
    expect(result.reason).toBe('cancelled by mcp: superseded');
  });
});

describe('deriveStatus: after the worker is gone', () => {
  it('is done with ipc/.done, whatever the exit code', () => {
    for (const code of [0, 1, 137]) {
      const result = status({
        events: [...STARTED, ev.exited(1, 9, code)],
        ipcNames: ['.done'],
        liveness: 'dead',
      });
      expect(result.state).toBe('done');
      expect(result.endedAt).toBe(at(9));
      expect(result.exit?.code).toBe(code);
    }
  });

  it('is done when every item is checked though the worker wrote no ipc/.done', () => {
    const result = status({
      events: [...STARTED, ev.exited(1, 9, 0)],
      planText: PLAN_DONE,
      liveness: 'dead',
    });
    expect(result.state).toBe('done');
    expect(result.reason).toBe('all items checked; the worker did not write ipc/.done');
    expect(result.endedAt).toBe(at(9));
  });

  it('is blocked when the worker died with an unanswered question', () => {
    const result = status({
      events: [...STARTED, ev.question(1, 2)],
      ipcNames: ['001.question'],
      questions: { 1: 'Which database?' },
      liveness: 'dead',
    });
    expect(result.state).toBe('blocked');
    expect(result.question).toEqual({ seq: 1, text: 'Which database?', live: false });
    expect(result.reason).toMatch(/answering starts a new worker/);
  });

  it('is blocked when the worker exited with an unanswered question', () => {
    const result = status({
      events: [...STARTED, ev.question(1, 2), ev.exited(1, 6, 0)],
      ipcNames: ['001.question'],
      questions: { 1: 'Which database?' },
      liveness: 'alive', // a stale liveness does not override the recorded exit
    });
    expect(result.state).toBe('blocked');
    expect(result.question?.live).toBe(false);
    expect(result.endedAt).toBe(at(6));
  });

  it('is blocked after the fallback: a [?] item in the plan and the worker exited', () => {
    const result = status({
      events: [...STARTED, ev.exited(1, 5, 0)],
      planText: PLAN_BLOCKED,
      hasContext: true,
      liveness: 'dead',
    });
    expect(result.state).toBe('blocked');
    expect(result.question).toEqual({
      seq: undefined,
      text: 'auth.ts or legacy-auth.ts?',
      live: false,
    });
    expect(result.progress.blocked).toHaveLength(1);
  });

  it('is blocked, not failed, when the worker node was lost while its question was open', () => {
    const lost: TaskEvent = {
      type: 'node-lost',
      time: at(7),
      attempt: 1,
      node: 'gpu-box',
      reason: 'its heartbeat stopped',
    };
    const result = status({
      events: [...STARTED, ev.question(1, 2), lost, ev.exited(1, 7, 1)],
      ipcNames: ['001.question'],
      questions: { 1: 'Which database?' },
      liveness: 'dead',
    });
    expect(result.state).toBe('blocked');
    expect(result.question).toEqual({ seq: 1, text: 'Which database?', live: false });
    expect(result.reason).toBe(
      'node lost: gpu-box (its heartbeat stopped); answering starts the task again on a node, with its plan, its context and your answer',
    );
    // Answered before the node was lost: nothing waits for the user, so the loss is a failure.
    const answered = status({
      events: [...STARTED, ev.question(1, 2), ev.answered(1, 3), lost, ev.exited(1, 7, 1)],
      ipcNames: ['001.question', '001.answer'],
      questions: { 1: 'Which database?' },
      liveness: 'dead',
    });
    expect(answered.state).toBe('failed');
    expect(answered.reason).toBe('node lost: gpu-box (its heartbeat stopped)');
  });

  it('is failed with the exit code and the unfinished items', () => {
    const result = status({ events: [...STARTED, ev.exited(1, 7, 1)], liveness: 'dead' });
    expect(result.state).toBe('failed');
    expect(result.exit).toEqual({ code: 1, signal: undefined });
    expect(result.reason).toBe('worker exited with code 1; 2 of 3 items unfinished');
    expect(result.endedAt).toBe(at(7));
  });

  it('is failed when the worker exited 0 without finishing', () => {
    const result = status({ events: [...STARTED, ev.exited(1, 7, 0)], liveness: 'dead' });
    expect(result.state).toBe('failed');
    expect(result.reason).toBe('worker exited with code 0; 2 of 3 items unfinished');
  });

  it.each([
    [137, 'SIGKILL'],
    [143, 'SIGTERM'],
    [130, 'SIGINT'],
    [129, 'SIGHUP'],
  ])('names the signal the wrapper saw (exit code %d, %s)', (code, signal) => {
    const result = status({
      events: [...STARTED, ev.exited(1, 7, code, signal)],
      liveness: 'dead',
    });
    expect(result.state).toBe('failed');
    expect(result.exit).toEqual({ code, signal });
    expect(result.reason).toContain(`worker killed by ${signal}`);
    expect(result.reason).not.toContain('exited with code');
  });

  it.each([145, 173, 200])(
    "reads the CLI's own exit code %d as a code when the wrapper saw no signal",
    (code) => {
      const result = status({ events: [...STARTED, ev.exited(1, 7, code)], liveness: 'dead' });
      expect(result.exit).toEqual({ code, signal: undefined });
      expect(result.reason).toMatch(new RegExp(`^worker exited with code ${code};`));
      expect(result.reason).not.toContain('signal');
    },
  );

  it('says which signal an exit code of 128 + n matches when nobody saw one', () => {
    const result = status({ events: [...STARTED, ev.exited(1, 7, 137)], liveness: 'dead' });
    expect(result.exit).toEqual({ code: 137, signal: undefined });
    expect(result.reason).toContain(
      'worker exited with code 137 (what a process killed by SIGKILL returns)',
    );
  });

  it('puts the description of an errored item first in the reason', () => {
    const result = status({
      events: [...STARTED, ev.exited(1, 7, 1)],
      planText: PLAN_ERROR,
      liveness: 'dead',
    });
    expect(result.state).toBe('failed');
    expect(result.reason).toBe(
      'error on item 2: cannot read src/auth: permission denied; worker exited with code 1; 2 of 3 items unfinished',
    );
    expect(result.progress.errors).toEqual([
      { index: 1, text: 'Review auth', description: 'cannot read src/auth: permission denied' },
    ]);
  });

  it('says the worker left no exit status when it is gone without an exited event', () => {
    const result = status({ events: STARTED, liveness: 'dead' });
    expect(result.state).toBe('failed');
    expect(result.exit).toBeUndefined();
    expect(result.reason).toBe(
      'worker process is gone and left no exit status; 2 of 3 items unfinished',
    );
    expect(result.endedAt).toBeUndefined();
  });

  it('names a plan problem instead of counting items', () => {
    const result = status({
      events: [...STARTED, ev.exited(1, 7, 2)],
      plan: undefined,
      planProblem: 'plan.md is missing',
      liveness: 'dead',
    });
    expect(result.state).toBe('failed');
    expect(result.reason).toBe('worker exited with code 2; plan.md is missing');
    expect(result.progress).toEqual({
      done: 0,
      total: 0,
      blocked: [],
      errors: [],
      current: undefined,
    });
  });

  it('is timed-out when the timeout stopped the worker', () => {
    const result = status({
      events: [...STARTED, ev.timedOut(32, 30, true), ev.exited(1, 32, 143, 'SIGTERM')],
      liveness: 'dead',
    });
    expect(result.state).toBe('timed-out');
    expect(result.reason).toBe('no activity for 30 minutes');
    expect(result.exit?.signal).toBe('SIGTERM');
    expect(result.endedAt).toBe(at(32));
  });

  it('is cancelled with who and why, though the worker was killed', () => {
    const result = status({
      events: [...STARTED, ev.cancelled(4, 'user', 'no longer needed'), ev.exited(1, 4, 143)],
      liveness: 'dead',
    });
    expect(result.state).toBe('cancelled');
    expect(result.reason).toBe('cancelled by user: no longer needed');
    expect(result.endedAt).toBe(at(4));
  });

  it('ignores an exit recorded for another attempt', () => {
    const result = status({ events: [...STARTED, ev.exited(2, 7, 1)], liveness: 'alive' });
    expect(result.state).toBe('running');
    expect(result.exit).toBeUndefined();
  });
});

describe('deriveStatus: attempts', () => {
  const firstAttemptFailed = [...STARTED, ev.exited(1, 5, 1)];

  it('is queued again after a retry, though the first attempt failed', () => {
    const result = status({
      events: [...firstAttemptFailed, ev.resumed(2, 6)],
      liveness: 'unknown',
    });
    expect(result.state).toBe('queued');
    expect(result.exit).toBeUndefined();
    expect(result.reason).toBeUndefined();
    expect(result.pid).toBeUndefined();
  });

  it('shows the attempt and model of a retry that has not started yet', () => {
    const result = status({
      events: [...firstAttemptFailed, ev.resumed(2, 6, 'retry', 'sonnet')],
      liveness: 'unknown',
    });
    expect(result).toMatchObject({ state: 'queued', attempt: 2, model: 'sonnet' });
  });

  it('is failed with the new attempt when the retry could not start its worker', () => {
    const result = status({
      events: [...firstAttemptFailed, ev.resumed(2, 6), ev.spawnFailed(2, 6, 'codex: not found')],
      liveness: 'unknown',
    });
    expect(result).toMatchObject({
      state: 'failed',
      attempt: 2,
      reason: 'worker failed to start: codex: not found',
    });
    expect(result.exit).toBeUndefined();
  });

  it('runs the new attempt with its own pid and model', () => {
    const result = status({
      events: [
        ...firstAttemptFailed,
        ev.resumed(2, 6, 'retry', 'sonnet'),
        ev.spawned(2, 6, 5002, 'sonnet'),
      ],
    });
    expect(result.state).toBe('running');
    expect(result).toMatchObject({ attempt: 2, pid: 5002, model: 'sonnet' });
    // Started is the first time any worker started; created stays the creation time.
    expect(result.startedAt).toBe(at(1));
    expect(result.createdAt).toBe(at(0));
  });

  it('no longer counts a cancel from an earlier attempt', () => {
    const events = [
      ...STARTED,
      ev.cancelled(2, 'user', 'oops'),
      ev.exited(1, 2, 143),
      ev.resumed(2, 3),
      ev.spawned(2, 3),
    ];
    expect(status({ events }).state).toBe('running');
  });

  it('no longer counts a timeout or a skip from an earlier attempt', () => {
    const timedOut = [
      ...STARTED,
      ev.timedOut(40, 30, true),
      ev.exited(1, 40, 143),
      ev.resumed(2, 41),
      ev.spawned(2, 41),
    ];
    expect(status({ events: timedOut, lastActivityMs: ms(2) }).state).toBe('running');
    const skipped = [ev.created(0), ev.queued(0), ev.skipped(1, 'dep failed'), ev.queued(5)];
    expect(status({ events: skipped, liveness: 'unknown' }).state).toBe('queued');
  });

  it('does not let a late exit of attempt 1 end attempt 2', () => {
    const events = [...STARTED, ev.resumed(2, 3, 'answer'), ev.exited(1, 4, 0), ev.spawned(2, 4)];
    const result = status({ events });
    expect(result.state).toBe('running');
    expect(result.attempt).toBe(2);
  });

  it('resumes a blocked task with the answer and finishes it', () => {
    const events = [
      ...STARTED,
      ev.exited(1, 5, 0),
      ev.resumed(2, 10, 'answer'),
      ev.spawned(2, 10),
      ev.exited(2, 20, 0),
    ];
    const blocked = status({
      events: events.slice(0, 4),
      planText: PLAN_BLOCKED,
      liveness: 'dead',
    });
    expect(blocked.state).toBe('blocked');
    const finished = status({ events, planText: PLAN_DONE, ipcNames: ['.done'], liveness: 'dead' });
    expect(finished.state).toBe('done');
    expect(finished.attempt).toBe(2);
    expect(finished.endedAt).toBe(at(20));
  });

  it('fails the new attempt on its own exit code', () => {
    const events = [
      ...firstAttemptFailed,
      ev.resumed(2, 6),
      ev.spawned(2, 6),
      ev.exited(2, 8, 137, 'SIGKILL'),
    ];
    const result = status({ events, liveness: 'dead' });
    expect(result.state).toBe('failed');
    expect(result.exit).toEqual({ code: 137, signal: 'SIGKILL' });
    expect(result.endedAt).toBe(at(8));
  });
});

describe('deriveStatus: legacy task folders (no task.json, no events)', () => {
  const legacy = (overrides: Parameters<typeof snapshot>[0]) =>
    status({ meta: undefined, events: [], liveness: 'unknown', ...overrides });

  it('is running while the worker may still be alive, titled from the plan', () => {
    const result = legacy({});
    expect(result.state).toBe('running');
    expect(result.legacy).toBe(true);
    expect(result.title).toBe('Security review');
    expect(result.model).toBeUndefined();
    expect(result.attempt).toBe(0);
    expect(result.createdAt).toBeUndefined();
  });

  it('is done with ipc/.done', () => {
    expect(legacy({ ipcNames: ['.done'], planText: PLAN_DONE }).state).toBe('done');
  });

  it('is waiting with an unanswered question while the worker may be alive', () => {
    const result = legacy({ ipcNames: ['001.question'], questions: { 1: 'q?' } });
    expect(result.state).toBe('waiting');
    expect(result.question).toEqual({ seq: 1, text: 'q?', live: true });
  });

  it('is blocked with an unanswered question once the worker is dead', () => {
    const result = legacy({ ipcNames: ['001.question'], questions: { 1: 'q?' }, liveness: 'dead' });
    expect(result.state).toBe('blocked');
    expect(result.question?.live).toBe(false);
  });

  it('is blocked by a [?] item once the worker is dead', () => {
    expect(legacy({ planText: PLAN_BLOCKED, liveness: 'dead' }).state).toBe('blocked');
  });

  it('is done when every item is checked and the worker is dead', () => {
    expect(legacy({ planText: PLAN_DONE, liveness: 'dead' }).state).toBe('done');
  });

  it('is failed when the worker is dead and the plan unfinished', () => {
    const result = legacy({ liveness: 'dead' });
    expect(result.state).toBe('failed');
    expect(result.reason).toBe(
      'worker process is gone and left no exit status; 2 of 3 items unfinished',
    );
  });

  it('is titled by its id when there is no plan either', () => {
    const result = legacy({ plan: undefined, planProblem: 'plan.md is missing', liveness: 'dead' });
    expect(result.title).toBe('security-review');
    expect(result.reason).toContain('plan.md is missing');
  });
});

describe('deriveStatus: title', () => {
  it('prefers task.json, then the plan heading, then the id', () => {
    expect(status({ events: STARTED }).title).toBe('Security review');
    expect(status({ events: STARTED, meta: { ...META, title: 'From meta' } }).title).toBe(
      'From meta',
    );
    expect(
      status({ meta: undefined, events: STARTED, planText: '# From plan\n- [ ] a\n' }).title,
    ).toBe('From plan');
    expect(status({ meta: undefined, events: STARTED, planText: '- [ ] a\n' }).title).toBe(
      'security-review',
    );
  });
});

describe('folders written by another dispatcher', () => {
  it('age into timed-out after the default timeout of silence, since no pid can be checked', async () => {
    const { deriveStatus } = await import('../../../src/core/status/derive-status.js');
    const { parsePlan } = await import('../../../src/core/plan/parse-plan.js');
    const { readIpcState } = await import('../../../src/core/ipc/ipc-protocol.js');
    const snapshot = {
      id: 'old',
      meta: undefined,
      events: [],
      plan: parsePlan('# Old\n\n- [x] a\n- [ ] b\n'),
      planProblem: undefined,
      ipc: readIpcState([]),
      questions: {},
      hasContext: false,
      liveness: 'unknown' as const,
      lastActivityMs: 1_000_000,
    };
    expect(deriveStatus({ ...snapshot, readAtMs: 1_000_000 + 60_000 }).state).toBe('running');
    const stale = deriveStatus({ ...snapshot, readAtMs: 1_000_000 + 31 * 60_000 });
    expect(stale.state).toBe('timed-out');
    expect(stale.reason).toContain('not started by agent-dispatch');
  });
});

describe('deriveStatus: a node task whose relay is gone', () => {
  const NODE_META = {
    ...META,
    queue: { url: 'redis://queue-host:6379', repository: '/repo.git', commit: 'a'.repeat(40) },
  } as TaskMeta;
  const restarted = (attempt: number, min: number): TaskEvent => ({
    type: 'relay-restarted',
    time: at(min),
    attempt,
    previousPid: 4001,
  });

  it('still runs on its node: the supervisor starts the relay again', () => {
    const result = status({ meta: NODE_META, events: STARTED, liveness: 'dead' });
    expect(result.state).toBe('running');
    expect(result.reason).toContain('relay to the worker node is not running');
  });

  it('shows the question the relay had mirrored as waiting', () => {
    const result = status({
      meta: NODE_META,
      events: [...STARTED, ev.question(1, 2)],
      ipcNames: ['001.question'],
      liveness: 'dead',
    });
    expect(result.state).toBe('waiting');
  });

  it('fails once the relay was started again too often, or after the node reported its exit', () => {
    const many = Array.from({ length: 20 }, (_, i) => restarted(1, 2 + i));
    expect(status({ meta: NODE_META, events: [...STARTED, ...many], liveness: 'dead' }).state).toBe(
      'failed',
    );
    const exited = [...STARTED, ev.exited(1, 3, 1)];
    expect(status({ meta: NODE_META, events: exited, liveness: 'dead' }).state).toBe('failed');
  });

  it('is failed as before for a task that runs here', () => {
    expect(status({ events: STARTED, liveness: 'dead' }).state).toBe('failed');
  });

  it('names the error of a relay that failed in itself, while it restarts and once it gave up', () => {
    const failed: TaskEvent = {
      type: 'relay-failed',
      time: at(2),
      attempt: 1,
      error: 'EISDIR: illegal operation on a directory',
    };
    const restarting = status({ meta: NODE_META, events: [...STARTED, failed], liveness: 'dead' });
    expect(restarting.state).toBe('running');
    expect(restarting.reason).toContain('its relay to the worker node failed (EISDIR');
    const many = Array.from({ length: 20 }, (_, i) => restarted(1, 3 + i));
    const gaveUp = status({
      meta: NODE_META,
      events: [...STARTED, failed, ...many],
      liveness: 'dead',
    });
    expect(gaveUp.state).toBe('failed');
    expect(gaveUp.reason).toContain('its relay to the worker node failed: EISDIR');
  });

  it('says why it waits while no node offers what its job asks for, until a node takes it', () => {
    const wait = (min: number, reason: string | null): TaskEvent => ({
      type: 'node-wait',
      time: at(min),
      attempt: 1,
      reason,
    });
    const missing = wait(2, 'no node offers model opus (the nodes offer models sim)');
    const waiting = status({ meta: NODE_META, events: [...STARTED, missing] });
    expect(waiting.state).toBe('running');
    expect(waiting.reason).toBe(
      'waiting for a node: no node offers model opus (the nodes offer models sim)',
    );
    expect(status({ meta: NODE_META, events: [...STARTED, missing, wait(3, null)] }).reason).toBe(
      undefined,
    );
    const taken: TaskEvent = { type: 'on-node', time: at(3), attempt: 1, node: 'n1' };
    expect(status({ meta: NODE_META, events: [...STARTED, missing, taken] }).reason).toBe(
      undefined,
    );
  });

  it("gives the node's reason for the exit it reported", () => {
    const exited: TaskEvent = {
      type: 'exited',
      time: at(3),
      attempt: 1,
      code: 1,
      reason: 'node n1 could not start the task: cannot fetch /repo.git: gone',
    };
    const result = status({ meta: NODE_META, events: [...STARTED, exited], liveness: 'dead' });
    expect(result.state).toBe('failed');
    expect(result.reason).toBe(
      'on the node: node n1 could not start the task: cannot fetch /repo.git: gone',
    );
  });
});
