import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  appendNote,
  formatNote,
  planHasNote,
  serializePlan,
  setItemMarker,
} from '../../../src/core/plan/edit-plan.js';
import { parsePlan } from '../../../src/core/plan/parse-plan.js';
import type { Marker } from '../../../src/core/plan/plan-types.js';
import { prng, randomPlanText } from '../../helpers/plan-generator.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/core/plans/${name}`, import.meta.url), 'utf8');
}

function setMarker(text: string, index: number, marker: Marker, detail?: string): string {
  return serializePlan(setItemMarker(parsePlan(text), index, marker, detail));
}

/** Positions where two equally long strings differ. */
function differences(a: string, b: string): number[] {
  expect(a.length).toBe(b.length);
  const positions: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) positions.push(i);
  return positions;
}

const MARKERS: Marker[] = ['pending', 'done', 'blocked', 'error'];

describe('serializePlan', () => {
  it('joins the lines of the plan', () => {
    const plan = parsePlan('# T\r\n- [ ] a\n');
    expect(serializePlan(plan)).toBe('# T\r\n- [ ] a\n');
    expect(serializePlan({ ...plan, lines: ['x\n', 'y'] })).toBe('x\ny');
  });
});

describe('setItemMarker: marker only', () => {
  it.each([
    ['pending', 'done', '- [ ] a\n', '- [x] a\n'],
    ['done', 'pending', '- [x] a\n', '- [ ] a\n'],
    ['pending', 'blocked', '- [ ] a\n', '- [?] a\n'],
    ['pending', 'error', '- [ ] a\n', '- [!] a\n'],
    ['upper-case X', 'pending', '- [X] a\n', '- [ ] a\n'],
    ['blocked', 'done', '- [?] a\n', '- [x] a\n'],
  ] as const)('%s → %s', (_from, marker, before, after) => {
    expect(setMarker(before, 0, marker)).toBe(after);
  });

  it('changes exactly one character and nothing else in a real plan', () => {
    const text = fixture('worker-blocked.md');
    const result = setMarker(text, 3, 'done');
    const at = differences(text, result);
    expect(at).toHaveLength(1);
    expect(text.slice(0, at[0])).toMatch(/4\. \[$/);
    expect(result[at[0] as number]).toBe('x');
  });

  it.each([
    ['star bullet', '* [ ] a'],
    ['plus bullet', '+ [ ] a'],
    ['numbered with dot', '12. [ ] a'],
    ['numbered with paren', '3) [ ] a'],
    ['tab after bullet', '-\t[ ]\ta'],
    ['several spaces', '-   [ ]   a   '],
    ['indented with tabs', '\t\t- [ ] a'],
    ['text with brackets', '- [ ] fix [ ] and [x] in [docs](x.md)'],
    ['no text', '- [ ]'],
  ])('finds the marker with %s', (_name, line) => {
    const result = setMarker(`${line}\n`, 0, 'done');
    expect(differences(`${line}\n`, result)).toHaveLength(1);
    expect(parsePlan(result).items[0]?.marker).toBe('done');
  });

  it('keeps CRLF endings, a byte order mark and a missing final newline', () => {
    expect(setMarker('\uFEFF- [ ] a\r\n- [ ] b', 0, 'done')).toBe('\uFEFF- [x] a\r\n- [ ] b');
    expect(setMarker('\uFEFF- [ ] a\r\n- [ ] b', 1, 'error')).toBe('\uFEFF- [ ] a\r\n- [!] b');
  });

  it('keeps the existing detail when no detail is given', () => {
    const text = '- [?] q\n  the question\n- [ ] next\n';
    const result = setMarker(text, 0, 'error');
    expect(result).toBe('- [!] q\n  the question\n- [ ] next\n');
    expect(parsePlan(result).items[0]?.detail).toBe('the question');
  });

  it('leaves a flush-left question line in place when the item is checked without detail', () => {
    const text = '- [?] q\nQuestion: which?\n- [ ] next\n';
    const result = setMarker(text, 0, 'done');
    expect(result).toBe('- [x] q\nQuestion: which?\n- [ ] next\n');
    // Under a done item a flush-left line is no longer detail.
    expect(parsePlan(result).items[0]?.detail).toBeUndefined();
  });

  it('does not change the plan it was given', () => {
    const plan = parsePlan('- [ ] a\n');
    const before = structuredClone(plan);
    setItemMarker(plan, 0, 'done', 'detail');
    expect(plan).toEqual(before);
  });

  it('returns a parsed plan, so the new marker reads back', () => {
    const plan = setItemMarker(parsePlan('- [ ] a\n- [ ] b\n'), 1, 'blocked', 'why?');
    expect(plan.items.map((i) => [i.marker, i.detail])).toEqual([
      ['pending', undefined],
      ['blocked', 'why?'],
    ]);
  });

  it('throws a RangeError for an item that does not exist', () => {
    const plan = parsePlan('- [ ] a\n');
    expect(() => setItemMarker(plan, 1, 'done')).toThrow(RangeError);
    expect(() => setItemMarker(plan, -1, 'done')).toThrow(RangeError);
    expect(() => setItemMarker(parsePlan(''), 0, 'done')).toThrow(/plan has no item 0/);
  });

  it('refuses to edit a line that is not an item (a stale plan model)', () => {
    const plan = parsePlan('- [ ] a\n');
    const stale = { ...plan, lines: ['not an item\n'] };
    expect(() => setItemMarker(stale, 0, 'done')).toThrow(/line 1 is not an item/);
  });
});

describe('setItemMarker: with detail', () => {
  it('writes the question under a blocked item, indented by two spaces', () => {
    const result = setMarker(
      '# T\n- [ ] pick a db\n- [ ] next\n',
      0,
      'blocked',
      'Staging or prod?',
    );
    expect(result).toBe('# T\n- [?] pick a db\n  Staging or prod?\n- [ ] next\n');
    expect(parsePlan(result).items[0]?.detail).toBe('Staging or prod?');
  });

  it('indents the detail two spaces deeper than a nested item', () => {
    const result = setMarker('- [ ] a\n    - [ ] b\n', 1, 'error', 'boom');
    expect(result).toBe('- [ ] a\n    - [!] b\n      boom\n');
  });

  it('replaces the existing detail lines, indented or flush-left', () => {
    const text = fixture('worker-blocked.md');
    const errored = setMarker(text, 4, 'error', 'Token expired');
    expect(errored).toBe(
      text.replace(
        '5. [!] Update the dashboards\n  Grafana API returns 403 with the token in .env\n  (tried twice, same result)\n',
        '5. [!] Update the dashboards\n  Token expired\n',
      ),
    );
    const blocked = setMarker(text, 2, 'blocked', 'Staging?');
    expect(blocked).toBe(
      text.replace('Question: staging or production? The README mentions both.\n', '  Staging?\n'),
    );
  });

  it('removes the detail when it is empty (unblocking an item)', () => {
    const text = '- [?] q\nQuestion: which?\n- [ ] next\n';
    expect(setMarker(text, 0, 'pending', '')).toBe('- [ ] q\n- [ ] next\n');
    expect(setMarker('- [!] e\n  a\n  b\n', 0, 'pending', '')).toBe('- [ ] e\n');
  });

  it('keeps every line of a multi-line detail inside the item', () => {
    const result = setMarker('- [ ] a\n- [ ] b\n', 0, 'error', 'line one\nline two\r\nline three');
    expect(result).toBe('- [!] a\n  line one\n  line two\n  line three\n- [ ] b\n');
    expect(parsePlan(result).items[0]?.detail).toBe('line one\nline two\nline three');
    expect(parsePlan(result).items).toHaveLength(2);
  });

  it('drops blank lines of a detail, which would otherwise end it and strand the rest', () => {
    const result = setMarker('- [ ] a\n', 0, 'error', 'first\n\n   \nsecond');
    expect(result).toBe('- [!] a\n  first\n  second\n');
    const plan = parsePlan(result);
    expect(plan.items[0]?.detail).toBe('first\nsecond');
    // Setting a new detail replaces all of it: nothing of the old one is left behind.
    expect(setMarker(result, 0, 'blocked', 'new')).toBe('- [?] a\n  new\n');
  });

  it('uses CRLF for the detail lines of a CRLF plan', () => {
    const result = setMarker('# T\r\n- [ ] a\r\n- [ ] b\r\n', 0, 'blocked', 'q1\nq2');
    expect(result).toBe('# T\r\n- [?] a\r\n  q1\r\n  q2\r\n- [ ] b\r\n');
  });

  it('does not add a final newline to a file that had none', () => {
    expect(setMarker('# T\n- [ ] a', 0, 'blocked', 'Q?')).toBe('# T\n- [?] a\n  Q?');
    expect(setMarker('- [?] a\nold question', 0, 'blocked', 'new\nlines')).toBe(
      '- [?] a\n  new\n  lines',
    );
    expect(setMarker('- [?] a\nold question', 0, 'pending', '')).toBe('- [ ] a');
    expect(setMarker('- [ ] a\r\n- [ ] b', 1, 'error', 'x')).toBe('- [ ] a\r\n- [!] b\r\n  x');
  });

  it('keeps a byte order mark on the first line', () => {
    expect(setMarker('\uFEFF- [ ] a\n', 0, 'blocked', 'q')).toBe('\uFEFF- [?] a\n  q\n');
  });

  it('shifts later items down but keeps their index', () => {
    const plan = setItemMarker(parsePlan('- [ ] a\n- [ ] b\n'), 0, 'blocked', 'x\ny');
    expect(plan.items.map((i) => [i.index, i.line, i.text])).toEqual([
      [0, 0, 'a'],
      [1, 3, 'b'],
    ]);
  });
});

describe('setItemMarker on generated plans', () => {
  const random = prng(20240611);
  const texts = Array.from({ length: 300 }, () => randomPlanText(random)).filter(
    (text) => parsePlan(text).items.length > 0,
  );

  it('has enough plans with items to mean something', () => {
    expect(texts.length).toBeGreaterThan(150);
  });

  it('changes only the one marker character, for every item and marker', () => {
    for (const text of texts) {
      const plan = parsePlan(text);
      for (const item of plan.items) {
        for (const marker of MARKERS) {
          const result = serializePlan(setItemMarker(plan, item.index, marker));
          const at = differences(text, result);
          expect(at.length).toBeLessThanOrEqual(1);
          expect(parsePlan(result).items[item.index]?.marker).toBe(marker);
          // Every other item, and every note, is unchanged.
          const others = (p: typeof plan) =>
            p.items.filter((i) => i.index !== item.index).map((i) => [i.marker, i.text, i.detail]);
          expect(others(parsePlan(result))).toEqual(others(plan));
          expect(parsePlan(result).notes).toEqual(plan.notes);
        }
      }
    }
  });

  it('sets a detail that reads back, and leaves the lines before the item untouched', () => {
    for (const text of texts) {
      const plan = parsePlan(text);
      const item = plan.items[Math.floor(random() * plan.items.length)];
      if (!item) continue;
      const result = setItemMarker(plan, item.index, 'blocked', 'Which one?\nA or B');
      expect(result.items[item.index]?.marker).toBe('blocked');
      expect(result.items[item.index]?.detail).toBe('Which one?\nA or B');
      expect(result.lines.slice(0, item.line)).toEqual(plan.lines.slice(0, item.line));
      const afterOld = plan.lines.slice(item.line + 1 + item.detailLineCount);
      expect(result.lines.slice(result.lines.length - afterOld.length)).toEqual(afterOld);
    }
  });
});

describe('formatNote', () => {
  it('writes the dispatcher note marker before the text', () => {
    expect(formatNote('Check both files.')).toBe('> **Note from dispatcher:** Check both files.');
  });

  it('keeps later lines in the block quote, with a bare ">" for blank lines', () => {
    expect(formatNote('one\ntwo\n\nfour')).toBe(
      '> **Note from dispatcher:** one\n> two\n>\n> four',
    );
  });

  it('trims surrounding white space and accepts CRLF input', () => {
    expect(formatNote('  \n hello\r\nworld \n\n')).toBe(
      '> **Note from dispatcher:** hello\n> world',
    );
  });
});

describe('appendNote', () => {
  it('adds the note after a blank line at the end of the plan', () => {
    expect(appendNote('# T\n\n- [ ] a\n', 'Use staging.')).toBe(
      '# T\n\n- [ ] a\n\n> **Note from dispatcher:** Use staging.\n',
    );
  });

  it('does not add a second blank line when the plan already ends with one', () => {
    expect(appendNote('- [ ] a\n\n', 'n')).toBe('- [ ] a\n\n> **Note from dispatcher:** n\n');
  });

  it('ends a last line that has no newline first', () => {
    expect(appendNote('- [ ] a', 'n')).toBe('- [ ] a\n\n> **Note from dispatcher:** n\n');
  });

  it('puts a note right under an earlier note', () => {
    const once = appendNote('- [ ] a\n', 'first');
    const twice = appendNote(once, 'second');
    expect(twice).toBe(
      '- [ ] a\n\n> **Note from dispatcher:** first\n> **Note from dispatcher:** second\n',
    );
    expect(parsePlan(twice).notes.map((n) => n.text)).toEqual(['first', 'second']);
  });

  it('separates the note from a plain block quote so it is not read as part of it', () => {
    const result = appendNote('> quoted text\n', 'n');
    expect(result).toBe('> quoted text\n\n> **Note from dispatcher:** n\n');
    expect(parsePlan(result).notes).toEqual([{ line: 2, text: 'n' }]);
  });

  it('writes only the note into an empty plan', () => {
    expect(appendNote('', 'n')).toBe('> **Note from dispatcher:** n\n');
  });

  it('keeps CRLF line endings, and adds no bare LF', () => {
    const result = appendNote('# T\r\n- [ ] a\r\n', 'one\ntwo');
    expect(result).toBe('# T\r\n- [ ] a\r\n\r\n> **Note from dispatcher:** one\r\n> two\r\n');
    expect(result.replace(/\r\n/g, '')).not.toContain('\n');
    expect(appendNote('- [ ] a\r\n- [ ] b', 'n')).toBe(
      '- [ ] a\r\n- [ ] b\r\n\r\n> **Note from dispatcher:** n\r\n',
    );
  });

  it('keeps a multi-line note inside one quote that parses back whole', () => {
    const note = 'Use staging first.\nProduction only after sign-off.\n\nPing #payments.';
    const result = appendNote('- [ ] a\n', note);
    const plan = parsePlan(result);
    expect(plan.notes).toHaveLength(1);
    expect(plan.notes[0]?.text).toBe(note);
    expect(planHasNote(plan, note)).toBe(true);
    for (const line of result.split('\n').slice(2, -1)) expect(line.startsWith('>')).toBe(true);
  });

  it('leaves the plan before it untouched and its items unchanged', () => {
    const text = fixture('worker-blocked.md');
    const result = appendNote(text, 'n');
    expect(result.startsWith(text)).toBe(true);
    expect(parsePlan(result).items).toEqual(parsePlan(text).items);
  });

  it('does not glue the note to the detail of a last blocked item', () => {
    const result = appendNote('- [?] q\nQuestion: which?', 'answer is A');
    const plan = parsePlan(result);
    expect(plan.items[0]?.detail).toBe('Question: which?');
    expect(plan.notes.map((n) => n.text)).toEqual(['answer is A']);
  });

  it('adds a note that reads back with planHasNote on generated plans', () => {
    const random = prng(99);
    for (let i = 0; i < 300; i++) {
      const text = randomPlanText(random);
      const note = `note ${i}: ${random() < 0.5 ? 'single line' : 'two\nlines with ünïcode 🎉'}`;
      const result = appendNote(text, note);
      const before = parsePlan(text);
      const after = parsePlan(result);
      expect(planHasNote(after, note)).toBe(true);
      expect(after.notes).toHaveLength(before.notes.length + 1);
      expect(after.items.map((item) => [item.marker, item.text])).toEqual(
        before.items.map((item) => [item.marker, item.text]),
      );
      expect(result.startsWith(text)).toBe(true);
    }
  });
});

describe('planHasNote', () => {
  it('finds a note in the plan of the original dispatcher', () => {
    const plan = parsePlan(fixture('original-security-review.md'));
    expect(
      planHasNote(
        plan,
        'The admin panel uses legacy-auth.js, not auth.ts. Make sure to check both.',
      ),
    ).toBe(true);
    expect(planHasNote(plan, 'The admin panel uses legacy-auth.js')).toBe(false);
  });

  it('ignores differences in white space, as when a worker rewraps the note', () => {
    const plan = parsePlan('> **Note from dispatcher:** use the\n> staging   database\n');
    expect(planHasNote(plan, 'use the staging database')).toBe(true);
    expect(planHasNote(plan, '  use the\n\tstaging database  ')).toBe(true);
  });

  it('is false when the plan has no notes or a different one', () => {
    expect(planHasNote(parsePlan('- [ ] a\n'), 'x')).toBe(false);
    expect(planHasNote(parsePlan('> **Note from dispatcher:** x\n'), 'y')).toBe(false);
  });

  it('is false once a worker rewrote the plan without the note', () => {
    const text = appendNote('- [ ] a\n', 'keep me');
    const rewritten = text.replace(/> \*\*Note from dispatcher:\*\*.*\n/, '');
    expect(planHasNote(parsePlan(rewritten), 'keep me')).toBe(false);
  });
});

describe('noteAppendix', () => {
  it('is exactly what appendNote adds, so an in-place append gives the same file', async () => {
    const { appendNote, noteAppendix } = await import('../../../src/core/plan/edit-plan.js');
    for (const plan of [
      '',
      '# T\n\n- [ ] a\n',
      '# T\n- [ ] a',
      '- [ ] a\r\n',
      '- [ ] a\n\n> **Note from dispatcher:** x\n',
    ]) {
      expect(plan + noteAppendix(plan, 'hello\nworld')).toBe(appendNote(plan, 'hello\nworld'));
    }
  });
});
