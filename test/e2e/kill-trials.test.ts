import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { reportFaults, trials } from '../helpers/fault-trials.js';
import { waitForCondition } from '../helpers/wait-for.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
});
afterEach(() => sandbox.cleanup());

const BANNER = '[sim] agent-dispatch simulated worker';

/** Starts `dispatch run` and kills it with SIGKILL after `delayMs` (never, when undefined). */
async function runKilledAfter(args: string[], delayMs: number | undefined): Promise<number> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/dispatch'), 'run', ...args], {
    cwd: sandbox.project,
    env: sandbox.env,
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => {
    child.on('exit', resolve);
    child.on('error', resolve);
  });
  if (delayMs !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    child.kill('SIGKILL');
  }
  await exited;
  return Date.now() - started;
}

const BATCH = 8;

/** How many workers of a task started: each simulated worker prints its banner once. */
function workersStarted(id: string): number {
  const log = join(sandbox.taskDir(id), 'worker.log');
  return existsSync(log) ? readFileSync(log, 'utf8').split(BANNER).length - 1 : 0;
}

function isWhole(id: string): boolean {
  return sandbox.events(id).some((e) => e.type === 'queued');
}

describe('the attempt claim is the only authority for starting an attempt', () => {
  for (const torn of [false, true]) {
    it(`never starts a worker twice after its starter died ${torn ? 'mid-record (torn `spawned` line)' : 'before recording it'}`, async () => {
      const run = await sandbox.run(['--model', 'sim', '--id', 'orphan', '--item', 'sleep: 6']);
      const dir = sandbox.taskDir(run.id);
      const supervisor = await waitForCondition(
        sandbox.root,
        () => JSON.parse(readFileSync(join(sandbox.root, 'supervisor.lock'), 'utf8')).pid as number,
      );
      process.kill(supervisor, 'SIGKILL');
      // The starter died right after spawning: the claim names a dead process, and the
      // `spawned` record is missing or torn.
      const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n');
      const spawned = events.findIndex((line) => line.includes('"spawned"'));
      const kept = events.filter((_, i) => i !== spawned).join('\n');
      writeFileSync(
        join(dir, 'events.jsonl'),
        torn ? `${kept}${(events[spawned] ?? '').slice(0, 40)}` : kept,
      );
      const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
      writeFileSync(join(dir, '.attempt-1.claim'), JSON.stringify({ pid: dead, startTime: '1' }));
      expect((await sandbox.status(run.id)).state).toBe('queued');
      // A new supervisor (the status command started it) finds the task queued and its claim stale.
      await waitForCondition(
        dir,
        () => (existsSync(join(dir, 'ipc', '.done')) ? true : undefined),
        30_000,
      );
      expect(workersStarted(run.id)).toBe(1);
      expect((await sandbox.status(run.id)).state).toBe('done');
    });
  }
});

describe('`dispatch run` killed at random moments', () => {
  const count = trials(30, 200);
  it(`starts each task's worker exactly once (${count} runs)`, async () => {
    const args = (i: number) => ['--model', 'sim', '--id', `kill-${i}`, '--item', 'sleep: 0.2'];
    // How long a whole run takes here, with as many at once: the kills are spread over the
    // second half of it, where the task is whole and its worker is being claimed and started.
    const durations = await Promise.all(
      Array.from({ length: BATCH }, (_, j) => runKilledAfter(args(count + j), undefined)),
    );
    const full = Math.max(...durations);
    const delays = Array.from(
      { length: count },
      (_, i) => full * (0.4 + (0.7 * ((i * 37) % 101)) / 100),
    );
    for (let i = 0; i < count; i += BATCH) {
      await Promise.all(
        delays.slice(i, i + BATCH).map((delay, j) => runKilledAfter(args(i + j), delay)),
      );
    }
    // Any command brings a supervisor, which starts what the killed runs left queued.
    await sandbox.cli(['list'], { timeoutMs: 120_000 });
    const whole = sandbox.taskIds().filter((id) => {
      try {
        return isWhole(id);
      } catch {
        return false;
      }
    });
    const done = (id: string) => existsSync(join(sandbox.taskDir(id), 'ipc', '.done'));
    await waitForCondition(
      join(sandbox.root, 'tasks'),
      () => (whole.every(done) ? true : undefined),
      90_000,
    ).catch(() => undefined);
    // Many kills must land after the task is whole, or the trials test nothing.
    expect(whole.length).toBeGreaterThan(count / 10);
    const doubled = whole.filter((id) => workersStarted(id) > 1);
    const lost = whole.filter((id) => !done(id));
    reportFaults({
      test: '`dispatch run` SIGKILLed at staggered moments',
      trials: count,
      faults: count,
      lost: lost.length,
      doubled: doubled.length,
    });
    expect(doubled.map((id) => `${id}: ${sandbox.read(id, 'events.jsonl')}`)).toEqual([]);
    expect(lost.map((id) => `${id}: ${sandbox.read(id, 'events.jsonl')}`)).toEqual([]);
  }, 900_000);
});
