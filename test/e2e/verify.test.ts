import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher } from 'agent-dispatch';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { isAlive } from '../helpers/processes.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * The verify step (docs/verify.md) with the simulated worker as a real process: the supervisor
 * runs the user's command when the worker is done, and the outcome shows everywhere.
 */
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
  sandbox.writeConfig('default: sim\n');
});
afterEach(() => sandbox.cleanup());

type Event = { type: string; [key: string]: unknown };

/** Passes only when answer.txt holds 42, saying what it found otherwise. */
const CHECK_ANSWER =
  'got=$(cat answer.txt); echo "checking answer.txt"; if [ "$got" = 42 ]; then echo ok; else echo "expected 42, got $got"; exit 1; fi';

function waitForEvent(id: string, test: (e: Event) => boolean, what: string): Promise<Event> {
  return waitForCondition(
    sandbox.taskDir(id),
    () => sandbox.events(id).find(test),
    30_000,
    () => `waiting for ${what}:\n${sandbox.read(id, 'events.jsonl')}`,
  );
}

/** `dispatch wait ID`: its exit code and what it printed. */
async function waitFor(id: string) {
  const result = await sandbox.cli(['wait', id, '--timeout', '60'], { timeoutMs: 70_000 });
  return { code: result.code, out: result.stdout + result.stderr };
}

