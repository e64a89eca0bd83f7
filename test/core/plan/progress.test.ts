import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src/core/plan/parse-plan.js';
import { isPlanComplete, planProgress } from '../../../src/core/plan/progress.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/core/plans/${name}`, import.meta.url), 'utf8');
}

function progressOf(text: string) {
  return planProgress(parsePlan(text));
}

describe('planProgress', () => {
  it('counts done items over all items, with an upper-case X as done', () => {
    const progress = progressOf('- [x] a\n- [X] b\n- [ ] c\n- [?] d\n- [!] e\n');
    expect(progress.done).toBe(2);
    expect(progress.total).toBe(5);
  });

  it('is 0 of 0 with nothing current for a plan without items', () => {
    expect(progressOf('# Only a title\n\nSome text.\n')).toEqual({
      done: 0,
      total: 0,
      blocked: [],
      errors: [],
      current: undefined,
    });
  });

  it('makes the first item that is not done current, whatever its marker', () => {
    expect(progressOf('- [x] a\n- [ ] b\n- [ ] c\n').current?.text).toBe('b');
    expect(progressOf('- [x] a\n- [?] b\n- [ ] c\n').current?.text).toBe('b');
    expect(progressOf('- [!] a\n- [ ] b\n').current?.index).toBe(0);
  });

  it('has no current item when everything is done', () => {
    const progress = progressOf('- [x] a\n- [x] b\n');
    expect(progress.current).toBeUndefined();
    expect(progress.done).toBe(progress.total);
  });

  it('lists blocked items with the question under them, or their own text without one', () => {
    const progress = progressOf(
      '- [?] Which db?\nQuestion: staging or prod?\n- [?] Is the API key in the vault?\n',
    );
    expect(progress.blocked).toEqual([
      { index: 0, text: 'Which db?', question: 'Question: staging or prod?' },
      { index: 1, text: 'Is the API key in the vault?', question: 'Is the API key in the vault?' },
    ]);
    expect(progress.errors).toEqual([]);
  });

  it('lists errored items with their description, or their own text without one', () => {
    const progress = progressOf(
      '- [x] a\n- [!] Deploy\n  403 from the API\n  twice\n- [!] Cannot access the db\n',
    );
    expect(progress.errors).toEqual([
      { index: 1, text: 'Deploy', description: '403 from the API\ntwice' },
      { index: 2, text: 'Cannot access the db', description: 'Cannot access the db' },
    ]);
  });

  it('counts nested items like top-level ones', () => {
    const progress = progressOf('- [ ] parent\n  - [x] child one\n  - [x] child two\n');
    expect([progress.done, progress.total]).toEqual([2, 3]);
    expect(progress.current?.text).toBe('parent');
  });

  it('reports the plan a worker left blocked', () => {
    const progress = planProgress(parsePlan(fixture('worker-blocked.md')));
    expect(progress.done).toBe(2);
    expect(progress.total).toBe(5);
    expect(progress.current).toMatchObject({ index: 2, marker: 'blocked' });
    expect(progress.blocked).toEqual([
      {
        index: 2,
        text: 'Which database should the migration target?',
        question: 'Question: staging or production? The README mentions both.',
      },
    ]);
    expect(progress.errors).toEqual([
      {
        index: 4,
        text: 'Update the dashboards',
        description: 'Grafana API returns 403 with the token in .env\n(tried twice, same result)',
      },
    ]);
  });

  it('does not count example checklists inside code fences', () => {
    const progress = planProgress(parsePlan(fixture('nested-and-fences.md')));
    expect([progress.done, progress.total]).toEqual([3, 7]);
  });
});

describe('isPlanComplete', () => {
  it('is true only when there are items and all are done', () => {
    expect(isPlanComplete(parsePlan('- [x] a\n- [X] b\n'))).toBe(true);
    expect(isPlanComplete(parsePlan('- [x] a\n- [ ] b\n'))).toBe(false);
    expect(isPlanComplete(parsePlan('- [x] a\n- [?] b\n'))).toBe(false);
    expect(isPlanComplete(parsePlan('- [x] a\n- [!] b\n'))).toBe(false);
  });

  it('is false for a plan with no items (nothing was done)', () => {
    expect(isPlanComplete(parsePlan(''))).toBe(false);
    expect(isPlanComplete(parsePlan('# Title only\n'))).toBe(false);
  });

  it('is not fooled by an unchecked example item inside a code fence', () => {
    expect(isPlanComplete(parsePlan('- [x] a\n```\n- [ ] example\n```\n'))).toBe(true);
  });

  it('is true for the finished plan of the original dispatcher', () => {
    const text = fixture('original-security-review.md').replace(/\[ \]/g, '[x]');
    expect(isPlanComplete(parsePlan(text))).toBe(true);
    expect(isPlanComplete(parsePlan(fixture('original-security-review.md')))).toBe(false);
  });
});
