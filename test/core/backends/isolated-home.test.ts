import { describe, expect, it } from 'vitest';
import { AGENT_BACKENDS, backendFor } from '../../../src/core/backends/backend-registry.js';
import { isolatedEnv, pickMembers, withMembers } from '../../../src/core/backends/isolated-home.js';
import { parseConfig } from '../../../src/core/config/parse-config.js';
import { resolveModel } from '../../../src/core/config/resolve-model.js';
import { DispatchError } from '../../../src/core/errors.js';

const HOME = '/home/op';
const FILE = '/home/op/.dispatch/config.yaml';

function isolation(type: 'claude' | 'codex' | 'gemini' | 'opencode') {
  const found = backendFor(type).isolation;
  if (!found) throw new Error(`${type} offers no isolation`);
  return found;
}

describe('the isolated home each backend describes', () => {
  it('points each CLI at the home through its own variables', () => {
    expect(isolatedEnv(isolation('claude'), '/t/home')).toEqual({ CLAUDE_CONFIG_DIR: '/t/home' });
    expect(isolatedEnv(isolation('codex'), '/t/home')).toEqual({ CODEX_HOME: '/t/home' });
    expect(isolatedEnv(isolation('gemini'), '/t/home')).toEqual({ GEMINI_CLI_HOME: '/t/home' });
    expect(isolatedEnv(isolation('opencode'), '/t/home')).toEqual({
      XDG_CONFIG_HOME: '/t/home/config',
      XDG_DATA_HOME: '/t/home/data',
      OPENCODE_DISABLE_CLAUDE_CODE: '1',
      OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
    });
  });

  it("copies Claude Code's login and only the account part of its state file", () => {
    expect(isolation('claude').credentials({}, HOME)).toEqual([
      { from: '/home/op/.claude/.credentials.json', to: '.credentials.json' },
      {
        from: '/home/op/.claude.json',
        to: '.claude.json',
        keys: expect.arrayContaining(['oauthAccount', 'primaryApiKey']),
      },
    ]);
    const keys = isolation('claude').credentials({}, HOME)[1]?.keys ?? [];
    expect(keys).not.toContain('mcpServers');
    expect(keys).not.toContain('projects');
  });

  it("finds the operator's files where the operator's own variables moved them", () => {
    expect(
      isolation('claude')
        .credentials({ CLAUDE_CONFIG_DIR: '/cfg/claude' }, HOME)
        .map((k) => k.from),
    ).toEqual(['/cfg/claude/.credentials.json', '/cfg/claude/.claude.json']);
    expect(isolation('codex').credentials({ CODEX_HOME: '/cfg/codex' }, HOME)).toEqual([
      { from: '/cfg/codex/auth.json', to: 'auth.json' },
    ]);
    expect(isolation('codex').credentials({ CODEX_HOME: '' }, HOME)[0]?.from).toBe(
      '/home/op/.codex/auth.json',
    );
    expect(isolation('gemini').credentials({ GEMINI_CLI_HOME: '/g' }, HOME)[0]?.from).toBe(
      '/g/.gemini/oauth_creds.json',
    );
    expect(isolation('opencode').credentials({}, HOME)).toEqual([
      { from: '/home/op/.local/share/opencode/auth.json', to: 'data/opencode/auth.json' },
    ]);
    expect(isolation('opencode').credentials({ XDG_DATA_HOME: '/d' }, HOME)[0]?.from).toBe(
      '/d/opencode/auth.json',
    );
  });

  it("keeps Gemini CLI's auth choice but not the rest of its settings", () => {
    const settings = isolation('gemini')
      .credentials({}, HOME)
      .find((k) => k.to === '.gemini/settings.json');
    expect(settings?.keys).toEqual(['security.auth']);
  });

  it('says in words what it keeps and hides, for every CLI that offers it', () => {
    const offering = AGENT_BACKENDS.filter((b) => b.isolation).map((b) => b.type);
    expect(offering).toEqual(['claude', 'codex', 'gemini', 'opencode']);
    for (const type of offering) {
      expect(backendFor(type).isolation?.keeps).toMatch(/\w/);
      expect(backendFor(type).isolation?.hides).toMatch(/\w/);
    }
    expect(backendFor('sim').isolation).toBeUndefined();
    expect(backendFor('generic').isolation).toBeUndefined();
  });
});

