import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Sandbox } from '../helpers/sandbox.js';
import { AGENT_BIN, SKIP_REASON, agentPath } from '../model-servers/agent-clis.js';

interface WrittenConfig {
  backends: Record<string, { command: string }>;
  models: Record<string, { backend: string }>;
  default: string;
}

if (!AGENT_BIN) console.warn(`agents-init: skipped, ${SKIP_REASON}`);

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.cleanup());

describe.skipIf(!AGENT_BIN)('dispatch init with the real agent CLIs on PATH', () => {
  it(
    'writes the commands the e2e tests run, with the versions it detected, and models for each',
    { timeout: 180_000 },
    async () => {
      sandbox = new Sandbox({ PATH: agentPath() });
      const result = await sandbox.cli(['init', '--yes'], { timeoutMs: 170_000 });
      expect(result.code, result.stderr).toBe(0);
      const text = readFileSync(join(sandbox.home, '.dispatch', 'config.yaml'), 'utf8');
      const config = parse(text) as WrittenConfig;
      expect(config.backends).toEqual({
        claude: {
          command:
            'env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions',
        },
        codex: {
          command: 'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
        },
        gemini: { command: 'gemini --yolo --skip-trust' },
        opencode: { command: 'opencode run --auto' },
      });
      // Every CLI found gets models: opencode the ones `opencode models` lists offline.
      const backendsWithModels = new Set(Object.values(config.models).map((m) => m.backend));
      expect([...backendsWithModels].sort()).toEqual(['claude', 'codex', 'gemini', 'opencode']);
      expect(config.models['opencode/big-pickle']).toEqual({ backend: 'opencode' });
      for (const line of [
        '# Claude Code 2.1.330, found at',
        '# Codex 0.169.0, found at',
        '# Gemini CLI 0.61.0, found at',
        '# opencode 1.18.33, found at',
      ])
        expect(text).toContain(line);
      expect(result.stdout).toMatch(
        /backends: claude 2\.1\.330, codex 0\.169\.0, gemini 0\.61\.0, opencode 1\.18\.33/,
      );
      // Every option of the written commands is one the installed versions list; the only thing
      // said is Claude Code's refusal as root, which dispatch reports and does not work around.
      if (process.getuid?.() === 0) {
        expect(result.stderr).toContain('claude: running as root');
        expect(result.stderr).toContain('IS_SANDBOX=1');
        expect(result.stderr.match(/^ {2}\w+: /gm)).toHaveLength(1);
      } else {
        expect(result.stderr).not.toContain('Check before dispatching');
      }
    },
  );

  it('sets up opencode when it is the only CLI on PATH', { timeout: 180_000 }, async () => {
    sandbox = new Sandbox();
    const bin = join(sandbox.dir, 'bin');
    mkdirSync(bin);
    symlinkSync(join(AGENT_BIN as string, 'opencode'), join(bin, 'opencode'));
    sandbox.env.PATH = [bin, process.env.PATH].join(delimiter);
    const result = await sandbox.cli(['init', '--yes'], { timeoutMs: 170_000 });
    expect(result.code, result.stderr).toBe(0);
    const config = parse(
      readFileSync(join(sandbox.home, '.dispatch', 'config.yaml'), 'utf8'),
    ) as WrittenConfig;
    expect(Object.keys(config.backends)).toEqual(['opencode']);
    expect(config.default).toMatch(/^opencode\//);
    expect(Object.values(config.models).every((m) => m.backend === 'opencode')).toBe(true);
  });
});
