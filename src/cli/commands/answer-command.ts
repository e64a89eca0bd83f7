import type { Command } from 'commander';
import { answerOperation } from '../../operations/answer-operation.js';
import { perform } from '../../operations/define-operation.js';
import { answeredMessage } from '../../ui/shared/action-messages.js';
import { textArgument, type CliContext } from '../cli-context.js';
import { askLine, canAsk } from '../ask-yes-no.js';
import { DispatchError } from '../../core/errors.js';
import { terminalText } from '../../core/text/terminal-text.js';
import { statusOperation } from '../../operations/status-operation.js';

/** `answer ID [SEQ] TEXT…`: a first word of only digits is the sequence number when text follows. */
export function splitSeq(words: string[]): { seq: number | undefined; words: string[] } {
  const [first, ...rest] = words;
  if (first !== undefined && /^\d{1,9}$/.test(first) && rest.length > 0)
    return { seq: Number(first), words: rest };
  return { seq: undefined, words };
}

/**
 * The answer typed at the terminal for `dispatch answer ID` (the form every hint shows, so a
 * pasted hint works): the pending question is shown first. Without a terminal there is no one
 * to ask: the text must be given.
 */
async function promptedAnswer(ctx: CliContext, ref: string): Promise<string> {
  if (!canAsk())
    throw new DispatchError('usage', 'give the answer text', {
      hint: 'Give the text after the id (or - to read it from standard input), or run the command on a terminal to be asked for it.',
    });
  const status = await perform(statusOperation, ctx.ops, { id: ref });
  if (status.question) ctx.err(`${status.id}: question: ${terminalText(status.question.text)}`);
  return askLine('Your answer: ');
}

export function registerAnswer(program: Command, ctx: CliContext): void {
  program
    .command('answer')
    .summary("answer a worker's question")
    .argument('<id>', 'task id')
    .argument(
      '[answer...]',
      '[SEQ] then the answer text (SEQ defaults to the oldest unanswered question; - reads standard input; none: asked for on a terminal)',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nWithout the text, on a terminal, it shows the question and asks for the answer.\n\nExamples:\n  dispatch answer security-review\n  dispatch answer security-review "Check both auth.ts and legacy-auth.js"\n  dispatch answer security-review 2 "Yes"\n  dispatch answer security-review - < answer.txt',
    )
    .action(async (ref: string, answer: string[], options: { json?: boolean }) => {
      const { seq, words } = splitSeq(answer);
      const text = words.length > 0 ? textArgument(words) : await promptedAnswer(ctx, ref);
      const result = await perform(answerOperation, ctx.ops, { id: ref, seq, text });
      if (options.json) {
        ctx.json(result);
        return;
      }
      const line = answeredMessage(result);
      ctx.out(
        result.resumed && result.state === 'queued'
          ? `${line} It starts when a slot is free: dispatch status ${result.id}`
          : line,
      );
    });
}
