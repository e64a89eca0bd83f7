import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Task text that is not UTF-8, or holds a NUL byte, would reach the worker mangled: it is refused
 * with the source and the byte offset, and no task is created.
 */
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

const LATIN1 = Buffer.from('# Plan\n- [ ] Write the caf\xe9 menu\n', 'latin1');
const WITH_NUL = Buffer.from('# Plan\n- [ ] Write\0 the menu\n', 'latin1');

describe('input that is not text', () => {
  it('refuses a plan file in Latin-1, naming the file and the byte offset', async () => {
    const file = join(sandbox.project, 'plan.md');
    writeFileSync(file, LATIN1);
    const result = await sandbox.cli(['run', '--model', 'sim', '--plan-file', 'plan.md']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`${file}:2:`);
    expect(result.stderr).toContain('not UTF-8 text (byte 0xe9) at byte offset 26');
    expect(sandbox.taskIds()).toEqual([]);
  });

  it('refuses a plan file with a NUL byte', async () => {
    const file = join(sandbox.project, 'plan.md');
    writeFileSync(file, WITH_NUL);
    const result = await sandbox.cli(['run', '--model', 'sim', '--plan-file', file]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`${file}:2:12`);
    expect(result.stderr).toContain('contains a NUL byte at byte offset 18');
    expect(sandbox.taskIds()).toEqual([]);
  });

  it('refuses a plan or a task on standard input that is not text', async () => {
    const plan = await sandbox.cli(['run', '--model', 'sim', '--plan-file', '-'], {
      input: LATIN1,
    });
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stderr).toContain('the plan on standard input: is not UTF-8 text');
    const task = await sandbox.cli(['run', '--model', 'sim', '-'], { input: WITH_NUL });
    expect(task.code, task.stderr).toBe(2);
    expect(task.stderr).toContain(
      'the task on standard input: contains a NUL byte at byte offset 18',
    );
    expect(sandbox.taskIds()).toEqual([]);
  });

  it('refuses an --item or task argument whose bytes are not UTF-8', async () => {
    // Only a shell can put bytes that are not UTF-8 into an argument; Node encodes strings.
    const run = (args: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          'bash',
          ['-c', `"${process.execPath}" "${CLI}" run --model sim ${args}`],
          {
            cwd: sandbox.project,
            env: sandbox.env,
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const item = await run(`--item "$(printf 'caf\\xe9')"`);
    expect(item.code, item.stderr).toBe(2);
    expect(item.stderr).toContain('--item 1: contains bytes that are not UTF-8');
    const words = await run(`"$(printf 'Write the caf\\xe9 menu')"`);
    expect(words.code, words.stderr).toBe(2);
    expect(words.stderr).toContain('the task text: contains bytes that are not UTF-8');
    expect(sandbox.taskIds()).toEqual([]);
  });

  it('still dispatches UTF-8 text with accents and emoji unchanged', async () => {
    writeFileSync(join(sandbox.project, 'plan.md'), '# Plan\n- [ ] Write the café menu 🍰\n');
    const task = await sandbox.run(['--model', 'sim', '--plan-file', 'plan.md']);
    expect(sandbox.read(task.id, 'plan.md')).toContain('Write the café menu 🍰');
  });
});
