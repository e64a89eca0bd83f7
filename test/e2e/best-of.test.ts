import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher } from 'agent-dispatch';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { Tmux } from '../helpers/tmux.js';

/**
 * `dispatch run --best-of` with the simulated worker as real processes in a real git repository:
 * two "models" whose CLIs leave different answers, one verify command that only one passes, then
 * `compare` and `pick` (docs/verify.md, Best of N).
 */
let sandbox: Sandbox;
let tmux: Tmux | undefined;

const SIM = join(REPO_ROOT, 'dist/bin/sim-worker.js');
/** A model whose CLI writes answer.txt before the simulated worker works its plan. */
const answering = (answer: string, delay = 0) =>
  JSON.stringify(`sleep ${delay}; printf '${answer}\\n' > answer.txt; node ${SIM}`);

beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
  sandbox.writeConfig(
    [
      'default: right',
      'backends:',
      `  right: { command: ${answering('42')}, type: generic }`,
      // Slower, so the group's wait has to see one run finish and keep waiting for the other.
      `  wrong: { command: ${answering('41', 2)}, type: generic }`,
      'models:',
      '  right: { backend: right }',
      '  wrong: { backend: wrong }',
      '',
    ].join('\n'),
  );
  initRepo(sandbox.project, { 'README.md': 'project\n' });
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
  sandbox.cleanup();
});

const CHECK_ANSWER = 'test "$(cat answer.txt)" = 42 || { echo "expected 42"; exit 1; }';

type Run = { id: string; model: string; bestOf: { group: string; index: number; of: number } };

/** Dispatches best of 2 (right, wrong), waits for the group, and returns the runs. */
async function bestOfTwo(extra: string[] = []): Promise<Run[]> {
  const result = await sandbox.cli([
    'run',
    '--json',
    '--best-of',
    '2',
    '--models',
    'right,wrong',
    '--verify',
    CHECK_ANSWER,
    '--item',
    'Survey the code',
    ...extra,
    'Fix the answer',
  ]);
  expect(result.code, result.stderr).toBe(0);
  const runs = JSON.parse(result.stdout) as Run[];
  const waited = await sandbox.cli(['wait', 'fix-the-answer', '--timeout', '60'], {
    timeoutMs: 70_000,
  });
  // One run failed its check and nothing worse: exit 11, both reported together.
  expect(waited.code, waited.stdout + waited.stderr).toBe(11);
  expect(waited.stdout).toContain('fix-the-answer.1: done, verified');
  expect(waited.stdout).toContain('fix-the-answer.2: verify failed');
  expect(waited.stdout).toContain('dispatch compare fix-the-answer');
  return runs;
}

type Compare = {
  group: string;
  of: number;
  settled: boolean;
  runs: {
    id: string;
    model: string;
    outcome: string;
    changes: { added: number; removed: number; files: string[] } | null;
    elapsedMs: number | null;
    tokens: unknown;
    costUsd: unknown;
    merged: boolean;
  }[];
};

