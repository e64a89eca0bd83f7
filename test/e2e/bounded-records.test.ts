import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';
import { reportFaults } from '../helpers/fault-trials.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

function longestEventLine(id: string): number {
  return Math.max(
    ...readFileSync(`${sandbox.taskDir(id)}/events.jsonl`, 'utf8')
      .split('\n')
      .map((line) => Buffer.byteLength(line)),
  );
}

describe('records of any size', () => {
  it('records an 8 KiB error line truncated, and the queue behind it goes on', async () => {
    sandbox.writeConfig('default: sim\nmax_parallel: 1\n');
    const trace = `fail: ${'at someFunction (/a/very/long/path/to/a/file.js:1:1) '.repeat(160)}`;
    expect(Buffer.byteLength(trace)).toBeGreaterThan(8000);
    const failing = await sandbox.run(['--item', trace]);
    const next = await sandbox.run(['--item', 'after it']);
    const failed = await waitForCondition(
      sandbox.taskDir(failing.id),
      () => sandbox.events(failing.id).find((e) => e.type === 'failed'),
      20_000,
    );
    expect(String(failed.reason)).toMatch(/… \[truncated, \d+ bytes\]$/);
    const waited = await sandbox.cli(['wait', next.id, '--timeout', '30']);
    reportFaults({
      test: 'worker writes an 8 KiB error line (queue behind it)',
      trials: 1,
      faults: 1,
      lost: waited.code === 0 ? 0 : 1,
      doubled: 0,
    });
    expect(waited.code).toBe(0);
    expect(longestEventLine(failing.id)).toBeLessThan(4096);
    expect((await sandbox.status(failing.id)).state).toBe('failed');
  });

  it('cancels with an 8 KiB reason, kept truncated', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'hang']);
    const reason = 'because '.repeat(1100);
    const cancelled = await sandbox.cli(['cancel', run.id, '--reason', reason]);
    expect(cancelled.stderr).toBe('');
    expect(cancelled.code).toBe(0);
    const event = sandbox.events(run.id).find((e) => e.type === 'cancelled');
    reportFaults({
      test: '`dispatch cancel --reason` of 8 KiB',
      trials: 1,
      faults: 1,
      lost: event ? 0 : 1,
      doubled: 0,
    });
    expect(String(event?.reason)).toMatch(/^because because .*… \[truncated, \d+ bytes\]$/);
    expect(longestEventLine(run.id)).toBeLessThan(4096);
  });
});
