import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { childPids, runningInGroup } from '../helpers/processes.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';

const fixture = (name: string) => JSON.stringify(join(REPO_ROOT, 'test/fixtures', name));

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
});
afterEach(() => sandbox.cleanup());

describe('a worker that fails to start', () => {
  it('is reported with the recognised cause and the alternatives, and retry recovers with another model', async () => {
    const file = sandbox.writeConfig(
      [
        '# keep me',
        'default: broken',
        'backends:',
        `  broken: { command: ${fixture('exit-immediately.sh')} }`,
        `  other: { command: ${fixture('record-argv.mjs')} }`,
        'models:',
        '  broken: { backend: broken }',
        '  other: { backend: other }',
        '',
      ].join('\n'),
    );
    const run = await sandbox.run(['--item', 'write: out.txt = recovered']);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(3);
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('failed');
    expect(status.cause).toMatchObject({
      kind: 'auth',
      evidence: 'Error: authentication failed: invalid API key',
    });
    // The simulated worker is never offered for a task a real CLI ran: it would fake the work.
    expect(status.alternatives).toEqual(['other']);
    const human = await sandbox.cli(['status', run.id]);
    expect(human.stdout).toContain('authentication failed: Error: authentication failed');
    expect(human.stdout).toContain(`dispatch retry ${run.id} --model other`);
    expect(human.stdout).not.toContain('--model sim');

    // The user may still choose any model, and make it the default.
    const retried = await sandbox.cli(['retry', run.id, '--model', 'sim', '--set-default']);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain('attempt 2');
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    expect(await sandbox.status(run.id)).toMatchObject({ state: 'done', attempt: 2, model: 'sim' });
    expect(readFileSync(join(sandbox.project, 'out.txt'), 'utf8')).toBe('recovered\n');
    const config = readFileSync(file, 'utf8');
    expect(config).toContain('default: sim');
    expect(config).toContain('# keep me');
  });

  it('offers no model to retry with when only the simulated worker is left', async () => {
    sandbox.writeConfig(
      `default: broken\nbackends:\n  broken: { command: ${fixture('exit-immediately.sh')} }\nmodels:\n  broken: {}\n`,
    );
    const run = await sandbox.run(['--item', 'x']);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(3);
    expect((await sandbox.status(run.id)).alternatives).toEqual([]);
    const human = await sandbox.cli(['status', run.id]);
    expect(human.stdout).toContain(
      `dispatch retry ${run.id}   (no other installed model is configured: fix the cause first)`,
    );
    expect(human.stdout).not.toContain('--model sim');
  });

  it('names a CLI that is not installed', async () => {
    sandbox.writeConfig(
      'default: ghost\nbackends:\n  ghost: { command: no-such-agent-cli -p }\nmodels:\n  ghost: {}\n',
    );
    const run = await sandbox.run(['--item', 'x']);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(3);
    const status = await sandbox.status(run.id);
    expect(status.exit).toEqual({ code: 127, signal: null });
    expect(status.cause).toMatchObject({ kind: 'not-installed' });
    const doctor = await sandbox.cli(['doctor']);
    expect(doctor.code).toBe(8);
    expect(doctor.stdout).toContain('`no-such-agent-cli` is not on PATH');
  });
});

describe('inactivity timeout', () => {
  it('marks a silent worker timed out and leaves it running by default', async () => {
    sandbox.writeConfig('default: sim\ntimeout_minutes: 0.02\n');
    const run = await sandbox.run(['--item', 'hang']);
    const waited = await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(waited.code).toBe(3);
    expect(waited.stdout).toContain('timed-out');
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('timed-out');
    expect(status.reason).toContain('no activity for 0.02 minutes');
    expect(runningInGroup(run.pid as number).length).toBeGreaterThan(0);
    expect(sandbox.events(run.id).find((e) => e.type === 'timed-out')).toMatchObject({
      stopped: false,
    });
  });

  it('stops the worker when stop_on_timeout is set', async () => {
    sandbox.writeConfig('default: sim\ntimeout_minutes: 0.02\nstop_on_timeout: true\n');
    const run = await sandbox.run(['--item', 'hang']);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    await waitForCondition(sandbox.taskDir(run.id), () =>
      runningInGroup(run.pid as number).length === 0 ? true : undefined,
    );
    expect((await sandbox.status(run.id)).state).toBe('timed-out');
  });
});

