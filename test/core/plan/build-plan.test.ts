import { describe, expect, it } from 'vitest';
import { EXPAND_ITEM, buildPlan } from '../../../src/core/plan/build-plan.js';
import { serializePlan } from '../../../src/core/plan/edit-plan.js';
import { parsePlan } from '../../../src/core/plan/parse-plan.js';

describe('buildPlan', () => {
  it('writes a title and one pending item per given item', () => {
    const text = buildPlan({
      title: 'Security review',
      items: ['Scan for secrets', 'Review auth'],
    });
    expect(text).toBe('# Security review\n\n- [ ] Scan for secrets\n- [ ] Review auth\n');
    const plan = parsePlan(text);
    expect(plan.title).toBe('Security review');
    expect(plan.items.map((i) => [i.marker, i.text])).toEqual([
      ['pending', 'Scan for secrets'],
      ['pending', 'Review auth'],
    ]);
  });

  it('asks the worker to expand the plan when no items are given', () => {
    for (const spec of [{ title: 'T' }, { title: 'T', items: [] }]) {
      const plan = parsePlan(buildPlan(spec));
      expect(plan.items.map((i) => i.text)).toEqual([EXPAND_ITEM]);
    }
  });

  it('keeps a multi-line title or item on one line, so it cannot add items or headings', () => {
    const text = buildPlan({
      title: 'Fix\n  the login\r\n',
      items: ['first\n- [x] injected', 'second\n# heading'],
    });
    const plan = parsePlan(text);
    expect(plan.title).toBe('Fix the login');
    expect(plan.items.map((i) => [i.marker, i.text])).toEqual([
      ['pending', 'first - [x] injected'],
      ['pending', 'second # heading'],
    ]);
    expect(text.split('\n')).toHaveLength(5);
  });

  it('writes a plan that round-trips', () => {
    const text = buildPlan({ title: 'Ünïcode 🎉', items: ['a', 'b'] });
    expect(serializePlan(parsePlan(text))).toBe(text);
  });
});
