import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';
import { AGENT_BIN, SKIP_REASON, agentPath, codexSetup } from '../model-servers/agent-clis.js';
import { startModelServer } from '../model-servers/model-server.js';
import { openaiResponsesApiWith } from '../model-servers/openai-responses-api.js';
import { promptPaths, quote, type ToolResult } from '../model-servers/worker-script.js';

/**
 * The real Codex CLI under its own workspace-write sandbox, in a `--worktree` task: the scripted
 * model's one shell command writes a file and runs `git add -A && git commit`, which writes to
 * the worktree's git dir and the repository's common git dir, outside the working folder. /tmp
 * and $TMPDIR are taken out of the sandbox's writable roots (the test's project lives there), so
 * the commit lands only through the git dirs dispatch adds with --add-dir.
 */
const COMMAND = [
  'codex exec --json -s workspace-write --skip-git-repo-check',
  '-c sandbox_workspace_write.exclude_slash_tmp=true',
  '-c sandbox_workspace_write.exclude_tmpdir_env_var=true',
].join(' ');

function commitScript(prompt: string, results: ToolResult[]) {
  const paths = promptPaths(prompt);
  if (!paths)
    return { kind: 'text' as const, text: 'Scripted model: no dispatch worker prompt here.' };
  if (results.length > 0) return { kind: 'text' as const, text: 'Committed.' };
  return {
    kind: 'shell' as const,
    command: [
      "printf 'hello\\n' > hello.txt",
      "git add -A && git commit -q -m 'Add hello'",
      `sed -i 's/- \\[ \\]/- [x]/g' ${quote(paths.plan)}`,
      `: > ${quote(`${paths.ipc}/.done.tmp`)}`,
      `mv ${quote(`${paths.ipc}/.done.tmp`)} ${quote(`${paths.ipc}/.done`)}`,
    ].join(' && '),
  };
}

if (!AGENT_BIN) console.warn(`agents-codex-worktree-commit: skipped, ${SKIP_REASON}`);

describe.skipIf(!AGENT_BIN)('the real Codex CLI in a worktree task', () => {
  it(
    'commits on the task branch under its workspace-write sandbox',
    { timeout: 180_000 },
    async () => {
      const server = await startModelServer(openaiResponsesApiWith(commitScript));
      const cliDir = mkdtempSync(join(tmpdir(), 'dispatch-agent-cli-'));
      const setup = codexSetup(server.url, cliDir);
      const sandbox = new Sandbox({ PATH: agentPath(), ...setup.env });
      sandbox.writeConfig(
        [
          `default: ${setup.model}`,
          'backends:',
          '  codex:',
          `    command: ${JSON.stringify(COMMAND)}`,
          'models:',
          `  ${setup.model}: { backend: codex }`,
          '',
        ].join('\n'),
      );
      try {
        initRepo(sandbox.project, { 'a.txt': 'a\n' });
        const run = await sandbox.run(['--worktree', '--item', 'Add hello.txt and commit it']);
        const done = await sandbox.cli(['wait', run.id, '--timeout', '150']);
        const log = sandbox.read(run.id, 'worker.log');
        expect(done.stdout, log).toContain('done (1/1 items)');
        const status = await sandbox.status(run.id);
        const branch = (status.worktree as { branch: string }).branch;
        expect(gitIn(sandbox.project, ['log', '-1', '--format=%s', branch]).trim()).toBe(
          'Add hello',
        );
        expect(gitIn(sandbox.project, ['show', `${branch}:hello.txt`])).toBe('hello\n');
        // The main branch is untouched.
        expect(gitIn(sandbox.project, ['log', '-1', '--format=%s', 'main']).trim()).toBe(
          'initial commit',
        );
      } finally {
        sandbox.cleanup();
        await server.close();
        rmSync(cliDir, { recursive: true, force: true });
      }
    },
  );
});
