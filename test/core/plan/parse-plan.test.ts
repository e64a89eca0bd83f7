import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serializePlan } from '../../../src/core/plan/edit-plan.js';
import {
  ITEM_PATTERN,
  NOTE_PATTERN,
  lineContent,
  parsePlan,
  splitLines,
} from '../../../src/core/plan/parse-plan.js';
import type { PlanItem } from '../../../src/core/plan/plan-types.js';
import { prng, randomPlanText } from '../../helpers/plan-generator.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/core/plans/${name}`, import.meta.url), 'utf8');
}

/** The fields of items that matter to a reader, without line bookkeeping. */
function summary(items: PlanItem[]): [string, string, number][] {
  return items.map((item) => [item.marker, item.text, item.depth]);
}

describe('splitLines / lineContent', () => {
  it('keeps every line ending so joining gives the input back', () => {
    expect(splitLines('a\nb\n')).toEqual(['a\n', 'b\n']);
    expect(splitLines('a\r\nb')).toEqual(['a\r\n', 'b']);
    expect(splitLines('\n\n')).toEqual(['\n', '\n']);
    expect(splitLines('only')).toEqual(['only']);
    expect(splitLines('')).toEqual([]);
  });

  it('treats a lone carriage return as part of the line, not as a line break', () => {
    expect(splitLines('a\rb\n')).toEqual(['a\rb\n']);
  });

  it('strips the line ending and a byte order mark, nothing else', () => {
    expect(lineContent('  - [ ] a  \r\n')).toBe('  - [ ] a  ');
    expect(lineContent('text\n')).toBe('text');
    expect(lineContent('\uFEFF# Title\n')).toBe('# Title');
    expect(lineContent('no ending')).toBe('no ending');
    expect(lineContent('\r\n')).toBe('');
  });
});

describe('ITEM_PATTERN and NOTE_PATTERN', () => {
  it.each([
    '- [ ] a',
    '* [x] a',
    '+ [X] a',
    '1. [?] a',
    '2) [!] a',
    '123456789. [ ] nine digits',
    '\t- [ ] tab indented',
    '    - [ ] deeply indented',
    '- [ ]',
    '-\t[x]\tseparated by tabs',
  ])('accepts %j', (line) => {
    expect(ITEM_PATTERN.test(line)).toBe(true);
  });

  it.each([
    '- [] a',
    '- [  ] a',
    '- [-] a',
    '- [o] a',
    '-[ ] no space after the bullet',
    '- [x]no space after the marker',
    '[ ] no bullet',
    'a. [ ] letter bullet',
    '1234567890. [ ] ten digits',
    '> - [ ] inside a quote',
    '- ( ) parentheses',
    '-- [ ] double dash',
  ])('rejects %j', (line) => {
    expect(ITEM_PATTERN.test(line)).toBe(false);
  });

  it('recognises dispatcher notes with or without spaces around the quote mark', () => {
    expect(NOTE_PATTERN.exec('> **Note from dispatcher:** hi')?.[1]).toBe('hi');
    expect(NOTE_PATTERN.exec('>**Note from dispatcher:**hi')?.[1]).toBe('hi');
    expect(NOTE_PATTERN.exec('  >  **Note from dispatcher:** indented')?.[1]).toBe('indented');
    expect(NOTE_PATTERN.test('> Note from dispatcher: not bold')).toBe(false);
    expect(NOTE_PATTERN.test('**Note from dispatcher:** not quoted')).toBe(false);
  });
});

