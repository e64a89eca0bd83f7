import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LongRunning } from '../helpers/long-running.js';
import { CLI } from '../helpers/run-cli.js';
import { COLOR_TEST_RUN } from '../helpers/sample-tasks.js';
import { Sandbox } from '../helpers/sandbox.js';
import { Tmux } from '../helpers/tmux.js';

let sandbox: Sandbox;
let tmux: Tmux | undefined;
let watcher: LongRunning | undefined;

beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SIM_STEP_MS: '300' });
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
  watcher?.kill();
  watcher = undefined;
  sandbox.cleanup();
});

/** The screen line of a task's row (selected rows start with "> "). */
function row(screen: string, id: string): string {
  return screen.split('\n').find((line) => line.slice(2).startsWith(`${id} `)) ?? '';
}

describe('dispatch watch in a terminal', () => {
  it('shows tasks live, answers a question, adds a note, opens the plan, cancels, resizes and quits', async () => {
    tmux = new Tmux(sandbox.dir, sandbox.env);
    const opts = { cwd: sandbox.project, width: 120, height: 30 };
    tmux.start('main', [process.execPath, CLI, 'watch'], opts);
    tmux.start('quiet', [process.execPath, CLI, 'watch', '--no-bell'], opts);
    await tmux.waitForScreen('main', /No tasks yet/);
    await tmux.waitForScreen('quiet', /No tasks yet/);
    expect(tmux.format('main', '#{window_bell_flag}')).toBe('0');

    await sandbox.run([...COLOR_TEST_RUN]);
    await sandbox.run([
      '--model',
      'sim',
      '--title',
      'Long job',
      '--item',
      'Look around',
      '--item',
      'hang',
    ]);

    // The question stands out under its task, which is listed first; the bell rang.
    let screen = await tmux.waitForScreen('main', (s) => /waiting 001/.test(row(s, 'color-test')));
    expect(row(screen, 'color-test')).toMatch(
      /color-test\s+sim\s+waiting 001\s+\[###-+\]\s+1\/3\s+\d+s\s+ask: Which color\?/,
    );
    expect(screen).toMatch(/^ {4}\? 001 Which color\?/m);
    expect(screen).toMatch(/1 question/);
    expect(screen.split('\n')[2]).toMatch(/^> color-test/);
    expect(tmux.format('main', '#{window_bell_flag}')).toBe('1');
    screen = await tmux.waitForScreen('main', (s) =>
      /running\s.*1\/2\s.*hang/.test(row(s, 'long-job')),
    );

    // a: answer in the prompt line at the bottom.
    tmux.keys('main', 'a');
    await tmux.waitForScreen(
      'main',
      /Answer question 001 of color-test\s+Enter sends, Esc cancels/,
    );
    tmux.type('main', 'blue');
    await tmux.waitForScreen('main', /^> blue\s*$/m);
    tmux.keys('main', 'Enter');
    // The simulated worker asks through the files: no `dispatch ask` holds a lease.
    await tmux.waitForScreen(
      'main',
      /Answered question 001 of color-test; no `dispatch ask` is waiting now/,
    );
    screen = await tmux.waitForScreen('main', (s) => /done\s.*3\/3/.test(row(s, 'color-test')));
    expect(sandbox.read('color-test', 'ipc/001.answer')).toBe('blue\n');
    expect(sandbox.events('color-test')).toContainEqual(
      expect.objectContaining({ type: 'answered', seq: 1, by: 'watch' }),
    );
    expect(readFileSync(join(sandbox.project, 'color.txt'), 'utf8')).toBe('chosen\n');

    // The selection follows its task when the order changes; k moves it up to long-job.
    expect(row(screen, 'color-test')).toMatch(/^> /);
    tmux.keys('main', 'k');
    await tmux.waitForScreen('main', (s) => row(s, 'long-job').startsWith('> '));

    // n: a note to the running worker, through the same operation as `dispatch note`.
    tmux.keys('main', 'n');
    await tmux.waitForScreen('main', /Note for long-job/);
    tmux.type('main', 'Check the logs too');
    tmux.keys('main', 'Enter');
    await tmux.waitForScreen('main', /Added a note to long-job's plan\./);
    expect(sandbox.read('long-job', 'plan.md')).toContain(
      '> **Note from dispatcher:** Check the logs too',
    );

    // Enter: the plan with its markers and the note; Esc goes back.
    tmux.keys('main', 'Enter');
    screen = await tmux.waitForScreen('main', /Notes from dispatcher/);
    expect(screen).toMatch(/^long-job — Long job/m);
    expect(screen).toMatch(/^ {2}\[x\] Look around$/m);
    expect(screen).toMatch(/^ {2}\[ \] hang {2}<- current$/m);
    expect(screen).toMatch(/^ {2}> Check the logs too$/m);
    // The log tail follows the worker's output while the plan is open.
    await tmux.waitForScreen('main', /\[sim\] hanging/);
    appendFileSync(join(sandbox.taskDir('long-job'), 'worker.log'), 'still digging through logs\n');
    await tmux.waitForScreen('main', /still digging through logs/);
    tmux.keys('main', 'Escape');
    await tmux.waitForScreen('main', /CURRENT ITEM/);

    // c, then y: the worker is stopped.
    tmux.keys('main', 'c');
    await tmux.waitForScreen('main', /Cancel long-job and stop its worker\? \(y\/n\)/);
    tmux.keys('main', 'y');
    await tmux.waitForScreen('main', /Cancelled long-job\./);
    await tmux.waitForScreen('main', (s) => /cancelled/.test(row(s, 'long-job')));
    expect(sandbox.events('long-job')).toContainEqual(
      expect.objectContaining({ type: 'cancelled', by: 'watch' }),
    );

    // A narrower terminal drops the model column and keeps every line within the width.
    tmux.resize('main', 70, 20);
    screen = await tmux.waitForScreen(
      'main',
      (s) =>
        !/MODEL/.test(s) &&
        /cancelled/.test(row(s, 'long-job')) &&
        /done/.test(row(s, 'color-test')),
    );
    for (const line of screen.split('\n')) expect(line.length).toBeLessThanOrEqual(70);

    // q: the view ends with status 0 and the terminal is back on its normal screen.
    tmux.keys('main', 'q');
    expect(await tmux.waitForExit('main')).toBe(0);
    expect(tmux.screen('main')).not.toMatch(/dispatch watch|CURRENT ITEM/);
    expect(tmux.format('main', '#{alternate_on}')).toBe('0');

    // The --no-bell view saw the same question and completions, without ringing.
    await tmux.waitForScreen('quiet', (s) => /cancelled/.test(row(s, 'long-job')));
    expect(tmux.format('quiet', '#{window_bell_flag}')).toBe('0');
    tmux.keys('quiet', 'C-c');
    expect(await tmux.waitForExit('quiet')).toBe(0);
  }, 180_000);
});

describe('dispatch watch with standard output piped', () => {
  it('prints one line per change and exits when every watched task is finished', async () => {
    const run = await sandbox.run([...COLOR_TEST_RUN]);
    watcher = new LongRunning(['watch', run.id], { cwd: sandbox.project, env: sandbox.env });
    await watcher.waitForStdout(/^\d\d:\d\d:\d\d color-test QUESTION 001: Which color\?$/m, 30_000);
    const answered = await sandbox.cli(['answer', 'color-test', 'blue']);
    expect(answered.code).toBe(0);
    const exit = await watcher.waitForExit(30_000);
    expect(exit).toEqual({ code: 0, signal: null });

    const lines = watcher.stdout.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d color-test /);
    expect(watcher.stdout).not.toContain('\u001b');
    expect(lines[0]).toMatch(/ color-test (queued|running|waiting) [01]\/3/);
    expect(lines).toContainEqual(
      expect.stringMatching(/ color-test waiting 1\/3 "ask: Which color\?"$/),
    );
    expect(lines[lines.length - 1]).toMatch(/ color-test done 3\/3$/);
    // One line per change: never the same line twice in a row.
    const texts = lines.map((line) => line.slice(9));
    for (let i = 1; i < texts.length; i++) expect(texts[i]).not.toBe(texts[i - 1]);
  }, 120_000);

  it('exits 3 when a watched task failed, and at once when nothing is left to watch', async () => {
    await sandbox.run(['--model', 'sim', '--title', 'Broken', '--item', 'fail: no access']);
    watcher = new LongRunning(['watch'], { cwd: sandbox.project, env: sandbox.env });
    const exit = await watcher.waitForExit(30_000);
    expect(exit.code).toBe(3);
    expect(watcher.stdout).toMatch(/^\d\d:\d\d:\d\d broken failed 0\/1: .*no access/m);

    // Everything is finished now: the snapshot is printed and the watch ends.
    const again = await sandbox.cli(['watch']);
    expect(again.code).toBe(3);
    expect(again.stdout).toMatch(/^\d\d:\d\d:\d\d broken failed 0\/1/);
    const unknown = await sandbox.cli(['watch', 'nope']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('no task "nope"');
  }, 60_000);
});
