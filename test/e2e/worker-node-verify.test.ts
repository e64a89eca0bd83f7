import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFleet, until } from '../helpers/node-fleet.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * Verify, iterate and budgets for tasks on worker nodes (docs/nodes.md, Verify and budgets),
 * over real Redis and two real nodes: the node runs its own alias's verify command and enforces
 * the job's numbers; the relay mirrors the verify runs, usage and a budget stop as the usual
 * events, so the local status, `wait` and the budget views read them as for a local task.
 */

const CHECK_ANSWER =
  'got=$(cat answer.txt); echo "checking answer.txt"; if [ "$got" = 42 ]; then echo ok; else echo "expected 42, got $got"; exit 1; fi';

const BACKENDS = [
  'backends:',
  '  scripted: { command: dispatch-sim, type: sim }',
  '  simjson: { command: dispatch-sim --format json, type: sim }',
  'models:',
  '  plain: { backend: scripted }',
  '  metered: { backend: simjson }',
];
/**
 * The nodes' aliases carry the verify commands: only the nodes' config gives them. `gated` checks
 * until the test opens its gate, so the task is seen verifying.
 */
const nodeConfig = (gate: string) =>
  [
    'default: plain',
    ...BACKENDS,
    'aliases:',
    `  checked: { model: plain, verify: ${JSON.stringify(CHECK_ANSWER)} }`,
    `  gated: { model: plain, verify: ${JSON.stringify(`until [ -e '${gate}' ]; do sleep 0.1; done; echo gate open`)} }`,
  ].join('\n');
let gate = '';

const fleet = new NodeFleet();

const userConfig = () =>
  [
    'default: plain',
    `queue: ${fleet.redis.url}`,
    ...BACKENDS,
    'aliases:',
    // Here the aliases have no verify command; here a verify command would never run anyway.
    '  checked: { model: plain }',
    '  gated: { model: plain }',
  ].join('\n');

beforeAll(async () => {
  await fleet.start();
  fleet.user.writeConfig(userConfig());
  gate = join(fleet.user.dir, 'gate');
  fleet.startNode(1, nodeConfig(gate));
  fleet.startNode(2, nodeConfig(gate));
  await fleet.waitForNodes(2);
}, 60_000);

afterAll(() => fleet.stop());

async function waitFor(id: string) {
  const result = await fleet.user.cli(['wait', id, '--timeout', '90'], { timeoutMs: 100_000 });
  return { code: result.code, out: result.stdout + result.stderr };
}

describe('verify on a worker node', () => {
  it("runs the node alias's verify command and a second round with --iterate 1", async () => {
    const run = await fleet.user.run([
      '--model',
      'checked',
      '--iterate',
      '1',
      '--item',
      'write-fix: answer.txt = 41 | 42',
    ]);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(0);
    const status = await fleet.user.status(run.id);
    expect(status).toMatchObject({
      state: 'done',
      outcome: 'done-verified',
      attempt: 1,
      verify: { command: CHECK_ANSWER, step: 'passed', round: 2, rounds: 2 },
    });
    const history = (status.verify as { history: { passed: boolean; lastLine: string }[] }).history;
    expect(history.map((round) => [round.passed, round.lastLine])).toEqual([
      [false, 'expected 42, got 41'],
      [true, 'ok'],
    ]);
    // The node's verify.log is mirrored here; the command ran there, never here.
    expect(fleet.user.read(run.id, 'verify.log')).toContain('ok');
    const events = fleet.user.events(run.id);
    expect(events.filter((e) => e.type === 'verify-on-node')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'verify-started')).toHaveLength(2);
    // The job carried the number, not the command.
    const jobs = await fleet.upMessages(run.id);
    expect(jobs.some((m) => m.type === 'verify-spec' && m.iterate === 1)).toBe(true);
  });

  it('is verifying here while the node runs its check', async () => {
    const run = await fleet.user.run(['--model', 'gated', '--item', 'Survey the project']);
    const verifying = await waitForCondition(
      fleet.user.taskDir(run.id),
      () => {
        const events = fleet.user.events(run.id);
        return events.some((e) => e.type === 'verify-started') ? true : undefined;
      },
      60_000,
      () => fleet.user.read(run.id, 'events.jsonl'),
    );
    expect(verifying).toBe(true);
    const status = await fleet.user.status(run.id);
    expect(status).toMatchObject({ state: 'verifying', verify: { step: 'running' } });
    expect(String(status.reason)).toMatch(/^verify running: until/);
    writeFileSync(gate, '');
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(0);
    expect(await fleet.user.status(run.id)).toMatchObject({ outcome: 'done-verified' });
    expect(fleet.user.read(run.id, 'verify.log')).toContain('gate open');
    const text = (await fleet.user.cli(['status', run.id])).stdout;
    expect(text).toContain('done-verified');
  });

  it('ends verify-failed when the rounds are used up, and wait exits 11', async () => {
    const run = await fleet.user.run([
      '--model',
      'checked',
      '--item',
      'write-fix: answer.txt = 40 | 41',
    ]);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(11);
    expect(waited.out).toContain('expected 42, got 40');
    const status = await fleet.user.status(run.id);
    expect(status).toMatchObject({
      state: 'verify-failed',
      outcome: 'verify-failed',
      verify: { step: 'failed', round: 1, rounds: 1 },
    });
    expect(fleet.user.read(run.id, 'verify.log')).toContain('expected 42, got 40');
  });

  it('refuses --verify with a queue and points to the alias', async () => {
    const result = await fleet.user.cli(['run', '--verify', 'true', '--item', 'Survey']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('verified by its own alias');
  });
});

