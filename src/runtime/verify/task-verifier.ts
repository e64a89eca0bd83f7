import { DEFAULT_VERIFY_TIMEOUT_MINUTES } from '../../core/config/config-types.js';
import type { TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import { nextAttempt } from '../../core/task/task-events.js';
import { verifyView } from '../../core/verify/verify-status.js';
import { isProcessAlive } from '../process/process-info.js';
import { stopProcessGroup } from '../process/stop-process-group.js';
import type { TaskStore } from '../store/task-store.js';
import { removeCompletionMarker } from '../tasks/continue-task.js';
import { resumeTask } from '../tasks/resume-task.js';
import { readVerifyFeedback } from './read-feedback.js';
import { runVerify, verifyEnv, type VerifyRun } from './run-verify.js';

export interface TaskVerifierHooks {
  log(message: string): void;
  /** Look at the task again: a run ended, or its state moved on. */
  examine(id: string): void;
}

/**
 * The supervisor's part of verify (docs/verify.md): once a task's worker has said it is done and
 * its process has ended, runs the task's verify command in the task's folder or worktree and
 * records the result; with rounds left (`--iterate`) a failure resumes the worker with the end
 * of the output. The runs are recorded before and after, so a supervisor that dies mid-run is
 * followed by one that records the interruption, stops the orphaned command if it still runs,
 * and runs it again: never lost, never twice in silence.
 */
export class TaskVerifier {
  private readonly runs = new Map<string, { attempt: number; run: VerifyRun }>();

  constructor(
    private readonly store: TaskStore,
    private readonly hooks: TaskVerifierHooks,
  ) {}

  /** Verify commands running now (the supervisor stays while any does). */
  get active(): number {
    return this.runs.size;
  }

  /** Acts on the verify step of a task the supervisor just examined. */
  handle(snapshot: TaskSnapshot, status: TaskStatus): void {
    const own = this.runs.get(status.id);
    if (status.state !== 'verifying') {
      // Cancelled (or started again) while its check ran: the check is moot.
      if (own) void own.run.stop();
      return;
    }
    const meta = snapshot.meta;
    const verify = status.verify;
    if (!meta?.verify || !verify || own) return;
    if (verify.step === 'pending') this.start(status.id, status.attempt);
    else if (verify.step === 'running' && verify.running)
      this.interrupted(status.id, verify.running);
    else if (verify.step === 'failed' && verify.iterating) this.nextRound(snapshot, status);
  }

  /** Stops every running check (the supervisor is leaving); the next one runs them again. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.runs.values()].map(({ run }) => run.stop()));
  }

  private start(id: string, attempt: number): void {
    const meta = this.store.meta(id);
    const spec = meta?.verify;
    if (!meta || !spec) return;
    const events = this.store.snapshot(id).events;
    const runNumber =
      events.filter((e) => e.type === 'verify-started' && e.attempt === attempt).length + 1;
    const files = this.store.files(id);
    const run = runVerify({
      command: spec.command,
      cwd: meta.worktree?.path ?? meta.cwd,
      env: verifyEnv(this.store.env),
      timeoutMs: (spec.timeoutMinutes || DEFAULT_VERIFY_TIMEOUT_MINUTES) * 60_000,
      logFile: files.verifyLog,
    });
    this.runs.set(id, { attempt, run });
    if (run.pid !== undefined)
      this.store.appendEvent(id, {
        type: 'verify-started',
        attempt,
        run: runNumber,
        pid: run.pid,
        startTime: run.startTime,
      });
    this.hooks.log(`${id}: verifying attempt ${attempt}: ${spec.command}`);
    void run.result
      .then((result) => this.record(id, attempt, runNumber, result))
      .catch((error: Error) => this.hooks.log(`${id}: verify failed to run: ${error.message}`))
      .finally(() => {
        this.runs.delete(id);
        this.hooks.examine(id);
      });
  }

  private record(
    id: string,
    attempt: number,
    runNumber: number,
    result: Awaited<VerifyRun['result']>,
  ): void {
    const snapshot = this.store.snapshot(id);
    const spec = snapshot.meta?.verify;
    // Only for the attempt it checked, while that attempt is still the task's latest.
    if (!spec || nextAttempt(snapshot.events) - 1 !== attempt) return;
    const view = verifyView(spec, snapshot.events, false);
    if (view.result) return;
    const iterate = !result.passed && view.round < view.rounds;
    this.store.appendEvent(id, {
      type: 'verified',
      attempt,
      run: runNumber,
      passed: result.passed,
      code: result.code,
      ...(result.signal ? { signal: result.signal } : {}),
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      ...(result.error ? { error: result.error } : {}),
      iterate,
      lastLine: result.lastLine,
    });
    this.hooks.log(
      `${id}: verify ${result.passed ? 'passed' : 'failed'} (attempt ${attempt}, round ${view.round} of ${view.rounds})`,
    );
  }

  /** The supervisor that started this run is gone: record it, stop what is left, run again. */
  private interrupted(
    id: string,
    started: NonNullable<NonNullable<TaskStatus['verify']>['running']>,
  ): void {
    const alive = isProcessAlive(started.pid, started.startTime);
    const record = (stopped: boolean) => {
      this.store.appendEvent(id, {
        type: 'verify-interrupted',
        attempt: started.attempt,
        run: started.run,
        stopped,
      });
      this.hooks.log(
        `${id}: verify run ${started.run} of attempt ${started.attempt} was interrupted; running it again`,
      );
      this.hooks.examine(id);
    };
    if (!alive) return record(false);
    // Only a process that is provably the run recorded (pid and start time) is signalled.
    this.runs.set(id, { attempt: started.attempt, run: orphan(started.pid) });
    void stopProcessGroup(started.pid)
      .catch(() => undefined)
      .finally(() => {
        this.runs.delete(id);
        record(true);
      });
  }

  /** A failed check with rounds left: the worker goes on with the end of the output. */
  private nextRound(snapshot: TaskSnapshot, status: TaskStatus): void {
    const verify = status.verify;
    const result = verify?.result;
    if (!verify || !result) return;
    const files = this.store.files(status.id);
    const feedback = readVerifyFeedback(files, verify, verify.round + 1);
    removeCompletionMarker(files.ipcFile('.done'));
    const { started, attempt } = resumeTask(this.store, status.id, {
      reason: 'verify',
      attempt: nextAttempt(snapshot.events),
      ...(feedback ? { verifyFeedback: feedback } : {}),
    });
    if (started)
      this.hooks.log(
        `${status.id}: verify failed; round ${verify.round + 1} of ${verify.rounds} (attempt ${attempt})`,
      );
  }
}

/** A run this supervisor did not start, held while it is being stopped. */
function orphan(pid: number): VerifyRun {
  return {
    pid,
    startTime: null,
    result: new Promise(() => undefined),
    stop: () => Promise.resolve(),
  };
}
