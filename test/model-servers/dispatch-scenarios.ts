import { waitForCondition } from '../helpers/wait-for.js';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { groupMentioning, processesMarkedWith } from '../helpers/processes.js';
import { Sandbox } from '../helpers/sandbox.js';
import { agentPath, configFor, type CliSetup } from './agent-clis.js';
import {
  REPLY_USAGE,
  closedPort,
  startModelServer,
  type ApiAdapter,
  type ModelServer,
} from './model-server.js';
import { QUESTION } from './worker-script.js';

/**
 * The two scenarios every real agent CLI goes through, driven only through the built `dispatch`
 * CLI with real processes: a task completed with a question on the way, and each way the model
 * service can fail.
 */
export const ITEMS = [
  'Survey the project',
  'Ask which greeting to use',
  'Write the summary to output.md',
];

/** Long enough for a slow CLI start (Gemini takes ~8 s on two busy cores), short enough to fail. */
const STEP_TIMEOUT_S = 150;

/** Writes a CLI's own files (its config, settings or home) into `dir` and says how to run it. */
export type Setup = (baseUrl: string, dir: string) => CliSetup;

interface Prepared {
  sandbox: Sandbox;
  /** The CLI's own files, outside the sandbox's project. */
  cliDir: string;
  /** What the setup wrote and returned (call a setup once: it writes files). */
  setup: CliSetup;
  cleanup(): void;
}

function prepare(setupFor: Setup, baseUrl: string): Prepared {
  const cliDir = mkdtempSync(join(tmpdir(), 'dispatch-agent-cli-'));
  const setup = setupFor(baseUrl, cliDir);
  const sandbox = new Sandbox({ PATH: agentPath(), ...setup.env });
  sandbox.writeConfig(configFor(setup));
  return {
    sandbox,
    cliDir,
    setup,
    cleanup() {
      sandbox.cleanup();
      rmSync(cliDir, { recursive: true, force: true });
    },
  };
}

