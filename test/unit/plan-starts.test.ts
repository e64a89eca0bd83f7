import { describe, expect, it } from 'vitest';
import {
  planStarts,
  queueOrder,
  type SchedulableTask,
  type ScheduleLimits,
} from '../../src/core/schedule/plan-starts.js';

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
});
