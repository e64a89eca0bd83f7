import type { Command } from 'commander';
import { isLive, isTerminal } from '../../core/status/state-groups.js';
import { terminalText } from '../../core/text/terminal-text.js';
import { perform } from '../../operations/define-operation.js';
import { listOperation } from '../../operations/list-operation.js';
import { compareOperation } from '../../operations/compare-operation.js';
import { compareLines } from '../format/compare-view.js';
import { showOperation } from '../../operations/show-operation.js';
import {
  overviewOperation,
  statusOperation,
  type TaskDetail,
} from '../../operations/status-operation.js';
import { amount } from '../../core/budget/budget.js';
import type { CliContext } from '../cli-context.js';
import {
  queueLines,
  questionLines,
  rowWidths,
  taskDetail,
  taskHeader,
  taskRow,
  groupLines,
} from '../format/task-view.js';
import { paint } from '../../ui/shared/style.js';
import { causeSummary, pastableAdvice } from '../../ui/shared/failure-cause.js';
import { usageText } from '../format/usage-text.js';
import { worktreeLines } from '../format/results-view.js';

/** `dispatch status GROUP` for a best-of group, which has no task of its own: its comparison. */
async function showGroup(ctx: CliContext, ref: string, json: boolean): Promise<boolean> {
  if (ctx.ops.taskExists(ref)) return false;
  let result;
  try {
    result = await perform(compareOperation, ctx.ops, { id: ref });
  } catch {
    return false; // not a group: the task lookup says what is wrong
  }
  if (json) ctx.json(result);
  else ctx.out(compareLines(result).join('\n'));
  return true;
}

async function showOne(ctx: CliContext, ref: string, json: boolean): Promise<void> {
  if (await showGroup(ctx, ref, json)) return;
  const detail = await perform(statusOperation, ctx.ops, { id: ref });
  if (json) {
    ctx.json(detail);
    return;
  }
  const id = detail.id;
  const view = await perform(showOperation, ctx.ops, { id, logLines: 0 });
  const cause = detail.cause;
  // A cause while the worker runs comes from a worker that keeps retrying a refused service.
  const live = isLive(detail.state);
  let text = taskDetail(view.status, view.plan, {
    planPath: detail.planFile,
    queue: detail.queue,
    logTail: detail.logTail ?? undefined,
    cause: cause
      ? `${causeSummary(cause, live)}\n            ${pastableAdvice(cause.advice, id, detail.alternatives)}`
      : undefined,
    usage: withBudget(detail.usage ? usageText(detail.usage) : undefined, detail.budget),
    worktree: detail.worktree ? worktreeLines(id, detail.worktree) : undefined,
  });
  if (detail.alternatives && detail.alternatives.length > 0) {
    text += `\n  retry     dispatch retry ${id} --model ${detail.alternatives[0]}   (installed: ${detail.alternatives.join(', ')})`;
  } else if (detail.alternatives) {
    text += `\n  retry     dispatch retry ${id}   (no other installed model is configured: fix the cause first)`;
  }
  if (view.planProblem && !view.planMissing)
    text += `\n  ${paint('plan problem', 'red')}: ${terminalText(view.planProblem)}`;
  if (isTerminal(detail.state))
    text += `\n  results   dispatch show ${id}   (the worker's summary, questions and answers)`;
  ctx.out(text);
}

/** The usage line with the task's budget after it: "…, $0.0153 (budget: 1.00 USD, 2,000 tokens)". */
function withBudget(usage: string | undefined, budget: TaskDetail['budget']): string | undefined {
  if (!budget) return usage;
  const limits = [
    ...(budget.maxCostUsd !== undefined ? [amount(budget.maxCostUsd, 'USD')] : []),
    ...(budget.maxTokens !== undefined ? [amount(budget.maxTokens, 'tokens')] : []),
  ];
  return `${usage ?? 'none reported yet'} (budget: ${limits.join(', ')})`;
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .summary('show one task in detail, or every task with pending questions first')
    .argument('[id]', 'task id')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  dispatch status\n  dispatch status security-review\n  dispatch status --json',
    )
    .action(async (id: string | undefined, options: { json?: boolean }) => {
      if (id !== undefined) return showOne(ctx, id, options.json === true);
      const overview = await perform(overviewOperation, ctx.ops, {});
      if (options.json) {
        ctx.json(overview.tasks);
        return;
      }
      const tasks = overview.tasks;
      if (tasks.length === 0) {
        ctx.out('No tasks yet. Start one with: dispatch run "what to do"');
        return;
      }
      const questions = tasks.filter((s) => s.question);
      const lines: string[] = [];
      if (questions.length > 0) {
        lines.push(
          paint(`${questions.length} pending question${questions.length > 1 ? 's' : ''}:`, 'bold'),
        );
        for (const task of questions)
          lines.push(`${paint(task.id, 'bold')}`, ...questionLines(task));
        lines.push('');
      }
      const widths = rowWidths(tasks);
      for (const task of tasks) lines.push(taskRow(task, widths));
      lines.push(...groupLines(tasks));
      if (overview.queue && overview.queue.entries.length > 0)
        lines.push('', ...queueLines(overview.queue));
      ctx.out(lines.join('\n'));
    });
}

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .alias('ls')
    .summary('one line per task, in the order of `dispatch status`')
    .description(
      'One line per task under a header: pending questions first, then unfinished tasks, then finished ones\n(oldest first in each group), as `dispatch status` orders them. A worktree task whose branch holds\ncommits the current branch lacks is marked "unmerged"; `--json` says so in `unmerged` (one git call\nper repository; uncommitted files are looked at only by `dispatch show ID` and `status ID`).',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { tasks } = await perform(listOperation, ctx.ops, {});
      if (options.json) {
        ctx.json(tasks);
        return;
      }
      if (tasks.length === 0) {
        ctx.out('No tasks yet.');
        return;
      }
      const widths = rowWidths(tasks);
      ctx.out(
        [
          taskHeader(widths),
          ...tasks.map((task) => taskRow(task, widths)),
          ...groupLines(tasks),
        ].join('\n'),
      );
    });
}
