import { describe, expect, it } from 'vitest';
import {
  planStarts,
  queueOrder,
  type SchedulableTask,
  type ScheduleLimits,
} from '../../../src/core/schedule/plan-starts.js';

let clock = 0;
function task(id: string, overrides: Partial<SchedulableTask> = {}): SchedulableTask {
  clock++;
  return {
    id,
    state: 'queued',
    priority: 'normal',
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, clock)).toISOString(),
    after: [],
    maxParallel: undefined,
    alias: undefined,
    ...overrides,
  };
}

const NO_LIMITS: ScheduleLimits = { maxParallel: undefined, aliasMaxParallel: {} };

describe('queueOrder', () => {
  it('keeps only queued tasks, high priority first, then oldest first', () => {
    const tasks = [
      task('old-low', { priority: 'low' }),
      task('old-normal'),
      task('running', { state: 'running', priority: 'high' }),
      task('new-high', { priority: 'high' }),
      task('new-normal'),
      task('done', { state: 'done' }),
      task('newest-high', { priority: 'high' }),
    ];
    expect(queueOrder(tasks).map((t) => t.id)).toEqual([
      'new-high',
      'newest-high',
      'old-normal',
      'new-normal',
      'old-low',
    ]);
  });

  it('breaks a tie of priority and time by id, so the order is stable', () => {
    const time = '2025-01-01T00:00:00.000Z';
    const tasks = [task('b', { createdAt: time }), task('a', { createdAt: time })];
    expect(queueOrder(tasks).map((t) => t.id)).toEqual(['a', 'b']);
  });
});

