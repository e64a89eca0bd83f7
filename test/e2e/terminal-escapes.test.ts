import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LongRunning } from '../helpers/long-running.js';
import { CLI } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { Tmux } from '../helpers/tmux.js';
import { waitForCondition } from '../helpers/wait-for.js';

/** A clipboard write (OSC 52), a window title, a screen clear and a C1 CSI, as a model might print. */
const HOSTILE = '\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x1b\\\x1b[2J\x1b[H\x9b31m';
/** The first character that starts or is a control sequence (newline and tab are text). */
function firstControl(text: string): string | undefined {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if ((code < 0x20 && char !== '\n' && char !== '\t') || (code >= 0x7f && code <= 0x9f))
      return char;
  }
  return undefined;
}

let sandbox: Sandbox;
let watcher: LongRunning | undefined;
let tmux: Tmux | undefined;
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
  watcher?.kill();
  watcher = undefined;
  sandbox?.cleanup();
});

function expectClean(output: string, label: string): void {
  const control = firstControl(output);
  expect(
    control,
    `${label} printed ${JSON.stringify(control)} in:\n${JSON.stringify(output)}`,
  ).toBe(undefined);
}

describe('worker text is shown, never obeyed', () => {
  it('every view strips escape sequences from worker output, plans, questions and failures', async () => {
    sandbox = new Sandbox();
    const failing = await sandbox.run([
      '--model',
      'sim',
      '--title',
      'Broken',
      '--item',
      `Read the code${HOSTILE}`,
      '--item',
      `fail: no access${HOSTILE}`,
    ]);
    const asking = await sandbox.run([
      '--model',
      'sim',
      '--title',
      'Asks',
      '--item',
      `ask: Which name?${HOSTILE}`,
    ]);
    const ipc = join(sandbox.taskDir(asking.id), 'ipc');
    await waitForCondition(ipc, () => (existsSync(join(ipc, '001.question')) ? true : undefined));
    await waitForCondition(sandbox.taskDir(failing.id), () =>
      sandbox.events(failing.id).some((e) => e.type === 'exited') ? true : undefined,
    );

    const raw = await sandbox.cli(['logs', failing.id, '--raw']);
    expect(raw.stdout).toContain('\x1b]52;c;');
    for (const args of [
      ['status', failing.id],
      ['status', asking.id],
      ['status'],
      ['list'],
      [],
      ['logs', failing.id],
      ['logs', failing.id, '-n', '5'],
      ['wait', failing.id],
      ['wait', asking.id],
    ]) {
      const result = await sandbox.cli(args);
      expect(result.stdout.length, `dispatch ${args.join(' ')}`).toBeGreaterThan(0);
      expectClean(result.stdout + result.stderr, `dispatch ${args.join(' ')}`);
    }
    // The text itself is still there, only its control sequences are gone.
    expect((await sandbox.cli(['status', asking.id])).stdout).toContain('Which name?');
    expect((await sandbox.cli(['status', failing.id])).stdout).toContain('no access');

    watcher = new LongRunning(['watch', asking.id], { cwd: sandbox.project, env: sandbox.env });
    await watcher.waitForStdout(/QUESTION 001: Which name\?/);
    expectClean(watcher.stdout, 'dispatch watch (piped)');
  }, 60_000);

  it('in a real terminal, neither the clipboard nor the title nor the screen obeys a worker', async () => {
    sandbox = new Sandbox();
    const asking = await sandbox.run([
      '--model',
      'sim',
      '--title',
      'Asks',
      '--item',
      `ask: Which name?${HOSTILE}`,
    ]);
    const ipc = join(sandbox.taskDir(asking.id), 'ipc');
    await waitForCondition(ipc, () => (existsSync(join(ipc, '001.question')) ? true : undefined));
    tmux = new Tmux(sandbox.dir, sandbox.env);
    const opts = { cwd: sandbox.project, width: 120, height: 30 };
    const cli = (...args: string[]) => [process.execPath, CLI, ...args];
    // A quiet first session starts the server; then applications may set tmux's clipboard and
    // pane titles: exactly what a worker must not be able to do through dispatch.
    tmux.start('server', ['sleep', '600'], opts);
    tmux.tmux('set', '-g', 'set-clipboard', 'on');
    tmux.start('logs', cli('logs', asking.id), opts);
    tmux.start('status', cli('status', asking.id), opts);
    tmux.start('watch', cli('watch'), opts);
    await tmux.waitForScreen('watch', /Which name\?/);
    await tmux.waitForExit('status');
    await tmux.waitForExit('logs');
    for (const session of ['logs', 'status', 'watch']) {
      expect(tmux.format(session, '#{pane_title}'), session).not.toContain('pwned');
      expect(tmux.screen(session), session).toMatch(/Which name\?/);
    }
    expect(tmux.tmux('list-buffers')).toBe('');
    tmux.keys('watch', 'q');
  }, 60_000);
});
