import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { Tmux } from '../helpers/tmux.js';

let sandbox: Sandbox;
let tmux: Tmux | undefined;

beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
  sandbox.cleanup();
});

describe('dispatch watch, the plan view of a finished task', () => {
  it('shows the worker’s summary with its path', async () => {
    const done = await sandbox.run(['--model', 'sim', '--title', 'Tidy up', '--item', 'Look']);
    expect((await sandbox.cli(['wait', done.id, '--timeout', '20'])).code).toBe(0);
    tmux = new Tmux(sandbox.dir, sandbox.env);
    tmux.start('main', [process.execPath, CLI, 'watch', '--no-bell'], {
      cwd: sandbox.project,
      width: 100,
      height: 40,
    });
    await tmux.waitForScreen('main', /tidy-up .*done/);
    tmux.keys('main', 'Enter');
    const screen = await tmux.waitForScreen('main', /^Summary /m);
    expect(screen).toContain(`Summary  ${sandbox.taskDir(done.id)}/output.md`);
    expect(screen).toMatch(/^ {2}# Tidy up — summary$/m);
    expect(screen).toMatch(/^ {2}1 of 1 items done\.$/m);
    tmux.keys('main', 'q');
    expect(await tmux.waitForExit('main')).toBe(0);
  });
});
