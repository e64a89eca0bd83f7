import { spawn } from 'node:child_process';

/** What a short-lived run of an agent CLI said: its exit code (null when killed) and output. */
export interface ProbeResult {
  code: number | null;
  /** Standard output, bounded. */
  stdout: string;
  /** Standard output and standard error, in the order they came, bounded. */
  output: string;
  /** It did not finish in time and was killed. */
  timedOut: boolean;
  /** It could not be started at all (the error's message). */
  error?: string;
}

const OUTPUT_LIMIT = 64 * 1024;

/**
 * Runs a program with arguments (never through a shell unless the caller passes `/bin/sh` and a
 * fixed script), standard input closed, and gives up after `timeoutMs`: in its own process
 * group, so a CLI's children are killed with it. Many probes can run at once.
 */
export function runProbe(
  program: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string },
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let output = '';
    let stdout = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(program, [...args], {
        cwd: options.cwd,
        env: { ...options.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (error) {
      resolve({
        code: null,
        stdout,
        output,
        timedOut: false,
        error: (error as Error).message,
      });
      return;
    }
    const collect = (chunk: Buffer) => {
      if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += chunk.toString('utf8');
      collect(chunk);
    });
    child.stderr.on('data', collect);
    const pid = child.pid;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, output, timedOut, error: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, output, timedOut });
    });
  });
}
