import { describe, expect, it } from 'vitest';
import { clockTime, feedLines } from '../../../src/ui/terminal/feed-lines.js';
import { planItem, taskStatus } from '../../helpers/task-status-fixture.js';

const at = new Date(2026, 0, 2, 12, 0, 1);
const running = taskStatus();
const waiting = taskStatus({
  state: 'waiting',
  question: { seq: 1, text: 'Which file?\nauth.ts or legacy?', live: true },
});

describe('one line per change (stdout not a terminal)', () => {
  it('formats the local time', () => {
    expect(clockTime(at)).toBe('12:00:01');
  });

  it('prints every task of the snapshot, with a pending question on its own line', () => {
    expect(feedLines({ kind: 'snapshot', tasks: [running, { ...waiting, id: 'b' }] }, at)).toEqual([
      '12:00:01 review-auth running 1/3 "Check session handling"',
      '12:00:01 b waiting 1/3 "Check session handling"',
      '12:00:01 b QUESTION 001: Which file? auth.ts or legacy?',
    ]);
  });

  it('says whether a finished task passed its verify command, and what its check is doing', () => {
    const verifying = taskStatus({ state: 'verifying', reason: 'verify running: npm test' });
    expect(feedLines({ kind: 'changed', task: verifying, previous: running }, at)).toEqual([
      '12:00:01 review-auth verifying 1/3: verify running: npm test',
    ]);
    const verified = taskStatus({ state: 'done', outcome: 'done-verified' });
    expect(feedLines({ kind: 'finished', task: verified }, at)).toEqual([
      '12:00:01 review-auth done-verified 1/3',
    ]);
    const failed = taskStatus({
      state: 'verify-failed',
      outcome: 'verify-failed',
      reason: 'verify failed: exit code 1: 2 failing',
    });
    expect(feedLines({ kind: 'finished', task: failed }, at)).toEqual([
      '12:00:01 review-auth verify-failed 1/3: verify failed: exit code 1: 2 failing',
    ]);
  });

  it('prints progress, questions and the end, each once', () => {
    const next = taskStatus({
      progress: { done: 2, total: 3, blocked: [], errors: [], current: planItem(2, 'Write it up') },
    });
    expect(feedLines({ kind: 'changed', task: next, previous: running }, at)).toEqual([
      '12:00:01 review-auth running 2/3 "Write it up"',
    ]);
    expect(feedLines({ kind: 'question', task: waiting }, at)).toEqual([
      '12:00:01 review-auth QUESTION 001: Which file? auth.ts or legacy?',
    ]);
    const failed = taskStatus({ state: 'failed', reason: 'exited with code 1' });
    // The change into a final state is told once, by the `finished` event.
    expect(feedLines({ kind: 'changed', task: failed, previous: running }, at)).toEqual([]);
    expect(feedLines({ kind: 'finished', task: failed }, at)).toEqual([
      '12:00:01 review-auth failed 1/3: exited with code 1',
    ]);
    expect(feedLines({ kind: 'removed', id: 'gone' }, at)).toEqual(['12:00:01 gone removed']);
    expect(feedLines({ kind: 'added', task: running }, at)).toHaveLength(1);
  });

  it('says nothing for a change nobody would see in a line (a new pid, only the question)', () => {
    expect(
      feedLines({ kind: 'changed', task: { ...running, pid: 99 }, previous: running }, at),
    ).toEqual([]);
    expect(
      feedLines({ kind: 'changed', task: { ...waiting, state: 'running' }, previous: running }, at),
    ).toEqual([]);
  });

  it('keeps escape sequences from the task text out of the output', () => {
    const evil = taskStatus({ question: { seq: 2, text: 'x\u001b]0;pwned\u0007y', live: true } });
    expect(feedLines({ kind: 'question', task: evil }, at)).toEqual([
      '12:00:01 review-auth QUESTION 002: xy',
    ]);
  });
});
