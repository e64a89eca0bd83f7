import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { reportFaults, trials } from '../helpers/fault-trials.js';
import { waitForFile } from '../helpers/wait-for.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
});
afterEach(() => sandbox.cleanup());

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('notes raced against a rewriting worker', () => {
  const noteCount = trials(40, 200);
  it(`keeps each of ${noteCount} notes exactly once`, async () => {
    const rewriter = join(REPO_ROOT, 'test/fixtures/note-rewriter.mjs');
    sandbox.writeConfig(
      `default: rw\nbackends:\n  rw: { command: ${JSON.stringify(`node ${rewriter}`)} }\nmodels:\n  rw: {}\n`,
    );
    // The rewriter runs until all notes are in.
    const allIn = join(sandbox.dir, 'all-notes-in');
    sandbox.env.NOTE_REWRITER_MS = '120000';
    sandbox.env.NOTE_REWRITER_UNTIL = allIn;
    const run = await sandbox.run(['--item', 'one']);
    const notes = Array.from({ length: noteCount }, (_, i) => `race note ${i} end`);
    // Separate `dispatch note` processes, 20 at a time, against the worker and the supervisor.
    for (let i = 0; i < notes.length; i += 20) {
      const batch = notes.slice(i, i + 20).map((note) => sandbox.cli(['note', run.id, note]));
      for (const result of await Promise.all(batch)) expect(result.stderr).toBe('');
    }
    writeFileSync(allIn, '');
    expect((await sandbox.cli(['wait', run.id, '--timeout', '60'])).code).toBe(0);
    const plan = await waitForFile(join(sandbox.taskDir(run.id), 'plan.md'), (text) =>
      notes.every((note) => text.includes(note)),
    );
    const doubled = notes.filter((note) => occurrences(plan, `${note}\n`) > 1);
    const lost = notes.filter((note) => occurrences(plan, `${note}\n`) === 0);
    reportFaults({
      test: 'notes vs a worker rewriting plan.md',
      trials: notes.length,
      faults: notes.length,
      lost: lost.length,
      doubled: doubled.length,
    });
    expect(doubled).toEqual([]);
    expect(lost).toEqual([]);
  }, 90_000);
});
