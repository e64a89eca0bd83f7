import type { Command } from 'commander';
import { continueOperation, continuingMessage } from '../../operations/continue-operation.js';
import { perform } from '../../operations/define-operation.js';
import { textArgument, type CliContext } from '../cli-context.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerContinue(program: Command, ctx: CliContext): void {
  program
    .command('continue')
    .summary('give a finished task new instructions, in the same worker session')
    .argument('<id>', 'task id')
    .argument('<instructions...>', 'what to do now (- reads standard input)')
    .option(
      '-i, --item <text>',
      'add an item to the end of the plan (repeat for several)',
      collect,
      [],
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
For a done, failed or cancelled task. The worker CLI resumes its own session (Claude Code,
Codex, Gemini CLI, opencode, the simulated worker), so the model still knows what it read and
did; other CLIs get a new worker with the plan, context.md and the instructions. It runs where
the task ran (its worktree, if it had one). \`dispatch status\` says which happened.

Examples:
  dispatch continue security-review "Also check the password reset flow"
  dispatch continue security-review "Fix what you found" --item "Fix the token check" --item "Add a test"`,
    )
    .action(async (id: string, words: string[], options: { item: string[]; json?: boolean }) => {
      const result = await perform(continueOperation, ctx.ops, {
        id,
        instructions: textArgument(words),
        ...(options.item.length > 0 ? { items: options.item } : {}),
      });
      if (options.json) {
        ctx.json(result);
        return;
      }
      const line = continuingMessage(result);
      ctx.out(
        result.state === 'queued'
          ? `${line} It starts when a slot is free: dispatch status ${id}`
          : line,
      );
    });
}