describe('cancel', () => {
  it('stops the whole process group, grandchildren included', async () => {
    sandbox.writeConfig(
      `default: gc\nbackends:\n  gc: { command: ${fixture('spawn-grandchild.sh')} }\nmodels:\n  gc: {}\n`,
    );
    const run = await sandbox.run(['--item', 'x']);
    await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
      text.includes('grandchild pid'),
    );
    expect(runningInGroup(run.pid as number).length).toBeGreaterThanOrEqual(3);
    const cancelled = await sandbox.cli(['cancel', run.id, '--by', 'ci', '--reason', 'test']);
    expect(cancelled.code).toBe(0);
    expect(runningInGroup(run.pid as number)).toEqual([]);
    expect(sandbox.events(run.id).find((e) => e.type === 'cancelled')).toMatchObject({
      by: 'ci',
      reason: 'test',
    });
  });

  it('escalates to SIGKILL for a worker that ignores SIGTERM', async () => {
    sandbox.writeConfig(
      `default: stubborn\nbackends:\n  stubborn: { command: ${JSON.stringify(`node ${JSON.parse(fixture('ignore-sigterm.mjs'))}`)} }\nmodels:\n  stubborn: {}\n`,
    );
    const run = await sandbox.run(['--item', 'x']);
    await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
      text.includes('grandchild pid'),
    );
    const cancelled = await sandbox.cli(['cancel', run.id]);
    expect(cancelled.stdout).toContain('ignored SIGTERM and was killed');
    expect(runningInGroup(run.pid as number)).toEqual([]);
    expect((await sandbox.status(run.id)).state).toBe('cancelled');
  });
});

describe('notifications', () => {
  it('runs the hook of each event with a JSON description on standard input', async () => {
    const out = join(sandbox.dir, 'notified');
    mkdirSync(out);
    const hook = (event: string) => JSON.stringify(`cat > ${out}/${event}.json`);
    sandbox.writeConfig(
      `default: sim\nnotify:\n  question: ${hook('question')}\n  completed: ${hook('completed')}\n  failed: ${hook('failed')}\n`,
    );
    const run = await sandbox.run(['--item', 'ask: Ready?']);
    const question = JSON.parse(
      await waitForFile(join(out, 'question.json'), (t) => t.endsWith('}')),
    ) as Record<string, unknown>;
    expect(question).toMatchObject({
      event: 'question',
      task: { id: run.id, state: 'waiting', question: { seq: 1, text: 'Ready?' } },
    });
    await sandbox.cli(['answer', run.id, 'yes']);
    const completed = JSON.parse(
      await waitForFile(join(out, 'completed.json'), (t) => t.endsWith('}')),
    ) as Record<string, unknown>;
    expect(completed).toMatchObject({
      event: 'completed',
      task: { id: run.id, state: 'done', progress: { done: 1, total: 1 } },
    });
    const failing = await sandbox.run(['--item', 'crash']);
    const failed = JSON.parse(
      await waitForFile(join(out, 'failed.json'), (t) => t.endsWith('}')),
    ) as Record<string, unknown>;
    expect(failed).toMatchObject({
      event: 'failed',
      task: { id: failing.id, state: 'failed', exit: { code: 3 } },
    });
  });
});

