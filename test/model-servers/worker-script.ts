/**
 * The scripted "model" every test server plays, independent of any API: from the worker prompt
 * and the tool results so far it picks the next step. It makes a real agent CLI do a dispatch
 * task with its own tools: check off an item (shell), ask the user through `dispatch ask` and
 * wait for the answer (shell), write output.md with the answer (the CLI's file tool), check off
 * the rest and write ipc/.done (shell), then say it is done.
 */
export type ScriptAction =
  | { kind: 'shell'; command: string }
  | { kind: 'write'; path: string; content: string }
  /** Codex only: a shell command still runs in a session; wait for more of its output. */
  | { kind: 'poll'; session: number }
  | { kind: 'text'; text: string };

export interface ToolResult {
  output: string;
  /**
   * Not a tool's output but a user message that resumed the session (it starts with
   * "agent-dispatch:"): the answer after the fallback, or `dispatch continue`'s instructions.
   */
  message?: boolean;
}

/** Whether a user message's text is dispatch resuming the session (session-message.ts). */
export function isSessionMessage(text: string): boolean {
  return /^agent-dispatch: /.test(text.trim());
}

export const QUESTION = 'Which greeting should the summary use?';
export const FINAL_TEXT = 'All plan items are done.';

/** Paths the worker prompt names ("Plan file: …"), or undefined if the prompt is not ours. */
export function promptPaths(
  prompt: string,
): { plan: string; ipc: string; output: string; context: string } | undefined {
  const field = (label: string) => new RegExp(`^${label}: (.+)$`, 'm').exec(prompt)?.[1]?.trim();
  const plan = field('Plan file');
  const ipc = field('IPC folder');
  const output = field('Output file');
  const context = field('Context file') ?? `${ipc}/../context.md`;
  return plan && ipc && output ? { plan, ipc, output, context } : undefined;
}

/** Single-quotes a word for sh (the scripted model builds its own commands). */
export function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const CHECK_FIRST = (plan: string) => `sed -i '0,/- \\[ \\]/s//- [x]/' ${quote(plan)}`;

/** Whether a shell result says the command is still running (Codex's unified exec sessions). */
export function runningSession(output: string): number | undefined {
  const match = /session ID (\d+)/i.exec(output);
  if (!match || /Process exited with code/i.test(output)) return undefined;
  return Number(match[1]);
}

/** Whether a shell result is `dispatch ask` saying its slice ended: the prompt says to run it again. */
export function askAgain(output: string): boolean {
  return /run the same command again to keep waiting/.test(output);
}

/** Whether a shell result is `dispatch ask` saying the whole wait is over: follow the fallback. */
export function gaveUpWaiting(output: string): boolean {
  return /Follow the fallback/.test(output);
}

/** What the fallback step prints, so the next request knows it was done. */
export const FALLBACK_DONE = 'FALLBACK-WRITTEN';
export const STOP_TEXT = 'No answer came in time: I wrote the context file and stop here.';
export const CONTINUED_TEXT = 'The new instructions are done.';

/** The text between `<<<` and `>>>` after a label of the resume messages (session-message.ts). */
function quotedAfter(text: string, label: RegExp): string | undefined {
  const match = new RegExp(`${label.source}[^\\n]*\\n<<<\\n([\\s\\S]*?)\\n>>>`, 'i').exec(text);
  return match?.[1]?.trim();
}

/**
 * The steps after the task continued: in the same session (its message is among the results) or
 * with a new worker (the continuation is in its prompt). With an answer: check the blocked item
 * off, write output.md, finish. With new instructions: add them to output.md, finish again.
 */
