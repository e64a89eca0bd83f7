import type { Command } from 'commander';
import { terminalText } from '../../core/text/terminal-text.js';
import { parsePlan } from '../../core/plan/parse-plan.js';
import { queueReport, type QueueEntry } from '../../runtime/scheduler/queue-report.js';
import { MAX_PLAN_BYTES, readTextFile } from '../../runtime/store/read-text.js';
import { summarizeUsage } from '../../core/task/task-usage.js';
import { readEvents } from '../../runtime/store/read-snapshot.js';
import { diagnoseFailure, diagnoseRunning } from '../../runtime/tasks/diagnose-failure.js';
import { ensureSupervisorIfActive } from '../supervise.js';
import { overviewOrder } from '../../core/status/overview-order.js';
import type { CliContext } from '../cli-context.js';
import { statusJson } from '../format/status-json.js';
import { queueLines, questionLines, rowWidths, taskDetail, taskRow } from '../format/task-view.js';
import { paint } from '../format/style.js';
import { usageText } from '../format/usage-text.js';
import { isFailed, isLive } from '../../core/status/state-groups.js';

/** A queued task's place in the queue and why it waits, for --json. */
function queueJson(entry: QueueEntry | undefined, length: number) {
  return entry
    ? { position: entry.position, of: length, reason: entry.reason, outlook: entry.outlook }
    : null;
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
    .action((id: string | undefined, options: { json?: boolean }) => {
      const store = ctx.store;
      if (id !== undefined) {
        const status = store.status(id);
        ensureSupervisorIfActive(ctx, [status]);
        const files = store.files(id);
        const read = readTextFile(files.plan, MAX_PLAN_BYTES);
        const diagnosis = isFailed(status.state)
          ? diagnoseFailure(store, ctx.config, status)
          : undefined;
        // A worker that keeps retrying a refused or unreachable service says why in its log.
        const problem = isLive(status.state) ? diagnoseRunning(store, status) : undefined;
        const cause = diagnosis?.cause ?? problem;
        const usage = summarizeUsage(readEvents(files));
        const queue = status.state === 'queued' ? queueReport(store, ctx.config) : undefined;
        const entry = queue?.entries.find((e) => e.id === id);
        if (options.json) {
          ctx.json({
            ...statusJson(status),
            queue: queueJson(entry, queue?.entries.length ?? 0),
            planFile: files.plan,
            cause: cause ?? null,
            usage: usage ?? null,
            logTail: diagnosis?.logTail ?? null,
            alternatives: diagnosis?.alternatives ?? null,
          });
          return;
        }
        let text = taskDetail(status, read.ok ? parsePlan(read.text) : undefined, {
          planPath: files.plan,
          queue: entry,
          queueLength: queue?.entries.length,
          logTail: diagnosis?.logTail,
          cause: cause
            ? `${cause.label}${problem ? ' (the worker keeps retrying)' : ''}: ${cause.evidence}\n            ${cause.advice}`
            : undefined,
          usage: usage ? usageText(usage) : undefined,
        });
        if (diagnosis && diagnosis.alternatives.length > 0) {
          text += `\n  retry     dispatch retry ${id} --model ${diagnosis.alternatives[0]}   (installed: ${diagnosis.alternatives.join(', ')})`;
        } else if (diagnosis) {
          text += `\n  retry     dispatch retry ${id}   (no other installed model is configured: fix the cause first)`;
        }
        if (!read.ok && !read.missing)
          text += `\n  ${paint('plan problem', 'red')}: ${terminalText(read.problem)}`;
        ctx.out(text);
        return;
      }
      const statuses = overviewOrder(store.statuses());
      ensureSupervisorIfActive(ctx, statuses);
      const queue = statuses.some((s) => s.state === 'queued')
        ? queueReport(store, ctx.config)
        : undefined;
      if (options.json) {
        const length = queue?.entries.length ?? 0;
        ctx.json(
          statuses.map((status) => ({
            ...statusJson(status),
            queue: queueJson(
              queue?.entries.find((e) => e.id === status.id),
              length,
            ),
          })),
        );
        return;
      }
      if (statuses.length === 0) {
        ctx.out('No tasks yet. Start one with: dispatch run "what to do"');
        return;
      }
      const questions = statuses.filter((s) => s.question);
      const lines: string[] = [];
      if (questions.length > 0) {
        lines.push(
          paint(`${questions.length} pending question${questions.length > 1 ? 's' : ''}:`, 'bold'),
        );
        for (const status of questions)
          lines.push(`${paint(status.id, 'bold')}`, ...questionLines(status));
        lines.push('');
      }
      const widths = rowWidths(statuses);
      for (const status of statuses) lines.push(taskRow(status, widths));
      if (queue && queue.entries.length > 0) lines.push('', ...queueLines(queue));
      ctx.out(lines.join('\n'));
    });
}

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .alias('ls')
    .summary('one line per task')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const statuses = ctx.store.statuses();
      ensureSupervisorIfActive(ctx, statuses);
      if (options.json) {
        ctx.json(statuses.map(statusJson));
        return;
      }
      if (statuses.length === 0) {
        ctx.out('No tasks yet.');
        return;
      }
      const widths = rowWidths(statuses);
      ctx.out(statuses.map((status) => taskRow(status, widths)).join('\n'));
    });
}