describe('doctor', () => {
  it('finds leftovers, stale locks and stray workers, and --fix repairs them', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'hang']);
    const done = await sandbox.run(['--model', 'sim', '--item', 'quick']);
    await sandbox.cli(['wait', done.id, '--timeout', '20']);
    const tasks = join(sandbox.root, 'tasks');
    mkdirSync(join(tasks, '.staging-999999-abcd'));
    const temp = join(sandbox.taskDir(done.id), 'ipc', '.001.question.1.ab.tmp');
    writeFileSync(temp, 'torn');
    const { utimesSync } = await import('node:fs');
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(temp, old, old);
    utimesSync(join(tasks, '.staging-999999-abcd'), old, old);
    writeFileSync(
      join(sandbox.root, 'scheduler.lock'),
      JSON.stringify({ pid: 999999, startTime: null }),
    );
    // A task recorded as cancelled whose worker was never stopped.
    const stray = run.pid as number;
    writeFileSync(
      join(sandbox.taskDir(run.id), 'events.jsonl'),
      `${readFileSync(join(sandbox.taskDir(run.id), 'events.jsonl'), 'utf8')}${JSON.stringify({ type: 'cancelled', time: new Date().toISOString(), by: 'x', reason: 'y' })}\n`,
    );

    const report = await sandbox.cli(['doctor', '--json']);
    expect(report.code).toBe(8);
    const findings = JSON.parse(report.stdout) as {
      level: string;
      subject: string;
      message: string;
    }[];
    const text = findings.map((f) => `${f.level} ${f.subject}: ${f.message}`).join('\n');
    expect(text).toContain('leftover staging folder');
    expect(text).toContain('leftover temp file');
    expect(text).toContain('scheduler lock: stale');
    expect(text).toMatch(
      new RegExp(`error task ${run.id}: is cancelled but its worker \\(pid ${stray}\\) still runs`),
    );

    const fixed = await sandbox.cli(['doctor', '--fix']);
    expect(fixed.stdout).toContain('stopped it');
    expect(existsSync(temp)).toBe(false);
    expect(existsSync(join(tasks, '.staging-999999-abcd'))).toBe(false);
    expect(existsSync(join(sandbox.root, 'scheduler.lock'))).toBe(false);
    expect(runningInGroup(stray)).toEqual([]);
    const again = await sandbox.cli(['doctor']);
    expect(again.code, again.stdout).toBe(0);
  });
});

