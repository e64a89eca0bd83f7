import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { runningInGroup } from '../helpers/processes.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

describe('dispatch run → wait → answer → wait', () => {
  it('takes a simulated task through a question to completion', async () => {
    const run = await sandbox.run([
      '--model',
      'sim',
      '--title',
      'Greeting',
      '--item',
      'Look around',
      '--item',
      'ask: Which name should the greeting use?',
      '--item',
      'write: greeting.txt = hello',
    ]);
    expect(run.id).toBe('greeting');
    expect(['running', 'waiting', 'done']).toContain(run.state);
    expect(run.pid).toBeGreaterThan(0);
    expect(run.items).toEqual([
      'Look around',
      'ask: Which name should the greeting use?',
      'write: greeting.txt = hello',
    ]);

    const asked = await sandbox.cli(['wait', 'greeting', '--json', '--timeout', '20']);
    expect(asked.code).toBe(0);
    const event = JSON.parse(asked.stdout);
    expect(event.event).toBe('attention');
    expect(event.tasks[0].state).toBe('waiting');
    expect(event.tasks[0].question).toEqual({
      seq: 1,
      text: 'Which name should the greeting use?',
      live: true,
    });

    const status = await sandbox.cli(['status']);
    expect(status.stdout).toMatch(/1 pending question/);
    expect(status.stdout).toContain('Which name should the greeting use?');

    const answered = await sandbox.cli(['answer', 'greeting', 'Ada']);
    expect(answered.code).toBe(0);
    expect(answered.stdout).toContain('Answered question 001 of greeting');
    expect(readFileSync(join(sandbox.taskDir('greeting'), 'ipc', '001.answer'), 'utf8')).toBe(
      'Ada\n',
    );

    const finished = await sandbox.cli(['wait', 'greeting', '--timeout', '20']);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('greeting: done (3/3 items)');
    expect(existsSync(join(sandbox.taskDir('greeting'), 'ipc', '001.done'))).toBe(true);
    expect(existsSync(join(sandbox.taskDir('greeting'), 'ipc', '.done'))).toBe(true);
    expect(readFileSync(join(sandbox.project, 'greeting.txt'), 'utf8')).toBe('hello\n');

    const detail = await sandbox.status('greeting');
    expect(detail.state).toBe('done');
    expect(detail.exit).toEqual({ code: 0, signal: null });
    const types = sandbox.events('greeting').map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['created', 'queued', 'spawned', 'answered', 'exited']),
    );
  });

  it('lets a worker ask through `dispatch ask`', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'ask-cli: Tabs or spaces?']);
    const asked = await sandbox.cli(['wait', run.id, '--json', '--timeout', '20']);
    expect(JSON.parse(asked.stdout).tasks[0].question.text).toBe('Tabs or spaces?');
    expect((await sandbox.cli(['answer', run.id, '1', 'spaces'])).code).toBe(0);
    const done = await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(done.code).toBe(0);
    expect(sandbox.read(run.id, 'worker.log')).toContain('spaces');
    expect(existsSync(join(sandbox.taskDir(run.id), 'ipc', '001.done'))).toBe(true);
  });

  it('lets a worker whose shell lost `dispatch` from its PATH ask through the full path', async () => {
    // Like Codex, whose tools run in a login shell that resets PATH: only node is left on it.
    const bare = join(sandbox.dir, 'bare-bin');
    mkdirSync(bare);
    symlinkSync(process.execPath, join(bare, 'node'));
    const command = `env PATH=${bare} node ${join(REPO_ROOT, 'dist/bin/sim-worker.js')}`;
    sandbox.writeConfig(
      `default: bare\nbackends:\n  bare: { command: ${JSON.stringify(command)}, type: generic }\nmodels:\n  bare: { backend: bare }\n`,
    );
    const run = await sandbox.run(['--item', 'ask-cli: Tabs or spaces?']);
    const asked = await sandbox.cli(['wait', run.id, '--json', '--timeout', '20']);
    expect(JSON.parse(asked.stdout).tasks[0].question.text).toBe('Tabs or spaces?');
    expect((await sandbox.cli(['answer', run.id, '1', 'tabs'])).code).toBe(0);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    const log = sandbox.read(run.id, 'worker.log');
    expect(log).toContain('`dispatch` could not be started');
    expect(log).toContain(`running \`${join(REPO_ROOT, 'bin', 'dispatch')} ask\``);
    expect(log).toContain('answer from dispatch ask: tabs');
  });

  it('reports a crashed worker as failed with its exit code', async () => {
    const run = await sandbox.run([
      '--model',
      'sim',
      '--item',
      'first',
      '--item',
      'crash: 7',
      '--item',
      'never reached',
    ]);
    const waited = await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(waited.code).toBe(3);
    expect(waited.stdout).toContain('failed');
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('failed');
    expect(status.exit).toEqual({ code: 7, signal: null });
    expect(status.progress).toMatchObject({ done: 1, total: 3 });
    expect(status.reason).toMatch(/exited with code 7/);
    expect((status.logTail as string[]).join('\n')).toContain('crashing');
    // The wrapper records the exit to the millisecond where date can (GNU date here).
    const exited = sandbox.events(run.id).find((e) => e.type === 'exited');
    expect(exited?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(String(exited?.time))).toBeGreaterThanOrEqual(
      Date.parse(String(sandbox.events(run.id).find((e) => e.type === 'spawned')?.time)),
    );
  });

  it('reports an item the worker marked [!] with its description', async () => {
    const run = await sandbox.run([
      '--model',
      'sim',
      '--item',
      'fail: the database is unreachable',
      '--item',
      'carry on',
    ]);
    const waited = await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(waited.code).toBe(3);
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('failed');
    expect(status.reason).toContain('the database is unreachable');
    expect(status.progress).toMatchObject({
      done: 1,
      total: 2,
      errors: [{ index: 0, description: 'the database is unreachable' }],
    });
    expect(sandbox.read(run.id, 'plan.md')).toContain('- [!] fail: the database is unreachable');
  });

  it('cancels a worker and everything it started, and keeps the record', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'hang']);
    const pid = run.pid as number;
    const cancelled = await sandbox.cli(['cancel', run.id, '--reason', 'changed my mind']);
    expect(cancelled.code).toBe(0);
    expect(runningInGroup(pid)).toEqual([]);
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('cancelled');
    expect(status.reason).toBe('cancelled by user: changed my mind');
    expect(existsSync(sandbox.taskDir(run.id))).toBe(true);
    const again = await sandbox.cli(['cancel', run.id]);
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('already cancelled');
  });

  it('runs two tasks in parallel, each with its own worker', async () => {
    const a = await sandbox.run(['--model', 'sim', '--title', 'alpha', '--item', 'ask: A?']);
    const b = await sandbox.run(['--model', 'sim', '--title', 'beta', '--item', 'ask: B?']);
    expect(a.pid).not.toBe(b.pid);
    await sandbox.cli(['wait', 'alpha', '--timeout', '20']);
    await sandbox.cli(['wait', 'beta', '--timeout', '20']);
    const list = JSON.parse((await sandbox.cli(['list', '--json'])).stdout) as {
      id: string;
      state: string;
    }[];
    expect(list.map((t) => [t.id, t.state]).sort()).toEqual([
      ['alpha', 'waiting'],
      ['beta', 'waiting'],
    ]);
    await sandbox.cli(['answer', 'beta', 'b']);
    await sandbox.cli(['answer', 'alpha', 'a']);
    expect((await sandbox.cli(['wait', 'alpha', 'beta', '--timeout', '20'])).code).toBe(0);
    const after = await sandbox.cli(['wait', 'alpha', '--timeout', '20']);
    expect(after.stdout).toContain('alpha: done');
    expect((await sandbox.status('beta')).state).toMatch(/running|done/);
  });

  it('adds a dispatcher note that the worker sees', async () => {
    const run = await sandbox.run([
      '--model',
      'sim',
      '--item',
      'ask: ready?',
      '--item',
      'after the note',
    ]);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    const noted = await sandbox.cli(['note', run.id, 'The admin panel uses legacy-auth.js']);
    expect(noted.code).toBe(0);
    expect(sandbox.read(run.id, 'plan.md')).toContain(
      '> **Note from dispatcher:** The admin panel uses legacy-auth.js',
    );
    await sandbox.cli(['answer', run.id, 'yes']);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(sandbox.read(run.id, 'worker.log')).toContain(
      'saw note: The admin panel uses legacy-auth.js',
    );
    expect(sandbox.read(run.id, 'plan.md')).toContain(
      '> **Note from dispatcher:** The admin panel uses legacy-auth.js',
    );
  });

  it('expands a task given only in words', async () => {
    const run = await sandbox.run(['--model', 'sim', 'Tidy up the README']);
    expect(run.items).toEqual([expect.stringMatching(/^Expand this plan/)]);
    const done = await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(done.code).toBe(0);
    const plan = sandbox.read(run.id, 'plan.md');
    expect(plan).not.toContain('Expand this plan');
    expect(plan).toMatch(/- \[x\] .*Tidy up the README/);
    expect(sandbox.read(run.id, 'prompt.md')).toContain('Tidy up the README');
  });

  it('prints the worker log', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'one']);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    const logs = await sandbox.cli(['logs', run.id]);
    expect(logs.stdout).toContain('simulated worker');
    const followed = await sandbox.cli(['logs', run.id, '--follow']);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('[sim] done');
  });
});

