import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskStatus } from '../../../src/core/status/task-status.js';
import { LivenessCheck } from '../../../src/runtime/process/liveness-check.js';

const children: ChildProcess[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A running process standing for a worker's wrapper. */
async function running(): Promise<number> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid as number;
}

/** The pid of a process that has ended and been reaped. */
async function ended(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

/**
 * A zombie: `sh` starts `sleep 1` in the background and then becomes `sleep 30`, which never
 * reaps it. Resolves once the process table shows it ended. The second it sleeps is what makes it
 * end after the exec: one that ended before could be reaped by `sh` itself (seen on a busy
 * machine with `sleep 0`), and would never show as a zombie.
 */
async function zombie(): Promise<number> {
  const child = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 30'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  const pid = await new Promise<number>((resolve) =>
    child.stdout?.once('data', (data: Buffer) => resolve(Number(data.toString().trim()))),
  );
  await vi.waitFor(
    () => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      expect(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)).toBe('Z');
    },
    { timeout: 10_000, interval: 20 },
  );
  return pid;
}

const worker = (id: string, pid: number): TaskStatus =>
  ({ id, state: 'waiting', pid }) as unknown as TaskStatus;

describe.runIf(process.platform === 'linux')('LivenessCheck', () => {
  let gone: string[];
  beforeEach(() => {
    gone = [];
  });

  it('looks at a few workers a tick, taking turns, and reports each one that ended', async () => {
    const statuses = [
      worker('a', await running()),
      worker('b', await running()),
      worker('c', await ended()),
      worker('d', await running()),
      worker('e', await ended()),
      { ...worker('f', await ended()), state: 'done' } as TaskStatus, // no worker any more
    ];
    vi.useFakeTimers();
    const check = new LivenessCheck(
      () => statuses,
      (id) => gone.push(id),
      {
        intervalMs: 1000,
        workersPerTick: 2,
      },
    ).start();
    const tick = () => vi.advanceTimersByTime(1000);
    tick(); // a, b
    expect(gone).toEqual([]);
    tick(); // c, d
    expect(gone).toEqual(['c']);
    tick(); // e
    expect(gone).toEqual(['c', 'e']);
    tick(); // a, b again
    expect(gone).toEqual(['c', 'e']);
    tick(); // c, d
    expect(gone).toEqual(['c', 'e', 'c']);
    check.stop();
  });

  it('sees a zombie only in the rounds that read the process table', async () => {
    const statuses = [worker('live', await running()), worker('zombie', await zombie())];
    vi.useFakeTimers();
    const check = new LivenessCheck(
      () => statuses,
      (id) => gone.push(id),
      {
        intervalMs: 1000,
        processTableEvery: 2,
      },
    ).start();
    const tick = () => vi.advanceTimersByTime(1000);
    tick(); // round 0 reads the process table
    expect(gone).toEqual(['zombie']);
    tick(); // round 1: kill(pid, 0) succeeds on a zombie
    expect(gone).toEqual(['zombie']);
    tick(); // round 2 reads it again
    expect(gone).toEqual(['zombie', 'zombie']);
    check.stop();
  });

  it('leaves the checks to a running supervisor', async () => {
    const statuses = [worker('c', await ended())];
    let supervised = true;
    vi.useFakeTimers();
    const check = new LivenessCheck(
      () => statuses,
      (id) => gone.push(id),
      {
        intervalMs: 1000,
        supervised: () => supervised,
      },
    ).start();
    vi.advanceTimersByTime(1000);
    expect(gone).toEqual([]);
    supervised = false; // looked at again every tenth tick
    vi.advanceTimersByTime(9000);
    expect(gone).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(gone).toEqual(['c']);
    check.stop();
  });
});
