import { describe, expect, it } from 'vitest';
import { AGENT_BIN, SKIP_REASON, geminiSetup } from '../model-servers/agent-clis.js';
import { completesTaskWithQuestion, reportsFailure } from '../model-servers/dispatch-scenarios.js';
import { geminiApi } from '../model-servers/gemini-api.js';

if (!AGENT_BIN) console.warn(`agents-gemini: skipped, ${SKIP_REASON}`);

describe.skipIf(!AGENT_BIN)('the real Gemini CLI as a dispatch worker', () => {
  it(
    'completes a task with a question: run_shell_command, write_file, dispatch ask, token stats',
    { timeout: 240_000 },
    async () => {
      const { log, server } = await completesTaskWithQuestion(geminiApi, geminiSetup);
      expect(log).toContain('→ run_shell_command: { dispatch ask');
      expect(log).toContain('→ write_file: ');
      expect(log).toMatch(/^\[gemini\] finished \(success/m);
      expect(server.requests.some((r) => r.path.includes(':streamGenerateContent'))).toBe(true);
    },
  );

  it.each([
    [401, 'auth'],
    [429, 'rate-limit'],
    [500, 'service-error'],
    ['unreachable', 'network'],
  ] as const)(
    'names the cause when the service answers %s, and retry --model sim recovers',
    { timeout: 180_000 },
    async (failure, kind) => {
      const outcome = await reportsFailure(geminiApi, geminiSetup, failure, {
        state: 'failed',
        limitSeconds: 90,
      });
      console.info(
        `gemini ${failure}: ${outcome.label} after ${outcome.seconds.toFixed(1)} s (${outcome.state}): ${outcome.evidence}`,
      );
      expect(outcome.kind, outcome.evidence).toBe(kind);
    },
  );
});
