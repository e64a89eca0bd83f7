import { describe, expect, it } from 'vitest';
import { buildPlan, EXPAND_ITEM } from '../../src/core/plan/build-plan.js';
import { parsePlan } from '../../src/core/plan/parse-plan.js';
import { buildResumePrompt, buildWorkerPrompt } from '../../src/core/prompt/worker-prompt.js';
import { buildSessionMessage } from '../../src/core/prompt/session-message.js';
import type { WorkerPromptInput } from '../../src/core/prompt/worker-prompt.js';
import { parseDirective, relativePathProblem } from '../../src/sim/directives.js';
import { expandedItemTexts, replaceItem } from '../../src/sim/expand-items.js';
import { withoutDetail } from '../../src/sim/plan-file.js';
import {
  DEFAULT_FALLBACK_SECONDS,
  readFallbackSeconds,
  readPrompt,
  readResume,
  readSessionMessage,
} from '../../src/sim/prompt-reader.js';
import { stepMsFromEnv } from '../../src/sim/sim-state.js';

const dir = '/tmp/work/.dispatch/tasks/fix-login';

function input(overrides: Partial<WorkerPromptInput> = {}): WorkerPromptInput {
  return {
    id: 'fix-login',
    title: 'Fix the login bug',
    paths: {
      taskDir: dir,
      plan: `${dir}/plan.md`,
      ipc: `${dir}/ipc`,
      output: `${dir}/output.md`,
      context: `${dir}/context.md`,
    },
    request: 'The login form rejects valid passwords.',
    fallbackMinutes: 3,
    ...overrides,
  };
}

describe('parseDirective', () => {
  it('reads each directive, case-insensitively', () => {
    expect(parseDirective('ask: Which database?')).toEqual({
      kind: 'ask',
      question: 'Which database?',
    });
    expect(parseDirective('ASK:Which one')).toEqual({ kind: 'ask', question: 'Which one' });
    expect(parseDirective('Ask-CLI: Port?')).toEqual({ kind: 'ask-cli', question: 'Port?' });
    expect(parseDirective('fail: no access to the DB')).toEqual({
      kind: 'fail',
      reason: 'no access to the DB',
    });
    expect(parseDirective('fail')).toEqual({ kind: 'fail', reason: 'scripted failure' });
    expect(parseDirective('crash')).toEqual({ kind: 'crash', code: 3 });
    expect(parseDirective('Crash: 42')).toEqual({ kind: 'crash', code: 42 });
    expect(parseDirective('hang')).toEqual({ kind: 'hang' });
    expect(parseDirective('sleep: 0.25')).toEqual({ kind: 'sleep', seconds: 0.25 });
    expect(parseDirective('sleep: 2')).toEqual({ kind: 'sleep', seconds: 2 });
    expect(parseDirective('write: notes/a.txt = hello = world')).toEqual({
      kind: 'write',
      path: 'notes/a.txt',
      content: 'hello = world',
    });
    expect(parseDirective('write: empty.txt =')).toEqual({
      kind: 'write',
      path: 'empty.txt',
      content: '',
    });
    expect(parseDirective(EXPAND_ITEM)).toEqual({ kind: 'expand' });
  });

  it('leaves ordinary items as ordinary work', () => {
    for (const text of [
      'Review auth.ts',
      'Crash test the parser',
      'hangar doors',
      'asking around',
      'Write the docs',
      '',
    ]) {
      expect(parseDirective(text)).toEqual({ kind: 'work' });
    }
  });

  it('turns unusable arguments into an error with a reason', () => {
    expect(parseDirective('ask:')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('question'),
    });
    expect(parseDirective('sleep: soon')).toMatchObject({ kind: 'invalid' });
    expect(parseDirective('crash: 999')).toMatchObject({ kind: 'invalid' });
    expect(parseDirective('crash: -1')).toMatchObject({ kind: 'invalid' });
    expect(parseDirective('write: no-equals-sign')).toMatchObject({ kind: 'invalid' });
    expect(parseDirective('write: /etc/passwd = x')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('relative'),
    });
    expect(parseDirective('write: a/../../b = x')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('..'),
    });
  });

  it('checks write paths', () => {
    expect(relativePathProblem('a/b.txt')).toBeUndefined();
    expect(relativePathProblem('..hidden/x')).toBeUndefined();
    expect(relativePathProblem('C:\\x')).toBeDefined();
    expect(relativePathProblem('..')).toBeDefined();
    expect(relativePathProblem('')).toBeDefined();
  });
});

