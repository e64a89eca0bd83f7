import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { markersInUse, type TaskMarker } from '../../../src/runtime/process/task-processes.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A process carrying a task's marker, as a worker (or something it left) does. */
function marked(marker: Required<TaskMarker>): Promise<void> {
  const child = spawn('sleep', ['30'], {
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH,
      DISPATCH_TASK_DIR: marker.taskDir,
      DISPATCH_TASK_ID: marker.taskId,
      DISPATCH_ATTEMPT: String(marker.attempt),
    },
  });
  children.push(child);
  return new Promise((resolve) => child.once('spawn', () => resolve()));
}

describe.runIf(process.platform === 'linux')('markersInUse', () => {
  it('finds, in one look, exactly the attempts some process still carries', async () => {
    const base = `/tmp/markers-${process.pid}-${Date.now()}`;
    const running = { taskDir: `${base}/a`, taskId: 'a', attempt: 2 };
    await marked(running);
    const sameTaskOtherAttempt = { taskDir: `${base}/a`, taskId: 'a', attempt: 1 };
    const otherTask = { taskDir: `${base}/b`, taskId: 'b', attempt: 2 };
    const sameDirOtherId = { taskDir: `${base}/a`, taskId: 'b', attempt: 2 };
    const anyAttempt = { taskDir: `${base}/a`, taskId: 'a' };
    const markers: TaskMarker[] = [
      running,
      sameTaskOtherAttempt,
      otherTask,
      sameDirOtherId,
      anyAttempt,
    ];
    const found = markersInUse(markers);
    expect(found).not.toBeNull();
    expect(markers.filter((marker) => found?.has(marker))).toEqual([running, anyAttempt]);
  });

  it('never counts an excluded process', async () => {
    const marker = { taskDir: `/tmp/markers-x-${process.pid}`, taskId: 'x', attempt: 1 };
    await marked(marker);
    const pid = children[0]?.pid as number;
    expect(markersInUse([marker], new Set([pid]))?.has(marker)).toBe(false);
  });
});