describe('planStarts', () => {
  it('starts every queued task when nothing limits it', () => {
    const plan = planStarts([task('a'), task('b'), task('c', { state: 'running' })], NO_LIMITS);
    expect(plan.start).toEqual(['a', 'b']);
    expect(plan.order).toEqual(['a', 'b']);
    expect(plan.waiting.size).toBe(0);
    expect(plan.skip.size).toBe(0);
  });

  it('fills the free slots of max_parallel in queue order, counting running and waiting tasks', () => {
    const tasks = [
      task('r1', { state: 'running' }),
      task('w1', { state: 'waiting' }),
      task('blocked', { state: 'blocked' }),
      task('q-low', { priority: 'low' }),
      task('q1'),
      task('q-high', { priority: 'high' }),
    ];
    const plan = planStarts(tasks, { maxParallel: 3, aliasMaxParallel: {} });
    expect(plan.start).toEqual(['q-high']);
    expect(plan.order).toEqual(['q-high', 'q1', 'q-low']);
    expect(plan.waiting.get('q1')).toContain('max_parallel');
    expect(plan.waiting.get('q-low')).toContain('3');
  });

  it('starts nothing when all slots are busy', () => {
    const plan = planStarts([task('r', { state: 'running' }), task('q')], {
      maxParallel: 1,
      aliasMaxParallel: {},
    });
    expect(plan.start).toEqual([]);
    expect([...plan.waiting.keys()]).toEqual(['q']);
  });

  it('honours a task’s own limit, counting the tasks started before it', () => {
    const tasks = [task('a'), task('b'), task('shy', { maxParallel: 2 }), task('d')];
    const plan = planStarts(tasks, NO_LIMITS);
    expect(plan.start).toEqual(['a', 'b', 'd']);
    expect(plan.waiting.get('shy')).toContain('2');
  });

  it('honours the parallel limit of an alias', () => {
    const tasks = [
      task('running-review', { state: 'running', alias: 'reviewer' }),
      task('review-1', { alias: 'reviewer' }),
      task('review-2', { alias: 'reviewer' }),
      task('other', { alias: 'fast' }),
    ];
    const plan = planStarts(tasks, { maxParallel: undefined, aliasMaxParallel: { reviewer: 2 } });
    expect(plan.start).toEqual(['review-1', 'other']);
    expect(plan.waiting.get('review-2')).toContain('reviewer');
  });

  it('starts a task once all its dependencies are done', () => {
    const tasks = [
      task('build', { state: 'done' }),
      task('lint', { state: 'done' }),
      task('deploy', { after: ['build', 'lint'] }),
    ];
    expect(planStarts(tasks, NO_LIMITS).start).toEqual(['deploy']);
  });

  it('keeps a task waiting while a dependency is unfinished, naming it', () => {
    const tasks = [
      task('build', { state: 'running' }),
      task('lint', { state: 'done' }),
      task('test', { state: 'queued' }),
      task('deploy', { after: ['build', 'lint', 'test'] }),
    ];
    const plan = planStarts(tasks, NO_LIMITS);
    expect(plan.start).toEqual(['test']);
    const reason = plan.waiting.get('deploy') ?? '';
    expect(reason).toContain('build');
    expect(reason).toContain('test');
    expect(reason).not.toContain('lint');
  });

  it('lets a later task use a free slot while an earlier one waits for its dependency', () => {
    const tasks = [
      task('first', { after: ['dep'] }),
      task('dep', { state: 'running' }),
      task('second'),
    ];
    const plan = planStarts(tasks, { maxParallel: 2, aliasMaxParallel: {} });
    expect(plan.start).toEqual(['second']);
    expect(plan.waiting.has('first')).toBe(true);
  });

  it.each(['failed', 'cancelled', 'timed-out', 'not-started'] as const)(
    'skips a task whose dependency ended %s',
    (state) => {
      const plan = planStarts(
        [task('dep', { state }), task('next', { after: ['dep'] })],
        NO_LIMITS,
      );
      expect(plan.start).toEqual([]);
      expect(plan.skip.get('next')).toContain('dep');
      expect(plan.skip.get('next')).toContain(state);
      expect(plan.waiting.has('next')).toBe(false);
    },
  );

  it('skips a task whose dependency does not exist', () => {
    const plan = planStarts([task('next', { after: ['ghost'] })], NO_LIMITS);
    expect(plan.skip.get('next')).toContain('ghost');
  });

  it('puts every queued task in exactly one of start, waiting and skip', () => {
    const tasks = [
      task('a'),
      task('b', { after: ['a'] }),
      task('c', { after: ['missing'] }),
      task('d', { priority: 'high' }),
      task('e', { state: 'running' }),
    ];
    const plan = planStarts(tasks, { maxParallel: 2, aliasMaxParallel: {} });
    const all = [...plan.start, ...plan.waiting.keys(), ...plan.skip.keys()].sort();
    expect(all).toEqual(['a', 'b', 'c', 'd']);
    expect([...plan.order].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(plan.start).toEqual(['d']);
  });

  it('skips a whole chain at once when the head failed', () => {
    const plan = planStarts(
      [
        task('c', { after: ['b'] }),
        task('b', { after: ['a'] }),
        task('a', { state: 'failed' }),
        task('d', { after: ['c'] }),
      ],
      NO_LIMITS,
    );
    expect(plan.skip.get('b')).toBe('dependency a ended failed');
    expect(plan.skip.get('c')).toBe('dependency b will not start');
    expect(plan.skip.get('d')).toBe('dependency c will not start');
    expect(plan.start).toEqual([]);
  });

  it('does not count a skipped task as waiting or as taking a slot', () => {
    const plan = planStarts([task('gone', { after: ['ghost'] }), task('next')], {
      maxParallel: 1,
      aliasMaxParallel: {},
    });
    expect(plan.start).toEqual(['next']);
    expect(plan.order).toEqual(['gone', 'next']);
  });
});

describe('planStarts: capabilities', () => {
  const limits: ScheduleLimits = {
    maxParallel: undefined,
    aliasMaxParallel: { researcher: 1, analyst: 1, helper: undefined },
  };

  it('gives each capability task the first candidate alias with a free slot', () => {
    const candidates = ['researcher', 'analyst'];
    const plan = planStarts(
      [
        task('r1', { candidates, capability: 'research' }),
        task('r2', { candidates, capability: 'research' }),
        task('r3', { candidates, capability: 'research' }),
      ],
      limits,
    );
    expect(plan.start).toEqual(['r1', 'r2']);
    expect(plan.assign).toEqual(
      new Map([
        ['r1', 'researcher'],
        ['r2', 'analyst'],
      ]),
    );
    expect(plan.waiting.get('r3')).toBe(
      'all slots of researcher (1), analyst (1) busy (capability research)',
    );
  });

  it('counts running tasks of an alias, whether dispatched by capability or by name', () => {
    const plan = planStarts(
      [
        task('busy', { state: 'running', alias: 'researcher' }),
        task('named', { alias: 'analyst' }),
        task('cap', { candidates: ['researcher', 'analyst', 'helper'], capability: 'research' }),
      ],
      limits,
    );
    expect(plan.start).toEqual(['named', 'cap']);
    expect(plan.assign.get('cap')).toBe('helper');
  });

  it('keeps the global limit above the capability', () => {
    const plan = planStarts(
      [task('r', { state: 'running' }), task('cap', { candidates: ['helper'] })],
      { ...limits, maxParallel: 1 },
    );
    expect(plan.start).toEqual([]);
    expect(plan.waiting.get('cap')).toContain('max_parallel');
  });

  it('says so when no alias has the capability any more', () => {
    const plan = planStarts([task('cap', { candidates: [], capability: 'art' })], limits);
    expect(plan.start).toEqual([]);
    expect(plan.waiting.get('cap')).toContain('no configured alias has capability art');
  });
});

describe('a held task', () => {
  it('waits with its reason whatever the free slots, and lets the next one start', () => {
    const plan = planStarts(
      [
        task('backing-off', { held: 'a transient failure is retried after a backoff' }),
        task('next'),
      ],
      { maxParallel: 1, aliasMaxParallel: {} },
    );
    expect(plan.start).toEqual(['next']);
    expect(plan.waiting.get('backing-off')).toBe('a transient failure is retried after a backoff');
  });
});

describe("a backend's parallel limit", () => {
  it('holds its queued tasks while its slots are busy, not those of other backends', () => {
    const plan = planStarts(
      [
        task('c1', { state: 'running', backend: 'claude' }),
        task('c2', { state: 'running', backend: 'claude' }),
        task('c3', { backend: 'claude' }),
        task('c4', { backend: 'claude' }),
        task('x1', { backend: 'codex' }),
      ],
      { maxParallel: undefined, aliasMaxParallel: {}, backendMaxParallel: { claude: 3 } },
    );
    expect(plan.start).toEqual(['c3', 'x1']);
    expect(plan.waiting.get('c4')).toBe('all 3 slots of backend claude busy');
  });
});

describe('the node-task limit (max_node_tasks)', () => {
  it('holds tasks on worker nodes while that many relays run, not local tasks', () => {
    const plan = planStarts(
      [
        task('n1', { state: 'running', onNode: true }),
        task('n2', { state: 'waiting', onNode: true }),
        task('local', { state: 'running' }),
        task('n3', { onNode: true }),
        task('n4', { onNode: true }),
        task('here'),
      ],
      { maxParallel: undefined, aliasMaxParallel: {}, maxNodeTasks: 3 },
    );
    expect(plan.start).toEqual(['n3', 'here']);
    expect(plan.waiting.get('n4')).toBe(
      'all 3 node-task slots busy (max_node_tasks: each is followed by a relay process here)',
    );
  });

  it('starts none of a fan-out beyond the limit in one pass', () => {
    const tasks = Array.from({ length: 50 }, (_, i) => task(`n${i}`, { onNode: true }));
    const plan = planStarts(tasks, {
      maxParallel: undefined,
      aliasMaxParallel: {},
      maxNodeTasks: 32,
    });
    expect(plan.start).toHaveLength(32);
    expect(plan.waiting.size).toBe(18);
  });
});
