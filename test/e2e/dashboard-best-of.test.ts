import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { LongRunning } from '../helpers/long-running.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * The comparison of a best-of group on a run's dashboard page, and its pick button, driven in
 * Chromium against `dispatch ui` (docs/verify.md, Best of N; docs/live-views.md).
 */
const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'dashboard');
const URL_PATTERN = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/;
const SIM = join(REPO_ROOT, 'dist/bin/sim-worker.js');
const answering = (answer: string) =>
  JSON.stringify(`printf '${answer}\\n' > answer.txt; node ${SIM}`);

let browser: Browser;
let sandbox: Sandbox;
let ui: LongRunning | undefined;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.DISPATCH_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
  sandbox.writeConfig(
    [
      'default: right',
      'backends:',
      `  right: { command: ${answering('42')}, type: generic }`,
      `  wrong: { command: ${answering('41')}, type: generic }`,
      'models:',
      '  right: { backend: right }',
      '  wrong: { backend: wrong }',
      '',
    ].join('\n'),
  );
  initRepo(sandbox.project, { 'README.md': 'project\n' });
});
afterEach(() => {
  ui?.kill();
  ui = undefined;
  sandbox.cleanup();
});

describe('dispatch ui, best of N', () => {
  it("shows a group's runs side by side on a run's page and picks one", async () => {
    const run = await sandbox.cli([
      'run',
      '--best-of',
      '2',
      '--models',
      'right,wrong',
      '--id',
      'fix',
      '--verify',
      'test "$(cat answer.txt)" = 42',
      '--item',
      'Survey the code',
      'Fix the answer',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const waited = await sandbox.cli(['wait', 'fix', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(waited.code, waited.stdout).toBe(11);

    ui = new LongRunning(['ui', '--port', '0'], { cwd: sandbox.project, env: sandbox.env });
    const match = await ui.waitForStdout(URL_PATTERN);
    const origin = `http://127.0.0.1:${match[1]}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(match[0]);
    await page.locator('li.card', { hasText: 'fix.2' }).waitFor();
    await page.goto(`${origin}/task/fix.2`);

    const panel = page.locator('section.best-of');
    await panel.getByRole('heading', { name: 'Best of 2: fix' }).waitFor();
    const rows = panel.locator('tbody tr');
    await rows.nth(1).waitFor();
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual([
      '1',
      'fix.1',
      'right',
      'passed',
      '+1 -0',
      'answer.txt',
      expect.stringMatching(/^\d+s$/),
      'unknown',
      'unknown',
      'Pick…',
    ]);
    expect(await rows.nth(1).locator('td').nth(1).textContent()).toBe('fix.2 (this page)');
    expect(await rows.nth(1).locator('td').nth(3).textContent()).toBe('failed (exit 1)');
    await page.screenshot({ path: join(SCREENSHOTS, 'best-of.png'), fullPage: true });

    // Pick asks first, naming what it deletes; "Keep them all" changes nothing.
    await panel.getByRole('button', { name: 'Pick run 1' }).click();
    await panel
      .locator('.pick-form', { hasText: 'delete the worktrees and branches of fix.2' })
      .waitFor();
    await panel.getByRole('button', { name: 'Keep them all' }).click();
    expect(gitIn(sandbox.project, ['log', '--oneline'])).not.toContain('Merge');

    await panel.getByRole('button', { name: 'Pick run 1' }).click();
    await panel.getByRole('button', { name: 'Yes, pick run 1' }).click();
    await panel.getByText('fix.1 was picked and merged.').waitFor();
    expect(readFileSync(join(sandbox.project, 'answer.txt'), 'utf8')).toBe('42\n');
    expect(existsSync(join(sandbox.root, 'worktrees', 'fix.2'))).toBe(false);
    expect(gitIn(sandbox.project, ['branch', '--list', 'dispatch/fix.2'])).toBe('');
    expect(sandbox.events('fix.2')).toContainEqual(
      expect.objectContaining({ type: 'worktree', action: 'discarded' }),
    );
    await context.close();
  }, 180_000);
});
