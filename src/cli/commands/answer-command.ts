import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { answerTask } from '../../runtime/tasks/answer-task.js';
import { ensureSupervisor } from '../../runtime/supervisor/ensure-supervisor.js';
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
    .action((id: string, answer: string[], options: { json?: boolean }) => {
      const { seq, words } = splitSeq(answer);
      const text = textArgument(words);
      if (!text.trim()) throw new DispatchError('usage', 'the answer is empty');
      const result = answerTask(ctx.store, { id, seq, text, by: 'cli' });
      // Also when the worker still waits: should it give up before reading the answer, the
      // supervisor hands the answer to a new worker.
      ensureSupervisor(ctx.store);
      if (options.json) {
        ctx.json({
          id,
          seq: result.seq ?? null,
          resumed: result.resumed,
          state: result.status.state,
        });
        return;
      }
      const which =
        result.seq !== undefined ? `question ${formatSeq(result.seq)}` : 'the blocked question';
      if (!result.resumed) return ctx.out(`Answered ${which} of ${id}; the worker continues.`);
      const line = `Answered ${which} of ${id}; the earlier worker had stopped, so a new one continues with your answer.`;
      ctx.out(
        result.status.state === 'queued'
          ? `${line} It starts when a slot is free: dispatch status ${id}`
          : line,
      );
    });
}
