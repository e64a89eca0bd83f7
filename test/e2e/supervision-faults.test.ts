import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskStore } from '../../src/runtime/store/task-store.js';
import { resumeTask } from '../../src/runtime/tasks/resume-task.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { childPids, isAlive } from '../helpers/processes.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';

const SUPERVISOR = join(REPO_ROOT, 'dist/bin/supervisor.js');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
});
afterEach(() => sandbox.cleanup());

function supervisorPid(): number | undefined {
  try {
    return (
      JSON.parse(readFileSync(join(sandbox.root, 'supervisor.lock'), 'utf8')) as { pid: number }
    ).pid;
  } catch {
    return undefined;
  }
}

function waitForSupervisor(other?: number): Promise<number> {
  return waitForCondition(sandbox.root, () => {
    const pid = supervisorPid();
    return pid !== undefined && pid !== other && isAlive(pid) ? pid : undefined;
  });
}

function waitForEvent(
  id: string,
  type: string,
  test: (e: Record<string, unknown>) => boolean = () => true,
) {
  return waitForCondition(
    sandbox.taskDir(id),
    () => sandbox.events(id).find((e) => e.type === type && test(e)),
    15_000,
    () => `${sandbox.read(id, 'events.jsonl')}\nsupervisor.log:\n${supervisorLog()}`,
  );
}

function supervisorLog(): string {
  try {
    return readFileSync(join(sandbox.root, 'supervisor.log'), 'utf8');
  } catch {
    return '(none)';
  }
}

describe('the supervisor dies', () => {
  it('keeps the workers running; the next command re-adopts them and misses no question or exit', async () => {
    const a = await sandbox.run([
      '--model',
      'sim',
      '--title',
      'alpha',
      '--item',
      'sleep: 1',
      '--item',
      'ask: Alpha?',
    ]);
    const b = await sandbox.run(['--model', 'sim', '--title', 'beta', '--item', 'ask: Beta?']);
    const c = await sandbox.run(['--model', 'sim', '--title', 'gamma', '--item', 'sleep: 1.5']);
    const first = await waitForSupervisor();
    process.kill(first, 'SIGKILL');
    await waitForCondition(sandbox.root, () => (isAlive(first) ? undefined : true));

    // With nothing supervising: alpha asks, gamma finishes. The workers run on.
    await waitForFile(join(sandbox.taskDir(a.id), 'ipc', '001.question'));
    await waitForEvent(c.id, 'exited');
    expect(isAlive(a.pid as number)).toBe(true);

    const status = JSON.parse((await sandbox.cli(['status', '--json'])).stdout) as {
      id: string;
      state: string;
      question: { text: string } | null;
      exit: unknown;
    }[];
    const byId = Object.fromEntries(status.map((s) => [s.id, s]));
    expect(byId.alpha).toMatchObject({ state: 'waiting', question: { text: 'Alpha?' } });
    expect(byId.beta).toMatchObject({ state: 'waiting', question: { text: 'Beta?' } });
    expect(byId.gamma).toMatchObject({ state: 'done', exit: { code: 0, signal: null } });

    // That command started a new supervisor, which records what happened while none ran.
    const second = await waitForSupervisor(first);
    expect(second).not.toBe(first);
    await waitForEvent(a.id, 'question', (e) => e.seq === 1);
    await waitForEvent(c.id, 'completed');

    await sandbox.cli(['answer', a.id, 'A']);
    await sandbox.cli(['answer', b.id, 'B']);
    expect((await sandbox.cli(['wait', a.id, '--timeout', '20'])).code).toBe(0);
    expect((await sandbox.cli(['wait', b.id, '--timeout', '20'])).code).toBe(0);
    expect((await sandbox.status(a.id)).state).toBe('done');
    expect((await sandbox.status(b.id)).state).toBe('done');
  });

  it('lets exactly one of two supervisors started at once win', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'hang']);
    const first = await waitForSupervisor();
    process.kill(first, 'SIGKILL');
    await waitForCondition(sandbox.root, () => (isAlive(first) ? undefined : true));
    const start = () =>
      spawn(process.execPath, [SUPERVISOR, sandbox.root], { env: sandbox.env, stdio: 'ignore' });
    const children = [start(), start()];
    const exits = children.map(
      (child) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))),
    );
    const loser = await Promise.race(
      exits.map((exit, index) => exit.then((code) => ({ index, code }))),
    );
    expect(loser.code).toBe(0);
    const winner = children[1 - loser.index];
    expect(winner?.exitCode).toBeNull();
    expect(supervisorPid()).toBe(winner?.pid);
    await sandbox.cli(['cancel', run.id]);
    winner?.kill('SIGKILL');
  });
});