async function compare(ref = 'fix-the-answer'): Promise<Compare> {
  const result = await sandbox.cli(['compare', ref, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Compare;
}

describe('best of N', () => {
  it('runs the task once per model, compares the runs and picks the one that passed', async () => {
    const runs = await bestOfTwo();
    expect(runs.map((run) => [run.id, run.model, run.bestOf])).toEqual([
      ['fix-the-answer.1', 'right', { group: 'fix-the-answer', index: 1, of: 2 }],
      ['fix-the-answer.2', 'wrong', { group: 'fix-the-answer', index: 2, of: 2 }],
    ]);

    const compared = await compare();
    expect(compared).toMatchObject({ group: 'fix-the-answer', of: 2, settled: true });
    expect(compared.runs.map((run) => [run.id, run.model, run.outcome])).toEqual([
      ['fix-the-answer.1', 'right', 'done-verified'],
      ['fix-the-answer.2', 'wrong', 'verify-failed'],
    ]);
    for (const run of compared.runs) {
      // Each worker left answer.txt uncommitted in its own worktree: one new line, one file.
      expect(run.changes).toEqual({ added: 1, removed: 0, files: ['answer.txt'] });
      expect(run.elapsedMs).toBeGreaterThan(0);
      // The simulated worker reports no usage: unknown, not zero.
      expect(run.tokens).toBeNull();
      expect(run.costUsd).toBeNull();
    }
    // A run's id names its group too.
    expect((await compare('fix-the-answer.2')).group).toBe('fix-the-answer');

    const table = await sandbox.cli(['compare', 'fix-the-answer']);
    expect(table.stdout).toMatch(/fix-the-answer\.1\s+right\s+passed\s+\+1 -0\s+1\s/);
    expect(table.stdout).toMatch(/fix-the-answer\.2\s+wrong\s+failed \(exit 1\)\s+\+1 -0/);
    expect(table.stdout).toMatch(/unknown\s+unknown/);

    // The group has no task of its own: `status GROUP` shows the comparison.
    const status = await sandbox.cli(['status', 'fix-the-answer']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('fix-the-answer — Fix the answer (best of 2)');

    const list = await sandbox.cli(['list']);
    expect(list.stdout).toContain('(run 1 of 2, best-of fix-the-answer)');
    expect(list.stdout).toContain(
      'Best of 2 fix-the-answer: 1 done-verified, 1 verify-failed — dispatch compare fix-the-answer',
    );

    // The other run holds uncommitted work and there is no terminal: refused, nothing merged.
    const refused = await sandbox.cli(['pick', 'fix-the-answer', '1']);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('fix-the-answer.2: 1 uncommitted change');
    expect(refused.stderr).toContain('Nothing was merged or deleted');
    expect(gitIn(sandbox.project, ['log', '--oneline'])).not.toContain('Merge');

    const picked = await sandbox.cli(['pick', 'fix-the-answer', '1', '--yes', '--json']);
    expect(picked.code, picked.stderr).toBe(0);
    const result = JSON.parse(picked.stdout) as {
      picked: string;
      merge: { outcome: string; branch: string };
      discarded: { id: string; branch: string }[];
      kept: unknown[];
    };
    expect(result).toMatchObject({
      picked: 'fix-the-answer.1',
      merge: { outcome: 'merged', branch: 'dispatch/fix-the-answer.1' },
      discarded: [{ id: 'fix-the-answer.2', branch: 'dispatch/fix-the-answer.2' }],
      kept: [],
    });
    // The passing run is merged into main; the other's worktree and branch are gone.
    expect(readFileSync(join(sandbox.project, 'answer.txt'), 'utf8')).toBe('42\n');
    expect(gitIn(sandbox.project, ['log', '-1', '--format=%s'])).toBe(
      'Merge dispatch/fix-the-answer.1: Fix the answer\n',
    );
    expect(existsSync(join(sandbox.root, 'worktrees', 'fix-the-answer.2'))).toBe(false);
    const branches = gitIn(sandbox.project, ['branch', '--list', 'dispatch/*']);
    expect(branches).toContain('dispatch/fix-the-answer.1');
    expect(branches).not.toContain('dispatch/fix-the-answer.2');
    // Both task records stay, and the comparison says which run was merged.
    expect(existsSync(sandbox.taskDir('fix-the-answer.2'))).toBe(true);
    const after = await compare();
    expect(after.runs.map((run) => run.merged)).toEqual([true, false]);
    expect(after.runs[1]?.changes).toBeNull();
  });

  it('refuses to pick a run that failed its check without --force', async () => {
    await bestOfTwo(['--id', 'fix-the-answer']);
    const refused = await sandbox.cli(['pick', 'fix-the-answer', 'fix-the-answer.2', '--yes']);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(
      'run fix-the-answer.2 did not pass its verify command (verify failed: exit code 1: expected 42)',
    );
    expect(refused.stderr).toContain('dispatch pick --force fix-the-answer fix-the-answer.2');
    // Nothing happened: no merge, both worktrees still there.
    expect(gitIn(sandbox.project, ['log', '--oneline'])).not.toContain('Merge');
    for (const n of [1, 2])
      expect(existsSync(join(sandbox.root, 'worktrees', `fix-the-answer.${n}`))).toBe(true);

    const forced = await sandbox.cli(['pick', 'fix-the-answer', '2', '--yes', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('Picked fix-the-answer.2 of fix-the-answer.');
    expect(readFileSync(join(sandbox.project, 'answer.txt'), 'utf8')).toBe('41\n');
    expect(existsSync(join(sandbox.root, 'worktrees', 'fix-the-answer.1'))).toBe(false);
  });

  it('cycles the models, and keeps the group id free of other tasks', async () => {
    const result = await sandbox.cli([
      'run',
      '--json',
      '--best-of',
      '3',
      '--models',
      'right,wrong',
      '--item',
      'Survey the code',
      'Tidy up',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const runs = JSON.parse(result.stdout) as Run[];
    expect(runs.map((run) => [run.id, run.model])).toEqual([
      ['tidy-up.1', 'right'],
      ['tidy-up.2', 'wrong'],
      ['tidy-up.3', 'right'],
    ]);
    const waited = await sandbox.cli(['wait', 'tidy-up', '--json', '--timeout', '60'], {
      timeoutMs: 70_000,
    });
    expect(waited.code, waited.stderr).toBe(0);
    const finished = JSON.parse(waited.stdout) as { tasks: { id: string; outcome: string }[] };
    expect(finished.tasks.map((task) => [task.id, task.outcome]).sort()).toEqual([
      ['tidy-up.1', 'done-unverified'],
      ['tidy-up.2', 'done-unverified'],
      ['tidy-up.3', 'done-unverified'],
    ]);
    // A task with the same title does not take the group's id.
    const plain = await sandbox.run(['--item', 'Survey the code', 'Tidy up']);
    expect(plain.id).toBe('tidy-up-2');
    const taken = await sandbox.cli(['run', '--id', 'tidy-up', '--item', 'x']);
    expect(taken.code).toBe(6);
    expect(taken.stderr).toContain('"tidy-up" names a best-of group');
  });

  it('says clearly what is wrong with bad input', async () => {
    const cases: [string[], number, string][] = [
      [
        ['run', '--best-of', '2', '--models', 'right,wrong,right', 'x'],
        2,
        '--models names 3 models but --best-of 2 starts only 2 runs',
      ],
      [['run', '--models', 'right,wrong', 'x'], 2, '--models goes with --best-of'],
      [['run', '--best-of', '1', 'x'], 2, 'best-of takes a whole number from 2 to 10'],
      [
        ['run', '--best-of', '2', '--no-worktree', 'x'],
        2,
        '--best-of runs every try in a worktree of its own',
      ],
      [['run', '--best-of', '2', '--models', 'right,nosuch', 'x'], 5, 'unknown model "nosuch"'],
      [['compare', 'nothing'], 4, 'no best-of group or task "nothing"'],
      [['pick', 'nothing', '1'], 4, 'no best-of group or task "nothing"'],
    ];
    for (const [args, code, message] of cases) {
      const result = await sandbox.cli(args);
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(code);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    // Nothing was created by any of them.
    expect(sandbox.taskIds()).toEqual([]);

    const plain = await sandbox.run(['--item', 'Survey the code', 'Plain task']);
    const notGroup = await sandbox.cli(['compare', plain.id]);
    expect(notGroup.code).toBe(6);
    expect(notGroup.stderr).toContain(`task ${plain.id} is not one of a best-of group`);

    await bestOfTwo(['--id', 'fix-the-answer']);
    const unknownRun = await sandbox.cli(['pick', 'fix-the-answer', '3']);
    expect(unknownRun.code).toBe(4);
    expect(unknownRun.stderr).toContain('"3" is not a run of best-of group fix-the-answer');
    expect(unknownRun.stderr).toContain('fix-the-answer.1, fix-the-answer.2');
  });

  it('works the same through the library: run with bestOf, wait for the group, compare, pick', async () => {
    const dispatcher = new Dispatcher({ cwd: sandbox.project, env: sandbox.env, by: 'test' });
    const runs = await dispatcher.run({
      task: 'Fix the answer',
      items: ['Survey the code'],
      bestOf: 2,
      models: ['wrong', 'right'],
      verify: CHECK_ANSWER,
    });
    expect(Array.isArray(runs)).toBe(true);
    const ids = (runs as { id: string }[]).map((run) => run.id);
    expect(ids).toEqual(['fix-the-answer.1', 'fix-the-answer.2']);
    // The group's id stands for both runs: the wait ends once both have.
    const waited = await dispatcher.wait({ ids: ['fix-the-answer'], timeoutMs: 60_000 });
    expect(waited.event).toBe('attention');
    expect(waited.tasks.map((task) => [task.id, task.outcome]).sort()).toEqual([
      ['fix-the-answer.1', 'verify-failed'],
      ['fix-the-answer.2', 'done-verified'],
    ]);
    const compared = await dispatcher.compare('fix-the-answer');
    expect(compared.runs.map((run) => [run.model, run.outcome, run.costUsd])).toEqual([
      ['wrong', 'verify-failed', null],
      ['right', 'done-verified', null],
    ]);
    await expect(dispatcher.pick('fix-the-answer', 1, { yes: true })).rejects.toThrow(
      'did not pass its verify command',
    );
    const picked = await dispatcher.pick('fix-the-answer', 2, { yes: true });
    expect(picked.picked).toBe('fix-the-answer.2');
    expect(picked.discarded.map((run) => run.id)).toEqual(['fix-the-answer.1']);
    expect(readFileSync(join(sandbox.project, 'answer.txt'), 'utf8')).toBe('42\n');
  });

  it('asks on a terminal before deleting each other run, and keeps one the user declines', async () => {
    await bestOfTwo(['--id', 'fix-the-answer']);
    tmux = new Tmux(sandbox.dir, sandbox.env);
    tmux.start('pick', [join(REPO_ROOT, 'bin', 'dispatch'), 'pick', 'fix-the-answer', '1'], {
      cwd: sandbox.project,
      width: 200,
      height: 20,
    });
    await tmux.waitForScreen(
      'pick',
      /Task fix-the-answer\.2's worktree holds 1 uncommitted change\. Delete .* \[y\/N\]/,
    );
    // The run to keep is merged before the question; "no" keeps the other as it is.
    expect(readFileSync(join(sandbox.project, 'answer.txt'), 'utf8')).toBe('42\n');
    tmux.type('pick', 'n');
    tmux.keys('pick', 'Enter');
    expect(await tmux.waitForExit('pick')).toBe(0);
    expect(tmux.screen('pick')).toContain('Kept fix-the-answer.2: kept the worktree of task');
    expect(existsSync(join(sandbox.root, 'worktrees', 'fix-the-answer.2'))).toBe(true);
    expect(gitIn(sandbox.project, ['branch', '--list', 'dispatch/fix-the-answer.2'])).toContain(
      'dispatch/fix-the-answer.2',
    );
  });

  it('is in the help and the shell completion', async () => {
    const help = await sandbox.cli(['run', '--help']);
    expect(help.stdout).toContain('--best-of <n>');
    expect(help.stdout).toContain('--models <a,b,…>');
    const completion = await sandbox.cli(['completion', 'bash']);
    for (const word of ['compare', 'pick', '--best-of', '--models'])
      expect(completion.stdout, word).toContain(word);
  });

  it('needs a git repository', async () => {
    const outside = join(sandbox.dir, 'not-a-repo');
    mkdirSync(outside);
    const result = await sandbox.cli(['run', '--best-of', '2', '--item', 'x', 'Outside'], {
      cwd: outside,
    });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(
      `--best-of needs a git repository; ${outside} is not inside one`,
    );
  });
});
