import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childPids } from '../helpers/processes.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

let sandbox: Sandbox;
afterEach(() => sandbox?.cleanup());

/** What a writer killed in the middle of a write leaves: a record without its end. */
const TORN = '{"type":"note","id":"lost","preview":"half a rec';

/** The records of events.jsonl that parse, as every reader sees them. */
function parsedEvents(id: string): { type: string; [key: string]: unknown }[] {
  return sandbox
    .read(id, 'events.jsonl')
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { type: string }];
      } catch {
        return [];
      }
    });
}

async function waitingTask(): Promise<string> {
  const { id } = await sandbox.run(['--model', 'sim', '--item', 'ask: Which name?']);
  const ipc = join(sandbox.taskDir(id), 'ipc');
  await waitForCondition(ipc, () => (existsSync(join(ipc, '001.question')) ? true : undefined));
  // The supervisor records the question too: the torn line is planted after that append, as a
  // crash would leave it, not in the middle of it.
  await waitForCondition(sandbox.taskDir(id), () =>
    parsedEvents(id).some((e) => e.type === 'question') ? true : undefined,
  );
  return id;
}

describe('a torn last line in events.jsonl', () => {
  it("never swallows the worker's exit status that the wrapper appends after it", async () => {
    sandbox = new Sandbox();
    const id = await waitingTask();
    const wrapper = sandbox.events(id).find((e) => e.type === 'spawned')?.pid as number;
    appendFileSync(join(sandbox.taskDir(id), 'events.jsonl'), TORN);
    for (const pid of childPids(wrapper)) process.kill(pid, 'SIGTERM');
    await waitForCondition(sandbox.taskDir(id), () =>
      parsedEvents(id).some((e) => e.type === 'exited') ? true : undefined,
    );
    const status = await sandbox.status(id);
    expect(status.reason).not.toContain('left no exit status');
    expect(status.exit).toMatchObject({ code: 143 });
  });

  it('never swallows the next record dispatch appends', async () => {
    sandbox = new Sandbox();
    const id = await waitingTask();
    appendFileSync(join(sandbox.taskDir(id), 'events.jsonl'), TORN);
    const note = await sandbox.cli(['note', id, 'Use the long name']);
    expect(note.code, note.stderr).toBe(0);
    expect(parsedEvents(id)).toContainEqual(expect.objectContaining({ type: 'note' }));
    // The torn record stays on a line of its own; no line mixes two records.
    const lines = sandbox.read(id, 'events.jsonl').split('\n');
    expect(lines).toContain(TORN);
  });

  it('leaves a finished task done in every reader when its exit record is torn', async () => {
    sandbox = new Sandbox();
    const { id } = await sandbox.run(['--model', 'sim', '--item', 'Write the summary']);
    await sandbox.waitForDone([id]);
    await waitForCondition(sandbox.taskDir(id), () =>
      sandbox.events(id).some((e) => e.type === 'exited') ? true : undefined,
    );
    // The crash tore the exit record and came before the completion marker.
    const file = join(sandbox.taskDir(id), 'events.jsonl');
    const text = readFileSync(file, 'utf8');
    const start = text.indexOf('{"type":"exited"');
    writeFileSync(file, text.slice(0, start + 20));
    rmSync(join(sandbox.taskDir(id), 'ipc', '.done'));

    expect((await sandbox.status(id)).state).toBe('done');
    const list = await sandbox.cli(['list', '--json']);
    expect(JSON.parse(list.stdout)).toContainEqual(expect.objectContaining({ id, state: 'done' }));
    const wait = await sandbox.cli(['wait', id, '--json']);
    expect(wait.code).toBe(0);
    expect(JSON.parse(wait.stdout).tasks).toContainEqual(
      expect.objectContaining({ id, state: 'done' }),
    );
    const plain = await sandbox.cli(['status', id]);
    expect(plain.stdout).not.toContain('left no exit status');
  });
});
