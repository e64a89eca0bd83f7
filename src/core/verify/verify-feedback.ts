/**
 * What a worker is told when its verify command failed and it gets another round (`--iterate`):
 * the command, how it failed and the end of its output, which is where test runners, compilers
 * and linters print the summary that matters. Bounded, so a noisy command cannot flood a prompt.
 */
export interface VerifyFeedback {
  command: string;
  /** How it failed, in words: "exit code 1", "it ran out of time". */
  failure: string;
  /** The end of the output, trimmed (see verifyOutputTail). */
  output: string;
  /** The round that starts now, of how many. */
  round: number;
  rounds: number;
  /** The full output of the failed run. */
  logFile: string;
}

/** Lines of the output's end a worker gets back. */
export const FEEDBACK_LINES = 60;
/** And at most this many characters of them. */
export const FEEDBACK_CHARS = 6000;

/** The label the output block follows in both the session message and a new worker's prompt. */
export const FEEDBACK_OUTPUT_LABEL = 'The end of its output:';

// Colours and cursor moves say nothing to a model and cost tokens.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;

/**
 * The end of a verify command's output: colour codes and trailing blank lines dropped, the last
 * `lines` lines, cut to the last `chars` characters at a line start.
 */
export function verifyOutputTail(
  text: string,
  lines = FEEDBACK_LINES,
  chars = FEEDBACK_CHARS,
): string {
  const all = text.replace(ANSI, '').replace(/\r\n?/g, '\n').trimEnd().split('\n');
  let tail = all.slice(-lines).join('\n');
  if (tail.length > chars) {
    const cut = tail.slice(-chars);
    const newline = cut.indexOf('\n');
    tail = newline >= 0 && newline < cut.length - 1 ? cut.slice(newline + 1) : cut;
  }
  const left = all.length - tail.split('\n').length;
  return left > 0 ? `[… ${left} earlier line(s) left out …]\n${tail}` : tail;
}

/**
 * The command's own output in verify.log, without the lines the log adds around it: the command
 * and folder first, the result last (see runtime/verify/run-verify.ts).
 */
export function verifyLogOutput(log: string): string {
  const lines = log.replace(/\r\n?/g, '\n').trimEnd().split('\n');
  if (lines[0]?.startsWith('$ ') && lines[1]?.startsWith('(in ')) lines.splice(0, 2);
  if (lines[lines.length - 1]?.startsWith('--- verify ')) lines.pop();
  return lines.join('\n').trim();
}

export function verifyFeedbackLines(feedback: VerifyFeedback): string[] {
  return [
    `The verify command the user gave failed on the finished work (${feedback.failure}); round ${feedback.round} of ${feedback.rounds} starts now.`,
    'The verify command:',
    '<<<',
    feedback.command,
    '>>>',
    FEEDBACK_OUTPUT_LABEL,
    '<<<',
    feedback.output || '(no output)',
    '>>>',
    `The whole output is in ${feedback.logFile}.`,
    'Fix what makes it fail. The completion marker was removed: when the work is right and every item is checked, update the output file and create the marker again; the verify command then runs again.',
  ];
}
