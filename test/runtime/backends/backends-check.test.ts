import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendConfig } from '../../../src/core/config/config-types.js';
import { checkBackend } from '../../../src/runtime/backends/check-backend.js';
import { parseHelpFlags, parseVersion } from '../../../src/runtime/backends/cli-facts.js';

/**
 * checkBackend against stand-in programs that answer --version and --help with (abridged) text
 * of the real CLIs, and count how often they are asked, so the cache shows.
 */
let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dispatch-check-'));
  env = {
    PATH: [dir, process.env.PATH].join(delimiter),
    DISPATCH_HOME: join(dir, 'home'),
    HOME: dir,
  };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeProgram(name: string, version: string, help: string): void {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      `echo x >> "${join(dir, `${name}.calls`)}"`,
      `case "$*" in *--version*) echo '${version}';; *) cat <<'HELP'\n${help}\nHELP\n;; esac`,
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o755);
}

const backend = (type: BackendConfig['type'], command: string): BackendConfig => ({
  name: type,
  type,
  command,
});

const CODEX_HELP = `Usage: codex exec [OPTIONS] [PROMPT]
  -s, --sandbox <SANDBOX_MODE>
      --dangerously-bypass-approvals-and-sandbox
      --skip-git-repo-check
      --json
  -m, --model <MODEL>`;

describe('checkBackend', () => {
  it('flags --full-auto on a Codex that no longer lists it, and a missing auto-approval', async () => {
    fakeProgram('codex', 'codex-cli 0.169.0', CODEX_HELP);
    const check = await checkBackend(backend('codex', 'codex exec --full-auto'), env);
    expect(check.ok).toBe(false);
    expect(check.version).toBe('0.169.0');
    expect(check.path).toBe(join(dir, 'codex'));
    const messages = check.problems.map((p) => p.message).join('\n');
    expect(messages).toContain('rejects --full-auto');
    expect(messages).toContain('no auto-approval');
    expect(messages).toContain('no --skip-git-repo-check');
    expect(check.problems.every((p) => p.fix.length > 0)).toBe(true);
    // One problem per option: the generic "not in help" check does not repeat it.
    expect(messages.match(/--full-auto/g)).toHaveLength(1);
  });

  it('passes the command dispatch init writes, and caches the probe per binary', async () => {
    fakeProgram('codex', 'codex-cli 0.169.0', CODEX_HELP);
    const command = 'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox';
    expect(await checkBackend(backend('codex', command), env)).toMatchObject({
      ok: true,
      problems: [],
    });
    expect((await checkBackend(backend('codex', command), env)).ok).toBe(true);
    // --version and --help, once: the second check answers from the cache. (The command init
    // writes is not run: Codex has no login probe, and --version is asked already.)
    expect(readFileSync(join(dir, 'codex.calls'), 'utf8').trim().split('\n')).toHaveLength(2);
    const cache = JSON.parse(readFileSync(join(dir, 'home', 'cache', 'agent-clis.json'), 'utf8'));
    expect(Object.values(cache.entries)).toEqual([
      expect.objectContaining({
        version: '0.169.0',
        flags: expect.arrayContaining(['--json', '-s']),
      }),
    ]);
  });

  it('names an option the installed version does not list', async () => {
    fakeProgram('gemini', '0.61.0', '  -y, --yolo\n      --skip-trust\n  -m, --model');
    const check = await checkBackend(
      backend('gemini', 'gemini --yolo --skip-trust --sandbox-image x'),
      env,
    );
    expect(check.problems.map((p) => p.message)).toEqual([
      'Gemini CLI 0.61.0 does not list --sandbox-image in `gemini --help`: it will likely reject it',
    ]);
  });

  it('flags gemini without --yolo and --skip-trust, opencode without --auto', async () => {
    fakeProgram('gemini', '0.61.0', '  -y, --yolo\n      --skip-trust');
    fakeProgram('opencode', '1.18.33', 'opencode run [message..]\n      --auto\n      --format');
    expect(
      (await checkBackend(backend('gemini', 'gemini'), env)).problems.map((p) => p.message),
    ).toEqual([expect.stringContaining('no --yolo'), expect.stringContaining('no --skip-trust')]);
    expect(
      (
        await checkBackend(backend('gemini', 'gemini -y'), {
          ...env,
          GEMINI_CLI_TRUST_WORKSPACE: 'true',
        })
      ).ok,
    ).toBe(true);
    expect(
      (await checkBackend(backend('opencode', 'opencode run'), env)).problems.map((p) => p.message),
    ).toEqual([expect.stringContaining('no --auto')]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'as root, flags claude --dangerously-skip-permissions without IS_SANDBOX=1',
    async () => {
      fakeProgram(
        'claude',
        '2.1.330 (Claude Code)',
        '  -p, --print\n  --dangerously-skip-permissions\n  --model <model>',
      );
      const bare = await checkBackend(
        backend('claude', 'claude -p --dangerously-skip-permissions'),
        env,
      );
      expect(bare.version).toBe('2.1.330');
      expect(bare.problems).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('IS_SANDBOX=1'),
          fix: expect.stringContaining('never sets it'),
        }),
      ]);
      expect(
        (
          await checkBackend(
            backend('claude', 'env IS_SANDBOX=1 claude -p --dangerously-skip-permissions'),
            env,
          )
        ).ok,
      ).toBe(true);
      expect(
        (
          await checkBackend(backend('claude', 'claude -p --dangerously-skip-permissions'), {
            ...env,
            IS_SANDBOX: '1',
          })
        ).ok,
      ).toBe(true);
    },
  );

  it('reports a program that is not installed, with how to install it', async () => {
    const check = await checkBackend(backend('codex', 'codex exec --skip-git-repo-check'), {
      ...env,
      PATH: dir,
    });
    expect(check).toMatchObject({ ok: false, version: undefined, path: undefined });
    expect(check.problems[0]?.message).toBe('codex is not installed (not found on PATH)');
    expect(check.problems[0]?.fix).toContain('npm install -g @openai/codex');
  });

  it('does not cache a probe that gave no version', async () => {
    fakeProgram('codex', 'garbage', CODEX_HELP);
    const check = await checkBackend(
      backend(
        'codex',
        'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
      ),
      env,
    );
    expect(check.problems[0]?.message).toContain('printed no version');
    expect(existsSync(join(dir, 'home', 'cache', 'agent-clis.json'))).toBe(false);
  });
});

describe('version and help parsing', () => {
  it('reads the versions the real CLIs print', () => {
    expect(parseVersion('2.1.330 (Claude Code)')).toBe('2.1.330');
    expect(parseVersion('codex-cli 0.169.0')).toBe('0.169.0');
    expect(parseVersion('0.61.0\n')).toBe('0.61.0');
    expect(parseVersion('1.18.33')).toBe('1.18.33');
    expect(parseVersion('no version here')).toBeUndefined();
  });

  it('collects every option a help text lists, aliases included', () => {
    expect(
      parseHelpFlags(
        '  -p, --print  Print\n  --allowedTools, --allowed-tools <tools...>\n  -o, --output-format',
      ).sort(),
    ).toEqual(
      ['--allowed-tools', '--allowedTools', '--output-format', '--print', '-o', '-p'].sort(),
    );
  });
});
