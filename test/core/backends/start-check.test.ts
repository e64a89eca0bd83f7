import { describe, expect, it } from 'vitest';
import { backendFor } from '../../../src/core/backends/backend-registry.js';
import { parseCommand } from '../../../src/core/backends/parse-command.js';
import { startProblems, type StartFacts } from '../../../src/core/backends/start-check.js';
import type { BackendConfig } from '../../../src/core/config/config-types.js';

const FILE = '/home/me/.dispatch/config.yaml';
const found: StartFacts['program'] = { state: 'found', path: '/usr/bin/claude' };

function check(
  type: BackendConfig['type'],
  command: string,
  facts: Partial<StartFacts> = {},
): string[] {
  const configured: BackendConfig = { name: 'main', type, command };
  return startProblems(backendFor(type), configured, FILE, parseCommand(command), {
    program: found,
    isRoot: false,
    env: {},
    ...facts,
  }).map((problem) => `${problem.message} | ${problem.fix}`);
}

describe('start checks', () => {
  it('names a program not on PATH with the config key and file to fix', () => {
    expect(check('generic', 'xyz --flag', { program: { state: 'missing' } })).toEqual([
      `\`xyz\` is not on PATH | Install it or fix backends.main.command in ${FILE}.`,
    ]);
    for (const type of ['claude', 'codex', 'gemini', 'opencode'] as const) {
      expect(check(type, 'xyz --flag', { program: { state: 'missing' } })).toEqual([
        expect.stringMatching(
          /^`xyz` is not on PATH \| Install it \(.+\) or fix backends\.main\.command in \/home\/me\/\.dispatch\/config\.yaml\.$/,
        ),
      ]);
    }
  });

  it('passes a program only the shell resolves, and the built-in simulated worker', () => {
    expect(
      check('generic', '"$(which agent)" run', { program: { state: 'shell-variable' } }),
    ).toEqual([]);
    expect(check('sim', 'dispatch-sim', { program: { state: 'missing' } })).toEqual([]);
  });

  describe('Claude Code as root', () => {
    const skip = 'claude -p --dangerously-skip-permissions';

    it('refuses bypass-permissions mode without IS_SANDBOX=1, naming both fixes', () => {
      const [problem, ...rest] = check('claude', skip, { isRoot: true });
      expect(rest).toEqual([]);
      expect(problem).toContain(
        'running as root: Claude Code refuses --dangerously-skip-permissions',
      );
      expect(problem).toContain('Run with IS_SANDBOX=1 in the environment');
      expect(problem).toContain(`backends.main.command in ${FILE}`);
      expect(problem).toContain('or not as root');
      expect(
        check('claude', 'claude -p --permission-mode bypassPermissions', { isRoot: true }),
      ).toHaveLength(1);
      expect(check('claude', skip, { isRoot: true, env: { IS_SANDBOX: 'yes' } })).toHaveLength(1);
    });

    it('starts with IS_SANDBOX=1 from the environment or the command, with bubblewrap, or not as root', () => {
      expect(check('claude', skip, { isRoot: true, env: { IS_SANDBOX: '1' } })).toEqual([]);
      expect(check('claude', `env IS_SANDBOX=1 ${skip}`, { isRoot: true })).toEqual([]);
      expect(check('claude', skip, { isRoot: true, env: { CLAUDE_CODE_BUBBLEWRAP: '1' } })).toEqual(
        [],
      );
      expect(check('claude', skip, { isRoot: false })).toEqual([]);
      expect(check('claude', 'claude -p', { isRoot: true })).toEqual([]);
    });
  });
});
