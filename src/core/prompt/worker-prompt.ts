import { ASK_AGAIN_EXIT_CODE, DEFAULT_ASK_SLICE_SECONDS } from '../ipc/ask-wait.js';
import { shellQuote } from '../text/shell-quote.js';
import { verifyFeedbackLines, type VerifyFeedback } from '../verify/verify-feedback.js';

/**
 * The instructions a worker CLI receives. They are the compatibility contract written for a
 * model: plan markers, the worker-initiated IPC exchange with atomic writes, the fallback when no
 * answer comes, and the completion marker. A worker that follows only this text needs nothing
 * else from agent-dispatch.
 */
export interface TaskPaths {
  taskDir: string;
  plan: string;
  ipc: string;
  output: string;
  context: string;
}

export interface WorkerPromptInput {
  id: string;
  title: string;
  paths: TaskPaths;
  /** The user's request, given as context. */
  request: string;
  /** Extra instructions from the alias the model was chosen through. */
  aliasPrompt?: string;
  fallbackMinutes: number;
  /**
   * The absolute path of the `dispatch` command, offered to the worker for `dispatch ask`; no
   * shortcut when absent. The worker's PATH names it, but some CLIs run their tools in a login
   * shell that resets PATH, so the prompt gives the full path as well.
   */
  dispatchCommand?: string;
  /** The longest one `dispatch ask` waits before it says to run it again. */
  askSliceSeconds?: number;
  /** The backend kind (claude, opencode, …), for how its shell tool waits longer. */
  backendType?: string;
}

/** "90 seconds", "1 second", "2.5 minutes": exact, since a worker waits as long as it reads here. */
export function formatDuration(minutes: number): string {
  const seconds = minutes * 60;
  if (seconds < 120) {
    const shown = Math.max(0.1, Number(seconds.toFixed(1)));
    return `${shown} second${shown === 1 ? '' : 's'}`;
  }
  return `${Number(minutes.toFixed(2))} minutes`;
}

/**
 * How the backend's own shell tool can wait out one slice of `dispatch ask`: the tool limits of
 * Claude Code (Bash stops waiting at 120 s) and opencode (bash kills at 120 s) take a timeout.
 */
function toolTimeoutTip(backendType: string | undefined, sliceSeconds: number): string {
  const ms = Math.min(600_000, Math.ceil(sliceSeconds + 30) * 1000);
  if (backendType === 'claude')
    return ` Give the Bash tool a \`timeout\` of ${ms} (milliseconds, at most 600000) for it.`;
  if (backendType === 'opencode')
    return ` Give the bash tool a \`timeout\` of ${ms} (milliseconds) for it.`;
  return '';
}

export function workerInstructions(input: WorkerPromptInput): string {
  const { paths } = input;
  const wait = formatDuration(input.fallbackMinutes);
  const slice = input.askSliceSeconds ?? DEFAULT_ASK_SLICE_SECONDS;
  const askTool = input.dispatchCommand
    ? [
        '',
        `   Shortcut: run \`dispatch ask "your question"\` (if \`dispatch\` is not found, run \`${shellQuote(input.dispatchCommand)} ask "your question"\`). It does all of the above (write, wait, acknowledge) and prints the answer. One run waits at most ${formatDuration(slice / 60)}.${toolTimeoutTip(input.backendType, slice)} Exit status ${ASK_AGAIN_EXIT_CODE} means no answer yet: run the same command again, as often as it says so; it keeps waiting for the same question (never write it anew). Any other non-zero status means no answer came within ${wait}: follow step 5.`,
      ]
    : [];
  return [
    `You are a background worker dispatched by agent-dispatch. Nobody is watching this session: work on your own, and talk to the user only through the files below.`,
    '',
    `Plan file: ${paths.plan}`,
    `IPC folder: ${paths.ipc}`,
    `Output file: ${paths.output}`,
    `Context file: ${paths.context}`,
    '',
    'How to work:',
    '1. Read the plan file. It is a checklist and the single source of truth for progress. Work through the items from top to bottom.',
    '2. As soon as an item is done, change its "[ ]" to "[x]" in the plan file. Change only that marker and keep every other line as it is. If the first item asks you to expand the plan, replace it with concrete items first.',
    '3. Read the plan file again before each item: lines starting with "> **Note from dispatcher:**" are new instructions from the user.',
    '4. To ask the user a question, use the IPC folder:',
    '   - Sequence numbers are three digits from 001: use one more than the highest number of any file in the IPC folder.',
    '   - Write the question to NNN.question.tmp in the IPC folder, then rename it to NNN.question (never write the final name directly).',
    '   - Check every few seconds for NNN.answer. When it appears, read it, write NNN.done the same way (temp file, then rename) to acknowledge it, and carry on using the answer.',
    ...askTool,
    `5. If no answer comes within ${wait}: write what you have done, found and planned so far to the context file, mark the item "[?]" with the question on the following line (indented by two spaces), and exit. A new worker will continue with the answer.`,
    '6. If an item cannot be done (missing access, an error you cannot resolve), mark it "[!]" with the reason on the following line (indented by two spaces), then continue with the items that do not depend on it.',
    '7. When every item is checked, write a short summary of the results to the output file unless an item says otherwise, then create the completion marker: an empty file named .done in the IPC folder (write .done.tmp, then rename it to .done).',
    '8. Write nothing else into the IPC folder.',
  ].join('\n');
}

