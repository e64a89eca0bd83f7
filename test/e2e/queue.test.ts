import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SIM_STEP_MS: '5' });
});
afterEach(() => sandbox.cleanup());

type RunJson = { id: string; state: string; model: string; alias: string | null };

const RANK = { high: 0, normal: 1, low: 2 } as const;

function doneFile(id: string): string {
  return join(sandbox.taskDir(id), 'ipc', '.done');
}

function waitUntil<T>(check: () => T | undefined, what: string, timeoutMs = 90_000): Promise<T> {
  return waitForCondition(join(sandbox.root, 'tasks'), check, timeoutMs, () => {
    return `${what}\n${sandbox
      .taskIds()
      .map(
        (id) =>
          `${id}: ${sandbox
            .events(id)
            .map((e) => e.type)
            .join(' ')}`,
      )
      .join('\n')}`;
  });
}

function eventOf(id: string, type: string) {
  return sandbox.events(id).find((event) => event.type === type);
}

/** When a task took a slot and gave it back: its `spawned` event, and the rename of ipc/.done. */
function interval(id: string): { id: string; start: number; end: number } {
  return {
    id,
    start: Date.parse(String(eventOf(id, 'spawned')?.time)),
    // ctime changes with the rename that makes .done appear, the moment the task counts as done.
    end: statSync(doneFile(id)).ctimeMs,
  };
}

function maxConcurrency(intervals: { start: number; end: number }[]): number {
  const points = intervals.flatMap((i) => [
    { t: i.start, d: 1 },
    { t: i.end, d: -1 },
  ]);
  // At equal times the end comes first: a slot freed and taken in the same instant is one slot.
  points.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const point of points) {
    now += point.d;
    max = Math.max(max, now);
  }
  return max;
}

type Overview = {
  id: string;
  state: string;
  reason: string | null;
  queue: { reason: string } | null;
};

/** `dispatch status --json`: every task by id, with its queue entry when queued. */
async function overview(): Promise<Map<string, Overview>> {
  const result = await sandbox.cli(['status', '--json']);
  return new Map((JSON.parse(result.stdout) as Overview[]).map((task) => [task.id, task]));
}

function planOf(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, n) => `# ${prefix} ${n + 1}\n- [ ] work\n`).join('\n');
}

