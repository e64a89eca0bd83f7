import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerInputShape, logsInputShape, runInputShape } from '../../src/mcp/input-schemas.js';
import { answerInput, answerOperation } from '../../src/operations/answer-operation.js';
import { perform } from '../../src/operations/define-operation.js';
import { logsInput, logsOperation } from '../../src/operations/logs-operation.js';
import { noteOperation } from '../../src/operations/note-operation.js';
import { OperationContext } from '../../src/operations/operation-context.js';
import { runInput, runOperation, runOutcome } from '../../src/operations/run-operation.js';
import { statusOperation, taskDetail } from '../../src/operations/status-operation.js';
import { waitOperation } from '../../src/operations/wait-operation.js';
import { supervisorState } from '../../src/runtime/supervisor/ensure-supervisor.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';

/** The operations in this process, against a throwaway project (workers are real processes). */
let sandbox: Sandbox;
let ctx: OperationContext;
beforeEach(() => {
  sandbox = new Sandbox();
  ctx = new OperationContext({ cwd: sandbox.project, env: sandbox.env, by: 'test' });
});
afterEach(() => sandbox.cleanup());

const TWO_SECTIONS = '# Parser\n- [ ] write: parser.txt = p\n\n# Docs\n- [ ] write: docs.txt = d\n';

describe('the run operation', () => {
  it('fans a plan out and, on a dry run, writes and starts nothing', async () => {
    const outcome = await perform(runOperation, ctx, {
      model: 'sim',
      planText: TWO_SECTIONS,
      dryRun: true,
    });
    expect(outcome.tasks).toEqual([]);
    expect(outcome.previews.map((preview) => [preview.id, preview.items])).toEqual([
      ['parser', ['write: parser.txt = p']],
      ['docs', ['write: docs.txt = d']],
    ]);
    expect(z.safeParse(runOutcome, outcome).success).toBe(true);
    expect(existsSync(join(sandbox.root, 'tasks'))).toBe(false);
  });

  it('dispatches one task per section and returns each in its declared shape', async () => {
    const outcome = await perform(runOperation, ctx, { model: 'sim', planText: TWO_SECTIONS });
    expect(outcome.tasks.map((task) => task.id)).toEqual(['parser', 'docs']);
    expect(z.safeParse(runOutcome, outcome).success).toBe(true);
    await sandbox.waitForDone(['parser', 'docs']);
    const detail = await perform(statusOperation, ctx, { id: 'parser' });
    expect(z.safeParse(taskDetail, detail).success).toBe(true);
    expect(detail).toMatchObject({
      id: 'parser',
      planFile: join(sandbox.taskDir('parser'), 'plan.md'),
    });
  });

  it('refuses a request with nothing to do, or with both items and a plan', async () => {
    await expect(perform(runOperation, ctx, { items: [] })).rejects.toThrow(/nothing to dispatch/);
    await expect(
      perform(runOperation, ctx, { items: ['x'], planText: '- [ ] y\n' }),
    ).rejects.toThrow(/items or a whole plan, not both/);
    expect(sandbox.taskIds()).toEqual([]);
  });
});

describe('input declarations', () => {
  it('refuse bad input before the runtime is reached, naming the field', async () => {
    const refusals = await Promise.all([
      perform(answerOperation, ctx, { id: 'nope', text: '   ' }).catch((error: Error) => error),
      perform(answerOperation, ctx, { id: 'nope', text: 'yes', seq: 1.5 }).catch(
        (error: Error) => error,
      ),
      perform(logsOperation, ctx, { id: 'nope', lines: 0 }).catch((error: Error) => error),
      perform(noteOperation, ctx, { id: '', text: 'x' }).catch((error: Error) => error),
      perform(waitOperation, ctx, { timeoutSeconds: -1 }).catch((error: Error) => error),
      perform(runOperation, ctx, { items: ['x'], maxParallel: 0 }).catch((error: Error) => error),
      perform(runOperation, ctx, { items: ['x'], priority: 'urgent' as 'high' }).catch(
        (error: Error) => error,
      ),
      perform(logsOperation, ctx, { id: 'nope', lines: '5' as unknown as number }).catch(
        (error: Error) => error,
      ),
    ]);
    expect(
      refusals.map((error) => [(error as { code?: string }).code, (error as Error).message]),
    ).toEqual([
      ['usage', 'text: the answer is empty'],
      ['usage', 'seq: the question number must be a whole number from 1 to 999'],
      ['usage', 'lines: lines must be a whole number from 1 to 2000'],
      ['usage', 'id: give a task id'],
      ['usage', 'timeoutSeconds: the timeout must be 0 seconds or more'],
      ['usage', 'maxParallel: max-parallel takes a whole number of at least 1'],
      ['usage', 'priority: must be one of high, normal, low'],
      ['usage', 'lines: must be a number'],
    ]);
  });

  it('are the ones the MCP tools publish', () => {
    expect(answerInputShape).toEqual(answerInput.shape);
    expect(logsInputShape).toEqual(logsInput.shape);
    expect(runInputShape.items).toBe(runInput.shape.items);
    expect(runInputShape.plan).toBe(runInput.shape.planText);
  });
});

describe('the supervisor policy', () => {
  it('an answer always leaves a supervisor running, also when the worker still waits', async () => {
    const { tasks } = await perform(runOperation, ctx, {
      model: 'sim',
      id: 'asks',
      items: ['ask: Which name?'],
    });
    expect(tasks[0]?.id).toBe('asks');
    // Only the run started a supervisor (a reader now could start a second one, racing).
    await waitForFile(join(sandbox.taskDir('asks'), 'ipc', '001.question'), () => true, 30_000);
    // No supervisor while the worker waits, as after a crash of the one the run started.
    const running = () => supervisorState(ctx.store).running;
    const { pid } = await waitForCondition(
      sandbox.root,
      () => (running() ? supervisorState(ctx.store) : undefined),
      30_000,
    );
    process.kill(pid as number, 'SIGKILL');
    await waitForCondition(sandbox.root, () => (running() ? undefined : true));
    const answered = await perform(answerOperation, ctx, { id: 'asks', text: 'Ada' });
    expect(answered.resumed).toBe(false);
    // The supervisor it started takes its lock as soon as it is up.
    await waitForCondition(sandbox.root, () => (running() ? true : undefined), 30_000);
  }, 90_000);
});