function afterContinuation(
  paths: NonNullable<ReturnType<typeof promptPaths>>,
  message: string,
  later: ToolResult[],
): ScriptAction {
  const steps = later.filter((result) => runningSession(result.output) === undefined);
  const answer = quotedAfter(message, /The user answered:/);
  const instructions = quotedAfter(message, /new instructions/);
  const finish = finishCommand(paths);
  if (answer !== undefined) {
    switch (steps.length) {
      case 0:
        return { kind: 'shell', command: `sed -i 's/- \\[[? ]\\]/- [x]/' ${quote(paths.plan)}` };
      case 1:
        return {
          kind: 'write',
          path: paths.output,
          content: `Greeting chosen by the user: ${answer}\n`,
        };
      case 2:
        return { kind: 'shell', command: finish };
      default:
        return { kind: 'text', text: FINAL_TEXT };
    }
  }
  if (instructions !== undefined && steps.length === 0)
    return {
      kind: 'shell',
      command: `printf '%s\\n' ${quote(`Continued: ${instructions}`)} >> ${quote(paths.output)} && ${finish}`,
    };
  return { kind: 'text', text: CONTINUED_TEXT };
}

/** Checks off every item and creates ipc/.done (temp file, then rename). */
function finishCommand(paths: NonNullable<ReturnType<typeof promptPaths>>): string {
  return [
    `sed -i 's/- \\[ \\]/- [x]/g' ${quote(paths.plan)}`,
    `: > ${quote(`${paths.ipc}/.done.tmp`)}`,
    `mv ${quote(`${paths.ipc}/.done.tmp`)} ${quote(`${paths.ipc}/.done`)}`,
  ].join(' && ');
}

/** The next step, given the prompt and the results of the tool calls made so far. */
export function nextAction(prompt: string, results: ToolResult[]): ScriptAction {
  const paths = promptPaths(prompt);
  if (!paths) return { kind: 'text', text: 'Scripted model: no dispatch worker prompt here.' };
  const last = results.at(-1);
  const session = last && !last.message ? runningSession(last.output) : undefined;
  if (session !== undefined) return { kind: 'poll', session };
  // Continued in this session (the latest message), or by a new worker (its prompt says so).
  const resumedAt = results.findLastIndex((result) => result.message);
  if (resumedAt >= 0)
    return afterContinuation(paths, results[resumedAt]?.output ?? '', results.slice(resumedAt + 1));
  if (/This task was started by an earlier worker/.test(prompt))
    return afterContinuation(paths, prompt, results);
  // The whole wait is over: the fallback (context file, the item marked [?]), then stop.
  if (last && gaveUpWaiting(last.output))
    return {
      kind: 'shell',
      command: [
        `sed -i '0,/- \\[ \\]/s//- [?]/' ${quote(paths.plan)}`,
        `printf '%s\\n' ${quote(`Asked: ${QUESTION} Surveyed the project; the summary waits for the answer.`)} > ${quote(paths.context)}`,
        `echo ${FALLBACK_DONE}`,
      ].join(' && '),
    };
  if (last?.output.includes(FALLBACK_DONE)) return { kind: 'text', text: STOP_TEXT };
  // A running session's output and a slice that ended are not steps of their own.
  const steps = results.filter(
    (result) => runningSession(result.output) === undefined && !askAgain(result.output),
  );
  const step = last && askAgain(last.output) ? 1 : steps.length;
  switch (step) {
    case 0:
      return { kind: 'shell', command: `ls -a && ${CHECK_FIRST(paths.plan)}` };
    case 1:
      return {
        kind: 'shell',
        // No $(…): Gemini CLI refuses commands with command substitution.
        command: `{ dispatch ask ${quote(QUESTION)} && ${CHECK_FIRST(paths.plan)}; } | sed 's/^/ANSWER=/'`,
      };
    case 2:
      return { kind: 'write', path: paths.output, content: summary(steps[1]?.output ?? '') };
    case 3:
      return { kind: 'shell', command: finishCommand(paths) };
    default:
      return { kind: 'text', text: FINAL_TEXT };
  }
}

/** output.md: the answer `dispatch ask` printed, found in the tool output whatever its framing. */
function summary(askOutput: string): string {
  // The last match: a CLI may echo the command (with its printf format) before the output.
  const answer = [...askOutput.matchAll(/ANSWER=([^'"\\]*)/g)]
    .map((match) => (match[1] ?? '').trim())
    .filter((text) => text && !text.startsWith('/'))
    .at(-1);
  return `Greeting chosen by the user: ${answer ?? '(no answer came)'}\n`;
}
