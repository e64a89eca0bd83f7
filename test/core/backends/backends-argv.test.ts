import { describe, expect, it } from 'vitest';
import { backendFor } from '../../../src/core/backends/backend-registry.js';
import { hasOption, optionValue, parseCommand } from '../../../src/core/backends/parse-command.js';

const input = {
  simWorker: 'node sim-worker.js',
  modelId: 'm-1',
  passModel: true,
  prompt: 'PROMPT',
  taskDir: '/p/.dispatch/tasks/t',
};

describe('argv each backend builds for a task', () => {
  it('claude: stream-json events with --verbose and the model; the prompt on stdin', () => {
    const claude = backendFor('claude');
    expect(
      claude.invocation({ ...input, command: 'claude -p --dangerously-skip-permissions' }),
    ).toEqual({
      command: 'claude -p --dangerously-skip-permissions',
      args: ['--model', 'm-1', '--output-format', 'stream-json', '--verbose'],
      jsonEvents: true,
    });
    // A command that picks its own output format keeps it; text is not filtered.
    expect(claude.invocation({ ...input, command: 'claude -p --output-format text' })).toEqual({
      command: 'claude -p --output-format text',
      args: ['--model', 'm-1'],
      jsonEvents: false,
    });
    expect(
      claude.invocation({ ...input, passModel: false, command: 'claude -p --output-format=json' })
        .args,
    ).toEqual([]);
  });

  it('codex: the model, --json, `-` for the prompt on stdin; --add-dir for the task folder under workspace-write', () => {
    const codex = backendFor('codex');
    expect(
      codex.invocation({
        ...input,
        command: 'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
      }).args,
    ).toEqual(['--model', 'm-1', '--json', '-']);
    expect(
      codex.invocation({
        ...input,
        command: 'codex exec --json --sandbox workspace-write --skip-git-repo-check',
      }).args,
    ).toEqual(['--model', 'm-1', '--add-dir', '/p/.dispatch/tasks/t', '-']);
  });

  it('codex: in a git worktree under workspace-write, --add-dir for its git dir and the common git dir too, on resume as well', () => {
    const codex = backendFor('codex');
    const inWorktree = {
      ...input,
      command: 'codex exec --json -s workspace-write --skip-git-repo-check',
      writableDirs: ['/repo/.git/worktrees/t', '/repo/.git'],
    };
    const expected = [
      '--add-dir',
      '/p/.dispatch/tasks/t',
      '--add-dir',
      '/repo/.git/worktrees/t',
      '--add-dir',
      '/repo/.git',
    ];
    expect(codex.invocation(inWorktree).args).toEqual(['--model', 'm-1', ...expected, '-']);
    expect(codex.resume?.invocation(inWorktree, 's-1').args).toEqual([
      '--model',
      'm-1',
      ...expected,
      'resume',
      's-1',
      '-',
    ]);
    // Without the sandbox every folder is writable already: nothing is added.
    expect(
      codex.invocation({
        ...inWorktree,
        command: 'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
      }).args,
    ).toEqual(['--model', 'm-1', '--json', '-']);
  });

  it('gemini: stream-json, the task folder included; an empty value after a trailing -p', () => {
    const gemini = backendFor('gemini');
    expect(gemini.invocation({ ...input, command: 'gemini --yolo --skip-trust' }).args).toEqual([
      '--model',
      'm-1',
      '--output-format',
      'stream-json',
      '--include-directories',
      '/p/.dispatch/tasks/t',
    ]);
    expect(
      gemini.invocation({ ...input, taskDir: undefined, command: 'gemini --yolo -o text -p' }),
    ).toEqual({
      command: 'gemini --yolo -o text -p',
      args: ['', '--model', 'm-1'],
      jsonEvents: false,
    });
  });

  it('opencode: JSON events, its error log on stderr, provider/model', () => {
    expect(
      backendFor('opencode').invocation({
        ...input,
        modelId: 'openai/gpt-5',
        command: 'opencode run --auto',
      }).args,
    ).toEqual([
      '--model',
      'openai/gpt-5',
      '--format',
      'json',
      '--print-logs',
      '--log-level',
      'ERROR',
    ]);
  });

  it('cursor and generic stay text; generic gets the prompt only', () => {
    expect(backendFor('cursor').invocation({ ...input, command: 'agent -p --force' })).toEqual({
      command: 'agent -p --force',
      args: ['--model', 'm-1', 'PROMPT'],
      jsonEvents: false,
    });
    expect(backendFor('generic').invocation({ ...input, command: 'mytool --auto' })).toEqual({
      command: 'mytool --auto',
      args: ['PROMPT'],
      jsonEvents: false,
    });
  });
});

describe('how each backend receives its prompt', () => {
  it('on stdin where the CLI reads it there, as the last argument where it offers no other way', () => {
    const via = Object.fromEntries(
      (['sim', 'claude', 'codex', 'gemini', 'opencode', 'cursor', 'generic'] as const).map(
        (type) => [type, backendFor(type).promptInput],
      ),
    );
    expect(via).toEqual({
      sim: 'stdin',
      claude: 'stdin',
      codex: 'stdin',
      gemini: 'stdin',
      opencode: 'stdin',
      cursor: 'argument',
      generic: 'argument',
    });
    for (const type of ['sim', 'claude', 'codex', 'gemini', 'opencode'] as const)
      expect(backendFor(type).invocation({ ...input, command: 'x' }).args).not.toContain('PROMPT');
  });
});

describe('parseCommand', () => {
  it('skips an env prefix with -u options and assignments, and unquotes words', () => {
    expect(parseCommand('env -u CLAUDECODE IS_SANDBOX=1 claude -p --x "a b"')).toEqual({
      program: 'claude',
      assignments: { IS_SANDBOX: '1' },
      args: ['-p', '--x', 'a b'],
    });
    expect(parseCommand('FOO=bar /usr/bin/codex exec')).toEqual({
      program: '/usr/bin/codex',
      assignments: { FOO: 'bar' },
      args: ['exec'],
    });
  });

  it('finds options in both spellings', () => {
    const args = ['--sandbox=workspace-write', '-o', 'json'];
    expect(hasOption(args, '--sandbox')).toBe(true);
    expect(optionValue(args, '--sandbox', '-s')).toBe('workspace-write');
    expect(optionValue(args, '--output-format', '-o')).toBe('json');
    expect(hasOption(args, '--json')).toBe(false);
  });
});
