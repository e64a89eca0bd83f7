import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, type CliResult } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import {
  fillPlaceholders,
  subcommand,
  taughtCommands,
  type TaughtCommand,
} from '../helpers/skill-commands.js';

const SKILL_FILE = join(REPO_ROOT, 'skills', 'dispatch', 'SKILL.md');
const skillText = readFileSync(SKILL_FILE, 'utf8');
const commands = taughtCommands(skillText);

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Dispatch Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Dispatch Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};
/** Commands that act on a task's git worktree. */
const WORKTREE_COMMANDS = new Set(['diff', 'merge', 'discard']);

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox(GIT_IDENTITY);
});
afterEach(() => sandbox.cleanup());

/** Runs a command line the way a host's shell tool would, with the built `dispatch` on PATH. */
function runShell(command: string, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: sandbox.project,
      env: {
        ...sandbox.env,
        PATH: [join(REPO_ROOT, 'bin'), sandbox.env.PATH ?? ''].join(delimiter),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function gitRepository(dir: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: sandbox.env, stdio: 'ignore' });
  git('init', '-q');
  git('commit', '-q', '--allow-empty', '-m', 'initial');
}

/**
 * A real simulated task in the state the command is meant for: waiting on a question; cancelled
 * for retry; finished in a git worktree for the worktree commands.
 */
async function prepareFor(command: TaughtCommand): Promise<void> {
  const sub = subcommand(command.text);
  // `init` writes the config itself; everything else finds one that names the default.
  if (sub !== 'init') sandbox.writeConfig('default: sim\n');
  if (WORKTREE_COMMANDS.has(sub) || command.text.includes('--worktree'))
    gitRepository(sandbox.project);
  if (WORKTREE_COMMANDS.has(sub)) {
    await sandbox.run([
      '--model',
      'sim',
      '--id',
      'task',
      '--worktree',
      '--item',
      'write: a.txt = a',
    ]);
    const done = await sandbox.cli(['wait', 'task', '--json', '--timeout', '30']);
    expect(JSON.parse(done.stdout).tasks[0].state).toBe('done');
    return;
  }
  await sandbox.run(['--model', 'sim', '--id', 'task', '--item', 'ask: Which database?']);
  const waited = await sandbox.cli(['wait', 'task', '--json', '--timeout', '30']);
  expect(JSON.parse(waited.stdout).tasks[0].state).toBe('waiting');
  if (sub === 'retry') expect((await sandbox.cli(['cancel', 'task'])).code).toBe(0);
}

/** Commander's own parse errors: an option, command or argument the CLI does not have. */
function parseError(result: CliResult): boolean {
  return (
    /^error: /m.test(result.stderr) ||
    /unknown (option|command)|too many arguments|missing required argument/i.test(result.stderr)
  );
}

describe('skills/dispatch/SKILL.md', () => {
  it('has Agent Skills frontmatter that Claude Code can trigger and invoke as /dispatch', () => {
    const match = /^---\n([\s\S]*?)\n---\n/.exec(skillText);
    expect(match).not.toBeNull();
    const front = parse(match?.[1] ?? '') as Record<string, unknown>;
    expect(front.name).toBe('dispatch');
    expect(front['user-invocable']).toBe(true);
    expect(typeof front.description).toBe('string');
    const description = front.description as string;
    expect(description.length).toBeLessThanOrEqual(1024);
    expect(description).toMatch(/Use when/);
    expect(skillText).toContain('$ARGUMENTS');
  });

  it('teaches the whole workflow', () => {
    const taught = new Set(commands.map((command) => subcommand(command.text)));
    for (const sub of ['', 'run', 'wait', 'answer', 'note', 'status', 'logs', 'cancel', 'retry'])
      expect(taught, `dispatch ${sub}`).toContain(sub);
    expect(commands.some((c) => c.source === 'block' && /^dispatch run --json/.test(c.text))).toBe(
      true,
    );
  });

  it('says what the CLI can do about worktrees', async () => {
    const help = await sandbox.cli(['run', '--help']);
    if (help.stdout.includes('--worktree')) expect(skillText).toContain('--worktree');
    else expect(skillText).toMatch(/worktree isolation is not supported yet/i);
  });

  it.each(commands.map((command) => [command.text.split('\n')[0], command] as const))(
    'teaches `%s`, which works on a real simulated task',
    async (_, command) => {
      await prepareFor(command);
      const line = fillPlaceholders(command.text, { id: 'task', model: 'sim' });
      const result = await runShell(line);
      const output = `${line}\n→ exit ${result.code}\n${result.stdout}\n${result.stderr}`;
      expect(parseError(result), output).toBe(false);
      // A code block is meant to be run as written; inline code may be a fragment of one.
      if (command.source === 'block') expect(result.code, output).toBe(0);
    },
  );
});