describe('parsePlan: title', () => {
  it('is the text of the first level-1 heading', () => {
    expect(parsePlan('# Security Review\n\n- [ ] a\n').title).toBe('Security Review');
  });

  it('skips level-2 and deeper headings before it and ignores later level-1 headings', () => {
    const plan = parsePlan('## Overview\n### Details\n# Real title\n# Second title\n');
    expect(plan.title).toBe('Real title');
  });

  it('is undefined when there is no level-1 heading', () => {
    expect(parsePlan('- [ ] a\n## Sub\n').title).toBeUndefined();
    expect(parsePlan('#NoSpace\n').title).toBeUndefined();
    expect(parsePlan('    # indented four spaces is code\n').title).toBeUndefined();
    expect(parsePlan('').title).toBeUndefined();
  });

  it('allows up to three spaces of indentation and a tab after the hashes', () => {
    expect(parsePlan('   # Three spaces\n').title).toBe('Three spaces');
    expect(parsePlan('#\tTabbed\n').title).toBe('Tabbed');
  });

  it('drops a closing run of hashes and trailing white space', () => {
    expect(parsePlan('# Title ##   \n').title).toBe('Title');
    expect(parsePlan('# Title\t#\n').title).toBe('Title');
  });

  it('keeps a # that is part of the last word ("C#", "F#", "#42")', () => {
    expect(parsePlan('# Port the parser to C#\n').title).toBe('Port the parser to C#');
    expect(parsePlan('# Fix issue #42\n').title).toBe('Fix issue #42');
    expect(parsePlan('# Learn F# ##\n').title).toBe('Learn F#');
  });

  it('reads the title past a byte order mark and a CRLF ending', () => {
    expect(parsePlan('\uFEFF# Título ✓\r\n- [ ] a\r\n').title).toBe('Título ✓');
  });

  it('does not take a heading inside a fenced code block as the title', () => {
    const plan = parsePlan('```sh\n# install the deps\nnpm ci\n```\n- [ ] a\n# Actual\n');
    expect(plan.title).toBe('Actual');
  });
});

describe('parsePlan: items', () => {
  it('reads all four markers and accepts an upper-case X', () => {
    const plan = parsePlan('- [ ] p\n- [x] d\n- [X] D\n- [?] b\n- [!] e\n');
    expect(plan.items.map((i) => i.marker)).toEqual([
      'pending',
      'done',
      'done',
      'blocked',
      'error',
    ]);
    expect(plan.items.map((i) => i.text)).toEqual(['p', 'd', 'D', 'b', 'e']);
  });

  it('accepts *, -, + and numbered bullets with . or )', () => {
    const plan = parsePlan(
      '* [ ] star\n- [ ] dash\n+ [ ] plus\n1. [ ] dot\n2) [ ] paren\n10. [ ] ten\n',
    );
    expect(plan.items.map((i) => i.text)).toEqual(['star', 'dash', 'plus', 'dot', 'paren', 'ten']);
  });

  it('numbers items from 0 and records the 0-based line of each', () => {
    const plan = parsePlan('# T\n\nintro text\n- [ ] a\n\n- [x] b\n');
    expect(plan.items.map((i) => [i.index, i.line])).toEqual([
      [0, 3],
      [1, 5],
    ]);
  });

  it('trims the item text but keeps brackets, links and unicode inside it', () => {
    const plan = parsePlan('- [ ]   fix [x] parsing in [docs](a.md) — 日本語 🎉   \n');
    expect(plan.items[0]?.text).toBe('fix [x] parsing in [docs](a.md) — 日本語 🎉');
  });

  it('accepts an item with no text', () => {
    const plan = parsePlan('- [x]\n- [ ]   \n');
    expect(plan.items.map((i) => [i.marker, i.text])).toEqual([
      ['done', ''],
      ['pending', ''],
    ]);
  });

  it('ignores lines that only look like items', () => {
    const plan = parsePlan('- [] a\n-[ ] b\n> - [ ] quoted\n[ ] c\n- [-] d\n- plain bullet\n');
    expect(plan.items).toEqual([]);
  });

  it('derives nesting depth from indentation', () => {
    const plan = parsePlan(
      [
        '- [ ] a',
        '  - [ ] a.1',
        '    - [ ] a.1.1',
        '  - [x] a.2',
        '- [ ] b',
        '      - [ ] deep jump',
        '   - [ ] back to three',
        '',
      ].join('\n'),
    );
    expect(summary(plan.items)).toEqual([
      ['pending', 'a', 0],
      ['pending', 'a.1', 1],
      ['pending', 'a.1.1', 2],
      ['done', 'a.2', 1],
      ['pending', 'b', 0],
      ['pending', 'deep jump', 1],
      ['pending', 'back to three', 1],
    ]);
    expect(plan.items.map((i) => i.indent)).toEqual([0, 2, 4, 2, 0, 6, 3]);
  });

  it('counts a tab as four columns of indentation', () => {
    const plan = parsePlan('- [ ] a\n\t- [ ] b\n\t\t- [ ] c\n    - [ ] d\n');
    expect(plan.items.map((i) => [i.indent, i.depth])).toEqual([
      [0, 0],
      [4, 1],
      [8, 2],
      [4, 1],
    ]);
  });

  it('starts depth at 0 even when the first item is indented', () => {
    const plan = parsePlan('  - [ ] a\n    - [ ] b\n  - [ ] c\n');
    expect(plan.items.map((i) => i.depth)).toEqual([0, 1, 0]);
  });

  it('reads items on CRLF lines and behind a byte order mark', () => {
    const plan = parsePlan('\uFEFF- [x] first\r\n- [?] second\r\n  why?\r\n');
    expect(plan.items.map((i) => [i.marker, i.text, i.detail])).toEqual([
      ['done', 'first', undefined],
      ['blocked', 'second', 'why?'],
    ]);
  });
});