describe('budgets on a worker node', () => {
  it('stops the worker past --max-tokens and shows the reason and usage here', async () => {
    const run = await fleet.user.run([
      '--model',
      'metered',
      '--max-tokens',
      '1000',
      ...[1, 2, 3].flatMap((n) => ['--item', 'usage: 400 tokens', '--item', `Step ${n}`]),
      '--item',
      'hang',
    ]);
    const waited = await waitFor(run.id);
    expect(waited.code, waited.out).toBe(3);
    expect(waited.out).toMatch(/budget exceeded: 1,200 tokens of 1,000 max/);
    const status = await fleet.user.status(run.id);
    expect(status).toMatchObject({
      state: 'failed',
      reason: 'budget exceeded: 1,200 tokens of 1,000 max',
      usage: { inputTokens: 900, outputTokens: 300 },
      budget: { maxTokens: 1000 },
    });
    expect((await fleet.user.cli(['status', run.id])).stdout).toContain(
      '900 tokens in, 300 out, cost unknown (budget: 1,000 tokens)',
    );
    const stop = fleet.user.events(run.id).find((e) => e.type === 'budget-exceeded');
    expect(stop).toMatchObject({ scope: 'task', unit: 'tokens', max: 1000, attempt: 1 });
    await waitForCondition(
      fleet.user.taskDir(run.id),
      () => (fleet.user.events(run.id).some((e) => e.type === 'exited') ? true : undefined),
      10_000,
      () => fleet.user.read(run.id, 'events.jsonl'),
    );
  });

  it("counts a node task's usage toward this project's daily budget, which stops it", async () => {
    const config = readFileSync(fleet.user.writeConfig(userConfig()), 'utf8');
    fleet.user.writeConfig(`${config}\ndaily_budget:\n  tokens: 500\n`);
    try {
      const run = await fleet.user.run([
        '--model',
        'metered',
        ...[1, 2, 3].flatMap((n) => ['--item', 'usage: 300 tokens', '--item', `Step ${n}`]),
        '--item',
        'hang',
      ]);
      const waited = await waitFor(run.id);
      expect(waited.code, waited.out).toBe(3);
      const status = await fleet.user.status(run.id);
      expect(status.state).toBe('failed');
      expect(String(status.reason)).toMatch(/daily budget exceeded: \d[\d,]* tokens of 500 max/);
      // The relay was stopped and passed the cancel on: the worker on the node ended too.
      const exit = await until(
        async () => (await fleet.upMessages(run.id)).find((m) => m.type === 'exit'),
        30_000,
        'the exit on the node',
      );
      expect(exit.state).toBe('cancelled');
      const refused = await fleet.user.cli(['run', '--no-queue', '--item', 'Survey']);
      expect(refused.code, refused.stderr).toBe(6);
      expect(refused.stderr).toContain('daily_budget');
    } finally {
      fleet.user.writeConfig(config);
    }
  });
});
