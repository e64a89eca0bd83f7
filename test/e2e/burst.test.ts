import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { reportFaults, trials } from '../helpers/fault-trials.js';
import { waitForCondition } from '../helpers/wait-for.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
});
afterEach(() => sandbox.cleanup());

/**
 * The most tasks that held a slot at the same time: from each `spawned` record to the moment the
 * task was done (its worker wrote ipc/.done, which frees the slot) or its worker exited.
 */
function mostAtOnce(ids: string[]): number {
  const edges: [number, number][] = [];
  for (const id of ids) {
    const events = sandbox.events(id);
    const spawned = events.find((e) => e.type === 'spawned');
    const exited = events.find((e) => e.type === 'exited');
    if (!spawned) continue;
    const ends = [exited ? Date.parse(String(exited.time)) : Infinity];
    const done = join(sandbox.taskDir(id), 'ipc', '.done');
    if (existsSync(done)) ends.push(statSync(done).mtimeMs);
    edges.push([Date.parse(String(spawned.time)), 1], [Math.min(...ends), -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (now += step));
  return most;
}

describe('a burst of `dispatch run` under a parallel limit', () => {
  const count = trials(40, 500);
  it(`creates every task, reports no false failure and keeps the limit (${count} at once)`, async () => {
    sandbox.writeConfig('default: sim\nmax_parallel: 2\n');
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        sandbox.cli(['run', '--id', `burst-${i}`, '--item', 'quick'], { timeoutMs: 600_000 }),
      ),
    );
    const falseFailures = results.filter((r) => r.code !== 0);
    const ids = sandbox.taskIds();
    const done = (id: string) => existsSync(join(sandbox.taskDir(id), 'ipc', '.done'));
    await waitForCondition(
      join(sandbox.root, 'tasks'),
      () => (ids.every(done) ? true : undefined),
      600_000,
    ).catch(() => undefined);
    const lost = count - ids.filter(done).length;
    reportFaults({
      test: `${count} concurrent \`dispatch run\`, max_parallel 2`,
      trials: count,
      faults: count,
      lost,
      doubled: ids.filter((id) => sandbox.events(id).filter((e) => e.type === 'spawned').length > 1)
        .length,
    });
    expect(falseFailures.map((r) => r.stderr)).toEqual([]);
    expect(ids).toHaveLength(count);
    expect(lost).toBe(0);
    expect(mostAtOnce(ids)).toBeLessThanOrEqual(2);
  }, 1_200_000);
});