describe('parsePlan: detail under an item', () => {
  it('takes the indented lines under any item as its detail', () => {
    const plan = parsePlan('- [ ] a\n  note one\n    note two\n- [ ] b\n');
    expect(plan.items[0]).toMatchObject({ detail: 'note one\nnote two', detailLineCount: 2 });
    expect(plan.items[1]).toMatchObject({ detail: undefined, detailLineCount: 0 });
  });

  it('takes a flush-left line under a blocked item as its question', () => {
    const plan = parsePlan('- [?] Which database?\nQuestion: staging or production?\n- [ ] next\n');
    expect(plan.items[0]).toMatchObject({
      marker: 'blocked',
      detail: 'Question: staging or production?',
      detailLineCount: 1,
    });
    expect(plan.items[1]?.text).toBe('next');
  });

  it('takes a flush-left line under an errored item as its description', () => {
    const plan = parsePlan('1. [!] Deploy\nError: permission denied\n');
    expect(plan.items[0]?.detail).toBe('Error: permission denied');
  });

  it('does not take a flush-left line under a pending or done item', () => {
    const plan = parsePlan('- [ ] a\nplain paragraph\n- [x] b\nanother\n');
    expect(plan.items.map((i) => i.detailLineCount)).toEqual([0, 0]);
  });

  it('takes only the first flush-left line, then only deeper ones', () => {
    const plan = parsePlan('- [?] q\nfirst\nsecond flush\n');
    expect(plan.items[0]?.detail).toBe('first');
    const deeper = parsePlan('- [?] q\nfirst\n  continued\nflush again\n');
    expect(deeper.items[0]?.detail).toBe('first\ncontinued');
    expect(deeper.items[0]?.detailLineCount).toBe(2);
  });

  it('ends the detail at a blank line, a heading, an item or a dispatcher note', () => {
    expect(parsePlan('- [!] e\n  one\n\n  after blank\n').items[0]?.detail).toBe('one');
    expect(parsePlan('- [!] e\n  one\n  # heading\n').items[0]?.detail).toBe('one');
    expect(parsePlan('- [!] e\n  one\n  - [ ] child\n').items[0]?.detail).toBe('one');
    const withNote = parsePlan('- [!] e\n  one\n  > **Note from dispatcher:** hi\n');
    expect(withNote.items[0]?.detail).toBe('one');
    expect(withNote.notes).toEqual([{ line: 2, text: 'hi' }]);
  });

  it('does not give a blocked item a question that is really the next heading', () => {
    const plan = parsePlan('- [?] q\n# Next section\n');
    expect(plan.items[0]?.detail).toBeUndefined();
    expect(plan.title).toBe('Next section');
  });

  it('requires nested items to indent their detail deeper than themselves', () => {
    const plan = parsePlan('- [ ] parent\n  - [!] child\n    child error\n  parent detail?\n');
    expect(plan.items[1]?.detail).toBe('child error');
    expect(plan.items[1]?.detailLineCount).toBe(1);
    // The line indented like the child belongs to neither item.
    expect(plan.items[0]?.detail).toBeUndefined();
  });

  it('lets a nested blocked item take a flush-left question', () => {
    const plan = parsePlan('- [ ] parent\n    - [?] child\nQuestion: which one?\n');
    expect(plan.items[1]?.detail).toBe('Question: which one?');
  });

  it('does not treat detail lines as items and skips over them', () => {
    const plan = parsePlan('- [?] q\n  Question: - [ ] is this an item?\n- [ ] real\n');
    expect(plan.items.map((i) => i.text)).toEqual(['q', 'real']);
  });
});

