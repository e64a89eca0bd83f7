import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The package entry as users import it (package.json "exports" → dist/index.js and its .d.ts).
import { Dispatcher, DispatchError, type FeedEvent } from 'agent-dispatch';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForFile } from '../helpers/wait-for.js';

/** Collects a subscription's events and resolves waiters as matching ones arrive. */
class EventLog {
  readonly events: FeedEvent[] = [];
  private waiters: { match: (e: FeedEvent) => boolean; resolve: (e: FeedEvent) => void }[] = [];

  readonly listener = (event: FeedEvent): void => {
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(event)) continue;
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(event);
    }
  };

  waitFor(match: (e: FeedEvent) => boolean, timeoutMs = 30_000): Promise<FeedEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching event within ${timeoutMs} ms; saw: ${this.events.map((e) => e.kind).join(', ')}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }
}

let sandbox: Sandbox;
let dispatcher: Dispatcher;
let stopFeed: (() => void) | undefined;
beforeEach(() => {
  sandbox = new Sandbox();
  dispatcher = new Dispatcher({ cwd: sandbox.project, env: sandbox.env, by: 'library-test' });
  stopFeed = undefined;
});
afterEach(() => {
  stopFeed?.();
  sandbox.cleanup();
});

describe('the library API', () => {
  it('takes a simulated task through a question to completion', async () => {
    const log = new EventLog();
    stopFeed = dispatcher.subscribe(log.listener);
    expect(log.events[0]).toEqual({ kind: 'snapshot', tasks: [] });
    expect(dispatcher.root).toBe(sandbox.root);

    const task = await dispatcher.run({
      title: 'Greeting',
      model: 'sim',
      items: [
        'Look around',
        'ask: Which name should the greeting use?',
        'write: greeting.txt = hello',
      ],
    });
    expect(task).toMatchObject({
      id: 'greeting',
      model: 'sim',
      backend: 'sim',
      modelVia: 'flag',
      planFile: join(sandbox.root, 'tasks', 'greeting', 'plan.md'),
      items: [
        'Look around',
        'ask: Which name should the greeting use?',
        'write: greeting.txt = hello',
      ],
    });
    expect(task.pid).toBeGreaterThan(0);

    const asked = await dispatcher.wait({ ids: [task.id], timeoutMs: 30_000 });
    expect(asked.event).toBe('attention');
    expect(asked.tasks[0]).toMatchObject({
      state: 'waiting',
      question: { seq: 1, text: 'Which name should the greeting use?', live: true },
    });
    const question = await log.waitFor((e) => e.kind === 'question' && e.task.id === 'greeting');
    expect(question.kind === 'question' && question.task.question?.text).toBe(
      'Which name should the greeting use?',
    );

    const detail = await dispatcher.status(task.id);
    expect(detail).toMatchObject({ id: 'greeting', state: 'waiting', cause: null });
    const plan = await dispatcher.plan(task.id);
    expect(plan.text).toBe(sandbox.read('greeting', 'plan.md'));
    expect((await dispatcher.output(task.id)).text).toBeNull();

    const answer = await dispatcher.answer(task.id, 'Ada');
    expect(answer).toEqual({
      id: 'greeting',
      seq: 1,
      resumed: false,
      // The simulated worker asks through the files: no `dispatch ask` holds a lease.
      workerWaiting: false,
      state: expect.any(String),
      task: expect.objectContaining({ id: 'greeting', state: answer.state }),
    });
    expect(sandbox.read('greeting', join('ipc', '001.answer'))).toBe('Ada\n');

    const finished = await dispatcher.wait({ ids: [task.id], timeoutMs: 30_000 });
    expect(finished.tasks[0]).toMatchObject({ state: 'done', progress: { done: 3, total: 3 } });
    await log.waitFor((e) => e.kind === 'finished' && e.task.id === 'greeting');
    expect(readFileSync(join(sandbox.project, 'greeting.txt'), 'utf8')).toBe('hello\n');
    expect(existsSync(join(sandbox.taskDir('greeting'), 'ipc', '.done'))).toBe(true);

    expect((await dispatcher.output(task.id)).text).toContain('simulated worker');
    // Done is judged from ipc/.done; the worker prints its last line and exits a moment later.
    await waitForFile(join(sandbox.taskDir('greeting'), 'events.jsonl'), (text) =>
      text.includes('"type":"exited"'),
    );
    expect((await dispatcher.logs(task.id, { lines: 3 })).lines.join('\n')).toContain('[sim] done');
    expect((await dispatcher.list()).map((t) => [t.id, t.state])).toEqual([['greeting', 'done']]);
    expect(sandbox.events('greeting').find((e) => e.type === 'answered')).toMatchObject({
      by: 'library-test',
    });
    // Results are plain data: they survive a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(detail))).toEqual(detail);
  });

  it('rejects with DispatchError codes and hints', async () => {
    await expect(dispatcher.status('nope')).rejects.toMatchObject({
      code: 'not-found',
      hint: expect.stringContaining('dispatch run'),
    });
    await expect(dispatcher.answer('../etc', 'x')).rejects.toBeInstanceOf(DispatchError);
    await expect(dispatcher.answer('../etc', 'x')).rejects.toMatchObject({ code: 'invalid-id' });
    await expect(
      dispatcher.run({ items: ['a'], planText: '# Plan\n\n- [ ] b\n', model: 'sim' }),
    ).rejects.toMatchObject({ code: 'usage' });
    await expect(
      dispatcher.run({ title: 'x', items: ['a'], model: 'nosuch' }),
    ).rejects.toMatchObject({
      code: 'config',
    });
    await expect(dispatcher.logs('nope', { lines: 0 })).rejects.toMatchObject({ code: 'usage' });
    expect(await dispatcher.wait({ timeoutMs: 1000 })).toEqual({ event: 'idle', tasks: [] });
  });

  it('cancels and retries, and reports a failure with its cause', async () => {
    const hanging = await dispatcher.run({ model: 'sim', id: 'forever', items: ['hang'] });
    const cancelled = await dispatcher.cancel(hanging.id, { reason: 'testing' });
    expect(cancelled).toMatchObject({ id: 'forever', state: 'cancelled' });
    const retried = await dispatcher.retry(hanging.id);
    expect(retried).toMatchObject({ id: 'forever', attempt: 2, model: 'sim' });
    await dispatcher.cancel(hanging.id);

    const crashing = await dispatcher.run({ model: 'sim', id: 'crashing', items: ['crash: 7'] });
    const waited = await dispatcher.wait({ ids: [crashing.id], timeoutMs: 30_000 });
    expect(waited.tasks[0]).toMatchObject({ state: 'failed', exit: { code: 7 } });
    const detail = await dispatcher.status(crashing.id);
    expect(detail.logTail?.join('\n')).toContain('crashing');
    expect((await dispatcher.models()).default).toBe('sim');
  });
});

describe('the env option', () => {
  it('is the environment the workers inherit', async () => {
    const box = new Sandbox({ DISPATCH_TEST_MARKER: 'from-the-caller' });
    try {
      box.writeConfig(
        'default: env\nbackends:\n  env: { command: \'printf %s "$DISPATCH_TEST_MARKER" > marker.txt; :\' }\nmodels:\n  env: {}\n',
      );
      const dispatcher = new Dispatcher({ cwd: box.project, env: box.env });
      await dispatcher.run({ items: ['write the marker'] });
      expect(await waitForFile(join(box.project, 'marker.txt'))).toBe('from-the-caller');
      expect(process.env.DISPATCH_TEST_MARKER).toBeUndefined();
    } finally {
      box.cleanup();
    }
  });
});
