import { chmodSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initRepo } from '../helpers/git-repo.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';

const RECORDER = join(REPO_ROOT, 'test/fixtures/record-argv.mjs');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
  initRepo(sandbox.project, { 'a.txt': 'a\n' });
  // A stand-in `codex` on PATH that records the arguments dispatch gives it.
  const bin = join(sandbox.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'codex'), `#!/bin/sh\nexec node ${JSON.stringify(RECORDER)} "$@"\n`);
  chmodSync(join(bin, 'codex'), 0o755);
  sandbox.env.PATH = `${bin}${delimiter}${sandbox.env.PATH ?? ''}`;
});
afterEach(() => sandbox.cleanup());

/** Runs one task with this backend command; the task's id and the arguments the CLI got. */
function argvOf(command: string, worktree: boolean): Promise<{ id: string; argv: string[] }> {
  sandbox.writeConfig(`default: c\nbackends:\n  c: { command: "${command}" }\nmodels:\n  c: {}\n`);
  return sandbox
    .run([...(worktree ? ['--worktree'] : []), '--item', 'Commit a change'])
    .then(async (run: { id: string }) => {
      await sandbox.waitForDone([run.id]);
      return { id: run.id, argv: JSON.parse(sandbox.read(run.id, 'argv.json')) as string[] };
    });
}

describe('Codex in a git worktree', () => {
  it('gets the worktree git dir and the common git dir as writable roots under workspace-write', async () => {
    const { id, argv } = await argvOf(
      'codex exec --json -s workspace-write --skip-git-repo-check',
      true,
    );
    const git = join(realpathSync(sandbox.project), '.git');
    const added = argv.flatMap((arg, i) => (argv[i - 1] === '--add-dir' ? [arg] : []));
    expect(added).toEqual([sandbox.taskDir(id), join(git, 'worktrees', id), git]);
  });

  it('gets no git dirs outside a worktree, nor without the sandbox', async () => {
    const { argv: plain } = await argvOf(
      'codex exec --json -s workspace-write --skip-git-repo-check',
      false,
    );
    expect(plain.filter((arg) => arg === '--add-dir')).toHaveLength(1);
    const { argv: bypass } = await argvOf(
      'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
      true,
    );
    expect(bypass).not.toContain('--add-dir');
  });
});