describe('parsePlan: dispatcher notes', () => {
  it('reads a one-line note and its 0-based line', () => {
    const plan = parsePlan(
      '# T\n\n- [ ] a\n\n> **Note from dispatcher:** The admin panel uses legacy-auth.js.\n',
    );
    expect(plan.notes).toEqual([{ line: 4, text: 'The admin panel uses legacy-auth.js.' }]);
  });

  it('joins "> " continuation lines, including empty quote lines', () => {
    const plan = parsePlan(
      '> **Note from dispatcher:** line one\n> line two\n>\n> line four\nnot quoted\n',
    );
    expect(plan.notes).toEqual([{ line: 0, text: 'line one\nline two\n\nline four' }]);
  });

  it('starts a new note at the next note marker', () => {
    const plan = parsePlan('> **Note from dispatcher:** one\n> **Note from dispatcher:** two\n');
    expect(plan.notes.map((n) => [n.line, n.text])).toEqual([
      [0, 'one'],
      [1, 'two'],
    ]);
  });

  it('reads a note whose text starts on the next quote line', () => {
    const plan = parsePlan('> **Note from dispatcher:**\n> the text\n');
    expect(plan.notes[0]?.text).toBe('the text');
  });

  it('ignores ordinary block quotes', () => {
    expect(parsePlan('> just a quote\n> **Note from someone:** x\n').notes).toEqual([]);
  });

  it('does not swallow an item that follows a note', () => {
    const plan = parsePlan('> **Note from dispatcher:** n\n- [ ] a\n');
    expect(plan.notes).toHaveLength(1);
    expect(plan.items.map((i) => i.text)).toEqual(['a']);
  });

  it('reads notes on CRLF lines without a trailing carriage return', () => {
    const plan = parsePlan('> **Note from dispatcher:** a\r\n> b\r\n');
    expect(plan.notes[0]?.text).toBe('a\nb');
  });
});

describe('parsePlan: fenced code blocks', () => {
  it('does not read items, headings or notes inside a closed fence', () => {
    const plan = parsePlan(
      [
        '# Plan',
        '- [ ] Add an example',
        '',
        '```markdown',
        '# Example title',
        '- [ ] example item',
        '> **Note from dispatcher:** example note',
        '```',
        '- [x] Done item',
        '',
      ].join('\n'),
    );
    expect(plan.title).toBe('Plan');
    expect(plan.items.map((i) => i.text)).toEqual(['Add an example', 'Done item']);
    expect(plan.notes).toEqual([]);
  });

  it('closes a fence only with the same character, at least as long', () => {
    const plan = parsePlan(
      ['~~~~', '- [ ] a', '~~~', '- [ ] b', '```', '- [ ] c', '~~~~~', '- [ ] after'].join('\n'),
    );
    expect(plan.items.map((i) => i.text)).toEqual(['after']);
  });

  it('lets a fence that is never closed hide nothing', () => {
    const plan = parsePlan('- [x] a\n```\n- [ ] b\n- [ ] c\n');
    expect(plan.items.map((i) => i.text)).toEqual(['a', 'b', 'c']);
  });

  it('keeps a fenced block under an item as that item’s detail', () => {
    const plan = parsePlan('- [!] build fails\n  ```\n  error: x\n  ```\n- [ ] next\n');
    expect(plan.items[0]?.detail).toBe('```\nerror: x\n```');
    expect(plan.items[1]?.text).toBe('next');
  });

  it('does not end an item’s detail at an item-like line inside its fence', () => {
    const plan = parsePlan('- [!] lint fails\n  ```\n  - [ ] looks like an item\n  ```\n');
    expect(plan.items).toHaveLength(1);
    expect(plan.items[0]?.detailLineCount).toBe(3);
  });

  it('does not treat a backtick run with a backtick in its info string as a fence', () => {
    const plan = parsePlan('``` not `a` fence\n- [ ] a\n```\n- [ ] b\n');
    // The first line is inline code, so the second ``` opens a fence that never closes.
    expect(plan.items.map((i) => i.text)).toEqual(['a', 'b']);
  });
});

