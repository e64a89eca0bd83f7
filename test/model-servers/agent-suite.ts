import { describe, expect, it } from 'vitest';
import { AGENT_BIN, SKIP_REASON } from './agent-clis.js';
import {
  cancelWhileAskingLeavesNothing,
  completesTaskWithQuestion,
  reportsFailure,
  resumesSessionAfterFallback,
  type FailureCase,
  type Setup,
} from './dispatch-scenarios.js';
import type { ApiAdapter, ModelServer } from './model-server.js';

/** One real agent CLI, as the shared suite drives it. */
export interface AgentCase {
  /** The backend's name, e.g. "claude". */
  name: string;
  /** How people call it, e.g. "Claude Code". */
  label: string;
  /** The model API it speaks, served by our scripted model server. */
  api: ApiAdapter;
  setup: Setup;
  /** What the completed task exercises, for the test's name. */
  exercises: string;
  /** What worker.log and the server's requests must show after the completed task. */
  checkCompleted(log: string, server: ModelServer): void;
  /**
   * Each way the service fails, the cause `dispatch status` must name, and the task's state
   * meanwhile: failed, or running for a CLI that keeps retrying.
   */
  failures: readonly (readonly [FailureCase, string, 'failed' | 'running'])[];
  /** How long the cause may take to show. */
  limitSeconds: number;
  /**
   * How a task goes on after its worker stopped: in the CLI's own session (the default), or
   * with a new worker given context.md, for a CLI that cannot resume in this setup.
   */
  resumes?: 'session' | 'new-worker';
}

/**
 * The suite every real agent CLI goes through: it completes a task with a question on the way,
 * and names the cause of each failure of the model service, after which `dispatch retry --model
 * sim` recovers. Skipped, saying so, without DISPATCH_TEST_AGENT_BIN.
 */
export function agentSuite(agent: AgentCase, more?: () => void): void {
  if (!AGENT_BIN) console.warn(`agents-${agent.name}: skipped, ${SKIP_REASON}`);

  describe.skipIf(!AGENT_BIN)(`the real ${agent.label} CLI as a dispatch worker`, () => {
    it(`completes a task with a question: ${agent.exercises}`, { timeout: 240_000 }, async () => {
      const { log, server } = await completesTaskWithQuestion(agent.api, agent.setup);
      agent.checkCompleted(log, server);
    });

    it.each(agent.failures)(
      'names the cause when the service answers %s, and retry --model sim recovers',
      { timeout: 180_000 },
      async (failure, kind, state) => {
        const outcome = await reportsFailure(agent.api, agent.setup, failure, {
          state,
          limitSeconds: agent.limitSeconds,
        });
        console.info(
          `${agent.name} ${failure}: ${outcome.label} after ${outcome.seconds.toFixed(1)} s${outcome.afterFirstRequest === undefined ? '' : `, ${outcome.afterFirstRequest.toFixed(1)} s after the first failed request`} (${outcome.state}): ${outcome.evidence}`,
        );
        expect(outcome.kind, outcome.evidence).toBe(kind);
      },
    );

    it(
      'resumes its own session with the answer after the fallback, and for continue',
      { timeout: 420_000 },
      async () => {
        const outcome = await resumesSessionAfterFallback(agent.api, agent.setup);
        console.info(
          `${agent.name} continuation: after the answer ${outcome.afterAnswer}, after continue ${outcome.afterContinue}; sessions ${outcome.sessions.join(', ')}`,
        );
        expect(outcome).toMatchObject({
          afterAnswer: agent.resumes ?? 'session',
          afterContinue: agent.resumes ?? 'session',
        });
      },
    );

    it(
      'leaves no process of the task after cancel while asking',
      { timeout: 240_000 },
      async () => {
        const { beforeCancel } = await cancelWhileAskingLeavesNothing(agent.api, agent.setup);
        console.info(`${agent.name} cancel: ${beforeCancel} marked processes before, none after`);
      },
    );

    more?.();
  });
}
