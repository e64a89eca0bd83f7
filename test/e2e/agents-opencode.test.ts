import { describe, expect, it } from 'vitest';
import { AGENT_BIN, SKIP_REASON, opencodeSetup } from '../model-servers/agent-clis.js';
import { completesTaskWithQuestion, reportsFailure } from '../model-servers/dispatch-scenarios.js';
import { openaiChatApi } from '../model-servers/openai-chat-api.js';

if (!AGENT_BIN) console.warn(`agents-opencode: skipped, ${SKIP_REASON}`);

describe.skipIf(!AGENT_BIN)('the real opencode CLI as a dispatch worker', () => {
  it(
    'completes a task with a question: bash and write tools, dispatch ask, tokens per step',
    { timeout: 240_000 },
    async () => {
      const { log, server } = await completesTaskWithQuestion(openaiChatApi, opencodeSetup);
      expect(log).toContain('→ bash: { dispatch ask');
      expect(log).toContain('→ write: ');
      expect(server.requests.every((r) => r.path === '/v1/chat/completions')).toBe(true);
    },
  );

  it.each([
    [401, 'auth', 'failed'],
    // opencode retries a 429, a 500 or a refused connection for a minute or more; its error log
    // names the cause meanwhile.
    [429, 'rate-limit', 'running'],
    [500, 'service-error', 'running'],
    ['unreachable', 'network', 'running'],
  ] as const)(
    'names the cause when the service answers %s, and retry --model sim recovers',
    { timeout: 180_000 },
    async (failure, kind, state) => {
      const outcome = await reportsFailure(openaiChatApi, opencodeSetup, failure, {
        state,
        limitSeconds: 60,
      });
      console.info(
        `opencode ${failure}: ${outcome.label} after ${outcome.seconds.toFixed(1)} s (${outcome.state}): ${outcome.evidence}`,
      );
      expect(outcome.kind, outcome.evidence).toBe(kind);
    },
  );
});
