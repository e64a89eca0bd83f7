import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * A task that goes on after its worker exited (an answer after the fallback, `dispatch continue`)
 * resumes the worker's own session, so the model keeps what it read and reasoned. The simulated
 * worker keeps sessions under $HOME as the real CLIs do; the real CLIs are in agents-*.test.ts.
 */
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
  sandbox.writeConfig('default: sim\nfallback_minutes: 0.02\n');
});
afterEach(() => sandbox.cleanup());

type Event = { type: string; [key: string]: unknown };

function waitForEvent(id: string, test: (e: Event) => boolean, what: string): Promise<Event> {
  return waitForCondition(
    sandbox.taskDir(id),
    () => sandbox.events(id).find(test),
    20_000,
    () =>
      `waiting for ${what}:\n${sandbox.read(id, 'events.jsonl')}\n${sandbox.read(id, 'worker.log')}`,
  );
}

const exitOf = (attempt: number) => (e: Event) => e.type === 'exited' && e.attempt === attempt;

/** Runs a task whose worker asks, gives up waiting (the fallback) and exits. */
async function blockedTask(): Promise<{ id: string; session: string }> {
  const run = await sandbox.run([
    '--title',
    'Greeting',
    '--item',
    'Survey the project',
    '--item',
    'ask: Which greeting?',
    '--item',
    'Write the summary',
  ]);
  const session = await waitForEvent(run.id, (e) => e.type === 'session', 'the session');
  await waitForEvent(run.id, exitOf(1), 'the fallback');
  expect((await sandbox.status(run.id)).state).toBe('blocked');
  return { id: run.id, session: String(session.session) };
}

describe('resuming the worker session', () => {
  it('answers after the fallback in the same session, and status says so', async () => {
    const { id, session } = await blockedTask();
    expect(session).toMatch(/^sim-[0-9a-f]{16}$/);

    const answered = await sandbox.cli(['answer', id, 'Hello there']);
    expect(answered.code, answered.stderr).toBe(0);
    await sandbox.waitForDone([id]);

    const resumed = sandbox.events(id).find((e) => e.type === 'resumed');
    expect(resumed).toMatchObject({ attempt: 2, reason: 'answer', session });
    // The resumed session gets only what is new: no instructions, no plan, no context.md.
    const message = sandbox.read(id, 'prompt-2.md');
    expect(message).toContain('Hello there');
    expect(message).not.toContain('How to work');
    expect(message).not.toContain('The plan as it stands');
    // The prompt for a new worker is kept beside it, for a session that is gone.
    expect(sandbox.read(id, 'prompt-2.fresh.md')).toContain('The plan as it stands');
    const log = sandbox.read(id, 'worker.log');
    expect(log).toContain(`resumed session ${session}: it still has its first prompt`);
    expect(sandbox.read(id, 'output.md')).toContain('Hello there');

    const status = await sandbox.status(id);
    expect(status.state).toBe('done');
    expect(status.continuation).toEqual({ how: 'session', session, reason: 'answer' });
    expect((await sandbox.cli(['status', id])).stdout).toContain(`resumed session ${session}`);
  });

  it('starts a new worker with context, once, when the session no longer exists', async () => {
    const { id, session } = await blockedTask();
    // The CLI lost its session (another home, cleaned up): resuming fails and says so.
    const sessions = join(sandbox.home, '.dispatch-sim', 'sessions');
    expect(readdirSync(sessions)).toContain(`${session}.json`);
    rmSync(join(sessions, `${session}.json`));

    expect((await sandbox.cli(['answer', id, 'Hello there'])).code).toBe(0);
    await sandbox.waitForDone([id]);

    const resumed = sandbox.events(id).filter((e) => e.type === 'resumed');
    expect(resumed).toEqual([
      expect.objectContaining({ attempt: 2, reason: 'answer', session }),
      expect.objectContaining({ attempt: 3, reason: 'session-lost' }),
    ]);
    expect(resumed[1]).not.toHaveProperty('session');
    expect(sandbox.read(id, 'worker.log')).toContain(`no simulated session ${session} to resume`);
    // The new worker got the answer with the plan and context (the kept prompt).
    expect(sandbox.read(id, 'prompt-3.md')).toBe(sandbox.read(id, 'prompt-2.fresh.md'));
    expect(sandbox.read(id, 'output.md')).toContain('Hello there');
    const status = await sandbox.status(id);
    expect(status.continuation).toEqual({
      how: 'new-worker',
      session: null,
      reason: 'session-lost',
    });
    expect((await sandbox.cli(['status', id])).stdout).toContain('new worker with context');
  });

  it('continues a finished task in its session with new instructions and items', async () => {
    const run = await sandbox.run(['--title', 'Notes', '--item', 'Survey', '--item', 'Summarise']);
    await sandbox.waitForDone([run.id]);
    await waitForEvent(run.id, exitOf(1), 'the first exit');
    const session = String(sandbox.events(run.id).find((e) => e.type === 'session')?.session);

    // A note no longer reaches anyone: the hint points to continue.
    const note = await sandbox.cli(['note', run.id, 'one more thing']);
    expect(note.code).not.toBe(0);
    expect(note.stderr).toContain(`dispatch continue ${run.id}`);

    const continued = await sandbox.cli([
      'continue',
      run.id,
      'Also',
      'check the tests',
      '--item',
      'Check the tests',
      '--json',
    ]);
    expect(continued.code, continued.stderr).toBe(0);
    expect(JSON.parse(continued.stdout)).toMatchObject({ id: run.id, attempt: 2, session });
    await waitForEvent(run.id, exitOf(2), 'the continued worker');
    await sandbox.waitForDone([run.id]);

    expect(sandbox.read(run.id, 'plan.md')).toMatch(/- \[x\] Check the tests/);
    const log = sandbox.read(run.id, 'worker.log');
    expect(log).toContain(`resumed session ${session}`);
    expect(log).toContain('continued with new instructions: Also check the tests');
    const status = await sandbox.status(run.id);
    expect(status).toMatchObject({ state: 'done', attempt: 2 });
    expect(status.continuation).toEqual({ how: 'session', session, reason: 'continue' });
  });

  it('refuses to continue a task whose worker still runs', async () => {
    const run = await sandbox.run(['--item', 'hang']);
    await waitForEvent(run.id, (e) => e.type === 'spawned', 'the worker');
    const refused = await sandbox.cli(['continue', run.id, 'do more']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('only a done, failed or cancelled task can be continued');
    expect(refused.stderr).toContain(`dispatch note ${run.id}`);
  });
});
