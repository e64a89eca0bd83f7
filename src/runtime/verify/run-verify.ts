import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { preview } from '../../core/task/task-events.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { processStartTime } from '../process/process-info.js';
import { stopProcessGroup } from '../process/stop-process-group.js';
import { BoundedOutput } from './bounded-output.js';

export interface VerifyRunRequest {
  /** The user's command line, run as `sh -c <command>`: one argument, never spliced. */
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Where the output goes when the run ends (verify.log), written atomically. */
  logFile: string;
}

export interface VerifyRunResult {
  passed: boolean;
  code: number | null;
  signal: string | undefined;
  timedOut: boolean;
  durationMs: number;
  /** Why the command could not run at all. */
  error: string | undefined;
  lastLine: string;
}

export interface VerifyRun {
  /** The process group of the command (its `sh`); undefined when it could not start. */
  pid: number | undefined;
  startTime: string | null;
  result: Promise<VerifyRunResult>;
  /** Stops the command and everything it started (cancel, supervisor exit). */
  stop(): Promise<void>;
}

/** The environment of the verify command: the user's, without the marks of a task's worker. */
export function verifyEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  // Processes marked with a task's folder are stopped as the worker's leftovers.
  for (const name of ['DISPATCH_TASK_DIR', 'DISPATCH_TASK_ID', 'DISPATCH_ATTEMPT'])
    delete env[name];
  return env;
}

function lastLineOf(text: string): string {
  const lines = text.trimEnd().split(/\r?\n/);
  return preview(lines[lines.length - 1] ?? '', 200);
}

function folderProblem(cwd: string): string | undefined {
  try {
    if (statSync(cwd).isDirectory()) return undefined;
    return `the task's folder ${cwd} is not a folder`;
  } catch {
    return `the task's folder ${cwd} is gone (merged or discarded?)`;
  }
}

/**
 * Runs a verify command in its own process group with a time limit; its output (bounded) is
 * written to the log file when it ends, with the command first and the result last. A command
 * that outlives its limit is stopped with its whole group and counts as failed.
 */
export function runVerify(request: VerifyRunRequest): VerifyRun {
  const started = Date.now();
  const output = new BoundedOutput();
  const finish = (
    result: Omit<VerifyRunResult, 'durationMs' | 'lastLine' | 'passed'>,
  ): VerifyRunResult => {
    const durationMs = Date.now() - started;
    const text = output.text();
    const passed = result.error === undefined && !result.timedOut && result.code === 0;
    const how = result.error
      ? `could not run: ${result.error}`
      : result.timedOut
        ? `stopped after the time limit of ${Math.round(request.timeoutMs / 1000)} s`
        : result.code !== null
          ? `exit code ${result.code}`
          : `killed by ${result.signal ?? 'a signal'}`;
    const body = text.trimEnd();
    const log = [
      `$ ${request.command}`,
      `(in ${request.cwd})`,
      ...(body ? ['', body, ''] : []),
      `--- verify ${passed ? 'passed' : 'failed'}: ${how}, ${(durationMs / 1000).toFixed(1)} s`,
      '',
    ].join('\n');
    writeFileAtomic(request.logFile, log, { mode: 0o600 });
    const last = result.error ?? (result.timedOut ? `time limit reached` : lastLineOf(text));
    return { ...result, passed, durationMs, lastLine: last };
  };

  const problem = folderProblem(request.cwd);
  if (problem)
    return {
      pid: undefined,
      startTime: null,
      result: Promise.resolve(
        finish({ code: null, signal: undefined, timedOut: false, error: problem }),
      ),
      stop: () => Promise.resolve(),
    };

  const child = spawn('/bin/sh', ['-c', request.command], {
    cwd: request.cwd,
    env: request.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  const startTime = pid === undefined ? null : processStartTime(pid);
  child.stdout.on('data', (chunk: Buffer) => output.add(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.add(chunk));
  let timedOut = false;
  const stop = async (): Promise<void> => {
    if (pid !== undefined) await stopProcessGroup(pid).catch(() => undefined);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    void stop();
  }, request.timeoutMs);

  const result = new Promise<VerifyRunResult>((resolve) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const settle = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        resolve(
          finish({
            code: exit?.code ?? null,
            signal: exit?.signal ?? undefined,
            timedOut,
            error,
          }),
        );
      } catch (writeError) {
        resolve({
          passed: false,
          code: exit?.code ?? null,
          signal: exit?.signal ?? undefined,
          timedOut,
          durationMs: Date.now() - started,
          error: `could not write ${request.logFile}: ${(writeError as Error).message}`,
          lastLine: '',
        });
      }
    };
    child.on('error', (error) => settle(error.message));
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // What the command left running in its group holds the pipes open: it goes too.
      void stop().finally(() => {
        if (child.stdout.readableEnded && child.stderr.readableEnded) settle();
      });
    });
    child.on('close', () => {
      if (exit) settle();
    });
  });
  return { pid, startTime, result, stop };
}
