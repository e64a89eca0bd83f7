import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childPids } from '../helpers/processes.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
});
afterEach(() => sandbox.cleanup());

const TASKS = 60;
const MAX_PARALLEL = 4;

/** The launcher the supervisor of this sandbox runs now (a child of it, nobody else's). */
function launcherOf(supervisor: number): number | undefined {
  return childPids(supervisor).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('launcher.js');
    } catch {
      return false;
    }
  });
}

function supervisorPid(): number | undefined {
  try {
    return (
      JSON.parse(readFileSync(join(sandbox.root, 'supervisor.lock'), 'utf8')) as { pid: number }
    ).pid;
  } catch {
    return undefined;
  }
}

/** The most workers whose [spawned, exited] spans overlap at any moment. */
function peakParallel(spans: [number, number][]): number {
  const points = spans.flatMap(([start, end]): [number, number][] => [
    [start, 1],
    [end, -1],
  ]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, step] of points) peak = Math.max(peak, (now += step));
  return peak;
}

describe.runIf(process.platform === 'linux')('the launcher', () => {
  it(`killed again and again during a burst of ${TASKS}: every task still starts exactly once`, async () => {
    sandbox.writeConfig(
      [
        'default: instant',
        `max_parallel: ${MAX_PARALLEL}`,
        'backends:',
        '  instant: { command: "true", type: generic }',
        'models:',
        '  instant: { backend: instant }',
      ].join('\n'),
    );
    const plan = Array.from(
      { length: TASKS },
      (_, i) => `# Burst ${String(i).padStart(2, '0')}\n\n- [ ] step\n`,
    ).join('\n');
    writeFileSync(join(sandbox.project, 'burst.md'), plan);
    const runs = (await sandbox.run(['--plan-file', 'burst.md'])) as unknown as { id: string }[];
    const ids = runs.map((run) => run.id);
    expect(ids).toHaveLength(TASKS);

    // Kill each launcher the supervisor starts, at a moment of its work, until all have exited.
    const exited = (id: string) => sandbox.events(id).some((e) => e.type === 'exited');
    const killed = new Set<number>();
    let finished = false;
    const killer = (async () => {
      while (!finished && killed.size < 12) {
        const supervisor = supervisorPid();
        const launcher = supervisor === undefined ? undefined : launcherOf(supervisor);
        if (launcher !== undefined && !killed.has(launcher)) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
          try {
            process.kill(launcher, 'SIGKILL');
            killed.add(launcher);
          } catch {
            // gone on its own
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await waitForCondition(
        join(sandbox.root, 'tasks'),
        () => (ids.every(exited) ? true : undefined),
        180_000,
        () => ids.filter((id) => !exited(id)).join(', '),
      );
    } finally {
      finished = true;
      await killer;
    }

    const histories = ids.map((id) => sandbox.events(id));
    const starts = histories.map((events) => events.filter((e) => e.type === 'spawned').length);
    const exits = histories.map((events) => events.filter((e) => e.type === 'exited').length);
    expect(killed.size).toBeGreaterThan(0);
    expect(starts.filter((n) => n !== 1)).toEqual([]);
    expect(exits.filter((n) => n !== 1)).toEqual([]);
    const spans = histories.map((events): [number, number] => [
      Date.parse(String(events.find((e) => e.type === 'spawned')?.time)),
      Date.parse(String(events.find((e) => e.type === 'exited')?.time)),
    ]);
    expect(peakParallel(spans)).toBeLessThanOrEqual(MAX_PARALLEL);
    const log = readFileSync(join(sandbox.root, 'supervisor.log'), 'utf8');
    // The kills did land while starts were pending, and those starts were not lost.
    expect(log).toMatch(/launcher exited \(SIGKILL\) with \d+ start\(s\) unanswered/);
  }, 240_000);
});
