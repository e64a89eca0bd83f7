import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
});
afterEach(() => sandbox.cleanup());

/** An agent CLI refused by its service's rate limit, as a real one prints it. */
function rateLimitedCli(): string {
  const file = join(sandbox.dir, 'limited-agent');
  writeFileSync(
    file,
    '#!/bin/sh\necho "Error: 429 Too Many Requests: rate limit reached"\nexit 1\n',
  );
  chmodSync(file, 0o755);
  return file;
}

/**
 * Runs a command exactly as printed, through sh, with `dispatch` on PATH as the user has it:
 * what "works when pasted" means.
 */
function paste(command: string): { status: number | null; output: string } {
  const bin = join(sandbox.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'dispatch'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`,
  );
  chmodSync(join(bin, 'dispatch'), 0o755);
  const result = spawnSync('sh', ['-c', command], {
    cwd: sandbox.project,
    env: { ...sandbox.env, PATH: `${bin}:${sandbox.env.PATH ?? ''}` },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The command a hint line ends with ("…: dispatch retry x", "… `dispatch retry x` …"). */
function commandIn(line: string): string {
  const quoted = /`(dispatch [^`]+)`/.exec(line);
  if (quoted) return quoted[1] as string;
  const trailing = /(dispatch \S.*)$/.exec(line.trim());
  if (!trailing) throw new Error(`no command in: ${line}`);
  return trailing[1] as string;
}

describe('hints that work when pasted', () => {
  it('fills in the task and the installed alternative in a failure’s advice, or says there is none', async () => {
    const limited = JSON.stringify(rateLimitedCli());
    sandbox.writeConfig(
      `default: limited\nbackends:\n  limited: { command: ${limited} }\nmodels:\n  limited: {}\n`,
    );
    const run = await sandbox.run(['--item', 'x']);
    const waited = await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(waited.code).toBe(3);
    expect(waited.stdout).toContain('rate limit');
    expect(waited.stdout).not.toMatch(/\bID\b|OTHER|--model sim/);
    const advice = waited.stdout.split('\n').find((line) => line.includes('Wait for the limit'));
    expect(advice).toBe(
      `  Wait for the limit to reset, then \`dispatch retry ${run.id}\` (no other installed model is configured).`,
    );
    expect(waited.stdout).toContain(
      `retry: dispatch retry ${run.id}   (no other installed model is configured)`,
    );
    const status = await sandbox.cli(['status', run.id]);
    expect(status.stdout).not.toMatch(/\bID\b|OTHER|--model sim/);
    const pasted = paste(commandIn(advice as string));
    expect(pasted.status, pasted.output).toBe(0);
    expect(pasted.output).toContain(`Retrying ${run.id} (attempt 2)`);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(3);

    // With another installed model configured, the advice names it.
    sandbox.writeConfig(
      `default: limited\nbackends:\n  limited: { command: ${limited} }\n  spare: { command: ${limited} }\nmodels:\n  limited: { backend: limited }\n  other: { backend: spare }\n`,
    );
    const again = await sandbox.cli(['status', run.id]);
    expect(again.stdout).toContain(
      `Wait for the limit to reset, or \`dispatch retry ${run.id} --model other\` with another model.`,
    );
  });

  it('points a note on a finished task to `dispatch continue` with the note’s own words', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'Look around']);
    await sandbox.waitForDone([run.id]);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    const note = await sandbox.cli(['note', run.id, "Also check the user's settings"]);
    expect(note.code).toBe(6);
    const hint = note.stderr.split('\n')[1] as string;
    expect(hint).toContain(`dispatch continue ${run.id} 'Also check the user'\\''s settings'`);
    const pasted = paste(commandIn(hint));
    expect(pasted.status, pasted.output).toBe(0);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    expect((await sandbox.status(run.id)).attempt).toBe(2);
    expect(sandbox.read(run.id, 'worker.log')).toContain("Also check the user's settings");
  });

  it('points `continue` on a running task to a note with the same words', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'ask: Which file?']);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    const refused = await sandbox.cli(['continue', run.id, 'Look at the tests too']);
    expect(refused.code).toBe(6);
    const hint = refused.stderr.split('\n')[1] as string;
    expect(hint).toContain(`dispatch note ${run.id} 'Look at the tests too'`);
    const pasted = paste(commandIn(hint));
    expect(pasted.status, pasted.output).toBe(0);
    expect(sandbox.read(run.id, 'plan.md')).toContain('Look at the tests too');
  });

  it('turns a second answer to a question into a note with the same words', async () => {
    const run = await sandbox.run([
      '--model',
      'sim',
      '--item',
      'ask: First?',
      '--item',
      'ask: Second?',
    ]);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    expect((await sandbox.cli(['answer', run.id, 'one'])).code).toBe(0);
    const again = await sandbox.cli(['answer', run.id, '1', 'use the second file']);
    expect(again.code).toBe(6);
    const hint = again.stderr.split('\n')[1] as string;
    expect(hint).toContain(`dispatch note ${run.id} 'use the second file'`);
    const pasted = paste(commandIn(hint));
    expect(pasted.status, pasted.output).toBe(0);
    expect(sandbox.read(run.id, 'plan.md')).toContain('use the second file');
  });
});
