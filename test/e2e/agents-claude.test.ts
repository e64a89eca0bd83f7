import { expect, it } from 'vitest';
import { claudeSetup } from '../model-servers/agent-clis.js';
import { agentSuite } from '../model-servers/agent-suite.js';
import { anthropicApi } from '../model-servers/anthropic-api.js';
import { answersAfterToolLimit, reportsFailure } from '../model-servers/dispatch-scenarios.js';
import { REPLY_USAGE } from '../model-servers/model-server.js';

agentSuite(
  {
    name: 'claude',
    label: 'Claude Code',
    api: anthropicApi,
    setup: claudeSetup,
    exercises: 'Bash and Write tools, dispatch ask, usage and cost',
    checkCompleted(log, server) {
      expect(log).toContain('→ Bash: { dispatch ask');
      expect(log).toContain('→ Write: ');
      expect(log).toMatch(/\[claude\] finished after \d+ turns/);
      expect(server.requests.every((r) => r.path.startsWith('/v1/messages'))).toBe(true);
      expect(server.replies * REPLY_USAGE.input).toBeGreaterThan(0);
    },
    failures: [
      [401, 'auth', 'failed'],
      [429, 'rate-limit', 'failed'],
      [500, 'service-error', 'failed'],
      ['unreachable', 'network', 'failed'],
    ],
    limitSeconds: 60,
  },
  () => {
    it(
      'gets an answer given after its Bash tool limit, asking one question in slices',
      { timeout: 240_000 },
      async () => {
        // The Bash tool stops waiting after 6 s here (120 s by default); slices of 2 s fit in it,
        // and the answer comes only after four of them.
        const { log, asks } = await answersAfterToolLimit(anthropicApi, claudeSetup, {
          toolLimitEnv: { BASH_DEFAULT_TIMEOUT_MS: '6000', BASH_MAX_TIMEOUT_MS: '6000' },
          sliceSeconds: 2,
          asks: 4,
        });
        expect(asks).toBeGreaterThanOrEqual(4);
        expect(log).toContain('No answer yet to question 001');
        expect(log).not.toMatch(/did not complete within|running in the background/i);
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
        expect(outcome.evidence).toContain(
          '--dangerously-skip-permissions cannot be used with root',
        );
      },
    );
  },
);
