import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartTime } from '../../../src/runtime/process/process-info.js';
import { isTaskWorker } from '../../../src/runtime/process/worker-identity.js';

const started: ChildProcess[] = [];

function sleeper(env: NodeJS.ProcessEnv): { pid: number; startTime: string | null } {
  const child = spawn('sleep', ['60'], { env, stdio: 'ignore', detached: true });
  started.push(child);
  const pid = child.pid as number;
  return { pid, startTime: processStartTime(pid) };
}

afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

describe.runIf(process.platform === 'linux')('isTaskWorker', () => {
  it('accepts the process that carries the task id, with its pid and start time', () => {
    const worker = sleeper({ ...process.env, DISPATCH_TASK_ID: 'review-auth' });
    expect(isTaskWorker({ taskId: 'review-auth', ...worker })).toBe(true);
  });

  it('rejects a process whose environment names another task, or none', () => {
    const other = sleeper({ ...process.env, DISPATCH_TASK_ID: 'other-task' });
    expect(isTaskWorker({ taskId: 'review-auth', ...other })).toBe(false);
    const { DISPATCH_TASK_ID: _unset, ...bare } = process.env;
    const stranger = sleeper(bare);
    expect(isTaskWorker({ taskId: 'review-auth', ...stranger })).toBe(false);
  });

  it('rejects a matching process when the start time differs (a reused pid)', () => {
    const worker = sleeper({ ...process.env, DISPATCH_TASK_ID: 'review-auth' });
    expect(isTaskWorker({ taskId: 'review-auth', pid: worker.pid, startTime: '1' })).toBe(false);
  });

  it('rejects pids that can never be a worker: init, this process, nonsense', () => {
    for (const pid of [1, process.pid, 0, -5, 1.5])
      expect(isTaskWorker({ taskId: 'review-auth', pid, startTime: null })).toBe(false);
  });
});
