import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
  sandbox.writeConfig(
    [
      'default: m1',
      'models:',
      ...['m1', 'm2', 'm3', 'm4', 'm5'].map((name) => `  ${name}: { backend: sim }`),
    ].join('\n'),
  );
});
afterEach(() => sandbox.cleanup());

type RunJson = { id: string; model: string; state: string; items: string[]; modelVia: string };

const FIVE = [
  'Sprint tasks. Each worker writes one file.',
  '',
  ...[1, 2, 3, 4, 5].flatMap((n) => [
    `# Part ${n}`,
    // The last model named wins: "m1" in part 5's text is overridden by the later "m5".
    n === 5 ? 'Not m1: use m5.' : `Use m${n}.`,
    `- [ ] write: part-${n}.txt = written by part ${n}`,
    '- [ ] Check the file',
    '',
  ]),
].join('\n');

describe('fan-out', () => {
  it('dispatches five tasks from one plan file, each with its own plan and model', async () => {
    writeFileSync(join(sandbox.project, 'sprint.md'), FIVE);

    const dry = await sandbox.cli(['run', '--plan-file', 'sprint.md', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const previews = JSON.parse(dry.stdout) as RunJson[];
    expect(previews.map((p) => [p.id, p.model, p.modelVia])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`part-${n}`, `m${n}`, 'text']),
    );
    expect(previews[0]?.items).toEqual(['write: part-1.txt = written by part 1', 'Check the file']);
    expect(sandbox.taskIds()).toEqual([]);
    const dryText = await sandbox.cli(['run', '--plan-file', 'sprint.md', '--dry-run']);
    expect(dryText.stdout).toContain('Would dispatch 5 tasks');
    expect(dryText.stdout).toContain('part-3 — Part 3');
    expect(dryText.stdout).toContain('model     m3 (named in the task) on sim');
    expect(sandbox.taskIds()).toEqual([]);

    const runs = (await sandbox.run(['--plan-file', 'sprint.md'])) as unknown as RunJson[];
    expect(Array.isArray(runs)).toBe(true);
    expect(runs.map((r) => [r.id, r.model])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`part-${n}`, `m${n}`]),
    );
    await sandbox.waitForDone(runs.map((r) => r.id));

    for (const n of [1, 2, 3, 4, 5]) {
      const id = `part-${n}`;
      const meta = JSON.parse(sandbox.read(id, 'task.json'));
      expect(meta).toMatchObject({ model: `m${n}`, backend: 'sim', title: `Part ${n}` });
      expect(meta.request).toBe('Sprint tasks. Each worker writes one file.');
      expect(sandbox.events(id).find((e) => e.type === 'spawned')?.model).toBe(`m${n}`);
      // Its own section, as written, is its plan.
      expect(sandbox.read(id, 'plan.md')).toMatch(new RegExp(`^# Part ${n}\\n`));
      expect(sandbox.read(id, 'plan.md')).not.toContain(`Part ${n === 1 ? 2 : 1}`);
      expect(readFileSync(join(sandbox.project, `part-${n}.txt`), 'utf8')).toBe(
        `written by part ${n}\n`,
      );
    }
    const status = await sandbox.cli(['status']);
    for (const n of [1, 2, 3, 4, 5]) expect(status.stdout).toMatch(new RegExp(`part-${n}\\s+done`));
  });

  it('takes plain bullets under each section as its items, and the dry run shows each plan', async () => {
    const plan = [
      '# Greeting',
      '- write: hello.txt = hi',
      '- Check the file',
      '',
      '# Farewell',
      '- write: bye.txt = bye',
      '',
    ].join('\n');
    writeFileSync(join(sandbox.project, 'bullets.md'), plan);

    const dry = await sandbox.cli(['run', '--plan-file', 'bullets.md', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('    │ - [ ] write: hello.txt = hi\n    │ - [ ] Check the file');
    expect(dry.stdout).toContain('    │ - [ ] write: bye.txt = bye');
    expect(dry.stdout).not.toContain('Expand this plan');

    const runs = (await sandbox.run(['--plan-file', 'bullets.md'])) as unknown as RunJson[];
    expect(runs.map((r) => r.items)).toEqual([
      ['write: hello.txt = hi', 'Check the file'],
      ['write: bye.txt = bye'],
    ]);
    await sandbox.waitForDone(runs.map((r) => r.id));
    expect(readFileSync(join(sandbox.project, 'hello.txt'), 'utf8')).toBe('hi\n');
    expect(readFileSync(join(sandbox.project, 'bye.txt'), 'utf8')).toBe('bye\n');
  });

  it('reads a priority each task asks for in so many words; --priority beats the text', async () => {
    const request = [
      'Three jobs:',
      '1. Fix the login form (high priority)',
      '2. Silence the low priority warnings',
      '3. Tidy the docs, low priority',
    ].join('\n');
    // One-line numbered entries are one task unless --split says otherwise.
    const dry = await sandbox.cli(['run', '--split', '--dry-run', '--json', request]);
    expect(dry.code).toBe(0);
    const previews = JSON.parse(dry.stdout) as (RunJson & { priority: string })[];
    expect(previews.map((p) => [p.id, p.priority])).toEqual([
      ['fix-the-login-form-high-priority', 'high'],
      ['silence-the-low-priority-warnings', 'normal'],
      ['tidy-the-docs-low-priority', 'low'],
    ]);
    const text = await sandbox.cli(['run', '--split', '--dry-run', request]);
    expect(text.stdout).toMatch(/fix-the-login-form-high-priority[\s\S]*priority high/);
    const flagged = await sandbox.cli([
      'run',
      '--split',
      '--dry-run',
      '--json',
      '--priority',
      'normal',
      request,
    ]);
    expect(JSON.parse(flagged.stdout).map((p: { priority: string }) => p.priority)).toEqual([
      'normal',
      'normal',
      'normal',
    ]);
    const runs = (await sandbox.run(['--split', request])) as unknown as RunJson[];
    expect(runs.map((r) => JSON.parse(sandbox.read(r.id, 'task.json')).priority)).toEqual([
      'high',
      'normal',
      'low',
    ]);
  });

  it('fans out a request text of numbered entries with lines under them', async () => {
    const request = [
      'Two independent jobs:',
      '1. Write the greeting',
      '   Use m2; the file says hello.',
      '2. Write the farewell',
      '   With m3 this time.',
    ].join('\n');
    const runs = (await sandbox.run([request])) as unknown as RunJson[];
    expect(runs.map((r) => [r.id, r.model, r.items.length])).toEqual([
      ['write-the-greeting', 'm2', 1],
      ['write-the-farewell', 'm3', 1],
    ]);
    const meta = JSON.parse(sandbox.read('write-the-farewell', 'task.json'));
    expect(meta.request).toBe('Two independent jobs:\n\nWrite the farewell\n\nWith m3 this time.');
    // --single keeps the same text one task.
    const one = await sandbox.run(['--single', '--model', 'm4', request]);
    expect(Array.isArray(one)).toBe(false);
    expect(one.id).toBe('two-independent-jobs');
  });

  it('keeps numbered one-liners one task unless --split is given', async () => {
    const request = 'Fix the login bug:\n1. reproduce it\n2. fix it with m2';
    const dry = await sandbox.cli(['run', '--dry-run', '--json', request]);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, id: 'fix-the-login-bug' });
    const split = await sandbox.cli(['run', '--dry-run', '--json', '--split', request]);
    expect((JSON.parse(split.stdout) as RunJson[]).map((p) => [p.id, p.model])).toEqual([
      ['reproduce-it', 'm1'],
      ['fix-it-with-m2', 'm2'],
    ]);
    expect(sandbox.taskIds()).toEqual([]);
  });

  it('runs a single-task plan file exactly as before', async () => {
    writeFileSync(join(sandbox.project, 'plan.md'), '# Only one\n\n- [ ] write: one.txt = 1\n');
    const run = await sandbox.run(['--plan-file', 'plan.md']);
    expect(Array.isArray(run)).toBe(false);
    expect(run).toMatchObject({ id: 'only-one', model: 'm1' });
    // The worker may already have checked the item off: the plan is the file, with its box.
    await sandbox.waitForDone(['only-one']);
    expect(sandbox.read('only-one', 'plan.md')).toBe('# Only one\n\n- [x] write: one.txt = 1\n');
    expect(readFileSync(join(sandbox.project, 'one.txt'), 'utf8').trim()).toBe('1');
  });

  it('checks every task before creating any', async () => {
    writeFileSync(
      join(sandbox.project, 'bad.md'),
      '# Fine\n- [ ] x\n\n# Broken\nThis section has no checklist but names no model either.\n\n# Also broken\n- [ ] y\n',
    );
    const withId = await sandbox.cli(['run', '--plan-file', 'bad.md', '--id', 'mine']);
    expect(withId.code).toBe(2);
    expect(withId.stderr).toContain('--id names one task, but');
    expect(withId.stderr).toContain('holds 3 tasks');
    const badDep = await sandbox.cli(['run', '--plan-file', 'bad.md', '--after', 'ghost']);
    expect(badDep.code).toBe(4);
    expect(sandbox.taskIds()).toEqual([]);
  });
});
