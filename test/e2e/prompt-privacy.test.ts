import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { processesMentioning } from '../helpers/processes.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * Any user of the machine can read every process's argv (`ps`, /proc/PID/cmdline): the request
 * text and the user's answers must reach the worker another way.
 */
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

/** Waits until the worker of `attempt` has started and says so in worker.log (it is running). */
function waitForHang(id: string, attempt: number): Promise<true> {
  return waitForCondition(
    sandbox.taskDir(id),
    () => {
      const log = sandbox.read(id, 'worker.log');
      const from = log.indexOf(`--- agent-dispatch: attempt ${attempt},`);
      return from >= 0 && log.indexOf('hanging', from) > from ? true : undefined;
    },
    20_000,
    () => sandbox.read(id, 'worker.log'),
  );
}

describe('the request text is not in any process argv', () => {
  it('keeps the request out of the simulated worker argv, and the answer out of the resumed one', async () => {
    sandbox.writeConfig('default: sim\nfallback_minutes: 0.02\n');
    const secret = `secret-${randomUUID()}`;
    const answer = `answer-${randomUUID()}`;
    const run = await sandbox.run([
      '--item',
      `first ${secret}`,
      '--item',
      'ask: Which database?',
      '--item',
      'hang',
    ]);
    // The first worker gives up waiting (the fallback); the task is blocked on its question.
    await waitForCondition(
      sandbox.taskDir(run.id),
      () => (sandbox.events(run.id).some((e) => e.type === 'exited') ? true : undefined),
      20_000,
    );
    expect(sandbox.read(run.id, 'worker.log')).toContain(`item 1/3: first ${secret}`);

    expect((await sandbox.cli(['answer', run.id, answer])).code).toBe(0);
    await waitForHang(run.id, 2);
    // The resumed worker got the answer (and the plan) through its prompt, not its argv.
    expect(sandbox.read(run.id, 'worker.log')).toContain(answer);
    expect(processesMentioning(secret)).toEqual([]);
    expect(processesMentioning(answer)).toEqual([]);
    // The worker that runs reads its prompt file, which is where the text is.
    expect(sandbox.read(run.id, 'prompt-2.md')).toContain(answer);
    expect(sandbox.events(run.id).filter((e) => e.type === 'spawned')).toHaveLength(2);
  });

  it('keeps a plain request out of argv while its first worker runs', async () => {
    sandbox.writeConfig('default: sim\n');
    const secret = `secret-${randomUUID()}`;
    const run = await sandbox.run(['--item', `look at ${secret}`, '--item', 'hang']);
    await waitForHang(run.id, 1);
    expect(processesMentioning(secret)).toEqual([]);
  });
});