export function buildWorkerPrompt(input: WorkerPromptInput): string {
  const parts = [
    workerInstructions(input),
    '',
    `Task: ${input.title.replace(/\s*\r?\n\s*/g, ' ')} (id ${input.id})`,
  ];
  if (input.request.trim()) parts.push('', 'Request from the user:', input.request.trim());
  if (input.aliasPrompt?.trim()) parts.push('', input.aliasPrompt.trim());
  return parts.join('\n') + '\n';
}

export interface ResumeInput extends WorkerPromptInput {
  planText: string;
  contextText: string | undefined;
  answer: { question: string; text: string } | undefined;
  /** Why the previous attempt stopped, for a retry. */
  previousFailure: string | undefined;
  /** New instructions for a finished task (`dispatch continue`). */
  instructions?: string;
  /** A failed verify command's output, for another round (`--iterate`). */
  verifyFeedback?: VerifyFeedback;
}

/**
 * The prompt of a worker that continues a task another worker left: after the fallback (with the
 * user's answer), on `dispatch retry` or `dispatch continue` (with the user's new instructions),
 * when the CLI cannot resume the earlier worker's own session. It carries the plan, the context
 * and the answer inline.
 */
export function buildResumePrompt(input: ResumeInput): string {
  const parts = [
    buildWorkerPrompt(input).trimEnd(),
    '',
    'This task was started by an earlier worker that has stopped. Continue where it stopped: items marked [x] are done, do not redo them.',
  ];
  if (input.previousFailure)
    parts.push('', `The earlier worker stopped because: ${input.previousFailure}`);
  if (input.answer) {
    parts.push(
      '',
      'The earlier worker asked:',
      '<<<',
      input.answer.question.trim(),
      '>>>',
      'The user answered:',
      '<<<',
      input.answer.text.trim(),
      '>>>',
      'Change the blocked "[?]" item back to "[ ]" (remove the question line under it) and continue with this answer.',
    );
  }
  if (input.instructions !== undefined) {
    parts.push(
      '',
      'The earlier worker finished; the user continues the task with new instructions:',
      '<<<',
      input.instructions.trim(),
      '>>>',
      'The completion marker was removed: when every item is checked again, update the output file and create the marker again.',
    );
  }
  if (input.verifyFeedback) parts.push('', ...verifyFeedbackLines(input.verifyFeedback));
  if (input.contextText?.trim()) {
    parts.push(
      '',
      `The earlier worker's notes (context file):`,
      '<<<',
      input.contextText.trim(),
      '>>>',
    );
  }
  parts.push('', 'The plan as it stands:', '<<<', input.planText.trimEnd(), '>>>');
  return parts.join('\n') + '\n';
}
