// The pictures on the README's first screen: the dashboard in a real Chromium and `dispatch
// watch` in a real terminal (tmux), each showing the same four simulated tasks — one done, one
// waiting for an answer, one running, one failed. The test checks what they show; it writes
// them into docs/images/ only when DISPATCH_WRITE_SCREENSHOTS=1 (else into test-output/), so an
// ordinary run leaves the tree as it was.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LongRunning } from '../helpers/long-running.js';
import { CLI, REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { terminalSvg } from '../helpers/terminal-svg.js';
import { Tmux } from '../helpers/tmux.js';
import { waitForCondition } from '../helpers/wait-for.js';

const PICTURES =
  process.env.DISPATCH_WRITE_SCREENSHOTS === '1'
    ? join(REPO_ROOT, 'docs', 'images')
    : join(REPO_ROOT, 'test-output', 'readme-pictures');
const URL_PATTERN = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/;

let browser: Browser;
let sandbox: Sandbox;
let ui: LongRunning | undefined;
let tmux: Tmux | undefined;

beforeAll(async () => {
  mkdirSync(PICTURES, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.DISPATCH_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => {
  ui?.kill();
  ui = undefined;
  tmux?.kill();
  tmux = undefined;
  sandbox.cleanup();
});

/** `dispatch run` for the scene, with an item time of its own (the running task's is long). */
async function dispatch(args: string[], stepMs = 20): Promise<void> {
  const result = await sandbox.cli(['run', '--model', 'sim', ...args], {
    env: { DISPATCH_SIM_STEP_MS: String(stepMs) },
  });
  if (result.code !== 0) throw new Error(`dispatch run failed:\n${result.stderr}`);
}

/** Four tasks, each settled in the state the pictures show. */
async function setScene(): Promise<void> {
  await dispatch([
    '--id',
    'review-auth',
    '--title',
    'Review the auth module',
    '--item',
    'Read src/auth and its tests',
    '--item',
    'write: review.md = Sessions never expire; tokens are compared in constant time.',
    '--item',
    'Summarize the findings in output.md',
  ]);
  await dispatch([
    '--id',
    'flaky-tests',
    '--title',
    'Fix the flaky upload test',
    '--item',
    'Run the upload test 50 times',
    '--item',
    'fail: the test needs the staging bucket, which this machine cannot reach',
    '--item',
    'Fix the race in upload.ts',
  ]);
  await dispatch(
    [
      '--id',
      'refactor-db',
      '--title',
      'Move the session queries into the repository layer',
      '--item',
      'write: notes/queries.md = 14 session queries in 5 files',
      '--item',
      'write: notes/plan.md = one repository per table',
      '--item',
      'Move the session queries to SessionRepository',
      '--item',
      'Run the test suite',
    ],
    // Long enough that the picture is taken while the third item is under way.
    600_000,
  );
  await dispatch([
    '--id',
    'rate-limit',
    '--title',
    'Add rate limiting to the API',
    '--item',
    'Find every public endpoint',
    '--item',
    'ask: Limit per user or per IP address?',
    '--item',
    'Add the limiter middleware',
  ]);
  expect((await sandbox.cli(['wait', 'review-auth', '--timeout', '30'])).code).toBe(0);
  expect((await sandbox.cli(['wait', 'flaky-tests', '--timeout', '30'])).code).toBe(3);
  expect((await sandbox.cli(['wait', 'rate-limit', '--timeout', '30'])).code).toBe(0);
  await waitForCondition(sandbox.taskDir('refactor-db'), () =>
    (sandbox.read('refactor-db', 'plan.md').match(/\[x\]/g) ?? []).length === 2 ? true : undefined,
  );
}

describe('the README pictures', () => {
  it('shows the dashboard with a task of each kind and the question waiting', async () => {
    await setScene();
    ui = new LongRunning(['ui', '--port', '0'], { cwd: sandbox.project, env: sandbox.env });
    const url = (await ui.waitForStdout(URL_PATTERN))[0];
    const context = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      colorScheme: 'light',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(url);
    await page.locator('#connection', { hasText: 'Live' }).waitFor();
    await page
      .locator('.question-card', { hasText: 'Limit per user or per IP address?' })
      .waitFor();
    for (const [id, badge] of [
      ['review-auth', /^done$/],
      ['flaky-tests', /^failed$/],
      ['refactor-db', /^running$/],
      ['rate-limit', /^waiting 001$/],
    ] as const)
      await page
        .locator('li.card', { hasText: id })
        .locator('.badge', { hasText: badge })
        .waitFor();
    await page.screenshot({ path: join(PICTURES, 'dashboard.png'), fullPage: true });
    await context.close();
  });

  it('shows dispatch watch in an 100×14 terminal, the question under its task', async () => {
    await setScene();
    // Colours on, as in a user's terminal.
    const env = Object.fromEntries(
      Object.entries(sandbox.env).filter(([key]) => key !== 'NO_COLOR'),
    ) as NodeJS.ProcessEnv;
    tmux = new Tmux(sandbox.dir, { ...env, TERM: 'xterm-256color' });
    const columns = 100;
    tmux.start('watch', [process.execPath, CLI, 'watch', '--no-bell'], {
      cwd: sandbox.project,
      width: columns,
      height: 14,
    });
    const screen = await tmux.waitForScreen(
      'watch',
      (s) =>
        /\? 001 Limit per user or per IP address\?/.test(s) &&
        /refactor-db .*running .*2\/4/.test(s) &&
        /flaky-tests .*failed/.test(s) &&
        /review-auth .*done .*3\/3/.test(s),
    );
    expect(screen.split('\n').find((line) => line.includes('rate-limit'))).toMatch(/^> /);
    const capture = tmux.tmux('capture-pane', '-e', '-p', '-t', 'watch');
    expect(capture).toContain('\u001b[');
    const svg = terminalSvg(capture, columns, 'dispatch watch: four tasks and a question');
    for (const word of ['rate-limit', 'waiting', 'Limit', 'address?', 'SessionReposi…'])
      expect(svg).toContain(`>${word}</text>`);
    writeFileSync(join(PICTURES, 'watch.svg'), svg);
  });
});