describe('a worker dies', () => {
  it('is reported failed with its exit code, the items done and the log tail', async () => {
    const run = await sandbox.run([
      '--model',
      'sim',
      '--item',
      'one',
      '--item',
      'sleep: 60',
      '--item',
      'three',
    ]);
    await waitForFile(join(sandbox.taskDir(run.id), 'plan.md'), (text) =>
      text.includes('- [x] one'),
    );
    await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
      text.includes('item 2/3'),
    );
    const [worker] = childPids(run.pid as number);
    expect(worker).toBeGreaterThan(0);
    process.kill(worker as number, 'SIGKILL');
    const waited = await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(waited.code).toBe(3);
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('failed');
    // Killed from outside, not through its wrapper: the code says what it looks like, no more.
    expect(status.exit).toEqual({ code: 137, signal: null });
    expect(status.progress).toMatchObject({ done: 1, total: 3, current: 'sleep: 60' });
    expect(status.reason).toContain(
      'worker exited with code 137 (what a process killed by SIGKILL returns)',
    );
    expect((status.logTail as string[]).join('\n')).toContain('item 2/3');
    const human = await sandbox.cli(['status', run.id]);
    expect(human.stdout).toContain('killed by SIGKILL');
    expect(human.stdout).toContain('log tail');
  });

  it('is reported failed even when its wrapper is killed too and leaves no exit status', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'hang']);
    process.kill(-(run.pid as number), 'SIGKILL');
    const waited = await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(waited.code).toBe(3);
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('failed');
    expect(status.reason).toContain('left no exit status');
  });
});

