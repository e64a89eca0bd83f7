import { spawn, type ChildProcess } from 'node:child_process';
import { LAUNCHER_ENTRY } from '../package-paths.js';
import type { WrapperLaunch, WrapperOutcome } from './spawn-wrapper.js';
import { SMALL_YOUNG_GENERATION } from '../process/young-generation.js';

/** The launcher's outcome of one spawn, or `lost`: it died before answering. */
export type LauncherAnswer = WrapperOutcome | 'lost';

interface Running {
  child: ChildProcess;
  pending: Map<number, (answer: LauncherAnswer) => void>;
}

/** A small heap: the launcher holds nothing but the request it is spawning. */
const LAUNCHER_FLAGS = ['--max-old-space-size=16', SMALL_YOUNG_GENERATION];

/**
 * The supervisor's side of the launcher (bin/launcher.ts): a child process, started on the first
 * request and again whenever the last one died, that spawns worker wrappers on request. A request
 * the launcher answered has its `spawned` record written; one it died before answering is `lost`,
 * and the caller finds out from the task's files whether it started (launch-worker.ts). An idle
 * launcher is let go after `idleMs`, so a supervisor with nothing to start costs no second process.
 */
export class LauncherClient {
  private running: Running | undefined;
  private seq = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      entry?: string;
      idleMs?: number;
      log?: (message: string) => void;
    } = {},
  ) {}

  /** The launcher's pid, while one runs. */
  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  spawn(launch: WrapperLaunch): Promise<LauncherAnswer> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const running = this.current();
    const seq = ++this.seq;
    return new Promise((resolve) => {
      running.pending.set(seq, resolve);
      // A request that cannot be sent is settled when the launcher's exit is seen.
      running.child.send({ seq, launch }, () => undefined);
    });
  }

  /** Lets the launcher go; requests still pending are settled as lost once it has exited. */
  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const running = this.running;
    this.running = undefined;
    if (running?.child.connected) running.child.disconnect();
  }

  private current(): Running {
    if (this.running?.child.connected) return this.running;
    const child = spawn(
      process.execPath,
      [...LAUNCHER_FLAGS, this.options.entry ?? LAUNCHER_ENTRY],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const running: Running = { child, pending: new Map() };
    this.running = running;
    child.on('message', (message: { seq: number; outcome: WrapperOutcome }) => {
      const resolve = running.pending.get(message.seq);
      running.pending.delete(message.seq);
      resolve?.(message.outcome);
      if (running.pending.size === 0) this.armIdle(running);
    });
    child.on('error', (error) => this.options.log?.(`launcher: ${error.message}`));
    // Only once it is gone for good can nothing more start from it: then the rest is lost.
    child.on('exit', (code, signal) => {
      if (this.running === running) this.running = undefined;
      if (running.pending.size > 0)
        this.options.log?.(
          `launcher exited (${signal ?? code}) with ${running.pending.size} start(s) unanswered`,
        );
      for (const resolve of running.pending.values()) resolve('lost');
      running.pending.clear();
    });
    return running;
  }

  private armIdle(running: Running): void {
    if (this.running !== running) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.running === running && running.pending.size === 0) this.close();
    }, this.options.idleMs ?? 5000);
    this.idleTimer.unref();
  }
}
