import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { waitForCondition } from '../helpers/wait-for.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

const ASK_AGAIN = 75;

/** A task folder made by hand, with the wait settings `dispatch run` records in task.json. */
function handMadeTask(settings: { fallbackMinutes?: number; askSliceSeconds?: number } = {}) {
  const dir = join(sandbox.dir, 'task');
  mkdirSync(join(dir, 'ipc'), { recursive: true });
  writeFileSync(join(dir, 'task.json'), JSON.stringify(settings));
  return { dir, ipc: join(dir, 'ipc') };
}

function answer(ipc: string, seq: string, text: string): void {
  writeFileSync(join(ipc, `.${seq}.answer.tmp`), `${text}\n`);
  renameSync(join(ipc, `.${seq}.answer.tmp`), join(ipc, `${seq}.answer`));
}

const ipcNames = (ipc: string) => readdirSync(ipc).sort();

describe('dispatch ask waits in slices', () => {
  it('ends a slice with its own exit status and re-attaches to the same question', async () => {
    const task = handMadeTask();
    const env = { DISPATCH_TASK_DIR: task.dir };
    const ask = (...args: string[]) => sandbox.cli(['ask', '--slice', '1', ...args], { env });

    const first = await ask('Which colour?');
    expect(first.code, first.stderr).toBe(ASK_AGAIN);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(
      /^No answer yet to question 001 \(waited \d s of 3 min\); run the same command again to keep waiting\.\n$/,
    );
    // The lease stays after a slice: the worker asks again within moments.
    expect(existsSync(join(task.dir, 'asking', '001.waiting'))).toBe(true);

    // The same text again, and by number: still question 001, never a second file.
    expect((await ask('  Which colour? ')).code).toBe(ASK_AGAIN);
    const bySeq = await ask('--seq', '1', 'Which colour?');
    expect(bySeq.code, bySeq.stderr).toBe(ASK_AGAIN);
    expect(ipcNames(task.ipc)).toEqual(['001.question']);

    // The answer came while nobody waited: the next ask returns it at once and acknowledges it.
    answer(task.ipc, '001', 'blue');
    const started = Date.now();
    const answered = await sandbox.cli(['ask', '--slice', '60', 'Which colour?'], { env });
    expect(answered).toMatchObject({ code: 0, stdout: 'blue\n', stderr: '' });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(ipcNames(task.ipc)).toEqual(['001.answer', '001.done', '001.question']);
    expect(existsSync(join(task.dir, 'asking', '001.waiting'))).toBe(false);

    // Answered and acknowledged: the same text is a new question now, as is another text.
    expect((await ask('Which colour?')).code).toBe(ASK_AGAIN);
    expect((await ask('Which size?')).code).toBe(ASK_AGAIN);
    expect(ipcNames(task.ipc)).toEqual([
      '001.answer',
      '001.done',
      '001.question',
      '002.question',
      '003.question',
    ]);

    const missing = await ask('--seq', '9', 'Which colour?');
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('there is no question 009');
    expect(missing.stderr).toContain('Unanswered: 002, 003');
  });

  it("bounds the whole wait by the task's fallback_minutes, counted across slices", async () => {
    // 0.05 minutes: 3 s in all, in slices of 1 s.
    const task = handMadeTask({ fallbackMinutes: 0.05, askSliceSeconds: 1 });
    const env = { DISPATCH_TASK_DIR: task.dir };
    const codes: (number | null)[] = [];
    const started = Date.now();
    let last;
    do {
      last = await sandbox.cli(['ask', 'Which colour?'], { env });
      codes.push(last.code);
    } while (last.code === ASK_AGAIN && codes.length < 10);
    const elapsed = Date.now() - started;
    // Slices of 1 s fill the 3 s, however long each `dispatch ask` takes to start; the last says stop.
    expect(codes.length).toBeGreaterThanOrEqual(2);
    expect(codes.slice(0, -1).every((code) => code === ASK_AGAIN)).toBe(true);
    expect(codes.at(-1)).toBe(1);
    expect(last.stderr).toContain('no answer to question 001 within 3 s');
    expect(last.stderr).toContain('Follow the fallback');
    expect(elapsed).toBeGreaterThanOrEqual(2900);
    expect(elapsed).toBeLessThan(8000);
    // Asked once more after that, even with a long slice: the wait is over.
    const again = Date.now();
    expect((await sandbox.cli(['ask', '--slice', '60', 'Which colour?'], { env })).code).toBe(1);
    expect(Date.now() - again).toBeLessThan(30_000);
    expect(ipcNames(task.ipc)).toEqual(['001.question']);
  });

  it('gives a new attempt of the worker the whole wait again', async () => {
    const task = handMadeTask({ fallbackMinutes: 0.02, askSliceSeconds: 1 });
    const ask = (attempt: string) =>
      sandbox.cli(['ask', 'Which colour?'], {
        env: { DISPATCH_TASK_DIR: task.dir, DISPATCH_ATTEMPT: attempt },
      });
    expect((await ask('1')).code).toBe(ASK_AGAIN);
    expect((await ask('1')).code).toBe(1);
    expect((await ask('2')).code).toBe(ASK_AGAIN);
    expect(ipcNames(task.ipc)).toEqual(['001.question']);
  });

  it(
    'drops its lease when a shell tool kills it, so no one is said to be waiting',
    { retry: 1 },
    async () => {
      const task = handMadeTask();
      const child = spawn(
        process.execPath,
        [join(REPO_ROOT, 'bin', 'dispatch'), 'ask', '--slice', '60', 'Colour?'],
        { env: { ...sandbox.env, DISPATCH_TASK_DIR: task.dir }, stdio: 'ignore' },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      const lease = join(task.dir, 'asking', '001.waiting');
      await waitForCondition(task.dir, () => (existsSync(lease) ? true : undefined));
      child.kill('SIGTERM');
      expect(await exited).toBe('SIGTERM');
      expect(existsSync(lease)).toBe(false);
      expect(ipcNames(task.ipc)).toEqual(['001.question']);
    },
  );

  it('waits a slice, not zero time, with a whole wait longer than a Node.js timer holds', async () => {
    const task = handMadeTask();
    const started = Date.now();
    const result = await sandbox.cli(['ask', '--slice', '1', '--timeout', '3000000', 'Colour?'], {
      env: { DISPATCH_TASK_DIR: task.dir },
    });
    expect(result.code, result.stderr).toBe(ASK_AGAIN);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('a worker that asks through dispatch ask in slices', () => {
  const askAgainLines = (log: string) => log.split('\n').filter((l) => /asking again$/.test(l));

  it('gets an answer given after several slices, from one question file', async () => {
    sandbox.writeConfig('default: sim\nask_slice_seconds: 1\nfallback_minutes: 1\n');
    const run = await sandbox.run(['--item', 'ask-cli: Tabs or spaces?']);
    const dir = sandbox.taskDir(run.id);
    await waitForCondition(
      dir,
      () => (askAgainLines(sandbox.read(run.id, 'worker.log')).length >= 3 ? true : undefined),
      20_000,
      () => sandbox.read(run.id, 'worker.log'),
    );
    const answered = await sandbox.cli(['answer', run.id, 'spaces', '--json']);
    expect(answered.code, answered.stderr).toBe(0);
    expect(JSON.parse(answered.stdout)).toMatchObject({
      seq: 1,
      resumed: false,
      workerWaiting: true,
    });
    expect((await sandbox.cli(['wait', run.id, '--timeout', '30'])).code).toBe(0);
    expect((await sandbox.status(run.id)).state).toBe('done');
    const log = sandbox.read(run.id, 'worker.log');
    expect(log).toContain('answer from dispatch ask: spaces');
    expect(log).toContain('No answer yet to question 001');
    expect(ipcNames(join(dir, 'ipc'))).toEqual(['.done', '001.answer', '001.done', '001.question']);
    expect(sandbox.events(run.id).filter((e) => e.type === 'spawned')).toHaveLength(1);
  });

  it('stops after fallback_minutes across slices; the answer then resumes the task', async () => {
    sandbox.writeConfig('default: sim\nask_slice_seconds: 1\nfallback_minutes: 0.05\n');
    const run = await sandbox.run(['--item', 'ask-cli: Tabs or spaces?', '--item', 'Finish']);
    const dir = sandbox.taskDir(run.id);
    const exited = await waitForCondition(
      dir,
      () => sandbox.events(run.id).find((e) => e.type === 'exited'),
      30_000,
      () => sandbox.read(run.id, 'events.jsonl'),
    );
    const asked = statSync(join(dir, 'ipc', '001.question')).mtimeMs;
    const waited = Date.parse(String(exited.time)) - asked;
    expect(waited).toBeGreaterThanOrEqual(2900);
    expect(waited).toBeLessThan(8000);
    const log = sandbox.read(run.id, 'worker.log');
    expect(askAgainLines(log).length).toBeGreaterThanOrEqual(1);
    expect(log).toContain('no answer to question 001 within 3 s');
    expect(ipcNames(join(dir, 'ipc'))).toEqual(['001.question']);
    expect((await sandbox.status(run.id)).state).toBe('blocked');

    const answered = await sandbox.cli(['answer', run.id, 'tabs']);
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.stdout).toContain('the earlier worker had stopped');
    expect((await sandbox.cli(['wait', run.id, '--timeout', '30'])).code).toBe(0);
    expect((await sandbox.status(run.id)).state).toBe('done');
  });

  it('says so when no dispatch ask is waiting for the question', async () => {
    // Asking through the files: the worker polls, and no lease is held.
    const run = await sandbox.run(['--model', 'sim', '--item', 'ask: Which port?']);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    const answered = await sandbox.cli(['answer', run.id, '8080']);
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.stdout).toContain(
      'no `dispatch ask` is waiting now; the worker gets it when it checks or asks again',
    );
    expect((await sandbox.cli(['wait', run.id, '--timeout', '30'])).code).toBe(0);
    expect((await sandbox.status(run.id)).state).toBe('done');
  });
});
