import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskStatus } from '../../../src/core/status/task-status.js';
import { StatusIndex } from '../../../src/runtime/store/status-index.js';
import { TaskStore } from '../../../src/runtime/store/task-store.js';
import { cacheOwner } from '../../../src/runtime/trust/task-trust.js';
import { Sandbox } from '../../helpers/sandbox.js';
import { waitForCondition } from '../../helpers/wait-for.js';

let sandbox: Sandbox;
let store: TaskStore;
beforeEach(() => {
  sandbox = new Sandbox();
  store = new TaskStore(sandbox.root, sandbox.env);
});
afterEach(() => sandbox.cleanup());

const indexFile = () => join(sandbox.root, 'status-index');

/** Whether no supervisor runs for the sandbox's root (it exits soon after its last task). */
function supervisorGone(): boolean {
  try {
    const lock = readFileSync(join(sandbox.root, 'supervisor.lock'), 'utf8');
    process.kill((JSON.parse(lock) as { pid: number }).pid, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * A real task, finished, its worker's exit recorded and the supervisor gone: nothing writes to
 * it any more, so its status stays as it is.
 */
async function finishedTask(id: string): Promise<TaskStatus> {
  await sandbox.run(['--model', 'sim', '--id', id, '--item', 'Look around']);
  return waitForCondition(
    sandbox.taskDir(id),
    () => {
      // Read after the exit is on record, so the status includes it.
      if (!sandbox.events(id).some((e) => e.type === 'exited') || !supervisorGone()) return;
      const status = store.status(id);
      return status.state === 'done' ? status : undefined;
    },
    20_000,
    () => `${id} is ${store.status(id).state}`,
  );
}

/**
 * Puts a status in the index under the task's current stamp, with a title the files never had:
 * while the listing shows that title, it came from the index, not from the files.
 */
function indexMarked(id: string, title = 'FROM THE INDEX'): void {
  const index = StatusIndex.forRoot(sandbox.root, sandbox.env);
  index.remember(id, StatusIndex.stamp(sandbox.taskDir(id)), { ...store.status(id), title });
  index.save(new Set(store.listIds()));
}

const listedTitle = (id: string) => store.statuses().find((s) => s.id === id)?.title;

describe('the status index', () => {
  it('keeps finished tasks in a private file of one line each, replacing the old cache', async () => {
    // The cache of an earlier version: whoever writes the index first (the supervisor, as it
    // leaves, or the listing below) replaces it.
    mkdirSync(sandbox.root, { recursive: true });
    writeFileSync(join(sandbox.root, 'status-cache.json'), '{"format":2}', { mode: 0o600 });
    const status = await finishedTask('indexed');

    expect(store.statuses()).toEqual([status]);
    const lines = readFileSync(indexFile(), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(
      `dispatch-status-index 3 ${cacheOwner(sandbox.root, sandbox.env) ?? 'no key'}`,
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]!.split('\t')[0]).toBe('indexed');
    expect(statSync(indexFile()).mode & 0o777).toBe(0o600);
    expect(existsSync(join(sandbox.root, 'status-cache.json'))).toBe(false);

    // Read back from the index, it is the same status.
    indexMarked('indexed');
    expect(listedTitle('indexed')).toBe('FROM THE INDEX');
    expect(store.statuses()[0]).toEqual({ ...status, title: 'FROM THE INDEX' });
  });

  it('derives a task again after a hand edit of plan.md, in place or by a rename', async () => {
    await finishedTask('edited');
    const plan = join(sandbox.taskDir('edited'), 'plan.md');

    indexMarked('edited');
    appendFileSync(plan, '- [ ] One more thing\n');
    expect(listedTitle('edited')).not.toBe('FROM THE INDEX');
    expect(store.statuses()[0]!.progress).toMatchObject({ done: 1, total: 2 });

    // An editor that writes a new file and renames it over the plan, keeping size and time.
    indexMarked('edited');
    const before = statSync(plan);
    const text = readFileSync(plan, 'utf8').replace('- [ ] One more thing', '- [x] One more thing');
    writeFileSync(`${plan}.new`, text);
    utimesSync(`${plan}.new`, before.atime, new Date(before.mtimeMs + 1000));
    renameSync(`${plan}.new`, plan);
    expect(listedTitle('edited')).not.toBe('FROM THE INDEX');
    expect(store.statuses()[0]!.progress).toMatchObject({ done: 2, total: 2 });
  });

  it('derives a task again after a new event or a file written into ipc/', async () => {
    await finishedTask('touched');

    indexMarked('touched');
    const retried = { type: 'queued', time: new Date().toISOString() };
    appendFileSync(
      join(sandbox.taskDir('touched'), 'events.jsonl'),
      `${JSON.stringify(retried)}\n`,
    );
    expect(listedTitle('touched')).not.toBe('FROM THE INDEX');

    indexMarked('touched');
    writeFileSync(join(sandbox.taskDir('touched'), 'ipc', '001.question'), 'Which one?\n');
    expect(listedTitle('touched')).not.toBe('FROM THE INDEX');
  });

  it('ignores an index someone else wrote or one copied from another root, and replaces it', async () => {
    await finishedTask('planted');
    indexMarked('planted');
    const ours = readFileSync(indexFile(), 'utf8');
    const [, ...lines] = ours.split('\n');

    // Same stamps and format, but the owner of another root (a copied index) or a made-up one.
    const otherRoot = cacheOwner(join(sandbox.dir, 'elsewhere', '.dispatch'), sandbox.env);
    for (const owner of [otherRoot, 'f'.repeat(64)]) {
      writeFileSync(indexFile(), [`dispatch-status-index 3 ${owner}`, ...lines].join('\n'));
      expect(listedTitle('planted')).toBe(store.status('planted').title);
      expect(readFileSync(indexFile(), 'utf8').split('\n')[0]).toBe(ours.split('\n')[0]);
    }

    // A link in place of the index is neither read nor written through, even to a valid index.
    const elsewhere = join(sandbox.dir, 'elsewhere-index');
    indexMarked('planted');
    renameSync(indexFile(), elsewhere);
    symlinkSync(elsewhere, indexFile());
    const linked = readFileSync(elsewhere, 'utf8');
    expect(listedTitle('planted')).toBe(store.status('planted').title);
    expect(readFileSync(elsewhere, 'utf8')).toBe(linked);
    rmSync(indexFile());

    // With no key to check it against, no index is read or written at all.
    indexMarked('planted');
    const keyless = new TaskStore(sandbox.root, { ...sandbox.env, DISPATCH_HOME: sandbox.dir });
    expect(keyless.statuses()[0]!.title).not.toBe('FROM THE INDEX');
  });

  it('rebuilds a damaged index: a bad header, a torn line, a line that is not a status', async () => {
    const status = await finishedTask('damaged');
    await finishedTask('intact');
    store.statuses();
    indexMarked('intact');
    const [header, ...lines] = readFileSync(indexFile(), 'utf8').trimEnd().split('\n');
    const line = (id: string) => lines.find((l) => l.startsWith(`${id}\t`))!;

    writeFileSync(indexFile(), `dispatch-status-index 2 garbage\n${lines.join('\n')}\n`);
    expect(listedTitle('damaged')).toBe(status.title);

    const [id, stamp] = line('damaged').split('\t');
    for (const bad of [
      line('damaged').slice(0, 40), // torn
      `${id}\t${stamp}\t{"state":"done"`, // cut JSON
      `${id}\t${stamp}\t{}`, // JSON, but not a status
      `${id}\t${stamp}\t${JSON.stringify({ ...status, id: 'intact' })}`, // another task's
      `${id}\t${stamp}\t${JSON.stringify({ ...status, state: 'exploded' })}`, // unknown state
      `../escape\t${stamp}\t${line('damaged').split('\t')[2]}`, // not a task id
    ]) {
      writeFileSync(indexFile(), [header, bad, line('intact'), ''].join('\n'));
      const statuses = store.statuses();
      expect(statuses.map((s) => s.id)).toEqual(['damaged', 'intact']);
      expect(statuses[0]).toEqual(status);
      // The intact line still counts; the damaged one is written again from the files.
      expect(statuses[1]!.title).toBe('FROM THE INDEX');
      const rewritten = readFileSync(indexFile(), 'utf8');
      expect(rewritten.split('\n')).not.toContain(bad);
      expect(rewritten).toContain('damaged\t');
    }
  });

  it('never keeps a running task', async () => {
    await sandbox.run(['--model', 'sim', '--id', 'busy', '--item', 'hang']);
    const status = store.statuses()[0]!;
    expect(status.state).toBe('running');
    expect(existsSync(indexFile()) ? readFileSync(indexFile(), 'utf8') : '').not.toContain(
      'busy\t',
    );
  });
});
