import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { CLI, REPO_ROOT } from '../helpers/run-cli.js';

const RECORDER = join(REPO_ROOT, 'test/fixtures/record-argv.mjs');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

describe('configuration', () => {
  it('names the file, line and column of a YAML error and exits 5', async () => {
    const file = sandbox.writeConfig(
      'default: opus\nbackends:\n  claude:\n    command: "unterminated\nmodels: {}\n',
    );
    const result = await sandbox.cli(['run', '--item', 'x']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`${file}:`);
    expect(result.stderr).toMatch(/config\.yaml:\d+:\d+/);
    expect(result.stderr).toMatch(/not valid YAML/);
    expect(existsSync(sandbox.root + '/tasks')).toBe(false);
  });

  it('names the line of a schema error and the allowed keys', async () => {
    const file = sandbox.writeConfig(
      'default: opus\nbackends:\n  claude:\n    comand: claude -p\nmodels:\n  opus: { backend: claude }\n',
    );
    const result = await sandbox.cli(['run', '--item', 'x']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`${file}:4:5`);
    expect(result.stderr).toContain('unknown key comand');
    expect(result.stderr).toContain('Allowed keys here: command, type');
  });

  it('refuses a value of the wrong type with its location', async () => {
    const file = sandbox.writeConfig('default: sim\ntimeout_minutes: soon\n');
    const result = await sandbox.cli(['run', '--item', 'x']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`${file}:2:18`);
    expect(result.stderr).toContain('timeout_minutes');
  });

  it('runs a task with an old-format (agents:) config', async () => {
    sandbox.writeConfig(
      `default: recorder\nagents:\n  recorder: ${JSON.stringify(`node ${RECORDER}`)}\n`,
    );
    const run = await sandbox.run(['--item', 'only step']);
    expect(run.model).toBe('recorder');
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    const argv = JSON.parse(sandbox.read(run.id, 'argv.json')) as string[];
    expect(argv).toHaveLength(1);
    expect(argv[0]).toBe(sandbox.read(run.id, 'prompt.md'));
  });

  it('rejects an unknown model and suggests the closest one', async () => {
    sandbox.writeConfig(
      'default: opus\nbackends:\n  claude: { command: claude -p }\nmodels:\n  opus: {}\n  sonnet: {}\n',
    );
    const result = await sandbox.cli(['run', '--model', 'sonet', '--item', 'x']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('unknown model "sonet"');
    expect(result.stderr).toContain('Did you mean "sonnet"?');
    expect(result.stderr).toContain('opus, sonnet');
  });

  it('picks the model named last in the task text, and passes --model to the CLI', async () => {
    sandbox.writeConfig(
      `default: fast\nbackends:\n  rec: { command: ${JSON.stringify(`node ${RECORDER}`)}, type: codex }\nmodels:\n  fast: { backend: rec, id: fast-1 }\n  deep: { backend: rec, id: deep-2 }\n`,
    );
    const run = await sandbox.run(['Use fast for the scan, then deep for the review']);
    expect(run.model).toBe('deep');
    expect(run.modelVia).toBe('text');
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    const argv = JSON.parse(sandbox.read(run.id, 'argv.json')) as string[];
    expect(argv.slice(0, 2)).toEqual(['--model', 'deep-2']);
  });

  it('shows and changes the default model, keeping comments', async () => {
    const file = sandbox.writeConfig(
      '# my comment\ndefault: opus # inline\nbackends:\n  claude: { command: claude -p }\nmodels:\n  opus: {}\n  sonnet: {}\n',
    );
    expect((await sandbox.cli(['config', 'path'])).stdout.trim()).toBe(file);
    const set = await sandbox.cli(['config', 'set-default', 'sonnet']);
    expect(set.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# my comment');
    expect(text).toMatch(/default: sonnet/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const shown = await sandbox.cli(['config', 'show']);
    expect(shown.stdout).toContain('default:  sonnet');
  });
});

describe('the worker receives task text unchanged', () => {
  it('passes shell metacharacters, quotes and newlines as one argument and executes nothing', async () => {
    sandbox.writeConfig(
      `default: rec\nbackends:\n  rec: { command: ${JSON.stringify(`node ${RECORDER}`)} }\nmodels:\n  rec: {}\n`,
    );
    const marker = join(sandbox.dir, 'pwned');
    const text = `Fix it $(touch ${marker}) \`touch ${marker}\` "quoted" 'single' ; touch ${marker} && echo $HOME\nsecond line | cat > ${marker}`;
    const run = await sandbox.run(['--title', 'meta', text]);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '20'])).code).toBe(0);
    const argv = JSON.parse(sandbox.read(run.id, 'argv.json')) as string[];
    expect(argv).toHaveLength(1);
    expect(argv[0]).toContain(text);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('a worker written from the seed protocol alone', () => {
  it('works as a configured backend through a question to completion', async () => {
    const seedWorker = join(REPO_ROOT, 'test/fixtures/seed-worker.sh');
    sandbox.writeConfig(
      `default: seed\nbackends:\n  seed: { command: ${JSON.stringify(seedWorker)} }\nmodels:\n  seed: {}\n`,
    );
    const run = await sandbox.run([
      '--item',
      'Prepare',
      '--item',
      'ask: Which branch?',
      '--item',
      'Finish',
    ]);
    const asked = await sandbox.cli(['wait', run.id, '--json', '--timeout', '20']);
    expect(JSON.parse(asked.stdout).tasks[0].question.text).toBe('Which branch?');
    await sandbox.cli(['answer', run.id, 'main']);
    const done = await sandbox.cli(['wait', run.id, '--timeout', '30']);
    expect(done.code).toBe(0);
    expect((await sandbox.status(run.id)).state).toBe('done');
    expect(sandbox.read(run.id, 'output.md')).toContain('main');
  });
});

describe('first run', () => {
  it('warm-up lists the models and pending questions', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'ask: Anything?']);
    await sandbox.cli(['wait', run.id, '--timeout', '20']);
    const warm = await sandbox.cli([]);
    expect(warm.code).toBe(0);
    expect(warm.stdout).toContain('sim');
    expect(warm.stdout).toMatch(/question .*Anything\?/);
  });

  it('init with no agent CLI on PATH explains and points to the simulated worker', async () => {
    const result = await sandbox.cli(['init', '--yes'], { env: { PATH: '/usr/bin:/bin' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No agent CLI found');
    expect(result.stdout).toContain('--model sim');
    expect(existsSync(join(sandbox.home, '.dispatch', 'config.yaml'))).toBe(false);
  });

  it('init writes a commented config for the CLIs it finds, private to the user', async () => {
    const bin = join(sandbox.dir, 'bin');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(bin);
    for (const program of ['claude', 'codex'])
      writeFileSync(join(bin, program), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const result = await sandbox.cli(['init', '--default', 'sonnet'], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    expect(result.code).toBe(0);
    const file = join(sandbox.home, '.dispatch', 'config.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('default: sonnet');
    expect(text).toContain('claude -p --dangerously-skip-permissions');
    expect(text).toContain('codex exec');
    expect(text).toMatch(/^# /m);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await sandbox.cli(['init', '--yes'], { env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('already exists');
  });

  it('every command has --help with examples', async () => {
    for (const command of [
      'run',
      'status',
      'wait',
      'answer',
      'note',
      'cancel',
      'retry',
      'ask',
      'init',
    ]) {
      const help = await sandbox.cli([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(/Usage: dispatch/);
      expect(help.stdout, command).toMatch(/Example/);
    }
  });

  it('exits 2 on a usage error in any command, never 1 (which means a timeout)', async () => {
    for (const args of [
      ['answer', 'x'],
      ['wait', '--bogus'],
      ['config', 'set-default'],
      ['skill', 'install', '--bogus'],
    ]) {
      const result = await sandbox.cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      // commander's own "error: …", or ours ("dispatch: error: give the answer text").
      expect(result.stderr, args.join(' ')).toMatch(/^(dispatch: )?error: /m);
    }
    const typo = await sandbox.cli(['stauts']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown command "stauts"');
    expect(typo.stderr).toContain('Did you mean `dispatch status`?');
    for (const [word, meant] of [
      ['wiat', 'wait'],
      ['lsit', 'list'],
    ])
      expect((await sandbox.cli([word as string])).stderr).toContain(
        `Did you mean \`dispatch ${meant}\`?`,
      );
    const task = await sandbox.cli(['Review the auth code']);
    expect(task.code).toBe(2);
    expect(task.stderr).toContain('To dispatch a task: dispatch run "Review the auth code"');
  });

  it('stops quietly when the reader of its output goes away', async () => {
    for (const args of [['--help'], ['list']]) {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: sandbox.project,
        env: sandbox.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Like `dispatch list | head -1`: the reading end closes before anything is written.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr, args.join(' ')).toBe('');
      expect(code, args.join(' ')).toBe(0);
    }
  });

  it('rejects a task id with path traversal', async () => {
    for (const args of [
      ['status', '../etc'],
      ['answer', '../../x', 'hi'],
      ['run', '--id', '../x', '--model', 'sim', '--item', 'a'],
    ]) {
      const result = await sandbox.cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('invalid task id');
    }
  });
});

describe('the config cache', () => {
  it('sees every edit of the file, including one that breaks it', async () => {
    const base = 'backends:\n  claude: { command: claude -p }\nmodels:\n  opus: {}\n  sonnet: {}\n';
    sandbox.writeConfig(`default: opus\n${base}`);
    expect((await sandbox.cli(['config', 'show'])).stdout).toContain('default:  opus');
    expect((await sandbox.cli(['config', 'show'])).stdout).toContain('default:  opus');
    sandbox.writeConfig(`default: sonnet\n${base}`);
    expect((await sandbox.cli(['config', 'show'])).stdout).toContain('default:  sonnet');
    const file = sandbox.writeConfig(`default: sonnet\n${base}  haiku: [\n`);
    const broken = await sandbox.cli(['config', 'show']);
    expect(broken.code).toBe(5);
    expect(broken.stderr).toContain(file);
  });
});
