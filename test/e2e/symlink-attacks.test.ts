import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { childPids } from '../helpers/processes.js';
import { waitForCondition } from '../helpers/wait-for.js';

const LINK_ERROR = /is a symbolic link; dispatch never follows links inside \.dispatch\//;
const UNTOUCHED = 'nobody may write here\n';

let sandbox: Sandbox;
afterEach(() => sandbox?.cleanup());

/** A folder outside the project with one file in it, as an attacker's link would aim at. */
function outside(): { dir: string; victim: string } {
  const dir = join(sandbox.dir, 'outside');
  mkdirSync(dir, { recursive: true });
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, UNTOUCHED);
  return { dir, victim };
}

/** A task whose simulated worker waits on question 001. */
async function waitingTask(): Promise<string> {
  const { id } = await sandbox.run(['--model', 'sim', '--item', 'ask: Which name?']);
  const ipc = join(sandbox.taskDir(id), 'ipc');
  await waitForCondition(ipc, () => (existsSync(join(ipc, '001.question')) ? true : undefined));
  return id;
}

/** Replaces a file or folder of a task with a link to `target`, keeping the original aside. */
function plantLink(id: string, name: string, target: string): string {
  const path = join(sandbox.taskDir(id), name);
  renameSync(path, `${path}.orig`);
  // Made aside and renamed into place: a process appending meanwhile may have recreated the file.
  symlinkSync(target, `${path}.link`);
  renameSync(`${path}.link`, path);
  return path;
}

