import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher } from 'agent-dispatch';
import { isAlive } from '../helpers/processes.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * Budgets (docs/verify.md, Budgets) with the simulated worker as a real process: its `usage:`
 * items print opencode's JSON events (`dispatch-sim --format json`), the log filter keeps the
 * running usage in usage.json, and the supervisor stops a worker past its budget.
 */
const METERED = [
  'default: metered',
  'backends:',
  '  simjson: { command: dispatch-sim --format json, type: sim }',
  'models:',
  '  metered: simjson',
].join('\n');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
  sandbox.writeConfig(`${METERED}\n`);
});
afterEach(() => sandbox.cleanup());

type Event = { type: string; [key: string]: unknown };

function waitForEvent(id: string, test: (e: Event) => boolean, what: string): Promise<Event> {
  return waitForCondition(
    sandbox.taskDir(id),
    () => sandbox.events(id).find(test),
    30_000,
    () => `waiting for ${what}:\n${sandbox.read(id, 'events.jsonl')}`,
  );
}

async function waitFor(id: string) {
  const result = await sandbox.cli(['wait', id, '--timeout', '60'], { timeoutMs: 70_000 });
  return { code: result.code, out: result.stdout + result.stderr };
}

/** A worker that reports `usage` three times and then works on until it is stopped. */
const spending = (usage: string) => [
  ...[1, 2, 3].flatMap((n) => ['--item', `usage: ${usage}`, '--item', `Step ${n}`]),
  '--item',
  'hang',
];

describe('budgets', () => {
  it('stops a worker that passes --max-tokens and fails the task with the reason', async () => {
    const run = await sandbox.run(['--max-tokens', '1000', ...spending('400 tokens')]);
    const stop = await waitForEvent(run.id, (e) => e.type === 'budget-exceeded', 'the stop');
    expect(stop).toMatchObject({ scope: 'task', unit: 'tokens', max: 1000, stopped: true });
    expect(stop.used as number).toBeGreaterThan(1000);

    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(3);
    expect(waited.out).toContain(`${run.id}: failed`);
    expect(waited.out).toMatch(/budget exceeded: 1,200 tokens of 1,000 max/);

    const status = await sandbox.status(run.id);
    expect(status).toMatchObject({
      state: 'failed',
      reason: 'budget exceeded: 1,200 tokens of 1,000 max',
      usage: { inputTokens: 900, outputTokens: 300 },
    });
    expect((status.usage as Record<string, unknown>).costUsd).toBeUndefined();
    expect(status.budget).toEqual({ maxTokens: 1000 });
    expect((await sandbox.cli(['status', run.id])).stdout).toContain(
      '900 tokens in, 300 out, cost unknown (budget: 1,000 tokens)',
    );
    // The hanging worker was stopped, not left running.
    await waitForCondition(
      sandbox.taskDir(run.id),
      () => (isAlive(run.pid as number) ? undefined : true),
      10_000,
      () => `worker ${run.pid} still runs`,
    );
    expect((await sandbox.cli(['list'])).stdout).toMatch(new RegExp(`${run.id}.*failed`));
  });

  it('stops a worker that passes --max-cost', async () => {
    const run = await sandbox.run(['--max-cost', '1', ...spending('100 tokens, 0.4 USD')]);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(3);
    expect(waited.out).toContain('budget exceeded: 1.20 USD of 1.00 max');
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('failed');
    expect((status.usage as { costUsd: number }).costUsd).toBeCloseTo(1.2, 9);
    expect(sandbox.events(run.id).find((e) => e.type === 'budget-exceeded')).toMatchObject({
      unit: 'USD',
      max: 1,
      stopped: true,
    });
  });

  it('takes a budget through the library and reports the stop in its status', async () => {
    const dispatcher = new Dispatcher({
      cwd: sandbox.project,
      env: sandbox.env,
      by: 'budget-test',
    });
    const task = await dispatcher.run({ maxTokens: 500, items: ['usage: 600 tokens', 'hang'] });
    const waited = await dispatcher.wait({ ids: [task.id], timeoutMs: 60_000 });
    expect(waited.tasks[0]).toMatchObject({
      id: task.id,
      state: 'failed',
      reason: 'budget exceeded: 600 tokens of 500 max',
    });
    const status = await dispatcher.status(task.id);
    expect(status.usage).toMatchObject({ inputTokens: 450, outputTokens: 150 });
  });

  it('lets a task within its budget finish', async () => {
    const run = await sandbox.run([
      '--max-tokens',
      '1000',
      '--max-cost',
      '1',
      '--item',
      'usage: 500 tokens, 0.5 USD',
      '--item',
      'usage: 500 tokens, 0.5 USD',
    ]);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(0);
    expect(await sandbox.status(run.id)).toMatchObject({
      state: 'done',
      usage: { inputTokens: 750, outputTokens: 250, costUsd: 1 },
    });
  });

  it('stops the running workers and refuses new tasks once the daily budget is spent', async () => {
    sandbox.writeConfig(`${METERED}\ndaily_budget:\n  tokens: 500\n`);
    const idle = await sandbox.run(['--item', 'hang']);
    const spender = await sandbox.run(spending('300 tokens'));
    const stop = await waitForEvent(spender.id, (e) => e.type === 'budget-exceeded', 'the stop');
    expect(stop).toMatchObject({ scope: 'day', unit: 'tokens', max: 500, stopped: true });
    // The other running task of the project is stopped too.
    await waitForEvent(idle.id, (e) => e.type === 'budget-exceeded', 'the idle task stopped');
    const status = await sandbox.status(idle.id);
    expect(status.state).toBe('failed');
    // 600 or 900: the last `usage:` may land before the supervisor has read the one before.
    expect(status.reason).toMatch(
      /^the project's daily budget exceeded: (600|900) tokens of 500 max$/,
    );

    const refused = await sandbox.cli(['run', '--item', 'usage: 1 tokens']);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(
      /the project's daily budget is spent: (600|900) tokens used today of 500 tokens/,
    );
    expect(refused.stderr).toContain('daily_budget');
    expect(sandbox.taskIds()).toHaveLength(2);
  });

  it('shows a cost the CLI did not report as unknown, never $0', async () => {
    const run = await sandbox.run(['--item', 'usage: 500 tokens']);
    expect((await waitFor(run.id)).code).toBe(0);
    const status = await sandbox.status(run.id);
    expect(status.usage).toMatchObject({ inputTokens: 375, outputTokens: 125, attempts: 1 });
    expect(status.usage).not.toHaveProperty('costUsd');
    const text = await sandbox.cli(['status', run.id]);
    expect(text.stdout).toContain('375 tokens in, 125 out, cost unknown');
    expect(text.stdout).not.toContain('$0');
  });

  it('refuses --max-cost for a CLI that never reports cost', async () => {
    sandbox.writeConfig('default: gpt\nbackends:\n  codex: codex exec\nmodels:\n  gpt: codex\n');
    const refused = await sandbox.cli(['run', '--max-cost', '2', 'Fix the parser']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '--max-cost: Codex does not report what its work costs, so a cost budget could never stop it',
    );
    expect(refused.stderr).toContain('--max-tokens');
    // A plain simulated worker (no --format json) reports nothing either way, but may be given
    // a token budget.
    const bad = await sandbox.cli(['run', '--max-tokens', '-5', '--model', 'sim', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/max-tokens/);
    expect(sandbox.taskIds()).toHaveLength(0);
  });
});
