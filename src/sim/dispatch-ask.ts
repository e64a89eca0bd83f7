import { spawn } from 'node:child_process';

/**
 * The `dispatch ask` shortcut the prompt may offer: the command writes the question, waits one
 * slice, acknowledges and prints the answer (or exits with the prompt's ask-again status). Run with an argv array, never a shell string, so the
 * question reaches it verbatim.
 */
export type AskResult =
  | { kind: 'answered'; answer: string }
  | { kind: 'no-answer'; code: number | null; stderr: string }
  /** The command could not be started at all (not on PATH, no such file). */
  | { kind: 'unavailable'; error: string };

export function runDispatchAsk(
  command: string,
  question: string,
  signal: AbortSignal,
): Promise<AskResult> {
  return new Promise((resolve) => {
    const child = spawn(command, ['ask', question], {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') resolve({ kind: 'unavailable', error: error.message });
      else resolve({ kind: 'no-answer', code: null, stderr: error.message });
    });
    child.on('close', (code) => {
      if (code === 0) resolve({ kind: 'answered', answer: stdout.trim() });
      else resolve({ kind: 'no-answer', code, stderr: stderr.trim() });
    });
  });
}