describe('an interrupted `dispatch run`', () => {
  it('leaves one whole task or none, and the next run cleans up', async () => {
    const delays = Array.from({ length: 20 }, (_, i) => i * 12);
    for (const [i, delay] of delays.entries()) {
      const child = spawn(
        process.execPath,
        [
          join(REPO_ROOT, 'bin/dispatch'),
          'run',
          '--model',
          'sim',
          '--id',
          `cut-${i}`,
          '--item',
          'only step',
        ],
        {
          cwd: sandbox.project,
          env: sandbox.env,
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await exited;
    }
    const tasksDir = join(sandbox.root, 'tasks');
    const names = existsSync(tasksDir) ? readdirSync(tasksDir) : [];
    const tasks = names.filter((name) => !name.startsWith('.'));
    for (const id of tasks) {
      const dir = join(tasksDir, id);
      expect(JSON.parse(readFileSync(join(dir, 'task.json'), 'utf8')).id, id).toBe(id);
      expect(readFileSync(join(dir, 'plan.md'), 'utf8'), id).toMatch(/- \[[ x]\] only step/);
      expect(readFileSync(join(dir, 'prompt.md'), 'utf8'), id).toContain(`${id}/plan.md`);
      expect(
        sandbox
          .events(id)
          .map((e) => e.type)
          .slice(0, 2),
        id,
      ).toEqual(['created', 'queued']);
      expect(existsSync(join(dir, 'ipc')), id).toBe(true);
    }
    // The next run removes staging leftovers of the dead runs; every whole task gets its worker.
    const next = await sandbox.run(['--model', 'sim', '--id', 'after', '--item', 'last']);
    expect(readdirSync(tasksDir).filter((name) => name.startsWith('.staging-'))).toEqual([]);
    for (const id of [...tasks, next.id]) {
      const done = await sandbox.cli(['wait', id, '--timeout', '30']);
      expect(done.code, `${id}: ${done.stdout}`).toBe(0);
      expect((await sandbox.status(id)).state, id).toBe('done');
    }
  }, 120_000);
});

describe('questions are never lost', () => {
  it('surfaces a question asked while nothing was watching', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'hang']);
    const supervisor = await waitForSupervisor();
    process.kill(supervisor, 'SIGKILL');
    const ipc = join(sandbox.taskDir(run.id), 'ipc');
    writeFileSync(join(ipc, '001.question.tmp'), 'Asked in the dark?\n');
    renameSync(join(ipc, '001.question.tmp'), join(ipc, '001.question'));
    const waited = await sandbox.cli(['wait', '--json', '--timeout', '20']);
    expect(JSON.parse(waited.stdout).tasks[0].question).toMatchObject({
      seq: 1,
      text: 'Asked in the dark?',
    });
    expect((await sandbox.cli(['status'])).stdout).toContain('Asked in the dark?');
  });

  it('continues a task whose worker gave up waiting: blocked, then answered into a new worker', async () => {
    // The simulated worker as a generic CLI, which cannot resume its session: the answer goes to
    // a new worker with context.md (session-resume.test.ts covers the resumed path).
    const command = `node ${join(REPO_ROOT, 'dist/bin/sim-worker.js')}`;
    sandbox.writeConfig(
      `default: plain\nfallback_minutes: 0.02\nbackends:\n  plain: { command: ${JSON.stringify(command)}, type: generic }\nmodels:\n  plain: { backend: plain }\n`,
    );
    const run = await sandbox.run([
      '--item',
      'first',
      '--item',
      'ask: Which database?',
      '--item',
      'write: db.txt = chosen',
    ]);
    await waitForEvent(run.id, 'exited');
    const blocked = await sandbox.status(run.id);
    expect(blocked.state).toBe('blocked');
    expect(blocked.question).toMatchObject({ text: 'Which database?', live: false });
    expect(sandbox.read(run.id, 'plan.md')).toMatch(
      /- \[\?\] ask: Which database\?\n\s+Which database\?/,
    );
    expect(existsSync(join(sandbox.taskDir(run.id), 'context.md'))).toBe(true);

    const answered = await sandbox.cli(['answer', run.id, 'PostgreSQL']);
    expect(answered.stdout).toContain('a new one continues');
    const prompt = sandbox.read(run.id, 'prompt-2.md');
    expect(prompt).toContain('PostgreSQL');
    expect(prompt).toContain('Which database?');
    expect(prompt).toContain(
      readFileSync(join(sandbox.taskDir(run.id), 'context.md'), 'utf8')
        .trim()
        .split('\n')[0],
    );
    expect(prompt).toContain('- [x] first');

    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    const done = await sandbox.status(run.id);
    expect(done).toMatchObject({ state: 'done', attempt: 2 });
    expect(sandbox.read(run.id, 'plan.md')).not.toContain('[?]');
    expect(readFileSync(join(sandbox.project, 'db.txt'), 'utf8')).toBe('chosen\n');
    // Items done by the first worker were not redone.
    expect(sandbox.read(run.id, 'worker.log').match(/item \d\/3: first/g)).toHaveLength(1);
  });

  it('starts one new worker when two processes continue the same stopped worker', async () => {
    // `dispatch answer` and the supervisor both continue a task after the same answer, or two
    // retries run at once: each decided from the history it read, and only the first one starts.
    sandbox.writeConfig('default: sim\nfallback_minutes: 0.02\n');
    const run = await sandbox.run([
      '--item',
      'ask: Which database?',
      '--item',
      'write: db.txt = chosen',
    ]);
    await waitForEvent(run.id, 'exited');
    expect((await sandbox.status(run.id)).state).toBe('blocked');
    const store = new TaskStore(sandbox.root, sandbox.env);
    const answer = { question: 'Which database?', text: 'SQLite' };
    const first = resumeTask(store, run.id, { reason: 'answer', attempt: 2, answer });
    const second = resumeTask(store, run.id, { reason: 'answer', attempt: 2, answer });
    expect(first).toEqual({ attempt: 2, started: true });
    expect(second).toEqual({ attempt: 2, started: false });
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    expect(await sandbox.status(run.id)).toMatchObject({ state: 'done', attempt: 2 });
    expect(sandbox.events(run.id).filter((e) => e.type === 'resumed')).toHaveLength(1);
    expect(sandbox.events(run.id).filter((e) => e.type === 'spawned')).toHaveLength(2);
  });

  it('gives defined results for duplicate, unknown and late answers', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'ask: One?', '--item', 'hang']);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    const unknown = await sandbox.cli(['answer', run.id, '7', 'seven']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('has no question 007');
    expect(unknown.stderr).toContain('Unanswered: 001');
    const text = 'multi\nline $(touch x) `id` "quoted"';
    expect((await sandbox.cli(['answer', run.id, text])).code).toBe(0);
    expect(readFileSync(join(sandbox.taskDir(run.id), 'ipc', '001.answer'), 'utf8')).toBe(
      `${text}\n`,
    );
    expect(existsSync(join(sandbox.project, 'x'))).toBe(false);
    const duplicate = await sandbox.cli(['answer', run.id, '1', 'again']);
    expect(duplicate.code).toBe(6);
    expect(duplicate.stderr).toContain('already answered');
    expect(readFileSync(join(sandbox.taskDir(run.id), 'ipc', '001.answer'), 'utf8')).toBe(
      `${text}\n`,
    );
    const none = await sandbox.cli(['answer', run.id, 'nothing asked']);
    expect(none.code).toBe(6);
    expect(none.stderr).toContain('no pending question');
    await sandbox.cli(['cancel', run.id]);
    const late = await sandbox.cli(['answer', run.id, 'too late']);
    expect(late.code).toBe(6);
    expect(late.stderr).toContain('is cancelled');
  });
});

