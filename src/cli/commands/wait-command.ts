import type { Command } from 'commander';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { isUnsuccessful } from '../../core/status/state-groups.js';
import { terminalText } from '../../core/text/terminal-text.js';
import { perform } from '../../operations/define-operation.js';
import { waitOperation, type WaitResult } from '../../operations/wait-operation.js';
import { taskResultsOperation } from '../../operations/task-results-operation.js';
import { numberFlag, type CliContext } from '../cli-context.js';
import { summaryExcerpt, worktreeCommands, worktreeFacts } from '../format/results-view.js';
import { EXIT } from '../exit-codes.js';
import { pastableAdvice } from '../../ui/shared/failure-cause.js';
import { keepYoungGenerationSmall } from '../young-generation.js';

type AttentionTask = WaitResult['tasks'][number];

/** Lines of the worker's summary `dispatch wait` prints when a task finishes. */
const SUMMARY_LINES = 8;

/** What a task needs from the user; worker text in it is stripped of control sequences. */
async function describe(ctx: CliContext, status: AttentionTask): Promise<string> {
  const progress = `${status.progress.done}/${status.progress.total}`;
  switch (status.state) {
    case 'waiting':
    case 'blocked': {
      const seq = status.question?.seq != null ? ` ${formatSeq(status.question.seq)}` : '';
      return `${status.id}: question${seq}: ${terminalText(status.question?.text ?? '')}\n  answer with: dispatch answer ${status.id}`;
    }
    case 'done':
      return [
        `${status.id}: ${status.outcome === 'done-verified' ? `done, verified: ${terminalText(status.verify?.command ?? '')} passed` : 'done'} (${progress} items).`,
        ...(await resultLines(ctx, status.id)),
      ].join('\n');
    case 'verify-failed':
      return terminalText(
        [
          `${status.id}: verify failed (${progress} items done): ${status.reason ?? ''}`,
          `  output: ${ctx.ops.taskDir(status.id)}/verify.log · send it back: dispatch continue ${status.id} "…" · merge anyway: dispatch merge --force ${status.id}`,
        ].join('\n'),
      );
    default: {
      const cause = status.cause
        ? `\n  cause: ${status.cause.label}: ${status.cause.evidence}\n  ${pastableAdvice(status.cause.advice, status.id, status.alternatives)}`
        : '';
      const other = status.alternatives?.[0]
        ? ` --model ${status.alternatives[0]}`
        : status.alternatives
          ? '   (no other installed model is configured)'
          : '';
      const head = terminalText(
        `${status.id}: ${status.state} (${progress} items)${status.reason ? `: ${status.reason}` : ''}${cause}`,
      );
      return `${head}\n  details: dispatch status ${status.id} · retry: dispatch retry ${status.id}${other}`;
    }
  }
}

/** A finished task's summary start, its worktree's state, and where to see the rest. */
async function resultLines(ctx: CliContext, id: string): Promise<string[]> {
  const results = await perform(taskResultsOperation, ctx.ops, { id });
  const lines: string[] = [];
  if (results.summary.text !== null && results.summary.text.trim() !== '')
    lines.push(
      `  summary (${terminalText(results.summary.path)}):`,
      ...summaryExcerpt(results.summary, SUMMARY_LINES, '    '),
    );
  if (results.worktree) {
    lines.push(`  worktree: ${terminalText(worktreeFacts(results.worktree))}`);
    const commands = worktreeCommands(id, results.worktree);
    if (commands) lines.push(`  ${commands}`);
  }
  lines.push(`  Results: dispatch show ${id}`);
  return lines;
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
      "\nExit status: 0 a question or a completion, 1 timeout, 3 a task failed, timed out or was cancelled, 4 a task's folder was removed while waiting, 11 a task's verify command failed (and nothing worse).\n\nThe id of a best-of group (dispatch run --best-of) waits for all its runs.\n\nExamples:\n  dispatch wait security-review\n  dispatch wait --timeout 600 --json",
    )
    .action(async (ids: string[], options: { timeout?: string; json?: boolean }) => {
      ctx.exitWhenDone = true;
      // It may read and watch a thousand tasks, then sit idle for hours.
      keepYoungGenerationSmall();
      const outcome = await perform(waitOperation, ctx.ops, {
        ids,
        timeoutSeconds: numberFlag(options.timeout),
      });
      if (options.json) {
        ctx.json(outcome);
      } else if (outcome.event === 'idle') {
        ctx.out('Nothing to wait for: no task is running or queued.');
      } else if (outcome.event === 'removed') {
        ctx.err(
          (outcome.removed ?? [])
            .map(
              (id) =>
                `${id}: removed: its folder ${ctx.ops.taskDir(id)} was deleted while waiting; no worker will report on it`,
            )
            .join('\n'),
        );
      } else if (outcome.event === 'timeout') {
        ctx.out(
          `Still working after ${options.timeout} s: ${outcome.tasks.map((t) => `${t.id} (${t.progress.done}/${t.progress.total})`).join(', ') || 'nothing'}`,
        );
      } else {
        const described: string[] = [];
        for (const task of outcome.tasks) described.push(await describe(ctx, task));
        const groups = new Set(
          outcome.tasks.flatMap((task) =>
            task.bestOf && task.state !== 'waiting' && task.state !== 'blocked'
              ? [task.bestOf.group]
              : [],
          ),
        );
        for (const group of groups)
          described.push(
            `Best of ${group}: compare the runs with dispatch compare ${group}, keep one with dispatch pick ${group} N`,
          );
        ctx.out(described.join('\n'));
      }
      if (outcome.event === 'timeout') process.exitCode = EXIT.timeout;
      else if (outcome.event === 'removed') process.exitCode = EXIT.notFound;
      else if (outcome.event === 'attention') {
        const unsuccessful = outcome.tasks.filter((t) => isUnsuccessful(t.state));
        if (unsuccessful.some((t) => t.state !== 'verify-failed'))
          process.exitCode = EXIT.taskFailed;
        else if (unsuccessful.length > 0) process.exitCode = EXIT.verifyFailed;
      }
    });
}