/** dispatch run → wait (question) → answer → wait (done), then checks files, log and usage. */
export async function completesTaskWithQuestion(
  api: ApiAdapter,
  setupFor: Setup,
): Promise<{ log: string; server: ModelServer }> {
  const server = await startModelServer(api);
  const prepared = prepare(setupFor, server.url);
  const sandbox = prepared.sandbox;
  try {
    const run = await sandbox.run([
      '--title',
      'Greeting',
      ...ITEMS.flatMap((item) => ['--item', item]),
    ]);
    expect(run.id).toBe('greeting');

    const asked = await sandbox.cli(
      ['wait', 'greeting', '--json', '--timeout', String(STEP_TIMEOUT_S)],
      {
        timeoutMs: (STEP_TIMEOUT_S + 20) * 1000,
      },
    );
    const askedEvent = JSON.parse(asked.stdout || '{}');
    expect(
      askedEvent.tasks?.[0]?.question?.text,
      describeTask(sandbox, 'greeting', asked.stdout),
    ).toBe(QUESTION);
    expect(askedEvent.tasks[0].state).toBe('waiting');
    expect(askedEvent.tasks[0].progress).toMatchObject({ done: 1, total: 3 });
    // The CLI is running, waiting for the answer: the request is in none of its processes' argv
    // (any user can read those) where the CLI reads its prompt on standard input.
    const worker = sandbox.events('greeting').find((e) => e.type === 'spawned')?.pid as number;
    expect(groupMentioning(worker, 'Plan file:')).toEqual([]);

    const answered = await sandbox.cli(['answer', 'greeting', 'Hello from the test']);
    expect(answered.code, answered.stderr).toBe(0);

    const finished = await sandbox.cli(['wait', 'greeting', '--timeout', String(STEP_TIMEOUT_S)], {
      timeoutMs: (STEP_TIMEOUT_S + 20) * 1000,
    });
    expect(finished.code, describeTask(sandbox, 'greeting', finished.stdout)).toBe(0);
    expect(finished.stdout).toContain('greeting: done (3/3 items)');

    const task = sandbox.taskDir('greeting');
    expect(readFileSync(join(task, 'output.md'), 'utf8')).toBe(
      'Greeting chosen by the user: Hello from the test\n',
    );
    for (const name of ['001.question', '001.answer', '001.done', '.done'])
      expect(existsSync(join(task, 'ipc', name)), name).toBe(true);
    expect(sandbox.read('greeting', 'plan.md')).not.toContain('- [ ]');

    // The task is done when ipc/.done appears; the CLI's usage is recorded when its output ends,
    // and the wrapper records the exit after that.
    await waitForCondition(task, () =>
      sandbox.events('greeting').some((e) => e.type === 'exited') ? true : undefined,
    );
    const status = await sandbox.status('greeting');
    expect(status.state).toBe('done');
    expect(status.usage).toMatchObject({
      inputTokens: server.replies * REPLY_USAGE.input,
      outputTokens: server.replies * REPLY_USAGE.output,
      attempts: 1,
    });
    const text = await sandbox.cli(['status', 'greeting']);
    expect(text.stdout).toMatch(/usage\s+[\d,]+ tokens in/);

    const log = sandbox.read('greeting', 'worker.log');
    // The JSON events are rendered: tool calls as text, no raw event lines.
    expect(log).toMatch(/^→ /m);
    expect(log).not.toMatch(/^\{"type"/m);
    return { log, server };
  } finally {
    prepared.cleanup();
    await server.close();
  }
}

/**
 * The CLI's own limit on a shell command is made short (`toolLimitEnv`) and `dispatch ask` waits in
 * slices shorter still: the user answers only after several slices, longer than the tool limit.
 * The worker must get that answer from the one question it asked, with `dispatch answer` saying
 * it was waiting.
 */
export async function answersAfterToolLimit(
  api: ApiAdapter,
  setupFor: Setup,
  options: { toolLimitEnv: Record<string, string>; sliceSeconds: number; asks: number },
): Promise<{ log: string; asks: number }> {
  const server = await startModelServer(api);
  const prepared = prepare((url, dir) => {
    const setup = setupFor(url, dir);
    return { ...setup, env: { ...setup.env, ...options.toolLimitEnv } };
  }, server.url);
  const sandbox = prepared.sandbox;
  const runs = () => (sandbox.read('greeting', 'worker.log').match(/dispatch ask '/g) ?? []).length;
  try {
    sandbox.writeConfig(
      `${configFor(prepared.setup)}ask_slice_seconds: ${options.sliceSeconds}\nfallback_minutes: 5\n`,
    );
    await sandbox.run(['--title', 'Greeting', ...ITEMS.flatMap((item) => ['--item', item])]);
    const task = sandbox.taskDir('greeting');
    await waitForCondition(
      task,
      () => (runs() >= options.asks ? true : undefined),
      STEP_TIMEOUT_S * 1000,
      () => describeTask(sandbox, 'greeting', ''),
    );
    const answered = await sandbox.cli(['answer', 'greeting', 'Hello from the test']);
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.stdout).toContain('the worker is waiting and continues');
    const finished = await sandbox.cli(['wait', 'greeting', '--timeout', String(STEP_TIMEOUT_S)], {
      timeoutMs: (STEP_TIMEOUT_S + 20) * 1000,
    });
    expect(finished.code, describeTask(sandbox, 'greeting', finished.stdout)).toBe(0);
    expect(readFileSync(join(task, 'output.md'), 'utf8')).toBe(
      'Greeting chosen by the user: Hello from the test\n',
    );
    // One question, answered and acknowledged: nothing was asked twice.
    expect(readdirSync(join(task, 'ipc')).sort()).toEqual([
      '.done',
      '001.answer',
      '001.done',
      '001.question',
    ]);
    return { log: sandbox.read('greeting', 'worker.log'), asks: runs() };
  } finally {
    prepared.cleanup();
    await server.close();
  }
}

type TaskEvent = { type: string; [key: string]: unknown };

/** Waits for an event of the task's history, showing the history and the log if none comes. */
function waitForEvent(
  sandbox: Sandbox,
  id: string,
  test: (event: TaskEvent) => boolean,
  what: string,
): Promise<TaskEvent> {
  return waitForCondition(
    sandbox.taskDir(id),
    () => sandbox.events(id).find(test),
    STEP_TIMEOUT_S * 1000,
    () => `waiting for ${what}:\n${describeTask(sandbox, id, sandbox.read(id, 'events.jsonl'))}`,
  );
}

const exitOf = (attempt: number) => (event: TaskEvent) =>
  event.type === 'exited' && event.attempt === attempt;

/** The first model request whose body holds `marker`, as text, to read what it carries. */
function requestWith(server: ModelServer, marker: string): string | undefined {
  return server.requests
    .map((request) => JSON.stringify(request.body))
    .find((body) => body.includes(marker));
}

/** The latest session the CLI named in the task's history. */
function latestSessionId(sandbox: Sandbox, id: string): string | undefined {
  const sessions = sandbox.events(id).filter((event) => event.type === 'session');
  const last = sessions.at(-1)?.session;
  return typeof last === 'string' ? last : undefined;
}

export interface SessionOutcome {
  /** How each continuation went on (status `continuation.how`): 'session' or 'new-worker'. */
  afterAnswer: string;
  afterContinue: string;
  /** The session ids the CLI named, in order. */
  sessions: string[];
}

/**
 * The worker asks, nobody answers within `fallback_minutes` (a few seconds here, in slices of
 * one), and it follows the fallback and exits. The answer then continues the task in the CLI's
 * own session: the model request that carries the answer carries the earlier conversation too
 * (the first prompt, the tool calls and their output). The finished task is then continued with
 * `dispatch continue`, again in that session. A CLI that could not resume shows it in the
 * history and the status: `new-worker`, with the plan and context.md in the new prompt.
 */
export async function resumesSessionAfterFallback(
  api: ApiAdapter,
  setupFor: Setup,
): Promise<SessionOutcome> {
  const server = await startModelServer(api);
  const prepared = prepare(setupFor, server.url);
  const sandbox = prepared.sandbox;
  try {
    sandbox.writeConfig(
      `${configFor(prepared.setup)}ask_slice_seconds: 1\nfallback_minutes: 0.05\n`,
    );
    await sandbox.run(['--title', 'Greeting', ...ITEMS.flatMap((item) => ['--item', item])]);
    const id = 'greeting';
    const task = sandbox.taskDir(id);
    await waitForEvent(sandbox, id, exitOf(1), 'the worker to follow the fallback and exit');
    expect((await sandbox.status(id)).state, describeTask(sandbox, id, '')).toBe('blocked');
    expect(readdirSync(join(task, 'ipc')).sort()).toEqual(['001.question']);
    expect(sandbox.read(id, 'context.md')).toContain(QUESTION);
    expect(sandbox.read(id, 'plan.md')).toContain('- [?] Ask which greeting to use');
    const firstSession = latestSessionId(sandbox, id);
    expect(firstSession, describeTask(sandbox, id, sandbox.read(id, 'events.jsonl'))).toBeDefined();

    const answered = await sandbox.cli(['answer', id, 'Hello from the test']);
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.stdout).toContain('the earlier worker had stopped');
    await waitForEvent(sandbox, id, exitOf(2), 'the worker that got the answer');
    const afterAnswer = await sandbox.status(id);
    expect(afterAnswer.state, describeTask(sandbox, id, JSON.stringify(afterAnswer))).toBe('done');
    expect(readFileSync(join(task, 'output.md'), 'utf8')).toBe(
      'Greeting chosen by the user: Hello from the test\n',
    );
    const answerHow = (afterAnswer.continuation as { how?: string } | undefined)?.how ?? '';
    const resumed = sandbox.events(id).find((event) => event.type === 'resumed');
    if (answerHow === 'session') {
      expect(resumed).toMatchObject({ attempt: 2, reason: 'answer', session: firstSession });
      // The model got the answer in the session that asked: with everything said before it.
      const request = requestWith(server, 'you stopped waiting for an answer');
      expect(request, 'no model request carried the answer message').toBeDefined();
      expect(request).toContain('How to work:');
      expect(request).toContain('ls -a');
      expect(request).toContain('no answer to question 001 within');
      expect(request).toContain('Hello from the test');
      expect((await sandbox.cli(['status', id])).stdout).toContain(
        `resumed session ${firstSession}`,
      );
    } else {
      // No session to resume: a new worker with the plan and context.md, and the status says so.
      expect(answerHow).toBe('new-worker');
      expect(sandbox.read(id, 'prompt-2.md')).toContain(QUESTION);
      expect((await sandbox.cli(['status', id])).stdout).toContain('new worker with context');
    }

    const continued = await sandbox.cli([
      'continue',
      id,
      'Add a closing line',
      '--item',
      'Close the summary',
      '--json',
    ]);
    expect(continued.code, continued.stderr).toBe(0);
    await waitForEvent(sandbox, id, exitOf(3), 'the continued worker');
    const afterContinue = await sandbox.status(id);
    expect(afterContinue.state, describeTask(sandbox, id, JSON.stringify(afterContinue))).toBe(
      'done',
    );
    expect(readFileSync(join(task, 'output.md'), 'utf8')).toContain(
      'Continued: Add a closing line',
    );
    expect(sandbox.read(id, 'plan.md')).toMatch(/- \[x\] Close the summary/);
    const continueHow = (afterContinue.continuation as { how?: string } | undefined)?.how ?? '';
    if (continueHow === 'session') {
      expect(JSON.parse(continued.stdout)).toMatchObject({ attempt: 3 });
      const request = requestWith(server, 'the user continues this task with new instructions');
      expect(request, 'no model request carried the new instructions').toBeDefined();
      expect(request).toContain('How to work:');
      expect(request).toContain('ls -a');
      // Resumed after an answer that was itself a resumed session: all of it is there.
      if (answerHow === 'session') expect(request).toContain('you stopped waiting for an answer');
    } else {
      expect(continueHow).toBe('new-worker');
    }
    const sessions = sandbox
      .events(id)
      .filter((event) => event.type === 'session')
      .map((event) => String(event.session));
    return { afterAnswer: answerHow, afterContinue: continueHow, sessions };
  } finally {
    prepared.cleanup();
    await server.close();
  }
}

/**
 * `dispatch cancel` while the worker waits in `dispatch ask`: nothing the task started stays,
 * whatever process group or session the CLI put its shell commands in. Found by the task's
 * marker (DISPATCH_TASK_ID in the environment), as the program itself finds them.
 */
export async function cancelWhileAskingLeavesNothing(
  api: ApiAdapter,
  setupFor: Setup,
): Promise<{ beforeCancel: number }> {
  const server = await startModelServer(api);
  const prepared = prepare(setupFor, server.url);
  const sandbox = prepared.sandbox;
  const id = 'greeting';
  const task = sandbox.taskDir(id);
  try {
    await sandbox.run(['--title', 'Greeting', ...ITEMS.flatMap((item) => ['--item', item])]);
    // Waiting: the question is asked and a `dispatch ask` holds its lease.
    await waitForCondition(
      task,
      () => (existsSync(join(task, 'asking', '001.waiting')) ? true : undefined),
      STEP_TIMEOUT_S * 1000,
      () => describeTask(sandbox, id, ''),
    );
    const marked = processesMarkedWith(id, task);
    expect(
      marked.some((p) => /dispatch ask /.test(p.args)),
      JSON.stringify(marked),
    ).toBe(true);
    const cancelled = await sandbox.cli(['cancel', id, '--reason', 'not needed']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    await waitForCondition(
      task,
      () => (processesMarkedWith(id, task).length === 0 ? true : undefined),
      20_000,
      () => `still running:\n${JSON.stringify(processesMarkedWith(id, task), null, 2)}`,
    );
    expect((await sandbox.status(id)).state).toBe('cancelled');
    return { beforeCancel: marked.length };
  } finally {
    // Only what this task started, found by its marker.
    for (const { pid } of processesMarkedWith(id, task)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    prepared.cleanup();
    await server.close();
  }
}

export type FailureCase = 401 | 429 | 500 | 'unreachable';

export interface FailureOutcome {
  failure: FailureCase;
  kind: string;
  label: string;
  evidence: string;
  /** Seconds from `dispatch run` until `dispatch status` named the cause. */
  seconds: number;
  /**
   * Seconds from the CLI's first request, which failed, until `dispatch status` named the cause
   * (the CLI's own start-up left out); undefined for an unreachable service.
   */
  afterFirstRequest: number | undefined;
  /** The state when it did: failed, or running for a CLI that keeps retrying. */
  state: string;
}

/**
 * The model service answers 401, 429 or 500, or nothing listens: `dispatch status` must name the
 * cause within `limitSeconds`, and `dispatch retry --model sim` (after `cancel` when the CLI
 * keeps retrying) must finish the task with another backend.
 */
export async function reportsFailure(
  api: ApiAdapter,
  setupFor: Setup,
  failure: FailureCase,
  expected: { state: 'failed' | 'running'; limitSeconds: number },
): Promise<FailureOutcome> {
  const server =
    failure === 'unreachable' ? undefined : await startModelServer(api, { failWith: failure });
  const baseUrl = server?.url ?? `http://127.0.0.1:${await closedPort()}`;
  const prepared = prepare(setupFor, baseUrl);
  const sandbox = prepared.sandbox;
  try {
    const started = Date.now();
    const run = await sandbox.run([
      '--title',
      'Doomed',
      ...ITEMS.flatMap((item) => ['--item', item]),
    ]);
    let status: Record<string, unknown> = {};
    let seconds: number | undefined;
    let namedAt: number | undefined;
    while (Date.now() - started < expected.limitSeconds * 1000) {
      status = await sandbox.status(run.id);
      if (status.cause && seconds === undefined) {
        namedAt = Date.now();
        seconds = (namedAt - started) / 1000;
      }
      if (status.cause && status.state === expected.state) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const cause = status.cause as { kind: string; label: string; evidence: string } | undefined;
    expect(
      cause && status.state,
      `no cause named in state ${expected.state} within ${expected.limitSeconds} s:\n${describeTask(sandbox, run.id, JSON.stringify(status))}`,
    ).toBe(expected.state);
    const outcome: FailureOutcome = {
      failure,
      kind: cause?.kind ?? '',
      label: cause?.label ?? '',
      evidence: cause?.evidence ?? '',
      seconds: seconds ?? Number.NaN,
      afterFirstRequest:
        server?.requests[0] && namedAt !== undefined
          ? (namedAt - server.requests[0].receivedAt) / 1000
          : undefined,
      state: String(status.state),
    };
    if (status.state !== 'failed') {
      const cancelled = await sandbox.cli(['cancel', run.id, '--reason', 'service down']);
      expect(cancelled.code, cancelled.stderr).toBe(0);
    }
    const retried = await sandbox.cli(['retry', run.id, '--model', 'sim']);
    expect(retried.code, retried.stderr).toBe(0);
    const done = await sandbox.cli(['wait', run.id, '--timeout', '60'], { timeoutMs: 80_000 });
    expect(done.code, describeTask(sandbox, run.id, done.stdout)).toBe(0);
    expect((await sandbox.status(run.id)).state).toBe('done');
    return outcome;
  } finally {
    prepared.cleanup();
    await server?.close();
  }
}

/** What a failed expectation shows: the command's output and the end of the worker's log. */
function describeTask(sandbox: Sandbox, id: string, output: string): string {
  let log = '(no worker.log)';
  try {
    log = sandbox.read(id, 'worker.log').slice(-4000);
  } catch {
    // no log yet
  }
  return `${output}\nworker.log:\n${log}`;
}