describe('readPrompt', () => {
  it('finds the paths, fallback, title and shortcut in the worker prompt', () => {
    const info = readPrompt(
      buildWorkerPrompt(input({ dispatchCommand: '/opt/agent-dispatch/bin/dispatch' })),
      '/elsewhere',
    );
    expect(info).toEqual({
      plan: `${dir}/plan.md`,
      ipc: `${dir}/ipc`,
      output: `${dir}/output.md`,
      context: `${dir}/context.md`,
      fallbackSeconds: 180,
      dispatchAsk: ['dispatch', '/opt/agent-dispatch/bin/dispatch'],
      askAgainCode: 75,
      title: 'Fix the login bug',
      taskId: 'fix-login',
      resume: undefined,
    });
  });

  it('knows when the dispatch ask shortcut is not offered', () => {
    expect(readPrompt(buildWorkerPrompt(input()), '/')?.dispatchAsk).toEqual([]);
  });

  it('reads back a full path to dispatch that had to be quoted', () => {
    const dispatchCommand = "/home/o'brien/my tools/bin/dispatch";
    const prompt = buildWorkerPrompt(input({ dispatchCommand }));
    expect(prompt).toContain(
      `run \`'/home/o'\\''brien/my tools/bin/dispatch' ask "your question"\``,
    );
    expect(readPrompt(prompt, '/')?.dispatchAsk).toEqual(['dispatch', dispatchCommand]);
  });

  it('reads short and fractional fallback waits', () => {
    expect(
      readPrompt(buildWorkerPrompt(input({ fallbackMinutes: 0.02 })), '/')?.fallbackSeconds,
    ).toBe(1.2);
    expect(
      readPrompt(buildWorkerPrompt(input({ fallbackMinutes: 10 })), '/')?.fallbackSeconds,
    ).toBe(600);
    expect(readFallbackSeconds('If no answer comes within 1.5 minutes: stop')).toBe(90);
    expect(readFallbackSeconds('If no answer comes within 0.5 seconds')).toBe(0.5);
    expect(readFallbackSeconds('nothing here')).toBe(DEFAULT_FALLBACK_SECONDS);
  });

  it('returns undefined without a plan line, and derives the other paths from it', () => {
    expect(readPrompt('just do something', '/')).toBeUndefined();
    const info = readPrompt('Plan file: tasks/a/plan.md\n', '/work');
    expect(info).toMatchObject({
      plan: '/work/tasks/a/plan.md',
      ipc: '/work/tasks/a/ipc',
      output: '/work/tasks/a/output.md',
      context: '/work/tasks/a/context.md',
      fallbackSeconds: DEFAULT_FALLBACK_SECONDS,
      title: undefined,
    });
  });

  it('reads the answer and question of a resume prompt, even on several lines', () => {
    const prompt = buildResumePrompt({
      ...input({ request: 'The user answered: not this one' }),
      planText: buildPlan({ title: 'Fix', items: ['ask: Which db?'] }),
      contextText: 'The user answered: nor this one',
      answer: { question: 'Which db?\nPostgres or MySQL?', text: 'Postgres,\nversion 16' },
      previousFailure: undefined,
    });
    expect(readResume(prompt)).toEqual({
      question: 'Which db?\nPostgres or MySQL?',
      answer: 'Postgres,\nversion 16',
    });
    expect(readPrompt(prompt, '/')?.plan).toBe(`${dir}/plan.md`);
  });

  it('has no resume for a retry without an answer', () => {
    const prompt = buildResumePrompt({
      ...input(),
      planText: '# x\n',
      contextText: undefined,
      answer: undefined,
      previousFailure: 'exit 1',
    });
    expect(readResume(prompt)).toBeUndefined();
  });
});

