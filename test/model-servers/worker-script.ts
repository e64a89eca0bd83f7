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
}

export const QUESTION = 'Which greeting should the summary use?';
export const FINAL_TEXT = 'All plan items are done.';

/** Paths the worker prompt names ("Plan file: …"), or undefined if the prompt is not ours. */
export function promptPaths(
  prompt: string,
): { plan: string; ipc: string; output: string } | undefined {
  const field = (label: string) => new RegExp(`^${label}: (.+)$`, 'm').exec(prompt)?.[1]?.trim();
  const plan = field('Plan file');
  const ipc = field('IPC folder');
  const output = field('Output file');
  return plan && ipc && output ? { plan, ipc, output } : undefined;
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

/** The next step, given the prompt and the results of the tool calls made so far. */
export function nextAction(prompt: string, results: ToolResult[]): ScriptAction {
  const paths = promptPaths(prompt);
  if (!paths) return { kind: 'text', text: 'Scripted model: no dispatch worker prompt here.' };
  const last = results.at(-1);
  const session = last ? runningSession(last.output) : undefined;
  if (session !== undefined) return { kind: 'poll', session };
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
      return {
        kind: 'shell',
        command: [
          `sed -i 's/- \\[ \\]/- [x]/g' ${quote(paths.plan)}`,
          `: > ${quote(`${paths.ipc}/.done.tmp`)}`,
          `mv ${quote(`${paths.ipc}/.done.tmp`)} ${quote(`${paths.ipc}/.done`)}`,
        ].join(' && '),
      };
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
