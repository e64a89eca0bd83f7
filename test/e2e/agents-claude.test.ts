import { describe, expect, it } from 'vitest';
import { AGENT_BIN, SKIP_REASON, claudeSetup } from '../model-servers/agent-clis.js';
import { anthropicApi } from '../model-servers/anthropic-api.js';
import { completesTaskWithQuestion, reportsFailure } from '../model-servers/dispatch-scenarios.js';
import { REPLY_USAGE } from '../model-servers/model-server.js';

if (!AGENT_BIN) console.warn(`agents-claude: skipped, ${SKIP_REASON}`);

describe.skipIf(!AGENT_BIN)('the real Claude Code CLI as a dispatch worker', () => {
  it(
    'completes a task with a question: Bash and Write tools, dispatch ask, usage and cost',
    { timeout: 240_000 },
    async () => {
      const { log, server } = await completesTaskWithQuestion(anthropicApi, claudeSetup);
      expect(log).toContain('→ Bash: { dispatch ask');
      expect(log).toContain('→ Write: ');
      expect(log).toMatch(/\[claude\] finished after \d+ turns/);
      expect(server.requests.every((r) => r.path.startsWith('/v1/messages'))).toBe(true);
      expect(server.replies * REPLY_USAGE.input).toBeGreaterThan(0);
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
      const outcome = await reportsFailure(anthropicApi, claudeSetup, failure, {
        state: 'failed',
        limitSeconds: 60,
      });
      console.info(
        `claude ${failure}: ${outcome.label} after ${outcome.seconds.toFixed(1)} s: ${outcome.evidence}`,
      );
      expect(outcome.kind, outcome.evidence).toBe(kind);
    },
  );

  it.skipIf(process.getuid?.() !== 0)(
    'as root without IS_SANDBOX=1, reports the refusal and says how to allow it',
    { timeout: 120_000 },
    async () => {
      const outcome = await reportsFailure(
        anthropicApi,
        (url, dir) => claudeSetup(url, dir, { sandboxFlag: false }),
        401,
        { state: 'failed', limitSeconds: 30 },
      );
      expect(outcome.kind).toBe('permission');
      expect(outcome.evidence).toContain('--dangerously-skip-permissions cannot be used with root');
    },
  );
});