describe('verify feedback', () => {
  const feedback = {
    command: 'npm test',
    failure: 'exit code 1',
    output: 'FAIL parser.test.ts\nexpected 42, got 41',
    round: 2,
    rounds: 3,
    logFile: `${dir}/verify.log`,
  };

  it('reaches a new worker in its prompt, for a CLI that cannot resume its session', () => {
    const prompt = buildResumePrompt({
      ...input(),
      planText: buildPlan({ title: 'Fix', items: ['write-fix: answer.txt = 41 | 42'] }),
      contextText: undefined,
      answer: undefined,
      previousFailure: undefined,
      verifyFeedback: feedback,
    });
    expect(prompt).toContain('round 2 of 3 starts now');
    expect(readPrompt(prompt, '/')?.verifyFeedback).toBe(feedback.output);
    expect(readResume(prompt)).toBeUndefined();
  });

  it('reaches a resumed session in its message', () => {
    const message = buildSessionMessage({ paths: input().paths, verifyFeedback: feedback });
    expect(message).toContain('your work did not pass its check');
    expect(readSessionMessage(message)).toMatchObject({
      verifyFeedback: feedback.output,
      answer: undefined,
      instructions: undefined,
    });
  });
});

describe('plan helpers', () => {
  it('expands an item into three at the same indentation', () => {
    const plan = parsePlan(
      '# T\r\n\r\n  * [ ] Expand this plan: x\r\n    detail\r\n- [ ] keep\r\n',
    );
    const expanded = replaceItem(plan, 0, expandedItemTexts('Fix it'));
    expect(expanded.lines.join('')).toBe(
      '# T\r\n\r\n  * [ ] Read the request: Fix it\r\n  * [ ] Do the work: Fix it\r\n  * [ ] Write the summary to output.md\r\n- [ ] keep\r\n',
    );
  });

  it('removes the question under a blocked item, even flush left', () => {
    const plan = parsePlan('# T\n- [?] ask: q\nQuestion: q\n- [ ] next\n');
    expect(withoutDetail(plan, 0).lines.join('')).toBe('# T\n- [?] ask: q\n- [ ] next\n');
  });

  it('reads the step time from the environment', () => {
    expect(stepMsFromEnv(undefined)).toBe(100);
    expect(stepMsFromEnv('5')).toBe(5);
    expect(stepMsFromEnv('0')).toBe(0);
    expect(stepMsFromEnv('fast')).toBe(100);
    expect(stepMsFromEnv('')).toBe(100);
  });
});

describe('write-fix', () => {
  it('writes a first content, and a fixed one once a failed verify sent the worker back', () => {
    expect(parseDirective('write-fix: answer.txt = 41 | 42')).toEqual({
      kind: 'write-fix',
      path: 'answer.txt',
      first: '41',
      fixed: '42',
    });
  });

  it('needs both contents and a path inside the working folder', () => {
    expect(parseDirective('write-fix: answer.txt = 42')).toMatchObject({ kind: 'invalid' });
    expect(parseDirective('write-fix: ../x = 1 | 2')).toMatchObject({ kind: 'invalid' });
  });
});

describe('usage', () => {
  it('reports tokens, with a cost when one is given', () => {
    expect(parseDirective('usage: 400 tokens')).toEqual({
      kind: 'usage',
      tokens: 400,
      costUsd: undefined,
    });
    expect(parseDirective('Usage: 1 token, 0.25 USD')).toEqual({
      kind: 'usage',
      tokens: 1,
      costUsd: 0.25,
    });
  });

  it('needs a number of tokens', () => {
    expect(parseDirective('usage: lots')).toMatchObject({ kind: 'invalid' });
    expect(parseDirective('usage: 5 tokens, free')).toMatchObject({ kind: 'invalid' });
    expect(parseDirective('Usage statistics for the report')).toEqual({ kind: 'work' });
  });
});
