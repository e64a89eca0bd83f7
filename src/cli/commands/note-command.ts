import type { Command } from 'commander';
import { perform } from '../../operations/define-operation.js';
import { noteOperation } from '../../operations/note-operation.js';
import { notedMessage } from '../../ui/shared/action-messages.js';
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
    .action(async (id: string, words: string[]) => {
      await perform(noteOperation, ctx.ops, { id, text: textArgument(words) });
      ctx.out(notedMessage(id));
    });
}
