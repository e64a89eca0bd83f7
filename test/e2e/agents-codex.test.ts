import { describe, expect, it } from 'vitest';
import { AGENT_BIN, SKIP_REASON, codexSetup } from '../model-servers/agent-clis.js';
import { completesTaskWithQuestion, reportsFailure } from '../model-servers/dispatch-scenarios.js';
import { openaiResponsesApi } from '../model-servers/openai-responses-api.js';

if (!AGENT_BIN) console.warn(`agents-codex: skipped, ${SKIP_REASON}`);

describe.skipIf(!AGENT_BIN)('the real Codex CLI as a dispatch worker', () => {
  it(
    'completes a task with a question: exec_command, dispatch ask, usage per turn',
    { timeout: 240_000 },
    async () => {
      const { log, server } = await completesTaskWithQuestion(openaiResponsesApi, codexSetup);
      expect(log).toMatch(/^→ \$ .*dispatch ask 'Which greeting/m);
      expect(log).toMatch(/^\[codex\] thread /m);
      expect(server.requests.every((r) => r.path === '/v1/responses')).toBe(true);
    },
  );

  it.each([
    [401, 'auth', 'failed'],
    [429, 'rate-limit', 'failed'],
    [500, 'service-error', 'failed'],
    // Codex does not give up on an unreachable service: it waits for the network, and says so.
    ['unreachable', 'network', 'running'],
  ] as const)(
    'names the cause when the service answers %s, and retry --model sim recovers',
    { timeout: 180_000 },
    async (failure, kind, state) => {
      const outcome = await reportsFailure(openaiResponsesApi, codexSetup, failure, {
        state,
        limitSeconds: 60,
      });
      console.info(
        `codex ${failure}: ${outcome.label} after ${outcome.seconds.toFixed(1)} s (${outcome.state}): ${outcome.evidence}`,
      );
      expect(outcome.kind, outcome.evidence).toBe(kind);
    },
  );
});