describe('queue', () => {
  it('drains a queue of 20 with max_parallel 3, never more than 3 at once, by priority', async () => {
    sandbox.writeConfig('default: sim\nmax_parallel: 3\n');
    // Three tasks hold the slots (waiting for an answer) while the other 17 queue up.
    const gates = ['gate-1', 'gate-2', 'gate-3'];
    for (const id of gates) await sandbox.run(['--id', id, '--item', 'ask: Go?']);
    await waitUntil(
      () =>
        gates.every((id) => existsSync(join(sandbox.taskDir(id), 'ipc', '001.question')))
          ? true
          : undefined,
      'the gates ask',
    );
    // Created low first, high last: the queue must still start the high ones first.
    const batches: [string, keyof typeof RANK, number][] = [
      ['low', 'low', 5],
      ['normal', 'normal', 6],
      ['high', 'high', 6],
    ];
    const queued: { id: string; priority: keyof typeof RANK }[] = [];
    for (const [prefix, priority, count] of batches) {
      writeFileSync(join(sandbox.project, `${prefix}.md`), planOf(prefix, count));
      const runs = (await sandbox.run([
        '--plan-file',
        `${prefix}.md`,
        '--priority',
        priority,
      ])) as unknown as RunJson[];
      expect(runs.map((r) => r.state)).toEqual(Array(count).fill('queued'));
      queued.push(...runs.map((r) => ({ id: r.id, priority })));
    }
    expect(queued).toHaveLength(17);

    // `dispatch status` shows the queue in start order and why each task waits.
    const overview = await sandbox.cli(['status']);
    expect(overview.stdout).toContain('Queue, in start order (3 running, max_parallel 3):');
    expect(overview.stdout).toMatch(/ 1\. high-1\s+high\s+all 3 slots busy \(max_parallel\)/);
    expect(overview.stdout).toMatch(/17\. low-5\s+low/);
    const detail = await sandbox.status('normal-2');
    expect(detail.queue).toEqual({
      position: 8,
      of: 17,
      priority: 'normal',
      reason: 'all 3 slots busy (max_parallel)',
      outlook: 'wait',
    });
    const text = await sandbox.cli(['status', 'normal-2']);
    expect(text.stdout).toContain('queue     8 of 17 (normal) — all 3 slots busy (max_parallel)');

    for (const id of gates) expect((await sandbox.cli(['answer', id, 'go'])).code).toBe(0);
    const all = [...gates, ...queued.map((q) => q.id)];
    await waitUntil(
      () => (all.every((id) => existsSync(doneFile(id))) ? true : undefined),
      'all done',
    );

    expect(maxConcurrency(all.map(interval))).toBe(3);
    // By priority, then first come first served: no task started before one ahead of it.
    const key = (q: { id: string; priority: keyof typeof RANK }) =>
      RANK[q.priority] * 100 + queued.indexOf(q);
    const started = queued.map((q) => ({ ...q, start: interval(q.id).start }));
    for (const a of started)
      for (const b of started)
        if (key(a) < key(b))
          expect(a.start, `${a.id} should start no later than ${b.id}`).toBeLessThanOrEqual(
            b.start,
          );
    const overviewAfter = JSON.parse((await sandbox.cli(['status', '--json'])).stdout) as RunJson[];
    expect(overviewAfter.map((t) => t.state)).toEqual(Array(20).fill('done'));
  }, 180_000);

  it('holds --max-parallel across separate dispatch run invocations', async () => {
    const first = await sandbox.run(['--id', 'first', '--item', 'ask: Go?']);
    expect(first.state).not.toBe('queued');
    const second = await sandbox.run(['--id', 'second', '--max-parallel', '1', '--item', 'x']);
    expect(second.state).toBe('queued');
    const status = await sandbox.status('second');
    expect((status.queue as { reason: string }).reason).toBe(
      '1 tasks running; this one starts below 1 (--max-parallel)',
    );
    expect((await sandbox.cli(['answer', 'first', 'go'])).code).toBe(0);
    await waitUntil(() => (existsSync(doneFile('second')) ? true : undefined), 'second done');
    expect(interval('second').start).toBeGreaterThanOrEqual(interval('first').end);
  }, 60_000);

  it('holds max_parallel for answers after the fallback and for retries too', async () => {
    sandbox.writeConfig('default: sim\nmax_parallel: 1\nfallback_minutes: 0.02\n');
    // "blocked" gives up waiting for its answer and stops, so "holder" can take the only slot.
    await sandbox.run(['--id', 'blocked', '--item', 'ask: Which database?', '--item', 'x']);
    await waitUntil(() => eventOf('blocked', 'exited'), 'blocked gives up');
    expect((await sandbox.status('blocked')).state).toBe('blocked');
    const holder = await sandbox.run(['--id', 'holder', '--item', 'hang']);
    expect(holder.state).not.toBe('queued');

    // The answer's new worker waits for the slot instead of running beside "holder".
    const answered = await sandbox.cli(['answer', 'blocked', 'PostgreSQL']);
    expect(answered.code).toBe(0);
    expect(answered.stdout).toContain('It starts when a slot is free: dispatch status blocked');
    expect(await sandbox.status('blocked')).toMatchObject({ state: 'queued', attempt: 2 });
    expect(sandbox.events('blocked').filter((e) => e.type === 'spawned')).toHaveLength(1);
    expect(sandbox.events('blocked').at(-1)).toMatchObject({ type: 'resumed', queued: true });

    // Cancelling the holder frees the slot: the answered task goes on, and is done.
    expect((await sandbox.cli(['cancel', 'holder'])).code).toBe(0);
    await waitUntil(() => (existsSync(doneFile('blocked')) ? true : undefined), 'blocked done');
    expect(await sandbox.status('blocked')).toMatchObject({ state: 'done', attempt: 2 });

    // A retry of the cancelled holder takes its turn the same way, behind a running task.
    const busy = await sandbox.run(['--id', 'busy', '--item', 'hang']);
    expect(busy.state).not.toBe('queued');
    const retried = await sandbox.cli(['retry', 'holder']);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain('It starts when a slot is free: dispatch status holder');
    expect((await sandbox.status('holder')).state).toBe('queued');
    expect((await sandbox.cli(['cancel', 'busy'])).code).toBe(0);
    await waitUntil(
      () => sandbox.events('holder').find((e) => e.type === 'spawned' && e.attempt === 2),
      'holder restarted',
    );
    expect((await sandbox.status('holder')).state).toBe('running');
  }, 60_000);
});