describe('parsePlan: whole files', () => {
  it('reads the plan of the original dispatcher with its note', () => {
    const plan = parsePlan(fixture('original-security-review.md'));
    expect(plan.title).toBe('Security Review');
    expect(summary(plan.items)).toEqual([
      ['done', 'Scan for hardcoded secrets', 0],
      ['pending', 'Review authentication logic', 0],
      ['pending', 'Check session management', 0],
      ['pending', 'Write findings report', 0],
    ]);
    expect(plan.notes).toEqual([
      {
        line: 7,
        text: 'The admin panel uses legacy-auth.js, not auth.ts. Make sure to check both.',
      },
    ]);
  });

  it('reads a numbered plan a worker left blocked, with an error and a multi-line note', () => {
    const plan = parsePlan(fixture('worker-blocked.md'));
    expect(plan.title).toBe('Migrate the payment service');
    expect(plan.items.map((i) => [i.marker, i.text, i.detail])).toEqual([
      ['done', 'Read the current schema', undefined],
      ['done', 'Draft the migration', undefined],
      [
        'blocked',
        'Which database should the migration target?',
        'Question: staging or production? The README mentions both.',
      ],
      ['pending', 'Run the migration', undefined],
      [
        'error',
        'Update the dashboards',
        'Grafana API returns 403 with the token in .env\n(tried twice, same result)',
      ],
    ]);
    expect(plan.notes).toEqual([
      {
        line: 13,
        text: 'Use staging first.\nProduction only after sign-off.\n\nPing #payments when done.',
      },
    ]);
  });

  it('reads nested items and skips the ones inside code fences', () => {
    const plan = parsePlan(fixture('nested-and-fences.md'));
    expect(plan.title).toBe('Write the release checklist template');
    expect(summary(plan.items)).toEqual([
      ['done', 'Draft the template', 0],
      ['done', 'Header section', 1],
      ['pending', 'Checklist section', 1],
      ['pending', 'Pre-release', 2],
      ['done', 'Post-release', 2],
      ['pending', 'Add an example to the README:', 0],
      ['pending', 'Final review', 0],
    ]);
    expect(plan.notes).toEqual([]);
  });

  it('returns an empty plan for an empty file', () => {
    expect(parsePlan('')).toEqual({ lines: [], title: undefined, items: [], notes: [] });
  });

  it('parses a file of only blank lines without items', () => {
    const plan = parsePlan('\n\n  \n');
    expect(plan.items).toEqual([]);
    expect(plan.lines).toHaveLength(3);
  });
});

// --- Round trip -------------------------------------------------------------------------------

