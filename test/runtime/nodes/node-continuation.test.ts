import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../../src/core/task/task-events.js';
import { continuationOf } from '../../../src/runtime/nodes/node-continuation.js';
import { TaskFiles } from '../../../src/runtime/paths.js';

const time = '2026-01-01T00:00:00.000Z';
const WIP = 'c'.repeat(40);
const lost: TaskEvent = { type: 'node-lost', time, attempt: 1, node: 'n1', reason: 'gone' };
const partial: TaskEvent = {
  type: 'node-pushed',
  time,
  attempt: 1,
  node: 'n1',
  commit: WIP,
  partial: true,
};
const resumed = (reason: 'answer' | 'retry'): TaskEvent => ({
  type: 'resumed',
  time,
  attempt: 2,
  reason,
  model: 'sim',
});

let dir: string;
let files: TaskFiles;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'continuation-'));
  files = new TaskFiles(dir);
  mkdirSync(files.ipc);
  writeFileSync(files.ipcFile('001.question'), 'Which database?');
  writeFileSync(files.ipcFile('001.answer'), 'SQLite\n');
  writeFileSync(files.ipcFile('002.question'), 'Which port?');
  writeFileSync(files.ipcFile('002.answer'), '8080\n');
  writeFileSync(files.context, '# Context\nread the config\n');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('continuationOf', () => {
  it('carries the latest answer, context.md and the commit the lost node pushed', () => {
    expect(continuationOf(files, [partial, lost, resumed('answer')], 2)).toEqual({
      answer: { question: 'Which port?', text: '8080\n' },
      context: '# Context\nread the config\n',
      fromCommit: WIP,
    });
  });

  it('starts from the dispatched commit when the lost node had pushed nothing', () => {
    const carried = continuationOf(files, [lost, resumed('answer')], 2);
    expect(carried).toMatchObject({ answer: { text: '8080\n' } });
    expect(carried?.fromCommit).toBeUndefined();
  });

  it('is nothing for a retry, or for an answer with no lost node before it', () => {
    expect(continuationOf(files, [partial, lost, resumed('retry')], 2)).toBeUndefined();
    expect(continuationOf(files, [partial, resumed('answer')], 2)).toBeUndefined();
    expect(continuationOf(files, [partial, lost, resumed('answer')], 3)).toBeUndefined();
  });
});
