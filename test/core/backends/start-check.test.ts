import { describe, expect, it } from 'vitest';
import { backendFor } from '../../../src/core/backends/backend-registry.js';
import { parseCommand } from '../../../src/core/backends/parse-command.js';
import {
  exitsAtOnce,
  startProblems,
  type StartFacts,
} from '../../../src/core/backends/start-check.js';
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

describe('the start probe, judged', () => {
  const configured: BackendConfig = { name: 'main', type: 'claude', command: 'claude -p' };

  it('reads a non-zero status for the version as "exits at once", with its first line', () => {
    expect(exitsAtOnce(configured, FILE, { code: 0, output: '2.1.330 (Claude Code)\n' })).toBe(
      undefined,
    );
    // Killed (no status): the probe gives no verdict rather than a wrong one.
    expect(exitsAtOnce(configured, FILE, { code: null, output: '' })).toBe(undefined);
    expect(
      exitsAtOnce(configured, FILE, { code: 127, output: '\nenv: ‘claudee’: No such file\n' }),
    ).toEqual({
      message: 'the command exits at once (status 127: env: ‘claudee’: No such file)',
      fix: `Run \`claude -p --version\` in a shell to see why, and fix backends.main.command in ${FILE}.`,
    });
  });

  it("reads `claude auth status`: not logged in only when it says so for Anthropic's own API", () => {
    const judge = (stdout: string) => backendFor('claude').loginCheck?.judge(stdout, 1)?.message;
    expect(judge('{"loggedIn": false, "authMethod": "none", "apiProvider": "firstParty"}')).toBe(
      'Claude Code is not logged in (`claude auth status` says loggedIn: false)',
    );
    expect(judge('{"loggedIn": true, "authMethod": "api_key", "apiProvider": "firstParty"}')).toBe(
      undefined,
    );
    // Bedrock, Vertex and the like have credentials of their own; an old CLI prints no JSON.
    expect(judge('{"loggedIn": false, "apiProvider": "bedrock"}')).toBe(undefined);
    expect(judge('Usage: claude [options]')).toBe(undefined);
  });
});
