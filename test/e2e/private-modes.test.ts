import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

let sandbox: Sandbox;
afterEach(() => sandbox?.cleanup());

/** Every file and folder under `dir` (itself included) with its permission bits. */
function modes(dir: string): { path: string; mode: number; folder: boolean }[] {
  const stats = lstatSync(dir);
  const own = { path: dir, mode: stats.mode & 0o777, folder: stats.isDirectory() };
  if (!stats.isDirectory()) return [own];
  return [own, ...readdirSync(dir).flatMap((name) => modes(join(dir, name)))];
}

function expectPrivate(dir: string): void {
  const wrong = modes(dir)
    .filter((entry) => entry.mode !== (entry.folder ? 0o700 : 0o600))
    .map((entry) => `${entry.mode.toString(8)} ${entry.path}`);
  expect(wrong, 'every folder 0700 and every file 0600').toEqual([]);
}

/** A task that asked twice (through the file protocol and through `dispatch ask`) and finished. */
async function questionAndAnswerCycle(): Promise<string> {
  const { id } = await sandbox.run([
    '--model',
    'sim',
    '--item',
    'ask: Which name?',
    '--item',
    'ask-cli: Tabs or spaces?',
    '--item',
    'write: greeting.txt = hello',
  ]);
  const ipc = join(sandbox.taskDir(id), 'ipc');
  for (const [seq, answer] of [
    ['001', 'Ada'],
    ['002', 'tabs'],
  ] as const) {
    await waitForCondition(ipc, () =>
      existsSync(join(ipc, `${seq}.question`)) ? true : undefined,
    );
    const result = await sandbox.cli(['answer', id, answer]);
    expect(result.code, result.stderr).toBe(0);
  }
  await sandbox.waitForDone([id]);
  await waitForCondition(sandbox.taskDir(id), () =>
    sandbox.events(id).some((e) => e.type === 'exited') ? true : undefined,
  );
  return id;
}

describe('everything dispatch keeps is private to the user', () => {
  it('after a question and answer cycle every file is 0600 and every folder 0700', async () => {
    sandbox = new Sandbox();
    const id = await questionAndAnswerCycle();
    const ipc = readdirSync(join(sandbox.taskDir(id), 'ipc')).sort();
    expect(ipc).toEqual(expect.arrayContaining(['001.question', '001.answer', '002.question']));
    expect((await sandbox.cli(['list'])).code).toBe(0);
    expectPrivate(sandbox.root);
    if (existsSync(sandbox.env.DISPATCH_HOME as string))
      expectPrivate(sandbox.env.DISPATCH_HOME as string);
    // The worker's own work in the project keeps the modes of the user's umask.
    const umask = process.umask();
    expect(statSync(join(sandbox.project, 'greeting.txt')).mode & 0o777).toBe(0o666 & ~umask);
  }, 60_000);
});

/** A second Unix user made for the test, or why there can be none. */
function makeUser(): { name?: string; skip?: string } {
  if (process.platform !== 'linux') return { skip: 'useradd and runuser are Linux tools' };
  if (process.getuid?.() !== 0) return { skip: 'creating a second user needs root' };
  const name = `dsp${randomBytes(4).toString('hex')}`;
  const made = spawnSync('useradd', ['--no-create-home', '--shell', '/bin/sh', name]);
  if (made.status !== 0) return { skip: `useradd failed: ${made.stderr?.toString().trim()}` };
  return { name };
}

describe('another user on the same machine', () => {
  let user: { name?: string; skip?: string } = {};
  beforeAll(() => {
    user = makeUser();
  });
  afterAll(() => {
    if (user.name) spawnSync('userdel', [user.name]);
  });

  it('can read and list nothing in a task folder, and plant nothing in it', async (context) => {
    if (!user.name) {
      context.skip(user.skip);
      return;
    }
    sandbox = new Sandbox();
    const id = await questionAndAnswerCycle();
    // The folders above the task folder are opened as a shared project (or a root made by
    // another tool) would have them: only the task folder's own modes protect it.
    for (const dir of [sandbox.dir, sandbox.project, sandbox.root, join(sandbox.root, 'tasks')])
      chmodSync(dir, 0o755);
    const as = (...command: string[]) =>
      spawnSync('runuser', ['-u', user.name as string, '--', ...command], { encoding: 'utf8' });
    expect(as('ls', join(sandbox.root, 'tasks')).stdout.trim()).toBe(id);
    for (const entry of modes(sandbox.taskDir(id))) {
      const attempt = entry.folder ? as('ls', entry.path) : as('cat', entry.path);
      expect(attempt.status, `${user.name} read ${entry.path}`).not.toBe(0);
    }
    const plant = as('touch', join(sandbox.taskDir(id), 'ipc', '003.question'));
    expect(plant.status).not.toBe(0);
    expect(existsSync(join(sandbox.taskDir(id), 'ipc', '003.question'))).toBe(false);
  }, 60_000);
});