/** One line that names the file, a hint at most, and no stack trace. */
function expectLinkRefusal(stderr: string, file: string): void {
  expect(stderr).toMatch(LINK_ERROR);
  expect(stderr).toContain(file);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

describe('links inside .dispatch/ are never followed', () => {
  it('a note refuses a plan.md that links elsewhere and leaves the target as it was', async () => {
    sandbox = new Sandbox();
    const { victim } = outside();
    const id = await waitingTask();
    const link = plantLink(id, 'plan.md', victim);
    const result = await sandbox.cli(['note', id, 'appended through the link?']);
    expect(result.code).not.toBe(0);
    expectLinkRefusal(result.stderr, link);
    expect(readFileSync(victim, 'utf8')).toBe(UNTOUCHED);
  });

  it('a note writes no file into a folder that notes/ links to', async () => {
    sandbox = new Sandbox();
    const { dir } = outside();
    const id = await waitingTask();
    const link = join(sandbox.taskDir(id), 'notes');
    symlinkSync(dir, link);
    const result = await sandbox.cli(['note', id, 'kept in notes/?']);
    expect(result.code).not.toBe(0);
    expectLinkRefusal(result.stderr, link);
    expect(readdirSync(dir)).toEqual(['victim.txt']);
    expect(readFileSync(join(sandbox.taskDir(id), 'plan.md'), 'utf8')).not.toContain(
      'kept in notes/?',
    );
  });

  it('no event is appended through an events.jsonl that links elsewhere', async () => {
    sandbox = new Sandbox();
    const { victim } = outside();
    const id = await waitingTask();
    const link = plantLink(id, 'events.jsonl', victim);
    for (const args of [
      ['note', id, 'an event through the link?'],
      ['cancel', id],
    ]) {
      const result = await sandbox.cli(args);
      expect(result.code, `dispatch ${args.join(' ')}`).not.toBe(0);
      expectLinkRefusal(result.stderr, link);
    }
    expect(readFileSync(victim, 'utf8')).toBe(UNTOUCHED);
  });

  it('an answer is not written into a folder that ipc/ links to', async () => {
    sandbox = new Sandbox();
    const { dir } = outside();
    const id = await waitingTask();
    const ipc = join(sandbox.taskDir(id), 'ipc');
    writeFileSync(join(dir, '001.question'), 'Which name?\n');
    const link = plantLink(id, 'ipc', dir);
    const result = await sandbox.cli(['answer', id, '1', 'Ada']);
    expect(result.code).not.toBe(0);
    expectLinkRefusal(result.stderr, link);
    expect(readdirSync(dir).sort()).toEqual(['001.question', 'victim.txt']);
    expect(existsSync(join(`${ipc}.orig`, '001.answer'))).toBe(false);
  });

  it('a retry appends no worker output to a worker.log that links elsewhere', async () => {
    sandbox = new Sandbox();
    const { victim } = outside();
    const { id } = await sandbox.run(['--model', 'sim', '--item', 'fail: broken on purpose']);
    await waitForCondition(sandbox.taskDir(id), () =>
      sandbox.events(id).some((e) => e.type === 'exited') ? true : undefined,
    );
    const link = plantLink(id, 'worker.log', victim);
    const result = await sandbox.cli(['retry', id]);
    expect(result.code).not.toBe(0);
    expectLinkRefusal(result.stderr, link);
    expect(readFileSync(victim, 'utf8')).toBe(UNTOUCHED);
    expect(sandbox.events(id).filter((e) => e.type === 'spawned')).toHaveLength(1);
  });

  it("the worker's exit status is never appended through a link planted while it runs", async () => {
    sandbox = new Sandbox();
    const { victim } = outside();
    const id = await waitingTask();
    const spawned = sandbox.events(id).find((e) => e.type === 'spawned');
    plantLink(id, 'events.jsonl', victim);
    // The worker under the wrapper ends; the wrapper records its status.
    for (const pid of childPids(spawned?.pid as number)) process.kill(pid, 'SIGTERM');
    // The wrapper writes through the descriptor it was given: into the real file, now set aside.
    const kept = join(sandbox.taskDir(id), 'events.jsonl.orig');
    await waitForCondition(sandbox.taskDir(id), () =>
      readFileSync(kept, 'utf8').includes('"exited"') ? true : undefined,
    );
    expect(readFileSync(victim, 'utf8')).toBe(UNTOUCHED);
  });

  it('doctor --fix deletes no temp file in a folder that ipc/ links to', async () => {
    sandbox = new Sandbox();
    const { dir } = outside();
    const id = await waitingTask();
    const temp = join(dir, '.precious.tmp');
    writeFileSync(temp, 'someone else’s file\n');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(temp, old, old);
    const link = plantLink(id, 'ipc', dir);
    const result = await sandbox.cli(['doctor', '--fix']);
    expect(existsSync(temp)).toBe(true);
    expect(result.stdout + result.stderr).toContain(link);
  });

  it('a task folder that is itself a link is refused by every command', async () => {
    sandbox = new Sandbox();
    const { dir } = outside();
    const id = await waitingTask();
    const moved = join(dir, id);
    renameSync(sandbox.taskDir(id), moved);
    symlinkSync(moved, sandbox.taskDir(id));
    const plan = readFileSync(join(moved, 'plan.md'), 'utf8');
    const events = readFileSync(join(moved, 'events.jsonl'), 'utf8');
    for (const args of [
      ['status', id],
      ['note', id, 'through the folder link?'],
      ['answer', id, 'Ada'],
      ['cancel', id],
      ['logs', id],
    ]) {
      const result = await sandbox.cli(args);
      expect(result.code, `dispatch ${args.join(' ')}`).not.toBe(0);
      expectLinkRefusal(result.stderr, sandbox.taskDir(id));
    }
    const list = await sandbox.cli(['list', '--json']);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(id);
    expect(readFileSync(join(moved, 'plan.md'), 'utf8')).toBe(plan);
    expect(readFileSync(join(moved, 'events.jsonl'), 'utf8')).toBe(events);
    expect(existsSync(join(moved, 'ipc', '001.answer'))).toBe(false);
  });

  it('a tasks/ folder that is a link gets no task, and every command refuses it', async () => {
    sandbox = new Sandbox();
    const { dir } = outside();
    mkdirSync(sandbox.root, { recursive: true, mode: 0o700 });
    const link = join(sandbox.root, 'tasks');
    symlinkSync(dir, link);
    const run = await sandbox.cli(['run', '--model', 'sim', 'Staged through the link?']);
    expect(run.code).not.toBe(0);
    expectLinkRefusal(run.stderr, link);
    expect(readdirSync(dir)).toEqual(['victim.txt']);
    const list = await sandbox.cli(['list', '--json']);
    expect(list.code).not.toBe(0);
    expectLinkRefusal(list.stderr, link);
  });
});