describe('dispatch skill install', () => {
  /** A PATH on which the built `dispatch` is found by name, as after `npm install -g`. */
  const WITH_DISPATCH = { PATH: [join(REPO_ROOT, 'bin'), process.env.PATH ?? ''].join(delimiter) };
  /** A PATH with the system's programs and no `dispatch`. */
  const WITHOUT_DISPATCH = { PATH: '/usr/local/bin:/usr/bin:/bin' };

  it('installs globally, keeps an identical copy, and refuses to clobber an edited one', async () => {
    const target = join(sandbox.home, '.claude', 'skills', 'dispatch', 'SKILL.md');
    const first = await sandbox.cli(['skill', 'install', '--global'], { env: WITH_DISPATCH });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(join(sandbox.home, '.claude', 'skills', 'dispatch'));
    expect(readFileSync(target, 'utf8')).toBe(skillText);

    const again = await sandbox.cli(['skill', 'install'], { env: WITH_DISPATCH });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already up to date');

    appendFileSync(target, '\nMy own rule.\n');
    const edited = readFileSync(target, 'utf8');
    const refused = await sandbox.cli(['skill', 'install', '--global'], { env: WITH_DISPATCH });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(`${target} already exists and differs`);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(target, 'utf8')).toBe(edited);

    const forced = await sandbox.cli(['skill', 'install', '--global', '--force'], {
      env: WITH_DISPATCH,
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(skillText);
    expect(readFileSync(`${target}.bak`, 'utf8')).toBe(edited);
    expect(forced.stdout).toContain(`${target}.bak`);
  });

  it('installs into the project from any folder inside it', async () => {
    mkdirSync(join(sandbox.project, '.git'));
    const deep = join(sandbox.project, 'src', 'deep');
    mkdirSync(deep, { recursive: true });
    const result = await sandbox.cli(['skill', 'install', '--project'], {
      cwd: deep,
      env: WITH_DISPATCH,
    });
    expect(result.code, result.stderr).toBe(0);
    const target = join(sandbox.project, '.claude', 'skills', 'dispatch', 'SKILL.md');
    expect(result.stdout).toContain(join(sandbox.project, '.claude', 'skills', 'dispatch'));
    expect(readFileSync(target, 'utf8')).toBe(skillText);
    expect(existsSync(join(sandbox.home, '.claude'))).toBe(false);

    const both = await sandbox.cli(['skill', 'install', '--project', '--global'], {
      env: WITH_DISPATCH,
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('choose --global or --project, not both');
  });

  it('writes the absolute command into the skill and warns when dispatch is not on PATH', async () => {
    const result = await sandbox.cli(['skill', 'install'], { env: WITHOUT_DISPATCH });
    expect(result.code, result.stderr).toBe(0);
    const launcher = join(REPO_ROOT, 'bin', 'dispatch');
    expect(result.stdout).toContain(
      `Warning: dispatch is not on your PATH, so the skill tells Claude Code to run ${launcher}`,
    );
    const installed = readFileSync(
      join(sandbox.home, '.claude', 'skills', 'dispatch', 'SKILL.md'),
      'utf8',
    );
    expect(installed).toContain(
      `wherever this skill says \`dispatch …\`, run \`${launcher} …\` instead`,
    );
    // The rest of the skill is the packaged text.
    expect(installed.replace(/\*\*On this machine .*\n\n/, '')).toBe(skillText);

    // The command it names works from the host's shell, which has no dispatch on PATH.
    const { code, stdout } = await runShell(`${launcher} --version`);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\d+\.\d+\.\d+/);

    // Once dispatch is on PATH, the plain skill replaces the machine-specific one only with --force.
    const plain = await sandbox.cli(['skill', 'install', '--force'], { env: WITH_DISPATCH });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).not.toContain('Warning');
    expect(
      readFileSync(join(sandbox.home, '.claude', 'skills', 'dispatch', 'SKILL.md'), 'utf8'),
    ).toBe(skillText);
  });
});