describe('verify', () => {
  it('marks a task done-verified when its command passes', async () => {
    const run = await sandbox.run(['--verify', CHECK_ANSWER, '--item', 'write: answer.txt = 42']);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(0);
    expect(waited.out).toContain(`${run.id}: done, verified:`);

    const status = await sandbox.status(run.id);
    expect(status).toMatchObject({
      state: 'done',
      outcome: 'done-verified',
      verify: { command: CHECK_ANSWER, step: 'passed', round: 1, rounds: 1 },
    });
    const log = sandbox.read(run.id, 'verify.log');
    expect(log).toContain(`$ ${CHECK_ANSWER}`);
    expect(log).toContain('checking answer.txt\nok');
    expect(log).toContain('--- verify passed: exit code 0');
    const types = sandbox.events(run.id).map((e) => e.type);
    expect(types.indexOf('exited')).toBeLessThan(types.indexOf('verify-started'));
    expect(types.indexOf('verify-started')).toBeLessThan(types.indexOf('verified'));
    expect((await sandbox.cli(['list'])).stdout).toContain('done-verified');
  });

  it('marks a task without a command done-unverified', async () => {
    const run = await sandbox.run(['--item', 'write: answer.txt = 42']);
    expect((await waitFor(run.id)).code).toBe(0);
    expect(await sandbox.status(run.id)).toMatchObject({
      state: 'done',
      outcome: 'done-unverified',
      verify: null,
    });
    expect(existsSync(join(sandbox.taskDir(run.id), 'verify.log'))).toBe(false);
  });

  it('fails a worktree task whose command fails: wait says so, merge refuses without --force', async () => {
    initRepo(sandbox.project, { 'README.md': 'project\n' });
    const run = await sandbox.run([
      '--worktree',
      '--verify',
      CHECK_ANSWER,
      '--item',
      'write: answer.txt = 41',
    ]);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(11);
    expect(waited.out).toContain(`${run.id}: verify failed`);
    expect(waited.out).toContain('expected 42, got 41');

    const status = await sandbox.status(run.id);
    expect(status).toMatchObject({
      state: 'verify-failed',
      outcome: 'verify-failed',
      reason: 'verify failed: exit code 1: expected 42, got 41',
      verify: { step: 'failed', result: { passed: false, code: 1, timedOut: false } },
    });
    // The command ran in the worktree, where the worker wrote the file.
    expect(sandbox.read(run.id, 'verify.log')).toContain(
      `(in ${String((status.worktree as { path: string }).path)})`,
    );

    const refused = await sandbox.cli(['merge', run.id]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('did not pass its verify command');
    expect(refused.stderr).toContain(`dispatch merge --force ${run.id}`);
    expect(gitIn(sandbox.project, ['log', '--oneline'])).not.toContain('Merge');

    const forced = await sandbox.cli(['merge', '--force', run.id]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(sandbox.project, 'answer.txt'), 'utf8')).toBe('41\n');
  });

  it('stops a command that outlives its time limit and counts it as failed', async () => {
    const run = await sandbox.run([
      '--verify',
      'echo started; sleep 30',
      '--verify-timeout',
      '0.02',
      '--item',
      'Survey the project',
    ]);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(11);
    const status = await sandbox.status(run.id);
    expect(status).toMatchObject({
      state: 'verify-failed',
      verify: { result: { timedOut: true, passed: false } },
    });
    expect(status.reason).toContain('it ran out of time');
    expect(sandbox.read(run.id, 'verify.log')).toContain('stopped after the time limit');
    const started = sandbox.events(run.id).find((e) => e.type === 'verify-started');
    expect(isAlive(started?.pid as number)).toBe(false);
  });

  it('sends the worker back with the output, and passes in round 2 (--iterate 2)', async () => {
    const run = await sandbox.run([
      '--verify',
      CHECK_ANSWER,
      '--iterate',
      '2',
      '--item',
      'write-fix: answer.txt = 41 | 42',
    ]);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(0);

    const status = await sandbox.status(run.id);
    expect(status).toMatchObject({
      state: 'done',
      outcome: 'done-verified',
      attempt: 2,
      continuation: { how: 'session', reason: 'verify' },
      verify: { step: 'passed', round: 2, rounds: 3 },
    });
    const history = (status.verify as { history: { attempt: number; passed: boolean }[] }).history;
    expect(history.map((round) => [round.attempt, round.passed])).toEqual([
      [1, false],
      [2, true],
    ]);
    // The resumed session was told how it failed, with the end of the output.
    const message = sandbox.read(run.id, 'prompt-2.md');
    expect(message).toContain('round 2 of 3');
    expect(message).toContain('expected 42, got 41');
    expect(sandbox.read(run.id, 'worker.log')).toContain(
      'verify failed; its output ends: expected 42, got 41',
    );
    const events = sandbox.events(run.id);
    expect(events.filter((e) => e.type === 'verified').map((e) => e.iterate)).toEqual([
      true,
      false,
    ]);
    expect((await sandbox.cli(['status', run.id])).stdout).toContain(
      'attempt 1 failed (exit code 1), attempt 2 passed',
    );
  });

  it('ends verify-failed when every round fails', async () => {
    const run = await sandbox.run([
      '--verify',
      CHECK_ANSWER,
      '--iterate',
      '1',
      '--item',
      'write-fix: answer.txt = 40 | 41',
    ]);
    expect((await waitFor(run.id)).code).toBe(11);
    const status = await sandbox.status(run.id);
    expect(status).toMatchObject({
      state: 'verify-failed',
      attempt: 2,
      verify: { round: 2, rounds: 2 },
    });
    expect(sandbox.events(run.id).filter((e) => e.type === 'resumed')).toHaveLength(1);
  });

  it('passes the failing output on when a verify-failed task is retried', async () => {
    const run = await sandbox.run([
      '--verify',
      CHECK_ANSWER,
      '--item',
      'write-fix: answer.txt = 41 | 42',
    ]);
    expect((await waitFor(run.id)).code).toBe(11);
    const retried = await sandbox.cli(['retry', run.id]);
    expect(retried.code, retried.stderr).toBe(0);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(0);
    expect(await sandbox.status(run.id)).toMatchObject({
      state: 'done',
      outcome: 'done-verified',
      attempt: 2,
      continuation: { reason: 'retry' },
    });
    expect(sandbox.read(run.id, 'prompt-2.md')).toContain('expected 42, got 41');
  });

  it('runs a check again, on record, after the supervisor running it was killed', async () => {
    const run = await sandbox.run([
      '--verify',
      'if [ -e go ]; then echo second run; else sleep 60; fi',
      '--item',
      'Survey the project',
    ]);
    const first = await waitForEvent(run.id, (e) => e.type === 'verify-started', 'the check');
    const lock = JSON.parse(readFileSync(join(sandbox.root, 'supervisor.lock'), 'utf8')) as {
      pid: number;
    };
    process.kill(lock.pid, 'SIGKILL');
    expect(isAlive(first.pid as number)).toBe(true);
    // From now on the command passes: the run after the interruption shows it.
    writeFileSync(join(sandbox.project, 'go'), '');
    // A reader brings a supervisor back for the active task.
    expect((await sandbox.status(run.id)).state).toBe('verifying');
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(0);
    const verifyEvents = sandbox
      .events(run.id)
      .filter((e) => e.type.startsWith('verif'))
      .map((e) => [e.type, e.run, e.stopped ?? e.passed ?? null]);
    expect(verifyEvents).toEqual([
      ['verify-started', 1, null],
      ['verify-interrupted', 1, true],
      ['verify-started', 2, null],
      ['verified', 2, true],
    ]);
    expect(isAlive(first.pid as number)).toBe(false);
    expect(sandbox.read(run.id, 'verify.log')).toContain('second run');
  });

  it('carries the outcome in the library', async () => {
    const dispatcher = new Dispatcher({
      cwd: sandbox.project,
      env: sandbox.env,
      by: 'verify-test',
    });
    const task = await dispatcher.run({
      model: 'sim',
      items: ['write: answer.txt = 41'],
      verify: CHECK_ANSWER,
    });
    const id = task.id;
    const waited = await dispatcher.wait({ ids: [id], timeoutMs: 60_000 });
    expect(waited.tasks[0]).toMatchObject({ id, state: 'verify-failed', outcome: 'verify-failed' });
    const shown = await dispatcher.show(id);
    expect(shown).toMatchObject({ outcome: 'verify-failed', verify: { step: 'failed' } });
  });
});
