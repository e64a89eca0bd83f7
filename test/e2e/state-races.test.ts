import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { TaskStore } from '../../src/runtime/store/task-store.js';
import { resumeTask } from '../../src/runtime/tasks/resume-task.js';
import { reportFaults, trials } from '../helpers/fault-trials.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';

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
  }, 240_000);
});

/** Runs the racing commands of ten tasks at a time (all of one task's at once). */
async function inBatches(ids: string[], race: (id: string) => Promise<unknown>[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).flatMap(race));
}

/** Ids of `count` tasks whose workers asked, gave up waiting and left them blocked. */
async function blockedTasks(count: number, prefix: string): Promise<string[]> {
  sandbox.writeConfig('default: sim\nfallback_minutes: 0.01\n');
  const ids: string[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, async (_, j) => {
      const i = start + j;
      const run = await sandbox.run([
        '--id',
        `${prefix}-${i}`,
        '--item',
        'ask: Which database?',
        '--item',
        `write: ${prefix}-${i}.txt = chosen`,
      ]);
      return run.id;
    });
    ids.push(...(await Promise.all(batch)));
  }
  await waitForCondition(
    sandbox.root,
    () =>
      ids.every((id) => sandbox.events(id).some((e) => e.type === 'exited')) ? true : undefined,
    60_000,
  );
  return ids;
}

/**
 * Attempts of a task that started while the one before still ran: two live workers at once. (More
 * attempts in turn are fine: a retry's worker may stop blocked again before the answer comes.)
 */
function overlapping(id: string): number {
  const events = sandbox.events(id);
  let count = 0;
  for (const spawned of events.filter((e) => e.type === 'spawned')) {
    const attempt = Number(spawned.attempt);
    if (attempt <= 1) continue;
    const before = events.find((e) => e.type === 'exited' && Number(e.attempt) === attempt - 1);
    if (!before || Date.parse(String(before.time)) > Date.parse(String(spawned.time))) count++;
  }
  return count;
}

/** Per task: how many workers started, and whether it ended done. */
async function settle(ids: string[]): Promise<Map<string, { workers: number; done: boolean }>> {
  const isDone = (id: string) => sandbox.events(id).some((e) => e.type === 'completed');
  await waitForCondition(sandbox.root, () => (ids.every(isDone) ? true : undefined), 90_000).catch(
    () => undefined,
  );
  return new Map(
    ids.map((id) => [
      id,
      {
        workers: sandbox.events(id).filter((e) => e.type === 'spawned').length,
        done: isDone(id),
      },
    ]),
  );
}

describe('answer, retry and the supervisor against each other', () => {
  it('hands over an answer recorded just before a retry started the next worker', async () => {
    // The interleaving of a race, made certain: `dispatch retry` has read the blocked task and
    // decided; `dispatch answer` writes the answer and its event; the retry starts the next
    // attempt; then the answer's own resume comes too late to start one.
    const [id] = await blockedTasks(1, 'det');
    const store = new TaskStore(sandbox.root, sandbox.env);
    writeFileSync(join(sandbox.taskDir(id as string), 'ipc', '001.answer'), 'SQLite\n');
    store.appendEvent(id as string, { type: 'answered', seq: 1, by: 'user', preview: 'SQLite' });
    resumeTask(store, id as string, { reason: 'retry', attempt: 2 });
    const answer = { question: 'Which database?', text: 'SQLite' };
    resumeTask(store, id as string, { reason: 'answer', attempt: 2, answer });
    expect(sandbox.read(id as string, 'prompt-2.md')).toContain('SQLite');
    const outcome = await settle([id as string]);
    expect(outcome.get(id as string)).toEqual({ workers: 2, done: true });
  });

  const count = trials(6, 30);
  it(`hands the answer to a worker when it races a retry (${count} tasks)`, async () => {
    const ids = await blockedTasks(count, 'ar');
    await inBatches(ids, (id) => [
      sandbox.cli(['answer', id, 'SQLite'], { timeoutMs: 90_000 }),
      sandbox.cli(['retry', id], { timeoutMs: 90_000 }),
    ]);
    const outcome = await settle(ids);
    const lost = ids.filter((id) => !outcome.get(id)?.done);
    const doubled = ids.filter((id) => overlapping(id) > 0);
    reportFaults({
      test: 'answer vs retry on a blocked task',
      trials: count,
      faults: count * 2,
      lost: lost.length,
      doubled: doubled.length,
    });
    expect(lost.map((id) => `${id}: ${sandbox.read(id, 'events.jsonl')}`)).toEqual([]);
    expect(doubled).toEqual([]);
  }, 240_000);

  it(`never runs two workers at once for two retries and an answer (${count} tasks)`, async () => {
    const ids = await blockedTasks(count, 'rra');
    await inBatches(ids, (id) => [
      sandbox.cli(['retry', id], { timeoutMs: 90_000 }),
      sandbox.cli(['retry', id], { timeoutMs: 90_000 }),
      sandbox.cli(['answer', id, 'SQLite'], { timeoutMs: 90_000 }),
    ]);
    const outcome = await settle(ids);
    const lost = ids.filter((id) => !outcome.get(id)?.done);
    const doubled = ids.filter((id) => overlapping(id) > 0);
    reportFaults({
      test: 'two retries + an answer on one task',
      trials: count,
      faults: count * 3,
      lost: lost.length,
      doubled: doubled.length,
    });
    const history = (id: string) => `${id}: ${sandbox.read(id, 'events.jsonl')}`;
    expect(doubled.map(history)).toEqual([]);
    expect(lost.map(history)).toEqual([]);
  }, 240_000);
});
