import { describe, expect, it } from 'vitest';
import {
  commandProgram,
  inferBackendType,
  inferModelBackend,
} from '../../../src/core/config/backend-inference.js';
import { BACKEND_TYPES } from '../../../src/core/config/config-schema.js';

describe('commandProgram', () => {
  it.each([
    ['claude -p', 'claude'],
    ['  claude   -p  ', 'claude'],
    ['env -u CLAUDECODE claude -p --dangerously-skip-permissions', 'claude'],
    ['env --unset CLAUDECODE claude -p', 'claude'],
    ['env -i FOO=1 BAR=2 codex exec', 'codex'],
    ['/usr/bin/env -u A -u B gemini -p', 'gemini'],
    ['FOO=1 agent -p --force', 'agent'],
    ['/opt/homebrew/bin/cursor-agent -p', 'cursor-agent'],
    ['"claude" -p', 'claude'],
    ["'/usr/local/bin/codex' exec", 'codex'],
    ['opencode run', 'opencode'],
  ])('finds the program of %j', (command, program) => {
    expect(commandProgram(command)).toBe(program);
  });

  it('is undefined for an empty command or one that is only an env prefix', () => {
    expect(commandProgram('')).toBeUndefined();
    expect(commandProgram('   ')).toBeUndefined();
    expect(commandProgram('env -u CLAUDECODE')).toBeUndefined();
    expect(commandProgram('FOO=1')).toBeUndefined();
  });
});

describe('inferBackendType', () => {
  it('uses the explicit type first', () => {
    expect(inferBackendType('claude', 'claude -p', 'generic')).toBe('generic');
    expect(inferBackendType('mine', 'wrapper.sh', 'cursor')).toBe('cursor');
  });

  it('uses the backend name when it is a known type', () => {
    for (const type of BACKEND_TYPES) expect(inferBackendType(type, 'some-wrapper --x')).toBe(type);
  });

  it.each([
    ['env -u CLAUDECODE claude -p --dangerously-skip-permissions', 'claude'],
    ['agent -p --force --workspace "$(pwd)"', 'cursor'],
    ['cursor-agent -p', 'cursor'],
    ['codex exec', 'codex'],
    ['codex exec --full-auto --skip-git-repo-check', 'codex'],
    ['gemini -p --yolo', 'gemini'],
    ['opencode run', 'opencode'],
    ['aider --message', 'generic'],
    ['./my-agent.sh', 'generic'],
    ['python -m claude', 'generic'],
  ] as const)('infers %j → %s from the command when the name says nothing', (command, type) => {
    expect(inferBackendType('worker', command)).toBe(type);
  });

  it('does not mistake a program that merely contains a known name', () => {
    expect(inferBackendType('x', 'claude-wrapper -p')).toBe('generic');
    expect(inferBackendType('x', 'agentx -p')).toBe('generic');
  });
});

describe('inferModelBackend', () => {
  const all = ['claude', 'codex', 'cursor', 'gemini', 'sim'];

  it.each(['opus', 'sonnet', 'haiku', 'claude-opus-4-1', 'Claude-Sonnet-4.5', 'OPUS'])(
    '%s → claude when claude is configured',
    (model) => {
      expect(inferModelBackend(model, all)).toBe('claude');
    },
  );

  it.each([
    'gpt-5',
    'gpt-5.3-codex',
    'GPT-4o',
    'codex-mini',
    'o1',
    'o3',
    'o3-pro',
    'o4-mini',
    'openai/o1',
  ])('%s → codex when codex is configured', (model) => {
    expect(inferModelBackend(model, all)).toBe('codex');
  });

  it('routes gemini models to gemini when configured', () => {
    expect(inferModelBackend('gemini-2.5-pro', all)).toBe('gemini');
  });

  it('sends everything else to cursor, which serves many vendors', () => {
    expect(inferModelBackend('composer-1', all)).toBe('cursor');
    expect(inferModelBackend('grok-4', all)).toBe('cursor');
    expect(inferModelBackend('auto', all)).toBe('cursor');
  });

  it('does not read o1/o3 inside other words', () => {
    expect(inferModelBackend('po1son', ['codex', 'cursor'])).toBe('cursor');
    expect(inferModelBackend('o30', ['codex', 'cursor'])).toBe('cursor');
    expect(inferModelBackend('pro3', ['codex', 'cursor'])).toBe('cursor');
  });

  it('falls back to cursor when the matching backend is not configured', () => {
    expect(inferModelBackend('opus', ['codex', 'cursor'])).toBe('cursor');
    expect(inferModelBackend('gpt-5', ['claude', 'cursor'])).toBe('cursor');
    expect(inferModelBackend('gemini-2.5-pro', ['claude', 'cursor'])).toBe('cursor');
  });

  it('uses the only real backend when there is no cursor', () => {
    expect(inferModelBackend('opus', ['codex'])).toBe('codex');
    expect(inferModelBackend('mystery', ['my-cli', 'sim'])).toBe('my-cli');
  });

  it('gives up when it cannot choose', () => {
    expect(inferModelBackend('mystery', [])).toBeUndefined();
    expect(inferModelBackend('mystery', ['sim'])).toBeUndefined();
    expect(inferModelBackend('mystery', ['one', 'two'])).toBeUndefined();
    expect(inferModelBackend('opus', ['one', 'two'])).toBeUndefined();
  });
});
