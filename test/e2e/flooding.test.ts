import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { isAlive } from '../helpers/processes.js';
import { waitForCondition } from '../helpers/wait-for.js';
import { reportFaults } from '../helpers/fault-trials.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '5000' });
});
afterEach(() => sandbox.cleanup());

/** The most memory the process ever held (VmHWM), in MiB. */
function peakMiB(pid: number): number {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? 0) / 1024;
}

describe.runIf(process.platform === 'linux')('a task that floods its ipc/ folder', () => {
  it('costs the supervisor bounded memory, and the others go on', async () => {
    const flooded = await sandbox.run(['--model', 'sim', '--id', 'many-files', '--item', 'hang']);
    const supervisor = await waitForCondition(sandbox.root, () => {
      try {
        const pid = JSON.parse(readFileSync(join(sandbox.root, 'supervisor.lock'), 'utf8')).pid;
        return isAlive(pid) ? (pid as number) : undefined;
      } catch {
        return undefined;
      }
    });
    const before = peakMiB(supervisor);
    const ipc = join(sandbox.taskDir(flooded.id), 'ipc');
    for (let i = 0; i < 3000; i++) writeFileSync(join(ipc, `junk-${i}-${'x'.repeat(60)}.txt`), 'x');
    for (let i = 1; i <= 3000; i++)
      writeFileSync(join(ipc, `${String(i).padStart(3, '0')}.question`), `Question ${i}?\\n`);
    const other = await sandbox.run(['--model', 'sim', '--item', 'quick']);
    expect((await sandbox.cli(['wait', other.id, '--timeout', '60'])).code).toBe(0);
    // Every question is recorded all the same.
    const questions = () => sandbox.events(flooded.id).filter((e) => e.type === 'question').length;
    await waitForCondition(
      sandbox.taskDir(flooded.id),
      () => (questions() >= 3000 ? true : undefined),
      60_000,
    ).catch(() => undefined);
    const growth = peakMiB(supervisor) - before;
    reportFaults({
      test: `6,000 files in one task's ipc/ (supervisor grew ${Math.round(growth)} MiB)`,
      trials: 1,
      faults: 6000,
      lost: 3000 - questions(),
      doubled: 0,
    });
    expect(questions()).toBe(3000);
    expect(isAlive(supervisor)).toBe(true);
    expect(growth).toBeLessThan(60);
  }, 120_000);
});