describe('dependencies', () => {
  it('starts a chain in order, and a failure stops everything after it', async () => {
    sandbox.writeConfig('default: sim\n');
    await sandbox.run(['--id', 'build', '--item', 'ask: Go?']);
    await sandbox.run(['--id', 'test', '--after', 'build', '--item', 'x']);
    await sandbox.run(['--id', 'deploy', '--after', 'test', '--item', 'x']);
    const waiting = await overview();
    expect(waiting.get('test')?.queue?.reason).toBe('waiting for build to finish');
    expect(waiting.get('deploy')?.queue?.reason).toBe('waiting for test to finish');
    expect(eventOf('test', 'spawned')).toBeUndefined();

    await sandbox.run(['--id', 'lint', '--item', 'fail: style errors']);
    await sandbox.run(['--id', 'package', '--after', 'lint', '--item', 'x']);
    await sandbox.run(['--id', 'publish', '--after', 'package', '--after', 'build', '--item', 'x']);
    await sandbox.run(['--id', 'gate', '--item', 'ask: Go?']);
    await sandbox.run(['--id', 'after-gate', '--after', 'gate', '--item', 'x']);

    expect((await sandbox.cli(['answer', 'build', 'go'])).code).toBe(0);
    expect((await sandbox.cli(['cancel', 'gate', '--reason', 'not needed'])).code).toBe(0);
    await waitUntil(
      () =>
        existsSync(doneFile('deploy')) &&
        ['package', 'publish', 'after-gate'].every((id) => eventOf(id, 'skipped'))
          ? true
          : undefined,
      'the chain finishes and the dependants of lint and gate are skipped',
    );
    expect(interval('test').start).toBeGreaterThanOrEqual(interval('build').end);
    expect(interval('deploy').start).toBeGreaterThanOrEqual(interval('test').end);

    const after = await overview();
    expect(after.get('lint')?.state).toBe('failed');
    expect(after.get('package')).toMatchObject({
      state: 'not-started',
      reason: 'dependency lint ended failed',
    });
    expect(after.get('publish')?.state).toBe('not-started');
    expect(after.get('publish')?.reason).toMatch(
      /dependency package (ended not-started|will not start)/,
    );
    expect(after.get('after-gate')).toMatchObject({
      state: 'not-started',
      reason: 'dependency gate ended cancelled',
    });
    for (const id of ['package', 'publish', 'after-gate'])
      expect(eventOf(id, 'spawned')).toBeUndefined();
  }, 120_000);
});

describe('capabilities', () => {
  it('gives a task an alias with the capability and a free slot, or queues it', async () => {
    sandbox.writeConfig(
      [
        'default: sim',
        'models:',
        '  m1: { backend: sim }',
        '  m2: { backend: sim }',
        'aliases:',
        '  researcher: { model: m1, capabilities: [research], max_parallel: 1, prompt: "Cite sources." }',
        '  analyst: { model: m2, capabilities: [research, coding], max_parallel: 1 }',
      ].join('\n'),
    );
    const r1 = (await sandbox.run([
      '--capability',
      'research',
      '--id',
      'r1',
      '--item',
      'ask: Go?',
    ])) as unknown as RunJson;
    const r2 = (await sandbox.run([
      '--capability',
      'research',
      '--id',
      'r2',
      '--item',
      'ask: Go?',
    ])) as unknown as RunJson;
    const r3 = (await sandbox.run([
      '--capability',
      'research',
      '--id',
      'r3',
      '--item',
      'x',
    ])) as unknown as RunJson;
    expect([r1.alias, r1.model, r1.state]).toEqual(['researcher', 'm1', 'running']);
    expect([r2.alias, r2.model]).toEqual(['analyst', 'm2']);
    expect(r3.state).toBe('queued');
    expect(((await sandbox.status('r3')).queue as { reason: string }).reason).toBe(
      'all slots of researcher (1), analyst (1) busy (capability research)',
    );
    expect(sandbox.read('r2', 'prompt.md')).not.toContain('Cite sources.');

    // The analyst's slot frees first: r3 goes there, and its files say so.
    await waitUntil(
      () => (existsSync(join(sandbox.taskDir('r2'), 'ipc', '001.question')) ? true : undefined),
      'r2 asks',
    );
    expect((await sandbox.cli(['answer', 'r2', 'go'])).code).toBe(0);
    await waitUntil(() => (existsSync(doneFile('r3')) ? true : undefined), 'r3 done');
    const meta = JSON.parse(sandbox.read('r3', 'task.json'));
    expect(meta).toMatchObject({ capability: 'research', alias: 'analyst', model: 'm2' });
    expect(eventOf('r3', 'spawned')?.model).toBe('m2');
    expect(sandbox.read('r3', 'prompt.md')).not.toContain('Cite sources.');
    expect(interval('r3').start).toBeGreaterThanOrEqual(interval('r2').end);
    expect((await sandbox.status('r1')).state).toBe('waiting');

    const coding = (await sandbox.run([
      '--capability',
      'coding',
      '--item',
      'x',
    ])) as unknown as RunJson;
    expect(coding.alias).toBe('analyst');
    const unknown = await sandbox.cli(['run', '--capability', 'art', '--item', 'x']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('no alias has the capability "art"');
    expect(unknown.stderr).toContain('coding, research');
    const both = await sandbox.cli(['run', '--capability', 'coding', '--model', 'm1', 'x']);
    expect(both.code).toBe(2);
  }, 90_000);
});
