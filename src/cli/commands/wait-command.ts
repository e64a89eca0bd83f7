import type { Command } from 'commander';
import { terminalText } from '../../core/text/terminal-text.js';
import { DispatchError } from '../../core/errors.js';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { waitForAttention } from '../../runtime/tasks/wait-for-tasks.js';
import { diagnoseFailure, type Diagnosis } from '../../runtime/tasks/diagnose-failure.js';
import { ensureSupervisorIfActive } from '../supervise.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { statusJson } from '../format/status-json.js';
import { isFailed, isUnsuccessful } from '../../core/status/state-groups.js';

/** What a task needs from the user; worker text in it is stripped of control sequences. */
function describe(status: TaskStatus, diagnosis: Diagnosis | undefined): string {
  return terminalText(describeRaw(status, diagnosis));
}

function describeRaw(status: TaskStatus, diagnosis: Diagnosis | undefined): string {
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
    default: {
      const cause = diagnosis?.cause
        ? `\n  cause: ${diagnosis.cause.label}: ${diagnosis.cause.evidence}\n  ${diagnosis.cause.advice}`
        : '';
      const other = diagnosis?.alternatives[0] ? ` --model ${diagnosis.alternatives[0]}` : '';
      return `${status.id}: ${status.state} (${progress} items)${status.reason ? `: ${status.reason}` : ''}${cause}\n  details: dispatch status ${status.id} · retry: dispatch retry ${status.id}${other}`;
    }
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
      "\nExit status: 0 a question or a completion, 1 timeout, 3 a task failed, timed out or was cancelled, 4 a task's folder was removed while waiting.\n\nExamples:\n  dispatch wait security-review\n  dispatch wait --timeout 600 --json",
    )
    .action(async (ids: string[], options: { timeout?: string; json?: boolean }) => {
      const timeoutMs = parseTimeout(options.timeout);
      const store = ctx.store;
      ensureSupervisorIfActive(ctx, store.statuses());
      const outcome = await waitForAttention(store, { ids, timeoutMs });
      const diagnoses = new Map<string, Diagnosis>();
      for (const task of outcome.tasks) {
        if (!isFailed(task.state)) continue;
        try {
          diagnoses.set(task.id, diagnoseFailure(store, ctx.config, task));
        } catch {
          // a broken config must not hide the failure itself
        }
      }
      if (options.json) {
        ctx.json({
          event: outcome.kind,
          ...(outcome.kind === 'removed' ? { removed: outcome.removed } : {}),
          tasks: outcome.tasks.map((task) => ({
            ...statusJson(task),
            cause: diagnoses.get(task.id)?.cause ?? null,
            alternatives: diagnoses.get(task.id)?.alternatives ?? null,
          })),
        });
      } else if (outcome.kind === 'idle') {
        ctx.out('Nothing to wait for: no task is running or queued.');
      } else if (outcome.kind === 'removed') {
        ctx.err(
          outcome.removed
            .map(
              (id) =>
                `${id}: removed: its folder ${store.files(id).taskDir} was deleted while waiting; no worker will report on it`,
            )
            .join('\n'),
        );
      } else if (outcome.kind === 'timeout') {
        ctx.out(
          `Still working after ${options.timeout} s: ${outcome.tasks.map((t) => `${t.id} (${t.progress.done}/${t.progress.total})`).join(', ') || 'nothing'}`,
        );
      } else {
        ctx.out(outcome.tasks.map((task) => describe(task, diagnoses.get(task.id))).join('\n'));
      }
      if (outcome.kind === 'timeout') process.exitCode = EXIT.timeout;
      else if (outcome.kind === 'removed') process.exitCode = EXIT.notFound;
      else if (outcome.kind === 'attention' && outcome.tasks.some((t) => isUnsuccessful(t.state)))
        process.exitCode = EXIT.taskFailed;
    });
}
