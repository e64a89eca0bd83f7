import { describe, expect, it } from 'vitest';
import { DispatchError } from '../../../src/core/errors.js';
import {
  assertValidTaskId,
  isValidTaskId,
  slugify,
  uniqueTaskId,
} from '../../../src/core/task/task-id.js';

describe('slugify', () => {
  it.each([
    ['Review the Auth module!', 'review-the-auth-module'],
    ['security review', 'security-review'],
    ['  Fix   bug #42 -- now  ', 'fix-bug-42-now'],
    ['snake_case and.dots/and/slashes', 'snake-case-and-dots-and-slashes'],
    ['Überprüfe die Änderung', 'uberprufe-die-anderung'],
    ['Café crème brûlée', 'cafe-creme-brulee'],
    ['ﬁx the ﬂow', 'fix-the-flow'],
    ['ALL CAPS', 'all-caps'],
    ['2024 report', '2024-report'],
    ['../../etc/passwd', 'etc-passwd'],
    ['line\nbreak\ttab', 'line-break-tab'],
  ])('%j → %j', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });

  it('falls back to "task" when nothing usable is left', () => {
    for (const text of ['', '   ', '!!!', '修复登录', '🎉🎉', '...', '\u0000\u0001']) {
      expect(slugify(text)).toBe('task');
    }
  });

  it('stops at a whole word within 40 characters', () => {
    const slug = slugify(
      'implement the new scheduler with priorities and capabilities for workers',
    );
    expect(slug).toBe('implement-the-new-scheduler-with');
    expect(slug.length).toBeLessThanOrEqual(40);
  });

  it('cuts a single word longer than 40 characters', () => {
    expect(slugify('a'.repeat(100))).toBe('a'.repeat(40));
    expect(slugify(`${'b'.repeat(50)} tail`)).toBe('b'.repeat(40));
  });

  it('always gives a valid task id', () => {
    const inputs = [
      'Review the Auth module!',
      '',
      '---',
      'x'.repeat(300),
      'Ünïcode ✓ 42',
      ' .hidden',
    ];
    for (const input of inputs) expect(isValidTaskId(slugify(input))).toBe(true);
  });
});

describe('uniqueTaskId', () => {
  it('uses the slug when it is free', () => {
    expect(uniqueTaskId('Security review', () => false)).toBe('security-review');
  });

  it('appends -2, -3, … until an id is free', () => {
    const taken = new Set(['security-review', 'security-review-2', 'security-review-3']);
    expect(uniqueTaskId('Security review', (id) => taken.has(id))).toBe('security-review-4');
  });

  it('asks about candidates in order', () => {
    const asked: string[] = [];
    uniqueTaskId('fix', (id) => {
      asked.push(id);
      return asked.length < 3;
    });
    expect(asked).toEqual(['fix', 'fix-2', 'fix-3']);
  });

  it('finds the first free suffix after many collisions', () => {
    const taken = new Set(['task', ...Array.from({ length: 99 }, (_, i) => `task-${i + 2}`)]);
    expect(uniqueTaskId('', (id) => taken.has(id))).toBe('task-101');
  });

  it('gives valid ids even for long titles with suffixes', () => {
    const id = uniqueTaskId('x'.repeat(200), (candidate) => !candidate.endsWith('-12'));
    expect(id).toBe(`${'x'.repeat(40)}-12`);
    expect(isValidTaskId(id)).toBe(true);
  });
});

describe('isValidTaskId / assertValidTaskId', () => {
  it.each([
    'a',
    '7',
    'security-review',
    'security-review-2',
    'Mixed-Case',
    'snake_case',
    'v1.2.3',
    'a'.repeat(64),
  ])('accepts %j', (id) => {
    expect(isValidTaskId(id)).toBe(true);
    expect(assertValidTaskId(id)).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['a slash', 'a/b'],
    ['a backslash', 'a\\b'],
    ['a parent reference', '..'],
    ['a parent reference inside', 'a..b'],
    ['a path escape', '../etc'],
    ['a leading dot', '.hidden'],
    ['a trailing dot', 'task.'],
    ['a leading dash', '-rf'],
    ['a trailing dash', 'task-'],
    ['a space', 'my task'],
    ['a tab', 'my\ttask'],
    ['a newline', 'task\n'],
    ['a NUL', 'task\u0000'],
    ['an escape sequence', '\u001b[31mred'],
    ['65 characters', 'a'.repeat(65)],
    ['non-ASCII', 'tâche'],
    ['shell characters', 'a;rm'],
    ['a glob', 'task*'],
    ['a dollar', '$HOME'],
  ])('rejects %s', (_name, id) => {
    expect(isValidTaskId(id)).toBe(false);
    expect(() => assertValidTaskId(id)).toThrow(DispatchError);
  });

  it('explains the rule in the error, with the id quoted and shortened', () => {
    let error: unknown;
    try {
      assertValidTaskId(`bad id\n${'x'.repeat(200)}`);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DispatchError);
    const dispatchError = error as DispatchError;
    expect(dispatchError.code).toBe('invalid-id');
    expect(dispatchError.message).toMatch(/^invalid task id "bad id\\n/);
    expect(dispatchError.message).not.toContain('\n');
    expect(dispatchError.message.length).toBeLessThan(120);
    expect(dispatchError.hint).toContain('1-64');
    expect(dispatchError.hint).toContain('"/"');
  });
});