describe('bad input is refused clearly and damages nothing', () => {
  async function runningTask() {
    const run = await sandbox.run(['--model', 'sim', '--item', 'hang']);
    // The worker has read its plan and sits in the item: from now on only the test writes it.
    await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
      text.includes('[sim] hanging'),
    );
    return { id: run.id, plan: join(sandbox.taskDir(run.id), 'plan.md') };
  }

  for (const [name, content, problem] of [
    ['garbage', Buffer.from('\u0000\u0001\u0002binary\u0000'), /binary data/],
    [
      'non-UTF-8 text',
      Buffer.from([0x2d, 0x20, 0x5b, 0x20, 0x5d, 0x20, 0xff, 0xfe, 0x0a]),
      /not valid UTF-8/,
    ],
    ['a 50 MB file', Buffer.alloc(50 * 1024 * 1024, 'x'), /50\.0 MiB, over the 1\.0 MiB limit/],
  ] as const) {
    it(`reports a plan.md that is ${name} and leaves it untouched`, async () => {
      const { id, plan } = await runningTask();
      writeFileSync(plan, content);
      const status = await sandbox.cli(['status', id]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(problem);
      const note = await sandbox.cli(['note', id, 'hello']);
      expect(note.code).toBe(2);
      expect(note.stderr).toMatch(problem);
      expect(readFileSync(plan).equals(content)).toBe(true);
      const doctor = await sandbox.cli(['doctor', '--json']);
      expect(doctor.stdout).toMatch(problem);
    });
  }

  it('keeps a truncated plan.md readable: what parses counts', async () => {
    const { id, plan } = await runningTask();
    writeFileSync(plan, '# Trunc\n\n- [x] done one\n- [ ] half writ');
    const status = await sandbox.status(id);
    expect(status.progress).toMatchObject({ done: 1, total: 2, current: 'half writ' });
  });

  it('shows a 10 MB question truncated, without reading all of it', async () => {
    const { id } = await runningTask();
    const ipc = join(sandbox.taskDir(id), 'ipc');
    writeFileSync(join(ipc, '001.question'), `${'Why? '.repeat(2 * 1024 * 1024)}\n`);
    const waited = await sandbox.cli(['wait', id, '--json', '--timeout', '20']);
    const question = JSON.parse(waited.stdout).tasks[0].question.text as string;
    expect(question.length).toBeLessThan(70 * 1024);
    expect(question).toContain('[…truncated]');
  });

  it('reads a task folder with missing files as far as it can', async () => {
    const bare = join(sandbox.root, 'tasks', 'bare-task');
    mkdirSync(join(bare, 'ipc'), { recursive: true });
    writeFileSync(join(bare, 'plan.md'), '# Bare\n\n- [x] a\n- [ ] b\n');
    const onlyDir = join(sandbox.root, 'tasks', 'empty-task');
    mkdirSync(onlyDir);
    const list = await sandbox.cli(['list', '--json']);
    expect(list.code).toBe(0);
    const tasks = JSON.parse(list.stdout) as {
      id: string;
      legacy: boolean;
      progress: { done: number };
    }[];
    expect(tasks.find((t) => t.id === 'bare-task')).toMatchObject({
      legacy: true,
      progress: { done: 1 },
    });
    expect(tasks.find((t) => t.id === 'empty-task')).toBeDefined();
    const status = await sandbox.cli(['status', 'empty-task']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('empty-task');
    const answer = await sandbox.cli(['note', 'empty-task', 'hi']);
    expect(answer.code).not.toBe(0);
    expect(answer.code).not.toBe(70);
  });

  it('ignores a torn line in events.jsonl', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'one']);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    const events = join(sandbox.taskDir(run.id), 'events.jsonl');
    writeFileSync(events, `${readFileSync(events, 'utf8')}{"type":"note","ti`);
    expect((await sandbox.status(run.id)).state).toBe('done');
  });

  it('never runs an answer or a note as a command', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'ask: Go?', '--item', 'hang']);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    const marker = join(sandbox.dir, 'owned');
    const evil = `$(touch ${marker})\n\`touch ${marker}\`; touch ${marker} | tee ${marker}`;
    await sandbox.cli(['note', run.id, evil]);
    await sandbox.cli(['answer', run.id, evil]);
    await waitForFile(join(sandbox.taskDir(run.id), 'ipc', '001.done'));
    expect(existsSync(marker)).toBe(false);
    expect(sandbox.read(run.id, 'plan.md')).toContain(
      `> **Note from dispatcher:** $(touch ${marker})`,
    );
    void childPids;
  });
});

describe('desktop notifications', () => {
  it('calls notify-send with the text as separate arguments where it exists', async () => {
    const bin = join(sandbox.dir, 'bin');
    mkdirSync(bin);
    const record = join(sandbox.dir, 'notify-send.args');
    writeFileSync(
      join(bin, 'notify-send'),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> ${JSON.stringify(record)}\n`,
      { mode: 0o755 },
    );
    sandbox.writeConfig('default: sim\nnotify:\n  desktop: true\n');
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
    const run = await sandbox.cli(['run', '--json', '--item', 'ask: Deploy $(rm -rf ~) now?'], {
      env,
    });
    const id = JSON.parse(run.stdout).id as string;
    const args = await waitForFile(record, (text) => text.includes('Question 001'));
    expect(args.split('\n')).toEqual(
      expect.arrayContaining([
        '--app-name=dispatch',
        `dispatch: ${id}`,
        'Question 001: Deploy $(rm -rf ~) now?',
      ]),
    );
  });
});
