import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

/** Mounting a real small file system needs root (or CAP_SYS_ADMIN) and Linux. */
function canMount(): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs mounts are a Linux feature';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  return undefined;
}
const skipReason = canMount();

let sandbox: Sandbox | undefined;
let mounted: string[] = [];
afterEach(() => {
  sandbox?.stopProcesses();
  for (const dir of mounted) execFileSync('umount', ['-l', dir]);
  mounted = [];
  sandbox?.cleanup();
  sandbox = undefined;
});

/** Fills the file system with one file until it refuses; returns the file. */
function fill(dir: string): string {
  const filler = join(dir, 'filler.bin');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // Small writes too, so not even a block is left.
  const tail = openSync(join(dir, 'filler-tail.bin'), 'w');
  try {
    for (;;) writeSync(tail, Buffer.alloc(512, 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(tail);
  }
  return filler;
}

/** Every file and folder under `dir`, relative. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const name = `${prefix}${entry.name}`;
    return entry.isDirectory() ? [name, ...tree(join(dir, entry.name), `${name}/`)] : [name];
  });
}

function expectOneLine(result: { code: number | null; stderr: string }, label: string): void {
  expect(result.code, `${label}\n${result.stderr}`).toBe(10);
  const lines = result.stderr.trim().split('\n');
  expect(lines[0], label).toMatch(/cannot \w+ \/\S+: no space left on device \(ENOSPC\)/);
  expect(result.stderr, label).not.toMatch(/^\s+at /m);
  expect(lines.length, label).toBeLessThanOrEqual(2);
}

describe.skipIf(skipReason !== undefined)('a full file system', () => {
  it('gives one line naming the file, leaves nothing half-written and loses nothing', async () => {
    sandbox = new Sandbox();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', sandbox.project]);
    mounted.push(sandbox.project);
    const { id } = await sandbox.run(['--model', 'sim', '--item', 'ask: Which name?']);
    const ipc = join(sandbox.taskDir(id), 'ipc');
    await waitForCondition(ipc, () => (existsSync(join(ipc, '001.question')) ? true : undefined));
    const plan = sandbox.read(id, 'plan.md');
    // The worker's own temp file of the question may still be there for a moment.
    const before = tree(sandbox.taskDir(id))
      .filter((name) => name !== 'worker.log' && !name.endsWith('.tmp'))
      .sort();
    const filler = fill(sandbox.project);

    const note = await sandbox.cli(['note', id, 'a note on a full disk']);
    expectOneLine(note, 'dispatch note');
    const answer = await sandbox.cli(['answer', id, 'Ada']);
    expectOneLine(answer, 'dispatch answer');
    const run = await sandbox.cli(['run', '--model', 'sim', 'A task on a full disk']);
    expectOneLine(run, 'dispatch run');

    // Reading needs no space: the task and its question are still shown.
    const status = await sandbox.cli(['status', id]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('Which name?');
    expect((await sandbox.cli(['list'])).code).toBe(0);

    // Nothing half-written: the plan as it was, no answer, no temp file, no staging folder.
    expect(sandbox.read(id, 'plan.md')).toBe(plan);
    expect(existsSync(join(ipc, '001.answer'))).toBe(false);
    const after = tree(sandbox.taskDir(id));
    expect(after.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(
      after.filter((name) => !name.startsWith('notes') && name !== 'worker.log').sort(),
    ).toEqual(before);
    expect(sandbox.taskIds()).toEqual([id]);
    expect(readdirSync(join(sandbox.root, 'tasks')).filter((n) => n.startsWith('.'))).toEqual([]);

    // Space is back: the same commands work and the task finishes with the answer.
    unlinkSync(filler);
    unlinkSync(join(sandbox.project, 'filler-tail.bin'));
    const retried = await sandbox.cli(['answer', id, 'Ada']);
    expect(retried.code, retried.stderr).toBe(0);
    await sandbox.waitForDone([id]);
    expect(readFileSync(join(ipc, '001.answer'), 'utf8')).toBe('Ada\n');
  });

  it('a read-only file system gets the same one line', async () => {
    sandbox = new Sandbox();
    const project = join(sandbox.dir, 'read-only');
    mkdirSync(project);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', project]);
    mounted.push(project);
    mkdirSync(join(project, '.dispatch', 'tasks'), { recursive: true, mode: 0o700 });
    execFileSync('mount', ['-o', 'remount,ro', project]);
    const result = await sandbox.cli(['run', '--model', 'sim', 'A task on a read-only disk'], {
      cwd: project,
    });
    expect(result.code, result.stderr).toBe(10);
    expect(result.stderr.trim().split('\n')[0]).toMatch(
      /cannot \w+ \/\S+: read-only file system \(EROFS\)/,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

if (skipReason) {
  describe('a full file system', () => {
    it.skip(`skipped: ${skipReason}`, () => undefined);
  });
}
