import { describe, expect, it } from 'vitest';
import { matchTaskRef } from '../../../src/core/task/task-ref.js';

describe('matchTaskRef', () => {
  const ids = ['review-auth', 'review-auth-2', 'fix-login', 'docs'];

  it('takes a whole id as it is, even when it starts another id', () => {
    expect(matchTaskRef('review-auth', ids)).toEqual({ kind: 'exact', id: 'review-auth' });
  });

  it('takes a start that only one task has', () => {
    expect(matchTaskRef('fix', ids)).toEqual({ kind: 'prefix', id: 'fix-login' });
    expect(matchTaskRef('review-auth-', ids)).toEqual({ kind: 'prefix', id: 'review-auth-2' });
  });

  it('lists the tasks a shared start could mean', () => {
    expect(matchTaskRef('rev', ids)).toEqual({
      kind: 'ambiguous',
      candidates: ['review-auth', 'review-auth-2'],
    });
  });

  it('finds nothing for an unknown or empty reference', () => {
    expect(matchTaskRef('nope', ids)).toEqual({ kind: 'none' });
    expect(matchTaskRef('', ids)).toEqual({ kind: 'none' });
  });
});
