import type { Command } from 'commander';
import { answerOperation } from '../../operations/answer-operation.js';
import { perform } from '../../operations/define-operation.js';
import { answeredMessage } from '../../ui/shared/action-messages.js';
import { textArgument, type CliContext } from '../cli-context.js';

/** `answer ID [SEQ] TEXT…`: a first word of only digits is the sequence number when text follows. */
export function splitSeq(words: string[]): { seq: number | undefined; words: string[] } {
  const [first, ...rest] = words;
  if (first !== undefined && /^\d{1,9}$/.test(first) && rest.length > 0)
    return { seq: Number(first), words: rest };
  return { seq: undefined, words };
}

export function registerAnswer(program: Command, ctx: CliContext): void {
  program
    .command('answer')
    .summary("answer a worker's question")
    .argument('<id>', 'task id')
    .argument(
      '<answer...>',
      '[SEQ] then the answer text (SEQ defaults to the oldest unanswered question; - reads standard input)',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  dispatch answer security-review "Check both auth.ts and legacy-auth.js"\n  dispatch answer security-review 2 "Yes"',
    )
    .action(async (id: string, answer: string[], options: { json?: boolean }) => {
      const { seq, words } = splitSeq(answer);
      const result = await perform(answerOperation, ctx.ops, {
        id,
        seq,
        text: textArgument(words),
      });
      if (options.json) {
        ctx.json(result);
        return;
      }
      const line = answeredMessage(result);
      ctx.out(
        result.resumed && result.state === 'queued'
          ? `${line} It starts when a slot is free: dispatch status ${id}`
          : line,
      );
    });
}
