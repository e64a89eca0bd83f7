import type { Command } from 'commander';
import { noteTask } from '../../runtime/tasks/note-task.js';
import { textArgument, type CliContext } from '../cli-context.js';

export function registerNote(program: Command, ctx: CliContext): void {
  program
    .command('note')
    .summary("add context to a running task's plan")
    .description(
      'Append "> **Note from dispatcher:** …" to the plan. The worker reads it before its next item.',
    )
    .argument('<id>', 'task id')
    .argument('<text...>', 'the note (- reads standard input)')
    .addHelpText(
      'after',
      '\nExample:\n  dispatch note security-review "The admin panel uses legacy-auth.js, check it too"',
    )
    .action((id: string, words: string[]) => {
      noteTask(ctx.store, id, textArgument(words));
      ctx.out(`Added a note to ${id}'s plan.`);
    });
}