describe('pickMembers', () => {
  const state = {
    oauthAccount: { email: 'op@example.com' },
    mcpServers: { tools: {} },
    security: { auth: { selectedType: 'oauth' }, folderTrust: { enabled: true } },
  };

  it('keeps only the named members, nested ones in their nesting', () => {
    expect(pickMembers(state, ['oauthAccount', 'security.auth', 'absent'])).toEqual({
      oauthAccount: { email: 'op@example.com' },
      security: { auth: { selectedType: 'oauth' } },
    });
  });

  it('gives nothing for a value that is not an object or has none of them', () => {
    expect(pickMembers([1, 2], ['oauthAccount'])).toBeUndefined();
    expect(pickMembers('text', ['oauthAccount'])).toBeUndefined();
    expect(pickMembers({ other: 1 }, ['oauthAccount', 'security.auth'])).toBeUndefined();
    expect(pickMembers({ security: 'flat' }, ['security.auth'])).toBeUndefined();
  });
});

describe('withMembers', () => {
  it("replaces the named members of the CLI's own copy and keeps the rest", () => {
    const own = { oauthAccount: { email: 'old' }, firstStartTime: 'then', security: { x: 1 } };
    const picked = { oauthAccount: { email: 'new' }, security: { auth: { selectedType: 'k' } } };
    expect(withMembers(own, picked, ['oauthAccount', 'security.auth', 'userID'])).toEqual({
      oauthAccount: { email: 'new' },
      firstStartTime: 'then',
      security: { x: 1, auth: { selectedType: 'k' } },
    });
    expect(own.oauthAccount.email).toBe('old');
    expect(withMembers(undefined, picked, ['oauthAccount'])).toEqual({
      oauthAccount: { email: 'new' },
    });
  });
});

describe('isolate: in the config', () => {
  const config = [
    'default: sonnet',
    'backends:',
    '  claude: { command: "claude -p", isolate: true }',
    '  codex: "codex exec --skip-git-repo-check"',
    'models:',
    '  sonnet: { backend: claude }',
    '  gpt: { backend: codex }',
    'aliases:',
    '  trusted: { model: sonnet, isolate: false }',
    '  clean: { model: gpt, isolate: true }',
    '',
  ].join('\n');

  it('is read per backend and per alias', () => {
    const parsed = parseConfig(config, FILE);
    expect(parsed.backends.claude?.isolate).toBe(true);
    expect(parsed.backends.codex?.isolate).toBeUndefined();
    expect(parsed.aliases.trusted?.isolate).toBe(false);
    expect(parsed.aliases.clean?.isolate).toBe(true);
    // What a task gets is the alias's choice, else its backend's (runtime/tasks/model-fields.ts).
    const choice = resolveModel(parsed, { explicit: 'trusted' });
    expect(choice.alias?.isolate ?? choice.backend.isolate).toBe(false);
  });

  it('is refused, at its line, for a backend that has no isolated home', () => {
    const text = [
      'default: mine',
      'backends:',
      '  mine:',
      '    command: my-agent --yes',
      '    isolate: true',
      'models:',
      '  mine: { backend: mine }',
      '',
    ].join('\n');
    let error: unknown;
    try {
      parseConfig(text, FILE);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DispatchError);
    expect((error as DispatchError).message).toContain('backend "mine" (generic)');
    expect((error as DispatchError).location).toMatchObject({ file: FILE, line: 5 });
    expect((error as DispatchError).hint).toContain('claude, codex, gemini, opencode');
  });

  it('is refused on an alias whose model runs on such a backend', () => {
    const text = ['default: sim', 'aliases:', '  clean: { model: sim, isolate: true }', ''].join(
      '\n',
    );
    expect(() => parseConfig(text, FILE)).toThrow(/alias "clean" sets isolate: true/);
  });
});
