import { describe, expect, it } from 'vitest';
import { readIpcState } from '../../../src/core/ipc/ipc-protocol.js';
import { missingObservations } from '../../../src/core/status/observations.js';
import type { TaskStatus } from '../../../src/core/status/task-status.js';
import type { TaskEvent } from '../../../src/core/task/task-events.js';

const T = '2026-01-01T00:00:00.000Z';
const status = (state: TaskStatus['state'], reason?: string) => ({ state, reason }) as TaskStatus;
const base: TaskEvent[] = [
  { type: 'created', time: T },
  { type: 'queued', time: T },
];

describe('missingObservations', () => {
  it('records each question and acknowledgment the IPC folder shows, once', () => {
    const ipc = readIpcState(['001.question', '001.answer', '001.done', '002.question']);
    expect(missingObservations(base, ipc, status('waiting'))).toEqual([
      { type: 'question', seq: 1 },
      { type: 'acknowledged', seq: 1 },
      { type: 'question', seq: 2 },
    ]);
    const recorded: TaskEvent[] = [
      ...base,
      { type: 'question', time: T, seq: 1 },
      { type: 'acknowledged', time: T, seq: 1 },
      { type: 'question', time: T, seq: 2 },
    ];
    expect(missingObservations(recorded, ipc, status('waiting'))).toEqual([]);
  });

  it('records the end of the current attempt once', () => {
    const ipc = readIpcState(['.done']);
    expect(missingObservations(base, ipc, status('done'))).toEqual([{ type: 'completed' }]);
    expect(
      missingObservations([...base, { type: 'completed', time: T }], ipc, status('done')),
    ).toEqual([]);
    expect(
      missingObservations(base, readIpcState([]), status('failed', 'worker exited with code 3')),
    ).toEqual([{ type: 'failed', reason: 'worker exited with code 3' }]);
  });

  it('records a failure again after a retry started a new attempt', () => {
    const events: TaskEvent[] = [
      ...base,
      { type: 'failed', time: T, reason: 'first' },
      { type: 'resumed', time: T, attempt: 2, reason: 'retry', model: 'sim' },
    ];
    expect(missingObservations(events, readIpcState([]), status('failed', 'second'))).toEqual([
      { type: 'failed', reason: 'second' },
    ]);
  });
});
