import type { TaskPaths } from './worker-prompt.js';
import { verifyFeedbackLines, type VerifyFeedback } from '../verify/verify-feedback.js';

/**
 * What continues a worker CLI's own session: the model still has the instructions, the plan
 * and everything it read and reasoned, so the message says only what is new (the answer, why
 * it stopped, the user's new instructions) and where the files are.
 */
export interface SessionMessageInput {
  paths: TaskPaths;
  /** The answer to the question the worker gave up waiting for. */
  answer?: { question: string; text: string };
  /** Why the session's last run stopped, for a retry. */
  previousFailure?: string;
  /** New instructions for a finished task (`dispatch continue`). */
  instructions?: string;
  /** Plan items appended with the instructions. */
  newItems?: readonly string[];
  /** A failed verify command's output, for another round (`--iterate`). */
  verifyFeedback?: VerifyFeedback;
}

function quoted(label: string, text: string): string[] {
  return [label, '<<<', text.trim(), '>>>'];
}

export function buildSessionMessage(input: SessionMessageInput): string {
  const { paths } = input;
  const parts: string[] = [];
  if (input.answer) {
    parts.push(
      'agent-dispatch: you stopped waiting for an answer; this session is resumed with it.',
      '',
      ...quoted('The earlier worker asked:', input.answer.question),
      ...quoted('The user answered:', input.answer.text),
      'Change the blocked "[?]" item back to "[ ]" (remove the question line under it) and continue with this answer.',
    );
  } else if (input.verifyFeedback) {
    parts.push(
      'agent-dispatch: this session is resumed because your work did not pass its check.',
      '',
      ...verifyFeedbackLines(input.verifyFeedback),
    );
  } else if (input.instructions !== undefined) {
    parts.push(
      'agent-dispatch: the user continues this task with new instructions; this session is resumed with them.',
      '',
      ...quoted('New instructions from the user:', input.instructions),
    );
    if (input.newItems?.length)
      parts.push(
        '',
        'New items were added to the end of the plan:',
        ...input.newItems.map((item) => `- [ ] ${item}`),
      );
    parts.push(
      'The completion marker was removed: when every item is checked again, update the output file and create the marker again.',
    );
  } else {
    parts.push(
      'agent-dispatch: this session is resumed because the task is retried. Continue where you stopped: read the plan file again; items marked [x] are done, do not redo them.',
    );
    if (input.previousFailure)
      parts.push('', `Your last run stopped because: ${input.previousFailure}`);
  }
  parts.push(
    '',
    'Work exactly as your first instructions say, with the same files:',
    `Plan file: ${paths.plan}`,
    `IPC folder: ${paths.ipc}`,
    `Output file: ${paths.output}`,
    `Context file: ${paths.context}`,
  );
  return `${parts.join('\n')}\n`;
}
