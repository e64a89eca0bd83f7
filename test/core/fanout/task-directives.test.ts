import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/parse-config.js';
import { fanOutTasks } from '../../../src/core/fanout/fan-out-tasks.js';
import { priorityDirective } from '../../../src/core/fanout/priority-directive.js';
import { readDirectives, worktreeDirective } from '../../../src/core/fanout/task-directives.js';

const config = parseConfig(
  [
    'default: sonnet',
    'backends: { claude: "claude -p" }',
    'models: { opus: { backend: claude }, sonnet: { backend: claude } }',
    'aliases: { reviewer: { model: opus } }',
  ].join('\n'),
  '/cfg.yaml',
);

describe('worktreeDirective', () => {
  it.each([
    'Refactor the parser in a worktree',
    'Use a worktree for this.',
    'Run it in its own git worktree, please',
    'Do these in separate worktrees',
    'using an isolated worktree',
    'Refactor auth (worktree)',
    'opus, worktree',
    'worktree',
    'Refactor auth. Worktree.',
    'Refactor auth — worktree',
  ])('asks for one: %s', (text) => {
    expect(worktreeDirective(text)).toBe(true);
  });

  it.each([
    'Fix the worktree cleanup in git.ts',
    'Document git worktree add',
    'worktrees are handy',
    'Review the worktree-state module',
  ])('does not read a mention as a request: %s', (text) => {
    expect(worktreeDirective(text)).toBeUndefined();
  });

  it.each([
    'Do not run it in a worktree',
    "Don't use a worktree",
    'without a worktree',
    'no worktree',
    'never in a worktree',
  ])('reads a refusal: %s', (text) => {
    expect(worktreeDirective(text)).toBe(false);
  });

  it('lets the last mention win', () => {
    expect(worktreeDirective('In a worktree. Actually no worktree.')).toBe(false);
    expect(worktreeDirective('Not in a worktree… on second thought, use a worktree')).toBe(true);
  });
});

describe('priorityDirective', () => {
  it.each([
    ['Fix the login form (high priority)', 'high'],
    ['Fix the login form, high priority', 'high'],
    ['Fix the login form — High-Priority', 'high'],
    ['Priority: low', 'low'],
    ['Update the docs. priority low.', 'low'],
    ['opus; priority=normal', 'normal'],
  ] as const)('reads a fragment that asks: %s', (text, priority) => {
    expect(priorityDirective(text)).toBe(priority);
  });

  it.each([
    'Fix the high priority bug in login',
    'Silence the low priority warnings',
    'Sort the queue by priority',
    'Review the priority-queue module',
  ])('does not read the subject of the task as a request: %s', (text) => {
    expect(priorityDirective(text)).toBeUndefined();
  });

  it('lets the last mention win', () => {
    expect(priorityDirective('(low priority)\nOn second thought: high priority.')).toBe('high');
  });
});

describe('readDirectives', () => {
  it('takes the model or alias named last, as resolveModel does', () => {
    expect(readDirectives(config, 'scan with sonnet, then review with opus')).toEqual({
      model: 'opus',
      worktree: undefined,
      priority: undefined,
    });
    expect(readDirectives(config, 'reviewer in a worktree').model).toBe('reviewer');
    expect(readDirectives(config, 'nothing named here').model).toBeUndefined();
  });
});

describe('fanOutTasks', () => {
  it('returns undefined for one task', () => {
    expect(fanOutTasks(config, { text: '# One\n- [ ] a\n' })).toBeUndefined();
  });

  it('gives each task its plan, request and directives; its own words beat the shared text', () => {
    const text = [
      'Use sonnet unless a task says otherwise. Work in a worktree.',
      '',
      '# Review auth',
      'With opus.',
      '- [ ] Read auth.ts',
      '',
      '# Tidy the README',
      'No worktree needed: no worktree.',
      '',
      '# Update deps',
      'Bump everything (low priority).',
    ].join('\n');
    const tasks = fanOutTasks(config, { text, context: 'Sprint 12' }) ?? [];
    expect(
      tasks.map((t) => [t.title, t.directives.model, t.directives.worktree, t.directives.priority]),
    ).toEqual([
      ['Review auth', 'opus', true, undefined],
      ['Tidy the README', 'sonnet', false, undefined],
      ['Update deps', 'sonnet', true, 'low'],
    ]);
    expect(tasks[0]?.planText).toBe('# Review auth\nWith opus.\n- [ ] Read auth.ts\n');
    expect(tasks[0]?.request).toBe(
      'Sprint 12\n\nUse sonnet unless a task says otherwise. Work in a worktree.',
    );
    expect(tasks[2]?.planText).toBeUndefined();
    expect(tasks[2]?.request).toBe(
      'Sprint 12\n\nUse sonnet unless a task says otherwise. Work in a worktree.\n\nUpdate deps\n\nBump everything (low priority).',
    );
    expect(tasks.map((t) => t.line)).toEqual([3, 7, 10]);
  });

  it('splits numbered one-liners in split mode', () => {
    const tasks = fanOutTasks(config, {
      text: '1. Review auth with opus\n2. Update docs in a worktree',
      mode: 'split',
    });
    expect(tasks?.map((t) => [t.title, t.directives.model, t.directives.worktree])).toEqual([
      ['Review auth with opus', 'opus', undefined],
      ['Update docs in a worktree', undefined, true],
    ]);
  });
});