const ROUND_TRIP_CASES: Record<string, string> = {
  empty: '',
  'single newline': '\n',
  'only blank lines': '\n\n\n',
  'no trailing newline': '# T\n\n- [ ] a\n- [x] b',
  'CRLF endings': '# T\r\n\r\n- [ ] a\r\n- [?] b\r\nQuestion: x?\r\n',
  'mixed endings': '# T\r\n- [ ] a\n- [x] b\r\n\n',
  'lone carriage returns': '# T\r- [ ] a\r- [x] b\r',
  'byte order mark': '\uFEFF# T\n- [ ] a\n',
  'byte order mark with CRLF': '\uFEFF# T\r\n- [ ] a\r\n',
  'byte order mark only': '\uFEFF',
  tabs: '#\tT\n\t- [ ]\ttabbed\n\t\t* [x] deeper\t\n',
  'trailing white space': '# T   \n- [ ] a   \n   \n',
  'unknown text': 'Some intro.\n\nRandom: stuff [ ] here\n- not an item\n1. plain\n',
  'code fences': '```ts\nconst x = "- [ ] a";\n```\n~~~\n# no\n~~~\n- [ ] a\n```unclosed\n',
  html: '<!-- - [ ] hidden? -->\n<details>\n<summary>Log</summary>\n\n- [x] a\n</details>\n',
  unicode: '# Überprüfung 🔒\n- [ ] 日本語のテスト\n- [x] émoji 👍🏽 and ZWJ 👨‍👩‍👧\n',
  'unicode line separators': '- [ ] a\u2028b\n- [x] c\u2029\n',
  'nul and control characters': '- [ ] a\u0000b\n\u0007bell\n',
  notes: '> **Note from dispatcher:** a\n> b\n>\n> c\n\n> **Note from dispatcher:** d',
  'numbered and nested': '1. [x] a\n   2) [ ] b\n      10. [!] c\n      broken\n',
  'very long line': `- [ ] ${'x'.repeat(20_000)}\n`,
  'windows file with BOM and no final newline': '\uFEFF# T\r\n- [X] a\r\n- [!] b\r\nError',
};

describe('serializePlan(parsePlan(text)) reproduces the file byte for byte', () => {
  it.each(Object.entries(ROUND_TRIP_CASES))('%s', (_name, text) => {
    expect(serializePlan(parsePlan(text))).toBe(text);
  });

  it.each(['original-security-review.md', 'worker-blocked.md', 'nested-and-fences.md'])(
    'fixture %s',
    (name) => {
      const text = fixture(name);
      expect(serializePlan(parsePlan(text))).toBe(text);
    },
  );
});

// --- Property-style tests with a seeded generator -------------------------------------------

describe('round trip on generated plan-like texts', () => {
  const random = prng(0x5eed);
  const texts = Array.from({ length: 600 }, () => randomPlanText(random));

  it('generates varied inputs (so the property below means something)', () => {
    const withItems = texts.filter((t) => parsePlan(t).items.length > 0);
    const withNotes = texts.filter((t) => parsePlan(t).notes.length > 0);
    expect(withItems.length).toBeGreaterThan(300);
    expect(withNotes.length).toBeGreaterThan(100);
    expect(texts.some((t) => t.includes('\r\n'))).toBe(true);
    expect(texts.some((t) => t.startsWith('\uFEFF'))).toBe(true);
    expect(new Set(texts).size).toBeGreaterThan(550);
  });

  it('serializePlan(parsePlan(t)) === t for every generated text', () => {
    for (const text of texts) expect(serializePlan(parsePlan(text))).toBe(text);
  });

  it('parsing is stable: parsing the serialized plan gives the same model', () => {
    for (const text of texts) {
      const plan = parsePlan(text);
      expect(parsePlan(serializePlan(plan))).toEqual(plan);
    }
  });

  it('every item points at a line that is an item, in order, with detail inside the file', () => {
    for (const text of texts) {
      const plan = parsePlan(text);
      let previousLine = -1;
      for (const item of plan.items) {
        expect(ITEM_PATTERN.test(lineContent(plan.lines[item.line] ?? ''))).toBe(true);
        expect(item.line).toBeGreaterThan(previousLine);
        expect(item.line + item.detailLineCount).toBeLessThan(plan.lines.length);
        expect(item.detail === undefined).toBe(item.detailLineCount === 0);
        expect(item.text).not.toMatch(/[\r\n]/);
        previousLine = item.line + item.detailLineCount;
      }
      plan.items.forEach((item, index) => expect(item.index).toBe(index));
    }
  });
});
