import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitTasks } from '../../../src/core/fanout/split-tasks.js';

const PLANS = new URL('../../fixtures/core/plans/', import.meta.url);

describe('splitTasks: one task, exactly as before', () => {
  it.each(readdirSync(PLANS))('keeps the single-task fixture %s whole', (name) => {
    expect(splitTasks(readFileSync(new URL(name, PLANS), 'utf8')).kind).toBe('single');
  });

  it('keeps a heading with a checklist whole', () => {
    expect(splitTasks('# Review\n\n- [ ] a\n- [ ] b\n').kind).toBe('single');
  });

  it('keeps a numbered checklist whole (the entries are items, not tasks)', () => {
    expect(splitTasks('# Steps\n1. [ ] a\n   detail\n2. [ ] b\n   detail\n').kind).toBe('single');
  });

  it('keeps a request with numbered steps but no indented lines whole', () => {
    expect(splitTasks('Fix the login bug:\n1. reproduce it\n2. fix it\n3. add a test').kind).toBe(
      'single',
    );
  });

  it('keeps numbered entries whole when a checklist item stands outside them', () => {
    const text = '1. Part one\n   - [ ] a\n2. Part two\n   - [ ] b\n- [ ] wrap up\n';
    expect(splitTasks(text).kind).toBe('single');
  });

  it('keeps numbered entries whole when one of them has nothing under it', () => {
    expect(splitTasks('1. Part one\n   - [ ] a\n2. Part two\n').kind).toBe('single');
  });

  it('does not count headings or entries inside a fenced code block', () => {
    const text = '# Real\n\n- [ ] a\n\n```md\n# Example\n1. x\n   y\n2. z\n   w\n```\n';
    expect(splitTasks(text).kind).toBe('single');
  });

  it('never splits in single mode', () => {
    expect(splitTasks('# A\n- [ ] a\n# B\n- [ ] b\n', 'single').kind).toBe('single');
  });
});

describe('splitTasks: several # sections', () => {
  const text = [
    'Context for everyone.',
    '',
    '# Fix the parser',
    'Use opus.',
    '- [ ] Find the bug',
    '  - [ ] nested step',
    '',
    '# Write the docs',
    'Explain the config keys.',
    '',
  ].join('\n');

  it('cuts one task per heading, the text before the first as shared context', () => {
    const split = splitTasks(text);
    expect(split.kind).toBe('several');
    expect(split.by).toBe('headings');
    expect(split.shared).toBe('Context for everyone.');
    expect(split.sections.map((s) => [s.title, s.line, s.hasChecklist])).toEqual([
      ['Fix the parser', 3, true],
      ['Write the docs', 8, false],
    ]);
  });

  it('gives a section with a checklist its lines as written, as its plan', () => {
    const [first, second] = splitTasks(text).sections;
    expect(first?.text).toBe(
      '# Fix the parser\nUse opus.\n- [ ] Find the bug\n  - [ ] nested step\n',
    );
    expect(first?.body).toBe('Use opus.\n- [ ] Find the bug\n  - [ ] nested step');
    expect(second?.body).toBe('Explain the config keys.');
  });

  it('keeps CRLF line endings in a section’s plan', () => {
    const split = splitTasks('# A\r\n- [ ] a\r\n# B\r\n- [ ] b\r\n');
    expect(split.sections[0]?.text).toBe('# A\r\n- [ ] a\r\n');
  });

  it('takes a heading with closing hashes, and ## headings stay inside their section', () => {
    const split = splitTasks('# One ##\n## Detail\n- [ ] a\n# Two\n- [ ] b\n');
    expect(split.sections.map((s) => s.title)).toEqual(['One', 'Two']);
    expect(split.sections[0]?.text).toContain('## Detail');
  });
});

describe('splitTasks: top-level numbered entries', () => {
  const text = [
    '# Sprint 12',
    'Do these in parallel:',
    '',
    '1. Refactor auth',
    '   Use opus, in a worktree.',
    '   - [ ] Extract the token code',
    '   - [ ] Add tests',
    '2) Update the docs',
    '   with sonnet',
    '',
    'Thanks!',
  ].join('\n');

  it('cuts one task per entry with indented lines; the rest is shared context', () => {
    const split = splitTasks(text);
    expect(split.kind).toBe('several');
    expect(split.by).toBe('numbered');
    expect(split.sections.map((s) => [s.title, s.line, s.hasChecklist])).toEqual([
      ['Refactor auth', 4, true],
      ['Update the docs', 8, false],
    ]);
    expect(split.shared).toBe('# Sprint 12\nDo these in parallel:\n\nThanks!');
  });

  it('makes an entry’s plan of its title and its dedented lines', () => {
    const [first] = splitTasks(text).sections;
    expect(first?.text).toBe(
      '# Refactor auth\n\nUse opus, in a worktree.\n- [ ] Extract the token code\n- [ ] Add tests\n',
    );
  });

  it('keeps blank lines inside an entry and nested indentation', () => {
    const split = splitTasks('1. A\n   - [ ] a\n\n     - [ ] a.1\n2. B\n   text\n');
    expect(split.sections[0]?.body).toBe('- [ ] a\n\n  - [ ] a.1');
  });

  it('splits entries without indented lines only in split mode', () => {
    const request = 'Please:\n1. Refactor auth with opus\n2. Update the docs with sonnet\n';
    expect(splitTasks(request).kind).toBe('single');
    const split = splitTasks(request, 'split');
    expect(split.kind).toBe('several');
    expect(split.sections.map((s) => s.title)).toEqual([
      'Refactor auth with opus',
      'Update the docs with sonnet',
    ]);
    expect(split.sections[0]?.text).toBe('# Refactor auth with opus\n');
  });

  it('needs at least two entries even in split mode', () => {
    expect(splitTasks('1. Only one\n   text\n', 'split').kind).toBe('single');
  });
});

describe('splitTasks: plain bullets under a section are its checklist', () => {
  it('turns the top-level `- ` bullets of a # section into unchecked items', () => {
    const text =
      '# Fix the parser\nUse opus.\n- Find the bug\n  - look at tokens\n- Add a test\n\n# Docs\n* Explain keys\n';
    const [parser, docs] = splitTasks(text).sections;
    expect(parser?.hasChecklist).toBe(true);
    expect(parser?.text).toBe(
      '# Fix the parser\nUse opus.\n- [ ] Find the bug\n  - look at tokens\n- [ ] Add a test\n',
    );
    expect(docs?.hasChecklist).toBe(true);
    expect(docs?.text).toBe('# Docs\n* [ ] Explain keys\n');
  });

  it('does the same for numbered entries with bullets under them', () => {
    const text = '1. Part one\n   - do a\n   - do b\n2. Part two\n   - do c\n';
    const [one, two] = splitTasks(text).sections;
    expect(one?.hasChecklist).toBe(true);
    expect(one?.text).toBe('# Part one\n\n- [ ] do a\n- [ ] do b\n');
    expect(two?.text).toBe('# Part two\n\n- [ ] do c\n');
  });

  it('leaves bullets inside fenced code and sections of plain prose alone', () => {
    const text = '# A\nJust prose.\n```\n- not an item\n```\n# B\n- [ ] real\n- plain\n';
    const [a, b] = splitTasks(text).sections;
    expect(a?.hasChecklist).toBe(false);
    expect(b?.text).toBe('# B\n- [ ] real\n- plain\n');
  });
});
