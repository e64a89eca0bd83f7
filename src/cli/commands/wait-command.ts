import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { waitForAttention } from '../../runtime/tasks/wait-for-tasks.js';
import { ensureSupervisorIfActive } from '../supervise.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { statusJson } from '../format/status-json.js';

const FAILURES = new Set(['failed', 'timed-out', 'cancelled', 'not-started']);

function describe(status: TaskStatus): string {
  const progress = `${status.progress.done}/${status.progress.total}`;
  switch (status.state) {
    case 'waiting':
    case 'blocked': {
      const seq = status.question?.seq !== undefined ? ` ${formatSeq(status.question.seq)}` : '';
      const how = status.question?.seq !== undefined ? ` ${status.question.seq}` : '';
      return `${status.id}: question${seq}: ${status.question?.text ?? ''}\n  answer with: dispatch answer ${status.id}${how} "…"`;
    }
    case 'done':
      return `${status.id}: done (${progress} items). Results: dispatch status ${status.id}`;
    default:
      return `${status.id}: ${status.state} (${progress} items)${status.reason ? `: ${status.reason}` : ''}\n  details: dispatch status ${status.id} · retry: dispatch retry ${status.id}`;
  }
}

function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new DispatchError('usage', `--timeout takes seconds, not "${value}"`);
  return seconds * 1000;
}

export function registerWait(program: Command, ctx: CliContext): void {
  program
    .command('wait')
    .summary('block until a worker asks a question or a task finishes')
    .description(
      'Block until something needs you: a pending question, or a task that finished, failed or stopped.\nReacts to file events within milliseconds. Run it in the background to be notified.',
    )
    .argument('[ids...]', 'tasks to wait for (default: every unfinished task)')
    .option('--timeout <seconds>', 'give up after this many seconds (exit 1)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExit status: 0 a question or a completion, 1 timeout, 3 a task failed, timed out or was cancelled.\n\nExamples:\n  dispatch wait security-review\n  dispatch wait --timeout 600 --json',
    )
    .action(async (ids: string[], options: { timeout?: string; json?: boolean }) => {
      const timeoutMs = parseTimeout(options.timeout);
      const store = ctx.store;
      ensureSupervisorIfActive(ctx, store.statuses());
      const outcome = await waitForAttention(store, { ids, timeoutMs });
      if (options.json) {
        ctx.json({ event: outcome.kind, tasks: outcome.tasks.map(statusJson) });
      } else if (outcome.kind === 'idle') {
        ctx.out('Nothing to wait for: no task is running or queued.');
      } else if (outcome.kind === 'timeout') {
        ctx.out(
          `Still working after ${options.timeout} s: ${outcome.tasks.map((t) => `${t.id} (${t.progress.done}/${t.progress.total})`).join(', ') || 'nothing'}`,
        );
      } else {
        ctx.out(outcome.tasks.map(describe).join('\n'));
      }
      if (outcome.kind === 'timeout') process.exitCode = EXIT.timeout;
      else if (outcome.kind === 'attention' && outcome.tasks.some((t) => FAILURES.has(t.state)))
        process.exitCode = EXIT.taskFailed;
    });
}