describe('starting workers', () => {
  it('starts each worker exactly once while a supervisor is running', async () => {
    await sandbox.run(['--model', 'sim', '--title', 'keeper', '--item', 'hang']);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(
        (await sandbox.run(['--model', 'sim', '--title', `quick ${i}`, '--item', 'sleep: 0.3'])).id,
      );
    for (const id of ids) {
      expect((await sandbox.cli(['wait', id, '--timeout', '30'])).code).toBe(0);
      expect(
        sandbox.events(id).filter((e) => e.type === 'spawned'),
        id,
      ).toHaveLength(1);
      expect(sandbox.read(id, 'worker.log').match(/simulated worker/g), id).toHaveLength(1);
    }
  });
});

describe('listing many tasks', () => {
  it('serves finished tasks from the status index only while their files are unchanged', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'crash']);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    const first = JSON.parse((await sandbox.cli(['list', '--json'])).stdout) as {
      id: string;
      state: string;
    }[];
    expect(first.find((t) => t.id === run.id)?.state).toBe('failed');
    expect(readFileSync(join(sandbox.root, 'status-index'), 'utf8')).toContain(`${run.id}\t`);
    // A retry changes the task's files, so the indexed "failed" no longer counts.
    sandbox.writeConfig('default: sim\n');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(sandbox.taskDir(run.id), 'plan.md'), '# crash\n\n- [ ] now fine\n');
    expect((await sandbox.cli(['retry', run.id])).code).toBe(0);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    const second = JSON.parse((await sandbox.cli(['list', '--json'])).stdout) as {
      id: string;
      state: string;
      attempt: number;
    }[];
    expect(second.find((t) => t.id === run.id)).toMatchObject({ state: 'done', attempt: 2 });
  });
});
