import { verifyHistoryLine, verifyLine } from '../../ui/shared/verify-text.js';
import type { Command } from 'commander';
import { terminalText } from '../../core/text/terminal-text.js';
import { perform } from '../../operations/define-operation.js';
import { taskResultsOperation } from '../../operations/task-results-operation.js';
import { paint } from '../../ui/shared/style.js';
import { stateLabel } from '../../ui/shared/state-label.js';
import { formatElapsed } from '../../ui/shared/durations.js';
import type { CliContext } from '../cli-context.js';
import { exchangeLines, summarySection, worktreeLines } from '../format/results-view.js';
import { usageText } from '../format/usage-text.js';
import { taskOrLatest } from '../task-argument.js';

export function registerShow(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .summary("what a task produced: the worker's summary, questions and answers, usage, worktree")
    .description(
      "What a task produced: the worker's summary (output.md) and its path, every question with its\nanswer, tokens and cost, and for a worktree task its branch, commits ahead, uncommitted files and\nwhether it is merged, with the commands to see, merge or drop it. `dispatch status ID` shows the\nplan's progress instead. Without an id: the latest task (named on standard error).",
    )
    .argument('[id]', 'task id, or a start of it only one task has (default: the latest task)')
    .option('--json', 'print JSON (the shape of Dispatcher.show and the dispatch_show tool)')
    .addHelpText(
      'after',
      '\nExamples:\n  dispatch show security-review\n  dispatch show sec\n  dispatch show\n  dispatch show security-review --json',
    )
    .action(async (ref: string | undefined, options: { json?: boolean }) => {
      const id = taskOrLatest(ctx, ref);
      const view = await perform(taskResultsOperation, ctx.ops, { id });
      if (options.json) {
        ctx.json(view);
        return;
      }
      const lines = [`${paint(view.id, 'bold')} — ${terminalText(view.title)}`];
      const row = (label: string, value: string) => lines.push(`  ${label.padEnd(9)} ${value}`);
      row('state', `${stateLabel(view)}${view.reason ? ` — ${terminalText(view.reason)}` : ''}`);
      row(
        'model',
        `${terminalText(view.model ?? '?')}${view.attempt > 1 ? `, attempt ${view.attempt}` : ''}`,
      );
      row('progress', `${view.progress.done}/${view.progress.total} items`);
      if (view.verify) {
        row('verify', verifyLine(view.verify));
        const history = verifyHistoryLine(view.verify);
        if (history) row('rounds', history);
        if (view.verify.result) row('output', terminalText(`${view.taskDir}/verify.log`));
      }
      if (view.elapsedMs !== null) row('elapsed', formatElapsed(view.elapsedMs));
      row('usage', view.usage ? usageText(view.usage) : 'none reported (cost unknown)');
      if (view.worktree) lines.push(...worktreeLines(view.id, view.worktree));
      row('folder', terminalText(view.taskDir));
      const exchanges = exchangeLines(view.exchanges);
      if (exchanges.length > 0) lines.push('', ...exchanges);
      if (view.question) lines.push(`  answer with: dispatch answer ${view.id}`);
      lines.push('', ...summarySection(view.summary));
      ctx.out(lines.join('\n'));
    });
}