describe('notes are never lost', () => {
  // Retried once: it failed once in a full CI run on a loaded machine and never in 8 runs here
  // under two busy loops; the wait's message now carries the history and the supervisor's log.
  it(
    'puts back a note that a rewrite by the worker dropped for certain',
    { retry: 1 },
    async () => {
      const writer = join(REPO_ROOT, 'test/fixtures/stale-plan-writer.mjs');
      sandbox.writeConfig(
        `default: stale\nbackends:\n  stale: { command: ${JSON.stringify(`node ${writer}`)} }\nmodels:\n  stale: {}\n`,
      );
      const run = await sandbox.run(['--item', 'one']);
      await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
        text.includes('waiting for a note'),
      );
      expect((await sandbox.cli(['note', run.id, 'Use the staging database'])).code).toBe(0);
      await waitForEvent(run.id, 'note-restored');
      const plan = sandbox.read(run.id, 'plan.md');
      expect(plan).toContain('> **Note from dispatcher:** Use the staging database');
      expect(plan).toContain('- [x] one');
    },
  );

  it('keeps 100 notes raced against a worker rewriting plan.md in a tight loop', async () => {
    const rewriter = join(REPO_ROOT, 'test/fixtures/note-rewriter.mjs');
    sandbox.writeConfig(
      `default: rw\nbackends:\n  rw: { command: ${JSON.stringify(`node ${rewriter}`)} }\nmodels:\n  rw: {}\n`,
    );
    // The rewriter runs until every note is in, however slow the machine.
    const allIn = join(sandbox.dir, 'all-notes-in');
    sandbox.env.NOTE_REWRITER_UNTIL = allIn;
    const run = await sandbox.run(['--item', 'one', '--item', 'two']);
    const { noteTask } = await import('../../src/runtime/tasks/note-task.js');
    const { TaskStore } = await import('../../src/runtime/store/task-store.js');
    const store = new TaskStore(sandbox.root, sandbox.env);
    const notes = Array.from({ length: 100 }, (_, i) => `note number ${i} for the worker`);
    for (const note of notes) {
      noteTask(store, run.id, note);
      await new Promise((resolve) => setImmediate(resolve));
    }
    writeFileSync(allIn, '');
    expect((await sandbox.cli(['wait', run.id, '--timeout', '30'])).code).toBe(0);
    const plan = await waitForFile(join(sandbox.taskDir(run.id), 'plan.md'), (text) =>
      notes.every((note) => text.includes(note)),
    );
    // The worker's own edits survive the notes too.
    expect(plan).toContain('- [x] one');
    expect(plan).toContain('- [x] two');
    expect(sandbox.read(run.id, 'worker.log')).toMatch(/note-rewriter: \d{3,} rewrites/);
  }, 60_000);
});
